//! `linghuo`: the one binary of the platform — serve, migrate, manage accounts, verify the
//! audit chain, run the policy engine and benchmarks.

mod assistance_cmd;
mod bench_http;
mod bench_import;
mod bench_market;
mod bench_policy;
mod bench_search_quality;
mod bench_stats;
mod bench_takeup;
mod benefits_cmd;
mod demo_cmd;
mod guide_cmd;
mod import_cmd;
mod market_cmd;
mod ops_cmd;
mod policy_cmd;
mod settings;

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand};
use linghuo_service::accounts::{CreatedUser, NewUser};
use linghuo_service::{Clock, Config, Keys, Service};
use linghuo_storage::Db;

#[derive(Debug, Parser)]
#[command(
    name = "linghuo",
    version,
    about = "灵活就业服务平台 (晋政办发〔2020〕89号) — linghuo"
)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args, Clone, Default)]
pub struct GlobalArgs {
    /// Configuration file (TOML). Default: config/linghuo.toml when it exists.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// Directory for the SQLite database, keys and local state.
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<std::path::PathBuf>,
    /// Database URL: sqlite:PATH or postgres://user@host/db.
    #[arg(long, global = true, value_name = "URL")]
    database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (migrations are applied first).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long)]
        listen: Option<String>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Configuration.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The policy engine of 晋政办发〔2020〕89号.
    #[command(subcommand)]
    Policy(policy_cmd::PolicyCommand),
    /// Benchmarks (results go to BENCHMARKS.md).
    #[command(subcommand)]
    Bench(BenchCommand),
    /// A demo province: fresh SQLite with synthetic Shanxi data, served in demo mode with a
    /// login for every role (`demo seed` adds the data to the configured database instead).
    Demo(demo_cmd::DemoArgs),
    /// 办事指南 and the counties' service windows.
    #[command(subcommand)]
    Guide(guide_cmd::GuideCommand),
    /// Bulk import of staff spreadsheets (.xlsx, .csv).
    #[command(subcommand)]
    Import(import_cmd::ImportCommand),
    /// The gig market: search index, search, import, upkeep.
    #[command(subcommand)]
    Market(market_cmd::MarketCommand),
    /// Benefits: 免申即享 screening, retroactive recalculation, the ledger check.
    #[command(subcommand)]
    Benefits(benefits_cmd::BenefitsCommand),
    /// 困难群众转介民政 (四(十一)) and county fund budgets (五(十二)).
    #[command(subcommand)]
    Assistance(assistance_cmd::AssistanceCommand),
    /// Complaints and mediation (三(五), 四(十)).
    #[command(subcommand)]
    Complaints(ComplaintsCommand),
    /// Designated selling places (夜市, 摊点, 便民市场, 景区销售区) and gig-market sites.
    #[command(subcommand)]
    Places(PlacesCommand),
    /// Published typical cases and policy news (五(十四)), and the departments 违规收费
    /// reports are routed to (三(五)).
    #[command(subcommand)]
    News(NewsCommand),
    /// SMS notices: the outbox's state, or one sending pass.
    #[command(subcommand)]
    Sms(SmsCommand),
    /// The pre-aggregated statistics.
    #[command(subcommand)]
    Stats(StatsCommand),
    /// Data keys: rotation and retirement of old keys.
    #[command(subcommand)]
    Keys(ops_cmd::KeysCommand),
    /// Back up the SQLite database while it is in use (keys are not included).
    Backup(ops_cmd::BackupArgs),
    /// Restore the SQLite database from a backup, then verify its audit chain.
    Restore(ops_cmd::RestoreArgs),
}

#[derive(Debug, Subcommand)]
enum StatsCommand {
    /// Recompute every statistics cell from the raw rows and list the cells that differ;
    /// exits 1 when any does. With --repair, replace the cells with the recomputed ones.
    Check {
        #[arg(long)]
        repair: bool,
        #[arg(long)]
        json: bool,
    },
    /// Make a take-up snapshot (政策享受率) now: every registered person decided as of today,
    /// counted per county and benefit, as the server's daily job does; waits for it.
    Takeup {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum PlacesCommand {
    /// The public register of designated places open for applications: hours, pitches, fee
    /// and clause.
    List {
        /// A county (or city) code; every county when absent.
        #[arg(long)]
        county: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The public register of 零工市场/劳务市场/零工驿站 with hours, services and coordinates.
    Sites {
        /// A county (or city) code; every county when absent.
        #[arg(long)]
        county: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ComplaintsCommand {
    /// Run the complaints upkeep once: escalate complaints past their time limits to the
    /// city (once each), and 违规收费 reports one level up (county to city, city to
    /// province), and notify the staff of both levels.
    Upkeep {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum NewsCommand {
    /// List published articles, newest first.
    List {
        /// case (典型案例) or news (政策动态).
        #[arg(long)]
        kind: Option<String>,
        /// Only articles illustrating this clause, e.g. 二(一).
        #[arg(long)]
        clause: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// List the responsible departments fee reports are routed to.
    FeeDepartments {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum SmsCommand {
    /// How many SMS notices are pending, sent and dropped, the oldest pending one, and the
    /// adapter in use (the `[notify]` gateway, or the log).
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Send the due messages once (the server does so every 30 seconds).
    Send {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Create an account at the server console; prints its one-time password (and
    /// second-factor secret) once. Only the first system, security and audit administrator
    /// are created this way; every later account is proposed by one administrator and
    /// approved by the other on the 账户管理 page, and enrolled by its owner. `--break-glass`
    /// creates one anyway (recovery, test rigs); it is audited as such.
    Add {
        #[arg(long)]
        username: String,
        /// Display name (姓名或名称).
        #[arg(long)]
        name: String,
        /// worker, employer, staff, sysadmin, secadmin, auditadmin.
        #[arg(long)]
        role: String,
        /// Region code for staff (province 140000, a city or a county).
        #[arg(long)]
        scope: Option<String>,
        /// Extra permission for staff, e.g. pii:reveal or bank:export (repeatable).
        #[arg(long = "permission")]
        permissions: Vec<String>,
        /// Create the account although it is not the first administrator of its kind.
        #[arg(long)]
        break_glass: bool,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Disable an account and end its sessions.
    Disable { username: String },
    /// Re-enable an account.
    Enable { username: String },
    /// Issue a new one-time password and second-factor secret at the console (recovery when
    /// no second administrator can approve a reset; requires --break-glass, audited).
    Reset {
        username: String,
        #[arg(long)]
        break_glass: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print every setting with its default value (TOML).
    Default,
    /// Print the effective settings (secrets hidden).
    Show,
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuditCommand {
    /// Walk the hash chain, check it against the newest anchors outside the database, and
    /// report the first broken link; exits 1 when broken.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// Sign the chain head now and append it to the anchor file (and syslog, if configured).
    Anchor {
        /// After restoring a PostgreSQL dump: record that the chain continues from its
        /// (verified) head, so earlier anchors no longer bind.
        #[arg(long)]
        restored: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum BenchCommand {
    /// The eleven-benefit bundle over a population.
    Policy(bench_policy::BenchPolicyArgs),
    /// Search index build, search and recommendations over synthetic posts and workers.
    Market(bench_market::BenchMarketArgs),
    /// The anonymous 找活 page and the search API under load (wrk), on the demo province.
    Http(bench_http::BenchHttpArgs),
    /// Search relevance on a hand-graded set: nDCG@10, top-3 precision, zero results and
    /// the share of imported posts that go live.
    SearchQuality(bench_search_quality::BenchSearchQualityArgs),
    /// Statistics dashboards over a synthetic province (1M persons, 5M events) on SQLite and
    /// PostgreSQL, and the person import rate.
    Stats(bench_stats::BenchStatsArgs),
    /// The person import: reading, checking, sealing and writing a file of 1M rows on SQLite
    /// and PostgreSQL, and importing it again.
    Import(bench_import::BenchImportArgs),
    /// The take-up page, the what-if and the correction preview over N registered persons
    /// with synthetic facts on SQLite (and PostgreSQL with --database-url).
    Takeup(bench_takeup::BenchTakeupArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Policy(policy_cmd::PolicyCommand::Params { json }) => {
            // The database's approved corrections too: this needs the installation's database.
            let config = settings::load(&cli.global, None)?;
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(async {
                let svc = open(&config).await?;
                policy_cmd::params(&svc, json).await
            })
        }
        Command::Policy(cmd) => {
            // The same parameters as the server: the configuration's overrides apply.
            let config = settings::load(&cli.global, None)?;
            policy_cmd::run(cmd, &config.policy.parameter_overrides)
        }
        Command::Bench(BenchCommand::Policy(args)) => {
            bench_policy::run(args).map(|()| ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Stats(args)) => {
            bench_stats::run(args).map(|()| ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Takeup(args)) => {
            bench_takeup::run(args, cli.global.database_url.clone()).map(|()| ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Import(args)) => {
            bench_import::run(args).map(|()| ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Http(args)) => {
            bench_http::run(args).map(|()| ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::Market(args)) => {
            bench_market::run(args).map(|()| ExitCode::SUCCESS)
        }
        Command::Bench(BenchCommand::SearchQuality(args)) => {
            bench_search_quality::run(args).map(|()| ExitCode::SUCCESS)
        }
        Command::Config(ConfigCommand::Default) => {
            print!("{}", settings::default_toml()?);
            Ok(ExitCode::SUCCESS)
        }
        command => {
            let config = settings::load(
                &cli.global,
                match &command {
                    Command::Serve { listen } => listen.clone(),
                    Command::Demo(a) => a.listen.clone(),
                    _ => None,
                },
            )?;
            let command = match command {
                Command::Demo(args) if args.command.is_none() => {
                    let rt = tokio::runtime::Builder::new_multi_thread()
                        .enable_all()
                        .build()?;
                    settings::init_logging(&config);
                    return rt.block_on(demo_cmd::run(config, args, cli.global.data_dir.clone()));
                }
                Command::Keys(cmd) => {
                    let rt = tokio::runtime::Builder::new_multi_thread()
                        .enable_all()
                        .build()?;
                    settings::init_logging(&config);
                    return rt.block_on(ops_cmd::keys(config, cmd));
                }
                Command::Restore(args) => {
                    let rt = tokio::runtime::Builder::new_multi_thread()
                        .enable_all()
                        .build()?;
                    settings::init_logging(&config);
                    return rt.block_on(ops_cmd::restore(config, args));
                }
                other => other,
            };
            let rt = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?;
            rt.block_on(async_main(config, command))
        }
    }
}

async fn open(config: &Config) -> anyhow::Result<Service> {
    config
        .validate()
        .map_err(|e| anyhow::anyhow!("配置有误：{e}"))?;
    create_private_dir(&config.server.data_dir)
        .with_context(|| format!("创建数据目录 {}", config.server.data_dir.display()))?;
    let url = config.database_url();
    if !config.database.migrate_url.is_empty() {
        // The owner applies the migrations; the server then works as the application role.
        let owner = Db::connect(&config.database.migrate_url)
            .await
            .context("以迁移账户连接数据库（database.migrate_url）")?;
        owner.migrate().await.context("执行数据库迁移")?;
        owner.close().await;
    }
    let db = Db::connect(&url).await.context("连接数据库")?;
    db.migrate().await.context(
        "执行数据库迁移（应用账户无权修改表结构时，请先以表的所有者运行 linghuo migrate，或配置 database.migrate_url）",
    )?;
    let keys = Keys::load_or_create(config).context("加载密钥")?;
    let svc = Service::new(db, keys, config.clone(), Clock::system());
    // Employers written before their contact phone was indexed sign in by phone from now on.
    svc.index_employer_phones()
        .await
        .context("为用人单位联系电话建立登录索引")?;
    // The parameter corrections approved on the platform, on top of the configured ones.
    svc.refresh_engine()
        .await
        .context("读取已审批的政策参数更正")?;
    Ok(svc)
}

/// Creates the data directory (and missing parents) with mode 0700.
pub(crate) fn create_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

fn print_created(c: &CreatedUser, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(c)?);
    } else {
        println!("账户：{}（{}）", c.user.username, c.user.role_label);
        println!("一次性密码：{}（首次登录须修改）", c.one_time_password);
        if let Some(s) = &c.totp_secret {
            println!("验证器密钥：{s}");
            if let Some(u) = &c.otpauth_uri {
                println!("验证器链接：{u}");
            }
        }
        println!("以上信息只显示这一次，请妥善交给本人。");
    }
    Ok(())
}

async fn async_main(config: Config, command: Command) -> anyhow::Result<ExitCode> {
    settings::init_logging(&config);
    let svc = open(&config).await?;
    match command {
        Command::Migrate => {
            println!("数据库迁移已完成（{:?}）。", svc.db.backend());
        }
        Command::Serve { .. } => {
            let dir = svc.config.server.data_dir.join("market-index");
            serve(svc.clone().with_market_index_dir(&dir)).await?
        }
        Command::User(cmd) => return user(svc, cmd).await,
        Command::Market(cmd) => return market_cmd::run(svc, cmd).await,
        Command::Benefits(cmd) => return benefits_cmd::run(svc, cmd).await,
        Command::Guide(cmd) => return guide_cmd::run(svc, cmd).await,
        Command::Assistance(cmd) => return assistance_cmd::run(svc, cmd).await,
        Command::Complaints(ComplaintsCommand::Upkeep { json }) => {
            let report = svc.complaints_upkeep().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "已处理：提级督办投诉 {} 件、违规收费举报 {} 件，新发督办提醒 {} 条。",
                    report.escalated, report.fee_reports_escalated, report.notices
                );
            }
        }
        Command::Places(PlacesCommand::List { county, json }) => {
            let places = svc.public_places(county.as_deref()).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&places)?);
            } else if places.is_empty() {
                println!("没有开放申请的经营场所。");
            } else {
                for p in &places {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t摊位{}（尚余{}）\t{}\t{}",
                        p.county_name.trim_start_matches("山西省"),
                        p.kind_label,
                        p.name,
                        p.address,
                        p.hours,
                        p.pitches,
                        p.free,
                        p.fee_label,
                        p.clause
                    );
                }
                println!("共 {} 处。", places.len());
            }
        }
        Command::Places(PlacesCommand::Sites { county, json }) => {
            let sites = svc.public_sites(county.as_deref()).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&sites)?);
            } else if sites.is_empty() {
                println!("没有登记的零工市场。");
            } else {
                for s in &sites {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{:.6},{:.6}",
                        s.county_name.trim_start_matches("山西省"),
                        s.kind_label,
                        s.name,
                        s.address,
                        s.hours,
                        s.service_labels.join("、"),
                        s.lat,
                        s.lon
                    );
                }
                println!("共 {} 处。", sites.len());
            }
        }
        Command::News(NewsCommand::List { kind, clause, json }) => {
            let list = svc
                .published_articles(kind.as_deref(), clause.as_deref(), 200)
                .await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for a in &list {
                    let clauses: Vec<&str> = a.clauses.iter().map(|c| c.id.as_str()).collect();
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}",
                        a.published_on.map(|d| d.to_string()).unwrap_or_default(),
                        a.kind_label,
                        a.region_name,
                        clauses.join("、"),
                        a.title,
                        a.id
                    );
                }
                println!("共 {} 篇。", list.len());
            }
        }
        Command::News(NewsCommand::FeeDepartments { json }) => {
            let list = svc.fee_departments().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for d in &list {
                    println!(
                        "{}\t{}\t{}\t{}",
                        d.region_name, d.kind_label, d.name, d.phone
                    );
                }
            }
        }
        Command::Sms(SmsCommand::Status { json }) => {
            let st = svc.sms_outbox_state().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&st)?);
            } else {
                let adapter = if st.adapter == "log" {
                    "仅写入日志（未配置短信网关）"
                } else {
                    "短信网关"
                };
                println!("发送方式：{adapter}");
                let label = |s: &str| match s {
                    "pending" => "待发送",
                    "sent" => "已发送",
                    "dropped" => "不再发送（无手机号或已关闭提醒）",
                    _ => "其他",
                };
                if st.counts.is_empty() {
                    println!("短信队列为空。");
                }
                for (status, n) in &st.counts {
                    println!("{}：{n} 条", label(status));
                }
                if let Some(t) = st.oldest_pending {
                    println!(
                        "最早一条待发送的生成于 {}",
                        (t + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M")
                    );
                }
            }
        }
        Command::Sms(SmsCommand::Send { json }) => {
            let run = svc.deliver_sms().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&run)?);
            } else {
                println!(
                    "已发送 {} 条，失败待重试 {} 条，不再发送 {} 条。",
                    run.sent, run.failed, run.dropped
                );
            }
        }
        Command::Import(cmd) => return import_cmd::run(svc, cmd).await,
        Command::Stats(StatsCommand::Takeup { json }) => {
            let Some(run) = svc.take_up_snapshot_now().await? else {
                eprintln!("错误：已有一次更新正在进行，请稍后再试");
                return Ok(ExitCode::from(2));
            };
            if json {
                println!("{}", serde_json::to_string(&run).unwrap_or_default());
            } else {
                println!(
                    "已生成政策享受率统计数据：截至{}，登记人员 {} 人。",
                    linghuo_policy::calendar::zh_date(run.as_of),
                    run.persons
                );
            }
        }
        Command::Stats(StatsCommand::Check { repair, json }) => {
            let diff = svc.stats_check(repair).await?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "differences": diff, "repaired": repair })
                );
            } else if diff.is_empty() {
                println!("统计数据与原始记录一致。");
            } else {
                for d in &diff {
                    println!(
                        "{} {} {} {} {} {}: 保存 {} / 重算 {}（金额 {} / {}）",
                        d.year,
                        d.region,
                        d.metric,
                        d.period,
                        d.k1,
                        d.k2,
                        d.kept,
                        d.recomputed,
                        d.kept_amount,
                        d.recomputed_amount
                    );
                }
                println!(
                    "{} 个统计单元与原始记录不一致{}",
                    diff.len(),
                    if repair {
                        "，已按原始记录重算"
                    } else {
                        "；加 --repair 重算"
                    }
                );
            }
            return Ok(if diff.is_empty() || repair {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        Command::Demo(demo_cmd::DemoArgs {
            command: Some(demo_cmd::DemoCommand::Seed { size, json }),
            ..
        }) => return demo_cmd::seed(svc, size, json).await,
        Command::Demo(_) => unreachable!("handled before opening the configured database"),
        Command::Audit(cmd) => return ops_cmd::audit(svc, cmd).await,
        Command::Backup(args) => return ops_cmd::backup(svc, args).await,
        Command::Keys(_) | Command::Restore(_) => {
            unreachable!("handled before opening the database")
        }
        Command::Config(ConfigCommand::Show) => {
            print!("{}", toml::to_string_pretty(&settings::redacted(&config))?);
        }
        Command::Policy(_) | Command::Bench(_) | Command::Config(ConfigCommand::Default) => {
            unreachable!("handled without a database")
        }
    }
    svc.db.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn user(svc: Service, cmd: UserCommand) -> anyhow::Result<ExitCode> {
    let result = match cmd {
        UserCommand::Add {
            username,
            name,
            role,
            scope,
            permissions,
            break_glass,
            json,
        } => {
            if let Err(linghuo_service::ServiceError::Invalid { field, message, .. }) =
                linghuo_service::accounts::validate_username(username.trim())
            {
                eprintln!("错误：{field}：{message}");
                return Ok(ExitCode::from(2));
            }
            let first_admin = matches!(role.as_str(), "sysadmin" | "secadmin" | "auditadmin")
                && svc.count_users_with_role(&role).await? == 0;
            if !first_admin && !break_glass {
                eprintln!(
                    "错误：只有第一位系统管理员、安全管理员和审计管理员在服务器上创建。其他账户请由系统管理员或安全管理员在“账户管理”中提出、另一方批准；确需在服务器上直接创建（应急恢复）请加 --break-glass，此操作记入审计日志。"
                );
                return Ok(ExitCode::from(2));
            }
            let c = svc
                .create_user(
                    None,
                    NewUser {
                        username,
                        display_name: name,
                        role,
                        scope_code: scope,
                        permissions,
                        person_id: None,
                    },
                )
                .await;
            c.map(|c| print_created(&c, json))
        }
        UserCommand::List { json } => svc.list_users(None).await.map(|users| {
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&users).unwrap_or_default()
                );
            } else {
                for u in users {
                    println!(
                        "{}\t{}\t{}\t{}\t{}",
                        u.username,
                        u.display_name,
                        u.role_label,
                        u.scope_name.unwrap_or_default(),
                        if u.disabled { "已停用" } else { "正常" }
                    );
                }
            }
            Ok(())
        }),
        UserCommand::Disable { username } => {
            svc.set_user_disabled(None, &username, true).await.map(|u| {
                println!("已停用账户 {}，其登录会话已全部结束。", u.username);
                Ok(())
            })
        }
        UserCommand::Enable { username } => svc
            .set_user_disabled(None, &username, false)
            .await
            .map(|u| {
                println!("已启用账户 {}。", u.username);
                Ok(())
            }),
        UserCommand::Reset {
            break_glass: false, ..
        } => {
            eprintln!(
                "错误：重置请由管理员在“账户管理”中提出、另一方批准，开通码发给本人。仅在无人可批准时（应急恢复）在服务器上加 --break-glass 重置，此操作记入审计日志。"
            );
            return Ok(ExitCode::from(2));
        }
        UserCommand::Reset { username, json, .. } => svc
            .reset_credentials(None, &username)
            .await
            .map(|c| print_created(&c, json)),
    };
    svc.db.close().await;
    match result {
        Ok(r) => r.map(|()| ExitCode::SUCCESS),
        Err(linghuo_service::ServiceError::Invalid { field, message, .. }) => {
            eprintln!("错误：{field}：{message}");
            Ok(ExitCode::from(2))
        }
        Err(linghuo_service::ServiceError::NotFound) => {
            eprintln!("错误：未找到该账户");
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

async fn serve(svc: Service) -> anyhow::Result<()> {
    if let Some(admin) = svc.bootstrap_admin().await? {
        println!("==============================================================");
        println!("首次启动：已创建系统管理员账户。以下信息只显示这一次：");
        print_created(&admin, false)?;
        println!("==============================================================");
    }
    let address = format!("http://{}/", svc.config.server.listen);
    serve_with(svc, || println!("灵活就业服务平台已启动：{address}")).await
}

/// Binds, brings the market index up to date, then calls `ready` and serves until Ctrl+C or
/// SIGTERM, with the housekeeping and market loops beside it.
pub(crate) async fn serve_with(svc: Service, ready: impl FnOnce()) -> anyhow::Result<()> {
    let listen: SocketAddr = svc
        .config
        .server
        .listen
        .parse()
        .with_context(|| format!("监听地址无效：{}", svc.config.server.listen))?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("无法监听 {listen}"))?;
    // The market index catches up with the database before the first request.
    let applied = svc
        .sync_market_index()
        .await
        .context("打开零工市场搜索索引（可用 linghuo market reindex 重建）")?;
    tracing::info!(applied, "market index ready");
    let housekeeping = tokio::spawn(housekeeping(svc.clone()));
    let market = tokio::spawn(market_loop(svc.clone()));
    let services = tokio::spawn(services_loop(svc.clone()));
    let sms = tokio::spawn(sms_loop(svc.clone()));
    let takeup = tokio::spawn(takeup_loop(svc.clone()));
    let app = linghuo_http::router(linghuo_http::AppState::new(svc.clone()));
    ready();
    tracing::info!(%listen, backend = ?svc.db.backend(), "serving");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    housekeeping.abort();
    market.abort();
    services.abort();
    sms.abort();
    takeup.abort();
    svc.db.close().await;
    Ok(())
}

/// Periodic upkeep: expired sessions and stale login back-off rows go (A7, A4), idle
/// accounts are disabled (A10), and the audit chain head is anchored outside the database
/// once a day (E3).
async fn housekeeping(svc: Service) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        match svc.audit_anchor_if_due().await {
            Ok(Some(a)) => tracing::info!(seq = a.seq, file = %a.file, "audit chain anchored"),
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "audit anchoring failed"),
        }
        let now = svc.clock.now();
        let sec = &svc.config.security;
        let idle = now - chrono::Duration::minutes(sec.idle_timeout_minutes);
        let absolute = now - chrono::Duration::hours(sec.absolute_timeout_hours);
        if let Err(e) = linghuo_storage::sessions::purge_expired(&svc.db, idle, absolute).await {
            tracing::warn!(error = %e, "session purge failed");
        }
        // Password-reset codes a day past their expiry.
        if let Err(e) =
            linghuo_storage::reset_codes::purge(&svc.db, now - chrono::Duration::days(1)).await
        {
            tracing::warn!(error = %e, "reset code purge failed");
        }
        // Login back-off rows quiet for a day (and remembered addresses past their time).
        if let Err(e) =
            linghuo_storage::throttle::purge_stale(&svc.db, now - chrono::Duration::days(1)).await
        {
            tracing::warn!(error = %e, "login throttle purge failed");
        }
        match svc.disable_idle_accounts().await {
            Ok(names) if !names.is_empty() => {
                tracing::info!(count = names.len(), "disabled idle accounts")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "idle account check failed"),
        }
    }
}

/// The take-up snapshot (政策享受率): every ten minutes this server checks whether today's is
/// due (`[stats] takeup_snapshot_hour`; at start when there is none) and makes it, which
/// takes minutes at provincial scale — hence a loop of its own beside the minute jobs. Two
/// servers do no harm: only one run is claimed at a time.
async fn takeup_loop(svc: Service) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        tick.tick().await;
        match svc.take_up_snapshot_if_due().await {
            Ok(Some(run)) => {
                tracing::info!(persons = run.persons, as_of = %run.as_of, "take-up snapshot made")
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "take-up snapshot failed"),
        }
    }
}

/// Every 30 seconds the due SMS notices are sent (`[notify]`); a failed send waits longer
/// each time and is never given up. Two servers do no harm: each message is claimed first.
async fn sms_loop(svc: Service) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(30));
    loop {
        tick.tick().await;
        match svc.deliver_sms().await {
            Ok(r) if r.sent + r.failed + r.dropped > 0 => tracing::info!(
                sent = r.sent,
                failed = r.failed,
                dropped = r.dropped,
                "SMS notices"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "SMS sending failed"),
        }
    }
}

/// Every two seconds this server applies the market outbox to its own index (so another
/// server's writes become searchable here); every ten minutes it runs the market upkeep
/// (expiry, overdue pay notices), the complaints upkeep (escalation of overdue
/// complaints and 违规收费 reports) and the 职业指导 follow-up reminders, all idempotent across servers.
async fn market_loop(svc: Service) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
    let mut last_upkeep: Option<std::time::Instant> = None;
    loop {
        tick.tick().await;
        if let Err(e) = svc.sync_market_index().await {
            tracing::warn!(error = %e, "market index sync failed");
        }
        if last_upkeep.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(600)) {
            last_upkeep = Some(std::time::Instant::now());
            // Synonyms merged on another server.
            if let Err(e) = svc.load_learned_trades().await {
                tracing::warn!(error = %e, "loading learned trade synonyms failed");
            }
            match svc.market_upkeep().await {
                Ok(r) => tracing::info!(
                    expired = r.expired_posts,
                    overdue_notices = r.overdue_notices,
                    "market upkeep"
                ),
                Err(e) => tracing::warn!(error = %e, "market upkeep failed"),
            }
            match svc.complaints_upkeep().await {
                Ok(r) => tracing::info!(
                    escalated = r.escalated,
                    fee_reports_escalated = r.fee_reports_escalated,
                    notices = r.notices,
                    "complaints upkeep"
                ),
                Err(e) => tracing::warn!(error = %e, "complaints upkeep failed"),
            }
            match svc.guidance_upkeep().await {
                Ok(n) if n > 0 => tracing::info!(reminders = n, "guidance follow-up reminders"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "guidance upkeep failed"),
            }
        }
    }
}

/// Public-service jobs: every minute the persons whose facts changed are re-screened
/// (免申即享) and pending statistics deltas are folded into their cells; every ten minutes gig-market activity becomes registration suggestions; every
/// night (and once at start) every registered person is screened. All are idempotent, so two
/// servers on one database do no harm.
async fn services_loop(svc: Service) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    let mut last_suggest: Option<std::time::Instant> = None;
    let mut last_full: Option<std::time::Instant> = None;
    loop {
        tick.tick().await;
        // A correction approved on another server applies here within the minute.
        match svc.refresh_engine().await {
            Ok(true) => tracing::info!(
                parameters = svc.engine.parameters_sha256(),
                "approved parameter corrections applied"
            ),
            Ok(false) => {}
            Err(e) => tracing::warn!(error = %e, "loading parameter corrections failed"),
        }
        match svc.rescreen_changed().await {
            Ok(r) if r.screened > 0 => tracing::info!(
                screened = r.screened,
                newly_eligible = r.newly_eligible,
                "re-screened changed persons"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "re-screening failed"),
        }
        if let Err(e) = svc.stats_compact().await {
            tracing::warn!(error = %e, "folding statistics deltas failed");
        }
        if last_suggest.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(600)) {
            last_suggest = Some(std::time::Instant::now());
            if let Err(e) = svc.registration_upkeep().await {
                tracing::warn!(error = %e, "registration suggestions failed");
            }
        }
        if last_full.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(86_400)) {
            last_full = Some(std::time::Instant::now());
            match svc.screen_all().await {
                Ok(r) => tracing::info!(
                    screened = r.screened,
                    newly_eligible = r.newly_eligible,
                    "免申即享 screening"
                ),
                Err(e) => tracing::warn!(error = %e, "免申即享 screening failed"),
            }
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }
}
