//! 待遇审核 at the window, for the staff member's own region only (the service enforces the
//! scope; out of region is "not found"): the benefit queue and its downloads, review and
//! approval by two people, the 决定书, and recalculation after a parameter change.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::ServiceError;
use linghuo_service::benefits::{self, ApplicationView, RecalcReport, ReviewInput};
use linghuo_service::export::{Cell, Sheet};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::public::news::CaseLinks;
use crate::web::staff::pager::{Pager, page_query};
use crate::web::worker::shared::{Failed, Forms, decided, notice_page};
use crate::web::{
    Flash, Form, FormData, PageCtx, PageResult, Staff, download, path_uuid, query_field, render,
    to, when,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/benefits", get(queue))
        .route("/staff/benefits.csv", get(queue_csv))
        .route("/staff/benefits.xlsx", get(queue_xlsx))
        .route(
            "/staff/benefits/recalc",
            get(recalc_page).post(recalc_confirm),
        )
        .route("/staff/benefits/{id}", get(application))
        .route("/staff/benefits/{id}/review", post(review))
        .route("/staff/benefits/{id}/decision", post(decide))
        .route("/staff/benefits/{id}/notice", get(notice))
}

// ---------------------------------------------------------------------------------------
// The queue

const TABS: &[(&str, &str)] = &[
    ("pending_review", "待初审"),
    ("reviewed", "待审批"),
    ("approved", "已批准"),
    ("rejected", "不予批准"),
];

fn tab(q: &Option<String>) -> &'static str {
    let s = query_field(q, "status");
    TABS.iter()
        .find(|(id, _)| *id == s)
        .map(|(id, _)| *id)
        .unwrap_or("pending_review")
}

#[derive(Template)]
#[template(path = "staff/staff_services_queue.html")]
struct QueuePage {
    ctx: PageCtx,
    tabs: &'static [(&'static str, &'static str)],
    status: &'static str,
    items: Vec<ApplicationView>,
    pager: Pager,
}

async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    let status = tab(&q);
    let paged = state
        .svc
        .benefit_applications_page(&staff, status, &page_query(&q))
        .await?;
    let pager = Pager::new("/staff/benefits", &q, &paged).hint("申请人姓名");
    Ok(render(
        StatusCode::OK,
        &QueuePage {
            ctx: PageCtx::new(&ctx, "待遇审核", "/staff/benefits"),
            tabs: TABS,
            status,
            items: paged.items,
            pager,
        },
    ))
}

fn queue_sheet(status: &str, items: &[ApplicationView]) -> Sheet {
    Sheet {
        title: benefits::status_label(status).to_owned(),
        headers: [
            "申请编号",
            "申请人",
            "所属地区",
            "待遇",
            "状态",
            "金额",
            "办理方式",
            "代办",
            "申请时间",
        ]
        .map(String::from)
        .to_vec(),
        rows: items
            .iter()
            .map(|a| {
                vec![
                    Cell::text(a.id.to_string()),
                    Cell::text(a.person_name.clone()),
                    Cell::text(a.county_name.clone()),
                    Cell::text(a.benefit_name.clone()),
                    Cell::text(a.status_label.clone()),
                    Cell::Decimal(a.amount.clone()),
                    Cell::text(if a.route == "automatic" {
                        "自动决定"
                    } else {
                        "人工审核"
                    }),
                    Cell::text(if a.on_behalf { "是" } else { "否" }),
                    Cell::text(when(a.created_at)),
                ]
            })
            .collect(),
    }
}

async fn queue_file(state: &AppState, staff: &Staff, q: &Option<String>, xlsx: bool) -> PageResult {
    let status = tab(q);
    let items = state
        .svc
        .benefit_applications_in_region(staff, status)
        .await?;
    let sheet = queue_sheet(status, &items);
    Ok(if xlsx {
        download(
            &format!("benefits-{status}.xlsx"),
            linghuo_service::export::to_xlsx(&sheet)?,
        )
    } else {
        download(
            &format!("benefits-{status}.csv"),
            linghuo_service::export::to_csv(&sheet),
        )
    })
}

async fn queue_csv(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    queue_file(&state, &staff, &q, false).await
}

async fn queue_xlsx(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    queue_file(&state, &staff, &q, true).await
}

// ---------------------------------------------------------------------------------------
// One application: review and decision

const OUTCOMES: &[(&str, &str)] = &[("approve", "同意"), ("reject", "不同意")];
const REVIEW_FIELDS: &[&str] = &["outcome", "note", "confirm"];

#[derive(Template)]
#[template(path = "staff/staff_services_application.html")]
struct ApplicationPage {
    ctx: PageCtx,
    a: ApplicationView,
    /// 相关案例 beside the clauses cited.
    cases: CaseLinks,
    decided: bool,
    decided_on: String,
    outcomes: &'static [(&'static str, &'static str)],
    /// The 审批 form is not shown to the person who did the 初审.
    own_review: bool,
    reviewed_on: String,
    fs: Forms,
    ok: Option<&'static str>,
    /// How the engine decided, step by step (folded on the page).
    trace: Vec<benefits::trace_view::TraceLine>,
}

async fn application_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    id: Uuid,
    status: StatusCode,
    flash: Flash,
    failed: Option<Failed>,
) -> PageResult {
    let a = state.svc.get_benefit_application(staff, id).await?;
    let trace = state.svc.benefit_trace(staff, id).await?;
    // No decision is chosen in advance: the staff member picks 同意 or 不同意.
    let mut defaults = FormData::default();
    // A fresh key per rendered form: the same form submitted twice decides once.
    defaults.set("idempotency_key", Uuid::new_v4().to_string());
    Ok(render(
        status,
        &ApplicationPage {
            ctx: PageCtx::new(ctx, a.benefit_name.clone(), "/staff/benefits"),
            decided: decided(&a),
            decided_on: a.decided_at.map(when).unwrap_or_default(),
            reviewed_on: a.reviewed_at.map(when).unwrap_or_default(),
            own_review: a.reviewed_by == Some(staff.user_id),
            a,
            cases: CaseLinks::load(state).await?,
            outcomes: OUTCOMES,
            fs: Forms::new(defaults, failed),
            ok: flash.text(),
            trace,
        },
    ))
}

async fn application(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    flash: Flash,
) -> PageResult {
    let id = path_uuid(&id)?;
    application_render(&state, &ctx, &staff, id, StatusCode::OK, flash, None).await
}

/// The review and the decision form.
#[derive(Deserialize)]
struct ReviewForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
    idempotency_key: Option<String>,
    /// The decision form's required "确认按 X 元作出决定".
    #[serde(default)]
    confirm: String,
}

impl ReviewForm {
    fn input(&self) -> ReviewInput {
        ReviewInput {
            outcome: self.outcome.clone(),
            note: self.note.clone(),
        }
    }
}

async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value, data }: Form<ReviewForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    match state
        .svc
        .review_application(&staff, id, value.input())
        .await
    {
        Ok(_) => Ok(to(&format!("/staff/benefits/{id}?ok=reviewed"))),
        Err(e) => {
            let (status, failed) = Failed::sort("review", data, e, REVIEW_FIELDS)?;
            application_render(
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

async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value, data }: Form<ReviewForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let key = value.idempotency_key.as_deref().filter(|k| !k.is_empty());
    let result = if value.confirm != "yes" {
        Err(ServiceError::invalid(
            "confirm",
            "confirm_required",
            "请勾选确认金额后再作出决定",
        ))
    } else {
        state
            .svc
            .decide_application(&staff, id, value.input(), key)
            .await
    };
    match result {
        Ok(_) => Ok(to(&format!("/staff/benefits/{id}?ok=decided"))),
        Err(e) => {
            let (status, failed) = Failed::sort("decide", data, e, REVIEW_FIELDS)?;
            application_render(
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

async fn notice(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    notice_page(&state, &ctx, &staff, &id, "/staff/benefits").await
}

// ---------------------------------------------------------------------------------------
// 重算

#[derive(Template)]
#[template(path = "staff/staff_services_recalc.html")]
struct RecalcPage {
    ctx: PageCtx,
    since: String,
    report: Option<RecalcReport>,
    fs: Forms,
}

fn parse_since(s: &str) -> Result<chrono::NaiveDate, ServiceError> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        ServiceError::invalid(
            "since",
            "date_invalid",
            "日期格式应为 年-月-日，如 2026-01-01",
        )
    })
}

async fn recalc_run(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    since: String,
    confirm: bool,
) -> PageResult {
    let mut form = FormData::default();
    form.set("since", since.clone());
    let result = if since.is_empty() && confirm {
        Err(ServiceError::invalid(
            "since",
            "date_required",
            "请填写重算起始日期",
        ))
    } else if since.is_empty() {
        Ok(None)
    } else {
        match parse_since(&since) {
            Ok(d) => state.svc.recalc(Some(&**staff), d, confirm).await.map(Some),
            Err(e) => Err(e),
        }
    };
    let (status, report, fs) = match result {
        Ok(r) => (StatusCode::OK, r, Forms::new(form, None)),
        Err(e) => {
            let (status, failed) = Failed::sort("recalc", form, e, &["since"])?;
            (status, None, Forms::new(FormData::default(), Some(failed)))
        }
    };
    Ok(render(
        status,
        &RecalcPage {
            ctx: PageCtx::new(ctx, "待遇重算", "/staff/benefits/recalc"),
            since,
            report,
            fs,
        },
    ))
}

async fn recalc_page(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    recalc_run(&state, &ctx, &staff, query_field(&q, "since"), false).await
}

#[derive(Deserialize)]
struct RecalcForm {
    #[serde(default)]
    since: String,
}

async fn recalc_confirm(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form { value, .. }: Form<RecalcForm>,
) -> PageResult {
    recalc_run(&state, &ctx, &staff, value.since, true).await
}
