//! New-occupation suggestions (四(七)): the words people use for a trade the catalogue does
//! not hold, one row per (normalised words, county) with a count, and the staff decision on
//! each. Only words are stored, never who wrote them. Lists take a region prefix, so scope
//! is part of the query.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct WordRow {
    pub id: Uuid,
    pub words: String,
    pub county_code: String,
    pub guess_code: String,
    pub guess_how: String,
    pub first_source: String,
    pub seen_count: i64,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub status: String,
    pub decided_code: Option<String>,
    pub proposed_name: Option<String>,
    pub note: String,
    pub decided_by: Option<Uuid>,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

macro_rules! select_words {
    ($tail:literal) => {
        concat!(
            "SELECT id, words, county_code, guess_code, guess_how, first_source, seen_count, first_seen_at, \
             last_seen_at, status, decided_code, proposed_name, note, decided_by, decided_by_name, decided_at \
             FROM occupation_words ",
            $tail
        )
    };
}

/// What one sighting of the words says.
#[derive(Clone, Debug)]
pub struct Sighting<'a> {
    pub words: &'a str,
    pub county_code: &'a str,
    pub guess_code: &'a str,
    pub guess_how: &'a str,
    pub source: &'a str,
    pub at: DateTime<Utc>,
}

/// Counts one sighting: a new row, or one more on the row of the same words in the same
/// county (whatever its status, so a decided entry keeps counting). Sightings may arrive out
/// of order (an import dates its rows in the file's order), so first and last seen are the
/// earliest and latest of them.
pub async fn record_sighting(tx: &mut Tx, s: &Sighting<'_>) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO occupation_words (id, words, county_code, guess_code, guess_how, first_source, seen_count, \
         first_seen_at, last_seen_at, status, note) VALUES ($1,$2,$3,$4,$5,$6,1,$7,$7,'pending','') \
         ON CONFLICT (words, county_code) DO UPDATE SET seen_count = occupation_words.seen_count + 1, \
         first_seen_at = CASE WHEN excluded.first_seen_at < occupation_words.first_seen_at \
             THEN excluded.first_seen_at ELSE occupation_words.first_seen_at END, \
         last_seen_at = CASE WHEN excluded.last_seen_at > occupation_words.last_seen_at \
             THEN excluded.last_seen_at ELSE occupation_words.last_seen_at END"
    )
    .bind(Uuid::new_v4())
    .bind(s.words)
    .bind(s.county_code)
    .bind(s.guess_code)
    .bind(s.guess_how)
    .bind(s.source)
    .bind(s.at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}

/// Entries in a region (`prefix` like `1401`), most seen first. `status` and `county` filter
/// when not empty.
pub async fn words_in_region(
    db: &Db,
    prefix: &str,
    status: &str,
    county: &str,
    limit: i64,
) -> Result<Vec<WordRow>> {
    let like = format!("{prefix}%");
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, WordRow>(select_words!(
        "WHERE county_code LIKE $1 AND ($2 = '' OR status = $2) AND ($3 = '' OR county_code = $3) \
         ORDER BY seen_count DESC, last_seen_at DESC, words LIMIT $4"
    ))
    .bind(&like)
    .bind(status)
    .bind(county)
    .bind(limit)
    .fetch_all(p)
    .await
    })?)
}

pub async fn word(db: &Db, id: Uuid) -> Result<Option<WordRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, WordRow>(
        select_words!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

/// A staff decision on a pending entry.
#[derive(Clone, Debug)]
pub struct Decision<'a> {
    pub status: &'a str,
    pub decided_code: Option<&'a str>,
    pub proposed_name: Option<&'a str>,
    pub note: &'a str,
    pub by: Uuid,
    pub by_name: &'a str,
    pub at: DateTime<Utc>,
}

/// Records the decision; false when the entry was already decided (someone else was first).
pub async fn decide(tx: &mut Tx, id: Uuid, d: &Decision<'_>) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE occupation_words SET status = $2, decided_code = $3, proposed_name = $4, note = $5, \
         decided_by = $6, decided_by_name = $7, decided_at = $8 WHERE id = $1 AND status = 'pending'"
    )
    .bind(id)
    .bind(d.status)
    .bind(d.decided_code)
    .bind(d.proposed_name)
    .bind(d.note)
    .bind(d.by)
    .bind(d.by_name)
    .bind(d.at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

/// Every merged word with its trade code: the learned synonyms of the vocabulary.
pub async fn merged_words(db: &Db) -> Result<Vec<(String, String)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (String, String)>(
        "SELECT words, decided_code FROM occupation_words WHERE status = 'merged' \
         AND decided_code IS NOT NULL ORDER BY decided_at"
    )
    .fetch_all(p)
    .await)?)
}
