//! What every domain stands on: who is asking (access, accounts, auth, passwords, TOTP,
//! account changes by two people), the audit log and its anchor, configuration, the clock,
//! limits, protection of personal data and key rotation, backups, exports and spreadsheets.

pub mod access;
pub mod account_changes;
pub mod accounts;
pub mod age;
pub mod audit;
pub mod audit_anchor;
pub mod auth;
pub mod backup;
pub mod clock;
pub mod config;
pub mod export;
pub mod key_rotation;
pub mod limits;
pub mod notifier;
pub mod password;
pub mod password_reset;
pub mod protect;
pub mod tabular;
pub mod totp;
