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
    /// Print the CSV template of a kind (persons).
    Template { kind: String },
}

pub async fn run(svc: Service, cmd: ImportCommand) -> anyhow::Result<ExitCode> {
    let code = match cmd {
        ImportCommand::Template { kind } if kind == "persons" => {
            print!("{}", linghuo_service::person_import::person_template_csv());
            ExitCode::SUCCESS
        }
        ImportCommand::Template { kind } => {
            eprintln!("错误：没有“{kind}”的模板（可用：persons）");
            ExitCode::from(2)
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
