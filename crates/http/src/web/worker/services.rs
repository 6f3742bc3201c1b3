//! 办事大厅 for a worker, for their own person only: 就业登记 / 失业登记 / 灵活就业登记 with
//! the 就业创业证, benefit applications pre-filled by the policy engine (with the payee
//! account first when the benefit is paid in money), each application with its printable
//! 决定书, and training courses. The staff pages share the form helpers and the 决定书.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linghuo_service::benefits::{self, ApplicationView};
use linghuo_service::payments::PayeeView;
use linghuo_service::registration::{
    EndInput, RegistrationFile, RegistrationInput, RegistrationView,
};
use linghuo_service::training::{CourseView, EnrolmentView};
use linghuo_service::{Actor, Role};
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{
    Errors, FormData, PageCtx, date_cn, error_page_ctx, path_id, query_field, render, require,
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
// Shared helpers

/// The state of the forms of a page with several forms: which one failed (its values and
/// errors are shown again), and defaults for the others.
#[derive(Default)]
pub struct Forms {
    pub which: String,
    pub form: FormData,
    pub defaults: FormData,
    pub errors: Errors,
    pub error: Option<String>,
}

impl Forms {
    pub fn with_defaults(defaults: FormData) -> Forms {
        Forms {
            defaults,
            ..Forms::default()
        }
    }

    /// A failed submission of form `which`.
    pub fn failed(
        mut self,
        which: &str,
        form: FormData,
        errors: Errors,
        error: Option<String>,
    ) -> Forms {
        self.which = which.to_owned();
        self.form = form;
        self.errors = errors;
        self.error = error;
        self
    }

    /// The value of a field of form `f`.
    pub fn val(&self, f: &str, name: &str) -> String {
        if self.which == f {
            self.form.get(name).to_owned()
        } else {
            self.defaults.get(name).to_owned()
        }
    }

    pub fn is(&self, f: &str, name: &str, value: &str) -> bool {
        self.val(f, name) == value
    }

    /// The error beside a field of form `f`.
    pub fn err(&self, f: &str, name: &str) -> Option<String> {
        if self.which == f {
            self.errors.get(name).cloned()
        } else {
            None
        }
    }

    /// The message above form `f`.
    pub fn msg(&self, f: &str) -> Option<String> {
        if self.which == f {
            self.error.clone()
        } else {
            None
        }
    }
}

/// Sorts a service error for a form: a record that is gone or not the caller's (404), a
/// missing login or a server fault goes to the error page; anything else (bad input, a
/// conflict, a refusal such as the reviewer approving their own review) is shown on the
/// form with its status — beside the field when the form has it.
pub fn sort_error(
    e: impl Into<ApiError>,
    fields: &[&str],
) -> Result<(StatusCode, Errors, Option<String>), ApiError> {
    let api: ApiError = e.into();
    if matches!(api.status, StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED)
        || api.status.is_server_error()
    {
        return Err(api);
    }
    let field = api
        .field
        .as_deref()
        .filter(|f| fields.contains(f))
        .map(str::to_owned);
    Ok(match field {
        Some(f) => (api.status, Errors(vec![(f, api.message)]), None),
        None => (api.status, Errors::default(), Some(api.message)),
    })
}

/// The confirmation shown after a redirect (`?ok=...`).
pub fn ok_text(query: &Option<String>) -> Option<&'static str> {
    let form = FormData::parse(query.as_deref().unwrap_or("").as_bytes());
    Some(match form.get("ok") {
        "registered" => "登记已办理。",
        "ended" => "登记已结束。",
        "accepted" => "已确认，登记已办理。",
        "dismissed" => "已标记为不需要。",
        "payee" => "收款账户已保存。",
        "applied" => "申请已提交。",
        "enrolled" => "报名成功。",
        "reviewed" => "初审意见已提交，等待另一位工作人员审批。",
        "decided" => "审批决定已作出。",
        "batch" => "代发批次已生成，可以下载银行文件。",
        "imported" => "银行回盘文件已导入。",
        "course" => "培训课程已发布。",
        "attendance" => "出勤已记录。",
        "finished" => "已办理结业。",
        _ => return None,
    })
}

/// The worker's own person, or the error page.
fn own_person(ctx: &Ctx) -> Result<(&Actor, Uuid), Response> {
    let actor = require(ctx, &[Role::Worker])?;
    match actor.person_id {
        Some(p) => Ok((actor, p)),
        None => Err(error_page_ctx(
            ctx,
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no_person",
                "您的账户还没有关联个人信息，请到就业服务窗口办理。",
            ),
        )),
    }
}

pub const REG_KINDS: &[(&str, &str)] = &[
    ("flexible", "灵活就业登记"),
    ("employment", "就业登记"),
    ("unemployment", "失业登记"),
];

pub const FLEX_FORMS: &[(&str, &str)] = &[
    ("part_time", "非全日制"),
    ("self_employed", "个体经营"),
    ("platform", "新就业形态/平台"),
    ("gig", "零工"),
];

pub fn today_default(state: &AppState) -> String {
    state.svc.clock.today_cst().format("%Y-%m-%d").to_string()
}

/// Rows of a registration history for a table.
pub struct RegLine {
    pub kind: String,
    pub detail: String,
    pub started: String,
    pub ended: String,
    pub source: String,
    pub county: String,
}

pub fn reg_line(r: &RegistrationView) -> RegLine {
    let detail = if !r.employer_name.is_empty() {
        r.employer_name.clone()
    } else {
        r.flexible_form_label.clone()
    };
    RegLine {
        kind: r.kind_label.clone(),
        detail,
        started: date_cn(r.started_on),
        ended: match r.ended_on {
            Some(d) if r.end_reason.is_empty() => date_cn(d),
            Some(d) => format!("{}（{}）", date_cn(d), r.end_reason),
            None => "有效".into(),
        },
        source: r.source_label.clone(),
        county: r.county_name.clone(),
    }
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
    status: StatusCode,
    ok: Option<&'static str>,
    failed: Option<(&str, FormData, Errors, Option<String>)>,
) -> Response {
    let (actor, pid) = match own_person(ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let file = match state.svc.registration_file(actor, pid).await {
        Ok(f) => f,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let mut defaults = FormData::default();
    defaults.set("started_on", today_default(state));
    defaults.set("ended_on", today_default(state));
    defaults.set("kind", "flexible");
    let mut fs = Forms::with_defaults(defaults);
    if let Some((which, form, errors, error)) = failed {
        fs = fs.failed(which, form, errors, error);
    }
    render(
        status,
        &RegistrationPage {
            ctx: PageCtx::new(ctx, "就业登记", "/services/registration"),
            current: file.current.as_ref().map(reg_line),
            history: file.history.iter().map(reg_line).collect(),
            file,
            fs,
            ok,
            kinds: REG_KINDS,
            flex: FLEX_FORMS,
        },
    )
}

async fn registration_page(
    State(state): State<AppState>,
    ctx: Ctx,
    RawQuery(q): RawQuery,
) -> Response {
    registration_render(&state, &ctx, StatusCode::OK, ok_text(&q), None).await
}

/// The registration input from a form (the employer only for 就业登记, the form only for
/// 灵活就业登记: the other kind's leftover is ignored).
pub fn registration_input(form: &FormData) -> RegistrationInput {
    let kind = form.get("kind").to_owned();
    RegistrationInput {
        employer_name: if kind == "employment" {
            form.get("employer_name").to_owned()
        } else {
            String::new()
        },
        flexible_form: if kind == "flexible" {
            form.get("flexible_form").to_owned()
        } else {
            String::new()
        },
        kind,
        started_on: form.get("started_on").to_owned(),
        consent_note: form.get("consent_note").to_owned(),
    }
}

pub const REG_FIELDS: &[&str] = &[
    "kind",
    "started_on",
    "employer_name",
    "flexible_form",
    "consent_note",
];
pub const END_FIELDS: &[&str] = &["ended_on", "reason", "consent_note"];

async fn register(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let (actor, pid) = match own_person(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    match state
        .svc
        .register(actor, pid, registration_input(&form))
        .await
    {
        Ok(_) => Redirect::to("/services/registration?ok=registered").into_response(),
        Err(e) => match sort_error(e, REG_FIELDS) {
            Ok((status, errors, error)) => {
                registration_render(
                    &state,
                    &ctx,
                    status,
                    None,
                    Some(("reg", form, errors, error)),
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

async fn end_registration(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let (actor, pid) = match own_person(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let input = EndInput {
        ended_on: form.get("ended_on").to_owned(),
        reason: form.get("reason").to_owned(),
        consent_note: String::new(),
    };
    match state.svc.end_registration(actor, pid, input).await {
        Ok(_) => Redirect::to("/services/registration?ok=ended").into_response(),
        Err(e) => match sort_error(e, END_FIELDS) {
            Ok((status, errors, error)) => {
                registration_render(
                    &state,
                    &ctx,
                    status,
                    None,
                    Some(("end", form, errors, error)),
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

async fn answer_suggestion(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let (actor, _) = match own_person(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let accept = form.get("answer") == "accept";
    match state.svc.answer_suggestion(actor, id, accept, "").await {
        Ok(_) => Redirect::to(if accept {
            "/services/registration?ok=accepted"
        } else {
            "/services/registration?ok=dismissed"
        })
        .into_response(),
        Err(e) => match sort_error(e, &[]) {
            Ok((status, errors, error)) => {
                registration_render(
                    &state,
                    &ctx,
                    status,
                    None,
                    Some(("suggestion", form, errors, error)),
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

// ---------------------------------------------------------------------------------------
// 待遇申请

pub struct ApplicableLink {
    pub id: &'static str,
    pub name: &'static str,
    pub paid: bool,
}

pub fn applicable() -> Vec<ApplicableLink> {
    benefits::APPLICABLE
        .iter()
        .map(|(id, name)| ApplicableLink {
            id,
            name,
            paid: benefits::is_paid(id),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "worker/services_benefits.html")]
struct BenefitsPage {
    ctx: PageCtx,
    items: Vec<ApplicationView>,
    applicable: Vec<ApplicableLink>,
    payee: Option<PayeeView>,
}

async fn benefits_page(State(state): State<AppState>, ctx: Ctx) -> Response {
    let (actor, pid) = match own_person(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let items = match state.svc.benefit_applications_of(actor, pid).await {
        Ok(i) => i,
        Err(e) => return error_page_ctx(&ctx, e.into()),
    };
    let payee = match state.svc.payee_of(actor, pid).await {
        Ok(p) => p,
        Err(e) => return error_page_ctx(&ctx, e.into()),
    };
    render(
        StatusCode::OK,
        &BenefitsPage {
            ctx: PageCtx::new(&ctx, "政策待遇申请", "/services/benefits"),
            items,
            applicable: applicable(),
            payee,
        },
    )
}

/// Working days a reviewer needs for facts not yet verified (one figure with the workbench's).
pub use linghuo_service::benefits::REVIEW_WORKING_DAYS as REVIEW_DAYS;

#[derive(Template)]
#[template(path = "worker/services_apply.html")]
struct ApplyPage {
    ctx: PageCtx,
    a: ApplicationView,
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
    benefit: &str,
    status: StatusCode,
    ok: Option<&'static str>,
    failed: Option<(&str, FormData, Errors, Option<String>)>,
) -> Response {
    let (actor, pid) = match own_person(ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let a = match state.svc.preview_benefit(actor, pid, benefit).await {
        Ok(a) => a,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let payee = match state.svc.payee_of(actor, pid).await {
        Ok(p) => p,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let paid = benefits::is_paid(benefit);
    let mut fs = Forms::default();
    if let Some((which, form, errors, error)) = failed {
        fs = fs.failed(which, form, errors, error);
    }
    render(
        status,
        &ApplyPage {
            ctx: PageCtx::new(
                ctx,
                format!("申请{}", benefits::benefit_name(benefit)),
                "/services/benefits/apply",
            ),
            needs_payee: paid && payee.is_none(),
            paid,
            payee,
            a,
            review_days: REVIEW_DAYS,
            fs,
            ok,
        },
    )
}

async fn apply_page(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    let benefit = query_field(&q, "benefit");
    apply_render(&state, &ctx, &benefit, StatusCode::OK, ok_text(&q), None).await
}

async fn apply_submit(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let (actor, pid) = match own_person(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let benefit = form.get("benefit").to_owned();
    let input = benefits::ApplyInput {
        benefit: benefit.clone(),
        consent_note: String::new(),
    };
    match state.svc.apply_for_benefit(actor, pid, input).await {
        Ok(a) => Redirect::to(&format!("/services/benefits/{}?ok=applied", a.id)).into_response(),
        Err(e) => match sort_error(e, &[]) {
            Ok((status, errors, error)) => {
                apply_render(
                    &state,
                    &ctx,
                    &benefit,
                    status,
                    None,
                    Some(("apply", form, errors, error)),
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

pub const PAYEE_FIELDS: &[&str] = &["bank_name", "account", "consent_note"];

async fn payee_submit(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let (actor, pid) = match own_person(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut form = FormData::parse(&body);
    let benefit = form.get("benefit").to_owned();
    let input = linghuo_service::payments::PayeeInput {
        bank_name: form.get("bank_name").to_owned(),
        account: form.get("account").to_owned(),
        consent_note: String::new(),
    };
    // The account number is never shown again, not even after an error.
    form.set("account", "");
    match state.svc.set_payee(actor, pid, input).await {
        Ok(_) => Redirect::to(&format!(
            "/services/benefits/apply?benefit={}&ok=payee",
            url_safe(&benefit)
        ))
        .into_response(),
        Err(e) => match sort_error(e, PAYEE_FIELDS) {
            Ok((status, errors, error)) => {
                apply_render(
                    &state,
                    &ctx,
                    &benefit,
                    status,
                    None,
                    Some(("payee", form, errors, error)),
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
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
    decided: bool,
    decided_on: String,
    review_days: u32,
    ok: Option<&'static str>,
}

pub fn decided(a: &ApplicationView) -> bool {
    matches!(a.status.as_str(), "approved" | "rejected")
}

async fn application_page(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let (actor, _) = match own_person(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match state.svc.get_benefit_application(actor, id).await {
        Ok(a) => render(
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
                review_days: REVIEW_DAYS,
                ok: ok_text(&q),
            },
        ),
        Err(e) => error_page_ctx(&ctx, e.into()),
    }
}

// ---------------------------------------------------------------------------------------
// 决定书

#[derive(Template)]
#[template(path = "worker/services_notice.html")]
struct NoticePage {
    ctx: PageCtx,
    a: ApplicationView,
    number: String,
    decided: bool,
    approved: bool,
    decided_on: String,
    how: &'static str,
    back: String,
}

/// The printable 决定书 of an application, for the person or staff of its region.
pub async fn notice_page(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    id: &str,
    back: &str,
) -> Response {
    let id = match path_id(ctx, id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let a = match state.svc.get_benefit_application(actor, id).await {
        Ok(a) => a,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let number = format!(
        "晋灵待决〔{}〕{}号",
        a.decided_at
            .map(|t| (t + chrono::Duration::hours(8)).format("%Y").to_string())
            .unwrap_or_default(),
        a.id.simple().to_string()[..8].to_uppercase()
    );
    let decided_on = a
        .decided_at
        .map(|t| date_cn((t + chrono::Duration::hours(8)).date_naive()))
        .unwrap_or_default();
    render(
        StatusCode::OK,
        &NoticePage {
            ctx: PageCtx::new(ctx, "灵活就业政策待遇决定书", back),
            number,
            decided: decided(&a),
            approved: a.status == "approved",
            decided_on,
            how: if a.route == "automatic" {
                "系统依据已核验数据自动决定"
            } else {
                "经初审、审批两人办理"
            },
            back: format!("{back}/{}", a.id),
            a,
        },
    )
}

async fn my_notice(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let (actor, _) = match own_person(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    notice_page(&state, &ctx, actor, &id, "/services/benefits").await
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
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn training_render(
    state: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> Response {
    let (actor, _) = match own_person(ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let courses = match state.svc.courses(actor).await {
        Ok(c) => c,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let mine = match state.svc.my_enrolments(actor).await {
        Ok(m) => m,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    render(
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
            ok,
            error,
        },
    )
}

async fn training_page(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    training_render(&state, &ctx, StatusCode::OK, ok_text(&q), None).await
}

async fn enrol(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let (actor, pid) = match own_person(&ctx) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    match state.svc.enrol(actor, id, pid).await {
        Ok(_) => Redirect::to("/services/training?ok=enrolled").into_response(),
        Err(e) => match sort_error(e, &[]) {
            Ok((status, _, error)) => training_render(&state, &ctx, status, None, error).await,
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}
