//! 我的消息: notices for workers (invitations, overdue pay), employers (overdue pay) and staff
//! (their region's warnings). Opening one marks it read and goes to the page it is about.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linghuo_service::Role;
use linghuo_service::market_worker::NoticeView;

use crate::AppState;
use crate::context::Ctx;
use crate::web::worker::work::ok_message;
use crate::web::{FormData, PageCtx, cst, error_page_ctx, path_id, render, require};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notices", get(notices))
        .route("/notices/{id}/read", post(read))
}

const ROLES: &[Role] = &[Role::Worker, Role::Employer, Role::Staff];

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

async fn notices(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let actor = match require(&ctx, ROLES) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let list = match state.svc.my_notices(actor).await {
        Ok(l) => l,
        Err(e) => return error_page_ctx(&ctx, e.into()),
    };
    let unread = list.iter().filter(|n| !n.read).count();
    render(
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
            ok: ok_message(&q),
        },
    )
}

/// Marks a notice read; with `go=1` continues to the page the notice is about.
async fn read(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match require(&ctx, ROLES) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let link = match state.svc.my_notices(actor).await {
        Ok(l) => l.into_iter().find(|n| n.id == id).map(|n| n.link),
        Err(e) => return error_page_ctx(&ctx, e.into()),
    };
    if let Err(e) = state.svc.mark_notice_read(actor, id).await {
        return error_page_ctx(&ctx, e.into());
    }
    match link {
        Some(l) if form.get("go") == "1" && l.starts_with('/') && !l.starts_with("//") => {
            Redirect::to(&l).into_response()
        }
        _ => Redirect::to("/notices?ok=read").into_response(),
    }
}
