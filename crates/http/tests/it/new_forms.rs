//! New forms of work (二(三)) and 职业指导 (四(八), 四(九)), issue 17 items 7 and 8, on both
//! databases: 居家/远程 posts (no place, found by 居家/远程/在家/线上/网上, no distance, never
//! cut by a radius, recommended anywhere), 共享用工 between two employers (proposed, confirmed,
//! declined, ended early, seen by the workers and the staff of either region only), online
//! courses (no venue, a platform, filtered), and guidance sessions (booked online or at the
//! window, recorded with notes the person reads, follow-ups reminded, a course suggested,
//! listed in 我的办件 and 办事指南).

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;
use serde_json::{Value, json};

fn enc(s: &str) -> String {
    s.bytes().map(|b| format!("%{b:02X}")).collect()
}

fn remote_post() -> Value {
    json!({
        "title": "电商在线客服", "description": "在家用电脑回复网店顾客的消息，提供线上培训。", "occupation": "客服专员",
        "form": "hourly", "remote": true, "starts_on": "2026-12-05", "pay": "22元/小时", "headcount": 3
    })
}

fn placed_post() -> Value {
    json!({
        "title": "周末家庭保洁", "description": "家庭日常保洁，自带工具，周末上门服务。", "occupation": "保洁员", "form": "part_time",
        "county_code": "140105", "address": "小店区坞城路", "starts_on": "2026-12-05", "schedule": "每周六、日 9:00-12:00",
        "hours_per_week": 6, "pay": "30元/小时", "headcount": 1
    })
}

#[tokio::test]
async fn remote_posts_have_no_place_and_are_found_by_their_words() {
    each_app(|app| async move {
        let (mut emp, _staff, _) = app
            .employer_verified("yuancheng", "91110000600037341L")
            .await;

        // Validation: a remote post with an address or coordinates is refused, naming the
        // field; a post that is not remote still needs its county.
        let mut bad = remote_post();
        bad["address"] = json!("小店区坞城路");
        let r = emp.post(&app, "/api/v1/posts", bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(r.json()["error"]["field"], "address");
        let mut bad = remote_post();
        bad["lat"] = json!(37.8);
        bad["lon"] = json!(112.5);
        assert_eq!(
            emp.post(&app, "/api/v1/posts", bad).await.json()["error"]["field"],
            "lat"
        );
        let mut bad = placed_post();
        bad["county_code"] = json!("");
        let r = emp.post(&app, "/api/v1/posts", bad).await;
        assert_eq!(r.json()["error"]["field"], "county_code", "{}", r.body);

        // A remote post: the employer's county, no coordinates, 居家/远程 as its place.
        let r = emp.post(&app, "/api/v1/posts", remote_post()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let remote = r.json();
        assert_eq!(remote["status"], "live", "{remote}");
        assert_eq!(remote["remote"], true);
        assert_eq!(remote["county_code"], "140105");
        assert_eq!(remote["place"], "居家/远程");
        assert!(
            remote["lat"].is_null() && remote["lon"].is_null(),
            "{remote}"
        );
        let rid = remote["id"].as_str().unwrap().to_owned();
        let placed = emp.post(&app, "/api/v1/posts", placed_post()).await.json();
        assert_eq!(placed["remote"], false);
        assert!(placed["lat"].is_number());
        let pid = placed["id"].as_str().unwrap().to_owned();

        // Found by the words people use for it, not by a special case: the vocabulary's.
        let mut anon = Client::default();
        anon.start(&app).await;
        for word in ["居家", "远程", "在家", "线上", "网上"] {
            let hits = anon
                .get(&app, &format!("/api/v1/posts/search?q={}", enc(word)))
                .await;
            assert_eq!(hits.status, StatusCode::OK, "{}", hits.body);
            let hits = hits.json();
            let hits = hits.as_array().unwrap();
            assert!(
                hits.iter().any(|h| h["post"]["id"] == rid.as_str()),
                "{word}: {hits:?}"
            );
            assert!(
                !hits.iter().any(|h| h["post"]["id"] == pid.as_str()),
                "{word} does not find the cleaning job: {hits:?}"
            );
        }

        // Far away (大同) within 5 km: the remote post is there without a distance, the
        // placed one is not; nearest first puts the remote post after the placed ones.
        let far = anon
            .get(&app, "/api/v1/posts/search?near=40.08,113.30&radius_km=5")
            .await
            .json();
        let far = far.as_array().unwrap();
        assert_eq!(far.len(), 1, "{far:?}");
        assert_eq!(far[0]["post"]["id"], rid.as_str());
        assert!(far[0]["distance_km"].is_null());
        assert!(
            far[0]["why"].as_str().unwrap().starts_with("居家/远程"),
            "{far:?}"
        );
        let near = anon
            .get(&app, "/api/v1/posts/search?near=37.74,112.56&sort=distance")
            .await
            .json();
        let near = near.as_array().unwrap();
        assert_eq!(near.len(), 2, "{near:?}");
        assert_eq!(near[0]["post"]["id"], pid.as_str());
        assert_eq!(near[1]["post"]["id"], rid.as_str());

        // Recommended to a worker in 大同 with a 5 km radius: no commute.
        let mut w = app.worker("yc_w", 81).await;
        let p = w
            .send(
                &app,
                axum::http::Method::PUT,
                "/api/v1/profile",
                Some(json!({
                    "occupations": ["客服专员"], "radius_km": 5.0, "lat": 40.08, "lon": 113.30,
                    "availability": "每天 08:00-20:00"
                })),
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        let recs = w.get(&app, "/api/v1/recommendations/jobs").await.json();
        let recs = recs.as_array().unwrap();
        assert_eq!(recs.len(), 1, "{recs:?}");
        assert_eq!(recs[0]["post"]["id"], rid.as_str());
        assert!(
            recs[0]["why"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r.as_str().unwrap().starts_with("居家/远程")),
            "{recs:?}"
        );

        // The pages say 居家/远程 instead of a distance.
        let mut b = Browser::of(&w);
        let page = b.get(&app, &format!("/work?q={}", enc("居家"))).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.html.contains("居家/远程"), "{}", page.html);
        let page = b.get(&app, &format!("/work/posts/{rid}")).await;
        assert!(page.html.contains("不需要到工作地点"), "{}", page.html);

        // The employer's form offers it and refuses an address with it, beside the field.
        let mut eb = Browser::of(&emp);
        let page = eb.get(&app, "/employer/posts/new").await;
        assert!(page.html.contains("name=\"remote\""));
        check_forms("/employer/posts/new", &page.html);
        let p = eb
            .post(
                &app,
                "/employer/posts/new",
                &[
                    ("title", "居家录入"),
                    ("description", "在家录入资料"),
                    ("occupation", "shuzi.luru"),
                    ("form", "gig"),
                    ("county_code", "140105"),
                    ("address", "坞城路"),
                    ("remote", "1"),
                    ("starts_on", "2026-12-05"),
                    ("pay", "0.5元/条"),
                    ("headcount", "2"),
                ],
            )
            .await;
        assert!(p.location.is_none(), "refused, not saved");
        assert!(p.html.contains("居家/远程岗位没有工作地点"), "{}", p.html);
        app
    })
    .await;
}

#[tokio::test]
async fn sharing_is_proposed_confirmed_ended_and_seen_by_each_side_only() {
    each_app(|app| async move {
        let (mut lender, mut staff, _) = app.employer_verified("paichu", "91110000600037341L").await;
        let mut borrower = app.employer("jieshou", "91140105MA0K00001F").await;
        let mut stranger = app.employer("pangren", "91140106MA0K000021").await;
        let mut other_staff = app.staff_in("gx.other", "140106").await;

        // Two hires of the lender.
        let pid = lender.post(&app, "/api/v1/posts", placed_post()).await.json()["id"].as_str().unwrap().to_owned();
        let mut hires = Vec::new();
        let mut workers = Vec::new();
        for (n, seq) in [("gx_w1", 91), ("gx_w2", 92)] {
            let mut w = app.worker(n, seq).await;
            if hires.len() == 1 {
                let mut more = placed_post();
                more["title"] = json!("仓库搬运装卸");
                more["occupation"] = json!("装卸工");
                more["description"] = json!("物流仓库装卸货物，日结。");
                more["form"] = json!("gig");
                more["pay"] = json!("200元/天");
                more["schedule"] = json!("每天 08:00-17:00");
                more["hours_per_week"] = Value::Null;
                let p2 = lender.post(&app, "/api/v1/posts", more).await.json()["id"].as_str().unwrap().to_owned();
                let a = w.post(&app, &format!("/api/v1/posts/{p2}/applications"), json!({})).await.json();
                let h = lender.post(&app, &format!("/api/v1/applications/{}/hire", a["id"].as_str().unwrap()), json!({"start_date": "2026-12-05"})).await;
                hires.push(h.json()["id"].as_str().unwrap().to_owned());
            } else {
                let a = w.post(&app, &format!("/api/v1/posts/{pid}/applications"), json!({})).await.json();
                let h = lender.post(&app, &format!("/api/v1/applications/{}/hire", a["id"].as_str().unwrap()), json!({"start_date": "2026-12-05"})).await;
                assert_eq!(h.status, StatusCode::CREATED, "{}", h.body);
                hires.push(h.json()["id"].as_str().unwrap().to_owned());
            }
            workers.push(w);
        }

        let body = json!({
            "borrower_uscc": "91140105MA0K00001F", "hire_ids": hires, "work": "仓库分拣打包",
            "starts_on": app.day(1), "ends_on": app.day(30), "wages_paid_by": "borrower", "insurance_paid_by": "lender"
        });
        // Each bad field named.
        for (field, value) in [
            ("borrower_uscc", json!("91110000600037341L")),
            ("borrower_uscc", json!("123")),
            ("hire_ids", json!([])),
            ("ends_on", json!(app.day(0))),
            ("starts_on", json!(app.day(-3))),
            ("wages_paid_by", json!("nobody")),
            ("insurance_paid_by", json!("")),
            ("work", json!("")),
        ] {
            let mut b = body.clone();
            b[field] = value;
            let r = lender.post(&app, "/api/v1/sharing", b).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}: {}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
        }
        // Another employer cannot lend the lender's workers.
        let mut b = body.clone();
        b["borrower_uscc"] = json!("91110000600037341L");
        let r = stranger.post(&app, "/api/v1/sharing", b).await;
        assert_eq!(r.json()["error"]["field"], "hire_ids", "{}", r.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM shared_employment").await, 0, "nothing half-written");

        let r = lender.post(&app, "/api/v1/sharing", body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let s = r.json();
        assert_eq!(s["status"], "proposed");
        assert_eq!(s["workers"].as_array().unwrap().len(), 2);
        assert_eq!(s["workers"][0]["name"], "李*英");
        assert_eq!(s["wages_payer_label"], "用工单位");
        let sid = s["id"].as_str().unwrap().to_owned();
        assert_eq!(app.audit_count("sharing_proposed").await, 1);

        // Only the borrower answers; a refusal needs its reason.
        let r = lender.post(&app, &format!("/api/v1/sharing/{sid}/answer"), json!({"accept": true})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let r = borrower.post(&app, &format!("/api/v1/sharing/{sid}/answer"), json!({"accept": false})).await;
        assert_eq!(r.json()["error"]["field"], "reason");
        let notices = borrower.get(&app, "/api/v1/notices").await.json();
        assert_eq!(notices[0]["kind"], "sharing_proposed", "{notices}");
        let r = borrower.post(&app, &format!("/api/v1/sharing/{sid}/answer"), json!({"accept": true})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["status"], "confirmed");
        assert_eq!(r.json()["can_end"], true);
        let r = borrower.post(&app, &format!("/api/v1/sharing/{sid}/answer"), json!({"accept": true})).await;
        assert_eq!(r.status, StatusCode::CONFLICT);

        // Visible to both employers, the workers lent, and staff of the region; not to others.
        assert_eq!(lender.get(&app, "/api/v1/sharing").await.json().as_array().unwrap().len(), 1);
        assert_eq!(borrower.get(&app, &format!("/api/v1/sharing/{sid}")).await.json()["side"], "borrower");
        assert_eq!(workers[0].get(&app, "/api/v1/sharing").await.json()[0]["id"], sid.as_str());
        assert_eq!(staff.get(&app, "/api/v1/sharing").await.json().as_array().unwrap().len(), 1);
        assert_eq!(staff.get(&app, &format!("/api/v1/sharing/{sid}")).await.json()["side"], "staff");
        assert_eq!(stranger.get(&app, &format!("/api/v1/sharing/{sid}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other_staff.get(&app, &format!("/api/v1/sharing/{sid}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other_staff.get(&app, "/api/v1/sharing").await.json().as_array().unwrap().len(), 0);
        let mut outsider = app.worker("gx_w3", 93).await;
        assert_eq!(outsider.get(&app, &format!("/api/v1/sharing/{sid}")).await.status, StatusCode::NOT_FOUND);
        let n = workers[1].get(&app, "/api/v1/notices").await.json();
        assert!(n.as_array().unwrap().iter().any(|x| x["kind"] == "sharing_confirmed"), "{n}");

        // The worker sees it on their hires page.
        let mut wb = Browser::of(&workers[0]);
        let page = wb.get(&app, "/work/hires").await;
        assert!(page.html.contains("共享用工") && page.html.contains("仓库分拣打包"), "{}", page.html);

        // Ended early: the day in range and a reason, each named.
        let r = lender.post(&app, &format!("/api/v1/sharing/{sid}/end"), json!({"ended_on": app.day(40), "reason": "订单完成"})).await;
        assert_eq!(r.json()["error"]["field"], "ended_on", "{}", r.body);
        let r = lender.post(&app, &format!("/api/v1/sharing/{sid}/end"), json!({"ended_on": app.day(10), "reason": ""})).await;
        assert_eq!(r.json()["error"]["field"], "reason", "{}", r.body);
        let r = lender.post(&app, &format!("/api/v1/sharing/{sid}/end"), json!({"ended_on": app.day(10), "reason": "订单提前完成"})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["status"], "ended");
        assert_eq!(r.json()["end_reason"], "订单提前完成");
        assert_eq!(app.audit_count("sharing_confirmed").await, 1);
        assert_eq!(app.audit_count("sharing_ended").await, 1);

        // The pages: the employer's list and form, the detail for staff.
        let mut eb = Browser::of(&lender);
        let page = eb.get(&app, "/employer/sharing").await;
        assert_eq!(page.status, StatusCode::OK);
        check_forms("/employer/sharing", &page.html);
        assert!(page.html.contains("已提前结束"), "{}", page.html);
        let mut sb = Browser::of(&staff);
        let page = sb.get(&app, &format!("/staff/sharing/{sid}")).await;
        assert!(page.html.contains("订单提前完成"), "{}", page.html);
        app
    })
    .await;
}

#[tokio::test]
async fn online_courses_have_a_platform_not_a_venue_and_are_filtered() {
    each_app(|app| async move {
        let mut s = app.staff_in("xs_s", "140105").await;
        let t = app.svc.clock.today_cst();
        let course = json!({
            "title": "电商客服线上培训", "provider": "小店区职业培训学校", "occupation": "客服专员", "kind": "skills",
            "hours": "24", "days": "6", "starts_on": (t + chrono::Duration::days(3)).to_string(),
            "ends_on": (t + chrono::Duration::days(10)).to_string(), "capacity": "50", "subsidy": "600.00",
            "daily_allowance": "0.00", "mode": "online", "platform": "山西省职业技能提升线上平台",
            "link": "https://example.org/course/1"
        });
        for (field, value, named) in [
            ("platform", json!(""), "platform"),
            ("link", json!("ftp://x"), "link"),
            ("mode", json!("hybrid"), "mode"),
        ] {
            let mut b = course.clone();
            b[field] = value;
            let r = s.post(&app, "/api/v1/courses", b).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert_eq!(r.json()["error"]["field"], named, "{}", r.body);
        }
        let mut b = course.clone();
        b["venue"] = json!("坞城路1号");
        assert_eq!(s.post(&app, "/api/v1/courses", b).await.json()["error"]["field"], "venue");
        let mut offline = course.clone();
        offline["mode"] = json!("offline");
        offline["title"] = json!("育婴员培训");
        offline["venue"] = json!("小店区坞城路1号");
        assert_eq!(
            s.post(&app, "/api/v1/courses", offline.clone()).await.json()["error"]["field"],
            "platform",
            "an offline course names no platform"
        );
        offline["platform"] = json!("");
        offline["link"] = json!("");
        let r = s.post(&app, "/api/v1/courses", offline).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["mode_label"], "线下");
        let r = s.post(&app, "/api/v1/courses", course).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let c = r.json();
        assert_eq!(c["mode"], "online");
        assert_eq!(c["venue"], "");
        assert_eq!(c["platform"], "山西省职业技能提升线上平台");

        // The worker's page shows it as 线上 and filters by mode.
        let w = app.worker("xs_w", 61).await;
        let mut b = Browser::of(&w);
        let all = b.get(&app, "/services/training").await;
        assert!(all.html.contains("电商客服线上培训") && all.html.contains("育婴员培训"));
        let online = b.get(&app, "/services/training?mode=online").await;
        assert!(online.html.contains("线上上课，不用到培训地点"), "{}", online.html);
        assert!(!online.html.contains("育婴员培训"), "{}", online.html);
        let offline = b.get(&app, "/services/training?mode=offline").await;
        assert!(!offline.html.contains("电商客服线上培训"));
        // Staff see the mode in their list; another region does not see the course.
        let mut sb = Browser::of(&s);
        let page = sb.get(&app, "/staff/training").await;
        assert!(page.html.contains("线上（山西省职业技能提升线上平台）"), "{}", page.html);
        check_forms("/staff/training", &page.html);
        let mut other = app.staff_in("xs_x", "140106").await;
        assert_eq!(other.get(&app, "/api/v1/courses").await.json().as_array().unwrap().len(), 0);
        app
    })
    .await;
}

/// The next working day after today (the window is closed at weekends).
fn next_workday(app: &TestApp) -> String {
    use chrono::Datelike;
    let mut d = app.svc.clock.today_cst() + chrono::Duration::days(1);
    while matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
        d += chrono::Duration::days(1);
    }
    d.to_string()
}

#[tokio::test]
async fn guidance_is_booked_recorded_reminded_and_scoped() {
    each_app(|app| async move {
        let mut s = app.staff_in("zd_s", "140105").await;
        let mut other = app.staff_in("zd_x", "140106").await;
        let mut w = app.worker("zd_w", 51).await;
        let day = next_workday(&app);
        let book = json!({"channel": "window", "slot_on": day, "slot": "am", "question": "想找离家近的兼职"});
        for (field, value) in [
            ("channel", json!("video")),
            ("slot", json!("night")),
            ("slot_on", json!(app.day(-1))),
            ("slot_on", json!(app.day(60))),
            ("county_code", json!("1401")),
        ] {
            let mut b = book.clone();
            b[field] = value;
            let r = w.post(&app, "/api/v1/guidance", b).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}: {}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
        }
        let r = w.post(&app, "/api/v1/guidance", book.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let g = r.json();
        assert_eq!(g["status"], "booked");
        assert_eq!(g["booked_via"], "online");
        assert_eq!(g["county_code"], "140105", "the person's own county by default");
        let gid = g["id"].as_str().unwrap().to_owned();

        // Staff of the county see it; another county does not.
        let list = s.get(&app, "/api/v1/guidance?status=booked").await.json();
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        assert_eq!(other.get(&app, "/api/v1/guidance").await.json().as_array().unwrap().len(), 0);
        assert_eq!(other.get(&app, &format!("/api/v1/guidance/{gid}")).await.status, StatusCode::NOT_FOUND);
        let r = other.post(&app, &format!("/api/v1/guidance/{gid}/record"), json!({"topics": ["skills"], "advice": "报名培训"})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(s.get(&app, "/api/v1/guidance?status=later").await.json()["error"]["field"], "status");

        // The record: each bad field named; nothing written until it is right.
        let good = json!({
            "topics": ["job_search", "skills"], "advice": "先做家政小时工，再报名育婴员培训。", "notes": "带身份证来窗口登记。",
            "followups": [{"due_on": app.day(2), "what": "回访求职进展"}, {"due_on": app.day(20), "what": "了解培训情况"}]
        });
        for (field, patch) in [
            ("topics", json!({"topics": []})),
            ("topics", json!({"topics": ["astrology"]})),
            ("advice", json!({"advice": ""})),
            ("due_on", json!({"followups": [{"due_on": app.day(0), "what": "回访"}]})),
            ("what", json!({"followups": [{"due_on": app.day(3), "what": ""}]})),
        ] {
            let mut b = good.clone();
            for (k, v) in patch.as_object().unwrap() {
                b[k] = v.clone();
            }
            let r = s.post(&app, &format!("/api/v1/guidance/{gid}/record"), b).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}: {}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM guidance_followups").await, 0);
        let r = s.post(&app, &format!("/api/v1/guidance/{gid}/record"), good.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["status"], "held");
        assert_eq!(r.json()["followups"].as_array().unwrap().len(), 2);
        assert_eq!(s.post(&app, &format!("/api/v1/guidance/{gid}/record"), good).await.status, StatusCode::CONFLICT);
        assert_eq!(app.audit_count("guidance_recorded").await, 1);

        // The person reads the advice and the notes.
        let mine = w.get(&app, &format!("/api/v1/guidance/{gid}")).await.json();
        assert_eq!(mine["advice"], "先做家政小时工，再报名育婴员培训。");
        assert_eq!(mine["notes"], "带身份证来窗口登记。");

        // Follow-up reminders: the one due within three days, once.
        assert_eq!(app.svc.guidance_upkeep().await.unwrap(), 1);
        assert_eq!(app.svc.guidance_upkeep().await.unwrap(), 0);
        let n = w.get(&app, "/api/v1/notices").await.json();
        assert!(n.as_array().unwrap().iter().any(|x| x["kind"] == "guidance_followup"), "{n}");

        // A course suggested (only an open one of the region); the person is told.
        let t = app.svc.clock.today_cst();
        let c = s.post(&app, "/api/v1/courses", json!({
            "title": "育婴员（五级）", "provider": "小店区职业培训学校", "occupation": "育婴员", "kind": "skills",
            "hours": "40", "days": "5", "starts_on": (t + chrono::Duration::days(5)).to_string(),
            "ends_on": (t + chrono::Duration::days(9)).to_string(), "capacity": "20", "subsidy": "1200.00", "daily_allowance": "30.00"
        })).await.json();
        let cid = c["id"].as_str().unwrap().to_owned();
        let r = s.post(&app, &format!("/api/v1/guidance/{gid}/course"), json!({"course_id": uuid::Uuid::new_v4()})).await;
        assert_eq!(r.json()["error"]["field"], "course_id");
        let r = s.post(&app, &format!("/api/v1/guidance/{gid}/course"), json!({"course_id": cid})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["suggested_course"], "育婴员（五级）");
        let n = w.get(&app, "/api/v1/notices").await.json();
        assert!(n.as_array().unwrap().iter().any(|x| x["kind"] == "guidance_course"), "{n}");

        // 我的办件 lists it, completed; 办事指南 has the service with its online link.
        let mut wb = Browser::of(&w);
        let items = wb.get(&app, "/services/items").await;
        assert!(items.html.contains("职业指导（小店区）"), "{}", items.html);
        assert!(items.html.contains(&format!("/guidance/{gid}")), "{}", items.html);
        let mut anon = Browser::new();
        let guide = anon.get(&app, "/guide/guidance").await;
        assert_eq!(guide.status, StatusCode::OK, "{}", guide.html);
        assert!(guide.html.contains("/guidance"), "{}", guide.html);

        // Staff book at the window for a person of their region (today allowed), not outside.
        let mut sc = s;
        let person = app.person(&mut sc, 33, json!([])).await;
        let mut sb = Browser::of(&sc);
        let page = sb.get(&app, &format!("/staff/persons/{person}/guidance")).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        check_forms("/staff/persons/_/guidance", &page.html);
        let (_, page) = sb
            .submit(&app, &format!("/staff/persons/{person}/guidance"), &[
                ("county_code", "140105"), ("channel", "window"), ("slot_on", &day), ("slot", "pm"), ("question", ""),
            ])
            .await;
        assert!(page.html.contains("记录本次指导") && page.html.contains("本人都能在"), "{}", page.html);
        let r = other
            .post(&app, "/api/v1/guidance", json!({"person_id": person, "channel": "window", "slot_on": day, "slot": "am"}))
            .await;
        assert_eq!(r.json()["error"]["field"], "person_id", "{}", r.body);

        // The worker's pages.
        let page = wb.get(&app, "/guidance").await;
        assert_eq!(page.status, StatusCode::OK);
        check_forms("/guidance", &page.html);
        let page = wb.get(&app, &format!("/guidance/{gid}")).await;
        assert!(page.html.contains("先做家政小时工") && page.html.contains("育婴员（五级）"), "{}", page.html);
        let page = sb.get(&app, "/staff/guidance").await;
        assert_eq!(page.status, StatusCode::OK);
        app
    })
    .await;
}
