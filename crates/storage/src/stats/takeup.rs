//! Take-up snapshots (migration 0027_takeup_snapshots): one screening run over the registered
//! population as of a day, stored per county and benefit as counts and amounts in fen, which
//! the take-up page reads instead of deciding everyone on request.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

/// One run.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SnapshotRow {
    pub id: Uuid,
    pub as_of: NaiveDate,
    /// running | done | failed
    pub status: String,
    /// daily | staff | cli
    pub origin: String,
    pub requested_by: Option<Uuid>,
    pub started_at: DateTime<Utc>,
    pub heartbeat_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub persons: i64,
    pub parameters_sha256: String,
    pub note: String,
}

/// One county and benefit of a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SnapshotCell {
    pub county_code: String,
    pub benefit: String,
    pub eligible: i64,
    pub eligible_fen: i64,
    pub paid: i64,
    pub paid_fen: i64,
}

macro_rules! select_snapshots {
    ($tail:literal) => {
        concat!(
            "SELECT id, as_of, status, origin, requested_by, started_at, heartbeat_at, finished_at, \
             persons, parameters_sha256, note FROM takeup_snapshots ",
            $tail
        )
    };
}

/// Starts a run: first marks a run whose heartbeat is older than `stale_before` failed (its
/// server stopped), then inserts `row` as the one running run. False when another run is
/// still going (nothing written).
pub async fn claim(tx: &mut Tx, row: &SnapshotRow, stale_before: DateTime<Utc>) -> Result<bool> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE takeup_snapshots SET status = 'failed', note = $1 \
         WHERE status = 'running' AND heartbeat_at < $2"
    )
    .bind("运行中断（服务器停止或重启），未完成")
    .bind(stale_before)
    .execute(c)
    .await
    .map(|_| ()))?;
    let n = on_tx!(tx, |c| sqlx::query(
        "INSERT INTO takeup_snapshots (id, as_of, status, origin, requested_by, started_at, \
         heartbeat_at, finished_at, persons, parameters_sha256, note) \
         VALUES ($1,$2,'running',$3,$4,$5,$6,NULL,0,$7,'') ON CONFLICT DO NOTHING"
    )
    .bind(row.id)
    .bind(row.as_of)
    .bind(&row.origin)
    .bind(row.requested_by)
    .bind(row.started_at)
    .bind(row.heartbeat_at)
    .bind(&row.parameters_sha256)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// A running run is alive: `persons` decided so far.
pub async fn heartbeat(db: &Db, id: Uuid, persons: i64, at: DateTime<Utc>) -> Result<()> {
    on_pool!(db, |p| {
        sqlx::query(
        "UPDATE takeup_snapshots SET heartbeat_at = $1, persons = $2 WHERE id = $3 AND status = 'running'"
    )
    .bind(at)
    .bind(persons)
    .bind(id)
    .execute(p)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// Finishes a run with its rows; false when it is no longer running (marked failed as stale
/// meanwhile: nothing written).
pub async fn finish(
    tx: &mut Tx,
    id: Uuid,
    counties: &[(String, i64)],
    cells: &[SnapshotCell],
    parameters_sha256: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let persons: i64 = counties.iter().map(|(_, n)| n).sum();
    let n = on_tx!(tx, |c| sqlx::query(
        "UPDATE takeup_snapshots SET status = 'done', finished_at = $1, heartbeat_at = $1, \
         persons = $2, parameters_sha256 = $3 WHERE id = $4 AND status = 'running'"
    )
    .bind(at)
    .bind(persons)
    .bind(parameters_sha256)
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    if n != 1 {
        return Ok(false);
    }
    for (county, n) in counties {
        on_tx!(tx, |c| {
            sqlx::query(
            "INSERT INTO takeup_snapshot_counties (snapshot_id, county_code, persons) VALUES ($1,$2,$3)"
        )
        .bind(id)
        .bind(county)
        .bind(n)
        .execute(c)
        .await
        .map(|_| ())
        })?;
    }
    for r in cells {
        on_tx!(tx, |c| sqlx::query(
            "INSERT INTO takeup_snapshot_rows (snapshot_id, county_code, benefit, eligible, \
             eligible_fen, paid, paid_fen) VALUES ($1,$2,$3,$4,$5,$6,$7)"
        )
        .bind(id)
        .bind(&r.county_code)
        .bind(&r.benefit)
        .bind(r.eligible)
        .bind(r.eligible_fen)
        .bind(r.paid)
        .bind(r.paid_fen)
        .execute(c)
        .await
        .map(|_| ()))?;
    }
    Ok(true)
}

/// Marks a running run failed with a note (in Chinese, shown to province staff).
pub async fn fail(db: &Db, id: Uuid, note: &str, at: DateTime<Utc>) -> Result<()> {
    on_pool!(db, |p| sqlx::query(
        "UPDATE takeup_snapshots SET status = 'failed', note = $1, finished_at = $2 \
         WHERE id = $3 AND status = 'running'"
    )
    .bind(note)
    .bind(at)
    .bind(id)
    .execute(p)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Deletes the finished and failed runs that started before `before` (their rows go with
/// them), keeping the newest finished one whatever its age.
pub async fn prune(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64> {
    Ok(on_tx!(tx, |c| sqlx::query(
        "DELETE FROM takeup_snapshots WHERE status <> 'running' AND started_at < $1 \
         AND id NOT IN (SELECT id FROM takeup_snapshots WHERE status = 'done' \
         ORDER BY finished_at DESC LIMIT 1)"
    )
    .bind(before)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?)
}

pub async fn snapshot(db: &Db, id: Uuid) -> Result<Option<SnapshotRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, SnapshotRow>(
        select_snapshots!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// The newest finished run.
pub async fn latest_done(db: &Db) -> Result<Option<SnapshotRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, SnapshotRow>(
        select_snapshots!("WHERE status = 'done' ORDER BY finished_at DESC, id LIMIT 1")
    )
    .fetch_optional(p)
    .await)?)
}

/// The newest run of any status (running, finished or failed).
pub async fn latest(db: &Db) -> Result<Option<SnapshotRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, SnapshotRow>(
        select_snapshots!("ORDER BY started_at DESC, id LIMIT 1")
    )
    .fetch_optional(p)
    .await)?)
}

/// The cells of a snapshot in the counties under `prefix`, by county and benefit.
pub async fn cells(db: &Db, id: Uuid, prefix: &str) -> Result<Vec<SnapshotCell>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, SnapshotCell>(
        "SELECT county_code, benefit, eligible, eligible_fen, paid, paid_fen FROM takeup_snapshot_rows \
         WHERE snapshot_id = $1 AND county_code LIKE $2 ORDER BY county_code, benefit"
    )
    .bind(id)
    .bind(&like)
    .fetch_all(p)
    .await
    })?)
}

/// Registered people decided per county under `prefix`.
pub async fn counties(db: &Db, id: Uuid, prefix: &str) -> Result<Vec<(String, i64)>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (String, i64)>(
        "SELECT county_code, persons FROM takeup_snapshot_counties \
         WHERE snapshot_id = $1 AND county_code LIKE $2 ORDER BY county_code"
    )
    .bind(id)
    .bind(&like)
    .fetch_all(p)
    .await)?)
}
