//! 办事指南 and the county service windows through the API (issue 16 item 3): the guide
//! pages (anyone), each county's window (anyone), and the windows' upkeep by the system
//! administrator (save one, remove one, import a CSV file). The same service functions as
//! the pages in `web/public/guide.rs` and `web/admin/windows.rs`.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use linghuo_domain::{RegionCode, RegionLevel};
use linghuo_service::ServiceError;
use linghuo_service::guide::{GuideEntry, WindowImport, WindowInput, WindowView};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/guide", get(list_guides))
        .route("/guide/{key}", get(get_guide))
        .route("/windows", get(list_windows))
        .route("/windows/import", post(import_windows))
        .route(
            "/windows/{county_code}",
            get(get_window).put(put_window).delete(delete_window),
        )
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(list_guides, get_guide, list_windows, get_window, put_window, delete_window, import_windows),
    components(schemas(GuideEntry, WindowView, WindowImport)),
    tags((name = "guide", description = "办事指南与各县（市、区）办事窗口")),
)]
pub struct Doc;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CountyQuery {
    /// A county code (6 digits, e.g. 140105). Without it: the signed-in worker's own county
    /// or a county staff member's county, else none.
    pub county: Option<String>,
}

/// The county asked for (400 `county_unknown` naming `county` when it is not a Shanxi
/// county), else the caller's own.
async fn county_of(s: &AppState, ctx: &Ctx, q: &CountyQuery) -> Result<Option<String>, ApiError> {
    match q.county.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => match RegionCode::parse(c) {
            Ok(r) if r.level() == RegionLevel::County => Ok(Some(r.as_str().to_string())),
            _ => Err(ApiError::invalid(
                "county",
                "county_unknown",
                "区县代码应为山西省的6位区县代码，如 140105",
            )),
        },
        None => Ok(s.svc.home_county(ctx.actor()).await),
    }
}

/// Every guide page (registration kinds, 参保登记, 一件事, each benefit, training, venues and
/// relief, complaints, archives), in the order of the index page.
#[utoipa::path(get, path = "/api/v1/guide", tag = "guide",
    responses((status = 200, body = Vec<GuideEntry>)))]
pub async fn list_guides(State(s): State<AppState>) -> Json<Vec<GuideEntry>> {
    Json(s.svc.guide_entries())
}

/// One guide page with the window of the county that applies.
#[derive(Serialize, ToSchema)]
pub struct GuideDetail {
    pub guide: GuideEntry,
    /// The county whose window is shown; null when none applies.
    pub county_code: Option<String>,
    /// That county's window; null when it has none on record.
    pub window: Option<WindowView>,
}

/// One guide page by key: who, what to bring, the time limit, the fee and where — the
/// window of `county` (or of the caller's own county).
#[utoipa::path(get, path = "/api/v1/guide/{key}", tag = "guide", params(("key" = String, Path), CountyQuery),
    responses((status = 200, body = GuideDetail), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_guide(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    Query(q): Query<CountyQuery>,
) -> Result<Json<GuideDetail>, ApiError> {
    let guide = s.svc.guide_entry(&key).ok_or(ServiceError::NotFound)?;
    let county = county_of(&s, &ctx, &q).await?;
    let window = match &county {
        Some(c) => s.svc.window_of(c).await?,
        None => None,
    };
    Ok(Json(GuideDetail {
        guide,
        county_code: county,
        window,
    }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WindowsQuery {
    /// Only this county's window (6-digit county code, e.g. 140105); all when absent.
    pub county: Option<String>,
}

/// The counties' service windows (name, address, hours, phone), by county code; with
/// `county`, only that county's (an empty list when it has none on record).
#[utoipa::path(get, path = "/api/v1/windows", tag = "guide", params(WindowsQuery),
    responses((status = 200, body = Vec<WindowView>), (status = 400, body = ErrorBody)))]
pub async fn list_windows(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<WindowsQuery>,
) -> Result<Json<Vec<WindowView>>, ApiError> {
    let mut items = s.svc.windows().await?;
    if q.county.as_deref().is_some_and(|c| !c.trim().is_empty()) {
        let chosen = county_of(
            &s,
            &ctx,
            &CountyQuery {
                county: q.county.clone(),
            },
        )
        .await?;
        items.retain(|w| Some(&w.county_code) == chosen.as_ref());
    }
    Ok(Json(items))
}

/// One county's window.
#[utoipa::path(get, path = "/api/v1/windows/{county_code}", tag = "guide", params(("county_code" = String, Path)),
    responses((status = 200, body = WindowView), (status = 404, body = ErrorBody)))]
pub async fn get_window(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<WindowView>, ApiError> {
    s.svc
        .window_of(code.trim())
        .await?
        .map(Json)
        .ok_or_else(ApiError::not_found)
}

/// A window's fields (the county is the path's).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowBody {
    /// 窗口名称, 2–60 characters.
    pub name: String,
    /// 地址, 2–120 characters.
    pub address: String,
    /// 办公时间, 2–80 characters.
    pub hours: String,
    /// 咨询电话: digits and "-", e.g. 0351-1234567.
    pub phone: String,
}

/// Creates or replaces a county's window (system administrator), audited. Bad input is
/// 400 naming the field (`county_code`, `name`, `address`, `hours`, `phone`).
#[utoipa::path(put, path = "/api/v1/windows/{county_code}", tag = "guide", params(("county_code" = String, Path)),
    request_body = WindowBody,
    responses((status = 200, body = WindowView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn put_window(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    ApiJson(b): ApiJson<WindowBody>,
) -> Result<Json<WindowView>, ApiError> {
    let input = WindowInput {
        county_code: code,
        name: b.name,
        address: b.address,
        hours: b.hours,
        phone: b.phone,
    };
    Ok(Json(s.svc.save_window(actor(&ctx)?, input).await?))
}

/// Removes a county's window (system administrator), audited.
#[utoipa::path(delete, path = "/api/v1/windows/{county_code}", tag = "guide", params(("county_code" = String, Path)),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_window(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.svc.delete_window(actor(&ctx)?, code.trim()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowsFile {
    /// The CSV text: a header `county_code,name,address,hours,phone` (or 区县代码,窗口名称,
    /// 地址,办公时间,咨询电话), then one window a line.
    pub csv: String,
}

/// Imports a windows CSV (system administrator): every row or none, audited once. A bad
/// file is 400 `rows_invalid` naming `csv`, its message listing each bad row by line and
/// field ("第3行 区县代码：…", separated by "；").
#[utoipa::path(post, path = "/api/v1/windows/import", tag = "guide", request_body = WindowsFile,
    responses((status = 200, body = WindowImport), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn import_windows(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<WindowsFile>,
) -> Result<Json<WindowImport>, ApiError> {
    let a = actor(&ctx)?;
    match s.svc.import_windows(Some(a), &b.csv).await {
        Ok(r) => Ok(Json(r)),
        Err(ServiceError::Invalid { code, message, .. }) => {
            Err(ApiError::invalid("csv", code, message))
        }
        Err(e) => Err(e.into()),
    }
}
