//! 用工 (hires), shared by the worker's pages (我的用工, `/work/hires`) and the employer's
//! (用工管理, `/employer/hires`, whose handlers are in `employer/hires.rs`): the list, a hire
//! with its agreement, pay and ratings, and the actions on it — each side seeing its own
//! buttons.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::Duration;
use linghuo_service::Actor;
use linghuo_service::market::{AgreementInput, HireView, PAY_UNITS, PayView};
use linghuo_service::market_worker::RatingInput;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Worker, cst, date_cn,
    path_uuid, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/work/hires", get(worker_hires))
        .route("/work/hires/{id}", get(worker_hire))
        .route(
            "/work/hires/{id}/pay/{pay_id}/confirm",
            post(worker_confirm_pay),
        )
        .route("/work/hires/{id}/{action}", post(worker_hire_action))
}

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

    fn title(self) -> &'static str {
        match self {
            Side::Worker => "我的用工",
            Side::Employer => "用工管理",
        }
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
// The list

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
    /// 共享用工 the viewer takes part in (a worker lent, an employer lending or borrowing).
    sharing: Vec<linghuo_service::market::shared::SharedView>,
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

/// The hires of the caller, on their side.
pub(crate) async fn hires_list(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    side: Side,
) -> PageResult {
    let items = state
        .svc
        .my_hires(actor)
        .await?
        .into_iter()
        .map(|h| HireLine {
            status: hire_status_label(&h.status),
            start: date_cn(h.start_date),
            todo: todo_of(&h, side),
            h,
        })
        .collect();
    let sharing = state.svc.sharings(actor).await?;
    Ok(render(
        StatusCode::OK,
        &HiresPage {
            ctx: PageCtx::new(ctx, side.title(), side.base()),
            employer_side: side == Side::Employer,
            base: side.base(),
            items,
            sharing,
        },
    ))
}

// ---------------------------------------------------------------------------------------
// One hire

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

/// A hire's page on the caller's side, with a failed form shown again when there is one.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn hire_render(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    side: Side,
    id: Uuid,
    submitted: Option<FormData>,
    failure: Option<FormFailure>,
    ok: Option<&'static str>,
) -> PageResult {
    let hire = state.svc.get_hire(actor, id).await?;
    let ratings = state.svc.hire_ratings(actor, id).await?;
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
    Ok(render(
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
    ))
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

/// The forms on a hire's page: the rating (both sides), the agreement and a pay record
/// (the employer's); an action button sends none of them.
#[derive(Deserialize)]
pub(crate) struct HireForm {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    service_time: String,
    #[serde(default)]
    pay_amount: String,
    #[serde(default)]
    pay_unit: String,
    #[serde(default)]
    pay_cycle_days: String,
    #[serde(default)]
    first_pay_on: String,
    #[serde(default)]
    rest: String,
    #[serde(default)]
    safety: String,
    #[serde(default, deserialize_with = "crate::web::list")]
    accident_cover: Vec<String>,
    #[serde(default)]
    period: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    due_on: String,
}

/// One action on a hire from its page; success goes back to the page with a message.
pub(crate) async fn hire_action(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    side: Side,
    (id, action): (String, String),
    Form { value: f, data }: Form<HireForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let svc = &state.svc;
    let on_form = |e| Failure::of(e, HIRE_FIELDS);
    let result: Result<&'static str, Failure> = match (action.as_str(), side) {
        ("confirm", _) => svc
            .confirm_agreement(actor, id)
            .await
            .map(|_| "confirmed")
            .map_err(on_form),
        ("complete", _) => svc
            .complete_hire(actor, id)
            .await
            .map(|_| "completed")
            .map_err(on_form),
        ("rate", _) => match f.score.parse::<i64>() {
            Ok(score) => svc
                .rate_hire(
                    actor,
                    id,
                    RatingInput {
                        score,
                        comment: f.comment,
                    },
                )
                .await
                .map(|_| "rated")
                .map_err(on_form),
            Err(_) => Err(Failure::field("score", "请选择1至5分")),
        },
        ("agreement", Side::Employer) => match f.pay_cycle_days.parse::<i64>() {
            Ok(days) => svc
                .propose_agreement(
                    actor,
                    id,
                    AgreementInput {
                        service_time: f.service_time,
                        pay_amount: f.pay_amount,
                        pay_unit: f.pay_unit,
                        pay_cycle_days: days,
                        first_pay_on: f.first_pay_on,
                        rest: f.rest,
                        safety: f.safety,
                        accident_cover: f.accident_cover.iter().any(|v| v == "1"),
                    },
                )
                .await
                .map(|_| "agreement")
                .map_err(on_form),
            Err(_) => Err(Failure::field(
                "pay_cycle_days",
                "请填写结算周期天数（整数），例如 7",
            )),
        },
        ("pay", Side::Employer) => svc
            .record_pay(actor, id, &f.period, &f.amount, &f.due_on)
            .await
            .map(|_| "pay")
            .map_err(on_form),
        _ => return Err(ApiError::not_found().into()),
    };
    match result {
        Ok(ok) => Ok(to(&format!("{}/{id}?ok={ok}", side.base()))),
        Err(f) => {
            let f = f.parts()?;
            hire_render(state, ctx, actor, side, id, Some(data), Some(f), None).await
        }
    }
}

// ---------------------------------------------------------------------------------------
// The worker's side

async fn worker_hires(State(state): State<AppState>, ctx: Ctx, worker: Worker) -> PageResult {
    hires_list(&state, &ctx, &worker, Side::Worker).await
}

async fn worker_hire(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    hire_render(
        &state,
        &ctx,
        &worker,
        Side::Worker,
        id,
        None,
        None,
        flash.text(),
    )
    .await
}

async fn worker_hire_action(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Path(path): Path<(String, String)>,
    form: Form<HireForm>,
) -> PageResult {
    hire_action(&state, &ctx, &worker, Side::Worker, path, form).await
}

async fn worker_confirm_pay(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Path((id, pay_id)): Path<(String, String)>,
) -> PageResult {
    let (id, pay_id) = (path_uuid(&id)?, path_uuid(&pay_id)?);
    match state.svc.confirm_pay(&worker, id, pay_id).await {
        Ok(_) => Ok(to(&format!("/work/hires/{id}?ok=paid"))),
        Err(e) => {
            let f = Failure::of(e, &[]).parts()?;
            hire_render(&state, &ctx, &worker, Side::Worker, id, None, Some(f), None).await
        }
    }
}
