//! Anchors of the audit chain outside the database (SECURITY.md E3, T8).
//!
//! The chain itself only proves that no row was changed between the first row and the head
//! the database names: whoever can write the database can delete the newest rows and set
//! `audit_head` back, and the chain still verifies. So every day (the server's housekeeping)
//! and on `linghuo audit anchor`, the head — sequence number, hash, time — is MACed under a
//! key derived from the audit key and appended as one JSON line to the anchor file
//! (`[audit] anchor_file`, created 0600, opened for append only, never rewritten) and, when
//! configured, sent to a syslog collector as an RFC 5424 UDP datagram. `linghuo audit verify`
//! then checks the database against the anchors: a chain shorter than an anchored sequence,
//! or another hash at it, is a failure.
//!
//! A restore from a backup legitimately shortens the chain; it appends a `restore` line (also
//! MACed) that says from which head the chain continues, and anchors before it no longer bind.
//! Lines whose MAC does not verify under this installation's audit key (another
//! installation's, or forged) are counted and ignored.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{self, AuditActor, Event, Outcome};
use crate::protect::Keys;
use crate::{Result, ServiceError};
use linghuo_storage::Db;
use linghuo_storage::audit as repo;

/// One line of the anchor file.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Anchor {
    pub v: u32,
    /// `anchor` (the head at a time) or `restore` (the chain continues from this head after a
    /// restore from backup; earlier anchors no longer bind).
    pub kind: String,
    pub seq: i64,
    /// Hex of the chain hash at `seq` (all zeros for an empty chain).
    pub head: String,
    pub at: String,
    pub mac: String,
}

impl Anchor {
    fn signed(keys: &Keys, kind: &str, seq: i64, head: &[u8], at: DateTime<Utc>) -> Anchor {
        let mut a = Anchor {
            v: 1,
            kind: kind.into(),
            seq,
            head: hex::encode(head),
            at: at.to_rfc3339_opts(SecondsFormat::Micros, true),
            mac: String::new(),
        };
        a.mac = keys.file_mac("audit anchor", &a.signed_bytes());
        a
    }

    fn signed_bytes(&self) -> Vec<u8> {
        format!(
            "v{}\0{}\0{}\0{}\0{}",
            self.v, self.kind, self.seq, self.head, self.at
        )
        .into_bytes()
    }

    fn verifies(&self, keys: &Keys) -> bool {
        use subtle::ConstantTimeEq;
        let want = keys.file_mac("audit anchor", &self.signed_bytes());
        self.v == 1
            && matches!(self.kind.as_str(), "anchor" | "restore")
            && bool::from(want.as_bytes().ct_eq(self.mac.as_bytes()))
    }

    pub fn time(&self) -> Option<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(&self.at)
            .ok()
            .map(|t| t.with_timezone(&Utc))
    }
}

/// What the anchor file says, as far as this installation's key verifies it.
#[derive(Clone, Debug, Default)]
pub struct AnchorFile {
    /// Valid lines from the last `restore` line (inclusive) on, in file order.
    pub binding: Vec<Anchor>,
    /// Valid lines in the whole file.
    pub valid: usize,
    /// Lines that are not this installation's anchors (bad MAC, other key, unreadable).
    pub foreign: usize,
    /// A valid line older than the one before it: a replayed line.
    pub out_of_order: Option<i64>,
}

impl AnchorFile {
    pub fn latest(&self) -> Option<&Anchor> {
        self.binding.last()
    }
}

/// Reads the anchor file; a missing file reads as no anchors.
pub fn read(path: &Path, keys: &Keys) -> std::io::Result<AnchorFile> {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(AnchorFile::default()),
        Err(e) => return Err(e),
    };
    let mut out = AnchorFile::default();
    let mut last_time: Option<DateTime<Utc>> = None;
    for line in std::io::BufReader::new(file).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let Ok(a) = serde_json::from_str::<Anchor>(&line) else {
            out.foreign += 1;
            continue;
        };
        if !a.verifies(keys) {
            out.foreign += 1;
            continue;
        }
        out.valid += 1;
        let t = a.time();
        if let (Some(prev), Some(t)) = (last_time, t)
            && t < prev
            && out.out_of_order.is_none()
        {
            out.out_of_order = Some(a.seq);
        }
        last_time = t.or(last_time);
        if a.kind == "restore" {
            out.binding.clear();
        }
        out.binding.push(a);
    }
    Ok(out)
}

/// Appends one line: the file is created 0600 and only ever opened for appending.
fn append(path: &Path, line: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = crate::protect::private_options()
        .append(true)
        .create(true)
        .open(path)?;
    f.write_all(format!("{line}\n").as_bytes())?;
    f.sync_all()
}

/// The RFC 5424 message for an anchor line: facility 13 (log audit), severity 6.
pub fn syslog_message(line: &str, at: DateTime<Utc>) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty() && h.is_ascii() && !h.contains(' '))
        .unwrap_or_else(|| "-".into());
    format!(
        "<110>1 {} {host} linghuo {} audit-anchor - {line}",
        at.to_rfc3339_opts(SecondsFormat::Micros, true),
        std::process::id()
    )
}

/// Sends one datagram to `udp://host:port`.
async fn send_syslog(target: &str, message: &str) -> std::io::Result<()> {
    let addr = target.strip_prefix("udp://").unwrap_or(target);
    let remote = tokio::net::lookup_host(addr)
        .await?
        .next()
        .ok_or_else(|| std::io::Error::other("syslog address does not resolve"))?;
    let local = if remote.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let socket = tokio::net::UdpSocket::bind(local).await?;
    socket.send_to(message.as_bytes(), remote).await?;
    Ok(())
}

/// How the database stands against the anchors.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct AnchorCheck {
    pub file: String,
    /// Anchors that bind (since the last restore).
    pub anchors: usize,
    /// Lines ignored: not MACed under this installation's audit key.
    pub foreign_lines: usize,
    pub latest_seq: Option<i64>,
    pub latest_at: Option<String>,
    /// The first sequence number the anchors contradict, if any.
    pub first_broken: Option<i64>,
    pub problem: Option<String>,
}

/// Checks the database chain against every binding anchor: each anchored row must still be
/// there with the anchored hash. (The chain walk in [`audit::verify`] proves the rows between.)
pub async fn check(db: &Db, keys: &Keys, path: &Path) -> Result<AnchorCheck> {
    let file = read(path, keys).map_err(|e| {
        ServiceError::Internal(format!("reading anchor file {}: {e}", path.display()))
    })?;
    let (head_seq, _) = repo::head(db).await?;
    let mut out = AnchorCheck {
        file: path.display().to_string(),
        anchors: file.binding.len(),
        foreign_lines: file.foreign,
        latest_seq: file.latest().map(|a| a.seq),
        latest_at: file.latest().map(|a| a.at.clone()),
        first_broken: None,
        problem: None,
    };
    if let Some(seq) = file.out_of_order {
        out.first_broken = Some(seq);
        out.problem = Some(format!(
            "锚点文件中第 {seq} 条的锚点时间早于前一行：锚点被重放或文件被改动"
        ));
        return Ok(out);
    }
    for a in &file.binding {
        if a.seq > head_seq {
            out.first_broken = Some(head_seq + 1);
            out.problem = Some(format!(
                "审计日志比外部锚点短：{} 的锚点记录到第 {} 条，数据库只有 {} 条——末尾记录被删除",
                a.at, a.seq, head_seq
            ));
            return Ok(out);
        }
        if a.seq == 0 {
            continue;
        }
        let stored = repo::hash_at(db, a.seq).await?;
        if stored.as_deref().map(hex::encode).as_deref() != Some(a.head.as_str()) {
            out.first_broken = Some(a.seq);
            out.problem = Some(format!(
                "第 {} 条记录的哈希与 {} 的外部锚点不同：审计日志被改写",
                a.seq, a.at
            ));
            return Ok(out);
        }
    }
    Ok(out)
}

/// What an anchoring did.
#[derive(Clone, Debug, Serialize)]
pub struct Anchored {
    pub seq: i64,
    pub head: String,
    pub at: String,
    pub file: String,
    /// Whether the anchor went to the syslog collector (None when none is configured).
    pub syslog_sent: Option<bool>,
}

impl crate::Service {
    /// The anchor file this installation writes.
    pub fn anchor_file(&self) -> PathBuf {
        self.config.anchor_file()
    }

    /// Anchors the chain head now: refuses when the database already contradicts an earlier
    /// anchor (so a shortened chain is never blessed), appends the signed line, sends it to
    /// syslog where configured, and records `audit_anchored` in the chain.
    pub async fn audit_anchor(&self) -> Result<Anchored> {
        self.write_anchor("anchor").await
    }

    /// After a restore from backup: a `restore` line from which the chain continues. The
    /// chain walk must pass first (only the anchors may disagree).
    pub async fn audit_anchor_after_restore(&self) -> Result<Anchored> {
        let report = audit::verify(&self.db, &self.keys).await?;
        if let Some(b) = report.first_broken {
            return Err(ServiceError::Conflict {
                code: "audit_chain_broken",
                message: format!(
                    "审计日志第 {b} 条起断裂（{}），不能记为恢复后的起点",
                    report.problem.unwrap_or_default()
                ),
            });
        }
        self.write_anchor("restore").await
    }

    async fn write_anchor(&self, kind: &str) -> Result<Anchored> {
        let path = self.anchor_file();
        if kind == "anchor" {
            let c = check(&self.db, &self.keys, &path).await?;
            if let Some(problem) = c.problem {
                return Err(ServiceError::Conflict {
                    code: "audit_anchor_contradicted",
                    message: format!("审计日志与已有外部锚点不一致，未写入新锚点：{problem}"),
                });
            }
        }
        let (seq, head) = repo::head(&self.db).await?;
        let now = self.clock.now();
        let anchor = Anchor::signed(&self.keys, kind, seq, &head, now);
        let line = serde_json::to_string(&anchor).expect("json of plain values");
        append(&path, &line).map_err(|e| {
            ServiceError::Internal(format!("writing anchor file {}: {e}", path.display()))
        })?;
        let syslog_sent = if self.config.audit.syslog.is_empty() {
            None
        } else {
            let msg = syslog_message(&line, now);
            match send_syslog(&self.config.audit.syslog, &msg).await {
                Ok(()) => Some(true),
                Err(e) => {
                    tracing::warn!(error = %e, "sending the audit anchor to syslog failed");
                    Some(false)
                }
            }
        };
        let mut tx = self.db.begin().await?;
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::system(),
            Event::new(
                if kind == "restore" {
                    "audit_restore_anchored"
                } else {
                    "audit_anchored"
                },
                "audit_log",
                seq,
            )
            .outcome(if syslog_sent == Some(false) {
                Outcome::Failure
            } else {
                Outcome::Success
            })
            .detail(serde_json::json!({
                "seq": seq,
                "head": anchor.head,
                "file": path.display().to_string(),
                "syslog_sent": syslog_sent,
            })),
        )
        .await?;
        tx.commit().await?;
        Ok(Anchored {
            seq,
            head: anchor.head,
            at: anchor.at,
            file: path.display().to_string(),
            syslog_sent,
        })
    }

    /// The server's daily anchoring: anchors when the newest binding anchor is older than
    /// `audit.anchor_interval_hours` (or there is none). Returns what it wrote, if anything.
    pub async fn audit_anchor_if_due(&self) -> Result<Option<Anchored>> {
        let path = self.anchor_file();
        let file = read(&path, &self.keys).map_err(|e| {
            ServiceError::Internal(format!("reading anchor file {}: {e}", path.display()))
        })?;
        let due = match file.latest().and_then(Anchor::time) {
            Some(t) => {
                self.clock.now() - t
                    >= chrono::Duration::hours(self.config.audit.anchor_interval_hours)
            }
            None => true,
        };
        if due {
            self.audit_anchor().await.map(Some)
        } else {
            Ok(None)
        }
    }

    /// The chain walk and the anchor check together; an anchor contradiction is reported as
    /// the report's first broken row.
    pub async fn verify_audit_anchored(&self) -> Result<(audit::VerifyReport, AnchorCheck)> {
        let mut report = audit::verify(&self.db, &self.keys).await?;
        let anchors = check(&self.db, &self.keys, &self.anchor_file()).await?;
        if report.first_broken.is_none() && anchors.first_broken.is_some() {
            report.first_broken = anchors.first_broken;
            report.problem = anchors.problem.clone();
        }
        Ok((report, anchors))
    }
}
