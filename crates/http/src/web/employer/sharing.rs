//! 共享用工 (二(三)) for employers: propose lending workers (from this employer's hires) to
//! another employer, answer a proposal, withdraw, end early with a reason. The staff page of
//! the region's arrangements shares the detail template.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::market::HireView;
use linghuo_service::market::shared::{PAYERS, ShareAnswer, ShareEnd, ShareInput, SharedView};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::worker::shared::{Failed, Forms};
use crate::web::{
    Employer, Flash, Form, FormData, PageCtx, PageResult, Staff, path_uuid, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/employer/sharing", get(list).post(propose))
        .route("/employer/sharing/{id}", get(detail))
        .route("/employer/sharing/{id}/answer", post(answer))
        .route("/employer/sharing/{id}/withdraw", post(withdraw))
        .route("/employer/sharing/{id}/end", post(end))
        .route("/staff/sharing", get(staff_list))
        .route("/staff/sharing/{id}", get(staff_detail))
}

const PROPOSE_FIELDS: &[&str] = &[
    "borrower_uscc",
    "hire_ids",
    "work",
    "starts_on",
    "ends_on",
    "wages_paid_by",
    "insurance_paid_by",
];

#[derive(Template)]
#[template(path = "employer/employer_sharing.html")]
struct ListPage {
    ctx: PageCtx,
    items: Vec<SharedView>,
    hires: Vec<HireView>,
    payers: &'static [(&'static str, &'static str)],
    fs: Forms,
    ok: Option<&'static str>,
    staff: bool,
}

async fn list_render(
    state: &AppState,
    ctx: &Ctx,
    employer: &Employer,
    status: StatusCode,
    flash: Flash,
    failed: Option<Failed>,
) -> PageResult {
    let items = state.svc.sharings(employer).await?;
    let hires = state
        .svc
        .my_hires(employer)
        .await?
        .into_iter()
        .filter(|h| h.status == "active")
        .collect();
    let mut defaults = FormData::default();
    defaults.set("wages_paid_by", "lender");
    defaults.set("insurance_paid_by", "lender");
    defaults.set("starts_on", state.svc.clock.today_cst().to_string());
    Ok(render(
        status,
        &ListPage {
            ctx: PageCtx::new(ctx, "共享用工", "/employer/sharing"),
            items,
            hires,
            payers: PAYERS,
            fs: Forms::new(defaults, failed),
            ok: flash.text(),
            staff: false,
        },
    ))
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    flash: Flash,
) -> PageResult {
    list_render(&state, &ctx, &employer, StatusCode::OK, flash, None).await
}

#[derive(Deserialize)]
struct ProposeForm {
    #[serde(default)]
    borrower_uscc: String,
    #[serde(default, deserialize_with = "crate::web::list")]
    hire_ids: Vec<String>,
    #[serde(default)]
    work: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    wages_paid_by: String,
    #[serde(default)]
    insurance_paid_by: String,
}

async fn propose(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Form { value: f, data }: Form<ProposeForm>,
) -> PageResult {
    let hire_ids: Vec<Uuid> = f
        .hire_ids
        .iter()
        .filter_map(|s| Uuid::parse_str(s.trim()).ok())
        .collect();
    let input = ShareInput {
        borrower_uscc: f.borrower_uscc,
        hire_ids,
        work: f.work,
        starts_on: f.starts_on,
        ends_on: f.ends_on,
        wages_paid_by: f.wages_paid_by,
        insurance_paid_by: f.insurance_paid_by,
    };
    match state.svc.propose_sharing(&employer, input).await {
        Ok(v) => Ok(to(&format!("/employer/sharing/{}?ok=proposed", v.id))),
        Err(e) => {
            let (status, failed) = Failed::sort("propose", data, e, PROPOSE_FIELDS)?;
            list_render(
                &state,
                &ctx,
                &employer,
                status,
                Flash::default(),
                Some(failed),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "employer/employer_sharing_detail.html")]
struct DetailPage {
    ctx: PageCtx,
    s: SharedView,
    fs: Forms,
    ok: Option<&'static str>,
    back: &'static str,
}

async fn detail_render(
    state: &AppState,
    ctx: &Ctx,
    actor: &linghuo_service::Actor,
    id: Uuid,
    status: StatusCode,
    flash: Flash,
    failed: Option<Failed>,
) -> PageResult {
    let s = state.svc.get_sharing(actor, id).await?;
    let staff = s.side == "staff";
    let mut defaults = FormData::default();
    defaults.set("ended_on", state.svc.clock.today_cst().to_string());
    Ok(render(
        status,
        &DetailPage {
            ctx: if staff {
                PageCtx::new(ctx, "共享用工", "/staff/sharing")
            } else {
                PageCtx::new(ctx, "共享用工", "/employer/sharing")
            },
            s,
            fs: Forms::new(defaults, failed),
            ok: flash.text(),
            back: if staff {
                "/staff/sharing"
            } else {
                "/employer/sharing"
            },
        },
    ))
}

async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    detail_render(&state, &ctx, &employer, id, StatusCode::OK, flash, None).await
}

#[derive(Deserialize)]
struct AnswerForm {
    #[serde(default)]
    accept: String,
    #[serde(default)]
    reason: String,
}

async fn answer(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Path(id): Path<String>,
    Form { value: f, data }: Form<AnswerForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let input = ShareAnswer {
        accept: f.accept == "1",
        reason: f.reason,
    };
    match state.svc.answer_sharing(&employer, id, input).await {
        Ok(_) => Ok(to(&format!("/employer/sharing/{id}?ok=answered"))),
        Err(e) => {
            let (status, failed) = Failed::sort("answer", data, e, &["reason"])?;
            detail_render(
                &state,
                &ctx,
                &employer,
                id,
                status,
                Flash::default(),
                Some(failed),
            )
            .await
        }
    }
}

async fn withdraw(
    State(state): State<AppState>,
    employer: Employer,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    state.svc.withdraw_sharing(&employer, id).await?;
    Ok(to(&format!("/employer/sharing/{id}?ok=withdrawn")))
}

#[derive(Deserialize)]
struct EndForm {
    #[serde(default)]
    ended_on: String,
    #[serde(default)]
    reason: String,
}

async fn end(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Path(id): Path<String>,
    Form { value: f, data }: Form<EndForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let input = ShareEnd {
        ended_on: f.ended_on,
        reason: f.reason,
    };
    match state.svc.end_sharing(&employer, id, input).await {
        Ok(_) => Ok(to(&format!("/employer/sharing/{id}?ok=ended"))),
        Err(e) => {
            let (status, failed) = Failed::sort("end", data, e, &["ended_on", "reason"])?;
            detail_render(
                &state,
                &ctx,
                &employer,
                id,
                status,
                Flash::default(),
                Some(failed),
            )
            .await
        }
    }
}

async fn staff_list(State(state): State<AppState>, ctx: Ctx, staff: Staff) -> PageResult {
    let items = state.svc.sharings(&staff).await?;
    Ok(render(
        StatusCode::OK,
        &ListPage {
            ctx: PageCtx::new(&ctx, "共享用工", "/staff/sharing"),
            items,
            hires: Vec::new(),
            payers: PAYERS,
            fs: Forms::default(),
            ok: None,
            staff: true,
        },
    ))
}

async fn staff_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    detail_render(
        &state,
        &ctx,
        &staff,
        id,
        StatusCode::OK,
        Flash::default(),
        None,
    )
    .await
}
