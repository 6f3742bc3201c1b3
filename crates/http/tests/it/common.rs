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

/// The real service and router on a fresh database, with a manual clock: what every story
/// gets from [`each_app`], and the builder of the people and records it starts from.
pub struct TestApp {
    pub svc: Service,
    pub router: Router,
    pub clock: Clock,
    pub label: &'static str,
    pub test_db: Option<TestDb>,
    /// Where enrolment codes for account owners are spooled (the SMS sender's inbox).
    pub outbox: tempfile::TempDir,
}

impl TestApp {
    pub async fn finish(mut self) {
        if let Some(t) = self.test_db.take() {
            t.finish().await;
        }
    }
}

async fn build(t: TestDb, mut config: Config) -> TestApp {
    let clock = Clock::manual(Utc::now());
    let outbox = tempfile::tempdir().unwrap();
    config.accounts.enrolment_outbox = outbox.path().to_owned();
    let svc = Service::new(t.db.clone(), Keys::generate(), config, clock.clone());
    let router = router(AppState::new(svc.clone()));
    TestApp {
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
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = TestApp>,
{
    each_app_with(Config::default, story).await;
}

/// Runs a story against the app on each configured backend with another configuration
/// (e.g. small rate limits).
pub async fn each_app_with<C, F, Fut>(config: C, story: F)
where
    C: Fn() -> Config,
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = TestApp>,
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
        app: &TestApp,
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

    pub async fn get(&mut self, app: &TestApp, path: &str) -> Resp {
        self.send(app, Method::GET, path, None).await
    }

    pub async fn post(&mut self, app: &TestApp, path: &str, body: Value) -> Resp {
        self.send(app, Method::POST, path, Some(body)).await
    }

    /// Starts an anonymous session and takes its CSRF token.
    pub async fn start(&mut self, app: &TestApp) {
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
    app: &TestApp,
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

/// The password of every account the tests sign up themselves.
pub const PASSWORD: &str = "汾河水长流 2026 秋";

pub const NEW_PASSWORD: &str = "黄河远上白云间 2026";

/// Logs in through the API: password, TOTP, forced password change. Returns an active client.
pub async fn login(app: &TestApp, acc: &mut Account) -> Client {
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

/// A valid ID number with the given address code and sequence, born on 1990-03-07.
pub fn id_number(address: &str, seq: u32) -> String {
    linghuo_domain::testing::id_number(address, "19900307", seq)
}

/// Logs in by password an account that needs no second factor (workers, employers).
pub async fn password_sign_in(app: &TestApp, username: &str, password: &str) -> Client {
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

/// Proves password and second factor again on a signed-in staff or administrator client
/// (step-up), as the sensitive acts need within the last minutes.
pub async fn step_up(app: &TestApp, c: &mut Client, acc: &Account) {
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
pub fn enrolment_message(app: &TestApp, username: &str) -> (String, String) {
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

/// The first half of 2026, month by month (premium and benefit periods).
pub const HALF_2026: [&str; 6] = [
    "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06",
];

type Boxed<'a, T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'a>>;

/// The people and records a story starts from, made the way the platform makes them (signed up
/// through the API, created by the operator's CLI, or imported), so every module sets up the
/// same way: `app.worker("w1", 1).await`, `app.staff_in("s1", "140105").await`,
/// `app.employer_verified("e1", USCC).await`.
impl TestApp {
    /// A staff member of one region (`scope`), created as the operator's CLI does and logged
    /// in: password, second factor, forced password change.
    pub async fn staff_in(&self, username: &str, scope: &str) -> Client {
        let mut acc = account(self, username, "staff", Some(scope), &[]).await;
        login(self, &mut acc).await
    }

    /// Signs in by [`PASSWORD`] through the API (no second factor expected), asserting the
    /// password is taken; whatever step comes next is left to the caller.
    pub async fn sign_in(&self, username: &str) -> Client {
        let mut c = Client::default();
        c.start(self).await;
        let r = c
            .post(
                self,
                "/api/v1/session",
                json!({"username": username, "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        c.csrf = r.json()["csrf_token"].as_str().unwrap().to_owned();
        c
    }

    /// A worker signing up online: 李秀英 of 小店区 (140105) with ID and phone numbers made
    /// from `seq`, unless the builder says otherwise. Awaited, it signs up and signs in.
    pub fn worker(&self, username: &str, seq: u32) -> NewWorker<'_> {
        NewWorker {
            app: self,
            username: username.to_owned(),
            seq,
            name: "李秀英".into(),
            county: "140105".into(),
            phone_prefix: "1371234".into(),
        }
    }

    /// An enterprise employer of 小店区 signing up online with credit code `uscc`, named
    /// 太原{username}家政服务有限公司 unless the builder says otherwise. Awaited, it signs up
    /// and signs in (not yet verified).
    pub fn employer(&self, username: &str, uscc: &str) -> NewEmployer<'_> {
        NewEmployer {
            app: self,
            username: username.to_owned(),
            uscc: uscc.to_owned(),
            name: format!("太原{username}家政服务有限公司"),
        }
    }

    /// A signed-up employer verified by staff of 小店区 (`{username}.staff`): the employer,
    /// the staff member and the staff member's account.
    pub async fn employer_verified(&self, username: &str, uscc: &str) -> (Client, Client, Account) {
        let mut staff_acc = account(
            self,
            &format!("{username}.staff"),
            "staff",
            Some("140105"),
            &[],
        )
        .await;
        let mut staff = login(self, &mut staff_acc).await;
        let emp = self.employer(username, uscc).await;
        let eid = staff
            .get(self, "/api/v1/employers?unverified=true")
            .await
            .json()[0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let v = staff
            .post(self, &format!("/api/v1/employers/{eid}/verify"), json!({}))
            .await;
        assert_eq!(v.status, StatusCode::OK, "{}", v.body);
        (emp, staff, staff_acc)
    }

    /// A person registered by `staff` at the window: 王建国 of 小店区 with an ID number made
    /// from `seq` and the given groups, unless the builder says otherwise. Awaited, it returns
    /// the person's id.
    pub fn person<'a>(&'a self, staff: &'a mut Client, seq: u32, groups: Value) -> NewPerson<'a> {
        NewPerson {
            app: self,
            staff,
            seq,
            groups,
            name: "王建国".into(),
            county: "140105".into(),
        }
    }

    /// The person behind an account.
    pub async fn person_of(&self, username: &str) -> uuid::Uuid {
        linghuo_storage::users::by_username(&self.svc.db, username)
            .await
            .unwrap()
            .unwrap()
            .person_id
            .unwrap()
    }

    /// A group (e.g. `registered_unemployed`) recorded for the person behind an account, as
    /// an import from `source` writes it, verified or not.
    pub async fn add_group(&self, username: &str, group: &str, source: &str, verified: bool) {
        self.add_group_since(username, group, None, source, verified)
            .await;
    }

    /// As `add_group`, with the day the person joined the group (e.g. a graduate's leaving day).
    pub async fn add_group_since(
        &self,
        username: &str,
        group: &str,
        since: Option<chrono::NaiveDate>,
        source: &str,
        verified: bool,
    ) {
        let person_id = self.person_of(username).await;
        let mut tx = self.svc.db.begin().await.unwrap();
        linghuo_storage::persons::upsert_group(
            &mut tx,
            &linghuo_storage::persons::GroupRow {
                id: uuid::Uuid::new_v4(),
                person_id,
                group_code: group.into(),
                since,
                until: None,
                evidence: String::new(),
                source: source.into(),
                verified,
                recorded_by: None,
                recorded_at: self.clock.now(),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }

    /// Premiums paid as a flexible worker, written as the social-insurance agency's import
    /// writes them (`source` e.g. `registry`).
    pub async fn premiums(&self, person: &str, months: &[&str], amount_fen: i64, source: &str) {
        self.write_premiums(person, months, amount_fen, source, false)
            .await;
    }

    /// [`TestApp::premiums`], and the person queued for screening again in the same transaction,
    /// as the import does.
    pub async fn premiums_rescreened(
        &self,
        person: &str,
        months: &[&str],
        amount_fen: i64,
        source: &str,
    ) {
        self.write_premiums(person, months, amount_fen, source, true)
            .await;
    }

    async fn write_premiums(
        &self,
        person: &str,
        months: &[&str],
        amount_fen: i64,
        source: &str,
        rescreen: bool,
    ) {
        let pid = uuid::Uuid::parse_str(person).unwrap();
        let mut tx = self.svc.db.begin().await.unwrap();
        for m in months {
            linghuo_storage::benefits::upsert_si(
                &mut tx,
                &linghuo_storage::benefits::SiPaymentRow {
                    person_id: pid,
                    month: (*m).into(),
                    amount_fen,
                    source: source.into(),
                    updated_at: self.clock.now(),
                },
            )
            .await
            .unwrap();
        }
        if rescreen {
            linghuo_storage::benefits::enqueue_rescreen(&mut tx, pid, self.clock.now())
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }

    /// How many audit rows of one event type there are (counted up to 1,000).
    pub async fn audit_count(&self, event_type: &str) -> usize {
        linghuo_storage::audit::recent(&self.svc.db, Some(event_type), 1000)
            .await
            .unwrap()
            .len()
    }

    /// How many messages the log adapter has sent.
    pub fn message_log_len(&self) -> usize {
        self.svc
            .message_log()
            .map(|l| l.recent().len())
            .unwrap_or(0)
    }

    /// The one number a counting query returns.
    pub async fn count(&self, sql: &'static str) -> i64 {
        linghuo_storage::on_pool!(&self.svc.db, |p| sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(p)
            .await
            .unwrap())
    }

    /// The date `days` from today in China Standard Time, as `YYYY-MM-DD`.
    pub fn day(&self, days: i64) -> String {
        (self.clock.now() + chrono::Duration::hours(8) + chrono::Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    }
}

/// A worker about to sign up; see [`TestApp::worker`].
pub struct NewWorker<'a> {
    app: &'a TestApp,
    username: String,
    seq: u32,
    name: String,
    county: String,
    phone_prefix: String,
}

impl NewWorker<'_> {
    pub fn named(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
    }

    /// The county of the worker's residence (and of the ID number's address code).
    pub fn in_county(mut self, county: &str) -> Self {
        self.county = county.to_owned();
        self
    }

    /// The first seven digits of the phone number; the last four are `seq`.
    pub fn phone_prefix(mut self, prefix: &str) -> Self {
        self.phone_prefix = prefix.to_owned();
        self
    }

    /// Signs up through the API and stops there: the caller logs in as its story needs.
    pub async fn sign_up(&self) {
        let app = self.app;
        let mut c = Client::default();
        c.start(app).await;
        let r = c
            .post(app, "/api/v1/signup/worker", json!({
                "username": self.username, "password": PASSWORD, "name": self.name,
                "id_number": id_number(&self.county, self.seq),
                "phone": format!("{}{:04}", self.phone_prefix, self.seq), "county_code": self.county
            }))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
}

impl<'a> std::future::IntoFuture for NewWorker<'a> {
    type Output = Client;
    type IntoFuture = Boxed<'a, Client>;

    /// Signs up, then signs in by password (a worker needs no second factor).
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            self.sign_up().await;
            password_sign_in(self.app, &self.username, PASSWORD).await
        })
    }
}

/// An employer about to sign up; see [`TestApp::employer`].
pub struct NewEmployer<'a> {
    app: &'a TestApp,
    username: String,
    uscc: String,
    name: String,
}

impl NewEmployer<'_> {
    pub fn named(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
    }
}

impl<'a> std::future::IntoFuture for NewEmployer<'a> {
    type Output = Client;
    type IntoFuture = Boxed<'a, Client>;

    /// Signs up through the API, then signs in by password.
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let app = self.app;
            let mut c = Client::default();
            c.start(app).await;
            let r = c
                .post(
                    app,
                    "/api/v1/signup/employer",
                    json!({
                        "username": self.username, "password": PASSWORD,
                        "employer": {"kind": "enterprise", "name": self.name, "uscc": self.uscc,
                                     "contact_name": "王经理", "contact_phone": "13912345678",
                                     "county_code": "140105", "address": "小店区长治路"}
                    }),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            password_sign_in(app, &self.username, PASSWORD).await
        })
    }
}

/// A person about to be registered at the window; see [`TestApp::person`].
pub struct NewPerson<'a> {
    app: &'a TestApp,
    staff: &'a mut Client,
    seq: u32,
    groups: Value,
    name: String,
    county: String,
}

impl NewPerson<'_> {
    pub fn named(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
    }

    /// The county the person is registered in (and the ID number's address code).
    pub fn in_county(mut self, county: &str) -> Self {
        self.county = county.to_owned();
        self
    }
}

impl<'a> std::future::IntoFuture for NewPerson<'a> {
    type Output = String;
    type IntoFuture = Boxed<'a, String>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let r = self
                .staff
                .post(
                    self.app,
                    "/api/v1/persons",
                    json!({
                        "name": self.name, "id_number": id_number(&self.county, self.seq),
                        "jurisdiction_code": self.county, "groups": self.groups
                    }),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
            r.json()["id"].as_str().unwrap().to_owned()
        })
    }
}
