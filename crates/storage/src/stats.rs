//! Raw facts for the statistics of a region (county-code prefix), aggregated by the service,
//! and the annual employment targets.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

/// One job post as statistics see it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PostFact {
    pub county_code: String,
    pub occupation: String,
    pub form: String,
    pub status: String,
    pub pay_fen: i64,
    pub pay_unit: String,
    pub created_at: DateTime<Utc>,
}

pub async fn post_facts(db: &Db, region_prefix: &str) -> Result<Vec<PostFact>> {
    let like = format!("{region_prefix}%");
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, PostFact>(
        "SELECT county_code, occupation, form, status, pay_fen, pay_unit, created_at FROM job_posts WHERE county_code LIKE $1"
    )
    .bind(&like)
    .fetch_all(p)
    .await
    })?)
}

/// One hire with what statistics need of its post and worker.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HireFact {
    pub person_id: Uuid,
    pub county_code: String,
    pub form: String,
    pub occupation: String,
    pub birth_year: i64,
    pub posted_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

pub async fn hire_facts(db: &Db, region_prefix: &str) -> Result<Vec<HireFact>> {
    let like = format!("{region_prefix}%");
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, HireFact>(
        "SELECT h.person_id, h.county_code, h.form, p.occupation, s.birth_year, p.created_at AS posted_at, h.created_at \
         FROM hires h JOIN job_posts p ON p.id = h.post_id JOIN persons s ON s.id = h.person_id WHERE h.county_code LIKE $1"
    )
    .bind(&like)
    .fetch_all(p)
    .await
    })?)
}

/// People registered in a group (e.g. hard_to_employ) in a region, any time.
pub async fn persons_in_group(db: &Db, region_prefix: &str, group: &str) -> Result<Vec<Uuid>> {
    let like = format!("{region_prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_scalar(
        "SELECT DISTINCT g.person_id FROM person_groups g JOIN persons s ON s.id = g.person_id \
         WHERE s.jurisdiction_code LIKE $1 AND g.group_code = $2"
    )
    .bind(&like)
    .bind(group)
    .fetch_all(p)
    .await)?)
}

/// Pay records past due and unconfirmed per county.
pub async fn overdue_by_county(
    db: &Db,
    region_prefix: &str,
    today: chrono::NaiveDate,
) -> Result<Vec<(String, i64)>> {
    let like = format!("{region_prefix}%");
    Ok(on_pool!(db, |p| {
        sqlx::query_as(
        "SELECT h.county_code, COUNT(*) FROM pay_records r JOIN hires h ON h.id = r.hire_id \
         WHERE h.county_code LIKE $1 AND r.worker_confirmed_at IS NULL AND r.due_on < $2 GROUP BY h.county_code"
    )
    .bind(&like)
    .bind(today)
    .fetch_all(p)
    .await
    })?)
}

pub async fn set_target(
    tx: &mut Tx,
    year: i32,
    region_code: &str,
    target: i64,
    by: Option<Uuid>,
    at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO employment_targets (year, region_code, target, set_by, set_at) VALUES ($1,$2,$3,$4,$5) \
         ON CONFLICT (year, region_code) DO UPDATE SET target = $3, set_by = $4, set_at = $5"
    )
    .bind(year)
    .bind(region_code)
    .bind(target)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// Targets of a year for regions under a prefix: (region code, target).
pub async fn targets(db: &Db, year: i32, region_prefix: &str) -> Result<Vec<(String, i64)>> {
    let like = format!("{region_prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as(
        "SELECT region_code, target FROM employment_targets WHERE year = $1 AND region_code LIKE $2"
    )
    .bind(year)
    .bind(&like)
    .fetch_all(p)
    .await)?)
}
