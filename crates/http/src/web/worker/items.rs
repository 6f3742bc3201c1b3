//! 我的办件 (/services/items): every item of the worker with its step timeline and the next
//! expected date, and 好差评 — a rating (1–5 and a word) once per completed item.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::persons::items::{ItemView, RatingInput};
use serde::Deserialize;

use super::shared::own_person;
use crate::AppState;
use crate::context::Ctx;
use crate::web::{
    Failure, Flash, Form, PageCtx, PageResult, Worker, date_cn, path_uuid, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/services/items", get(page))
        .route("/services/items/rate", post(rate))
}

#[derive(Template)]
#[template(path = "worker/items.html")]
struct ItemsPage {
    ctx: PageCtx,
    items: Vec<ItemView>,
    ok: Option<&'static str>,
    error: Option<String>,
}

impl ItemsPage {
    fn day(&self, d: impl AsDay) -> String {
        date_cn(d.day())
    }
}

/// A day however deeply the template refers to it.
trait AsDay {
    fn day(&self) -> chrono::NaiveDate;
}

impl AsDay for chrono::NaiveDate {
    fn day(&self) -> chrono::NaiveDate {
        *self
    }
}

impl<T: AsDay> AsDay for &T {
    fn day(&self) -> chrono::NaiveDate {
        (**self).day()
    }
}

async fn draw(
    state: &AppState,
    ctx: &Ctx,
    worker: &Worker,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let pid = own_person(worker)?;
    let items = state.svc.my_items(worker, pid).await?;
    Ok(render(
        status,
        &ItemsPage {
            ctx: PageCtx::new(ctx, "我的办件", "/services/items"),
            items,
            ok,
            error,
        },
    ))
}

async fn page(State(state): State<AppState>, ctx: Ctx, worker: Worker, flash: Flash) -> PageResult {
    draw(&state, &ctx, &worker, StatusCode::OK, flash.text(), None).await
}

#[derive(Deserialize)]
struct RateForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    score: String,
    #[serde(default)]
    word: String,
}

async fn rate(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Form { value, .. }: Form<RateForm>,
) -> PageResult {
    let input = RatingInput {
        kind: value.kind,
        id: path_uuid(&value.id)?,
        score: value.score.trim().parse().unwrap_or(0),
        word: value.word,
    };
    match state.svc.rate_item(&worker, input).await {
        Ok(()) => Ok(to("/services/items?ok=rated")),
        Err(e) => {
            let (status, error) = Failure::of_action(e)?;
            draw(&state, &ctx, &worker, status, None, Some(error)).await
        }
    }
}
