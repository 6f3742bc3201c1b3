//! A worker's recruitment events (三(五)): registering for an event from its public page, and
//! the events they registered for (`/events/mine`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::events::EventRegistrationView;

use crate::AppState;
use crate::context::Ctx;
use crate::web::public::events::event_render;
use crate::web::{Failure, Flash, PageCtx, PageResult, Worker, path_uuid, render, to};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events/mine", get(my_events))
        .route("/events/{id}/register", post(register))
}

async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    match state.svc.register_for_event(&worker, id).await {
        Ok(_) => Ok(to("/events/mine?ok=registered")),
        Err(e) => {
            let (status, m) = Failure::of_action(e)?;
            event_render(&state, &ctx, id, status, Some(m)).await
        }
    }
}

#[derive(Template)]
#[template(path = "worker/events_mine.html")]
struct MyEventsPage {
    ctx: PageCtx,
    items: Vec<EventRegistrationView>,
    ok: Option<&'static str>,
}

async fn my_events(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    flash: Flash,
) -> PageResult {
    let items = state.svc.my_event_registrations(&worker).await?;
    Ok(render(
        StatusCode::OK,
        &MyEventsPage {
            ctx: PageCtx::new(&ctx, "我报名的招聘会", "/events/mine"),
            items,
            ok: flash.text(),
        },
    ))
}
