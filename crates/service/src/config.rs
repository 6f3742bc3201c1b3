//! Settings of a running platform. The binary layers them with figment
//! (defaults < file < `LINGHUO_…` environment < flags); every field has a default so a
//! fresh machine runs with no file at all.

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub security: SecurityConfig,
    pub keys: KeysConfig,
    pub log: LogConfig,
    pub policy: PolicyConfig,
    pub complaints: ComplaintsConfig,
    pub accounts: AccountsConfig,
    pub bank: BankConfig,
}

/// The bank that pays subsidies out (C3).
#[derive(Clone, Debug, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct BankConfig {
    /// The bank's age public key (`age1…`). When set, every bank file is encrypted to it
    /// (`.age`), so only the bank can open it; production installations should set it.
    pub recipient: String,
}

/// Two-person account administration and owner enrolment (SECURITY.md B6).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AccountsConfig {
    /// Where enrolment codes for new and reset accounts are spooled for the SMS sender
    /// (one JSON file per message, mode 0600). Empty means `<data_dir>/outbox`.
    pub enrolment_outbox: PathBuf,
    /// How long an enrolment code stays valid (hours).
    pub enrolment_valid_hours: i64,
    /// How long a proposed account change waits for approval before it expires (hours).
    pub change_valid_hours: i64,
}

impl Default for AccountsConfig {
    fn default() -> Self {
        AccountsConfig {
            enrolment_outbox: PathBuf::new(),
            enrolment_valid_hours: 72,
            change_valid_hours: 72,
        }
    }
}

/// The policy engine's parameters in force: the embedded dated parameters plus corrections
/// an administrator sets from a provincial notice, each `name=value@YYYY-MM-DD` (the same form
/// as `linghuo policy screen --set`). A change here is what `linghuo benefits recalc` replays
/// issued decisions against.
#[derive(Clone, Debug, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    pub parameter_overrides: Vec<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub listen: String,
    /// Directory for the SQLite file, generated keys and other local state.
    pub data_dir: PathBuf,
    /// Mark cookies `Secure` and use the `__Host-` prefix. Browsers accept secure cookies on
    /// http://localhost, so this stays on even for local use.
    pub cookie_secure: bool,
    /// Request timeout in seconds.
    pub request_timeout_secs: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            cookie_secure: true,
            request_timeout_secs: 30,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite:PATH` or `postgres://user@host/db`. Empty means `sqlite:<data_dir>/linghuo.db`.
    pub url: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityConfig {
    /// A7: a session unused this long ends (minutes, at most 30 under ASVS L2).
    pub idle_timeout_minutes: i64,
    /// A7: a session ends this long after login whatever its use (hours, at most 12).
    pub absolute_timeout_hours: i64,
    /// A4: failures in a row before the account's logins are paused.
    pub lockout_threshold: i64,
    /// A4: first pause in seconds; doubles with each further failure, up to one hour.
    pub lockout_base_seconds: i64,
    /// A4: most login attempts evaluated per account name per hour.
    pub max_attempts_per_hour: i64,
    /// A2: minimum password length.
    pub password_min_length: usize,
    /// A3 (等保 deviation from ASVS): staff and administrators change passwords this often (days).
    pub staff_password_max_age_days: i64,
    /// A3: how many previous passwords a staff member may not reuse.
    pub password_history: i64,
    /// A10: accounts not used for this many days are disabled by the housekeeping job.
    pub disable_idle_accounts_days: i64,
    /// A9: sensitive acts (revealing personal data, bank files, large approvals, account
    /// changes) need the password and second factor entered within this many minutes.
    pub step_up_minutes: i64,
    /// A9: approving a payment or benefit above this amount (yuan, decimal string) needs a
    /// fresh step-up.
    pub step_up_approval_amount: String,
}

impl Default for SecurityConfig {
    fn default() -> Self {
        SecurityConfig {
            idle_timeout_minutes: 30,
            absolute_timeout_hours: 12,
            lockout_threshold: 5,
            lockout_base_seconds: 60,
            max_attempts_per_hour: 100,
            password_min_length: 12,
            staff_password_max_age_days: 90,
            password_history: 5,
            disable_idle_accounts_days: 90,
            step_up_minutes: 5,
            step_up_approval_amount: "5000.00".into(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeysConfig {
    /// Field cipher for ID and phone numbers: `aes-256-gcm` (SM4-GCM is reserved for 密评).
    pub cipher: String,
    /// Key file (JSON, mode 0600). Empty means `<data_dir>/keys.json`, generated on first start.
    pub file: PathBuf,
    /// Keys given directly (hex, 64 characters) instead of a file, e.g. from a secret store
    /// through `LINGHUO_KEYS__FIELD_KEY`. All three or none.
    pub field_key: Option<Secret>,
    pub index_key: Option<Secret>,
    pub audit_key: Option<Secret>,
}

impl Default for KeysConfig {
    fn default() -> Self {
        KeysConfig {
            cipher: "aes-256-gcm".into(),
            file: PathBuf::new(),
            field_key: None,
            index_key: None,
            audit_key: None,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: String,
    /// tracing filter, e.g. `info` or `linghuo=debug,info`.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: "text".into(),
            level: "info".into(),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ComplaintsConfig {
    /// 三(五): a complaint must be acknowledged within this many hours (1..=720).
    pub acknowledge_hours: i64,
    /// A complaint must be resolved (or referred to mediation) within this many days
    /// (1..=90); past either limit it is escalated once to the city.
    pub resolve_days: i64,
}

impl Default for ComplaintsConfig {
    fn default() -> Self {
        ComplaintsConfig {
            acknowledge_hours: 24,
            resolve_days: 15,
        }
    }
}

/// A secret string that never prints.
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.0);
    }
}

impl Config {
    /// The database URL, defaulting to a SQLite file in the data directory.
    pub fn database_url(&self) -> String {
        if self.database.url.is_empty() {
            format!(
                "sqlite:{}",
                self.server.data_dir.join("linghuo.db").display()
            )
        } else {
            self.database.url.clone()
        }
    }

    /// The enrolment outbox directory, defaulting to `<data_dir>/outbox`.
    pub fn enrolment_outbox(&self) -> PathBuf {
        if self.accounts.enrolment_outbox.as_os_str().is_empty() {
            self.server.data_dir.join("outbox")
        } else {
            self.accounts.enrolment_outbox.clone()
        }
    }

    pub fn key_file(&self) -> PathBuf {
        if self.keys.file.as_os_str().is_empty() {
            self.server.data_dir.join("keys.json")
        } else {
            self.keys.file.clone()
        }
    }

    /// Checks limits the security checklist sets, so a misconfiguration fails at start.
    pub fn validate(&self) -> Result<(), String> {
        let s = &self.security;
        if !(1..=30).contains(&s.idle_timeout_minutes) {
            return Err("security.idle_timeout_minutes must be 1..=30".into());
        }
        if !(1..=12).contains(&s.absolute_timeout_hours) {
            return Err("security.absolute_timeout_hours must be 1..=12".into());
        }
        if s.password_min_length < 12 {
            return Err("security.password_min_length must be at least 12".into());
        }
        if !(1..=100).contains(&s.max_attempts_per_hour) {
            return Err("security.max_attempts_per_hour must be 1..=100".into());
        }
        if !(1..=15).contains(&s.step_up_minutes) {
            return Err("security.step_up_minutes must be 1..=15".into());
        }
        if linghuo_domain::Money::parse_non_negative(&s.step_up_approval_amount).is_err() {
            return Err(
                "security.step_up_approval_amount must be an amount such as \"5000.00\"".into(),
            );
        }
        if !(1..=168).contains(&self.accounts.enrolment_valid_hours) {
            return Err("accounts.enrolment_valid_hours must be 1..=168".into());
        }
        if !(1..=720).contains(&self.accounts.change_valid_hours) {
            return Err("accounts.change_valid_hours must be 1..=720".into());
        }
        if !self.bank.recipient.trim().is_empty() {
            crate::age::Recipient::parse(&self.bank.recipient)
                .map_err(|e| format!("bank.recipient: {e}"))?;
        }
        if s.lockout_threshold < 1 {
            return Err("security.lockout_threshold must be at least 1".into());
        }
        if !(1..=720).contains(&self.complaints.acknowledge_hours) {
            return Err("complaints.acknowledge_hours must be 1..=720".into());
        }
        if !(1..=90).contains(&self.complaints.resolve_days) {
            return Err("complaints.resolve_days must be 1..=90".into());
        }
        match self.keys.cipher.as_str() {
            "aes-256-gcm" => {}
            "sm4-gcm" => {
                return Err(
                    "keys.cipher sm4-gcm is reserved for 密评 and not available in this build"
                        .into(),
                );
            }
            other => return Err(format!("keys.cipher {other:?} is unknown (aes-256-gcm)")),
        }
        let given = [
            &self.keys.field_key,
            &self.keys.index_key,
            &self.keys.audit_key,
        ]
        .iter()
        .filter(|k| k.is_some())
        .count();
        let overrides = self
            .policy
            .parameter_overrides
            .iter()
            .map(|s| linghuo_policy::ParamOverride::parse(s))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| format!("policy.parameter_overrides: {}", e.message))?;
        linghuo_policy::Engine::with_overrides(&overrides)
            .map_err(|e| format!("policy.parameter_overrides: {}", e.message))?;
        if given != 0 && given != 3 {
            return Err(
                "keys.field_key, keys.index_key and keys.audit_key must be given together".into(),
            );
        }
        Ok(())
    }
}
