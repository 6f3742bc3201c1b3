//! 政策咨询 pages (四(九)): the public search over the policy clauses and the FAQ
//! (`/consult`), and questions from signed-in workers and employers (`/consult/ask`,
//! `/consult/mine`). The staff answer them at `/staff/consult` (`staff/consult.rs`).

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use linghuo_service::consult::{FaqView, QuestionInput, QuestionView, SearchHit};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Party, cst,
    query_field, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/consult", get(consult))
        .route("/consult/ask", get(ask_page).post(ask))
        .route("/consult/mine", get(mine))
}

#[derive(Template)]
#[template(path = "public/consult.html")]
struct ConsultPage {
    ctx: PageCtx,
    q: String,
    searched: bool,
    hits: Vec<SearchHit>,
    faq: Vec<FaqView>,
    may_ask: bool,
    error: Option<String>,
    /// 相关案例 beside the clauses the answers cite.
    cases: crate::web::public::news::CaseLinks,
}

async fn consult(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> PageResult {
    let mut q = query_field(&raw, "q");
    let (hits, error) = if q.is_empty() {
        (Vec::new(), None)
    } else if linghuo_domain::find_unmasked_pii(&q).is_some() {
        // Not searched with and not shown again: the address already carried it once.
        q.clear();
        (
            Vec::new(),
            Some("搜索内容里请不要填写身份证号码或手机号码".to_owned()),
        )
    } else {
        match state.svc.consult_search(&q).await {
            Ok(h) => (h, None),
            Err(e) => (Vec::new(), Some(ApiError::from(e).message)),
        }
    };
    let faq = state.svc.consult_faq().await?;
    let may_ask = ctx.actor().is_some_and(|a| Party::ROLES.contains(&a.role));
    Ok(render(
        if error.is_some() {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        },
        &ConsultPage {
            ctx: PageCtx::new(&ctx, "政策咨询", "/consult"),
            searched: !q.is_empty(),
            q,
            hits,
            faq,
            may_ask,
            error,
            cases: crate::web::public::news::CaseLinks::load(&state)
                .await
                .unwrap_or_default(),
        },
    ))
}

#[derive(Template)]
#[template(path = "public/consult_ask.html")]
struct AskPage {
    ctx: PageCtx,
    form: FormData,
    errors: Errors,
    error: Option<String>,
}

fn ask_render(ctx: &Ctx, form: FormData, (status, errors, error): FormFailure) -> PageResult {
    Ok(render(
        status,
        &AskPage {
            ctx: PageCtx::new(ctx, "我要咨询", "/consult/ask"),
            form,
            errors,
            error,
        },
    ))
}

async fn ask_page(ctx: Ctx, _asker: Party) -> PageResult {
    ask_render(
        &ctx,
        FormData::default(),
        (StatusCode::OK, Errors::default(), None),
    )
}

#[derive(Deserialize)]
struct AskForm {
    #[serde(default)]
    question: String,
}

async fn ask(
    State(state): State<AppState>,
    ctx: Ctx,
    asker: Party,
    Form {
        value: f,
        data: form,
    }: Form<AskForm>,
) -> PageResult {
    let input = QuestionInput {
        question: f.question,
    };
    match state.svc.ask_question(&asker, input).await {
        Ok(_) => Ok(to("/consult/mine?ok=asked")),
        Err(e) => ask_render(&ctx, form, Failure::of(e, &["question"]).parts()?),
    }
}

/// A question as a list shows it, with the answer being typed by the staff (and what was
/// wrong with it) when answering it failed.
pub struct QuestionLine {
    pub q: QuestionView,
    pub asked: String,
    pub answered: String,
    pub answer: String,
    pub clause_id: String,
    pub publish: bool,
    pub answer_error: Option<String>,
    pub clause_error: Option<String>,
}

pub(crate) fn question_lines(
    list: Vec<QuestionView>,
    failed: Option<&(Uuid, FormData, FormFailure)>,
) -> Vec<QuestionLine> {
    list.into_iter()
        .map(|q| {
            let mine = failed.filter(|(id, _, _)| *id == q.id);
            QuestionLine {
                asked: cst(&q.created_at),
                answered: q.answered_at.as_ref().map(cst).unwrap_or_default(),
                answer: mine
                    .map(|(_, f, _)| f.get("answer").to_owned())
                    .unwrap_or_default(),
                clause_id: mine
                    .map(|(_, f, _)| f.get("clause_id").to_owned())
                    .unwrap_or_default(),
                publish: mine.is_some_and(|(_, f, _)| f.get("publish") == "1"),
                answer_error: mine.and_then(|(_, _, e)| e.1.get("answer").cloned()),
                clause_error: mine.and_then(|(_, _, e)| e.1.get("clause_id").cloned()),
                q,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "public/consult_mine.html")]
struct MinePage {
    ctx: PageCtx,
    items: Vec<QuestionLine>,
    ok: Option<&'static str>,
}

async fn mine(State(state): State<AppState>, ctx: Ctx, asker: Party, flash: Flash) -> PageResult {
    let list = state.svc.list_questions(&asker).await?;
    Ok(render(
        StatusCode::OK,
        &MinePage {
            ctx: PageCtx::new(&ctx, "我的咨询", "/consult/mine"),
            items: question_lines(list, None),
            ok: flash.text(),
        },
    ))
}
