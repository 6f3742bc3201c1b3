//! Publicity (五(十四)) and 违规收费 reports (三(五)) through the API and the pages, on both
//! databases: an article is public only after a second staff member approves it (its author
//! cannot), is linked from the clauses it illustrates and can be withdrawn; an anonymous fee
//! report is routed by the kind of charging department, gets the complaints' time limits,
//! is handled by the county and looked up by its tracking code; bad input names the field
//! and writes nothing.

use crate::common::*;
use crate::forms::{Browser, between};
use axum::http::StatusCode;
use chrono::Duration;
use serde_json::{Value, json};

fn case(title: &str) -> Value {
    json!({
        "kind": "case",
        "title": title,
        "body": "离校不满两年的小王在夜市经营烧烤小吃，办理个体工商户登记后带动两人就业。\n经营满6个月先行申领了一次性创业补贴的50%。\n<script>alert(1)</script>",
        "clauses": ["二(一)", "三（四）"],
    })
}

#[tokio::test]
async fn an_article_goes_public_only_after_a_second_staff_member_approves_it() {
    each_app(|app| async move {
        let mut author = app.staff_in("news.author", "140105").await;
        let mut reviewer = app.staff_in("news.reviewer", "140105").await;
        let mut elsewhere = app.staff_in("news.other", "140106").await;
        let mut public = Client::default();
        public.start(&app).await;

        let r = author
            .post(&app, "/api/v1/articles", case("夜市摊主领到一次性创业补贴"))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let a = r.json();
        let id = a["id"].as_str().unwrap().to_owned();
        assert_eq!(a["review"]["status"], "pending");
        assert_eq!(
            a["review"]["may_review"], false,
            "the author may not review"
        );
        let mut clauses: Vec<&str> = a["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        clauses.sort();
        assert_eq!(
            clauses,
            vec!["三(四)", "二(一)"],
            "full-width brackets read as the clause"
        );

        // Not public while pending.
        assert_eq!(public.get(&app, "/api/v1/articles").await.json(), json!([]));
        assert_eq!(
            public
                .get(&app, &format!("/api/v1/articles/{id}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let mut visitor = Browser::new();
        assert_eq!(
            visitor.get(&app, &format!("/news/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(!visitor.get(&app, "/news").await.html.contains("夜市摊主"));
        assert!(!visitor.get(&app, "/").await.html.contains("夜市摊主"));

        // The author cannot approve their own article; staff of another county cannot see it.
        let own = author
            .post(&app, &format!("/api/v1/articles/{id}/approve"), json!({}))
            .await;
        assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.body);
        assert_eq!(own.json()["error"]["code"], "own_article");
        let far = elsewhere
            .post(&app, &format!("/api/v1/articles/{id}/approve"), json!({}))
            .await;
        assert_eq!(far.status, StatusCode::NOT_FOUND, "{}", far.body);
        assert_eq!(
            author
                .get(&app, &format!("/api/v1/articles/{id}"))
                .await
                .json()["review"]["status"],
            "pending"
        );

        // Returned with a reason, changed by the author, approved by the second person.
        let r = reviewer
            .post(
                &app,
                &format!("/api/v1/articles/{id}/return"),
                json!({"reason": "请补充补贴发放的时间"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["review"]["status"], "returned");
        assert_eq!(r.json()["review"]["return_reason"], "请补充补贴发放的时间");
        let mut changed = case("夜市摊主领到一次性创业补贴3000元");
        changed["clauses"] = json!(["二(一)"]);
        let r = author
            .send(
                &app,
                axum::http::Method::PUT,
                &format!("/api/v1/articles/{id}"),
                Some(changed),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["review"]["status"], "pending");
        assert!(
            public
                .get(&app, "/api/v1/articles")
                .await
                .json()
                .as_array()
                .unwrap()
                .is_empty()
        );
        let r = reviewer
            .post(&app, &format!("/api/v1/articles/{id}/approve"), json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["review"]["status"], "published");
        assert_eq!(r.json()["review"]["reviewer_name"], "测试news.reviewer");

        // Staff of another county read it as the public does, without the review.
        let seen = elsewhere.get(&app, &format!("/api/v1/articles/{id}")).await;
        assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
        assert!(seen.json().get("review").is_none());

        // Public now: the list, the clause filter, the article page (escaped), the home page.
        let list = public.get(&app, "/api/v1/articles").await.json();
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert!(
            list[0].get("review").is_none(),
            "no review state for the public: {list}"
        );
        let by_clause = public
            .get(&app, "/api/v1/articles?clause=%E4%BA%8C(%E4%B8%80)")
            .await
            .json();
        assert_eq!(by_clause.as_array().unwrap().len(), 1, "{by_clause}");
        let other_clause = public
            .get(&app, "/api/v1/articles?clause=%E4%BA%8C(%E4%BA%8C)")
            .await
            .json();
        assert_eq!(other_clause, json!([]));
        let page = visitor.get(&app, &format!("/news/{id}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.html.contains("夜市摊主领到一次性创业补贴3000元"));
        assert!(
            page.html
                .contains("&#60;script&#62;alert(1)&#60;/script&#62;")
                || page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "escaped"
        );
        assert!(!page.html.contains("<script>alert"));
        assert!(
            page.html
                .contains("<p>经营满6个月先行申领了一次性创业补贴的50%。</p>"),
            "a paragraph per line"
        );
        assert!(
            page.html.contains("太原市小店区人社部门"),
            "the source is the office"
        );
        assert!(
            !page.html.contains("news.author"),
            "no staff name in public"
        );
        assert!(
            visitor
                .get(&app, "/news?kind=case")
                .await
                .html
                .contains("夜市摊主领到")
        );
        assert!(
            !visitor
                .get(&app, "/news?kind=news")
                .await
                .html
                .contains("夜市摊主领到")
        );
        assert!(
            visitor
                .get(&app, "/")
                .await
                .html
                .contains(&format!("/news/{id}"))
        );

        // Linked from the clause it illustrates, and only that one.
        let text = visitor.get(&app, "/policy/text").await.html;
        let one = between(&text, "id=\"clause-二(一)\"", "</section>");
        assert!(one.contains("相关案例（1篇）"), "{one}");
        assert!(
            one.contains("/news?clause=%E4%BA%8C%28%E4%B8%80%29"),
            "{one}"
        );
        let two = between(&text, "id=\"clause-二(二)\"", "</section>");
        assert!(!two.contains("相关案例"), "{two}");
        let filtered = visitor
            .get(&app, "/news?clause=%E4%BA%8C%28%E4%B8%80%29")
            .await;
        assert!(
            filtered.html.contains("夜市摊主领到") && filtered.html.contains("鼓励个体经营发展")
        );
        // The FAQ answers citing 二(一) link to it too; those citing other clauses do not.
        let consult = visitor.get(&app, "/consult").await.html;
        assert!(
            consult.contains("相关案例"),
            "the FAQ links its citations to the cases"
        );
        assert_eq!(
            consult.matches("class=\"cases-link\"").count(),
            3,
            "the three 二(一) answers"
        );

        // Withdrawn: gone from public view, kept for staff.
        let r = reviewer
            .post(
                &app,
                &format!("/api/v1/articles/{id}/withdraw"),
                json!({"reason": "金额有误，待核实"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(public.get(&app, "/api/v1/articles").await.json(), json!([]));
        assert_eq!(
            visitor.get(&app, &format!("/news/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert!(
            !visitor
                .get(&app, "/policy/text")
                .await
                .html
                .contains("相关案例")
        );
        assert_eq!(
            author
                .get(&app, &format!("/api/v1/articles/{id}"))
                .await
                .json()["review"]["status"],
            "withdrawn"
        );

        for e in [
            "article_submitted",
            "article_returned",
            "article_edited",
            "article_approved",
            "article_withdrawn",
        ] {
            assert_eq!(app.audit_count(e).await, 1, "{e}");
        }
        assert!(
            app.audit_count("access_denied").await >= 1,
            "the other county's attempt"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn staff_write_and_review_articles_on_the_pages() {
    each_app(|app| async move {
        let author = app.staff_in("newsp.author", "140105").await;
        let reviewer = app.staff_in("newsp.reviewer", "140100").await;
        let mut a = Browser::of(&author);
        let form = a.get(&app, "/staff/news/new").await;
        assert_eq!(form.status, StatusCode::OK);
        // A case without a clause is refused beside the field, with what was typed kept.
        let bad = a
            .post(
                &app,
                "/staff/news/new",
                &[
                    ("kind", "case"),
                    ("title", "骑手领到社保补贴"),
                    ("region_code", "140105"),
                    (
                        "body",
                        "就业困难人员李师傅跑外卖，按月缴纳社会保险费，领到三分之二的社保补贴。",
                    ),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.html.contains("典型案例请至少选择一条"), "{}", bad.html);
        assert!(bad.html.contains("骑手领到社保补贴"));
        let (to, page) = a
            .submit(
                &app,
                "/staff/news/new",
                &[
                    ("kind", "case"),
                    ("title", "骑手领到社保补贴"),
                    ("region_code", "140105"),
                    (
                        "body",
                        "就业困难人员李师傅跑外卖，按月缴纳社会保险费，领到三分之二的社保补贴。",
                    ),
                    ("clauses", "二(二)"),
                    ("clauses", "二(三)"),
                ],
            )
            .await;
        assert!(
            page.html.contains("等待另一位工作人员审核"),
            "{}",
            page.html
        );
        assert!(
            !page.html.contains("/approve"),
            "no approval form for the author"
        );
        let id = to
            .trim_start_matches("/staff/news/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        // The author's approval is refused on the page too.
        let own = a
            .post(&app, &format!("/staff/news/{id}/approve"), &[])
            .await;
        assert_eq!(own.status, StatusCode::FORBIDDEN);
        assert!(own.html.contains("不能审核自己撰写的稿件"));

        // The city reviewer sees it in the queue and approves it.
        let mut r = Browser::of(&reviewer);
        let queue = r.get(&app, "/staff/news?status=pending").await;
        assert!(queue.html.contains("骑手领到社保补贴"), "{}", queue.html);
        let detail = r.get(&app, &format!("/staff/news/{id}")).await;
        assert!(detail.html.contains(&format!("/staff/news/{id}/approve")));
        let empty_reason = r
            .post(&app, &format!("/staff/news/{id}/return"), &[("reason", "")])
            .await;
        assert_eq!(empty_reason.status, StatusCode::BAD_REQUEST);
        assert!(empty_reason.html.contains("请填写原因"));
        let (_, done) = r
            .submit(&app, &format!("/staff/news/{id}/approve"), &[])
            .await;
        assert!(done.html.contains("已审核通过"), "{}", done.html);
        let mut visitor = Browser::new();
        let list = visitor.get(&app, "/news").await;
        assert!(list.html.contains("骑手领到社保补贴"));
        app
    })
    .await;
}

#[tokio::test]
async fn bad_articles_name_the_field_and_write_nothing() {
    each_app(|app| async move {
        let mut s = app.staff_in("newsbad.staff", "140105").await;
        let ok = case("夜市摊主领到一次性创业补贴");
        let cases: Vec<(&str, Value, &str)> = vec![
            ("kind", json!("story"), "kind"),
            ("title", json!("补贴"), "title"),
            ("body", json!("太短"), "body"),
            (
                "body",
                json!("联系电话13912345678，欢迎来电咨询创业补贴申领事宜。"),
                "body",
            ),
            ("clauses", json!([]), "clauses"),
            ("clauses", json!(["九(九)"]), "clauses"),
            (
                "clauses",
                json!(["二(一)", "二(二)", "二(三)", "三(四)", "三(五)", "三(六)"]),
                "clauses",
            ),
            ("region_code", json!("140106"), "region_code"),
            ("region_code", json!("999999"), "region_code"),
        ];
        for (key, value, field) in cases {
            let mut body = ok.clone();
            body[key] = value.clone();
            let r = s.post(&app, "/api/v1/articles", body).await;
            assert_eq!(
                r.status,
                StatusCode::BAD_REQUEST,
                "{key}={value}: {}",
                r.body
            );
            assert_eq!(
                r.json()["error"]["field"],
                field,
                "{key}={value}: {}",
                r.body
            );
        }
        let r = s.get(&app, "/api/v1/articles?kind=story").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.json()["error"]["field"], "kind");
        let r = s
            .get(&app, "/api/v1/articles?clause=%E4%B9%9D(%E4%B9%9D)")
            .await;
        assert_eq!(r.json()["error"]["field"], "clause");
        // A worker may not write one.
        let mut w = app.worker("newsbad.worker", 71).await;
        assert_eq!(
            w.post(&app, "/api/v1/articles", ok).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(app.count("SELECT COUNT(*) FROM articles").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM article_clauses").await, 0);
        app
    })
    .await;
}

fn report_form<'a>(amount: &'a str, day: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("fee_name", "占道费"),
        ("amount", amount),
        ("charged_on", day),
        ("charged_by_kind", "urban_management"),
        ("charged_by_name", "某街道城管中队"),
        ("payer_kind", "individual_business"),
        ("county_code", "140105"),
        ("place", "某夜市东口"),
        (
            "description",
            "在划定的夜市摊区出摊，被按每晚50元收取占道费，没有收据。",
        ),
        ("contact_phone", "13912345678"),
    ]
}

#[tokio::test]
async fn an_anonymous_fee_report_is_routed_timed_handled_and_tracked_by_code() {
    each_app(|app| async move {
        let province = app.staff_in("fees.province", "140000").await;
        let mut county = app.staff_in("fees.county", "140105").await;
        let mut other = app.staff_in("fees.other", "140106").await;

        // Province staff give 小店区 its own department for city-management fees.
        let mut p = Browser::of(&province);
        p.get(&app, "/staff/fee-reports/departments").await;
        let (_, page) = p
            .submit(&app, "/staff/fee-reports/departments", &[("kind", "urban_management"), ("region_code", "140105"),
                ("name", "太原市小店区城市管理局"), ("phone", "0351-7654321")])
            .await;
        assert!(page.html.contains("太原市小店区城市管理局"));
        assert_eq!(app.audit_count("fee_department_saved").await, 1);
        // County staff may read the list, not change it.
        let r = county.post(&app, "/api/v1/fee-departments", json!({"kind": "tax", "region_code": "140105", "name": "某税务所"})).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

        // Anyone, without logging in, reports the fee.
        let mut visitor = Browser::new();
        let form = visitor.get(&app, "/fees/report").await;
        assert_eq!(form.status, StatusCode::OK);
        let day = app.day(-3);
        let receipt = visitor.post(&app, "/fees/report", &report_form("50", &day)).await;
        assert_eq!(receipt.status, StatusCode::CREATED, "{}", receipt.html);
        assert!(receipt.location.is_none(), "the code is never in a redirect");
        let code = between(&receipt.html, "id=\"tracking-code\">", "<").to_owned();
        assert_eq!(code.len(), 19, "{code}");
        assert!(receipt.html.contains("太原市小店区城市管理局"), "routed to the county's own entry");

        // A tax fee in another county of 太原 goes to the province's default for tax.
        let mut anon = Client::default();
        anon.start(&app).await;
        let r = anon
            .post(&app, "/api/v1/fee-reports", json!({"county_code": "140106", "charged_by_kind": "tax", "payer_kind": "individual_business",
                "fee_name": "定额管理费", "amount": "120.50", "charged_on": day, "description": "税务所向个体户收取定额管理费，说是惯例。"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        assert_eq!(r.json()["department_name"], "国家税务总局县（市、区）税务局");

        // The county sees its report (phone masked), overdue once the acknowledgement time passes.
        let list = county.get(&app, "/api/v1/fee-reports").await.json();
        assert_eq!(list.as_array().unwrap().len(), 1, "only the county's own: {list}");
        let id = list[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(list[0]["contact_phone"], "139****5678");
        assert_eq!(list[0]["amount"], "50.00");
        assert_eq!(list[0]["overdue"], false);
        let filed = chrono::DateTime::parse_from_rfc3339(list[0]["created_at"].as_str().unwrap()).unwrap();
        let ack = chrono::DateTime::parse_from_rfc3339(list[0]["acknowledge_due_at"].as_str().unwrap()).unwrap();
        let due = chrono::DateTime::parse_from_rfc3339(list[0]["resolve_due_at"].as_str().unwrap()).unwrap();
        let cfg = &app.svc.config.complaints;
        assert_eq!(ack - filed, Duration::hours(cfg.acknowledge_hours), "the complaints' limits");
        assert_eq!(due - filed, Duration::days(cfg.resolve_days));
        assert_eq!(other.get(&app, &format!("/api/v1/fee-reports/{id}")).await.status, StatusCode::NOT_FOUND);
        app.clock.advance(Duration::hours(cfg.acknowledge_hours + 1));
        // A day later the sessions have ended: a colleague of the county signs in.
        let mut county = app.staff_in("fees.county2", "140105").await;
        let mut anon = Client::default();
        anon.start(&app).await;
        let overdue = county.get(&app, "/api/v1/fee-reports?status=overdue").await.json();
        assert_eq!(overdue.as_array().unwrap().len(), 1, "{overdue}");

        // Accept, forward, resolve on the pages.
        let mut c = Browser::of(&county);
        let detail = c.get(&app, &format!("/staff/fee-reports/{id}")).await;
        assert!(detail.html.contains("139****5678"));
        assert!(detail.html.contains("已逾期"));
        c.submit(&app, &format!("/staff/fee-reports/{id}/accept"), &[]).await;
        let again = c.post(&app, &format!("/staff/fee-reports/{id}/accept"), &[]).await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        let (_, fwd) = c
            .submit(&app, &format!("/staff/fee-reports/{id}/forward"), &[("department_kind", ""), ("note", "已电话联系城管局")])
            .await;
        assert!(fwd.html.contains("已转交太原市小店区城市管理局依法查处"), "{}", fwd.html);
        let bad = c.post(&app, &format!("/staff/fee-reports/{id}/resolve"), &[("outcome", "refunded?"), ("note", "已退还")]).await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.html.contains("请选择办理结果"));
        c.submit(&app, &format!("/staff/fee-reports/{id}/resolve"), &[("outcome", "corrected"), ("note", "经核查属违规收费，已责令停止收取并退还50元。")])
            .await;

        // The reporter looks it up by the code, in a form; the internal note stays internal.
        let mut reporter = Browser::new();
        reporter.get(&app, "/fees/track").await;
        let wrong = reporter.post(&app, "/fees/track", &[("code", "2222-3333-4444-5555")]).await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
        assert!(wrong.html.contains("没有找到这个查询码"));
        let short = reporter.post(&app, "/fees/track", &[("code", "123")]).await;
        assert!(short.html.contains("查询码是16位"));
        let lower = code.to_lowercase().replace('-', " ");
        let found = reporter.post(&app, "/fees/track", &[("code", &lower)]).await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.html);
        assert!(found.html.contains("已办结"));
        assert!(found.html.contains("违规收费已纠正、款项已退还"));
        assert!(found.html.contains("已责令停止收取并退还50元"));
        assert!(!found.html.contains("已电话联系城管局"), "internal note hidden");
        assert!(!found.html.contains("139****5678"), "no contact shown by code");
        let by_api = anon.post(&app, "/api/v1/fee-reports/track", json!({"code": code})).await.json();
        assert_eq!(by_api["status"], "resolved");
        assert!(by_api.get("id").is_none() && by_api.get("contact_phone").is_none(), "{by_api}");

        // Statistics by kind and outcome, for the region only.
        let stats = county.get(&app, "/api/v1/fee-reports/stats").await.json();
        let row = stats["rows"].as_array().unwrap().iter().find(|r| r["kind"] == "urban_management").unwrap();
        assert_eq!(row["total"], 1);
        assert_eq!(row["outcomes"]["corrected"], 1);
        assert_eq!(stats["total"]["total"], 1, "the 140106 report is not counted: {stats}");
        let city = app.staff_in("fees.city", "140100").await;
        let mut cb = Browser::of(&city);
        let q = cb.get(&app, "/staff/fee-reports?status=all").await;
        assert!(q.html.contains("定额管理费") && q.html.contains("占道费"), "the city sees both counties");

        // Sealed at rest; the code kept only as a hash; every step audited.
        assert_eq!(app.count("SELECT COUNT(*) FROM fee_reports WHERE contact_phone_cipher IS NOT NULL").await, 1);
        assert_eq!(app.count("SELECT COUNT(*) FROM fee_reports").await, 2);
        for e in ["fee_report_filed", "fee_report_accepted", "fee_report_forwarded", "fee_report_resolved"] {
            assert!(app.audit_count(e).await >= 1, "{e}");
        }
        let filed = linghuo_storage::audit::recent(&app.svc.db, Some("fee_report_filed"), 10).await.unwrap();
        assert!(filed.iter().all(|r| r.actor_role == "anonymous"), "anonymous reporters");
        app
    })
    .await;
}

#[tokio::test]
async fn bad_fee_reports_name_the_field_and_write_nothing() {
    // One address tries many bad reports here: the per-address limit (tested in `limits`)
    // is widened so every attempt reaches the checks.
    let roomy = || {
        let mut c = linghuo_service::Config::default();
        c.limits.report_per_address = linghuo_service::config::RateRule::new(100, 100);
        c
    };
    each_app_with(roomy, |app| async move {
        let mut anon = Client::default();
        anon.start(&app).await;
        let day = app.day(-1);
        let ok = json!({"county_code": "140105", "charged_by_kind": "urban_management", "payer_kind": "individual_business",
            "fee_name": "占道费", "amount": "50.00", "charged_on": day, "description": "夜市出摊被收取占道费，没有收据。"});
        let tomorrow = app.day(1);
        let cases: Vec<(&str, Value, &str)> = vec![
            ("county_code", json!(""), "county_code"),
            ("county_code", json!("140100"), "county_code"),
            ("charged_by_kind", json!("police"), "charged_by_kind"),
            ("payer_kind", json!(""), "payer_kind"),
            ("fee_name", json!("费"), "fee_name"),
            ("amount", json!("五十"), "amount"),
            ("amount", json!("-5"), "amount"),
            ("amount", json!("2000000"), "amount"),
            ("charged_on", json!("2026/13/01"), "charged_on"),
            ("charged_on", json!(tomorrow), "charged_on"),
            ("description", json!("乱收费"), "description"),
            ("description", json!("收费人身份证号是11010519491231002X，请核查有关情况。"), "description"),
            ("contact_phone", json!("12345"), "contact_phone"),
        ];
        for (key, value, field) in cases {
            let mut body = ok.clone();
            body[key] = value.clone();
            let r = anon.post(&app, "/api/v1/fee-reports", body).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{key}={value}: {}", r.body);
            assert_eq!(r.json()["error"]["field"], field, "{key}={value}: {}", r.body);
        }
        assert_eq!(app.count("SELECT COUNT(*) FROM fee_reports").await, 0);
        assert_eq!(app.count("SELECT COUNT(*) FROM fee_report_events").await, 0);

        // On the page: the error beside the field, what was typed kept, a valid phone asked again.
        let mut b = Browser::new();
        b.get(&app, "/fees/report").await;
        let page = b.post(&app, "/fees/report", &report_form("五十元", &day)).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST);
        assert!(page.html.contains("id=\"amount-error\""), "{}", page.html);
        assert!(page.html.contains("value=\"某夜市东口\""));
        assert!(page.html.contains("为保护个人信息，请重新输入"));
        // Dates as people type them are read.
        let page = b.post(&app, "/fees/report", &crate::forms::with(&report_form("50", &day), &[("charged_on", "2026年1月5日")])).await;
        assert_eq!(page.status, StatusCode::CREATED, "{}", page.html);
        assert_eq!(app.count("SELECT COUNT(*) FROM fee_reports").await, 1);
        // Without the CSRF token nothing is taken.
        b.csrf = "wrong".into();
        let forged = b.post(&app, "/fees/report", &report_form("50", &day)).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN);
        assert_eq!(app.count("SELECT COUNT(*) FROM fee_reports").await, 1);
        app
    })
    .await;
}

/// A fee report overdue at the county escalates to the city's department, and overdue again
/// there to the province's, as complaints do (the complaints upkeep runs it): audited, told to
/// the staff of both levels and to the reporter, shown on the staff pages and in the download.
#[tokio::test]
async fn an_overdue_fee_report_escalates_to_the_city_then_the_province() {
    each_app(|app| async move {
        let mut province = app.staff_in("esc.province", "140000").await;
        for (region, name) in [("140105", "太原市小店区城市管理局"), ("140100", "太原市城市管理局")] {
            let r = province
                .post(&app, "/api/v1/fee-departments", json!({"kind": "urban_management", "region_code": region, "name": name}))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
        let day = app.day(-3);
        let mut visitor = Browser::new();
        visitor.get(&app, "/fees/report").await;
        let receipt = visitor.post(&app, "/fees/report", &report_form("50", &day)).await;
        assert_eq!(receipt.status, StatusCode::CREATED, "{}", receipt.html);
        let code = between(&receipt.html, "id=\"tracking-code\">", "<").to_owned();
        // A second report, resolved in time, never escalates.
        let mut anon = Client::default();
        anon.start(&app).await;
        let r = anon
            .post(&app, "/api/v1/fee-reports", json!({"county_code": "140105", "charged_by_kind": "tax", "payer_kind": "flexible_worker",
                "fee_name": "代开发票手续费", "amount": "30", "charged_on": day, "description": "代开发票时被加收手续费，没有依据。"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let mut county = app.staff_in("esc.county", "140105").await;
        let list = county.get(&app, "/api/v1/fee-reports").await.json();
        let id_of = |fee: &str| {
            list.as_array().unwrap().iter().find(|r| r["fee_name"] == fee).unwrap()["id"].as_str().unwrap().to_owned()
        };
        let (id, done) = (id_of("占道费"), id_of("代开发票手续费"));
        assert_eq!(county.post(&app, &format!("/api/v1/fee-reports/{done}/accept"), json!({})).await.status, StatusCode::OK);
        let r = county
            .post(&app, &format!("/api/v1/fee-reports/{done}/resolve"), json!({"outcome": "compliant", "note": "经核查属合规收费。"}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let one = county.get(&app, &format!("/api/v1/fee-reports/{id}")).await.json();
        assert_eq!(one["escalation_level"], 0);
        assert_eq!(one["department_name"], "太原市小店区城市管理局");
        assert_eq!(app.svc.complaints_upkeep().await.unwrap().fee_reports_escalated, 0, "not late yet");

        // Not accepted within the limit: up to the city, once however often the upkeep runs.
        let cfg = app.svc.config.complaints.clone();
        app.clock.advance(Duration::hours(cfg.acknowledge_hours + 1));
        let run = app.svc.complaints_upkeep().await.unwrap();
        assert_eq!(run.fee_reports_escalated, 1);
        assert_eq!(run.notices, 2, "the city's staff and the county's");
        assert_eq!(app.svc.complaints_upkeep().await.unwrap().fee_reports_escalated, 0);
        assert_eq!(app.audit_count("fee_report_escalated").await, 1);
        let a = linghuo_storage::audit::recent(&app.svc.db, Some("fee_report_escalated"), 5).await.unwrap();
        assert_eq!(a[0].actor_role, "system");
        assert!(a[0].detail.contains("\"to\":\"140100\"") && a[0].detail.contains("\"reason\":\"acknowledge\""), "{}", a[0].detail);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM notices WHERE kind = 'fee_report_escalated' AND region_code IN ('140100','140105')").await,
            2
        );

        let city = app.staff_in("esc.city", "140100").await;
        let mut cb = Browser::of(&city);
        let detail = cb.get(&app, &format!("/staff/fee-reports/{id}")).await;
        assert_eq!(detail.status, StatusCode::OK);
        let esc = between(&detail.html, "id=\"escalation\">", "</dd>");
        assert!(esc.contains("已提级，由市级督办") && esc.contains("山西省太原市人社部门"), "{esc}");
        assert!(detail.html.contains("已提级由山西省太原市人社部门督办，职能部门为太原市城市管理局"), "{}", detail.html);
        assert!(!detail.html.contains("已逾期"), "fresh limits at the city");
        let v = city.clone().get(&app, &format!("/api/v1/fee-reports/{id}")).await.json();
        assert_eq!(v["escalation_level"], 1);
        assert_eq!(v["department_name"], "太原市城市管理局");
        // The reporter sees it in the timeline.
        let mut reporter = Browser::new();
        reporter.get(&app, "/fees/track").await;
        let found = reporter.post(&app, "/fees/track", &[("code", &code)]).await;
        assert!(found.html.contains("已提级由山西省太原市人社部门督办"), "{}", found.html);

        // The city accepts and forwards: the city's department. Then, not resolved within the
        // city's limit, up to the province; nothing above it.
        cb.submit(&app, &format!("/staff/fee-reports/{id}/accept"), &[]).await;
        let (_, fwd) = cb.submit(&app, &format!("/staff/fee-reports/{id}/forward"), &[("department_kind", ""), ("note", "")]).await;
        assert!(fwd.html.contains("已转交太原市城市管理局依法查处"), "{}", fwd.html);
        app.clock.advance(Duration::days(cfg.resolve_days) + Duration::hours(1));
        assert_eq!(app.svc.complaints_upkeep().await.unwrap().fee_reports_escalated, 1);
        app.clock.advance(Duration::days(cfg.resolve_days) + Duration::hours(1));
        assert_eq!(app.svc.complaints_upkeep().await.unwrap().fee_reports_escalated, 0, "the province is the top");
        let a = linghuo_storage::audit::recent(&app.svc.db, Some("fee_report_escalated"), 5).await.unwrap();
        assert!(a[0].detail.contains("\"to\":\"140000\"") && a[0].detail.contains("\"reason\":\"resolve\""), "{}", a[0].detail);
        let mut province = app.staff_in("esc.province2", "140000").await;
        let v = province.get(&app, &format!("/api/v1/fee-reports/{id}")).await.json();
        assert_eq!(v["escalation_level"], 2);
        assert_eq!(v["escalation_label"], "已提级，由省级督办");
        assert_eq!(v["department_name"], "县（市、区）住房和城乡建设（城市管理）部门");
        let resolved = province.get(&app, &format!("/api/v1/fee-reports/{done}")).await.json();
        assert_eq!(resolved["escalation_level"], 0, "a resolved report stays where it was");

        // 下载此表: the queue as shown, with the level handling each report.
        let county = app.staff_in("esc.county2", "140105").await;
        let mut b = Browser::of(&county);
        let q = b.get(&app, "/staff/fee-reports?status=all").await;
        assert!(q.html.contains("<table id=\"fee-reports\""), "{}", q.html);
        let link = between(&q.html, "下载此表：<a href=\"", "\"").replace("&amp;", "&").replace("&#38;", "&");
        assert!(link.contains("table=fee-reports") && link.contains("format=xlsx"), "{link}");
        let (status, xlsx) = b.download(&app, &link).await;
        assert_eq!(status, StatusCode::OK);
        assert!(xlsx.starts_with(b"PK"), "an Excel file");
        let (status, csv) = b.download(&app, &link.replace("format=xlsx", "format=csv")).await;
        assert_eq!(status, StatusCode::OK);
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.contains("督办层级") && csv.contains("职能部门"), "{csv}");
        assert!(csv.contains("已提级，由省级督办") && csv.contains("占道费") && csv.contains("代开发票手续费"), "{csv}");
        assert!(csv.contains("50.00"), "{csv}");
        assert_eq!(linghuo_domain::find_unmasked_pii(&csv), None);
        assert!(app.audit_count("table_exported").await >= 2);
        app
    })
    .await;
}
