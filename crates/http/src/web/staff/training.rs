//! 职业培训 at the window: courses of the staff member's region, attendance, completion (which
//! files the training subsidy application).

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::ServiceError;
use linghuo_service::benefits::ApplicationView;
use linghuo_service::training::{CourseInput, CourseView, EnrolmentView};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::staff::pager::{Pager, page_query};
use crate::web::worker::shared::{Failed, Forms, today_default};
use crate::web::{Flash, Form, FormData, PageCtx, PageResult, Staff, path_uuid, render, to};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/training", get(courses).post(create_course))
        .route("/staff/training/{id}", get(course))
        .route(
            "/staff/training/enrolments/{id}/attendance",
            post(attendance),
        )
        .route("/staff/training/enrolments/{id}/finish", post(finish))
}

const COURSE_KINDS: &[(&str, &str)] =
    &[("skills", "职业技能培训"), ("entrepreneurship", "创业培训")];

const COURSE_FIELDS: &[&str] = &[
    "title",
    "provider",
    "occupation",
    "kind",
    "hours",
    "days",
    "starts_on",
    "ends_on",
    "capacity",
    "subsidy",
    "daily_allowance",
    "county_code",
    "mode",
    "venue",
    "platform",
    "link",
];

#[derive(Template)]
#[template(path = "staff/staff_services_courses.html")]
struct CoursesPage {
    ctx: PageCtx,
    items: Vec<CourseView>,
    pager: Pager,
    kinds: &'static [(&'static str, &'static str)],
    modes: &'static [(&'static str, &'static str)],
    counties: Vec<(String, String)>,
    fs: Forms,
}

async fn courses_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    status: StatusCode,
    failed: Option<Failed>,
    q: &Option<String>,
) -> PageResult {
    let paged = state.svc.courses_page(staff, &page_query(q)).await?;
    let pager = Pager::new("/staff/training", q, &paged).hint("课程名称或培训机构");
    let prefix = staff.person_scope_prefix().unwrap_or_default();
    let counties = crate::web::region_options(true)
        .into_iter()
        .filter(|(code, _)| code.starts_with(&prefix))
        .collect();
    let mut defaults = FormData::default();
    defaults.set("kind", "skills");
    defaults.set("mode", "offline");
    if let Some(s) = staff.scope {
        defaults.set("county_code", s.as_str());
    }
    Ok(render(
        status,
        &CoursesPage {
            ctx: PageCtx::new(ctx, "职业培训", "/staff/training"),
            items: paged.items,
            pager,
            kinds: COURSE_KINDS,
            modes: linghuo_service::training::COURSE_MODES,
            counties,
            fs: Forms::new(defaults, failed),
        },
    ))
}

async fn courses(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    courses_render(&state, &ctx, &staff, StatusCode::OK, None, &q).await
}

/// The new course form (every field as typed; the service reads and checks them).
#[derive(Deserialize)]
struct CourseForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    occupation: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    days: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    subsidy: String,
    #[serde(default)]
    daily_allowance: String,
    #[serde(default)]
    county_code: String,
    #[serde(default)]
    mode: String,
    #[serde(default)]
    venue: String,
    #[serde(default)]
    platform: String,
    #[serde(default)]
    link: String,
}

async fn create_course(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form { value: f, data }: Form<CourseForm>,
) -> PageResult {
    let input = CourseInput {
        title: f.title,
        provider: f.provider,
        occupation: f.occupation,
        kind: f.kind,
        hours: f.hours,
        days: f.days,
        starts_on: f.starts_on,
        ends_on: f.ends_on,
        capacity: f.capacity,
        subsidy: f.subsidy,
        daily_allowance: f.daily_allowance,
        county_code: f.county_code,
        mode: f.mode,
        venue: f.venue,
        platform: f.platform,
        link: f.link,
    };
    match state.svc.create_course(&staff, input).await {
        Ok(c) => Ok(to(&format!("/staff/training/{}?ok=course", c.id))),
        Err(e) => {
            let (status, failed) = Failed::sort("course", data, e, COURSE_FIELDS)?;
            courses_render(&state, &ctx, &staff, status, Some(failed), &None).await
        }
    }
}

pub struct TraineeLine {
    pub e: EnrolmentView,
    pub key: String,
    /// The training subsidy application filed on completion.
    pub application: Option<ApplicationView>,
}

#[derive(Template)]
#[template(path = "staff/staff_services_course.html")]
struct CoursePage {
    ctx: PageCtx,
    c: CourseView,
    trainees: Vec<TraineeLine>,
    fs: Forms,
    ok: Option<&'static str>,
}

async fn course_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    id: Uuid,
    status: StatusCode,
    flash: Flash,
    failed: Option<Failed>,
) -> PageResult {
    let c = state.svc.course(staff, id).await?;
    let enrolments = state.svc.enrolments_of_course(staff, id).await?;
    let mut trainees = Vec::new();
    for e in enrolments {
        let application = if e.status == "completed" {
            state
                .svc
                .benefit_applications_of(staff, e.person_id)
                .await?
                .into_iter()
                .find(|a| {
                    a.benefit == linghuo_policy::BenefitId::TrainingSubsidy.code()
                        && a.period == e.id.to_string()
                })
        } else {
            None
        };
        trainees.push(TraineeLine {
            key: format!("att-{}", e.id),
            e,
            application,
        });
    }
    let mut defaults = FormData::default();
    defaults.set("day", today_default(state));
    Ok(render(
        status,
        &CoursePage {
            ctx: PageCtx::new(ctx, c.title.clone(), "/staff/training"),
            c,
            trainees,
            fs: Forms::new(defaults, failed),
            ok: flash.text(),
        },
    ))
}

async fn course(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    flash: Flash,
) -> PageResult {
    let id = path_uuid(&id)?;
    course_render(&state, &ctx, &staff, id, StatusCode::OK, flash, None).await
}

/// A trainee's form: the course it came from (a hidden field), and the day attended or the
/// result.
#[derive(Deserialize)]
struct TraineeForm {
    #[serde(default)]
    course: String,
    #[serde(default)]
    day: String,
    #[serde(default)]
    result: String,
}

/// The course page again with trainee `eid`'s form; the course is "not found" when the
/// hidden field is not an id.
#[allow(clippy::too_many_arguments)]
async fn trainee_failed(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    eid: Uuid,
    course: &str,
    data: FormData,
    e: ServiceError,
    fields: &[&str],
) -> PageResult {
    let cid = path_uuid(course)?;
    let (status, failed) = Failed::sort(format!("att-{eid}"), data, e, fields)?;
    course_render(
        state,
        ctx,
        staff,
        cid,
        status,
        Flash::default(),
        Some(failed),
    )
    .await
}

async fn attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value, data }: Form<TraineeForm>,
) -> PageResult {
    let eid = path_uuid(&id)?;
    match state.svc.record_attendance(&staff, eid, &value.day).await {
        Ok(e) => Ok(to(&format!(
            "/staff/training/{}?ok=attendance",
            e.course_id
        ))),
        Err(e) => trainee_failed(&state, &ctx, &staff, eid, &value.course, data, e, &["day"]).await,
    }
}

async fn finish(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value, data }: Form<TraineeForm>,
) -> PageResult {
    let eid = path_uuid(&id)?;
    let passed = value.result == "pass";
    match state.svc.finish_training(&staff, eid, passed).await {
        Ok(c) => Ok(to(&format!(
            "/staff/training/{}?ok=finished",
            c.enrolment.course_id
        ))),
        Err(e) => trainee_failed(&state, &ctx, &staff, eid, &value.course, data, e, &[]).await,
    }
}
