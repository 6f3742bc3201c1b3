//! County fund budgets (五(十二)): the year's budget per county and fund, the amount the
//! ledger committed against it (moved with each transfer, in its transaction), the history of
//! every change, and the grants held because they would have overdrawn it.

use super::*;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BudgetRow {
    pub county_code: String,
    pub fund: String,
    pub year: i32,
    /// None: no budget set (grants are counted, not limited).
    pub amount_fen: Option<i64>,
    pub committed_fen: i64,
    pub updated_by: Option<Uuid>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BudgetChangeRow {
    pub id: Uuid,
    pub county_code: String,
    pub fund: String,
    pub year: i32,
    pub old_amount_fen: Option<i64>,
    pub new_amount_fen: i64,
    pub note: String,
    pub changed_by: Option<Uuid>,
    pub changed_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HoldRow {
    pub id: Uuid,
    pub application_id: Uuid,
    pub person_id: Uuid,
    pub county_code: String,
    pub fund: String,
    pub year: i32,
    pub benefit: String,
    pub amount_fen: i64,
    pub reason: String,
    /// held | released | refused
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
}

const BUDGET_COLS: &str =
    "county_code, fund, year, amount_fen, committed_fen, updated_by, updated_at FROM fund_budgets";

const HOLD_COLS: &str = "id, application_id, person_id, county_code, fund, year, benefit, amount_fen, \
     reason, status, created_at, decided_by, decided_at, decision_note FROM budget_holds";

/// Makes sure the budget row of a county, fund and year exists (with no budget set).
pub async fn ensure_budget(
    tx: &mut Tx,
    county: &str,
    fund: &str,
    year: i32,
    now: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO fund_budgets (county_code, fund, year, amount_fen, committed_fen, updated_at) \
         VALUES ($1,$2,$3,NULL,0,$4) ON CONFLICT (county_code, fund, year) DO NOTHING"
    )
    .bind(county)
    .bind(fund)
    .bind(year)
    .bind(now)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Commits `amount` against the budget when it fits (or no budget is set); false when it
/// would overdraw. One conditional update: concurrent charges are serialised by the row
/// (PostgreSQL re-checks the condition on the row as the first committer left it; SQLite
/// has one writer), so two charges that together overdraw cannot both pass.
pub async fn charge_budget(
    tx: &mut Tx,
    county: &str,
    fund: &str,
    year: i32,
    amount: i64,
) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(
        "UPDATE fund_budgets SET committed_fen = committed_fen + $4 \
         WHERE county_code = $1 AND fund = $2 AND year = $3 \
         AND (amount_fen IS NULL OR committed_fen + $4 <= amount_fen)"
    )
    .bind(county)
    .bind(fund)
    .bind(year)
    .bind(amount)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Gives `amount` back to the budget (a recovery).
pub async fn credit_budget(
    tx: &mut Tx,
    county: &str,
    fund: &str,
    year: i32,
    amount: i64,
) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE fund_budgets SET committed_fen = committed_fen - $4 \
         WHERE county_code = $1 AND fund = $2 AND year = $3"
    )
    .bind(county)
    .bind(fund)
    .bind(year)
    .bind(amount)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

pub async fn budget_tx(
    tx: &mut Tx,
    county: &str,
    fund: &str,
    year: i32,
) -> Result<Option<BudgetRow>> {
    let sql = format!("SELECT {BUDGET_COLS} WHERE county_code = $1 AND fund = $2 AND year = $3");
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, BudgetRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(county)
    .bind(fund)
    .bind(year)
    .fetch_optional(c)
    .await)?)
}

/// Sets the budget amount (the CHECK refuses one under what is committed: Conflict).
pub async fn set_budget_amount(
    tx: &mut Tx,
    county: &str,
    fund: &str,
    year: i32,
    amount: i64,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE fund_budgets SET amount_fen = $4, updated_by = $5, updated_at = $6 \
         WHERE county_code = $1 AND fund = $2 AND year = $3"
    )
    .bind(county)
    .bind(fund)
    .bind(year)
    .bind(amount)
    .bind(by)
    .bind(now)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

pub async fn insert_budget_change(tx: &mut Tx, r: &BudgetChangeRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO fund_budget_changes (id, county_code, fund, year, old_amount_fen, new_amount_fen, \
         note, changed_by, changed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)"
    )
    .bind(r.id)
    .bind(&r.county_code)
    .bind(&r.fund)
    .bind(r.year)
    .bind(r.old_amount_fen)
    .bind(r.new_amount_fen)
    .bind(&r.note)
    .bind(r.changed_by)
    .bind(r.changed_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// The budget rows of a year in a region (county code prefix).
pub async fn budgets_in_region(db: &Db, prefix: &str, year: i32) -> Result<Vec<BudgetRow>> {
    let sql = format!(
        "SELECT {BUDGET_COLS} WHERE county_code LIKE $1 AND year = $2 ORDER BY county_code, fund"
    );
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, BudgetRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(&like)
    .bind(year)
    .fetch_all(p)
    .await)?)
}

/// Every budget row (the ledger check).
pub async fn all_budgets(db: &Db) -> Result<Vec<BudgetRow>> {
    let sql = format!("SELECT {BUDGET_COLS} ORDER BY county_code, fund, year");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, BudgetRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .fetch_all(p)
    .await)?)
}

/// The history of budget changes of a year in a region, newest first.
pub async fn budget_changes(db: &Db, prefix: &str, year: i32) -> Result<Vec<BudgetChangeRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, BudgetChangeRow>(
        "SELECT id, county_code, fund, year, old_amount_fen, new_amount_fen, note, changed_by, changed_at \
         FROM fund_budget_changes WHERE county_code LIKE $1 AND year = $2 ORDER BY seq DESC"
    )
    .bind(&like)
    .bind(year)
    .fetch_all(p)
    .await
    })?)
}

/// Σ grants and adjustments less recoveries per (county, benefit, year in China Standard
/// Time) from the ledger: what the budget counters must equal.
pub async fn ledger_commitments(db: &Db) -> Result<Vec<(String, String, i32, i64)>> {
    let year = match db.backend() {
        crate::Backend::Sqlite => "CAST(strftime('%Y', created_at, '+8 hours') AS INTEGER)",
        crate::Backend::Postgres => {
            "CAST(EXTRACT(YEAR FROM (created_at AT TIME ZONE 'UTC') + INTERVAL '8 hours') AS INTEGER)"
        }
    };
    let sql = format!(
        "SELECT county_code, benefit, {year} AS y, \
         CAST(SUM(CASE WHEN kind = 'recovery' THEN -amount_fen ELSE amount_fen END) AS BIGINT) \
         FROM ledger_transfers WHERE kind IN ('grant','adjustment','recovery') \
         GROUP BY county_code, benefit, {year} ORDER BY county_code, benefit, y"
    );
    Ok(on_pool!(db, |p| sqlx::query_as::<
        _,
        (String, String, i32, i64),
    >(sqlx::AssertSqlSafe(sql.clone()))
    .fetch_all(p)
    .await)?)
}

/// Σ paid payment instructions per (county, benefit) created in [from, to) in a region.
pub async fn paid_in_region(
    db: &Db,
    prefix: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(String, String, i64)>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, (String, String, i64)>(
        "SELECT county_code, benefit, CAST(SUM(amount_fen) AS BIGINT) FROM payment_instructions \
         WHERE county_code LIKE $1 AND status = 'paid' AND created_at >= $2 AND created_at < $3 \
         GROUP BY county_code, benefit"
    )
    .bind(&like)
    .bind(from)
    .bind(to)
    .fetch_all(p)
    .await
    })?)
}

pub async fn insert_hold(tx: &mut Tx, h: &HoldRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO budget_holds (id, application_id, person_id, county_code, fund, year, benefit, amount_fen, \
         reason, status, created_at, decided_by, decided_at, decision_note) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)"
    )
    .bind(h.id)
    .bind(h.application_id)
    .bind(h.person_id)
    .bind(&h.county_code)
    .bind(&h.fund)
    .bind(h.year)
    .bind(&h.benefit)
    .bind(h.amount_fen)
    .bind(&h.reason)
    .bind(&h.status)
    .bind(h.created_at)
    .bind(h.decided_by)
    .bind(h.decided_at)
    .bind(&h.decision_note)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn hold(db: &Db, id: Uuid) -> Result<Option<HoldRow>> {
    let sql = format!("SELECT {HOLD_COLS} WHERE id = $1");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, HoldRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn hold_of_application(db: &Db, application_id: Uuid) -> Result<Option<HoldRow>> {
    let sql = format!("SELECT {HOLD_COLS} WHERE application_id = $1");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, HoldRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(application_id)
    .fetch_optional(p)
    .await)?)
}

/// The holds of a region in a status ("" any), oldest first.
pub async fn holds_in_region(db: &Db, prefix: &str, status: &str) -> Result<Vec<HoldRow>> {
    let sql = format!(
        "SELECT {HOLD_COLS} WHERE county_code LIKE $1 AND ($2 = '' OR status = $2) \
         ORDER BY created_at, id LIMIT 500"
    );
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, HoldRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(&like)
    .bind(status)
    .fetch_all(p)
    .await)?)
}

/// Moves a hold out of `held` (conditional: false when another decision came first).
pub async fn decide_hold(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    by: Uuid,
    note: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE budget_holds SET status = $2, decided_by = $3, decided_at = $4, decision_note = $5 \
         WHERE id = $1 AND status = 'held'"
    )
    .bind(id)
    .bind(status)
    .bind(by)
    .bind(now)
    .bind(note)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// A held application refused by the province: no longer approved, its claims and cap use
/// given back so the months or instalment can be granted later.
pub async fn refuse_held_application(
    tx: &mut Tx,
    application_id: Uuid,
    note: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE benefit_applications SET status = 'rejected', decision_note = $2, updated_at = $3 \
         WHERE id = $1 AND status = 'approved'"
    )
    .bind(application_id)
    .bind(note)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if n != 1 {
        return Ok(false);
    }
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM benefit_claims WHERE application_id = $1"
    )
    .bind(application_id)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(true)
}

/// Gives back `n` of a cap (a refused hold).
pub async fn unuse_cap(tx: &mut Tx, key: &str, n: i64) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE benefit_caps SET used = CASE WHEN used >= $2 THEN used - $2 ELSE 0 END WHERE key = $1"
    )
    .bind(key)
    .bind(n)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}
