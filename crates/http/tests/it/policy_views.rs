//! Policy views for staff (issue 17 items 9 and 10) on both databases: parameter corrections
//! proposed by province staff and approved by a second one, applied from their effective day
//! with the recalculation preview over the registered population; what-if scoped to the
//! staff member's region; statistics by form of flexible employment, targets counted both
//! ways, and take-up (everyone eligible against those paid) on a hand-built population.

use crate::common::*;
use axum::http::StatusCode;
use chrono::Duration;
use serde_json::{Value, json};

/// A registered 就业困难人员 doing flexible work (form `form`) with six months of premiums
/// (600.00 a month): the social-insurance subsidy is 6 × 600 × 2/3 = 2,400.00.
async fn subsidised(
    app: &TestApp,
    staff: &mut Client,
    seq: u32,
    county: &str,
    form: &str,
) -> String {
    let p = app
        .person(
            staff,
            seq,
            json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "registry"}]),
        )
        .in_county(county)
        .await;
    let r = staff
        .post(
            app,
            &format!("/api/v1/persons/{p}/registrations"),
            json!({"kind": "flexible", "flexible_form": form, "consent_note": "本人到窗口办理"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    app.premiums(&p, &HALF_2026, 60_000, "registry").await;
    p
}

async fn si_preview(app: &TestApp, staff: &mut Client, p: &str) -> String {
    let r = staff
        .get(
            app,
            &format!("/api/v1/persons/{p}/benefit-preview?benefit=social_insurance_subsidy"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["amount"].as_str().unwrap().to_owned()
}

fn si(report: &Value) -> &Value {
    report["benefits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["benefit"] == "social_insurance_subsidy")
        .unwrap()
}

#[tokio::test]
async fn a_correction_needs_a_second_province_approver_and_applies_from_its_day() {
    each_app(|app| async move {
        let mut county = app.staff_in("pv_c", "140105").await;
        let mut far = app.staff_in("pv_far", "140106").await;
        let p1 = subsidised(&app, &mut county, 71, "140105", "platform").await;
        let _p2 = subsidised(&app, &mut county, 72, "140105", "gig").await;
        let _p3 = subsidised(&app, &mut far, 73, "140106", "gig").await;
        assert_eq!(si_preview(&app, &mut county, &p1).await, "2400.00");

        let today = app.day(0);
        let change = json!({"name": "social_insurance_subsidy.share", "value": "3/4", "effective_from": today, "reason": "省人社厅更正通知（测试）"});
        // County and city staff may not propose.
        let mut city = app.staff_in("pv_city", "140100").await;
        for c in [&mut county, &mut city] {
            let r = c.post(&app, "/api/v1/parameters/corrections", change.clone()).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
            assert_eq!(r.json()["error"]["code"], "province_staff_only");
        }
        let mut a = app.staff_in("pv_a", "140000").await;
        let mut b = app.staff_in("pv_b", "140000").await;
        // Bad input names its field; nothing is written.
        for (body, field) in [
            (json!({"name": "no.such", "value": "1", "effective_from": today, "reason": "依据文件"}), "name"),
            (json!({"name": "social_insurance_subsidy.share", "value": "三分之二", "effective_from": today, "reason": "依据文件"}), "value"),
            (json!({"name": "social_insurance_subsidy.share", "value": "3/4", "effective_from": "2026-13-40", "reason": "依据文件"}), "effective_from"),
            (json!({"name": "social_insurance_subsidy.share", "value": "3/4", "effective_from": today, "reason": ""}), "reason"),
        ] {
            let r = a.post(&app, "/api/v1/parameters/corrections", body).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM parameter_corrections").await, 0);

        let r = a.post(&app, "/api/v1/parameters/corrections", change.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let id = r.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(r.json()["status"], "proposed");
        // Proposed is not in force.
        assert_eq!(si_preview(&app, &mut county, &p1).await, "2400.00");

        // The proposer cannot approve; neither can county staff.
        let decide = format!("/api/v1/parameters/corrections/{id}/decision");
        let r = a.post(&app, &decide, json!({"outcome": "approve"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], "proposer_cannot_approve");
        let r = county.post(&app, &decide, json!({"outcome": "approve"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

        // The preview: three registered people in the province, each 2,400 → 2,700.
        let d = b.get(&app, &format!("/api/v1/parameters/corrections/{id}")).await;
        assert_eq!(d.status, StatusCode::OK, "{}", d.body);
        let d = d.json();
        assert_eq!(d["may_decide"], true);
        let pop = &d["preview"]["population"];
        assert_eq!(pop["persons"], 3, "{pop}");
        assert_eq!(pop["changed_persons"], 3, "{pop}");
        assert_eq!(si(pop)["eligible_before"], 3);
        assert_eq!(si(pop)["eligible_after"], 3);
        assert_eq!(si(pop)["amount_before"], "7200.00");
        assert_eq!(si(pop)["amount_after"], "8100.00");
        assert_eq!(si(pop)["change"], "900.00");
        assert_eq!(si(pop)["gaining"], 3);
        assert_eq!(d["preview"]["decisions"]["checked"], 0);

        let r = b.post(&app, &decide, json!({"outcome": "approve", "note": "核对无误"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["correction"]["status"], "approved");
        assert_eq!(r.json()["preview"]["population"]["changed_persons"], 3, "the preview is kept");
        // Decided once only.
        let again = b.post(&app, &decide, json!({"outcome": "approve"})).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

        // In force from its day: today's screening uses 3/4, yesterday's still 2/3.
        assert_eq!(si_preview(&app, &mut county, &p1).await, "2700.00");
        let person = linghuo_storage::persons::by_id(&app.svc.db, uuid::Uuid::parse_str(&p1).unwrap()).await.unwrap().unwrap();
        let yesterday = app.svc.clock.today_cst() - Duration::days(1);
        let g = app.svc.gather_facts(&person, yesterday).await.unwrap();
        let before = app.svc.engine.screen(&g.facts, &Default::default());
        assert_eq!(before.benefit("social_insurance_subsidy").unwrap().amount.to_string(), "2400.00");
        // A second service on the same database (another server) picks it up when it loads.
        let other = linghuo_service::Service::new(app.svc.db.clone(), linghuo_service::Keys::generate(), Default::default(), app.clock.clone());
        assert_ne!(other.engine.parameters_sha256(), app.svc.engine.parameters_sha256());
        assert!(other.refresh_engine().await.unwrap());
        assert_eq!(other.engine.parameters_sha256(), app.svc.engine.parameters_sha256());
        assert!(!other.refresh_engine().await.unwrap(), "nothing new");

        // The parameter page lists the new version with where it came from.
        let list = county.get(&app, "/api/v1/parameters").await.json();
        let share = list["parameters"].as_array().unwrap().iter().find(|p| p["name"] == "social_insurance_subsidy.share").unwrap();
        assert_eq!(share["current"], "3/4");
        assert!(share["versions"].to_string().contains("平台参数更正"), "{share}");
        assert_eq!(list["may_propose"], false);

        // A rejection needs a reason.
        let r = a.post(&app, "/api/v1/parameters/corrections", json!({"name": "startup_subsidy.cap", "value": "5000.00", "effective_from": today, "reason": "试行提高上限"})).await;
        let id2 = r.json()["id"].as_str().unwrap().to_owned();
        let decide2 = format!("/api/v1/parameters/corrections/{id2}/decision");
        let r = b.post(&app, &decide2, json!({"outcome": "reject"})).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], "note");
        let r = b.post(&app, &decide2, json!({"outcome": "reject", "note": "无文件依据"})).await;
        assert_eq!(r.json()["correction"]["status"], "rejected", "{}", r.body);

        assert_eq!(app.audit_count("parameter_correction_proposed").await, 2);
        assert_eq!(app.audit_count("parameter_correction_approved").await, 1);
        assert_eq!(app.audit_count("parameter_correction_rejected").await, 1);

        // Pages: everyone sees the parameters; only province staff the form and the decision.
        let page = county.get(&app, "/staff/parameters").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("参数一览") && page.body.contains("平台参数更正"));
        assert!(!page.body.contains("id=\"propose\""));
        let page = a.get(&app, "/staff/parameters").await;
        assert!(page.body.contains("id=\"propose\""));
        let page = a.get(&app, &format!("/staff/parameters/corrections/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("审批时的重算预览") && page.body.contains("已生效"));
        assert!(!page.body.contains("id=\"decide\""));
        app
    })
    .await;
}

#[tokio::test]
async fn whatif_runs_over_the_staff_members_own_region() {
    each_app(|app| async move {
        let mut county = app.staff_in("wi_c", "140105").await;
        let mut far = app.staff_in("wi_far", "140106").await;
        subsidised(&app, &mut county, 81, "140105", "platform").await;
        subsidised(&app, &mut county, 82, "140105", "gig").await;
        subsidised(&app, &mut far, 83, "140106", "gig").await;
        // Registered but nothing to change for: a person with no premiums.
        let p = app.person(&mut county, 84, json!([])).await;
        county
            .post(&app, &format!("/api/v1/persons/{p}/registrations"), json!({"kind": "flexible", "flexible_form": "part_time", "consent_note": "本人到窗口办理"}))
            .await;
        let change = json!({"name": "social_insurance_subsidy.share", "value": "3/4", "effective_from": "2026-01-01"});
        let r = county.post(&app, "/api/v1/parameters/whatif", change.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let w = r.json();
        assert_eq!(w["region_code"], "140105");
        assert_eq!(w["persons"], 3, "{w}");
        assert_eq!(w["changed_persons"], 2);
        assert_eq!(si(&w)["eligible_before"], 2);
        assert_eq!(si(&w)["amount_before"], "4800.00");
        assert_eq!(si(&w)["amount_after"], "5400.00");
        let r = far.post(&app, "/api/v1/parameters/whatif", change.clone()).await.json();
        assert_eq!((r["persons"].as_u64(), si(&r)["amount_after"].as_str()), (Some(1), Some("2700.00")));
        // Nothing was stored or changed.
        assert_eq!(app.count("SELECT COUNT(*) FROM parameter_corrections").await, 0);
        let r = county.post(&app, "/api/v1/parameters/whatif", json!({"name": "social_insurance_subsidy.share", "value": "0.75", "effective_from": "2026-01-01"})).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["error"]["field"], "value");
        // The page.
        let page = county.get(&app, "/staff/whatif?name=social_insurance_subsidy.share&value=3%2F4&effective_from=2026-01-01").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("<strong id=\"persons\">3</strong>"), "{}", page.body);
        assert!(page.body.contains("5400.00"));
        let page = county.get(&app, "/staff/whatif?name=social_insurance_subsidy.share&value=abc&effective_from=2026-01-01").await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(page.body.contains("whatif-value-error"));
        app
    })
    .await;
}

#[tokio::test]
async fn statistics_count_forms_targets_both_ways_and_take_up() {
    each_app(|app| async move {
        let mut county = app.staff_in("st_c", "140105").await;
        let mut far = app.staff_in("st_far", "140106").await;
        let p1 = subsidised(&app, &mut county, 91, "140105", "platform").await;
        subsidised(&app, &mut county, 92, "140105", "gig").await;
        subsidised(&app, &mut far, 93, "140106", "gig").await;
        for (seq, form) in [(94, "gig"), (95, "self_employed")] {
            let p = app.person(&mut county, seq, json!([])).await;
            let r = county
                .post(&app, &format!("/api/v1/persons/{p}/registrations"), json!({"kind": "flexible", "flexible_form": form, "consent_note": "本人到窗口办理"}))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let p = app.person(&mut county, 96, json!([])).await;
        county
            .post(&app, &format!("/api/v1/persons/{p}/registrations"), json!({"kind": "employment", "employer_name": "太原某公司", "consent_note": "本人到窗口办理"}))
            .await;

        // By form of flexible employment.
        let s = county.get(&app, "/api/v1/stats").await.json();
        let form = |f: &str| s["by_flexible_form"].as_array().unwrap().iter().find(|x| x["form"] == f).unwrap().clone();
        assert_eq!(form("gig")["registrations"], 2, "{s}");
        assert_eq!(form("gig")["registered_now"], 2);
        assert_eq!(form("self_employed")["registrations"], 1);
        assert_eq!(form("platform")["registrations"], 1);
        assert_eq!(form("part_time")["registrations"], 0);
        assert_eq!(form("unknown")["registrations"], 0);
        assert_eq!(s["total"]["flexible_registrations"], 4);

        // Targets: the city sees the county against its target both ways.
        let mut city = app.staff_in("st_city", "140100").await;
        let year = app.svc.clock.today_cst().format("%Y").to_string().parse::<i32>().unwrap();
        let r = city.send(&app, axum::http::Method::PUT, "/api/v1/stats/targets", Some(json!({"year": year, "region": "140105", "target": 8}))).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let c = city.get(&app, "/api/v1/stats").await.json();
        let row = c["by_region"].as_array().unwrap().iter().find(|r| r["code"] == "140105").unwrap().clone();
        assert_eq!(row["flexible_registrations"], 4);
        assert_eq!(row["registration_progress_percent"], 50.0);
        assert_eq!(row["progress_percent"], 0.0, "no platform hires");
        let far_row = c["by_region"].as_array().unwrap().iter().find(|r| r["code"] == "140106").unwrap().clone();
        assert_eq!(far_row["flexible_registrations"], 1);

        // Take-up: two eligible for the SI subsidy in 140105, one of them paid.
        let r = county
            .post(&app, &format!("/api/v1/persons/{p1}/benefit-applications"), json!({"benefit": "social_insurance_subsidy", "consent_note": "本人书面申请"}))
            .await;
        assert_eq!(r.json()["status"], "approved", "{}", r.body);
        let pid = uuid::Uuid::parse_str(&p1).unwrap();
        linghuo_storage::on_pool!(&app.svc.db, |pool| sqlx::query("UPDATE payment_instructions SET status = 'paid' WHERE person_id = $1")
            .bind(pid)
            .execute(pool)
            .await
            .map(|_| ())
            .unwrap());
        let t = county.get(&app, "/api/v1/stats/take-up").await;
        assert_eq!(t.status, StatusCode::OK, "{}", t.body);
        let t = t.json();
        assert_eq!(t["persons"], 5, "{t}");
        let total = t["totals"].as_array().unwrap().iter().find(|r| r["benefit"] == "social_insurance_subsidy").unwrap().clone();
        assert_eq!(total["eligible"], 2, "{t}");
        assert_eq!(total["eligible_amount"], "4800.00");
        assert_eq!(total["paid"], 1);
        assert_eq!(total["paid_amount"], "2400.00");
        assert_eq!(total["take_up_percent"], 50.0);
        assert!(t["by_county"].as_array().unwrap().iter().all(|r| r["county_code"] == "140105"));
        // The city sees both counties; a county outside the scope is not found.
        let t = city.get(&app, "/api/v1/stats/take-up").await.json();
        let si_rows: Vec<_> = t["by_county"].as_array().unwrap().iter().filter(|r| r["benefit"] == "social_insurance_subsidy").cloned().collect();
        assert_eq!(si_rows.len(), 2, "{t}");
        assert_eq!(far.get(&app, "/api/v1/stats/take-up?region=140105").await.status, StatusCode::NOT_FOUND);

        // Pages and downloads.
        let page = county.get(&app, "/staff/stats").await;
        assert!(page.body.contains("按灵活就业形式") && page.body.contains("个体经营"));
        let page = county.get(&app, "/staff/stats/takeup").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("50.0"), "{}", page.body);
        let csv = county.get(&app, "/staff/stats/takeup/export?format=csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.contains("享受率") && csv.body.contains("2400.00"));
        let csv = county.get(&app, "/staff/stats/export?table=flexforms&format=csv").await;
        assert!(csv.body.contains("零工,2,2"), "{}", csv.body);
        // The cells stay equal to the rows.
        assert!(app.svc.stats_check(false).await.unwrap().is_empty());
        app
    })
    .await;
}
