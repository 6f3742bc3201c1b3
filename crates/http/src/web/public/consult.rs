//! 政策咨询 pages (四(九)): the public search over the policy clauses and the FAQ
//! (`/consult`), questions from signed-in workers and employers (`/consult/ask`,
//! `/consult/mine`) and the staff answer queue of their region (`/staff/consult`).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linghuo_service::Role;
use linghuo_service::consult::{AnswerInput, FaqView, QuestionInput, QuestionView, SearchHit};
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{
    Errors, Failure, FormData, FormFailure, PageCtx, cst, error_page_ctx, path_id, render, require,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/consult", get(consult))
        .route("/consult/ask", get(ask_page).post(ask))
        .route("/consult/mine", get(mine))
        .route("/staff/consult", get(staff_queue))
        .route("/staff/consult/{id}/answer", post(answer))
}

const ASKERS: &[Role] = &[Role::Worker, Role::Employer];

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
}

async fn consult(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Response {
    let form = FormData::parse(raw.as_deref().unwrap_or("").as_bytes());
    let q = form.get("q").to_owned();
    let (hits, error) = if q.is_empty() {
        (Vec::new(), None)
    } else {
        match state.svc.consult_search(&q).await {
            Ok(h) => (h, None),
            Err(e) => (Vec::new(), Some(crate::error::ApiError::from(e).message)),
        }
    };
    let faq = match state.svc.consult_faq().await {
        Ok(f) => f,
        Err(e) => return error_page_ctx(&ctx, e.into()),
    };
    let may_ask = ctx.actor().is_some_and(|a| ASKERS.contains(&a.role));
    render(
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
        },
    )
}

#[derive(Template)]
#[template(path = "public/consult_ask.html")]
struct AskPage {
    ctx: PageCtx,
    form: FormData,
    errors: Errors,
    error: Option<String>,
}

fn ask_render(
    ctx: &Ctx,
    status: StatusCode,
    form: FormData,
    errors: Errors,
    error: Option<String>,
) -> Response {
    if let Err(r) = require(ctx, ASKERS) {
        return r;
    }
    render(
        status,
        &AskPage {
            ctx: PageCtx::new(ctx, "我要咨询", "/consult/ask"),
            form,
            errors,
            error,
        },
    )
}

async fn ask_page(ctx: Ctx) -> Response {
    ask_render(
        &ctx,
        StatusCode::OK,
        FormData::default(),
        Errors::default(),
        None,
    )
}

async fn ask(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let actor = match require(&ctx, ASKERS) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    match state
        .svc
        .ask_question(
            actor,
            QuestionInput {
                question: form.get("question").to_owned(),
            },
        )
        .await
    {
        Ok(_) => Redirect::to("/consult/mine?ok=asked").into_response(),
        Err(e) => match Failure::of(e, &["question"]).parts() {
            Ok((status, errors, error)) => ask_render(&ctx, status, form, errors, error),
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

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

fn question_lines(
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
    ok: bool,
}

async fn mine(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Response {
    let actor = match require(&ctx, ASKERS) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = FormData::parse(raw.as_deref().unwrap_or("").as_bytes());
    match state.svc.list_questions(actor).await {
        Ok(l) => render(
            StatusCode::OK,
            &MinePage {
                ctx: PageCtx::new(&ctx, "我的咨询", "/consult/mine"),
                items: question_lines(l, None),
                ok: form.get("ok") == "asked",
            },
        ),
        Err(e) => error_page_ctx(&ctx, e.into()),
    }
}

#[derive(Template)]
#[template(path = "public/staff_consult.html")]
struct StaffPage {
    ctx: PageCtx,
    items: Vec<QuestionLine>,
    open: usize,
    ok: bool,
    error: Option<String>,
}

async fn staff_render(
    state: &AppState,
    ctx: &Ctx,
    ok: bool,
    failed: Option<(Uuid, FormData, FormFailure)>,
) -> Response {
    let actor = match require(ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let list = match state.svc.list_questions(actor).await {
        Ok(l) => l,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let (status, error) = match &failed {
        Some((_, _, f)) => (f.0, f.2.clone()),
        None => (StatusCode::OK, None),
    };
    render(
        status,
        &StaffPage {
            ctx: PageCtx::new(ctx, "政策咨询答复", "/staff/consult"),
            open: list.iter().filter(|q| q.status == "open").count(),
            items: question_lines(list, failed.as_ref()),
            ok,
            error,
        },
    )
}

async fn staff_queue(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Response {
    let form = FormData::parse(raw.as_deref().unwrap_or("").as_bytes());
    staff_render(&state, &ctx, form.get("ok") == "answered", None).await
}

async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let input = AnswerInput {
        answer: form.get("answer").to_owned(),
        clause_id: form.get("clause_id").to_owned(),
        publish: form.get("publish") == "1",
    };
    match state.svc.answer_question(actor, id, input).await {
        Ok(_) => Redirect::to("/staff/consult?ok=answered").into_response(),
        Err(e) => match Failure::of(e, &["answer", "clause_id"]).parts() {
            Ok(f) => staff_render(&state, &ctx, false, Some((id, form, f))).await,
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}
