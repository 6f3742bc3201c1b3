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
    pub limits: LimitsConfig,
    pub audit: AuditConfig,
    pub notify: NotifyConfig,
    pub stats: StatsConfig,
}

/// Statistics that decide the registered population (docs/statistics.md, "Take-up").
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StatsConfig {
    /// The take-up snapshot is made once a day, at the first check after this hour (China
    /// Standard Time, 0 to 23); a server with no snapshot at all makes one at start.
    pub takeup_snapshot_hour: u32,
    /// The what-if and the correction preview decide at most this many registered people of
    /// the region (a uniform sample, the same each time) and scale the figures up to the
    /// region when it has more.
    pub whatif_sample_persons: u64,
}

impl Default for StatsConfig {
    fn default() -> Self {
        StatsConfig {
            takeup_snapshot_hour: 1,
            whatif_sample_persons: 20_000,
        }
    }
}

/// Short messages to people's phones (issue 16 items 6 and 7): password-reset codes and the
/// SMS copies of notices. Without a gateway URL messages are only written to the log (the
/// demo does so on purpose).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifyConfig {
    /// The SMS gateway: each message is POSTed as JSON `{"phone", "text"}` to this
    /// `http://` URL. Empty: messages go to the log only.
    pub sms_gateway_url: String,
    /// Sent as `Authorization: Bearer <token>` (environment: LINGHUO_NOTIFY__SMS_GATEWAY_TOKEN).
    pub sms_gateway_token: Option<Secret>,
    /// How long one send may take (seconds).
    pub timeout_secs: u64,
    /// How long a password-reset code stays valid (minutes).
    pub reset_code_minutes: i64,
    /// Wrong codes before a reset code is spent.
    pub reset_code_tries: i64,
    /// Reset codes sent to one account in an hour, at most.
    pub reset_codes_per_hour: i64,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            sms_gateway_url: String::new(),
            sms_gateway_token: None,
            timeout_secs: 10,
            reset_code_minutes: 10,
            reset_code_tries: 5,
            reset_codes_per_hour: 5,
        }
    }
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

/// Anchoring of the audit chain outside the database (SECURITY.md E3): the chain head,
/// signed with the audit key, appended to a file and optionally sent to a syslog collector.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuditConfig {
    /// Append-only anchor file (mode 0600), best on other storage than the database. Empty
    /// means `<data_dir>-audit-anchors.log` beside (not inside) the data directory.
    pub anchor_file: PathBuf,
    /// Where anchors are also sent: `udp://host:514` (RFC 5424 syslog), or empty for none.
    pub syslog: String,
    /// The server anchors the chain head when the newest anchor is this old (hours).
    pub anchor_interval_hours: i64,
}

impl Default for AuditConfig {
    fn default() -> Self {
        AuditConfig {
            anchor_file: PathBuf::new(),
            syslog: String::new(),
            anchor_interval_hours: 24,
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
    /// Reverse proxies (addresses or CIDR blocks, e.g. `10.0.0.5` or `10.0.0.0/8`) whose
    /// `X-Forwarded-For` names the client. A request from any other peer is keyed by its
    /// socket address and its `X-Forwarded-For` is ignored, so a spoofed header cannot reset
    /// a rate limit (C6).
    pub trusted_proxies: Vec<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("./data"),
            cookie_secure: true,
            request_timeout_secs: 30,
            trusted_proxies: Vec::new(),
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
    /// A4: failures in a row from one client address before that address's logins to the
    /// account name pause (the account's owner elsewhere is not affected).
    pub lockout_threshold: i64,
    /// A4: first pause in seconds; doubles with each further failure, up to one hour.
    pub lockout_base_seconds: i64,
    /// A4: most login attempts evaluated per account name per hour from one client address,
    /// and per account name from all addresses the account has not logged in from.
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
    /// File (mode 0600) holding only the audit chain key, so the data keys and the audit key
    /// can be held by different people. Empty means the audit key stays in the key file.
    /// When set and missing, the audit key of the key file moves there on first start.
    pub audit_key_file: PathBuf,
}

impl Default for KeysConfig {
    fn default() -> Self {
        KeysConfig {
            cipher: "aes-256-gcm".into(),
            file: PathBuf::new(),
            field_key: None,
            index_key: None,
            audit_key: None,
            audit_key_file: PathBuf::new(),
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

/// A token bucket: `burst` requests at once, refilled at `per_minute`. `burst = 0` turns
/// the rule off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateRule {
    pub burst: u32,
    pub per_minute: u32,
}

impl RateRule {
    pub const fn new(burst: u32, per_minute: u32) -> RateRule {
        RateRule { burst, per_minute }
    }

    pub const OFF: RateRule = RateRule::new(0, 0);
}

/// C6: rate limits (token buckets, in memory per server process) and the login back-off
/// that a stranger cannot turn into a lock of someone else's account.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Off only for benchmarks or a test bed: every bucket below is then ignored (the login
    /// back-off of `[security]` and of `login_account_*` still applies).
    pub enabled: bool,
    /// Most client addresses and accounts tracked at once (memory bound); the fullest buckets
    /// are forgotten first.
    pub max_tracked: usize,
    /// Login attempts (`POST /login`, `/api/v1/session`) per client address.
    pub login_per_address: RateRule,
    /// Second-factor codes (`POST /login/totp`, `/api/v1/session/totp`) per client address
    /// and per half-logged-in account (besides the lock after five wrong codes).
    pub totp_per_address: RateRule,
    pub totp_per_account: RateRule,
    /// Sign-ups of workers and employers (pages and API) per client address.
    pub signup_per_address: RateRule,
    /// Policy screening: `POST /api/v1/policy/screen` and the calculator page.
    pub screen_per_address: RateRule,
    pub screen_per_account: RateRule,
    /// Searches: `/work`, `/work/nearby`, `/api/v1/posts/search`, `/api/v1/market/suggest`,
    /// `/api/v1/consult/search`. Generous: a county office or a mobile carrier puts many
    /// people behind one address.
    pub search_per_address: RateRule,
    pub search_per_account: RateRule,
    /// Policy questions (`POST /consult/ask`, `/api/v1/consult/questions`).
    pub question_per_address: RateRule,
    pub question_per_account: RateRule,
    /// Password-reset code requests (`POST /login/reset`, `/api/v1/session/reset`) per
    /// client address and per phone number (known or not).
    pub reset_per_address: RateRule,
    pub reset_per_phone: RateRule,
    /// 违规收费 reports from the public (`POST /fees/report`, `/api/v1/fee-reports`) per
    /// client address: no account is needed, so the address is the only key.
    pub report_per_address: RateRule,
    /// Look-ups by tracking code (`POST /fees/track`, `/api/v1/fee-reports/track`) per client
    /// address.
    pub track_per_address: RateRule,
    /// Login failures to one account name, from all addresses together, before attempts from
    /// addresses that have never logged in to it wait (`login_account_step_seconds` more for
    /// each further failure, at most `login_account_max_seconds`). Addresses the account has
    /// logged in from in the last `known_address_days` days do not wait, so a stranger
    /// cannot lock the owner out; they keep the per-address pause of `[security]`.
    pub login_account_threshold: i64,
    pub login_account_step_seconds: i64,
    pub login_account_max_seconds: i64,
    pub known_address_days: i64,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            enabled: true,
            max_tracked: 100_000,
            login_per_address: RateRule::new(30, 10),
            totp_per_address: RateRule::new(30, 10),
            totp_per_account: RateRule::new(10, 5),
            signup_per_address: RateRule::new(10, 2),
            screen_per_address: RateRule::new(120, 120),
            screen_per_account: RateRule::new(60, 60),
            search_per_address: RateRule::new(600, 1800),
            search_per_account: RateRule::new(300, 600),
            question_per_address: RateRule::new(10, 2),
            question_per_account: RateRule::new(5, 1),
            reset_per_address: RateRule::new(10, 2),
            reset_per_phone: RateRule::new(3, 1),
            report_per_address: RateRule::new(5, 1),
            track_per_address: RateRule::new(20, 5),
            login_account_threshold: 10,
            login_account_step_seconds: 30,
            login_account_max_seconds: 900,
            known_address_days: 30,
        }
    }
}

impl LimitsConfig {
    /// Every rule of the section with its name, for validation and listing.
    pub fn rules(&self) -> [(&'static str, RateRule); 14] {
        [
            ("login_per_address", self.login_per_address),
            ("totp_per_address", self.totp_per_address),
            ("totp_per_account", self.totp_per_account),
            ("signup_per_address", self.signup_per_address),
            ("screen_per_address", self.screen_per_address),
            ("screen_per_account", self.screen_per_account),
            ("search_per_address", self.search_per_address),
            ("search_per_account", self.search_per_account),
            ("question_per_address", self.question_per_address),
            ("question_per_account", self.question_per_account),
            ("reset_per_address", self.reset_per_address),
            ("reset_per_phone", self.reset_per_phone),
            ("report_per_address", self.report_per_address),
            ("track_per_address", self.track_per_address),
        ]
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
    /// The policy engine with the configured `[policy] parameter_overrides` applied: the one
    /// engine of a server (calculator, screen API, decisions, 免申即享, recalculation) and of
    /// `linghuo policy`. An override that does not parse or apply is an error naming it.
    pub fn policy_engine(&self) -> Result<linghuo_policy::Engine, String> {
        let mut overrides = Vec::with_capacity(self.policy.parameter_overrides.len());
        for (i, text) in self.policy.parameter_overrides.iter().enumerate() {
            overrides.push(
                linghuo_policy::ParamOverride::parse(text).map_err(|e| {
                    format!("policy.parameter_overrides[{i}] “{text}”: {}", e.message)
                })?,
            );
        }
        linghuo_policy::Engine::with_overrides(&overrides).map_err(|e| {
            // Name the entry at fault; entries that only clash together are named as a list.
            let texts = &self.policy.parameter_overrides;
            match linghuo_policy::failing_override(&overrides) {
                Some(i) => format!(
                    "policy.parameter_overrides[{i}] “{}”: {}",
                    texts[i], e.message
                ),
                None => format!("policy.parameter_overrides: {}", e.message),
            }
        })
    }

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

    /// The audit anchor file: configured, or `<data_dir>-audit-anchors.log` beside the data
    /// directory (outside it, so a copy of the data directory does not carry its anchors).
    pub fn anchor_file(&self) -> PathBuf {
        if !self.audit.anchor_file.as_os_str().is_empty() {
            return self.audit.anchor_file.clone();
        }
        let dir = std::path::absolute(&self.server.data_dir)
            .unwrap_or_else(|_| self.server.data_dir.clone());
        let dir: PathBuf = dir.components().collect();
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "linghuo".into());
        dir.parent()
            .unwrap_or(std::path::Path::new("."))
            .join(format!("{name}-audit-anchors.log"))
    }

    /// The audit key file, when the audit key is kept apart from the data keys.
    pub fn audit_key_file(&self) -> Option<PathBuf> {
        (!self.keys.audit_key_file.as_os_str().is_empty()).then(|| self.keys.audit_key_file.clone())
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
        let n = &self.notify;
        if !n.sms_gateway_url.is_empty() {
            crate::notifier::SmsGateway::new(&n.sms_gateway_url, "", n.timeout_secs)
                .map_err(|e| format!("notify.sms_gateway_url: {e}"))?;
        }
        if !(1..=120).contains(&n.timeout_secs) {
            return Err("notify.timeout_secs must be 1..=120".into());
        }
        if !(1..=30).contains(&n.reset_code_minutes) {
            return Err("notify.reset_code_minutes must be 1..=30".into());
        }
        if !(1..=10).contains(&n.reset_code_tries) {
            return Err("notify.reset_code_tries must be 1..=10".into());
        }
        if !(1..=20).contains(&n.reset_codes_per_hour) {
            return Err("notify.reset_codes_per_hour must be 1..=20".into());
        }
        if s.lockout_threshold < 1 {
            return Err("security.lockout_threshold must be at least 1".into());
        }
        for (name, rule) in self.limits.rules() {
            if rule.burst > 0 && rule.per_minute == 0 {
                return Err(format!(
                    "limits.{name}.per_minute must be at least 1 (or burst 0 to turn it off)"
                ));
            }
        }
        let l = &self.limits;
        if l.max_tracked < 1000 {
            return Err("limits.max_tracked must be at least 1000".into());
        }
        if l.login_account_threshold < s.lockout_threshold {
            return Err(
                "limits.login_account_threshold must be at least security.lockout_threshold".into(),
            );
        }
        if !(1..=3600).contains(&l.login_account_step_seconds)
            || !(l.login_account_step_seconds..=3600).contains(&l.login_account_max_seconds)
        {
            return Err("limits.login_account_step_seconds must be 1..=3600 and login_account_max_seconds step..=3600".into());
        }
        if !(1..=365).contains(&l.known_address_days) {
            return Err("limits.known_address_days must be 1..=365".into());
        }
        for p in &self.server.trusted_proxies {
            crate::limits::IpBlock::parse(p)
                .map_err(|e| format!("server.trusted_proxies {p:?}: {e}"))?;
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
        self.policy_engine()?;
        let separate_audit_key = self.audit_key_file().is_some()
            && self.keys.field_key.is_some()
            && self.keys.index_key.is_some()
            && self.keys.audit_key.is_none();
        if given != 0 && given != 3 && !separate_audit_key {
            return Err(
                "keys.field_key, keys.index_key and keys.audit_key must be given together \
                 (or the first two with keys.audit_key_file)"
                    .into(),
            );
        }
        if self.audit_key_file().is_some() && self.keys.audit_key.is_some() {
            return Err("keys.audit_key and keys.audit_key_file exclude each other".into());
        }
        if !self.audit.syslog.is_empty() && !self.audit.syslog.starts_with("udp://") {
            return Err("audit.syslog must be empty or udp://host:port".into());
        }
        if !(1..=24 * 7).contains(&self.audit.anchor_interval_hours) {
            return Err("audit.anchor_interval_hours must be 1..=168".into());
        }
        if self.stats.takeup_snapshot_hour > 23 {
            return Err("stats.takeup_snapshot_hour must be 0..=23".into());
        }
        if !(100..=10_000_000).contains(&self.stats.whatif_sample_persons) {
            return Err("stats.whatif_sample_persons must be 100..=10000000".into());
        }
        Ok(())
    }
}
