//! Test harness: the real router on a fresh database (SQLite, and PostgreSQL when
//! `TEST_DATABASE_URL` is set), a manual clock, and a client that keeps cookies and scans
//! every response for unmasked personal data.

#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::Utc;
use linghuo_http::{AppState, router};
use linghuo_service::accounts::NewUser;
use linghuo_service::{Clock, Config, Keys, Service, totp};
use linghuo_storage::testing::TestDb;
use serde_json::{Value, json};
use tower::ServiceExt;

pub struct App {
    pub svc: Service,
    pub router: Router,
    pub clock: Clock,
    pub label: &'static str,
    pub test_db: Option<TestDb>,
    /// Where enrolment codes for account owners are spooled (the SMS sender's inbox).
    pub outbox: tempfile::TempDir,
}

impl App {
    pub async fn finish(mut self) {
        if let Some(t) = self.test_db.take() {
            t.finish().await;
        }
    }
}

async fn build(t: TestDb, mut config: Config) -> App {
    let clock = Clock::manual(Utc::now());
    let outbox = tempfile::tempdir().unwrap();
    config.accounts.enrolment_outbox = outbox.path().to_owned();
    let svc = Service::new(t.db.clone(), Keys::generate(), config, clock.clone());
    let router = router(AppState::new(svc.clone()));
    App {
        svc,
        router,
        clock,
        label: t.label,
        test_db: Some(t),
        outbox,
    }
}

/// Runs a story against the app on each configured backend.
pub async fn each_app<F, Fut>(story: F)
where
    F: Fn(App) -> Fut,
    Fut: std::future::Future<Output = App>,
{
    each_app_with(Config::default, story).await;
}

/// Runs a story against the app on each configured backend with another configuration
/// (e.g. small rate limits).
pub async fn each_app_with<C, F, Fut>(config: C, story: F)
where
    C: Fn() -> Config,
    F: Fn(App) -> Fut,
    Fut: std::future::Future<Output = App>,
{
    let app = story(build(TestDb::sqlite().await, config()).await).await;
    app.finish().await;
    if let Some(t) = TestDb::postgres().await {
        let app = story(build(t, config()).await).await;
        app.finish().await;
    }
}

/// A client address of its own for each new `Client` (as each browser has), so the
/// per-address rate limits of one test's many clients do not add up.
pub fn next_peer() -> std::net::SocketAddr {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let [_, b, c, d] = n.to_be_bytes();
    std::net::SocketAddr::from(([10, b, c, d], 40000))
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not json ({e}): {}", self.body))
    }
}

/// A browser-like client: keeps the session cookie and the CSRF token.
#[derive(Clone, Default)]
pub struct Client {
    pub cookie: Option<String>,
    pub csrf: String,
    /// Whether this client's role may see revealed values (skips the PII scan on reveal).
    pub may_reveal: bool,
    /// The socket address requests come from; one of its own, chosen at the first request.
    pub peer: Option<std::net::SocketAddr>,
    /// Extra request headers (e.g. `X-Forwarded-For`).
    pub headers: Vec<(String, String)>,
}

impl Client {
    pub async fn send(
        &mut self,
        app: &App,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Resp {
        let mut b = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::HOST, "localhost");
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, format!("__Host-lh_session={c}"));
        }
        if method != Method::GET && !self.csrf.is_empty() {
            b = b.header("x-csrf-token", &self.csrf);
        }
        for (k, v) in &self.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let peer = *self.peer.get_or_insert_with(next_peer);
        b = b.extension(axum::extract::ConnectInfo(peer));
        let req = match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        let resp = app.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let v = v.to_str().unwrap();
            if let Some(rest) = v.strip_prefix("__Host-lh_session=") {
                let token = rest.split(';').next().unwrap();
                self.cookie = if token.is_empty() {
                    None
                } else {
                    Some(token.to_owned())
                };
            }
        }
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        let revealing = self.may_reveal && path.ends_with("/reveal");
        if !revealing && let Some(kind) = linghuo_domain::find_unmasked_pii(&body) {
            panic!("unmasked {kind} in response to {method} {path}: {body}");
        }
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&mut self, app: &App, path: &str) -> Resp {
        self.send(app, Method::GET, path, None).await
    }

    pub async fn post(&mut self, app: &App, path: &str, body: Value) -> Resp {
        self.send(app, Method::POST, path, Some(body)).await
    }

    /// Starts an anonymous session and takes its CSRF token.
    pub async fn start(&mut self, app: &App) {
        let r = self.get(app, "/api/v1/session").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        self.csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
    }
}

pub struct Account {
    pub username: String,
    pub password: String,
    pub totp: Option<Vec<u8>>,
}

/// Creates an account directly through the service (as the operator's CLI does).
pub async fn account(
    app: &App,
    username: &str,
    role: &str,
    scope: Option<&str>,
    permissions: &[&str],
) -> Account {
    let c = app
        .svc
        .create_user(
            None,
            NewUser {
                username: username.into(),
                display_name: format!("测试{username}"),
                role: role.into(),
                scope_code: scope.map(str::to_owned),
                permissions: permissions.iter().map(|p| p.to_string()).collect(),
                person_id: None,
            },
        )
        .await
        .unwrap();
    Account {
        username: username.into(),
        password: c.one_time_password,
        totp: c.totp_secret.map(|s| totp::from_base32(&s).unwrap()),
    }
}

/// The password of the accounts the shared helpers sign up (the test files use the same).
pub const SIGNUP_PASSWORD: &str = "汾河水长流 2026 秋";

pub const NEW_PASSWORD: &str = "黄河远上白云间 2026";

/// Logs in through the API: password, TOTP, forced password change. Returns an active client.
pub async fn login(app: &App, acc: &mut Account) -> Client {
    let mut c = Client::default();
    c.start(app).await;
    let r = c
        .post(
            app,
            "/api/v1/session",
            serde_json::json!({"username": acc.username, "password": acc.password}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}: {}", app.label, r.body);
    c.csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
    let mut next = r.json()["next"].as_str().unwrap().to_owned();
    if next == "second_factor" {
        // Each login needs a fresh time step: a code is never accepted twice.
        app.clock.advance(chrono::Duration::seconds(30));
        let code = totp::code_at(acc.totp.as_ref().unwrap(), app.clock.now().timestamp());
        let r = c
            .post(
                app,
                "/api/v1/session/totp",
                serde_json::json!({"code": code}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        next = r.json()["next"].as_str().unwrap().to_owned();
    }
    if next == "password_change" {
        // Different for every account, without the user name in it (the policy refuses that).
        let salt = acc
            .username
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
            });
        let new = format!("{NEW_PASSWORD} {salt:x}");
        let r = c
            .post(
                app,
                "/api/v1/session/password",
                serde_json::json!({"old_password": acc.password, "new_password": new}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        acc.password = new;
    }
    let me = c.get(app, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    c
}

/// A valid ID number with the given address code and sequence.
pub fn id_number(address: &str, seq: u32) -> String {
    let first17 = format!("{address}19900307{:03}", seq % 1000);
    format!("{first17}{}", linghuo_domain::check_char(&first17).unwrap())
}

/// Logs in by password an account that needs no second factor (workers, employers).
pub async fn password_sign_in(app: &App, username: &str, password: &str) -> Client {
    let mut c = Client::default();
    c.start(app).await;
    let r = c
        .post(
            app,
            "/api/v1/session",
            json!({"username": username, "password": password}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["next"], "done");
    c.csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
    c
}

/// An employer of 小店区 signed up through the API (`uscc` its credit code), logged in.
pub async fn signed_up_employer(app: &App, username: &str, uscc: &str) -> Client {
    let mut c = Client::default();
    c.start(app).await;
    let r = c
        .post(app, "/api/v1/signup/employer", json!({
            "username": username, "password": SIGNUP_PASSWORD,
            "employer": {"kind": "enterprise", "name": format!("太原{username}家政服务有限公司"), "uscc": uscc, "contact_name": "王经理",
                         "contact_phone": "13912345678", "county_code": "140105", "address": "小店区长治路"}
        }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    password_sign_in(app, username, SIGNUP_PASSWORD).await
}

/// A signed-up employer verified by 小店区 staff: (the employer, the staff, their account).
/// A verified employer with staff of its county.
pub async fn verified_employer(app: &App, username: &str, uscc: &str) -> (Client, Client, Account) {
    let mut staff_acc = account(
        app,
        &format!("{username}.staff"),
        "staff",
        Some("140105"),
        &[],
    )
    .await;
    let mut staff = login(app, &mut staff_acc).await;
    let emp = signed_up_employer(app, username, uscc).await;
    let eid = staff
        .get(app, "/api/v1/employers?unverified=true")
        .await
        .json()[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let v = staff
        .post(app, &format!("/api/v1/employers/{eid}/verify"), json!({}))
        .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.body);
    (emp, staff, staff_acc)
}

/// Proves password and second factor again on a signed-in staff or administrator client
/// (step-up), as the sensitive acts need within the last minutes.
pub async fn step_up(app: &App, c: &mut Client, acc: &Account) {
    app.clock.advance(chrono::Duration::seconds(30));
    let code = totp::code_at(acc.totp.as_ref().unwrap(), app.clock.now().timestamp());
    let r = c
        .post(
            app,
            "/api/v1/session/step-up",
            serde_json::json!({"password": acc.password, "code": code}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
}

/// The enrolment message spooled for an account's owner: (phone, code).
pub fn enrolment_message(app: &App, username: &str) -> (String, String) {
    for entry in std::fs::read_dir(app.outbox.path()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let v: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        if v["username"] == username {
            let text = v["text"].as_str().unwrap();
            let code = text
                .split("开通码 ")
                .nth(1)
                .and_then(|t| t.split_whitespace().next())
                .unwrap()
                .to_owned();
            std::fs::remove_file(&path).unwrap();
            return (v["to"].as_str().unwrap().to_owned(), code);
        }
    }
    panic!("no enrolment message for {username}");
}
