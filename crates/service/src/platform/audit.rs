//! The audit trail (SECURITY.md E1–E4): every state change that matters and every security
//! event becomes a row in the same transaction as the change, chained by
//! `h_n = HMAC(k_audit, h_{n-1} ‖ canonical(record_n))`.

use chrono::{DateTime, SecondsFormat, Utc};
use linghuo_storage::audit::{self as repo, AuditRow};
use linghuo_storage::{Db, Tx};
use serde::Serialize;
use uuid::Uuid;

use crate::access::{Actor, RequestMeta};
use crate::protect::Keys;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Denied => "denied",
        }
    }
}

/// Who did it: an account, or an unauthenticated caller (login attempts).
#[derive(Clone, Debug)]
pub struct AuditActor {
    pub id: Option<Uuid>,
    pub name: String,
    pub role: String,
    pub meta: RequestMeta,
}

impl From<&Actor> for AuditActor {
    fn from(a: &Actor) -> Self {
        AuditActor {
            id: Some(a.user_id),
            name: a.username.clone(),
            role: a.role.as_str().into(),
            meta: a.meta.clone(),
        }
    }
}

impl AuditActor {
    pub fn anonymous(meta: &RequestMeta) -> Self {
        AuditActor {
            id: None,
            name: String::new(),
            role: "anonymous".into(),
            meta: meta.clone(),
        }
    }

    pub fn system() -> Self {
        AuditActor {
            id: None,
            name: "system".into(),
            role: "system".into(),
            meta: RequestMeta::default(),
        }
    }
}

/// One event to record.
#[derive(Clone, Debug)]
pub struct Event {
    pub event_type: &'static str,
    pub outcome: Outcome,
    pub object_type: &'static str,
    pub object_id: String,
    pub region_code: String,
    pub detail: serde_json::Value,
}

impl Event {
    pub fn new(
        event_type: &'static str,
        object_type: &'static str,
        object_id: impl ToString,
    ) -> Event {
        Event {
            event_type,
            outcome: Outcome::Success,
            object_type,
            object_id: object_id.to_string(),
            region_code: String::new(),
            detail: serde_json::Value::Object(Default::default()),
        }
    }

    pub fn outcome(mut self, o: Outcome) -> Self {
        self.outcome = o;
        self
    }

    pub fn region(mut self, code: impl Into<String>) -> Self {
        self.region_code = code.into();
        self
    }

    pub fn detail(mut self, d: serde_json::Value) -> Self {
        self.detail = d;
        self
    }
}

fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The canonical bytes of a record: a JSON array in a fixed field order. JSON escaping also
/// neutralises CR/LF and control characters (E4).
fn canonical(r: &AuditRow) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!([
        r.seq,
        ts(&r.at),
        r.actor_id.map(|u| u.to_string()),
        r.actor_name,
        r.actor_role,
        r.event_type,
        r.outcome,
        r.object_type,
        r.object_id,
        r.region_code,
        r.ip,
        r.request_id,
        r.detail,
    ]))
    .expect("json of plain values")
}

/// Appends an event inside the caller's transaction.
pub async fn record(
    tx: &mut Tx,
    keys: &Keys,
    at: DateTime<Utc>,
    actor: &AuditActor,
    e: Event,
) -> crate::Result<i64> {
    let (seq, prev) = repo::lock_head(tx).await?;
    let mut row = AuditRow {
        seq: seq + 1,
        at,
        actor_id: actor.id,
        actor_name: actor.name.clone(),
        actor_role: actor.role.clone(),
        event_type: e.event_type.into(),
        outcome: e.outcome.as_str().into(),
        object_type: e.object_type.into(),
        object_id: e.object_id,
        region_code: e.region_code,
        ip: actor.meta.ip.clone(),
        request_id: actor.meta.request_id.clone(),
        detail: serde_json::to_string(&e.detail).expect("json"),
        prev_hash: prev,
        hash: Vec::new(),
    };
    row.hash = keys.audit_mac(&[&row.prev_hash, &canonical(&row)]);
    repo::append(tx, &row).await?;
    Ok(row.seq)
}

/// Result of walking the chain.
#[derive(Clone, Debug, Serialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct VerifyReport {
    pub checked: i64,
    pub head_seq: i64,
    /// The first sequence number whose row does not verify, if any.
    pub first_broken: Option<i64>,
    pub problem: Option<String>,
}

/// Walks the whole chain and reports the first broken link.
pub async fn verify(db: &Db, keys: &Keys) -> crate::Result<VerifyReport> {
    let mut prev = vec![0u8; 32];
    let mut expected_seq = 1;
    let mut checked = 0;
    let broken = |seq: i64, checked: i64, head: i64, why: &str| VerifyReport {
        checked,
        head_seq: head,
        first_broken: Some(seq),
        problem: Some(why.into()),
    };
    let (head_seq, head_hash) = repo::head(db).await?;
    let mut after = 0;
    loop {
        let rows = repo::page(db, after, 1000).await?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            if r.seq != expected_seq {
                return Ok(broken(
                    expected_seq,
                    checked,
                    head_seq,
                    "序号不连续：记录缺失或被重排",
                ));
            }
            if r.prev_hash != prev {
                return Ok(broken(r.seq, checked, head_seq, "前一条记录的哈希不一致"));
            }
            let h = keys.audit_mac(&[&r.prev_hash, &canonical(r)]);
            if h != r.hash {
                return Ok(broken(
                    r.seq,
                    checked,
                    head_seq,
                    "记录内容与哈希不符：记录被修改",
                ));
            }
            prev = r.hash.clone();
            expected_seq += 1;
            checked += 1;
            after = r.seq;
        }
    }
    if checked != head_seq || prev != head_hash {
        return Ok(broken(
            checked + 1,
            checked,
            head_seq,
            "链头与最后一条记录不一致：末尾记录被删除",
        ));
    }
    Ok(VerifyReport {
        checked,
        head_seq,
        first_broken: None,
        problem: None,
    })
}

impl crate::Service {
    /// Recent audit rows, for the audit administrator only (B6).
    pub async fn audit_recent(
        &self,
        actor: &crate::Actor,
        event_type: Option<&str>,
        limit: i64,
    ) -> crate::Result<Vec<linghuo_storage::audit::AuditRow>> {
        actor.require_role(&[crate::Role::AuditAdmin])?;
        Ok(repo::recent(&self.db, event_type, limit.clamp(1, 1000)).await?)
    }

    /// Verifies the chain on behalf of the audit administrator, and records that it did.
    pub async fn audit_verify_as(&self, actor: &crate::Actor) -> crate::Result<VerifyReport> {
        actor.require_role(&[crate::Role::AuditAdmin])?;
        let report = self.verify_audit().await?;
        let mut tx = self.db.begin().await?;
        let outcome = if report.first_broken.is_none() {
            Outcome::Success
        } else {
            Outcome::Failure
        };
        record(
            &mut tx,
            &self.keys,
            self.clock.now(),
            &AuditActor::from(actor),
            Event::new("audit_verified", "audit_log", report.head_seq).outcome(outcome),
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }
}
