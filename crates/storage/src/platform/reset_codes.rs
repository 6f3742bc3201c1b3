//! One-time password-reset codes: only a keyed hash of each code is stored; a code lives ten
//! minutes and allows a few tries (see `linghuo_service::auth` password reset).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResetCodeRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub code_hash: Vec<u8>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub tries: i64,
    pub used_at: Option<DateTime<Utc>>,
}

pub async fn insert(tx: &mut Tx, r: &ResetCodeRow) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO reset_codes (id, user_id, code_hash, created_at, expires_at, tries, used_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7)"
    )
    .bind(r.id)
    .bind(r.user_id)
    .bind(&r.code_hash)
    .bind(r.created_at)
    .bind(r.expires_at)
    .bind(r.tries)
    .bind(r.used_at)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Codes of a user created since `since` (used or not), for the per-account limit.
pub async fn count_since(db: &Db, user_id: Uuid, since: DateTime<Utc>) -> Result<i64> {
    let n: i64 = on_pool!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM reset_codes WHERE user_id = $1 AND created_at >= $2"
    )
    .bind(user_id)
    .bind(since)
    .fetch_one(p)
    .await)?;
    Ok(n)
}

/// The user's codes that may still be used at `now` (unused, unexpired), newest first.
pub async fn live_for_user(
    tx: &mut Tx,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<ResetCodeRow>> {
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, ResetCodeRow>(
        "SELECT id, user_id, code_hash, created_at, expires_at, tries, used_at FROM reset_codes \
         WHERE user_id = $1 AND used_at IS NULL AND expires_at > $2 ORDER BY created_at DESC"
    )
    .bind(user_id)
    .bind(now)
    .fetch_all(c)
    .await)?)
}

pub async fn add_try(tx: &mut Tx, id: Uuid) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE reset_codes SET tries = tries + 1 WHERE id = $1"
    )
    .bind(id)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Marks every live code of the user used (the one that matched and any older ones).
pub async fn use_all(tx: &mut Tx, user_id: Uuid, at: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE reset_codes SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL"
    )
    .bind(user_id)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Codes that expired before `before` go (housekeeping).
pub async fn purge(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    Ok(on_pool!(db, |p| sqlx::query(
        "DELETE FROM reset_codes WHERE expires_at < $1"
    )
    .bind(before)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?)
}
