//! The gig market API: sign-up, employers, posts, applications, hires with their 用工登记,
//! agreements and pay confirmations, and the staff views of their region.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::market::{
    AgreementInput, ApplicationView, EmployerInput, EmployerSignUp, EmployerView, HireView,
    PostInput, PostRevisionView, PostView, RegistrationView, WorkerSignUp,
};
use linghuo_service::market_suggest::{MAX_SUGGESTIONS, Suggestion};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signup/worker", post(sign_up_worker))
        .route("/signup/employer", post(sign_up_employer))
        .route("/employer", get(get_my_employer).post(register_employer))
        .route("/employer/phone", axum::routing::put(put_employer_phone))
        .route("/employers", get(list_employers))
        .route("/employers/{id}/verify", post(verify_employer))
        .route("/posts", get(list_my_posts).post(create_post))
        .route("/posts/review", get(list_posts_in_region))
        .route("/posts/{id}", get(get_post).put(edit_post))
        .route("/posts/{id}/history", get(list_post_history))
        .route("/posts/{id}/review", post(review_post))
        .route("/posts/{id}/close", post(close_post))
        .route(
            "/posts/{id}/applications",
            get(list_post_applications).post(apply_to_post),
        )
        .route("/applications", get(list_my_applications))
        .route("/applications/{id}/hire", post(hire_applicant))
        .route("/applications/{id}/decline", post(decline_applicant))
        .route("/hires", get(list_my_hires))
        .route("/hires/{id}", get(get_hire))
        .route("/hires/{id}/agreement", post(propose_agreement))
        .route("/hires/{id}/agreement/confirm", post(confirm_agreement))
        .route("/hires/{id}/pay", post(record_pay))
        .route("/hires/{id}/pay/{pay_id}/confirm", post(confirm_pay))
        .route("/hiring-registrations", get(list_hiring_registrations))
        .route("/market/suggest", get(suggest_words))
}

fn id(s: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s).map_err(|_| ApiError::not_found())
}

#[derive(Serialize, ToSchema)]
pub struct SignedUp {
    pub user_id: Uuid,
}

/// A worker signs up: person record and worker account (no session is started).
#[utoipa::path(post, path = "/api/v1/signup/worker", tag = "market", request_body = WorkerSignUp,
    responses((status = 201, body = SignedUp), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn sign_up_worker(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<WorkerSignUp>,
) -> Result<(StatusCode, Json<SignedUp>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(SignedUp {
            user_id: s.svc.sign_up_worker(b, &ctx.meta).await?,
        }),
    ))
}

/// An employer signs up: account and employer record (unverified until county staff check it).
#[utoipa::path(post, path = "/api/v1/signup/employer", tag = "market", request_body = EmployerSignUp,
    responses((status = 201, body = SignedUp), (status = 400, body = ErrorBody)))]
pub async fn sign_up_employer(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<EmployerSignUp>,
) -> Result<(StatusCode, Json<SignedUp>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(SignedUp {
            user_id: s.svc.sign_up_employer(b, &ctx.meta).await?,
        }),
    ))
}

/// The employer this account acts for.
#[utoipa::path(get, path = "/api/v1/employer", tag = "market", responses((status = 200, body = EmployerView), (status = 403, body = ErrorBody)))]
pub async fn get_my_employer(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<EmployerView>, ApiError> {
    Ok(Json(s.svc.my_employer(actor(&ctx)?).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmployerPhone {
    /// The contact's mobile number (11 digits; spaces, "-" and +86 allowed): the employer's
    /// accounts sign in with it and receive password-reset codes at it.
    pub contact_phone: String,
}

/// Changes the employer's contact phone (employer accounts). 400 naming `contact_phone`
/// when the number is not a mobile number.
#[utoipa::path(put, path = "/api/v1/employer/phone", tag = "market", request_body = EmployerPhone,
    responses((status = 200, body = EmployerView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_employer_phone(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<EmployerPhone>,
) -> Result<Json<EmployerView>, ApiError> {
    Ok(Json(
        s.svc
            .set_employer_phone(actor(&ctx)?, &b.contact_phone)
            .await?,
    ))
}

/// Registers the employer this account acts for.
#[utoipa::path(post, path = "/api/v1/employer", tag = "market", request_body = EmployerInput,
    responses((status = 201, body = EmployerView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn register_employer(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<EmployerInput>,
) -> Result<(StatusCode, Json<EmployerView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.register_employer(actor(&ctx)?, b).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EmployerFilter {
    /// Only employers awaiting verification.
    pub unverified: Option<bool>,
}

/// Employers of the caller's region (staff).
#[utoipa::path(get, path = "/api/v1/employers", tag = "market", params(EmployerFilter), responses((status = 200, body = Vec<EmployerView>), (status = 403, body = ErrorBody)))]
pub async fn list_employers(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(f): Query<EmployerFilter>,
) -> Result<Json<Vec<EmployerView>>, ApiError> {
    Ok(Json(
        s.svc
            .employers_in_region(actor(&ctx)?, f.unverified.unwrap_or(false))
            .await?,
    ))
}

/// County staff verify an employer.
#[utoipa::path(post, path = "/api/v1/employers/{id}/verify", tag = "market", params(("id" = Uuid, Path)),
    responses((status = 200, body = EmployerView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn verify_employer(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<EmployerView>, ApiError> {
    Ok(Json(s.svc.verify_employer(actor(&ctx)?, id(&i)?).await?))
}

/// The employer's own posts.
#[utoipa::path(get, path = "/api/v1/posts", tag = "market", responses((status = 200, body = Vec<PostView>)))]
pub async fn list_my_posts(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<PostView>>, ApiError> {
    Ok(Json(s.svc.my_posts(actor(&ctx)?).await?))
}

/// Posts a job; clean posts go live at once, others wait for county staff with the reasons.
#[utoipa::path(post, path = "/api/v1/posts", tag = "market", request_body = PostInput,
    responses((status = 201, body = PostView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_post(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<PostInput>,
) -> Result<(StatusCode, Json<PostView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.create_post(actor(&ctx)?, b).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusFilter {
    /// live, held (the review queue, default), rejected, filled, expired, closed.
    pub status: Option<String>,
}

/// Posts of the caller's region in one state (staff).
#[utoipa::path(get, path = "/api/v1/posts/review", tag = "market", params(StatusFilter), responses((status = 200, body = Vec<PostView>)))]
pub async fn list_posts_in_region(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(f): Query<StatusFilter>,
) -> Result<Json<Vec<PostView>>, ApiError> {
    Ok(Json(
        s.svc
            .posts_in_region(actor(&ctx)?, f.status.as_deref().unwrap_or("held"))
            .await?,
    ))
}

/// One post: live posts are public.
#[utoipa::path(get, path = "/api/v1/posts/{id}", tag = "market", params(("id" = Uuid, Path)), responses((status = 200, body = PostView), (status = 404, body = ErrorBody)))]
pub async fn get_post(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<PostView>, ApiError> {
    Ok(Json(s.svc.get_post(ctx.actor(), id(&i)?).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

/// County staff approve or reject a held post.
#[utoipa::path(post, path = "/api/v1/posts/{id}/review", tag = "market", params(("id" = Uuid, Path)), request_body = ReviewRequest,
    responses((status = 200, body = PostView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn review_post(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ReviewRequest>,
) -> Result<Json<PostView>, ApiError> {
    Ok(Json(
        s.svc
            .review_post(actor(&ctx)?, id(&i)?, b.approve, &b.note)
            .await?,
    ))
}

/// The employer closes its post.
#[utoipa::path(post, path = "/api/v1/posts/{id}/close", tag = "market", params(("id" = Uuid, Path)), responses((status = 200, body = PostView)))]
pub async fn close_post(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<PostView>, ApiError> {
    Ok(Json(s.svc.close_post(actor(&ctx)?, id(&i)?).await?))
}

/// The employer edits its held or live post. The edit is screened as a new post: a live
/// post that now fails is held with the reasons; every edit is kept in the post's history.
#[utoipa::path(put, path = "/api/v1/posts/{id}", tag = "market", params(("id" = Uuid, Path)), request_body = PostInput,
    responses((status = 200, body = PostView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn edit_post(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<PostInput>,
) -> Result<Json<PostView>, ApiError> {
    Ok(Json(s.svc.edit_post(actor(&ctx)?, id(&i)?, b).await?))
}

/// A post's edits, newest first: the fields changed and the re-screening (its employer, or
/// staff of its region).
#[utoipa::path(get, path = "/api/v1/posts/{id}/history", tag = "market", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<PostRevisionView>), (status = 404, body = ErrorBody)))]
pub async fn list_post_history(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<Vec<PostRevisionView>>, ApiError> {
    Ok(Json(s.svc.post_history(actor(&ctx)?, id(&i)?).await?))
}

/// Applications to one of the employer's posts (names masked).
#[utoipa::path(get, path = "/api/v1/posts/{id}/applications", tag = "market", params(("id" = Uuid, Path)), responses((status = 200, body = Vec<ApplicationView>)))]
pub async fn list_post_applications(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<Vec<ApplicationView>>, ApiError> {
    Ok(Json(
        s.svc.applications_for_post(actor(&ctx)?, id(&i)?).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    #[serde(default)]
    pub message: String,
}

/// A worker applies to a live post.
#[utoipa::path(post, path = "/api/v1/posts/{id}/applications", tag = "market", params(("id" = Uuid, Path)), request_body = ApplyRequest,
    responses((status = 201, body = ApplicationView), (status = 409, body = ErrorBody)))]
pub async fn apply_to_post(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ApplyRequest>,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.apply(actor(&ctx)?, id(&i)?, &b.message).await?),
    ))
}

/// The worker's applications.
#[utoipa::path(get, path = "/api/v1/applications", tag = "market", responses((status = 200, body = Vec<ApplicationView>)))]
pub async fn list_my_applications(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<ApplicationView>>, ApiError> {
    Ok(Json(s.svc.my_applications(actor(&ctx)?).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HireRequest {
    /// YYYY-MM-DD.
    pub start_date: String,
}

/// The employer hires an applicant; the 用工登记 is filed in the same step.
#[utoipa::path(post, path = "/api/v1/applications/{id}/hire", tag = "market", params(("id" = Uuid, Path)), request_body = HireRequest,
    responses((status = 201, body = HireView), (status = 409, body = ErrorBody)))]
pub async fn hire_applicant(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<HireRequest>,
) -> Result<(StatusCode, Json<HireView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.hire(actor(&ctx)?, id(&i)?, &b.start_date).await?),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclineRequest {
    /// Why (2–200 characters); the worker sees it on 我的报名 and in a notice.
    pub reason: String,
}

/// The employer declines an applicant with a reason the worker sees.
#[utoipa::path(post, path = "/api/v1/applications/{id}/decline", tag = "market", params(("id" = Uuid, Path)), request_body = DeclineRequest,
    responses((status = 200, body = ApplicationView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decline_applicant(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<DeclineRequest>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(
        s.svc
            .decline_application(actor(&ctx)?, id(&i)?, &b.reason)
            .await?,
    ))
}

/// Hires the caller is a party to.
#[utoipa::path(get, path = "/api/v1/hires", tag = "market", responses((status = 200, body = Vec<HireView>)))]
pub async fn list_my_hires(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<HireView>>, ApiError> {
    Ok(Json(s.svc.my_hires(actor(&ctx)?).await?))
}

/// One hire with its agreement and pay records.
#[utoipa::path(get, path = "/api/v1/hires/{id}", tag = "market", params(("id" = Uuid, Path)), responses((status = 200, body = HireView), (status = 404, body = ErrorBody)))]
pub async fn get_hire(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<HireView>, ApiError> {
    Ok(Json(s.svc.get_hire(actor(&ctx)?, id(&i)?).await?))
}

/// The employer proposes the agreement (四(十)); it counts as the employer's confirmation.
#[utoipa::path(post, path = "/api/v1/hires/{id}/agreement", tag = "market", params(("id" = Uuid, Path)), request_body = AgreementInput,
    responses((status = 201, body = HireView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn propose_agreement(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<AgreementInput>,
) -> Result<(StatusCode, Json<HireView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.propose_agreement(actor(&ctx)?, id(&i)?, b).await?),
    ))
}

/// One side confirms the agreement.
#[utoipa::path(post, path = "/api/v1/hires/{id}/agreement/confirm", tag = "market", params(("id" = Uuid, Path)), responses((status = 200, body = HireView), (status = 409, body = ErrorBody)))]
pub async fn confirm_agreement(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<HireView>, ApiError> {
    Ok(Json(s.svc.confirm_agreement(actor(&ctx)?, id(&i)?).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayRequest {
    /// e.g. 2026年11月第1期.
    pub period: String,
    pub amount: String,
    pub due_on: String,
}

/// The employer records pay for a period; the worker then confirms receipt.
#[utoipa::path(post, path = "/api/v1/hires/{id}/pay", tag = "market", params(("id" = Uuid, Path)), request_body = PayRequest,
    responses((status = 201, body = HireView), (status = 409, body = ErrorBody)))]
pub async fn record_pay(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<PayRequest>,
) -> Result<(StatusCode, Json<HireView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.svc
                .record_pay(actor(&ctx)?, id(&i)?, &b.period, &b.amount, &b.due_on)
                .await?,
        ),
    ))
}

/// The worker (or employer) confirms a pay record.
#[utoipa::path(post, path = "/api/v1/hires/{id}/pay/{pay_id}/confirm", tag = "market", params(("id" = Uuid, Path), ("pay_id" = Uuid, Path)),
    responses((status = 200, body = HireView), (status = 409, body = ErrorBody)))]
pub async fn confirm_pay(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((i, p)): Path<(String, String)>,
) -> Result<Json<HireView>, ApiError> {
    Ok(Json(
        s.svc.confirm_pay(actor(&ctx)?, id(&i)?, id(&p)?).await?,
    ))
}

/// 用工登记 of the caller's region (staff).
#[utoipa::path(get, path = "/api/v1/hiring-registrations", tag = "market", responses((status = 200, body = Vec<RegistrationView>)))]
pub async fn list_hiring_registrations(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<RegistrationView>>, ApiError> {
    Ok(Json(s.svc.registrations(actor(&ctx)?).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestQuery {
    /// What has been typed in the search box so far, e.g. 修水 or 小店区 保.
    pub q: Option<String>,
}

/// Suggestions as a worker types in the 找活 box (at most 8): trades by name, synonym or
/// everyday phrase (修水管 → 水电工), conditions (日结) and places (小店区), each with the
/// whole search text it gives. Public; nothing is stored, and a text holding an ID or phone
/// number gets none.
#[utoipa::path(get, path = "/api/v1/market/suggest", tag = "market", params(SuggestQuery),
    responses((status = 200, body = Vec<Suggestion>)))]
pub async fn suggest_words(Query(q): Query<SuggestQuery>) -> Json<Vec<Suggestion>> {
    Json(linghuo_service::market_suggest::suggest(
        q.q.as_deref().unwrap_or(""),
        MAX_SUGGESTIONS,
    ))
}
