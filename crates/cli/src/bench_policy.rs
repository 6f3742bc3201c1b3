//! `linghuo bench policy`: the eleven-benefit bundle over a population, from
//! memory (one core and all cores), end to end from JSON lines (one core), and
//! one person with trace. Results go to BENCHMARKS.md.

use anyhow::Context as _;
use linghuo_policy::{Engine, Facts, ScreenOptions, parse_facts, synth};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct BenchPolicyArgs {
    /// Synthetic persons to generate (ignored with --population).
    #[arg(long, default_value_t = 1_000_000)]
    pub persons: usize,
    /// Seed of the synthetic population.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Use this population instead (JSON lines, one facts document per line).
    #[arg(long)]
    pub population: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Folds a decision into a number so the optimiser cannot drop the work.
fn fold(acc: u64, d: &linghuo_policy::Decision) -> u64 {
    d.outcomes.iter().fold(acc, |a, o| {
        a.wrapping_mul(31)
            .wrapping_add(o.amount.0 as u64 ^ o.payable_now.0 as u64 ^ u64::from(o.eligible))
    })
}

fn decide_all(engine: &Engine, facts: &[Facts]) -> u64 {
    facts.iter().fold(0, |a, f| fold(a, &engine.decide(f)))
}

/// The determinations as compact JSON, written by the engine's direct
/// writer (the bytes of `serde_json::to_string`; the API and the CLI use the
/// same writer in its pretty form).
fn to_json(d: &linghuo_policy::Determinations) -> String {
    d.to_json(false)
}

fn per_second(n: usize, secs: f64) -> u64 {
    (n as f64 / secs.max(1e-9)).round() as u64
}

/// This thread's time on a CPU and waiting for one, in seconds, from the
/// scheduler's accounting; zeros where the kernel does not provide it. On a
/// shared machine the wall clock also counts the time other processes held
/// the cores, so the table shows both.
fn sched_seconds() -> (f64, f64) {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            let mut it = s.split_whitespace().map(|x| x.parse::<f64>().ok());
            Some((it.next()?? / 1e9, it.next()?? / 1e9))
        })
        .unwrap_or((0.0, 0.0))
}

/// Runs `f`, returning its wall-clock seconds, on-CPU seconds and the share
/// of the wall-clock time this thread waited for a CPU.
fn timed(f: impl FnOnce()) -> (f64, f64, f64) {
    let (cpu0, wait0) = sched_seconds();
    let t = Instant::now();
    f();
    let wall = t.elapsed().as_secs_f64();
    let (cpu1, wait1) = sched_seconds();
    let cpu = if cpu1 > cpu0 { cpu1 - cpu0 } else { wall };
    (wall, cpu, ((wait1 - wait0) / wall).clamp(0.0, 1.0))
}

/// The process's peak resident memory (Linux `VmHWM`, MiB to a tenth; 0 off Linux). The
/// benches share it; `bench takeup` resets the peak between measures.
pub(crate) fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| (kb / 1024.0 * 10.0).round() / 10.0)
        .unwrap_or(0.0)
}

pub fn run(args: BenchPolicyArgs) -> anyhow::Result<()> {
    let engine = Engine::new();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    // The population, as JSON lines and as parsed facts.
    let jsonl = match &args.population {
        Some(p) => {
            std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?
        }
        None => synth::jsonl(args.persons, args.seed),
    };
    let mut facts = Vec::with_capacity(jsonl.len() / 300);
    for (i, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        facts.push(parse_facts(line).map_err(|e| {
            anyhow::anyhow!("line {}: {}: {} ({})", i + 1, e.path, e.message, e.code)
        })?);
    }
    let persons = facts.len();
    anyhow::ensure!(persons > 0, "the population is empty");

    // From memory, one core: a warm-up pass, then the measured one.
    black_box(decide_all(&engine, &facts[..persons.min(10_000)]));
    let (wall, cpu, memory_wait) = timed(|| {
        black_box(decide_all(&engine, &facts));
    });
    let memory_single = per_second(persons, wall);
    let memory_single_cpu = per_second(persons, cpu);

    // From memory, all cores.
    let chunk = persons.div_ceil(threads);
    let t = Instant::now();
    std::thread::scope(|s| {
        let handles: Vec<_> = facts
            .chunks(chunk)
            .map(|part| s.spawn(|| decide_all(&engine, part)))
            .collect();
        for h in handles {
            black_box(h.join().unwrap_or(0));
        }
    });
    let memory_all = per_second(persons, t.elapsed().as_secs_f64());

    // Full determinations (reasons, citations, receipt), one core, for the
    // table only: what an API answer costs without trace.
    let sample = persons.min(100_000);
    let t = Instant::now();
    for f in &facts[..sample] {
        black_box(engine.screen(f, &ScreenOptions { trace: false }));
    }
    let screen_single = per_second(sample, t.elapsed().as_secs_f64());

    // End to end from JSON lines, one core: parse and decide every line.
    let mut n = 0usize;
    let (wall, cpu, jsonl_wait) = timed(|| {
        let mut acc = 0u64;
        for line in jsonl.lines() {
            if line.trim().is_empty() {
                continue;
            }
            if let Ok(f) = parse_facts(line) {
                acc = fold(acc, &engine.decide(&f));
                n += 1;
            }
        }
        black_box(acc);
    });
    let jsonl_single = per_second(n, wall);
    let jsonl_single_cpu = per_second(n, cpu);
    drop(facts);

    // One person with trace, screened and serialised as the API answers:
    // one sample per person over the first 20,000 persons (after a warm-up),
    // so p99 covers the people with the most tax years and premium months.
    let traced: Vec<Facts> = jsonl
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(21_000)
        .filter_map(|l| parse_facts(l).ok())
        .collect();
    let mut samples = Vec::with_capacity(traced.len());
    let (trace_cpu0, trace_wait0) = sched_seconds();
    let trace_start = Instant::now();
    for (i, f) in traced.iter().enumerate() {
        let t = Instant::now();
        let d = engine.screen(f, &ScreenOptions { trace: true });
        black_box(to_json(&d));
        if i >= traced.len().min(1_000) || traced.len() <= 1_000 {
            samples.push(t.elapsed().as_secs_f64() * 1e6);
        }
    }
    let trace_elapsed = trace_start.elapsed().as_secs_f64();
    let (trace_cpu1, trace_wait1) = sched_seconds();
    let trace_mean_cpu_us = (trace_cpu1 - trace_cpu0) * 1e6 / traced.len().max(1) as f64;
    let trace_waited = ((trace_wait1 - trace_wait0) / trace_elapsed).clamp(0.0, 1.0);
    samples.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        let i = ((samples.len() as f64 - 1.0) * p).round() as usize;
        (samples[i] * 10.0).round() / 10.0
    };
    let (p50, p99) = (pct(0.50), pct(0.99));
    // The heaviest of them alone, many times, for the table.
    let heaviest = traced
        .iter()
        .max_by_key(|f| f.tax_years.len() * 12 + f.social_insurance_paid.len())
        .context("no person to trace")?;
    let mut worst = Vec::with_capacity(5_000);
    for _ in 0..5_000 {
        let t = Instant::now();
        let d = engine.screen(heaviest, &ScreenOptions { trace: true });
        black_box(to_json(&d));
        worst.push(t.elapsed().as_secs_f64() * 1e6);
    }
    worst.sort_by(f64::total_cmp);
    let heaviest_p50 = (worst[worst.len() / 2] * 10.0).round() / 10.0;
    let rss = peak_rss_mib();

    if args.json {
        let out = serde_json::json!({
            "persons": persons,
            "memory_single_core_per_s": memory_single,
            "memory_all_cores_per_s": memory_all,
            "jsonl_single_core_per_s": jsonl_single,
            "trace_p50_us": p50,
            "trace_p99_us": p99,
            "peak_rss_mib": rss,
        });
        println!("{out}");
        return Ok(());
    }
    let source = match &args.population {
        Some(p) => p.display().to_string(),
        None => format!("synthetic, seed {}", args.seed),
    };
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    println!("policy bench: {persons} persons ({source}), eleven benefits each, {threads} threads");
    println!(
        "load average at the end: {} (wall-clock figures include time other processes held the cores)",
        load.join(" ")
    );
    let rows: Vec<(String, String)> = vec![
        (
            "decide from memory, one core (persons/s)".into(),
            memory_single.to_string(),
        ),
        (
            format!(
                "  per on-CPU second (waited for a CPU {:.0}%)",
                memory_wait * 100.0
            ),
            memory_single_cpu.to_string(),
        ),
        (
            format!("decide from memory, {threads} threads (persons/s)"),
            memory_all.to_string(),
        ),
        (
            "parse JSON line + decide, one core (persons/s)".into(),
            jsonl_single.to_string(),
        ),
        (
            format!(
                "  per on-CPU second (waited for a CPU {:.0}%)",
                jsonl_wait * 100.0
            ),
            jsonl_single_cpu.to_string(),
        ),
        (
            "full determinations, no trace, one core (persons/s)".into(),
            screen_single.to_string(),
        ),
        (
            "one person with trace + JSON, p50 (µs)".into(),
            p50.to_string(),
        ),
        (
            "one person with trace + JSON, p99 (µs)".into(),
            p99.to_string(),
        ),
        (
            format!(
                "  mean on-CPU per person (waited for a CPU {:.0}%)",
                trace_waited * 100.0
            ),
            format!("{trace_mean_cpu_us:.1}"),
        ),
        (
            "heaviest person with trace + JSON, p50 (µs)".into(),
            heaviest_p50.to_string(),
        ),
        ("peak RSS (MiB)".into(), rss.to_string()),
    ];
    println!("{:<58} {:>14}", "measure", "result");
    for (k, v) in rows {
        println!("{k:<58} {v:>14}");
    }
    Ok(())
}
