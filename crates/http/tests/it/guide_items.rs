//! 办事指南, 我的办件 and 灵活就业一件事 through the real router, on SQLite and (with
//! `TEST_DATABASE_URL`) PostgreSQL: the windows import (CSV → rows, bad rows named with
//! line and field, nothing written) shown on the guide; 一件事 at the window and online
//! (registration, 参保登记 and the payable subsidy created together, one item in 我的办件);
//! the timeline of an application under review and of a paid one; 好差评 once per item, seen
//! by staff of the item's region only.

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;
use serde_json::json;

async fn worker(app: &TestApp, username: &str, seq: u32) -> Browser {
    app.worker(username, seq).sign_up().await;
    let mut b = Browser::new();
    b.get(app, "/login").await;
    let p = b
        .post(
            app,
            "/login",
            &[("username", username), ("password", PASSWORD)],
        )
        .await;
    assert!(p.location.is_some(), "{}", p.html);
    b
}

/// Makes a person a verified 就业困难人员 (as the registry import does).
async fn hard_to_employ(app: &TestApp, person: uuid::Uuid) {
    let mut tx = app.svc.db.begin().await.unwrap();
    linghuo_storage::persons::upsert_group(
        &mut tx,
        &linghuo_storage::persons::GroupRow {
            id: uuid::Uuid::new_v4(),
            person_id: person,
            group_code: "hard_to_employ".into(),
            since: chrono::NaiveDate::from_ymd_opt(2025, 1, 1),
            until: None,
            evidence: "就业困难人员认定表".into(),
            source: "registry".into(),
            verified: true,
            recorded_by: None,
            recorded_at: app.clock.now(),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// One item of 我的办件: from its id to the next item (or the end of the list).
fn card_of<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"item-{id}\""))
        .unwrap_or_else(|| panic!("no item {id}: {html}"));
    let rest = &html[start..];
    // The card ends where the next one starts, or where the page's main part ends (the tab
    // bar below it marks its own current tab).
    let end = rest
        .find("class=\"card item\"")
        .or_else(|| rest.find("</main>"))
        .unwrap_or(rest.len());
    &rest[..end]
}

fn month(app: &TestApp) -> String {
    app.svc.clock.today_cst().format("%Y-%m").to_string()
}

#[tokio::test]
async fn windows_import_names_bad_rows_and_the_guide_shows_the_county_window() {
    each_app(|app| async move {
        let mut acc = account(&app, "win.admin", "sysadmin", None, &[]).await;
        let admin = login(&app, &mut acc).await;
        let mut a = Browser::of(&admin);
        let page = a.get(&app, "/admin/windows").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        check_forms("/admin/windows", &page.html);

        // Bad rows: named with line and field; nothing written.
        let bad = "county_code,name,address,hours,phone\n\
                   140105,小店区人社局就业服务窗口,太原市小店区某路1号,工作日9:00—17:00,0351-1234567\n\
                   999999,某窗口,某地址,工作日,0351-1234567\n\
                   140106,迎泽区窗口,迎泽区某路2号,工作日9:00—17:00,电话打不通\n\
                   140107,只有四列,地址,时间\n";
        let p = a.post(&app, "/admin/windows/import", &[("csv", bad)]).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.html);
        assert!(p.html.contains("第3行 区县代码"), "{}", p.html);
        assert!(p.html.contains("第4行 咨询电话"), "{}", p.html);
        assert!(p.html.contains("第5行：应有5列"), "{}", p.html);
        assert!(!p.html.contains("第2行"), "{}", p.html);
        assert_eq!(app.count("SELECT COUNT(*) FROM service_windows").await, 0);

        // Good rows: stored, audited, shown.
        let good = "区县代码,窗口名称,地址,办公时间,咨询电话\n\
                    140105,小店区人社局就业服务窗口,太原市小店区某路1号,工作日9:00—17:00,0351-1234567\n\
                    140106,迎泽区人社局就业服务窗口,太原市迎泽区某路2号,工作日9:00—17:00,0351-7654321\n";
        let (_, page) = a.submit(&app, "/admin/windows/import", &[("csv", good)]).await;
        assert!(page.html.contains("窗口表已导入"), "{}", page.html);
        assert_eq!(app.count("SELECT COUNT(*) FROM service_windows").await, 2);
        assert_eq!(app.audit_count("windows_imported").await, 1);

        // Editing one window on the page; a bad phone is refused beside the field.
        let p = a
            .post(&app, "/admin/windows", &[("county_code", "140106"), ("name", "迎泽区窗口"), ("address", "迎泽区某路3号"), ("hours", "工作日"), ("phone", "无")])
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.html.contains("咨询电话只能含数字"), "{}", p.html);
        a.submit(&app, "/admin/windows", &[("county_code", "140106"), ("name", "迎泽区人社局就业服务窗口"), ("address", "太原市迎泽区某路3号"), ("hours", "工作日9:00—17:00"), ("phone", "0351-7654321")])
            .await;
        assert_eq!(app.audit_count("window_saved").await, 1);

        // Staff may not edit windows.
        let staff = app.staff_in("win.staff", "140105").await;
        let mut s = Browser::of(&staff);
        assert_eq!(s.get(&app, "/admin/windows").await.status, StatusCode::FORBIDDEN);

        // The public pages: the index, a guide page with the chosen county's window, the list.
        let mut v = Browser::new();
        let idx = v.get(&app, "/guide").await;
        assert_eq!(idx.status, StatusCode::OK);
        assert!(idx.html.contains("/guide/social_insurance_subsidy"), "{}", idx.html);
        let g = v.get(&app, "/guide/social_insurance_subsidy?county=140106").await;
        assert_eq!(g.status, StatusCode::OK, "{}", g.html);
        assert!(g.html.contains("不收费"));
        let days = linghuo_service::benefits::REVIEW_WORKING_DAYS;
        assert!(g.html.contains(&format!("{days}个工作日")), "{}", g.html);
        assert!(g.html.contains("太原市迎泽区某路3号") && g.html.contains("0351-7654321"), "{}", g.html);
        assert!(g.html.contains("/guide/windows?county=140106"));
        let list = v.get(&app, "/guide/windows").await;
        assert!(list.html.contains("小店区人社局就业服务窗口") && list.html.contains("迎泽区人社局就业服务窗口"));
        // A signed-in worker of 小店区 sees their own county's window without choosing.
        let mut w = worker(&app, "win_w", 880).await;
        let g = w.get(&app, "/guide/registration-flexible").await;
        assert!(g.html.contains("太原市小店区某路1号"), "{}", g.html);
        assert_eq!(v.get(&app, "/guide/no-such-service").await.status, StatusCode::NOT_FOUND);
        app
    })
    .await;
}

#[tokio::test]
async fn onething_at_the_window_creates_registration_enrolment_and_applications_as_one_item() {
    each_app(|app| async move {
        let mut w = worker(&app, "one_w", 881).await;
        let pid = app.person_of("one_w").await;
        hard_to_employ(&app, pid).await;
        let staff = app.staff_in("one_s", "140105").await;
        let mut s = Browser::of(&staff);
        let path = format!("/staff/persons/{pid}/onething");
        let page = s.get(&app, &path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        check_forms(&path, &page.html);
        let m = month(&app);
        let today = app.svc.clock.today_cst().format("%Y-%m-%d").to_string();
        let mut form = vec![
            ("flexible_form", "gig"),
            ("started_on", today.as_str()),
            ("pension", "1"),
            ("medical", "1"),
            ("start_month", m.as_str()),
            ("base", "100"),
            ("consent_note", "本人到窗口书面同意"),
            ("step", "submit"),
        ];
        // A base outside the range: refused beside the field, nothing stored.
        let p = s.post(&app, &path, &form).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.html);
        assert!(p.html.contains("缴费基数须在"), "{}", p.html);
        assert_eq!(app.count("SELECT COUNT(*) FROM registrations").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM si_enrolments").await, 0);

        form[5] = ("base", "5000");
        // The preview names the subsidy; nothing stored yet.
        form[7] = ("step", "preview");
        let p = s.post(&app, &path, &form).await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.html);
        assert!(p.html.contains("灵活就业社会保险补贴"), "{}", p.html);
        assert_eq!(app.count("SELECT COUNT(*) FROM si_enrolments").await, 0);
        form[7] = ("step", "submit");
        let (to, _) = s.submit(&app, &path, &form).await;
        assert!(to.contains("ok=onething"), "{to}");

        // Together: one flexible registration, two enrolments, the subsidy applied for.
        assert_eq!(app.count("SELECT COUNT(*) FROM registrations WHERE kind = 'flexible'").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM si_enrolments").await, 2);
        assert_eq!(app.count("SELECT COUNT(*) FROM onething_items").await, 1);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM benefit_applications WHERE benefit = 'social_insurance_subsidy'").await,
            1
        );
        let apps = linghuo_storage::benefits::applications_of(&app.svc.db, pid).await.unwrap();
        let si = apps.iter().find(|a| a.benefit == "social_insurance_subsidy").unwrap();
        // The enrolment's months are declared, so a reviewer confirms them.
        assert_eq!(si.status.as_str(), "pending_review");
        assert!(si.unverified.contains("参保登记"), "{}", si.unverified);
        assert!(si.on_behalf);
        assert_eq!(app.audit_count("onething_submitted").await, 1);
        assert_eq!(app.audit_count("si_enrolled").await, 2);

        // Twice: refused, nothing more stored.
        let p = s.post(&app, &path, &form).await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.html);
        assert_eq!(app.count("SELECT COUNT(*) FROM onething_items").await, 1);

        // 我的办件: one item with its parts, under review, with the next date.
        let items = w.get(&app, "/services/items").await;
        assert_eq!(items.status, StatusCode::OK, "{}", items.html);
        check_forms("/services/items", &items.html);
        assert_eq!(items.html.matches("class=\"card item\"").count(), 1, "{}", items.html);
        assert!(items.html.contains("data-kind=\"onething\""));
        assert!(items.html.contains("灵活就业登记：已办结"));
        assert!(items.html.contains("参保登记（企业职工基本养老保险"));
        assert!(items.html.contains("灵活就业社会保险补贴：待初审"), "{}", items.html);
        assert!(items.html.contains("aria-current=\"step\""));
        assert!(items.html.contains("预计"), "{}", items.html);

        // Another county's staff cannot open the person's 一件事.
        let other = app.staff_in("one_x", "140106").await;
        let mut x = Browser::of(&other);
        assert_eq!(x.get(&app, &path).await.status, StatusCode::NOT_FOUND);
        app
    })
    .await;
}

#[tokio::test]
async fn onething_online_without_a_payable_subsidy_still_makes_one_item() {
    each_app(|app| async move {
        let mut w = worker(&app, "one_o", 882).await;
        let page = w.get(&app, "/services/onething").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        check_forms("/services/onething", &page.html);
        let m = month(&app);
        let (to, items) = w
            .submit(
                &app,
                "/services/onething",
                &[
                    ("flexible_form", "platform"),
                    ("started_on", ""),
                    ("pension", "1"),
                    ("start_month", m.as_str()),
                    ("base", "5000"),
                    ("step", "submit"),
                ],
            )
            .await;
        assert!(to.starts_with("/services/items"), "{to}");
        assert!(items.html.contains("一件事已提交"));
        assert_eq!(
            app.count("SELECT COUNT(*) FROM si_enrolments WHERE scheme = 'pension'")
                .await,
            1
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM onething_items").await, 1);
        assert_eq!(
            items.html.matches("class=\"card item\"").count(),
            1,
            "{}",
            items.html
        );
        app
    })
    .await;
}

#[tokio::test]
async fn items_show_the_timeline_of_an_application_under_review_and_of_a_paid_one() {
    each_app(|app| async move {
        let mut w = worker(&app, "tl_w", 883).await;
        let pid = app.person_of("tl_w").await;
        hard_to_employ(&app, pid).await;
        let mut staff = app.staff_in("tl_s", "140105").await;
        // Self-declared premiums: the application waits for review.
        app.premiums_rescreened(&pid.to_string(), &HALF_2026, 60_000, "self_declared")
            .await;
        let r = staff
            .post(
                &app,
                &format!("/api/v1/persons/{pid}/benefit-applications"),
                json!({"benefit": "social_insurance_subsidy", "consent_note": "本人书面申请"}),
            )
            .await;
        assert_eq!(r.json()["status"], "pending_review", "{}", r.body);
        let id = r.json()["id"].as_str().unwrap().to_owned();
        let items = w.get(&app, "/services/items").await;
        let card = card_of(&items.html, &id);
        for step in ["提交", "受理", "初审", "审批", "发放", "到账"] {
            assert!(
                card.contains(&format!("<strong>{step}</strong>")),
                "{step}: {card}"
            );
        }
        assert!(card.contains("aria-current=\"step\""));
        let current = between(card, "aria-current=\"step\">", "</li>");
        assert!(current.contains("初审"), "{current}");
        let submitted = app.svc.clock.today_cst();
        let next = linghuo_service::guide::add_working_days(
            submitted,
            linghuo_service::benefits::REVIEW_WORKING_DAYS,
        );
        let next_text = format!(
            "{}年{}月{}日",
            next.format("%Y"),
            next.format("%-m"),
            next.format("%-d")
        );
        assert!(card.contains(&format!("预计 {next_text} 前")), "{card}");
        assert!(!card.contains("提交评价"), "not completed: no rating yet");

        // Reviewed, approved by a second person, sent and paid.
        let mut reviewer = app.staff_in("tl_r", "140105").await;
        let r = reviewer
            .post(
                &app,
                &format!("/api/v1/benefit-applications/{id}/review"),
                json!({"outcome": "approve", "note": "已核对缴费记录"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let mut approver = app.staff_in("tl_p", "140105").await;
        let r = approver
            .post(
                &app,
                &format!("/api/v1/benefit-applications/{id}/decision"),
                json!({"outcome": "approve"}),
            )
            .await;
        assert_eq!(r.json()["status"], "approved", "{}", r.body);
        let items = w.get(&app, "/services/items").await;
        let card = card_of(&items.html, &id);
        let current = between(card, "aria-current=\"step\">", "</li>");
        assert!(current.contains("发放"), "approved, not yet sent: {card}");
        assert!(!card.contains("预计"), "{card}");
        assert!(!card.contains("提交评价"), "not yet paid: {card}");
        linghuo_storage::on_pool!(&app.svc.db, |p| sqlx::query(
            "UPDATE payment_instructions SET status = 'paid' WHERE person_id = $1"
        )
        .bind(pid)
        .execute(p)
        .await
        .map(|r| r.rows_affected())
        .unwrap());
        let items = w.get(&app, "/services/items").await;
        let card = card_of(&items.html, &id);
        assert!(!card.contains("aria-current"), "every step done: {card}");
        assert_eq!(card.matches("已完成").count(), 6, "{card}");
        assert!(card.contains("提交评价"), "{card}");

        // 好差评: once only; staff of the region see it, another region's do not.
        let (_, page) = w
            .submit(
                &app,
                "/services/items/rate",
                &[
                    ("kind", "application"),
                    ("id", &id),
                    ("score", "4"),
                    ("word", "办得快"),
                ],
            )
            .await;
        assert!(page.html.contains("您的评价：4 星"), "{}", page.html);
        let again = w
            .post(
                &app,
                "/services/items/rate",
                &[
                    ("kind", "application"),
                    ("id", &id),
                    ("score", "1"),
                    ("word", ""),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.html);
        assert!(again.html.contains("只能评价一次"));
        assert_eq!(app.count("SELECT COUNT(*) FROM item_ratings").await, 1);
        assert_eq!(app.audit_count("item_rated").await, 1);
        let mut sb = Browser::of(&staff);
        let list = sb.get(&app, "/staff/ratings").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.html);
        assert!(
            list.html.contains("办得快") && list.html.contains("4 星"),
            "{}",
            list.html
        );
        let other = app.staff_in("tl_x", "140106").await;
        let mut xb = Browser::of(&other);
        let list = xb.get(&app, "/staff/ratings").await;
        assert_eq!(list.status, StatusCode::OK);
        assert!(!list.html.contains("办得快"), "{}", list.html);
        // A worker cannot rate an item not theirs or not finished.
        let p = w
            .post(
                &app,
                "/services/items/rate",
                &[
                    ("kind", "application"),
                    ("id", &uuid::Uuid::new_v4().to_string()),
                    ("score", "5"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::NOT_FOUND);
        // The open statistics hide a county with fewer than five ratings.
        let mut v = Browser::new();
        let o = v.get(&app, "/open/stats").await;
        let table = between(&o.html, "id=\"ratings-by-county\"", "</table>");
        assert!(
            table.contains("小店区") && table.contains("&lt;5"),
            "{table}"
        );
        app
    })
    .await;
}
