//! 新职业建议 at the staff workbench (晋政办发〔2020〕89号 四(七)): the trades people named in
//! their own words in the staff member's region, most seen first, each decided as a synonym
//! of a trade, a proposed new trade, or not a trade; and the report of proposals and merges
//! by city, downloadable as Excel for sending upward. The service enforces the region.

use askama::Template;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use linghuo_domain::{RegionLevel, occupations};
use linghuo_service::Actor;
use linghuo_service::market_occupations::{
    OccupationDecision, OccupationReport, OccupationSuggestion, OccupationSuggestionFilter,
    STATUSES,
};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::worker::work::given;
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Staff, cst, date_cn,
    download, path_uuid, query_field, render, to,
};

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
    pub errors: Errors,
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

const FIELDS: &[&str] = &["decision", "trade", "name", "category", "note"];

async fn list_render(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    filter: OccupationSuggestionFilter,
    ok: Option<&'static str>,
    failed: Option<(Uuid, FormData, FormFailure)>,
) -> PageResult {
    let list = state.svc.occupation_suggestions(actor, &filter).await?;
    let status = failed.as_ref().map_or(StatusCode::OK, |(_, _, f)| f.0);
    let mut failed = failed;
    let lines: Vec<Line> = list
        .entries
        .into_iter()
        .take(PAGE_LINES)
        .map(|s| {
            let (form, errors, error) = match failed.take_if(|(id, _, _)| *id == s.id) {
                Some((_, form, f)) => (form, f.1, f.2),
                None => (FormData::default(), Errors::default(), None),
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
    Ok(render(
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
    ))
}

fn filter_of(q: &Option<String>) -> OccupationSuggestionFilter {
    let opt = |name: &str| Some(query_field(q, name)).filter(|s| !s.is_empty());
    OccupationSuggestionFilter {
        status: opt("status"),
        county: opt("county"),
    }
}

async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    list_render(&state, &ctx, &staff, filter_of(&q), flash.text(), None).await
}

/// One entry's decision: a synonym of `trade`, a new trade `name` in `category`, or none.
#[derive(Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    trade: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    note: String,
}

async fn decide(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Path(id): Path<String>,
    Form { value: f, data }: Form<DecisionForm>,
) -> PageResult {
    let id = path_uuid(&id)?;
    let input = OccupationDecision {
        decision: f.decision,
        trade: given(f.trade),
        name: given(f.name),
        category: given(f.category),
        note: given(f.note),
    };
    match state
        .svc
        .decide_occupation_suggestion(&staff, id, &input)
        .await
    {
        Ok(s) => Ok(to(&format!("{PATH}?ok={}", s.status))),
        Err(e) => {
            let failure = Failure::of(e, FIELDS).parts()?;
            let filter = OccupationSuggestionFilter::default();
            list_render(
                &state,
                &ctx,
                &staff,
                filter,
                None,
                Some((id, data, failure)),
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "staff/staff_occupations_report.html")]
struct ReportPage {
    ctx: PageCtx,
    r: OccupationReport,
    rows: Vec<Vec<String>>,
}

async fn report(State(state): State<AppState>, ctx: Ctx, staff: Staff) -> PageResult {
    let r = state.svc.occupation_report(&staff).await?;
    let rows = r
        .sheet()
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    linghuo_service::export::Cell::Date(d) => date_cn(d),
                    other => other.as_text(),
                })
                .collect()
        })
        .collect();
    Ok(render(
        StatusCode::OK,
        &ReportPage {
            ctx: PageCtx::new(&ctx, "新职业建议上报表", "/staff/market/occupations/report"),
            r,
            rows,
        },
    ))
}

async fn report_xlsx(State(state): State<AppState>, staff: Staff) -> PageResult {
    let r = state.svc.occupation_report(&staff).await?;
    let bytes = state.svc.occupation_report_xlsx(Some(&staff), &r).await?;
    Ok(download("occupation-suggestions.xlsx", bytes))
}
