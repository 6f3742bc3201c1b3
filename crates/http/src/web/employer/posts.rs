//! The employer's side of the gig market: registering the employer, posting jobs (screened
//! before they go live, with the reasons shown when held), applications with 录用, recommended
//! workers (masked) with 邀请, closing a post, and the hires (agreement, pay, completion,
//! rating — the hire pages are shared with workers, see `work.rs`).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linghuo_service::market::{
    EMPLOYER_KINDS, EmployerInput, EmployerView, FORMS, PostInput, PostView,
};
use linghuo_service::market_search::WorkerSuggestion;
use linghuo_service::{Actor, Role};
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::worker::work::{
    Side, application_status_label, direction_label, hire_action, hire_render, hires_list,
    ok_message,
};
use crate::web::{
    Errors, Failure, FormData, FormFailure, OccupationGroup, PageCtx, cst, date_cn, error_page_ctx,
    occupation_groups, path_id, region_options, render, require,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/employer", get(home).post(register))
        .route("/employer/posts", get(posts))
        .route("/employer/posts/new", get(new_post).post(create_post))
        .route("/employer/posts/{id}", get(post_page))
        .route("/employer/posts/{id}/close", post(close_post))
        .route("/employer/posts/{id}/invite", post(invite))
        .route(
            "/employer/posts/{id}/applications/{app_id}/hire",
            post(hire),
        )
        .route("/employer/hires", get(hires))
        .route("/employer/hires/{id}", get(hire_page))
        .route("/employer/hires/{id}/{action}", post(hire_post))
}

/// The caller's employer, or None when the account has not registered one yet.
async fn my_employer(state: &AppState, actor: &Actor) -> Result<Option<EmployerView>, ApiError> {
    match state.svc.my_employer(actor).await {
        Ok(e) => Ok(Some(e)),
        Err(e) => {
            let api = ApiError::from(e);
            if api.code == "employer_missing" {
                Ok(None)
            } else {
                Err(api)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// 用人单位首页 and registration

#[derive(Template)]
#[template(path = "employer/employer_home.html")]
struct HomePage {
    ctx: PageCtx,
    employer: Option<EmployerView>,
    live_posts: usize,
    held_posts: usize,
    active_hires: usize,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
    kinds: &'static [(&'static str, &'static str)],
    counties: Vec<(String, String)>,
}

const EMPLOYER_FIELDS: &[&str] = &[
    "kind",
    "name",
    "uscc",
    "holder_id_number",
    "contact_name",
    "contact_phone",
    "county_code",
    "address",
];

async fn home_render(
    state: &AppState,
    ctx: &Ctx,
    form: Option<FormData>,
    failure: Option<FormFailure>,
    ok: Option<&'static str>,
) -> Response {
    let actor = match require(ctx, &[Role::Employer]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let employer = match my_employer(state, actor).await {
        Ok(e) => e,
        Err(api) => return error_page_ctx(ctx, api),
    };
    let (mut live_posts, mut held_posts, mut active_hires) = (0, 0, 0);
    if employer.is_some() {
        match state.svc.my_posts(actor).await {
            Ok(p) => {
                live_posts = p.iter().filter(|p| p.status == "live").count();
                held_posts = p.iter().filter(|p| p.status == "held").count();
            }
            Err(e) => return error_page_ctx(ctx, e.into()),
        }
        match state.svc.my_hires(actor).await {
            Ok(h) => active_hires = h.iter().filter(|h| h.status == "active").count(),
            Err(e) => return error_page_ctx(ctx, e.into()),
        }
    }
    let form = form.unwrap_or_else(|| {
        let mut f = FormData::default();
        f.set("kind", "enterprise");
        f
    });
    let (status, errors, error) = failure.unwrap_or((StatusCode::OK, Errors::default(), None));
    render(
        status,
        &HomePage {
            ctx: PageCtx::new(ctx, "用人单位", "/employer"),
            employer,
            live_posts,
            held_posts,
            active_hires,
            form,
            errors,
            error,
            ok,
            kinds: EMPLOYER_KINDS,
            counties: region_options(true),
        },
    )
}

async fn home(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    home_render(&state, &ctx, None, None, ok_message(&q)).await
}

async fn register(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let actor = match require(&ctx, &[Role::Employer]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mut form = FormData::parse(&body);
    let input = EmployerInput {
        kind: form.get("kind").to_owned(),
        name: form.get("name").to_owned(),
        uscc: form.opt("uscc"),
        holder_id_number: form.opt("holder_id_number"),
        contact_name: form.get("contact_name").to_owned(),
        contact_phone: form.opt("contact_phone"),
        county_code: form.get("county_code").to_owned(),
        address: form.opt("address"),
    };
    match state.svc.register_employer(actor, input).await {
        Ok(_) => Redirect::to("/employer?ok=registered").into_response(),
        Err(e) => match Failure::of(e, EMPLOYER_FIELDS).parts() {
            Ok((status, mut errors, error)) => {
                // A valid ID or phone number is not sent back into the page; one with a
                // mistake is, so it can be corrected.
                for f in ["holder_id_number", "contact_phone"] {
                    if errors.get(f).is_none() && !form.get(f).is_empty() {
                        form.set(f, "");
                        errors
                            .0
                            .push((f.to_owned(), "为保护个人信息，请重新输入".to_owned()));
                    }
                }
                home_render(
                    &state,
                    &ctx,
                    Some(form),
                    Some((status, errors, error)),
                    None,
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

// ---------------------------------------------------------------------------------------
// 我的岗位 and 发布岗位

pub struct PostLine {
    pub p: PostView,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "employer/employer_posts.html")]
struct PostsPage {
    ctx: PageCtx,
    items: Vec<PostLine>,
}

async fn posts(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match require(&ctx, &[Role::Employer]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match my_employer(&state, actor).await {
        Ok(Some(_)) => {}
        Ok(None) => return Redirect::to("/employer").into_response(),
        Err(api) => return error_page_ctx(&ctx, api),
    }
    let list = match state.svc.my_posts(actor).await {
        Ok(l) => l,
        Err(e) => return error_page_ctx(&ctx, e.into()),
    };
    render(
        StatusCode::OK,
        &PostsPage {
            ctx: PageCtx::new(&ctx, "我的岗位", "/employer/posts"),
            items: list
                .into_iter()
                .map(|p| PostLine {
                    expires: date_cn(p.expires_on),
                    p,
                })
                .collect(),
        },
    )
}

#[derive(Template)]
#[template(path = "employer/employer_post_new.html")]
struct NewPostPage {
    ctx: PageCtx,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    occupations: &'static [OccupationGroup],
    forms: &'static [(&'static str, &'static str)],
    counties: Vec<(String, String)>,
    verified: bool,
}

const POST_FIELDS: &[&str] = &[
    "title",
    "description",
    "occupation",
    "trade_words",
    "form",
    "county_code",
    "address",
    "starts_on",
    "ends_on",
    "schedule",
    "hours_per_week",
    "pay",
    "typical_daily_pay",
    "pay_amount",
    "pay_unit",
    "headcount",
    "required_certificates",
    "skills",
    "expires_on",
];

async fn new_post_render(
    state: &AppState,
    ctx: &Ctx,
    form: Option<FormData>,
    failure: Option<FormFailure>,
) -> Response {
    let actor = match require(ctx, &[Role::Employer]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let employer = match my_employer(state, actor).await {
        Ok(Some(e)) => e,
        Ok(None) => return Redirect::to("/employer").into_response(),
        Err(api) => return error_page_ctx(ctx, api),
    };
    let form = form.unwrap_or_else(|| {
        let mut f = FormData::default();
        f.set("form", "gig");
        f.set("county_code", employer.county_code.clone());
        f.set("headcount", "1");
        f.set("starts_on", state.svc.clock.today_cst().to_string());
        f
    });
    let (status, errors, error) = failure.unwrap_or((StatusCode::OK, Errors::default(), None));
    render(
        status,
        &NewPostPage {
            ctx: PageCtx::new(ctx, "发布岗位", "/employer/posts/new"),
            form,
            errors,
            error,
            occupations: occupation_groups(),
            forms: FORMS,
            counties: region_options(true),
            verified: employer.verified,
        },
    )
}

async fn new_post(State(state): State<AppState>, ctx: Ctx) -> Response {
    new_post_render(&state, &ctx, None, None).await
}

/// A whole number typed in a form: None when blank.
fn whole(form: &FormData, name: &str, message: &str) -> Result<Option<i64>, Failure> {
    match form.opt(name) {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .map(Some)
            .map_err(|_| Failure::field(name, message)),
    }
}

async fn create_post(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let actor = match require(&ctx, &[Role::Employer]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let numbers = whole(
        &form,
        "hours_per_week",
        "请填写每周工作小时数（整数），例如 20",
    )
    .and_then(|h| {
        whole(&form, "headcount", "请填写招聘人数（整数），例如 2")?
            .ok_or_else(|| Failure::field("headcount", "请填写招聘人数（整数），例如 2"))
            .map(|n| (h, n))
    });
    let result = match numbers {
        Ok((hours_per_week, headcount)) => state
            .svc
            .create_post(
                actor,
                PostInput {
                    title: form.get("title").to_owned(),
                    description: form.get("description").to_owned(),
                    occupation: form.get("occupation").to_owned(),
                    trade_words: form.opt("trade_words"),
                    form: form.get("form").to_owned(),
                    county_code: form.get("county_code").to_owned(),
                    address: form.opt("address"),
                    lat: None,
                    lon: None,
                    starts_on: form.get("starts_on").to_owned(),
                    ends_on: form.opt("ends_on"),
                    schedule: form.opt("schedule"),
                    hours_per_week,
                    pay: form.opt("pay"),
                    // The earlier pair still works for forms saved before the pay field.
                    pay_amount: form.get("pay_amount").to_owned(),
                    pay_unit: form.get("pay_unit").to_owned(),
                    typical_daily_pay: form.opt("typical_daily_pay"),
                    headcount,
                    required_certificates: form.list("required_certificates"),
                    skills: form.list("skills"),
                    accident_cover: form.has("accident_cover", "1"),
                    expires_on: form.opt("expires_on"),
                    external_id: None,
                },
            )
            .await
            .map_err(|e| Failure::of(e, POST_FIELDS)),
        Err(f) => Err(f),
    };
    match result.map_err(Failure::parts) {
        Ok(p) => Redirect::to(&format!("/employer/posts/{}?ok=created", p.id)).into_response(),
        Err(Ok(f)) => new_post_render(&state, &ctx, Some(form), Some(f)).await,
        Err(Err(api)) => error_page_ctx(&ctx, api),
    }
}

// ---------------------------------------------------------------------------------------
// 岗位详情: applications with 录用, candidates with 邀请, 关闭

pub struct ApplicationLine {
    pub id: Uuid,
    pub worker_name: String,
    pub direction: &'static str,
    pub status: &'static str,
    pub message: String,
    pub created: String,
    pub can_hire: bool,
    pub start_value: String,
    pub start_error: Option<String>,
}

pub struct CandidateLine {
    pub s: WorkerSuggestion,
    pub message_value: String,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "employer/employer_post.html")]
struct PostPage {
    ctx: PageCtx,
    post: PostView,
    just_created: bool,
    ok: Option<&'static str>,
    error: Option<String>,
    applications: Vec<ApplicationLine>,
    candidates: Vec<CandidateLine>,
}

/// Which row of the page a failed form belongs to, with what was typed and what went wrong.
struct RowFailure {
    row: Uuid,
    value: String,
    failure: FormFailure,
}

async fn post_render(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    ok_code: Option<String>,
    failed: Option<RowFailure>,
) -> Response {
    let actor = match require(ctx, &[Role::Employer]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    // Applications first: it also checks the post is the caller's own.
    let apps = match state.svc.applications_for_post(actor, id).await {
        Ok(a) => a,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let post = match state.svc.get_post(Some(actor), id).await {
        Ok(p) => p,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let live = post.status == "live";
    let candidates = if live {
        match state.svc.recommend_workers(actor, id, 20).await {
            Ok(c) => c,
            Err(e) => return error_page_ctx(ctx, e.into()),
        }
    } else {
        vec![]
    };
    let (status, mut general) = match &failed {
        Some(f) => (f.failure.0, f.failure.2.clone()),
        None => (StatusCode::OK, None),
    };
    let row_error = |row: Uuid, field: &str| -> Option<String> {
        failed
            .as_ref()
            .filter(|f| f.row == row)
            .and_then(|f| f.failure.1.get(field).cloned())
    };
    let row_value = |row: Uuid, default: String| -> String {
        match &failed {
            Some(f) if f.row == row => f.value.clone(),
            _ => default,
        }
    };
    let default_start = std::cmp::max(post.starts_on, state.svc.clock.today_cst()).to_string();
    let applications = apps
        .into_iter()
        .map(|a| ApplicationLine {
            id: a.id,
            can_hire: live
                && ((a.direction == "apply" && a.status == "pending")
                    || (a.direction == "invite" && a.status == "accepted")),
            start_value: row_value(a.id, default_start.clone()),
            start_error: row_error(a.id, "start_date"),
            worker_name: a.worker_name,
            direction: direction_label(&a.direction),
            status: application_status_label(&a.status),
            message: a.message,
            created: cst(&a.created_at),
        })
        .collect();
    let candidates = candidates
        .into_iter()
        .map(|s| CandidateLine {
            message_value: row_value(s.person_id, String::new()),
            error: row_error(s.person_id, "message"),
            s,
        })
        .collect();
    // A failure on a row that is no longer shown is said above the page.
    if let Some(f) = &failed
        && general.is_none()
        && let Some((_, m)) = f.failure.1.0.first()
    {
        general = Some(m.clone());
    }
    let just_created = ok_code.as_deref() == Some("created");
    let ok = ok_message(&ok_code.map(|c| format!("ok={c}")));
    let title = post.title.clone();
    render(
        status,
        &PostPage {
            ctx: PageCtx::new(ctx, title, "/employer/posts"),
            just_created,
            post,
            ok,
            error: general,
            applications,
            candidates,
        },
    )
}

async fn post_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let code = FormData::parse(q.as_deref().unwrap_or("").as_bytes()).opt("ok");
    post_render(&state, &ctx, id, code, None).await
}

async fn close_post(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let actor = match require(&ctx, &[Role::Employer]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match state.svc.close_post(actor, id).await {
        Ok(_) => Redirect::to(&format!("/employer/posts/{id}?ok=closed")).into_response(),
        Err(e) => match Failure::of(e, &[]).parts() {
            Ok(f) => {
                post_render(
                    &state,
                    &ctx,
                    id,
                    None,
                    Some(RowFailure {
                        row: Uuid::nil(),
                        value: String::new(),
                        failure: f,
                    }),
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match require(&ctx, &[Role::Employer]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let Ok(person) = Uuid::parse_str(form.get("person_id")) else {
        return error_page_ctx(&ctx, ApiError::not_found());
    };
    match state
        .svc
        .invite(actor, id, person, form.get("message"))
        .await
    {
        Ok(_) => Redirect::to(&format!("/employer/posts/{id}?ok=invited")).into_response(),
        Err(e) => match Failure::of(e, &["message"]).parts() {
            Ok(f) => {
                post_render(
                    &state,
                    &ctx,
                    id,
                    None,
                    Some(RowFailure {
                        row: person,
                        value: form.get("message").to_owned(),
                        failure: f,
                    }),
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

async fn hire(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, app_id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let actor = match require(&ctx, &[Role::Employer]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let (id, app_id) = match (path_id(&ctx, &id), path_id(&ctx, &app_id)) {
        (Ok(i), Ok(a)) => (i, a),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let form = FormData::parse(&body);
    match state.svc.hire(actor, app_id, form.get("start_date")).await {
        Ok(h) => Redirect::to(&format!("/employer/hires/{}?ok=hired", h.id)).into_response(),
        Err(e) => match Failure::of(e, &["start_date"]).parts() {
            Ok(f) => {
                post_render(
                    &state,
                    &ctx,
                    id,
                    None,
                    Some(RowFailure {
                        row: app_id,
                        value: form.get("start_date").to_owned(),
                        failure: f,
                    }),
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

// ---------------------------------------------------------------------------------------
// 用工管理

async fn hires(State(state): State<AppState>, ctx: Ctx) -> Response {
    hires_list(&state, &ctx, Side::Employer).await
}

async fn hire_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    hire_render(&state, &ctx, Side::Employer, id, None, None, ok_message(&q)).await
}

async fn hire_post(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    hire_action(&state, &ctx, Side::Employer, &id, &action, &body).await
}
