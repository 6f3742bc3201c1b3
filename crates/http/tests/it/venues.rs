//! 免费经营场地 and fee relief (三(五)(六)) through the API and pages on both databases:
//! allocation puts the priority groups first and then goes by time of application, never
//! exceeds capacity even when two allocations race, and records each decision's reason;
//! rent relief and the road-fee exemption are decided with the policy engine's reasons and
//! citations; bad input names the field and writes nothing; other counties get 404.

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;
use chrono::Duration;
use serde_json::{Value, json};
use uuid::Uuid;

fn venue_body() -> Value {
    json!({"name": "坞城路社区便民市场", "address": "小店区坞城路88号", "county_code": "140105", "places": 2,
           "description": "每天6:00-20:00"})
}

#[tokio::test]
async fn venue_allocation_priority_first_then_time_within_capacity() {
    each_app(|app| async move {
        let staff = app.staff_in("venues.county", "140105").await;
        let mut s = staff.clone();
        let mut other = app.staff_in("venues.other", "140106").await;

        for (patch, field) in [
            (json!({"name": ""}), "name"),
            (json!({"address": " "}), "address"),
            (json!({"county_code": "140106"}), "county_code"),
            (json!({"places": 0}), "places"),
        ] {
            let mut b = venue_body();
            for (k, v) in patch.as_object().unwrap() {
                b[k] = v.clone();
            }
            let r = s.post(&app, "/api/v1/venues", b).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert_eq!(r.json()["error"]["field"], field);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM venues").await, 0);
        let v = s.post(&app, "/api/v1/venues", venue_body()).await;
        assert_eq!(v.status, StatusCode::CREATED, "{}", v.body);
        let vid = v.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(
            other
                .get(&app, &format!("/api/v1/venues/{vid}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            other
                .post(&app, &format!("/api/v1/venues/{vid}/allocate"), json!({}))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            other
                .post(
                    &app,
                    &format!("/api/v1/venues/{vid}/open"),
                    json!({"open": false})
                )
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let mut anon = Client::default();
        assert_eq!(
            anon.get(&app, "/api/v1/venues")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            1
        );

        // Four applicants, one minute apart: plain, a checked graduate, a self-declared
        // (unchecked) hard-to-employ person, a laid-off person from the registry.
        let mut ws = Vec::new();
        for (i, (user, name)) in [
            ("v.plain", "张一"),
            ("v.grad", "王二"),
            ("v.self", "李三"),
            ("v.laid", "赵四"),
        ]
        .iter()
        .enumerate()
        {
            ws.push(app.worker(user, 81 + i as u32).named(name).await);
        }
        app.add_group("v.grad", "college_graduate", "staff_checked", false)
            .await;
        app.add_group("v.self", "hard_to_employ", "self_declared", false)
            .await;
        app.add_group("v.laid", "laid_off", "registry", true).await;
        let bad = ws[0]
            .post(
                &app,
                &format!("/api/v1/venues/{vid}/applications"),
                json!({"business": ""}),
            )
            .await;
        assert_eq!(bad.json()["error"]["field"], "business");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM venue_applications").await,
            0
        );
        for w in ws.iter_mut() {
            let r = w
                .post(
                    &app,
                    &format!("/api/v1/venues/{vid}/applications"),
                    json!({"business": "早点摊"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            app.clock.advance(Duration::minutes(1));
        }
        assert_eq!(
            ws[0]
                .post(
                    &app,
                    &format!("/api/v1/venues/{vid}/applications"),
                    json!({"business": "早点摊"})
                )
                .await
                .status,
            StatusCode::CONFLICT
        );
        let d = s.get(&app, &format!("/api/v1/venues/{vid}")).await.json();
        assert_eq!(d["applications"][1]["priority_label"], "高校毕业生");
        assert_eq!(
            d["applications"][2]["priority_label"],
            Value::Null,
            "self-declared does not count"
        );
        assert_eq!(
            s.get(&app, "/api/v1/services/workbench").await.json()["pending_venue_applications"],
            4
        );

        // Two allocations race: capacity holds.
        let (mut a, mut b) = (staff.clone(), staff.clone());
        let path = format!("/api/v1/venues/{vid}/allocate");
        let (ra, rb) = tokio::join!(
            a.post(&app, &path, json!({})),
            b.post(&app, &path, json!({}))
        );
        assert_eq!(ra.status, StatusCode::OK, "{}", ra.body);
        assert_eq!(rb.status, StatusCode::OK, "{}", rb.body);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM venue_applications WHERE status = 'allocated'")
                .await,
            2
        );
        assert_eq!(app.count("SELECT MAX(allocated) FROM venues").await, 2);
        let d = s.get(&app, &format!("/api/v1/venues/{vid}")).await.json();
        assert_eq!(d["venue"]["free"], 0);
        let by_name = |n: &str| -> Value {
            d["applications"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["applicant_name"] == n)
                .unwrap()
                .clone()
        };
        assert_eq!(by_name("王*")["status"], "allocated");
        assert_eq!(
            by_name("王*")["reason"],
            "优先群体：高校毕业生（排序第1位）"
        );
        assert_eq!(by_name("赵*")["status"], "allocated");
        assert_eq!(
            by_name("赵*")["reason"],
            "优先群体：下岗失业人员（排序第2位）"
        );
        assert_eq!(by_name("张*")["status"], "waitlisted");
        assert_eq!(
            by_name("张*")["reason"],
            "名额已满，列入候补（按申请时间第3位）"
        );
        assert_eq!(
            by_name("李*")["reason"],
            "名额已满，列入候补（按申请时间第4位）"
        );

        // Each applicant is told; they see their own decision.
        let mine = ws[1]
            .get(&app, "/api/v1/venues/applications/mine")
            .await
            .json();
        assert_eq!(mine[0]["status"], "allocated");
        let notices = ws[0].get(&app, "/api/v1/notices").await.json();
        assert!(
            notices
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["message"].as_str().unwrap().contains("候补")),
            "{notices}"
        );
        assert!(app.audit_count("venue_allocated").await >= 1);
        assert_eq!(app.audit_count("venue_applied").await, 4);
        assert_eq!(app.audit_count("venue_created").await, 1);

        // Closing the venue takes it off the public list.
        assert_eq!(
            s.post(
                &app,
                &format!("/api/v1/venues/{vid}/open"),
                json!({"open": false})
            )
            .await
            .json()["open"],
            false
        );
        assert_eq!(
            anon.get(&app, "/api/v1/venues")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        assert!(app.audit_count("venue_closed").await == 1);
        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());
        app
    })
    .await;
}

fn relief_body(kind: &str, declared: bool) -> Value {
    json!({"kind": kind, "location": "小店区亲贤街12号（区属国有房屋）", "period_from": "2026-12-01", "period_to": "2027-11-30",
           "monthly_amount": "1200.00", "evidence": "租赁合同 XQ-2026-118", "individual_household": true, "declared": declared})
}

#[tokio::test]
async fn fee_relief_decided_with_the_policy_reasons() {
    each_app(|app| async move {
        let mut s = app.staff_in("relief.county", "140105").await;
        let mut other = app.staff_in("relief.other", "140106").await;
        let mut w = app.worker("r.worker", 91).named("孙秀兰").await;
        let mut w2 = app.worker("r.worker2", 92).named("周建华").await;

        for (patch, field) in [
            (json!({"kind": "tax"}), "kind"),
            (json!({"location": ""}), "location"),
            (json!({"period_from": "12月1日"}), "period_from"),
            (json!({"period_to": "2026-11-01"}), "period_to"),
            (json!({"monthly_amount": "一千"}), "monthly_amount"),
        ] {
            let mut b = relief_body("rent_relief", true);
            for (k, v) in patch.as_object().unwrap() {
                b[k] = v.clone();
            }
            let r = w.post(&app, "/api/v1/relief", b).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM fee_reliefs").await, 0);

        let ok = w
            .post(&app, "/api/v1/relief", relief_body("rent_relief", true))
            .await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
        assert_eq!(ok.json()["eligible"], true);
        assert_eq!(ok.json()["clause"], "三(六)");
        let ok_id = ok.json()["id"].as_str().unwrap().to_owned();
        let no = w
            .post(&app, "/api/v1/relief", relief_body("rent_relief", false))
            .await
            .json();
        assert_eq!(no["eligible"], false);
        let no_id = no["id"].as_str().unwrap().to_owned();
        let road = w
            .post(
                &app,
                "/api/v1/relief",
                relief_body("road_fee_exemption", true),
            )
            .await
            .json();
        assert_eq!(road["clause"], "三(五)");
        assert_eq!(road["eligible"], true);
        assert_eq!(
            s.get(&app, "/api/v1/services/workbench").await.json()["pending_relief"],
            3
        );

        // Out of region or someone else's: 404.
        assert_eq!(
            other
                .get(&app, &format!("/api/v1/relief/{ok_id}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            other
                .post(
                    &app,
                    &format!("/api/v1/relief/{ok_id}/decision"),
                    json!({"approve": true, "reason": "材料齐全"})
                )
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            w2.get(&app, &format!("/api/v1/relief/{ok_id}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            other
                .get(&app, "/api/v1/relief/queue")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );

        // Not eligible cannot be approved; a reason is required.
        let r = s
            .post(
                &app,
                &format!("/api/v1/relief/{no_id}/decision"),
                json!({"approve": true, "reason": "同意"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["error"]["field"], "approve");
        let r = s
            .post(
                &app,
                &format!("/api/v1/relief/{ok_id}/decision"),
                json!({"approve": true, "reason": ""}),
            )
            .await;
        assert_eq!(r.json()["error"]["field"], "reason");
        let r = s
            .post(
                &app,
                &format!("/api/v1/relief/{ok_id}/decision"),
                json!({"approve": true, "reason": "合同和产权证明已核对"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let v = r.json();
        assert_eq!(v["status"], "approved");
        assert!(
            v["citations"][0].as_str().unwrap().contains("三(六)"),
            "{v}"
        );
        assert!(!v["reasons"].as_array().unwrap().is_empty());
        assert_eq!(v["decided_by"], "测试relief.county");
        assert_eq!(
            s.post(
                &app,
                &format!("/api/v1/relief/{ok_id}/decision"),
                json!({"approve": false, "reason": "再审"})
            )
            .await
            .status,
            StatusCode::CONFLICT
        );
        let r = s
            .post(
                &app,
                &format!("/api/v1/relief/{no_id}/decision"),
                json!({"approve": false, "reason": "承租的不是国有房屋"}),
            )
            .await;
        assert_eq!(r.json()["status"], "refused");

        let stored: String = linghuo_storage::on_pool!(&app.svc.db, |p| sqlx::query_scalar(
            "SELECT determination FROM fee_reliefs WHERE status = 'approved'"
        )
        .fetch_one(p)
        .await
        .unwrap());
        assert!(
            stored.contains("citations") && stored.contains("三(六)"),
            "{stored}"
        );

        let mine = w.get(&app, "/api/v1/relief/mine").await.json();
        assert_eq!(mine.as_array().unwrap().len(), 3);
        assert!(
            mine.as_array()
                .unwrap()
                .iter()
                .all(|x| x["decided_by"].is_null()),
            "no staff names for the applicant"
        );
        assert_eq!(app.audit_count("relief_applied").await, 3);
        assert_eq!(app.audit_count("relief_approved").await, 1);
        assert_eq!(app.audit_count("relief_refused").await, 1);
        assert!(app.svc.verify_audit().await.unwrap().first_broken.is_none());
        app
    })
    .await;
}

#[tokio::test]
async fn staff_allocate_venue_places_through_the_pages() {
    each_app(|app| async move {
        let staff_client = app.staff_in("vpages.staff", "140105").await;
        let mut staff = Browser::of(&staff_client);
        staff.get(&app, "/staff/venues").await;
        let bad = staff
            .post(
                &app,
                "/staff/venues",
                &[
                    ("name", "南内环社区便民点"),
                    ("address", "小店区南内环街"),
                    ("county_code", "140105"),
                    ("places", "零"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.html.contains("places-error"), "{}", bad.html);
        let (to, page) = staff
            .submit(
                &app,
                "/staff/venues",
                &[
                    ("name", "南内环社区便民点"),
                    ("address", "小店区南内环街"),
                    ("county_code", "140105"),
                    ("places", "1"),
                ],
            )
            .await;
        assert!(page.html.contains("南内环社区便民点"));
        let vid = to
            .strip_prefix("/staff/venues/")
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_owned();

        // Two workers apply through the page; the graduate (checked) gets the place.
        let mut browsers = Vec::new();
        for (user, name, seq) in [("vp.first", "钱一", 95u32), ("vp.grad", "吴二", 96)] {
            let c = app.worker(user, seq).named(name).await;
            let mut b = Browser::of(&c);
            let list = b.get(&app, "/venues").await;
            assert!(list.html.contains("南内环社区便民点"), "{}", list.html);
            let (to, mine) = b
                .submit(
                    &app,
                    &format!("/venues/{vid}/apply"),
                    &[("business", "修鞋配钥匙")],
                )
                .await;
            assert!(to.starts_with("/venues/mine"));
            assert!(mine.html.contains("待分配"));
            browsers.push(b);
            app.clock.advance(Duration::minutes(5));
        }
        app.add_group("vp.grad", "college_graduate", "registry", true)
            .await;
        let d = staff.get(&app, &format!("/staff/venues/{vid}")).await;
        assert!(d.html.contains("高校毕业生"), "{}", d.html);
        let (_, d) = staff
            .submit(&app, &format!("/staff/venues/{vid}/allocate"), &[])
            .await;
        assert!(d.html.contains("已按优先群体和申请时间分配场地"));
        assert!(
            d.html.contains("优先群体：高校毕业生（排序第1位）"),
            "{}",
            d.html
        );
        assert!(d.html.contains("名额已满，列入候补（按申请时间第2位）"));
        let mine = browsers[1].get(&app, "/venues/mine").await;
        assert!(mine.html.contains("已分配"));
        let mine = browsers[0].get(&app, "/venues/mine").await;
        assert!(mine.html.contains("候补"));

        // Another county's staff: 404 on the page and the button.
        let other_client = app.staff_in("vpages.other", "140106").await;
        let mut other = Browser::of(&other_client);
        assert_eq!(
            other
                .get(&app, &format!("/staff/venues/{vid}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        other.get(&app, "/staff/venues").await;
        assert_eq!(
            other
                .post(&app, &format!("/staff/venues/{vid}/allocate"), &[])
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // Relief through the pages: apply, staff decide.
        let (_, p) = browsers[0]
            .submit(
                &app,
                "/relief",
                &[
                    ("kind", "road_fee_exemption"),
                    ("location", "小店区南内环街与体育路口"),
                    ("period_from", "2026-12-01"),
                    ("period_to", "2027-05-31"),
                    ("monthly_amount", "300"),
                    ("declared", "yes"),
                ],
            )
            .await;
        assert!(p.html.contains("免征城市道路占用费"));
        let q = staff.get(&app, "/staff/relief").await;
        assert!(q.html.contains("符合条件"), "{}", q.html);
        let rid: Uuid = linghuo_storage::on_pool!(&app.svc.db, |p| sqlx::query_scalar(
            "SELECT id FROM fee_reliefs"
        )
        .fetch_one(p)
        .await
        .unwrap());
        let (_, q) = staff
            .submit(
                &app,
                &format!("/staff/relief/{rid}/decide"),
                &[("decision", "approve"), ("reason", "占道批准文书已核对")],
            )
            .await;
        assert!(q.html.contains("已批准"));
        app
    })
    .await;
}

/// Issue 17: 登记失业人员 are 失业人员 and served first, as the engine's `venue_priority` and
/// the assistance referral read them (an open 失业登记 counts); a group dated after today (a
/// graduate still to leave school) does not count yet.
#[tokio::test]
async fn registered_unemployed_come_first_and_a_group_still_to_begin_does_not() {
    each_app(|app| async move {
        let mut s = app.staff_in("venues.ru", "140105").await;
        let mut body = venue_body();
        body["places"] = json!(1);
        let v = s.post(&app, "/api/v1/venues", body).await;
        assert_eq!(v.status, StatusCode::CREATED, "{}", v.body);
        let vid = v.json()["id"].as_str().unwrap().to_owned();
        let mut early = app.worker("vr.early", 91).named("周一").await;
        let mut future = app.worker("vr.future", 92).named("吴二").await;
        let mut unemp = app.worker("vr.unemp", 93).named("郑三").await;
        // A checked graduate whose leaving day is a month away.
        let leaves = app.svc.clock.today_cst() + Duration::days(30);
        app.add_group_since(
            "vr.future",
            "college_graduate",
            Some(leaves),
            "staff_checked",
            true,
        )
        .await;
        // An open 失业登记.
        let pid = unemp.get(&app, "/api/v1/me/registrations").await.json()["person_id"]
            .as_str()
            .unwrap()
            .to_owned();
        let r = unemp
            .post(
                &app,
                &format!("/api/v1/persons/{pid}/registrations"),
                json!({"kind": "unemployment"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        for w in [&mut early, &mut future, &mut unemp] {
            let r = w
                .post(
                    &app,
                    &format!("/api/v1/venues/{vid}/applications"),
                    json!({"business": "修鞋摊"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            app.clock.advance(Duration::minutes(1));
        }
        let d = s.get(&app, &format!("/api/v1/venues/{vid}")).await.json();
        let label = |n: &str| -> Value {
            d["applications"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["applicant_name"] == n)
                .unwrap()["priority_label"]
                .clone()
        };
        assert_eq!(label("郑*"), "登记失业人员", "{d}");
        assert_eq!(label("吴*"), Value::Null, "not yet a graduate: {d}");
        let r = s
            .post(&app, &format!("/api/v1/venues/{vid}/allocate"), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let d = s.get(&app, &format!("/api/v1/venues/{vid}")).await.json();
        let app_of = |n: &str| -> Value {
            d["applications"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["applicant_name"] == n)
                .unwrap()
                .clone()
        };
        assert_eq!(app_of("郑*")["status"], "allocated", "{d}");
        assert_eq!(
            app_of("郑*")["reason"],
            "优先群体：登记失业人员（排序第1位）"
        );
        assert_eq!(
            app_of("周*")["reason"],
            "名额已满，列入候补（按申请时间第2位）"
        );
        assert_eq!(
            app_of("吴*")["reason"],
            "名额已满，列入候补（按申请时间第3位）"
        );
        app
    })
    .await;
}
