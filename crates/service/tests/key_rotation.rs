//! Field-key rotation (SECURITY.md D3) on both databases: a demo province's every sealed
//! column (ID numbers, phones, second-factor secrets, employers' phones, bank accounts, bank
//! files) re-encrypted under a new key; the run interrupted part-way, everything still
//! readable, resumed by a fresh process from the key file; the old key retired afterwards.

use std::collections::BTreeMap;

use linghuo_service::demo::DemoOptions;
use linghuo_service::protect::{self, Keys};
use linghuo_service::{Clock, Config, Service};
use linghuo_storage::keyring::{self, SealedColumn};
use linghuo_storage::testing::each_backend;
use uuid::Uuid;

/// Every sealed value, opened, with the key version it is under.
async fn opened(svc: &Service) -> BTreeMap<(&'static str, Uuid), (Vec<u8>, u32)> {
    let mut out = BTreeMap::new();
    for c in SealedColumn::ALL {
        let mut after = Uuid::nil();
        loop {
            let rows = keyring::page(&svc.db, c, after, 1000).await.unwrap();
            let Some((last, _)) = rows.last() else { break };
            after = *last;
            for (id, sealed) in rows {
                let plain = svc
                    .keys
                    .open(&protect::context(c.context(), &id), &sealed)
                    .unwrap_or_else(|e| panic!("{} {id}: {e}", c.name()));
                out.insert(
                    (c.name(), id),
                    (plain.to_vec(), Keys::sealed_version(&sealed).unwrap()),
                );
            }
        }
    }
    out
}

/// A pending account change (the owner's phone, sealed until the code goes out) and an
/// enrolment in progress (its authenticator secret): the sealed columns of two-person
/// account administration, which the demo leaves empty.
async fn account_change_in_progress(svc: &Service) {
    use linghuo_storage::account_changes::{self, ChangeRow, EnrolmentRow};
    use linghuo_storage::users;
    let admin = users::by_username(&svc.db, "demo-sysadmin")
        .await
        .unwrap()
        .unwrap();
    let county = users::by_username(&svc.db, "demo-county")
        .await
        .unwrap()
        .unwrap();
    let change = Uuid::new_v4();
    let now = chrono::Utc::now();
    let mut tx = svc.db.begin().await.unwrap();
    account_changes::insert(
        &mut tx,
        &ChangeRow {
            id: change,
            kind: "reset_credentials".into(),
            target_username: county.username.clone(),
            target_user_id: Some(county.id),
            display_name: county.display_name.clone(),
            role: county.role.clone(),
            scope_code: None,
            permissions: String::new(),
            contact_phone: Some(svc.keys.seal(
                &protect::context("account_changes.contact_phone", &change),
                b"13912345678",
            )),
            reason: "手机丢失".into(),
            status: "pending".into(),
            proposed_by: admin.id,
            proposed_by_role: admin.role.clone(),
            proposed_at: now,
            decided_by: None,
            decided_at: None,
            decision_note: String::new(),
        },
    )
    .await
    .unwrap();
    account_changes::put_enrolment(
        &mut tx,
        &EnrolmentRow {
            user_id: county.id,
            code_hash: vec![0; 32],
            expires_at: now + chrono::Duration::hours(1),
            failures: 0,
            pending_totp: Some(svc.keys.seal(
                &protect::context("enrolments.pending_totp", &county.id),
                b"twenty byte secret..",
            )),
            created_at: now,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

fn versions(m: &BTreeMap<(&'static str, Uuid), (Vec<u8>, u32)>) -> BTreeMap<u32, usize> {
    let mut v = BTreeMap::new();
    for (_, ver) in m.values() {
        *v.entry(*ver).or_default() += 1;
    }
    v
}

#[tokio::test]
async fn rotation_reencrypts_every_sealed_column_and_resumes_after_an_interruption() {
    each_backend(|db, label| async move {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::default();
        config.server.data_dir = dir.path().join("data");
        config.audit.anchor_file = dir.path().join("anchors.log");
        let svc = Service::new(
            db.clone(),
            Keys::load_or_create(&config).unwrap(),
            config.clone(),
            Clock::system(),
        );
        svc.seed_demo(DemoOptions {
            workers: 120,
            jobs: 40,
            seed: 7,
        })
        .await
        .unwrap();
        svc.create_demo_accounts().await.unwrap();
        account_change_in_progress(&svc).await;
        let before = opened(&svc).await;
        for c in SealedColumn::ALL {
            assert!(
                before.keys().any(|(n, _)| *n == c.name()),
                "{label}: the demo fills {}",
                c.name()
            );
        }
        assert_eq!(
            versions(&before).keys().collect::<Vec<_>>(),
            vec![&1],
            "{label}"
        );

        // A new key, written to the key file before any value uses it.
        let mut keys = Keys::load_or_create(&config).unwrap();
        assert_eq!(keys.rotate_field_key(), 2);
        keys.write_file(&config.key_file()).unwrap();
        let svc = Service::new(db.clone(), keys, config.clone(), Clock::system());
        svc.record_key_rotation_started(1, 2).await.unwrap();

        // Interrupted after four pages of 25.
        let status = svc.reseal_all(25, Some(4)).await.unwrap();
        assert!(!status.finished, "{label}");
        let midway = opened(&svc).await;
        let v = versions(&midway);
        assert_eq!(v.get(&2), Some(&100), "{label}: {v:?}");
        assert!(v.get(&1).copied().unwrap_or(0) > 0, "{label}: {v:?}");
        // Nothing changed but the key it is under.
        for (k, (plain, _)) in &midway {
            assert_eq!(&before[k].0, plain, "{label}");
        }
        // Old keys cannot be retired yet.
        let left: i64 = svc
            .sealed_under_old_keys()
            .await
            .unwrap()
            .iter()
            .map(|r| r.values)
            .sum();
        assert_eq!(left as usize, before.len() - 100, "{label}");
        drop(svc);

        // A new process reads the key file and resumes where the last commit left off.
        let svc = Service::new(
            db.clone(),
            Keys::load_or_create(&config).unwrap(),
            config.clone(),
            Clock::system(),
        );
        assert_eq!(svc.keys.field_versions(), vec![1, 2], "{label}");
        let status = svc.reseal_all(25, None).await.unwrap();
        assert!(status.finished, "{label}: {status:?}");
        let resealed: i64 = status.columns.iter().map(|c| c.resealed).sum();
        assert_eq!(resealed as usize, before.len(), "{label}: each value once");
        let after = opened(&svc).await;
        assert_eq!(
            versions(&after),
            BTreeMap::from([(2, before.len())]),
            "{label}"
        );
        for (k, (plain, _)) in &after {
            assert_eq!(&before[k].0, plain, "{label}");
        }
        assert!(
            svc.sealed_under_old_keys()
                .await
                .unwrap()
                .iter()
                .all(|r| r.values == 0),
            "{label}"
        );
        // Running it again does nothing.
        let again = svc.reseal_all(25, None).await.unwrap();
        assert_eq!(again, status, "{label}");
        drop(svc);

        // Retire the old key: the file then holds version 2 only, and everything still opens.
        let mut keys = Keys::load_or_create(&config).unwrap();
        assert_eq!(keys.retire_old_field_keys(), vec![1]);
        keys.write_file(&config.key_file()).unwrap();
        let svc = Service::new(
            db.clone(),
            Keys::load_or_create(&config).unwrap(),
            config.clone(),
            Clock::system(),
        );
        svc.record_keys_retired(&[1]).await.unwrap();
        assert_eq!(svc.keys.field_versions(), vec![2], "{label}");
        assert_eq!(opened(&svc).await, after, "{label}");
        let report = svc.verify_audit().await.unwrap();
        assert_eq!(report.first_broken, None, "{label}: {report:?}");
        let recent = svc.db.clone();
        let n = linghuo_storage::audit::recent(&recent, Some("keys_resealed"), 1000)
            .await
            .unwrap()
            .len();
        assert!(n >= 4, "{label}: each page audited ({n})");
    })
    .await;
}
