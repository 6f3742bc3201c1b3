//! `linghuo guide …`: 办事指南 and the counties' service windows at the console, as the
//! guide pages and `GET /api/v1/guide`, `/api/v1/windows` show them (windows are imported
//! with `linghuo import windows FILE`).

use std::process::ExitCode;

use clap::Subcommand;
use linghuo_service::Service;

#[derive(Debug, Subcommand)]
pub enum GuideCommand {
    /// Every guide page: key and title.
    List {
        #[arg(long)]
        json: bool,
    },
    /// One guide page by key: who, what to bring, the time limit, the fee, where online.
    Show {
        key: String,
        #[arg(long)]
        json: bool,
    },
    /// The counties' service windows (all, or one county's with --county).
    Windows {
        /// A 6-digit county code, e.g. 140105.
        #[arg(long)]
        county: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub async fn run(svc: Service, cmd: GuideCommand) -> anyhow::Result<ExitCode> {
    let code = match cmd {
        GuideCommand::List { json } => {
            let entries = svc.guide_entries();
            if json {
                println!("{}", serde_json::to_string_pretty(&entries)?);
            } else {
                for e in &entries {
                    println!("{:<28} {}", e.key, e.title);
                }
            }
            ExitCode::SUCCESS
        }
        GuideCommand::Show { key, json } => match svc.guide_entry(&key) {
            Some(e) if json => {
                println!("{}", serde_json::to_string_pretty(&e)?);
                ExitCode::SUCCESS
            }
            Some(e) => {
                println!("{}", e.title);
                println!("办理对象：{}", e.who);
                println!("申请材料：{}", e.bring.join("、"));
                println!("办理时限：{}", e.time_limit);
                println!("收费标准：{}", e.fee);
                println!("网上办理：{}（{}）", e.online_label, e.online);
                ExitCode::SUCCESS
            }
            None => {
                eprintln!("错误：没有“{key}”的办事指南（用 linghuo guide list 查看全部）");
                ExitCode::from(2)
            }
        },
        GuideCommand::Windows { county, json } => {
            let mut items = svc.windows().await?;
            if let Some(c) = county.as_deref().map(str::trim) {
                items.retain(|w| w.county_code == c);
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&items)?);
            } else if items.is_empty() {
                println!("没有录入办事窗口（用 linghuo import windows FILE 导入）。");
            } else {
                for w in &items {
                    println!("{}（{}）", w.county_name, w.county_code);
                    println!("  {}", w.name);
                    println!("  地址：{}", w.address);
                    println!("  办公时间：{}", w.hours);
                    println!("  咨询电话：{}", w.phone);
                }
            }
            ExitCode::SUCCESS
        }
    };
    svc.db.close().await;
    Ok(code)
}
