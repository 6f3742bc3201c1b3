//! Complaints and mediation (三(五), 四(十)): workers file and follow complaints, employers
//! named answer them, staff of the county handle them and run mediation.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::complaints::{
    ComplaintDetail, ComplaintInput, ComplaintSummary, EventView, EvidenceView, MediationView,
    OutcomeInput, ReferInput, ResolveInput, SessionInput, SessionView, TextInput,
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/complaints", get(list_complaints).post(file_complaint))
        .route("/complaints/{id}", get(get_complaint))
        .route("/complaints/{id}/acknowledge", post(acknowledge_complaint))
        .route("/complaints/{id}/assign", post(assign_complaint))
        .route("/complaints/{id}/notes", post(add_note))
        .route("/complaints/{id}/statements", post(add_statement))
        .route("/complaints/{id}/resolve", post(resolve_complaint))
        .route("/complaints/{id}/mediation", post(refer_to_mediation))
        .route("/mediations/{id}", get(get_mediation))
        .route("/mediations/{id}/sessions", post(schedule_session))
        .route("/mediations/{id}/outcome", post(record_outcome))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_complaints, file_complaint, get_complaint, acknowledge_complaint, assign_complaint, add_note,
        add_statement, resolve_complaint, refer_to_mediation, get_mediation, schedule_session, record_outcome,
    ),
    components(schemas(EventView, EvidenceView, SessionView)),
    tags((name = "complaints", description = "投诉举报与调解（三(五)、四(十)）")),
)]
pub struct Doc;

fn id(s: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s).map_err(|_| ApiError::not_found())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusFilter {
    /// Staff: open (default), overdue, all, or one state (received, acknowledged,
    /// investigating, resolved, referred_to_mediation, closed).
    pub status: Option<String>,
}

/// A worker's own complaints, those concerning an employer, or the staff queue of the
/// caller's region (overdue first).
#[utoipa::path(get, path = "/api/v1/complaints", tag = "complaints", params(StatusFilter),
    responses((status = 200, body = Vec<ComplaintSummary>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_complaints(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(f): Query<StatusFilter>,
) -> Result<Json<Vec<ComplaintSummary>>, ApiError> {
    Ok(Json(
        s.svc
            .list_complaints(actor(&ctx)?, f.status.as_deref())
            .await?,
    ))
}

/// A signed-in worker files a complaint; naming one of their hires gathers its agreement and
/// pay records as evidence.
#[utoipa::path(post, path = "/api/v1/complaints", tag = "complaints", request_body = ComplaintInput,
    responses((status = 201, body = ComplaintDetail), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn file_complaint(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<ComplaintInput>,
) -> Result<(StatusCode, Json<ComplaintDetail>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.file_complaint(actor(&ctx)?, b).await?),
    ))
}

/// One complaint with its timeline, mediation and (staff) evidence.
#[utoipa::path(get, path = "/api/v1/complaints/{id}", tag = "complaints", params(("id" = Uuid, Path)),
    responses((status = 200, body = ComplaintDetail), (status = 404, body = ErrorBody)))]
pub async fn get_complaint(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<ComplaintDetail>, ApiError> {
    Ok(Json(s.svc.get_complaint(actor(&ctx)?, id(&i)?).await?))
}

/// Staff confirm receipt (received → acknowledged).
#[utoipa::path(post, path = "/api/v1/complaints/{id}/acknowledge", tag = "complaints", params(("id" = Uuid, Path)),
    responses((status = 200, body = ComplaintDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn acknowledge_complaint(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<ComplaintDetail>, ApiError> {
    Ok(Json(
        s.svc.acknowledge_complaint(actor(&ctx)?, id(&i)?).await?,
    ))
}

/// A staff member takes the complaint on (→ investigating).
#[utoipa::path(post, path = "/api/v1/complaints/{id}/assign", tag = "complaints", params(("id" = Uuid, Path)),
    responses((status = 200, body = ComplaintDetail), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn assign_complaint(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<ComplaintDetail>, ApiError> {
    Ok(Json(s.svc.assign_complaint(actor(&ctx)?, id(&i)?).await?))
}

/// A staff note, internal unless `tell_complainant`.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/notes", tag = "complaints", params(("id" = Uuid, Path)), request_body = TextInput,
    responses((status = 200, body = ComplaintDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn add_note(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<TextInput>,
) -> Result<Json<ComplaintDetail>, ApiError> {
    Ok(Json(
        s.svc.add_complaint_note(actor(&ctx)?, id(&i)?, b).await?,
    ))
}

/// A statement by the complainant or by the employer named.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/statements", tag = "complaints", params(("id" = Uuid, Path)), request_body = TextInput,
    responses((status = 200, body = ComplaintDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn add_statement(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<TextInput>,
) -> Result<Json<ComplaintDetail>, ApiError> {
    Ok(Json(
        s.svc
            .add_complaint_statement(actor(&ctx)?, id(&i)?, b)
            .await?,
    ))
}

/// Staff resolve the complaint.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/resolve", tag = "complaints", params(("id" = Uuid, Path)), request_body = ResolveInput,
    responses((status = 200, body = ComplaintDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn resolve_complaint(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ResolveInput>,
) -> Result<Json<ComplaintDetail>, ApiError> {
    Ok(Json(
        s.svc.resolve_complaint(actor(&ctx)?, id(&i)?, b).await?,
    ))
}

/// Staff refer the complaint to a mediating organisation, opening the mediation case.
#[utoipa::path(post, path = "/api/v1/complaints/{id}/mediation", tag = "complaints", params(("id" = Uuid, Path)), request_body = ReferInput,
    responses((status = 200, body = ComplaintDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn refer_to_mediation(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ReferInput>,
) -> Result<Json<ComplaintDetail>, ApiError> {
    Ok(Json(
        s.svc.refer_to_mediation(actor(&ctx)?, id(&i)?, b).await?,
    ))
}

/// A mediation case with its sessions (staff of the region and the parties).
#[utoipa::path(get, path = "/api/v1/mediations/{id}", tag = "complaints", params(("id" = Uuid, Path)),
    responses((status = 200, body = MediationView), (status = 404, body = ErrorBody)))]
pub async fn get_mediation(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<MediationView>, ApiError> {
    Ok(Json(s.svc.get_mediation(actor(&ctx)?, id(&i)?).await?))
}

/// Staff schedule a mediation session; both parties are notified.
#[utoipa::path(post, path = "/api/v1/mediations/{id}/sessions", tag = "complaints", params(("id" = Uuid, Path)), request_body = SessionInput,
    responses((status = 201, body = MediationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn schedule_session(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<SessionInput>,
) -> Result<(StatusCode, Json<MediationView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.svc
                .schedule_mediation_session(actor(&ctx)?, id(&i)?, b)
                .await?,
        ),
    ))
}

/// Staff record the mediation's outcome (agreed or failed); the complaint is closed.
#[utoipa::path(post, path = "/api/v1/mediations/{id}/outcome", tag = "complaints", params(("id" = Uuid, Path)), request_body = OutcomeInput,
    responses((status = 200, body = MediationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn record_outcome(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<OutcomeInput>,
) -> Result<Json<MediationView>, ApiError> {
    Ok(Json(
        s.svc
            .record_mediation_outcome(actor(&ctx)?, id(&i)?, b)
            .await?,
    ))
}
