//! The gig market's search and two-way matching API: search of live posts, jobs for a
//! worker, workers for a post, invitations and answers, the worker's profile, completion and
//! ratings, notices, and the staff overview of their region.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::market::{ApplicationView, HireView, PayView};
use linghuo_service::market_search::{JobSuggestion, PostHit, SearchInput, WorkerSuggestion};
use linghuo_service::market_worker::{
    MarketOverview, NoticeView, ProfileInput, ProfileView, RatingInput, RatingView,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/posts/search", get(search_posts))
        .route("/posts/{id}/candidates", get(list_candidates))
        .route("/posts/{id}/invitations", post(invite_worker))
        .route("/recommendations/jobs", get(recommend_jobs))
        .route("/applications/{id}/answer", post(answer_application))
        .route("/profile", get(get_profile).put(put_profile))
        .route("/hires/{id}/complete", post(complete_hire))
        .route("/hires/{id}/ratings", get(list_ratings).post(rate_hire))
        .route("/notices", get(list_notices))
        .route("/notices/{id}/read", post(read_notice))
        .route("/market/overview", get(market_overview))
        .route("/pay/overdue", get(list_overdue_pay))
}

fn id(s: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s).map_err(|_| ApiError::not_found())
}

/// Chinese full-text search over live posts with filters, sorted by relevance or distance;
/// every hit says why it was found. Public.
#[utoipa::path(get, path = "/api/v1/posts/search", tag = "market", params(SearchInput),
    responses((status = 200, body = Vec<PostHit>), (status = 400, body = ErrorBody)))]
pub async fn search_posts(
    State(s): State<AppState>,
    Query(q): Query<SearchInput>,
) -> Result<Json<Vec<PostHit>>, ApiError> {
    Ok(Json(s.svc.search_posts(&q).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Limit {
    /// 1 to 50 (default 20).
    pub limit: Option<usize>,
}

/// Jobs for the signed-in worker from their profile; hard filters are never violated.
#[utoipa::path(get, path = "/api/v1/recommendations/jobs", tag = "market", params(Limit),
    responses((status = 200, body = Vec<JobSuggestion>), (status = 409, body = ErrorBody)))]
pub async fn recommend_jobs(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(l): Query<Limit>,
) -> Result<Json<Vec<JobSuggestion>>, ApiError> {
    Ok(Json(
        s.svc
            .recommend_jobs(actor(&ctx)?, l.limit.unwrap_or(20))
            .await?,
    ))
}

/// Workers recommended for one of the employer's posts, masked until they apply or accept.
#[utoipa::path(get, path = "/api/v1/posts/{id}/candidates", tag = "market", params(("id" = Uuid, Path), Limit),
    responses((status = 200, body = Vec<WorkerSuggestion>), (status = 404, body = ErrorBody)))]
pub async fn list_candidates(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    Query(l): Query<Limit>,
) -> Result<Json<Vec<WorkerSuggestion>>, ApiError> {
    Ok(Json(
        s.svc
            .recommend_workers(actor(&ctx)?, id(&i)?, l.limit.unwrap_or(20))
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    pub person_id: Uuid,
    #[serde(default)]
    pub message: String,
}

/// The employer invites a recommended worker to a live post.
#[utoipa::path(post, path = "/api/v1/posts/{id}/invitations", tag = "market", params(("id" = Uuid, Path)), request_body = InviteRequest,
    responses((status = 201, body = ApplicationView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn invite_worker(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.svc
                .invite(actor(&ctx)?, id(&i)?, b.person_id, &b.message)
                .await?,
        ),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    /// accept or decline (an invitation), withdraw (an application).
    pub answer: String,
}

/// The worker answers an invitation or withdraws an application.
#[utoipa::path(post, path = "/api/v1/applications/{id}/answer", tag = "market", params(("id" = Uuid, Path)), request_body = AnswerRequest,
    responses((status = 200, body = ApplicationView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn answer_application(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<AnswerRequest>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(
        s.svc
            .answer_application(actor(&ctx)?, id(&i)?, &b.answer)
            .await?,
    ))
}

/// The worker's job-seeking profile (404 until saved).
#[utoipa::path(get, path = "/api/v1/profile", tag = "market",
    responses((status = 200, body = ProfileView), (status = 404, body = ErrorBody)))]
pub async fn get_profile(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<ProfileView>, ApiError> {
    s.svc
        .my_profile(actor(&ctx)?)
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

/// Saves the worker's job-seeking profile.
#[utoipa::path(put, path = "/api/v1/profile", tag = "market", request_body = ProfileInput,
    responses((status = 200, body = ProfileView), (status = 400, body = ErrorBody)))]
pub async fn put_profile(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<ProfileInput>,
) -> Result<Json<ProfileView>, ApiError> {
    Ok(Json(s.svc.set_profile(actor(&ctx)?, b).await?))
}

/// Either side marks the work done.
#[utoipa::path(post, path = "/api/v1/hires/{id}/complete", tag = "market", params(("id" = Uuid, Path)),
    responses((status = 200, body = HireView), (status = 409, body = ErrorBody)))]
pub async fn complete_hire(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<HireView>, ApiError> {
    Ok(Json(s.svc.complete_hire(actor(&ctx)?, id(&i)?).await?))
}

/// Ratings of a hire (both sides).
#[utoipa::path(get, path = "/api/v1/hires/{id}/ratings", tag = "market", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<RatingView>), (status = 404, body = ErrorBody)))]
pub async fn list_ratings(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<Vec<RatingView>>, ApiError> {
    Ok(Json(s.svc.hire_ratings(actor(&ctx)?, id(&i)?).await?))
}

/// One side rates the other, once per hire.
#[utoipa::path(post, path = "/api/v1/hires/{id}/ratings", tag = "market", params(("id" = Uuid, Path)), request_body = RatingInput,
    responses((status = 201, body = Vec<RatingView>), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn rate_hire(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<RatingInput>,
) -> Result<(StatusCode, Json<Vec<RatingView>>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.rate_hire(actor(&ctx)?, id(&i)?, b).await?),
    ))
}

/// The caller's notices (a worker's, an employer's, or their region's for staff).
#[utoipa::path(get, path = "/api/v1/notices", tag = "market", responses((status = 200, body = Vec<NoticeView>)))]
pub async fn list_notices(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<NoticeView>>, ApiError> {
    Ok(Json(s.svc.my_notices(actor(&ctx)?).await?))
}

/// Marks a notice read.
#[utoipa::path(post, path = "/api/v1/notices/{id}/read", tag = "market", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn read_notice(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.svc.mark_notice_read(actor(&ctx)?, id(&i)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The gig market of the caller's region (staff).
#[utoipa::path(get, path = "/api/v1/market/overview", tag = "market",
    responses((status = 200, body = MarketOverview), (status = 403, body = ErrorBody)))]
pub async fn market_overview(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<MarketOverview>, ApiError> {
    Ok(Json(s.svc.market_overview(actor(&ctx)?).await?))
}

#[derive(Serialize, ToSchema)]
pub struct OverduePay {
    pub hire: HireView,
    pub pay: PayView,
}

/// Pay past its due day and not confirmed by the worker, in the caller's region (staff).
#[utoipa::path(get, path = "/api/v1/pay/overdue", tag = "market",
    responses((status = 200, body = Vec<OverduePay>), (status = 403, body = ErrorBody)))]
pub async fn list_overdue_pay(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<OverduePay>>, ApiError> {
    Ok(Json(
        s.svc
            .overdue_pay(actor(&ctx)?)
            .await?
            .into_iter()
            .map(|(hire, pay)| OverduePay { hire, pay })
            .collect(),
    ))
}
