//! Policy parameters for staff: every parameter with its dated values and clause
//! (`/staff/parameters`), corrections proposed by province staff and approved by a second
//! person with the recalculation preview (`/staff/parameters/corrections/{id}`), and what-if
//! over the registered population of the staff member's region (`/staff/whatif`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::parameters::{
    CorrectionDecision, CorrectionDetail, ImpactReport, ParameterChange, ParametersPage,
};
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::web::worker::shared::{Failed, Forms};
use crate::web::{
    Flash, Form, FormData, PageCtx, PageResult, Staff, cst, path_uuid, query_field, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/parameters", get(parameters))
        .route("/staff/parameters/corrections", post(propose))
        .route("/staff/parameters/corrections/{id}", get(correction))
        .route("/staff/parameters/corrections/{id}/decision", post(decide))
        .route("/staff/whatif", get(whatif))
}

const CHANGE_FIELDS: &[&str] = &["name", "value", "effective_from", "reason"];

#[derive(Template)]
#[template(path = "staff/staff_parameters.html")]
struct ParametersView {
    ctx: PageCtx,
    p: ParametersPage,
    options: Vec<(&'static str, String)>,
    fs: Forms,
    ok: Option<&'static str>,
}

impl ParametersView {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        cst(t)
    }
}

fn options(p: &ParametersPage) -> Vec<(&'static str, String)> {
    p.parameters
        .iter()
        .filter_map(|x| {
            Some((
                linghuo_policy::Param::from_name(&x.name)?.name(),
                format!(
                    "{}（{}，现为{}）",
                    x.description, x.unit_label, x.current_text
                ),
            ))
        })
        .collect()
}

async fn parameters_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    status: StatusCode,
    ok: Option<&'static str>,
    failed: Option<Failed>,
) -> PageResult {
    let p = state.svc.parameters_page(staff).await?;
    let mut defaults = FormData::default();
    defaults.set("effective_from", p.as_of.format("%Y-%m-%d").to_string());
    Ok(render(
        status,
        &ParametersView {
            ctx: PageCtx::new(ctx, "政策参数", "/staff/parameters"),
            options: options(&p),
            p,
            fs: Forms::new(defaults, failed),
            ok,
        },
    ))
}

async fn parameters(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
) -> PageResult {
    parameters_render(&state, &ctx, &staff, StatusCode::OK, flash.text(), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ChangeForm {
    name: String,
    value: String,
    effective_from: String,
    reason: String,
}

impl ChangeForm {
    fn change(self) -> ParameterChange {
        ParameterChange {
            name: self.name,
            value: self.value,
            effective_from: self.effective_from,
            reason: self.reason,
        }
    }
}

async fn propose(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form { value, data }: Form<ChangeForm>,
) -> PageResult {
    match state.svc.propose_correction(&staff, value.change()).await {
        Ok(c) => Ok(to(&format!(
            "/staff/parameters/corrections/{}?ok=proposed",
            c.id
        ))),
        Err(e) => {
            let (status, failed) = Failed::sort("fix", data, e, CHANGE_FIELDS)?;
            parameters_render(&state, &ctx, &staff, status, None, Some(failed)).await
        }
    }
}

#[derive(Template)]
#[template(path = "staff/staff_parameter_correction.html")]
struct CorrectionPage {
    ctx: PageCtx,
    d: CorrectionDetail,
    fs: Forms,
    ok: Option<&'static str>,
}

impl CorrectionPage {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        cst(t)
    }
}

async fn correction_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    id: uuid::Uuid,
    status: StatusCode,
    ok: Option<&'static str>,
    failed: Option<Failed>,
) -> PageResult {
    let d = state.svc.correction_detail(staff, id).await?;
    Ok(render(
        status,
        &CorrectionPage {
            ctx: PageCtx::new(ctx, "参数更正", "/staff/parameters"),
            d,
            fs: Forms::new(FormData::default(), failed),
            ok,
        },
    ))
}

async fn correction(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    correction_render(&state, &ctx, &staff, id, StatusCode::OK, flash.text(), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DecisionForm {
    outcome: String,
    note: String,
}

async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value, data }: Form<DecisionForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let input = CorrectionDecision {
        outcome: value.outcome,
        note: value.note,
    };
    let approve = input.outcome == "approve";
    match state.svc.decide_correction(&staff, id, input).await {
        Ok(_) => Ok(to(&format!(
            "/staff/parameters/corrections/{id}?ok={}",
            if approve { "approved" } else { "rejected" }
        ))),
        Err(e) => {
            let (status, failed) = Failed::sort("decide", data, e, &["outcome", "note"])?;
            correction_render(&state, &ctx, &staff, id, status, None, Some(failed)).await
        }
    }
}

#[derive(Template)]
#[template(path = "staff/staff_whatif.html")]
struct WhatIfPage {
    ctx: PageCtx,
    options: Vec<(&'static str, String)>,
    report: Option<ImpactReport>,
    fs: Forms,
}

async fn whatif(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    let p = state.svc.parameters_page(&staff).await?;
    let change = ParameterChange {
        name: query_field(&q, "name"),
        value: query_field(&q, "value"),
        effective_from: query_field(&q, "effective_from"),
        reason: String::new(),
    };
    let mut form = FormData::default();
    form.set("name", change.name.clone());
    form.set("value", change.value.clone());
    form.set(
        "effective_from",
        if change.effective_from.is_empty() {
            p.as_of.format("%Y-%m-%d").to_string()
        } else {
            change.effective_from.clone()
        },
    );
    let (status, report, fs) = if change.name.is_empty() && change.value.is_empty() {
        (StatusCode::OK, None, Forms::new(form, None))
    } else {
        match state.svc.what_if(&staff, &change).await {
            Ok(r) => (StatusCode::OK, Some(r), Forms::new(form, None)),
            Err(e) => {
                let (status, failed) = Failed::sort("whatif", form, e, CHANGE_FIELDS)?;
                (status, None, Forms::new(FormData::default(), Some(failed)))
            }
        }
    };
    Ok(render(
        status,
        &WhatIfPage {
            ctx: PageCtx::new(&ctx, "政策测算", "/staff/whatif"),
            options: options(&p),
            report,
            fs,
        },
    ))
}
