//! Sending short messages to a person's phone: password-reset codes (issue 16 item 6) and
//! the SMS copies of the notices that matter (item 7, through the outbox).
//!
//! `Notifier` is the interface; two adapters implement it:
//! - `SmsGateway`: an HTTP POST of `{"phone": "...", "text": "..."}` (JSON) to the
//!   configured `[notify] sms_gateway_url`, with `Authorization: Bearer <token>`; any 2xx
//!   answer counts as accepted. Plain `http://` only (the gateway sits on the government
//!   network or behind a local TLS proxy); the request is written by hand over a TCP stream,
//!   so the server needs no HTTP client library.
//! - `LogNotifier`: writes the message to the log with the phone masked, and keeps the last
//!   few in memory. `linghuo demo`, and any server without a gateway, uses it, so the demo
//!   shows what it would send.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use linghuo_domain::masking::mask_phone_str;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The adapter of a configuration: the SMS gateway when a URL is set (`Config::validate`
/// has checked it), else the log adapter, returned twice so its memory can be read.
pub fn from_config(c: &crate::config::NotifyConfig) -> (Arc<dyn Notifier>, Option<LogNotifier>) {
    if !c.sms_gateway_url.is_empty() {
        let token = c
            .sms_gateway_token
            .as_ref()
            .map(|t| t.0.as_str())
            .unwrap_or("");
        match SmsGateway::new(&c.sms_gateway_url, token, c.timeout_secs) {
            Ok(g) => return (Arc::new(g), None),
            Err(e) => tracing::error!(error = %e, "SMS gateway not usable; messages go to the log"),
        }
    }
    let log = LogNotifier::new();
    (Arc::new(log.clone()), Some(log))
}

/// A send in progress.
pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), String>> + Send + 'a>>;

/// Sends one short message to one phone. `Err` carries a reason for the log and the outbox
/// (never the phone number).
pub trait Notifier: Send + Sync {
    fn send<'a>(&'a self, phone: &'a str, text: &'a str) -> SendFuture<'a>;
    /// For the log and `linghuo outbox`: "sms_gateway" or "log".
    fn name(&self) -> &'static str;
}

/// One message the log adapter "sent".
#[derive(Clone, Debug)]
pub struct LoggedMessage {
    /// The full number (kept in memory only, never written to the log).
    pub phone: String,
    pub text: String,
}

/// Logs each message (phone masked) and keeps the last 200 in memory.
#[derive(Clone, Default)]
pub struct LogNotifier {
    recent: Arc<Mutex<VecDeque<LoggedMessage>>>,
}

impl LogNotifier {
    pub fn new() -> LogNotifier {
        LogNotifier::default()
    }

    /// The messages sent so far (newest last).
    pub fn recent(&self) -> Vec<LoggedMessage> {
        self.recent
            .lock()
            .map(|r| r.iter().cloned().collect())
            .unwrap_or_default()
    }
}

impl Notifier for LogNotifier {
    fn send<'a>(&'a self, phone: &'a str, text: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            tracing::info!(phone = %mask_phone_str(phone), text, "短信（未配置短信网关，仅记录）");
            if let Ok(mut r) = self.recent.lock() {
                if r.len() >= 200 {
                    r.pop_front();
                }
                r.push_back(LoggedMessage {
                    phone: phone.to_owned(),
                    text: text.to_owned(),
                });
            }
            Ok(())
        })
    }

    fn name(&self) -> &'static str {
        "log"
    }
}

/// The SMS gateway of `[notify]`.
#[derive(Clone)]
pub struct SmsGateway {
    host: String,
    port: u16,
    path: String,
    token: String,
    timeout: Duration,
}

impl std::fmt::Debug for SmsGateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmsGateway")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("path", &self.path)
            .finish()
    }
}

impl SmsGateway {
    /// A gateway at `url` (`http://host[:port]/path`); the token is sent as a bearer token.
    pub fn new(url: &str, token: &str, timeout_secs: u64) -> Result<SmsGateway, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or("短信网关地址须以 http:// 开头")?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (
                h,
                p.parse::<u16>()
                    .map_err(|_| format!("短信网关端口无效：{p}"))?,
            ),
            _ => (authority, 80),
        };
        if host.is_empty()
            || authority.contains('@')
            || path.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(format!("短信网关地址无效：{url}"));
        }
        if token.chars().any(|c| c.is_control()) {
            return Err("短信网关令牌不能含控制字符".into());
        }
        Ok(SmsGateway {
            host: host.to_owned(),
            port,
            path: path.to_owned(),
            token: token.to_owned(),
            timeout: Duration::from_secs(timeout_secs.max(1)),
        })
    }

    async fn post(&self, body: &[u8]) -> Result<(), String> {
        let mut stream = tokio::net::TcpStream::connect((self.host.as_str(), self.port))
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let host_header = if self.port == 80 {
            self.host.clone()
        } else {
            format!("{}:{}", self.host, self.port)
        };
        let mut head = format!(
            "POST {} HTTP/1.1\r\nHost: {host_header}\r\nContent-Type: application/json; charset=utf-8\r\n\
             Content-Length: {}\r\nConnection: close\r\nUser-Agent: linghuo\r\n",
            self.path,
            body.len()
        );
        if !self.token.is_empty() {
            head.push_str(&format!("Authorization: Bearer {}\r\n", self.token));
        }
        head.push_str("\r\n");
        stream
            .write_all(head.as_bytes())
            .await
            .map_err(|e| format!("write: {e}"))?;
        stream
            .write_all(body)
            .await
            .map_err(|e| format!("write: {e}"))?;
        // The status line is all we need: read until its end (or 4 KiB).
        let mut buf = Vec::with_capacity(256);
        let mut chunk = [0u8; 512];
        while !buf.windows(2).any(|w| w == b"\r\n") && buf.len() < 4096 {
            let n = stream
                .read(&mut chunk)
                .await
                .map_err(|e| format!("read: {e}"))?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let line = String::from_utf8_lossy(&buf);
        let status = line
            .lines()
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or("gateway answered without an HTTP status")?;
        if (200..300).contains(&status) {
            Ok(())
        } else {
            Err(format!("gateway answered HTTP {status}"))
        }
    }
}

impl Notifier for SmsGateway {
    fn send<'a>(&'a self, phone: &'a str, text: &'a str) -> SendFuture<'a> {
        Box::pin(async move {
            let body = serde_json::to_vec(&serde_json::json!({"phone": phone, "text": text}))
                .map_err(|e| e.to_string())?;
            match tokio::time::timeout(self.timeout, self.post(&body)).await {
                Ok(r) => r,
                Err(_) => Err("gateway timed out".into()),
            }
        })
    }

    fn name(&self) -> &'static str {
        "sms_gateway"
    }
}

/// What one pass of the SMS sender did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct OutboxRun {
    pub sent: usize,
    pub failed: usize,
    pub dropped: usize,
}

/// The outbox's state for `linghuo sms status` and the operator.
#[derive(Clone, Debug, serde::Serialize)]
pub struct OutboxState {
    pub adapter: &'static str,
    pub counts: Vec<(String, i64)>,
    pub oldest_pending: Option<chrono::DateTime<chrono::Utc>>,
}

/// How long the next try waits after `attempts` failed ones: 1, 2, 4 … minutes, at most six
/// hours. A message is never given up for failing; it waits for the gateway to come back.
pub fn retry_delay(attempts: i64) -> chrono::Duration {
    let minutes = 1i64 << attempts.clamp(0, 9);
    chrono::Duration::minutes(minutes.min(360))
}

/// An attempt in progress holds its message this long; a sender that dies mid-send leaves
/// it to be tried again afterwards.
const LEASE_MINUTES: i64 = 5;

impl crate::Service {
    /// Sends the due messages of the SMS outbox through the configured adapter.
    pub async fn deliver_sms(&self) -> crate::Result<OutboxRun> {
        let n = self.notifier.clone();
        self.deliver_sms_with(n.as_ref()).await
    }

    /// Sends the due messages of the SMS outbox through `notifier`: each is claimed (so two
    /// servers never send it twice at once), sent to the phone the account has now (the
    /// person's record, or the employer's contact), and marked sent, or tried again later
    /// with a growing wait. A message whose owner withdrew consent, was disabled or has no
    /// phone is marked dropped; the in-site notice stays either way.
    pub async fn deliver_sms_with(&self, notifier: &dyn Notifier) -> crate::Result<OutboxRun> {
        use linghuo_storage::sms_outbox;
        let now = self.clock.now();
        let mut run = OutboxRun::default();
        for row in sms_outbox::due(&self.db, now, 200).await? {
            let lease = now + chrono::Duration::minutes(LEASE_MINUTES);
            if !sms_outbox::claim(&self.db, row.id, row.next_attempt_at, lease).await? {
                continue;
            }
            let user = linghuo_storage::users::by_id(&self.db, row.user_id).await?;
            let consent = linghuo_storage::users::sms_consent(&self.db, row.user_id).await?;
            let phone = match &user {
                Some(u) if consent && !u.disabled => self.phone_of_account(u).await?,
                _ => None,
            };
            let Some(phone) = phone else {
                let why = if consent { "no phone" } else { "no consent" };
                sms_outbox::mark_dropped(&self.db, row.id, why).await?;
                run.dropped += 1;
                continue;
            };
            let text = format!(
                "【灵活就业服务平台】{}。详情请登录平台“消息”查看。",
                row.message.trim_end_matches('。')
            );
            match notifier.send(&phone, &text).await {
                Ok(()) => {
                    sms_outbox::mark_sent(&self.db, row.id, self.clock.now()).await?;
                    run.sent += 1;
                }
                Err(e) => {
                    tracing::warn!(error = %e, adapter = notifier.name(), attempts = row.attempts + 1, "SMS notice not sent; will retry");
                    let next = self.clock.now() + retry_delay(row.attempts);
                    sms_outbox::mark_failed(&self.db, row.id, &e, next).await?;
                    run.failed += 1;
                }
            }
        }
        Ok(run)
    }

    /// The outbox by status and the adapter in use.
    pub async fn sms_outbox_state(&self) -> crate::Result<OutboxState> {
        let (counts, oldest_pending) = linghuo_storage::sms_outbox::summary(&self.db).await?;
        Ok(OutboxState {
            adapter: self.notifier.name(),
            counts,
            oldest_pending,
        })
    }

    /// The phone number an account's messages go to: the worker's person record, or the
    /// employer's contact phone.
    async fn phone_of_account(
        &self,
        u: &linghuo_storage::users::UserRow,
    ) -> crate::Result<Option<String>> {
        let sealed = if let Some(pid) = u.person_id {
            linghuo_storage::persons::by_id(&self.db, pid)
                .await?
                .and_then(|p| p.phone_cipher)
                .map(|c| (crate::protect::context("persons.phone", &pid), c))
        } else if let Some(eid) = linghuo_storage::market::user_employer(&self.db, u.id).await? {
            linghuo_storage::market::employer(&self.db, eid)
                .await?
                .and_then(|e| e.contact_phone_cipher)
                .map(|c| (crate::protect::context("employers.contact_phone", &eid), c))
        } else {
            None
        };
        Ok(sealed.and_then(|(ctx, c)| {
            self.keys
                .open(&ctx, &c)
                .ok()
                .map(|p| String::from_utf8_lossy(&p).into_owned())
        }))
    }

    /// Whether the owner of the caller's account allows notices by SMS.
    pub async fn sms_consent(&self, actor: &crate::Actor) -> crate::Result<bool> {
        Ok(linghuo_storage::users::sms_consent(&self.db, actor.user_id).await?)
    }

    /// The owner allows (or stops) notices by SMS; audited.
    pub async fn set_sms_consent(&self, actor: &crate::Actor, consent: bool) -> crate::Result<()> {
        actor.require_role(&[crate::Role::Worker, crate::Role::Employer])?;
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        linghuo_storage::users::set_sms_consent(&mut tx, actor.user_id, consent, now).await?;
        crate::audit::record(
            &mut tx,
            &self.keys,
            now,
            &crate::audit::AuditActor::from(actor),
            crate::audit::Event::new("sms_consent_changed", "user", actor.user_id)
                .detail(serde_json::json!({"consent": consent})),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_urls() {
        let g = SmsGateway::new("http://10.0.0.5:8080/sms/send", "t", 5).unwrap();
        assert_eq!(
            (g.host.as_str(), g.port, g.path.as_str()),
            ("10.0.0.5", 8080, "/sms/send")
        );
        let g = SmsGateway::new("http://sms.example", "", 5).unwrap();
        assert_eq!((g.port, g.path.as_str()), (80, "/"));
        assert!(SmsGateway::new("https://sms.example/", "", 5).is_err());
        assert!(SmsGateway::new("http://user@sms.example/", "", 5).is_err());
        assert!(SmsGateway::new("http://:80/", "", 5).is_err());
    }

    #[tokio::test]
    async fn gateway_posts_json_and_reads_the_status() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            let mut answers = Vec::new();
            for status in ["200 OK", "503 Busy"] {
                let (mut s, _) = listener.accept().await.unwrap();
                let mut buf = vec![0u8; 4096];
                let mut got = Vec::new();
                loop {
                    let n = s.read(&mut buf).await.unwrap();
                    got.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&got).to_string();
                    if let Some(i) = text.find("\r\n\r\n") {
                        let len: usize = text
                            .lines()
                            .find_map(|l| l.strip_prefix("Content-Length: "))
                            .unwrap()
                            .parse()
                            .unwrap();
                        if got.len() >= i + 4 + len {
                            answers.push(text);
                            break;
                        }
                    }
                }
                s.write_all(format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n").as_bytes())
                    .await
                    .unwrap();
            }
            answers
        });
        let g = SmsGateway::new(&format!("http://127.0.0.1:{port}/send"), "secret", 5).unwrap();
        assert_eq!(g.send("13800138000", "您好").await, Ok(()));
        assert!(
            g.send("13800138000", "您好")
                .await
                .unwrap_err()
                .contains("503")
        );
        let answers = server.await.unwrap();
        assert!(answers[0].starts_with("POST /send HTTP/1.1\r\n"));
        assert!(answers[0].contains("Authorization: Bearer secret\r\n"));
        assert!(answers[0].ends_with(r#"{"phone":"13800138000","text":"您好"}"#));
    }
}
