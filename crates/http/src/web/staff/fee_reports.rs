//! 违规收费举报 at the service window (三(五)): the region's reports (overdue first, with the
//! level handling each and 下载此表) with the counts by kind of charging department and by
//! outcome, each report with its handling
//! (accept, forward to the responsible department, record the outcome), and the
//! responsible-department list that administrators and province staff keep
//! (`/staff/fee-reports/departments`, also `/admin/fee-departments`).

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::fee_reports::{
    CHARGER_KINDS, DepartmentInput, DepartmentView, FeeOutcomeInput, FeeReportView, FeeStats,
    ForwardInput, OUTCOMES, REPORT_STATUSES,
};
use linghuo_service::{Actor, Role};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, SignedIn, Staff,
    path_uuid, query_field, region_options, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/fee-reports", get(queue))
        .route(
            "/staff/fee-reports/departments",
            get(departments_page).post(save_department),
        )
        .route(
            "/staff/fee-reports/departments/delete",
            post(delete_department),
        )
        .route(
            "/admin/fee-departments",
            get(departments_page).post(save_department),
        )
        .route("/admin/fee-departments/delete", post(delete_department))
        .route("/staff/fee-reports/{id}", get(detail))
        .route("/staff/fee-reports/{id}/{action}", post(action))
}

#[derive(Template)]
#[template(path = "staff/staff_fee_reports.html")]
struct QueuePage {
    ctx: PageCtx,
    items: Vec<FeeReportView>,
    stats: FeeStats,
    outcomes: &'static [(&'static str, &'static str)],
    filter: String,
    filters: Vec<(String, String)>,
    may_edit_departments: bool,
    /// 下载此表: the table as this page shows it, by `/staff/export`.
    export_xlsx: String,
    export_csv: String,
}

/// The download of the queue table with the filter shown (`/staff/export` renders the page
/// again for the same session).
fn export_link(filter: &str, format: &str) -> String {
    let page = format!(
        "/staff/fee-reports?{}",
        serde_urlencoded::to_string([("status", filter)]).unwrap_or_default()
    );
    format!(
        "/staff/export?{}",
        serde_urlencoded::to_string([
            ("page", page.as_str()),
            ("table", "fee-reports"),
            ("format", format),
        ])
        .unwrap_or_default()
    )
}

async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    let mut filter = query_field(&q, "status");
    if filter.is_empty() {
        filter = "open".into();
    }
    let items = state.svc.list_fee_reports(&staff, Some(&filter)).await?;
    let stats = state.svc.fee_report_stats(&staff).await?;
    let mut filters = vec![
        ("open".to_owned(), "办理中".to_owned()),
        ("overdue".to_owned(), "已逾期".to_owned()),
    ];
    filters.extend(
        REPORT_STATUSES
            .iter()
            .map(|(c, l)| ((*c).to_owned(), (*l).to_owned())),
    );
    filters.push(("all".into(), "全部".into()));
    Ok(render(
        StatusCode::OK,
        &QueuePage {
            ctx: PageCtx::new(&ctx, "违规收费举报", "/staff/fee-reports"),
            may_edit_departments: staff
                .scope
                .is_some_and(|s| s.level() == linghuo_domain::RegionLevel::Province),
            items,
            stats,
            outcomes: OUTCOMES,
            export_xlsx: export_link(&filter, "xlsx"),
            export_csv: export_link(&filter, "csv"),
            filter,
            filters,
        },
    ))
}

#[derive(Template)]
#[template(path = "staff/staff_fee_report.html")]
struct DetailPage {
    ctx: PageCtx,
    r: FeeReportView,
    ok: Option<&'static str>,
    kinds: &'static [(&'static str, &'static str)],
    outcomes: &'static [(&'static str, &'static str)],
    form: FormData,
    errors: Errors,
    error: Option<String>,
}

async fn detail_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    id: Uuid,
    ok: Option<&'static str>,
    form: FormData,
    (status, errors, error): FormFailure,
) -> PageResult {
    let r = state.svc.get_fee_report(staff, id).await?;
    Ok(render(
        status,
        &DetailPage {
            ctx: PageCtx::new(
                ctx,
                format!("违规收费举报：{}", r.fee_name),
                "/staff/fee-reports",
            ),
            r,
            ok,
            kinds: CHARGER_KINDS,
            outcomes: OUTCOMES,
            form,
            errors,
            error,
        },
    ))
}

async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    detail_render(
        &state,
        &ctx,
        &staff,
        id,
        flash.text(),
        FormData::default(),
        (StatusCode::OK, Errors::default(), None),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ActionForm {
    department_kind: String,
    note: String,
    outcome: String,
}

async fn action(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path((id, action)): Path<(String, String)>,
    Form { value, data }: Form<ActionForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let r = match action.as_str() {
        "accept" => state.svc.accept_fee_report(&staff, id).await,
        "forward" => {
            state
                .svc
                .forward_fee_report(
                    &staff,
                    id,
                    ForwardInput {
                        department_kind: value.department_kind,
                        note: value.note,
                    },
                )
                .await
        }
        "resolve" => {
            state
                .svc
                .resolve_fee_report(
                    &staff,
                    id,
                    FeeOutcomeInput {
                        outcome: value.outcome,
                        note: value.note,
                    },
                )
                .await
        }
        _ => return Err(crate::error::ApiError::not_found().into()),
    };
    match r {
        Ok(_) => Ok(to(&format!("/staff/fee-reports/{id}?ok={action}"))),
        Err(e) => {
            let failure = Failure::of(e, &["department_kind", "note", "outcome"]).parts()?;
            let mut data = data;
            data.set("_form", action);
            detail_render(&state, &ctx, &staff, id, None, data, failure).await
        }
    }
}

#[derive(Template)]
#[template(path = "staff/staff_fee_departments.html")]
struct DepartmentsPage {
    ctx: PageCtx,
    base: &'static str,
    items: Vec<DepartmentView>,
    may_edit: bool,
    kinds: &'static [(&'static str, &'static str)],
    regions: Vec<(String, String)>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

fn base_of(actor: &Actor) -> &'static str {
    if actor.role == Role::Staff {
        "/staff/fee-reports/departments"
    } else {
        "/admin/fee-departments"
    }
}

fn may_edit(actor: &Actor) -> bool {
    match actor.role {
        Role::SysAdmin | Role::SecAdmin => true,
        Role::Staff => actor
            .scope
            .is_some_and(|s| s.level() == linghuo_domain::RegionLevel::Province),
        _ => false,
    }
}

async fn departments_render(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    form: FormData,
    (status, errors, error): FormFailure,
    ok: Option<&'static str>,
) -> PageResult {
    if !matches!(actor.role, Role::Staff | Role::SysAdmin | Role::SecAdmin) {
        return Err(linghuo_service::ServiceError::forbidden().into());
    }
    let base = base_of(actor);
    let mut regions = vec![("140000".to_owned(), "山西省（全省默认）".to_owned())];
    regions.extend(region_options(false));
    Ok(render(
        status,
        &DepartmentsPage {
            ctx: PageCtx::new(ctx, "违规收费举报的职能部门", base),
            base,
            items: state.svc.fee_departments().await?,
            may_edit: may_edit(actor),
            kinds: CHARGER_KINDS,
            regions,
            form,
            errors,
            error,
            ok,
        },
    ))
}

async fn departments_page(
    State(state): State<AppState>,
    ctx: Ctx,
    who: SignedIn,
    flash: Flash,
) -> PageResult {
    departments_render(
        &state,
        &ctx,
        &who,
        FormData::default(),
        (StatusCode::OK, Errors::default(), None),
        flash.text(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DepartmentForm {
    kind: String,
    region_code: String,
    name: String,
    phone: String,
}

async fn save_department(
    State(state): State<AppState>,
    ctx: Ctx,
    who: SignedIn,
    Form { value, data }: Form<DepartmentForm>,
) -> PageResult {
    let input = DepartmentInput {
        kind: value.kind,
        region_code: value.region_code,
        name: value.name,
        phone: value.phone,
    };
    match state.svc.save_fee_department(&who, input).await {
        Ok(_) => Ok(to(&format!("{}?ok=saved", base_of(&who)))),
        Err(e) => {
            let failure = Failure::of(e, &["kind", "region_code", "name", "phone"]).parts()?;
            departments_render(&state, &ctx, &who, data, failure, None).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DeleteForm {
    kind: String,
    region_code: String,
}

async fn delete_department(
    State(state): State<AppState>,
    ctx: Ctx,
    who: SignedIn,
    Form { value, .. }: Form<DeleteForm>,
) -> PageResult {
    match state
        .svc
        .delete_fee_department(&who, &value.kind, &value.region_code)
        .await
    {
        Ok(()) => Ok(to(&format!("{}?ok=deleted", base_of(&who)))),
        Err(e) => {
            let failure = Failure::of(e, &[]).parts()?;
            departments_render(&state, &ctx, &who, FormData::default(), failure, None).await
        }
    }
}
