//! The statistics dashboard of a staff member's region (`/staff/stats`, drill-down into a
//! child region with `?region=`, a year with `?year=`), its downloads as Excel and CSV, and
//! the annual targets of the child regions. The public weekly index is `public/open_stats.rs`.
//!
//! Every table on the dashboard is built from the same [`Sheet`] the download uses, so the page
//! and the files cannot disagree. Charts (Apache ECharts, vendored, loaded on this page only)
//! are drawn by `/assets/stats.js` from a JSON data block; the tables are the source of truth
//! and the page reads fully without scripts.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::Datelike;
use linghuo_domain::{RegionCode, RegionLevel};
use linghuo_service::Actor;
use linghuo_service::export::{self, Cell, Sheet};
use linghuo_service::stats::takeup::{TakeUp, TakeUpQuery};
use linghuo_service::stats::{Stats, StatsQuery};
use serde::Deserialize;
use serde_json::json;

use crate::AppState;
use crate::context::Ctx;
use crate::error::ApiError;
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, Staff, download,
    query_field, render, to,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/staff/stats", get(dashboard))
        .route("/staff/stats/export", get(download_table))
        .route("/staff/stats/targets", post(set_target))
        .route("/staff/stats/takeup", get(takeup))
        .route("/staff/stats/takeup/export", get(takeup_download))
        .route("/staff/stats/takeup/refresh", post(takeup_refresh))
}

/// The tables of the dashboard, in page order: (key, heading).
pub const TABLES: &[(&str, &str)] = &[
    ("regions", "各地区灵活就业"),
    ("months", "逐月岗位和录用"),
    ("forms", "按用工形式"),
    ("flexforms", "按灵活就业形式"),
    ("occupations", "按职业"),
    ("outcomes", "大龄和就业困难人员"),
    ("registrations", "就业失业登记"),
    ("funnel", "政策待遇从符合条件到发放"),
    ("complaints", "投诉处理"),
    ("services", "培训和招聘活动"),
    ("assistance", "困难群众转介民政"),
    ("budgets", "资金预算使用"),
];

fn pct(p: Option<f64>) -> Cell {
    p.map(|v| Cell::Decimal(format!("{v:.1}")))
        .unwrap_or(Cell::Empty)
}

fn days(d: Option<f64>) -> Cell {
    d.map(|v| Cell::Decimal(format!("{v:.1}")))
        .unwrap_or(Cell::Empty)
}

/// One table of the statistics as a sheet (the page shows it, the downloads are it).
pub fn stats_sheet(s: &Stats, table: &str) -> Option<Sheet> {
    let heading = TABLES.iter().find(|(k, _)| *k == table)?.1;
    let h = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
    let (headers, rows) = match table {
        "regions" => {
            let mut rows: Vec<Vec<Cell>> = s
                .by_region
                .iter()
                .chain(std::iter::once(&s.total))
                .map(|r| {
                    vec![
                        Cell::text(r.code.clone()),
                        Cell::text(if std::ptr::eq(r, &s.total) && !s.by_region.is_empty() {
                            format!("合计（{}）", r.name)
                        } else {
                            r.name.clone()
                        }),
                        r.posts.into(),
                        r.live_posts.into(),
                        r.hires.into(),
                        r.people_employed.into(),
                        r.overdue_pay.into(),
                        r.target.into(),
                        pct(r.progress_percent),
                        r.flexible_registrations.into(),
                        pct(r.registration_progress_percent),
                    ]
                })
                .collect();
            // A county has no child rows: its total is its only row.
            if s.by_region.is_empty() {
                rows.truncate(1);
            }
            (
                h(&[
                    "区划代码",
                    "地区",
                    "发布岗位",
                    "招聘中岗位",
                    "录用人次",
                    "灵活就业人数",
                    "逾期未确认报酬（笔）",
                    "年度目标（人）",
                    "目标完成率（%，平台录用）",
                    "灵活就业登记（人次）",
                    "目标完成率（%，灵活就业登记）",
                ]),
                rows,
            )
        }
        "months" => (
            h(&["月份", "发布岗位", "录用人次"]),
            s.by_month
                .iter()
                .map(|m| vec![Cell::text(m.month.clone()), m.posts.into(), m.hires.into()])
                .collect(),
        ),
        "forms" => (
            h(&["用工形式", "发布岗位", "录用人次"]),
            s.by_form
                .iter()
                .map(|f| vec![Cell::text(f.label.clone()), f.posts.into(), f.hires.into()])
                .collect(),
        ),
        "flexforms" => (
            h(&[
                "灵活就业形式",
                "本年灵活就业登记",
                "当前有效登记",
                "发布岗位",
                "录用人次",
                "本年平台报送",
                "平台报送在岗",
            ]),
            s.by_flexible_form
                .iter()
                .map(|f| {
                    let none = f.form == "other";
                    let market = !matches!(f.form.as_str(), "self_employed" | "unknown");
                    // Platforms report a worker in one of the four forms, never 未填写 or 长期.
                    let reported = !matches!(f.form.as_str(), "unknown" | "other");
                    vec![
                        Cell::text(f.label.clone()),
                        if none {
                            Cell::Empty
                        } else {
                            f.registrations.into()
                        },
                        if none {
                            Cell::Empty
                        } else {
                            f.registered_now.into()
                        },
                        if market { f.posts.into() } else { Cell::Empty },
                        if market { f.hires.into() } else { Cell::Empty },
                        if reported {
                            f.reported.into()
                        } else {
                            Cell::Empty
                        },
                        if reported {
                            f.reported_now.into()
                        } else {
                            Cell::Empty
                        },
                    ]
                })
                .collect(),
        ),
        "occupations" => (
            h(&[
                "职业代码",
                "职业",
                "新职业",
                "发布岗位",
                "录用人次",
                "时薪中位数（元）",
            ]),
            s.by_occupation
                .iter()
                .map(|o| {
                    vec![
                        Cell::text(o.code.clone()),
                        Cell::text(if o.name.is_empty() {
                            o.code.clone()
                        } else {
                            o.name.clone()
                        }),
                        Cell::text(if o.new_occupation { "是" } else { "" }),
                        o.posts.into(),
                        o.hires.into(),
                        o.median_hourly_pay
                            .clone()
                            .map(Cell::Decimal)
                            .unwrap_or(Cell::Empty),
                    ]
                })
                .collect(),
        ),
        "outcomes" => (
            h(&["人群", "录用人数", "从发布到录用天数（中位数）"]),
            s.outcomes
                .iter()
                .map(|o| {
                    vec![
                        Cell::text(o.label.clone()),
                        o.people_hired.into(),
                        days(o.median_days_to_hire),
                    ]
                })
                .collect(),
        ),
        "registrations" => (
            h(&["登记类别", "本年新登记", "当前有效登记"]),
            s.registrations
                .iter()
                .map(|r| {
                    vec![
                        Cell::text(r.label.clone()),
                        r.started.into(),
                        r.open_now.into(),
                    ]
                })
                .collect(),
        ),
        "funnel" => (
            h(&[
                "政策待遇",
                "符合条件（人次）",
                "已告知本人",
                "已申请",
                "已批准",
                "已发放（笔）",
                "符合条件金额（元）",
                "申请金额（元）",
                "批准金额（元）",
                "发放金额（元）",
                "申请到发放天数（中位数）",
                "申请到发放天数（平均）",
                "金额口径",
            ]),
            s.funnel
                .iter()
                .map(|f| {
                    let kind = linghuo_policy::BenefitId::from_code(&f.benefit)
                        .map_or(linghuo_policy::AmountKind::None, |b| b.amount_kind());
                    vec![
                        Cell::text(f.name.clone()),
                        f.eligible.into(),
                        f.notified.into(),
                        f.applied.into(),
                        f.granted.into(),
                        f.paid.into(),
                        // The course sets the training subsidy's sum: none when found eligible.
                        if kind == linghuo_policy::AmountKind::PerCourse {
                            Cell::Empty
                        } else {
                            Cell::Decimal(f.eligible_amount.clone())
                        },
                        Cell::Decimal(f.applied_amount.clone()),
                        Cell::Decimal(f.granted_amount.clone()),
                        Cell::Decimal(f.paid_amount.clone()),
                        days(f.median_days_to_pay),
                        days(f.mean_days_to_pay),
                        Cell::text(crate::web::amount_kind_label(kind.code())),
                    ]
                })
                .collect(),
        ),
        "complaints" => (
            h(&["投诉类别", "本年收到", "本年办结", "办结天数（中位数）"]),
            s.complaints
                .iter()
                .map(|c| {
                    vec![
                        Cell::text(c.label.clone()),
                        c.received.into(),
                        c.resolved.into(),
                        days(c.median_days_to_resolve),
                    ]
                })
                .collect(),
        ),
        "services" => (
            h(&["服务", "报名人次", "结业或签到人次", "现场录用人数"]),
            s.services
                .iter()
                .map(|v| {
                    vec![
                        Cell::text(v.label.clone()),
                        v.joined.into(),
                        v.attended.into(),
                        if v.kind == "events" {
                            v.hired.into()
                        } else {
                            Cell::Empty
                        },
                    ]
                })
                .collect(),
        ),
        "assistance" => (
            h(&[
                "地区",
                "筛查发现（人）",
                "转介民政（人）",
                "已纳入救助（件）",
                "未予纳入（件）",
                "等待结果（件）",
                "纳入救助每月金额（元）",
            ]),
            s.assistance
                .iter()
                .map(|a| {
                    vec![
                        Cell::text(short_name(&a.county_name).to_owned()),
                        a.found.into(),
                        a.referred.into(),
                        a.accepted.into(),
                        a.refused.into(),
                        a.waiting.into(),
                        Cell::Decimal(a.accepted_amount.clone()),
                    ]
                })
                .collect(),
        ),
        "budgets" => (
            h(&[
                "县区",
                "资金",
                "预算（元）",
                "已安排（元）",
                "已到账（元）",
                "暂缓发放（元）",
                "剩余（元）",
            ]),
            s.budgets
                .iter()
                .map(|b| {
                    vec![
                        Cell::text(short_name(&b.county_name).to_owned()),
                        Cell::text(b.fund_name.clone()),
                        b.budget
                            .clone()
                            .map_or(Cell::text("未设预算"), Cell::Decimal),
                        Cell::Decimal(b.committed.clone()),
                        Cell::Decimal(b.paid.clone()),
                        Cell::Decimal(b.held.clone()),
                        b.remaining.clone().map_or(Cell::Empty, Cell::Decimal),
                    ]
                })
                .collect(),
        ),
        _ => return None,
    };
    Some(Sheet {
        title: format!("{}{}年{}", short_name(&s.region_name), s.year, heading),
        headers,
        rows,
    })
}

/// A region's name without the province ("太原市", not "山西省太原市"); the province itself
/// keeps its name.
pub(crate) fn short_name(full: &str) -> &str {
    full.strip_prefix("山西省")
        .filter(|s| !s.is_empty())
        .unwrap_or(full)
}

/// A cell as people read it on the page: amounts with thousands separators, "—" for no
/// value (the downloads keep plain numbers and blanks).
fn page_cell(c: &Cell) -> String {
    match c {
        Cell::Decimal(d) => crate::web::grouped(d),
        Cell::Empty => "—".to_owned(),
        other => other.as_text(),
    }
}

/// A table as the page shows it.
pub struct TableView {
    pub key: &'static str,
    pub heading: &'static str,
    pub headers: Vec<String>,
    /// Whether each column holds numbers (right-aligned).
    pub numeric: Vec<bool>,
    pub rows: Vec<RowView>,
    pub xlsx: String,
    pub csv: String,
}

pub struct RowView {
    pub cells: Vec<String>,
    /// The drill-down of a child region (on its name, column 1).
    pub link: Option<String>,
    pub total: bool,
}

fn query_of(region: &str, year: i32) -> String {
    format!("region={region}&year={year}")
}

fn table_view(s: &Stats, key: &'static str, heading: &'static str, drill: bool) -> TableView {
    let mut sheet = stats_sheet(s, key).expect("known table");
    // The occupation catalogue's key (`canyin.liangcai`) stays in the downloads, where other
    // systems join on it; people read the trade's name.
    if key == "occupations" {
        sheet.headers.remove(0);
        for r in &mut sheet.rows {
            if !r.is_empty() {
                r.remove(0);
            }
        }
    }
    let numeric: Vec<bool> = (0..sheet.headers.len())
        .map(|c| {
            sheet
                .rows
                .iter()
                .any(|r| matches!(r.get(c), Some(Cell::Int(_) | Cell::Decimal(_))))
        })
        .collect();
    let q = query_of(&s.region_code, s.year);
    let n = sheet.rows.len();
    let rows = sheet
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let code = r.first().map(Cell::as_text).unwrap_or_default();
            let total = key == "regions" && i + 1 == n && !s.by_region.is_empty();
            RowView {
                cells: r.iter().map(page_cell).collect(),
                link: (key == "regions" && drill && !total)
                    .then(|| format!("/staff/stats?{}", query_of(&code, s.year))),
                total,
            }
        })
        .collect();
    TableView {
        key,
        heading,
        headers: sheet.headers,
        numeric,
        rows,
        xlsx: format!("/staff/stats/export?table={key}&format=xlsx&{q}"),
        csv: format!("/staff/stats/export?table={key}&format=csv&{q}"),
    }
}

/// The chart data, as JSON for `stats.js` (data in a non-executable script element: the CSP
/// allows no inline code, and none is here). `<` is escaped so no text can end the element.
fn chart_json(s: &Stats) -> String {
    let top: Vec<_> = s.by_occupation.iter().take(15).collect();
    let v = json!({
        "regions": s.by_region.iter().map(|r| json!({
            "name": r.name, "people": r.people_employed, "target": r.target, "hires": r.hires
        })).collect::<Vec<_>>(),
        "months": s.by_month.iter().map(|m| json!({"month": m.month, "posts": m.posts, "hires": m.hires})).collect::<Vec<_>>(),
        "forms": s.by_form.iter().map(|f| json!({"name": f.label, "posts": f.posts, "hires": f.hires})).collect::<Vec<_>>(),
        "occupations": top.iter().map(|o| json!({
            "name": if o.name.is_empty() { &o.code } else { &o.name }, "new": o.new_occupation,
            "posts": o.posts, "hires": o.hires
        })).collect::<Vec<_>>(),
        "outcomes": s.outcomes.iter().map(|o| json!({
            "name": o.label, "people": o.people_hired, "days": o.median_days_to_hire
        })).collect::<Vec<_>>(),
        "registrations": s.registrations.iter().map(|r| json!({
            "name": r.label, "started": r.started, "open": r.open_now
        })).collect::<Vec<_>>(),
        "funnel": s.funnel.iter().map(|f| json!({
            "name": f.name, "stages": [f.eligible, f.notified, f.applied, f.granted, f.paid]
        })).collect::<Vec<_>>(),
        "complaints": s.complaints.iter().map(|c| json!({
            "name": c.label, "received": c.received, "resolved": c.resolved
        })).collect::<Vec<_>>(),
        "services": s.services.iter().map(|v| json!({
            "name": v.label, "joined": v.joined, "attended": v.attended
        })).collect::<Vec<_>>(),
    });
    v.to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A region the caller may set a target for, with its current target.
pub struct TargetRow {
    pub code: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "staff/stats.html")]
struct DashboardPage {
    ctx: PageCtx,
    s: Stats,
    tables: Vec<TableView>,
    chart_data: String,
    /// (href, name) from the caller's scope down to the region shown.
    trail: Vec<(String, String)>,
    years: Vec<i32>,
    targets: Vec<TargetRow>,
    target_years: Vec<i32>,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

/// The dashboard's region and year (`?region=…&year=…`); a year that is not a number is
/// refused.
fn stats_query(q: &Option<String>) -> Result<StatsQuery, ApiError> {
    let region = Some(query_field(q, "region")).filter(|r| !r.is_empty());
    let year = query_field(q, "year");
    let year = if year.is_empty() {
        None
    } else {
        Some(year.parse::<i32>().map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "year_invalid",
                "年份应为四位数字，如2025。",
            )
        })?)
    };
    Ok(StatsQuery { region, year })
}

/// The dashboard, with the target form as typed and its failure when setting a target
/// failed.
async fn dashboard_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    q: StatsQuery,
    ok: Option<&'static str>,
    failed: Option<(FormData, FormFailure)>,
) -> PageResult {
    let s = state.svc.statistics(staff, &q).await?;
    let Some(scope) = staff.scope else {
        return Err(ApiError::not_found().into());
    };
    let region = RegionCode::parse(&s.region_code).unwrap_or(scope);
    let mut trail = Vec::new();
    let mut r = Some(region);
    while let Some(c) = r {
        if !c.is_within(&scope) {
            break;
        }
        trail.push((
            format!("/staff/stats?{}", query_of(&c.as_str(), s.year)),
            c.name().to_owned(),
        ));
        r = c.parent();
    }
    trail.reverse();
    let drill = region.level() != RegionLevel::County;
    let tables = TABLES
        .iter()
        .map(|(k, h)| table_view(&s, k, h, drill))
        .collect();
    let this_year = state.svc.clock.today_cst().year();
    // Targets can be set for the child regions shown (always strictly inside the scope).
    let targets = s
        .by_region
        .iter()
        .map(|r| TargetRow {
            code: r.code.clone(),
            name: r.name.clone(),
        })
        .collect();
    let target_years: Vec<i32> = (this_year - 1..=this_year + 1).collect();
    let (form, (status, errors, error)) = match failed {
        Some(f) => f,
        None => {
            let mut form = FormData::default();
            form.set(
                "year",
                if target_years.contains(&s.year) {
                    s.year
                } else {
                    this_year
                }
                .to_string(),
            );
            (form, (StatusCode::OK, Errors::default(), None))
        }
    };
    Ok(render(
        status,
        &DashboardPage {
            ctx: PageCtx::new(ctx, format!("统计：{}", s.region_name), "/staff/stats"),
            chart_data: chart_json(&s),
            tables,
            trail,
            // Statistics exist up to today: the year list stops at the current year.
            years: (2020..=this_year).rev().collect(),
            targets,
            target_years,
            form,
            errors,
            error,
            ok,
            s,
        },
    ))
}

async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    let query = stats_query(&q)?;
    dashboard_render(&state, &ctx, &staff, query, flash.text(), None).await
}

async fn download_table(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    let query = stats_query(&q)?;
    let table = query_field(&q, "table");
    let format = query_field(&q, "format");
    if !TABLES.iter().any(|(k, _)| *k == table) || !["xlsx", "csv"].contains(&format.as_str()) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "export_invalid",
            "请从统计页面上的下载链接下载表格。",
        )
        .into());
    }
    let s = state.svc.statistics(&staff, &query).await?;
    let sheet = stats_sheet(&s, &table).expect("checked above");
    let name = format!("stats-{table}-{}-{}.{format}", s.region_code, s.year);
    let body = if format == "xlsx" {
        export::to_xlsx(&sheet)?
    } else {
        export::to_csv(&sheet)
    };
    Ok(download(&name, body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TargetForm {
    region: String,
    year: String,
    target: String,
    /// The dashboard the form was on: its region and year.
    view_region: String,
    view_year: String,
}

async fn set_target(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form {
        value: f,
        data: form,
    }: Form<TargetForm>,
) -> PageResult {
    let view = StatsQuery {
        region: Some(f.view_region).filter(|r| !r.is_empty()),
        year: f.view_year.parse().ok(),
    };
    let result = match (f.year.parse::<i32>(), f.target.parse::<i64>()) {
        (Err(_), _) => Err(Failure::field("year", "请选择年份")),
        (_, Err(_)) => Err(Failure::field(
            "target",
            "请填写目标人数（不带小数点和逗号的整数，如1200）",
        )),
        (Ok(y), Ok(t)) => state
            .svc
            .set_employment_target(&staff, y, &f.region, t)
            .await
            .map_err(|e| Failure::of(e, &["region", "year", "target"])),
    };
    match result {
        Ok(()) => {
            let mut back = "/staff/stats?ok=target".to_owned();
            if let Some(r) = &view.region {
                back.push_str(&format!("&region={}", urlencode(r)));
            }
            if let Some(y) = view.year {
                back.push_str(&format!("&year={y}"));
            }
            Ok(to(&back))
        }
        Err(failure) => {
            let failed = (form, failure.parts()?);
            dashboard_render(&state, &ctx, &staff, view, None, Some(failed)).await
        }
    }
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("v", s)])
        .map(|e| e.trim_start_matches("v=").to_owned())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------
// 政策享受率: everyone eligible today against those paid, per county.

/// The take-up table as a sheet, a row per county and benefit (the downloads are it).
pub fn takeup_sheet(t: &TakeUp) -> Sheet {
    takeup_rows_sheet(t, &t.by_county)
}

/// The take-up table with the given rows (per county, or per child region) and the totals.
fn takeup_rows_sheet(t: &TakeUp, rows: &[linghuo_service::stats::takeup::TakeUpRow]) -> Sheet {
    let h = [
        "区划代码",
        "地区",
        "政策待遇",
        "符合条件人数",
        "应享金额（元）",
        "已享受人数",
        "已享受金额（元）",
        "享受率（%）",
        "金额口径",
    ];
    let rows = rows
        .iter()
        .chain(t.totals.iter())
        .map(|r| {
            vec![
                Cell::text(r.county_code.clone()),
                Cell::text(if r.county_code == t.region_code {
                    format!("合计（{}）", short_name(&r.county_name))
                } else {
                    short_name(&r.county_name).to_owned()
                }),
                Cell::text(r.name.clone()),
                r.eligible.into(),
                // The course sets the training subsidy's sum: there is none to add up.
                if r.amount_kind == "per_course" {
                    Cell::Empty
                } else {
                    Cell::Decimal(r.eligible_amount.clone())
                },
                r.paid.into(),
                Cell::Decimal(r.paid_amount.clone()),
                pct(r.take_up_percent),
                Cell::text(crate::web::amount_kind_label(r.amount_kind)),
            ]
        })
        .collect();
    Sheet {
        title: format!("{}政策享受率", short_name(&t.region_name)),
        headers: h.iter().map(|x| (*x).to_owned()).collect(),
        rows,
    }
}

#[derive(Template)]
#[template(path = "staff/stats_takeup.html")]
struct TakeUpPage {
    ctx: PageCtx,
    /// How the rows are split: 按市 or 按县区.
    by: &'static str,
    t: TakeUp,
    table: TableView,
    ok: Option<&'static str>,
    error: Option<String>,
}

impl TakeUpPage {
    fn at(&self, t: &chrono::DateTime<chrono::Utc>) -> String {
        crate::web::format::cst(t)
    }
}

fn takeup_query(q: &Option<String>) -> TakeUpQuery {
    TakeUpQuery {
        region: Some(query_field(q, "region")).filter(|r| !r.is_empty()),
    }
}

async fn takeup(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    flash: Flash,
    RawQuery(q): RawQuery,
) -> PageResult {
    takeup_render(&state, &ctx, &staff, &q, flash.text(), None).await
}

async fn takeup_render(
    state: &AppState,
    ctx: &Ctx,
    staff: &Actor,
    q: &Option<String>,
    ok: Option<&'static str>,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    let t = state.svc.take_up(staff, &takeup_query(q)).await?;
    // One level at a time: the province's cities, a city's counties (each name opens its own
    // table); a county its own rows. The downloads list every county.
    let by_child = !t.by_region.is_empty();
    let shown = if by_child { &t.by_region } else { &t.by_county };
    let mut sheet = takeup_rows_sheet(&t, shown);
    // The division code stays in the downloads, where other systems join on it; people
    // read the name.
    sheet.headers.remove(0);
    for r in &mut sheet.rows {
        r.remove(0);
    }
    let numeric = (0..sheet.headers.len())
        .map(|c| {
            sheet
                .rows
                .iter()
                .any(|r| matches!(r.get(c), Some(Cell::Int(_) | Cell::Decimal(_))))
        })
        .collect();
    let n = shown.len();
    let rq = format!("region={}", t.region_code);
    let table = TableView {
        key: "takeup",
        heading: "政策享受率",
        headers: sheet.headers.clone(),
        numeric,
        rows: sheet
            .rows
            .iter()
            .enumerate()
            .map(|(i, r)| RowView {
                cells: r.iter().map(page_cell).collect(),
                link: (by_child && i < n)
                    .then(|| format!("/staff/stats/takeup?region={}", shown[i].county_code)),
                total: i >= n,
            })
            .collect(),
        xlsx: format!("/staff/stats/takeup/export?format=xlsx&{rq}"),
        csv: format!("/staff/stats/takeup/export?format=csv&{rq}"),
    };
    let (status, error) = match error {
        Some((s, e)) => (s, Some(e)),
        None => (StatusCode::OK, None),
    };
    Ok(render(
        status,
        &TakeUpPage {
            ctx: PageCtx::new(ctx, "政策享受率", "/staff/stats/takeup"),
            // The province's children are cities; everything else lists counties.
            by: if by_child
                && linghuo_domain::RegionCode::parse(&t.region_code)
                    .is_ok_and(|r| r.level() == linghuo_domain::RegionLevel::Province)
            {
                "按市"
            } else {
                "按县区"
            },
            t,
            table,
            ok,
            error,
        },
    ))
}

/// Province staff start a new take-up snapshot (audited); the page then shows it running.
async fn takeup_refresh(
    State(state): State<AppState>,
    ctx: Ctx,
    staff: Staff,
    Form { .. }: Form<NoFields>,
) -> PageResult {
    match state.svc.refresh_take_up(&staff).await {
        Ok(_) => Ok(to("/staff/stats/takeup?ok=refreshing")),
        Err(
            e @ (linghuo_service::ServiceError::Conflict { .. }
            | linghuo_service::ServiceError::Forbidden { .. }),
        ) => {
            let e = ApiError::from(e);
            let message = e.message.clone();
            takeup_render(&state, &ctx, &staff, &None, None, Some((e.status, message))).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A form with nothing but its CSRF field.
#[derive(Deserialize)]
struct NoFields {}

async fn takeup_download(
    State(state): State<AppState>,
    staff: Staff,
    RawQuery(q): RawQuery,
) -> PageResult {
    let format = query_field(&q, "format");
    if !["xlsx", "csv"].contains(&format.as_str()) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "export_invalid",
            "请从统计页面上的下载链接下载表格。",
        )
        .into());
    }
    let t = state.svc.take_up(&staff, &takeup_query(&q)).await?;
    let sheet = takeup_sheet(&t);
    let name = format!("stats-takeup-{}-{}.{format}", t.region_code, t.as_of);
    let body = if format == "xlsx" {
        export::to_xlsx(&sheet)?
    } else {
        export::to_csv(&sheet)
    };
    Ok(download(&name, body))
}
