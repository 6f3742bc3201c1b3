//! SECURITY.md §3.3 T1: the real server is killed with SIGKILL fifty times (set
//! `TEST_CRASH_CYCLES` to change it) in the middle of a stream of work done over HTTP the
//! way a county window does it — persons registered, social-insurance records imported,
//! benefit applications decided automatically or reviewed and approved by two people (with
//! idempotency keys), payment batches created and the bank's answers imported. The client
//! retries whatever was not acknowledged after each restart. At the end: the database passes
//! its integrity check, every acknowledged write is there in at least the acknowledged state,
//! the ledger balances with no application granted twice, every business row has its audit
//! row, and the audit chain verifies. Runs on SQLite, and on PostgreSQL too when
//! `TEST_DATABASE_URL` is set.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

mod support;

use linghuo_service::accounts::NewUser;
use linghuo_service::{Clock, Config, Keys, Service, totp};
use serde_json::json;
use support::*;

/// What the client was told, to check against the database afterwards.
#[derive(Default)]
struct Acks {
    /// application id → status acknowledged
    applications: BTreeMap<String, String>,
    persons: BTreeSet<String>,
    batches: BTreeSet<String>,
    paid: BTreeSet<String>,
}

fn run_crash_story(db_url: String, label: &str) {
    let cycles: usize = std::env::var("TEST_CRASH_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let seed = std::env::var("TEST_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20261129u64);
    eprintln!("crash test on {label}: {cycles} cycles, seed {seed}");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let rt = tokio::runtime::Runtime::new().unwrap();

    // Accounts, made the way the operator's CLI makes them, before the server starts.
    let mut config = Config::default();
    config.server.data_dir = dir.path().to_path_buf();
    config.database.url = db_url.clone();
    // Where the server anchors the audit chain (Server::start), so the final check sees it.
    config.audit.anchor_file = dir.path().join("audit-anchors.log");
    let staff: Vec<(String, String, Vec<u8>)> = rt.block_on(async {
        let keys = Keys::load_or_create(&config).unwrap();
        let db = linghuo_storage::Db::connect(&db_url).await.unwrap();
        db.migrate().await.unwrap();
        let svc = Service::new(db, keys, config.clone(), Clock::system());
        let mut out = Vec::new();
        for name in ["crash_apply", "crash_review", "crash_decide"] {
            let c = svc
                .create_user(
                    None,
                    NewUser {
                        username: name.into(),
                        display_name: name.into(),
                        role: "staff".into(),
                        scope_code: Some("140105".into()),
                        permissions: vec![],
                        person_id: None,
                    },
                )
                .await
                .unwrap();
            out.push((
                name.to_owned(),
                c.one_time_password,
                totp::from_base32(&c.totp_secret.unwrap()).unwrap(),
            ));
        }
        svc.db.close().await;
        out
    });

    let mut server = Server {
        port: free_port(),
        data: data.clone(),
        db_url: db_url.clone(),
        env: Vec::new(),
        child: None,
    };
    server.start();
    let port = server.port;
    let mut step = 0;
    let sessions: Vec<Session> = staff
        .iter()
        .map(|(u, p, s)| login(port, u, p, s, &mut step))
        .collect();
    let (apply, review, decide) = (&sessions[0], &sessions[1], &sessions[2]);

    // The killer: SIGKILL after a random 0.3–1.5 s, restart, `cycles` times.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let killer = {
        let done = done.clone();
        let mut rng = Lcg(seed);
        std::thread::spawn(move || {
            let mut server = server;
            for _ in 0..cycles {
                std::thread::sleep(Duration::from_millis(rng.between(300, 1500)));
                server.kill();
                server.start();
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            server
        })
    };

    let mut acks = Acks::default();
    let mut rng = Lcg(seed ^ 0x5eed);
    let mut seq = 0u32;
    while !done.load(std::sync::atomic::Ordering::SeqCst) {
        seq += 1;
        // A person at the window, verified or self-declared.
        let manual = rng.next().is_multiple_of(3);
        let idn = id_number(seq);
        let r = call(
            port,
            "POST",
            "/api/v1/persons",
            apply,
            Some(&json!({
                "name": "韩春梅", "id_number": idn, "jurisdiction_code": "140105",
                "groups": [{"group": "hard_to_employ", "since": "2025-01-01",
                            "source": if manual { "self_declared" } else { "staff_checked" }}]
            })),
            &[],
        );
        let pid = match r.status {
            201 => json_of(&r)["id"].as_str().unwrap().to_owned(),
            409 => {
                // Written before the crash but not acknowledged: find it.
                let f = call(
                    port,
                    "POST",
                    "/api/v1/persons/search",
                    apply,
                    Some(&json!({"q": idn})),
                    &[],
                );
                json_of(&f)["items"][0]["id"].as_str().unwrap().to_owned()
            }
            s => panic!("create person: {s} {}", r.body),
        };
        acks.persons.insert(pid.clone());
        // The agency's premiums, imported (idempotent: a retry changes nothing).
        let csv = format!(
            "身份证号码,缴费月份,缴费金额\n{idn},2026-01,600.00\n{idn},2026-02,600.00\n{idn},2026-03,450.00\n"
        );
        let b64 = base64_encode(csv.as_bytes());
        let r = call(
            port,
            "POST",
            "/api/v1/imports/social-insurance",
            apply,
            Some(&json!({"file_name": "si.csv", "content_base64": b64, "all_or_nothing": true})),
            &[],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        // The application (unique per person, benefit and month: a retry gets 409).
        let apply_path = format!("/api/v1/persons/{pid}/benefit-applications");
        let r = call(
            port,
            "POST",
            &apply_path,
            apply,
            Some(&json!({"benefit": "social_insurance_subsidy", "consent_note": "本人书面申请"})),
            &[],
        );
        let app = match r.status {
            201 => json_of(&r),
            409 => json_of(&call(port, "GET", &apply_path, apply, None, &[]))[0].clone(),
            s => panic!("apply: {s} {}", r.body),
        };
        let id = app["id"].as_str().unwrap().to_owned();
        acks.applications
            .insert(id.clone(), app["status"].as_str().unwrap().to_owned());
        if app["status"] == "pending_review" {
            let r = call(
                port,
                "POST",
                &format!("/api/v1/benefit-applications/{id}/review"),
                review,
                Some(&json!({"outcome": "approve", "note": "已核验原件"})),
                &[],
            );
            assert!(
                r.status == 200 || r.status == 409,
                "review: {} {}",
                r.status,
                r.body
            );
            acks.applications.insert(id.clone(), "reviewed".into());
        }
        let status = acks.applications[&id].clone();
        if status == "reviewed" {
            let key = format!("decide-{id}");
            let r = call(
                port,
                "POST",
                &format!("/api/v1/benefit-applications/{id}/decision"),
                decide,
                Some(&json!({"outcome": "approve"})),
                &[("Idempotency-Key", &key)],
            );
            assert!(
                r.status == 200 || r.status == 409,
                "decide: {} {}",
                r.status,
                r.body
            );
            acks.applications.insert(id.clone(), "approved".into());
        }
        // Where the money goes.
        let r = call(
            port,
            "PUT",
            &format!("/api/v1/persons/{pid}/payee"),
            apply,
            Some(
                &json!({"bank_name": "中国建设银行太原分行", "account": format!("621700{:010}", seq), "consent_note": "本人提供"}),
            ),
            &[],
        );
        assert_eq!(r.status, 200, "{}", r.body);
        // Every few persons: a batch, and the bank's answer.
        if seq.is_multiple_of(5) {
            let r = call(
                port,
                "POST",
                "/api/v1/payment-batches",
                decide,
                Some(&json!({})),
                &[],
            );
            assert!(
                r.status == 201 || r.status == 409,
                "batch: {} {}",
                r.status,
                r.body
            );
            let batches = json_of(&call(
                port,
                "GET",
                "/api/v1/payment-batches",
                decide,
                None,
                &[],
            ));
            for b in batches.as_array().unwrap() {
                let bid = b["id"].as_str().unwrap().to_owned();
                acks.batches.insert(bid.clone());
                if b["status"] == "reconciled" {
                    continue;
                }
                let rec = json_of(&call(
                    port,
                    "GET",
                    &format!("/api/v1/payment-batches/{bid}/reconciliation"),
                    decide,
                    None,
                    &[],
                ));
                let mut csv = String::from("付款参考号,金额,结果,银行流水号,说明\n");
                let mut refs = Vec::new();
                for l in rec["lines"].as_array().unwrap() {
                    let reference = l["reference"].as_str().unwrap();
                    csv.push_str(&format!(
                        "{reference},{},成功,BK{reference},\n",
                        l["amount"].as_str().unwrap()
                    ));
                    refs.push(reference.to_owned());
                }
                let r = call(
                    port,
                    "POST",
                    &format!("/api/v1/payment-batches/{bid}/result"),
                    decide,
                    Some(
                        &json!({"file_name": "result.csv", "content_base64": base64_encode(csv.as_bytes())}),
                    ),
                    &[],
                );
                assert_eq!(r.status, 200, "bank result: {}", r.body);
                acks.paid.extend(refs);
            }
        }
    }
    let mut server = killer.join().unwrap();
    server.kill();
    eprintln!(
        "{label}: {} persons, {} applications, {} batches, {} payments acknowledged",
        acks.persons.len(),
        acks.applications.len(),
        acks.batches.len(),
        acks.paid.len()
    );
    assert!(
        acks.applications.len() >= 10,
        "the stream did work between kills"
    );

    // The checks, on the database as the last kill left it.
    rt.block_on(async {
        let keys = Keys::load_or_create(&config).unwrap();
        let db = linghuo_storage::Db::connect(&db_url).await.unwrap();
        if let linghuo_storage::Db::Sqlite(p) = &db {
            let ok: String = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_one(p)
                .await
                .unwrap();
            assert_eq!(ok, "ok");
        }
        let svc = Service::new(db, keys, config.clone(), Clock::system());
        let rank = |s: &str| match s {
            "pending_review" => 0,
            "reviewed" => 1,
            "approved" | "rejected" => 2,
            _ => 9,
        };
        for (id, acked) in &acks.applications {
            let a = linghuo_storage::benefits::application(&svc.db, id.parse().unwrap())
                .await
                .unwrap()
                .unwrap_or_else(|| panic!("acknowledged application {id} lost"));
            assert!(
                rank(a.status.as_str()) >= rank(acked),
                "{id}: {} < {acked}",
                a.status
            );
        }
        for p in &acks.persons {
            assert!(
                linghuo_storage::persons::by_id(&svc.db, p.parse().unwrap())
                    .await
                    .unwrap()
                    .is_some(),
                "acknowledged person {p} lost"
            );
        }
        for b in &acks.batches {
            assert!(
                linghuo_storage::benefits::batch(&svc.db, b.parse().unwrap())
                    .await
                    .unwrap()
                    .is_some()
            );
        }
        let check = svc.ledger_check().await.unwrap();
        assert!(check.problems.is_empty(), "{check:?}");
        assert!(check.balanced);
        // Every business row has its audit row.
        let audited = audited_objects(&svc).await;
        let apps: Vec<uuid::Uuid> = linghuo_storage::on_pool!(&svc.db, |p| sqlx::query_scalar(
            "SELECT id FROM benefit_applications"
        )
        .fetch_all(p)
        .await)
        .unwrap();
        for a in apps {
            assert!(
                audited
                    .get("benefit_application")
                    .is_some_and(|s| s.contains(&a.to_string())),
                "application {a} without audit row"
            );
        }
        let batches: Vec<uuid::Uuid> = linghuo_storage::on_pool!(&svc.db, |p| sqlx::query_scalar(
            "SELECT id FROM payment_batches"
        )
        .fetch_all(p)
        .await)
        .unwrap();
        for b in batches {
            assert!(
                audited
                    .get("payment_batch")
                    .is_some_and(|s| s.contains(&b.to_string())),
                "batch {b} without audit row"
            );
        }
        let persons: Vec<uuid::Uuid> =
            linghuo_storage::on_pool!(&svc.db, |p| sqlx::query_scalar("SELECT id FROM persons")
                .fetch_all(p)
                .await)
            .unwrap();
        for p in persons {
            assert!(
                audited
                    .get("person")
                    .is_some_and(|s| s.contains(&p.to_string())),
                "person {p} without audit row"
            );
        }
        let paid: Vec<String> = linghuo_storage::on_pool!(&svc.db, |p| sqlx::query_scalar(
            "SELECT reference FROM payment_instructions WHERE status = 'paid'"
        )
        .fetch_all(p)
        .await)
        .unwrap();
        let paid: BTreeSet<String> = paid.into_iter().collect();
        for r in &acks.paid {
            assert!(paid.contains(r), "acknowledged payment {r} not paid");
        }
        let v = svc.verify_audit().await.unwrap();
        assert!(v.first_broken.is_none(), "{v:?}");
        svc.db.close().await;
    });
}

async fn audited_objects(svc: &Service) -> HashMap<String, BTreeSet<String>> {
    let rows: Vec<(String, String)> = linghuo_storage::on_pool!(&svc.db, |p| sqlx::query_as(
        "SELECT object_type, object_id FROM audit_log"
    )
    .fetch_all(p)
    .await)
    .unwrap();
    let mut out: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (t, id) in rows {
        out.entry(t).or_default().insert(id);
    }
    out
}

#[test]
fn sigkill_fifty_times_loses_no_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite:{}/crash.db", dir.path().display());
    run_crash_story(url, "SQLite");
    if let Ok(base) = std::env::var("TEST_DATABASE_URL")
        && !base.is_empty()
    {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let t = rt
            .block_on(linghuo_storage::testing::TestDb::postgres())
            .unwrap();
        run_crash_story(t.url.clone(), "PostgreSQL");
        rt.block_on(t.finish());
    }
}
