//! Server-rendered pages in Simplified Chinese. Every page is readable without scripts;
//! forms post back with a CSRF token and show errors beside the field, keeping what was typed.

mod account;
mod admin;
mod policy;
mod staff;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use linghuo_service::auth::SessionState;
use linghuo_service::{Actor, Role};

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .merge(account::routes())
        .merge(staff::routes())
        .merge(admin::routes())
        .merge(policy::routes())
}

/// What the layout needs on every page.
pub struct PageCtx {
    pub title: String,
    pub csrf: String,
    pub elder: bool,
    pub demo: bool,
    pub path: String,
    pub user: Option<Badge>,
    pub region: Option<String>,
    pub nav: Vec<(&'static str, &'static str)>,
}

pub struct Badge {
    pub name: String,
    pub role_label: &'static str,
}

impl PageCtx {
    pub fn new(ctx: &Ctx, title: impl Into<String>, path: &str) -> PageCtx {
        let actor = ctx.actor();
        let mut nav = vec![("/policy", "政策计算器")];
        if let Some(a) = actor {
            match a.role {
                Role::Staff => nav.insert(0, ("/staff", "经办工作台")),
                Role::SysAdmin | Role::SecAdmin => nav.insert(0, ("/admin/users", "账户管理")),
                Role::AuditAdmin => nav.insert(0, ("/admin/audit", "审计日志")),
                Role::Worker | Role::Employer => {}
            }
        }
        PageCtx {
            title: title.into(),
            csrf: ctx.csrf().to_owned(),
            elder: ctx.elder,
            demo: ctx.demo,
            path: path.to_owned(),
            user: actor.map(|a| Badge {
                name: a.display_name.clone(),
                role_label: a.role.label(),
            }),
            region: actor.and_then(|a| a.scope).map(|s| s.full_name()),
            nav,
        }
    }

    fn bare(title: &str) -> PageCtx {
        PageCtx {
            title: title.into(),
            csrf: String::new(),
            elder: false,
            demo: false,
            path: "/".into(),
            user: None,
            region: None,
            nav: vec![("/policy", "政策计算器")],
        }
    }
}

/// Field errors of a form, shown beside each field.
#[derive(Default)]
pub struct Errors(pub Vec<(String, String)>);

impl Errors {
    pub fn get(&self, field: &str) -> Option<&String> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }
}

pub fn render<T: Template>(status: StatusCode, t: &T) -> Response {
    match t.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "系统繁忙，请稍后再试").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: PageCtx,
    heading: String,
    message: String,
}

pub fn error_page(status: StatusCode, message: &str) -> Response {
    let heading = match status {
        StatusCode::NOT_FOUND => "未找到",
        StatusCode::FORBIDDEN => "无法办理",
        StatusCode::BAD_REQUEST => "填写有误",
        _ => "出错了",
    };
    render(
        status,
        &ErrorPage {
            ctx: PageCtx::bare(heading),
            heading: heading.into(),
            message: message.into(),
        },
    )
}

pub fn error_page_ctx(ctx: &Ctx, e: ApiError) -> Response {
    let heading = match e.status {
        StatusCode::NOT_FOUND => "未找到",
        StatusCode::FORBIDDEN => "无法办理",
        StatusCode::BAD_REQUEST => "填写有误",
        _ => "出错了",
    };
    render(
        e.status,
        &ErrorPage {
            ctx: PageCtx::new(ctx, heading, "/"),
            heading: heading.into(),
            message: e.message,
        },
    )
}

pub async fn not_found(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, "route_not_found", "接口不存在").into_response()
    } else {
        error_page(StatusCode::NOT_FOUND, "您要找的页面不存在。")
    }
}

/// Sends a visitor who is not (fully) logged in to the right step, and refuses a role that
/// may not use the page.
pub fn require<'a>(ctx: &'a Ctx, roles: &[Role]) -> Result<&'a Actor, Response> {
    match ctx.session.as_ref().map(|s| &s.state) {
        Some(SessionState::Active(a)) => {
            if roles.contains(&a.role) {
                Ok(a)
            } else {
                Err(error_page_ctx(
                    ctx,
                    ApiError::new(
                        StatusCode::FORBIDDEN,
                        "forbidden",
                        "您的账户没有使用此功能的权限。",
                    ),
                ))
            }
        }
        Some(SessionState::SecondFactor { .. }) => Err(Redirect::to("/login/totp").into_response()),
        Some(SessionState::PasswordChange(_)) => {
            Err(Redirect::to("/account/password").into_response())
        }
        _ => Err(Redirect::to("/login").into_response()),
    }
}

/// Where a role starts after logging in.
pub fn landing(role: Role) -> &'static str {
    match role {
        Role::Staff => "/staff",
        Role::SysAdmin | Role::SecAdmin => "/admin/users",
        Role::AuditAdmin => "/admin/audit",
        Role::Worker | Role::Employer => "/account",
    }
}

/// A 303 redirect that also sets a cookie.
pub fn redirect_with_cookie(to: &str, cookie: HeaderValue) -> Response {
    let mut r = Redirect::to(to).into_response();
    r.headers_mut().append(header::SET_COOKIE, cookie);
    r
}

/// A time in China Standard Time, as people read it.
pub fn cst(t: &DateTime<Utc>) -> String {
    (*t + chrono::Duration::hours(8))
        .format("%Y年%m月%d日 %H:%M")
        .to_string()
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: PageCtx,
}

async fn home(ctx: Ctx) -> Response {
    render(
        StatusCode::OK,
        &HomePage {
            ctx: PageCtx::new(&ctx, "首页", "/"),
        },
    )
}
