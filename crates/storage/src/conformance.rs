//! Storage stories run on both databases (`TEST_DATABASE_URL` adds PostgreSQL).

mod least_privilege;
mod ledger;
mod market_pay;
mod occupation_words;
mod takeup_snapshots;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::audit::AuditRow;
use crate::persons::{GroupRow, PersonFilter, PersonRow};
use crate::testing::each_backend;
use crate::users::UserRow;
use crate::{Db, StorageError, audit, now, persons, users};

fn user(name: &str) -> UserRow {
    let t = now();
    UserRow {
        id: Uuid::new_v4(),
        username: name.into(),
        display_name: "测试".into(),
        role: "staff".into(),
        scope_code: Some("140105".into()),
        permissions: String::new(),
        person_id: None,
        password_hash: "$argon2id$x".into(),
        must_change_password: true,
        password_changed_at: t,
        totp_secret: Some(vec![1, 2, 3]),
        totp_enabled: true,
        totp_last_step: 0,
        disabled: false,
        last_login_at: None,
        created_at: t,
        updated_at: t,
    }
}

pub(crate) fn person(code: &str, index: u8) -> PersonRow {
    let t = now();
    PersonRow {
        id: Uuid::new_v4(),
        name: format!("张{index}"),
        id_cipher: vec![index; 40],
        id_index: vec![index; 32],
        phone_cipher: None,
        phone_index: None,
        key_version: 1,
        gender: "male".into(),
        birth_year: 1990,
        jurisdiction_code: code.into(),
        address: String::new(),
        sensitivity: "personal".into(),
        created_by: None,
        created_at: t,
        updated_at: t,
    }
}

#[test]
fn migrations_have_identical_names_on_both_backends() {
    let (sqlite, postgres) = Db::migration_names();
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
    let files = |d: &str| {
        let mut v: Vec<String> =
            std::fs::read_dir(format!("{}/migrations/{d}", env!("CARGO_MANIFEST_DIR")))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
        v.sort();
        v
    };
    assert_eq!(files("sqlite"), files("postgres"));
}

#[tokio::test]
async fn users_round_trip_and_unique_names() {
    each_backend(|db, label| async move {
        let u = user("wang.county");
        let mut tx = db.begin().await.unwrap();
        users::insert(&mut tx, &u).await.unwrap();
        tx.commit().await.unwrap();
        let back = users::by_username(&db, "wang.county")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(back.id, u.id, "{label}");
        assert_eq!(
            back.created_at, u.created_at,
            "{label}: timestamps round-trip"
        );
        assert_eq!(back.totp_secret, u.totp_secret);
        assert!(back.must_change_password);
        // Same name again: a classified conflict, and the first row is untouched.
        let mut tx = db.begin().await.unwrap();
        let err = users::insert(&mut tx, &user("wang.county"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StorageError::Conflict { .. }),
            "{label}: {err:?}"
        );
        tx.rollback().await.unwrap();
        assert_eq!(users::list(&db).await.unwrap().len(), 1);
        // A used TOTP step cannot be used again.
        let mut tx = db.begin().await.unwrap();
        assert!(users::use_totp_step(&mut tx, u.id, 100).await.unwrap());
        assert!(!users::use_totp_step(&mut tx, u.id, 100).await.unwrap());
        assert!(!users::use_totp_step(&mut tx, u.id, 99).await.unwrap());
        tx.commit().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn staff_rows_need_a_scope() {
    each_backend(|db, label| async move {
        let mut u = user("no.scope");
        u.scope_code = None;
        let mut tx = db.begin().await.unwrap();
        let err = users::insert(&mut tx, &u).await.unwrap_err();
        assert!(
            matches!(err, StorageError::Conflict { .. }),
            "{label}: {err:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn person_search_is_bounded_by_region_prefix() {
    each_backend(|db, label| async move {
        let mut tx = db.begin().await.unwrap();
        for (i, code) in ["140105", "140105", "140106", "140202", "140303"]
            .iter()
            .enumerate()
        {
            persons::insert(&mut tx, &person(code, i as u8))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let (rows, total) = persons::search(
            &mut db.begin_scoped("140105").await.unwrap(),
            "140105",
            PersonFilter::All,
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!((rows.len(), total), (2, 2), "{label}");
        let (_, total) = persons::search(
            &mut db.begin_scoped("1401").await.unwrap(),
            "1401",
            PersonFilter::All,
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!(total, 3);
        let (_, total) = persons::search(
            &mut db.begin_scoped("14").await.unwrap(),
            "14",
            PersonFilter::All,
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!(total, 5);
        // An index outside the prefix is not found.
        let (rows, _) = persons::search(
            &mut db.begin_scoped("140105").await.unwrap(),
            "140105",
            PersonFilter::IdIndex(&[3u8; 32]),
            10,
            0,
        )
        .await
        .unwrap();
        assert!(rows.is_empty());
        let (rows, _) = persons::search(
            &mut db.begin_scoped("1402").await.unwrap(),
            "1402",
            PersonFilter::IdIndex(&[3u8; 32]),
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!(rows.len(), 1);
        // LIKE metacharacters in a name are literal.
        let (rows, _) = persons::search(
            &mut db.begin_scoped("14").await.unwrap(),
            "14",
            PersonFilter::NamePrefix("%"),
            10,
            0,
        )
        .await
        .unwrap();
        assert!(rows.is_empty(), "{label}");
        let (rows, _) = persons::search(
            &mut db.begin_scoped("14").await.unwrap(),
            "14",
            PersonFilter::NamePrefix("张"),
            10,
            0,
        )
        .await
        .unwrap();
        assert_eq!(rows.len(), 5);
        // Unique identity index.
        let mut tx = db.begin().await.unwrap();
        assert!(matches!(
            persons::insert(&mut tx, &person("140105", 0)).await,
            Err(StorageError::Conflict { .. })
        ));
    })
    .await;
}

#[tokio::test]
async fn groups_upsert_and_dates_round_trip() {
    each_backend(|db, label| async move {
        let p = person("140105", 9);
        let mut tx = db.begin().await.unwrap();
        persons::insert(&mut tx, &p).await.unwrap();
        let mut g = GroupRow {
            id: Uuid::new_v4(),
            person_id: p.id,
            group_code: "college_graduate".into(),
            since: NaiveDate::from_ymd_opt(2020, 7, 1),
            until: None,
            evidence: "毕业证".into(),
            source: "staff_checked".into(),
            verified: true,
            recorded_by: None,
            recorded_at: now(),
        };
        persons::upsert_group(&mut tx, &g).await.unwrap();
        g.since = NaiveDate::from_ymd_opt(2020, 6, 30);
        g.id = Uuid::new_v4();
        persons::upsert_group(&mut tx, &g).await.unwrap();
        tx.commit().await.unwrap();
        let gs = persons::groups(&db, p.id).await.unwrap();
        assert_eq!(gs.len(), 1, "{label}");
        assert_eq!(gs[0].since, NaiveDate::from_ymd_opt(2020, 6, 30));
    })
    .await;
}

#[tokio::test]
async fn audit_log_is_append_only() {
    each_backend(|db, label| async move {
        let mut tx = db.begin().await.unwrap();
        let (seq, prev) = audit::lock_head(&mut tx).await.unwrap();
        assert_eq!((seq, prev.len()), (0, 32), "{label}");
        let row = AuditRow {
            seq: 1,
            at: now(),
            actor_id: None,
            actor_name: "system".into(),
            actor_role: "system".into(),
            event_type: "test".into(),
            outcome: "success".into(),
            object_type: "x".into(),
            object_id: "1".into(),
            region_code: String::new(),
            ip: String::new(),
            request_id: String::new(),
            detail: "{}".into(),
            prev_hash: prev,
            hash: vec![7; 32],
        };
        audit::append(&mut tx, &row).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(audit::head(&db).await.unwrap(), (1, vec![7; 32]));
        let upd = crate::on_pool!(&db, |p| sqlx::query(
            "UPDATE audit_log SET event_type = 'x'"
        )
        .execute(p)
        .await
        .map(|_| ()));
        assert!(upd.is_err(), "{label}: update must be refused");
        let del = crate::on_pool!(&db, |p| sqlx::query("DELETE FROM audit_log")
            .execute(p)
            .await
            .map(|_| ()));
        assert!(del.is_err(), "{label}: delete must be refused");
        assert_eq!(audit::page(&db, 0, 10).await.unwrap().len(), 1);
    })
    .await;
}

#[cfg(unix)]
#[tokio::test]
async fn a_new_sqlite_database_and_its_wal_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("linghuo.db");
    let db = Db::connect(&format!("sqlite:{}", path.display()))
        .await
        .unwrap();
    db.migrate().await.unwrap();
    // A write keeps the -wal and -shm files open while the pool lives.
    let mut tx = db.begin().await.unwrap();
    crate::on_tx!(&mut tx, |c| sqlx::query("UPDATE audit_head SET seq = seq")
        .execute(c)
        .await
        .map(|_| ())
        .unwrap());
    tx.commit().await.unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let p = dir.path().join(format!("linghuo.db{suffix}"));
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{}", p.display());
    }
    db.close().await;
}

#[tokio::test]
async fn rotation_pages_and_progress_round_trip() {
    use crate::keyring::{self, Progress, SealedColumn};
    each_backend(|db, label| async move {
        // Three users, two with a second-factor secret.
        let mut ids = Vec::new();
        for (i, secret) in [
            Some(vec![1u8, 0, 0, 0, 1, 9]),
            None,
            Some(vec![1u8, 0, 0, 0, 1, 8]),
        ]
        .into_iter()
        .enumerate()
        {
            let id = uuid::Uuid::new_v4();
            crate::on_pool!(&db, |p| sqlx::query(
                "INSERT INTO users (id, username, display_name, role, password_hash, \
                 password_changed_at, totp_secret, created_at, updated_at) \
                 VALUES ($1, $2, 'x', 'worker', 'h', $3, $4, $3, $3)"
            )
            .bind(id)
            .bind(format!("u{i}"))
            .bind(crate::now())
            .bind(secret)
            .execute(p)
            .await
            .map(|_| ())
            .unwrap());
            ids.push(id);
        }
        let rows = keyring::page(&db, SealedColumn::UserTotpSecret, uuid::Uuid::nil(), 10)
            .await
            .unwrap();
        assert_eq!(rows.len(), 2, "{label}: empty values are skipped");
        assert!(rows[0].0 < rows[1].0, "{label}: id order");
        let (first, old) = rows[0].clone();
        let after = keyring::page(&db, SealedColumn::UserTotpSecret, first, 10)
            .await
            .unwrap();
        assert_eq!(after.len(), 1, "{label}");

        let mut tx = db.begin().await.unwrap();
        assert!(
            keyring::replace(&mut tx, SealedColumn::UserTotpSecret, first, &old, b"new")
                .await
                .unwrap()
        );
        // A value that changed meanwhile is not overwritten.
        assert!(
            !keyring::replace(&mut tx, SealedColumn::UserTotpSecret, first, &old, b"newer")
                .await
                .unwrap()
        );
        let p = Progress {
            target_version: 2,
            column_name: SealedColumn::UserTotpSecret.name().into(),
            last_id: first,
            rows_resealed: 1,
            finished_at: None,
        };
        keyring::save_progress(&mut tx, &p).await.unwrap();
        let done = Progress {
            finished_at: Some(crate::now()),
            rows_resealed: 2,
            ..p.clone()
        };
        keyring::save_progress(&mut tx, &done).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            keyring::progress(&db, 2).await.unwrap(),
            vec![done],
            "{label}"
        );
        assert!(
            keyring::progress(&db, 3).await.unwrap().is_empty(),
            "{label}"
        );
        // Every sealed column's queries are valid on this backend.
        for c in SealedColumn::ALL {
            keyring::page(&db, c, uuid::Uuid::nil(), 1).await.unwrap();
        }
        assert!(
            crate::maintenance::holds_data(&db).await.unwrap(),
            "{label}"
        );
    })
    .await;
}
