//! Two-person account administration (SECURITY.md B6) and step-up re-authentication (A9).
//!
//! No administrator changes an account alone. The system administrator or the security
//! administrator proposes a change (create, disable, enable, scope and permissions, credential
//! reset); an administrator of the *other* of those two roles approves or rejects it; nobody
//! decides a change they proposed or one about their own account. The audit administrator's
//! account is changed the same way, so neither of the other two can create, disable or
//! re-scope the person who audits them.
//!
//! No response ever carries another person's password or second-factor secret. A new or reset
//! account gets an enrolment code that goes to its owner's phone through the outbox (a spool
//! directory the SMS sender drains); the owner sets their own password and enrols their own
//! authenticator with it. Only the very first administrator of each kind is created at the
//! server console, where the code is printed once.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use linghuo_domain::{Money, Phone, RegionCode};
use linghuo_storage::account_changes::{self as repo, ChangeRow, EnrolmentRow};
use linghuo_storage::sessions;
use linghuo_storage::throttle;
use linghuo_storage::users::{self, UserRow};
use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;
use subtle::ConstantTimeEq;
use uuid::Uuid;

use crate::access::{Actor, Permission, RequestMeta, Role, format_permissions, parse_permissions};
use crate::accounts::validate_username;
use crate::audit::{self, AuditActor, Event, Outcome};
use crate::auth::token_hash;
use crate::error::{Result, ServiceError};
use crate::{Service, password, protect, totp};

/// What a proposal asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    Create,
    Disable,
    Enable,
    SetAccess,
    ResetCredentials,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Create => "create",
            ChangeKind::Disable => "disable",
            ChangeKind::Enable => "enable",
            ChangeKind::SetAccess => "set_access",
            ChangeKind::ResetCredentials => "reset_credentials",
        }
    }

    pub fn parse(s: &str) -> Option<ChangeKind> {
        Some(match s {
            "create" => ChangeKind::Create,
            "disable" => ChangeKind::Disable,
            "enable" => ChangeKind::Enable,
            "set_access" => ChangeKind::SetAccess,
            "reset_credentials" => ChangeKind::ResetCredentials,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            ChangeKind::Create => "新建账户",
            ChangeKind::Disable => "停用账户",
            ChangeKind::Enable => "启用账户",
            ChangeKind::SetAccess => "调整管辖区域和权限",
            ChangeKind::ResetCredentials => "重置密码和验证器",
        }
    }

    pub fn all() -> &'static [ChangeKind] {
        &[
            ChangeKind::Create,
            ChangeKind::Disable,
            ChangeKind::Enable,
            ChangeKind::SetAccess,
            ChangeKind::ResetCredentials,
        ]
    }
}

/// A proposal as submitted.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ProposeChange {
    /// create, disable, enable, set_access or reset_credentials.
    pub kind: String,
    pub username: String,
    /// create: the owner's name.
    #[serde(default)]
    pub display_name: String,
    /// create: worker, employer, staff, sysadmin, secadmin or auditadmin.
    #[serde(default)]
    pub role: String,
    /// create and set_access (staff only): province, city or county code.
    #[serde(default)]
    pub scope_code: Option<String>,
    /// create and set_access (staff only), e.g. `pii:reveal`, `bank:export`.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// create and reset_credentials: the owner's mobile number, where the enrolment code goes.
    /// Kept encrypted only until the code is sent.
    #[serde(default)]
    pub contact_phone: Option<String>,
    /// Why (required): shown to the approver and kept in the audit log.
    #[serde(default)]
    pub reason: String,
}

/// A proposal as the administrators see it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ChangeView {
    pub id: Uuid,
    pub kind: ChangeKind,
    pub kind_label: &'static str,
    pub username: String,
    pub display_name: String,
    pub role: Option<Role>,
    pub role_label: &'static str,
    pub scope_code: Option<String>,
    pub scope_name: Option<String>,
    pub permissions: Vec<&'static str>,
    pub reason: String,
    /// pending, applied, rejected, withdrawn or expired.
    pub status: String,
    pub status_label: &'static str,
    pub proposed_by: String,
    pub proposed_by_role: String,
    pub proposed_at: DateTime<Utc>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: String,
    /// Whether the caller may approve or reject it.
    pub may_decide: bool,
    /// Whether the caller may withdraw it (the proposer, while pending).
    pub may_withdraw: bool,
    /// create and reset_credentials, once applied: where the enrolment code went (masked).
    pub delivered_to: Option<String>,
}

/// What an owner sees when starting enrolment: their own new authenticator secret.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct EnrolmentStart {
    pub username: String,
    pub display_name: String,
    pub role_label: &'static str,
    /// Base32 secret for the owner's authenticator app (staff and administrators).
    pub totp_secret: Option<String>,
    pub otpauth_uri: Option<String>,
}

fn status_label(s: &str) -> &'static str {
    match s {
        "pending" => "待批准",
        "applied" => "已批准并生效",
        "rejected" => "已驳回",
        "withdrawn" => "已撤回",
        _ => "已过期",
    }
}

/// A code read off a text message and typed on a phone: no look-alike characters.
fn enrolment_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..12)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A password nobody knows: the account cannot log in until its owner enrols.
fn unusable_password_hash() -> String {
    let mut rng = rand::rngs::OsRng;
    let p: String = (0..40)
        .map(|_| rng.gen_range(b'!'..=b'~') as char)
        .collect();
    password::hash(&p)
}

/// The two roles that administer accounts, each the other's check.
fn complement(r: Role) -> Option<Role> {
    match r {
        Role::SysAdmin => Some(Role::SecAdmin),
        Role::SecAdmin => Some(Role::SysAdmin),
        _ => None,
    }
}

fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

/// Writes one message for the SMS sender: a new file, never overwritten, readable only by the
/// service's own user.
fn spool(dir: &Path, id: Uuid, message: &serde_json::Value) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let tmp = dir.join(format!(".{id}.tmp"));
    let mut f = opts.open(&tmp)?;
    f.write_all(serde_json::to_string_pretty(message)?.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, dir.join(format!("{id}.json")))?;
    Ok(())
}

struct Validated {
    role: Option<Role>,
    scope: Option<String>,
    permissions: String,
    display_name: String,
    phone: Option<Phone>,
}

impl Service {
    /// A9: the caller proved password and second factor within the configured minutes.
    pub fn require_step_up(&self, actor: &Actor) -> Result<()> {
        let window = Duration::minutes(self.config.security.step_up_minutes);
        if self.clock.now() - actor.authenticated_at <= window {
            Ok(())
        } else {
            Err(ServiceError::Forbidden {
                code: "step_up_required",
                message: format!(
                    "此操作需要再次输入密码和动态验证码确认身份（{}分钟内有效）",
                    self.config.security.step_up_minutes
                ),
            })
        }
    }

    /// A9: approving an amount above the configured threshold needs a fresh step-up.
    pub fn require_step_up_for_amount(&self, actor: &Actor, fen: i64) -> Result<()> {
        let limit = Money::parse_non_negative(&self.config.security.step_up_approval_amount)
            .map(|m| m.fen())
            .unwrap_or(0);
        if fen > limit {
            self.require_step_up(actor)
        } else {
            Ok(())
        }
    }

    /// Re-proves password and second factor on an active session (A9). Wrong answers count
    /// toward the same per-account second-factor lock as login; a lock ends the session.
    pub async fn step_up(
        &self,
        token: &str,
        password_given: &str,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<()> {
        let now = self.clock.now();
        let hash = token_hash(token);
        let Some(row) = sessions::get(&self.db, &hash).await? else {
            return Err(ServiceError::Unauthenticated);
        };
        let (Some(uid), "active") = (row.user_id, row.stage.as_str()) else {
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
        let role = Role::parse(&user.role).unwrap_or(Role::Worker);
        let password_ok = password::verify(password_given, &user.password_hash);
        let secret = self.totp_secret_of(&user);
        let (mut tx, t) = self.totp_lock(uid, &hash, now).await?;
        let step = if role.needs_second_factor() {
            secret
                .as_ref()
                .and_then(|s| totp::matching_step(s, code, now.timestamp()))
        } else {
            Some(0)
        };
        let accepted = password_ok
            && match step {
                Some(s) if role.needs_second_factor() => {
                    users::use_totp_step(&mut tx, uid, s).await?
                }
                Some(_) => true,
                None => false,
            };
        if !accepted {
            self.totp_failed(tx, t, &actor, "step_up_failure", &hash, now)
                .await?;
            return Err(ServiceError::invalid(
                "code",
                "step_up_rejected",
                "密码或动态验证码不正确",
            ));
        }
        throttle::clear(&mut tx, &t.subject).await?;
        sessions::set_authenticated_at(&mut tx, &hash, now).await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &actor,
            Event::new("step_up", "user", uid),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    fn validate_change(
        &self,
        kind: ChangeKind,
        input: &ProposeChange,
        target: Option<&UserRow>,
    ) -> Result<Validated> {
        let phone = match kind {
            ChangeKind::Create | ChangeKind::ResetCredentials => {
                let raw = input
                    .contact_phone
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .ok_or_else(|| {
                        ServiceError::invalid(
                            "contact_phone",
                            "contact_phone_required",
                            "请填写账户本人的手机号码：开通码只发送给本人",
                        )
                    })?;
                Some(Phone::parse(raw).map_err(|e| ServiceError::field("contact_phone", e))?)
            }
            _ => None,
        };
        let role = match kind {
            ChangeKind::Create => Some(Role::parse(input.role.trim()).ok_or_else(|| {
                ServiceError::invalid(
                    "role",
                    "role_unknown",
                    "角色须为 worker、employer、staff、sysadmin、secadmin、auditadmin 之一",
                )
            })?),
            _ => target.and_then(|t| Role::parse(&t.role)),
        };
        let display_name = input.display_name.trim().to_owned();
        if kind == ChangeKind::Create
            && (display_name.is_empty()
                || display_name.chars().count() > 50
                || display_name.chars().any(char::is_control))
        {
            return Err(ServiceError::invalid(
                "display_name",
                "display_name_format",
                "姓名或名称不能为空，最多50个字符",
            ));
        }
        let (scope, permissions) = match kind {
            ChangeKind::Create | ChangeKind::SetAccess => {
                let staff = role == Some(Role::Staff);
                let given = input
                    .scope_code
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty());
                let scope = match (staff, given) {
                    (true, Some(code)) => Some(
                        RegionCode::parse(code)
                            .map_err(|e| ServiceError::field("scope_code", e))?
                            .as_str(),
                    ),
                    (true, None) if kind == ChangeKind::SetAccess => {
                        target.and_then(|t| t.scope_code.clone())
                    }
                    (true, None) => {
                        return Err(ServiceError::invalid(
                            "scope_code",
                            "scope_required",
                            "经办人员必须指定管辖区域（省、市或县区代码）",
                        ));
                    }
                    (false, Some(_)) => {
                        return Err(ServiceError::invalid(
                            "scope_code",
                            "scope_not_allowed",
                            "只有经办人员可以设置管辖区域",
                        ));
                    }
                    (false, None) => None,
                };
                let mut perms = BTreeSet::new();
                for p in &input.permissions {
                    perms.insert(Permission::parse(p.trim()).ok_or_else(|| {
                        ServiceError::invalid(
                            "permissions",
                            "permission_unknown",
                            format!("未知权限：{p}"),
                        )
                    })?);
                }
                if !staff && !perms.is_empty() {
                    return Err(ServiceError::invalid(
                        "permissions",
                        "permission_not_allowed",
                        "只有经办人员可以授予权限",
                    ));
                }
                (scope, format_permissions(&perms))
            }
            _ => (None, String::new()),
        };
        Ok(Validated {
            role,
            scope,
            permissions,
            display_name,
            phone,
        })
    }

    /// Proposes an account change (system or security administrator, fresh step-up).
    pub async fn propose_account_change(
        &self,
        by: &Actor,
        input: ProposeChange,
    ) -> Result<ChangeView> {
        by.require_role(&[Role::SysAdmin, Role::SecAdmin])?;
        self.require_step_up(by)?;
        let kind = ChangeKind::parse(input.kind.trim()).ok_or_else(|| {
            ServiceError::invalid(
                "kind",
                "change_kind_unknown",
                "变更类型须为 create、disable、enable、set_access、reset_credentials 之一",
            )
        })?;
        let username = input.username.trim().to_owned();
        if username == by.username {
            return Err(ServiceError::invalid(
                "username",
                "self_change",
                "不能对自己的账户提出变更，请由另一位管理员提出",
            ));
        }
        let reason = input.reason.trim().to_owned();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(ServiceError::invalid(
                "reason",
                "reason_required",
                "请写明变更理由（最多200字），批准人会看到",
            ));
        }
        let target = users::by_username(&self.db, &username).await?;
        match (kind, &target) {
            (ChangeKind::Create, Some(_)) => {
                return Err(ServiceError::invalid(
                    "username",
                    "username_taken",
                    "该用户名已被使用",
                ));
            }
            (ChangeKind::Create, None) => validate_username(&username)?,
            (_, None) => return Err(ServiceError::NotFound),
            _ => {}
        }
        if kind == ChangeKind::SetAccess
            && target.as_ref().map(|t| t.role.as_str()) != Some("staff")
        {
            return Err(ServiceError::invalid(
                "username",
                "not_staff",
                "只有经办人员有管辖区域和权限可调整",
            ));
        }
        let v = self.validate_change(kind, &input, target.as_ref())?;
        let now = self.clock.now();
        let id = Uuid::new_v4();
        let row = ChangeRow {
            id,
            kind: kind.as_str().into(),
            target_username: username.clone(),
            target_user_id: target.as_ref().map(|t| t.id),
            display_name: if kind == ChangeKind::Create {
                v.display_name.clone()
            } else {
                target
                    .as_ref()
                    .map(|t| t.display_name.clone())
                    .unwrap_or_default()
            },
            role: v.role.map(|r| r.as_str().to_owned()).unwrap_or_default(),
            scope_code: v.scope.clone(),
            permissions: v.permissions.clone(),
            contact_phone: v.phone.as_ref().map(|p| {
                self.keys.seal(
                    &protect::context("account_changes.contact_phone", &id),
                    p.as_str().as_bytes(),
                )
            }),
            reason: reason.clone(),
            status: "pending".into(),
            proposed_by: by.user_id,
            proposed_by_role: by.role.as_str().into(),
            proposed_at: now,
            decided_by: None,
            decided_at: None,
            decision_note: String::new(),
        };
        let mut tx = self.db.begin().await?;
        repo::insert(&mut tx, &row).await.map_err(|e| match e {
            linghuo_storage::StorageError::Conflict { .. } => ServiceError::Conflict {
                code: "change_pending",
                message: "该账户已有一项待批准的变更，请先处理它".into(),
            },
            other => other.into(),
        })?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(by),
            Event::new("account_change_proposed", "account_change", id)
                .region(row.scope_code.clone().unwrap_or_default())
                .detail(json!({
                    "kind": row.kind, "username": username, "role": row.role,
                    "scope_code": row.scope_code, "permissions": row.permissions, "reason": reason,
                })),
        )
        .await?;
        tx.commit().await?;
        self.change_view(by, &row).await
    }

    /// Proposals, pending first (system and security administrators).
    pub async fn account_changes(&self, by: &Actor) -> Result<Vec<ChangeView>> {
        by.require_role(&[Role::SysAdmin, Role::SecAdmin])?;
        self.expire_account_changes().await?;
        let mut out = Vec::new();
        for r in repo::list(&self.db, 200).await? {
            out.push(self.change_view(by, &r).await?);
        }
        Ok(out)
    }

    async fn change_view(&self, by: &Actor, r: &ChangeRow) -> Result<ChangeView> {
        let role = Role::parse(&r.role);
        let kind = ChangeKind::parse(&r.kind).unwrap_or(ChangeKind::Disable);
        let pending = r.status == "pending";
        let proposer_role = Role::parse(&r.proposed_by_role);
        Ok(ChangeView {
            id: r.id,
            kind,
            kind_label: kind.label(),
            username: r.target_username.clone(),
            display_name: r.display_name.clone(),
            role,
            role_label: role.map(Role::label).unwrap_or(""),
            scope_code: r.scope_code.clone(),
            scope_name: r
                .scope_code
                .as_deref()
                .and_then(|c| RegionCode::parse(c).ok())
                .map(|c| c.full_name()),
            permissions: parse_permissions(&r.permissions)
                .iter()
                .map(|p| p.as_str())
                .collect(),
            reason: r.reason.clone(),
            status: r.status.clone(),
            status_label: status_label(&r.status),
            proposed_by: self.admin_name(r.proposed_by).await?,
            proposed_by_role: proposer_role.map(Role::label).unwrap_or("").into(),
            proposed_at: r.proposed_at,
            decided_by: match r.decided_by {
                Some(id) => Some(self.admin_name(id).await?),
                None => None,
            },
            decided_at: r.decided_at,
            decision_note: r.decision_note.clone(),
            may_decide: pending
                && r.proposed_by != by.user_id
                && r.target_username != by.username
                && proposer_role.and_then(complement) == Some(by.role),
            may_withdraw: pending && r.proposed_by == by.user_id,
            delivered_to: None,
        })
    }

    /// Marks proposals older than the configured wait as expired.
    pub async fn expire_account_changes(&self) -> Result<usize> {
        let now = self.clock.now();
        let before = now - Duration::hours(self.config.accounts.change_valid_hours);
        let mut tx = self.db.begin().await?;
        let ids = repo::expire(&mut tx, before, now).await?;
        for id in &ids {
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &AuditActor::system(),
                Event::new("account_change_expired", "account_change", *id),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(ids.len())
    }

    /// Approves or rejects a proposal: only an administrator of the complementary role, who
    /// neither proposed it nor is its subject, with a fresh step-up. Approval applies it in
    /// the same transaction; a change is decided exactly once.
    pub async fn decide_account_change(
        &self,
        by: &Actor,
        id: Uuid,
        approve: bool,
        note: &str,
    ) -> Result<ChangeView> {
        by.require_role(&[Role::SysAdmin, Role::SecAdmin])?;
        self.require_step_up(by)?;
        self.expire_account_changes().await?;
        let note = note.trim();
        if note.chars().count() > 200 {
            return Err(ServiceError::invalid(
                "note",
                "note_too_long",
                "意见最多200字",
            ));
        }
        if !approve && note.is_empty() {
            return Err(ServiceError::invalid(
                "note",
                "note_required",
                "驳回时请写明理由",
            ));
        }
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let row = repo::get_tx(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if row.status != "pending" {
            return Err(ServiceError::Conflict {
                code: "change_decided",
                message: format!("该变更已处理（{}）", status_label(&row.status)),
            });
        }
        let proposer_role = Role::parse(&row.proposed_by_role);
        if row.proposed_by == by.user_id {
            return Err(ServiceError::Forbidden {
                code: "own_proposal",
                message: "不能批准或驳回自己提出的变更，须由另一位管理员处理".into(),
            });
        }
        if row.target_username == by.username {
            return Err(ServiceError::Forbidden {
                code: "self_change",
                message: "不能处理涉及自己账户的变更".into(),
            });
        }
        if proposer_role.and_then(complement) != Some(by.role) {
            return Err(ServiceError::Forbidden {
                code: "same_role_approval",
                message:
                    "系统管理员提出的变更须由安全管理员批准，安全管理员提出的须由系统管理员批准"
                        .into(),
            });
        }
        let actor = AuditActor::from(by);
        let mut delivered_to = None;
        if approve {
            delivered_to = self.apply_change(&mut tx, by, &row, now).await?;
        }
        let status = if approve { "applied" } else { "rejected" };
        if !repo::decide(&mut tx, id, status, Some(by.user_id), now, note).await? {
            return Err(ServiceError::Conflict {
                code: "change_decided",
                message: "该变更已被他人处理，请刷新".into(),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &actor,
            Event::new(
                if approve {
                    "account_change_approved"
                } else {
                    "account_change_rejected"
                },
                "account_change",
                id,
            )
            .region(row.scope_code.clone().unwrap_or_default())
            .detail(json!({"kind": row.kind, "username": row.target_username, "note": note})),
        )
        .await?;
        tx.commit().await?;
        let decided = ChangeRow {
            status: status.into(),
            decided_by: Some(by.user_id),
            decided_at: Some(now),
            decision_note: note.into(),
            contact_phone: None,
            ..row
        };
        let mut view = self.change_view(by, &decided).await?;
        view.delivered_to = delivered_to;
        Ok(view)
    }

    /// The proposer takes back a pending proposal.
    pub async fn withdraw_account_change(&self, by: &Actor, id: Uuid) -> Result<ChangeView> {
        by.require_role(&[Role::SysAdmin, Role::SecAdmin])?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let row = repo::get_tx(&mut tx, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if row.proposed_by != by.user_id {
            return Err(ServiceError::Forbidden {
                code: "not_proposer",
                message: "只有提出人可以撤回".into(),
            });
        }
        if !repo::decide(&mut tx, id, "withdrawn", Some(by.user_id), now, "").await? {
            return Err(ServiceError::Conflict {
                code: "change_decided",
                message: format!("该变更已处理（{}）", status_label(&row.status)),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(by),
            Event::new("account_change_withdrawn", "account_change", id),
        )
        .await?;
        tx.commit().await?;
        let row = ChangeRow {
            status: "withdrawn".into(),
            decided_by: Some(by.user_id),
            decided_at: Some(now),
            contact_phone: None,
            ..row
        };
        self.change_view(by, &row).await
    }

    /// Applies an approved change inside the deciding transaction. Returns the masked phone
    /// the enrolment code went to, for create and reset.
    async fn apply_change(
        &self,
        tx: &mut linghuo_storage::Tx,
        by: &Actor,
        row: &ChangeRow,
        now: DateTime<Utc>,
    ) -> Result<Option<String>> {
        let actor = AuditActor::from(by);
        let kind = ChangeKind::parse(&row.kind)
            .ok_or_else(|| ServiceError::Internal("unknown change kind".into()))?;
        let phone = row
            .contact_phone
            .as_deref()
            .map(|s| {
                self.keys
                    .open(
                        &protect::context("account_changes.contact_phone", &row.id),
                        s,
                    )
                    .map(|p| String::from_utf8_lossy(&p).into_owned())
                    .map_err(|_| ServiceError::Internal("contact phone unreadable".into()))
            })
            .transpose()?;
        let target = match row.target_user_id {
            Some(uid) => Some(
                users::by_id_tx(tx, uid)
                    .await?
                    .ok_or(ServiceError::NotFound)?,
            ),
            None => None,
        };
        match (kind, target) {
            (ChangeKind::Create, _) => {
                let uid = Uuid::new_v4();
                let user = UserRow {
                    id: uid,
                    username: row.target_username.clone(),
                    display_name: row.display_name.clone(),
                    role: row.role.clone(),
                    scope_code: row.scope_code.clone(),
                    permissions: row.permissions.clone(),
                    person_id: None,
                    password_hash: unusable_password_hash(),
                    must_change_password: false,
                    password_changed_at: now,
                    totp_secret: None,
                    totp_enabled: false,
                    totp_last_step: 0,
                    disabled: false,
                    last_login_at: None,
                    created_at: now,
                    updated_at: now,
                };
                users::insert(tx, &user).await.map_err(|e| match e {
                    linghuo_storage::StorageError::Conflict { .. } => {
                        ServiceError::invalid("username", "username_taken", "该用户名已被使用")
                    }
                    other => other.into(),
                })?;
                audit::record(
                    tx,
                    &self.keys,
                    now,
                    &actor,
                    Event::new("user_created", "user", uid)
                        .region(row.scope_code.clone().unwrap_or_default())
                        .detail(json!({"role": row.role, "username": row.target_username, "change": row.id})),
                )
                .await?;
                let phone =
                    phone.ok_or_else(|| ServiceError::Internal("no contact phone".into()))?;
                self.issue_enrolment(tx, &user, row.id, &phone, now)
                    .await
                    .map(Some)
            }
            (ChangeKind::Disable | ChangeKind::Enable, Some(t)) => {
                let disabled = kind == ChangeKind::Disable;
                users::set_disabled(tx, t.id, disabled, now).await?;
                if disabled {
                    sessions::delete_for_user(tx, t.id).await?;
                }
                audit::record(
                    tx,
                    &self.keys,
                    now,
                    &actor,
                    Event::new(
                        if disabled {
                            "user_disabled"
                        } else {
                            "user_enabled"
                        },
                        "user",
                        t.id,
                    )
                    .detail(json!({"change": row.id})),
                )
                .await?;
                Ok(None)
            }
            (ChangeKind::SetAccess, Some(t)) => {
                users::set_access(
                    tx,
                    t.id,
                    &t.role,
                    row.scope_code.as_deref(),
                    &row.permissions,
                    now,
                )
                .await?;
                audit::record(
                    tx,
                    &self.keys,
                    now,
                    &actor,
                    Event::new("user_access_changed", "user", t.id)
                        .region(row.scope_code.clone().unwrap_or_default())
                        .detail(json!({
                            "scope_code": row.scope_code, "permissions": row.permissions,
                            "previous_scope_code": t.scope_code, "previous_permissions": t.permissions,
                            "change": row.id,
                        })),
                )
                .await?;
                Ok(None)
            }
            (ChangeKind::ResetCredentials, Some(t)) => {
                users::set_password(tx, t.id, &unusable_password_hash(), false, now).await?;
                users::set_totp(tx, t.id, None, false, now).await?;
                sessions::delete_for_user(tx, t.id).await?;
                audit::record(
                    tx,
                    &self.keys,
                    now,
                    &actor,
                    Event::new("user_credentials_reset", "user", t.id)
                        .detail(json!({"change": row.id})),
                )
                .await?;
                let phone =
                    phone.ok_or_else(|| ServiceError::Internal("no contact phone".into()))?;
                self.issue_enrolment(tx, &t, row.id, &phone, now)
                    .await
                    .map(Some)
            }
            (_, None) => Err(ServiceError::NotFound),
        }
    }

    fn enrolment_hash(&self, user_id: Uuid, code: &str) -> Vec<u8> {
        self.keys
            .blind_index("enrolment", &format!("{user_id}:{}", normalise_code(code)))
    }

    /// Creates the account's enrolment code and spools it for the owner's phone. The code is
    /// stored only as a keyed hash.
    async fn issue_enrolment(
        &self,
        tx: &mut linghuo_storage::Tx,
        user: &UserRow,
        message_id: Uuid,
        phone: &str,
        now: DateTime<Utc>,
    ) -> Result<String> {
        let code = enrolment_code();
        let hours = self.config.accounts.enrolment_valid_hours;
        repo::put_enrolment(
            tx,
            &EnrolmentRow {
                user_id: user.id,
                code_hash: self.enrolment_hash(user.id, &code),
                expires_at: now + Duration::hours(hours),
                failures: 0,
                pending_totp: None,
                created_at: now,
            },
        )
        .await?;
        let pretty = format!("{}-{}-{}", &code[0..4], &code[4..8], &code[8..12]);
        let text = format!(
            "【灵活就业服务平台】{}，您的账户 {} 已开通或已重置。请在{}小时内打开平台“账户开通”页面，输入用户名和开通码 {} 设置密码。开通码只发给您本人，请勿转告他人。",
            user.display_name, user.username, hours, pretty
        );
        spool(
            &self.config.enrolment_outbox(),
            message_id,
            &json!({"channel": "sms", "to": phone, "username": user.username, "text": text, "created_at": now}),
        )
        .map_err(|e| ServiceError::Internal(format!("enrolment outbox: {e}")))?;
        Ok(linghuo_domain::mask_phone_str(phone))
    }

    async fn enrolment_for(
        &self,
        tx: &mut linghuo_storage::Tx,
        username: &str,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<(UserRow, EnrolmentRow)> {
        let wrong = || {
            ServiceError::invalid(
                "code",
                "enrolment_code_wrong",
                "用户名或开通码不正确，或开通码已过期。请联系管理员重新办理",
            )
        };
        let now = self.clock.now();
        let user = users::by_username(&self.db, username.trim())
            .await?
            .filter(|u| !u.disabled)
            .ok_or_else(wrong)?;
        let e = repo::enrolment(tx, user.id).await?.ok_or_else(wrong)?;
        if e.expires_at <= now {
            return Err(wrong());
        }
        let given = self.enrolment_hash(user.id, code);
        if !bool::from(given.ct_eq(&e.code_hash)) {
            let failures = e.failures + 1;
            let actor = AuditActor::anonymous(meta);
            audit::record(
                tx,
                &self.keys,
                now,
                &actor,
                Event::new("enrolment_failure", "user", user.id).outcome(Outcome::Failure),
            )
            .await?;
            if failures >= 5 {
                repo::delete_enrolment(tx, user.id).await?;
                audit::record(
                    tx,
                    &self.keys,
                    now,
                    &actor,
                    Event::new("enrolment_revoked", "user", user.id).outcome(Outcome::Denied),
                )
                .await?;
            } else {
                repo::update_enrolment(tx, user.id, failures, e.pending_totp.as_deref()).await?;
            }
            return Err(wrong());
        }
        Ok((user, e))
    }

    /// Enrolment, step one: the owner proves the code and gets their own authenticator secret.
    pub async fn enrolment_start(
        &self,
        username: &str,
        code: &str,
        meta: &RequestMeta,
    ) -> Result<EnrolmentStart> {
        let mut tx = self.db.begin().await?;
        let checked = self.enrolment_for(&mut tx, username, code, meta).await;
        let (user, e) = match checked {
            Ok(v) => v,
            Err(err) => {
                tx.commit().await?;
                return Err(err);
            }
        };
        let role = Role::parse(&user.role).unwrap_or(Role::Worker);
        // Asking again (a typo in step two, a reload) shows the same secret, so the entry the
        // owner already added to the authenticator keeps working.
        let context = protect::context("enrolments.pending_totp", &user.id);
        let earlier = e
            .pending_totp
            .as_deref()
            .and_then(|s| self.keys.open(&context, s).ok())
            .map(|s| s.to_vec());
        let secret = role
            .needs_second_factor()
            .then(|| earlier.unwrap_or_else(totp::new_secret));
        let sealed = secret.as_ref().map(|s| {
            self.keys
                .seal(&protect::context("enrolments.pending_totp", &user.id), s)
        });
        repo::update_enrolment(&mut tx, user.id, e.failures, sealed.as_deref()).await?;
        tx.commit().await?;
        Ok(EnrolmentStart {
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role_label: role.label(),
            totp_secret: secret.as_ref().map(|s| totp::base32(s)),
            otpauth_uri: secret
                .as_ref()
                .map(|s| totp::otpauth_uri(s, &user.username)),
        })
    }

    /// Enrolment, step two: the owner sets a password and confirms the authenticator with a
    /// code. The enrolment code is then spent.
    pub async fn enrolment_finish(
        &self,
        username: &str,
        code: &str,
        new_password: &str,
        totp_code: &str,
        meta: &RequestMeta,
    ) -> Result<()> {
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let (user, e) = match self.enrolment_for(&mut tx, username, code, meta).await {
            Ok(v) => v,
            Err(err) => {
                tx.commit().await?;
                return Err(err);
            }
        };
        password::check_policy(
            new_password,
            &user.username,
            self.config.security.password_min_length,
            "password",
        )?;
        let role = Role::parse(&user.role).unwrap_or(Role::Worker);
        let mut step = None;
        if role.needs_second_factor() {
            let secret = e
                .pending_totp
                .as_deref()
                .and_then(|s| {
                    self.keys
                        .open(&protect::context("enrolments.pending_totp", &user.id), s)
                        .ok()
                })
                .ok_or_else(|| {
                    ServiceError::invalid(
                        "totp_code",
                        "enrolment_not_started",
                        "请先完成第一步，在验证器应用中添加密钥",
                    )
                })?;
            step = Some(
                totp::matching_step(&secret, totp_code, now.timestamp()).ok_or_else(|| {
                    ServiceError::invalid(
                        "totp_code",
                        "totp_wrong",
                        "动态验证码不正确，请核对手机时间后重试",
                    )
                })?,
            );
            let sealed = self
                .keys
                .seal(&protect::context("users.totp_secret", &user.id), &secret);
            users::set_totp(&mut tx, user.id, Some(&sealed), true, now).await?;
        }
        users::set_password(&mut tx, user.id, &password::hash(new_password), false, now).await?;
        if let Some(s) = step {
            users::use_totp_step(&mut tx, user.id, s).await?;
        }
        repo::delete_enrolment(&mut tx, user.id).await?;
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
            Event::new("user_enrolled", "user", user.id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn admin_name(&self, id: Uuid) -> Result<String> {
        Ok(users::by_id(&self.db, id)
            .await?
            .map(|u| format!("{}（{}）", u.display_name, u.username))
            .unwrap_or_default())
    }
}
