//! The gig market at the staff workbench, for the staff member's own region only (the
//! service enforces the scope): the overview, the review queue of held posts with their
//! findings, employer verification, the 用工登记 filed by hires, and the overdue-pay warnings.
//! The two tables download as CSV (names masked as on the page).

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use linghuo_service::Actor;
use linghuo_service::market::{EmployerView, PostView};
use linghuo_service::market_worker::MarketOverview;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::staff::pager::{Pager, page_query};
use crate::web::{
    Failure, Flash, Form, FormFailure, PageCtx, PageResult, Staff, cst, date_cn, path_uuid, render,
    to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/market", get(overview))
        .route("/staff/market/review", get(review_queue))
        .route("/staff/market/review/{id}", post(review))
        .route("/staff/market/employers", get(employers))
        .route("/staff/market/employers/{id}/verify", post(verify))
        .route("/staff/market/registrations", get(registrations))
        .route("/staff/market/registrations.csv", get(registrations_csv))
        .route("/staff/market/overdue", get(overdue))
        .route("/staff/market/overdue.csv", get(overdue_csv))
}

#[derive(Template)]
#[template(path = "staff/staff_market.html")]
struct OverviewPage {
    ctx: PageCtx,
    o: MarketOverview,
    unverified: usize,
    median: String,
}

async fn overview(State(state): State<AppState>, ctx: Ctx, staff: Staff) -> PageResult {
    let o = state.svc.market_overview(&staff).await?;
    let unverified = state.svc.employers_in_region(&staff, true).await?.len();
    let median = match o.median_days_to_fill {
        Some(d) => format!("{d}天"),
        None => "暂无（还没有录用）".into(),
    };
    Ok(render(
        StatusCode::OK,
        &OverviewPage {
            ctx: PageCtx::new(&ctx, "零工市场", "/staff/market"),
            o,
            unverified,
            median,
        },
    ))
}

// ---------------------------------------------------------------------------------------
// 待审核岗位

pub struct ReviewLine {
    pub post: PostView,
    pub note: String,
    pub note_error: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/staff_market_review.html")]
struct ReviewPage {
    ctx: PageCtx,
    items: Vec<ReviewLine>,
    /// Live posts with screening notes (pay it could not check), for staff to know of.
    noted: Vec<PostView>,
    ok: Option<&'static str>,
    error: Option<String>,
    pager: Pager,
}

async fn review_render(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    q: &Option<String>,
    ok: Option<&'static str>,
    failed: Option<(Uuid, String, FormFailure)>,
) -> PageResult {
    let paged = state
        .svc
        .posts_in_region_page(actor, "held", &page_query(q))
        .await?;
    let pager = Pager::new("/staff/market/review", q, &paged).hint("岗位名称");
    let posts = paged.items;
    let noted: Vec<PostView> = state
        .svc
        .posts_in_region(actor, "live")
        .await?
        .into_iter()
        .filter(|p| !p.notes.is_empty())
        .collect();
    let (status, error) = match &failed {
        Some((_, _, f)) => (f.0, f.2.clone()),
        None => (StatusCode::OK, None),
    };
    let items = posts
        .into_iter()
        .map(|post| {
            let mine = failed.as_ref().filter(|(id, _, _)| *id == post.id);
            ReviewLine {
                note: mine.map(|(_, n, _)| n.clone()).unwrap_or_default(),
                note_error: mine.and_then(|(_, _, f)| f.1.get("note").cloned()),
                post,
            }
        })
        .collect();
    Ok(render(
        status,
        &ReviewPage {
            ctx: PageCtx::new(ctx, "待审核岗位", "/staff/market/review"),
            items,
            noted,
            ok,
            error,
            pager,
        },
    ))
}

async fn review_queue(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    review_render(&state, &ctx, &staff, &q, flash.text(), None).await
}

#[derive(Deserialize)]
struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    note: String,
}

async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<ReviewForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let approve = f.decision == "approve";
    match state.svc.review_post(&staff, id, approve, &f.note).await {
        Ok(_) => Ok(to(if approve {
            "/staff/market/review?ok=approved"
        } else {
            "/staff/market/review?ok=rejected"
        })),
        Err(e) => {
            let failure = Failure::of(e, &["note"]).parts()?;
            review_render(
                &state,
                &ctx,
                &staff,
                &None,
                None,
                Some((id, f.note, failure)),
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------
// 用人单位核验

#[derive(Template)]
#[template(path = "staff/staff_market_employers.html")]
struct EmployersPage {
    ctx: PageCtx,
    items: Vec<EmployerView>,
    pager: Pager,
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn employers_render(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
    q: &Option<String>,
) -> PageResult {
    let paged = state
        .svc
        .unverified_employers_page(actor, &page_query(q))
        .await?;
    let pager = Pager::new("/staff/market/employers", q, &paged).hint("单位名称");
    Ok(render(
        status,
        &EmployersPage {
            ctx: PageCtx::new(ctx, "用人单位核验", "/staff/market/employers"),
            items: paged.items,
            pager,
            ok,
            error,
        },
    ))
}

async fn employers(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    employers_render(&state, &ctx, &staff, StatusCode::OK, flash.text(), None, &q).await
}

async fn verify(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    match state.svc.verify_employer(&staff, id).await {
        Ok(_) => Ok(to("/staff/market/employers?ok=verified")),
        Err(e) => {
            let (status, error) = Failure::of_action(e)?;
            employers_render(&state, &ctx, &staff, status, None, Some(error), &None).await
        }
    }
}

// ---------------------------------------------------------------------------------------
// 用工登记 and 欠薪预警

pub struct RegistrationLine {
    pub person_id: Uuid,
    pub employer: String,
    pub worker: String,
    pub post: String,
    pub county: String,
    pub form: &'static str,
    pub start: String,
    pub registered: String,
}

#[derive(Template)]
#[template(path = "staff/staff_market_registrations.html")]
struct RegistrationsPage {
    ctx: PageCtx,
    items: Vec<RegistrationLine>,
    pager: Pager,
}

fn registration_line(r: linghuo_service::market::RegistrationView) -> RegistrationLine {
    RegistrationLine {
        person_id: r.person_id,
        employer: r.employer_name,
        worker: r.worker_name,
        post: r.post_title,
        county: r.county_name,
        form: r.form_label,
        start: date_cn(r.start_date),
        registered: cst(&r.registered_at),
    }
}

async fn registration_lines(state: &AppState, actor: &Actor) -> PageResult<Vec<RegistrationLine>> {
    let list = state.svc.registrations(actor).await?;
    Ok(list.into_iter().map(registration_line).collect())
}

async fn registrations(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    let paged = state
        .svc
        .hiring_registrations_page(&staff, &page_query(&q))
        .await?;
    let pager =
        Pager::new("/staff/market/registrations", &q, &paged).hint("劳动者、用人单位或岗位名称");
    Ok(render(
        StatusCode::OK,
        &RegistrationsPage {
            ctx: PageCtx::new(&ctx, "用工登记", "/staff/market/registrations"),
            items: paged.items.into_iter().map(registration_line).collect(),
            pager,
        },
    ))
}

/// A CSV file for Excel: UTF-8 with a byte-order mark, every field quoted.
fn csv(name: &str, head: &[&str], rows: Vec<Vec<String>>) -> Response {
    // One writer for every CSV download: BOM for Excel, and cells a spreadsheet would run
    // as formulas (employer names and titles are typed by users) defused.
    let out = linghuo_service::export::to_csv(&linghuo_service::export::Sheet {
        title: name.to_owned(),
        headers: head.iter().map(|h| (*h).to_owned()).collect(),
        rows: rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(linghuo_service::export::Cell::Text)
                    .collect()
            })
            .collect(),
    });
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        out,
    )
        .into_response()
}

async fn registrations_csv(State(state): State<AppState>, staff: Staff) -> PageResult {
    let items = registration_lines(&state, &staff).await?;
    Ok(csv(
        "registrations.csv",
        &[
            "用人单位",
            "劳动者",
            "岗位",
            "工作地点",
            "用工形式",
            "开始日期",
            "登记时间",
        ],
        items
            .into_iter()
            .map(|r| {
                vec![
                    r.employer,
                    r.worker,
                    r.post,
                    r.county,
                    r.form.to_owned(),
                    r.start,
                    r.registered,
                ]
            })
            .collect(),
    ))
}

pub struct OverdueLine {
    pub person_id: Option<Uuid>,
    pub post: String,
    pub employer: String,
    pub worker: String,
    pub period: String,
    pub amount: String,
    pub due: String,
    pub days: i64,
}

#[derive(Template)]
#[template(path = "staff/staff_market_overdue.html")]
struct OverduePage {
    ctx: PageCtx,
    items: Vec<OverdueLine>,
    pager: Pager,
}

async fn overdue_lines(state: &AppState, actor: &Actor) -> PageResult<Vec<OverdueLine>> {
    let list = state.svc.overdue_pay(actor).await?;
    let today = state.svc.clock.today_cst();
    Ok(list
        .into_iter()
        .map(|(h, p)| OverdueLine {
            person_id: None,
            post: h.post_title,
            employer: h.employer_name,
            worker: h.worker_name,
            period: p.period,
            amount: p.amount.to_display(),
            due: date_cn(p.due_on),
            days: (today - p.due_on).num_days(),
        })
        .collect())
}

async fn overdue(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    let paged = state.svc.overdue_pay_page(&staff, &page_query(&q)).await?;
    let pager = Pager::new("/staff/market/overdue", &q, &paged).hint("劳动者、用人单位或岗位名称");
    let today = state.svc.clock.today_cst();
    let items = paged
        .items
        .into_iter()
        .map(|(h, p, person)| OverdueLine {
            person_id: Some(person),
            post: h.post_title,
            employer: h.employer_name,
            worker: h.worker_name,
            period: p.period,
            amount: p.amount.to_display(),
            due: date_cn(p.due_on),
            days: (today - p.due_on).num_days(),
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &OverduePage {
            ctx: PageCtx::new(&ctx, "欠薪预警", "/staff/market/overdue"),
            items,
            pager,
        },
    ))
}

async fn overdue_csv(State(state): State<AppState>, staff: Staff) -> PageResult {
    let items = overdue_lines(&state, &staff).await?;
    Ok(csv(
        "overdue-pay.csv",
        &[
            "岗位",
            "用人单位",
            "劳动者",
            "结算期",
            "金额",
            "应付日期",
            "逾期天数",
        ],
        items
            .into_iter()
            .map(|r| {
                vec![
                    r.post,
                    r.employer,
                    r.worker,
                    r.period,
                    r.amount,
                    r.due,
                    r.days.to_string(),
                ]
            })
            .collect(),
    ))
}
