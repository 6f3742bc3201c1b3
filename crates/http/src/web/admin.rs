//! Administrators' pages: accounts (system and security administrators) and the audit log
//! (audit administrator only), kept apart as 三权分立 requires.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linghuo_service::Role;
use linghuo_service::accounts::{CreatedUser, NewUser, UserView};
use linghuo_service::audit::VerifyReport;
use serde::Deserialize;

use super::{PageCtx, cst, error_page_ctx, render, require};
use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users_page).post(create_user))
        .route("/admin/users/{username}/{action}", post(user_action))
        .route("/admin/audit", get(audit_page))
}

#[derive(Default, Deserialize)]
struct UserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope_code: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    ctx: PageCtx,
    users: Vec<UserView>,
    can_create: bool,
    created: Option<CreatedUser>,
    error: Option<String>,
    form: UserForm,
    roles: Vec<(&'static str, &'static str)>,
    regions: Vec<(String, String)>,
}

fn roles() -> Vec<(&'static str, &'static str)> {
    [
        Role::Staff,
        Role::Worker,
        Role::Employer,
        Role::SysAdmin,
        Role::SecAdmin,
        Role::AuditAdmin,
    ]
    .iter()
    .map(|r| (r.as_str(), r.label()))
    .collect()
}

fn regions() -> Vec<(String, String)> {
    linghuo_domain::region::all_regions()
        .iter()
        .map(|r| (r.as_str(), r.full_name()))
        .collect()
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    created: Option<CreatedUser>,
    error: Option<String>,
    form: UserForm,
    status: StatusCode,
) -> Response {
    let actor = match require(ctx, &[Role::SysAdmin, Role::SecAdmin]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.svc.list_users(Some(actor)).await {
        Ok(users) => render(
            status,
            &UsersPage {
                ctx: PageCtx::new(ctx, "账户管理", "/admin/users"),
                users,
                can_create: actor.role == Role::SysAdmin,
                created,
                error,
                form,
                roles: roles(),
                regions: regions(),
            },
        ),
        Err(e) => error_page_ctx(ctx, e.into()),
    }
}

async fn users_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    page(
        &state,
        &ctx,
        None,
        None,
        UserForm {
            role: "staff".into(),
            ..UserForm::default()
        },
        StatusCode::OK,
    )
    .await
}

async fn create_user(State(state): State<AppState>, ctx: Ctx, Form(f): Form<UserForm>) -> Response {
    let actor = match require(&ctx, &[Role::SysAdmin]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let input = NewUser {
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        scope_code: Some(f.scope_code.clone()),
        permissions: vec![],
        person_id: None,
    };
    match state.svc.create_user(Some(actor), input).await {
        Ok(c) => {
            page(
                &state,
                &ctx,
                Some(c),
                None,
                UserForm {
                    role: "staff".into(),
                    ..UserForm::default()
                },
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let api = ApiError::from(e);
            page(&state, &ctx, None, Some(api.message), f, api.status).await
        }
    }
}

async fn user_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((username, action)): Path<(String, String)>,
) -> Response {
    let actor = match require(&ctx, &[Role::SysAdmin]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let disabled = match action.as_str() {
        "disable" => true,
        "enable" => false,
        _ => return error_page_ctx(&ctx, ApiError::not_found()),
    };
    match state
        .svc
        .set_user_disabled(Some(actor), &username, disabled)
        .await
    {
        Ok(_) => Redirect::to("/admin/users").into_response(),
        Err(e) => error_page_ctx(&ctx, e.into()),
    }
}

pub struct AuditLine {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    pub event_type: String,
    pub outcome: &'static str,
    pub object: String,
    pub region: String,
    pub ip: String,
    pub request_id: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    ctx: PageCtx,
    report: VerifyReport,
    rows: Vec<AuditLine>,
}

async fn audit_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match require(&ctx, &[Role::AuditAdmin]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let report = match state.svc.verify_audit().await {
        Ok(r) => r,
        Err(e) => return error_page_ctx(&ctx, e.into()),
    };
    let rows = match state.svc.audit_recent(actor, None, 200).await {
        Ok(r) => r,
        Err(e) => return error_page_ctx(&ctx, e.into()),
    };
    let rows = rows
        .into_iter()
        .map(|r| AuditLine {
            seq: r.seq,
            at: cst(&r.at),
            actor: if r.actor_name.is_empty() {
                r.actor_role.clone()
            } else {
                format!("{}（{}）", r.actor_name, r.actor_role)
            },
            event_type: r.event_type,
            outcome: match r.outcome.as_str() {
                "success" => "成功",
                "failure" => "失败",
                _ => "拒绝",
            },
            object: format!("{}:{}", r.object_type, r.object_id),
            region: r.region_code,
            ip: r.ip,
            request_id: r.request_id,
        })
        .collect();
    render(
        StatusCode::OK,
        &AuditPage {
            ctx: PageCtx::new(&ctx, "审计日志", "/admin/audit"),
            report,
            rows,
        },
    )
}
