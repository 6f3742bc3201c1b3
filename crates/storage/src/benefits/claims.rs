//! Caps and exclusive claims: what a person may still be granted.

use super::*;

/// Creates the cap row for `key`, or raises its cap when a later grant brings a higher one
/// (a person who became 就业困难人员, a raised parameter); a cap is never lowered under what
/// was already used.
pub async fn ensure_cap(tx: &mut Tx, key: &str, cap: i64) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO benefit_caps (key, cap, used) VALUES ($1, $2, 0) ON CONFLICT (key) DO UPDATE \
         SET cap = CASE WHEN excluded.cap > benefit_caps.cap THEN excluded.cap ELSE benefit_caps.cap END"
    )
    .bind(key)
    .bind(cap)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// Uses `n` of the cap; the CHECK constraint refuses (Conflict) when it would pass it.
pub async fn use_cap(tx: &mut Tx, key: &str, n: i64) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE benefit_caps SET used = used + $2 WHERE key = $1"
    )
    .bind(key)
    .bind(n)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

pub async fn cap_used(db: &Db, key: &str) -> Result<Option<(i64, i64)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (i64, i64)>(
        "SELECT cap, used FROM benefit_caps WHERE key = $1"
    )
    .bind(key)
    .fetch_optional(p)
    .await)?)
}

/// Claims something that may be granted once; Conflict when already claimed.
pub async fn insert_claim(
    tx: &mut Tx,
    key: &str,
    application_id: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO benefit_claims (key, application_id, created_at) VALUES ($1,$2,$3)"
    )
    .bind(key)
    .bind(application_id)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Claim keys starting with `prefix` (e.g. the subsidised months of a person).
pub async fn claims_with_prefix(db: &Db, prefix: &str) -> Result<Vec<String>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT key FROM benefit_claims WHERE key LIKE $1 ORDER BY key"
    )
    .bind(&like)
    .fetch_all(p)
    .await)?)
}
