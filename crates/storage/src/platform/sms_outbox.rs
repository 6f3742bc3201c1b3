//! The outbox of SMS notices: a row is written in the transaction of the in-site notice it
//! repeats (so a notice is never sent without being recorded, nor recorded without being
//! queued), and the server's sender delivers it with retries and back-off.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub notice_id: Uuid,
    pub kind: String,
    pub message: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

macro_rules! select_outbox {
    ($tail:literal) => {
        concat!(
            "SELECT id, user_id, notice_id, kind, message, status, attempts, next_attempt_at, \
             last_error, created_at, sent_at FROM sms_outbox ",
            $tail
        )
    };
}

/// Queues the SMS of a notice for the account of `person_id` (a worker) or `employer_id`
/// (an employer) whose owner allowed SMS notices; nothing when no such account exists.
pub async fn enqueue_for(
    tx: &mut Tx,
    person_id: Option<Uuid>,
    employer_id: Option<Uuid>,
    notice_id: Uuid,
    kind: &str,
    message: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let user: Option<Uuid> = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM users WHERE sms_consent AND NOT disabled AND \
         (($1 IS NOT NULL AND person_id = $1) OR ($2 IS NOT NULL AND employer_id = $2)) \
         ORDER BY created_at, id LIMIT 1"
    )
    .bind(person_id)
    .bind(employer_id)
    .fetch_optional(c)
    .await)?;
    let Some(user) = user else {
        return Ok(false);
    };
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO sms_outbox (id, user_id, notice_id, kind, message, status, attempts, \
         next_attempt_at, last_error, created_at, sent_at) \
         VALUES ($1,$2,$3,$4,$5,'pending',0,$6,'',$6,NULL) ON CONFLICT (notice_id) DO NOTHING"
    )
    .bind(Uuid::new_v4())
    .bind(user)
    .bind(notice_id)
    .bind(kind)
    .bind(message)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(true)
}

/// Pending messages due at `now`, oldest first.
pub async fn due(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<OutboxRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, OutboxRow>(select_outbox!(
        "WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2"
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(p)
    .await
    })?)
}

/// Takes a due message for one attempt: moves its next attempt to `lease_until` only if no
/// other sender did so first (two servers never send the same message at once).
pub async fn claim(
    db: &Db,
    id: Uuid,
    seen_next: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<bool> {
    let n = on_pool!(db, |p| sqlx::query(
        "UPDATE sms_outbox SET next_attempt_at = $3 \
         WHERE id = $1 AND status = 'pending' AND next_attempt_at = $2"
    )
    .bind(id)
    .bind(seen_next)
    .bind(lease_until)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn mark_sent(db: &Db, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    on_pool!(db, |p| {
        sqlx::query(
        "UPDATE sms_outbox SET status = 'sent', attempts = attempts + 1, sent_at = $2, last_error = '' \
         WHERE id = $1 AND status = 'pending'"
    )
    .bind(id)
    .bind(at)
    .execute(p)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// A failed attempt: counted, with its error, and tried again at `next`.
pub async fn mark_failed(db: &Db, id: Uuid, error: &str, next: DateTime<Utc>) -> Result<()> {
    on_pool!(db, |p| sqlx::query(
        "UPDATE sms_outbox SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3 \
         WHERE id = $1 AND status = 'pending'"
    )
    .bind(id)
    .bind(error)
    .bind(next)
    .execute(p)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Nothing to send to any more (no phone, or the owner withdrew consent): kept, not sent.
pub async fn mark_dropped(db: &Db, id: Uuid, why: &str) -> Result<()> {
    on_pool!(db, |p| {
        sqlx::query(
        "UPDATE sms_outbox SET status = 'dropped', last_error = $2 WHERE id = $1 AND status = 'pending'"
    )
    .bind(id)
    .bind(why)
    .execute(p)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// Counts by status, and the oldest pending message's creation time.
pub async fn summary(db: &Db) -> Result<(Vec<(String, i64)>, Option<DateTime<Utc>>)> {
    let counts: Vec<(String, i64)> = on_pool!(db, |p| sqlx::query_as(
        "SELECT status, COUNT(*) FROM sms_outbox GROUP BY status ORDER BY status"
    )
    .fetch_all(p)
    .await)?;
    let oldest: Option<DateTime<Utc>> = on_pool!(db, |p| sqlx::query_scalar(
        "SELECT MIN(created_at) FROM sms_outbox WHERE status = 'pending'"
    )
    .fetch_one(p)
    .await)?;
    Ok((counts, oldest))
}

/// The messages of one notice (tests and the CLI).
pub async fn for_user(db: &Db, user_id: Uuid) -> Result<Vec<OutboxRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, OutboxRow>(
        select_outbox!("WHERE user_id = $1 ORDER BY created_at, id")
    )
    .bind(user_id)
    .fetch_all(p)
    .await)?)
}
