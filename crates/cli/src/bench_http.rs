//! `linghuo bench http`: the anonymous 找活 page and the search API under load.
//!
//! By default it makes the demo province (`linghuo demo`'s data: 20,000 workers, 6,000
//! posts, seed 1) in a temporary SQLite database, serves it in this process on a free local
//! port exactly as `linghuo serve` does (same router, on-disk index, anonymous visitors
//! without a cookie), and drives it with `wrk` (Debian package `wrk`). With `--url` it drives
//! a server that is already running instead (e.g. `linghuo demo`).
//!
//! Each endpoint is measured three ways:
//! * `same` — one query repeated (`保洁`): what the results cache answers;
//! * `rotated` — the 140 queries of the search-quality set in turn, each request the next
//!   one: realistic traffic, the cache answering what was asked before;
//! * `uncached` (in-process only) — the same rotation with the results cache off, so every
//!   request goes through the index, the post views and the page.
//!
//! With `--mixed` (in-process only) it instead drives one mixed workload, the day of a
//! province in miniature: anonymous 找活 pages and search API calls, a signed-in worker's
//! pages, a county clerk's staff lists and the public policy screen (POST), in a fixed
//! rotation of 20 requests (8 / 2 / 4 / 3 / 3). Any answer other than 2xx/3xx counts as an
//! error.
//!
//! Latency is wrk's (corrected for coordinated omission by wrk's own scheme); `p50`/`p99`
//! are in milliseconds. Each request is a fresh anonymous visitor (wrk sends no cookie), so
//! the page also mints an anonymous CSRF cookie every time — and writes nothing.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::process::Command;

use anyhow::Context as _;
use clap::Args;
use linghuo_service::demo::DemoOptions;
use linghuo_service::{Clock, Config, Keys, Service};
use linghuo_storage::Db;
use serde::Serialize;

const QUERIES: &str = include_str!("../data/search-quality/queries.tsv");

#[derive(Debug, Args)]
pub struct BenchHttpArgs {
    /// Drive this running server (e.g. http://127.0.0.1:8080) instead of starting one.
    #[arg(long)]
    pub url: Option<String>,
    /// Posts of the demo province made for the in-process server.
    #[arg(long, default_value_t = 6_000)]
    pub jobs: usize,
    /// Workers of the demo province made for the in-process server.
    #[arg(long, default_value_t = 20_000)]
    pub workers: usize,
    /// Open connections (comma-separated for several runs), e.g. 16,64.
    #[arg(long, default_value = "16,64")]
    pub connections: String,
    /// Seconds per run.
    #[arg(long, default_value_t = 15)]
    pub duration: u64,
    /// wrk threads.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Drive the mixed workload (anonymous search, worker pages, staff lists, policy screen)
    /// instead of the two search endpoints; in-process only.
    #[arg(long)]
    pub mixed: bool,
}

/// One request of the mixed rotation.
struct Req {
    method: &'static str,
    path: String,
    cookie: String,
    body: String,
}

/// The wrk script of the mixed rotation: method, path, cookie and body per request.
fn mixed_script(reqs: &[Req]) -> String {
    let mut s = String::from("local reqs = {\n");
    for r in reqs {
        let _ = writeln!(
            s,
            "  {{\"{}\", \"{}\", \"{}\", [==[{}]==]}},",
            r.method, r.path, r.cookie, r.body
        );
    }
    s.push_str(
        r#"}
local i = 0
request = function()
  i = i + 1
  if i > #reqs then i = 1 end
  local r = reqs[i]
  local h = {}
  if r[3] ~= "" then h["Cookie"] = r[3] end
  if r[4] ~= "" then
    h["Content-Type"] = "application/json"
    return wrk.format(r[1], r[2], h, r[4])
  end
  return wrk.format(r[1], r[2], h)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("LINGHUO %d %d %d %d %d\n", summary.requests, summary.duration,
    math.floor(latency:percentile(50)), math.floor(latency:percentile(99)),
    e.status + e.connect + e.read + e.write + e.timeout))
end
"#,
    );
    s
}

/// Signs a demo account in through the service, as the login form does (password, then the
/// second factor for staff), and returns the cookie header of its session.
async fn signed_in(
    svc: &Service,
    login: &linghuo_service::demo::DemoLogin,
) -> anyhow::Result<String> {
    let meta = linghuo_service::access::RequestMeta {
        ip: "127.0.0.1".into(),
        request_id: "bench".into(),
    };
    let mut o = svc
        .login(None, &login.username, &login.password, &meta)
        .await?;
    if o.next == linghuo_service::auth::NextStep::SecondFactor {
        let secret = login
            .totp_secret
            .as_deref()
            .and_then(linghuo_service::totp::from_base32)
            .context("staff login without a second-factor secret")?;
        let code = linghuo_service::totp::code_at(&secret, chrono::Utc::now().timestamp());
        o = svc.second_factor(&o.session.token, &code, &meta).await?;
    }
    Ok(format!("__Host-lh_session={}", o.session.token))
}

/// The status code of one request, over a plain HTTP/1.1 connection.
fn status_of(base: &str, r: &Req) -> anyhow::Result<u16> {
    use std::io::{Read as _, Write as _};
    let host = base.trim_start_matches("http://");
    let mut conn = std::net::TcpStream::connect(host)?;
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n",
        r.method, r.path
    );
    if !r.cookie.is_empty() {
        let _ = write!(head, "Cookie: {}\r\n", r.cookie);
    }
    if !r.body.is_empty() {
        let _ = write!(
            head,
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            r.body.len()
        );
    }
    head.push_str("\r\n");
    conn.write_all(head.as_bytes())?;
    conn.write_all(r.body.as_bytes())?;
    let mut first = [0u8; 12];
    conn.read_exact(&mut first)?;
    Ok(String::from_utf8_lossy(&first[9..12]).parse()?)
}

/// The mixed rotation: 20 requests, repeated with the search-quality queries rotating.
async fn mixed_requests(svc: &Service) -> anyhow::Result<Vec<Req>> {
    let logins = svc.create_demo_accounts().await?;
    let find = |name: &str| {
        logins
            .iter()
            .find(|l| l.username == name)
            .with_context(|| format!("no {name} among the demo accounts"))
    };
    let worker = signed_in(svc, find("demo-worker")?).await?;
    let clerk = signed_in(svc, find("demo-county")?).await?;
    let screen = r#"{"as_of":"2021-07-15","person":{"groups":["college_graduate"],"left_school_on":"2020-07-01","flexible_work":"part_time"},"business":{"kind":"individual_household","registered_on":"2020-11-10","first_time":true,"operating_normally":true,"employees_driven":2}}"#;
    let get = |path: String, cookie: &str| Req {
        method: "GET",
        path,
        cookie: cookie.to_owned(),
        body: String::new(),
    };
    let worker_pages = [
        "/work/recommended",
        "/work/applications",
        "/notices",
        "/account",
    ];
    let staff_pages = ["/staff", "/staff/market/review", "/staff/benefits"];
    let qs = queries();
    let mut reqs = Vec::new();
    for round in 0..qs.len().div_ceil(10) {
        let q = |k: usize| encode(&qs[(round * 10 + k) % qs.len()]);
        for k in 0..8 {
            reqs.push(get(format!("/work?q={}", q(k)), ""));
        }
        for k in 8..10 {
            reqs.push(get(format!("/api/v1/posts/search?q={}", q(k)), ""));
        }
        for p in worker_pages {
            reqs.push(get(p.to_owned(), &worker));
        }
        for p in staff_pages {
            reqs.push(get(p.to_owned(), &clerk));
        }
        for _ in 0..3 {
            reqs.push(Req {
                method: "POST",
                path: "/api/v1/policy/screen".into(),
                cookie: String::new(),
                body: screen.into(),
            });
        }
    }
    Ok(reqs)
}

#[derive(Debug, Serialize)]
struct Run {
    endpoint: &'static str,
    mode: &'static str,
    connections: usize,
    requests: u64,
    req_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// Responses other than 2xx/3xx plus socket errors.
    errors: u64,
}

impl Run {
    /// One run from wrk's figures (requests, req/s, p50, p99, errors), printed as it comes
    /// unless the report is JSON.
    fn new(
        endpoint: &'static str,
        mode: &'static str,
        connections: usize,
        (requests, req_per_s, p50_ms, p99_ms, errors): (u64, f64, f64, f64, u64),
        quiet: bool,
    ) -> Run {
        let run = Run {
            endpoint,
            mode,
            connections,
            requests,
            req_per_s: (req_per_s * 10.0).round() / 10.0,
            p50_ms,
            p99_ms,
            errors,
        };
        if !quiet {
            eprintln!(
                "{:<22} {:<9} c={:<4} {:>9.1} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {}",
                run.endpoint,
                run.mode,
                run.connections,
                run.req_per_s,
                run.p50_ms,
                run.p99_ms,
                run.errors
            );
        }
        run
    }
}

#[derive(Debug, Serialize)]
struct Report {
    server: String,
    posts: Option<usize>,
    cores: usize,
    duration_s: u64,
    runs: Vec<Run>,
}

/// Percent-encodes a query value (everything but unreserved ASCII).
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn queries() -> Vec<String> {
    QUERIES
        .lines()
        .skip(1)
        .filter_map(|l| l.split('\t').nth(1))
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The wrk script: requests the given paths in turn and prints the figures in one line.
fn script(paths: &[String]) -> String {
    let mut s = String::from("local paths = {\n");
    for p in paths {
        let _ = writeln!(s, "  \"{p}\",");
    }
    s.push_str(
        r#"}
local i = 0
request = function()
  i = i + 1
  if i > #paths then i = 1 end
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("LINGHUO %d %d %d %d %d\n", summary.requests, summary.duration,
    math.floor(latency:percentile(50)), math.floor(latency:percentile(99)),
    e.status + e.connect + e.read + e.write + e.timeout))
end
"#,
    );
    s
}

fn wrk(
    base: &str,
    paths: &[String],
    connections: usize,
    threads: usize,
    duration: u64,
) -> anyhow::Result<(u64, f64, f64, f64, u64)> {
    wrk_script(
        base,
        &paths[0],
        &script(paths),
        connections,
        threads,
        duration,
    )
}

fn wrk_script(
    base: &str,
    first: &str,
    lua_text: &str,
    connections: usize,
    threads: usize,
    duration: u64,
) -> anyhow::Result<(u64, f64, f64, f64, u64)> {
    let dir = tempfile::tempdir()?;
    let lua = dir.path().join("paths.lua");
    std::fs::write(&lua, lua_text)?;
    let out = Command::new("wrk")
        .arg(format!("-t{}", threads.min(connections)))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{duration}s"))
        .arg("--timeout")
        .arg("10s")
        .arg("-s")
        .arg(&lua)
        .arg(format!("{base}{first}"))
        .output()
        .context("运行 wrk 失败：请先安装（Debian/Ubuntu：apt-get install wrk）")?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("LINGHUO "))
        .with_context(|| {
            format!(
                "wrk 没有给出结果：{}{}",
                text,
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
    let n: Vec<u64> = line
        .split_whitespace()
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    let [requests, duration_us, p50_us, p99_us, errors] = n[..] else {
        anyhow::bail!("wrk 的结果无法读取：{line}");
    };
    let rps = requests as f64 / (duration_us as f64 / 1e6);
    Ok((
        requests,
        rps,
        p50_us as f64 / 1000.0,
        p99_us as f64 / 1000.0,
        errors,
    ))
}

/// The demo province in a temporary database, served in this process.
async fn start_server(
    args: &BenchHttpArgs,
    dir: &std::path::Path,
) -> anyhow::Result<(String, Service)> {
    let db = Db::connect(&format!("sqlite:{}", dir.join("linghuo.db").display())).await?;
    db.migrate().await?;
    let mut config = Config::default();
    config.server.data_dir = dir.to_owned();
    // wrk drives the search routes (and, with --mixed, the policy screen) from one address
    // far past any per-address budget; the
    // buckets stay on (so their cost is in the numbers) but with room for the whole run.
    let ample = linghuo_service::config::RateRule::new(u32::MAX, u32::MAX);
    config.limits.search_per_address = ample;
    config.limits.search_per_account = ample;
    // The mixed workload's policy screens all come from wrk's one address too.
    config.limits.screen_per_address = ample;
    config.limits.screen_per_account = ample;
    let svc = Service::new(db, Keys::generate(), config, Clock::system())
        .with_market_index_dir(&dir.join("market-index"));
    eprintln!(
        "正在生成演示省份（{} 名求职者，{} 个岗位）……",
        args.workers, args.jobs
    );
    svc.seed_demo(DemoOptions {
        workers: args.workers,
        jobs: args.jobs,
        seed: 1,
    })
    .await?;
    svc.sync_market_index().await?;
    // For a minute after a burst of profile writes every sync reads the burst again (a
    // transaction that began earlier may still commit inside that window; see
    // `PROFILE_OVERLAP` in service/src/market_search.rs). A province's server meets this
    // after a bulk import, not in steady state: wait it out so the figures are steady-state.
    eprintln!("等待画像同步窗口（61秒）过去，测得的是平稳运行时的数字……");
    tokio::time::sleep(std::time::Duration::from_secs(61)).await;
    svc.sync_market_index().await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = linghuo_http::router(linghuo_http::AppState::new(svc.clone()));
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });
    Ok((format!("http://{addr}"), svc))
}

pub fn run(args: BenchHttpArgs) -> anyhow::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let dir = tempfile::tempdir()?;
    let (base, svc) = match &args.url {
        Some(u) => (u.trim_end_matches('/').to_owned(), None),
        None => {
            let (b, s) = rt.block_on(start_server(&args, dir.path()))?;
            (b, Some(s))
        }
    };
    let connections: Vec<usize> = args
        .connections
        .split(',')
        .filter_map(|c| c.trim().parse().ok())
        .filter(|&c| c > 0)
        .collect();
    anyhow::ensure!(
        !connections.is_empty(),
        "--connections 须为正整数，例如 16,64"
    );
    let rotation = queries();
    let endpoints: Vec<(&'static str, &'static str)> = if args.mixed {
        vec![]
    } else {
        vec![
            ("/work", "/work?q="),
            ("/api/v1/posts/search", "/api/v1/posts/search?q="),
        ]
    };
    let mut runs = Vec::new();
    if args.mixed {
        let s = svc
            .as_ref()
            .context("--mixed 只能在本进程内启动的演示省份上运行（不能与 --url 一起用）")?;
        let reqs = rt.block_on(mixed_requests(s))?;
        // A signed-in page that redirected to the login would count as a success: check that
        // each kind of request really answers 200 before measuring.
        for r in reqs.iter().take(20) {
            let status = status_of(&base, r)?;
            anyhow::ensure!(
                status == 200,
                "{} {} 回答 {status}，不是 200",
                r.method,
                r.path
            );
        }
        let lua = mixed_script(&reqs);
        wrk_script(&base, &reqs[0].path, &lua, 8, 1, 2)?;
        for &c in &connections {
            let figures = wrk_script(&base, &reqs[0].path, &lua, c, args.threads, args.duration)?;
            runs.push(Run::new("mixed", "rotated", c, figures, args.json));
        }
    }
    for (name, prefix) in endpoints {
        let same = vec![format!("{prefix}{}", encode("保洁"))];
        let rotated: Vec<String> = rotation
            .iter()
            .map(|q| format!("{prefix}{}", encode(q)))
            .collect();
        let mut modes: Vec<(&'static str, &Vec<String>, bool)> =
            vec![("same", &same, true), ("rotated", &rotated, true)];
        if svc.is_some() {
            modes.push(("uncached", &rotated, false));
        }
        for (mode, paths, cache) in modes {
            if let Some(s) = &svc {
                s.search.set_results_cache(cache);
            }
            // Warm up: the index's files, the post views and (when on) the cache.
            wrk(&base, paths, 8, 1, 2)?;
            for &c in &connections {
                let figures = wrk(&base, paths, c, args.threads, args.duration)?;
                runs.push(Run::new(name, mode, c, figures, args.json));
            }
        }
    }
    if let Some(s) = &svc {
        s.search.set_results_cache(true);
    }
    let report = Report {
        server: if svc.is_some() {
            "in-process".into()
        } else {
            base.clone()
        },
        posts: svc.as_ref().map(|_| args.jobs),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        duration_s: args.duration,
        runs,
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "http bench: {} ({} cores), {} s per run, wrk {} threads",
            report.server, report.cores, args.duration, args.threads
        );
        println!(
            "{:<22} {:<9} {:>5} {:>10} {:>9} {:>9} {:>7}",
            "endpoint", "mode", "conns", "req/s", "p50 ms", "p99 ms", "errors"
        );
        for r in &report.runs {
            println!(
                "{:<22} {:<9} {:>5} {:>10.1} {:>9.2} {:>9.2} {:>7}",
                r.endpoint, r.mode, r.connections, r.req_per_s, r.p50_ms, r.p99_ms, r.errors
            );
        }
    }
    drop(svc);
    rt.shutdown_background();
    Ok(())
}
