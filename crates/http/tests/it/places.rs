//! Designated places and stalls (二(三), 三(四), 三(六)) and gig-market sites and agencies
//! (四(九)) through the API and pages on both databases: the register with its scope and
//! bad input; stall applications in the venues' priority order, the 占道 approval with the
//! engine's licence-exemption notice citing 三(四), refusal with its reason; sites with their
//! coordinates inside Shanxi; 人力资源服务机构 needing a licence number and their posts
//! marked 中介机构发布.

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;
use chrono::Duration;
use serde_json::{Value, json};

fn place_body() -> Value {
    json!({"kind": "night_market", "name": "柳巷夜市", "address": "小店区柳巷南口", "county_code": "140105",
           "hours": "每天18:00—23:00", "pitches": 2})
}

fn with(mut b: Value, patch: Value) -> Value {
    for (k, v) in patch.as_object().unwrap() {
        b[k] = v.clone();
    }
    b
}

#[tokio::test]
async fn places_register_with_fees_scope_and_bad_input() {
    each_app(|app| async move {
        let mut s = app.staff_in("places.county", "140105").await;
        let mut other = app.staff_in("places.other", "140106").await;
        let mut city = app.staff_in("places.city", "140100").await;

        for (patch, field) in [
            (json!({"kind": "market"}), "kind"),
            (json!({"name": ""}), "name"),
            (json!({"county_code": "140106"}), "county_code"),
            (json!({"hours": " "}), "hours"),
            (json!({"pitches": 0}), "pitches"),
            (json!({"fee": "abc", "fee_period": "day"}), "fee"),
            (json!({"fee": "5"}), "fee_period"),
            (json!({"clause": "四(九)"}), "clause"),
        ] {
            let r = s.post(&app, "/api/v1/places", with(place_body(), patch)).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM designated_places").await, 0);

        let free = s.post(&app, "/api/v1/places", place_body()).await;
        assert_eq!(free.status, StatusCode::CREATED, "{}", free.body);
        let free = free.json();
        assert_eq!(free["fee_free"], true);
        assert_eq!(free["fee_label"], "免费");
        assert_eq!(free["fee"], Value::Null);
        assert_eq!(free["clause"], "二(三)", "a night market rests on 二(三) by default");
        let reduced = s
            .post(
                &app,
                "/api/v1/places",
                with(
                    place_body(),
                    json!({"kind": "stall_point", "name": "坞城路便民市场", "fee": "5", "fee_period": "day",
                           "fee_note": "原价每天10元，减半收取"}),
                ),
            )
            .await
            .json();
        assert_eq!(reduced["fee"], "5.00", "money is a decimal string");
        assert_eq!(reduced["fee_label"], "每天5.00元");
        assert_eq!(reduced["clause"], "三(四)");
        assert_eq!(
            app.count("SELECT fee_fen FROM designated_places WHERE fee_fen > 0").await,
            500,
            "fen in the database"
        );
        assert_eq!(app.audit_count("place_created").await, 2);

        // Public register by county; other counties see none of it.
        let mut anon = Client::default();
        let all = anon.get(&app, "/api/v1/places").await.json();
        assert_eq!(all.as_array().unwrap().len(), 2);
        assert_eq!(
            anon.get(&app, "/api/v1/places?county=140106").await.json().as_array().unwrap().len(),
            0
        );
        assert_eq!(
            anon.get(&app, "/api/v1/places?county=140100").await.json().as_array().unwrap().len(),
            2,
            "a city code lists its counties"
        );
        let pid = free["id"].as_str().unwrap().to_owned();
        assert_eq!(
            other.get(&app, &format!("/api/v1/places/{pid}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            other.post(&app, &format!("/api/v1/places/{pid}/open"), json!({"open": false})).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(other.get(&app, "/api/v1/places/region").await.json().as_array().unwrap().len(), 0);
        assert_eq!(city.get(&app, "/api/v1/places/region").await.json().as_array().unwrap().len(), 2);
        assert_eq!(city.get(&app, &format!("/api/v1/places/{pid}")).await.status, StatusCode::OK);

        // Stopping applications takes it off the public register.
        let closed = s.post(&app, &format!("/api/v1/places/{pid}/open"), json!({"open": false})).await;
        assert_eq!(closed.json()["open"], false, "{}", closed.body);
        assert_eq!(anon.get(&app, "/api/v1/places").await.json().as_array().unwrap().len(), 1);
        // Stopping it again is refused as already so, and audited once only.
        let again = s.post(&app, &format!("/api/v1/places/{pid}/open"), json!({"open": false})).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
        assert_eq!(again.json()["error"]["code"], "place_state", "{}", again.body);
        assert_eq!(app.audit_count("place_closed").await, 1);

        // The pages: the staff's register and form, the public list by county.
        let staff_client = app.staff_in("places.pages", "140105").await;
        let mut b = Browser::of(&staff_client);
        let list = b.get(&app, "/staff/places").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(list.html.contains("坞城路便民市场") && list.html.contains("每天5.00元"));
        let bad = b
            .post(
                &app,
                "/staff/places",
                &[("kind", "scenic_zone"), ("name", "汾河景区销售区"), ("address", "汾河公园"),
                  ("county_code", "140105"), ("hours", "周末"), ("pitches", "三")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.html.contains("pitches-error"), "{}", bad.html);
        let (to, page) = b
            .submit(
                &app,
                "/staff/places",
                &[("kind", "scenic_zone"), ("name", "汾河景区销售区"), ("address", "汾河公园"),
                  ("county_code", "140105"), ("hours", "每周六、日9:00—18:00"), ("pitches", "3")],
            )
            .await;
        assert!(to.starts_with("/staff/places/"));
        assert!(page.html.contains("汾河景区销售区") && page.html.contains("二(三)"));
        let mut visitor = Browser::new();
        let public = visitor.get(&app, "/places?county=140105").await;
        assert_eq!(public.status, StatusCode::OK);
        assert!(public.html.contains("汾河景区销售区") && public.html.contains("免费"));
        assert!(public.html.contains("登录后申请摊位"));
        let none = visitor.get(&app, "/places?county=140106").await;
        assert!(!none.html.contains("汾河景区销售区"));
        let home = visitor.get(&app, "/").await;
        assert!(home.html.contains("href=\"/places\"") && home.html.contains("href=\"/sites\""));
        app
    })
    .await;
}

#[tokio::test]
async fn stall_applications_in_priority_order_approval_notice_and_refusal() {
    each_app(|app| async move {
        let mut s = app.staff_in("stalls.county", "140105").await;
        let mut other = app.staff_in("stalls.other", "140106").await;
        let pid = s.post(&app, "/api/v1/places", place_body()).await.json()["id"]
            .as_str()
            .unwrap()
            .to_owned();

        // Four applicants a minute apart: plain, a checked graduate, a self-declared
        // (unchecked) hard-to-employ person, a laid-off person from the registry.
        let mut ws = Vec::new();
        for (i, (user, name)) in [
            ("s.plain", "张一"),
            ("s.grad", "王二"),
            ("s.self", "李三"),
            ("s.laid", "赵四"),
        ]
        .iter()
        .enumerate()
        {
            ws.push(app.worker(user, 61 + i as u32).named(name).await);
        }
        app.add_group("s.grad", "college_graduate", "staff_checked", false)
            .await;
        app.add_group("s.self", "hard_to_employ", "self_declared", false)
            .await;
        app.add_group("s.laid", "laid_off", "registry", true).await;
        let bad = ws[0]
            .post(
                &app,
                &format!("/api/v1/places/{pid}/applications"),
                json!({"goods": "weapons", "business": "x"}),
            )
            .await;
        assert_eq!(bad.json()["error"]["field"], "goods");
        let bad = ws[0]
            .post(
                &app,
                &format!("/api/v1/places/{pid}/applications"),
                json!({"goods": "farm_produce", "business": ""}),
            )
            .await;
        assert_eq!(bad.json()["error"]["field"], "business");
        assert_eq!(
            app.count("SELECT COUNT(*) FROM stall_applications").await,
            0
        );
        let goods = ["other", "farm_produce", "daily_goods", "daily_goods"];
        let mut ids = Vec::new();
        for (w, g) in ws.iter_mut().zip(goods) {
            let r = w
                .post(
                    &app,
                    &format!("/api/v1/places/{pid}/applications"),
                    json!({"goods": g, "business": "夜市摊位"}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            assert_eq!(r.json()["status"], "pending");
            ids.push(r.json()["id"].as_str().unwrap().to_owned());
            app.clock.advance(Duration::minutes(1));
        }
        let again = ws[0]
            .post(
                &app,
                &format!("/api/v1/places/{pid}/applications"),
                json!({"goods": "other", "business": "再申请"}),
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

        // The order: checked groups by time (graduate, laid-off), then the rest by time.
        let d = s.get(&app, &format!("/api/v1/places/{pid}")).await.json();
        let order: Vec<&str> = d["applications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            order,
            vec![
                ids[1].as_str(),
                ids[3].as_str(),
                ids[0].as_str(),
                ids[2].as_str()
            ]
        );
        assert_eq!(d["applications"][0]["priority_label"], "高校毕业生");
        assert_eq!(d["applications"][0]["rank"], 1);
        assert_eq!(
            d["applications"][2]["priority_group"],
            Value::Null,
            "self-declared does not count"
        );

        // Two pitches: the third in line cannot pass the two ahead of them.
        let ahead = s
            .post(
                &app,
                &format!("/api/v1/stall-applications/{}/decision", ids[0]),
                json!({"approve": true}),
            )
            .await;
        assert_eq!(ahead.status, StatusCode::CONFLICT, "{}", ahead.body);
        assert_eq!(ahead.json()["error"]["code"], "priority_ahead");
        assert_eq!(
            other
                .post(
                    &app,
                    &format!("/api/v1/stall-applications/{}/decision", ids[1]),
                    json!({"approve": true})
                )
                .await
                .status,
            StatusCode::NOT_FOUND
        );

        // The graduate is approved: farm produce at a designated place needs no licence (三(四)).
        let ok = s
            .post(
                &app,
                &format!("/api/v1/stall-applications/{}/decision", ids[1]),
                json!({"approve": true}),
            )
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        let ok = ok.json();
        assert_eq!(ok["status"], "approved");
        assert_eq!(ok["rank"], 1);
        assert_eq!(ok["priority_group"], "college_graduate");
        assert_eq!(ok["exemption"]["exempt"], true);
        assert_eq!(ok["exemption"]["clause"], "三(四)");
        assert!(
            ok["exemption"]["citations"][0]
                .as_str()
                .unwrap()
                .contains("晋政办发〔2020〕89号 三(四)"),
            "{ok}"
        );
        assert!(ok["decided_by"].is_string());
        assert!(ok["decided_at"].is_string());
        let notices = ws[1].get(&app, "/api/v1/notices").await.json();
        let n = notices
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["message"].as_str().unwrap().contains("摊位申请已批准"))
            .unwrap_or_else(|| panic!("{notices}"));
        let m = n["message"].as_str().unwrap();
        assert!(
            m.contains("无须办理营业执照") && m.contains("三(四)") && m.contains("柳巷夜市"),
            "{m}"
        );
        let mine = ws[1]
            .get(&app, "/api/v1/places/applications/mine")
            .await
            .json();
        assert_eq!(mine[0]["exemption"]["exempt"], true);
        assert_eq!(
            mine[0]["decided_by"],
            Value::Null,
            "the person is not told which staff member"
        );
        let page = Browser::of(&ws[1]).get(&app, "/places/mine").await;
        assert!(
            page.html.contains("免办营业执照告知") && page.html.contains("三(四)"),
            "{}",
            page.html
        );
        let items = Browser::of(&ws[1]).get(&app, "/services/items").await;
        assert!(items.html.contains("摊位申请：柳巷夜市"), "{}", items.html);

        // A refusal needs its reason, which the person is told.
        let no_reason = s
            .post(
                &app,
                &format!("/api/v1/stall-applications/{}/decision", ids[3]),
                json!({"approve": false}),
            )
            .await;
        assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
        assert_eq!(no_reason.json()["error"]["field"], "reason");
        let refused = s
            .post(
                &app,
                &format!("/api/v1/stall-applications/{}/decision", ids[3]),
                json!({"approve": false, "reason": "该时段摊位已按片区分配完毕"}),
            )
            .await
            .json();
        assert_eq!(refused["status"], "refused");
        assert_eq!(refused["exemption"], Value::Null);
        let mine = ws[3]
            .get(&app, "/api/v1/places/applications/mine")
            .await
            .json();
        assert_eq!(mine[0]["reason"], "该时段摊位已按片区分配完毕");
        let twice = s
            .post(
                &app,
                &format!("/api/v1/stall-applications/{}/decision", ids[3]),
                json!({"approve": true}),
            )
            .await;
        assert_eq!(twice.status, StatusCode::CONFLICT);

        // Next in line sells other goods: approved for the pitch, but told to get a licence.
        let other_goods = s
            .post(
                &app,
                &format!("/api/v1/stall-applications/{}/decision", ids[0]),
                json!({"approve": true}),
            )
            .await
            .json();
        assert_eq!(other_goods["status"], "approved", "{other_goods}");
        assert_eq!(other_goods["exemption"]["exempt"], false);
        assert!(
            other_goods["exemption"]["notice"]
                .as_str()
                .unwrap()
                .contains("请依法办理营业执照")
        );
        // No pitch left for the last one.
        let full = s
            .post(
                &app,
                &format!("/api/v1/stall-applications/{}/decision", ids[2]),
                json!({"approve": true}),
            )
            .await;
        assert_eq!(full.status, StatusCode::CONFLICT);
        assert_eq!(full.json()["error"]["code"], "no_pitch");
        assert_eq!(
            app.count("SELECT allocated FROM designated_places").await,
            2
        );
        assert_eq!(app.audit_count("stall_applied").await, 4);
        assert_eq!(app.audit_count("stall_approved").await, 2);
        assert_eq!(app.audit_count("stall_refused").await, 1);

        // The staff page shows who decided; another county's staff get 404.
        let mut b = Browser::of(&s);
        let page = b.get(&app, &format!("/staff/places/{pid}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.html.contains("该时段摊位已按片区分配完毕") && page.html.contains("是（三(四)）"),
            "{}",
            page.html
        );
        assert_eq!(
            Browser::of(&other)
                .get(&app, &format!("/staff/places/{pid}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        app
    })
    .await;
}

#[tokio::test]
async fn stall_through_the_pages_apply_approve_and_see_the_notice() {
    each_app(|app| async move {
        let staff_client = app.staff_in("stallp.staff", "140105").await;
        let mut staff = Browser::of(&staff_client);
        let mut s = staff_client.clone();
        let pid = s
            .post(
                &app,
                "/api/v1/places",
                with(place_body(), json!({"name": "龙城便民市场"})),
            )
            .await
            .json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let c = app.worker("stallp.w", 71).named("孙五").await;
        let mut w = Browser::of(&c);
        let list = w.get(&app, "/places").await;
        assert!(
            list.html.contains("龙城便民市场") && list.html.contains("申请摊位"),
            "{}",
            list.html
        );
        let (to, mine) = w
            .submit(
                &app,
                &format!("/places/{pid}/apply"),
                &[("goods", "daily_goods"), ("business", "日用百货")],
            )
            .await;
        assert!(to.starts_with("/places/mine"));
        assert!(mine.html.contains("待审批") && mine.html.contains("摊位申请已提交"));
        let failed = w
            .post(
                &app,
                &format!("/places/{pid}/apply"),
                &[("goods", "daily_goods"), ("business", "日用百货")],
            )
            .await;
        assert_eq!(failed.status, StatusCode::CONFLICT);
        assert!(failed.html.contains("您已申请该场所"), "{}", failed.html);

        let d = staff.get(&app, &format!("/staff/places/{pid}")).await;
        assert!(d.html.contains("第1位"), "{}", d.html);
        let aid = between(&d.html, "/staff/stalls/", "/decide").to_owned();
        let refuse = staff
            .post(
                &app,
                &format!("/staff/stalls/{aid}/decide"),
                &[("place_id", &pid), ("decision", "refuse"), ("reason", "")],
            )
            .await;
        assert_eq!(refuse.status, StatusCode::BAD_REQUEST);
        assert!(
            refuse.html.contains("不批准时须写明理由"),
            "{}",
            refuse.html
        );
        let (_, d) = staff
            .submit(
                &app,
                &format!("/staff/stalls/{aid}/decide"),
                &[("place_id", &pid), ("decision", "approve"), ("reason", "")],
            )
            .await;
        assert!(d.html.contains("已批准占道经营"), "{}", d.html);
        let mine = w.get(&app, "/places/mine").await;
        assert!(
            mine.html.contains("已批准占道经营") && mine.html.contains("免办营业执照告知"),
            "{}",
            mine.html
        );
        app
    })
    .await;
}

fn site_body() -> Value {
    json!({"kind": "gig_market", "name": "小店区零工市场", "address": "小店区许坦东街", "county_code": "140105",
           "hours": "每天6:00—12:00", "services": ["job_info", "labour_matching"], "lat": 37.7956, "lon": 112.5634})
}

#[tokio::test]
async fn sites_register_with_coordinates_inside_shanxi() {
    each_app(|app| async move {
        let mut s = app.staff_in("sites.county", "140105").await;
        let mut other = app.staff_in("sites.other", "140106").await;
        for (patch, field) in [
            (json!({"kind": "bazaar"}), "kind"),
            (json!({"name": ""}), "name"),
            (json!({"county_code": "140106"}), "county_code"),
            (json!({"services": []}), "services"),
            (json!({"services": ["massage"]}), "services"),
            (json!({"lat": 31.23}), "lat"),
            (json!({"lat": 41.2}), "lat"),
            (json!({"lon": 121.47}), "lon"),
            (json!({"lon": 109.9}), "lon"),
        ] {
            let r = s
                .post(&app, "/api/v1/sites", with(site_body(), patch))
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{}", r.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM gig_sites").await, 0);
        let r = s.post(&app, "/api/v1/sites", site_body()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let site = r.json();
        assert_eq!(
            site["service_labels"],
            json!(["岗位信息发布与查询", "劳务对接洽谈"])
        );
        assert_eq!(site["lat"], 37.7956);
        let sid = site["id"].as_str().unwrap().to_owned();
        assert_eq!(app.audit_count("site_created").await, 1);

        let mut anon = Client::default();
        assert_eq!(
            anon.get(&app, "/api/v1/sites")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            anon.get(&app, "/api/v1/sites?county=140106")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            other
                .get(&app, "/api/v1/sites/region")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            other
                .post(
                    &app,
                    &format!("/api/v1/sites/{sid}/active"),
                    json!({"active": false})
                )
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let mut visitor = Browser::new();
        let page = visitor.get(&app, "/sites").await;
        assert!(
            page.html.contains("小店区零工市场") && page.html.contains("geo:37.7956,112.5634"),
            "{}",
            page.html
        );

        // Taken out of the register, it leaves the public list but stays in the staff's.
        let hidden = s
            .post(
                &app,
                &format!("/api/v1/sites/{sid}/active"),
                json!({"active": false}),
            )
            .await;
        assert_eq!(hidden.json()["active"], false, "{}", hidden.body);
        assert_eq!(
            anon.get(&app, "/api/v1/sites")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            s.get(&app, "/api/v1/sites/region")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            1
        );

        // The staff page: a coordinate that is not a number, then one outside Shanxi.
        let mut b = Browser::of(&s);
        b.get(&app, "/staff/sites").await;
        let form = |lat: &'static str| {
            vec![
                ("kind", "gig_station"),
                ("name", "长风街零工驿站"),
                ("address", "长风街社区"),
                ("county_code", "140105"),
                ("hours", "工作日"),
                ("services", "job_info"),
                ("services", "career_guidance"),
                ("lat", lat),
                ("lon", "112.55"),
            ]
        };
        let bad = b.post(&app, "/staff/sites", &form("北纬三十七度")).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.html.contains("lat-error"), "{}", bad.html);
        let outside = b.post(&app, "/staff/sites", &form("45.1")).await;
        assert!(
            outside.html.contains("纬度不在山西省范围内"),
            "{}",
            outside.html
        );
        let (_, page) = b.submit(&app, "/staff/sites", &form("37.81")).await;
        assert!(
            page.html.contains("长风街零工驿站") && page.html.contains("职业指导"),
            "{}",
            page.html
        );
        app
    })
    .await;
}

fn agency_signup(username: &str, licence: Option<&str>) -> Value {
    let mut e = json!({"kind": "hr_agency", "name": "山西晋才人力资源服务有限公司", "uscc": "91110000600037341L",
                       "contact_name": "赵经理", "contact_phone": "13912345678", "county_code": "140105"});
    if let Some(l) = licence {
        e["licence_no"] = json!(l);
    }
    json!({"username": username, "password": PASSWORD, "employer": e})
}

#[tokio::test]
async fn agencies_need_a_licence_and_their_posts_are_marked() {
    each_app(|app| async move {
        let mut c = Client::default();
        c.start(&app).await;
        let missing = c.post(&app, "/api/v1/signup/employer", agency_signup("agency1", None)).await;
        assert_eq!(missing.status, StatusCode::BAD_REQUEST, "{}", missing.body);
        assert_eq!(missing.json()["error"]["field"], "licence_no");
        let bad = c.post(&app, "/api/v1/signup/employer", agency_signup("agency1", Some("abc"))).await;
        assert_eq!(bad.json()["error"]["field"], "licence_no");
        assert_eq!(bad.json()["error"]["code"], "licence_format");
        assert_eq!(app.count("SELECT COUNT(*) FROM employers").await, 0);
        let ok = c
            .post(&app, "/api/v1/signup/employer", agency_signup("agency1", Some("（晋）人服证字〔2021〕第0105000012号")))
            .await;
        assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
        let mut agency = password_sign_in(&app, "agency1", PASSWORD).await;
        let me = agency.get(&app, "/api/v1/employer").await.json();
        assert_eq!(me["kind"], "hr_agency");
        assert_eq!(me["kind_label"], "人力资源服务机构");
        assert_eq!(me["licence_no"], "（晋）人服证字〔2021〕第0105000012号");

        // Verified, it posts; the post says it comes from an agency, an enterprise's does not.
        let mut staff = app.staff_in("agency.staff", "140105").await;
        let eid = me["id"].as_str().unwrap();
        staff.post(&app, &format!("/api/v1/employers/{eid}/verify"), json!({})).await;
        let body = json!({"title": "商场保洁日结", "description": "亲贤街商场日常保洁，当日结算。", "occupation": "保洁员",
                          "form": "gig", "county_code": "140105", "address": "亲贤北街", "starts_on": "2026-12-05",
                          "pay": "150元/天", "headcount": 3, "accident_cover": true});
        let post = agency.post(&app, "/api/v1/posts", body).await;
        assert_eq!(post.status, StatusCode::CREATED, "{}", post.body);
        assert_eq!(post.json()["by_agency"], true);
        let post_id = post.json()["id"].as_str().unwrap().to_owned();
        let (mut firm, _, _) = app.employer_verified("firm1", "91140105MA0K7Q2R5L").await;
        let plain = firm
            .post(&app, "/api/v1/posts", json!({"title": "小区绿化养护", "description": "修剪草坪、浇水。", "occupation": "绿化工",
                                                "form": "gig", "county_code": "140105", "starts_on": "2026-12-05",
                                                "pay": "160元/天", "headcount": 2}))
            .await;
        assert_eq!(plain.json()["by_agency"], false, "{}", plain.body);

        let mut visitor = Browser::new();
        let page = visitor.get(&app, &format!("/work/posts/{post_id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.html.contains("中介机构发布"), "{}", page.html);
        let results = visitor.get(&app, "/work?q=%E5%95%86%E5%9C%BA%E4%BF%9D%E6%B4%81").await;
        assert!(results.html.contains("商场保洁日结"), "{}", results.html);
        assert!(results.html.contains("中介机构发布"), "{}", results.html);
        let firm_page = visitor
            .get(&app, &format!("/work/posts/{}", plain.json()["id"].as_str().unwrap()))
            .await;
        assert!(!firm_page.html.contains("中介机构发布"));

        // Another kind needs no licence and keeps none.
        let mut e = app.employer("plainfirm", "91140105MA0K7Q2R6P").await;
        let me = e.get(&app, "/api/v1/employer").await;
        assert_eq!(me.json()["licence_no"], Value::Null, "{}", me.body);
        app
    })
    .await;
}
