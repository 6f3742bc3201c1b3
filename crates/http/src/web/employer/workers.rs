//! 从业人员报送 (五(十二), 二(三)): a platform employer (or a human-resource service agency)
//! uploads the people who work through it (.xlsx or .csv, the template to download), reads
//! the bad rows one per line, and pages through what it has reported (masked). Staff see the
//! reports of the workers serving in their region on `/staff/platform-workers`.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use linghuo_service::ServiceError;
use linghuo_service::export::{Sheet, to_xlsx};
use linghuo_service::market::EmployerView;
use linghuo_service::market::platform_workers::{
    MAX_ROWS, PlatformWorkerView, Reporter, WorkerReportResult, read_worker_file, template_headers,
    worker_template_csv,
};
use linghuo_service::paging::Paged;

use crate::AppState;
use crate::context::Ctx;
use crate::web::staff::pager::{Pager, page_query};
use crate::web::{Employer, PageCtx, PageResult, Staff, download, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/employer/workers", get(page).post(upload))
        .route("/employer/workers/{file}", get(template))
        .route("/staff/platform-workers", get(staff_list))
}

/// What each column of the template holds, for the page.
const COLUMN_NOTES: &[(&str, &str)] = &[
    ("身份证号", "必填，18位，最后一位可以是X"),
    ("姓名", "必填，与身份证一致"),
    ("手机", "选填，11位"),
    (
        "从业形态",
        "选填：新就业形态、非全日制、个体经营或零工；不填为新就业形态",
    ),
    (
        "服务区县",
        "必填：山西省的县（市、区），写全称（如小店区）或六位区划代码（如140105）",
    ),
    ("开始日期", "必填，如 2026-03-01"),
    (
        "结束日期",
        "选填：人员不再通过本平台从业时填写，该记录即结束；仍在岗的留空",
    ),
    ("工种/职业", "选填，如 网约配送员、网约车驾驶员"),
    ("职业伤害保障", "选填：是 或 否"),
];

#[derive(Template)]
#[template(path = "employer/employer_workers.html")]
struct WorkersPage {
    ctx: PageCtx,
    employer: EmployerView,
    report: Option<WorkerReportResult>,
    error: Option<String>,
    all_or_nothing: bool,
    notes: &'static [(&'static str, &'static str)],
    items: Vec<PlatformWorkerView>,
    pager: Pager,
    max_rows: usize,
}

/// The page, with the outcome of an upload when there was one.
async fn page_render(
    state: &AppState,
    ctx: &Ctx,
    employer: &Employer,
    q: &Option<String>,
    status: StatusCode,
    outcome: (Option<WorkerReportResult>, Option<String>, bool),
) -> PageResult {
    // The kind is checked first: any other employer gets the refusal page.
    let paged: Paged<PlatformWorkerView> = state
        .svc
        .my_platform_workers(employer, &page_query(q))
        .await?;
    let me = state.svc.my_employer(employer).await?;
    let pager = Pager::new("/employer/workers", q, &paged).hint("姓名");
    let (report, error, all_or_nothing) = outcome;
    Ok(render(
        status,
        &WorkersPage {
            ctx: PageCtx::new(ctx, "从业人员报送", "/employer/workers"),
            employer: me,
            report,
            error,
            all_or_nothing,
            notes: COLUMN_NOTES,
            items: paged.items,
            pager,
            max_rows: MAX_ROWS,
        },
    ))
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    RawQuery(q): RawQuery,
) -> PageResult {
    page_render(
        &state,
        &ctx,
        &employer,
        &q,
        StatusCode::OK,
        (None, None, true),
    )
    .await
}

/// `/employer/workers/template.csv` or `template.xlsx`: the header row to fill in.
async fn template(
    State(state): State<AppState>,
    employer: Employer,
    Path(file): Path<String>,
) -> PageResult {
    state.svc.platform_employer(&employer).await?;
    Ok(match file.as_str() {
        "template.csv" => download(
            "platform-workers-template.csv",
            worker_template_csv().into_bytes(),
        ),
        "template.xlsx" => {
            let sheet = Sheet {
                title: "从业人员".to_owned(),
                headers: template_headers().into_iter().map(str::to_owned).collect(),
                rows: Vec::new(),
            };
            download("platform-workers-template.xlsx", to_xlsx(&sheet)?)
        }
        _ => return Err(ServiceError::NotFound.into()),
    })
}

/// The form's parts: the mode and the file (the `_csrf` part is checked by the session
/// middleware before this runs).
async fn read_upload(mut mp: Multipart) -> Option<(bool, Option<(String, Vec<u8>)>)> {
    let mut all_or_nothing = true;
    let mut file = None;
    while let Some(field) = mp.next_field().await.ok()? {
        match field.name() {
            Some("mode") => all_or_nothing = field.text().await.ok()? != "skip",
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_owned();
                let bytes = field.bytes().await.ok()?;
                if !bytes.is_empty() {
                    file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    Some((all_or_nothing, file))
}

async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let up = match multipart {
        Ok(mp) => read_upload(mp).await,
        Err(_) => None,
    };
    let refuse = |all: bool, message: String| (None, Some(message), all);
    let outcome = match up {
        None => refuse(
            true,
            format!(
                "文件没有上传完整或超过{}MB。请重新选择文件，或分成几个文件报送",
                crate::BODY_LIMIT / 1024 / 1024
            ),
        ),
        Some((all, None)) => refuse(all, "请选择要上传的文件（.xlsx 或 .csv）".into()),
        Some((all, Some((name, bytes)))) => match read_worker_file(&name, &bytes) {
            Err(message) => refuse(all, message),
            Ok(records) => match state
                .svc
                .report_platform_workers(Reporter::Employer(&employer), &bytes, records, all)
                .await
            {
                Ok(r) => (Some(r), None, all),
                Err(
                    ServiceError::Invalid { message, .. }
                    | ServiceError::Forbidden {
                        code: "employer_unverified",
                        message,
                    },
                ) => refuse(all, message),
                Err(e) => return Err(e.into()),
            },
        },
    };
    let status = match &outcome {
        (Some(r), _, _) if r.rejected => StatusCode::UNPROCESSABLE_ENTITY,
        (Some(_), _, _) => StatusCode::OK,
        _ => StatusCode::BAD_REQUEST,
    };
    page_render(&state, &ctx, &employer, &None, status, outcome).await
}

#[derive(Template)]
#[template(path = "staff/staff_platform_workers.html")]
struct StaffPage {
    ctx: PageCtx,
    region: String,
    items: Vec<PlatformWorkerView>,
    pager: Pager,
}

/// The workers platforms reported as serving in the staff member's region.
async fn staff_list(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult<Response> {
    let paged = state
        .svc
        .platform_workers_in_region(&staff, &page_query(&q))
        .await?;
    let pager = Pager::new("/staff/platform-workers", &q, &paged).hint("姓名");
    Ok(render(
        StatusCode::OK,
        &StaffPage {
            ctx: PageCtx::new(&ctx, "平台从业人员", "/staff/platform-workers"),
            region: staff.scope_label(),
            items: paged.items,
            pager,
        },
    ))
}
