//! Two-person account administration, owner enrolment and step-up re-authentication
//! (SECURITY.md A9, B6). No response here carries another person's password or
//! second-factor secret.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::account_changes::{ChangeView, EnrolmentStart, ProposeChange};
use serde::Deserialize;
use utoipa::{OpenApi, ToSchema};
use uuid::Uuid;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/account-changes",
            get(list_account_changes).post(propose_account_change),
        )
        .route(
            "/account-changes/{id}/approve",
            post(approve_account_change),
        )
        .route("/account-changes/{id}/reject", post(reject_account_change))
        .route(
            "/account-changes/{id}/withdraw",
            post(withdraw_account_change),
        )
        .route("/enrolment/start", post(start_enrolment))
        .route("/enrolment/finish", post(finish_enrolment))
        .route("/session/step-up", post(step_up))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list_account_changes,
        propose_account_change,
        approve_account_change,
        reject_account_change,
        withdraw_account_change,
        start_enrolment,
        finish_enrolment,
        step_up
    ),
    components(schemas(
        ProposeChange,
        ChangeView,
        EnrolmentStart,
        DecisionRequest,
        EnrolmentCode,
        EnrolmentFinish,
        StepUpRequest
    ))
)]
pub struct Doc;

fn parse_id(id: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(id).map_err(|_| ApiError::not_found())
}

/// Account change proposals, pending first (system and security administrators).
#[utoipa::path(get, path = "/api/v1/account-changes", tag = "admin",
    responses((status = 200, body = Vec<ChangeView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_account_changes(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<ChangeView>>, ApiError> {
    Ok(Json(state.svc.account_changes(actor(&ctx)?).await?))
}

/// Proposes an account change: create, disable, enable, set_access or reset_credentials
/// (system or security administrator, step-up within the last minutes). It takes effect only
/// when an administrator of the other role approves it.
#[utoipa::path(post, path = "/api/v1/account-changes", tag = "admin", request_body = ProposeChange,
    responses((status = 201, body = ChangeView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn propose_account_change(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(r): ApiJson<ProposeChange>,
) -> Result<(StatusCode, Json<ChangeView>), ApiError> {
    let v = state.svc.propose_account_change(actor(&ctx)?, r).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

#[derive(Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// The approver's remark; required when rejecting.
    #[serde(default)]
    pub note: String,
}

/// Approves and applies a proposal (the other administrator role; not the proposer, not its
/// subject; step-up). A new or reset account's enrolment code goes to its owner's phone.
#[utoipa::path(post, path = "/api/v1/account-changes/{id}/approve", tag = "admin",
    params(("id" = Uuid, Path)), request_body = DecisionRequest,
    responses((status = 200, body = ChangeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve_account_change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecisionRequest>,
) -> Result<Json<ChangeView>, ApiError> {
    Ok(Json(
        state
            .svc
            .decide_account_change(actor(&ctx)?, parse_id(&id)?, true, &b.note)
            .await?,
    ))
}

/// Rejects a proposal with a reason (the other administrator role; step-up).
#[utoipa::path(post, path = "/api/v1/account-changes/{id}/reject", tag = "admin",
    params(("id" = Uuid, Path)), request_body = DecisionRequest,
    responses((status = 200, body = ChangeView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reject_account_change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<DecisionRequest>,
) -> Result<Json<ChangeView>, ApiError> {
    Ok(Json(
        state
            .svc
            .decide_account_change(actor(&ctx)?, parse_id(&id)?, false, &b.note)
            .await?,
    ))
}

/// The proposer withdraws a pending proposal.
#[utoipa::path(post, path = "/api/v1/account-changes/{id}/withdraw", tag = "admin",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ChangeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn withdraw_account_change(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Json<ChangeView>, ApiError> {
    Ok(Json(
        state
            .svc
            .withdraw_account_change(actor(&ctx)?, parse_id(&id)?)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentCode {
    pub username: String,
    /// The enrolment code from the text message (dashes and spaces ignored).
    pub code: String,
}

/// Enrolment, step one (the account's owner, not logged in): checks the code and returns the
/// owner's own new authenticator secret. Five wrong codes revoke the enrolment.
#[utoipa::path(post, path = "/api/v1/enrolment/start", tag = "session", request_body = EnrolmentCode,
    responses((status = 200, body = EnrolmentStart), (status = 400, body = ErrorBody)))]
pub async fn start_enrolment(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(r): ApiJson<EnrolmentCode>,
) -> Result<Json<EnrolmentStart>, ApiError> {
    Ok(Json(
        state
            .svc
            .enrolment_start(&r.username, &r.code, &ctx.meta)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolmentFinish {
    pub username: String,
    pub code: String,
    /// The password the owner chooses.
    pub password: String,
    /// A current code of the authenticator set up in step one (staff and administrators).
    #[serde(default)]
    pub totp_code: String,
}

/// Enrolment, step two: sets the owner's password and confirms the authenticator. The owner
/// then logs in normally.
#[utoipa::path(post, path = "/api/v1/enrolment/finish", tag = "session", request_body = EnrolmentFinish,
    responses((status = 204), (status = 400, body = ErrorBody)))]
pub async fn finish_enrolment(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(r): ApiJson<EnrolmentFinish>,
) -> Result<StatusCode, ApiError> {
    state
        .svc
        .enrolment_finish(&r.username, &r.code, &r.password, &r.totp_code, &ctx.meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepUpRequest {
    pub password: String,
    /// The authenticator's current code (staff and administrators).
    #[serde(default)]
    pub code: String,
}

/// Re-proves password and second factor for the sensitive acts of the next few minutes
/// (revealing personal data, bank files, large approvals, account changes). Wrong answers
/// count toward the second-factor lock.
#[utoipa::path(post, path = "/api/v1/session/step-up", tag = "session", request_body = StepUpRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn step_up(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(r): ApiJson<StepUpRequest>,
) -> Result<StatusCode, ApiError> {
    let token = ctx.token.as_deref().ok_or_else(ApiError::unauthenticated)?;
    actor(&ctx)?;
    state
        .svc
        .step_up(token, &r.password, &r.code, &ctx.meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
