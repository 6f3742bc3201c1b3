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

/// Province staff make a take-up snapshot (`POST /api/v1/stats/take-up/refresh`, run in
/// the background) and wait until it is done.
async fn refresh_take_up(app: &TestApp, province: &mut Client) {
    let r = province
        .post(app, "/api/v1/stats/take-up/refresh", json!({}))
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(r.json()["status"], "running");
    let id = uuid::Uuid::parse_str(r.json()["id"].as_str().unwrap()).unwrap();
    for _ in 0..1000 {
        let run = linghuo_storage::stats::takeup::snapshot(&app.svc.db, id)
            .await
            .unwrap()
            .unwrap();
        if run.status != "running" {
            assert_eq!(run.status, "done", "{}", run.note);
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the take-up snapshot did not finish");
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
        assert!(page.body.contains("5,400.00"), "amounts are grouped: {}", page.body);
        // Limits are not money paid out, and the course sets the training subsidy's sum.
        assert!(page.body.contains("金额：贷款额度") && page.body.contains("金额：按培训项目核定"), "{}", page.body);
        // Seven benefits have no sum (the training subsidy and the six decided where they are
        // used): "—" in their three amount cells, not 0.00.
        assert_eq!(page.body.matches("<td class=\"num\">—</td>").count(), 21, "{}", page.body);
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
        // The same person's loan qualification: nothing is paid out, so it counts as had
        // once approved.
        let r = county
            .post(&app, &format!("/api/v1/persons/{p1}/benefit-applications"), json!({"benefit": "guaranteed_loan", "consent_note": "本人书面申请"}))
            .await;
        assert_eq!(r.json()["status"], "approved", "{}", r.body);
        // Read from the snapshot: none yet, then one made by province staff.
        let t = county.get(&app, "/api/v1/stats/take-up").await.json();
        assert_eq!(t["computed_at"], Value::Null, "{t}");
        assert_eq!(t["by_county"].as_array().unwrap().len(), 0);
        let mut province = app.staff_in("st_prov", "140000").await;
        refresh_take_up(&app, &mut province).await;
        let t = county.get(&app, "/api/v1/stats/take-up").await;
        assert_eq!(t.status, StatusCode::OK, "{}", t.body);
        let t = t.json();
        assert!(t["computed_at"].is_string(), "{t}");
        assert_eq!(t["persons"], 5, "{t}");
        let total = t["totals"].as_array().unwrap().iter().find(|r| r["benefit"] == "social_insurance_subsidy").unwrap().clone();
        assert_eq!(total["eligible"], 2, "{t}");
        assert_eq!(total["eligible_amount"], "4800.00");
        assert_eq!(total["paid"], 1);
        assert_eq!(total["paid_amount"], "2400.00");
        assert_eq!(total["take_up_percent"], 50.0);
        assert_eq!(total["amount_kind"], "paid");
        let loan = t["totals"].as_array().unwrap().iter().find(|r| r["benefit"] == "guaranteed_loan").unwrap().clone();
        assert_eq!(
            (&loan["eligible"], &loan["paid"], &loan["paid_amount"], &loan["take_up_percent"], &loan["amount_kind"]),
            (&json!(2), &json!(1), &json!("300000.00"), &json!(50.0), &json!("loan_ceiling")),
            "{t}"
        );
        let kind = |b: &str| t["totals"].as_array().unwrap().iter().find(|r| r["benefit"] == b).unwrap()["amount_kind"].clone();
        assert_eq!((kind("training_subsidy"), kind("tax_deduction")), (json!("per_course"), json!("deduction_limit")));
        assert!(t["by_county"].as_array().unwrap().iter().all(|r| r["county_code"] == "140105"));
        // The city sees both counties; a county outside the scope is not found.
        let t = city.get(&app, "/api/v1/stats/take-up").await.json();
        let si_rows: Vec<_> = t["by_county"].as_array().unwrap().iter().filter(|r| r["benefit"] == "social_insurance_subsidy").cloned().collect();
        assert_eq!(si_rows.len(), 2, "{t}");
        assert_eq!(far.get(&app, "/api/v1/stats/take-up?region=140105").await.status, StatusCode::NOT_FOUND);

        // Pages and downloads.
        let page = county.get(&app, "/staff/stats").await;
        assert!(page.body.contains("按灵活就业形式") && page.body.contains("个体经营"));
        // The funnel says what its amounts are, as the take-up table does.
        let funnel = &page.body[page.body.find("id=\"t-funnel\"").unwrap()..];
        let funnel = &funnel[..funnel.find("</table>").unwrap()];
        assert!(funnel.contains("金额口径") && funnel.contains("贷款额度") && funnel.contains("扣减限额"), "{funnel}");
        let csv = county.get(&app, "/staff/stats/export?table=funnel&format=csv").await;
        assert!(csv.body.lines().next().unwrap().ends_with(",金额口径"), "{}", csv.body);
        let page = county.get(&app, "/staff/stats/takeup").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("50.0"), "{}", page.body);
        assert!(page.body.contains("数据截至"), "{}", page.body);
        // Amounts as people read them, each with what it is; the course-set sum is "—".
        for s in ["已享受人数", "金额口径", "300,000.00", "贷款额度", "按培训项目核定", "<td class=\"num\">—</td>"] {
            assert!(page.body.contains(s), "{s}: {}", page.body);
        }
        let csv = county.get(&app, "/staff/stats/takeup/export?format=csv").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.body.contains("享受率") && csv.body.contains("2400.00") && csv.body.contains("300000.00"), "{}", csv.body);
        // The downloads keep plain numbers; the training subsidy has no sum to add up.
        let training = csv.body.lines().find(|l| l.contains("职业培训补贴")).unwrap();
        assert!(training.contains(",0,,0,0.00,"), "{training}");
        let csv = county.get(&app, "/staff/stats/export?table=flexforms&format=csv").await;
        assert!(csv.body.contains("零工,2,2"), "{}", csv.body);
        // The cells stay equal to the rows.
        assert!(app.svc.stats_check(false).await.unwrap().is_empty());
        app
    })
    .await;
}

/// Take-up as the engine decides each registered person read alone (`gather_facts`, one
/// person at a time): per (county, benefit) the eligible, Σ amount, paid and Σ paid (fen),
/// for the counties under `prefix`. What the batched snapshot must equal.
async fn take_up_person_by_person(
    app: &TestApp,
    prefix: &str,
) -> std::collections::BTreeMap<(String, String), [i64; 4]> {
    let ids: Vec<(uuid::Uuid, String)> =
        linghuo_storage::on_pool!(&app.svc.db, |p| sqlx::query_as(
            "SELECT p.id, p.jurisdiction_code FROM persons p \
         WHERE EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = p.id)"
        )
        .fetch_all(p)
        .await
        .unwrap());
    let today = app.svc.clock.today_cst();
    let mut out = std::collections::BTreeMap::new();
    for (id, county) in ids.into_iter().filter(|(_, c)| c.starts_with(prefix)) {
        let person = linghuo_storage::persons::by_id(&app.svc.db, id)
            .await
            .unwrap()
            .unwrap();
        let facts = app.svc.gather_facts(&person, today).await.unwrap().facts;
        let d = app.svc.engine.decide(&facts);
        for b in linghuo_policy::BenefitId::FUNNEL {
            let o = d.outcomes[b as usize];
            if !o.eligible {
                continue;
            }
            // Money is had when the bank paid it; the tax deduction and the loan
            // qualification, which pay nothing out, when approved.
            let sql = if b.paid() {
                "SELECT CAST(SUM(amount_fen) AS BIGINT) FROM payment_instructions \
                 WHERE person_id = $1 AND benefit = $2 AND status = 'paid'"
            } else {
                "SELECT CAST(SUM(amount_fen) AS BIGINT) FROM benefit_applications \
                 WHERE person_id = $1 AND benefit = $2 AND status = 'approved'"
            };
            let paid: Option<i64> =
                linghuo_storage::on_pool!(&app.svc.db, |p| sqlx::query_scalar(sql)
                    .bind(id)
                    .bind(b.code())
                    .fetch_one(p)
                    .await
                    .unwrap());
            let e: &mut [i64; 4] = out
                .entry((county.clone(), b.code().to_owned()))
                .or_default();
            e[0] += 1;
            e[1] += o.amount.0;
            if let Some(f) = paid {
                e[2] += 1;
                e[3] += f;
            }
        }
    }
    out
}

fn fen_of(v: &Value) -> i64 {
    let s = v.as_str().unwrap();
    let (y, f) = s.split_once('.').unwrap();
    y.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap()
}

/// The by-county rows of a take-up answer as (county, benefit) → [eligible, fen, paid, fen].
fn rows_of(t: &Value) -> std::collections::BTreeMap<(String, String), [i64; 4]> {
    t["by_county"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                (
                    r["county_code"].as_str().unwrap().to_owned(),
                    r["benefit"].as_str().unwrap().to_owned(),
                ),
                [
                    r["eligible"].as_i64().unwrap(),
                    fen_of(&r["eligible_amount"]),
                    r["paid"].as_i64().unwrap(),
                    fen_of(&r["paid_amount"]),
                ],
            )
        })
        .collect()
}

#[tokio::test]
async fn take_up_snapshot_equals_the_live_computation_is_scoped_and_audited() {
    let config = || {
        let mut c = linghuo_service::Config::default();
        // The daily job is due at any hour once the day has changed.
        c.stats.takeup_snapshot_hour = 0;
        c
    };
    each_app_with(config, |app| async move {
        let mut province = app.staff_in("tu_prov", "140000").await;
        let mut city = app.staff_in("tu_city", "140100").await;
        let mut county = app.staff_in("tu_c", "140105").await;
        let mut far = app.staff_in("tu_far", "140106").await;
        // 小店区: two subsidised (one of them paid), one registered with nothing to get, one
        // not registered (not counted); 迎泽区: two, one with three months only; 阳泉市城区: one.
        let paid = subsidised(&app, &mut province, 101, "140105", "platform").await;
        subsidised(&app, &mut province, 102, "140105", "gig").await;
        let p = app
            .person(&mut province, 103, json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "registry"}]))
            .in_county("140105")
            .await;
        let r = province
            .post(&app, &format!("/api/v1/persons/{p}/registrations"), json!({"kind": "flexible", "flexible_form": "part_time", "consent_note": "本人到窗口办理"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        app.person(&mut province, 104, json!([])).in_county("140105").await;
        subsidised(&app, &mut province, 105, "140106", "gig").await;
        let short = app
            .person(&mut province, 106, json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "registry"}]))
            .in_county("140106")
            .await;
        province
            .post(&app, &format!("/api/v1/persons/{short}/registrations"), json!({"kind": "flexible", "flexible_form": "gig", "consent_note": "本人到窗口办理"}))
            .await;
        app.premiums(&short, &HALF_2026[..3], 90_000, "registry").await;
        subsidised(&app, &mut province, 107, "140302", "self_employed").await;
        let r = county
            .post(&app, &format!("/api/v1/persons/{paid}/benefit-applications"), json!({"benefit": "social_insurance_subsidy", "consent_note": "本人书面申请"}))
            .await;
        assert_eq!(r.json()["status"], "approved", "{}", r.body);
        let pid = uuid::Uuid::parse_str(&paid).unwrap();
        linghuo_storage::on_pool!(&app.svc.db, |pool| sqlx::query("UPDATE payment_instructions SET status = 'paid' WHERE person_id = $1")
            .bind(pid)
            .execute(pool)
            .await
            .map(|_| ())
            .unwrap());

        // No snapshot yet: nothing shown, only province staff may make one.
        let page = province.get(&app, "/staff/stats/takeup").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("尚无统计数据") && page.body.contains("id=\"refresh\""), "{}", page.body);
        for c in [&mut county, &mut city] {
            let r = c.post(&app, "/api/v1/stats/take-up/refresh", json!({})).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
            assert_eq!(r.json()["error"]["code"], "province_staff_only");
        }
        let page = county.get(&app, "/staff/stats/takeup").await;
        assert!(!page.body.contains("id=\"refresh\""));
        assert_eq!(app.audit_count("takeup_snapshot_requested").await, 0);

        // One run at a time: while another server's run is alive, a request is refused.
        let other = linghuo_storage::stats::takeup::SnapshotRow {
            id: uuid::Uuid::new_v4(),
            as_of: app.svc.clock.today_cst(),
            status: "running".into(),
            origin: "daily".into(),
            requested_by: None,
            started_at: app.clock.now(),
            heartbeat_at: app.clock.now(),
            finished_at: None,
            persons: 0,
            parameters_sha256: String::new(),
            note: String::new(),
        };
        let mut tx = app.svc.db.begin().await.unwrap();
        assert!(linghuo_storage::stats::takeup::claim(&mut tx, &other, app.clock.now() - Duration::minutes(15)).await.unwrap());
        tx.commit().await.unwrap();
        let r = province.post(&app, "/api/v1/stats/take-up/refresh", json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], "takeup_refreshing");
        let page = province.get(&app, "/staff/stats/takeup").await;
        assert!(page.body.contains("id=\"refreshing\""), "{}", page.body);
        // Its server stops: twenty minutes without a heartbeat and it is taken for dead.
        app.clock.advance(Duration::minutes(20));
        let t = province.get(&app, "/api/v1/stats/take-up").await.json();
        assert_eq!(t["refreshing_since"], Value::Null, "{t}");
        assert!(t["last_failure"].is_string(), "{t}");

        // The page's button (a form post), audited; the run goes on in the background.
        let mut browser = crate::forms::Browser::of(&province);
        browser.request(&app, "GET", "/staff/stats/takeup", &[]).await;
        let done = browser.request(&app, "POST", "/staff/stats/takeup/refresh", &[]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        assert_eq!(done.location.as_deref(), Some("/staff/stats/takeup?ok=refreshing"));
        assert_eq!(app.audit_count("takeup_snapshot_requested").await, 1);
        let mut run = None;
        for _ in 0..1000 {
            let l = linghuo_storage::stats::takeup::latest(&app.svc.db).await.unwrap().unwrap();
            if l.status != "running" {
                run = Some(l);
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let run = run.expect("the run finishes");
        assert_eq!((run.status.as_str(), run.origin.as_str(), run.persons), ("done", "staff", 6), "{}", run.note);
        let old = linghuo_storage::stats::takeup::snapshot(&app.svc.db, other.id).await.unwrap().unwrap();
        assert_eq!(old.status, "failed", "the dead run was marked");
        assert_eq!(app.audit_count("takeup_snapshot_finished").await, 1);
        let audit = linghuo_storage::audit::recent(&app.svc.db, Some("takeup_snapshot_requested"), 10).await.unwrap();
        assert_eq!(audit[0].actor_name, "tu_prov");
        assert_eq!(audit[0].object_id, run.id.to_string());

        // The snapshot equals the live computation and the person-by-person one, everywhere.
        for (region, prefix) in [("140000", "14"), ("140100", "1401"), ("140105", "140105"), ("140106", "140106"), ("140300", "1403")] {
            let code = linghuo_domain::RegionCode::parse(region).unwrap();
            let snapshot = serde_json::to_value(app.svc.take_up_of(&code).await.unwrap()).unwrap();
            let live = serde_json::to_value(app.svc.take_up_live(&code).await.unwrap()).unwrap();
            for k in ["persons", "totals", "by_county", "parameters_sha256", "as_of"] {
                assert_eq!(snapshot[k], live[k], "{region} {k}");
            }
            assert_eq!(rows_of(&snapshot), take_up_person_by_person(&app, prefix).await, "{region}");
        }
        let t = province.get(&app, "/api/v1/stats/take-up").await.json();
        assert_eq!(t["persons"], 6, "{t}");
        assert_eq!(t["may_refresh"], true);
        assert_eq!(t["parameters_changed"], false);
        let si_total = t["totals"].as_array().unwrap().iter().find(|r| r["benefit"] == "social_insurance_subsidy").unwrap().clone();
        // 4 × 2,400.00 and 3 × 900 × 2/3 = 1,800.00 (the 就业困难人员 without premiums is
        // eligible for nothing yet: 0.00).
        assert_eq!((si_total["eligible"].as_i64(), si_total["eligible_amount"].as_str(), si_total["paid"].as_i64()), (Some(6), Some("11400.00"), Some(1)), "{t}");

        // Region scoping: each sees its own counties; outside the scope is not found.
        let t = county.get(&app, "/api/v1/stats/take-up").await.json();
        assert_eq!(t["persons"], 3, "{t}");
        assert!(t["by_county"].as_array().unwrap().iter().all(|r| r["county_code"] == "140105"));
        assert_eq!(t["may_refresh"], false);
        let t = far.get(&app, "/api/v1/stats/take-up").await.json();
        assert_eq!(t["persons"], 2, "{t}");
        let t = city.get(&app, "/api/v1/stats/take-up").await.json();
        assert_eq!(t["persons"], 5, "{t}");
        assert!(t["by_county"].as_array().unwrap().iter().all(|r| r["county_code"].as_str().unwrap().starts_with("1401")));
        assert_eq!(city.get(&app, "/api/v1/stats/take-up?region=140302").await.status, StatusCode::NOT_FOUND);
        assert_eq!(far.get(&app, "/api/v1/stats/take-up?region=140105").await.status, StatusCode::NOT_FOUND);
        let t = province.get(&app, "/api/v1/stats/take-up?region=140302").await.json();
        assert_eq!(t["persons"], 1, "{t}");
        assert_eq!(t["by_region"], json!([]), "a county has no children: {t}");
        // One level down: the province's cities (太原 = 小店 4,800.00 + 迎泽 4,200.00, 阳泉), a city's counties,
        // each the sum of its counties' rows.
        let t = province.get(&app, "/api/v1/stats/take-up").await.json();
        let si_child = |t: &Value, code: &str| {
            t["by_region"].as_array().unwrap().iter().find(|r| r["county_code"] == code && r["benefit"] == "social_insurance_subsidy").cloned()
        };
        let taiyuan = si_child(&t, "140100").expect("太原市");
        assert_eq!((taiyuan["county_name"].as_str(), taiyuan["eligible"].as_i64(), taiyuan["eligible_amount"].as_str()), (Some("山西省太原市"), Some(5), Some("9000.00")), "{t}");
        assert_eq!(si_child(&t, "140300").expect("阳泉市")["eligible"], 1);
        assert!(t["by_region"].as_array().unwrap().iter().all(|r| ["140100", "140300"].contains(&r["county_code"].as_str().unwrap())), "{t}");
        let t = city.get(&app, "/api/v1/stats/take-up").await.json();
        assert_eq!(si_child(&t, "140105").expect("小店区")["eligible"], 3, "{t}");
        // The page lists the cities, each opening its own table; the download every county.
        let page = province.get(&app, "/staff/stats/takeup").await;
        assert!(page.body.contains("政策享受率（按市）") && page.body.contains("<a href=\"/staff/stats/takeup?region=140100\">太原市</a>"), "{}", page.body);
        assert!(!page.body.contains(">太原市小店区<"), "{}", page.body);
        let csv = province.get(&app, "/staff/stats/takeup/export?format=csv").await;
        assert!(csv.body.contains("140105,太原市小店区") && csv.body.contains("140106,太原市迎泽区"), "{}", csv.body);
        let page = province.get(&app, "/staff/stats/takeup?region=140100").await;
        assert!(page.body.contains("政策享受率（按县区）") && page.body.contains("<a href=\"/staff/stats/takeup?region=140105\">太原市小店区</a>"), "{}", page.body);
        let page = province.get(&app, "/staff/stats/takeup?ok=refreshing").await;
        assert!(page.body.contains("数据截至") && page.body.contains("已开始更新"), "{}", page.body);

        // The snapshot is of its day: data changed since shows at the next snapshot only.
        app.premiums(&p, &HALF_2026, 60_000, "registry").await;
        let before = app.svc.take_up_of(&linghuo_domain::RegionCode::parse("140105").unwrap()).await.unwrap();
        let live = app.svc.take_up_live(&linghuo_domain::RegionCode::parse("140105").unwrap()).await.unwrap();
        let si_of = |t: &linghuo_service::stats::takeup::TakeUp| t.totals.iter().find(|r| r.benefit == "social_insurance_subsidy").unwrap().eligible_amount.clone();
        assert_eq!((si_of(&before).as_str(), si_of(&live).as_str()), ("4800.00", "7200.00"));
        // A correction approved since is flagged.
        let engine = linghuo_policy::Engine::with_overrides(&[linghuo_policy::ParamOverride {
            name: "social_insurance_subsidy.share".into(),
            value: "3/4".into(),
            effective_from: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            source: None,
            note: None,
        }])
        .unwrap();
        let corrected = app.svc.clone().with_engine(engine);
        assert!(corrected.take_up_of(&linghuo_domain::RegionCode::parse("140105").unwrap()).await.unwrap().parameters_changed);

        // The daily job: not due again today; due the next day, audited as the system's.
        assert!(app.svc.take_up_snapshot_if_due().await.unwrap().is_none());
        app.clock.advance(Duration::days(1));
        let daily = app.svc.take_up_snapshot_if_due().await.unwrap().expect("due the next day");
        assert_eq!((daily.origin.as_str(), daily.status.as_str(), daily.persons), ("daily", "done", 6));
        assert!(app.svc.take_up_snapshot_if_due().await.unwrap().is_none());
        assert_eq!(app.audit_count("takeup_snapshot_finished").await, 2);
        let after = app.svc.take_up_of(&linghuo_domain::RegionCode::parse("140105").unwrap()).await.unwrap();
        assert_eq!(si_of(&after), "7200.00");
        assert_eq!(after.as_of, app.svc.clock.today_cst());
        app
    })
    .await;
}

#[tokio::test]
async fn whatif_over_a_large_region_is_estimated_from_a_sample() {
    let config = || {
        let mut c = linghuo_service::Config::default();
        c.stats.whatif_sample_persons = 2;
        c
    };
    each_app_with(config, |app| async move {
        let mut county = app.staff_in("ws_c", "140105").await;
        for seq in 111..114 {
            subsidised(&app, &mut county, seq, "140105", "gig").await;
        }
        let change = json!({"name": "social_insurance_subsidy.share", "value": "3/4", "effective_from": "2026-01-01"});
        let r = county.post(&app, "/api/v1/parameters/whatif", change).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let w = r.json();
        // Two of the three decided, scaled up to three (all three alike, so exact).
        assert_eq!((w["persons"].as_u64(), w["sample_persons"].as_u64(), w["sampled"].as_bool()), (Some(3), Some(2), Some(true)), "{w}");
        assert_eq!(w["changed_persons"], 3);
        assert_eq!(si(&w)["eligible_before"], 3);
        assert_eq!(si(&w)["amount_before"], "7200.00");
        assert_eq!(si(&w)["amount_after"], "8100.00");
        assert_eq!(si(&w)["change"], "900.00");
        let page = county.get(&app, "/staff/whatif?name=social_insurance_subsidy.share&value=3%2F4&effective_from=2026-01-01").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(page.body.contains("id=\"sampled\"") && page.body.contains("估算"), "{}", page.body);
        app
    })
    .await;
}
