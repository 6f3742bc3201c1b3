//! 好差评 for staff: the ratings people gave to items handled in the staff member's region,
//! newest first.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use linghuo_service::persons::items::RatingView;

use crate::AppState;
use crate::context::Ctx;
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
}

impl RatingsPage {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        cst(t)
    }
}

async fn page(State(state): State<AppState>, ctx: Ctx, staff: Staff) -> PageResult {
    let items = state.svc.ratings_in_region(&staff).await?;
    let average = if items.is_empty() {
        String::new()
    } else {
        format!(
            "{:.1}",
            items.iter().map(|r| r.score).sum::<i64>() as f64 / items.len() as f64
        )
    };
    Ok(render(
        StatusCode::OK,
        &RatingsPage {
            ctx: PageCtx::new(&ctx, "好差评", "/staff/ratings"),
            items,
            average,
        },
    ))
}
