//! Gig-market records: employers, job posts, worker profiles, applications, hires with their
//! 用工登记, agreements, pay records, ratings and the search-index outbox. Lists that staff see
//! take a region prefix, so scope is part of the query.

// The market by part: this file holds employers, posts, applications and hires.
pub mod occupation_words;
pub mod platform_workers;
pub mod shared;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::status::{HireStatus, PostStatus};
use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EmployerRow {
    pub id: Uuid,
    pub kind: String,
    pub name: String,
    pub uscc: Option<String>,
    pub holder_person_id: Option<Uuid>,
    pub contact_name: String,
    pub contact_phone_cipher: Option<Vec<u8>>,
    pub county_code: String,
    pub address: String,
    pub verified: bool,
    pub verified_by: Option<Uuid>,
    pub verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// 人力资源服务许可证 number: set exactly for kind `hr_agency`.
    pub licence_no: Option<String>,
}

macro_rules! select_employers {
    ($tail:literal) => {
        concat!(
            "SELECT id, kind, name, uscc, holder_person_id, contact_name, contact_phone_cipher, county_code, address, verified, \
             verified_by, verified_at, created_at, updated_at, licence_no FROM employers ",
            $tail
        )
    };
}

pub async fn insert_employer(tx: &mut Tx, e: &EmployerRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO employers (id, kind, name, uscc, holder_person_id, contact_name, contact_phone_cipher, county_code, address, \
         verified, verified_by, verified_at, created_at, updated_at, licence_no) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)"
    )
    .bind(e.id)
    .bind(&e.kind)
    .bind(&e.name)
    .bind(&e.uscc)
    .bind(e.holder_person_id)
    .bind(&e.contact_name)
    .bind(&e.contact_phone_cipher)
    .bind(&e.county_code)
    .bind(&e.address)
    .bind(e.verified)
    .bind(e.verified_by)
    .bind(e.verified_at)
    .bind(e.created_at)
    .bind(e.updated_at)
    .bind(&e.licence_no)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn employer(db: &Db, id: Uuid) -> Result<Option<EmployerRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, EmployerRow>(
        select_employers!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// One page of the region's employers awaiting verification (the longest waiting first),
/// optionally only those whose name matches `like` ('' for all), and the count of all.
pub async fn unverified_employers_page(
    db: &Db,
    prefix: &str,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<EmployerRow>, i64)> {
    let region = format!("{prefix}%");
    let rows = on_pool!(db, |p| sqlx::query_as::<_, EmployerRow>(select_employers!(
        "WHERE county_code LIKE $1 AND verified = $2 AND ($3 = '' OR name LIKE $3) \
         ORDER BY created_at, id LIMIT $4 OFFSET $5"
    ))
    .bind(&region)
    .bind(false)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await)?;
    let total: i64 = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM employers WHERE county_code LIKE $1 AND verified = $2 AND ($3 = '' OR name LIKE $3)"
    )
    .bind(&region)
    .bind(false)
    .bind(like)
    .fetch_one(p)
    .await
    })?;
    Ok((rows, total))
}

pub async fn employers_in_region(
    db: &Db,
    prefix: &str,
    unverified_only: bool,
) -> Result<Vec<EmployerRow>> {
    let like = format!("{prefix}%");
    Ok(if unverified_only {
        on_pool!(db, |p| sqlx::query_as::<_, EmployerRow>(select_employers!(
            "WHERE county_code LIKE $1 AND verified = $2 ORDER BY created_at"
        ))
        .bind(&like)
        .bind(false)
        .fetch_all(p)
        .await)?
    } else {
        on_pool!(db, |p| sqlx::query_as::<_, EmployerRow>(select_employers!(
            "WHERE county_code LIKE $1 ORDER BY created_at DESC LIMIT 500"
        ))
        .bind(&like)
        .fetch_all(p)
        .await)?
    })
}

/// Sets (or clears) the blind index of an employer's contact phone, by which its accounts
/// sign in and reset their password.
pub async fn set_employer_phone_index(tx: &mut Tx, id: Uuid, index: Option<&[u8]>) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE employers SET contact_phone_index = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(index)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Replaces an employer's sealed contact phone and its blind index.
pub async fn set_employer_phone(
    tx: &mut Tx,
    id: Uuid,
    cipher: &[u8],
    index: &[u8],
    at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE employers SET contact_phone_cipher = $2, contact_phone_index = $3, updated_at = $4 WHERE id = $1"
    )
    .bind(id)
    .bind(cipher)
    .bind(index)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// Employers with a sealed contact phone but no phone index yet (written before the index
/// existed), at most `limit`, by id.
pub async fn employers_without_phone_index(db: &Db, limit: i64) -> Result<Vec<EmployerRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, EmployerRow>(select_employers!(
        "WHERE contact_phone_cipher IS NOT NULL AND contact_phone_index IS NULL ORDER BY id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(p)
    .await
    })?)
}

pub async fn verify_employer(tx: &mut Tx, id: Uuid, by: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query("UPDATE employers SET verified = $2, verified_by = $3, verified_at = $4, updated_at = $4 WHERE id = $1 AND verified = $5")
        .bind(id)
        .bind(true)
        .bind(by)
        .bind(at)
        .bind(false)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub async fn link_user_employer(tx: &mut Tx, user_id: Uuid, employer_id: Uuid) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE users SET employer_id = $2 WHERE id = $1"
    )
    .bind(user_id)
    .bind(employer_id)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

pub async fn user_employer(db: &Db, user_id: Uuid) -> Result<Option<Uuid>> {
    let v: Option<Option<Uuid>> = on_pool!(db, |p| sqlx::query_scalar(
        "SELECT employer_id FROM users WHERE id = $1"
    )
    .bind(user_id)
    .fetch_optional(p)
    .await)?;
    Ok(v.flatten())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PostRow {
    pub id: Uuid,
    pub employer_id: Uuid,
    pub external_id: Option<String>,
    pub title: String,
    pub description: String,
    pub occupation: String,
    pub form: String,
    pub county_code: String,
    pub address: String,
    /// The county seat for a remote post, which has no place of its own.
    pub lat: f64,
    pub lon: f64,
    /// 居家/远程 (migration 0021): done at home or online, no place to travel to.
    pub remote: bool,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub schedule: String,
    pub hours_per_week: Option<i64>,
    /// The amount (a range's lower end); NULL for pay without an amount (面议).
    pub pay_fen: Option<i64>,
    /// `hour`, `half_day`, `day`, `shift`, `week`, `month`, `days` or `piece`; NULL
    /// without a unit (面议).
    pub pay_unit: Option<String>,
    /// The pay as linghuo-market's model, JSON (migration 0009).
    pub pay: String,
    /// The pay as the employer wrote it.
    pub pay_text: String,
    /// Estimated pay per hour and per working day (the statistics read the hourly one);
    /// NULL when the pay states nothing to estimate from.
    pub pay_hour_fen: Option<i64>,
    pub pay_day_fen: Option<i64>,
    /// The trade in the employer's own words when they are not a catalogue name or synonym
    /// (migration 0010); searched like the title.
    pub trade_text: Option<String>,
    pub headcount: i64,
    pub hired_count: i64,
    pub required_certificates: String,
    /// JSON list of skills the post asks for.
    pub skills: String,
    pub accident_cover: bool,
    pub status: PostStatus,
    pub screening: String,
    pub expires_on: NaiveDate,
    pub posted_by: Option<Uuid>,
    pub reviewed_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_posts {
    ($tail:literal) => {
        concat!(
            "SELECT id, employer_id, external_id, title, description, occupation, form, county_code, address, lat, lon, starts_on, \
             ends_on, schedule, hours_per_week, pay_fen, pay_unit, pay, pay_text, pay_hour_fen, pay_day_fen, headcount, hired_count, \
             required_certificates, skills, accident_cover, status, screening, expires_on, posted_by, reviewed_by, created_at, updated_at, \
             trade_text, remote FROM job_posts ",
            $tail
        )
    };
}

pub async fn insert_post(tx: &mut Tx, p: &PostRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO job_posts (id, employer_id, external_id, title, description, occupation, form, county_code, address, lat, lon, \
         starts_on, ends_on, schedule, hours_per_week, pay_fen, pay_unit, headcount, hired_count, required_certificates, \
         accident_cover, status, screening, expires_on, posted_by, reviewed_by, created_at, updated_at, skills, \
         pay, pay_text, pay_hour_fen, pay_day_fen, trade_text, remote) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,\
         $30,$31,$32,$33,$34,$35)"
    )
    .bind(p.id)
    .bind(p.employer_id)
    .bind(&p.external_id)
    .bind(&p.title)
    .bind(&p.description)
    .bind(&p.occupation)
    .bind(&p.form)
    .bind(&p.county_code)
    .bind(&p.address)
    .bind(p.lat)
    .bind(p.lon)
    .bind(p.starts_on)
    .bind(p.ends_on)
    .bind(&p.schedule)
    .bind(p.hours_per_week)
    .bind(p.pay_fen)
    .bind(&p.pay_unit)
    .bind(p.headcount)
    .bind(p.hired_count)
    .bind(&p.required_certificates)
    .bind(p.accident_cover)
    .bind(p.status)
    .bind(&p.screening)
    .bind(p.expires_on)
    .bind(p.posted_by)
    .bind(p.reviewed_by)
    .bind(p.created_at)
    .bind(p.updated_at)
    .bind(&p.skills)
    .bind(&p.pay)
    .bind(&p.pay_text)
    .bind(p.pay_hour_fen)
    .bind(p.pay_day_fen)
    .bind(&p.trade_text)
    .bind(p.remote)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn post(db: &Db, id: Uuid) -> Result<Option<PostRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, PostRow>(
        select_posts!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn post_tx(tx: &mut Tx, id: Uuid) -> Result<Option<PostRow>> {
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, PostRow>(
        select_posts!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(c)
    .await)?)
}

pub async fn post_by_external(
    db: &Db,
    employer_id: Uuid,
    external_id: &str,
) -> Result<Option<PostRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, PostRow>(
        select_posts!("WHERE employer_id = $1 AND external_id = $2")
    )
    .bind(employer_id)
    .bind(external_id)
    .fetch_optional(p)
    .await)?)
}

pub async fn posts_of_employer(db: &Db, employer_id: Uuid) -> Result<Vec<PostRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, PostRow>(
        select_posts!("WHERE employer_id = $1 ORDER BY created_at DESC")
    )
    .bind(employer_id)
    .fetch_all(p)
    .await)?)
}

pub async fn posts_in_region(
    db: &Db,
    prefix: &str,
    status: &str,
    limit: i64,
) -> Result<Vec<PostRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, PostRow>(
        select_posts!(
            "WHERE county_code LIKE $1 AND status = $2 ORDER BY created_at DESC LIMIT $3"
        )
    )
    .bind(&like)
    .bind(status)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// One page of the region's posts in a status (newest first), optionally only those whose
/// title matches `like` ('' for all), and the count of all.
pub async fn posts_in_region_page(
    db: &Db,
    prefix: &str,
    status: &str,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PostRow>, i64)> {
    let region = format!("{prefix}%");
    let rows = on_pool!(db, |p| sqlx::query_as::<_, PostRow>(select_posts!(
        "WHERE county_code LIKE $1 AND status = $2 AND ($3 = '' OR title LIKE $3) \
         ORDER BY created_at DESC, id LIMIT $4 OFFSET $5"
    ))
    .bind(&region)
    .bind(status)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await)?;
    let total: i64 = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM job_posts WHERE county_code LIKE $1 AND status = $2 AND ($3 = '' OR title LIKE $3)"
    )
    .bind(&region)
    .bind(status)
    .bind(like)
    .fetch_one(p)
    .await
    })?;
    Ok((rows, total))
}

/// Live posts in id order after `after`, for rebuilding a search index in pages.
pub async fn live_posts_page(db: &Db, after: Uuid, limit: i64) -> Result<Vec<PostRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, PostRow>(
        select_posts!("WHERE status = $1 AND id > $2 ORDER BY id LIMIT $3")
    )
    .bind("live")
    .bind(after)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// Moves a post between states only from an expected state; false when it was elsewhere.
pub async fn set_post_status(
    tx: &mut Tx,
    id: Uuid,
    from: &str,
    to: &str,
    reviewer: Option<Uuid>,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query("UPDATE job_posts SET status = $3, reviewed_by = COALESCE($4, reviewed_by), updated_at = $5 WHERE id = $1 AND status = $2")
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(reviewer)
        .bind(at)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Writes an edited post over its row, only while it is still in `from` (held or live).
pub async fn update_post(tx: &mut Tx, p: &PostRow, from: &str) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE job_posts SET title = $3, description = $4, occupation = $5, form = $6, county_code = $7, \
             address = $8, lat = $9, lon = $10, starts_on = $11, ends_on = $12, schedule = $13, hours_per_week = $14, \
             pay_fen = $15, pay_unit = $16, headcount = $17, required_certificates = $18, accident_cover = $19, \
             status = $20, screening = $21, expires_on = $22, updated_at = $23, skills = $24, pay = $25, pay_text = $26, \
             pay_hour_fen = $27, pay_day_fen = $28, trade_text = $29, remote = $30 WHERE id = $1 AND status = $2",
        )
        .bind(p.id)
        .bind(from)
        .bind(&p.title)
        .bind(&p.description)
        .bind(&p.occupation)
        .bind(&p.form)
        .bind(&p.county_code)
        .bind(&p.address)
        .bind(p.lat)
        .bind(p.lon)
        .bind(p.starts_on)
        .bind(p.ends_on)
        .bind(&p.schedule)
        .bind(p.hours_per_week)
        .bind(p.pay_fen)
        .bind(&p.pay_unit)
        .bind(p.headcount)
        .bind(&p.required_certificates)
        .bind(p.accident_cover)
        .bind(p.status.as_str())
        .bind(&p.screening)
        .bind(p.expires_on)
        .bind(p.updated_at)
        .bind(&p.skills)
        .bind(&p.pay)
        .bind(&p.pay_text)
        .bind(p.pay_hour_fen)
        .bind(p.pay_day_fen)
        .bind(&p.trade_text)
        .bind(p.remote)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// One edit of a post: what changed (JSON `[{field, before, after}]`) and the re-screening.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PostRevisionRow {
    pub id: Uuid,
    pub post_id: Uuid,
    /// 1, 2, … in the order of the edits (set on insert).
    pub revision: i32,
    pub revised_by: Option<Uuid>,
    pub revised_at: DateTime<Utc>,
    pub status_before: String,
    pub status_after: String,
    pub changes: String,
    pub findings: String,
}

pub async fn insert_post_revision(tx: &mut Tx, r: &PostRevisionRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO post_revisions (id, post_id, revision, revised_by, revised_at, status_before, status_after, changes, findings) \
             VALUES ($1, $2, (SELECT COALESCE(MAX(revision), 0) + 1 FROM post_revisions WHERE post_id = $2), $3, $4, $5, $6, $7, $8)",
        )
        .bind(r.id)
        .bind(r.post_id)
        .bind(r.revised_by)
        .bind(r.revised_at)
        .bind(&r.status_before)
        .bind(&r.status_after)
        .bind(&r.changes)
        .bind(&r.findings)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

/// A post's edits, newest first.
pub async fn post_revisions(db: &Db, post_id: Uuid) -> Result<Vec<PostRevisionRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, PostRevisionRow>(
        "SELECT id, post_id, revision, revised_by, revised_at, status_before, status_after, changes, findings \
         FROM post_revisions WHERE post_id = $1 ORDER BY revision DESC"
    )
    .bind(post_id)
    .fetch_all(p)
    .await
    })?)
}

/// The employer declines an application (pending, or an invitation the worker accepted).
pub async fn decline_application(
    tx: &mut Tx,
    id: Uuid,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE applications SET status = 'declined', decline_reason = $2, updated_at = $3 \
             WHERE id = $1 AND status IN ('pending', 'accepted')",
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

/// Takes one place of a live post; the post becomes `filled` with its last place. False when
/// no place is left (the guard is the conditional update, not a read before it).
pub async fn take_place(tx: &mut Tx, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query("UPDATE job_posts SET hired_count = hired_count + 1, updated_at = $2 WHERE id = $1 AND status = $3 AND hired_count < headcount")
        .bind(id)
        .bind(at)
        .bind("live")
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    if n == 1 {
        on_tx!(tx, |c| sqlx::query(
            "UPDATE job_posts SET status = $2 WHERE id = $1 AND hired_count = headcount"
        )
        .bind(id)
        .bind("filled")
        .execute(c)
        .await
        .map(|_| ()))?;
    }
    Ok(n == 1)
}

/// Marks live posts whose expiry has passed as expired; returns their ids.
pub async fn expire_posts(tx: &mut Tx, today: NaiveDate, at: DateTime<Utc>) -> Result<Vec<Uuid>> {
    let ids: Vec<Uuid> = on_tx!(tx, |c| sqlx::query_scalar(
        "SELECT id FROM job_posts WHERE status = $1 AND expires_on < $2"
    )
    .bind("live")
    .bind(today)
    .fetch_all(c)
    .await)?;
    for id in &ids {
        set_post_status(tx, *id, "live", "expired", None, at).await?;
    }
    Ok(ids)
}

pub async fn enqueue_index(tx: &mut Tx, post_id: Uuid, at: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO market_outbox (post_id, created_at) VALUES ($1, $2)"
    )
    .bind(post_id)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// Outbox entries after `seq`, oldest first.
pub async fn outbox_after(db: &Db, seq: i64, limit: i64) -> Result<Vec<(i64, Uuid)>> {
    Ok(on_pool!(db, |p| sqlx::query_as(
        "SELECT seq, post_id FROM market_outbox WHERE seq > $1 ORDER BY seq LIMIT $2"
    )
    .bind(seq)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// The outbox entries with these seqs (those committed by now), oldest first.
pub async fn outbox_rows(db: &Db, seqs: &[i64]) -> Result<Vec<(i64, Uuid)>> {
    let mut out = Vec::new();
    for chunk in seqs.chunks(500) {
        let list = crate::values_list(db.backend(), 1, chunk.len());
        let sql =
            format!("SELECT seq, post_id FROM market_outbox WHERE seq IN {list} ORDER BY seq");
        let rows: Vec<(i64, Uuid)> = on_pool!(db, |p| {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
            for s in chunk {
                q = q.bind(*s);
            }
            q.fetch_all(p).await
        })?;
        out.extend(rows);
    }
    Ok(out)
}

/// The seqs of the outbox entries in `(after, upto]` that are committed by now.
pub async fn outbox_seqs_between(db: &Db, after: i64, upto: i64) -> Result<Vec<i64>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar(
        "SELECT seq FROM market_outbox WHERE seq > $1 AND seq <= $2 ORDER BY seq"
    )
    .bind(after)
    .bind(upto)
    .fetch_all(p)
    .await)?)
}

/// PostgreSQL's transaction horizon now: `(xmin, xmax)` of a fresh snapshot. Every
/// transaction below xmin has ended; every one still running is below xmax. An outbox seq
/// missing when a reader saw xmax X belongs to a transaction that is still running or rolled
/// back: once xmin passes X, it will never appear. None on SQLite, whose writers commit one
/// at a time in seq order, so a gap there is final at once.
pub async fn transaction_horizon(db: &Db) -> Result<Option<(u64, u64)>> {
    let Db::Postgres(p) = db else { return Ok(None) };
    let (xmin, xmax): (String, String) = sqlx::query_as(
        "SELECT pg_snapshot_xmin(pg_current_snapshot())::TEXT, \
                pg_snapshot_xmax(pg_current_snapshot())::TEXT",
    )
    .fetch_one(p)
    .await?;
    Ok(Some((
        xmin.parse().unwrap_or(0),
        xmax.parse().unwrap_or(u64::MAX),
    )))
}

pub async fn outbox_head(db: &Db) -> Result<i64> {
    let v: Option<i64> = on_pool!(db, |p| sqlx::query_scalar(
        "SELECT MAX(seq) FROM market_outbox"
    )
    .fetch_one(p)
    .await)?;
    Ok(v.unwrap_or(0))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProfileRow {
    pub person_id: Uuid,
    pub occupations: String,
    pub skills: String,
    pub certificates: String,
    pub lat: f64,
    pub lon: f64,
    pub radius_km: f64,
    pub availability: String,
    pub expected_pay_fen: Option<i64>,
    pub expected_pay_unit: Option<String>,
    pub wanted_forms: String,
    pub updated_at: DateTime<Utc>,
}

pub async fn upsert_profile(tx: &mut Tx, p: &ProfileRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO worker_profiles (person_id, occupations, skills, certificates, lat, lon, radius_km, availability, expected_pay_fen, \
         expected_pay_unit, wanted_forms, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12) ON CONFLICT (person_id) DO UPDATE SET \
         occupations = $2, skills = $3, certificates = $4, lat = $5, lon = $6, radius_km = $7, availability = $8, expected_pay_fen = $9, \
         expected_pay_unit = $10, wanted_forms = $11, updated_at = $12"
    )
    .bind(p.person_id)
    .bind(&p.occupations)
    .bind(&p.skills)
    .bind(&p.certificates)
    .bind(p.lat)
    .bind(p.lon)
    .bind(p.radius_km)
    .bind(&p.availability)
    .bind(p.expected_pay_fen)
    .bind(&p.expected_pay_unit)
    .bind(&p.wanted_forms)
    .bind(p.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// Profiles changed at or after `since` in (updated_at, person_id) order after the key
/// `(since, after)`, for refreshing a server's in-memory worker pool in pages.
pub async fn profiles_changed(
    db: &Db,
    since: DateTime<Utc>,
    after: Uuid,
    limit: i64,
) -> Result<Vec<ProfileRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, ProfileRow>(
        "SELECT person_id, occupations, skills, certificates, lat, lon, radius_km, availability, expected_pay_fen, expected_pay_unit, \
         wanted_forms, updated_at FROM worker_profiles WHERE updated_at > $1 OR (updated_at = $1 AND person_id > $2) \
         ORDER BY updated_at, person_id LIMIT $3"
    )
    .bind(since)
    .bind(after)
    .bind(limit)
    .fetch_all(p)
    .await
    })?)
}

pub async fn profile(db: &Db, person_id: Uuid) -> Result<Option<ProfileRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, ProfileRow>(
        "SELECT person_id, occupations, skills, certificates, lat, lon, radius_km, availability, expected_pay_fen, expected_pay_unit, \
         wanted_forms, updated_at FROM worker_profiles WHERE person_id = $1"
    )
    .bind(person_id)
    .fetch_optional(p)
    .await
    })?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub post_id: Uuid,
    pub person_id: Uuid,
    pub direction: String,
    pub status: String,
    pub message: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Why the employer declined (shown to the worker); '' otherwise.
    pub decline_reason: String,
}

macro_rules! select_applications {
    ($tail:literal) => {
        concat!("SELECT id, post_id, person_id, direction, status, message, created_at, updated_at, decline_reason FROM applications ", $tail)
    };
}

pub async fn insert_application(tx: &mut Tx, a: &ApplicationRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO applications (id, post_id, person_id, direction, status, message, created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
    )
    .bind(a.id)
    .bind(a.post_id)
    .bind(a.person_id)
    .bind(&a.direction)
    .bind(&a.status)
    .bind(&a.message)
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

pub async fn applications_for_post(db: &Db, post_id: Uuid) -> Result<Vec<ApplicationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ApplicationRow>(
        select_applications!("WHERE post_id = $1 ORDER BY created_at")
    )
    .bind(post_id)
    .fetch_all(p)
    .await)?)
}

pub async fn applications_of_person(db: &Db, person_id: Uuid) -> Result<Vec<ApplicationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ApplicationRow>(
        select_applications!("WHERE person_id = $1 ORDER BY created_at DESC")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

pub async fn set_application_status(
    tx: &mut Tx,
    id: Uuid,
    from: &str,
    to: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(
        "UPDATE applications SET status = $3, updated_at = $4 WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HireRow {
    pub id: Uuid,
    pub application_id: Uuid,
    pub post_id: Uuid,
    pub employer_id: Uuid,
    pub person_id: Uuid,
    pub county_code: String,
    pub form: String,
    pub start_date: NaiveDate,
    pub status: HireStatus,
    pub created_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
}

macro_rules! select_hires {
    ($tail:literal) => {
        concat!("SELECT id, application_id, post_id, employer_id, person_id, county_code, form, start_date, status, created_at, completed_at FROM hires ", $tail)
    };
}

pub async fn insert_hire(tx: &mut Tx, h: &HireRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO hires (id, application_id, post_id, employer_id, person_id, county_code, form, start_date, status, created_at, completed_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)"
    )
    .bind(h.id)
    .bind(h.application_id)
    .bind(h.post_id)
    .bind(h.employer_id)
    .bind(h.person_id)
    .bind(&h.county_code)
    .bind(&h.form)
    .bind(h.start_date)
    .bind(h.status)
    .bind(h.created_at)
    .bind(h.completed_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO hiring_registrations (id, hire_id, employer_id, person_id, post_id, county_code, form, start_date, source, registered_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10)"
    )
    .bind(Uuid::new_v4())
    .bind(h.id)
    .bind(h.employer_id)
    .bind(h.person_id)
    .bind(h.post_id)
    .bind(&h.county_code)
    .bind(&h.form)
    .bind(h.start_date)
    .bind("market_hire")
    .bind(h.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn hire(db: &Db, id: Uuid) -> Result<Option<HireRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, HireRow>(
        select_hires!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn hires_of_person(db: &Db, person_id: Uuid) -> Result<Vec<HireRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, HireRow>(
        select_hires!("WHERE person_id = $1 ORDER BY created_at DESC")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

/// [`hires_of_person`] of a page of persons, by person.
pub async fn hires_of_persons(db: &Db, ids: &[Uuid]) -> Result<Vec<HireRow>> {
    crate::select_in(
        db,
        select_hires!("WHERE person_id"),
        "ORDER BY person_id, created_at DESC, id",
        ids,
    )
    .await
}

pub async fn hires_of_employer(db: &Db, employer_id: Uuid) -> Result<Vec<HireRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, HireRow>(
        select_hires!("WHERE employer_id = $1 ORDER BY created_at DESC")
    )
    .bind(employer_id)
    .fetch_all(p)
    .await)?)
}

pub async fn set_hire_status(
    tx: &mut Tx,
    id: Uuid,
    from: &str,
    to: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(
        "UPDATE hires SET status = $3, completed_at = $4 WHERE id = $1 AND status = $2"
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RegistrationRow {
    pub id: Uuid,
    pub hire_id: Uuid,
    pub employer_id: Uuid,
    pub person_id: Uuid,
    pub post_id: Uuid,
    pub county_code: String,
    pub form: String,
    pub start_date: NaiveDate,
    pub source: String,
    pub registered_at: DateTime<Utc>,
}

/// 用工登记 in a region, newest first.
pub async fn registrations_in_region(
    tx: &mut Tx,
    prefix: &str,
    limit: i64,
) -> Result<Vec<RegistrationRow>> {
    let like = format!("{prefix}%");
    Ok(on_tx!(tx, |p| {
        sqlx::query_as::<_, RegistrationRow>(
        "SELECT id, hire_id, employer_id, person_id, post_id, county_code, form, start_date, source, registered_at FROM hiring_registrations \
         WHERE county_code LIKE $1 ORDER BY registered_at DESC LIMIT $2"
    )
    .bind(&like)
    .bind(limit)
    .fetch_all(p)
    .await
    })?)
}

/// One page of the region's 用工登记 (newest first), optionally only those whose worker's
/// name, employer's name or post title matches `like` ('' for all), and the count of all.
pub async fn registrations_in_region_page(
    tx: &mut Tx,
    prefix: &str,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<RegistrationRow>, i64)> {
    let region = format!("{prefix}%");
    let rows = on_tx!(tx, |p| {
        sqlx::query_as::<_, RegistrationRow>(
        "SELECT id, hire_id, employer_id, person_id, post_id, county_code, form, start_date, source, registered_at FROM hiring_registrations \
         WHERE county_code LIKE $1 AND ($2 = '' \
           OR person_id IN (SELECT id FROM persons WHERE name LIKE $2) \
           OR employer_id IN (SELECT id FROM employers WHERE name LIKE $2) \
           OR post_id IN (SELECT id FROM job_posts WHERE title LIKE $2)) \
         ORDER BY registered_at DESC, id LIMIT $3 OFFSET $4"
    )
    .bind(&region)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await
    })?;
    let total: i64 = on_tx!(tx, |p| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM hiring_registrations \
         WHERE county_code LIKE $1 AND ($2 = '' \
           OR person_id IN (SELECT id FROM persons WHERE name LIKE $2) \
           OR employer_id IN (SELECT id FROM employers WHERE name LIKE $2) \
           OR post_id IN (SELECT id FROM job_posts WHERE title LIKE $2))",
        )
        .bind(&region)
        .bind(like)
        .fetch_one(p)
        .await
    })?;
    Ok((rows, total))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AgreementRow {
    pub id: Uuid,
    pub hire_id: Uuid,
    pub service_time: String,
    pub pay_fen: i64,
    pub pay_unit: String,
    pub pay_cycle_days: i64,
    pub first_pay_on: NaiveDate,
    pub rest: String,
    pub safety: String,
    pub accident_cover: bool,
    pub employer_confirmed_at: Option<DateTime<Utc>>,
    pub worker_confirmed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_agreement(tx: &mut Tx, a: &AgreementRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO agreements (id, hire_id, service_time, pay_fen, pay_unit, pay_cycle_days, first_pay_on, rest, safety, accident_cover, \
         employer_confirmed_at, worker_confirmed_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)"
    )
    .bind(a.id)
    .bind(a.hire_id)
    .bind(&a.service_time)
    .bind(a.pay_fen)
    .bind(&a.pay_unit)
    .bind(a.pay_cycle_days)
    .bind(a.first_pay_on)
    .bind(&a.rest)
    .bind(&a.safety)
    .bind(a.accident_cover)
    .bind(a.employer_confirmed_at)
    .bind(a.worker_confirmed_at)
    .bind(a.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn agreement_of_hire(db: &Db, hire_id: Uuid) -> Result<Option<AgreementRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, AgreementRow>(
        "SELECT id, hire_id, service_time, pay_fen, pay_unit, pay_cycle_days, first_pay_on, rest, safety, accident_cover, \
         employer_confirmed_at, worker_confirmed_at, created_at FROM agreements WHERE hire_id = $1"
    )
    .bind(hire_id)
    .fetch_optional(p)
    .await
    })?)
}

/// Records one side's confirmation of the agreement; false when already confirmed.
pub async fn confirm_agreement(
    tx: &mut Tx,
    hire_id: Uuid,
    employer_side: bool,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = if employer_side {
        on_tx!(tx, |c| {
            sqlx::query("UPDATE agreements SET employer_confirmed_at = $2 WHERE hire_id = $1 AND employer_confirmed_at IS NULL")
            .bind(hire_id)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?
    } else {
        on_tx!(tx, |c| {
            sqlx::query("UPDATE agreements SET worker_confirmed_at = $2 WHERE hire_id = $1 AND worker_confirmed_at IS NULL")
            .bind(hire_id)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?
    };
    Ok(n == 1)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PayRow {
    pub id: Uuid,
    pub hire_id: Uuid,
    pub period: String,
    pub amount_fen: i64,
    pub due_on: NaiveDate,
    pub employer_confirmed_at: Option<DateTime<Utc>>,
    pub worker_confirmed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_pay(tx: &mut Tx, r: &PayRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO pay_records (id, hire_id, period, amount_fen, due_on, employer_confirmed_at, worker_confirmed_at, created_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8)"
    )
    .bind(r.id)
    .bind(r.hire_id)
    .bind(&r.period)
    .bind(r.amount_fen)
    .bind(r.due_on)
    .bind(r.employer_confirmed_at)
    .bind(r.worker_confirmed_at)
    .bind(r.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn pay_of_hire(db: &Db, hire_id: Uuid) -> Result<Vec<PayRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, PayRow>(
        "SELECT id, hire_id, period, amount_fen, due_on, employer_confirmed_at, worker_confirmed_at, created_at FROM pay_records \
         WHERE hire_id = $1 ORDER BY due_on"
    )
    .bind(hire_id)
    .fetch_all(p)
    .await
    })?)
}

pub async fn confirm_pay(
    tx: &mut Tx,
    pay_id: Uuid,
    employer_side: bool,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = if employer_side {
        on_tx!(tx, |c| {
            sqlx::query("UPDATE pay_records SET employer_confirmed_at = $2 WHERE id = $1 AND employer_confirmed_at IS NULL")
            .bind(pay_id)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?
    } else {
        on_tx!(tx, |c| {
            sqlx::query("UPDATE pay_records SET worker_confirmed_at = $2 WHERE id = $1 AND worker_confirmed_at IS NULL")
            .bind(pay_id)
            .bind(at)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
        })?
    };
    Ok(n == 1)
}

/// Pay records of hires in a region that are past due and not confirmed by the worker.
/// One page of the pay past its due day and not confirmed by the worker in a region (the
/// longest overdue first), optionally only those whose worker's or employer's name or post
/// title matches `like` ('' for all); each with its hire's worker, and the count of all.
pub async fn overdue_pay_in_region_page(
    db: &Db,
    prefix: &str,
    today: NaiveDate,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PayRow>, i64)> {
    let region = format!("{prefix}%");
    let rows: Vec<PayRow> = on_pool!(db, |p| {
        sqlx::query_as::<_, PayRow>(
        "SELECT r.id, r.hire_id, r.period, r.amount_fen, r.due_on, r.employer_confirmed_at, r.worker_confirmed_at, r.created_at \
         FROM pay_records r JOIN hires h ON h.id = r.hire_id WHERE h.county_code LIKE $1 AND r.due_on < $2 AND r.worker_confirmed_at IS NULL \
         AND ($3 = '' OR h.person_id IN (SELECT id FROM persons WHERE name LIKE $3) \
           OR h.employer_id IN (SELECT id FROM employers WHERE name LIKE $3) \
           OR h.post_id IN (SELECT id FROM job_posts WHERE title LIKE $3)) \
         ORDER BY r.due_on, r.id LIMIT $4 OFFSET $5"
    )
    .bind(&region)
    .bind(today)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await
    })?;
    let total: i64 = on_pool!(db, |p| {
        sqlx::query_scalar(
            "SELECT COUNT(*) FROM pay_records r JOIN hires h ON h.id = r.hire_id \
         WHERE h.county_code LIKE $1 AND r.due_on < $2 AND r.worker_confirmed_at IS NULL \
         AND ($3 = '' OR h.person_id IN (SELECT id FROM persons WHERE name LIKE $3) \
           OR h.employer_id IN (SELECT id FROM employers WHERE name LIKE $3) \
           OR h.post_id IN (SELECT id FROM job_posts WHERE title LIKE $3))",
        )
        .bind(&region)
        .bind(today)
        .bind(like)
        .fetch_one(p)
        .await
    })?;
    Ok((rows, total))
}

pub async fn overdue_pay_in_region(
    db: &Db,
    prefix: &str,
    today: NaiveDate,
) -> Result<Vec<(PayRow, String)>> {
    let like = format!("{prefix}%");
    let rows: Vec<PayRow> = on_pool!(db, |p| {
        sqlx::query_as::<_, PayRow>(
        "SELECT r.id, r.hire_id, r.period, r.amount_fen, r.due_on, r.employer_confirmed_at, r.worker_confirmed_at, r.created_at \
         FROM pay_records r JOIN hires h ON h.id = r.hire_id WHERE h.county_code LIKE $1 AND r.due_on < $2 AND r.worker_confirmed_at IS NULL \
         ORDER BY r.due_on"
    )
    .bind(&like)
    .bind(today)
    .fetch_all(p)
    .await
    })?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let county: String = on_pool!(db, |p| sqlx::query_scalar(
            "SELECT county_code FROM hires WHERE id = $1"
        )
        .bind(r.hire_id)
        .fetch_one(p)
        .await)?;
        out.push((r, county));
    }
    Ok(out)
}

/// An employer's pay record: (confirmed by the worker on or before the due day, late or missing and past due).
pub async fn on_time_record(db: &Db, employer_id: Uuid, today: NaiveDate) -> Result<(i64, i64)> {
    let rows: Vec<(NaiveDate, Option<DateTime<Utc>>)> = on_pool!(db, |p| {
        sqlx::query_as(
        "SELECT r.due_on, r.worker_confirmed_at FROM pay_records r JOIN hires h ON h.id = r.hire_id WHERE h.employer_id = $1"
    )
    .bind(employer_id)
    .fetch_all(p)
    .await
    })?;
    let mut on_time = 0;
    let mut late = 0;
    for (due, confirmed) in rows {
        match confirmed {
            Some(at) if (at + chrono::Duration::hours(8)).date_naive() <= due => on_time += 1,
            Some(_) => late += 1,
            None if due < today => late += 1,
            None => {}
        }
    }
    Ok((on_time, late))
}

pub async fn insert_rating(
    tx: &mut Tx,
    id: Uuid,
    hire_id: Uuid,
    rater: &str,
    score: i64,
    comment: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query("INSERT INTO ratings (id, hire_id, rater, score, comment, created_at) VALUES ($1,$2,$3,$4,$5,$6)")
        .bind(id)
        .bind(hire_id)
        .bind(rater)
        .bind(score)
        .bind(comment)
        .bind(at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RatingRow {
    pub rater: String,
    pub score: i64,
    pub comment: String,
    pub created_at: DateTime<Utc>,
}

pub async fn ratings_of_hire(db: &Db, hire_id: Uuid) -> Result<Vec<RatingRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, RatingRow>(
        "SELECT rater, score, comment, created_at FROM ratings WHERE hire_id = $1 ORDER BY rater"
    )
    .bind(hire_id)
    .fetch_all(p)
    .await)?)
}

/// Average score (in tenths) and count of the ratings workers gave an employer.
pub async fn employer_rating(db: &Db, employer_id: Uuid) -> Result<(i64, i64)> {
    let (sum, n): (Option<i64>, i64) = on_pool!(db, |p| {
        sqlx::query_as(
        "SELECT CAST(SUM(r.score) AS BIGINT), COUNT(*) FROM ratings r JOIN hires h ON h.id = r.hire_id \
         WHERE h.employer_id = $1 AND r.rater = $2"
    )
    .bind(employer_id)
    .bind("worker")
    .fetch_one(p)
    .await
    })?;
    Ok((sum.map_or(0, |s| if n > 0 { s * 10 / n } else { 0 }), n))
}

/// Pay records past due and not confirmed by the worker, with their hire (all regions), for
/// the scheduled overdue check.
pub async fn overdue_pay_all(db: &Db, today: NaiveDate) -> Result<Vec<(PayRow, HireRow)>> {
    let pays: Vec<PayRow> = on_pool!(db, |p| {
        sqlx::query_as::<_, PayRow>(
        "SELECT r.id, r.hire_id, r.period, r.amount_fen, r.due_on, r.employer_confirmed_at, r.worker_confirmed_at, r.created_at \
         FROM pay_records r WHERE r.worker_confirmed_at IS NULL AND r.due_on < $1 ORDER BY r.due_on"
    )
    .bind(today)
    .fetch_all(p)
    .await
    })?;
    let mut out = Vec::with_capacity(pays.len());
    for r in pays {
        if let Some(h) = hire(db, r.hire_id).await? {
            out.push((r, h));
        }
    }
    Ok(out)
}

/// Counts of the market in a region (county code prefix) for the staff overview.
#[derive(Clone, Debug, Default)]
pub struct MarketCounts {
    pub live_posts: i64,
    pub held_posts: i64,
    pub applications: i64,
    pub hires: i64,
    pub active_hires: i64,
}

pub async fn market_counts(db: &Db, region_prefix: &str) -> Result<MarketCounts> {
    let pattern = format!("{region_prefix}%");
    let posts: Vec<(String, i64)> = on_pool!(db, |p| sqlx::query_as(
        "SELECT status, COUNT(*) FROM job_posts WHERE county_code LIKE $1 GROUP BY status"
    )
    .bind(&pattern)
    .fetch_all(p)
    .await)?;
    let applications: i64 = on_pool!(db, |p| {
        sqlx::query_scalar(
        "SELECT COUNT(*) FROM applications a JOIN job_posts p ON p.id = a.post_id WHERE p.county_code LIKE $1"
    )
    .bind(&pattern)
    .fetch_one(p)
    .await
    })?;
    let hires: Vec<(String, i64)> = on_pool!(db, |p| sqlx::query_as(
        "SELECT status, COUNT(*) FROM hires WHERE county_code LIKE $1 GROUP BY status"
    )
    .bind(&pattern)
    .fetch_all(p)
    .await)?;
    let get = |v: &[(String, i64)], k: &str| v.iter().find(|(s, _)| s == k).map_or(0, |x| x.1);
    Ok(MarketCounts {
        live_posts: get(&posts, "live"),
        held_posts: get(&posts, "held"),
        applications,
        hires: hires.iter().map(|x| x.1).sum(),
        active_hires: get(&hires, "active"),
    })
}

/// For each post in the region with at least one hire: when it was posted and when its
/// first hire was made (time to fill).
pub async fn fill_times(
    db: &Db,
    region_prefix: &str,
) -> Result<Vec<(DateTime<Utc>, DateTime<Utc>)>> {
    let pattern = format!("{region_prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as(
        "SELECT p.created_at, MIN(h.created_at) FROM hires h JOIN job_posts p ON p.id = h.post_id \
         WHERE p.county_code LIKE $1 GROUP BY p.id, p.created_at"
    )
    .bind(&pattern)
    .fetch_all(p)
    .await)?)
}

/// Applications of a worker to (or invitations for) one post.
pub async fn application_of(
    db: &Db,
    post_id: Uuid,
    person_id: Uuid,
) -> Result<Option<ApplicationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ApplicationRow>(
        select_applications!("WHERE post_id = $1 AND person_id = $2")
    )
    .bind(post_id)
    .bind(person_id)
    .fetch_optional(p)
    .await)?)
}

/// Every employer's pay record at once: (employer, on time, late or missing and past due),
/// by the same rule as [`on_time_record`], for ranking posts by the employer's record.
pub async fn on_time_records_all(db: &Db, today: NaiveDate) -> Result<Vec<(Uuid, i64, i64)>> {
    let rows: Vec<(Uuid, NaiveDate, Option<DateTime<Utc>>)> = on_pool!(db, |p| {
        sqlx::query_as(
            "SELECT h.employer_id, r.due_on, r.worker_confirmed_at FROM pay_records r JOIN hires h ON h.id = r.hire_id",
        )
        .fetch_all(p)
        .await
    })?;
    let mut by: std::collections::HashMap<Uuid, (i64, i64)> = std::collections::HashMap::new();
    for (e, due, confirmed) in rows {
        let entry = by.entry(e).or_default();
        match confirmed {
            Some(at) if (at + chrono::Duration::hours(8)).date_naive() <= due => entry.0 += 1,
            Some(_) => entry.1 += 1,
            None if due < today => entry.1 += 1,
            None => {}
        }
    }
    Ok(by.into_iter().map(|(e, (a, b))| (e, a, b)).collect())
}

/// Replaces a post's screening findings (JSON list), e.g. to add the reviewer's reason.
pub async fn set_post_screening(tx: &mut Tx, id: Uuid, screening: &str) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE job_posts SET screening = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(screening)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}
