//! Pages through the real router: form posts with the CSRF field, the policy calculator and
//! policy text, elder mode, and the staff pages' masking.

use crate::common::*;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

/// A browser: cookies and the CSRF token scraped from the last page.
struct Browser {
    cookies: Vec<(String, String)>,
    csrf: String,
    /// The socket address this browser's requests come from (its own, for rate limits).
    peer: std::net::SocketAddr,
}

struct Page {
    status: StatusCode,
    location: Option<String>,
    html: String,
}

impl Browser {
    fn new() -> Browser {
        Browser {
            cookies: vec![],
            csrf: String::new(),
            peer: next_peer(),
        }
    }

    async fn request(
        &mut self,
        app: &TestApp,
        method: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> Page {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "localhost")
            .extension(axum::extract::ConnectInfo(self.peer));
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        if !cookie.is_empty() {
            b = b.header(header::COOKIE, cookie);
        }
        let req = if method == "POST" {
            let mut pairs: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
            pairs.extend_from_slice(form);
            let body = serde_urlencoded::to_string(&pairs).unwrap();
            b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap()
        } else {
            b.body(Body::empty()).unwrap()
        };
        let resp = app.router.clone().oneshot(req).await.unwrap();
        for v in resp.headers().get_all(header::SET_COOKIE) {
            let (kv, _) = v.to_str().unwrap().split_once(';').unwrap();
            let (k, v) = kv.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !v.is_empty() {
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
        let status = resp.status();
        let location = resp
            .headers()
            .get(header::LOCATION)
            .map(|v| v.to_str().unwrap().to_owned());
        let html = String::from_utf8(
            axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap()
                .to_vec(),
        )
        .unwrap();
        if let Some(i) = html.find("name=\"_csrf\" value=\"") {
            let rest = &html[i + 20..];
            self.csrf = rest[..rest.find('"').unwrap()].to_owned();
        }
        assert_eq!(
            linghuo_domain::find_unmasked_pii(&html),
            None,
            "unmasked personal data on {path}"
        );
        Page {
            status,
            location,
            html,
        }
    }

    async fn get(&mut self, app: &TestApp, path: &str) -> Page {
        self.request(app, "GET", path, &[]).await
    }

    async fn post(&mut self, app: &TestApp, path: &str, form: &[(&str, &str)]) -> Page {
        self.request(app, "POST", path, form).await
    }
}

#[tokio::test]
async fn staff_log_in_through_forms_register_and_find_a_person_masked() {
    each_app(|app| async move {
        let acc = account(&app, "form.county", "staff", Some("140105"), &[]).await;
        let mut b = Browser::new();
        assert!(b.get(&app, "/").await.html.contains("灵活就业"));
        assert_eq!(
            b.get(&app, "/staff").await.location.as_deref(),
            Some("/login?next=%2Fstaff")
        );
        b.get(&app, "/login").await;
        // A wrong password is said in words.
        let p = b
            .post(
                &app,
                "/login",
                &[("username", &acc.username), ("password", "wrong password!")],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNAUTHORIZED);
        assert!(p.html.contains("用户名或密码错误"));
        let p = b
            .post(
                &app,
                "/login",
                &[("username", &acc.username), ("password", &acc.password)],
            )
            .await;
        assert_eq!(p.location.as_deref(), Some("/login/totp"));
        assert_eq!(
            b.get(&app, "/staff").await.location.as_deref(),
            Some("/login/totp"),
            "no access on the password alone"
        );
        b.get(&app, "/login/totp").await;
        app.clock.advance(chrono::Duration::seconds(30));
        let code =
            linghuo_service::totp::code_at(acc.totp.as_ref().unwrap(), app.clock.now().timestamp());
        let p = b.post(&app, "/login/totp", &[("code", &code)]).await;
        assert_eq!(p.location.as_deref(), Some("/account/password"));
        b.get(&app, "/account/password").await;
        let p = b
            .post(
                &app,
                "/account/password",
                &[
                    ("old_password", &acc.password),
                    ("new_password", "password1234"),
                    ("new_password2", "password1234"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(
            p.html.contains("常见"),
            "common password refused beside the field"
        );
        let newp = "山西灵活就业 2026 春";
        let p = b
            .post(
                &app,
                "/account/password",
                &[
                    ("old_password", &acc.password),
                    ("new_password", newp),
                    ("new_password2", newp),
                ],
            )
            .await;
        assert_eq!(p.location.as_deref(), Some("/staff"));
        let home = b.get(&app, "/staff").await;
        assert!(
            home.html.contains("山西省太原市小店区"),
            "the region is always visible"
        );
        b.get(&app, "/staff/persons/new").await;
        let bad = b
            .post(
                &app,
                "/staff/persons/new",
                &[
                    ("name", "张三丰"),
                    ("id_number", "140105199003071235"),
                    ("phone", "13812345678"),
                    ("jurisdiction_code", "140105"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(
            bad.html.contains("id_number-error") && bad.html.contains("value=\"张三丰\""),
            "error beside the field, input kept"
        );
        assert!(
            bad.html.contains("140105199003071235"),
            "the wrong number is shown again to correct it"
        );
        let p = b
            .post(
                &app,
                "/staff/persons/new",
                &[
                    ("name", "张三丰"),
                    ("id_number", "140105199003071234"),
                    ("phone", "13812345678"),
                    ("jurisdiction_code", "140105"),
                    ("group", "college_graduate"),
                    ("group_since", "2020-07-01"),
                ],
            )
            .await;
        let loc = p.location.expect("redirect to the new person");
        let detail = b.get(&app, &loc).await;
        assert!(
            detail.html.contains("140***********1234")
                && detail.html.contains("138****5678")
                && detail.html.contains("张*丰")
        );
        assert!(detail.html.contains("高校毕业生"));
        let found = b
            .post(&app, "/staff/persons", &[("q", "140105199003071234")])
            .await;
        assert!(found.html.contains("共找到 1 人") && found.html.contains("id=\"person-results\""));
        // Logging out ends the session.
        let p = b.post(&app, "/logout", &[]).await;
        assert_eq!(p.location.as_deref(), Some("/"));
        assert_eq!(
            b.get(&app, "/staff").await.location.as_deref(),
            Some("/login?next=%2Fstaff")
        );
        app
    })
    .await;
}

#[tokio::test]
async fn a_form_post_without_the_csrf_field_is_refused() {
    each_app(|app| async move {
        let mut b = Browser::new();
        b.get(&app, "/login").await;
        b.csrf = "forged".into();
        let p = b
            .post(&app, "/login", &[("username", "x"), ("password", "y")])
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        assert!(p.html.contains("刷新"));
        app
    })
    .await;
}

/// The calculator answers with the configured parameter overrides and names them (issue 15).
#[tokio::test]
async fn the_calculator_uses_and_names_the_configured_overrides() {
    let config = || {
        let mut c = linghuo_service::Config::default();
        c.policy.parameter_overrides = vec!["startup_subsidy.per_person=800@2019-01-01".into()];
        c
    };
    each_app_with(config, |app| async move {
        let mut b = Browser::new();
        b.get(&app, "/policy").await;
        let p = b
            .post(
                &app,
                "/policy",
                &[
                    ("as_of", "2021-07-15"),
                    ("group", "college_graduate"),
                    ("left_school_on", "2020-07-01"),
                    ("business_kind", "individual_household"),
                    ("registered_on", "2020-11-10"),
                    ("first_time", "1"),
                    ("operating_normally", "1"),
                    ("employees_driven", "2"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK);
        assert!(
            p.html.contains(
                "本省调整的参数：一次性创业补贴：每带动一人就业的补贴标准为800.00元（2019年1月1日起）"
            ),
            "{}",
            p.html
        );
        // Two people driven at 800 each, not the document's 1,000.
        assert!(p.html.contains("1,600.00"), "{}", p.html);
        app
    })
    .await;
}

#[tokio::test]
async fn policy_calculator_and_text() {
    each_app(|app| async move {
        let mut b = Browser::new();
        let p = b.get(&app, "/policy").await;
        assert!(p.html.contains("政策计算器"));
        let p = b
            .post(
                &app,
                "/policy",
                &[
                    ("as_of", "2021-07-15"),
                    ("group", "college_graduate"),
                    ("left_school_on", "2020-07-01"),
                    ("business_kind", "individual_household"),
                    ("registered_on", "2020-11-10"),
                    ("first_time", "1"),
                    ("operating_normally", "1"),
                    ("employees_driven", "2"),
                    ("tax_year", "2021"),
                    ("vat", "10000.00"),
                    ("urban_maintenance_tax", "700.00"),
                    ("education_surcharge", "300.00"),
                    ("local_education_surcharge", "200.00"),
                    ("individual_income_tax", "5000.00"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::OK);
        for expected in [
            "重点群体创业税收扣减",
            "14,400.00 元",
            "一次性创业补贴",
            "2021年11月10日起",
            "二(一)",
            "怎样才能符合",
        ] {
            assert!(p.html.contains(expected), "{expected}");
        }
        assert_eq!(
            p.html.matches("<article class=\"card\"").count(),
            11,
            "every benefit is shown"
        );
        let bad = b
            .post(
                &app,
                "/policy",
                &[
                    ("as_of", "2021-07-15"),
                    ("business_kind", "individual_household"),
                    ("registered_on", "2020-13-40"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST);
        assert!(bad.html.contains("field-error"));
        let text = b.get(&app, "/policy/text").await;
        assert!(text.html.contains("id=\"clause-二(一)\"") && text.html.contains("tax_deduction"));
        app
    })
    .await;
}

#[tokio::test]
async fn elder_mode_and_not_found_pages() {
    each_app(|app| async move {
        let mut b = Browser::new();
        b.get(&app, "/").await;
        let p = b.post(&app, "/prefs/elder", &[("back", "/policy")]).await;
        assert_eq!(p.location.as_deref(), Some("/policy"));
        assert!(
            b.get(&app, "/")
                .await
                .html
                .contains("<html lang=\"zh-CN\" class=\"elder\">")
        );
        let p = b
            .post(&app, "/prefs/elder", &[("back", "//evil.example")])
            .await;
        assert_eq!(p.location.as_deref(), Some("/"), "no open redirect");
        let nf = b.get(&app, "/no/such/page").await;
        assert_eq!(nf.status, StatusCode::NOT_FOUND);
        assert!(nf.html.contains("页面不存在"));
        app
    })
    .await;
}
