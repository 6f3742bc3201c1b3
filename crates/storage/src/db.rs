use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, Postgres, Sqlite, SqlitePool};

/// A pool on one of the two supported databases.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A transaction on one of the two supported databases.
pub enum Tx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

/// Which database a [`Db`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs the same expression against whichever pool is active.
#[macro_export]
macro_rules! on_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs the same expression against whichever transaction is active; `$conn` is the
/// connection (`&mut *tx`) to pass as executor.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx {
            $crate::Tx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::Tx::Postgres(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

/// The VALUES list of a multi-row INSERT: `rows` tuples of `columns` placeholders. SQLite gets
/// anonymous `?` placeholders (sqlx-sqlite binds thousands of numbered ones far more slowly,
/// see BENCHMARKS.md § Import), PostgreSQL numbered `$n` ones.
pub fn values_list(backend: Backend, rows: usize, columns: usize) -> String {
    let mut sql = String::with_capacity(rows * columns * 6);
    let mut n = 0usize;
    for i in 0..rows {
        sql.push_str(if i == 0 { "(" } else { ",(" });
        for k in 0..columns {
            if k > 0 {
                sql.push(',');
            }
            n += 1;
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgres => {
                    sql.push('$');
                    sql.push_str(&n.to_string());
                }
            }
        }
        sql.push(')');
    }
    sql
}

/// The placeholders of an `IN (…)` list of `n` values that are a query's only binds:
/// `?,?,?` on SQLite (anonymous, as [`values_list`]), `$1,$2,$3` on PostgreSQL.
pub fn in_list(backend: Backend, n: usize) -> String {
    let mut sql = String::with_capacity(n * 6);
    for i in 1..=n {
        if i > 1 {
            sql.push(',');
        }
        match backend {
            Backend::Sqlite => sql.push('?'),
            Backend::Postgres => {
                sql.push('$');
                sql.push_str(&i.to_string());
            }
        }
    }
    sql
}

/// The rows of `{head} IN (ids) {tail}` for a page of ids (the batched reads of the
/// screening: one query per table for a page of persons instead of one per person). The
/// ids are the query's only binds; none gives no rows without a query.
pub(crate) async fn select_in<T>(
    db: &Db,
    head: &str,
    tail: &str,
    ids: &[uuid::Uuid],
) -> crate::Result<Vec<T>>
where
    T: Send
        + Unpin
        + for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
        + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!("{head} IN ({}) {tail}", in_list(db.backend(), ids.len()));
    Ok(on_pool!(db, |p| {
        let mut q = sqlx::query_as::<_, T>(sqlx::AssertSqlSafe(sql));
        for id in ids {
            q = q.bind(*id);
        }
        q.fetch_all(p).await
    })?)
}

/// Errors from the storage layer, already classified for the service layer.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A uniqueness, foreign-key or check constraint refused the write.
    #[error("constraint violated: {constraint}")]
    Conflict { constraint: String },
    /// A conditional update found the row in another state (optimistic concurrency).
    #[error("row changed concurrently")]
    Stale,
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database url (expected sqlite: or postgres:)")]
    UnsupportedUrl,
    #[error("a region scope is one to twelve digits")]
    InvalidScope,
}

impl From<sqlx::Error> for StorageError {
    fn from(e: sqlx::Error) -> Self {
        if let Some(db) = e.as_database_error() {
            use sqlx::error::ErrorKind;
            match db.kind() {
                ErrorKind::UniqueViolation
                | ErrorKind::ForeignKeyViolation
                | ErrorKind::CheckViolation
                | ErrorKind::NotNullViolation => {
                    let constraint = db.constraint().map(str::to_owned).unwrap_or_else(|| {
                        // SQLite does not name the constraint; keep the message's column list.
                        db.message()
                            .rsplit(':')
                            .next()
                            .unwrap_or("")
                            .trim()
                            .to_owned()
                    });
                    return StorageError::Conflict { constraint };
                }
                _ => {}
            }
        }
        StorageError::Database(e)
    }
}

static SQLITE_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Creates a missing SQLite database file empty with mode 0600, so the database (and the
/// `-wal` and `-shm` files SQLite creates with the database file's mode) is readable by its
/// owner only. An existing file is left as it is, with a warning when others may read it.
fn create_private(path: &std::path::Path) {
    let name = path.as_os_str();
    if name.is_empty() || name == ":memory:" {
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        match std::fs::metadata(path) {
            Ok(m) => {
                if m.permissions().mode() & 0o077 != 0 {
                    tracing::warn!(
                        path = %path.display(),
                        mode = format!("{:o}", m.permissions().mode() & 0o777),
                        "the database file is readable by others; chmod 600 it"
                    );
                }
            }
            Err(_) => {
                let _ = std::fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(path);
            }
        }
    }
}

impl Db {
    /// Connects to `url` (`sqlite:PATH` or `postgres://…`). SQLite files are created when
    /// missing and run in WAL mode with `synchronous=FULL`: acknowledged writes that move
    /// money must survive a power cut.
    pub async fn connect(url: &str) -> crate::Result<Db> {
        if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?;
            create_private(opts.get_filename());
            let opts = opts
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(30));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts)
                .await?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let opts = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(opts)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(crate::StorageError::UnsupportedUrl)
        }
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies every embedded migration not yet applied.
    ///
    /// On PostgreSQL a schema that is already current is left alone without taking the
    /// migrator's lock or creating its table, so a server connected as the application role
    /// (which may read `_sqlx_migrations` but change no schema) starts against a database
    /// that `linghuo migrate` brought up to date as the owner.
    pub async fn migrate(&self) -> crate::Result<()> {
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATOR.run(p).await?,
            Db::Postgres(p) => {
                if !postgres_schema_is_current(p).await {
                    POSTGRES_MIGRATOR.run(p).await?;
                }
            }
        }
        Ok(())
    }

    /// Applies the embedded migrations up to and including `version` (tests that start
    /// from an earlier schema, e.g. to check how a later migration moves existing rows).
    #[cfg(any(test, feature = "testing"))]
    pub async fn migrate_to(&self, version: i64) -> crate::Result<()> {
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATOR.run_to(version, p).await?,
            Db::Postgres(p) => POSTGRES_MIGRATOR.run_to(version, p).await?,
        }
        Ok(())
    }

    /// Names of the embedded migrations for each backend, for the parity test.
    pub fn migration_names() -> (Vec<String>, Vec<String>) {
        let names = |m: &sqlx::migrate::Migrator| {
            m.iter()
                .map(|x| format!("{}_{}", x.version, x.description))
                .collect()
        };
        (names(&SQLITE_MIGRATOR), names(&POSTGRES_MIGRATOR))
    }

    /// Begins a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so two writers queue on the busy timeout instead of one failing when it
    /// upgrades a read lock.
    pub async fn begin(&self) -> crate::Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Begins a read transaction bound to a staff member's region (`region_prefix`, the
    /// digits of [`linghuo_domain`]'s `RegionCode::sql_prefix`). On PostgreSQL it runs as the
    /// `linghuo_scoped` role with `linghuo.scope` set for this transaction only, so row-level
    /// security shows no person row outside the region even to a query without a region
    /// filter, and nothing can be written (migration 0013). SQLite has no roles: the
    /// service's own scope checks are the guard there.
    pub async fn begin_scoped(&self, region_prefix: &str) -> crate::Result<Tx> {
        if region_prefix.is_empty()
            || region_prefix.len() > 12
            || !region_prefix.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(StorageError::InvalidScope);
        }
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Db::Postgres(p) => {
                let mut tx = p.begin().await?;
                sqlx::query(
                    "SELECT set_config('role', 'linghuo_scoped', true), \
                     set_config('linghuo.scope', $1, true)",
                )
                .bind(region_prefix)
                .execute(&mut *tx)
                .await?;
                Tx::Postgres(tx)
            }
        })
    }

    pub async fn close(&self) {
        on_pool!(self, |p| p.close().await)
    }

    /// Checks the database answers.
    pub async fn ping(&self) -> crate::Result<()> {
        on_pool!(self, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}

/// Whether every embedded PostgreSQL migration is recorded as applied with the same
/// checksum (false when the table is missing or cannot be read: the migrator then decides).
async fn postgres_schema_is_current(pool: &PgPool) -> bool {
    let applied: Vec<(i64, Vec<u8>, bool)> =
        match sqlx::query_as("SELECT version, checksum, success FROM _sqlx_migrations")
            .fetch_all(pool)
            .await
        {
            Ok(rows) => rows,
            Err(_) => return false,
        };
    POSTGRES_MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .all(|m| {
            applied
                .iter()
                .any(|(v, sum, ok)| *v == m.version && *ok && sum[..] == m.checksum[..])
        })
}

impl Tx {
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }

    /// For a bulk write on SQLite: lets this connection keep up to 1 GiB of pages in memory
    /// (only what is touched is allocated), so a million-row import does not spill index
    /// pages back and forth. No effect on PostgreSQL, whose cache is the server's.
    pub async fn widen_cache(&mut self) -> crate::Result<()> {
        if let Tx::Sqlite(t) = self {
            sqlx::query("PRAGMA cache_size = -1048576")
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    /// Back to SQLite's default page cache (2 MiB) before the connection returns to the pool;
    /// the pages over it are released as the commit writes them.
    pub async fn restore_cache(&mut self) -> crate::Result<()> {
        if let Tx::Sqlite(t) = self {
            sqlx::query("PRAGMA cache_size = -2000")
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    pub async fn commit(self) -> crate::Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub async fn rollback(self) -> crate::Result<()> {
        match self {
            Tx::Sqlite(t) => t.rollback().await?,
            Tx::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}
