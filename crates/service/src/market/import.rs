//! Import of job posts from a city's existing gig market (JSON lines, CSV or Excel read by
//! the caller into [`ImportedPost`] rows). Every row is checked and screened like a post
//! typed into the page; the external id makes a second import of the same file change
//! nothing. Either all rows go in or none (`all_or_nothing`), or the valid rows go in and
//! the report lists the others by line, field and problem in Chinese.

use std::collections::HashSet;

use linghuo_domain::Money;
use linghuo_market::import::ImportedPost;
use linghuo_storage::market::{self as repo, EmployerRow, PostRow};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::market::{Finding, PostInput};
use linghuo_storage::status::PostStatus;

/// One problem of one row.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct ImportProblem {
    /// 1-based line (JSON lines) or row (CSV/Excel, counting the header).
    pub line: usize,
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub rows: usize,
    /// New posts stored (live + held).
    pub created: usize,
    pub live: usize,
    /// Held for county review, with the screening reasons.
    pub held: usize,
    /// Rows whose external id was already imported (nothing changed).
    pub unchanged: usize,
    pub problems: Vec<ImportProblem>,
    /// True when nothing was stored because of problems and all-or-nothing was asked.
    pub rejected: bool,
}

fn to_input(p: &ImportedPost, job: &linghuo_market::JobPost) -> PostInput {
    PostInput {
        title: job.title.clone(),
        // With any schedule text that could not be read appended.
        description: job.description.clone(),
        occupation: job.occupation.clone(),
        trade_words: job.trade_text.clone(),
        form: job.form.code().to_owned(),
        county_code: job.county.as_str(),
        remote: false,
        address: p.address.clone(),
        lat: Some(job.lat),
        lon: Some(job.lon),
        starts_on: job.starts_on.to_string(),
        ends_on: job.ends_on.map(|d| d.to_string()),
        // The schedule as read (its label reads back to the same schedule); the file's
        // own words may hold parts only the description keeps.
        schedule: p
            .schedule
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|_| job.schedule.label()),
        hours_per_week: job.hours_per_week.map(i64::from),
        // The text as the file wrote it, parsed again as a typed post's would be.
        pay: p.pay_text().ok(),
        pay_amount: String::new(),
        pay_unit: String::new(),
        typical_daily_pay: job
            .pay
            .typical_daily_fen
            .map(|f| Money::from_fen(f).to_string()),
        headcount: i64::from(job.headcount),
        required_certificates: job.required_certificates.clone(),
        skills: job.skills.clone(),
        accident_cover: job.accident_cover,
        expires_on: Some(job.expires_on.to_string()),
        external_id: job.external_id.clone(),
    }
}

impl Service {
    /// Imports posts for one employer. `actor` is the employer itself or county staff of the
    /// employer's county; `None` is the command line (audited as the system).
    pub async fn import_posts(
        &self,
        actor: Option<&Actor>,
        employer_id: Uuid,
        rows: ImportRows,
        all_or_nothing: bool,
    ) -> Result<ImportReport> {
        let employer: EmployerRow = repo::employer(&self.db, employer_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if let Some(a) = actor {
            match a.role {
                Role::Employer if self.employer_of(a).await?.id == employer.id => {}
                Role::Staff if a.may_see(&employer.county_code, None) => {}
                _ => return Err(ServiceError::NotFound),
            }
        }
        let today = self.clock.today_cst();
        let now = self.clock.now();
        let mut report = ImportReport {
            rows: rows.len(),
            ..ImportReport::default()
        };
        let mut seen = HashSet::new();
        let mut recent = repo::posts_of_employer(&self.db, employer.id).await?;
        let mut ready: Vec<(PostRow, Vec<Finding>)> = Vec::new();
        for (line, row) in rows {
            let mut problem = |field: &str, code: &str, message: String| {
                report.problems.push(ImportProblem {
                    line,
                    field: field.to_owned(),
                    code: code.to_owned(),
                    message,
                });
            };
            let p = match row {
                Ok(p) => p,
                Err(m) => {
                    problem("", "row_unreadable", m);
                    continue;
                }
            };
            let ext = p.external_id.trim().to_owned();
            if !ext.is_empty() && !seen.insert(ext.clone()) {
                problem(
                    "external_id",
                    "duplicate_in_file",
                    format!("原系统岗位编号“{ext}”在文件中重复出现"),
                );
                continue;
            }
            let job = match p.to_post(Uuid::new_v4(), today, now) {
                Ok(j) => j,
                Err(errors) => {
                    for e in errors {
                        match e {
                            linghuo_market::MarketError::Invalid {
                                code,
                                field,
                                message,
                            } => problem(field, code, message),
                            other => problem("", "row_invalid", other.to_string()),
                        }
                    }
                    continue;
                }
            };
            if repo::post_by_external(&self.db, employer.id, &ext)
                .await?
                .is_some()
            {
                report.unchanged += 1;
                continue;
            }
            let input = to_input(&p, &job);
            let mut row = match self.post_row(&employer, &input, actor.map(|a| a.user_id), now) {
                Ok(r) => r,
                Err(ServiceError::Invalid {
                    field,
                    code,
                    message,
                }) => {
                    problem(&field, code, message);
                    continue;
                }
                Err(e) => return Err(e),
            };
            // The file's order is kept as the order of posting (exports list the newest
            // first): row n counts as posted n seconds before the import, so posts that are
            // otherwise alike rank in the file's order, the same on every import.
            row.created_at = now - chrono::Duration::seconds(line as i64);
            let findings = self.screen_post(&employer, &row, &recent);
            row.status = if crate::market::publishable(&findings) {
                PostStatus::Live
            } else {
                PostStatus::Held
            };
            row.screening = serde_json::to_string(&findings).unwrap_or_else(|_| "[]".into());
            recent.push(row.clone());
            ready.push((row, findings));
        }
        if all_or_nothing && !report.problems.is_empty() {
            report.rejected = true;
            return Ok(report);
        }
        let who = actor.map_or_else(AuditActor::system, AuditActor::from);
        let mut tx = self.db.begin().await?;
        for (row, findings) in &ready {
            repo::insert_post(&mut tx, row).await?;
            crate::market_occupations::collect_post(&mut tx, row, "import").await?;
            if row.status == PostStatus::Live {
                repo::enqueue_index(&mut tx, row.id, now).await?;
                report.live += 1;
            } else {
                report.held += 1;
            }
            audit::record(
                &mut tx,
                &self.keys,
                now,
                &who,
                Event::new("post_imported", "job_post", row.id)
                    .region(row.county_code.clone())
                    .detail(json!({"status": row.status, "external_id": row.external_id,
                        "findings": findings.iter().map(|f| &f.code).collect::<Vec<_>>()})),
            )
            .await?;
        }
        tx.commit().await?;
        self.note_market_write();
        report.created = ready.len();
        Ok(report)
    }
}

/// Column names of the post template (English field names are accepted too).
pub const POST_COLUMNS: &[(&str, &str)] = &[
    ("原系统岗位编号", "external_id"),
    ("岗位名称", "title"),
    ("岗位描述", "description"),
    ("工种", "occupation"),
    ("用工形式", "form"),
    ("薪酬", "pay"),
    ("薪酬金额", "pay_amount"),
    ("计酬单位", "pay_unit"),
    ("日均收入", "typical_daily_pay"),
    ("工作地点（县区）", "county"),
    ("区县", "county"),
    ("详细地址", "address"),
    ("纬度", "lat"),
    ("经度", "lon"),
    ("技能", "skills"),
    ("开始日期", "starts_on"),
    ("结束日期", "ends_on"),
    ("工作时间", "schedule"),
    ("每周小时数", "hours_per_week"),
    ("招聘人数", "headcount"),
    ("所需证书", "required_certificates"),
    ("意外伤害保障", "accident_cover"),
    ("有效期至", "expires_on"),
];

const POST_FIELDS: &[&str] = &[
    "external_id",
    "title",
    "description",
    "occupation",
    "form",
    "pay",
    "pay_amount",
    "pay_unit",
    "typical_daily_pay",
    "county",
    "address",
    "lat",
    "lon",
    "skills",
    "starts_on",
    "ends_on",
    "schedule",
    "hours_per_week",
    "headcount",
    "required_certificates",
    "accident_cover",
    "expires_on",
];

/// A count as people write it: `3`, `3人`, `2名`, `2-3人` (the larger), and for a headcount
/// `不限`/`大量` (20 places) or `若干`/`多名`/`数名` (5).
fn count_of(v: &str, headcount: bool) -> Option<u32> {
    let t = v.trim();
    if let Ok(n) = t.parse::<u32>() {
        return (n > 0).then_some(n);
    }
    let numbers: Vec<u32> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|d| d.parse().ok())
        .filter(|n| *n > 0)
        .collect();
    if let Some(n) = numbers.iter().max() {
        return Some(*n);
    }
    if !headcount {
        return None;
    }
    if ["不限", "大量", "很多", "长期招"]
        .iter()
        .any(|w| t.contains(w))
    {
        Some(20)
    } else if ["若干", "多名", "数名", "几名", "几个"]
        .iter()
        .any(|w| t.contains(w))
    {
        Some(5)
    } else {
        None
    }
}

/// A spreadsheet row (header → text) as an [`ImportedPost`]: numbers, dates, yes/no and
/// lists (separated by 、 , ， ; or ；) converted, each failure naming its column.
fn post_from_record(
    rec: &std::collections::HashMap<String, String>,
) -> std::result::Result<ImportedPost, String> {
    let mut obj = serde_json::Map::new();
    for (k, v) in rec {
        let value = match k.as_str() {
            "lat" | "lon" => serde_json::Value::from(
                v.parse::<f64>()
                    .map_err(|_| format!("{k}：“{v}”不是数字"))?,
            ),
            "hours_per_week" | "headcount" => match count_of(v, k == "headcount") {
                Some(n) => serde_json::Value::from(n),
                None => return Err(format!("{k}：“{v}”不是正整数")),
            },
            "skills" | "required_certificates" => serde_json::Value::from(
                v.split(['、', ',', '，', ';', '；'])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect::<Vec<_>>(),
            ),
            "accident_cover" => serde_json::Value::from(match v.as_str() {
                "是" | "有" | "true" | "TRUE" | "1" | "Y" | "y" => true,
                "否" | "无" | "false" | "FALSE" | "0" | "N" | "n" => false,
                _ => return Err(format!("{k}：请填写“是”或“否”")),
            }),
            "starts_on" | "ends_on" | "expires_on" => {
                let d = v.replace(['/', '.'], "-");
                chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|_| format!("{k}：“{v}”不是日期，应为 YYYY-MM-DD"))?;
                serde_json::Value::from(d)
            }
            _ => serde_json::Value::from(v.clone()),
        };
        obj.insert(k.clone(), value);
    }
    serde_json::from_value(serde_json::Value::Object(obj)).map_err(|e| e.to_string())
}

/// Rows of an import file: (line or row number, the post or what is wrong with the row).
pub type ImportRows = Vec<(usize, std::result::Result<ImportedPost, String>)>;

/// Reads a file of posts: JSON lines (.jsonl), CSV or Excel, by its name.
pub fn read_post_file(name: &str, bytes: &[u8]) -> std::result::Result<ImportRows, String> {
    use crate::tabular::{FileKind, read_csv, read_xlsx};
    let kind =
        FileKind::of(name).ok_or_else(|| "只能导入 .jsonl、.csv 或 .xlsx 文件".to_owned())?;
    let table = match kind {
        FileKind::JsonLines => {
            let text = std::str::from_utf8(bytes).map_err(|_| "文件不是UTF-8编码".to_owned())?;
            return Ok(text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, l)| {
                    (
                        i + 1,
                        serde_json::from_str::<ImportedPost>(l)
                            .map_err(|e| format!("不是有效的JSON：{e}")),
                    )
                })
                .collect());
        }
        FileKind::Csv => read_csv(bytes)?,
        FileKind::Xlsx => read_xlsx(bytes)?,
    };
    Ok(table
        .records(POST_COLUMNS, POST_FIELDS)?
        .into_iter()
        .map(|(n, rec)| (n, post_from_record(&rec)))
        .collect())
}
