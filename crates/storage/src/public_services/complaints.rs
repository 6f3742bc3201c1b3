//! Complaints (三(五) 投诉举报) with their history, evidence gathered from the market and
//! mediation (四(十) 调解); policy questions and FAQ entries (四(九) 政策咨询). Lists staff
//! see take a region prefix, so scope is part of the query. State changes are conditional
//! updates that report whether they applied.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::status::ComplaintStatus;
use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ComplaintRow {
    pub id: Uuid,
    pub person_id: Uuid,
    pub county_code: String,
    pub category: String,
    pub description: String,
    pub against_employer_id: Option<Uuid>,
    pub hire_id: Option<Uuid>,
    pub status: ComplaintStatus,
    pub acknowledge_due_at: DateTime<Utc>,
    pub resolve_due_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub escalated_at: Option<DateTime<Utc>>,
    pub escalation_level: i64,
    pub assigned_to: Option<Uuid>,
    pub resolution: String,
    pub resolved_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_complaints {
    ($($tail:tt)*) => {
        concat!(
            "SELECT id, person_id, county_code, category, description, against_employer_id, hire_id, status, acknowledge_due_at, \
             resolve_due_at, acknowledged_at, escalated_at, escalation_level, assigned_to, resolution, resolved_at, created_at, \
             updated_at FROM complaints ",
            $($tail)*
        )
    };
}

pub async fn insert_complaint(tx: &mut Tx, c: &ComplaintRow) -> Result<()> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO complaints (id, person_id, county_code, category, description, against_employer_id, hire_id, status, \
             acknowledge_due_at, resolve_due_at, acknowledged_at, escalated_at, escalation_level, assigned_to, resolution, resolved_at, \
             created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)",
        )
        .bind(c.id)
        .bind(c.person_id)
        .bind(&c.county_code)
        .bind(&c.category)
        .bind(&c.description)
        .bind(c.against_employer_id)
        .bind(c.hire_id)
        .bind(c.status)
        .bind(c.acknowledge_due_at)
        .bind(c.resolve_due_at)
        .bind(c.acknowledged_at)
        .bind(c.escalated_at)
        .bind(c.escalation_level)
        .bind(c.assigned_to)
        .bind(&c.resolution)
        .bind(c.resolved_at)
        .bind(c.created_at)
        .bind(c.updated_at)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn complaint(db: &Db, id: Uuid) -> Result<Option<ComplaintRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ComplaintRow>(
        select_complaints!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn complaints_of_person(db: &Db, person_id: Uuid) -> Result<Vec<ComplaintRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ComplaintRow>(
        select_complaints!("WHERE person_id = $1 ORDER BY created_at DESC LIMIT 200")
    )
    .bind(person_id)
    .fetch_all(p)
    .await)?)
}

pub async fn complaints_of_employer(db: &Db, employer_id: Uuid) -> Result<Vec<ComplaintRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ComplaintRow>(
        select_complaints!("WHERE against_employer_id = $1 ORDER BY created_at DESC LIMIT 200")
    )
    .bind(employer_id)
    .fetch_all(p)
    .await)?)
}

/// Complaints assigned to counties within a region prefix, newest first.
pub async fn complaints_in_region(
    tx: &mut Tx,
    prefix: &str,
    limit: i64,
) -> Result<Vec<ComplaintRow>> {
    let like = format!("{prefix}%");
    Ok(on_tx!(tx, |p| sqlx::query_as::<_, ComplaintRow>(
        select_complaints!("WHERE county_code LIKE $1 ORDER BY created_at DESC LIMIT $2")
    )
    .bind(&like)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// Whether a complaint is past a time limit at `$3` and still being handled (as
/// `is_overdue` in the service).
macro_rules! complaint_overdue {
    () => {
        "((status = 'received' AND ($3 > acknowledge_due_at OR $3 > resolve_due_at)) \
          OR (status IN ('acknowledged','investigating') AND $3 > resolve_due_at))"
    };
}

macro_rules! complaints_page_where {
    () => {
        concat!(
            "WHERE county_code LIKE $1 AND ($2 = 'all' \
              OR ($2 = 'open' AND status NOT IN ('resolved','closed')) \
              OR ($2 = 'overdue' AND ",
            complaint_overdue!(),
            ") OR status = $2) \
             AND ($4 = '' OR person_id IN (SELECT id FROM persons WHERE name LIKE $4) \
              OR against_employer_id IN (SELECT id FROM employers WHERE name LIKE $4)) "
        )
    };
}

/// One page of the region's complaints for the staff queue: `filter` is `open`, `overdue`,
/// `all` or a status; `like` matches the complainant's or the employer's name ('' for all).
/// Overdue first, then the oldest; with the count of all that match.
#[allow(clippy::too_many_arguments)]
pub async fn complaints_in_region_page(
    tx: &mut Tx,
    prefix: &str,
    filter: &str,
    now: DateTime<Utc>,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ComplaintRow>, i64)> {
    let region = format!("{prefix}%");
    let rows = on_tx!(tx, |p| sqlx::query_as::<_, ComplaintRow>(
        select_complaints!(concat!(
            complaints_page_where!(),
            "ORDER BY CASE WHEN ",
            complaint_overdue!(),
            " THEN 0 ELSE 1 END, created_at, id LIMIT $5 OFFSET $6"
        ))
    )
    .bind(&region)
    .bind(filter)
    .bind(now)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await)?;
    let total: i64 = on_tx!(tx, |p| sqlx::query_scalar(concat!(
        "SELECT COUNT(*) FROM complaints ",
        complaints_page_where!()
    ))
    .bind(&region)
    .bind(filter)
    .bind(now)
    .bind(like)
    .fetch_one(p)
    .await)?;
    Ok((rows, total))
}

/// Complaints still being handled and never escalated (all regions), for the upkeep.
pub async fn unescalated_open(db: &Db) -> Result<Vec<ComplaintRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, ComplaintRow>(
        select_complaints!(
            "WHERE escalated_at IS NULL AND status IN ('received','acknowledged','investigating') ORDER BY created_at"
        )
    )
    .fetch_all(p)
    .await
    })?)
}

async fn affected(tx: &mut Tx, sql: &'static str, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(sql)
        .bind(id)
        .bind(at)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// received → acknowledged.
pub async fn acknowledge(tx: &mut Tx, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
    affected(
        tx,
        "UPDATE complaints SET status = 'acknowledged', acknowledged_at = $2, updated_at = $2 WHERE id = $1 AND status = 'received'",
        id,
        at,
    )
    .await
}

/// Takes the complaint on (received, acknowledged or investigating → investigating, assigned
/// to `user`); a received complaint counts as acknowledged then.
pub async fn assign(tx: &mut Tx, id: Uuid, user: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE complaints SET status = 'investigating', assigned_to = $3, acknowledged_at = COALESCE(acknowledged_at, $2), \
         updated_at = $2 WHERE id = $1 AND status IN ('received','acknowledged','investigating')"
    )
    .bind(id)
    .bind(at)
    .bind(user)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// acknowledged or investigating → resolved, with the resolution text.
pub async fn resolve(tx: &mut Tx, id: Uuid, resolution: &str, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE complaints SET status = 'resolved', resolution = $3, resolved_at = $2, updated_at = $2 \
         WHERE id = $1 AND status IN ('acknowledged','investigating')"
    )
    .bind(id)
    .bind(at)
    .bind(resolution)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// acknowledged or investigating → referred_to_mediation.
pub async fn refer(tx: &mut Tx, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
    affected(
        tx,
        "UPDATE complaints SET status = 'referred_to_mediation', updated_at = $2 WHERE id = $1 AND status IN ('acknowledged','investigating')",
        id,
        at,
    )
    .await
}

/// referred_to_mediation → closed, with the mediation's outcome as the resolution.
pub async fn close(tx: &mut Tx, id: Uuid, resolution: &str, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE complaints SET status = 'closed', resolution = $3, resolved_at = $2, updated_at = $2 \
         WHERE id = $1 AND status = 'referred_to_mediation'"
    )
    .bind(id)
    .bind(at)
    .bind(resolution)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Marks a complaint escalated (once: false when it already was).
pub async fn escalate(tx: &mut Tx, id: Uuid, at: DateTime<Utc>) -> Result<bool> {
    affected(
        tx,
        "UPDATE complaints SET escalated_at = $2, escalation_level = escalation_level + 1, updated_at = $2 \
         WHERE id = $1 AND escalated_at IS NULL",
        id,
        at,
    )
    .await
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub position: i64,
    pub kind: String,
    pub audience: String,
    pub actor_role: String,
    pub actor_user_id: Option<Uuid>,
    pub office: String,
    pub message: String,
    pub created_at: DateTime<Utc>,
}

/// Appends an event to a complaint's history (its position follows the last one).
pub async fn insert_event(tx: &mut Tx, e: &EventRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO complaint_events (id, complaint_id, position, kind, audience, actor_role, actor_user_id, office, message, created_at) \
             VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM complaint_events WHERE complaint_id = $2), $3,$4,$5,$6,$7,$8,$9)",
        )
        .bind(e.id)
        .bind(e.complaint_id)
        .bind(&e.kind)
        .bind(&e.audience)
        .bind(&e.actor_role)
        .bind(e.actor_user_id)
        .bind(&e.office)
        .bind(&e.message)
        .bind(e.created_at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn events_of(db: &Db, complaint_id: Uuid) -> Result<Vec<EventRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, EventRow>(
        "SELECT id, complaint_id, position, kind, audience, actor_role, actor_user_id, office, message, created_at \
         FROM complaint_events WHERE complaint_id = $1 ORDER BY position"
    )
    .bind(complaint_id)
    .fetch_all(p)
    .await
    })?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EvidenceRow {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub kind: String,
    pub source: String,
    pub snapshot: String,
    pub gathered_at: DateTime<Utc>,
}

pub async fn insert_evidence(tx: &mut Tx, e: &EvidenceRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO complaint_evidence (id, complaint_id, kind, source, snapshot, gathered_at) VALUES ($1,$2,$3,$4,$5,$6)",
        )
        .bind(e.id)
        .bind(e.complaint_id)
        .bind(&e.kind)
        .bind(&e.source)
        .bind(&e.snapshot)
        .bind(e.gathered_at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn evidence_of(db: &Db, complaint_id: Uuid) -> Result<Vec<EvidenceRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, EvidenceRow>(
        "SELECT id, complaint_id, kind, source, snapshot, gathered_at FROM complaint_evidence WHERE complaint_id = $1 \
         ORDER BY gathered_at, kind, source"
    )
    .bind(complaint_id)
    .fetch_all(p)
    .await
    })?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MediationRow {
    pub id: Uuid,
    pub complaint_id: Uuid,
    pub organisation_kind: String,
    pub organisation_name: String,
    pub parties: String,
    pub status: String,
    pub agreement: String,
    pub amount_fen: Option<i64>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

macro_rules! select_mediations {
    ($tail:literal) => {
        concat!(
            "SELECT id, complaint_id, organisation_kind, organisation_name, parties, status, agreement, amount_fen, created_by, \
             created_at, closed_at FROM mediation_cases ",
            $tail
        )
    };
}

pub async fn insert_mediation(tx: &mut Tx, m: &MediationRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO mediation_cases (id, complaint_id, organisation_kind, organisation_name, parties, status, agreement, \
             amount_fen, created_by, created_at, closed_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11)",
        )
        .bind(m.id)
        .bind(m.complaint_id)
        .bind(&m.organisation_kind)
        .bind(&m.organisation_name)
        .bind(&m.parties)
        .bind(&m.status)
        .bind(&m.agreement)
        .bind(m.amount_fen)
        .bind(m.created_by)
        .bind(m.created_at)
        .bind(m.closed_at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn mediation(db: &Db, id: Uuid) -> Result<Option<MediationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, MediationRow>(
        select_mediations!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn mediation_of_complaint(db: &Db, complaint_id: Uuid) -> Result<Option<MediationRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, MediationRow>(
        select_mediations!("WHERE complaint_id = $1")
    )
    .bind(complaint_id)
    .fetch_optional(p)
    .await)?)
}

/// open → agreed or failed, with the agreement text and the amount agreed.
pub async fn set_mediation_outcome(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    agreement: &str,
    amount_fen: Option<i64>,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE mediation_cases SET status = $2, agreement = $3, amount_fen = $4, closed_at = $5 WHERE id = $1 AND status = 'open'"
    )
    .bind(id)
    .bind(status)
    .bind(agreement)
    .bind(amount_fen)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub id: Uuid,
    pub case_id: Uuid,
    pub held_at: DateTime<Utc>,
    pub place: String,
    pub notes: String,
    pub attendance: String,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_session(tx: &mut Tx, s: &SessionRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO mediation_sessions (id, case_id, held_at, place, notes, attendance, created_by, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
        )
        .bind(s.id)
        .bind(s.case_id)
        .bind(s.held_at)
        .bind(&s.place)
        .bind(&s.notes)
        .bind(&s.attendance)
        .bind(s.created_by)
        .bind(s.created_at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn sessions_of(db: &Db, case_id: Uuid) -> Result<Vec<SessionRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, SessionRow>(
        "SELECT id, case_id, held_at, place, notes, attendance, created_by, created_at FROM mediation_sessions \
         WHERE case_id = $1 ORDER BY held_at, created_at"
    )
    .bind(case_id)
    .fetch_all(p)
    .await
    })?)
}

// ---------------------------------------------------------------------------------------
// 政策咨询

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FaqRow {
    pub id: Uuid,
    pub question: String,
    pub answer: String,
    pub clause_id: String,
    pub published: bool,
    pub question_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_faq(tx: &mut Tx, f: &FaqRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO faq_entries (id, question, answer, clause_id, published, question_id, created_by, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
        )
        .bind(f.id)
        .bind(&f.question)
        .bind(&f.answer)
        .bind(&f.clause_id)
        .bind(f.published)
        .bind(f.question_id)
        .bind(f.created_by)
        .bind(f.created_at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn published_faq(db: &Db) -> Result<Vec<FaqRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, FaqRow>(
        "SELECT id, question, answer, clause_id, published, question_id, created_by, created_at FROM faq_entries \
         WHERE published = $1 ORDER BY created_at LIMIT 500"
    )
    .bind(true)
    .fetch_all(p)
    .await
    })?)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct QuestionRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub person_id: Option<Uuid>,
    pub employer_id: Option<Uuid>,
    pub region_code: String,
    pub question: String,
    pub status: String,
    pub answer: String,
    pub clause_id: String,
    pub answered_by: Option<Uuid>,
    pub answered_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

macro_rules! select_questions {
    ($tail:literal) => {
        concat!(
            "SELECT id, user_id, person_id, employer_id, region_code, question, status, answer, clause_id, answered_by, answered_at, \
             created_at FROM consult_questions ",
            $tail
        )
    };
}

pub async fn insert_question(tx: &mut Tx, q: &QuestionRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO consult_questions (id, user_id, person_id, employer_id, region_code, question, status, answer, clause_id, \
             answered_by, answered_at, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)",
        )
        .bind(q.id)
        .bind(q.user_id)
        .bind(q.person_id)
        .bind(q.employer_id)
        .bind(&q.region_code)
        .bind(&q.question)
        .bind(&q.status)
        .bind(&q.answer)
        .bind(&q.clause_id)
        .bind(q.answered_by)
        .bind(q.answered_at)
        .bind(q.created_at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn question(db: &Db, id: Uuid) -> Result<Option<QuestionRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, QuestionRow>(
        select_questions!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn questions_of_user(db: &Db, user_id: Uuid) -> Result<Vec<QuestionRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, QuestionRow>(
        select_questions!("WHERE user_id = $1 ORDER BY created_at DESC LIMIT 200")
    )
    .bind(user_id)
    .fetch_all(p)
    .await)?)
}

/// One page of the questions in a region prefix (open first, then the newest), optionally
/// only those whose text matches `like` ('' for all); with the count of all that match and
/// of the open ones among them.
pub async fn questions_in_region_page(
    db: &Db,
    prefix: &str,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<QuestionRow>, i64, i64)> {
    let region = format!("{prefix}%");
    let rows = on_pool!(db, |p| sqlx::query_as::<_, QuestionRow>(select_questions!(
        "WHERE region_code LIKE $1 AND ($2 = '' OR question LIKE $2) \
         ORDER BY status DESC, created_at DESC, id LIMIT $3 OFFSET $4"
    ))
    .bind(&region)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(p)
    .await)?;
    let (total, open): (i64, i64) = on_pool!(db, |p| {
        sqlx::query_as::<_, (i64, i64)>(
        "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM consult_questions WHERE region_code LIKE $1 AND ($2 = '' OR question LIKE $2)"
    )
    .bind(&region)
    .bind(like)
    .fetch_one(p)
    .await
    })?;
    Ok((rows, total, open))
}

/// Questions from askers in a region prefix: open ones first, then the newest.
pub async fn questions_in_region(db: &Db, prefix: &str, limit: i64) -> Result<Vec<QuestionRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, QuestionRow>(
        select_questions!(
            "WHERE region_code LIKE $1 ORDER BY status DESC, created_at DESC LIMIT $2"
        )
    )
    .bind(&like)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// open → answered.
pub async fn answer_question(
    tx: &mut Tx,
    id: Uuid,
    answer: &str,
    clause_id: &str,
    by: Uuid,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE consult_questions SET status = 'answered', answer = $2, clause_id = $3, answered_by = $4, answered_at = $5 \
         WHERE id = $1 AND status = 'open'"
    )
    .bind(id)
    .bind(answer)
    .bind(clause_id)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}
