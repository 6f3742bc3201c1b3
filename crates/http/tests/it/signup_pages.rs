//! The sign-up pages through the real router, on SQLite and (with `TEST_DATABASE_URL`)
//! PostgreSQL: 注册 as a worker and as an employer (enterprise and household), mistakes said
//! beside the field with what was typed kept — but never an ID number or a password — and
//! where each role lands after logging in. Every page is scanned for unmasked ID and phone
//! numbers (the Location of every redirect too), for POST forms without the CSRF field and
//! for fields without a label.

use crate::common::*;
use crate::forms::*;
use axum::http::StatusCode;

/// A password the policy accepts, with spaces inside and at the end (kept as typed).
const TYPED_PASSWORD: &str = "汾河水长流 2026 秋 ";

/// Logs in through the form; returns where the login sent the browser.
async fn form_login(app: &TestApp, b: &mut Browser, username: &str, password: &str) -> String {
    let p = b.get(app, "/login").await;
    assert_eq!(p.status, StatusCode::OK);
    let p = b
        .post(
            app,
            "/login",
            &[("username", username), ("password", password)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}: {}", app.label, p.html);
    p.location.expect("a redirect after login")
}

/// The page does not carry the value anywhere, not even in a field.
fn assert_absent(p: &Page, value: &str, what: &str) {
    assert!(!p.html.contains(value), "{what} sent back into the page");
}

#[tokio::test]
async fn a_worker_signs_up_and_lands_in_work() {
    each_app(|app| async move {
        let mut b = Browser::new();
        let home = b.get(&app, "/").await;
        assert!(home.html.contains("href=\"/signup\""), "home links 注册");
        let login = b.get(&app, "/login").await;
        assert!(login.html.contains("href=\"/signup\""), "login links 注册");
        let choose = b.get(&app, "/signup").await;
        assert_eq!(choose.status, StatusCode::OK);
        assert!(choose.html.contains("href=\"/signup/worker\""));
        assert!(choose.html.contains("href=\"/signup/employer\""));
        let p = b.get(&app, "/signup/worker").await;
        assert_eq!(p.status, StatusCode::OK);
        for field in [
            "username",
            "password",
            "password2",
            "name",
            "id_number",
            "phone",
            "county_code",
        ] {
            assert!(
                p.html.contains(&format!("name=\"{field}\"")),
                "field {field} on the worker form"
            );
        }
        assert!(p.html.contains("<option value=\"140105\""), "county select");

        let idn = id_number("140105", 11);
        let p = b
            .post(
                &app,
                "/signup/worker",
                &[
                    ("username", "li.xiuying"),
                    ("password", TYPED_PASSWORD),
                    ("password2", TYPED_PASSWORD),
                    ("name", "李秀英"),
                    ("id_number", &idn),
                    ("phone", "13712340011"),
                    ("county_code", "140105"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        assert_eq!(p.location.as_deref(), Some("/login?ok=worker"));
        let login = b.get(&app, "/login?ok=worker").await;
        assert!(login.html.contains("注册成功"), "{}", login.html);

        // The password works exactly as typed, trailing space included.
        let to = form_login(&app, &mut b, "li.xiuying", TYPED_PASSWORD).await;
        assert_eq!(to, "/work");
        let work = b.get(&app, "/work").await;
        assert_eq!(work.status, StatusCode::OK);
        assert!(
            work.html.contains("我的账户（李秀英）"),
            "logged in as the new worker"
        );
        // Logged in, /login and /signup lead on instead of showing forms.
        assert_eq!(
            b.get(&app, "/login").await.location.as_deref(),
            Some("/work")
        );
        assert_eq!(
            b.get(&app, "/signup/worker").await.location.as_deref(),
            Some("/account")
        );
        app
    })
    .await;
}

#[tokio::test]
async fn employers_sign_up_as_enterprise_and_household() {
    each_app(|app| async move {
        let mut b = Browser::new();
        let p = b.get(&app, "/signup/employer").await;
        assert_eq!(p.status, StatusCode::OK);
        for kind in [
            "enterprise",
            "individual_household",
            "household",
            "platform",
        ] {
            assert!(
                p.html.contains(&format!("value=\"{kind}\"")),
                "kind {kind} offered"
            );
        }
        assert!(p.html.contains("个体工商户") && p.html.contains("户主身份证号码"));
        let p = b
            .post(
                &app,
                "/signup/employer",
                &[
                    ("username", "fenshui.jiazheng"),
                    ("password", TYPED_PASSWORD),
                    ("password2", TYPED_PASSWORD),
                    ("kind", "enterprise"),
                    ("name", "太原汾水家政服务有限公司"),
                    ("uscc", "91110000600037341L"),
                    ("holder_id_number", ""),
                    ("contact_name", "王经理"),
                    ("contact_phone", "13912345678"),
                    ("county_code", "140105"),
                    ("address", "小店区长治路"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        assert_eq!(p.location.as_deref(), Some("/login?ok=employer"));
        let login = b.get(&app, "/login?ok=employer").await;
        assert!(login.html.contains("注册成功"));
        let to = form_login(&app, &mut b, "fenshui.jiazheng", TYPED_PASSWORD).await;
        assert_eq!(to, "/employer");
        let home = b.get(&app, "/employer").await;
        assert!(
            home.html.contains("太原汾水家政服务有限公司") && home.html.contains("待核验"),
            "{}",
            home.html
        );
        assert!(home.html.contains("139****5678"), "the phone, masked");

        // A household gives the holder's ID number instead of a 统一社会信用代码 (a code
        // typed into the other field is not sent).
        let mut h = Browser::new();
        h.get(&app, "/signup/employer").await;
        let p = h
            .post(
                &app,
                "/signup/employer",
                &[
                    ("username", "zhang.household"),
                    ("password", TYPED_PASSWORD),
                    ("password2", TYPED_PASSWORD),
                    ("kind", "household"),
                    ("name", "张桂兰"),
                    ("uscc", "not a code"),
                    ("holder_id_number", &id_number("140106", 21)),
                    ("contact_name", "张桂兰"),
                    ("county_code", "140106"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        let to = form_login(&app, &mut h, "zhang.household", TYPED_PASSWORD).await;
        assert_eq!(to, "/employer");
        let home = h.get(&app, "/employer").await;
        assert!(
            home.html.contains("<dt>单位类型</dt><dd>家庭</dd>"),
            "{}",
            home.html
        );
        app
    })
    .await;
}

#[tokio::test]
async fn mistakes_are_said_beside_the_field_without_echoing_id_numbers() {
    each_app(|app| async move {
        let good_id = id_number("140105", 31);
        // One wrong check character.
        let bad_id = {
            let last = good_id.chars().last().unwrap();
            let wrong = if last == '1' { '2' } else { '1' };
            format!("{}{wrong}", &good_id[..17])
        };
        let worker = [
            ("username", "wang.fang"),
            ("password", TYPED_PASSWORD),
            ("password2", TYPED_PASSWORD),
            ("name", "王芳"),
            ("id_number", good_id.as_str()),
            ("phone", "13612340031"),
            ("county_code", "140105"),
        ];
        let mut b = Browser::new();
        b.get(&app, "/signup/worker").await;

        // A bad ID number: said beside it; name, user name and county kept; neither the
        // typed number nor the password in the page.
        let p = b
            .post(
                &app,
                "/signup/worker",
                &with(&worker, &[("id_number", bad_id.as_str())]),
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.html);
        assert!(p.html.contains("id=\"id_number-error\""), "{}", p.html);
        assert!(p.html.contains("value=\"王芳\""), "name kept");
        assert!(p.html.contains("value=\"wang.fang\""), "user name kept");
        assert!(
            p.html.contains("<option value=\"140105\" selected"),
            "county kept"
        );
        assert_absent(&p, &bad_id, "the ID number");
        assert_absent(&p, &bad_id[..17], "the ID number");
        assert_absent(&p, TYPED_PASSWORD.trim(), "the password");
        assert!(
            p.html.contains("id=\"phone-error\""),
            "asked to type the phone again"
        );
        assert_absent(&p, "13612340031", "the phone number");

        // A weak password: said beside it, everything else kept, the ID number asked again.
        let p = b
            .post(
                &app,
                "/signup/worker",
                &with(
                    &worker,
                    &[("password", "12345678"), ("password2", "12345678")],
                ),
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.html);
        assert!(p.html.contains("id=\"password-error\""), "{}", p.html);
        assert!(p.html.contains("value=\"王芳\"") && p.html.contains("value=\"wang.fang\""));
        assert!(p.html.contains("id=\"id_number-error\""), "ID asked again");
        assert_absent(&p, &good_id, "the ID number");
        assert_absent(&p, "12345678", "the password");

        // Two passwords that differ.
        let p = b
            .post(
                &app,
                "/signup/worker",
                &with(&worker, &[("password2", "汾河水长流 2026 冬")]),
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.html.contains("id=\"password2-error\""), "{}", p.html);

        // Several mistakes at once are all said.
        let p = b
            .post(
                &app,
                "/signup/worker",
                &with(
                    &worker,
                    &[
                        ("username", "Admin!"),
                        ("name", ""),
                        ("phone", "1234"),
                        ("county_code", "140100"),
                    ],
                ),
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        for f in ["username", "name", "phone", "county_code"] {
            assert!(
                p.html.contains(&format!("id=\"{f}-error\"")),
                "{f}: {}",
                p.html
            );
        }
        assert!(p.html.contains("value=\"1234\""), "a wrong phone is kept");

        // A user name already taken (checked by the service).
        let mut first = Browser::new();
        first.get(&app, "/signup/worker").await;
        let other_id = id_number("140105", 32);
        let p = first
            .post(
                &app,
                "/signup/worker",
                &with(&worker, &[("id_number", other_id.as_str()), ("phone", "")]),
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
        let p = b.post(&app, "/signup/worker", &worker).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.html);
        assert!(p.html.contains("id=\"username-error\""), "{}", p.html);
        assert!(p.html.contains("该用户名不可用"));
        assert!(p.html.contains("value=\"wang.fang\"") && p.html.contains("value=\"王芳\""));
        assert_absent(&p, &good_id, "the ID number");
        assert_absent(&p, TYPED_PASSWORD.trim(), "the password");

        // The same person again under another user name: said above the form.
        let p = b
            .post(
                &app,
                "/signup/worker",
                &with(
                    &worker,
                    &[("username", "wang.fang2"), ("id_number", other_id.as_str())],
                ),
            )
            .await;
        assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.html);
        assert!(p.html.contains("该身份证号码已登记"), "{}", p.html);
        assert_absent(&p, &other_id, "the ID number");

        // The employer form: a household with a bad holder ID number, and a bad code.
        let employer = [
            ("username", "liu.household"),
            ("password", TYPED_PASSWORD),
            ("password2", TYPED_PASSWORD),
            ("kind", "household"),
            ("name", "刘桂香"),
            ("holder_id_number", bad_id.as_str()),
            ("contact_name", "刘桂香"),
            ("contact_phone", ""),
            ("county_code", "140105"),
            ("address", "小店区平阳路"),
        ];
        b.get(&app, "/signup/employer").await;
        let p = b.post(&app, "/signup/employer", &employer).await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.html);
        assert!(
            p.html.contains("id=\"holder_id_number-error\""),
            "{}",
            p.html
        );
        assert!(p.html.contains("value=\"household\" checked"), "kind kept");
        assert!(p.html.contains("value=\"刘桂香\"") && p.html.contains("value=\"小店区平阳路\""));
        assert_absent(&p, &bad_id, "the holder's ID number");
        assert_absent(&p, &bad_id[..17], "the holder's ID number");
        let p = b
            .post(
                &app,
                "/signup/employer",
                &with(
                    &employer,
                    &[
                        ("kind", "individual_household"),
                        ("uscc", "9111000060003734"),
                        ("password", "password"),
                        ("password2", "password"),
                    ],
                ),
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST);
        assert!(p.html.contains("id=\"uscc-error\"") && p.html.contains("id=\"password-error\""));
        assert!(
            p.html.contains("value=\"9111000060003734\""),
            "the wrong code is shown to correct it"
        );
        assert!(!p.html.contains("id=\"holder_id_number-error\""));
        assert_absent(&p, &bad_id, "the holder's ID number");

        // A user name already taken, on the employer form.
        let p = b
            .post(
                &app,
                "/signup/employer",
                &with(
                    &employer,
                    &[
                        ("username", "wang.fang"),
                        ("holder_id_number", good_id.as_str()),
                    ],
                ),
            )
            .await;
        assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.html);
        assert!(p.html.contains("该用户名不可用"), "{}", p.html);
        assert_absent(&p, &good_id, "the holder's ID number");

        // Without the form's CSRF token nothing is created.
        let mut stranger = Browser::new();
        let p = stranger
            .post(
                &app,
                "/signup/worker",
                &with(&worker, &[("username", "no.token")]),
            )
            .await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
        app
    })
    .await;
}

#[tokio::test]
async fn each_role_lands_on_its_own_page() {
    each_app(|app| async move {
        for (username, role, scope, to) in [
            ("land.staff", "staff", Some("140105"), "/staff"),
            ("land.sys", "sysadmin", None, "/admin/users"),
            ("land.sec", "secadmin", None, "/admin/users"),
            ("land.audit", "auditadmin", None, "/admin/audit"),
            ("land.worker", "worker", None, "/work"),
            ("land.employer", "employer", None, "/employer"),
        ] {
            let mut acc = account(&app, username, role, scope, &[]).await;
            let client = login(&app, &mut acc).await;
            let mut b = Browser::of(&client);
            let p = b.get(&app, "/login").await;
            assert_eq!(p.location.as_deref(), Some(to), "{role}");
            // Workers and employers have no second factor: the login form itself lands them.
            if matches!(role, "worker" | "employer") {
                let mut fresh = Browser::new();
                let got = form_login(&app, &mut fresh, username, &acc.password).await;
                assert_eq!(got, to, "{role} after the login form");
            }
        }
        app
    })
    .await;
}
