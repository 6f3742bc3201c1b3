//! Proposed account changes awaiting a second administrator, and owner enrolment codes.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ChangeRow {
    pub id: Uuid,
    pub kind: String,
    pub target_username: String,
    pub target_user_id: Option<Uuid>,
    pub display_name: String,
    pub role: String,
    pub scope_code: Option<String>,
    pub permissions: String,
    pub contact_phone: Option<Vec<u8>>,
    pub reason: String,
    pub status: String,
    pub proposed_by: Uuid,
    pub proposed_by_role: String,
    pub proposed_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
}

macro_rules! select_changes {
    ($tail:literal) => {
        concat!(
            "SELECT id, kind, target_username, target_user_id, display_name, role, scope_code, \
             permissions, contact_phone, reason, status, proposed_by, proposed_by_role, proposed_at, \
             decided_by, decided_at, decision_note FROM account_changes ",
            $tail
        )
    };
}

/// Inserts a pending change; a second pending change for the same account is a conflict
/// (`account_changes_one_pending`).
pub async fn insert(tx: &mut Tx, c: &ChangeRow) -> Result<()> {
    on_tx!(tx, |conn| {
        sqlx::query(
        "INSERT INTO account_changes (id, kind, target_username, target_user_id, display_name, role, \
         scope_code, permissions, contact_phone, reason, status, proposed_by, proposed_by_role, proposed_at, \
         decided_by, decided_at, decision_note) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)"
    )
    .bind(c.id)
    .bind(&c.kind)
    .bind(&c.target_username)
    .bind(c.target_user_id)
    .bind(&c.display_name)
    .bind(&c.role)
    .bind(&c.scope_code)
    .bind(&c.permissions)
    .bind(&c.contact_phone)
    .bind(&c.reason)
    .bind(&c.status)
    .bind(c.proposed_by)
    .bind(&c.proposed_by_role)
    .bind(c.proposed_at)
    .bind(c.decided_by)
    .bind(c.decided_at)
    .bind(&c.decision_note)
    .execute(conn)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn get_tx(tx: &mut Tx, id: Uuid) -> Result<Option<ChangeRow>> {
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, ChangeRow>(
        select_changes!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(c)
    .await)?)
}

/// Pending changes first (oldest first), then the most recent decided ones.
pub async fn list(db: &Db, limit: i64) -> Result<Vec<ChangeRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ChangeRow>(
        select_changes!(
            "ORDER BY CASE WHEN status = 'pending' THEN 0 ELSE 1 END, \
         CASE WHEN status = 'pending' THEN proposed_at END ASC, proposed_at DESC LIMIT $1"
        )
    )
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// Moves a pending change to its final status; false when it was no longer pending (someone
/// else decided it first), so a change is decided exactly once. The sealed phone is cleared:
/// it is needed only until the enrolment code has gone out.
pub async fn decide(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    by: Option<Uuid>,
    at: DateTime<Utc>,
    note: &str,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE account_changes SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5, \
         contact_phone = NULL WHERE id = $1 AND status = 'pending'"
    )
    .bind(id)
    .bind(status)
    .bind(by)
    .bind(at)
    .bind(note)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Marks pending changes proposed before `before` as expired; returns their ids.
pub async fn expire(tx: &mut Tx, before: DateTime<Utc>, at: DateTime<Utc>) -> Result<Vec<Uuid>> {
    let ids: Vec<Uuid> = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM account_changes WHERE status = 'pending' AND proposed_at < $1"
    )
    .bind(before)
    .fetch_all(c)
    .await)?;
    for id in &ids {
        decide(tx, *id, "expired", None, at, "").await?;
    }
    Ok(ids)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EnrolmentRow {
    pub user_id: Uuid,
    pub code_hash: Vec<u8>,
    pub expires_at: DateTime<Utc>,
    pub failures: i64,
    pub pending_totp: Option<Vec<u8>>,
    pub created_at: DateTime<Utc>,
}

/// Replaces any earlier enrolment of the account: only the newest code works.
pub async fn put_enrolment(tx: &mut Tx, e: &EnrolmentRow) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM enrolments WHERE user_id = $1"
    )
    .bind(e.user_id)
    .execute(c)
    .await
    .map(|_| ()))?;
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO enrolments (user_id, code_hash, expires_at, failures, pending_totp, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6)"
    )
    .bind(e.user_id)
    .bind(&e.code_hash)
    .bind(e.expires_at)
    .bind(e.failures)
    .bind(&e.pending_totp)
    .bind(e.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn enrolment(tx: &mut Tx, user_id: Uuid) -> Result<Option<EnrolmentRow>> {
    Ok(match tx {
        Tx::Sqlite(t) => sqlx::query_as::<_, EnrolmentRow>(
            "SELECT user_id, code_hash, expires_at, failures, pending_totp, created_at FROM enrolments WHERE user_id = $1",
        )
        .bind(user_id)
        .fetch_optional(&mut **t)
        .await?,
        Tx::Postgres(t) => sqlx::query_as::<_, EnrolmentRow>(
            "SELECT user_id, code_hash, expires_at, failures, pending_totp, created_at FROM enrolments WHERE user_id = $1 FOR UPDATE",
        )
        .bind(user_id)
        .fetch_optional(&mut **t)
        .await?,
    })
}

pub async fn update_enrolment(
    tx: &mut Tx,
    user_id: Uuid,
    failures: i64,
    pending_totp: Option<&[u8]>,
) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE enrolments SET failures = $2, pending_totp = $3 WHERE user_id = $1"
    )
    .bind(user_id)
    .bind(failures)
    .bind(pending_totp)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

pub async fn delete_enrolment(tx: &mut Tx, user_id: Uuid) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM enrolments WHERE user_id = $1"
    )
    .bind(user_id)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}
