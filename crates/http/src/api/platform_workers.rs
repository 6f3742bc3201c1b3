//! 从业人员报送 (五(十二), 二(三)): a platform employer (or a human-resource service agency)
//! reports the people who work through it, as JSON rows or as a file (base64, like the
//! staff imports), and lists what it has reported; staff list the reported workers serving
//! in their region.

use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use linghuo_service::ServiceError;
use linghuo_service::market::platform_workers::{
    PlatformWorkerView, Reporter, WorkerReportResult, WorkerRowInput, read_worker_file,
    worker_records, worker_template_csv,
};
use linghuo_service::paging::PageQuery;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/employer/workers", get(list_my_platform_workers))
        .route("/employer/workers/report", post(report_platform_workers))
        .route("/employer/workers/template", get(platform_worker_template))
        .route("/platform-workers", get(list_platform_workers))
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        report_platform_workers, list_my_platform_workers, platform_worker_template,
        list_platform_workers,
    ),
    tags(
        (name = "platform-workers", description = "平台从业人员报送：平台企业、人力资源服务机构报送新就业形态等从业人员（五(十二)）"),
    )
)]
pub struct Doc;

/// A report: either `rows` (JSON) or a file (`file_name` and `content_base64`).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerReportInput {
    /// The workers as JSON; row N of the list is reported as 第N行.
    #[serde(default)]
    pub rows: Vec<WorkerRowInput>,
    /// The file's name; its ending (.xlsx or .csv) says how to read it.
    #[serde(default)]
    pub file_name: Option<String>,
    /// The file, base64.
    #[serde(default)]
    pub content_base64: Option<String>,
    /// Store nothing when any row has a problem.
    #[serde(default)]
    pub all_or_nothing: bool,
}

/// Reports workers: each row is checked, bad rows come back one per line in Chinese
/// (`problem_lines`), the rest are stored (all-or-nothing on request). One record per
/// employer, person and start date: the same rows again change nothing; an end date closes
/// a record. Only employers of kind platform or hr_agency, verified by staff.
#[utoipa::path(post, path = "/api/v1/employer/workers/report", tag = "platform-workers", request_body = WorkerReportInput,
    responses((status = 200, body = WorkerReportResult), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn report_platform_workers(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<WorkerReportInput>,
) -> Result<Json<WorkerReportResult>, ApiError> {
    let a = actor(&ctx)?;
    let (bytes, records) = match (&b.file_name, &b.content_base64, b.rows.is_empty()) {
        (Some(name), Some(content), true) => {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(content.trim())
                .map_err(|_| {
                    ServiceError::invalid(
                        "content_base64",
                        "base64",
                        "文件内容不是有效的base64编码",
                    )
                })?;
            let records = read_worker_file(name, &bytes)
                .map_err(|m| ServiceError::invalid("file_name", "file_unreadable", m))?;
            (bytes, records)
        }
        (None, None, false) => {
            let bytes = serde_json::to_vec(&b.rows).unwrap_or_default();
            (bytes, worker_records(&b.rows))
        }
        _ => {
            return Err(ServiceError::invalid(
                "rows",
                "rows_or_file",
                "请报送 rows（JSON 行），或 file_name 加 content_base64（文件），二者选一",
            )
            .into());
        }
    };
    Ok(Json(
        s.svc
            .report_platform_workers(Reporter::Employer(a), &bytes, records, b.all_or_nothing)
            .await?,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default, deny_unknown_fields)]
pub struct WorkerListQuery {
    /// 1-based page of 50 rows.
    pub page: Option<i64>,
    /// Part of the name.
    pub q: Option<String>,
}

impl WorkerListQuery {
    fn paging(&self) -> PageQuery {
        PageQuery::new(
            self.page.unwrap_or(1).clamp(1, 1_000_000),
            self.q.as_deref().unwrap_or(""),
        )
    }
}

/// One page of reported workers, masked.
#[derive(Serialize, ToSchema)]
pub struct WorkerPage {
    pub items: Vec<PlatformWorkerView>,
    pub page: i64,
    pub pages: i64,
    pub total: i64,
}

/// The workers the caller's platform reported (open records first), masked, 50 a page.
#[utoipa::path(get, path = "/api/v1/employer/workers", tag = "platform-workers", params(WorkerListQuery),
    responses((status = 200, body = WorkerPage), (status = 403, body = ErrorBody)))]
pub async fn list_my_platform_workers(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<WorkerListQuery>,
) -> Result<Json<WorkerPage>, ApiError> {
    let p = s.svc.my_platform_workers(actor(&ctx)?, &q.paging()).await?;
    Ok(Json(WorkerPage {
        items: p.items,
        page: p.page,
        pages: p.pages,
        total: p.total,
    }))
}

/// The CSV template (header row), UTF-8 with BOM.
#[utoipa::path(get, path = "/api/v1/employer/workers/template", tag = "platform-workers",
    responses((status = 200, description = "text/csv"), (status = 403, body = ErrorBody)))]
pub async fn platform_worker_template(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Response, ApiError> {
    s.svc.platform_employer(actor(&ctx)?).await?;
    Ok(super::benefits::download(
        "platform-workers-template.csv",
        worker_template_csv().into_bytes(),
    ))
}

/// Staff: the reported workers serving in the caller's region, newest report first, masked.
#[utoipa::path(get, path = "/api/v1/platform-workers", tag = "platform-workers", params(WorkerListQuery),
    responses((status = 200, body = WorkerPage), (status = 403, body = ErrorBody)))]
pub async fn list_platform_workers(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<WorkerListQuery>,
) -> Result<Json<WorkerPage>, ApiError> {
    let p = s
        .svc
        .platform_workers_in_region(actor(&ctx)?, &q.paging())
        .await?;
    Ok(Json(WorkerPage {
        items: p.items,
        page: p.page,
        pages: p.pages,
        total: p.total,
    }))
}
