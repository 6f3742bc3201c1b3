//! Notices (消息): what the platform tells a worker, an employer or a region's staff — a
//! hire, a pay reminder, a decision, a complaint's progress, a 免申即享 find. Written in the
//! transaction of the change they report, at most once per `dedupe_key`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NoticeRow {
    pub id: Uuid,
    pub audience: String,
    pub person_id: Option<Uuid>,
    pub employer_id: Option<Uuid>,
    pub region_code: String,
    pub kind: String,
    pub message: String,
    pub link: String,
    pub dedupe_key: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl NoticeRow {
    /// A notice to a worker (a person), about something in `region_code`, not yet read.
    pub fn to_worker(
        person_id: Uuid,
        region_code: impl Into<String>,
        kind: &str,
        message: impl Into<String>,
        link: impl Into<String>,
        dedupe_key: impl Into<String>,
        at: DateTime<Utc>,
    ) -> NoticeRow {
        NoticeRow {
            id: Uuid::new_v4(),
            audience: "worker".into(),
            person_id: Some(person_id),
            employer_id: None,
            region_code: region_code.into(),
            kind: kind.into(),
            message: message.into(),
            link: link.into(),
            dedupe_key: dedupe_key.into(),
            created_at: at,
            read_at: None,
        }
    }
}

/// The kinds of notice that matter enough to repeat by SMS where the owner allowed it
/// (issue 16 item 7): a 免申即享 find, a decision, a payment sent or failed, overdue pay and
/// a complaint's progress or hearing (its deadlines).
pub const SMS_KINDS: &[&str] = &[
    "eligible",
    "benefit_approved",
    "benefit_rejected",
    "relief_decided",
    "stall_decided",
    "payment_paid",
    "payment_failed",
    "pay_overdue",
    "complaint_progress",
    "mediation_session",
];

/// Inserts a notice unless one with the same `dedupe_key` exists; true when inserted. A
/// notice of a kind in `SMS_KINDS` for a worker or an employer is also queued in the SMS
/// outbox, in the same transaction, when the owner of the account allowed SMS notices.
pub async fn insert_notice(tx: &mut Tx, n: &NoticeRow) -> Result<bool> {
    let r = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO notices (id, audience, person_id, employer_id, region_code, kind, message, link, dedupe_key, created_at, read_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (dedupe_key) DO NOTHING"
    )
    .bind(n.id)
    .bind(&n.audience)
    .bind(n.person_id)
    .bind(n.employer_id)
    .bind(&n.region_code)
    .bind(&n.kind)
    .bind(&n.message)
    .bind(&n.link)
    .bind(&n.dedupe_key)
    .bind(n.created_at)
    .bind(n.read_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if r == 1
        && SMS_KINDS.contains(&n.kind.as_str())
        && matches!(n.audience.as_str(), "worker" | "employer")
    {
        crate::platform::sms_outbox::enqueue_for(
            tx,
            n.person_id.filter(|_| n.audience == "worker"),
            n.employer_id.filter(|_| n.audience == "employer"),
            n.id,
            &n.kind,
            &n.message,
            n.created_at,
        )
        .await?;
    }
    Ok(r == 1)
}

macro_rules! select_notices {
    ($tail:literal) => {
        concat!(
            "SELECT id, audience, person_id, employer_id, region_code, kind, message, link, dedupe_key, created_at, read_at FROM notices ",
            $tail
        )
    };
}

/// The newest notices for a worker, an employer or the staff of a region prefix.
pub async fn notices_for(
    db: &Db,
    audience: &str,
    person_id: Option<Uuid>,
    employer_id: Option<Uuid>,
    region_prefix: &str,
    limit: i64,
) -> Result<Vec<NoticeRow>> {
    let pattern = format!("{region_prefix}%");
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, NoticeRow>(select_notices!(
        "WHERE audience = $1 AND ($2 IS NULL OR person_id = $2) AND ($3 IS NULL OR employer_id = $3) \
         AND region_code LIKE $4 ORDER BY created_at DESC LIMIT $5"
    ))
    .bind(audience)
    .bind(person_id)
    .bind(employer_id)
    .bind(&pattern)
    .bind(limit)
    .fetch_all(p)
    .await
    })?)
}

pub async fn mark_notice_read(tx: &mut Tx, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(
        "UPDATE notices SET read_at = $2 WHERE id = $1 AND read_at IS NULL"
    )
    .bind(id)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn notice(db: &Db, id: Uuid) -> Result<Option<NoticeRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, NoticeRow>(
        select_notices!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}
