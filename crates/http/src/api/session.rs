//! Login and session endpoints.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::accounts::UserView;
use linghuo_service::auth::NextStep;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::{Ctx, stage_of};
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/session",
            get(get_session).post(create_session).delete(delete_session),
        )
        .route("/session/totp", post(verify_second_factor))
        .route("/session/password", post(change_password))
        .route("/session/reset", post(request_reset))
        .route("/session/reset/confirm", post(confirm_reset))
        .route("/me", get(get_me))
        .route("/me/sms", get(get_sms).put(put_sms))
}

#[derive(Serialize, ToSchema)]
pub struct SessionInfo {
    /// `anonymous`, `second_factor`, `password_change` or `active`.
    pub stage: &'static str,
    /// Send this in `X-CSRF-Token` with every state-changing request.
    pub csrf_token: String,
}

/// The current session's stage and CSRF token; starts an anonymous session when there is none.
#[utoipa::path(get, path = "/api/v1/session", tag = "session", responses((status = 200, body = SessionInfo)))]
pub async fn get_session(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(s) = &ctx.session {
        return Ok(Json(SessionInfo {
            stage: stage_of(&ctx.session),
            csrf_token: s.csrf.clone(),
        })
        .into_response());
    }
    let issued = state.svc.start_anonymous_session(&ctx.meta).await?;
    let mut r = Json(SessionInfo {
        stage: "anonymous",
        csrf_token: issued.csrf,
    })
    .into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, ctx.session_cookie(&issued.token));
    Ok(r)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The user name, or the mobile number of a worker's record or of an employer's
    /// contact (staff and administrators sign in by user name only).
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    /// `second_factor`, `password_change` or `done`.
    pub next: &'static str,
    pub csrf_token: String,
}

fn next_name(n: NextStep) -> &'static str {
    match n {
        NextStep::SecondFactor => "second_factor",
        NextStep::PasswordChange => "password_change",
        NextStep::Done => "done",
    }
}

/// Logs in with user name (or phone number) and password; a new session cookie replaces the old one.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn create_session(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Response, ApiError> {
    let o = state
        .svc
        .login(
            ctx.token.as_deref(),
            &req.username,
            &req.password,
            &ctx.meta,
        )
        .await?;
    let mut r = Json(LoginResponse {
        next: next_name(o.next),
        csrf_token: o.session.csrf,
    })
    .into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, ctx.session_cookie(&o.session.token));
    Ok(r)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpRequest {
    /// The 6-digit code of the authenticator app.
    pub code: String,
}

/// Completes a staff or administrator login with the TOTP code.
#[utoipa::path(post, path = "/api/v1/session/totp", tag = "session", request_body = TotpRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody)))]
pub async fn verify_second_factor(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<TotpRequest>,
) -> Result<Response, ApiError> {
    let token = ctx.token.as_deref().ok_or_else(ApiError::unauthenticated)?;
    let o = state.svc.second_factor(token, &req.code, &ctx.meta).await?;
    let mut r = Json(LoginResponse {
        next: next_name(o.next),
        csrf_token: o.session.csrf,
    })
    .into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, ctx.session_cookie(&o.session.token));
    Ok(r)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordRequest {
    pub old_password: String,
    pub new_password: String,
}

/// Changes the password (required at first login and when a staff password expires).
#[utoipa::path(post, path = "/api/v1/session/password", tag = "session", request_body = PasswordRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<PasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let token = ctx.token.as_deref().ok_or_else(ApiError::unauthenticated)?;
    state
        .svc
        .change_password(token, &req.old_password, &req.new_password, &ctx.meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Logs out: the session ends on the server and the cookie is cleared.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204)))]
pub async fn delete_session(State(state): State<AppState>, ctx: Ctx) -> Result<Response, ApiError> {
    if let Some(t) = ctx.token.as_deref() {
        state.svc.logout(t, &ctx.meta).await?;
    }
    let mut r = StatusCode::NO_CONTENT.into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, ctx.clear_cookie());
    Ok(r)
}

/// The logged-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "session", responses((status = 200, body = UserView), (status = 401, body = ErrorBody)))]
pub async fn get_me(State(state): State<AppState>, ctx: Ctx) -> Result<Json<UserView>, ApiError> {
    let a = actor(&ctx)?;
    state
        .svc
        .user_by_username(&a.username)
        .await?
        .map(Json)
        .ok_or_else(ApiError::unauthenticated)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    /// The mobile number of the worker's record, or the employer's contact phone.
    pub phone: String,
}

/// Asks for a password-reset code by SMS. The answer is the same (204) whether or not the
/// number belongs to an account; only a malformed number (400) or too many requests (429)
/// are refused. Worker and employer accounts only: staff and administrators keep their
/// second factor and ask the security administrator.
#[utoipa::path(post, path = "/api/v1/session/reset", tag = "session", request_body = ResetRequest,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn request_reset(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<ResetRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .svc
        .request_password_reset(&req.phone, &ctx.meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirm {
    pub phone: String,
    /// The 6-digit code from the SMS.
    pub code: String,
    pub new_password: String,
}

/// Sets a new password with the code (valid 10 minutes, 5 tries); every session of the
/// account ends. A wrong or expired code is 400 `reset_code_wrong`.
#[utoipa::path(post, path = "/api/v1/session/reset/confirm", tag = "session", request_body = ResetConfirm,
    responses((status = 204), (status = 400, body = ErrorBody)))]
pub async fn confirm_reset(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<ResetConfirm>,
) -> Result<StatusCode, ApiError> {
    state
        .svc
        .reset_password(&req.phone, &req.code, &req.new_password, &ctx.meta)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SmsConsent {
    /// Whether important notices (免申即享, decisions, payments, overdue pay, complaints)
    /// are also sent by SMS.
    pub sms: bool,
}

/// Whether the account's important notices are also sent by SMS.
#[utoipa::path(get, path = "/api/v1/me/sms", tag = "session", responses((status = 200, body = SmsConsent), (status = 401, body = ErrorBody)))]
pub async fn get_sms(
    State(state): State<AppState>,
    ctx: Ctx,
) -> Result<Json<SmsConsent>, ApiError> {
    let a = actor(&ctx)?;
    Ok(Json(SmsConsent {
        sms: state.svc.sms_consent(a).await?,
    }))
}

/// Allows or stops SMS copies of important notices (workers and employers).
#[utoipa::path(put, path = "/api/v1/me/sms", tag = "session", request_body = SmsConsent,
    responses((status = 200, body = SmsConsent), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_sms(
    State(state): State<AppState>,
    ctx: Ctx,
    ApiJson(req): ApiJson<SmsConsent>,
) -> Result<Json<SmsConsent>, ApiError> {
    let a = actor(&ctx)?;
    state.svc.set_sms_consent(a, req.sms).await?;
    Ok(Json(SmsConsent { sms: req.sms }))
}
