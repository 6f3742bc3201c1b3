//! New-occupation suggestions (晋政办发〔2020〕89号 四(七)): the trades people name in their own
//! words, counted by county; staff of the region decide them (merge into a trade as a
//! synonym, propose a new trade, ignore); the report of proposals and merges by city.

use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::market_occupations::{
    OccupationDecision, OccupationReport, OccupationSuggestion, OccupationSuggestionFilter,
    OccupationSuggestionList,
};
use utoipa::OpenApi;
use uuid::Uuid;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/occupation-suggestions", get(list_occupation_suggestions))
        .route("/occupation-suggestions/report", get(get_occupation_report))
        .route(
            "/occupation-suggestions/{id}/decision",
            post(decide_occupation_suggestion),
        )
}

#[derive(OpenApi)]
#[openapi(
    paths(list_occupation_suggestions, decide_occupation_suggestion, get_occupation_report),
    tags((name = "occupations", description = "新职业建议：群众对工种的说法按县区收集，经办人员合并为同义词、建议新职业或忽略，汇总上报")),
)]
pub struct Doc;

/// Suggestions in the staff member's region, most seen first (staff; a county outside the
/// region is 404).
#[utoipa::path(get, path = "/api/v1/occupation-suggestions", tag = "occupations",
    params(OccupationSuggestionFilter),
    responses((status = 200, body = OccupationSuggestionList), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_occupation_suggestions(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(f): Query<OccupationSuggestionFilter>,
) -> Result<Json<OccupationSuggestionList>, ApiError> {
    Ok(Json(s.svc.occupation_suggestions(actor(&ctx)?, &f).await?))
}

/// Decides one suggestion: `merge` into a trade as a synonym (search and later posts learn
/// the words at once), `propose` a new trade, or `ignore`. Audited; decided once.
#[utoipa::path(post, path = "/api/v1/occupation-suggestions/{id}/decision", tag = "occupations",
    params(("id" = Uuid, Path)), request_body = OccupationDecision,
    responses((status = 200, body = OccupationSuggestion), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decide_occupation_suggestion(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<OccupationDecision>,
) -> Result<Json<OccupationSuggestion>, ApiError> {
    let id = Uuid::parse_str(&i).map_err(|_| ApiError::not_found())?;
    Ok(Json(
        s.svc
            .decide_occupation_suggestion(actor(&ctx)?, id, &b)
            .await?,
    ))
}

/// The report of the region's proposals and merges with counts by city (the province's
/// report sends it upward; the page also downloads it as Excel).
#[utoipa::path(get, path = "/api/v1/occupation-suggestions/report", tag = "occupations",
    responses((status = 200, body = OccupationReport), (status = 403, body = ErrorBody)))]
pub async fn get_occupation_report(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<OccupationReport>, ApiError> {
    Ok(Json(s.svc.occupation_report(actor(&ctx)?).await?))
}
