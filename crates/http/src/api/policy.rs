//! The policy screening contract over HTTP (`shared/spec/policy-screening.md`) and region
//! reference data. Both are public and change nothing.

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::AppState;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/policy/screen", post(screen_policy))
        .route("/regions", get(list_regions))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScreenParams {
    /// Include the trace tree of every condition and parameter read.
    pub trace: Option<bool>,
}

/// Decides every benefit of 晋政办发〔2020〕89号 for one person's facts, as of `as_of`.
/// Request and response follow the policy-screening contract exactly.
#[utoipa::path(post, path = "/api/v1/policy/screen", tag = "policy", params(ScreenParams),
    request_body(content = Object, description = "Facts document (policy-screening contract)", content_type = "application/json"),
    responses((status = 200, description = "Determinations document", body = Object), (status = 400, body = ErrorBody)))]
pub async fn screen_policy(
    State(state): State<AppState>,
    Query(p): Query<ScreenParams>,
    body: Bytes,
) -> Response {
    let Ok(text) = std::str::from_utf8(&body) else {
        return ApiError::invalid("$", "encoding", "请求内容须为 UTF-8 编码的 JSON")
            .into_response();
    };
    match state.svc.engine.screen_json(text, p.trace.unwrap_or(false)) {
        Ok(json) => {
            let mut r = (StatusCode::OK, json).into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            r
        }
        Err(e) => ApiError::invalid(e.path.clone(), e.code, e.message.clone()).into_response(),
    }
}

#[derive(Serialize, ToSchema)]
pub struct RegionEntry {
    pub code: String,
    pub name: String,
    pub full_name: String,
    /// province, city or county.
    pub level: String,
    pub parent: Option<String>,
}

/// Shanxi's divisions in force (GB/T 2260): the province, 11 cities, 117 counties.
#[utoipa::path(get, path = "/api/v1/regions", tag = "policy", responses((status = 200, body = Vec<RegionEntry>)))]
pub async fn list_regions() -> Json<Vec<RegionEntry>> {
    Json(
        linghuo_domain::region::all_regions()
            .into_iter()
            .map(|r| RegionEntry {
                code: r.as_str(),
                name: r.name().into(),
                full_name: r.full_name(),
                level: match r.level() {
                    linghuo_domain::RegionLevel::Province => "province",
                    linghuo_domain::RegionLevel::City => "city",
                    linghuo_domain::RegionLevel::County => "county",
                }
                .into(),
                parent: r.parent().map(|p| p.as_str()),
            })
            .collect(),
    )
}
