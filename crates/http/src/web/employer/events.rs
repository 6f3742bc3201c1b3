//! An employer's recruitment events (三(五)): the events they joined and the open ones, and
//! joining an event with their live posts.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::Actor;
use linghuo_service::events::{EventDetail, EventView, JoinInput};
use linghuo_service::market::PostView;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{Employer, Failure, Flash, Form, PageCtx, PageResult, path_uuid, render, to};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/employer/events", get(employer_events))
        .route("/employer/events/{id}/join", post(employer_join))
}

#[derive(Template)]
#[template(path = "employer/employer_events.html")]
struct EmployerEventsPage {
    ctx: PageCtx,
    joined: Vec<EventDetail>,
    open: Vec<EventView>,
    posts: Vec<PostView>,
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn employer_events_render(
    state: &AppState,
    ctx: &Ctx,
    employer: &Actor,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let (joined, open) = state.svc.employer_events(employer).await?;
    let posts = state
        .svc
        .my_posts(employer)
        .await?
        .into_iter()
        .filter(|p| p.status == "live")
        .collect();
    Ok(render(
        status,
        &EmployerEventsPage {
            ctx: PageCtx::new(ctx, "参加招聘会", "/employer/events"),
            joined,
            open,
            posts,
            ok,
            error,
        },
    ))
}

async fn employer_events(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    flash: Flash,
) -> PageResult {
    employer_events_render(&state, &ctx, &employer, StatusCode::OK, flash.text(), None).await
}

#[derive(Deserialize)]
struct JoinForm {
    /// The live posts to show at the event (checkboxes).
    #[serde(default, deserialize_with = "crate::web::list")]
    post_id: Vec<String>,
}

async fn employer_join(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<JoinForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let post_ids = f
        .post_id
        .iter()
        .filter_map(|s| Uuid::parse_str(s).ok())
        .collect();
    let input = JoinInput {
        employer_id: None,
        post_ids,
    };
    match state.svc.join_event(&employer, id, input).await {
        Ok(_) => Ok(to("/employer/events?ok=joined")),
        Err(e) => {
            let (status, m) = Failure::of_action(e)?;
            employer_events_render(&state, &ctx, &employer, status, None, Some(m)).await
        }
    }
}
