//! 好差评 for staff: the ratings people gave to items handled in the staff member's region,
//! newest first, paged and searched by the words people wrote.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use linghuo_service::persons::items::RatingView;

use crate::AppState;
use crate::context::Ctx;
use crate::web::staff::pager::{Pager, page_query};
use crate::web::{PageCtx, PageResult, Staff, cst, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/staff/ratings", get(page))
}

#[derive(Template)]
#[template(path = "staff/staff_ratings.html")]
struct RatingsPage {
    ctx: PageCtx,
    items: Vec<RatingView>,
    average: String,
    pager: Pager,
}

impl RatingsPage {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        cst(t)
    }
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    let (paged, average) = state.svc.ratings_page(&staff, &page_query(&q)).await?;
    let pager = Pager::new("/staff/ratings", &q, &paged).hint("评价的话");
    Ok(render(
        StatusCode::OK,
        &RatingsPage {
            ctx: PageCtx::new(&ctx, "好差评", "/staff/ratings"),
            items: paged.items,
            average,
            pager,
        },
    ))
}
