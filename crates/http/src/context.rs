//! Per-request context and the middleware that builds it: request ids, security headers,
//! the session from its cookie, and CSRF checks on every state-changing request (C4).

use std::net::SocketAddr;
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use linghuo_service::auth::{Session, SessionState};
use linghuo_service::limits::{LimitClass, client_address};
use linghuo_service::{Actor, RequestMeta};
use subtle::ConstantTimeEq;

use crate::AppState;
use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "__Host-lh_session";
pub const SESSION_COOKIE_INSECURE: &str = "lh_session";
const ELDER_COOKIE: &str = "lh_elder";
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
const FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");
pub const CSRF_HEADER: &str = "x-csrf-token";

/// Requests that change no state and read no personal data, open to other systems without a
/// session: the policy screening contract.
const CSRF_EXEMPT: &[&str] = &["/api/v1/policy/screen"];

/// Unsafe-method routes that cannot change what the market shows (they write nothing, or only
/// sessions and the audit log): they do not make the next search re-read the market, as every
/// other unsafe request does once it has answered.
const MARKET_UNCHANGED: &[&str] = &[
    "/api/v1/policy/screen",
    "/work/nearby",
    "/login",
    "/login/totp",
    "/logout",
    "/prefs/elder",
    "/account/password",
    "/api/v1/session",
    "/api/v1/session/totp",
    "/api/v1/session/password",
];

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// What a handler knows about the request.
#[derive(Clone, Debug)]
pub struct Ctx {
    pub meta: RequestMeta,
    pub session: Option<Session>,
    pub token: Option<String>,
    pub elder: bool,
    pub secure_cookie: bool,
    pub demo: bool,
    /// The page to come back to after an interruption such as a step-up: the page itself for
    /// a GET, the referring page of this site for a form post.
    pub back: Option<String>,
}

impl Ctx {
    pub fn actor(&self) -> Option<&Actor> {
        self.session.as_ref().and_then(Session::actor)
    }

    pub fn csrf(&self) -> &str {
        self.session.as_ref().map(|s| s.csrf.as_str()).unwrap_or("")
    }

    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookie {
            SESSION_COOKIE
        } else {
            SESSION_COOKIE_INSECURE
        }
    }

    /// `Set-Cookie` for a session token.
    pub fn session_cookie(&self, token: &str) -> HeaderValue {
        let secure = if self.secure_cookie { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{}={token}; Path=/; HttpOnly; SameSite=Lax{secure}",
            self.cookie_name()
        ))
        .expect("token is url-safe")
    }

    /// `Set-Cookie` that ends the session cookie in the browser.
    pub fn clear_cookie(&self) -> HeaderValue {
        let secure = if self.secure_cookie { "; Secure" } else { "" };
        HeaderValue::from_str(&format!(
            "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
            self.cookie_name()
        ))
        .expect("static")
    }

    pub fn elder_cookie(&self, on: bool) -> HeaderValue {
        let secure = if self.secure_cookie { "; Secure" } else { "" };
        let v = if on {
            "1; Max-Age=31536000"
        } else {
            "0; Max-Age=0"
        };
        HeaderValue::from_str(&format!(
            "{ELDER_COOKIE}={v}; Path=/; HttpOnly; SameSite=Lax{secure}"
        ))
        .expect("static")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "系统繁忙，请稍后再试",
            )
        })
    }
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

/// Request id, access log line (no personal data: paths carry only opaque ids, query strings
/// are not logged), and the security headers of every response (C5, D12).
pub async fn outer_layer(mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.len() <= 64 && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.headers_mut().insert(
        REQUEST_ID,
        HeaderValue::from_str(&request_id).expect("checked"),
    );
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let mut resp = next.run(req).await;
    if resp.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json_or_html(resp.headers()) {
        // The body limit layer and the framework's extractors answer a body over the limit
        // with plain text; people get the page, programs the JSON error.
        resp = payload_too_large(&path);
    }
    let h = resp.headers_mut();
    h.insert(
        REQUEST_ID,
        HeaderValue::from_str(&request_id).expect("checked"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(self)"),
    );
    if !path.starts_with("/assets/") {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    h.remove(header::SERVER);
    let status = resp.status().as_u16();
    tracing::info!(target: "linghuo::access", %request_id, %method, %path, status, ms = started.elapsed().as_millis() as u64, "request");
    resp
}

/// Whether an unsafe request comes from this site. Browsers say so in `Sec-Fetch-Site`; where
/// it is absent the `Origin` must name this host. An opaque `Origin: null` counts only with
/// `Sec-Fetch-Site: same-origin` (some browsers send it for same-site form posts).
fn same_origin(headers: &HeaderMap) -> bool {
    match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some("same-origin") => return true,
        Some("cross-site" | "same-site") => return false,
        _ => {}
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let Some(host) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    origin == format!("http://{host}") || origin == format!("https://{host}")
}

fn tokens_match(given: &str, expected: &str) -> bool {
    !expected.is_empty()
        && given.len() == expected.len()
        && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// The answer to a request body over the limit of its path (413): the error page for pages,
/// the JSON error (`body_too_large`, field `body`) for the API.
pub(crate) fn payload_too_large(path: &str) -> Response {
    let mb = crate::body_limit(path) / 1024 / 1024;
    if is_page(path) {
        return crate::web::error_page(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "提交的内容超过{mb}MB，未被接收。请缩小文件后重试；更大的文件请联系管理员用命令行导入。"
            ),
        );
    }
    ApiError::body_too_large(crate::body_limit(path)).into_response()
}

fn is_json_or_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/json") || t.starts_with("text/html"))
}

fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/") || path.starts_with("/assets/") || path == "/healthz")
}

/// Loads the session named by the cookie, checks CSRF on unsafe methods, and gives page
/// visitors without a session an anonymous one (it carries the CSRF token of their forms).
/// An anonymous session is stateless (a MAC'd cookie, see `Service::start_anonymous_session`):
/// neither giving nor checking one reads or writes the database.
pub async fn session_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let svc = &state.svc;
    let secure_cookie = svc.config.server.cookie_secure;
    let cookie_name = if secure_cookie {
        SESSION_COOKIE
    } else {
        SESSION_COOKIE_INSECURE
    };
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded: Vec<&str> = if peer.is_some() && !svc.limiter.trusted_proxies().is_empty() {
        req.headers()
            .get_all(FORWARDED_FOR)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect()
    } else {
        Vec::new()
    };
    let client = client_address(peer, &forwarded, svc.limiter.trusted_proxies());
    let ip = client.map(|c| c.to_string()).unwrap_or_default();
    let request_id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let meta = RequestMeta { ip, request_id };
    let token = cookie(req.headers(), cookie_name).map(str::to_owned);
    let elder = cookie(req.headers(), ELDER_COOKIE) == Some("1");
    let mut session = match &token {
        Some(t) => match svc.session(t, &meta).await {
            Ok(s) => s,
            Err(e) => return ApiError::from(e).into_response(),
        },
        None => None,
    };
    let mut token = if session.is_some() { token } else { None };
    let mut new_cookie = None;
    let path = req.uri().path().to_owned();
    let method = req.method().clone();
    if let Some(class) = limit_class(&method, &path) {
        let account = match session.as_ref().map(|s| &s.state) {
            Some(SessionState::Active(a) | SessionState::PasswordChange(a)) => Some(a.user_id),
            Some(SessionState::SecondFactor { user_id }) => Some(*user_id),
            _ => None,
        };
        if let Err(e) = svc.check_rate(class, client, account) {
            return limited(&path, ApiError::from(e));
        }
    }
    if session.is_none() && method == Method::GET && is_page(&path) {
        match svc.start_anonymous_session(&meta).await {
            Ok(issued) => {
                session = Some(Session {
                    token_hash: linghuo_service::auth::token_hash(&issued.token),
                    csrf: issued.csrf,
                    state: SessionState::Anonymous,
                });
                token = Some(issued.token.clone());
                new_cookie = Some(issued.token);
            }
            Err(e) => return ApiError::from(e).into_response(),
        }
    }
    let back = if method == Method::GET {
        req.uri().path_and_query().map(|p| p.as_str().to_owned())
    } else {
        req.headers()
            .get(header::REFERER)
            .and_then(|v| v.to_str().ok())
            .and_then(|r| r.parse::<axum::http::Uri>().ok())
            .filter(|u| {
                u.host().is_none()
                    || u.host()
                        == req
                            .headers()
                            .get(header::HOST)
                            .and_then(|h| h.to_str().ok())
                            .map(|h| h.split(':').next().unwrap_or(h))
            })
            .and_then(|u| u.path_and_query().map(|p| p.as_str().to_owned()))
    };
    let ctx = Ctx {
        meta,
        session,
        token,
        elder,
        secure_cookie,
        demo: svc.demo_mode,
        back,
    };
    let unsafe_method = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut req = req;
    if unsafe_method && !CSRF_EXEMPT.contains(&path.as_str()) {
        if !same_origin(req.headers()) {
            return csrf_refused(&path);
        }
        let expected = ctx.csrf().to_owned();
        let header_token = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let ok = match header_token {
            Some(t) => tokens_match(&t, &expected),
            None => {
                let content_type = req
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                let is_form = content_type.starts_with("application/x-www-form-urlencoded");
                let is_multipart = content_type.starts_with("multipart/form-data");
                if is_form || is_multipart {
                    let (parts, body) = req.into_parts();
                    let limit = crate::body_limit(&path);
                    let Ok(bytes) = to_bytes(body, limit).await else {
                        return payload_too_large(&path);
                    };
                    let given = if is_form {
                        serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes)
                            .ok()
                            .and_then(|kv| {
                                kv.into_iter().find(|(k, _)| k == "_csrf").map(|(_, v)| v)
                            })
                    } else {
                        multipart_csrf(&content_type, bytes.clone()).await
                    };
                    req = Request::from_parts(parts, Body::from(bytes));
                    given.is_some_and(|t| tokens_match(&t, &expected))
                } else {
                    false
                }
            }
        };
        if !ok {
            return csrf_refused(&path);
        }
    }
    let mut req = req;
    req.extensions_mut().insert(ctx.clone());
    let mut resp = next.run(req).await;
    if unsafe_method && !MARKET_UNCHANGED.contains(&path.as_str()) {
        // The request has been answered, so whatever it wrote is committed.
        svc.note_market_write();
    }
    if let Some(t) = new_cookie
        && !resp.headers().contains_key(header::SET_COOKIE)
    {
        resp.headers_mut()
            .append(header::SET_COOKIE, ctx.session_cookie(&t));
    }
    resp
}

/// The `_csrf` part of a `multipart/form-data` body (a page's file upload), read from the
/// buffered body; the handler then reads the same bytes again. A malformed body has none.
/// Only the first 2 MB are parsed (the extractor's own limit): forms put `_csrf` first, and
/// the upload page's larger files come after it.
async fn multipart_csrf(content_type: &str, bytes: axum::body::Bytes) -> Option<String> {
    use axum::extract::FromRequest;
    let head = bytes.slice(..bytes.len().min(crate::BODY_LIMIT));
    let mut r = Request::new(Body::from(head));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).ok()?,
    );
    let mut parts = axum::extract::Multipart::from_request(r, &()).await.ok()?;
    while let Ok(Some(field)) = parts.next_field().await {
        if field.name() == Some("_csrf") {
            return field.text().await.ok();
        }
    }
    None
}

/// The rate-limit class of a request (C6), if it has one. Only these few routes are counted;
/// the check is a few string comparisons, so other requests pay nothing measurable.
fn limit_class(method: &Method, path: &str) -> Option<LimitClass> {
    let get = method == Method::GET || method == Method::HEAD;
    let post = method == Method::POST;
    Some(match path {
        "/login" | "/api/v1/session" if post => LimitClass::Login,
        "/login/totp" | "/api/v1/session/totp" if post => LimitClass::Totp,
        "/signup/worker"
        | "/signup/employer"
        | "/api/v1/signup/worker"
        | "/api/v1/signup/employer"
            if post =>
        {
            LimitClass::Signup
        }
        "/policy" | "/api/v1/policy/screen" if post => LimitClass::Screen,
        "/work" | "/api/v1/posts/search" | "/api/v1/market/suggest" | "/api/v1/consult/search"
            if get =>
        {
            LimitClass::Search
        }
        "/work/nearby" if post => LimitClass::Search,
        "/consult/ask" | "/api/v1/consult/questions" if post => LimitClass::Question,
        "/fees/report" | "/api/v1/fee-reports" if post => LimitClass::Report,
        "/fees/track" | "/api/v1/fee-reports/track" if post => LimitClass::Track,
        _ => return None,
    })
}

/// 429 with `Retry-After`: the JSON error under `/api/`, the error page (in Chinese) for
/// pages and forms.
fn limited(path: &str, e: ApiError) -> Response {
    if is_page(path) {
        let mut resp = crate::web::error_page(StatusCode::TOO_MANY_REQUESTS, &e.message);
        if let Some(s) = e.retry_after
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    } else {
        e.into_response()
    }
}

fn csrf_refused(path: &str) -> Response {
    tracing::warn!(%path, "csrf check failed");
    if is_page(path) {
        crate::web::error_page(
            StatusCode::FORBIDDEN,
            "页面已过期或请求来源不正确，请返回上一页刷新后重试。",
        )
    } else {
        ApiError::csrf().into_response()
    }
}

/// Keeps only what matters of a session for pages: whether it is mid-login.
pub fn stage_of(s: &Option<Session>) -> &'static str {
    match s.as_ref().map(|s| &s.state) {
        None | Some(SessionState::Anonymous) => "anonymous",
        Some(SessionState::SecondFactor { .. }) => "second_factor",
        Some(SessionState::PasswordChange(_)) => "password_change",
        Some(SessionState::Active(_)) => "active",
    }
}
