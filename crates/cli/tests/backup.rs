//! The backup and restore drill (SECURITY.md F1, F4, T6) through the binary, on SQLite:
//! a province with persons, applications, payments and their ledger, and audit rows; an
//! anchor; a backup while the database is open; more writes and a later anchor; a refused
//! restore over live data and a refused corrupt backup; the restore; then the audit chain
//! (against its anchors), the ledger and the statistics check out and every row acknowledged
//! before the backup is there.

use std::path::Path;
use std::process::{Command, Output};

fn run(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_linghuo"))
        .arg("--data-dir")
        .arg(data)
        .args(args)
        .env_remove("LINGHUO_DATABASE__URL")
        .env("LINGHUO_LOG__LEVEL", "error")
        .output()
        .unwrap()
}

fn ok(data: &Path, args: &[&str]) -> String {
    let out = run(data, args);
    assert!(
        out.status.success(),
        "{args:?}: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const TABLES: &[&str] = &[
    "persons",
    "users",
    "benefit_applications",
    "payment_instructions",
    "ledger_transfers",
    "payment_batches",
    "job_posts",
    "hires",
];

async fn counts(db_file: &Path) -> Vec<(String, i64)> {
    let db = linghuo_storage::Db::connect(&format!("sqlite:{}", db_file.display()))
        .await
        .unwrap();
    let mut out = Vec::new();
    for t in TABLES.iter().chain(["audit_log"].iter()) {
        let linghuo_storage::Db::Sqlite(p) = &db else {
            unreachable!()
        };
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {t}")))
            .fetch_one(p)
            .await
            .unwrap();
        out.push((t.to_string(), n));
    }
    db.close().await;
    out
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test(flavor = "multi_thread")]
async fn backup_write_more_restore_and_nothing_acknowledged_before_the_backup_is_lost() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db_file = data.join("linghuo.db");
    ok(
        &data,
        &[
            "demo",
            "seed",
            "--workers",
            "150",
            "--jobs",
            "60",
            "--seed",
            "3",
        ],
    );
    ok(&data, &["audit", "anchor"]);
    #[cfg(unix)]
    {
        assert_eq!(mode(&db_file), 0o600, "database file");
        assert_eq!(mode(&data), 0o700, "data directory");
        assert_eq!(mode(&dir.path().join("data-audit-anchors.log")), 0o600);
    }
    let acknowledged = counts(&db_file).await;
    for (t, n) in &acknowledged {
        assert!(*n > 0, "the drill writes {t}");
    }

    // Back up while the database is open for writing elsewhere.
    let backup = dir.path().join("backups").join("linghuo-1.db");
    let out = ok(
        &data,
        &["backup", "--out", backup.to_str().unwrap(), "--json"],
    );
    let manifest: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        manifest["bytes"].as_u64().unwrap(),
        std::fs::metadata(&backup).unwrap().len()
    );
    let manifest_file = dir
        .path()
        .join("backups")
        .join("linghuo-1.db.manifest.json");
    #[cfg(unix)]
    {
        assert_eq!(mode(&backup), 0o600, "backup file");
        assert_eq!(mode(&manifest_file), 0o600, "manifest");
    }
    // No key is in the backup.
    let keys: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(data.join("keys.json")).unwrap()).unwrap();
    let bytes = std::fs::read(&backup).unwrap();
    for k in [
        &keys["index_key"],
        &keys["audit_key"],
        &keys["field_keys"]["1"],
    ] {
        let hex = k.as_str().unwrap();
        assert!(
            !bytes.windows(hex.len()).any(|w| w == hex.as_bytes()),
            "a key in the backup"
        );
    }
    // A second backup to the same name is refused.
    let out = run(&data, &["backup", "--out", backup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));

    // More writes after the backup, and an anchor that covers them.
    ok(
        &data,
        &[
            "user",
            "add",
            "--username",
            "after.backup",
            "--name",
            "备份后",
            "--role",
            "staff",
            "--scope",
            "140105",
            "--break-glass",
        ],
    );
    ok(&data, &["audit", "anchor"]);

    // Restoring over a database with data needs --force.
    let out = run(&data, &["restore", "--from", backup.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("restore_target_not_empty"));

    // A backup with one byte flipped is refused by its manifest.
    let bad = dir.path().join("backups").join("bad.db");
    let mut flipped = bytes.clone();
    let i = flipped.len() / 2;
    flipped[i] ^= 0x40;
    std::fs::write(&bad, &flipped).unwrap();
    std::fs::copy(
        &manifest_file,
        dir.path().join("backups").join("bad.db.manifest.json"),
    )
    .unwrap();
    let out = run(
        &data,
        &["restore", "--force", "--from", bad.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("backup_corrupt"));
    // The live database is untouched by the refusals.
    assert!(ok(&data, &["user", "list"]).contains("after.backup"));

    let out = ok(
        &data,
        &[
            "restore",
            "--force",
            "--from",
            backup.to_str().unwrap(),
            "--json",
        ],
    );
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["manifest_checked"], true);
    assert_eq!(report["audit_seq"], manifest["audit_seq"]);
    assert!(report["anchored_before"].as_i64().unwrap() > manifest["audit_seq"].as_i64().unwrap());
    #[cfg(unix)]
    assert_eq!(mode(&db_file), 0o600, "restored database file");

    // The chain verifies against its anchors (the restore line), the ledger balances, the
    // statistics agree with the rows, and everything acknowledged before the backup is there.
    let out = ok(&data, &["audit", "verify", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["first_broken"], serde_json::Value::Null, "{v}");
    assert!(v["anchors"]["anchors"].as_i64().unwrap() >= 1, "{v}");
    ok(&data, &["benefits", "ledger-check"]);
    ok(&data, &["stats", "check"]);
    let restored = counts(&db_file).await;
    for ((t, before), (_, after)) in acknowledged.iter().zip(&restored) {
        if t == "audit_log" {
            // Plus the backup's own row, the restore's and the restore anchor's.
            assert!(after >= before, "{t}: {before} → {after}");
        } else {
            assert_eq!(before, after, "{t}");
        }
    }
    assert!(!ok(&data, &["user", "list"]).contains("after.backup"));

    // The chain goes on: a new anchor after the restore, and it still verifies.
    ok(&data, &["audit", "anchor"]);
    ok(&data, &["audit", "verify"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn backup_of_postgres_points_to_pg_dump() {
    let Some(t) = linghuo_storage::testing::TestDb::postgres().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_linghuo"))
        .args(["--data-dir", dir.path().join("d").to_str().unwrap()])
        .args(["--database-url", &t.url])
        .args(["backup", "--out", dir.path().join("x").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump -Fc"));
    assert!(!dir.path().join("x").exists());
    t.finish().await;
}
