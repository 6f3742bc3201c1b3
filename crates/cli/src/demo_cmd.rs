//! `linghuo demo`: a fresh SQLite database with a synthetic Shanxi in its own directory, a
//! server in demonstration mode, and one login per role printed to the terminal.
//! `linghuo demo seed`: the same data into the configured database, without a server.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use linghuo_service::demo::{DemoLogin, DemoOptions, DemoReport};
use linghuo_service::{Clock, Config, Keys, Service};
use linghuo_storage::Db;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct DemoArgs {
    #[command(subcommand)]
    pub command: Option<DemoCommand>,
    #[command(flatten)]
    pub size: DemoSize,
    /// Address to listen on (default 127.0.0.1:8080).
    #[arg(long)]
    pub listen: Option<String>,
    /// Make the data and print the logins, then exit instead of serving.
    #[arg(long)]
    pub no_serve: bool,
    /// Also write the logins as JSON to this file (mode 0600), for scripts and browser tests.
    #[arg(long, value_name = "FILE")]
    pub logins_json: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// Add a synthetic population to the configured database (no server, no demo mode).
    Seed {
        #[command(flatten)]
        size: DemoSize,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args, Clone, Copy)]
pub struct DemoSize {
    /// Workers (each with a job-seeking profile).
    #[arg(long, default_value_t = 20_000)]
    pub workers: usize,
    /// Job posts (employers: about one per four posts).
    #[arg(long, default_value_t = 6_000)]
    pub jobs: usize,
    /// Seed of the synthetic data (same seed, same people and posts).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

impl From<DemoSize> for DemoOptions {
    fn from(s: DemoSize) -> Self {
        DemoOptions {
            workers: s.workers,
            jobs: s.jobs,
            seed: s.seed,
        }
    }
}

fn print_report(r: &DemoReport) {
    println!(
        "已生成：求职者 {} 人，用人单位 {} 家，岗位 {} 个（在招 {}），报名 {} 条，录用 {} 人（均已自动用工登记），报酬记录 {} 条（其中逾期未确认 {} 条）。用时 {:.1} 秒。",
        r.workers,
        r.employers,
        r.posts,
        r.live_posts,
        r.applications,
        r.hires,
        r.pay_records,
        r.overdue_pay,
        r.seconds
    );
    println!(
        "平台企业报送从业人员 {} 人（演示账户 demo-platform 可查看和上传）。",
        r.platform_workers
    );
    let s = &r.services;
    println!(
        "公共服务：社保缴费记录 {} 个月，经营主体 {} 户，纳税记录 {} 条，人员类别 {} 条（本人申报 {} 条）；登记 {} 人，登记提醒 {} 条；待遇申请 {} 件（批准 {}，不予批准 {}，待初审 {}，待审批 {}，经两人审批 {}），收款账户 {} 个，代发批次 {} 个共 {} 笔（银行回盘成功 {}、失败 {}），免申即享提醒 {} 条；培训课程 {} 个，报名 {} 人次，结业 {} 人；投诉 {} 件（调解 {} 件），政策咨询 {} 条（已答复 {}）；招聘会 {} 场（报名 {} 人次），经营场地 {} 处（申请 {} 件），租金、占道费减免 {} 件，档案 {} 份。其中公共服务用时 {:.1} 秒。",
        s.si_months,
        s.businesses,
        s.tax_records,
        s.groups,
        s.self_declared_groups,
        s.registrations,
        s.suggestions,
        s.applications,
        s.approved,
        s.rejected,
        s.pending_review,
        s.reviewed,
        s.decided,
        s.payees,
        // A batch holds at least one line; a small demo may have nothing to pay yet.
        usize::from(s.batch_lines > 0),
        s.batch_lines,
        s.bank_paid,
        s.bank_failed,
        s.screening_notices,
        s.courses,
        s.enrolments,
        s.completions,
        s.complaints,
        s.mediations,
        s.questions,
        s.answered,
        s.events,
        s.event_registrations,
        s.venues,
        s.venue_applications,
        s.reliefs,
        s.archives,
        s.seconds
    );
}

fn print_logins(address: &str, logins: &[DemoLogin]) {
    println!();
    println!("==============================================================");
    println!("演示省份已就绪：{address}");
    println!("以下账户只在本次演示中有效（密码每次重新生成）：");
    println!();
    for l in logins {
        let scope = if l.scope.is_empty() {
            String::new()
        } else {
            format!("（{}）", l.scope)
        };
        println!(
            "  {:<10} 用户名 {:<16} 密码 {}{}",
            l.role_label, l.username, l.password, scope
        );
    }
    println!();
    println!("经办人员和管理员登录后需要第二重验证：演示模式下验证码直接显示在验证页上。");
    println!("本演示的数据全部为合成数据，与真实人员无关。按 Ctrl+C 结束。");
    println!("==============================================================");
}

/// Marks a directory whose database `linghuo demo` made (and may replace).
const DEMO_MARKER: &str = ".linghuo-demo";

/// Writes a file only its owner can read (the demo passwords are in it).
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)?.write_all(bytes)
}

/// `linghuo demo seed` into the configured database.
pub async fn seed(svc: Service, size: DemoSize, json: bool) -> anyhow::Result<ExitCode> {
    let report = svc.seed_demo(size.into()).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report);
    }
    svc.db.close().await;
    Ok(ExitCode::SUCCESS)
}

/// `linghuo demo`: a fresh database in the demo directory, seeded, served in demo mode.
pub async fn run(
    mut config: Config,
    args: DemoArgs,
    data_dir_flag: Option<std::path::PathBuf>,
) -> anyhow::Result<ExitCode> {
    // The demo never touches the normal database: its own directory (./demo-data unless
    // --data-dir names one; a data_dir from the configuration file is ignored) and its own
    // SQLite file, and it only ever replaces a database it made itself (marked).
    config.server.data_dir =
        data_dir_flag.unwrap_or_else(|| std::path::PathBuf::from("./demo-data"));
    config.database.url = String::new();
    let dir = config.server.data_dir.clone();
    std::fs::create_dir_all(&dir).with_context(|| format!("创建演示目录 {}", dir.display()))?;
    let marker = dir.join(DEMO_MARKER);
    if dir.join("linghuo.db").exists() && !marker.exists() {
        anyhow::bail!(
            "目录 {} 中已有一个不是演示生成的数据库，演示不会覆盖它。请用 --data-dir 指定另一个目录",
            dir.display()
        );
    }
    std::fs::write(&marker, "linghuo demo\n")
        .with_context(|| format!("写入 {}", marker.display()))?;
    // The demo's audit anchors are its own and go with its database (and never to the
    // configured syslog collector).
    config.audit.anchor_file = dir.join("audit-anchors.log");
    config.audit.syslog = String::new();
    for f in [
        "linghuo.db",
        "linghuo.db-wal",
        "linghuo.db-shm",
        "audit-anchors.log",
    ] {
        let p = dir.join(f);
        if p.exists() {
            std::fs::remove_file(&p)
                .with_context(|| format!("删除旧的演示数据 {}", p.display()))?;
        }
    }
    let index = dir.join("market-index");
    if index.exists() {
        std::fs::remove_dir_all(&index)
            .with_context(|| format!("删除旧的搜索索引 {}", index.display()))?;
    }
    config
        .validate()
        .map_err(|e| anyhow::anyhow!("配置有误：{e}"))?;
    let db = Db::connect(&config.database_url())
        .await
        .context("创建演示数据库")?;
    db.migrate().await.context("执行数据库迁移")?;
    let keys = Keys::load_or_create(&config).context("加载密钥")?;
    let svc = Service::new(db, keys, config.clone(), Clock::system())
        .with_market_index_dir(&index)
        .into_demo_mode();
    println!(
        "正在生成演示省份（{} 名求职者，{} 个岗位，种子 {}）……",
        args.size.workers, args.size.jobs, args.size.seed
    );
    let report = svc.seed_demo(args.size.into()).await?;
    print_report(&report);
    let logins = svc.create_demo_accounts().await?;
    let address = format!("http://{}/", config.server.listen);
    if let Some(path) = &args.logins_json {
        write_private(path, &serde_json::to_vec_pretty(&logins)?)
            .with_context(|| format!("写入 {}", path.display()))?;
    }
    if args.no_serve {
        print_logins(&address, &logins);
        svc.db.close().await;
        return Ok(ExitCode::SUCCESS);
    }
    crate::serve_with(svc, || print_logins(&address, &logins)).await?;
    Ok(ExitCode::SUCCESS)
}
