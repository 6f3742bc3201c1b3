//! Public-service records: 就业/失业/灵活就业登记 with the 就业创业证, registration
//! suggestions, the facts other registers supply (business registrations, tax and
//! social-insurance records), payee accounts, benefit applications, caps and exclusive
//! claims, the append-only ledger with payment instructions and bank batches, idempotency
//! keys, the 免申即享 re-screening queue, and training courses.
//!
//! Guards live in the schema: one open registration per person (partial unique index), one
//! application per person, benefit and period, caps as CHECK constraints, exclusive claims
//! as primary keys, ledger transfers and payment instructions unique on their idempotency
//! keys. Functions here report a refused write as [`crate::StorageError::Conflict`].

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::status::{ApplicationStatus, InstructionStatus, RegistrationKind};
use crate::{Db, Result, Tx, on_pool, on_tx, values_list};

// ------------------------------------------------------------------------------ registrations

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
    .bind(&r.kind)
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

// ------------------------------------------------------------------------------ facts

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BusinessRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub kind: String,
    pub name: String,
    pub uscc: Option<String>,
    pub county_code: String,
    pub registered_on: NaiveDate,
    pub first_time: bool,
    pub operating_normally: bool,
    pub employees_driven: i32,
    pub rents_state_owned_property: bool,
    pub road_occupation_approved: bool,
    pub source: String,
    pub verified: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_businesses {
    ($tail:literal) => {
        concat!(
            "SELECT id, person_id, kind, name, uscc, county_code, registered_on, first_time, operating_normally, \
             employees_driven, rents_state_owned_property, road_occupation_approved, source, verified, created_at, \
             updated_at FROM businesses ",
            $tail
        )
    };
}

/// Inserts or (by id) replaces a business registration.
pub async fn upsert_business(tx: &mut Tx, b: &BusinessRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO businesses (id, person_id, kind, name, uscc, county_code, registered_on, first_time, \
         operating_normally, employees_driven, rents_state_owned_property, road_occupation_approved, source, verified, \
         created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16) \
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, uscc = excluded.uscc, \
         county_code = excluded.county_code, registered_on = excluded.registered_on, first_time = excluded.first_time, \
         operating_normally = excluded.operating_normally, employees_driven = excluded.employees_driven, \
         rents_state_owned_property = excluded.rents_state_owned_property, \
         road_occupation_approved = excluded.road_occupation_approved, source = excluded.source, \
         verified = excluded.verified, updated_at = excluded.updated_at"
    )
    .bind(b.id)
    .bind(b.person_id)
    .bind(&b.kind)
    .bind(&b.name)
    .bind(&b.uscc)
    .bind(&b.county_code)
    .bind(b.registered_on)
    .bind(b.first_time)
    .bind(b.operating_normally)
    .bind(b.employees_driven)
    .bind(b.rents_state_owned_property)
    .bind(b.road_occupation_approved)
    .bind(&b.source)
    .bind(b.verified)
    .bind(b.created_at)
    .bind(b.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn businesses_of(db: &Db, person_id: Uuid) -> Result<Vec<BusinessRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, BusinessRow>(
        select_businesses!("WHERE person_id = $1 ORDER BY registered_on DESC")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

pub async fn business_by_uscc(tx: &mut Tx, uscc: &str) -> Result<Option<BusinessRow>> {
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, BusinessRow>(
        select_businesses!("WHERE uscc = $1")
    )
    .bind(uscc)
    .fetch_optional(c)
    .await)?)
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct TaxRecordRow {
    pub person_id: Uuid,
    pub year: i32,
    pub vat_fen: i64,
    pub urban_maintenance_fen: i64,
    pub education_fen: i64,
    pub local_education_fen: i64,
    pub income_tax_fen: i64,
    pub source: String,
    pub updated_at: DateTime<Utc>,
}

/// Inserts or replaces one person's tax year; true when anything changed.
pub async fn upsert_tax(tx: &mut Tx, r: &TaxRecordRow) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO tax_records (person_id, year, vat_fen, urban_maintenance_fen, education_fen, local_education_fen, \
         income_tax_fen, source, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) \
         ON CONFLICT (person_id, year) DO UPDATE SET vat_fen = excluded.vat_fen, \
         urban_maintenance_fen = excluded.urban_maintenance_fen, education_fen = excluded.education_fen, \
         local_education_fen = excluded.local_education_fen, income_tax_fen = excluded.income_tax_fen, \
         source = excluded.source, updated_at = excluded.updated_at \
         WHERE tax_records.vat_fen <> excluded.vat_fen OR tax_records.urban_maintenance_fen <> excluded.urban_maintenance_fen \
         OR tax_records.education_fen <> excluded.education_fen OR tax_records.local_education_fen <> excluded.local_education_fen \
         OR tax_records.income_tax_fen <> excluded.income_tax_fen OR tax_records.source <> excluded.source"
    )
    .bind(r.person_id)
    .bind(r.year)
    .bind(r.vat_fen)
    .bind(r.urban_maintenance_fen)
    .bind(r.education_fen)
    .bind(r.local_education_fen)
    .bind(r.income_tax_fen)
    .bind(&r.source)
    .bind(r.updated_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Rows per multi-row statement of the bulk writes below.
const BULK_CHUNK: usize = 1000;

/// [`upsert_tax`] for many rows (no two for the same person and year) in multi-row
/// statements. Returns the persons of the rows that were added or changed.
pub async fn upsert_tax_many(tx: &mut Tx, rows: &[TaxRecordRow]) -> Result<Vec<Uuid>> {
    let backend = tx.backend();
    let mut changed = Vec::new();
    for chunk in rows.chunks(BULK_CHUNK) {
        let sql = format!(
            "INSERT INTO tax_records (person_id, year, vat_fen, urban_maintenance_fen, education_fen, local_education_fen, \
             income_tax_fen, source, updated_at) VALUES {} \
             ON CONFLICT (person_id, year) DO UPDATE SET vat_fen = excluded.vat_fen, \
             urban_maintenance_fen = excluded.urban_maintenance_fen, education_fen = excluded.education_fen, \
             local_education_fen = excluded.local_education_fen, income_tax_fen = excluded.income_tax_fen, \
             source = excluded.source, updated_at = excluded.updated_at \
             WHERE tax_records.vat_fen <> excluded.vat_fen OR tax_records.urban_maintenance_fen <> excluded.urban_maintenance_fen \
             OR tax_records.education_fen <> excluded.education_fen OR tax_records.local_education_fen <> excluded.local_education_fen \
             OR tax_records.income_tax_fen <> excluded.income_tax_fen OR tax_records.source <> excluded.source \
             RETURNING person_id",
            values_list(backend, chunk.len(), 9)
        );
        let ids: Vec<Uuid> = on_tx!(tx, |c| {
            let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()));
            for r in chunk {
                q = q
                    .bind(r.person_id)
                    .bind(r.year)
                    .bind(r.vat_fen)
                    .bind(r.urban_maintenance_fen)
                    .bind(r.education_fen)
                    .bind(r.local_education_fen)
                    .bind(r.income_tax_fen)
                    .bind(&r.source)
                    .bind(r.updated_at);
            }
            q.fetch_all(c).await
        })?;
        changed.extend(ids);
    }
    Ok(changed)
}

pub async fn tax_of(db: &Db, person_id: Uuid) -> Result<Vec<TaxRecordRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, TaxRecordRow>(
        "SELECT person_id, year, vat_fen, urban_maintenance_fen, education_fen, local_education_fen, income_tax_fen, \
         source, updated_at FROM tax_records WHERE person_id = $1 ORDER BY year"
    )
    .bind(person_id)
    .fetch_all(p)
    .await
    })?)
}

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct SiPaymentRow {
    pub person_id: Uuid,
    pub month: String,
    pub amount_fen: i64,
    pub source: String,
    pub updated_at: DateTime<Utc>,
}

/// Inserts or replaces one month's premium; true when anything changed.
pub async fn upsert_si(tx: &mut Tx, r: &SiPaymentRow) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO si_payments (person_id, month, amount_fen, source, updated_at) VALUES ($1,$2,$3,$4,$5) \
         ON CONFLICT (person_id, month) DO UPDATE SET amount_fen = excluded.amount_fen, source = excluded.source, \
         updated_at = excluded.updated_at \
         WHERE si_payments.amount_fen <> excluded.amount_fen OR si_payments.source <> excluded.source"
    )
    .bind(r.person_id)
    .bind(&r.month)
    .bind(r.amount_fen)
    .bind(&r.source)
    .bind(r.updated_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// [`upsert_si`] for many rows (no two for the same person and month) in multi-row
/// statements. Returns the persons of the rows that were added or changed.
pub async fn upsert_si_many(tx: &mut Tx, rows: &[SiPaymentRow]) -> Result<Vec<Uuid>> {
    let backend = tx.backend();
    let mut changed = Vec::new();
    for chunk in rows.chunks(BULK_CHUNK) {
        let sql = format!(
            "INSERT INTO si_payments (person_id, month, amount_fen, source, updated_at) VALUES {} \
             ON CONFLICT (person_id, month) DO UPDATE SET amount_fen = excluded.amount_fen, source = excluded.source, \
             updated_at = excluded.updated_at \
             WHERE si_payments.amount_fen <> excluded.amount_fen OR si_payments.source <> excluded.source \
             RETURNING person_id",
            values_list(backend, chunk.len(), 5)
        );
        let ids: Vec<Uuid> = on_tx!(tx, |c| {
            let mut q = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone()));
            for r in chunk {
                q = q
                    .bind(r.person_id)
                    .bind(&r.month)
                    .bind(r.amount_fen)
                    .bind(&r.source)
                    .bind(r.updated_at);
            }
            q.fetch_all(c).await
        })?;
        changed.extend(ids);
    }
    Ok(changed)
}

pub async fn si_of(db: &Db, person_id: Uuid) -> Result<Vec<SiPaymentRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, SiPaymentRow>(
        "SELECT person_id, month, amount_fen, source, updated_at FROM si_payments WHERE person_id = $1 ORDER BY month"
    )
    .bind(person_id)
    .fetch_all(p)
    .await
    })?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PayeeRow {
    pub person_id: Uuid,
    pub bank_name: String,
    pub account_cipher: Vec<u8>,
    pub account_last4: String,
    pub updated_at: DateTime<Utc>,
}

pub async fn upsert_payee(tx: &mut Tx, r: &PayeeRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO payee_accounts (person_id, bank_name, account_cipher, account_last4, updated_at) VALUES ($1,$2,$3,$4,$5) \
         ON CONFLICT (person_id) DO UPDATE SET bank_name = excluded.bank_name, account_cipher = excluded.account_cipher, \
         account_last4 = excluded.account_last4, updated_at = excluded.updated_at"
    )
    .bind(r.person_id)
    .bind(&r.bank_name)
    .bind(&r.account_cipher)
    .bind(&r.account_last4)
    .bind(r.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn payee(db: &Db, person_id: Uuid) -> Result<Option<PayeeRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, PayeeRow>(
        "SELECT person_id, bank_name, account_cipher, account_last4, updated_at FROM payee_accounts WHERE person_id = $1"
    )
    .bind(person_id)
    .fetch_optional(p)
    .await
    })?)
}

// ------------------------------------------------------------------------------ applications

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

// ------------------------------------------------------------------------------ caps and claims

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

// ------------------------------------------------------------------------------ ledger

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TransferRow {
    pub id: Uuid,
    pub idempotency_key: String,
    pub kind: String,
    pub debit_account: String,
    pub credit_account: String,
    pub amount_fen: i64,
    pub application_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub county_code: String,
    pub benefit: String,
    pub memo: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// Appends a transfer unless one with the same idempotency key exists; true when appended.
pub async fn insert_transfer(tx: &mut Tx, t: &TransferRow) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO ledger_transfers (id, idempotency_key, kind, debit_account, credit_account, amount_fen, \
         application_id, person_id, county_code, benefit, memo, created_by, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13) ON CONFLICT (idempotency_key) DO NOTHING"
    )
    .bind(t.id)
    .bind(&t.idempotency_key)
    .bind(&t.kind)
    .bind(&t.debit_account)
    .bind(&t.credit_account)
    .bind(t.amount_fen)
    .bind(t.application_id)
    .bind(t.person_id)
    .bind(&t.county_code)
    .bind(&t.benefit)
    .bind(&t.memo)
    .bind(t.created_by)
    .bind(t.created_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

macro_rules! select_transfers {
    ($tail:literal) => {
        concat!(
            "SELECT id, idempotency_key, kind, debit_account, credit_account, amount_fen, application_id, person_id, \
             county_code, benefit, memo, created_by, created_at FROM ledger_transfers ",
            $tail
        )
    };
}

pub async fn transfers_of_application(db: &Db, application_id: Uuid) -> Result<Vec<TransferRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, TransferRow>(
        select_transfers!("WHERE application_id = $1 ORDER BY seq")
    )
    .bind(application_id)
    .fetch_all(p)
    .await)?)
}

pub async fn transfers_of_person(db: &Db, person_id: Uuid) -> Result<Vec<TransferRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, TransferRow>(
        select_transfers!("WHERE person_id = $1 ORDER BY seq")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// Every account's debits and credits: (account, debited, credited).
pub async fn account_totals(db: &Db) -> Result<Vec<(String, i64, i64)>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, (String, i64, i64)>(
        "SELECT account, CAST(SUM(d) AS BIGINT), CAST(SUM(cr) AS BIGINT) FROM ( \
         SELECT debit_account AS account, amount_fen AS d, 0 AS cr FROM ledger_transfers \
         UNION ALL SELECT credit_account AS account, 0 AS d, amount_fen AS cr FROM ledger_transfers) t \
         GROUP BY account ORDER BY account"
    )
    .fetch_all(p)
    .await
    })?)
}

/// Σ granted and Σ paid for one person and benefit (fen).
pub async fn granted_and_paid(db: &Db, person_id: Uuid, benefit: &str) -> Result<(i64, i64)> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (i64, i64)>(
        "SELECT CAST(COALESCE(SUM(CASE WHEN kind IN ('grant','adjustment') THEN amount_fen \
         WHEN kind = 'recovery' THEN -amount_fen ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN kind = 'payment' THEN amount_fen ELSE 0 END), 0) AS BIGINT) \
         FROM ledger_transfers WHERE person_id = $1 AND benefit = $2"
    )
    .bind(person_id)
    .bind(benefit)
    .fetch_one(p)
    .await)?)
}

/// Breaks of the ledger's invariants, described in Chinese (empty when it holds). `paid`
/// names the benefits paid through the ledger (the policy catalogue's, given by the service):
/// an approved application of one of them must have its grant.
pub async fn ledger_problems(db: &Db, paid: &[&str]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let twice: Vec<(Uuid, i64)> = on_pool!(db, |p| {
        sqlx::query_as::<_, (Uuid, i64)>(
        "SELECT application_id, COUNT(*) FROM ledger_transfers WHERE kind = 'grant' AND application_id IS NOT NULL \
         GROUP BY application_id HAVING COUNT(*) > 1"
    )
    .fetch_all(p)
    .await
    })?;
    out.extend(
        twice
            .into_iter()
            .map(|(a, n)| format!("申请{a}有{n}笔发放记账")),
    );
    let unmatched: Vec<Uuid> = on_pool!(db, |p| sqlx::query_scalar::<_, Uuid>(
        "SELECT t.id FROM ledger_transfers t LEFT JOIN payment_instructions i \
         ON i.application_id = t.application_id AND i.instalment = 1 \
         WHERE t.kind = 'grant' AND (i.id IS NULL OR i.amount_fen <> t.amount_fen)"
    )
    .fetch_all(p)
    .await)?;
    out.extend(
        unmatched
            .into_iter()
            .map(|t| format!("发放记账{t}没有金额相同的付款指令")),
    );
    let ungranted_sql = format!(
        "SELECT a.id FROM benefit_applications a WHERE a.status = 'approved' AND a.amount_fen > 0 \
         AND a.benefit IN {} \
         AND NOT EXISTS (SELECT 1 FROM ledger_transfers t WHERE t.application_id = a.id AND t.kind = 'grant')",
        values_list(db.backend(), 1, paid.len().max(1))
    );
    let ungranted: Vec<Uuid> = on_pool!(db, |p| {
        let mut q = sqlx::query_scalar::<_, Uuid>(sqlx::AssertSqlSafe(ungranted_sql.clone()));
        for b in paid {
            q = q.bind(*b);
        }
        if paid.is_empty() {
            q = q.bind("");
        }
        q.fetch_all(p).await
    })?;
    out.extend(
        ungranted
            .into_iter()
            .map(|a| format!("已批准的申请{a}没有发放记账")),
    );
    let unapproved: Vec<Uuid> = on_pool!(db, |p| {
        sqlx::query_scalar::<_, Uuid>(
        "SELECT t.id FROM ledger_transfers t WHERE t.kind = 'grant' AND NOT EXISTS \
         (SELECT 1 FROM benefit_applications a WHERE a.id = t.application_id AND a.status = 'approved')"
    )
    .fetch_all(p)
    .await
    })?;
    out.extend(
        unapproved
            .into_iter()
            .map(|t| format!("发放记账{t}没有对应的已批准申请")),
    );
    // Payments: one transfer per paid instruction, none for any other.
    let paid: Vec<(Uuid, String, i64)> =
        on_pool!(db, |p| sqlx::query_as::<_, (Uuid, String, i64)>(
            "SELECT id, status, amount_fen FROM payment_instructions"
        )
        .fetch_all(p)
        .await)?;
    let payments: Vec<(String, i64)> = on_pool!(db, |p| sqlx::query_as::<_, (String, i64)>(
        "SELECT idempotency_key, amount_fen FROM ledger_transfers WHERE kind = 'payment'"
    )
    .fetch_all(p)
    .await)?;
    let by_key: std::collections::HashMap<String, i64> = payments.into_iter().collect();
    for (id, status, amount) in paid {
        let t = by_key.get(&format!("payment:{id}"));
        match (status.as_str(), t) {
            ("paid", Some(a)) if *a == amount => {}
            ("paid", _) => out.push(format!("付款指令{id}已到账，但账本没有金额相同的付款记账")),
            (_, Some(_)) => out.push(format!("付款指令{id}未到账，账本却有付款记账")),
            _ => {}
        }
    }
    Ok(out)
}

// ------------------------------------------------------------------------------ payments

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

// ------------------------------------------------------------------------------ idempotency

/// A stored request: (request hash, status, body) — status and body are None while in flight.
pub type StoredRequest = (String, Option<i32>, Option<String>);

/// Claims `(principal, key)` for this transaction. None when the key is new (claimed now);
/// otherwise the stored request. On PostgreSQL a concurrent claimer waits for the first
/// transaction to finish; on SQLite writers are serialised by `BEGIN IMMEDIATE`.
pub async fn claim_idempotency_key(
    tx: &mut Tx,
    principal: Uuid,
    key: &str,
    request_hash: &str,
    at: DateTime<Utc>,
) -> Result<Option<StoredRequest>> {
    let inserted = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO idempotency_keys (principal, key, request_hash, response_status, response_body, created_at) \
         VALUES ($1,$2,$3,NULL,NULL,$4) ON CONFLICT (principal, key) DO NOTHING"
    )
    .bind(principal)
    .bind(key)
    .bind(request_hash)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    if inserted == 1 {
        return Ok(None);
    }
    Ok(on_tx!(tx, |c| {
        sqlx::query_as::<_, StoredRequest>(
        "SELECT request_hash, response_status, response_body FROM idempotency_keys WHERE principal = $1 AND key = $2"
    )
    .bind(principal)
    .bind(key)
    .fetch_optional(c)
    .await
    })?)
}

pub async fn store_idempotent_response(
    tx: &mut Tx,
    principal: Uuid,
    key: &str,
    status: i32,
    body: &str,
) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE idempotency_keys SET response_status = $3, response_body = $4 WHERE principal = $1 AND key = $2"
    )
    .bind(principal)
    .bind(key)
    .bind(status)
    .bind(body)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

// ------------------------------------------------------------------------------ 免申即享

pub async fn enqueue_rescreen(tx: &mut Tx, person_id: Uuid, at: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO rescreen_queue (person_id, queued_at) VALUES ($1,$2) ON CONFLICT (person_id) DO NOTHING"
    )
    .bind(person_id)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// [`enqueue_rescreen`] for many persons in multi-row statements.
pub async fn enqueue_rescreen_many(tx: &mut Tx, persons: &[Uuid], at: DateTime<Utc>) -> Result<()> {
    let backend = tx.backend();
    for chunk in persons.chunks(BULK_CHUNK) {
        let sql = format!(
            "INSERT INTO rescreen_queue (person_id, queued_at) VALUES {} ON CONFLICT (person_id) DO NOTHING",
            values_list(backend, chunk.len(), 2)
        );
        on_tx!(tx, |c| {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for p in chunk {
                q = q.bind(*p).bind(at);
            }
            q.execute(c).await.map(|_| ())
        })?;
    }
    Ok(())
}

/// Takes up to `limit` persons off the re-screening queue.
pub async fn take_rescreen(db: &Db, limit: i64) -> Result<Vec<Uuid>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, Uuid>(
        "DELETE FROM rescreen_queue WHERE person_id IN \
         (SELECT person_id FROM rescreen_queue ORDER BY queued_at LIMIT $1) RETURNING person_id"
    )
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// Remembers that a person was told of an eligibility; true the first time.
pub async fn mark_eligibility_seen(
    tx: &mut Tx,
    person_id: Uuid,
    benefit: &str,
    period: &str,
    amount_fen: i64,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO eligibility_seen (person_id, benefit, period, amount_fen, seen_at) VALUES ($1,$2,$3,$4,$5) \
         ON CONFLICT (person_id, benefit, period) DO NOTHING"
    )
    .bind(person_id)
    .bind(benefit)
    .bind(period)
    .bind(amount_fen)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Records that the person was told of an eligibility (the funnel's "notified" stage).
pub async fn mark_eligibility_notified(
    tx: &mut Tx,
    person_id: Uuid,
    benefit: &str,
    period: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE eligibility_seen SET notified_at = $4 \
             WHERE person_id = $1 AND benefit = $2 AND period = $3 AND notified_at IS NULL",
        )
        .bind(person_id)
        .bind(benefit)
        .bind(period)
        .bind(at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn eligibility_seen_count(db: &Db, prefix: &str) -> Result<Vec<(String, i64)>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (String, i64)>(
        "SELECT e.benefit, COUNT(*) FROM eligibility_seen e JOIN persons p ON p.id = e.person_id \
         WHERE p.jurisdiction_code LIKE $1 GROUP BY e.benefit ORDER BY e.benefit"
    )
    .bind(&like)
    .fetch_all(p)
    .await)?)
}

// ------------------------------------------------------------------------------ training

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CourseRow {
    pub id: Uuid,
    pub county_code: String,
    pub title: String,
    pub provider: String,
    pub occupation: String,
    pub kind: String,
    pub hours: i32,
    pub days: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub enrolled: i32,
    pub subsidy_fen: i64,
    pub daily_allowance_fen: i64,
    pub status: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

macro_rules! select_courses {
    ($tail:literal) => {
        concat!(
            "SELECT id, county_code, title, provider, occupation, kind, hours, days, starts_on, ends_on, capacity, enrolled, \
             subsidy_fen, daily_allowance_fen, status, created_by, created_at FROM training_courses ",
            $tail
        )
    };
}

pub async fn insert_course(tx: &mut Tx, r: &CourseRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO training_courses (id, county_code, title, provider, occupation, kind, hours, days, starts_on, ends_on, \
         capacity, enrolled, subsidy_fen, daily_allowance_fen, status, created_by, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)"
    )
    .bind(r.id)
    .bind(&r.county_code)
    .bind(&r.title)
    .bind(&r.provider)
    .bind(&r.occupation)
    .bind(&r.kind)
    .bind(r.hours)
    .bind(r.days)
    .bind(r.starts_on)
    .bind(r.ends_on)
    .bind(r.capacity)
    .bind(r.enrolled)
    .bind(r.subsidy_fen)
    .bind(r.daily_allowance_fen)
    .bind(&r.status)
    .bind(r.created_by)
    .bind(r.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn course(db: &Db, id: Uuid) -> Result<Option<CourseRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, CourseRow>(
        select_courses!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// Courses in a region (all statuses), newest start first.
pub async fn courses_in_region(db: &Db, prefix: &str) -> Result<Vec<CourseRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, CourseRow>(
        select_courses!("WHERE county_code LIKE $1 ORDER BY starts_on DESC LIMIT 500")
    )
    .bind(&like)
    .fetch_all(p)
    .await)?)
}

/// Takes one place on an open course; false when full or not open.
pub async fn take_course_place(tx: &mut Tx, id: Uuid) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE training_courses SET enrolled = enrolled + 1 WHERE id = $1 AND status = 'open' AND enrolled < capacity"
    )
    .bind(id)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub async fn set_course_status(tx: &mut Tx, id: Uuid, from: &str, to: &str) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(
        "UPDATE training_courses SET status = $3 WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EnrolmentRow {
    pub id: Uuid,
    pub course_id: Uuid,
    pub person_id: Uuid,
    pub status: String,
    pub days_attended: i32,
    pub certificate_number: Option<String>,
    pub completed_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_enrolments {
    ($tail:literal) => {
        concat!(
            "SELECT id, course_id, person_id, status, days_attended, certificate_number, completed_on, created_at, \
             updated_at FROM training_enrolments ",
            $tail
        )
    };
}

pub async fn insert_enrolment(tx: &mut Tx, r: &EnrolmentRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO training_enrolments (id, course_id, person_id, status, days_attended, certificate_number, \
         completed_on, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)"
    )
    .bind(r.id)
    .bind(r.course_id)
    .bind(r.person_id)
    .bind(&r.status)
    .bind(r.days_attended)
    .bind(&r.certificate_number)
    .bind(r.completed_on)
    .bind(r.created_at)
    .bind(r.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn enrolment(db: &Db, id: Uuid) -> Result<Option<EnrolmentRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, EnrolmentRow>(
        select_enrolments!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn enrolments_of_course(db: &Db, course_id: Uuid) -> Result<Vec<EnrolmentRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, EnrolmentRow>(
        select_enrolments!("WHERE course_id = $1 ORDER BY created_at")
    )
    .bind(course_id)
    .fetch_all(p)
    .await)?)
}

pub async fn enrolments_of_person(db: &Db, person_id: Uuid) -> Result<Vec<EnrolmentRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, EnrolmentRow>(
        select_enrolments!("WHERE person_id = $1 ORDER BY created_at DESC")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// Records a day of attendance (once per day) and refreshes the count; true when new.
pub async fn record_attendance(
    tx: &mut Tx,
    enrolment_id: Uuid,
    day: NaiveDate,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO training_attendance (enrolment_id, day, recorded_by, recorded_at) VALUES ($1,$2,$3,$4) \
         ON CONFLICT (enrolment_id, day) DO NOTHING"
    )
    .bind(enrolment_id)
    .bind(day)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE training_enrolments SET days_attended = (SELECT COUNT(*) FROM training_attendance WHERE enrolment_id = $1), \
         updated_at = $2 WHERE id = $1"
    )
    .bind(enrolment_id)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(n == 1)
}

/// Finishes an enrolment (enrolled → completed | failed); false when already finished.
pub async fn finish_enrolment(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    certificate: Option<&str>,
    on: NaiveDate,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE training_enrolments SET status = $2, certificate_number = $3, completed_on = $4, updated_at = $5 \
         WHERE id = $1 AND status = 'enrolled'"
    )
    .bind(id)
    .bind(status)
    .bind(certificate)
    .bind(on)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}
