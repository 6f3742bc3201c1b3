//! 违规收费 reports (三(五) 取消部分收费……建立公开投诉举报渠道，依法查处违规收费行为): anyone,
//! signed in or not, reports a fee charged improperly — to a flexible worker, or to an 个体工商户
//! by an authority — naming what fee, who charged it (the kind of department), where, when and
//! how much. Nothing identifies the reporter unless they leave a phone number (sealed, shown to
//! staff masked). The report is routed by the kind of department to the responsible
//! department in the reference list (`fee_departments`: the county's entry, else the city's,
//! else the province's), and gets the same time limits as complaints
//! ([`crate::complaints::time_limits`]). Staff of the county (or above) accept it, forward it
//! to the department and record the outcome; the reporter follows it with the tracking code
//! they were given (kept only as a keyed hash, posted in a form, never in a URL). A report
//! overdue at the county escalates as complaints do ([`Service::fee_reports_upkeep`], run by
//! the complaints upkeep): to the city's responsible department with fresh time limits, and
//! overdue again there, to the province's.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use linghuo_domain::{Money, Phone, RegionCode, RegionLevel, find_unmasked_pii};
use linghuo_storage::notices::{self as notice_repo, NoticeRow};
use linghuo_storage::publicity::{self as repo, DepartmentRow, FeeEventRow, FeeReportRow};
use linghuo_storage::status::FeeReportStatus;
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, RequestMeta, Role};
use crate::audit::{self, AuditActor, Event};
use crate::complaints::{
    county_office, escalation_target, lateness, notice, past_limits, text, time_limits,
};
use crate::error::{Result, ServiceError};
use crate::protect;

/// Who charged the fee (the kind of department): code and label.
pub const CHARGER_KINDS: &[(&str, &str)] = &[
    ("market_regulation", "市场监管部门"),
    ("urban_management", "城管（城市管理）部门"),
    ("tax", "税务部门"),
    ("hrss", "人社部门"),
    ("transport", "交通运输部门"),
    ("platform", "互联网平台或中介机构"),
    ("other", "其他单位"),
];

/// Who paid it: code and label.
pub const PAYER_KINDS: &[(&str, &str)] = &[
    ("individual_business", "个体工商户"),
    ("flexible_worker", "灵活就业人员（个人）"),
    ("other", "其他"),
];

/// Report states: code and label.
pub const REPORT_STATUSES: &[(&str, &str)] = &[
    ("received", "已提交，待受理"),
    ("accepted", "已受理，正在核查"),
    ("forwarded", "已转交职能部门查处"),
    ("resolved", "已办结"),
];

/// Outcomes: code and label.
pub const OUTCOMES: &[(&str, &str)] = &[
    ("corrected", "违规收费已纠正、款项已退还"),
    ("penalised", "已立案查处"),
    ("compliant", "经核查属合规收费"),
    ("unverifiable", "线索不足，暂无法查实"),
];

/// Who handles a report by its escalation level: the county, the city, the province.
pub const LEVELS: &[&str] = &["县级办理", "已提级，由市级督办", "已提级，由省级督办"];

pub fn level_label(level: i64) -> &'static str {
    LEVELS[level.clamp(0, 2) as usize]
}

/// The region handling a report of `county` at `level` (0 the county, 1 its city, 2 the
/// province), by the complaints' escalation steps.
pub fn handling_region(county: &str, level: i64) -> String {
    let mut region = county.to_owned();
    for _ in 0..level.clamp(0, 2) {
        match escalation_target(&region) {
            Some(up) => region = up.as_str(),
            None => break,
        }
    }
    region
}

/// Tracking codes: 16 characters of this alphabet (80 bits), shown in groups of four.
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const CODE_LEN: usize = 16;

fn label(list: &[(&str, &'static str)], code: &str) -> &'static str {
    list.iter()
        .find(|(c, _)| *c == code)
        .map(|(_, l)| *l)
        .unwrap_or("")
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeReportInput {
    /// The county where the fee was charged (six digits).
    pub county_code: String,
    /// Who charged it: market_regulation, urban_management, tax, hrss, transport, platform or
    /// other.
    pub charged_by_kind: String,
    /// The unit's name if known, e.g. 某街道城管中队 (optional, at most 60 characters).
    #[serde(default)]
    pub charged_by_name: String,
    /// Who paid: individual_business, flexible_worker or other.
    pub payer_kind: String,
    /// What the fee was called, e.g. 占道费, 2 to 60 characters.
    pub fee_name: String,
    /// Amount in yuan, decimal, e.g. "200.00".
    pub amount: String,
    /// When it was charged, YYYY-MM-DD (not in the future).
    pub charged_on: String,
    /// Where exactly (optional, at most 100 characters).
    #[serde(default)]
    pub place: String,
    /// What happened, 10 to 2000 characters.
    pub description: String,
    /// A mainland mobile number to be called back on (optional; sealed, shown to staff masked).
    #[serde(default)]
    pub contact_phone: String,
}

/// What the reporter is given once: the tracking code and where the report went.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FeeReportReceipt {
    /// Shown only now; the platform keeps only its hash. e.g. 7K3M-Q9XD-2HPA-TR4C.
    pub tracking_code: String,
    pub department_name: String,
    pub department_phone: String,
    pub county_name: String,
    pub acknowledge_due_at: DateTime<Utc>,
    pub resolve_due_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackInput {
    /// The tracking code (dashes, spaces and case do not matter).
    pub code: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FeeEventView {
    pub at: DateTime<Utc>,
    /// The office, or 系统.
    pub by: String,
    pub message: String,
    /// Staff only: whether the reporter sees this entry.
    pub public: bool,
}

/// A report as the reporter (by tracking code) or staff see it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FeeReportView {
    /// Staff only (the reporter has the tracking code).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<Uuid>,
    pub county_code: String,
    pub county_name: String,
    pub charged_by_kind: String,
    pub charged_by_label: &'static str,
    pub charged_by_name: String,
    pub payer_kind: String,
    pub payer_label: &'static str,
    pub fee_name: String,
    #[schema(value_type = String, example = "200.00")]
    pub amount: Money,
    pub charged_on: NaiveDate,
    pub place: String,
    pub description: String,
    /// Staff only, masked (138****5678); absent when none was left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_phone: Option<String>,
    pub department_kind: String,
    pub department_name: String,
    pub department_phone: String,
    pub status: String,
    pub status_label: &'static str,
    /// 0 the county handles it, 1 escalated to the city, 2 to the province.
    pub escalation_level: i64,
    /// 县级办理, 已提级，由市级督办 or 已提级，由省级督办.
    pub escalation_label: &'static str,
    /// The 人社 office handling it now, e.g. 太原市人社部门.
    pub handling_office: String,
    /// When it was last escalated.
    pub escalated_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    pub outcome_label: &'static str,
    pub outcome_note: String,
    pub acknowledge_due_at: DateTime<Utc>,
    pub resolve_due_at: DateTime<Utc>,
    /// Still open and past a time limit.
    pub overdue: bool,
    pub created_at: DateTime<Utc>,
    pub events: Vec<FeeEventView>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardInput {
    /// The kind of department to forward to; empty: the one the report was routed to.
    #[serde(default)]
    pub department_kind: String,
    /// A note for the record (optional, staff only).
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeOutcomeInput {
    /// corrected, penalised, compliant or unverifiable.
    pub outcome: String,
    /// What was found and done, 5 to 2000 characters; the reporter sees it.
    pub note: String,
}

/// Counts for one kind of department that charged.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct FeeStatsRow {
    pub kind: String,
    pub kind_label: &'static str,
    pub total: i64,
    /// Not yet resolved.
    pub open: i64,
    /// Resolved, by outcome code (corrected, penalised, compliant, unverifiable).
    pub outcomes: BTreeMap<String, i64>,
}

impl FeeStatsRow {
    /// How many were resolved with this outcome.
    pub fn outcome(&self, code: &str) -> i64 {
        self.outcomes.get(code).copied().unwrap_or(0)
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct FeeStats {
    pub region_code: String,
    pub region_name: String,
    /// One row per kind of department, in the order of the form.
    pub rows: Vec<FeeStatsRow>,
    pub total: FeeStatsRow,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepartmentInput {
    /// The kind of charging department this entry handles (as in reports).
    pub kind: String,
    /// 140000 for the whole province, a city or a county code.
    pub region_code: String,
    /// The responsible department, 2 to 60 characters.
    pub name: String,
    /// A phone to call (optional, at most 20 characters).
    #[serde(default)]
    pub phone: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct DepartmentView {
    pub kind: String,
    pub kind_label: &'static str,
    pub region_code: String,
    pub region_name: String,
    pub name: String,
    pub phone: String,
}

/// A new tracking code, e.g. 7K3M-Q9XD-2HPA-TR4C.
fn new_code() -> String {
    let mut rng = rand::rngs::OsRng;
    let raw: String = (0..CODE_LEN)
        .map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char)
        .collect();
    raw.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("-")
}

/// A code as typed, in the form it is hashed: upper case, without dashes and spaces.
fn normalise_code(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn region_name(code: &str) -> String {
    RegionCode::parse(code)
        .map(|r| r.full_name())
        .unwrap_or_default()
}

fn office_of(actor: &Actor) -> String {
    match actor.scope {
        Some(s) => format!("{}人社部门", s.full_name()),
        None => "人社部门".into(),
    }
}

fn kind_field(field: &str, v: &str, list: &[(&str, &'static str)], what: &str) -> Result<String> {
    let v = v.trim();
    if label(list, v).is_empty() {
        let names: Vec<&str> = list.iter().map(|(_, l)| *l).collect();
        return Err(ServiceError::invalid(
            field,
            if v.is_empty() {
                "required"
            } else {
                "choice_unknown"
            },
            format!("请选择{what}：{}", names.join("、")),
        ));
    }
    Ok(v.to_owned())
}

fn is_open(r: &FeeReportRow) -> bool {
    r.status != FeeReportStatus::Resolved
}

/// Still open and past a time limit (the complaints' rule).
pub fn report_overdue(r: &FeeReportRow, now: DateTime<Utc>) -> bool {
    is_open(r)
        && past_limits(
            r.status != FeeReportStatus::Received,
            r.acknowledge_due_at,
            r.resolve_due_at,
            now,
        )
}

/// The department for a kind of charger in a county, for a report handled at `level`: the
/// handling level's entry, else the next level's up to the province's (at the county: the
/// county's, else the city's, else the province's).
fn route<'a>(
    list: &'a [DepartmentRow],
    kind: &str,
    county: &str,
    level: i64,
) -> Option<&'a DepartmentRow> {
    (level.clamp(0, 2)..=2)
        .map(|l| handling_region(county, l))
        .find_map(|r| list.iter().find(|d| d.kind == kind && d.region_code == r))
}

/// What one run of [`Service::fee_reports_upkeep`] did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct FeeUpkeepReport {
    pub escalated: usize,
    pub notices: usize,
}

fn event(
    report: Uuid,
    kind: &str,
    public: bool,
    office: String,
    message: String,
    actor: Option<Uuid>,
    now: DateTime<Utc>,
) -> FeeEventRow {
    FeeEventRow {
        id: Uuid::new_v4(),
        report_id: report,
        seq: 0,
        kind: kind.into(),
        public,
        office,
        message,
        actor_user_id: actor,
        created_at: now,
    }
}

impl Service {
    fn code_hash(&self, code: &str) -> Vec<u8> {
        self.keys
            .blind_index("fee_report_code", &normalise_code(code))
    }

    async fn report_view(&self, r: &FeeReportRow, staff: bool) -> Result<FeeReportView> {
        let now = self.clock.now();
        let events = repo::events_of(&self.db, r.id)
            .await?
            .into_iter()
            .filter(|e| staff || e.public)
            .map(|e| FeeEventView {
                at: e.created_at,
                by: if e.office.is_empty() {
                    "系统".into()
                } else {
                    e.office
                },
                message: e.message,
                public: e.public,
            })
            .collect();
        let contact_phone = match (&r.contact_phone_cipher, staff) {
            (Some(sealed), true) => {
                let plain = self
                    .keys
                    .open(
                        &protect::context("fee_reports.contact_phone", &r.id),
                        sealed,
                    )
                    .map_err(|e| ServiceError::Internal(format!("fee report phone: {e}")))?;
                let s = String::from_utf8_lossy(&plain).into_owned();
                Some(
                    Phone::parse(&s)
                        .map(|p| p.masked())
                        .unwrap_or_else(|_| linghuo_domain::mask_phone_str(&s)),
                )
            }
            _ => None,
        };
        Ok(FeeReportView {
            id: staff.then_some(r.id),
            county_code: r.county_code.clone(),
            county_name: region_name(&r.county_code),
            charged_by_kind: r.charged_by_kind.clone(),
            charged_by_label: label(CHARGER_KINDS, &r.charged_by_kind),
            charged_by_name: r.charged_by_name.clone(),
            payer_kind: r.payer_kind.clone(),
            payer_label: label(PAYER_KINDS, &r.payer_kind),
            fee_name: r.fee_name.clone(),
            amount: Money::from_fen(r.amount_fen),
            charged_on: r.charged_on,
            place: r.place.clone(),
            description: r.description.clone(),
            contact_phone,
            department_kind: r.department_kind.clone(),
            department_name: r.department_name.clone(),
            department_phone: r.department_phone.clone(),
            status: r.status.as_str().into(),
            status_label: label(REPORT_STATUSES, r.status.as_str()),
            escalation_level: r.escalation_level,
            escalation_label: level_label(r.escalation_level),
            handling_office: county_office(&handling_region(&r.county_code, r.escalation_level)),
            escalated_at: r.escalated_at,
            outcome: r.outcome.clone(),
            outcome_label: r
                .outcome
                .as_deref()
                .map(|o| label(OUTCOMES, o))
                .unwrap_or(""),
            outcome_note: r.outcome_note.clone(),
            acknowledge_due_at: r.acknowledge_due_at,
            resolve_due_at: r.resolve_due_at,
            overdue: report_overdue(r, now),
            created_at: r.created_at,
            events,
        })
    }

    /// Anyone reports an improper fee (no account needed). Every field is checked before
    /// anything is written; the receipt carries the tracking code, shown only this once.
    pub async fn report_fee(
        &self,
        actor: Option<&Actor>,
        meta: &RequestMeta,
        input: FeeReportInput,
    ) -> Result<FeeReportReceipt> {
        Ok(self.file_fee_report(actor, meta, input).await?.1)
    }

    /// [`Service::report_fee`], also giving the report's id (the demo handles what it seeds).
    pub(crate) async fn file_fee_report(
        &self,
        actor: Option<&Actor>,
        meta: &RequestMeta,
        input: FeeReportInput,
    ) -> Result<(Uuid, FeeReportReceipt)> {
        let county = RegionCode::parse(input.county_code.trim())
            .map_err(|e| ServiceError::field("county_code", e))?;
        if county.level() != RegionLevel::County {
            return Err(ServiceError::invalid(
                "county_code",
                "county_required",
                "请选择收费发生地所在的县（市、区）",
            ));
        }
        let charged_by_kind = kind_field(
            "charged_by_kind",
            &input.charged_by_kind,
            CHARGER_KINDS,
            "收费单位类别",
        )?;
        let charged_by_name = text(
            "charged_by_name",
            &input.charged_by_name,
            0,
            60,
            "收费单位名称",
        )?;
        let payer_kind = kind_field("payer_kind", &input.payer_kind, PAYER_KINDS, "被收费人身份")?;
        let fee_name = text("fee_name", &input.fee_name, 2, 60, "收费名目")?;
        let amount = Money::parse_non_negative(input.amount.trim())
            .map_err(|e| ServiceError::field("amount", e))?;
        if amount.fen() > 100_000_000 {
            return Err(ServiceError::invalid(
                "amount",
                "amount_too_large",
                "金额不能超过1,000,000.00元",
            ));
        }
        let today = self.clock.today_cst();
        let charged_on =
            linghuo_policy::calendar::parse_date(input.charged_on.trim()).ok_or_else(|| {
                ServiceError::invalid("charged_on", "date_format", "收费日期格式应为 2026-06-01")
            })?;
        if charged_on > today {
            return Err(ServiceError::invalid(
                "charged_on",
                "date_in_future",
                "收费日期不能晚于今天",
            ));
        }
        let place = text("place", &input.place, 0, 100, "收费地点")?;
        let description = text("description", &input.description, 10, 2000, "情况说明")?;
        for (field, value) in [
            ("charged_by_name", &charged_by_name),
            ("fee_name", &fee_name),
            ("place", &place),
            ("description", &description),
        ] {
            if find_unmasked_pii(value).is_some() {
                return Err(ServiceError::invalid(
                    field,
                    "pii_in_text",
                    "请不要在这里填写身份证号或手机号；需要回电请填在“联系电话”一栏",
                ));
            }
        }
        let phone = match input.contact_phone.trim() {
            "" => None,
            p => Some(Phone::parse(p).map_err(|e| ServiceError::field("contact_phone", e))?),
        };
        let departments = repo::departments(&self.db).await?;
        let county_code = county.as_str();
        let (department_name, department_phone) =
            match route(&departments, &charged_by_kind, &county_code, 0) {
                Some(d) => (d.name.clone(), d.phone.clone()),
                None => (
                    "县（市、区）人民政府有关部门".to_owned(),
                    "12345".to_owned(),
                ),
            };
        let now = self.clock.now();
        let (acknowledge_due_at, resolve_due_at) = time_limits(&self.config.complaints, now);
        let id = Uuid::new_v4();
        let code = new_code();
        let row = FeeReportRow {
            id,
            code_hash: self.code_hash(&code),
            county_code: county_code.clone(),
            charged_by_kind: charged_by_kind.clone(),
            charged_by_name,
            payer_kind: payer_kind.clone(),
            fee_name,
            amount_fen: amount.fen(),
            charged_on,
            place,
            description,
            contact_phone_cipher: phone.as_ref().map(|p| {
                self.keys.seal(
                    &protect::context("fee_reports.contact_phone", &id),
                    p.as_str().as_bytes(),
                )
            }),
            department_kind: charged_by_kind.clone(),
            department_name: department_name.clone(),
            department_phone: department_phone.clone(),
            status: FeeReportStatus::Received,
            outcome: None,
            outcome_note: String::new(),
            acknowledge_due_at,
            resolve_due_at,
            accepted_at: None,
            forwarded_at: None,
            resolved_at: None,
            handled_by: None,
            created_at: now,
            updated_at: now,
            escalation_level: 0,
            escalated_at: None,
        };
        let county_office = format!("{}人社部门", county.full_name());
        let mut tx = self.db.begin().await?;
        repo::insert_report(&mut tx, &row).await?;
        repo::insert_event(
            &mut tx,
            &event(
                id,
                "received",
                true,
                String::new(),
                format!(
                    "举报已提交，由{county_office}受理，按收费单位类别（{}）对应的职能部门为{department_name}",
                    label(CHARGER_KINDS, &charged_by_kind)
                ),
                None,
                now,
            ),
        )
        .await?;
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow {
                id: Uuid::new_v4(),
                audience: "staff".into(),
                person_id: None,
                employer_id: None,
                region_code: county_code.clone(),
                kind: "fee_report_received".into(),
                message: format!(
                    "辖区收到一件违规收费举报（{}），请在时限内受理",
                    label(CHARGER_KINDS, &charged_by_kind)
                ),
                link: format!("/staff/fee-reports/{id}"),
                dedupe_key: format!("fee_report_received:{id}"),
                created_at: now,
                read_at: None,
            },
        )
        .await?;
        let who = match actor {
            Some(a) => AuditActor::from(a),
            None => AuditActor::anonymous(meta),
        };
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &who,
            Event::new("fee_report_filed", "fee_report", id)
                .region(county_code.clone())
                .detail(
                    json!({"charged_by_kind": charged_by_kind, "payer_kind": payer_kind,
                    "amount_fen": row.amount_fen, "contact_left": phone.is_some()}),
                ),
        )
        .await?;
        tx.commit().await?;
        Ok((
            id,
            FeeReportReceipt {
                tracking_code: code,
                department_name,
                department_phone,
                county_name: county.full_name(),
                acknowledge_due_at,
                resolve_due_at,
            },
        ))
    }

    /// The reporter looks their report up by tracking code (what staff have done, in words;
    /// nothing about the staff members). A wrong code is not found.
    pub async fn track_fee_report(&self, input: TrackInput) -> Result<FeeReportView> {
        let code = normalise_code(&input.code);
        if code.len() != CODE_LEN {
            return Err(ServiceError::invalid(
                "code",
                "code_format",
                "查询码是16位字母和数字，例如 7K3M-Q9XD-2HPA-TR4C",
            ));
        }
        let r = repo::report_by_code(&self.db, &self.code_hash(&code))
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.report_view(&r, false).await
    }

    async fn staff_report(&self, actor: &Actor, id: Uuid) -> Result<FeeReportRow> {
        actor.require_role(&[Role::Staff])?;
        let r = repo::report(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !actor.may_see(&r.county_code, None) {
            return Err(self
                .deny(actor, "fee_report", id.to_string(), "fee_report")
                .await);
        }
        Ok(r)
    }

    /// The fee reports of the caller's region (staff): overdue first, then the oldest;
    /// `status` filters: open (default), overdue, all or one state.
    pub async fn list_fee_reports(
        &self,
        actor: &Actor,
        status: Option<&str>,
    ) -> Result<Vec<FeeReportView>> {
        actor.require_role(&[Role::Staff])?;
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let now = self.clock.now();
        let filter = status.map(str::trim).filter(|s| !s.is_empty());
        if let Some(f) = filter
            && !matches!(f, "open" | "overdue" | "all")
            && label(REPORT_STATUSES, f).is_empty()
        {
            return Err(ServiceError::invalid(
                "status",
                "status_unknown",
                "状态应为 open、overdue、all 或某一办理状态",
            ));
        }
        let mut out = Vec::new();
        for r in repo::reports_in_region(&self.db, &prefix, 1000).await? {
            let keep = match filter {
                None | Some("open") => is_open(&r),
                Some("overdue") => report_overdue(&r, now),
                Some("all") => true,
                Some(s) => r.status.as_str() == s,
            };
            if keep {
                out.push(self.report_view(&r, true).await?);
            }
        }
        out.sort_by_key(|v| (!v.overdue, v.created_at));
        Ok(out)
    }

    pub async fn get_fee_report(&self, actor: &Actor, id: Uuid) -> Result<FeeReportView> {
        let r = self.staff_report(actor, id).await?;
        self.report_view(&r, true).await
    }

    async fn fee_change(
        &self,
        mut tx: linghuo_storage::Tx,
        actor: &Actor,
        r: &FeeReportRow,
        ev: FeeEventRow,
        audit_type: &'static str,
        detail: serde_json::Value,
    ) -> Result<FeeReportView> {
        let now = ev.created_at;
        repo::insert_event(&mut tx, &ev).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new(audit_type, "fee_report", r.id)
                .region(r.county_code.clone())
                .detail(detail),
        )
        .await?;
        tx.commit().await?;
        self.get_fee_report(actor, r.id).await
    }

    /// Staff accept a received report (received → accepted).
    pub async fn accept_fee_report(&self, actor: &Actor, id: Uuid) -> Result<FeeReportView> {
        let r = self.staff_report(actor, id).await?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::accept_report(&mut tx, id, actor.user_id, now).await? {
            return Err(ServiceError::Conflict {
                code: "fee_report_not_received",
                message: "该举报已受理或已办结".into(),
            });
        }
        let office = office_of(actor);
        let ev = event(
            id,
            "accepted",
            true,
            office.clone(),
            format!("{office}已受理，正在核查"),
            Some(actor.user_id),
            now,
        );
        self.fee_change(
            tx,
            actor,
            &r,
            ev,
            "fee_report_accepted",
            json!({"late": now > r.acknowledge_due_at}),
        )
        .await
    }

    /// Staff forward an accepted report to the responsible department (the routed one, or
    /// another kind's department in the reference list).
    pub async fn forward_fee_report(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ForwardInput,
    ) -> Result<FeeReportView> {
        let r = self.staff_report(actor, id).await?;
        let kind = match input.department_kind.trim() {
            "" => r.department_kind.clone(),
            k => kind_field("department_kind", k, CHARGER_KINDS, "职能部门类别")?,
        };
        let note = text("note", &input.note, 0, 500, "备注")?;
        let departments = repo::departments(&self.db).await?;
        let (name, phone) = match route(&departments, &kind, &r.county_code, r.escalation_level) {
            Some(d) => (d.name.clone(), d.phone.clone()),
            None if kind == r.department_kind => {
                (r.department_name.clone(), r.department_phone.clone())
            }
            None => {
                return Err(ServiceError::invalid(
                    "department_kind",
                    "department_missing",
                    "职能部门名录中没有这一类部门，请先由管理员或省级经办人员补充",
                ));
            }
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::forward_report(&mut tx, id, &kind, &name, &phone, now).await? {
            return Err(ServiceError::Conflict {
                code: "fee_report_not_accepted",
                message: "请先受理该举报；已办结的举报不能再转交".into(),
            });
        }
        if !note.is_empty() {
            repo::insert_event(
                &mut tx,
                &event(
                    id,
                    "note",
                    false,
                    office_of(actor),
                    note,
                    Some(actor.user_id),
                    now,
                ),
            )
            .await?;
        }
        let ev = event(
            id,
            "forwarded",
            true,
            office_of(actor),
            format!("已转交{name}依法查处"),
            Some(actor.user_id),
            now,
        );
        self.fee_change(
            tx,
            actor,
            &r,
            ev,
            "fee_report_forwarded",
            json!({"department_kind": kind}),
        )
        .await
    }

    /// Staff record the outcome (accepted or forwarded → resolved); the reporter sees it.
    pub async fn resolve_fee_report(
        &self,
        actor: &Actor,
        id: Uuid,
        input: FeeOutcomeInput,
    ) -> Result<FeeReportView> {
        let r = self.staff_report(actor, id).await?;
        let outcome = input.outcome.trim();
        if label(OUTCOMES, outcome).is_empty() {
            return Err(ServiceError::invalid(
                "outcome",
                "outcome_unknown",
                "请选择办理结果：已纠正退还、已立案查处、属合规收费或线索不足",
            ));
        }
        let note = text("note", &input.note, 5, 2000, "办理情况")?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::resolve_report(&mut tx, id, outcome, &note, now).await? {
            return Err(ServiceError::Conflict {
                code: "fee_report_not_open",
                message: "该举报尚未受理或已办结".into(),
            });
        }
        let ev = event(
            id,
            "resolved",
            true,
            office_of(actor),
            format!("已办结（{}）：{note}", label(OUTCOMES, outcome)),
            Some(actor.user_id),
            now,
        );
        self.fee_change(
            tx,
            actor,
            &r,
            ev,
            "fee_report_resolved",
            json!({"outcome": outcome, "late": now > r.resolve_due_at}),
        )
        .await
    }

    /// The scheduled escalation of 违规收费 reports (idempotent, every server may run it; the
    /// complaints upkeep runs it): a report still open past its time limits moves up one
    /// level — county to city, city to province — to that level's responsible department in
    /// the list, with fresh time limits; the reporter's timeline says so, the staff of both
    /// levels are told, and the step is audited.
    pub async fn fee_reports_upkeep(&self) -> Result<FeeUpkeepReport> {
        let now = self.clock.now();
        let mut out = FeeUpkeepReport::default();
        let departments = repo::departments(&self.db).await?;
        for r in repo::open_reports_below_province(&self.db).await? {
            if !report_overdue(&r, now) {
                continue;
            }
            let from = handling_region(&r.county_code, r.escalation_level);
            let Some(to) = escalation_target(&from) else {
                continue;
            };
            let to = to.as_str();
            let level = r.escalation_level + 1;
            let (name, phone) = match route(&departments, &r.department_kind, &r.county_code, level)
            {
                Some(d) => (d.name.clone(), d.phone.clone()),
                None => (r.department_name.clone(), r.department_phone.clone()),
            };
            let (reason, what) = lateness(
                r.status != FeeReportStatus::Received,
                r.acknowledge_due_at,
                now,
            );
            let (acknowledge_due_at, resolve_due_at) = time_limits(&self.config.complaints, now);
            let (from_office, to_office) = (county_office(&from), county_office(&to));
            let kind = label(CHARGER_KINDS, &r.charged_by_kind);
            let mut tx = self.db.begin().await?;
            if !repo::escalate_report(
                &mut tx,
                r.id,
                level,
                &name,
                &phone,
                acknowledge_due_at,
                resolve_due_at,
                now,
            )
            .await?
            {
                tx.rollback().await?;
                continue;
            }
            repo::insert_event(
                &mut tx,
                &event(
                    r.id,
                    "escalated",
                    true,
                    to_office.clone(),
                    format!("举报在{from_office}{what}，已提级由{to_office}督办，职能部门为{name}"),
                    None,
                    now,
                ),
            )
            .await?;
            for (region, who, message) in [
                (
                    to.as_str(),
                    "up",
                    format!("{from_office}一件违规收费举报（{kind}）{what}，已提级由本级督办"),
                ),
                (
                    from.as_str(),
                    "down",
                    format!(
                        "一件违规收费举报（{kind}）{what}，已提级由{to_office}督办，请配合办理"
                    ),
                ),
            ] {
                if notice_repo::insert_notice(
                    &mut tx,
                    &notice(
                        "staff",
                        None,
                        None,
                        region,
                        "fee_report_escalated",
                        message,
                        format!("/staff/fee-reports/{}", r.id),
                        format!("fee_report_escalated:{}:{level}:{who}", r.id),
                        now,
                    ),
                )
                .await?
                {
                    out.notices += 1;
                }
            }
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::system(),
                Event::new("fee_report_escalated", "fee_report", r.id)
                    .region(r.county_code.clone())
                    .detail(
                        json!({"reason": reason, "from": from, "to": to, "level": level,
                        "department_kind": r.department_kind, "department_name": name}),
                    ),
            )
            .await?;
            tx.commit().await?;
            out.escalated += 1;
        }
        Ok(out)
    }

    /// Counts of the caller's region by kind of department that charged and by outcome.
    pub async fn fee_report_stats(&self, actor: &Actor) -> Result<FeeStats> {
        actor.require_role(&[Role::Staff])?;
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let scope = actor.scope.ok_or_else(ServiceError::forbidden)?;
        let mut rows: Vec<FeeStatsRow> = CHARGER_KINDS
            .iter()
            .map(|(k, l)| FeeStatsRow {
                kind: (*k).into(),
                kind_label: l,
                ..FeeStatsRow::default()
            })
            .collect();
        let mut total = FeeStatsRow {
            kind: "all".into(),
            kind_label: "合计",
            ..FeeStatsRow::default()
        };
        for (kind, status, outcome, n) in repo::report_counts(&self.db, &prefix).await? {
            for row in rows
                .iter_mut()
                .filter(|r| r.kind == kind)
                .chain(std::iter::once(&mut total))
            {
                row.total += n;
                if status == "resolved" {
                    *row.outcomes.entry(outcome.clone()).or_default() += n;
                } else {
                    row.open += n;
                }
            }
        }
        Ok(FeeStats {
            region_code: scope.as_str(),
            region_name: scope.full_name(),
            rows,
            total,
        })
    }

    /// The responsible-department list (reference data, readable by anyone).
    pub async fn fee_departments(&self) -> Result<Vec<DepartmentView>> {
        Ok(repo::departments(&self.db)
            .await?
            .into_iter()
            .map(|d| DepartmentView {
                kind_label: label(CHARGER_KINDS, &d.kind),
                region_name: region_name(&d.region_code),
                kind: d.kind,
                region_code: d.region_code,
                name: d.name,
                phone: d.phone,
            })
            .collect())
    }

    fn may_edit_departments(actor: &Actor) -> Result<()> {
        match actor.role {
            Role::SysAdmin | Role::SecAdmin => Ok(()),
            Role::Staff
                if actor
                    .scope
                    .is_some_and(|s| s.level() == RegionLevel::Province) =>
            {
                Ok(())
            }
            _ => Err(ServiceError::Forbidden {
                code: "departments_province_only",
                message: "职能部门名录由系统管理员或省级经办人员维护".into(),
            }),
        }
    }

    /// An administrator or province staff member adds or changes an entry (audited).
    pub async fn save_fee_department(
        &self,
        actor: &Actor,
        input: DepartmentInput,
    ) -> Result<DepartmentView> {
        Self::may_edit_departments(actor)?;
        let kind = kind_field("kind", &input.kind, CHARGER_KINDS, "收费单位类别")?;
        let region = RegionCode::parse(input.region_code.trim())
            .map_err(|e| ServiceError::field("region_code", e))?;
        let name = text("name", &input.name, 2, 60, "职能部门名称")?;
        let phone = text("phone", &input.phone, 0, 20, "电话")?;
        let now = self.clock.now();
        let row = DepartmentRow {
            kind: kind.clone(),
            region_code: region.as_str(),
            name,
            phone,
            updated_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::upsert_department(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new(
                "fee_department_saved",
                "fee_department",
                format!("{kind}:{}", row.region_code),
            )
            .region(row.region_code.clone())
            .detail(json!({"name": row.name, "phone": row.phone})),
        )
        .await?;
        tx.commit().await?;
        Ok(DepartmentView {
            kind_label: label(CHARGER_KINDS, &row.kind),
            region_name: region.full_name(),
            kind: row.kind,
            region_code: row.region_code,
            name: row.name,
            phone: row.phone,
        })
    }

    /// Removes an entry; the province's entry of a kind stays (every report needs a route).
    pub async fn delete_fee_department(
        &self,
        actor: &Actor,
        kind: &str,
        region_code: &str,
    ) -> Result<()> {
        Self::may_edit_departments(actor)?;
        if region_code == "140000" {
            return Err(ServiceError::Conflict {
                code: "province_entry_kept",
                message: "全省默认的职能部门不能删除，只能修改".into(),
            });
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::delete_department(&mut tx, kind, region_code).await? {
            return Err(ServiceError::NotFound);
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new(
                "fee_department_deleted",
                "fee_department",
                format!("{kind}:{region_code}"),
            )
            .region(region_code.to_owned()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
