//! The annual employment targets and the pre-aggregated statistics cells (migration
//! 0008_stats; posts' hourly pay from the estimate since 0009_market_pay; platforms' reported
//! workers since 0025) the dashboards read.

// Statistics by part: this file holds the staff figures.
pub mod open;
pub mod takeup;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

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

// ------------------------------------------------------------------ pre-aggregated cells

/// One pre-aggregated cell (migrations 0008_stats): a metric of a region in a year. A figure
/// is the sum of every cell with the same keys (PostgreSQL may hold folded and pending parts).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, sqlx::FromRow)]
pub struct StatCell {
    pub metric: String,
    pub period: String,
    pub k1: String,
    pub k2: String,
    pub n: i64,
    pub amount: i64,
}

/// Metrics the child regions of a dashboard are compared on (their other cells are not read).
const COMPARED: &str =
    "'posts','live_posts','hires','people','registrations','funnel','complaints'";

/// The cells of one region (a county, city or the province code itself) for a year, plus
/// its current figures not tied to a year (open registrations, pay unconfirmed and due
/// before `today`) summed into one cell per metric and key. `compared_only` keeps the
/// metrics that child regions are compared on.
pub async fn region_cells(
    db: &Db,
    year: i32,
    region_code: &str,
    today: chrono::NaiveDate,
    compared_only: bool,
) -> Result<Vec<StatCell>> {
    let filter = if compared_only {
        format!(" AND metric IN ({COMPARED})")
    } else {
        String::new()
    };
    let sql = format!(
        "SELECT metric, period, k1, k2, n, amount FROM stat_cells \
         WHERE year = $1 AND region_code = $2{filter} \
         UNION ALL \
         SELECT metric, period, k1, k2, n, amount FROM stat_pending \
         WHERE year = $1 AND region_code = $2{filter} \
         UNION ALL \
         SELECT metric, '' AS period, k1, k2, CAST(SUM(n) AS BIGINT) AS n, \
         CAST(SUM(amount) AS BIGINT) AS amount FROM \
         (SELECT metric, period, k1, k2, n, amount FROM stat_cells WHERE year = 0 AND region_code = $2 \
          UNION ALL \
          SELECT metric, period, k1, k2, n, amount FROM stat_pending WHERE year = 0 AND region_code = $2) t \
         WHERE metric <> 'unconfirmed_pay' OR period < $3 \
         GROUP BY metric, k1, k2"
    );
    let today = today.format("%Y-%m-%d").to_string();
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, StatCell>(sqlx::AssertSqlSafe(sql.clone()))
            .bind(year)
            .bind(region_code)
            .bind(&today)
            .fetch_all(p)
            .await
    })?)
}

/// The statements that feed every source row through the cells' definitions (the same ones
/// the triggers use), per backend.
const REBUILD_SQLITE: &[&str] = &[
    "INSERT INTO stat_post_delta SELECT 1, county_code, created_at, form, occupation, pay_hour_fen, status FROM job_posts",
    "INSERT INTO stat_hire_delta SELECT 1, county_code, created_at, form, post_id, person_id FROM hires",
    "INSERT INTO stat_pay_delta SELECT 1, hire_id, due_on, worker_confirmed_at FROM pay_records",
    "INSERT INTO stat_registration_delta SELECT 1, county_code, kind, started_on, ended_on, flexible_form FROM registrations",
    "INSERT INTO stat_seen_delta SELECT 1, person_id, benefit, amount_fen, seen_at, notified_at FROM eligibility_seen",
    "INSERT INTO stat_application_delta SELECT 1, county_code, benefit, status, amount_fen, created_at, decided_at FROM benefit_applications",
    "INSERT INTO stat_instruction_delta SELECT 1, county_code, benefit, status, amount_fen, application_id, created_at, updated_at FROM payment_instructions",
    "INSERT INTO stat_complaint_delta SELECT 1, county_code, category, created_at, resolved_at FROM complaints",
    "INSERT INTO stat_enrolment_delta SELECT 1, course_id, status, created_at, completed_on FROM training_enrolments",
    "INSERT INTO stat_event_delta SELECT 1, event_id, created_at, checked_in_at, hires, outcome_at FROM event_registrations",
    "INSERT INTO stat_platform_worker_delta SELECT 1, county_code, form, started_on, ended_on FROM platform_workers",
];
const REBUILD_POSTGRES: &[&str] = &[
    "SELECT count(stat_post_delta(1, t)) FROM job_posts t",
    "SELECT count(stat_hire_delta(1, t)) FROM hires t",
    "SELECT count(stat_pay_delta(1, t)) FROM pay_records t",
    "SELECT count(stat_registration_delta(1, t)) FROM registrations t",
    "SELECT count(stat_seen_delta(1, t)) FROM eligibility_seen t",
    "SELECT count(stat_application_delta(1, t)) FROM benefit_applications t",
    "SELECT count(stat_instruction_delta(1, t)) FROM payment_instructions t",
    "SELECT count(stat_complaint_delta(1, t)) FROM complaints t",
    "SELECT count(stat_enrolment_delta(1, t)) FROM training_enrolments t",
    "SELECT count(stat_event_delta(1, t)) FROM event_registrations t",
    "SELECT count(stat_platform_worker_delta(1, t)) FROM platform_workers t",
];

/// Folds the deltas PostgreSQL's triggers appended into the cells (nothing on SQLite, whose
/// triggers update the cells in place). Returns the cells changed.
pub async fn compact(db: &Db) -> Result<i64> {
    let mut tx = db.begin().await?;
    let n = compact_in(&mut tx).await?;
    tx.commit().await?;
    Ok(n)
}

async fn compact_in(tx: &mut Tx) -> Result<i64> {
    Ok(match tx {
        Tx::Sqlite(_) => 0,
        Tx::Postgres(t) => {
            sqlx::query_scalar::<_, i64>("SELECT stat_compact()")
                .fetch_one(&mut **t)
                .await?
        }
    })
}

/// Every cell of every region and year, in a stable order (for comparing two states).
pub async fn all_cells(tx: &mut Tx) -> Result<Vec<(i32, String, StatCell)>> {
    compact_in(tx).await?;
    #[derive(sqlx::FromRow)]
    struct Row {
        year: i32,
        region_code: String,
        #[sqlx(flatten)]
        cell: StatCell,
    }
    let rows: Vec<Row> = on_tx!(tx, |c| sqlx::query_as::<_, Row>(
        "SELECT year, region_code, metric, period, k1, k2, n, amount FROM stat_cells \
         WHERE n <> 0 OR amount <> 0 ORDER BY year, region_code, metric, period, k1, k2"
    )
    .fetch_all(c)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| (r.year, r.region_code, r.cell))
        .collect())
}

/// Recomputes every cell from the source rows inside `tx` (the caller commits — a rebuild —
/// or compares and rolls back — a check).
pub async fn rebuild_cells(tx: &mut Tx) -> Result<()> {
    let statements = match tx {
        Tx::Sqlite(_) => REBUILD_SQLITE,
        Tx::Postgres(_) => REBUILD_POSTGRES,
    };
    on_tx!(tx, |c| {
        sqlx::query("DELETE FROM stat_cells")
            .execute(&mut *c)
            .await?;
        sqlx::query("DELETE FROM stat_people")
            .execute(&mut *c)
            .await?;
        sqlx::query("DELETE FROM stat_pending")
            .execute(&mut *c)
            .await?;
        for s in statements {
            sqlx::query(*s).execute(&mut *c).await?;
        }
        Ok::<(), sqlx::Error>(())
    })?;
    Ok(())
}
