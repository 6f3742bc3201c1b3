//! 从业人员报送 (五(十二), 二(三)) on both databases: a verified platform uploads its riders
//! (good and bad rows; bad ones come back one per line in Chinese), the same file again
//! changes nothing and an end date closes a record; JSON rows and base64 files through the
//! API; other employers are refused in Chinese; staff see only the workers serving in their
//! region; the statistics count the records under their form and the policy facts read them.

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;
use base64::Engine as _;
use serde_json::{Value, json};

/// A verified employer of `kind` (platform or hr_agency) in 小店区, signed in.
async fn platform(app: &TestApp, username: &str, uscc17: &str, kind: &str) -> Client {
    let mut c = Client::default();
    c.start(app).await;
    let mut employer = json!({
        "kind": kind, "name": format!("山西{username}网络科技有限公司"),
        "uscc": linghuo_domain::testing::uscc(uscc17),
        "contact_name": "赵经理", "contact_phone": "13912345678",
        "county_code": "140105", "address": "小店区长风街"
    });
    if kind == "hr_agency" {
        employer["licence_no"] = json!("（晋）人服证字〔2021〕第0105000012号");
    }
    let r = c
        .post(
            app,
            "/api/v1/signup/employer",
            json!({"username": username, "password": PASSWORD, "employer": employer}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let mut e = password_sign_in(app, username, PASSWORD).await;
    let eid = e.get(app, "/api/v1/employer").await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut staff = app.staff_in(&format!("{username}.staff"), "140105").await;
    let v = staff
        .post(app, &format!("/api/v1/employers/{eid}/verify"), json!({}))
        .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.body);
    e
}

async fn report(app: &TestApp, c: &mut Client, body: Value) -> Value {
    let r = c.post(app, "/api/v1/employer/workers/report", body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

fn row(id: &str, name: &str, county: &str, started: &str) -> Value {
    json!({"id_number": id, "name": name, "county": county, "started_on": started})
}

#[tokio::test]
async fn a_platform_uploads_its_riders_and_sees_them_masked() {
    each_app(|app| async move {
        let mut staff = app.staff_in("pw.s", "140105").await;
        // Someone already registered at the window, with a phone.
        app.person(&mut staff, 501, json!([])).named("王建国").await;
        let persons_before = app.count("SELECT COUNT(*) FROM persons").await;
        let e = platform(&app, "pw.p", "91140105MA0K10001", "platform").await;
        let mut b = Browser::of(&e);
        let home = b.get(&app, "/employer").await;
        assert!(home.html.contains("href=\"/employer/workers\""), "linked from home");
        let page = b.get(&app, "/employer/workers").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert!(page.html.contains("还没有报送的人员"));
        let csrf = page
            .html
            .split("name=\"_csrf\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();

        // The template, as CSV with its BOM and as Excel that reads back as no rows.
        let (s, csv) = b.download(&app, "/employer/workers/template.csv").await;
        assert_eq!(s, StatusCode::OK);
        assert!(csv.starts_with("\u{feff}身份证号,姓名,手机,从业形态,服务区县".as_bytes()));
        let (s, xlsx) = b.download(&app, "/employer/workers/template.xlsx").await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(
            linghuo_service::market::platform_workers::read_worker_file("t.xlsx", &xlsx)
                .map(|r| r.len()),
            Ok(0)
        );

        let started = app.day(-60);
        let ended = app.day(-5);
        // The name mismatch is on another start date, so it is not a duplicate row.
        let earlier = app.day(-90);
        let file = format!(
            "\u{feff}身份证号,姓名,手机,从业形态,服务区县,开始日期,结束日期,工种/职业,职业伤害保障\n\
             {},李小龙,13800001111,,小店区,{started},,网约配送员,是\n\
             140105199003071235,张三,,,140105,{started},,,\n\
             {},王建国,13800002222,非全日制,140105,{started},,网约配送员,否\n\
             {},赵六,,,北京市朝阳区,{started},,,\n\
             {},王建设,,,140105,{earlier},,,\n\
             {},钱七,,零工,迎泽区,{started},{ended},同城货运司机,\n",
            id_number("140105", 601),
            id_number("140105", 501),
            id_number("140105", 602),
            id_number("140105", 501),
            id_number("140106", 603),
        );
        let rows_line = |html: &str, n: &str| html.contains(n);

        // All or nothing: every bad row is told, one per line; nothing is stored.
        let p = b
            .upload(&app, "/employer/workers", Some(&csrf), &[("mode", "all")], "骑手.csv", file.as_bytes())
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
        assert!(p.html.contains("没有报送任何人员"), "{}", p.html);
        let lines = between(&p.html, "<ul id=\"problem-lines\">", "</ul>");
        assert!(rows_line(lines, "<li>第3行 身份证号："), "{lines}");
        assert!(rows_line(lines, "<li>第5行 服务区县："), "{lines}");
        assert!(rows_line(lines, "<li>第6行 姓名："), "{lines}");
        assert_eq!(lines.matches("<li>").count(), 3, "{lines}");
        assert_eq!(app.count("SELECT COUNT(*) FROM platform_workers").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM persons").await, persons_before);

        // Skip the bad rows: three records, two persons registered by the report.
        let p = b
            .upload(&app, "/employer/workers", Some(&csrf), &[("mode", "skip")], "骑手.csv", file.as_bytes())
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.html);
        assert!(p.html.contains("<dd id=\"report-added\">3</dd>"), "{}", p.html);
        assert_eq!(app.count("SELECT COUNT(*) FROM platform_workers").await, 3);
        assert_eq!(app.count("SELECT COUNT(*) FROM persons").await, persons_before + 2);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM platform_workers WHERE ended_on IS NULL").await,
            2
        );
        // The list: masked, the form's words, open ones marked 在岗.
        let table = between(&p.html, "<table id=\"workers\">", "</table>");
        assert!(table.contains("李*龙") && table.contains("138****1111"), "{table}");
        assert!(table.contains("非全日制") && table.contains("零工") && table.contains("新就业形态"));
        assert!(table.contains("太原市迎泽区") || table.contains("迎泽区"), "{table}");
        assert!(!table.contains("13800001111"));

        // The same file again changes nothing.
        let p = b
            .upload(&app, "/employer/workers", Some(&csrf), &[("mode", "skip")], "骑手.csv", file.as_bytes())
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.html);
        assert!(p.html.contains("<dd id=\"report-added\">0</dd>"), "{}", p.html);
        assert!(p.html.contains("<dd id=\"report-unchanged\">3</dd>"), "{}", p.html);
        assert_eq!(app.count("SELECT COUNT(*) FROM platform_workers").await, 3);
        assert_eq!(app.count("SELECT COUNT(*) FROM persons").await, persons_before + 2);

        // An end date closes a record; the cells left empty keep what was reported.
        let close = format!(
            "身份证号,姓名,服务区县,开始日期,结束日期\n{},李小龙,小店区,{started},{ended}\n",
            id_number("140105", 601)
        );
        let p = b
            .upload(&app, "/employer/workers", Some(&csrf), &[("mode", "all")], "结束.csv", close.as_bytes())
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.html);
        assert!(p.html.contains("1（其中结束1条）"), "{}", p.html);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM platform_workers WHERE ended_on IS NULL").await,
            1
        );
        assert_eq!(
            app.count(
                "SELECT COUNT(*) FROM platform_workers WHERE occupation = '网约配送员' AND injury_cover IS NOT NULL"
            )
            .await,
            2,
            "occupation and cover kept"
        );
        // A new open record while one is open is refused; a file without the required
        // column or of another kind is refused as a whole.
        let again = format!(
            "身份证号,姓名,服务区县,开始日期\n{},王建国,小店区,{}\n",
            id_number("140105", 501),
            app.day(-1)
        );
        let p = b
            .upload(&app, "/employer/workers", Some(&csrf), &[("mode", "all")], "新.csv", again.as_bytes())
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
        assert!(p.html.contains("第2行 结束日期：此人在本单位已有"), "{}", p.html);
        let p = b
            .upload(&app, "/employer/workers", Some(&csrf), &[], "缺列.csv", "姓名,服务区县\n张三,小店区\n".as_bytes())
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.html.contains("缺少必填列“身份证号”"), "{}", p.html);
        let p = b
            .upload(&app, "/employer/workers", Some(&csrf), &[], "名单.txt", b"x")
            .await;
        assert!(p.html.contains("只能上传 .xlsx 或 .csv 文件"));
        // Without the CSRF field nothing is read.
        let p = b
            .upload(&app, "/employer/workers", None, &[], "骑手.csv", file.as_bytes())
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM platform_workers").await, 3);
        // Each report that stored anything is audited once (the refused ones stored nothing).
        assert_eq!(app.audit_count("platform_workers_reported").await, 3);
        app
    })
    .await;
}

#[tokio::test]
async fn the_api_takes_json_rows_and_files_and_lists_by_page() {
    each_app(|app| async move {
        let mut e = platform(&app, "pwa.p", "91140105MA0K10002", "platform").await;
        let started = app.day(-30);
        let mut rows: Vec<Value> = (0..55)
            .map(|i| {
                let mut r = row(&id_number("140105", 700 + i), "孙悟空", "140105", &started);
                r["phone"] = json!(format!("1390000{:04}", i));
                r["injury_cover"] = json!(i % 2 == 0);
                r
            })
            .collect();
        rows.push(row("140105199003071235", "坏人", "140105", &started));
        let r = report(&app, &mut e, json!({"rows": rows, "all_or_nothing": true})).await;
        assert_eq!(r["rejected"], true, "{r}");
        assert_eq!(
            r["problem_lines"][0].as_str().unwrap().split('：').next(),
            Some("第56行 身份证号")
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM platform_workers").await, 0);
        let r = report(&app, &mut e, json!({"rows": rows})).await;
        assert_eq!(
            (r["added"].as_i64(), r["persons_registered"].as_i64()),
            (Some(55), Some(55)),
            "{r}"
        );
        assert_eq!(r["problems"].as_array().unwrap().len(), 1);
        let r = report(&app, &mut e, json!({"rows": rows})).await;
        assert_eq!(
            (r["added"].as_i64(), r["unchanged"].as_i64()),
            (Some(0), Some(55)),
            "{r}"
        );

        // A file, base64; a changed phone is an update.
        let csv = format!(
            "身份证号,姓名,手机,服务区县,开始日期\n{},孙悟空,13911112222,小店区,{started}\n",
            id_number("140105", 700)
        );
        let r = report(
            &app,
            &mut e,
            json!({
                "file_name": "a.csv",
                "content_base64": base64::engine::general_purpose::STANDARD.encode(csv.as_bytes()),
            }),
        )
        .await;
        assert_eq!(r["updated"], 1, "{r}");
        let bad = e
            .post(
                &app,
                "/api/v1/employer/workers/report",
                json!({"rows": rows, "file_name": "a.csv", "content_base64": ""}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert_eq!(bad.json()["error"]["code"], "rows_or_file");

        // The list: 50 a page, masked.
        let p1 = e.get(&app, "/api/v1/employer/workers").await.json();
        assert_eq!(
            (p1["total"].as_i64(), p1["pages"].as_i64()),
            (Some(55), Some(2)),
            "{p1}"
        );
        assert_eq!(p1["items"].as_array().unwrap().len(), 50);
        let w = &p1["items"][0];
        assert_eq!(w["form"], "platform");
        assert_eq!(w["form_label"], "新就业形态");
        assert!(w["id_number"].as_str().unwrap().contains("****"));
        assert!(w["person_id"].is_null(), "no person id for the employer");
        let p2 = e.get(&app, "/api/v1/employer/workers?page=2").await.json();
        assert_eq!(p2["items"].as_array().unwrap().len(), 5);
        let found = e
            .get(&app, "/api/v1/employer/workers?q=%E5%AD%99")
            .await
            .json();
        assert_eq!(found["total"], 55);
        let t = e.get(&app, "/api/v1/employer/workers/template").await;
        assert_eq!(t.status, StatusCode::OK);
        assert!(t.body.contains("身份证号,姓名"));
        app
    })
    .await;
}

#[tokio::test]
async fn only_verified_platforms_and_agencies_report() {
    each_app(|app| async move {
        let started = app.day(-10);
        let body = json!({"rows": [row(&id_number("140105", 801), "周八", "140105", &started)]});
        // An enterprise: refused in Chinese, on the page and through the API; no link.
        let mut ent = app
            .employer("pwn.e", &linghuo_domain::testing::uscc("91140105MA0K10003"))
            .await;
        let r = ent
            .post(&app, "/api/v1/employer/workers/report", body.clone())
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert_eq!(r.json()["error"]["code"], "employer_not_platform");
        assert!(
            r.json()["error"]["message"]
                .as_str()
                .unwrap()
                .contains("只有平台企业和人力资源服务机构")
        );
        assert_eq!(
            ent.get(&app, "/api/v1/employer/workers").await.status,
            StatusCode::FORBIDDEN
        );
        let mut b = Browser::of(&ent);
        let page = b.get(&app, "/employer/workers").await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(
            page.html
                .contains("只有平台企业和人力资源服务机构可以报送从业人员"),
            "{}",
            page.html
        );
        assert!(page.html.contains("企业"));
        assert!(
            !b.get(&app, "/employer")
                .await
                .html
                .contains("/employer/workers")
        );
        // A worker or staff is not an employer at all.
        let mut w = app.worker("pwn.w", 802).await;
        assert_eq!(
            w.post(&app, "/api/v1/employer/workers/report", body.clone())
                .await
                .status,
            StatusCode::FORBIDDEN
        );

        // A platform not yet verified may look but not report.
        let mut c = Client::default();
        c.start(&app).await;
        let r = c
            .post(
                &app,
                "/api/v1/signup/employer",
                json!({
                    "username": "pwn.u", "password": PASSWORD,
                    "employer": {"kind": "platform", "name": "山西未核验平台有限公司",
                        "uscc": linghuo_domain::testing::uscc("91140105MA0K10004"),
                        "contact_name": "钱经理", "county_code": "140105"}
                }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let mut u = password_sign_in(&app, "pwn.u", PASSWORD).await;
        assert_eq!(
            u.get(&app, "/api/v1/employer/workers").await.status,
            StatusCode::OK
        );
        let r = u
            .post(&app, "/api/v1/employer/workers/report", body.clone())
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(r.json()["error"]["code"], "employer_unverified");
        let mut ub = Browser::of(&u);
        assert!(
            ub.get(&app, "/employer/workers")
                .await
                .html
                .contains("尚未经")
        );

        // A human-resource service agency reports like a platform.
        let mut ag = platform(&app, "pwn.a", "91140105MA0K10005", "hr_agency").await;
        let r = report(&app, &mut ag, body.clone()).await;
        assert_eq!(r["added"], 1, "{r}");
        assert_eq!(app.count("SELECT COUNT(*) FROM platform_workers").await, 1);
        app
    })
    .await;
}

#[tokio::test]
async fn staff_see_the_workers_serving_in_their_region() {
    each_app(|app| async move {
        let mut county = app.staff_in("pws.c", "140105").await;
        let mut other = app.staff_in("pws.o", "140106").await;
        let mut city = app.staff_in("pws.t", "140100").await;
        let mut datong = app.staff_in("pws.d", "140200").await;
        // A person of 迎泽区 (registered there) who rides in 小店区.
        let yingze = app
            .person(&mut other, 901, json!([]))
            .named("吴九")
            .in_county("140106")
            .await;
        let xiaodian = app.person(&mut county, 902, json!([])).named("郑十").await;
        let mut e = platform(&app, "pws.p", "91140105MA0K10006", "platform").await;
        let started = app.day(-20);
        report(
            &app,
            &mut e,
            json!({"rows": [
                row(&id_number("140106", 901), "吴九", "小店区", &started),
                row(&id_number("140105", 902), "郑十", "小店区", &started),
                row(&id_number("140106", 903), "冯十一", "迎泽区", &started),
            ]}),
        )
        .await;

        let list = |v: Value| -> Vec<String> {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w["county_code"].as_str().unwrap().to_owned())
                .collect()
        };
        let mine = county.get(&app, "/api/v1/platform-workers").await.json();
        assert_eq!(mine["total"], 2, "{mine}");
        assert!(list(mine.clone()).iter().all(|c| c == "140105"));
        // The rider registered in 迎泽区 is shown without a link to a person page the county
        // may not open; the 小店区 one with it.
        let items = mine["items"].as_array().unwrap();
        let link = |name: &str| {
            items
                .iter()
                .find(|w| w["name"].as_str().unwrap().starts_with(name))
                .unwrap()["person_id"]
                .clone()
        };
        assert!(link("吴").is_null());
        assert_eq!(link("郑"), json!(xiaodian));
        assert_eq!(
            other.get(&app, "/api/v1/platform-workers").await.json()["total"],
            1
        );
        assert_eq!(
            city.get(&app, "/api/v1/platform-workers").await.json()["total"],
            3
        );
        assert_eq!(
            datong.get(&app, "/api/v1/platform-workers").await.json()["total"],
            0
        );

        // The page, and the person pages: 小店区 sees its person's record; 迎泽区 sees the
        // record of its person who rides in 小店区.
        let mut b = Browser::of(&county);
        let page = b.get(&app, "/staff/platform-workers").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        let table = between(&page.html, "<table id=\"platform-workers\">", "</table>");
        assert_eq!(table.matches("<tr>").count(), 3, "{table}");
        assert!(table.contains("山西pws.p网络科技有限公司"));
        assert!(!table.contains("冯"));
        assert!(
            b.get(&app, "/staff")
                .await
                .html
                .contains("/staff/platform-workers")
        );
        let p = b.get(&app, &format!("/staff/persons/{xiaodian}")).await;
        assert!(p.html.contains("person-platform-work"), "{}", p.html);
        let mut ob = Browser::of(&other);
        let p = ob.get(&app, &format!("/staff/persons/{yingze}")).await;
        let t = between(&p.html, "<table id=\"person-platform-work\">", "</table>");
        assert!(t.contains("小店区"), "{t}");
        let (s, x) = b
            .download(
                &app,
                "/staff/export?page=%2Fstaff%2Fplatform-workers&table=platform-workers&format=csv",
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(String::from_utf8_lossy(&x).contains("报送单位"));
        // Neither an employer nor a worker lists the region's workers.
        assert_eq!(
            e.get(&app, "/api/v1/platform-workers").await.status,
            StatusCode::FORBIDDEN
        );
        app
    })
    .await;
}

#[tokio::test]
async fn statistics_and_policy_facts_count_the_records() {
    each_app(|app| async move {
        let mut staff = app.staff_in("pwt.s", "140100").await;
        let mut e = platform(&app, "pwt.p", "91140105MA0K10007", "platform").await;
        let started = app.day(-3);
        let year: i32 = started[..4].parse().unwrap();
        let stats = |v: &Value, form: &str, key: &str| -> i64 {
            v["by_flexible_form"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["form"] == form)
                .unwrap()[key]
                .as_i64()
                .unwrap()
        };
        let path = format!("/api/v1/stats?year={year}");
        let before = staff.get(&app, &path).await.json();
        let mut part = row(&id_number("140106", 952), "陈十三", "140106", &started);
        part["form"] = json!("非全日制");
        report(
            &app,
            &mut e,
            json!({"rows": [
                row(&id_number("140105", 950), "褚十二", "140105", &started),
                row(&id_number("140105", 951), "卫十四", "140105", &started),
                part,
            ]}),
        )
        .await;
        let after = staff.get(&app, &path).await.json();
        assert_eq!(
            stats(&after, "platform", "reported") - stats(&before, "platform", "reported"),
            2,
            "{after}"
        );
        assert_eq!(stats(&after, "platform", "reported_now"), 2);
        assert_eq!(stats(&after, "part_time", "reported"), 1);
        assert_eq!(stats(&after, "gig", "reported"), 0);
        // By county: 小店区 counts its own two.
        let xd = staff
            .get(&app, &format!("{path}&region=140105"))
            .await
            .json();
        assert_eq!(stats(&xd, "platform", "reported"), 2);
        assert_eq!(stats(&xd, "part_time", "reported"), 0);
        // Closing one takes it out of the open count, not out of the year's.
        let mut closed = row(&id_number("140105", 951), "卫十四", "140105", &started);
        closed["ended_on"] = json!(app.day(0));
        assert_eq!(
            report(&app, &mut e, json!({"rows": [closed]})).await["closed"],
            1
        );
        let after = staff.get(&app, &path).await.json();
        assert_eq!(stats(&after, "platform", "reported"), 2);
        assert_eq!(stats(&after, "platform", "reported_now"), 1);
        // The cells equal a rebuild from the rows.
        assert!(app.svc.stats_check(false).await.unwrap().is_empty());
        // The staff table shows the two columns.
        let b = Browser::of(&staff);
        let (s, csv) = b
            .download(
                &app,
                &format!("/staff/stats/export?table=flexforms&format=csv&year={year}"),
            )
            .await;
        assert_eq!(s, StatusCode::OK);
        assert!(String::from_utf8_lossy(&csv).contains("本年平台报送"));

        // The policy engine's facts: a hire in the form; 新就业形态 in force makes the person
        // 平台就业人员, an ended or other form does not.
        let facts = |id: String| {
            let app = &app;
            async move {
                let idx = app.svc.keys.blind_index("id_number", &id);
                let p = linghuo_storage::persons::by_id_index(&app.svc.db, &idx)
                    .await
                    .unwrap()
                    .unwrap();
                let today = app.svc.clock.today_cst();
                app.svc.gather_facts(&p, today).await.unwrap().facts
            }
        };
        let f = facts(id_number("140105", 950)).await;
        assert_eq!(f.hires.len(), 1);
        assert_eq!(
            f.hires[0].form,
            linghuo_policy::facts::FlexibleWork::Platform
        );
        assert!(
            f.person
                .groups
                .contains(linghuo_policy::facts::Group::PlatformWorker)
        );
        let f = facts(id_number("140106", 952)).await;
        assert_eq!(
            f.hires[0].form,
            linghuo_policy::facts::FlexibleWork::PartTime
        );
        assert!(
            !f.person
                .groups
                .contains(linghuo_policy::facts::Group::PlatformWorker)
        );
        let f = facts(id_number("140105", 951)).await;
        assert!(f.hires[0].ended_on.is_some());
        assert_eq!(
            f.person
                .groups
                .contains(linghuo_policy::facts::Group::PlatformWorker),
            f.hires[0].active_on(app.svc.clock.today_cst())
        );
        // The changed persons wait for 免申即享 screening.
        assert!(app.count("SELECT COUNT(*) FROM rescreen_queue").await >= 3);
        app
    })
    .await;
}
