//! Import of the facts other registers keep, from .xlsx or .csv: 就业/失业/灵活就业登记,
//! business registrations (市场监管), tax records (税务) and social-insurance payments (社保).
//! Rows name the person by ID number (matched through its blind index, inside the
//! importer's region); every row is checked first and problems are reported by row, column
//! and message in Chinese; all-or-nothing or skip-invalid; everything is written in one
//! transaction, and rows equal to what is stored change nothing, so importing a file twice
//! changes nothing. Imported facts count as verified sources for the policy engine, and every
//! person whose facts changed is queued for 免申即享 re-screening.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use linghuo_domain::IdNumber;
use linghuo_storage::Tx;
use linghuo_storage::benefits::{
    self as repo, BusinessRow, RegistrationRow, SiPaymentRow, TaxRecordRow,
};
use linghuo_storage::persons;
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::Service;
use crate::access::{Actor, Role};
use crate::audit::{self, AuditActor, Event};
use crate::error::{Result, ServiceError};
use crate::market_import::ImportProblem;
use crate::tabular::{FileKind, Record, read_csv, read_xlsx};
use linghuo_storage::status::RegistrationKind;

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FactKind {
    Registrations,
    Businesses,
    Tax,
    SocialInsurance,
}

impl FactKind {
    pub fn parse(s: &str) -> Option<FactKind> {
        Some(match s {
            "registrations" => FactKind::Registrations,
            "businesses" => FactKind::Businesses,
            "tax" => FactKind::Tax,
            "social-insurance" | "si" => FactKind::SocialInsurance,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            FactKind::Registrations => "就业失业登记",
            FactKind::Businesses => "经营主体登记",
            FactKind::Tax => "纳税记录",
            FactKind::SocialInsurance => "社会保险缴费",
        }
    }

    /// Template columns: (Chinese header, field).
    pub fn columns(self) -> &'static [(&'static str, &'static str)] {
        match self {
            FactKind::Registrations => &[
                ("身份证号码", "id_number"),
                ("登记类型", "kind"),
                ("开始日期", "started_on"),
                ("结束日期", "ended_on"),
                ("用人单位", "employer_name"),
                ("灵活就业形式", "flexible_form"),
            ],
            FactKind::Businesses => &[
                ("身份证号码", "id_number"),
                ("主体类型", "kind"),
                ("名称", "name"),
                ("统一社会信用代码", "uscc"),
                ("登记日期", "registered_on"),
                ("首次创业", "first_time"),
                ("正常经营", "operating_normally"),
                ("带动就业人数", "employees_driven"),
                ("租用国有房屋", "rents_state_owned_property"),
                ("经批准占道经营", "road_occupation_approved"),
            ],
            FactKind::Tax => &[
                ("身份证号码", "id_number"),
                ("年度", "year"),
                ("增值税", "vat"),
                ("城市维护建设税", "urban_maintenance"),
                ("教育费附加", "education"),
                ("地方教育附加", "local_education"),
                ("个人所得税", "income_tax"),
            ],
            FactKind::SocialInsurance => &[
                ("身份证号码", "id_number"),
                ("缴费月份", "month"),
                ("缴费金额", "amount"),
            ],
        }
    }

    fn required(self) -> &'static [&'static str] {
        match self {
            FactKind::Registrations => &["id_number", "kind", "started_on"],
            FactKind::Businesses => &["id_number", "kind", "name", "uscc", "registered_on"],
            FactKind::Tax => &["id_number", "year"],
            FactKind::SocialInsurance => &["id_number", "month", "amount"],
        }
    }

    /// The CSV template staff fill in (UTF-8 with BOM).
    pub fn template_csv(self) -> String {
        let headers: Vec<&str> = self.columns().iter().map(|(h, _)| *h).collect();
        format!("\u{feff}{}\n", headers.join(","))
    }
}

#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct FactImportReport {
    pub kind: String,
    pub rows: usize,
    /// Rows that added or changed something.
    pub changed: usize,
    /// Rows equal to what is already stored.
    pub unchanged: usize,
    pub problems: Vec<ImportProblem>,
    /// Nothing stored: problems and all-or-nothing.
    pub rejected: bool,
    pub file_sha256: String,
}

/// Reads a file's rows for a kind, refusing unknown columns and missing required ones.
pub fn read_fact_file(
    kind: FactKind,
    name: &str,
    bytes: &[u8],
) -> std::result::Result<Vec<Record>, String> {
    let table = match FileKind::of(name) {
        Some(FileKind::Xlsx) => read_xlsx(bytes)?,
        Some(FileKind::Csv) => read_csv(bytes)?,
        _ => return Err("只能导入 .xlsx 或 .csv 文件".into()),
    };
    for need in kind.required() {
        let present = table.headers.iter().any(|h| {
            let h = h.trim();
            h == *need || kind.columns().iter().any(|(a, f)| *a == h && f == need)
        });
        if !present {
            let label = kind
                .columns()
                .iter()
                .find(|(_, f)| f == need)
                .map_or(*need, |(a, _)| *a);
            return Err(format!("缺少必填列“{label}”。请使用模板"));
        }
    }
    let fields: Vec<&str> = kind.columns().iter().map(|(_, f)| *f).collect();
    table.records(kind.columns(), &fields)
}

fn money(s: &str) -> Option<i64> {
    if s.trim().is_empty() {
        return Some(0);
    }
    linghuo_policy::Fen::parse(s.trim())
        .ok()
        .map(|f| f.0)
        .filter(|f| *f >= 0)
}

fn yes_no(s: &str) -> Option<bool> {
    match s.trim() {
        "是" | "Y" | "y" | "true" | "1" => Some(true),
        "否" | "N" | "n" | "false" | "0" | "" => Some(false),
        _ => None,
    }
}

fn day(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y/%m/%d"))
        .ok()
}

/// One checked row, ready to write.
enum Fact {
    Registration(RegistrationRow),
    Business(BusinessRow),
    Tax(TaxRecordRow),
    Si(SiPaymentRow),
}

impl Service {
    /// Imports one kind of facts. `actor` is staff (persons must be in their region) or
    /// `None` for the command line (the whole province, audited as the system).
    pub async fn import_facts(
        &self,
        actor: Option<&Actor>,
        kind: FactKind,
        file_bytes: &[u8],
        records: Vec<Record>,
        all_or_nothing: bool,
    ) -> Result<FactImportReport> {
        if let Some(a) = actor {
            a.require_role(&[Role::Staff])?;
        }
        let now = self.clock.now();
        let today = self.clock.today_cst();
        let mut report = FactImportReport {
            kind: kind.label().into(),
            rows: records.len(),
            file_sha256: hex::encode(Sha256::digest(file_bytes)),
            ..FactImportReport::default()
        };
        // Step 1: the persons the file names, looked up together.
        let persons = self.persons_named(&records, today).await?;
        // Step 2: each row checked on its own; a refused row is reported with its line.
        let mut seen = HashSet::new();
        let mut facts = Vec::with_capacity(records.len());
        for (line, rec) in &records {
            match check_row(kind, rec, &persons, actor, &mut seen, now, today) {
                Ok(fact) => facts.push((*line, fact)),
                Err((field, code, message)) => report.problems.push(ImportProblem {
                    line: *line,
                    field: field.into(),
                    code: code.into(),
                    message,
                }),
            }
        }
        if all_or_nothing && !report.problems.is_empty() {
            report.rejected = true;
            return Ok(report);
        }
        // Step 3: the checked rows written in one transaction, the persons they changed
        // queued for 免申即享 re-screening.
        let mut tx = self.db.begin().await?;
        tx.widen_cache().await?;
        let touched = write_facts(&mut tx, facts, &mut report).await?;
        repo::enqueue_rescreen_many(&mut tx, &touched, now).await?;
        if all_or_nothing && !report.problems.is_empty() {
            tx.rollback().await?;
            report.rejected = true;
            report.changed = 0;
            report.unchanged = 0;
            return Ok(report);
        }
        // Step 4: the import audited, with the file's digest.
        let who = actor.map_or_else(AuditActor::system, AuditActor::from);
        let mut event =
            Event::new("facts_imported", "import", &report.file_sha256[..16]).detail(json!({
                "kind": report.kind, "rows": report.rows, "changed": report.changed,
                "unchanged": report.unchanged, "problems": report.problems.len(),
                "file_sha256": report.file_sha256,
            }));
        if let Some(scope) = actor.and_then(|a| a.scope) {
            event = event.region(scope.as_str());
        }
        audit::record(&mut tx, &self.keys, now, &who, event).await?;
        tx.restore_cache().await?;
        tx.commit().await?;
        Ok(report)
    }
}

/// The persons a file names: each ID number's blind index, and the person and county it
/// belongs to.
struct Named<'a> {
    index_of: HashMap<&'a str, Vec<u8>>,
    persons_by_index: HashMap<Vec<u8>, (Uuid, String)>,
}

impl Service {
    /// Looks up every person a file names in one query: a million-row file names each
    /// person on many rows (a payment a month), and one query per person would dominate.
    async fn persons_named<'a>(
        &self,
        records: &'a [Record],
        today: NaiveDate,
    ) -> Result<Named<'a>> {
        let mut index_of: HashMap<&str, Vec<u8>> = HashMap::new();
        for (_, rec) in records {
            if let Some(key) = rec.get("id_number").map(|v| v.trim())
                && !index_of.contains_key(key)
                && let Ok(idn) = IdNumber::parse_on(key, today)
            {
                index_of.insert(key, self.keys.blind_index("id_number", idn.as_str()));
            }
        }
        let wanted: Vec<Vec<u8>> = index_of.values().cloned().collect();
        let persons_by_index: HashMap<Vec<u8>, (Uuid, String)> =
            persons::ids_by_id_indexes(&self.db, &wanted)
                .await?
                .into_iter()
                .map(|(index, id, county)| (index, (id, county)))
                .collect();
        Ok(Named {
            index_of,
            persons_by_index,
        })
    }
}

/// A refused row: the field, a stable code and the message in Chinese.
type Refusal = (&'static str, &'static str, String);

/// One row being checked.
struct Row<'a> {
    rec: &'a HashMap<String, String>,
    person_id: Uuid,
    county: &'a str,
    recorded_by: Option<Uuid>,
    seen: &'a mut HashSet<String>,
    now: chrono::DateTime<chrono::Utc>,
    today: NaiveDate,
}

impl<'a> Row<'a> {
    /// A field, trimmed ("" when absent).
    fn get(&self, k: &str) -> &'a str {
        self.rec.get(k).map(|s| s.trim()).unwrap_or("")
    }
}

/// Checks one row: the person must exist (in the staff member's region), then the kind's
/// own fields.
fn check_row(
    kind: FactKind,
    rec: &HashMap<String, String>,
    named: &Named<'_>,
    actor: Option<&Actor>,
    seen: &mut HashSet<String>,
    now: chrono::DateTime<chrono::Utc>,
    today: NaiveDate,
) -> std::result::Result<Fact, Refusal> {
    let id_number = rec.get("id_number").map(|s| s.trim()).unwrap_or("");
    if let Err(e) = IdNumber::parse_on(id_number, today) {
        return Err(("id_number", "id_number_invalid", e.to_string()));
    }
    let found = named
        .index_of
        .get(id_number)
        .and_then(|index| named.persons_by_index.get(index));
    let Some((person_id, county)) =
        found.filter(|(_, county)| actor.is_none_or(|a| a.may_see(county, None)))
    else {
        return Err((
            "id_number",
            "person_unknown",
            "本辖区没有登记此身份证号码的人员：请先导入或登记人员".into(),
        ));
    };
    let mut cx = Row {
        rec,
        person_id: *person_id,
        county,
        recorded_by: actor.map(|a| a.user_id),
        seen,
        now,
        today,
    };
    match kind {
        FactKind::SocialInsurance => si_fact(&mut cx),
        FactKind::Tax => tax_fact(&mut cx),
        FactKind::Businesses => business_fact(&mut cx),
        FactKind::Registrations => registration_fact(&mut cx),
    }
}

/// A social-insurance payment: the month and the amount paid.
fn si_fact(cx: &mut Row<'_>) -> std::result::Result<Fact, Refusal> {
    let month = cx.get("month").replace('/', "-");
    if linghuo_policy::calendar::Month::parse(&month).is_none() {
        return Err((
            "month",
            "month_invalid",
            "缴费月份格式应为 年-月，如 2026-03".into(),
        ));
    }
    let Some(amount_fen) = money(cx.get("amount")).filter(|a| *a > 0) else {
        return Err((
            "amount",
            "money_invalid",
            "缴费金额应为大于0的金额，如 600.00".into(),
        ));
    };
    if !cx.seen.insert(format!("{}:{month}", cx.person_id)) {
        return Err((
            "month",
            "duplicate_in_file",
            "同一人同一月份在文件中重复出现".into(),
        ));
    }
    Ok(Fact::Si(SiPaymentRow {
        person_id: cx.person_id,
        month,
        amount_fen,
        source: "registry".into(),
        updated_at: cx.now,
    }))
}

/// A tax year: the five amounts paid.
fn tax_fact(cx: &mut Row<'_>) -> std::result::Result<Fact, Refusal> {
    let Some(year) = cx
        .get("year")
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
    else {
        return Err(("year", "year_invalid", "年度应为四位年份，如 2026".into()));
    };
    let mut amounts = [0i64; 5];
    let mut failed = None;
    for (i, f) in [
        "vat",
        "urban_maintenance",
        "education",
        "local_education",
        "income_tax",
    ]
    .iter()
    .enumerate()
    {
        match money(cx.get(f)) {
            Some(a) => amounts[i] = a,
            None => failed = Some(*f),
        }
    }
    if let Some(f) = failed {
        return Err((
            f,
            "money_invalid",
            "金额格式错误，应为不小于0的金额，如 1200.00".into(),
        ));
    }
    if !cx.seen.insert(format!("{}:{year}", cx.person_id)) {
        return Err((
            "year",
            "duplicate_in_file",
            "同一人同一年度在文件中重复出现".into(),
        ));
    }
    Ok(Fact::Tax(TaxRecordRow {
        person_id: cx.person_id,
        year,
        vat_fen: amounts[0],
        urban_maintenance_fen: amounts[1],
        education_fen: amounts[2],
        local_education_fen: amounts[3],
        income_tax_fen: amounts[4],
        source: "registry".into(),
        updated_at: cx.now,
    }))
}

/// A business registration (个体工商户 or 小微企业) with its USCC and circumstances.
fn business_fact(cx: &mut Row<'_>) -> std::result::Result<Fact, Refusal> {
    let kind_code = match cx.get("kind") {
        "个体工商户" | "individual_household" => "individual_household",
        "小微企业" | "small_micro_enterprise" => "small_micro_enterprise",
        _ => {
            return Err((
                "kind",
                "kind_unknown",
                "主体类型应为“个体工商户”或“小微企业”".into(),
            ));
        }
    };
    let name = cx.get("name");
    if name.chars().count() < 2 || name.chars().count() > 100 {
        return Err(("name", "text_length", "名称应为2至100个字".into()));
    }
    let uscc = match linghuo_domain::Uscc::parse(cx.get("uscc")) {
        Ok(u) => u.as_str().to_owned(),
        Err(e) => {
            return Err(("uscc", "uscc_invalid", e.to_string()));
        }
    };
    let Some(registered_on) = day(cx.get("registered_on")).filter(|d| *d <= cx.today) else {
        return Err((
            "registered_on",
            "date_invalid",
            "登记日期格式应为 年-月-日，且不晚于今天".into(),
        ));
    };
    let mut flags = [false; 4];
    let mut failed = None;
    for (i, f) in [
        "first_time",
        "operating_normally",
        "rents_state_owned_property",
        "road_occupation_approved",
    ]
    .iter()
    .enumerate()
    {
        match yes_no(cx.get(f)) {
            Some(v) => flags[i] = v,
            None => failed = Some(*f),
        }
    }
    if let Some(f) = failed {
        return Err((f, "yes_no", "应填“是”或“否”".into()));
    }
    let employees = match cx.get("employees_driven") {
        "" => 0,
        s => match s.parse::<i32>() {
            Ok(n) if (0..=10_000).contains(&n) => n,
            _ => {
                return Err((
                    "employees_driven",
                    "number_invalid",
                    "带动就业人数应为0至10000的整数".into(),
                ));
            }
        },
    };
    if !cx.seen.insert(uscc.clone()) {
        return Err((
            "uscc",
            "duplicate_in_file",
            "统一社会信用代码在文件中重复出现".into(),
        ));
    }
    Ok(Fact::Business(BusinessRow {
        id: Uuid::new_v4(),
        person_id: cx.person_id,
        kind: kind_code.into(),
        name: name.into(),
        uscc: Some(uscc),
        county_code: cx.county.to_owned(),
        registered_on,
        first_time: flags[0],
        operating_normally: flags[1],
        employees_driven: employees,
        rents_state_owned_property: flags[2],
        road_occupation_approved: flags[3],
        source: "registry".into(),
        verified: true,
        created_at: cx.now,
        updated_at: cx.now,
    }))
}

/// A 就业/失业/灵活就业登记 as another register recorded it.
fn registration_fact(cx: &mut Row<'_>) -> std::result::Result<Fact, Refusal> {
    let kind_code = match cx.get("kind") {
        "就业登记" | "employment" => "employment",
        "失业登记" | "unemployment" => "unemployment",
        "灵活就业登记" | "flexible" => "flexible",
        _ => {
            return Err((
                "kind",
                "kind_unknown",
                "登记类型应为就业登记、失业登记或灵活就业登记".into(),
            ));
        }
    };
    let Some(started_on) = day(cx.get("started_on")).filter(|d| *d <= cx.today) else {
        return Err((
            "started_on",
            "date_invalid",
            "开始日期格式应为 年-月-日，且不晚于今天".into(),
        ));
    };
    let ended_on = match cx.get("ended_on") {
        "" => None,
        s => match day(s).filter(|d| *d >= started_on && *d <= cx.today) {
            Some(d) => Some(d),
            None => {
                return Err((
                    "ended_on",
                    "date_invalid",
                    "结束日期格式应为 年-月-日，不早于开始日期、不晚于今天".into(),
                ));
            }
        },
    };
    let form = match (kind_code, cx.get("flexible_form")) {
        ("flexible", "非全日制" | "part_time") => Some("part_time"),
        ("flexible", "个体经营" | "self_employed") => Some("self_employed"),
        ("flexible", "新就业形态/平台" | "平台" | "platform") => Some("platform"),
        ("flexible", "零工" | "gig") => Some("gig"),
        ("flexible", _) => {
            return Err((
                "flexible_form",
                "form_unknown",
                "灵活就业形式应为非全日制、个体经营、平台或零工".into(),
            ));
        }
        _ => None,
    };
    if kind_code == "employment" && cx.get("employer_name").chars().count() < 2 {
        return Err((
            "employer_name",
            "employer_required",
            "就业登记须填写用人单位".into(),
        ));
    }
    if !cx
        .seen
        .insert(format!("{}:{kind_code}:{started_on}", cx.person_id))
    {
        return Err((
            "started_on",
            "duplicate_in_file",
            "同一人同一类型同一开始日期的登记重复出现".into(),
        ));
    }
    Ok(Fact::Registration(RegistrationRow {
        id: Uuid::new_v4(),
        person_id: cx.person_id,
        kind: RegistrationKind::parse(kind_code)
            .expect("the kind was read from the three known words above"),
        county_code: cx.county.to_owned(),
        started_on,
        ended_on,
        end_reason: if ended_on.is_some() {
            "导入时已结束".into()
        } else {
            String::new()
        },
        employer_name: cx.get("employer_name").into(),
        flexible_form: form.map(str::to_owned),
        source: "import".into(),
        hire_id: None,
        consent_note: String::new(),
        recorded_by: cx.recorded_by,
        created_at: cx.now,
        updated_at: cx.now,
    }))
}

/// Writes the checked rows and returns the persons whose facts changed. Payments and tax
/// years, the kinds that come by the million, go in with multi-row upserts that return the
/// rows they added or changed; businesses and registrations one by one, as each may clash
/// with what is stored.
async fn write_facts(
    tx: &mut Tx,
    facts: Vec<(usize, Fact)>,
    report: &mut FactImportReport,
) -> Result<Vec<Uuid>> {
    let mut touched = HashSet::new();
    // Payments and tax years, the kinds that come by the million, go in with multi-row
    // upserts that return the rows they added or changed.
    let mut si = Vec::new();
    let mut tax = Vec::new();
    let mut one_by_one = Vec::new();
    for (line, fact) in facts {
        match fact {
            Fact::Si(r) => si.push(r),
            Fact::Tax(r) => tax.push(r),
            other => one_by_one.push((line, other)),
        }
    }
    let bulk = si.len() + tax.len();
    let mut changed_persons = repo::upsert_si_many(tx, &si).await?;
    changed_persons.extend(repo::upsert_tax_many(tx, &tax).await?);
    report.changed += changed_persons.len();
    report.unchanged += bulk - changed_persons.len();
    touched.extend(changed_persons);
    for (line, fact) in one_by_one {
        let (person, changed) = match fact {
            Fact::Si(_) | Fact::Tax(_) => unreachable!("written above"),
            Fact::Business(mut b) => {
                let existing = repo::business_by_uscc(tx, b.uscc.as_deref().unwrap_or("")).await?;
                match existing {
                    Some(e) if e.person_id != b.person_id => {
                        report.problems.push(ImportProblem {
                            line,
                            field: "uscc".into(),
                            code: "uscc_other_person".into(),
                            message: "该统一社会信用代码已登记在另一人名下".into(),
                        });
                        continue;
                    }
                    Some(e) => {
                        let same = e.kind == b.kind
                            && e.name == b.name
                            && e.registered_on == b.registered_on
                            && e.first_time == b.first_time
                            && e.operating_normally == b.operating_normally
                            && e.employees_driven == b.employees_driven
                            && e.rents_state_owned_property == b.rents_state_owned_property
                            && e.road_occupation_approved == b.road_occupation_approved
                            && e.verified;
                        b.id = e.id;
                        b.created_at = e.created_at;
                        if !same {
                            repo::upsert_business(tx, &b).await?;
                        }
                        (b.person_id, !same)
                    }
                    None => {
                        repo::upsert_business(tx, &b).await?;
                        (b.person_id, true)
                    }
                }
            }
            Fact::Registration(r) => {
                if repo::registration_exists(tx, r.person_id, r.kind.as_str(), r.started_on).await?
                {
                    (r.person_id, false)
                } else {
                    if r.ended_on.is_none()
                        && repo::open_registration(tx, r.person_id).await?.is_some()
                    {
                        report.problems.push(ImportProblem {
                            line,
                            field: "ended_on".into(),
                            code: "open_registration_exists".into(),
                            message: "此人已有未结束的登记：请填写结束日期，或先结束现有登记"
                                .into(),
                        });
                        continue;
                    }
                    repo::insert_registration(tx, &r).await?;
                    (r.person_id, true)
                }
            }
        };
        if changed {
            report.changed += 1;
            touched.insert(person);
        } else {
            report.unchanged += 1;
        }
    }
    let mut touched: Vec<Uuid> = touched.into_iter().collect();
    touched.sort_unstable();
    Ok(touched)
}

/// Refuses a kind name with the list of kinds.
pub fn kind_or_error(s: &str) -> Result<FactKind> {
    FactKind::parse(s).ok_or_else(|| {
        ServiceError::invalid(
            "kind",
            "kind_unknown",
            "导入类型应为 registrations（登记）、businesses（经营主体）、tax（纳税）或 social-insurance（社保缴费）",
        )
    })
}
