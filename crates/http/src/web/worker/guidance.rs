//! 我的职业指导 (四(九)): book a session at a county window or a call back, read the
//! counsellor's advice and notes, see the follow-ups, cancel a booking.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::guidance::{BookInput, CHANNELS, CancelInput, GuidanceView, SLOTS};
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::web::worker::shared::{Failed, Forms, own_person};
use crate::web::{Flash, Form, FormData, PageCtx, PageResult, Worker, path_uuid, render, to};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/guidance", get(page).post(book))
        .route("/guidance/{id}", get(detail))
        .route("/guidance/{id}/cancel", post(cancel))
}

const BOOK_FIELDS: &[&str] = &["county_code", "channel", "slot_on", "slot", "question"];

#[derive(Template)]
#[template(path = "worker/guidance_mine.html")]
struct GuidancePage {
    ctx: PageCtx,
    items: Vec<GuidanceView>,
    windows: Vec<(String, String)>,
    channels: &'static [(&'static str, &'static str)],
    slots: &'static [(&'static str, &'static str)],
    fs: Forms,
    ok: Option<&'static str>,
}

async fn page_render(
    state: &AppState,
    ctx: &Ctx,
    worker: &Worker,
    status: StatusCode,
    flash: Flash,
    failed: Option<Failed>,
) -> PageResult {
    own_person(worker)?;
    let items = state.svc.my_guidance(worker).await?;
    let windows = state
        .svc
        .windows()
        .await?
        .into_iter()
        .map(|w| (w.county_code, format!("{}（{}）", w.county_name, w.name)))
        .collect();
    let mut defaults = FormData::default();
    defaults.set("channel", "window");
    defaults.set("slot", "am");
    Ok(render(
        status,
        &GuidancePage {
            ctx: PageCtx::new(ctx, "职业指导", "/guidance"),
            items,
            windows,
            channels: CHANNELS,
            slots: SLOTS,
            fs: Forms::new(defaults, failed),
            ok: flash.text(),
        },
    ))
}

async fn page(State(state): State<AppState>, ctx: Ctx, worker: Worker, flash: Flash) -> PageResult {
    page_render(&state, &ctx, &worker, StatusCode::OK, flash, None).await
}

#[derive(Deserialize)]
struct BookForm {
    #[serde(default)]
    county_code: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    slot_on: String,
    #[serde(default)]
    slot: String,
    #[serde(default)]
    question: String,
}

async fn book(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Form { value: f, data }: Form<BookForm>,
) -> PageResult {
    let input = BookInput {
        person_id: None,
        county_code: f.county_code,
        channel: f.channel,
        slot_on: f.slot_on,
        slot: f.slot,
        question: f.question,
    };
    match state.svc.book_guidance(&worker, input).await {
        Ok(g) => Ok(to(&format!("/guidance/{}?ok=booked", g.id))),
        Err(e) => {
            let (status, failed) = Failed::sort("book", data, e, BOOK_FIELDS)?;
            page_render(
                &state,
                &ctx,
                &worker,
                status,
                Flash::default(),
                Some(failed),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "worker/guidance_detail.html")]
struct DetailPage {
    ctx: PageCtx,
    g: GuidanceView,
    ok: Option<&'static str>,
}

async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    let g = state.svc.get_guidance(&worker, path_uuid(&id)?).await?;
    Ok(render(
        StatusCode::OK,
        &DetailPage {
            ctx: PageCtx::new(&ctx, "职业指导", "/guidance"),
            g,
            ok: flash.text(),
        },
    ))
}

#[derive(Deserialize)]
struct CancelForm {
    #[serde(default)]
    reason: String,
}

async fn cancel(
    State(state): State<AppState>,
    worker: Worker,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<CancelForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    state
        .svc
        .cancel_guidance(&worker, id, CancelInput { reason: f.reason })
        .await?;
    Ok(to(&format!("/guidance/{id}?ok=cancelled")))
}
