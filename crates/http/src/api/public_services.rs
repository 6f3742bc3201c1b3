//! Public services API (三(五)(六), 四(九)): recruitment events, free business venues, fee
//! relief (rent relief, road-fee exemption) and personnel archives.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::archives::{ArchiveAction, ArchiveView, ReceiveInput};
use linghuo_service::events::{
    EventDetail, EventInput, EventRegistrationView, EventReport, EventView, JoinInput,
    OutcomeInput, ServiceCounts,
};
use linghuo_service::venues::{
    AllocationReport, ReliefDecision, ReliefInput, ReliefView, VenueApplicationView, VenueDetail,
    VenueInput, VenueView,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/events", get(list_events).post(create_event))
        .route("/events/region", get(list_region_events))
        .route("/events/mine", get(list_my_event_registrations))
        .route("/events/{id}", get(get_event))
        .route("/events/{id}/publish", post(publish_event))
        .route("/events/{id}/close", post(close_event))
        .route("/events/{id}/employers", post(join_event))
        .route(
            "/events/{id}/registrations",
            get(event_report).post(register_for_event),
        )
        .route("/event-registrations/{id}/check-in", post(check_in))
        .route("/event-registrations/{id}/outcome", post(record_outcome))
        .route("/venues", get(list_open_venues).post(create_venue))
        .route("/venues/region", get(list_region_venues))
        .route("/venues/applications/mine", get(list_my_venue_applications))
        .route("/venues/{id}", get(get_venue))
        .route("/venues/{id}/open", post(set_venue_open))
        .route("/venues/{id}/applications", post(apply_for_venue))
        .route("/venues/{id}/allocate", post(allocate_venue))
        .route("/relief", post(apply_relief))
        .route("/relief/mine", get(list_my_relief))
        .route("/relief/queue", get(list_relief_queue))
        .route("/relief/{id}", get(get_relief))
        .route("/relief/{id}/decision", post(decide_relief))
        .route("/archives", get(list_archives).post(receive_archive))
        .route("/archives/mine", get(list_my_archives))
        .route("/archives/overdue", get(list_overdue_archives))
        .route("/archives/{id}", get(get_archive))
        .route("/archives/{id}/movements", post(move_archive))
        .route("/services/workbench", get(workbench_counts))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_events, create_event, list_region_events, list_my_event_registrations, get_event, publish_event, close_event,
        join_event, event_report, register_for_event, check_in, record_outcome,
        list_open_venues, create_venue, list_region_venues, list_my_venue_applications, get_venue, set_venue_open,
        apply_for_venue, allocate_venue,
        apply_relief, list_my_relief, list_relief_queue, get_relief, decide_relief,
        list_archives, receive_archive, list_my_archives, list_overdue_archives, get_archive, move_archive,
        workbench_counts,
    ),
    tags(
        (name = "events", description = "专场招聘：招聘会、参会单位与岗位、报名、签到与成效（四(九)）"),
        (name = "venues", description = "免费经营场地与租金减免、免征道路占用费（三(五)(六)）"),
        (name = "archives", description = "档案管理（四(九)，免费）"),
    )
)]
pub struct Doc;

fn id(s: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s).map_err(|_| ApiError::not_found())
}

// ---------------------------------------------------------------------------------------
// Events

/// Published events that have not ended, soonest first. Public.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", responses((status = 200, body = Vec<EventView>)))]
pub async fn list_events(State(s): State<AppState>) -> Result<Json<Vec<EventView>>, ApiError> {
    Ok(Json(s.svc.public_events().await?))
}

/// County staff create an event (a draft until published).
#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body = EventInput,
    responses((status = 201, body = EventView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_event(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<EventInput>,
) -> Result<(StatusCode, Json<EventView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.create_event(actor(&ctx)?, b).await?),
    ))
}

/// Every event of the staff member's region.
#[utoipa::path(get, path = "/api/v1/events/region", tag = "events", responses((status = 200, body = Vec<EventView>), (status = 403, body = ErrorBody)))]
pub async fn list_region_events(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<EventView>>, ApiError> {
    Ok(Json(s.svc.events_in_region(actor(&ctx)?).await?))
}

/// The signed-in worker's event registrations.
#[utoipa::path(get, path = "/api/v1/events/mine", tag = "events", responses((status = 200, body = Vec<EventRegistrationView>)))]
pub async fn list_my_event_registrations(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<EventRegistrationView>>, ApiError> {
    Ok(Json(s.svc.my_event_registrations(actor(&ctx)?).await?))
}

/// An event with its employers and their posts. Public once published.
#[utoipa::path(get, path = "/api/v1/events/{id}", tag = "events", params(("id" = Uuid, Path)),
    responses((status = 200, body = EventDetail), (status = 404, body = ErrorBody)))]
pub async fn get_event(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<EventDetail>, ApiError> {
    Ok(Json(s.svc.get_event(ctx.actor(), id(&i)?).await?))
}

/// Publishes a draft event (staff of its county).
#[utoipa::path(post, path = "/api/v1/events/{id}/publish", tag = "events", params(("id" = Uuid, Path)),
    responses((status = 200, body = EventView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn publish_event(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(s.svc.publish_event(actor(&ctx)?, id(&i)?).await?))
}

/// Closes a published event (staff of its county).
#[utoipa::path(post, path = "/api/v1/events/{id}/close", tag = "events", params(("id" = Uuid, Path)),
    responses((status = 200, body = EventView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn close_event(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<EventView>, ApiError> {
    Ok(Json(s.svc.close_event(actor(&ctx)?, id(&i)?).await?))
}

/// A verified employer joins a published event with its live posts; staff add an employer.
#[utoipa::path(post, path = "/api/v1/events/{id}/employers", tag = "events", params(("id" = Uuid, Path)), request_body = JoinInput,
    responses((status = 200, body = EventDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn join_event(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<JoinInput>,
) -> Result<Json<EventDetail>, ApiError> {
    Ok(Json(s.svc.join_event(actor(&ctx)?, id(&i)?, b).await?))
}

/// Staff of the event's county: registrations, check-in and outcomes with totals.
#[utoipa::path(get, path = "/api/v1/events/{id}/registrations", tag = "events", params(("id" = Uuid, Path)),
    responses((status = 200, body = EventReport), (status = 404, body = ErrorBody)))]
pub async fn event_report(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<EventReport>, ApiError> {
    Ok(Json(s.svc.event_report(actor(&ctx)?, id(&i)?).await?))
}

/// The signed-in worker registers (once per event).
#[utoipa::path(post, path = "/api/v1/events/{id}/registrations", tag = "events", params(("id" = Uuid, Path)),
    responses((status = 201, body = EventRegistrationView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn register_for_event(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<(StatusCode, Json<EventRegistrationView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.register_for_event(actor(&ctx)?, id(&i)?).await?),
    ))
}

/// Staff check a registered worker in.
#[utoipa::path(post, path = "/api/v1/event-registrations/{id}/check-in", tag = "events", params(("id" = Uuid, Path)),
    responses((status = 200, body = EventRegistrationView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn check_in(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<EventRegistrationView>, ApiError> {
    Ok(Json(
        s.svc.check_in_registration(actor(&ctx)?, id(&i)?).await?,
    ))
}

/// Staff record interviews, offers and hires of a registration.
#[utoipa::path(post, path = "/api/v1/event-registrations/{id}/outcome", tag = "events", params(("id" = Uuid, Path)), request_body = OutcomeInput,
    responses((status = 200, body = EventRegistrationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn record_outcome(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<OutcomeInput>,
) -> Result<Json<EventRegistrationView>, ApiError> {
    Ok(Json(
        s.svc.record_event_outcome(actor(&ctx)?, id(&i)?, b).await?,
    ))
}

// ---------------------------------------------------------------------------------------
// Venues

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountyFilter {
    /// A county code; all counties when absent.
    pub county: Option<String>,
}

/// Venues open for applications. Public.
#[utoipa::path(get, path = "/api/v1/venues", tag = "venues", params(CountyFilter), responses((status = 200, body = Vec<VenueView>)))]
pub async fn list_open_venues(
    State(s): State<AppState>,
    Query(q): Query<CountyFilter>,
) -> Result<Json<Vec<VenueView>>, ApiError> {
    Ok(Json(s.svc.open_venues(q.county.as_deref()).await?))
}

/// County staff list a venue.
#[utoipa::path(post, path = "/api/v1/venues", tag = "venues", request_body = VenueInput,
    responses((status = 201, body = VenueView), (status = 400, body = ErrorBody)))]
pub async fn create_venue(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<VenueInput>,
) -> Result<(StatusCode, Json<VenueView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.create_venue(actor(&ctx)?, b).await?),
    ))
}

/// Venues of the staff member's region.
#[utoipa::path(get, path = "/api/v1/venues/region", tag = "venues", responses((status = 200, body = Vec<VenueView>)))]
pub async fn list_region_venues(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<VenueView>>, ApiError> {
    Ok(Json(s.svc.venues_in_region(actor(&ctx)?).await?))
}

/// The signed-in worker's venue applications with their decisions.
#[utoipa::path(get, path = "/api/v1/venues/applications/mine", tag = "venues", responses((status = 200, body = Vec<VenueApplicationView>)))]
pub async fn list_my_venue_applications(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<VenueApplicationView>>, ApiError> {
    Ok(Json(s.svc.my_venue_applications(actor(&ctx)?).await?))
}

/// Staff: a venue with its applications (priority shown).
#[utoipa::path(get, path = "/api/v1/venues/{id}", tag = "venues", params(("id" = Uuid, Path)),
    responses((status = 200, body = VenueDetail), (status = 404, body = ErrorBody)))]
pub async fn get_venue(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<VenueDetail>, ApiError> {
    Ok(Json(s.svc.venue_detail(actor(&ctx)?, id(&i)?).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    pub open: bool,
}

/// Staff open or close a venue for applications.
#[utoipa::path(post, path = "/api/v1/venues/{id}/open", tag = "venues", params(("id" = Uuid, Path)), request_body = OpenRequest,
    responses((status = 200, body = VenueView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn set_venue_open(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<OpenRequest>,
) -> Result<Json<VenueView>, ApiError> {
    Ok(Json(
        s.svc.set_venue_open(actor(&ctx)?, id(&i)?, b.open).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VenueApplyRequest {
    /// What the applicant will sell or do there.
    pub business: String,
}

/// The signed-in worker applies for a place.
#[utoipa::path(post, path = "/api/v1/venues/{id}/applications", tag = "venues", params(("id" = Uuid, Path)), request_body = VenueApplyRequest,
    responses((status = 201, body = VenueApplicationView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn apply_for_venue(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<VenueApplyRequest>,
) -> Result<(StatusCode, Json<VenueApplicationView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.svc
                .apply_for_venue(actor(&ctx)?, id(&i)?, &b.business)
                .await?,
        ),
    ))
}

/// Staff fill the free places: priority groups first, then by time of application.
#[utoipa::path(post, path = "/api/v1/venues/{id}/allocate", tag = "venues", params(("id" = Uuid, Path)),
    responses((status = 200, body = AllocationReport), (status = 404, body = ErrorBody)))]
pub async fn allocate_venue(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<AllocationReport>, ApiError> {
    Ok(Json(s.svc.allocate_venue(actor(&ctx)?, id(&i)?).await?))
}

// ---------------------------------------------------------------------------------------
// Relief

/// The signed-in worker applies for rent relief (三(六)) or the road-fee exemption (三(五)).
#[utoipa::path(post, path = "/api/v1/relief", tag = "venues", request_body = ReliefInput,
    responses((status = 201, body = ReliefView), (status = 400, body = ErrorBody)))]
pub async fn apply_relief(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<ReliefInput>,
) -> Result<(StatusCode, Json<ReliefView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.apply_relief(actor(&ctx)?, b).await?),
    ))
}

/// The signed-in worker's applications and decisions.
#[utoipa::path(get, path = "/api/v1/relief/mine", tag = "venues", responses((status = 200, body = Vec<ReliefView>)))]
pub async fn list_my_relief(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<ReliefView>>, ApiError> {
    Ok(Json(s.svc.my_reliefs(actor(&ctx)?).await?))
}

/// Staff: the region's applications, pending first.
#[utoipa::path(get, path = "/api/v1/relief/queue", tag = "venues", responses((status = 200, body = Vec<ReliefView>)))]
pub async fn list_relief_queue(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<ReliefView>>, ApiError> {
    Ok(Json(s.svc.relief_queue(actor(&ctx)?).await?))
}

/// One application (staff of its county, or the applicant).
#[utoipa::path(get, path = "/api/v1/relief/{id}", tag = "venues", params(("id" = Uuid, Path)),
    responses((status = 200, body = ReliefView), (status = 404, body = ErrorBody)))]
pub async fn get_relief(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<ReliefView>, ApiError> {
    Ok(Json(s.svc.get_relief(actor(&ctx)?, id(&i)?).await?))
}

/// Staff approve or refuse with a reason; the policy determination is stored with it.
#[utoipa::path(post, path = "/api/v1/relief/{id}/decision", tag = "venues", params(("id" = Uuid, Path)), request_body = ReliefDecision,
    responses((status = 200, body = ReliefView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decide_relief(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ReliefDecision>,
) -> Result<Json<ReliefView>, ApiError> {
    Ok(Json(s.svc.decide_relief(actor(&ctx)?, id(&i)?, b).await?))
}

// ---------------------------------------------------------------------------------------
// Archives

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArchiveFilter {
    /// The archive number or its beginning.
    pub no: Option<String>,
}

/// Staff: archives of their region, by archive number.
#[utoipa::path(get, path = "/api/v1/archives", tag = "archives", params(ArchiveFilter),
    responses((status = 200, body = Vec<ArchiveView>), (status = 400, body = ErrorBody)))]
pub async fn list_archives(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ArchiveFilter>,
) -> Result<Json<Vec<ArchiveView>>, ApiError> {
    Ok(Json(
        s.svc
            .archives_in_region(actor(&ctx)?, q.no.as_deref().unwrap_or(""))
            .await?,
    ))
}

/// Staff receive a person's archive; it gets the county's next archive number.
#[utoipa::path(post, path = "/api/v1/archives", tag = "archives", request_body = ReceiveInput,
    responses((status = 201, body = ArchiveView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn receive_archive(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<ReceiveInput>,
) -> Result<(StatusCode, Json<ArchiveView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.receive_archive(actor(&ctx)?, b).await?),
    ))
}

/// The signed-in worker's archive: where it is and its log (no staff names).
#[utoipa::path(get, path = "/api/v1/archives/mine", tag = "archives", responses((status = 200, body = Vec<ArchiveView>)))]
pub async fn list_my_archives(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<ArchiveView>>, ApiError> {
    Ok(Json(s.svc.my_archives(actor(&ctx)?).await?))
}

/// Staff: loans past their due date.
#[utoipa::path(get, path = "/api/v1/archives/overdue", tag = "archives", responses((status = 200, body = Vec<ArchiveView>)))]
pub async fn list_overdue_archives(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<ArchiveView>>, ApiError> {
    Ok(Json(s.svc.overdue_archive_loans(actor(&ctx)?).await?))
}

/// Staff: one archive with its movement log.
#[utoipa::path(get, path = "/api/v1/archives/{id}", tag = "archives", params(("id" = Uuid, Path)),
    responses((status = 200, body = ArchiveView), (status = 404, body = ErrorBody)))]
pub async fn get_archive(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<ArchiveView>, ApiError> {
    Ok(Json(s.svc.get_archive(actor(&ctx)?, id(&i)?).await?))
}

/// Staff: store, lend, return or transfer out.
#[utoipa::path(post, path = "/api/v1/archives/{id}/movements", tag = "archives", params(("id" = Uuid, Path)), request_body = ArchiveAction,
    responses((status = 200, body = ArchiveView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn move_archive(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ArchiveAction>,
) -> Result<Json<ArchiveView>, ApiError> {
    Ok(Json(s.svc.move_archive(actor(&ctx)?, id(&i)?, b).await?))
}

/// Staff workbench: what waits in these services in the caller's region.
#[utoipa::path(get, path = "/api/v1/services/workbench", tag = "events", responses((status = 200, body = ServiceCounts)))]
pub async fn workbench_counts(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<ServiceCounts>, ApiError> {
    Ok(Json(s.svc.services_workbench_counts(actor(&ctx)?).await?))
}
