//! Public services at the county window and online: 就业/失业/灵活就业登记, benefit
//! applications decided by the policy engine with review and approval by two people, the
//! payment ledger's batches, bank files and reconciliation, 免申即享 and recalculation, and
//! training courses.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use linghuo_service::benefits::trace_view::TraceLine;
use linghuo_service::benefits::{
    ApplicationView, ApplyInput, RecalcReport, ReviewInput, ScreenAllReport,
};
use linghuo_service::payments::{
    BankResultReport, BatchView, LedgerCheck, PayeeInput, PayeeView, PendingPayments,
    Reconciliation,
};
use linghuo_service::registration::{
    EndInput, RegistrationFile, RegistrationInput, RegistrationView, SuggestionView,
};
use linghuo_service::training::{CompletionView, CourseInput, CourseView, EnrolmentView};
use linghuo_service::{Role, ServiceError};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi, ToSchema};
use uuid::Uuid;

use super::{ApiJson, actor};
use crate::AppState;
use crate::context::Ctx;
use crate::error::{ApiError, ErrorBody};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/persons/{id}/registrations",
            get(get_registrations).post(create_registration),
        )
        .route("/persons/{id}/registrations/end", post(end_registration))
        .route("/me/registrations", get(my_registrations))
        .route("/registrations", get(list_registrations))
        .route("/registration-suggestions", get(list_suggestions))
        .route(
            "/registration-suggestions/{id}/answer",
            post(answer_suggestion),
        )
        .route(
            "/persons/{id}/benefit-applications",
            get(list_person_applications).post(apply_for_benefit),
        )
        .route("/persons/{id}/benefit-preview", get(preview_benefit))
        .route("/persons/{id}/payee", get(get_payee).put(put_payee))
        .route("/benefit-applications", get(list_applications))
        .route("/benefit-applications/{id}", get(get_application))
        .route(
            "/benefit-applications/{id}/trace",
            get(get_application_trace),
        )
        .route(
            "/benefit-applications/{id}/review",
            post(review_application),
        )
        .route(
            "/benefit-applications/{id}/decision",
            post(decide_application),
        )
        .route("/benefits/screen-all", post(screen_all))
        .route("/benefits/recalc", get(recalc_preview).post(recalc_confirm))
        .route("/payments/pending", get(pending_payments))
        .route("/payments/{reference}/requeue", post(requeue_payment))
        .route("/payment-batches", get(list_batches).post(create_batch))
        .route("/payment-batches/{id}/file", get(batch_file))
        .route("/payment-batches/{id}/result", post(import_bank_result))
        .route("/payment-batches/{id}/reconciliation", get(reconcile_batch))
        .route("/ledger/check", get(ledger_check))
        .route("/courses", get(list_courses).post(create_course))
        .route("/courses/{id}", get(get_course))
        .route("/courses/{id}/enrolments", get(list_enrolments).post(enrol))
        .route("/me/enrolments", get(my_enrolments))
        .route("/enrolments/{id}/attendance", post(record_attendance))
        .route("/enrolments/{id}/finish", post(finish_training))
}

#[derive(OpenApi)]
#[openapi(
    paths(
        get_registrations, create_registration, end_registration, my_registrations, list_registrations,
        list_suggestions, answer_suggestion,
        list_person_applications, apply_for_benefit, preview_benefit, get_payee, put_payee,
        list_applications, get_application, get_application_trace, review_application, decide_application,
        screen_all, recalc_preview, recalc_confirm,
        pending_payments, requeue_payment, list_batches, create_batch, batch_file, import_bank_result,
        reconcile_batch, ledger_check,
        list_courses, create_course, get_course, list_enrolments, enrol, my_enrolments,
        record_attendance, finish_training,
    ),
    tags(
        (name = "registration", description = "就业登记、失业登记、灵活就业登记与就业创业证"),
        (name = "benefits", description = "待遇申请：系统依据核验数据自动决定，其余初审与审批两人办理；免申即享；重算"),
        (name = "payments", description = "发放账本：付款指令、银行代发批次（含MAC）、银行回盘与对账"),
        (name = "training", description = "职业培训：课程、报名、出勤、结业与培训补贴"),
    )
)]
pub struct Doc;

fn id(s: &str) -> Result<Uuid, ApiError> {
    Uuid::parse_str(s).map_err(|_| ApiError::not_found())
}

// ------------------------------------------------------------------------------ registration

/// A person's registration file: the 就业创业证 number, the open registration, history and
/// suggestions waiting for confirmation.
#[utoipa::path(get, path = "/api/v1/persons/{id}/registrations", tag = "registration", params(("id" = Uuid, Path)),
    responses((status = 200, body = RegistrationFile), (status = 404, body = ErrorBody)))]
pub async fn get_registrations(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<RegistrationFile>, ApiError> {
    Ok(Json(s.svc.registration_file(actor(&ctx)?, id(&i)?).await?))
}

/// The signed-in worker's own registration file.
#[utoipa::path(get, path = "/api/v1/me/registrations", tag = "registration",
    responses((status = 200, body = RegistrationFile), (status = 404, body = ErrorBody)))]
pub async fn my_registrations(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<RegistrationFile>, ApiError> {
    let a = actor(&ctx)?;
    let pid = a.person_id.ok_or_else(ApiError::not_found)?;
    Ok(Json(s.svc.registration_file(a, pid).await?))
}

/// Registers a person (the person themself, or staff with a consent note). A registration
/// of another kind closes the open one the day before.
#[utoipa::path(post, path = "/api/v1/persons/{id}/registrations", tag = "registration", params(("id" = Uuid, Path)),
    request_body = RegistrationInput,
    responses((status = 201, body = RegistrationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn create_registration(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<RegistrationInput>,
) -> Result<(StatusCode, Json<RegistrationView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.register(actor(&ctx)?, id(&i)?, b).await?),
    ))
}

/// Ends the person's open registration.
#[utoipa::path(post, path = "/api/v1/persons/{id}/registrations/end", tag = "registration", params(("id" = Uuid, Path)),
    request_body = EndInput,
    responses((status = 200, body = RegistrationView), (status = 400, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn end_registration(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<EndInput>,
) -> Result<Json<RegistrationView>, ApiError> {
    Ok(Json(
        s.svc.end_registration(actor(&ctx)?, id(&i)?, b).await?,
    ))
}

/// Registrations of the staff member's region, newest first (at most 500).
#[utoipa::path(get, path = "/api/v1/registrations", tag = "registration",
    responses((status = 200, body = Vec<RegistrationView>), (status = 403, body = ErrorBody)))]
pub async fn list_registrations(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<RegistrationView>>, ApiError> {
    Ok(Json(s.svc.registrations_in_region(actor(&ctx)?).await?))
}

/// Suggestions from the gig market waiting for confirmation in the staff member's region.
#[utoipa::path(get, path = "/api/v1/registration-suggestions", tag = "registration",
    responses((status = 200, body = Vec<SuggestionView>), (status = 403, body = ErrorBody)))]
pub async fn list_suggestions(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<SuggestionView>>, ApiError> {
    Ok(Json(s.svc.suggestions_in_region(actor(&ctx)?).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SuggestionAnswer {
    pub accept: bool,
    #[serde(default)]
    pub consent_note: String,
}

/// Confirms a suggestion (making the registration) or dismisses it.
#[utoipa::path(post, path = "/api/v1/registration-suggestions/{id}/answer", tag = "registration", params(("id" = Uuid, Path)),
    request_body = SuggestionAnswer,
    responses((status = 200, body = Option<RegistrationView>), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn answer_suggestion(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<SuggestionAnswer>,
) -> Result<Json<Option<RegistrationView>>, ApiError> {
    Ok(Json(
        s.svc
            .answer_suggestion(actor(&ctx)?, id(&i)?, b.accept, &b.consent_note)
            .await?,
    ))
}

// ------------------------------------------------------------------------------ applications

/// A person's benefit applications, newest first.
#[utoipa::path(get, path = "/api/v1/persons/{id}/benefit-applications", tag = "benefits", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<ApplicationView>), (status = 404, body = ErrorBody)))]
pub async fn list_person_applications(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<Vec<ApplicationView>>, ApiError> {
    Ok(Json(
        s.svc.benefit_applications_of(actor(&ctx)?, id(&i)?).await?,
    ))
}

/// Applies for a benefit. The facts come from the database; when all are verified the
/// decision is made at once (201 with status approved or rejected), otherwise the
/// application waits for review (status pending_review).
#[utoipa::path(post, path = "/api/v1/persons/{id}/benefit-applications", tag = "benefits", params(("id" = Uuid, Path)),
    request_body = ApplyInput,
    responses((status = 201, body = ApplicationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn apply_for_benefit(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ApplyInput>,
) -> Result<(StatusCode, Json<ApplicationView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.apply_for_benefit(actor(&ctx)?, id(&i)?, b).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BenefitQuery {
    /// startup_subsidy | social_insurance_subsidy | tax_deduction | guaranteed_loan
    pub benefit: String,
}

/// What applying now would give (the pre-filled application of 免申即享); nothing is stored.
#[utoipa::path(get, path = "/api/v1/persons/{id}/benefit-preview", tag = "benefits", params(("id" = Uuid, Path), BenefitQuery),
    responses((status = 200, body = ApplicationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn preview_benefit(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    Query(q): Query<BenefitQuery>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(
        s.svc
            .preview_benefit(actor(&ctx)?, id(&i)?, &q.benefit)
            .await?,
    ))
}

/// The person's payee account, masked.
#[utoipa::path(get, path = "/api/v1/persons/{id}/payee", tag = "payments", params(("id" = Uuid, Path)),
    responses((status = 200, body = Option<PayeeView>), (status = 404, body = ErrorBody)))]
pub async fn get_payee(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<Option<PayeeView>>, ApiError> {
    Ok(Json(s.svc.payee_of(actor(&ctx)?, id(&i)?).await?))
}

/// Sets where the person's money is paid (encrypted at rest).
#[utoipa::path(put, path = "/api/v1/persons/{id}/payee", tag = "payments", params(("id" = Uuid, Path)),
    request_body = PayeeInput,
    responses((status = 200, body = PayeeView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn put_payee(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<PayeeInput>,
) -> Result<Json<PayeeView>, ApiError> {
    Ok(Json(s.svc.set_payee(actor(&ctx)?, id(&i)?, b).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusQuery {
    /// pending_review | reviewed | approved | rejected | withdrawn; all when absent.
    pub status: Option<String>,
}

/// Applications of the staff member's region (oldest first, at most 500).
#[utoipa::path(get, path = "/api/v1/benefit-applications", tag = "benefits", params(StatusQuery),
    responses((status = 200, body = Vec<ApplicationView>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list_applications(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<StatusQuery>,
) -> Result<Json<Vec<ApplicationView>>, ApiError> {
    Ok(Json(
        s.svc
            .benefit_applications_in_region(actor(&ctx)?, q.status.as_deref().unwrap_or(""))
            .await?,
    ))
}

/// One application with its reasons, citations, receipt hashes and payments.
#[utoipa::path(get, path = "/api/v1/benefit-applications/{id}", tag = "benefits", params(("id" = Uuid, Path)),
    responses((status = 200, body = ApplicationView), (status = 404, body = ErrorBody)))]
pub async fn get_application(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(
        s.svc.get_benefit_application(actor(&ctx)?, id(&i)?).await?,
    ))
}

/// How the engine decided an application (staff of its region): the trace stored with the
/// decision, one line per condition, parameter and reading, in words; empty for a decision
/// stored before traces were kept.
#[utoipa::path(get, path = "/api/v1/benefit-applications/{id}/trace", tag = "benefits", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<TraceLine>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_application_trace(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<Vec<TraceLine>>, ApiError> {
    Ok(Json(s.svc.benefit_trace(actor(&ctx)?, id(&i)?).await?))
}

/// The first of two people reviews a manual application (approve or reject, with a note).
#[utoipa::path(post, path = "/api/v1/benefit-applications/{id}/review", tag = "benefits", params(("id" = Uuid, Path)),
    request_body = ReviewInput,
    responses((status = 200, body = ApplicationView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn review_application(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ReviewInput>,
) -> Result<Json<ApplicationView>, ApiError> {
    Ok(Json(
        s.svc.review_application(actor(&ctx)?, id(&i)?, b).await?,
    ))
}

/// The second person decides a reviewed application; approval writes the grant and its
/// payment instruction. Send an `Idempotency-Key` header to make retries safe: a repeated
/// request with the same key gets the first answer; the key with another body gets 422.
/// Only one of any number of concurrent approvals succeeds (the others get 409).
#[utoipa::path(post, path = "/api/v1/benefit-applications/{id}/decision", tag = "benefits",
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, description = "1–100 characters")),
    request_body = ReviewInput,
    responses((status = 200, body = ApplicationView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn decide_application(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ReviewInput>,
) -> Result<Json<ApplicationView>, ApiError> {
    let key = headers
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap_or("\u{0}").to_owned());
    Ok(Json(
        s.svc
            .decide_application(actor(&ctx)?, id(&i)?, b, key.as_deref())
            .await?,
    ))
}

/// 免申即享: screens every registered person now and tells the newly eligible (province
/// staff only; the server also does it every night).
#[utoipa::path(post, path = "/api/v1/benefits/screen-all", tag = "benefits",
    responses((status = 200, body = ScreenAllReport), (status = 403, body = ErrorBody)))]
pub async fn screen_all(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<ScreenAllReport>, ApiError> {
    let a = actor(&ctx)?;
    let province = a.role == Role::Staff
        && a.scope
            .is_some_and(|r| r.level() == linghuo_domain::region::RegionLevel::Province);
    if !province {
        return Err(ServiceError::Forbidden {
            code: "province_only",
            message: "全省免申即享筛查由省级经办人员发起".into(),
        }
        .into());
    }
    Ok(Json(s.svc.screen_all().await?))
}

#[derive(Deserialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct RecalcQuery {
    /// YYYY-MM-DD: decisions made on or after this day.
    pub since: String,
}

fn since(q: &str) -> Result<chrono::NaiveDate, ApiError> {
    chrono::NaiveDate::parse_from_str(q.trim(), "%Y-%m-%d")
        .map_err(|_| ServiceError::invalid("since", "date_invalid", "日期格式应为 年-月-日").into())
}

/// Replays approved decisions of the caller's region since a day under the parameters now
/// in force: arrears and over-payments per person. Changes nothing.
#[utoipa::path(get, path = "/api/v1/benefits/recalc", tag = "benefits", params(RecalcQuery),
    responses((status = 200, body = RecalcReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn recalc_preview(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RecalcQuery>,
) -> Result<Json<RecalcReport>, ApiError> {
    let a = actor(&ctx)?;
    a.require_role(&[Role::Staff])?;
    Ok(Json(s.svc.recalc(Some(a), since(&q.since)?, false).await?))
}

/// Confirms a recalculation: arrears become new payments, over-payments receivables.
/// Confirming again under the same parameters changes nothing.
#[utoipa::path(post, path = "/api/v1/benefits/recalc", tag = "benefits", request_body = RecalcQuery,
    responses((status = 200, body = RecalcReport), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn recalc_confirm(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<RecalcQuery>,
) -> Result<Json<RecalcReport>, ApiError> {
    let a = actor(&ctx)?;
    a.require_role(&[Role::Staff])?;
    Ok(Json(s.svc.recalc(Some(a), since(&b.since)?, true).await?))
}

// ------------------------------------------------------------------------------ payments

/// Payments waiting for a bank batch in the staff member's region.
#[utoipa::path(get, path = "/api/v1/payments/pending", tag = "payments",
    responses((status = 200, body = PendingPayments), (status = 403, body = ErrorBody)))]
pub async fn pending_payments(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<PendingPayments>, ApiError> {
    Ok(Json(s.svc.pending_payments(actor(&ctx)?).await?))
}

/// Puts a failed payment back in the queue for the next batch.
#[utoipa::path(post, path = "/api/v1/payments/{reference}/requeue", tag = "payments", params(("reference" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn requeue_payment(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(r): Path<String>,
) -> Result<StatusCode, ApiError> {
    s.svc.requeue_payment(actor(&ctx)?, &r).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Batches of the staff member's region, newest first.
#[utoipa::path(get, path = "/api/v1/payment-batches", tag = "payments",
    responses((status = 200, body = Vec<BatchView>), (status = 403, body = ErrorBody)))]
pub async fn list_batches(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<BatchView>>, ApiError> {
    Ok(Json(s.svc.payment_batches(actor(&ctx)?).await?))
}

/// Puts every pending payment (with a payee account) of the region into a new batch.
#[utoipa::path(post, path = "/api/v1/payment-batches", tag = "payments",
    responses((status = 201, body = BatchView), (status = 409, body = ErrorBody)))]
pub async fn create_batch(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<(StatusCode, Json<BatchView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.create_payment_batch(actor(&ctx)?).await?),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// csv (default) or xlsx
    pub format: Option<String>,
}

/// The batch's bank file: the same lines every time, ending with its HMAC-SHA256 line. Needs
/// the `bank:export` permission and a step-up within the last minutes; encrypted to the bank's
/// age key (`.age`) when one is configured. Every download is audited with its SHA-256.
#[utoipa::path(get, path = "/api/v1/payment-batches/{id}/file", tag = "payments", params(("id" = Uuid, Path), FormatQuery),
    responses((status = 200, description = "text/csv or .xlsx"), (status = 404, body = ErrorBody)))]
pub async fn batch_file(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    Query(q): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let a = actor(&ctx)?;
    let xlsx = q.format.as_deref() == Some("xlsx");
    let f = s.svc.bank_file(a, id(&i)?, xlsx).await?;
    Ok(download(&f.file_name, f.bytes))
}

/// A file download with a safe name (ASCII batch numbers only).
pub fn download(name: &str, bytes: Vec<u8>) -> Response {
    let ctype = if name.ends_with(".age") {
        "application/octet-stream"
    } else if name.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else {
        "text/csv; charset=utf-8"
    };
    (
        [
            (header::CONTENT_TYPE, ctype.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultFile {
    /// .csv or .xlsx
    pub file_name: String,
    /// The file, base64.
    pub content_base64: String,
}

/// Imports the bank's result file for the batch (columns 付款参考号, 金额, 结果, 银行流水号,
/// 说明). Any refused line refuses the whole file (422, every line with its reason) and
/// nothing is applied; the same file twice changes nothing the second time.
#[utoipa::path(post, path = "/api/v1/payment-batches/{id}/result", tag = "payments", params(("id" = Uuid, Path)),
    request_body = ResultFile,
    responses((status = 200, body = BankResultReport), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = BankResultReport)))]
pub async fn import_bank_result(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<ResultFile>,
) -> Result<(StatusCode, Json<BankResultReport>), ApiError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b.content_base64.trim())
        .map_err(|_| {
            ApiError::from(ServiceError::invalid(
                "content_base64",
                "base64",
                "文件内容不是有效的base64编码",
            ))
        })?;
    let xlsx = b.file_name.to_ascii_lowercase().ends_with(".xlsx");
    let r = s
        .svc
        .import_bank_result(actor(&ctx)?, id(&i)?, &bytes, xlsx)
        .await?;
    let status = if r.applied {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(r)))
}

/// The batch compared with the bank's answers and the ledger.
#[utoipa::path(get, path = "/api/v1/payment-batches/{id}/reconciliation", tag = "payments", params(("id" = Uuid, Path)),
    responses((status = 200, body = Reconciliation), (status = 404, body = ErrorBody)))]
pub async fn reconcile_batch(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<Reconciliation>, ApiError> {
    Ok(Json(s.svc.reconcile_batch(actor(&ctx)?, id(&i)?).await?))
}

/// The ledger's invariants (debits equal credits, one grant per application, every payment
/// matched). Staff and the audit administrator.
#[utoipa::path(get, path = "/api/v1/ledger/check", tag = "payments",
    responses((status = 200, body = LedgerCheck), (status = 403, body = ErrorBody)))]
pub async fn ledger_check(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<LedgerCheck>, ApiError> {
    actor(&ctx)?.require_role(&[Role::Staff, Role::AuditAdmin])?;
    Ok(Json(s.svc.ledger_check().await?))
}

// ------------------------------------------------------------------------------ training

/// Courses: staff see their region's; workers the open courses of their city.
#[utoipa::path(get, path = "/api/v1/courses", tag = "training",
    responses((status = 200, body = Vec<CourseView>), (status = 403, body = ErrorBody)))]
pub async fn list_courses(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<CourseView>>, ApiError> {
    Ok(Json(s.svc.courses(actor(&ctx)?).await?))
}

/// Staff open a course.
#[utoipa::path(post, path = "/api/v1/courses", tag = "training", request_body = CourseInput,
    responses((status = 201, body = CourseView), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn create_course(
    State(s): State<AppState>,
    ctx: Ctx,
    ApiJson(b): ApiJson<CourseInput>,
) -> Result<(StatusCode, Json<CourseView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.create_course(actor(&ctx)?, b).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/courses/{id}", tag = "training", params(("id" = Uuid, Path)),
    responses((status = 200, body = CourseView), (status = 404, body = ErrorBody)))]
pub async fn get_course(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<CourseView>, ApiError> {
    Ok(Json(s.svc.course(actor(&ctx)?, id(&i)?).await?))
}

/// The trainees of a course (staff).
#[utoipa::path(get, path = "/api/v1/courses/{id}/enrolments", tag = "training", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<EnrolmentView>), (status = 404, body = ErrorBody)))]
pub async fn list_enrolments(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
) -> Result<Json<Vec<EnrolmentView>>, ApiError> {
    Ok(Json(
        s.svc.enrolments_of_course(actor(&ctx)?, id(&i)?).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrolRequest {
    /// The person to enrol (a worker enrols themself).
    pub person_id: Uuid,
}

/// Enrols a person in an open course with a free place.
#[utoipa::path(post, path = "/api/v1/courses/{id}/enrolments", tag = "training", params(("id" = Uuid, Path)),
    request_body = EnrolRequest,
    responses((status = 201, body = EnrolmentView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn enrol(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<EnrolRequest>,
) -> Result<(StatusCode, Json<EnrolmentView>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.svc.enrol(actor(&ctx)?, id(&i)?, b.person_id).await?),
    ))
}

/// The signed-in worker's enrolments.
#[utoipa::path(get, path = "/api/v1/me/enrolments", tag = "training",
    responses((status = 200, body = Vec<EnrolmentView>)))]
pub async fn my_enrolments(
    State(s): State<AppState>,
    ctx: Ctx,
) -> Result<Json<Vec<EnrolmentView>>, ApiError> {
    Ok(Json(s.svc.my_enrolments(actor(&ctx)?).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRequest {
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub day: String,
}

/// Records a day of attendance.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/attendance", tag = "training", params(("id" = Uuid, Path)),
    request_body = AttendanceRequest,
    responses((status = 200, body = EnrolmentView), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn record_attendance(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<AttendanceRequest>,
) -> Result<Json<EnrolmentView>, ApiError> {
    Ok(Json(
        s.svc
            .record_attendance(actor(&ctx)?, id(&i)?, &b.day)
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FinishRequest {
    pub passed: bool,
}

/// Finishes a trainee; passing issues a certificate and files the training subsidy.
#[utoipa::path(post, path = "/api/v1/enrolments/{id}/finish", tag = "training", params(("id" = Uuid, Path)),
    request_body = FinishRequest,
    responses((status = 200, body = CompletionView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn finish_training(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(i): Path<String>,
    ApiJson(b): ApiJson<FinishRequest>,
) -> Result<Json<CompletionView>, ApiError> {
    Ok(Json(
        s.svc
            .finish_training(actor(&ctx)?, id(&i)?, b.passed)
            .await?,
    ))
}
