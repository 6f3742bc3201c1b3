//! Benefit applications and their decisions.

use super::*;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub county_code: String,
    pub benefit: String,
    pub period: String,
    pub status: ApplicationStatus,
    pub route: String,
    pub as_of: NaiveDate,
    pub facts_json: String,
    pub facts_sha256: String,
    pub determination_json: String,
    pub receipt_json: String,
    pub eligible: bool,
    pub amount_fen: i64,
    pub units: i32,
    pub unverified: String,
    pub applied_by: Option<Uuid>,
    pub on_behalf: bool,
    pub consent_note: String,
    pub review_outcome: Option<String>,
    pub review_note: String,
    pub reviewed_by: Option<Uuid>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_applications {
    ($tail:literal) => {
        concat!(
            "SELECT id, person_id, county_code, benefit, period, status, route, as_of, facts_json, facts_sha256, \
             determination_json, receipt_json, eligible, amount_fen, units, unverified, applied_by, on_behalf, consent_note, \
             review_outcome, review_note, reviewed_by, reviewed_at, decided_by, decided_at, decision_note, created_at, \
             updated_at FROM benefit_applications ",
            $tail
        )
    };
}

pub async fn insert_application(tx: &mut Tx, a: &ApplicationRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO benefit_applications (id, person_id, county_code, benefit, period, status, route, as_of, facts_json, \
         facts_sha256, determination_json, receipt_json, eligible, amount_fen, units, unverified, applied_by, on_behalf, \
         consent_note, review_outcome, review_note, reviewed_by, reviewed_at, decided_by, decided_at, decision_note, \
         created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,\
         $23,$24,$25,$26,$27,$28)"
    )
    .bind(a.id)
    .bind(a.person_id)
    .bind(&a.county_code)
    .bind(&a.benefit)
    .bind(&a.period)
    .bind(a.status)
    .bind(&a.route)
    .bind(a.as_of)
    .bind(&a.facts_json)
    .bind(&a.facts_sha256)
    .bind(&a.determination_json)
    .bind(&a.receipt_json)
    .bind(a.eligible)
    .bind(a.amount_fen)
    .bind(a.units)
    .bind(&a.unverified)
    .bind(a.applied_by)
    .bind(a.on_behalf)
    .bind(&a.consent_note)
    .bind(&a.review_outcome)
    .bind(&a.review_note)
    .bind(a.reviewed_by)
    .bind(a.reviewed_at)
    .bind(a.decided_by)
    .bind(a.decided_at)
    .bind(&a.decision_note)
    .bind(a.created_at)
    .bind(a.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn application(db: &Db, id: Uuid) -> Result<Option<ApplicationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ApplicationRow>(
        select_applications!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn application_tx(tx: &mut Tx, id: Uuid) -> Result<Option<ApplicationRow>> {
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, ApplicationRow>(
        select_applications!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(c)
    .await)?)
}

pub async fn application_for(
    db: &Db,
    person_id: Uuid,
    benefit: &str,
    period: &str,
) -> Result<Option<ApplicationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ApplicationRow>(
        select_applications!("WHERE person_id = $1 AND benefit = $2 AND period = $3")
    )
    .bind(person_id)
    .bind(benefit)
    .bind(period)
    .fetch_optional(p)
    .await)?)
}

pub async fn applications_of(db: &Db, person_id: Uuid) -> Result<Vec<ApplicationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ApplicationRow>(
        select_applications!("WHERE person_id = $1 ORDER BY created_at DESC")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// Applications in a region with one status (or any when `status` is empty), oldest first
/// for queues.
pub async fn applications_in_region(
    tx: &mut Tx,
    prefix: &str,
    status: &str,
    limit: i64,
) -> Result<Vec<ApplicationRow>> {
    let like = format!("{prefix}%");
    Ok(on_tx!(tx, |p| sqlx::query_as::<_, ApplicationRow>(
        select_applications!(
            "WHERE county_code LIKE $1 AND ($2 = '' OR status = $2) ORDER BY created_at LIMIT $3"
        )
    )
    .bind(&like)
    .bind(status)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// One page of the region's applications in a status, optionally only those whose
/// applicant's name matches `like` (a `LIKE` pattern, '' for all), and the count of all.
pub async fn applications_in_region_page(
    tx: &mut Tx,
    prefix: &str,
    status: &str,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ApplicationRow>, i64)> {
    let region = format!("{prefix}%");
    let rows = on_tx!(tx, |p| sqlx::query_as::<_, ApplicationRow>(
        select_applications!(
            "WHERE county_code LIKE $1 AND ($2 = '' OR status = $2) \
         AND ($3 = '' OR person_id IN (SELECT id FROM persons WHERE name LIKE $3)) \
         ORDER BY created_at, id LIMIT $4 OFFSET $5"
        )
    )
    .bind(&region)
    .bind(status)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await)?;
    let total: i64 = on_tx!(tx, |p| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM benefit_applications WHERE county_code LIKE $1 AND ($2 = '' OR status = $2) \
         AND ($3 = '' OR person_id IN (SELECT id FROM persons WHERE name LIKE $3))"
    )
    .bind(&region)
    .bind(status)
    .bind(like)
    .fetch_one(p)
    .await
    })?;
    Ok((rows, total))
}

/// Approved applications decided on or after `since`, for retroactive recalculation.
pub async fn approved_since(db: &Db, since: DateTime<Utc>) -> Result<Vec<ApplicationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ApplicationRow>(
        select_applications!(
            "WHERE status = 'approved' AND decided_at >= $1 ORDER BY decided_at, id"
        )
    )
    .bind(since)
    .fetch_all(p)
    .await)?)
}

/// Records the review of a manual application (pending_review → reviewed).
pub async fn set_review(
    tx: &mut Tx,
    id: Uuid,
    outcome: &str,
    note: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE benefit_applications SET status = 'reviewed', review_outcome = $2, review_note = $3, reviewed_by = $4, \
         reviewed_at = $5, updated_at = $5 WHERE id = $1 AND status = 'pending_review'"
    )
    .bind(id)
    .bind(outcome)
    .bind(note)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Moves an application from `from` to a final status `to` (approved, rejected, withdrawn);
/// false when it was no longer in `from` (someone else decided first).
pub async fn set_decision(
    tx: &mut Tx,
    id: Uuid,
    from: &str,
    to: &str,
    by: Option<Uuid>,
    note: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE benefit_applications SET status = $3, decided_by = $4, decision_note = $5, decided_at = $6, updated_at = $6 \
         WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(by)
    .bind(note)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Applications still waiting for review or decision that were filed before `before`.
pub async fn applications_waiting_since(
    db: &Db,
    prefix: &str,
    before: DateTime<Utc>,
) -> Result<i64> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM benefit_applications WHERE county_code LIKE $1 \
         AND status IN ('pending_review','reviewed') AND created_at < $2"
    )
    .bind(&like)
    .bind(before)
    .fetch_one(p)
    .await)?)
}

/// Counts of applications by status in a region.
pub async fn application_counts(db: &Db, prefix: &str) -> Result<Vec<(String, i64)>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, (String, i64)>(
        "SELECT status, COUNT(*) FROM benefit_applications WHERE county_code LIKE $1 GROUP BY status"
    )
    .bind(&like)
    .fetch_all(p)
    .await
    })?)
}
