//! Designated selling places (二(三), 三(四), 三(六)) with their stall applications and the
//! 占道 approval on each, and the gig-market sites (零工市场/劳务市场/零工驿站, 四(九)).
//! Lists that staff see take a region prefix, so scope is part of the query.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

// ---------------------------------------------------------------------------------------
// Designated places

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PlaceRow {
    pub id: Uuid,
    pub county_code: String,
    /// night_market, stall_point or scenic_zone.
    pub kind: String,
    pub name: String,
    pub address: String,
    pub hours: String,
    pub pitches: i64,
    pub allocated: i64,
    /// 0 = free; otherwise the reduced fee per `fee_period`.
    pub fee_fen: i64,
    /// day or month.
    pub fee_period: String,
    pub fee_note: String,
    pub clause: String,
    pub description: String,
    pub is_open: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_places {
    ($tail:literal) => {
        concat!(
            "SELECT id, county_code, kind, name, address, hours, pitches, allocated, fee_fen, fee_period, fee_note, clause, \
             description, is_open, created_by, created_at, updated_at FROM designated_places ",
            $tail
        )
    };
}

pub async fn insert_place(tx: &mut Tx, p: &PlaceRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO designated_places (id, county_code, kind, name, address, hours, pitches, allocated, fee_fen, \
             fee_period, fee_note, clause, description, is_open, created_by, created_at, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)",
        )
        .bind(p.id)
        .bind(&p.county_code)
        .bind(&p.kind)
        .bind(&p.name)
        .bind(&p.address)
        .bind(&p.hours)
        .bind(p.pitches)
        .bind(p.allocated)
        .bind(p.fee_fen)
        .bind(&p.fee_period)
        .bind(&p.fee_note)
        .bind(&p.clause)
        .bind(&p.description)
        .bind(p.is_open)
        .bind(p.created_by)
        .bind(p.created_at)
        .bind(p.updated_at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn place(db: &Db, id: Uuid) -> Result<Option<PlaceRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, PlaceRow>(
        select_places!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// Every place of a region (a prefix of county codes; "" for the province), by county and name.
pub async fn places_in_region(db: &Db, prefix: &str) -> Result<Vec<PlaceRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, PlaceRow>(
        select_places!("WHERE county_code LIKE $1 ORDER BY county_code, name, id LIMIT 1000")
    )
    .bind(&like)
    .fetch_all(p)
    .await)?)
}

pub async fn set_place_open(tx: &mut Tx, id: Uuid, open: bool, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE designated_places SET is_open = $2, updated_at = $3 WHERE id = $1 AND is_open <> $2"
    )
    .bind(id)
    .bind(open)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Takes one free pitch of a place; false when none is left.
pub async fn take_pitch(tx: &mut Tx, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(
        "UPDATE designated_places SET allocated = allocated + 1, updated_at = $2 \
         WHERE id = $1 AND allocated < pitches"
    )
    .bind(id)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

// ---------------------------------------------------------------------------------------
// Stall applications

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StallApplicationRow {
    pub id: Uuid,
    pub place_id: Uuid,
    pub person_id: Uuid,
    /// The county of the place, which decides.
    pub county_code: String,
    /// farm_produce, daily_goods, convenience_labour or other.
    pub goods: String,
    pub business: String,
    /// pending, approved or refused.
    pub status: String,
    pub priority_group: Option<String>,
    pub rank: Option<i64>,
    pub reason: String,
    /// Whether the licence exemption (三(四)) applies, as determined at approval.
    pub exempt: bool,
    /// The engine's determination at the decision, JSON.
    pub determination: String,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

macro_rules! select_stalls {
    ($tail:literal) => {
        concat!(
            "SELECT id, place_id, person_id, county_code, goods, business, status, priority_group, rank, reason, exempt, \
             determination, decided_by, decided_at, created_at FROM stall_applications ",
            $tail
        )
    };
}

pub async fn insert_stall_application(tx: &mut Tx, a: &StallApplicationRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO stall_applications (id, place_id, person_id, county_code, goods, business, status, priority_group, \
             rank, reason, exempt, determination, decided_by, decided_at, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)",
        )
        .bind(a.id)
        .bind(a.place_id)
        .bind(a.person_id)
        .bind(&a.county_code)
        .bind(&a.goods)
        .bind(&a.business)
        .bind(&a.status)
        .bind(&a.priority_group)
        .bind(a.rank)
        .bind(&a.reason)
        .bind(a.exempt)
        .bind(&a.determination)
        .bind(a.decided_by)
        .bind(a.decided_at)
        .bind(a.created_at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn stall_application(db: &Db, id: Uuid) -> Result<Option<StallApplicationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, StallApplicationRow>(
        select_stalls!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn stall_applications_of_place(
    db: &Db,
    place_id: Uuid,
) -> Result<Vec<StallApplicationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, StallApplicationRow>(
        select_stalls!("WHERE place_id = $1 ORDER BY created_at, id")
    )
    .bind(place_id)
    .fetch_all(p)
    .await)?)
}

pub async fn stall_applications_of_person(
    db: &Db,
    person_id: Uuid,
) -> Result<Vec<StallApplicationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, StallApplicationRow>(
        select_stalls!("WHERE person_id = $1 ORDER BY created_at DESC")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// The decision on a pending application; false when it was decided already.
#[allow(clippy::too_many_arguments)]
pub async fn decide_stall_application(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    priority_group: Option<&str>,
    rank: Option<i64>,
    reason: &str,
    exempt: bool,
    determination: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE stall_applications SET status = $2, priority_group = $3, rank = $4, reason = $5, exempt = $6, \
         determination = $7, decided_by = $8, decided_at = $9 WHERE id = $1 AND status = 'pending'"
    )
    .bind(id)
    .bind(status)
    .bind(priority_group)
    .bind(rank)
    .bind(reason)
    .bind(exempt)
    .bind(determination)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

// ---------------------------------------------------------------------------------------
// Gig-market sites

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SiteRow {
    pub id: Uuid,
    pub county_code: String,
    /// gig_market, labour_market or gig_station.
    pub kind: String,
    pub name: String,
    pub address: String,
    pub hours: String,
    /// JSON list of service codes.
    pub services: String,
    pub lat: f64,
    pub lon: f64,
    pub description: String,
    pub is_active: bool,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_sites {
    ($tail:literal) => {
        concat!(
            "SELECT id, county_code, kind, name, address, hours, services, lat, lon, description, is_active, created_by, \
             created_at, updated_at FROM gig_sites ",
            $tail
        )
    };
}

pub async fn insert_site(tx: &mut Tx, s: &SiteRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO gig_sites (id, county_code, kind, name, address, hours, services, lat, lon, description, \
             is_active, created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)",
        )
        .bind(s.id)
        .bind(&s.county_code)
        .bind(&s.kind)
        .bind(&s.name)
        .bind(&s.address)
        .bind(&s.hours)
        .bind(&s.services)
        .bind(s.lat)
        .bind(s.lon)
        .bind(&s.description)
        .bind(s.is_active)
        .bind(s.created_by)
        .bind(s.created_at)
        .bind(s.updated_at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn site(db: &Db, id: Uuid) -> Result<Option<SiteRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, SiteRow>(
        select_sites!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// Every site of a region (a prefix of county codes; "" for the province), by county and name.
pub async fn sites_in_region(db: &Db, prefix: &str) -> Result<Vec<SiteRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, SiteRow>(
        select_sites!("WHERE county_code LIKE $1 ORDER BY county_code, name, id LIMIT 1000")
    )
    .bind(&like)
    .fetch_all(p)
    .await)?)
}

pub async fn set_site_active(
    tx: &mut Tx,
    id: Uuid,
    active: bool,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(
        "UPDATE gig_sites SET is_active = $2, updated_at = $3 WHERE id = $1 AND is_active <> $2"
    )
    .bind(id)
    .bind(active)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}
