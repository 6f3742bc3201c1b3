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
    /// (dates as people say them, ISO week), newest first.
    weeks: Vec<(String, String)>,
    grids: Vec<Grid>,
    city: bool,
    /// The weekly totals for the chart (JSON, escaped for a script block).
    chart_data: String,
    /// 好差评 by county (counts under the minimum hidden).
    ratings: Vec<linghuo_service::persons::items::RatingCounty>,
    min_ratings: i64,
}

/// A week as people say it: 11月16日—22日, or 11月30日—12月6日 across a month's end.
pub fn week_label(starts_on: chrono::NaiveDate, ends_on: chrono::NaiveDate) -> String {
    if starts_on.month() == ends_on.month() {
        format!(
            "{}月{}日—{}日",
            starts_on.month(),
            starts_on.day(),
            ends_on.day()
        )
    } else {
        format!(
            "{}月{}日—{}月{}日",
            starts_on.month(),
            starts_on.day(),
            ends_on.month(),
            ends_on.day()
        )
    }
}

/// The area's weekly totals, oldest first as a chart reads, for the vendored ECharts; a
/// suppressed figure is a gap (null), never a guess.
fn chart_json(o: &OpenStats) -> String {
    let weeks: Vec<String> = o
        .weeks
        .iter()
        .map(|w| week_label(w.starts_on, w.ends_on))
        .collect();
    let values = |cells: &[OpenCell]| cells.iter().map(|c| c.value).collect::<Vec<_>>();
    serde_json::json!({
        "weeks": weeks,
        "posts": values(&o.total.posts),
        "hires": values(&o.total.hires),
    })
    .to_string()
    .replace('<', "\\u003c")
    .replace('>', "\\u003e")
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
                    newest_first(pick(r)),
                )
            })
            .collect(),
        total: (
            format!("合计（{}）", short_name(&o.area_name)),
            newest_first(pick(&o.total)),
        ),
    }
}

/// The newest week first: on a phone the table opens on the week people ask about.
fn newest_first(mut cells: Vec<OpenCell>) -> Vec<OpenCell> {
    cells.reverse();
    cells
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
        .rev()
        .map(|w| (week_label(w.starts_on, w.ends_on), w.week.clone()))
        .collect();
    let chart_data = chart_json(&o);
    Ok(render(
        StatusCode::OK,
        &OpenPage {
            ctx: PageCtx::new(&ctx, "统计公开：零工市场周指数", "/open/stats"),
            weeks,
            grids,
            city,
            chart_data,
            ratings: state.svc.rating_stats().await?,
            min_ratings: linghuo_service::persons::items::MIN_RATINGS_SHOWN,
            o,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::week_label;
    use chrono::NaiveDate;

    #[test]
    fn weeks_read_as_people_say_them() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert_eq!(week_label(d(11, 16), d(11, 22)), "11月16日—22日");
        assert_eq!(week_label(d(11, 30), d(12, 6)), "11月30日—12月6日");
    }
}
