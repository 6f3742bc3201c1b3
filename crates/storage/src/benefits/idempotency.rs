//! Idempotency keys: a request repeated gets the first answer.

use super::*;

/// A stored request: (request hash, status, body) — status and body are None while in flight.
pub type StoredRequest = (String, Option<i32>, Option<String>);

/// Claims `(principal, key)` for this transaction. None when the key is new (claimed now);
/// otherwise the stored request. On PostgreSQL a concurrent claimer waits for the first
/// transaction to finish; on SQLite writers are serialised by `BEGIN IMMEDIATE`.
pub async fn claim_idempotency_key(
    tx: &mut Tx,
    principal: Uuid,
    key: &str,
    request_hash: &str,
    at: DateTime<Utc>,
) -> Result<Option<StoredRequest>> {
    let inserted = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO idempotency_keys (principal, key, request_hash, response_status, response_body, created_at) \
         VALUES ($1,$2,$3,NULL,NULL,$4) ON CONFLICT (principal, key) DO NOTHING"
    )
    .bind(principal)
    .bind(key)
    .bind(request_hash)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if inserted == 1 {
        return Ok(None);
    }
    Ok(on_tx!(tx, |c| {
        sqlx::query_as::<_, StoredRequest>(
        "SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE principal = $1 AND key = $2"
    )
    .bind(principal)
    .bind(key)
    .fetch_optional(c)
    .await
    })?)
}

pub async fn store_idempotent_response(
    tx: &mut Tx,
    principal: Uuid,
    key: &str,
    status: i32,
    body: &str,
) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE idempotency_keys SET response_status = $3, response_body = $4 WHERE principal = $1 AND key = $2"
    )
    .bind(principal)
    .bind(key)
    .bind(status)
    .bind(body)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}
