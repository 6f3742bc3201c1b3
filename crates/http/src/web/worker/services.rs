//! 办事大厅 for a worker, for their own person only: 就业登记 / 失业登记 / 灵活就业登记 with
//! the 就业创业证, benefit applications pre-filled by the policy engine (with the payee
//! account first when the benefit is paid in money), each application with its printable
//! 决定书, and training courses. What the window's pages share with these is in `shared`.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::benefits::{self, ApplicationView};
use linghuo_service::payments::{PayeeInput, PayeeView};
use linghuo_service::registration::{EndInput, RegistrationFile};
use linghuo_service::training::{CourseView, EnrolmentView};
use serde::Deserialize;

use super::hub::chances_of;
use super::shared::{
    END_FIELDS, FLEX_FORMS, Failed, Forms, PAYEE_FIELDS, REG_FIELDS, REG_KINDS, REVIEW_DAYS,
    RegLine, RegistrationForm, decided, notice_page, own_person, reg_line, registration_defaults,
};
use crate::AppState;
use crate::context::Ctx;
use crate::web::answers::{Chance, ChanceSummary, chance_summary};
use crate::web::public::news::CaseLinks;
use crate::web::{
    Failure, Flash, Form, FormData, PageCtx, PageResult, Worker, path_uuid, query_field, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/services/registration",
            get(registration_page).post(register),
        )
        .route("/services/registration/end", post(end_registration))
        .route(
            "/services/registration/suggestions/{id}",
            post(answer_suggestion),
        )
        .route("/services/benefits", get(benefits_page))
        .route(
            "/services/benefits/apply",
            get(apply_page).post(apply_submit),
        )
        .route("/services/benefits/payee", post(payee_submit))
        .route("/services/benefits/{id}", get(application_page))
        .route("/services/benefits/{id}/notice", get(my_notice))
        .route("/services/training", get(training_page))
        .route("/services/training/{id}/enrol", post(enrol))
}

// ---------------------------------------------------------------------------------------
// 就业登记

#[derive(Template)]
#[template(path = "worker/services_registration.html")]
struct RegistrationPage {
    ctx: PageCtx,
    file: RegistrationFile,
    current: Option<RegLine>,
    history: Vec<RegLine>,
    fs: Forms,
    ok: Option<&'static str>,
    kinds: &'static [(&'static str, &'static str)],
    flex: &'static [(&'static str, &'static str)],
}

async fn registration_render(
    state: &AppState,
    ctx: &Ctx,
    worker: &Worker,
    status: StatusCode,
    flash: Flash,
    failed: Option<Failed>,
) -> PageResult {
    let pid = own_person(worker)?;
    let file = state.svc.registration_file(worker, pid).await?;
    Ok(render(
        status,
        &RegistrationPage {
            ctx: PageCtx::new(ctx, "就业登记", "/services/registration"),
            current: file.current.as_ref().map(reg_line),
            history: file.history.iter().map(reg_line).collect(),
            file,
            fs: Forms::new(registration_defaults(state), failed),
            ok: flash.text(),
            kinds: REG_KINDS,
            flex: FLEX_FORMS,
        },
    ))
}

async fn registration_page(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    flash: Flash,
) -> PageResult {
    registration_render(&state, &ctx, &worker, StatusCode::OK, flash, None).await
}

async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Form { value, data }: Form<RegistrationForm>,
) -> PageResult {
    let pid = own_person(&worker)?;
    match state.svc.register(&worker, pid, value.input()).await {
        Ok(_) => Ok(to("/services/registration?ok=registered")),
        Err(e) => {
            let (status, failed) = Failed::sort("reg", data, e, REG_FIELDS)?;
            registration_render(
                &state,
                &ctx,
                &worker,
                status,
                Flash::default(),
                Some(failed),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
struct EndForm {
    #[serde(default)]
    ended_on: String,
    #[serde(default)]
    reason: String,
}

async fn end_registration(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Form { value, data }: Form<EndForm>,
) -> PageResult {
    let pid = own_person(&worker)?;
    let input = EndInput {
        ended_on: value.ended_on,
        reason: value.reason,
        consent_note: String::new(),
    };
    match state.svc.end_registration(&worker, pid, input).await {
        Ok(_) => Ok(to("/services/registration?ok=ended")),
        Err(e) => {
            let (status, failed) = Failed::sort("end", data, e, END_FIELDS)?;
            registration_render(
                &state,
                &ctx,
                &worker,
                status,
                Flash::default(),
                Some(failed),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    answer: String,
}

async fn answer_suggestion(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Path(id): Path<String>,
    Form { value, data }: Form<AnswerForm>,
) -> PageResult {
    own_person(&worker)?;
    let id = path_uuid(&id)?;
    let accept = value.answer == "accept";
    match state.svc.answer_suggestion(&worker, id, accept, "").await {
        Ok(_) => Ok(to(if accept {
            "/services/registration?ok=accepted"
        } else {
            "/services/registration?ok=dismissed"
        })),
        Err(e) => {
            let (status, failed) = Failed::sort("suggestion", data, e, &[])?;
            registration_render(
                &state,
                &ctx,
                &worker,
                status,
                Flash::default(),
                Some(failed),
            )
            .await
        }
    }
}

// ---------------------------------------------------------------------------------------
// 待遇申请

#[derive(Template)]
#[template(path = "worker/services_benefits.html")]
struct BenefitsPage {
    ctx: PageCtx,
    items: Vec<ApplicationView>,
    /// Benefits with something payable now (or a credit line to decide): 可以申请.
    now: Vec<Chance>,
    /// The others, each with why and the next step: 满足条件后可申请 / 不符合.
    later: Vec<Chance>,
    summary: ChanceSummary,
    payee: Option<PayeeView>,
}

async fn benefits_page(State(state): State<AppState>, ctx: Ctx, worker: Worker) -> PageResult {
    let pid = own_person(&worker)?;
    let items = state.svc.benefit_applications_of(&worker, pid).await?;
    let payee = state.svc.payee_of(&worker, pid).await?;
    let hub = state.svc.service_hub(&worker).await?;
    let chances = chances_of(&hub);
    let summary = chance_summary(&chances);
    let (now, later) = chances.into_iter().partition(|c| c.offered);
    Ok(render(
        StatusCode::OK,
        &BenefitsPage {
            ctx: PageCtx::new(&ctx, "政策待遇申请", "/services/benefits"),
            items,
            now,
            later,
            summary,
            payee,
        },
    ))
}

#[derive(Template)]
#[template(path = "worker/services_apply.html")]
struct ApplyPage {
    ctx: PageCtx,
    a: ApplicationView,
    /// 相关案例 beside the clauses cited.
    cases: CaseLinks,
    /// The benefit as the person can have it now: the state, why, the next step, and
    /// whether an application is offered (something payable, or a credit line to decide).
    chance: Chance,
    payee: Option<PayeeView>,
    needs_payee: bool,
    paid: bool,
    review_days: u32,
    fs: Forms,
    ok: Option<&'static str>,
}

async fn apply_render(
    state: &AppState,
    ctx: &Ctx,
    worker: &Worker,
    benefit: &str,
    status: StatusCode,
    flash: Flash,
    failed: Option<Failed>,
) -> PageResult {
    let pid = own_person(worker)?;
    let a = state.svc.preview_benefit(worker, pid, benefit).await?;
    let payee = state.svc.payee_of(worker, pid).await?;
    let paid = benefits::is_paid(benefit);
    let chance = Chance::new(
        &a.benefit,
        &a.benefit_name,
        a.eligible,
        &a.amount,
        "",
        &a.changes,
    );
    Ok(render(
        status,
        &ApplyPage {
            ctx: PageCtx::new(
                ctx,
                format!("申请{}", benefits::benefit_name(benefit)),
                "/services/benefits/apply",
            ),
            // An account is asked for only when money would be paid.
            needs_payee: paid && payee.is_none() && chance.offered,
            chance,
            paid,
            payee,
            a,
            cases: CaseLinks::load(state).await?,
            review_days: REVIEW_DAYS,
            fs: Forms::new(FormData::default(), failed),
            ok: flash.text(),
        },
    ))
}

async fn apply_page(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    let benefit = query_field(&q, "benefit");
    apply_render(&state, &ctx, &worker, &benefit, StatusCode::OK, flash, None).await
}

#[derive(Deserialize)]
struct ApplyForm {
    #[serde(default)]
    benefit: String,
}

async fn apply_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Form { value, data }: Form<ApplyForm>,
) -> PageResult {
    let pid = own_person(&worker)?;
    let input = benefits::ApplyInput {
        benefit: value.benefit.clone(),
        consent_note: String::new(),
    };
    match state.svc.apply_for_benefit(&worker, pid, input).await {
        Ok(a) => Ok(to(&format!("/services/benefits/{}?ok=applied", a.id))),
        Err(e) => {
            let (status, failed) = Failed::sort("apply", data, e, &[])?;
            apply_render(
                &state,
                &ctx,
                &worker,
                &value.benefit,
                status,
                Flash::default(),
                Some(failed),
            )
            .await
        }
    }
}

#[derive(Deserialize)]
struct PayeeForm {
    #[serde(default)]
    benefit: String,
    #[serde(default)]
    bank_name: String,
    #[serde(default)]
    account: String,
}

async fn payee_submit(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Form { value, mut data }: Form<PayeeForm>,
) -> PageResult {
    let pid = own_person(&worker)?;
    let input = PayeeInput {
        bank_name: value.bank_name,
        account: value.account,
        consent_note: String::new(),
    };
    // The account number is never shown again, not even after an error.
    data.set("account", "");
    match state.svc.set_payee(&worker, pid, input).await {
        Ok(_) => Ok(to(&format!(
            "/services/benefits/apply?benefit={}&ok=payee",
            url_safe(&value.benefit)
        ))),
        Err(e) => {
            let (status, failed) = Failed::sort("payee", data, e, PAYEE_FIELDS)?;
            apply_render(
                &state,
                &ctx,
                &worker,
                &value.benefit,
                status,
                Flash::default(),
                Some(failed),
            )
            .await
        }
    }
}

/// A benefit id for a URL: only the ids the service knows pass, anything else is dropped.
fn url_safe(benefit: &str) -> &str {
    benefits::APPLICABLE
        .iter()
        .find(|(id, _)| *id == benefit)
        .map(|(id, _)| *id)
        .unwrap_or("")
}

#[derive(Template)]
#[template(path = "worker/services_application.html")]
struct ApplicationPage {
    ctx: PageCtx,
    a: ApplicationView,
    /// 相关案例 beside the clauses cited.
    cases: CaseLinks,
    decided: bool,
    decided_on: String,
    review_days: u32,
    ok: Option<&'static str>,
}

async fn application_page(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Path(id): Path<String>,
    flash: Flash,
) -> PageResult {
    own_person(&worker)?;
    let id = path_uuid(&id)?;
    let a = state.svc.get_benefit_application(&worker, id).await?;
    Ok(render(
        StatusCode::OK,
        &ApplicationPage {
            ctx: PageCtx::new(&ctx, a.benefit_name.clone(), "/services/benefits"),
            decided: decided(&a),
            decided_on: a
                .decided_at
                .as_ref()
                .map(crate::web::cst)
                .unwrap_or_default(),
            a,
            cases: CaseLinks::load(&state).await?,
            review_days: REVIEW_DAYS,
            ok: flash.text(),
        },
    ))
}

async fn my_notice(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Path(id): Path<String>,
) -> PageResult {
    own_person(&worker)?;
    notice_page(&state, &ctx, &worker, &id, "/services/benefits").await
}

// ---------------------------------------------------------------------------------------
// 职业培训

pub struct CourseLine {
    pub c: CourseView,
    pub enrolled: bool,
}

#[derive(Template)]
#[template(path = "worker/services_training.html")]
struct TrainingPage {
    ctx: PageCtx,
    courses: Vec<CourseLine>,
    mine: Vec<EnrolmentView>,
    /// offline | online | "" (all).
    mode: String,
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn training_render(
    state: &AppState,
    ctx: &Ctx,
    worker: &Worker,
    status: StatusCode,
    flash: Flash,
    error: Option<String>,
    mode: &str,
) -> PageResult {
    own_person(worker)?;
    let mode = if matches!(mode, "online" | "offline") {
        mode
    } else {
        ""
    };
    let courses = state.svc.courses_of_mode(worker, mode).await?;
    let mine = state.svc.my_enrolments(worker).await?;
    Ok(render(
        status,
        &TrainingPage {
            ctx: PageCtx::new(ctx, "职业培训", "/services/training"),
            courses: courses
                .into_iter()
                .map(|c| CourseLine {
                    enrolled: mine.iter().any(|e| e.course_id == c.id),
                    c,
                })
                .collect(),
            mine,
            mode: mode.to_owned(),
            ok: flash.text(),
            error,
        },
    ))
}

#[derive(Deserialize, Default)]
struct ModeQuery {
    #[serde(default)]
    mode: String,
}

async fn training_page(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    flash: Flash,
    Query(q): Query<ModeQuery>,
) -> PageResult {
    training_render(&state, &ctx, &worker, StatusCode::OK, flash, None, &q.mode).await
}

async fn enrol(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Path(id): Path<String>,
) -> PageResult {
    let pid = own_person(&worker)?;
    let id = path_uuid(&id)?;
    match state.svc.enrol(&worker, id, pid).await {
        Ok(_) => Ok(to("/services/training?ok=enrolled")),
        Err(e) => {
            let (status, error) = Failure::of_action(e)?;
            training_render(
                &state,
                &ctx,
                &worker,
                status,
                Flash::default(),
                Some(error),
                "",
            )
            .await
        }
    }
}
