//! Getting in (issue 16 item 6) and SMS notices (item 7): phone-number login, Chinese user
//! names, the password reset through the notifier, the return to the page asked for, and
//! the SMS outbox's retries.

use crate::common::*;
use crate::forms::{Browser, between};
use axum::http::StatusCode;
use linghuo_service::notifier::{LogNotifier, Notifier, SendFuture};
use linghuo_storage::notices::{self, NoticeRow};
use serde_json::json;

/// The 6-digit code of the newest message sent to `phone` by the log adapter.
fn code_sent_to(app: &TestApp, phone: &str) -> String {
    let log = app.svc.message_log().expect("tests use the log adapter");
    let m = log
        .recent()
        .into_iter()
        .rev()
        .find(|m| m.phone == phone)
        .unwrap_or_else(|| panic!("{}: no message to the phone", app.label));
    let digits: String = m
        .text
        .split("验证码")
        .nth(1)
        .unwrap()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    assert_eq!(digits.len(), 6, "{}", m.text);
    digits
}

#[tokio::test]
async fn a_worker_resets_the_password_with_a_code_and_signs_in_by_phone() {
    each_app(|app| async move {
        app.worker("reset.w", 11).sign_up().await;
        let phone = "13712340011";
        let before = app.message_log_len();
        let mut b = Browser::new();
        let login = b.get(&app, "/login").await;
        assert!(
            login.html.contains("href=\"/login/reset\""),
            "login links the reset"
        );
        let p = b.get(&app, "/login/reset").await;
        assert_eq!(p.status, StatusCode::OK);
        // A number with no account: the same answer, and nothing is sent.
        let none = b
            .post(&app, "/login/reset", &[("phone", "139 0000 9999")])
            .await;
        assert_eq!(none.status, StatusCode::OK, "{}", none.html);
        assert!(none.html.contains("验证码短信已经发出"));
        assert_eq!(
            app.message_log_len(),
            before,
            "nothing sent to an unknown number"
        );
        // The worker's number (written with spaces).
        let p = b
            .post(&app, "/login/reset", &[("phone", "137 1234 0011")])
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.html);
        assert!(p.html.contains("验证码短信已经发出"));
        assert!(
            !p.html.contains(phone),
            "the number is not sent back into the page"
        );
        let ticket = between(&p.html, "name=\"ticket\" value=\"", "\"").to_owned();
        assert!(!ticket.is_empty());
        let code = code_sent_to(&app, phone);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        let bad = b
            .post(
                &app,
                "/login/reset/confirm",
                &[
                    ("ticket", &ticket),
                    ("code", wrong),
                    ("new_password", NEW_PASSWORD),
                    ("new_password2", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.html.contains("验证码不正确或已失效"));
        let done = b
            .post(
                &app,
                "/login/reset/confirm",
                &[
                    ("ticket", &ticket),
                    ("code", &code),
                    ("new_password", NEW_PASSWORD),
                    ("new_password2", NEW_PASSWORD),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.html);
        assert_eq!(done.location.as_deref(), Some("/login?ok=password_reset"));
        // The code is spent.
        let again = b
            .post(
                &app,
                "/login/reset/confirm",
                &[
                    ("ticket", &ticket),
                    ("code", &code),
                    ("new_password", "另一个新密码 白云深处 2026"),
                    ("new_password2", "另一个新密码 白云深处 2026"),
                ],
            )
            .await;
        assert_eq!(again.status, StatusCode::BAD_REQUEST);
        // The old password no longer works; the new one does, by phone number.
        let mut c = Client::default();
        c.start(&app).await;
        let old = c
            .post(
                &app,
                "/api/v1/session",
                json!({"username": phone, "password": PASSWORD}),
            )
            .await;
        assert_eq!(old.status, StatusCode::UNAUTHORIZED, "{}", old.body);
        let mut b = Browser::new();
        b.get(&app, "/login").await;
        let p = b
            .post(
                &app,
                "/login",
                &[("username", "137-1234-0011"), ("password", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        assert_eq!(p.location.as_deref(), Some("/work"));
        assert!(app.audit_count("password_reset_requested").await >= 2);
        assert!(
            app.audit_count("password_reset_done").await >= 2,
            "one failure, one success"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_reset_api_answers_alike_and_limits_tries() {
    each_app(|app| async move {
        app.worker("reset.api", 12).sign_up().await;
        let phone = "13712340012";
        let mut c = Client::default();
        c.start(&app).await;
        for number in [phone, "13900009998"] {
            let r = c
                .post(&app, "/api/v1/session/reset", json!({"phone": number}))
                .await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        }
        let bad = c
            .post(&app, "/api/v1/session/reset", json!({"phone": "12345"}))
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        let code = code_sent_to(&app, phone);
        let wrong = if code == "000000" { "111111" } else { "000000" };
        for _ in 0..5 {
            let r = c
                .post(
                    &app,
                    "/api/v1/session/reset/confirm",
                    json!({"phone": phone, "code": wrong, "new_password": NEW_PASSWORD}),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert_eq!(r.json()["error"]["code"], "reset_code_wrong", "{}", r.body);
        }
        // Five wrong tries spend the code: the right one no longer works.
        let r = c
            .post(
                &app,
                "/api/v1/session/reset/confirm",
                json!({"phone": phone, "code": code, "new_password": NEW_PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        // Ten minutes: a new code expires.
        let r = c
            .post(&app, "/api/v1/session/reset", json!({"phone": phone}))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT);
        let code = code_sent_to(&app, phone);
        app.clock.advance(chrono::Duration::minutes(11));
        let r = c
            .post(
                &app,
                "/api/v1/session/reset/confirm",
                json!({"phone": phone, "code": code, "new_password": NEW_PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        password_sign_in(&app, "reset.api", PASSWORD).await;
        app
    })
    .await;
}

#[tokio::test]
async fn a_worker_signs_in_with_the_phone_number() {
    each_app(|app| async move {
        app.worker("phone.w", 13).sign_up().await;
        let c = password_sign_in(&app, "+86 137 1234 0013", PASSWORD).await;
        let mut c = c;
        let me = c.get(&app, "/api/v1/me").await;
        assert_eq!(me.json()["username"], "phone.w");
        let mut c = Client::default();
        c.start(&app).await;
        let r = c
            .post(
                &app,
                "/api/v1/session",
                json!({"username": "13712340013", "password": "不对的密码 不对的密码"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        // The same answer as an unknown number.
        let r2 = c
            .post(
                &app,
                "/api/v1/session",
                json!({"username": "13712349876", "password": "不对的密码 不对的密码"}),
            )
            .await;
        assert_eq!(r2.status, StatusCode::UNAUTHORIZED);
        assert_eq!(r.json()["error"]["code"], r2.json()["error"]["code"]);
        assert_eq!(r.json()["error"]["code"], "login_failed");
        app
    })
    .await;
}

#[tokio::test]
async fn a_worker_signs_up_with_a_chinese_user_name() {
    each_app(|app| async move {
        let mut c = app.worker("张小明", 14).await;
        let me = c.get(&app, "/api/v1/me").await;
        assert_eq!(me.json()["username"], "张小明");
        // Taken is taken, in Chinese too; one character is too short.
        let mut d = Client::default();
        d.start(&app).await;
        for (name, seq) in [("张小明", 15), ("张", 16)] {
            let r = d
                .post(
                    &app,
                    "/api/v1/signup/worker",
                    json!({
                        "username": name, "password": PASSWORD, "name": "张小明",
                        "id_number": id_number("140105", seq), "phone": format!("1371234{seq:04}"),
                        "county_code": "140105"
                    }),
                )
                .await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{name}: {}", r.body);
        }
        app
    })
    .await;
}

#[tokio::test]
async fn login_returns_to_the_page_asked_for() {
    each_app(|app| async move {
        app.worker("back.w", 17).sign_up().await;
        let mut b = Browser::new();
        let p = b.get(&app, "/services/benefits").await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
        let to = p.location.unwrap();
        assert_eq!(to, "/login?next=%2Fservices%2Fbenefits");
        let login = b.get(&app, &to).await;
        assert!(
            login
                .html
                .contains("name=\"next\" value=\"/services/benefits\"")
        );
        let p = b
            .post(
                &app,
                "/login",
                &[
                    ("username", "back.w"),
                    ("password", PASSWORD),
                    ("next", "/services/benefits"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        assert_eq!(p.location.as_deref(), Some("/services/benefits"));
        app
    })
    .await;
}

/// An adapter whose gateway is down.
struct Down;

impl Notifier for Down {
    fn send<'a>(&'a self, _: &'a str, _: &'a str) -> SendFuture<'a> {
        Box::pin(async { Err("gateway answered HTTP 503".to_owned()) })
    }
    fn name(&self) -> &'static str {
        "down"
    }
}

async fn notice_for(app: &TestApp, person: uuid::Uuid, kind: &str, key: &str) {
    let mut tx = app.svc.db.begin().await.unwrap();
    notices::insert_notice(
        &mut tx,
        &NoticeRow {
            id: uuid::Uuid::new_v4(),
            audience: "worker".into(),
            person_id: Some(person),
            employer_id: None,
            region_code: "140105".into(),
            kind: kind.into(),
            message: "您申请的灵活就业社会保险补贴已批准，金额1200.00元".into(),
            link: "/notices".into(),
            dedupe_key: key.into(),
            created_at: app.clock.now(),
            read_at: None,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn an_sms_notice_is_retried_until_sent_once() {
    each_app(|app| async move {
        let mut c = app.worker("sms.w", 18).await;
        let person = app.person_of("sms.w").await;
        // Without consent only the in-site notice is written.
        notice_for(&app, person, "benefit_approved", "sms-test:0").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM sms_outbox").await, 0);
        let r = c
            .send(
                &app,
                axum::http::Method::PUT,
                "/api/v1/me/sms",
                Some(json!({"sms": true})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(c.get(&app, "/api/v1/me/sms").await.json()["sms"], true);
        // A kind that does not matter enough is not sent; one that does is queued.
        notice_for(&app, person, "invitation", "sms-test:1").await;
        notice_for(&app, person, "benefit_approved", "sms-test:2").await;
        assert_eq!(app.count("SELECT COUNT(*) FROM sms_outbox").await, 1);
        assert_eq!(
            app.count("SELECT COUNT(*) FROM notices WHERE dedupe_key LIKE 'sms-test:%'")
                .await,
            3
        );
        let run = app.svc.deliver_sms_with(&Down).await.unwrap();
        assert_eq!((run.sent, run.failed), (0, 1));
        let works = LogNotifier::new();
        // Not due again before its wait.
        assert_eq!(app.svc.deliver_sms_with(&works).await.unwrap().sent, 0);
        app.clock.advance(chrono::Duration::minutes(2));
        let run = app.svc.deliver_sms_with(&Down).await.unwrap();
        assert_eq!(run.failed, 1, "tried again after its wait");
        app.clock.advance(chrono::Duration::minutes(1));
        assert_eq!(
            app.svc.deliver_sms_with(&works).await.unwrap().sent,
            0,
            "the wait grew"
        );
        app.clock.advance(chrono::Duration::minutes(2));
        assert_eq!(app.svc.deliver_sms_with(&works).await.unwrap().sent, 1);
        app.clock.advance(chrono::Duration::hours(7));
        assert_eq!(
            app.svc.deliver_sms_with(&works).await.unwrap().sent,
            0,
            "sent once"
        );
        let sent = works.recent();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].phone, "13712340018");
        assert!(
            sent[0].text.contains("已批准，金额1200.00元"),
            "{}",
            sent[0].text
        );
        let state = app.svc.sms_outbox_state().await.unwrap();
        assert_eq!(state.counts, vec![("sent".to_owned(), 1)]);
        // Consent withdrawn: a queued message is not sent, the notice stays.
        notice_for(&app, person, "payment_paid", "sms-test:3").await;
        // (The clock moved past the session's lifetime: sign in again.)
        let mut c = password_sign_in(&app, "sms.w", PASSWORD).await;
        let r = c
            .send(
                &app,
                axum::http::Method::PUT,
                "/api/v1/me/sms",
                Some(json!({"sms": false})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let run = app.svc.deliver_sms_with(&works).await.unwrap();
        assert_eq!((run.sent, run.dropped), (0, 1));
        assert_eq!(works.recent().len(), 1);
        app
    })
    .await;
}
