//! 窗口代办: staff do a person's registration, benefit application and payee account at the
//! window, for a person of their own region (the service enforces the scope; out of region is
//! "not found"), with the person's consent noted on each form.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::ServiceError;
use linghuo_service::benefits::{self, ApplicationView};
use linghuo_service::payments::{PayeeInput, PayeeView};
use linghuo_service::persons::PersonView;
use linghuo_service::registration::{EndInput, RegistrationFile};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::worker::shared::{
    END_FIELDS, FLEX_FORMS, Failed, Forms, PAYEE_FIELDS, REG_FIELDS, REG_KINDS, RegLine,
    RegistrationForm, reg_line, registration_defaults,
};
use crate::web::{Flash, Form, FormData, PageCtx, PageResult, Staff, path_uuid, render, to};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/persons/{id}/window", get(window))
        .route("/staff/persons/{id}/window/register", post(window_register))
        .route("/staff/persons/{id}/window/end", post(window_end))
        .route("/staff/persons/{id}/window/apply", post(window_apply))
        .route("/staff/persons/{id}/window/payee", post(window_payee))
}

#[derive(Template)]
#[template(path = "staff/staff_services_window.html")]
struct WindowPage {
    ctx: PageCtx,
    p: PersonView,
    file: RegistrationFile,
    current: Option<RegLine>,
    history: Vec<RegLine>,
    applications: Vec<ApplicationView>,
    payee: Option<PayeeView>,
    benefit_options: Vec<(&'static str, &'static str)>,
    kinds: &'static [(&'static str, &'static str)],
    flex: &'static [(&'static str, &'static str)],
    fs: Forms,
    ok: Option<&'static str>,
}

async fn window_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    pid: Uuid,
    status: StatusCode,
    flash: Flash,
    failed: Option<Failed>,
) -> PageResult {
    let svc = &state.svc;
    let p = svc.get_person(staff, pid).await?;
    let file = svc.registration_file(staff, pid).await?;
    let applications = svc.benefit_applications_of(staff, pid).await?;
    let payee = svc.payee_of(staff, pid).await?;
    Ok(render(
        status,
        &WindowPage {
            ctx: PageCtx::new(ctx, "窗口代办", "/staff/persons"),
            current: file.current.as_ref().map(reg_line),
            history: file.history.iter().map(reg_line).collect(),
            p,
            file,
            applications,
            payee,
            benefit_options: benefits::APPLICABLE.to_vec(),
            kinds: REG_KINDS,
            flex: FLEX_FORMS,
            fs: Forms::new(registration_defaults(state), failed),
            ok: flash.text(),
        },
    ))
}

async fn window(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    flash: Flash,
) -> PageResult {
    let pid = path_uuid(&id)?;
    window_render(&state, &ctx, &staff, pid, StatusCode::OK, flash, None).await
}

/// What a window form came to: the page to go to, or the window again with form `which`
/// (never with the account number typed).
#[allow(clippy::too_many_arguments)]
async fn window_done(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    pid: Uuid,
    which: &str,
    mut data: FormData,
    fields: &[&str],
    result: Result<String, ServiceError>,
) -> PageResult {
    match result {
        Ok(path) => Ok(to(&path)),
        Err(e) => {
            data.set("account", "");
            let (status, failed) = Failed::sort(which, data, e, fields)?;
            window_render(
                state,
                ctx,
                staff,
                pid,
                status,
                Flash::default(),
                Some(failed),
            )
            .await
        }
    }
}

async fn window_register(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value, data }: Form<RegistrationForm>,
) -> PageResult {
    let pid = path_uuid(&id)?;
    let result = state
        .svc
        .register(&staff, pid, value.input())
        .await
        .map(|_| format!("/staff/persons/{pid}/window?ok=registered"));
    window_done(&state, &ctx, &staff, pid, "reg", data, REG_FIELDS, result).await
}

#[derive(Deserialize)]
struct EndForm {
    #[serde(default)]
    ended_on: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    consent_note: String,
}

async fn window_end(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value, data }: Form<EndForm>,
) -> PageResult {
    let pid = path_uuid(&id)?;
    let input = EndInput {
        ended_on: value.ended_on,
        reason: value.reason,
        consent_note: value.consent_note,
    };
    let result = state
        .svc
        .end_registration(&staff, pid, input)
        .await
        .map(|_| format!("/staff/persons/{pid}/window?ok=ended"));
    window_done(&state, &ctx, &staff, pid, "end", data, END_FIELDS, result).await
}

#[derive(Deserialize)]
struct ApplyForm {
    #[serde(default)]
    benefit: String,
    #[serde(default)]
    consent_note: String,
}

async fn window_apply(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value, data }: Form<ApplyForm>,
) -> PageResult {
    let pid = path_uuid(&id)?;
    let input = benefits::ApplyInput {
        benefit: value.benefit,
        consent_note: value.consent_note,
    };
    let result = state
        .svc
        .apply_for_benefit(&staff, pid, input)
        .await
        .map(|v| format!("/staff/benefits/{}?ok=applied", v.id));
    let fields = &["benefit", "consent_note"];
    window_done(&state, &ctx, &staff, pid, "apply", data, fields, result).await
}

#[derive(Deserialize)]
struct PayeeForm {
    #[serde(default)]
    bank_name: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    consent_note: String,
}

async fn window_payee(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value, data }: Form<PayeeForm>,
) -> PageResult {
    let pid = path_uuid(&id)?;
    let input = PayeeInput {
        bank_name: value.bank_name,
        account: value.account,
        consent_note: value.consent_note,
    };
    let result = state
        .svc
        .set_payee(&staff, pid, input)
        .await
        .map(|_| format!("/staff/persons/{pid}/window?ok=payee"));
    window_done(
        &state,
        &ctx,
        &staff,
        pid,
        "payee",
        data,
        PAYEE_FIELDS,
        result,
    )
    .await
}
