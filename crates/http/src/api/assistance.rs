//! Assistance referral to 民政 (四(十一)) and county fund budgets with held grants (五(十二)).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::benefits::assistance::{
    AssistanceList, DeclarationConfirmInput, DeclarationDeclineInput, DeclarationInput,
    DeclarationView, DifficultyInput, ReferralInput, ReferralOutcomeInput, ReferralView,
};
use linghuo_service::benefits::budget::{
    BudgetInput, BudgetReport, BudgetUse, HoldDecisionInput, HoldView,
};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};
use uuid::Uuid;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assistance", get(list_assistance))
        .route("/persons/{id}/difficulty", post(record_difficulty))
        .route(
            "/me/difficulty-declarations",
            get(list_my_declarations).post(declare_difficulty),
        )
        .route("/difficulty-declarations", get(list_pending_declarations))
        .route(
            "/difficulty-declarations/{id}/confirm",
            post(confirm_declaration),
        )
        .route(
            "/difficulty-declarations/{id}/decline",
            post(decline_declaration),
        )
        .route(
            "/persons/{id}/assistance-referrals",
            get(list_person_referrals).post(refer_assistance),
        )
        .route(
            "/assistance-referrals/{id}/outcome",
            post(record_referral_outcome),
        )
        .route("/budgets", get(get_budgets).put(put_budget))
        .route("/budget-holds/{id}/decision", post(decide_hold))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        list_assistance, record_difficulty, declare_difficulty, list_my_declarations,
        list_pending_declarations, confirm_declaration, decline_declaration,
        list_person_referrals, refer_assistance,
        record_referral_outcome, get_budgets, put_budget, decide_hold,
    ),
    tags(
        (name = "assistance", description = "困难群众摸排（含本人主动申报与核实）与转介民政（低保、临时救助、特困供养）及办理结果"),
        (name = "budgets", description = "县级资金预算（就业补助资金）、使用情况与超预算暂缓发放"),
    )
)]
pub struct Doc;

fn id(s: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s).map_err(|_| ApiError::not_found())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct AssistanceQuery {
    /// A county (or city) inside the caller's region; default the whole region.
    pub county: Option<String>,
}

/// The people of the caller's region the engine refers to 民政 (from their stored facts, with
/// the reasons), and the region's referrals with their outcomes.
#[utoipa::path(get, path = "/api/v1/assistance", tag = "assistance", params(AssistanceQuery),
    responses((status = 200, body = AssistanceList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_assistance(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AssistanceQuery>,
) -> Result<Json<AssistanceList>, ApiError> {
    Ok(Json(
        s.svc
            .assistance_list(actor(&ctx)?, q.county.as_deref())
            .await?,
    ))
}

/// 困难摸排: records whether a person's basic living is in difficulty (the person is screened
/// again at once).
#[utoipa::path(post, path = "/api/v1/persons/{id}/difficulty", tag = "assistance", params(("id" = Uuid, Path)),
    request_body = DifficultyInput,
    responses((status = 204), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn record_difficulty(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<DifficultyInput>,
) -> Result<StatusCode, ApiError> {
    s.svc.record_difficulty(actor(&ctx)?, id(&i)?, b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 主动申报: the signed-in worker declares their own difficulty (or that it is over), with an
/// optional note; it waits for the county's staff to check it (one at a time: 409 while one
/// is pending).
#[utoipa::path(post, path = "/api/v1/me/difficulty-declarations", tag = "assistance",
    request_body = DeclarationInput,
    responses((status = 201, body = DeclarationView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn declare_difficulty(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<DeclarationInput>,
) -> Result<(StatusCode, Json<DeclarationView>), ApiError> {
    let v = s.svc.declare_difficulty(actor(&ctx)?, b).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// The signed-in worker's declarations of difficulty with how each was decided, newest first.
#[utoipa::path(get, path = "/api/v1/me/difficulty-declarations", tag = "assistance",
    responses((status = 200, body = [DeclarationView]), (status = 403, body = ErrorBody)))]
pub async fn list_my_declarations(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<DeclarationView>>, ApiError> {
    Ok(Json(s.svc.my_declarations(actor(&ctx)?).await?))
}

/// Staff: the declarations of the caller's region (or one county in it) waiting to be
/// checked (待核实), oldest first.
#[utoipa::path(get, path = "/api/v1/difficulty-declarations", tag = "assistance", params(AssistanceQuery),
    responses((status = 200, body = [DeclarationView]), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_pending_declarations(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<AssistanceQuery>,
) -> Result<Json<Vec<DeclarationView>>, ApiError> {
    Ok(Json(
        s.svc
            .assistance_list(actor(&ctx)?, q.county.as_deref())
            .await?
            .declarations,
    ))
}

/// Staff confirm a declaration after checking it: it becomes a 困难摸排 record (the person is
/// screened again at once) and the person is told.
#[utoipa::path(post, path = "/api/v1/difficulty-declarations/{id}/confirm", tag = "assistance", params(("id" = Uuid, Path)),
    request_body = DeclarationConfirmInput,
    responses((status = 200, body = DeclarationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn confirm_declaration(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<DeclarationConfirmInput>,
) -> Result<Json<DeclarationView>, ApiError> {
    Ok(Json(
        s.svc.confirm_declaration(actor(&ctx)?, id(&i)?, b).await?,
    ))
}

/// Staff decline a declaration with the reason; the person is told.
#[utoipa::path(post, path = "/api/v1/difficulty-declarations/{id}/decline", tag = "assistance", params(("id" = Uuid, Path)),
    request_body = DeclarationDeclineInput,
    responses((status = 200, body = DeclarationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decline_declaration(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<DeclarationDeclineInput>,
) -> Result<Json<DeclarationView>, ApiError> {
    Ok(Json(
        s.svc.decline_declaration(actor(&ctx)?, id(&i)?, b).await?,
    ))
}

/// A person's referrals to 民政 (the person, or staff of the region).
#[utoipa::path(get, path = "/api/v1/persons/{id}/assistance-referrals", tag = "assistance", params(("id" = Uuid, Path)),
    responses((status = 200, body = [ReferralView]), (status = 404, body = ErrorBody)))]
pub async fn list_person_referrals(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<Vec<ReferralView>>, ApiError> {
    Ok(Json(
        s.svc.referrals_of_person(actor(&ctx)?, id(&i)?).await?,
    ))
}

/// Sends a referral to the 民政 office for a person on the referral list.
#[utoipa::path(post, path = "/api/v1/persons/{id}/assistance-referrals", tag = "assistance", params(("id" = Uuid, Path)),
    request_body = ReferralInput,
    responses((status = 201, body = ReferralView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn refer_assistance(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ReferralInput>,
) -> Result<(StatusCode, Json<ReferralView>), ApiError> {
    let v = s.svc.refer_assistance(actor(&ctx)?, id(&i)?, b).await?;
    Ok((StatusCode::CREATED, Json(v)))
}

/// Enters the outcome 民政 sent back (accepted with the monthly amount, or refused with why).
#[utoipa::path(post, path = "/api/v1/assistance-referrals/{id}/outcome", tag = "assistance", params(("id" = Uuid, Path)),
    request_body = ReferralOutcomeInput,
    responses((status = 200, body = ReferralView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn record_referral_outcome(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ReferralOutcomeInput>,
) -> Result<Json<ReferralView>, ApiError> {
    Ok(Json(
        s.svc
            .record_referral_outcome(actor(&ctx)?, id(&i)?, b)
            .await?,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct BudgetQuery {
    /// Calendar year (default: this year).
    pub year: Option<i32>,
}

/// The caller's region's budgets by county and fund with their use (budget, committed, paid,
/// held, remaining), the history of changes and the grants held over budget.
#[utoipa::path(get, path = "/api/v1/budgets", tag = "budgets", params(BudgetQuery),
    responses((status = 200, body = BudgetReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn get_budgets(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BudgetQuery>,
) -> Result<Json<BudgetReport>, ApiError> {
    Ok(Json(s.svc.budget_report(actor(&ctx)?, q.year).await?))
}

/// Sets or raises a county's annual budget of a fund (province and city staff; audited, the
/// change kept in the history).
#[utoipa::path(put, path = "/api/v1/budgets", tag = "budgets", request_body = BudgetInput,
    responses((status = 200, body = BudgetUse), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_budget(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<BudgetInput>,
) -> Result<Json<BudgetUse>, ApiError> {
    Ok(Json(s.svc.set_budget(actor(&ctx)?, b).await?))
}

/// Province staff release a held grant (charged to the budget now; refused while it still
/// does not fit) or refuse it.
#[utoipa::path(post, path = "/api/v1/budget-holds/{id}/decision", tag = "budgets", params(("id" = Uuid, Path)),
    request_body = HoldDecisionInput,
    responses((status = 200, body = HoldView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn decide_hold(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<HoldDecisionInput>,
) -> Result<Json<HoldView>, ApiError> {
    Ok(Json(s.svc.decide_hold(actor(&ctx)?, id(&i)?, b).await?))
}
