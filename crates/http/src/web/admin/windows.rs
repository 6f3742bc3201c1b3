//! 办事窗口 for the system administrator: each county's window (name, address, hours,
//! phone) shown on the 办事指南 pages — edit one, remove one, or import a windows table,
//! pasted or uploaded as a .csv or .xlsx file (every row or none, each bad row listed with
//! its line and field). Every change is audited.

use askama::Template;
use axum::Router;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::ServiceError;
use linghuo_service::guide::{WindowInput, WindowView, windows_file_text};
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{
    Admin, Errors, Failure, Flash, Form, FormData, PageCtx, PageResult, region_options, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/windows", get(page).post(save))
        .route("/admin/windows/import", post(import))
        .route("/admin/windows/upload", post(upload))
        .route("/admin/windows/{code}/delete", post(delete))
}

const FIELDS: &[&str] = &["county_code", "name", "address", "hours", "phone"];

#[derive(Template)]
#[template(path = "admin/admin_windows.html")]
struct WindowsPage {
    ctx: PageCtx,
    items: Vec<WindowView>,
    counties: Vec<(String, String)>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    /// The bad rows of a refused import, one line each (第N行 栏目：问题).
    rows: Vec<String>,
    csv: String,
    ok: Option<&'static str>,
}

#[allow(clippy::too_many_arguments)]
async fn draw(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    csv: String,
    flash: Flash,
) -> PageResult {
    let items = state.svc.windows().await?;
    // A refused import's message lists its bad rows separated by "；": one line each.
    let (error, rows) = match error {
        Some(e) if e.starts_with("第") && e.contains('；') => (
            Some("窗口表有以下问题，本次未导入任何窗口：".to_owned()),
            e.split('；').map(str::to_owned).collect(),
        ),
        Some(e) if e.starts_with("第") => (
            Some("窗口表有以下问题，本次未导入任何窗口：".to_owned()),
            vec![e],
        ),
        other => (other, Vec::new()),
    };
    Ok(render(
        status,
        &WindowsPage {
            ctx: PageCtx::new(ctx, "办事窗口", "/admin/windows"),
            items,
            counties: region_options(true),
            form,
            errors,
            error,
            rows,
            csv,
            ok: flash.text(),
        },
    ))
}

async fn page(State(state): State<AppState>, ctx: Ctx, _admin: Admin, flash: Flash) -> PageResult {
    draw(
        &state,
        &ctx,
        StatusCode::OK,
        FormData::default(),
        Errors::default(),
        None,
        String::new(),
        flash,
    )
    .await
}

#[derive(Deserialize)]
struct WindowForm {
    #[serde(default)]
    county_code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    phone: String,
}

async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    admin: Admin,
    Form { value, data }: Form<WindowForm>,
) -> PageResult {
    let input = WindowInput {
        county_code: value.county_code,
        name: value.name,
        address: value.address,
        hours: value.hours,
        phone: value.phone,
    };
    match state.svc.save_window(&admin, input).await {
        Ok(_) => Ok(to("/admin/windows?ok=saved")),
        Err(e) => {
            let (status, errors, error) = Failure::of(e, FIELDS).parts()?;
            draw(
                &state,
                &ctx,
                status,
                data,
                errors,
                error,
                String::new(),
                Flash::default(),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
struct ImportForm {
    #[serde(default)]
    csv: String,
}

async fn import(
    State(state): State<AppState>,
    ctx: Ctx,
    admin: Admin,
    Form { value, .. }: Form<ImportForm>,
) -> PageResult {
    match state.svc.import_windows(Some(&admin), &value.csv).await {
        Ok(_) => Ok(to("/admin/windows?ok=imported")),
        Err(e) => {
            let (status, errors, error) = Failure::of(e, &["file"]).parts()?;
            let error = error.or_else(|| errors.get("file").cloned());
            draw(
                &state,
                &ctx,
                status,
                FormData::default(),
                Errors::default(),
                error,
                value.csv,
                Flash::default(),
            )
            .await
        }
    }
}

/// A windows table uploaded as a file (`multipart/form-data`: `_csrf`, then `file`); the
/// `_csrf` part is checked by the session middleware before this runs.
async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    admin: Admin,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult {
    let file = match multipart {
        Ok(mut mp) => {
            let mut file = None;
            loop {
                match mp.next_field().await {
                    Ok(Some(field)) if field.name() == Some("file") => {
                        let name = field.file_name().unwrap_or("").to_owned();
                        match field.bytes().await {
                            Ok(b) if !b.is_empty() => file = Some((name, b.to_vec())),
                            Ok(_) => {}
                            Err(_) => break,
                        }
                    }
                    Ok(Some(_)) => {}
                    Ok(None) | Err(_) => break,
                }
            }
            file
        }
        Err(_) => None,
    };
    let refuse = |message: String| ServiceError::invalid("file", "file_unreadable", message);
    let result = match file {
        None => Err(refuse(
            "请选择要上传的窗口表文件（.csv 或 .xlsx，不超过2MB）".into(),
        )),
        Some((name, bytes)) => match windows_file_text(&name, &bytes) {
            Err(m) => Err(refuse(m)),
            Ok(text) => state.svc.import_windows(Some(&admin), &text).await,
        },
    };
    match result {
        Ok(_) => Ok(to("/admin/windows?ok=imported")),
        Err(e) => {
            let (status, errors, error) = Failure::of(e, &["file"]).parts()?;
            let error = error.or_else(|| errors.get("file").cloned());
            draw(
                &state,
                &ctx,
                status,
                FormData::default(),
                Errors::default(),
                error,
                String::new(),
                Flash::default(),
            )
            .await
        }
    }
}

async fn delete(
    State(state): State<AppState>,
    admin: Admin,
    Path(code): Path<String>,
) -> PageResult {
    state.svc.delete_window(&admin, &code).await?;
    Ok(to("/admin/windows?ok=deleted"))
}
