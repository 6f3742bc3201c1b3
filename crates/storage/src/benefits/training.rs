//! Training courses and enrolments.

use super::*;

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
    /// offline | online (migration 0021).
    pub mode: String,
    /// Where an offline course is held; empty for an online one.
    pub venue: String,
    /// The platform an online course runs on, and its link when there is one.
    pub platform: String,
    pub link: String,
}

macro_rules! select_courses {
    ($tail:literal) => {
        concat!(
            "SELECT id, county_code, title, provider, occupation, kind, hours, days, starts_on, ends_on, capacity, enrolled, \
             subsidy_fen, daily_allowance_fen, status, created_by, created_at, mode, venue, platform, link FROM training_courses ",
            $tail
        )
    };
}

pub async fn insert_course(tx: &mut Tx, r: &CourseRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO training_courses (id, county_code, title, provider, occupation, kind, hours, days, starts_on, ends_on, \
         capacity, enrolled, subsidy_fen, daily_allowance_fen, status, created_by, created_at, mode, venue, platform, link) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)"
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
    .bind(&r.mode)
    .bind(&r.venue)
    .bind(&r.platform)
    .bind(&r.link)
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

/// One page of the region's courses (latest start first), optionally only those whose title or provider matches `like`, and the count of all.
pub async fn courses_in_region_page(
    db: &Db,
    prefix: &str,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CourseRow>, i64)> {
    let region = format!("{prefix}%");
    let rows = on_pool!(db, |p| sqlx::query_as::<_, CourseRow>(select_courses!(
        "WHERE county_code LIKE $1 AND ($2 = '' OR title LIKE $2 OR provider LIKE $2) \
         ORDER BY starts_on DESC, id LIMIT $3 OFFSET $4"
    ))
    .bind(&region)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await)?;
    let total: i64 = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM training_courses WHERE county_code LIKE $1 AND ($2 = '' OR title LIKE $2 OR provider LIKE $2)"
    )
    .bind(&region)
    .bind(like)
    .fetch_one(p)
    .await
    })?;
    Ok((rows, total))
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

/// [`enrolments_of_person`] of a page of persons, by person.
pub async fn enrolments_of_persons(db: &Db, ids: &[Uuid]) -> Result<Vec<EnrolmentRow>> {
    crate::select_in(
        db,
        select_enrolments!("WHERE person_id"),
        "ORDER BY person_id, created_at DESC, id",
        ids,
    )
    .await
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
