//! Fresh databases for tests: a new SQLite file per test, and, when `TEST_DATABASE_URL` is
//! set, a new PostgreSQL database per test created on that server. The conformance suites of
//! every crate run their stories through [`each_backend`], so each storage test runs on both.
//!
//! A PostgreSQL test database is set up as production runs it: created and migrated by the
//! user of `TEST_DATABASE_URL` (the owner), then used through a login role that is only a
//! member of `linghuo_app` (migration 0013), so every test runs with the application's
//! least privileges and row-level security in force.

use std::future::Future;

use sqlx::Connection;

use crate::Db;

/// A migrated, empty database that cleans up after itself when [`TestDb::finish`] is called.
pub struct TestDb {
    pub db: Db,
    pub label: &'static str,
    /// The URL the application connects with (on PostgreSQL: the application role).
    pub url: String,
    /// The URL of the database's owner, for tests that go behind the application's back
    /// (tampering with the audit log) or change the schema; `url` on SQLite.
    pub owner_url: String,
    _dir: Option<tempfile::TempDir>,
    pg_admin: Option<(String, String)>,
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        TestDb::sqlite_at(None).await
    }

    /// A fresh SQLite database migrated up to `version` (all migrations when `None`).
    pub async fn sqlite_at(version: Option<i64>) -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite:{}", dir.path().join("test.db").display());
        let db = Db::connect(&url).await.expect("open sqlite");
        migrate(&db, version).await;
        TestDb {
            db,
            label: "sqlite",
            owner_url: url.clone(),
            url,
            _dir: Some(dir),
            pg_admin: None,
        }
    }

    /// A fresh database on the server named by `TEST_DATABASE_URL`, or None when unset.
    pub async fn postgres() -> Option<TestDb> {
        TestDb::postgres_at(None).await
    }

    /// A fresh PostgreSQL database migrated up to `version` (all when `None`), or None when
    /// `TEST_DATABASE_URL` is unset. Fully migrated, the pool connects as the application
    /// role; a database stopped at an earlier version (before the roles' grants exist, and
    /// whose story migrates the rest itself) is used as its owner.
    pub async fn postgres_at(version: Option<i64>) -> Option<TestDb> {
        let base = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|s| !s.is_empty())?;
        let name = format!("lh_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = sqlx::PgConnection::connect(&base)
            .await
            .expect("connect TEST_DATABASE_URL");
        ensure_roles(&mut admin).await;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        admin.close().await.ok();
        let owner_url = with_database(&base, &name);
        let owner = Db::connect(&owner_url)
            .await
            .expect("connect test database");
        migrate(&owner, version).await;
        let (db, url) = if version.is_none() {
            owner.close().await;
            let url = with_user(&owner_url, APP_LOGIN, APP_LOGIN);
            let db = Db::connect(&url)
                .await
                .expect("connect test database as the application role");
            (db, url)
        } else {
            (owner, owner_url.clone())
        };
        Some(TestDb {
            db,
            label: "postgres",
            url,
            owner_url,
            _dir: None,
            pg_admin: Some((base, name)),
        })
    }

    /// Closes the pool and drops a PostgreSQL test database.
    pub async fn finish(self) {
        self.db.close().await;
        if let Some((base, name)) = &self.pg_admin
            && let Ok(mut admin) = sqlx::PgConnection::connect(base).await
        {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut admin)
            .await;
            admin.close().await.ok();
        }
    }
}

/// The login role tests connect as: a member of `linghuo_app` only (its password is its
/// name, for servers that ask for one on TCP).
pub const APP_LOGIN: &str = "linghuo_test_app";

/// Creates the roles of migration 0013 and the tests' login role before a test database is
/// migrated, so the migrations find them made. Tests run in parallel: every statement
/// tolerates another test doing the same at the same moment.
async fn ensure_roles(admin: &mut sqlx::PgConnection) {
    static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if DONE.load(std::sync::atomic::Ordering::Acquire) {
        return;
    }
    for sql in [
        "CREATE ROLE linghuo_app NOLOGIN",
        "CREATE ROLE linghuo_scoped NOLOGIN",
        "CREATE ROLE linghuo_test_app LOGIN PASSWORD 'linghuo_test_app'",
        "GRANT linghuo_scoped TO linghuo_app",
        "GRANT linghuo_app TO linghuo_test_app",
    ] {
        let block = format!(
            "DO $$ BEGIN {sql}; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        );
        sqlx::query(sqlx::AssertSqlSafe(block))
            .execute(&mut *admin)
            .await
            .expect("create the application roles");
    }
    DONE.store(true, std::sync::atomic::Ordering::Release);
}

async fn migrate(db: &Db, version: Option<i64>) {
    match version {
        Some(v) => db.migrate_to(v).await.expect("migrate to a version"),
        None => db.migrate().await.expect("migrate"),
    }
}

/// Replaces the database name in a PostgreSQL URL.
pub fn with_database(url: &str, name: &str) -> String {
    let (head, query) = match url.split_once('?') {
        Some((h, q)) => (h, Some(q)),
        None => (url, None),
    };
    let scheme_end = head.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match head[scheme_end..].find('/') {
        Some(i) => &head[..scheme_end + i],
        None => head,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Replaces the user and password in a PostgreSQL URL.
pub fn with_user(url: &str, user: &str, password: &str) -> String {
    let scheme_end = url.find("://").map(|i| i + 3).unwrap_or(0);
    let rest = &url[scheme_end..];
    let host_start = match (rest.find('@'), rest.find('/')) {
        (Some(at), Some(slash)) if at < slash => at + 1,
        (Some(at), None) => at + 1,
        _ => 0,
    };
    format!(
        "{}{user}:{password}@{}",
        &url[..scheme_end],
        &rest[host_start..]
    )
}

/// Runs a story on a fresh SQLite database and, when configured, a fresh PostgreSQL one.
pub async fn each_backend<F, Fut>(story: F)
where
    F: Fn(Db, &'static str) -> Fut,
    Fut: Future<Output = ()>,
{
    each_backend_at(None, story).await
}

/// [`each_backend`] on databases migrated only up to `version` (the story migrates the
/// rest when it wants to see a later migration move its rows).
pub async fn each_backend_at<F, Fut>(version: Option<i64>, story: F)
where
    F: Fn(Db, &'static str) -> Fut,
    Fut: Future<Output = ()>,
{
    let t = TestDb::sqlite_at(version).await;
    story(t.db.clone(), t.label).await;
    t.finish().await;
    if let Some(t) = TestDb::postgres_at(version).await {
        story(t.db.clone(), t.label).await;
        t.finish().await;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::with_database("postgres://postgres@127.0.0.1:5432/test", "x"),
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://h/test?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
        assert_eq!(super::with_database("postgres://h", "x"), "postgres://h/x");
    }

    #[test]
    fn user_is_replaced() {
        assert_eq!(
            super::with_user("postgres://postgres@127.0.0.1:5432/x", "a", "b"),
            "postgres://a:b@127.0.0.1:5432/x"
        );
        assert_eq!(
            super::with_user("postgres://u:p@h/x?sslmode=disable", "a", "b"),
            "postgres://a:b@h/x?sslmode=disable"
        );
        assert_eq!(
            super::with_user("postgres://h/x", "a", "b"),
            "postgres://a:b@h/x"
        );
    }
}
