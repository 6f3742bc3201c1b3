//! 档案管理 (四(九)) through the API and pages on both databases: receipt with a per-county
//! archive number, store, lend with a due date, overdue list, return and transfer out, each
//! logged and audited; the worker sees where the archive is without staff names; bad input
//! names the field and writes nothing; staff of another county get 404.

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;
use chrono::{Datelike, Duration};
use serde_json::json;
use uuid::Uuid;

#[tokio::test]
async fn archive_receipt_movements_and_the_workers_view() {
    each_app(|app| async move {
        let mut staff_acc = account(&app, "arch.county", "staff", Some("140105"), &[]).await;
        let mut s = login(&app, &mut staff_acc).await;
        let mut other_acc = account(&app, "arch.other", "staff", Some("140106"), &[]).await;
        let mut other = login(&app, &mut other_acc).await;
        app.worker("a.worker", 31).named("郑小梅").await;
        let person = app.person_of("a.worker").await;
        app.worker("a.worker2", 32).named("冯大伟").await;
        let person2 = app.person_of("a.worker2").await;
        let today = app.day(0);
        let year = (app.clock.now() + Duration::hours(8)).year();

        // Bad input names the field and writes nothing.
        for (body, field) in [
            (
                json!({"person_id": Uuid::new_v4(), "received_on": today}),
                "person_id",
            ),
            (
                json!({"person_id": person, "received_on": "昨天"}),
                "received_on",
            ),
            (
                json!({"person_id": person, "received_on": app.day(2)}),
                "received_on",
            ),
        ] {
            let r = s.post(&app, "/api/v1/archives", body).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert_eq!(r.json()["error"]["field"], field);
        }
        assert_eq!(
            other
                .post(
                    &app,
                    "/api/v1/archives",
                    json!({"person_id": person, "received_on": today})
                )
                .await
                .json()["error"]["field"],
            "person_id"
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM archives").await, 0);

        // Receipt: numbers per county and year.
        let r = s
            .post(
                &app,
                "/api/v1/archives",
                json!({"person_id": person, "received_on": today, "received_from": "太原理工大学"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let a = r.json();
        let aid = a["id"].as_str().unwrap().to_owned();
        assert_eq!(a["archive_no"], format!("140105{year}00001"));
        assert_eq!(a["status"], "received");
        assert_eq!(a["movements"][0]["kind"], "transfer_in");
        let b = s
            .post(
                &app,
                "/api/v1/archives",
                json!({"person_id": person2, "received_on": today, "location": "1号库房2柜3层"}),
            )
            .await
            .json();
        assert_eq!(b["archive_no"], format!("140105{year}00002"));
        assert_eq!(b["status"], "in_store");
        assert_eq!(
            s.post(
                &app,
                "/api/v1/archives",
                json!({"person_id": person, "received_on": today})
            )
            .await
            .status,
            StatusCode::CONFLICT
        );

        // Search in region by number; other county sees nothing and gets 404.
        let found = s
            .get(&app, &format!("/api/v1/archives?no=140105{year}00001"))
            .await
            .json();
        assert_eq!(found.as_array().unwrap().len(), 1);
        assert_eq!(
            s.get(&app, "/api/v1/archives?no=abc").await.json()["error"]["field"],
            "no"
        );
        assert_eq!(
            other
                .get(&app, "/api/v1/archives")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            other
                .get(&app, &format!("/api/v1/archives/{aid}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            other
                .post(
                    &app,
                    &format!("/api/v1/archives/{aid}/movements"),
                    json!({"action": "store", "location": "x"})
                )
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // Movements: lend before storing is refused; store; lend; overdue; return; transfer out.
        let mv = format!("/api/v1/archives/{aid}/movements");
        assert_eq!(
            s.post(
                &app,
                &mv,
                json!({"action": "lend", "borrower": "小店区人社局", "due_on": app.day(3)})
            )
            .await
            .status,
            StatusCode::CONFLICT
        );
        assert_eq!(
            s.post(&app, &mv, json!({"action": "store"})).await.json()["error"]["field"],
            "location"
        );
        assert_eq!(
            s.post(&app, &mv, json!({"action": "burn"})).await.json()["error"]["field"],
            "action"
        );
        assert_eq!(
            s.post(
                &app,
                &mv,
                json!({"action": "store", "location": "2号库房1柜5层"})
            )
            .await
            .json()["status"],
            "in_store"
        );
        assert_eq!(
            s.post(
                &app,
                &mv,
                json!({"action": "lend", "borrower": "小店区人社局"})
            )
            .await
            .json()["error"]["field"],
            "due_on"
        );
        let lent = s
            .post(
                &app,
                &mv,
                json!({"action": "lend", "borrower": "小店区人社局政审组", "due_on": app.day(3)}),
            )
            .await
            .json();
        assert_eq!(lent["status"], "lent_out");
        assert_eq!(
            s.get(&app, "/api/v1/archives/overdue")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        app.clock.advance(Duration::days(5));
        // Sessions time out over five days: sign in again.
        s = login(&app, &mut staff_acc).await;
        other = login(&app, &mut other_acc).await;
        let mut w = app.sign_in("a.worker").await;
        let mut w2 = app.sign_in("a.worker2").await;
        let overdue = s.get(&app, "/api/v1/archives/overdue").await.json();
        assert_eq!(overdue.as_array().unwrap().len(), 1);
        assert_eq!(overdue[0]["overdue"], true);
        assert_eq!(
            s.get(&app, "/api/v1/services/workbench").await.json()["overdue_archive_loans"],
            1
        );
        assert_eq!(
            other
                .get(&app, "/api/v1/archives/overdue")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        let back = s.post(&app, &mv, json!({"action": "return"})).await.json();
        assert_eq!(back["status"], "in_store");
        assert_eq!(back["location"], "2号库房1柜5层");
        assert_eq!(
            s.post(&app, &mv, json!({"action": "transfer_out"}))
                .await
                .json()["error"]["field"],
            "destination"
        );
        let out = s
            .post(
                &app,
                &mv,
                json!({"action": "transfer_out", "destination": "晋中市榆次区人才服务中心"}),
            )
            .await
            .json();
        assert_eq!(out["status"], "transferred_out", "{out}");
        assert_eq!(out["status"], "transferred_out");
        assert_eq!(out["movements"].as_array().unwrap().len(), 5);
        assert_eq!(out["movements"][1]["by"], "测试arch.county");

        // The worker sees the log without staff names; another worker sees only their own.
        let mine = w.get(&app, "/api/v1/archives/mine").await.json();
        assert_eq!(mine.as_array().unwrap().len(), 1);
        assert_eq!(mine[0]["status"], "transferred_out");
        assert!(
            mine[0]["movements"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["by"].is_null())
        );
        assert!(mine[0]["borrower"].is_null());
        let theirs = w2.get(&app, "/api/v1/archives/mine").await.json();
        assert_eq!(theirs[0]["archive_no"], format!("140105{year}00002"));
        assert_eq!(
            w.get(&app, &format!("/api/v1/archives/{aid}")).await.status,
            StatusCode::FORBIDDEN
        );

        for t in [
            "archive_received",
            "archive_stored",
            "archive_lent",
            "archive_returned",
            "archive_transferred_out",
        ] {
            assert!(app.audit_count(t).await >= 1, "{t} audited");
        }
        assert_eq!(app.audit_count("archive_received").await, 2);
        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());
        app
    })
    .await;
}

#[tokio::test]
async fn staff_receive_and_lend_an_archive_through_the_pages() {
    each_app(|app| async move {
        let staff_client = app.staff_in("apages.staff", "140105").await;
        let mut staff = Browser::of(&staff_client);
        let w = app.worker("apages.worker", 41).named("陈晓东").await;
        let person = app.person_of("apages.worker").await;

        assert_eq!(
            staff.get(&app, "/staff/archives").await.status,
            StatusCode::OK
        );
        let p = staff
            .post(&app, "/staff/archives", &[("q", "陈晓东")])
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.html);
        assert!(p.html.contains(&person.to_string()), "{}", p.html);
        let person_s = person.to_string();
        let today = app.day(0);
        let (to, page) = staff
            .submit(
                &app,
                "/staff/archives/receive",
                &[
                    ("person_id", &person_s),
                    ("received_on", &today),
                    ("location", "3号库房1柜1层"),
                ],
            )
            .await;
        assert!(page.html.contains("档案已接收"), "{}", page.html);
        assert!(page.html.contains("在库"));
        let aid = to
            .strip_prefix("/staff/archives/")
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let due = app.day(10);
        let (_, page) = staff
            .submit(
                &app,
                &format!("/staff/archives/{aid}/move"),
                &[
                    ("action", "lend"),
                    ("borrower", "区委组织部"),
                    ("due_on", &due),
                ],
            )
            .await;
        assert!(page.html.contains("借出"));
        let bad = staff
            .post(
                &app,
                &format!("/staff/archives/{aid}/move"),
                &[("action", "return"), ("location", "")],
            )
            .await;
        assert_eq!(
            bad.status,
            StatusCode::SEE_OTHER,
            "return keeps the old place when none is typed"
        );

        let mut wb = Browser::of(&w);
        let mine = wb.get(&app, "/archives/mine").await;
        assert!(mine.html.contains("3号库房1柜1层"), "{}", mine.html);
        assert!(!mine.html.contains("测试apages.staff"), "no staff names");

        let other_client = app.staff_in("apages.other", "140106").await;
        let mut other = Browser::of(&other_client);
        assert_eq!(
            other
                .get(&app, &format!("/staff/archives/{aid}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        app
    })
    .await;
}
