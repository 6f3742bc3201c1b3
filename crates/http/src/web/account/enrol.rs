//! Pages of the owner's side of two-person account administration: enrolling a new or reset
//! account with the code sent to the owner's phone, and confirming identity again (step-up)
//! before a sensitive act.

use askama::Template;
use axum::Router;
use axum::extract::{Form, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use linghuo_service::ServiceError;
use linghuo_service::account_changes::EnrolmentStart;
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{FormData, PageCtx, render, safe_next};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/enrol", get(enrol_page).post(enrol_submit))
        .route("/step-up", get(step_up_get).post(step_up_submit))
}

#[derive(Template)]
#[template(path = "account/enrol.html")]
struct EnrolPage {
    ctx: PageCtx,
    error: Option<String>,
    done: bool,
    username: String,
    code: String,
    /// Step two: the owner's own authenticator secret, shown to the owner only.
    started: Option<EnrolmentStart>,
}

async fn enrol_page(ctx: Ctx) -> Response {
    render(
        StatusCode::OK,
        &EnrolPage {
            ctx: PageCtx::new(&ctx, "账户开通", "/enrol"),
            error: None,
            done: false,
            username: String::new(),
            code: String::new(),
            started: None,
        },
    )
}

#[derive(Default, Deserialize)]
struct EnrolForm {
    #[serde(default)]
    step: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password2: String,
    #[serde(default)]
    totp_code: String,
}

async fn enrol_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<EnrolForm>,
) -> Response {
    let page = |error: Option<String>, started: Option<EnrolmentStart>, done: bool, status| {
        render(
            status,
            &EnrolPage {
                ctx: PageCtx::new(&ctx, "账户开通", "/enrol"),
                error,
                done,
                username: f.username.trim().to_owned(),
                code: f.code.trim().to_owned(),
                started,
            },
        )
    };
    if f.step == "finish" {
        if f.password != f.password2 {
            let started = state
                .svc
                .enrolment_start(&f.username, &f.code, &ctx.meta)
                .await
                .ok();
            return page(
                Some("两次输入的密码不一致，请重新输入".into()),
                started,
                false,
                StatusCode::BAD_REQUEST,
            );
        }
        match state
            .svc
            .enrolment_finish(&f.username, &f.code, &f.password, &f.totp_code, &ctx.meta)
            .await
        {
            Ok(()) => page(None, None, true, StatusCode::OK),
            Err(e) => {
                let api = ApiError::from(e);
                // Show step two again with the same pending secret, to retry (not after a
                // wrong code: that would count the guess twice).
                let started = if api.code == "enrolment_code_wrong" {
                    None
                } else {
                    state
                        .svc
                        .enrolment_start(&f.username, &f.code, &ctx.meta)
                        .await
                        .ok()
                };
                page(Some(api.message), started, false, api.status)
            }
        }
    } else {
        match state
            .svc
            .enrolment_start(&f.username, &f.code, &ctx.meta)
            .await
        {
            Ok(s) => page(None, Some(s), false, StatusCode::OK),
            Err(e) => {
                let api = ApiError::from(e);
                page(Some(api.message), None, false, api.status)
            }
        }
    }
}

#[derive(Template)]
#[template(path = "account/step_up.html")]
struct StepUpPage {
    ctx: PageCtx,
    error: Option<String>,
    reason: Option<String>,
    next: Option<String>,
    /// 演示模式 only: the code to type.
    demo_code: Option<String>,
}

/// The step-up form, shown in place of a page or action that needs it.
pub fn step_up_page(
    ctx: &Ctx,
    error: Option<String>,
    reason: Option<String>,
    next: Option<&str>,
) -> Response {
    step_up_page_with(ctx, error, reason, next, None)
}

fn step_up_page_with(
    ctx: &Ctx,
    error: Option<String>,
    reason: Option<String>,
    next: Option<&str>,
    demo_code: Option<String>,
) -> Response {
    if ctx.actor().is_none() {
        return Redirect::to("/login").into_response();
    }
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::FORBIDDEN
    };
    render(
        status,
        &StepUpPage {
            ctx: PageCtx::new(ctx, "确认身份", "/step-up"),
            error,
            reason,
            next: next
                .and_then(safe_next)
                .filter(|n| !n.starts_with("/step-up"))
                .map(str::to_owned),
            demo_code,
        },
    )
}

async fn step_up_get(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let query = FormData::parse(q.as_deref().unwrap_or("").as_bytes());
    let next = query.get("next").trim().to_owned();
    let demo_code = match ctx.token.as_deref() {
        Some(t) => state.svc.demo_second_factor_code(t).await.ok().flatten(),
        None => None,
    };
    let mut r = step_up_page_with(&ctx, None, None, Some(&next), demo_code);
    if r.status() == StatusCode::FORBIDDEN {
        *r.status_mut() = StatusCode::OK;
    }
    r
}

#[derive(Default, Deserialize)]
struct StepUpForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
}

async fn step_up_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(f): Form<StepUpForm>,
) -> Response {
    let Some(token) = ctx.token.as_deref().filter(|_| ctx.actor().is_some()) else {
        return Redirect::to("/login").into_response();
    };
    match state
        .svc
        .step_up(token, &f.password, &f.code, &ctx.meta)
        .await
    {
        Ok(()) => Redirect::to(safe_next(f.next.trim()).unwrap_or("/")).into_response(),
        Err(ServiceError::Unauthenticated) => Redirect::to("/login").into_response(),
        Err(ServiceError::Locked { .. }) => Redirect::to("/login").into_response(),
        Err(e) => step_up_page(
            &ctx,
            Some(ApiError::from(e).message),
            None,
            Some(f.next.trim()),
        ),
    }
}
