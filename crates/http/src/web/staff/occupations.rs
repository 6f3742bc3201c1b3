//! 新职业建议 at the staff workbench (晋政办发〔2020〕89号 四(七)): the trades people named in
//! their own words in the staff member's region, most seen first, each decided as a synonym
//! of a trade, a proposed new trade, or not a trade; and the report of proposals and merges
//! by city, downloadable as Excel for sending upward. The service enforces the region.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use linghuo_domain::{RegionLevel, occupations};
use linghuo_service::Role;
use linghuo_service::market_occupations::{
    OccupationDecision, OccupationReport, OccupationSuggestion, OccupationSuggestionFilter,
    STATUSES,
};
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{
    Failure, FormData, FormFailure, PageCtx, cst, error_page_ctx, path_id, render, require,
};
use crate::web::{download, query_field};

const PATH: &str = "/staff/market/occupations";
/// Most entries one page shows (each carries its decision forms).
const PAGE_LINES: usize = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(list))
        .route("/staff/market/occupations/{id}", post(decide))
        .route("/staff/market/occupations/report", get(report))
        .route("/staff/market/occupations/report.xlsx", get(report_xlsx))
}

/// One entry with what the page needs around it.
pub struct Line {
    pub s: OccupationSuggestion,
    pub first: String,
    pub last: String,
    pub decided: String,
    /// The decision form as typed, after a failure on this entry.
    pub form: FormData,
    pub errors: crate::web::Errors,
    pub error: Option<String>,
    /// The trade the form offers first (the guess, when it is a trade).
    pub trade_default: String,
}

#[derive(Template)]
#[template(path = "staff/staff_occupations.html")]
struct ListPage {
    ctx: PageCtx,
    scope: String,
    total: usize,
    pending: usize,
    shown: usize,
    lines: Vec<Line>,
    status: String,
    county: String,
    statuses: Vec<(&'static str, &'static str)>,
    counties: Vec<(String, String)>,
    trades: Vec<&'static str>,
    categories: Vec<(&'static str, &'static str)>,
    ok: Option<&'static str>,
    error: Option<String>,
}

fn ok_text(q: &Option<String>) -> Option<&'static str> {
    Some(match query_field(q, "ok").as_str() {
        "merged" => "已合并为同义词。以后岗位、导入和搜索中的这个叫法都会按该职业理解。",
        "proposed" => "已记为新职业建议，将汇总进上报表。",
        "ignored" => "已忽略。",
        _ => return None,
    })
}

const FIELDS: &[&str] = &["decision", "trade", "name", "category", "note"];

async fn list_render(
    state: &AppState,
    ctx: &Ctx,
    filter: OccupationSuggestionFilter,
    ok: Option<&'static str>,
    failed: Option<(Uuid, FormData, FormFailure)>,
) -> Response {
    let actor = match require(ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let list = match state.svc.occupation_suggestions(actor, &filter).await {
        Ok(l) => l,
        Err(e) => return error_page_ctx(ctx, e.into()),
    };
    let status = failed.as_ref().map_or(StatusCode::OK, |(_, _, f)| f.0);
    let mut failed = failed;
    let lines: Vec<Line> = list
        .entries
        .into_iter()
        .take(PAGE_LINES)
        .map(|s| {
            let (form, errors, error) = match failed.take_if(|(id, _, _)| *id == s.id) {
                Some((_, form, f)) => (form, f.1, f.2),
                None => (FormData::default(), crate::web::Errors::default(), None),
            };
            let trade_default = linghuo_domain::occupation(&s.guess_code)
                .filter(|o| !o.is_category())
                .map(|o| o.name.to_owned())
                .unwrap_or_default();
            Line {
                first: cst(&s.first_seen_at),
                last: cst(&s.last_seen_at),
                decided: s.decided_at.as_ref().map(cst).unwrap_or_default(),
                form,
                errors,
                error,
                trade_default,
                s,
            }
        })
        .collect();
    // A failed entry not among those shown still says what went wrong.
    let error = failed.map(|(_, _, f)| {
        f.2.or_else(|| f.1.0.first().map(|(_, m)| m.clone()))
            .unwrap_or_default()
    });
    let counties = actor
        .scope
        .map(|s| {
            let mut v = if s.level() == RegionLevel::County {
                vec![s]
            } else {
                s.counties_within()
            };
            v.sort_by_key(|c| c.code());
            v.into_iter().map(|c| (c.as_str(), c.full_name())).collect()
        })
        .unwrap_or_default();
    render(
        status,
        &ListPage {
            ctx: PageCtx::new(ctx, "新职业建议", PATH),
            scope: list.scope,
            total: list.total,
            pending: list.pending,
            shown: lines.len(),
            lines,
            status: filter.status.unwrap_or_default(),
            county: filter.county.unwrap_or_default(),
            statuses: STATUSES.to_vec(),
            counties,
            trades: occupations()
                .iter()
                .filter(|o| !o.is_category())
                .map(|o| o.name)
                .collect(),
            categories: occupations()
                .iter()
                .filter(|o| o.is_category())
                .map(|o| (o.code, o.name))
                .collect(),
            ok,
            error,
        },
    )
}

fn filter_of(q: &Option<String>) -> OccupationSuggestionFilter {
    let opt = |name: &str| Some(query_field(q, name)).filter(|s| !s.is_empty());
    OccupationSuggestionFilter {
        status: opt("status"),
        county: opt("county"),
    }
}

async fn list(State(state): State<AppState>, ctx: Ctx, RawQuery(q): RawQuery) -> Response {
    list_render(&state, &ctx, filter_of(&q), ok_text(&q), None).await
}

async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let id = match path_id(&ctx, &id) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let form = FormData::parse(&body);
    let input = OccupationDecision {
        decision: form.get("decision").to_owned(),
        trade: form.opt("trade"),
        name: form.opt("name"),
        category: form.opt("category"),
        note: form.opt("note"),
    };
    match state
        .svc
        .decide_occupation_suggestion(actor, id, &input)
        .await
    {
        Ok(s) => Redirect::to(&format!("{PATH}?ok={}", s.status)).into_response(),
        Err(e) => match Failure::of(e, FIELDS).parts() {
            Ok(f) => {
                list_render(
                    &state,
                    &ctx,
                    OccupationSuggestionFilter::default(),
                    None,
                    Some((id, form, f)),
                )
                .await
            }
            Err(api) => error_page_ctx(&ctx, api),
        },
    }
}

#[derive(Template)]
#[template(path = "staff/staff_occupations_report.html")]
struct ReportPage {
    ctx: PageCtx,
    r: OccupationReport,
    rows: Vec<Vec<String>>,
}

async fn report(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let r = match state.svc.occupation_report(actor).await {
        Ok(r) => r,
        Err(e) => return error_page_ctx(&ctx, e.into()),
    };
    let rows = r
        .sheet()
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    linghuo_service::export::Cell::Date(d) => crate::web::date_cn(d),
                    other => other.as_text(),
                })
                .collect()
        })
        .collect();
    render(
        StatusCode::OK,
        &ReportPage {
            ctx: PageCtx::new(&ctx, "新职业建议上报表", "/staff/market/occupations/report"),
            r,
            rows,
        },
    )
}

async fn report_xlsx(State(state): State<AppState>, ctx: Ctx) -> Response {
    let actor = match require(&ctx, &[Role::Staff]) {
        Ok(a) => a,
        Err(r) => return r,
    };
    let bytes = match state.svc.occupation_report(actor).await {
        Ok(r) => state.svc.occupation_report_xlsx(Some(actor), &r).await,
        Err(e) => Err(e),
    };
    match bytes {
        Ok(b) => download("occupation-suggestions.xlsx", b),
        Err(e) => error_page_ctx(&ctx, e.into()),
    }
}
