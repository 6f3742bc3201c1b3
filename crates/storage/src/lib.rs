//! linghuo-storage owns the system of record: the [`Db`] handle over SQLite or PostgreSQL,
//! the embedded migrations for both, and the repositories that read and write rows.
//!
//! Every repository function is written once and compiled for both backends through the
//! [`on_pool!`] and [`on_tx!`] dispatch macros; SQL is portable (`$N` placeholders,
//! `RETURNING`, `ON CONFLICT`). This crate stores what it is given: it knows nothing of
//! encryption keys, permissions or HTTP, and must not depend on the service or web crates.
//! Only `'static` SQL strings reach the database (sqlx's `SqlSafeStr`), so every value is a
//! bind parameter.

// Repositories by domain, mirroring `linghuo-service`.
pub mod benefits;
pub mod market;
pub mod parameters;
pub mod people;
pub mod platform;
pub mod public_services;
pub mod stats;

#[cfg(test)]
mod conformance;
mod db;
pub mod status;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

// Each repository also answers at its short path (`linghuo_storage::persons`, …), the names
// the service has always used.
pub use market::occupation_words;
pub use people as persons;
pub use platform::{
    account_changes, audit, keyring, maintenance, notices, reset_codes, sessions, sms_outbox,
    throttle, users,
};
pub use public_services as services;
pub use public_services::complaints;
pub use public_services::publicity;
pub use stats::open as open_stats;

pub(crate) use db::select_in;
pub use db::{Backend, Db, StorageError, Tx, in_list, values_list};

/// Result of a storage call.
pub type Result<T, E = StorageError> = std::result::Result<T, E>;

/// Current time truncated to microseconds, the precision both databases keep.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    truncate_micros(chrono::Utc::now())
}

/// Truncates a timestamp to microseconds so values round-trip through either database unchanged.
pub fn truncate_micros(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Timelike};
    let micros = t.nanosecond() / 1_000 * 1_000;
    t.with_nanosecond(micros)
        .unwrap_or_else(|| t.trunc_subsecs(6))
}
