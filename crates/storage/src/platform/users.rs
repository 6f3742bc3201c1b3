//! Accounts: workers, employers, staff scoped to a region, and the three administrators.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub scope_code: Option<String>,
    pub permissions: String,
    pub person_id: Option<Uuid>,
    pub password_hash: String,
    pub must_change_password: bool,
    pub password_changed_at: DateTime<Utc>,
    pub totp_secret: Option<Vec<u8>>,
    pub totp_enabled: bool,
    pub totp_last_step: i64,
    pub disabled: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const COLUMNS: &str = "id, username, display_name, role, scope_code, permissions, person_id, password_hash, \
     must_change_password, password_changed_at, totp_secret, totp_enabled, totp_last_step, disabled, \
     last_login_at, created_at, updated_at";

macro_rules! select_users {
    ($tail:literal) => {
        concat!(
            "SELECT id, username, display_name, role, scope_code, permissions, person_id, password_hash, \
             must_change_password, password_changed_at, totp_secret, totp_enabled, totp_last_step, disabled, \
             last_login_at, created_at, updated_at FROM users ",
            $tail
        )
    };
}

/// The column list, exposed for tests that check the schema.
pub fn columns() -> &'static str {
    COLUMNS
}

pub async fn insert(tx: &mut Tx, u: &UserRow) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO users (id, username, display_name, role, scope_code, permissions, person_id, password_hash, \
         must_change_password, password_changed_at, totp_secret, totp_enabled, totp_last_step, disabled, \
         last_login_at, created_at, updated_at) \
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)"
    )
    .bind(u.id)
    .bind(&u.username)
    .bind(&u.display_name)
    .bind(&u.role)
    .bind(&u.scope_code)
    .bind(&u.permissions)
    .bind(u.person_id)
    .bind(&u.password_hash)
    .bind(u.must_change_password)
    .bind(u.password_changed_at)
    .bind(&u.totp_secret)
    .bind(u.totp_enabled)
    .bind(u.totp_last_step)
    .bind(u.disabled)
    .bind(u.last_login_at)
    .bind(u.created_at)
    .bind(u.updated_at)
    .execute(c)
    .await.map(|_| ())
    })?;
    Ok(())
}

pub async fn by_id(db: &Db, id: Uuid) -> Result<Option<UserRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, UserRow>(
        select_users!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(p)
    .await)?)
}

pub async fn by_id_tx(tx: &mut Tx, id: Uuid) -> Result<Option<UserRow>> {
    Ok(on_tx!(tx, |c| sqlx::query_as::<_, UserRow>(
        select_users!("WHERE id = $1")
    )
    .bind(id)
    .fetch_optional(c)
    .await)?)
}

pub async fn by_username(db: &Db, username: &str) -> Result<Option<UserRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, UserRow>(
        select_users!("WHERE username = $1")
    )
    .bind(username)
    .fetch_optional(p)
    .await)?)
}

pub async fn list(db: &Db) -> Result<Vec<UserRow>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, UserRow>(
        select_users!("ORDER BY created_at, username")
    )
    .fetch_all(p)
    .await)?)
}

pub async fn count_by_role(db: &Db, role: &str) -> Result<i64> {
    let n: i64 = on_pool!(db, |p| sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE role = $1"
    )
    .bind(role)
    .fetch_one(p)
    .await)?;
    Ok(n)
}

pub async fn set_disabled(
    tx: &mut Tx,
    id: Uuid,
    disabled: bool,
    at: DateTime<Utc>,
) -> Result<bool> {
    let r = on_tx!(tx, |c| sqlx::query(
        "UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(disabled)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(r == 1)
}

pub async fn set_password(
    tx: &mut Tx,
    id: Uuid,
    hash: &str,
    must_change: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE users SET password_hash = $2, must_change_password = $3, password_changed_at = $4, updated_at = $4 WHERE id = $1"
    )
    .bind(id)
    .bind(hash)
    .bind(must_change)
    .bind(at)
    .execute(c)
    .await.map(|_| ())
    })?;
    on_tx!(tx, |c| sqlx::query(
        "INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)"
    )
    .bind(id)
    .bind(hash)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The most recent `n` password hashes of a user, newest first.
pub async fn password_history(tx: &mut Tx, id: Uuid, n: i64) -> Result<Vec<String>> {
    Ok(on_tx!(tx, |c| {
        sqlx::query_scalar(
        "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2"
    )
    .bind(id)
    .bind(n)
    .fetch_all(c)
    .await
    })?)
}

pub async fn set_totp(
    tx: &mut Tx,
    id: Uuid,
    secret: Option<&[u8]>,
    enabled: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE users SET totp_secret = $2, totp_enabled = $3, totp_last_step = 0, updated_at = $4 WHERE id = $1"
    )
    .bind(id)
    .bind(secret)
    .bind(enabled)
    .bind(at)
    .execute(c)
    .await.map(|_| ())
    })?;
    Ok(())
}

/// Records a used TOTP time step. Only succeeds when the step is newer than the last one
/// used, so a code can never be accepted twice, even by two racing requests.
pub async fn use_totp_step(tx: &mut Tx, id: Uuid, step: i64) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(
        "UPDATE users SET totp_last_step = $2 WHERE id = $1 AND totp_last_step < $2"
    )
    .bind(id)
    .bind(step)
    .execute(c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

pub async fn set_access(
    tx: &mut Tx,
    id: Uuid,
    role: &str,
    scope_code: Option<&str>,
    permissions: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let n = on_tx!(tx, |c| {
        sqlx::query(
        "UPDATE users SET role = $2, scope_code = $3, permissions = $4, updated_at = $5 WHERE id = $1"
    )
    .bind(id)
    .bind(role)
    .bind(scope_code)
    .bind(permissions)
    .bind(at)
    .execute(c)
    .await
    .map(|r| r.rows_affected())
    })?;
    Ok(n == 1)
}

pub async fn touch_login(tx: &mut Tx, id: Uuid, at: DateTime<Utc>) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE users SET last_login_at = $2 WHERE id = $1"
    )
    .bind(id)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}

/// The worker accounts whose person record carries this phone index (the blind index of
/// the phone number), at most `limit`, oldest first.
pub async fn workers_by_phone_index(db: &Db, index: &[u8], limit: i64) -> Result<Vec<UserRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, UserRow>(
        "SELECT u.id, u.username, u.display_name, u.role, u.scope_code, u.permissions, u.person_id, \
         u.password_hash, u.must_change_password, u.password_changed_at, u.totp_secret, u.totp_enabled, \
         u.totp_last_step, u.disabled, u.last_login_at, u.created_at, u.updated_at \
         FROM users u JOIN persons p ON p.id = u.person_id \
         WHERE p.phone_index = $1 AND u.role = 'worker' ORDER BY u.created_at, u.id LIMIT $2"
    )
    .bind(index)
    .bind(limit)
    .fetch_all(p)
    .await
    })?)
}

/// The accounts a phone number reaches (its blind index): worker accounts whose person
/// record carries it and employer accounts whose employer's contact phone is it, at most
/// `limit`, oldest first.
pub async fn accounts_by_phone_index(db: &Db, index: &[u8], limit: i64) -> Result<Vec<UserRow>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_as::<_, UserRow>(
        "SELECT u.id, u.username, u.display_name, u.role, u.scope_code, u.permissions, u.person_id, \
         u.password_hash, u.must_change_password, u.password_changed_at, u.totp_secret, u.totp_enabled, \
         u.totp_last_step, u.disabled, u.last_login_at, u.created_at, u.updated_at FROM users u \
         WHERE (u.role = 'worker' AND u.person_id IN (SELECT p.id FROM persons p WHERE p.phone_index = $1)) \
            OR (u.role = 'employer' AND u.employer_id IN (SELECT e.id FROM employers e WHERE e.contact_phone_index = $1)) \
         ORDER BY u.created_at, u.id LIMIT $2"
    )
    .bind(index)
    .bind(limit)
    .fetch_all(p)
    .await
    })?)
}

/// Whether the owner allowed notices by SMS.
pub async fn sms_consent(db: &Db, id: Uuid) -> Result<bool> {
    let v: Option<bool> = on_pool!(db, |p| sqlx::query_scalar(
        "SELECT sms_consent FROM users WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(p)
    .await)?;
    Ok(v.unwrap_or(false))
}

pub async fn set_sms_consent(
    tx: &mut Tx,
    id: Uuid,
    consent: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    on_tx!(tx, |c| sqlx::query(
        "UPDATE users SET sms_consent = $2, updated_at = $3 WHERE id = $1"
    )
    .bind(id)
    .bind(consent)
    .bind(at)
    .execute(c)
    .await
    .map(|_| ()))?;
    Ok(())
}
