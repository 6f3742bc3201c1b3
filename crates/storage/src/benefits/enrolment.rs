//! 参保登记 (a flexible worker's enrolment in 企业职工基本养老保险 / 职工基本医疗保险) and the
//! 灵活就业一件事 items that hold a registration, enrolments and applications as one.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SiEnrolmentRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub county_code: String,
    /// pension | medical
    pub scheme: String,
    /// YYYY-MM
    pub start_month: String,
    pub base_fen: i64,
    /// self | staff
    pub source: String,
    pub item_id: Option<Uuid>,
    pub consent_note: String,
    pub recorded_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// Stores an enrolment; a second enrolment of a person in the same scheme is a conflict.
pub async fn insert_si_enrolment(tx: &mut Tx, r: &SiEnrolmentRow) -> Result<()> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO si_enrolments (id, person_id, county_code, scheme, start_month, base_fen, source, \
             item_id, consent_note, recorded_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(r.id)
        .bind(r.person_id)
        .bind(&r.county_code)
        .bind(&r.scheme)
        .bind(&r.start_month)
        .bind(r.base_fen)
        .bind(&r.source)
        .bind(r.item_id)
        .bind(&r.consent_note)
        .bind(r.recorded_by)
        .bind(r.created_at)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn si_enrolments_of(db: &Db, person_id: Uuid) -> Result<Vec<SiEnrolmentRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, SiEnrolmentRow>(
        "SELECT id, person_id, county_code, scheme, start_month, base_fen, source, item_id, consent_note, \
         recorded_by, created_at FROM si_enrolments WHERE person_id = $1 ORDER BY scheme"
    )
    .bind(person_id)
    .fetch_all(p)
    .await
    })?)
}

/// [`si_enrolments_of`] of a page of persons, by person.
pub async fn si_enrolments_of_persons(db: &Db, ids: &[Uuid]) -> Result<Vec<SiEnrolmentRow>> {
    crate::select_in(
        db,
        "SELECT id, person_id, county_code, scheme, start_month, base_fen, source, item_id, consent_note, \
         recorded_by, created_at FROM si_enrolments WHERE person_id",
        "ORDER BY person_id, scheme",
        ids,
    )
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OneThingRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub county_code: String,
    pub registration_id: Option<Uuid>,
    /// JSON: {"enrolments": [ids], "applications": [ids]}
    pub parts: String,
    pub on_behalf: bool,
    pub consent_note: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_onething(tx: &mut Tx, r: &OneThingRow) -> Result<()> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO onething_items (id, person_id, county_code, registration_id, parts, on_behalf, \
             consent_note, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
        )
        .bind(r.id)
        .bind(r.person_id)
        .bind(&r.county_code)
        .bind(r.registration_id)
        .bind(&r.parts)
        .bind(r.on_behalf)
        .bind(&r.consent_note)
        .bind(r.created_by)
        .bind(r.created_at)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn onething_of(db: &Db, person_id: Uuid) -> Result<Vec<OneThingRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, OneThingRow>(
        "SELECT id, person_id, county_code, registration_id, parts, on_behalf, consent_note, created_by, \
         created_at FROM onething_items WHERE person_id = $1 ORDER BY created_at DESC"
    )
    .bind(person_id)
    .fetch_all(p)
    .await
    })?)
}
