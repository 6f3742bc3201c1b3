//! 办事指南, the county windows, 灵活就业一件事, 我的办件 and 好差评 through the JSON API, the
//! windows file upload on the administrator's page, and employers getting in by phone
//! (sign-in and the password reset through the log notifier), on SQLite and (with
//! `TEST_DATABASE_URL`) PostgreSQL. Each endpoint's round trip, its role refusals (401 for
//! nobody signed in, 403 for the wrong role) and its bad-input codes naming the field.

use crate::common::*;
use crate::forms::*;
use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

async fn put(c: &mut Client, app: &TestApp, path: &str, body: Value) -> Resp {
    c.send(app, Method::PUT, path, Some(body)).await
}

async fn delete(c: &mut Client, app: &TestApp, path: &str) -> Resp {
    c.send(app, Method::DELETE, path, None).await
}

/// An anonymous client with a session (so a refusal is about the role, not the CSRF token).
async fn nobody(app: &TestApp) -> Client {
    let mut c = Client::default();
    c.start(app).await;
    c
}

fn error_of(r: &Resp) -> (String, String) {
    let v = r.json();
    (
        v["error"]["code"].as_str().unwrap_or("").to_owned(),
        v["error"]["field"].as_str().unwrap_or("").to_owned(),
    )
}

const GOOD_WINDOWS: &str = "county_code,name,address,hours,phone\n\
    140105,小店区人社局就业服务窗口,太原市小店区某路1号,工作日9:00—17:00,0351-1234567\n\
    140106,迎泽区人社局就业服务窗口,太原市迎泽区某路2号,工作日9:00—17:00,0351-7654321\n";

#[tokio::test]
async fn guide_and_windows_api_round_trip_with_role_refusals_and_field_codes() {
    each_app(|app| async move {
        let mut anon = nobody(&app).await;
        // The guide: the list, one page, an unknown key, a bad county.
        let list = anon.get(&app, "/api/v1/guide").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        let keys: Vec<String> = list.json().as_array().unwrap().iter()
            .map(|e| e["key"].as_str().unwrap().to_owned()).collect();
        for k in ["registration-flexible", "onething", "social_insurance_subsidy", "complaints"] {
            assert!(keys.iter().any(|x| x == k), "{k}: {keys:?}");
        }
        assert_eq!(list.json()[0]["fee"], "不收费");
        let g = anon.get(&app, "/api/v1/guide/social_insurance_subsidy").await;
        assert_eq!(g.status, StatusCode::OK, "{}", g.body);
        assert_eq!(g.json()["guide"]["key"], "social_insurance_subsidy");
        assert!(g.json()["county_code"].is_null(), "no county for nobody: {}", g.body);
        assert!(g.json()["window"].is_null());
        assert_eq!(anon.get(&app, "/api/v1/guide/no-such-service").await.status, StatusCode::NOT_FOUND);
        let bad = anon.get(&app, "/api/v1/guide/onething?county=999999").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
        assert_eq!(error_of(&bad), ("county_unknown".into(), "county".into()));
        let bad = anon.get(&app, "/api/v1/windows?county=140100").await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "a city is not a county: {}", bad.body);
        assert_eq!(error_of(&bad).1, "county");
        let none = anon.get(&app, "/api/v1/windows").await;
        assert_eq!(none.json(), json!([]));

        // Upkeep: nobody signed in is 401, staff 403, the system administrator may.
        let body = json!({"name": "小店区人社局就业服务窗口", "address": "太原市小店区某路1号",
                          "hours": "工作日9:00—17:00", "phone": "0351-1234567"});
        let r = put(&mut anon, &app, "/api/v1/windows/140105", body.clone()).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        let mut staff = app.staff_in("gapi.staff", "140105").await;
        let r = put(&mut staff, &app, "/api/v1/windows/140105", body.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let r = staff.post(&app, "/api/v1/windows/import", json!({"csv": GOOD_WINDOWS})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(delete(&mut staff, &app, "/api/v1/windows/140105").await.status, StatusCode::FORBIDDEN);
        let mut acc = account(&app, "gapi.admin", "sysadmin", None, &[]).await;
        let mut admin = login(&app, &mut acc).await;
        let r = put(&mut admin, &app, "/api/v1/windows/140105", body.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["county_name"], "山西省太原市小店区");
        assert_eq!(app.audit_count("window_saved").await, 1);
        // Bad input: each field named, nothing written.
        for (path, patch, code, field) in [
            ("/api/v1/windows/999999", json!({}), "county_unknown", "county_code"),
            ("/api/v1/windows/140106", json!({"phone": "打不通"}), "phone_invalid", "phone"),
            ("/api/v1/windows/140106", json!({"name": "窗"}), "length", "name"),
            ("/api/v1/windows/140106", json!({"address": ""}), "length", "address"),
        ] {
            let mut b = body.clone();
            for (k, v) in patch.as_object().unwrap() {
                b[k] = v.clone();
            }
            let r = put(&mut admin, &app, path, b).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path} {patch}: {}", r.body);
            assert_eq!(error_of(&r), (code.to_owned(), field.to_owned()), "{}", r.body);
        }
        let r = put(&mut admin, &app, "/api/v1/windows/140106", json!({"name": "迎泽区窗口"})).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(error_of(&r), ("field_missing".into(), "$".into()), "{}", r.body);
        let r = put(&mut admin, &app, "/api/v1/windows/140106", json!({"name": "迎泽区窗口", "address": "某地址", "hours": "工作日", "phone": "0351-1", "fax": "1"})).await;
        assert_eq!(error_of(&r).0, "field_unknown", "{}", r.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM service_windows").await, 1);

        // Import: bad rows named by line and field under `csv`, nothing written; then good.
        let bad = "county_code,name,address,hours,phone\n\
                   140106,迎泽区人社局就业服务窗口,太原市迎泽区某路2号,工作日9:00—17:00,0351-7654321\n\
                   999999,某窗口,某地址,工作日,0351-1234567\n\
                   140107,只有四列,地址,时间\n";
        let r = admin.post(&app, "/api/v1/windows/import", json!({"csv": bad})).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(error_of(&r), ("rows_invalid".into(), "csv".into()));
        let msg = r.json()["error"]["message"].as_str().unwrap().to_owned();
        assert!(msg.contains("第3行 区县代码") && msg.contains("第4行：应有5列"), "{msg}");
        assert!(!msg.contains("第2行"), "{msg}");
        assert_eq!(app.count("SELECT COUNT(*) FROM service_windows").await, 1);
        let r = admin.post(&app, "/api/v1/windows/import", json!({"csv": GOOD_WINDOWS})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["rows"], 2);
        assert_eq!(app.audit_count("windows_imported").await, 1);

        // The public list, by county; one window; the guide with the chosen county's window.
        let all = anon.get(&app, "/api/v1/windows").await;
        assert_eq!(all.json().as_array().unwrap().len(), 2);
        let one = anon.get(&app, "/api/v1/windows?county=140106").await;
        assert_eq!(one.json().as_array().unwrap().len(), 1, "{}", one.body);
        assert_eq!(one.json()[0]["address"], "太原市迎泽区某路2号");
        let w = anon.get(&app, "/api/v1/windows/140105").await;
        assert_eq!(w.json()["phone"], "0351-1234567");
        assert_eq!(anon.get(&app, "/api/v1/windows/140107").await.status, StatusCode::NOT_FOUND);
        let g = anon.get(&app, "/api/v1/guide/registration-flexible?county=140106").await;
        assert_eq!(g.json()["county_code"], "140106");
        assert_eq!(g.json()["window"]["name"], "迎泽区人社局就业服务窗口");
        // A signed-in worker of 小店区 gets their own county without asking.
        let mut w = app.worker("gapi_w", 701).await;
        let g = w.get(&app, "/api/v1/guide/registration-flexible").await;
        assert_eq!(g.json()["county_code"], "140105", "{}", g.body);
        assert_eq!(g.json()["window"]["address"], "太原市小店区某路1号");

        // Removing: 404 for a county without one, audited when done.
        assert_eq!(delete(&mut admin, &app, "/api/v1/windows/140107").await.status, StatusCode::NOT_FOUND);
        let r = delete(&mut admin, &app, "/api/v1/windows/140106").await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        assert_eq!(app.audit_count("window_deleted").await, 1);
        assert_eq!(anon.get(&app, "/api/v1/windows").await.json().as_array().unwrap().len(), 1);
        app
    })
    .await;
}

#[tokio::test]
async fn onething_and_items_api_for_the_worker_and_staff_at_the_window() {
    each_app(|app| async move {
        let m = app.svc.clock.today_cst().format("%Y-%m").to_string();
        let mut anon = nobody(&app).await;
        let input = json!({"flexible_form": "platform", "pension": true, "medical": false,
                           "start_month": m, "base": "5000"});
        assert_eq!(anon.post(&app, "/api/v1/me/onething", input.clone()).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(anon.get(&app, "/api/v1/me/items").await.status, StatusCode::UNAUTHORIZED);
        let mut emp = app.employer("gapi.e", &linghuo_domain::testing::uscc("91140105MA0K00001")).await;
        assert_eq!(emp.post(&app, "/api/v1/me/onething", input.clone()).await.status, StatusCode::FORBIDDEN);
        assert_eq!(emp.get(&app, "/api/v1/me/items").await.status, StatusCode::FORBIDDEN);

        let mut w = app.worker("gapi_o", 702).await;
        // Bad input names the field; nothing is written.
        for (patch, code, field) in [
            (json!({"base": "很多"}), "base_invalid", "base"),
            (json!({"base": "1"}), "base_out_of_range", "base"),
            (json!({"pension": false}), "scheme_required", "schemes"),
            (json!({"start_month": "2026-13"}), "month_invalid", "start_month"),
            (json!({"flexible_form": "astronaut"}), "", "flexible_form"),
        ] {
            let mut b = input.clone();
            for (k, v) in patch.as_object().unwrap() {
                b[k] = v.clone();
            }
            for path in ["/api/v1/me/onething/preview", "/api/v1/me/onething"] {
                let r = w.post(&app, path, b.clone()).await;
                assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path} {patch}: {}", r.body);
                let (c, f) = error_of(&r);
                assert_eq!(f, field, "{}", r.body);
                if !code.is_empty() {
                    assert_eq!(c, code, "{}", r.body);
                }
            }
        }
        let r = w.post(&app, "/api/v1/me/onething", json!({"base": "5000", "pension": true, "surprise": 1})).await;
        assert_eq!(error_of(&r).0, "field_unknown", "{}", r.body);
        assert_eq!(app.count("SELECT COUNT(*) FROM onething_items").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM si_enrolments").await, 0);

        // Preview writes nothing; submit writes the item, which 我的办件 shows.
        let p = w.post(&app, "/api/v1/me/onething/preview", input.clone()).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.body);
        assert!(p.json().is_array());
        assert_eq!(app.count("SELECT COUNT(*) FROM onething_items").await, 0);
        let r = w.post(&app, "/api/v1/me/onething", input.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let item = r.json()["id"].as_str().unwrap().to_owned();
        assert!(r.json()["registration_id"].is_string(), "{}", r.body);
        assert_eq!(r.json()["enrolments"][0]["scheme"], "pension");
        assert_eq!(r.json()["enrolments"][0]["base"], "5000.00");
        assert_eq!(app.audit_count("onething_submitted").await, 1);
        let again = w.post(&app, "/api/v1/me/onething", input.clone()).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
        assert_eq!(error_of(&again).0, "already_enrolled");

        let one = w.get(&app, &format!("/api/v1/me/items/{item}")).await;
        assert_eq!(one.status, StatusCode::OK, "{}", one.body);
        let v = one.json();
        assert_eq!(v["kind"], "onething");
        assert_eq!(v["title"], "灵活就业一件事");
        let steps: Vec<&str> = v["steps"].as_array().unwrap().iter()
            .map(|s| s["name"].as_str().unwrap()).collect();
        assert_eq!(&steps[..2], &["提交", "受理"], "{}", one.body);
        assert!(v["parts"].as_array().unwrap().iter().any(|p| p.as_str().unwrap().starts_with("灵活就业登记")), "{}", one.body);
        assert!(v["parts"].as_array().unwrap().iter().any(|p| p.as_str().unwrap().contains("企业职工基本养老保险")), "{}", one.body);
        let all = w.get(&app, "/api/v1/me/items").await;
        assert_eq!(all.json().as_array().unwrap().len(), 1, "one item, not three: {}", all.body);
        assert_eq!(w.get(&app, &format!("/api/v1/me/items/{}", uuid::Uuid::new_v4())).await.status, StatusCode::NOT_FOUND);
        assert_eq!(w.get(&app, "/api/v1/me/items/not-an-id").await.status, StatusCode::NOT_FOUND);

        // Staff at the window: a consent note is needed; another region's person is not found.
        let mut s = app.staff_in("gapi.s", "140105").await;
        let pid = s.post(&app, "/api/v1/persons", json!({
            "name": "王建国", "id_number": id_number("140105", 703), "jurisdiction_code": "140105", "groups": []
        })).await.json()["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/persons/{pid}/onething");
        let r = s.post(&app, &path, input.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(error_of(&r), ("consent_required".into(), "consent_note".into()));
        let mut other = app.staff_in("gapi.x", "140106").await;
        let mut with_consent = input.clone();
        with_consent["consent_note"] = json!("本人到窗口书面同意");
        assert_eq!(other.post(&app, &path, with_consent.clone()).await.status, StatusCode::NOT_FOUND);
        assert_eq!(other.get(&app, &format!("/api/v1/persons/{pid}/items")).await.status, StatusCode::NOT_FOUND);
        let pr = s.post(&app, &format!("{path}/preview"), with_consent.clone()).await;
        assert_eq!(pr.status, StatusCode::OK, "{}", pr.body);
        let r = s.post(&app, &path, with_consent).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let items = s.get(&app, &format!("/api/v1/persons/{pid}/items")).await;
        assert_eq!(items.status, StatusCode::OK, "{}", items.body);
        assert_eq!(items.json()[0]["kind"], "onething");
        // A worker reads only their own person's items.
        assert_eq!(w.get(&app, &format!("/api/v1/persons/{pid}/items")).await.status, StatusCode::NOT_FOUND);
        app
    })
    .await;
}

#[tokio::test]
async fn ratings_api_once_per_completed_item_staff_of_the_region_and_open_counts() {
    each_app(|app| async move {
        let mut w = app.worker("gapi_r", 704).await;
        let pid = app.person_of("gapi_r").await;
        let r = w
            .post(
                &app,
                &format!("/api/v1/persons/{pid}/registrations"),
                json!({"kind": "unemployment"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let items = w.get(&app, "/api/v1/me/items").await;
        let reg = items
            .json()
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["kind"] == "registration")
            .cloned()
            .unwrap_or_else(|| panic!("{}", items.body));
        assert_eq!(reg["completed"], true);
        assert!(reg["rating"].is_null());
        let id = reg["id"].as_str().unwrap().to_owned();

        let mut anon = nobody(&app).await;
        let rate = json!({"kind": "registration", "id": id, "score": 5, "word": "很方便"});
        assert_eq!(
            anon.post(&app, "/api/v1/ratings", rate.clone())
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        let mut s = app.staff_in("gapi.rs", "140105").await;
        assert_eq!(
            s.post(&app, "/api/v1/ratings", rate.clone()).await.status,
            StatusCode::FORBIDDEN
        );
        // Bad input names the field.
        for (patch, code, field) in [
            (json!({"score": 0}), "score_invalid", "score"),
            (json!({"score": 6}), "score_invalid", "score"),
            (json!({"word": "好".repeat(101)}), "too_long", "word"),
            (json!({"score": "五"}), "field_type", "$.score"),
            (json!({"id": "abc"}), "field_invalid", "$.id"),
        ] {
            let mut b = rate.clone();
            for (k, v) in patch.as_object().unwrap() {
                b[k] = v.clone();
            }
            let r = w.post(&app, "/api/v1/ratings", b).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{patch}: {}", r.body);
            assert_eq!(
                error_of(&r),
                (code.to_owned(), field.to_owned()),
                "{}",
                r.body
            );
        }
        let mut other_item = rate.clone();
        other_item["id"] = json!(uuid::Uuid::new_v4());
        assert_eq!(
            w.post(&app, "/api/v1/ratings", other_item).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM item_ratings").await, 0);
        let r = w.post(&app, "/api/v1/ratings", rate.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["rating"], 5);
        assert_eq!(r.json()["rating_word"], "很方便");
        let again = w.post(&app, "/api/v1/ratings", rate.clone()).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert_eq!(error_of(&again).0, "already_rated");
        assert_eq!(app.audit_count("item_rated").await, 1);

        // Staff of the region see it; another region's do not; others may not ask.
        let list = s.get(&app, "/api/v1/ratings").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.body);
        assert_eq!(list.json()[0]["score"], 5);
        assert_eq!(list.json()[0]["word"], "很方便");
        assert_eq!(list.json()[0]["item_kind_label"], "就业登记");
        let mut x = app.staff_in("gapi.rx", "140106").await;
        assert_eq!(x.get(&app, "/api/v1/ratings").await.json(), json!([]));
        let mut city = app.staff_in("gapi.rc", "140100").await;
        assert_eq!(
            city.get(&app, "/api/v1/ratings")
                .await
                .json()
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert_eq!(
            w.get(&app, "/api/v1/ratings").await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            anon.get(&app, "/api/v1/ratings").await.status,
            StatusCode::UNAUTHORIZED
        );

        // The open counts hide a county with fewer than five ratings.
        let open = anon.get(&app, "/api/v1/open/ratings").await;
        assert_eq!(open.status, StatusCode::OK, "{}", open.body);
        let c = open
            .json()
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["county_code"] == "140105")
            .cloned()
            .unwrap_or_else(|| panic!("{}", open.body));
        assert!(c["count"].is_null(), "{}", open.body);
        assert_eq!(c["average"], "");
        app
    })
    .await;
}

#[tokio::test]
async fn the_windows_page_takes_an_uploaded_file_and_lists_bad_rows_in_chinese() {
    each_app(|app| async move {
        let mut acc = account(&app, "gup.admin", "sysadmin", None, &[]).await;
        let admin = login(&app, &mut acc).await;
        let mut a = Browser::of(&admin);
        let page = a.get(&app, "/admin/windows").await;
        assert!(page.html.contains("enctype=\"multipart/form-data\""), "{}", page.html);
        assert!(page.html.contains("id=\"csv\""), "the paste option stays");
        check_forms("/admin/windows", &page.html);
        let csrf = between(&page.html, "name=\"_csrf\" value=\"", "\"").to_owned();

        // Bad rows: each one a line of the list, in Chinese; nothing written.
        let bad = "\u{feff}区县代码,窗口名称,地址,办公时间,咨询电话\n\
                   140105,小店区人社局就业服务窗口,太原市小店区某路1号,工作日9:00—17:00,0351-1234567\n\
                   999999,某窗口,某地址,工作日,0351-1234567\n\
                   140106,迎泽区窗口,迎泽区某路2号,工作日9:00—17:00,电话打不通\n";
        let p = a.upload(&app, "/admin/windows/upload", Some(&csrf), &[], "windows.csv", bad.as_bytes()).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.html);
        assert!(p.html.contains("本次未导入任何窗口"), "{}", p.html);
        let list = between(&p.html, "id=\"import-errors\"", "</div>");
        assert!(list.contains("<li>第3行 区县代码："), "{list}");
        assert!(list.contains("<li>第4行 咨询电话："), "{list}");
        assert_eq!(app.count("SELECT COUNT(*) FROM service_windows").await, 0);
        // Not UTF-8, a wrong kind of file, no file, no CSRF field.
        let gbk: &[u8] = b"county_code,name\n140105,\xd0\xa1\xb5\xea\n";
        let p = a.upload(&app, "/admin/windows/upload", Some(&csrf), &[], "windows.csv", gbk).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.html.contains("不是UTF-8编码"), "{}", p.html);
        let p = a.upload(&app, "/admin/windows/upload", Some(&csrf), &[], "windows.xls", b"x").await;
        assert!(p.html.contains("请上传 .csv 或 .xlsx"), "{}", p.html);
        let p = a.upload(&app, "/admin/windows/upload", Some(&csrf), &[], "windows.csv", b"").await;
        assert!(p.html.contains("请选择要上传的窗口表文件"), "{}", p.html);
        let p = a.upload(&app, "/admin/windows/upload", None, &[], "windows.csv", GOOD_WINDOWS.as_bytes()).await;
        assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.html);
        assert_eq!(app.count("SELECT COUNT(*) FROM service_windows").await, 0);

        // A good CSV file, then an .xlsx file: stored, audited.
        let p = a.upload(&app, "/admin/windows/upload", Some(&csrf), &[], "windows.csv", GOOD_WINDOWS.as_bytes()).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        assert_eq!(p.location.as_deref(), Some("/admin/windows?ok=imported"));
        assert_eq!(app.count("SELECT COUNT(*) FROM service_windows").await, 2);
        use linghuo_service::export::{Cell, Sheet, to_xlsx};
        let sheet = Sheet {
            title: "窗口".into(),
            headers: ["区县代码", "窗口名称", "地址", "办公时间", "咨询电话"].map(String::from).to_vec(),
            rows: vec![["140107", "杏花岭区人社局就业服务窗口", "太原市杏花岭区某路3号, 二楼", "工作日9:00—17:00", "0351-2223333"]
                .map(Cell::from)
                .to_vec()],
        };
        let xlsx = to_xlsx(&sheet).unwrap();
        let p = a.upload(&app, "/admin/windows/upload", Some(&csrf), &[], "窗口.xlsx", &xlsx).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        let w = app.svc.window_of("140107").await.unwrap().unwrap();
        assert_eq!(w.address, "太原市杏花岭区某路3号， 二楼");
        assert_eq!(app.audit_count("windows_imported").await, 2);
        // Staff may not upload.
        let staff = app.staff_in("gup.staff", "140105").await;
        let s = Browser::of(&staff);
        let sp = s.upload(&app, "/admin/windows/upload", Some(&staff.csrf), &[], "windows.csv", GOOD_WINDOWS.as_bytes()).await;
        assert_eq!(sp.status, StatusCode::FORBIDDEN);
        app
    })
    .await;
}

/// The 6-digit code of the newest message the log adapter sent to `phone`.
fn code_sent_to(app: &TestApp, phone: &str) -> String {
    let log = app.svc.message_log().expect("tests use the log adapter");
    let m = log
        .recent()
        .into_iter()
        .rev()
        .find(|m| m.phone == phone)
        .unwrap_or_else(|| panic!("{}: no message to the phone", app.label));
    m.text
        .split("验证码")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect()
}

async fn employer_with_phone(app: &TestApp, username: &str, uscc: &str, phone: &str) {
    let mut c = nobody(app).await;
    let r = c.post(app, "/api/v1/signup/employer", json!({
        "username": username, "password": PASSWORD,
        "employer": {"kind": "enterprise", "name": format!("太原{username}保洁有限公司"), "uscc": uscc,
                     "contact_name": "赵经理", "contact_phone": phone, "county_code": "140105"}
    })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn an_employer_signs_in_by_phone_and_resets_the_password_by_sms_code() {
    each_app(|app| async move {
        employer_with_phone(&app, "gphone.e", &linghuo_domain::testing::uscc("91140105MA0K00002"), "13855550001").await;
        // Sign in by the contact phone, written any way.
        let mut c = password_sign_in(&app, "138 5555 0001", PASSWORD).await;
        assert_eq!(c.get(&app, "/api/v1/me").await.json()["username"], "gphone.e");
        assert_eq!(c.get(&app, "/api/v1/me").await.json()["role"], "employer");

        // The reset on the page: the code goes to the employer's number through the notifier.
        let before = app.message_log_len();
        let mut b = Browser::new();
        b.get(&app, "/login/reset").await;
        let p = b.post(&app, "/login/reset", &[("phone", "13855550001")]).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.html);
        assert_eq!(app.message_log_len(), before + 1);
        let ticket = between(&p.html, "name=\"ticket\" value=\"", "\"").to_owned();
        let code = code_sent_to(&app, "13855550001");
        assert_eq!(code.len(), 6);
        let done = b.post(&app, "/login/reset/confirm", &[
            ("ticket", &ticket), ("code", &code),
            ("new_password", NEW_PASSWORD), ("new_password2", NEW_PASSWORD),
        ]).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        // Every session ended; the old password fails, the new one works by phone.
        assert_eq!(c.get(&app, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
        let mut d = nobody(&app).await;
        let old = d.post(&app, "/api/v1/session", json!({"username": "13855550001", "password": PASSWORD})).await;
        assert_eq!(old.status, StatusCode::UNAUTHORIZED);
        let mut c = password_sign_in(&app, "13855550001", NEW_PASSWORD).await;

        // Through the API as well.
        let r = d.post(&app, "/api/v1/session/reset", json!({"phone": "13855550001"})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        let code = code_sent_to(&app, "13855550001");
        let r = d.post(&app, "/api/v1/session/reset/confirm",
            json!({"phone": "13855550001", "code": code, "new_password": "另一个新密码 白云深处 2026"})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        password_sign_in(&app, "gphone.e", "另一个新密码 白云深处 2026").await;
        assert!(app.audit_count("password_reset_done").await >= 2);

        // The employer changes its phone: the new number signs in, the old one no longer.
        let mut c2 = password_sign_in(&app, "13855550001", "另一个新密码 白云深处 2026").await;
        let bad = put(&mut c2, &app, "/api/v1/employer/phone", json!({"contact_phone": "12345"})).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.body);
        assert_eq!(error_of(&bad).1, "contact_phone");
        let ok = put(&mut c2, &app, "/api/v1/employer/phone", json!({"contact_phone": "13855550002"})).await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        assert_eq!(ok.json()["contact_phone"], "138****0002");
        assert_eq!(app.audit_count("employer_phone_changed").await, 1);
        password_sign_in(&app, "13855550002", "另一个新密码 白云深处 2026").await;
        let r = d.post(&app, "/api/v1/session", json!({"username": "13855550001", "password": "另一个新密码 白云深处 2026"})).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let mut w = app.worker("gphone_w", 705).await;
        let r = put(&mut w, &app, "/api/v1/employer/phone", json!({"contact_phone": "13855550003"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let _ = c.get(&app, "/api/v1/me").await;

        // On the employer's home page too.
        let mut eb = Browser::new();
        eb.get(&app, "/login").await;
        eb.post(&app, "/login", &[("username", "13855550002"), ("password", "另一个新密码 白云深处 2026")]).await;
        let home = eb.get(&app, "/employer").await;
        assert!(home.html.contains("action=\"/employer/phone\""), "{}", home.html);
        check_forms("/employer", &home.html);
        let p = eb.post(&app, "/employer/phone", &[("contact_phone", "不是号码")]).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.html);
        let (_, page) = eb.submit(&app, "/employer/phone", &[("contact_phone", "13855550004")]).await;
        assert!(page.html.contains("联系人手机号码已更新"), "{}", page.html);
        password_sign_in(&app, "13855550004", "另一个新密码 白云深处 2026").await;
        app
    })
    .await;
}

#[tokio::test]
async fn staff_are_not_reached_by_phone_and_old_employers_are_indexed_at_start() {
    each_app(|app| async move {
        employer_with_phone(
            &app,
            "gold.e",
            &linghuo_domain::testing::uscc("91140105MA0K00003"),
            "13855550011",
        )
        .await;
        // As if written before the index existed.
        linghuo_storage::on_pool!(&app.svc.db, |p| sqlx::query(
            "UPDATE employers SET contact_phone_index = NULL"
        )
        .execute(p)
        .await
        .map(|_| ())
        .unwrap());
        let mut d = nobody(&app).await;
        let r = d
            .post(
                &app,
                "/api/v1/session",
                json!({"username": "13855550011", "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let before = app.message_log_len();
        d.post(
            &app,
            "/api/v1/session/reset",
            json!({"phone": "13855550011"}),
        )
        .await;
        assert_eq!(
            app.message_log_len(),
            before,
            "no index, no account, no message"
        );
        assert_eq!(app.svc.index_employer_phones().await.unwrap(), 1);
        assert_eq!(
            app.svc.index_employer_phones().await.unwrap(),
            0,
            "done once"
        );
        password_sign_in(&app, "13855550011", PASSWORD).await;
        // Staff keep TOTP: no reset code reaches them, whatever number is typed.
        let _ = app.staff_in("gold.staff", "140105").await;
        let before = app.message_log_len();
        for phone in ["13800000000", "13855550099"] {
            let r = d
                .post(&app, "/api/v1/session/reset", json!({"phone": phone}))
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT);
        }
        assert_eq!(app.message_log_len(), before);
        app
    })
    .await;
}
