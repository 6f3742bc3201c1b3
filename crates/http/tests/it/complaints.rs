//! Complaints and mediation (三(五), 四(十)) through the API and the pages, on both
//! databases: evidence gathered from a named hire, field errors with nothing written, region
//! scope, deadlines and escalation with the manual clock, mediation to an agreed outcome,
//! the complainant's timeline and an audit row for every change.

use crate::common::*;
use crate::forms::Browser;
use axum::http::StatusCode;
use linghuo_storage::audit;
use serde_json::{Value, json};

/// A verified employer, a live post, a hire of `w` with a confirmed agreement and one pay
/// record past due. Returns the hire id.
async fn hire_with_unpaid_wages(
    app: &TestApp,
    staff: &mut Client,
    emp: &mut Client,
    w: &mut Client,
) -> String {
    let eid = staff
        .get(app, "/api/v1/employers?unverified=true")
        .await
        .json()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        staff
            .post(app, &format!("/api/v1/employers/{eid}/verify"), json!({}))
            .await
            .status,
        StatusCode::OK
    );
    let post = emp
        .post(app, "/api/v1/posts", json!({
            "title": "周末家庭保洁", "description": "家庭日常保洁，自带工具，周末上门服务。", "occupation": "保洁员", "form": "part_time",
            "county_code": "140105", "address": "小店区坞城路", "starts_on": "2026-12-05", "schedule": "每周六、日 9:00-12:00",
            "hours_per_week": 6, "pay_amount": "30.00", "pay_unit": "hour", "headcount": 1, "accident_cover": true
        }))
        .await
        .json();
    assert_eq!(post["status"], "live", "{post}");
    let post_id = post["id"].as_str().unwrap();
    let a = w
        .post(
            app,
            &format!("/api/v1/posts/{post_id}/applications"),
            json!({}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let apps = emp
        .get(app, &format!("/api/v1/posts/{post_id}/applications"))
        .await
        .json();
    let app_id = apps[0]["id"].as_str().unwrap();
    let hire = emp
        .post(
            app,
            &format!("/api/v1/applications/{app_id}/hire"),
            json!({"start_date": "2026-12-05"}),
        )
        .await;
    assert_eq!(hire.status, StatusCode::CREATED, "{}", hire.body);
    let hire_id = hire.json()["id"].as_str().unwrap().to_owned();
    let r = emp
        .post(app, &format!("/api/v1/hires/{hire_id}/agreement"), json!({
            "service_time": "每周六、日 9:00-12:00", "pay_amount": "30.00", "pay_unit": "hour", "pay_cycle_days": 15,
            "first_pay_on": "2026-01-20", "rest": "法定节假日休息", "safety": "提供防滑鞋和手套", "accident_cover": true}))
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    assert_eq!(
        w.post(
            app,
            &format!("/api/v1/hires/{hire_id}/agreement/confirm"),
            json!({})
        )
        .await
        .status,
        StatusCode::OK
    );
    let r = emp
        .post(
            app,
            &format!("/api/v1/hires/{hire_id}/pay"),
            json!({"period": "2026年1月上半月", "amount": "180.00", "due_on": "2026-01-20"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    hire_id
}

#[tokio::test]
async fn complaint_about_a_hire_gathers_evidence_and_ends_in_mediation() {
    each_app(|app| async move {
        let mut staff = app.staff_in("complaints.county", "140105").await;
        let mut other = app.staff_in("complaints.other", "140106").await;
        let mut city = app.staff_in("complaints.city", "140100").await;
        let mut emp = app.employer("fenshui", "91110000600037341L").named("太原汾水家政服务有限公司").await;
        let mut w = app.worker("xiuying", 61).await;
        let hire_id = hire_with_unpaid_wages(&app, &mut staff, &mut emp, &mut w).await;

        // The worker files a complaint naming the hire: employer and county come from the hire.
        let r = w
            .post(&app, "/api/v1/complaints", json!({"category": "unpaid_wages", "hire_id": hire_id,
                "description": "一月上半月的报酬180元到期没有支付，多次联系用人方未果。"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let c = r.json();
        let id = c["summary"]["id"].as_str().unwrap().to_owned();
        assert_eq!(c["summary"]["status"], "received");
        assert_eq!(c["summary"]["county_code"], "140105");
        assert_eq!(c["summary"]["employer_name"], "太原汾水家政服务有限公司");
        assert_eq!(c["evidence"].as_array().unwrap().len(), 0, "the complainant does not see the evidence list");

        // Staff of the county see the evidence gathered from the market.
        let d = staff.get(&app, &format!("/api/v1/complaints/{id}")).await.json();
        let kinds: Vec<&str> = d["evidence"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert!(kinds.contains(&"hire") && kinds.contains(&"agreement") && kinds.contains(&"pay_record"), "{kinds:?}");
        let agreement = d["evidence"].as_array().unwrap().iter().find(|e| e["kind"] == "agreement").unwrap();
        assert_eq!(agreement["snapshot"]["pay_cycle_days"], 15);
        assert!(agreement["snapshot"]["worker_confirmed_at"].is_string());
        let pay = d["evidence"].as_array().unwrap().iter().find(|e| e["kind"] == "pay_record").unwrap();
        assert_eq!(pay["snapshot"]["amount"], "180.00");
        assert!(pay["source"].as_str().unwrap().starts_with("pay_records/"));
        assert_eq!(d["summary"]["complainant"], "李*英");

        // Another county: not found (audited); the city above sees it.
        let denied = app.audit_count("access_denied").await;
        assert_eq!(other.get(&app, &format!("/api/v1/complaints/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other.post(&app, &format!("/api/v1/complaints/{id}/acknowledge"), json!({})).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.audit_count("access_denied").await, denied + 2);
        assert_eq!(other.get(&app, "/api/v1/complaints").await.json().as_array().unwrap().len(), 0);
        assert_eq!(city.get(&app, "/api/v1/complaints").await.json().as_array().unwrap().len(), 1);
        // Another worker: not found.
        let mut stranger = app.worker("stranger", 62).await;
        assert_eq!(stranger.get(&app, &format!("/api/v1/complaints/{id}")).await.status, StatusCode::NOT_FOUND);

        // The employer sees the complaint (complainant masked) and answers.
        let mine = emp.get(&app, "/api/v1/complaints").await.json();
        assert_eq!(mine[0]["complainant"], "李*英");
        let r = emp.post(&app, &format!("/api/v1/complaints/{id}/statements"), json!({"text": "因资金周转延误，愿意尽快补发。"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        // Staff: acknowledge (once), take on, notes, refer to mediation.
        let r = staff.post(&app, &format!("/api/v1/complaints/{id}/acknowledge"), json!({})).await;
        assert_eq!(r.json()["summary"]["status"], "acknowledged", "{}", r.body);
        assert_eq!(staff.post(&app, &format!("/api/v1/complaints/{id}/acknowledge"), json!({})).await.status, StatusCode::CONFLICT);
        let r = staff.post(&app, &format!("/api/v1/complaints/{id}/assign"), json!({})).await;
        assert_eq!(r.json()["summary"]["status"], "investigating");
        assert_eq!(r.json()["assigned_to_me"], true);
        staff.post(&app, &format!("/api/v1/complaints/{id}/notes"), json!({"text": "内部：已电话联系用人单位负责人。"})).await;
        staff.post(&app, &format!("/api/v1/complaints/{id}/notes"), json!({"text": "已约谈用人单位，正在核实报酬数额。", "tell_complainant": true})).await;
        let bad = staff
            .post(&app, &format!("/api/v1/complaints/{id}/mediation"), json!({"organisation_kind": "court", "organisation_name": "某法院", "parties": "双方"}))
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.json()["error"]["field"], "organisation_kind");
        let r = staff
            .post(&app, &format!("/api/v1/complaints/{id}/mediation"), json!({"organisation_kind": "people_mediation",
                "organisation_name": "坞城街道人民调解委员会", "parties": "投诉人；太原汾水家政服务有限公司"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["summary"]["status"], "referred_to_mediation");
        let mid = r.json()["mediation"]["id"].as_str().unwrap().to_owned();
        assert_eq!(other.get(&app, &format!("/api/v1/mediations/{mid}")).await.status, StatusCode::NOT_FOUND);

        // Sessions: a bad time names the field; two sessions; then the agreed outcome.
        let bad = staff.post(&app, &format!("/api/v1/mediations/{mid}/sessions"), json!({"held_at": "下周一", "place": "坞城街道调解室"})).await;
        assert_eq!(bad.json()["error"]["field"], "held_at", "{}", bad.body);
        for t in ["2026-12-10 09:30", "2026-12-17T14:00"] {
            let r = staff
                .post(&app, &format!("/api/v1/mediations/{mid}/sessions"), json!({"held_at": t, "place": "坞城街道调解室", "attendance": "投诉人、用人单位负责人、调解员"}))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let bad = staff.post(&app, &format!("/api/v1/mediations/{mid}/outcome"), json!({"outcome": "agreed", "agreement": "", "amount": "180"})).await;
        assert_eq!(bad.json()["error"]["field"], "agreement");
        let r = staff
            .post(&app, &format!("/api/v1/mediations/{mid}/outcome"), json!({"outcome": "agreed", "agreement": "用人单位于12月20日前一次性支付拖欠报酬", "amount": "180.00"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let m = r.json();
        assert_eq!(m["status"], "agreed");
        assert_eq!(m["amount"], "180.00");
        assert_eq!(m["sessions"].as_array().unwrap().len(), 2);
        assert_eq!(staff.post(&app, &format!("/api/v1/mediations/{mid}/outcome"), json!({"outcome": "failed"})).await.status, StatusCode::CONFLICT);

        // The complainant's timeline: offices, not staff; no internal note.
        let mine = w.get(&app, &format!("/api/v1/complaints/{id}")).await;
        let d = mine.json();
        assert_eq!(d["summary"]["status"], "closed");
        let kinds: Vec<&str> = d["events"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["received", "statement", "acknowledged", "assigned", "note", "referred", "mediation_session", "mediation_session", "mediation_outcome"]);
        assert!(d["events"][2]["by"].as_str().unwrap().contains("小店区人社部门"));
        assert!(!mine.body.contains("内部：") && !mine.body.contains("complaints.county") && !mine.body.contains("测试"), "{}", mine.body);
        assert_eq!(d["mediation"]["sessions"].as_array().unwrap().len(), 2);
        let notices = w.get(&app, "/api/v1/notices").await.json();
        assert!(notices.as_array().unwrap().iter().any(|n| n["kind"] == "mediation_session"));
        assert!(notices.as_array().unwrap().iter().filter(|n| n["kind"] == "complaint_progress").count() >= 4);
        // A closed complaint takes no more statements.
        assert_eq!(w.post(&app, &format!("/api/v1/complaints/{id}/statements"), json!({"text": "补充"})).await.status, StatusCode::CONFLICT);

        // The pages of the three sides render what each may see.
        let page = Browser::of(&emp).get(&app, "/employer/complaints").await;
        assert!(page.html.contains("李*英") && page.html.contains(&id), "{}", page.html);
        let page = Browser::of(&emp).get(&app, &format!("/employer/complaints/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.html.contains("调解达成协议") && !page.html.contains("内部："), "{}", page.html);
        let page = Browser::of(&staff).get(&app, &format!("/staff/complaints/{id}")).await;
        assert!(page.html.contains("工作约定") && page.html.contains("坞城街道调解室") && page.html.contains("内部："), "{}", page.html);
        let page = Browser::of(&w).get(&app, &format!("/complaints/{id}")).await;
        assert!(page.html.contains("180.00 元") && !page.html.contains("evidence"), "{}", page.html);

        // Every change has its audit row.
        for e in ["complaint_filed", "complaint_statement_added", "complaint_acknowledged", "complaint_assigned", "complaint_referred",
                  "mediation_session_scheduled", "mediation_outcome_recorded", "complaint_closed"] {
            assert!(app.audit_count(e).await >= 1, "{e}");
        }
        assert_eq!(app.audit_count("complaint_note_added").await, 2);
        assert_eq!(app.audit_count("mediation_session_scheduled").await, 2);
        let filed = &audit::recent(&app.svc.db, Some("complaint_filed"), 1).await.unwrap()[0];
        assert_eq!(filed.region_code, "140105");
        assert!(!filed.detail.contains("李"), "no personal data in the audit detail");
        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());
        app
    })
    .await;
}

#[tokio::test]
async fn bad_input_names_the_field_and_writes_nothing() {
    each_app(|app| async move {
        let mut staff = app.staff_in("complaints.badinput", "140105").await;
        let mut emp = app.employer("badinput", "91110000600037341L").named("太原汾水家政服务有限公司").await;
        let mut owner = app.worker("owner", 71).await;
        let hire_id = hire_with_unpaid_wages(&app, &mut staff, &mut emp, &mut owner).await;
        let mut w = app.worker("other", 72).await;
        let ok: Value = json!({"category": "illegal_fee", "description": "办理求职登记时被收取了200元服务费。"});
        for (patch, field) in [
            (json!({"category": "noise"}), "category"),
            (json!({"description": "太短"}), "description"),
            (json!({"description": ""}), "description"),
            (json!({"hire_id": hire_id}), "hire_id"),
            (json!({"hire_id": "not-a-uuid"}), "$.hire_id"),
        ] {
            let mut body = ok.clone();
            for (k, v) in patch.as_object().unwrap() {
                body[k] = v.clone();
            }
            let r = w.post(&app, "/api/v1/complaints", body).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}: {}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
        }
        assert_eq!(w.get(&app, "/api/v1/complaints").await.json().as_array().unwrap().len(), 0, "nothing written");
        assert_eq!(app.audit_count("complaint_filed").await, 0);
        // Employers and staff do not file complaints.
        assert_eq!(emp.post(&app, "/api/v1/complaints", ok.clone()).await.status, StatusCode::FORBIDDEN);
        // Without a hire the complaint goes to the worker's own county.
        let r = w.post(&app, "/api/v1/complaints", ok).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["summary"]["county_code"], "140105");
        assert!(r.json()["summary"]["employer_name"].is_null());
        // A staff list filter that does not exist names the field.
        let bad = staff.get(&app, "/api/v1/complaints?status=lost").await;
        assert_eq!(bad.json()["error"]["field"], "status");
        app
    })
    .await;
}

#[tokio::test]
async fn overdue_complaints_escalate_to_the_city_exactly_once() {
    each_app(|app| async move {
        let mut county_acc = account(&app, "deadline.county", "staff", Some("140105"), &[]).await;
        let mut county = login(&app, &mut county_acc).await;
        let mut city_acc = account(&app, "deadline.city", "staff", Some("140100"), &[]).await;
        let mut w = app.worker("deadline", 81).await;
        let file = |text: &'static str| json!({"category": "discrimination", "description": text});
        let first = w
            .post(
                &app,
                "/api/v1/complaints",
                file("招聘时以年龄为由拒绝我报名，岗位并无年龄要求。"),
            )
            .await
            .json();
        let first_id = first["summary"]["id"].as_str().unwrap().to_owned();
        let second = w
            .post(
                &app,
                "/api/v1/complaints",
                file("面试时询问婚育情况并因此不予录用。"),
            )
            .await
            .json();
        let second_id = second["summary"]["id"].as_str().unwrap().to_owned();
        // Default limits: acknowledge within 24 hours, resolve within 15 days.
        let due = |v: &Value, k: &str| {
            chrono::DateTime::parse_from_rfc3339(v["summary"][k].as_str().unwrap()).unwrap()
        };
        let created = due(&first, "created_at");
        assert_eq!(
            (due(&first, "acknowledge_due_at") - created).num_hours(),
            24
        );
        assert_eq!((due(&first, "resolve_due_at") - created).num_days(), 15);
        // The second is acknowledged in time.
        county
            .post(
                &app,
                &format!("/api/v1/complaints/{second_id}/acknowledge"),
                json!({}),
            )
            .await;

        // Before the limit: nothing happens.
        app.clock.advance(chrono::Duration::hours(23));
        assert_eq!(app.svc.complaints_upkeep().await.unwrap().escalated, 0);
        // Past the acknowledgement limit: the first is escalated once, the city and the county told.
        app.clock.advance(chrono::Duration::hours(2));
        let r = app.svc.complaints_upkeep().await.unwrap();
        assert_eq!((r.escalated, r.notices), (1, 2));
        assert_eq!(
            app.svc.complaints_upkeep().await.unwrap().escalated,
            0,
            "idempotent"
        );
        // Sessions ended while the clock moved on: sign in again.
        let mut county = login(&app, &mut county_acc).await;
        let mut city = login(&app, &mut city_acc).await;
        let mut w = app.sign_in("deadline").await;
        let queue = county
            .get(&app, "/api/v1/complaints?status=overdue")
            .await
            .json();
        assert_eq!(queue.as_array().unwrap().len(), 1);
        assert_eq!(queue[0]["id"], first_id.as_str());
        assert_eq!(queue[0]["escalated"], true);
        let city_notices = city.get(&app, "/api/v1/notices").await.json();
        let escalations: Vec<&Value> = city_notices
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["kind"] == "complaint_escalated")
            .collect();
        assert_eq!(
            escalations.len(),
            2,
            "the city sees its own notice and the county's"
        );
        let county_notices = county.get(&app, "/api/v1/notices").await.json();
        assert_eq!(
            county_notices
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["kind"] == "complaint_escalated")
                .count(),
            1
        );
        assert_eq!(
            app.svc
                .complaints_workbench_counts(&county_actor(&app, &county).await)
                .await
                .unwrap(),
            (2, 1)
        );
        let timeline = w
            .get(&app, &format!("/api/v1/complaints/{first_id}"))
            .await
            .json();
        assert_eq!(
            timeline["events"].as_array().unwrap().last().unwrap()["kind"],
            "escalated"
        );

        // Past the resolution limit the acknowledged one is escalated too, once.
        app.clock.advance(chrono::Duration::days(15));
        assert_eq!(app.svc.complaints_upkeep().await.unwrap().escalated, 1);
        assert_eq!(app.svc.complaints_upkeep().await.unwrap().escalated, 0);
        assert_eq!(app.audit_count("complaint_escalated").await, 2);
        let mut county = login(&app, &mut county_acc).await;
        let rows = audit::recent(&app.svc.db, Some("complaint_escalated"), 10)
            .await
            .unwrap();
        assert!(
            rows.iter()
                .any(|r| r.detail.contains("\"reason\":\"acknowledge\""))
        );
        assert!(
            rows.iter()
                .any(|r| r.detail.contains("\"reason\":\"resolve\""))
        );

        // Resolving late still works and tells the complainant.
        let r = county
            .post(
                &app,
                &format!("/api/v1/complaints/{second_id}/resolve"),
                json!({"resolution": "短"}),
            )
            .await;
        assert_eq!(r.json()["error"]["field"], "resolution");
        let r = county
            .post(
                &app,
                &format!("/api/v1/complaints/{second_id}/resolve"),
                json!({"resolution": "经核查属实，已责令用人单位改正并书面道歉。"}),
            )
            .await;
        assert_eq!(r.json()["summary"]["status"], "resolved", "{}", r.body);
        let r = county
            .post(
                &app,
                &format!("/api/v1/complaints/{first_id}/resolve"),
                json!({"resolution": "尚未受理的投诉不能直接办结。"}),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::CONFLICT,
            "received → resolved is not a step"
        );
        assert_eq!(app.audit_count("complaint_resolved").await, 1);
        app
    })
    .await;
}

/// The actor of a logged-in staff client, for the workbench count functions.
async fn county_actor(app: &TestApp, c: &Client) -> linghuo_service::Actor {
    let token = c.cookie.clone().unwrap();
    match app
        .svc
        .session(&token, &Default::default())
        .await
        .unwrap()
        .unwrap()
        .state
    {
        linghuo_service::auth::SessionState::Active(a) => a,
        _ => panic!("not active"),
    }
}

#[tokio::test]
async fn pages_file_a_complaint_and_staff_resolve_it() {
    each_app(|app| async move {
        let staff_client = app.staff_in("pages.county", "140105").await;
        let w_client = app.worker("pageworker", 91).await;
        let mut wb = Browser::of(&w_client);
        let page = wb.get(&app, "/complaints").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert!(page.html.contains("提交新投诉"));
        // A too-short description shows the error beside the field, nothing written.
        let p = wb
            .post(
                &app,
                "/complaints",
                &[
                    ("category", "illegal_fee"),
                    ("hire_id", ""),
                    ("description", "收费"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.html.contains("description-error"), "{}", p.html);
        assert!(p.html.contains("收费"), "what was typed is kept");
        let (to, page) = wb
            .submit(
                &app,
                "/complaints",
                &[
                    ("category", "illegal_fee"),
                    ("hire_id", ""),
                    ("description", "街道劳务市场登记求职时被收取50元登记费。"),
                ],
            )
            .await;
        assert!(
            to.starts_with("/complaints/") && to.ends_with("?ok=filed"),
            "{to}"
        );
        assert!(page.html.contains("违规收费投诉"));
        let path = to.split('?').next().unwrap().to_owned();
        let id = path.trim_start_matches("/complaints/").to_owned();

        // Staff: queue, acknowledge, resolve (an empty resolution first).
        let mut sb = Browser::of(&staff_client);
        let q = sb.get(&app, "/staff/complaints").await;
        assert!(
            q.html.contains(&format!("/staff/complaints/{id}")),
            "{}",
            q.html
        );
        let csv = sb.get(&app, "/staff/complaints.csv?status=all").await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.html.contains("违规收费"));
        let xlsx = staff_client
            .clone()
            .get(&app, "/staff/complaints.xlsx")
            .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        assert!(
            xlsx.headers["content-type"]
                .to_str()
                .unwrap()
                .contains("spreadsheetml")
        );
        let detail = sb.get(&app, &format!("/staff/complaints/{id}")).await;
        assert!(detail.html.contains("确认受理"));
        let (_, page) = sb
            .submit(&app, &format!("/staff/complaints/{id}/acknowledge"), &[])
            .await;
        assert!(page.html.contains("已受理"));
        let p = sb
            .post(
                &app,
                &format!("/staff/complaints/{id}/resolve"),
                &[("resolution", "")],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.html.contains("resolution-error"), "{}", p.html);
        let (to, page) = sb
            .submit(
                &app,
                &format!("/staff/complaints/{id}/resolve"),
                &[(
                    "resolution",
                    "经核查属实，已责令退还50元并对收费方立案查处。",
                )],
            )
            .await;
        assert!(to.ends_with("?ok=resolve"), "{to}");
        assert!(page.html.contains("已办结"));

        // The worker sees the result and the timeline.
        let page = wb.get(&app, &path).await;
        assert!(page.html.contains("责令退还50元"), "{}", page.html);
        assert!(page.html.contains("小店区人社部门已受理投诉"));
        assert!(
            !page.html.contains("statement-form"),
            "a resolved complaint takes no statements"
        );
        // Another worker's browser: not found.
        let other = app.worker("pageother", 92).await;
        assert_eq!(
            Browser::of(&other).get(&app, &path).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(app.audit_count("complaint_resolved").await, 1);
        app
    })
    .await;
}
