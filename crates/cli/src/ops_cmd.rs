//! Operations on the installation itself: the audit chain and its anchors, key rotation,
//! backup and restore.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use linghuo_service::{Clock, Config, Keys, Service, ServiceError};
use linghuo_storage::Db;

use crate::AuditCommand;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Make a new field key current and re-encrypt every protected value under it (ID and
    /// phone numbers, second-factor secrets, bank accounts, bank files). Resumable: run it
    /// again after an interruption. Stop the servers first.
    Rotate {
        /// Rows per transaction.
        #[arg(long, default_value_t = 500)]
        batch: i64,
        /// Stop after this many pages (the next run resumes).
        #[arg(long, hide = true)]
        max_batches: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// After a finished rotation: check that no value is left under an old key, then remove
    /// the old keys from the key file.
    RetireOld {
        #[arg(long)]
        json: bool,
    },
    /// Key versions held, where the audit key lives, and the rotation's progress.
    Status {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write (must not exist); a FILE.manifest.json is written beside it.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup file written by `linghuo backup`.
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// Overwrite a database that holds data (stop the server first).
    #[arg(long)]
    pub force: bool,
    #[arg(long)]
    pub json: bool,
}

/// Prints a service error with its code; exit 2.
fn refused(e: ServiceError) -> anyhow::Result<ExitCode> {
    match e {
        ServiceError::Invalid { code, message, .. }
        | ServiceError::Conflict { code, message }
        | ServiceError::Forbidden { code, message } => {
            eprintln!("错误（{code}）：{message}");
            Ok(ExitCode::from(2))
        }
        other => Err(other.into()),
    }
}

pub async fn audit(svc: Service, cmd: AuditCommand) -> anyhow::Result<ExitCode> {
    let code = match cmd {
        AuditCommand::Verify { json } => {
            let (report, anchors) = svc.verify_audit_anchored().await?;
            if json {
                // The chain report's fields at the top level (as before anchors existed).
                let mut v = serde_json::to_value(&report)?;
                v["anchors"] = serde_json::to_value(&anchors)?;
                println!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                if let Some(b) = report.first_broken {
                    println!(
                        "审计日志校验失败：第 {b} 条起断裂（{}）。已校验 {} 条。",
                        report.problem.clone().unwrap_or_default(),
                        report.checked
                    );
                } else {
                    println!(
                        "审计日志校验通过：共 {} 条记录，哈希链完整。",
                        report.checked
                    );
                }
                match (&anchors.latest_seq, &anchors.latest_at) {
                    (Some(seq), Some(at)) => println!(
                        "外部锚点：{}（{} 个有效锚点，最新为 {at} 的第 {seq} 条）{}",
                        anchors.file,
                        anchors.anchors,
                        if anchors.first_broken.is_some() {
                            "，与数据库不一致"
                        } else {
                            "，与数据库一致"
                        }
                    ),
                    _ => println!(
                        "注意：锚点文件 {} 中没有本系统的锚点，无法发现末尾记录被删除；\
                         可运行 linghuo audit anchor。",
                        anchors.file
                    ),
                }
                if anchors.foreign_lines > 0 {
                    println!(
                        "注意：锚点文件中有 {} 行不是用本系统审计密钥签名的，已忽略。",
                        anchors.foreign_lines
                    );
                }
            }
            if report.first_broken.is_some() {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        AuditCommand::Anchor { json, restored } => match if restored {
            svc.audit_anchor_after_restore().await
        } else {
            svc.audit_anchor().await
        } {
            Ok(a) => {
                if json {
                    println!("{}", serde_json::to_string_pretty(&a)?);
                } else {
                    println!(
                        "已将审计日志链头（第 {} 条，{}）签名写入 {}{}。",
                        a.seq,
                        &a.head[..16.min(a.head.len())],
                        a.file,
                        match a.syslog_sent {
                            Some(true) => "，并已发送到 syslog",
                            Some(false) => "；发送到 syslog 失败",
                            None => "",
                        }
                    );
                }
                if a.syslog_sent == Some(false) {
                    ExitCode::FAILURE
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => {
                svc.db.close().await;
                return refused(e);
            }
        },
    };
    svc.db.close().await;
    Ok(code)
}

async fn connect(config: &Config) -> anyhow::Result<Db> {
    config
        .validate()
        .map_err(|e| anyhow::anyhow!("配置有误：{e}"))?;
    let db = Db::connect(&config.database_url())
        .await
        .context("连接数据库")?;
    db.migrate().await.context("执行数据库迁移")?;
    Ok(db)
}

pub async fn keys(config: Config, cmd: KeysCommand) -> anyhow::Result<ExitCode> {
    if config.keys.field_key.is_some() {
        eprintln!(
            "错误（keys_from_config）：数据密钥由配置直接给出，请在密钥管理系统中生成新密钥；\
             本命令只轮换密钥文件中的密钥。"
        );
        return Ok(ExitCode::from(2));
    }
    crate::create_private_dir(&config.server.data_dir)
        .with_context(|| format!("创建数据目录 {}", config.server.data_dir.display()))?;
    let db = connect(&config).await?;
    let mut keys = Keys::load_or_create(&config).context("加载密钥")?;
    let key_file = config.key_file();
    match cmd {
        KeysCommand::Rotate {
            batch,
            max_batches,
            json,
        } => {
            // A key file holding more than one version is a rotation not yet finished.
            let started = if keys.field_versions().len() == 1 {
                let from = keys.current_field_version();
                let to = keys.rotate_field_key();
                keys.write_file(&key_file).context("写入密钥文件")?;
                Some((from, to))
            } else {
                None
            };
            let svc = Service::new(db, keys, config.clone(), Clock::system());
            if let Some((from, to)) = started {
                svc.record_key_rotation_started(from, to).await?;
                if !json {
                    println!(
                        "已生成第 {to} 版数据密钥并写入 {}（旧密钥保留用于读取）。",
                        key_file.display()
                    );
                }
            } else if !json {
                println!(
                    "继续未完成的轮换：目标为第 {} 版数据密钥。",
                    svc.keys.current_field_version()
                );
            }
            let status = svc.reseal_all(batch, max_batches).await;
            svc.db.close().await;
            let status = match status {
                Ok(s) => s,
                Err(e) => return refused(e),
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&status)?);
            } else {
                for c in &status.columns {
                    println!(
                        "{}\t已重新加密 {} 个\t{}",
                        c.column,
                        c.resealed,
                        if c.finished { "完成" } else { "未完成" }
                    );
                }
                if status.finished {
                    println!(
                        "轮换完成：全部受保护字段已用第 {} 版密钥加密。确认各服务已用新密钥文件重启后，\
                         可运行 linghuo keys retire-old 停用旧密钥。",
                        status.target_version
                    );
                } else {
                    println!("轮换尚未完成：再次运行 linghuo keys rotate 从中断处继续。");
                }
            }
            Ok(if status.finished {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(3)
            })
        }
        KeysCommand::RetireOld { json } => {
            let svc = Service::new(db, keys, config.clone(), Clock::system());
            let left = svc.sealed_under_old_keys().await?;
            let remaining: i64 = left.iter().map(|r| r.values).sum();
            if remaining > 0 {
                svc.db.close().await;
                if json {
                    println!("{}", serde_json::to_string_pretty(&left)?);
                }
                eprintln!(
                    "错误（keys_rotation_unfinished）：还有 {remaining} 个值用旧密钥加密，\
                     请先运行 linghuo keys rotate 完成轮换。"
                );
                return Ok(ExitCode::from(2));
            }
            let mut fresh = Keys::load_or_create(&config).context("加载密钥")?;
            let retired = fresh.retire_old_field_keys();
            if !retired.is_empty() {
                fresh.write_file(&key_file).context("写入密钥文件")?;
                svc.record_keys_retired(&retired).await?;
            }
            svc.db.close().await;
            if json {
                println!("{}", serde_json::json!({ "retired": retired }));
            } else if retired.is_empty() {
                println!("密钥文件中只有当前数据密钥，无需停用。");
            } else {
                println!("已从密钥文件中删除旧数据密钥：第 {retired:?} 版。");
            }
            Ok(ExitCode::SUCCESS)
        }
        KeysCommand::Status { json } => {
            let versions = keys.field_versions();
            let separate = keys.audit_key_is_separate();
            let svc = Service::new(db, keys, config.clone(), Clock::system());
            let status = svc.rotation_status().await?;
            svc.db.close().await;
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({
                        "field_versions": versions,
                        "current": status.target_version,
                        "audit_key_separate": separate,
                        "rotation": status,
                    }))?
                );
            } else {
                println!(
                    "数据密钥：第 {versions:?} 版，当前第 {} 版；审计密钥{}。",
                    status.target_version,
                    if separate {
                        "单独存放"
                    } else {
                        "与数据密钥在同一文件中"
                    }
                );
                if versions.len() > 1 {
                    println!(
                        "轮换{}。",
                        if status.finished {
                            "已完成，可停用旧密钥"
                        } else {
                            "未完成"
                        }
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn backup(svc: Service, args: BackupArgs) -> anyhow::Result<ExitCode> {
    let result = svc.backup(&args.out).await;
    svc.db.close().await;
    match result {
        Ok(m) => {
            if args.json {
                println!("{}", serde_json::to_string_pretty(&m)?);
            } else {
                println!(
                    "已备份到 {}（{} 字节，SHA-256 {}，审计日志至第 {} 条）。",
                    m.file, m.bytes, m.sha256, m.audit_seq
                );
                println!(
                    "备份中不含密钥：请另行备份密钥文件（{}），不要与数据库备份放在一起。",
                    svc.config.key_file().display()
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(ServiceError::Invalid {
            code: "backup_postgres",
            message,
            ..
        }) => {
            eprintln!("{message}");
            Ok(ExitCode::from(2))
        }
        Err(e) => refused(e),
    }
}

pub async fn restore(config: Config, args: RestoreArgs) -> anyhow::Result<ExitCode> {
    config
        .validate()
        .map_err(|e| anyhow::anyhow!("配置有误：{e}"))?;
    if config.keys.field_key.is_none() && !config.key_file().exists() {
        eprintln!(
            "错误（keys_missing）：密钥文件 {} 不存在。备份中不含密钥：请先从密钥备份恢复它。",
            config.key_file().display()
        );
        return Ok(ExitCode::from(2));
    }
    crate::create_private_dir(&config.server.data_dir)
        .with_context(|| format!("创建数据目录 {}", config.server.data_dir.display()))?;
    let keys = Keys::load_or_create(&config).context("加载密钥")?;
    match linghuo_service::backup::restore(&config, keys, &args.from, args.force).await {
        Ok(r) => {
            if args.json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!(
                    "已从 {} 恢复到 {}：审计日志 {} 条，哈希链完整{}。",
                    r.from,
                    r.database,
                    r.audit_seq,
                    if r.manifest_checked {
                        "，备份清单校验通过"
                    } else {
                        "（没有备份清单，未校验 SHA-256）"
                    }
                );
                if let Some(a) = r.anchored_before {
                    println!(
                        "注意：恢复前的外部锚点记录到第 {a} 条，备份之后的记录已随恢复放弃；\
                         已在锚点文件中记下此次恢复。"
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => refused(e),
    }
}
