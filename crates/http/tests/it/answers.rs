//! Policy answers written for people (issue 16, items 1 and 2), through the real router on
//! SQLite and (with `TEST_DATABASE_URL`) PostgreSQL: the calculator's summary first, three
//! states in words, the loan as a credit line with the bank step, no internal key or English
//! in any sentence, no "怎样才能符合" under a benefit one can have, dates in the ways people
//! write them, the receipt behind 核验信息; on 办事大厅 the same states with the next step
//! that would change a "not yet", and an application offered only where something is payable.

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;

/// The visible text of some HTML: tags dropped, entities left as they are.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
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

/// Latin words in visible text (an internal key such as `person.in_difficulty`, a code such
/// as `platform_work_tools`, an English word); the text of the policy's own quotations and
/// the 核验信息 fold (hashes) are cut off before.
fn latin_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = text
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .filter(|w| w.chars().any(|c| c.is_ascii_alphabetic()))
        .map(str::to_owned)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// The results part of the calculator: from the summary to the 核验信息 fold.
fn results_part(html: &str) -> &str {
    let start = html.find("id=\"results-h\">").expect("results shown") + "id=\"results-h\">".len();
    let end = html[start..]
        .find("id=\"receipt\"")
        .map_or(html.len(), |i| start + i);
    &html[start..end]
}

/// The article of one benefit on a page.
fn card<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id}"));
    let end = html[start..]
        .find("</article>")
        .or_else(|| html[start..].find("</li>"))
        .map_or(html.len(), |i| start + i);
    &html[start..end]
}

/// Facts like the demo's: a person hard to employ running an individual household, with
/// premiums paid, asking for a startup loan, the dates typed the way people write them.
fn demo_like<'a>(as_of: &'a str, registered_on: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("as_of", as_of),
        ("group", "hard_to_employ"),
        ("flexible_work", "self_employed"),
        ("business_kind", "individual_household"),
        ("registered_on", registered_on),
        ("first_time", "1"),
        ("operating_normally", "1"),
        ("employees_driven", "2"),
        ("road_occupation_approved", "1"),
        ("loan_purpose", "startup"),
        ("si_from", "2021年1月"),
        ("si_months", "3"),
        ("si_amount", "600.00"),
        ("activity_kind", "convenience_labour"),
    ]
}

#[tokio::test]
async fn the_calculator_answers_in_plain_words_summary_first() {
    each_app(|app| async move {
        let mut b = Browser::new();
        b.get(&app, "/policy").await;
        let p = b
            .post(&app, "/policy", &demo_like("2021年7月15日", "2021.4.8"))
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.html);
        assert!(
            p.html.contains("测算结果（截至2021年7月15日）"),
            "{}",
            p.html
        );

        // The summary comes before the first benefit.
        let summary = p.html.find("id=\"policy-summary\"").expect("summary");
        assert!(summary < p.html.find("id=\"benefit-").unwrap());
        let s = between(&p.html, "id=\"policy-summary\"", "</div>");
        assert!(
            s.contains("您目前可以享受") && s.contains("项满足条件后可享受"),
            "{s}"
        );
        assert!(s.contains("合计约"), "{s}");

        // Three states, each in words and with its own class.
        for (class, words) in [("state-now", "可享受"), ("state-later", "满足条件后可享受")]
        {
            assert!(
                p.html
                    .contains(&format!("<span class=\"state {class}\">{words}</span>")),
                "{class}"
            );
        }

        // The loan is a credit line with the bank step, never cash.
        let loan = card(&p.html, "benefit-guaranteed_loan");
        assert!(
            loan.contains("贷款额度") && loan.contains("经办银行"),
            "{loan}"
        );
        assert!(
            !loan.contains("可领取") && !loan.contains("可享受金额"),
            "{loan}"
        );
        assert!(!p.html.contains("目前可领取"));

        // Nothing one can have is followed by "怎样才能符合".
        for part in p.html.split("<article").skip(1) {
            if part.contains("class=\"state state-now\"") {
                assert!(!part.contains("怎样才能符合"), "{part}");
            }
        }

        // No internal key and no English in any sentence of the results.
        let words = latin_words(&text_of(results_part(&p.html)));
        assert!(words.is_empty(), "Latin in the results: {words:?}");

        // The receipt is behind 核验信息, not in a sentence.
        assert!(
            p.html
                .contains("<details class=\"receipt\" id=\"receipt\"><summary>核验信息</summary>")
        );
        assert!(!p.html.contains("测算凭据：引擎"));

        // "Not yet" links to what would change it.
        let p = b
            .post(
                &app,
                "/policy",
                &[("as_of", "2021/7/15"), ("group", "college_graduate")],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.html);
        let words = latin_words(&text_of(results_part(&p.html)));
        assert!(words.is_empty(), "Latin in the results: {words:?}");
        let training = card(&p.html, "benefit-training_subsidy");
        assert!(
            training.contains("href=\"/services/training\""),
            "{training}"
        );
        assert!(
            training.contains("href=\"/services/registration\""),
            "{training}"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_calculator_reads_dates_as_people_write_them() {
    each_app(|app| async move {
        let mut b = Browser::new();
        b.get(&app, "/policy").await;
        for day in [
            "2021年4月8日",
            "2021.4.8",
            "2021-4-8",
            "2021/4/8",
            "2021-04-08",
        ] {
            let p = b.post(&app, "/policy", &demo_like(day, day)).await;
            assert_eq!(p.status, StatusCode::OK, "{day}: {}", p.html);
            assert!(p.html.contains("截至2021年4月8日"), "{day}");
        }
        // A date that does not exist: said beside the field, in words.
        let p = b
            .post(&app, "/policy", &demo_like("2021-2-30", "2021.4.8"))
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(
            p.html
                .contains("2021年4月8日、2021.4.8、2021-4-8 或 2021/4/8")
        );
        let p = b
            .post(&app, "/policy", &demo_like("2021-7-15", "去年"))
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.html.contains("field-error"), "{}", p.html);
        app
    })
    .await;
}

/// Issue 17 item 9: the calculator takes the 2020 pension back payments the pension rule
/// needs (month, day, base), labelled in words; each one's verdict is shown in words, the
/// unset 2021 base bounds are said to be unset and for staff to enter, and a half-filled back
/// payment is named beside its field.
#[tokio::test]
async fn the_calculator_takes_pension_back_payments_in_plain_words() {
    each_app(|app| async move {
        let mut b = Browser::new();
        let form = b.get(&app, "/policy").await;
        for label in [
            "2020年没有缴费的月份",
            "补缴哪个月",
            "补缴日期",
            "选择的缴费基数（元/月）",
        ] {
            assert!(form.html.contains(label), "{label}");
        }
        assert!(
            !form.html.contains(">back_payments"),
            "no internal key as a label"
        );
        let p = b
            .post(
                &app,
                "/policy",
                &[
                    ("as_of", "2021年11月30日"),
                    ("flexible_work", "gig"),
                    ("unpaid_2020_months", "2020年3月、2020年4月"),
                    ("bp_month_1", "2020年3月"),
                    ("bp_paid_on_1", "2021年11月30日"),
                    ("bp_base_1", "4000"),
                    ("bp_month_2", "2020.4"),
                    ("bp_paid_on_2", "2021-12-20"),
                    ("bp_base_2", "4000.00"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.html);
        let pension = card(&p.html, "benefit-pension_deferral");
        assert!(
            pension.contains("2020年3月的补缴（2021年11月30日，缴费基数4,000.00 元）"),
            "{pension}"
        );
        assert!(pension.contains("计划于2021年12月20日"), "{pension}");
        assert!(
            pension.contains("尚未配置") && pension.contains("须由工作人员"),
            "{pension}"
        );
        let words = latin_words(&text_of(results_part(&p.html)));
        assert!(words.is_empty(), "Latin in the results: {words:?}");

        // A back payment without its base: named beside the field, nothing calculated.
        let p = b
            .post(
                &app,
                "/policy",
                &[
                    ("as_of", "2021年6月1日"),
                    ("unpaid_2020_months", "2020年5月"),
                    ("bp_month_3", "2020年5月"),
                    ("bp_paid_on_3", "2021年5月1日"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.html.contains("请填写所选的缴费基数"), "{}", p.html);
        assert!(!p.html.contains("id=\"results-h\""));
        // A base that is not money: the engine's refusal lands beside the row's base.
        let p = b
            .post(
                &app,
                "/policy",
                &[
                    ("as_of", "2021年6月1日"),
                    ("unpaid_2020_months", "2020年5月"),
                    ("bp_month_2", "2020年5月"),
                    ("bp_paid_on_2", "2021年5月1日"),
                    ("bp_base_2", "四千"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        let field = between(&p.html, "id=\"bp_base_2\"", "</fieldset>");
        assert!(field.contains("field-error"), "{field}");
        app
    })
    .await;
}

#[tokio::test]
async fn the_hub_shows_states_next_steps_and_offers_only_what_is_payable() {
    each_app(|app| async move {
        app.worker("ans_w1", 731).sign_up().await;
        let mut w = Browser::new();
        w.get(&app, "/login").await;
        let p = w
            .post(
                &app,
                "/login",
                &[("username", "ans_w1"), ("password", PASSWORD)],
            )
            .await;
        assert!(p.location.is_some(), "{}", p.html);

        // Nothing recorded yet: every benefit is "not yet", with the step that changes it.
        let hub = w.get(&app, "/services").await;
        assert_eq!(hub.status, StatusCode::OK, "{}", hub.html);
        let s = between(&hub.html, "id=\"benefit-summary\"", "</div>");
        assert!(s.contains("您目前可以申请 0 项"), "{s}");
        assert!(!hub.html.contains("查看原因"));
        let si = card(&hub.html, "chance-social_insurance_subsidy");
        assert!(si.contains("满足条件后可申请"), "{si}");
        assert!(
            !si.contains("/services/benefits/apply"),
            "no application for 0.00: {si}"
        );
        assert!(si.contains("就业困难人员认定"), "{si}");
        // 登记失业人员 are not among the subsidy's groups: no 失业登记 offered for it.
        assert!(!si.contains("办理失业登记"), "{si}");
        let loan = card(&hub.html, "chance-guaranteed_loan");
        assert!(
            loan.contains("href=\"/services/registration\">办理失业登记"),
            "{loan}"
        );
        let words = latin_words(&text_of(between(
            &hub.html,
            "id=\"benefit-chances\"",
            "<h2>",
        )));
        assert!(words.is_empty(), "Latin on 办事大厅: {words:?}");

        // 可以申请的待遇 lists none of them; each is under 满足条件后可申请 with why.
        let list = w.get(&app, "/services/benefits").await;
        assert_eq!(list.status, StatusCode::OK, "{}", list.html);
        assert!(
            list.html.contains("id=\"applicable-none\""),
            "{}",
            list.html
        );
        assert!(!list.html.contains("id=\"applicable\""));
        let later = between(&list.html, "id=\"not-yet\"", "</ul>");
        for (id, _) in linghuo_service::benefits::APPLICABLE.iter() {
            assert!(later.contains(&format!("benefit={id}\"")), "{id}: {later}");
        }

        // The preview of a 0.00 benefit asks for no bank account.
        let page = w
            .get(&app, "/services/benefits/apply?benefit=startup_subsidy")
            .await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.html.contains("请先填写收款账户"));
        assert!(page.html.contains("id=\"next-steps\""), "{}", page.html);

        // The next step taken (失业登记): the loan becomes 可以申请, as a credit line.
        let day = app.svc.clock.today_cst().format("%Y-%m-%d").to_string();
        let (to, _) = w
            .submit(
                &app,
                "/services/registration",
                &[("kind", "unemployment"), ("started_on", &day)],
            )
            .await;
        assert_eq!(to, "/services/registration?ok=registered");
        let hub = w.get(&app, "/services").await;
        let loan = card(&hub.html, "chance-guaranteed_loan");
        assert!(loan.contains("可以申请"), "{loan}");
        assert!(
            loan.contains("贷款额度") && loan.contains("经办银行"),
            "{loan}"
        );
        assert!(loan.contains("/services/benefits/apply?benefit=guaranteed_loan"));
        let s = between(&hub.html, "id=\"benefit-summary\"", "</div>");
        assert!(
            s.contains("您目前可以申请 1 项") && s.contains("贷款额度"),
            "{s}"
        );
        let list = w.get(&app, "/services/benefits").await;
        let now = between(&list.html, "id=\"applicable\"", "</ul>");
        assert!(now.contains("benefit=guaranteed_loan"), "{now}");
        assert!(!now.contains("benefit=social_insurance_subsidy"), "{now}");
        app
    })
    .await;
}
