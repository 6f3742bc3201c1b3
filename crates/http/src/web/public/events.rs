//! Recruitment events and free business venues as anyone sees them (三(五)(六)): the list of
//! published events and each event's page, and the venues open for applications. A worker
//! registers and applies from these pages (`worker/events.rs`, `worker/venues.rs`); a failure
//! is shown here again.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use linghuo_service::Role;
use linghuo_service::events::{EventDetail, EventView};
use linghuo_service::venues::VenueView;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{PageCtx, PageResult, path_uuid, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(events_page))
        .route("/events/{id}", get(event_page))
        .route("/venues", get(venues_page))
}

#[derive(Template)]
#[template(path = "public/events.html")]
struct EventsPage {
    ctx: PageCtx,
    items: Vec<EventView>,
}

async fn events_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    let items = state.svc.public_events().await?;
    Ok(render(
        StatusCode::OK,
        &EventsPage {
            ctx: PageCtx::new(&ctx, "招聘会", "/events"),
            items,
        },
    ))
}

#[derive(Template)]
#[template(path = "public/event.html")]
struct EventPage {
    ctx: PageCtx,
    d: EventDetail,
    worker: bool,
    signed_in: bool,
    error: Option<String>,
}

/// An event's page, with a message above it when registering failed.
pub(crate) async fn event_render(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    status: StatusCode,
    error: Option<String>,
) -> PageResult {
    let d = state.svc.get_event(ctx.actor(), id).await?;
    Ok(render(
        status,
        &EventPage {
            ctx: PageCtx::new(ctx, d.event.title.clone(), "/events"),
            worker: ctx.actor().is_some_and(|a| a.role == Role::Worker),
            signed_in: ctx.actor().is_some(),
            d,
            error,
        },
    ))
}

async fn event_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = path_uuid(&id)?;
    event_render(&state, &ctx, id, StatusCode::OK, None).await
}

#[derive(Template)]
#[template(path = "public/venues.html")]
struct VenuesPage {
    ctx: PageCtx,
    items: Vec<VenueView>,
    worker: bool,
    error: Option<String>,
}

/// The venues open for applications, with a message above them when applying failed.
pub(crate) async fn venues_render(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    error: Option<String>,
) -> PageResult {
    let items = state.svc.open_venues(None).await?;
    Ok(render(
        status,
        &VenuesPage {
            ctx: PageCtx::new(ctx, "免费经营场地", "/venues"),
            items,
            worker: ctx.actor().is_some_and(|a| a.role == Role::Worker),
            error,
        },
    ))
}

async fn venues_page(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    venues_render(&state, &ctx, StatusCode::OK, None).await
}
