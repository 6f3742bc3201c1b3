//! Public-service records (三(五)(六), 四(九)): recruitment events with their employers, posts,
//! registrations and outcomes; free business venues and their applications; fee relief
//! (rent relief, road-fee exemption); personnel archives with their movement log. Lists that
//! staff see take a region prefix, so scope is part of the query.

// Public services by part: this file holds events, venues, relief and archives.
pub mod complaints;
pub mod guidance;
pub mod guide;
pub mod places;
pub mod publicity;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

// ---------------------------------------------------------------------------------------
// Recruitment events

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub id: Uuid,
    pub title: String,
    pub kind: String,
    pub county_code: String,
    pub venue: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub description: String,
    /// JSON list of group codes.
    pub target_groups: String,
    pub status: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_events {
    ($tail:literal) => {
        concat!(
            "SELECT id, title, kind, county_code, venue, starts_at, ends_at, description, target_groups, status, created_by, \
             created_at, updated_at FROM recruitment_events ",
            $tail
        )
    };
}

pub async fn insert_event(tx: &mut Tx, e: &EventRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO recruitment_events (id, title, kind, county_code, venue, starts_at, ends_at, description, target_groups, \
         status, created_by, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)"
    )
    .bind(e.id)
    .bind(&e.title)
    .bind(&e.kind)
    .bind(&e.county_code)
    .bind(&e.venue)
    .bind(e.starts_at)
    .bind(e.ends_at)
    .bind(&e.description)
    .bind(&e.target_groups)
    .bind(&e.status)
    .bind(e.created_by)
    .bind(e.created_at)
    .bind(e.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn event(db: &Db, id: Uuid) -> Result<Option<EventRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, EventRow>(
        select_events!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// Published events that have not ended, soonest first.
pub async fn published_events(db: &Db, now: DateTime<Utc>) -> Result<Vec<EventRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, EventRow>(
        select_events!("WHERE status = $1 AND ends_at >= $2 ORDER BY starts_at LIMIT 200")
    )
    .bind("published")
    .bind(now)
    .fetch_all(p)
    .await)?)
}

pub async fn events_in_region(db: &Db, prefix: &str) -> Result<Vec<EventRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, EventRow>(
        select_events!("WHERE county_code LIKE $1 ORDER BY starts_at DESC LIMIT 500")
    )
    .bind(&like)
    .fetch_all(p)
    .await)?)
}

pub async fn set_event_status(
    tx: &mut Tx,
    id: Uuid,
    from: &str,
    to: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE recruitment_events SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Adds an employer to an event; false when it already takes part.
pub async fn add_event_employer(
    tx: &mut Tx,
    event_id: Uuid,
    employer_id: Uuid,
    added_by: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO event_employers (event_id, employer_id, added_by, created_at) VALUES ($1,$2,$3,$4) \
         ON CONFLICT (event_id, employer_id) DO NOTHING"
    )
    .bind(event_id)
    .bind(employer_id)
    .bind(added_by)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub async fn add_event_post(
    tx: &mut Tx,
    event_id: Uuid,
    post_id: Uuid,
    employer_id: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO event_posts (event_id, post_id, employer_id, created_at) VALUES ($1,$2,$3,$4) \
         ON CONFLICT (event_id, post_id) DO NOTHING"
    )
    .bind(event_id)
    .bind(post_id)
    .bind(employer_id)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// (employer id, added by) of an event's employers, in the order they joined.
pub async fn event_employers(db: &Db, event_id: Uuid) -> Result<Vec<(Uuid, String)>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as(
        "SELECT employer_id, added_by FROM event_employers WHERE event_id = $1 ORDER BY created_at, employer_id"
    )
    .bind(event_id)
    .fetch_all(p)
    .await
    })?)
}

/// (post id, employer id) of the posts brought to an event.
pub async fn event_posts(db: &Db, event_id: Uuid) -> Result<Vec<(Uuid, Uuid)>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as(
        "SELECT post_id, employer_id FROM event_posts WHERE event_id = $1 ORDER BY created_at, post_id"
    )
    .bind(event_id)
    .fetch_all(p)
    .await
    })?)
}

/// Events an employer takes part in.
pub async fn events_of_employer(db: &Db, employer_id: Uuid) -> Result<Vec<Uuid>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar(
        "SELECT event_id FROM event_employers WHERE employer_id = $1"
    )
    .bind(employer_id)
    .fetch_all(p)
    .await)?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRegistrationRow {
    pub id: Uuid,
    pub event_id: Uuid,
    pub person_id: Uuid,
    pub created_at: DateTime<Utc>,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_in_by: Option<Uuid>,
    pub interviews: i64,
    pub offers: i64,
    pub hires: i64,
    pub hire_id: Option<Uuid>,
    pub outcome_note: String,
    pub outcome_by: Option<Uuid>,
    pub outcome_at: Option<DateTime<Utc>>,
}

macro_rules! select_event_regs {
    ($tail:literal) => {
        concat!(
            "SELECT id, event_id, person_id, created_at, checked_in_at, checked_in_by, interviews, offers, hires, hire_id, \
             outcome_note, outcome_by, outcome_at FROM event_registrations ",
            $tail
        )
    };
}

/// Registers a person for an event; false when they are already registered (one row per
/// person and event, whatever the race).
pub async fn insert_event_registration(tx: &mut Tx, r: &EventRegistrationRow) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO event_registrations (id, event_id, person_id, created_at) VALUES ($1,$2,$3,$4) \
         ON CONFLICT (event_id, person_id) DO NOTHING"
    )
    .bind(r.id)
    .bind(r.event_id)
    .bind(r.person_id)
    .bind(r.created_at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub async fn event_registration(db: &Db, id: Uuid) -> Result<Option<EventRegistrationRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, EventRegistrationRow>(select_event_regs!("WHERE id = $1"))
            .bind(id)
            .fetch_optional(p)
            .await
    })?)
}

pub async fn event_registrations(db: &Db, event_id: Uuid) -> Result<Vec<EventRegistrationRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, EventRegistrationRow>(select_event_regs!(
            "WHERE event_id = $1 ORDER BY created_at, id"
        ))
        .bind(event_id)
        .fetch_all(p)
        .await
    })?)
}

pub async fn event_registrations_of_person(
    db: &Db,
    person_id: Uuid,
) -> Result<Vec<EventRegistrationRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, EventRegistrationRow>(select_event_regs!(
            "WHERE person_id = $1 ORDER BY created_at DESC"
        ))
        .bind(person_id)
        .fetch_all(p)
        .await
    })?)
}

pub async fn check_in(tx: &mut Tx, id: Uuid, by: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE event_registrations SET checked_in_at = $2, checked_in_by = $3 WHERE id = $1 AND checked_in_at IS NULL"
    )
    .bind(id)
    .bind(at)
    .bind(by)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

#[allow(clippy::too_many_arguments)]
pub async fn set_outcome(
    tx: &mut Tx,
    id: Uuid,
    interviews: i64,
    offers: i64,
    hires: i64,
    hire_id: Option<Uuid>,
    note: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE event_registrations SET interviews = $2, offers = $3, hires = $4, hire_id = $5, outcome_note = $6, \
         outcome_by = $7, outcome_at = $8 WHERE id = $1"
    )
    .bind(id)
    .bind(interviews)
    .bind(offers)
    .bind(hires)
    .bind(hire_id)
    .bind(note)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

// ---------------------------------------------------------------------------------------
// Venues

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VenueRow {
    pub id: Uuid,
    pub name: String,
    pub address: String,
    pub county_code: String,
    pub places: i64,
    pub allocated: i64,
    pub is_open: bool,
    pub description: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_venues {
    ($tail:literal) => {
        concat!(
            "SELECT id, name, address, county_code, places, allocated, is_open, description, created_by, created_at, updated_at \
             FROM venues ",
            $tail
        )
    };
}

pub async fn insert_venue(tx: &mut Tx, v: &VenueRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO venues (id, name, address, county_code, places, allocated, is_open, description, created_by, created_at, \
         updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)"
    )
    .bind(v.id)
    .bind(&v.name)
    .bind(&v.address)
    .bind(&v.county_code)
    .bind(v.places)
    .bind(v.allocated)
    .bind(v.is_open)
    .bind(&v.description)
    .bind(v.created_by)
    .bind(v.created_at)
    .bind(v.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn venue(db: &Db, id: Uuid) -> Result<Option<VenueRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, VenueRow>(
        select_venues!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn open_venues(db: &Db) -> Result<Vec<VenueRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, VenueRow>(
        select_venues!("WHERE is_open = $1 ORDER BY county_code, name LIMIT 500")
    )
    .bind(true)
    .fetch_all(p)
    .await)?)
}

/// One page of the region's events (latest start first), optionally only those whose title matches `like` ('' for all), and the count of all.
pub async fn events_in_region_page(
    db: &Db,
    prefix: &str,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<EventRow>, i64)> {
    let region = format!("{prefix}%");
    let rows = on_pool!(db, |p| sqlx::query_as::<_, EventRow>(select_events!(
        "WHERE county_code LIKE $1 AND ($2 = '' OR title LIKE $2) \
         ORDER BY starts_at DESC, id LIMIT $3 OFFSET $4"
    ))
    .bind(&region)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await)?;
    let total: i64 = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM recruitment_events WHERE county_code LIKE $1 AND ($2 = '' OR title LIKE $2)"
    )
    .bind(&region)
    .bind(like)
    .fetch_one(p)
    .await
    })?;
    Ok((rows, total))
}

/// One page of the region's venues (newest first), optionally only those whose name or address matches `like`, and the count of all.
pub async fn venues_in_region_page(
    db: &Db,
    prefix: &str,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<VenueRow>, i64)> {
    let region = format!("{prefix}%");
    let rows = on_pool!(db, |p| sqlx::query_as::<_, VenueRow>(select_venues!(
        "WHERE county_code LIKE $1 AND ($2 = '' OR name LIKE $2 OR address LIKE $2) \
         ORDER BY created_at DESC, id LIMIT $3 OFFSET $4"
    ))
    .bind(&region)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await)?;
    let total: i64 = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM venues WHERE county_code LIKE $1 AND ($2 = '' OR name LIKE $2 OR address LIKE $2)"
    )
    .bind(&region)
    .bind(like)
    .fetch_one(p)
    .await
    })?;
    Ok((rows, total))
}

pub async fn venues_in_region(db: &Db, prefix: &str) -> Result<Vec<VenueRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, VenueRow>(
        select_venues!("WHERE county_code LIKE $1 ORDER BY created_at DESC LIMIT 500")
    )
    .bind(&like)
    .fetch_all(p)
    .await)?)
}

pub async fn set_venue_open(tx: &mut Tx, id: Uuid, open: bool, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(
        "UPDATE venues SET is_open = $2, updated_at = $3 WHERE id = $1 AND is_open <> $2"
    )
    .bind(id)
    .bind(open)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Takes one free place of a venue; false when none is left.
pub async fn take_venue_place(tx: &mut Tx, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE venues SET allocated = allocated + 1, updated_at = $2 WHERE id = $1 AND allocated < places"
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
pub struct VenueApplicationRow {
    pub id: Uuid,
    pub venue_id: Uuid,
    pub person_id: Uuid,
    pub business: String,
    pub status: String,
    pub priority_group: Option<String>,
    pub rank: Option<i64>,
    pub reason: String,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

macro_rules! select_venue_apps {
    ($tail:literal) => {
        concat!(
            "SELECT id, venue_id, person_id, business, status, priority_group, rank, reason, decided_by, decided_at, created_at \
             FROM venue_applications ",
            $tail
        )
    };
}

pub async fn insert_venue_application(tx: &mut Tx, a: &VenueApplicationRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO venue_applications (id, venue_id, person_id, business, status, priority_group, rank, reason, decided_by, \
         decided_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)"
    )
    .bind(a.id)
    .bind(a.venue_id)
    .bind(a.person_id)
    .bind(&a.business)
    .bind(&a.status)
    .bind(&a.priority_group)
    .bind(a.rank)
    .bind(&a.reason)
    .bind(a.decided_by)
    .bind(a.decided_at)
    .bind(a.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn venue_applications(db: &Db, venue_id: Uuid) -> Result<Vec<VenueApplicationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, VenueApplicationRow>(
        select_venue_apps!("WHERE venue_id = $1 ORDER BY created_at, id")
    )
    .bind(venue_id)
    .fetch_all(p)
    .await)?)
}

pub async fn venue_applications_of_person(
    db: &Db,
    person_id: Uuid,
) -> Result<Vec<VenueApplicationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, VenueApplicationRow>(
        select_venue_apps!("WHERE person_id = $1 ORDER BY created_at DESC")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// Records the decision on an application still open (pending or on the waiting list);
/// false when another allocation decided it first.
#[allow(clippy::too_many_arguments)]
pub async fn decide_venue_application(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    priority_group: Option<&str>,
    rank: i64,
    reason: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE venue_applications SET status = $2, priority_group = $3, rank = $4, reason = $5, decided_by = $6, decided_at = $7 \
         WHERE id = $1 AND status IN ('pending','waitlisted')"
    )
    .bind(id)
    .bind(status)
    .bind(priority_group)
    .bind(rank)
    .bind(reason)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Puts an application this transaction just claimed on the waiting list (no place left).
#[allow(clippy::too_many_arguments)]
pub async fn waitlist_venue_application(
    tx: &mut Tx,
    id: Uuid,
    priority_group: Option<&str>,
    rank: i64,
    reason: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE venue_applications SET status = 'waitlisted', priority_group = $2, rank = $3, reason = $4, decided_by = $5, \
         decided_at = $6 WHERE id = $1"
    )
    .bind(id)
    .bind(priority_group)
    .bind(rank)
    .bind(reason)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Fee relief

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReliefRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub employer_id: Option<Uuid>,
    pub county_code: String,
    pub kind: String,
    pub individual_household: bool,
    /// Rents state-owned property (rent relief) or road occupation approved (road fee).
    pub declared: bool,
    pub location: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub monthly_fen: i64,
    pub evidence: String,
    pub status: String,
    pub clause: String,
    pub determination: String,
    pub decision_reason: String,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

macro_rules! select_reliefs {
    ($tail:literal) => {
        concat!(
            "SELECT id, person_id, employer_id, county_code, kind, individual_household, declared, location, period_from, period_to, \
             monthly_fen, evidence, status, clause, determination, decision_reason, decided_by, decided_at, created_at FROM fee_reliefs ",
            $tail
        )
    };
}

pub async fn insert_relief(tx: &mut Tx, r: &ReliefRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO fee_reliefs (id, person_id, employer_id, county_code, kind, individual_household, declared, location, \
         period_from, period_to, monthly_fen, evidence, status, clause, determination, decision_reason, decided_by, decided_at, \
         created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)"
    )
    .bind(r.id)
    .bind(r.person_id)
    .bind(r.employer_id)
    .bind(&r.county_code)
    .bind(&r.kind)
    .bind(r.individual_household)
    .bind(r.declared)
    .bind(&r.location)
    .bind(r.period_from)
    .bind(r.period_to)
    .bind(r.monthly_fen)
    .bind(&r.evidence)
    .bind(&r.status)
    .bind(&r.clause)
    .bind(&r.determination)
    .bind(&r.decision_reason)
    .bind(r.decided_by)
    .bind(r.decided_at)
    .bind(r.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn relief(db: &Db, id: Uuid) -> Result<Option<ReliefRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ReliefRow>(
        select_reliefs!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn reliefs_of_person(db: &Db, person_id: Uuid) -> Result<Vec<ReliefRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ReliefRow>(
        select_reliefs!("WHERE person_id = $1 ORDER BY created_at DESC")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// One page of the region's fee reliefs (pending first, then the newest), optionally only those whose applicant's name or location matches `like`, and the count of all.
pub async fn reliefs_in_region_page(
    db: &Db,
    prefix: &str,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ReliefRow>, i64)> {
    let region = format!("{prefix}%");
    let rows = on_pool!(db, |p| {
        sqlx::query_as::<_, ReliefRow>(select_reliefs!(
        "WHERE county_code LIKE $1 AND ($2 = '' OR person_id IN (SELECT id FROM persons WHERE name LIKE $2) OR location LIKE $2) \
         ORDER BY (status = 'pending') DESC, created_at DESC, id LIMIT $3 OFFSET $4"
    ))
    .bind(&region)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await
    })?;
    let total: i64 = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM fee_reliefs WHERE county_code LIKE $1 AND ($2 = '' OR person_id IN (SELECT id FROM persons WHERE name LIKE $2) OR location LIKE $2)"
    )
    .bind(&region)
    .bind(like)
    .fetch_one(p)
    .await
    })?;
    Ok((rows, total))
}

pub async fn reliefs_in_region(db: &Db, prefix: &str) -> Result<Vec<ReliefRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ReliefRow>(
        select_reliefs!(
            "WHERE county_code LIKE $1 ORDER BY (status = 'pending') DESC, created_at LIMIT 500"
        )
    )
    .bind(&like)
    .fetch_all(p)
    .await)?)
}

pub async fn decide_relief(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    determination: &str,
    reason: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE fee_reliefs SET status = $2, determination = $3, decision_reason = $4, decided_by = $5, decided_at = $6 \
         WHERE id = $1 AND status = 'pending'"
    )
    .bind(id)
    .bind(status)
    .bind(determination)
    .bind(reason)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

// ---------------------------------------------------------------------------------------
// Archives

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ArchiveRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub archive_no: String,
    pub county_code: String,
    pub status: String,
    pub location: String,
    pub received_on: NaiveDate,
    pub received_from: String,
    pub borrower: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_archives {
    ($tail:literal) => {
        concat!(
            "SELECT id, person_id, archive_no, county_code, status, location, received_on, received_from, borrower, due_on, \
             created_at, updated_at FROM archives ",
            $tail
        )
    };
}

/// The next number of a county's archives in a year (1, 2, …), safe under concurrency.
pub async fn next_archive_seq(tx: &mut Tx, county_code: &str, year: i64) -> Result<i64> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_scalar(
        "INSERT INTO archive_sequences (county_code, year, last) VALUES ($1, $2, 1) \
         ON CONFLICT (county_code, year) DO UPDATE SET last = archive_sequences.last + 1 RETURNING last"
    )
    .bind(county_code)
    .bind(year)
    .fetch_one(c)
    .await
    })?)
}

pub async fn insert_archive(tx: &mut Tx, a: &ArchiveRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO archives (id, person_id, archive_no, county_code, status, location, received_on, received_from, borrower, \
         due_on, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)"
    )
    .bind(a.id)
    .bind(a.person_id)
    .bind(&a.archive_no)
    .bind(&a.county_code)
    .bind(&a.status)
    .bind(&a.location)
    .bind(a.received_on)
    .bind(&a.received_from)
    .bind(&a.borrower)
    .bind(a.due_on)
    .bind(a.created_at)
    .bind(a.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn archive(db: &Db, id: Uuid) -> Result<Option<ArchiveRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ArchiveRow>(
        select_archives!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn archives_of_person(db: &Db, person_id: Uuid) -> Result<Vec<ArchiveRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ArchiveRow>(
        select_archives!("WHERE person_id = $1 ORDER BY created_at DESC")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// Archives of a region whose number starts with `number_prefix` ("" for all), newest first.
pub async fn archives_in_region(
    db: &Db,
    prefix: &str,
    number_prefix: &str,
) -> Result<Vec<ArchiveRow>> {
    let like = format!("{prefix}%");
    let no = format!("{number_prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ArchiveRow>(
        select_archives!(
            "WHERE county_code LIKE $1 AND archive_no LIKE $2 ORDER BY created_at DESC LIMIT 200"
        )
    )
    .bind(&like)
    .bind(&no)
    .fetch_all(p)
    .await)?)
}

/// One page of the region's archives whose number starts with `number_prefix` ("" for
/// all), newest first, and the count of all.
pub async fn archives_in_region_page(
    db: &Db,
    prefix: &str,
    number_prefix: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ArchiveRow>, i64)> {
    let like = format!("{prefix}%");
    let no = format!("{number_prefix}%");
    let rows = on_pool!(db, |p| {
        sqlx::query_as::<_, ArchiveRow>(select_archives!(
        "WHERE county_code LIKE $1 AND archive_no LIKE $2 ORDER BY created_at DESC, id LIMIT $3 OFFSET $4"
    ))
    .bind(&like)
    .bind(&no)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await
    })?;
    let total: i64 = on_pool!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM archives WHERE county_code LIKE $1 AND archive_no LIKE $2"
    )
    .bind(&like)
    .bind(&no)
    .fetch_one(p)
    .await)?;
    Ok((rows, total))
}

pub async fn overdue_archives(db: &Db, prefix: &str, today: NaiveDate) -> Result<Vec<ArchiveRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ArchiveRow>(
        select_archives!(
            "WHERE county_code LIKE $1 AND status = 'lent_out' AND due_on < $2 ORDER BY due_on"
        )
    )
    .bind(&like)
    .bind(today)
    .fetch_all(p)
    .await)?)
}

/// Moves an archive from one status to another (location, borrower and due date set as
/// given); false when it was no longer in `from`.
#[allow(clippy::too_many_arguments)]
pub async fn move_archive(
    tx: &mut Tx,
    id: Uuid,
    from: &str,
    to: &str,
    location: &str,
    borrower: Option<&str>,
    due_on: Option<NaiveDate>,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE archives SET status = $3, location = $4, borrower = $5, due_on = $6, updated_at = $7 WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(location)
    .bind(borrower)
    .bind(due_on)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MovementRow {
    pub id: Uuid,
    pub archive_id: Uuid,
    pub kind: String,
    pub detail: String,
    pub due_on: Option<NaiveDate>,
    pub by_user: Option<Uuid>,
    pub at: DateTime<Utc>,
}

pub async fn insert_movement(tx: &mut Tx, m: &MovementRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO archive_movements (id, archive_id, kind, detail, due_on, by_user, at) VALUES ($1,$2,$3,$4,$5,$6,$7)"
    )
    .bind(m.id)
    .bind(m.archive_id)
    .bind(&m.kind)
    .bind(&m.detail)
    .bind(m.due_on)
    .bind(m.by_user)
    .bind(m.at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn movements(db: &Db, archive_id: Uuid) -> Result<Vec<MovementRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, MovementRow>(
        "SELECT id, archive_id, kind, detail, due_on, by_user, at FROM archive_movements WHERE archive_id = $1 ORDER BY at, id"
    )
    .bind(archive_id)
    .fetch_all(p)
    .await
    })?)
}

// ---------------------------------------------------------------------------------------
// Workbench counts

/// What waits for staff of a region in these services.
#[derive(Clone, Debug, Default)]
pub struct ServiceCounts {
    pub pending_venue_applications: i64,
    pub pending_relief: i64,
    pub overdue_archive_loans: i64,
    pub upcoming_events: i64,
}

pub async fn service_counts(
    db: &Db,
    prefix: &str,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<ServiceCounts> {
    let like = format!("{prefix}%");
    let pending_venue_applications: i64 = on_pool!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM venue_applications a JOIN venues v ON v.id = a.venue_id \
         WHERE v.county_code LIKE $1 AND a.status = 'pending'"
    )
    .bind(&like)
    .fetch_one(p)
    .await)?;
    let pending_relief: i64 = on_pool!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM fee_reliefs WHERE county_code LIKE $1 AND status = 'pending'"
    )
    .bind(&like)
    .fetch_one(p)
    .await)?;
    let overdue_archive_loans: i64 = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM archives WHERE county_code LIKE $1 AND status = 'lent_out' AND due_on < $2"
    )
    .bind(&like)
    .bind(today)
    .fetch_one(p)
    .await
    })?;
    let upcoming_events: i64 = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM recruitment_events WHERE county_code LIKE $1 AND status = 'published' AND ends_at >= $2"
    )
    .bind(&like)
    .bind(now)
    .fetch_one(p)
    .await
    })?;
    Ok(ServiceCounts {
        pending_venue_applications,
        pending_relief,
        overdue_archive_loans,
        upcoming_events,
    })
}
