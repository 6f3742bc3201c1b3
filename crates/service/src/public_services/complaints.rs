//! Complaints and mediation (三(五) 建立公开投诉举报渠道, 四(十) 引导双方通过人民调解组织、
//! 企业劳动争议调解委员会和行业协会等调解解决纠纷).
//!
//! A signed-in worker files a complaint, optionally naming one of their hires: the employer
//! and the county then come from the hire, and the hire, its agreement (四(十)) and its pay
//! records with their confirmations are copied into the complaint as evidence at once. Staff
//! of the county (or above) acknowledge, take on, note, resolve or refer the complaint to
//! mediation, schedule mediation sessions and record the outcome. The complainant follows a
//! timeline that names offices, never staff; the employer named sees that a complaint
//! concerns it (the complainant's name masked) and may answer. Time limits come from the
//! `complaints` configuration; [`Service::complaints_upkeep`] escalates an overdue complaint
//! to the city once.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use linghuo_domain::{Money, RegionCode, mask_name, mask_pii_in_text};
use linghuo_storage::complaints::{
    self as repo, ComplaintRow, EventRow, EvidenceRow, MediationRow, SessionRow,
};
use linghuo_storage::market as market_repo;
use linghuo_storage::notices::{self as notice_repo, NoticeRow};
use linghuo_storage::{Tx, persons};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::export::{Cell, Sheet};
use linghuo_storage::status::ComplaintStatus;

/// Complaint categories: code and label.
pub const CATEGORIES: &[(&str, &str)] = &[
    ("illegal_fee", "违规收费"),
    ("unpaid_wages", "拖欠报酬"),
    ("safety", "劳动安全"),
    ("discrimination", "就业歧视"),
    ("other", "其他"),
];

/// Complaint states: code and label.
pub const STATUSES: &[(&str, &str)] = &[
    ("received", "已提交，待受理"),
    ("acknowledged", "已受理"),
    ("investigating", "调查处理中"),
    ("resolved", "已办结"),
    ("referred_to_mediation", "已转调解"),
    ("closed", "调解结束"),
];

/// Mediating organisations of 四(十): code and label.
pub const MEDIATORS: &[(&str, &str)] = &[
    ("people_mediation", "人民调解组织"),
    ("enterprise_committee", "企业劳动争议调解委员会"),
    ("industry_association", "行业协会"),
];

pub const MEDIATION_STATUSES: &[(&str, &str)] = &[
    ("open", "调解中"),
    ("agreed", "达成调解协议"),
    ("failed", "调解不成"),
];

fn label(list: &[(&str, &'static str)], code: &str) -> &'static str {
    list.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplaintInput {
    /// illegal_fee, unpaid_wages, safety, discrimination or other.
    pub category: String,
    /// What happened, 10 to 2000 characters.
    pub description: String,
    /// One of the complainant's own hires; the employer, the county and the evidence then
    /// come from it.
    pub hire_id: Option<Uuid>,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextInput {
    /// 1 to 2000 characters.
    pub text: String,
    /// Staff notes only: also show the note to the complainant (default: staff only).
    #[serde(default)]
    pub tell_complainant: bool,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    /// How the complaint was handled, 5 to 2000 characters; the complainant sees it.
    pub resolution: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferInput {
    /// people_mediation, enterprise_committee or industry_association.
    pub organisation_kind: String,
    /// e.g. 小店区坞城街道人民调解委员会.
    pub organisation_name: String,
    /// The parties, e.g. 投诉人；某家政服务有限公司.
    pub parties: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionInput {
    /// China Standard Time, `YYYY-MM-DD HH:MM` (or `YYYY-MM-DDTHH:MM`).
    pub held_at: String,
    pub place: String,
    #[serde(default)]
    pub notes: String,
    /// Who attended (or is to attend).
    #[serde(default)]
    pub attendance: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = MediationOutcomeInput)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    /// agreed or failed.
    pub outcome: String,
    /// The agreement (required when agreed) or why it failed.
    #[serde(default)]
    pub agreement: String,
    /// Amount agreed, decimal yuan (optional).
    pub amount: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ComplaintSummary {
    pub id: Uuid,
    pub category: String,
    pub category_label: &'static str,
    pub status: String,
    pub status_label: &'static str,
    /// The county the complaint is assigned to.
    pub county_code: String,
    pub county_name: String,
    pub employer_id: Option<Uuid>,
    pub employer_name: Option<String>,
    /// The complainant, masked.
    pub complainant: String,
    pub created_at: DateTime<Utc>,
    pub acknowledge_due_at: DateTime<Utc>,
    pub resolve_due_at: DateTime<Utc>,
    /// Past its acknowledgement or resolution time limit and still open.
    pub overdue: bool,
    pub escalated: bool,
    pub escalation_level: i64,
    pub assigned: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
#[schema(as = ComplaintEventView)]
pub struct EventView {
    pub at: DateTime<Utc>,
    pub kind: String,
    /// 投诉人, 用人单位, the office (e.g. 山西省太原市小店区人社部门) or 系统.
    pub by: String,
    pub message: String,
    /// Staff only: whether the complainant sees this entry.
    pub internal: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EvidenceView {
    /// hire, agreement or pay_record.
    pub kind: String,
    pub kind_label: &'static str,
    /// Where it was copied from, e.g. `pay_records/<id>`.
    pub source: String,
    #[schema(value_type = Object)]
    pub snapshot: serde_json::Value,
    pub gathered_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub id: Uuid,
    pub held_at: DateTime<Utc>,
    pub place: String,
    pub notes: String,
    pub attendance: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MediationView {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub organisation_kind: String,
    pub organisation_kind_label: &'static str,
    pub organisation_name: String,
    pub parties: String,
    pub status: String,
    pub status_label: &'static str,
    pub agreement: String,
    #[schema(value_type = Option<String>, example = "1200.00")]
    pub amount: Option<Money>,
    pub sessions: Vec<SessionView>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ComplaintDetail {
    pub summary: ComplaintSummary,
    pub description: String,
    pub hire_id: Option<Uuid>,
    pub resolution: String,
    pub assigned_to_me: bool,
    /// complainant, employer or staff: how the caller sees the complaint.
    pub viewer: String,
    pub events: Vec<EventView>,
    /// Staff only (empty for the parties).
    pub evidence: Vec<EvidenceView>,
    pub mediation: Option<MediationView>,
}

/// What one run of the complaints upkeep did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ComplaintsUpkeepReport {
    pub escalated: usize,
    pub notices: usize,
    /// 违规收费 reports moved up a level (they share the channel's time limits).
    pub fee_reports_escalated: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Viewer {
    Complainant,
    Employer,
    Staff,
}

impl Viewer {
    fn as_str(self) -> &'static str {
        match self {
            Viewer::Complainant => "complainant",
            Viewer::Employer => "employer",
            Viewer::Staff => "staff",
        }
    }
}

/// The time limits of a report made at `from` under 三(五) 公开投诉举报渠道 — a complaint or a
/// 违规收费 report (`fee_reports`): (acknowledge by, resolve by), from the `[complaints]`
/// configuration.
pub fn time_limits(
    cfg: &crate::config::ComplaintsConfig,
    from: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    (
        from + Duration::hours(cfg.acknowledge_hours),
        from + Duration::days(cfg.resolve_days),
    )
}

/// Whether a report still being handled is past its limits: one not yet acknowledged is late
/// past either limit, one acknowledged only past the resolution limit.
pub fn past_limits(
    acknowledged: bool,
    acknowledge_due_at: DateTime<Utc>,
    resolve_due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> bool {
    now > resolve_due_at || (!acknowledged && now > acknowledge_due_at)
}

/// What a report past its limits is late for, as (code for the audit, words for the
/// timeline): acknowledging it when it was not acknowledged in time, else resolving it.
pub fn lateness(
    acknowledged: bool,
    acknowledge_due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> (&'static str, &'static str) {
    if !acknowledged && now > acknowledge_due_at {
        ("acknowledge", "超过受理时限仍未受理")
    } else {
        ("resolve", "超过办结时限仍未办结")
    }
}

/// The level an overdue report escalates to from the region handling it: a county's city, a
/// city's province; none above the province.
pub fn escalation_target(handling: &str) -> Option<RegionCode> {
    RegionCode::parse(handling).ok()?.parent()
}

/// Still open and past the acknowledgement or resolution limit.
pub fn is_overdue(c: &ComplaintRow, now: DateTime<Utc>) -> bool {
    match c.status.as_str() {
        "received" => past_limits(false, c.acknowledge_due_at, c.resolve_due_at, now),
        "acknowledged" | "investigating" => {
            past_limits(true, c.acknowledge_due_at, c.resolve_due_at, now)
        }
        _ => false,
    }
}

fn is_open(c: &ComplaintRow) -> bool {
    !matches!(c.status.as_str(), "resolved" | "closed")
}

/// The office a staff member acts for, as the complainant reads it.
fn office_of(actor: &Actor) -> String {
    match actor.scope {
        Some(s) => format!("{}人社部门", s.full_name()),
        None => "人社部门".into(),
    }
}

/// The 人社 office of a region, as people read it (太原市小店区人社部门).
pub(crate) fn county_office(code: &str) -> String {
    RegionCode::parse(code)
        .map(|r| format!("{}人社部门", r.full_name()))
        .unwrap_or_else(|_| "人社部门".into())
}

/// The city of a county code: first four digits and "00".
pub fn city_of(county: &str) -> String {
    format!("{}00", county.get(..4).unwrap_or(county))
}

pub(crate) fn text(field: &str, value: &str, min: usize, max: usize, what: &str) -> Result<String> {
    let t = value.trim();
    let n = t.chars().count();
    if n < min || n > max {
        return Err(ServiceError::invalid(
            field,
            if n == 0 { "required" } else { "text_length" },
            if n == 0 {
                format!("请填写{what}")
            } else {
                format!("{what}应为{min}至{max}字")
            },
        ));
    }
    Ok(t.to_owned())
}

/// A time typed in China Standard Time.
pub fn parse_cst(field: &str, s: &str) -> Result<DateTime<Utc>> {
    let s = s.trim();
    let t = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M"))
        .map_err(|_| {
            ServiceError::invalid(field, "datetime_format", "时间格式应为 2026-12-01 09:30")
        })?;
    Ok(linghuo_storage::truncate_micros(
        t.and_utc() - Duration::hours(8),
    ))
}

fn snapshot_json(r: &EvidenceRow) -> serde_json::Value {
    serde_json::from_str(&r.snapshot).unwrap_or(serde_json::Value::Null)
}

pub(crate) fn notice(
    audience: &str,
    person: Option<Uuid>,
    employer: Option<Uuid>,
    region: &str,
    kind: &str,
    message: String,
    link: String,
    dedupe_key: String,
    now: DateTime<Utc>,
) -> NoticeRow {
    NoticeRow {
        id: Uuid::new_v4(),
        audience: audience.into(),
        person_id: person,
        employer_id: employer,
        region_code: region.into(),
        kind: kind.into(),
        message,
        link,
        dedupe_key,
        created_at: now,
        read_at: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn event(
    complaint_id: Uuid,
    kind: &str,
    audience: &str,
    actor_role: &str,
    actor_user: Option<Uuid>,
    office: String,
    message: String,
    now: DateTime<Utc>,
) -> EventRow {
    EventRow {
        id: Uuid::new_v4(),
        complaint_id,
        position: 0,
        kind: kind.into(),
        audience: audience.into(),
        actor_role: actor_role.into(),
        actor_user_id: actor_user,
        office,
        message,
        created_at: now,
    }
}

impl Service {
    async fn employer_display(&self, id: Uuid) -> Result<Option<String>> {
        Ok(market_repo::employer(&self.db, id).await?.map(|e| {
            if e.kind == "household" {
                mask_name(&e.name)
            } else {
                e.name
            }
        }))
    }

    async fn complaint_summary(
        &self,
        c: &ComplaintRow,
        now: DateTime<Utc>,
    ) -> Result<ComplaintSummary> {
        let complainant = persons::by_id(&self.db, c.person_id)
            .await?
            .map(|p| mask_name(&p.name))
            .unwrap_or_default();
        let employer_name = match c.against_employer_id {
            Some(e) => self.employer_display(e).await?,
            None => None,
        };
        Ok(ComplaintSummary {
            id: c.id,
            category: c.category.clone(),
            category_label: label(CATEGORIES, &c.category),
            status: c.status.as_str().into(),
            status_label: label(STATUSES, c.status.as_str()),
            county_code: c.county_code.clone(),
            county_name: RegionCode::parse(&c.county_code)
                .map(|r| r.full_name())
                .unwrap_or_default(),
            employer_id: c.against_employer_id,
            employer_name,
            complainant,
            created_at: c.created_at,
            acknowledge_due_at: c.acknowledge_due_at,
            resolve_due_at: c.resolve_due_at,
            overdue: is_overdue(c, now),
            escalated: c.escalated_at.is_some(),
            escalation_level: c.escalation_level,
            assigned: c.assigned_to.is_some(),
        })
    }

    /// The complaint and how the caller sees it; anything else is not found (staff outside
    /// the county's region: audited).
    async fn complaint_for(&self, actor: &Actor, id: Uuid) -> Result<(ComplaintRow, Viewer)> {
        let c = repo::complaint(&self.db, id).await?;
        match (actor.role, c) {
            (_, None) => Err(ServiceError::NotFound),
            (Role::Worker, Some(c)) if actor.person_id == Some(c.person_id) => {
                Ok((c, Viewer::Complainant))
            }
            (Role::Employer, Some(c)) => {
                let e = self.employer_of(actor).await?;
                if c.against_employer_id == Some(e.id) {
                    Ok((c, Viewer::Employer))
                } else {
                    Err(ServiceError::NotFound)
                }
            }
            (Role::Staff, Some(c)) => {
                if actor.may_see(&c.county_code, None) {
                    Ok((c, Viewer::Staff))
                } else {
                    Err(self
                        .deny(actor, "complaint", id.to_string(), "complaint")
                        .await)
                }
            }
            _ => Err(ServiceError::NotFound),
        }
    }

    async fn staff_complaint(&self, actor: &Actor, id: Uuid) -> Result<ComplaintRow> {
        actor.require_role(&[Role::Staff])?;
        Ok(self.complaint_for(actor, id).await?.0)
    }

    async fn mediation_view(&self, m: &MediationRow) -> Result<MediationView> {
        let sessions = repo::sessions_of(&self.db, m.id)
            .await?
            .into_iter()
            .map(|s| SessionView {
                id: s.id,
                held_at: s.held_at,
                place: s.place,
                notes: s.notes,
                attendance: s.attendance,
            })
            .collect();
        Ok(MediationView {
            id: m.id,
            complaint_id: m.complaint_id,
            organisation_kind: m.organisation_kind.clone(),
            organisation_kind_label: label(MEDIATORS, &m.organisation_kind),
            organisation_name: m.organisation_name.clone(),
            parties: m.parties.clone(),
            status: m.status.clone(),
            status_label: label(MEDIATION_STATUSES, &m.status),
            agreement: m.agreement.clone(),
            amount: m.amount_fen.map(Money::from_fen),
            sessions,
        })
    }

    async fn complaint_detail(
        &self,
        actor: &Actor,
        c: &ComplaintRow,
        viewer: Viewer,
    ) -> Result<ComplaintDetail> {
        let now = self.clock.now();
        let mut summary = self.complaint_summary(c, now).await?;
        let events = repo::events_of(&self.db, c.id)
            .await?
            .into_iter()
            .filter(|e| match viewer {
                Viewer::Staff => true,
                Viewer::Complainant => e.audience != "staff",
                Viewer::Employer => e.audience == "parties",
            })
            .map(|e| EventView {
                at: e.created_at,
                by: match e.actor_role.as_str() {
                    "worker" => "投诉人".to_owned(),
                    "employer" => "用人单位".to_owned(),
                    "system" => "系统".to_owned(),
                    _ => e.office.clone(),
                },
                internal: e.audience == "staff",
                kind: e.kind,
                message: if viewer == Viewer::Employer {
                    mask_pii_in_text(&e.message)
                } else {
                    e.message
                },
            })
            .collect();
        let evidence = if viewer == Viewer::Staff {
            repo::evidence_of(&self.db, c.id)
                .await?
                .iter()
                .map(|r| EvidenceView {
                    kind: r.kind.clone(),
                    kind_label: match r.kind.as_str() {
                        "hire" => "用工记录",
                        "agreement" => "工作约定",
                        _ => "报酬记录",
                    },
                    source: r.source.clone(),
                    snapshot: snapshot_json(r),
                    gathered_at: r.gathered_at,
                })
                .collect()
        } else {
            Vec::new()
        };
        let mediation = match repo::mediation_of_complaint(&self.db, c.id).await? {
            Some(m) => Some(self.mediation_view(&m).await?),
            None => None,
        };
        if viewer == Viewer::Employer {
            // The employer learns of the complaint, not of the deadlines staff work to.
            summary.escalated = false;
            summary.escalation_level = 0;
        }
        Ok(ComplaintDetail {
            summary,
            description: if viewer == Viewer::Employer {
                mask_pii_in_text(&c.description)
            } else {
                c.description.clone()
            },
            hire_id: c.hire_id,
            resolution: c.resolution.clone(),
            assigned_to_me: c.assigned_to == Some(actor.user_id),
            viewer: viewer.as_str().into(),
            events,
            evidence,
            mediation,
        })
    }

    /// A worker files a complaint (三(五)). Naming one of their hires sets the employer and
    /// the county from the hire and copies the hire, its agreement and its pay records into
    /// the complaint as evidence; otherwise the complaint goes to the worker's own county.
    pub async fn file_complaint(
        &self,
        actor: &Actor,
        input: ComplaintInput,
    ) -> Result<ComplaintDetail> {
        actor.require_role(&[Role::Worker])?;
        let person_id = actor.person_id.ok_or(ServiceError::Forbidden {
            code: "person_missing",
            message: "账户未关联人员信息".into(),
        })?;
        let category = input.category.trim();
        if label(CATEGORIES, category).is_empty() {
            return Err(ServiceError::invalid(
                "category",
                "category_unknown",
                "请选择投诉类别：违规收费、拖欠报酬、劳动安全、就业歧视或其他",
            ));
        }
        let description = text("description", &input.description, 10, 2000, "投诉内容")?;
        let person = persons::by_id(&self.db, person_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let hire = match input.hire_id {
            Some(h) => Some(
                market_repo::hire(&self.db, h)
                    .await?
                    .filter(|h| h.person_id == person_id)
                    .ok_or_else(|| {
                        ServiceError::invalid(
                            "hire_id",
                            "hire_unknown",
                            "请从您本人的用工记录中选择",
                        )
                    })?,
            ),
            None => None,
        };
        let now = self.clock.now();
        let (acknowledge_due_at, resolve_due_at) = time_limits(&self.config.complaints, now);
        let county = hire
            .as_ref()
            .map(|h| h.county_code.clone())
            .unwrap_or_else(|| person.jurisdiction_code.clone());
        let row = ComplaintRow {
            id: Uuid::new_v4(),
            person_id,
            county_code: county.clone(),
            category: category.to_owned(),
            description,
            against_employer_id: hire.as_ref().map(|h| h.employer_id),
            hire_id: hire.as_ref().map(|h| h.id),
            status: ComplaintStatus::Received,
            acknowledge_due_at,
            resolve_due_at,
            acknowledged_at: None,
            escalated_at: None,
            escalation_level: 0,
            assigned_to: None,
            resolution: String::new(),
            resolved_at: None,
            created_at: now,
            updated_at: now,
        };
        // Evidence from the market, read before the write transaction.
        let mut evidence = Vec::new();
        if let Some(h) = &hire {
            let post = market_repo::post(&self.db, h.post_id).await?;
            let employer_name = self.employer_display(h.employer_id).await?;
            evidence.push((
                "hire",
                format!("hires/{}", h.id),
                json!({
                    "hire_id": h.id, "post_id": h.post_id, "post_title": post.as_ref().map(|p| p.title.clone()),
                    "employer_id": h.employer_id, "employer_name": employer_name, "county_code": h.county_code,
                    "form": h.form, "start_date": h.start_date, "status": h.status,
                    "hired_at": h.created_at, "completed_at": h.completed_at,
                    "post_pay": post.as_ref().map(|p| crate::market::stored_pay(p).label()),
                }),
            ));
            if let Some(a) = market_repo::agreement_of_hire(&self.db, h.id).await? {
                evidence.push((
                    "agreement",
                    format!("agreements/{}", a.id),
                    json!({
                        "service_time": a.service_time, "pay": Money::from_fen(a.pay_fen).to_string(), "pay_unit": a.pay_unit,
                        "pay_cycle_days": a.pay_cycle_days, "first_pay_on": a.first_pay_on, "rest": a.rest,
                        "safety": a.safety, "accident_cover": a.accident_cover,
                        "employer_confirmed_at": a.employer_confirmed_at, "worker_confirmed_at": a.worker_confirmed_at,
                        "created_at": a.created_at,
                    }),
                ));
            }
            let today = self.clock.today_cst();
            for p in market_repo::pay_of_hire(&self.db, h.id).await? {
                evidence.push((
                    "pay_record",
                    format!("pay_records/{}", p.id),
                    json!({
                        "period": p.period, "amount": Money::from_fen(p.amount_fen).to_string(), "due_on": p.due_on,
                        "employer_confirmed_at": p.employer_confirmed_at, "worker_confirmed_at": p.worker_confirmed_at,
                        "overdue": p.worker_confirmed_at.is_none() && p.due_on < today,
                    }),
                ));
            }
        }
        let cat = label(CATEGORIES, category);
        let mut tx = self.db.begin().await?;
        repo::insert_complaint(&mut tx, &row).await?;
        for (kind, source, snap) in &evidence {
            repo::insert_evidence(
                &mut tx,
                &EvidenceRow {
                    id: Uuid::new_v4(),
                    complaint_id: row.id,
                    kind: (*kind).into(),
                    source: source.clone(),
                    snapshot: snap.to_string(),
                    gathered_at: now,
                },
            )
            .await?;
        }
        repo::insert_event(
            &mut tx,
            &event(
                row.id,
                "received",
                "parties",
                "system",
                None,
                county_office(&county),
                format!(
                    "投诉已提交（{cat}），由{}受理{}",
                    county_office(&county),
                    if evidence.is_empty() {
                        String::new()
                    } else {
                        format!(
                            "；已自动调取用工记录、工作约定和报酬记录共{}项作为证据",
                            evidence.len()
                        )
                    }
                ),
                now,
            ),
        )
        .await?;
        notice_repo::insert_notice(
            &mut tx,
            &notice(
                "staff",
                None,
                None,
                &county,
                "complaint_received",
                format!("辖区收到一件{cat}投诉，请在时限内受理"),
                format!("/staff/complaints/{}", row.id),
                format!("complaint_received:{}", row.id),
                now,
            ),
        )
        .await?;
        if let Some(e) = row.against_employer_id {
            notice_repo::insert_notice(
                &mut tx,
                &notice(
                    "employer",
                    None,
                    Some(e),
                    &county,
                    "complaint_concerning",
                    format!("有一件涉及贵单位的{cat}投诉，人社部门正在办理，您可以提交情况说明"),
                    format!("/employer/complaints/{}", row.id),
                    format!("complaint_concerning:{}", row.id),
                    now,
                ),
            )
            .await?;
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("complaint_filed", "complaint", row.id)
                .region(county.clone())
                .detail(json!({"category": category, "hire_named": row.hire_id.is_some(), "evidence": evidence.len()})),
        )
        .await?;
        tx.commit().await?;
        self.complaint_detail(actor, &row, Viewer::Complainant)
            .await
    }

    /// The caller's complaints: a worker's own, those concerning an employer, or (staff)
    /// the queue of their region. `status` filters staff lists: `open` (default), `overdue`,
    /// `all` or one state.
    pub async fn list_complaints(
        &self,
        actor: &Actor,
        status: Option<&str>,
    ) -> Result<Vec<ComplaintSummary>> {
        let rows = match actor.role {
            Role::Worker => {
                let p = actor.person_id.ok_or(ServiceError::NotFound)?;
                repo::complaints_of_person(&self.db, p).await?
            }
            Role::Employer => {
                let e = self.employer_of(actor).await?;
                repo::complaints_of_employer(&self.db, e.id).await?
            }
            Role::Staff => {
                let prefix = actor
                    .person_scope_prefix()
                    .ok_or_else(ServiceError::forbidden)?;
                // Under the region's row-level security as well (B4).
                let mut tx = self.db.begin_scoped(&prefix).await?;
                let rows = repo::complaints_in_region(&mut tx, &prefix, 1000).await?;
                tx.commit().await?;
                rows
            }
            _ => return Err(ServiceError::forbidden()),
        };
        let now = self.clock.now();
        let filter = status.map(str::trim).filter(|s| !s.is_empty());
        let keep = |c: &ComplaintRow| -> Result<bool> {
            Ok(match filter {
                None if actor.role == Role::Staff => is_open(c),
                None | Some("all") => true,
                Some("open") => is_open(c),
                Some("overdue") => is_overdue(c, now),
                Some(s) if !label(STATUSES, s).is_empty() => c.status.as_str() == s,
                Some(_) => {
                    return Err(ServiceError::invalid(
                        "status",
                        "status_unknown",
                        "状态应为 open、overdue、all 或某一办理状态",
                    ));
                }
            })
        };
        let mut out = Vec::new();
        for c in &rows {
            if keep(c)? {
                let mut s = self.complaint_summary(c, now).await?;
                if actor.role == Role::Employer {
                    s.escalated = false;
                    s.escalation_level = 0;
                }
                out.push(s);
            }
        }
        if actor.role == Role::Staff {
            // Overdue first, then the oldest.
            out.sort_by_key(|s| (!s.overdue, s.created_at));
        }
        Ok(out)
    }

    /// One page of the staff queue: `filter` is `open` (the default), `overdue`, `all` or a
    /// status; searched by the complainant's or the employer's name. Overdue first, then the
    /// oldest. Each line carries the complainant's person record for the staff link.
    pub async fn complaints_page(
        &self,
        actor: &Actor,
        filter: &str,
        q: &crate::paging::PageQuery,
    ) -> Result<crate::paging::Paged<(ComplaintSummary, Uuid)>> {
        actor.require_role(&[Role::Staff])?;
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let filter = match filter.trim() {
            "" => "open",
            f @ ("open" | "overdue" | "all") => f,
            f if !label(STATUSES, f).is_empty() => f,
            _ => {
                return Err(ServiceError::invalid(
                    "status",
                    "status_unknown",
                    "状态应为 open、overdue、all 或某一办理状态",
                ));
            }
        };
        let now = self.clock.now();
        let mut tx = self.db.begin_scoped(&prefix).await?;
        let (rows, total) = repo::complaints_in_region_page(
            &mut tx,
            &prefix,
            filter,
            now,
            &q.like(),
            q.limit(),
            q.offset(),
        )
        .await?;
        tx.commit().await?;
        let mut out = Vec::with_capacity(rows.len());
        for c in &rows {
            out.push((self.complaint_summary(c, now).await?, c.person_id));
        }
        Ok(crate::paging::Paged::new(out, q, total))
    }

    pub async fn get_complaint(&self, actor: &Actor, id: Uuid) -> Result<ComplaintDetail> {
        let (c, viewer) = self.complaint_for(actor, id).await?;
        self.complaint_detail(actor, &c, viewer).await
    }

    /// Writes an event, an optional notice to the complainant and the audit row, then commits.
    #[allow(clippy::too_many_arguments)]
    async fn finish_change(
        &self,
        mut tx: Tx,
        actor: &Actor,
        c: &ComplaintRow,
        ev: EventRow,
        tell_complainant: Option<String>,
        audit_type: &'static str,
        detail: serde_json::Value,
    ) -> Result<()> {
        let now = ev.created_at;
        let ev_id = ev.id;
        repo::insert_event(&mut tx, &ev).await?;
        if let Some(m) = tell_complainant {
            notice_repo::insert_notice(
                &mut tx,
                &notice(
                    "worker",
                    Some(c.person_id),
                    None,
                    &c.county_code,
                    "complaint_progress",
                    m,
                    format!("/complaints/{}", c.id),
                    format!("complaint_progress:{}:{ev_id}", c.id),
                    now,
                ),
            )
            .await?;
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new(audit_type, "complaint", c.id)
                .region(c.county_code.clone())
                .detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    fn lost(code: &'static str, message: &str) -> ServiceError {
        ServiceError::Conflict {
            code,
            message: message.into(),
        }
    }

    /// Staff confirm receipt (received → acknowledged).
    pub async fn acknowledge_complaint(&self, actor: &Actor, id: Uuid) -> Result<ComplaintDetail> {
        let c = self.staff_complaint(actor, id).await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::acknowledge(&mut tx, id, now).await? {
            return Err(Self::lost("complaint_not_received", "该投诉已受理或已办结"));
        }
        let office = office_of(actor);
        let ev = event(
            id,
            "acknowledged",
            "parties",
            "staff",
            Some(actor.user_id),
            office.clone(),
            format!("{office}已受理投诉，正在核查"),
            now,
        );
        self.finish_change(
            tx,
            actor,
            &c,
            ev,
            Some(format!(
                "您的{}投诉已由{office}受理",
                label(CATEGORIES, &c.category)
            )),
            "complaint_acknowledged",
            json!({}),
        )
        .await?;
        self.get_complaint(actor, id).await
    }

    /// A staff member takes the complaint on (→ investigating, assigned to them).
    pub async fn assign_complaint(&self, actor: &Actor, id: Uuid) -> Result<ComplaintDetail> {
        let c = self.staff_complaint(actor, id).await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::assign(&mut tx, id, actor.user_id, now).await? {
            return Err(Self::lost("complaint_closed", "该投诉已办结或已转调解"));
        }
        let office = office_of(actor);
        let ev = event(
            id,
            "assigned",
            "parties",
            "staff",
            Some(actor.user_id),
            office.clone(),
            format!("{office}已安排专人调查处理"),
            now,
        );
        self.finish_change(
            tx,
            actor,
            &c,
            ev,
            Some("您的投诉已安排专人调查处理".into()),
            "complaint_assigned",
            json!({"assigned_to": actor.user_id}),
        )
        .await?;
        self.get_complaint(actor, id).await
    }

    /// A staff note: internal, or also shown to the complainant.
    pub async fn add_complaint_note(
        &self,
        actor: &Actor,
        id: Uuid,
        input: TextInput,
    ) -> Result<ComplaintDetail> {
        let c = self.staff_complaint(actor, id).await?;
        let note = text("text", &input.text, 1, 2000, "记录内容")?;
        let now = self.clock.now();
        let tx = self.db.begin().await?;
        let ev = event(
            id,
            "note",
            if input.tell_complainant {
                "complainant"
            } else {
                "staff"
            },
            "staff",
            Some(actor.user_id),
            office_of(actor),
            note,
            now,
        );
        self.finish_change(
            tx,
            actor,
            &c,
            ev,
            input
                .tell_complainant
                .then(|| "您的投诉有新的办理进展".to_owned()),
            "complaint_note_added",
            json!({"tell_complainant": input.tell_complainant}),
        )
        .await?;
        self.get_complaint(actor, id).await
    }

    /// The complainant or the employer named adds a statement while the complaint is open.
    pub async fn add_complaint_statement(
        &self,
        actor: &Actor,
        id: Uuid,
        input: TextInput,
    ) -> Result<ComplaintDetail> {
        let (c, viewer) = self.complaint_for(actor, id).await?;
        if viewer == Viewer::Staff {
            return Err(ServiceError::forbidden());
        }
        let statement = text("text", &input.text, 1, 2000, "说明内容")?;
        if !is_open(&c) {
            return Err(Self::lost(
                "complaint_closed",
                "该投诉已办结，不能再补充说明",
            ));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (role, audience, who) = if viewer == Viewer::Employer {
            ("employer", "parties", "用人单位")
        } else {
            ("worker", "complainant", "投诉人")
        };
        notice_repo::insert_notice(
            &mut tx,
            &notice(
                "staff",
                None,
                None,
                &c.county_code,
                "complaint_statement",
                format!(
                    "{who}对一件{}投诉补充了说明",
                    label(CATEGORIES, &c.category)
                ),
                format!("/staff/complaints/{}", c.id),
                format!("complaint_statement:{}:{}", c.id, Uuid::new_v4()),
                now,
            ),
        )
        .await?;
        let ev = event(
            id,
            "statement",
            audience,
            role,
            Some(actor.user_id),
            String::new(),
            statement,
            now,
        );
        self.finish_change(
            tx,
            actor,
            &c,
            ev,
            (viewer == Viewer::Employer).then(|| "用人单位对您的投诉提交了情况说明".to_owned()),
            "complaint_statement_added",
            json!({"by": role}),
        )
        .await?;
        self.get_complaint(actor, id).await
    }

    /// Staff resolve the complaint with a resolution the complainant sees.
    pub async fn resolve_complaint(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ResolveInput,
    ) -> Result<ComplaintDetail> {
        let c = self.staff_complaint(actor, id).await?;
        let resolution = text("resolution", &input.resolution, 5, 2000, "办理结果")?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::resolve(&mut tx, id, &resolution, now).await? {
            return Err(Self::lost(
                "complaint_not_open",
                "该投诉尚未受理，或已办结、已转调解",
            ));
        }
        let office = office_of(actor);
        let ev = event(
            id,
            "resolved",
            "parties",
            "staff",
            Some(actor.user_id),
            office.clone(),
            format!("{office}已办结：{resolution}"),
            now,
        );
        self.finish_change(
            tx,
            actor,
            &c,
            ev,
            Some(format!(
                "您的{}投诉已办结，请查看办理结果",
                label(CATEGORIES, &c.category)
            )),
            "complaint_resolved",
            json!({"late": now > c.resolve_due_at}),
        )
        .await?;
        self.get_complaint(actor, id).await
    }

    /// Staff refer the complaint to mediation (四(十)) and open the mediation case.
    pub async fn refer_to_mediation(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ReferInput,
    ) -> Result<ComplaintDetail> {
        let c = self.staff_complaint(actor, id).await?;
        let kind = input.organisation_kind.trim();
        if label(MEDIATORS, kind).is_empty() {
            return Err(ServiceError::invalid(
                "organisation_kind",
                "mediator_unknown",
                "请选择调解组织：人民调解组织、企业劳动争议调解委员会或行业协会",
            ));
        }
        let name = text(
            "organisation_name",
            &input.organisation_name,
            2,
            100,
            "调解组织名称",
        )?;
        let parties = text("parties", &input.parties, 2, 300, "当事各方")?;
        let now = self.clock.now();
        let m = MediationRow {
            id: Uuid::new_v4(),
            complaint_id: id,
            organisation_kind: kind.into(),
            organisation_name: name.clone(),
            parties,
            status: "open".into(),
            agreement: String::new(),
            amount_fen: None,
            created_by: Some(actor.user_id),
            created_at: now,
            closed_at: None,
        };
        let mut tx = self.db.begin().await?;
        if !repo::refer(&mut tx, id, now).await? {
            return Err(Self::lost(
                "complaint_not_open",
                "该投诉尚未受理，或已办结、已转调解",
            ));
        }
        repo::insert_mediation(&mut tx, &m).await?;
        let ev = event(
            id,
            "referred",
            "parties",
            "staff",
            Some(actor.user_id),
            office_of(actor),
            format!("已转交{name}（{}）调解", label(MEDIATORS, kind)),
            now,
        );
        self.finish_change(
            tx,
            actor,
            &c,
            ev,
            Some(format!("您的投诉已转交{name}调解")),
            "complaint_referred",
            json!({"mediation_id": m.id, "organisation_kind": kind}),
        )
        .await?;
        self.get_complaint(actor, id).await
    }

    async fn staff_mediation(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<(MediationRow, ComplaintRow)> {
        actor.require_role(&[Role::Staff])?;
        let m = repo::mediation(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let c = self.staff_complaint(actor, m.complaint_id).await?;
        Ok((m, c))
    }

    /// A mediation case, for staff of the region and the two parties.
    pub async fn get_mediation(&self, actor: &Actor, id: Uuid) -> Result<MediationView> {
        let m = repo::mediation(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.complaint_for(actor, m.complaint_id).await?;
        self.mediation_view(&m).await
    }

    /// Staff schedule (or record) a mediation session.
    pub async fn schedule_mediation_session(
        &self,
        actor: &Actor,
        mediation_id: Uuid,
        input: SessionInput,
    ) -> Result<MediationView> {
        let (m, c) = self.staff_mediation(actor, mediation_id).await?;
        let held_at = parse_cst("held_at", &input.held_at)?;
        let place = text("place", &input.place, 2, 200, "调解地点")?;
        let notes = text("notes", &input.notes, 0, 2000, "记录")?;
        let attendance = text("attendance", &input.attendance, 0, 300, "参加人员")?;
        if m.status != "open" {
            return Err(Self::lost("mediation_closed", "该调解已结束"));
        }
        let now = self.clock.now();
        let s = SessionRow {
            id: Uuid::new_v4(),
            case_id: m.id,
            held_at,
            place: place.clone(),
            notes,
            attendance,
            created_by: Some(actor.user_id),
            created_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert_session(&mut tx, &s).await?;
        let when = (held_at + Duration::hours(8))
            .format("%Y年%m月%d日 %H:%M")
            .to_string();
        if let Some(e) = c.against_employer_id {
            notice_repo::insert_notice(
                &mut tx,
                &notice(
                    "employer",
                    None,
                    Some(e),
                    &c.county_code,
                    "mediation_session",
                    format!("调解会定于{when}在{place}举行，请准时参加"),
                    format!("/employer/complaints/{}", c.id),
                    format!("mediation_session:{}:employer", s.id),
                    now,
                ),
            )
            .await?;
        }
        let ev = event(
            c.id,
            "mediation_session",
            "parties",
            "staff",
            Some(actor.user_id),
            m.organisation_name.clone(),
            format!("调解会定于{when}在{place}举行"),
            now,
        );
        // The audit row names the mediation case; the event and notice the complaint.
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("mediation_session_scheduled", "mediation_case", m.id)
                .region(c.county_code.clone())
                .detail(json!({"session_id": s.id})),
        )
        .await?;
        repo::insert_event(&mut tx, &ev).await?;
        notice_repo::insert_notice(
            &mut tx,
            &notice(
                "worker",
                Some(c.person_id),
                None,
                &c.county_code,
                "mediation_session",
                format!("调解会定于{when}在{place}举行，请准时参加"),
                format!("/complaints/{}", c.id),
                format!("mediation_session:{}:worker", s.id),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        self.mediation_view(&m).await
    }

    /// Staff record the mediation's outcome; the complaint is then closed.
    pub async fn record_mediation_outcome(
        &self,
        actor: &Actor,
        mediation_id: Uuid,
        input: OutcomeInput,
    ) -> Result<MediationView> {
        let (m, c) = self.staff_mediation(actor, mediation_id).await?;
        let outcome = input.outcome.trim();
        if !matches!(outcome, "agreed" | "failed") {
            return Err(ServiceError::invalid(
                "outcome",
                "outcome_unknown",
                "调解结果应为达成协议（agreed）或调解不成（failed）",
            ));
        }
        let agreement = if outcome == "agreed" {
            text("agreement", &input.agreement, 5, 2000, "调解协议内容")?
        } else {
            text("agreement", &input.agreement, 0, 2000, "说明")?
        };
        let amount = match input
            .amount
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(a) => Some(
                Money::parse_non_negative(a)
                    .map_err(|e| ServiceError::field("amount", e))?
                    .fen(),
            ),
            None => None,
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::set_mediation_outcome(&mut tx, m.id, outcome, &agreement, amount, now).await? {
            return Err(Self::lost("mediation_closed", "该调解已记录结果"));
        }
        let summary = if outcome == "agreed" {
            format!(
                "调解达成协议：{agreement}{}",
                amount
                    .map(|f| format!("（约定金额{}）", Money::from_fen(f).to_display()))
                    .unwrap_or_default()
            )
        } else if agreement.is_empty() {
            "调解不成。可依法申请劳动争议仲裁或向人民法院起诉".to_owned()
        } else {
            format!("调解不成：{agreement}。可依法申请劳动争议仲裁或向人民法院起诉")
        };
        if !repo::close(&mut tx, c.id, &summary, now).await? {
            return Err(Self::lost("complaint_not_referred", "该投诉不在调解中"));
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("mediation_outcome_recorded", "mediation_case", m.id)
                .region(c.county_code.clone())
                .detail(json!({"outcome": outcome, "amount_fen": amount})),
        )
        .await?;
        let ev = event(
            c.id,
            "mediation_outcome",
            "parties",
            "staff",
            Some(actor.user_id),
            m.organisation_name.clone(),
            summary,
            now,
        );
        self.finish_change(
            tx,
            actor,
            &c,
            ev,
            Some("您的投诉调解已有结果，请查看".into()),
            "complaint_closed",
            json!({"outcome": outcome}),
        )
        .await?;
        let m = repo::mediation(&self.db, m.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.mediation_view(&m).await
    }

    /// The scheduled complaints upkeep (idempotent, every server may run it): a complaint
    /// past its acknowledgement or resolution limit is escalated once to the city, with
    /// notices to the staff of the city and of the county; then the 违规收费 reports of the
    /// same channel ([`Service::fee_reports_upkeep`]).
    pub async fn complaints_upkeep(&self) -> Result<ComplaintsUpkeepReport> {
        let now = self.clock.now();
        let mut report = ComplaintsUpkeepReport::default();
        for c in repo::unescalated_open(&self.db).await? {
            if !is_overdue(&c, now) {
                continue;
            }
            let (reason, what) = lateness(
                c.status != ComplaintStatus::Received,
                c.acknowledge_due_at,
                now,
            );
            let city = escalation_target(&c.county_code)
                .map_or_else(|| city_of(&c.county_code), |r| r.as_str());
            let city_office = county_office(&city);
            let cat = label(CATEGORIES, &c.category);
            let mut tx = self.db.begin().await?;
            if !repo::escalate(&mut tx, c.id, now).await? {
                tx.rollback().await?;
                continue;
            }
            repo::insert_event(
                &mut tx,
                &event(
                    c.id,
                    "escalated",
                    "complainant",
                    "system",
                    None,
                    city_office.clone(),
                    format!("投诉{what}，已报{city_office}督办"),
                    now,
                ),
            )
            .await?;
            for (region, who) in [(city.as_str(), "city"), (c.county_code.as_str(), "county")] {
                if notice_repo::insert_notice(
                    &mut tx,
                    &notice(
                        "staff",
                        None,
                        None,
                        region,
                        "complaint_escalated",
                        if who == "city" {
                            format!(
                                "下辖{}一件{cat}投诉{what}，已提级督办",
                                county_office(&c.county_code)
                            )
                        } else {
                            format!("一件{cat}投诉{what}，已报{city_office}督办，请尽快办理")
                        },
                        format!("/staff/complaints/{}", c.id),
                        format!("complaint_escalated:{}:{who}", c.id),
                        now,
                    ),
                )
                .await?
                {
                    report.notices += 1;
                }
            }
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::system(),
                Event::new("complaint_escalated", "complaint", c.id)
                    .region(c.county_code.clone())
                    .detail(json!({"reason": reason, "to": city, "level": c.escalation_level + 1})),
            )
            .await?;
            tx.commit().await?;
            report.escalated += 1;
        }
        let fees = self.fee_reports_upkeep().await?;
        report.fee_reports_escalated = fees.escalated;
        report.notices += fees.notices;
        Ok(report)
    }

    /// For the staff workbench: (open complaints, overdue complaints) in the caller's region.
    pub async fn complaints_workbench_counts(&self, actor: &Actor) -> Result<(usize, usize)> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let now = self.clock.now();
        let mut tx = self.db.begin_scoped(&prefix).await?;
        let rows = repo::complaints_in_region(&mut tx, &prefix, 5000).await?;
        tx.commit().await?;
        Ok((
            rows.iter().filter(|c| is_open(c)).count(),
            rows.iter().filter(|c| is_overdue(c, now)).count(),
        ))
    }

    /// The staff queue as a table to download (complainants masked).
    pub async fn complaints_sheet(&self, actor: &Actor, status: Option<&str>) -> Result<Sheet> {
        actor.require_role(&[Role::Staff])?;
        let list = self.list_complaints(actor, status).await?;
        let cst = |t: DateTime<Utc>| {
            (t + Duration::hours(8))
                .format("%Y-%m-%d %H:%M")
                .to_string()
        };
        Ok(Sheet {
            title: "投诉调解".into(),
            headers: [
                "投诉编号",
                "类别",
                "状态",
                "承办县区",
                "被投诉单位",
                "投诉人",
                "提交时间",
                "受理时限",
                "办结时限",
                "是否逾期",
                "是否提级督办",
            ]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
            rows: list
                .into_iter()
                .map(|s| {
                    vec![
                        Cell::text(s.id.to_string()),
                        Cell::text(s.category_label),
                        Cell::text(s.status_label),
                        Cell::text(s.county_name),
                        Cell::from(s.employer_name),
                        Cell::text(s.complainant),
                        Cell::text(cst(s.created_at)),
                        Cell::text(cst(s.acknowledge_due_at)),
                        Cell::text(cst(s.resolve_due_at)),
                        Cell::text(if s.overdue { "是" } else { "否" }),
                        Cell::text(if s.escalated { "是" } else { "否" }),
                    ]
                })
                .collect(),
        })
    }
}
