//! The gig market's flows through the API on both databases: sign-up, verification, posting
//! with screening, applying, hiring with the automatic 用工登记, the agreement of 四(十) and pay
//! confirmed by both sides.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

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
        let mut staff = app.staff_in("market.county", "140105").await;
        let mut other = app.staff_in("market.other", "140106").await;
        let mut emp = app.employer("baojie", "91110000600037341L").await;

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
        assert_eq!(live["pay"], "时薪30元");
        assert_eq!(live["pay_text"], "30.00元/小时", "the earlier amount and unit as entered");
        assert_eq!(live["pay_amount"], "30.00");
        assert_eq!(live["pay_unit"], "hour");
        let dup = emp.post(&app, "/api/v1/posts", post_body("钟点工 家庭保洁")).await.json();
        assert_eq!(dup["status"], "held");
        assert_eq!(dup["findings"][0]["code"], "duplicate_post");

        // A worker applies; applying twice is a conflict.
        let mut w = app.worker("xiuying", 51).await;
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
        let mut w2 = app.worker("stranger", 52).await;
        assert_eq!(w2.get(&app, &format!("/api/v1/hires/{hire_id}")).await.status, StatusCode::NOT_FOUND);
        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());
        app
    })
    .await;
}

#[tokio::test]
async fn post_validation_names_fields() {
    each_app(|app| async move {
        let mut emp = app.employer("yanzheng", "91110000600037341L").await;
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
        let mut staff = app.staff_in("race.county", "140105").await;
        let mut emp = app.employer("jingzheng", "91110000600037341L").await;
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
            let mut w = app.worker(&format!("racer{i}"), 60 + i).await;
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

async fn futures_join(app: &TestApp, emp: &Client, ids: &[String]) -> Vec<StatusCode> {
    let mut handles = Vec::new();
    for id in ids {
        let mut c = emp.clone();
        let router = app.router.clone();
        let svc = app.svc.clone();
        let clock = app.clock.clone();
        let id = id.clone();
        handles.push(tokio::spawn(async move {
            let tmp = TestApp {
                svc,
                router,
                clock,
                label: "race",
                test_db: None,
                outbox: tempfile::tempdir().unwrap(),
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

#[tokio::test]
async fn search_recommend_invite_hire_complete_and_rate() {
    each_app(|app| async move {
        let (mut emp, _staff, _) = app.employer_verified("tuijian", "91110000600037341L").await;
        let clean = emp.post(&app, "/api/v1/posts", post_body("周末家庭保洁")).await;
        assert_eq!(clean.json()["status"], "live", "{}", clean.body);
        let pid = clean.json()["id"].as_str().unwrap().to_owned();
        let mut other = post_body("仓库搬运装卸");
        other["occupation"] = json!("装卸工");
        other["description"] = json!("物流仓库装卸货物，日结。");
        other["form"] = json!("gig");
        other["pay_amount"] = json!("200.00");
        other["pay_unit"] = json!("day");
        other["county_code"] = json!("140106");
        other["schedule"] = json!("每天 08:00-17:00");
        other["hours_per_week"] = Value::Null;
        let o = emp.post(&app, "/api/v1/posts", other).await;
        assert_eq!(o.json()["status"], "live", "{}", o.body);

        // Public Chinese search with reasons, filters, and field errors.
        let mut anon = Client::default();
        anon.start(&app).await;
        let hits = anon.get(&app, "/api/v1/posts/search?q=%E4%BF%9D%E6%B4%81").await;
        assert_eq!(hits.status, StatusCode::OK, "{}", hits.body);
        let hits = hits.json();
        assert_eq!(hits.as_array().unwrap().len(), 1, "{hits}");
        assert_eq!(hits[0]["post"]["id"], pid.as_str());
        assert!(!hits[0]["why"].as_str().unwrap().is_empty());
        let by_region = anon.get(&app, "/api/v1/posts/search?region=140106").await.json();
        assert_eq!(by_region.as_array().unwrap().len(), 1);
        assert_eq!(by_region[0]["post"]["title"], "仓库搬运装卸");
        let near = anon
            .get(&app, "/api/v1/posts/search?near=37.74,112.56&sort=distance")
            .await
            .json();
        assert_eq!(near.as_array().unwrap().len(), 2);
        assert!(near[0]["distance_km"].as_f64().unwrap() <= near[1]["distance_km"].as_f64().unwrap());
        let bad = anon.get(&app, "/api/v1/posts/search?limit=0").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.json()["error"]["field"], "limit");
        let bad = anon.get(&app, "/api/v1/posts/search?sort=price").await;
        assert_eq!(bad.json()["error"]["field"], "sort");

        // The worker's profile drives recommendations; each says why.
        let mut w = app.worker("qiuzhi", 71).await;
        assert_eq!(w.get(&app, "/api/v1/recommendations/jobs").await.status, StatusCode::CONFLICT);
        assert_eq!(w.get(&app, "/api/v1/profile").await.status, StatusCode::NOT_FOUND);
        let bad = w
            .send(&app, axum::http::Method::PUT, "/api/v1/profile", Some(json!({"occupations": ["宇航员"]})))
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.json()["error"]["field"], "occupations[0]");
        let p = w
            .send(&app, axum::http::Method::PUT, "/api/v1/profile", Some(json!({
                "occupations": ["保洁员"], "skills": ["擦玻璃"], "radius_km": 15.0,
                "availability": "周末 08:00-18:00", "expected_pay_amount": "25.00", "expected_pay_unit": "hour",
                "wanted_forms": ["part_time", "hourly"]
            })))
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert_eq!(p.json()["occupation_names"][0], "保洁员");
        let recs = w.get(&app, "/api/v1/recommendations/jobs").await.json();
        let recs = recs.as_array().unwrap();
        assert_eq!(recs.len(), 1, "only the cleaning job passes the hard filters: {recs:?}");
        assert_eq!(recs[0]["post"]["id"], pid.as_str());
        assert!(recs[0]["why"].as_array().unwrap().iter().any(|r| r.as_str().unwrap().starts_with("距离")), "{recs:?}");

        // The employer sees the worker masked among the candidates and invites them.
        let cands = emp.get(&app, &format!("/api/v1/posts/{pid}/candidates")).await.json();
        let cands = cands.as_array().unwrap();
        assert_eq!(cands.len(), 1, "{cands:?}");
        assert_eq!(cands[0]["name"], "李*英", "masked until the worker answers");
        assert_eq!(cands[0]["contacted"], false);
        let person = cands[0]["person_id"].as_str().unwrap().to_owned();
        let inv = emp
            .post(&app, &format!("/api/v1/posts/{pid}/invitations"), json!({"person_id": person, "message": "欢迎周末来"}))
            .await;
        assert_eq!(inv.status, StatusCode::CREATED, "{}", inv.body);
        let inv_id = inv.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(
            emp.post(&app, &format!("/api/v1/posts/{pid}/invitations"), json!({"person_id": person})).await.status,
            StatusCode::CONFLICT
        );
        // Not hireable until the worker accepts.
        assert_eq!(
            emp.post(&app, &format!("/api/v1/applications/{inv_id}/hire"), json!({"start_date": "2026-12-05"})).await.status,
            StatusCode::CONFLICT
        );
        let notices = w.get(&app, "/api/v1/notices").await.json();
        assert_eq!(notices[0]["kind"], "invitation");
        let nid = notices[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(w.post(&app, &format!("/api/v1/notices/{nid}/read"), json!({})).await.status, StatusCode::NO_CONTENT);
        assert_eq!(emp.post(&app, &format!("/api/v1/notices/{nid}/read"), json!({})).await.status, StatusCode::NOT_FOUND);
        let bad = w.post(&app, &format!("/api/v1/applications/{inv_id}/answer"), json!({"answer": "maybe"})).await;
        assert_eq!(bad.json()["error"]["field"], "answer");
        let acc = w.post(&app, &format!("/api/v1/applications/{inv_id}/answer"), json!({"answer": "accept"})).await;
        assert_eq!(acc.json()["status"], "accepted", "{}", acc.body);
        let hire = emp
            .post(&app, &format!("/api/v1/applications/{inv_id}/hire"), json!({"start_date": "2026-12-05"}))
            .await;
        assert_eq!(hire.status, StatusCode::CREATED, "{}", hire.body);
        let hid = hire.json()["id"].as_str().unwrap().to_owned();
        // The filled post leaves search and recommendations.
        let after = anon.get(&app, "/api/v1/posts/search?q=%E4%BF%9D%E6%B4%81").await.json();
        assert!(
            after.as_array().unwrap().iter().all(|h| h["post"]["id"] != pid.as_str()),
            "the filled post is not offered any more: {after}"
        );

        // Completion, then one rating per side.
        let done = w.post(&app, &format!("/api/v1/hires/{hid}/complete"), json!({})).await;
        assert_eq!(done.json()["status"], "completed", "{}", done.body);
        assert_eq!(emp.post(&app, &format!("/api/v1/hires/{hid}/complete"), json!({})).await.status, StatusCode::CONFLICT);
        let bad = w.post(&app, &format!("/api/v1/hires/{hid}/ratings"), json!({"score": 6})).await;
        assert_eq!(bad.json()["error"]["field"], "score");
        assert_eq!(w.post(&app, &format!("/api/v1/hires/{hid}/ratings"), json!({"score": 5, "comment": "按时结算"})).await.status, StatusCode::CREATED);
        assert_eq!(w.post(&app, &format!("/api/v1/hires/{hid}/ratings"), json!({"score": 4})).await.status, StatusCode::CONFLICT);
        let r = emp.post(&app, &format!("/api/v1/hires/{hid}/ratings"), json!({"score": 4, "comment": "认真"})).await;
        assert_eq!(r.json().as_array().unwrap().len(), 2);
        let mut stranger = app.worker("pangren", 72).await;
        assert_eq!(stranger.get(&app, &format!("/api/v1/hires/{hid}/ratings")).await.status, StatusCode::NOT_FOUND);
        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());
        app
    })
    .await;
}

#[tokio::test]
async fn overdue_pay_is_flagged_once_and_expired_posts_leave_search() {
    each_app(|app| async move {
        let (mut emp, _, mut staff_acc) = app.employer_verified("yuqi", "91110000600037341L").await;
        let mut other_acc = account(&app, "yuqi.other", "staff", Some("140106"), &[]).await;
        let mut body = post_body("小时工 家庭保洁");
        body["starts_on"] = json!(app.clock.today_cst().to_string());
        body["expires_on"] = json!((app.clock.today_cst() + chrono::Duration::days(1)).to_string());
        let post = emp.post(&app, "/api/v1/posts", body).await.json();
        let pid = post["id"].as_str().unwrap().to_owned();
        let mut second = post_body("长期保洁 写字楼");
        second["starts_on"] = json!(app.clock.today_cst().to_string());
        second["expires_on"] =
            json!((app.clock.today_cst() + chrono::Duration::days(30)).to_string());
        emp.post(&app, "/api/v1/posts", second).await;
        let mut w = app.worker("yuqiw", 73).await;
        let a = w
            .post(
                &app,
                &format!("/api/v1/posts/{pid}/applications"),
                json!({}),
            )
            .await
            .json();
        let hire = emp
            .post(
                &app,
                &format!("/api/v1/applications/{}/hire", a["id"].as_str().unwrap()),
                json!({"start_date": app.clock.today_cst().to_string()}),
            )
            .await
            .json();
        let hid = hire["id"].as_str().unwrap().to_owned();
        let due = app.clock.today_cst() + chrono::Duration::days(1);
        emp.post(
            &app,
            &format!("/api/v1/hires/{hid}/pay"),
            json!({"period": "第一周", "amount": "180.00", "due_on": due.to_string()}),
        )
        .await;
        assert_eq!(
            app.svc.market_upkeep().await.unwrap().overdue_notices,
            0,
            "not yet due"
        );

        app.clock.advance(chrono::Duration::days(3));
        // Sessions lapsed over three days: everyone signs in again.
        let mut w = password_sign_in(&app, "yuqiw", PASSWORD).await;
        let mut emp = password_sign_in(&app, "yuqi", PASSWORD).await;
        let mut staff = login(&app, &mut staff_acc).await;
        let mut other = login(&app, &mut other_acc).await;
        let report = app.svc.market_upkeep().await.unwrap();
        assert_eq!(
            report.overdue_notices, 3,
            "worker, employer and county staff"
        );
        assert_eq!(
            report.expired_posts, 0,
            "the first post is filled, the second still runs"
        );
        assert_eq!(
            app.svc.market_upkeep().await.unwrap().overdue_notices,
            0,
            "flagged once"
        );
        for c in [&mut w, &mut emp, &mut staff] {
            let n = c.get(&app, "/api/v1/notices").await.json();
            assert!(
                n.as_array()
                    .unwrap()
                    .iter()
                    .any(|n| n["kind"] == "pay_overdue"),
                "{n}"
            );
        }
        assert_eq!(
            other
                .get(&app, "/api/v1/notices")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        let overdue = staff.get(&app, "/api/v1/pay/overdue").await.json();
        assert_eq!(overdue.as_array().unwrap().len(), 1);
        assert_eq!(overdue[0]["pay"]["overdue"], true);
        assert_eq!(
            other
                .get(&app, "/api/v1/pay/overdue")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        let ov = staff.get(&app, "/api/v1/market/overview").await.json();
        assert_eq!(ov["live_posts"], 1, "{ov}");
        assert_eq!(ov["hires"], 1);
        assert_eq!(ov["overdue_pay"], 1);
        assert_eq!(ov["filled_posts"], 1);
        assert_eq!(
            other.get(&app, "/api/v1/market/overview").await.json()["hires"],
            0
        );
        assert_eq!(
            w.get(&app, "/api/v1/market/overview").await.status,
            StatusCode::FORBIDDEN
        );

        // Thirty-one days on, the second post has expired and leaves search.
        let mut anon = Client::default();
        anon.start(&app).await;
        assert_eq!(
            anon.get(&app, "/api/v1/posts/search")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            1
        );
        app.clock.advance(chrono::Duration::days(31));
        assert_eq!(app.svc.market_upkeep().await.unwrap().expired_posts, 1);
        assert_eq!(
            anon.get(&app, "/api/v1/posts/search")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        app
    })
    .await;
}

/// Two servers on one database, each with its own index: a post made through one becomes
/// searchable on the other once it applies the outbox; a server restarted on its on-disk
/// index catches up from its checkpoint; a reindex rebuilds from the database.
#[tokio::test]
async fn every_server_applies_the_outbox_and_catches_up_after_restart() {
    each_app(|app| async move {
        let (mut emp, _staff, _) = app
            .employer_verified("liangtai", "91110000600037341L")
            .await;
        let dir = tempfile::tempdir().unwrap();
        let disk = |svc: &linghuo_service::Service| svc.clone().with_market_index_dir(dir.path());
        let second = disk(&app.svc);
        let query = linghuo_service::market_search::SearchInput {
            q: Some("保洁".into()),
            ..Default::default()
        };
        assert_eq!(second.search_posts(&query).await.unwrap().len(), 0);
        emp.post(&app, "/api/v1/posts", post_body("周末家庭保洁"))
            .await;
        assert_eq!(
            second.search_posts(&query).await.unwrap().len(),
            1,
            "applied from the outbox"
        );
        let before = second.market_index_status().await.unwrap();
        assert_eq!(before.applied_seq, before.outbox_head);
        drop(second);

        // While the second server is down, another post is made; on restart it catches up.
        emp.post(&app, "/api/v1/posts", post_body("日常保洁 小区"))
            .await;
        let restarted = disk(&app.svc);
        let status = restarted.market_index_status().await.unwrap();
        assert_eq!(status.live_posts, 2, "{status:?}");
        assert_eq!(status.applied_seq, status.outbox_head);
        assert_eq!(restarted.search_posts(&query).await.unwrap().len(), 2);
        let ids = |hits: Vec<linghuo_service::market_search::PostHit>| {
            hits.into_iter().map(|h| h.post.id).collect::<Vec<_>>()
        };
        let before = ids(restarted.search_posts(&query).await.unwrap());
        let rebuilt = restarted.reindex_market().await.unwrap();
        assert_eq!(rebuilt.live_posts, 2);
        assert_eq!(
            ids(restarted.search_posts(&query).await.unwrap()),
            before,
            "the outbox-fed index and a rebuilt one answer alike"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn importing_posts_reports_rows_and_is_idempotent() {
    each_app(|app| async move {
        let (mut emp, _staff, _) = app.employer_verified("daoru", "91110000600037341L").await;
        let eid = emp.get(&app, "/api/v1/employer").await.json()["id"].as_str().unwrap().parse().unwrap();
        let csv = "原系统岗位编号,岗位名称,岗位描述,工种,用工形式,薪酬,区县,工作时间,招聘人数,技能\n\
                   TY-1,写字楼保洁,负责写字楼日常保洁,保洁员,小时工,25元/小时,小店区,周一至周五 08:00-12:00,2,拖地、擦玻璃\n\
                   TY-2,仓库装卸,装卸货物,装卸工,零工,200元/天,迎泽区,每天,3,\n\
                   TY-3,保洁,日常保洁,保洁员,小时工,25元/小时,火星区,,1,\n\
                   TY-1,重复的行,重复,保洁员,小时工,25元/小时,小店区,,1,\n";
        let rows = || linghuo_service::market_import::read_post_file("posts.csv", csv.as_bytes()).unwrap();
        // All or nothing: a bad row stores nothing.
        let r = app.svc.import_posts(None, eid, rows(), true).await.unwrap();
        assert!(r.rejected);
        assert_eq!(r.created, 0);
        assert_eq!(emp.get(&app, "/api/v1/posts").await.json().as_array().unwrap().len(), 0);
        let lines: Vec<(usize, &str)> = r.problems.iter().map(|p| (p.line, p.field.as_str())).collect();
        assert_eq!(lines, vec![(4, "county"), (5, "external_id")], "{:?}", r.problems);
        // Skip invalid: the good rows go in, live, and are searchable with their skills.
        let r = app.svc.import_posts(None, eid, rows(), false).await.unwrap();
        assert_eq!((r.created, r.live, r.unchanged, r.problems.len()), (2, 2, 0, 2), "{r:?}");
        let found = app
            .svc
            .search_posts(&linghuo_service::market_search::SearchInput { q: Some("擦玻璃".into()), ..Default::default() })
            .await
            .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].post.external_id.as_deref(), Some("TY-1"));
        // The same file again changes nothing.
        let r = app.svc.import_posts(None, eid, rows(), false).await.unwrap();
        assert_eq!((r.created, r.unchanged), (0, 2));
        assert_eq!(emp.get(&app, "/api/v1/posts").await.json().as_array().unwrap().len(), 2);
        // A wrong template is refused before any row is read.
        let e = linghuo_service::market_import::read_post_file("x.csv", "岗位名称,工资条\n保洁,1\n".as_bytes()).unwrap_err();
        assert!(e.contains("工资条"), "{e}");
        app
    })
    .await;
}

#[tokio::test]
async fn contact_details_in_a_post_hold_it_and_a_rejection_says_why() {
    each_app(|app| async move {
        let (mut emp, mut staff, _) = app.employer_verified("lianxi", "91110000600037341L").await;
        let mut body = post_body("周末保洁");
        body["description"] = json!("家庭保洁，有意者请联系13912345678王先生。");
        let held = emp.post(&app, "/api/v1/posts", body).await.json();
        assert_eq!(held["status"], "held");
        assert!(
            held["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == "personal_data_in_text" && f["field"] == "description"),
            "{held}"
        );
        let id = held["id"].as_str().unwrap();
        let r = staff
            .post(
                &app,
                &format!("/api/v1/posts/{id}/review"),
                json!({"approve": false, "note": "请删除联系电话后重新发布"}),
            )
            .await;
        assert_eq!(r.json()["status"], "rejected", "{}", r.body);
        let mine = emp.get(&app, &format!("/api/v1/posts/{id}")).await.json();
        assert!(
            mine["findings"]
                .as_array()
                .unwrap()
                .iter()
                .any(|f| f["code"] == "review_rejected"
                    && f["message"].as_str().unwrap().contains("请删除联系电话")),
            "{mine}"
        );

        // Pay must be more than nothing; ratings wait for completion.
        let live = emp
            .post(&app, "/api/v1/posts", post_body("钟点保洁"))
            .await
            .json();
        let mut w = app.worker("lianxiw", 74).await;
        let a = w
            .post(
                &app,
                &format!(
                    "/api/v1/posts/{}/applications",
                    live["id"].as_str().unwrap()
                ),
                json!({}),
            )
            .await
            .json();
        let h = emp
            .post(
                &app,
                &format!("/api/v1/applications/{}/hire", a["id"].as_str().unwrap()),
                json!({"start_date": "2026-12-05"}),
            )
            .await
            .json();
        let hid = h["id"].as_str().unwrap();
        let zero = emp
            .post(
                &app,
                &format!("/api/v1/hires/{hid}/pay"),
                json!({"period": "第一周", "amount": "0.00", "due_on": "2026-12-12"}),
            )
            .await;
        assert_eq!(zero.json()["error"]["field"], "amount");
        assert_eq!(
            w.post(
                &app,
                &format!("/api/v1/hires/{hid}/ratings"),
                json!({"score": 5})
            )
            .await
            .status,
            StatusCode::CONFLICT
        );
        app
    })
    .await;
}

#[tokio::test]
async fn pay_is_posted_as_written_and_read_as_a_structure() {
    each_app(|app| async move {
        let (mut emp, mut staff, _) = app.employer_verified("jijian", "91110000600037341L").await;
        let mut body = post_body("仓库装卸日结");
        body["occupation"] = json!("装卸工");
        body["form"] = json!("gig");
        body["schedule"] = json!("每天 08:00-16:00");
        body["hours_per_week"] = Value::Null;
        body.as_object_mut().unwrap().remove("pay_amount");
        body.as_object_mut().unwrap().remove("pay_unit");
        body["pay"] = json!("200-260元/天（日结）");
        let r = emp.post(&app, "/api/v1/posts", body.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let p = r.json();
        assert_eq!(p["status"], "live");
        assert_eq!(p["pay"], "日薪200–260元");
        assert_eq!(p["pay_text"], "200-260元/天（日结）");
        assert_eq!(p["pay_amount"], "200.00");
        assert_eq!(p["pay_unit"], "day");
        assert_eq!(
            p["pay_detail"],
            json!({"basis": "time", "unit": "day", "days": null, "min": "200.00", "max": "260.00",
                   "floor": null, "commission": false, "typical_daily": null})
        );
        assert_eq!(
            p["pay_estimate"],
            json!({"hourly": "25.00", "daily": "200.00", "from_typical": false, "label": "约合每小时25元（估算）"})
        );
        assert_eq!(p["notes"], json!([]));

        // A piece rate without typical daily earnings: live, with a note.
        body["title"] = json!("快递包裹分拣");
        body["description"] = json!("快递中转站包裹分拣，按件计酬。");
        body["pay"] = json!("0.3元/件");
        let p = emp.post(&app, "/api/v1/posts", body.clone()).await.json();
        assert_eq!(p["status"], "live", "{p}");
        assert_eq!(p["pay"], "计件0.3元/件");
        assert_eq!(p["pay_amount"], "0.30");
        assert_eq!(p["pay_estimate"], Value::Null);
        assert_eq!(p["notes"][0]["code"], "piece_rate_unchecked");
        assert_eq!(p["notes"][0]["kind"], "note");
        assert_eq!(p["findings"], json!([]));
        // Staff find it among the live posts of their region with its note.
        let live = staff.get(&app, "/api/v1/posts/review?status=live").await.json();
        assert!(
            live.as_array().unwrap().iter().any(|x| x["notes"][0]["code"] == "piece_rate_unchecked"),
            "{live}"
        );
        // With typical daily earnings it is checked, and compared by the hour.
        body["title"] = json!("电商仓库打包");
        body["description"] = json!("电商仓库商品打包发货，熟练工一天四百件左右。");
        body["county_code"] = json!("140107");
        body["pay"] = json!("0.5元/件");
        body["typical_daily_pay"] = json!("200");
        let p = emp.post(&app, "/api/v1/posts", body.clone()).await.json();
        assert_eq!(p["status"], "live", "{p}");
        assert_eq!(p["pay"], "计件0.5元/件，日均约200元");
        assert_eq!(p["pay_detail"]["typical_daily"], "200.00");
        assert_eq!(p["pay_estimate"]["hourly"], "25.00");
        assert_eq!(p["pay_estimate"]["from_typical"], true);
        let mut anon = Client::default();
        anon.start(&app).await;
        let found = |q: &'static str| {
            let app = &app;
            let mut c = Client::default();
            async move {
                c.start(app).await;
                let r = c.get(app, q).await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.body);
                let mut t: Vec<String> = r.json().as_array().unwrap().iter()
                    .map(|h| h["post"]["title"].as_str().unwrap().to_owned()).collect();
                t.sort();
                t
            }
        };
        assert_eq!(found("/api/v1/posts/search?region=140100").await.len(), 3);
        assert_eq!(
            found("/api/v1/posts/search?region=140100&pay_at_least=25").await,
            vec!["仓库装卸日结".to_owned(), "电商仓库打包".to_owned()],
            "the piece rate without an estimate never matches a pay filter"
        );
        // Errors name the field and say how to write it.
        for (patch, field, code) in [
            (json!({"pay": "看情况"}), "pay", "pay_unreadable"),
            (json!({"pay": "200元/年"}), "pay", "pay_unit_year"),
            (json!({"pay": "0.5元/件", "typical_daily_pay": "很多"}), "typical_daily_pay", "typical_daily_pay_invalid"),
            (json!({"pay": null}), "pay", "pay_empty"),
        ] {
            let mut b = body.clone();
            b.as_object_mut().unwrap().remove("typical_daily_pay");
            for (k, v) in patch.as_object().unwrap() {
                b[k] = v.clone();
            }
            let r = emp.post(&app, "/api/v1/posts", b).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
            assert_eq!(r.json()["error"]["code"], code, "{}", r.body);
        }
        drop(anon);
        app
    })
    .await;
}
