//! Policy parameters for staff (四(九) policy views): the parameters in force with their
//! dated values, corrections (proposed by province staff, approved by a second one) with
//! their recalculation preview, what-if over the registered population of the caller's
//! region, and the take-up of benefits per county.

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::parameters::{
    BenefitImpactView, CorrectionDecision, CorrectionDetail, CorrectionPreview, CorrectionView,
    DecisionsImpact, ImpactReport, ParameterChange, ParameterView, ParametersPage, VersionView,
};
use linghuo_service::stats::takeup::{TakeUp, TakeUpQuery, TakeUpRow, TakeUpRun};
use uuid::Uuid;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/parameters", get(list_parameters))
        .route("/parameters/corrections", post(propose_correction))
        .route("/parameters/corrections/{id}", get(get_correction))
        .route(
            "/parameters/corrections/{id}/decision",
            post(decide_correction),
        )
        .route("/parameters/whatif", post(run_whatif))
        .route("/stats/take-up", get(get_take_up))
        .route("/stats/take-up/refresh", post(refresh_take_up))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list_parameters, propose_correction, get_correction, decide_correction, run_whatif, get_take_up, refresh_take_up),
    components(schemas(ParametersPage, ParameterView, VersionView, CorrectionView, CorrectionDetail,
        CorrectionPreview, DecisionsImpact, ImpactReport, BenefitImpactView, ParameterChange,
        CorrectionDecision, TakeUp, TakeUpRow, TakeUpRun)),
    tags((name = "parameters", description = "政策参数：现行取值与历次取值、参数更正（两人办理）、政策测算、政策享受率")),
)]
pub struct Doc;

/// Every parameter the engine reads, as in force today, with its versions and clause; and
/// every correction. Staff.
#[utoipa::path(get, path = "/api/v1/parameters", tag = "parameters",
    responses((status = 200, body = ParametersPage), (status = 403, body = ErrorBody)))]
pub async fn list_parameters(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<ParametersPage>, ApiError> {
    Ok(Json(s.svc.parameters_page(actor(&ctx)?).await?))
}

/// Proposes a correction of a parameter (province staff); another province staff member
/// approves it before the engine uses it.
#[utoipa::path(post, path = "/api/v1/parameters/corrections", tag = "parameters",
    request_body = ParameterChange,
    responses((status = 200, body = CorrectionView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn propose_correction(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<ParameterChange>,
) -> Result<Json<CorrectionView>, ApiError> {
    Ok(Json(s.svc.propose_correction(actor(&ctx)?, b).await?))
}

/// A correction with its recalculation preview (computed now for a proposal; as the approver
/// saw it once decided).
#[utoipa::path(get, path = "/api/v1/parameters/corrections/{id}", tag = "parameters",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = CorrectionDetail), (status = 404, body = ErrorBody)))]
pub async fn get_correction(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
) -> Result<Json<CorrectionDetail>, ApiError> {
    Ok(Json(s.svc.correction_detail(actor(&ctx)?, id).await?))
}

/// Approves or rejects a proposed correction (province staff other than the proposer;
/// approving needs a recent sign-in). An approved correction is applied from its effective
/// day at once.
#[utoipa::path(post, path = "/api/v1/parameters/corrections/{id}/decision", tag = "parameters",
    params(("id" = Uuid, Path)), request_body = CorrectionDecision,
    responses((status = 200, body = CorrectionDetail), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decide_correction(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<Uuid>,
    ApiJson(b): ApiJson<CorrectionDecision>,
) -> Result<Json<CorrectionDetail>, ApiError> {
    Ok(Json(s.svc.decide_correction(actor(&ctx)?, id, b).await?))
}

/// What-if: the registered people of the caller's region decided today with the parameters
/// in force and with one change; counts and amounts per benefit. A region with more than
/// `[stats] whatif_sample_persons` registered people is estimated from a uniform sample of
/// them (`sampled`, `sample_persons`). Changes nothing.
#[utoipa::path(post, path = "/api/v1/parameters/whatif", tag = "parameters",
    request_body = ParameterChange,
    responses((status = 200, body = ImpactReport), (status = 400, body = ErrorBody)))]
pub async fn run_whatif(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<ParameterChange>,
) -> Result<Json<ImpactReport>, ApiError> {
    Ok(Json(s.svc.what_if(actor(&ctx)?, &b).await?))
}

/// Take-up per benefit and county from the newest snapshot (`computed_at`; none yet: empty):
/// registered people the engine finds eligible on its day, those of them paid, take-up =
/// paid ÷ eligible.
#[utoipa::path(get, path = "/api/v1/stats/take-up", tag = "stats", params(TakeUpQuery),
    responses((status = 200, body = TakeUp), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_take_up(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<TakeUpQuery>,
) -> Result<Json<TakeUp>, ApiError> {
    Ok(Json(s.svc.take_up(actor(&ctx)?, &q).await?))
}

/// Starts a new take-up snapshot now (province staff; audited): every registered person of
/// the province decided as of today, in the background. 409 `takeup_refreshing` while one is
/// running.
#[utoipa::path(post, path = "/api/v1/stats/take-up/refresh", tag = "stats",
    responses((status = 202, body = TakeUpRun), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn refresh_take_up(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<(axum::http::StatusCode, Json<TakeUpRun>), ApiError> {
    Ok((
        axum::http::StatusCode::ACCEPTED,
        Json(s.svc.refresh_take_up(actor(&ctx)?).await?),
    ))
}
