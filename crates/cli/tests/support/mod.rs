//! The HTTP client and server handling shared by the tests that run the real `linghuo`
//! binary (crash.rs, cluster.rs): plain HTTP/1.1 over TCP, a server process that can be
//! SIGKILLed and started again, and the staff login with its second factor.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use linghuo_service::totp;
use serde_json::{Value, json};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A deterministic generator (the seed is printed so a failure can be replayed).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
}

pub struct Resp {
    pub status: u16,
    pub cookie: Option<String>,
    pub body: String,
}

/// One HTTP/1.1 request with `Connection: close`; None when the server is not answering.
pub fn request(
    port: u16,
    method: &str,
    path: &str,
    session: &Session,
    body: Option<&Value>,
    extra: &[(&str, &str)],
) -> Option<Resp> {
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(c) = &session.cookie {
        head.push_str(&format!("Cookie: __Host-lh_session={c}\r\n"));
    }
    if !session.csrf.is_empty() {
        head.push_str(&format!("X-CSRF-Token: {}\r\n", session.csrf));
    }
    for (k, v) in extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).ok()?;
    s.write_all(body.as_bytes()).ok()?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).ok()?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (headers, rest) = text.split_once("\r\n\r\n")?;
    let status: u16 = headers.split(' ').nth(1)?.parse().ok()?;
    let mut cookie = None;
    let mut chunked = false;
    for line in headers.lines() {
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("set-cookie: __host-lh_session=") {
            let v = &line["set-cookie: __Host-lh_session=".len()..];
            cookie = Some(v.split(';').next().unwrap_or("").to_owned());
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    let body = if chunked {
        let mut out = String::new();
        let mut rest = rest;
        while let Some((size, tail)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).ok()?;
            if n == 0 {
                break;
            }
            out.push_str(tail.get(..n)?);
            rest = tail.get(n + 2..)?;
        }
        out
    } else {
        rest.to_owned()
    };
    Some(Resp {
        status,
        cookie,
        body,
    })
}

#[derive(Clone, Default)]
pub struct Session {
    pub cookie: Option<String>,
    pub csrf: String,
}

pub struct Server {
    pub port: u16,
    pub data: String,
    pub db_url: String,
    /// More environment for the server (e.g. a shared key file).
    pub env: Vec<(String, String)>,
    pub child: Option<Child>,
}

impl Server {
    pub fn start(&mut self) {
        let child = Command::new(env!("CARGO_BIN_EXE_linghuo"))
            .args([
                "--data-dir",
                &self.data,
                "serve",
                "--listen",
                &format!("127.0.0.1:{}", self.port),
            ])
            .env("LINGHUO_DATABASE__URL", &self.db_url)
            // The server anchors the audit chain at start: keep the anchors in its data dir.
            .env(
                "LINGHUO_AUDIT__ANCHOR_FILE",
                std::path::Path::new(&self.data).join("audit-anchors.log"),
            )
            .env("LINGHUO_LOG__LEVEL", "error")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(if std::env::var_os("TEST_CRASH_VERBOSE").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .spawn()
            .expect("server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if let Some(r) = request(self.port, "GET", "/healthz", &Session::default(), None, &[])
                && r.status == 200
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("server did not come back");
    }

    /// SIGKILL: no chance to finish anything.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Sends until the server answers (it may be restarting).
pub fn call(
    port: u16,
    method: &str,
    path: &str,
    s: &Session,
    body: Option<&Value>,
    extra: &[(&str, &str)],
) -> Resp {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(r) = request(port, method, path, s, body, extra)
            && r.status != 502
            && r.status != 503
        {
            return r;
        }
        assert!(Instant::now() < deadline, "{method} {path}: no answer");
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn json_of(r: &Resp) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|_| panic!("{} {}", r.status, r.body))
}

pub fn login(port: u16, username: &str, password: &str, secret: &[u8], step: &mut i64) -> Session {
    let mut s = Session::default();
    let r = call(port, "GET", "/api/v1/session", &s, None, &[]);
    s.cookie = r.cookie.clone();
    s.csrf = json_of(&r)["csrf_token"].as_str().unwrap().to_owned();
    let r = call(
        port,
        "POST",
        "/api/v1/session",
        &s,
        Some(&json!({"username": username, "password": password})),
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    if let Some(c) = r.cookie.clone() {
        s.cookie = Some(c);
    }
    s.csrf = json_of(&r)["csrf_token"].as_str().unwrap().to_owned();
    // Each account's code of the current time step (accepted once per account).
    *step = chrono::Utc::now().timestamp() / 30;
    let code = totp::code_at_step(secret, *step);
    let r = call(
        port,
        "POST",
        "/api/v1/session/totp",
        &s,
        Some(&json!({"code": code})),
        &[],
    );
    assert_eq!(r.status, 200, "{}", r.body);
    if let Some(c) = r.cookie {
        s.cookie = Some(c);
    }
    // Different for every account, without the user name in it (the policy refuses that).
    let salt = username.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let new = format!("黄河远上白云间 2026 {salt:x}");
    let r = call(
        port,
        "POST",
        "/api/v1/session/password",
        &s,
        Some(&json!({"old_password": password, "new_password": new})),
        &[],
    );
    assert_eq!(r.status, 204, "{}", r.body);
    if let Some(c) = r.cookie {
        s.cookie = Some(c);
    }
    s
}

/// A valid ID number of 小店区, born on one of eighteen days of May 1988 (so a thousand
/// sequence numbers a day do not repeat).
pub fn id_number(seq: u32) -> String {
    let birth = format!("198805{:02}", 10 + (seq / 1000) % 18);
    linghuo_domain::testing::id_number("140105", &birth, seq)
}

pub fn base64_encode(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}
