//! Backups that restore (SECURITY.md F1, F4; T6).
//!
//! SQLite: `linghuo backup --out FILE` writes a consistent copy of the live database with
//! `VACUUM INTO` (a snapshot of everything committed when it starts, taken while the server
//! keeps serving), created 0600, plus `FILE.manifest.json` with its SHA-256, size and audit
//! chain head. The keys are not in the backup: they are backed up separately (losing them
//! makes the protected fields unreadable; keeping them with the database defeats the
//! encryption). `linghuo restore --from FILE` checks the manifest, copies the backup beside the
//! database, runs `PRAGMA integrity_check`, migrates it and verifies its audit chain with the
//! installation's keys, and only then puts it in place; the restore is recorded in the chain
//! and in the anchor file (a `restore` line from which the chain continues).
//!
//! PostgreSQL is backed up with `pg_dump -Fc` and restored with `pg_restore` (docs/operations.md).

use std::io::Read;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::audit::{self, AuditActor, Event};
use crate::protect::{Keys, private_options};
use crate::{Clock, Config, Result, Service, ServiceError};
use linghuo_storage::{Db, audit as audit_repo, maintenance};

/// What a backup wrote (also the manifest beside it).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
    /// The audit chain head the backup contains (its own `backup_created` row included).
    pub audit_seq: i64,
    pub audit_head: String,
    pub created_at: String,
}

/// What a restore did.
#[derive(Clone, Debug, Serialize)]
pub struct RestoreReport {
    pub from: String,
    pub database: String,
    pub audit_seq: i64,
    /// The newest anchored sequence before the restore, when it was past the backup: rows
    /// after the backup that the restore gave up.
    pub anchored_before: Option<i64>,
    pub manifest_checked: bool,
}

fn manifest_path(file: &Path) -> PathBuf {
    let mut s = file.as_os_str().to_owned();
    s.push(".manifest.json");
    PathBuf::from(s)
}

fn sha256_of(path: &Path) -> std::io::Result<(u64, String)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut n = 0u64;
    loop {
        let k = f.read(&mut buf)?;
        if k == 0 {
            break;
        }
        n += k as u64;
        h.update(&buf[..k]);
    }
    Ok((n, hex::encode(h.finalize())))
}

fn io(what: &str, path: &Path, e: std::io::Error) -> ServiceError {
    ServiceError::Internal(format!("{what} {}: {e}", path.display()))
}

/// The SQLite file a `sqlite:` URL names, if it is one.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// The guidance printed for PostgreSQL, which is backed up with its own tools.
pub const POSTGRES_GUIDANCE: &str = "PostgreSQL 数据库请用 PostgreSQL 自带工具备份和恢复：\n\
  备份：pg_dump -Fc -f linghuo-$(date +%F).dump \"$DATABASE_URL\"\n\
  恢复：createdb 新库 && pg_restore --no-owner -d postgres://…/新库 linghuo-日期.dump\n\
  恢复后运行 linghuo --database-url postgres://…/新库 audit anchor --restored，再运行 audit verify。\n\
  密钥文件不在备份中，请另行备份（见 docs/operations.md）。";

impl Service {
    /// Writes a consistent copy of the (SQLite) database to `out` while it stays in use, and
    /// its manifest. Refuses an existing `out`. On PostgreSQL: `backup_postgres` with the
    /// pg_dump guidance.
    pub async fn backup(&self, out: &Path) -> Result<Manifest> {
        if self.db.backend() != linghuo_storage::Backend::Sqlite {
            return Err(ServiceError::invalid(
                "database",
                "backup_postgres",
                POSTGRES_GUIDANCE,
            ));
        }
        if out.exists() {
            return Err(ServiceError::invalid(
                "out",
                "backup_exists",
                format!("备份文件已存在：{}", out.display()),
            ));
        }
        if let Some(dir) = out.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(|e| io("creating", dir, e))?;
        }
        // The backup's own record is in the chain it carries.
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::system(),
            Event::new("backup_created", "database", out.display().to_string()),
        )
        .await?;
        tx.commit().await?;
        let mut partial = out.as_os_str().to_owned();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let _ = std::fs::remove_file(&partial);
        // An empty file made 0600 first, so the copy is never readable by others.
        private_options()
            .write(true)
            .create_new(true)
            .open(&partial)
            .map_err(|e| io("creating", &partial, e))?;
        let path_text = partial
            .to_str()
            .ok_or_else(|| ServiceError::invalid("out", "backup_path", "备份路径须为 UTF-8"))?;
        maintenance::sqlite_vacuum_into(&self.db, path_text).await?;
        std::fs::File::open(&partial)
            .and_then(|f| f.sync_all())
            .map_err(|e| io("syncing", &partial, e))?;
        // The head inside the copy: read it from the copy itself.
        let copy = Db::connect(&format!("sqlite:{path_text}")).await?;
        let (audit_seq, head) = audit_repo::head(&copy).await?;
        copy.close().await;
        std::fs::rename(&partial, out).map_err(|e| io("renaming", out, e))?;
        let (bytes, sha256) = sha256_of(out).map_err(|e| io("reading", out, e))?;
        let manifest = Manifest {
            file: out.display().to_string(),
            bytes,
            sha256,
            audit_seq,
            audit_head: hex::encode(head),
            created_at: now.to_rfc3339(),
        };
        let text = serde_json::to_string_pretty(&manifest).expect("json");
        let mpath = manifest_path(out);
        crate::protect::write_private_file(&mpath, text.as_bytes())
            .map_err(|e| io("writing", &mpath, e))?;
        Ok(manifest)
    }
}

/// Restores the configured SQLite database from a backup (see the module documentation).
/// Without `force` it refuses a database that holds accounts or audit rows.
pub async fn restore(
    config: &Config,
    keys: Keys,
    from: &Path,
    force: bool,
) -> Result<RestoreReport> {
    let url = config.database_url();
    let target = sqlite_path(&url)
        .ok_or_else(|| ServiceError::invalid("database", "restore_postgres", POSTGRES_GUIDANCE))?;
    if !from.is_file() {
        return Err(ServiceError::invalid(
            "from",
            "backup_missing",
            format!("备份文件不存在：{}", from.display()),
        ));
    }
    // The manifest, when there is one, must match byte for byte.
    let mpath = manifest_path(from);
    let manifest_checked = if mpath.exists() {
        let m: Manifest =
            serde_json::from_slice(&std::fs::read(&mpath).map_err(|e| io("reading", &mpath, e))?)
                .map_err(|e| {
                ServiceError::invalid("from", "backup_manifest", format!("备份清单无法读取：{e}"))
            })?;
        let (bytes, sha) = sha256_of(from).map_err(|e| io("reading", from, e))?;
        if bytes != m.bytes || sha != m.sha256 {
            return Err(ServiceError::invalid(
                "from",
                "backup_corrupt",
                "备份文件与备份清单中的 SHA-256 不符：文件已损坏或被改动，未恢复",
            ));
        }
        true
    } else {
        false
    };
    if target.exists() {
        let current = Db::connect(&url).await?;
        let holds = maintenance::holds_data(&current).await.unwrap_or(true);
        current.close().await;
        if holds && !force {
            return Err(ServiceError::invalid(
                "database",
                "restore_target_not_empty",
                format!(
                    "数据库 {} 中已有数据（可能正在运行）。请先停止服务，确认后加 --force 覆盖",
                    target.display()
                ),
            ));
        }
    }
    // Work on a copy beside the database, and only move it into place once it checks out.
    let mut staging = target.as_os_str().to_owned();
    staging.push(".restoring");
    let staging = PathBuf::from(staging);
    for suffix in ["", "-wal", "-shm"] {
        let mut p = staging.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    if let Some(dir) = staging.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| io("creating", dir, e))?;
    }
    {
        let mut src = std::fs::File::open(from).map_err(|e| io("opening", from, e))?;
        let mut dst = private_options()
            .write(true)
            .create_new(true)
            .open(&staging)
            .map_err(|e| io("creating", &staging, e))?;
        std::io::copy(&mut src, &mut dst).map_err(|e| io("copying to", &staging, e))?;
        dst.sync_all().map_err(|e| io("syncing", &staging, e))?;
    }
    let staged_url = format!("sqlite:{}", staging.display());
    let staged = Db::connect(&staged_url).await?;
    let check = maintenance::sqlite_integrity_check(&staged).await?;
    if check.as_deref() != Some("ok") {
        staged.close().await;
        let _ = std::fs::remove_file(&staging);
        return Err(ServiceError::invalid(
            "from",
            "backup_corrupt",
            format!("备份文件完整性检查未通过：{}", check.unwrap_or_default()),
        ));
    }
    staged.migrate().await?;
    let chain = audit::verify(&staged, &keys).await?;
    staged.close().await;
    if let Some(b) = chain.first_broken {
        let _ = std::fs::remove_file(&staging);
        return Err(ServiceError::invalid(
            "from",
            "backup_chain_broken",
            format!(
                "备份中的审计日志第 {b} 条起断裂（{}），或密钥与备份不匹配，未恢复",
                chain.problem.unwrap_or_default()
            ),
        ));
    }
    // The old database's WAL must not be applied to the restored file.
    for suffix in ["-wal", "-shm"] {
        let mut p = target.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(p));
    }
    std::fs::rename(&staging, &target).map_err(|e| io("renaming", &target, e))?;
    if let Some(dir) = target.parent()
        && let Ok(d) = std::fs::File::open(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        })
    {
        let _ = d.sync_all();
    }
    let db = Db::connect(&url).await?;
    let svc = Service::new(db, keys, config.clone(), Clock::system());
    let before = crate::audit_anchor::read(&svc.anchor_file(), &svc.keys)
        .ok()
        .and_then(|f| f.latest().map(|a| a.seq));
    let mut tx = svc.db.begin().await?;
    audit::record(
        &mut tx,
        &svc.keys,
        svc.clock.now(),
        &AuditActor::system(),
        Event::new("backup_restored", "database", from.display().to_string()).detail(
            serde_json::json!({
                "restored_seq": chain.head_seq,
                "anchored_before": before,
                "manifest_checked": manifest_checked,
            }),
        ),
    )
    .await?;
    tx.commit().await?;
    svc.audit_anchor_after_restore().await?;
    svc.db.close().await;
    Ok(RestoreReport {
        from: from.display().to_string(),
        database: target.display().to_string(),
        audit_seq: chain.head_seq,
        anchored_before: before.filter(|s| *s > chain.head_seq),
        manifest_checked,
    })
}
