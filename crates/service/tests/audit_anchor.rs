//! The audit chain against its anchors outside the database (SECURITY.md E3, T8), on both
//! databases: deleting the newest rows and setting `audit_head` back passes the chain walk but
//! not the anchors; a re-chained tail with another hash at an anchored row is caught; normal
//! growth after an anchor passes; anchors go to syslog as RFC 5424 datagrams.

use chrono::{TimeZone, Utc};
use linghuo_service::audit::{self, AuditActor, Event};
use linghuo_service::{Clock, Config, Keys, Service, ServiceError};
use linghuo_storage::Db;
use linghuo_storage::testing::each_backend;

fn service(db: Db, dir: &std::path::Path, clock: Clock) -> Service {
    let mut config = Config::default();
    config.server.data_dir = dir.join("data");
    config.audit.anchor_file = dir.join("anchors").join("audit-anchors.log");
    Service::new(db, Keys::generate(), config, clock)
}

async fn events(svc: &Service, n: usize) {
    for i in 0..n {
        let mut tx = svc.db.begin().await.unwrap();
        audit::record(
            &mut tx,
            &svc.keys,
            svc.clock.now(),
            &AuditActor::system(),
            Event::new("test_event", "test", i),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
}

/// The same PostgreSQL test database as its owner: the tests' pool is the application role,
/// which may not touch audit rows or triggers (migration 0013); someone tampering would be
/// the owner (or a superuser).
async fn owner_pool(p: &sqlx::PgPool) -> sqlx::PgPool {
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(p)
        .await
        .unwrap();
    let base = std::env::var("TEST_DATABASE_URL").unwrap();
    let base = base.split('?').next().unwrap();
    let url = format!("{}/{name}", &base[..base.rfind('/').unwrap()]);
    sqlx::PgPool::connect(&url).await.unwrap()
}

/// What someone with write access to the database (but not the audit key) can do: drop the
/// append-only triggers, delete the newest rows, and set the head back to the last kept row.
async fn truncate_to(db: &Db, keep: i64) {
    match db {
        Db::Sqlite(p) => {
            sqlx::query("DROP TRIGGER audit_log_no_delete")
                .execute(p)
                .await
                .unwrap();
            sqlx::query("DELETE FROM audit_log WHERE seq > $1")
                .bind(keep)
                .execute(p)
                .await
                .unwrap();
            sqlx::query(
                "UPDATE audit_head SET seq = $1, hash = (SELECT hash FROM audit_log WHERE seq = $1) WHERE id = 1",
            )
            .bind(keep)
            .execute(p)
            .await
            .unwrap();
        }
        Db::Postgres(p) => {
            let p = &owner_pool(p).await;
            sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER USER")
                .execute(p)
                .await
                .unwrap();
            sqlx::query("DELETE FROM audit_log WHERE seq > $1")
                .bind(keep)
                .execute(p)
                .await
                .unwrap();
            sqlx::query(
                "UPDATE audit_head SET seq = $1, hash = (SELECT hash FROM audit_log WHERE seq = $1) WHERE id = 1",
            )
            .bind(keep)
            .execute(p)
            .await
            .unwrap();
            sqlx::query("ALTER TABLE audit_log ENABLE TRIGGER USER")
                .execute(p)
                .await
                .unwrap();
        }
    }
}

#[tokio::test]
async fn truncation_with_a_rewritten_head_is_caught_by_the_anchor() {
    each_backend(|db, label| async move {
        let dir = tempfile::tempdir().unwrap();
        let svc = service(db, dir.path(), Clock::system());
        events(&svc, 5).await;
        // No anchor yet: the chain walk is all there is.
        let (report, anchors) = svc.verify_audit_anchored().await.unwrap();
        assert!(report.first_broken.is_none(), "{label}");
        assert_eq!(anchors.latest_seq, None, "{label}");

        let a = svc.audit_anchor().await.unwrap();
        assert_eq!(a.seq, 5, "{label}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&a.file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{label}: anchor file mode");
        }
        // Normal growth after the anchor passes (the anchoring itself is audited, row 6).
        events(&svc, 4).await;
        let (report, anchors) = svc.verify_audit_anchored().await.unwrap();
        assert_eq!(report.first_broken, None, "{label}: {report:?}");
        assert_eq!(report.checked, 10, "{label}");
        assert_eq!(anchors.latest_seq, Some(5), "{label}");
        assert_eq!(anchors.anchors, 1, "{label}");

        // A second anchor, then cut the chain back to row 7 and set the head to it.
        let a2 = svc.audit_anchor().await.unwrap();
        assert_eq!(a2.seq, 10, "{label}");
        truncate_to(&svc.db, 7).await;
        // The chain on its own still verifies: this is what the anchor is for.
        let alone = audit::verify(&svc.db, &svc.keys).await.unwrap();
        assert_eq!(
            alone.first_broken, None,
            "{label}: the chain walk alone passes"
        );
        assert_eq!(alone.head_seq, 7, "{label}");
        let report = svc.verify_audit().await.unwrap();
        assert_eq!(report.first_broken, Some(8), "{label}: {report:?}");
        assert!(
            report.problem.as_deref().unwrap().contains("比外部锚点短"),
            "{label}: {report:?}"
        );
        // A new anchor is refused rather than blessing the shortened chain.
        match svc.audit_anchor().await {
            Err(ServiceError::Conflict { code, .. }) => {
                assert_eq!(code, "audit_anchor_contradicted", "{label}")
            }
            other => panic!("{label}: {other:?}"),
        }

        // Whoever also holds the audit key can re-chain new rows up past the anchored row:
        // the length is back, but the hash at the anchored row differs.
        events(&svc, 6).await;
        let alone = audit::verify(&svc.db, &svc.keys).await.unwrap();
        assert_eq!(alone.first_broken, None, "{label}");
        assert!(alone.head_seq >= 10, "{label}");
        // Row 5 survived the truncation; row 10 is anchored but is now another row.
        let report = svc.verify_audit().await.unwrap();
        assert_eq!(report.first_broken, Some(10), "{label}: {report:?}");
        assert!(
            report
                .problem
                .as_deref()
                .unwrap()
                .contains("审计日志被改写"),
            "{label}: {report:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_rewritten_row_at_the_anchor_is_caught() {
    each_backend(|db, label| async move {
        let dir = tempfile::tempdir().unwrap();
        let svc = service(db, dir.path(), Clock::system());
        events(&svc, 3).await;
        svc.audit_anchor().await.unwrap(); // anchors row 3
        truncate_to(&svc.db, 2).await;
        events(&svc, 3).await; // a different row 3, 4, 5, validly chained
        assert_eq!(
            audit::verify(&svc.db, &svc.keys)
                .await
                .unwrap()
                .first_broken,
            None,
            "{label}"
        );
        let report = svc.verify_audit().await.unwrap();
        assert_eq!(report.first_broken, Some(3), "{label}: {report:?}");
        assert!(
            report
                .problem
                .as_deref()
                .unwrap()
                .contains("审计日志被改写"),
            "{label}: {report:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn after_a_restore_the_chain_continues_from_the_restore_line() {
    each_backend(|db, label| async move {
        let dir = tempfile::tempdir().unwrap();
        let svc = service(db, dir.path(), Clock::system());
        events(&svc, 4).await;
        svc.audit_anchor().await.unwrap(); // row 4
        events(&svc, 3).await;
        svc.audit_anchor().await.unwrap(); // row 8
        // What a restore of an older backup (pg_restore, or linghuo restore) looks like.
        truncate_to(&svc.db, 5).await;
        assert_eq!(
            svc.verify_audit().await.unwrap().first_broken,
            Some(6),
            "{label}"
        );
        let r = svc.audit_anchor_after_restore().await.unwrap();
        assert_eq!(r.seq, 5, "{label}");
        let (report, anchors) = svc.verify_audit_anchored().await.unwrap();
        assert_eq!(report.first_broken, None, "{label}: {report:?}");
        assert_eq!(anchors.anchors, 1, "{label}: only the restore line binds");
        events(&svc, 2).await;
        svc.audit_anchor().await.unwrap();
        assert_eq!(
            svc.verify_audit().await.unwrap().first_broken,
            None,
            "{label}"
        );
        // A chain broken inside is not accepted as a restore point.
        match &svc.db {
            Db::Sqlite(p) => {
                sqlx::query("DROP TRIGGER audit_log_no_update")
                    .execute(p)
                    .await
                    .unwrap();
                sqlx::query("UPDATE audit_log SET object_id = 'x' WHERE seq = 2")
                    .execute(p)
                    .await
                    .unwrap();
            }
            Db::Postgres(p) => {
                let p = &owner_pool(p).await;
                sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER USER")
                    .execute(p)
                    .await
                    .unwrap();
                sqlx::query("UPDATE audit_log SET object_id = 'x' WHERE seq = 2")
                    .execute(p)
                    .await
                    .unwrap();
            }
        }
        match svc.audit_anchor_after_restore().await {
            Err(ServiceError::Conflict { code, .. }) => assert_eq!(code, "audit_chain_broken"),
            other => panic!("{label}: {other:?}"),
        }
    })
    .await;
}

#[tokio::test]
async fn other_keys_lines_are_ignored_and_replayed_lines_are_caught() {
    each_backend(|db, label| async move {
        let dir = tempfile::tempdir().unwrap();
        let clock = Clock::manual(Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).unwrap());
        let svc = service(db.clone(), dir.path(), clock.clone());
        events(&svc, 2).await;
        // Another installation (its own database and audit key) writing to the same file.
        let other_db = linghuo_storage::testing::TestDb::sqlite().await;
        let other = service(other_db.db.clone(), dir.path(), clock.clone());
        other.audit_anchor().await.unwrap();
        other_db.finish().await;
        let (report, anchors) = svc.verify_audit_anchored().await.unwrap();
        assert_eq!(report.first_broken, None, "{label}");
        assert_eq!(anchors.foreign_lines, 1, "{label}");
        assert_eq!(anchors.anchors, 0, "{label}");

        // Due: none of ours yet. Then not due until the interval has passed.
        assert!(
            svc.audit_anchor_if_due().await.unwrap().is_some(),
            "{label}"
        );
        clock.advance(chrono::Duration::hours(23));
        assert!(
            svc.audit_anchor_if_due().await.unwrap().is_none(),
            "{label}"
        );
        clock.advance(chrono::Duration::hours(1));
        let second = svc.audit_anchor_if_due().await.unwrap();
        assert!(second.is_some(), "{label}");

        // Copying an older valid line to the end (to make an older anchor the newest) is seen.
        let path = svc.anchor_file();
        let text = std::fs::read_to_string(&path).unwrap();
        let ours: Vec<&str> = text.lines().skip(1).collect();
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        use std::io::Write;
        writeln!(f, "{}", ours[0]).unwrap();
        let report = svc.verify_audit().await.unwrap();
        assert!(
            report.problem.as_deref().unwrap_or("").contains("重放"),
            "{label}: {report:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn anchors_are_sent_to_syslog_as_rfc5424_datagrams() {
    let t = linghuo_storage::testing::TestDb::sqlite().await;
    let dir = tempfile::tempdir().unwrap();
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket
        .set_read_timeout(Some(std::time::Duration::from_secs(5)))
        .unwrap();
    let mut config = Config::default();
    config.server.data_dir = dir.path().join("data");
    config.audit.anchor_file = dir.path().join("a.log");
    config.audit.syslog = format!("udp://{}", socket.local_addr().unwrap());
    config.validate().unwrap();
    let svc = Service::new(t.db.clone(), Keys::generate(), config, Clock::system());
    events(&svc, 1).await;
    let a = svc.audit_anchor().await.unwrap();
    assert_eq!(a.syslog_sent, Some(true));
    let mut buf = [0u8; 2048];
    let n = socket.recv(&mut buf).unwrap();
    let msg = std::str::from_utf8(&buf[..n]).unwrap();
    // <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG
    let parts: Vec<&str> = msg.splitn(8, ' ').collect();
    assert_eq!(parts[0], "<110>1", "{msg}");
    assert!(parts[1].ends_with('Z'), "{msg}");
    assert_eq!(parts[3], "linghuo", "{msg}");
    assert_eq!(parts[5], "audit-anchor", "{msg}");
    assert_eq!(parts[6], "-", "{msg}");
    let line: serde_json::Value = serde_json::from_str(parts[7]).unwrap();
    assert_eq!(line["seq"], 1);
    assert_eq!(line["kind"], "anchor");
    // The same line is in the file.
    let file = std::fs::read_to_string(&a.file).unwrap();
    assert_eq!(file.trim_end(), parts[7]);
    t.finish().await;
}
