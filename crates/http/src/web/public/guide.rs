//! 办事指南 as anyone sees it: the index (/guide), a page per service (/guide/{key}) with
//! who, what to bring, the time limit, fees and where, and every county's window
//! (/guide/windows). The county is the one the visitor chose (`?county=`), else their own.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use linghuo_domain::{RegionCode, RegionLevel};
use linghuo_service::ServiceError;
use linghuo_service::guide::{GuideEntry, WindowView};

use crate::AppState;
use crate::context::Ctx;
use crate::web::{PageCtx, PageResult, query_field, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/guide", get(index))
        .route("/guide/windows", get(windows))
        .route("/guide/{key}", get(guide))
}

/// The county to show: the visitor's choice, else the signed-in person's or staff's own.
async fn chosen_county(state: &AppState, ctx: &Ctx, raw: &Option<String>) -> String {
    let q = query_field(raw, "county");
    if let Ok(c) = RegionCode::parse(q.trim())
        && c.level() == RegionLevel::County
    {
        return c.as_str().to_string();
    }
    state.svc.home_county(ctx.actor()).await.unwrap_or_default()
}

#[derive(Template)]
#[template(path = "public/guide_index.html")]
struct IndexPage {
    ctx: PageCtx,
    entries: Vec<GuideEntry>,
}

async fn index(State(state): State<AppState>, ctx: Ctx) -> PageResult {
    Ok(render(
        StatusCode::OK,
        &IndexPage {
            ctx: PageCtx::new(&ctx, "办事指南", "/guide"),
            entries: state.svc.guide_entries(),
        },
    ))
}

#[derive(Template)]
#[template(path = "public/guide.html")]
struct GuidePage {
    ctx: PageCtx,
    e: GuideEntry,
    county: String,
    window: Option<WindowView>,
    counties: Vec<(String, String)>,
}

async fn guide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(key): Path<String>,
    RawQuery(raw): RawQuery,
) -> PageResult {
    let e = state.svc.guide_entry(&key).ok_or(ServiceError::NotFound)?;
    let county = chosen_county(&state, &ctx, &raw).await;
    let window = if county.is_empty() {
        None
    } else {
        state.svc.window_of(&county).await?
    };
    let counties = state
        .svc
        .windows()
        .await?
        .into_iter()
        .map(|w| (w.county_code, w.county_name))
        .collect();
    Ok(render(
        StatusCode::OK,
        &GuidePage {
            ctx: PageCtx::new(&ctx, format!("办事指南：{}", e.title), "/guide"),
            e,
            county,
            window,
            counties,
        },
    ))
}

#[derive(Template)]
#[template(path = "public/guide_windows.html")]
struct WindowsPage {
    ctx: PageCtx,
    county: String,
    items: Vec<WindowView>,
}

async fn windows(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> PageResult {
    let county = chosen_county(&state, &ctx, &raw).await;
    let mut items = state.svc.windows().await?;
    // The chosen county first.
    items.sort_by_key(|w| w.county_code != county);
    Ok(render(
        StatusCode::OK,
        &WindowsPage {
            ctx: PageCtx::new(&ctx, "办事窗口", "/guide"),
            county,
            items,
        },
    ))
}
