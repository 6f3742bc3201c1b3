//! Import of persons from the spreadsheets staff already keep (.xlsx or .csv): every row
//! checked (name, ID number with its check character, phone, county inside the importer's
//! region, groups), problems reported by row, column and message in Chinese; all-or-nothing
//! or skip-invalid; a person already registered (same ID number) is left as it is, so the
//! same file imported twice changes nothing. ID and phone numbers are sealed like every
//! other person's, and rows go in with multi-row statements in one transaction.

use std::collections::HashSet;

use linghuo_domain::{IdNumber, Phone, RegionCode, RegionLevel};
use linghuo_storage::persons::{self, GroupRow};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::Result;
use crate::market_import::ImportProblem;
use crate::persons::group_label;
use crate::tabular::{FileKind, Record, read_csv, read_xlsx};

/// Template columns (Chinese headers, or the English names).
pub const PERSON_COLUMNS: &[(&str, &str)] = &[
    ("姓名", "name"),
    ("身份证号码", "id_number"),
    ("公民身份号码", "id_number"),
    ("手机号码", "phone"),
    ("联系电话", "phone"),
    ("管辖地", "county"),
    ("所属县（市、区）", "county"),
    ("区县", "county"),
    ("地址", "address"),
    ("人员类别", "groups"),
];
const PERSON_FIELDS: &[&str] = &["name", "id_number", "phone", "county", "address", "groups"];

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct PersonImportReport {
    pub rows: usize,
    pub created: usize,
    /// Rows whose ID number is already registered (left unchanged).
    pub unchanged: usize,
    pub problems: Vec<ImportProblem>,
    /// Nothing stored: problems and all-or-nothing.
    pub rejected: bool,
    /// SHA-256 of the file, recorded in the audit trail.
    pub file_sha256: String,
}

/// Reads the rows of a persons file (.xlsx or .csv).
pub fn read_person_file(name: &str, bytes: &[u8]) -> std::result::Result<Vec<Record>, String> {
    let table = match FileKind::of(name) {
        Some(FileKind::Xlsx) => read_xlsx(bytes)?,
        Some(FileKind::Csv) => read_csv(bytes)?,
        _ => return Err("只能导入 .xlsx 或 .csv 文件".into()),
    };
    for need in ["name", "id_number", "county"] {
        let present = table.headers.iter().any(|h| {
            let h = h.trim();
            h == need || PERSON_COLUMNS.iter().any(|(a, f)| *a == h && *f == need)
        });
        if !present {
            let label = PERSON_COLUMNS
                .iter()
                .find(|(_, f)| *f == need)
                .map_or(need, |(a, _)| *a);
            return Err(format!("缺少必填列“{label}”。请使用模板"));
        }
    }
    table.records(PERSON_COLUMNS, PERSON_FIELDS)
}

/// A row that passed every check, waiting to be sealed.
struct ValidRow<'a> {
    name: &'a str,
    idn: IdNumber,
    phone: Option<Phone>,
    county: RegionCode,
    address: &'a str,
    groups: Vec<&'static str>,
}

/// `f` over `items` on every core, results in the order of `items`.
fn par_map<T: Sync, U: Send>(items: &[T], f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads < 2 || items.len() < 10_000 {
        return items.iter().map(f).collect();
    }
    let size = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(size)
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<U>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|p| p.join().expect("sealing thread"))
            .collect()
    })
}

/// The template's header row, for the download staff fill in.
pub fn person_template_csv() -> String {
    "\u{feff}姓名,身份证号码,手机号码,管辖地,地址,人员类别\n".into()
}

impl Service {
    /// Imports persons. `actor` is staff (rows must fall in their region) or `None` for the
    /// command line (the whole province, audited as the system).
    pub async fn import_persons(
        &self,
        actor: Option<&Actor>,
        file_bytes: &[u8],
        records: Vec<Record>,
        all_or_nothing: bool,
    ) -> Result<PersonImportReport> {
        if let Some(a) = actor {
            a.require_role(&[Role::Staff])?;
        }
        let now = self.clock.now();
        let today = self.clock.today_cst();
        let mut report = PersonImportReport {
            rows: records.len(),
            file_sha256: hex::encode(Sha256::digest(file_bytes)),
            ..PersonImportReport::default()
        };
        let mut seen = HashSet::new();
        let mut valid: Vec<ValidRow<'_>> = Vec::with_capacity(records.len());
        for (line, rec) in &records {
            let get = |k: &str| rec.get(k).map(|s| s.trim()).unwrap_or("");
            let mut bad = |field: &str, code: &str, message: String| {
                report.problems.push(ImportProblem {
                    line: *line,
                    field: field.into(),
                    code: code.into(),
                    message,
                });
            };
            let name = get("name");
            if name.is_empty() || name.chars().count() > 40 || name.chars().any(char::is_control) {
                bad("name", "text_length", "姓名不能为空，最多40个字".into());
                continue;
            }
            let idn = match IdNumber::parse_on(get("id_number"), today) {
                Ok(i) => i,
                Err(e) => {
                    bad("id_number", "id_number_invalid", e.to_string());
                    continue;
                }
            };
            if !seen.insert(idn.as_str().to_owned()) {
                bad(
                    "id_number",
                    "duplicate_in_file",
                    "该身份证号码在文件中重复出现".into(),
                );
                continue;
            }
            let phone = match get("phone") {
                "" => None,
                p => match Phone::parse(p) {
                    Ok(p) => Some(p),
                    Err(e) => {
                        bad("phone", "phone_invalid", e.to_string());
                        continue;
                    }
                },
            };
            let county = match RegionCode::parse(get("county"))
                .ok()
                .or_else(|| linghuo_market::import::resolve_county(get("county")).ok())
            {
                Some(c) if c.level() == RegionLevel::County => c,
                _ => {
                    bad(
                        "county",
                        "county_unknown",
                        format!(
                            "管辖地“{}”不是山西省的县（市、区）：请填写六位区划代码或全称",
                            get("county")
                        ),
                    );
                    continue;
                }
            };
            if let Some(a) = actor
                && !a.may_see(&county.as_str(), None)
            {
                bad(
                    "county",
                    "out_of_region",
                    format!("{}不在您的辖区内", county.full_name()),
                );
                continue;
            }
            let mut gs = Vec::new();
            let mut group_error = None;
            for g in get("groups")
                .split(['、', ',', '，', ';', '；'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                match crate::persons::GROUPS
                    .iter()
                    .find(|(code, label)| *code == g || *label == g)
                {
                    Some((code, _)) => {
                        if !gs.contains(code) {
                            gs.push(*code);
                        }
                    }
                    None => group_error = Some(g.to_owned()),
                }
            }
            if let Some(g) = group_error {
                bad(
                    "groups",
                    "group_unknown",
                    format!("人员类别“{g}”不在目录中"),
                );
                continue;
            }
            valid.push(ValidRow {
                name,
                idn,
                phone,
                county,
                address: get("address"),
                groups: gs,
            });
        }
        if all_or_nothing && !report.problems.is_empty() {
            report.rejected = true;
            return Ok(report);
        }
        // Rows go in ordered by the ID number's blind index, and their (random) ids are handed
        // out in ascending order too, so both unique indexes grow at their right edge instead
        // of at a random page per row. Indexing and sealing run on every core.
        let indexes = par_map(&valid, |v| {
            self.keys.blind_index("id_number", v.idn.as_str())
        });
        let mut order: Vec<usize> = (0..valid.len()).collect();
        order.sort_unstable_by(|a, b| indexes[*a].cmp(&indexes[*b]));
        let mut ids: Vec<Uuid> = (0..valid.len()).map(|_| Uuid::new_v4()).collect();
        ids.sort_unstable();
        let created_by = actor.map(|a| a.user_id);
        let ranked: Vec<(usize, Uuid)> = order.iter().copied().zip(ids.iter().copied()).collect();
        let rows = par_map(&ranked, |&(i, id)| {
            let v = &valid[i];
            self.sealed_person_indexed(
                id,
                v.name.to_owned(),
                &v.idn,
                indexes[i].clone(),
                v.phone.as_ref(),
                &v.county,
                v.address.to_owned(),
                created_by,
                now,
            )
        });
        let groups: Vec<(Uuid, &[&'static str])> = ranked
            .iter()
            .filter(|(i, _)| !valid[*i].groups.is_empty())
            .map(|&(i, id)| (id, valid[i].groups.as_slice()))
            .collect();
        let mut tx = self.db.begin().await?;
        // A million rows touch more index pages than SQLite's default 2 MiB page cache holds.
        tx.widen_cache().await?;
        let inserted: HashSet<Uuid> = persons::insert_many(&mut tx, &rows)
            .await?
            .into_iter()
            .collect();
        let group_rows: Vec<GroupRow> = groups
            .iter()
            .filter(|(pid, _)| inserted.contains(pid))
            .flat_map(|(pid, gs)| {
                gs.iter().map(move |g| GroupRow {
                    id: Uuid::new_v4(),
                    person_id: *pid,
                    group_code: (*g).to_owned(),
                    since: None,
                    until: None,
                    evidence: format!("批量导入（{}）", group_label(g).unwrap_or(g)),
                    source: "staff_checked".into(),
                    verified: false,
                    recorded_by: actor.map(|a| a.user_id),
                    recorded_at: now,
                })
            })
            .collect();
        persons::insert_groups_many(&mut tx, &group_rows).await?;
        tx.restore_cache().await?;
        report.created = inserted.len();
        report.unchanged = rows.len() - inserted.len();
        let who = actor.map_or_else(AuditActor::system, AuditActor::from);
        let mut event =
            Event::new("persons_imported", "import", &report.file_sha256[..16]).detail(json!({
                "rows": report.rows, "created": report.created, "unchanged": report.unchanged,
                "problems": report.problems.len(), "file_sha256": report.file_sha256,
            }));
        if let Some(scope) = actor.and_then(|a| a.scope) {
            event = event.region(scope.as_str());
        }
        audit::record(&mut tx, &self.keys, now, &who, event).await?;
        tx.commit().await?;
        Ok(report)
    }
}
