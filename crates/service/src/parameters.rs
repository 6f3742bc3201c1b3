//! Policy parameters for staff (issue 17, 四(九) policy views): every parameter the engine
//! reads with its dated values and clause; corrections proposed by province staff and
//! approved by a second province staff member, which the engine then applies from their
//! effective day; the recalculation preview of a correction; and what-if runs over the
//! registered population of the caller's region (not synthetic people).
//!
//! The engine in force is the embedded parameters, then the configuration file's
//! `[policy] parameter_overrides` in file order, then the approved corrections by effective
//! day and, on the same day, by approval time ([`combine`]). Each is a new version of its
//! parameter from its day on: versions that start on or after that day are replaced and the
//! version in force is closed the day before. A server loads the approved corrections at
//! start, after each approval it makes, and every minute (so another server's approval
//! reaches it within a minute).

use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, Utc};
use linghuo_domain::RegionLevel;
use linghuo_policy::parameters::Unit;
use linghuo_policy::{Engine, Facts, Param, ParamOverride, Value};
use linghuo_storage::parameters::{self as repo, CorrectionRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditActor, Event};
use crate::{Actor, Result, Role, Service, ServiceError};

/// The engine a service decides with, shared by every clone of the service and replaced when
/// the approved corrections change. It reads as an [`Engine`] (`svc.engine.screen(…)`).
///
/// An engine is a few kilobytes and is replaced only when a correction is approved, so each
/// one is kept for the life of the process (leaked): a decision that borrowed the engine in
/// force when it started finishes with it, without locks or reference counts on the hot path.
#[derive(Clone, Debug)]
pub struct EngineHandle {
    slot: Arc<Slot>,
}

#[derive(Debug)]
struct Slot {
    /// The configuration file's overrides, applied before any correction.
    configured: Vec<ParamOverride>,
    current: RwLock<Current>,
}

#[derive(Debug, Clone, Copy)]
struct Current {
    engine: &'static Engine,
    /// Fingerprint of the approved corrections applied (their ids in order).
    key: u64,
}

impl std::ops::Deref for EngineHandle {
    type Target = Engine;
    fn deref(&self) -> &Engine {
        self.current().engine
    }
}

impl EngineHandle {
    /// A handle on `engine`, built from the configured overrides `configured`.
    pub fn new(configured: Vec<ParamOverride>, engine: Engine) -> EngineHandle {
        EngineHandle {
            slot: Arc::new(Slot {
                configured,
                current: RwLock::new(Current {
                    engine: Box::leak(Box::new(engine)),
                    key: 0,
                }),
            }),
        }
    }

    fn current(&self) -> Current {
        *self
            .slot
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The configuration file's overrides.
    pub fn configured(&self) -> &[ParamOverride] {
        &self.slot.configured
    }

    fn install(&self, engine: Engine, key: u64) {
        let mut c = self
            .slot
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *c = Current {
            engine: Box::leak(Box::new(engine)),
            key,
        };
    }
}

/// The overrides the engine applies, in order: the configured ones, then the approved
/// corrections (already in the order [`repo::approved_corrections`] gives).
pub fn combine(configured: &[ParamOverride], approved: &[CorrectionRow]) -> Vec<ParamOverride> {
    let mut out = configured.to_vec();
    out.extend(approved.iter().map(correction_override));
    out
}

fn correction_override(r: &CorrectionRow) -> ParamOverride {
    ParamOverride {
        name: r.name.clone(),
        value: r.value.clone(),
        effective_from: r.effective_from,
        source: None,
        note: None,
    }
    .described(
        format!(
            "平台参数更正（{}审批）",
            r.decided_at
                .map(|t| zh_day(crate::clock::cst_date(t)))
                .unwrap_or_default()
        ),
        r.reason.clone(),
    )
}

fn key_of(rows: &[CorrectionRow]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for r in rows {
        r.id.hash(&mut h);
    }
    h.finish() | 1
}

fn zh_day(d: NaiveDate) -> String {
    linghuo_policy::calendar::zh_date(d)
}

/// A unit in plain Chinese.
pub fn unit_label(u: Unit) -> &'static str {
    match u {
        Unit::Yuan => "金额（元）",
        Unit::Months => "月数",
        Unit::Percent => "百分比",
        Unit::Ratio => "比例（分数）",
        Unit::Year => "年份",
        Unit::Date => "日期",
    }
}

/// How to write a value of a unit, for the form's hint and its error message.
fn unit_hint(u: Unit) -> &'static str {
    match u {
        Unit::Yuan => "金额，如 3000.00",
        Unit::Months => "整数月数，如 36",
        Unit::Percent => "0至100的整数，如 50",
        Unit::Ratio => "分数，如 2/3",
        Unit::Year => "四位年份，如 2021",
        Unit::Date => "日期，如 2021-12-31",
    }
}

/// Where a version comes from, in words.
fn source_words(source: &str) -> String {
    if source.starts_with("--set") {
        "本省配置文件设定".into()
    } else {
        source.into()
    }
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct VersionView {
    /// As the engine reads it (e.g. `3000.00`, `2/3`, `2021-12-31`).
    pub value: String,
    /// For people (e.g. `3,000.00元`).
    pub value_text: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    pub period_text: String,
    pub clause: String,
    pub source: String,
    pub note: String,
    pub in_force: bool,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ParameterView {
    pub name: String,
    pub description: String,
    /// yuan | months | percent | ratio | year | date
    pub unit: String,
    pub unit_label: String,
    pub unit_hint: String,
    /// The value is this platform's reading of open text, not a number the text states.
    pub interpretation: bool,
    pub note: String,
    /// The value in force today (None: not set).
    pub current: Option<String>,
    pub current_text: String,
    /// The clause of 晋政办发〔2020〕89号 of the version in force (or the latest).
    pub clause: String,
    /// Every version, in the order they take effect.
    pub versions: Vec<VersionView>,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CorrectionView {
    pub id: Uuid,
    pub name: String,
    pub description: String,
    pub value: String,
    pub value_text: String,
    pub effective_from: NaiveDate,
    pub reason: String,
    /// proposed | approved | rejected
    pub status: String,
    pub status_label: String,
    pub proposed_by: Uuid,
    pub proposer_name: String,
    pub proposed_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decider_name: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ParametersPage {
    pub as_of: NaiveDate,
    /// SHA-256 of the parameter set in force (on every decision's receipt).
    pub parameters_sha256: String,
    pub parameters: Vec<ParameterView>,
    pub corrections: Vec<CorrectionView>,
    /// Whether the caller may propose and approve corrections (province staff).
    pub may_propose: bool,
}

/// A correction to propose, or a what-if change to try.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ParameterChange {
    /// The parameter, e.g. `startup_subsidy.cap`.
    pub name: String,
    /// The new value as the parameter's unit is written (`3000.00`, `36`, `2/3`, `2021-12-31`).
    pub value: String,
    /// YYYY-MM-DD: the day the value is in force from.
    pub effective_from: String,
    /// The source or reason (a document and its number; required for a correction).
    #[serde(default)]
    pub reason: String,
}

/// Approving or rejecting a correction.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CorrectionDecision {
    /// approve | reject
    pub outcome: String,
    #[serde(default)]
    pub note: String,
}

/// One benefit's impact over a population.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BenefitImpactView {
    pub benefit: String,
    pub name: String,
    pub eligible_before: u64,
    pub eligible_after: u64,
    /// Totals of the amounts (decimal strings, yuan).
    pub amount_before: String,
    pub amount_after: String,
    pub change: String,
    /// People whose amount rises (or who become eligible), falls (or stop being eligible).
    pub gaining: u64,
    pub losing: u64,
    /// What the amounts are (as on the take-up report): `paid`, `per_course` (no sum: the
    /// course sets it, so the amounts are 0.00), `deduction_limit`, `loan_ceiling`, `none`.
    #[serde(default)]
    pub amount_kind: String,
}

/// The impact of a parameter change over the registered population of a region, decided as
/// of today with the parameters in force and with the change.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ImpactReport {
    pub region_code: String,
    pub region_name: String,
    pub as_of: NaiveDate,
    /// The change, in words.
    pub change_text: String,
    /// Registered people in the region (anyone with a 就业/失业/灵活就业登记 there).
    pub persons: u64,
    /// Whether the figures are estimated from a sample of them (the region has more than
    /// `[stats] whatif_sample_persons`): counts and amounts of the sample scaled up to
    /// `persons`.
    #[serde(default)]
    pub sampled: bool,
    /// Registered people actually decided (all of them unless `sampled`).
    #[serde(default)]
    pub sample_persons: u64,
    /// People with any benefit's result (eligibility or amount) different.
    pub changed_persons: u64,
    pub benefits: Vec<BenefitImpactView>,
    pub baseline_parameters_sha256: String,
    pub overlay_parameters_sha256: String,
}

/// Decisions already approved since the effective day, replayed with the correction
/// (`recalc`'s preview): how many would change and the arrears and over-payments.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DecisionsImpact {
    pub since: NaiveDate,
    pub checked: usize,
    pub changed: usize,
    pub arrears_total: String,
    pub overpaid_total: String,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CorrectionPreview {
    pub population: ImpactReport,
    pub decisions: DecisionsImpact,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CorrectionDetail {
    pub correction: CorrectionView,
    /// For a proposal, computed now; for a decided correction, as the approver saw it.
    pub preview: Option<CorrectionPreview>,
    /// Whether the caller may decide it (province staff who did not propose it).
    pub may_decide: bool,
}

fn status_label(s: &str) -> &'static str {
    match s {
        "proposed" => "待审批",
        "approved" => "已生效",
        "rejected" => "未通过",
        _ => "",
    }
}

fn fen_text(f: i64) -> String {
    linghuo_policy::Fen(f).to_string()
}

fn value_text(name: &str, value: &str) -> String {
    Param::from_name(name)
        .and_then(|p| Value::parse(p.unit(), value))
        .map_or_else(|| value.to_owned(), Value::zh)
}

fn is_province_staff(actor: &Actor) -> bool {
    actor.role == Role::Staff
        && actor
            .scope
            .is_some_and(|s| s.level() == RegionLevel::Province)
}

fn province_only() -> ServiceError {
    ServiceError::Forbidden {
        code: "province_staff_only",
        message: "政策参数的更正只能由省级工作人员提出和审批".into(),
    }
}

impl Service {
    /// Loads the approved corrections and, when they changed, decides with them from now on.
    /// True when the engine was replaced. A correction the engine no longer accepts (a
    /// parameter a later engine version dropped) is left out and logged.
    pub async fn refresh_engine(&self) -> Result<bool> {
        let rows = repo::approved_corrections(&self.db).await?;
        let key = if rows.is_empty() { 0 } else { key_of(&rows) };
        if key == self.engine.current().key {
            return Ok(false);
        }
        let configured = self.engine.configured().to_vec();
        let mut usable: Vec<CorrectionRow> = Vec::with_capacity(rows.len());
        for r in rows {
            let mut trial = usable.clone();
            trial.push(r.clone());
            match Engine::with_overrides(&combine(&configured, &trial)) {
                Ok(_) => usable.push(r),
                Err(e) => tracing::error!(correction = %r.id, error = %e.message,
                    "an approved parameter correction no longer applies; left out"),
            }
        }
        let engine = Engine::with_overrides(&combine(&configured, &usable))
            .map_err(|e| ServiceError::Internal(format!("parameters: {}", e.message)))?;
        self.engine.install(engine, key);
        Ok(true)
    }

    /// Every parameter with its versions as the engine uses them today, and the corrections.
    pub async fn parameters_page(&self, actor: &Actor) -> Result<ParametersPage> {
        actor.require_role(&[Role::Staff])?;
        self.parameters_overview(is_province_staff(actor)).await
    }

    /// [`Service::parameters_page`] without a caller (`linghuo policy params`).
    pub async fn parameters_overview(&self, may_propose: bool) -> Result<ParametersPage> {
        let today = self.clock.today_cst();
        let engine: &Engine = &self.engine;
        let parameters = engine
            .parameters()
            .iter()
            .map(|p| {
                let current = Param::from_name(&p.name).and_then(|k| engine.param_at(k, today));
                let in_force = p.versions.iter().position(|v| v.in_force_on(today));
                let clause = in_force
                    .or(p.versions.len().checked_sub(1))
                    .map(|i| p.versions[i].clause.clone())
                    .unwrap_or_default();
                ParameterView {
                    name: p.name.clone(),
                    description: p.description.clone(),
                    unit: p.unit.code().into(),
                    unit_label: unit_label(p.unit).into(),
                    unit_hint: unit_hint(p.unit).into(),
                    interpretation: p.interpretation,
                    note: p.note.clone(),
                    current: current.map(|v| v.to_string()),
                    current_text: current.map_or_else(|| "尚未设定".into(), Value::zh),
                    clause,
                    versions: p
                        .versions
                        .iter()
                        .enumerate()
                        .map(|(i, v)| VersionView {
                            value: v.value.to_string(),
                            value_text: v.value.zh(),
                            effective_from: v.effective_from,
                            effective_to: v.effective_to,
                            period_text: v.period_zh(),
                            clause: v.clause.clone(),
                            source: source_words(&v.source),
                            note: v.note.clone(),
                            in_force: Some(i) == in_force,
                        })
                        .collect(),
                }
            })
            .collect();
        let mut corrections = Vec::new();
        for r in repo::corrections(&self.db).await? {
            corrections.push(self.correction_view(&r).await?);
        }
        Ok(ParametersPage {
            as_of: today,
            parameters_sha256: engine.parameters_sha256().to_owned(),
            parameters,
            corrections,
            may_propose,
        })
    }

    async fn correction_view(&self, r: &CorrectionRow) -> Result<CorrectionView> {
        let name_of = |u: Option<Uuid>| async move {
            match u {
                Some(u) => linghuo_storage::users::by_id(&self.db, u)
                    .await
                    .map(|x| x.map(|x| x.display_name).unwrap_or_default()),
                None => Ok(String::new()),
            }
        };
        Ok(CorrectionView {
            id: r.id,
            name: r.name.clone(),
            description: self
                .engine
                .parameters()
                .iter()
                .find(|p| p.name == r.name)
                .map(|p| p.description.clone())
                .unwrap_or_default(),
            value: r.value.clone(),
            value_text: value_text(&r.name, &r.value),
            effective_from: r.effective_from,
            reason: r.reason.clone(),
            status: r.status.clone(),
            status_label: status_label(&r.status).into(),
            proposed_by: r.proposed_by,
            proposer_name: name_of(Some(r.proposed_by)).await?,
            proposed_at: r.proposed_at,
            decided_by: r.decided_by,
            decider_name: name_of(r.decided_by).await?,
            decided_at: r.decided_at,
            decision_note: r.decision_note.clone(),
        })
    }

    /// A change checked field by field: the override it makes.
    fn check_change(&self, c: &ParameterChange) -> Result<ParamOverride> {
        let name = c.name.trim();
        let Some(p) = Param::from_name(name) else {
            return Err(ServiceError::invalid(
                "name",
                "parameter_unknown",
                "请选择要调整的政策参数",
            ));
        };
        let value = c.value.trim();
        if Value::parse(p.unit(), value).is_none() {
            return Err(ServiceError::invalid(
                "value",
                "value_invalid",
                format!("取值格式不对，应为{}", unit_hint(p.unit())),
            ));
        }
        let day = crate::registration::parse_day(
            "effective_from",
            c.effective_from.trim(),
            NaiveDate::MIN,
        )?;
        if c.effective_from.trim().is_empty() {
            return Err(ServiceError::invalid(
                "effective_from",
                "date_required",
                "请填写生效日期",
            ));
        }
        let first = NaiveDate::from_ymd_opt(2019, 1, 1).expect("a day");
        if day < first || day > self.clock.today_cst() + chrono::Duration::days(3660) {
            return Err(ServiceError::invalid(
                "effective_from",
                "date_range",
                "生效日期应在2019年1月1日之后，且不超过十年后",
            ));
        }
        Ok(ParamOverride {
            name: name.to_owned(),
            value: value.to_owned(),
            effective_from: day,
            source: None,
            note: None,
        })
    }

    /// The engine in force with one more override on top (its place among the approved
    /// corrections as if approved now).
    async fn engine_with(&self, extra: &ParamOverride) -> Result<Engine> {
        let mut approved = repo::approved_corrections(&self.db).await?;
        let candidate = CorrectionRow {
            id: Uuid::max(),
            name: extra.name.clone(),
            value: extra.value.clone(),
            effective_from: extra.effective_from,
            reason: String::new(),
            status: "approved".into(),
            proposed_by: Uuid::nil(),
            proposed_at: self.clock.now(),
            decided_by: None,
            decided_at: Some(self.clock.now()),
            decision_note: String::new(),
            preview: String::new(),
        };
        let at = approved.partition_point(|r| r.effective_from <= extra.effective_from);
        approved.insert(at, candidate);
        Engine::with_overrides(&combine(self.engine.configured(), &approved))
            .map_err(|e| ServiceError::invalid("value", "value_invalid", e.message))
    }

    /// Proposes a correction (province staff only); a second province staff member decides.
    pub async fn propose_correction(
        &self,
        actor: &Actor,
        input: ParameterChange,
    ) -> Result<CorrectionView> {
        actor.require_role(&[Role::Staff])?;
        if !is_province_staff(actor) {
            return Err(province_only());
        }
        let o = self.check_change(&input)?;
        let reason = input.reason.trim();
        if reason.chars().count() < 4 {
            return Err(ServiceError::invalid(
                "reason",
                "reason_required",
                "请写明依据或理由（如文件名称和文号），至少4个字",
            ));
        }
        if reason.chars().count() > 500 {
            return Err(ServiceError::invalid(
                "reason",
                "too_long",
                "依据或理由最多500个字",
            ));
        }
        self.engine_with(&o).await?;
        let now = self.clock.now();
        let row = CorrectionRow {
            id: Uuid::new_v4(),
            name: o.name.clone(),
            value: o.value.clone(),
            effective_from: o.effective_from,
            reason: reason.to_owned(),
            status: "proposed".into(),
            proposed_by: actor.user_id,
            proposed_at: now,
            decided_by: None,
            decided_at: None,
            decision_note: String::new(),
            preview: String::new(),
        };
        let mut tx = self.db.begin().await?;
        repo::insert_correction(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new(
                "parameter_correction_proposed",
                "parameter_correction",
                row.id,
            )
            .region(actor.scope.map(|s| s.as_str()).unwrap_or_default())
            .detail(json!({
                "name": row.name, "value": row.value,
                "effective_from": row.effective_from, "reason": row.reason,
            })),
        )
        .await?;
        tx.commit().await?;
        self.correction_view(&row).await
    }

    /// A correction with its recalculation preview.
    pub async fn correction_detail(&self, actor: &Actor, id: Uuid) -> Result<CorrectionDetail> {
        actor.require_role(&[Role::Staff])?;
        let r = repo::correction(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let preview = if r.status == "proposed" {
            Some(self.correction_preview(actor, &r).await?)
        } else {
            serde_json::from_str(&r.preview).ok()
        };
        Ok(CorrectionDetail {
            may_decide: r.status == "proposed"
                && is_province_staff(actor)
                && r.proposed_by != actor.user_id,
            correction: self.correction_view(&r).await?,
            preview,
        })
    }

    /// What approving the correction would change: every registered person in the
    /// caller's region decided today, and the decisions approved since its effective day.
    async fn correction_preview(
        &self,
        actor: &Actor,
        r: &CorrectionRow,
    ) -> Result<CorrectionPreview> {
        let o = ParamOverride {
            name: r.name.clone(),
            value: r.value.clone(),
            effective_from: r.effective_from,
            source: None,
            note: None,
        };
        let overlay = self.engine_with(&o).await?;
        let population = self.impact(actor, &overlay, &o).await?;
        let replay = self
            .clone()
            .with_engine(overlay)
            .recalc(Some(actor), r.effective_from, false)
            .await?;
        Ok(CorrectionPreview {
            population,
            decisions: DecisionsImpact {
                since: r.effective_from,
                checked: replay.checked,
                changed: replay.lines.len(),
                arrears_total: replay.arrears_total,
                overpaid_total: replay.overpaid_total,
            },
        })
    }

    /// Approves (the engine applies it at once) or rejects a proposed correction. The
    /// approver is province staff and not the proposer; approving needs a fresh sign-in
    /// (A9) and stores the preview the approver was shown.
    pub async fn decide_correction(
        &self,
        actor: &Actor,
        id: Uuid,
        input: CorrectionDecision,
    ) -> Result<CorrectionDetail> {
        actor.require_role(&[Role::Staff])?;
        if !is_province_staff(actor) {
            return Err(province_only());
        }
        let r = repo::correction(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let approve = match input.outcome.trim() {
            "approve" => true,
            "reject" => false,
            _ => {
                return Err(ServiceError::invalid(
                    "outcome",
                    "outcome_unknown",
                    "请选择“同意”或“不同意”",
                ));
            }
        };
        if r.proposed_by == actor.user_id {
            return Err(ServiceError::Forbidden {
                code: "proposer_cannot_approve",
                message: "提出更正的工作人员不能审批自己的提议，须由另一位省级工作人员审批".into(),
            });
        }
        let note = input.note.trim().to_owned();
        if !approve && note.chars().count() < 2 {
            return Err(ServiceError::invalid(
                "note",
                "note_required",
                "不同意时请写明理由",
            ));
        }
        if note.chars().count() > 500 {
            return Err(ServiceError::invalid("note", "too_long", "意见最多500个字"));
        }
        if r.status != "proposed" {
            return Err(ServiceError::Conflict {
                code: "not_proposed",
                message: "该更正已经审批过了".into(),
            });
        }
        let preview = if approve {
            self.require_step_up(actor)?;
            Some(self.correction_preview(actor, &r).await?)
        } else {
            None
        };
        let preview_json = preview
            .as_ref()
            .map(|p| serde_json::to_string(p).unwrap_or_default())
            .unwrap_or_default();
        let now = self.clock.now();
        let status = if approve { "approved" } else { "rejected" };
        let mut tx = self.db.begin().await?;
        if !repo::decide_correction(
            &mut tx,
            id,
            status,
            actor.user_id,
            &note,
            &preview_json,
            now,
        )
        .await?
        {
            return Err(ServiceError::Conflict {
                code: "not_proposed",
                message: "该更正已经审批过了".into(),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new(
                if approve {
                    "parameter_correction_approved"
                } else {
                    "parameter_correction_rejected"
                },
                "parameter_correction",
                id,
            )
            .region(actor.scope.map(|s| s.as_str()).unwrap_or_default())
            .detail(json!({
                "name": r.name, "value": r.value, "effective_from": r.effective_from,
                "note": note,
                "persons_changed": preview.as_ref().map(|p| p.population.changed_persons),
                "parameters_sha256": preview.as_ref().map(|p| p.population.overlay_parameters_sha256.clone()),
            })),
        )
        .await?;
        tx.commit().await?;
        if approve {
            self.refresh_engine().await?;
        }
        self.correction_detail(actor, id).await
    }

    /// What-if over the registered population of the caller's region: the parameters in force
    /// against them with one change. Nothing is stored.
    pub async fn what_if(&self, actor: &Actor, change: &ParameterChange) -> Result<ImpactReport> {
        actor.require_role(&[Role::Staff])?;
        let o = self.check_change(change)?;
        let overlay = self.engine_with(&o).await?;
        self.impact(actor, &overlay, &o).await
    }

    async fn impact(
        &self,
        actor: &Actor,
        overlay: &Engine,
        o: &ParamOverride,
    ) -> Result<ImpactReport> {
        let scope = actor.scope.ok_or_else(ServiceError::forbidden)?;
        let today = self.clock.today_cst();
        let baseline: &Engine = &self.engine;
        let mut tally = linghuo_policy::whatif::Tally::default();
        let mut changed: u64 = 0;
        let mut decided: u64 = 0;
        // Bounded at provincial scale: the first `whatif_sample_persons` of the region in id
        // order (ids are random, so a uniform sample, the same one each time), scaled up to
        // the region when it has more people.
        let cap = self.config.stats.whatif_sample_persons.max(1);
        let prefix = scope.sql_prefix();
        let registered = repo::registered_count(&self.db, &prefix).await?.max(0) as u64;
        let mut population = Population::new(self, prefix, today).first(cap);
        loop {
            let page = population.next_page().await?;
            if page.is_empty() {
                break;
            }
            for (_, _, facts) in &page {
                let (b, a) = (baseline.decide(facts), overlay.decide(facts));
                decided += 1;
                if b.outcomes
                    .iter()
                    .zip(&a.outcomes)
                    .any(|(x, y)| x.eligible != y.eligible || x.amount != y.amount)
                {
                    changed += 1;
                }
                tally.add(&b, &a);
            }
        }
        let persons = registered.max(decided);
        let sampled = decided < persons;
        let scale = Scale {
            of: persons,
            by: decided,
        };
        let report = tally.report(baseline, overlay);
        let description = baseline
            .parameters()
            .iter()
            .find(|p| p.name == o.name)
            .map(|p| p.description.clone())
            .unwrap_or_else(|| o.name.clone());
        Ok(ImpactReport {
            region_code: scope.as_str(),
            region_name: scope.full_name(),
            as_of: today,
            change_text: format!(
                "{description}自{}起改为{}",
                zh_day(o.effective_from),
                value_text(&o.name, &o.value)
            ),
            persons,
            sampled,
            sample_persons: decided,
            changed_persons: scale.count(changed),
            benefits: report
                .benefits
                .iter()
                .map(|b| {
                    let before = scale.fen(b.baseline_total.0);
                    let after = scale.fen(b.overlay_total.0);
                    BenefitImpactView {
                        benefit: b.id.into(),
                        name: b.name.into(),
                        eligible_before: scale.count(b.baseline_eligible),
                        eligible_after: scale.count(b.overlay_eligible),
                        amount_before: fen_text(before),
                        amount_after: fen_text(after),
                        change: fen_text(after - before),
                        gaining: scale.count(b.gaining),
                        losing: scale.count(b.losing),
                        amount_kind: linghuo_policy::BenefitId::from_code(b.id)
                            .map_or(linghuo_policy::AmountKind::None, |b| b.amount_kind())
                            .code()
                            .into(),
                    }
                })
                .collect(),
            baseline_parameters_sha256: report.baseline_parameters_sha256,
            overlay_parameters_sha256: report.overlay_parameters_sha256,
        })
    }
}

/// The registered population of a region (anyone with a 就业/失业/灵活就业登记 whose 管辖地 is
/// in it), read a page at a time in id order with each person's 管辖地 and facts as of a day:
/// a province is decided page by page, never held in memory at once. Ids are random
/// (UUIDv4), so the first pages are a uniform sample of the region.
pub(crate) struct Population<'a> {
    svc: &'a Service,
    prefix: String,
    as_of: NaiveDate,
    after: Uuid,
    /// Persons still to read (None: all).
    left: Option<u64>,
    done: bool,
}

/// One registered person of a [`Population`] page: id, 管辖地 (county) and facts.
pub(crate) type Member = (Uuid, String, Facts);

impl<'a> Population<'a> {
    /// Persons per page: each table is read once per page, every id a bind of the query.
    pub(crate) const PAGE: u64 = 500;

    pub(crate) fn new(svc: &'a Service, prefix: String, as_of: NaiveDate) -> Population<'a> {
        Population {
            svc,
            prefix,
            as_of,
            after: Uuid::nil(),
            left: None,
            done: false,
        }
    }

    /// Only the first `n` persons (in id order: a uniform sample).
    pub(crate) fn first(mut self, n: u64) -> Population<'a> {
        self.left = Some(n);
        self
    }

    /// The next page; empty at the end.
    pub(crate) async fn next_page(&mut self) -> Result<Vec<Member>> {
        let limit = self.left.map_or(Self::PAGE, |l| l.min(Self::PAGE));
        if self.done || limit == 0 {
            return Ok(Vec::new());
        }
        let page = repo::registered_in_region(&self.svc.db, &self.prefix, self.after, limit as i64)
            .await?;
        let Some((last, _)) = page.last() else {
            self.done = true;
            return Ok(Vec::new());
        };
        self.after = *last;
        if let Some(l) = &mut self.left {
            *l -= page.len() as u64;
        }
        let ids: Vec<Uuid> = page.iter().map(|(id, _)| *id).collect();
        let gathered = self.svc.gather_facts_of(&ids, self.as_of).await?;
        Ok(page
            .into_iter()
            .zip(gathered)
            .map(|((id, county), g)| (id, county, g.facts))
            .collect())
    }
}

/// Scales the figures of `by` decided persons up to `of` (the identity when all were decided),
/// rounding to the nearest person or fen.
#[derive(Clone, Copy, Debug)]
struct Scale {
    of: u64,
    by: u64,
}

impl Scale {
    fn count(self, n: u64) -> u64 {
        if self.by == 0 || self.by == self.of {
            return n;
        }
        ((u128::from(n) * u128::from(self.of) + u128::from(self.by) / 2) / u128::from(self.by))
            as u64
    }

    fn fen(self, f: i64) -> i64 {
        if self.by == 0 || self.by == self.of {
            return f;
        }
        let (of, by) = (i128::from(self.of), i128::from(self.by));
        let x = i128::from(f) * of;
        (if x >= 0 {
            (x + by / 2) / by
        } else {
            (x - by / 2) / by
        }) as i64
    }
}

pub(crate) fn fen(f: i64) -> String {
    fen_text(f)
}
