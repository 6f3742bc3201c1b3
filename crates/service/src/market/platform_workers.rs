//! 平台从业人员报送 (五(十二), 二(三)): an internet platform (employer kind `platform`), or a
//! human-resource service agency (`hr_agency`) that places people in flexible work, reports
//! the people who work through it — riders, drivers and the like — with the form of their
//! work (新就业形态 unless it says otherwise), the county they serve in, when they started
//! and, once they stop, when they stopped.
//!
//! Rows come from the platform's own .xlsx or .csv (the tabular reader the staff imports use)
//! or as JSON through the API; every row is checked first and each bad row is reported as
//! one line in Chinese ("第3行 身份证号：…"). The person is found by the ID number's blind
//! index, or registered like an imported person (sealed ID number and phone, the serving
//! county as 管辖地) when nobody holds it yet. One record per employer, person and start
//! date: the same rows sent again change nothing, an end date closes the record, and empty
//! optional cells leave what is stored alone. All rows go in one transaction with one audit
//! row, and every person whose record changed is queued for 免申即享 re-screening.
//!
//! What follows from a record: staff of the serving county see it (`/staff/platform-workers`
//! and the person page), the statistics count it by form (`platform_workers` cells), and the
//! policy engine reads it as a 用工登记 in that form (`facts.hires`) and, for 新就业形态 in
//! force on the day, as 平台就业人员 (see `benefits::gather_facts`).

use std::collections::{HashMap, HashSet};

use chrono::{Datelike as _, NaiveDate, Utc};
use linghuo_domain::{IdNumber, Phone, RegionCode, RegionLevel, mask_name};
use linghuo_storage::market::platform_workers::{self as repo, PlatformWorkerRow};
use linghuo_storage::market::{self as market_repo, EmployerRow};
use linghuo_storage::persons;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::market_import::ImportProblem;
use crate::paging::{PageQuery, Paged};
use crate::tabular::{FileKind, Record, read_csv, read_xlsx};
use crate::{Service, protect};

/// The employer kinds that report workers: 平台企业 and 人力资源服务机构.
pub const REPORTING_KINDS: &[&str] = &["platform", "hr_agency"];

/// The forms of flexible employment a record may carry (二(三)), as the statistics and the
/// policy engine name them.
pub const WORK_FORMS: &[(&str, &str)] = &[
    ("platform", "新就业形态"),
    ("part_time", "非全日制"),
    ("self_employed", "个体经营"),
    ("gig", "零工"),
];

/// Template columns (Chinese headers, or the field names); the first spelling of each field
/// is the template's.
pub const WORKER_COLUMNS: &[(&str, &str)] = &[
    ("身份证号", "id_number"),
    ("身份证号码", "id_number"),
    ("公民身份号码", "id_number"),
    ("姓名", "name"),
    ("手机", "phone"),
    ("手机号码", "phone"),
    ("联系电话", "phone"),
    ("从业形态", "form"),
    ("灵活就业形式", "form"),
    ("服务区县", "county"),
    ("区县", "county"),
    ("开始日期", "started_on"),
    ("结束日期", "ended_on"),
    ("工种/职业", "occupation"),
    ("工种", "occupation"),
    ("职业", "occupation"),
    ("职业伤害保障", "injury_cover"),
];
const WORKER_FIELDS: &[&str] = &[
    "id_number",
    "name",
    "phone",
    "form",
    "county",
    "started_on",
    "ended_on",
    "occupation",
    "injury_cover",
];
const REQUIRED: &[&str] = &["id_number", "name", "county", "started_on"];

/// Most rows in one report (a larger file is split, or sent with `linghuo import`).
pub const MAX_ROWS: usize = 20_000;

/// The template's header row (UTF-8 with BOM, as Excel opens it).
pub fn worker_template_csv() -> String {
    format!("\u{feff}{}\n", template_headers().join(","))
}

/// The template's headers, one per field.
pub fn template_headers() -> Vec<&'static str> {
    WORKER_FIELDS.iter().map(|f| column_label(f)).collect()
}

/// The column a field is read from, as the template heads it.
pub fn column_label(field: &str) -> &'static str {
    WORKER_COLUMNS
        .iter()
        .find(|(_, f)| *f == field)
        .map_or("（整行）", |(h, _)| *h)
}

/// A problem as one line a person reads: `第3行 身份证号：校验位不正确…`.
pub fn problem_line(p: &ImportProblem) -> String {
    format!("第{}行 {}：{}", p.line, column_label(&p.field), p.message)
}

/// Reads the rows of a workers file (.xlsx or .csv), refusing unknown columns and missing
/// required ones.
pub fn read_worker_file(name: &str, bytes: &[u8]) -> std::result::Result<Vec<Record>, String> {
    let table = match FileKind::of(name) {
        Some(FileKind::Xlsx) => read_xlsx(bytes)?,
        Some(FileKind::Csv) => read_csv(bytes)?,
        _ => return Err("只能上传 .xlsx 或 .csv 文件".into()),
    };
    for need in REQUIRED {
        let present = table.headers.iter().any(|h| {
            let h = h.trim();
            h == *need || WORKER_COLUMNS.iter().any(|(a, f)| *a == h && f == need)
        });
        if !present {
            return Err(format!(
                "缺少必填列“{}”。请下载模板，按模板的表头填写",
                column_label(need)
            ));
        }
    }
    table.records(WORKER_COLUMNS, WORKER_FIELDS)
}

/// One worker as JSON (the API's `rows`).
#[derive(Clone, Debug, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkerRowInput {
    /// 身份证号 (18 digits, the last may be X).
    pub id_number: String,
    /// 姓名, as on the ID card.
    pub name: String,
    /// 手机 (optional).
    #[serde(default)]
    pub phone: Option<String>,
    /// 从业形态: platform (新就业形态, the default), part_time (非全日制), self_employed
    /// (个体经营) or gig (零工); the Chinese words are taken too.
    #[serde(default)]
    pub form: Option<String>,
    /// 服务区县: a current Shanxi county, by its six-digit code or its name (小店区).
    pub county: String,
    /// 开始日期, YYYY-MM-DD (2026-03-01, 2026/3/1 and 2026年3月1日 are read too).
    pub started_on: String,
    /// 结束日期 (optional): closes the record.
    #[serde(default)]
    pub ended_on: Option<String>,
    /// 工种/职业, free text (optional), e.g. 网约配送员.
    #[serde(default)]
    pub occupation: Option<String>,
    /// 职业伤害保障: whether the platform covers the person (optional).
    #[serde(default)]
    pub injury_cover: Option<bool>,
}

/// JSON rows as the records a file would give; row N is line N.
pub fn worker_records(rows: &[WorkerRowInput]) -> Vec<Record> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let mut m = HashMap::new();
            m.insert("id_number".to_owned(), r.id_number.clone());
            m.insert("name".to_owned(), r.name.clone());
            m.insert("county".to_owned(), r.county.clone());
            m.insert("started_on".to_owned(), r.started_on.clone());
            for (k, v) in [
                ("phone", &r.phone),
                ("form", &r.form),
                ("ended_on", &r.ended_on),
                ("occupation", &r.occupation),
            ] {
                if let Some(v) = v {
                    m.insert(k.to_owned(), v.clone());
                }
            }
            if let Some(c) = r.injury_cover {
                m.insert(
                    "injury_cover".to_owned(),
                    if c { "是" } else { "否" }.into(),
                );
            }
            (i + 1, m)
        })
        .collect()
}

/// What a report did.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct WorkerReportResult {
    pub rows: usize,
    /// New records.
    pub added: usize,
    /// Records whose reported fields changed (closed ones included).
    pub updated: usize,
    /// Of `updated`, records an end date closed.
    pub closed: usize,
    /// Rows equal to what is stored.
    pub unchanged: usize,
    /// Persons registered because nobody held the ID number yet.
    pub persons_registered: usize,
    pub problems: Vec<ImportProblem>,
    /// Every problem as one line in Chinese: `第3行 身份证号：…`.
    pub problem_lines: Vec<String>,
    /// Nothing stored: problems and all-or-nothing.
    pub rejected: bool,
    /// SHA-256 of the file (or of the JSON rows), recorded in the audit trail.
    pub file_sha256: String,
}

/// A reported worker as shown: name, ID number and phone masked.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct PlatformWorkerView {
    pub id: Uuid,
    /// Masked (张*).
    pub name: String,
    /// Masked (140***********1234).
    pub id_number: String,
    /// Masked (138****5678), as the platform reported it.
    pub phone: Option<String>,
    /// platform | part_time | self_employed | gig
    pub form: String,
    pub form_label: &'static str,
    pub county_code: String,
    pub county_name: String,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    /// 在岗 or 已结束.
    pub status_label: &'static str,
    pub occupation: String,
    pub injury_cover: Option<bool>,
    /// 是 | 否 | 未填写
    pub injury_cover_label: &'static str,
    pub employer_id: Uuid,
    pub employer_name: String,
    /// For staff: the person, when the person's record lies in their region (the link to
    /// the person page); never given to the employer.
    pub person_id: Option<Uuid>,
    pub updated_at: chrono::DateTime<Utc>,
}

/// Who sends a report: a signed-in employer account, or the operator's command line for a
/// named employer (audited as the system).
#[derive(Clone, Copy, Debug)]
pub enum Reporter<'a> {
    Employer(&'a Actor),
    CommandLine(Uuid),
}

fn form_code(s: &str) -> Option<Option<&'static str>> {
    Some(Some(match s.trim() {
        "" => return Some(None),
        "新就业形态" | "新就业形态/平台" | "平台" | "平台就业" | "platform" => {
            "platform"
        }
        "非全日制" | "非全日制用工" | "part_time" => "part_time",
        "个体经营" | "self_employed" => "self_employed",
        "零工" | "gig" => "gig",
        _ => return None,
    }))
}

fn form_label(code: &str) -> &'static str {
    WORK_FORMS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, l)| *l)
}

fn yes_no(s: &str) -> Option<Option<bool>> {
    match s.trim() {
        "" => Some(None),
        "是" | "有" | "已参加" | "Y" | "y" | "true" | "1" => Some(Some(true)),
        "否" | "无" | "未参加" | "N" | "n" | "false" | "0" => Some(Some(false)),
        _ => None,
    }
}

/// A day as people write it: 2026-03-01, 2026/3/1, 2026.3.1 or 2026年3月1日.
fn day(s: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = s
        .trim()
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// A row that passed every check of its own.
struct Checked {
    line: usize,
    idn: IdNumber,
    index: Vec<u8>,
    name: String,
    phone: Option<Phone>,
    /// None: not given (new records are 新就业形态, stored ones keep theirs).
    form: Option<&'static str>,
    county: RegionCode,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    occupation: Option<String>,
    injury_cover: Option<bool>,
}

/// A refused row: the field, a stable code and the message in Chinese.
type Refusal = (&'static str, &'static str, String);

/// Checks one row's own cells (the person is looked up afterwards; `index` is left empty).
fn check_row(
    line: usize,
    rec: &HashMap<String, String>,
    today: NaiveDate,
) -> std::result::Result<Checked, Refusal> {
    let get = |k: &str| rec.get(k).map(|s| s.trim()).unwrap_or("");
    let idn = IdNumber::parse_on(get("id_number"), today)
        .map_err(|e| ("id_number", e.code, e.message))?;
    let name = get("name");
    if name.is_empty() || name.chars().count() > 40 || name.chars().any(char::is_control) {
        return Err((
            "name",
            "text_length",
            "姓名不能为空，最多40个字，与身份证上的一致".into(),
        ));
    }
    let phone = match get("phone") {
        "" => None,
        p => Some(Phone::parse(p).map_err(|e| ("phone", e.code, e.message))?),
    };
    let form = form_code(get("form")).ok_or_else(|| {
        (
            "form",
            "form_unknown",
            format!(
                "从业形态“{}”无法识别：应为新就业形态、非全日制、个体经营或零工（不填为新就业形态）",
                get("form")
            ),
        )
    })?;
    let county = RegionCode::parse(get("county"))
        .ok()
        .or_else(|| linghuo_market::import::resolve_county(get("county")).ok())
        .filter(|c| c.level() == RegionLevel::County)
        .ok_or_else(|| {
            (
                "county",
                "county_unknown",
                format!(
                    "服务区县“{}”不是山西省现行的县（市、区）：请填写六位区划代码（如140105）或全称（如小店区）",
                    get("county")
                ),
            )
        })?;
    let started_on = day(get("started_on"))
        .filter(|d| *d <= today && d.year() >= 2000)
        .ok_or_else(|| {
            (
                "started_on",
                "date_invalid",
                "开始日期应写成 2026-03-01 这样的日期，且不晚于今天".into(),
            )
        })?;
    let ended_on = match get("ended_on") {
        "" => None,
        s => Some(
            day(s)
                .filter(|d| *d >= started_on && *d <= today)
                .ok_or_else(|| {
                    (
                        "ended_on",
                        "date_invalid",
                        "结束日期应写成 2026-03-01 这样的日期，不早于开始日期、不晚于今天；仍在岗的请留空"
                            .into(),
                    )
                })?,
        ),
    };
    let occupation = match get("occupation") {
        "" => None,
        s if s.chars().count() > 40 || s.chars().any(char::is_control) => {
            return Err(("occupation", "text_length", "工种/职业最多40个字".into()));
        }
        s => Some(s.to_owned()),
    };
    let injury_cover = yes_no(get("injury_cover")).ok_or_else(|| {
        (
            "injury_cover",
            "yes_no",
            "职业伤害保障应填“是”或“否”（不清楚可留空）".into(),
        )
    })?;
    Ok(Checked {
        line,
        idn,
        index: Vec::new(),
        name: name.to_owned(),
        phone,
        form,
        county,
        started_on,
        ended_on,
        occupation,
        injury_cover,
    })
}

impl Service {
    /// The caller's employer, when it is of a kind that reports workers; otherwise a refusal
    /// that says who may and what to do.
    pub async fn platform_employer(&self, actor: &Actor) -> Result<EmployerRow> {
        let e = self.employer_of(actor).await?;
        reporting_kind(&e)?;
        Ok(e)
    }

    /// Reports workers (rows from a file or the API). `file_bytes` is what the digest in the
    /// audit trail is taken of.
    pub async fn report_platform_workers(
        &self,
        by: Reporter<'_>,
        file_bytes: &[u8],
        records: Vec<Record>,
        all_or_nothing: bool,
    ) -> Result<WorkerReportResult> {
        let (employer, actor) = match by {
            Reporter::Employer(a) => (self.platform_employer(a).await?, Some(a)),
            Reporter::CommandLine(id) => {
                let e = market_repo::employer(&self.db, id)
                    .await?
                    .ok_or(ServiceError::NotFound)?;
                reporting_kind(&e)?;
                (e, None)
            }
        };
        if !employer.verified {
            return Err(ServiceError::Forbidden {
                code: "employer_unverified",
                message: "单位信息尚未经人社部门核验，核验后才能报送从业人员。请携带营业执照到所在县（市、区）灵活就业服务窗口办理核验".into(),
            });
        }
        if records.len() > MAX_ROWS {
            return Err(ServiceError::invalid(
                "rows",
                "too_many_rows",
                format!(
                    "一次最多报送{MAX_ROWS}行，本次有{}行：请分成几个文件报送",
                    records.len()
                ),
            ));
        }
        let now = self.clock.now();
        let today = self.clock.today_cst();
        let mut report = WorkerReportResult {
            rows: records.len(),
            file_sha256: hex::encode(Sha256::digest(file_bytes)),
            ..WorkerReportResult::default()
        };
        let problem = |report: &mut WorkerReportResult, line: usize, r: Refusal| {
            report.problems.push(ImportProblem {
                line,
                field: r.0.into(),
                code: r.1.into(),
                message: r.2,
            });
        };

        // Step 1: each row on its own.
        let mut seen = HashSet::new();
        let mut rows = Vec::with_capacity(records.len());
        for (line, rec) in &records {
            match check_row(*line, rec, today) {
                Err(r) => problem(&mut report, *line, r),
                Ok(mut row) => {
                    if !seen.insert((row.idn.as_str().to_owned(), row.started_on)) {
                        problem(
                            &mut report,
                            *line,
                            (
                                "started_on",
                                "duplicate_in_file",
                                "同一人同一开始日期在文件中重复出现".into(),
                            ),
                        );
                        continue;
                    }
                    row.index = self.keys.blind_index("id_number", row.idn.as_str());
                    rows.push(row);
                }
            }
        }

        // Step 2: the persons the rows name, looked up together; a registered person's name
        // must be the one reported (a mistyped ID number that happens to be valid would
        // otherwise put the work on someone else).
        let indexes: Vec<Vec<u8>> = rows
            .iter()
            .map(|r| r.index.clone())
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let known: HashMap<Vec<u8>, (Uuid, String)> = repo::persons_by_indexes(&self.db, &indexes)
            .await?
            .into_iter()
            .map(|(i, id, name)| (i, (id, name)))
            .collect();
        let mut new_persons: HashMap<Vec<u8>, persons::PersonRow> = HashMap::new();
        let mut ready = Vec::with_capacity(rows.len());
        for r in rows {
            match known.get(&r.index) {
                Some((_, name)) if name.trim() != r.name => problem(
                    &mut report,
                    r.line,
                    (
                        "name",
                        "name_mismatch",
                        "姓名与该身份证号码登记的姓名不一致，请核对姓名和身份证号".into(),
                    ),
                ),
                Some((pid, _)) => ready.push((*pid, r)),
                None => {
                    let pid = match new_persons.get(&r.index) {
                        Some(p) if p.name != r.name => {
                            problem(
                                &mut report,
                                r.line,
                                (
                                    "name",
                                    "name_mismatch",
                                    "同一身份证号在文件中对应了不同的姓名，请核对".into(),
                                ),
                            );
                            continue;
                        }
                        Some(p) => p.id,
                        None => {
                            let pid = Uuid::new_v4();
                            new_persons.insert(
                                r.index.clone(),
                                self.sealed_person_indexed(
                                    pid,
                                    r.name.clone(),
                                    &r.idn,
                                    r.index.clone(),
                                    r.phone.as_ref(),
                                    &r.county,
                                    String::new(),
                                    None,
                                    now,
                                ),
                            );
                            pid
                        }
                    };
                    ready.push((pid, r));
                }
            }
        }
        if all_or_nothing && !report.problems.is_empty() {
            return Ok(self.finish_rejected(report));
        }

        // Step 3: written in one transaction.
        let mut tx = self.db.begin().await?;
        let mut persons_rows: Vec<persons::PersonRow> = new_persons.into_values().collect();
        persons_rows.sort_by(|a, b| a.id_index.cmp(&b.id_index));
        let inserted = persons::insert_many(&mut tx, &persons_rows).await?;
        if inserted.len() != persons_rows.len() {
            // Someone registered one of these ID numbers meanwhile: nothing is half-written.
            tx.rollback().await?;
            return Err(ServiceError::Conflict {
                code: "person_registered_meanwhile",
                message: "报送期间有人员信息同时登记，请重新报送一次（重复报送不会产生重复记录）"
                    .into(),
            });
        }
        report.persons_registered = inserted.len();
        let mut touched = HashSet::new();
        for (pid, r) in ready {
            match self
                .write_worker(&mut tx, &employer, actor, pid, &r, now)
                .await?
            {
                Ok(Written::Added) => {
                    report.added += 1;
                    touched.insert(pid);
                }
                Ok(Written::Updated { closed }) => {
                    report.updated += 1;
                    report.closed += usize::from(closed);
                    touched.insert(pid);
                }
                Ok(Written::Unchanged) => report.unchanged += 1,
                Err(refusal) => problem(&mut report, r.line, refusal),
            }
        }
        if all_or_nothing && !report.problems.is_empty() {
            tx.rollback().await?;
            return Ok(self.finish_rejected(report));
        }
        let mut touched: Vec<Uuid> = touched.into_iter().collect();
        touched.sort_unstable();
        linghuo_storage::benefits::enqueue_rescreen_many(&mut tx, &touched, now).await?;
        let who = actor.map_or_else(AuditActor::system, AuditActor::from);
        report.problems.sort_by_key(|p| p.line);
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &who,
            Event::new("platform_workers_reported", "employer", employer.id)
                .region(employer.county_code.clone())
                .detail(json!({
                    "rows": report.rows, "added": report.added, "updated": report.updated,
                    "closed": report.closed, "unchanged": report.unchanged,
                    "persons_registered": report.persons_registered,
                    "problems": report.problems.len(), "file_sha256": report.file_sha256,
                })),
        )
        .await?;
        tx.commit().await?;
        report.problem_lines = report.problems.iter().map(problem_line).collect();
        Ok(report)
    }

    fn finish_rejected(&self, mut report: WorkerReportResult) -> WorkerReportResult {
        report.rejected = true;
        report.added = 0;
        report.updated = 0;
        report.closed = 0;
        report.unchanged = 0;
        report.persons_registered = 0;
        report.problems.sort_by_key(|p| p.line);
        report.problem_lines = report.problems.iter().map(problem_line).collect();
        report
    }

    /// Writes one checked row: a new record, a change to the stored one, or nothing.
    async fn write_worker(
        &self,
        tx: &mut linghuo_storage::Tx,
        employer: &EmployerRow,
        actor: Option<&Actor>,
        person_id: Uuid,
        r: &Checked,
        now: chrono::DateTime<Utc>,
    ) -> Result<std::result::Result<Written, Refusal>> {
        let seal = |id: &Uuid, p: &Phone| {
            self.keys.seal(
                &protect::context("platform_workers.phone", id),
                p.as_str().as_bytes(),
            )
        };
        let Some(stored) = repo::by_key(tx, employer.id, person_id, r.started_on).await? else {
            if r.ended_on.is_none()
                && let Some(open) = repo::open_of(tx, employer.id, person_id).await?.first()
            {
                return Ok(Err((
                    "ended_on",
                    "open_record_exists",
                    format!(
                        "此人在本单位已有{}开始、尚未结束的从业记录：请先报送那条记录的结束日期，或在本行填写结束日期",
                        linghuo_policy::calendar::zh_date(open.started_on)
                    ),
                )));
            }
            let id = Uuid::new_v4();
            repo::insert(
                tx,
                &PlatformWorkerRow {
                    id,
                    employer_id: employer.id,
                    person_id,
                    county_code: r.county.as_str(),
                    form: r.form.unwrap_or("platform").into(),
                    started_on: r.started_on,
                    ended_on: r.ended_on,
                    occupation: r.occupation.clone().unwrap_or_default(),
                    injury_cover: r.injury_cover,
                    name: r.name.clone(),
                    phone_cipher: r.phone.as_ref().map(|p| seal(&id, p)),
                    reported_by: actor.map(|a| a.user_id),
                    created_at: now,
                    updated_at: now,
                },
            )
            .await?;
            return Ok(Ok(Written::Added));
        };
        // Empty optional cells leave what is stored alone.
        let mut next = stored.clone();
        next.county_code = r.county.as_str();
        next.name = r.name.clone();
        if let Some(f) = r.form {
            next.form = f.into();
        }
        if let Some(d) = r.ended_on {
            next.ended_on = Some(d);
        }
        if let Some(o) = &r.occupation {
            next.occupation = o.clone();
        }
        if let Some(c) = r.injury_cover {
            next.injury_cover = Some(c);
        }
        let same_phone = match (&r.phone, &stored.phone_cipher) {
            (None, _) => true,
            (Some(p), Some(c)) => self
                .keys
                .open(&protect::context("platform_workers.phone", &stored.id), c)
                .is_ok_and(|plain| plain.as_slice() == p.as_str().as_bytes()),
            (Some(_), None) => false,
        };
        if !same_phone && let Some(p) = &r.phone {
            next.phone_cipher = Some(seal(&stored.id, p));
        }
        if next == stored {
            return Ok(Ok(Written::Unchanged));
        }
        next.reported_by = actor.map(|a| a.user_id);
        next.updated_at = now;
        repo::update(tx, &next).await?;
        Ok(Ok(Written::Updated {
            closed: stored.ended_on.is_none() && next.ended_on.is_some(),
        }))
    }

    /// Opens the masked ID numbers of some persons.
    async fn masked_ids(&self, persons: &[Uuid]) -> Result<HashMap<Uuid, String>> {
        let mut out = HashMap::new();
        for (id, sealed) in repo::id_ciphers(&self.db, persons).await? {
            let plain = self
                .keys
                .open(&protect::context("persons.id_number", &id), &sealed)
                .map_err(|e| ServiceError::Internal(format!("persons.id_number: {e}")))?;
            out.insert(
                id,
                linghuo_domain::mask_id_str(&String::from_utf8_lossy(&plain)),
            );
        }
        Ok(out)
    }

    /// The rows as shown: masked, with the employer's name; `staff` decides whether the
    /// person link is given (only for persons in the staff member's region).
    async fn worker_views(
        &self,
        rows: Vec<PlatformWorkerRow>,
        staff: Option<&Actor>,
    ) -> Result<Vec<PlatformWorkerView>> {
        let mut persons: Vec<Uuid> = rows.iter().map(|r| r.person_id).collect();
        persons.sort_unstable();
        persons.dedup();
        let ids = self.masked_ids(&persons).await?;
        let mut employers: HashMap<Uuid, String> = HashMap::new();
        let mut in_scope: HashMap<Uuid, bool> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            if let std::collections::hash_map::Entry::Vacant(slot) = employers.entry(r.employer_id)
            {
                let name = market_repo::employer(&self.db, r.employer_id)
                    .await?
                    .map(|e| e.name)
                    .unwrap_or_default();
                slot.insert(name);
            }
            let person_id = match staff {
                None => None,
                Some(a) => {
                    let visible = match in_scope.entry(r.person_id) {
                        std::collections::hash_map::Entry::Occupied(seen) => *seen.get(),
                        std::collections::hash_map::Entry::Vacant(slot) => *slot.insert(
                            persons::by_id(&self.db, r.person_id)
                                .await?
                                .is_some_and(|p| a.may_see(&p.jurisdiction_code, None)),
                        ),
                    };
                    visible.then_some(r.person_id)
                }
            };
            let phone = match &r.phone_cipher {
                Some(c) => {
                    let plain = self
                        .keys
                        .open(&protect::context("platform_workers.phone", &r.id), c)
                        .map_err(|e| {
                            ServiceError::Internal(format!("platform_workers.phone: {e}"))
                        })?;
                    Some(linghuo_domain::mask_phone_str(&String::from_utf8_lossy(
                        &plain,
                    )))
                }
                None => None,
            };
            out.push(PlatformWorkerView {
                id: r.id,
                name: mask_name(&r.name),
                id_number: ids.get(&r.person_id).cloned().unwrap_or_default(),
                phone,
                form_label: form_label(&r.form),
                form: r.form,
                county_name: RegionCode::parse(&r.county_code)
                    .map(|c| c.full_name())
                    .unwrap_or_default(),
                county_code: r.county_code,
                started_on: r.started_on,
                ended_on: r.ended_on,
                status_label: if r.ended_on.is_some() {
                    "已结束"
                } else {
                    "在岗"
                },
                occupation: r.occupation,
                injury_cover: r.injury_cover,
                injury_cover_label: match r.injury_cover {
                    Some(true) => "是",
                    Some(false) => "否",
                    None => "未填写",
                },
                employer_name: employers[&r.employer_id].clone(),
                employer_id: r.employer_id,
                person_id,
                updated_at: r.updated_at,
            });
        }
        Ok(out)
    }

    /// One page of the workers the caller's platform reported (open ones first), searched by
    /// name.
    pub async fn my_platform_workers(
        &self,
        actor: &Actor,
        q: &PageQuery,
    ) -> Result<Paged<PlatformWorkerView>> {
        let e = self.platform_employer(actor).await?;
        let (rows, total) =
            repo::of_employer_page(&self.db, e.id, &q.like(), q.limit(), q.offset()).await?;
        Ok(Paged::new(self.worker_views(rows, None).await?, q, total))
    }

    /// One page of the reported workers serving in the staff member's region, newest report
    /// first, searched by name.
    pub async fn platform_workers_in_region(
        &self,
        actor: &Actor,
        q: &PageQuery,
    ) -> Result<Paged<PlatformWorkerView>> {
        actor.require_role(&[Role::Staff])?;
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        // Under the region's row-level security as well (B4).
        let mut tx = self.db.begin_scoped(&prefix).await?;
        let (rows, total) =
            repo::in_region_page(&mut tx, &prefix, &q.like(), q.limit(), q.offset()).await?;
        tx.commit().await?;
        Ok(Paged::new(
            self.worker_views(rows, Some(actor)).await?,
            q,
            total,
        ))
    }

    /// Every platform record of a person in the staff member's region (any serving county).
    pub async fn platform_work_of_person(
        &self,
        actor: &Actor,
        person_id: Uuid,
    ) -> Result<Vec<PlatformWorkerView>> {
        actor.require_role(&[Role::Staff])?;
        let p = self.person_in_scope(actor, person_id, "read").await?;
        let rows = repo::of_person(&self.db, p.id).await?;
        self.worker_views(rows, Some(actor)).await
    }
}

/// What writing a row did.
enum Written {
    Added,
    Updated { closed: bool },
    Unchanged,
}

/// Refuses an employer of a kind that does not report workers, in words that say who may.
fn reporting_kind(e: &EmployerRow) -> Result<()> {
    if REPORTING_KINDS.contains(&e.kind.as_str()) {
        return Ok(());
    }
    let kind = crate::market::EMPLOYER_KINDS
        .iter()
        .find(|(c, _)| *c == e.kind)
        .map_or("其他", |(_, l)| *l);
    Err(ServiceError::Forbidden {
        code: "employer_not_platform",
        message: format!(
            "只有平台企业和人力资源服务机构可以报送从业人员。本单位登记的类型是“{kind}”，请通过“用工管理”办理用工登记；如单位类型有误，请联系所在县（市、区）人社部门更正"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_as_people_write_them() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 1);
        for s in [
            "2026-03-01",
            "2026/3/1",
            "2026.3.1",
            "2026年3月1日",
            " 2026-3-1 ",
        ] {
            assert_eq!(day(s), d, "{s}");
        }
        for s in [
            "",
            "26-3-1",
            "2026-13-01",
            "2026-02-30",
            "三月一日",
            "2026-03",
        ] {
            assert_eq!(day(s), None, "{s}");
        }
    }

    #[test]
    fn forms_and_yes_no() {
        assert_eq!(form_code(""), Some(None));
        assert_eq!(form_code("新就业形态"), Some(Some("platform")));
        assert_eq!(form_code("非全日制"), Some(Some("part_time")));
        assert_eq!(form_code("零工"), Some(Some("gig")));
        assert_eq!(form_code("全职"), None);
        assert_eq!(yes_no("是"), Some(Some(true)));
        assert_eq!(yes_no("否"), Some(Some(false)));
        assert_eq!(yes_no(""), Some(None));
        assert_eq!(yes_no("也许"), None);
    }

    #[test]
    fn the_template_has_one_column_per_field() {
        assert_eq!(
            template_headers(),
            vec![
                "身份证号",
                "姓名",
                "手机",
                "从业形态",
                "服务区县",
                "开始日期",
                "结束日期",
                "工种/职业",
                "职业伤害保障"
            ]
        );
        let p = ImportProblem {
            line: 3,
            field: "id_number".into(),
            code: "x".into(),
            message: "校验位不正确".into(),
        };
        assert_eq!(problem_line(&p), "第3行 身份证号：校验位不正确");
    }
}
