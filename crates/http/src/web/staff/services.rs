//! Public services at the staff workbench, for the staff member's own region only (the
//! service enforces the scope; out of region is "not found"): the benefit queue with review
//! and approval by two people, the 决定书, 窗口代办 for one person, registrations and their
//! suggestions, payment batches with the bank files and reconciliation, training courses
//! and recalculation.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Multipart, Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linghuo_service::benefits::{self, ApplicationView, RecalcReport, ReviewInput};
use linghuo_service::export::{Cell, Sheet};
use linghuo_service::payments::{
    BankResultReport, BatchView, LineProblem, PayeeView, PendingPayments, Reconciliation,
};
use linghuo_service::persons::PersonView;
use linghuo_service::registration::{EndInput, RegistrationFile, RegistrationView, SuggestionView};
use linghuo_service::training::{CourseInput, CourseView, EnrolmentView};
use linghuo_service::{Actor, Role, Service, ServiceError};
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::worker::services::{
    END_FIELDS, FLEX_FORMS, Forms, PAYEE_FIELDS, REG_FIELDS, REG_KINDS, RegLine, decided,
    notice_page, ok_text, reg_line, registration_input, sort_error, today_default,
};
use crate::web::{Errors, FormData, PageCtx, error_page_ctx, path_id, render, require};
use crate::web::{download, query_field, when};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/benefits", get(queue))
        .route("/staff/benefits.csv", get(queue_csv))
        .route("/staff/benefits.xlsx", get(queue_xlsx))
        .route(
            "/staff/benefits/recalc",
            get(recalc_page).post(recalc_confirm),
        )
        .route("/staff/benefits/{id}", get(application))
        .route("/staff/benefits/{id}/review", post(review))
        .route("/staff/benefits/{id}/decision", post(decide))
        .route("/staff/benefits/{id}/notice", get(notice))
        .route("/staff/persons/{id}/window", get(window))
        .route("/staff/persons/{id}/window/register", post(window_register))
        .route("/staff/persons/{id}/window/end", post(window_end))
        .route("/staff/persons/{id}/window/apply", post(window_apply))
        .route("/staff/persons/{id}/window/payee", post(window_payee))
        .route("/staff/registrations", get(registrations))
        .route(
            "/staff/registrations/suggestions/{id}",
            post(answer_suggestion),
        )
        .route("/staff/payments", get(payments).post(create_batch))
        .route("/staff/payments/{id}", get(batch))
        .route("/staff/payments/{id}/bank.csv", get(bank_csv))
        .route("/staff/payments/{id}/bank.xlsx", get(bank_xlsx))
        .route("/staff/payments/{id}/result", post(import_result))
        .route("/staff/payments/{id}/reconciliation.csv", get(recon_csv))
        .route("/staff/payments/{id}/reconciliation.xlsx", get(recon_xlsx))
        .route("/staff/training", get(courses).post(create_course))
        .route("/staff/training/{id}", get(course))
        .route(
            "/staff/training/enrolments/{id}/attendance",
            post(attendance),
        )
        .route("/staff/training/enrolments/{id}/finish", post(finish))
}

fn staff(ctx: &Ctx) -> Result<&Actor, Response> {
    require(ctx, &[Role::Staff])
}

type Failed<'a> = Option<(&'a str, FormData, Errors, Option<String>)>;

fn forms(defaults: FormData, failed: Failed<'_>) -> Forms {
    let fs = Forms::with_defaults(defaults);
    match failed {
        Some((which, form, errors, error)) => fs.failed(which, form, errors, error),
        None => fs,
    }
}

// ---------------------------------------------------------------------------------------
// 待遇审核: the queue

const TABS: &[(&str, &str)] = &[
    ("pending_review", "待初审"),
    ("reviewed", "待审批"),
    ("approved", "已批准"),
    ("rejected", "不予批准"),
];

fn tab(q: &Option<String>) -> &'static str {
    let s = query_field(q, "status");
    TABS.iter()
        .find(|(id, _)| *id == s)
        .map(|(id, _)| *id)
        .unwrap_or("pending_review")
}

#[derive(Template)]
#[template(path = "staff/staff_services_queue.html")]
struct QueuePage {
    ctx: PageCtx,
    tabs: &'static [(&'static str, &'static str)],
    status: &'static str,
    items: Vec<ApplicationView>,
}

async fn queue(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let actor = match staff(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let status = tab(&q);
    match state
        .svc
        .benefit_applications_in_region(actor, status)
        .await
    {
        Ok(items) => render(
            StatusCode::OK,
            &QueuePage {
                ctx: PageCtx::new(&ctx, "待遇审核", "/staff/benefits"),
                tabs: TABS,
                status,
                items,
            },
        ),
        Err(e) => error_page_ctx(&ctx, e.into()),
    }
}

fn queue_sheet(status: &str, items: &[ApplicationView]) -> Sheet {
    Sheet {
        title: benefits::status_label(status).to_owned(),
        headers: [
            "申请编号",
            "申请人",
            "所属地区",
            "待遇",
            "状态",
            "金额",
            "办理方式",
            "代办",
            "申请时间",
        ]
        .map(String::from)
        .to_vec(),
        rows: items
            .iter()
            .map(|a| {
                vec![
                    Cell::text(a.id.to_string()),
                    Cell::text(a.person_name.clone()),
                    Cell::text(a.county_name.clone()),
                    Cell::text(a.benefit_name.clone()),
                    Cell::text(a.status_label.clone()),
                    Cell::Decimal(a.amount.clone()),
                    Cell::text(if a.route == "automatic" {
                        "自动决定"
                    } else {
                        "人工审核"
                    }),
                    Cell::text(if a.on_behalf { "是" } else { "否" }),
                    Cell::text(when(a.created_at)),
                ]
            })
            .collect(),
    }
}

async fn queue_file(state: &AppState, ctx: &Ctx, q: &Option<String>, xlsx: bool) -> Response {
    let actor = match staff(ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let status = tab(q);
    let items = match state
        .svc
        .benefit_applications_in_region(actor, status)
        .await
    {
        Ok(i) => i,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let sheet = queue_sheet(status, &items);
    if xlsx {
        match linghuo_service::export::to_xlsx(&sheet) {
            Ok(b) => download(&format!("benefits-{status}.xlsx"), b),
            Err(e) => error_page_ctx(ctx, e.into()),
        }
    } else {
        download(
            &format!("benefits-{status}.csv"),
            linghuo_service::export::to_csv(&sheet),
        )
    }
}

async fn queue_csv(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    queue_file(&state, &ctx, &q, false).await
}

async fn queue_xlsx(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    queue_file(&state, &ctx, &q, true).await
}

// ---------------------------------------------------------------------------------------
// One application: review and decision

const OUTCOMES: &[(&str, &str)] = &[("approve", "同意"), ("reject", "不同意")];

#[derive(Template)]
#[template(path = "staff/staff_services_application.html")]
struct ApplicationPage {
    ctx: PageCtx,
    a: ApplicationView,
    decided: bool,
    decided_on: String,
    outcomes: &'static [(&'static str, &'static str)],
    fs: Forms,
    ok: Option<&'static str>,
}

async fn application_render(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    status: StatusCode,
    ok: Option<&'static str>,
    failed: Failed<'_>,
) -> Response {
    let actor = match staff(ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(ctx, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let a = match state.svc.get_benefit_application(actor, id).await {
        Ok(a) => a,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let mut defaults = FormData::default();
    defaults.set("outcome", "approve");
    // A fresh key per rendered form: the same form submitted twice decides once.
    defaults.set("idempotency_key", Uuid::new_v4().to_string());
    render(
        status,
        &ApplicationPage {
            ctx: PageCtx::new(ctx, a.benefit_name.clone(), "/staff/benefits"),
            decided: decided(&a),
            decided_on: a.decided_at.map(when).unwrap_or_default(),
            a,
            outcomes: OUTCOMES,
            fs: forms(defaults, failed),
            ok,
        },
    )
}

async fn application(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    application_render(&state, &ctx, &id, StatusCode::OK, ok_text(&q), None).await
}

async fn review(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match staff(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let uid = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let input = ReviewInput {
        outcome: form.get("outcome").to_owned(),
        note: form.get("note").to_owned(),
    };
    match state.svc.review_application(actor, uid, input).await {
        Ok(_) => Redirect::to(&format!("/staff/benefits/{uid}?ok=reviewed")).into_response(),
        Err(e) => match sort_error(e, &["outcome", "note"]) {
            Ok((status, errors, error)) => {
                application_render(
                    &state,
                    &ctx,
                    &id,
                    status,
                    None,
                    Some(("review", form, errors, error)),
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match staff(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let uid = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let input = ReviewInput {
        outcome: form.get("outcome").to_owned(),
        note: form.get("note").to_owned(),
    };
    let key = form.opt("idempotency_key");
    match state
        .svc
        .decide_application(actor, uid, input, key.as_deref())
        .await
    {
        Ok(_) => Redirect::to(&format!("/staff/benefits/{uid}?ok=decided")).into_response(),
        Err(e) => match sort_error(e, &["outcome", "note"]) {
            Ok((status, errors, error)) => {
                application_render(
                    &state,
                    &ctx,
                    &id,
                    status,
                    None,
                    Some(("decide", form, errors, error)),
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

async fn notice(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let actor = match staff(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    notice_page(&state, &ctx, actor, &id, "/staff/benefits").await
}

// ---------------------------------------------------------------------------------------
// 重算

#[derive(Template)]
#[template(path = "staff/staff_services_recalc.html")]
struct RecalcPage {
    ctx: PageCtx,
    since: String,
    report: Option<RecalcReport>,
    fs: Forms,
}

fn parse_since(s: &str) -> Result<chrono::NaiveDate, ServiceError> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        ServiceError::invalid(
            "since",
            "date_invalid",
            "日期格式应为 年-月-日，如 2026-01-01",
        )
    })
}

async fn recalc_run(state: &AppState, ctx: &Ctx, since: String, confirm: bool) -> Response {
    let actor = match staff(ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let mut form = FormData::default();
    form.set("since", since.clone());
    let result = if since.is_empty() && confirm {
        Err(ServiceError::invalid(
            "since",
            "date_required",
            "请填写重算起始日期",
        ))
    } else if since.is_empty() {
        Ok(None)
    } else {
        match parse_since(&since) {
            Ok(d) => state.svc.recalc(Some(actor), d, confirm).await.map(Some),
            Err(e) => Err(e),
        }
    };
    let (status, report, fs) = match result {
        Ok(r) => (StatusCode::OK, r, Forms::with_defaults(form)),
        Err(e) => match sort_error(e, &["since"]) {
            Ok((status, errors, error)) => (
                status,
                None,
                Forms::default().failed("recalc", form, errors, error),
            ),
            Err(api) => return error_page_ctx(ctx, api),
        },
    };
    render(
        status,
        &RecalcPage {
            ctx: PageCtx::new(ctx, "待遇重算", "/staff/benefits/recalc"),
            since,
            report,
            fs,
        },
    )
}

async fn recalc_page(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    recalc_run(&state, &ctx, query_field(&q, "since"), false).await
}

async fn recalc_confirm(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let form = FormData::parse(&body);
    recalc_run(&state, &ctx, form.get("since").to_owned(), true).await
}

// ---------------------------------------------------------------------------------------
// 窗口代办

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
    id: &str,
    status: StatusCode,
    ok: Option<&'static str>,
    failed: Failed<'_>,
) -> Response {
    let actor = match staff(ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let pid = match path_id(ctx, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let svc: &Service = &state.svc;
    let p = match svc.get_person(actor, pid).await {
        Ok(p) => p,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let file = match svc.registration_file(actor, pid).await {
        Ok(f) => f,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let applications = match svc.benefit_applications_of(actor, pid).await {
        Ok(a) => a,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let payee = match svc.payee_of(actor, pid).await {
        Ok(p) => p,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let mut defaults = FormData::default();
    defaults.set("started_on", today_default(state));
    defaults.set("ended_on", today_default(state));
    defaults.set("kind", "flexible");
    render(
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
            fs: forms(defaults, failed),
            ok,
        },
    )
}

async fn window(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    window_render(&state, &ctx, &id, StatusCode::OK, ok_text(&q), None).await
}

/// Runs one window form: the person, the submitted form, and what to do with them.
async fn window_post<F, Fut>(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    which: &str,
    body: &[u8],
    fields: &[&str],
    act: F,
) -> Response
where
    F: FnOnce(Actor, Uuid, FormData) -> Fut,
    Fut: std::future::Future<Output = Result<String, ServiceError>>,
{
    let actor = match staff(ctx) {
        Ok(a) => a.clone(),
        Err(r) => return r,
    };
    let pid = match path_id(ctx, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let mut form = FormData::parse(body);
    match act(actor, pid, form.clone()).await {
        Ok(to) => Redirect::to(&to).into_response(),
        Err(e) => {
            form.set("account", "");
            match sort_error(e, fields) {
                Ok((status, errors, error)) => {
                    window_render(
                        state,
                        ctx,
                        id,
                        status,
                        None,
                        Some((which, form, errors, error)),
                    )
                    .await
                }
                Err(api) => error_page_ctx(ctx, api),
            }
        }
    }
}

async fn window_register(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let svc = state.svc.clone();
    window_post(
        &state,
        &ctx,
        &id,
        "reg",
        &body,
        REG_FIELDS,
        |a, pid, form| async move {
            svc.register(&a, pid, registration_input(&form)).await?;
            Ok(format!("/staff/persons/{pid}/window?ok=registered"))
        },
    )
    .await
}

async fn window_end(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let svc = state.svc.clone();
    window_post(
        &state,
        &ctx,
        &id,
        "end",
        &body,
        END_FIELDS,
        |a, pid, form| async move {
            let input = EndInput {
                ended_on: form.get("ended_on").to_owned(),
                reason: form.get("reason").to_owned(),
                consent_note: form.get("consent_note").to_owned(),
            };
            svc.end_registration(&a, pid, input).await?;
            Ok(format!("/staff/persons/{pid}/window?ok=ended"))
        },
    )
    .await
}

async fn window_apply(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let svc = state.svc.clone();
    window_post(
        &state,
        &ctx,
        &id,
        "apply",
        &body,
        &["benefit", "consent_note"],
        |a, pid, form| async move {
            let input = benefits::ApplyInput {
                benefit: form.get("benefit").to_owned(),
                consent_note: form.get("consent_note").to_owned(),
            };
            let v = svc.apply_for_benefit(&a, pid, input).await?;
            Ok(format!("/staff/benefits/{}?ok=applied", v.id))
        },
    )
    .await
}

async fn window_payee(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let svc = state.svc.clone();
    window_post(
        &state,
        &ctx,
        &id,
        "payee",
        &body,
        PAYEE_FIELDS,
        |a, pid, form| async move {
            let input = linghuo_service::payments::PayeeInput {
                bank_name: form.get("bank_name").to_owned(),
                account: form.get("account").to_owned(),
                consent_note: form.get("consent_note").to_owned(),
            };
            svc.set_payee(&a, pid, input).await?;
            Ok(format!("/staff/persons/{pid}/window?ok=payee"))
        },
    )
    .await
}

// ---------------------------------------------------------------------------------------
// 登记 in the region

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
    fs: Forms,
    ok: Option<&'static str>,
}

async fn registrations_render(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    ok: Option<&'static str>,
    failed: Failed<'_>,
) -> Response {
    let actor = match staff(ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let items = match state.svc.registrations_in_region(actor).await {
        Ok(i) => i,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let suggestions = match state.svc.suggestions_in_region(actor).await {
        Ok(s) => s,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    render(
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
            fs: forms(FormData::default(), failed),
            ok,
        },
    )
}

async fn registrations(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    registrations_render(&state, &ctx, StatusCode::OK, ok_text(&q), None).await
}

async fn answer_suggestion(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match staff(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let sid = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let accept = form.get("answer") == "accept";
    match state
        .svc
        .answer_suggestion(actor, sid, accept, form.get("consent_note"))
        .await
    {
        Ok(_) => Redirect::to(if accept {
            "/staff/registrations?ok=accepted"
        } else {
            "/staff/registrations?ok=dismissed"
        })
        .into_response(),
        Err(e) => match sort_error(e, &["consent_note"]) {
            Ok((status, errors, error)) => {
                let key = format!("sg-{sid}");
                registrations_render(
                    &state,
                    &ctx,
                    status,
                    None,
                    Some((&key, form, errors, error)),
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

// ---------------------------------------------------------------------------------------
// 资金发放: batches, bank files, results and reconciliation

#[derive(Template)]
#[template(path = "staff/staff_services_payments.html")]
struct PaymentsPage {
    ctx: PageCtx,
    pending: PendingPayments,
    batches: Vec<BatchView>,
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn payments_render(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let actor = match staff(ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let pending = match state.svc.pending_payments(actor).await {
        Ok(p) => p,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let batches = match state.svc.payment_batches(actor).await {
        Ok(b) => b,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    render(
        status,
        &PaymentsPage {
            ctx: PageCtx::new(ctx, "资金发放", "/staff/payments"),
            pending,
            batches,
            ok,
            error,
        },
    )
}

async fn payments(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    payments_render(&state, &ctx, StatusCode::OK, ok_text(&q), None).await
}

async fn create_batch(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match staff(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state.svc.create_payment_batch(actor).await {
        Ok(b) => Redirect::to(&format!("/staff/payments/{}?ok=batch", b.id)).into_response(),
        Err(e) => match sort_error(e, &[]) {
            Ok((status, _, error)) => payments_render(&state, &ctx, status, None, error).await,
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

#[derive(Template)]
#[template(path = "staff/staff_services_batch.html")]
struct BatchPage {
    ctx: PageCtx,
    r: Reconciliation,
    problems: Vec<LineProblem>,
    result: Option<BankResultReport>,
    fs: Forms,
    ok: Option<&'static str>,
}

async fn batch_render(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    status: StatusCode,
    ok: Option<&'static str>,
    result: Option<BankResultReport>,
    failed: Failed<'_>,
) -> Response {
    let actor = match staff(ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let bid = match path_id(ctx, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let r = match state.svc.reconcile_batch(actor, bid).await {
        Ok(r) => r,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    render(
        status,
        &BatchPage {
            ctx: PageCtx::new(
                ctx,
                format!("代发批次{}", r.batch.number),
                "/staff/payments",
            ),
            r,
            problems: result
                .as_ref()
                .map(|x| x.problems.clone())
                .unwrap_or_default(),
            result,
            fs: forms(FormData::default(), failed),
            ok,
        },
    )
}

async fn batch(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    batch_render(&state, &ctx, &id, StatusCode::OK, ok_text(&q), None, None).await
}

async fn bank_file(state: &AppState, ctx: &Ctx, id: &str, xlsx: bool) -> Response {
    let actor = match staff(ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let bid = match path_id(ctx, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match state.svc.bank_file(actor, bid, xlsx).await {
        Ok(f) => download(&f.file_name, f.bytes),
        Err(e) => error_page_ctx(ctx, e.into()),
    }
}

async fn bank_csv(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    bank_file(&state, &ctx, &id, false).await
}

async fn bank_xlsx(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    bank_file(&state, &ctx, &id, true).await
}

async fn recon_file(state: &AppState, ctx: &Ctx, id: &str, xlsx: bool) -> Response {
    let actor = match staff(ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let bid = match path_id(ctx, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let r = match state.svc.reconcile_batch(actor, bid).await {
        Ok(r) => r,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let sheet = Service::reconciliation_sheet(&r);
    let name = format!("reconciliation-{}", r.batch.number);
    if xlsx {
        match linghuo_service::export::to_xlsx(&sheet) {
            Ok(b) => download(&format!("{name}.xlsx"), b),
            Err(e) => error_page_ctx(ctx, e.into()),
        }
    } else {
        download(
            &format!("{name}.csv"),
            linghuo_service::export::to_csv(&sheet),
        )
    }
}

async fn recon_csv(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    recon_file(&state, &ctx, &id, false).await
}

async fn recon_xlsx(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    recon_file(&state, &ctx, &id, true).await
}

/// The bank's result file, uploaded as `multipart/form-data` (its `_csrf` part is checked
/// by the session middleware before this runs).
async fn import_result(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let actor = match staff(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let bid = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut unreadable = multipart.is_err();
    if let Ok(mut mp) = multipart {
        loop {
            match mp.next_field().await {
                Ok(Some(field)) => {
                    if field.name() == Some("file") {
                        let name = field.file_name().unwrap_or("").to_owned();
                        match field.bytes().await {
                            Ok(b) if !b.is_empty() => file = Some((name, b.to_vec())),
                            Ok(_) => {}
                            Err(_) => {
                                unreadable = true;
                                break;
                            }
                        }
                    }
                }
                Ok(None) => break,
                Err(_) => {
                    unreadable = true;
                    break;
                }
            }
        }
    }
    let failed = |message: &str| {
        Some((
            "upload",
            FormData::default(),
            Errors(vec![("file".to_owned(), message.to_owned())]),
            None,
        ))
    };
    let Some((name, bytes)) = file.filter(|_| !unreadable) else {
        return batch_render(
            &state,
            &ctx,
            &id,
            StatusCode::BAD_REQUEST,
            None,
            None,
            failed("请选择银行回盘文件（.csv 或 .xlsx）"),
        )
        .await;
    };
    let xlsx = name.to_ascii_lowercase().ends_with(".xlsx");
    match state.svc.import_bank_result(actor, bid, &bytes, xlsx).await {
        Ok(r) if r.applied => {
            Redirect::to(&format!("/staff/payments/{bid}?ok=imported")).into_response()
        }
        Ok(r) => {
            batch_render(
                &state,
                &ctx,
                &id,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(r),
                None,
            )
            .await
        }
        Err(e) => match sort_error(e, &["file"]) {
            Ok((status, errors, error)) => {
                batch_render(
                    &state,
                    &ctx,
                    &id,
                    status,
                    None,
                    None,
                    Some(("upload", FormData::default(), errors, error)),
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

// ---------------------------------------------------------------------------------------
// 职业培训

const COURSE_KINDS: &[(&str, &str)] =
    &[("skills", "职业技能培训"), ("entrepreneurship", "创业培训")];

const COURSE_FIELDS: &[&str] = &[
    "title",
    "provider",
    "occupation",
    "kind",
    "hours",
    "days",
    "starts_on",
    "ends_on",
    "capacity",
    "subsidy",
    "daily_allowance",
    "county_code",
];

#[derive(Template)]
#[template(path = "staff/staff_services_courses.html")]
struct CoursesPage {
    ctx: PageCtx,
    items: Vec<CourseView>,
    kinds: &'static [(&'static str, &'static str)],
    counties: Vec<(String, String)>,
    fs: Forms,
}

async fn courses_render(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    failed: Failed<'_>,
) -> Response {
    let actor = match staff(ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let items = match state.svc.courses(actor).await {
        Ok(i) => i,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let prefix = actor.person_scope_prefix().unwrap_or_default();
    let counties = crate::web::region_options(true)
        .into_iter()
        .filter(|(code, _)| code.starts_with(&prefix))
        .collect();
    let mut defaults = FormData::default();
    defaults.set("kind", "skills");
    if let Some(s) = actor.scope {
        defaults.set("county_code", s.as_str());
    }
    render(
        status,
        &CoursesPage {
            ctx: PageCtx::new(ctx, "职业培训", "/staff/training"),
            items,
            kinds: COURSE_KINDS,
            counties,
            fs: forms(defaults, failed),
        },
    )
}

async fn courses(State(state): State<AppState>, ctx: Ctx) -> Response {
    courses_render(&state, &ctx, StatusCode::OK, None).await
}

async fn create_course(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let actor = match staff(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let input = CourseInput {
        title: form.get("title").to_owned(),
        provider: form.get("provider").to_owned(),
        occupation: form.get("occupation").to_owned(),
        kind: form.get("kind").to_owned(),
        hours: form.get("hours").to_owned(),
        days: form.get("days").to_owned(),
        starts_on: form.get("starts_on").to_owned(),
        ends_on: form.get("ends_on").to_owned(),
        capacity: form.get("capacity").to_owned(),
        subsidy: form.get("subsidy").to_owned(),
        daily_allowance: form.get("daily_allowance").to_owned(),
        county_code: form.get("county_code").to_owned(),
    };
    match state.svc.create_course(actor, input).await {
        Ok(c) => Redirect::to(&format!("/staff/training/{}?ok=course", c.id)).into_response(),
        Err(e) => match sort_error(e, COURSE_FIELDS) {
            Ok((status, errors, error)) => {
                courses_render(&state, &ctx, status, Some(("course", form, errors, error))).await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

pub struct TraineeLine {
    pub e: EnrolmentView,
    pub key: String,
    /// The training subsidy application filed on completion.
    pub application: Option<ApplicationView>,
}

#[derive(Template)]
#[template(path = "staff/staff_services_course.html")]
struct CoursePage {
    ctx: PageCtx,
    c: CourseView,
    trainees: Vec<TraineeLine>,
    fs: Forms,
    ok: Option<&'static str>,
}

async fn course_render(
    state: &AppState,
    ctx: &Ctx,
    id: Uuid,
    status: StatusCode,
    ok: Option<&'static str>,
    failed: Failed<'_>,
) -> Response {
    let actor = match staff(ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let c = match state.svc.course(actor, id).await {
        Ok(c) => c,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let enrolments = match state.svc.enrolments_of_course(actor, id).await {
        Ok(e) => e,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let mut trainees = Vec::new();
    for e in enrolments {
        let application = if e.status == "completed" {
            match state.svc.benefit_applications_of(actor, e.person_id).await {
                Ok(list) => list.into_iter().find(|a| {
                    a.benefit == linghuo_policy::BenefitId::TrainingSubsidy.code()
                        && a.period == e.id.to_string()
                }),
                Err(err) => return error_page_ctx(ctx, err.into()),
            }
        } else {
            None
        };
        trainees.push(TraineeLine {
            key: format!("att-{}", e.id),
            e,
            application,
        });
    }
    let mut defaults = FormData::default();
    defaults.set("day", today_default(state));
    render(
        status,
        &CoursePage {
            ctx: PageCtx::new(ctx, c.title.clone(), "/staff/training"),
            c,
            trainees,
            fs: forms(defaults, failed),
            ok,
        },
    )
}

async fn course(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    course_render(&state, &ctx, id, StatusCode::OK, ok_text(&q), None).await
}

/// The course a trainee form came from (a hidden field); "not found" when it is not an id.
fn course_of(ctx: &Ctx, form: &FormData) -> Result<Uuid, Response> {
    path_id(ctx, form.get("course"))
}

async fn attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match staff(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let eid = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    match state
        .svc
        .record_attendance(actor, eid, form.get("day"))
        .await
    {
        Ok(e) => {
            Redirect::to(&format!("/staff/training/{}?ok=attendance", e.course_id)).into_response()
        }
        Err(err) => {
            let cid = match course_of(&ctx, &form) {
                Ok(c) => c,
                Err(r) => return r,
            };
            match sort_error(err, &["day"]) {
                Ok((status, errors, error)) => {
                    let key = format!("att-{eid}");
                    course_render(
                        &state,
                        &ctx,
                        cid,
                        status,
                        None,
                        Some((&key, form, errors, error)),
                    )
                    .await
                }
                Err(api) => error_page_ctx(&ctx, api),
            }
        }
    }
}

async fn finish(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match staff(&ctx) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let eid = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let passed = form.get("result") == "pass";
    match state.svc.finish_training(actor, eid, passed).await {
        Ok(c) => Redirect::to(&format!(
            "/staff/training/{}?ok=finished",
            c.enrolment.course_id
        ))
        .into_response(),
        Err(err) => {
            let cid = match course_of(&ctx, &form) {
                Ok(c) => c,
                Err(r) => return r,
            };
            match sort_error(err, &[]) {
                Ok((status, errors, error)) => {
                    let key = format!("att-{eid}");
                    course_render(
                        &state,
                        &ctx,
                        cid,
                        status,
                        None,
                        Some((&key, form, errors, error)),
                    )
                    .await
                }
                Err(api) => error_page_ctx(&ctx, api),
            }
        }
    }
}
