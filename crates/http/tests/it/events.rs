//! 专场招聘 (四(九)) through the API and pages on both databases: staff create and publish an
//! event, a verified employer joins with a live post, workers register (once, even racing),
//! staff check them in and record outcomes; bad input names the field and writes nothing;
//! staff of another county get 404; every action is audited.

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

fn event_body(app: &TestApp) -> Value {
    json!({
        "title": "2026年冬季高校毕业生专场招聘会", "kind": "onsite", "county_code": "140105",
        "venue": "小店区人力资源市场一楼大厅", "starts_at": format!("{} 09:00", app.day(3)),
        "ends_at": format!("{} 12:00", app.day(3)), "description": "现场面试，带好简历。",
        "target_groups": ["college_graduate", "migrant_worker"]
    })
}

#[tokio::test]
async fn event_story_with_employers_registrations_and_outcomes() {
    each_app(|app| async move {
        let mut staff = app.staff_in("events.county", "140105").await;
        let mut other = app.staff_in("events.other", "140106").await;

        // Bad input names the field and writes nothing.
        for (patch, field) in [
            (json!({"title": "  "}), "title"),
            (json!({"kind": "party"}), "kind"),
            (json!({"county_code": "140106"}), "county_code"),
            (json!({"venue": ""}), "venue"),
            (json!({"starts_at": "明天上午"}), "starts_at"),
            (json!({"ends_at": format!("{} 08:00", app.day(3))}), "ends_at"),
            (json!({"target_groups": ["astronaut"]}), "target_groups[0]"),
        ] {
            let mut b = event_body(&app);
            for (k, v) in patch.as_object().unwrap() {
                b[k] = v.clone();
            }
            let r = staff.post(&app, "/api/v1/events", b).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}: {}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM recruitment_events").await, 0);

        // Create (a draft, not public), publish.
        let r = staff.post(&app, "/api/v1/events", event_body(&app)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let ev = r.json();
        let eid = ev["id"].as_str().unwrap().to_owned();
        assert_eq!(ev["status"], "draft");
        assert_eq!(ev["target_labels"][0], "高校毕业生");
        let mut anon = Client::default();
        assert_eq!(anon.get(&app, &format!("/api/v1/events/{eid}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(anon.get(&app, "/api/v1/events").await.json().as_array().unwrap().len(), 0);
        // Staff of another county: 404 on every detail and action.
        assert_eq!(other.post(&app, &format!("/api/v1/events/{eid}/publish"), json!({})).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other.get(&app, &format!("/api/v1/events/{eid}/registrations")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other.get(&app, &format!("/api/v1/events/{eid}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other.get(&app, "/api/v1/events/region").await.json().as_array().unwrap().len(), 0);
        let r = staff.post(&app, &format!("/api/v1/events/{eid}/publish"), json!({})).await;
        assert_eq!(r.json()["status"], "published", "{}", r.body);
        assert_eq!(staff.post(&app, &format!("/api/v1/events/{eid}/publish"), json!({})).await.status, StatusCode::CONFLICT);
        assert_eq!(anon.get(&app, "/api/v1/events").await.json().as_array().unwrap().len(), 1);

        // A verified employer joins with its live post; an unverified one cannot.
        let mut emp = app.employer("evemp", "91110000600037341L").await;
        let employers = staff.get(&app, "/api/v1/employers?unverified=true").await.json();
        let emp_id = employers[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(emp.post(&app, &format!("/api/v1/events/{eid}/employers"), json!({"post_ids": []})).await.status, StatusCode::FORBIDDEN);
        staff.post(&app, &format!("/api/v1/employers/{emp_id}/verify"), json!({})).await;
        let post = emp.post(&app, "/api/v1/posts", json!({
            "title": "招聘会现场岗位 家政保洁", "description": "家庭日常保洁，自带工具，周末上门服务。", "occupation": "保洁员", "form": "part_time",
            "county_code": "140105", "address": "小店区坞城路", "starts_on": app.day(7), "schedule": "每周六、日 9:00-12:00",
            "hours_per_week": 6, "pay_amount": "30.00", "pay_unit": "hour", "headcount": 2, "accident_cover": true
        })).await.json();
        assert_eq!(post["status"], "live", "{post}");
        let post_id = post["id"].as_str().unwrap().to_owned();
        let bad = emp.post(&app, &format!("/api/v1/events/{eid}/employers"), json!({"post_ids": [eid]})).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.json()["error"]["field"], "post_ids[0]");
        let d = emp.post(&app, &format!("/api/v1/events/{eid}/employers"), json!({"post_ids": [post_id]})).await;
        assert_eq!(d.status, StatusCode::OK, "{}", d.body);
        assert_eq!(d.json()["employers"][0]["posts"][0]["title"], "招聘会现场岗位 家政保洁");
        let public = anon.get(&app, &format!("/api/v1/events/{eid}")).await.json();
        assert_eq!(public["employers"].as_array().unwrap().len(), 1);

        // Workers register; twice is 409; a race of two registrations leaves one row.
        let mut w = app.worker("evworker", 61).await;
        let r = w.post(&app, &format!("/api/v1/events/{eid}/registrations"), json!({})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let reg_id = r.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(w.post(&app, &format!("/api/v1/events/{eid}/registrations"), json!({})).await.status, StatusCode::CONFLICT);
        let w2 = app.worker("evworker2", 62).await;
        let (mut a, mut b) = (w2.clone(), w2.clone());
        let path = format!("/api/v1/events/{eid}/registrations");
        let (ra, rb) = tokio::join!(a.post(&app, &path, json!({})), b.post(&app, &path, json!({})));
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
        assert_eq!(app.count("SELECT COUNT(*) FROM event_registrations").await, 2);
        let mine = w.get(&app, "/api/v1/events/mine").await.json();
        assert_eq!(mine.as_array().unwrap().len(), 1);
        assert_eq!(mine[0]["event_title"], "2026年冬季高校毕业生专场招聘会");

        // Check-in and outcomes by staff of the county only.
        let ci = format!("/api/v1/event-registrations/{reg_id}/check-in");
        assert_eq!(other.post(&app, &ci, json!({})).await.status, StatusCode::NOT_FOUND);
        assert_eq!(staff.post(&app, &ci, json!({})).await.json()["checked_in"], true);
        assert_eq!(staff.post(&app, &ci, json!({})).await.status, StatusCode::CONFLICT);
        let oc = format!("/api/v1/event-registrations/{reg_id}/outcome");
        let r = staff.post(&app, &oc, json!({"interviews": -1})).await;
        assert_eq!(r.json()["error"]["field"], "interviews");
        let r = staff.post(&app, &oc, json!({"hire_id": eid})).await;
        assert_eq!(r.json()["error"]["field"], "hire_id");
        assert_eq!(other.post(&app, &oc, json!({"interviews": 1})).await.status, StatusCode::NOT_FOUND);
        let r = staff.post(&app, &oc, json!({"interviews": 2, "offers": 1, "hires": 1, "note": "保洁岗位录用"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let report = staff.get(&app, &format!("/api/v1/events/{eid}/registrations")).await.json();
        assert_eq!(report["totals"]["registrations"], 2);
        assert_eq!(report["totals"]["checked_in"], 1);
        assert_eq!(report["totals"]["interviews"], 2);
        assert_eq!(report["totals"]["hires"], 1);
        assert_eq!(report["totals"]["posts"], 1);
        assert!(report["registrations"][0]["worker_name"].as_str().unwrap().contains('*'));

        // Close; registration is then refused.
        assert_eq!(other.post(&app, &format!("/api/v1/events/{eid}/close"), json!({})).await.status, StatusCode::NOT_FOUND);
        assert_eq!(staff.post(&app, &format!("/api/v1/events/{eid}/close"), json!({})).await.json()["status"], "closed");
        let mut w3 = app.worker("evworker3", 63).await;
        assert_eq!(w3.post(&app, &format!("/api/v1/events/{eid}/registrations"), json!({})).await.status, StatusCode::CONFLICT);

        // Workbench counts, and every action audited.
        let c = staff.get(&app, "/api/v1/services/workbench").await.json();
        assert_eq!(c["upcoming_events"], 0);
        for t in ["event_created", "event_published", "event_employer_added", "event_registered", "event_checked_in",
                  "event_outcome_recorded", "event_closed"] {
            assert!(app.audit_count(t).await >= 1, "{t} audited");
        }
        assert_eq!(app.audit_count("event_registered").await, 2);
        assert!(app.audit_count("access_denied").await >= 5);
        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());
        app
    })
    .await;
}

#[tokio::test]
async fn worker_registers_for_an_event_through_the_pages() {
    each_app(|app| async move {
        let staff_client = app.staff_in("evpages.staff", "140105").await;
        let mut staff = Browser::of(&staff_client);

        // Staff create and publish through the pages.
        let p = staff.get(&app, "/staff/events").await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.html);
        let start = format!("{} 09:00", app.day(2));
        let end = format!("{} 11:30", app.day(2));
        let bad = staff
            .post(
                &app,
                "/staff/events",
                &[
                    ("title", ""),
                    ("kind", "onsite"),
                    ("county_code", "140105"),
                    ("venue", "小店区人力资源市场"),
                    ("starts_at", &start),
                    ("ends_at", &end),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.html.contains("title-error"), "{}", bad.html);
        let (to, page) = staff
            .submit(
                &app,
                "/staff/events",
                &[
                    ("title", "农民工返岗专场招聘会"),
                    ("kind", "onsite"),
                    ("county_code", "140105"),
                    ("venue", "小店区人力资源市场"),
                    ("starts_at", &start),
                    ("ends_at", &end),
                    ("target_groups", "migrant_worker"),
                ],
            )
            .await;
        assert!(page.html.contains("农民工返岗专场招聘会"));
        let eid = to
            .strip_prefix("/staff/events/")
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let (_, page) = staff
            .submit(&app, &format!("/staff/events/{eid}/publish"), &[])
            .await;
        assert!(page.html.contains("已发布"), "{}", page.html);

        // The public list and the details; a signed-in worker registers.
        let mut anon = Browser::new();
        let list = anon.get(&app, "/events").await;
        assert!(list.html.contains("农民工返岗专场招聘会"));
        let w = app.worker("evpages.worker", 71).named("王建国").await;
        let mut wb = Browser::of(&w);
        let detail = wb.get(&app, &format!("/events/{eid}")).await;
        assert!(detail.html.contains("我要报名"), "{}", detail.html);
        let (to, mine) = wb
            .submit(&app, &format!("/events/{eid}/register"), &[])
            .await;
        assert!(to.starts_with("/events/mine"), "{to}");
        assert!(mine.html.contains("农民工返岗专场招聘会"));
        let again = wb.post(&app, &format!("/events/{eid}/register"), &[]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);

        // Staff see the registration, check in, and download the table.
        let d = staff.get(&app, &format!("/staff/events/{eid}")).await;
        assert!(d.html.contains("王*国"), "{}", d.html);
        let reg = linghuo_storage::on_pool!(&app.svc.db, |p| sqlx::query_scalar::<_, uuid::Uuid>(
            "SELECT id FROM event_registrations"
        )
        .fetch_one(p)
        .await
        .unwrap());
        let (_, d) = staff
            .submit(
                &app,
                &format!("/staff/events/{eid}/registrations/{reg}/check-in"),
                &[],
            )
            .await;
        assert!(d.html.contains("已签到"));
        let csv = staff
            .get(&app, &format!("/staff/events/{eid}/registrations.csv"))
            .await;
        assert_eq!(csv.status, StatusCode::OK);
        assert!(csv.html.contains("王*国"));
        let mut sc = staff_client.clone();
        let xlsx = sc
            .get(&app, &format!("/staff/events/{eid}/registrations.xlsx"))
            .await;
        assert_eq!(xlsx.status, StatusCode::OK);
        // Another county's staff: 404.
        let other_client = app.staff_in("evpages.other", "140106").await;
        let mut other = Browser::of(&other_client);
        assert_eq!(
            other
                .get(&app, &format!("/staff/events/{eid}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        app
    })
    .await;
}
