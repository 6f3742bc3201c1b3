//! Administrators' pages: accounts (system and security administrators, every change proposed
//! by one and approved by the other) and the audit log (audit administrator only), kept apart
//! as 三权分立 requires.

use askama::Template;
use axum::Router;
use axum::extract::{Form, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use linghuo_service::Role;
use linghuo_service::account_changes::{ChangeKind, ChangeView, ProposeChange};
use linghuo_service::accounts::UserView;
use linghuo_service::audit::VerifyReport;
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{PageCtx, cst, error_page_ctx, render, require};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users_page).post(propose))
        .route("/admin/changes/{id}/{action}", post(change_action))
        .route("/admin/audit", get(audit_page))
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

async fn page(
    state: &AppState,
    ctx: &Ctx,
    message: Option<String>,
    error: Option<String>,
    form: ChangeForm,
    status: StatusCode,
) -> Response {
    let actor = match require(ctx, &[Role::SysAdmin, Role::SecAdmin]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let users = match state.svc.list_users(Some(actor)).await {
        Ok(u) => u,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let changes = match state.svc.account_changes(actor).await {
        Ok(c) => c,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    render(
        status,
        &UsersPage {
            ctx: PageCtx::new(ctx, "账户管理", "/admin/users"),
            users,
            me: actor.username.clone(),
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
    )
}

async fn users_page(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    // Links from the account list pre-fill the proposal form (`?kind=disable&username=…`).
    let query = crate::web::FormData::parse(q.as_deref().unwrap_or("").as_bytes());
    let form = ChangeForm {
        kind: Some(query.get("kind").trim())
            .filter(|k| ChangeKind::parse(k).is_some())
            .unwrap_or("create")
            .to_owned(),
        username: query.get("username").trim().to_owned(),
        role: "staff".into(),
        ..ChangeForm::default()
    };
    page(&state, &ctx, None, None, form, StatusCode::OK).await
}

async fn propose(State(state): State<AppState>, ctx: Ctx, Form(f): Form<ChangeForm>) -> Response {
    let actor = match require(&ctx, &[Role::SysAdmin, Role::SecAdmin]) {
        Ok(a) => a,
        Err(r) => return r,
    };
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
    match state.svc.propose_account_change(actor, input).await {
        Ok(c) => {
            let msg = format!(
                "已提出“{}”（{}），等待{}批准。",
                c.kind_label,
                c.username,
                if actor.role == Role::SysAdmin {
                    "安全管理员"
                } else {
                    "系统管理员"
                }
            );
            page(
                &state,
                &ctx,
                Some(msg),
                None,
                ChangeForm {
                    kind: "create".into(),
                    role: "staff".into(),
                    ..ChangeForm::default()
                },
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let api = ApiError::from(e);
            if api.code == "step_up_required" {
                return error_page_ctx(&ctx, api);
            }
            let form = ChangeForm {
                contact_phone: String::new(),
                ..f
            };
            page(&state, &ctx, None, Some(api.message), form, api.status).await
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
    Path((id, action)): Path<(String, String)>,
    Form(f): Form<DecisionForm>,
) -> Response {
    let actor = match require(&ctx, &[Role::SysAdmin, Role::SecAdmin]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return error_page_ctx(&ctx, ApiError::not_found());
    };
    let result = match action.as_str() {
        "approve" => {
            state
                .svc
                .decide_account_change(actor, id, true, &f.note)
                .await
        }
        "reject" => {
            state
                .svc
                .decide_account_change(actor, id, false, &f.note)
                .await
        }
        "withdraw" => state.svc.withdraw_account_change(actor, id).await,
        _ => return error_page_ctx(&ctx, ApiError::not_found()),
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
            page(
                &state,
                &ctx,
                Some(msg),
                None,
                ChangeForm {
                    kind: "create".into(),
                    role: "staff".into(),
                    ..ChangeForm::default()
                },
                StatusCode::OK,
            )
            .await
        }
        Err(e) => {
            let api = ApiError::from(e);
            if api.code == "step_up_required" {
                return error_page_ctx(&ctx, api);
            }
            page(
                &state,
                &ctx,
                None,
                Some(api.message),
                ChangeForm {
                    kind: "create".into(),
                    role: "staff".into(),
                    ..ChangeForm::default()
                },
                api.status,
            )
            .await
        }
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
#[template(path = "admin/admin_audit.html")]
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
