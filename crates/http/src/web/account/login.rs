//! Login, second factor, password change, logout, my account and the elder-mode switch.

use askama::Template;
use axum::Router;
// The forms here are read as typed (axum's `Form`, not the kit's, which trims): spaces may
// be part of a password.
use axum::extract::{Form, RawQuery};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linghuo_service::auth::{NextStep, SessionState};
use linghuo_service::{Permission, Role, ServiceError};
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{
    Errors, Failure, Flash, FormData, PageCtx, PageResult, SignedIn, cst, next_query,
    redirect_with_cookie, render, safe_next,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/login/totp", get(totp_page).post(totp_submit))
        .route("/logout", post(logout))
        .route("/account", get(account))
        .route(
            "/account/password",
            get(password_page).post(password_submit),
        )
        .route("/account/sms", post(sms_submit))
        .route("/prefs/elder", post(toggle_elder))
}

/// Where a role starts after logging in: workers in 找活, employers on their home page,
/// staff and administrators where `crate::web::landing` says.
fn landing(role: Role) -> &'static str {
    match role {
        Role::Worker => "/work",
        Role::Employer => "/employer",
        other => crate::web::landing(other),
    }
}

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    ctx: PageCtx,
    ok: Option<&'static str>,
    error: Option<String>,
    username: String,
    /// Where to go after logging in (a path on this site), kept in a hidden field.
    next: Option<String>,
    /// `?next=…` for the sign-up link, so signing up comes back there too.
    next_query: String,
}

impl LoginPage {
    fn new(ctx: &Ctx, next: Option<&str>) -> LoginPage {
        let next = next.and_then(safe_next).map(str::to_owned);
        LoginPage {
            ctx: PageCtx::new(ctx, "登录", "/login"),
            ok: None,
            error: None,
            username: String::new(),
            next_query: next_query(next.as_deref()),
            next,
        }
    }
}

async fn login_page(ctx: Ctx, flash: Flash, RawQuery(q): RawQuery) -> Response {
    let query = FormData::parse(q.as_deref().unwrap_or("").as_bytes());
    let next = query.get("next").trim();
    if let Some(a) = ctx.actor() {
        return Redirect::to(safe_next(next).unwrap_or(landing(a.role))).into_response();
    }
    render(
        StatusCode::OK,
        &LoginPage {
            ok: flash.text(),
            ..LoginPage::new(&ctx, Some(next))
        },
    )
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    /// Where to go after logging in; honoured only when `safe_next` accepts it.
    #[serde(default)]
    next: String,
}

/// Where a login step goes: the next step, else the page the visitor came from (`next`,
/// a path on this site), else the role's landing page.
fn next_url(step: NextStep, role: Role, next: &str) -> String {
    let back = safe_next(next.trim());
    match step {
        NextStep::SecondFactor => format!("/login/totp{}", next_query(back)),
        NextStep::PasswordChange => "/account/password".to_owned(),
        NextStep::Done => back.unwrap_or(landing(role)).to_owned(),
    }
}

async fn login_submit(
    state: axum::extract::State<AppState>,
    ctx: Ctx,
    Form(f): Form<LoginForm>,
) -> Response {
    let svc = &state.svc;
    match svc
        .login(ctx.token.as_deref(), &f.username, &f.password, &ctx.meta)
        .await
    {
        Ok(o) => redirect_with_cookie(
            &next_url(o.next, o.role, &f.next),
            ctx.session_cookie(&o.session.token),
        ),
        Err(e) => {
            let api = ApiError::from(e);
            render(
                api.status,
                &LoginPage {
                    error: Some(api.message),
                    username: f.username,
                    ..LoginPage::new(&ctx, Some(f.next.trim()))
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "account/totp.html")]
struct TotpPage {
    ctx: PageCtx,
    error: Option<String>,
    /// 演示模式 only: the code to type.
    demo_code: Option<String>,
    /// Where to go once verified (a path on this site), kept in a hidden field.
    next: Option<String>,
}

async fn totp_page(
    state: axum::extract::State<AppState>,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Response {
    let query = FormData::parse(q.as_deref().unwrap_or("").as_bytes());
    match ctx.session.as_ref().map(|s| &s.state) {
        Some(SessionState::SecondFactor { .. }) => render(
            StatusCode::OK,
            &TotpPage {
                ctx: PageCtx::new(&ctx, "第二重验证", "/login/totp"),
                error: None,
                next: safe_next(query.get("next").trim()).map(str::to_owned),
                demo_code: match ctx.token.as_deref() {
                    Some(t) => state.svc.demo_second_factor_code(t).await.ok().flatten(),
                    None => None,
                },
            },
        ),
        _ => Redirect::to("/login").into_response(),
    }
}

#[derive(Deserialize)]
struct TotpForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

async fn totp_submit(
    state: axum::extract::State<AppState>,
    ctx: Ctx,
    Form(f): Form<TotpForm>,
) -> Response {
    let Some(token) = ctx.token.as_deref() else {
        return Redirect::to("/login").into_response();
    };
    match state.svc.second_factor(token, &f.code, &ctx.meta).await {
        Ok(o) => redirect_with_cookie(
            &next_url(o.next, o.role, &f.next),
            ctx.session_cookie(&o.session.token),
        ),
        Err(ServiceError::Unauthenticated) => Redirect::to("/login").into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            render(
                api.status,
                &TotpPage {
                    ctx: PageCtx::new(&ctx, "第二重验证", "/login/totp"),
                    error: Some(api.message),
                    next: safe_next(f.next.trim()).map(str::to_owned),
                    demo_code: state
                        .svc
                        .demo_second_factor_code(token)
                        .await
                        .ok()
                        .flatten(),
                },
            )
        }
    }
}

async fn logout(state: axum::extract::State<AppState>, ctx: Ctx) -> PageResult {
    if let Some(t) = ctx.token.as_deref() {
        state.svc.logout(t, &ctx.meta).await?;
    }
    Ok(redirect_with_cookie("/", ctx.clear_cookie()))
}

#[derive(Template)]
#[template(path = "account/account.html")]
struct AccountPage {
    ctx: PageCtx,
    user: linghuo_service::accounts::UserView,
    reveal: bool,
    last_login: String,
    message: Option<&'static str>,
    /// Workers and employers: whether important notices also go by SMS.
    sms: Option<bool>,
}

async fn account(
    state: axum::extract::State<AppState>,
    ctx: Ctx,
    flash: Flash,
    actor: SignedIn,
) -> PageResult {
    let Some(user) = state.svc.user_by_username(&actor.username).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    let last_login = user
        .last_login_at
        .as_ref()
        .map(cst)
        .unwrap_or_else(|| "—".into());
    Ok(render(
        StatusCode::OK,
        &AccountPage {
            ctx: PageCtx::new(&ctx, "我的账户", "/account"),
            reveal: actor.has(Permission::PiiReveal),
            user,
            last_login,
            message: flash.text(),
            sms: if matches!(actor.role, Role::Worker | Role::Employer) {
                Some(state.svc.sms_consent(&actor).await?)
            } else {
                None
            },
        },
    ))
}

const PASSWORD_FIELDS: &[&str] = &["old_password", "new_password", "new_password2"];

#[derive(Template)]
#[template(path = "account/password.html")]
struct PasswordPage {
    ctx: PageCtx,
    forced: bool,
    error: Option<String>,
    errors: Errors,
}

async fn password_page(ctx: Ctx) -> Response {
    let forced = match ctx.session.as_ref().map(|s| &s.state) {
        Some(SessionState::PasswordChange(_)) => true,
        Some(SessionState::Active(_)) => false,
        _ => return Redirect::to("/login").into_response(),
    };
    render(
        StatusCode::OK,
        &PasswordPage {
            ctx: PageCtx::new(&ctx, "修改密码", "/account/password"),
            forced,
            error: None,
            errors: Errors::default(),
        },
    )
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    old_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password2: String,
}

async fn password_submit(
    state: axum::extract::State<AppState>,
    ctx: Ctx,
    Form(f): Form<PasswordForm>,
) -> PageResult {
    let (forced, role) = match ctx.session.as_ref().map(|s| &s.state) {
        Some(SessionState::PasswordChange(a)) => (true, a.role),
        Some(SessionState::Active(a)) => (false, a.role),
        _ => return Ok(Redirect::to("/login").into_response()),
    };
    let page = |status, errors: Errors, error: Option<String>| {
        render(
            status,
            &PasswordPage {
                ctx: PageCtx::new(&ctx, "修改密码", "/account/password"),
                forced,
                error,
                errors,
            },
        )
    };
    if f.new_password != f.new_password2 {
        return Ok(page(
            StatusCode::BAD_REQUEST,
            Errors(vec![(
                "new_password2".into(),
                "两次输入的新密码不一致".into(),
            )]),
            None,
        ));
    }
    let Some(token) = ctx.token.as_deref() else {
        return Ok(Redirect::to("/login").into_response());
    };
    match state
        .svc
        .change_password(token, &f.old_password, &f.new_password, &ctx.meta)
        .await
    {
        Ok(()) => Ok(Redirect::to(landing(role)).into_response()),
        Err(e) => {
            let (status, errors, error) = Failure::of(e, PASSWORD_FIELDS).parts()?;
            Ok(page(status, errors, error))
        }
    }
}

#[derive(Deserialize)]
struct SmsForm {
    #[serde(default)]
    sms: String,
}

/// Allows or stops SMS copies of important notices.
async fn sms_submit(
    state: axum::extract::State<AppState>,
    actor: SignedIn,
    Form(f): Form<SmsForm>,
) -> PageResult {
    let on = f.sms == "on";
    state.svc.set_sms_consent(&actor, on).await?;
    Ok(Redirect::to(if on {
        "/account?ok=sms_on"
    } else {
        "/account?ok=sms_off"
    })
    .into_response())
}

#[derive(Deserialize)]
struct ElderForm {
    #[serde(default)]
    back: String,
}

/// Switches 长辈版 on or off: a preference cookie only, nothing stored on the server.
async fn toggle_elder(ctx: Ctx, Form(f): Form<ElderForm>) -> Response {
    // Back to the page the switch was on, never to another site (/\evil.example).
    let back = crate::web::safe_next(&f.back).unwrap_or("/");
    redirect_with_cookie(back, ctx.elder_cookie(!ctx.elder))
}
