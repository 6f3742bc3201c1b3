//! 办事指南 reference data (each county's service window) and 好差评 (ratings of completed
//! items in 我的办件).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct WindowRow {
    pub county_code: String,
    pub name: String,
    pub address: String,
    pub hours: String,
    pub phone: String,
    pub updated_at: DateTime<Utc>,
}

pub async fn windows(db: &Db) -> Result<Vec<WindowRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, WindowRow>(
        "SELECT county_code, name, address, hours, phone, updated_at FROM service_windows \
         ORDER BY county_code"
    )
    .fetch_all(p)
    .await)?)
}

pub async fn window(db: &Db, county_code: &str) -> Result<Option<WindowRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, WindowRow>(
        "SELECT county_code, name, address, hours, phone, updated_at FROM service_windows \
         WHERE county_code = $1"
    )
    .bind(county_code)
    .fetch_optional(p)
    .await)?)
}

/// Inserts or replaces a county's window.
pub async fn upsert_window(tx: &mut Tx, w: &WindowRow) -> Result<()> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO service_windows (county_code, name, address, hours, phone, updated_at) \
             VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (county_code) DO UPDATE SET \
             name = excluded.name, address = excluded.address, hours = excluded.hours, \
             phone = excluded.phone, updated_at = excluded.updated_at",
        )
        .bind(&w.county_code)
        .bind(&w.name)
        .bind(&w.address)
        .bind(&w.hours)
        .bind(&w.phone)
        .bind(w.updated_at)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn delete_window(tx: &mut Tx, county_code: &str) -> Result<bool> {
    let n = on_tx!(tx, |conn| sqlx::query(
        "DELETE FROM service_windows WHERE county_code = $1"
    )
    .bind(county_code)
    .execute(conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct RatingRow {
    pub item_kind: String,
    pub item_id: Uuid,
    pub person_id: Uuid,
    pub county_code: String,
    pub score: i64,
    pub word: String,
    pub created_at: DateTime<Utc>,
}

/// Stores a rating; a second rating of the same item is a conflict (the primary key).
pub async fn insert_rating(tx: &mut Tx, r: &RatingRow) -> Result<()> {
    on_tx!(tx, |conn| {
        sqlx::query(
            "INSERT INTO item_ratings (item_kind, item_id, person_id, county_code, score, word, created_at) \
             VALUES ($1,$2,$3,$4,$5,$6,$7)",
        )
        .bind(&r.item_kind)
        .bind(r.item_id)
        .bind(r.person_id)
        .bind(&r.county_code)
        .bind(r.score)
        .bind(&r.word)
        .bind(r.created_at)
        .execute(conn)
        .await
        .map(|_| ())
    })?;
    Ok(())
}

pub async fn ratings_of_person(db: &Db, person_id: Uuid) -> Result<Vec<RatingRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, RatingRow>(
        "SELECT item_kind, item_id, person_id, county_code, score, word, created_at FROM item_ratings \
         WHERE person_id = $1"
    )
    .bind(person_id)
    .fetch_all(p)
    .await
    })?)
}

/// Ratings of items handled in a region (county prefix), newest first.
pub async fn ratings_in_region(tx: &mut Tx, prefix: &str, limit: i64) -> Result<Vec<RatingRow>> {
    let like = format!("{prefix}%");
    Ok(on_tx!(tx, |conn| {
        sqlx::query_as::<_, RatingRow>(
        "SELECT item_kind, item_id, person_id, county_code, score, word, created_at FROM item_ratings \
         WHERE county_code LIKE $1 ORDER BY created_at DESC LIMIT $2"
    )
    .bind(&like)
    .bind(limit)
    .fetch_all(conn)
    .await
    })?)
}

/// One page of the region's ratings (newest first), optionally only those whose words
/// match `like` ('' for all), with the count and the sum of scores of all that match.
pub async fn ratings_in_region_page(
    tx: &mut Tx,
    prefix: &str,
    like: &str,
    limit: i64,
    offset: i64,
) -> Result<(Vec<RatingRow>, i64, i64)> {
    let region = format!("{prefix}%");
    let rows = on_tx!(tx, |conn| {
        sqlx::query_as::<_, RatingRow>(
        "SELECT item_kind, item_id, person_id, county_code, score, word, created_at FROM item_ratings \
         WHERE county_code LIKE $1 AND ($2 = '' OR word LIKE $2) \
         ORDER BY created_at DESC, item_id LIMIT $3 OFFSET $4"
    )
    .bind(&region)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await
    })?;
    let (total, sum): (i64, i64) = on_tx!(tx, |conn| {
        sqlx::query_as::<_, (i64, i64)>(
            "SELECT COUNT(*), CAST(COALESCE(SUM(score), 0) AS BIGINT) FROM item_ratings \
         WHERE county_code LIKE $1 AND ($2 = '' OR word LIKE $2)",
        )
        .bind(&region)
        .bind(like)
        .fetch_one(conn)
        .await
    })?;
    Ok((rows, total, sum))
}

/// (county_code, count, sum of scores) of every county with ratings.
pub async fn rating_totals_by_county(db: &Db) -> Result<Vec<(String, i64, i64)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (String, i64, i64)>(
        "SELECT county_code, COUNT(*), CAST(SUM(score) AS BIGINT) FROM item_ratings \
         GROUP BY county_code ORDER BY county_code"
    )
    .fetch_all(p)
    .await)?)
}
