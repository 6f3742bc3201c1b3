//! One complaint's page (三(五), 四(十)), shared by the three sides: the worker who filed it
//! (`/complaints/{id}`), the employer named (`/employer/complaints/{id}`) and the staff who
//! handle it (`/staff/complaints/{id}`). One template serves the three, each seeing its own
//! part; the service decides what each may see. Also the complaint lists' lines, and a form
//! on the page going back to it or showing it again with the failure.

use askama::Template;
use axum::http::StatusCode;
use linghuo_service::Actor;
use linghuo_service::complaints::{ComplaintDetail, ComplaintSummary, MEDIATORS, TextInput};
use serde::Deserialize;
use uuid::Uuid;

use crate::AppState;
use crate::context::Ctx;
use crate::web::{
    Errors, Failure, Flash, Form, FormData, FormFailure, PageCtx, PageResult, cst, path_uuid,
    render, to,
};

/// A complaint as a list shows it.
pub struct Line {
    pub s: ComplaintSummary,
    pub created: String,
    pub due: String,
}

pub(crate) fn lines(list: Vec<ComplaintSummary>) -> Vec<Line> {
    list.into_iter()
        .map(|s| Line {
            created: cst(&s.created_at),
            due: if s.status == "received" {
                format!("{}前受理", cst(&s.acknowledge_due_at))
            } else {
                format!("{}前办结", cst(&s.resolve_due_at))
            },
            s,
        })
        .collect()
}

pub struct EventLine {
    pub at: String,
    pub by: String,
    pub message: String,
    pub internal: bool,
}

pub struct SessionLine {
    pub at: String,
    pub place: String,
    pub notes: String,
    pub attendance: String,
}

pub struct EvidenceLine {
    pub label: &'static str,
    pub source: String,
    pub items: Vec<(String, String)>,
}

fn key_label(k: &str) -> String {
    match k {
        "hire_id" => "用工编号",
        "post_id" => "岗位编号",
        "post_title" => "岗位",
        "employer_id" => "用人单位编号",
        "employer_name" => "用人单位",
        "county_code" => "工作地县区代码",
        "form" => "用工形式",
        "start_date" => "开始日期",
        "status" => "状态",
        "hired_at" => "录用时间",
        "completed_at" => "完工时间",
        "post_pay" => "岗位报酬",
        "service_time" => "服务时间",
        "pay" => "报酬（元）",
        "pay_unit" => "计酬单位",
        "pay_cycle_days" => "结算周期（天）",
        "first_pay_on" => "首次支付日",
        "rest" => "休息休假",
        "safety" => "职业安全",
        "accident_cover" => "意外伤害保障",
        "employer_confirmed_at" => "用人方确认时间",
        "worker_confirmed_at" => "劳动者确认时间",
        "created_at" => "记录时间",
        "period" => "结算期",
        "amount" => "金额（元）",
        "due_on" => "应付日期",
        "overdue" => "是否逾期",
        other => other,
    }
    .to_owned()
}

fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Bool(b) => if *b { "是" } else { "否" }.into(),
        serde_json::Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(t) => cst(&t.with_timezone(&chrono::Utc)),
            Err(_) => s.clone(),
        },
        other => other.to_string(),
    }
}

#[derive(Template)]
#[template(path = "worker/complaint.html")]
struct DetailPage {
    ctx: PageCtx,
    d: ComplaintDetail,
    base: &'static str,
    viewer: String,
    created: String,
    ack_due: String,
    resolve_due: String,
    events: Vec<EventLine>,
    evidence: Vec<EvidenceLine>,
    sessions: Vec<SessionLine>,
    mediators: Vec<(String, String)>,
    outcomes: Vec<(String, String)>,
    amount: String,
    form: FormData,
    errors: Errors,
    error: Option<String>,
    ok: Option<&'static str>,
}

/// The complaint's page for `actor`, whose complaint pages are under `base`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn detail_render(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    base: &'static str,
    id: Uuid,
    form: FormData,
    (status, errors, error): FormFailure,
    ok: Option<&'static str>,
) -> PageResult {
    let d = state.svc.get_complaint(actor, id).await?;
    let events = d
        .events
        .iter()
        .map(|e| EventLine {
            at: cst(&e.at),
            by: e.by.clone(),
            message: e.message.clone(),
            internal: e.internal,
        })
        .collect();
    let evidence = d
        .evidence
        .iter()
        .map(|e| EvidenceLine {
            label: e.kind_label,
            source: e.source.clone(),
            items: e
                .snapshot
                .as_object()
                .map(|o| {
                    o.iter()
                        .filter(|(k, _)| !k.ends_with("_id"))
                        .map(|(k, v)| (key_label(k), value_text(v)))
                        .collect()
                })
                .unwrap_or_default(),
        })
        .collect();
    let sessions = d
        .mediation
        .as_ref()
        .map(|m| {
            m.sessions
                .iter()
                .map(|s| SessionLine {
                    at: cst(&s.held_at),
                    place: s.place.clone(),
                    notes: s.notes.clone(),
                    attendance: s.attendance.clone(),
                })
                .collect()
        })
        .unwrap_or_default();
    let amount = d
        .mediation
        .as_ref()
        .and_then(|m| m.amount.map(|a| a.to_display()))
        .unwrap_or_default();
    Ok(render(
        status,
        &DetailPage {
            ctx: PageCtx::new(ctx, "投诉详情", base),
            viewer: d.viewer.clone(),
            created: cst(&d.summary.created_at),
            ack_due: cst(&d.summary.acknowledge_due_at),
            resolve_due: cst(&d.summary.resolve_due_at),
            d,
            base,
            events,
            evidence,
            sessions,
            mediators: MEDIATORS
                .iter()
                .map(|(c, l)| ((*c).to_owned(), (*l).to_owned()))
                .collect(),
            outcomes: vec![
                ("agreed".into(), "达成调解协议".into()),
                ("failed".into(), "调解不成".into()),
            ],
            amount,
            form,
            errors,
            error,
            ok,
        },
    ))
}

/// The complaint's page as opened (`GET {base}/{id}`), saying what was just done.
pub(crate) async fn show(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    base: &'static str,
    id: &str,
    flash: Flash,
) -> PageResult {
    let id = path_uuid(id)?;
    detail_render(
        state,
        ctx,
        actor,
        base,
        id,
        FormData::default(),
        (StatusCode::OK, Errors::default(), None),
        flash.text(),
    )
    .await
}

/// After a form on the complaint's page: back to it saying what was done (`ok`), or the page
/// again with what was typed and the failure beside its field (one of `fields`) or above.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn after(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    base: &'static str,
    complaint: Uuid,
    form: FormData,
    fields: &[&str],
    ok: &str,
    result: linghuo_service::Result<()>,
) -> PageResult {
    match result {
        Ok(()) => Ok(to(&format!("{base}/{complaint}?ok={ok}"))),
        Err(e) => {
            let failure = Failure::of(e, fields).parts()?;
            detail_render(state, ctx, actor, base, complaint, form, failure, None).await
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct StatementForm {
    #[serde(default)]
    text: String,
}

/// A statement from the complainant or the employer named.
pub(crate) async fn statement(
    state: &AppState,
    ctx: &Ctx,
    actor: &Actor,
    base: &'static str,
    id: &str,
    Form { value: f, data }: Form<StatementForm>,
) -> PageResult {
    let id = path_uuid(id)?;
    let input = TextInput {
        text: f.text,
        tell_complainant: false,
    };
    let result = state
        .svc
        .add_complaint_statement(actor, id, input)
        .await
        .map(|_| ());
    after(
        state,
        ctx,
        actor,
        base,
        id,
        data,
        &["text"],
        "statement",
        result,
    )
    .await
}
