//! Every figure of the statistics (gig market, registrations, the benefit funnel, complaints,
//! training and events, outcomes of older and 困难 workers) against the same figures computed
//! here, independently, from the raw rows of a seeded demo province — for the province, a
//! city and a county — and the pre-aggregated cells against a rebuild from the rows, before
//! and after the rows change; a tampered cell is found and repaired.

use std::collections::{BTreeMap, HashSet};

use crate::common::*;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use linghuo_service::demo::DemoOptions;
use linghuo_storage::{Db, on_pool};
use serde_json::Value;
use uuid::Uuid;

fn cst(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    (t + Duration::hours(8)).naive_utc()
}
fn year_of(t: DateTime<Utc>) -> i32 {
    cst(t).year()
}
fn month_of(t: DateTime<Utc>) -> String {
    cst(t).format("%Y-%m").to_string()
}
/// Tenths of a day between two instants, rounded half up on the millisecond.
fn tenths(a: DateTime<Utc>, b: DateTime<Utc>) -> i64 {
    let us = (b - a).num_microseconds().unwrap();
    let ms = (us as f64 / 1000.0).round() as i64;
    (ms + 4_320_000) / 8_640_000
}
fn median(mut v: Vec<i64>) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_unstable();
    let m = v.len() / 2;
    Some(if v.len() % 2 == 1 {
        v[m] as f64
    } else {
        (v[m - 1] + v[m]) as f64 / 2.0
    })
}
fn days(t: Option<f64>) -> Value {
    t.map_or(Value::Null, |t| serde_json::json!((t).round() / 10.0))
}
fn yuan(fen: i64) -> String {
    format!("{}.{:02}", fen / 100, fen % 100)
}

#[derive(sqlx::FromRow)]
struct Post {
    county_code: String,
    occupation: String,
    form: String,
    status: String,
    /// The estimated pay per hour (migration 0009); none for pay without an estimate.
    pay_hour_fen: Option<i64>,
    created_at: DateTime<Utc>,
}
#[derive(sqlx::FromRow)]
struct Hire {
    person_id: Uuid,
    county_code: String,
    form: String,
    occupation: String,
    birth_year: i64,
    hard: i64,
    posted_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
}
#[derive(sqlx::FromRow)]
struct Unconfirmed {
    county_code: String,
    due_on: NaiveDate,
}
#[derive(sqlx::FromRow)]
struct Registration {
    county_code: String,
    kind: String,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
}
#[derive(sqlx::FromRow)]
struct Seen {
    county_code: String,
    benefit: String,
    amount_fen: i64,
    seen_at: DateTime<Utc>,
    notified_at: Option<DateTime<Utc>>,
}
#[derive(sqlx::FromRow)]
struct Application {
    county_code: String,
    benefit: String,
    status: String,
    amount_fen: i64,
    created_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
}
#[derive(sqlx::FromRow)]
struct Paid {
    county_code: String,
    benefit: String,
    amount_fen: i64,
    since: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}
#[derive(sqlx::FromRow)]
struct Complaint {
    county_code: String,
    category: String,
    created_at: DateTime<Utc>,
    resolved_at: Option<DateTime<Utc>>,
}
#[derive(sqlx::FromRow)]
struct Enrolment {
    county_code: String,
    kind: String,
    status: String,
    created_at: DateTime<Utc>,
    completed_on: Option<NaiveDate>,
}
#[derive(sqlx::FromRow)]
struct EventReg {
    county_code: String,
    created_at: DateTime<Utc>,
    checked_in_at: Option<DateTime<Utc>>,
    hires: i64,
    outcome_at: Option<DateTime<Utc>>,
}

struct Raw {
    posts: Vec<Post>,
    hires: Vec<Hire>,
    unconfirmed: Vec<Unconfirmed>,
    registrations: Vec<Registration>,
    seen: Vec<Seen>,
    applications: Vec<Application>,
    paid: Vec<Paid>,
    complaints: Vec<Complaint>,
    enrolments: Vec<Enrolment>,
    events: Vec<EventReg>,
}

async fn raw(db: &Db) -> Raw {
    macro_rules! rows {
        ($t:ty, $sql:expr) => {
            on_pool!(db, |p| sqlx::query_as::<_, $t>($sql).fetch_all(p).await).unwrap()
        };
    }
    Raw {
        posts: rows!(
            Post,
            "SELECT county_code, occupation, form, status, pay_hour_fen, created_at FROM job_posts"
        ),
        hires: rows!(
            Hire,
            "SELECT h.person_id, h.county_code, h.form, p.occupation, s.birth_year, \
             (SELECT COUNT(*) FROM person_groups g WHERE g.person_id = h.person_id AND g.group_code = 'hard_to_employ') AS hard, \
             p.created_at AS posted_at, h.created_at FROM hires h JOIN job_posts p ON p.id = h.post_id JOIN persons s ON s.id = h.person_id"
        ),
        unconfirmed: rows!(
            Unconfirmed,
            "SELECT h.county_code, r.due_on FROM pay_records r JOIN hires h ON h.id = r.hire_id WHERE r.worker_confirmed_at IS NULL"
        ),
        registrations: rows!(
            Registration,
            "SELECT county_code, kind, started_on, ended_on FROM registrations"
        ),
        seen: rows!(
            Seen,
            "SELECT p.jurisdiction_code AS county_code, e.benefit, e.amount_fen, e.seen_at, e.notified_at \
             FROM eligibility_seen e JOIN persons p ON p.id = e.person_id"
        ),
        applications: rows!(
            Application,
            "SELECT county_code, benefit, status, amount_fen, created_at, decided_at FROM benefit_applications"
        ),
        paid: rows!(
            Paid,
            "SELECT i.county_code, i.benefit, i.amount_fen, COALESCE(a.created_at, i.created_at) AS since, i.updated_at \
             FROM payment_instructions i LEFT JOIN benefit_applications a ON a.id = i.application_id WHERE i.status = 'paid'"
        ),
        complaints: rows!(
            Complaint,
            "SELECT county_code, category, created_at, resolved_at FROM complaints"
        ),
        enrolments: rows!(
            Enrolment,
            "SELECT c.county_code, c.kind, e.status, e.created_at, e.completed_on FROM training_enrolments e \
             JOIN training_courses c ON c.id = e.course_id"
        ),
        events: rows!(
            EventReg,
            "SELECT e.county_code, r.created_at, r.checked_in_at, r.hires, r.outcome_at FROM event_registrations r \
             JOIN recruitment_events e ON e.id = r.event_id"
        ),
    }
}

/// The figures of one region's row (total or child) computed from the raw rows.
fn region_row(raw: &Raw, prefix: &str, year: i32, today: NaiveDate) -> BTreeMap<&'static str, i64> {
    let inr = |c: &str| c.starts_with(prefix);
    let mut m = BTreeMap::new();
    m.insert(
        "posts",
        raw.posts
            .iter()
            .filter(|p| inr(&p.county_code) && year_of(p.created_at) == year)
            .count() as i64,
    );
    m.insert(
        "live_posts",
        raw.posts
            .iter()
            .filter(|p| inr(&p.county_code) && year_of(p.created_at) == year && p.status == "live")
            .count() as i64,
    );
    let hires: Vec<&Hire> = raw
        .hires
        .iter()
        .filter(|h| inr(&h.county_code) && year_of(h.created_at) == year)
        .collect();
    m.insert("hires", hires.len() as i64);
    m.insert(
        "people_employed",
        hires
            .iter()
            .map(|h| h.person_id)
            .collect::<HashSet<_>>()
            .len() as i64,
    );
    m.insert(
        "overdue_pay",
        raw.unconfirmed
            .iter()
            .filter(|u| inr(&u.county_code) && u.due_on < today)
            .count() as i64,
    );
    m.insert(
        "registrations",
        raw.registrations
            .iter()
            .filter(|r| inr(&r.county_code) && r.started_on.year() == year)
            .count() as i64,
    );
    m.insert(
        "benefits_granted",
        raw.applications
            .iter()
            .filter(|a| {
                inr(&a.county_code)
                    && a.status == "approved"
                    && a.decided_at.is_some_and(|d| year_of(d) == year)
            })
            .count() as i64,
    );
    m.insert(
        "complaints",
        raw.complaints
            .iter()
            .filter(|c| inr(&c.county_code) && year_of(c.created_at) == year)
            .count() as i64,
    );
    m
}

fn check_row(got: &Value, want: &BTreeMap<&'static str, i64>, what: &str) {
    for (k, v) in want {
        assert_eq!(got[*k].as_i64(), Some(*v), "{what}: {k} in {got}");
    }
}

fn check_region(raw: &Raw, s: &Value, prefix: &str, year: i32, today: NaiveDate) {
    let what = s["region_code"].as_str().unwrap().to_owned();
    check_row(&s["total"], &region_row(raw, prefix, year, today), &what);
    for r in s["by_region"].as_array().unwrap() {
        let code = r["code"].as_str().unwrap();
        let child_prefix = if code.ends_with("0000") {
            &code[..2]
        } else if code.ends_with("00") {
            &code[..4]
        } else {
            code
        };
        check_row(r, &region_row(raw, child_prefix, year, today), code);
    }
    let inr = |c: &str| c.starts_with(prefix);
    let posts: Vec<&Post> = raw
        .posts
        .iter()
        .filter(|p| inr(&p.county_code) && year_of(p.created_at) == year)
        .collect();
    let hires: Vec<&Hire> = raw
        .hires
        .iter()
        .filter(|h| inr(&h.county_code) && year_of(h.created_at) == year)
        .collect();

    for m in s["by_month"].as_array().unwrap() {
        let k = m["month"].as_str().unwrap();
        assert_eq!(
            m["posts"],
            posts.iter().filter(|p| month_of(p.created_at) == k).count() as i64,
            "{what} {k}"
        );
        assert_eq!(
            m["hires"],
            hires.iter().filter(|h| month_of(h.created_at) == k).count() as i64,
            "{what} {k}"
        );
        assert_eq!(
            m["registrations"],
            raw.registrations
                .iter()
                .filter(|r| inr(&r.county_code) && r.started_on.format("%Y-%m").to_string() == k)
                .count() as i64
        );
        assert_eq!(
            m["applications"],
            raw.applications
                .iter()
                .filter(|a| inr(&a.county_code) && month_of(a.created_at) == k)
                .count() as i64
        );
        assert_eq!(
            m["complaints"],
            raw.complaints
                .iter()
                .filter(|c| inr(&c.county_code) && month_of(c.created_at) == k)
                .count() as i64
        );
    }
    for f in s["by_form"].as_array().unwrap() {
        let form = f["form"].as_str().unwrap();
        assert_eq!(
            f["posts"],
            posts.iter().filter(|p| p.form == form).count() as i64,
            "{what} {form}"
        );
        assert_eq!(
            f["hires"],
            hires.iter().filter(|h| h.form == form).count() as i64,
            "{what} {form}"
        );
    }
    let occupations: HashSet<&str> = posts
        .iter()
        .map(|p| p.occupation.as_str())
        .chain(hires.iter().map(|h| h.occupation.as_str()))
        .collect();
    assert_eq!(
        s["by_occupation"].as_array().unwrap().len(),
        occupations.len(),
        "{what}"
    );
    for o in s["by_occupation"].as_array().unwrap() {
        let code = o["code"].as_str().unwrap();
        let ps: Vec<&&Post> = posts.iter().filter(|p| p.occupation == code).collect();
        assert_eq!(o["posts"], ps.len() as i64);
        assert_eq!(
            o["hires"],
            hires.iter().filter(|h| h.occupation == code).count() as i64
        );
        let pay: Vec<i64> = ps
            .iter()
            .filter_map(|p| p.pay_hour_fen)
            .map(|f| (f + 50) / 100)
            .collect();
        let want = median(pay).map(|y| yuan((y * 100.0).round() as i64));
        assert_eq!(
            o["median_hourly_pay"].as_str().map(str::to_owned),
            want,
            "{what} pay of {code}"
        );
    }
    for g in s["outcomes"].as_array().unwrap() {
        let group = g["group"].as_str().unwrap();
        let hs: Vec<&&Hire> = hires
            .iter()
            .filter(|h| match group {
                "all" => true,
                "older" => i64::from(year) - h.birth_year >= 50,
                _ => h.hard > 0,
            })
            .collect();
        assert_eq!(
            g["people_hired"],
            hs.iter().map(|h| h.person_id).collect::<HashSet<_>>().len() as i64,
            "{what} {group}"
        );
        let d = median(
            hs.iter()
                .map(|h| tenths(h.posted_at, h.created_at))
                .collect(),
        );
        assert_eq!(g["median_days_to_hire"], days(d), "{what} {group}");
    }
    for r in s["registrations"].as_array().unwrap() {
        let kind = r["kind"].as_str().unwrap();
        let rs: Vec<&Registration> = raw
            .registrations
            .iter()
            .filter(|r| inr(&r.county_code) && r.kind == kind)
            .collect();
        assert_eq!(
            r["started"],
            rs.iter().filter(|r| r.started_on.year() == year).count() as i64,
            "{what} {kind}"
        );
        assert_eq!(
            r["open_now"],
            rs.iter().filter(|r| r.ended_on.is_none()).count() as i64,
            "{what} {kind}"
        );
    }
    for f in s["funnel"].as_array().unwrap() {
        let b = f["benefit"].as_str().unwrap();
        let seen: Vec<&Seen> = raw
            .seen
            .iter()
            .filter(|e| inr(&e.county_code) && e.benefit == b)
            .collect();
        let eligible: Vec<&&Seen> = seen.iter().filter(|e| year_of(e.seen_at) == year).collect();
        assert_eq!(f["eligible"], eligible.len() as i64, "{what} {b}");
        assert_eq!(
            f["eligible_amount"],
            yuan(eligible.iter().map(|e| e.amount_fen).sum()),
            "{what} {b}"
        );
        assert_eq!(
            f["notified"],
            seen.iter()
                .filter(|e| e.notified_at.is_some_and(|t| year_of(t) == year))
                .count() as i64
        );
        let apps: Vec<&Application> = raw
            .applications
            .iter()
            .filter(|a| inr(&a.county_code) && a.benefit == b)
            .collect();
        let applied: Vec<&&Application> = apps
            .iter()
            .filter(|a| year_of(a.created_at) == year)
            .collect();
        assert_eq!(f["applied"], applied.len() as i64, "{what} {b}");
        assert_eq!(
            f["applied_amount"],
            yuan(applied.iter().map(|a| a.amount_fen).sum())
        );
        let granted: Vec<&&Application> = apps
            .iter()
            .filter(|a| a.status == "approved" && a.decided_at.is_some_and(|d| year_of(d) == year))
            .collect();
        assert_eq!(f["granted"], granted.len() as i64, "{what} {b}");
        assert_eq!(
            f["granted_amount"],
            yuan(granted.iter().map(|a| a.amount_fen).sum())
        );
        let paid: Vec<&Paid> = raw
            .paid
            .iter()
            .filter(|p| inr(&p.county_code) && p.benefit == b && year_of(p.updated_at) == year)
            .collect();
        assert_eq!(f["paid"], paid.len() as i64, "{what} {b}");
        assert_eq!(
            f["paid_amount"],
            yuan(paid.iter().map(|p| p.amount_fen).sum())
        );
        let d: Vec<i64> = paid
            .iter()
            .map(|p| (cst(p.updated_at).date() - cst(p.since).date()).num_days())
            .collect();
        let mean = (!d.is_empty())
            .then(|| (d.iter().sum::<i64>() as f64 * 10.0 / d.len() as f64).round() / 10.0);
        assert_eq!(f["median_days_to_pay"].as_f64(), median(d), "{what} {b}");
        assert_eq!(f["mean_days_to_pay"].as_f64(), mean, "{what} {b}");
    }
    for c in s["complaints"].as_array().unwrap() {
        let cat = c["category"].as_str().unwrap();
        let cs: Vec<&Complaint> = raw
            .complaints
            .iter()
            .filter(|c| inr(&c.county_code) && c.category == cat)
            .collect();
        assert_eq!(
            c["received"],
            cs.iter().filter(|c| year_of(c.created_at) == year).count() as i64,
            "{what} {cat}"
        );
        let resolved: Vec<(DateTime<Utc>, DateTime<Utc>)> = cs
            .iter()
            .filter_map(|c| {
                c.resolved_at
                    .filter(|r| year_of(*r) == year)
                    .map(|r| (c.created_at, r))
            })
            .collect();
        assert_eq!(c["resolved"], resolved.len() as i64, "{what} {cat}");
        assert_eq!(
            c["median_days_to_resolve"],
            days(median(
                resolved.iter().map(|(a, b)| tenths(*a, *b)).collect()
            ))
        );
    }
    for v in s["services"].as_array().unwrap() {
        let kind = v["kind"].as_str().unwrap();
        if let Some(k) = kind.strip_prefix("training:") {
            let es: Vec<&Enrolment> = raw
                .enrolments
                .iter()
                .filter(|e| inr(&e.county_code) && e.kind == k)
                .collect();
            assert_eq!(
                v["joined"],
                es.iter().filter(|e| year_of(e.created_at) == year).count() as i64,
                "{what} {kind}"
            );
            assert_eq!(
                v["attended"],
                es.iter()
                    .filter(|e| e.status == "completed"
                        && e.completed_on.is_some_and(|d| d.year() == year))
                    .count() as i64,
                "{what} {kind}"
            );
        } else {
            let rs: Vec<&EventReg> = raw.events.iter().filter(|e| inr(&e.county_code)).collect();
            assert_eq!(
                v["joined"],
                rs.iter().filter(|e| year_of(e.created_at) == year).count() as i64,
                "{what}"
            );
            assert_eq!(
                v["attended"],
                rs.iter()
                    .filter(|e| e.checked_in_at.is_some_and(|t| year_of(t) == year))
                    .count() as i64
            );
            assert_eq!(
                v["hired"],
                rs.iter()
                    .filter(|e| e.outcome_at.is_some_and(|t| year_of(t) == year))
                    .map(|e| e.hires)
                    .sum::<i64>()
            );
        }
    }
}

#[tokio::test]
async fn every_figure_matches_the_raw_rows_and_the_cells_match_a_rebuild() {
    each_app(|app| async move {
        app.svc.seed_demo(DemoOptions { workers: 400, jobs: 160, seed: 5 }).await.unwrap();
        let today = app.clock.today_cst();
        let year = today.year();
        let mut prov = app.staff_in("cells.prov", "140000").await;

        let raw_rows = raw(&app.svc.db).await;
        assert!(!raw_rows.applications.is_empty() && !raw_rows.complaints.is_empty() && !raw_rows.registrations.is_empty());
        assert!(!raw_rows.paid.is_empty(), "the demo pays some grants");
        for (region, prefix) in [("140000", "14"), ("140100", "1401"), ("140105", "140105")] {
            let s = prov.get(&app, &format!("/api/v1/stats?region={region}")).await;
            assert_eq!(s.status, axum::http::StatusCode::OK, "{}", s.body);
            check_region(&raw_rows, &s.json(), prefix, year, today);
        }
        // The cells the triggers kept equal a rebuild from the rows.
        assert!(app.svc.stats_check(false).await.unwrap().is_empty());

        // Rows change through SQL the services never run: a post closed, pay confirmed, a
        // hire moved to another county; the cells follow, and still equal a rebuild.
        on_pool!(&app.svc.db, |p| {
            sqlx::query("UPDATE job_posts SET status = 'closed' WHERE status = 'live' AND county_code LIKE '1401%'").execute(p).await.unwrap();
            sqlx::query("UPDATE pay_records SET worker_confirmed_at = created_at WHERE worker_confirmed_at IS NULL").execute(p).await.unwrap();
            sqlx::query("UPDATE complaints SET resolved_at = updated_at WHERE resolved_at IS NULL").execute(p).await.unwrap();
        });
        let raw_rows = raw(&app.svc.db).await;
        let s = prov.get(&app, "/api/v1/stats").await.json();
        assert_eq!(s["total"]["overdue_pay"], 0);
        check_region(&raw_rows, &s, "14", year, today);
        let c = prov.get(&app, "/api/v1/stats?region=140100").await.json();
        assert_eq!(c["total"]["live_posts"], 0);
        assert!(app.svc.stats_check(false).await.unwrap().is_empty());

        // Pending deltas (PostgreSQL) fold into the cells without changing a figure.
        app.svc.stats_compact().await.unwrap();
        let again = prov.get(&app, "/api/v1/stats").await.json();
        assert_eq!(again, s);
        // A tampered cell is found, and a rebuild repairs it.
        let touched = on_pool!(&app.svc.db, |p| sqlx::query(
            "UPDATE stat_cells SET n = n + 7 WHERE metric = 'hires' AND region_code = '140000' AND year = $1 AND period = $2"
        )
        .bind(year)
        .bind(today.format("%Y-%m").to_string())
        .execute(p)
        .await
        .unwrap()
        .rows_affected());
        assert_eq!(touched, 1, "this month's hires cell of the province");
        let diff = app.svc.stats_check(false).await.unwrap();
        assert_eq!(diff.len(), 1, "{diff:?}");
        assert_eq!(diff[0].kept - diff[0].recomputed, 7);
        assert_eq!(app.svc.stats_check(true).await.unwrap().len(), 1);
        assert!(app.svc.stats_check(false).await.unwrap().is_empty());
        let s = prov.get(&app, "/api/v1/stats").await.json();
        check_region(&raw_rows, &s, "14", year, today);
        app
    })
    .await;
}
