//! Public sign-up: 注册 as a worker (person record and account) or as an employer (employer
//! record and account), then log in. Every field is checked at once on the page (the service
//! checks everything again); errors are said beside the field and what was typed stays —
//! except ID numbers and passwords, which are never sent back into a page.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use linghuo_domain::{IdNumber, Phone, RegionCode, RegionLevel, Uscc};
use linghuo_service::market::{EMPLOYER_KINDS, EmployerInput, EmployerSignUp, WorkerSignUp};
use linghuo_service::{ServiceError, accounts, password};

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{
    Errors, Failure, FormData, PageCtx, PageResult, next_query, region_options, render, safe_next,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/signup", get(choose))
        .route("/signup/worker", get(worker_page).post(worker_submit))
        .route("/signup/employer", get(employer_page).post(employer_submit))
}

/// `next` of a page's query string (where the visitor came from), if it is a path here.
fn query_next(q: &Option<String>) -> Option<String> {
    let form = FormData::parse(q.as_deref().unwrap_or("").as_bytes());
    safe_next(form.get("next")).map(str::to_owned)
}

/// After signing up: the login page, with the message (`?ok=worker` or `?ok=employer`, see
/// `flash.rs`) and where to go after logging in.
fn signed_up(kind: &str, form: &FormData) -> Response {
    let mut pairs = vec![("ok", kind)];
    if let Some(n) = safe_next(form.get("next")) {
        pairs.push(("next", n));
    }
    Redirect::to(&format!(
        "/login?{}",
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    ))
    .into_response()
}

/// Someone already logged in has nothing to sign up for.
fn logged_in(ctx: &Ctx) -> Option<Response> {
    ctx.actor()
        .map(|_| Redirect::to("/account").into_response())
}

const ID_FIELDS: &[&str] = &["id_number", "holder_id_number"];
const PASSWORD_FIELDS: &[&str] = &["password", "password2"];
const RETYPE: &str = "为保护个人信息，请重新输入";

/// The form as it goes back into the page: no ID number and no password, ever. A field
/// that was filled in but had no error of its own is asked for again, beside the field.
fn scrub(form: &mut FormData, errors: &mut Errors) {
    if safe_next(form.get("next")).is_none() {
        form.set("next", "");
    }
    for f in ID_FIELDS {
        if !form.get(f).is_empty() && errors.get(f).is_none() {
            errors.0.push(((*f).to_owned(), RETYPE.to_owned()));
        }
        form.set(f, "");
    }
    if !form.get("password").is_empty() && errors.get("password").is_none() {
        errors
            .0
            .push(("password".to_owned(), "请重新输入密码".to_owned()));
    }
    for f in PASSWORD_FIELDS {
        form.set(f, "");
    }
    // A valid phone number is not sent back either; one with a mistake is, to correct it.
    for f in ["phone", "contact_phone"] {
        if !form.get(f).is_empty() && errors.get(f).is_none() {
            form.set(f, "");
            errors.0.push((f.to_owned(), RETYPE.to_owned()));
        }
    }
}

/// The message of a service validation error.
fn message(e: ServiceError) -> String {
    ApiError::from(e).message
}

/// A submitted form with its passwords exactly as typed: `FormData` trims values, and
/// spaces may be part of a password (the login form takes it untrimmed too).
struct Submitted {
    form: FormData,
    password: String,
    password2: String,
}

impl Submitted {
    fn parse(body: &[u8]) -> Submitted {
        let pairs = serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default();
        let raw = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        Submitted {
            password: raw("password"),
            password2: raw("password2"),
            form: FormData::parse(body),
        }
    }
}

/// Checks on the page, all at once, of what the service checks one after another.
fn check_account(state: &AppState, s: &Submitted, errors: &mut Errors) {
    let form = &s.form;
    if form.get("username").is_empty() {
        errors.0.push(("username".into(), "请填写用户名".into()));
    } else if let Err(e) = accounts::validate_username(form.get("username")) {
        errors.0.push(("username".into(), message(e)));
    }
    if let Err(e) = password::check_policy(
        &s.password,
        form.get("username").trim(),
        state.svc.config.security.password_min_length,
        "password",
    ) {
        errors.0.push(("password".into(), message(e)));
    } else if s.password != s.password2 {
        errors
            .0
            .push(("password2".into(), "两次输入的密码不一致".into()));
    }
}

fn check_required(form: &FormData, errors: &mut Errors, field: &str, message: &str) {
    if form.get(field).is_empty() {
        errors.0.push((field.into(), message.into()));
    }
}

fn check_id_number(form: &FormData, errors: &mut Errors, field: &str) {
    if form.get(field).is_empty() {
        errors.0.push((field.into(), "请填写身份证号码".into()));
    } else if let Err(e) = IdNumber::parse(form.get(field)) {
        errors.0.push((field.into(), e.message));
    }
}

fn check_phone(form: &FormData, errors: &mut Errors, field: &str) {
    if !form.get(field).is_empty()
        && let Err(e) = Phone::parse(form.get(field))
    {
        errors.0.push((field.into(), e.message));
    }
}

fn check_county(form: &FormData, errors: &mut Errors) {
    let ok =
        RegionCode::parse(form.get("county_code")).is_ok_and(|r| r.level() == RegionLevel::County);
    if !ok {
        errors
            .0
            .push(("county_code".into(), "请选择县（市、区）".into()));
    }
}

// ---------------------------------------------------------------------------------------
// 注册: choose

#[derive(Template)]
#[template(path = "account/signup.html")]
struct ChoosePage {
    ctx: PageCtx,
    /// `?next=…` for the links on, so signing up comes back to where the visitor was.
    next_query: String,
}

async fn choose(ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    if let Some(r) = logged_in(&ctx) {
        return r;
    }
    render(
        StatusCode::OK,
        &ChoosePage {
            ctx: PageCtx::new(&ctx, "注册", "/signup"),
            next_query: next_query(query_next(&q).as_deref()),
        },
    )
}

// ---------------------------------------------------------------------------------------
// 劳动者注册

#[derive(Template)]
#[template(path = "account/signup_worker.html")]
struct WorkerPage {
    ctx: PageCtx,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    counties: Vec<(String, String)>,
    min_password: usize,
}

const WORKER_FIELDS: &[&str] = &[
    "username",
    "password",
    "password2",
    "name",
    "id_number",
    "phone",
    "county_code",
];

fn worker_render(
    state: &AppState,
    ctx: &Ctx,
    mut form: FormData,
    status: StatusCode,
    mut errors: Errors,
    error: Option<String>,
) -> Response {
    scrub(&mut form, &mut errors);
    render(
        status,
        &WorkerPage {
            ctx: PageCtx::new(ctx, "劳动者注册", "/signup/worker"),
            form,
            errors,
            error,
            counties: region_options(true),
            min_password: state.svc.config.security.password_min_length,
        },
    )
}

async fn worker_page(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    if let Some(r) = logged_in(&ctx) {
        return r;
    }
    let mut form = FormData::default();
    if let Some(n) = query_next(&q) {
        form.set("next", &n);
    }
    worker_render(&state, &ctx, form, StatusCode::OK, Errors::default(), None)
}

async fn worker_submit(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> PageResult {
    if let Some(r) = logged_in(&ctx) {
        return Ok(r);
    }
    let submitted = Submitted::parse(&body);
    let form = &submitted.form;
    let mut errors = Errors::default();
    check_account(&state, &submitted, &mut errors);
    check_required(form, &mut errors, "name", "请填写姓名");
    check_id_number(form, &mut errors, "id_number");
    check_phone(form, &mut errors, "phone");
    check_county(form, &mut errors);
    if !errors.0.is_empty() {
        return Ok(worker_render(
            &state,
            &ctx,
            submitted.form,
            StatusCode::BAD_REQUEST,
            errors,
            None,
        ));
    }
    let input = WorkerSignUp {
        username: form.get("username").to_owned(),
        password: submitted.password.clone(),
        name: form.get("name").to_owned(),
        id_number: form.get("id_number").to_owned(),
        phone: form.opt("phone"),
        county_code: form.get("county_code").to_owned(),
    };
    match state.svc.sign_up_worker(input, &ctx.meta).await {
        Ok(_) => Ok(signed_up("worker", form)),
        Err(e) => {
            let (status, errors, error) = Failure::of(e, WORKER_FIELDS).parts()?;
            Ok(worker_render(
                &state,
                &ctx,
                submitted.form,
                status,
                errors,
                error,
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------
// 用人单位注册

#[derive(Template)]
#[template(path = "account/signup_employer.html")]
struct EmployerPage {
    ctx: PageCtx,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    kinds: &'static [(&'static str, &'static str)],
    counties: Vec<(String, String)>,
    min_password: usize,
}

const EMPLOYER_FIELDS: &[&str] = &[
    "username",
    "password",
    "password2",
    "kind",
    "name",
    "uscc",
    "holder_id_number",
    "contact_name",
    "contact_phone",
    "county_code",
    "address",
    "licence_no",
];

fn employer_render(
    state: &AppState,
    ctx: &Ctx,
    mut form: FormData,
    status: StatusCode,
    mut errors: Errors,
    error: Option<String>,
) -> Response {
    scrub(&mut form, &mut errors);
    if form.get("kind").is_empty() {
        form.set("kind", "enterprise");
    }
    render(
        status,
        &EmployerPage {
            ctx: PageCtx::new(ctx, "用人单位注册", "/signup/employer"),
            form,
            errors,
            error,
            kinds: EMPLOYER_KINDS,
            counties: region_options(true),
            min_password: state.svc.config.security.password_min_length,
        },
    )
}

async fn employer_page(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    if let Some(r) = logged_in(&ctx) {
        return r;
    }
    let mut form = FormData::default();
    if let Some(n) = query_next(&q) {
        form.set("next", &n);
    }
    employer_render(&state, &ctx, form, StatusCode::OK, Errors::default(), None)
}

async fn employer_submit(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> PageResult {
    if let Some(r) = logged_in(&ctx) {
        return Ok(r);
    }
    let mut submitted = Submitted::parse(&body);
    let kind = submitted.form.get("kind").to_owned();
    let household = kind == "household";
    // Only the field of the chosen kind is sent: a household gives the holder's ID number,
    // every other kind its 统一社会信用代码.
    if household {
        submitted.form.set("uscc", "");
    } else {
        submitted.form.set("holder_id_number", "");
    }
    let form = &submitted.form;
    let mut errors = Errors::default();
    check_account(&state, &submitted, &mut errors);
    if !EMPLOYER_KINDS.iter().any(|(k, _)| *k == kind) {
        errors.0.push(("kind".into(), "请选择单位类型".into()));
    }
    check_required(
        form,
        &mut errors,
        "name",
        if household {
            "请填写户主姓名"
        } else {
            "请填写单位名称"
        },
    );
    if household {
        check_id_number(form, &mut errors, "holder_id_number");
    } else if form.get("uscc").is_empty() {
        errors
            .0
            .push(("uscc".into(), "请填写统一社会信用代码".into()));
    } else if let Err(e) = Uscc::parse(form.get("uscc")) {
        errors.0.push(("uscc".into(), e.message));
    }
    check_required(form, &mut errors, "contact_name", "请填写联系人姓名");
    check_phone(form, &mut errors, "contact_phone");
    check_county(form, &mut errors);
    if !errors.0.is_empty() {
        return Ok(employer_render(
            &state,
            &ctx,
            submitted.form,
            StatusCode::BAD_REQUEST,
            errors,
            None,
        ));
    }
    let input = EmployerSignUp {
        username: form.get("username").to_owned(),
        password: submitted.password.clone(),
        employer: EmployerInput {
            kind,
            name: form.get("name").to_owned(),
            uscc: form.opt("uscc"),
            holder_id_number: form.opt("holder_id_number"),
            contact_name: form.get("contact_name").to_owned(),
            contact_phone: form.opt("contact_phone"),
            county_code: form.get("county_code").to_owned(),
            address: form.opt("address"),
            licence_no: form.opt("licence_no"),
        },
    };
    match state.svc.sign_up_employer(input, &ctx.meta).await {
        Ok(_) => Ok(signed_up("employer", form)),
        Err(e) => {
            let (status, errors, error) = Failure::of(e, EMPLOYER_FIELDS).parts()?;
            Ok(employer_render(
                &state,
                &ctx,
                submitted.form,
                status,
                errors,
                error,
            ))
        }
    }
}
