//! Migration 0009_market_pay and the typed pay of job posts, on both databases.

use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::market::{self, EmployerRow, PostRow};
use crate::stats::{self, StatCell};
use crate::testing::{each_backend, each_backend_at};
use crate::{Db, on_pool};

/// The last migration before the pay model.
const BEFORE_PAY: i64 = 8;

fn employer() -> EmployerRow {
    let t = Utc.with_ymd_and_hms(2026, 3, 1, 2, 0, 0).unwrap();
    EmployerRow {
        id: Uuid::new_v4(),
        kind: "enterprise".into(),
        name: "小店区测试保洁有限公司".into(),
        uscc: Some("91140105MA0000000X".into()),
        holder_person_id: None,
        contact_name: "王经理".into(),
        contact_phone_cipher: None,
        county_code: "140105".into(),
        address: String::new(),
        verified: true,
        verified_by: None,
        verified_at: Some(t),
        created_at: t,
        updated_at: t,
        licence_no: None,
    }
}

/// Written with the columns `employers` had at migration 0008 (no `licence_no`, added by
/// 0018), so it also runs on a database migrated only that far.
async fn add_employer(db: &Db) -> Uuid {
    let e = employer();
    let mut tx = db.begin().await.unwrap();
    crate::on_tx!(&mut tx, |c| {
        sqlx::query(
            "INSERT INTO employers (id, kind, name, uscc, holder_person_id, contact_name, \
             contact_phone_cipher, county_code, address, verified, verified_by, verified_at, \
             created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)",
        )
        .bind(e.id)
        .bind(&e.kind)
        .bind(&e.name)
        .bind(&e.uscc)
        .bind(e.holder_person_id)
        .bind(&e.contact_name)
        .bind(&e.contact_phone_cipher)
        .bind(&e.county_code)
        .bind(&e.address)
        .bind(e.verified)
        .bind(e.verified_by)
        .bind(e.verified_at)
        .bind(e.created_at)
        .bind(e.updated_at)
        .execute(c)
        .await
        .map(|_| ())
    })
    .unwrap();
    tx.commit().await.unwrap();
    e.id
}

/// The cells of one metric, everywhere.
async fn cells(db: &Db, metric: &str) -> Vec<(i32, String, StatCell)> {
    let mut tx = db.begin().await.unwrap();
    let all = stats::all_cells(&mut tx).await.unwrap();
    tx.rollback().await.unwrap();
    all.into_iter()
        .filter(|(_, _, c)| c.metric == metric)
        .collect()
}

/// Every cell, and what `linghuo stats check` recomputes from the rows.
async fn cells_and_rebuild(
    db: &Db,
) -> (Vec<(i32, String, StatCell)>, Vec<(i32, String, StatCell)>) {
    let mut tx = db.begin().await.unwrap();
    let kept = stats::all_cells(&mut tx).await.unwrap();
    stats::rebuild_cells(&mut tx).await.unwrap();
    let rebuilt = stats::all_cells(&mut tx).await.unwrap();
    tx.rollback().await.unwrap();
    (kept, rebuilt)
}

/// A post as the 0008 schema stored it.
async fn insert_old_post(db: &Db, employer: Uuid, pay_fen: i64, pay_unit: &str) -> Uuid {
    let id = Uuid::new_v4();
    let t = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
    let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    on_pool!(db, |p| sqlx::query(
        "INSERT INTO job_posts (id, employer_id, title, description, occupation, form, county_code, lat, lon, \
         starts_on, schedule, pay_fen, pay_unit, headcount, status, expires_on, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)"
    )
    .bind(id)
    .bind(employer)
    .bind("保洁员")
    .bind("日常保洁")
    .bind("baojie.baojieyuan")
    .bind("gig")
    .bind("140105")
    .bind(37.8)
    .bind(112.5)
    .bind(d)
    .bind("周一至周五 08:00-12:00")
    .bind(pay_fen)
    .bind(pay_unit)
    .bind(1i64)
    .bind("live")
    .bind(d + chrono::Duration::days(30))
    .bind(t)
    .bind(t)
    .execute(p)
    .await
    .map(|_| ()))
    .unwrap();
    id
}

#[tokio::test]
async fn existing_posts_read_the_same_after_the_migration() {
    each_backend_at(Some(BEFORE_PAY), |db, label| async move {
        let employer = add_employer(&db).await;
        let old = [
            (2550, "hour", json!({"basis": "time", "unit": "hour", "min_fen": 2550}), "25.50元/小时", Some(2550), Some(20400)),
            (20000, "day", json!({"basis": "time", "unit": "day", "min_fen": 20000}), "200.00元/天", Some(2500), Some(20000)),
            (20003, "day", json!({"basis": "time", "unit": "day", "min_fen": 20003}), "200.03元/天", Some(2500), Some(20003)),
            (348000, "month", json!({"basis": "time", "unit": "month", "min_fen": 348000}), "3480.00元/月", Some(2000), Some(16000)),
            (500, "piece", json!({"basis": "piece", "unit": "件", "min_fen": 500}), "5.00元/件", None, None),
        ];
        let mut ids = Vec::new();
        for (fen, unit, ..) in &old {
            ids.push(insert_old_post(&db, employer, *fen, unit).await);
        }
        let hourly_before = cells(&db, "pay_hourly").await;
        let posts_before = cells(&db, "posts").await;
        assert!(!hourly_before.is_empty(), "{label}: 0008 counts hourly pay");

        db.migrate().await.unwrap();

        for (id, (fen, unit, pay, text, hour, day)) in ids.iter().zip(&old) {
            let row = market::post(&db, *id).await.unwrap().unwrap();
            assert_eq!(row.pay_fen, Some(*fen), "{label}");
            assert_eq!(row.pay_unit.as_deref(), Some(*unit), "{label}");
            assert_eq!(
                serde_json::from_str::<Value>(&row.pay).unwrap(),
                *pay,
                "{label}: {}",
                row.pay
            );
            assert_eq!(row.pay_text, *text, "{label}");
            assert_eq!((row.pay_hour_fen, row.pay_day_fen), (*hour, *day), "{label} {unit}");
        }
        // The statistics say what they said, and what a recount from the rows says.
        assert_eq!(cells(&db, "pay_hourly").await, hourly_before, "{label}");
        assert_eq!(cells(&db, "posts").await, posts_before, "{label}");
        let (kept, rebuilt) = cells_and_rebuild(&db).await;
        assert_eq!(kept, rebuilt, "{label}: stats check after the migration");

        // The rebuilt table keeps its indexes and triggers.
        let indexes: Vec<String> = match &db {
            Db::Sqlite(p) => sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'job_posts' AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .fetch_all(p)
            .await
            .unwrap(),
            Db::Postgres(p) => sqlx::query_scalar(
                "SELECT indexname::TEXT FROM pg_indexes WHERE tablename = 'job_posts' AND indexname LIKE 'job_posts_%' AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key' ORDER BY indexname",
            )
            .fetch_all(p)
            .await
            .unwrap(),
        };
        assert_eq!(
            indexes,
            vec!["job_posts_employer", "job_posts_status", "job_posts_status_county"],
            "{label}"
        );
        // Triggers: a new post counts at once; closing one moves the live count.
        let live_before: i64 = cells(&db, "live_posts").await.iter().map(|(_, _, c)| c.n).sum();
        let mut tx = db.begin().await.unwrap();
        let t = Utc::now();
        let mut row = new_post(employer, r#"{"basis":"piece","unit":"袋","min_fen":200,"typical_daily_fen":20000}"#);
        row.pay_fen = Some(200);
        row.pay_unit = Some("piece".into());
        row.pay_hour_fen = Some(2500);
        row.pay_day_fen = Some(20000);
        market::insert_post(&mut tx, &row).await.unwrap();
        market::set_post_status(&mut tx, ids[0], "live", "closed", None, t).await.unwrap();
        tx.commit().await.unwrap();
        let live_after: i64 = cells(&db, "live_posts").await.iter().map(|(_, _, c)| c.n).sum();
        // One more live post, one fewer, at each of county, city and province.
        assert_eq!(live_after, live_before, "{label}");
        let (kept, rebuilt) = cells_and_rebuild(&db).await;
        assert_eq!(kept, rebuilt, "{label}: the triggers agree with a recount");
        // Foreign keys still point at the table.
        let dangling: i64 = match &db {
            Db::Sqlite(p) => sqlx::query_scalar("SELECT count(*) FROM pragma_foreign_key_check")
                .fetch_one(p)
                .await
                .unwrap(),
            Db::Postgres(_) => 0,
        };
        assert_eq!(dangling, 0);
    })
    .await;
}

fn new_post(employer: Uuid, pay: &str) -> PostRow {
    let t = crate::now();
    let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    PostRow {
        id: Uuid::new_v4(),
        employer_id: employer,
        external_id: None,
        title: "分拣员".into(),
        description: "快递分拣".into(),
        occupation: "banyun.fenjian".into(),
        form: "gig".into(),
        county_code: "140105".into(),
        address: String::new(),
        lat: 37.8,
        lon: 112.5,
        remote: false,
        starts_on: d,
        ends_on: None,
        schedule: String::new(),
        hours_per_week: None,
        pay_fen: None,
        pay_unit: None,
        pay: pay.into(),
        pay_text: String::new(),
        pay_hour_fen: None,
        pay_day_fen: None,
        trade_text: None,
        headcount: 2,
        hired_count: 0,
        required_certificates: "[]".into(),
        skills: "[]".into(),
        accident_cover: false,
        status: crate::status::PostStatus::Live,
        screening: "[]".into(),
        expires_on: d + chrono::Duration::days(30),
        posted_by: None,
        reviewed_by: None,
        created_at: t,
        updated_at: t,
    }
}

/// (pay JSON, text, amount, unit, hourly, daily)
type Kind = (
    &'static str,
    &'static str,
    Option<i64>,
    Option<&'static str>,
    Option<i64>,
    Option<i64>,
);

#[tokio::test]
async fn posts_store_every_kind_of_pay() {
    each_backend(|db, label| async move {
        let employer = add_employer(&db).await;
        let kinds: [Kind; 8] = [
            (r#"{"basis":"none"}"#, "面议", None, None, None, None),
            (
                r#"{"basis":"piece","unit":"单"}"#,
                "按单结算",
                None,
                Some("piece"),
                None,
                None,
            ),
            (
                r#"{"basis":"piece","unit":"平方米","min_fen":4500}"#,
                "45元/平方米",
                Some(4500),
                Some("piece"),
                None,
                None,
            ),
            (
                r#"{"basis":"time","unit":"half_day","min_fen":12000}"#,
                "120元/半天",
                Some(12000),
                Some("half_day"),
                Some(3000),
                Some(12000),
            ),
            (
                r#"{"basis":"time","unit":"shift","min_fen":20000}"#,
                "200元/晚",
                Some(20000),
                Some("shift"),
                Some(2500),
                Some(20000),
            ),
            (
                r#"{"basis":"time","unit":"days","days":26,"min_fen":880000}"#,
                "8800元/26天",
                Some(880_000),
                Some("days"),
                Some(4231),
                Some(33846),
            ),
            (
                r#"{"basis":"time","unit":"week","min_fen":150000}"#,
                "1500元/周",
                Some(150_000),
                Some("week"),
                Some(3750),
                Some(30000),
            ),
            (
                r#"{"basis":"time","unit":"month","min_fen":300000,"commission":true}"#,
                "3000元/月+提成",
                Some(300_000),
                Some("month"),
                Some(1724),
                Some(13793),
            ),
        ];
        let mut tx = db.begin().await.unwrap();
        let mut ids = Vec::new();
        for (pay, text, fen, unit, hour, day) in &kinds {
            let mut row = new_post(employer, pay);
            row.pay_text = (*text).into();
            row.pay_fen = *fen;
            row.pay_unit = unit.map(str::to_owned);
            row.pay_hour_fen = *hour;
            row.pay_day_fen = *day;
            market::insert_post(&mut tx, &row).await.unwrap();
            ids.push(row.id);
        }
        tx.commit().await.unwrap();
        for (id, (pay, text, fen, unit, hour, day)) in ids.iter().zip(&kinds) {
            let row = market::post(&db, *id).await.unwrap().unwrap();
            assert_eq!(row.pay, *pay, "{label}");
            assert_eq!(row.pay_text, *text, "{label}");
            assert_eq!(row.pay_fen, *fen, "{label}");
            assert_eq!(row.pay_unit.as_deref(), *unit, "{label}");
            assert_eq!(
                (row.pay_hour_fen, row.pay_day_fen),
                (*hour, *day),
                "{label}"
            );
        }
        // Only posts with an estimate count in the hourly pay, each at its yuan.
        let province: Vec<(String, i64)> = cells(&db, "pay_hourly")
            .await
            .into_iter()
            .filter(|(_, region, _)| region == "140000")
            .map(|(_, _, c)| (c.k2, c.n))
            .collect();
        let mut want = vec![
            ("17".to_string(), 1),
            ("25".to_string(), 1),
            ("30".to_string(), 1),
            ("38".to_string(), 1),
            ("42".to_string(), 1),
        ];
        want.sort();
        let mut got = province;
        got.sort();
        assert_eq!(got, want, "{label}");
        let (kept, rebuilt) = cells_and_rebuild(&db).await;
        assert_eq!(kept, rebuilt, "{label}");
        // The database refuses what the model refuses.
        let mut bad = new_post(employer, r#"{"basis":"none"}"#);
        bad.pay_unit = Some("fortnight".into());
        let mut tx = db.begin().await.unwrap();
        assert!(market::insert_post(&mut tx, &bad).await.is_err(), "{label}");
        drop(tx);
        let mut bad = new_post(employer, r#"{"basis":"none"}"#);
        bad.pay_fen = Some(0);
        let mut tx = db.begin().await.unwrap();
        assert!(market::insert_post(&mut tx, &bad).await.is_err(), "{label}");
    })
    .await;
}
