//! `linghuo bench market`: the gig market at scale — index build rate,
//! search latency (text + filters + distance), recommendation latency both
//! ways, and peak memory, over synthetic posts and workers. Results go to
//! BENCHMARKS.md (## Market).

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context as _;
use linghuo_market::index::{IndexOptions, MarketIndex, SearchQuery, SortBy};
use linghuo_market::matching::{JobMatcher, RecommendOptions, WorkerPool};
use linghuo_market::post::JobForm;
use linghuo_market::synth::{self, BASE_DATE, Rng};

#[derive(clap::Args, Debug)]
pub struct BenchMarketArgs {
    /// Live job posts to index and match.
    #[arg(long, default_value_t = 1_000_000)]
    pub jobs: usize,
    /// Worker profiles in the pool.
    #[arg(long, default_value_t = 1_000_000)]
    pub workers: usize,
    /// Seed of the synthetic market.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Searches to time.
    #[arg(long, default_value_t = 2_000)]
    pub searches: usize,
    /// Recommendations to time in each direction.
    #[arg(long, default_value_t = 2_000)]
    pub recommendations: usize,
    /// Keep the index in this directory instead of memory.
    #[arg(long)]
    pub index_dir: Option<PathBuf>,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Waiting-for-a-CPU seconds of the calling thread (scheduler accounting).
fn thread_wait_s() -> f64 {
    sched_wait_of("/proc/thread-self/schedstat")
}

fn sched_wait_of(path: &str) -> f64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e9)
}

/// Waiting seconds summed over the live threads of the process (the
/// indexing threads live as long as the index writer).
fn process_wait_s() -> f64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    tasks
        .flatten()
        .map(|t| sched_wait_of(&format!("{}/schedstat", t.path().display())))
        .sum()
}

/// User + system CPU seconds from a `stat` file (clock ticks of 1/100 s,
/// the Linux default): the process's (all threads, also finished ones) or
/// the calling thread's.
fn cpu_s(path: &str) -> f64 {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|s| {
            let after = s.rsplit_once(')')?.1;
            let f: Vec<&str> = after.split_whitespace().collect();
            Some((f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?) / 100.0)
        })
        .unwrap_or(0.0)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

/// p-th percentile (0..=100) of sorted milliseconds, nearest rank.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Words people search for: trade names and synonyms across the catalogue.
const QUERY_WORDS: &[&str] = &[
    "保洁",
    "家政",
    "月嫂",
    "育儿嫂",
    "护工",
    "水电",
    "电工",
    "搬家",
    "装卸",
    "外卖",
    "骑手",
    "服务员",
    "帮厨",
    "厨师",
    "保安",
    "快递",
    "分拣",
    "瓦工",
    "小工",
    "收银",
    "促销",
    "直播",
    "养老护理",
    "钟点工",
    "代驾",
    "洗车",
    "采摘",
    "普工",
    "客服",
    "数据标注",
];

/// Searches in everyday words: phrases, places, conditions, typos, ages (the
/// vocabulary's heavier paths: families of trades, unions of conditions,
/// place passes, near spellings).
const EVERYDAY_QUERIES: &[&str] = &[
    "修水管",
    "小店区 保洁 日结",
    "包吃住",
    "五十多岁能干啥",
    "保结",
    "开车",
    "周末兼职",
    "太原有什么活",
    "照顾老人 包吃住",
    "在家能干的手工活",
    "大同 服务员",
    "不熬夜的保安",
];

/// A search as a worker on a phone makes it: a trade word, near a point
/// close to a county seat (drawn by population), within a radius, often
/// with a form, a pay floor or a date.
fn search_query(rng: &mut Rng, i: u64, seed: u64) -> SearchQuery {
    // Reuse the synthetic worker generator for a realistic location.
    let w = synth::worker(seed.wrapping_add(7), i);
    let form = if rng.chance(0.25) {
        Some(*rng.pick(&JobForm::ALL))
    } else {
        None
    };
    SearchQuery {
        text: Some(if rng.chance(0.3) {
            rng.pick(EVERYDAY_QUERIES).to_string()
        } else {
            rng.pick(QUERY_WORDS).to_string()
        }),
        near: Some((w.lat, w.lon)),
        radius_km: Some(*rng.pick(&[3.0, 5.0, 10.0, 10.0, 20.0, 30.0])),
        form,
        pay_at_least_per_hour_fen: rng.chance(0.4).then(|| rng.range(15, 30) * 100),
        available_on: rng
            .chance(0.3)
            .then(|| BASE_DATE + chrono::Duration::days(rng.range(0, 14))),
        live_on: Some(BASE_DATE),
        sort: if rng.chance(0.5) {
            SortBy::Distance
        } else {
            SortBy::Relevance
        },
        limit: 20,
        ..SearchQuery::default()
    }
}

struct Timings {
    p50: f64,
    p99: f64,
    max: f64,
    /// Mean on-CPU milliseconds of the calling thread per call.
    cpu_mean: f64,
    /// Share of the wall-clock time the thread waited for a CPU.
    waited: f64,
    mean_results: f64,
}

fn time_all<F: FnMut(u64) -> anyhow::Result<usize>>(n: usize, mut f: F) -> anyhow::Result<Timings> {
    // Warm-up, not measured.
    for i in 0..(n / 10).min(200) {
        black_box(f(u64::MAX / 2 + i as u64)?);
    }
    let mut ms = Vec::with_capacity(n);
    let mut results = 0usize;
    let (cpu0, wait0) = (cpu_s("/proc/thread-self/stat"), thread_wait_s());
    let all = Instant::now();
    for i in 0..n {
        let t = Instant::now();
        results += black_box(f(i as u64)?);
        ms.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let wall = all.elapsed().as_secs_f64();
    let (cpu1, wait1) = (cpu_s("/proc/thread-self/stat"), thread_wait_s());
    ms.sort_by(f64::total_cmp);
    Ok(Timings {
        p50: percentile(&ms, 50.0),
        p99: percentile(&ms, 99.0),
        max: ms.last().copied().unwrap_or(0.0),
        cpu_mean: (cpu1 - cpu0).max(0.0) * 1000.0 / n.max(1) as f64,
        waited: ((wait1 - wait0) / wall.max(1e-9)).clamp(0.0, 1.0),
        mean_results: results as f64 / n.max(1) as f64,
    })
}

pub fn run(args: BenchMarketArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.jobs > 0 && args.workers > 0,
        "--jobs and --workers must be positive"
    );
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let options = IndexOptions {
        writer_threads: threads.clamp(1, 4),
        writer_memory_mib: 128 * threads.clamp(1, 4),
    };

    // 1. Index build: synthetic posts generated on the fly and inserted,
    // then one commit (generation time included).
    let index = match &args.index_dir {
        Some(dir) => {
            anyhow::ensure!(
                !dir.exists() || dir.read_dir()?.next().is_none(),
                "{} is not empty",
                dir.display()
            );
            MarketIndex::open_or_create_with(dir, options)
        }
        None => MarketIndex::in_memory_with(options),
    }
    .context("creating the index")?;
    let (cpu0, wait0) = (cpu_s("/proc/self/stat"), process_wait_s());
    let t = Instant::now();
    for post in synth::jobs(args.jobs, args.seed) {
        index.insert_new(&post)?;
    }
    index.commit()?;
    let build_s = t.elapsed().as_secs_f64();
    let (cpu1, wait1) = (cpu_s("/proc/self/stat"), process_wait_s());
    let (build_cpu_s, build_wait_s) = (cpu1 - cpu0, wait1 - wait0);
    let index_build_per_s = (args.jobs as f64 / build_s).round();
    index.wait_for_merges()?;
    let segments = index.segment_count();
    anyhow::ensure!(
        index.len() == args.jobs,
        "index holds {} posts",
        index.len()
    );

    // 2. The two matchers.
    let t = Instant::now();
    let mut matcher = JobMatcher::new();
    for post in synth::jobs(args.jobs, args.seed) {
        matcher.upsert(&post)?;
    }
    let matcher_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut pool = WorkerPool::new();
    for w in synth::workers(args.workers, args.seed) {
        pool.upsert(&w)?;
    }
    let pool_s = t.elapsed().as_secs_f64();

    // 3. Searches.
    let search = time_all(args.searches, |i| {
        let mut rng = Rng::new(args.seed, 77, i);
        let q = search_query(&mut rng, i, args.seed);
        Ok(index.search(&q)?.len())
    })?;

    // 4. Recommendations: fresh profiles and posts (not in the pools), 20
    // results each, exposure recorded as in production.
    let options = RecommendOptions::default();
    let jobs_for_workers = time_all(args.recommendations, |i| {
        let w = synth::worker(args.seed.wrapping_add(1), i);
        Ok(matcher
            .recommend_jobs_with(&w, BASE_DATE, 20, options)?
            .len())
    })?;
    let workers_for_jobs = time_all(args.recommendations, |i| {
        let j = synth::job(args.seed.wrapping_add(1), i);
        Ok(pool
            .recommend_workers_with(&j, BASE_DATE, 20, options)?
            .len())
    })?;
    let peak = crate::bench_policy::peak_rss_mib();

    if args.json {
        let out = serde_json::json!({
            "index_build_per_s": index_build_per_s,
            "search_p50_ms": round3(search.p50),
            "search_p99_ms": round3(search.p99),
            "recommend_jobs_p99_ms": round3(jobs_for_workers.p99),
            "recommend_workers_p99_ms": round3(workers_for_jobs.p99),
            "peak_rss_mib": peak,
        });
        println!("{out}");
        return Ok(());
    }
    println!(
        "linghuo bench market — {} posts, {} workers, seed {}, {threads} threads",
        args.jobs, args.workers, args.seed
    );
    println!(
        "load average at the end: {} (wall-clock figures include time other processes held the cores)",
        load_average()
    );
    println!(
        "index build      {index_build_per_s:>10.0} posts/s  ({build_s:.1} s, {segments} segments after merging, {}; target ≥ 20000{})",
        if args.index_dir.is_some() {
            "on disk"
        } else {
            "in memory"
        },
        if index_build_per_s >= 20_000.0 {
            ""
        } else {
            ", MISSED"
        }
    );
    println!(
        "  on-CPU {build_cpu_s:.1} s over all threads = {:.0} posts per CPU-second; threads waited {build_wait_s:.1} s for a CPU",
        args.jobs as f64 / build_cpu_s.max(1e-9)
    );
    println!(
        "job matcher      {:>10.0} posts/s  ({matcher_s:.1} s)",
        args.jobs as f64 / matcher_s
    );
    println!(
        "worker pool      {:>10.0} workers/s ({pool_s:.1} s)",
        args.workers as f64 / pool_s
    );
    let row = |name: &str, t: &Timings, target: f64| {
        println!(
            "{name:<16} p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms  {:>5.1} results  (target p99 ≤ {target} ms{})",
            t.p50,
            t.p99,
            t.max,
            t.mean_results,
            if t.p99 <= target { "" } else { ", MISSED" }
        );
        println!(
            "  mean on-CPU {:.3} ms per call (the thread waited for a CPU {:.0}% of the time)",
            t.cpu_mean,
            t.waited * 100.0
        );
    };
    row("search", &search, 20.0);
    row("jobs→worker", &jobs_for_workers, 30.0);
    row("workers→job", &workers_for_jobs, 30.0);
    println!(
        "peak RSS         {peak:>10.1} MiB (target ≤ 2048 MiB{})",
        if peak <= 2048.0 { "" } else { ", MISSED" }
    );
    Ok(())
}
