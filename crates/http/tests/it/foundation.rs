//! The foundation's promises, through the real router on both databases: login with lockout
//! and second factor, sessions and their timeouts, CSRF, security headers, region scope,
//! masking, reveal and the audit chain.

use crate::common::*;
use axum::http::{Method, StatusCode, header};
use linghuo_service::totp;
use linghuo_storage::audit;
use serde_json::{Value, json};

#[tokio::test]
async fn security_headers_on_pages_and_api() {
    each_app(|app| async move {
        let mut c = Client::default();
        for path in ["/", "/login", "/api/v1/session", "/healthz"] {
            let r = c.get(&app, path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}");
            let h = |n: &str| {
                r.headers
                    .get(n)
                    .map(|v| v.to_str().unwrap().to_owned())
                    .unwrap_or_default()
            };
            let csp = h("content-security-policy");
            assert!(
                csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
                "{csp}"
            );
            assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
            assert_eq!(h("x-content-type-options"), "nosniff");
            assert_eq!(h("x-frame-options"), "DENY");
            assert_eq!(h("referrer-policy"), "same-origin");
            assert!(h("strict-transport-security").starts_with("max-age="));
            assert_eq!(h("cache-control"), "no-store");
            assert!(
                h("content-type").contains("charset=utf-8")
                    || h("content-type") == "application/json",
                "{path}: {}",
                h("content-type")
            );
            assert!(!h("x-request-id").is_empty());
            assert!(r.headers.get(header::SERVER).is_none());
            assert!(r.headers.get("access-control-allow-origin").is_none());
        }
        let home = c.get(&app, "/").await;
        assert!(home.body.contains("晋政办发〔2020〕89号") && home.body.contains("lang=\"zh-CN\""));
        app
    })
    .await;
}

#[tokio::test]
async fn session_cookie_attributes_and_rotation_at_login() {
    each_app(|app| async move {
        let mut acc = account(&app, "wang.worker", "worker", None, &[]).await;
        let mut c = Client::default();
        let r = c.get(&app, "/api/v1/session").await;
        let cookie = r
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        assert!(cookie.starts_with("__Host-lh_session="), "{cookie}");
        for attr in ["Path=/", "HttpOnly", "SameSite=Lax", "Secure"] {
            assert!(cookie.contains(attr), "{cookie} lacks {attr}");
        }
        assert!(!cookie.contains("Domain="));
        let before = c.cookie.clone().unwrap();
        assert!(before.len() >= 22);
        c.csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
        let r = c
            .post(
                &app,
                "/api/v1/session",
                json!({"username": acc.username, "password": acc.password}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert_ne!(
            c.cookie.clone().unwrap(),
            before,
            "a new token is issued at login (A6)"
        );
        // The pre-login token is dead.
        let mut old = Client {
            cookie: Some(before),
            ..Client::default()
        };
        assert_eq!(
            old.get(&app, "/api/v1/session").await.json()["stage"],
            "anonymous"
        );
        let _ = login(&app, &mut acc).await;
        app
    })
    .await;
}

#[tokio::test]
async fn lockout_after_five_failures_without_user_enumeration() {
    each_app(|app| async move {
        let acc = account(&app, "li.worker", "worker", None, &[]).await;
        for name in [acc.username.as_str(), "nobody.here"] {
            let mut c = Client::default();
            c.start(&app).await;
            for i in 1..=5 {
                let r = c
                    .post(
                        &app,
                        "/api/v1/session",
                        json!({"username": name, "password": "wrong password 123"}),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{name} attempt {i}");
                assert_eq!(r.json()["error"]["code"], "login_failed");
            }
            let r = c
                .post(
                    &app,
                    "/api/v1/session",
                    json!({"username": name, "password": acc.password}),
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{name}: 6th attempt is locked out even with the right password"
            );
            assert_eq!(r.json()["error"]["code"], "login_locked");
            assert!(r.headers.get(header::RETRY_AFTER).is_some());
        }
        let locked = audit::recent(&app.svc.db, Some("account_locked"), 10)
            .await
            .unwrap();
        assert_eq!(locked.len(), 2, "one lockout event per name");
        // After the pause the right password works again.
        app.clock.advance(chrono::Duration::minutes(2));
        let mut c = Client::default();
        c.start(&app).await;
        let r = c
            .post(
                &app,
                "/api/v1/session",
                json!({"username": acc.username, "password": acc.password}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        app
    })
    .await;
}

#[tokio::test]
async fn at_most_100_attempts_per_hour_are_evaluated() {
    each_app(|app| async move {
        let acc = account(&app, "zhao.worker", "worker", None, &[]).await;
        let mut c = Client::default();
        c.start(&app).await;
        let mut evaluated = 0;
        for _ in 0..150 {
            // Step past each lockout pause so only the hourly ceiling can stop an attempt.
            app.clock.advance(chrono::Duration::seconds(20));
            let r = c
                .post(
                    &app,
                    "/api/v1/session",
                    json!({"username": acc.username, "password": "not the password"}),
                )
                .await;
            match r.status {
                StatusCode::UNAUTHORIZED => evaluated += 1,
                StatusCode::TOO_MANY_REQUESTS => {}
                s => panic!("unexpected {s}"),
            }
        }
        let failures = audit::recent(&app.svc.db, Some("login_failure"), 1000)
            .await
            .unwrap()
            .len();
        assert!(
            evaluated <= 100 && failures <= 100,
            "evaluated {evaluated}, audited {failures}"
        );
        app
    })
    .await;
}

/// Starts a session and passes the password step of a staff login.
async fn password_step(app: &TestApp, c: &mut Client, username: &str, password: &str) {
    c.start(app).await;
    let r = c
        .post(
            app,
            "/api/v1/session",
            json!({"username": username, "password": password}),
        )
        .await;
    assert_eq!(r.json()["next"], "second_factor", "{}", r.body);
    c.csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
}

/// Wrong second-factor codes are limited per account: the fifth locks it for a minute (429
/// with Retry-After), ends the half-logged-in session, and is audited once; guesses during the
/// lock are neither checked nor audited, not even the right code.
#[tokio::test]
async fn second_factor_locks_after_five_wrong_codes() {
    each_app(|app| async move {
        let acc = account(&app, "zhou.county", "staff", Some("140105"), &[]).await;
        let secret = acc.totp.clone().unwrap();
        let now = app.clock.now().timestamp();
        let near: Vec<String> = [-30, 0, 30]
            .iter()
            .map(|d| linghuo_service::totp::code_at(&secret, now + d))
            .collect();
        let wrong: Vec<String> = (0..1_000_000)
            .step_by(99_991)
            .map(|n| format!("{n:06}"))
            .filter(|c| !near.contains(c))
            .take(8)
            .collect();
        let mut c = Client::default();
        password_step(&app, &mut c, &acc.username, &acc.password).await;
        for code in &wrong[..4] {
            let r = c
                .post(&app, "/api/v1/session/totp", json!({"code": code}))
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        }
        let fifth = c
            .post(&app, "/api/v1/session/totp", json!({"code": wrong[4]}))
            .await;
        assert_eq!(
            fifth.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{}",
            fifth.body
        );
        assert_eq!(
            fifth
                .headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok()),
            Some("60")
        );
        // The half-logged-in session is over: even the right code needs the password again.
        let right = c
            .post(&app, "/api/v1/session/totp", json!({"code": near[1]}))
            .await;
        assert_ne!(right.status, StatusCode::OK, "{}", right.body);
        // Another session of the same account is locked too, for the right code as well; a
        // locked attempt ends the half-logged-in session.
        let mut d = Client::default();
        password_step(&app, &mut d, &acc.username, &acc.password).await;
        let r = d
            .post(&app, "/api/v1/session/totp", json!({"code": near[1]}))
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        let mut d = Client::default();
        password_step(&app, &mut d, &acc.username, &acc.password).await;
        let r = d
            .post(&app, "/api/v1/session/totp", json!({"code": wrong[5]}))
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        let count = |event: &'static str| {
            let db = app.svc.db.clone();
            async move { audit::recent(&db, Some(event), 50).await.unwrap().len() }
        };
        assert_eq!(count("totp_failure").await, 5, "one per checked guess");
        assert_eq!(count("totp_locked").await, 1, "one per lock");
        // After the minute the right code works.
        app.clock.advance(chrono::Duration::seconds(61));
        let mut e = Client::default();
        password_step(&app, &mut e, &acc.username, &acc.password).await;
        let code = linghuo_service::totp::code_at(&secret, app.clock.now().timestamp());
        let ok = e
            .post(&app, "/api/v1/session/totp", json!({"code": code}))
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        app
    })
    .await;
}

#[tokio::test]
async fn staff_need_a_single_use_second_factor() {
    each_app(|app| async move {
        let acc = account(&app, "sun.county", "staff", Some("140105"), &[]).await;
        let mut c = Client::default();
        c.start(&app).await;
        let r = c
            .post(
                &app,
                "/api/v1/session",
                json!({"username": acc.username, "password": acc.password}),
            )
            .await;
        assert_eq!(r.json()["next"], "second_factor");
        c.csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
        // Password alone gives no access.
        assert_eq!(
            c.get(&app, "/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            c.post(&app, "/api/v1/persons/search", json!({"q": ""}))
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );
        let wrong = c
            .post(&app, "/api/v1/session/totp", json!({"code": "000000"}))
            .await;
        assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
        let code =
            linghuo_service::totp::code_at(acc.totp.as_ref().unwrap(), app.clock.now().timestamp());
        let ok = c
            .post(&app, "/api/v1/session/totp", json!({"code": code}))
            .await;
        assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
        // The same code, replayed by another login within its window, is refused and alerted.
        let mut d = Client::default();
        d.start(&app).await;
        let r = d
            .post(
                &app,
                "/api/v1/session",
                json!({"username": acc.username, "password": acc.password}),
            )
            .await;
        d.csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
        let replay = d
            .post(&app, "/api/v1/session/totp", json!({"code": code}))
            .await;
        assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
        assert_eq!(
            audit::recent(&app.svc.db, Some("totp_replay_alert"), 10)
                .await
                .unwrap()
                .len(),
            1
        );
        app
    })
    .await;
}

#[tokio::test]
async fn idle_absolute_timeouts_and_logout() {
    each_app(|app| async move {
        let mut acc = account(&app, "qian.worker", "worker", None, &[]).await;
        let mut c = login(&app, &mut acc).await;
        app.clock.advance(chrono::Duration::minutes(29));
        assert_eq!(c.get(&app, "/api/v1/me").await.status, StatusCode::OK);
        app.clock.advance(chrono::Duration::minutes(31));
        assert_eq!(
            c.get(&app, "/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "31 idle minutes end the session"
        );

        let mut c = login(&app, &mut acc).await;
        for _ in 0..(12 * 4) {
            app.clock.advance(chrono::Duration::minutes(15));
            assert_eq!(c.get(&app, "/api/v1/me").await.status, StatusCode::OK);
        }
        app.clock.advance(chrono::Duration::minutes(1));
        assert_eq!(
            c.get(&app, "/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "12 h 1 min after login even with activity"
        );

        let mut c = login(&app, &mut acc).await;
        let token = c.cookie.clone();
        assert_eq!(
            c.send(&app, Method::DELETE, "/api/v1/session", None)
                .await
                .status,
            StatusCode::NO_CONTENT
        );
        let mut replay = Client {
            cookie: token,
            ..Client::default()
        };
        assert_eq!(
            replay.get(&app, "/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED,
            "logout ends the session on the server"
        );
        app
    })
    .await;
}

#[tokio::test]
async fn csrf_is_required_on_state_changes() {
    each_app(|app| async move {
        let mut c = app.staff_in("zhou.county", "140105").await;
        let body = json!({"name": "李四", "id_number": id_number("140105", 11), "jurisdiction_code": "140105"});
        let mut no_token = Client { csrf: String::new(), ..c.clone() };
        let r = no_token.post(&app, "/api/v1/persons", body.clone()).await;
        assert_eq!((r.status, r.json()["error"]["code"].as_str().unwrap()), (StatusCode::FORBIDDEN, "csrf_failed"));
        let mut other = Client::default();
        other.start(&app).await;
        let mut foreign = Client { csrf: other.csrf.clone(), ..c.clone() };
        assert_eq!(foreign.post(&app, "/api/v1/persons", body.clone()).await.status, StatusCode::FORBIDDEN, "another session's token");
        // A cross-site Origin is refused even with the right token.
        let req = axum::http::Request::builder()
            .method(Method::POST)
            .uri("/api/v1/persons")
            .header(header::HOST, "localhost")
            .header(header::ORIGIN, "https://evil.example")
            .header(header::COOKIE, format!("__Host-lh_session={}", c.cookie.clone().unwrap()))
            .header("x-csrf-token", &c.csrf)
            .header(header::CONTENT_TYPE, "application/json")
            .body(axum::body::Body::from(body.to_string()))
            .unwrap();
        let r = tower::ServiceExt::oneshot(app.router.clone(), req).await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
        // Nothing was written by the refused requests; the proper one works.
        assert_eq!(c.post(&app, "/api/v1/persons/search", json!({"q": ""})).await.json()["total"], 0);
        assert_eq!(c.post(&app, "/api/v1/persons", body).await.status, StatusCode::CREATED);
        app
    })
    .await;
}

#[tokio::test]
async fn bad_input_names_the_field_in_chinese_and_conflicts_are_409() {
    each_app(|app| async move {
        let mut c = app.staff_in("wu.county", "140105").await;
        let cases = [
            (json!({"name": "王五", "id_number": "110105194912310021", "jurisdiction_code": "140105"}), "id_number", "id_number_checksum"),
            (json!({"name": "王五", "id_number": id_number("140105", 1), "phone": "12345", "jurisdiction_code": "140105"}), "phone", ""),
            (json!({"name": "王五", "id_number": id_number("140105", 1), "jurisdiction_code": "999999"}), "jurisdiction_code", "region_unknown"),
            (json!({"name": "王五", "id_number": id_number("140105", 1), "jurisdiction_code": "140106"}), "jurisdiction_code", "jurisdiction_out_of_scope"),
            (json!({"name": "", "id_number": id_number("140105", 1), "jurisdiction_code": "140105"}), "name", "name_length"),
            (json!({"id_number": id_number("140105", 1), "jurisdiction_code": "140105"}), "$", "field_missing"),
            (json!({"name": "王五", "id_number": id_number("140105", 1), "jurisdiction_code": "140105", "colour": 1}), "$", "field_unknown"),
            (json!({"name": "王五", "id_number": id_number("140105", 1), "jurisdiction_code": "140105", "groups": [{"group": "astronaut"}]}), "groups[0].group", "group_unknown"),
        ];
        for (body, field, code) in cases {
            let r = c.post(&app, "/api/v1/persons", body).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            let e = &r.json()["error"];
            assert!(e["field"].as_str().unwrap().starts_with(field), "{e}");
            if !code.is_empty() {
                assert_eq!(e["code"], code, "{e}");
            }
            assert!(e["message"].as_str().unwrap().chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)), "Chinese message: {e}");
        }
        let ok = json!({"name": "王五", "id_number": id_number("140105", 1), "jurisdiction_code": "140105"});
        assert_eq!(c.post(&app, "/api/v1/persons", ok.clone()).await.status, StatusCode::CREATED);
        let dup = c.post(&app, "/api/v1/persons", ok).await;
        assert_eq!((dup.status, dup.json()["error"]["code"].as_str().unwrap()), (StatusCode::CONFLICT, "person_exists"));
        // Nothing half-written: one person, one creation audit row.
        assert_eq!(c.post(&app, "/api/v1/persons/search", json!({"q": ""})).await.json()["total"], 1);
        assert_eq!(audit::recent(&app.svc.db, Some("person_created"), 10).await.unwrap().len(), 1);
        app
    })
    .await;
}

#[tokio::test]
async fn region_scope_matrix_over_all_counties_through_every_person_endpoint() {
    each_app(|app| async move {
        // One person in each of the 117 counties, registered by province staff.
        let mut prov_acc = account(&app, "province.staff", "staff", Some("140000"), &["pii:reveal"]).await;
        let mut prov = login(&app, &mut prov_acc).await;
        prov.may_reveal = true;
        let counties = linghuo_domain::region::counties();
        let mut ids = Vec::new();
        for (i, county) in counties.iter().enumerate() {
            let idn = id_number(&county.as_str(), i as u32);
            let r = prov.post(&app, "/api/v1/persons", json!({"name": format!("测试{i}"), "id_number": idn, "phone": format!("138{:08}", i), "jurisdiction_code": county.as_str()})).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            ids.push((county.as_str(), r.json()["id"].as_str().unwrap().to_owned(), idn));
        }
        assert_eq!(prov.get(&app, "/api/v1/persons").await.json()["total"], 117);
        // Staff at every level: a city and three counties (the service-level test covers
        // every scope; this covers every endpoint).
        for (n, scope) in ["140100", "140105", "140521", "141082"].iter().enumerate() {
            let mut acc = account(&app, &format!("scope.{n}"), "staff", Some(scope), &["pii:reveal"]).await;
            let mut c = login(&app, &mut acc).await;
            c.may_reveal = true;
            let in_scope = ids.iter().filter(|(code, _, _)| code.starts_with(&scope[..if scope.ends_with("00") { 4 } else { 6 }])).count();
            let list = c.get(&app, "/api/v1/persons").await.json();
            assert_eq!(list["total"].as_i64().unwrap() as usize, in_scope, "{scope}: list total counts only in-scope rows");
            let denied_before = audit::recent(&app.svc.db, Some("access_denied"), 10_000).await.unwrap().len();
            let mut denied = 0;
            for (code, id, idn) in &ids {
                let visible = linghuo_domain::RegionCode::parse(code).unwrap().is_within(&linghuo_domain::RegionCode::parse(scope).unwrap());
                let get = c.get(&app, &format!("/api/v1/persons/{id}")).await;
                let search = c.post(&app, "/api/v1/persons/search", json!({"q": idn})).await.json();
                let reveal = c.post(&app, &format!("/api/v1/persons/{id}/reveal"), json!({"field": "id_number", "reason": "核对补贴发放"})).await;
                if visible {
                    assert_eq!(get.status, StatusCode::OK);
                    assert_eq!(search["total"], 1);
                    assert_eq!(reveal.json()["value"], idn.as_str());
                } else {
                    denied += 2;
                    assert_eq!(get.status, StatusCode::NOT_FOUND, "{scope} reads {code}");
                    assert_eq!(get.json()["error"]["code"], "not_found");
                    assert_eq!(search["total"], 0, "{scope} finds {code} by ID");
                    assert_eq!(reveal.status, StatusCode::NOT_FOUND, "{scope} reveals {code}");
                }
            }
            let denied_after = audit::recent(&app.svc.db, Some("access_denied"), 10_000).await.unwrap().len();
            assert_eq!(denied_after - denied_before, denied, "{scope}: every refused access is audited once");
        }
        app
    })
    .await;
}

#[tokio::test]
async fn masking_by_default_and_audited_reveal_with_permission() {
    each_app(|app| async move {
        let mut plain = app.staff_in("mask.county", "140105").await;
        let r = plain.post(&app, "/api/v1/persons", json!({"name": "张三丰", "id_number": "140105199003071234", "phone": "13812345678", "jurisdiction_code": "140105", "address": "<script>alert(1)</script>"})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let p = r.json();
        assert_eq!(p["id_number"], "140***********1234");
        assert_eq!(p["phone"], "138****5678");
        assert_eq!(p["name"], "张*丰");
        let id = p["id"].as_str().unwrap().to_owned();
        // Without the permission: refused, audited as denied.
        let r = plain.post(&app, &format!("/api/v1/persons/{id}/reveal"), json!({"field": "id_number", "reason": "核对"})).await;
        assert_eq!((r.status, r.json()["error"]["code"].as_str().unwrap()), (StatusCode::FORBIDDEN, "reveal_not_permitted"));
        // Page rendering escapes stored text.
        let mut web = plain.clone();
        let page = web.get(&app, &format!("/staff/persons/{id}")).await;
        assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || page.body.contains("&#60;script&#62;"), "escaped");
        assert!(!page.body.contains("<script>alert(1)"));
        // With the permission: a reason is required, then the value, then an audit row.
        let mut acc = account(&app, "reveal.county", "staff", Some("140105"), &["pii:reveal"]).await;
        let mut c = login(&app, &mut acc).await;
        c.may_reveal = true;
        let r = c.post(&app, &format!("/api/v1/persons/{id}/reveal"), json!({"field": "phone", "reason": ""})).await;
        assert_eq!(r.json()["error"]["field"], "reason");
        let before = audit::recent(&app.svc.db, Some("pii_reveal"), 100).await.unwrap().len();
        let r = c.post(&app, &format!("/api/v1/persons/{id}/reveal"), json!({"field": "phone", "reason": "电话回访核实"})).await;
        assert_eq!(r.json()["value"], "13812345678");
        let rows = audit::recent(&app.svc.db, Some("pii_reveal"), 100).await.unwrap();
        assert_eq!(rows.len(), before + 1);
        assert!(rows[0].detail.contains("电话回访核实") && rows[0].outcome == "success");
        assert!(!rows[0].detail.contains("13812345678"), "the audit row names the field, not the value");
        app
    })
    .await;
}

#[tokio::test]
async fn personal_data_is_encrypted_at_rest() {
    each_app(|app| async move {
        let mut c = app.staff_in("rest.county", "140105").await;
        for i in 0..5 {
            let r = c.post(&app, "/api/v1/persons", json!({"name": "赵六", "id_number": id_number("140105", 100 + i), "phone": format!("1391234567{i}"), "jurisdiction_code": "140105"})).await;
            assert_eq!(r.status, StatusCode::CREATED);
        }
        // Every column of every person row, as text and as bytes, holds no clear ID or phone.
        let rows = linghuo_storage::persons::search(&mut app.svc.db.begin_scoped("14").await.unwrap(), "14", linghuo_storage::persons::PersonFilter::All, 100, 0).await.unwrap().0;
        assert_eq!(rows.len(), 5);
        for r in rows {
            let dump = format!("{r:?} {} {}", String::from_utf8_lossy(&r.id_cipher), String::from_utf8_lossy(r.phone_cipher.as_deref().unwrap_or_default()));
            assert!(linghuo_domain::find_unmasked_pii(&dump).is_none(), "{dump}");
        }
        app
    })
    .await;
}

#[tokio::test]
async fn audit_chain_verifies_and_reports_the_first_tampered_row() {
    each_app(|app| async move {
        let mut c = app.staff_in("chain.county", "140105").await;
        for i in 0..3 {
            c.post(&app, "/api/v1/persons", json!({"name": "钱七", "id_number": id_number("140105", 200 + i), "jurisdiction_code": "140105"})).await;
        }
        let report = app.svc.verify_audit().await.unwrap();
        assert!(report.first_broken.is_none(), "{report:?}");
        assert!(report.checked >= 6);
        // The audit administrator sees it through the API; others do not.
        let mut aud = account(&app, "audit.officer", "auditadmin", None, &[]).await;
        let mut a = login(&app, &mut aud).await;
        assert_eq!(a.post(&app, "/api/v1/audit/verify", json!({})).await.json()["first_broken"], serde_json::Value::Null);
        assert_eq!(c.get(&app, "/api/v1/audit").await.status, StatusCode::FORBIDDEN);
        let mut sys = account(&app, "system.officer", "sysadmin", None, &[]).await;
        let mut s = login(&app, &mut sys).await;
        assert_eq!(s.get(&app, "/api/v1/audit").await.status, StatusCode::FORBIDDEN, "the system administrator cannot read the audit log");
        assert_eq!(s.get(&app, "/api/v1/persons").await.status, StatusCode::FORBIDDEN, "nor personal data");
        // Tamper with row 3 behind the application's back (disabling the append-only guard).
        let db = &app.svc.db;
        match db {
            linghuo_storage::Db::Sqlite(p) => {
                sqlx::query("DROP TRIGGER audit_log_no_update").execute(p).await.unwrap();
                sqlx::query("UPDATE audit_log SET object_id = 'forged' WHERE seq = 3").execute(p).await.unwrap();
            }
            linghuo_storage::Db::Postgres(app_pool) => {
                // The application role may not do this (migration 0011); the owner can.
                let refused = sqlx::query("UPDATE audit_log SET object_id = 'forged' WHERE seq = 3").execute(app_pool).await;
                assert!(refused.is_err(), "the application role cannot change audit rows");
                let owner_url = &app.test_db.as_ref().unwrap().owner_url;
                let owner = linghuo_storage::Db::connect(owner_url).await.unwrap();
                if let linghuo_storage::Db::Postgres(p) = &owner {
                    sqlx::query("ALTER TABLE audit_log DISABLE TRIGGER USER").execute(p).await.unwrap();
                    sqlx::query("UPDATE audit_log SET object_id = 'forged' WHERE seq = 3").execute(p).await.unwrap();
                }
                owner.close().await;
            }
        }
        let report = app.svc.verify_audit().await.unwrap();
        assert_eq!(report.first_broken, Some(3), "{report:?}");
        app
    })
    .await;
}

/// Refused: forbidden for a signed-in role, unauthenticated for an ended session.
fn refused(s: StatusCode) -> bool {
    s == StatusCode::FORBIDDEN || s == StatusCode::UNAUTHORIZED
}

/// Proposes an account change and returns the response.
async fn propose(app: &TestApp, c: &mut Client, body: Value) -> Resp {
    c.post(app, "/api/v1/account-changes", body).await
}

async fn decide(app: &TestApp, c: &mut Client, id: &str, action: &str, note: &str) -> Resp {
    c.post(
        app,
        &format!("/api/v1/account-changes/{id}/{action}"),
        json!({"note": note}),
    )
    .await
}

/// Enrols an account with the code sent to its owner; returns it ready to log in.
async fn enrol(app: &TestApp, username: &str, password: &str) -> Account {
    let (_, code) = enrolment_message(app, username);
    let mut anon = Client::default();
    anon.start(app).await;
    let r = anon
        .post(
            app,
            "/api/v1/enrolment/start",
            json!({"username": username, "code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let secret = r.json()["totp_secret"]
        .as_str()
        .map(|s| totp::from_base32(s).unwrap());
    app.clock.advance(chrono::Duration::seconds(30));
    let totp_code = secret
        .as_ref()
        .map(|s| totp::code_at(s, app.clock.now().timestamp()))
        .unwrap_or_default();
    let r = anon
        .post(app, "/api/v1/enrolment/finish", json!({"username": username, "code": code, "password": password, "totp_code": totp_code}))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    Account {
        username: username.into(),
        password: password.into(),
        totp: secret,
    }
}

/// SECURITY.md B6: every account operation, tried by every role. Only a proposal by one of
/// the system and security administrators, approved by the other (not the proposer, not the
/// subject), changes anything; no response carries a password or second-factor secret.
#[tokio::test]
async fn account_changes_need_two_administrators_of_different_roles() {
    each_app(|app| async move {
        let mut sys_acc = account(&app, "sys.officer", "sysadmin", None, &[]).await;
        let mut sys2_acc = account(&app, "sys.deputy", "sysadmin", None, &[]).await;
        let mut sec_acc = account(&app, "security.officer", "secadmin", None, &[]).await;
        let mut aud_acc = account(&app, "audit.officer", "auditadmin", None, &[]).await;
        let mut staff_acc = account(&app, "moved.staff", "staff", Some("140105"), &[]).await;
        let mut sys = login(&app, &mut sys_acc).await;
        let mut sys2 = login(&app, &mut sys2_acc).await;
        let mut sec = login(&app, &mut sec_acc).await;
        let mut aud = login(&app, &mut aud_acc).await;
        let mut staff = login(&app, &mut staff_acc).await;
        let mut anon = Client::default();
        anon.start(&app).await;
        let r = staff.post(&app, "/api/v1/persons", json!({"name": "孙八", "id_number": id_number("140105", 300), "jurisdiction_code": "140105"})).await;
        let person = r.json()["id"].as_str().unwrap().to_owned();

        // The old one-person routes are gone.
        assert_eq!(sys.post(&app, "/api/v1/users", json!({"username": "x.y", "display_name": "x", "role": "staff", "scope_code": "140000"})).await.status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(sys.post(&app, "/api/v1/users/audit.officer/disable", json!({})).await.status, StatusCode::NOT_FOUND);

        let phone = "13912345678";
        let cases = [
            json!({"kind": "create", "username": "new.clerk", "display_name": "新经办员", "role": "staff", "scope_code": "140105", "contact_phone": phone, "reason": "小店区窗口新进人员"}),
            json!({"kind": "set_access", "username": "moved.staff", "scope_code": "140106", "permissions": ["pii:reveal"], "reason": "调往迎泽区"}),
            json!({"kind": "disable", "username": "audit.officer", "reason": "离岗"}),
            json!({"kind": "enable", "username": "audit.officer", "reason": "返岗"}),
            json!({"kind": "reset_credentials", "username": "moved.staff", "contact_phone": phone, "reason": "手机丢失"}),
        ];
        for (n, body) in cases.iter().enumerate() {
            // Nobody but the two account administrators may propose.
            for (who, c) in [("audit", &mut aud), ("staff", &mut staff)] {
                let r = propose(&app, c, body.clone()).await;
                assert!(refused(r.status), "{who} proposing {body}: {}", r.body);
            }
            assert_eq!(propose(&app, &mut anon, body.clone()).await.status, StatusCode::UNAUTHORIZED);
            // Alternate who proposes: the system administrator, then the security administrator.
            let (proposer, approver_ok) = if n % 2 == 0 { (&mut sys, &mut sec) } else { (&mut sec, &mut sys) };
            let r = propose(&app, proposer, body.clone()).await;
            assert_eq!(r.status, StatusCode::CREATED, "{body}: {}", r.body);
            let id = r.json()["id"].as_str().unwrap().to_owned();
            assert_eq!(r.json()["status"], "pending");
            // One pending change per account.
            assert_eq!(propose(&app, proposer, body.clone()).await.json()["error"]["code"], "change_pending");
            // Not the proposer, not an audit admin or staff, not the same role.
            assert_eq!(decide(&app, proposer, &id, "approve", "").await.json()["error"]["code"], "own_proposal");
            assert!(refused(decide(&app, &mut aud, &id, "approve", "").await.status));
            assert!(refused(decide(&app, &mut staff, &id, "approve", "").await.status));
            if n % 2 == 0 {
                assert_eq!(decide(&app, &mut sys2, &id, "approve", "").await.json()["error"]["code"], "same_role_approval");
            }
            let r = decide(&app, approver_ok, &id, "approve", "核实无误").await;
            assert_eq!(r.status, StatusCode::OK, "{body}: {}", r.body);
            assert_eq!(r.json()["status"], "applied");
            for secret in ["one_time_password", "totp_secret", "otpauth_uri", "password"] {
                assert!(!r.body.contains(secret), "approval answer carries {secret}: {}", r.body);
            }
            assert_eq!(decide(&app, approver_ok, &id, "approve", "").await.json()["error"]["code"], "change_decided", "decided once");
            match n {
                0 => {
                    // The new account is enrolled by its owner with the code sent to their phone.
                    assert!(r.json()["delivered_to"].as_str().unwrap().contains("****"));
                    let mut clerk = enrol(&app, "new.clerk", "晋中平遥古城 2026 冬").await;
                    let mut c = login(&app, &mut clerk).await;
                    assert_eq!(c.get(&app, &format!("/api/v1/persons/{person}")).await.status, StatusCode::OK);
                }
                1 => assert_eq!(staff.get(&app, &format!("/api/v1/persons/{person}")).await.status, StatusCode::NOT_FOUND, "moved scope applies at once"),
                2 => assert_eq!(aud.get(&app, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED, "a disabled account's session ends"),
                3 => aud = login(&app, &mut aud_acc).await,
                _ => {
                    assert_eq!(staff.get(&app, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED, "a reset ends the sessions");
                    let old = staff_acc.password.clone();
                    let mut again = Account { username: "moved.staff".into(), password: old, totp: staff_acc.totp.clone() };
                    let mut c = Client::default();
                    c.start(&app).await;
                    let r = c.post(&app, "/api/v1/session", json!({"username": again.username, "password": again.password})).await;
                    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "the old password no longer works");
                    again = enrol(&app, "moved.staff", "太行山上 2026 新密码").await;
                    login(&app, &mut again).await;
                }
            }
        }
        // Nobody changes their own account, and a rejection needs a reason.
        assert_eq!(propose(&app, &mut sys, json!({"kind": "disable", "username": "sys.officer", "reason": "x"})).await.json()["error"]["code"], "self_change");
        let r = propose(&app, &mut sec, json!({"kind": "disable", "username": "sys.officer", "reason": "调离"})).await;
        let id = r.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(decide(&app, &mut sys, &id, "approve", "").await.status, StatusCode::FORBIDDEN, "the subject cannot approve");
        assert_eq!(decide(&app, &mut sys2, &id, "reject", "").await.json()["error"]["code"], "note_required");
        assert_eq!(decide(&app, &mut sys2, &id, "reject", "未经批准").await.json()["status"], "rejected");
        assert_eq!(sys.get(&app, "/api/v1/me").await.status, StatusCode::OK, "rejected: nothing changed");
        // Bad input is named.
        let r = propose(&app, &mut sys, json!({"kind": "create", "username": "admin", "display_name": "x", "role": "sysadmin", "contact_phone": phone, "reason": "x"})).await;
        assert_eq!(r.json()["error"]["code"], "username_reserved");
        let r = propose(&app, &mut sys, json!({"kind": "create", "username": "no.phone", "display_name": "x", "role": "staff", "scope_code": "140105", "reason": "x"})).await;
        assert_eq!(r.json()["error"]["field"], "contact_phone");
        // A proposal or decision needs a step-up within the last five minutes.
        app.clock.advance(chrono::Duration::minutes(6));
        let body = json!({"kind": "disable", "username": "new.clerk", "reason": "试用期满"});
        assert_eq!(propose(&app, &mut sys, body.clone()).await.json()["error"]["code"], "step_up_required");
        let r = sys.post(&app, "/api/v1/session/step-up", json!({"password": "wrong", "code": "000000"})).await;
        assert_eq!(r.json()["error"]["code"], "step_up_rejected");
        step_up(&app, &mut sys, &sys_acc).await;
        assert_eq!(propose(&app, &mut sys, body).await.status, StatusCode::CREATED);
        // Every step is in the audit log.
        let audit = login(&app, &mut aud_acc).await.get(&app, "/api/v1/audit?limit=500").await.body;
        for e in ["account_change_proposed", "account_change_approved", "account_change_rejected", "user_created", "user_enrolled", "user_access_changed", "user_disabled", "user_enabled", "user_credentials_reset", "step_up", "step_up_failure"] {
            assert!(audit.contains(e), "audit has no {e}");
        }
        app
    })
    .await;
}

/// Five wrong enrolment codes revoke the enrolment: the right code no longer works.
#[tokio::test]
async fn enrolment_codes_cannot_be_guessed() {
    each_app(|app| async move {
        let mut sys_acc = account(&app, "sys.officer", "sysadmin", None, &[]).await;
        let mut sec_acc = account(&app, "security.officer", "secadmin", None, &[]).await;
        let mut sys = login(&app, &mut sys_acc).await;
        let mut sec = login(&app, &mut sec_acc).await;
        let r = propose(&app, &mut sys, json!({"kind": "create", "username": "guessed.one", "display_name": "王五", "role": "staff", "scope_code": "140105", "contact_phone": "13912345678", "reason": "新进人员"})).await;
        let id = r.json()["id"].as_str().unwrap().to_owned();
        assert_eq!(decide(&app, &mut sec, &id, "approve", "").await.status, StatusCode::OK);
        let (to, code) = enrolment_message(&app, "guessed.one");
        assert_eq!(to, "13912345678", "the code goes to the owner's phone");
        let mut anon = Client::default();
        anon.start(&app).await;
        for _ in 0..5 {
            let r = anon.post(&app, "/api/v1/enrolment/start", json!({"username": "guessed.one", "code": "ABCD-EFGH-JKMN"})).await;
            assert_eq!(r.json()["error"]["code"], "enrolment_code_wrong");
        }
        let r = anon.post(&app, "/api/v1/enrolment/start", json!({"username": "guessed.one", "code": code})).await;
        assert_eq!(r.json()["error"]["code"], "enrolment_code_wrong", "revoked after five wrong codes");
        // An unknown user answers the same.
        let r = anon.post(&app, "/api/v1/enrolment/start", json!({"username": "nobody.here", "code": code})).await;
        assert_eq!(r.json()["error"]["code"], "enrolment_code_wrong");
        app
    })
    .await;
}

#[tokio::test]
async fn policy_screen_contract_over_http() {
    each_app(|app| async move {
        let mut c = Client::default();
        let facts = json!({
            "as_of": "2021-07-15",
            "person": {"groups": ["college_graduate"], "left_school_on": "2020-07-01", "flexible_work": "part_time"},
            "business": {"kind": "individual_household", "registered_on": "2020-11-10", "first_time": true, "operating_normally": true, "employees_driven": 2},
            "tax_years": [{"year": 2021, "vat": "10000.00", "urban_maintenance_tax": "700.00", "education_surcharge": "300.00", "local_education_surcharge": "200.00", "individual_income_tax": "5000.00"}],
            "social_insurance_paid": [{"month": "2021-01", "amount": "600.00"}],
            "loan": {"purpose": "startup"},
            "startup_subsidy_paid": "0.00"
        });
        // No session and no CSRF token needed: the contract is open to other systems.
        let r = c.post(&app, "/api/v1/policy/screen", facts.clone()).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let d = r.json();
        assert_eq!(d["benefits"].as_array().unwrap().len(), 11);
        assert_eq!(d["benefits"][0]["id"], "tax_deduction");
        assert_eq!(d["benefits"][0]["amount"], "14400.00");
        let mut bad = facts.clone();
        bad["person"]["groups"] = json!(["astronaut"]);
        let r = c.post(&app, "/api/v1/policy/screen", bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert!(r.json()["error"]["field"].as_str().unwrap().contains("groups"), "{}", r.body);
        app
    })
    .await;
}

#[tokio::test]
async fn openapi_document_is_stable() {
    let doc: serde_json::Value = serde_json::to_value(linghuo_http::api::openapi()).unwrap();
    insta::assert_json_snapshot!("openapi", doc);
}

/// Real browsers: a same-site form post may carry `Origin: null` with `Sec-Fetch-Site:
/// same-origin` and must pass; a cross-site fetch is refused even with a valid token.
#[tokio::test]
async fn fetch_metadata_decides_before_origin() {
    each_app(|app| async move {
        let mut c = Client::default();
        c.start(&app).await;
        let send = |site: &'static str, origin: &'static str| {
            let req = axum::http::Request::builder()
                .method(Method::POST)
                .uri("/api/v1/session")
                .header(header::HOST, "localhost")
                .header(header::ORIGIN, origin)
                .header("sec-fetch-site", site)
                .header(
                    header::COOKIE,
                    format!("__Host-lh_session={}", c.cookie.clone().unwrap()),
                )
                .header("x-csrf-token", &c.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(
                    json!({"username": "nobody.x", "password": "wrong password 1"}).to_string(),
                ))
                .unwrap();
            tower::ServiceExt::oneshot(app.router.clone(), req)
        };
        assert_eq!(
            send("same-origin", "null").await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "reaches the login check"
        );
        assert_eq!(
            send("cross-site", "http://localhost")
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            send("same-site", "http://localhost")
                .await
                .unwrap()
                .status(),
            StatusCode::FORBIDDEN
        );
        app
    })
    .await;
}
