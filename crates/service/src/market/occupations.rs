//! New-occupation suggestions (晋政办发〔2020〕89号 四(七): 收集社会各方面对新职业的意见建议,
//! 及时向上级报送).
//!
//! Trades arrive in people's own words: an employer's 工种叫法 on a post, the 工种 column of
//! an import file, a word a worker puts among the trades of a profile. When the catalogue
//! does not hold the words exactly (the vocabulary resolves them as the closest trade, only
//! a category, or nothing), the words are counted per county: one row per (normalised words,
//! county), with what they were read as and when they were first and last seen. Nothing
//! else is kept — not who wrote them, not the post — and words that look like a phone or ID
//! number are dropped.
//!
//! County staff decide each entry (city staff their city's counties, the province all):
//! 合并为同义词 (the words name an existing trade: the vocabulary learns them at once and at
//! every start, so later posts, imports and searches with those words resolve to that
//! trade), 建议新职业 (a trade the catalogue lacks: name, category, note) or 忽略 (not a
//! trade). Every decision is audited and shows who decided and when. The upward report
//! lists proposals and merges with their counts by city, as a table and as .xlsx.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use linghuo_domain::{
    RegionCode, RegionLevel, mask_pii_in_text, occupation, resolve_occupation, resolve_phrase,
};
use linghuo_market::Vocabulary;
use linghuo_market::vocab::{ResolutionHow, TradeResolution, normalize};
use linghuo_storage::occupation_words::{self as repo, Decision, Sighting, WordRow};
use linghuo_storage::{Tx, market::PostRow};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, AuditActor, Event};
use crate::export::{Cell, Sheet, to_xlsx};
use crate::{Actor, Result, Role, Service, ServiceError};

/// Most entries a list or report reads.
const LIST_LIMIT: i64 = 2000;
/// Longest words kept: a trade's name, not a sentence.
const MAX_CHARS: usize = 20;

/// The words as they are counted (the vocabulary's key: folded width, lower case, no
/// spaces or punctuation), or `None` when they are not worth a suggestion: too short or
/// long, a name, synonym or phrase the catalogue holds, or something that looks like personal data
/// (a run of five or more digits, a phone or ID number).
pub fn suggestion_words(raw: &str) -> Option<String> {
    let key = normalize(raw).replace(' ', "");
    let n = key.chars().count();
    if !(2..=MAX_CHARS).contains(&n) {
        return None;
    }
    let mut run = 0;
    for c in key.chars() {
        run = if c.is_ascii_digit() { run + 1 } else { 0 };
        if run >= 5 {
            return None;
        }
    }
    // A masked number (138****5678) was personal data too.
    if raw.contains('*')
        || mask_pii_in_text(raw) != raw
        || resolve_occupation(&key).is_some()
        || resolve_phrase(&key).is_some()
    {
        return None;
    }
    Some(key)
}

fn how_code(how: ResolutionHow) -> Option<&'static str> {
    match how {
        ResolutionHow::Closest => Some("closest"),
        ResolutionHow::Category => Some("category"),
        ResolutionHow::Unknown => Some("unknown"),
        ResolutionHow::Exact | ResolutionHow::Learned => None,
    }
}

/// Counts the words inside the caller's transaction. `guess` is the trade or category they
/// were read as (or the one the employer chose); `how` says which.
async fn sight(
    tx: &mut Tx,
    words: &str,
    county: &str,
    guess: &str,
    how: &str,
    source: &str,
    at: DateTime<Utc>,
) -> Result<bool> {
    let Some(key) = suggestion_words(words) else {
        return Ok(false);
    };
    repo::record_sighting(
        tx,
        &Sighting {
            words: &key,
            county_code: county,
            guess_code: guess,
            guess_how: how,
            source,
            at,
        },
    )
    .await?;
    Ok(true)
}

/// Collects a post's own trade words (`source` is `post` or `import`), in the transaction
/// that stores the post.
pub(crate) async fn collect_post(tx: &mut Tx, row: &PostRow, source: &str) -> Result<bool> {
    let Some(words) = row.trade_text.as_deref() else {
        return Ok(false);
    };
    let r = Vocabulary::shared().resolve_trade(words, &row.title, &row.description);
    let Some(how) = how_code(r.how) else {
        return Ok(false);
    };
    // The trade the employer picked beside the words says more than a guess.
    let how = if r.code == row.occupation {
        how
    } else {
        "chosen"
    };
    sight(
        tx,
        words,
        &row.county_code,
        &row.occupation,
        how,
        source,
        row.created_at,
    )
    .await
}

/// One entry as staff see it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OccupationSuggestion {
    pub id: Uuid,
    /// The words as counted (folded width, lower case, no spaces).
    pub words: String,
    pub county_code: String,
    pub county_name: String,
    pub city_name: String,
    /// The trade or category the words were read as.
    pub guess_code: String,
    pub guess_name: String,
    /// closest, category, unknown or chosen (the employer picked the trade).
    pub guess_how: String,
    pub guess_how_label: String,
    /// Where the words were first seen: post, import or profile.
    pub first_source: String,
    pub first_source_label: String,
    pub count: i64,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// pending, merged, proposed or ignored.
    pub status: String,
    pub status_label: String,
    /// merged: the trade; proposed: the category of the new trade.
    pub decided_code: Option<String>,
    pub decided_name: Option<String>,
    /// proposed: the name of the new trade.
    pub proposed_name: Option<String>,
    pub note: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// The entries in the caller's region.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OccupationSuggestionList {
    /// The region the list covers (山西省, 太原市, 太原市小店区 …).
    pub scope: String,
    pub total: usize,
    pub pending: usize,
    pub entries: Vec<OccupationSuggestion>,
}

/// Filters of the list; empty means all.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OccupationSuggestionFilter {
    /// pending, merged, proposed or ignored.
    pub status: Option<String>,
    /// A county code inside the caller's region.
    pub county: Option<String>,
}

/// A decision on one entry.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OccupationDecision {
    /// merge (合并为同义词), propose (建议新职业) or ignore (忽略).
    #[schema(example = "merge")]
    pub decision: String,
    /// merge: the trade the words name (code, name or synonym).
    pub trade: Option<String>,
    /// propose: the name of the new trade.
    pub name: Option<String>,
    /// propose: its category (code or name).
    pub category: Option<String>,
    /// Why, in a sentence (at most 200 characters).
    pub note: Option<String>,
}

pub const STATUSES: &[(&str, &str)] = &[
    ("pending", "待处理"),
    ("merged", "已合并为同义词"),
    ("proposed", "已建议新职业"),
    ("ignored", "已忽略"),
];

fn label(list: &[(&str, &'static str)], code: &str) -> String {
    list.iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, l)| (*l).to_owned())
}

const HOWS: &[(&str, &str)] = &[
    ("closest", "按字面归入相近职业"),
    ("category", "只能判断大类"),
    ("unknown", "无法判断"),
    ("chosen", "用人单位自选职业"),
];

const SOURCES: &[(&str, &str)] = &[
    ("post", "岗位发布"),
    ("import", "岗位导入"),
    ("profile", "求职信息"),
];

fn region_names(code: &str) -> (String, String) {
    match RegionCode::parse(code) {
        Ok(c) => (
            c.full_name(),
            c.parent()
                .filter(|p| p.level() == RegionLevel::City)
                .map(|p| p.name().to_owned())
                .unwrap_or_default(),
        ),
        Err(_) => (code.to_owned(), String::new()),
    }
}

fn occupation_name(code: &str) -> String {
    occupation(code).map_or_else(|| code.to_owned(), |o| o.name.to_owned())
}

fn view(r: &WordRow) -> OccupationSuggestion {
    let (county_name, city_name) = region_names(&r.county_code);
    OccupationSuggestion {
        id: r.id,
        words: r.words.clone(),
        county_code: r.county_code.clone(),
        county_name,
        city_name,
        guess_code: r.guess_code.clone(),
        guess_name: occupation_name(&r.guess_code),
        guess_how: r.guess_how.clone(),
        guess_how_label: label(HOWS, &r.guess_how),
        first_source: r.first_source.clone(),
        first_source_label: label(SOURCES, &r.first_source),
        count: r.seen_count,
        first_seen_at: r.first_seen_at,
        last_seen_at: r.last_seen_at,
        status: r.status.clone(),
        status_label: label(STATUSES, &r.status),
        decided_code: r.decided_code.clone(),
        decided_name: r.decided_code.as_deref().map(occupation_name),
        proposed_name: r.proposed_name.clone(),
        note: r.note.clone(),
        decided_by: r.decided_by_name.clone(),
        decided_at: r.decided_at,
    }
}

/// A line of the upward report: one proposed trade or one merged synonym, summed over the
/// counties that decided it.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OccupationReportLine {
    /// proposed or merged.
    pub kind: String,
    pub kind_label: String,
    /// proposed: the new trade's name; merged: the words.
    pub name: String,
    /// proposed: the category; merged: the trade the words were merged into.
    pub code: String,
    pub code_name: String,
    /// The words people used (for a proposal, every wording that led to it).
    pub words: Vec<String>,
    pub total: i64,
    pub counties: usize,
    /// Count per city of the report's region, in code order (zero where none).
    pub by_city: Vec<i64>,
    pub first_seen_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub notes: Vec<String>,
}

/// The report of decided suggestions in a region, for sending upward.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct OccupationReport {
    pub scope: String,
    /// City names, the columns of `by_city`.
    pub cities: Vec<String>,
    pub lines: Vec<OccupationReportLine>,
    /// Entries still waiting for a county decision.
    pub pending: usize,
}

impl OccupationReport {
    /// The report as one worksheet.
    pub fn sheet(&self) -> Sheet {
        let mut headers: Vec<String> = [
            "类型",
            "名称",
            "所属类别/归入职业",
            "群众说法",
            "合计次数",
            "涉及县区数",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        headers.extend(self.cities.iter().cloned());
        headers.extend(["首次出现", "最近出现", "说明"].map(str::to_owned));
        let cst = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
        let rows = self
            .lines
            .iter()
            .map(|l| {
                let mut row = vec![
                    Cell::text(&l.kind_label),
                    Cell::text(&l.name),
                    Cell::text(&l.code_name),
                    Cell::text(l.words.join("、")),
                    Cell::Int(l.total),
                    Cell::Int(l.counties as i64),
                ];
                row.extend(l.by_city.iter().map(|n| Cell::Int(*n)));
                row.push(Cell::Date(l.first_seen_at.with_timezone(&cst).date_naive()));
                row.push(Cell::Date(l.last_seen_at.with_timezone(&cst).date_naive()));
                row.push(Cell::text(l.notes.join("；")));
                row
            })
            .collect();
        Sheet {
            title: format!("新职业建议：{}", self.scope),
            headers,
            rows,
        }
    }
}

/// The report over decided rows of a region (`scope` None is the whole province).
fn report_of(scope: Option<RegionCode>, rows: &[WordRow]) -> OccupationReport {
    let cities: Vec<RegionCode> = match scope {
        Some(s) if s.level() == RegionLevel::City => vec![s],
        Some(s) if s.level() == RegionLevel::County => s.parent().into_iter().collect(),
        _ => linghuo_domain::region::cities(),
    };
    let city_of = |county: &str| -> Option<usize> {
        let c = RegionCode::parse(county).ok()?;
        cities.iter().position(|city| c.is_within(city))
    };
    // (kind, name, code) → line
    let mut lines: BTreeMap<(String, String, String), OccupationReportLine> = BTreeMap::new();
    let mut counties: BTreeMap<(String, String, String), Vec<String>> = BTreeMap::new();
    for r in rows {
        let (kind, name) = match r.status.as_str() {
            "proposed" => ("proposed", r.proposed_name.clone().unwrap_or_default()),
            "merged" => ("merged", r.words.clone()),
            _ => continue,
        };
        let code = r.decided_code.clone().unwrap_or_default();
        let key = (kind.to_owned(), name.clone(), code.clone());
        let line = lines
            .entry(key.clone())
            .or_insert_with(|| OccupationReportLine {
                kind: kind.to_owned(),
                kind_label: if kind == "proposed" {
                    "建议新职业"
                } else {
                    "合并为同义词"
                }
                .to_owned(),
                name,
                code_name: occupation_name(&code),
                code,
                words: Vec::new(),
                total: 0,
                counties: 0,
                by_city: vec![0; cities.len()],
                first_seen_at: r.first_seen_at,
                last_seen_at: r.last_seen_at,
                notes: Vec::new(),
            });
        if !line.words.contains(&r.words) {
            line.words.push(r.words.clone());
        }
        line.total += r.seen_count;
        if let Some(i) = city_of(&r.county_code) {
            line.by_city[i] += r.seen_count;
        }
        line.first_seen_at = line.first_seen_at.min(r.first_seen_at);
        line.last_seen_at = line.last_seen_at.max(r.last_seen_at);
        let note = r.note.trim();
        if !note.is_empty() && !line.notes.iter().any(|n| n == note) {
            line.notes.push(note.to_owned());
        }
        let seen = counties.entry(key).or_default();
        if !seen.contains(&r.county_code) {
            seen.push(r.county_code.clone());
        }
    }
    let mut out: Vec<OccupationReportLine> = lines
        .into_iter()
        .map(|(key, mut l)| {
            l.counties = counties.get(&key).map_or(0, Vec::len);
            l
        })
        .collect();
    // Proposals first, then by how often people used the words.
    out.sort_by(|a, b| {
        (a.kind != "proposed")
            .cmp(&(b.kind != "proposed"))
            .then(b.total.cmp(&a.total))
            .then(a.name.cmp(&b.name))
    });
    OccupationReport {
        scope: scope.map_or_else(|| "山西省".to_owned(), |s| s.full_name()),
        cities: cities.iter().map(|c| c.name().to_owned()).collect(),
        lines: out,
        pending: rows.iter().filter(|r| r.status == "pending").count(),
    }
}

fn trimmed(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Service {
    /// The staff member's region as a SQL prefix and a code (staff only).
    fn suggestion_scope(&self, actor: &Actor) -> Result<(String, Option<RegionCode>)> {
        actor.require_role(&[Role::Staff])?;
        let prefix = actor
            .person_scope_prefix()
            .ok_or_else(ServiceError::forbidden)?;
        Ok((prefix, actor.scope))
    }

    /// Entries of a region (`prefix` `14` is the province), most seen first, for the
    /// command line and the pages.
    pub async fn occupation_suggestions_in(
        &self,
        prefix: &str,
        scope: Option<RegionCode>,
        filter: &OccupationSuggestionFilter,
    ) -> Result<OccupationSuggestionList> {
        let status = trimmed(&filter.status).unwrap_or("");
        if !status.is_empty() && !STATUSES.iter().any(|(c, _)| *c == status) {
            return Err(ServiceError::invalid(
                "status",
                "status_unknown",
                "处理状态应为 pending（待处理）、merged、proposed 或 ignored",
            ));
        }
        let county = trimmed(&filter.county).unwrap_or("");
        if !county.is_empty() {
            let c = RegionCode::parse(county).map_err(|e| ServiceError::field("county", e))?;
            // A county outside the region is not there (B3).
            if c.level() != RegionLevel::County || !c.as_str().starts_with(prefix) {
                return Err(ServiceError::NotFound);
            }
        }
        let rows = repo::words_in_region(&self.db, prefix, status, county, LIST_LIMIT).await?;
        let entries: Vec<OccupationSuggestion> = rows.iter().map(view).collect();
        Ok(OccupationSuggestionList {
            scope: scope.map_or_else(|| "山西省".to_owned(), |s| s.full_name()),
            total: entries.len(),
            pending: entries.iter().filter(|e| e.status == "pending").count(),
            entries,
        })
    }

    /// Entries in the staff member's region (`GET /api/v1/occupation-suggestions`).
    pub async fn occupation_suggestions(
        &self,
        actor: &Actor,
        filter: &OccupationSuggestionFilter,
    ) -> Result<OccupationSuggestionList> {
        let (prefix, scope) = self.suggestion_scope(actor)?;
        self.occupation_suggestions_in(&prefix, scope, filter).await
    }

    /// Decides one entry in the staff member's region. A merge teaches the vocabulary the
    /// words at once.
    pub async fn decide_occupation_suggestion(
        &self,
        actor: &Actor,
        id: Uuid,
        input: &OccupationDecision,
    ) -> Result<OccupationSuggestion> {
        self.suggestion_scope(actor)?;
        let row = repo::word(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        if !actor.may_see(&row.county_code, None) {
            return Err(self
                .deny(actor, "occupation_word", id.to_string(), "decide")
                .await);
        }
        let note = trimmed(&input.note).unwrap_or("");
        if note.chars().count() > 200 {
            return Err(ServiceError::invalid(
                "note",
                "note_length",
                "说明不超过200个字",
            ));
        }
        let (status, code, name) = match input.decision.trim() {
            "merge" => {
                let t = trimmed(&input.trade).ok_or_else(|| {
                    ServiceError::invalid("trade", "trade_missing", "请选择要合并到的职业")
                })?;
                let o = resolve_occupation(t).ok_or_else(|| {
                    ServiceError::invalid(
                        "trade",
                        "trade_unknown",
                        format!("职业“{t}”不在职业目录中"),
                    )
                })?;
                if o.is_category() {
                    return Err(ServiceError::invalid(
                        "trade",
                        "trade_is_category",
                        format!("“{}”是职业大类，请选择其中一个具体职业", o.name),
                    ));
                }
                ("merged", Some(o.code), None)
            }
            "propose" => {
                let n = trimmed(&input.name).ok_or_else(|| {
                    ServiceError::invalid("name", "name_missing", "请填写建议的新职业名称")
                })?;
                let chars = n.chars().count();
                if !(2..=20).contains(&chars) || n.contains(char::is_whitespace) {
                    return Err(ServiceError::invalid(
                        "name",
                        "name_format",
                        "新职业名称应为2至20个字，中间不留空格",
                    ));
                }
                if mask_pii_in_text(n) != n {
                    return Err(ServiceError::invalid(
                        "name",
                        "name_format",
                        "新职业名称里不能有电话或证件号码",
                    ));
                }
                if let Some(o) = resolve_occupation(n) {
                    return Err(ServiceError::invalid(
                        "name",
                        "name_exists",
                        format!(
                            "职业目录中已有“{}”，请改为“合并为同义词”并选择该职业",
                            o.name
                        ),
                    ));
                }
                let c = trimmed(&input.category).ok_or_else(|| {
                    ServiceError::invalid("category", "category_missing", "请选择新职业所属的大类")
                })?;
                let cat = resolve_occupation(c)
                    .filter(|o| o.is_category())
                    .ok_or_else(|| {
                        ServiceError::invalid(
                            "category",
                            "category_unknown",
                            format!("“{c}”不是职业目录中的大类"),
                        )
                    })?;
                ("proposed", Some(cat.code), Some(n))
            }
            "ignore" => ("ignored", None, None),
            _ => {
                return Err(ServiceError::invalid(
                    "decision",
                    "decision_unknown",
                    "处理方式应为 merge（合并为同义词）、propose（建议新职业）或 ignore（忽略）",
                ));
            }
        };
        let now = self.clock.now();
        let mut tx = self.db.begin().await?;
        let done = repo::decide(
            &mut tx,
            id,
            &Decision {
                status,
                decided_code: code,
                proposed_name: name,
                note,
                by: actor.user_id,
                by_name: &actor.display_name,
                at: now,
            },
        )
        .await?;
        if !done {
            let by = row.decided_by_name.clone().unwrap_or_default();
            return Err(ServiceError::Conflict {
                code: "already_decided",
                message: format!(
                    "该建议已由{by}处理（{}），无需重复处理",
                    label(STATUSES, &row.status)
                ),
            });
        }
        audit::record(
            &mut tx,
            &self.keys,
            now,
            &AuditActor::from(actor),
            Event::new("occupation_suggestion_decided", "occupation_word", id)
                .region(row.county_code.clone())
                .detail(
                    json!({"decision": status, "words": row.words, "code": code, "name": name}),
                ),
        )
        .await?;
        tx.commit().await?;
        if let Some(c) = code.filter(|_| status == "merged") {
            Vocabulary::shared().add_learned([(row.words.clone(), c.to_owned())]);
        }
        let row = repo::word(&self.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        Ok(view(&row))
    }

    /// Teaches the process-wide vocabulary every merged synonym (at start and by the
    /// server's upkeep, so a decision made on another server arrives here too); returns how
    /// many words were new.
    pub async fn load_learned_trades(&self) -> Result<usize> {
        let words = repo::merged_words(&self.db).await?;
        Ok(Vocabulary::shared().add_learned(words))
    }

    /// The upward report of a region (`prefix` `14` is the province).
    pub async fn occupation_report_in(
        &self,
        prefix: &str,
        scope: Option<RegionCode>,
    ) -> Result<OccupationReport> {
        let rows = repo::words_in_region(&self.db, prefix, "", "", LIST_LIMIT * 5).await?;
        Ok(report_of(scope, &rows))
    }

    /// The upward report of the staff member's region.
    pub async fn occupation_report(&self, actor: &Actor) -> Result<OccupationReport> {
        let (prefix, scope) = self.suggestion_scope(actor)?;
        self.occupation_report_in(&prefix, scope).await
    }

    /// The report as .xlsx; the download is audited (never its rows).
    pub async fn occupation_report_xlsx(
        &self,
        actor: Option<&Actor>,
        report: &OccupationReport,
    ) -> Result<Vec<u8>> {
        let bytes = to_xlsx(&report.sheet())?;
        let who = actor.map_or_else(AuditActor::system, AuditActor::from);
        let mut event = Event::new("occupation_report_exported", "occupation_report", "xlsx")
            .detail(json!({"rows": report.lines.len(), "scope": report.scope}));
        if let Some(s) = actor.and_then(|a| a.scope) {
            event = event.region(s.as_str());
        }
        let mut tx = self.db.begin().await?;
        audit::record(&mut tx, &self.keys, self.clock.now(), &who, event).await?;
        tx.commit().await?;
        Ok(bytes)
    }

    /// Counts a worker's own word for a trade (a profile word the catalogue does not hold),
    /// in a transaction of its own, whatever becomes of the profile: the word tells staff
    /// what people call their work. Returns whether it was counted, and how the word reads
    /// (the trade the profile takes, when it names one).
    pub(crate) async fn collect_profile_word(
        &self,
        words: &str,
        county: &str,
    ) -> Result<(bool, TradeResolution)> {
        let r = Vocabulary::shared().resolve_trade(words, "", "");
        let Some(how) = how_code(r.how) else {
            return Ok((false, r));
        };
        let mut tx = self.db.begin().await?;
        let n = sight(
            &mut tx,
            words,
            county,
            r.code,
            how,
            "profile",
            self.clock.now(),
        )
        .await?;
        tx.commit().await?;
        Ok((n, r))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_worth_a_suggestion() {
        assert_eq!(suggestion_words(" 锔瓷 匠 ").as_deref(), Some("锔瓷匠"));
        assert_eq!(suggestion_words("ＡＢ工").as_deref(), Some("ab工"));
        assert_eq!(suggestion_words("月嫂"), None, "a catalogue synonym");
        assert_eq!(suggestion_words("修水管"), None, "a catalogue phrase");
        assert_eq!(suggestion_words("工"), None, "one character");
        assert_eq!(suggestion_words("电话13812345678"), None);
        assert_eq!(suggestion_words("找张师傅13812345678"), None);
        assert_eq!(suggestion_words("140105199003071234"), None);
        assert_eq!(suggestion_words("王师傅138****5678"), None);
        assert_eq!(suggestion_words(&"很".repeat(21)), None);
    }
}
