//! Field-key rotation (SECURITY.md D3): every value sealed with the field key — ID numbers,
//! phones, second-factor secrets, employers' contact phones, payee bank accounts, bank batch
//! files — is re-encrypted under the current key version. Each sealed value carries the
//! version of the key that made it (`[format][version u32][nonce][ciphertext]`), so the old
//! key keeps opening the rows not yet done, and a value already under the current version is
//! left alone.
//!
//! The work goes column by column, a page of rows per transaction; each transaction also
//! records how far the column got (`key_rotation_progress`) and one audit row, so a rotation
//! interrupted at any point resumes after the last committed page. When every column is done
//! and a full scan finds no value under another version, the old keys can be retired
//! (`linghuo keys retire-old`).

use serde::Serialize;
use uuid::Uuid;

use crate::audit::{self, AuditActor, Event};
use crate::protect::{self, Keys};
use crate::{Result, ServiceError};
use linghuo_storage::keyring::{self as repo, Progress, SealedColumn};

/// One column's state in a rotation.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct ColumnProgress {
    pub column: &'static str,
    pub resealed: i64,
    pub finished: bool,
}

/// Where the rotation to `target_version` stands.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RotationStatus {
    pub target_version: u32,
    pub columns: Vec<ColumnProgress>,
    pub finished: bool,
}

/// Values not yet under the current key version, per column.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Remaining {
    pub column: &'static str,
    pub values: i64,
    /// Versions found other than the current one.
    pub versions: Vec<u32>,
}

fn reseal_error(column: SealedColumn, id: Uuid, e: protect::OpenError) -> ServiceError {
    ServiceError::Internal(format!(
        "cannot open {} of row {id} during key rotation: {e}",
        column.name()
    ))
}

impl crate::Service {
    /// Re-encrypts sealed values under the current field key, `batch` rows per transaction,
    /// resuming where an earlier run stopped. With `max_batches`, stops after that many pages
    /// (the rest is left for the next run). Needs the servers stopped, or restarted after the
    /// new key file is in place, since they must be able to open the new version.
    pub async fn reseal_all(
        &self,
        batch: i64,
        max_batches: Option<usize>,
    ) -> Result<RotationStatus> {
        let target = self.keys.current_field_version();
        let batch = batch.clamp(1, 10_000);
        let mut pages = 0usize;
        let known = repo::progress(&self.db, target.into()).await?;
        for column in SealedColumn::ALL {
            let mut p = known
                .iter()
                .find(|p| p.column_name == column.name())
                .cloned()
                .unwrap_or(Progress {
                    target_version: target.into(),
                    column_name: column.name().into(),
                    last_id: Uuid::nil(),
                    rows_resealed: 0,
                    finished_at: None,
                });
            while p.finished_at.is_none() {
                if max_batches.is_some_and(|m| pages >= m) {
                    return self.rotation_status().await;
                }
                pages += 1;
                let rows = repo::page(&self.db, column, p.last_id, batch).await?;
                let now = self.clock.now();
                let mut tx = self.db.begin().await?;
                let mut n = 0i64;
                for (id, sealed) in &rows {
                    if Keys::sealed_version(sealed) == Some(target) {
                        continue;
                    }
                    let ctx = protect::context(column.context(), id);
                    let plain = self
                        .keys
                        .open(&ctx, sealed)
                        .map_err(|e| reseal_error(column, *id, e))?;
                    let fresh = self.keys.seal(&ctx, &plain);
                    if !repo::replace(&mut tx, column, *id, sealed, &fresh).await? {
                        return Err(crate::registration::stale());
                    }
                    n += 1;
                }
                p.rows_resealed += n;
                match rows.last() {
                    Some((id, _)) => p.last_id = *id,
                    None => p.finished_at = Some(now),
                }
                repo::save_progress(&mut tx, &p).await?;
                if n > 0 || p.finished_at.is_some() {
                    audit::record(
                        &mut tx,
                        &self.keys,
                        now,
                        &AuditActor::system(),
                        Event::new(
                            if p.finished_at.is_some() {
                                "keys_column_resealed"
                            } else {
                                "keys_resealed"
                            },
                            "key_rotation",
                            column.name(),
                        )
                        .detail(serde_json::json!({
                            "target_version": target,
                            "rows": n,
                            "total": p.rows_resealed,
                        })),
                    )
                    .await?;
                }
                tx.commit().await?;
            }
        }
        self.rotation_status().await
    }

    /// The progress of the rotation to the current key version.
    pub async fn rotation_status(&self) -> Result<RotationStatus> {
        let target = self.keys.current_field_version();
        let rows = repo::progress(&self.db, target.into()).await?;
        let columns: Vec<ColumnProgress> = SealedColumn::ALL
            .iter()
            .map(|c| {
                let p = rows.iter().find(|p| p.column_name == c.name());
                ColumnProgress {
                    column: c.name(),
                    resealed: p.map_or(0, |p| p.rows_resealed),
                    finished: p.is_some_and(|p| p.finished_at.is_some()),
                }
            })
            .collect();
        Ok(RotationStatus {
            target_version: target,
            finished: columns.iter().all(|c| c.finished),
            columns,
        })
    }

    /// Scans every sealed column for values under another key version than the current one
    /// (what must be empty before old keys are retired).
    pub async fn sealed_under_old_keys(&self) -> Result<Vec<Remaining>> {
        let current = self.keys.current_field_version();
        let mut out = Vec::new();
        for column in SealedColumn::ALL {
            let mut r = Remaining {
                column: column.name(),
                values: 0,
                versions: Vec::new(),
            };
            let mut after = Uuid::nil();
            loop {
                let rows = repo::page(&self.db, column, after, 5000).await?;
                let Some((last, _)) = rows.last() else { break };
                after = *last;
                for (_, sealed) in &rows {
                    let v = Keys::sealed_version(sealed).unwrap_or(0);
                    if v != current {
                        r.values += 1;
                        if !r.versions.contains(&v) {
                            r.versions.push(v);
                        }
                    }
                }
            }
            r.versions.sort_unstable();
            out.push(r);
        }
        Ok(out)
    }

    /// Records in the audit chain that a new field key version was made current.
    pub async fn record_key_rotation_started(&self, from: u32, to: u32) -> Result<()> {
        self.record_key_event(
            "keys_rotated",
            serde_json::json!({ "from_version": from, "to_version": to }),
        )
        .await
    }

    /// Records that old field key versions were removed from the key file.
    pub async fn record_keys_retired(&self, versions: &[u32]) -> Result<()> {
        self.record_key_event(
            "keys_retired",
            serde_json::json!({ "versions": versions, "current": self.keys.current_field_version() }),
        )
        .await
    }

    async fn record_key_event(&self, event: &'static str, detail: serde_json::Value) -> Result<()> {
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &self.keys,
            self.clock.now(),
            &AuditActor::system(),
            Event::new(event, "key_rotation", self.keys.current_field_version()).detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
