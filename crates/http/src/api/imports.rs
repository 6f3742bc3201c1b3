//! Bulk import of staff spreadsheets through the API (files up to the 2 MB request limit;
//! larger files go through `linghuo import`).

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine as _;
use linghuo_service::person_import::{PersonImportReport, read_person_file};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new().route("/persons/import", post(import_persons))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportFile {
    /// The file's name; its ending (.xlsx or .csv) says how to read it.
    pub file_name: String,
    /// The file, base64.
    pub content_base64: String,
    /// Store nothing when any row has a problem.
    #[serde(default)]
    pub all_or_nothing: bool,
}

/// Imports persons of the caller's region from .xlsx or .csv; the report lists every
/// problem by row and column. Importing the same file again changes nothing.
#[utoipa::path(post, path = "/api/v1/persons/import", tag = "persons", request_body = ImportFile,
    responses((status = 200, body = PersonImportReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn import_persons(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<ImportFile>,
) -> Result<Json<PersonImportReport>, ApiError> {
    let a = actor(&ctx)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b.content_base64.trim())
        .map_err(|_| {
            ApiError::from(linghuo_service::ServiceError::invalid(
                "content_base64",
                "base64",
                "文件内容不是有效的base64编码",
            ))
        })?;
    let records = read_person_file(&b.file_name, &bytes).map_err(|m| {
        ApiError::from(linghuo_service::ServiceError::invalid(
            "file_name",
            "file_unreadable",
            m,
        ))
    })?;
    Ok(Json(
        s.svc
            .import_persons(Some(a), &bytes, records, b.all_or_nothing)
            .await?,
    ))
}
