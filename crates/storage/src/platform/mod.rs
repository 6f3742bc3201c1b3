//! What every domain stands on: accounts and sessions, account changes by two people, the
//! audit log, the key ring, throttles, in-site notices and maintenance (backups, retention).

pub mod account_changes;
pub mod audit;
pub mod keyring;
pub mod maintenance;
pub mod notices;
pub mod reset_codes;
pub mod sessions;
pub mod sms_outbox;
pub mod throttle;
pub mod users;
