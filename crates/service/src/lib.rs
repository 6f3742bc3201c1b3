//! linghuo-service holds the use cases of the platform: accounts and sessions, the person
//! registry, and (in later modules) the market, benefits and public services. It owns
//! transactions, authorisation by region scope, protection of personal data and the audit
//! trail: every state change is written together with its audit row.
//!
//! It depends on the domain, policy, market and storage crates, and never on HTTP: the web
//! layer calls it, not the other way round.

// The service by domain, mirrored by `linghuo-storage`.
pub mod benefits;
pub mod demo;
pub mod market;
pub mod parameters;
pub mod people;
pub mod platform;
pub mod public_services;
pub mod stats;

pub mod error;
pub mod paging;

// Each module also answers at its short path (`linghuo_service::payments`,
// `linghuo_service::market_search`, …), the names the layers above have always used.
pub use benefits::{enrolment, facts_import, ledger, payments, registration, training};
pub use demo::services as demo_services;
pub use market::import as market_import;
pub use market::occupations as market_occupations;
pub use market::search as market_search;
pub use market::suggest as market_suggest;
pub use market::worker as market_worker;
pub use people as persons;
pub use people::import as person_import;
pub use platform::{
    access, account_changes, accounts, age, audit, audit_anchor, auth, backup, clock, config,
    export, key_rotation, limits, notifier, password, protect, tabular, totp,
};
pub use public_services::{
    archives, complaints, consult, events, fee_reports, guidance, guide, places, publicity, venues,
};
pub use stats::open as open_stats;
pub use stats::workbench;

use std::sync::Arc;

pub use access::{Actor, Permission, RequestMeta, Role};
pub use clock::Clock;
pub use config::Config;
pub use error::{Result, ServiceError};
use linghuo_storage::Db;
pub use protect::Keys;

/// The platform's use cases over one database.
#[derive(Clone)]
pub struct Service {
    pub db: Db,
    pub keys: Arc<Keys>,
    pub config: Arc<Config>,
    pub clock: Clock,
    /// This process's market search index and matchers (derived from the database).
    pub search: Arc<market_search::MarketSearch>,
    /// Demonstration mode (`linghuo demo` only): a 演示模式 banner on every page and the
    /// current second-factor code shown on the verification page. Deliberately not a
    /// configuration setting, so no file or environment variable can turn it on.
    pub demo_mode: bool,
    /// The policy engine with the parameters in force (embedded, configured overrides, then
    /// approved corrections: [`parameters`]); it reads as an `Engine`.
    pub engine: parameters::EngineHandle,
    /// Counts writes made through this process that may change what the market shows; a
    /// search that sees it moved applies the outbox first (read-your-writes), any other
    /// search applies it at most once a second (the server's loop does so every two).
    pub(crate) market_writes: Arc<std::sync::atomic::AtomicU64>,
    /// This process's rate-limit buckets (C6, `[limits]`).
    pub limiter: Arc<limits::Limiter>,
    /// Where short messages go: the `[notify]` SMS gateway, or the log.
    pub notifier: Arc<dyn notifier::Notifier>,
    /// The log adapter's memory when `notifier` is the log adapter (the demo shows the
    /// message it would have sent; tests read codes from it).
    message_log: Option<notifier::LogNotifier>,
}

impl std::fmt::Debug for Service {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Service")
            .field("backend", &self.db.backend())
            .finish()
    }
}

impl Service {
    /// A service over `db` deciding with the policy engine of `config` (its parameter
    /// overrides applied).
    ///
    /// # Panics
    ///
    /// When a `[policy] parameter_overrides` entry is invalid: every start-up path runs
    /// [`Config::validate`] first, which names the entry; a service must never decide with
    /// other parameters than the ones configured.
    pub fn new(db: Db, keys: Keys, config: Config, clock: Clock) -> Service {
        let engine = config
            .policy_engine()
            .unwrap_or_else(|e| panic!("invalid configuration: {e}"));
        // Parsed again only to keep them apart from the corrections stored in the database;
        // `policy_engine` has just accepted every one.
        let configured: Vec<linghuo_policy::ParamOverride> = config
            .policy
            .parameter_overrides
            .iter()
            .filter_map(|t| linghuo_policy::ParamOverride::parse(t).ok())
            .collect();
        let limiter = limits::Limiter::new(&config.limits, &config.server.trusted_proxies);
        let (notifier, message_log) = notifier::from_config(&config.notify);
        Service {
            notifier,
            message_log,
            limiter: Arc::new(limiter),
            engine: parameters::EngineHandle::new(configured, engine),
            db,
            keys: Arc::new(keys),
            config: Arc::new(config),
            clock,
            search: Arc::new(market_search::MarketSearch::in_memory()),
            demo_mode: false,
            market_writes: Arc::default(),
        }
    }

    /// Checks the database answers (the health check).
    pub async fn ping(&self) -> Result<()> {
        Ok(self.db.ping().await?)
    }

    /// The demo province's server (see [`demo`]).
    /// Its messages only go to the log (never to a configured SMS gateway: the demo's phone
    /// numbers are made up), and the reset page shows the message it would have sent.
    pub fn into_demo_mode(mut self) -> Service {
        self.demo_mode = true;
        let log = notifier::LogNotifier::new();
        self.notifier = Arc::new(log.clone());
        self.message_log = Some(log);
        self
    }

    /// Sends short messages through another adapter (tests; an installation's own gateway).
    pub fn with_notifier(mut self, n: Arc<dyn notifier::Notifier>) -> Service {
        self.notifier = n;
        self.message_log = None;
        self
    }

    /// The messages the log adapter recorded, when it is the adapter in use.
    pub fn message_log(&self) -> Option<&notifier::LogNotifier> {
        self.message_log.as_ref()
    }

    /// Decides with another engine (other parameters in force), e.g. to preview a
    /// correction. This copy of the service no longer follows the approved corrections.
    pub fn with_engine(mut self, engine: linghuo_policy::Engine) -> Service {
        let configured = self.engine.configured().to_vec();
        self.engine = parameters::EngineHandle::new(configured, engine);
        self
    }

    /// Keeps the market index on disk in `dir` (a server) instead of in memory.
    pub fn with_market_index_dir(mut self, dir: &std::path::Path) -> Service {
        self.search = Arc::new(market_search::MarketSearch::on_disk(dir));
        self
    }

    /// Notes a write through this process that may change what the market shows (a post, an
    /// employer, a hire): the next search applies the outbox and reloads the posts it shows.
    /// Called after the write is committed.
    pub fn note_market_write(&self) {
        self.market_writes
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
    }

    /// Counts a request of `class` from the client `address` (and the signed-in `account`)
    /// against its token buckets (C6); refused with the wait when one is empty.
    pub fn check_rate(
        &self,
        class: limits::LimitClass,
        address: Option<std::net::IpAddr>,
        account: Option<uuid::Uuid>,
    ) -> Result<()> {
        let now_ms = self.clock.now().timestamp_millis();
        self.limiter
            .check(class, address, account, now_ms)
            .map_err(|l| ServiceError::RateLimited {
                class: l.class.name(),
                retry_after_secs: l.retry_after_secs,
            })
    }

    /// Verifies the audit chain (E3) and checks it against the anchors outside the database
    /// (a shortened or rewritten chain contradicts them).
    pub async fn verify_audit(&self) -> Result<audit::VerifyReport> {
        Ok(self.verify_audit_anchored().await?.0)
    }
}
