//! `linghuo import …`: bulk import of the spreadsheets staff keep.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use linghuo_service::Service;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Persons from .xlsx or .csv (columns 姓名, 身份证号码, 手机号码, 管辖地, 地址, 人员类别);
    /// a person already registered is left unchanged, so importing twice changes nothing.
    Persons {
        file: std::path::PathBuf,
        /// Store nothing when any row has a problem (default: store the valid rows).
        #[arg(long)]
        all_or_nothing: bool,
        #[arg(long)]
        json: bool,
    },
    /// 就业/失业/灵活就业登记 (身份证号码, 登记类型, 开始日期, 结束日期, 用人单位, 灵活就业形式).
    Registrations(FactArgs),
    /// Business registrations (身份证号码, 主体类型, 名称, 统一社会信用代码, 登记日期, …).
    Businesses(FactArgs),
    /// Tax records per year (身份证号码, 年度, 增值税, …, 个人所得税).
    Tax(FactArgs),
    /// Social-insurance payments per month (身份证号码, 缴费月份, 缴费金额).
    SocialInsurance(FactArgs),
    /// Workers a platform employer (kind platform or hr_agency) reports (身份证号, 姓名, 手机,
    /// 从业形态, 服务区县, 开始日期, 结束日期, 工种/职业, 职业伤害保障): one record per employer,
    /// person and start date, so sending the same file again changes nothing.
    PlatformWorkers {
        /// The employer's id (as the employer list shows it).
        #[arg(long)]
        employer: uuid::Uuid,
        file: std::path::PathBuf,
        /// Store nothing when any row has a problem (default: store the valid rows).
        #[arg(long)]
        all_or_nothing: bool,
        #[arg(long)]
        json: bool,
    },
    /// Each county's service window for 办事指南 from .csv (UTF-8) or .xlsx
    /// (county_code,name,address,hours,phone, or 区县代码,窗口名称,地址,办公时间,咨询电话):
    /// every row or none.
    Windows { file: std::path::PathBuf },
    /// Print the CSV template of a kind (persons, registrations, businesses, tax,
    /// social-insurance, platform-workers).
    Template { kind: String },
}

#[derive(Debug, clap::Args)]
pub struct FactArgs {
    /// .xlsx or .csv
    file: std::path::PathBuf,
    /// Store nothing when any row has a problem (default: store the valid rows).
    #[arg(long)]
    all_or_nothing: bool,
    #[arg(long)]
    json: bool,
}

async fn import_facts(
    svc: &Service,
    kind: linghuo_service::facts_import::FactKind,
    a: FactArgs,
) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&a.file).with_context(|| format!("读取 {}", a.file.display()))?;
    let started = std::time::Instant::now();
    let records = match linghuo_service::facts_import::read_fact_file(
        kind,
        &a.file.to_string_lossy(),
        &bytes,
    ) {
        Ok(r) => r,
        Err(m) => {
            eprintln!("错误：{m}");
            return Ok(ExitCode::from(2));
        }
    };
    let r = svc
        .import_facts(None, kind, &bytes, records, a.all_or_nothing)
        .await?;
    let secs = started.elapsed().as_secs_f64();
    if a.json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!(
            "{}：共 {} 行，新增或更新 {}，无变化 {}，有问题 {} 处{}。用时 {:.1} 秒（{:.0} 行/秒）。",
            r.kind,
            r.rows,
            r.changed,
            r.unchanged,
            r.problems.len(),
            if r.rejected {
                "；因选择了“全部或全不”，本次未导入任何记录"
            } else {
                ""
            },
            secs,
            r.rows as f64 / secs.max(1e-9)
        );
        for p in r.problems.iter().take(200) {
            println!("  第{}行 {}：{}", p.line, p.field, p.message);
        }
    }
    Ok(
        if r.rejected || (r.changed + r.unchanged == 0 && !r.problems.is_empty()) {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        },
    )
}

async fn import_platform_workers(
    svc: &Service,
    employer: uuid::Uuid,
    file: &std::path::Path,
    all_or_nothing: bool,
    json: bool,
) -> anyhow::Result<ExitCode> {
    use linghuo_service::market::platform_workers::{Reporter, read_worker_file};
    let bytes = std::fs::read(file).with_context(|| format!("读取 {}", file.display()))?;
    let records = match read_worker_file(&file.to_string_lossy(), &bytes) {
        Ok(r) => r,
        Err(m) => {
            eprintln!("错误：{m}");
            return Ok(ExitCode::from(2));
        }
    };
    let r = match svc
        .report_platform_workers(
            Reporter::CommandLine(employer),
            &bytes,
            records,
            all_or_nothing,
        )
        .await
    {
        Ok(r) => r,
        Err(
            linghuo_service::ServiceError::Forbidden { message, .. }
            | linghuo_service::ServiceError::Invalid { message, .. },
        ) => {
            eprintln!("错误：{message}");
            return Ok(ExitCode::from(2));
        }
        Err(linghuo_service::ServiceError::NotFound) => {
            eprintln!("错误：没有这个用人单位（--employer）");
            return Ok(ExitCode::from(2));
        }
        Err(e) => return Err(e.into()),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&r)?);
    } else {
        println!(
            "平台从业人员：共 {} 行，新增 {}，更新 {}（其中结束 {}），无变化 {}，新登记人员 {}，有问题 {} 行{}。",
            r.rows,
            r.added,
            r.updated,
            r.closed,
            r.unchanged,
            r.persons_registered,
            r.problems.len(),
            if r.rejected {
                "；因选择了“全部或全不”，本次未报送任何记录"
            } else {
                ""
            },
        );
        for line in r.problem_lines.iter().take(200) {
            println!("  {line}");
        }
    }
    Ok(
        if r.rejected || (r.added + r.updated + r.unchanged == 0 && !r.problems.is_empty()) {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        },
    )
}

pub async fn run(svc: Service, cmd: ImportCommand) -> anyhow::Result<ExitCode> {
    let code = match cmd {
        ImportCommand::Template { kind } if kind == "persons" => {
            print!("{}", linghuo_service::person_import::person_template_csv());
            ExitCode::SUCCESS
        }
        ImportCommand::Template { kind } if kind == "platform-workers" => {
            print!(
                "{}",
                linghuo_service::market::platform_workers::worker_template_csv()
            );
            ExitCode::SUCCESS
        }
        ImportCommand::Template { kind } => {
            match linghuo_service::facts_import::FactKind::parse(&kind) {
                Some(k) => {
                    print!("{}", k.template_csv());
                    ExitCode::SUCCESS
                }
                None => {
                    eprintln!(
                        "错误：没有“{kind}”的模板（可用：persons、registrations、businesses、tax、social-insurance、platform-workers）"
                    );
                    ExitCode::from(2)
                }
            }
        }
        ImportCommand::Registrations(a) => {
            import_facts(
                &svc,
                linghuo_service::facts_import::FactKind::Registrations,
                a,
            )
            .await?
        }
        ImportCommand::Businesses(a) => {
            import_facts(&svc, linghuo_service::facts_import::FactKind::Businesses, a).await?
        }
        ImportCommand::Tax(a) => {
            import_facts(&svc, linghuo_service::facts_import::FactKind::Tax, a).await?
        }
        ImportCommand::SocialInsurance(a) => {
            import_facts(
                &svc,
                linghuo_service::facts_import::FactKind::SocialInsurance,
                a,
            )
            .await?
        }
        ImportCommand::PlatformWorkers {
            employer,
            file,
            all_or_nothing,
            json,
        } => {
            let code = import_platform_workers(&svc, employer, &file, all_or_nothing, json).await?;
            svc.db.close().await;
            return Ok(code);
        }
        ImportCommand::Windows { file } => {
            let bytes = std::fs::read(&file).with_context(|| format!("读取 {}", file.display()))?;
            let text =
                match linghuo_service::guide::windows_file_text(&file.to_string_lossy(), &bytes) {
                    Ok(t) => t,
                    Err(m) => {
                        eprintln!("错误：{m}");
                        svc.db.close().await;
                        return Ok(ExitCode::from(2));
                    }
                };
            match svc.import_windows(None, &text).await {
                Ok(r) => {
                    println!("办事窗口：导入 {} 个。", r.rows);
                    ExitCode::SUCCESS
                }
                Err(linghuo_service::ServiceError::Invalid { message, .. }) => {
                    for line in message.split('；') {
                        eprintln!("  {line}");
                    }
                    eprintln!("有问题，本次未导入任何窗口。");
                    ExitCode::from(2)
                }
                Err(e) => return Err(e.into()),
            }
        }
        ImportCommand::Persons {
            file,
            all_or_nothing,
            json,
        } => {
            let bytes = std::fs::read(&file).with_context(|| format!("读取 {}", file.display()))?;
            let started = std::time::Instant::now();
            let records = match linghuo_service::person_import::read_person_file(
                &file.to_string_lossy(),
                &bytes,
            ) {
                Ok(r) => r,
                Err(m) => {
                    eprintln!("错误：{m}");
                    svc.db.close().await;
                    return Ok(ExitCode::from(2));
                }
            };
            let report = svc
                .import_persons(None, &bytes, records, all_or_nothing)
                .await?;
            let secs = started.elapsed().as_secs_f64();
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "共 {} 行：新增 {}，已登记过 {}，有问题 {} 处{}。用时 {:.1} 秒（{:.0} 行/秒）。",
                    report.rows,
                    report.created,
                    report.unchanged,
                    report.problems.len(),
                    if report.rejected {
                        "；因选择了“全部或全不”，本次未导入任何人员"
                    } else {
                        ""
                    },
                    secs,
                    report.rows as f64 / secs.max(1e-9)
                );
                for p in report.problems.iter().take(200) {
                    println!("  第{}行 {}：{}", p.line, p.field, p.message);
                }
                if report.problems.len() > 200 {
                    println!(
                        "  ……另有 {} 处问题（用 --json 查看全部）",
                        report.problems.len() - 200
                    );
                }
            }
            if report.rejected || (report.created == 0 && !report.problems.is_empty()) {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
    };
    svc.db.close().await;
    Ok(code)
}
