//! 政策咨询 at the service window (四(九)): the questions from the region and answering them,
//! citing a clause and optionally publishing the answer to the FAQ.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::Actor;
use linghuo_service::consult::AnswerInput;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::public::consult::{QuestionLine, question_lines};
use crate::web::staff::pager::{Pager, page_query};
use crate::web::{
    Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Staff, path_uuid, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/consult", get(staff_queue))
        .route("/staff/consult/{id}/answer", post(answer))
}

#[derive(Template)]
#[template(path = "staff/staff_consult.html")]
struct StaffPage {
    ctx: PageCtx,
    items: Vec<QuestionLine>,
    open: i64,
    pager: Pager,
    ok: Option<&'static str>,
    error: Option<String>,
}

/// The queue, with the answer that failed (its question, what was typed, the failure) kept
/// in its place.
async fn staff_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    ok: Option<&'static str>,
    failed: Option<(Uuid, FormData, FormFailure)>,
    q: &Option<String>,
) -> PageResult {
    let (paged, open) = state.svc.questions_page(staff, &page_query(q)).await?;
    let pager = Pager::new("/staff/consult", q, &paged).hint("咨询内容");
    let list = paged.items;
    let (status, error) = match &failed {
        Some((_, _, f)) => (f.0, f.2.clone()),
        None => (StatusCode::OK, None),
    };
    Ok(render(
        status,
        &StaffPage {
            ctx: PageCtx::new(ctx, "政策咨询答复", "/staff/consult"),
            open,
            items: question_lines(list, failed.as_ref()),
            pager,
            ok,
            error,
        },
    ))
}

async fn staff_queue(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    staff_render(&state, &ctx, &staff, flash.text(), None, &q).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AnswerForm {
    answer: String,
    clause_id: String,
    /// "1" when the answer is also published to the FAQ.
    publish: String,
}

async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form {
        value: f,
        data: form,
    }: Form<AnswerForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let input = AnswerInput {
        answer: f.answer,
        clause_id: f.clause_id,
        publish: f.publish == "1",
    };
    match state.svc.answer_question(&staff, id, input).await {
        Ok(_) => Ok(to("/staff/consult?ok=answered")),
        Err(e) => {
            let failure = Failure::of(e, &["answer", "clause_id"]).parts()?;
            staff_render(&state, &ctx, &staff, None, Some((id, form, failure)), &None).await
        }
    }
}
