//! 档案管理 (四(九)): personnel archives of flexible workers kept free of charge by the county.
//! Each archive has a number per county and year (county code + year + five-digit sequence),
//! a status (received → in_store → lent_out ↔ in_store → transferred_out), a place in the
//! store and a movement log; every movement is audited. Workers see where their archive is
//! and its log, without staff names.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use linghuo_storage::persons;
use linghuo_storage::services::{self as repo, ArchiveRow, MovementRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::events::{conflict_of, county_name, date, label, opt_text, staff_prefix, text};

pub const ARCHIVE_STATUSES: &[(&str, &str)] = &[
    ("received", "已接收（待入库）"),
    ("in_store", "在库"),
    ("lent_out", "借出"),
    ("transferred_out", "已转出"),
];

pub const MOVEMENT_KINDS: &[(&str, &str)] = &[
    ("receipt", "接收"),
    ("transfer_in", "转入"),
    ("store", "入库"),
    ("lend", "借出"),
    ("return", "归还"),
    ("transfer_out", "转出"),
];

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReceiveInput {
    /// The person (found through the person search of the caller's region).
    pub person_id: Uuid,
    /// YYYY-MM-DD.
    pub received_on: String,
    /// Where the archive came from (school, former employer, another office); empty for a
    /// first receipt.
    #[serde(default)]
    pub received_from: Option<String>,
    /// Room/cabinet/shelf; when given the archive goes straight into the store.
    #[serde(default)]
    pub location: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ArchiveAction {
    /// store, lend, return or transfer_out.
    pub action: String,
    /// store / return: room/cabinet/shelf.
    #[serde(default)]
    pub location: Option<String>,
    /// lend: who borrows it.
    #[serde(default)]
    pub borrower: Option<String>,
    /// lend: YYYY-MM-DD.
    #[serde(default)]
    pub due_on: Option<String>,
    /// transfer_out: where it goes.
    #[serde(default)]
    pub destination: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct MovementView {
    pub kind: String,
    pub kind_label: &'static str,
    pub detail: String,
    pub due_on: Option<NaiveDate>,
    pub at: DateTime<Utc>,
    /// Staff only.
    pub by: Option<String>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ArchiveView {
    pub id: Uuid,
    pub archive_no: String,
    pub person_id: Uuid,
    /// Masked.
    pub person_name: String,
    pub county_code: String,
    pub county_name: String,
    pub status: String,
    pub status_label: &'static str,
    pub location: String,
    pub received_on: NaiveDate,
    pub received_from: String,
    pub borrower: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub overdue: bool,
    pub movements: Vec<MovementView>,
}

impl Service {
    async fn archive_view(&self, a: &ArchiveRow, staff: bool) -> Result<ArchiveView> {
        let mut movements = Vec::new();
        for m in repo::movements(&self.db, a.id).await? {
            movements.push(MovementView {
                kind: m.kind.clone(),
                kind_label: label(MOVEMENT_KINDS, &m.kind),
                detail: if staff || m.kind != "lend" {
                    m.detail.clone()
                } else {
                    String::new()
                },
                due_on: m.due_on,
                at: m.at,
                by: if staff {
                    Some(self.user_display(m.by_user).await?)
                } else {
                    None
                },
            });
        }
        Ok(ArchiveView {
            id: a.id,
            archive_no: a.archive_no.clone(),
            person_id: a.person_id,
            person_name: self.masked_person_name(a.person_id).await?,
            county_code: a.county_code.clone(),
            county_name: county_name(&a.county_code),
            status: a.status.clone(),
            status_label: label(ARCHIVE_STATUSES, &a.status),
            location: a.location.clone(),
            received_on: a.received_on,
            received_from: a.received_from.clone(),
            borrower: if staff { a.borrower.clone() } else { None },
            due_on: a.due_on,
            overdue: a.status == "lent_out" && a.due_on.is_some_and(|d| d < self.clock.today_cst()),
            movements,
        })
    }

    async fn staff_archive(&self, actor: &Actor, id: Uuid, action: &str) -> Result<ArchiveRow> {
        actor.require_role(&[Role::Staff])?;
        match repo::archive(&self.db, id).await? {
            Some(a) if actor.may_see(&a.county_code, None) => Ok(a),
            _ => Err(self.deny(actor, "archive", id.to_string(), action).await),
        }
    }

    /// Staff receive a person's archive: it gets the county's next number and a log entry.
    pub async fn receive_archive(&self, actor: &Actor, input: ReceiveInput) -> Result<ArchiveView> {
        actor.require_role(&[Role::Staff])?;
        let p = match persons::by_id(&self.db, input.person_id).await? {
            Some(p) if actor.may_see(&p.jurisdiction_code, None) => p,
            _ => {
                return Err(ServiceError::invalid(
                    "person_id",
                    "person_unknown",
                    "请先在本辖区的人员中查找并选择此人",
                ));
            }
        };
        let received_on = date("received_on", &input.received_on)?;
        if received_on > self.clock.today_cst() {
            return Err(ServiceError::invalid(
                "received_on",
                "date_future",
                "接收日期不能晚于今天",
            ));
        }
        let from = opt_text("received_from", input.received_from.as_deref(), 100)?;
        let location = opt_text("location", input.location.as_deref(), 100)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let seq = repo::next_archive_seq(&mut tx, &p.jurisdiction_code, received_on.year() as i64)
            .await?;
        let row = ArchiveRow {
            id: Uuid::new_v4(),
            person_id: p.id,
            archive_no: format!("{}{}{:05}", p.jurisdiction_code, received_on.year(), seq),
            county_code: p.jurisdiction_code.clone(),
            status: if location.is_empty() {
                "received"
            } else {
                "in_store"
            }
            .into(),
            location: location.clone(),
            received_on,
            received_from: from.clone(),
            borrower: None,
            due_on: None,
            created_at: now,
            updated_at: now,
        };
        repo::insert_archive(&mut tx, &row)
            .await
            .map_err(|e| conflict_of(e, "archive_exists", "此人已有在本机构保管的档案"))?;
        let kind = if from.is_empty() {
            "receipt"
        } else {
            "transfer_in"
        };
        repo::insert_movement(
            &mut tx,
            &MovementRow {
                id: Uuid::new_v4(),
                archive_id: row.id,
                kind: kind.into(),
                detail: if from.is_empty() {
                    String::new()
                } else {
                    format!("来自：{from}")
                },
                due_on: None,
                by_user: Some(actor.user_id),
                at: now,
            },
        )
        .await?;
        if !location.is_empty() {
            repo::insert_movement(
                &mut tx,
                &MovementRow {
                    id: Uuid::new_v4(),
                    archive_id: row.id,
                    kind: "store".into(),
                    detail: format!("存放位置：{location}"),
                    due_on: None,
                    by_user: Some(actor.user_id),
                    at: now,
                },
            )
            .await?;
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("archive_received", "archive", row.id)
                .region(row.county_code.clone())
                .detail(json!({"archive_no": row.archive_no, "kind": kind})),
        )
        .await?;
        tx.commit().await?;
        self.archive_view(&row, true).await
    }

    /// Staff: archives of their region, optionally by (the start of) the archive number.
    pub async fn archives_in_region(
        &self,
        actor: &Actor,
        number: &str,
    ) -> Result<Vec<ArchiveView>> {
        let prefix = staff_prefix(actor)?;
        let n = number.trim();
        if n.chars().count() > 20 || !n.chars().all(|c| c.is_ascii_digit()) {
            return Err(ServiceError::invalid(
                "no",
                "archive_no",
                "档案编号只含数字，最多20位",
            ));
        }
        let mut out = Vec::new();
        for a in repo::archives_in_region(&self.db, &prefix, n).await? {
            out.push(self.archive_view(&a, true).await?);
        }
        Ok(out)
    }

    /// Staff: one page of their region's archives, newest first, optionally by (the start
    /// of) the archive number.
    pub async fn archives_page(
        &self,
        actor: &Actor,
        number: &str,
        q: &crate::paging::PageQuery,
    ) -> Result<crate::paging::Paged<ArchiveView>> {
        let prefix = staff_prefix(actor)?;
        let n = number.trim();
        if n.chars().count() > 20 || !n.chars().all(|c| c.is_ascii_digit()) {
            return Err(ServiceError::invalid(
                "no",
                "archive_no",
                "档案编号只含数字，最多20位",
            ));
        }
        let (rows, total) =
            repo::archives_in_region_page(&self.db, &prefix, n, q.limit(), q.offset()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for a in &rows {
            out.push(self.archive_view(a, true).await?);
        }
        Ok(crate::paging::Paged::new(out, q, total))
    }

    pub async fn get_archive(&self, actor: &Actor, id: Uuid) -> Result<ArchiveView> {
        let a = self.staff_archive(actor, id, "view").await?;
        self.archive_view(&a, true).await
    }

    /// Loans past their due date in the region.
    pub async fn overdue_archive_loans(&self, actor: &Actor) -> Result<Vec<ArchiveView>> {
        let prefix = staff_prefix(actor)?;
        let mut out = Vec::new();
        for a in repo::overdue_archives(&self.db, &prefix, self.clock.today_cst()).await? {
            out.push(self.archive_view(&a, true).await?);
        }
        Ok(out)
    }

    /// A movement: store, lend (borrower, due date), return, or transfer out (destination).
    pub async fn move_archive(
        &self,
        actor: &Actor,
        id: Uuid,
        input: ArchiveAction,
    ) -> Result<ArchiveView> {
        let a = self.staff_archive(actor, id, "move").await?;
        let today = self.clock.today_cst();
        // (allowed from-statuses, to-status, location, borrower, due, log detail)
        let (from, to, location, borrower, due, detail): (
            &[&str],
            &str,
            String,
            Option<String>,
            Option<NaiveDate>,
            String,
        ) = match input.action.trim() {
            "store" | "return" => {
                let loc = match input
                    .location
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    Some(l) => text("location", l, 100)?,
                    None if !a.location.is_empty() && input.action.trim() == "return" => {
                        a.location.clone()
                    }
                    None => text("location", "", 100)?,
                };
                let from: &[&str] = if input.action.trim() == "store" {
                    &["received", "in_store"]
                } else {
                    &["lent_out"]
                };
                (
                    from,
                    "in_store",
                    loc.clone(),
                    None,
                    None,
                    format!("存放位置：{loc}"),
                )
            }
            "lend" => {
                let b = text("borrower", input.borrower.as_deref().unwrap_or(""), 60)?;
                let d = date("due_on", input.due_on.as_deref().unwrap_or(""))?;
                if d < today {
                    return Err(ServiceError::invalid(
                        "due_on",
                        "date_past",
                        "归还日期不能早于今天",
                    ));
                }
                (
                    &["in_store"],
                    "lent_out",
                    a.location.clone(),
                    Some(b.clone()),
                    Some(d),
                    format!("借阅人：{b}"),
                )
            }
            "transfer_out" => {
                let dest = text(
                    "destination",
                    input.destination.as_deref().unwrap_or(""),
                    100,
                )?;
                (
                    &["received", "in_store"],
                    "transferred_out",
                    String::new(),
                    None,
                    None,
                    format!("转往：{dest}"),
                )
            }
            _ => {
                return Err(ServiceError::invalid(
                    "action",
                    "archive_action",
                    "请选择入库、借出、归还或转出",
                ));
            }
        };
        let action = input.action.trim().to_owned();
        if !from.contains(&a.status.as_str()) {
            return Err(ServiceError::Conflict {
                code: "archive_status",
                message: format!(
                    "档案当前为“{}”，不能办理此项",
                    label(ARCHIVE_STATUSES, &a.status)
                ),
            });
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        if !repo::move_archive(
            &mut tx,
            id,
            &a.status,
            to,
            &location,
            borrower.as_deref(),
            due,
            now,
        )
        .await?
        {
            return Err(ServiceError::Conflict {
                code: "stale",
                message: "档案状态已被他人修改，请刷新后重试".into(),
            });
        }
        repo::insert_movement(
            &mut tx,
            &MovementRow {
                id: Uuid::new_v4(),
                archive_id: id,
                kind: action.clone(),
                detail,
                due_on: due,
                by_user: Some(actor.user_id),
                at: now,
            },
        )
        .await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new(
                match action.as_str() {
                    "store" => "archive_stored",
                    "lend" => "archive_lent",
                    "return" => "archive_returned",
                    _ => "archive_transferred_out",
                },
                "archive",
                id,
            )
            .region(a.county_code.clone())
            .detail(json!({"from": a.status, "to": to})),
        )
        .await?;
        tx.commit().await?;
        let a = repo::archive(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        self.archive_view(&a, true).await
    }

    /// The worker's own archives: where each is and its log, without staff names.
    pub async fn my_archives(&self, actor: &Actor) -> Result<Vec<ArchiveView>> {
        actor.require_role(&[Role::Worker])?;
        let Some(person) = actor.person_id else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for a in repo::archives_of_person(&self.db, person).await? {
            out.push(self.archive_view(&a, false).await?);
        }
        Ok(out)
    }
}
