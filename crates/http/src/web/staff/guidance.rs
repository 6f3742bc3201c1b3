//! 职业指导 at the window (四(九)): the region's appointments, booking for a person, the
//! counsellor's record (topics, advice and notes the person reads, follow-ups), a course
//! suggested, and the way on to a registration at the window with the person chosen.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::guidance::{
    BookInput, CHANNELS, CancelInput, FollowupInput, GuidanceView, RecordInput, SLOTS, STATUSES,
    TOPICS,
};
use linghuo_service::training::CourseView;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::worker::shared::{Failed, Forms};
use crate::web::{Flash, Form, FormData, PageCtx, PageResult, Staff, path_uuid, render, to};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/guidance", get(list))
        .route("/staff/persons/{id}/guidance", get(new_page).post(book))
        .route("/staff/guidance/{id}", get(detail))
        .route("/staff/guidance/{id}/record", post(record))
        .route("/staff/guidance/{id}/course", post(course))
        .route("/staff/guidance/{id}/cancel", post(cancel))
}

const BOOK_FIELDS: &[&str] = &[
    "county_code",
    "channel",
    "slot_on",
    "slot",
    "question",
    "person_id",
];
const RECORD_FIELDS: &[&str] = &["topics", "advice", "notes", "due_on", "what", "followups"];

#[derive(Deserialize, Default)]
struct StatusQuery {
    #[serde(default)]
    status: String,
}

#[derive(Template)]
#[template(path = "staff/staff_guidance.html")]
struct ListPage {
    ctx: PageCtx,
    items: Vec<GuidanceView>,
    status: String,
    statuses: &'static [(&'static str, &'static str)],
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Query(q): Query<StatusQuery>,
) -> PageResult {
    let status = if STATUSES.iter().any(|(c, _)| *c == q.status) {
        q.status
    } else {
        String::new()
    };
    let items = state.svc.guidance_in_region(&staff, &status).await?;
    Ok(render(
        StatusCode::OK,
        &ListPage {
            ctx: PageCtx::new(&ctx, "职业指导", "/staff/guidance"),
            items,
            status,
            statuses: STATUSES,
        },
    ))
}

#[derive(Template)]
#[template(path = "staff/staff_guidance_new.html")]
struct NewPage {
    ctx: PageCtx,
    person: Uuid,
    person_name: String,
    counties: Vec<(String, String)>,
    channels: &'static [(&'static str, &'static str)],
    slots: &'static [(&'static str, &'static str)],
    fs: Forms,
}

async fn new_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    person: Uuid,
    status: StatusCode,
    failed: Option<Failed>,
) -> PageResult {
    let p = state.svc.get_person(staff, person).await?;
    let prefix = staff.person_scope_prefix().unwrap_or_default();
    let counties = crate::web::region_options(true)
        .into_iter()
        .filter(|(code, _)| code.starts_with(&prefix))
        .collect();
    let mut defaults = FormData::default();
    defaults.set("channel", "window");
    defaults.set("slot", "am");
    defaults.set("slot_on", state.svc.clock.today_cst().to_string());
    if let Some(s) = staff.scope {
        defaults.set("county_code", s.as_str());
    }
    Ok(render(
        status,
        &NewPage {
            ctx: PageCtx::new(ctx, "预约职业指导", "/staff/guidance"),
            person,
            person_name: p.name.clone(),
            counties,
            channels: CHANNELS,
            slots: SLOTS,
            fs: Forms::new(defaults, failed),
        },
    ))
}

async fn new_page(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    new_render(&state, &ctx, &staff, id, StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct BookForm {
    #[serde(default)]
    county_code: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    slot_on: String,
    #[serde(default)]
    slot: String,
    #[serde(default)]
    question: String,
}

async fn book(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, data }: Form<BookForm>,
) -> PageResult {
    let person = path_uuid(&id)?;
    let input = BookInput {
        person_id: Some(person),
        county_code: f.county_code,
        channel: f.channel,
        slot_on: f.slot_on,
        slot: f.slot,
        question: f.question,
    };
    match state.svc.book_guidance(&staff, input).await {
        Ok(g) => Ok(to(&format!("/staff/guidance/{}?ok=booked", g.id))),
        Err(e) => {
            let (status, failed) = Failed::sort("book", data, e, BOOK_FIELDS)?;
            new_render(&state, &ctx, &staff, person, status, Some(failed)).await
        }
    }
}

#[derive(Template)]
#[template(path = "staff/staff_guidance_detail.html")]
struct DetailPage {
    ctx: PageCtx,
    g: GuidanceView,
    topics: &'static [(&'static str, &'static str)],
    courses: Vec<(String, String)>,
    fs: Forms,
    ok: Option<&'static str>,
}

async fn detail_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    id: Uuid,
    status: StatusCode,
    flash: Flash,
    failed: Option<Failed>,
) -> PageResult {
    let g = state.svc.get_guidance(staff, id).await?;
    let courses: Vec<CourseView> = state.svc.courses(staff).await?;
    let courses = courses
        .into_iter()
        .filter(|c| c.status == "open")
        .map(|c| {
            (
                c.id.to_string(),
                format!("{}（{}，{}）", c.title, c.mode_label, c.county_name),
            )
        })
        .collect();
    Ok(render(
        status,
        &DetailPage {
            ctx: PageCtx::new(ctx, "职业指导记录", "/staff/guidance"),
            g,
            topics: TOPICS,
            courses,
            fs: Forms::new(FormData::default(), failed),
            ok: flash.text(),
        },
    ))
}

async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    detail_render(&state, &ctx, &staff, id, StatusCode::OK, flash, None).await
}

#[derive(Deserialize)]
struct RecordForm {
    #[serde(default, deserialize_with = "crate::web::list")]
    topics: Vec<String>,
    #[serde(default)]
    advice: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    due_on_1: String,
    #[serde(default)]
    what_1: String,
    #[serde(default)]
    due_on_2: String,
    #[serde(default)]
    what_2: String,
}

async fn record(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, data }: Form<RecordForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let input = RecordInput {
        topics: f.topics,
        advice: f.advice,
        notes: f.notes,
        followups: vec![
            FollowupInput {
                due_on: f.due_on_1,
                what: f.what_1,
            },
            FollowupInput {
                due_on: f.due_on_2,
                what: f.what_2,
            },
        ],
    };
    match state.svc.record_guidance(&staff, id, input).await {
        Ok(_) => Ok(to(&format!("/staff/guidance/{id}?ok=recorded"))),
        Err(e) => {
            let (status, failed) = Failed::sort("record", data, e, RECORD_FIELDS)?;
            detail_render(
                &state,
                &ctx,
                &staff,
                id,
                status,
                Flash::default(),
                Some(failed),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
struct CourseForm {
    #[serde(default)]
    course_id: String,
}

async fn course(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, data }: Form<CourseForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let Ok(course) = Uuid::parse_str(f.course_id.trim()) else {
        let failed = Failed::field("course", "course_id", "请选择要推荐的课程");
        return detail_render(
            &state,
            &ctx,
            &staff,
            id,
            StatusCode::BAD_REQUEST,
            Flash::default(),
            Some(failed),
        )
        .await;
    };
    match state.svc.suggest_guidance_course(&staff, id, course).await {
        Ok(_) => Ok(to(&format!("/staff/guidance/{id}?ok=course"))),
        Err(e) => {
            let (status, failed) = Failed::sort("course", data, e, &["course_id"])?;
            detail_render(
                &state,
                &ctx,
                &staff,
                id,
                status,
                Flash::default(),
                Some(failed),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
struct CancelForm {
    #[serde(default)]
    reason: String,
}

async fn cancel(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<CancelForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    state
        .svc
        .cancel_guidance(&staff, id, CancelInput { reason: f.reason })
        .await?;
    Ok(to(&format!("/staff/guidance/{id}?ok=cancelled")))
}
