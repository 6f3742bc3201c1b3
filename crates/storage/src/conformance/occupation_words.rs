//! Migration 0010_occupation_words: suggestions counted per (words, county), listed by
//! region, decided once; merged words read back as learned synonyms.

use chrono::{Duration, TimeZone, Utc};
use uuid::Uuid;

use crate::occupation_words::{self as repo, Decision, Sighting};
use crate::testing::each_backend;

#[tokio::test]
async fn sightings_count_per_county_and_decide_once() {
    each_backend(|db, label| async move {
        let t0 = Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap();
        let see = |words: &'static str, county: &'static str, at| Sighting {
            words,
            county_code: county,
            guess_code: "zhizao.shougongyi",
            guess_how: "closest",
            source: "import",
            at,
        };
        let mut tx = db.begin().await.unwrap();
        for (w, c, minutes) in [
            ("锔瓷匠", "140105", 5),
            ("锔瓷匠", "140105", 0),
            ("锔瓷匠", "140105", 2),
            ("锔瓷匠", "140106", 1),
            ("面人匠", "140105", 2),
            ("锔瓷匠", "140212", 3),
        ] {
            repo::record_sighting(&mut tx, &see(w, c, t0 + Duration::minutes(minutes)))
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();

        let county = repo::words_in_region(&db, "140105", "", "", 100)
            .await
            .unwrap();
        let got: Vec<(&str, i64)> = county
            .iter()
            .map(|r| (r.words.as_str(), r.seen_count))
            .collect();
        assert_eq!(got, [("锔瓷匠", 3), ("面人匠", 1)], "{label}");
        // Out of order: the earliest and the latest.
        assert_eq!(county[0].first_seen_at, t0, "{label}");
        assert_eq!(county[0].last_seen_at, t0 + Duration::minutes(5), "{label}");
        assert_eq!(
            repo::words_in_region(&db, "1401", "", "", 100)
                .await
                .unwrap()
                .len(),
            3
        );
        assert_eq!(
            repo::words_in_region(&db, "14", "", "", 100)
                .await
                .unwrap()
                .len(),
            4
        );
        assert_eq!(
            repo::words_in_region(&db, "14", "", "140212", 100)
                .await
                .unwrap()
                .len(),
            1
        );

        let id = county[0].id;
        let by = Uuid::new_v4();
        let d = Decision {
            status: "merged",
            decided_code: Some("zhizao.shougongyi"),
            proposed_name: None,
            note: "传统手艺",
            by,
            by_name: "张经办",
            at: t0 + Duration::hours(1),
        };
        let mut tx = db.begin().await.unwrap();
        assert!(repo::decide(&mut tx, id, &d).await.unwrap(), "{label}");
        assert!(
            !repo::decide(&mut tx, id, &d).await.unwrap(),
            "decided once: {label}"
        );
        tx.commit().await.unwrap();
        let row = repo::word(&db, id).await.unwrap().unwrap();
        assert_eq!(
            (row.status.as_str(), row.decided_by),
            ("merged", Some(by)),
            "{label}"
        );
        assert_eq!(row.decided_at, Some(t0 + Duration::hours(1)), "{label}");
        assert_eq!(
            repo::words_in_region(&db, "14", "pending", "", 100)
                .await
                .unwrap()
                .len(),
            3,
            "{label}"
        );
        assert_eq!(
            repo::merged_words(&db).await.unwrap(),
            [("锔瓷匠".to_owned(), "zhizao.shougongyi".to_owned())],
            "{label}"
        );
    })
    .await;
}
