//! Migration 0027_takeup_snapshots: one running run at a time, a dead run taken over, rows
//! written with the finish, read by region prefix, old runs pruned (the newest kept).

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use uuid::Uuid;

use crate::stats::takeup::{self as repo, SnapshotCell, SnapshotRow};
use crate::testing::each_backend;

fn run(at: chrono::DateTime<Utc>) -> SnapshotRow {
    SnapshotRow {
        id: Uuid::new_v4(),
        as_of: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        status: "running".into(),
        origin: "daily".into(),
        requested_by: None,
        started_at: at,
        heartbeat_at: at,
        finished_at: None,
        persons: 0,
        parameters_sha256: "p".into(),
        note: String::new(),
    }
}

fn cell(county: &str, benefit: &str, n: i64) -> SnapshotCell {
    SnapshotCell {
        county_code: county.into(),
        benefit: benefit.into(),
        eligible: n,
        eligible_fen: n * 100,
        paid: n / 2,
        paid_fen: n * 50,
    }
}

#[tokio::test]
async fn one_run_at_a_time_rows_by_region_and_pruning() {
    each_backend(|db, label| async move {
        let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap();
        let first = run(t0);
        let mut tx = db.begin().await.unwrap();
        assert!(
            repo::claim(&mut tx, &first, t0 - Duration::minutes(15))
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        // A second claim while the first is alive writes nothing.
        let second = run(t0 + Duration::minutes(1));
        let mut tx = db.begin().await.unwrap();
        assert!(
            !repo::claim(&mut tx, &second, t0 - Duration::minutes(14))
                .await
                .unwrap(),
            "{label}"
        );
        tx.commit().await.unwrap();
        assert!(repo::snapshot(&db, second.id).await.unwrap().is_none());
        // Twenty minutes without a heartbeat: the next claim marks it failed and runs.
        let third = run(t0 + Duration::minutes(20));
        let mut tx = db.begin().await.unwrap();
        assert!(
            repo::claim(&mut tx, &third, t0 + Duration::minutes(5))
                .await
                .unwrap(),
            "{label}"
        );
        tx.commit().await.unwrap();
        assert_eq!(
            repo::snapshot(&db, first.id).await.unwrap().unwrap().status,
            "failed"
        );
        // The dead run cannot finish any more.
        let mut tx = db.begin().await.unwrap();
        assert!(
            !repo::finish(&mut tx, first.id, &[], &[], "p", t0)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();

        repo::heartbeat(&db, third.id, 40, t0 + Duration::minutes(21))
            .await
            .unwrap();
        assert_eq!(
            repo::snapshot(&db, third.id)
                .await
                .unwrap()
                .unwrap()
                .persons,
            40
        );
        let counties = vec![
            ("140105".to_owned(), 30),
            ("140106".to_owned(), 20),
            ("140302".to_owned(), 5),
        ];
        let cells = vec![
            cell("140105", "social_insurance_subsidy", 10),
            cell("140105", "startup_subsidy", 4),
            cell("140106", "social_insurance_subsidy", 6),
            cell("140302", "social_insurance_subsidy", 2),
        ];
        let done_at = t0 + Duration::minutes(22);
        let mut tx = db.begin().await.unwrap();
        assert!(
            repo::finish(&mut tx, third.id, &counties, &cells, "q", done_at)
                .await
                .unwrap()
        );
        tx.commit().await.unwrap();
        let done = repo::latest_done(&db).await.unwrap().unwrap();
        assert_eq!(
            (done.id, done.persons, done.parameters_sha256.as_str()),
            (third.id, 55, "q"),
            "{label}"
        );
        assert_eq!(done.finished_at, Some(done_at));
        assert_eq!(
            repo::cells(&db, third.id, "1401").await.unwrap(),
            cells[..3].to_vec()
        );
        assert_eq!(
            repo::cells(&db, third.id, "140302").await.unwrap(),
            cells[3..].to_vec()
        );
        assert_eq!(
            repo::counties(&db, third.id, "140105").await.unwrap(),
            counties[..1].to_vec()
        );
        assert_eq!(repo::counties(&db, third.id, "").await.unwrap().len(), 3);

        // Pruning: everything older than the cut except the newest finished one.
        let mut tx = db.begin().await.unwrap();
        let gone = repo::prune(&mut tx, t0 + Duration::days(1)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            gone, 1,
            "the failed run goes, the newest finished one stays ({label})"
        );
        assert!(repo::snapshot(&db, first.id).await.unwrap().is_none());
        assert_eq!(repo::cells(&db, third.id, "").await.unwrap().len(), 4);
        // A newer finished snapshot makes the older one prunable, rows and all.
        let fourth = run(t0 + Duration::days(2));
        let mut tx = db.begin().await.unwrap();
        assert!(repo::claim(&mut tx, &fourth, t0).await.unwrap());
        assert!(
            repo::finish(
                &mut tx,
                fourth.id,
                &counties[..1],
                &cells[..1],
                "q",
                t0 + Duration::days(2)
            )
            .await
            .unwrap()
        );
        assert_eq!(
            repo::prune(&mut tx, t0 + Duration::days(1)).await.unwrap(),
            1
        );
        tx.commit().await.unwrap();
        assert!(
            repo::cells(&db, third.id, "").await.unwrap().is_empty(),
            "{label}"
        );
        assert_eq!(repo::latest(&db).await.unwrap().unwrap().id, fourth.id);
    })
    .await;
}
