//! 我的消息: notices for workers (invitations, overdue pay), employers (overdue pay) and staff
//! (their region's warnings). Opening one marks it read and goes to the page it is about.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::market_worker::NoticeView;
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{Flash, Form, PageCtx, PageResult, Recipient, cst, path_uuid, render, to};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notices", get(notices))
        .route("/notices/{id}/read", post(read))
}

pub struct NoticeLine {
    pub n: NoticeView,
    pub at: String,
    pub kind: &'static str,
}

#[derive(Template)]
#[template(path = "account/notices.html")]
struct NoticesPage {
    ctx: PageCtx,
    items: Vec<NoticeLine>,
    unread: usize,
    ok: Option<&'static str>,
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "invitation" => "岗位邀请",
        "pay_overdue" => "报酬逾期",
        "complaint_received"
        | "complaint_concerning"
        | "complaint_progress"
        | "complaint_statement" => "投诉办理",
        "complaint_escalated" => "投诉督办",
        "mediation_session" => "调解",
        "consult_question" | "consult_answered" => "政策咨询",
        _ => "通知",
    }
}

async fn notices(
    State(state): State<AppState>,
    ctx: Ctx,
    reader: Recipient,
    flash: Flash,
) -> PageResult {
    let list = state.svc.my_notices(&reader).await?;
    let unread = list.iter().filter(|n| !n.read).count();
    Ok(render(
        StatusCode::OK,
        &NoticesPage {
            ctx: PageCtx::new(&ctx, "我的消息", "/notices"),
            items: list
                .into_iter()
                .map(|n| NoticeLine {
                    at: cst(&n.created_at),
                    kind: kind_label(&n.kind),
                    n,
                })
                .collect(),
            unread,
            ok: flash.text(),
        },
    ))
}

#[derive(Deserialize)]
struct ReadForm {
    /// "1" to continue to the page the notice is about.
    #[serde(default)]
    go: String,
}

/// Marks a notice read; with `go=1` continues to the page the notice is about.
async fn read(
    State(state): State<AppState>,
    reader: Recipient,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<ReadForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let link = state
        .svc
        .my_notices(&reader)
        .await?
        .into_iter()
        .find(|n| n.id == id)
        .map(|n| n.link);
    state.svc.mark_notice_read(&reader, id).await?;
    Ok(match link {
        Some(l) if f.go == "1" && l.starts_with('/') && !l.starts_with("//") => to(&l),
        _ => to("/notices?ok=read"),
    })
}
