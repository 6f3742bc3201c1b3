//! Pages of the public services (三(五)(六), 四(九)): recruitment events (public list and
//! details, the worker's registrations, the employer joining with posts, the staff's events
//! with registrations, check-in, outcomes and downloads); free business venues and fee relief
//! (worker applications, the staff's venues with allocation and the relief queue); archives
//! (staff search, receipt, movements, overdue loans; the worker's own archive).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linghuo_service::archives::{ArchiveAction, ArchiveView, ReceiveInput};
use linghuo_service::events::{
    EVENT_KINDS, EventDetail, EventInput, EventRegistrationView, EventReport, EventView, JoinInput,
    OutcomeInput, TARGET_GROUPS,
};
use linghuo_service::export;
use linghuo_service::market::{EmployerView, PostView};
use linghuo_service::persons::{PersonView, group_label};
use linghuo_service::venues::{
    RELIEF_KINDS, ReliefDecision, ReliefInput, ReliefView, VenueApplicationView, VenueDetail,
    VenueInput, VenueView,
};
use linghuo_service::{Actor, Role, ServiceError};
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{
    Errors, Failure, FormData, PageCtx, cst, date_cn, error_page_ctx, path_id, region_options,
    render, require,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(events_page))
        .route("/events/mine", get(my_events))
        .route("/events/{id}", get(event_page))
        .route("/events/{id}/register", post(register))
        .route("/employer/events", get(employer_events))
        .route("/employer/events/{id}/join", post(employer_join))
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
        .route("/venues", get(venues_page))
        .route("/venues/mine", get(my_venues))
        .route("/venues/{id}/apply", post(venue_apply))
        .route("/relief", get(relief_page).post(relief_apply))
        .route("/staff/venues", get(staff_venues).post(staff_create_venue))
        .route("/staff/venues/{id}", get(staff_venue))
        .route("/staff/venues/{id}/allocate", post(staff_allocate))
        .route("/staff/venues/{id}/open", post(staff_venue_open))
        .route("/staff/relief", get(staff_relief))
        .route("/staff/relief/{id}/decide", post(staff_decide_relief))
        .route("/staff/archives", get(staff_archives))
        .route("/staff/archives/receive", post(staff_receive_archive))
        .route("/staff/archives/{id}", get(staff_archive))
        .route("/staff/archives/{id}/move", post(staff_move_archive))
        .route("/archives/mine", get(my_archives))
}

fn ok_message(query: &Option<String>) -> Option<&'static str> {
    let form = FormData::parse(query.as_deref().unwrap_or("").as_bytes());
    Some(match form.get("ok") {
        "registered" => "报名成功，请按时参加招聘会。",
        "created" => "已保存。",
        "published" => "招聘会已发布，公众可以看到并报名。",
        "closed" => "招聘会已结束。",
        "joined" => "已报名参会，岗位会在招聘会页面展示。",
        "employer" => "已添加参会单位。",
        "checked_in" => "已签到。",
        "outcome" => "成效已记录。",
        "applied" => "申请已提交，请等待县区经办人员办理。",
        "allocated" => "已按优先群体和申请时间分配场地。",
        "opened" => "已开放申请。",
        "stopped" => "已停止申请。",
        "decided" => "已审核。",
        "received" => "档案已接收。",
        "moved" => "已办理。",
        _ => return None,
    })
}

fn query_form(q: &Option<String>) -> FormData {
    FormData::parse(q.as_deref().unwrap_or("").as_bytes())
}

/// A service error for an action button: shown above the page (bad input, conflict) or on
/// the error page (not found, forbidden).
fn action_error(e: ServiceError) -> Result<(StatusCode, String), ApiError> {
    match Failure::of(e, &[]).parts() {
        Ok((status, errors, error)) => Ok((
            status,
            error
                .or_else(|| errors.0.first().map(|(_, m)| m.clone()))
                .unwrap_or_default(),
        )),
        Err(api) => Err(api),
    }
}

// =======================================================================================
// Events: public and worker

#[derive(Template)]
#[template(path = "public/events.html")]
struct EventsPage {
    ctx: PageCtx,
    items: Vec<EventView>,
}

async fn events_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    match state.svc.public_events().await {
        Ok(items) => render(
            StatusCode::OK,
            &EventsPage {
                ctx: PageCtx::new(&ctx, "招聘会", "/events"),
                items,
            },
        ),
        Err(e) => error_page_ctx(&ctx, e.into()),
    }
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

async fn event_render(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    match state.svc.get_event(ctx.actor(), id).await {
        Ok(d) => render(
            status,
            &EventPage {
                ctx: PageCtx::new(ctx, d.event.title.clone(), "/events"),
                worker: ctx.actor().is_some_and(|a| a.role == Role::Worker),
                signed_in: ctx.actor().is_some(),
                d,
                error,
            },
        ),
        Err(e) => error_page_ctx(ctx, e.into()),
    }
}

async fn event_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    event_render(&state, &ctx, id, StatusCode::OK, None).await
}

async fn register(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match state.svc.register_for_event(actor, id).await {
        Ok(_) => Redirect::to("/events/mine?ok=registered").into_response(),
        Err(e) => match action_error(e) {
            Ok((status, m)) => event_render(&state, &ctx, id, status, Some(m)).await,
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

#[derive(Template)]
#[template(path = "public/events_mine.html")]
struct MyEventsPage {
    ctx: PageCtx,
    items: Vec<EventRegistrationView>,
    ok: Option<&'static str>,
}

async fn my_events(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.svc.my_event_registrations(actor).await {
        Ok(items) => render(
            StatusCode::OK,
            &MyEventsPage {
                ctx: PageCtx::new(&ctx, "我报名的招聘会", "/events/mine"),
                items,
                ok: ok_message(&q),
            },
        ),
        Err(e) => error_page_ctx(&ctx, e.into()),
    }
}

// =======================================================================================
// Events: employer

#[derive(Template)]
#[template(path = "public/employer_events.html")]
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
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let actor = match require(ctx, &[Role::Employer]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (joined, open) = match state.svc.employer_events(actor).await {
        Ok(x) => x,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let posts = match state.svc.my_posts(actor).await {
        Ok(p) => p.into_iter().filter(|p| p.status == "live").collect(),
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    render(
        status,
        &EmployerEventsPage {
            ctx: PageCtx::new(ctx, "参加招聘会", "/employer/events"),
            joined,
            open,
            posts,
            ok,
            error,
        },
    )
}

async fn employer_events(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Response {
    employer_events_render(&state, &ctx, StatusCode::OK, ok_message(&q), None).await
}

async fn employer_join(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match require(&ctx, &[Role::Employer]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let post_ids = form
        .all("post_id")
        .iter()
        .filter_map(|s| Uuid::parse_str(s).ok())
        .collect();
    match state
        .svc
        .join_event(
            actor,
            id,
            JoinInput {
                employer_id: None,
                post_ids,
            },
        )
        .await
    {
        Ok(_) => Redirect::to("/employer/events?ok=joined").into_response(),
        Err(e) => match action_error(e) {
            Ok((status, m)) => employer_events_render(&state, &ctx, status, None, Some(m)).await,
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

// =======================================================================================
// Events: staff

#[derive(Template)]
#[template(path = "public/staff_events.html")]
struct StaffEventsPage {
    ctx: PageCtx,
    items: Vec<EventView>,
    counties: Vec<(String, String)>,
    kinds: &'static [(&'static str, &'static str)],
    groups: Vec<(&'static str, &'static str)>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

fn counties_of(actor: &Actor) -> Vec<(String, String)> {
    region_options(true)
        .into_iter()
        .filter(|(c, _)| actor.may_see(c, None))
        .collect()
}

async fn staff_events_render(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
) -> Response {
    let actor = match require(ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.svc.events_in_region(actor).await {
        Ok(items) => render(
            status,
            &StaffEventsPage {
                ctx: PageCtx::new(ctx, "招聘会管理", "/staff/events"),
                items,
                counties: counties_of(actor),
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
        ),
        Err(e) => error_page_ctx(ctx, e.into()),
    }
}

async fn staff_events(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let mut form = FormData::default();
    form.set("kind", "onsite");
    if let Some(s) = ctx.actor().and_then(|a| a.scope) {
        form.set("county_code", s.as_str());
    }
    staff_events_render(
        &state,
        &ctx,
        StatusCode::OK,
        form,
        Errors::default(),
        None,
        ok_message(&q),
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

async fn staff_create_event(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let input = EventInput {
        title: form.get("title").into(),
        kind: form.get("kind").into(),
        county_code: form.get("county_code").into(),
        venue: form.opt("venue"),
        starts_at: form.get("starts_at").into(),
        ends_at: form.get("ends_at").into(),
        description: form.opt("description"),
        target_groups: form.all("target_groups"),
    };
    match state.svc.create_event(actor, input).await {
        Ok(e) => Redirect::to(&format!("/staff/events/{}?ok=created", e.id)).into_response(),
        Err(e) => match Failure::of(e, EVENT_FIELDS).parts() {
            Ok((status, errors, error)) => {
                staff_events_render(&state, &ctx, status, form, errors, error, None).await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

pub struct RegLine {
    pub r: EventRegistrationView,
    pub registered: String,
}

#[derive(Template)]
#[template(path = "public/staff_event.html")]
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
    id: Uuid,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let actor = match require(ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let rep = match state.svc.event_report(actor, id).await {
        Ok(r) => r,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let employers = match state.svc.employers_in_region(actor, false).await {
        Ok(v) => v
            .into_iter()
            .filter(|e| e.verified && !rep.detail.employers.iter().any(|x| x.employer_id == e.id))
            .collect(),
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let lines = rep
        .registrations
        .iter()
        .map(|r| RegLine {
            registered: cst(&r.registered_at),
            r: r.clone(),
        })
        .collect();
    render(
        status,
        &StaffEventPage {
            ctx: PageCtx::new(ctx, rep.detail.event.title.clone(), "/staff/events"),
            rep,
            lines,
            employers,
            ok,
            error,
        },
    )
}

async fn staff_event(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    staff_event_render(&state, &ctx, id, StatusCode::OK, ok_message(&q), None).await
}

/// Runs a staff action on an event and redirects back to it, or shows the failure there.
async fn event_action<F, Fut, T>(state: &AppState, ctx: &Ctx, id: &str, ok: &str, f: F) -> Response
where
    F: FnOnce(Actor, Uuid) -> Fut,
    Fut: std::future::Future<Output = Result<T, ServiceError>>,
{
    let actor = match require(ctx, &[Role::Staff]) {
        Ok(a) => a.clone(),
        Err(r) => return r,
    };
    let id = match path_id(ctx, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match f(actor, id).await {
        Ok(_) => Redirect::to(&format!("/staff/events/{id}?ok={ok}")).into_response(),
        Err(e) => match action_error(e) {
            Ok((status, m)) => staff_event_render(state, ctx, id, status, None, Some(m)).await,
            Err(api) => error_page_ctx(ctx, api),
        },
    }
}

async fn staff_publish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let svc = state.svc.clone();
    event_action(&state, &ctx, &id, "published", |a, i| async move {
        svc.publish_event(&a, i).await
    })
    .await
}

async fn staff_close(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let svc = state.svc.clone();
    event_action(&state, &ctx, &id, "closed", |a, i| async move {
        svc.close_event(&a, i).await
    })
    .await
}

async fn staff_add_employer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let form = FormData::parse(&body);
    let employer_id = Uuid::parse_str(form.get("employer_id")).ok();
    let svc = state.svc.clone();
    event_action(&state, &ctx, &id, "employer", |a, i| async move {
        svc.join_event(
            &a,
            i,
            JoinInput {
                employer_id,
                post_ids: vec![],
            },
        )
        .await
    })
    .await
}

async fn staff_check_in(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
) -> Response {
    let Ok(rid) = Uuid::parse_str(&rid) else {
        return error_page_ctx(&ctx, ApiError::not_found());
    };
    let svc = state.svc.clone();
    event_action(&state, &ctx, &id, "checked_in", |a, _| async move {
        svc.check_in_registration(&a, rid).await
    })
    .await
}

async fn staff_outcome(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, rid)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let Ok(rid) = Uuid::parse_str(&rid) else {
        return error_page_ctx(&ctx, ApiError::not_found());
    };
    let form = FormData::parse(&body);
    let num = |k: &str| -> i64 {
        let v = form.get(k);
        if v.is_empty() {
            0
        } else {
            v.parse().unwrap_or(-1)
        }
    };
    let input = OutcomeInput {
        interviews: num("interviews"),
        offers: num("offers"),
        hires: num("hires"),
        hire_id: None,
        note: form.opt("note"),
    };
    let svc = state.svc.clone();
    event_action(&state, &ctx, &id, "outcome", |a, _| async move {
        svc.record_event_outcome(&a, rid, input).await
    })
    .await
}

async fn event_download(state: &AppState, ctx: &Ctx, id: &str, xlsx: bool) -> Response {
    let actor = match require(ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(ctx, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let sheet = match state.svc.event_sheet(actor, id).await {
        Ok(s) => s,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let (mime, body, ext) = if xlsx {
        match export::to_xlsx(&sheet) {
            Ok(b) => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                b,
                "xlsx",
            ),
            Err(e) => return error_page_ctx(ctx, e.into()),
        }
    } else {
        ("text/csv; charset=utf-8", export::to_csv(&sheet), "csv")
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"event-{id}.{ext}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

async fn event_csv(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    event_download(&state, &ctx, &id, false).await
}

async fn event_xlsx(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    event_download(&state, &ctx, &id, true).await
}

// =======================================================================================
// Venues and relief: worker

#[derive(Template)]
#[template(path = "public/venues.html")]
struct VenuesPage {
    ctx: PageCtx,
    items: Vec<VenueView>,
    worker: bool,
    error: Option<String>,
}

async fn venues_render(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    match state.svc.open_venues(None).await {
        Ok(items) => render(
            status,
            &VenuesPage {
                ctx: PageCtx::new(ctx, "免费经营场地", "/venues"),
                items,
                worker: ctx.actor().is_some_and(|a| a.role == Role::Worker),
                error,
            },
        ),
        Err(e) => error_page_ctx(ctx, e.into()),
    }
}

async fn venues_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    venues_render(&state, &ctx, StatusCode::OK, None).await
}

async fn venue_apply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    match state
        .svc
        .apply_for_venue(actor, id, form.get("business"))
        .await
    {
        Ok(_) => Redirect::to("/venues/mine?ok=applied").into_response(),
        Err(e) => match action_error(e) {
            Ok((status, m)) => venues_render(&state, &ctx, status, Some(m)).await,
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

pub struct AppLine {
    pub a: VenueApplicationView,
    pub applied: String,
}

fn app_lines(items: Vec<VenueApplicationView>) -> Vec<AppLine> {
    items
        .into_iter()
        .map(|a| AppLine {
            applied: cst(&a.applied_at),
            a,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "public/venues_mine.html")]
struct MyVenuesPage {
    ctx: PageCtx,
    items: Vec<AppLine>,
    ok: Option<&'static str>,
}

async fn my_venues(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.svc.my_venue_applications(actor).await {
        Ok(items) => render(
            StatusCode::OK,
            &MyVenuesPage {
                ctx: PageCtx::new(&ctx, "我的场地申请", "/venues/mine"),
                items: app_lines(items),
                ok: ok_message(&q),
            },
        ),
        Err(e) => error_page_ctx(&ctx, e.into()),
    }
}

pub struct ReliefLine {
    pub r: ReliefView,
    pub period: String,
    pub decided: String,
}

fn relief_lines(items: Vec<ReliefView>) -> Vec<ReliefLine> {
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
#[template(path = "public/relief.html")]
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
    status: StatusCode,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
) -> Response {
    let actor = match require(ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.svc.my_reliefs(actor).await {
        Ok(items) => render(
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
        ),
        Err(e) => error_page_ctx(ctx, e.into()),
    }
}

async fn relief_page(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let mut form = FormData::default();
    form.set("kind", "rent_relief");
    relief_render(
        &state,
        &ctx,
        StatusCode::OK,
        form,
        Errors::default(),
        None,
        ok_message(&q),
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

async fn relief_apply(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let input = ReliefInput {
        kind: form.get("kind").into(),
        location: form.get("location").into(),
        period_from: form.get("period_from").into(),
        period_to: form.get("period_to").into(),
        monthly_amount: form.get("monthly_amount").into(),
        evidence: form.opt("evidence"),
        individual_household: form.has("individual_household", "yes"),
        declared: form.has("declared", "yes"),
        employer_id: None,
    };
    match state.svc.apply_relief(actor, input).await {
        Ok(_) => Redirect::to("/relief?ok=applied").into_response(),
        Err(e) => match Failure::of(e, RELIEF_FIELDS).parts() {
            Ok((status, errors, error)) => {
                relief_render(&state, &ctx, status, form, errors, error, None).await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

// =======================================================================================
// Venues and relief: staff

#[derive(Template)]
#[template(path = "public/staff_venues.html")]
struct StaffVenuesPage {
    ctx: PageCtx,
    items: Vec<VenueView>,
    counties: Vec<(String, String)>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

async fn staff_venues_render(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
) -> Response {
    let actor = match require(ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.svc.venues_in_region(actor).await {
        Ok(items) => render(
            status,
            &StaffVenuesPage {
                ctx: PageCtx::new(ctx, "免费经营场地", "/staff/venues"),
                items,
                counties: counties_of(actor),
                form,
                errors,
                error,
                ok,
            },
        ),
        Err(e) => error_page_ctx(ctx, e.into()),
    }
}

async fn staff_venues(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let mut form = FormData::default();
    if let Some(s) = ctx.actor().and_then(|a| a.scope) {
        form.set("county_code", s.as_str());
    }
    staff_venues_render(
        &state,
        &ctx,
        StatusCode::OK,
        form,
        Errors::default(),
        None,
        ok_message(&q),
    )
    .await
}

async fn staff_create_venue(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let input = VenueInput {
        name: form.get("name").into(),
        address: form.get("address").into(),
        county_code: form.get("county_code").into(),
        places: form.get("places").parse().unwrap_or(0),
        description: form.opt("description"),
    };
    match state.svc.create_venue(actor, input).await {
        Ok(v) => Redirect::to(&format!("/staff/venues/{}?ok=created", v.id)).into_response(),
        Err(e) => match Failure::of(
            e,
            &["name", "address", "county_code", "places", "description"],
        )
        .parts()
        {
            Ok((status, errors, error)) => {
                staff_venues_render(&state, &ctx, status, form, errors, error, None).await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

#[derive(Template)]
#[template(path = "public/staff_venue.html")]
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
    id: Uuid,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let actor = match require(ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.svc.venue_detail(actor, id).await {
        Ok(mut d) => {
            let items = std::mem::take(&mut d.applications);
            let pending = items
                .iter()
                .filter(|a| a.status == "pending" || a.status == "waitlisted")
                .count();
            render(
                status,
                &StaffVenuePage {
                    ctx: PageCtx::new(ctx, d.venue.name.clone(), "/staff/venues"),
                    d,
                    lines: app_lines(items),
                    pending,
                    ok,
                    error,
                },
            )
        }
        Err(e) => error_page_ctx(ctx, e.into()),
    }
}

async fn staff_venue(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    staff_venue_render(&state, &ctx, id, StatusCode::OK, ok_message(&q), None).await
}

async fn staff_allocate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match state.svc.allocate_venue(actor, id).await {
        Ok(_) => Redirect::to(&format!("/staff/venues/{id}?ok=allocated")).into_response(),
        Err(e) => match action_error(e) {
            Ok((status, m)) => staff_venue_render(&state, &ctx, id, status, None, Some(m)).await,
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

async fn staff_venue_open(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let open = FormData::parse(&body).get("open") == "yes";
    match state.svc.set_venue_open(actor, id, open).await {
        Ok(_) => Redirect::to(&format!(
            "/staff/venues/{id}?ok={}",
            if open { "opened" } else { "stopped" }
        ))
        .into_response(),
        Err(e) => match action_error(e) {
            Ok((status, m)) => staff_venue_render(&state, &ctx, id, status, None, Some(m)).await,
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

#[derive(Template)]
#[template(path = "public/staff_relief.html")]
struct StaffReliefPage {
    ctx: PageCtx,
    items: Vec<ReliefLine>,
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn staff_relief_render(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let actor = match require(ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.svc.relief_queue(actor).await {
        Ok(items) => render(
            status,
            &StaffReliefPage {
                ctx: PageCtx::new(ctx, "租金减免与道路占用费审核", "/staff/relief"),
                items: relief_lines(items),
                ok,
                error,
            },
        ),
        Err(e) => error_page_ctx(ctx, e.into()),
    }
}

async fn staff_relief(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    staff_relief_render(&state, &ctx, StatusCode::OK, ok_message(&q), None).await
}

async fn staff_decide_relief(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let input = ReliefDecision {
        approve: form.get("decision") == "approve",
        reason: form.get("reason").into(),
    };
    match state.svc.decide_relief(actor, id, input).await {
        Ok(_) => Redirect::to("/staff/relief?ok=decided").into_response(),
        Err(e) => match action_error(e) {
            Ok((status, m)) => staff_relief_render(&state, &ctx, status, None, Some(m)).await,
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

// =======================================================================================
// Archives

pub struct ArchiveLine {
    pub a: ArchiveView,
    pub received: String,
    pub due: String,
    pub log: Vec<(String, &'static str, String, String)>,
}

fn archive_line(a: ArchiveView) -> ArchiveLine {
    ArchiveLine {
        received: date_cn(a.received_on),
        due: a.due_on.map(date_cn).unwrap_or_default(),
        log: a
            .movements
            .iter()
            .map(|m| {
                (
                    cst(&m.at),
                    m.kind_label,
                    m.detail.clone(),
                    m.by.clone().unwrap_or_default(),
                )
            })
            .collect(),
        a,
    }
}

#[derive(Template)]
#[template(path = "public/staff_archives.html")]
struct StaffArchivesPage {
    ctx: PageCtx,
    no: String,
    q: String,
    items: Vec<ArchiveLine>,
    overdue: Vec<ArchiveLine>,
    persons: Vec<PersonView>,
    today: String,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

async fn staff_archives_render(
    state: &AppState,
    ctx: &Ctx,
    query: FormData,
    status: StatusCode,
    errors: Errors,
    error: Option<String>,
) -> Response {
    let actor = match require(ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mut errors = errors;
    let no = query.get("no").to_owned();
    let q = query.get("q").to_owned();
    let items = match state.svc.archives_in_region(actor, &no).await {
        Ok(v) => v,
        Err(e) => match Failure::of(e, &["no"]).parts() {
            Ok((_, mut es, _)) => {
                errors.0.append(&mut es.0);
                vec![]
            }
            Err(api) => return error_page_ctx(ctx, api),
        },
    };
    let overdue = match state.svc.overdue_archive_loans(actor).await {
        Ok(v) => v,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let persons = if q.is_empty() {
        vec![]
    } else {
        match state.svc.search_persons(actor, &q, 1).await {
            Ok(p) => p.items,
            Err(e) => match Failure::of(e, &["q"]).parts() {
                Ok((_, mut es, _)) => {
                    errors.0.append(&mut es.0);
                    vec![]
                }
                Err(api) => return error_page_ctx(ctx, api),
            },
        }
    };
    render(
        status,
        &StaffArchivesPage {
            ctx: PageCtx::new(ctx, "档案管理", "/staff/archives"),
            no,
            q,
            items: items.into_iter().map(archive_line).collect(),
            overdue: overdue.into_iter().map(archive_line).collect(),
            persons,
            today: state.svc.clock.today_cst().format("%Y-%m-%d").to_string(),
            errors,
            error,
            ok: ok_message(&Some(format!("ok={}", query.get("ok")))),
        },
    )
}

async fn staff_archives(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Response {
    staff_archives_render(
        &state,
        &ctx,
        query_form(&q),
        StatusCode::OK,
        Errors::default(),
        None,
    )
    .await
}

async fn staff_receive_archive(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let Ok(person_id) = Uuid::parse_str(form.get("person_id")) else {
        return staff_archives_render(
            &state,
            &ctx,
            FormData::default(),
            StatusCode::BAD_REQUEST,
            Errors::default(),
            Some("请先查找并选择人员".into()),
        )
        .await;
    };
    let input = ReceiveInput {
        person_id,
        received_on: form.get("received_on").into(),
        received_from: form.opt("received_from"),
        location: form.opt("location"),
    };
    match state.svc.receive_archive(actor, input).await {
        Ok(a) => Redirect::to(&format!("/staff/archives/{}?ok=received", a.id)).into_response(),
        Err(e) => match action_error(e) {
            Ok((status, m)) => {
                let mut q = FormData::default();
                q.set("q", form.get("q"));
                staff_archives_render(&state, &ctx, q, status, Errors::default(), Some(m)).await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

#[derive(Template)]
#[template(path = "public/staff_archive.html")]
struct StaffArchivePage {
    ctx: PageCtx,
    l: ArchiveLine,
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn staff_archive_render(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let actor = match require(ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.svc.get_archive(actor, id).await {
        Ok(a) => render(
            status,
            &StaffArchivePage {
                ctx: PageCtx::new(ctx, format!("档案 {}", a.archive_no), "/staff/archives"),
                l: archive_line(a),
                ok,
                error,
            },
        ),
        Err(e) => error_page_ctx(ctx, e.into()),
    }
}

async fn staff_archive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    staff_archive_render(&state, &ctx, id, StatusCode::OK, ok_message(&q), None).await
}

async fn staff_move_archive(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let input = ArchiveAction {
        action: form.get("action").into(),
        location: form.opt("location"),
        borrower: form.opt("borrower"),
        due_on: form.opt("due_on"),
        destination: form.opt("destination"),
    };
    match state.svc.move_archive(actor, id, input).await {
        Ok(_) => Redirect::to(&format!("/staff/archives/{id}?ok=moved")).into_response(),
        Err(e) => match action_error(e) {
            Ok((status, m)) => staff_archive_render(&state, &ctx, id, status, None, Some(m)).await,
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

#[derive(Template)]
#[template(path = "public/archives_mine.html")]
struct MyArchivesPage {
    ctx: PageCtx,
    items: Vec<ArchiveLine>,
}

async fn my_archives(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.svc.my_archives(actor).await {
        Ok(items) => render(
            StatusCode::OK,
            &MyArchivesPage {
                ctx: PageCtx::new(&ctx, "我的档案", "/archives/mine"),
                items: items.into_iter().map(archive_line).collect(),
            },
        ),
        Err(e) => error_page_ctx(&ctx, e.into()),
    }
}
