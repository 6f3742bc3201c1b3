//! Two nodes on one PostgreSQL (issue 14, SECURITY.md F-series reliability): two `linghuo
//! serve` processes, each with its own data directory and search index, share one database
//! (as the least-privilege application role) and one key file. The client sends a stream of
//! work round-robin to both — workers signing up and applying, an employer posting and
//! hiring, anonymous searches — falling over to the other node when one does not answer.
//! Each node is SIGKILLed once mid-stream and started again. Afterwards: every acknowledged
//! write is in the database, `linghuo audit verify`, `linghuo benefits ledger-check` and
//! `linghuo stats check` pass, and each node's search index shows exactly the live posts of
//! the database — a post written through one node is found through the other within a few
//! seconds. Runs only when `TEST_DATABASE_URL` is set (two processes on one SQLite file are
//! not a supported deployment). `TEST_CLUSTER_SECONDS` sets the stream's length (default 20).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use linghuo_service::accounts::NewUser;
use linghuo_service::{Clock, Config, Keys, Service, totp};
use serde_json::{Value, json};
use support::*;

const PASSWORD: &str = "汾河水长流 2026 秋";
const COUNTIES: [&str; 6] = ["140105", "140106", "140107", "140108", "140109", "140110"];
const PLACES: [&str; 8] = [
    "坞城路小区",
    "长风街写字楼",
    "亲贤北街商场",
    "学府街仓库",
    "南中环物流园",
    "体育路酒店",
    "迎泽大街银行",
    "龙城大街学校",
];
const TASKS: [&str; 6] = [
    "日常清扫楼道和电梯",
    "擦洗玻璃门窗",
    "整理货架并搬运纸箱",
    "清运垃圾分类投放",
    "地面打蜡养护",
    "装车卸车码放整齐",
];
const TIMES: [&str; 4] = ["周末上门", "工作日早班", "夜间闭店后", "节假日加班"];

/// Sends to the node chosen round-robin; when it does not answer, to the other one. None
/// when neither answered (both restarting), i.e. not acknowledged.
fn rr(
    ports: &[u16; 2],
    turn: &mut usize,
    method: &str,
    path: &str,
    s: &Session,
    body: Option<&Value>,
) -> Option<(usize, Resp)> {
    *turn += 1;
    for k in 0..2 {
        let node = (*turn + k) % 2;
        if let Some(r) = request(ports[node], method, path, s, body, &[])
            && r.status != 502
            && r.status != 503
        {
            return Some((node, r));
        }
    }
    None
}

/// A session with the anonymous CSRF token of `port` (any node: the keys are shared).
fn anonymous(port: u16) -> Session {
    let mut s = Session::default();
    let r = call(port, "GET", "/api/v1/session", &s, None, &[]);
    s.cookie = r.cookie.clone();
    s.csrf = json_of(&r)["csrf_token"].as_str().unwrap().to_owned();
    s
}

/// Password sign-in (workers and employers have no second factor).
fn sign_in(port: u16, username: &str) -> Session {
    let mut s = anonymous(port);
    let r = call(
        port,
        "POST",
        "/api/v1/session",
        &s,
        Some(&json!({"username": username, "password": PASSWORD})),
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    if let Some(c) = r.cookie.clone() {
        s.cookie = Some(c);
    }
    s.csrf = json_of(&r)["csrf_token"].as_str().unwrap().to_owned();
    s
}

fn post_body(i: usize, starts_on: &str) -> Value {
    let county = COUNTIES[i % COUNTIES.len()];
    let (occupation, form) = if i.is_multiple_of(2) {
        ("保洁员", "part_time")
    } else {
        ("装卸工", "gig")
    };
    let place = PLACES[(i / 2) % PLACES.len()];
    let task = TASKS[(i / 3) % TASKS.len()];
    let time = TIMES[(i / 5) % TIMES.len()];
    json!({
        "title": format!("{place}{}", if i.is_multiple_of(2) { "保洁" } else { "装卸" }),
        "description": format!("{place}{task}，{time}，自带工具。"),
        "occupation": occupation, "form": form, "county_code": county, "address": format!("{place}{}号", i % 50 + 1),
        "starts_on": starts_on, "schedule": "每周六、日 9:00-12:00", "hours_per_week": 6,
        "pay_amount": format!("{}.00", 25 + i % 10), "pay_unit": "hour", "headcount": 3, "accident_cover": true
    })
}

/// The ids of every live post the node's search index shows.
fn indexed_posts(port: u16) -> Option<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut offset = 0;
    loop {
        let r = request(
            port,
            "GET",
            &format!("/api/v1/posts/search?limit=100&offset={offset}"),
            &Session::default(),
            None,
            &[],
        )?;
        assert_eq!(r.status, 200, "{}", r.body);
        let hits = json_of(&r);
        let hits = hits.as_array().unwrap();
        for h in hits {
            out.insert(h["post"]["id"].as_str().unwrap().to_owned());
        }
        if hits.len() < 100 {
            return Some(out);
        }
        offset += 100;
    }
}

/// Runs a `linghuo` command against the cluster's database; its exit status and output.
fn linghuo(data: &Path, db_url: &str, key_file: &Path, args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_linghuo"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env("LINGHUO_DATABASE__URL", db_url)
        .env("LINGHUO_KEYS__FILE", key_file)
        .env("LINGHUO_LOG__LEVEL", "error")
        .output()
        .expect("run linghuo");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[derive(Default)]
struct Acks {
    workers: BTreeSet<String>,
    /// post id → acknowledged status
    posts: BTreeMap<String, String>,
    applications: BTreeSet<String>,
    hires: BTreeSet<String>,
    searches: usize,
}

#[test]
fn two_nodes_on_one_postgresql_lose_nothing_and_each_index_catches_up() {
    if std::env::var("TEST_DATABASE_URL").map_or(true, |s| s.is_empty()) {
        eprintln!("two-node test skipped: TEST_DATABASE_URL is not set");
        return;
    }
    let seconds: u64 = std::env::var("TEST_CLUSTER_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let t = rt
        .block_on(linghuo_storage::testing::TestDb::postgres())
        .unwrap();
    let db_url = t.url.clone();
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("keys.json");
    let node_dirs = [dir.path().join("node-a"), dir.path().join("node-b")];

    // One key file for both nodes; a staff account of 小店区 made as the operator's CLI does.
    let mut config = Config::default();
    config.server.data_dir = dir.path().to_path_buf();
    config.database.url = db_url.clone();
    config.keys.file = key_file.clone();
    let (staff_password, staff_secret) = rt.block_on(async {
        let keys = Keys::load_or_create(&config).unwrap();
        let db = linghuo_storage::Db::connect(&db_url).await.unwrap();
        db.migrate().await.unwrap();
        let svc = Service::new(db, keys, config.clone(), Clock::system());
        let c = svc
            .create_user(
                None,
                NewUser {
                    username: "cluster_staff".into(),
                    display_name: "小店区经办".into(),
                    role: "staff".into(),
                    scope_code: Some("140105".into()),
                    permissions: vec![],
                    person_id: None,
                },
            )
            .await
            .unwrap();
        svc.db.close().await;
        (
            c.one_time_password,
            totp::from_base32(&c.totp_secret.unwrap()).unwrap(),
        )
    });

    // One test client drives every sign-up and search from 127.0.0.1, far past the
    // per-address budgets a province sets: the test bed turns the buckets off.
    let env = vec![
        (
            "LINGHUO_KEYS__FILE".to_owned(),
            key_file.display().to_string(),
        ),
        ("LINGHUO_LIMITS__ENABLED".to_owned(), "false".to_owned()),
    ];
    let mut nodes: Vec<Server> = node_dirs
        .iter()
        .map(|d| Server {
            port: free_port(),
            data: d.display().to_string(),
            db_url: db_url.clone(),
            env: env.clone(),
            child: None,
        })
        .collect();
    for n in &mut nodes {
        n.start();
    }
    let ports = [nodes[0].port, nodes[1].port];

    // An employer signs up through node B and is verified by staff through node A.
    let mut step = 0;
    let staff = login(
        ports[0],
        "cluster_staff",
        &staff_password,
        &staff_secret,
        &mut step,
    );
    let s = anonymous(ports[1]);
    let r = call(
        ports[1],
        "POST",
        "/api/v1/signup/employer",
        &s,
        Some(&json!({
            "username": "cluster_employer", "password": PASSWORD,
            "employer": {"kind": "enterprise", "name": "太原双节点物业服务有限公司", "uscc": "91110000600037341L",
                         "contact_name": "王经理", "contact_phone": "13912345678", "county_code": "140105",
                         "address": "小店区长治路"}
        })),
        &[],
    );
    assert_eq!(r.status, 201, "{}", r.body);
    let list = call(
        ports[0],
        "GET",
        "/api/v1/employers?unverified=true",
        &staff,
        None,
        &[],
    );
    let eid = json_of(&list)[0]["id"].as_str().unwrap().to_owned();
    let v = call(
        ports[0],
        "POST",
        &format!("/api/v1/employers/{eid}/verify"),
        &staff,
        Some(&json!({})),
        &[],
    );
    assert_eq!(v.status, 200, "{}", v.body);
    let employer = sign_in(ports[1], "cluster_employer");
    let starts_on = (chrono::Utc::now() + chrono::TimeDelta::days(3))
        .format("%Y-%m-%d")
        .to_string();

    // The killer: node B at a third of the stream, node A at two thirds; each SIGKILLed and
    // started again while the stream goes on through the other.
    let done = Arc::new(AtomicBool::new(false));
    let killer = {
        let done = done.clone();
        let mut nodes = std::mem::take(&mut nodes);
        std::thread::spawn(move || {
            let third = Duration::from_secs(seconds) / 3;
            for victim in [1, 0] {
                std::thread::sleep(third);
                nodes[victim].kill();
                nodes[victim].start();
            }
            std::thread::sleep(third / 2);
            done.store(true, Ordering::SeqCst);
            nodes
        })
    };

    let mut acks = Acks::default();
    let mut turn = 0usize;
    let mut i = 0usize;
    let mut live_posts: Vec<String> = Vec::new();
    let mut rng = Lcg(20261207);
    while !done.load(Ordering::SeqCst) {
        i += 1;
        // An employer's post.
        if let Some((_, r)) = rr(
            &ports,
            &mut turn,
            "POST",
            "/api/v1/posts",
            &employer,
            Some(&post_body(i, &starts_on)),
        ) && r.status == 201
        {
            let p = json_of(&r);
            let id = p["id"].as_str().unwrap().to_owned();
            if p["status"] == "live" {
                live_posts.push(id.clone());
            }
            acks.posts
                .insert(id, p["status"].as_str().unwrap().to_owned());
        }
        // Anonymous searches on both nodes never fail.
        for q in ["%E4%BF%9D%E6%B4%81", "%E8%A3%85%E5%8D%B8"] {
            if let Some((node, r)) = rr(
                &ports,
                &mut turn,
                "GET",
                &format!("/api/v1/posts/search?q={q}"),
                &Session::default(),
                None,
            ) {
                assert_eq!(r.status, 200, "search on node {node}: {}", r.body);
                acks.searches += 1;
            }
        }
        // Every other round a worker signs up and applies to a live post; every third
        // application is hired.
        if i.is_multiple_of(2) {
            let seq = i as u32 + 100;
            let username = format!("cluster_worker_{i}");
            let anon = anonymous(ports[turn % 2]);
            let body = json!({
                "username": username, "password": PASSWORD, "name": "李秀英", "id_number": id_number(seq),
                "phone": format!("1371234{:04}", seq), "county_code": "140105"
            });
            let signed = match rr(
                &ports,
                &mut turn,
                "POST",
                "/api/v1/signup/worker",
                &anon,
                Some(&body),
            ) {
                Some((_, r)) if r.status == 201 => true,
                // Written before a node died without answering: the retry finds it taken.
                Some((_, r)) if r.status == 409 => true,
                Some((_, r)) => panic!("signup: {} {}", r.status, r.body),
                None => false,
            };
            if signed {
                acks.workers.insert(username.clone());
                let w = sign_in(ports[turn % 2], &username);
                if !live_posts.is_empty() {
                    let pid = &live_posts[rng.between(0, live_posts.len() as u64) as usize];
                    let path = format!("/api/v1/posts/{pid}/applications");
                    if let Some((_, r)) = rr(
                        &ports,
                        &mut turn,
                        "POST",
                        &path,
                        &w,
                        Some(&json!({"message": "周末都有空"})),
                    ) && r.status == 201
                    {
                        let aid = json_of(&r)["id"].as_str().unwrap().to_owned();
                        acks.applications.insert(aid.clone());
                        if acks.applications.len().is_multiple_of(3) {
                            let hire = format!("/api/v1/applications/{aid}/hire");
                            if let Some((_, r)) = rr(
                                &ports,
                                &mut turn,
                                "POST",
                                &hire,
                                &employer,
                                Some(&json!({"start_date": starts_on})),
                            ) && r.status == 201
                            {
                                acks.hires
                                    .insert(json_of(&r)["id"].as_str().unwrap_or(&aid).to_owned());
                            }
                        }
                    }
                }
            }
        }
    }
    let nodes = killer.join().unwrap();
    eprintln!(
        "two nodes: {} posts, {} workers, {} applications, {} hires, {} searches acknowledged",
        acks.posts.len(),
        acks.workers.len(),
        acks.applications.len(),
        acks.hires.len(),
        acks.searches
    );
    assert!(acks.posts.len() >= 10 && acks.workers.len() >= 3 && acks.searches >= 20);

    // A post written through node A is found through node B within a few seconds. Its words
    // are its own: a post like a recent one of the same employer is held for review as a
    // duplicate, and a held post is rightly in no index.
    let mut probe_body = post_body(i + 1, &starts_on);
    probe_body["occupation"] = json!("装卸工");
    probe_body["form"] = json!("gig");
    probe_body["title"] = json!("物流园夜间卸货（双节点核对）");
    probe_body["description"] = json!("物流园仓库夜间卸车并码放整齐，按小时结算，提供手套。");
    let probe = call(
        ports[0],
        "POST",
        "/api/v1/posts",
        &employer,
        Some(&probe_body),
        &[],
    );
    assert_eq!(probe.status, 201, "{}", probe.body);
    assert_eq!(json_of(&probe)["status"], "live", "{}", probe.body);
    let probe_id = json_of(&probe)["id"].as_str().unwrap().to_owned();
    let started = Instant::now();
    loop {
        if indexed_posts(ports[1]).is_some_and(|s| s.contains(&probe_id)) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "node B never found node A's post"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!("node B found node A's post after {:?}", started.elapsed());

    // Nothing acknowledged is lost.
    let (db_live, db_posts, db_users, db_apps, db_hires) = rt.block_on(async {
        let db = linghuo_storage::Db::connect(&db_url).await.unwrap();
        let today = (chrono::Utc::now() + chrono::TimeDelta::hours(8)).date_naive();
        macro_rules! strings {
            ($sql:expr) => {
                linghuo_storage::on_pool!(&db, |p| sqlx::query_scalar::<_, String>($sql)
                    .fetch_all(p)
                    .await)
                .unwrap()
                .into_iter()
                .collect::<BTreeSet<String>>()
            };
        }
        let live: Vec<(String, chrono::NaiveDate)> =
            linghuo_storage::on_pool!(&db, |p| sqlx::query_as(
                "SELECT id::TEXT, expires_on FROM job_posts WHERE status = 'live'"
            )
            .fetch_all(p)
            .await)
            .unwrap();
        let live: BTreeSet<String> = live
            .into_iter()
            .filter(|(_, e)| *e >= today)
            .map(|(id, _)| id)
            .collect();
        let out = (
            live,
            strings!("SELECT id::TEXT FROM job_posts"),
            strings!("SELECT username FROM users"),
            strings!("SELECT id::TEXT FROM applications"),
            strings!("SELECT id::TEXT FROM hires"),
        );
        db.close().await;
        out
    });
    for p in acks.posts.keys() {
        assert!(db_posts.contains(p), "acknowledged post {p} lost");
    }
    for w in &acks.workers {
        assert!(db_users.contains(w), "acknowledged worker {w} lost");
    }
    for a in &acks.applications {
        assert!(db_apps.contains(a), "acknowledged application {a} lost");
    }
    assert!(
        db_hires.len() >= acks.hires.len(),
        "acknowledged hires lost"
    );

    // Each node's index holds exactly the database's live posts (within a bounded time).
    for (k, port) in ports.iter().enumerate() {
        let started = Instant::now();
        loop {
            let shown = indexed_posts(*port).unwrap_or_default();
            if shown == db_live {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "node {k}: index shows {} posts, the database has {} live ({} missing, {} extra)",
                shown.len(),
                db_live.len(),
                db_live.difference(&shown).count(),
                shown.difference(&db_live).count()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    // The operator's checks, as the application role.
    let data = dir.path().join("cli");
    let (ok, out) = linghuo(&data, &db_url, &key_file, &["audit", "verify"]);
    assert!(ok, "audit verify: {out}");
    let (ok, out) = linghuo(&data, &db_url, &key_file, &["benefits", "ledger-check"]);
    assert!(ok, "ledger check: {out}");
    let (ok, out) = linghuo(&data, &db_url, &key_file, &["stats", "check", "--json"]);
    assert!(ok, "stats check: {out}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["differences"], json!([]), "stats check: {out}");

    drop(nodes);
    rt.block_on(t.finish());
}
