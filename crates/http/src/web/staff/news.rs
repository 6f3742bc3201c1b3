//! 典型案例和政策动态 for staff (五(十四)): the region's articles by state, writing one (it then
//! waits for review), the author changing a pending or returned one, and a second staff member
//! approving or returning it; a published article can be withdrawn. The public pages are
//! `public/news.rs`.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_service::publicity::{
    ARTICLE_KINDS, ARTICLE_STATUSES, ArticleInput, ArticleView, ReasonInput,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Staff, list,
    path_uuid, query_field, region_options, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/news", get(queue))
        .route("/staff/news/new", get(new_page).post(create))
        .route("/staff/news/{id}", get(detail))
        .route("/staff/news/{id}/edit", get(edit_page).post(edit))
        .route("/staff/news/{id}/{action}", post(action))
}

const FIELDS: &[&str] = &["kind", "title", "body", "region_code", "clauses"];

#[derive(Template)]
#[template(path = "staff/staff_news.html")]
struct QueuePage {
    ctx: PageCtx,
    items: Vec<ArticleView>,
    filter: String,
    filters: &'static [(&'static str, &'static str)],
    ok: Option<&'static str>,
}

async fn queue(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    let filter = query_field(&q, "status");
    let items = state.svc.staff_articles(&staff, Some(&filter)).await?;
    Ok(render(
        StatusCode::OK,
        &QueuePage {
            ctx: PageCtx::new(&ctx, "典型案例和政策动态", "/staff/news"),
            items,
            filter,
            filters: ARTICLE_STATUSES,
            ok: flash.text(),
        },
    ))
}

/// The clause choices: every clause of the document with its heading.
fn clause_options() -> Vec<(String, String)> {
    linghuo_policy::clauses::policy_clauses()
        .iter()
        .filter(|c| c.id.contains('('))
        .map(|c| (c.id.clone(), format!("{} {}", c.id, c.title)))
        .collect()
}

#[derive(Template)]
#[template(path = "staff/staff_news_form.html")]
struct FormPage {
    ctx: PageCtx,
    action: String,
    heading: &'static str,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    kinds: &'static [(&'static str, &'static str)],
    regions: Vec<(String, String)>,
    clauses: Vec<(String, String)>,
}

fn form_render(
    ctx: &Ctx,
    staff: &Staff,
    id: Option<Uuid>,
    form: FormData,
    (status, errors, error): FormFailure,
) -> PageResult {
    // The staff member's own region first, then the counties and cities under it.
    let mut regions = Vec::new();
    if let Some(s) = staff.scope {
        regions.push((s.as_str(), format!("{}（本级）", s.full_name())));
        let prefix = s.sql_prefix();
        regions.extend(
            region_options(false)
                .into_iter()
                .filter(|(c, _)| c.starts_with(&prefix) && *c != s.as_str()),
        );
    }
    Ok(render(
        status,
        &FormPage {
            ctx: PageCtx::new(
                ctx,
                if id.is_some() {
                    "修改稿件"
                } else {
                    "撰写稿件"
                },
                "/staff/news",
            ),
            action: match id {
                Some(id) => format!("/staff/news/{id}/edit"),
                None => "/staff/news/new".into(),
            },
            heading: if id.is_some() {
                "修改稿件"
            } else {
                "撰写典型案例或政策动态"
            },
            form,
            errors,
            error,
            kinds: ARTICLE_KINDS,
            regions,
            clauses: clause_options(),
        },
    ))
}

async fn new_page(ctx: Ctx, staff: Staff) -> PageResult {
    let mut form = FormData::default();
    form.set("kind", "case");
    form_render(
        &ctx,
        &staff,
        None,
        form,
        (StatusCode::OK, Errors::default(), None),
    )
}

#[derive(Deserialize)]
struct ArticleForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    region_code: String,
    #[serde(default, deserialize_with = "list")]
    clauses: Vec<String>,
}

impl ArticleForm {
    fn input(self) -> ArticleInput {
        ArticleInput {
            kind: self.kind,
            title: self.title,
            body: self.body,
            region_code: self.region_code,
            clauses: self.clauses,
        }
    }
}

async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form { value, data }: Form<ArticleForm>,
) -> PageResult {
    match state.svc.submit_article(&staff, value.input()).await {
        Ok(a) => Ok(to(&format!("/staff/news/{}?ok=submitted", a.id))),
        Err(e) => form_render(&ctx, &staff, None, data, Failure::of(e, FIELDS).parts()?),
    }
}

async fn edit_page(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let a = state.svc.staff_article(&staff, id).await?;
    let mut form = FormData::default();
    form.set("kind", a.kind.clone());
    form.set("title", a.title.clone());
    form.set("body", a.body.clone());
    form.set("region_code", a.region_code.clone());
    for c in &a.clauses {
        form.push("clauses", c.id.clone());
    }
    form_render(
        &ctx,
        &staff,
        Some(id),
        form,
        (StatusCode::OK, Errors::default(), None),
    )
}

async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value, data }: Form<ArticleForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    match state.svc.edit_article(&staff, id, value.input()).await {
        Ok(_) => Ok(to(&format!("/staff/news/{id}?ok=submitted"))),
        Err(e) => form_render(
            &ctx,
            &staff,
            Some(id),
            data,
            Failure::of(e, FIELDS).parts()?,
        ),
    }
}

#[derive(Template)]
#[template(path = "staff/staff_news_article.html")]
struct DetailPage {
    ctx: PageCtx,
    a: ArticleView,
    ok: Option<&'static str>,
    error: Option<String>,
    /// Which form the error belongs to (return or withdraw), and what was typed.
    failed: String,
    reason: String,
}

async fn detail_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Staff,
    id: Uuid,
    status: StatusCode,
    ok: Option<&'static str>,
    failure: Option<(String, String, String)>,
) -> PageResult {
    let a = state.svc.staff_article(staff, id).await?;
    let (failed, error, reason) = match failure {
        Some((f, e, r)) => (f, Some(e), r),
        None => (String::new(), None, String::new()),
    };
    Ok(render(
        status,
        &DetailPage {
            ctx: PageCtx::new(ctx, a.title.clone(), "/staff/news"),
            a,
            ok,
            error,
            failed,
            reason,
        },
    ))
}

async fn detail(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_uuid(&id)?;
    detail_render(&state, &ctx, &staff, id, StatusCode::OK, flash.text(), None).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReasonForm {
    reason: String,
}

async fn action(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path((id, action)): Path<(String, String)>,
    Form { value, .. }: Form<ReasonForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let reason = ReasonInput {
        reason: value.reason.clone(),
    };
    let r = match action.as_str() {
        "approve" => state.svc.approve_article(&staff, id).await,
        "return" => state.svc.return_article(&staff, id, reason).await,
        "withdraw" => state.svc.withdraw_article(&staff, id, reason).await,
        _ => return Err(crate::error::ApiError::not_found().into()),
    };
    match r {
        Ok(_) => Ok(to(&format!("/staff/news/{id}?ok={action}"))),
        Err(e) => {
            let (status, message) = Failure::of_action(e)?;
            detail_render(
                &state,
                &ctx,
                &staff,
                id,
                status,
                None,
                Some((action, message, value.reason)),
            )
            .await
        }
    }
}
