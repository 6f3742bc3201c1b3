//! A worker's free business venues and fee relief (三(五)(六)): applying for a venue from the
//! public list, their venue applications (`/venues/mine`), and applying for rent relief or
//! the road-occupation fee waiver (`/relief`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::Actor;
use linghuo_service::venues::{RELIEF_KINDS, ReliefInput, ReliefView, VenueApplicationView};
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::web::public::events::venues_render;
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Worker, cst, date_cn,
    path_uuid, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/venues/mine", get(my_venues))
        .route("/venues/{id}/apply", post(venue_apply))
        .route("/relief", get(relief_page).post(relief_apply))
}

#[derive(Deserialize)]
struct ApplyForm {
    #[serde(default)]
    business: String,
}

async fn venue_apply(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<ApplyForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    match state.svc.apply_for_venue(&worker, id, &f.business).await {
        Ok(_) => Ok(to("/venues/mine?ok=applied")),
        Err(e) => {
            let (status, m) = Failure::of_action(e)?;
            venues_render(&state, &ctx, status, Some(m)).await
        }
    }
}

/// A venue application as a list shows it (the worker's own, the staff's venue page).
pub struct AppLine {
    pub a: VenueApplicationView,
    pub applied: String,
}

pub(crate) fn app_lines(items: Vec<VenueApplicationView>) -> Vec<AppLine> {
    items
        .into_iter()
        .map(|a| AppLine {
            applied: cst(&a.applied_at),
            a,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "worker/venues_mine.html")]
struct MyVenuesPage {
    ctx: PageCtx,
    items: Vec<AppLine>,
    ok: Option<&'static str>,
}

async fn my_venues(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    flash: Flash,
) -> PageResult {
    let items = state.svc.my_venue_applications(&worker).await?;
    Ok(render(
        StatusCode::OK,
        &MyVenuesPage {
            ctx: PageCtx::new(&ctx, "我的场地申请", "/venues/mine"),
            items: app_lines(items),
            ok: flash.text(),
        },
    ))
}

/// A relief application as a list shows it (the worker's own, the staff's queue).
pub struct ReliefLine {
    pub r: ReliefView,
    pub period: String,
    pub decided: String,
}

pub(crate) fn relief_lines(items: Vec<ReliefView>) -> Vec<ReliefLine> {
    items
        .into_iter()
        .map(|r| ReliefLine {
            period: format!("{} 至 {}", date_cn(r.period_from), date_cn(r.period_to)),
            decided: r.decided_at.as_ref().map(cst).unwrap_or_default(),
            r,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "worker/relief.html")]
struct ReliefPage {
    ctx: PageCtx,
    items: Vec<ReliefLine>,
    kinds: Vec<(&'static str, &'static str, &'static str)>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

async fn relief_render(
    state: &AppState,
    ctx: &Ctx,
    worker: &Actor,
    form: FormData,
    (status, errors, error): FormFailure,
    ok: Option<&'static str>,
) -> PageResult {
    let items = state.svc.my_reliefs(worker).await?;
    Ok(render(
        status,
        &ReliefPage {
            ctx: PageCtx::new(ctx, "租金减免与免征道路占用费", "/relief"),
            items: relief_lines(items),
            kinds: RELIEF_KINDS.to_vec(),
            form,
            errors,
            error,
            ok,
        },
    ))
}

async fn relief_page(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    flash: Flash,
) -> PageResult {
    let mut form = FormData::default();
    form.set("kind", "rent_relief");
    relief_render(
        &state,
        &ctx,
        &worker,
        form,
        (StatusCode::OK, Errors::default(), None),
        flash.text(),
    )
    .await
}

const RELIEF_FIELDS: &[&str] = &[
    "kind",
    "location",
    "period_from",
    "period_to",
    "monthly_amount",
    "evidence",
];

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReliefForm {
    kind: String,
    location: String,
    period_from: String,
    period_to: String,
    monthly_amount: String,
    evidence: Option<String>,
    individual_household: Option<String>,
    declared: Option<String>,
}

async fn relief_apply(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Form {
        value: f,
        data: form,
    }: Form<ReliefForm>,
) -> PageResult {
    let input = ReliefInput {
        kind: f.kind,
        location: f.location,
        period_from: f.period_from,
        period_to: f.period_to,
        monthly_amount: f.monthly_amount,
        evidence: f.evidence.filter(|s| !s.is_empty()),
        individual_household: f.individual_household.as_deref() == Some("yes"),
        declared: f.declared.as_deref() == Some("yes"),
        employer_id: None,
    };
    match state.svc.apply_relief(&worker, input).await {
        Ok(_) => Ok(to("/relief?ok=applied")),
        Err(e) => {
            let failure = Failure::of(e, RELIEF_FIELDS).parts()?;
            relief_render(&state, &ctx, &worker, form, failure, None).await
        }
    }
}
