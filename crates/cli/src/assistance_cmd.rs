//! `linghuo assistance …`: the people the engine refers to 民政 (四(十一)) in a county or
//! region, with the reasons and the referrals sent; `linghuo assistance budgets`: county fund
//! budgets and their use (五(十二)).

use std::process::ExitCode;

use clap::Subcommand;
use linghuo_domain::RegionCode;
use linghuo_service::Service;

#[derive(Debug, Subcommand)]
pub enum AssistanceCommand {
    /// List the declarations of difficulty people made themselves that wait to be checked,
    /// and the people the engine refers to 民政 (from their stored facts) in a county, city
    /// or the province, with the reasons and the referrals already sent.
    List {
        /// Six-digit code or name of a county, city or the province.
        #[arg(long)]
        county: String,
        #[arg(long)]
        json: bool,
    },
}

fn region(s: &str) -> Option<RegionCode> {
    RegionCode::parse(s)
        .ok()
        .or_else(|| linghuo_domain::region::find_region_by_name(s))
}

pub async fn run(svc: Service, cmd: AssistanceCommand) -> anyhow::Result<ExitCode> {
    let code = match cmd {
        AssistanceCommand::List { county, json } => {
            let Some(r) = region(&county) else {
                eprintln!("错误：--county 应为县（市、区）、市的六位代码或名称，如 140105");
                svc.db.close().await;
                return Ok(ExitCode::from(2));
            };
            let list = svc.assistance_list_of(&r, false).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                println!(
                    "{}本人主动申报、待核实：{}件。",
                    list.region_name,
                    list.declarations.len()
                );
                for d in &list.declarations {
                    println!(
                        "  {} {} {}（{}）",
                        d.person_name,
                        d.county_name,
                        d.in_difficulty_label,
                        (d.created_at + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M")
                    );
                }
                println!(
                    "{}需转介民政的困难群众：{}人。",
                    list.region_name,
                    list.people.len()
                );
                for p in &list.people {
                    let referred = if p.referrals.is_empty() {
                        "未转介".to_owned()
                    } else {
                        p.referrals
                            .iter()
                            .map(|r| format!("{}：{}", r.kind_label, r.outcome_label))
                            .collect::<Vec<_>>()
                            .join("；")
                    };
                    println!(
                        "  {} {} 建议转介{}；{}\n    理由：{}",
                        p.person_name,
                        p.county_name,
                        p.suggested_kind_label,
                        referred,
                        p.reasons.join("；")
                    );
                }
            }
            ExitCode::SUCCESS
        }
    };
    svc.db.close().await;
    Ok(code)
}

/// `linghuo benefits budgets`: budgets by county and fund with their use.
pub async fn budgets(
    svc: &Service,
    r: &str,
    year: Option<i32>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let Some(r) = region(r) else {
        eprintln!("错误：--region 应为地区的六位代码或名称，如 140000");
        return Ok(ExitCode::from(2));
    };
    let year = year.unwrap_or_else(|| {
        use chrono::Datelike;
        svc.clock.today_cst().year()
    });
    let rows = svc.budget_use_of(&r, year).await?;
    if json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        println!("{}{}年资金预算使用：", r.full_name(), year);
        for u in &rows {
            println!(
                "  {} {}：预算{}，已安排{}元，已到账{}元，暂缓{}元（{}笔），剩余{}",
                u.county_name,
                u.fund_name,
                u.budget
                    .as_deref()
                    .map_or("未设".to_owned(), |b| format!("{b}元")),
                u.committed,
                u.paid,
                u.held,
                u.held_count,
                u.remaining
                    .as_deref()
                    .map_or("—".to_owned(), |x| format!("{x}元"))
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
