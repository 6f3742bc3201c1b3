//! County fund budgets (五(十二) 统筹用好就业补助资金): province and city staff set each
//! county's annual budget per fund; every grant the ledger writes is charged against the
//! budget of its county, fund and year in the transaction that writes it. A grant that would
//! overdraw is not paid but held for the province with the reason; province staff release
//! it after raising the budget, or refuse it. Budget use (budget, committed, paid, held,
//! remaining) is part of the staff statistics.
//!
//! The budget year is the year (China Standard Time) in which the grant is written to the
//! ledger: a hold released in a later year charges that later year's budget.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linghuo_domain::{Money, RegionCode, RegionLevel};
use linghuo_policy::{BenefitId, GrantPeriod};
use linghuo_storage::Tx;
use linghuo_storage::benefits::{self as repo, ApplicationRow, BudgetChangeRow, HoldRow};
use linghuo_storage::notices::{self as notice_repo, NoticeRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditActor, Event};
use crate::benefits::{benefit_name, fen_text};
use crate::{Actor, Result, Role, Service, ServiceError};

/// A fund county budgets are set for, and the benefits paid from it.
#[derive(Clone, Copy, Debug)]
pub struct Fund {
    pub code: &'static str,
    pub name: &'static str,
    pub benefits: &'static [BenefitId],
}

/// The funds the ledger pays from. 就业补助资金 pays the 一次性创业补贴, 社会保险补贴 and
/// 职业培训补贴 (财社〔2017〕164号 lists them among its uses).
pub const FUNDS: &[Fund] = &[Fund {
    code: "employment_subsidy",
    name: "就业补助资金",
    benefits: &[
        BenefitId::StartupSubsidy,
        BenefitId::SocialInsuranceSubsidy,
        BenefitId::TrainingSubsidy,
    ],
}];

/// The fund a benefit is paid from (None: not paid through the ledger).
pub fn fund_of(benefit: &str) -> Option<&'static Fund> {
    let b = BenefitId::from_code(benefit)?;
    FUNDS.iter().find(|f| f.benefits.contains(&b))
}

pub fn fund_by_code(code: &str) -> Option<&'static Fund> {
    FUNDS.iter().find(|f| f.code == code.trim())
}

pub fn fund_name(code: &str) -> &'static str {
    fund_by_code(code).map_or("资金", |f| f.name)
}

pub fn hold_status_label(s: &str) -> &'static str {
    match s {
        "held" => "暂缓发放，待省级处理",
        "released" => "已追加预算并发放",
        "refused" => "省级决定不予发放",
        _ => "",
    }
}

/// The year in China Standard Time of an instant.
pub(crate) fn cst_year(t: DateTime<Utc>) -> i32 {
    (t + chrono::Duration::hours(8)).year()
}

/// The instants a year (China Standard Time) begins and ends.
pub(crate) fn year_bounds(year: i32) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .expect("first of January")
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
            - chrono::Duration::hours(8)
    };
    (start(year), start(year + 1))
}

fn county_name(code: &str) -> String {
    RegionCode::parse(code)
        .map(|c| c.full_name())
        .unwrap_or_else(|_| code.to_owned())
}

/// What charging a grant to its budget did.
pub(crate) enum Charge {
    /// Charged (or the benefit is paid from no fund).
    Charged,
    /// It would overdraw: the reason in words.
    Overdraw(String),
}

/// Charges `amount` to the budget of a county's fund for a benefit in the year of `now`, in
/// the caller's transaction.
pub(crate) async fn charge_in_tx(
    tx: &mut Tx,
    county: &str,
    benefit: &str,
    amount: i64,
    now: DateTime<Utc>,
) -> Result<Charge> {
    let Some(fund) = fund_of(benefit) else {
        return Ok(Charge::Charged);
    };
    let year = cst_year(now);
    repo::ensure_budget(tx, county, fund.code, year, now).await?;
    if repo::charge_budget(tx, county, fund.code, year, amount).await? {
        return Ok(Charge::Charged);
    }
    let b = repo::budget_tx(tx, county, fund.code, year).await?;
    let (budget, committed) = b.map_or((0, 0), |b| (b.amount_fen.unwrap_or(0), b.committed_fen));
    Ok(Charge::Overdraw(format!(
        "{}{}年{}预算{}元，已安排{}元，剩余{}元，本笔{}元超出预算",
        county_name(county),
        year,
        fund.name,
        fen_text(budget),
        fen_text(committed),
        fen_text((budget - committed).max(0)),
        fen_text(amount)
    )))
}

/// Gives a recovered amount back to the budget of the year of `now`.
pub(crate) async fn credit_in_tx(
    tx: &mut Tx,
    county: &str,
    benefit: &str,
    amount: i64,
    now: DateTime<Utc>,
) -> Result<()> {
    if let Some(fund) = fund_of(benefit) {
        let year = cst_year(now);
        repo::ensure_budget(tx, county, fund.code, year, now).await?;
        repo::credit_budget(tx, county, fund.code, year, amount).await?;
    }
    Ok(())
}

/// A budget to set: a county, a fund, a year and the amount in yuan.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct BudgetInput {
    /// Six-digit county code.
    pub county: String,
    /// employment_subsidy (就业补助资金)
    pub fund: String,
    pub year: i32,
    /// Yuan, decimal string, e.g. "500000.00".
    pub amount: String,
    /// Why (a budget document number, a raise for held grants …).
    #[serde(default)]
    pub note: String,
}

/// One county's budget of a fund in a year and its use.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct BudgetUse {
    pub county_code: String,
    pub county_name: String,
    pub fund: String,
    pub fund_name: String,
    pub year: i32,
    /// None: no budget set (grants are counted, not limited).
    pub budget: Option<String>,
    /// Granted through the ledger in the year (less recoveries).
    pub committed: String,
    /// Of what was granted in the year, paid by the bank.
    pub paid: String,
    /// Grants held because they would have overdrawn the budget (held in the year).
    pub held: String,
    pub held_count: i64,
    /// budget − committed (None without a budget).
    pub remaining: Option<String>,
}

/// A change of a budget (the history).
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BudgetChangeView {
    pub county_code: String,
    pub county_name: String,
    pub fund: String,
    pub fund_name: String,
    pub year: i32,
    pub old_amount: Option<String>,
    pub new_amount: String,
    pub note: String,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// A grant held for the province.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct HoldView {
    pub id: Uuid,
    pub application_id: Uuid,
    /// Masked name.
    pub person_name: String,
    pub county_code: String,
    pub county_name: String,
    pub fund: String,
    pub fund_name: String,
    pub year: i32,
    pub benefit: String,
    pub benefit_name: String,
    pub amount: String,
    pub reason: String,
    /// held | released | refused
    pub status: String,
    pub status_label: String,
    pub created_at: DateTime<Utc>,
    pub decided_by: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
}

/// Budgets, their use and the holds of a staff member's region in a year.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BudgetReport {
    pub region_code: String,
    pub region_name: String,
    pub year: i32,
    pub rows: Vec<BudgetUse>,
    /// The region's total per fund.
    pub totals: Vec<BudgetUse>,
    pub changes: Vec<BudgetChangeView>,
    pub holds: Vec<HoldView>,
    /// May the caller set budgets (province or city staff)?
    pub can_set: bool,
    /// May the caller release or refuse holds (province staff)?
    pub can_release: bool,
}

/// A decision on a hold.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct HoldDecisionInput {
    /// release | refuse
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

impl Service {
    /// Budget use by county and fund in a region and year (the statistics and the budget
    /// page): budget, committed, paid, held and remaining.
    pub async fn budget_use_of(&self, region: &RegionCode, year: i32) -> Result<Vec<BudgetUse>> {
        let prefix = region.sql_prefix();
        let (from, to) = year_bounds(year);
        let mut rows: std::collections::BTreeMap<(String, &'static str), BudgetUse> =
            std::collections::BTreeMap::new();
        let entry = |rows: &mut std::collections::BTreeMap<(String, &'static str), BudgetUse>,
                     county: &str,
                     fund: &'static Fund| {
            rows.entry((county.to_owned(), fund.code))
                .or_insert_with(|| BudgetUse {
                    county_code: county.to_owned(),
                    county_name: county_name(county),
                    fund: fund.code.into(),
                    fund_name: fund.name.into(),
                    year,
                    committed: fen_text(0),
                    paid: fen_text(0),
                    held: fen_text(0),
                    ..BudgetUse::default()
                })
                .county_code
                .clone()
        };
        let mut committed = std::collections::HashMap::new();
        let mut budget = std::collections::HashMap::new();
        for b in repo::budgets_in_region(&self.db, &prefix, year).await? {
            let Some(f) = fund_by_code(&b.fund) else {
                continue;
            };
            entry(&mut rows, &b.county_code, f);
            committed.insert((b.county_code.clone(), f.code), b.committed_fen);
            if let Some(a) = b.amount_fen {
                budget.insert((b.county_code.clone(), f.code), a);
            }
        }
        let mut paid = std::collections::HashMap::new();
        for (county, benefit, fen) in repo::paid_in_region(&self.db, &prefix, from, to).await? {
            if let Some(f) = fund_of(&benefit) {
                entry(&mut rows, &county, f);
                *paid.entry((county, f.code)).or_insert(0) += fen;
            }
        }
        let mut held = std::collections::HashMap::new();
        for h in repo::holds_in_region(&self.db, &prefix, "held").await? {
            if h.year != year {
                continue;
            }
            if let Some(f) = fund_by_code(&h.fund) {
                entry(&mut rows, &h.county_code, f);
                let e = held
                    .entry((h.county_code.clone(), f.code))
                    .or_insert((0, 0));
                e.0 += h.amount_fen;
                e.1 += 1;
            }
        }
        let mut out: Vec<BudgetUse> = rows
            .into_iter()
            .map(|(k, mut u)| {
                let c = committed.get(&k).copied().unwrap_or(0);
                u.committed = fen_text(c);
                u.paid = fen_text(paid.get(&k).copied().unwrap_or(0));
                let (h, n) = held.get(&k).copied().unwrap_or((0, 0));
                u.held = fen_text(h);
                u.held_count = n;
                if let Some(b) = budget.get(&k) {
                    u.budget = Some(fen_text(*b));
                    u.remaining = Some(fen_text(b - c));
                }
                u
            })
            .collect();
        out.sort_by(|a, b| (&a.county_code, &a.fund).cmp(&(&b.county_code, &b.fund)));
        Ok(out)
    }

    /// The region's budgets, their use, history and holds (staff).
    pub async fn budget_report(&self, actor: &Actor, year: Option<i32>) -> Result<BudgetReport> {
        actor.require_role(&[Role::Staff])?;
        let scope = actor.scope.ok_or_else(ServiceError::forbidden)?;
        let year = year.unwrap_or_else(|| self.clock.today_cst().year());
        if !(2020..=self.clock.today_cst().year() + 1).contains(&year) {
            return Err(ServiceError::invalid(
                "year",
                "year_range",
                format!("年份应在2020至{}之间", self.clock.today_cst().year() + 1),
            ));
        }
        let rows = self.budget_use_of(&scope, year).await?;
        let totals = totals_of(&rows, &scope, year);
        let mut changes = Vec::new();
        for c in repo::budget_changes(&self.db, &scope.sql_prefix(), year).await? {
            changes.push(self.budget_change_view(&c).await?);
        }
        let mut holds = Vec::new();
        for h in repo::holds_in_region(&self.db, &scope.sql_prefix(), "").await? {
            holds.push(self.hold_view(&h).await?);
        }
        // Open holds first, then the decided ones newest first.
        holds.sort_by(|a, b| {
            (a.status != "held")
                .cmp(&(b.status != "held"))
                .then(b.created_at.cmp(&a.created_at))
        });
        Ok(BudgetReport {
            region_code: scope.as_str(),
            region_name: scope.full_name(),
            year,
            rows,
            totals,
            changes,
            holds,
            can_set: scope.level() != RegionLevel::County,
            can_release: scope.level() == RegionLevel::Province,
        })
    }

    async fn budget_change_view(&self, c: &BudgetChangeRow) -> Result<BudgetChangeView> {
        Ok(BudgetChangeView {
            county_code: c.county_code.clone(),
            county_name: county_name(&c.county_code),
            fund: c.fund.clone(),
            fund_name: fund_name(&c.fund).into(),
            year: c.year,
            old_amount: c.old_amount_fen.map(fen_text),
            new_amount: fen_text(c.new_amount_fen),
            note: c.note.clone(),
            changed_by: self.staff_name(c.changed_by).await?,
            changed_at: c.changed_at,
        })
    }

    pub(crate) async fn hold_view(&self, h: &HoldRow) -> Result<HoldView> {
        let person_name = linghuo_storage::persons::by_id(&self.db, h.person_id)
            .await?
            .map(|p| linghuo_domain::masking::mask_name(&p.name))
            .unwrap_or_default();
        Ok(HoldView {
            id: h.id,
            application_id: h.application_id,
            person_name,
            county_code: h.county_code.clone(),
            county_name: county_name(&h.county_code),
            fund: h.fund.clone(),
            fund_name: fund_name(&h.fund).into(),
            year: h.year,
            benefit: h.benefit.clone(),
            benefit_name: benefit_name(&h.benefit).into(),
            amount: fen_text(h.amount_fen),
            reason: h.reason.clone(),
            status: h.status.clone(),
            status_label: hold_status_label(&h.status).into(),
            created_at: h.created_at,
            decided_by: self.staff_name(h.decided_by).await?,
            decided_at: h.decided_at,
            decision_note: h.decision_note.clone(),
        })
    }

    /// Sets (or raises, or lowers to no less than what is committed) a county's budget of a
    /// fund for a year. Province staff set any county's, city staff their counties'; audited,
    /// with the change kept in the history.
    pub async fn set_budget(&self, actor: &Actor, input: BudgetInput) -> Result<BudgetUse> {
        actor.require_role(&[Role::Staff])?;
        let scope = actor.scope.ok_or_else(ServiceError::forbidden)?;
        if scope.level() == RegionLevel::County {
            return Err(ServiceError::Forbidden {
                code: "budget_scope",
                message: "资金预算由省、市经办人员设定".into(),
            });
        }
        let county =
            RegionCode::parse(input.county.trim()).map_err(|e| ServiceError::field("county", e))?;
        if county.level() != RegionLevel::County || !county.is_within(&scope) {
            return Err(ServiceError::invalid(
                "county",
                "budget_county",
                "请选择本辖区内的县（市、区）",
            ));
        }
        let fund = fund_by_code(&input.fund).ok_or_else(|| {
            ServiceError::invalid("fund", "fund_unknown", "请选择资金类别（就业补助资金）")
        })?;
        let this_year = self.clock.today_cst().year();
        if !(this_year - 1..=this_year + 1).contains(&input.year) {
            return Err(ServiceError::invalid(
                "year",
                "year_range",
                "只能设定上一年、今年或明年的预算",
            ));
        }
        let amount = Money::parse_non_negative(input.amount.trim())
            .map_err(|e| ServiceError::field("amount", e))?
            .fen();
        if amount > 10_000_000_000_000 {
            return Err(ServiceError::invalid(
                "amount",
                "money_range",
                "预算金额超出允许范围",
            ));
        }
        let note = input.note.trim();
        if note.chars().count() > 200 {
            return Err(ServiceError::invalid("note", "too_long", "说明最多200个字"));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        repo::ensure_budget(&mut tx, &county.as_str(), fund.code, input.year, now).await?;
        let before = repo::budget_tx(&mut tx, &county.as_str(), fund.code, input.year)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if amount < before.committed_fen {
            return Err(ServiceError::invalid(
                "amount",
                "budget_below_committed",
                format!(
                    "预算不能低于已安排发放的{}元",
                    fen_text(before.committed_fen)
                ),
            ));
        }
        repo::set_budget_amount(
            &mut tx,
            &county.as_str(),
            fund.code,
            input.year,
            amount,
            actor.user_id,
            now,
        )
        .await
        .map_err(|e| match e {
            linghuo_storage::StorageError::Conflict { .. } => ServiceError::Conflict {
                code: "budget_below_committed",
                message: "预算不能低于已安排发放的金额，请刷新后重试".into(),
            },
            other => other.into(),
        })?;
        repo::insert_budget_change(
            &mut tx,
            &BudgetChangeRow {
                id: Uuid::new_v4(),
                county_code: county.as_str(),
                fund: fund.code.into(),
                year: input.year,
                old_amount_fen: before.amount_fen,
                new_amount_fen: amount,
                note: note.into(),
                changed_by: Some(actor.user_id),
                changed_at: now,
            },
        )
        .await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new(
                "budget_set",
                "fund_budget",
                format!("{}:{}:{}", county.as_str(), fund.code, input.year),
            )
            .region(county.as_str())
            .detail(json!({
                "fund": fund.code,
                "year": input.year,
                "old": before.amount_fen.map(fen_text),
                "new": fen_text(amount),
                "note": note,
            })),
        )
        .await?;
        tx.commit().await?;
        let rows = self.budget_use_of(&county, input.year).await?;
        Ok(rows
            .into_iter()
            .find(|r| r.fund == fund.code)
            .unwrap_or_default())
    }

    /// Holds an approved grant that would overdraw its budget (in the caller's transaction):
    /// the hold with its reason, the audit row and a notice to the person.
    pub(crate) async fn hold_in_tx(
        &self,
        tx: &mut Tx,
        row: &ApplicationRow,
        reason: String,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let fund = fund_of(&row.benefit).map_or("", |f| f.code);
        let hold = HoldRow {
            id: Uuid::new_v4(),
            application_id: row.id,
            person_id: row.person_id,
            county_code: row.county_code.clone(),
            fund: fund.into(),
            year: cst_year(now),
            benefit: row.benefit.clone(),
            amount_fen: row.amount_fen,
            reason: reason.clone(),
            status: "held".into(),
            created_at: now,
            decided_by: None,
            decided_at: None,
            decision_note: String::new(),
        };
        repo::insert_hold(tx, &hold).await?;
        audit::record(
            tx,
            &self.keys,
            now,
            &AuditActor::system(),
            Event::new("budget_hold", "benefit_application", row.id)
                .region(row.county_code.clone())
                .detail(
                    json!({"amount": fen_text(row.amount_fen), "fund": fund, "reason": reason}),
                ),
        )
        .await?;
        notice_repo::insert_notice(
            tx,
            &NoticeRow::to_worker(
                row.person_id,
                row.county_code.clone(),
                "benefit_held",
                format!(
                    "您的{}已批准（{}元），因本年度资金预算已用完，暂缓发放；省里安排资金后会发放，并另行通知您",
                    benefit_name(&row.benefit),
                    fen_text(row.amount_fen)
                ),
                format!("/services/benefits/{}", row.id),
                format!("benefit_held:{}", row.id),
                now,
            ),
        )
        .await?;
        Ok(())
    }

    /// Province staff release a held grant (after raising the budget: it is charged now, and
    /// refused again when the budget still does not cover it) or refuse it (the application
    /// is no longer approved; its months or instalment may be granted later).
    pub async fn decide_hold(
        &self,
        actor: &Actor,
        id: Uuid,
        input: HoldDecisionInput,
    ) -> Result<HoldView> {
        actor.require_role(&[Role::Staff])?;
        let scope = actor.scope.ok_or_else(ServiceError::forbidden)?;
        let h = match repo::hold(&self.db, id).await? {
            Some(h) if actor.may_see(&h.county_code, None) => h,
            _ => {
                return Err(self
                    .deny(actor, "budget_hold", id.to_string(), "decide")
                    .await);
            }
        };
        if scope.level() != RegionLevel::Province {
            return Err(ServiceError::Forbidden {
                code: "province_only",
                message: "暂缓发放的待遇由省级经办人员处理".into(),
            });
        }
        let decision = input.decision.trim();
        let note = input.note.trim();
        if note.chars().count() > 500 {
            return Err(ServiceError::invalid("note", "too_long", "说明最多500个字"));
        }
        let release = match decision {
            "release" => true,
            "refuse" => false,
            _ => {
                return Err(ServiceError::invalid(
                    "decision",
                    "decision_unknown",
                    "请选择“发放”或“不予发放”",
                ));
            }
        };
        if !release && note.chars().count() < 2 {
            return Err(ServiceError::invalid(
                "note",
                "note_required",
                "不予发放时请写明理由（申请人将看到）",
            ));
        }
        let app = repo::application(&self.db, h.application_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let months = self.months_of(&app)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::decide_hold(
            &mut tx,
            id,
            if release { "released" } else { "refused" },
            actor.user_id,
            note,
            now,
        )
        .await?
        {
            return Err(ServiceError::Conflict {
                code: "hold_decided",
                message: "该笔已处理过".into(),
            });
        }
        if release {
            match charge_in_tx(&mut tx, &app.county_code, &app.benefit, app.amount_fen, now).await?
            {
                Charge::Charged => {}
                Charge::Overdraw(reason) => {
                    return Err(ServiceError::Conflict {
                        code: "budget_still_short",
                        message: format!("预算仍不足，请先调增预算：{reason}"),
                    });
                }
            }
            self.write_grant_in_tx(&mut tx, &app, Some(actor.user_id), now)
                .await?;
        } else {
            let words = format!("本年度资金预算不足，省级决定不予发放：{note}");
            if !repo::refuse_held_application(&mut tx, app.id, &words, now).await? {
                return Err(ServiceError::Conflict {
                    code: "not_approved",
                    message: "该申请已不是已批准状态".into(),
                });
            }
            match BenefitId::from_code(&app.benefit).map(BenefitId::period) {
                Some(GrantPeriod::PerMonth) => {
                    repo::unuse_cap(
                        &mut tx,
                        &format!("si_months:{}", app.person_id),
                        months.len() as i64,
                    )
                    .await?;
                }
                Some(GrantPeriod::PerBusiness) => {
                    let business = app.period.split('#').next().unwrap_or_default();
                    repo::unuse_cap(&mut tx, &format!("startup_cap:{business}"), app.amount_fen)
                        .await?;
                }
                _ => {}
            }
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new(
                if release {
                    "budget_hold_released"
                } else {
                    "budget_hold_refused"
                },
                "benefit_application",
                app.id,
            )
            .region(app.county_code.clone())
            .detail(json!({"hold": id, "amount": fen_text(app.amount_fen), "note": note})),
        )
        .await?;
        notice_repo::insert_notice(
            &mut tx,
            &NoticeRow::to_worker(
                app.person_id,
                app.county_code.clone(),
                if release { "benefit_released" } else { "benefit_refused_budget" },
                if release {
                    format!(
                        "您的{}（{}元）已安排资金，将按银行代发批次发放",
                        benefit_name(&app.benefit),
                        fen_text(app.amount_fen)
                    )
                } else {
                    format!(
                        "您的{}因本年度资金预算不足，省里决定不予发放：{note}。对决定有异议可申请行政复议或提起行政诉讼",
                        benefit_name(&app.benefit)
                    )
                },
                format!("/services/benefits/{}", app.id),
                format!("benefit_hold_decided:{}", app.id),
                now,
            ),
        )
        .await?;
        tx.commit().await?;
        let h = repo::hold(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.hold_view(&h).await
    }
}

/// The region's total per fund.
fn totals_of(rows: &[BudgetUse], region: &RegionCode, year: i32) -> Vec<BudgetUse> {
    let fen = |s: &str| Money::parse(s).map(|m| m.fen()).unwrap_or(0);
    FUNDS
        .iter()
        .filter_map(|f| {
            let of: Vec<&BudgetUse> = rows.iter().filter(|r| r.fund == f.code).collect();
            if of.is_empty() {
                return None;
            }
            let budget: i64 = of.iter().filter_map(|r| r.budget.as_deref()).map(fen).sum();
            let committed: i64 = of.iter().map(|r| fen(&r.committed)).sum();
            let all_set = of.iter().all(|r| r.budget.is_some());
            Some(BudgetUse {
                county_code: region.as_str(),
                county_name: region.full_name(),
                fund: f.code.into(),
                fund_name: f.name.into(),
                year,
                budget: all_set.then(|| fen_text(budget)),
                committed: fen_text(committed),
                paid: fen_text(of.iter().map(|r| fen(&r.paid)).sum()),
                held: fen_text(of.iter().map(|r| fen(&r.held)).sum()),
                held_count: of.iter().map(|r| r.held_count).sum(),
                remaining: all_set.then(|| fen_text(budget - committed)),
            })
        })
        .collect()
}
