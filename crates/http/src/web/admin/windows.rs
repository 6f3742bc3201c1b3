//! 办事窗口 for the system administrator: each county's window (name, address, hours,
//! phone) shown on the 办事指南 pages — edit one, remove one, or import a CSV file's rows
//! (every row or none, bad rows named with their line and field). Every change is audited.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::guide::{WindowInput, WindowView};
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
    Ok(render(
        status,
        &WindowsPage {
            ctx: PageCtx::new(ctx, "办事窗口", "/admin/windows"),
            items,
            counties: region_options(true),
            form,
            errors,
            error,
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

async fn delete(
    State(state): State<AppState>,
    admin: Admin,
    Path(code): Path<String>,
) -> PageResult {
    state.svc.delete_window(&admin, &code).await?;
    Ok(to("/admin/windows?ok=deleted"))
}
