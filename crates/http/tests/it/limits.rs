//! Rate limits and the login back-off (C6, A4; issue 14 item 4), through the real router on
//! both databases. The limiter takes its time from the manual test clock, so a test waits by
//! moving the clock, not by sleeping.

use crate::common::*;
use axum::http::{Method, StatusCode, header};
use linghuo_service::Config;
use linghuo_service::config::RateRule;
use linghuo_storage::audit;
use serde_json::{Value, json};

/// Every rule at two requests, then one a minute.
fn tight() -> Config {
    let mut c = Config::default();
    let r = RateRule::new(2, 1);
    let l = &mut c.limits;
    l.login_per_address = r;
    l.totp_per_address = r;
    l.totp_per_account = r;
    l.signup_per_address = r;
    l.screen_per_address = r;
    l.screen_per_account = r;
    l.search_per_address = r;
    l.search_per_account = r;
    l.question_per_address = r;
    l.question_per_account = r;
    l.report_per_address = r;
    l.track_per_address = r;
    c
}

/// Every limited route: method, path, a body (the limit is counted before the body is read,
/// so a body the handler refuses is counted too).
fn limited_routes() -> Vec<(Method, &'static str, Option<Value>)> {
    let login = json!({"username": "nobody.here", "password": "wrong password 123"});
    vec![
        (Method::POST, "/api/v1/session", Some(login.clone())),
        (Method::POST, "/login", Some(login)),
        (
            Method::POST,
            "/api/v1/session/totp",
            Some(json!({"code": "000000"})),
        ),
        (Method::POST, "/login/totp", Some(json!({"code": "000000"}))),
        (Method::POST, "/api/v1/signup/worker", Some(json!({}))),
        (Method::POST, "/api/v1/signup/employer", Some(json!({}))),
        (Method::POST, "/signup/worker", Some(json!({}))),
        (Method::POST, "/signup/employer", Some(json!({}))),
        (Method::POST, "/api/v1/policy/screen", Some(json!({}))),
        (Method::POST, "/policy", Some(json!({}))),
        (Method::GET, "/work?q=保洁", None),
        (Method::POST, "/work/nearby", Some(json!({}))),
        (Method::GET, "/api/v1/posts/search?q=保洁", None),
        (Method::GET, "/api/v1/market/suggest?q=保", None),
        (Method::GET, "/api/v1/consult/search?q=补贴", None),
        (Method::POST, "/consult/ask", Some(json!({}))),
        (Method::POST, "/api/v1/consult/questions", Some(json!({}))),
        (Method::POST, "/fees/report", Some(json!({}))),
        (Method::POST, "/api/v1/fee-reports", Some(json!({}))),
        (Method::POST, "/fees/track", Some(json!({}))),
        (
            Method::POST,
            "/api/v1/fee-reports/track",
            Some(json!({"code": "x"})),
        ),
    ]
}

fn assert_limited(r: &Resp, path: &str) {
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{path}: {}",
        r.body
    );
    let wait: i64 = r
        .headers
        .get(header::RETRY_AFTER)
        .unwrap_or_else(|| panic!("{path}: no Retry-After"))
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{path}: Retry-After {wait}");
    if path.starts_with("/api/") {
        assert_eq!(r.json()["error"]["code"], "rate_limited", "{path}");
    } else {
        assert!(r.body.contains("操作过于频繁"), "{path}: {}", r.body);
        assert!(r.body.contains("<html"), "{path}: a page");
    }
}

#[tokio::test]
async fn every_limited_route_answers_429_after_its_budget_and_recovers() {
    each_app_with(tight, |app| async move {
        for (method, path, body) in limited_routes() {
            // A client (an address) of its own per route, as the classes share buckets.
            let mut c = Client::default();
            c.start(&app).await;
            for i in 0..2 {
                let r = c.send(&app, method.clone(), path, body.clone()).await;
                assert_ne!(
                    r.status,
                    StatusCode::TOO_MANY_REQUESTS,
                    "{path} #{i}: {}",
                    r.body
                );
            }
            let r = c.send(&app, method.clone(), path, body.clone()).await;
            assert_limited(&r, path);
            // Another address is not affected.
            let mut other = Client::default();
            other.start(&app).await;
            let r = other.send(&app, method.clone(), path, body.clone()).await;
            assert_ne!(
                r.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{path}: {}",
                r.body
            );
        }
        // A minute later every bucket has a token again.
        app.clock.advance(chrono::Duration::seconds(60));
        for (method, path, body) in limited_routes() {
            let mut c = Client::default();
            c.start(&app).await;
            let r = c.send(&app, method.clone(), path, body.clone()).await;
            assert_ne!(
                r.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{path}: {}",
                r.body
            );
        }
        app
    })
    .await;
}

#[tokio::test]
async fn a_bucket_refills_at_its_rate_not_all_at_once() {
    each_app_with(tight, |app| async move {
        let mut c = Client::default();
        c.start(&app).await;
        let path = "/api/v1/posts/search?q=保洁";
        for _ in 0..2 {
            assert_eq!(c.get(&app, path).await.status, StatusCode::OK);
        }
        let r = c.get(&app, path).await;
        assert_limited(&r, path);
        assert_eq!(r.headers[header::RETRY_AFTER], "60");
        app.clock.advance(chrono::Duration::seconds(30));
        let r = c.get(&app, path).await;
        assert_eq!(r.headers[header::RETRY_AFTER], "30", "{}", r.body);
        app.clock.advance(chrono::Duration::seconds(30));
        assert_eq!(c.get(&app, path).await.status, StatusCode::OK);
        assert_limited(&c.get(&app, path).await, path);
        app
    })
    .await;
}

/// The per-account bucket holds whichever address a signed-in account comes from.
#[tokio::test]
async fn a_signed_in_account_has_its_own_bucket_across_addresses() {
    each_app_with(tight, |app| async move {
        let mut c = app.staff_in("limits.staff", "140105").await;
        let path = "/api/v1/posts/search?q=保洁";
        assert_eq!(c.get(&app, path).await.status, StatusCode::OK);
        // The same session from another address.
        c.peer = None;
        assert_eq!(c.get(&app, path).await.status, StatusCode::OK);
        c.peer = None;
        assert_limited(&c.get(&app, path).await, path);
        app
    })
    .await;
}

/// C6 test: a spoofed `X-Forwarded-For` without a trusted proxy must not reset the limit;
/// behind a trusted proxy it names the client.
#[tokio::test]
async fn forwarded_for_counts_only_behind_a_trusted_proxy() {
    each_app_with(tight, |app| async move {
        let mut c = Client::default();
        c.start(&app).await;
        let path = "/api/v1/posts/search?q=保洁";
        for i in 0..2 {
            c.headers = vec![("x-forwarded-for".into(), format!("203.0.113.{i}"))];
            assert_eq!(c.get(&app, path).await.status, StatusCode::OK);
        }
        c.headers = vec![("x-forwarded-for".into(), "203.0.113.99".into())];
        assert_limited(&c.get(&app, path).await, path);
        app
    })
    .await;
    let behind_proxy = || {
        let mut c = tight();
        c.server.trusted_proxies = vec!["10.0.0.0/8".into()];
        c
    };
    each_app_with(behind_proxy, |app| async move {
        // Every test client is a 10.x address: all "the proxy" here.
        let mut c = Client::default();
        c.start(&app).await;
        let path = "/api/v1/posts/search?q=保洁";
        c.headers = vec![("x-forwarded-for".into(), "203.0.113.1".into())];
        for _ in 0..2 {
            assert_eq!(c.get(&app, path).await.status, StatusCode::OK);
        }
        assert_limited(&c.get(&app, path).await, path);
        // Another client behind the same proxy has its own budget; a client cannot pick
        // one by sending the header itself (the proxy appends the real address).
        c.headers = vec![("x-forwarded-for".into(), "198.51.100.7, 203.0.113.1".into())];
        assert_limited(&c.get(&app, path).await, path);
        c.headers = vec![("x-forwarded-for".into(), "203.0.113.2".into())];
        assert_eq!(c.get(&app, path).await.status, StatusCode::OK);
        app
    })
    .await;
}

/// The probe's spray: many user names from one address. The default budget lets a burst
/// through and then answers 429 whatever the name.
#[tokio::test]
async fn many_names_sprayed_from_one_address_are_stopped() {
    each_app(|app| async move {
        let burst = Config::default().limits.login_per_address.burst as usize;
        let mut c = Client::default();
        c.start(&app).await;
        let mut refused = 0;
        for i in 0..burst + 10 {
            let r = c
                .post(
                    &app,
                    "/api/v1/session",
                    json!({"username": format!("spray{i}"), "password": "wrong password 123"}),
                )
                .await;
            match r.status {
                StatusCode::UNAUTHORIZED => assert!(i < burst, "attempt {i} evaluated"),
                StatusCode::TOO_MANY_REQUESTS => {
                    assert_eq!(r.json()["error"]["code"], "rate_limited");
                    refused += 1;
                }
                s => panic!("unexpected {s}"),
            }
        }
        assert_eq!(refused, 10);
        let failures = audit::recent(&app.svc.db, Some("login_failure"), 1000)
            .await
            .unwrap()
            .len();
        assert_eq!(failures, burst, "refused attempts are not evaluated");
        app
    })
    .await;
}

async fn try_login(app: &TestApp, c: &mut Client, username: &str, password: &str) -> Resp {
    let r = c
        .post(
            app,
            "/api/v1/session",
            json!({"username": username, "password": password}),
        )
        .await;
    if r.status == StatusCode::OK {
        // The new session's token for the next request.
        c.csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
    }
    r
}

/// The flat lock let anyone keep a named account locked. Now the pause is per (address,
/// name) and the per-name back-off does not apply where the account has logged in before:
/// a stranger hammering the name elsewhere does not keep its owner out.
#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out() {
    // Room in the address bucket so only the back-off decides.
    let roomy = || {
        let mut c = Config::default();
        c.limits.login_per_address = RateRule::new(1000, 1000);
        c
    };
    each_app_with(roomy, |app| async move {
        let acc = account(&app, "owner.worker", "worker", None, &[]).await;
        let mut owner = Client::default();
        owner.start(&app).await;
        let r = try_login(&app, &mut owner, &acc.username, &acc.password).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        // A stranger: five wrong passwords pause that address for that name (one audit row).
        let mut stranger = Client::default();
        stranger.start(&app).await;
        for i in 0..5 {
            let r = try_login(&app, &mut stranger, &acc.username, "wrong password 123").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
        }
        let locked = |app: &TestApp| {
            let db = app.svc.db.clone();
            async move {
                audit::recent(&db, Some("account_locked"), 100)
                    .await
                    .unwrap()
                    .len()
            }
        };
        assert_eq!(locked(&app).await, 1);
        for _ in 0..20 {
            let r = try_login(&app, &mut stranger, &acc.username, &acc.password).await;
            assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(r.json()["error"]["code"], "login_locked");
        }
        assert_eq!(
            locked(&app).await,
            1,
            "guesses during a pause are not audited"
        );
        let failures = audit::recent(&app.svc.db, Some("login_failure"), 100)
            .await
            .unwrap()
            .len();
        assert_eq!(failures, 5, "guesses during a pause are not evaluated");

        // The owner, from their own address, is not affected.
        let r = try_login(&app, &mut owner, &acc.username, &acc.password).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);

        // Strangers at many addresses (a botnet) push the per-name back-off: past ten
        // failures from addresses the account is not known at, those addresses wait.
        for _ in 0..5 {
            let mut bot = Client::default();
            bot.start(&app).await;
            let r = try_login(&app, &mut bot, &acc.username, "wrong password 123").await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
        let mut newcomer = Client::default();
        newcomer.start(&app).await;
        let r = try_login(&app, &mut newcomer, &acc.username, &acc.password).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        let wait: i64 = r.headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(wait <= 900, "the back-off is short: {wait}");
        // …but the owner still gets in at once from the known address.
        let r = try_login(&app, &mut owner, &acc.username, &acc.password).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // And the back-off ends: after the wait a new address gets in with the password.
        app.clock.advance(chrono::Duration::seconds(wait.max(61)));
        let r = try_login(&app, &mut newcomer, &acc.username, &acc.password).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        // The stranger's minute has run out too; its next wrong password pauses it again,
        // for longer (the pause per address doubles).
        let r = try_login(&app, &mut stranger, &acc.username, "wrong password 123").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        let r = try_login(&app, &mut stranger, &acc.username, &acc.password).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        let wait: i64 = r.headers[header::RETRY_AFTER]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(wait > 60, "{wait}");
        app
    })
    .await;
}

/// Sign-up answers one way for every name it cannot give: a worker's, a staff member's, an
/// administrator's, a reserved word, a prefix kept for staff. Nobody can tell staff names
/// from others through it.
#[tokio::test]
async fn signup_does_not_tell_staff_names_from_others() {
    let roomy = || {
        let mut c = Config::default();
        c.limits.signup_per_address = RateRule::new(1000, 1000);
        c
    };
    each_app_with(roomy, |app| async move {
        account(&app, "wang.county", "staff", Some("140105"), &[]).await;
        account(&app, "li.secadmin", "secadmin", None, &[]).await;
        let mut c = Client::default();
        c.start(&app).await;
        let r = c
            .post(&app, "/api/v1/signup/worker", json!({
                "username": "zhang.worker", "password": PASSWORD, "name": "张秀英",
                "id_number": id_number("140105", 11), "county_code": "140105"
            }))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let mut answers = Vec::new();
        for name in [
            "zhang.worker",
            "wang.county",
            "li.secadmin",
            "admin",
            "staff.new",
            "demo-county",
        ] {
            let worker = json!({
                "username": name, "password": PASSWORD, "name": "赵秀英",
                "id_number": id_number("140105", 12), "county_code": "140105"
            });
            let employer = json!({
                "username": name, "password": PASSWORD,
                "employer": {"kind": "enterprise", "name": "太原某某家政服务有限公司",
                             "uscc": "91140105MA0K000000", "contact_name": "王经理",
                             "contact_phone": "13912345678", "county_code": "140105",
                             "address": "小店区长治路"}
            });
            for (path, body) in [
                ("/api/v1/signup/worker", worker),
                ("/api/v1/signup/employer", employer),
            ] {
                let r = c.post(&app, path, body).await;
                answers.push((name, r.status, r.json()));
            }
        }
        for (name, status, body) in &answers {
            assert_eq!(*status, StatusCode::BAD_REQUEST, "{name}: {body}");
            assert_eq!(
                body,
                &json!({"error": {"code": "username_unavailable", "message": "该用户名不可用，请换一个", "field": "username"}}),
                "{name}"
            );
        }
        // The login page says the same for every wrong name or password.
        let a = try_login(&app, &mut c, "wang.county", "wrong password 123").await;
        let b = try_login(&app, &mut c, "no.such.name", "wrong password 123").await;
        assert_eq!((a.status, a.body), (b.status, b.body));
        app
    })
    .await;
}
