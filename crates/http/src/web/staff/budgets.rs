//! 资金预算 (五(十二)): each county's annual budget per fund with its use, set by province and
//! city staff; the grants held because they would overdraw, released or refused by the
//! province.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::Actor;
use linghuo_service::benefits::budget::{BudgetInput, BudgetReport, FUNDS, HoldDecisionInput};
use serde::Deserialize;

use super::events::counties_of;
use crate::AppState;
use crate::context::Ctx;
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Staff, cst,
    path_uuid, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/budgets", get(page).post(set_budget))
        .route("/staff/budgets/holds/{id}", post(decide_hold))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct YearQuery {
    year: Option<i32>,
}

#[derive(Template)]
#[template(path = "staff/staff_budgets.html")]
struct BudgetsPage {
    ctx: PageCtx,
    r: BudgetReport,
    counties: Vec<(String, String)>,
    funds: Vec<(&'static str, &'static str)>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

impl BudgetsPage {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        cst(t)
    }
}

async fn render_page(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    year: Option<i32>,
    form: FormData,
    (status, errors, error): FormFailure,
    ok: Option<&'static str>,
) -> PageResult {
    let r = state.svc.budget_report(staff, year).await?;
    let mut form = form;
    if form.get("year").is_empty() {
        form.set("year", r.year.to_string());
    }
    Ok(render(
        status,
        &BudgetsPage {
            ctx: PageCtx::new(ctx, "资金预算", "/staff/budgets"),
            r,
            counties: counties_of(staff),
            funds: FUNDS.iter().map(|f| (f.code, f.name)).collect(),
            form,
            errors,
            error,
            ok,
        },
    ))
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    Query(q): Query<YearQuery>,
) -> PageResult {
    render_page(
        &state,
        &ctx,
        &staff,
        q.year,
        FormData::default(),
        (StatusCode::OK, Errors::default(), None),
        flash.text(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct BudgetForm {
    county: String,
    fund: String,
    year: String,
    amount: String,
    note: String,
}

async fn set_budget(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form {
        value: f,
        data: form,
    }: Form<BudgetForm>,
) -> PageResult {
    let Ok(year) = f.year.trim().parse::<i32>() else {
        let failure = Failure::field("year", "请填写年份，例如 2026").parts()?;
        return render_page(&state, &ctx, &staff, None, form, failure, None).await;
    };
    let input = BudgetInput {
        county: f.county,
        fund: f.fund,
        year,
        amount: f.amount,
        note: f.note,
    };
    match state.svc.set_budget(&staff, input).await {
        Ok(_) => Ok(to(&format!("/staff/budgets?year={year}&ok=saved"))),
        Err(e) => {
            let failure = Failure::of(e, &["county", "fund", "year", "amount", "note"]).parts()?;
            render_page(&state, &ctx, &staff, Some(year), form, failure, None).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HoldForm {
    decision: String,
    note: String,
}

async fn decide_hold(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<HoldForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let release = f.decision == "release";
    let input = HoldDecisionInput {
        decision: f.decision,
        note: f.note,
    };
    match state.svc.decide_hold(&staff, id, input).await {
        Ok(_) => Ok(to(if release {
            "/staff/budgets?ok=released"
        } else {
            "/staff/budgets?ok=refused"
        })),
        Err(e) => {
            let (status, message) = Failure::of_action(e)?;
            render_page(
                &state,
                &ctx,
                &staff,
                None,
                FormData::default(),
                (status, Errors::default(), Some(message)),
                None,
            )
            .await
        }
    }
}
