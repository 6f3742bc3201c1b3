//! The audit log (审计日志), for the audit administrator only: the chain verified, and the
//! latest entries.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use linghuo_service::audit::VerifyReport;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{Auditor, PageCtx, PageResult, cst, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/audit", get(audit_page))
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

async fn audit_page(State(state): State<AppState>, ctx: Ctx, auditor: Auditor) -> PageResult {
    let report = state.svc.verify_audit().await?;
    let rows = state
        .svc
        .audit_recent(&auditor, None, 200)
        .await?
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
    Ok(render(
        StatusCode::OK,
        &AuditPage {
            ctx: PageCtx::new(&ctx, "审计日志", "/admin/audit"),
            report,
            rows,
        },
    ))
}
