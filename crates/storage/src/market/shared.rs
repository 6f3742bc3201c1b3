//! 共享用工 (二(三)): arrangements in which one employer lends workers it employs to another,
//! and the workers lent (migration 0021).

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SharedRow {
    pub id: Uuid,
    pub lender_id: Uuid,
    pub borrower_id: Uuid,
    pub lender_county: String,
    pub borrower_county: String,
    pub work: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// lender | borrower
    pub wages_paid_by: String,
    /// lender | borrower
    pub insurance_paid_by: String,
    /// proposed | confirmed | declined | withdrawn | ended
    pub status: String,
    pub proposed_by: Option<Uuid>,
    pub answered_by: Option<Uuid>,
    pub answered_at: Option<DateTime<Utc>>,
    pub decline_reason: String,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: String,
    pub ended_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SharedWorkerRow {
    pub arrangement_id: Uuid,
    pub hire_id: Uuid,
    pub person_id: Uuid,
    pub county_code: String,
}

macro_rules! select_shared {
    ($tail:literal) => {
        concat!(
            "SELECT id, lender_id, borrower_id, lender_county, borrower_county, work, starts_on, ends_on, \
             wages_paid_by, insurance_paid_by, status, proposed_by, answered_by, answered_at, decline_reason, \
             ended_on, end_reason, ended_by, created_at, updated_at FROM shared_employment ",
            $tail
        )
    };
}

pub async fn insert(tx: &mut Tx, r: &SharedRow, workers: &[SharedWorkerRow]) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO shared_employment (id, lender_id, borrower_id, lender_county, borrower_county, work, \
             starts_on, ends_on, wages_paid_by, insurance_paid_by, status, proposed_by, answered_by, answered_at, \
             decline_reason, ended_on, end_reason, ended_by, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20)",
        )
        .bind(r.id)
        .bind(r.lender_id)
        .bind(r.borrower_id)
        .bind(&r.lender_county)
        .bind(&r.borrower_county)
        .bind(&r.work)
        .bind(r.starts_on)
        .bind(r.ends_on)
        .bind(&r.wages_paid_by)
        .bind(&r.insurance_paid_by)
        .bind(&r.status)
        .bind(r.proposed_by)
        .bind(r.answered_by)
        .bind(r.answered_at)
        .bind(&r.decline_reason)
        .bind(r.ended_on)
        .bind(&r.end_reason)
        .bind(r.ended_by)
        .bind(r.created_at)
        .bind(r.updated_at)
        .execute(&mut *c)
        .await?;
        for w in workers {
            sqlx::query(
                "INSERT INTO shared_employment_workers (arrangement_id, hire_id, person_id, county_code) \
                 VALUES ($1,$2,$3,$4)",
            )
            .bind(w.arrangement_id)
            .bind(w.hire_id)
            .bind(w.person_id)
            .bind(&w.county_code)
            .execute(&mut *c)
            .await?;
        }
        Ok::<(), sqlx::Error>(())
    })?;
    Ok(())
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<SharedRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, SharedRow>(
        select_shared!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// The arrangements an employer lends or borrows in, newest first.
pub async fn of_employer(db: &Db, employer_id: Uuid) -> Result<Vec<SharedRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, SharedRow>(
        select_shared!(
            "WHERE lender_id = $1 OR borrower_id = $1 ORDER BY created_at DESC LIMIT 500"
        )
    )
    .bind(employer_id)
    .fetch_all(p)
    .await)?)
}

/// The arrangements with either employer in a region, newest first.
pub async fn in_region(db: &Db, prefix: &str) -> Result<Vec<SharedRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, SharedRow>(select_shared!(
        "WHERE lender_county LIKE $1 OR borrower_county LIKE $1 ORDER BY created_at DESC LIMIT 500"
    ))
    .bind(&like)
    .fetch_all(p)
    .await
    })?)
}

/// The arrangements a person is lent in, newest first.
pub async fn of_person(db: &Db, person_id: Uuid) -> Result<Vec<SharedRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, SharedRow>(select_shared!(
        "WHERE id IN (SELECT arrangement_id FROM shared_employment_workers WHERE person_id = $1) \
         ORDER BY created_at DESC"
    ))
    .bind(person_id)
    .fetch_all(p)
    .await
    })?)
}

pub async fn workers(db: &Db, id: Uuid) -> Result<Vec<SharedWorkerRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, SharedWorkerRow>(
        "SELECT arrangement_id, hire_id, person_id, county_code FROM shared_employment_workers \
         WHERE arrangement_id = $1 ORDER BY hire_id"
    )
    .bind(id)
    .fetch_all(p)
    .await)?)
}

/// Moves an arrangement from `from` to `to` with who answered and why; false when it was not
/// in `from` any more.
#[allow(clippy::too_many_arguments)]
pub async fn answer(
    tx: &mut Tx,
    id: Uuid,
    from: &str,
    to: &str,
    by: Uuid,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE shared_employment SET status = $3, answered_by = $4, answered_at = $5, decline_reason = $6, \
         updated_at = $5 WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(by)
    .bind(at)
    .bind(reason)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Ends a confirmed arrangement early; false when it was not confirmed any more.
pub async fn end(
    tx: &mut Tx,
    id: Uuid,
    on: NaiveDate,
    reason: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE shared_employment SET status = 'ended', ended_on = $2, end_reason = $3, ended_by = $4, \
         updated_at = $5 WHERE id = $1 AND status = 'confirmed'"
    )
    .bind(id)
    .bind(on)
    .bind(reason)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// The employer with this 统一社会信用代码, if any.
pub async fn employer_id_by_uscc(db: &Db, uscc: &str) -> Result<Option<Uuid>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, Uuid>(
        "SELECT id FROM employers WHERE uscc = $1"
    )
    .bind(uscc)
    .fetch_optional(p)
    .await)?)
}
