//! The binary end to end: migrate, create an account, serve, answer /healthz, and verify the
//! audit chain — on a fresh data directory.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_linghuo"))
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn http_get(port: u16, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

#[test]
fn migrate_add_user_serve_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let out = bin()
        .args(["--data-dir", data, "migrate"])
        .env_remove("LINGHUO_DATABASE__URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("linghuo.db").exists());

    let out = bin()
        .args([
            "--data-dir",
            data,
            "user",
            "add",
            "--username",
            "li.taiyuan",
            "--name",
            "李经办",
            "--role",
            "staff",
            "--scope",
            "140100",
            "--json",
        ])
        .output()
        .unwrap();
    // Staff accounts are proposed and approved by two administrators, not made at the console.
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--break-glass"));
    let out = bin()
        .args([
            "--data-dir",
            data,
            "user",
            "add",
            "--username",
            "li.taiyuan",
            "--name",
            "李经办",
            "--role",
            "staff",
            "--scope",
            "140100",
            "--break-glass",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let created: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(created["user"]["scope_code"], "140100");
    assert_eq!(created["one_time_password"].as_str().unwrap().len(), 16);
    assert!(created["totp_secret"].as_str().unwrap().len() >= 32);

    // Bad input: a clear Chinese error naming the field, exit status 2, nothing written.
    let out = bin()
        .args([
            "--data-dir",
            data,
            "user",
            "add",
            "--username",
            "admin",
            "--name",
            "x",
            "--role",
            "sysadmin",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("username"));
    let out = bin()
        .args(["--data-dir", data, "user", "list", "--json"])
        .output()
        .unwrap();
    let users: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(users.as_array().unwrap().len(), 1);

    let port = free_port();
    let mut child = bin()
        .args([
            "--data-dir",
            data,
            "serve",
            "--listen",
            &format!("127.0.0.1:{port}"),
        ])
        // The server anchors the audit chain at start: keep the anchor file in the temp dir.
        .env("LINGHUO_AUDIT__ANCHOR_FILE", dir.path().join("anchors.log"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines = std::thread::spawn(move || {
        BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .collect::<Vec<_>>()
    });
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut health = None;
    while Instant::now() < deadline {
        if let Some(r) = http_get(port, "/healthz") {
            health = Some(r);
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let home = http_get(port, "/");
    child.kill().unwrap();
    child.wait().unwrap();
    let printed = lines.join().unwrap().join("\n");
    let health = health.expect("server answered");
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(home.unwrap().contains("晋政办发〔2020〕89号"));
    assert!(
        printed.contains("一次性密码") && printed.contains("验证器密钥"),
        "first start prints the administrator's one-time credentials:\n{printed}"
    );

    let out = bin()
        .args(["--data-dir", data, "audit", "verify", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["checked"].as_i64().unwrap() >= 2);
    assert_eq!(report["first_broken"], serde_json::Value::Null);

    // The key file was generated private.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("keys.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

#[test]
fn config_default_prints_every_section() {
    let out = bin().args(["config", "default"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for section in ["[server]", "[database]", "[security]", "[keys]", "[log]"] {
        assert!(text.contains(section), "{section}");
    }
}

/// `demo seed`, then `market search --json` prints `{"results": [...]}` in rank order with
/// the fields other systems read.
#[test]
fn demo_seed_then_search_json() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run = |args: &[&str]| {
        let out = bin()
            .args(["--data-dir", data])
            .args(args)
            .env_remove("LINGHUO_DATABASE__URL")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&[
        "demo",
        "seed",
        "--workers",
        "200",
        "--jobs",
        "120",
        "--seed",
        "3",
    ]);
    let out = run(&["market", "search", "保洁", "--limit", "5", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = v["results"].as_array().unwrap();
    assert!(!results.is_empty(), "{out}");
    for r in results {
        for k in ["id", "external_id", "title", "score", "why"] {
            assert!(r.get(k).is_some(), "{k} missing in {r}");
        }
    }
    let scores: Vec<f64> = results
        .iter()
        .map(|r| r["score"].as_f64().unwrap())
        .collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "rank order: {scores:?}"
    );
}

/// `demo seed` works at any size: a province of a handful of workers has nothing to pay yet
/// and is seeded without a payment batch instead of stopping with "nothing_to_pay".
#[test]
fn demo_seed_works_at_any_size() {
    for (workers, jobs) in [("20", "4"), ("3", "1")] {
        let dir = tempfile::tempdir().unwrap();
        let out = bin()
            .args(["--data-dir", dir.path().to_str().unwrap()])
            .args(["demo", "seed", "--workers", workers, "--jobs", jobs])
            .env_remove("LINGHUO_DATABASE__URL")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{workers}/{jobs}: {text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains(&format!("求职者 {workers} 人")), "{text}");
    }
}

/// `linghuo policy screen` answers with the configuration's parameter overrides (the same
/// engine as the server), `--set` on top; a bad override is refused naming it, and so is a
/// server start with one.
#[test]
fn policy_screen_uses_the_configured_overrides() {
    let dir = tempfile::tempdir().unwrap();
    let facts = dir.path().join("facts.json");
    std::fs::write(
        &facts,
        r#"{"as_of": "2021-07-15",
            "person": {"groups": ["college_graduate"], "left_school_on": "2020-07-01"},
            "business": {"kind": "individual_household", "registered_on": "2020-11-10",
                         "first_time": true, "operating_normally": true, "employees_driven": 2}}"#,
    )
    .unwrap();
    let config = dir.path().join("linghuo.toml");
    let screen = |overrides: &str, extra: &[&str]| {
        std::fs::write(
            &config,
            format!("[policy]\nparameter_overrides = [{overrides}]\n"),
        )
        .unwrap();
        bin()
            .args(["--config", config.to_str().unwrap(), "policy", "screen"])
            .arg(&facts)
            .args(extra)
            .output()
            .unwrap()
    };
    let startup = |out: &std::process::Output| -> (String, serde_json::Value) {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let b = v["benefits"]
            .as_array()
            .unwrap()
            .iter()
            .find(|b| b["id"] == "startup_subsidy")
            .unwrap()
            .clone();
        (
            b["amount"].as_str().unwrap().to_owned(),
            v["receipt"]["overrides"].clone(),
        )
    };
    let (amount, overrides) = startup(&screen("", &[]));
    assert_eq!(amount, "2000.00", "the document: 1,000 per person driven");
    assert!(
        overrides.is_null(),
        "no overrides, none on the receipt: {overrides}"
    );
    let (amount, overrides) = startup(&screen(
        r#""startup_subsidy.per_person=800@2019-01-01""#,
        &[],
    ));
    assert_eq!(amount, "1600.00");
    assert_eq!(
        overrides,
        serde_json::json!(["startup_subsidy.per_person=800@2019-01-01"])
    );
    let (amount, _) = startup(&screen(
        r#""startup_subsidy.per_person=800@2019-01-01""#,
        &["--set", "startup_subsidy.per_person=900@2020-01-01"],
    ));
    assert_eq!(amount, "1800.00", "--set overlays the configured value");
    let out = screen(r#""startup_subsidy.per_persn=800@2019-01-01""#, &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("policy.parameter_overrides[0]") && err.contains("per_persn"),
        "{err}"
    );
    // A server with that configuration does not start, and says which entry is wrong.
    let out = bin()
        .args(["--config", config.to_str().unwrap(), "--data-dir"])
        .arg(dir.path().join("data"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env_remove("LINGHUO_DATABASE__URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("policy.parameter_overrides[0]") && err.contains("per_persn"),
        "{err}"
    );
}

/// `linghuo demo` never replaces a database it did not make.
#[test]
fn demo_refuses_a_directory_with_a_real_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let out = bin()
        .args(["--data-dir", data, "migrate"])
        .env_remove("LINGHUO_DATABASE__URL")
        .output()
        .unwrap();
    assert!(out.status.success());
    let before = std::fs::metadata(dir.path().join("linghuo.db"))
        .unwrap()
        .len();
    let out = bin()
        .args([
            "--data-dir",
            data,
            "demo",
            "--no-serve",
            "--workers",
            "20",
            "--jobs",
            "10",
        ])
        .env_remove("LINGHUO_DATABASE__URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("不会覆盖"));
    assert_eq!(
        std::fs::metadata(dir.path().join("linghuo.db"))
            .unwrap()
            .len(),
        before
    );
}

/// `market suggestions --json` prints the province's list (`scope`, `total`, `pending`,
/// `entries`); `--xlsx` writes the upward report as an Excel workbook; a wrong status is
/// refused naming the field.
#[test]
fn market_suggestions_json_and_xlsx() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run = |args: &[&str]| {
        bin()
            .args(["--data-dir", data])
            .args(args)
            .env_remove("LINGHUO_DATABASE__URL")
            .output()
            .unwrap()
    };
    assert!(run(&["migrate"]).status.success());
    let report = dir.path().join("上报表.xlsx");
    let out = run(&[
        "market",
        "suggestions",
        "--json",
        "--xlsx",
        report.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["scope"], "山西省");
    assert_eq!(v["total"], 0);
    assert!(v["entries"].as_array().unwrap().is_empty());
    let bytes = std::fs::read(&report).unwrap();
    assert!(bytes.starts_with(b"PK"), "an .xlsx is a zip file");
    let out = run(&["market", "suggestions", "--status", "maybe"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("status"));
}

#[test]
fn guide_list_show_and_windows_after_an_import() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let run = |args: &[&str]| {
        bin()
            .args(["--data-dir", data])
            .args(args)
            .env_remove("LINGHUO_DATABASE__URL")
            .output()
            .unwrap()
    };
    let out = run(&["guide", "list", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().any(|e| e["key"] == "onething"));
    let out = run(&["guide", "show", "onething"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("灵活就业一件事") && text.contains("不收费"),
        "{text}"
    );
    assert_eq!(run(&["guide", "show", "nothing"]).status.code(), Some(2));
    // A bad row: named, nothing imported, exit 2; then a good file.
    let file = dir.path().join("windows.csv");
    std::fs::write(
        &file,
        "区县代码,窗口名称,地址,办公时间,咨询电话\n999999,某窗口,某地址,工作日,0351-1234567\n",
    )
    .unwrap();
    let out = run(&["import", "windows", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("第2行 区县代码"));
    std::fs::write(
        &file,
        "区县代码,窗口名称,地址,办公时间,咨询电话\n140105,小店区人社局就业服务窗口,太原市小店区某路1号,工作日9:00—17:00,0351-1234567\n",
    )
    .unwrap();
    let out = run(&["import", "windows", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&["guide", "windows", "--county", "140105", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["address"], "太原市小店区某路1号");
    let out = run(&["guide", "windows", "--county", "140106"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("没有录入办事窗口"));
}
