//! Writing to the payment ledger (SECURITY.md §3.2): the grant of an approved application
//! and a recalculation's adjustment, each in the caller's transaction, with the exclusive
//! claims and caps that make paying twice impossible. Benefits (decisions, recalculation) and
//! payments (batches, bank results) both write through here and no longer import each other.
//!
//! Accounts: `budget:<county>:<benefit>` (debited by grants), `payable:<person>` (what is
//! owed to a person: credited by grants, debited by payments), `bank:clearing` (credited by
//! payments the bank confirmed). Every transfer carries an idempotency key — `grant:<app>:<n>`,
//! `payment:<instruction>`, `recalc:<app>:<parameters>` — unique in the database, so a retried
//! or concurrent grant cannot be written twice. Caps and exclusive claims
//! ([`linghuo_storage::benefits`]) are written in the same transaction and refuse by
//! constraint what would pass a cap or grant a month twice.

use chrono::{DateTime, Utc};
use linghuo_policy::facts::Group;
use linghuo_policy::{BenefitId, Fen, GrantPeriod, Param, Value};
use linghuo_storage::benefits::{self as repo, ApplicationRow, InstructionRow, TransferRow};
use linghuo_storage::status::InstructionStatus;
use linghuo_storage::{StorageError, Tx};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditActor, Event};
use crate::benefits::budget::{Charge, charge_in_tx, credit_in_tx};
use crate::benefits::{benefit_name, fen_text, is_paid};
use crate::{Result, Service, ServiceError};

/// A cap the ledger enforces, from the engine's parameter in force on `day` (overlays
/// included), so the database's caps follow the same dated parameters as the decisions. A
/// parameter without a value that day is an error, never a default.
fn months_at(svc: &Service, p: Param, day: chrono::NaiveDate) -> Result<i64> {
    match svc.engine.param_at(p, day) {
        Some(Value::Months(m)) => Ok(i64::from(m)),
        other => Err(ServiceError::Internal(format!(
            "parameter {} on {day}: {other:?}",
            p.name()
        ))),
    }
}

fn money_at(svc: &Service, p: Param, day: chrono::NaiveDate) -> Result<Fen> {
    match svc.engine.param_at(p, day) {
        Some(Value::Money(f)) => Ok(f),
        other => Err(ServiceError::Internal(format!(
            "parameter {} on {day}: {other:?}",
            p.name()
        ))),
    }
}

/// The words for a payment instruction's status.
pub fn instruction_label(s: &str) -> &'static str {
    match s {
        "pending" => "待发放",
        "in_batch" => "已报银行",
        "paid" => "已到账",
        "failed" => "发放失败",
        _ => "",
    }
}

/// The bank reference of an instalment: stable, so a re-sent instruction keeps it.
pub fn reference_for(application: Uuid, instalment: i32) -> String {
    format!(
        "LH{}{instalment:02}",
        &application.simple().to_string()[..24]
    )
}

pub(crate) fn budget(county: &str, benefit: &str) -> String {
    format!("budget:{county}:{benefit}")
}

pub(crate) fn payable(person: Uuid) -> String {
    format!("payable:{person}")
}

pub(crate) const CLEARING: &str = "bank:clearing";

pub(crate) fn conflict(code: &'static str, message: &str) -> ServiceError {
    ServiceError::Conflict {
        code,
        message: message.into(),
    }
}

/// Maps a refused claim or cap to a conflict the applicant understands.
pub(crate) fn refused(e: StorageError, code: &'static str, message: &str) -> ServiceError {
    match e {
        StorageError::Conflict { .. } => conflict(code, message),
        other => other.into(),
    }
}

/// What writing the grant of an approved application did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum GrantOutcome {
    /// Nothing to pay (a benefit not paid in money, or a zero amount).
    NotPaid,
    /// The grant transfer and its payment instruction were written.
    Granted,
    /// It would have overdrawn the budget: held for the province, with the reason.
    Held(String),
}

impl Service {
    /// Writes the grant of an approved application: exclusive claims, caps, the budget
    /// charge, the grant transfer and the payment instruction — all or nothing with the
    /// caller's transaction. Over budget, the claims and caps stay reserved and the grant is
    /// held instead ([`crate::benefits::budget`]).
    pub(crate) async fn grant_in_tx(
        &self,
        tx: &mut Tx,
        row: &ApplicationRow,
        months: &[String],
        by: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<GrantOutcome> {
        if !is_paid(&row.benefit) || row.amount_fen <= 0 {
            return Ok(GrantOutcome::NotPaid);
        }
        match BenefitId::from_code(&row.benefit).map(BenefitId::period) {
            Some(GrantPeriod::PerMonth) => {
                for m in months {
                    repo::insert_claim(tx, &format!("si:{}:{m}", row.person_id), row.id, now)
                        .await
                        .map_err(|e| {
                            refused(
                                e,
                                "month_already_subsidised",
                                "部分月份已经补贴过，不能重复补贴",
                            )
                        })?;
                }
                let facts = linghuo_policy::parse_facts(&row.facts_json)
                    .map_err(|e| ServiceError::Internal(format!("stored facts: {e}")))?;
                // 就业困难人员 and graduates each have their period (the engine's dated
                // parameters); the refusal quotes the ones in force.
                let hard_months = months_at(self, Param::SiHardToEmployMonths, row.as_of)?;
                let graduate_months = months_at(self, Param::SiGraduateMonths, row.as_of)?;
                let cap = if facts.person.groups.contains(Group::HardToEmploy) {
                    hard_months
                } else {
                    graduate_months
                };
                let key = format!("si_months:{}", row.person_id);
                repo::ensure_cap(tx, &key, cap).await?;
                repo::use_cap(tx, &key, months.len() as i64)
                    .await
                    .map_err(|e| {
                        refused(
                            e,
                            "subsidy_months_cap",
                            &format!(
                                "社会保险补贴累计月数已达上限（就业困难人员{hard_months}个月，高校毕业生{graduate_months}个月）"
                            ),
                        )
                    })?;
            }
            Some(GrantPeriod::PerBusiness) => {
                repo::insert_claim(tx, &format!("startup:{}", row.period), row.id, now)
                    .await
                    .map_err(|e| {
                        refused(e, "instalment_already_granted", "该笔创业补贴已发放过")
                    })?;
                let business = row.period.split('#').next().unwrap_or_default();
                let key = format!("startup_cap:{business}");
                // 二(一): a cap per business (the engine's dated parameter).
                let cap = money_at(self, Param::StartupCap, row.as_of)?;
                repo::ensure_cap(tx, &key, cap.0).await?;
                repo::use_cap(tx, &key, row.amount_fen).await.map_err(|e| {
                    refused(
                        e,
                        "startup_cap",
                        &format!("每个经营主体的一次性创业补贴合计不超过{}", cap.yuan_text()),
                    )
                })?;
            }
            _ => {
                repo::insert_claim(tx, &format!("{}:{}", row.benefit, row.period), row.id, now)
                    .await
                    .map_err(|e| refused(e, "already_granted", "该补贴已发放过"))?;
            }
        }
        // 五(十二): charged to the county's budget of the fund in this transaction; a grant
        // that would overdraw is held for the province (the claims above stay reserved).
        if let Charge::Overdraw(reason) =
            charge_in_tx(tx, &row.county_code, &row.benefit, row.amount_fen, now).await?
        {
            self.hold_in_tx(tx, row, reason.clone(), now).await?;
            return Ok(GrantOutcome::Held(reason));
        }
        self.write_grant_in_tx(tx, row, by, now).await?;
        Ok(GrantOutcome::Granted)
    }

    /// The grant transfer, its payment instruction and the audit row (the claims, caps and
    /// budget already taken by the caller in the same transaction).
    pub(crate) async fn write_grant_in_tx(
        &self,
        tx: &mut Tx,
        row: &ApplicationRow,
        by: Option<Uuid>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let inserted = repo::insert_transfer(
            tx,
            &TransferRow {
                id: Uuid::new_v4(),
                idempotency_key: format!("grant:{}:1", row.id),
                kind: "grant".into(),
                debit_account: budget(&row.county_code, &row.benefit),
                credit_account: payable(row.person_id),
                amount_fen: row.amount_fen,
                application_id: Some(row.id),
                person_id: Some(row.person_id),
                county_code: row.county_code.clone(),
                benefit: row.benefit.clone(),
                memo: format!("{}（第1笔）", benefit_name(&row.benefit)),
                created_by: by,
                created_at: now,
            },
        )
        .await?;
        if !inserted {
            return Err(conflict("already_granted", "该申请已发放过"));
        }
        repo::insert_instruction(
            tx,
            &pending_instruction(row, 1, format!("pay:{}:1", row.id), row.amount_fen, now),
        )
        .await?;
        audit::record(
            tx,
            &self.keys,
            now,
            &AuditActor::system(),
            Event::new("ledger_granted", "benefit_application", row.id)
                .region(row.county_code.clone())
                .detail(json!({"amount": fen_text(row.amount_fen), "benefit": row.benefit})),
        )
        .await?;
        Ok(())
    }
}

/// Writes a recalculation's difference for an application (in the caller's transaction):
/// arrears as an adjustment grant with a new payment instruction, an over-payment as a
/// recovery. False when this difference under these parameters was already written.
pub(crate) async fn adjust_in_tx(
    svc: &Service,
    tx: &mut Tx,
    a: &ApplicationRow,
    diff: i64,
    params: &str,
    by: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let _ = svc;
    let key = format!("recalc:{}:{params}", a.id);
    let (kind, debit, credit) = if diff > 0 {
        (
            "adjustment",
            budget(&a.county_code, &a.benefit),
            payable(a.person_id),
        )
    } else {
        (
            "recovery",
            payable(a.person_id),
            budget(&a.county_code, &a.benefit),
        )
    };
    let inserted = repo::insert_transfer(
        tx,
        &TransferRow {
            id: Uuid::new_v4(),
            idempotency_key: key.clone(),
            kind: kind.into(),
            debit_account: debit,
            credit_account: credit,
            amount_fen: diff.abs(),
            application_id: Some(a.id),
            person_id: Some(a.person_id),
            county_code: a.county_code.clone(),
            benefit: a.benefit.clone(),
            memo: if diff > 0 {
                "按现行参数重算补发".into()
            } else {
                "按现行参数重算应追回".into()
            },
            created_by: by,
            created_at: now,
        },
    )
    .await?;
    if inserted && diff < 0 {
        credit_in_tx(tx, &a.county_code, &a.benefit, -diff, now).await?;
    }
    if inserted && diff > 0 {
        if let Charge::Overdraw(reason) =
            charge_in_tx(tx, &a.county_code, &a.benefit, diff, now).await?
        {
            return Err(conflict(
                "budget_exceeded",
                &format!(
                    "补发{}元超出预算，未记账；请先调增预算后再确认：{reason}",
                    fen_text(diff)
                ),
            ));
        }
        let n = repo::instructions_of_application_tx(tx, a.id).await?.len() as i32 + 1;
        repo::insert_instruction(
            tx,
            &pending_instruction(a, n, format!("pay:{key}"), diff, now),
        )
        .await?;
    }
    Ok(inserted)
}

/// A payment instruction for an instalment of an application, waiting for a bank batch.
fn pending_instruction(
    a: &ApplicationRow,
    instalment: i32,
    idempotency_key: String,
    amount_fen: i64,
    now: DateTime<Utc>,
) -> InstructionRow {
    InstructionRow {
        id: Uuid::new_v4(),
        reference: reference_for(a.id, instalment),
        idempotency_key,
        application_id: Some(a.id),
        instalment,
        person_id: a.person_id,
        county_code: a.county_code.clone(),
        benefit: a.benefit.clone(),
        amount_fen,
        status: InstructionStatus::Pending,
        batch_id: None,
        bank_reference: String::new(),
        failure_reason: String::new(),
        created_at: now,
        updated_at: now,
    }
}
