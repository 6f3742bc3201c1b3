//! 共享用工 (二(三)): an employer (the lender) lends workers it employs — its hires, each with
//! its 用工登记 — to another employer (the borrower) for a period, saying who pays the wages
//! and who pays the social insurance. The lender proposes, the borrower confirms or declines
//! with a reason; either may end a confirmed arrangement early with a reason. Both employers,
//! the workers lent and the staff of either employer's region see it; every step is audited
//! and told to the other side as a notice.

use chrono::NaiveDate;
use linghuo_domain::Uscc;
use linghuo_domain::masking::mask_name;
use linghuo_storage::market::shared::{self as repo, SharedRow, SharedWorkerRow};
use linghuo_storage::market::{self as market_repo, EmployerRow};
use linghuo_storage::notices::{self, NoticeRow};
use linghuo_storage::persons;
use linghuo_storage::status::HireStatus;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditActor, Event};
use crate::events::{county_name, date, label, text};
use crate::{Actor, Result, Role, Service, ServiceError};

pub const SHARED_STATUSES: &[(&str, &str)] = &[
    ("proposed", "待对方确认"),
    ("confirmed", "已确认"),
    ("declined", "对方未同意"),
    ("withdrawn", "已撤回"),
    ("ended", "已提前结束"),
];

pub const PAYERS: &[(&str, &str)] = &[("lender", "派出单位"), ("borrower", "用工单位")];

/// Most workers in one arrangement.
pub const MAX_WORKERS: usize = 200;

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareInput {
    /// The borrowing employer's 统一社会信用代码.
    #[schema(example = "91140105MA0KXXXX0X")]
    pub borrower_uscc: String,
    /// The lender's hires (用工登记) of the workers lent; each must be active.
    pub hire_ids: Vec<Uuid>,
    /// What the workers do at the borrower (2–200 characters).
    pub work: String,
    /// YYYY-MM-DD, not before today.
    pub starts_on: String,
    /// YYYY-MM-DD, not before `starts_on`.
    pub ends_on: String,
    /// lender or borrower.
    pub wages_paid_by: String,
    /// lender or borrower.
    pub insurance_paid_by: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareAnswer {
    /// true: confirm; false: decline (a reason is then required).
    pub accept: bool,
    #[serde(default)]
    pub reason: String,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareEnd {
    /// YYYY-MM-DD: the last day of the arrangement, between its start and its planned end.
    pub ended_on: String,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SharedWorkerView {
    pub hire_id: Uuid,
    /// Masked.
    pub name: String,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SharedView {
    pub id: Uuid,
    pub lender_id: Uuid,
    pub lender_name: String,
    pub lender_county_name: String,
    pub borrower_id: Uuid,
    pub borrower_name: String,
    pub borrower_county_name: String,
    pub work: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// lender | borrower
    pub wages_paid_by: String,
    /// 派出单位 | 用工单位
    pub wages_payer_label: &'static str,
    pub insurance_paid_by: String,
    pub insurance_payer_label: &'static str,
    /// proposed | confirmed | declined | withdrawn | ended
    pub status: String,
    pub status_label: &'static str,
    pub decline_reason: String,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: String,
    pub workers: Vec<SharedWorkerView>,
    /// The caller's side: lender, borrower, worker or staff.
    pub side: String,
    /// The borrower may confirm or decline.
    pub can_answer: bool,
    /// The lender may withdraw.
    pub can_withdraw: bool,
    /// Either employer may end it early.
    pub can_end: bool,
}

fn payer(field: &str, v: &str) -> Result<String> {
    match v.trim() {
        "lender" | "borrower" => Ok(v.trim().to_owned()),
        _ => Err(ServiceError::invalid(
            field,
            "payer_unknown",
            "请选择由派出单位还是用工单位支付",
        )),
    }
}

fn employer_notice(
    employer: &EmployerRow,
    kind: &str,
    message: String,
    link: String,
    key: String,
    at: chrono::DateTime<chrono::Utc>,
) -> NoticeRow {
    NoticeRow {
        id: Uuid::new_v4(),
        audience: "employer".into(),
        person_id: None,
        employer_id: Some(employer.id),
        region_code: employer.county_code.clone(),
        kind: kind.into(),
        message,
        link,
        dedupe_key: key,
        created_at: at,
        read_at: None,
    }
}

impl Service {
    async fn shared_view(&self, r: &SharedRow, side: &str) -> Result<SharedView> {
        let lender = market_repo::employer(&self.db, r.lender_id).await?;
        let borrower = market_repo::employer(&self.db, r.borrower_id).await?;
        let mut workers = Vec::new();
        for w in repo::workers(&self.db, r.id).await? {
            let name = persons::by_id(&self.db, w.person_id)
                .await?
                .map(|p| mask_name(&p.name))
                .unwrap_or_default();
            workers.push(SharedWorkerView {
                hire_id: w.hire_id,
                name,
            });
        }
        let open = r.status == "proposed";
        Ok(SharedView {
            id: r.id,
            lender_id: r.lender_id,
            lender_name: lender.map(|e| e.name).unwrap_or_default(),
            lender_county_name: county_name(&r.lender_county),
            borrower_id: r.borrower_id,
            borrower_name: borrower.map(|e| e.name).unwrap_or_default(),
            borrower_county_name: county_name(&r.borrower_county),
            work: r.work.clone(),
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            wages_paid_by: r.wages_paid_by.clone(),
            wages_payer_label: label(PAYERS, &r.wages_paid_by),
            insurance_paid_by: r.insurance_paid_by.clone(),
            insurance_payer_label: label(PAYERS, &r.insurance_paid_by),
            status: r.status.clone(),
            status_label: label(SHARED_STATUSES, &r.status),
            decline_reason: r.decline_reason.clone(),
            ended_on: r.ended_on,
            end_reason: r.end_reason.clone(),
            workers,
            side: side.into(),
            can_answer: open && side == "borrower",
            can_withdraw: open && side == "lender",
            can_end: r.status == "confirmed"
                && (side == "lender" || side == "borrower")
                && self.clock.today_cst() <= r.ends_on,
        })
    }

    /// The arrangement and the caller's side of it; NotFound (audited) for anyone else.
    async fn shared_for(
        &self,
        actor: &Actor,
        id: Uuid,
        action: &str,
    ) -> Result<(SharedRow, String)> {
        let Some(r) = repo::get(&self.db, id).await? else {
            return Err(ServiceError::NotFound);
        };
        let side = match actor.role {
            Role::Employer => {
                let e = self.employer_of(actor).await?;
                if e.id == r.lender_id {
                    Some("lender")
                } else if e.id == r.borrower_id {
                    Some("borrower")
                } else {
                    None
                }
            }
            Role::Staff => (actor.may_see(&r.lender_county, None)
                || actor.may_see(&r.borrower_county, None))
            .then_some("staff"),
            Role::Worker => match actor.person_id {
                Some(pid) => repo::workers(&self.db, r.id)
                    .await?
                    .iter()
                    .any(|w| w.person_id == pid)
                    .then_some("worker"),
                None => None,
            },
            _ => None,
        };
        match side {
            Some(s) => Ok((r, s.to_owned())),
            None => Err(self
                .deny(actor, "shared_employment", id.to_string(), action)
                .await),
        }
    }

    /// The lender proposes an arrangement; the borrower is told.
    pub async fn propose_sharing(&self, actor: &Actor, input: ShareInput) -> Result<SharedView> {
        let lender = self.employer_of(actor).await?;
        let code = input.borrower_uscc.trim().to_uppercase();
        let uscc = Uscc::parse(&code).map_err(|e| ServiceError::field("borrower_uscc", e))?;
        let borrower_id = repo::employer_id_by_uscc(&self.db, uscc.as_str())
            .await?
            .ok_or_else(|| {
                ServiceError::invalid(
                    "borrower_uscc",
                    "borrower_unknown",
                    "没有找到这个统一社会信用代码的用人单位；请对方先在本平台登记单位信息",
                )
            })?;
        if borrower_id == lender.id {
            return Err(ServiceError::invalid(
                "borrower_uscc",
                "borrower_self",
                "用工单位不能是本单位",
            ));
        }
        let borrower = market_repo::employer(&self.db, borrower_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let work = text("work", &input.work, 200)?;
        let today = self.clock.today_cst();
        let starts_on = date("starts_on", &input.starts_on)?;
        let ends_on = date("ends_on", &input.ends_on)?;
        if starts_on < today {
            return Err(ServiceError::invalid(
                "starts_on",
                "date_past",
                "开始日期不能早于今天",
            ));
        }
        if ends_on < starts_on {
            return Err(ServiceError::invalid(
                "ends_on",
                "date_order",
                "结束日期不能早于开始日期",
            ));
        }
        let wages = payer("wages_paid_by", &input.wages_paid_by)?;
        let insurance = payer("insurance_paid_by", &input.insurance_paid_by)?;
        let mut ids = input.hire_ids.clone();
        ids.sort();
        ids.dedup();
        if ids.is_empty() || ids.len() > MAX_WORKERS {
            return Err(ServiceError::invalid(
                "hire_ids",
                "workers_count",
                format!("请选择要派出的职工（1至{MAX_WORKERS}人）"),
            ));
        }
        let id = Uuid::new_v4();
        let mut workers = Vec::with_capacity(ids.len());
        for h in &ids {
            match market_repo::hire(&self.db, *h).await? {
                Some(hire)
                    if hire.employer_id == lender.id && hire.status == HireStatus::Active =>
                {
                    workers.push(SharedWorkerRow {
                        arrangement_id: id,
                        hire_id: hire.id,
                        person_id: hire.person_id,
                        county_code: lender.county_code.clone(),
                    });
                }
                _ => {
                    return Err(ServiceError::invalid(
                        "hire_ids",
                        "hire_not_lender",
                        "只能派出本单位在岗的职工（用工登记中状态为在岗的）",
                    ));
                }
            }
        }
        let now = self.clock.now();
        let row = SharedRow {
            id,
            lender_id: lender.id,
            borrower_id: borrower.id,
            lender_county: lender.county_code.clone(),
            borrower_county: borrower.county_code.clone(),
            work,
            starts_on,
            ends_on,
            wages_paid_by: wages,
            insurance_paid_by: insurance,
            status: "proposed".into(),
            proposed_by: Some(actor.user_id),
            answered_by: None,
            answered_at: None,
            decline_reason: String::new(),
            ended_on: None,
            end_reason: String::new(),
            ended_by: None,
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db.begin().await?;
        repo::insert(&mut tx, &row, &workers).await?;
        notices::insert_notice(
            &mut tx,
            &employer_notice(
                &borrower,
                "sharing_proposed",
                format!(
                    "{}提出共享用工：{}人，{}至{}，请确认",
                    lender.name,
                    workers.len(),
                    starts_on,
                    ends_on
                ),
                format!("/employer/sharing/{id}"),
                format!("sharing_proposed:{id}"),
                now,
            ),
        )
        .await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("sharing_proposed", "shared_employment", id)
                .region(row.lender_county.clone())
                .detail(json!({
                    "borrower": borrower.id,
                    "workers": workers.len(),
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                    "wages_paid_by": row.wages_paid_by,
                    "insurance_paid_by": row.insurance_paid_by,
                })),
        )
        .await?;
        tx.commit().await?;
        self.shared_view(&row, "lender").await
    }

    /// The borrower confirms, or declines with a reason; the lender (and, on confirmation,
    /// each worker lent) is told.
    pub async fn answer_sharing(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ShareAnswer,
    ) -> Result<SharedView> {
        let (r, side) = self.shared_for(actor, id, "answer").await?;
        if side != "borrower" {
            return Err(ServiceError::Forbidden {
                code: "not_borrower",
                message: "只有用工单位可以确认或拒绝".into(),
            });
        }
        let reason = input.reason.trim();
        if !input.accept && reason.chars().count() < 2 {
            return Err(ServiceError::invalid(
                "reason",
                "reason_required",
                "不同意时请写明原因（2至200个字）",
            ));
        }
        if reason.chars().count() > 200 {
            return Err(ServiceError::invalid(
                "reason",
                "text_length",
                "原因最多200个字",
            ));
        }
        let to = if input.accept {
            "confirmed"
        } else {
            "declined"
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::answer(&mut tx, id, "proposed", to, actor.user_id, reason, now).await? {
            return Err(ServiceError::Conflict {
                code: "sharing_not_proposed",
                message: "这份共享用工已经处理过了".into(),
            });
        }
        let borrower = market_repo::employer(&self.db, r.borrower_id).await?;
        let borrower_name = borrower.map(|e| e.name).unwrap_or_default();
        if let Some(lender) = market_repo::employer(&self.db, r.lender_id).await? {
            let message = if input.accept {
                format!(
                    "{borrower_name}已确认共享用工（{}至{}）",
                    r.starts_on, r.ends_on
                )
            } else {
                format!("{borrower_name}未同意共享用工：{reason}")
            };
            notices::insert_notice(
                &mut tx,
                &employer_notice(
                    &lender,
                    "sharing_answered",
                    message,
                    format!("/employer/sharing/{id}"),
                    format!("sharing_answered:{id}"),
                    now,
                ),
            )
            .await?;
        }
        if input.accept {
            for w in repo::workers(&self.db, id).await? {
                notices::insert_notice(
                    &mut tx,
                    &NoticeRow::to_worker(
                        w.person_id,
                        w.county_code.clone(),
                        "sharing_confirmed",
                        format!(
                            "您所在单位安排您{}至{}到{}工作（共享用工），详见我的用工",
                            r.starts_on, r.ends_on, borrower_name
                        ),
                        "/work/hires",
                        format!("sharing_confirmed:{id}:{}", w.hire_id),
                        now,
                    ),
                )
                .await?;
            }
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new(
                if input.accept {
                    "sharing_confirmed"
                } else {
                    "sharing_declined"
                },
                "shared_employment",
                id,
            )
            .region(r.borrower_county.clone())
            .detail(json!({"reason": reason})),
        )
        .await?;
        tx.commit().await?;
        let r = repo::get(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.shared_view(&r, "borrower").await
    }

    /// The lender withdraws a proposal the borrower has not answered.
    pub async fn withdraw_sharing(&self, actor: &Actor, id: Uuid) -> Result<SharedView> {
        let (r, side) = self.shared_for(actor, id, "withdraw").await?;
        if side != "lender" {
            return Err(ServiceError::Forbidden {
                code: "not_lender",
                message: "只有派出单位可以撤回".into(),
            });
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::answer(&mut tx, id, "proposed", "withdrawn", actor.user_id, "", now).await? {
            return Err(ServiceError::Conflict {
                code: "sharing_not_proposed",
                message: "对方已经处理，不能撤回".into(),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("sharing_withdrawn", "shared_employment", id)
                .region(r.lender_county.clone()),
        )
        .await?;
        tx.commit().await?;
        let r = repo::get(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.shared_view(&r, "lender").await
    }

    /// Either employer ends a confirmed arrangement early, with the last day and a reason;
    /// the other employer and the workers are told.
    pub async fn end_sharing(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ShareEnd,
    ) -> Result<SharedView> {
        let (r, side) = self.shared_for(actor, id, "end").await?;
        if side != "lender" && side != "borrower" {
            return Err(ServiceError::Forbidden {
                code: "not_party",
                message: "只有派出单位或用工单位可以提前结束".into(),
            });
        }
        let ended_on = date("ended_on", &input.ended_on)?;
        if ended_on < r.starts_on || ended_on >= r.ends_on {
            return Err(ServiceError::invalid(
                "ended_on",
                "ended_on_range",
                format!(
                    "提前结束的日期应在{}至{}之间（早于原定结束日期）",
                    r.starts_on,
                    r.ends_on.pred_opt().unwrap_or(r.ends_on)
                ),
            ));
        }
        let reason = text("reason", &input.reason, 200)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::end(&mut tx, id, ended_on, &reason, actor.user_id, now).await? {
            return Err(ServiceError::Conflict {
                code: "sharing_not_confirmed",
                message: "只有已确认的共享用工可以提前结束".into(),
            });
        }
        let other = if side == "lender" {
            r.borrower_id
        } else {
            r.lender_id
        };
        if let Some(e) = market_repo::employer(&self.db, other).await? {
            notices::insert_notice(
                &mut tx,
                &employer_notice(
                    &e,
                    "sharing_ended",
                    format!("共享用工提前于{ended_on}结束：{reason}"),
                    format!("/employer/sharing/{id}"),
                    format!("sharing_ended:{id}"),
                    now,
                ),
            )
            .await?;
        }
        for w in repo::workers(&self.db, id).await? {
            notices::insert_notice(
                &mut tx,
                &NoticeRow::to_worker(
                    w.person_id,
                    w.county_code.clone(),
                    "sharing_ended",
                    format!("您的共享用工安排提前于{ended_on}结束，之后回原单位工作"),
                    "/work/hires",
                    format!("sharing_ended:{id}:{}", w.hire_id),
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
            Event::new("sharing_ended", "shared_employment", id)
                .region(if side == "lender" {
                    r.lender_county.clone()
                } else {
                    r.borrower_county.clone()
                })
                .detail(json!({"ended_on": ended_on, "reason": reason})),
        )
        .await?;
        tx.commit().await?;
        let r = repo::get(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.shared_view(&r, &side).await
    }

    /// One arrangement, for its lender, borrower, workers lent and the staff of either region.
    pub async fn get_sharing(&self, actor: &Actor, id: Uuid) -> Result<SharedView> {
        let (r, side) = self.shared_for(actor, id, "read").await?;
        self.shared_view(&r, &side).await
    }

    /// The caller's arrangements: an employer's as lender or borrower, a worker's as lent,
    /// staff's with either employer in their region.
    pub async fn sharings(&self, actor: &Actor) -> Result<Vec<SharedView>> {
        let mut out = Vec::new();
        match actor.role {
            Role::Employer => {
                let e = self.employer_of(actor).await?;
                for r in repo::of_employer(&self.db, e.id).await? {
                    let side = if r.lender_id == e.id {
                        "lender"
                    } else {
                        "borrower"
                    };
                    out.push(self.shared_view(&r, side).await?);
                }
            }
            Role::Staff => {
                let prefix = actor
                    .person_scope_prefix()
                    .ok_or_else(ServiceError::forbidden)?;
                for r in repo::in_region(&self.db, &prefix).await? {
                    out.push(self.shared_view(&r, "staff").await?);
                }
            }
            Role::Worker => {
                let pid = actor.person_id.ok_or_else(ServiceError::forbidden)?;
                for r in repo::of_person(&self.db, pid).await? {
                    out.push(self.shared_view(&r, "worker").await?);
                }
            }
            _ => return Err(ServiceError::forbidden()),
        }
        Ok(out)
    }
}
