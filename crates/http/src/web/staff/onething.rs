//! 灵活就业一件事 at the window: staff do the person's 灵活就业登记, 参保登记 and subsidy
//! applications in one submit for a person of their region, with the person's consent
//! noted (the same form as online, `worker/onething.rs`).

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;

use crate::AppState;
use crate::context::Ctx;
use crate::web::worker::onething::{OneThingForm, draw, handle};
use crate::web::{Errors, Form, PageResult, Staff, path_uuid};

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/persons/{id}/onething", get(page).post(submit))
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    let pid = path_uuid(&id)?;
    let p = state.svc.get_person(&staff, pid).await?;
    Ok(draw(
        &state,
        &ctx,
        format!("/staff/persons/{pid}/onething"),
        true,
        p.name,
        StatusCode::OK,
        None,
        Errors::default(),
        None,
        None,
    ))
}

async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value, data }: Form<OneThingForm>,
) -> PageResult {
    let pid = path_uuid(&id)?;
    let p = state.svc.get_person(&staff, pid).await?;
    handle(
        &state,
        &ctx,
        &staff,
        pid,
        format!("/staff/persons/{pid}/onething"),
        p.name,
        value,
        data,
        &format!("/staff/persons/{pid}/window?ok=onething"),
    )
    .await
}
