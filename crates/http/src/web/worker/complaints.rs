//! 投诉调解 pages (三(五), 四(十)). Workers file complaints and follow their progress
//! (`/complaints`); employers named see the complaints concerning them and answer
//! (`/employer/complaints`); staff of the county work the queue (`/staff/complaints`),
//! handle each complaint with its evidence and run mediation. One detail template serves the
//! three, each seeing its own part; the service decides what each may see.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linghuo_service::complaints::{
    CATEGORIES, ComplaintDetail, ComplaintInput, ComplaintSummary, MEDIATORS, OutcomeInput,
    ReferInput, ResolveInput, STATUSES, SessionInput, TextInput,
};
use linghuo_service::{Actor, Role, export};
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{
    Errors, Failure, FormData, PageCtx, cst, error_page_ctx, path_id, render, require,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/complaints", get(worker_list).post(worker_file))
        .route("/complaints/{id}", get(worker_detail))
        .route("/complaints/{id}/statement", post(worker_statement))
        .route("/employer/complaints", get(employer_list))
        .route("/employer/complaints/{id}", get(employer_detail))
        .route(
            "/employer/complaints/{id}/statement",
            post(employer_statement),
        )
        .route("/staff/complaints", get(staff_queue))
        .route("/staff/complaints.csv", get(staff_csv))
        .route("/staff/complaints.xlsx", get(staff_xlsx))
        .route("/staff/complaints/{id}", get(staff_detail))
        .route("/staff/complaints/{id}/{action}", post(staff_action))
        .route("/staff/mediations/{id}/{action}", post(mediation_action))
}

fn ok_text(q: &Option<String>) -> Option<&'static str> {
    let form = FormData::parse(q.as_deref().unwrap_or("").as_bytes());
    Some(match form.get("ok") {
        "filed" => "投诉已提交。人社部门会在时限内受理，办理进度会显示在这里并通过消息告诉您。",
        "statement" => "说明已提交。",
        "acknowledge" => "已受理。",
        "assign" => "已由您负责调查处理。",
        "note" => "已记录。",
        "resolve" => "已办结，投诉人会收到通知。",
        "refer" => "已转交调解组织，调解案件已建立。",
        "session" => "调解会已安排，双方会收到通知。",
        "outcome" => "调解结果已记录，投诉已结束。",
        _ => return None,
    })
}

fn cst_of(t: &chrono::DateTime<chrono::Utc>) -> String {
    cst(t)
}

// ---------------------------------------------------------------------------------------
// Lists

pub struct Line {
    pub s: ComplaintSummary,
    pub created: String,
    pub due: String,
}

fn lines(list: Vec<ComplaintSummary>) -> Vec<Line> {
    list.into_iter()
        .map(|s| Line {
            created: cst_of(&s.created_at),
            due: if s.status == "received" {
                format!("{}前受理", cst_of(&s.acknowledge_due_at))
            } else {
                format!("{}前办结", cst_of(&s.resolve_due_at))
            },
            s,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "worker/complaints.html")]
struct WorkerListPage {
    ctx: PageCtx,
    items: Vec<Line>,
    categories: Vec<(String, String)>,
    hires: Vec<(String, String)>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

async fn worker_list_render(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
) -> Response {
    let actor = match require(ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let items = match state.svc.list_complaints(actor, None).await {
        Ok(l) => lines(l),
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let hires = match state.svc.my_hires(actor).await {
        Ok(h) => h
            .into_iter()
            .map(|h| {
                (
                    h.id.to_string(),
                    format!("{}（{}）", h.post_title, h.employer_name),
                )
            })
            .collect(),
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    render(
        status,
        &WorkerListPage {
            ctx: PageCtx::new(ctx, "投诉举报", "/complaints"),
            items,
            categories: CATEGORIES
                .iter()
                .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
                .collect(),
            hires,
            form,
            errors,
            error,
            ok,
        },
    )
}

async fn worker_list(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    worker_list_render(
        &state,
        &ctx,
        StatusCode::OK,
        FormData::default(),
        Errors::default(),
        None,
        ok_text(&q),
    )
    .await
}

async fn worker_file(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let actor = match require(&ctx, &[Role::Worker]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let hire_id = match form.opt("hire_id") {
        None => None,
        Some(h) => match Uuid::parse_str(&h) {
            Ok(u) => Some(u),
            Err(_) => {
                let errors = Errors(vec![(
                    "hire_id".to_owned(),
                    "请从列表中选择用工记录".to_owned(),
                )]);
                return worker_list_render(
                    &state,
                    &ctx,
                    StatusCode::BAD_REQUEST,
                    form,
                    errors,
                    None,
                    None,
                )
                .await;
            }
        },
    };
    let input = ComplaintInput {
        category: form.get("category").to_owned(),
        description: form.get("description").to_owned(),
        hire_id,
    };
    match state.svc.file_complaint(actor, input).await {
        Ok(d) => Redirect::to(&format!("/complaints/{}?ok=filed", d.summary.id)).into_response(),
        Err(e) => match Failure::of(e, &["category", "description", "hire_id"]).parts() {
            Ok((status, errors, error)) => {
                worker_list_render(&state, &ctx, status, form, errors, error, None).await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

#[derive(Template)]
#[template(path = "worker/employer_complaints.html")]
struct EmployerListPage {
    ctx: PageCtx,
    items: Vec<Line>,
}

async fn employer_list(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match require(&ctx, &[Role::Employer]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.svc.list_complaints(actor, None).await {
        Ok(l) => render(
            StatusCode::OK,
            &EmployerListPage {
                ctx: PageCtx::new(&ctx, "涉及本单位的投诉", "/employer/complaints"),
                items: lines(l),
            },
        ),
        Err(e) => error_page_ctx(&ctx, e.into()),
    }
}

#[derive(Template)]
#[template(path = "worker/staff_complaints.html")]
struct StaffQueuePage {
    ctx: PageCtx,
    items: Vec<Line>,
    filter: String,
    filters: Vec<(String, String)>,
    overdue: usize,
}

fn status_param(q: &Option<String>) -> String {
    let f = FormData::parse(q.as_deref().unwrap_or("").as_bytes());
    let s = f.get("status");
    if s.is_empty() {
        "open".into()
    } else {
        s.to_owned()
    }
}

async fn staff_queue(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let filter = status_param(&q);
    let list = match state.svc.list_complaints(actor, Some(&filter)).await {
        Ok(l) => l,
        Err(e) => return error_page_ctx(&ctx, e.into()),
    };
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
    render(
        StatusCode::OK,
        &StaffQueuePage {
            ctx: PageCtx::new(&ctx, "投诉调解", "/staff/complaints"),
            overdue: list.iter().filter(|s| s.overdue).count(),
            items: lines(list),
            filter,
            filters,
        },
    )
}

async fn staff_download(state: &AppState, ctx: &Ctx, q: &Option<String>, xlsx: bool) -> Response {
    let actor = match require(ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let filter = status_param(q);
    let sheet = match state.svc.complaints_sheet(actor, Some(&filter)).await {
        Ok(s) => s,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let (mime, name, body) = if xlsx {
        match export::to_xlsx(&sheet) {
            Ok(b) => (
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "complaints.xlsx",
                b,
            ),
            Err(e) => return error_page_ctx(ctx, e.into()),
        }
    } else {
        (
            "text/csv; charset=utf-8",
            "complaints.csv",
            export::to_csv(&sheet),
        )
    };
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

async fn staff_csv(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    staff_download(&state, &ctx, &q, false).await
}

async fn staff_xlsx(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    staff_download(&state, &ctx, &q, true).await
}

// ---------------------------------------------------------------------------------------
// Detail

pub struct EventLine {
    pub at: String,
    pub by: String,
    pub message: String,
    pub internal: bool,
}

pub struct SessionLine {
    pub at: String,
    pub place: String,
    pub notes: String,
    pub attendance: String,
}

pub struct EvidenceLine {
    pub label: &'static str,
    pub source: String,
    pub items: Vec<(String, String)>,
}

fn key_label(k: &str) -> String {
    match k {
        "hire_id" => "用工编号",
        "post_id" => "岗位编号",
        "post_title" => "岗位",
        "employer_id" => "用人单位编号",
        "employer_name" => "用人单位",
        "county_code" => "工作地县区代码",
        "form" => "用工形式",
        "start_date" => "开始日期",
        "status" => "状态",
        "hired_at" => "录用时间",
        "completed_at" => "完工时间",
        "post_pay" => "岗位报酬",
        "service_time" => "服务时间",
        "pay" => "报酬（元）",
        "pay_unit" => "计酬单位",
        "pay_cycle_days" => "结算周期（天）",
        "first_pay_on" => "首次支付日",
        "rest" => "休息休假",
        "safety" => "职业安全",
        "accident_cover" => "意外伤害保障",
        "employer_confirmed_at" => "用人方确认时间",
        "worker_confirmed_at" => "劳动者确认时间",
        "created_at" => "记录时间",
        "period" => "结算期",
        "amount" => "金额（元）",
        "due_on" => "应付日期",
        "overdue" => "是否逾期",
        other => other,
    }
    .to_owned()
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Bool(b) => if *b { "是" } else { "否" }.into(),
        serde_json::Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => cst(&t.with_timezone(&chrono::Utc)),
            Err(_) => s.clone(),
        },
        other => other.to_string(),
    }
}

#[derive(Template)]
#[template(path = "worker/complaint.html")]
struct DetailPage {
    ctx: PageCtx,
    d: ComplaintDetail,
    base: &'static str,
    viewer: String,
    created: String,
    ack_due: String,
    resolve_due: String,
    events: Vec<EventLine>,
    evidence: Vec<EvidenceLine>,
    sessions: Vec<SessionLine>,
    mediators: Vec<(String, String)>,
    outcomes: Vec<(String, String)>,
    amount: String,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

#[allow(clippy::too_many_arguments)]
async fn detail_render(
    state: &AppState,
    ctx: &Ctx,
    roles: &[Role],
    base: &'static str,
    id: Uuid,
    status: StatusCode,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
) -> Response {
    let actor = match require(ctx, roles) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let d = match state.svc.get_complaint(actor, id).await {
        Ok(d) => d,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let events = d
        .events
        .iter()
        .map(|e| EventLine {
            at: cst(&e.at),
            by: e.by.clone(),
            message: e.message.clone(),
            internal: e.internal,
        })
        .collect();
    let evidence = d
        .evidence
        .iter()
        .map(|e| EvidenceLine {
            label: e.kind_label,
            source: e.source.clone(),
            items: e
                .snapshot
                .as_object()
                .map(|o| {
                    o.iter()
                        .filter(|(k, _)| !k.ends_with("_id"))
                        .map(|(k, v)| (key_label(k), value_text(v)))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let sessions = d
        .mediation
        .as_ref()
        .map(|m| {
            m.sessions
                .iter()
                .map(|s| SessionLine {
                    at: cst(&s.held_at),
                    place: s.place.clone(),
                    notes: s.notes.clone(),
                    attendance: s.attendance.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let amount = d
        .mediation
        .as_ref()
        .and_then(|m| m.amount.map(|a| a.to_display()))
        .unwrap_or_default();
    render(
        status,
        &DetailPage {
            ctx: PageCtx::new(ctx, "投诉详情", base),
            viewer: d.viewer.clone(),
            created: cst(&d.summary.created_at),
            ack_due: cst(&d.summary.acknowledge_due_at),
            resolve_due: cst(&d.summary.resolve_due_at),
            d,
            base,
            events,
            evidence,
            sessions,
            mediators: MEDIATORS
                .iter()
                .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
                .collect(),
            outcomes: vec![
                ("agreed".into(), "达成调解协议".into()),
                ("failed".into(), "调解不成".into()),
            ],
            amount,
            form,
            errors,
            error,
            ok,
        },
    )
}

async fn show(
    state: &AppState,
    ctx: &Ctx,
    roles: &[Role],
    base: &'static str,
    id: &str,
    q: &Option<String>,
) -> Response {
    let id = match path_id(ctx, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    detail_render(
        state,
        ctx,
        roles,
        base,
        id,
        StatusCode::OK,
        FormData::default(),
        Errors::default(),
        None,
        ok_text(q),
    )
    .await
}

async fn worker_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    show(&state, &ctx, &[Role::Worker], "/complaints", &id, &q).await
}

async fn employer_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    show(
        &state,
        &ctx,
        &[Role::Employer],
        "/employer/complaints",
        &id,
        &q,
    )
    .await
}

async fn staff_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    show(&state, &ctx, &[Role::Staff], "/staff/complaints", &id, &q).await
}

/// Runs a form action on a complaint page: success redirects back with `ok`, a failure
/// shows the page again with the fields kept.
#[allow(clippy::too_many_arguments)]
async fn act<F, Fut>(
    state: &AppState,
    ctx: &Ctx,
    roles: &[Role],
    base: &'static str,
    complaint: Uuid,
    form: FormData,
    fields: &[&str],
    ok: &str,
    run: F,
) -> Response
where
    F: FnOnce(Actor, FormData) -> Fut,
    Fut: std::future::Future<Output = linghuo_service::Result<()>>,
{
    let actor = match require(ctx, roles) {
        Ok(a) => a.clone(),
        Err(r) => return r,
    };
    match run(actor, form.clone()).await {
        Ok(()) => Redirect::to(&format!("{base}/{complaint}?ok={ok}")).into_response(),
        Err(e) => match Failure::of(e, fields).parts() {
            Ok((status, errors, error)) => {
                detail_render(
                    state, ctx, roles, base, complaint, status, form, errors, error, None,
                )
                .await
            }
            Err(api) => error_page_ctx(ctx, api),
        },
    }
}

async fn statement(
    state: AppState,
    ctx: Ctx,
    role: Role,
    base: &'static str,
    id: String,
    body: Bytes,
) -> Response {
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let svc = state.svc.clone();
    act(
        &state,
        &ctx,
        &[role],
        base,
        id,
        FormData::parse(&body),
        &["text"],
        "statement",
        |a, f| async move {
            svc.add_complaint_statement(
                &a,
                id,
                TextInput {
                    text: f.get("text").to_owned(),
                    tell_complainant: false,
                },
            )
            .await
            .map(|_| ())
        },
    )
    .await
}

async fn worker_statement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    statement(state, ctx, Role::Worker, "/complaints", id, body).await
}

async fn employer_statement(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    statement(state, ctx, Role::Employer, "/employer/complaints", id, body).await
}

async fn staff_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let svc = state.svc.clone();
    let base = "/staff/complaints";
    let roles = &[Role::Staff];
    match action.as_str() {
        "acknowledge" => {
            act(
                &state,
                &ctx,
                roles,
                base,
                id,
                form,
                &[],
                "acknowledge",
                |a, _| async move { svc.acknowledge_complaint(&a, id).await.map(|_| ()) },
            )
            .await
        }
        "assign" => {
            act(
                &state,
                &ctx,
                roles,
                base,
                id,
                form,
                &[],
                "assign",
                |a, _| async move { svc.assign_complaint(&a, id).await.map(|_| ()) },
            )
            .await
        }
        "note" => {
            act(
                &state,
                &ctx,
                roles,
                base,
                id,
                form,
                &["text"],
                "note",
                |a, f| async move {
                    svc.add_complaint_note(
                        &a,
                        id,
                        TextInput {
                            text: f.get("text").to_owned(),
                            tell_complainant: f.get("tell_complainant") == "1",
                        },
                    )
                    .await
                    .map(|_| ())
                },
            )
            .await
        }
        "resolve" => {
            act(
                &state,
                &ctx,
                roles,
                base,
                id,
                form,
                &["resolution"],
                "resolve",
                |a, f| async move {
                    svc.resolve_complaint(
                        &a,
                        id,
                        ResolveInput {
                            resolution: f.get("resolution").to_owned(),
                        },
                    )
                    .await
                    .map(|_| ())
                },
            )
            .await
        }
        "refer" => {
            act(
                &state,
                &ctx,
                roles,
                base,
                id,
                form,
                &["organisation_kind", "organisation_name", "parties"],
                "refer",
                |a, f| async move {
                    svc.refer_to_mediation(
                        &a,
                        id,
                        ReferInput {
                            organisation_kind: f.get("organisation_kind").to_owned(),
                            organisation_name: f.get("organisation_name").to_owned(),
                            parties: f.get("parties").to_owned(),
                        },
                    )
                    .await
                    .map(|_| ())
                },
            )
            .await
        }
        _ => error_page_ctx(&ctx, ApiError::not_found()),
    }
}

async fn mediation_action(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let complaint = match state.svc.get_mediation(actor, id).await {
        Ok(m) => m.complaint_id,
        Err(e) => return error_page_ctx(&ctx, e.into()),
    };
    let form = FormData::parse(&body);
    let svc = state.svc.clone();
    let base = "/staff/complaints";
    let roles = &[Role::Staff];
    match action.as_str() {
        "session" => {
            act(
                &state,
                &ctx,
                roles,
                base,
                complaint,
                form,
                &["held_at", "place", "notes", "attendance"],
                "session",
                |a, f| async move {
                    svc.schedule_mediation_session(
                        &a,
                        id,
                        SessionInput {
                            held_at: f.get("held_at").to_owned(),
                            place: f.get("place").to_owned(),
                            notes: f.get("notes").to_owned(),
                            attendance: f.get("attendance").to_owned(),
                        },
                    )
                    .await
                    .map(|_| ())
                },
            )
            .await
        }
        "outcome" => {
            act(
                &state,
                &ctx,
                roles,
                base,
                complaint,
                form,
                &["outcome", "agreement", "amount"],
                "outcome",
                |a, f| async move {
                    svc.record_mediation_outcome(
                        &a,
                        id,
                        OutcomeInput {
                            outcome: f.get("outcome").to_owned(),
                            agreement: f.get("agreement").to_owned(),
                            amount: f.opt("amount"),
                        },
                    )
                    .await
                    .map(|_| ())
                },
            )
            .await
        }
        _ => error_page_ctx(&ctx, ApiError::not_found()),
    }
}
