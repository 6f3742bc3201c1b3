//! Recruitment events at the service window (三(五)): the region's events and a new one, each
//! event with its employers, registrations, check-in and outcomes, and its registrations as
//! CSV or Excel.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::events::{
    EVENT_KINDS, EventInput, EventRegistrationView, EventReport, EventView, JoinInput,
    OutcomeInput, TARGET_GROUPS,
};
use linghuo_service::market::EmployerView;
use linghuo_service::persons::group_label;
use linghuo_service::{Actor, ServiceError, export};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::staff::pager::{Pager, page_query};
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Staff, cst, download,
    path_uuid, region_options, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/events", get(staff_events).post(staff_create_event))
        .route("/staff/events/{id}", get(staff_event))
        .route("/staff/events/{id}/publish", post(staff_publish))
        .route("/staff/events/{id}/close", post(staff_close))
        .route("/staff/events/{id}/employers", post(staff_add_employer))
        .route("/staff/events/{id}/registrations.csv", get(event_csv))
        .route("/staff/events/{id}/registrations.xlsx", get(event_xlsx))
        .route(
            "/staff/events/{id}/registrations/{rid}/check-in",
            post(staff_check_in),
        )
        .route(
            "/staff/events/{id}/registrations/{rid}/outcome",
            post(staff_outcome),
        )
}

#[derive(Template)]
#[template(path = "staff/staff_events.html")]
struct StaffEventsPage {
    ctx: PageCtx,
    items: Vec<EventView>,
    pager: Pager,
    counties: Vec<(String, String)>,
    kinds: &'static [(&'static str, &'static str)],
    groups: Vec<(&'static str, &'static str)>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

/// The counties a staff member may hold an event or a venue in.
pub(super) fn counties_of(actor: &Actor) -> Vec<(String, String)> {
    region_options(true)
        .into_iter()
        .filter(|(c, _)| actor.may_see(c, None))
        .collect()
}

async fn staff_events_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    form: FormData,
    (status, errors, error): FormFailure,
    ok: Option<&'static str>,
    q: &Option<String>,
) -> PageResult {
    let paged = state.svc.events_page(staff, &page_query(q)).await?;
    let pager = Pager::new("/staff/events", q, &paged).hint("招聘会名称");
    Ok(render(
        status,
        &StaffEventsPage {
            ctx: PageCtx::new(ctx, "招聘会管理", "/staff/events"),
            items: paged.items,
            pager,
            counties: counties_of(staff),
            kinds: EVENT_KINDS,
            groups: TARGET_GROUPS
                .iter()
                .map(|g| (*g, group_label(g).unwrap_or("")))
                .collect(),
            form,
            errors,
            error,
            ok,
        },
    ))
}

async fn staff_events(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    let mut form = FormData::default();
    form.set("kind", "onsite");
    if let Some(s) = staff.scope {
        form.set("county_code", s.as_str());
    }
    staff_events_render(
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

const EVENT_FIELDS: &[&str] = &[
    "title",
    "kind",
    "county_code",
    "venue",
    "starts_at",
    "ends_at",
    "description",
    "target_groups",
];

#[derive(Deserialize, Default)]
#[serde(default)]
struct EventForm {
    title: String,
    kind: String,
    county_code: String,
    venue: Option<String>,
    starts_at: String,
    ends_at: String,
    description: Option<String>,
    #[serde(deserialize_with = "crate::web::list")]
    target_groups: Vec<String>,
}

async fn staff_create_event(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form {
        value: f,
        data: form,
    }: Form<EventForm>,
) -> PageResult {
    let input = EventInput {
        title: f.title,
        kind: f.kind,
        county_code: f.county_code,
        venue: f.venue.filter(|s| !s.is_empty()),
        starts_at: f.starts_at,
        ends_at: f.ends_at,
        description: f.description.filter(|s| !s.is_empty()),
        target_groups: f.target_groups,
    };
    match state.svc.create_event(&staff, input).await {
        Ok(e) => Ok(to(&format!("/staff/events/{}?ok=created", e.id))),
        Err(e) => {
            let failure = Failure::of(e, EVENT_FIELDS).parts()?;
            staff_events_render(&state, &ctx, &staff, form, failure, None, &None).await
        }
    }
}

pub struct RegLine {
    pub r: EventRegistrationView,
    pub registered: String,
}

#[derive(Template)]
#[template(path = "staff/staff_event.html")]
struct StaffEventPage {
    ctx: PageCtx,
    rep: EventReport,
    lines: Vec<RegLine>,
    employers: Vec<EmployerView>,
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn staff_event_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    id: Uuid,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let rep = state.svc.event_report(staff, id).await?;
    let employers = state
        .svc
        .employers_in_region(staff, false)
        .await?
        .into_iter()
        .filter(|e| e.verified && !rep.detail.employers.iter().any(|x| x.employer_id == e.id))
        .collect();
    let lines = rep
        .registrations
        .iter()
        .map(|r| RegLine {
            registered: cst(&r.registered_at),
            r: r.clone(),
        })
        .collect();
    Ok(render(
        status,
        &StaffEventPage {
            ctx: PageCtx::new(ctx, rep.detail.event.title.clone(), "/staff/events"),
            rep,
            lines,
            employers,
            ok,
            error,
        },
    ))
}

async fn staff_event(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    staff_event_render(&state, &ctx, &staff, id, StatusCode::OK, flash.text(), None).await
}

/// After a staff action on an event: back to the event saying what was done, or the event
/// again with the failure above it.
async fn back_to_event<T>(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    id: Uuid,
    ok: &str,
    result: Result<T, ServiceError>,
) -> PageResult {
    match result {
        Ok(_) => Ok(to(&format!("/staff/events/{id}?ok={ok}"))),
        Err(e) => {
            let (status, m) = Failure::of_action(e)?;
            staff_event_render(state, ctx, staff, id, status, None, Some(m)).await
        }
    }
}

async fn staff_publish(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let result = state.svc.publish_event(&staff, id).await;
    back_to_event(&state, &ctx, &staff, id, "published", result).await
}

async fn staff_close(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let result = state.svc.close_event(&staff, id).await;
    back_to_event(&state, &ctx, &staff, id, "closed", result).await
}

#[derive(Deserialize)]
struct AddEmployerForm {
    #[serde(default)]
    employer_id: String,
}

async fn staff_add_employer(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<AddEmployerForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let input = JoinInput {
        employer_id: Uuid::parse_str(&f.employer_id).ok(),
        post_ids: vec![],
    };
    let result = state.svc.join_event(&staff, id, input).await;
    back_to_event(&state, &ctx, &staff, id, "employer", result).await
}

async fn staff_check_in(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path((id, rid)): Path<(String, String)>,
) -> PageResult {
    let rid = path_uuid(&rid)?;
    let id = path_uuid(&id)?;
    let result = state.svc.check_in_registration(&staff, rid).await;
    back_to_event(&state, &ctx, &staff, id, "checked_in", result).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OutcomeForm {
    interviews: String,
    offers: String,
    hires: String,
    note: Option<String>,
}

async fn staff_outcome(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path((id, rid)): Path<(String, String)>,
    Form { value: f, .. }: Form<OutcomeForm>,
) -> PageResult {
    let rid = path_uuid(&rid)?;
    let id = path_uuid(&id)?;
    // A count left blank is none; one that is not a whole number is refused by the service.
    let num = |v: &str| -> i64 {
        if v.is_empty() {
            0
        } else {
            v.parse().unwrap_or(-1)
        }
    };
    let input = OutcomeInput {
        interviews: num(&f.interviews),
        offers: num(&f.offers),
        hires: num(&f.hires),
        hire_id: None,
        note: f.note.filter(|s| !s.is_empty()),
    };
    let result = state.svc.record_event_outcome(&staff, rid, input).await;
    back_to_event(&state, &ctx, &staff, id, "outcome", result).await
}

async fn event_download(state: &AppState, staff: &Actor, id: &str, xlsx: bool) -> PageResult {
    let id = path_uuid(id)?;
    let sheet = state.svc.event_sheet(staff, id).await?;
    Ok(if xlsx {
        download(&format!("event-{id}.xlsx"), export::to_xlsx(&sheet)?)
    } else {
        download(&format!("event-{id}.csv"), export::to_csv(&sheet))
    })
}

async fn event_csv(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    event_download(&state, &staff, &id, false).await
}

async fn event_xlsx(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    event_download(&state, &staff, &id, true).await
}
