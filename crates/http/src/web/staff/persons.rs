//! The staff workbench: person search (by POST, so identity numbers never enter a URL),
//! registration, detail with masked data, and audited reveal.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linghuo_service::persons::{
    GROUPS, GroupInput, NewPerson, PersonPage, PersonView, RevealField,
};
use linghuo_service::workbench::Workbench;
use linghuo_service::{Permission, Role};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{Errors, PageCtx, error_page_ctx, render, require};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff", get(staff_home))
        .route("/staff/persons", get(persons_list).post(persons_search))
        .route("/staff/persons/new", get(person_new).post(person_create))
        .route("/staff/persons/{id}", get(person_detail))
        .route("/staff/persons/{id}/reveal", post(person_reveal))
}

#[derive(Template)]
#[template(path = "staff/staff_home.html")]
struct StaffHome {
    ctx: PageCtx,
    region: String,
    work: Workbench,
    overdue_total: i64,
}

/// Today's queue, overdue items and every service of the staff member's region.
async fn staff_home(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let work = match state.svc.workbench(actor).await {
        Ok(w) => w,
        Err(e) => return error_page_ctx(&ctx, e.into()),
    };
    render(
        StatusCode::OK,
        &StaffHome {
            region: actor.scope_label(),
            overdue_total: work.overdue.iter().map(|w| w.count).sum(),
            work,
            ctx: PageCtx::new(&ctx, "经办工作台", "/staff"),
        },
    )
}

#[derive(Template)]
#[template(path = "staff/persons.html")]
struct PersonsPage {
    ctx: PageCtx,
    q: String,
    searched: bool,
    error: Option<String>,
    page: PersonPage,
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

async fn persons_list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(pq): Query<PageQuery>,
) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    match state
        .svc
        .search_persons(actor, "", pq.page.unwrap_or(1))
        .await
    {
        Ok(page) => render(
            StatusCode::OK,
            &PersonsPage {
                ctx: PageCtx::new(&ctx, "人员查询", "/staff/persons"),
                q: String::new(),
                searched: false,
                error: None,
                page,
            },
        ),
        Err(e) => error_page_ctx(&ctx, e.into()),
    }
}

#[derive(Deserialize)]
struct SearchForm {
    #[serde(default)]
    q: String,
}

async fn persons_search(
    State(state): State<AppState>,
    ctx: Ctx,
    axum::extract::Form(f): axum::extract::Form<SearchForm>,
) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let pc = PageCtx::new(&ctx, "人员查询", "/staff/persons");
    // A full ID or phone number is not echoed back into the page; its masked form is.
    let shown = match (
        linghuo_domain::IdNumber::parse(&f.q),
        linghuo_domain::Phone::parse(&f.q),
    ) {
        (Ok(id), _) => id.masked(),
        (_, Ok(p)) => p.masked(),
        _ => f.q.clone(),
    };
    match state.svc.search_persons(actor, &f.q, 1).await {
        Ok(page) => render(
            StatusCode::OK,
            &PersonsPage {
                ctx: pc,
                q: shown,
                searched: true,
                error: None,
                page,
            },
        ),
        Err(e) => {
            let api = ApiError::from(e);
            let empty = PersonPage {
                items: vec![],
                total: 0,
                page: 1,
                per_page: 20,
            };
            render(
                api.status,
                &PersonsPage {
                    ctx: pc,
                    q: f.q,
                    searched: true,
                    error: Some(api.message),
                    page: empty,
                },
            )
        }
    }
}

#[derive(Default)]
struct PersonForm {
    name: String,
    id_number: String,
    phone: String,
    jurisdiction_code: String,
    address: String,
    groups: Vec<String>,
    group_since: String,
    evidence: String,
}

impl PersonForm {
    fn has_group(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }
}

#[derive(Template)]
#[template(path = "staff/person_new.html")]
struct PersonNewPage {
    ctx: PageCtx,
    form: PersonForm,
    errors: Errors,
    error: Option<String>,
    counties: Vec<(String, String)>,
    groups: &'static [(&'static str, &'static str)],
}

fn counties_in_scope(ctx: &Ctx) -> Vec<(String, String)> {
    let Some(scope) = ctx.actor().and_then(|a| a.scope) else {
        return vec![];
    };
    scope
        .counties_within()
        .iter()
        .map(|c| (c.as_str(), c.full_name()))
        .collect()
}

async fn person_new(ctx: Ctx) -> Response {
    if let Err(r) = require(&ctx, &[Role::Staff]) {
        return r;
    }
    let counties = counties_in_scope(&ctx);
    let form = PersonForm {
        jurisdiction_code: counties.first().map(|c| c.0.clone()).unwrap_or_default(),
        ..PersonForm::default()
    };
    render(
        StatusCode::OK,
        &PersonNewPage {
            ctx: PageCtx::new(&ctx, "登记人员", "/staff/persons/new"),
            form,
            errors: Errors::default(),
            error: None,
            counties,
            groups: GROUPS,
        },
    )
}

async fn person_create(State(state): State<AppState>, ctx: Ctx, body: Bytes) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let mut form = PersonForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "name" => form.name = v,
            "id_number" => form.id_number = v,
            "phone" => form.phone = v,
            "jurisdiction_code" => form.jurisdiction_code = v,
            "address" => form.address = v,
            "group" => form.groups.push(v),
            "group_since" => form.group_since = v,
            "evidence" => form.evidence = v,
            _ => {}
        }
    }
    let input = NewPerson {
        name: form.name.clone(),
        id_number: form.id_number.clone(),
        phone: Some(form.phone.clone()),
        jurisdiction_code: form.jurisdiction_code.clone(),
        address: Some(form.address.clone()),
        groups: form
            .groups
            .iter()
            .map(|g| GroupInput {
                group: g.clone(),
                since: Some(form.group_since.clone()),
                evidence: Some(form.evidence.clone()),
                source: Some("staff_checked".into()),
            })
            .collect(),
    };
    match state.svc.create_person(actor, input).await {
        Ok(p) => Redirect::to(&format!("/staff/persons/{}", p.id)).into_response(),
        Err(e) => {
            let api = ApiError::from(e);
            let (errors, error) = match &api.field {
                Some(f) if f.starts_with("groups[") => (
                    Errors(vec![("group_since".into(), api.message.clone())]),
                    None,
                ),
                Some(f) => (Errors(vec![(f.clone(), api.message.clone())]), None),
                None => (Errors::default(), Some(api.message.clone())),
            };
            // A valid ID or phone number is not sent back: the page would carry it in clear.
            // An invalid one is shown again so it can be corrected.
            let mut form = form;
            let mut errors = errors;
            for (f, v) in [
                ("id_number", &mut form.id_number),
                ("phone", &mut form.phone),
            ] {
                if api.field.as_deref() != Some(f) && !v.is_empty() {
                    v.clear();
                    errors
                        .0
                        .push((f.to_owned(), "为保护个人信息，请重新输入".to_owned()));
                }
            }
            let counties = counties_in_scope(&ctx);
            render(
                api.status,
                &PersonNewPage {
                    ctx: PageCtx::new(&ctx, "登记人员", "/staff/persons/new"),
                    form,
                    errors,
                    error,
                    counties,
                    groups: GROUPS,
                },
            )
        }
    }
}

#[derive(Template)]
#[template(path = "staff/person.html")]
struct PersonPageT {
    ctx: PageCtx,
    person: PersonView,
    can_reveal: bool,
    revealed: Option<(&'static str, String)>,
    error: Option<String>,
}

async fn person_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return error_page_ctx(&ctx, ApiError::not_found());
    };
    match state.svc.get_person(actor, id).await {
        Ok(person) => render(
            StatusCode::OK,
            &PersonPageT {
                ctx: PageCtx::new(&ctx, "人员信息", "/staff/persons"),
                can_reveal: actor.has(Permission::PiiReveal),
                person,
                revealed: None,
                error: None,
            },
        ),
        Err(e) => error_page_ctx(&ctx, e.into()),
    }
}

#[derive(Deserialize)]
struct RevealForm {
    #[serde(default)]
    field: String,
    #[serde(default)]
    reason: String,
}

async fn person_reveal(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    axum::extract::Form(f): axum::extract::Form<RevealForm>,
) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Ok(id) = Uuid::parse_str(&id) else {
        return error_page_ctx(&ctx, ApiError::not_found());
    };
    let (field, label) = match f.field.as_str() {
        "id_number" => (RevealField::IdNumber, "身份证号码"),
        "phone" => (RevealField::Phone, "手机号码"),
        "name" => (RevealField::Name, "姓名"),
        _ => {
            return error_page_ctx(
                &ctx,
                ApiError::invalid("field", "field_unknown", "请选择要查看的信息"),
            );
        }
    };
    let result = state
        .svc
        .reveal_person_field(actor, id, field, &f.reason)
        .await;
    let person = match state.svc.get_person(actor, id).await {
        Ok(p) => p,
        Err(e) => return error_page_ctx(&ctx, e.into()),
    };
    let pc = PageCtx::new(&ctx, "人员信息", "/staff/persons");
    let can_reveal = actor.has(Permission::PiiReveal);
    match result {
        Ok(value) => render(
            StatusCode::OK,
            &PersonPageT {
                ctx: pc,
                person,
                can_reveal,
                revealed: Some((label, value)),
                error: None,
            },
        ),
        Err(e) => {
            let api = ApiError::from(e);
            render(
                api.status,
                &PersonPageT {
                    ctx: pc,
                    person,
                    can_reveal,
                    revealed: None,
                    error: Some(api.message),
                },
            )
        }
    }
}
