//! Payment instructions and bank batches.

use super::*;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InstructionRow {
    pub id: Uuid,
    pub reference: String,
    pub idempotency_key: String,
    pub application_id: Option<Uuid>,
    pub instalment: i32,
    pub person_id: Uuid,
    pub county_code: String,
    pub benefit: String,
    pub amount_fen: i64,
    pub status: InstructionStatus,
    pub batch_id: Option<Uuid>,
    pub bank_reference: String,
    pub failure_reason: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_instructions {
    ($tail:literal) => {
        concat!(
            "SELECT id, reference, idempotency_key, application_id, instalment, person_id, county_code, benefit, \
             amount_fen, status, batch_id, bank_reference, failure_reason, created_at, updated_at FROM payment_instructions ",
            $tail
        )
    };
}

/// Inserts a payment instruction unless its idempotency key exists; true when inserted.
pub async fn insert_instruction(tx: &mut Tx, i: &InstructionRow) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO payment_instructions (id, reference, idempotency_key, application_id, instalment, person_id, \
         county_code, benefit, amount_fen, status, batch_id, bank_reference, failure_reason, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15) ON CONFLICT (idempotency_key) DO NOTHING"
    )
    .bind(i.id)
    .bind(&i.reference)
    .bind(&i.idempotency_key)
    .bind(i.application_id)
    .bind(i.instalment)
    .bind(i.person_id)
    .bind(&i.county_code)
    .bind(&i.benefit)
    .bind(i.amount_fen)
    .bind(i.status)
    .bind(i.batch_id)
    .bind(&i.bank_reference)
    .bind(&i.failure_reason)
    .bind(i.created_at)
    .bind(i.updated_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub async fn instructions_of_application(
    db: &Db,
    application_id: Uuid,
) -> Result<Vec<InstructionRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, InstructionRow>(
        select_instructions!("WHERE application_id = $1 ORDER BY instalment")
    )
    .bind(application_id)
    .fetch_all(p)
    .await)?)
}

/// Instructions waiting for a batch in a region (pending, or failed and to be re-sent).
pub async fn instructions_to_batch(tx: &mut Tx, prefix: &str) -> Result<Vec<InstructionRow>> {
    let like = format!("{prefix}%");
    Ok(on_tx!(tx, |c| {
        sqlx::query_as::<_, InstructionRow>(
        select_instructions!(
            "WHERE county_code LIKE $1 AND status = 'pending' ORDER BY created_at, reference LIMIT 5000"
        )
    )
    .bind(&like)
    .fetch_all(c)
    .await
    })?)
}

/// The same list read outside a transaction.
pub async fn pending_instructions(db: &Db, prefix: &str) -> Result<Vec<InstructionRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, InstructionRow>(
        select_instructions!(
            "WHERE county_code LIKE $1 AND status = 'pending' ORDER BY created_at, reference LIMIT 5000"
        )
    )
    .bind(&like)
    .fetch_all(p)
    .await
    })?)
}

pub async fn pending_instruction_totals(db: &Db, prefix: &str) -> Result<(i64, i64)> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (i64, i64)>(
        "SELECT COUNT(*), CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM payment_instructions \
         WHERE county_code LIKE $1 AND status = 'pending'"
    )
    .bind(&like)
    .fetch_one(p)
    .await)?)
}

pub async fn instruction_by_reference(db: &Db, reference: &str) -> Result<Option<InstructionRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, InstructionRow>(
        select_instructions!("WHERE reference = $1")
    )
    .bind(reference)
    .fetch_optional(p)
    .await)?)
}

pub async fn instructions_of_batch_tx(tx: &mut Tx, batch_id: Uuid) -> Result<Vec<InstructionRow>> {
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, InstructionRow>(
        select_instructions!("WHERE batch_id = $1 ORDER BY reference")
    )
    .bind(batch_id)
    .fetch_all(c)
    .await)?)
}

pub async fn instructions_of_application_tx(
    tx: &mut Tx,
    application_id: Uuid,
) -> Result<Vec<InstructionRow>> {
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, InstructionRow>(
        select_instructions!("WHERE application_id = $1 ORDER BY instalment")
    )
    .bind(application_id)
    .fetch_all(c)
    .await)?)
}

pub async fn instructions_of_batch(db: &Db, batch_id: Uuid) -> Result<Vec<InstructionRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, InstructionRow>(
        select_instructions!("WHERE batch_id = $1 ORDER BY reference")
    )
    .bind(batch_id)
    .fetch_all(p)
    .await)?)
}

/// Puts a pending instruction into a batch; false when it was taken meanwhile.
pub async fn put_in_batch(
    tx: &mut Tx,
    id: Uuid,
    batch_id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE payment_instructions SET status = 'in_batch', batch_id = $2, updated_at = $3 WHERE id = $1 AND status = 'pending'"
    )
    .bind(id)
    .bind(batch_id)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Records the bank's answer for an instruction in a batch; false when not in that state.
pub async fn settle_instruction(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    bank_reference: &str,
    failure_reason: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE payment_instructions SET status = $2, bank_reference = $3, failure_reason = $4, updated_at = $5 \
         WHERE id = $1 AND status = 'in_batch'"
    )
    .bind(id)
    .bind(status)
    .bind(bank_reference)
    .bind(failure_reason)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// A failed instruction goes back to the queue for the next batch.
pub async fn requeue_instruction(tx: &mut Tx, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE payment_instructions SET status = 'pending', batch_id = NULL, updated_at = $2 WHERE id = $1 AND status = 'failed'"
    )
    .bind(id)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BatchRow {
    pub id: Uuid,
    pub number: String,
    pub county_code: String,
    pub line_count: i32,
    pub total_fen: i64,
    pub content_sha256: String,
    pub mac: String,
    pub status: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub result_imported_at: Option<DateTime<Utc>>,
}

macro_rules! select_batches {
    ($tail:literal) => {
        concat!(
            "SELECT id, number, county_code, line_count, total_fen, content_sha256, mac, status, created_by, created_at, \
             result_imported_at FROM payment_batches ",
            $tail
        )
    };
}

/// Inserts a batch with its bank file (`content_cipher`, encrypted by the caller).
pub async fn insert_batch(tx: &mut Tx, b: &BatchRow, content_cipher: &[u8]) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO payment_batches (id, number, county_code, line_count, total_fen, content_sha256, mac, status, \
         created_by, created_at, result_imported_at, content_cipher) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)"
    )
    .bind(b.id)
    .bind(&b.number)
    .bind(&b.county_code)
    .bind(b.line_count)
    .bind(b.total_fen)
    .bind(&b.content_sha256)
    .bind(&b.mac)
    .bind(&b.status)
    .bind(b.created_by)
    .bind(b.created_at)
    .bind(b.result_imported_at)
    .bind(content_cipher)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// The encrypted bank file of a batch.
pub async fn batch_content(db: &Db, id: Uuid) -> Result<Option<Vec<u8>>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, Vec<u8>>(
        "SELECT content_cipher FROM payment_batches WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn batch(db: &Db, id: Uuid) -> Result<Option<BatchRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, BatchRow>(
        select_batches!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn batches_in_region(db: &Db, prefix: &str) -> Result<Vec<BatchRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, BatchRow>(
        select_batches!("WHERE county_code LIKE $1 ORDER BY created_at DESC LIMIT 200")
    )
    .bind(&like)
    .fetch_all(p)
    .await)?)
}

/// One page of the region's payment batches (newest first), optionally only those whose
/// number matches `like` ('' for all), and the count of all.
pub async fn batches_in_region_page(
    db: &Db,
    prefix: &str,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<BatchRow>, i64)> {
    let region = format!("{prefix}%");
    let rows = on_pool!(db, |p| sqlx::query_as::<_, BatchRow>(select_batches!(
        "WHERE county_code LIKE $1 AND ($2 = '' OR number LIKE $2) \
         ORDER BY created_at DESC, id LIMIT $3 OFFSET $4"
    ))
    .bind(&region)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await)?;
    let total: i64 = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment_batches WHERE county_code LIKE $1 AND ($2 = '' OR number LIKE $2)"
    )
    .bind(&region)
    .bind(like)
    .fetch_one(p)
    .await
    })?;
    Ok((rows, total))
}

pub async fn mark_batch_reconciled(tx: &mut Tx, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE payment_batches SET status = 'reconciled', result_imported_at = $2 WHERE id = $1 AND status = 'exported'"
    )
    .bind(id)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}
