//! Server-side sessions. Only a hash of the token is stored: a leaked table cannot be replayed.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub token_hash: Vec<u8>,
    pub user_id: Option<Uuid>,
    pub stage: String,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub authenticated_at: Option<DateTime<Utc>>,
    pub last_seen_at: DateTime<Utc>,
    pub ip: String,
}

pub async fn insert(tx: &mut Tx, s: &SessionRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, stage, csrf_token, created_at, authenticated_at, last_seen_at, ip) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
    )
    .bind(&s.token_hash)
    .bind(s.user_id)
    .bind(&s.stage)
    .bind(&s.csrf_token)
    .bind(s.created_at)
    .bind(s.authenticated_at)
    .bind(s.last_seen_at)
    .bind(&s.ip)
    .execute(c)
    .await.map(|_| ())
    })?;
    Ok(())
}

pub async fn get(db: &Db, token_hash: &[u8]) -> Result<Option<SessionRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, SessionRow>(
        "SELECT token_hash, user_id, stage, csrf_token, created_at, authenticated_at, last_seen_at, ip \
         FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .fetch_optional(p)
    .await
    })?)
}

/// Moves the idle clock forward. Skipped by callers when the last touch is recent, to keep
/// reads from turning into writes on every request.
pub async fn touch(db: &Db, token_hash: &[u8], at: DateTime<Utc>) -> Result<()> {
    on_pool!(db, |p| sqlx::query(
        "UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1"
    )
    .bind(token_hash)
    .bind(at)
    .execute(p)
    .await
    .map(|_| ()))?;
    Ok(())
}

pub async fn delete(tx: &mut Tx, token_hash: &[u8]) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM sessions WHERE token_hash = $1"
    )
    .bind(token_hash)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Ends every session of a user (disabled account, changed password, changed role).
pub async fn delete_for_user(tx: &mut Tx, user_id: Uuid) -> Result<u64> {
    Ok(on_tx!(tx, |c| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1"
    )
    .bind(user_id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?)
}

/// Removes sessions idle since before `idle_before` or created before `created_before`.
pub async fn purge_expired(
    db: &Db,
    idle_before: DateTime<Utc>,
    created_before: DateTime<Utc>,
) -> Result<u64> {
    Ok(on_pool!(db, |p| sqlx::query(
        "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2"
    )
    .bind(idle_before)
    .bind(created_before)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?)
}

/// Records a fresh proof of password and second factor on an active session (step-up, A9).
pub async fn set_authenticated_at(
    tx: &mut Tx,
    token_hash: &[u8],
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(
        "UPDATE sessions SET authenticated_at = $2 WHERE token_hash = $1 AND stage = 'active'"
    )
    .bind(token_hash)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
