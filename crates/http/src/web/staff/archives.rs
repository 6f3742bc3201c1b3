//! Personnel archives at the service window (四(九)): searching the region's archives,
//! receiving a person's archive, each archive's movements (store, lend, return, transfer out)
//! and the overdue loans.

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
        .route("/staff/archives", get(staff_archives))
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
    q: String,
    items: Vec<ArchiveLine>,
    pager: Pager,
    overdue: Vec<ArchiveLine>,
    persons: Vec<PersonView>,
    today: String,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

/// The archives page: the archives found by number (`no`), the overdue loans, and the
/// persons found by `q` to receive an archive for.
#[allow(clippy::too_many_arguments)]
async fn staff_archives_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    no: String,
    q: String,
    (status, mut errors, error): FormFailure,
    ok: Option<&'static str>,
    query: &Option<String>,
) -> PageResult {
    let pq = page_query(query);
    let (items, pager) = match state.svc.archives_page(staff, &no, &pq).await {
        Ok(v) => {
            let pager = Pager::new("/staff/archives", query, &v);
            (v.items, pager)
        }
        Err(e) => {
            let (_, mut es, _) = Failure::of(e, &["no"]).parts()?;
            errors.0.append(&mut es.0);
            (vec![], Pager::of("/staff/archives", &None, 1, 1, 0))
        }
    };
    let overdue = state.svc.overdue_archive_loans(staff).await?;
    let persons = if q.is_empty() {
        vec![]
    } else {
        match state.svc.search_persons(staff, &q, 1).await {
            Ok(p) => p.items,
            Err(e) => {
                let (_, mut es, _) = Failure::of(e, &["q"]).parts()?;
                errors.0.append(&mut es.0);
                vec![]
            }
        }
    };
    Ok(render(
        status,
        &StaffArchivesPage {
            ctx: PageCtx::new(ctx, "档案管理", "/staff/archives"),
            no,
            q,
            items: items.into_iter().map(archive_line).collect(),
            pager,
            overdue: overdue.into_iter().map(archive_line).collect(),
            persons,
            today: state.svc.clock.today_cst().format("%Y-%m-%d").to_string(),
            errors,
            error,
            ok,
        },
    ))
}

async fn staff_archives(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(query): RawQuery,
) -> PageResult {
    staff_archives_render(
        &state,
        &ctx,
        &staff,
        query_field(&query, "no"),
        query_field(&query, "q"),
        (StatusCode::OK, Errors::default(), None),
        flash.text(),
        &query,
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
    /// The person search the form was found by, shown again after a failure.
    q: String,
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
            String::new(),
            (
                StatusCode::BAD_REQUEST,
                Errors::default(),
                Some("请先查找并选择人员".into()),
            ),
            None,
            &None,
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
            staff_archives_render(
                &state,
                &ctx,
                &staff,
                String::new(),
                f.q,
                (status, Errors::default(), Some(m)),
                None,
                &None,
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
