//! The public registers of 四(九) and 二(三)/三(四): designated selling places (夜市, 摊点,
//! 便民市场, 景区销售区) by county, where a signed-in worker applies for a pitch
//! (`worker/places.rs`; a failure is shown here again), and the gig-market sites
//! (零工市场/劳务市场/零工驿站) with their hours, services and a map link.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use linghuo_service::Role;
use linghuo_service::places::{GOODS, PlaceView, SiteView};
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{PageCtx, PageResult, region_option_list, render};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/places", get(places_page))
        .route("/sites", get(sites_page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct RegionQuery {
    pub county: String,
}

#[derive(Template)]
#[template(path = "public/places.html")]
struct PlacesPage {
    ctx: PageCtx,
    items: Vec<PlaceView>,
    regions: &'static [(String, String)],
    county: String,
    goods: &'static [(&'static str, &'static str)],
    worker: bool,
    error: Option<String>,
}

/// The open places (of one county or city), with a message above them when applying failed.
pub(crate) async fn places_render(
    state: &AppState,
    ctx: &Ctx,
    county: &str,
    status: StatusCode,
    error: Option<String>,
) -> PageResult {
    let items = state.svc.public_places(Some(county)).await?;
    Ok(render(
        status,
        &PlacesPage {
            ctx: PageCtx::new(ctx, "摆摊经营场所", "/places"),
            items,
            regions: region_option_list(false),
            county: county.to_owned(),
            goods: GOODS,
            worker: ctx.actor().is_some_and(|a| a.role == Role::Worker),
            error,
        },
    ))
}

async fn places_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RegionQuery>,
) -> PageResult {
    places_render(&state, &ctx, q.county.trim(), StatusCode::OK, None).await
}

#[derive(Template)]
#[template(path = "public/sites.html")]
struct SitesPage {
    ctx: PageCtx,
    items: Vec<SiteView>,
    regions: &'static [(String, String)],
    county: String,
}

async fn sites_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RegionQuery>,
) -> PageResult {
    let county = q.county.trim().to_owned();
    let items = state.svc.public_sites(Some(&county)).await?;
    Ok(render(
        StatusCode::OK,
        &SitesPage {
            ctx: PageCtx::new(&ctx, "零工市场", "/sites"),
            items,
            regions: region_option_list(false),
            county,
        },
    ))
}
