//! Assistance referral to 民政 (四(十一)): what staff found about a person's basic living
//! (困难摸排), the people the engine refers (kept by the screening), and the referrals sent
//! to the 民政 office with the outcome it sends back.

use super::*;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FindingRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub county_code: String,
    pub in_difficulty: bool,
    pub note: String,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CaseRow {
    pub person_id: Uuid,
    pub county_code: String,
    pub active: bool,
    /// JSON array of the engine's reasons.
    pub reasons: String,
    pub first_found_at: DateTime<Utc>,
    pub screened_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReferralRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub county_code: String,
    /// dibao | temporary | tekun
    pub kind: String,
    pub office: String,
    pub sent_on: NaiveDate,
    pub note: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    /// None while waiting; accepted | refused
    pub outcome: Option<String>,
    pub outcome_amount_fen: Option<i64>,
    pub outcome_note: String,
    pub outcome_on: Option<NaiveDate>,
    pub outcome_by: Option<Uuid>,
    pub outcome_at: Option<DateTime<Utc>>,
}

const REFERRAL_COLS: &str = "id, person_id, county_code, kind, office, sent_on, note, created_by, created_at, \
     outcome, outcome_amount_fen, outcome_note, outcome_on, outcome_by, outcome_at FROM assistance_referrals";

pub async fn insert_finding(tx: &mut Tx, f: &FindingRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO difficulty_findings (id, person_id, county_code, in_difficulty, note, recorded_by, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7)"
    )
    .bind(f.id)
    .bind(f.person_id)
    .bind(&f.county_code)
    .bind(f.in_difficulty)
    .bind(&f.note)
    .bind(f.recorded_by)
    .bind(f.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// A person's findings, newest first.
pub async fn findings_of(db: &Db, person_id: Uuid) -> Result<Vec<FindingRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, FindingRow>(
        "SELECT id, person_id, county_code, in_difficulty, note, recorded_by, created_at \
         FROM difficulty_findings WHERE person_id = $1 ORDER BY seq DESC"
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// [`findings_of`] of a page of persons, by person, newest first.
pub async fn findings_of_persons(db: &Db, ids: &[Uuid]) -> Result<Vec<FindingRow>> {
    crate::select_in(
        db,
        "SELECT id, person_id, county_code, in_difficulty, note, recorded_by, created_at \
         FROM difficulty_findings WHERE person_id",
        "ORDER BY person_id, seq DESC",
        ids,
    )
    .await
}

/// Records what the screening found for a person: referred (active) with the reasons, or
/// no longer referred. A person never referred gets no row.
pub async fn upsert_case(
    tx: &mut Tx,
    person_id: Uuid,
    county: &str,
    active: bool,
    reasons: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    if active {
        on_tx!(tx, |c| {
            sqlx::query(
            "INSERT INTO assistance_cases (person_id, county_code, active, reasons, first_found_at, screened_at) \
             VALUES ($1,$2,$3,$4,$5,$5) ON CONFLICT (person_id) DO UPDATE SET county_code = excluded.county_code, \
             active = excluded.active, reasons = excluded.reasons, screened_at = excluded.screened_at"
        )
        .bind(person_id)
        .bind(county)
        .bind(true)
        .bind(reasons)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
        })?;
    } else {
        on_tx!(tx, |c| sqlx::query(
            "UPDATE assistance_cases SET active = $2, screened_at = $3 WHERE person_id = $1"
        )
        .bind(person_id)
        .bind(false)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ()))?;
    }
    Ok(())
}

pub async fn case_of(db: &Db, person_id: Uuid) -> Result<Option<CaseRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, CaseRow>(
        "SELECT person_id, county_code, active, reasons, first_found_at, screened_at \
         FROM assistance_cases WHERE person_id = $1"
    )
    .bind(person_id)
    .fetch_optional(p)
    .await)?)
}

/// The people the engine refers now in a region (county code prefix), oldest find first.
/// Read in the caller's transaction (a scoped one for staff, so row-level security applies).
pub async fn active_cases(tx: &mut Tx, prefix: &str) -> Result<Vec<CaseRow>> {
    let like = format!("{prefix}%");
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, CaseRow>(
        "SELECT person_id, county_code, active, reasons, first_found_at, screened_at \
         FROM assistance_cases WHERE county_code LIKE $1 AND active = $2 \
         ORDER BY first_found_at, person_id LIMIT 2000"
    )
    .bind(&like)
    .bind(true)
    .fetch_all(c)
    .await)?)
}

pub async fn insert_referral(tx: &mut Tx, r: &ReferralRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO assistance_referrals (id, person_id, county_code, kind, office, sent_on, note, created_by, \
         created_at, outcome, outcome_amount_fen, outcome_note, outcome_on, outcome_by, outcome_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)"
    )
    .bind(r.id)
    .bind(r.person_id)
    .bind(&r.county_code)
    .bind(&r.kind)
    .bind(&r.office)
    .bind(r.sent_on)
    .bind(&r.note)
    .bind(r.created_by)
    .bind(r.created_at)
    .bind(&r.outcome)
    .bind(r.outcome_amount_fen)
    .bind(&r.outcome_note)
    .bind(r.outcome_on)
    .bind(r.outcome_by)
    .bind(r.outcome_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn referral(db: &Db, id: Uuid) -> Result<Option<ReferralRow>> {
    let sql = format!("SELECT {REFERRAL_COLS} WHERE id = $1");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ReferralRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn referrals_of(db: &Db, person_id: Uuid) -> Result<Vec<ReferralRow>> {
    let sql = format!("SELECT {REFERRAL_COLS} WHERE person_id = $1 ORDER BY created_at DESC, id");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ReferralRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// The referrals of a region, newest first (in the caller's transaction).
pub async fn referrals_in_region(tx: &mut Tx, prefix: &str) -> Result<Vec<ReferralRow>> {
    let sql = format!(
        "SELECT {REFERRAL_COLS} WHERE county_code LIKE $1 ORDER BY created_at DESC, id LIMIT 2000"
    );
    let like = format!("{prefix}%");
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, ReferralRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(&like)
    .fetch_all(c)
    .await)?)
}

/// Records the outcome 民政 sent back (conditional: false when one is already recorded).
#[allow(clippy::too_many_arguments)]
pub async fn set_referral_outcome(
    tx: &mut Tx,
    id: Uuid,
    outcome: &str,
    amount_fen: Option<i64>,
    note: &str,
    on: NaiveDate,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE assistance_referrals SET outcome = $2, outcome_amount_fen = $3, outcome_note = $4, \
         outcome_on = $5, outcome_by = $6, outcome_at = $7 WHERE id = $1 AND outcome IS NULL"
    )
    .bind(id)
    .bind(outcome)
    .bind(amount_fen)
    .bind(note)
    .bind(on)
    .bind(by)
    .bind(now)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// The funnel per county of a region: people found (first found in [from, to)), people
/// referred (a referral sent in the year), referrals accepted and refused with the
/// accepted amounts, and referrals still waiting. Rows: (county, found, referred people,
/// accepted, refused, waiting, accepted amount).
pub async fn funnel_by_county(
    db: &Db,
    prefix: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    first_day: NaiveDate,
    last_day: NaiveDate,
) -> Result<Vec<(String, i64, i64, i64, i64, i64, i64)>> {
    let like = format!("{prefix}%");
    let found: Vec<(String, i64)> = on_pool!(db, |p| {
        sqlx::query_as::<_, (String, i64)>(
        "SELECT county_code, COUNT(*) FROM assistance_cases \
         WHERE county_code LIKE $1 AND first_found_at >= $2 AND first_found_at < $3 GROUP BY county_code"
    )
    .bind(&like)
    .bind(from)
    .bind(to)
    .fetch_all(p)
    .await
    })?;
    let referred: Vec<(String, i64, i64, i64, i64, i64)> = on_pool!(db, |p| {
        sqlx::query_as::<_, (String, i64, i64, i64, i64, i64)>(
            "SELECT county_code, COUNT(DISTINCT person_id), \
             CAST(SUM(CASE WHEN outcome = 'accepted' THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN outcome = 'refused' THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(SUM(CASE WHEN outcome IS NULL THEN 1 ELSE 0 END) AS BIGINT), \
             CAST(COALESCE(SUM(CASE WHEN outcome = 'accepted' THEN outcome_amount_fen ELSE 0 END), 0) AS BIGINT) \
             FROM assistance_referrals WHERE county_code LIKE $1 AND sent_on >= $2 AND sent_on <= $3 \
             GROUP BY county_code",
        )
        .bind(&like)
        .bind(first_day)
        .bind(last_day)
        .fetch_all(p)
        .await
    })?;
    let mut out: std::collections::BTreeMap<String, (i64, i64, i64, i64, i64, i64)> =
        std::collections::BTreeMap::new();
    for (c, n) in found {
        out.entry(c).or_default().0 = n;
    }
    for (c, r, a, f, w, amt) in referred {
        let e = out.entry(c).or_default();
        e.1 = r;
        e.2 = a;
        e.3 = f;
        e.4 = w;
        e.5 = amt;
    }
    Ok(out
        .into_iter()
        .map(|(c, (f, r, a, x, w, amt))| (c, f, r, a, x, w, amt))
        .collect())
}

/// 主动申报: a person's own declaration of difficulty, waiting for county staff to check it
/// (`pending`), then `confirmed` (the finding it became is `finding_id`) or `declined`.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DeclarationRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub county_code: String,
    pub in_difficulty: bool,
    pub note: String,
    /// pending | confirmed | declined
    pub status: String,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    pub finding_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

const DECLARATION_COLS: &str = "id, person_id, county_code, in_difficulty, note, status, decided_by, \
     decided_at, decision_note, finding_id, created_at FROM difficulty_declarations";

/// A new declaration; a person with one still pending gets [`crate::StorageError::Conflict`].
pub async fn insert_declaration(tx: &mut Tx, d: &DeclarationRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO difficulty_declarations (id, person_id, county_code, in_difficulty, note, status, \
             decided_by, decided_at, decision_note, finding_id, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(d.id)
        .bind(d.person_id)
        .bind(&d.county_code)
        .bind(d.in_difficulty)
        .bind(&d.note)
        .bind(&d.status)
        .bind(d.decided_by)
        .bind(d.decided_at)
        .bind(&d.decision_note)
        .bind(d.finding_id)
        .bind(d.created_at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn declaration(db: &Db, id: Uuid) -> Result<Option<DeclarationRow>> {
    let sql = format!("SELECT {DECLARATION_COLS} WHERE id = $1");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, DeclarationRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// A person's declarations, newest first.
pub async fn declarations_of(db: &Db, person_id: Uuid) -> Result<Vec<DeclarationRow>> {
    let sql =
        format!("SELECT {DECLARATION_COLS} WHERE person_id = $1 ORDER BY created_at DESC, id");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, DeclarationRow>(
        sqlx::AssertSqlSafe(sql.clone())
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// The declarations of a region waiting to be checked, oldest first (in the caller's
/// transaction: a scoped one for staff, so row-level security applies).
pub async fn pending_declarations(tx: &mut Tx, prefix: &str) -> Result<Vec<DeclarationRow>> {
    let sql = format!(
        "SELECT {DECLARATION_COLS} WHERE county_code LIKE $1 AND status = 'pending' \
         ORDER BY created_at, id LIMIT 2000"
    );
    let like = format!("{prefix}%");
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, DeclarationRow>(
        sqlx::AssertSqlSafe(sql)
    )
    .bind(&like)
    .fetch_all(c)
    .await)?)
}

/// Staff decide a pending declaration (conditional: false when it was already decided).
pub async fn decide_declaration(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    note: &str,
    finding_id: Option<Uuid>,
    by: Uuid,
    now: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE difficulty_declarations SET status = $2, decision_note = $3, finding_id = $4, \
             decided_by = $5, decided_at = $6 WHERE id = $1 AND status = 'pending'",
        )
        .bind(id)
        .bind(status)
        .bind(note)
        .bind(finding_id)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}
