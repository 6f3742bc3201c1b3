//! 参保登记 and 灵活就业一件事 (三(四), 四(九)).
//!
//! A flexible worker enrols in 企业职工基本养老保险 (pension) and/or 职工基本医疗保险 (medical)
//! from a month, on a monthly contribution base within the Shanxi range. From that month the
//! engine sees the person as insured: each month of an enrolment without an imported
//! social-insurance record counts as a premium month with the contribution due on the base
//! ([`PENSION_RATE_PERCENT`], [`MEDICAL_RATE_PERCENT`]), marked as declared (not yet confirmed
//! by the social-insurance agency), so an application resting on it goes to a reviewer.
//!
//! 一件事 puts 灵活就业登记, 参保登记 and every subsidy the engine then finds payable into one
//! transaction and one item of 我的办件; each application is decided as any other.

use chrono::{DateTime, NaiveDate, Utc};
use linghuo_domain::Money;
use linghuo_policy::calendar::Month;
use linghuo_policy::facts::{FlexibleWork, PremiumMonth};
use linghuo_policy::{Fen, Param, Value};
use linghuo_storage::StorageError;
use linghuo_storage::benefits::{self as repo, OneThingRow, SiEnrolmentRow};
use linghuo_storage::persons::PersonRow;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::registration::{RegistrationInput, check_registration};
use super::{APPLICABLE, Gathered, benefit_name, fen_text, is_paid};
use crate::audit::{self, AuditActor, Event};
use crate::{Actor, Result, Role, Service, ServiceError};

/// Contribution rate of a flexible worker in 企业职工基本养老保险, percent of the base
/// (国发〔2005〕38号: 灵活就业人员缴费比例为20%).
pub const PENSION_RATE_PERCENT: i64 = 20;
/// Contribution rate of a flexible worker in 职工基本医疗保险, percent of the base (the
/// usual rate for flexible workers in Shanxi's cities; an assumption until the bureau
/// publishes it as a parameter).
pub const MEDICAL_RATE_PERCENT: i64 = 8;
/// The base range when the parameters `pension_deferral.base_lower_2021` /
/// `base_upper_2021` are not configured: 60% and 300% of an average monthly wage of
/// 7,000 元 (an assumption, documented in docs/services.md).
pub const FALLBACK_BASE_LOWER_FEN: i64 = 420_000;
pub const FALLBACK_BASE_UPPER_FEN: i64 = 2_100_000;

pub const SCHEMES: &[(&str, &str)] = &[
    ("pension", "企业职工基本养老保险"),
    ("medical", "职工基本医疗保险"),
];

pub fn scheme_label(s: &str) -> &'static str {
    SCHEMES
        .iter()
        .find(|(k, _)| *k == s)
        .map_or("社会保险", |(_, l)| *l)
}

#[derive(Clone, Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SiEnrolmentView {
    pub id: Uuid,
    pub scheme: String,
    pub scheme_label: String,
    /// YYYY-MM
    pub start_month: String,
    /// Decimal string, two places (元).
    pub base: String,
    pub county_code: String,
    pub created_at: DateTime<Utc>,
}

pub(crate) fn enrolment_view(r: &SiEnrolmentRow) -> SiEnrolmentView {
    SiEnrolmentView {
        id: r.id,
        scheme: r.scheme.clone(),
        scheme_label: scheme_label(&r.scheme).into(),
        start_month: r.start_month.clone(),
        base: fen_text(r.base_fen),
        county_code: r.county_code.clone(),
        created_at: r.created_at,
    }
}

/// What the 一件事 form sends.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OneThingInput {
    /// part_time | self_employed | platform | gig
    #[serde(default)]
    pub flexible_form: String,
    /// YYYY-MM-DD; today when empty.
    #[serde(default)]
    pub started_on: String,
    /// Enrol in 企业职工基本养老保险.
    #[serde(default)]
    pub pension: bool,
    /// Enrol in 职工基本医疗保险.
    #[serde(default)]
    pub medical: bool,
    /// YYYY-MM; this month when empty.
    #[serde(default)]
    pub start_month: String,
    /// Monthly contribution base in 元 (decimal).
    #[serde(default)]
    pub base: String,
    /// Staff at the window: how the person consented.
    #[serde(default)]
    pub consent_note: String,
}

/// What 一件事 did: its item, the registration, the enrolments and the applications.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OneThingView {
    pub id: Uuid,
    pub registration_id: Option<Uuid>,
    pub enrolments: Vec<SiEnrolmentView>,
    pub applications: Vec<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// What the person would get (the form's preview): each subsidy the engine finds payable
/// once registered and enrolled.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OneThingPreview {
    pub benefit: String,
    pub name: String,
    /// Decimal string (元); "0.00" for a benefit not paid in money.
    pub amount: String,
    pub automatic: bool,
}

/// The parts stored in the item's JSON.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Parts {
    #[serde(default)]
    pub enrolments: Vec<Uuid>,
    #[serde(default)]
    pub applications: Vec<Uuid>,
}

/// The contribution base range (fen) on a day: the configured parameters, or the fallback.
pub fn base_range(svc: &Service, day: NaiveDate) -> (i64, i64) {
    let e = svc.engine();
    let lower = match e.param_at(Param::PensionBaseLower, day) {
        Some(Value::Money(Fen(f))) if f > 0 => f,
        _ => FALLBACK_BASE_LOWER_FEN,
    };
    let upper = match e.param_at(Param::PensionBaseUpper, day) {
        Some(Value::Money(Fen(f))) if f > 0 => f,
        _ => FALLBACK_BASE_UPPER_FEN,
    };
    (lower, upper)
}

/// Adds the months of the enrolments without an imported record to the facts, as declared.
pub(crate) fn add_enrolment_months(g: &mut Gathered, enrolments: &[(String, Month, i64)]) {
    let as_of = Month::of(g.facts.as_of);
    let mut added = 0;
    let mut due = std::collections::BTreeMap::<Month, i64>::new();
    for (scheme, start, base) in enrolments {
        let rate = if scheme == "medical" {
            MEDICAL_RATE_PERCENT
        } else {
            PENSION_RATE_PERCENT
        };
        let mut m = *start;
        while m <= as_of {
            *due.entry(m).or_default() += base * rate / 100;
            m = m.plus(1);
        }
    }
    for (month, amount) in due {
        if g.facts
            .social_insurance_paid
            .iter()
            .any(|p| p.month == month)
        {
            continue;
        }
        g.facts.social_insurance_paid.push(PremiumMonth {
            month,
            amount: Fen(amount),
        });
        added += 1;
    }
    g.facts.social_insurance_paid.sort_by_key(|p| p.month);
    if added > 0 {
        g.unverified.push(format!(
            "参保登记后{added}个月的缴费为应缴数，待社保经办机构核实"
        ));
    }
}

fn invalid(field: &'static str, code: &'static str, msg: &str) -> ServiceError {
    ServiceError::invalid(field, code, msg.to_owned())
}

struct Checked {
    form: String,
    started_on: NaiveDate,
    schemes: Vec<&'static str>,
    start_month: Month,
    base_fen: i64,
}

impl Service {
    fn check_onething(&self, input: &OneThingInput) -> Result<Checked> {
        let today = self.clock.today_cst();
        let reg = RegistrationInput {
            kind: "flexible".into(),
            started_on: input.started_on.clone(),
            employer_name: String::new(),
            flexible_form: input.flexible_form.clone(),
            consent_note: input.consent_note.clone(),
        };
        let (_, started_on, _, form) = check_registration(&reg, today)?;
        let mut schemes = Vec::new();
        if input.pension {
            schemes.push("pension");
        }
        if input.medical {
            schemes.push("medical");
        }
        if schemes.is_empty() {
            return Err(invalid(
                "schemes",
                "scheme_required",
                "请至少选择一项参保：企业职工基本养老保险或职工基本医疗保险",
            ));
        }
        let this_month = Month::of(today);
        let start_month = if input.start_month.trim().is_empty() {
            this_month
        } else {
            Month::parse(input.start_month.trim()).ok_or_else(|| {
                invalid(
                    "start_month",
                    "month_invalid",
                    "参保起始月份格式应为 年-月，如 2026-11",
                )
            })?
        };
        if start_month > this_month {
            return Err(invalid(
                "start_month",
                "month_in_future",
                "参保起始月份不能晚于本月",
            ));
        }
        if start_month < this_month.plus(-12) {
            return Err(invalid(
                "start_month",
                "month_too_old",
                "参保起始月份最早为12个月前，更早的月份请到窗口办理补缴",
            ));
        }
        let base = Money::parse(input.base.trim()).map_err(|_| {
            invalid(
                "base",
                "base_invalid",
                "请填写缴费基数（元），如 4500 或 4500.00",
            )
        })?;
        let (lower, upper) = base_range(self, today);
        let base_fen = base.fen();
        if base_fen < lower || base_fen > upper {
            return Err(ServiceError::invalid(
                "base",
                "base_out_of_range",
                format!(
                    "缴费基数须在{}元至{}元之间",
                    fen_text(lower),
                    fen_text(upper)
                ),
            ));
        }
        Ok(Checked {
            form: form.unwrap_or_default(),
            started_on,
            schemes,
            start_month,
            base_fen,
        })
    }

    /// The facts as they will be once registered and enrolled.
    async fn facts_after(&self, p: &PersonRow, c: &Checked) -> Result<Gathered> {
        let today = self.clock.today_cst();
        let mut g = self.gather_facts(p, today).await?;
        if c.started_on <= today {
            g.facts.person.flexible_work = FlexibleWork::from_code(&c.form);
        }
        let existing: Vec<String> = repo::si_enrolments_of(&self.db, p.id)
            .await?
            .into_iter()
            .map(|e| e.scheme)
            .collect();
        let new: Vec<(String, Month, i64)> = c
            .schemes
            .iter()
            .filter(|s| !existing.iter().any(|e| e == *s))
            .map(|s| ((*s).to_owned(), c.start_month, c.base_fen))
            .collect();
        add_enrolment_months(&mut g, &new);
        Ok(g)
    }

    /// What 一件事 would apply for: the subsidies the engine finds payable after the
    /// registration and enrolment (not yet applied for in this period).
    pub async fn onething_preview(
        &self,
        actor: &Actor,
        person_id: Uuid,
        input: OneThingInput,
    ) -> Result<Vec<OneThingPreview>> {
        actor.require_role(&[Role::Worker, Role::Staff])?;
        let p = self
            .person_in_scope(actor, person_id, "onething_preview")
            .await?;
        let c = self.check_onething(&input)?;
        let g = self.facts_after(&p, &c).await?;
        let mut out = Vec::new();
        for prepared in self.payable(actor, &p, &g, false, "").await? {
            out.push(OneThingPreview {
                benefit: prepared.row.benefit.clone(),
                name: benefit_name(&prepared.row.benefit).into(),
                amount: fen_text(prepared.row.amount_fen),
                automatic: prepared.row.route == "automatic",
            });
        }
        Ok(out)
    }

    /// Every applicable benefit the engine finds payable on these facts, screened.
    async fn payable(
        &self,
        actor: &Actor,
        p: &PersonRow,
        g: &Gathered,
        on_behalf: bool,
        consent_note: &str,
    ) -> Result<Vec<super::Prepared>> {
        let existing = repo::applications_of(&self.db, p.id).await?;
        let mut out = Vec::new();
        for (benefit, _) in APPLICABLE.iter() {
            let period = self.period_for(benefit, p.id, g, g.facts.as_of).await?;
            if existing
                .iter()
                .any(|a| a.benefit == *benefit && a.period == period)
            {
                continue;
            }
            let prepared = self
                .prepare_application(actor, p, benefit, &period, g, on_behalf, consent_note, None)
                .await?;
            let r = &prepared.row;
            if r.eligible && (r.amount_fen > 0 || !is_paid(benefit)) {
                out.push(prepared);
            }
        }
        Ok(out)
    }

    /// 灵活就业一件事: 灵活就业登记 (unless the same one is open), 参保登记 and an application
    /// for every subsidy the engine then finds payable, in one transaction, as one item.
    pub async fn onething_submit(
        &self,
        actor: &Actor,
        person_id: Uuid,
        input: OneThingInput,
    ) -> Result<OneThingView> {
        let p = self
            .subject(actor, person_id, &input.consent_note, "onething")
            .await?;
        let c = self.check_onething(&input)?;
        let on_behalf = actor.role == Role::Staff;
        let consent = input.consent_note.trim();
        let existing = repo::si_enrolments_of(&self.db, p.id).await?;
        if let Some(e) = existing
            .iter()
            .find(|e| c.schemes.contains(&e.scheme.as_str()))
        {
            return Err(ServiceError::Conflict {
                code: "already_enrolled",
                message: format!(
                    "已于{}起参加{}，无需重复参保登记",
                    e.start_month,
                    scheme_label(&e.scheme)
                ),
            });
        }
        let g = self.facts_after(&p, &c).await?;
        let prepared = self.payable(actor, &p, &g, on_behalf, consent).await?;
        let now = self.clock.now();
        let item_id = Uuid::new_v4();
        let mut tx = self.db.begin().await?;
        let open = repo::open_registration(&mut tx, p.id).await?;
        let same_open = open.as_ref().is_some_and(|o| {
            o.kind.as_str() == "flexible" && o.flexible_form.as_deref() == Some(c.form.as_str())
        });
        let registration_id = if same_open {
            open.map(|o| o.id)
        } else {
            let row = self
                .write_registration_in_tx(
                    &mut tx,
                    actor,
                    &p,
                    "flexible",
                    c.started_on,
                    String::new(),
                    Some(c.form.clone()),
                    if on_behalf { "staff" } else { "self" },
                    None,
                    consent,
                    now,
                )
                .await?;
            Some(row.id)
        };
        let mut enrolments = Vec::new();
        for scheme in &c.schemes {
            let row = SiEnrolmentRow {
                id: Uuid::new_v4(),
                person_id: p.id,
                county_code: p.jurisdiction_code.clone(),
                scheme: (*scheme).into(),
                start_month: c.start_month.to_string(),
                base_fen: c.base_fen,
                source: if on_behalf { "staff" } else { "self" }.into(),
                item_id: Some(item_id),
                consent_note: consent.into(),
                recorded_by: Some(actor.user_id),
                created_at: now,
            };
            repo::insert_si_enrolment(&mut tx, &row)
                .await
                .map_err(|e| match e {
                    StorageError::Conflict { .. } => ServiceError::Conflict {
                        code: "already_enrolled",
                        message: format!("已参加{}，无需重复参保登记", scheme_label(scheme)),
                    },
                    other => other.into(),
                })?;
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::from(actor),
                Event::new("si_enrolled", "si_enrolment", row.id)
                    .region(row.county_code.clone())
                    .detail(json!({
                        "scheme": scheme,
                        "start_month": row.start_month,
                        "base": fen_text(row.base_fen),
                        "assisted": on_behalf,
                    })),
            )
            .await?;
            enrolments.push(row);
        }
        for pr in &prepared {
            self.write_application_in_tx(&mut tx, actor, pr, now)
                .await?;
        }
        let parts = Parts {
            enrolments: enrolments.iter().map(|e| e.id).collect(),
            applications: prepared.iter().map(|p| p.row.id).collect(),
        };
        let item = OneThingRow {
            id: item_id,
            person_id: p.id,
            county_code: p.jurisdiction_code.clone(),
            registration_id,
            parts: serde_json::to_string(&parts).unwrap_or_else(|_| "{}".into()),
            on_behalf,
            consent_note: consent.into(),
            created_by: Some(actor.user_id),
            created_at: now,
        };
        repo::insert_onething(&mut tx, &item).await?;
        repo::enqueue_rescreen(&mut tx, p.id, now).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("onething_submitted", "onething_item", item.id)
                .region(item.county_code.clone())
                .detail(json!({
                    "registration": registration_id,
                    "enrolments": parts.enrolments.len(),
                    "applications": prepared.iter().map(|p| p.row.benefit.clone()).collect::<Vec<_>>(),
                    "assisted": on_behalf,
                })),
        )
        .await?;
        tx.commit().await?;
        Ok(OneThingView {
            id: item.id,
            registration_id,
            enrolments: enrolments.iter().map(enrolment_view).collect(),
            applications: parts.applications,
            created_at: now,
        })
    }

    /// A person's 参保登记 records.
    pub async fn si_enrolments(
        &self,
        actor: &Actor,
        person_id: Uuid,
    ) -> Result<Vec<SiEnrolmentView>> {
        let p = self
            .person_in_scope(actor, person_id, "read_enrolments")
            .await?;
        Ok(repo::si_enrolments_of(&self.db, p.id)
            .await?
            .iter()
            .map(enrolment_view)
            .collect())
    }
}
