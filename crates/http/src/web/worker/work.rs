//! The gig market for workers and the public: 找活 (search, open to everyone), a post's
//! details with the 报名 form, 为我推荐 with every reason, the job-seeking profile, my
//! applications and invitations, and my hires with the agreement, pay and rating. The hire
//! pages are shared with employers (`employer.rs`), each side seeing its own buttons.
//!
//! Nothing personal goes in a URL: the search's "离我近" uses the worker's saved home point,
//! looked up here on the server; everything else in the search query is a public filter.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Duration;
use linghuo_service::market::{ApplicationView, FORMS, HireView, PAY_UNITS, PayView, PostView};
use linghuo_service::market_search::{JobSuggestion, PostHit, SearchInput};
use linghuo_service::market_worker::{ProfileInput, ProfileView, RatingInput};
use linghuo_service::{Actor, Role};
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{
    Errors, Failure, FormData, FormFailure, OccupationGroup, PageCtx, cst, date_cn, error_page_ctx,
    occupation_groups, path_id, region_option_list, render, require,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/work", get(search))
        .route(
            "/work/nearby",
            post(nearby).get(|| async { Redirect::to("/work") }),
        )
        .route("/work/posts/{id}", get(post_page))
        .route("/work/posts/{id}/apply", post(apply))
        .route("/work/recommended", get(recommended))
        .route("/work/profile", get(profile_page).post(profile_save))
        .route("/work/applications", get(applications))
        .route("/work/applications/{id}/answer", post(answer))
        .route("/work/hires", get(worker_hires))
        .route("/work/hires/{id}", get(worker_hire))
        .route(
            "/work/hires/{id}/pay/{pay_id}/confirm",
            post(worker_confirm_pay),
        )
        .route("/work/hires/{id}/{action}", post(worker_hire_action))
}

const PER_PAGE: usize = 20;

/// A short message after a POST-redirect-GET, chosen by a fixed code in the query string.
pub(crate) fn ok_message(query: &Option<String>) -> Option<&'static str> {
    let form = FormData::parse(query.as_deref().unwrap_or("").as_bytes());
    Some(match form.get("ok") {
        "applied" => "报名成功，请等待用人单位答复。",
        "answered" => "已提交您的答复。",
        "saved" => "求职信息已保存。",
        "confirmed" => "已确认约定。",
        "paid" => "已确认收到报酬。",
        "completed" => "已标记完工。",
        "rated" => "评价已提交。",
        "agreement" => "约定已提出，等待劳动者确认。",
        "pay" => "报酬记录已登记，等待劳动者确认收到。",
        "hired" => "已录用，用工登记已自动办理。",
        "created" => "岗位已提交。",
        "closed" => "岗位已关闭。",
        "invited" => "已发出邀请，等待求职者答复。",
        "registered" => "单位信息已登记。",
        "approved" => "已审核通过，岗位已上线。",
        "rejected" => "已退回，用人单位会看到不通过的原因。",
        "verified" => "已核验该用人单位。",
        "read" => "已标为已读。",
        _ => return None,
    })
}

pub(crate) fn form_label(code: &str) -> &'static str {
    FORMS
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

pub(crate) fn application_status_label(status: &str) -> &'static str {
    match status {
        "pending" => "待答复",
        "accepted" => "已接受邀请",
        "declined" => "已谢绝",
        "withdrawn" => "已撤回",
        "hired" => "已录用",
        "rejected" => "未录用",
        _ => "其他",
    }
}

pub(crate) fn direction_label(direction: &str) -> &'static str {
    if direction == "invite" {
        "单位邀请"
    } else {
        "本人报名"
    }
}

fn hire_status_label(status: &str) -> &'static str {
    match status {
        "active" => "进行中",
        "completed" => "已完工",
        _ => "已结束",
    }
}

// ---------------------------------------------------------------------------------------
// 找活: search

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

async fn search(State(state): State<AppState>, ctx: Ctx, RawQuery(raw): RawQuery) -> Response {
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
) -> Response {
    let worker = ctx.actor().filter(|a| a.role == Role::Worker);
    // The worker's home point comes from their saved profile, never from the URL.
    let home = match worker {
        Some(a) => match state.svc.my_profile(a).await {
            Ok(p) => p.map(|p| (p.lat, p.lon)),
            Err(e) => return error_page_ctx(ctx, e.into()),
        },
        None => None,
    };
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
        Err(e) => match Failure::of(e, SEARCH_FIELDS).parts() {
            Ok((s, more, general)) => {
                status = s;
                errors.0.extend(more.0);
                error = general;
                linghuo_service::market_search::SearchResults {
                    hits: vec![],
                    understood: None,
                }
            }
            Err(api) => return error_page_ctx(ctx, api),
        },
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
    render(
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
            is_worker: worker.is_some(),
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
    )
}

/// Reads a point the phone gave: decimal degrees, on the globe. Anything else is no point.
fn posted_point(form: &FormData) -> Option<(f64, f64)> {
    let lat: f64 = form.get("lat").trim().parse().ok()?;
    let lon: f64 = form.get("lon").trim().parse().ok()?;
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
async fn nearby(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let posted = FormData::parse(&body);
    // Only the public search fields go on; the point is kept apart.
    let mut form = FormData::default();
    for f in FILTER_FIELDS.iter().chain(&["q", "page"]) {
        form.set(f, posted.get(f).to_owned());
    }
    let geo: String = posted
        .get("geo")
        .chars()
        .filter(char::is_ascii_lowercase)
        .take(20)
        .collect();
    if let Some((lat, lon)) = posted_point(&posted) {
        let view = NearView {
            note: "按您手机现在的位置，由近到远排列。位置只用于这次查找，不会保存。".into(),
            phone: Some((
                posted.get("lat").trim().into(),
                posted.get("lon").trim().into(),
            )),
            geo: String::new(),
        };
        return search_page(&state, &ctx, form, true, NearBy::Point { lat, lon, view }).await;
    }
    let reason = no_point_reason(&geo);
    let worker = ctx.actor().filter(|a| a.role == Role::Worker);
    let home = match worker {
        Some(a) => match state.svc.my_profile(a).await {
            Ok(p) => p.map(|p| (p.lat, p.lon)),
            Err(e) => return error_page_ctx(&ctx, e.into()),
        },
        None => None,
    };
    let near_by = match (home, worker) {
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

// ---------------------------------------------------------------------------------------
// 岗位详情 and 报名

#[derive(Template)]
#[template(path = "worker/work_post.html")]
struct PostPage {
    ctx: PageCtx,
    post: PostView,
    anonymous: bool,
    is_worker: bool,
    /// The worker's earlier application to this post: (status label, direction label).
    applied: Option<(&'static str, &'static str)>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
}

async fn show_post(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    form: FormData,
    failure: Option<FormFailure>,
) -> Response {
    let post = match state.svc.get_post(ctx.actor(), id).await {
        Ok(p) => p,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let worker = ctx.actor().filter(|a| a.role == Role::Worker);
    let applied = match worker {
        Some(a) => match state.svc.my_applications(a).await {
            Ok(list) => list.iter().find(|x| x.post_id == id).map(|x| {
                (
                    application_status_label(&x.status),
                    direction_label(&x.direction),
                )
            }),
            Err(e) => return error_page_ctx(ctx, e.into()),
        },
        None => None,
    };
    let (status, errors, error) = failure.unwrap_or((StatusCode::OK, Errors::default(), None));
    let title = post.title.clone();
    render(
        status,
        &PostPage {
            ctx: PageCtx::new(ctx, title, &format!("/work/posts/{id}")),
            post,
            anonymous: ctx.actor().is_none(),
            is_worker: worker.is_some(),
            applied,
            form,
            errors,
            error,
        },
    )
}

async fn post_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    show_post(&state, &ctx, id, FormData::default(), None).await
}

async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    match state.svc.apply(actor, id, form.get("message")).await {
        Ok(_) => Redirect::to("/work/applications?ok=applied").into_response(),
        Err(e) => match Failure::of(e, &["message"]).parts() {
            Ok(f) => show_post(&state, &ctx, id, form, Some(f)).await,
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

// ---------------------------------------------------------------------------------------
// 为我推荐

#[derive(Template)]
#[template(path = "worker/work_recommended.html")]
struct RecommendedPage {
    ctx: PageCtx,
    items: Vec<JobSuggestion>,
    missing_profile: bool,
}

async fn recommended(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (items, missing_profile) = match state.svc.recommend_jobs(actor, 20).await {
        Ok(items) => (items, false),
        Err(e) => {
            let api = ApiError::from(e);
            if api.code == "profile_missing" {
                (vec![], true)
            } else {
                return error_page_ctx(&ctx, api);
            }
        }
    };
    render(
        StatusCode::OK,
        &RecommendedPage {
            ctx: PageCtx::new(&ctx, "为我推荐", "/work/recommended"),
            items,
            missing_profile,
        },
    )
}

// ---------------------------------------------------------------------------------------
// 求职信息

#[derive(Template)]
#[template(path = "worker/work_profile.html")]
struct ProfilePage {
    ctx: PageCtx,
    current: Option<ProfileView>,
    wanted_labels: Vec<&'static str>,
    updated: String,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
    forms: &'static [(&'static str, &'static str)],
    units: &'static [(&'static str, &'static str)],
}

const PROFILE_FIELDS: &[&str] = &[
    "occupations",
    "skills",
    "certificates",
    "radius_km",
    "availability",
    "expected_pay_amount",
    "expected_pay_unit",
    "wanted_forms",
];

/// The form filled with the saved profile (or the defaults).
fn profile_form(p: Option<&ProfileView>) -> FormData {
    let mut f = FormData::default();
    match p {
        Some(p) => {
            f.set("occupations", p.occupation_names.join("、"));
            f.set("skills", p.skills.join("、"));
            f.set("certificates", p.certificates.join("、"));
            f.set("radius_km", p.radius_km.to_string());
            // "每天 不限时段" is how an any-time profile reads; the form takes "每天".
            f.set(
                "availability",
                p.availability.replace("不限时段", "").trim().to_owned(),
            );
            f.set(
                "expected_pay_amount",
                p.expected_pay_amount.clone().unwrap_or_default(),
            );
            f.set(
                "expected_pay_unit",
                p.expected_pay_unit.clone().unwrap_or_else(|| "hour".into()),
            );
            for w in &p.wanted_forms {
                f.push("wanted_forms", w.clone());
            }
        }
        None => {
            f.set("radius_km", "10");
            f.set("expected_pay_unit", "hour");
        }
    }
    f
}

async fn profile_render(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    form: Option<FormData>,
    failure: Option<FormFailure>,
    ok: Option<&'static str>,
) -> Response {
    let current = match state.svc.my_profile(actor).await {
        Ok(p) => p,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let form = form.unwrap_or_else(|| profile_form(current.as_ref()));
    let wanted_labels = current
        .as_ref()
        .map(|p| p.wanted_forms.iter().map(|w| form_label(w)).collect())
        .unwrap_or_default();
    let updated = current
        .as_ref()
        .map(|p| cst(&p.updated_at))
        .unwrap_or_default();
    let (status, errors, error) = failure.unwrap_or((StatusCode::OK, Errors::default(), None));
    render(
        status,
        &ProfilePage {
            ctx: PageCtx::new(ctx, "求职信息", "/work/profile"),
            current,
            wanted_labels,
            updated,
            form,
            errors,
            error,
            ok,
            forms: FORMS,
            units: PAY_UNITS,
        },
    )
}

async fn profile_page(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    profile_render(&state, &ctx, actor, None, None, ok_message(&q)).await
}

async fn profile_save(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let radius_km = match form.opt("radius_km").map(|s| s.parse::<f64>()) {
        None => None,
        Some(Ok(r)) if r.is_finite() => Some(r),
        Some(_) => {
            let f = Failure::field("radius_km", "请填写数字（公里），例如 10").parts();
            return match f {
                Ok(f) => profile_render(&state, &ctx, actor, Some(form), Some(f), None).await,
                Err(api) => error_page_ctx(&ctx, api),
            };
        }
    };
    let input = ProfileInput {
        occupations: form.list("occupations"),
        skills: form.list("skills"),
        certificates: form.list("certificates"),
        lat: None,
        lon: None,
        radius_km,
        availability: form.opt("availability"),
        expected_pay_amount: form.opt("expected_pay_amount"),
        expected_pay_unit: form.opt("expected_pay_unit"),
        wanted_forms: form.all("wanted_forms"),
    };
    match state.svc.set_profile(actor, input).await {
        Ok(_) => Redirect::to("/work/profile?ok=saved").into_response(),
        Err(e) => match Failure::of(e, PROFILE_FIELDS).parts() {
            Ok(f) => profile_render(&state, &ctx, actor, Some(form), Some(f), None).await,
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

// ---------------------------------------------------------------------------------------
// 我的报名

pub struct ApplicationLine {
    pub v: ApplicationView,
    pub direction: &'static str,
    pub status: &'static str,
    pub created: String,
    pub can_answer: bool,
    pub can_withdraw: bool,
}

#[derive(Template)]
#[template(path = "worker/work_applications.html")]
struct ApplicationsPage {
    ctx: PageCtx,
    items: Vec<ApplicationLine>,
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn applications_render(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let list = match state.svc.my_applications(actor).await {
        Ok(l) => l,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let items = list
        .into_iter()
        .map(|v| ApplicationLine {
            direction: direction_label(&v.direction),
            status: application_status_label(&v.status),
            created: cst(&v.created_at),
            can_answer: v.direction == "invite" && v.status == "pending",
            can_withdraw: (v.direction == "apply" && v.status == "pending")
                || (v.direction == "invite" && v.status == "accepted"),
            v,
        })
        .collect();
    render(
        status,
        &ApplicationsPage {
            ctx: PageCtx::new(ctx, "我的报名", "/work/applications"),
            items,
            ok,
            error,
        },
    )
}

async fn applications(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    applications_render(&state, &ctx, actor, StatusCode::OK, ok_message(&q), None).await
}

async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    match state
        .svc
        .answer_application(actor, id, form.get("answer"))
        .await
    {
        Ok(_) => Redirect::to("/work/applications?ok=answered").into_response(),
        Err(e) => match Failure::of(e, &[]).parts() {
            Ok((status, _, error)) => {
                applications_render(&state, &ctx, actor, status, None, error).await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

// ---------------------------------------------------------------------------------------
// 用工 (hires): shared by the worker's and the employer's pages.

/// Which side of a hire the page is for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Worker,
    Employer,
}

impl Side {
    fn base(self) -> &'static str {
        match self {
            Side::Worker => "/work/hires",
            Side::Employer => "/employer/hires",
        }
    }

    fn role(self) -> Role {
        match self {
            Side::Worker => Role::Worker,
            Side::Employer => Role::Employer,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Side::Worker => "我的用工",
            Side::Employer => "用工管理",
        }
    }
}

pub struct HireLine {
    pub h: HireView,
    pub status: &'static str,
    pub start: String,
    /// What is waiting for the viewer, in words.
    pub todo: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "worker/work_hires.html")]
struct HiresPage {
    ctx: PageCtx,
    employer_side: bool,
    base: &'static str,
    items: Vec<HireLine>,
}

fn todo_of(h: &HireView, side: Side) -> Vec<&'static str> {
    let mut todo = Vec::new();
    match (&h.agreement, side) {
        (None, Side::Employer) => todo.push("请提出约定"),
        (None, Side::Worker) => todo.push("等待用人方提出约定"),
        (Some(a), Side::Worker) if !a.worker_confirmed => todo.push("约定待您确认"),
        (Some(a), Side::Employer) if !a.worker_confirmed => todo.push("约定待劳动者确认"),
        _ => {}
    }
    if h.pay.iter().any(|p| p.overdue) {
        todo.push("有报酬已逾期未确认");
    } else if side == Side::Worker && h.pay.iter().any(|p| !p.worker_confirmed) {
        todo.push("有报酬待您确认收到");
    }
    todo
}

pub(crate) async fn hires_list(state: &AppState, ctx: &Ctx, side: Side) -> Response {
    let actor = match require(ctx, &[side.role()]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let list = match state.svc.my_hires(actor).await {
        Ok(l) => l,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let items = list
        .into_iter()
        .map(|h| HireLine {
            status: hire_status_label(&h.status),
            start: date_cn(h.start_date),
            todo: todo_of(&h, side),
            h,
        })
        .collect();
    render(
        StatusCode::OK,
        &HiresPage {
            ctx: PageCtx::new(ctx, side.title(), side.base()),
            employer_side: side == Side::Employer,
            base: side.base(),
            items,
        },
    )
}

pub struct PayLine {
    pub p: PayView,
    pub amount: String,
    pub due: String,
    pub overdue_days: i64,
}

pub struct RatingLine {
    pub rater: &'static str,
    pub score: i64,
    pub comment: String,
    pub at: String,
}

#[derive(Template)]
#[template(path = "worker/work_hire.html")]
struct HirePage {
    ctx: PageCtx,
    employer_side: bool,
    base: &'static str,
    hire: HireView,
    status: &'static str,
    start: String,
    pay: Vec<PayLine>,
    ratings: Vec<RatingLine>,
    rated: bool,
    units: &'static [(&'static str, &'static str)],
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

/// Defaults of the employer's forms on a hire: the agreement from the post's own terms.
async fn hire_defaults(state: &AppState, actor: &Actor, hire: &HireView, side: Side) -> FormData {
    let mut f = FormData::default();
    f.set("score", "5");
    if side == Side::Employer {
        if let Ok(p) = state.svc.get_post(Some(actor), hire.post_id).await {
            f.set("service_time", p.schedule.clone());
            // An agreement states an amount per hour, day, month or piece: the post's own
            // when it is one of those, otherwise left for the employer to write.
            match (p.pay_amount, p.pay_unit.as_deref()) {
                (Some(a), Some(u @ ("hour" | "day" | "month" | "piece"))) => {
                    f.set("pay_amount", a.to_string());
                    f.set("pay_unit", u);
                }
                _ => f.set("pay_unit", "day"),
            }
            if p.accident_cover {
                f.set("accident_cover", "1");
            }
        }
        f.set("pay_cycle_days", "7");
        f.set(
            "first_pay_on",
            (hire.start_date + Duration::days(7)).to_string(),
        );
        f.set("rest", "法定节假日休息");
    }
    f
}

pub(crate) async fn hire_render(
    state: &AppState,
    ctx: &Ctx,
    side: Side,
    id: Uuid,
    submitted: Option<FormData>,
    failure: Option<FormFailure>,
    ok: Option<&'static str>,
) -> Response {
    let actor = match require(ctx, &[side.role()]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let hire = match state.svc.get_hire(actor, id).await {
        Ok(h) => h,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let ratings = match state.svc.hire_ratings(actor, id).await {
        Ok(r) => r,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let mine = match side {
        Side::Worker => "worker",
        Side::Employer => "employer",
    };
    let rated = ratings.iter().any(|r| r.rater == mine);
    let ratings = ratings
        .into_iter()
        .map(|r| RatingLine {
            rater: if r.rater == "employer" {
                "用人方评价劳动者"
            } else {
                "劳动者评价用人方"
            },
            score: r.score,
            comment: r.comment,
            at: cst(&r.created_at),
        })
        .collect();
    let today = state.svc.clock.today_cst();
    let pay = hire
        .pay
        .iter()
        .map(|p| PayLine {
            amount: p.amount.to_display(),
            due: date_cn(p.due_on),
            overdue_days: (today - p.due_on).num_days(),
            p: p.clone(),
        })
        .collect();
    let defaults = hire_defaults(state, actor, &hire, side).await;
    let form = match &submitted {
        Some(s) => defaults.overlay(s),
        None => defaults,
    };
    let (status, errors, error) = failure.unwrap_or((StatusCode::OK, Errors::default(), None));
    render(
        status,
        &HirePage {
            ctx: PageCtx::new(ctx, "用工详情", side.base()),
            employer_side: side == Side::Employer,
            base: side.base(),
            status: hire_status_label(&hire.status),
            start: date_cn(hire.start_date),
            hire,
            pay,
            ratings,
            rated,
            units: PAY_UNITS,
            form,
            errors,
            error,
            ok,
        },
    )
}

const HIRE_FIELDS: &[&str] = &[
    "service_time",
    "pay_amount",
    "pay_unit",
    "pay_cycle_days",
    "first_pay_on",
    "rest",
    "safety",
    "period",
    "amount",
    "due_on",
    "score",
    "comment",
];

/// One action on a hire from its page; success goes back to the page with a message.
pub(crate) async fn hire_action(
    state: &AppState,
    ctx: &Ctx,
    side: Side,
    id: &str,
    action: &str,
    body: &[u8],
) -> Response {
    let actor = match require(ctx, &[side.role()]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(ctx, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(body);
    let svc = &state.svc;
    let result: Result<&'static str, Failure> = match (action, side) {
        ("confirm", _) => svc
            .confirm_agreement(actor, id)
            .await
            .map(|_| "confirmed")
            .map_err(|e| Failure::of(e, HIRE_FIELDS)),
        ("complete", _) => svc
            .complete_hire(actor, id)
            .await
            .map(|_| "completed")
            .map_err(|e| Failure::of(e, HIRE_FIELDS)),
        ("rate", _) => match form.get("score").parse::<i64>() {
            Ok(score) => svc
                .rate_hire(
                    actor,
                    id,
                    RatingInput {
                        score,
                        comment: form.get("comment").to_owned(),
                    },
                )
                .await
                .map(|_| "rated")
                .map_err(|e| Failure::of(e, HIRE_FIELDS)),
            Err(_) => Err(Failure::field("score", "请选择1至5分")),
        },
        ("agreement", Side::Employer) => match form.get("pay_cycle_days").parse::<i64>() {
            Ok(days) => svc
                .propose_agreement(
                    actor,
                    id,
                    linghuo_service::market::AgreementInput {
                        service_time: form.get("service_time").to_owned(),
                        pay_amount: form.get("pay_amount").to_owned(),
                        pay_unit: form.get("pay_unit").to_owned(),
                        pay_cycle_days: days,
                        first_pay_on: form.get("first_pay_on").to_owned(),
                        rest: form.get("rest").to_owned(),
                        safety: form.get("safety").to_owned(),
                        accident_cover: form.has("accident_cover", "1"),
                    },
                )
                .await
                .map(|_| "agreement")
                .map_err(|e| Failure::of(e, HIRE_FIELDS)),
            Err(_) => Err(Failure::field(
                "pay_cycle_days",
                "请填写结算周期天数（整数），例如 7",
            )),
        },
        ("pay", Side::Employer) => svc
            .record_pay(
                actor,
                id,
                form.get("period"),
                form.get("amount"),
                form.get("due_on"),
            )
            .await
            .map(|_| "pay")
            .map_err(|e| Failure::of(e, HIRE_FIELDS)),
        _ => return error_page_ctx(ctx, ApiError::not_found()),
    };
    match result.map_err(Failure::parts) {
        Ok(ok) => Redirect::to(&format!("{}/{id}?ok={ok}", side.base())).into_response(),
        Err(Ok(f)) => hire_render(state, ctx, side, id, Some(form), Some(f), None).await,
        Err(Err(api)) => error_page_ctx(ctx, api),
    }
}

async fn worker_hires(State(state): State<AppState>, ctx: Ctx) -> Response {
    hires_list(&state, &ctx, Side::Worker).await
}

async fn worker_hire(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    hire_render(&state, &ctx, Side::Worker, id, None, None, ok_message(&q)).await
}

async fn worker_hire_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    hire_action(&state, &ctx, Side::Worker, &id, &action, &body).await
}

async fn worker_confirm_pay(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, pay_id)): Path<(String, String)>,
) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (id, pay_id) = match (path_id(&ctx, &id), path_id(&ctx, &pay_id)) {
        (Ok(i), Ok(p)) => (i, p),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    match state.svc.confirm_pay(actor, id, pay_id).await {
        Ok(_) => Redirect::to(&format!("/work/hires/{id}?ok=paid")).into_response(),
        Err(e) => match Failure::of(e, &[]).parts() {
            Ok(f) => hire_render(&state, &ctx, Side::Worker, id, None, Some(f), None).await,
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}
