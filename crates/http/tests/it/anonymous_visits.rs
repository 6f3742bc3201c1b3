//! Anonymous visitors, through the real router on SQLite and (with `TEST_DATABASE_URL`)
//! PostgreSQL: looking at 找活 writes nothing to the database (the anonymous session is a
//! MAC'd cookie, not a row), the anonymous CSRF token still guards their forms, and a
//! visitor sent to log in or sign up from a post comes back to it — only ever to a path on
//! this site.

use std::collections::BTreeMap;

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;
use linghuo_storage::Db;
use serde_json::json;

/// Rows in every table of the database.
async fn row_counts(db: &Db) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    match db {
        Db::Sqlite(p) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            )
            .fetch_all(p)
            .await
            .unwrap();
            for t in tables {
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT count(*) FROM \"{t}\""
                )))
                .fetch_one(p)
                .await
                .unwrap();
                out.insert(t, n);
            }
        }
        Db::Postgres(p) => {
            let tables: Vec<String> = sqlx::query_scalar(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema()",
            )
            .fetch_all(p)
            .await
            .unwrap();
            for t in tables {
                let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT count(*) FROM \"{t}\""
                )))
                .fetch_one(p)
                .await
                .unwrap();
                out.insert(t, n);
            }
        }
    }
    assert!(out.contains_key("sessions"), "{out:?}");
    out
}

/// A verified employer of 小店区 with one live 保洁 post; returns the post's id.
async fn one_post(app: &TestApp) -> String {
    let (mut emp, _, _) = app
        .employer_verified("anon.employer", "91110000600037341L")
        .await;
    let r = emp
        .post(app, "/api/v1/posts", json!({
            "title": "坞城路家庭保洁", "description": "家庭日常保洁，擦玻璃、拖地，工具由雇主提供。",
            "occupation": "保洁员", "form": "hourly", "county_code": "140105", "address": "",
            "lat": 37.85, "lon": 112.56, "starts_on": app.clock.today_cst().to_string(),
            "schedule": "每天 09:00-12:00", "pay_amount": "30.00", "pay_unit": "hour", "headcount": 1,
            "accident_cover": true
        }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["status"], "live", "{}", r.body);
    r.json()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_anonymous_look_at_the_market_writes_nothing() {
    each_app(|app| async move {
        let id = one_post(&app).await;
        // Everything the index needs is loaded by a first search (that writes nothing either).
        let mut warm = Browser::new();
        assert!(
            warm.get(&app, "/work?q=%E4%BF%9D%E6%B4%81")
                .await
                .html
                .contains("坞城路家庭保洁")
        );
        let before = row_counts(&app.svc.db).await;
        let pages = [
            "/".to_owned(),
            "/work".to_owned(),
            "/work?q=%E4%BF%9D%E6%B4%81".to_owned(),
            "/work?q=%E4%BF%9D%E6%B4%81&page=2".to_owned(),
            format!("/work/posts/{id}"),
            "/login".to_owned(),
            "/signup".to_owned(),
        ];
        for path in &pages {
            let mut b = Browser::new();
            let p = b.get(&app, path).await;
            assert_eq!(p.status, StatusCode::OK, "{path}");
            // The visitor has an anonymous session all the same: a cookie and a CSRF token.
            let (name, token) = b.cookies.first().expect("an anonymous cookie").clone();
            assert_eq!(name, linghuo_http::SESSION_COOKIE);
            assert!(token.starts_with("a.") && token.len() >= 60, "{token}");
            assert!(!b.csrf.is_empty(), "{path} carries a CSRF token");
            // And coming back with it reads as the same anonymous visitor, still no write.
            let again = b.get(&app, path).await;
            assert_eq!(again.status, StatusCode::OK);
        }
        let r = Client::default()
            .get(&app, "/api/v1/posts/search?q=%E4%BF%9D%E6%B4%81")
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json().as_array().unwrap().len(), 1, "{}", r.body);
        assert_eq!(
            row_counts(&app.svc.db).await,
            before,
            "an anonymous look wrote rows"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn the_anonymous_csrf_token_guards_anonymous_forms() {
    each_app(|app| async move {
        let _acc = account(&app, "zhang.worker", "worker", None, &[]).await;
        let mut b = Browser::new();
        let login = b.get(&app, "/login").await;
        assert!(login.html.contains("name=\"_csrf\""));
        let good = b.csrf.clone();
        let form = [
            ("username", "zhang.worker"),
            ("password", "not the password 1"),
        ];

        // Missing, wrong, and another visitor's token: refused before the login is tried.
        for token in ["", "forged-token", &format!("{}x", &good[..good.len() - 1])] {
            b.csrf = token.to_owned();
            let p = b.post(&app, "/login", &form).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "token {token:?}");
        }
        let mut other = Browser::new();
        other.get(&app, "/signup/worker").await;
        b.csrf = other.csrf.clone();
        assert_eq!(
            b.post(&app, "/login", &form).await.status,
            StatusCode::FORBIDDEN
        );

        // A cookie with a forged MAC is no session at all, whatever token goes with it.
        let mut forged = Browser::new();
        forged.get(&app, "/login").await;
        let (name, token) = forged.cookies[0].clone();
        let (body, _) = token.rsplit_once('.').unwrap();
        forged.cookies = vec![(
            name,
            format!("{body}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        )];
        assert_eq!(
            forged.post(&app, "/login", &form).await.status,
            StatusCode::FORBIDDEN
        );

        // The right one lets the login be tried (and the wrong password is what fails).
        b.csrf = good;
        let p = b.post(&app, "/login", &form).await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED, "{}", p.html);
        assert!(p.html.contains("用户名或密码"), "{}", p.html);
        app
    })
    .await;
}

/// Logs in through the login form; returns where it sends the browser.
async fn form_login(
    app: &TestApp,
    b: &mut Browser,
    path: &str,
    acc: &Account,
    next: &str,
) -> String {
    let page = b.get(app, path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    let form = [
        ("username", acc.username.as_str()),
        ("password", acc.password.as_str()),
        ("next", next),
    ];
    let p = b.post(app, "/login", &form).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    p.location.unwrap()
}

#[tokio::test]
async fn login_and_sign_up_come_back_to_the_post() {
    each_app(|app| async move {
        let id = one_post(&app).await;
        let back = format!("/work/posts/{id}");
        let encoded = serde_urlencoded::to_string([("next", back.as_str())]).unwrap();

        // The post sends an anonymous visitor to log in or sign up with the way back.
        let mut b = Browser::new();
        let post = b.get(&app, &back).await;
        assert!(
            post.html.contains(&format!("href=\"/login?next={back}\"")),
            "{}",
            post.html
        );
        assert!(post.html.contains(&format!("href=\"/signup?next={back}\"")));

        // Sign up: the way back goes through the choice, the form (a hidden field) and the
        // login page after it.
        let choose = b.get(&app, &format!("/signup?{encoded}")).await;
        assert!(
            choose
                .html
                .contains(&format!("href=\"/signup/worker?{encoded}\"")),
            "{}",
            choose.html
        );
        assert!(choose.html.contains(&format!("href=\"/login?{encoded}\"")));
        let form = b.get(&app, &format!("/signup/worker?{encoded}")).await;
        assert!(
            form.html
                .contains(&format!("name=\"next\" value=\"{back}\"")),
            "{}",
            form.html
        );
        let idn = id_number("140105", 21);
        let p = b
            .post(
                &app,
                "/signup/worker",
                &[
                    ("username", "wu.xiaomei"),
                    ("password", PASSWORD),
                    ("password2", PASSWORD),
                    ("name", "吴晓梅"),
                    ("id_number", &idn),
                    ("county_code", "140105"),
                    ("next", &back),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        let to = p.location.unwrap();
        assert_eq!(to, format!("/login?ok=worker&{encoded}"));
        let page = b.get(&app, &to).await;
        assert!(page.html.contains("注册成功"));
        assert!(
            page.html
                .contains(&format!("name=\"next\" value=\"{back}\"")),
            "{}",
            page.html
        );
        let p = b
            .post(
                &app,
                "/login",
                &[
                    ("username", "wu.xiaomei"),
                    ("password", PASSWORD),
                    ("next", &back),
                ],
            )
            .await;
        assert_eq!(p.location.as_deref(), Some(back.as_str()), "{}", p.html);
        let post = b.get(&app, &back).await;
        assert!(
            post.html.contains("我的账户（吴晓梅）"),
            "logged in, back at the post"
        );
        // Logged in, the login page itself goes straight back too.
        assert_eq!(
            b.get(&app, &format!("/login?{encoded}"))
                .await
                .location
                .as_deref(),
            Some(back.as_str())
        );

        // Log in (an account made elsewhere): back to the post.
        let mut acc = account(&app, "sun.worker", "worker", None, &[]).await;
        let _ = login(&app, &mut acc).await;
        let mut b = Browser::new();
        let to = form_login(&app, &mut b, &format!("/login?{encoded}"), &acc, &back).await;
        assert_eq!(to, back);

        // Staff pass the second factor first; the way back goes through it.
        let mut staff = account(&app, "sun.staff", "staff", Some("140105"), &[]).await;
        let _ = login(&app, &mut staff).await;
        let mut b = Browser::new();
        let to = form_login(&app, &mut b, &format!("/login?{encoded}"), &staff, &back).await;
        assert_eq!(to, format!("/login/totp?{encoded}"));
        let totp = b.get(&app, &to).await;
        assert!(
            totp.html
                .contains(&format!("name=\"next\" value=\"{back}\"")),
            "{}",
            totp.html
        );
        app.clock.advance(chrono::Duration::seconds(30));
        let code = linghuo_service::totp::code_at(
            staff.totp.as_ref().unwrap(),
            app.clock.now().timestamp(),
        );
        let p = b
            .post(
                &app,
                "/login/totp",
                &[("code", code.as_str()), ("next", back.as_str())],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        assert_eq!(p.location.as_deref(), Some(back.as_str()));

        // Anything but a path on this site is ignored: the worker lands on 找活.
        for bad in [
            "//evil.example/x",
            "/\\evil.example",
            "/\\/evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "work/posts",
            "/work\r\nSet-Cookie: x=1",
            "/work\tx",
            " //evil.example",
        ] {
            let mut b = Browser::new();
            let q = serde_urlencoded::to_string([("next", bad)]).unwrap();
            let page = b.get(&app, &format!("/login?{q}")).await;
            assert!(
                !page.html.contains("name=\"next\""),
                "{bad:?} kept in the form"
            );
            assert!(!page.html.contains("evil.example"), "{bad:?} in the page");
            let to = form_login(&app, &mut b, "/login", &acc, bad).await;
            assert_eq!(to, "/work", "{bad:?}");
            // The 长辈版 switch goes back to a page on this site only.
            let mut b = Browser::new();
            b.get(&app, "/work").await;
            let p = b.post(&app, "/prefs/elder", &[("back", bad)]).await;
            assert_eq!(p.status, StatusCode::SEE_OTHER, "{bad:?}: {}", p.html);
            assert_eq!(p.location.as_deref(), Some("/"), "{bad:?}");
        }
        let mut b = Browser::new();
        b.get(&app, "/work").await;
        let p = b
            .post(
                &app,
                "/prefs/elder",
                &[("back", "/work?q=%E4%BF%9D%E6%B4%81")],
            )
            .await;
        assert_eq!(p.location.as_deref(), Some("/work?q=%E4%BF%9D%E6%B4%81"));
        app
    })
    .await;
}
