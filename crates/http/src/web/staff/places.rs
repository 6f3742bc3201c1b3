//! Designated places and gig-market sites at the service window (二(三), 三(四), 三(六),
//! 四(九)): the region's places and a new one; each place with its stall applications in
//! priority order, the 占道 decision on each (approval sends the licence-exemption notice,
//! refusal needs a reason), opening or stopping applications; the region's sites and a new
//! one, taken out of or put back in the public register.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::places::{
    FEE_PERIODS, PLACE_CLAUSES, PLACE_KINDS, PlaceInput, PlaceView, SITE_KINDS, SITE_SERVICES,
    SiteInput, SiteView, StallDecision,
};
use linghuo_service::{Actor, ServiceError};
use serde::Deserialize;
use uuid::Uuid;

use super::events::counties_of;
use crate::AppState;
use crate::context::Ctx;
use crate::web::worker::places::{StallLine, stall_lines};
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Staff, list,
    path_uuid, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/places", get(places).post(create_place))
        .route("/staff/places/{id}", get(place))
        .route("/staff/places/{id}/open", post(place_open))
        .route("/staff/stalls/{id}/decide", post(decide))
        .route("/staff/sites", get(sites).post(create_site))
        .route("/staff/sites/{id}/active", post(site_active))
}

const PLACE_FIELDS: &[&str] = &[
    "kind",
    "name",
    "address",
    "county_code",
    "hours",
    "pitches",
    "fee",
    "fee_period",
    "fee_note",
    "clause",
    "description",
];

#[derive(Template)]
#[template(path = "staff/staff_places.html")]
struct PlacesPage {
    ctx: PageCtx,
    items: Vec<PlaceView>,
    counties: Vec<(String, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    periods: &'static [(&'static str, &'static str)],
    clauses: Vec<(&'static str, &'static str)>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

async fn places_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    form: FormData,
    (status, errors, error): FormFailure,
    ok: Option<&'static str>,
) -> PageResult {
    let items = state.svc.places_in_region(staff).await?;
    Ok(render(
        status,
        &PlacesPage {
            ctx: PageCtx::new(ctx, "摆摊经营场所", "/staff/places"),
            items,
            counties: counties_of(staff),
            kinds: PLACE_KINDS.iter().map(|k| (k.0, k.1)).collect(),
            periods: FEE_PERIODS,
            clauses: PLACE_CLAUSES.iter().map(|c| (*c, *c)).collect(),
            form,
            errors,
            error,
            ok,
        },
    ))
}

async fn places(State(state): State<AppState>, ctx: Ctx, staff: Staff, flash: Flash) -> PageResult {
    let mut form = FormData::default();
    if let Some(s) = staff.scope {
        form.set("county_code", s.as_str());
    }
    places_render(
        &state,
        &ctx,
        &staff,
        form,
        (StatusCode::OK, Errors::default(), None),
        flash.text(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PlaceForm {
    kind: String,
    name: String,
    address: String,
    county_code: String,
    hours: String,
    pitches: String,
    fee: String,
    fee_period: String,
    fee_note: String,
    clause: String,
    description: String,
}

fn given(s: String) -> Option<String> {
    Some(s).filter(|s| !s.trim().is_empty())
}

async fn create_place(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form {
        value: f,
        data: form,
    }: Form<PlaceForm>,
) -> PageResult {
    let input = PlaceInput {
        kind: f.kind,
        name: f.name,
        address: f.address,
        county_code: f.county_code,
        hours: f.hours,
        pitches: f.pitches.trim().parse().unwrap_or(0),
        fee: given(f.fee),
        fee_period: given(f.fee_period),
        fee_note: given(f.fee_note),
        clause: given(f.clause),
        description: given(f.description),
    };
    match state.svc.create_place(&staff, input).await {
        Ok(p) => Ok(to(&format!("/staff/places/{}?ok=created", p.id))),
        Err(e) => {
            let failure = Failure::of(e, PLACE_FIELDS).parts()?;
            places_render(&state, &ctx, &staff, form, failure, None).await
        }
    }
}

#[derive(Template)]
#[template(path = "staff/staff_place.html")]
struct PlacePage {
    ctx: PageCtx,
    p: PlaceView,
    pending: Vec<StallLine>,
    decided: Vec<StallLine>,
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn place_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    id: Uuid,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let d = state.svc.place_detail(staff, id).await?;
    let (pending, decided): (Vec<StallLine>, Vec<StallLine>) = stall_lines(d.applications)
        .into_iter()
        .partition(|l| l.a.status == "pending");
    Ok(render(
        status,
        &PlacePage {
            ctx: PageCtx::new(ctx, d.place.name.clone(), "/staff/places"),
            p: d.place,
            pending,
            decided,
            ok,
            error,
        },
    ))
}

async fn place(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    place_render(&state, &ctx, &staff, id, StatusCode::OK, flash.text(), None).await
}

/// After an action on a place: back to it saying what was done, or the place again with the
/// failure above it.
async fn back_to_place<T>(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    id: Uuid,
    ok: &str,
    result: Result<T, ServiceError>,
) -> PageResult {
    match result {
        Ok(_) => Ok(to(&format!("/staff/places/{id}?ok={ok}"))),
        Err(e) => {
            let (status, m) = Failure::of_action(e)?;
            place_render(state, ctx, staff, id, status, None, Some(m)).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FlagForm {
    /// "yes" opens (or shows), anything else stops (or hides).
    value: String,
}

async fn place_open(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<FlagForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let open = f.value == "yes";
    let result = state.svc.set_place_open(&staff, id, open).await;
    let ok = if open { "opened" } else { "stopped" };
    back_to_place(&state, &ctx, &staff, id, ok, result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecideForm {
    /// The place the application is for (to show it again).
    place_id: String,
    /// The button pressed: "approve" or "refuse".
    decision: String,
    reason: String,
}

async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<DecideForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let place = path_uuid(&f.place_id)?;
    let approve = f.decision == "approve";
    let input = StallDecision {
        approve,
        reason: f.reason,
    };
    let result = state.svc.decide_stall(&staff, id, input).await;
    let ok = if approve { "approved" } else { "refused" };
    back_to_place(&state, &ctx, &staff, place, ok, result).await
}

const SITE_FIELDS: &[&str] = &[
    "kind",
    "name",
    "address",
    "county_code",
    "hours",
    "services",
    "lat",
    "lon",
    "description",
];

#[derive(Template)]
#[template(path = "staff/staff_sites.html")]
struct SitesPage {
    ctx: PageCtx,
    items: Vec<SiteView>,
    counties: Vec<(String, String)>,
    kinds: &'static [(&'static str, &'static str)],
    services: &'static [(&'static str, &'static str)],
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

async fn sites_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    form: FormData,
    (status, errors, error): FormFailure,
    ok: Option<&'static str>,
) -> PageResult {
    let items = state.svc.sites_in_region(staff).await?;
    Ok(render(
        status,
        &SitesPage {
            ctx: PageCtx::new(ctx, "零工市场名录", "/staff/sites"),
            items,
            counties: counties_of(staff),
            kinds: SITE_KINDS,
            services: SITE_SERVICES,
            form,
            errors,
            error,
            ok,
        },
    ))
}

async fn sites(State(state): State<AppState>, ctx: Ctx, staff: Staff, flash: Flash) -> PageResult {
    let mut form = FormData::default();
    if let Some(s) = staff.scope {
        form.set("county_code", s.as_str());
    }
    sites_render(
        &state,
        &ctx,
        &staff,
        form,
        (StatusCode::OK, Errors::default(), None),
        flash.text(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SiteForm {
    kind: String,
    name: String,
    address: String,
    county_code: String,
    hours: String,
    #[serde(deserialize_with = "list")]
    services: Vec<String>,
    lat: String,
    lon: String,
    description: String,
}

/// A coordinate as typed ("37.8571", "37.8571°"), or the field's error.
fn coordinate(field: &str, s: &str) -> Result<f64, Failure> {
    s.trim()
        .trim_end_matches('°')
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| Failure::field(field, "请填写数字，例如 37.8571"))
}

async fn create_site(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form {
        value: f,
        data: form,
    }: Form<SiteForm>,
) -> PageResult {
    let coords = coordinate("lat", &f.lat).and_then(|lat| Ok((lat, coordinate("lon", &f.lon)?)));
    let result = match coords {
        Ok((lat, lon)) => state
            .svc
            .create_site(
                &staff,
                SiteInput {
                    kind: f.kind,
                    name: f.name,
                    address: f.address,
                    county_code: f.county_code,
                    hours: f.hours,
                    services: f.services,
                    lat,
                    lon,
                    description: given(f.description),
                },
            )
            .await
            .map_err(|e| Failure::of(e, SITE_FIELDS)),
        Err(failure) => Err(failure),
    };
    match result {
        Ok(_) => Ok(to("/staff/sites?ok=created")),
        Err(failure) => {
            let failure = failure.parts()?;
            sites_render(&state, &ctx, &staff, form, failure, None).await
        }
    }
}

async fn site_active(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<FlagForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let active = f.value == "yes";
    match state.svc.set_site_active(&staff, id, active).await {
        Ok(_) => Ok(to(&format!(
            "/staff/sites?ok={}",
            if active { "shown" } else { "hidden" }
        ))),
        Err(e) => {
            let (status, m) = Failure::of_action(e)?;
            sites_render(
                &state,
                &ctx,
                &staff,
                FormData::default(),
                (status, Errors::default(), Some(m)),
                None,
            )
            .await
        }
    }
}
