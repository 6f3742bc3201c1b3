//! 账户管理 for the system and security administrators: every change to an account is
//! proposed by one and approved by the other (三权分立; the audit log is apart, in `audit`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::account_changes::{ChangeKind, ChangeView, ProposeChange};
use linghuo_service::accounts::UserView;
use linghuo_service::{Role, ServiceError};
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{Admin, Failure, Form, PageCtx, PageResult, cst, path_uuid, query_field, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users_page).post(propose))
        .route("/admin/changes/{id}/{action}", post(change_action))
}

#[derive(Default, Deserialize)]
struct ChangeForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope_code: String,
    #[serde(default)]
    pii_reveal: String,
    #[serde(default)]
    bank_export: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    reason: String,
}

#[derive(Template)]
#[template(path = "admin/admin_users.html")]
struct UsersPage {
    ctx: PageCtx,
    users: Vec<UserView>,
    /// The signed-in administrator: no change links on their own row.
    me: String,
    changes: Vec<ChangeView>,
    message: Option<String>,
    error: Option<String>,
    form: ChangeForm,
    kinds: Vec<(&'static str, &'static str)>,
    roles: Vec<(&'static str, &'static str)>,
    regions: Vec<(String, String)>,
}

impl UsersPage {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        cst(t)
    }
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

/// A fresh proposal form.
fn new_change() -> ChangeForm {
    ChangeForm {
        kind: "create".into(),
        role: "staff".into(),
        ..ChangeForm::default()
    }
}

/// Why a proposal or a decision was refused, to show above the form, or the page to show
/// instead (the step-up form when the administrator must confirm who they are first).
fn refusal(e: ServiceError) -> PageResult<(StatusCode, String)> {
    Failure::of_action(e)
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    admin: &Admin,
    message: Option<String>,
    error: Option<String>,
    form: ChangeForm,
    status: StatusCode,
) -> PageResult {
    let users = state.svc.list_users(Some(&**admin)).await?;
    let changes = state.svc.account_changes(admin).await?;
    Ok(render(
        status,
        &UsersPage {
            ctx: PageCtx::new(ctx, "账户管理", "/admin/users"),
            users,
            me: admin.username.clone(),
            changes,
            message,
            error,
            form,
            kinds: ChangeKind::all()
                .iter()
                .map(|k| (k.as_str(), k.label()))
                .collect(),
            roles: roles(),
            regions: regions(),
        },
    ))
}

async fn users_page(
    State(state): State<AppState>,
    ctx: Ctx,
    admin: Admin,
    RawQuery(q): RawQuery,
) -> PageResult {
    // Links from the account list pre-fill the proposal form (`?kind=disable&username=…`).
    let kind = query_field(&q, "kind");
    let form = ChangeForm {
        kind: Some(kind.as_str())
            .filter(|k| ChangeKind::parse(k).is_some())
            .unwrap_or("create")
            .to_owned(),
        username: query_field(&q, "username"),
        role: "staff".into(),
        ..ChangeForm::default()
    };
    page(&state, &ctx, &admin, None, None, form, StatusCode::OK).await
}

async fn propose(
    State(state): State<AppState>,
    ctx: Ctx,
    admin: Admin,
    Form { value: f, .. }: Form<ChangeForm>,
) -> PageResult {
    let mut permissions = vec![];
    if !f.pii_reveal.is_empty() {
        permissions.push("pii:reveal".to_owned());
    }
    if !f.bank_export.is_empty() {
        permissions.push("bank:export".to_owned());
    }
    let input = ProposeChange {
        kind: f.kind.clone(),
        username: f.username.clone(),
        display_name: f.display_name.clone(),
        role: f.role.clone(),
        scope_code: Some(f.scope_code.clone()),
        permissions,
        contact_phone: Some(f.contact_phone.clone()),
        reason: f.reason.clone(),
    };
    match state.svc.propose_account_change(&admin, input).await {
        Ok(c) => {
            let msg = format!(
                "已提出“{}”（{}），等待{}批准。",
                c.kind_label,
                c.username,
                if admin.role == Role::SysAdmin {
                    "安全管理员"
                } else {
                    "系统管理员"
                }
            );
            let form = new_change();
            page(&state, &ctx, &admin, Some(msg), None, form, StatusCode::OK).await
        }
        Err(e) => {
            let (status, message) = refusal(e)?;
            let form = ChangeForm {
                contact_phone: String::new(),
                ..f
            };
            page(&state, &ctx, &admin, None, Some(message), form, status).await
        }
    }
}

#[derive(Default, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    note: String,
}

async fn change_action(
    State(state): State<AppState>,
    ctx: Ctx,
    admin: Admin,
    Path((id, action)): Path<(String, String)>,
    Form { value: f, .. }: Form<DecisionForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let result = match action.as_str() {
        "approve" => {
            state
                .svc
                .decide_account_change(&admin, id, true, &f.note)
                .await
        }
        "reject" => {
            state
                .svc
                .decide_account_change(&admin, id, false, &f.note)
                .await
        }
        "withdraw" => state.svc.withdraw_account_change(&admin, id).await,
        _ => return Err(ApiError::not_found().into()),
    };
    match result {
        Ok(c) => {
            let msg = match (c.status.as_str(), &c.delivered_to) {
                ("applied", Some(to)) if ctx.demo => format!(
                    "已批准并生效：{}（{}）。演示模式：短信没有真正发出，发给 {} 的开通码写在服务器的 {} 目录里。",
                    c.kind_label,
                    c.username,
                    to,
                    state.svc.config.enrolment_outbox().display()
                ),
                ("applied", Some(to)) => format!(
                    "已批准并生效：{}（{}）。开通码已发送到本人手机 {}，管理员看不到开通码。",
                    c.kind_label, c.username, to
                ),
                ("applied", None) => format!("已批准并生效：{}（{}）。", c.kind_label, c.username),
                (_, _) => format!("{}：{}（{}）。", c.status_label, c.kind_label, c.username),
            };
            let form = new_change();
            page(&state, &ctx, &admin, Some(msg), None, form, StatusCode::OK).await
        }
        Err(e) => {
            let (status, message) = refusal(e)?;
            page(
                &state,
                &ctx,
                &admin,
                None,
                Some(message),
                new_change(),
                status,
            )
            .await
        }
    }
}
