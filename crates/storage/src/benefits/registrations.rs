//! 就业/失业/灵活就业登记 with the 就业创业证, and registration suggestions.

use super::*;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RegistrationRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub kind: RegistrationKind,
    pub county_code: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: String,
    pub employer_name: String,
    pub flexible_form: Option<String>,
    pub source: String,
    pub hire_id: Option<Uuid>,
    pub consent_note: String,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_registrations {
    ($tail:literal) => {
        concat!(
            "SELECT id, person_id, kind, county_code, started_on, ended_on, end_reason, employer_name, flexible_form, \
             source, hire_id, consent_note, recorded_by, created_at, updated_at FROM registrations ",
            $tail
        )
    };
}

pub async fn insert_registration(tx: &mut Tx, r: &RegistrationRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO registrations (id, person_id, kind, county_code, started_on, ended_on, end_reason, employer_name, \
         flexible_form, source, hire_id, consent_note, recorded_by, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)"
    )
    .bind(r.id)
    .bind(r.person_id)
    .bind(r.kind)
    .bind(&r.county_code)
    .bind(r.started_on)
    .bind(r.ended_on)
    .bind(&r.end_reason)
    .bind(&r.employer_name)
    .bind(&r.flexible_form)
    .bind(&r.source)
    .bind(r.hire_id)
    .bind(&r.consent_note)
    .bind(r.recorded_by)
    .bind(r.created_at)
    .bind(r.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn open_registration(tx: &mut Tx, person_id: Uuid) -> Result<Option<RegistrationRow>> {
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, RegistrationRow>(
        select_registrations!("WHERE person_id = $1 AND ended_on IS NULL")
    )
    .bind(person_id)
    .fetch_optional(c)
    .await)?)
}

/// Whether the person has a registration of this kind starting that day (import dedupe).
pub async fn registration_exists(
    tx: &mut Tx,
    person_id: Uuid,
    kind: &str,
    started_on: NaiveDate,
) -> Result<bool> {
    let n: i64 = on_tx!(tx, |c| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM registrations WHERE person_id = $1 AND kind = $2 AND started_on = $3"
    )
    .bind(person_id)
    .bind(kind)
    .bind(started_on)
    .fetch_one(c)
    .await
    })?;
    Ok(n > 0)
}

/// Ends the open registration `id` (only if still open).
pub async fn end_registration(
    tx: &mut Tx,
    id: Uuid,
    ended_on: NaiveDate,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE registrations SET ended_on = $2, end_reason = $3, updated_at = $4 WHERE id = $1 AND ended_on IS NULL"
    )
    .bind(id)
    .bind(ended_on)
    .bind(reason)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub async fn registrations_of(db: &Db, person_id: Uuid) -> Result<Vec<RegistrationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, RegistrationRow>(
        select_registrations!("WHERE person_id = $1 ORDER BY started_on DESC, created_at DESC")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// [`registrations_of`] of a page of persons, by person.
pub async fn registrations_of_persons(db: &Db, ids: &[Uuid]) -> Result<Vec<RegistrationRow>> {
    crate::select_in(
        db,
        select_registrations!("WHERE person_id"),
        "ORDER BY person_id, started_on DESC, created_at DESC, id",
        ids,
    )
    .await
}

pub async fn registration(db: &Db, id: Uuid) -> Result<Option<RegistrationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, RegistrationRow>(
        select_registrations!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// Registrations in a region, newest first, one page.
pub async fn registrations_in_region(
    tx: &mut Tx,
    prefix: &str,
    limit: i64,
) -> Result<Vec<RegistrationRow>> {
    let like = format!("{prefix}%");
    Ok(on_tx!(tx, |p| sqlx::query_as::<_, RegistrationRow>(
        select_registrations!("WHERE county_code LIKE $1 ORDER BY created_at DESC LIMIT $2")
    )
    .bind(&like)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// One page of the region's registrations (newest first), optionally only those whose
/// person's name matches `like` ('' for all), and the count of all.
pub async fn registrations_in_region_page(
    tx: &mut Tx,
    prefix: &str,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<RegistrationRow>, i64)> {
    let region = format!("{prefix}%");
    let rows = on_tx!(tx, |p| sqlx::query_as::<_, RegistrationRow>(
        select_registrations!(
            "WHERE county_code LIKE $1 \
         AND ($2 = '' OR person_id IN (SELECT id FROM persons WHERE name LIKE $2)) \
         ORDER BY created_at DESC, id LIMIT $3 OFFSET $4"
        )
    )
    .bind(&region)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await)?;
    let total: i64 = on_tx!(tx, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM registrations WHERE county_code LIKE $1 \
         AND ($2 = '' OR person_id IN (SELECT id FROM persons WHERE name LIKE $2))"
    )
    .bind(&region)
    .bind(like)
    .fetch_one(p)
    .await)?;
    Ok((rows, total))
}

/// Persons with any registration, by id after `after` (免申即享 walks them in pages).
pub async fn registered_persons_page(db: &Db, after: Uuid, limit: i64) -> Result<Vec<Uuid>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_scalar::<_, Uuid>(
        "SELECT DISTINCT person_id FROM registrations WHERE person_id > $1 ORDER BY person_id LIMIT $2"
    )
    .bind(after)
    .bind(limit)
    .fetch_all(p)
    .await
    })?)
}

/// The next value of a named counter, starting at 1; serialised by the row lock.
pub async fn next_counter(tx: &mut Tx, name: &str) -> Result<i64> {
    Ok(on_tx!(tx, |c| sqlx::query_scalar::<_, i64>(
        "INSERT INTO number_counters (name, value) VALUES ($1, 1) \
         ON CONFLICT (name) DO UPDATE SET value = number_counters.value + 1 RETURNING value"
    )
    .bind(name)
    .fetch_one(c)
    .await)?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CardRow {
    pub person_id: Uuid,
    pub number: String,
    pub county_code: String,
    pub issued_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

pub async fn card_tx(tx: &mut Tx, person_id: Uuid) -> Result<Option<CardRow>> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_as::<_, CardRow>(
        "SELECT person_id, number, county_code, issued_on, created_at FROM employment_cards WHERE person_id = $1"
    )
    .bind(person_id)
    .fetch_optional(c)
    .await
    })?)
}

pub async fn card(db: &Db, person_id: Uuid) -> Result<Option<CardRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, CardRow>(
        "SELECT person_id, number, county_code, issued_on, created_at FROM employment_cards WHERE person_id = $1"
    )
    .bind(person_id)
    .fetch_optional(p)
    .await
    })?)
}

pub async fn insert_card(tx: &mut Tx, r: &CardRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO employment_cards (person_id, number, county_code, issued_on, created_at) VALUES ($1,$2,$3,$4,$5)"
    )
    .bind(r.person_id)
    .bind(&r.number)
    .bind(&r.county_code)
    .bind(r.issued_on)
    .bind(r.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SuggestionRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub kind: String,
    pub county_code: String,
    pub reason: String,
    pub employer_name: String,
    pub flexible_form: Option<String>,
    pub hire_id: Option<Uuid>,
    pub status: String,
    pub dedupe_key: String,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<Uuid>,
}

macro_rules! select_suggestions {
    ($tail:literal) => {
        concat!(
            "SELECT id, person_id, kind, county_code, reason, employer_name, flexible_form, hire_id, status, dedupe_key, \
             created_at, decided_at, decided_by FROM registration_suggestions ",
            $tail
        )
    };
}

/// Inserts a suggestion unless one with the same dedupe key exists; true when inserted.
pub async fn insert_suggestion(tx: &mut Tx, s: &SuggestionRow) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO registration_suggestions (id, person_id, kind, county_code, reason, employer_name, flexible_form, \
         hire_id, status, dedupe_key, created_at, decided_at, decided_by) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT (dedupe_key) DO NOTHING"
    )
    .bind(s.id)
    .bind(s.person_id)
    .bind(&s.kind)
    .bind(&s.county_code)
    .bind(&s.reason)
    .bind(&s.employer_name)
    .bind(&s.flexible_form)
    .bind(s.hire_id)
    .bind(&s.status)
    .bind(&s.dedupe_key)
    .bind(s.created_at)
    .bind(s.decided_at)
    .bind(s.decided_by)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub async fn suggestion(db: &Db, id: Uuid) -> Result<Option<SuggestionRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, SuggestionRow>(
        select_suggestions!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn open_suggestions_of(db: &Db, person_id: Uuid) -> Result<Vec<SuggestionRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, SuggestionRow>(
        select_suggestions!("WHERE person_id = $1 AND status = 'open' ORDER BY created_at DESC")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

pub async fn open_suggestions_in_region(db: &Db, prefix: &str) -> Result<Vec<SuggestionRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, SuggestionRow>(
        select_suggestions!(
            "WHERE county_code LIKE $1 AND status = 'open' ORDER BY created_at DESC LIMIT 500"
        )
    )
    .bind(&like)
    .fetch_all(p)
    .await)?)
}

pub async fn decide_suggestion(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE registration_suggestions SET status = $2, decided_by = $3, decided_at = $4 WHERE id = $1 AND status = 'open'"
    )
    .bind(id)
    .bind(status)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Market hires for registration suggestions: (hire id, person, county, form, employer name,
/// start date, completed at) of hires created or completed since `since`.
pub type HireFact = (
    Uuid,
    Uuid,
    String,
    String,
    String,
    NaiveDate,
    Option<DateTime<Utc>>,
);

pub async fn hires_since(db: &Db, since: DateTime<Utc>) -> Result<Vec<HireFact>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, HireFact>(
        "SELECT h.id, h.person_id, h.county_code, h.form, e.name, h.start_date, h.completed_at FROM hires h \
         JOIN employers e ON e.id = h.employer_id WHERE h.created_at >= $1 OR h.completed_at >= $1 \
         ORDER BY h.created_at"
    )
    .bind(since)
    .fetch_all(p)
    .await
    })?)
}

/// Open flexible registrations whose person had no market hire active or completed since
/// `quiet_since`, and which began before it: candidates for a 失业登记 suggestion.
pub async fn quiet_flexible_registrations(
    db: &Db,
    quiet_since: DateTime<Utc>,
    began_before: NaiveDate,
) -> Result<Vec<RegistrationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, RegistrationRow>(
        select_registrations!(
            "WHERE kind = 'flexible' AND ended_on IS NULL AND started_on < $2 AND NOT EXISTS ( \
             SELECT 1 FROM hires h WHERE h.person_id = registrations.person_id AND \
             (h.status = 'active' OR h.created_at >= $1 OR h.completed_at >= $1))"
        )
    )
    .bind(quiet_since)
    .bind(began_before)
    .fetch_all(p)
    .await)?)
}
