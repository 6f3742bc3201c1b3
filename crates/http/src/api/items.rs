//! 灵活就业一件事, 我的办件 and 好差评 through the API (issue 16 items 3 and 4): the same
//! service functions as the pages `web/worker/onething.rs`, `web/worker/items.rs`,
//! `web/staff/onething.rs` and `web/staff/ratings.rs`, under the same role rules.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::enrolment::{OneThingInput, OneThingPreview, OneThingView, SiEnrolmentView};
use linghuo_service::persons::items::{ItemView, RatingCounty, RatingInput, RatingView, StepView};
use linghuo_service::{Actor, Role};
use uuid::Uuid;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/me/onething", post(submit_my_onething))
        .route("/me/onething/preview", post(preview_my_onething))
        .route("/persons/{id}/onething", post(submit_onething))
        .route("/persons/{id}/onething/preview", post(preview_onething))
        .route("/me/items", get(list_my_items))
        .route("/me/items/{id}", get(get_my_item))
        .route("/persons/{id}/items", get(list_person_items))
        .route("/ratings", get(list_ratings).post(rate_item))
        .route("/open/ratings", get(get_rating_stats))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        preview_my_onething, submit_my_onething, preview_onething, submit_onething,
        list_my_items, get_my_item, list_person_items, rate_item, list_ratings, get_rating_stats,
    ),
    components(schemas(OneThingInput, OneThingPreview, OneThingView, SiEnrolmentView, ItemView, StepView, RatingInput, RatingView, RatingCounty)),
    tags((name = "items", description = "灵活就业一件事、我的办件与好差评")),
)]
pub struct Doc;

fn id(s: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s).map_err(|_| ApiError::not_found())
}

/// The signed-in worker's own person record (403 for any other role, as the pages).
fn own_person(a: &Actor) -> Result<Uuid, ApiError> {
    a.require_role(&[Role::Worker])?;
    a.person_id.ok_or_else(ApiError::not_found)
}

/// What 一件事 would apply for once the worker is registered and enrolled: every subsidy
/// the engine then finds payable (nothing is written). Bad input is 400 naming the field
/// (`flexible_form`, `started_on`, `schemes`, `start_month`, `base`).
#[utoipa::path(post, path = "/api/v1/me/onething/preview", tag = "items", request_body = OneThingInput,
    responses((status = 200, body = Vec<OneThingPreview>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn preview_my_onething(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<OneThingInput>,
) -> Result<Json<Vec<OneThingPreview>>, ApiError> {
    let a = actor(&ctx)?;
    let pid = own_person(a)?;
    Ok(Json(s.svc.onething_preview(a, pid, b).await?))
}

/// 灵活就业一件事 online: 灵活就业登记, 参保登记 and an application for every subsidy the
/// engine then finds payable, in one transaction, tracked as one item of 我的办件 (read it
/// with `GET /api/v1/me/items/{id}`). 409 `already_enrolled` when the worker is already
/// enrolled in a scheme chosen.
#[utoipa::path(post, path = "/api/v1/me/onething", tag = "items", request_body = OneThingInput,
    responses((status = 201, body = OneThingView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn submit_my_onething(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<OneThingInput>,
) -> Result<(StatusCode, Json<OneThingView>), ApiError> {
    let a = actor(&ctx)?;
    let pid = own_person(a)?;
    Ok((
        StatusCode::CREATED,
        Json(s.svc.onething_submit(a, pid, b).await?),
    ))
}

/// The 一件事 preview for a person: the person themself, or staff of the person's region.
#[utoipa::path(post, path = "/api/v1/persons/{id}/onething/preview", tag = "items", params(("id" = Uuid, Path)),
    request_body = OneThingInput,
    responses((status = 200, body = Vec<OneThingPreview>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn preview_onething(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<OneThingInput>,
) -> Result<Json<Vec<OneThingPreview>>, ApiError> {
    Ok(Json(
        s.svc.onething_preview(actor(&ctx)?, id(&i)?, b).await?,
    ))
}

/// 一件事 at the window: staff of the person's region submit it for the person with a
/// `consent_note` saying how the person agreed (400 `consent_required` without one); the
/// person themself may use this path too.
#[utoipa::path(post, path = "/api/v1/persons/{id}/onething", tag = "items", params(("id" = Uuid, Path)),
    request_body = OneThingInput,
    responses((status = 201, body = OneThingView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn submit_onething(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<OneThingInput>,
) -> Result<(StatusCode, Json<OneThingView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.onething_submit(actor(&ctx)?, id(&i)?, b).await?),
    ))
}

/// 我的办件: every application, registration, 参保登记, training enrolment, complaint and
/// 一件事 of the signed-in worker, newest first, each with its step timeline (提交 → 受理 →
/// 初审 → 审批 → 发放 → 到账, the steps that apply), the next expected date and its rating.
#[utoipa::path(get, path = "/api/v1/me/items", tag = "items",
    responses((status = 200, body = Vec<ItemView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_my_items(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<ItemView>>, ApiError> {
    let a = actor(&ctx)?;
    let pid = own_person(a)?;
    Ok(Json(s.svc.my_items(a, pid).await?))
}

/// One item of 我的办件 by its id (e.g. the `id` a 一件事 submit answered with).
#[utoipa::path(get, path = "/api/v1/me/items/{id}", tag = "items", params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_my_item(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<ItemView>, ApiError> {
    let a = actor(&ctx)?;
    let pid = own_person(a)?;
    let want = id(&i)?;
    s.svc
        .my_items(a, pid)
        .await?
        .into_iter()
        .find(|it| it.id == want)
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

/// A person's items as in 我的办件: the person themself, or staff of the person's region.
#[utoipa::path(get, path = "/api/v1/persons/{id}/items", tag = "items", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<ItemView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_person_items(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<Vec<ItemView>>, ApiError> {
    Ok(Json(s.svc.my_items(actor(&ctx)?, id(&i)?).await?))
}

/// 好差评: the signed-in worker rates one of their completed items once — `score` 1 to 5
/// and an optional word (at most 100 characters). 400 `score_invalid` / `too_long` naming
/// the field, 404 for an item not theirs, 409 `not_completed` or `already_rated`.
#[utoipa::path(post, path = "/api/v1/ratings", tag = "items", request_body = RatingInput,
    responses((status = 201, body = ItemView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn rate_item(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<RatingInput>,
) -> Result<(StatusCode, Json<ItemView>), ApiError> {
    let a = actor(&ctx)?;
    let pid = own_person(a)?;
    let (kind, item) = (b.kind.clone(), b.id);
    s.svc.rate_item(a, b).await?;
    let view = s
        .svc
        .my_items(a, pid)
        .await?
        .into_iter()
        .find(|it| it.kind == kind && it.id == item)
        .ok_or_else(ApiError::not_found)?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// The ratings people gave to items handled in the staff member's region, newest first
/// (at most 500). Staff only.
#[utoipa::path(get, path = "/api/v1/ratings", tag = "items",
    responses((status = 200, body = Vec<RatingView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_ratings(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<RatingView>>, ApiError> {
    let a = actor(&ctx)?;
    a.require_role(&[Role::Staff])?;
    Ok(Json(s.svc.ratings_in_region(a).await?))
}

/// 好差评 by county for everyone (no login): the number of ratings and their average; a
/// county with fewer than five ratings shows neither (`count` null, `average` empty).
#[utoipa::path(get, path = "/api/v1/open/ratings", tag = "items",
    responses((status = 200, body = Vec<RatingCounty>)))]
pub async fn get_rating_stats(
    State(s): State<AppState>,
) -> Result<Json<Vec<RatingCounty>>, ApiError> {
    Ok(Json(s.svc.rating_stats().await?))
}
