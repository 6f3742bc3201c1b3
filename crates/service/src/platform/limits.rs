//! Rate limits (C6): token buckets per client address and per account, kept in memory by
//! each server process.
//!
//! The table is split into shards, each a `Mutex<HashMap>` held only for one bucket update,
//! so concurrent requests rarely wait on each other. A bucket that has refilled to its burst
//! carries no information and is dropped when its shard is pruned (at most once a minute, or
//! when the shard is full); if a shard is still full after that, the buckets closest to full
//! go first. Memory is therefore bounded by `[limits] max_tracked`.
//!
//! Time comes from the service clock, so tests move a manual clock instead of sleeping.
//!
//! Client addresses: IPv4 addresses are keyed whole, IPv6 addresses by their /64 (one
//! subscriber usually holds a whole /64). The address is the socket peer, or the last
//! `X-Forwarded-For` entry not itself a trusted proxy when the peer is one
//! (`[server] trusted_proxies`).

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::net::{IpAddr, Ipv6Addr};
use std::sync::Mutex;

use uuid::Uuid;

use crate::config::{LimitsConfig, RateRule};

/// What a request does, for the purpose of limiting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LimitClass {
    Login,
    Totp,
    Signup,
    Screen,
    Search,
    Question,
    Reset,
    /// Reports from the public without an account (违规收费举报).
    Report,
    /// Look-ups by tracking code.
    Track,
}

impl LimitClass {
    pub fn name(self) -> &'static str {
        match self {
            LimitClass::Login => "login",
            LimitClass::Totp => "totp",
            LimitClass::Signup => "signup",
            LimitClass::Screen => "screen",
            LimitClass::Search => "search",
            LimitClass::Question => "question",
            LimitClass::Reset => "reset",
            LimitClass::Report => "report",
            LimitClass::Track => "track",
        }
    }

    /// The per-address and per-account rules of this class.
    fn rules(self, c: &LimitsConfig) -> (RateRule, RateRule) {
        match self {
            LimitClass::Login => (c.login_per_address, RateRule::OFF),
            LimitClass::Totp => (c.totp_per_address, c.totp_per_account),
            LimitClass::Signup => (c.signup_per_address, RateRule::OFF),
            LimitClass::Screen => (c.screen_per_address, c.screen_per_account),
            LimitClass::Search => (c.search_per_address, c.search_per_account),
            LimitClass::Question => (c.question_per_address, c.question_per_account),
            LimitClass::Reset => (c.reset_per_address, c.reset_per_phone),
            LimitClass::Report => (c.report_per_address, RateRule::OFF),
            LimitClass::Track => (c.track_per_address, RateRule::OFF),
        }
    }
}

/// An address or a CIDR block of `[server] trusted_proxies`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IpBlock {
    addr: IpAddr,
    prefix: u8,
}

impl IpBlock {
    pub fn parse(s: &str) -> Result<IpBlock, String> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr
            .parse()
            .map_err(|_| "not an IP address or CIDR block".to_owned())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("prefix length must be 0..={max}"))?,
            None => max,
        };
        Ok(IpBlock { addr, prefix })
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let (a, b, bits) = match (self.addr, canonical(ip)) {
            (IpAddr::V4(a), IpAddr::V4(b)) => (
                u128::from(u32::from(a)) << 96,
                u128::from(u32::from(b)) << 96,
                self.prefix,
            ),
            (IpAddr::V6(a), IpAddr::V6(b)) => (u128::from(a), u128::from(b), self.prefix),
            _ => return false,
        };
        if bits == 0 {
            return true;
        }
        let mask = u128::MAX << (128 - u32::from(bits));
        a & mask == b & mask
    }
}

/// IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, from a dual-stack socket) as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    }
}

/// The client's address: the peer, or — when the peer is a trusted proxy — the rightmost
/// `X-Forwarded-For` entry that is not itself a trusted proxy. A header from any other peer
/// is ignored, so it cannot choose the bucket a request is counted in.
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: &[&str],
    trusted: &[IpBlock],
) -> Option<IpAddr> {
    let peer = canonical(peer?);
    let is_trusted = |ip: IpAddr| trusted.iter().any(|b| b.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let mut client = peer;
    for entry in forwarded_for
        .iter()
        .rev()
        .flat_map(|h| h.rsplit(','))
        .map(str::trim)
    {
        let Ok(ip) = entry.parse::<IpAddr>() else {
            // Garbage from beyond the trusted hops: stop at the last address we trust.
            break;
        };
        client = canonical(ip);
        if !is_trusted(client) {
            break;
        }
    }
    Some(client)
}

/// Whom a bucket counts: an address (IPv4 whole, IPv6 by its /64; unknown — no socket
/// address, as in tests calling the router directly — is one shared subject) or an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Subject {
    V4(u32),
    V6Net(u64),
    UnknownAddress,
    Account(u128),
}

fn address_subject(ip: Option<IpAddr>) -> Subject {
    match ip.map(canonical) {
        Some(IpAddr::V4(v4)) => Subject::V4(u32::from(v4)),
        Some(IpAddr::V6(v6)) => Subject::V6Net((u128::from(v6) >> 64) as u64),
        None => Subject::UnknownAddress,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Key {
    class: LimitClass,
    subject: Subject,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    updated_ms: i64,
    /// When the bucket will be full again if nothing more is taken: prunable after that.
    full_at_ms: i64,
    /// Whether the refusal of this bucket's current empty spell has been logged.
    logged: bool,
}

struct Shard {
    map: HashMap<Key, Bucket>,
    pruned_ms: i64,
}

const SHARDS: usize = 32;
const PRUNE_EVERY_MS: i64 = 60_000;

/// The in-memory buckets of one server process.
pub struct Limiter {
    config: LimitsConfig,
    trusted: Vec<IpBlock>,
    shards: Vec<Mutex<Shard>>,
    per_shard: usize,
    hasher: RandomState,
}

impl std::fmt::Debug for Limiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Limiter")
            .field("enabled", &self.config.enabled)
            .finish()
    }
}

/// A refused request: try again after this many seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limited {
    pub class: LimitClass,
    pub retry_after_secs: i64,
}

impl Limiter {
    /// Buckets for a configuration; trusted proxies that do not parse are skipped
    /// (`Config::validate` refuses them before a server starts).
    pub fn new(config: &LimitsConfig, trusted_proxies: &[String]) -> Limiter {
        Limiter {
            config: config.clone(),
            trusted: trusted_proxies
                .iter()
                .filter_map(|p| IpBlock::parse(p).ok())
                .collect(),
            shards: (0..SHARDS)
                .map(|_| {
                    Mutex::new(Shard {
                        map: HashMap::new(),
                        pruned_ms: 0,
                    })
                })
                .collect(),
            per_shard: (config.max_tracked / SHARDS).max(16),
            hasher: RandomState::new(),
        }
    }

    pub fn trusted_proxies(&self) -> &[IpBlock] {
        &self.trusted
    }

    /// Takes one token from the address's bucket of the class and, with an account, from the
    /// account's; refused if either is empty (neither is charged then beyond the first).
    pub fn check(
        &self,
        class: LimitClass,
        address: Option<IpAddr>,
        account: Option<Uuid>,
        now_ms: i64,
    ) -> Result<(), Limited> {
        if !self.config.enabled {
            return Ok(());
        }
        let (per_address, per_account) = class.rules(&self.config);
        self.take(
            Key {
                class,
                subject: address_subject(address),
            },
            per_address,
            now_ms,
        )?;
        if let Some(id) = account {
            self.take(
                Key {
                    class,
                    subject: Subject::Account(id.as_u128()),
                },
                per_account,
                now_ms,
            )?;
        }
        Ok(())
    }

    fn take(&self, key: Key, rule: RateRule, now_ms: i64) -> Result<(), Limited> {
        if rule.burst == 0 || rule.per_minute == 0 {
            return Ok(());
        }
        let burst = f64::from(rule.burst);
        let per_ms = f64::from(rule.per_minute) / 60_000.0;
        let shard = &self.shards[(self.hasher.hash_one(key) as usize) % SHARDS];
        let mut shard = shard.lock().unwrap_or_else(|p| p.into_inner());
        if now_ms - shard.pruned_ms >= PRUNE_EVERY_MS
            || (shard.map.len() >= self.per_shard && !shard.map.contains_key(&key))
        {
            self.prune(&mut shard, now_ms);
        }
        let b = shard.map.entry(key).or_insert(Bucket {
            tokens: burst,
            updated_ms: now_ms,
            full_at_ms: now_ms,
            logged: false,
        });
        let elapsed = (now_ms - b.updated_ms).max(0) as f64;
        b.tokens = (b.tokens + elapsed * per_ms).min(burst);
        b.updated_ms = now_ms.max(b.updated_ms);
        let result = if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            b.logged = false;
            Ok(())
        } else {
            let wait_ms = ((1.0 - b.tokens) / per_ms).ceil() as i64;
            if !b.logged {
                b.logged = true;
                // An anomaly worth a look: one line per empty spell, not per request (no
                // address in the log; the class and kind say what is being pushed).
                tracing::warn!(
                    class = key.class.name(),
                    kind = match key.subject {
                        Subject::Account(_) => "account",
                        _ => "address",
                    },
                    "rate limit reached"
                );
            }
            Err(Limited {
                class: key.class,
                retry_after_secs: ((wait_ms + 999) / 1000).max(1),
            })
        };
        b.full_at_ms = b.updated_ms + ((burst - b.tokens) / per_ms).ceil() as i64;
        result
    }

    /// Drops buckets that have refilled; if the shard is still full, the half closest to
    /// full goes (an attacker with many addresses then costs memory, not correctness for
    /// the addresses still being limited).
    fn prune(&self, shard: &mut Shard, now_ms: i64) {
        shard.pruned_ms = now_ms;
        shard.map.retain(|_, b| b.full_at_ms > now_ms);
        if shard.map.len() >= self.per_shard {
            let mut full_at: Vec<i64> = shard.map.values().map(|b| b.full_at_ms).collect();
            let mid = full_at.len() / 2;
            let (_, cut, _) = full_at.select_nth_unstable(mid);
            let cut = *cut;
            shard.map.retain(|_, b| b.full_at_ms > cut);
        }
    }

    /// How many buckets are held (for tests of the memory bound).
    pub fn tracked(&self) -> usize {
        self.shards
            .iter()
            .map(|s| s.lock().unwrap_or_else(|p| p.into_inner()).map.len())
            .sum()
    }
}

/// A stable text form of a client address for keys in the database (the login back-off):
/// IPv4 whole, IPv6 by its /64, empty when unknown.
pub fn address_label(ip: Option<IpAddr>) -> String {
    match ip.map(canonical) {
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let net = u128::from(v6) & !(u128::from(u64::MAX));
            format!("{}/64", Ipv6Addr::from(net))
        }
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> LimitsConfig {
        LimitsConfig {
            login_per_address: RateRule::new(3, 6),
            totp_per_account: RateRule::new(2, 1),
            ..LimitsConfig::default()
        }
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn a_bucket_allows_its_burst_then_refills_at_its_rate() {
        let l = Limiter::new(&limits(), &[]);
        let a = ip("198.51.100.7");
        for _ in 0..3 {
            assert!(l.check(LimitClass::Login, a, None, 0).is_ok());
        }
        let e = l.check(LimitClass::Login, a, None, 0).unwrap_err();
        // 6 a minute: one token every 10 s.
        assert_eq!(e.retry_after_secs, 10);
        // Another address has its own bucket.
        assert!(
            l.check(LimitClass::Login, ip("198.51.100.8"), None, 0)
                .is_ok()
        );
        assert!(l.check(LimitClass::Login, a, None, 9_999).is_err());
        assert!(l.check(LimitClass::Login, a, None, 10_000).is_ok());
        assert!(l.check(LimitClass::Login, a, None, 10_000).is_err());
        // Never more than the burst, however long it waits.
        for _ in 0..3 {
            assert!(l.check(LimitClass::Login, a, None, 10_000_000).is_ok());
        }
        assert!(l.check(LimitClass::Login, a, None, 10_000_000).is_err());
    }

    #[test]
    fn an_account_bucket_holds_across_addresses() {
        let l = Limiter::new(&limits(), &[]);
        let who = Uuid::new_v4();
        assert!(
            l.check(LimitClass::Totp, ip("192.0.2.1"), Some(who), 0)
                .is_ok()
        );
        assert!(
            l.check(LimitClass::Totp, ip("192.0.2.2"), Some(who), 0)
                .is_ok()
        );
        let e = l
            .check(LimitClass::Totp, ip("192.0.2.3"), Some(who), 0)
            .unwrap_err();
        assert_eq!(e.retry_after_secs, 60);
        assert!(
            l.check(LimitClass::Totp, ip("192.0.2.3"), Some(Uuid::new_v4()), 0)
                .is_ok()
        );
    }

    #[test]
    fn ipv6_is_keyed_by_its_64_and_mapped_ipv4_as_ipv4() {
        let l = Limiter::new(&limits(), &[]);
        for last in 1..=3 {
            let a = ip(&format!("2001:db8:1:2::{last}"));
            assert!(l.check(LimitClass::Login, a, None, 0).is_ok());
        }
        assert!(
            l.check(LimitClass::Login, ip("2001:db8:1:2:ffff::9"), None, 0)
                .is_err()
        );
        assert!(
            l.check(LimitClass::Login, ip("2001:db8:1:3::1"), None, 0)
                .is_ok()
        );
        for _ in 0..3 {
            assert!(
                l.check(LimitClass::Login, ip("203.0.113.9"), None, 0)
                    .is_ok()
            );
        }
        assert!(
            l.check(LimitClass::Login, ip("::ffff:203.0.113.9"), None, 0)
                .is_err()
        );
        assert_eq!(address_label(ip("2001:db8:1:2::7")), "2001:db8:1:2::/64");
        assert_eq!(address_label(ip("::ffff:203.0.113.9")), "203.0.113.9");
    }

    #[test]
    fn disabled_or_zero_burst_means_no_limit() {
        let mut c = limits();
        c.enabled = false;
        let l = Limiter::new(&c, &[]);
        for _ in 0..100 {
            assert!(l.check(LimitClass::Login, None, None, 0).is_ok());
        }
        let c = LimitsConfig {
            login_per_address: RateRule::OFF,
            ..limits()
        };
        let l = Limiter::new(&c, &[]);
        for _ in 0..100 {
            assert!(l.check(LimitClass::Login, None, None, 0).is_ok());
        }
    }

    #[test]
    fn memory_stays_bounded_under_many_addresses() {
        let c = LimitsConfig {
            max_tracked: 1000,
            ..limits()
        };
        let l = Limiter::new(&c, &[]);
        for i in 0..50_000u32 {
            let a = Some(IpAddr::from(i.to_be_bytes()));
            let _ = l.check(LimitClass::Login, a, None, 0);
        }
        assert!(l.tracked() <= 1000 + SHARDS, "{}", l.tracked());
        // Refilled buckets are dropped at the next prune.
        let _ = l.check(LimitClass::Login, ip("192.0.2.1"), None, 3_600_000);
        for s in &l.shards {
            let mut s = s.lock().unwrap();
            l.prune(&mut s, 3_600_000);
        }
        assert!(l.tracked() <= 1, "{}", l.tracked());
    }

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let trusted = vec![
            IpBlock::parse("10.0.0.0/8").unwrap(),
            IpBlock::parse("2001:db8::1").unwrap(),
        ];
        let peer = ip("10.1.2.3");
        assert_eq!(
            client_address(peer, &["198.51.100.1, 10.9.9.9"], &trusted),
            ip("198.51.100.1")
        );
        // A client cannot pick its own address by sending the header itself: the proxy
        // appends the real one and that is the rightmost untrusted entry.
        assert_eq!(
            client_address(peer, &["1.2.3.4", "198.51.100.1"], &trusted),
            ip("198.51.100.1")
        );
        assert_eq!(client_address(peer, &[], &trusted), peer);
        assert_eq!(client_address(peer, &["garbage"], &trusted), peer);
        // From an untrusted peer the header is ignored.
        assert_eq!(
            client_address(ip("198.51.100.9"), &["1.2.3.4"], &trusted),
            ip("198.51.100.9")
        );
        assert_eq!(
            client_address(ip("2001:db8::1"), &["2001:db8:5::5"], &trusted),
            ip("2001:db8:5::5")
        );
        assert_eq!(client_address(None, &["1.2.3.4"], &trusted), None);
        assert!(IpBlock::parse("10.0.0.0/33").is_err());
        assert!(IpBlock::parse("proxy.local").is_err());
        assert!(
            IpBlock::parse("0.0.0.0/0")
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
    }
}
