//! 统计公开: the public weekly gig-market index (`/open/stats`, no login), by city or, with
//! `?city=`, by the counties of one city, and by occupation category.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::get;
use chrono::Datelike;
use linghuo_service::open_stats::{OpenCell, OpenRow, OpenStats, OpenStatsQuery};

use crate::AppState;
use crate::context::Ctx;
use crate::web::staff::stats::short_name;
use crate::web::{PageCtx, PageResult, query_field, render};

pub fn routes() -> Router<AppState> {
    Router::new().route("/open/stats", get(open_stats))
}

/// One table of the public page: rows of regions or categories by week, and the area total.
pub struct Grid {
    pub id: &'static str,
    pub heading: String,
    pub first: &'static str,
    /// (name, drill-down link, cells).
    pub rows: Vec<(String, Option<String>, Vec<OpenCell>)>,
    pub total: (String, Vec<OpenCell>),
}

#[derive(Template)]
#[template(path = "public/open_stats.html")]
struct OpenPage {
    ctx: PageCtx,
    o: OpenStats,
    /// (ISO week, dates).
    weeks: Vec<(String, String)>,
    grids: Vec<Grid>,
    city: bool,
    /// 好差评 by county (counts under the minimum hidden).
    ratings: Vec<linghuo_service::persons::items::RatingCounty>,
    min_ratings: i64,
}

fn grid(
    o: &OpenStats,
    id: &'static str,
    heading: String,
    first: &'static str,
    rows: &[OpenRow],
    hires: bool,
    drill: bool,
) -> Grid {
    let pick = |r: &OpenRow| {
        if hires {
            r.hires.clone()
        } else {
            r.posts.clone()
        }
    };
    Grid {
        id,
        heading,
        first,
        rows: rows
            .iter()
            .map(|r| {
                (
                    r.name.clone(),
                    drill.then(|| format!("/open/stats?city={}", r.code)),
                    pick(r),
                )
            })
            .collect(),
        total: (
            format!("合计（{}）", short_name(&o.area_name)),
            pick(&o.total),
        ),
    }
}

async fn open_stats(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> PageResult {
    let query = OpenStatsQuery {
        city: Some(query_field(&q, "city")).filter(|c| !c.is_empty()),
    };
    let o = state.svc.open_statistics(&query).await?;
    let city = query.city.is_some();
    let (unit, first) = if city {
        ("各县（市、区）", "县（市、区）")
    } else {
        ("各市", "市")
    };
    let grids = vec![
        grid(
            &o,
            "posts-by-region",
            format!("{unit}新发布岗位数"),
            first,
            &o.regions,
            false,
            !city,
        ),
        grid(
            &o,
            "hires-by-region",
            format!("{unit}录用人次"),
            first,
            &o.regions,
            true,
            !city,
        ),
        grid(
            &o,
            "posts-by-category",
            "各职业类别新发布岗位数".into(),
            "职业类别",
            &o.categories,
            false,
            false,
        ),
        grid(
            &o,
            "hires-by-category",
            "各职业类别录用人次".into(),
            "职业类别",
            &o.categories,
            true,
            false,
        ),
    ];
    let weeks = o
        .weeks
        .iter()
        .map(|w| {
            (
                w.week.clone(),
                format!(
                    "{}月{}日—{}月{}日",
                    w.starts_on.month(),
                    w.starts_on.day(),
                    w.ends_on.month(),
                    w.ends_on.day()
                ),
            )
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &OpenPage {
            ctx: PageCtx::new(&ctx, "统计公开：零工市场周指数", "/open/stats"),
            weeks,
            grids,
            city,
            ratings: state.svc.rating_stats().await?,
            min_ratings: linghuo_service::persons::items::MIN_RATINGS_SHOWN,
            o,
        },
    ))
}
