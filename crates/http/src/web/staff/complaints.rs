//! 投诉调解 at the service window (三(五), 四(十)): the county's queue of complaints with its
//! downloads, each complaint with its evidence (the page shared with the worker and the
//! employer), handling it (acknowledge, assign, note, resolve, refer) and running mediation
//! (sessions, outcome).

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::complaints::{
    OutcomeInput, ReferInput, ResolveInput, STATUSES, SessionInput, TextInput,
};
use linghuo_service::export;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::staff::pager::{Pager, page_query};
use crate::web::worker::complaint::{Line, after, lines, show};
use crate::web::{
    Flash, Form, PageCtx, PageResult, Staff, download, path_uuid, query_field, render,
};

const BASE: &str = "/staff/complaints";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/complaints", get(staff_queue))
        .route("/staff/complaints.csv", get(staff_csv))
        .route("/staff/complaints.xlsx", get(staff_xlsx))
        .route("/staff/complaints/{id}", get(staff_detail))
        .route("/staff/complaints/{id}/{action}", post(staff_action))
        .route("/staff/mediations/{id}/{action}", post(mediation_action))
}

#[derive(Template)]
#[template(path = "staff/staff_complaints.html")]
struct StaffQueuePage {
    ctx: PageCtx,
    /// Each line with the complainant's person record (the name links to it).
    items: Vec<(Line, Uuid)>,
    filter: String,
    filters: Vec<(String, String)>,
    overdue: usize,
    pager: Pager,
}

/// The queue's filter (`?status=`): the open complaints unless another is chosen.
fn status_param(q: &Option<String>) -> String {
    let s = query_field(q, "status");
    if s.is_empty() { "open".into() } else { s }
}

async fn staff_queue(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    let filter = status_param(&q);
    let paged = state
        .svc
        .complaints_page(&staff, &filter, &page_query(&q))
        .await?;
    let pager = Pager::new(BASE, &q, &paged).hint("投诉人或用人单位名称");
    let (list, people): (Vec<_>, Vec<_>) = paged.items.into_iter().unzip();
    let mut filters = vec![
        ("open".to_owned(), "办理中".to_owned()),
        ("overdue".to_owned(), "已逾期".to_owned()),
    ];
    filters.extend(
        STATUSES
            .iter()
            .map(|(c, l)| ((*c).to_owned(), (*l).to_owned())),
    );
    filters.push(("all".into(), "全部".into()));
    Ok(render(
        StatusCode::OK,
        &StaffQueuePage {
            ctx: PageCtx::new(&ctx, "投诉调解", BASE),
            overdue: list.iter().filter(|s| s.overdue).count(),
            items: lines(list).into_iter().zip(people).collect(),
            filter,
            filters,
            pager,
        },
    ))
}

async fn staff_download(
    state: &AppState,
    staff: &Staff,
    q: &Option<String>,
    xlsx: bool,
) -> PageResult {
    let filter = status_param(q);
    let sheet = state.svc.complaints_sheet(staff, Some(&filter)).await?;
    Ok(if xlsx {
        download("complaints.xlsx", export::to_xlsx(&sheet)?)
    } else {
        download("complaints.csv", export::to_csv(&sheet))
    })
}

async fn staff_csv(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    staff_download(&state, &staff, &q, false).await
}

async fn staff_xlsx(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    staff_download(&state, &staff, &q, true).await
}

async fn staff_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    show(&state, &ctx, &staff, BASE, &id, flash).await
}

/// The fields of the handling forms on the complaint's page (each form sends its own).
#[derive(Deserialize, Default)]
#[serde(default)]
struct ActionForm {
    text: String,
    tell_complainant: String,
    resolution: String,
    organisation_kind: String,
    organisation_name: String,
    parties: String,
}

async fn staff_action(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path((id, action)): Path<(String, String)>,
    Form {
        value: f,
        data: form,
    }: Form<ActionForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let svc = &state.svc;
    let (fields, result): (&[&str], _) = match action.as_str() {
        "acknowledge" => (&[], svc.acknowledge_complaint(&staff, id).await.map(|_| ())),
        "assign" => (&[], svc.assign_complaint(&staff, id).await.map(|_| ())),
        "note" => {
            let input = TextInput {
                text: f.text,
                tell_complainant: f.tell_complainant == "1",
            };
            (
                &["text"],
                svc.add_complaint_note(&staff, id, input).await.map(|_| ()),
            )
        }
        "resolve" => {
            let input = ResolveInput {
                resolution: f.resolution,
            };
            (
                &["resolution"],
                svc.resolve_complaint(&staff, id, input).await.map(|_| ()),
            )
        }
        "refer" => {
            let input = ReferInput {
                organisation_kind: f.organisation_kind,
                organisation_name: f.organisation_name,
                parties: f.parties,
            };
            (
                &["organisation_kind", "organisation_name", "parties"],
                svc.refer_to_mediation(&staff, id, input).await.map(|_| ()),
            )
        }
        _ => return Err(ApiError::not_found().into()),
    };
    after(
        &state, &ctx, &staff, BASE, id, form, fields, &action, result,
    )
    .await
}

/// The fields of the mediation forms on the complaint's page (each form sends its own).
#[derive(Deserialize, Default)]
#[serde(default)]
struct MediationForm {
    held_at: String,
    place: String,
    notes: String,
    attendance: String,
    outcome: String,
    agreement: String,
    amount: Option<String>,
}

async fn mediation_action(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path((id, action)): Path<(String, String)>,
    Form {
        value: f,
        data: form,
    }: Form<MediationForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let complaint = state.svc.get_mediation(&staff, id).await?.complaint_id;
    let svc = &state.svc;
    let (fields, result): (&[&str], _) = match action.as_str() {
        "session" => {
            let input = SessionInput {
                held_at: f.held_at,
                place: f.place,
                notes: f.notes,
                attendance: f.attendance,
            };
            (
                &["held_at", "place", "notes", "attendance"],
                svc.schedule_mediation_session(&staff, id, input)
                    .await
                    .map(|_| ()),
            )
        }
        "outcome" => {
            let input = OutcomeInput {
                outcome: f.outcome,
                agreement: f.agreement,
                amount: f.amount.filter(|s| !s.is_empty()),
            };
            (
                &["outcome", "agreement", "amount"],
                svc.record_mediation_outcome(&staff, id, input)
                    .await
                    .map(|_| ()),
            )
        }
        _ => return Err(ApiError::not_found().into()),
    };
    after(
        &state, &ctx, &staff, BASE, complaint, form, fields, &action, result,
    )
    .await
}
