//! The gig market for workers: a post's details with the 报名 form (open to everyone),
//! 为我推荐 with every reason, the job-seeking profile, and my applications and invitations.
//! 找活 itself is in `search.rs`, the hires in `hires.rs`.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::market::{ApplicationView, FORMS, PAY_UNITS, PostView};
use linghuo_service::market_search::JobSuggestion;
use linghuo_service::market_worker::{ProfileInput, ProfileView};
use linghuo_service::{Actor, Role};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Worker, cst,
    path_uuid, render, split_list, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/work/posts/{id}", get(post_page))
        .route("/work/posts/{id}/apply", post(apply))
        .route("/work/recommended", get(recommended))
        .route("/work/profile", get(profile_page).post(profile_save))
        .route("/work/applications", get(applications))
        .route("/work/applications/{id}/answer", post(answer))
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

/// A typed field when something was written in it (what `FormData::opt` reads).
pub(crate) fn given(s: String) -> Option<String> {
    Some(s).filter(|s| !s.is_empty())
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
) -> PageResult {
    let post = state.svc.get_post(ctx.actor(), id).await?;
    let worker = ctx.actor().filter(|a| a.role == Role::Worker);
    let applied = match worker {
        Some(a) => state
            .svc
            .my_applications(a)
            .await?
            .iter()
            .find(|x| x.post_id == id)
            .map(|x| {
                (
                    application_status_label(&x.status),
                    direction_label(&x.direction),
                )
            }),
        None => None,
    };
    let (status, errors, error) = failure.unwrap_or((StatusCode::OK, Errors::default(), None));
    let title = post.title.clone();
    Ok(render(
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
    ))
}

async fn post_page(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> PageResult {
    let id = path_uuid(&id)?;
    show_post(&state, &ctx, id, FormData::default(), None).await
}

#[derive(Deserialize)]
struct ApplyForm {
    #[serde(default)]
    message: String,
}

async fn apply(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Path(id): Path<String>,
    Form { value, data }: Form<ApplyForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    match state.svc.apply(&worker, id, &value.message).await {
        Ok(_) => Ok(to("/work/applications?ok=applied")),
        Err(e) => {
            let f = Failure::of(e, &["message"]).parts()?;
            show_post(&state, &ctx, id, data, Some(f)).await
        }
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

async fn recommended(State(state): State<AppState>, ctx: Ctx, worker: Worker) -> PageResult {
    let (items, missing_profile) = match state.svc.recommend_jobs(&worker, 20).await {
        Ok(items) => (items, false),
        Err(e) => {
            let api = ApiError::from(e);
            if api.code == "profile_missing" {
                (vec![], true)
            } else {
                return Err(api.into());
            }
        }
    };
    Ok(render(
        StatusCode::OK,
        &RecommendedPage {
            ctx: PageCtx::new(&ctx, "为我推荐", "/work/recommended"),
            items,
            missing_profile,
        },
    ))
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
) -> PageResult {
    let current = state.svc.my_profile(actor).await?;
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
    Ok(render(
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
    ))
}

async fn profile_page(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    flash: Flash,
) -> PageResult {
    profile_render(&state, &ctx, &worker, None, None, flash.text()).await
}

/// The job-seeking profile as typed: the lists are words separated by 、, commas or spaces.
#[derive(Deserialize)]
struct ProfileForm {
    #[serde(default)]
    occupations: String,
    #[serde(default)]
    skills: String,
    #[serde(default)]
    certificates: String,
    #[serde(default)]
    radius_km: String,
    #[serde(default)]
    availability: String,
    #[serde(default)]
    expected_pay_amount: String,
    #[serde(default)]
    expected_pay_unit: String,
    #[serde(default, deserialize_with = "crate::web::list")]
    wanted_forms: Vec<String>,
}

async fn profile_save(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Form { value: f, data }: Form<ProfileForm>,
) -> PageResult {
    let radius_km = match given(f.radius_km).map(|s| s.parse::<f64>()) {
        None => None,
        Some(Ok(r)) if r.is_finite() => Some(r),
        Some(_) => {
            let f = Failure::field("radius_km", "请填写数字（公里），例如 10").parts()?;
            return profile_render(&state, &ctx, &worker, Some(data), Some(f), None).await;
        }
    };
    let input = ProfileInput {
        occupations: split_list(&f.occupations),
        skills: split_list(&f.skills),
        certificates: split_list(&f.certificates),
        lat: None,
        lon: None,
        radius_km,
        availability: given(f.availability),
        expected_pay_amount: given(f.expected_pay_amount),
        expected_pay_unit: given(f.expected_pay_unit),
        wanted_forms: f.wanted_forms,
    };
    match state.svc.set_profile(&worker, input).await {
        Ok(_) => Ok(to("/work/profile?ok=saved")),
        Err(e) => {
            let f = Failure::of(e, PROFILE_FIELDS).parts()?;
            profile_render(&state, &ctx, &worker, Some(data), Some(f), None).await
        }
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
) -> PageResult {
    let items = state
        .svc
        .my_applications(actor)
        .await?
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
    Ok(render(
        status,
        &ApplicationsPage {
            ctx: PageCtx::new(ctx, "我的报名", "/work/applications"),
            items,
            ok,
            error,
        },
    ))
}

async fn applications(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    flash: Flash,
) -> PageResult {
    applications_render(&state, &ctx, &worker, StatusCode::OK, flash.text(), None).await
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    answer: String,
}

async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Path(id): Path<String>,
    Form { value, .. }: Form<AnswerForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    match state
        .svc
        .answer_application(&worker, id, &value.answer)
        .await
    {
        Ok(_) => Ok(to("/work/applications?ok=answered")),
        Err(e) => {
            let (status, error) = Failure::of_action(e)?;
            applications_render(&state, &ctx, &worker, status, None, Some(error)).await
        }
    }
}
