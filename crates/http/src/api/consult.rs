//! Policy consultation (四(九) 政策咨询): search over the policy clauses and the FAQ (public),
//! questions to the county and their answers.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_service::consult::{
    AnswerInput, FaqView, QuestionInput, QuestionView, SearchHit, Segment,
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
        .route("/consult/search", get(search))
        .route("/consult/faq", get(list_faq))
        .route("/consult/questions", get(list_questions).post(ask_question))
        .route("/consult/questions/{id}/answer", post(answer_question))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(search, list_faq, ask_question, list_questions, answer_question),
    components(schemas(Segment)),
    tags((name = "consult", description = "政策咨询（四(九)）：条款与常见问题检索、提问与答复")),
)]
pub struct Doc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words to look for, e.g. 社会保险补贴 (at most 100 characters).
    pub q: Option<String>,
}

/// Searches the clauses of 晋政办发〔2020〕89号 and the FAQ; each hit marks the matching text.
/// Public.
#[utoipa::path(get, path = "/api/v1/consult/search", tag = "consult", params(SearchQuery),
    responses((status = 200, body = Vec<SearchHit>), (status = 400, body = ErrorBody)))]
pub async fn search(
    State(s): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Vec<SearchHit>>, ApiError> {
    Ok(Json(
        s.svc.consult_search(q.q.as_deref().unwrap_or("")).await?,
    ))
}

/// The FAQ, each entry citing its clause. Public.
#[utoipa::path(get, path = "/api/v1/consult/faq", tag = "consult",
    responses((status = 200, body = Vec<FaqView>)))]
pub async fn list_faq(State(s): State<AppState>) -> Result<Json<Vec<FaqView>>, ApiError> {
    Ok(Json(s.svc.consult_faq().await?))
}

/// A signed-in worker or employer asks the staff of their county.
#[utoipa::path(post, path = "/api/v1/consult/questions", tag = "consult", request_body = QuestionInput,
    responses((status = 201, body = QuestionView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn ask_question(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<QuestionInput>,
) -> Result<(StatusCode, Json<QuestionView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.ask_question(actor(&ctx)?, b).await?),
    ))
}

/// The caller's own questions, or (staff) the questions of their region, open first.
#[utoipa::path(get, path = "/api/v1/consult/questions", tag = "consult",
    responses((status = 200, body = Vec<QuestionView>), (status = 403, body = ErrorBody)))]
pub async fn list_questions(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<QuestionView>>, ApiError> {
    Ok(Json(s.svc.list_questions(actor(&ctx)?).await?))
}

/// Staff answer a question of their region (the asker is notified; optionally published as
/// an FAQ entry).
#[utoipa::path(post, path = "/api/v1/consult/questions/{id}/answer", tag = "consult", params(("id" = Uuid, Path)), request_body = AnswerInput,
    responses((status = 200, body = QuestionView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn answer_question(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<AnswerInput>,
) -> Result<Json<QuestionView>, ApiError> {
    let id = Uuid::parse_str(&i).map_err(|_| ApiError::not_found())?;
    Ok(Json(s.svc.answer_question(actor(&ctx)?, id, b).await?))
}
