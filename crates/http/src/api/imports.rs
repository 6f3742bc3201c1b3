//! Bulk import of staff spreadsheets through the API (files up to the 2 MB request limit;
//! larger files go through `linghuo import`).

use axum::extract::Path;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use linghuo_service::facts_import::{FactImportReport, kind_or_error, read_fact_file};
use linghuo_service::person_import::{PersonImportReport, read_person_file};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/persons/import", post(import_persons))
        .route("/imports/{kind}", post(import_facts))
        .route("/imports/{kind}/template", get(fact_template))
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

fn decode(b: &ImportFile) -> Result<Vec<u8>, ApiError> {
    base64::engine::general_purpose::STANDARD
        .decode(b.content_base64.trim())
        .map_err(|_| {
            ApiError::from(linghuo_service::ServiceError::invalid(
                "content_base64",
                "base64",
                "文件内容不是有效的base64编码",
            ))
        })
}

/// Imports facts other registers keep — `registrations` (就业/失业/灵活就业登记),
/// `businesses` (经营主体), `tax` (纳税记录) or `social-insurance` (社保缴费) — for persons of
/// the caller's region, from .xlsx or .csv. Problems are listed by row and column; the same
/// file twice changes nothing; changed persons are re-screened for 免申即享.
#[utoipa::path(post, path = "/api/v1/imports/{kind}", tag = "persons", params(("kind" = String, Path)), request_body = ImportFile,
    responses((status = 200, body = FactImportReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn import_facts(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(kind): Path<String>,
    ApiJson(b): ApiJson<ImportFile>,
) -> Result<Json<FactImportReport>, ApiError> {
    let a = actor(&ctx)?;
    let kind = kind_or_error(&kind)?;
    let bytes = decode(&b)?;
    let records = read_fact_file(kind, &b.file_name, &bytes).map_err(|m| {
        ApiError::from(linghuo_service::ServiceError::invalid(
            "file_name",
            "file_unreadable",
            m,
        ))
    })?;
    Ok(Json(
        s.svc
            .import_facts(Some(a), kind, &bytes, records, b.all_or_nothing)
            .await?,
    ))
}

/// The CSV template (header row) of a kind, UTF-8 with BOM.
#[utoipa::path(get, path = "/api/v1/imports/{kind}/template", tag = "persons", params(("kind" = String, Path)),
    responses((status = 200, description = "text/csv"), (status = 400, body = ErrorBody)))]
pub async fn fact_template(Path(kind): Path<String>) -> Result<Response, ApiError> {
    let kind = kind_or_error(&kind)?;
    Ok(super::benefits::download(
        &format!("template-{}.csv", kind_name(kind)),
        kind.template_csv().into_bytes(),
    ))
}

fn kind_name(k: linghuo_service::facts_import::FactKind) -> &'static str {
    use linghuo_service::facts_import::FactKind;
    match k {
        FactKind::Registrations => "registrations",
        FactKind::Businesses => "businesses",
        FactKind::Tax => "tax",
        FactKind::SocialInsurance => "social-insurance",
    }
}
