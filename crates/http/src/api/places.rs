//! Designated places and stalls (二(三), 三(四), 三(六)) and gig-market sites (四(九)): the
//! public registers, staff management of their region's places and sites, stall
//! applications and the 占道 decision with the licence-exemption notice.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::places::{
    PlaceDetail, PlaceInput, PlaceView, SiteInput, SiteView, StallDecision, StallInput, StallView,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/places", get(list_places).post(create_place))
        .route("/places/region", get(list_region_places))
        .route("/places/applications/mine", get(list_my_stalls))
        .route("/places/{id}", get(get_place))
        .route("/places/{id}/open", post(set_place_open))
        .route("/places/{id}/applications", post(apply_for_stall))
        .route("/stall-applications/{id}", get(get_stall))
        .route("/stall-applications/{id}/decision", post(decide_stall))
        .route("/sites", get(list_sites).post(create_site))
        .route("/sites/region", get(list_region_sites))
        .route("/sites/{id}/active", post(set_site_active))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        list_places, create_place, list_region_places, list_my_stalls, get_place, set_place_open,
        apply_for_stall, get_stall, decide_stall,
        list_sites, create_site, list_region_sites, set_site_active,
    ),
    tags(
        (name = "places", description = "政府指定经营场所（夜市、摊点、便民市场、景区销售区）、摊位申请与占道经营审批、免办营业执照告知（二(三)、三(四)、三(六)）"),
        (name = "sites", description = "零工市场、劳务市场、零工驿站名录（四(九)）"),
    )
)]
pub struct Doc;

fn id(s: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s).map_err(|_| ApiError::not_found())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionFilter {
    /// A county (or city) code; every county when absent.
    pub county: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenFlag {
    pub open: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActiveFlag {
    pub active: bool,
}

/// The register of designated places open for applications. Public.
#[utoipa::path(get, path = "/api/v1/places", tag = "places", params(RegionFilter),
    responses((status = 200, body = Vec<PlaceView>)))]
pub async fn list_places(
    State(s): State<AppState>,
    Query(q): Query<RegionFilter>,
) -> Result<Json<Vec<PlaceView>>, ApiError> {
    Ok(Json(s.svc.public_places(q.county.as_deref()).await?))
}

/// Staff register a designated place in their region.
#[utoipa::path(post, path = "/api/v1/places", tag = "places", request_body = PlaceInput,
    responses((status = 201, body = PlaceView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_place(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<PlaceInput>,
) -> Result<(StatusCode, Json<PlaceView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.create_place(actor(&ctx)?, b).await?),
    ))
}

/// Every designated place of the staff member's region.
#[utoipa::path(get, path = "/api/v1/places/region", tag = "places",
    responses((status = 200, body = Vec<PlaceView>), (status = 403, body = ErrorBody)))]
pub async fn list_region_places(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<PlaceView>>, ApiError> {
    Ok(Json(s.svc.places_in_region(actor(&ctx)?).await?))
}

/// The signed-in worker's stall applications, with decisions and licence-exemption notices.
#[utoipa::path(get, path = "/api/v1/places/applications/mine", tag = "places",
    responses((status = 200, body = Vec<StallView>)))]
pub async fn list_my_stalls(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<StallView>>, ApiError> {
    Ok(Json(s.svc.my_stall_applications(actor(&ctx)?).await?))
}

/// Staff: a place with its applications (pending ones in priority order).
#[utoipa::path(get, path = "/api/v1/places/{id}", tag = "places", params(("id" = Uuid, Path)),
    responses((status = 200, body = PlaceDetail), (status = 404, body = ErrorBody)))]
pub async fn get_place(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<PlaceDetail>, ApiError> {
    Ok(Json(s.svc.place_detail(actor(&ctx)?, id(&i)?).await?))
}

/// Staff open or stop applications for a place.
#[utoipa::path(post, path = "/api/v1/places/{id}/open", tag = "places", params(("id" = Uuid, Path)), request_body = OpenFlag,
    responses((status = 200, body = PlaceView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn set_place_open(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<OpenFlag>,
) -> Result<Json<PlaceView>, ApiError> {
    Ok(Json(
        s.svc.set_place_open(actor(&ctx)?, id(&i)?, b.open).await?,
    ))
}

/// The signed-in worker applies for a pitch.
#[utoipa::path(post, path = "/api/v1/places/{id}/applications", tag = "places", params(("id" = Uuid, Path)), request_body = StallInput,
    responses((status = 201, body = StallView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn apply_for_stall(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<StallInput>,
) -> Result<(StatusCode, Json<StallView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.apply_for_stall(actor(&ctx)?, id(&i)?, b).await?),
    ))
}

/// A stall application: its applicant, or staff of the place's region.
#[utoipa::path(get, path = "/api/v1/stall-applications/{id}", tag = "places", params(("id" = Uuid, Path)),
    responses((status = 200, body = StallView), (status = 404, body = ErrorBody)))]
pub async fn get_stall(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<StallView>, ApiError> {
    Ok(Json(
        s.svc.get_stall_application(actor(&ctx)?, id(&i)?).await?,
    ))
}

/// Staff approve (占道经营 approval, with the licence-exemption notice) or refuse with a reason.
#[utoipa::path(post, path = "/api/v1/stall-applications/{id}/decision", tag = "places", params(("id" = Uuid, Path)), request_body = StallDecision,
    responses((status = 200, body = StallView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decide_stall(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<StallDecision>,
) -> Result<Json<StallView>, ApiError> {
    Ok(Json(s.svc.decide_stall(actor(&ctx)?, id(&i)?, b).await?))
}

/// The register of gig-market sites in service. Public.
#[utoipa::path(get, path = "/api/v1/sites", tag = "sites", params(RegionFilter),
    responses((status = 200, body = Vec<SiteView>)))]
pub async fn list_sites(
    State(s): State<AppState>,
    Query(q): Query<RegionFilter>,
) -> Result<Json<Vec<SiteView>>, ApiError> {
    Ok(Json(s.svc.public_sites(q.county.as_deref()).await?))
}

/// Staff register a site of their region (coordinates inside Shanxi).
#[utoipa::path(post, path = "/api/v1/sites", tag = "sites", request_body = SiteInput,
    responses((status = 201, body = SiteView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_site(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<SiteInput>,
) -> Result<(StatusCode, Json<SiteView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.create_site(actor(&ctx)?, b).await?),
    ))
}

/// Every site of the staff member's region, in service or not.
#[utoipa::path(get, path = "/api/v1/sites/region", tag = "sites",
    responses((status = 200, body = Vec<SiteView>), (status = 403, body = ErrorBody)))]
pub async fn list_region_sites(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<SiteView>>, ApiError> {
    Ok(Json(s.svc.sites_in_region(actor(&ctx)?).await?))
}

/// Staff put a site back in the public register or take it out.
#[utoipa::path(post, path = "/api/v1/sites/{id}/active", tag = "sites", params(("id" = Uuid, Path)), request_body = ActiveFlag,
    responses((status = 200, body = SiteView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn set_site_active(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ActiveFlag>,
) -> Result<Json<SiteView>, ApiError> {
    Ok(Json(
        s.svc
            .set_site_active(actor(&ctx)?, id(&i)?, b.active)
            .await?,
    ))
}
