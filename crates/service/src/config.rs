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
    /// PostgreSQL only: the URL of the role that owns the schema, used to apply migrations
    /// before the server connects with `url` as the least-privilege application role (a
    /// member of `linghuo_app`, see docs/operations.md). Empty: migrations run through `url`.
    pub migrate_url: String,
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
