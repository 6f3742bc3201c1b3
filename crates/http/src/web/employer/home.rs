//! 用人单位首页: the employer's overview, and registering the employer (the unit or household
//! the account hires for) when it has not been registered yet.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use linghuo_service::Actor;
use linghuo_service::market::{EMPLOYER_KINDS, EmployerInput, EmployerView};
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::worker::work::given;
use crate::web::{
    Employer, Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult,
    region_options, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/employer", get(home).post(register))
        .route("/employer/phone", axum::routing::post(change_phone))
}

/// The caller's employer, or None when the account has not registered one yet.
pub(super) async fn my_employer(
    state: &AppState,
    actor: &Actor,
) -> Result<Option<EmployerView>, ApiError> {
    match state.svc.my_employer(actor).await {
        Ok(e) => Ok(Some(e)),
        Err(e) => {
            let api = ApiError::from(e);
            if api.code == "employer_missing" {
                Ok(None)
            } else {
                Err(api)
            }
        }
    }
}

#[derive(Template)]
#[template(path = "employer/employer_home.html")]
struct HomePage {
    ctx: PageCtx,
    employer: Option<EmployerView>,
    live_posts: usize,
    held_posts: usize,
    active_hires: usize,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
    kinds: &'static [(&'static str, &'static str)],
    counties: Vec<(String, String)>,
}

const EMPLOYER_FIELDS: &[&str] = &[
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

async fn home_render(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    form: Option<FormData>,
    failure: Option<FormFailure>,
    ok: Option<&'static str>,
) -> PageResult {
    let employer = my_employer(state, actor).await?;
    let (mut live_posts, mut held_posts, mut active_hires) = (0, 0, 0);
    if employer.is_some() {
        let posts = state.svc.my_posts(actor).await?;
        live_posts = posts.iter().filter(|p| p.status == "live").count();
        held_posts = posts.iter().filter(|p| p.status == "held").count();
        let hires = state.svc.my_hires(actor).await?;
        active_hires = hires.iter().filter(|h| h.status == "active").count();
    }
    let form = form.unwrap_or_else(|| {
        let mut f = FormData::default();
        f.set("kind", "enterprise");
        f
    });
    let (status, errors, error) = failure.unwrap_or((StatusCode::OK, Errors::default(), None));
    Ok(render(
        status,
        &HomePage {
            ctx: PageCtx::new(ctx, "用人单位", "/employer"),
            employer,
            live_posts,
            held_posts,
            active_hires,
            form,
            errors,
            error,
            ok,
            kinds: EMPLOYER_KINDS,
            counties: region_options(true),
        },
    ))
}

async fn home(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    flash: Flash,
) -> PageResult {
    home_render(&state, &ctx, &employer, None, None, flash.text()).await
}

/// The employer as typed on the home page's registration form.
#[derive(Deserialize)]
struct EmployerForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    uscc: String,
    #[serde(default)]
    holder_id_number: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_phone: String,
    #[serde(default)]
    county_code: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    licence_no: String,
}

async fn register(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Form { value: f, mut data }: Form<EmployerForm>,
) -> PageResult {
    let input = EmployerInput {
        kind: f.kind,
        name: f.name,
        uscc: given(f.uscc),
        holder_id_number: given(f.holder_id_number),
        contact_name: f.contact_name,
        contact_phone: given(f.contact_phone),
        county_code: f.county_code,
        address: given(f.address),
        licence_no: given(f.licence_no),
    };
    match state.svc.register_employer(&employer, input).await {
        Ok(_) => Ok(to("/employer?ok=registered")),
        Err(e) => {
            let (status, mut errors, error) = Failure::of(e, EMPLOYER_FIELDS).parts()?;
            // A valid ID or phone number is not sent back into the page; one with a mistake
            // is, so it can be corrected.
            for field in ["holder_id_number", "contact_phone"] {
                if errors.get(field).is_none() && !data.get(field).is_empty() {
                    data.set(field, "");
                    errors
                        .0
                        .push((field.to_owned(), "为保护个人信息，请重新输入".to_owned()));
                }
            }
            home_render(
                &state,
                &ctx,
                &employer,
                Some(data),
                Some((status, errors, error)),
                None,
            )
            .await
        }
    }
}

#[derive(Deserialize)]
struct PhoneForm {
    #[serde(default)]
    contact_phone: String,
}

/// Changes the contact phone: the number the employer's accounts sign in with and receive
/// password-reset codes at.
async fn change_phone(
    State(state): State<AppState>,
    ctx: Ctx,
    employer: Employer,
    Form { value, .. }: Form<PhoneForm>,
) -> PageResult {
    match state
        .svc
        .set_employer_phone(&employer, &value.contact_phone)
        .await
    {
        Ok(_) => Ok(to("/employer?ok=phone")),
        Err(e) => {
            let (status, errors, error) = Failure::of(e, &["contact_phone"]).parts()?;
            let error = error.or_else(|| errors.get("contact_phone").cloned());
            home_render(
                &state,
                &ctx,
                &employer,
                None,
                Some((status, Errors::default(), error)),
                None,
            )
            .await
        }
    }
}
