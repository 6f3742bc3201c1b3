//! Persons (region-scoped), accounts and the audit log.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use linghuo_service::accounts::UserView;
use linghuo_service::audit::VerifyReport;
use linghuo_service::persons::{NewPerson, PersonPage, PersonView, RevealField};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/persons", get(list_persons).post(create_person))
        .route("/persons/search", post(search_persons))
        .route("/persons/{id}", get(get_person))
        .route("/persons/{id}/reveal", post(reveal_person))
        .route("/users", get(list_users))
        .route("/audit", get(list_audit))
        .route("/audit/verify", post(verify_audit))
}

fn parse_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::not_found())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Page number, from 1.
    pub page: Option<i64>,
}

/// Persons in the caller's region, newest first (masked).
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(PageParams),
    responses((status = 200, body = PersonPage), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_persons(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(p): Query<PageParams>,
) -> Result<Json<PersonPage>, ApiError> {
    Ok(Json(
        state
            .svc
            .search_persons(actor(&ctx)?, "", p.page.unwrap_or(1))
            .await?,
    ))
}

/// Registers a person in the caller's region.
#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", request_body = NewPerson,
    responses((status = 201, body = PersonView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_person(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(p): ApiJson<NewPerson>,
) -> Result<(StatusCode, Json<PersonView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.svc.create_person(actor(&ctx)?, p).await?),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    /// A name (prefix), a full ID number or a mobile number. Sent in the body, never in a URL.
    pub q: String,
    pub page: Option<i64>,
}

/// Searches persons in the caller's region (masked).
#[utoipa::path(post, path = "/api/v1/persons/search", tag = "persons", request_body = SearchRequest,
    responses((status = 200, body = PersonPage), (status = 400, body = ErrorBody)))]
pub async fn search_persons(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(r): ApiJson<SearchRequest>,
) -> Result<Json<PersonPage>, ApiError> {
    Ok(Json(
        state
            .svc
            .search_persons(actor(&ctx)?, &r.q, r.page.unwrap_or(1))
            .await?,
    ))
}

/// One person (masked); 404 when outside the caller's region.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = Uuid, Path)),
    responses((status = 200, body = PersonView), (status = 404, body = ErrorBody)))]
pub async fn get_person(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<PersonView>, ApiError> {
    let a = actor(&ctx)?;
    Ok(Json(state.svc.get_person(a, parse_id(&id)?).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealRequest {
    pub field: RevealField,
    /// Why the full value is needed; recorded in the audit log.
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct RevealResponse {
    pub field: RevealField,
    pub value: String,
}

/// Reveals one protected field in full (needs `pii:reveal` and a reason; audited).
#[utoipa::path(post, path = "/api/v1/persons/{id}/reveal", tag = "persons", params(("id" = Uuid, Path)), request_body = RevealRequest,
    responses((status = 200, body = RevealResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reveal_person(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<RevealRequest>,
) -> Result<Json<RevealResponse>, ApiError> {
    let a = actor(&ctx)?;
    let value = state
        .svc
        .reveal_person_field(a, parse_id(&id)?, r.field, &r.reason)
        .await?;
    Ok(Json(RevealResponse {
        field: r.field,
        value,
    }))
}

/// All accounts (system and security administrators).
#[utoipa::path(get, path = "/api/v1/users", tag = "admin", responses((status = 200, body = Vec<UserView>), (status = 403, body = ErrorBody)))]
pub async fn list_users(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<UserView>>, ApiError> {
    Ok(Json(state.svc.list_users(Some(actor(&ctx)?)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    pub event_type: Option<String>,
    pub limit: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub actor_role: String,
    pub event_type: String,
    pub outcome: String,
    pub object_type: String,
    pub object_id: String,
    pub region_code: String,
    pub ip: String,
    pub request_id: String,
    /// Event details as JSON text.
    pub detail: String,
    /// Hex of the chain hash.
    pub hash: String,
}

/// Recent audit records (audit administrator only).
#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", params(AuditParams),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ErrorBody)))]
pub async fn list_audit(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(p): Query<AuditParams>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let rows = state
        .svc
        .audit_recent(
            actor(&ctx)?,
            p.event_type.as_deref(),
            p.limit.unwrap_or(100),
        )
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| AuditEntry {
                seq: r.seq,
                at: r.at,
                actor_name: r.actor_name,
                actor_role: r.actor_role,
                event_type: r.event_type,
                outcome: r.outcome,
                object_type: r.object_type,
                object_id: r.object_id,
                region_code: r.region_code,
                ip: r.ip,
                request_id: r.request_id,
                detail: r.detail,
                hash: r.hash.iter().map(|b| format!("{b:02x}")).collect(),
            })
            .collect(),
    ))
}

/// Walks the audit hash chain and reports the first broken link (audit administrator).
#[utoipa::path(post, path = "/api/v1/audit/verify", tag = "admin", responses((status = 200, body = VerifyReport), (status = 403, body = ErrorBody)))]
pub async fn verify_audit(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<VerifyReport>, ApiError> {
    Ok(Json(state.svc.audit_verify_as(actor(&ctx)?).await?))
}
