//! The page frame: what the layout needs (`PageCtx`), rendering a template, and the error
//! page. A handler returns [`PageResult`] and uses `?`: a service error becomes the error page
//! (or the step-up form), drawn with the caller's header by the [`error_pages`] layer.

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use linghuo_service::Role;
use linghuo_service::ServiceError;

use crate::context::Ctx;
use crate::error::ApiError;

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
    /// The tab bar at the bottom of a worker's phone screen (找活 / 办事 / 消息 / 我的), with
    /// the tab of this page marked; empty for other roles.
    pub tabs: Vec<Tab>,
}

/// One tab of the phone tab bar.
pub struct Tab {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// The worker's tabs: each names the paths it stands for, so 报名 under 找活 or a benefit
/// under 办事 still shows where the person is.
const WORKER_TABS: &[(&str, &str, &[&str])] = &[
    ("/work", "找活", &["/work", "/sites"]),
    (
        "/services",
        "办事",
        &[
            "/services",
            "/policy",
            "/complaints",
            "/venues",
            "/places",
            "/relief",
            "/events",
            "/archives",
            "/consult",
            "/news",
            "/fees",
        ],
    ),
    ("/notices", "消息", &["/notices"]),
    ("/account", "我的", &["/account"]),
];

fn tabs_for(role: Option<Role>, path: &str) -> Vec<Tab> {
    if role != Some(Role::Worker) {
        return Vec::new();
    }
    WORKER_TABS
        .iter()
        .map(|(href, label, under)| Tab {
            href,
            label,
            current: under
                .iter()
                .any(|p| path == *p || path.starts_with(&format!("{p}/"))),
        })
        .collect()
}

pub struct Badge {
    pub name: String,
    pub role_label: &'static str,
}

impl PageCtx {
    pub fn new(ctx: &Ctx, title: impl Into<String>, path: &str) -> PageCtx {
        let actor = ctx.actor();
        let nav = match actor.map(|a| a.role) {
            None => vec![
                ("/work", "找活"),
                ("/events", "招聘会"),
                ("/consult", "政策咨询"),
                ("/policy", "政策计算器"),
            ],
            Some(Role::Staff) => vec![
                ("/staff", "经办工作台"),
                ("/staff/market", "零工市场"),
                ("/staff/benefits", "待遇审核"),
                ("/staff/complaints", "投诉调解"),
                ("/notices", "消息"),
                ("/policy", "政策计算器"),
            ],
            Some(Role::SysAdmin | Role::SecAdmin) => {
                vec![
                    ("/admin/users", "账户管理"),
                    ("/admin/fee-departments", "收费举报职能部门"),
                    ("/policy", "政策计算器"),
                ]
            }
            Some(Role::AuditAdmin) => vec![("/admin/audit", "审计日志"), ("/policy", "政策计算器")],
            Some(Role::Worker) => vec![
                ("/work", "找活"),
                ("/work/recommended", "为我推荐"),
                ("/work/applications", "我的报名"),
                ("/work/hires", "我的用工"),
                ("/services", "办事大厅"),
                ("/notices", "消息"),
                ("/policy", "政策计算器"),
            ],
            Some(Role::Employer) => vec![
                ("/employer", "单位首页"),
                ("/employer/posts", "我的岗位"),
                ("/employer/hires", "用工管理"),
                ("/employer/events", "招聘会"),
                ("/employer/complaints", "投诉"),
                ("/notices", "消息"),
                ("/policy", "政策计算器"),
            ],
        };
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
            tabs: tabs_for(actor.map(|a| a.role), path),
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
            nav: vec![("/work", "找活"), ("/policy", "政策计算器")],
            tabs: Vec::new(),
        }
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
        StatusCode::TOO_MANY_REQUESTS => "操作过于频繁",
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
    if e.code == "step_up_required" {
        return super::account::enrol::step_up_page(
            ctx,
            None,
            Some(e.message),
            ctx.back.as_deref(),
        );
    }
    let heading = match e.status {
        StatusCode::NOT_FOUND => "未找到",
        StatusCode::FORBIDDEN => "无法办理",
        StatusCode::BAD_REQUEST => "填写有误",
        StatusCode::TOO_MANY_REQUESTS => "操作过于频繁",
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

/// What a page handler returns: the page, or what to show instead.
pub type PageResult<T = Response> = Result<T, PageError>;

/// Why a page handler stopped: an error to show on the error page (drawn by [`error_pages`]
/// with the caller's header), or a response already made (a redirect to log in, a refusal).
#[derive(Debug)]
pub enum PageError {
    Show(ApiError),
    Respond(Response),
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> PageError {
        PageError::Show(e)
    }
}

impl From<ServiceError> for PageError {
    fn from(e: ServiceError) -> PageError {
        PageError::Show(e.into())
    }
}

impl From<Response> for PageError {
    fn from(r: Response) -> PageError {
        PageError::Respond(r)
    }
}

/// Marks a response whose body is still to be drawn as the error page.
#[derive(Clone, Debug)]
struct ShowError(ApiError);

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Respond(r) => r,
            PageError::Show(e) => {
                let mut r = e.status.into_response();
                r.extensions_mut().insert(ShowError(e));
                r
            }
        }
    }
}

/// Draws the error page of a handler that stopped with [`PageError::Show`], with the header
/// of the person asking (their name, role and menu) and the step-up form where that is what
/// the error asks for.
pub async fn error_pages(req: Request, next: Next) -> Response {
    let ctx = req.extensions().get::<Ctx>().cloned();
    let mut r = next.run(req).await;
    match r.extensions_mut().remove::<ShowError>() {
        Some(ShowError(e)) => match ctx {
            Some(ctx) => error_page_ctx(&ctx, e),
            None => error_page(e.status, &e.message),
        },
        None => r,
    }
}

/// An id from a path; anything else is "not found".
pub fn path_uuid(s: &str) -> Result<uuid::Uuid, PageError> {
    uuid::Uuid::parse_str(s).map_err(|_| ApiError::not_found().into())
}

/// A 303 to another page.
pub fn to(path: &str) -> Response {
    Redirect::to(path).into_response()
}
