//! The complaints naming the employer (三(五), 四(十)): the list, each complaint's page
//! (shared with the worker and the staff) and the employer's statement.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};

use crate::AppState;
use crate::context::Ctx;
use crate::web::worker::complaint::{Line, StatementForm, lines, show, statement};
use crate::web::{Employer, Flash, Form, PageCtx, PageResult, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/employer/complaints", get(employer_list))
        .route("/employer/complaints/{id}", get(employer_detail))
        .route(
            "/employer/complaints/{id}/statement",
            post(employer_statement),
        )
}

#[derive(Template)]
#[template(path = "employer/employer_complaints.html")]
struct EmployerListPage {
    ctx: PageCtx,
    items: Vec<Line>,
}

async fn employer_list(State(state): State<AppState>, ctx: Ctx, employer: Employer) -> PageResult {
    let list = state.svc.list_complaints(&employer, None).await?;
    Ok(render(
        StatusCode::OK,
        &EmployerListPage {
            ctx: PageCtx::new(&ctx, "涉及本单位的投诉", "/employer/complaints"),
            items: lines(list),
        },
    ))
}

async fn employer_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    show(&state, &ctx, &employer, "/employer/complaints", &id, flash).await
}

async fn employer_statement(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Path(id): Path<String>,
    form: Form<StatementForm>,
) -> PageResult {
    statement(&state, &ctx, &employer, "/employer/complaints", &id, form).await
}
