//! Paying people: where their money goes (payees, encrypted), bank batches with a MAC, bank
//! result files, reconciliation and the ledger's invariant check. What is owed is written by
//! [`crate::ledger`] when an application is granted or recalculated.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use linghuo_storage::benefits::{self as repo, BatchRow, InstructionRow, PayeeRow, TransferRow};
use linghuo_storage::persons as person_repo;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::access::Permission;
use crate::audit::{self, AuditActor, Event, Outcome};
use crate::benefits::{benefit_name, fen_text};
use crate::export::{Cell, Sheet};
use crate::ledger::{CLEARING, conflict, payable};
pub use crate::ledger::{instruction_label, reference_for};
use crate::{Actor, Result, Role, Service, ServiceError};
use linghuo_policy::BenefitId;
use linghuo_storage::status::InstructionStatus;

/// A bank file ready to hand over.
#[derive(Clone, Debug)]
pub struct BankFile {
    pub view: BatchView,
    pub bytes: Vec<u8>,
    /// `<batch number>.csv|xlsx`, with `.age` when encrypted for the bank.
    pub file_name: String,
    pub encrypted: bool,
    /// SHA-256 of `bytes`, as audited.
    pub sha256: String,
}

/// A payment batch as listed.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BatchView {
    pub id: Uuid,
    pub number: String,
    pub county_code: String,
    pub line_count: i32,
    pub total: String,
    /// exported | reconciled
    pub status: String,
    pub status_label: String,
    pub content_sha256: String,
    pub mac: String,
    pub created_at: DateTime<Utc>,
}

fn batch_view(b: &BatchRow) -> BatchView {
    BatchView {
        id: b.id,
        number: b.number.clone(),
        county_code: b.county_code.clone(),
        line_count: b.line_count,
        total: fen_text(b.total_fen),
        status: b.status.clone(),
        status_label: if b.status == "reconciled" {
            "已对账"
        } else {
            "已导出，待银行回盘"
        }
        .into(),
        content_sha256: b.content_sha256.clone(),
        mac: b.mac.clone(),
        created_at: b.created_at,
    }
}

/// A bank result line refused, with the reason.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LineProblem {
    /// Row number in the file as a spreadsheet shows it.
    pub line: usize,
    pub reference: String,
    pub problem: String,
}

/// One line of a bank's result file as written, before it is matched to its batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankResultLine {
    /// The line number as the spreadsheet shows it.
    pub line: usize,
    /// 付款参考号 (empty when missing).
    pub reference: String,
    /// 金额 in fen; `None` when not written as an amount of money.
    pub amount_fen: Option<i64>,
    /// 结果: paid (成功) or failed (失败); `None` for any other word.
    pub paid: Option<bool>,
    /// 银行流水号 (empty when missing).
    pub bank_reference: String,
    /// 说明 (empty when missing).
    pub message: String,
}

/// Reads a bank's result file (CSV, or .xlsx when `xlsx`) into its lines. A file that cannot
/// be read, has columns other than 付款参考号, 金额, 结果, 银行流水号 and 说明, or has no
/// rows is refused with field `file` and a code (`file_unreadable`, `columns_unknown`,
/// `file_empty`); what is wrong within a line is left to the import, which reports it for
/// that line.
pub fn read_bank_result(bytes: &[u8], xlsx: bool) -> Result<Vec<BankResultLine>> {
    let table = if xlsx {
        crate::tabular::read_xlsx(bytes)
    } else {
        crate::tabular::read_csv(bytes)
    }
    .map_err(|m| ServiceError::invalid("file", "file_unreadable", m))?;
    let records = table
        .records(
            &[
                ("付款参考号", "reference"),
                ("金额", "amount"),
                ("结果", "result"),
                ("银行流水号", "bank_reference"),
                ("说明", "message"),
            ],
            &[],
        )
        .map_err(|m| ServiceError::invalid("file", "columns_unknown", m))?;
    if records.is_empty() {
        return Err(ServiceError::invalid(
            "file",
            "file_empty",
            "回盘文件没有数据行",
        ));
    }
    Ok(records
        .into_iter()
        .map(|(line, rec)| {
            let get = |k: &str| rec.get(k).cloned().unwrap_or_default();
            BankResultLine {
                line,
                reference: get("reference"),
                amount_fen: linghuo_policy::Fen::parse(&get("amount")).ok().map(|f| f.0),
                paid: match get("result").as_str() {
                    "成功" | "paid" | "success" => Some(true),
                    "失败" | "failed" | "failure" => Some(false),
                    _ => None,
                },
                bank_reference: get("bank_reference"),
                message: get("message"),
            }
        })
        .collect())
}

/// What importing a bank result file did.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct BankResultReport {
    pub batch_id: Uuid,
    /// False when any line was refused: then nothing was applied.
    pub applied: bool,
    pub paid: usize,
    pub failed: usize,
    pub unchanged: usize,
    pub problems: Vec<LineProblem>,
}

/// One line of a reconciliation.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ReconLine {
    pub reference: String,
    /// The payee's person record (staff link to it).
    pub person_id: Uuid,
    /// Who is paid, masked as on every screen: 张*丰 · 中国银行 ****1234 (the payee account
    /// registered now; the bank file itself holds the account the batch was made with).
    pub payee: String,
    pub benefit_name: String,
    pub amount: String,
    pub status: String,
    pub status_label: String,
    pub bank_reference: String,
    pub ledger_paid: String,
    pub difference: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct Reconciliation {
    pub batch: BatchView,
    pub exported_count: usize,
    pub exported_total: String,
    pub paid_count: usize,
    pub paid_total: String,
    pub failed_count: usize,
    pub failed_total: String,
    pub outstanding_count: usize,
    pub outstanding_total: String,
    pub ledger_paid_total: String,
    /// Lines where the bank, the instructions and the ledger disagree (empty: reconciled).
    pub differences: Vec<String>,
    pub lines: Vec<ReconLine>,
}

/// The ledger's invariants, checked.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct LedgerCheck {
    pub transfers_debited: String,
    pub transfers_credited: String,
    pub balanced: bool,
    pub accounts: usize,
    pub problems: Vec<String>,
}

/// The person's payee account, masked.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PayeeView {
    pub bank_name: String,
    /// e.g. ****1234
    pub account: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PayeeInput {
    pub bank_name: String,
    /// 12 to 30 digits.
    pub account: String,
    #[serde(default)]
    pub consent_note: String,
}

/// Counts of pending payments in a region.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct PendingPayments {
    pub count: i64,
    pub total: String,
}

impl Service {
    /// Sets where a person's money is paid (encrypted at rest; shown masked).
    pub async fn set_payee(
        &self,
        actor: &Actor,
        person_id: Uuid,
        input: PayeeInput,
    ) -> Result<PayeeView> {
        actor.require_role(&[Role::Worker, Role::Staff])?;
        let p = self.person_in_scope(actor, person_id, "set_payee").await?;
        if actor.role == Role::Staff && input.consent_note.trim().chars().count() < 2 {
            return Err(ServiceError::invalid(
                "consent_note",
                "consent_required",
                "窗口代办须记录本人同意的方式",
            ));
        }
        let bank = input.bank_name.trim();
        if bank.chars().count() < 2 || bank.chars().count() > 40 {
            return Err(ServiceError::invalid(
                "bank_name",
                "bank_required",
                "请填写开户银行（2至40个字）",
            ));
        }
        let account: String = input
            .account
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if !(12..=30).contains(&account.len()) || !account.chars().all(|c| c.is_ascii_digit()) {
            return Err(ServiceError::invalid(
                "account",
                "account_invalid",
                "银行账号应为12至30位数字",
            ));
        }
        let now = self.clock.now();
        let last4 = account[account.len() - 4..].to_owned();
        let row = PayeeRow {
            person_id: p.id,
            bank_name: bank.into(),
            account_cipher: self.keys.seal(
                &crate::protect::context("payee_account", &p.id),
                account.as_bytes(),
            ),
            account_last4: last4.clone(),
            updated_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::upsert_payee(&mut tx, &row).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("payee_account_set", "person", p.id)
                .region(p.jurisdiction_code.clone())
                .detail(json!({"assisted": actor.role == Role::Staff})),
        )
        .await?;
        tx.commit().await?;
        Ok(PayeeView {
            bank_name: bank.into(),
            account: format!("****{last4}"),
        })
    }

    pub async fn payee_of(&self, actor: &Actor, person_id: Uuid) -> Result<Option<PayeeView>> {
        let p = self.person_in_scope(actor, person_id, "read_payee").await?;
        Ok(repo::payee(&self.db, p.id).await?.map(|r| PayeeView {
            bank_name: r.bank_name,
            account: format!("****{}", r.account_last4),
        }))
    }

    pub async fn pending_payments(&self, actor: &Actor) -> Result<PendingPayments> {
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let (count, total) = repo::pending_instruction_totals(&self.db, &prefix).await?;
        Ok(PendingPayments {
            count,
            total: fen_text(total),
        })
    }

    /// Puts every pending payment of the staff member's region with a payee account into a
    /// new batch and freezes its bank file (encrypted), so every export is the same bytes.
    pub async fn create_payment_batch(&self, actor: &Actor) -> Result<BatchView> {
        actor.require_role(&[Role::Staff])?;
        let scope = actor.scope.ok_or_else(ServiceError::forbidden)?;
        let prefix = scope.sql_prefix();
        let now = self.clock.now();
        // Payee details are read before the transaction: one holding the write lock must not
        // wait for another pool connection. The transaction then takes only instructions
        // still pending (conditional updates below).
        let mut payees = BTreeMap::new();
        for i in repo::pending_instructions(&self.db, &prefix).await? {
            if payees.contains_key(&i.person_id) {
                continue;
            }
            let (Some(payee), Some(person)) = (
                repo::payee(&self.db, i.person_id).await?,
                person_repo::by_id(&self.db, i.person_id).await?,
            ) else {
                continue;
            };
            let account = self
                .keys
                .open(
                    &crate::protect::context("payee_account", &i.person_id),
                    &payee.account_cipher,
                )
                .map_err(|_| ServiceError::Internal("payee account cannot be opened".into()))?;
            let account = String::from_utf8_lossy(&account).into_owned();
            payees.insert(i.person_id, (person.name, account, payee.bank_name));
        }
        let mut tx = self.db.begin().await?;
        let pending = repo::instructions_to_batch(&mut tx, &prefix).await?;
        let mut lines = Vec::new();
        for i in pending {
            if let Some((name, account, bank)) = payees.get(&i.person_id) {
                lines.push((i, name.clone(), account.clone(), bank.clone()));
            }
        }
        if lines.is_empty() {
            return Err(conflict(
                "nothing_to_pay",
                "没有可以发放的款项（待发放款项须已登记收款账户）",
            ));
        }
        let day = crate::clock::cst_date(now).format("%Y%m%d").to_string();
        let seq = repo::next_counter(&mut tx, &format!("batch:{}:{day}", scope.code())).await?;
        let number = format!("PB{}{day}{seq:03}", scope.code());
        let id = Uuid::new_v4();
        let mut sheet = Sheet {
            title: format!("代发{number}"),
            headers: [
                "序号",
                "付款参考号",
                "收款人",
                "收款账号",
                "开户银行",
                "金额",
                "用途",
                "批次号",
            ]
            .map(String::from)
            .to_vec(),
            rows: Vec::new(),
        };
        let mut total = 0;
        for (n, (i, name, account, bank)) in lines.iter().enumerate() {
            total += i.amount_fen;
            sheet.rows.push(vec![
                Cell::Int(n as i64 + 1),
                Cell::text(i.reference.clone()),
                Cell::text(name.clone()),
                Cell::text(account.clone()),
                Cell::text(bank.clone()),
                Cell::Decimal(fen_text(i.amount_fen)),
                Cell::text(benefit_name(&i.benefit)),
                Cell::text(number.clone()),
            ]);
        }
        let mut content = crate::export::to_csv(&sheet);
        let mac = self.keys.file_mac("bank-batch", &content);
        content.extend_from_slice(format!("MAC,HMAC-SHA256,{mac}\r\n").as_bytes());
        let sha = hex::encode(Sha256::digest(&content));
        let batch = BatchRow {
            id,
            number,
            county_code: scope.code().to_string(),
            line_count: lines.len() as i32,
            total_fen: total,
            content_sha256: sha,
            mac,
            status: "exported".into(),
            created_by: Some(actor.user_id),
            created_at: now,
            result_imported_at: None,
        };
        repo::insert_batch(
            &mut tx,
            &batch,
            &self
                .keys
                .seal(&crate::protect::context("payment_batch", &id), &content),
        )
        .await?;
        for (i, ..) in &lines {
            if !repo::put_in_batch(&mut tx, i.id, id, now).await? {
                return Err(crate::registration::stale());
            }
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("payment_batch_created", "payment_batch", id)
                .region(batch.county_code.clone())
                .detail(json!({"lines": batch.line_count, "total": fen_text(total)})),
        )
        .await?;
        tx.commit().await?;
        Ok(batch_view(&batch))
    }

    async fn batch_in_scope(&self, actor: &Actor, id: Uuid) -> Result<BatchRow> {
        actor.require_role(&[Role::Staff])?;
        match repo::batch(&self.db, id).await? {
            Some(b) if actor.may_see(&b.county_code, None) => Ok(b),
            _ => Err(self
                .deny(actor, "payment_batch", id.to_string(), "read")
                .await),
        }
    }

    pub async fn payment_batches(&self, actor: &Actor) -> Result<Vec<BatchView>> {
        actor.require_role(&[Role::Staff])?;
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        Ok(repo::batches_in_region(&self.db, &prefix)
            .await?
            .iter()
            .map(batch_view)
            .collect())
    }

    /// One page of the region's payment batches, newest first, searched by batch number.
    pub async fn payment_batches_page(
        &self,
        actor: &Actor,
        q: &crate::paging::PageQuery,
    ) -> Result<crate::paging::Paged<BatchView>> {
        actor.require_role(&[Role::Staff])?;
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        let (rows, total) =
            repo::batches_in_region_page(&self.db, &prefix, &q.like(), q.limit(), q.offset())
                .await?;
        Ok(crate::paging::Paged::new(
            rows.iter().map(batch_view).collect(),
            q,
            total,
        ))
    }

    /// The bank file of a batch as first exported (CSV, ending with its MAC line), checked
    /// against the stored fingerprint. It carries full payee names and account numbers, so it
    /// needs the `bank:export` permission and a fresh step-up (C3, A9); a refusal is audited.
    async fn bank_file_content(&self, actor: &Actor, id: Uuid) -> Result<(BatchRow, Vec<u8>)> {
        let b = self.batch_in_scope(actor, id).await?;
        if !actor.has(Permission::BankExport) {
            let now = self.clock.now();
            let mut tx = self.db.begin().await?;
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::from(actor),
                Event::new("payment_batch_exported", "payment_batch", id)
                    .outcome(Outcome::Denied)
                    .region(b.county_code.clone()),
            )
            .await?;
            tx.commit().await?;
            return Err(ServiceError::Forbidden {
                code: "bank_export_not_permitted",
                message: "下载银行代发文件需要“下载银行代发文件”权限，请联系安全管理员".into(),
            });
        }
        self.require_step_up(actor)?;
        let sealed = repo::batch_content(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let content = self
            .keys
            .open(&crate::protect::context("payment_batch", &id), &sealed)
            .map_err(|_| ServiceError::Internal("batch file cannot be opened".into()))?
            .to_vec();
        if hex::encode(Sha256::digest(&content)) != b.content_sha256 {
            return Err(ServiceError::Internal(
                "batch file does not match its fingerprint".into(),
            ));
        }
        Ok((b, content))
    }

    /// The bank file as handed to the bank: CSV (`xlsx` false) or an Excel workbook with the
    /// same lines and MAC, encrypted to the bank's age key when `[bank] recipient` is set.
    /// Every download is audited with the SHA-256 of the bytes that left the platform.
    pub async fn bank_file(&self, actor: &Actor, id: Uuid, xlsx: bool) -> Result<BankFile> {
        let (b, content) = self.bank_file_content(actor, id).await?;
        let view = batch_view(&b);
        let mut bytes = if xlsx {
            let table = crate::tabular::read_csv(&content).map_err(ServiceError::Internal)?;
            let sheet = Sheet {
                title: format!("代发{}", view.number),
                headers: table.headers.clone(),
                rows: table
                    .rows
                    .iter()
                    .map(|(_, cells)| cells.iter().map(|c| Cell::text(c.clone())).collect())
                    .collect(),
            };
            crate::export::to_xlsx_dated(&sheet, view.created_at)?
        } else {
            content
        };
        let mut file_name = format!("{}.{}", view.number, if xlsx { "xlsx" } else { "csv" });
        let recipient = self.config.bank.recipient.trim();
        let encrypted = !recipient.is_empty();
        if encrypted {
            let r = crate::age::Recipient::parse(recipient)
                .map_err(|e| ServiceError::Internal(format!("bank.recipient: {e}")))?;
            bytes = crate::age::encrypt(&r, &bytes);
            file_name.push_str(".age");
        }
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("payment_batch_exported", "payment_batch", id)
                .region(b.county_code.clone())
                .detail(json!({
                    "format": if xlsx { "xlsx" } else { "csv" },
                    "encrypted": encrypted,
                    "sha256": sha256,
                    "content_sha256": b.content_sha256,
                })),
        )
        .await?;
        tx.commit().await?;
        Ok(BankFile {
            view,
            bytes,
            file_name,
            encrypted,
            sha256,
        })
    }

    /// Imports the bank's result file for a batch. Columns: 付款参考号, 金额, 结果 (成功 /
    /// 失败), 银行流水号, 说明. Every line is checked first; any refused line (unknown or
    /// duplicate reference, another batch, amount differs, unknown result) refuses the
    /// whole file with a reason per line and nothing applied. A line already recorded with
    /// the same result changes nothing, so importing the same file twice is harmless.
    pub async fn import_bank_result(
        &self,
        actor: &Actor,
        batch_id: Uuid,
        bytes: &[u8],
        xlsx: bool,
    ) -> Result<BankResultReport> {
        let b = self.batch_in_scope(actor, batch_id).await?;
        let records = read_bank_result(bytes, xlsx)?;
        let lines: BTreeMap<String, InstructionRow> =
            repo::instructions_of_batch(&self.db, batch_id)
                .await?
                .into_iter()
                .map(|i| (i.reference.clone(), i))
                .collect();
        let mut problems = Vec::new();
        let mut seen = HashSet::new();
        let mut actions = Vec::new();
        for rec in records {
            let reference = rec.reference.clone();
            let mut bad = |p: &str| {
                problems.push(LineProblem {
                    line: rec.line,
                    reference: reference.clone(),
                    problem: p.into(),
                })
            };
            if reference.is_empty() {
                bad("缺少付款参考号");
                continue;
            }
            if !seen.insert(reference.clone()) {
                bad("付款参考号在文件中重复出现");
                continue;
            }
            let Some(i) = lines.get(&reference) else {
                bad(
                    if repo::instruction_by_reference(&self.db, &reference)
                        .await?
                        .is_some()
                    {
                        "该付款参考号不属于本批次"
                    } else {
                        "付款参考号不存在"
                    },
                );
                continue;
            };
            match rec.amount_fen {
                Some(a) if a == i.amount_fen => {}
                Some(_) => {
                    bad(&format!(
                        "金额与代发文件不符（应为{}）",
                        fen_text(i.amount_fen)
                    ));
                    continue;
                }
                None => {
                    bad("金额格式错误，应为两位小数，如 1234.50");
                    continue;
                }
            }
            let Some(paid) = rec.paid else {
                bad("结果应为“成功”或“失败”");
                continue;
            };
            let bank_ref = rec.bank_reference;
            if paid && bank_ref.is_empty() {
                bad("成功的付款须有银行流水号");
                continue;
            }
            match (i.status.as_str(), paid) {
                ("in_batch", _) => {}
                ("paid", true) if i.bank_reference == bank_ref => {
                    actions.push((i.clone(), None));
                    continue;
                }
                ("failed", false) => {
                    actions.push((i.clone(), None));
                    continue;
                }
                _ => {
                    bad(&format!(
                        "该笔已记录为“{}”，与回盘结果不一致",
                        instruction_label(i.status.as_str())
                    ));
                    continue;
                }
            }
            actions.push((i.clone(), Some((paid, bank_ref, rec.message))));
        }
        let mut report = BankResultReport {
            batch_id,
            applied: false,
            paid: 0,
            failed: 0,
            unchanged: 0,
            problems,
        };
        if !report.problems.is_empty() {
            return Ok(report);
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        for (i, act) in actions {
            let Some((paid, bank_ref, message)) = act else {
                report.unchanged += 1;
                continue;
            };
            let status = if paid { "paid" } else { "failed" };
            let reason = if paid {
                String::new()
            } else if message.is_empty() {
                "银行退回".into()
            } else {
                message
            };
            if !repo::settle_instruction(&mut tx, i.id, status, &bank_ref, &reason, now).await? {
                return Err(crate::registration::stale());
            }
            if paid {
                repo::insert_transfer(
                    &mut tx,
                    &TransferRow {
                        id: Uuid::new_v4(),
                        idempotency_key: format!("payment:{}", i.id),
                        kind: "payment".into(),
                        debit_account: payable(i.person_id),
                        credit_account: CLEARING.into(),
                        amount_fen: i.amount_fen,
                        application_id: i.application_id,
                        person_id: Some(i.person_id),
                        county_code: i.county_code.clone(),
                        benefit: i.benefit.clone(),
                        memo: format!("银行流水号{bank_ref}"),
                        created_by: Some(actor.user_id),
                        created_at: now,
                    },
                )
                .await?;
                report.paid += 1;
            } else {
                report.failed += 1;
            }
            // The person hears of it in 消息 (and by SMS where allowed, issue 16 item 7).
            let name = benefit_name(&i.benefit);
            linghuo_storage::notices::insert_notice(
                &mut tx,
                &linghuo_storage::notices::NoticeRow::to_worker(i.person_id, i.county_code.clone(), if paid { "payment_paid" } else { "payment_failed" }, if paid {
                        format!("您的{name}{}元已发放到您的银行账户", fen_text(i.amount_fen))
                    } else {
                        format!(
                            "您的{name}{}元发放未成功（银行退回），请核对银行账户，工作人员将重新发放",
                            fen_text(i.amount_fen)
                        )
                    }, i
                        .application_id
                        .map(|a| format!("/services/benefits/{a}"))
                        .unwrap_or_else(|| "/notices".into()), format!("payment:{}:{}", i.id, if paid { "paid" } else { "failed" }), now),
            )
            .await?;
        }
        let open = repo::instructions_of_batch_tx(&mut tx, batch_id)
            .await?
            .iter()
            .filter(|i| i.status == InstructionStatus::InBatch)
            .count();
        if open == 0 {
            repo::mark_batch_reconciled(&mut tx, batch_id, now).await?;
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("bank_result_imported", "payment_batch", batch_id)
                .region(b.county_code.clone())
                .detail(json!({"paid": report.paid, "failed": report.failed, "unchanged": report.unchanged})),
        )
        .await?;
        tx.commit().await?;
        report.applied = true;
        Ok(report)
    }

    /// Puts a failed payment back in the queue for the next batch.
    pub async fn requeue_payment(&self, actor: &Actor, reference: &str) -> Result<()> {
        actor.require_role(&[Role::Staff])?;
        let i = match repo::instruction_by_reference(&self.db, reference).await? {
            Some(i) if actor.may_see(&i.county_code, None) => i,
            _ => {
                return Err(self
                    .deny(
                        actor,
                        "payment_instruction",
                        reference.to_owned(),
                        "requeue",
                    )
                    .await);
            }
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::requeue_instruction(&mut tx, i.id, now).await? {
            return Err(conflict("not_failed", "只有发放失败的款项可以重新发放"));
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("payment_requeued", "payment_instruction", i.id)
                .region(i.county_code.clone()),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A payee as staff may see them: the masked name, the bank and the last four digits.
    async fn masked_payee(&self, person_id: Uuid) -> Result<String> {
        let name = person_repo::by_id(&self.db, person_id)
            .await?
            .map(|p| linghuo_domain::masking::mask_name(&p.name))
            .unwrap_or_default();
        Ok(match repo::payee(&self.db, person_id).await? {
            Some(p) => format!("{name} · {} ****{}", p.bank_name, p.account_last4),
            None => format!("{name} · 未登记收款账户"),
        })
    }

    /// Compares a batch's lines with the bank's answers and the ledger.
    pub async fn reconcile_batch(&self, actor: &Actor, id: Uuid) -> Result<Reconciliation> {
        let b = self.batch_in_scope(actor, id).await?;
        let instructions = repo::instructions_of_batch(&self.db, id).await?;
        let mut r = Reconciliation {
            batch: batch_view(&b),
            exported_count: instructions.len(),
            exported_total: String::new(),
            paid_count: 0,
            paid_total: String::new(),
            failed_count: 0,
            failed_total: String::new(),
            outstanding_count: 0,
            outstanding_total: String::new(),
            ledger_paid_total: String::new(),
            differences: Vec::new(),
            lines: Vec::new(),
        };
        let (mut exported, mut paid, mut failed, mut outstanding, mut ledger) = (0, 0, 0, 0, 0);
        for i in &instructions {
            exported += i.amount_fen;
            let transfers = match i.application_id {
                Some(a) => repo::transfers_of_application(&self.db, a).await?,
                None => Vec::new(),
            };
            let key = format!("payment:{}", i.id);
            let in_ledger: i64 = transfers
                .iter()
                .filter(|t| t.idempotency_key == key)
                .map(|t| t.amount_fen)
                .sum();
            ledger += in_ledger;
            match i.status.as_str() {
                "paid" => {
                    r.paid_count += 1;
                    paid += i.amount_fen;
                }
                "failed" => {
                    r.failed_count += 1;
                    failed += i.amount_fen;
                }
                _ => {
                    r.outstanding_count += 1;
                    outstanding += i.amount_fen;
                }
            }
            let expected = if i.status == InstructionStatus::Paid {
                i.amount_fen
            } else {
                0
            };
            let diff = in_ledger - expected;
            if diff != 0 {
                r.differences.push(format!(
                    "{}：银行结果为“{}”，账本记为已付{}元",
                    i.reference,
                    instruction_label(i.status.as_str()),
                    fen_text(in_ledger)
                ));
            }
            let payee = self.masked_payee(i.person_id).await?;
            r.lines.push(ReconLine {
                reference: i.reference.clone(),
                person_id: i.person_id,
                payee,
                benefit_name: benefit_name(&i.benefit).into(),
                amount: fen_text(i.amount_fen),
                status: i.status.as_str().into(),
                status_label: instruction_label(i.status.as_str()).into(),
                bank_reference: i.bank_reference.clone(),
                ledger_paid: fen_text(in_ledger),
                difference: fen_text(diff),
            });
        }
        if exported != b.total_fen {
            r.differences.push(format!(
                "批次合计{}元与各笔之和{}元不符",
                fen_text(b.total_fen),
                fen_text(exported)
            ));
        }
        r.exported_total = fen_text(exported);
        r.paid_total = fen_text(paid);
        r.failed_total = fen_text(failed);
        r.outstanding_total = fen_text(outstanding);
        r.ledger_paid_total = fen_text(ledger);
        Ok(r)
    }

    /// The reconciliation as a table to download.
    pub fn reconciliation_sheet(r: &Reconciliation) -> Sheet {
        Sheet {
            title: format!("对账{}", r.batch.number),
            headers: [
                "付款参考号",
                "待遇",
                "金额",
                "银行结果",
                "银行流水号",
                "账本已付",
                "差额",
            ]
            .map(String::from)
            .to_vec(),
            rows: r
                .lines
                .iter()
                .map(|l| {
                    vec![
                        Cell::text(l.reference.clone()),
                        Cell::text(l.benefit_name.clone()),
                        Cell::Decimal(l.amount.clone()),
                        Cell::text(l.status_label.clone()),
                        Cell::text(l.bank_reference.clone()),
                        Cell::Decimal(l.ledger_paid.clone()),
                        Cell::Decimal(l.difference.clone()),
                    ]
                })
                .collect(),
        }
    }

    /// Checks the ledger's invariants: debits equal credits; no application granted twice;
    /// every grant has its payment instruction of the same amount; every paid instruction
    /// has exactly one payment transfer and no other instruction has one.
    pub async fn ledger_check(&self) -> Result<LedgerCheck> {
        let totals = repo::account_totals(&self.db).await?;
        let debited: i64 = totals.iter().map(|t| t.1).sum();
        let credited: i64 = totals.iter().map(|t| t.2).sum();
        let paid: Vec<&str> = BenefitId::ALL
            .iter()
            .filter(|b| b.paid())
            .map(|b| b.code())
            .collect();
        let mut problems = repo::ledger_problems(&self.db, &paid).await?;
        problems.extend(self.budget_problems().await?);
        if debited != credited {
            problems.push(format!(
                "借方合计{}与贷方合计{}不等",
                fen_text(debited),
                fen_text(credited)
            ));
        }
        Ok(LedgerCheck {
            transfers_debited: fen_text(debited),
            transfers_credited: fen_text(credited),
            balanced: debited == credited,
            accounts: totals.len(),
            problems,
        })
    }
}

impl Service {
    /// The budget counters against the ledger: each county's committed amount of a fund in a
    /// year equals its grants and adjustments less recoveries that year.
    async fn budget_problems(&self) -> Result<Vec<String>> {
        use std::collections::BTreeMap;
        let mut from_ledger: BTreeMap<(String, &'static str, i32), i64> = BTreeMap::new();
        for (county, benefit, year, fen) in repo::ledger_commitments(&self.db).await? {
            if let Some(f) = crate::benefits::budget::fund_of(&benefit) {
                *from_ledger.entry((county, f.code, year)).or_insert(0) += fen;
            }
        }
        let mut out = Vec::new();
        for b in repo::all_budgets(&self.db).await? {
            let Some(f) = crate::benefits::budget::fund_by_code(&b.fund) else {
                continue;
            };
            let want = from_ledger
                .remove(&(b.county_code.clone(), f.code, b.year))
                .unwrap_or(0);
            if want != b.committed_fen {
                out.push(format!(
                    "{} {}年{}：预算已安排{}元，账本为{}元",
                    b.county_code,
                    b.year,
                    f.name,
                    fen_text(b.committed_fen),
                    fen_text(want)
                ));
            }
            if let Some(a) = b.amount_fen
                && b.committed_fen > a
            {
                out.push(format!(
                    "{} {}年{}：已安排{}元，超出预算{}元",
                    b.county_code,
                    b.year,
                    f.name,
                    fen_text(b.committed_fen),
                    fen_text(a)
                ));
            }
        }
        for ((county, fund, year), fen) in from_ledger {
            if fen != 0 {
                out.push(format!(
                    "{county} {year}年{}：账本有{}元，没有预算记录",
                    crate::benefits::budget::fund_name(fund),
                    fen_text(fen)
                ));
            }
        }
        Ok(out)
    }
}
