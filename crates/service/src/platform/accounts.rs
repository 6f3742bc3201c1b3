//! Account administration, split the way 等保 level 3 asks (B6): the system administrator
//! creates and disables accounts, the security administrator grants permissions and resets
//! second factors, the audit administrator only reads the audit log.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use linghuo_domain::RegionCode;
use linghuo_storage::sessions;
use linghuo_storage::users::{self, UserRow};
use rand::Rng;
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::access::{Actor, Permission, Role, format_permissions, parse_permissions};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::{Service, password, protect, totp};

/// Names that look like shared or default accounts are refused (A10).
const RESERVED_NAMES: &[&str] = &[
    "admin",
    "root",
    "administrator",
    "test",
    "guest",
    "user",
    "system",
    "sa",
    "demo",
    "operator",
];

#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub scope_code: Option<String>,
    pub permissions: Vec<String>,
    pub person_id: Option<Uuid>,
}

#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub role_label: &'static str,
    pub scope_code: Option<String>,
    pub scope_name: Option<String>,
    pub permissions: Vec<&'static str>,
    pub disabled: bool,
    pub second_factor: bool,
    pub must_change_password: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl UserView {
    pub fn from_row(u: &UserRow) -> UserView {
        let role = Role::parse(&u.role).unwrap_or(Role::Worker);
        UserView {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role,
            role_label: role.label(),
            scope_code: u.scope_code.clone(),
            scope_name: u
                .scope_code
                .as_deref()
                .and_then(|c| RegionCode::parse(c).ok())
                .map(|r| r.full_name()),
            permissions: parse_permissions(&u.permissions)
                .iter()
                .map(|p| p.as_str())
                .collect(),
            disabled: u.disabled,
            second_factor: u.totp_enabled,
            must_change_password: u.must_change_password,
            last_login_at: u.last_login_at,
            created_at: u.created_at,
        }
    }
}

/// A new account with its one-time secrets, shown once and never stored in clear.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedUser {
    pub user: UserView,
    pub one_time_password: String,
    pub totp_secret: Option<String>,
    pub otpauth_uri: Option<String>,
}

fn one_time_password() -> String {
    // No look-alike characters (0/O, 1/l/I): it is read off a screen and typed.
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// A Chinese character of the basic and extension-A blocks (the ones every phone types).
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// A user name: lower-case Latin letters, digits, “-”, “_”, “.” and Chinese characters,
/// starting with a letter or a Chinese character (so it never looks like a phone number,
/// which also signs in); 3 to 32 characters, or 2 to 16 when it holds Chinese characters.
pub fn validate_username(name: &str) -> Result<()> {
    let ok_chars = name.chars().all(|c| {
        c.is_ascii_lowercase()
            || c.is_ascii_digit()
            || c == '-'
            || c == '_'
            || c == '.'
            || is_cjk(c)
    });
    let n = name.chars().count();
    let length_ok = if name.chars().any(is_cjk) {
        (2..=16).contains(&n)
    } else {
        (3..=32).contains(&n)
    };
    if !length_ok || !ok_chars || !name.starts_with(|c: char| c.is_ascii_lowercase() || is_cjk(c)) {
        return Err(ServiceError::invalid(
            "username",
            "username_format",
            "用户名可用汉字、小写字母、数字和“-”“_”“.”，以汉字或字母开头；3至32位，含汉字时2至16个字",
        ));
    }
    if RESERVED_NAMES.contains(&name) {
        return Err(ServiceError::invalid(
            "username",
            "username_reserved",
            "不能使用 admin、root 等通用账户名，请使用实名可追溯的账户名",
        ));
    }
    Ok(())
}

/// Signed-in administrators change accounts only through a proposal a second administrator
/// approves.
fn two_person_required() -> ServiceError {
    ServiceError::Forbidden {
        code: "two_person_required",
        message: "账户变更须由一位管理员提出、另一角色的管理员批准，请在“账户变更”中提出".into(),
    }
}

impl Service {
    /// Creates an account directly, with its one-time password and second-factor secret. Only
    /// the operator at the server console (`by` None: the first administrators, the demo, the
    /// tests) may do this; an administrator signed in proposes the account instead and a
    /// second administrator approves it (`account_changes`).
    pub async fn create_user(&self, by: Option<&Actor>, input: NewUser) -> Result<CreatedUser> {
        if by.is_some() {
            return Err(two_person_required());
        }
        let username = input.username.trim().to_owned();
        validate_username(&username)?;
        let display_name = input.display_name.trim().to_owned();
        if display_name.is_empty()
            || display_name.chars().count() > 50
            || display_name.chars().any(char::is_control)
        {
            return Err(ServiceError::invalid(
                "display_name",
                "display_name_format",
                "姓名或名称不能为空，最多50个字符",
            ));
        }
        let role = Role::parse(&input.role).ok_or_else(|| {
            ServiceError::invalid(
                "role",
                "role_unknown",
                "角色须为 worker、employer、staff、sysadmin、secadmin、auditadmin 之一",
            )
        })?;
        let scope = match (
            role,
            input
                .scope_code
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty()),
        ) {
            (Role::Staff, Some(code)) => {
                Some(RegionCode::parse(code).map_err(|e| ServiceError::field("scope_code", e))?)
            }
            (Role::Staff, None) => {
                return Err(ServiceError::invalid(
                    "scope_code",
                    "scope_required",
                    "经办人员必须指定管辖区域（省、市或县区代码）",
                ));
            }
            (_, Some(_)) => {
                return Err(ServiceError::invalid(
                    "scope_code",
                    "scope_not_allowed",
                    "只有经办人员可以设置管辖区域",
                ));
            }
            (_, None) => None,
        };
        let mut perms = BTreeSet::new();
        for p in &input.permissions {
            let perm = Permission::parse(p).ok_or_else(|| {
                ServiceError::invalid(
                    "permissions",
                    "permission_unknown",
                    format!("未知权限：{p}"),
                )
            })?;
            if role != Role::Staff {
                return Err(ServiceError::invalid(
                    "permissions",
                    "permission_not_allowed",
                    "只有经办人员可以授予查看完整个人信息的权限",
                ));
            }
            perms.insert(perm);
        }
        let now = self.clock.now();
        let id = Uuid::new_v4();
        let otp = one_time_password();
        let secret = role.needs_second_factor().then(totp::new_secret);
        let row = UserRow {
            id,
            username: username.clone(),
            display_name,
            role: role.as_str().into(),
            scope_code: scope.map(|s| s.as_str()),
            permissions: format_permissions(&perms),
            person_id: input.person_id,
            password_hash: password::hash(&otp),
            must_change_password: true,
            password_changed_at: now,
            totp_secret: secret.as_ref().map(|s| {
                self.keys
                    .seal(&protect::context("users.totp_secret", &id), s)
            }),
            totp_enabled: secret.is_some(),
            totp_last_step: 0,
            disabled: false,
            last_login_at: None,
            created_at: now,
            updated_at: now,
        };
        let mut tx = self.db.begin().await?;
        users::insert(&mut tx, &row).await.map_err(|e| match e {
            linghuo_storage::StorageError::Conflict { .. } => {
                ServiceError::invalid("username", "username_taken", "该用户名已被使用")
            }
            other => other.into(),
        })?;
        let actor = by.map(AuditActor::from).unwrap_or_else(AuditActor::system);
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &actor,
            Event::new("user_created", "user", id)
                .region(row.scope_code.clone().unwrap_or_default())
                .detail(json!({"role": row.role, "username": username, "via": "console"})),
        )
        .await?;
        tx.commit().await?;
        Ok(CreatedUser {
            user: UserView::from_row(&row),
            one_time_password: otp,
            totp_secret: secret.as_ref().map(|s| totp::base32(s)),
            otpauth_uri: secret.as_ref().map(|s| totp::otpauth_uri(s, &username)),
        })
    }

    /// On a fresh installation with no system administrator, creates one with a one-time
    /// password and second-factor secret to print once.
    pub async fn bootstrap_admin(&self) -> Result<Option<CreatedUser>> {
        if users::count_by_role(&self.db, "sysadmin").await? > 0 {
            return Ok(None);
        }
        let suffix: u16 = rand::rngs::OsRng.r#gen();
        let created = self
            .create_user(
                None,
                NewUser {
                    username: format!("sysadmin-{suffix:04x}"),
                    display_name: "系统管理员".into(),
                    role: "sysadmin".into(),
                    scope_code: None,
                    permissions: vec![],
                    person_id: None,
                },
            )
            .await?;
        Ok(Some(created))
    }

    /// How many accounts hold a role (the console creates only the first administrators).
    pub async fn count_users_with_role(&self, role: &str) -> Result<i64> {
        Ok(users::count_by_role(&self.db, role).await?)
    }

    pub async fn list_users(&self, by: Option<&Actor>) -> Result<Vec<UserView>> {
        if let Some(a) = by {
            a.require_role(&[Role::SysAdmin, Role::SecAdmin])?;
        }
        Ok(users::list(&self.db)
            .await?
            .iter()
            .map(UserView::from_row)
            .collect())
    }

    pub async fn user_by_username(&self, username: &str) -> Result<Option<UserView>> {
        Ok(users::by_username(&self.db, username)
            .await?
            .as_ref()
            .map(UserView::from_row))
    }

    /// Disables or re-enables an account at the server console; disabling ends its sessions at
    /// once (A10, B8). Signed-in administrators propose the change instead.
    pub async fn set_user_disabled(
        &self,
        by: Option<&Actor>,
        username: &str,
        disabled: bool,
    ) -> Result<UserView> {
        if by.is_some() {
            return Err(two_person_required());
        }
        let user = users::by_username(&self.db, username)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        users::set_disabled(&mut tx, user.id, disabled, now).await?;
        if disabled {
            sessions::delete_for_user(&mut tx, user.id).await?;
        }
        let actor = by.map(AuditActor::from).unwrap_or_else(AuditActor::system);
        audit::record(
            &mut tx,
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
                user.id,
            ),
        )
        .await?;
        tx.commit().await?;
        let updated = users::by_id(&self.db, user.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(UserView::from_row(&updated))
    }

    /// Issues a new second-factor secret and a new one-time password at the server console
    /// (break-glass for an administrator who lost their phone). Signed-in administrators
    /// propose `reset_credentials` instead.
    pub async fn reset_credentials(
        &self,
        by: Option<&Actor>,
        username: &str,
    ) -> Result<CreatedUser> {
        if by.is_some() {
            return Err(two_person_required());
        }
        let user = users::by_username(&self.db, username)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let role = Role::parse(&user.role).unwrap_or(Role::Worker);
        let now = self.clock.now();
        let otp = one_time_password();
        let secret = role.needs_second_factor().then(totp::new_secret);
        let mut tx = self.db.begin().await?;
        users::set_password(&mut tx, user.id, &password::hash(&otp), true, now).await?;
        let sealed = secret.as_ref().map(|s| {
            self.keys
                .seal(&protect::context("users.totp_secret", &user.id), s)
        });
        users::set_totp(&mut tx, user.id, sealed.as_deref(), secret.is_some(), now).await?;
        sessions::delete_for_user(&mut tx, user.id).await?;
        let actor = by.map(AuditActor::from).unwrap_or_else(AuditActor::system);
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &actor,
            Event::new("user_credentials_reset", "user", user.id).detail(json!({"via": "console"})),
        )
        .await?;
        tx.commit().await?;
        let updated = users::by_id(&self.db, user.id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(CreatedUser {
            user: UserView::from_row(&updated),
            one_time_password: otp,
            totp_secret: secret.as_ref().map(|s| totp::base32(s)),
            otpauth_uri: secret.as_ref().map(|s| totp::otpauth_uri(s, username)),
        })
    }

    /// Housekeeping (A10): disables accounts unused for the configured number of days.
    pub async fn disable_idle_accounts(&self) -> Result<Vec<String>> {
        let now = self.clock.now();
        let limit = Duration::days(self.config.security.disable_idle_accounts_days);
        let mut disabled = Vec::new();
        for u in users::list(&self.db).await? {
            let last = u.last_login_at.unwrap_or(u.created_at);
            if !u.disabled && now - last > limit {
                let mut tx = self.db.begin().await?;
                users::set_disabled(&mut tx, u.id, true, now).await?;
                sessions::delete_for_user(&mut tx, u.id).await?;
                audit::record(
                    &mut tx,
                    &self.keys,
                    now,
                    &AuditActor::system(),
                    Event::new("user_disabled_idle", "user", u.id),
                )
                .await?;
                tx.commit().await?;
                disabled.push(u.username);
            }
        }
        Ok(disabled)
    }
}
