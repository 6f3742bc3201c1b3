//! The staff workbench: person search (by POST, so identity numbers never enter a URL),
//! registration, detail with masked data, and audited reveal.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::market::platform_workers::PlatformWorkerView;
use linghuo_service::persons::{
    GROUPS, GroupInput, NewPerson, PersonPage, PersonView, RevealField,
};
use linghuo_service::workbench::Workbench;
use linghuo_service::{Actor, Permission};
use serde::Deserialize;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::staff::pager::Pager;
use crate::web::{Errors, Failure, Form, PageCtx, PageResult, Staff, path_uuid, render, to};

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
async fn staff_home(State(state): State<AppState>, ctx: Ctx, staff: Staff) -> PageResult {
    let work = state.svc.workbench(&staff).await?;
    Ok(render(
        StatusCode::OK,
        &StaffHome {
            region: staff.scope_label(),
            overdue_total: work.overdue.iter().map(|w| w.count).sum(),
            work,
            ctx: PageCtx::new(&ctx, "经办工作台", "/staff"),
        },
    ))
}

#[derive(Template)]
#[template(path = "staff/persons.html")]
struct PersonsPage {
    ctx: PageCtx,
    q: String,
    searched: bool,
    error: Option<String>,
    page: PersonPage,
    pages: i64,
    /// The list's pager (the region's persons, by `?page=`).
    pager: Pager,
    /// A name search's words, carried by the 上一页/下一页 buttons (a POST, as the search
    /// itself); none for an identity or phone number, which find one person or a few.
    carry: Option<String>,
}

fn pages_of(p: &PersonPage) -> i64 {
    ((p.total + p.per_page - 1) / p.per_page.max(1)).max(1)
}

#[derive(Deserialize)]
struct PageQuery {
    page: Option<i64>,
}

async fn persons_list(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Query(pq): Query<PageQuery>,
) -> PageResult {
    let page = state
        .svc
        .search_persons_page(&staff, "", pq.page.unwrap_or(1).clamp(1, 1_000_000))
        .await?;
    let pages = pages_of(&page);
    let raw = Some(format!("page={}", page.page));
    Ok(render(
        StatusCode::OK,
        &PersonsPage {
            ctx: PageCtx::new(&ctx, "人员查询", "/staff/persons"),
            q: String::new(),
            searched: false,
            error: None,
            pager: Pager::of("/staff/persons", &raw, page.page, pages, page.total),
            pages,
            page,
            carry: None,
        },
    ))
}

#[derive(Deserialize)]
struct SearchForm {
    #[serde(default)]
    q: String,
    /// The page asked for by 上一页/下一页 ("" for the first).
    #[serde(default)]
    page: String,
}

async fn persons_search(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form { value: f, .. }: Form<SearchForm>,
) -> PageResult {
    let pc = PageCtx::new(&ctx, "人员查询", "/staff/persons");
    // A full ID or phone number is not echoed back into the page; its masked form is.
    let (shown, carry) = match (
        linghuo_domain::IdNumber::parse(&f.q),
        linghuo_domain::Phone::parse(&f.q),
    ) {
        (Ok(id), _) => (id.masked(), None),
        (_, Ok(p)) => (p.masked(), None),
        _ => (f.q.clone(), Some(f.q.trim().to_owned())),
    };
    let n = f
        .page
        .trim()
        .parse::<i64>()
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    Ok(match state.svc.search_persons_page(&staff, &f.q, n).await {
        Ok(page) => {
            let pages = pages_of(&page);
            render(
                StatusCode::OK,
                &PersonsPage {
                    ctx: pc,
                    q: shown,
                    searched: true,
                    error: None,
                    pager: Pager::of("/staff/persons", &None, page.page, pages, page.total),
                    pages,
                    page,
                    carry,
                },
            )
        }
        Err(e) => {
            let (status, message) = Failure::of_action(e)?;
            let empty = PersonPage {
                items: vec![],
                total: 0,
                page: 1,
                per_page: linghuo_service::paging::PAGE_SIZE,
            };
            render(
                status,
                &PersonsPage {
                    ctx: pc,
                    q: f.q,
                    searched: true,
                    error: Some(message),
                    pager: Pager::of("/staff/persons", &None, 1, 1, 0),
                    pages: 1,
                    page: empty,
                    carry: None,
                },
            )
        }
    })
}

/// The new person form, also kept to refill the page after an error.
#[derive(Default, Deserialize)]
struct PersonForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    jurisdiction_code: String,
    #[serde(default)]
    address: String,
    #[serde(rename = "group", default, deserialize_with = "crate::web::list")]
    groups: Vec<String>,
    #[serde(default)]
    group_since: String,
    #[serde(default)]
    evidence: String,
}

impl PersonForm {
    fn has_group(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }
}

/// The fields of the new person form an error can be shown beside.
const PERSON_FIELDS: &[&str] = &[
    "name",
    "id_number",
    "phone",
    "jurisdiction_code",
    "address",
    "group_since",
];

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

fn counties_in_scope(actor: &Actor) -> Vec<(String, String)> {
    let Some(scope) = actor.scope else {
        return vec![];
    };
    scope
        .counties_within()
        .iter()
        .map(|c| (c.as_str(), c.full_name()))
        .collect()
}

async fn person_new(ctx: Ctx, staff: Staff) -> PageResult {
    let counties = counties_in_scope(&staff);
    let form = PersonForm {
        jurisdiction_code: counties.first().map(|c| c.0.clone()).unwrap_or_default(),
        ..PersonForm::default()
    };
    Ok(render(
        StatusCode::OK,
        &PersonNewPage {
            ctx: PageCtx::new(&ctx, "登记人员", "/staff/persons/new"),
            form,
            errors: Errors::default(),
            error: None,
            counties,
            groups: GROUPS,
        },
    ))
}

async fn person_create(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form {
        value: mut form, ..
    }: Form<PersonForm>,
) -> PageResult {
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
    let e = match state.svc.create_person(&staff, input).await {
        Ok(p) => return Ok(to(&format!("/staff/persons/{}", p.id))),
        Err(e) => e,
    };
    // A problem with a group (`groups[0].since`) is shown beside the groups' date.
    let mut api = ApiError::from(e);
    if api
        .field
        .as_deref()
        .is_some_and(|f| f.starts_with("groups["))
    {
        api.field = Some("group_since".into());
    }
    let (status, mut errors, error) = Failure::of(api, PERSON_FIELDS).parts()?;
    // A valid ID or phone number is not sent back: the page would carry it in clear.
    // An invalid one is shown again so it can be corrected.
    for (f, v) in [
        ("id_number", &mut form.id_number),
        ("phone", &mut form.phone),
    ] {
        if errors.get(f).is_none() && !v.is_empty() {
            v.clear();
            errors
                .0
                .push((f.to_owned(), "为保护个人信息，请重新输入".to_owned()));
        }
    }
    Ok(render(
        status,
        &PersonNewPage {
            ctx: PageCtx::new(&ctx, "登记人员", "/staff/persons/new"),
            counties: counties_in_scope(&staff),
            form,
            errors,
            error,
            groups: GROUPS,
        },
    ))
}

#[derive(Template)]
#[template(path = "staff/person.html")]
struct PersonPageT {
    ctx: PageCtx,
    person: PersonView,
    /// What platforms reported of the person's work (五(十二)).
    platform_work: Vec<PlatformWorkerView>,
    can_reveal: bool,
    revealed: Option<(&'static str, String)>,
    error: Option<String>,
}

async fn person_detail(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let person = state.svc.get_person(&staff, id).await?;
    let platform_work = state.svc.platform_work_of_person(&staff, id).await?;
    Ok(render(
        StatusCode::OK,
        &PersonPageT {
            ctx: PageCtx::new(&ctx, "人员信息", "/staff/persons"),
            can_reveal: staff.has(Permission::PiiReveal),
            person,
            platform_work,
            revealed: None,
            error: None,
        },
    ))
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
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<RevealForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let (field, label) = match f.field.as_str() {
        "id_number" => (RevealField::IdNumber, "身份证号码"),
        "phone" => (RevealField::Phone, "手机号码"),
        "name" => (RevealField::Name, "姓名"),
        _ => {
            return Err(ApiError::invalid("field", "field_unknown", "请选择要查看的信息").into());
        }
    };
    let result = state
        .svc
        .reveal_person_field(&staff, id, field, &f.reason)
        .await;
    let person = state.svc.get_person(&staff, id).await?;
    let platform_work = state.svc.platform_work_of_person(&staff, id).await?;
    let (status, revealed, error) = match result {
        Ok(value) => (StatusCode::OK, Some((label, value)), None),
        Err(e) => {
            let (status, message) = Failure::of_action(e)?;
            (status, None, Some(message))
        }
    };
    Ok(render(
        status,
        &PersonPageT {
            ctx: PageCtx::new(&ctx, "人员信息", "/staff/persons"),
            person,
            platform_work,
            can_reveal: staff.has(Permission::PiiReveal),
            revealed,
            error,
        },
    ))
}
