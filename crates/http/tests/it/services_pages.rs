//! The public-service pages through the real router, on SQLite and (with
//! `TEST_DATABASE_URL`) PostgreSQL: a worker's 就业登记 with the 就业创业证, bad input shown
//! beside the field with nothing stored, the payee account before a paid benefit, the
//! printable 决定书; at the staff workbench 窗口代办 with automatic approval, review and
//! approval by two people (the reviewer's own approval refused on the page), the bank batch
//! downloaded identically, the bank's result file uploaded as multipart (CSRF checked) and
//! reconciled, training with its subsidy, recalculation, and 404 out of region. Every page is
//! scanned for unmasked personal data, POST forms without the CSRF field and unlabelled fields.

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;
use serde_json::json;

/// The text between `start` and the next `end` after it.
/// The id in a redirect (`/staff/benefits/{id}?ok=applied` → id).
fn id_in(location: &str, prefix: &str) -> String {
    let rest = location
        .strip_prefix(prefix)
        .unwrap_or_else(|| panic!("{location} does not start with {prefix}"));
    rest.split(['?', '/']).next().unwrap().to_owned()
}

/// A staff member of one county: the API client (for setting up) and a browser.
async fn staff(app: &TestApp, username: &str, scope: &str) -> (Client, Browser) {
    let client = app.staff_in(username, scope).await;
    let b = Browser::of(&client);
    (client, b)
}

/// A worker who signed up online (person in 140105), logged in through the login form.
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

fn today(app: &TestApp) -> String {
    app.svc.clock.today_cst().format("%Y-%m-%d").to_string()
}

async fn download(app: &TestApp, b: &Browser, path: &str) -> (StatusCode, Vec<u8>) {
    b.download(app, path).await
}

async fn upload(
    app: &TestApp,
    b: &Browser,
    path: &str,
    csrf: Option<&str>,
    file_name: &str,
    content: &[u8],
) -> (StatusCode, Option<String>, String) {
    let p = b.upload(app, path, csrf, &[], file_name, content).await;
    (p.status, p.location, p.html)
}

#[tokio::test]
async fn a_worker_registers_applies_and_reads_the_decision_notice() {
    each_app(|app| async move {
        let mut w = worker(&app, "svc_w1", 701).await;
        let page = w.get(&app, "/services/registration").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert!(page.html.contains("尚未发放"));

        // 灵活就业登记 without its form: refused beside the field, nothing stored.
        let day = today(&app);
        let p = w
            .post(
                &app,
                "/services/registration",
                &[
                    ("kind", "flexible"),
                    ("flexible_form", ""),
                    ("started_on", &day),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.html);
        assert!(
            p.html.contains("id=\"reg-flexible_form-error\""),
            "{}",
            p.html
        );
        assert!(p.html.contains("请选择灵活就业形式"));
        assert!(p.html.contains("还没有登记记录"));
        assert_eq!(app.audit_count("registration_made").await, 0);
        // A date in the future: the date field.
        let p = w
            .post(
                &app,
                "/services/registration",
                &[
                    ("kind", "flexible"),
                    ("flexible_form", "gig"),
                    ("started_on", "2099-01-01"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.html.contains("id=\"reg-started_on-error\""), "{}", p.html);
        assert_eq!(app.audit_count("registration_made").await, 0);

        let (to, page) = w
            .submit(
                &app,
                "/services/registration",
                &[
                    ("kind", "flexible"),
                    ("flexible_form", "platform"),
                    ("started_on", &day),
                ],
            )
            .await;
        assert_eq!(to, "/services/registration?ok=registered");
        let card = between(&page.html, "<strong class=\"mono\">", "</strong>").to_owned();
        assert!(
            card.starts_with("1401052026") || card.starts_with("140105"),
            "{card}"
        );
        assert_eq!(card.len(), 16, "{card}");
        assert!(page.html.contains("灵活就业登记") && page.html.contains("新就业形态/平台"));
        assert_eq!(app.audit_count("registration_made").await, 1);
        // The same registration again is a conflict shown above the form.
        let p = w
            .post(
                &app,
                "/services/registration",
                &[
                    ("kind", "flexible"),
                    ("flexible_form", "platform"),
                    ("started_on", &day),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT);
        assert!(p.html.contains("无需重复登记"));

        // Benefits: the list links every applicable benefit.
        let list = w.get(&app, "/services/benefits").await;
        assert_eq!(list.status, StatusCode::OK);
        for (id, _) in linghuo_service::benefits::APPLICABLE.iter() {
            assert!(
                list.html
                    .contains(&format!("/services/benefits/apply?benefit={id}"))
            );
        }
        // Nothing is payable: no account is asked for, the application is only offered as a
        // request for a written decision; the account is never echoed.
        let apply = "/services/benefits/apply?benefit=social_insurance_subsidy";
        let page = w.get(&app, apply).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert!(!page.html.contains("请先填写收款账户"));
        assert!(page.html.contains("不需要填写收款账户"));
        assert!(page.html.contains("id=\"ask-decision\""));
        let p = w
            .post(
                &app,
                "/services/benefits/payee",
                &[
                    ("benefit", "social_insurance_subsidy"),
                    ("bank_name", "中国工商银行太原分行"),
                    ("account", "6217ab99887766"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.html.contains("id=\"payee-account-error\""));
        assert!(
            !p.html.contains("6217ab99887766"),
            "the account is not shown again"
        );
        let (to, page) = w
            .submit(
                &app,
                "/services/benefits/payee",
                &[
                    ("benefit", "social_insurance_subsidy"),
                    ("bank_name", "中国工商银行太原分行"),
                    ("account", "6217 0000 1000 5678"),
                ],
            )
            .await;
        assert_eq!(to, format!("{apply}&ok=payee"));
        assert!(page.html.contains("****5678"));
        assert!(!page.html.contains("62170000100056"));
        assert!(page.html.contains("提交申请"));
        let (to, page) = w
            .submit(
                &app,
                "/services/benefits/apply",
                &[("benefit", "social_insurance_subsidy")],
            )
            .await;
        let id = id_in(&to, "/services/benefits/");
        assert!(page.html.contains("申请已提交"));
        // Nothing is verified to pay: decided at once as not approved, with its notice.
        assert!(page.html.contains("不予批准"), "{}", page.html);
        // No amount is shown as "0.00 元".
        assert!(
            page.html
                .contains("<strong id=\"amount\">—</strong>（无补贴金额）"),
            "{}",
            page.html
        );
        let notice = w
            .get(&app, &format!("/services/benefits/{id}/notice"))
            .await;
        assert_eq!(notice.status, StatusCode::OK);
        assert!(notice.html.contains("灵活就业政策待遇决定书"));
        assert!(notice.html.contains("不予批准"));
        assert!(
            notice.html.contains("行政复议") && notice.html.contains("六个月内依法提起行政诉讼")
        );
        assert!(notice.html.contains("系统依据已核验数据自动决定"));
        assert!(
            notice
                .html
                .contains(&id.replace('-', "")[..8].to_uppercase())
        );
        assert!(notice.html.contains("/assets/print.css") && notice.html.contains("data-print"));
        let applicant = between(&notice.html, "<p>申请人：", "</p>");
        assert!(
            applicant.starts_with('李') && !applicant.contains("秀英"),
            "masked: {applicant}"
        );
        let css = download(&app, &w, "/assets/print.css").await;
        assert!(String::from_utf8(css.1).unwrap().contains("@media print"));

        // Training: the page lists no course yet.
        let t = w.get(&app, "/services/training").await;
        assert_eq!(t.status, StatusCode::OK);
        // Someone else's application is not found.
        let other = worker(&app, "svc_w2", 702).await;
        let mut other = other;
        assert_eq!(
            other
                .get(&app, &format!("/services/benefits/{id}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            other
                .get(&app, &format!("/services/benefits/{id}/notice"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_window_applies_for_a_person_and_the_money_goes_through_the_bank() {
    each_app(|app| async move {
        let mut acc = account(&app, "svc_s1", "staff", Some("140105"), &["bank:export"]).await;
        let mut api = login(&app, &mut acc).await;
        let mut s = Browser::of(&api);
        let (_, mut outsider) = staff(&app, "svc_x1", "140106").await;
        let p = app.person(&mut api, 711, json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "staff_checked", "evidence": "就业困难人员认定表"}])).await;
        app.premiums(&p, &HALF_2026, 60_000, "registry").await;
        let window = format!("/staff/persons/{p}/window");
        let page = s.get(&app, &window).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        assert_eq!(outsider.get(&app, &window).await.status, StatusCode::NOT_FOUND);

        // Registration at the window needs the consent note.
        let day = today(&app);
        let reg = [("kind", "flexible"), ("flexible_form", "gig"), ("started_on", day.as_str())];
        let r = s.post(&app, &format!("{window}/register"), &reg).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.html.contains("id=\"reg-consent_note-error\""), "{}", r.html);
        assert_eq!(app.audit_count("registration_made").await, 0);
        let (_, page) = s
            .submit(&app, &format!("{window}/register"), &with(&reg, &[("consent_note", "本人到窗口书面同意")]))
            .await;
        assert!(page.html.contains("登记已办理"));
        assert!(page.html.contains("id=\"card-number\"><strong class=\"mono\">140105"));

        // The application: consent first, then decided at once from verified facts.
        let r = s
            .post(&app, &format!("{window}/apply"), &[("benefit", "social_insurance_subsidy"), ("consent_note", "")])
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.html.contains("id=\"apply-consent_note-error\""));
        let (to, page) = s
            .submit(&app, &format!("{window}/apply"), &[("benefit", "social_insurance_subsidy"), ("consent_note", "本人书面申请")])
            .await;
        let id = id_in(&to, "/staff/benefits/");
        assert!(page.html.contains("id=\"status\">已批准"), "{}", page.html);
        assert!(page.html.contains("2400.00"));
        assert!(page.html.contains("系统依据已核验数据自动决定"));
        let reference = between(&page.html, "<td class=\"mono\">", "</td>").to_owned();
        assert!(reference.starts_with("LH"), "{reference}");

        // The decision notice: the clause with its text, the remedies, nothing unmasked.
        let notice = s.get(&app, &format!("/staff/benefits/{id}/notice")).await;
        assert_eq!(notice.status, StatusCode::OK);
        assert!(notice.html.contains("行政复议"));
        assert!(notice.html.contains("二(二)"), "{}", notice.html);
        assert!(notice.html.contains("id=\"decision\">批准"));
        assert!(notice.html.contains("2400.00"));
        // Out of region: not found.
        assert_eq!(outsider.get(&app, &format!("/staff/benefits/{id}")).await.status, StatusCode::NOT_FOUND);
        assert_eq!(outsider.get(&app, &format!("/staff/benefits/{id}/notice")).await.status, StatusCode::NOT_FOUND);
        let q = outsider.get(&app, "/staff/benefits?status=approved").await;
        assert!(!q.html.contains(&id));

        // The queue lists it; the tab downloads as CSV and Excel.
        let q = s.get(&app, "/staff/benefits?status=approved").await;
        assert!(q.html.contains(&format!("/staff/benefits/{id}")));
        let (st, csv) = download(&app, &s, "/staff/benefits.csv?status=approved").await;
        assert_eq!(st, StatusCode::OK);
        let csv = String::from_utf8(csv).unwrap();
        assert!(csv.contains(&id) && csv.contains("2400.00"), "{csv}");
        assert_eq!(linghuo_domain::find_unmasked_pii(&csv), None);
        let (st, xlsx) = download(&app, &s, "/staff/benefits.xlsx?status=approved").await;
        assert_eq!(st, StatusCode::OK);
        assert!(xlsx.starts_with(b"PK"));

        // Payments: no account yet, so no batch.
        let r = s.post(&app, "/staff/payments", &[]).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.html);
        let r = s
            .post(&app, &format!("{window}/payee"), &[("bank_name", "中国工商银行太原分行"), ("account", "6217 0000 1000 1234"), ("consent_note", "")])
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(!r.html.contains("6217 0000 1000 1234") && !r.html.contains("6217000010001234"));
        let (_, page) = s
            .submit(&app, &format!("{window}/payee"), &[("bank_name", "中国工商银行太原分行"), ("account", "6217 0000 1000 1234"), ("consent_note", "本人提供银行卡")])
            .await;
        assert!(page.html.contains("****1234"));
        let page = s.get(&app, "/staff/payments").await;
        assert!(page.html.contains("id=\"pending-count\">1<"));
        assert!(page.html.contains("id=\"pending-total\">2400.00<"));
        let (to, page) = s.submit(&app, "/staff/payments", &[]).await;
        let bid = id_in(&to, "/staff/payments/");
        assert!(page.html.contains("已导出，待银行回盘"));
        // Each line names its payee as staff may see them: masked name, bank, last four digits.
        assert!(page.html.contains("中国工商银行太原分行 ****1234"), "{}", page.html);
        assert!(page.html.contains("<th scope=\"col\">收款人</th>"));
        assert!(!page.html.contains("6217000010001234"));
        // A stale sign-in asks to confirm identity first (step-up), on the page itself.
        app.clock.advance(chrono::Duration::minutes(6));
        let page = s.get(&app, &format!("/staff/payments/{bid}/bank.csv")).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN);
        assert!(page.html.contains("确认身份") && page.html.contains("action=\"/step-up\""), "{}", page.html);
        step_up(&app, &mut api, &acc).await;
        let (s1, f1) = download(&app, &s, &format!("/staff/payments/{bid}/bank.csv")).await;
        let (s2, f2) = download(&app, &s, &format!("/staff/payments/{bid}/bank.csv")).await;
        assert_eq!((s1, s2), (StatusCode::OK, StatusCode::OK));
        assert_eq!(f1, f2, "a batch downloaded twice is the same file");
        assert!(String::from_utf8(f1).unwrap().contains(&reference));
        let (sx, x) = download(&app, &s, &format!("/staff/payments/{bid}/bank.xlsx")).await;
        assert_eq!(sx, StatusCode::OK);
        assert!(x.starts_with(b"PK"));
        assert_eq!(download(&app, &outsider, &format!("/staff/payments/{bid}/bank.csv")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(outsider.get(&app, &format!("/staff/payments/{bid}")).await.status, StatusCode::NOT_FOUND);

        // The bank's result file: without the CSRF part it is refused; a bad file shows
        // every refused line (422) and applies nothing; the good file reconciles.
        let path = format!("/staff/payments/{bid}/result");
        s.get(&app, &format!("/staff/payments/{bid}")).await;
        let good = format!("付款参考号,金额,结果,银行流水号,说明\n{reference},2400.00,成功,B20261129001,\n");
        let (st, _, _) = upload(&app, &s, &path, None, "result.csv", good.as_bytes()).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (st, _, _) = upload(&app, &s, &path, Some("not-the-token"), "result.csv", good.as_bytes()).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        assert_eq!(app.audit_count("bank_result_imported").await, 0);
        let bad = format!(
            "付款参考号,金额,结果,银行流水号,说明\n{reference},2400.00,成功,B001,\nLH0000000000000000000000001,10.00,成功,B002,\n"
        );
        let csrf = s.csrf.clone();
        let (st, _, html) = upload(&app, &s, &path, Some(&csrf), "result.csv", bad.as_bytes()).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
        assert!(html.contains("行号") && html.contains("LH0000000000000000000000001"));
        assert!(html.contains("不存在"), "{html}");
        let (st, _, html) = upload(&app, &s, &path, Some(&csrf), "result.csv", b"").await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{html}");
        assert!(html.contains("id=\"upload-file-error\""));
        let (st, to, html) = upload(&app, &s, &path, Some(&csrf), "result.csv", good.as_bytes()).await;
        assert_eq!(st, StatusCode::SEE_OTHER, "{html}");
        let page = s.get(&app, &to.unwrap()).await;
        assert!(page.html.contains("id=\"batch-status\">已对账"), "{}", page.html);
        assert!(page.html.contains("银行结果、付款指令与账本一致"));
        assert!(page.html.contains("B20261129001"));
        let (st, rc) = download(&app, &s, &format!("/staff/payments/{bid}/reconciliation.csv")).await;
        assert_eq!(st, StatusCode::OK);
        assert!(String::from_utf8(rc).unwrap().contains("B20261129001"));
        let (st, rx) = download(&app, &s, &format!("/staff/payments/{bid}/reconciliation.xlsx")).await;
        assert_eq!(st, StatusCode::OK);
        assert!(rx.starts_with(b"PK"));
        assert_eq!(app.audit_count("bank_result_imported").await, 1);

        // Recalculation under the same parameters: nothing differs.
        let r = s.get(&app, "/staff/benefits/recalc?since=2026-01-01").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.html.contains("没有差额") && r.html.contains("重算预览"));
        let r = s.get(&app, "/staff/benefits/recalc?since=2026-13-01").await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.html.contains("id=\"recalc-since-error\""));
        let r = s.post(&app, "/staff/benefits/recalc", &[("since", "2026-01-01")]).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.html.contains("已确认并记账"));
        app
    })
    .await;
}

#[tokio::test]
async fn a_manual_application_is_reviewed_and_approved_by_two_people() {
    each_app(|app| async move {
        let (mut api, mut applicant) = staff(&app, "svc_a", "140105").await;
        let (_, mut reviewer) = staff(&app, "svc_r", "140105").await;
        let (_, mut approver) = staff(&app, "svc_p", "140105").await;
        let p = app.person(
            &mut api,
            721,
            json!([{"group": "hard_to_employ", "since": "2025-01-01", "source": "self_declared"}]),
        )
        .await;
        app.premiums(&p, &HALF_2026, 60_000, "registry").await;
        let window = format!("/staff/persons/{p}/window");
        applicant.get(&app, &window).await;
        let (to, page) = applicant
            .submit(
                &app,
                &format!("{window}/apply"),
                &[
                    ("benefit", "social_insurance_subsidy"),
                    ("consent_note", "本人书面申请"),
                ],
            )
            .await;
        let id = id_in(&to, "/staff/benefits/");
        assert!(page.html.contains("id=\"status\">待初审"), "{}", page.html);
        assert!(page.html.contains("本人申报"));
        let detail = format!("/staff/benefits/{id}");
        let q = reviewer.get(&app, "/staff/benefits").await;
        assert!(q.html.contains(&detail), "the default tab is 待初审");

        // The applicant may not review (shown on the page); a reason is needed to refuse.
        let r = applicant
            .post(
                &app,
                &format!("{detail}/review"),
                &[("outcome", "approve"), ("note", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.html);
        assert!(r.html.contains("代为申请的工作人员不能初审"));
        reviewer.get(&app, &detail).await;
        let r = reviewer
            .post(
                &app,
                &format!("{detail}/review"),
                &[("outcome", "reject"), ("note", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.html.contains("id=\"review-note-error\""));
        let (_, page) = reviewer
            .submit(
                &app,
                &format!("{detail}/review"),
                &[
                    ("outcome", "approve"),
                    ("note", "已核对就业困难人员认定表原件"),
                ],
            )
            .await;
        assert!(page.html.contains("id=\"status\">待审批"));
        // The 审批 form is not shown to the person who did the 初审; the page says why.
        assert!(
            page.html.contains("初审由您完成，须由另一位工作人员审批"),
            "{}",
            page.html
        );
        assert!(!page.html.contains("name=\"idempotency_key\""));
        assert!(!page.html.contains("action=\"/staff/benefits/"));
        // 初审意见 names who did it and when.
        let by = between(&page.html, "id=\"review-by\">", "</dd>");
        assert!(by.contains("已核对就业困难人员认定表原件"), "{by}");
        assert!(by.contains("初审：测试svc_r") && by.contains("年"), "{by}");

        // The reviewer cannot approve their own review even by sending the form: 403.
        let r = reviewer
            .post(
                &app,
                &format!("{detail}/decision"),
                &[
                    ("outcome", "approve"),
                    ("note", ""),
                    ("confirm", "yes"),
                    ("idempotency_key", "reviewer-key"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.html);
        assert!(r.html.contains("初审人不能审批自己初审的申请"));
        assert!(r.html.contains("id=\"status\">待审批"));

        // Another staff member sees the form: nothing chosen in advance, and a required
        // confirmation naming the amount.
        let page = approver.get(&app, &detail).await;
        let form_html = between(&page.html, "id=\"decide\"", "</form>");
        assert!(form_html.contains("type=\"radio\" name=\"outcome\" value=\"approve\""));
        assert!(!form_html.contains("checked"), "{form_html}");
        assert!(!form_html.contains("selected"), "{form_html}");
        assert!(
            form_html.contains("确认按 <strong>2400.00</strong> 元作出决定"),
            "{form_html}"
        );
        assert!(form_html.contains("name=\"confirm\" value=\"yes\" required"));
        let key = between(&page.html, "name=\"idempotency_key\" value=\"", "\"").to_owned();
        // Without the confirmation, or without a choice: refused beside the field, nothing
        // decided.
        let r = approver
            .post(
                &app,
                &format!("{detail}/decision"),
                &[
                    ("outcome", "approve"),
                    ("note", "同意"),
                    ("idempotency_key", key.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.html);
        assert!(r.html.contains("id=\"decide-confirm-error\""), "{}", r.html);
        let r = approver
            .post(
                &app,
                &format!("{detail}/decision"),
                &[
                    ("note", "同意"),
                    ("confirm", "yes"),
                    ("idempotency_key", key.as_str()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.html);
        assert!(r.html.contains("id=\"decide-outcome-error\""), "{}", r.html);
        assert_eq!(app.audit_count("benefit_decided").await, 0);
        let form = [
            ("outcome", "approve"),
            ("note", "同意"),
            ("confirm", "yes"),
            ("idempotency_key", key.as_str()),
        ];
        let (to, page) = approver
            .submit(&app, &format!("{detail}/decision"), &form)
            .await;
        assert_eq!(to, format!("{detail}?ok=decided"));
        assert!(page.html.contains("id=\"status\">已批准"));
        assert!(page.html.contains("2400.00"));
        // 审批 by whom and when; the applicant's name links to the person's page.
        let by = between(&page.html, "id=\"decided-by\">", "</dd>");
        assert!(by.contains("测试svc_p") && by.contains("年"), "{by}");
        assert!(page.html.contains(&format!("href=\"/staff/persons/{p}\"")));
        let (to, _) = approver
            .submit(&app, &format!("{detail}/decision"), &form)
            .await;
        assert_eq!(
            to,
            format!("{detail}?ok=decided"),
            "the repeated form is answered as the first"
        );
        assert_eq!(app.audit_count("benefit_decided").await, 1);
        assert_eq!(app.audit_count("ledger_granted").await, 1);
        // A fresh form now: the application is no longer awaiting a decision.
        let r = approver
            .post(
                &app,
                &format!("{detail}/decision"),
                &[
                    ("outcome", "approve"),
                    ("note", "同意"),
                    ("confirm", "yes"),
                    ("idempotency_key", "another-key"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT);

        let notice = approver.get(&app, &format!("{detail}/notice")).await;
        assert!(notice.html.contains("经初审、审批两人办理"));
        assert!(notice.html.contains("二(二)") && notice.html.contains("行政复议"));
        app
    })
    .await;
}

#[tokio::test]
async fn registrations_suggestions_and_training_at_the_workbench() {
    each_app(|app| async move {
        let (_, mut s) = staff(&app, "svc_t", "140105").await;
        let (_, mut outsider) = staff(&app, "svc_tx", "140106").await;
        let mut w = worker(&app, "svc_tw", 731).await;
        let day = today(&app);
        w.get(&app, "/services/registration").await;
        let (_, page) = w
            .submit(
                &app,
                "/services/registration",
                &[
                    ("kind", "flexible"),
                    ("flexible_form", "gig"),
                    ("started_on", &day),
                ],
            )
            .await;
        assert!(page.html.contains("<td>零工</td>"));
        let r = s.get(&app, "/staff/registrations").await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.html.contains("<td>零工</td>") && r.html.contains("本人网上办理"));
        let r = outsider.get(&app, "/staff/registrations").await;
        assert!(!r.html.contains("<td>零工</td>") && r.html.contains("没有登记记录"));

        // A course: bad input beside the field, then published.
        s.get(&app, "/staff/training").await;
        let course = [
            ("title", "育婴员（五级）培训"),
            ("provider", "太原市职业技能培训中心"),
            ("occupation", "育婴员"),
            ("kind", "skills"),
            ("hours", "8"),
            ("days", "1"),
            ("starts_on", day.as_str()),
            ("ends_on", day.as_str()),
            ("capacity", "30"),
            ("subsidy", "1200.00"),
            ("daily_allowance", "30.00"),
            ("county_code", "140105"),
        ];
        let r = s
            .post(
                &app,
                "/staff/training",
                &with(&course, &[("subsidy", "很多")]),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.html);
        assert!(r.html.contains("id=\"course-subsidy-error\""));
        let (to, _) = s.submit(&app, "/staff/training", &course).await;
        let cid = id_in(&to, "/staff/training/");

        // The worker enrols; staff record a day and finish the trainee.
        let page = w.get(&app, "/services/training").await;
        assert!(page.html.contains("育婴员（五级）培训"), "{}", page.html);
        let (_, page) = w
            .submit(&app, &format!("/services/training/{cid}/enrol"), &[])
            .await;
        assert!(page.html.contains("报名成功") && page.html.contains("已报名"));
        let page = s.get(&app, &format!("/staff/training/{cid}")).await;
        let eid = between(&page.html, "id=\"att-", "\"").to_owned();
        let r = s
            .post(
                &app,
                &format!("/staff/training/enrolments/{eid}/attendance"),
                &[("course", cid.as_str()), ("day", "2020-01-01")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.html.contains(&format!("id=\"att-{eid}-day-error\"")));
        let (_, page) = s
            .submit(
                &app,
                &format!("/staff/training/enrolments/{eid}/attendance"),
                &[("course", cid.as_str()), ("day", day.as_str())],
            )
            .await;
        assert!(page.html.contains("出勤1天"), "{}", page.html);
        assert_eq!(
            outsider
                .post(
                    &app,
                    &format!("/staff/training/enrolments/{eid}/finish"),
                    &[("course", cid.as_str()), ("result", "pass")]
                )
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let (_, page) = s
            .submit(
                &app,
                &format!("/staff/training/enrolments/{eid}/finish"),
                &[("course", cid.as_str()), ("result", "pass")],
            )
            .await;
        assert!(page.html.contains("结业证书编号"), "{}", page.html);
        assert!(page.html.contains("培训补贴申请"), "{}", page.html);
        assert!(
            page.html.contains("1230.00"),
            "1200.00 + 1 day × 30.00: {}",
            page.html
        );
        let mine = w.get(&app, "/services/training").await;
        assert!(mine.html.contains("PX140105"));
        app
    })
    .await;
}

/// A suggestion as the registration upkeep makes it from market activity.
async fn suggest(
    app: &TestApp,
    person: uuid::Uuid,
    kind: &str,
    form: Option<&str>,
    employer: &str,
) {
    let mut tx = app.svc.db.begin().await.unwrap();
    let id = uuid::Uuid::new_v4();
    let inserted = linghuo_storage::benefits::insert_suggestion(
        &mut tx,
        &linghuo_storage::benefits::SuggestionRow {
            id,
            person_id: person,
            kind: kind.into(),
            county_code: "140105".into(),
            reason: "近90天您在零工市场有3次用工，可办理灵活就业登记".into(),
            employer_name: employer.into(),
            flexible_form: form.map(str::to_owned),
            hire_id: None,
            status: "open".into(),
            dedupe_key: format!("test:{id}"),
            created_at: app.clock.now(),
            decided_at: None,
            decided_by: None,
        },
    )
    .await
    .unwrap();
    assert!(inserted);
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn suggestions_are_confirmed_by_the_person_or_by_staff_with_consent() {
    each_app(|app| async move {
        let (mut api, mut s) = staff(&app, "svc_g", "140105").await;
        let (_, mut outsider) = staff(&app, "svc_gx", "140106").await;
        let mut w = worker(&app, "svc_gw", 741).await;
        let user = linghuo_storage::users::by_username(&app.svc.db, "svc_gw")
            .await
            .unwrap()
            .unwrap();
        let me = user.person_id.unwrap();
        suggest(&app, me, "flexible", Some("gig"), "").await;
        suggest(&app, me, "employment", None, "太原市迎泽家政服务有限公司").await;

        // The person confirms one (the registration and the card) and dismisses the other.
        let page = w.get(&app, "/services/registration").await;
        assert!(page.html.contains("待您确认的登记提醒"));
        let ids: Vec<String> = page
            .html
            .match_indices("action=\"/services/registration/suggestions/")
            .map(|(i, m)| page.html[i + m.len()..i + m.len() + 36].to_owned())
            .collect();
        assert_eq!(ids.len(), 4, "two buttons for each of two suggestions");
        let flexible_first = page.html.find("<strong>灵活就业登记</strong>").unwrap()
            < page.html.find("<strong>就业登记</strong>").unwrap();
        let (flex, emp) = if flexible_first {
            (&ids[0], &ids[2])
        } else {
            (&ids[2], &ids[0])
        };
        let (to, page) = w
            .submit(
                &app,
                &format!("/services/registration/suggestions/{flex}"),
                &[("answer", "accept")],
            )
            .await;
        assert_eq!(to, "/services/registration?ok=accepted");
        assert!(
            page.html
                .contains("id=\"current\"><strong>灵活就业登记</strong>（零工）"),
            "{}",
            page.html
        );
        assert!(
            page.html
                .contains("id=\"card-number\"><strong class=\"mono\">140105")
        );
        let (to, page) = w
            .submit(
                &app,
                &format!("/services/registration/suggestions/{emp}"),
                &[("answer", "dismiss")],
            )
            .await;
        assert_eq!(to, "/services/registration?ok=dismissed");
        assert!(!page.html.contains("待您确认的登记提醒"));
        // Answered already: a conflict shown on the page.
        let r = w
            .post(
                &app,
                &format!("/services/registration/suggestions/{emp}"),
                &[("answer", "accept")],
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.html);
        assert!(r.html.contains("该提醒已处理"));
        // Ending the registration: a reason is needed.
        let day = today(&app);
        let r = w
            .post(
                &app,
                "/services/registration/end",
                &[("ended_on", day.as_str()), ("reason", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.html.contains("id=\"end-reason-error\""));
        let (_, page) = w
            .submit(
                &app,
                "/services/registration/end",
                &[("ended_on", day.as_str()), ("reason", "已找到全职工作")],
            )
            .await;
        assert!(page.html.contains("没有正在有效的登记") && page.html.contains("已找到全职工作"));

        // Staff confirm for a person only with the consent note.
        let p = app.person(&mut api, 742, json!([])).await;
        let pid = uuid::Uuid::parse_str(&p).unwrap();
        suggest(&app, pid, "employment", None, "山西晋阳物业服务有限公司").await;
        let page = s.get(&app, "/staff/registrations").await;
        assert!(page.html.contains("山西晋阳物业服务有限公司"));
        assert!(
            !outsider
                .get(&app, "/staff/registrations")
                .await
                .html
                .contains("山西晋阳物业服务有限公司")
        );
        let sid = between(
            &page.html,
            "action=\"/staff/registrations/suggestions/",
            "\"",
        )
        .to_owned();
        let path = format!("/staff/registrations/suggestions/{sid}");
        let r = s
            .post(&app, &path, &[("answer", "accept"), ("consent_note", "")])
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(
            r.html
                .contains(&format!("id=\"sg-{sid}-consent_note-error\"")),
            "{}",
            r.html
        );
        assert_eq!(
            outsider
                .post(
                    &app,
                    &path,
                    &[("answer", "accept"), ("consent_note", "本人电话同意")]
                )
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let (to, page) = s
            .submit(
                &app,
                &path,
                &[("answer", "accept"), ("consent_note", "本人电话同意办理")],
            )
            .await;
        assert_eq!(to, "/staff/registrations?ok=accepted");
        assert!(page.html.contains("<td>山西晋阳物业服务有限公司</td>"));
        assert_eq!(app.audit_count("registration_suggestion_accepted").await, 2);
        assert_eq!(
            app.audit_count("registration_suggestion_dismissed").await,
            1
        );
        // The window page shows the registration made.
        let page = s.get(&app, &format!("/staff/persons/{p}/window")).await;
        assert!(page.html.contains("山西晋阳物业服务有限公司"));
        app
    })
    .await;
}
