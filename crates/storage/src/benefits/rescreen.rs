//! The 免申即享 re-screening queue.

use super::*;

pub async fn enqueue_rescreen(tx: &mut Tx, person_id: Uuid, at: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO rescreen_queue (person_id, queued_at) VALUES ($1,$2) ON CONFLICT (person_id) DO NOTHING"
    )
    .bind(person_id)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// [`enqueue_rescreen`] for many persons in multi-row statements.
pub async fn enqueue_rescreen_many(tx: &mut Tx, persons: &[Uuid], at: DateTime<Utc>) -> Result<()> {
    let backend = tx.backend();
    for chunk in persons.chunks(BULK_CHUNK) {
        let sql = format!(
            "INSERT INTO rescreen_queue (person_id, queued_at) VALUES {} ON CONFLICT (person_id) DO NOTHING",
            values_list(backend, chunk.len(), 2)
        );
        on_tx!(tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for p in chunk {
                q = q.bind(*p).bind(at);
            }
            q.execute(c).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// Takes up to `limit` persons off the re-screening queue.
pub async fn take_rescreen(db: &Db, limit: i64) -> Result<Vec<Uuid>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, Uuid>(
        "DELETE FROM rescreen_queue WHERE person_id IN \
         (SELECT person_id FROM rescreen_queue ORDER BY queued_at LIMIT $1) RETURNING person_id"
    )
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// Remembers that a person was told of an eligibility; true the first time.
pub async fn mark_eligibility_seen(
    tx: &mut Tx,
    person_id: Uuid,
    benefit: &str,
    period: &str,
    amount_fen: i64,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO eligibility_seen (person_id, benefit, period, amount_fen, seen_at) VALUES ($1,$2,$3,$4,$5) \
         ON CONFLICT (person_id, benefit, period) DO NOTHING"
    )
    .bind(person_id)
    .bind(benefit)
    .bind(period)
    .bind(amount_fen)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Records that the person was told of an eligibility (the funnel's "notified" stage).
pub async fn mark_eligibility_notified(
    tx: &mut Tx,
    person_id: Uuid,
    benefit: &str,
    period: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE eligibility_seen SET notified_at = $4 \
             WHERE person_id = $1 AND benefit = $2 AND period = $3 AND notified_at IS NULL",
        )
        .bind(person_id)
        .bind(benefit)
        .bind(period)
        .bind(at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn eligibility_seen_count(db: &Db, prefix: &str) -> Result<Vec<(String, i64)>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (String, i64)>(
        "SELECT e.benefit, COUNT(*) FROM eligibility_seen e JOIN persons p ON p.id = e.person_id \
         WHERE p.jurisdiction_code LIKE $1 GROUP BY e.benefit ORDER BY e.benefit"
    )
    .bind(&like)
    .fetch_all(p)
    .await)?)
}
