//! 灵活就业一件事 online (/services/onething): one form for 灵活就业登记 and 参保登记, a
//! preview of the subsidies the engine would then find payable, and one submit that does
//! all of it in one transaction (tracked as one item in 我的办件). The window's page
//! (`staff/onething.rs`) draws the same form for a person with their consent.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use linghuo_service::Actor;
use linghuo_service::enrolment::{OneThingInput, OneThingPreview, SCHEMES, base_range};
use serde::Deserialize;
use uuid::Uuid;

use super::shared::{FLEX_FORMS, own_person};
use crate::AppState;
use crate::context::Ctx;
use crate::web::{Errors, Failure, Form, FormData, PageCtx, PageResult, Worker, render, to};

pub fn routes() -> Router<AppState> {
    Router::new().route("/services/onething", get(page).post(submit))
}

pub(crate) const FIELDS: &[&str] = &[
    "flexible_form",
    "started_on",
    "schemes",
    "start_month",
    "base",
    "consent_note",
];

#[derive(Template)]
#[template(path = "worker/onething.html")]
pub(crate) struct OneThingPage {
    pub ctx: PageCtx,
    pub action: String,
    /// Staff at the window (asks for the consent note).
    pub staff: bool,
    pub person_name: String,
    pub flex: &'static [(&'static str, &'static str)],
    pub schemes: &'static [(&'static str, &'static str)],
    pub lower: String,
    pub upper: String,
    pub form: FormData,
    pub errors: Errors,
    pub error: Option<String>,
    pub preview: Option<Vec<OneThingPreview>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub(crate) struct OneThingForm {
    #[serde(default)]
    pub flexible_form: String,
    #[serde(default)]
    pub started_on: String,
    #[serde(default)]
    pub pension: String,
    #[serde(default)]
    pub medical: String,
    #[serde(default)]
    pub start_month: String,
    #[serde(default)]
    pub base: String,
    #[serde(default)]
    pub consent_note: String,
    /// preview | submit
    #[serde(default)]
    pub step: String,
}

impl OneThingForm {
    pub fn input(&self) -> OneThingInput {
        OneThingInput {
            flexible_form: self.flexible_form.clone(),
            started_on: self.started_on.clone(),
            pension: !self.pension.is_empty(),
            medical: !self.medical.is_empty(),
            start_month: self.start_month.clone(),
            base: self.base.clone(),
            consent_note: self.consent_note.clone(),
        }
    }
}

/// The form with its defaults (this month, both schemes).
fn defaults(state: &AppState) -> FormData {
    let today = state.svc.clock.today_cst();
    let mut f = FormData::default();
    f.set("started_on", today.format("%Y-%m-%d").to_string());
    f.set("start_month", today.format("%Y-%m").to_string());
    f.set("pension", "1");
    f.set("medical", "1");
    f
}

/// Draws the 一件事 form (online or at the window).
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw(
    state: &AppState,
    ctx: &Ctx,
    action: String,
    staff: bool,
    person_name: String,
    status: StatusCode,
    form: Option<FormData>,
    errors: Errors,
    error: Option<String>,
    preview: Option<Vec<OneThingPreview>>,
) -> Response {
    let (lower, upper) = base_range(&state.svc, state.svc.clock.today_cst());
    let form = match form {
        Some(f) => f,
        None => defaults(state),
    };
    render(
        status,
        &OneThingPage {
            ctx: PageCtx::new(ctx, "灵活就业一件事", "/services/onething"),
            action,
            staff,
            person_name,
            flex: FLEX_FORMS,
            schemes: SCHEMES,
            lower: fen(lower),
            upper: fen(upper),
            form,
            errors,
            error,
            preview,
        },
    )
}

fn fen(f: i64) -> String {
    linghuo_domain::Money::from_fen(f).to_string()
}

/// Previews or submits; `done` is where a submit goes.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn handle(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    pid: Uuid,
    action: String,
    person_name: String,
    value: OneThingForm,
    data: FormData,
    done: &str,
) -> PageResult {
    let staff = actor.role == linghuo_service::Role::Staff;
    let result = if value.step == "preview" {
        state
            .svc
            .onething_preview(actor, pid, value.input())
            .await
            .map(Some)
    } else {
        state
            .svc
            .onething_submit(actor, pid, value.input())
            .await
            .map(|_| None)
    };
    match result {
        Ok(Some(preview)) => Ok(draw(
            state,
            ctx,
            action,
            staff,
            person_name,
            StatusCode::OK,
            Some(data),
            Errors::default(),
            None,
            Some(preview),
        )),
        Ok(None) => Ok(to(done)),
        Err(e) => {
            let (status, errors, error) = Failure::of(e, FIELDS).parts()?;
            Ok(draw(
                state,
                ctx,
                action,
                staff,
                person_name,
                status,
                Some(data),
                errors,
                error,
                None,
            ))
        }
    }
}

async fn page(State(state): State<AppState>, ctx: Ctx, worker: Worker) -> PageResult {
    own_person(&worker)?;
    Ok(draw(
        &state,
        &ctx,
        "/services/onething".into(),
        false,
        String::new(),
        StatusCode::OK,
        None,
        Errors::default(),
        None,
        None,
    ))
}

async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    worker: Worker,
    Form { value, data }: Form<OneThingForm>,
) -> PageResult {
    let pid = own_person(&worker)?;
    handle(
        &state,
        &ctx,
        &worker,
        pid,
        "/services/onething".into(),
        String::new(),
        value,
        data,
        "/services/items?ok=onething",
    )
    .await
}
