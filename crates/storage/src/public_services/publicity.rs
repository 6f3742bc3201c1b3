//! Publicity (五(十四)): typical cases and policy news with the clauses they illustrate, and
//! 违规收费 reports (三(五)) with the reference list of departments they are routed to. Lists
//! staff see take a region prefix; state changes are conditional updates that report whether
//! they applied.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::status::{ArticleStatus, FeeReportStatus};
use crate::{Db, Result, Tx, on_pool, on_tx};

// ---------------------------------------------------------------------------------------
// Articles

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ArticleRow {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub region_code: String,
    pub status: ArticleStatus,
    pub author_id: Uuid,
    pub author_name: String,
    pub author_office: String,
    pub reviewer_id: Option<Uuid>,
    pub reviewer_name: String,
    pub return_reason: String,
    pub withdraw_reason: String,
    pub demo: bool,
    pub submitted_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

macro_rules! select_articles {
    ($tail:literal) => {
        concat!(
            "SELECT id, kind, title, body, region_code, status, author_id, author_name, author_office, reviewer_id, \
             reviewer_name, return_reason, withdraw_reason, demo, submitted_at, published_at, withdrawn_at, created_at, \
             updated_at FROM articles ",
            $tail
        )
    };
}

/// Stores a new article and its clauses.
pub async fn insert_article(tx: &mut Tx, a: &ArticleRow, clauses: &[String]) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
            "INSERT INTO articles (id, kind, title, body, region_code, status, author_id, author_name, author_office, \
             reviewer_id, reviewer_name, return_reason, withdraw_reason, demo, submitted_at, published_at, withdrawn_at, \
             created_at, updated_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19)",
        )
        .bind(a.id)
        .bind(&a.kind)
        .bind(&a.title)
        .bind(&a.body)
        .bind(&a.region_code)
        .bind(a.status)
        .bind(a.author_id)
        .bind(&a.author_name)
        .bind(&a.author_office)
        .bind(a.reviewer_id)
        .bind(&a.reviewer_name)
        .bind(&a.return_reason)
        .bind(&a.withdraw_reason)
        .bind(a.demo)
        .bind(a.submitted_at)
        .bind(a.published_at)
        .bind(a.withdrawn_at)
        .bind(a.created_at)
        .bind(a.updated_at)
        .execute(c)
        .await
        .map(|_| ())
    })?;
    set_clauses(tx, a.id, clauses).await
}

/// Replaces an article's clauses.
pub async fn set_clauses(tx: &mut Tx, id: Uuid, clauses: &[String]) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "DELETE FROM article_clauses WHERE article_id = $1"
    )
    .bind(id)
    .execute(c)
    .await
    .map(|_| ()))?;
    for clause in clauses {
        on_tx!(tx, |c| sqlx::query(
            "INSERT INTO article_clauses (article_id, clause_id) VALUES ($1, $2)"
        )
        .bind(id)
        .bind(clause)
        .execute(c)
        .await
        .map(|_| ()))?;
    }
    Ok(())
}

pub async fn article(db: &Db, id: Uuid) -> Result<Option<ArticleRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ArticleRow>(
        select_articles!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// The clause ids of an article, in document order of storage (sorted by id text).
pub async fn clauses_of(db: &Db, id: Uuid) -> Result<Vec<String>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT clause_id FROM article_clauses WHERE article_id = $1 ORDER BY clause_id"
    )
    .bind(id)
    .fetch_all(p)
    .await)?)
}

/// Published articles, newest first: all, of one kind, or illustrating one clause.
pub async fn published(
    db: &Db,
    kind: Option<&str>,
    clause: Option<&str>,
    limit: i64,
) -> Result<Vec<ArticleRow>> {
    let kind = kind.unwrap_or("");
    let clause = clause.unwrap_or("");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ArticleRow>(
        select_articles!(
            "WHERE status = 'published' AND ($1 = '' OR kind = $1) \
         AND ($2 = '' OR id IN (SELECT article_id FROM article_clauses WHERE clause_id = $2)) \
         ORDER BY published_at DESC, id LIMIT $3"
        )
    )
    .bind(kind)
    .bind(clause)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// (clause id, number of published articles illustrating it).
pub async fn published_per_clause(db: &Db) -> Result<Vec<(String, i64)>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, (String, i64)>(
        "SELECT k.clause_id, COUNT(*) FROM article_clauses k JOIN articles a ON a.id = k.article_id \
         WHERE a.status = 'published' GROUP BY k.clause_id ORDER BY k.clause_id"
    )
    .fetch_all(p)
    .await
    })?)
}

/// Articles about regions within a prefix, latest change first.
pub async fn articles_for_region(db: &Db, prefix: &str, limit: i64) -> Result<Vec<ArticleRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, ArticleRow>(
        select_articles!("WHERE region_code LIKE $1 ORDER BY updated_at DESC, id LIMIT $2")
    )
    .bind(&like)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// The author changes a pending or returned article (it goes back to review).
pub async fn edit_article(
    tx: &mut Tx,
    id: Uuid,
    author: Uuid,
    kind: &str,
    title: &str,
    body: &str,
    region_code: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE articles SET kind = $3, title = $4, body = $5, region_code = $6, status = 'pending', \
         return_reason = '', submitted_at = $7, updated_at = $7 \
         WHERE id = $1 AND author_id = $2 AND status IN ('pending','returned')"
    )
    .bind(id)
    .bind(author)
    .bind(kind)
    .bind(title)
    .bind(body)
    .bind(region_code)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// pending → published by a reviewer who is not the author.
pub async fn approve_article(
    tx: &mut Tx,
    id: Uuid,
    reviewer: Uuid,
    reviewer_name: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE articles SET status = 'published', reviewer_id = $2, reviewer_name = $3, published_at = $4, \
         updated_at = $4 WHERE id = $1 AND status = 'pending' AND author_id <> $2"
    )
    .bind(id)
    .bind(reviewer)
    .bind(reviewer_name)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// pending → returned to the author with the reason.
pub async fn return_article(
    tx: &mut Tx,
    id: Uuid,
    reviewer: Uuid,
    reviewer_name: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE articles SET status = 'returned', reviewer_id = $2, reviewer_name = $3, return_reason = $4, \
         updated_at = $5 WHERE id = $1 AND status = 'pending' AND author_id <> $2"
    )
    .bind(id)
    .bind(reviewer)
    .bind(reviewer_name)
    .bind(reason)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// published → withdrawn, with the reason.
pub async fn withdraw_article(
    tx: &mut Tx,
    id: Uuid,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE articles SET status = 'withdrawn', withdraw_reason = $2, withdrawn_at = $3, updated_at = $3 \
         WHERE id = $1 AND status = 'published'"
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

// ---------------------------------------------------------------------------------------
// Departments fee reports are routed to

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DepartmentRow {
    pub kind: String,
    pub region_code: String,
    pub name: String,
    pub phone: String,
    pub updated_at: DateTime<Utc>,
}

pub async fn departments(db: &Db) -> Result<Vec<DepartmentRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, DepartmentRow>(
        "SELECT kind, region_code, name, phone, updated_at FROM fee_departments ORDER BY region_code, kind"
    )
    .fetch_all(p)
    .await
    })?)
}

pub async fn upsert_department(tx: &mut Tx, d: &DepartmentRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO fee_departments (kind, region_code, name, phone, updated_at) VALUES ($1,$2,$3,$4,$5) \
         ON CONFLICT (kind, region_code) DO UPDATE SET name = excluded.name, phone = excluded.phone, \
         updated_at = excluded.updated_at"
    )
    .bind(&d.kind)
    .bind(&d.region_code)
    .bind(&d.name)
    .bind(&d.phone)
    .bind(d.updated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn delete_department(tx: &mut Tx, kind: &str, region_code: &str) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(
        "DELETE FROM fee_departments WHERE kind = $1 AND region_code = $2"
    )
    .bind(kind)
    .bind(region_code)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

// ---------------------------------------------------------------------------------------
// Fee reports

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FeeReportRow {
    pub id: Uuid,
    pub code_hash: Vec<u8>,
    pub county_code: String,
    pub charged_by_kind: String,
    pub charged_by_name: String,
    pub payer_kind: String,
    pub fee_name: String,
    pub amount_fen: i64,
    pub charged_on: NaiveDate,
    pub place: String,
    pub description: String,
    pub contact_phone_cipher: Option<Vec<u8>>,
    pub department_kind: String,
    pub department_name: String,
    pub department_phone: String,
    pub status: FeeReportStatus,
    pub outcome: Option<String>,
    pub outcome_note: String,
    pub acknowledge_due_at: DateTime<Utc>,
    pub resolve_due_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    pub forwarded_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub handled_by: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// 0 the county handles it, 1 escalated to the city, 2 to the province.
    pub escalation_level: i64,
    pub escalated_at: Option<DateTime<Utc>>,
}

macro_rules! select_reports {
    ($tail:literal) => {
        concat!(
            "SELECT id, code_hash, county_code, charged_by_kind, charged_by_name, payer_kind, fee_name, amount_fen, \
             charged_on, place, description, contact_phone_cipher, department_kind, department_name, department_phone, \
             status, outcome, outcome_note, acknowledge_due_at, resolve_due_at, accepted_at, forwarded_at, resolved_at, \
             handled_by, created_at, updated_at, escalation_level, escalated_at FROM fee_reports ",
            $tail
        )
    };
}

pub async fn insert_report(tx: &mut Tx, r: &FeeReportRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO fee_reports (id, code_hash, county_code, charged_by_kind, charged_by_name, payer_kind, fee_name, \
         amount_fen, charged_on, place, description, contact_phone_cipher, department_kind, department_name, \
         department_phone, status, outcome, outcome_note, acknowledge_due_at, resolve_due_at, accepted_at, forwarded_at, \
         resolved_at, handled_by, created_at, updated_at, escalation_level, escalated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28)"
    )
    .bind(r.id)
    .bind(&r.code_hash)
    .bind(&r.county_code)
    .bind(&r.charged_by_kind)
    .bind(&r.charged_by_name)
    .bind(&r.payer_kind)
    .bind(&r.fee_name)
    .bind(r.amount_fen)
    .bind(r.charged_on)
    .bind(&r.place)
    .bind(&r.description)
    .bind(&r.contact_phone_cipher)
    .bind(&r.department_kind)
    .bind(&r.department_name)
    .bind(&r.department_phone)
    .bind(r.status)
    .bind(&r.outcome)
    .bind(&r.outcome_note)
    .bind(r.acknowledge_due_at)
    .bind(r.resolve_due_at)
    .bind(r.accepted_at)
    .bind(r.forwarded_at)
    .bind(r.resolved_at)
    .bind(r.handled_by)
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.escalation_level)
    .bind(r.escalated_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn report(db: &Db, id: Uuid) -> Result<Option<FeeReportRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, FeeReportRow>(
        select_reports!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn report_by_code(db: &Db, code_hash: &[u8]) -> Result<Option<FeeReportRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, FeeReportRow>(
        select_reports!("WHERE code_hash = $1")
    )
    .bind(code_hash)
    .fetch_optional(p)
    .await)?)
}

/// Reports of counties within a region prefix, newest first.
pub async fn reports_in_region(db: &Db, prefix: &str, limit: i64) -> Result<Vec<FeeReportRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<_, FeeReportRow>(
        select_reports!("WHERE county_code LIKE $1 ORDER BY created_at DESC, id LIMIT $2")
    )
    .bind(&like)
    .bind(limit)
    .fetch_all(p)
    .await)?)
}

/// Reports still open and below the province level (all regions), for the upkeep.
pub async fn open_reports_below_province(db: &Db) -> Result<Vec<FeeReportRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, FeeReportRow>(
        select_reports!(
            "WHERE status <> 'resolved' AND escalation_level < 2 ORDER BY created_at, id"
        )
    )
    .fetch_all(p)
    .await)?)
}

/// The handling of a report moves up one level (`to_level`, from the level below it) to the
/// department and with the time limits of that level; false when another server already
/// moved it or it was resolved meanwhile.
#[allow(clippy::too_many_arguments)]
pub async fn escalate_report(
    tx: &mut Tx,
    id: Uuid,
    to_level: i64,
    department_name: &str,
    department_phone: &str,
    acknowledge_due_at: DateTime<Utc>,
    resolve_due_at: DateTime<Utc>,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
            "UPDATE fee_reports SET escalation_level = $2, escalated_at = $7, department_name = $3, \
             department_phone = $4, acknowledge_due_at = $5, resolve_due_at = $6, updated_at = $7 \
             WHERE id = $1 AND escalation_level = $2 - 1 AND status <> 'resolved'",
        )
        .bind(id)
        .bind(to_level)
        .bind(department_name)
        .bind(department_phone)
        .bind(acknowledge_due_at)
        .bind(resolve_due_at)
        .bind(at)
        .execute(c)
        .await
        .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// (kind of department that charged, status, outcome or "", count) within a region prefix.
pub async fn report_counts(db: &Db, prefix: &str) -> Result<Vec<(String, String, String, i64)>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| sqlx::query_as::<
        _,
        (String, String, String, i64),
    >(
        "SELECT charged_by_kind, status, COALESCE(outcome, ''), COUNT(*) FROM fee_reports \
         WHERE county_code LIKE $1 GROUP BY charged_by_kind, status, COALESCE(outcome, '') \
         ORDER BY charged_by_kind, status"
    )
    .bind(&like)
    .fetch_all(p)
    .await)?)
}

/// received → accepted.
pub async fn accept_report(tx: &mut Tx, id: Uuid, by: Uuid, at: DateTime<Utc>) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE fee_reports SET status = 'accepted', accepted_at = $3, handled_by = $2, updated_at = $3 \
         WHERE id = $1 AND status = 'received'"
    )
    .bind(id)
    .bind(by)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// accepted or forwarded → forwarded to a department (which may differ from the routing).
pub async fn forward_report(
    tx: &mut Tx,
    id: Uuid,
    kind: &str,
    name: &str,
    phone: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE fee_reports SET status = 'forwarded', department_kind = $2, department_name = $3, \
         department_phone = $4, forwarded_at = $5, updated_at = $5 \
         WHERE id = $1 AND status IN ('accepted','forwarded')"
    )
    .bind(id)
    .bind(kind)
    .bind(name)
    .bind(phone)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// accepted or forwarded → resolved with the outcome.
pub async fn resolve_report(
    tx: &mut Tx,
    id: Uuid,
    outcome: &str,
    note: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE fee_reports SET status = 'resolved', outcome = $2, outcome_note = $3, resolved_at = $4, \
         updated_at = $4 WHERE id = $1 AND status IN ('accepted','forwarded')"
    )
    .bind(id)
    .bind(outcome)
    .bind(note)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct FeeEventRow {
    pub id: Uuid,
    pub report_id: Uuid,
    pub seq: i64,
    pub kind: String,
    pub public: bool,
    pub office: String,
    pub message: String,
    pub actor_user_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
}

/// Appends an entry to a report's history (its sequence number follows the last one).
pub async fn insert_event(tx: &mut Tx, e: &FeeEventRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO fee_report_events (id, report_id, seq, kind, public, office, message, actor_user_id, created_at) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM fee_report_events WHERE report_id = $2), \
         $3, $4, $5, $6, $7, $8)"
    )
    .bind(e.id)
    .bind(e.report_id)
    .bind(&e.kind)
    .bind(e.public)
    .bind(&e.office)
    .bind(&e.message)
    .bind(e.actor_user_id)
    .bind(e.created_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

pub async fn events_of(db: &Db, report_id: Uuid) -> Result<Vec<FeeEventRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, FeeEventRow>(
        "SELECT id, report_id, seq, kind, public, office, message, actor_user_id, created_at \
         FROM fee_report_events WHERE report_id = $1 ORDER BY seq"
    )
    .bind(report_id)
    .fetch_all(p)
    .await)?)
}
