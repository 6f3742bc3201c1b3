//! The public weekly gig-market index (统计公开): no login, suppressed counts only.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use linghuo_service::open_stats::{OpenStats, OpenStatsQuery};

use crate::AppState;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new().route("/open/stats", get(get_open_stats))
}

/// New posts and hires in each of the last eight complete ISO weeks, by city (or the counties
/// of `city`) and by occupation category. Counts below five are `null` with status `small`
/// (shown as "<5"); cells withheld so that those cannot be worked out have status `withheld`.
#[utoipa::path(get, path = "/api/v1/open/stats", tag = "stats", params(OpenStatsQuery),
    responses((status = 200, body = OpenStats), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_open_stats(
    State(s): State<AppState>,
    Query(q): Query<OpenStatsQuery>,
) -> Result<Json<OpenStats>, ApiError> {
    Ok(Json(s.svc.open_statistics(&q).await?))
}
