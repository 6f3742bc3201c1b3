//! Server-rendered pages in Simplified Chinese. Every page is readable without scripts;
//! forms post back with a CSRF token and show errors beside the field, keeping what was typed.

pub(crate) use staff_imports::{UPLOAD_LIMIT, UPLOAD_PATH, upload_routes};

mod account;
mod admin;
mod complaints;
mod consult;
mod employer;
mod enrol;
mod hub;
mod notices;
mod policy;
mod public_services;
mod services;
mod signup;
mod staff;
mod staff_imports;
mod staff_market;
mod staff_occupations;
mod staff_services;
mod stats;
mod table_export;
mod work;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use linghuo_service::auth::SessionState;
use linghuo_service::{Actor, Role};
use std::sync::LazyLock;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .merge(account::routes())
        .merge(staff::routes())
        .merge(admin::routes())
        .merge(enrol::routes())
        .merge(policy::routes())
        .merge(work::routes())
        .merge(employer::routes())
        .merge(staff_market::routes())
        .merge(staff_occupations::routes())
        .merge(notices::routes())
        .merge(stats::routes())
        .merge(signup::routes())
        .merge(hub::routes())
        .merge(public_services::routes())
        .merge(complaints::routes())
        .merge(consult::routes())
        .merge(services::routes())
        .merge(staff_services::routes())
        .merge(staff_imports::routes())
        .merge(table_export::routes())
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
                vec![("/admin/users", "账户管理"), ("/policy", "政策计算器")]
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
        return enrol::step_up_page(ctx, None, Some(e.message), ctx.back.as_deref());
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

/// Where to go back to after logging in or signing up (`next`), if it is a path on this
/// site: a single leading `/` (not `//` or `/\`, which browsers read as another host), no
/// scheme, no control characters, spaces or backslashes, and not too long. Anything else is
/// ignored, so the form cannot send anyone to another site.
pub fn safe_next(next: &str) -> Option<&str> {
    let ok = next.len() <= 512
        && next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
    ok.then_some(next)
}

/// `?next=…` (URL-encoded) for a link that carries a safe `next` on, else nothing.
pub fn next_query(next: Option<&str>) -> String {
    match next.and_then(safe_next) {
        Some(n) => format!(
            "?{}",
            serde_urlencoded::to_string([("next", n)]).unwrap_or_default()
        ),
        None => String::new(),
    }
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

/// A submitted (or prefilled) form as name–value pairs, kept to refill the fields after an
/// error. Repeated names (checkboxes) keep every value.
#[derive(Clone, Debug, Default)]
pub struct FormData {
    pairs: Vec<(String, String)>,
}

impl FormData {
    /// Reads an `application/x-www-form-urlencoded` body or query string; unreadable input
    /// gives an empty form (every field then reports what is missing).
    pub fn parse(bytes: &[u8]) -> FormData {
        FormData {
            pairs: serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| k != "_csrf")
                .collect(),
        }
    }

    /// The first value of a field, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    /// The value when it is not blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    /// Whether a checkbox or option with this value was chosen.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.pairs.iter().any(|(k, v)| k == name && v == value)
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// Replaces a field's values with one value.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.pairs.retain(|(k, _)| k != name);
        self.pairs.push((name.to_owned(), value.into()));
    }

    /// Adds a value (for checkboxes).
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.pairs.push((name.to_owned(), value.into()));
    }

    /// Takes every field of `other` over this form's values (a submitted form over defaults).
    pub fn overlay(mut self, other: &FormData) -> FormData {
        for (k, _) in &other.pairs {
            self.pairs.retain(|(n, _)| n != k);
        }
        self.pairs.extend(other.pairs.iter().cloned());
        self
    }

    /// A list typed as words separated by commas, 、, semicolons, spaces or new lines.
    pub fn list(&self, name: &str) -> Vec<String> {
        split_list(self.get(name))
    }
}

/// Splits "保洁员、家政服务员, 育婴员" into its items.
pub fn split_list(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ';', '；', '\n', '\r', ' ', '\u{3000}'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A form shown again after a failure: status, errors beside fields, a message above.
pub type FormFailure = (StatusCode, Errors, Option<String>);

/// How a failed form submission is shown: beside a field, above the form, or (for a record
/// that is gone or not the caller's) on the error page.
pub enum Failure {
    Form {
        status: StatusCode,
        errors: Errors,
        error: Option<String>,
    },
    Page(ApiError),
}

impl Failure {
    /// Sorts a service error. A list item's field (`skills[2]`) is reported on the list's
    /// own field (`skills`); a field the form does not have is reported above the form.
    pub fn of(e: impl Into<ApiError>, fields: &[&str]) -> Failure {
        let api: ApiError = e.into();
        let field = api
            .field
            .as_deref()
            .map(|f| f.split('[').next().unwrap_or(f))
            .filter(|f| fields.contains(f))
            .map(str::to_owned);
        match (field, api.status) {
            (Some(f), _) => Failure::Form {
                status: api.status,
                errors: Errors(vec![(f, api.message)]),
                error: None,
            },
            (None, StatusCode::BAD_REQUEST | StatusCode::CONFLICT) => Failure::Form {
                status: api.status,
                errors: Errors::default(),
                error: Some(api.message),
            },
            _ => Failure::Page(api),
        }
    }

    /// The status, field errors and general message of a form failure, or the error for
    /// the error page.
    pub fn parts(self) -> Result<FormFailure, ApiError> {
        match self {
            Failure::Form {
                status,
                errors,
                error,
            } => Ok((status, errors, error)),
            Failure::Page(api) => Err(api),
        }
    }

    /// A problem found by the page itself before calling the service.
    pub fn field(name: &str, message: &str) -> Failure {
        Failure::Form {
            status: StatusCode::BAD_REQUEST,
            errors: Errors(vec![(name.to_owned(), message.to_owned())]),
            error: None,
        }
    }
}

/// An id from a path; anything else is "not found".
pub fn path_id(ctx: &Ctx, s: &str) -> Result<uuid::Uuid, Response> {
    uuid::Uuid::parse_str(s).map_err(|_| error_page_ctx(ctx, ApiError::not_found()))
}

/// A date however many references deep (templates bind `&&NaiveDate` in `if let`).
pub trait DateLike {
    fn naive(&self) -> chrono::NaiveDate;
}

impl DateLike for chrono::NaiveDate {
    fn naive(&self) -> chrono::NaiveDate {
        *self
    }
}

impl<T: DateLike + ?Sized> DateLike for &T {
    fn naive(&self) -> chrono::NaiveDate {
        (**self).naive()
    }
}

/// A date as people read it: 2021年6月1日.
pub fn date_cn(d: impl DateLike) -> String {
    use chrono::Datelike;
    let d = d.naive();
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Shanxi's cities and counties for a region select, "太原市" and "太原市小店区" (the
/// province is the empty choice).
pub fn region_options(counties_only: bool) -> Vec<(String, String)> {
    region_option_list(counties_only).to_vec()
}

/// The same options, made once per process (a page with the full list renders it on every
/// request).
pub fn region_option_list(counties_only: bool) -> &'static [(String, String)] {
    static LISTS: LazyLock<[Vec<(String, String)>; 2]> =
        LazyLock::new(|| [build_region_options(false), build_region_options(true)]);
    &LISTS[usize::from(counties_only)]
}

fn build_region_options(counties_only: bool) -> Vec<(String, String)> {
    linghuo_domain::all_regions()
        .into_iter()
        .filter(|r| r.level() != linghuo_domain::RegionLevel::Province)
        .filter(|r| !counties_only || r.level() == linghuo_domain::RegionLevel::County)
        .map(|r| {
            let full = r.full_name();
            let short = full.strip_prefix("山西省").unwrap_or(&full).to_owned();
            (r.as_str(), short)
        })
        .collect()
}

/// The occupation catalogue grouped for a select: each category with its trades.
pub struct OccupationGroup {
    pub code: &'static str,
    pub name: &'static str,
    pub trades: Vec<(&'static str, &'static str)>,
}

/// Built once per process: grouping walks the whole catalogue for every category.
pub fn occupation_groups() -> &'static [OccupationGroup] {
    static GROUPS: LazyLock<Vec<OccupationGroup>> = LazyLock::new(|| {
        linghuo_domain::occupation_categories()
            .into_iter()
            .map(|c| OccupationGroup {
                code: c.code,
                name: c.name,
                trades: linghuo_domain::occupation_children(c.code)
                    .into_iter()
                    .map(|t| (t.code, t.name))
                    .collect(),
            })
            .collect()
    });
    &GROUPS
}
