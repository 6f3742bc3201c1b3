//! `linghuo benefits …`: 免申即享 over every registered person, retroactive recalculation
//! under the parameters now in force, the ledger check, and the registration suggestions.

use std::process::ExitCode;

use clap::Subcommand;
use linghuo_service::Service;

#[derive(Debug, Subcommand)]
pub enum BenefitsCommand {
    /// Screen every registered person now and tell the newly eligible (the server also does
    /// this every night, and re-screens a person whenever their facts change).
    ScreenAll {
        #[arg(long)]
        json: bool,
    },
    /// Replay approved decisions made since DATE under the parameters now in force and list,
    /// per person, arrears to pay and over-payments to recover. Nothing changes unless
    /// --confirm is given; confirming twice under the same parameters changes nothing more.
    Recalc {
        /// YYYY-MM-DD (China Standard Time).
        #[arg(long)]
        since: String,
        #[arg(long)]
        confirm: bool,
        #[arg(long)]
        json: bool,
    },
    /// Check the payment ledger's invariants; exits 1 when any is broken.
    LedgerCheck {
        #[arg(long)]
        json: bool,
    },
    /// County fund budgets (五(十二)) by county and fund with their use: budget, committed,
    /// paid, held over budget, remaining.
    Budgets {
        /// Six-digit code or name of a region (default: the province).
        #[arg(long, default_value = "140000")]
        region: String,
        /// Calendar year (default: this year).
        #[arg(long)]
        year: Option<i32>,
        #[arg(long)]
        json: bool,
    },
    /// Turn gig-market activity into registration suggestions once.
    Suggest {
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(svc: Service, cmd: BenefitsCommand) -> anyhow::Result<ExitCode> {
    let code = match cmd {
        BenefitsCommand::ScreenAll { json } => {
            let started = std::time::Instant::now();
            let r = svc.screen_all().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!(
                    "免申即享筛查完成：筛查{}人，新发现符合条件{}项，发出通知{}条，用时{:.1}秒。",
                    r.screened,
                    r.newly_eligible,
                    r.notices,
                    started.elapsed().as_secs_f64()
                );
            }
            ExitCode::SUCCESS
        }
        BenefitsCommand::Recalc {
            since,
            confirm,
            json,
        } => {
            let Ok(day) = chrono::NaiveDate::parse_from_str(since.trim(), "%Y-%m-%d") else {
                eprintln!("错误：--since 日期格式应为 年-月-日，如 2021-01-01");
                svc.db.close().await;
                return Ok(ExitCode::from(2));
            };
            let r = svc.recalc(None, day, confirm).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!(
                    "重算{}起批准的{}笔发放（参数集 {}）：",
                    r.since,
                    r.checked,
                    &r.parameters_sha256[..12]
                );
                for l in &r.lines {
                    let what = if l.difference_fen > 0 {
                        "应补发"
                    } else {
                        "应追回"
                    };
                    println!(
                        "  {} {} {}：原发{}元，重算{}元，{what}{}元",
                        l.person_name,
                        l.county_code,
                        linghuo_service::benefits::benefit_name(&l.benefit),
                        l.granted,
                        l.recalculated,
                        l.difference.trim_start_matches('-')
                    );
                }
                println!(
                    "合计应补发{}元，应追回{}元。{}",
                    r.arrears_total,
                    r.overpaid_total,
                    if r.confirmed {
                        "已确认并记账。"
                    } else {
                        "尚未改动任何记录；确认请加 --confirm。"
                    }
                );
            }
            ExitCode::SUCCESS
        }
        BenefitsCommand::LedgerCheck { json } => {
            let r = svc.ledger_check().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!(
                    "账本：{}个账户，借方合计{}元，贷方合计{}元，{}。",
                    r.accounts,
                    r.transfers_debited,
                    r.transfers_credited,
                    if r.balanced { "平衡" } else { "不平衡" }
                );
                for p in &r.problems {
                    println!("  问题：{p}");
                }
            }
            if r.problems.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        BenefitsCommand::Budgets { region, year, json } => {
            crate::assistance_cmd::budgets(&svc, &region, year, json).await?
        }
        BenefitsCommand::Suggest { json } => {
            let r = svc.registration_upkeep().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r)?);
            } else {
                println!(
                    "登记提醒：就业登记{}条，灵活就业登记{}条，失业登记{}条。",
                    r.employment, r.flexible, r.unemployment
                );
            }
            ExitCode::SUCCESS
        }
    };
    svc.db.close().await;
    Ok(code)
}
