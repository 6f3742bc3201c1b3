//! The facts other registers supply: business registrations, tax and social-insurance records, and payee accounts.

use super::*;

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

/// [`businesses_of`] of a page of persons, by person.
pub async fn businesses_of_persons(db: &Db, ids: &[Uuid]) -> Result<Vec<BusinessRow>> {
    crate::select_in(
        db,
        select_businesses!("WHERE person_id"),
        "ORDER BY person_id, registered_on DESC, id",
        ids,
    )
    .await
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
pub(super) const BULK_CHUNK: usize = 1000;

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

/// [`tax_of`] of a page of persons, by person.
pub async fn tax_of_persons(db: &Db, ids: &[Uuid]) -> Result<Vec<TaxRecordRow>> {
    crate::select_in(
        db,
        "SELECT person_id, year, vat_fen, urban_maintenance_fen, education_fen, local_education_fen, income_tax_fen, \
         source, updated_at FROM tax_records WHERE person_id",
        "ORDER BY person_id, year",
        ids,
    )
    .await
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

/// [`si_of`] of a page of persons, by person.
pub async fn si_of_persons(db: &Db, ids: &[Uuid]) -> Result<Vec<SiPaymentRow>> {
    crate::select_in(
        db,
        "SELECT person_id, month, amount_fen, source, updated_at FROM si_payments WHERE person_id",
        "ORDER BY person_id, month",
        ids,
    )
    .await
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
