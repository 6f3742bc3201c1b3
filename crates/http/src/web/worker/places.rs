//! A worker's stalls (二(三), 三(四)): applying for a pitch at a designated place from the
//! public register, and their applications with the 占道 decision and, once approved, the
//! licence-exemption notice with its clause (`/places/mine`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::places::{StallInput, StallView};
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::web::public::places::places_render;
use crate::web::{Failure, Flash, Form, PageCtx, PageResult, Worker, cst, path_uuid, render, to};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/places/mine", get(my_stalls))
        .route("/places/{id}/apply", post(apply))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ApplyForm {
    goods: String,
    business: String,
}

async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<ApplyForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let input = StallInput {
        goods: f.goods,
        business: f.business,
    };
    match state.svc.apply_for_stall(&worker, id, input).await {
        Ok(_) => Ok(to("/places/mine?ok=applied")),
        Err(e) => {
            let (status, m) = Failure::of_action(e)?;
            places_render(&state, &ctx, "", status, Some(m)).await
        }
    }
}

/// A stall application as a list shows it (the worker's own, the staff's place page).
pub struct StallLine {
    pub a: StallView,
    pub applied: String,
    pub decided: String,
}

pub(crate) fn stall_lines(items: Vec<StallView>) -> Vec<StallLine> {
    items
        .into_iter()
        .map(|a| StallLine {
            applied: cst(&a.applied_at),
            decided: a.decided_at.as_ref().map(cst).unwrap_or_default(),
            a,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "worker/places_mine.html")]
struct MyStallsPage {
    ctx: PageCtx,
    items: Vec<StallLine>,
    ok: Option<&'static str>,
}

async fn my_stalls(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    flash: Flash,
) -> PageResult {
    let items = state.svc.my_stall_applications(&worker).await?;
    Ok(render(
        StatusCode::OK,
        &MyStallsPage {
            ctx: PageCtx::new(&ctx, "我的摊位申请", "/places/mine"),
            items: stall_lines(items),
            ok: flash.text(),
        },
    ))
}
