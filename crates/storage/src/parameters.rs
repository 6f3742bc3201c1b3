//! Corrections of policy parameters (migration 0024): proposed by one province staff member,
//! approved or rejected by another; the approved ones are applied by the engine. Also the
//! registered population of a region the policy views decide over.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct CorrectionRow {
    pub id: Uuid,
    pub name: String,
    pub value: String,
    pub effective_from: NaiveDate,
    pub reason: String,
    /// proposed | approved | rejected
    pub status: String,
    pub proposed_by: Uuid,
    pub proposed_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    pub preview: String,
}

macro_rules! select_corrections {
    ($tail:literal) => {
        concat!(
            "SELECT id, name, value, effective_from, reason, status, proposed_by, proposed_at, \
             decided_by, decided_at, decision_note, preview FROM parameter_corrections ",
            $tail
        )
    };
}

pub async fn insert_correction(tx: &mut Tx, r: &CorrectionRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO parameter_corrections (id, name, value, effective_from, reason, status, \
             proposed_by, proposed_at, decided_by, decided_at, decision_note, preview) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
        )
        .bind(r.id)
        .bind(&r.name)
        .bind(&r.value)
        .bind(r.effective_from)
        .bind(&r.reason)
        .bind(&r.status)
        .bind(r.proposed_by)
        .bind(r.proposed_at)
        .bind(r.decided_by)
        .bind(r.decided_at)
        .bind(&r.decision_note)
        .bind(&r.preview)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// Decides a proposed correction; false when it is no longer proposed (someone else decided).
pub async fn decide_correction(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    by: Uuid,
    note: &str,
    preview: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE parameter_corrections SET status = $2, decided_by = $3, decision_note = $4, \
             preview = $5, decided_at = $6 WHERE id = $1 AND status = 'proposed'",
        )
        .bind(id)
        .bind(status)
        .bind(by)
        .bind(note)
        .bind(preview)
        .bind(at)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub async fn correction(db: &Db, id: Uuid) -> Result<Option<CorrectionRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, CorrectionRow>(
        select_corrections!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// Every correction, newest proposal first.
pub async fn corrections(db: &Db) -> Result<Vec<CorrectionRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, CorrectionRow>(
        select_corrections!("ORDER BY proposed_at DESC, id")
    )
    .fetch_all(p)
    .await)?)
}

/// The approved corrections in the order the engine applies them: by effective day, then by
/// approval time (a later approval for the same day replaces an earlier one).
pub async fn approved_corrections(db: &Db) -> Result<Vec<CorrectionRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, CorrectionRow>(
        select_corrections!("WHERE status = 'approved' ORDER BY effective_from, decided_at, id")
    )
    .fetch_all(p)
    .await)?)
}

/// One page of the people with a registration (就业/失业/灵活就业登记) whose 管辖地 is under
/// `prefix`, after `after` in id order, with their 管辖地: the registered population the
/// policy views decide over. Ids are random (UUIDv4), so the first pages of a region are a
/// uniform sample of it.
pub async fn registered_in_region(
    db: &Db,
    prefix: &str,
    after: Uuid,
    limit: i64,
) -> Result<Vec<(Uuid, String)>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, (Uuid, String)>(
        "SELECT p.id, p.jurisdiction_code FROM persons p WHERE p.jurisdiction_code LIKE $1 AND p.id > $2 \
         AND EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = p.id) \
         ORDER BY p.id LIMIT $3"
    )
    .bind(&like)
    .bind(after)
    .bind(limit)
    .fetch_all(p)
    .await
    })?)
}

/// How many people [`registered_in_region`] pages through.
pub async fn registered_count(db: &Db, prefix: &str) -> Result<i64> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM persons p WHERE p.jurisdiction_code LIKE $1 \
         AND EXISTS (SELECT 1 FROM registrations r WHERE r.person_id = p.id)"
    )
    .bind(&like)
    .fetch_one(p)
    .await)?)
}

/// What says that a person had a benefit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Had {
    /// A bank instruction paid (the money benefits).
    Paid,
    /// An application approved (the benefits nothing is paid out for: the tax deduction, the
    /// loan qualification).
    Approved,
}

/// What a page of persons had, per person and benefit: (person, benefit, Σ amount in fen) of
/// their paid bank instructions or their approved applications.
pub async fn had_of_persons(db: &Db, ids: &[Uuid], had: Had) -> Result<Vec<(Uuid, String, i64)>> {
    let head = match had {
        Had::Paid => {
            "SELECT person_id, benefit, CAST(SUM(amount_fen) AS BIGINT) FROM payment_instructions \
             WHERE status = 'paid' AND person_id"
        }
        Had::Approved => {
            "SELECT person_id, benefit, CAST(SUM(amount_fen) AS BIGINT) FROM benefit_applications \
             WHERE status = 'approved' AND person_id"
        }
    };
    crate::select_in(db, head, "GROUP BY person_id, benefit", ids).await
}
