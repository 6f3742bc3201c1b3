//! A worker's complaints (三(五), 四(十)): filing a complaint, optionally about one of their
//! hires, following its progress and adding a statement (`/complaints`). The complaint's page
//! is shared with the employer and the staff (`complaint.rs`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::Actor;
use linghuo_service::complaints::{CATEGORIES, ComplaintInput};
use serde::Deserialize;
use uuid::Uuid;

use super::complaint::{Line, StatementForm, lines, show, statement};
use crate::AppState;
use crate::context::Ctx;
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Worker, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/complaints", get(worker_list).post(worker_file))
        .route("/complaints/{id}", get(worker_detail))
        .route("/complaints/{id}/statement", post(worker_statement))
}

#[derive(Template)]
#[template(path = "worker/complaints.html")]
struct WorkerListPage {
    ctx: PageCtx,
    items: Vec<Line>,
    categories: Vec<(String, String)>,
    hires: Vec<(String, String)>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

async fn worker_list_render(
    state: &AppState,
    ctx: &Ctx,
    worker: &Actor,
    form: FormData,
    (status, errors, error): FormFailure,
    ok: Option<&'static str>,
) -> PageResult {
    let items = lines(state.svc.list_complaints(worker, None).await?);
    let hires = state
        .svc
        .my_hires(worker)
        .await?
        .into_iter()
        .map(|h| {
            (
                h.id.to_string(),
                format!("{}（{}）", h.post_title, h.employer_name),
            )
        })
        .collect();
    Ok(render(
        status,
        &WorkerListPage {
            ctx: PageCtx::new(ctx, "投诉举报", "/complaints"),
            items,
            categories: CATEGORIES
                .iter()
                .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
                .collect(),
            hires,
            form,
            errors,
            error,
            ok,
        },
    ))
}

async fn worker_list(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    flash: Flash,
) -> PageResult {
    worker_list_render(
        &state,
        &ctx,
        &worker,
        FormData::default(),
        (StatusCode::OK, Errors::default(), None),
        flash.text(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ComplaintForm {
    category: String,
    description: String,
    /// The hire complained about, if any (chosen from the worker's hires).
    hire_id: String,
}

async fn worker_file(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Form {
        value: f,
        data: form,
    }: Form<ComplaintForm>,
) -> PageResult {
    let hire_id = if f.hire_id.is_empty() {
        None
    } else {
        match Uuid::parse_str(&f.hire_id) {
            Ok(u) => Some(u),
            Err(_) => {
                let failure = Failure::field("hire_id", "请从列表中选择用工记录").parts()?;
                return worker_list_render(&state, &ctx, &worker, form, failure, None).await;
            }
        }
    };
    let input = ComplaintInput {
        category: f.category,
        description: f.description,
        hire_id,
    };
    match state.svc.file_complaint(&worker, input).await {
        Ok(d) => Ok(to(&format!("/complaints/{}?ok=filed", d.summary.id))),
        Err(e) => {
            let failure = Failure::of(e, &["category", "description", "hire_id"]).parts()?;
            worker_list_render(&state, &ctx, &worker, form, failure, None).await
        }
    }
}

async fn worker_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    show(&state, &ctx, &worker, "/complaints", &id, flash).await
}

async fn worker_statement(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Path(id): Path<String>,
    form: Form<StatementForm>,
) -> PageResult {
    statement(&state, &ctx, &worker, "/complaints", &id, form).await
}
