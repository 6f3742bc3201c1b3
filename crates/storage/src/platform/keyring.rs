//! Rows sealed with the field key, for a key rotation: every column that holds a value made
//! by the service's `Keys::seal`, read page by page in id order and rewritten one value at a
//! time, with the rotation's progress per column kept in `key_rotation_progress` in the same
//! transaction. This module moves bytes; it never sees a key.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Db, Result, Tx, on_pool, on_tx};

/// A column holding sealed values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SealedColumn {
    PersonIdNumber,
    PersonPhone,
    UserTotpSecret,
    EmployerContactPhone,
    PayeeAccount,
    PaymentBatchContent,
    /// The owner's phone on a pending account change (cleared once decided).
    AccountChangePhone,
    /// The authenticator secret of an enrolment in progress.
    EnrolmentTotp,
    /// The contact phone a fee reporter chose to leave.
    FeeReportPhone,
    /// The phone a platform reported with one of its workers.
    PlatformWorkerPhone,
}

impl SealedColumn {
    /// Every sealed column of the schema.
    pub const ALL: [SealedColumn; 10] = [
        SealedColumn::PersonIdNumber,
        SealedColumn::PersonPhone,
        SealedColumn::UserTotpSecret,
        SealedColumn::EmployerContactPhone,
        SealedColumn::PayeeAccount,
        SealedColumn::PaymentBatchContent,
        SealedColumn::AccountChangePhone,
        SealedColumn::EnrolmentTotp,
        SealedColumn::FeeReportPhone,
        SealedColumn::PlatformWorkerPhone,
    ];

    /// `table.column` as stored.
    pub fn name(self) -> &'static str {
        match self {
            SealedColumn::PersonIdNumber => "persons.id_cipher",
            SealedColumn::PersonPhone => "persons.phone_cipher",
            SealedColumn::UserTotpSecret => "users.totp_secret",
            SealedColumn::EmployerContactPhone => "employers.contact_phone_cipher",
            SealedColumn::PayeeAccount => "payee_accounts.account_cipher",
            SealedColumn::PaymentBatchContent => "payment_batches.content_cipher",
            SealedColumn::AccountChangePhone => "account_changes.contact_phone",
            SealedColumn::EnrolmentTotp => "enrolments.pending_totp",
            SealedColumn::FeeReportPhone => "fee_reports.contact_phone_cipher",
            SealedColumn::PlatformWorkerPhone => "platform_workers.phone_cipher",
        }
    }

    /// The name the value is bound to (associated data) when sealed, with the row id.
    pub fn context(self) -> &'static str {
        match self {
            SealedColumn::PersonIdNumber => "persons.id_number",
            SealedColumn::PersonPhone => "persons.phone",
            SealedColumn::UserTotpSecret => "users.totp_secret",
            SealedColumn::EmployerContactPhone => "employers.contact_phone",
            SealedColumn::PayeeAccount => "payee_account",
            SealedColumn::PaymentBatchContent => "payment_batch",
            SealedColumn::AccountChangePhone => "account_changes.contact_phone",
            SealedColumn::EnrolmentTotp => "enrolments.pending_totp",
            SealedColumn::FeeReportPhone => "fee_reports.contact_phone",
            SealedColumn::PlatformWorkerPhone => "platform_workers.phone",
        }
    }

    fn select(self) -> &'static str {
        match self {
            SealedColumn::PersonIdNumber => {
                "SELECT id, id_cipher FROM persons WHERE id > $1 ORDER BY id LIMIT $2"
            }
            SealedColumn::PersonPhone => {
                "SELECT id, phone_cipher FROM persons WHERE id > $1 AND phone_cipher IS NOT NULL \
                 ORDER BY id LIMIT $2"
            }
            SealedColumn::UserTotpSecret => {
                "SELECT id, totp_secret FROM users WHERE id > $1 AND totp_secret IS NOT NULL \
                 ORDER BY id LIMIT $2"
            }
            SealedColumn::EmployerContactPhone => {
                "SELECT id, contact_phone_cipher FROM employers WHERE id > $1 \
                 AND contact_phone_cipher IS NOT NULL ORDER BY id LIMIT $2"
            }
            SealedColumn::PayeeAccount => {
                "SELECT person_id, account_cipher FROM payee_accounts WHERE person_id > $1 \
                 ORDER BY person_id LIMIT $2"
            }
            SealedColumn::PaymentBatchContent => {
                "SELECT id, content_cipher FROM payment_batches WHERE id > $1 ORDER BY id LIMIT $2"
            }
            SealedColumn::AccountChangePhone => {
                "SELECT id, contact_phone FROM account_changes WHERE id > $1 \
                 AND contact_phone IS NOT NULL ORDER BY id LIMIT $2"
            }
            SealedColumn::EnrolmentTotp => {
                "SELECT user_id, pending_totp FROM enrolments WHERE user_id > $1 \
                 AND pending_totp IS NOT NULL ORDER BY user_id LIMIT $2"
            }
            SealedColumn::FeeReportPhone => {
                "SELECT id, contact_phone_cipher FROM fee_reports WHERE id > $1 \
                 AND contact_phone_cipher IS NOT NULL ORDER BY id LIMIT $2"
            }
            SealedColumn::PlatformWorkerPhone => {
                "SELECT id, phone_cipher FROM platform_workers WHERE id > $1 \
                 AND phone_cipher IS NOT NULL ORDER BY id LIMIT $2"
            }
        }
    }

    fn update(self) -> &'static str {
        match self {
            SealedColumn::PersonIdNumber => {
                "UPDATE persons SET id_cipher = $1 WHERE id = $2 AND id_cipher = $3"
            }
            SealedColumn::PersonPhone => {
                "UPDATE persons SET phone_cipher = $1 WHERE id = $2 AND phone_cipher = $3"
            }
            SealedColumn::UserTotpSecret => {
                "UPDATE users SET totp_secret = $1 WHERE id = $2 AND totp_secret = $3"
            }
            SealedColumn::EmployerContactPhone => {
                "UPDATE employers SET contact_phone_cipher = $1 WHERE id = $2 \
                 AND contact_phone_cipher = $3"
            }
            SealedColumn::PayeeAccount => {
                "UPDATE payee_accounts SET account_cipher = $1 WHERE person_id = $2 \
                 AND account_cipher = $3"
            }
            SealedColumn::PaymentBatchContent => {
                "UPDATE payment_batches SET content_cipher = $1 WHERE id = $2 \
                 AND content_cipher = $3"
            }
            SealedColumn::AccountChangePhone => {
                "UPDATE account_changes SET contact_phone = $1 WHERE id = $2 \
                 AND contact_phone = $3"
            }
            SealedColumn::EnrolmentTotp => {
                "UPDATE enrolments SET pending_totp = $1 WHERE user_id = $2 \
                 AND pending_totp = $3"
            }
            SealedColumn::FeeReportPhone => {
                "UPDATE fee_reports SET contact_phone_cipher = $1 WHERE id = $2 \
                 AND contact_phone_cipher = $3"
            }
            SealedColumn::PlatformWorkerPhone => {
                "UPDATE platform_workers SET phone_cipher = $1 WHERE id = $2 \
                 AND phone_cipher = $3"
            }
        }
    }
}

/// Up to `limit` (row id, sealed value) pairs of a column with id after `after` (start with
/// [`Uuid::nil`]), in id order; rows where the column is empty are skipped.
pub async fn page(
    db: &Db,
    column: SealedColumn,
    after: Uuid,
    limit: i64,
) -> Result<Vec<(Uuid, Vec<u8>)>> {
    Ok(on_pool!(db, |p| sqlx::query_as(column.select())
        .bind(after)
        .bind(limit)
        .fetch_all(p)
        .await)?)
}

/// Replaces one sealed value if it is still `old`; false when it changed meanwhile.
pub async fn replace(
    tx: &mut Tx,
    column: SealedColumn,
    id: Uuid,
    old: &[u8],
    new: &[u8],
) -> Result<bool> {
    let n = on_tx!(tx, |c| sqlx::query(column.update())
        .bind(new)
        .bind(id)
        .bind(old)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// How far a rotation got in one column.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Progress {
    pub target_version: i64,
    pub column_name: String,
    pub last_id: Uuid,
    pub rows_resealed: i64,
    pub finished_at: Option<DateTime<Utc>>,
}

/// Progress rows of the rotation to `target_version`.
pub async fn progress(db: &Db, target_version: i64) -> Result<Vec<Progress>> {
    Ok(on_pool!(db, |p| sqlx::query_as(
        "SELECT target_version, column_name, last_id, rows_resealed, finished_at \
         FROM key_rotation_progress WHERE target_version = $1 ORDER BY column_name"
    )
    .bind(target_version)
    .fetch_all(p)
    .await)?)
}

/// Records progress in the transaction that rewrote the rows it covers.
pub async fn save_progress(tx: &mut Tx, p: &Progress) -> Result<()> {
    on_tx!(tx, |c| {
        sqlx::query(
        "INSERT INTO key_rotation_progress (target_version, column_name, last_id, rows_resealed, finished_at) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (target_version, column_name) DO UPDATE SET \
         last_id = excluded.last_id, rows_resealed = excluded.rows_resealed, finished_at = excluded.finished_at"
    )
    .bind(p.target_version)
    .bind(&p.column_name)
    .bind(p.last_id)
    .bind(p.rows_resealed)
    .bind(p.finished_at)
    .execute(c)
    .await
    .map(|_| ())
    })?;
    Ok(())
}
