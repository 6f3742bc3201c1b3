//! The money guards that live in the schema (SECURITY.md §3.2), exercised through the storage
//! calls the service uses, on both databases: ledger transfers are appended once per
//! idempotency key and never changed or removed; caps refuse use past them and are never
//! lowered; an exclusive claim and a second application for the same benefit and period are
//! refused; payment instructions are made once per key; an idempotency key gives back the
//! first request it was claimed with, whatever the second one carries.

use uuid::Uuid;

use super::person;
use crate::benefits::{self, ApplicationRow, InstructionRow, TransferRow};
use crate::status::{ApplicationStatus, InstructionStatus};
use crate::testing::each_backend;
use crate::{Db, StorageError, now, on_pool, persons};

/// A person of 小店区 (`index` keeps the sealed ID unique) and an approved application of
/// theirs for `benefit` in `period`.
async fn applicant(db: &Db, index: u8, benefit: &str, period: &str) -> ApplicationRow {
    let p = person("140105", index);
    let a = application(p.id, benefit, period);
    let mut tx = db.begin().await.unwrap();
    persons::insert(&mut tx, &p).await.unwrap();
    benefits::insert_application(&mut tx, &a).await.unwrap();
    tx.commit().await.unwrap();
    a
}

fn application(person_id: Uuid, benefit: &str, period: &str) -> ApplicationRow {
    let t = now();
    ApplicationRow {
        id: Uuid::new_v4(),
        person_id,
        county_code: "140105".into(),
        benefit: benefit.into(),
        period: period.into(),
        status: ApplicationStatus::Approved,
        route: "automatic".into(),
        as_of: t.date_naive(),
        facts_json: "{}".into(),
        facts_sha256: "0".repeat(64),
        determination_json: "{}".into(),
        receipt_json: "{}".into(),
        eligible: true,
        amount_fen: 500_000,
        units: 0,
        unverified: "[]".into(),
        applied_by: None,
        on_behalf: false,
        consent_note: String::new(),
        review_outcome: None,
        review_note: String::new(),
        reviewed_by: None,
        reviewed_at: None,
        decided_by: None,
        decided_at: Some(t),
        decision_note: String::new(),
        created_at: t,
        updated_at: t,
    }
}

fn transfer(a: &ApplicationRow, key: &str, kind: &str, amount_fen: i64) -> TransferRow {
    let (debit, credit) = match kind {
        "payment" => ("payable:140105", "bank:140105"),
        _ => ("budget:140105", "payable:140105"),
    };
    TransferRow {
        id: Uuid::new_v4(),
        idempotency_key: key.into(),
        kind: kind.into(),
        debit_account: debit.into(),
        credit_account: credit.into(),
        amount_fen,
        application_id: Some(a.id),
        person_id: Some(a.person_id),
        county_code: "140105".into(),
        benefit: a.benefit.clone(),
        memo: String::new(),
        created_by: None,
        created_at: now(),
    }
}

fn is_conflict<T: std::fmt::Debug>(r: &Result<T, StorageError>) -> bool {
    matches!(r, Err(StorageError::Conflict { .. }))
}

/// Runs one statement outside the storage calls (as a careless or hostile query would).
async fn execute(db: &Db, sql: &'static str) -> Result<u64, String> {
    on_pool!(db, |p| sqlx::query(sql)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        .map_err(|e| e.to_string()))
}

#[tokio::test]
async fn a_transfer_is_appended_once_per_key_and_never_changed() {
    each_backend(|db, label| async move {
        let a = applicant(&db, 70, "startup_subsidy", "2026").await;
        let grant = transfer(&a, &format!("grant:{}", a.id), "grant", 500_000);
        let mut tx = db.begin().await.unwrap();
        assert!(
            benefits::insert_transfer(&mut tx, &grant).await.unwrap(),
            "{label}: appended"
        );
        // The same key again (a retried request, another id and amount): nothing appended.
        let mut again = transfer(&a, &grant.idempotency_key, "grant", 1);
        again.id = Uuid::new_v4();
        assert!(
            !benefits::insert_transfer(&mut tx, &again).await.unwrap(),
            "{label}: replayed"
        );
        let pay = transfer(&a, &format!("payment:{}", a.id), "payment", 500_000);
        assert!(
            benefits::insert_transfer(&mut tx, &pay).await.unwrap(),
            "{label}"
        );
        tx.commit().await.unwrap();

        let rows = benefits::transfers_of_application(&db, a.id).await.unwrap();
        assert_eq!(rows.len(), 2, "{label}");
        assert_eq!(
            (rows[0].id, rows[0].amount_fen),
            (grant.id, 500_000),
            "{label}: first kept"
        );
        assert_eq!(rows[1].kind, "payment", "{label}: in the order appended");
        assert_eq!(
            benefits::granted_and_paid(&db, a.person_id, "startup_subsidy")
                .await
                .unwrap(),
            (500_000, 500_000),
            "{label}"
        );

        // Appended, never updated or deleted: the schema refuses both, whoever asks.
        for sql in [
            "UPDATE ledger_transfers SET amount_fen = amount_fen + 1",
            "UPDATE ledger_transfers SET memo = 'corrected'",
            "DELETE FROM ledger_transfers",
        ] {
            let e = execute(&db, sql).await.expect_err(sql);
            assert!(e.contains("append-only"), "{label}: {sql}: {e}");
        }
        let after = benefits::transfers_of_application(&db, a.id).await.unwrap();
        assert_eq!(after.len(), 2, "{label}");
        assert_eq!(
            (after[0].amount_fen, after[0].memo.as_str()),
            (500_000, ""),
            "{label}: unchanged"
        );
        // A correction is a new transfer: a recovery appended beside the grant.
        let mut tx = db.begin().await.unwrap();
        let recovery = transfer(&a, &format!("recovery:{}", a.id), "recovery", 100_000);
        assert!(
            benefits::insert_transfer(&mut tx, &recovery).await.unwrap(),
            "{label}"
        );
        tx.commit().await.unwrap();
        assert_eq!(
            benefits::granted_and_paid(&db, a.person_id, "startup_subsidy")
                .await
                .unwrap(),
            (400_000, 500_000),
            "{label}"
        );

        // Transfers that cannot be money: nothing, or an account paying itself.
        for bad in [
            TransferRow {
                amount_fen: 0,
                ..transfer(&a, "bad:zero", "grant", 1)
            },
            TransferRow {
                amount_fen: -5,
                ..transfer(&a, "bad:negative", "grant", 1)
            },
            TransferRow {
                credit_account: "budget:140105".into(),
                ..transfer(&a, "bad:self", "grant", 1)
            },
            TransferRow {
                kind: "gift".into(),
                ..transfer(&a, "bad:kind", "grant", 1)
            },
        ] {
            let mut tx = db.begin().await.unwrap();
            let r = benefits::insert_transfer(&mut tx, &bad).await;
            assert!(is_conflict(&r), "{label}: {}: {r:?}", bad.idempotency_key);
            tx.rollback().await.unwrap();
        }
        assert_eq!(
            benefits::transfers_of_application(&db, a.id)
                .await
                .unwrap()
                .len(),
            3
        );
    })
    .await;
}

#[tokio::test]
async fn a_cap_refuses_use_past_it_and_is_never_lowered() {
    each_backend(|db, label| async move {
        let key = "social_insurance_subsidy:person-1:months";
        let mut tx = db.begin().await.unwrap();
        benefits::ensure_cap(&mut tx, key, 3).await.unwrap();
        benefits::use_cap(&mut tx, key, 2).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            benefits::cap_used(&db, key).await.unwrap(),
            Some((3, 2)),
            "{label}"
        );

        // Two more would pass the cap: refused, and the transaction changes nothing.
        let mut tx = db.begin().await.unwrap();
        let r = benefits::use_cap(&mut tx, key, 2).await;
        assert!(is_conflict(&r), "{label}: {r:?}");
        tx.rollback().await.unwrap();
        assert_eq!(
            benefits::cap_used(&db, key).await.unwrap(),
            Some((3, 2)),
            "{label}"
        );
        // Nor can use go below nothing.
        let mut tx = db.begin().await.unwrap();
        let r = benefits::use_cap(&mut tx, key, -3).await;
        assert!(is_conflict(&r), "{label}: {r:?}");
        tx.rollback().await.unwrap();

        // A later, lower cap leaves it; a higher one raises it, and the rest may be used.
        let mut tx = db.begin().await.unwrap();
        benefits::ensure_cap(&mut tx, key, 1).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            benefits::cap_used(&db, key).await.unwrap(),
            Some((3, 2)),
            "{label}"
        );
        let mut tx = db.begin().await.unwrap();
        benefits::ensure_cap(&mut tx, key, 5).await.unwrap();
        benefits::use_cap(&mut tx, key, 3).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            benefits::cap_used(&db, key).await.unwrap(),
            Some((5, 5)),
            "{label}"
        );
        let mut tx = db.begin().await.unwrap();
        let r = benefits::use_cap(&mut tx, key, 1).await;
        assert!(is_conflict(&r), "{label}: a full cap: {r:?}");
        tx.rollback().await.unwrap();
        assert_eq!(benefits::cap_used(&db, "no such cap").await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn an_exclusive_claim_and_a_second_application_are_refused() {
    each_backend(|db, label| async move {
        let a = applicant(&db, 71, "startup_subsidy", "2026").await;
        let b = applicant(&db, 72, "startup_subsidy", "2026").await;
        let key = "startup_subsidy:business:92140105MA0L00001X";
        let mut tx = db.begin().await.unwrap();
        benefits::insert_claim(&mut tx, key, a.id, now())
            .await
            .unwrap();
        benefits::insert_claim(&mut tx, "startup_subsidy:person:2026-01", a.id, now())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // The same business claimed for another person's application: refused.
        let mut tx = db.begin().await.unwrap();
        let r = benefits::insert_claim(&mut tx, key, b.id, now()).await;
        assert!(is_conflict(&r), "{label}: {r:?}");
        tx.rollback().await.unwrap();
        // And again by the first application (a retry): refused as well.
        let mut tx = db.begin().await.unwrap();
        let r = benefits::insert_claim(&mut tx, key, a.id, now()).await;
        assert!(is_conflict(&r), "{label}: {r:?}");
        tx.rollback().await.unwrap();
        // A claim must belong to an application that exists.
        let mut tx = db.begin().await.unwrap();
        let r =
            benefits::insert_claim(&mut tx, "startup_subsidy:orphan", Uuid::new_v4(), now()).await;
        assert!(is_conflict(&r), "{label}: {r:?}");
        tx.rollback().await.unwrap();
        assert_eq!(
            benefits::claims_with_prefix(&db, "startup_subsidy:")
                .await
                .unwrap(),
            vec![key.to_owned(), "startup_subsidy:person:2026-01".to_owned()],
            "{label}"
        );

        // One application per person, benefit and period; another period is another.
        let mut tx = db.begin().await.unwrap();
        let r = benefits::insert_application(
            &mut tx,
            &application(a.person_id, "startup_subsidy", "2026"),
        )
        .await;
        assert!(is_conflict(&r), "{label}: {r:?}");
        tx.rollback().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        benefits::insert_application(
            &mut tx,
            &application(a.person_id, "startup_subsidy", "2027"),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            benefits::applications_of(&db, a.person_id)
                .await
                .unwrap()
                .len(),
            2
        );
    })
    .await;
}

#[tokio::test]
async fn a_payment_instruction_is_made_once_per_key() {
    each_backend(|db, label| async move {
        let a = applicant(&db, 73, "startup_subsidy", "2026").await;
        let t = now();
        let instruction = |reference: &str| InstructionRow {
            id: Uuid::new_v4(),
            reference: reference.into(),
            idempotency_key: format!("instruction:{}:1", a.id),
            application_id: Some(a.id),
            instalment: 1,
            person_id: a.person_id,
            county_code: "140105".into(),
            benefit: a.benefit.clone(),
            amount_fen: 500_000,
            status: InstructionStatus::Pending,
            batch_id: None,
            bank_reference: String::new(),
            failure_reason: String::new(),
            created_at: t,
            updated_at: t,
        };
        let first = instruction("LH2026000001");
        let mut tx = db.begin().await.unwrap();
        assert!(
            benefits::insert_instruction(&mut tx, &first).await.unwrap(),
            "{label}"
        );
        assert!(
            !benefits::insert_instruction(&mut tx, &instruction("LH2026000002"))
                .await
                .unwrap(),
            "{label}: the same key again makes nothing"
        );
        tx.commit().await.unwrap();
        let made = benefits::instructions_of_application(&db, a.id)
            .await
            .unwrap();
        assert_eq!(made.len(), 1, "{label}");
        assert_eq!(
            (made[0].id, made[0].reference.as_str()),
            (first.id, "LH2026000001")
        );
    })
    .await;
}

#[tokio::test]
async fn an_idempotency_key_gives_back_the_first_request_and_its_answer() {
    each_backend(|db, label| async move {
        let principal = Uuid::new_v4();
        let at = now();
        let mut tx = db.begin().await.unwrap();
        let first = benefits::claim_idempotency_key(&mut tx, principal, "k-1", "hash-a", at).await;
        assert_eq!(first.unwrap(), None, "{label}: a new key is claimed");
        benefits::store_idempotent_response(&mut tx, principal, "k-1", 201, "{\"id\":1}")
            .await
            .unwrap();
        tx.commit().await.unwrap();

        // The same key and body: the stored answer, to be replayed.
        let mut tx = db.begin().await.unwrap();
        let same = benefits::claim_idempotency_key(&mut tx, principal, "k-1", "hash-a", at).await;
        assert_eq!(
            same.unwrap(),
            Some((
                "hash-a".to_owned(),
                Some(201),
                Some("{\"id\":1}".to_owned())
            )),
            "{label}"
        );
        // The same key with another body: the first request's hash comes back (so the
        // caller refuses), and the stored request is not overwritten.
        let other = benefits::claim_idempotency_key(&mut tx, principal, "k-1", "hash-b", at).await;
        assert_eq!(
            other.unwrap(),
            Some((
                "hash-a".to_owned(),
                Some(201),
                Some("{\"id\":1}".to_owned())
            )),
            "{label}"
        );
        tx.commit().await.unwrap();

        // Keys belong to their principal: another's same key is new.
        let mut tx = db.begin().await.unwrap();
        let theirs =
            benefits::claim_idempotency_key(&mut tx, Uuid::new_v4(), "k-1", "hash-b", at).await;
        assert_eq!(theirs.unwrap(), None, "{label}");
        tx.commit().await.unwrap();

        // A claim whose transaction rolled back leaves the key free; one committed without
        // an answer yet reads as in flight.
        let mut tx = db.begin().await.unwrap();
        let r = benefits::claim_idempotency_key(&mut tx, principal, "k-2", "hash-c", at).await;
        assert_eq!(r.unwrap(), None, "{label}");
        tx.rollback().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        let r = benefits::claim_idempotency_key(&mut tx, principal, "k-2", "hash-d", at).await;
        assert_eq!(r.unwrap(), None, "{label}: free again after the rollback");
        tx.commit().await.unwrap();
        let mut tx = db.begin().await.unwrap();
        let r = benefits::claim_idempotency_key(&mut tx, principal, "k-2", "hash-d", at).await;
        assert_eq!(
            r.unwrap(),
            Some(("hash-d".to_owned(), None, None)),
            "{label}: in flight"
        );
        tx.commit().await.unwrap();
    })
    .await;
}
