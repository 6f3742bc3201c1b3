//! The employer's posts: 我的岗位, 发布岗位 (screened before it goes live, with the reasons
//! shown when held), and a post's page with its applications (录用), recommended workers
//! (masked, 邀请) and 关闭.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::Actor;
use linghuo_service::market::{FORMS, PostInput, PostView};
use linghuo_service::market_search::WorkerSuggestion;
use serde::Deserialize;
use uuid::Uuid;

use super::home::my_employer;
use crate::AppState;
use crate::context::Ctx;
use crate::web::worker::work::{application_status_label, direction_label, given};
use crate::web::{
    Employer, Errors, Failure, Flash, Form, FormData, FormFailure, OccupationGroup, PageCtx,
    PageResult, cst, date_cn, occupation_groups, path_uuid, query_field, region_options, render,
    split_list, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/employer/posts", get(posts))
        .route("/employer/posts/new", get(new_post).post(create_post))
        .route("/employer/posts/{id}", get(post_page))
        .route("/employer/posts/{id}/edit", get(edit_post).post(save_post))
        .route("/employer/posts/{id}/close", post(close_post))
        .route("/employer/posts/{id}/invite", post(invite))
        .route(
            "/employer/posts/{id}/applications/{app_id}/hire",
            post(hire),
        )
        .route(
            "/employer/posts/{id}/applications/{app_id}/decline",
            post(decline),
        )
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

async fn posts(State(state): State<AppState>, ctx: Ctx, employer: Employer) -> PageResult {
    if my_employer(&state, &employer).await?.is_none() {
        return Ok(to("/employer"));
    }
    let list = state.svc.my_posts(&employer).await?;
    Ok(render(
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
    ))
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
    /// The post being edited (修改岗位), or None on 发布岗位.
    editing: Option<Uuid>,
}

const POST_FIELDS: &[&str] = &[
    "title",
    "description",
    "occupation",
    "trade_words",
    "form",
    "county_code",
    "remote",
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
    actor: &Actor,
    form: Option<FormData>,
    failure: Option<FormFailure>,
) -> PageResult {
    post_form_render(state, ctx, actor, None, form, failure).await
}

/// 发布岗位 (editing None) or 修改岗位 (the post's id).
async fn post_form_render(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    editing: Option<Uuid>,
    form: Option<FormData>,
    failure: Option<FormFailure>,
) -> PageResult {
    let Some(employer) = my_employer(state, actor).await? else {
        return Ok(to("/employer"));
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
    Ok(render(
        status,
        &NewPostPage {
            ctx: if editing.is_some() {
                PageCtx::new(ctx, "修改岗位", "/employer/posts")
            } else {
                PageCtx::new(ctx, "发布岗位", "/employer/posts/new")
            },
            editing,
            form,
            errors,
            error,
            occupations: occupation_groups(),
            forms: FORMS,
            counties: region_options(true),
            verified: employer.verified,
        },
    ))
}

async fn new_post(State(state): State<AppState>, ctx: Ctx, employer: Employer) -> PageResult {
    new_post_render(&state, &ctx, &employer, None, None).await
}

/// A whole number typed in a form: None when blank.
fn whole(value: &str, name: &str, message: &str) -> Result<Option<i64>, Failure> {
    if value.is_empty() {
        return Ok(None);
    }
    value
        .parse::<i64>()
        .map(Some)
        .map_err(|_| Failure::field(name, message))
}

/// A post as typed on 发布岗位.
#[derive(Deserialize)]
struct PostForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    occupation: String,
    #[serde(default)]
    trade_words: String,
    #[serde(default)]
    form: String,
    #[serde(default)]
    county_code: String,
    #[serde(default, deserialize_with = "crate::web::list")]
    remote: Vec<String>,
    #[serde(default)]
    address: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    schedule: String,
    #[serde(default)]
    hours_per_week: String,
    #[serde(default)]
    pay: String,
    #[serde(default)]
    pay_amount: String,
    #[serde(default)]
    pay_unit: String,
    #[serde(default)]
    typical_daily_pay: String,
    #[serde(default)]
    headcount: String,
    #[serde(default)]
    required_certificates: String,
    #[serde(default)]
    skills: String,
    #[serde(default, deserialize_with = "crate::web::list")]
    accident_cover: Vec<String>,
    #[serde(default)]
    expires_on: String,
}

impl PostForm {
    /// The post as the service reads it; a number that is not one is a field failure.
    fn input(self) -> Result<PostInput, Failure> {
        const HEADCOUNT: &str = "请填写招聘人数（整数），例如 2";
        let hours_per_week = whole(
            &self.hours_per_week,
            "hours_per_week",
            "请填写每周工作小时数（整数），例如 20",
        )?;
        let headcount = whole(&self.headcount, "headcount", HEADCOUNT)?
            .ok_or_else(|| Failure::field("headcount", HEADCOUNT))?;
        Ok(PostInput {
            title: self.title,
            description: self.description,
            occupation: self.occupation,
            trade_words: given(self.trade_words),
            form: self.form,
            county_code: self.county_code,
            remote: self.remote.iter().any(|v| v == "1"),
            address: given(self.address),
            lat: None,
            lon: None,
            starts_on: self.starts_on,
            ends_on: given(self.ends_on),
            schedule: given(self.schedule),
            hours_per_week,
            pay: given(self.pay),
            // The earlier pair still works for forms saved before the pay field.
            pay_amount: self.pay_amount,
            pay_unit: self.pay_unit,
            typical_daily_pay: given(self.typical_daily_pay),
            headcount,
            required_certificates: split_list(&self.required_certificates),
            skills: split_list(&self.skills),
            accident_cover: self.accident_cover.iter().any(|v| v == "1"),
            expires_on: given(self.expires_on),
            external_id: None,
        })
    }
}

async fn create_post(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Form { value: f, data }: Form<PostForm>,
) -> PageResult {
    let result = match f.input() {
        Ok(input) => state
            .svc
            .create_post(&employer, input)
            .await
            .map_err(|e| Failure::of(e, POST_FIELDS)),
        Err(f) => Err(f),
    };
    match result {
        Ok(p) => Ok(to(&format!("/employer/posts/{}?ok=created", p.id))),
        Err(f) => {
            let f = f.parts()?;
            new_post_render(&state, &ctx, &employer, Some(data), Some(f)).await
        }
    }
}

/// 修改岗位: the 发布岗位 form filled with the post as it is.
async fn edit_post(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let p = state.svc.post_input_of(&employer, id).await?;
    let mut f = FormData::default();
    f.set("title", p.title);
    f.set("description", p.description);
    f.set("occupation", p.occupation);
    f.set("trade_words", p.trade_words.unwrap_or_default());
    f.set("form", p.form);
    f.set("county_code", p.county_code);
    f.set("address", p.address.unwrap_or_default());
    if p.remote {
        f.set("remote", "1");
    }
    f.set("starts_on", p.starts_on);
    f.set("ends_on", p.ends_on.unwrap_or_default());
    f.set("schedule", p.schedule.unwrap_or_default());
    f.set(
        "hours_per_week",
        p.hours_per_week.map(|h| h.to_string()).unwrap_or_default(),
    );
    f.set("pay", p.pay.unwrap_or_default());
    f.set("headcount", p.headcount.to_string());
    f.set("required_certificates", p.required_certificates.join("，"));
    f.set("skills", p.skills.join("，"));
    if p.accident_cover {
        f.set("accident_cover", "1");
    }
    f.set("expires_on", p.expires_on.unwrap_or_default());
    post_form_render(&state, &ctx, &employer, Some(id), Some(f), None).await
}

async fn save_post(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Path(id): Path<String>,
    Form { value: f, data }: Form<PostForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let result = match f.input() {
        Ok(input) => state
            .svc
            .edit_post(&employer, id, input)
            .await
            .map_err(|e| Failure::of(e, POST_FIELDS)),
        Err(f) => Err(f),
    };
    match result {
        Ok(p) => Ok(to(&format!("/employer/posts/{}?ok=post_edited", p.id))),
        Err(f) => {
            let f = f.parts()?;
            post_form_render(&state, &ctx, &employer, Some(id), Some(data), Some(f)).await
        }
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
    pub can_decline: bool,
    pub reason_value: String,
    pub reason_error: Option<String>,
    pub decline_reason: String,
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
    history: Vec<linghuo_service::market::PostRevisionView>,
}

/// Which row of the page a failed form belongs to, with what was typed and what went wrong.
struct RowFailure {
    row: Uuid,
    value: String,
    failure: FormFailure,
}

/// What a post's page says on top: the "done" message, and whether the post was just
/// created (which adds what happens next).
#[derive(Default)]
struct Done {
    ok: Option<&'static str>,
    just_created: bool,
}

async fn post_render(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: Uuid,
    done: Done,
    failed: Option<RowFailure>,
) -> PageResult {
    // Applications first: it also checks the post is the caller's own.
    let apps = state.svc.applications_for_post(actor, id).await?;
    let post = state.svc.get_post(Some(actor), id).await?;
    let live = post.status == "live";
    let candidates = if live {
        state.svc.recommend_workers(actor, id, 20).await?
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
            can_decline: matches!(a.status.as_str(), "pending" | "accepted"),
            // The row's typed value is the start date or the reason, by which form failed.
            reason_value: row_error(a.id, "reason")
                .map(|_| row_value(a.id, String::new()))
                .unwrap_or_default(),
            reason_error: row_error(a.id, "reason"),
            decline_reason: a.decline_reason,
            start_value: if row_error(a.id, "reason").is_some() {
                default_start.clone()
            } else {
                row_value(a.id, default_start.clone())
            },
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
    let title = post.title.clone();
    let history = state.svc.post_history(actor, id).await?;
    Ok(render(
        status,
        &PostPage {
            ctx: PageCtx::new(ctx, title, "/employer/posts"),
            just_created: done.just_created,
            post,
            ok: done.ok,
            error: general,
            applications,
            candidates,
            history,
        },
    ))
}

async fn post_page(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    flash: Flash,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let id = path_uuid(&id)?;
    let done = Done {
        ok: flash.text(),
        just_created: query_field(&q, "ok") == "created",
    };
    post_render(&state, &ctx, &employer, id, done, None).await
}

async fn close_post(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    match state.svc.close_post(&employer, id).await {
        Ok(_) => Ok(to(&format!("/employer/posts/{id}?ok=closed"))),
        Err(e) => {
            let failure = Failure::of(e, &[]).parts()?;
            let failed = RowFailure {
                row: Uuid::nil(),
                value: String::new(),
                failure,
            };
            post_render(&state, &ctx, &employer, id, Done::default(), Some(failed)).await
        }
    }
}

#[derive(Deserialize)]
struct InviteForm {
    #[serde(default)]
    person_id: String,
    #[serde(default)]
    message: String,
}

async fn invite(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<InviteForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let person = path_uuid(&f.person_id)?;
    match state.svc.invite(&employer, id, person, &f.message).await {
        Ok(_) => Ok(to(&format!("/employer/posts/{id}?ok=invited"))),
        Err(e) => {
            let failure = Failure::of(e, &["message"]).parts()?;
            let failed = RowFailure {
                row: person,
                value: f.message,
                failure,
            };
            post_render(&state, &ctx, &employer, id, Done::default(), Some(failed)).await
        }
    }
}

#[derive(Deserialize)]
struct HireForm {
    #[serde(default)]
    start_date: String,
}

async fn hire(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Path((id, app_id)): Path<(String, String)>,
    Form { value: f, .. }: Form<HireForm>,
) -> PageResult {
    let (id, app_id) = (path_uuid(&id)?, path_uuid(&app_id)?);
    match state.svc.hire(&employer, app_id, &f.start_date).await {
        Ok(h) => Ok(to(&format!("/employer/hires/{}?ok=hired", h.id))),
        Err(e) => {
            let failure = Failure::of(e, &["start_date"]).parts()?;
            let failed = RowFailure {
                row: app_id,
                value: f.start_date,
                failure,
            };
            post_render(&state, &ctx, &employer, id, Done::default(), Some(failed)).await
        }
    }
}

#[derive(Deserialize)]
struct DeclineForm {
    #[serde(default)]
    reason: String,
}

async fn decline(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Path((id, app_id)): Path<(String, String)>,
    Form { value: f, .. }: Form<DeclineForm>,
) -> PageResult {
    let (id, app_id) = (path_uuid(&id)?, path_uuid(&app_id)?);
    match state
        .svc
        .decline_application(&employer, app_id, &f.reason)
        .await
    {
        Ok(_) => Ok(to(&format!("/employer/posts/{id}?ok=declined"))),
        Err(e) => {
            let failure = Failure::of(e, &["reason"]).parts()?;
            let failed = RowFailure {
                row: app_id,
                value: f.reason,
                failure,
            };
            post_render(&state, &ctx, &employer, id, Done::default(), Some(failed)).await
        }
    }
}
