//! Issue 16, item 8 (the rest): every staff list paged in SQL with a search box, through the
//! real router on SQLite and (with `TEST_DATABASE_URL`) PostgreSQL. Each list gets more rows
//! than one page (50): page 1 shows 50 with the count of all, the 下一页 link keeps the
//! filters and shows the rest (every row on exactly one page), and the search narrows the
//! list. Applicant names link to the person; the lists show labels, never internal codes.

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;
use chrono::{Duration, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

/// Rows made for each list: one page and three more.
const N: usize = 53;

fn enc(s: &str) -> String {
    serde_urlencoded::to_string([("q", s)]).unwrap()[2..].to_owned()
}

/// The 下一页 link of a page.
fn next_link(html: &str) -> String {
    between(html, "<a rel=\"next\" href=\"", "\"")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// Page 1 of `path` shows 50 rows of `total`, page 2 (by its 下一页 link) the rest, each of
/// the `names` on exactly one of the two pages; the link keeps `keep` (a filter). Returns
/// both pages.
async fn two_pages(
    s: &mut Browser,
    app: &TestApp,
    path: &str,
    total: usize,
    names: &[String],
    keep: &str,
) -> (Page, Page) {
    let p1 = s.get(app, path).await;
    assert_eq!(p1.status, StatusCode::OK, "{path}: {}", p1.html);
    let pages = total.div_ceil(50);
    assert!(
        p1.html.contains(&format!("第 1 页 / 共 {pages} 页")),
        "{path}: {}",
        p1.html
    );
    assert!(
        p1.html.contains(&format!("（共 {total} 条）")),
        "{path} shows the count of all: {}",
        p1.html
    );
    assert!(p1.html.contains("name=\"q\""), "{path} has a search box");
    let next = next_link(&p1.html);
    assert!(next.contains("page=2") && next.contains(keep), "{next}");
    let p2 = s.get(app, &next).await;
    assert_eq!(p2.status, StatusCode::OK, "{next}: {}", p2.html);
    assert!(
        p2.html.contains(&format!("第 2 页 / 共 {pages} 页")),
        "{next}: {}",
        p2.html
    );
    let on1 = names
        .iter()
        .filter(|n| p1.html.contains(n.as_str()))
        .count();
    let on2 = names
        .iter()
        .filter(|n| p2.html.contains(n.as_str()))
        .count();
    assert_eq!((on1, on2), (50, total - 50), "{path}: rows per page");
    for n in names {
        assert!(
            p1.html.contains(n.as_str()) != p2.html.contains(n.as_str()),
            "{path}: {n} on exactly one page"
        );
    }
    (p1, p2)
}

/// The search box narrows `path` to `count` rows, and keeps the words in the box.
async fn narrows(s: &mut Browser, app: &TestApp, path: &str, words: &str, count: usize) -> Page {
    let sep = if path.contains('?') { '&' } else { '?' };
    let url = format!("{path}{sep}q={}", enc(words));
    let p = s.get(app, &url).await;
    assert_eq!(p.status, StatusCode::OK, "{url}: {}", p.html);
    assert!(
        p.html.contains(&format!("（共 {count} 条）")),
        "{url}: {}",
        p.html
    );
    assert!(
        p.html.contains(&format!("value=\"{words}\"")),
        "{url} keeps the words"
    );
    p
}

/// The visible text of the main part of a page (tags dropped).
fn visible(html: &str) -> String {
    let main = html.find("<main").map_or(html, |i| {
        &html[i..html.rfind("</main>").unwrap_or(html.len())]
    });
    let mut out = String::new();
    let mut in_tag = false;
    for c in main.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// No internal code on the page: none of `codes`, and no word shaped like a key
/// (`snake_case` or `dotted.key`).
fn no_codes(path: &str, html: &str, codes: &[&str]) {
    let text = visible(html);
    for c in codes {
        assert!(!text.contains(c), "{path} shows the code {c}: {text}");
    }
    for w in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')) {
        let w = w.trim_matches('.');
        let keyish = w.chars().any(|c| c.is_ascii_lowercase())
            && (w.contains('_') || (w.contains('.') && !w.ends_with(".csv")));
        assert!(!keyish, "{path} shows {w:?}: {text}");
    }
}

fn at(i: usize) -> chrono::DateTime<Utc> {
    Utc::now() - Duration::days(60) + Duration::minutes(i as i64)
}

/// 52 rows of 王建国 and one of 张小花 (the last), for the lists searched by name.
fn who(i: usize, wang: Uuid, zhang: Uuid) -> Uuid {
    if i == N - 1 { zhang } else { wang }
}

#[tokio::test]
async fn person_lists_are_paged_and_searched() {
    each_app(|app| async move {
        let mut staff = app.staff_in("lists_p", "140105").await;
        let mut s = Browser::of(&staff);
        let mut ids = Vec::new();
        for i in 0..N {
            let name = if i == N - 1 {
                "张小花".to_owned()
            } else {
                format!("王建国{i:02}")
            };
            let id: Uuid = app
                .person(&mut staff, 700 + i as u32, json!([]))
                .named(&name)
                .await
                .parse()
                .unwrap();
            ids.push(id);
        }
        let wang = ids[0];
        let zhang = ids[N - 1];

        // 人员查询: the region's persons by ?page=, the search by POST (paged by buttons that
        // carry the words of a name search, never an identity number).
        let p1 = s.get(&app, "/staff/persons").await;
        assert!(p1.html.contains("第 1 页 / 共 2 页"), "{}", p1.html);
        assert_eq!(
            p1.html.matches("<tr><td><a href=\"/staff/persons/").count(),
            50
        );
        let p2 = s.get(&app, &next_link(&p1.html)).await;
        assert!(p2.html.contains("第 2 页 / 共 2 页"), "{}", p2.html);
        assert_eq!(
            p2.html.matches("<tr><td><a href=\"/staff/persons/").count(),
            3
        );
        for id in &ids {
            let link = format!("/staff/persons/{id}\"");
            assert!(p1.html.contains(&link) != p2.html.contains(&link), "{id}");
        }
        let w1 = s.post(&app, "/staff/persons", &[("q", "王建国")]).await;
        assert_eq!(w1.status, StatusCode::OK, "{}", w1.html);
        assert!(w1.html.contains("共找到 52 人") && w1.html.contains("第 1 页 / 共 2 页"));
        assert!(
            w1.html.contains("id=\"persons-next\"") && !w1.html.contains("id=\"persons-prev\"")
        );
        assert_eq!(between(&w1.html, "name=\"page\" value=\"", "\""), "2");
        let w2 = s
            .post(&app, "/staff/persons", &[("q", "王建国"), ("page", "2")])
            .await;
        assert!(w2.html.contains("第 2 页 / 共 2 页"), "{}", w2.html);
        assert_eq!(
            w2.html.matches("<tr><td><a href=\"/staff/persons/").count(),
            2
        );
        assert!(w2.html.contains("id=\"persons-prev\""));
        let z = s.post(&app, "/staff/persons", &[("q", "张")]).await;
        assert!(
            z.html.contains("共找到 1 人") && z.html.contains(&format!("/staff/persons/{zhang}"))
        );
        let by_id = s
            .post(&app, "/staff/persons", &[("q", &id_number("140105", 700))])
            .await;
        assert!(by_id.html.contains("共找到 1 人"), "{}", by_id.html);
        assert!(
            !by_id.html.contains("name=\"page\""),
            "no pager form carries an ID number"
        );

        // 投诉调解: 52 complaints of 王建国 and one of 张小花, all 待受理.
        let mut tx = app.svc.db.begin().await.unwrap();
        for i in 0..N {
            let t = Utc::now() + Duration::minutes(i as i64);
            linghuo_storage::complaints::insert_complaint(
                &mut tx,
                &linghuo_storage::complaints::ComplaintRow {
                    id: Uuid::new_v4(),
                    person_id: who(i, wang, zhang),
                    county_code: "140105".into(),
                    category: "illegal_fee".into(),
                    description: format!("投诉{i:02}：收取押金"),
                    against_employer_id: None,
                    hire_id: None,
                    status: linghuo_storage::status::ComplaintStatus::Received,
                    acknowledge_due_at: t + Duration::days(5),
                    resolve_due_at: t + Duration::days(30),
                    acknowledged_at: None,
                    escalated_at: None,
                    escalation_level: 0,
                    assigned_to: None,
                    resolution: String::new(),
                    resolved_at: None,
                    created_at: t,
                    updated_at: t,
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let c1 = s.get(&app, "/staff/complaints?status=received").await;
        assert!(
            c1.html.contains("第 1 页 / 共 2 页") && c1.html.contains("共53件"),
            "{}",
            c1.html
        );
        assert_eq!(c1.html.matches(">办理</a>").count(), 50);
        let next = next_link(&c1.html);
        assert!(
            next.contains("status=received") && next.contains("page=2"),
            "{next}"
        );
        let c2 = s.get(&app, &next).await;
        assert!(c2.html.contains("第 2 页 / 共 2 页"), "{}", c2.html);
        assert!(
            c2.html.contains(&format!("/staff/persons/{wang}")),
            "the complainant links to the person"
        );
        let cz = s
            .get(
                &app,
                &format!("/staff/complaints?status=all&q={}", enc("张小花")),
            )
            .await;
        assert!(
            cz.html.contains("共1件") && cz.html.contains(&format!("/staff/persons/{zhang}")),
            "{}",
            cz.html
        );
        assert!(
            cz.html.contains("name=\"status\" value=\"all\""),
            "the search keeps the filter"
        );
        no_codes("/staff/complaints", &c1.html, &["illegal_fee", "received"]);

        // 好差评: 53 ratings, searched by their words.
        let mut tx = app.svc.db.begin().await.unwrap();
        for i in 0..N {
            linghuo_storage::services::guide::insert_rating(
                &mut tx,
                &linghuo_storage::services::guide::RatingRow {
                    item_kind: "application".into(),
                    item_id: Uuid::new_v4(),
                    person_id: who(i, wang, zhang),
                    county_code: "140105".into(),
                    score: (i % 5) as i64 + 1,
                    word: format!("评价{i:02}号"),
                    created_at: at(i),
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let names: Vec<String> = (0..N).map(|i| format!("评价{i:02}号")).collect();
        let (r1, _) = two_pages(&mut s, &app, "/staff/ratings", N, &names, "page=2").await;
        assert!(r1.html.contains("评价52号"), "newest first");
        assert!(r1.html.contains("共 53 条，平均 2.9 星"), "{}", r1.html);
        narrows(&mut s, &app, "/staff/ratings", "评价07号", 1).await;
        no_codes("/staff/ratings", &r1.html, &["application"]);

        // 档案管理: 52 archives of 王建国 transferred out, one of 张小花 in store.
        let mut tx = app.svc.db.begin().await.unwrap();
        for i in 0..N {
            linghuo_storage::services::insert_archive(
                &mut tx,
                &linghuo_storage::services::ArchiveRow {
                    id: Uuid::new_v4(),
                    person_id: who(i, wang, zhang),
                    archive_no: format!("1401052026{i:04}"),
                    county_code: "140105".into(),
                    status: if i == N - 1 {
                        "in_store"
                    } else {
                        "transferred_out"
                    }
                    .into(),
                    location: "A柜".into(),
                    received_on: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
                    received_from: String::new(),
                    borrower: None,
                    due_on: None,
                    created_at: at(i),
                    updated_at: at(i),
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let names: Vec<String> = (0..N).map(|i| format!(">1401052026{i:04}<")).collect();
        two_pages(&mut s, &app, "/staff/archives", N, &names, "page=2").await;
        let one = s.get(&app, "/staff/archives?no=14010520260052").await;
        assert!(
            one.html.contains("（共 1 条）")
                && one.html.contains(&format!("/staff/persons/{zhang}")),
            "{}",
            one.html
        );

        // 租金减免与道路占用费审核: 53 pending applications.
        let mut tx = app.svc.db.begin().await.unwrap();
        for i in 0..N {
            linghuo_storage::services::insert_relief(
                &mut tx,
                &linghuo_storage::services::ReliefRow {
                    id: Uuid::new_v4(),
                    person_id: who(i, wang, zhang),
                    employer_id: None,
                    county_code: "140105".into(),
                    kind: "rent_relief".into(),
                    individual_household: true,
                    declared: true,
                    location: format!("坞城路{i:02}号"),
                    period_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                    period_to: NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
                    monthly_fen: 80000,
                    evidence: String::new(),
                    status: "pending".into(),
                    clause: "三(六)".into(),
                    determination: "{}".into(),
                    decision_reason: String::new(),
                    decided_by: None,
                    decided_at: None,
                    created_at: at(i),
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let names: Vec<String> = (0..N).map(|i| format!("坞城路{i:02}号")).collect();
        let (f1, _) = two_pages(&mut s, &app, "/staff/relief", N, &names, "page=2").await;
        assert!(
            f1.html.contains(&format!("/staff/persons/{wang}")),
            "the applicant links to the person"
        );
        let fz = narrows(&mut s, &app, "/staff/relief", "张小花", 1).await;
        assert!(fz.html.contains(&format!("/staff/persons/{zhang}")));
        no_codes("/staff/relief", &f1.html, &["rent_relief", "pending"]);
        app
    })
    .await;
}

#[tokio::test]
async fn market_lists_are_paged_and_searched() {
    each_app(|app| async move {
        let (mut emp_api, mut staff_api, _) = app
            .employer_verified("listsemp", "91110000600037341L")
            .await;
        let mut s = Browser::of(&staff_api);
        // One post per hire (a person applies to a post once).
        let mut posts = Vec::new();
        for i in 0..N {
            let r = emp_api
                .post(
                    &app,
                    "/api/v1/posts",
                    json!({
                        "title": format!("保洁岗位{i:02}"), "description": "每周六上午打扫卫生。",
                        "occupation": "保洁员", "form": "part_time", "county_code": "140105",
                        "address": "小店区坞城路", "starts_on": app.day(3), "ends_on": "",
                        "schedule": "周六 09:00-12:00", "hours_per_week": 3, "pay": "30元/小时",
                        "headcount": 3, "accident_cover": true
                    }),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            let post_id: Uuid = r.json()["id"].as_str().unwrap().parse().unwrap();
            posts.push(post_id);
        }
        let employer_id = linghuo_storage::market::post(&app.svc.db, posts[0])
            .await
            .unwrap()
            .unwrap()
            .employer_id;
        let wang: Uuid = app
            .person(&mut staff_api, 801, json!([]))
            .await
            .parse()
            .unwrap();
        let zhang: Uuid = app
            .person(&mut staff_api, 802, json!([]))
            .named("张小花")
            .await
            .parse()
            .unwrap();

        // 用工登记 and 欠薪预警: 53 hires (52 of 王建国), each with a pay overdue.
        let today = Utc::now().date_naive();
        let mut tx = app.svc.db.begin().await.unwrap();
        for (i, &post_id) in posts.iter().enumerate() {
            let person = who(i, wang, zhang);
            let aid = Uuid::new_v4();
            linghuo_storage::market::insert_application(
                &mut tx,
                &linghuo_storage::market::ApplicationRow {
                    id: aid,
                    post_id,
                    person_id: person,
                    direction: "apply".into(),
                    status: "hired".into(),
                    message: String::new(),
                    created_at: at(i),
                    updated_at: at(i),
                    decline_reason: String::new(),
                },
            )
            .await
            .unwrap();
            let hid = Uuid::new_v4();
            linghuo_storage::market::insert_hire(
                &mut tx,
                &linghuo_storage::market::HireRow {
                    id: hid,
                    application_id: aid,
                    post_id,
                    employer_id,
                    person_id: person,
                    county_code: "140105".into(),
                    form: "part_time".into(),
                    start_date: today - Duration::days(40 + i as i64),
                    status: linghuo_storage::status::HireStatus::Active,
                    created_at: at(i),
                    completed_at: None,
                },
            )
            .await
            .unwrap();
            linghuo_storage::market::insert_pay(
                &mut tx,
                &linghuo_storage::market::PayRow {
                    id: Uuid::new_v4(),
                    hire_id: hid,
                    period: format!("第{i:02}期"),
                    amount_fen: 9000,
                    due_on: today - Duration::days(1 + i as i64),
                    employer_confirmed_at: None,
                    worker_confirmed_at: None,
                    created_at: at(i),
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let reg = "/staff/market/registrations";
        let p1 = s.get(&app, reg).await;
        assert!(
            p1.html.contains("第 1 页 / 共 2 页") && p1.html.contains("（共 53 条）"),
            "{}",
            p1.html
        );
        assert_eq!(p1.html.matches("<td><a href=\"/staff/persons/").count(), 50);
        let p2 = s.get(&app, &next_link(&p1.html)).await;
        assert!(p2.html.contains("第 2 页 / 共 2 页"));
        assert_eq!(p2.html.matches("<td><a href=\"/staff/persons/").count(), 3);
        assert!(
            p1.html.contains(&format!("/staff/persons/{zhang}")),
            "newest first: 张小花's is the last made"
        );
        assert!(!p2.html.contains(&format!("/staff/persons/{zhang}")));
        let z = narrows(&mut s, &app, reg, "张小花", 1).await;
        assert!(z.html.contains(&format!("/staff/persons/{zhang}")));
        narrows(&mut s, &app, reg, "保洁岗位07", 1).await;
        narrows(&mut s, &app, reg, "保洁岗位", N).await;
        no_codes(reg, &p1.html, &["part_time", "market_hire"]);

        let names: Vec<String> = (0..N).map(|i| format!("第{i:02}期")).collect();
        let (o1, _) = two_pages(&mut s, &app, "/staff/market/overdue", N, &names, "page=2").await;
        assert!(o1.html.contains("第52期"), "the longest overdue first");
        assert!(o1.html.contains(&format!("/staff/persons/{wang}")));
        narrows(&mut s, &app, "/staff/market/overdue", "张小花", 1).await;

        // 用人单位核验: 53 employers waiting.
        let mut tx = app.svc.db.begin().await.unwrap();
        for i in 0..N {
            linghuo_storage::market::insert_employer(
                &mut tx,
                &linghuo_storage::market::EmployerRow {
                    id: Uuid::new_v4(),
                    kind: "enterprise".into(),
                    name: format!("太原测试{i:02}商贸有限公司"),
                    uscc: None,
                    holder_person_id: None,
                    contact_name: "李经理".into(),
                    contact_phone_cipher: None,
                    county_code: "140105".into(),
                    address: "小店区".into(),
                    licence_no: None,
                    verified: false,
                    verified_by: None,
                    verified_at: None,
                    created_at: at(i),
                    updated_at: at(i),
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let names: Vec<String> = (0..N).map(|i| format!("太原测试{i:02}商贸")).collect();
        let (e1, _) = two_pages(&mut s, &app, "/staff/market/employers", N, &names, "page=2").await;
        narrows(&mut s, &app, "/staff/market/employers", "测试07", 1).await;
        no_codes("/staff/market/employers", &e1.html, &["enterprise"]);
        app
    })
    .await;
}

#[tokio::test]
async fn service_lists_are_paged_and_searched() {
    each_app(|app| async move {
        let staff = app.staff_in("lists_s", "140105").await;
        let mut s = Browser::of(&staff);
        let user = linghuo_storage::users::by_username(&app.svc.db, "lists_s")
            .await
            .unwrap()
            .unwrap()
            .id;
        let mut tx = app.svc.db.begin().await.unwrap();
        for i in 0..N {
            let t = at(i);
            linghuo_storage::benefits::insert_batch(
                &mut tx,
                &linghuo_storage::benefits::BatchRow {
                    id: Uuid::new_v4(),
                    number: format!("TB2026X{i:02}"),
                    county_code: "140105".into(),
                    line_count: 1,
                    total_fen: 100,
                    content_sha256: String::new(),
                    mac: String::new(),
                    status: "exported".into(),
                    created_by: None,
                    created_at: t,
                    result_imported_at: None,
                },
                b"x",
            )
            .await
            .unwrap();
            linghuo_storage::services::insert_event(
                &mut tx,
                &linghuo_storage::services::EventRow {
                    id: Uuid::new_v4(),
                    title: format!("春风招聘会{i:02}场"),
                    kind: "onsite".into(),
                    county_code: "140105".into(),
                    venue: "小店区人力资源市场".into(),
                    starts_at: t + Duration::days(90),
                    ends_at: t + Duration::days(90) + Duration::hours(3),
                    description: String::new(),
                    target_groups: "[]".into(),
                    status: "draft".into(),
                    created_by: Some(user),
                    created_at: t,
                    updated_at: t,
                },
            )
            .await
            .unwrap();
            linghuo_storage::services::insert_venue(
                &mut tx,
                &linghuo_storage::services::VenueRow {
                    id: Uuid::new_v4(),
                    name: format!("便民市场{i:02}区"),
                    address: "小店区亲贤街".into(),
                    county_code: "140105".into(),
                    places: 10,
                    allocated: 0,
                    is_open: true,
                    description: String::new(),
                    created_by: Some(user),
                    created_at: t,
                    updated_at: t,
                },
            )
            .await
            .unwrap();
            let start = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap() + Duration::days(i as i64);
            linghuo_storage::benefits::insert_course(
                &mut tx,
                &linghuo_storage::benefits::CourseRow {
                    id: Uuid::new_v4(),
                    county_code: "140105".into(),
                    title: format!("育婴员{i:02}期"),
                    provider: "太原职业培训学校".into(),
                    occupation: "育婴员".into(),
                    kind: "skills".into(),
                    hours: 40,
                    days: 5,
                    starts_on: start,
                    ends_on: start + Duration::days(4),
                    capacity: 30,
                    enrolled: 0,
                    subsidy_fen: 100000,
                    daily_allowance_fen: 0,
                    status: "open".into(),
                    mode: "offline".into(),
                    venue: String::new(),
                    platform: String::new(),
                    link: String::new(),
                    created_by: Some(user),
                    created_at: t,
                },
            )
            .await
            .unwrap();
            linghuo_storage::complaints::insert_question(
                &mut tx,
                &linghuo_storage::complaints::QuestionRow {
                    id: Uuid::new_v4(),
                    user_id: user,
                    person_id: None,
                    employer_id: None,
                    region_code: "140105".into(),
                    question: format!("咨询{i:02}：灵活就业怎样参保？"),
                    status: "open".into(),
                    answer: String::new(),
                    clause_id: String::new(),
                    answered_by: None,
                    answered_at: None,
                    created_at: t,
                },
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();

        let names: Vec<String> = (0..N).map(|i| format!(">TB2026X{i:02}<")).collect();
        let (b1, b2) = two_pages(&mut s, &app, "/staff/payments", N, &names, "page=2").await;
        assert!(b1.html.contains(">TB2026X52<"), "newest first");
        let x = narrows(&mut s, &app, "/staff/payments", "X07", 1).await;
        // "下载此表" gives the table as shown: the same search (and page).
        let csv = between(&x.html, "<p class=\"downloads\">", "</p>");
        let href = between(csv, "· <a href=\"", "\"")
            .replace("&amp;", "&")
            .replace("&#38;", "&");
        let (status, bytes) = s.download(&app, &href).await;
        let body = String::from_utf8_lossy(&bytes);
        assert_eq!(status, StatusCode::OK, "{href}: {body}");
        assert!(
            body.contains("TB2026X07") && !body.contains("TB2026X08"),
            "{href}: {body}"
        );
        let csv = between(&b2.html, "<p class=\"downloads\">", "</p>");
        let href = between(csv, "· <a href=\"", "\"")
            .replace("&amp;", "&")
            .replace("&#38;", "&");
        let (_, bytes) = s.download(&app, &href).await;
        let body = String::from_utf8_lossy(&bytes);
        assert!(
            body.contains("TB2026X00") && !body.contains("TB2026X52"),
            "{href}: {body}"
        );
        no_codes("/staff/payments", &b1.html, &["exported"]);

        let names: Vec<String> = (0..N).map(|i| format!("春风招聘会{i:02}场")).collect();
        let (v1, _) = two_pages(&mut s, &app, "/staff/events", N, &names, "page=2").await;
        narrows(&mut s, &app, "/staff/events", "招聘会07", 1).await;
        no_codes("/staff/events", &v1.html, &["onsite", "draft"]);

        let names: Vec<String> = (0..N).map(|i| format!("便民市场{i:02}区")).collect();
        two_pages(&mut s, &app, "/staff/venues", N, &names, "page=2").await;
        narrows(&mut s, &app, "/staff/venues", "市场07", 1).await;
        narrows(&mut s, &app, "/staff/venues", "亲贤街", N).await;

        let names: Vec<String> = (0..N).map(|i| format!("育婴员{i:02}期")).collect();
        let (t1, _) = two_pages(&mut s, &app, "/staff/training", N, &names, "page=2").await;
        narrows(&mut s, &app, "/staff/training", "育婴员07", 1).await;
        no_codes("/staff/training", &t1.html, &["skills"]);

        let names: Vec<String> = (0..N).map(|i| format!("咨询{i:02}：")).collect();
        let (q1, _) = two_pages(&mut s, &app, "/staff/consult", N, &names, "page=2").await;
        assert!(q1.html.contains("待答复53条"), "{}", q1.html);
        narrows(&mut s, &app, "/staff/consult", "咨询07", 1).await;
        app
    })
    .await;
}
