//! Raw facts for the public gig-market index: posts and hires in a time window with their
//! county and occupation, nothing about who. The service counts and suppresses them.

use chrono::{DateTime, Utc};

use crate::{Db, Result, on_pool};

/// One post or hire: where, what trade, when.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OpenFact {
    pub county_code: String,
    pub occupation: String,
    pub created_at: DateTime<Utc>,
}

/// Posts created at or after `since` that were published (not held for review or rejected).
pub async fn posts_since(db: &Db, since: DateTime<Utc>) -> Result<Vec<OpenFact>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, OpenFact>(
            "SELECT county_code, occupation, created_at FROM job_posts \
             WHERE created_at >= $1 AND status NOT IN ('held', 'rejected')",
        )
        .bind(since)
        .fetch_all(p)
        .await
    })?)
}

/// Hires recorded at or after `since`, with the county of the hire and its post's trade.
pub async fn hires_since(db: &Db, since: DateTime<Utc>) -> Result<Vec<OpenFact>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, OpenFact>(
            "SELECT h.county_code, p.occupation, h.created_at FROM hires h \
             JOIN job_posts p ON p.id = h.post_id WHERE h.created_at >= $1",
        )
        .bind(since)
        .fetch_all(p)
        .await
    })?)
}
