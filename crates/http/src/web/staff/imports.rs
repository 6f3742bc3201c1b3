//! 数据导入: staff upload the spreadsheets they keep (.xlsx or .csv) — persons, 就业失业登记,
//! 经营主体登记, 纳税记录, 社保缴费 — for their own region, choose all-or-nothing or
//! skip-invalid, and read the per-row report (row, column, problem) on the page. Templates
//! download as CSV and Excel. Uploads may be larger than other forms (see [`UPLOAD_LIMIT`]);
//! bigger files go through `linghuo import`.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use linghuo_service::ServiceError;
use linghuo_service::export::{Sheet, to_xlsx};
use linghuo_service::facts_import::{FactKind, read_fact_file};
use linghuo_service::market_import::ImportProblem;
use linghuo_service::person_import::{PERSON_COLUMNS, person_template_csv, read_person_file};

use crate::AppState;
use crate::context::Ctx;
use crate::web::{PageCtx, PageResult, Staff, download, error_pages, render};

/// The path the upload form posts to.
pub const UPLOAD_PATH: &str = "/staff/imports/upload";
/// The largest upload the page takes: about 250,000 persons in CSV, imported in seconds.
pub const UPLOAD_LIMIT: usize = 16 * 1024 * 1024;
/// Problems listed on the page (the counts always cover all of them).
const SHOWN_PROBLEMS: usize = 1000;

/// What can be imported, in the order the page lists it.
const KINDS: &[(&str, &str)] = &[
    ("persons", "人员信息"),
    ("registrations", "就业失业登记"),
    ("businesses", "经营主体登记"),
    ("tax", "纳税记录"),
    ("social-insurance", "社会保险缴费"),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/imports", get(page))
        .route("/staff/imports/{file}", get(template))
}

/// The upload route, kept apart so the router can give it the larger body limit (with its
/// own error-page layer, as it is not under the pages' one).
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route(UPLOAD_PATH, post(upload))
        .layer(axum::middleware::from_fn(error_pages))
}

/// One kind with its template's columns, for the page.
struct KindView {
    code: &'static str,
    label: &'static str,
    columns: Vec<&'static str>,
}

/// One problem as the page shows it.
struct ProblemView {
    line: usize,
    column: &'static str,
    message: String,
}

/// The outcome of one upload.
struct ReportView {
    kind_label: &'static str,
    file_name: String,
    rows: usize,
    /// Rows stored (new persons, or facts added or changed).
    stored: usize,
    unchanged: usize,
    problem_count: usize,
    rejected: bool,
    all_or_nothing: bool,
    file_sha256: String,
    problems: Vec<ProblemView>,
}

#[derive(Template)]
#[template(path = "staff/staff_imports.html")]
struct ImportsPage {
    ctx: PageCtx,
    kinds: Vec<KindView>,
    kind: String,
    all_or_nothing: bool,
    report: Option<ReportView>,
    error: Option<String>,
    limit_mib: usize,
}

fn kinds() -> Vec<KindView> {
    KINDS
        .iter()
        .map(|(code, label)| KindView {
            code,
            label,
            columns: columns_of(code),
        })
        .collect()
}

/// The template's headers of a kind (first spelling of each column).
fn columns_of(code: &str) -> Vec<&'static str> {
    let pairs: &[(&'static str, &'static str)] = match FactKind::parse(code) {
        Some(k) => k.columns(),
        None => PERSON_COLUMNS,
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for (header, field) in pairs {
        if !seen.contains(field) {
            seen.push(field);
            out.push(*header);
        }
    }
    out
}

/// The column header a problem's field is read from.
fn column_label(code: &str, field: &str) -> &'static str {
    let pairs: &[(&'static str, &'static str)] = match FactKind::parse(code) {
        Some(k) => k.columns(),
        None => PERSON_COLUMNS,
    };
    pairs
        .iter()
        .find(|(_, f)| *f == field)
        .map_or("（整行）", |(h, _)| *h)
}

fn page_of(
    ctx: &Ctx,
    kind: &str,
    all_or_nothing: bool,
    report: Option<ReportView>,
    error: Option<String>,
) -> ImportsPage {
    ImportsPage {
        ctx: PageCtx::new(ctx, "数据导入", "/staff/imports"),
        kinds: kinds(),
        kind: kind.to_owned(),
        all_or_nothing,
        report,
        error,
        limit_mib: UPLOAD_LIMIT / 1024 / 1024,
    }
}

async fn page(ctx: Ctx, _: Staff) -> Response {
    render(StatusCode::OK, &page_of(&ctx, "persons", true, None, None))
}

/// `/staff/imports/{kind}-template.csv` or `.xlsx`: the header row to fill in.
async fn template(_: Staff, Path(file): Path<String>) -> PageResult {
    let (stem, xlsx) = match (file.strip_suffix(".csv"), file.strip_suffix(".xlsx")) {
        (Some(s), _) => (s, false),
        (_, Some(s)) => (s, true),
        _ => return Err(ServiceError::NotFound.into()),
    };
    let (code, label) = stem
        .strip_suffix("-template")
        .and_then(|k| KINDS.iter().find(|(c, _)| *c == k))
        .ok_or(ServiceError::NotFound)?;
    Ok(if xlsx {
        let sheet = Sheet {
            title: (*label).to_owned(),
            headers: columns_of(code).into_iter().map(str::to_owned).collect(),
            rows: Vec::new(),
        };
        download(&format!("{code}-template.xlsx"), to_xlsx(&sheet)?)
    } else {
        let csv = match FactKind::parse(code) {
            Some(k) => k.template_csv(),
            None => person_template_csv(),
        };
        download(&format!("{code}-template.csv"), csv.into_bytes())
    })
}

/// The form's parts: kind, mode and the file (the `_csrf` part is checked by the session
/// middleware before this runs).
struct Upload {
    kind: String,
    all_or_nothing: bool,
    file: Option<(String, Vec<u8>)>,
}

async fn read_upload(mut mp: Multipart) -> Option<Upload> {
    let mut up = Upload {
        kind: "persons".into(),
        all_or_nothing: true,
        file: None,
    };
    while let Some(field) = mp.next_field().await.ok()? {
        match field.name() {
            Some("kind") => up.kind = field.text().await.ok()?,
            Some("mode") => up.all_or_nothing = field.text().await.ok()? != "skip",
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_owned();
                let bytes = field.bytes().await.ok()?;
                if !bytes.is_empty() {
                    up.file = Some((name, bytes.to_vec()));
                }
            }
            _ => {}
        }
    }
    Some(up)
}

async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let up = match multipart {
        Ok(mp) => read_upload(mp).await,
        Err(_) => None,
    };
    let refuse = |kind: &str, all: bool, message: String| {
        render(
            StatusCode::BAD_REQUEST,
            &page_of(&ctx, kind, all, None, Some(message)),
        )
    };
    let Some(up) = up else {
        return Ok(refuse(
            "persons",
            true,
            format!(
                "文件没有上传完整或超过{}MB。请重新选择文件；更大的文件请联系管理员用命令行导入",
                UPLOAD_LIMIT / 1024 / 1024
            ),
        ));
    };
    let Some((code, kind_label)) = KINDS.iter().find(|(c, _)| *c == up.kind).copied() else {
        return Ok(refuse(
            "persons",
            up.all_or_nothing,
            "请选择导入的数据类型".into(),
        ));
    };
    let Some((file_name, bytes)) = up.file else {
        return Ok(refuse(
            code,
            up.all_or_nothing,
            "请选择要导入的文件（.xlsx 或 .csv）".into(),
        ));
    };
    let outcome = match FactKind::parse(code) {
        None => match read_person_file(&file_name, &bytes) {
            Err(m) => Err(m),
            Ok(records) => Ok(state
                .svc
                .import_persons(Some(&*staff), &bytes, records, up.all_or_nothing)
                .await
                .map(|r| {
                    (
                        r.rows,
                        r.created,
                        r.unchanged,
                        r.problems,
                        r.rejected,
                        r.file_sha256,
                    )
                })),
        },
        Some(kind) => match read_fact_file(kind, &file_name, &bytes) {
            Err(m) => Err(m),
            Ok(records) => Ok(state
                .svc
                .import_facts(Some(&*staff), kind, &bytes, records, up.all_or_nothing)
                .await
                .map(|r| {
                    (
                        r.rows,
                        r.changed,
                        r.unchanged,
                        r.problems,
                        r.rejected,
                        r.file_sha256,
                    )
                })),
        },
    };
    let (rows, stored, unchanged, problems, rejected, sha) = match outcome {
        Err(message) => return Ok(refuse(code, up.all_or_nothing, message)),
        Ok(result) => result?,
    };
    let problem_count = problems.len();
    let report = ReportView {
        kind_label,
        file_name,
        rows,
        stored,
        unchanged,
        problem_count,
        rejected,
        all_or_nothing: up.all_or_nothing,
        file_sha256: sha.chars().take(16).collect(),
        problems: problems
            .into_iter()
            .take(SHOWN_PROBLEMS)
            .map(|p: ImportProblem| ProblemView {
                line: p.line,
                column: column_label(code, &p.field),
                message: p.message,
            })
            .collect(),
    };
    let status = if rejected {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(
        status,
        &page_of(&ctx, code, up.all_or_nothing, Some(report), None),
    ))
}
