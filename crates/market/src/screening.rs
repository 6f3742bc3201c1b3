//! Screening of a job post before it goes live. Pure rules: the service
//! passes the post and what it knows about the employer, and gets back a
//! list of findings. No findings: publish at once (即时快招). Any finding:
//! hold the post for county staff, show them the findings, and show the
//! employer what to change.
//!
//! # Rules
//!
//! | code | field | rule |
//! | --- | --- | --- |
//! | `fee_request` | title / description | asks the worker for money: 押金, 保证金, 培训费, 体检费, 服装费, 工装费, 服装押金, 报名费, 中介费, 介绍费, 办卡费, 资料费, 信息费, 手续费, 会员费, 入职费, 工牌费, or "先交/预交/需交 … N元" — unless the sentence says it is not charged (see below) |
//! | `below_minimum_wage` | pay | hourly or daily pay below the 非全日制 hourly minimum of the county's class; monthly pay below the monthly minimum (pro rata for fewer than 40 h/week) — [`MinimumWages`] |
//! | `pay_unusually_low` / `pay_unusually_high` | pay | pay per hour outside `[0.3 ×, 3 ×]` the typical pay of the occupation's category ([`typical_hourly_fen`]); piece rates only for delivery and rides |
//! | `part_time_hours` | schedule | 非全日制 over 4 h/day on average or 24 h/week (劳动合同法 第68条) |
//! | `part_time_pay_cycle` | pay | 非全日制 paid by the month: the pay cycle may not exceed 15 days (第72条) |
//! | `duplicate_post` | title | the same employer has a post with the same occupation and county whose title and description are ≥ 85 % alike (character bigrams, digits and punctuation ignored) |
//! | `poster_not_employer` | employer | the account posting is not the verified employer or its authorised agent |
//! | `employer_unverified` | employer | the employer has not passed verification |
//!
//! # Fee requests and their negations
//!
//! A fee word is *not* flagged when its sentence (text between
//! `，。；！？`, line breaks or spaces) says it is not charged: a negation
//! within the twelve characters before it (无需, 不收, 不需, 不用, 不交, 免收,
//! 免除, 免交, 绝不, 从不, 拒绝, 杜绝, 谨防, 严禁, 禁止, 不得, 没有, 不会, 承担,
//! 报销); a single 无/免/零/不/没 right before it (任何/一切/额外/其他 may sit
//! between: "不收取任何押金"); after it 全免, 免收, 免除, 减免, 承担, 报销 or a
//! zero amount ("押金0元"); or it follows a negated fee word in an
//! enumeration ("不收押金、培训费"). A sentence that says the worker pays
//! (自理, 自费, 自付, 自行承担, 个人承担, 本人承担, 自己承担) is flagged whatever
//! else it says. Flagging too much costs a staff review; flagging too
//! little lets a scam go live, so anything unclear is flagged.

use std::collections::HashSet;
use std::sync::LazyLock;

use chrono::NaiveDate;
use linghuo_domain::{RegionCode, occupation};
use serde::{Deserialize, Serialize};

use crate::error::MarketError;
use crate::post::{JobForm, JobPost, PayUnit, fold_width, yuan_text};

/// Something a post must change before it can go live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code (see the module table).
    pub code: &'static str,
    /// What is wrong and what to change, in Chinese.
    pub message: String,
    /// The field of the post the finding is about.
    pub field: &'static str,
}

/// What the service knows about the poster and the employer's other posts.
#[derive(Debug, Clone, Copy)]
pub struct ScreeningContext<'a> {
    /// The date the post is screened (for the minimum wage in force).
    pub today: NaiveDate,
    /// The employer has passed verification (licence or ID checked).
    pub employer_verified: bool,
    /// The posting account is the verified employer or its authorised agent.
    pub poster_matches_employer: bool,
    /// The employer's recent posts (for duplicates); may include the post
    /// itself (same id), which is skipped.
    pub recent_posts: &'a [JobPost],
    /// A corrected table; `None` uses the embedded one.
    pub minimum_wages: Option<&'a MinimumWages>,
}

impl<'a> ScreeningContext<'a> {
    /// A verified employer posting for itself, no other posts.
    pub fn new(today: NaiveDate) -> ScreeningContext<'a> {
        ScreeningContext {
            today,
            employer_verified: true,
            poster_matches_employer: true,
            recent_posts: &[],
            minimum_wages: None,
        }
    }
}

/// Runs every rule; the findings come in the order of the module table.
pub fn screen(post: &JobPost, ctx: &ScreeningContext<'_>) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(fee_requests(&post.title, "title"));
    findings.extend(fee_requests(&post.description, "description"));
    let wages = ctx
        .minimum_wages
        .unwrap_or_else(|| MinimumWages::embedded());
    findings.extend(minimum_wage(post, wages, ctx.today));
    findings.extend(unusual_pay(post));
    findings.extend(part_time(post));
    findings.extend(duplicates(post, ctx.recent_posts));
    if !ctx.poster_matches_employer {
        findings.push(Finding {
            code: "poster_not_employer",
            message: "发布账号与认证的用工单位不一致。请由用工单位本人或其授权的经办人发布，或先上传授权委托书".to_string(),
            field: "employer",
        });
    }
    if !ctx.employer_verified {
        findings.push(Finding {
            code: "employer_unverified",
            message: "用工单位尚未通过认证。请先完成营业执照或身份认证，审核通过后岗位即可发布"
                .to_string(),
            field: "employer",
        });
    }
    findings
}

// ---------------------------------------------------------------------------
// Fee requests

/// Fee words, longest first so 服装押金 is reported rather than 押金.
pub const FEE_WORDS: &[&str] = &[
    "服装押金",
    "押金",
    "保证金",
    "培训费",
    "体检费",
    "服装费",
    "工装费",
    "报名费",
    "中介费",
    "介绍费",
    "办卡费",
    "资料费",
    "信息费",
    "手续费",
    "会员费",
    "入职费",
    "工牌费",
];

/// Verbs of paying up front; followed by an amount in yuan they are a fee.
const PAY_FIRST: &[&str] = &[
    "先交",
    "先缴",
    "先付",
    "先支付",
    "先转",
    "预交",
    "预缴",
    "预付",
    "需交",
    "需缴",
    "要交",
    "须交",
    "须缴",
];

const NEGATIONS_BEFORE: &[&str] = &[
    "无需", "无须", "不收", "不需", "不用", "不交", "免收", "免除", "免交", "绝不", "从不", "拒绝",
    "杜绝", "谨防", "严禁", "禁止", "不得", "没有", "不会", "承担", "报销",
];
const NEGATIONS_AFTER: &[&str] = &[
    "全免", "免收", "免除", "减免", "承担", "报销", "零元", "为零",
];
const SELF_PAY: &[&str] = &[
    "自理",
    "自费",
    "自付",
    "自行承担",
    "个人承担",
    "本人承担",
    "自己承担",
];
const FILLERS: &[&str] = &["任何", "一切", "额外", "其他"];
/// What may stand between two fee words of one enumeration.
const ENUMERATION: &[char] = &['、', '和', '及', '与', '或', '/', '以', '、'];

fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '；' | '！' | '？' | ',' | ';' | '!' | '?' | '\n' | '\r' | '.'
    ) || c.is_whitespace()
}

/// A zero amount right after a fee word ("押金0元", "押金为0"), not the
/// end of a larger number ("押金100元").
fn zero_amount(after: &[char]) -> bool {
    after.iter().enumerate().any(|(k, c)| {
        *c == '0'
            && (k == 0 || !(after[k - 1].is_ascii_digit() || after[k - 1] == '.'))
            && after
                .get(k + 1)
                .is_none_or(|n| !(n.is_ascii_digit() || *n == '.'))
    })
}

/// Whether the fee word at `start..end` (char indices into `clause`) is
/// negated by its clause.
fn negated(clause: &[char], start: usize, end: usize) -> bool {
    let text: String = clause.iter().collect();
    if SELF_PAY.iter().any(|w| text.contains(w)) {
        return false;
    }
    let before: String = clause[start.saturating_sub(12)..start].iter().collect();
    if NEGATIONS_BEFORE.iter().any(|w| before.contains(w)) {
        return true;
    }
    let mut prefix: String = clause[..start].iter().collect();
    while let Some(f) = FILLERS.iter().find(|f| prefix.ends_with(**f)) {
        prefix.truncate(prefix.len() - f.len());
    }
    if prefix.ends_with(['无', '免', '零', '不', '没']) {
        return true;
    }
    let after = &clause[end..(end + 8).min(clause.len())];
    let after_text: String = after.iter().collect();
    NEGATIONS_AFTER.iter().any(|w| after_text.contains(w)) || zero_amount(after)
}

fn fee_message(field: &'static str, what: &str) -> Finding {
    let place = if field == "title" {
        "岗位名称"
    } else {
        "岗位描述"
    };
    Finding {
        code: "fee_request",
        message: format!(
            "{place}中出现向求职者收费的内容“{what}”。公共零工市场对劳动者免费，用人单位不得以任何名义向劳动者收取押金、培训费、体检费、服装费等费用。请删除相关内容；如费用由单位承担，请写明“由单位承担”"
        ),
        field,
    }
}

/// Fee requests in one field's text, one finding per distinct word.
pub fn fee_requests(text: &str, field: &'static str) -> Vec<Finding> {
    let chars: Vec<char> = text.chars().map(fold_width).collect();
    let mut findings = Vec::new();
    let mut reported: HashSet<String> = HashSet::new();
    for clause in chars.split(|c| is_clause_break(*c)) {
        let mut i = 0;
        // End of the last negated fee word: "不收押金、培训费" negates both.
        let mut negated_until: Option<usize> = None;
        while i < clause.len() {
            let rest: String = clause[i..].iter().collect();
            if let Some(word) = FEE_WORDS.iter().find(|w| rest.starts_with(**w)) {
                let end = i + word.chars().count();
                let enumerated = negated_until
                    .is_some_and(|e| clause[e..i].iter().all(|c| ENUMERATION.contains(c)));
                if enumerated || negated(clause, i, end) {
                    negated_until = Some(end);
                } else if reported.insert(word.to_string()) {
                    findings.push(fee_message(field, word));
                }
                i = end;
                continue;
            }
            if let Some(verb) = PAY_FIRST.iter().find(|v| rest.starts_with(**v)) {
                let vend = i + verb.chars().count();
                // An amount in yuan within the next eight characters.
                let window: Vec<char> = clause[vend..(vend + 8).min(clause.len())].to_vec();
                if let Some(d) = window.iter().position(|c| c.is_ascii_digit()) {
                    let digits_end = window[d..]
                        .iter()
                        .position(|c| !(c.is_ascii_digit() || *c == '.'))
                        .map_or(window.len(), |p| d + p);
                    let unit_ok = window
                        .get(digits_end)
                        .is_some_and(|c| matches!(c, '元' | '块'));
                    if unit_ok {
                        let end = vend + digits_end + 1;
                        let what: String = clause[i..end].iter().collect();
                        if !negated(clause, i, end) && reported.insert(what.clone()) {
                            findings.push(fee_message(field, &what));
                        }
                        i = end;
                        continue;
                    }
                }
            }
            i += 1;
        }
    }
    findings
}

// ---------------------------------------------------------------------------
// Minimum wage

/// One class of a standard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WageClass {
    pub class: u8,
    /// 全日制月最低工资, fen.
    pub monthly_fen: i64,
    /// 非全日制小时最低工资, fen.
    pub hourly_fen: i64,
}

/// A minimum wage standard in force from a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WageStandard {
    pub effective_from: NaiveDate,
    pub source: String,
    pub verified: bool,
    pub classes: Vec<WageClass>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct CountyClasses {
    provisional: bool,
    note: String,
    class_1: Vec<String>,
    class_2: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct WageFile {
    standard: Vec<WageStandard>,
    county_classes: CountyClasses,
}

/// The dated minimum wage table and the county → class map.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MinimumWages {
    /// Sorted by `effective_from`.
    standards: Vec<WageStandard>,
    class_1: HashSet<u32>,
    class_2: HashSet<u32>,
    /// The county classes are provisional (see the data file).
    pub classes_provisional: bool,
}

const EMBEDDED_WAGES: &str = include_str!("../data/shanxi_minimum_wage.toml");

impl MinimumWages {
    /// The table shipped in `data/shanxi_minimum_wage.toml`.
    pub fn embedded() -> &'static MinimumWages {
        static TABLE: LazyLock<MinimumWages> = LazyLock::new(|| {
            MinimumWages::from_toml(EMBEDDED_WAGES)
                .expect("the embedded minimum wage table parses (tested)")
        });
        &TABLE
    }

    /// Reads a table in the format of the shipped file.
    pub fn from_toml(text: &str) -> Result<MinimumWages, MarketError> {
        let file: WageFile = toml::from_str(text).map_err(|e| {
            MarketError::invalid(
                "minimum_wage_table_invalid",
                "minimum_wage",
                format!("最低工资标准表格式错误：{e}"),
            )
        })?;
        let mut standards = file.standard;
        if standards.is_empty() {
            return Err(MarketError::invalid(
                "minimum_wage_table_invalid",
                "minimum_wage",
                "最低工资标准表中没有任何标准",
            ));
        }
        for s in &standards {
            for c in 1..=3u8 {
                if !s.classes.iter().any(|x| x.class == c) {
                    return Err(MarketError::invalid(
                        "minimum_wage_table_invalid",
                        "minimum_wage",
                        format!("{}起执行的标准缺少第{c}类地区", s.effective_from),
                    ));
                }
            }
        }
        standards.sort_by_key(|s| s.effective_from);
        let codes = |v: &[String]| -> Result<HashSet<u32>, MarketError> {
            v.iter()
                .map(|c| {
                    RegionCode::parse(c).map(|r| r.code()).map_err(|_| {
                        MarketError::invalid(
                            "minimum_wage_table_invalid",
                            "minimum_wage",
                            format!("最低工资地区分类中的区划代码“{c}”无效"),
                        )
                    })
                })
                .collect()
        };
        Ok(MinimumWages {
            standards,
            class_1: codes(&file.county_classes.class_1)?,
            class_2: codes(&file.county_classes.class_2)?,
            classes_provisional: file.county_classes.provisional,
        })
    }

    /// The class (1, 2 or 3) of a county.
    pub fn class_of(&self, county: RegionCode) -> u8 {
        if self.class_1.contains(&county.code()) {
            1
        } else if self.class_2.contains(&county.code()) {
            2
        } else {
            3
        }
    }

    /// The standard in force on `date` (the earliest one before any).
    pub fn standard_on(&self, date: NaiveDate) -> &WageStandard {
        self.standards
            .iter()
            .rev()
            .find(|s| s.effective_from <= date)
            .unwrap_or(&self.standards[0])
    }

    /// The minimums for a county on a date, with the standard they come from.
    pub fn for_county(&self, county: RegionCode, date: NaiveDate) -> (WageClass, &WageStandard) {
        let standard = self.standard_on(date);
        let class = self.class_of(county);
        let c = standard
            .classes
            .iter()
            .find(|c| c.class == class)
            .copied()
            .expect("every standard has classes 1–3 (checked on load)");
        (c, standard)
    }
}

/// Pay per hour for the wage checks, using the post's own hours where it
/// states them: a day rate over the scheduled hours of the day, a month
/// rate over the weekly hours × 52/12. Without hours, the module defaults of
/// [`crate::post`] (8 h days, 174 h months). `None` for piece rates.
pub fn effective_hourly_fen(post: &JobPost) -> Option<i64> {
    let amount = post.pay.amount_fen as f64;
    match post.pay.unit {
        PayUnit::Hour => Some(post.pay.amount_fen),
        PayUnit::Day => match post.daily_hours() {
            Some(h) if h > 0.0 => Some((amount / h).round() as i64),
            _ => post.pay.per_hour_fen(),
        },
        PayUnit::Month => match post.weekly_hours() {
            Some(h) if h > 0.0 => Some((amount / (h * 52.0 / 12.0)).round() as i64),
            _ => post.pay.per_hour_fen(),
        },
        PayUnit::Piece => None,
    }
}

fn minimum_wage(post: &JobPost, wages: &MinimumWages, today: NaiveDate) -> Option<Finding> {
    let (class, standard) = wages.for_county(post.county, today);
    let class_name = ["", "一类", "二类", "三类"][class.class as usize];
    let when = format!(
        "{}年{}月{}日起执行",
        chrono::Datelike::year(&standard.effective_from),
        chrono::Datelike::month(&standard.effective_from),
        chrono::Datelike::day(&standard.effective_from)
    );
    let county = post.county.name();
    match post.pay.unit {
        PayUnit::Hour | PayUnit::Day => {
            let hourly = effective_hourly_fen(post)?;
            (hourly < class.hourly_fen).then(|| Finding {
                code: "below_minimum_wage",
                message: format!(
                    "薪资低于最低工资标准：本岗位折合每小时约{}元，低于{county}（{class_name}地区）小时最低工资{}元（{when}）。请将薪资提高到不低于该标准",
                    yuan_text(hourly),
                    yuan_text(class.hourly_fen)
                ),
                field: "pay",
            })
        }
        PayUnit::Month => {
            let weekly = post.weekly_hours().unwrap_or(40.0).min(40.0);
            let minimum = if post.form == JobForm::PartTime {
                // Part-time by the month: hold it to the hourly minimum.
                (class.hourly_fen as f64 * weekly * 52.0 / 12.0).round() as i64
            } else {
                (class.monthly_fen as f64 * weekly / 40.0).round() as i64
            };
            (post.pay.amount_fen < minimum).then(|| Finding {
                code: "below_minimum_wage",
                message: format!(
                    "薪资低于最低工资标准：本岗位月薪{}元，低于{county}（{class_name}地区）按工时折算的月最低工资{}元（{when}）。请将薪资提高到不低于该标准",
                    yuan_text(post.pay.amount_fen),
                    yuan_text(minimum)
                ),
                field: "pay",
            })
        }
        PayUnit::Piece => None,
    }
}

// ---------------------------------------------------------------------------
// Usual pay

/// Typical pay per hour of a category in Shanxi, in fen: our estimate of
/// the middle of posted gig pay in 2025–2026 (太原 higher, counties lower),
/// used to flag pay far outside the usual and to make synthetic data. Not
/// an official wage guideline (工资指导价位); replace with the province's
/// published 人力资源市场工资价位 when available.
pub fn typical_hourly_fen(category: &str) -> i64 {
    match category {
        "jiazheng" => 3000,
        "yanglao" => 2200,
        "muying" => 3500,
        "baojie" => 2000,
        "weixiu" => 4000,
        "jianzhu" => 3500,
        "banyun" => 2500,
        "peisong" => 2500,
        "chuxing" => 3000,
        "canyin" => 2000,
        "meirong" => 3000,
        "lingshou" => 2000,
        "nongye" => 1800,
        "anbao" => 1800,
        "jiaoyu" => 6000,
        "jiankang" => 3500,
        "wenti" => 6000,
        "zhizao" => 2000,
        "shuzi" => 4000,
        _ => 2500,
    }
}

/// Typical piece rate (per order) where a piece is a well-defined unit:
/// a delivery order, a ride.
pub fn typical_piece_fen(category: &str) -> Option<i64> {
    match category {
        "peisong" => Some(600),
        "chuxing" => Some(2000),
        _ => None,
    }
}

/// Below this share of the typical pay, a post is flagged.
pub const UNUSUAL_LOW: f64 = 0.3;
/// Above this multiple of the typical pay, a post is flagged (bait ads).
pub const UNUSUAL_HIGH: f64 = 3.0;

fn unusual_pay(post: &JobPost) -> Option<Finding> {
    let category = occupation(&post.occupation)?.category();
    let (value, typical, what) = match post.pay.unit {
        PayUnit::Piece => (
            post.pay.amount_fen,
            typical_piece_fen(category.code)?,
            "每单",
        ),
        _ => (
            effective_hourly_fen(post)?,
            typical_hourly_fen(category.code),
            "每小时",
        ),
    };
    let ratio = value as f64 / typical as f64;
    if ratio < UNUSUAL_LOW {
        Some(Finding {
            code: "pay_unusually_low",
            message: format!(
                "薪资明显低于同类岗位：本岗位{what}约{}元，{}类岗位通常约{}元。请核对金额和计薪单位是否填错",
                yuan_text(value),
                category.name,
                yuan_text(typical)
            ),
            field: "pay",
        })
    } else if ratio > UNUSUAL_HIGH {
        Some(Finding {
            code: "pay_unusually_high",
            message: format!(
                "薪资明显高于同类岗位：本岗位{what}约{}元，{}类岗位通常约{}元。请核对金额和计薪单位；如确属实，请在描述中写明工作内容和计薪方式，以免被误认为虚假招聘",
                yuan_text(value),
                category.name,
                yuan_text(typical)
            ),
            field: "pay",
        })
    } else {
        None
    }
}

// ---------------------------------------------------------------------------
// 非全日制

fn part_time(post: &JobPost) -> Vec<Finding> {
    let mut findings = Vec::new();
    if post.form != JobForm::PartTime {
        return findings;
    }
    if !post.within_part_time_limits() {
        let daily = post.daily_hours().unwrap_or(0.0);
        let weekly = post.weekly_hours().unwrap_or(0.0);
        findings.push(Finding {
            code: "part_time_hours",
            message: format!(
                "非全日制用工平均每日工作不超过4小时、每周累计不超过24小时（劳动合同法第六十八条）。本岗位每日约{daily:.1}小时、每周约{weekly:.1}小时，请缩短工作时段，或改选其他用工形式"
            ),
            field: "schedule",
        });
    }
    if post.pay.unit == PayUnit::Month {
        findings.push(Finding {
            code: "part_time_pay_cycle",
            message: "非全日制用工劳动报酬结算支付周期最长不得超过十五日（劳动合同法第七十二条），不能按月计薪。请改为按小时或按天计薪，并约定不超过15日的结算周期".to_string(),
            field: "pay",
        });
    }
    findings
}

// ---------------------------------------------------------------------------
// Duplicates

/// Title and description at least this alike (0..1) make a duplicate.
pub const DUPLICATE_SIMILARITY: f64 = 0.85;

fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text
        .chars()
        .map(fold_width)
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    if chars.len() == 1 {
        return [(chars[0], ' ')].into_iter().collect();
    }
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Jaccard similarity of character bigrams (letters only), 0..=1.
pub fn text_similarity(a: &str, b: &str) -> f64 {
    let (x, y) = (bigrams(a), bigrams(b));
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    let inter = x.intersection(&y).count() as f64;
    inter / ((x.len() + y.len()) as f64 - inter)
}

fn duplicates(post: &JobPost, recent: &[JobPost]) -> Option<Finding> {
    let other = recent.iter().find(|o| {
        o.id != post.id
            && o.occupation == post.occupation
            && o.county == post.county
            && text_similarity(&o.title, &post.title) >= DUPLICATE_SIMILARITY
            && text_similarity(&o.description, &post.description) >= DUPLICATE_SIMILARITY
    })?;
    Some(Finding {
        code: "duplicate_post",
        message: format!(
            "与本单位近期发布的岗位“{}”内容基本相同。请勿重复发布；如需增加招聘人数或修改信息，请编辑原岗位",
            other.title
        ),
        field: "title",
    })
}

#[cfg(test)]
mod tests;
