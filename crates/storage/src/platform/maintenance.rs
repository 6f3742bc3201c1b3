//! Whole-database operations for backups and restores (SQLite; PostgreSQL is backed up with
//! its own tools, see docs/operations.md).

use crate::{Db, Result, on_pool};

/// Writes a consistent copy of a SQLite database to `path` while it stays in use
/// (`VACUUM INTO`: one read transaction, so the copy is a snapshot of committed data). The
/// file must not exist or be empty. None on PostgreSQL.
pub async fn sqlite_vacuum_into(db: &Db, path: &str) -> Result<Option<()>> {
    match db {
        Db::Sqlite(p) => {
            sqlx::query("VACUUM INTO $1").bind(path).execute(p).await?;
            Ok(Some(()))
        }
        Db::Postgres(_) => Ok(None),
    }
}

/// SQLite's `PRAGMA integrity_check`: "ok" or the problems found. None on PostgreSQL.
pub async fn sqlite_integrity_check(db: &Db) -> Result<Option<String>> {
    match db {
        Db::Sqlite(p) => {
            let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                .fetch_all(p)
                .await?;
            Ok(Some(rows.join("; ")))
        }
        Db::Postgres(_) => Ok(None),
    }
}

/// Whether the database holds anything a restore would destroy: an account or an audit row.
pub async fn holds_data(db: &Db) -> Result<bool> {
    let n: i64 = on_pool!(db, |p| sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM audit_log)"
    )
    .fetch_one(p)
    .await)?;
    Ok(n > 0)
}
