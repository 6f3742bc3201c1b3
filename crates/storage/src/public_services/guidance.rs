//! 职业指导 (四(九)): appointments, their records, and the follow-ups agreed in them
//! (migration 0021).

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub county_code: String,
    /// window | phone
    pub channel: String,
    /// online | window
    pub booked_via: String,
    pub slot_on: NaiveDate,
    /// am | pm
    pub slot: String,
    pub question: String,
    /// booked | held | cancelled
    pub status: String,
    pub counsellor_id: Option<Uuid>,
    /// JSON list of topic codes.
    pub topics: String,
    pub advice: String,
    pub notes: String,
    pub held_at: Option<DateTime<Utc>>,
    pub cancel_reason: String,
    /// A course the counsellor suggested (the person enrols themself).
    pub suggested_course_id: Option<Uuid>,
    pub booked_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FollowupRow {
    pub id: Uuid,
    pub session_id: Uuid,
    pub person_id: Uuid,
    pub county_code: String,
    pub due_on: NaiveDate,
    pub what: String,
    pub reminded_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

macro_rules! select_sessions {
    ($tail:literal) => {
        concat!(
            "SELECT id, person_id, county_code, channel, booked_via, slot_on, slot, question, status, \
             counsellor_id, topics, advice, notes, held_at, cancel_reason, suggested_course_id, booked_by, created_at, \
             updated_at FROM guidance_sessions ",
            $tail
        )
    };
}

pub async fn insert_session(tx: &mut Tx, r: &SessionRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO guidance_sessions (id, person_id, county_code, channel, booked_via, slot_on, slot, question, \
         status, counsellor_id, topics, advice, notes, held_at, cancel_reason, suggested_course_id, booked_by, \
         created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)"
    )
    .bind(r.id)
    .bind(r.person_id)
    .bind(&r.county_code)
    .bind(&r.channel)
    .bind(&r.booked_via)
    .bind(r.slot_on)
    .bind(&r.slot)
    .bind(&r.question)
    .bind(&r.status)
    .bind(r.counsellor_id)
    .bind(&r.topics)
    .bind(&r.advice)
    .bind(&r.notes)
    .bind(r.held_at)
    .bind(&r.cancel_reason)
    .bind(r.suggested_course_id)
    .bind(r.booked_by)
    .bind(r.created_at)
    .bind(r.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn session(db: &Db, id: Uuid) -> Result<Option<SessionRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, SessionRow>(
        select_sessions!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn sessions_of_person(db: &Db, person_id: Uuid) -> Result<Vec<SessionRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, SessionRow>(
        select_sessions!("WHERE person_id = $1 ORDER BY slot_on DESC, created_at DESC")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// Sessions of a region, the booked ones first, then by day (newest first).
pub async fn sessions_in_region(db: &Db, prefix: &str, status: &str) -> Result<Vec<SessionRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, SessionRow>(select_sessions!(
        "WHERE county_code LIKE $1 AND ($2 = '' OR status = $2) \
         ORDER BY CASE status WHEN 'booked' THEN 0 ELSE 1 END, slot_on DESC, created_at DESC LIMIT 500"
    ))
    .bind(&like)
    .bind(status)
    .fetch_all(p)
    .await
    })?)
}

/// How many appointments a county has in one half-day (booked or held).
pub async fn slot_taken(db: &Db, county_code: &str, on: NaiveDate, slot: &str) -> Result<i64> {
    Ok(on_pool!(db, |p| {
        sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM guidance_sessions WHERE county_code = $1 AND slot_on = $2 AND slot = $3 \
         AND channel = 'window' AND status <> 'cancelled'"
    )
    .bind(county_code)
    .bind(on)
    .bind(slot)
    .fetch_one(p)
    .await
    })?)
}

/// Writes a session's record; false when it is no longer booked.
#[allow(clippy::too_many_arguments)]
pub async fn record(
    tx: &mut Tx,
    id: Uuid,
    counsellor: Uuid,
    topics: &str,
    advice: &str,
    notes: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE guidance_sessions SET status = 'held', counsellor_id = $2, topics = $3, advice = $4, notes = $5, \
         held_at = $6, updated_at = $6 WHERE id = $1 AND status = 'booked'"
    )
    .bind(id)
    .bind(counsellor)
    .bind(topics)
    .bind(advice)
    .bind(notes)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Cancels a booked session; false when it is no longer booked.
pub async fn cancel(tx: &mut Tx, id: Uuid, reason: &str, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE guidance_sessions SET status = 'cancelled', cancel_reason = $2, updated_at = $3 \
         WHERE id = $1 AND status = 'booked'"
    )
    .bind(id)
    .bind(reason)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub async fn insert_followup(tx: &mut Tx, r: &FollowupRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO guidance_followups (id, session_id, person_id, county_code, due_on, what, reminded_at, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
    )
    .bind(r.id)
    .bind(r.session_id)
    .bind(r.person_id)
    .bind(&r.county_code)
    .bind(r.due_on)
    .bind(&r.what)
    .bind(r.reminded_at)
    .bind(r.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn followups_of(db: &Db, session_id: Uuid) -> Result<Vec<FollowupRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, FollowupRow>(
        "SELECT id, session_id, person_id, county_code, due_on, what, reminded_at, created_at \
         FROM guidance_followups WHERE session_id = $1 ORDER BY due_on"
    )
    .bind(session_id)
    .fetch_all(p)
    .await)?)
}

/// Follow-ups due on or before `until` whose reminder has not gone out.
pub async fn followups_to_remind(db: &Db, until: NaiveDate) -> Result<Vec<FollowupRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, FollowupRow>(
        "SELECT id, session_id, person_id, county_code, due_on, what, reminded_at, created_at \
         FROM guidance_followups WHERE reminded_at IS NULL AND due_on <= $1 ORDER BY due_on LIMIT 1000"
    )
    .bind(until)
    .fetch_all(p)
    .await
    })?)
}

pub async fn mark_reminded(tx: &mut Tx, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(
        "UPDATE guidance_followups SET reminded_at = $2 WHERE id = $1 AND reminded_at IS NULL"
    )
    .bind(id)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Notes the course a counsellor suggested in a held session.
pub async fn suggest_course(
    tx: &mut Tx,
    id: Uuid,
    course: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE guidance_sessions SET suggested_course_id = $2, updated_at = $3 WHERE id = $1 AND status = 'held'"
    )
    .bind(id)
    .bind(course)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}
