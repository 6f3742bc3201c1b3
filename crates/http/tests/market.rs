//! The gig market's flows through the API on both databases: sign-up, verification, posting
//! with screening, applying, hiring with the automatic 用工登记, the agreement of 四(十) and pay
//! confirmed by both sides.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::{Value, json};

async fn sign_in(app: &App, username: &str, password: &str) -> Client {
    let mut c = Client::default();
    c.start(app).await;
    let r = c
        .post(
            app,
            "/api/v1/session",
            json!({"username": username, "password": password}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["next"], "done");
    c.csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
    c
}

const PASSWORD: &str = "汾河水长流 2026 秋";

async fn employer(app: &App, username: &str, uscc: &str) -> Client {
    let mut c = Client::default();
    c.start(app).await;
    let r = c
        .post(app, "/api/v1/signup/employer", json!({
            "username": username, "password": PASSWORD,
            "employer": {"kind": "enterprise", "name": format!("太原{username}家政服务有限公司"), "uscc": uscc, "contact_name": "王经理",
                         "contact_phone": "13912345678", "county_code": "140105", "address": "小店区长治路"}
        }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    sign_in(app, username, PASSWORD).await
}

async fn worker(app: &App, username: &str, seq: u32) -> Client {
    let mut c = Client::default();
    c.start(app).await;
    let r = c
        .post(app, "/api/v1/signup/worker", json!({
            "username": username, "password": PASSWORD, "name": "李秀英", "id_number": id_number("140105", seq),
            "phone": format!("1371234{:04}", seq), "county_code": "140105"
        }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    sign_in(app, username, PASSWORD).await
}

fn post_body(title: &str) -> Value {
    json!({
        "title": title, "description": "家庭日常保洁，自带工具，周末上门服务。", "occupation": "保洁员", "form": "part_time",
        "county_code": "140105", "address": "小店区坞城路", "starts_on": "2026-12-05", "schedule": "每周六、日 9:00-12:00",
        "hours_per_week": 6, "pay_amount": "30.00", "pay_unit": "hour", "headcount": 1, "accident_cover": true
    })
}

#[tokio::test]
async fn post_apply_hire_registers_and_agree_and_pay() {
    each_app(|app| async move {
        let mut staff_acc = account(&app, "market.county", "staff", Some("140105"), &[]).await;
        let mut staff = login(&app, &mut staff_acc).await;
        let mut other_acc = account(&app, "market.other", "staff", Some("140106"), &[]).await;
        let mut other = login(&app, &mut other_acc).await;
        let mut emp = employer(&app, "baojie", "91110000600037341L").await;

        // Unverified: the post is held with the reason; staff of the county see it in the queue.
        let held = emp.post(&app, "/api/v1/posts", post_body("周末家庭保洁")).await;
        assert_eq!(held.status, StatusCode::CREATED, "{}", held.body);
        assert_eq!(held.json()["status"], "held");
        assert_eq!(held.json()["findings"][0]["code"], "employer_unverified");
        let held_id = held.json()["id"].as_str().unwrap().to_owned();
        let queue = staff.get(&app, "/api/v1/posts/review").await.json();
        assert_eq!(queue.as_array().unwrap().len(), 1);
        assert_eq!(other.get(&app, "/api/v1/posts/review").await.json().as_array().unwrap().len(), 0, "another county sees nothing");
        // A held post is not public.
        let mut anon = Client::default();
        assert_eq!(anon.get(&app, &format!("/api/v1/posts/{held_id}")).await.status, StatusCode::NOT_FOUND);

        // Staff verify the employer and approve the post.
        let employers = staff.get(&app, "/api/v1/employers?unverified=true").await.json();
        let eid = employers[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(other.post(&app, &format!("/api/v1/employers/{eid}/verify"), json!({})).await.status, StatusCode::NOT_FOUND);
        assert_eq!(staff.post(&app, &format!("/api/v1/employers/{eid}/verify"), json!({})).await.json()["verified"], true);
        let approved = staff.post(&app, &format!("/api/v1/posts/{held_id}/review"), json!({"approve": true})).await;
        assert_eq!(approved.json()["status"], "live", "{}", approved.body);
        assert_eq!(anon.get(&app, &format!("/api/v1/posts/{held_id}")).await.status, StatusCode::OK);

        // Now verified: a clean post goes live at once; the same post again is held as a duplicate.
        let live = emp.post(&app, "/api/v1/posts", post_body("钟点工 家庭保洁")).await.json();
        assert_eq!(live["status"], "live");
        assert_eq!(live["occupation_name"], "保洁员");
        assert_eq!(live["pay"], "30.00元/小时");
        let dup = emp.post(&app, "/api/v1/posts", post_body("钟点工 家庭保洁")).await.json();
        assert_eq!(dup["status"], "held");
        assert_eq!(dup["findings"][0]["code"], "duplicate_post");

        // A worker applies; applying twice is a conflict.
        let mut w = worker(&app, "xiuying", 51).await;
        let post_id = live["id"].as_str().unwrap().to_owned();
        let a = w.post(&app, &format!("/api/v1/posts/{post_id}/applications"), json!({"message": "周末都有空"})).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        assert_eq!(w.post(&app, &format!("/api/v1/posts/{post_id}/applications"), json!({})).await.status, StatusCode::CONFLICT);
        let apps = emp.get(&app, &format!("/api/v1/posts/{post_id}/applications")).await.json();
        assert_eq!(apps[0]["worker_name"], "李*英", "the employer sees the applicant masked");

        // Hire: the 用工登记 is filed by itself, visible to the job's county only.
        let app_id = apps[0]["id"].as_str().unwrap().to_owned();
        let hire = emp.post(&app, &format!("/api/v1/applications/{app_id}/hire"), json!({"start_date": "2026-12-05"})).await;
        assert_eq!(hire.status, StatusCode::CREATED, "{}", hire.body);
        let hire_id = hire.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(emp.post(&app, &format!("/api/v1/applications/{app_id}/hire"), json!({"start_date": "2026-12-05"})).await.status, StatusCode::CONFLICT);
        let regs = staff.get(&app, "/api/v1/hiring-registrations").await.json();
        assert_eq!(regs.as_array().unwrap().len(), 1);
        assert_eq!(regs[0]["form_label"], "非全日制");
        assert_eq!(other.get(&app, "/api/v1/hiring-registrations").await.json().as_array().unwrap().len(), 0);
        assert_eq!(anon.get(&app, &format!("/api/v1/posts/{post_id}")).await.status, StatusCode::NOT_FOUND, "a filled post leaves the public market");

        // Agreement: proposed by the employer, confirmed by the worker; a 20-day 非全日制 cycle is flagged.
        let agreement = json!({"service_time": "每周六、日 9:00-12:00", "pay_amount": "30.00", "pay_unit": "hour", "pay_cycle_days": 20,
                               "first_pay_on": "2026-12-20", "rest": "法定节假日休息", "safety": "提供防滑鞋和手套", "accident_cover": true});
        assert_eq!(w.post(&app, &format!("/api/v1/hires/{hire_id}/agreement"), agreement.clone()).await.status, StatusCode::FORBIDDEN);
        let h = emp.post(&app, &format!("/api/v1/hires/{hire_id}/agreement"), agreement).await.json();
        assert_eq!(h["agreement"]["employer_confirmed"], true);
        assert!(h["agreement"]["flags"][0].as_str().unwrap().contains("十五日"));
        let h = w.post(&app, &format!("/api/v1/hires/{hire_id}/agreement/confirm"), json!({})).await.json();
        assert_eq!(h["agreement"]["worker_confirmed"], true);
        assert_eq!(w.post(&app, &format!("/api/v1/hires/{hire_id}/agreement/confirm"), json!({})).await.status, StatusCode::CONFLICT);

        // Pay: recorded by the employer, confirmed by the worker; the record counts as on time.
        let h = emp.post(&app, &format!("/api/v1/hires/{hire_id}/pay"), json!({"period": "2026年12月上半月", "amount": "180.00", "due_on": "2099-12-20"})).await.json();
        let pay_id = h["pay"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(h["pay"][0]["amount"], "180.00");
        let h = w.post(&app, &format!("/api/v1/hires/{hire_id}/pay/{pay_id}/confirm"), json!({})).await.json();
        assert_eq!(h["pay"][0]["worker_confirmed"], true);
        assert_eq!(emp.get(&app, "/api/v1/employer").await.json()["on_time_pay"], 1);
        // An outsider cannot see the hire.
        let mut w2 = worker(&app, "stranger", 52).await;
        assert_eq!(w2.get(&app, &format!("/api/v1/hires/{hire_id}")).await.status, StatusCode::NOT_FOUND);
        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());
        app
    })
    .await;
}

#[tokio::test]
async fn post_validation_names_fields() {
    each_app(|app| async move {
        let mut emp = employer(&app, "yanzheng", "91110000600037341L").await;
        for (patch, field) in [
            (json!({"occupation": "宇航员"}), "occupation"),
            (json!({"county_code": "140100"}), "county_code"),
            (json!({"pay_amount": "-5"}), "pay_amount"),
            (json!({"pay_unit": "week"}), "pay_unit"),
            (json!({"starts_on": "2026-13-01"}), "starts_on"),
            (json!({"headcount": 0}), "headcount"),
            (json!({"title": ""}), "title"),
        ] {
            let mut body = post_body("保洁");
            for (k, v) in patch.as_object().unwrap() {
                body[k] = v.clone();
            }
            let r = emp.post(&app, "/api/v1/posts", body).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}: {}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
        }
        assert_eq!(
            emp.get(&app, "/api/v1/posts")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0,
            "nothing half-written"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_last_place_goes_to_exactly_one_hire() {
    each_app(|app| async move {
        let mut staff_acc = account(&app, "race.county", "staff", Some("140105"), &[]).await;
        let mut staff = login(&app, &mut staff_acc).await;
        let mut emp = employer(&app, "jingzheng", "91110000600037341L").await;
        let eid = staff
            .get(&app, "/api/v1/employers?unverified=true")
            .await
            .json()[0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        staff
            .post(&app, &format!("/api/v1/employers/{eid}/verify"), json!({}))
            .await;
        let post = emp
            .post(&app, "/api/v1/posts", post_body("周末保洁一名"))
            .await
            .json();
        let pid = post["id"].as_str().unwrap().to_owned();
        let mut ids = Vec::new();
        for i in 0..4 {
            let mut w = worker(&app, &format!("racer{i}"), 60 + i).await;
            ids.push(
                w.post(
                    &app,
                    &format!("/api/v1/posts/{pid}/applications"),
                    json!({}),
                )
                .await
                .json()["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            );
        }
        let hires = futures_join(&app, &emp, &ids).await;
        assert_eq!(
            hires.iter().filter(|s| **s == StatusCode::CREATED).count(),
            1,
            "{hires:?}"
        );
        assert!(
            hires
                .iter()
                .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
            "{hires:?}"
        );
        assert_eq!(
            staff
                .get(&app, "/api/v1/hiring-registrations")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            1
        );
        app
    })
    .await;
}

async fn futures_join(app: &App, emp: &Client, ids: &[String]) -> Vec<StatusCode> {
    let mut handles = Vec::new();
    for id in ids {
        let mut c = emp.clone();
        let router = app.router.clone();
        let svc = app.svc.clone();
        let clock = app.clock.clone();
        let id = id.clone();
        handles.push(tokio::spawn(async move {
            let tmp = App {
                svc,
                router,
                clock,
                label: "race",
                test_db: None,
            };
            c.post(
                &tmp,
                &format!("/api/v1/applications/{id}/hire"),
                json!({"start_date": "2026-12-05"}),
            )
            .await
            .status
        }));
    }
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}
