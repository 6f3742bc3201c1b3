//! The append-only audit log. Rows are appended inside the caller's transaction, so no change
//! commits without its audit row; the chain head row serialises appenders so the chain order is
//! the commit order. Hashing is the caller's (service) business: this module stores what it is
//! given and reads rows back in order for verification.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: String,
    pub actor_role: String,
    pub event_type: String,
    pub outcome: String,
    pub object_type: String,
    pub object_id: String,
    pub region_code: String,
    pub ip: String,
    pub request_id: String,
    pub detail: String,
    pub prev_hash: Vec<u8>,
    pub hash: Vec<u8>,
}

/// Locks the chain head and returns (last seq, last hash).
pub async fn lock_head(tx: &mut Tx) -> Result<(i64, Vec<u8>)> {
    // A no-op update takes the row lock on PostgreSQL; SQLite already holds the write lock.
    on_tx!(tx, |c| sqlx::query(
        "UPDATE audit_head SET seq = seq WHERE id = 1"
    )
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(on_tx!(tx, |c| sqlx::query_as(
        "SELECT seq, hash FROM audit_head WHERE id = 1"
    )
    .fetch_one(c)
    .await)?)
}

/// Appends a row whose `seq`, `prev_hash` and `hash` the caller computed from [`lock_head`].
pub async fn append(tx: &mut Tx, r: &AuditRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_role, event_type, outcome, object_type, object_id, \
         region_code, ip, request_id, detail, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)"
    )
    .bind(r.seq)
    .bind(r.at)
    .bind(r.actor_id)
    .bind(&r.actor_name)
    .bind(&r.actor_role)
    .bind(&r.event_type)
    .bind(&r.outcome)
    .bind(&r.object_type)
    .bind(&r.object_id)
    .bind(&r.region_code)
    .bind(&r.ip)
    .bind(&r.request_id)
    .bind(&r.detail)
    .bind(&r.prev_hash)
    .bind(&r.hash)
    .execute(c)
    .await.map(|_| ())
    })?;
    on_tx!(tx, |c| sqlx::query(
        "UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1"
    )
    .bind(r.seq)
    .bind(&r.hash)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

macro_rules! select_audit {
    ($tail:literal) => {
        concat!(
            "SELECT seq, at, actor_id, actor_name, actor_role, event_type, outcome, object_type, object_id, region_code, \
             ip, request_id, detail, prev_hash, hash FROM audit_log ",
            $tail
        )
    };
}

/// Rows with `seq > after`, in order, at most `limit`.
pub async fn page(db: &Db, after: i64, limit: i64) -> Result<Vec<AuditRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, AuditRow>(
        select_audit!("WHERE seq > $1 ORDER BY seq LIMIT $2")
    )
    .bind(after)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// Newest rows first, optionally of one event type.
pub async fn recent(db: &Db, event_type: Option<&str>, limit: i64) -> Result<Vec<AuditRow>> {
    Ok(match event_type {
        Some(e) => on_pool!(db, |p| sqlx::query_as::<_, AuditRow>(select_audit!(
            "WHERE event_type = $1 ORDER BY seq DESC LIMIT $2"
        ))
        .bind(e)
        .bind(limit)
        .fetch_all(p)
        .await)?,
        None => on_pool!(db, |p| sqlx::query_as::<_, AuditRow>(select_audit!(
            "ORDER BY seq DESC LIMIT $1"
        ))
        .bind(limit)
        .fetch_all(p)
        .await)?,
    })
}

pub async fn head(db: &Db) -> Result<(i64, Vec<u8>)> {
    Ok(on_pool!(db, |p| sqlx::query_as(
        "SELECT seq, hash FROM audit_head WHERE id = 1"
    )
    .fetch_one(p)
    .await)?)
}

pub async fn count_for_object(db: &Db, object_type: &str, object_id: &str) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE object_type = $1 AND object_id = $2"
    )
    .bind(object_type)
    .bind(object_id)
    .fetch_one(p)
    .await)?)
}

/// The stored hash of row `seq`, if that row exists (checked against an external anchor).
pub async fn hash_at(db: &Db, seq: i64) -> Result<Option<Vec<u8>>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar(
        "SELECT hash FROM audit_log WHERE seq = $1"
    )
    .bind(seq)
    .fetch_optional(p)
    .await)?)
}
