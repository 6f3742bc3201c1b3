//! Publicity (五(十四)) and 违规收费 reports (三(五)): published typical cases and policy news
//! for anyone, writing and reviewing them for staff; fee reports from anyone (no account),
//! looked up by tracking code, handled by staff of the county; the responsible-department list.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::fee_reports::{
    DepartmentInput, DepartmentView, FeeEventView, FeeOutcomeInput, FeeReportInput,
    FeeReportReceipt, FeeReportView, FeeStats, FeeStatsRow, ForwardInput, TrackInput,
};
use linghuo_service::publicity::{
    ArticleInput, ArticleReview, ArticleView, ClauseRef, ReasonInput,
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
        .route("/articles", get(list_articles).post(submit_article))
        .route("/articles/review", get(list_staff_articles))
        .route("/articles/{id}", get(get_article).put(edit_article))
        .route("/articles/{id}/approve", post(approve_article))
        .route("/articles/{id}/return", post(return_article))
        .route("/articles/{id}/withdraw", post(withdraw_article))
        .route("/fee-reports", get(list_fee_reports).post(report_fee))
        .route("/fee-reports/track", post(track_fee_report))
        .route("/fee-reports/stats", get(get_fee_report_stats))
        .route("/fee-reports/{id}", get(get_fee_report))
        .route("/fee-reports/{id}/accept", post(accept_fee_report))
        .route("/fee-reports/{id}/forward", post(forward_fee_report))
        .route("/fee-reports/{id}/resolve", post(resolve_fee_report))
        .route(
            "/fee-departments",
            get(list_fee_departments).post(save_fee_department),
        )
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_articles, submit_article, list_staff_articles, get_article, edit_article, approve_article,
        return_article, withdraw_article, report_fee, track_fee_report, list_fee_reports, get_fee_report_stats,
        get_fee_report, accept_fee_report, forward_fee_report, resolve_fee_report, list_fee_departments,
        save_fee_department,
    ),
    components(schemas(ClauseRef, ArticleReview, FeeEventView, FeeStatsRow)),
    tags(
        (name = "publicity", description = "典型案例和政策动态（五(十四)）"),
        (name = "fee_reports", description = "违规收费举报（三(五)）"),
    ),
)]
pub struct Doc;

fn id(s: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s).map_err(|_| ApiError::not_found())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleFilter {
    /// case (典型案例) or news (政策动态); absent: both.
    pub kind: Option<String>,
    /// A clause id, e.g. 二(一): only articles illustrating it.
    pub clause: Option<String>,
}

/// Published articles, newest first (anyone).
#[utoipa::path(get, path = "/api/v1/articles", tag = "publicity", params(ArticleFilter),
    responses((status = 200, body = Vec<ArticleView>), (status = 400, body = ErrorBody)))]
pub async fn list_articles(
    State(s): State<AppState>,
    Query(f): Query<ArticleFilter>,
) -> Result<Json<Vec<ArticleView>>, ApiError> {
    Ok(Json(
        s.svc
            .published_articles(f.kind.as_deref(), f.clause.as_deref(), 100)
            .await?,
    ))
}

/// A staff member writes an article; it waits for a second staff member's review.
#[utoipa::path(post, path = "/api/v1/articles", tag = "publicity", request_body = ArticleInput,
    responses((status = 201, body = ArticleView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn submit_article(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<ArticleInput>,
) -> Result<(StatusCode, Json<ArticleView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.submit_article(actor(&ctx)?, b).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewFilter {
    /// pending, returned, published or withdrawn; absent: all.
    pub status: Option<String>,
}

/// Articles about the caller's region with their review state (staff).
#[utoipa::path(get, path = "/api/v1/articles/review", tag = "publicity", params(ReviewFilter),
    responses((status = 200, body = Vec<ArticleView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_staff_articles(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(f): Query<ReviewFilter>,
) -> Result<Json<Vec<ArticleView>>, ApiError> {
    Ok(Json(
        s.svc
            .staff_articles(actor(&ctx)?, f.status.as_deref())
            .await?,
    ))
}

/// One article: published ones for anyone; staff of its region see any state, with the review.
#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "publicity", params(("id" = Uuid, Path)),
    responses((status = 200, body = ArticleView), (status = 404, body = ErrorBody)))]
pub async fn get_article(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<ArticleView>, ApiError> {
    Ok(Json(s.svc.article_for(ctx.actor(), id(&i)?).await?))
}

/// The author changes a pending or returned article; it goes (back) to review.
#[utoipa::path(put, path = "/api/v1/articles/{id}", tag = "publicity", params(("id" = Uuid, Path)), request_body = ArticleInput,
    responses((status = 200, body = ArticleView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn edit_article(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ArticleInput>,
) -> Result<Json<ArticleView>, ApiError> {
    Ok(Json(s.svc.edit_article(actor(&ctx)?, id(&i)?, b).await?))
}

/// A second staff member (never the author) approves: the article is public from now.
#[utoipa::path(post, path = "/api/v1/articles/{id}/approve", tag = "publicity", params(("id" = Uuid, Path)),
    responses((status = 200, body = ArticleView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve_article(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<ArticleView>, ApiError> {
    Ok(Json(s.svc.approve_article(actor(&ctx)?, id(&i)?).await?))
}

/// A second staff member returns it to the author with the reason.
#[utoipa::path(post, path = "/api/v1/articles/{id}/return", tag = "publicity", params(("id" = Uuid, Path)), request_body = ReasonInput,
    responses((status = 200, body = ArticleView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn return_article(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ReasonInput>,
) -> Result<Json<ArticleView>, ApiError> {
    Ok(Json(s.svc.return_article(actor(&ctx)?, id(&i)?, b).await?))
}

/// Staff of the region take a published article down, with the reason.
#[utoipa::path(post, path = "/api/v1/articles/{id}/withdraw", tag = "publicity", params(("id" = Uuid, Path)), request_body = ReasonInput,
    responses((status = 200, body = ArticleView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw_article(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ReasonInput>,
) -> Result<Json<ArticleView>, ApiError> {
    Ok(Json(
        s.svc.withdraw_article(actor(&ctx)?, id(&i)?, b).await?,
    ))
}

/// Anyone reports an improper fee (no account needed; a session's CSRF token is). The receipt
/// carries the tracking code, given only this once.
#[utoipa::path(post, path = "/api/v1/fee-reports", tag = "fee_reports", request_body = FeeReportInput,
    responses((status = 201, body = FeeReportReceipt), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn report_fee(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<FeeReportInput>,
) -> Result<(StatusCode, Json<FeeReportReceipt>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.report_fee(ctx.actor(), &ctx.meta, b).await?),
    ))
}

/// The reporter's view of a report, by tracking code (posted, never in the URL).
#[utoipa::path(post, path = "/api/v1/fee-reports/track", tag = "fee_reports", request_body = TrackInput,
    responses((status = 200, body = FeeReportView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn track_fee_report(
    State(s): State<AppState>,
    ApiJson(b): ApiJson<TrackInput>,
) -> Result<Json<FeeReportView>, ApiError> {
    Ok(Json(s.svc.track_fee_report(b).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeeStatusFilter {
    /// open (default), overdue, all, or one state (received, accepted, forwarded, resolved).
    pub status: Option<String>,
}

/// The fee reports of the caller's region (staff), overdue first.
#[utoipa::path(get, path = "/api/v1/fee-reports", tag = "fee_reports", params(FeeStatusFilter),
    responses((status = 200, body = Vec<FeeReportView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_fee_reports(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(f): Query<FeeStatusFilter>,
) -> Result<Json<Vec<FeeReportView>>, ApiError> {
    Ok(Json(
        s.svc
            .list_fee_reports(actor(&ctx)?, f.status.as_deref())
            .await?,
    ))
}

/// Counts of the caller's region by kind of charging department and by outcome (staff).
#[utoipa::path(get, path = "/api/v1/fee-reports/stats", tag = "fee_reports",
    responses((status = 200, body = FeeStats), (status = 403, body = ErrorBody)))]
pub async fn get_fee_report_stats(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<FeeStats>, ApiError> {
    Ok(Json(s.svc.fee_report_stats(actor(&ctx)?).await?))
}

/// One report with its whole history (staff of its region).
#[utoipa::path(get, path = "/api/v1/fee-reports/{id}", tag = "fee_reports", params(("id" = Uuid, Path)),
    responses((status = 200, body = FeeReportView), (status = 404, body = ErrorBody)))]
pub async fn get_fee_report(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<FeeReportView>, ApiError> {
    Ok(Json(s.svc.get_fee_report(actor(&ctx)?, id(&i)?).await?))
}

/// Staff accept a received report.
#[utoipa::path(post, path = "/api/v1/fee-reports/{id}/accept", tag = "fee_reports", params(("id" = Uuid, Path)),
    responses((status = 200, body = FeeReportView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn accept_fee_report(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<FeeReportView>, ApiError> {
    Ok(Json(s.svc.accept_fee_report(actor(&ctx)?, id(&i)?).await?))
}

/// Staff forward an accepted report to the responsible department.
#[utoipa::path(post, path = "/api/v1/fee-reports/{id}/forward", tag = "fee_reports", params(("id" = Uuid, Path)), request_body = ForwardInput,
    responses((status = 200, body = FeeReportView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn forward_fee_report(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ForwardInput>,
) -> Result<Json<FeeReportView>, ApiError> {
    Ok(Json(
        s.svc.forward_fee_report(actor(&ctx)?, id(&i)?, b).await?,
    ))
}

/// Staff record the outcome; the reporter sees it by tracking code.
#[utoipa::path(post, path = "/api/v1/fee-reports/{id}/resolve", tag = "fee_reports", params(("id" = Uuid, Path)), request_body = FeeOutcomeInput,
    responses((status = 200, body = FeeReportView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn resolve_fee_report(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<FeeOutcomeInput>,
) -> Result<Json<FeeReportView>, ApiError> {
    Ok(Json(
        s.svc.resolve_fee_report(actor(&ctx)?, id(&i)?, b).await?,
    ))
}

/// The responsible-department list fee reports are routed by (anyone).
#[utoipa::path(get, path = "/api/v1/fee-departments", tag = "fee_reports",
    responses((status = 200, body = Vec<DepartmentView>)))]
pub async fn list_fee_departments(
    State(s): State<AppState>,
) -> Result<Json<Vec<DepartmentView>>, ApiError> {
    Ok(Json(s.svc.fee_departments().await?))
}

/// An administrator or province staff member adds or changes an entry.
#[utoipa::path(post, path = "/api/v1/fee-departments", tag = "fee_reports", request_body = DepartmentInput,
    responses((status = 200, body = DepartmentView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn save_fee_department(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<DepartmentInput>,
) -> Result<Json<DepartmentView>, ApiError> {
    Ok(Json(s.svc.save_fee_department(actor(&ctx)?, b).await?))
}
