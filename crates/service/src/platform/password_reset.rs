//! Forgotten passwords (issue 16 item 6; SECURITY.md A4, A11): a one-time code sent to the
//! phone number of the person's record, then a new password.
//!
//! - The code is 6 digits, stored only as a keyed hash (bound to its row), valid
//!   `[notify] reset_code_minutes` (10) with `reset_code_tries` (5) wrong tries.
//! - Requests are limited per client address and per phone number in memory (`[limits]
//!   reset_per_address`, `reset_per_phone`, known numbers or not) and per account in the
//!   database (`reset_codes_per_hour`).
//! - The answer is the same whether or not the number belongs to an account; the message is
//!   sent after the transaction, off the request, so its time does not tell either.
//! - Only worker accounts (by the phone number of the person's record) and employer accounts
//!   (by the employer's contact phone, blind-indexed as worker phones are) are reached this
//!   way. Staff and administrators keep TOTP and are never reset by phone: their reset is the
//!   two-person `reset_credentials` change (B6) — the page tells them to ask the security
//!   administrator.
//! - Both steps are audited: `password_reset_requested`, `password_reset_done` (a wrong code
//!   as `password_reset_done` with outcome failure).

use chrono::Duration;
use linghuo_domain::Phone;
use linghuo_storage::reset_codes::{self, ResetCodeRow};
use linghuo_storage::sessions;
use linghuo_storage::users::{self, UserRow};
use rand::Rng;
use serde_json::json;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::access::{RequestMeta, Role};
use crate::audit::{self, AuditActor, Event, Outcome};
use crate::error::{Result, ServiceError};
use crate::limits::LimitClass;
use crate::{Service, password};

const TICKET_CONTEXT: &[u8] = b"password_reset.ticket";

/// Accounts one phone number may reach (a household may share a number).
const MAX_ACCOUNTS_PER_PHONE: i64 = 3;

fn wrong_code() -> ServiceError {
    ServiceError::invalid(
        "code",
        "reset_code_wrong",
        "验证码不正确或已失效，请核对或重新获取验证码",
    )
}

fn parse_phone(phone: &str) -> Result<Phone> {
    Phone::parse(phone.trim()).map_err(|e| ServiceError::field("phone", e))
}

impl Service {
    fn reset_code_hash(&self, row: Uuid, code: &str) -> Vec<u8> {
        self.keys
            .blind_index("reset_code", &format!("{row}:{code}"))
    }

    /// The accounts a phone number can reset: worker accounts of the person it belongs to
    /// and employer accounts of the employer whose contact phone it is.
    async fn reset_accounts(&self, phone: &Phone) -> Result<Vec<UserRow>> {
        let index = self.keys.blind_index("phone", phone.as_str());
        Ok(
            users::accounts_by_phone_index(&self.db, &index, MAX_ACCOUNTS_PER_PHONE)
                .await?
                .into_iter()
                .filter(|u| {
                    !u.disabled
                        && matches!(Role::parse(&u.role), Some(Role::Worker | Role::Employer))
                })
                .collect(),
        )
    }

    /// Sends a reset code to `phone` when it belongs to a worker or employer account. Answers the same
    /// whether or not it does; refuses only a malformed number or too many requests.
    pub async fn request_password_reset(&self, phone: &str, meta: &RequestMeta) -> Result<()> {
        let phone = parse_phone(phone)?;
        let now = self.clock.now();
        let index = self.keys.blind_index("phone", phone.as_str());
        let phone_key = Uuid::from_slice(&index[..16]).unwrap_or_default();
        self.limiter
            .check(
                LimitClass::Reset,
                meta.ip.parse().ok(),
                Some(phone_key),
                now.timestamp_millis(),
            )
            .map_err(|l| ServiceError::RateLimited {
                class: l.class.name(),
                retry_after_secs: l.retry_after_secs,
            })?;
        let n = &self.config.notify;
        let accounts = self.reset_accounts(&phone).await?;
        let tag = hex::encode(&index[..8]);
        let mut messages = Vec::new();
        let mut tx = self.db.begin().await?;
        if accounts.is_empty() {
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::anonymous(meta),
                Event::new("password_reset_requested", "phone", tag.clone())
                    .outcome(Outcome::Failure)
                    .detail(json!({"known": false})),
            )
            .await?;
        }
        for u in &accounts {
            let actor = AuditActor {
                id: Some(u.id),
                name: u.username.clone(),
                role: u.role.clone(),
                meta: meta.clone(),
            };
            let recent = reset_codes::count_since(&self.db, u.id, now - Duration::hours(1)).await?;
            if recent >= n.reset_codes_per_hour {
                audit::record(
                    &mut tx,
                    &self.keys,
                    now,
                    &actor,
                    Event::new("password_reset_requested", "user", u.id)
                        .outcome(Outcome::Denied)
                        .detail(json!({"codes_this_hour": recent})),
                )
                .await?;
                continue;
            }
            let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32));
            let id = Uuid::new_v4();
            reset_codes::insert(
                &mut tx,
                &ResetCodeRow {
                    id,
                    user_id: u.id,
                    code_hash: self.reset_code_hash(id, &code),
                    created_at: now,
                    expires_at: now + Duration::minutes(n.reset_code_minutes),
                    tries: 0,
                    used_at: None,
                },
            )
            .await?;
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &actor,
                Event::new("password_reset_requested", "user", u.id)
                    .detail(json!({"valid_minutes": n.reset_code_minutes})),
            )
            .await?;
            messages.push(format!(
                "【灵活就业服务平台】您正在重置账户“{}”的密码，验证码{code}，{}分钟内有效。如非本人操作，请忽略本短信，不要把验证码告诉任何人。",
                u.username, n.reset_code_minutes
            ));
        }
        tx.commit().await?;
        // Sent off the request: the answer takes as long whether or not a message goes.
        let notifier = self.notifier.clone();
        let to = phone.as_str().to_owned();
        let send = async move {
            for text in messages {
                if let Err(e) = notifier.send(&to, &text).await {
                    tracing::warn!(error = %e, adapter = notifier.name(), "reset code not sent");
                }
            }
        };
        if self.message_log.is_some() {
            // The log adapter does not wait on anything: the demo page can show it at once.
            send.await;
        } else {
            tokio::spawn(send);
        }
        Ok(())
    }

    /// Sets a new password with a code sent by `request_password_reset`. A wrong code counts
    /// a try against every live code of the number; the answer never says whether the number
    /// has an account.
    pub async fn reset_password(
        &self,
        phone: &str,
        code: &str,
        new_password: &str,
        meta: &RequestMeta,
    ) -> Result<()> {
        let phone = parse_phone(phone)?;
        let code = code.trim();
        let now = self.clock.now();
        let max_tries = self.config.notify.reset_code_tries;
        let accounts = self.reset_accounts(&phone).await?;
        let well_formed = code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit());
        let mut tx = self.db.begin().await?;
        let mut found: Option<&UserRow> = None;
        let mut live = Vec::new();
        for u in &accounts {
            for r in reset_codes::live_for_user(&mut tx, u.id, now).await? {
                if r.tries >= max_tries {
                    continue;
                }
                let hash = self.reset_code_hash(r.id, code);
                if well_formed && found.is_none() && bool::from(hash.ct_eq(&r.code_hash)) {
                    found = Some(u);
                }
                live.push(r);
            }
        }
        let Some(user) = found else {
            for r in &live {
                reset_codes::add_try(&mut tx, r.id).await?;
            }
            let index = self.keys.blind_index("phone", phone.as_str());
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::anonymous(meta),
                Event::new("password_reset_done", "phone", hex::encode(&index[..8]))
                    .outcome(Outcome::Failure),
            )
            .await?;
            tx.commit().await?;
            return Err(wrong_code());
        };
        // A password the policy refuses leaves the code usable (no try counted).
        password::check_policy(
            new_password,
            &user.username,
            self.config.security.password_min_length,
            "new_password",
        )?;
        users::set_password(&mut tx, user.id, &password::hash(new_password), false, now).await?;
        reset_codes::use_all(&mut tx, user.id, now).await?;
        // Whoever knew the old password is signed out everywhere.
        let ended = sessions::delete_for_user(&mut tx, user.id).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor {
                id: Some(user.id),
                name: user.username.clone(),
                role: user.role.clone(),
                meta: meta.clone(),
            },
            Event::new("password_reset_done", "user", user.id)
                .detail(json!({"sessions_ended": ended})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The phone number of the reset form's second step, sealed so the page never carries
    /// the number itself (only this server can open it).
    pub fn reset_ticket(&self, phone: &str) -> Option<String> {
        use base64::Engine;
        let phone = Phone::parse(phone.trim()).ok()?;
        let sealed = self.keys.seal(TICKET_CONTEXT, phone.as_str().as_bytes());
        Some(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sealed))
    }

    /// The phone number of a `reset_ticket`.
    pub fn reset_ticket_phone(&self, ticket: &str) -> Option<String> {
        use base64::Engine;
        let sealed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(ticket.trim())
            .ok()?;
        let plain = self.keys.open(TICKET_CONTEXT, &sealed).ok()?;
        String::from_utf8(plain.to_vec()).ok()
    }

    /// 演示模式 only: the last message the log adapter sent to `phone`, shown on the reset
    /// page so a newcomer can try the reset without a phone. `None` on every normal server.
    pub fn demo_message_to(&self, phone: &str) -> Option<String> {
        if !self.demo_mode {
            return None;
        }
        let phone = Phone::parse(phone.trim()).ok()?;
        self.message_log()?
            .recent()
            .into_iter()
            .rev()
            .find(|m| m.phone == phone.as_str())
            .map(|m| m.text)
    }
}
