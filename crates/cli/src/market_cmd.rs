//! `linghuo market …`: rebuild the search index, search from the shell, import posts from a
//! city's existing gig market, list the new-occupation suggestions (and write their upward
//! report), and run the market upkeep once.

use std::process::ExitCode;

use anyhow::Context as _;
use clap::Subcommand;
use linghuo_service::Service;
use linghuo_service::market_search::SearchInput;

#[derive(Debug, Subcommand)]
pub enum MarketCommand {
    /// Rebuild this node's search index from the database (stop the server first).
    Reindex {
        #[arg(long)]
        json: bool,
    },
    /// Search live posts, as the 找活 page does.
    Search {
        /// Free text, e.g. "保洁 小店区".
        query: Option<String>,
        /// Measure distances from LAT,LON and allow --sort distance.
        #[arg(long, value_name = "LAT,LON")]
        near: Option<String>,
        /// City or county code or name.
        #[arg(long)]
        region: Option<String>,
        /// Catalogue code or trade name.
        #[arg(long)]
        occupation: Option<String>,
        /// gig, hourly, part_time, short_term or platform.
        #[arg(long)]
        form: Option<String>,
        /// relevance or distance.
        #[arg(long)]
        sort: Option<String>,
        #[arg(long, default_value_t = 20)]
        limit: usize,
        #[arg(long)]
        json: bool,
    },
    /// Import posts of an employer from JSON lines, CSV or Excel (.xlsx); re-importing the
    /// same file changes nothing (posts are keyed by their external id).
    Import {
        /// The employer's id (see the employer page or the API).
        #[arg(long)]
        employer: uuid::Uuid,
        /// .jsonl, .csv or .xlsx.
        file: std::path::PathBuf,
        /// Store nothing when any row has a problem (default: store the valid rows).
        #[arg(long)]
        all_or_nothing: bool,
        #[arg(long)]
        json: bool,
    },
    /// New-occupation suggestions (四(七)): the trades people named in their own words, most
    /// seen first, across the province; with --xlsx also write the upward report (proposals
    /// and merges with counts by city) as an Excel file.
    Suggestions {
        /// pending, merged, proposed or ignored (default: all).
        #[arg(long)]
        status: Option<String>,
        /// Only this county (code).
        #[arg(long)]
        county: Option<String>,
        /// Write the upward report to this .xlsx file.
        #[arg(long, value_name = "FILE")]
        xlsx: Option<std::path::PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Run the market upkeep once: expire posts, flag overdue pay.
    Upkeep {
        #[arg(long)]
        json: bool,
    },
}

/// The node's on-disk index when it is free, else (a server holds it) one built in memory
/// from the database for this command.
fn with_index(svc: Service, dir: &std::path::Path, need_disk: bool) -> anyhow::Result<Service> {
    match linghuo_market::MarketIndex::open_or_create(dir) {
        Ok(probe) => {
            drop(probe);
            Ok(svc.with_market_index_dir(dir))
        }
        Err(e) if need_disk => Err(anyhow::anyhow!(
            "无法打开搜索索引 {}（服务正在运行时请先停止服务）：{e}",
            dir.display()
        )),
        Err(_) => {
            eprintln!("提示：搜索索引正被运行中的服务使用，本次在内存中从数据库重建后搜索。");
            Ok(svc)
        }
    }
}

pub async fn run(svc: Service, cmd: MarketCommand) -> anyhow::Result<ExitCode> {
    let dir = svc.config.server.data_dir.join("market-index");
    match cmd {
        MarketCommand::Reindex { json } => {
            let svc = with_index(svc, &dir, true)?;
            let started = std::time::Instant::now();
            let status = svc.reindex_market().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&status)?);
            } else {
                println!(
                    "搜索索引已重建：在招岗位 {} 个，求职者 {} 人，用时 {:.1} 秒。",
                    status.live_posts,
                    status.worker_profiles,
                    started.elapsed().as_secs_f64()
                );
            }
            svc.db.close().await;
        }
        MarketCommand::Search {
            query,
            near,
            region,
            occupation,
            form,
            sort,
            limit,
            json,
        } => {
            let svc = with_index(svc, &dir, false)?;
            let input = SearchInput {
                q: query,
                region,
                occupation,
                form,
                near,
                sort,
                limit: Some(limit),
                ..SearchInput::default()
            };
            let hits = match svc.search_posts(&input).await {
                Ok(h) => h,
                Err(linghuo_service::ServiceError::Invalid { field, message, .. }) => {
                    eprintln!("错误：{field}：{message}");
                    svc.db.close().await;
                    return Ok(ExitCode::from(2));
                }
                Err(e) => return Err(e.into()),
            };
            if json {
                // The shape other systems read: results in rank order.
                let results: Vec<serde_json::Value> = hits
                    .iter()
                    .map(|h| {
                        serde_json::json!({
                            "id": h.post.id,
                            "external_id": h.post.external_id,
                            "title": h.post.title,
                            "score": h.score,
                            "why": h.why,
                            "distance_km": h.distance_km,
                            "pay": h.post.pay,
                            "county": h.post.county_name,
                            "employer": h.post.employer_name,
                        })
                    })
                    .collect();
                println!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "results": results }))?
                );
            } else if hits.is_empty() {
                println!("没有找到符合条件的在招岗位。");
            } else {
                for h in &hits {
                    println!(
                        "{}  {}  {}  {}  {}\n    {}",
                        h.post.id,
                        h.post.title,
                        h.post.pay,
                        h.post.county_name,
                        h.post.employer_name,
                        h.why
                    );
                }
            }
            svc.db.close().await;
        }
        MarketCommand::Import {
            employer,
            file,
            all_or_nothing,
            json,
        } => {
            let bytes = std::fs::read(&file).with_context(|| format!("读取 {}", file.display()))?;
            let name = file.to_string_lossy().into_owned();
            let rows = match linghuo_service::market_import::read_post_file(&name, &bytes) {
                Ok(r) => r,
                Err(m) => {
                    eprintln!("错误：{m}");
                    svc.db.close().await;
                    return Ok(ExitCode::from(2));
                }
            };
            let report = match svc.import_posts(None, employer, rows, all_or_nothing).await {
                Ok(r) => r,
                Err(linghuo_service::ServiceError::NotFound) => {
                    eprintln!("错误：employer：没有这个用人单位");
                    svc.db.close().await;
                    return Ok(ExitCode::from(2));
                }
                Err(e) => return Err(e.into()),
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "共 {} 行：新增 {}（立即上线 {}，待审核 {}），已导入过 {}，有问题 {} 处{}。",
                    report.rows,
                    report.created,
                    report.live,
                    report.held,
                    report.unchanged,
                    report.problems.len(),
                    if report.rejected {
                        "；因选择了“全部或全不”，本次未导入任何岗位"
                    } else {
                        ""
                    }
                );
                for p in &report.problems {
                    println!("  第{}行 {}：{}", p.line, p.field, p.message);
                }
            }
            svc.db.close().await;
            let failed = report.rejected || (!report.problems.is_empty() && report.created == 0);
            return Ok(if failed {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            });
        }
        MarketCommand::Suggestions {
            status,
            county,
            xlsx,
            json,
        } => {
            let filter =
                linghuo_service::market_occupations::OccupationSuggestionFilter { status, county };
            let list = match svc.occupation_suggestions_in("14", None, &filter).await {
                Ok(l) => l,
                Err(linghuo_service::ServiceError::Invalid { field, message, .. }) => {
                    eprintln!("{field}：{message}");
                    return Ok(ExitCode::from(2));
                }
                Err(linghuo_service::ServiceError::NotFound) => {
                    eprintln!("county：不是山西省的县（市、区）代码");
                    return Ok(ExitCode::from(2));
                }
                Err(e) => return Err(e.into()),
            };
            if let Some(path) = &xlsx {
                let report = svc.occupation_report_in("14", None).await?;
                let bytes = svc.occupation_report_xlsx(None, &report).await?;
                std::fs::write(path, bytes)
                    .with_context(|| format!("无法写入 {}", path.display()))?;
                if !json {
                    println!(
                        "上报表已写入 {}：{} 行（待处理建议 {} 条）。",
                        path.display(),
                        report.lines.len(),
                        report.pending
                    );
                }
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                println!(
                    "{}：新职业建议 {} 条，待处理 {} 条。",
                    list.scope, list.total, list.pending
                );
                for e in &list.entries {
                    let decided = match (e.status.as_str(), &e.decided_name, &e.proposed_name) {
                        ("merged", Some(d), _) => format!("{}：{d}", e.status_label),
                        ("proposed", Some(d), Some(n)) => format!("{}：{n}（{d}）", e.status_label),
                        _ => e.status_label.clone(),
                    };
                    println!(
                        "{:>5}次  {}  {}  系统理解为{}  {}",
                        e.count, e.words, e.county_name, e.guess_name, decided
                    );
                }
            }
            svc.db.close().await;
        }
        MarketCommand::Upkeep { json } => {
            let report = svc.market_upkeep().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                println!(
                    "已处理：过期岗位 {} 个，新发欠薪提醒 {} 条。",
                    report.expired_posts, report.overdue_notices
                );
            }
            svc.db.close().await;
        }
    }
    Ok(ExitCode::SUCCESS)
}
