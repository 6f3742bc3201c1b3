//! Issue 16, items 8 and 9, through the real router on SQLite and (with
//! `TEST_DATABASE_URL`) PostgreSQL: staff lists paged in SQL with a search box (page 2 shows
//! the next rows, the filters are kept), the statistics year list ending at this year, and
//! the employer editing a post (re-screened, history kept), declining an applicant with a
//! reason the worker sees, and hiring only on a start date within the post's dates.

use crate::common::*;
use crate::forms::*;
use axum::http::{Method, StatusCode};
use chrono::{Datelike, Duration, Utc};
use serde_json::json;
use uuid::Uuid;

fn post_body(title: &str, description: &str, starts: &str, ends: &str) -> serde_json::Value {
    json!({
        "title": title,
        "description": description,
        "occupation": "保洁员",
        "form": "part_time",
        "county_code": "140105",
        "address": "小店区坞城路",
        "starts_on": starts,
        "ends_on": ends,
        "schedule": "周六、周日 09:00-12:00",
        "hours_per_week": 6,
        "pay": "30元/小时",
        "headcount": 3,
        "accident_cover": true
    })
}

/// How many rows a table body holds.
fn rows(html: &str, table_id: &str) -> usize {
    let t = between(html, &format!("id=\"{table_id}\""), "</table>");
    t.matches("<tr>").count() - 1 // the header row
}

#[tokio::test]
async fn an_employer_edits_a_post_declines_and_hires_within_the_dates() {
    each_app(|app| async move {
        let (mut emp_api, mut staff_api, _) =
            app.employer_verified("edit_e", "91110000600037341L").await;
        let starts = app.day(3);
        let ends = app.day(30);
        let r = emp_api
            .post(
                &app,
                "/api/v1/posts",
                post_body("周末家庭保洁", "家庭日常保洁，擦玻璃、整理收纳。", &starts, &ends),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["status"], "live");
        let post = r.json()["id"].as_str().unwrap().to_owned();
        let occupation = r.json()["occupation"].as_str().unwrap().to_owned();

        // Two workers apply.
        let mut w1 = app.worker("edit_w1", 811).await;
        let mut w2 = app.worker("edit_w2", 812).await;
        for w in [&mut w1, &mut w2] {
            let r = w
                .post(&app, &format!("/api/v1/posts/{post}/applications"), json!({"message": ""}))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        }
        let apps = emp_api
            .get(&app, &format!("/api/v1/posts/{post}/applications"))
            .await
            .json();
        let a1 = apps[0]["id"].as_str().unwrap().to_owned();
        let a2 = apps[1]["id"].as_str().unwrap().to_owned();

        // 不录用 without a reason: refused beside the field; with one, the worker sees it.
        let mut emp = Browser::of(&emp_api);
        let page = emp.get(&app, &format!("/employer/posts/{post}")).await;
        assert!(page.html.contains(&format!("/applications/{a1}/decline")), "{}", page.html);
        let r = emp
            .post(
                &app,
                &format!("/employer/posts/{post}/applications/{a1}/decline"),
                &[("reason", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.html);
        assert!(r.html.contains(&format!("id=\"reason-{a1}-error\"")), "{}", r.html);
        let (to, page) = emp
            .submit(
                &app,
                &format!("/employer/posts/{post}/applications/{a1}/decline"),
                &[("reason", "本周人数已满，下次优先联系您")],
            )
            .await;
        assert_eq!(to, format!("/employer/posts/{post}?ok=declined"));
        assert!(page.html.contains("不录用原因：本周人数已满"));
        // The worker whose application it was sees the reason, and a notice.
        let mut declined_worker = None;
        for w in [&w1, &w2] {
            let mut b = Browser::of(w);
            let p = b.get(&app, "/work/applications").await;
            assert_eq!(p.status, StatusCode::OK);
            if p.html.contains("不录用原因：本周人数已满，下次优先联系您") {
                declined_worker = Some(b);
            }
        }
        let mut dw = declined_worker.expect("the declined worker sees the reason");
        let n = dw.get(&app, "/notices").await;
        assert!(
            n.html.contains("未录用您应聘的“周末家庭保洁”，原因：本周人数已满"),
            "{}",
            n.html
        );
        // Declined once is declined: a second time conflicts (API).
        let r = emp_api
            .post(&app, &format!("/api/v1/applications/{a1}/decline"), json!({"reason": "再次"}))
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);

        // Hiring checks the start date against the post's dates, beside the field.
        let early = app.day(1);
        let r = emp
            .post(
                &app,
                &format!("/employer/posts/{post}/applications/{a2}/hire"),
                &[("start_date", &early)],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.html);
        assert!(r.html.contains(&format!("id=\"start_date-{a2}-error\"")));
        assert!(r.html.contains("到岗日期不能早于岗位开始日期"), "{}", r.html);
        let late = app.day(31);
        let r = emp_api
            .post(&app, &format!("/api/v1/applications/{a2}/hire"), json!({"start_date": late}))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.contains("start_after_post") && r.body.contains("start_date"), "{}", r.body);
        assert_eq!(app.audit_count("hired").await, 0);
        let (to, _) = emp
            .submit(
                &app,
                &format!("/employer/posts/{post}/applications/{a2}/hire"),
                &[("start_date", &starts)],
            )
            .await;
        assert!(to.starts_with("/employer/hires/"), "{to}");

        // 修改岗位: the form is filled with the post; asking for a deposit holds it with
        // the reasons; the change is kept in the history.
        let form = emp.get(&app, &format!("/employer/posts/{post}/edit")).await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.html);
        assert!(form.html.contains("value=\"周末家庭保洁\"") && form.html.contains("保存修改"));
        let fields: Vec<(String, String)> = vec![
            ("title".into(), "周末家庭保洁".into()),
            ("description".into(), "家庭日常保洁，入职需交押金200元。".into()),
            ("occupation".into(), occupation.clone()),
            ("form".into(), "part_time".into()),
            ("county_code".into(), "140105".into()),
            ("address".into(), "小店区坞城路".into()),
            ("starts_on".into(), starts.clone()),
            ("ends_on".into(), ends.clone()),
            ("schedule".into(), "周六、周日 09:00-12:00".into()),
            ("hours_per_week".into(), "6".into()),
            ("pay".into(), "30元/小时".into()),
            ("headcount".into(), "3".into()),
            ("accident_cover".into(), "1".into()),
        ];
        // The occupation the form shows selected is the post's own.
        assert!(
            form.html.contains(&format!("<option value=\"{occupation}\" selected")),
            "{}",
            form.html
        );
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (to, page) = emp.submit(&app, &format!("/employer/posts/{post}/edit"), &f).await;
        assert_eq!(to, format!("/employer/posts/{post}?ok=post_edited"));
        assert!(page.html.contains("id=\"post-held\"") && page.html.contains("押金"), "{}", page.html);
        let history = between(&page.html, "id=\"post-history\"", "</section>");
        assert!(history.contains("工作内容由“家庭日常保洁，擦玻璃、整理收纳。”改为“家庭日常保洁，入职需交押金200元。”"), "{history}");
        assert!(history.contains("转为待审核"), "{history}");
        // Held now: staff of the county see it in the review queue.
        let q = Browser::of(&staff_api).get(&app, "/staff/market/review").await;
        assert!(q.html.contains(&format!("id=\"post-{post}\"")), "{}", q.html);

        // The API: the deposit taken out, the post is live again; two edits in the history.
        let r = emp_api
            .send(
                &app,
                Method::PUT,
                &format!("/api/v1/posts/{post}"),
                Some(post_body("周末家庭保洁", "家庭日常保洁，擦玻璃。", &starts, &ends)),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["status"], "live");
        let h = staff_api.get(&app, &format!("/api/v1/posts/{post}/history")).await;
        assert_eq!(h.status, StatusCode::OK, "{}", h.body);
        let h = h.json();
        assert_eq!(h.as_array().unwrap().len(), 2);
        assert_eq!(h[0]["status_before"], "held");
        assert_eq!(h[0]["status_after"], "live");
        assert_eq!(h[1]["status_after"], "held");
        assert!(h[1]["findings"][0].as_str().unwrap().contains("押金"), "{h}");
        assert_eq!(app.count("SELECT COUNT(*) FROM post_revisions").await, 2);
        assert_eq!(app.audit_count("post_edited").await, 2);
        // Fewer places than already hired is refused; so is an edit that changes nothing.
        let mut few = post_body("周末家庭保洁", "家庭日常保洁，擦玻璃。", &starts, &ends);
        few["headcount"] = json!(0);
        let r = emp_api.send(&app, Method::PUT, &format!("/api/v1/posts/{post}"), Some(few)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        let r = emp_api
            .send(
                &app,
                Method::PUT,
                &format!("/api/v1/posts/{post}"),
                Some(post_body("周末家庭保洁", "家庭日常保洁，擦玻璃。", &starts, &ends)),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(r.body.contains("nothing_changed"));
        app
    })
    .await;
}

#[tokio::test]
async fn staff_lists_are_paged_with_a_search_box() {
    each_app(|app| async move {
        let (mut emp_api, mut staff_api, _) =
            app.employer_verified("page_e", "91110000600037341L").await;
        let mut s = Browser::of(&staff_api);

        // 待审核岗位: 53 held posts (each asks for a deposit).
        let starts = app.day(3);
        for i in 1..=53 {
            let r = emp_api
                .post(
                    &app,
                    "/api/v1/posts",
                    post_body(
                        &format!("押金岗位{i:02}"),
                        &format!("第{i}个岗位，入职需交押金200元。"),
                        &starts,
                        "",
                    ),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            assert_eq!(r.json()["status"], "held");
        }
        let p1 = s.get(&app, "/staff/market/review").await;
        assert!(p1.html.contains("第 1 页 / 共 2 页"), "{}", p1.html);
        assert_eq!(
            p1.html
                .matches("<article class=\"card\" id=\"post-")
                .count(),
            50
        );
        assert!(p1.html.contains("name=\"q\""));
        // Page 2 holds the other three: every post on exactly one of the two pages.
        let next = between(&p1.html, "<a rel=\"next\" href=\"", "\"")
            .replace("&amp;", "&")
            .replace("&#38;", "&");
        let p2 = s.get(&app, &next).await;
        assert!(p2.html.contains("第 2 页 / 共 2 页"));
        assert_eq!(
            p2.html
                .matches("<article class=\"card\" id=\"post-")
                .count(),
            3
        );
        for i in 1..=53 {
            let t = format!("<h2>押金岗位{i:02}</h2>");
            assert!(
                p1.html.contains(&t) != p2.html.contains(&t),
                "{t} on exactly one page"
            );
        }
        let found = s
            .get(&app, "/staff/market/review?q=%E5%B2%97%E4%BD%8D07")
            .await; // 岗位07
        assert!(found.html.contains("押金岗位07") && found.html.contains("共 1 页"));
        assert_eq!(
            found
                .html
                .matches("<article class=\"card\" id=\"post-")
                .count(),
            1
        );

        // 就业登记: 52 ended registrations of 王建国 and one of 张小花.
        let wang: Uuid = app
            .person(&mut staff_api, 901, json!([]))
            .await
            .parse()
            .unwrap();
        let zhang: Uuid = app
            .person(&mut staff_api, 902, json!([]))
            .named("张小花")
            .await
            .parse()
            .unwrap();
        let mut tx = app.svc.db.begin().await.unwrap();
        let now = Utc::now();
        for i in 0..53i64 {
            let start =
                chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + Duration::days(i * 7);
            let row = linghuo_storage::benefits::RegistrationRow {
                id: Uuid::new_v4(),
                person_id: if i == 0 { zhang } else { wang },
                kind: linghuo_storage::status::RegistrationKind::Flexible,
                county_code: "140105".into(),
                started_on: start,
                ended_on: Some(start + Duration::days(5)),
                end_reason: String::new(),
                employer_name: String::new(),
                flexible_form: Some("gig".into()),
                source: "staff".into(),
                hire_id: None,
                consent_note: String::new(),
                recorded_by: None,
                created_at: now + Duration::seconds(i),
                updated_at: now + Duration::seconds(i),
            };
            linghuo_storage::benefits::insert_registration(&mut tx, &row)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        let p1 = s.get(&app, "/staff/registrations").await;
        assert_eq!(p1.status, StatusCode::OK, "{}", p1.html);
        assert!(p1.html.contains("第 1 页 / 共 2 页"), "{}", p1.html);
        assert_eq!(rows(&p1.html, "registrations"), 50);
        // The search keeps to its words across pages: 王建国 has 52 rows.
        let w1 = s
            .get(&app, "/staff/registrations?q=%E7%8E%8B%E5%BB%BA%E5%9B%BD")
            .await;
        assert!(w1.html.contains("第 1 页 / 共 2 页"), "{}", w1.html);
        let next = between(&w1.html, "<a rel=\"next\" href=\"", "\"")
            .replace("&amp;", "&")
            .replace("&#38;", "&");
        assert!(
            next.contains("q=%E7%8E%8B%E5%BB%BA%E5%9B%BD") && next.contains("page=2"),
            "{next}"
        );
        let w2 = s.get(&app, &next).await;
        assert!(w2.html.contains("第 2 页 / 共 2 页"), "{next}: {}", w2.html);
        assert_eq!(rows(&w2.html, "registrations"), 2);
        assert!(
            w2.html.contains("value=\"王建国\""),
            "the search box keeps the words"
        );
        assert!(w2.html.contains(&format!("/staff/persons/{wang}")));
        assert!(!w2.html.contains(&format!("/staff/persons/{zhang}")));
        let z = s
            .get(&app, "/staff/registrations?q=%E5%BC%A0%E5%B0%8F%E8%8A%B1")
            .await;
        assert_eq!(rows(&z.html, "registrations"), 1);
        assert!(z.html.contains(&format!("/staff/persons/{zhang}")));

        // 待遇审核: the status tab is kept by the pager and the search box.
        let b = s
            .get(&app, "/staff/benefits?status=approved&q=%E7%8E%8B")
            .await;
        assert_eq!(b.status, StatusCode::OK, "{}", b.html);
        assert!(
            b.html.contains("name=\"status\" value=\"approved\""),
            "{}",
            b.html
        );
        assert!(b.html.contains("name=\"q\"") && b.html.contains("value=\"王\""));
        app
    })
    .await;
}

#[tokio::test]
async fn the_year_list_stops_at_this_year() {
    each_app(|app| async move {
        let mut s = Browser::of(&app.staff_in("year_s", "140105").await);
        let p = s.get(&app, "/staff/stats").await;
        assert_eq!(p.status, StatusCode::OK);
        let this_year = app.clock.today_cst().year();
        let pick = between(&p.html, "id=\"year-pick\"", "</select>");
        assert!(pick.contains(&format!("value=\"{this_year}\"")), "{pick}");
        assert!(
            !pick.contains(&format!("value=\"{}\"", this_year + 1)),
            "{pick}"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn post_a_job_on_the_home_page_only_for_employers() {
    each_app(|app| async move {
        let mut anon = Browser::new();
        let p = anon.get(&app, "/").await;
        assert!(
            p.html.contains("id=\"post-job\" href=\"/signup/employer\""),
            "{}",
            p.html
        );
        let w = app.worker("home_w", 831).await;
        let p = Browser::of(&w).get(&app, "/").await;
        assert!(
            !p.html.contains("id=\"post-job\""),
            "no 发布岗位 for a worker"
        );
        let (e, _, _) = app.employer_verified("home_e", "91110000600037341L").await;
        let p = Browser::of(&e).get(&app, "/").await;
        assert!(
            p.html
                .contains("id=\"post-job\" href=\"/employer/posts/new\"")
        );
        app
    })
    .await;
}
