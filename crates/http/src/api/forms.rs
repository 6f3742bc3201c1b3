//! New forms of work and 职业指导 (issue 17 items 7 and 8): 共享用工 arrangements between
//! employers (二(三)) and career-guidance appointments and records (四(九)). Remote posts and
//! online courses are fields of the post and course resources.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::guidance::{BookInput, CancelInput, GuidanceView, RecordInput};
use linghuo_service::market::shared::{ShareAnswer, ShareEnd, ShareInput, SharedView};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sharing", get(list_sharing).post(propose_sharing))
        .route("/sharing/{id}", get(get_sharing))
        .route("/sharing/{id}/answer", post(answer_sharing))
        .route("/sharing/{id}/withdraw", post(withdraw_sharing))
        .route("/sharing/{id}/end", post(end_sharing))
        .route("/guidance", get(list_guidance).post(book_guidance))
        .route("/guidance/{id}", get(get_guidance))
        .route("/guidance/{id}/record", post(record_guidance))
        .route("/guidance/{id}/course", post(suggest_course))
        .route("/guidance/{id}/cancel", post(cancel_guidance))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_sharing, propose_sharing, get_sharing, answer_sharing, withdraw_sharing, end_sharing,
        list_guidance, book_guidance, get_guidance, record_guidance, suggest_course, cancel_guidance,
    ),
    tags(
        (name = "sharing", description = "共享用工：派出单位提出、用工单位确认、提前结束（二(三)）"),
        (name = "guidance", description = "职业指导：预约、指导记录、回访和推荐课程（四(九)）"),
    )
)]
pub struct Doc;

fn id(s: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s).map_err(|_| ApiError::not_found())
}

/// The caller's arrangements: an employer's as lender or borrower, a worker's as lent, staff's
/// with either employer in their region.
#[utoipa::path(get, path = "/api/v1/sharing", tag = "sharing", responses((status = 200, body = Vec<SharedView>), (status = 403, body = ErrorBody)))]
pub async fn list_sharing(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<SharedView>>, ApiError> {
    Ok(Json(s.svc.sharings(actor(&ctx)?).await?))
}

/// The lending employer proposes an arrangement (the borrower by its 统一社会信用代码, the
/// workers by the lender's hires).
#[utoipa::path(post, path = "/api/v1/sharing", tag = "sharing", request_body = ShareInput,
    responses((status = 201, body = SharedView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn propose_sharing(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<ShareInput>,
) -> Result<(StatusCode, Json<SharedView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.propose_sharing(actor(&ctx)?, b).await?),
    ))
}

/// One arrangement (its employers, its workers, staff of either region).
#[utoipa::path(get, path = "/api/v1/sharing/{id}", tag = "sharing", params(("id" = Uuid, Path)),
    responses((status = 200, body = SharedView), (status = 404, body = ErrorBody)))]
pub async fn get_sharing(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<SharedView>, ApiError> {
    Ok(Json(s.svc.get_sharing(actor(&ctx)?, id(&i)?).await?))
}

/// The borrowing employer confirms, or declines with a reason.
#[utoipa::path(post, path = "/api/v1/sharing/{id}/answer", tag = "sharing", params(("id" = Uuid, Path)), request_body = ShareAnswer,
    responses((status = 200, body = SharedView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn answer_sharing(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ShareAnswer>,
) -> Result<Json<SharedView>, ApiError> {
    Ok(Json(s.svc.answer_sharing(actor(&ctx)?, id(&i)?, b).await?))
}

/// The lending employer withdraws a proposal not yet answered.
#[utoipa::path(post, path = "/api/v1/sharing/{id}/withdraw", tag = "sharing", params(("id" = Uuid, Path)),
    responses((status = 200, body = SharedView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw_sharing(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<SharedView>, ApiError> {
    Ok(Json(s.svc.withdraw_sharing(actor(&ctx)?, id(&i)?).await?))
}

/// Either employer ends a confirmed arrangement early, with the last day and a reason.
#[utoipa::path(post, path = "/api/v1/sharing/{id}/end", tag = "sharing", params(("id" = Uuid, Path)), request_body = ShareEnd,
    responses((status = 200, body = SharedView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn end_sharing(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ShareEnd>,
) -> Result<Json<SharedView>, ApiError> {
    Ok(Json(s.svc.end_sharing(actor(&ctx)?, id(&i)?, b).await?))
}

#[derive(Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct GuidanceFilter {
    /// Staff: booked, held or cancelled (all when absent).
    pub status: Option<String>,
}

/// A worker's own sessions, or (staff) the sessions of their region, booked ones first.
#[utoipa::path(get, path = "/api/v1/guidance", tag = "guidance", params(GuidanceFilter),
    responses((status = 200, body = Vec<GuidanceView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_guidance(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<GuidanceFilter>,
) -> Result<Json<Vec<GuidanceView>>, ApiError> {
    let a = actor(&ctx)?;
    Ok(Json(if a.role == linghuo_service::Role::Staff {
        s.svc
            .guidance_in_region(a, q.status.as_deref().unwrap_or(""))
            .await?
    } else {
        s.svc.my_guidance(a).await?
    }))
}

/// Books a session: a worker for themself, staff for a person of their region.
#[utoipa::path(post, path = "/api/v1/guidance", tag = "guidance", request_body = BookInput,
    responses((status = 201, body = GuidanceView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn book_guidance(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<BookInput>,
) -> Result<(StatusCode, Json<GuidanceView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.book_guidance(actor(&ctx)?, b).await?),
    ))
}

/// One session with its record (the person, or staff of its county).
#[utoipa::path(get, path = "/api/v1/guidance/{id}", tag = "guidance", params(("id" = Uuid, Path)),
    responses((status = 200, body = GuidanceView), (status = 404, body = ErrorBody)))]
pub async fn get_guidance(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<GuidanceView>, ApiError> {
    Ok(Json(s.svc.get_guidance(actor(&ctx)?, id(&i)?).await?))
}

/// The counsellor records the session: topics, advice, notes (the person reads all three)
/// and follow-ups.
#[utoipa::path(post, path = "/api/v1/guidance/{id}/record", tag = "guidance", params(("id" = Uuid, Path)), request_body = RecordInput,
    responses((status = 200, body = GuidanceView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn record_guidance(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<RecordInput>,
) -> Result<Json<GuidanceView>, ApiError> {
    Ok(Json(s.svc.record_guidance(actor(&ctx)?, id(&i)?, b).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CourseSuggestion {
    pub course_id: Uuid,
}

/// The counsellor suggests an open course of the region; the person is told.
#[utoipa::path(post, path = "/api/v1/guidance/{id}/course", tag = "guidance", params(("id" = Uuid, Path)), request_body = CourseSuggestion,
    responses((status = 200, body = GuidanceView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn suggest_course(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<CourseSuggestion>,
) -> Result<Json<GuidanceView>, ApiError> {
    Ok(Json(
        s.svc
            .suggest_guidance_course(actor(&ctx)?, id(&i)?, b.course_id)
            .await?,
    ))
}

/// Cancels a booked session (the person, or staff of its county).
#[utoipa::path(post, path = "/api/v1/guidance/{id}/cancel", tag = "guidance", params(("id" = Uuid, Path)), request_body = CancelInput,
    responses((status = 200, body = GuidanceView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn cancel_guidance(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<CancelInput>,
) -> Result<Json<GuidanceView>, ApiError> {
    Ok(Json(s.svc.cancel_guidance(actor(&ctx)?, id(&i)?, b).await?))
}
