//! Benefit applications decided by the policy engine (三(四) 无人审批).
//!
//! The service gathers the facts from the database — groups with their evidence, the open
//! registration, the business registration, imported tax and social-insurance records, what
//! was already granted — and screens them. Where every fact comes from a verified source the
//! decision is made at once (approved or refused, with the engine's reasons, citations and
//! receipt); otherwise the application waits for a reviewer, and then for an approver who is
//! not the reviewer. An approval grants the money through the ledger in the same
//! transaction ([`crate::ledger`]). 免申即享 screens every registered person and tells the
//! newly eligible; `recalc` replays issued decisions under the parameters now in force.

// Benefits by part: this file holds applications and decisions.
pub mod assistance;
pub mod budget;
pub mod enrolment;
pub mod facts_import;
pub mod ledger;
pub mod payments;
pub mod registration;
pub mod trace_view;
pub mod training;

use std::collections::BTreeSet;
use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, Utc};
use linghuo_domain::RegionCode;
use linghuo_policy::facts::{
    Business, BusinessKind, FlexibleWork, Group, Hire, PremiumMonth, TaxYear,
};
use linghuo_policy::{
    BenefitId, Determination, Engine, Facts, Fen, GrantPeriod, Row, ScreenOptions,
};
use linghuo_storage::StorageError;
use linghuo_storage::benefits::{self as repo, ApplicationRow};
use linghuo_storage::notices::{self as notice_repo, NoticeRow};
use linghuo_storage::persons::{self as person_repo, PersonRow};
use linghuo_storage::status::ApplicationStatus;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::audit::{self, AuditActor, Event};
use crate::{Actor, Result, Role, Service, ServiceError};

/// Benefits a person (or staff for them) can apply for here, with their names, from the
/// policy crate's catalogue ([`BenefitId::APPLIED_AT_WINDOW`]). Training subsidies are applied
/// for by completing a course ([`crate::training`]); venue, rent and road-fee decisions have
/// their own services.
pub static APPLICABLE: LazyLock<Vec<(&'static str, &'static str)>> = LazyLock::new(|| {
    BenefitId::APPLIED_AT_WINDOW
        .iter()
        .map(|b| (b.code(), b.application_name()))
        .collect()
});

/// Benefits paid in money through the ledger.
pub fn is_paid(benefit: &str) -> bool {
    BenefitId::from_code(benefit).is_some_and(BenefitId::paid)
}

/// What a person applies for under a stored benefit id, in Chinese.
pub fn benefit_name(id: &str) -> &'static str {
    BenefitId::from_code(id).map_or("政策待遇", BenefitId::application_name)
}

/// How a stored benefit id's grants are counted (None: an id the catalogue does not know).
fn period_of(benefit: &str) -> Option<GrantPeriod> {
    BenefitId::from_code(benefit).map(BenefitId::period)
}

pub fn status_label(s: &str) -> &'static str {
    match s {
        "pending_review" => "待初审",
        "reviewed" => "待审批",
        "approved" => "已批准",
        "rejected" => "不予批准",
        "withdrawn" => "已撤回",
        _ => "",
    }
}

/// Working days the window promises for reviewing an application whose facts are not yet
/// verified; the pages quote it and the workbench counts an application overdue after it.
pub const REVIEW_WORKING_DAYS: u32 = 5;

/// Facts gathered from the database, with what is not from a verified source.
#[derive(Clone, Debug)]
pub struct Gathered {
    pub facts: Facts,
    /// Facts the person declared themself, in Chinese (empty: every fact is verified).
    pub unverified: Vec<String>,
    pub business_id: Option<Uuid>,
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CitationView {
    pub clause: String,
    pub text: String,
}

/// What would change a determination (the engine's `what_would_change`): the failed or not
/// yet met condition's stable id, in Chinese what would change it, whether any change of facts
/// can, and from which day it holds by itself.
#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutcomeChange {
    pub condition: String,
    pub text: String,
    pub possible: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
}

impl OutcomeChange {
    fn from_json(c: &serde_json::Value) -> OutcomeChange {
        OutcomeChange {
            condition: c["condition"].as_str().unwrap_or("").into(),
            text: c["text"].as_str().unwrap_or("").into(),
            possible: c["possible"].as_bool().unwrap_or(true),
            from: c["from"]
                .as_str()
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaymentLine {
    pub reference: String,
    pub instalment: i32,
    /// Decimal string, two places.
    pub amount: String,
    /// pending | in_batch | paid | failed | held (not paid: over the county's budget)
    pub status: String,
    pub status_label: String,
    /// Why a payment is held (status `held`: the budget it would overdraw), for staff.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The line of a grant held because it would overdraw the county's budget.
fn held_line(row: &ApplicationRow, reason: String) -> PaymentLine {
    PaymentLine {
        reference: crate::ledger::reference_for(row.id, 1),
        instalment: 1,
        amount: fen_text(row.amount_fen),
        status: "held".into(),
        status_label: budget::hold_status_label("held").into(),
        note: reason,
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: Uuid,
    pub person_id: Uuid,
    /// Masked name (e.g. 张*).
    pub person_name: String,
    pub county_code: String,
    pub county_name: String,
    pub benefit: String,
    pub benefit_name: String,
    pub period: String,
    /// pending_review | reviewed | approved | rejected | withdrawn
    pub status: String,
    pub status_label: String,
    /// automatic | manual
    pub route: String,
    pub as_of: NaiveDate,
    pub eligible: bool,
    /// What is granted (or would be): decimal string, two places.
    pub amount: String,
    /// Months subsidised (social-insurance subsidy).
    pub units: i32,
    pub reasons: Vec<String>,
    /// What would change the outcome (empty when nothing is missing).
    #[serde(default)]
    pub changes: Vec<OutcomeChange>,
    pub citations: Vec<CitationView>,
    /// Facts not from a verified source (why a person reviews it).
    pub unverified: Vec<String>,
    pub on_behalf: bool,
    pub review_outcome: Option<String>,
    pub review_note: String,
    pub reviewed: bool,
    /// Who did the 初审 (user id, display name) and when.
    pub reviewed_by: Option<Uuid>,
    pub reviewer_name: String,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// Who made the decision (empty for an automatic decision).
    pub decider_name: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    pub created_at: DateTime<Utc>,
    pub facts_sha256: String,
    pub parameters_sha256: String,
    pub payments: Vec<PaymentLine>,
}

pub(crate) fn fen_text(fen: i64) -> String {
    Fen(fen).to_string()
}

fn region_name(code: &str) -> String {
    RegionCode::parse(code)
        .map(|c| c.full_name())
        .unwrap_or_default()
}

/// An application to make.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ApplyInput {
    /// startup_subsidy | social_insurance_subsidy | tax_deduction | guaranteed_loan
    pub benefit: String,
    /// Staff acting for the person: how the person consented.
    #[serde(default)]
    pub consent_note: String,
}

/// A review (first person) or a decision (second person).
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ReviewInput {
    /// approve | reject
    pub outcome: String,
    #[serde(default)]
    pub note: String,
}

/// The result of screening everyone (免申即享).
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ScreenAllReport {
    pub screened: usize,
    pub newly_eligible: usize,
    pub notices: usize,
}

/// One line of a retroactive recalculation.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RecalcLine {
    pub application_id: Uuid,
    pub person_id: Uuid,
    pub person_name: String,
    pub county_code: String,
    pub benefit: String,
    pub granted: String,
    pub recalculated: String,
    /// Positive: arrears to pay; negative: over-payment to recover.
    pub difference: String,
    pub difference_fen: i64,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct RecalcReport {
    pub since: NaiveDate,
    pub parameters_sha256: String,
    pub checked: usize,
    pub lines: Vec<RecalcLine>,
    pub arrears_total: String,
    pub overpaid_total: String,
    pub confirmed: bool,
}

/// What the application grants: the amount, the months (social-insurance subsidy) and the
/// instalment label (startup subsidy).
struct Grant {
    amount: i64,
    months: Vec<String>,
}

/// A screened application ready to write.
pub(crate) struct Prepared {
    pub(crate) row: ApplicationRow,
    pub(crate) months: Vec<String>,
    pub(crate) parameters_sha256: String,
}

/// The amount an application is for, from the benefit's determination: what is payable now,
/// and for the social-insurance subsidy only the months not subsidised before.
fn grant_of(d: &Determination, benefit: &str, claimed: &BTreeSet<String>) -> Grant {
    match period_of(benefit) {
        Some(GrantPeriod::PerMonth) => {
            let mut amount = 0;
            let mut months = Vec::new();
            for r in &d.breakdown {
                if let Row::Premium(p) = r {
                    let m = format!("{:04}-{:02}", p.month.year(), p.month.month());
                    if p.subsidy.0 > 0 && !claimed.contains(&m) {
                        amount += p.subsidy.0;
                        months.push(m);
                    }
                }
            }
            Grant { amount, months }
        }
        // A loan qualification is granted whole (the ceiling in force).
        Some(GrantPeriod::Qualification) => Grant {
            amount: d.amount.0,
            months: Vec::new(),
        },
        // A yearly deduction counts the tax years that have begun by the as-of day (the
        // engine's payable now): a year still to come is not deducted ahead.
        Some(GrantPeriod::PerYear) => Grant {
            amount: d.payable_now.0,
            months: Vec::new(),
        },
        _ => Grant {
            amount: d.payable_now.0,
            months: Vec::new(),
        },
    }
}

/// The form of flexible work of a gig-market post's form: 零工/日结 and 短期 are 零工, 小时工
/// and 非全日制 are 非全日制, 平台 is 新就业形态; 长期 (full-time) is not flexible work.
pub(crate) fn hire_form(post_form: &str) -> Option<FlexibleWork> {
    match post_form {
        "gig" | "short_term" => Some(FlexibleWork::Gig),
        "hourly" | "part_time" => Some(FlexibleWork::PartTime),
        "platform" => Some(FlexibleWork::Platform),
        _ => None,
    }
}

/// The rows a person's facts are gathered from, read for a page of persons at once.
#[derive(Default)]
pub(crate) struct FactRows {
    groups: Vec<person_repo::GroupRow>,
    registrations: Vec<repo::RegistrationRow>,
    hires: Vec<linghuo_storage::market::HireRow>,
    /// Workers a platform or agency reported (五(十二)).
    platform: Vec<linghuo_storage::market::platform_workers::PlatformWorkerRow>,
    businesses: Vec<repo::BusinessRow>,
    tax: Vec<repo::TaxRecordRow>,
    si: Vec<repo::SiPaymentRow>,
    si_enrolments: Vec<repo::SiEnrolmentRow>,
    /// The latest 困难摸排 finding.
    in_difficulty: Option<bool>,
    /// Σ granted of the startup subsidy (fen).
    startup_granted: i64,
    training: Vec<repo::EnrolmentRow>,
}

impl FactRows {
    /// The rows of each of `ids` (at most a page: every id is a bind of each query), by
    /// person, each table in the order the per-person reads give.
    pub(crate) async fn load(
        db: &linghuo_storage::Db,
        ids: &[Uuid],
    ) -> Result<std::collections::HashMap<Uuid, FactRows>> {
        let mut m: std::collections::HashMap<Uuid, FactRows> =
            ids.iter().map(|id| (*id, FactRows::default())).collect();
        macro_rules! each {
            ($rows:expr, |$r:ident, $f:ident| $body:expr) => {
                for $r in $rows {
                    if let Some($f) = m.get_mut(&$r.person_id) {
                        $body;
                    }
                }
            };
        }
        each!(person_repo::groups_of_persons(db, ids).await?, |r, f| f
            .groups
            .push(r));
        each!(repo::registrations_of_persons(db, ids).await?, |r, f| f
            .registrations
            .push(r));
        each!(
            linghuo_storage::market::hires_of_persons(db, ids).await?,
            |r, f| f.hires.push(r)
        );
        each!(
            linghuo_storage::market::platform_workers::of_persons(db, ids).await?,
            |r, f| f.platform.push(r)
        );
        each!(repo::businesses_of_persons(db, ids).await?, |r, f| f
            .businesses
            .push(r));
        each!(repo::tax_of_persons(db, ids).await?, |r, f| f.tax.push(r));
        each!(repo::si_of_persons(db, ids).await?, |r, f| f.si.push(r));
        each!(repo::si_enrolments_of_persons(db, ids).await?, |r, f| f
            .si_enrolments
            .push(r));
        // Newest first: the first one of a person is the latest finding.
        each!(repo::findings_of_persons(db, ids).await?, |r, f| {
            if f.in_difficulty.is_none() {
                f.in_difficulty = Some(r.in_difficulty);
            }
        });
        for (person, benefit, granted, _) in repo::granted_and_paid_of_persons(db, ids).await? {
            if benefit == BenefitId::StartupSubsidy.code()
                && let Some(f) = m.get_mut(&person)
            {
                f.startup_granted = granted;
            }
        }
        each!(repo::enrolments_of_persons(db, ids).await?, |r, f| f
            .training
            .push(r));
        Ok(m)
    }
}

/// A person's facts as of a day from their rows ([`Service::gather_facts`]).
pub(crate) fn facts_from_rows(rows: FactRows, as_of: NaiveDate) -> Gathered {
    let mut facts = Facts::new(as_of);
    let mut unverified = Vec::new();
    for g in rows.groups {
        if g.since.is_some_and(|s| s > as_of) || g.until.is_some_and(|u| u < as_of) {
            continue;
        }
        let Some(group) = Group::from_code(&g.group_code) else {
            continue;
        };
        facts.person.groups.insert(group);
        if group == Group::CollegeGraduate {
            facts.person.left_school_on = g.since;
        }
        if !(g.verified || g.source == "registry" || g.source == "staff_checked") {
            unverified.push(format!("人员类别“{}”为本人申报，尚未核验", group.zh()));
        }
    }
    let regs = rows.registrations;
    if let Some(r) = regs
        .iter()
        .find(|r| r.started_on <= as_of && r.ended_on.is_none_or(|e| e >= as_of))
    {
        match r.kind.as_str() {
            "unemployment" => {
                facts.person.groups.insert(Group::RegisteredUnemployed);
                facts.person.unemployment_registered_on = Some(r.started_on);
            }
            "flexible" => {
                facts.person.flexible_work =
                    r.flexible_form.as_deref().and_then(FlexibleWork::from_code);
            }
            _ => {}
        }
    }
    // 用工登记: hires through the gig market (each files its 用工登记) in a flexible form,
    // so that a person hired there is a flexible worker for the training subsidy (四(八))
    // without a separate 灵活就业登记. From the platform's own records: verified.
    for h in rows.hires {
        if h.status == linghuo_storage::status::HireStatus::Cancelled {
            continue;
        }
        let Some(form) = hire_form(&h.form) else {
            continue;
        };
        facts.hires.push(Hire {
            form,
            started_on: h.start_date,
            ended_on: h.completed_at.map(crate::platform::clock::cst_date),
        });
    }
    // Workers a platform (or a human-resource service agency) reported (五(十二)): each
    // record is a 用工登记 in its form, and 新就业形态 work in force on the day makes the
    // person 平台就业人员. From the employer's own records, as a market hire: verified.
    for w in rows.platform {
        let Some(form) = FlexibleWork::from_code(&w.form) else {
            continue;
        };
        let hire = Hire {
            form,
            started_on: w.started_on,
            ended_on: w.ended_on,
        };
        if form == FlexibleWork::Platform && hire.active_on(as_of) {
            facts.person.groups.insert(Group::PlatformWorker);
        }
        facts.hires.push(hire);
    }
    facts.hires.sort_by_key(|h| h.started_on);
    let businesses = rows.businesses;
    let business = businesses.iter().find(|b| b.registered_on <= as_of);
    if let Some(b) = business {
        facts.business = Some(Business {
            kind: BusinessKind::from_code(&b.kind),
            registered_on: Some(b.registered_on),
            first_time: Some(b.first_time),
            operating_normally: Some(b.operating_normally),
            employees_driven: Some(b.employees_driven.max(0) as u32),
            road_occupation_approved: Some(b.road_occupation_approved),
            rents_state_owned_property: Some(b.rents_state_owned_property),
        });
        if !b.verified {
            unverified.push(format!(
                "经营主体“{}”的登记信息为本人申报，尚未核验",
                b.name
            ));
        }
    }
    for t in rows.tax {
        if t.source == "self_declared" {
            unverified.push(format!("{}年纳税信息为本人申报", t.year));
        }
        facts.tax_years.push(TaxYear {
            year: t.year,
            vat: Fen(t.vat_fen),
            urban_maintenance_tax: Fen(t.urban_maintenance_fen),
            education_surcharge: Fen(t.education_fen),
            local_education_surcharge: Fen(t.local_education_fen),
            individual_income_tax: Fen(t.income_tax_fen),
        });
    }
    let mut self_si = 0;
    for s in rows.si {
        let Some(month) = linghuo_policy::calendar::Month::parse(&s.month) else {
            continue;
        };
        if month > linghuo_policy::calendar::Month::of(as_of) {
            continue;
        }
        if s.source == "self_declared" {
            self_si += 1;
        }
        facts.social_insurance_paid.push(PremiumMonth {
            month,
            amount: Fen(s.amount_fen),
        });
    }
    if self_si > 0 {
        unverified.push(format!("{self_si}个月的社会保险缴费为本人申报"));
    }
    let enrolled: Vec<(String, linghuo_policy::calendar::Month, i64)> = rows
        .si_enrolments
        .into_iter()
        .filter_map(|e| {
            linghuo_policy::calendar::Month::parse(&e.start_month)
                .map(|m| (e.scheme, m, e.base_fen))
        })
        .collect();
    let mut g = Gathered {
        facts,
        unverified,
        business_id: None,
    };
    enrolment::add_enrolment_months(&mut g, &enrolled);
    let Gathered {
        mut facts,
        unverified,
        ..
    } = g;
    // 困难摸排 by staff (四(十一)): the latest finding, a verified source.
    facts.person.in_difficulty = rows.in_difficulty;
    facts.startup_subsidy_paid = Fen(rows.startup_granted.max(0));
    if rows
        .training
        .iter()
        .any(|e| e.status == "enrolled" || e.status == "completed")
    {
        facts.training = Some(linghuo_policy::facts::Training {
            enrolled_approved_course: Some(true),
            wants_to_start_business: None,
        });
    }
    Gathered {
        facts,
        unverified,
        business_id: business.map(|b| b.id),
    }
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

impl Service {
    /// Gathers a person's facts as of a day from the database.
    pub async fn gather_facts(&self, person: &PersonRow, as_of: NaiveDate) -> Result<Gathered> {
        let mut rows = FactRows::load(&self.db, &[person.id]).await?;
        Ok(facts_from_rows(
            rows.remove(&person.id).unwrap_or_default(),
            as_of,
        ))
    }

    /// [`Service::gather_facts`] for a page of persons at once (one query per table for the
    /// page, not per person), in the order of `ids`: the screening of a whole population.
    pub async fn gather_facts_of(&self, ids: &[Uuid], as_of: NaiveDate) -> Result<Vec<Gathered>> {
        let mut rows = FactRows::load(&self.db, ids).await?;
        Ok(ids
            .iter()
            .map(|id| facts_from_rows(rows.remove(id).unwrap_or_default(), as_of))
            .collect())
    }

    /// The months already subsidised for a person (social-insurance subsidy only): the
    /// exclusive claims the ledger wrote, so no month is offered or granted twice.
    async fn claimed_months(&self, benefit: &str, person: Uuid) -> Result<BTreeSet<String>> {
        if period_of(benefit) != Some(GrantPeriod::PerMonth) {
            return Ok(BTreeSet::new());
        }
        Ok(repo::claims_with_prefix(&self.db, &format!("si:{person}:"))
            .await?
            .into_iter()
            .filter_map(|k| k.rsplit(':').next().map(str::to_owned))
            .collect())
    }

    /// The engine the service decides with: the embedded parameters plus the configured
    /// overrides.
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The period an application is for: the business and instalment for the startup
    /// subsidy, the month for the social-insurance subsidy, the year otherwise.
    pub(crate) async fn period_for(
        &self,
        benefit: &str,
        person: Uuid,
        g: &Gathered,
        as_of: NaiveDate,
    ) -> Result<String> {
        Ok(match period_of(benefit) {
            Some(GrantPeriod::PerBusiness) => {
                let b = g.business_id.map(|b| b.to_string()).unwrap_or_default();
                let n = repo::claims_with_prefix(&self.db, &format!("startup:{b}#"))
                    .await?
                    .len();
                let _ = person;
                format!("{b}#{}", n + 1)
            }
            Some(GrantPeriod::PerMonth) => as_of.format("%Y-%m").to_string(),
            _ => as_of.format("%Y").to_string(),
        })
    }

    /// Applies for a benefit: screens the gathered facts and decides at once when every fact
    /// is verified, or queues the application for review.
    pub async fn apply_for_benefit(
        &self,
        actor: &Actor,
        person_id: Uuid,
        input: ApplyInput,
    ) -> Result<ApplicationView> {
        actor.require_role(&[Role::Worker, Role::Staff])?;
        let benefit = input.benefit.trim();
        if !APPLICABLE.iter().any(|(id, _)| *id == benefit) {
            return Err(ServiceError::invalid(
                "benefit",
                "benefit_unknown",
                "请选择可以申请的待遇",
            ));
        }
        let person = self
            .person_in_scope(actor, person_id, "apply_benefit")
            .await?;
        if actor.role == Role::Staff && input.consent_note.trim().chars().count() < 2 {
            return Err(ServiceError::invalid(
                "consent_note",
                "consent_required",
                "窗口代办须记录本人同意的方式（如“本人到窗口书面同意”）",
            ));
        }
        let as_of = self.clock.today_cst();
        let g = self.gather_facts(&person, as_of).await?;
        let period = self.period_for(benefit, person.id, &g, as_of).await?;
        self.file_application(
            actor,
            &person,
            benefit,
            &period,
            &g,
            actor.role == Role::Staff,
            input.consent_note.trim(),
            None,
        )
        .await
    }

    /// Screens, stores and (when the facts allow) decides one application.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn file_application(
        &self,
        actor: &Actor,
        person: &PersonRow,
        benefit: &str,
        period: &str,
        g: &Gathered,
        on_behalf: bool,
        consent_note: &str,
        fixed_amount: Option<i64>,
    ) -> Result<ApplicationView> {
        let prepared = self
            .prepare_application(
                actor,
                person,
                benefit,
                period,
                g,
                on_behalf,
                consent_note,
                fixed_amount,
            )
            .await?;
        let now = prepared.row.created_at;
        let mut tx = self.db.begin().await?;
        self.write_application_in_tx(&mut tx, actor, &prepared, now)
            .await?;
        tx.commit().await?;
        self.benefit_view(&prepared.row).await
    }

    /// Screens one application: the row to store (decided at once when every fact is
    /// verified) and the months it grants.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn prepare_application(
        &self,
        actor: &Actor,
        person: &PersonRow,
        benefit: &str,
        period: &str,
        g: &Gathered,
        on_behalf: bool,
        consent_note: &str,
        fixed_amount: Option<i64>,
    ) -> Result<Prepared> {
        // With the trace: it is stored with the decision (in the determination) and shown,
        // folded, on the staff application page.
        let d = self.engine.screen(&g.facts, &ScreenOptions { trace: true });
        let det = d
            .benefit(benefit)
            .ok_or_else(|| ServiceError::Internal(format!("no rule {benefit}")))?;
        let claimed = self.claimed_months(benefit, person.id).await?;
        let mut grant = grant_of(det, benefit, &claimed);
        if let Some(a) = fixed_amount {
            grant.amount = a;
        }
        let payable = det.eligible && (grant.amount > 0 || !is_paid(benefit));
        let mut reasons = det.reasons.clone();
        if det.eligible && !payable {
            reasons.push(match det.payable_from {
                Some(d) => format!("目前没有可发放的金额，{d}起可以申请"),
                None => "目前没有尚未发放的金额（已发放的月份或金额不重复发放）".into(),
            });
        }
        let automatic = g.unverified.is_empty();
        let now = self.clock.now();
        let status = match (automatic, payable) {
            (true, true) => ApplicationStatus::Approved,
            (true, false) => ApplicationStatus::Rejected,
            (false, _) => ApplicationStatus::PendingReview,
        };
        let facts_json = g.facts.canonical_json();
        let mut det_value = serde_json::to_value(det)
            .map_err(|e| ServiceError::Internal(format!("determination json: {e}")))?;
        det_value["reasons"] = json!(reasons);
        det_value["granted_months"] = json!(grant.months);
        let row = ApplicationRow {
            id: Uuid::new_v4(),
            person_id: person.id,
            county_code: person.jurisdiction_code.clone(),
            benefit: benefit.into(),
            period: period.into(),
            status,
            route: if automatic { "automatic" } else { "manual" }.into(),
            as_of: g.facts.as_of,
            facts_sha256: sha256_hex(&facts_json),
            facts_json,
            determination_json: det_value.to_string(),
            receipt_json: serde_json::to_string(&d.receipt)
                .map_err(|e| ServiceError::Internal(format!("receipt json: {e}")))?,
            eligible: det.eligible,
            amount_fen: if payable { grant.amount } else { 0 },
            units: grant.months.len() as i32,
            unverified: serde_json::to_string(&g.unverified).unwrap_or_else(|_| "[]".into()),
            applied_by: Some(actor.user_id),
            on_behalf,
            consent_note: consent_note.into(),
            review_outcome: None,
            review_note: String::new(),
            reviewed_by: None,
            reviewed_at: None,
            decided_by: None,
            decided_at: automatic.then_some(now),
            decision_note: if automatic {
                "系统依据已核验数据自动决定（无人审批）".into()
            } else {
                String::new()
            },
            created_at: now,
            updated_at: now,
        };
        Ok(Prepared {
            row,
            months: grant.months,
            parameters_sha256: d.receipt.parameters_sha256.clone(),
        })
    }

    /// Writes a screened application in the caller's transaction: the row, its audit, the
    /// grant when approved, and the notice.
    pub(crate) async fn write_application_in_tx(
        &self,
        tx: &mut linghuo_storage::Tx,
        actor: &Actor,
        prepared: &Prepared,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let row = &prepared.row;
        let benefit = row.benefit.as_str();
        let status = row.status;
        let on_behalf = row.on_behalf;
        repo::insert_application(&mut *tx, row)
            .await
            .map_err(|e| match e {
                StorageError::Conflict { .. } => ServiceError::Conflict {
                    code: "already_applied",
                    message: format!("本期已申请过{}，请查看申请记录", benefit_name(benefit)),
                },
                other => other.into(),
            })?;
        audit::record(
            &mut *tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("benefit_applied", "benefit_application", row.id)
                .region(row.county_code.clone())
                .detail(json!({
                    "benefit": benefit,
                    "route": row.route,
                    "status": status,
                    "on_behalf": on_behalf,
                    "amount": fen_text(row.amount_fen),
                    "facts_sha256": row.facts_sha256,
                    "parameters_sha256": prepared.parameters_sha256,
                })),
        )
        .await?;
        if status == ApplicationStatus::Approved {
            // Over budget the grant is held (budget::hold_in_tx), still in this transaction.
            self.grant_in_tx(&mut *tx, row, &prepared.months, None, now)
                .await?;
        }
        self.notify_decision(&mut *tx, row, now).await?;
        Ok(())
    }

    /// Tells the applicant about a decision (or that it went to review).
    async fn notify_decision(
        &self,
        tx: &mut linghuo_storage::Tx,
        row: &ApplicationRow,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let name = benefit_name(&row.benefit);
        let (kind, message) = match row.status.as_str() {
            "approved" => (
                "benefit_approved",
                format!("您申请的{name}已批准，金额{}元", fen_text(row.amount_fen)),
            ),
            "rejected" => (
                "benefit_rejected",
                format!("您申请的{name}不予批准，请查看决定书中的理由"),
            ),
            _ => (
                "benefit_pending",
                format!("您申请的{name}已受理，需要工作人员核验部分信息"),
            ),
        };
        notice_repo::insert_notice(
            tx,
            &NoticeRow::to_worker(
                row.person_id,
                row.county_code.clone(),
                kind,
                message,
                format!("/services/benefits/{}", row.id),
                format!("benefit:{}:{}", row.id, row.status),
                now,
            ),
        )
        .await?;
        Ok(())
    }

    /// An application the caller may see (the person, or staff of its region).
    async fn benefit_in_scope(&self, actor: &Actor, id: Uuid) -> Result<ApplicationRow> {
        match repo::application(&self.db, id).await? {
            Some(a) if actor.may_see(&a.county_code, Some(a.person_id)) => Ok(a),
            _ => Err(self
                .deny(actor, "benefit_application", id.to_string(), "read")
                .await),
        }
    }

    pub async fn get_benefit_application(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<ApplicationView> {
        let a = self.benefit_in_scope(actor, id).await?;
        self.benefit_view(&a).await
    }

    /// How the engine reached an application's decision, step by step in words (staff of
    /// its region only): the trace stored with the decision. Empty for a decision stored
    /// before traces were kept.
    pub async fn benefit_trace(
        &self,
        actor: &Actor,
        id: Uuid,
    ) -> Result<Vec<trace_view::TraceLine>> {
        actor.require_role(&[Role::Staff])?;
        let a = self.benefit_in_scope(actor, id).await?;
        let det: serde_json::Value =
            serde_json::from_str(&a.determination_json).unwrap_or(serde_json::Value::Null);
        Ok(match det.get("trace") {
            Some(t) if !t.is_null() => trace_view::trace_lines(&self.engine, t),
            _ => Vec::new(),
        })
    }

    /// The caller's own applications (a worker), or a person's (staff in scope).
    pub async fn benefit_applications_of(
        &self,
        actor: &Actor,
        person_id: Uuid,
    ) -> Result<Vec<ApplicationView>> {
        let p = self
            .person_in_scope(actor, person_id, "list_applications")
            .await?;
        let mut out = Vec::new();
        for a in repo::applications_of(&self.db, p.id).await? {
            out.push(self.benefit_view(&a).await?);
        }
        Ok(out)
    }

    /// Applications in the staff member's region with a status (empty: any).
    pub async fn benefit_applications_in_region(
        &self,
        actor: &Actor,
        status: &str,
    ) -> Result<Vec<ApplicationView>> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        if !status.is_empty() && status_label(status).is_empty() {
            return Err(ServiceError::invalid(
                "status",
                "status_unknown",
                "状态应为 pending_review、reviewed、approved、rejected 或 withdrawn",
            ));
        }
        let mut out = Vec::new();
        // Under the region's row-level security as well (B4).
        let mut tx = self.db.begin_scoped(&prefix).await?;
        let rows = repo::applications_in_region(&mut tx, &prefix, status, 500).await?;
        tx.commit().await?;
        for a in &rows {
            out.push(self.benefit_view(a).await?);
        }
        Ok(out)
    }

    /// One page of the region's applications in a status, searched by the applicant's name.
    pub async fn benefit_applications_page(
        &self,
        actor: &Actor,
        status: &str,
        q: &crate::paging::PageQuery,
    ) -> Result<crate::paging::Paged<ApplicationView>> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        if !status.is_empty() && status_label(status).is_empty() {
            return Err(ServiceError::invalid(
                "status",
                "status_unknown",
                "状态应为 pending_review、reviewed、approved、rejected 或 withdrawn",
            ));
        }
        let mut tx = self.db.begin_scoped(&prefix).await?;
        let (rows, total) = repo::applications_in_region_page(
            &mut tx,
            &prefix,
            status,
            &q.like(),
            q.limit(),
            q.offset(),
        )
        .await?;
        tx.commit().await?;
        let mut out = Vec::with_capacity(rows.len());
        for a in &rows {
            out.push(self.benefit_view(a).await?);
        }
        Ok(crate::paging::Paged::new(out, q, total))
    }

    pub(crate) async fn benefit_view(&self, a: &ApplicationRow) -> Result<ApplicationView> {
        let name = self.masked_name(a.person_id).await?;
        let mut payments = repo::instructions_of_application(&self.db, a.id)
            .await?
            .into_iter()
            .map(|i| PaymentLine {
                reference: i.reference,
                instalment: i.instalment,
                amount: fen_text(i.amount_fen),
                status_label: crate::ledger::instruction_label(i.status.as_str()).into(),
                status: i.status.as_str().into(),
                note: String::new(),
            })
            .collect::<Vec<PaymentLine>>();
        if a.status == ApplicationStatus::Approved
            && let Some(h) = repo::hold_of_application(&self.db, a.id).await?
            && h.status == "held"
        {
            payments.push(held_line(a, h.reason));
        }
        let mut v = view_of(a, name, payments);
        v.reviewer_name = self.staff_name(a.reviewed_by).await?;
        v.decider_name = self.staff_name(a.decided_by).await?;
        Ok(v)
    }

    /// The display name of the staff member who did a step ("" when nobody did).
    pub(crate) async fn staff_name(&self, user: Option<Uuid>) -> Result<String> {
        let Some(id) = user else {
            return Ok(String::new());
        };
        Ok(linghuo_storage::users::by_id(&self.db, id)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default())
    }

    async fn masked_name(&self, person: Uuid) -> Result<String> {
        Ok(person_repo::by_id(&self.db, person)
            .await?
            .map(|p| linghuo_domain::masking::mask_name(&p.name))
            .unwrap_or_default())
    }

    /// The first of two people: records the review of a manual application.
    pub async fn review_application(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ReviewInput,
    ) -> Result<ApplicationView> {
        actor.require_role(&[Role::Staff])?;
        let a = self.benefit_in_scope(actor, id).await?;
        let outcome = parse_outcome(&input.outcome)?;
        let note = check_note(&input.note, outcome == "reject")?;
        if a.applied_by == Some(actor.user_id) {
            return Err(ServiceError::Forbidden {
                code: "own_application",
                message: "代为申请的工作人员不能初审同一申请".into(),
            });
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::set_review(&mut tx, a.id, outcome, &note, actor.user_id, now).await? {
            return Err(ServiceError::Conflict {
                code: "not_pending_review",
                message: "该申请不在待初审状态".into(),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("benefit_reviewed", "benefit_application", a.id)
                .region(a.county_code.clone())
                .detail(json!({"outcome": outcome})),
        )
        .await?;
        tx.commit().await?;
        let a = repo::application(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.benefit_view(&a).await
    }

    /// The second person: approves or rejects a reviewed application. An approval grants the
    /// money in the same transaction. With an idempotency key the first answer is replayed
    /// for a repeated request; a key reused for another request is refused.
    pub async fn decide_application(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ReviewInput,
        idempotency_key: Option<&str>,
    ) -> Result<ApplicationView> {
        actor.require_role(&[Role::Staff])?;
        // Scope first: out of region is "not found", whatever else is wrong.
        let a = self.benefit_in_scope(actor, id).await?;
        let person_name = self.masked_name(a.person_id).await?;
        if let Some(k) = idempotency_key
            && (k.is_empty() || k.len() > 100)
        {
            return Err(ServiceError::invalid(
                "Idempotency-Key",
                "idempotency_key_invalid",
                "幂等键应为1至100个字符",
            ));
        }
        let now = self.clock.now();
        // The key is looked up before the body is checked, so a key reused with another body
        // is refused as such (422) even when that body is also invalid. The fingerprint is of
        // the body as sent, trimmed; for a valid body it equals the checked values.
        let request_hash = sha256_hex(&format!(
            "decide\n{id}\n{}\n{}",
            input.outcome.trim(),
            input.note.trim()
        ));
        let mut tx = self.db.begin().await?;
        if let Some(key) = idempotency_key
            && let Some((hash, status, body)) =
                repo::claim_idempotency_key(&mut tx, actor.user_id, key, &request_hash, now).await?
        {
            tx.rollback().await?;
            if hash != request_hash {
                return Err(ServiceError::Invalid {
                    field: "Idempotency-Key".into(),
                    code: "idempotency_key_reused",
                    message: "该幂等键已用于另一请求".into(),
                });
            }
            return match (status, body) {
                (Some(_), Some(body)) => serde_json::from_str(&body)
                    .map_err(|e| ServiceError::Internal(format!("stored response: {e}"))),
                _ => Err(ServiceError::Conflict {
                    code: "request_in_flight",
                    message: "相同的请求正在处理".into(),
                }),
            };
        }
        let outcome = parse_outcome(&input.outcome)?;
        let note = check_note(&input.note, outcome == "reject")?;
        if outcome == "approve" {
            // A9: a large approval needs the password and second factor again.
            self.require_step_up_for_amount(actor, a.amount_fen)?;
        }
        // Re-read inside the transaction: the state check below is the conditional update.
        let current = repo::application_tx(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if current.reviewed_by == Some(actor.user_id) {
            return Err(ServiceError::Forbidden {
                code: "reviewer_cannot_approve",
                message: "初审人不能审批自己初审的申请（审核与审批须由两人办理）".into(),
            });
        }
        if current.applied_by == Some(actor.user_id) {
            return Err(ServiceError::Forbidden {
                code: "own_application",
                message: "代为申请的工作人员不能审批同一申请".into(),
            });
        }
        let to = if outcome == "approve" {
            ApplicationStatus::Approved
        } else {
            ApplicationStatus::Rejected
        };
        if outcome == "approve" && !current.eligible {
            return Err(ServiceError::invalid(
                "outcome",
                "not_eligible",
                "按政策计算不符合条件，不能批准；如事实有误，请先更正事实后重新申请",
            ));
        }
        if !repo::set_decision(
            &mut tx,
            id,
            ApplicationStatus::Reviewed.as_str(),
            to.as_str(),
            Some(actor.user_id),
            &note,
            now,
        )
        .await?
        {
            return Err(ServiceError::Conflict {
                code: "not_awaiting_decision",
                message: "该申请不在待审批状态（可能已被他人审批）".into(),
            });
        }
        let mut row = current;
        row.status = to;
        row.decided_by = Some(actor.user_id);
        row.decided_at = Some(now);
        row.decision_note = note.clone();
        let mut held = None;
        if to == ApplicationStatus::Approved {
            let months = self.months_of(&row)?;
            if let crate::ledger::GrantOutcome::Held(reason) = self
                .grant_in_tx(&mut tx, &row, &months, Some(actor.user_id), now)
                .await?
            {
                held = Some(reason);
            }
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("benefit_decided", "benefit_application", id)
                .region(row.county_code.clone())
                .detail(json!({"outcome": to, "amount": fen_text(row.amount_fen)})),
        )
        .await?;
        self.notify_decision(&mut tx, &row, now).await?;
        let view = self.decided_view(&row, person_name, held)?;
        if let Some(key) = idempotency_key {
            let body = serde_json::to_string(&view)
                .map_err(|e| ServiceError::Internal(format!("response json: {e}")))?;
            repo::store_idempotent_response(&mut tx, actor.user_id, key, 200, &body).await?;
        }
        tx.commit().await?;
        Ok(view)
    }

    /// The view of a row being decided, with the payment line this transaction writes (not
    /// yet visible outside it), so a stored idempotent response shows it. No database reads:
    /// a transaction holding the write lock must not wait for another pool connection.
    fn decided_view(
        &self,
        row: &ApplicationRow,
        person_name: String,
        held: Option<String>,
    ) -> Result<ApplicationView> {
        let mut v = view_of(row, person_name, Vec::new());
        if let Some(reason) = held {
            v.payments = vec![held_line(row, reason)];
        } else if row.status == ApplicationStatus::Approved
            && is_paid(&row.benefit)
            && row.amount_fen > 0
        {
            v.payments = vec![PaymentLine {
                reference: crate::ledger::reference_for(row.id, 1),
                instalment: 1,
                amount: fen_text(row.amount_fen),
                status: "pending".into(),
                status_label: crate::ledger::instruction_label("pending").into(),
                note: String::new(),
            }];
        }
        Ok(v)
    }

    /// The months an application subsidises (from its stored determination).
    pub(crate) fn months_of(&self, row: &ApplicationRow) -> Result<Vec<String>> {
        if period_of(&row.benefit) != Some(GrantPeriod::PerMonth) {
            return Ok(Vec::new());
        }
        let det: serde_json::Value = serde_json::from_str(&row.determination_json)
            .map_err(|e| ServiceError::Internal(format!("determination: {e}")))?;
        // The months not yet subsidised when the application was filed, stored with it.
        Ok(det["granted_months"]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|m| m.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// 免申即享: screens every registered person (in pages) and tells the newly eligible.
    pub async fn screen_all(&self) -> Result<ScreenAllReport> {
        let mut report = ScreenAllReport::default();
        let mut after = Uuid::nil();
        loop {
            let page = repo::registered_persons_page(&self.db, after, 500).await?;
            let Some(last) = page.last() else { break };
            after = *last;
            for id in page {
                self.screen_person(id, &mut report).await?;
            }
        }
        Ok(report)
    }

    /// Re-screens the persons whose facts changed (the queue filled by writes).
    pub async fn rescreen_changed(&self) -> Result<ScreenAllReport> {
        let mut report = ScreenAllReport::default();
        loop {
            let ids = repo::take_rescreen(&self.db, 200).await?;
            if ids.is_empty() {
                break;
            }
            for id in ids {
                self.screen_person(id, &mut report).await?;
            }
        }
        Ok(report)
    }

    async fn screen_person(&self, id: Uuid, report: &mut ScreenAllReport) -> Result<()> {
        let Some(person) = person_repo::by_id(&self.db, id).await? else {
            return Ok(());
        };
        report.screened += 1;
        let as_of = self.clock.today_cst();
        let g = self.gather_facts(&person, as_of).await?;
        let d = self.engine.screen(&g.facts, &ScreenOptions::default());
        // 四(十一): the same screening keeps the assistance referral list.
        self.note_assistance(&person, &d).await?;
        for benefit in
            [BenefitId::StartupSubsidy, BenefitId::SocialInsuranceSubsidy].map(BenefitId::code)
        {
            let Some(det) = d.benefit(benefit) else {
                continue;
            };
            if !det.eligible {
                continue;
            }
            let claimed = self.claimed_months(benefit, person.id).await?;
            let grant = grant_of(det, benefit, &claimed);
            if grant.amount <= 0 {
                continue;
            }
            let period = self.period_for(benefit, person.id, &g, as_of).await?;
            if repo::application_for(&self.db, person.id, benefit, &period)
                .await?
                .is_some()
            {
                continue;
            }
            let now = self.clock.now();
            let mut tx = self.db.begin().await?;
            if !repo::mark_eligibility_seen(&mut tx, person.id, benefit, &period, grant.amount, now)
                .await?
            {
                continue;
            }
            report.newly_eligible += 1;
            let name = benefit_name(benefit);
            let link = format!("/services/benefits/apply?benefit={benefit}");
            for (audience, person_id) in [("worker", Some(person.id)), ("staff", None)] {
                let message = if audience == "worker" {
                    format!(
                        "免申即享：经系统核对，您可享受{name}，可领取{}元。申请表已按登记信息填好，确认即可提交",
                        fen_text(grant.amount)
                    )
                } else {
                    format!(
                        "免申即享：辖区内{}可享受{name}（{}元），已通知本人",
                        linghuo_domain::masking::mask_name(&person.name),
                        fen_text(grant.amount)
                    )
                };
                if notice_repo::insert_notice(
                    &mut tx,
                    &NoticeRow {
                        id: Uuid::new_v4(),
                        audience: audience.into(),
                        person_id,
                        employer_id: None,
                        region_code: person.jurisdiction_code.clone(),
                        kind: "eligible".into(),
                        message,
                        link: if audience == "worker" {
                            link.clone()
                        } else {
                            "/staff/benefits".into()
                        },
                        dedupe_key: format!("eligible:{audience}:{}:{benefit}:{period}", person.id),
                        created_at: now,
                        read_at: None,
                    },
                )
                .await?
                {
                    report.notices += 1;
                    if audience == "worker" {
                        repo::mark_eligibility_notified(&mut tx, person.id, benefit, &period, now)
                            .await?;
                    }
                }
            }
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::system(),
                Event::new("benefit_eligibility_found", "person", person.id)
                    .region(person.jurisdiction_code.clone())
                    .detail(json!({"benefit": benefit, "amount": fen_text(grant.amount)})),
            )
            .await?;
            tx.commit().await?;
        }
        Ok(())
    }

    /// What a person would be granted if they applied now (the pre-filled application).
    pub async fn preview_benefit(
        &self,
        actor: &Actor,
        person_id: Uuid,
        benefit: &str,
    ) -> Result<ApplicationView> {
        if !APPLICABLE.iter().any(|(id, _)| *id == benefit) {
            return Err(ServiceError::invalid(
                "benefit",
                "benefit_unknown",
                "请选择可以申请的待遇",
            ));
        }
        let person = self
            .person_in_scope(actor, person_id, "preview_benefit")
            .await?;
        let as_of = self.clock.today_cst();
        let g = self.gather_facts(&person, as_of).await?;
        let d = self.engine.screen(&g.facts, &ScreenOptions::default());
        let det = d
            .benefit(benefit)
            .ok_or_else(|| ServiceError::Internal(format!("no rule {benefit}")))?;
        let claimed = self.claimed_months(benefit, person.id).await?;
        let grant = grant_of(det, benefit, &claimed);
        let now = self.clock.now();
        Ok(ApplicationView {
            id: Uuid::nil(),
            person_id,
            person_name: linghuo_domain::masking::mask_name(&person.name),
            county_code: person.jurisdiction_code.clone(),
            county_name: region_name(&person.jurisdiction_code),
            benefit: benefit.into(),
            benefit_name: benefit_name(benefit).into(),
            period: self.period_for(benefit, person.id, &g, as_of).await?,
            status: String::new(),
            status_label: "尚未申请".into(),
            route: if g.unverified.is_empty() {
                "automatic"
            } else {
                "manual"
            }
            .into(),
            as_of,
            eligible: det.eligible,
            amount: fen_text(if det.eligible { grant.amount } else { 0 }),
            units: grant.months.len() as i32,
            reasons: det.reasons.clone(),
            changes: det
                .what_would_change
                .iter()
                .map(|c| OutcomeChange {
                    condition: c.condition.into(),
                    text: c.text.clone(),
                    possible: c.possible,
                    from: c.from,
                })
                .collect(),
            citations: det
                .citations
                .iter()
                .map(|c| CitationView {
                    clause: c.clause.into(),
                    text: c.text.into(),
                })
                .collect(),
            unverified: g.unverified.clone(),
            on_behalf: false,
            review_outcome: None,
            review_note: String::new(),
            reviewed: false,
            reviewed_by: None,
            reviewer_name: String::new(),
            reviewed_at: None,
            decider_name: String::new(),
            decided_at: None,
            decision_note: String::new(),
            created_at: now,
            facts_sha256: sha256_hex(&g.facts.canonical_json()),
            parameters_sha256: d.receipt.parameters_sha256.clone(),
            payments: Vec::new(),
        })
    }

    /// Replays approved decisions since `since` under the parameters now in force and lists
    /// arrears and over-payments. With `confirm` (staff, or the CLI as the system) each
    /// difference becomes a ledger adjustment: arrears a new grant and payment instruction,
    /// over-payments a receivable to recover. Confirming twice changes nothing more.
    pub async fn recalc(
        &self,
        actor: Option<&Actor>,
        since: NaiveDate,
        confirm: bool,
    ) -> Result<RecalcReport> {
        let prefix = match actor {
            Some(a) => a
                .person_scope_prefix()
                .ok_or_else(ServiceError::forbidden)?,
            None => String::new(),
        };
        let since_utc =
            since.and_hms_opt(0, 0, 0).expect("midnight").and_utc() - chrono::Duration::hours(8);
        let params = self.engine.parameters_sha256().to_owned();
        let mut lines = Vec::new();
        let mut checked = 0;
        for a in repo::approved_since(&self.db, since_utc).await? {
            if !a.county_code.starts_with(&prefix) || !is_paid(&a.benefit) {
                continue;
            }
            checked += 1;
            let facts = linghuo_policy::parse_facts(&a.facts_json)
                .map_err(|e| ServiceError::Internal(format!("stored facts: {e}")))?;
            let d = self.engine.screen(&facts, &ScreenOptions::default());
            let Some(det) = d.benefit(&a.benefit) else {
                continue;
            };
            let new_amount = if !det.eligible {
                0
            } else if period_of(&a.benefit) == Some(GrantPeriod::PerMonth) {
                let months: BTreeSet<String> = self.months_of(&a)?.into_iter().collect();
                det.breakdown
                    .iter()
                    .filter_map(|r| match r {
                        Row::Premium(p) => Some(p),
                        _ => None,
                    })
                    .filter(|p| {
                        months.contains(&format!("{:04}-{:02}", p.month.year(), p.month.month()))
                    })
                    .map(|p| p.subsidy.0)
                    .sum()
            } else if period_of(&a.benefit) == Some(GrantPeriod::PerCourse) {
                a.amount_fen
            } else {
                det.payable_now.0
            };
            let transfers = repo::transfers_of_application(&self.db, a.id).await?;
            let granted: i64 = transfers
                .iter()
                .map(|t| match t.kind.as_str() {
                    "grant" | "adjustment" => t.amount_fen,
                    "recovery" => -t.amount_fen,
                    _ => 0,
                })
                .sum();
            let diff = new_amount - granted;
            if diff == 0 {
                continue;
            }
            let name = person_repo::by_id(&self.db, a.person_id)
                .await?
                .map(|p| linghuo_domain::masking::mask_name(&p.name))
                .unwrap_or_default();
            lines.push((
                a,
                RecalcLine {
                    application_id: Uuid::nil(),
                    person_id: Uuid::nil(),
                    person_name: name,
                    county_code: String::new(),
                    benefit: String::new(),
                    granted: fen_text(granted),
                    recalculated: fen_text(new_amount),
                    difference: fen_text(diff),
                    difference_fen: diff,
                },
            ));
        }
        if confirm {
            let now = self.clock.now();
            let by = actor.map(|a| a.user_id);
            let audit_actor = actor
                .map(AuditActor::from)
                .unwrap_or_else(AuditActor::system);
            for (a, l) in &lines {
                let mut tx = self.db.begin().await?;
                let applied = crate::ledger::adjust_in_tx(
                    self,
                    &mut tx,
                    a,
                    l.difference_fen,
                    &params,
                    by,
                    now,
                )
                .await?;
                if applied {
                    audit::record(
                        &mut tx,
                        &self.keys,
                        now,
                        &audit_actor,
                        Event::new("benefit_recalculated", "benefit_application", a.id)
                            .region(a.county_code.clone())
                            .detail(json!({
                                "difference": l.difference,
                                "parameters_sha256": params,
                            })),
                    )
                    .await?;
                }
                tx.commit().await?;
            }
        }
        let arrears: i64 = lines.iter().map(|(_, l)| l.difference_fen.max(0)).sum();
        let overpaid: i64 = lines.iter().map(|(_, l)| (-l.difference_fen).max(0)).sum();
        Ok(RecalcReport {
            since,
            parameters_sha256: params,
            checked,
            lines: lines
                .into_iter()
                .map(|(a, mut l)| {
                    l.application_id = a.id;
                    l.person_id = a.person_id;
                    l.county_code = a.county_code;
                    l.benefit = a.benefit;
                    l
                })
                .collect(),
            arrears_total: fen_text(arrears),
            overpaid_total: fen_text(overpaid),
            confirmed: confirm,
        })
    }
}

fn parse_outcome(s: &str) -> Result<&'static str> {
    match s.trim() {
        "approve" => Ok("approve"),
        "reject" => Ok("reject"),
        _ => Err(ServiceError::invalid(
            "outcome",
            "outcome_unknown",
            "请选择“同意”或“不同意”",
        )),
    }
}

fn check_note(note: &str, required: bool) -> Result<String> {
    let n = note.trim();
    if required && n.chars().count() < 2 {
        return Err(ServiceError::invalid(
            "note",
            "note_required",
            "不同意时请写明理由（申请人将在决定书中看到）",
        ));
    }
    if n.chars().count() > 500 {
        return Err(ServiceError::invalid("note", "too_long", "意见最多500个字"));
    }
    Ok(n.to_owned())
}

/// The view of an application row (no database reads: usable inside a transaction).
fn view_of(a: &ApplicationRow, person_name: String, payments: Vec<PaymentLine>) -> ApplicationView {
    let det: serde_json::Value = serde_json::from_str(&a.determination_json).unwrap_or_default();
    let receipt: serde_json::Value = serde_json::from_str(&a.receipt_json).unwrap_or_default();
    ApplicationView {
        id: a.id,
        person_id: a.person_id,
        person_name,
        county_code: a.county_code.clone(),
        county_name: region_name(&a.county_code),
        benefit: a.benefit.clone(),
        benefit_name: benefit_name(&a.benefit).into(),
        period: a.period.clone(),
        status: a.status.as_str().into(),
        status_label: status_label(a.status.as_str()).into(),
        route: a.route.clone(),
        as_of: a.as_of,
        eligible: a.eligible,
        amount: fen_text(a.amount_fen),
        units: a.units,
        reasons: det["reasons"]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        changes: det["what_would_change"]
            .as_array()
            .map(|v| v.iter().map(OutcomeChange::from_json).collect())
            .unwrap_or_default(),
        citations: det["citations"]
            .as_array()
            .map(|v| {
                v.iter()
                    .map(|c| CitationView {
                        clause: c["clause"].as_str().unwrap_or("").into(),
                        text: c["text"].as_str().unwrap_or("").into(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        unverified: serde_json::from_str(&a.unverified).unwrap_or_default(),
        on_behalf: a.on_behalf,
        review_outcome: a.review_outcome.clone(),
        review_note: a.review_note.clone(),
        reviewed: a.reviewed_by.is_some(),
        reviewed_by: a.reviewed_by,
        reviewer_name: String::new(),
        reviewed_at: a.reviewed_at,
        decider_name: String::new(),
        decided_at: a.decided_at,
        decision_note: a.decision_note.clone(),
        created_at: a.created_at,
        facts_sha256: a.facts_sha256.clone(),
        parameters_sha256: receipt["parameters_sha256"].as_str().unwrap_or("").into(),
        payments,
    }
}
