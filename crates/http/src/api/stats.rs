//! Statistics of the caller's region and the annual employment targets.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, put};
use axum::{Json, Router};
use linghuo_service::stats::{Stats, StatsQuery};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/stats", get(get_stats))
        .route("/stats/targets", put(put_target))
}

/// Flexible employment of the caller's region (or a region inside it) for a year: by child
/// region with targets, month, form and occupation, and outcomes of older and 困难 workers.
#[utoipa::path(get, path = "/api/v1/stats", tag = "stats", params(StatsQuery),
    responses((status = 200, body = Stats), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_stats(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StatsQuery>,
) -> Result<Json<Stats>, ApiError> {
    Ok(Json(s.svc.statistics(actor(&ctx)?, &q).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetInput {
    pub year: i32,
    /// A city or county inside the caller's scope.
    pub region: String,
    /// People in flexible employment the region aims for in the year.
    pub target: i64,
}

/// Sets a city's or county's annual flexible-employment target.
#[utoipa::path(put, path = "/api/v1/stats/targets", tag = "stats", request_body = TargetInput,
    responses((status = 204), (status = 400, body = ErrorBody)))]
pub async fn put_target(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<TargetInput>,
) -> Result<StatusCode, ApiError> {
    s.svc
        .set_employment_target(actor(&ctx)?, b.year, &b.region, b.target)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
