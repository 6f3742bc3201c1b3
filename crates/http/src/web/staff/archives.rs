//! Personnel archives at the service window (四(九)): searching the region's archives by number,
//! receiving a person's archive, each archive's movements (store, lend, return, transfer out)
//! and the overdue loans. The person to receive an archive for is found by a POSTed search
//! (name, identity or phone number), never through the page's address (C8).

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::Actor;
use linghuo_service::archives::{ArchiveAction, ArchiveView, ReceiveInput};
use linghuo_service::persons::PersonView;
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::staff::pager::{Pager, page_query};
use crate::web::{
    Errors, Failure, Flash, Form, FormFailure, PageCtx, PageResult, Staff, cst, date_cn, path_uuid,
    query_field, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/staff/archives",
            get(staff_archives).post(staff_archives_find),
        )
        .route("/staff/archives/receive", post(staff_receive_archive))
        .route("/staff/archives/{id}", get(staff_archive))
        .route("/staff/archives/{id}/move", post(staff_move_archive))
}

/// An archive as a page shows it, with its movements (the staff's pages, the worker's own).
pub struct ArchiveLine {
    pub a: ArchiveView,
    pub received: String,
    pub due: String,
    pub log: Vec<(String, &'static str, String, String)>,
}

pub(crate) fn archive_line(a: ArchiveView) -> ArchiveLine {
    ArchiveLine {
        received: date_cn(a.received_on),
        due: a.due_on.map(date_cn).unwrap_or_default(),
        log: a
            .movements
            .iter()
            .map(|m| {
                (
                    cst(&m.at),
                    m.kind_label,
                    m.detail.clone(),
                    m.by.clone().unwrap_or_default(),
                )
            })
            .collect(),
        a,
    }
}

#[derive(Template)]
#[template(path = "staff/staff_archives.html")]
struct StaffArchivesPage {
    ctx: PageCtx,
    no: String,
    /// The person search as shown again: a name as typed, an identity or phone number masked.
    q: String,
    /// Whether a person search was made (by POST).
    searched: bool,
    items: Vec<ArchiveLine>,
    pager: Pager,
    overdue: Vec<ArchiveLine>,
    persons: Vec<PersonView>,
    today: String,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

/// The person search of the page: what was typed and whom it found.
#[derive(Default)]
struct Found {
    shown: String,
    searched: bool,
    persons: Vec<PersonView>,
}

/// Whether an archive number typed into the (GET) number box is in fact an identity number or
/// a mobile number. Archive numbers are the county code (14…), the year and five digits, so
/// eleven digits starting with 14 are the beginning of an archive number, not a phone.
fn personal_number(no: &str) -> bool {
    let t = no.trim();
    linghuo_domain::IdNumber::parse(t).is_ok()
        || (linghuo_domain::Phone::parse(t).is_ok() && !t.starts_with("14"))
}

/// The archives page: the archives found by number (`no`), the overdue loans, and the
/// persons found (by POST, never by address) to receive an archive for.
#[allow(clippy::too_many_arguments)]
async fn staff_archives_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    no: String,
    found: Found,
    (status, mut errors, error): FormFailure,
    ok: Option<&'static str>,
    page: i64,
) -> PageResult {
    // Only the number and the page go into the page's own links (pager, download).
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if !no.is_empty() {
        pairs.push(("no", no.clone()));
    }
    if page > 1 {
        pairs.push(("page", page.to_string()));
    }
    let query =
        (!pairs.is_empty()).then(|| serde_urlencoded::to_string(&pairs).unwrap_or_default());
    let pq = page_query(&query);
    let (items, pager) = match state.svc.archives_page(staff, &no, &pq).await {
        Ok(v) => {
            let pager = Pager::new("/staff/archives", &query, &v);
            (v.items, pager)
        }
        Err(e) => {
            let (_, mut es, _) = Failure::of(e, &["no"]).parts()?;
            errors.0.append(&mut es.0);
            (vec![], Pager::of("/staff/archives", &None, 1, 1, 0))
        }
    };
    let overdue = state.svc.overdue_archive_loans(staff).await?;
    Ok(render(
        status,
        &StaffArchivesPage {
            ctx: PageCtx::new(ctx, "档案管理", "/staff/archives"),
            no,
            q: found.shown,
            searched: found.searched,
            items: items.into_iter().map(archive_line).collect(),
            pager,
            overdue: overdue.into_iter().map(archive_line).collect(),
            persons: found.persons,
            today: state.svc.clock.today_cst().format("%Y-%m-%d").to_string(),
            errors,
            error,
            ok,
        },
    ))
}

/// The page by address: `?no=` (an archive number) and `?page=`. A person is never looked
/// up from the address: `?q=` is ignored (the page says where to search instead), and an
/// identity or phone number typed as an archive number is refused and not shown again.
async fn staff_archives(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(query): RawQuery,
) -> PageResult {
    let mut no = query_field(&query, "no");
    let mut errors = Errors::default();
    let mut status = StatusCode::OK;
    if personal_number(&no) {
        no.clear();
        status = StatusCode::BAD_REQUEST;
        errors.0.push((
            "no".into(),
            "这是身份证号码或手机号码，不是档案编号。按证件号码或手机号码查找人员请用下方“接收档案”的查找（不经网址）".into(),
        ));
    }
    let error = (!query_field(&query, "q").is_empty()).then(|| {
        status = StatusCode::BAD_REQUEST;
        "为保护个人信息，查找人员不能通过网址进行，请在下方“接收档案”中输入姓名、身份证号码或手机号码后点“查找”".to_owned()
    });
    let page = query_field(&query, "page")
        .trim()
        .parse::<i64>()
        .unwrap_or(1)
        .clamp(1, 1_000_000);
    staff_archives_render(
        &state,
        &ctx,
        &staff,
        no,
        Found::default(),
        (status, errors, error),
        flash.text(),
        page,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FindForm {
    q: String,
}

/// 接收档案 · 查找人员: by name, identity number or phone number, posted (as on 人员查询),
/// so the number stays out of addresses, history and logs; the results are shown at once.
async fn staff_archives_find(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form { value: f, .. }: Form<FindForm>,
) -> PageResult {
    let q = f.q.trim().to_owned();
    // A full ID or phone number is not echoed back into the page; its masked form is.
    let shown = match (
        linghuo_domain::IdNumber::parse(&q),
        linghuo_domain::Phone::parse(&q),
    ) {
        (Ok(id), _) => id.masked(),
        (_, Ok(p)) => p.masked(),
        _ => q.clone(),
    };
    let mut errors = Errors::default();
    let mut status = StatusCode::OK;
    let persons = if q.is_empty() {
        status = StatusCode::BAD_REQUEST;
        errors
            .0
            .push(("q".into(), "请输入姓名、身份证号码或手机号码".into()));
        vec![]
    } else {
        match state.svc.search_persons(&staff, &q, 1).await {
            Ok(p) => p.items,
            Err(e) => {
                let (s, mut es, _) = Failure::of(e, &["q"]).parts()?;
                status = s;
                errors.0.append(&mut es.0);
                vec![]
            }
        }
    };
    staff_archives_render(
        &state,
        &ctx,
        &staff,
        String::new(),
        Found {
            shown,
            searched: !q.is_empty(),
            persons,
        },
        (status, errors, None),
        None,
        1,
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReceiveForm {
    person_id: String,
    received_on: String,
    received_from: Option<String>,
    location: Option<String>,
}

async fn staff_receive_archive(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form { value: f, .. }: Form<ReceiveForm>,
) -> PageResult {
    let Ok(person_id) = Uuid::parse_str(&f.person_id) else {
        return staff_archives_render(
            &state,
            &ctx,
            &staff,
            String::new(),
            Found::default(),
            (
                StatusCode::BAD_REQUEST,
                Errors::default(),
                Some("请先查找并选择人员".into()),
            ),
            None,
            1,
        )
        .await;
    };
    let input = ReceiveInput {
        person_id,
        received_on: f.received_on,
        received_from: f.received_from.filter(|s| !s.is_empty()),
        location: f.location.filter(|s| !s.is_empty()),
    };
    match state.svc.receive_archive(&staff, input).await {
        Ok(a) => Ok(to(&format!("/staff/archives/{}?ok=received", a.id))),
        Err(e) => {
            let (status, m) = Failure::of_action(e)?;
            // The person chosen stays on the page to try again (no search words are carried).
            let persons = match state.svc.get_person(&staff, person_id).await {
                Ok(p) => vec![p],
                Err(_) => vec![],
            };
            staff_archives_render(
                &state,
                &ctx,
                &staff,
                String::new(),
                Found {
                    shown: String::new(),
                    searched: false,
                    persons,
                },
                (status, Errors::default(), Some(m)),
                None,
                1,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "staff/staff_archive.html")]
struct StaffArchivePage {
    ctx: PageCtx,
    l: ArchiveLine,
    ok: Option<&'static str>,
    error: Option<String>,
}

async fn staff_archive_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    id: Uuid,
    status: StatusCode,
    ok: Option<&'static str>,
    error: Option<String>,
) -> PageResult {
    let a = state.svc.get_archive(staff, id).await?;
    Ok(render(
        status,
        &StaffArchivePage {
            ctx: PageCtx::new(ctx, format!("档案 {}", a.archive_no), "/staff/archives"),
            l: archive_line(a),
            ok,
            error,
        },
    ))
}

async fn staff_archive(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    staff_archive_render(&state, &ctx, &staff, id, StatusCode::OK, flash.text(), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct MoveForm {
    action: String,
    location: Option<String>,
    borrower: Option<String>,
    due_on: Option<String>,
    destination: Option<String>,
}

async fn staff_move_archive(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, .. }: Form<MoveForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let filled = |s: Option<String>| s.filter(|s| !s.is_empty());
    let input = ArchiveAction {
        action: f.action,
        location: filled(f.location),
        borrower: filled(f.borrower),
        due_on: filled(f.due_on),
        destination: filled(f.destination),
    };
    match state.svc.move_archive(&staff, id, input).await {
        Ok(_) => Ok(to(&format!("/staff/archives/{id}?ok=moved"))),
        Err(e) => {
            let (status, m) = Failure::of_action(e)?;
            staff_archive_render(&state, &ctx, &staff, id, status, None, Some(m)).await
        }
    }
}
