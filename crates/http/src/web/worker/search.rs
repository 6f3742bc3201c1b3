//! 找活: the gig market's search, open to everyone, and 找附近的活.
//!
//! Nothing personal goes in a URL: the search's "离我近" uses the worker's saved home point,
//! looked up here on the server; everything else in the search query is a public filter.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Redirect;
use axum::routing::{get, post};
use linghuo_service::Role;
use linghuo_service::market::FORMS;
use linghuo_service::market_search::{PostHit, SearchInput, SearchResults};
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{
    Errors, Failure, Form, FormData, OccupationGroup, PageCtx, PageResult, occupation_groups,
    region_option_list, render,
};

pub fn routes() -> Router<AppState> {
    Router::new().route("/work", get(search)).route(
        "/work/nearby",
        post(nearby).get(|| async { Redirect::to("/work") }),
    )
}

const PER_PAGE: usize = 20;

#[derive(Template)]
#[template(path = "worker/work_search.html")]
struct SearchPage {
    ctx: PageCtx,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    searched: bool,
    /// The hits of the first tier on the page: exact, or nearby when nothing matched.
    hits: Vec<PostHit>,
    regions: &'static [(String, String)],
    occupations: &'static [OccupationGroup],
    forms: &'static [(&'static str, &'static str)],
    is_worker: bool,
    has_home: bool,
    prev_link: Option<String>,
    next_link: Option<String>,
    /// How the words were read: 按您的话找：工种 水电工（“修水管”）；地点 小店区.
    understood: Option<String>,
    /// Said above the results when nothing matched the words and nearby work is shown.
    fallback: Option<String>,
    /// Hits of the related tier, shown after `divider`.
    related: Vec<PostHit>,
    divider: &'static str,
    /// A filter is set (the filters stay unfolded).
    filters_set: bool,
    /// The filters are shown unfolded.
    filters_open: bool,
    /// How many filters are set (said on the folded 筛选).
    filters_count: usize,
    /// The search again with the words but without the filters.
    words_only_link: Option<String>,
    /// Results measured from a point the visitor gave or saved (the 找附近的活 form).
    near: Option<NearView>,
    /// Why no point could be used for 找附近的活, and what to do instead.
    near_problem: Option<String>,
    /// The next and previous pages of a 找附近的活 search (posted again, never in a URL).
    near_pages: Vec<(usize, &'static str)>,
}

/// Where the distances of a 找附近的活 search are measured from.
struct NearView {
    /// What the visitor reads about it.
    note: String,
    /// The phone's point, posted again for the next page; None for the saved profile point.
    phone: Option<(String, String)>,
    /// Why the phone gave no point (kept for the next page).
    geo: String,
}

const SEARCH_FIELDS: &[&str] = &[
    "q",
    "region",
    "occupation",
    "form",
    "pay_at_least",
    "date",
    "sort",
];

/// The filters folded behind 筛选 (everything but the words).
const FILTER_FIELDS: &[&str] = &["region", "occupation", "form", "pay_at_least", "date"];

/// The link to another page of the same search (public filters only).
fn page_link(form: &FormData, page: usize) -> String {
    let mut pairs: Vec<(&str, &str)> = SEARCH_FIELDS
        .iter()
        .map(|k| (*k, form.get(k)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let p = page.to_string();
    pairs.push(("page", &p));
    format!(
        "/work?{}",
        serde_urlencoded::to_string(&pairs).unwrap_or_default()
    )
}

/// The service's reading of the words in the page's plain wording:
/// 工种：水电工（“修水管”）；地点：小店区 → 按您的话找：工种 水电工（“修水管”）；地点 小店区.
fn understood_line(understood: &str) -> String {
    let parts: Vec<String> = understood
        .split('；')
        .map(|part| match part.split_once('：') {
            Some((label, rest)) if label.chars().count() <= 3 => format!("{label} {rest}"),
            _ => part.to_owned(),
        })
        .collect();
    format!("按您的话找：{}", parts.join("；"))
}

/// How 找活 is searched: from the visitor's saved home (the GET page), from a point posted by
/// 找附近的活, or 找附近的活 without any point (the reason why).
enum NearBy {
    Home,
    Point { lat: f64, lon: f64, view: NearView },
    Missing(String),
}

async fn search(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> PageResult {
    let form = FormData::parse(raw.as_deref().unwrap_or("").as_bytes());
    let searched = raw.as_deref().is_some_and(|r| !r.is_empty());
    search_page(&state, &ctx, form, searched, NearBy::Home).await
}

async fn search_page(
    state: &AppState,
    ctx: &Ctx,
    mut form: FormData,
    searched: bool,
    near_by: NearBy,
) -> PageResult {
    let is_worker = signed_in_worker(ctx).is_some();
    let home = home_point(state, ctx).await?;
    let mut errors = Errors::default();
    if linghuo_domain::find_unmasked_pii(form.get("q")).is_some() {
        form.set("q", "");
        errors
            .0
            .push(("q".into(), "搜索词里请不要填写身份证号码或手机号码".into()));
    }
    let point = match &near_by {
        NearBy::Point { lat, lon, .. } => {
            form.set("sort", "distance");
            Some((*lat, *lon))
        }
        NearBy::Home | NearBy::Missing(_) => home,
    };
    if form.get("sort") == "distance" && point.is_none() {
        form.set("sort", "relevance");
        errors.0.push((
            "sort".into(),
            "按距离排序需要先以劳动者身份登录，并填写求职信息".into(),
        ));
    }
    let page: usize = form
        .get("page")
        .parse()
        .ok()
        .filter(|p| (1..=50).contains(p))
        .unwrap_or(1);
    let input = SearchInput {
        q: form.opt("q"),
        region: form.opt("region"),
        occupation: form.opt("occupation"),
        form: form.opt("form"),
        pay_at_least: form.opt("pay_at_least"),
        date: form.opt("date"),
        near: point.map(|(lat, lon)| format!("{lat},{lon}")),
        radius_km: None,
        sort: form.opt("sort"),
        limit: Some(PER_PAGE),
        offset: Some((page - 1) * PER_PAGE),
    };
    let mut error = None;
    let mut status = if errors.0.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::BAD_REQUEST
    };
    let results = match state.svc.search_posts_explained(&input).await {
        Ok(r) => r,
        Err(e) => {
            let (s, more, general) = Failure::of(e, SEARCH_FIELDS).parts()?;
            status = s;
            errors.0.extend(more.0);
            error = general;
            SearchResults {
                hits: vec![],
                understood: None,
            }
        }
    };
    let full_page = results.hits.len() == PER_PAGE && page < 50;
    let understood = results.understood.as_deref().map(understood_line);
    let fallback = results
        .hits
        .first()
        .filter(|h| h.tier == "nearby")
        .map(|_| {
            format!(
                "没有找到符合“{}”的活，下面是{}的活",
                form.get("q").trim(),
                if point.is_some() {
                    "离您近"
                } else {
                    "最新"
                }
            )
        });
    let (related, hits): (Vec<PostHit>, Vec<PostHit>) =
        results.hits.into_iter().partition(|h| h.tier == "related");
    let divider = if hits.is_empty() && page == 1 {
        "没有完全符合的活，下面是相近的活"
    } else {
        "没有更多完全符合的，下面是相近的活"
    };
    let filters_count = FILTER_FIELDS
        .iter()
        .filter(|f| !form.get(f).is_empty())
        .count()
        + usize::from(form.get("sort") == "distance" && !matches!(near_by, NearBy::Point { .. }));
    let filter_error = errors
        .0
        .iter()
        .any(|(f, _)| f != "q" && SEARCH_FIELDS.contains(&f.as_str()));
    let filters_set = filters_count > 0 || filter_error;
    // Unfolded while a filter is set, so it can be changed; but when nothing at all was
    // found, the way out (below) comes first on a small screen, the filters one tap away.
    let filters_open = filter_error || filters_set && !(hits.is_empty() && related.is_empty());
    let words_only_link = (filters_set && !form.get("q").trim().is_empty()).then(|| {
        format!(
            "/work?{}",
            serde_urlencoded::to_string([("q", form.get("q").trim())]).unwrap_or_default()
        )
    });
    let (near, near_problem) = match near_by {
        NearBy::Point { view, .. } => (Some(view), None),
        NearBy::Missing(why) => (None, Some(why)),
        NearBy::Home => (None, None),
    };
    let (prev_link, next_link, near_pages) = if near.is_some() {
        let mut pages = Vec::new();
        if page > 1 {
            pages.push((page - 1, "上一页"));
        }
        if full_page {
            pages.push((page + 1, "下一页"));
        }
        (None, None, pages)
    } else {
        (
            (page > 1).then(|| page_link(&form, page - 1)),
            full_page.then(|| page_link(&form, page + 1)),
            Vec::new(),
        )
    };
    Ok(render(
        status,
        &SearchPage {
            ctx: PageCtx::new(ctx, "找活", "/work"),
            form,
            errors,
            error,
            searched,
            hits,
            regions: region_option_list(false),
            occupations: occupation_groups(),
            forms: FORMS,
            is_worker,
            has_home: home.is_some(),
            prev_link,
            next_link,
            understood,
            fallback,
            related,
            divider,
            filters_set,
            filters_open,
            filters_count,
            words_only_link,
            near,
            near_problem,
            near_pages,
        },
    ))
}

/// The signed-in worker, if the visitor is one.
fn signed_in_worker(ctx: &Ctx) -> Option<&linghuo_service::Actor> {
    ctx.actor().filter(|a| a.role == Role::Worker)
}

/// A signed-in worker's home point, from their saved profile (never from the URL).
async fn home_point(state: &AppState, ctx: &Ctx) -> PageResult<Option<(f64, f64)>> {
    Ok(match signed_in_worker(ctx) {
        Some(a) => state.svc.my_profile(a).await?.map(|p| (p.lat, p.lon)),
        None => None,
    })
}

/// Reads a point the phone gave: decimal degrees, on the globe. Anything else is no point.
fn posted_point(form: &NearbyForm) -> Option<(f64, f64)> {
    let lat: f64 = form.lat.parse().ok()?;
    let lon: f64 = form.lon.parse().ok()?;
    (lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon))
    .then_some((lat, lon))
}

/// Why the phone gave no point, in the words of the page (`geo` is set by the page's script).
fn no_point_reason(geo: &str) -> &'static str {
    match geo {
        "denied" => "您没有允许本网站使用手机的位置。",
        "unavailable" | "timeout" => "手机暂时取不到位置（可能没有打开定位）。",
        "unsupported" => "这个浏览器不能提供位置。",
        _ => "没有取得手机的位置。",
    }
}

/// 找附近的活: the phone's point arrives in the body of a POST (never in a URL), is used for
/// this one search and is neither stored nor logged. Without it, a signed-in worker's saved
/// home point is used; anyone else is told why and what to do instead.
/// The point 找附近的活 posts (set by the page's script), beside the search's own fields.
#[derive(Deserialize)]
struct NearbyForm {
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    #[serde(default)]
    geo: String,
}

async fn nearby(
    State(state): State<AppState>,
    ctx: Ctx,
    Form {
        value: point,
        data: posted,
    }: Form<NearbyForm>,
) -> PageResult {
    // Only the public search fields go on; the point is kept apart.
    let mut form = FormData::default();
    for f in FILTER_FIELDS.iter().chain(&["q", "page"]) {
        form.set(f, posted.get(f).to_owned());
    }
    let geo: String = point
        .geo
        .chars()
        .filter(char::is_ascii_lowercase)
        .take(20)
        .collect();
    if let Some((lat, lon)) = posted_point(&point) {
        let view = NearView {
            note: "按您手机现在的位置，由近到远排列。位置只用于这次查找，不会保存。".into(),
            phone: Some((point.lat, point.lon)),
            geo: String::new(),
        };
        return search_page(&state, &ctx, form, true, NearBy::Point { lat, lon, view }).await;
    }
    let reason = no_point_reason(&geo);
    let home = home_point(&state, &ctx).await?;
    let near_by = match (home, signed_in_worker(&ctx)) {
        (Some((lat, lon)), _) => NearBy::Point {
            lat,
            lon,
            view: NearView {
                note: format!("{reason}下面按您求职信息里的地址，由近到远排列。"),
                phone: None,
                geo,
            },
        },
        (None, Some(_)) => NearBy::Missing(format!(
            "{reason}可以在手机设置里打开定位并允许浏览器使用位置，再点“找附近的活”；也可以填写求职信息，按求职信息里的地址找，或者在搜索框里写上地方，比如“小店区 保洁”。"
        )),
        (None, None) => NearBy::Missing(format!(
            "{reason}可以在手机设置里打开定位并允许浏览器使用位置，再点“找附近的活”；也可以在搜索框里写上地方，比如“小店区 保洁”。登录并填写求职信息后，还可以按求职信息里的地址找。"
        )),
    };
    search_page(&state, &ctx, form, true, near_by).await
}
