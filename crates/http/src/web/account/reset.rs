//! 忘记密码: a one-time code to the phone number of the worker's record, then a new password
//! (issue 16 item 6). Staff and administrators are told to ask their security administrator.

use askama::Template;
use axum::Router;
// Typed as entered (axum's `Form`, not the kit's, which trims): spaces may be part of a
// password.
use axum::extract::{Form, RawQuery};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{Errors, Failure, FormData, PageCtx, PageResult, next_query, render, safe_next};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login/reset", get(request_page).post(request_submit))
        .route("/login/reset/confirm", axum::routing::post(confirm_submit))
}

const FIELDS: &[&str] = &["phone", "code", "new_password", "new_password2"];

#[derive(Template)]
#[template(path = "account/reset.html")]
struct ResetPage {
    ctx: PageCtx,
    /// false: ask for the number; true: the code and the new password.
    sent: bool,
    /// The number typed in the first step (shown back only when it could not be used).
    phone: String,
    /// The number sealed by the server for the second step (`Service::reset_ticket`).
    ticket: String,
    error: Option<String>,
    errors: Errors,
    /// 演示模式 only: the message the log adapter "sent".
    demo_message: Option<String>,
    next: Option<String>,
}

impl ResetPage {
    fn new(ctx: &Ctx, next: &str) -> ResetPage {
        ResetPage {
            ctx: PageCtx::new(ctx, "找回密码", "/login/reset"),
            sent: false,
            phone: String::new(),
            ticket: String::new(),
            error: None,
            errors: Errors::default(),
            demo_message: None,
            next: safe_next(next.trim()).map(str::to_owned),
        }
    }
}

async fn request_page(ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let query = FormData::parse(q.as_deref().unwrap_or("").as_bytes());
    render(StatusCode::OK, &ResetPage::new(&ctx, query.get("next")))
}

#[derive(Deserialize)]
struct RequestForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    next: String,
}

async fn request_submit(
    state: axum::extract::State<AppState>,
    ctx: Ctx,
    Form(f): Form<RequestForm>,
) -> PageResult {
    let page = ResetPage::new(&ctx, &f.next);
    match state.svc.request_password_reset(&f.phone, &ctx.meta).await {
        Ok(()) => Ok(render(
            StatusCode::OK,
            &ResetPage {
                sent: true,
                ticket: state.svc.reset_ticket(&f.phone).unwrap_or_default(),
                demo_message: state.svc.demo_message_to(&f.phone),
                ..page
            },
        )),
        Err(e) => {
            let (status, errors, error) = Failure::of(e, FIELDS).parts()?;
            Ok(render(
                status,
                &ResetPage {
                    errors,
                    error,
                    ..page
                },
            ))
        }
    }
}

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    ticket: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password2: String,
    #[serde(default)]
    next: String,
}

async fn confirm_submit(
    state: axum::extract::State<AppState>,
    ctx: Ctx,
    Form(f): Form<ConfirmForm>,
) -> PageResult {
    let page = ResetPage {
        sent: true,
        ticket: f.ticket.trim().to_owned(),
        ..ResetPage::new(&ctx, &f.next)
    };
    let Some(phone) = state.svc.reset_ticket_phone(&f.ticket) else {
        // Not a ticket of this server (or a stale key): start again.
        return Ok(render(
            StatusCode::BAD_REQUEST,
            &ResetPage {
                sent: false,
                error: Some("请重新输入手机号码获取验证码".into()),
                ..page
            },
        ));
    };
    if f.new_password != f.new_password2 {
        return Ok(render(
            StatusCode::BAD_REQUEST,
            &ResetPage {
                errors: Errors(vec![(
                    "new_password2".into(),
                    "两次输入的新密码不一致".into(),
                )]),
                ..page
            },
        ));
    }
    match state
        .svc
        .reset_password(&phone, &f.code, &f.new_password, &ctx.meta)
        .await
    {
        Ok(()) => {
            let back = next_query(page.next.as_deref());
            let sep = if back.is_empty() { "?" } else { "&" };
            Ok(Redirect::to(&format!("/login{back}{sep}ok=password_reset")).into_response())
        }
        Err(e) => {
            let (status, errors, error) = Failure::of(e, FIELDS).parts()?;
            Ok(render(
                status,
                &ResetPage {
                    errors,
                    error,
                    ..page
                },
            ))
        }
    }
}
