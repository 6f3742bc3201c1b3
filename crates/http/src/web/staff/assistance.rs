//! 困难群众帮扶 (四(十一)): people's own declarations of difficulty waiting to be checked
//! (待核实: confirm, or decline with a reason), the region's people the engine refers to 民政
//! with the reasons, referrals sent and the outcomes entered back; a person's 困难摸排 record.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::Actor;
use linghuo_service::benefits::assistance::{
    AssistanceList, DeclarationConfirmInput, DeclarationDeclineInput, DeclarationView,
    DifficultyInput, REFERRAL_KINDS, ReferralInput, ReferralOutcomeInput, ReferralView,
    default_office,
};
use serde::Deserialize;

use super::events::counties_of;
use crate::AppState;
use crate::context::Ctx;
use crate::web::{
    Errors, Failure, Flash, Form, FormData, PageCtx, PageResult, Staff, cst, date_cn, path_uuid,
    render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/assistance", get(page))
        .route("/staff/assistance/{id}/refer", post(refer))
        .route("/staff/assistance/referrals/{id}/outcome", post(outcome))
        .route(
            "/staff/assistance/declarations/{id}/{action}",
            post(decide_declaration),
        )
        .route(
            "/staff/persons/{id}/difficulty",
            get(difficulty_page).post(record_difficulty),
        )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ListQuery {
    county: String,
}

#[derive(Template)]
#[template(path = "staff/staff_assistance.html")]
struct AssistancePage {
    ctx: PageCtx,
    list: AssistanceList,
    counties: Vec<(String, String)>,
    county: String,
    kinds: &'static [(&'static str, &'static str)],
    today: String,
    ok: Option<&'static str>,
    error: Option<String>,
}

impl AssistancePage {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        cst(t)
    }
    fn day(&self, d: &chrono::NaiveDate) -> String {
        date_cn(*d)
    }
    fn office(&self, county: &str) -> String {
        default_office(county)
    }
    fn open_referrals(&self, referrals: &[ReferralView]) -> usize {
        referrals.iter().filter(|r| r.outcome.is_none()).count()
    }
}

async fn render_page(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    county: &str,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let list = state
        .svc
        .assistance_list(staff, Some(county).filter(|c| !c.is_empty()))
        .await?;
    Ok(render(
        status,
        &AssistancePage {
            ctx: PageCtx::new(ctx, "困难群众帮扶", "/staff/assistance"),
            list,
            counties: counties_of(staff),
            county: county.to_owned(),
            kinds: REFERRAL_KINDS,
            today: state.svc.clock.today_cst().to_string(),
            ok,
            error,
        },
    ))
}

async fn page(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    Query(q): Query<ListQuery>,
) -> PageResult {
    render_page(
        &state,
        &ctx,
        &staff,
        &q.county,
        StatusCode::OK,
        flash.text(),
        None,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReferForm {
    kind: String,
    office: String,
    sent_on: String,
    note: String,
    county: String,
}

async fn refer(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<ReferForm>,
) -> PageResult {
    let person = path_uuid(&id)?;
    let input = ReferralInput {
        kind: f.kind,
        office: f.office,
        sent_on: f.sent_on,
        note: f.note,
    };
    match state.svc.refer_assistance(&staff, person, input).await {
        Ok(_) => Ok(to(&format!(
            "/staff/assistance?ok=referred&county={}",
            f.county
        ))),
        Err(e) => {
            let (status, message) = Failure::of_action(e)?;
            render_page(&state, &ctx, &staff, &f.county, status, None, Some(message)).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OutcomeForm {
    outcome: String,
    amount: String,
    note: String,
    decided_on: String,
    county: String,
}

async fn outcome(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<OutcomeForm>,
) -> PageResult {
    let referral = path_uuid(&id)?;
    let input = ReferralOutcomeInput {
        outcome: f.outcome,
        amount: f.amount,
        note: f.note,
        decided_on: f.decided_on,
    };
    match state
        .svc
        .record_referral_outcome(&staff, referral, input)
        .await
    {
        Ok(_) => Ok(to(&format!(
            "/staff/assistance?ok=outcome&county={}",
            f.county
        ))),
        Err(e) => {
            let (status, message) = Failure::of_action(e)?;
            render_page(&state, &ctx, &staff, &f.county, status, None, Some(message)).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DeclarationForm {
    note: String,
    reason: String,
    county: String,
}

/// 待核实: staff confirm a person's own declaration (it becomes a 困难摸排 record) or decline
/// it with the reason.
async fn decide_declaration(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path((id, action)): Path<(String, String)>,
    Form { value: f, .. }: Form<DeclarationForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let r = match action.as_str() {
        "confirm" => {
            state
                .svc
                .confirm_declaration(&staff, id, DeclarationConfirmInput { note: f.note })
                .await
        }
        "decline" => {
            state
                .svc
                .decline_declaration(&staff, id, DeclarationDeclineInput { reason: f.reason })
                .await
        }
        _ => return Err(crate::error::ApiError::not_found().into()),
    };
    match r {
        Ok(_) => {
            let done = if action == "confirm" {
                "declaration_confirmed"
            } else {
                "declaration_declined"
            };
            Ok(to(&format!(
                "/staff/assistance?ok={done}&county={}",
                f.county
            )))
        }
        Err(e) => {
            let (status, message) = Failure::of_action(e)?;
            render_page(&state, &ctx, &staff, &f.county, status, None, Some(message)).await
        }
    }
}

#[derive(Template)]
#[template(path = "staff/staff_difficulty.html")]
struct DifficultyPage {
    ctx: PageCtx,
    person_id: uuid::Uuid,
    person_name: String,
    findings: Vec<(String, bool, String, String)>,
    declarations: Vec<DeclarationView>,
    referrals: Vec<ReferralView>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

impl DifficultyPage {
    fn day(&self, d: &chrono::NaiveDate) -> String {
        date_cn(*d)
    }
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        cst(t)
    }
}

async fn difficulty_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    id: uuid::Uuid,
    form: FormData,
    (status, errors, error): crate::web::FormFailure,
    ok: Option<&'static str>,
) -> PageResult {
    let person = state.svc.get_person(staff, id).await?;
    let findings = state
        .svc
        .difficulty_findings(staff, id)
        .await?
        .into_iter()
        .map(|f| (cst(&f.created_at), f.in_difficulty, f.note, f.recorded_by))
        .collect();
    let referrals = state.svc.referrals_of_person(staff, id).await?;
    let declarations = state.svc.declarations_of_person(staff, id).await?;
    Ok(render(
        status,
        &DifficultyPage {
            ctx: PageCtx::new(ctx, "困难摸排", "/staff/persons"),
            person_id: id,
            person_name: person.name,
            findings,
            declarations,
            referrals,
            form,
            errors,
            error,
            ok,
        },
    ))
}

async fn difficulty_page(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    difficulty_render(
        &state,
        &ctx,
        &staff,
        id,
        FormData::default(),
        (StatusCode::OK, Errors::default(), None),
        flash.text(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DifficultyForm {
    in_difficulty: String,
    note: String,
}

async fn record_difficulty(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form {
        value: f,
        data: form,
    }: Form<DifficultyForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let in_difficulty = match f.in_difficulty.as_str() {
        "yes" => true,
        "no" => false,
        _ => {
            let failure = Failure::field("in_difficulty", "请选择基本生活是否陷入困境").parts()?;
            return difficulty_render(&state, &ctx, &staff, id, form, failure, None).await;
        }
    };
    let input = DifficultyInput {
        in_difficulty,
        note: f.note,
    };
    match state.svc.record_difficulty(&staff, id, input).await {
        Ok(()) => Ok(to(&format!("/staff/persons/{id}/difficulty?ok=difficulty"))),
        Err(e) => {
            let failure = Failure::of(e, &["in_difficulty", "note"]).parts()?;
            difficulty_render(&state, &ctx, &staff, id, form, failure, None).await
        }
    }
}
