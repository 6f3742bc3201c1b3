//! Free business venues and fee relief at the service window (三(五)(六)): the region's
//! venues and a new one, each venue's applications with allocation by priority group and
//! opening or stopping applications, and the queue of relief applications to decide.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::venues::{ReliefDecision, VenueDetail, VenueInput, VenueView};
use linghuo_service::{Actor, ServiceError};
use serde::Deserialize;
use uuid::Uuid;

use super::events::counties_of;
use crate::AppState;
use crate::context::Ctx;
use crate::web::staff::pager::{Pager, page_query};
use crate::web::worker::venues::{AppLine, ReliefLine, app_lines, relief_lines};
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Staff, path_uuid,
    render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/venues", get(staff_venues).post(staff_create_venue))
        .route("/staff/venues/{id}", get(staff_venue))
        .route("/staff/venues/{id}/allocate", post(staff_allocate))
        .route("/staff/venues/{id}/open", post(staff_venue_open))
        .route("/staff/relief", get(staff_relief))
        .route("/staff/relief/{id}/decide", post(staff_decide_relief))
}

#[derive(Template)]
#[template(path = "staff/staff_venues.html")]
struct StaffVenuesPage {
    ctx: PageCtx,
    items: Vec<VenueView>,
    pager: Pager,
    counties: Vec<(String, String)>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

async fn staff_venues_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    form: FormData,
    (status, errors, error): FormFailure,
    ok: Option<&'static str>,
    q: &Option<String>,
) -> PageResult {
    let paged = state.svc.venues_page(staff, &page_query(q)).await?;
    let pager = Pager::new("/staff/venues", q, &paged).hint("场地名称或地址");
    Ok(render(
        status,
        &StaffVenuesPage {
            ctx: PageCtx::new(ctx, "免费经营场地", "/staff/venues"),
            items: paged.items,
            pager,
            counties: counties_of(staff),
            form,
            errors,
            error,
            ok,
        },
    ))
}

async fn staff_venues(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    let mut form = FormData::default();
    if let Some(s) = staff.scope {
        form.set("county_code", s.as_str());
    }
    staff_venues_render(
        &state,
        &ctx,
        &staff,
        form,
        (StatusCode::OK, Errors::default(), None),
        flash.text(),
        &q,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct VenueForm {
    name: String,
    address: String,
    county_code: String,
    places: String,
    description: Option<String>,
}

async fn staff_create_venue(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form {
        value: f,
        data: form,
    }: Form<VenueForm>,
) -> PageResult {
    let input = VenueInput {
        name: f.name,
        address: f.address,
        county_code: f.county_code,
        places: f.places.parse().unwrap_or(0),
        description: f.description.filter(|s| !s.is_empty()),
    };
    match state.svc.create_venue(&staff, input).await {
        Ok(v) => Ok(to(&format!("/staff/venues/{}?ok=created", v.id))),
        Err(e) => {
            let failure = Failure::of(
                e,
                &["name", "address", "county_code", "places", "description"],
            )
            .parts()?;
            staff_venues_render(&state, &ctx, &staff, form, failure, None, &None).await
        }
    }
}

#[derive(Template)]
#[template(path = "staff/staff_venue.html")]
struct StaffVenuePage {
    ctx: PageCtx,
    d: VenueDetail,
    lines: Vec<AppLine>,
    pending: usize,
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn staff_venue_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    id: Uuid,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let mut d = state.svc.venue_detail(staff, id).await?;
    let items = std::mem::take(&mut d.applications);
    let pending = items
        .iter()
        .filter(|a| a.status == "pending" || a.status == "waitlisted")
        .count();
    Ok(render(
        status,
        &StaffVenuePage {
            ctx: PageCtx::new(ctx, d.venue.name.clone(), "/staff/venues"),
            d,
            lines: app_lines(items),
            pending,
            ok,
            error,
        },
    ))
}

async fn staff_venue(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    staff_venue_render(&state, &ctx, &staff, id, StatusCode::OK, flash.text(), None).await
}

/// After a staff action on a venue: back to the venue saying what was done, or the venue
/// again with the failure above it.
async fn back_to_venue<T>(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    id: Uuid,
    ok: &str,
    result: Result<T, ServiceError>,
) -> PageResult {
    match result {
        Ok(_) => Ok(to(&format!("/staff/venues/{id}?ok={ok}"))),
        Err(e) => {
            let (status, m) = Failure::of_action(e)?;
            staff_venue_render(state, ctx, staff, id, status, None, Some(m)).await
        }
    }
}

async fn staff_allocate(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let result = state.svc.allocate_venue(&staff, id).await;
    back_to_venue(&state, &ctx, &staff, id, "allocated", result).await
}

#[derive(Deserialize)]
struct OpenForm {
    /// "yes" opens applications, anything else stops them.
    #[serde(default)]
    open: String,
}

async fn staff_venue_open(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<OpenForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let open = f.open == "yes";
    let result = state.svc.set_venue_open(&staff, id, open).await;
    let ok = if open { "opened" } else { "stopped" };
    back_to_venue(&state, &ctx, &staff, id, ok, result).await
}

#[derive(Template)]
#[template(path = "staff/staff_relief.html")]
struct StaffReliefPage {
    ctx: PageCtx,
    /// Each with the applicant's person record (the name links to it).
    items: Vec<(ReliefLine, Uuid)>,
    pager: Pager,
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn staff_relief_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
    q: &Option<String>,
) -> PageResult {
    let paged = state.svc.relief_page(staff, &page_query(q)).await?;
    let pager = Pager::new("/staff/relief", q, &paged).hint("申请人姓名或地点");
    let (items, people): (Vec<_>, Vec<_>) = paged.items.into_iter().unzip();
    Ok(render(
        status,
        &StaffReliefPage {
            ctx: PageCtx::new(ctx, "租金减免与道路占用费审核", "/staff/relief"),
            items: relief_lines(items).into_iter().zip(people).collect(),
            pager,
            ok,
            error,
        },
    ))
}

async fn staff_relief(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    staff_relief_render(&state, &ctx, &staff, StatusCode::OK, flash.text(), None, &q).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecideForm {
    /// The button pressed: "approve" or "refuse".
    decision: String,
    reason: String,
}

async fn staff_decide_relief(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<DecideForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let input = ReliefDecision {
        approve: f.decision == "approve",
        reason: f.reason,
    };
    match state.svc.decide_relief(&staff, id, input).await {
        Ok(_) => Ok(to("/staff/relief?ok=decided")),
        Err(e) => {
            let (status, m) = Failure::of_action(e)?;
            staff_relief_render(&state, &ctx, &staff, status, None, Some(m), &None).await
        }
    }
}
