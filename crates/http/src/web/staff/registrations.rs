//! 就业登记 in the staff member's region: the registrations, and the suggestions (a hire or a
//! fact that calls for a registration) to accept or dismiss.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::registration::{RegistrationView, SuggestionView};
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::web::staff::pager::{Pager, page_query};
use crate::web::worker::shared::{Failed, Forms, RegLine, reg_line};
use crate::web::{Flash, Form, FormData, PageCtx, PageResult, Staff, path_uuid, render, to};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/registrations", get(registrations))
        .route(
            "/staff/registrations/suggestions/{id}",
            post(answer_suggestion),
        )
}

pub struct SuggestionLine {
    pub s: SuggestionView,
    pub key: String,
}

#[derive(Template)]
#[template(path = "staff/staff_services_registrations.html")]
struct RegistrationsPage {
    ctx: PageCtx,
    items: Vec<(RegistrationView, RegLine)>,
    suggestions: Vec<SuggestionLine>,
    pager: Pager,
    fs: Forms,
    ok: Option<&'static str>,
}

async fn registrations_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    q: &Option<String>,
    status: StatusCode,
    flash: Flash,
    failed: Option<Failed>,
) -> PageResult {
    let paged = state.svc.registrations_page(staff, &page_query(q)).await?;
    let pager = Pager::new("/staff/registrations", q, &paged).hint("人员姓名");
    let items = paged.items;
    let suggestions = state.svc.suggestions_in_region(staff).await?;
    Ok(render(
        status,
        &RegistrationsPage {
            ctx: PageCtx::new(ctx, "就业登记", "/staff/registrations"),
            items: items
                .into_iter()
                .map(|r| {
                    let l = reg_line(&r);
                    (r, l)
                })
                .collect(),
            suggestions: suggestions
                .into_iter()
                .map(|s| SuggestionLine {
                    key: format!("sg-{}", s.id),
                    s,
                })
                .collect(),
            pager,
            fs: Forms::new(FormData::default(), failed),
            ok: flash.text(),
        },
    ))
}

async fn registrations(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    registrations_render(&state, &ctx, &staff, &q, StatusCode::OK, flash, None).await
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    consent_note: String,
}

async fn answer_suggestion(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value, data }: Form<AnswerForm>,
) -> PageResult {
    let sid = path_uuid(&id)?;
    let accept = value.answer == "accept";
    match state
        .svc
        .answer_suggestion(&staff, sid, accept, &value.consent_note)
        .await
    {
        Ok(_) => Ok(to(if accept {
            "/staff/registrations?ok=accepted"
        } else {
            "/staff/registrations?ok=dismissed"
        })),
        Err(e) => {
            let (status, failed) = Failed::sort(format!("sg-{sid}"), data, e, &["consent_note"])?;
            registrations_render(
                &state,
                &ctx,
                &staff,
                &None,
                status,
                Flash::default(),
                Some(failed),
            )
            .await
        }
    }
}
