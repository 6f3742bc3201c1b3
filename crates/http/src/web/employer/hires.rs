//! 用工管理: the employer's side of the hire pages (the pages themselves are shared with
//! workers, see `worker/hires.rs`).

use axum::Router;
use axum::extract::{Path, State};
use axum::routing::{get, post};

use crate::AppState;
use crate::context::Ctx;
use crate::web::worker::hires::{HireForm, Side, hire_action, hire_render, hires_list};
use crate::web::{Employer, Flash, Form, PageResult, path_uuid};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/employer/hires", get(hires))
        .route("/employer/hires/{id}", get(hire_page))
        .route("/employer/hires/{id}/{action}", post(hire_post))
}

async fn hires(State(state): State<AppState>, ctx: Ctx, employer: Employer) -> PageResult {
    hires_list(&state, &ctx, &employer, Side::Employer).await
}

async fn hire_page(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    hire_render(
        &state,
        &ctx,
        &employer,
        Side::Employer,
        id,
        None,
        None,
        flash.text(),
    )
    .await
}

async fn hire_post(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Path(path): Path<(String, String)>,
    form: Form<HireForm>,
) -> PageResult {
    hire_action(&state, &ctx, &employer, Side::Employer, path, form).await
}
