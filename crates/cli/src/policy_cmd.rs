//! `linghuo policy …`: the command-line front end of the policy engine
//! (linghuo-policy). Screening prints the contract's determinations JSON;
//! invalid facts print the JSON path and what is wrong on standard error and
//! exit with status 2.

use anyhow::Context as _;
use clap::Subcommand;
use linghuo_policy::whatif::Tally;
use linghuo_policy::{Engine, ParamOverride, check, parse_facts, policy_clauses, rules};
use std::io::{BufRead, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Screen one person's facts (JSON; "-" reads standard input) and print
    /// every benefit's determination as JSON.
    Screen {
        /// Facts file, or "-" for standard input.
        file: String,
        /// Attach the trace of every condition and parameter read.
        #[arg(long)]
        trace: bool,
        /// Overlay a parameter version for this run: NAME=VALUE@YYYY-MM-DD.
        #[arg(long = "set", value_name = "NAME=VALUE@YYYY-MM-DD")]
        set: Vec<String>,
    },
    /// Decide a population with and without parameter overlays and report,
    /// per benefit, the change in total cost and who gains or loses.
    Whatif {
        /// Facts as JSON lines, one person per line.
        #[arg(long)]
        population: PathBuf,
        /// Parameter overlay: NAME=VALUE@YYYY-MM-DD (repeatable).
        #[arg(long = "set", value_name = "NAME=VALUE@YYYY-MM-DD")]
        set: Vec<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a deterministic synthetic population as JSON lines.
    Synth {
        #[arg(long)]
        persons: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output file (default: standard output).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check legal coverage: text hash, every granting clause implemented,
    /// every rule tested, no unused parameter. Exits non-zero on problems.
    Check,
    /// List the clauses of the policy and the rules implementing each.
    Clauses {
        #[arg(long)]
        json: bool,
    },
    /// List the parameters with every dated version.
    Parameters {
        #[arg(long)]
        json: bool,
    },
    /// List the parameters as this installation decides with them (configured overrides and
    /// the corrections approved on the platform, from the database) and every correction.
    Params {
        #[arg(long)]
        json: bool,
    },
}

/// `linghuo policy params`: the parameters in force on this installation, and the
/// corrections proposed and decided on the platform.
pub async fn params(svc: &linghuo_service::Service, json: bool) -> anyhow::Result<ExitCode> {
    let p = svc.parameters_overview(false).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&p)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "政策参数（{}），参数集指纹 {}",
        p.as_of, p.parameters_sha256
    );
    for x in &p.parameters {
        println!(
            "{}  {}：{}（{}，{}）",
            x.name, x.description, x.current_text, x.unit_label, x.clause
        );
        for v in &x.versions {
            println!(
                "    {}{}：{}（{}）",
                if v.in_force { "* " } else { "  " },
                v.period_text,
                v.value_text,
                v.source
            );
        }
    }
    if p.corrections.is_empty() {
        println!("参数更正：无");
    } else {
        println!("参数更正：");
        for c in &p.corrections {
            println!(
                "  {} {} {}={}@{}（{}提出；{}）",
                c.id, c.status_label, c.name, c.value, c.effective_from, c.proposer_name, c.reason
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a policy command; the exit code is 2 for invalid input, 1 for a
/// failed check. `configured` are the configuration's `[policy] parameter_overrides`: the
/// command answers with the same parameters as the server, `--set` overlays on top.
pub fn run(cmd: PolicyCommand, configured: &[String]) -> anyhow::Result<ExitCode> {
    match cmd {
        PolicyCommand::Screen { file, trace, set } => screen(&file, trace, configured, &set),
        PolicyCommand::Whatif {
            population,
            set,
            json,
        } => whatif(&population, configured, &set, json),
        PolicyCommand::Synth { persons, seed, out } => synth(persons, seed, out),
        PolicyCommand::Check => check_cmd(),
        PolicyCommand::Clauses { json } => clauses(json),
        // Needs the database: `main` opens the service and calls `params`.
        PolicyCommand::Params { .. } => anyhow::bail!("policy params 需要连接数据库"),
        PolicyCommand::Parameters { json } => match engine(configured, &[]) {
            Ok(e) => parameters(&e, json),
            Err(m) => {
                eprintln!("参数覆盖无效：{m}");
                Ok(ExitCode::from(2))
            }
        },
    }
}

/// Builds the engine with the configured overrides and then the `--set` overlays, or
/// explains which one is wrong.
fn engine(configured: &[String], set: &[String]) -> Result<Engine, String> {
    let mut overrides = Vec::with_capacity(configured.len() + set.len());
    for (i, text) in configured.iter().enumerate() {
        overrides.push(
            ParamOverride::parse(text)
                .map_err(|e| format!("policy.parameter_overrides[{i}] “{text}”：{}", e.message))?,
        );
    }
    for text in set {
        overrides.push(
            ParamOverride::parse(text).map_err(|e| format!("--set “{text}”：{}", e.message))?,
        );
    }
    Engine::with_overrides(&overrides).map_err(|e| {
        // Name the entry at fault; entries that only clash together keep the engine's message.
        let name = |i: usize| match configured.get(i) {
            Some(text) => format!("policy.parameter_overrides[{i}] “{text}”"),
            None => format!("--set “{}”", set[i - configured.len()]),
        };
        match linghuo_policy::failing_override(&overrides) {
            Some(i) => format!("{}：{}", name(i), e.message),
            None => e.message,
        }
    })
}

fn screen(
    file: &str,
    trace: bool,
    configured: &[String],
    set: &[String],
) -> anyhow::Result<ExitCode> {
    let text = if file == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .context("reading facts from standard input")?;
        s
    } else {
        std::fs::read_to_string(file).with_context(|| format!("reading facts from {file}"))?
    };
    let engine = match engine(configured, set) {
        Ok(e) => e,
        Err(m) => {
            eprintln!("参数覆盖无效：{m}");
            return Ok(ExitCode::from(2));
        }
    };
    match engine.screen_json(&text, trace) {
        Ok(json) => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "{json}")?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("事实无效：{}：{}（{}）", e.path, e.message, e.code);
            Ok(ExitCode::from(2))
        }
    }
}

fn whatif(
    population: &Path,
    configured: &[String],
    set: &[String],
    json: bool,
) -> anyhow::Result<ExitCode> {
    // The baseline is what the server decides with today; the overlay adds `--set`.
    let (baseline, overlay) = match (engine(configured, &[]), engine(configured, set)) {
        (Ok(b), Ok(o)) => (b, o),
        (Err(m), _) | (_, Err(m)) => {
            eprintln!("参数覆盖无效：{m}");
            return Ok(ExitCode::from(2));
        }
    };
    let file = std::fs::File::open(population)
        .with_context(|| format!("opening {}", population.display()))?;
    let mut tally = Tally::default();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", population.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        match parse_facts(&line) {
            Ok(f) => tally.add(&baseline.decide(&f), &overlay.decide(&f)),
            Err(e) => {
                eprintln!(
                    "{}第{}行事实无效：{}：{}（{}）",
                    population.display(),
                    i + 1,
                    e.path,
                    e.message,
                    e.code
                );
                return Ok(ExitCode::from(2));
            }
        }
    }
    let report = tally.report(&baseline, &overlay);
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(
        out,
        "what-if over {} persons; overlays: {}",
        report.persons,
        set.join(" ")
    )?;
    writeln!(
        out,
        "{:<26} {:>18} {:>18} {:>18} {:>9} {:>9} {:>9}",
        "benefit", "baseline", "overlay", "change", "gaining", "losing", "unchanged"
    )?;
    for b in &report.benefits {
        writeln!(
            out,
            "{:<26} {:>18} {:>18} {:>18} {:>9} {:>9} {:>9}",
            b.id,
            b.baseline_total.to_string(),
            b.overlay_total.to_string(),
            b.change.to_string(),
            b.gaining,
            b.losing,
            b.unchanged
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn synth(persons: usize, seed: u64, out: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let sink: Box<dyn Write> = match &out {
        Some(p) => {
            Box::new(std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?)
        }
        None => Box::new(std::io::stdout().lock()),
    };
    let mut w = BufWriter::new(sink);
    for f in linghuo_policy::synth::population(persons, seed) {
        w.write_all(f.canonical_json().as_bytes())?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn check_cmd() -> anyhow::Result<ExitCode> {
    let problems = check();
    if problems.is_empty() {
        let cases = linghuo_policy::testcases::run_all().len();
        println!(
            "policy check: ok — {} clauses, {} rules, {} parameters, {} test cases, text SHA-256 {}",
            policy_clauses().len(),
            rules().len(),
            Engine::new().parameters().len(),
            cases,
            linghuo_policy::clauses::POLICY_TEXT_SHA256
        );
        return Ok(ExitCode::SUCCESS);
    }
    for p in &problems {
        eprintln!("policy check: {}: {}", p.code, p.message);
    }
    eprintln!("policy check: {} problem(s)", problems.len());
    Ok(ExitCode::from(1))
}

fn clauses(json: bool) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if json {
        let list: Vec<serde_json::Value> = policy_clauses()
            .iter()
            .map(|c| {
                let implementing: Vec<&str> = rules()
                    .iter()
                    .filter(|r| r.clauses.contains(&c.id.as_str()))
                    .map(|r| r.id)
                    .collect();
                serde_json::json!({
                    "id": c.id, "part": c.part, "title": c.title, "text": c.text,
                    "grants": c.grants, "rules": implementing,
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    for c in policy_clauses() {
        let implementing: Vec<String> = rules()
            .iter()
            .filter(|r| r.clauses.contains(&c.id.as_str()))
            .map(|r| format!("{}（{}）", r.id, r.name))
            .collect();
        writeln!(
            out,
            "{:<10} {}{}",
            c.id,
            c.title,
            if c.grants { "  [授予]" } else { "" }
        )?;
        if !implementing.is_empty() {
            writeln!(out, "           规则：{}", implementing.join("、"))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn parameters(engine: &Engine, json: bool) -> anyhow::Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string_pretty(engine.parameters())?
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    for p in engine.parameters() {
        writeln!(out, "{} ({}) — {}", p.name, p.unit.code(), p.description)?;
        if p.versions.is_empty() {
            writeln!(out, "    未配置：{}", p.note)?;
        }
        for v in &p.versions {
            writeln!(
                out,
                "    {:>12}  {}  [{}] {}",
                v.value.to_string(),
                v.period_zh(),
                v.clause,
                v.note
            )?;
        }
    }
    writeln!(out, "parameter set SHA-256 {}", engine.parameters_sha256())?;
    Ok(ExitCode::SUCCESS)
}
