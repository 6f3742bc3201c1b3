//! Login, second factor, sessions and password changes (SECURITY.md A1–A8).
//!
//! Sessions live in the database; the cookie carries a random 256-bit token and only its
//! SHA-256 is stored. A new token is issued at login (A6). A session passes through stages:
//! `anonymous` (stateless: a MAC'd token in the cookie, never a row; it carries the CSRF token
//! of the visitor's forms) → `second_factor` (staff and
//! administrators, A5) → `password_change` (first login or expired staff password, A3) →
//! `active`. Failures are throttled per submitted user name, known or not, and client address
//! (A4; see `Service::login`).

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use linghuo_storage::sessions::{self, SessionRow};
use linghuo_storage::throttle::{self, ThrottleRow};
use linghuo_storage::users::{self, UserRow};
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::access::{Actor, RequestMeta, Role, parse_permissions};
use crate::audit::{self, AuditActor, Event, Outcome};
use crate::error::{Result, ServiceError};
use crate::{Service, password, protect, totp};

/// Wrong second-factor codes in a row before the account's second factor locks.
pub const TOTP_MAX_FAILURES: i64 = 5;
/// The first lock's length; each further wrong code after a lock doubles it (at most an hour).
pub const TOTP_LOCK_BASE_SECONDS: i64 = 60;

/// A token to hand to the browser, with the CSRF token that goes with it.
#[derive(Clone, Debug)]
pub struct IssuedSession {
    pub token: String,
    pub csrf: String,
}

/// What a session currently allows.
#[derive(Clone, Debug)]
pub enum SessionState {
    Anonymous,
    SecondFactor { user_id: Uuid },
    PasswordChange(Actor),
    Active(Actor),
}

#[derive(Clone, Debug)]
pub struct Session {
    pub token_hash: Vec<u8>,
    pub csrf: String,
    pub state: SessionState,
}

impl Session {
    pub fn actor(&self) -> Option<&Actor> {
        match &self.state {
            SessionState::Active(a) => Some(a),
            _ => None,
        }
    }
}

/// The result of a login step: the new token, where to go next, and the account's role.
#[derive(Clone, Debug)]
pub struct LoginOutcome {
    pub session: IssuedSession,
    pub next: NextStep,
    pub role: Role,
}

/// Where a login goes next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NextStep {
    SecondFactor,
    PasswordChange,
    Done,
}

/// Anonymous tokens start with this; stored tokens are plain base64url and never do.
const ANON_PREFIX: &str = "a.";
const ANON_SESSION: &str = "anonymous session";
const ANON_CSRF: &str = "anonymous csrf";

fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

fn stage_name(n: NextStep) -> &'static str {
    match n {
        NextStep::SecondFactor => "second_factor",
        NextStep::PasswordChange => "password_change",
        NextStep::Done => "active",
    }
}

/// Rebuilds the caller from the account row; None for a disabled or malformed account.
pub(crate) fn actor_from(
    u: &UserRow,
    authenticated_at: DateTime<Utc>,
    meta: &RequestMeta,
) -> Option<Actor> {
    if u.disabled {
        return None;
    }
    let role = Role::parse(&u.role)?;
    let scope = match (&u.scope_code, role) {
        (Some(c), Role::Staff) => Some(linghuo_domain::RegionCode::parse(c).ok()?),
        (None, Role::Staff) => return None,
        _ => None,
    };
    Some(Actor {
        user_id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role,
        scope,
        permissions: parse_permissions(&u.permissions),
        person_id: u.person_id,
        authenticated_at,
        meta: meta.clone(),
    })
}

/// The throttle rows of a login attempt (see `Service::login`).
struct LoginSubjects {
    /// Failures and pauses of this name from this client address.
    pair: Vec<u8>,
    /// The slow back-off and hourly ceiling of this name from addresses it is not known at.
    account: Vec<u8>,
    /// Present and unexpired when the account has logged in from this address.
    known: Vec<u8>,
}

/// The row of a subject, or a fresh one; its hour starts again when an hour has passed.
async fn throttle_row(
    tx: &mut linghuo_storage::Tx,
    subject: &[u8],
    now: DateTime<Utc>,
) -> Result<ThrottleRow> {
    let mut t = throttle::get(tx, subject).await?.unwrap_or(ThrottleRow {
        subject: subject.to_vec(),
        consecutive_failures: 0,
        locked_until: None,
        window_start: now,
        window_attempts: 0,
    });
    if now - t.window_start >= Duration::hours(1) {
        t.window_start = now;
        t.window_attempts = 0;
    }
    Ok(t)
}

/// Seconds to wait when a row refuses an attempt now: paused, or its hourly ceiling reached.
fn refusal(t: &ThrottleRow, now: DateTime<Utc>, per_hour: i64) -> Option<i64> {
    let ceiling = (t.window_attempts >= per_hour).then(|| {
        (t.window_start + Duration::hours(1) - now)
            .num_seconds()
            .max(1)
    });
    let paused = t
        .locked_until
        .filter(|u| *u > now)
        .map(|u| (u - now).num_seconds().max(1));
    ceiling.max(paused)
}

impl Service {
    fn login_subjects(&self, username: &str, meta: &RequestMeta) -> LoginSubjects {
        let name = username.trim().to_lowercase();
        let address = crate::limits::address_label(meta.ip.parse().ok());
        let with_address = format!("{name}\n{address}");
        LoginSubjects {
            pair: self.keys.blind_index("login_pair", &with_address),
            account: self.keys.blind_index("login", &name),
            known: self.keys.blind_index("login_known", &with_address),
        }
    }

    /// A session for a visitor who has not logged in, carrying the CSRF token of their forms.
    /// It is stateless (nothing is written): the token is `a.<issued at + random nonce>.<MAC>`
    /// under a server key, and the CSRF token is another MAC of the whole token, so only this
    /// server can mint either and a page view writes no row.
    pub async fn start_anonymous_session(&self, meta: &RequestMeta) -> Result<IssuedSession> {
        let _ = meta;
        let mut payload = [0u8; 24];
        payload[..8].copy_from_slice(&self.clock.now().timestamp().to_be_bytes());
        rand::rngs::OsRng.fill_bytes(&mut payload[8..]);
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let body = b64.encode(payload);
        let mac = self.keys.token_mac(ANON_SESSION, body.as_bytes());
        let token = format!("{ANON_PREFIX}{body}.{}", b64.encode(mac));
        let csrf = self.anonymous_csrf(&token);
        Ok(IssuedSession { token, csrf })
    }

    fn anonymous_csrf(&self, token: &str) -> String {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(self.keys.token_mac(ANON_CSRF, token.as_bytes()))
    }

    /// The anonymous session of a stateless token, if this server minted it and it has not
    /// outlived the absolute timeout; no database read.
    fn anonymous_session(&self, token: &str) -> Option<Session> {
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let (body, mac) = token.strip_prefix(ANON_PREFIX)?.split_once('.')?;
        let given = b64.decode(mac).ok()?;
        let expected = self.keys.token_mac(ANON_SESSION, body.as_bytes());
        if given.len() != expected.len() || !bool::from(given.ct_eq(&expected)) {
            return None;
        }
        let payload = b64.decode(body).ok()?;
        let issued = i64::from_be_bytes(payload.get(..8)?.try_into().ok()?);
        let age = self.clock.now().timestamp() - issued;
        let limit = self.config.security.absolute_timeout_hours * 3600;
        if !(-300..=limit).contains(&age) {
            return None;
        }
        Some(Session {
            token_hash: token_hash(token),
            csrf: self.anonymous_csrf(token),
            state: SessionState::Anonymous,
        })
    }

    /// Looks up a session token, enforcing the idle and absolute timeouts (A7).
    pub async fn session(&self, token: &str, meta: &RequestMeta) -> Result<Option<Session>> {
        if token.starts_with(ANON_PREFIX) {
            return Ok(self.anonymous_session(token));
        }
        let hash = token_hash(token);
        let Some(row) = sessions::get(&self.db, &hash).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        let sec = &self.config.security;
        let idle_expired = now - row.last_seen_at > Duration::minutes(sec.idle_timeout_minutes);
        let absolute_expired = now - row.created_at > Duration::hours(sec.absolute_timeout_hours);
        if idle_expired || absolute_expired {
            let mut tx = self.db.begin().await?;
            sessions::delete(&mut tx, &hash).await?;
            if let Some(uid) = row.user_id {
                let actor = AuditActor {
                    id: Some(uid),
                    name: String::new(),
                    role: String::new(),
                    meta: meta.clone(),
                };
                let why = if absolute_expired { "absolute" } else { "idle" };
                audit::record(
                    &mut tx,
                    &self.keys,
                    now,
                    &actor,
                    Event::new("session_expired", "user", uid).detail(json!({"timeout": why})),
                )
                .await?;
            }
            tx.commit().await?;
            return Ok(None);
        }
        let state = match (row.stage.as_str(), row.user_id) {
            ("anonymous", _) => SessionState::Anonymous,
            ("second_factor", Some(uid)) => SessionState::SecondFactor { user_id: uid },
            (stage @ ("password_change" | "active"), Some(uid)) => {
                let Some(user) = users::by_id(&self.db, uid).await? else {
                    return Ok(None);
                };
                let Some(actor) =
                    actor_from(&user, row.authenticated_at.unwrap_or(row.created_at), meta)
                else {
                    // Disabled or changed beyond use: the session is over (B8).
                    let mut tx = self.db.begin().await?;
                    sessions::delete(&mut tx, &hash).await?;
                    tx.commit().await?;
                    return Ok(None);
                };
                if stage == "active" {
                    SessionState::Active(actor)
                } else {
                    SessionState::PasswordChange(actor)
                }
            }
            _ => return Ok(None),
        };
        // Touch at most once a minute so reads stay reads.
        if now - row.last_seen_at > Duration::seconds(60) {
            sessions::touch(&self.db, &hash, now).await?;
        }
        Ok(Some(Session {
            token_hash: hash,
            csrf: row.csrf_token,
            state,
        }))
    }

    /// Checks user name and password. On success the old session (if any) is replaced by a new
    /// token (A6) whose stage says what comes next.
    pub async fn login(
        &self,
        old_token: Option<&str>,
        username: &str,
        pass: &str,
        meta: &RequestMeta,
    ) -> Result<LoginOutcome> {
        let now = self.clock.now();
        let sec = &self.config.security;
        let lim = &self.config.limits;
        // A phone number is throttled as one name however it is written.
        let phone = linghuo_domain::Phone::parse(username.trim()).ok();
        let name = phone
            .as_ref()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| username.to_owned());
        let subjects = self.login_subjects(&name, meta);
        let anon = AuditActor::anonymous(meta);
        let mut tx = self.db.begin().await?;
        // A4 in three parts, none of which a stranger can use to keep the owner out:
        // - per (address, name): a pause after `lockout_threshold` failures in a row,
        //   doubling up to an hour, and at most `max_attempts_per_hour` evaluated an hour;
        // - per name, for addresses the account has not logged in from recently: after
        //   `login_account_threshold` failures from such addresses a wait that grows by
        //   `login_account_step_seconds` with each further one (at most
        //   `login_account_max_seconds`), and the same hourly ceiling;
        // - per address, all names together: the `[limits] login_per_address` bucket, checked
        //   before this (spraying many names from one address).
        // An attempt refused by a pause is neither evaluated nor audited; each pause is
        // audited once, when it starts.
        let mut pair = throttle_row(&mut tx, &subjects.pair, now).await?;
        if let Some(retry) = refusal(&pair, now, sec.max_attempts_per_hour) {
            tx.commit().await?;
            return Err(ServiceError::Locked {
                retry_after_secs: retry,
            });
        }
        let known = throttle::get(&mut tx, &subjects.known)
            .await?
            .is_some_and(|k| k.locked_until.is_some_and(|u| u > now));
        let mut account = if known {
            None
        } else {
            let row = throttle_row(&mut tx, &subjects.account, now).await?;
            if let Some(retry) = refusal(&row, now, sec.max_attempts_per_hour) {
                tx.commit().await?;
                return Err(ServiceError::Locked {
                    retry_after_secs: retry,
                });
            }
            Some(row)
        };
        let tag = hex::encode(&subjects.account[..8]);
        let mut ceilings = Vec::new();
        pair.window_attempts += 1;
        if pair.window_attempts == sec.max_attempts_per_hour {
            ceilings.push("address");
        }
        if let Some(a) = account.as_mut() {
            a.window_attempts += 1;
            if a.window_attempts == sec.max_attempts_per_hour {
                ceilings.push("account");
            }
        }
        for scope in ceilings {
            // The hourly ceiling is reached: the next attempt waits for the hour to end.
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &anon,
                Event::new("login_rate_limited", "login", tag.clone())
                    .outcome(Outcome::Denied)
                    .detail(json!({"scope": scope, "attempts": sec.max_attempts_per_hour})),
            )
            .await?;
        }
        // A phone number signs in to the worker account(s) of the person it belongs to and
        // the employer account(s) whose employer's contact phone it is; the password picks
        // the account when one number has several (at most three are tried). Staff and
        // administrators sign in by user name only.
        let candidates = match &phone {
            Some(p) => {
                let index = self.keys.blind_index("phone", p.as_str());
                users::accounts_by_phone_index(&self.db, &index, 3).await?
            }
            None => users::by_username(&self.db, username.trim())
                .await?
                .into_iter()
                .collect(),
        };
        // Verify even for unknown names so timing does not tell names apart.
        if candidates.is_empty() {
            let _ = password::verify(pass, &password::DUMMY_HASH);
        }
        let matched = candidates
            .iter()
            .find(|u| password::verify(pass, &u.password_hash) && !u.disabled)
            .cloned();
        let ok = matched.is_some();
        let user = matched.or_else(|| candidates.into_iter().next());
        if !ok {
            let actor = AuditActor {
                id: user.as_ref().map(|u| u.id),
                ..anon.clone()
            };
            let mut locks = Vec::new();
            pair.consecutive_failures += 1;
            if pair.consecutive_failures >= sec.lockout_threshold {
                let exp = (pair.consecutive_failures - sec.lockout_threshold).min(6) as u32;
                let secs = (sec.lockout_base_seconds << exp).min(3600);
                pair.locked_until = Some(now + Duration::seconds(secs));
                locks.push(json!({"scope": "address", "locked_seconds": secs,
                                  "failures": pair.consecutive_failures}));
            }
            throttle::put(&mut tx, &pair).await?;
            if let Some(a) = account.as_mut() {
                a.consecutive_failures += 1;
                if a.consecutive_failures >= lim.login_account_threshold {
                    let steps = a.consecutive_failures - lim.login_account_threshold + 1;
                    let secs = steps
                        .saturating_mul(lim.login_account_step_seconds)
                        .min(lim.login_account_max_seconds);
                    a.locked_until = Some(now + Duration::seconds(secs));
                    locks.push(json!({"scope": "account", "locked_seconds": secs,
                                      "failures": a.consecutive_failures}));
                }
                throttle::put(&mut tx, a).await?;
            }
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &actor,
                Event::new("login_failure", "login", tag.clone()).outcome(Outcome::Failure),
            )
            .await?;
            for detail in locks {
                audit::record(
                    &mut tx,
                    &self.keys,
                    now,
                    &actor,
                    Event::new("account_locked", "login", tag.clone())
                        .outcome(Outcome::Denied)
                        .detail(detail),
                )
                .await?;
            }
            tx.commit().await?;
            return Err(ServiceError::LoginFailed);
        }
        throttle::clear(&mut tx, &subjects.pair).await?;
        if let Some(a) = account.as_ref() {
            // Counted in the account's hour; its failures stay until the hour ends.
            throttle::put(&mut tx, a).await?;
        }
        // Remember this address for the account: the per-name back-off does not apply here.
        throttle::put(
            &mut tx,
            &ThrottleRow {
                subject: subjects.known.clone(),
                consecutive_failures: 0,
                locked_until: Some(now + Duration::days(lim.known_address_days)),
                window_start: now,
                window_attempts: 0,
            },
        )
        .await?;
        let user = user.expect("ok implies a user");
        let role =
            Role::parse(&user.role).ok_or_else(|| ServiceError::Internal("unknown role".into()))?;
        let next = if role.needs_second_factor() {
            NextStep::SecondFactor
        } else if user.must_change_password {
            NextStep::PasswordChange
        } else {
            NextStep::Done
        };
        if let Some(old) = old_token {
            sessions::delete(&mut tx, &token_hash(old)).await?;
        }
        let issued = IssuedSession {
            token: random_token(),
            csrf: random_token(),
        };
        sessions::insert(
            &mut tx,
            &SessionRow {
                token_hash: token_hash(&issued.token),
                user_id: Some(user.id),
                stage: stage_name(next).into(),
                csrf_token: issued.csrf.clone(),
                created_at: now,
                authenticated_at: (next != NextStep::SecondFactor).then_some(now),
                last_seen_at: now,
                ip: meta.ip.clone(),
            },
        )
        .await?;
        let actor = AuditActor {
            id: Some(user.id),
            name: user.username.clone(),
            role: user.role.clone(),
            meta: meta.clone(),
        };
        let event = if next == NextStep::SecondFactor {
            "login_password_ok"
        } else {
            "login_success"
        };
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &actor,
            Event::new(event, "user", user.id),
        )
        .await?;
        if next != NextStep::SecondFactor {
            users::touch_login(&mut tx, user.id, now).await?;
        }
        tx.commit().await?;
        Ok(LoginOutcome {
            session: issued,
            next,
            role,
        })
    }

    /// In demonstration mode only: the second-factor code the session's account needs now,
    /// shown on the verification page so a newcomer can look around without an
    /// authenticator app. `None` on every normal server.
    pub async fn demo_second_factor_code(&self, token: &str) -> Result<Option<String>> {
        if !self.demo_mode {
            return Ok(None);
        }
        let Some(row) = sessions::get(&self.db, &token_hash(token)).await? else {
            return Ok(None);
        };
        // The login's verification page, and the step-up page of a signed-in session.
        let (Some(uid), "second_factor" | "active") = (row.user_id, row.stage.as_str()) else {
            return Ok(None);
        };
        let Some(user) = users::by_id(&self.db, uid).await? else {
            return Ok(None);
        };
        Ok(user
            .totp_secret
            .as_deref()
            .filter(|_| user.totp_enabled)
            .and_then(|s| {
                self.keys
                    .open(&protect::context("users.totp_secret", &uid), s)
                    .ok()
            })
            .map(|s| totp::code_at(&s, self.clock.now().timestamp())))
    }

    /// The user's TOTP secret, opened (None when the second factor is not set up).
    pub(crate) fn totp_secret_of(&self, user: &UserRow) -> Option<zeroize::Zeroizing<Vec<u8>>> {
        user.totp_secret
            .as_deref()
            .filter(|_| user.totp_enabled)
            .and_then(|s| {
                self.keys
                    .open(&protect::context("users.totp_secret", &user.id), s)
                    .ok()
            })
    }

    /// Opens the transaction of a second-factor check under the account's lock (A5).
    /// Attempts are limited per account, whichever session they come from: after
    /// TOTP_MAX_FAILURES wrong codes the account's second factor is locked with a growing wait
    /// and the session ends, so guessing needs the password again. A locked attempt is not
    /// checked and not audited (the lock was, once): the session `hash` ends and the answer
    /// is `Locked`.
    pub(crate) async fn totp_lock(
        &self,
        uid: Uuid,
        hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<(linghuo_storage::Tx, ThrottleRow)> {
        let mut tx = self.db.begin().await?;
        let subject = self.keys.blind_index("totp", &uid.to_string());
        let t = throttle::get(&mut tx, &subject)
            .await?
            .unwrap_or(ThrottleRow {
                subject,
                consecutive_failures: 0,
                locked_until: None,
                window_start: now,
                window_attempts: 0,
            });
        if let Some(until) = t.locked_until.filter(|u| *u > now) {
            sessions::delete(&mut tx, hash).await?;
            tx.commit().await?;
            return Err(ServiceError::Locked {
                retry_after_secs: (until - now).num_seconds().max(1),
            });
        }
        Ok((tx, t))
    }

    /// Counts a failed second-factor attempt, audits it as `event`, and after
    /// TOTP_MAX_FAILURES locks the account's second factor (audited once) and ends the
    /// session `hash`, answering `Locked`. Commits either way; Ok means "rejected, not locked".
    pub(crate) async fn totp_failed(
        &self,
        mut tx: linghuo_storage::Tx,
        mut t: ThrottleRow,
        actor: &AuditActor,
        event: &'static str,
        hash: &[u8],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let uid = actor.id.unwrap_or_default();
        t.consecutive_failures += 1;
        t.window_attempts += 1;
        let lock_secs = (t.consecutive_failures >= TOTP_MAX_FAILURES).then(|| {
            let exp = (t.consecutive_failures - TOTP_MAX_FAILURES).min(6) as u32;
            (TOTP_LOCK_BASE_SECONDS << exp).min(3600)
        });
        if let Some(secs) = lock_secs {
            t.locked_until = Some(now + Duration::seconds(secs));
        }
        throttle::put(&mut tx, &t).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            actor,
            Event::new(event, "user", uid).outcome(Outcome::Failure),
        )
        .await?;
        if let Some(secs) = lock_secs {
            audit::record(
                &mut tx,
                &self.keys,
                now,
                actor,
                Event::new("totp_locked", "user", uid)
                    .outcome(Outcome::Denied)
                    .detail(json!({"locked_seconds": secs, "failures": t.consecutive_failures})),
            )
            .await?;
            sessions::delete(&mut tx, hash).await?;
            tx.commit().await?;
            return Err(ServiceError::Locked {
                retry_after_secs: secs,
            });
        }
        tx.commit().await?;
        Ok(())
    }

    /// Checks the TOTP code of a session in the second-factor stage. A code is accepted once:
    /// a replay inside its window is refused and raised as an alert (A5).
    pub async fn second_factor(
        &self,
        token: &str,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<LoginOutcome> {
        let now = self.clock.now();
        let hash = token_hash(token);
        let Some(row) = sessions::get(&self.db, &hash).await? else {
            return Err(ServiceError::Unauthenticated);
        };
        let (Some(uid), "second_factor") = (row.user_id, row.stage.as_str()) else {
            return Err(ServiceError::Unauthenticated);
        };
        let Some(user) = users::by_id(&self.db, uid).await? else {
            return Err(ServiceError::Unauthenticated);
        };
        let actor = AuditActor {
            id: Some(uid),
            name: user.username.clone(),
            role: user.role.clone(),
            meta: meta.clone(),
        };
        let secret = self.totp_secret_of(&user);
        let (mut tx, t) = self.totp_lock(uid, &hash, now).await?;
        let step = secret
            .as_ref()
            .and_then(|s| totp::matching_step(s, code, now.timestamp()));
        let accepted = match step {
            Some(step) => users::use_totp_step(&mut tx, uid, step).await?,
            None => false,
        };
        if !accepted {
            let replay = step.is_some();
            if replay {
                tracing::warn!(user = %uid, "second-factor code replayed");
            }
            let event = if replay {
                "totp_replay_alert"
            } else {
                "totp_failure"
            };
            self.totp_failed(tx, t, &actor, event, &hash, now).await?;
            return Err(ServiceError::SecondFactorRejected);
        }
        throttle::clear(&mut tx, &t.subject).await?;
        let sec = &self.config.security;
        let next = if user.must_change_password
            || now - user.password_changed_at > Duration::days(sec.staff_password_max_age_days)
        {
            NextStep::PasswordChange
        } else {
            NextStep::Done
        };
        // New token again now that the login is complete.
        sessions::delete(&mut tx, &hash).await?;
        let issued = IssuedSession {
            token: random_token(),
            csrf: row.csrf_token.clone(),
        };
        sessions::insert(
            &mut tx,
            &SessionRow {
                token_hash: token_hash(&issued.token),
                user_id: Some(uid),
                stage: stage_name(next).into(),
                csrf_token: issued.csrf.clone(),
                created_at: row.created_at,
                authenticated_at: Some(now),
                last_seen_at: now,
                ip: meta.ip.clone(),
            },
        )
        .await?;
        users::touch_login(&mut tx, uid, now).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &actor,
            Event::new("login_success", "user", uid).detail(json!({"second_factor": "totp"})),
        )
        .await?;
        tx.commit().await?;
        let role =
            Role::parse(&user.role).ok_or_else(|| ServiceError::Internal("unknown role".into()))?;
        Ok(LoginOutcome {
            session: issued,
            next,
            role,
        })
    }

    /// Changes the caller's password. Required at first login and when a staff password expires.
    pub async fn change_password(
        &self,
        token: &str,
        old: &str,
        new: &str,
        meta: &RequestMeta,
    ) -> Result<()> {
        let now = self.clock.now();
        let hash = token_hash(token);
        let Some(row) = sessions::get(&self.db, &hash).await? else {
            return Err(ServiceError::Unauthenticated);
        };
        let (Some(uid), "password_change" | "active") = (row.user_id, row.stage.as_str()) else {
            return Err(ServiceError::Unauthenticated);
        };
        let Some(user) = users::by_id(&self.db, uid).await? else {
            return Err(ServiceError::Unauthenticated);
        };
        if !password::verify(old, &user.password_hash) {
            return Err(ServiceError::invalid(
                "old_password",
                "password_wrong",
                "原密码不正确",
            ));
        }
        password::check_policy(
            new,
            &user.username,
            self.config.security.password_min_length,
            "new_password",
        )?;
        if new == old {
            return Err(ServiceError::invalid(
                "new_password",
                "password_reused",
                "新密码不能与原密码相同",
            ));
        }
        let mut tx = self.db.begin().await?;
        let role = Role::parse(&user.role).unwrap_or(Role::Worker);
        if role.needs_second_factor() {
            let history =
                users::password_history(&mut tx, uid, self.config.security.password_history)
                    .await?;
            if history.iter().any(|h| password::verify(new, h)) {
                return Err(ServiceError::invalid(
                    "new_password",
                    "password_reused",
                    format!(
                        "不能使用最近{}次用过的密码",
                        self.config.security.password_history
                    ),
                ));
            }
        }
        users::set_password(&mut tx, uid, &password::hash(new), false, now).await?;
        // Other sessions of this user end; this one becomes active.
        sessions::delete_for_user(&mut tx, uid).await?;
        sessions::insert(
            &mut tx,
            &SessionRow {
                stage: "active".into(),
                authenticated_at: Some(now),
                last_seen_at: now,
                ..row
            },
        )
        .await?;
        let actor = AuditActor {
            id: Some(uid),
            name: user.username.clone(),
            role: user.role.clone(),
            meta: meta.clone(),
        };
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &actor,
            Event::new("password_changed", "user", uid),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends a session on the server (A7: the old cookie is useless afterwards).
    pub async fn logout(&self, token: &str, meta: &RequestMeta) -> Result<()> {
        let hash = token_hash(token);
        let row = sessions::get(&self.db, &hash).await?;
        let mut tx = self.db.begin().await?;
        sessions::delete(&mut tx, &hash).await?;
        if let Some(uid) = row.and_then(|r| r.user_id) {
            let actor = AuditActor {
                id: Some(uid),
                name: String::new(),
                role: String::new(),
                meta: meta.clone(),
            };
            audit::record(
                &mut tx,
                &self.keys,
                self.clock.now(),
                &actor,
                Event::new("logout", "user", uid),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
