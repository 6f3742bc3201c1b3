//! Login throttling state, keyed by a keyed hash (of the submitted user name, of the name and
//! the client address, or of an account id) so unknown and known names are treated alike (no
//! user enumeration) and no name or address is stored in clear. The service decides what a
//! row means: failures and a pause per (address, name), a slow back-off per name, an address
//! an account has logged in from (`locked_until` is then how long it is remembered), or the
//! second-factor lock of an account.

use chrono::{DateTime, Utc};

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ThrottleRow {
    pub subject: Vec<u8>,
    pub consecutive_failures: i64,
    pub locked_until: Option<DateTime<Utc>>,
    pub window_start: DateTime<Utc>,
    pub window_attempts: i64,
}

/// Reads the row for update inside a write transaction (SQLite holds the write lock already;
/// PostgreSQL locks the row).
pub async fn get(tx: &mut Tx, subject: &[u8]) -> Result<Option<ThrottleRow>> {
    Ok(match tx {
        Tx::Sqlite(t) => sqlx::query_as::<_, ThrottleRow>(
            "SELECT subject, consecutive_failures, locked_until, window_start, window_attempts FROM login_throttle WHERE subject = $1",
        )
        .bind(subject)
        .fetch_optional(&mut **t)
        .await?,
        Tx::Postgres(t) => sqlx::query_as::<_, ThrottleRow>(
            "SELECT subject, consecutive_failures, locked_until, window_start, window_attempts FROM login_throttle WHERE subject = $1 FOR UPDATE",
        )
        .bind(subject)
        .fetch_optional(&mut **t)
        .await?,
    })
}

pub async fn put(tx: &mut Tx, r: &ThrottleRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO login_throttle (subject, consecutive_failures, locked_until, window_start, window_attempts) \
         VALUES ($1,$2,$3,$4,$5) ON CONFLICT (subject) DO UPDATE SET consecutive_failures = $2, locked_until = $3, \
         window_start = $4, window_attempts = $5"
    )
    .bind(&r.subject)
    .bind(r.consecutive_failures)
    .bind(r.locked_until)
    .bind(r.window_start)
    .bind(r.window_attempts)
    .execute(c)
    .await.map(|_| ())
    })?;
    Ok(())
}

pub async fn clear(tx: &mut Tx, subject: &[u8]) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM login_throttle WHERE subject = $1"
    )
    .bind(subject)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Forgets rows with nothing left to say: no lock or remembered address running past
/// `before`, and no attempt counted since `before` (housekeeping).
pub async fn purge_stale(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    Ok(on_pool!(db, |p| {
        sqlx::query(
        "DELETE FROM login_throttle WHERE (locked_until IS NULL OR locked_until < $1) AND window_start < $1"
    )
    .bind(before)
    .execute(p)
    .await
    .map(|r| r.rows_affected())
    })?)
}
