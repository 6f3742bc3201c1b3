//! Screening of a job post before it goes live. Pure rules: the service
//! passes the post and what it knows about the employer, and gets back a
//! list of findings. A finding is a *hold* (the post waits for county staff,
//! who see the findings; the employer sees what to change) or a *note*
//! ([`FindingKind::Note`]: shown to the employer and to staff, the post goes
//! live anyway). No holds: publish at once (即时快招) — see [`publishable`].
//!
//! # Rules
//!
//! | code | field | rule |
//! | --- | --- | --- |
//! | `fee_request` | title / description | asks the worker for money (not a deposit the job collects from customers: 登记入住、收押金) : 押金, 保证金, 培训费, 体检费, 服装费, 工装费, 服装押金, 报名费, 中介费, 介绍费, 办卡费, 资料费, 信息费, 手续费, 会员费, 入职费, 工牌费, or "先交/预交/需交 … N元" — unless the sentence says it is not charged (see below) |
//! | `below_minimum_wage` | pay | hourly rates, and any time rate of 非全日制 or 小时工 work whose daily hours are written (estimated per hour with the post's hours), below the 非全日制 hourly minimum of the county's class; day, half-day and shift rates of other work below the monthly minimum over 21.75 days (pro rata for days under 8 h); month rates below the monthly minimum (pro rata for fewer than 40 h/week); week and N-day rates as the month they add up to (× 21.75 / days); piece, commission and 面议 pay through the stated typical daily earnings, as a day rate — [`MinimumWages`] |
//! | `pay_unusually_low` (a note: goes live) / `pay_unusually_high` (holds) | pay | the hourly estimate outside `[0.3 ×, 3 ×]` the typical pay of the occupation's category ([`typical_hourly_fen`]; work at height and rope access higher, [`typical_trade_hourly_fen`]; the high check uses the upper end of a range, the low check skips a commission base); per-order piece rates (单, 件, 次, 趟) for delivery and rides against the usual order rate; never for pay without an estimate |
//! | `part_time_hours` | schedule | 非全日制 over 4 h/day on average or 24 h/week (劳动合同法 第68条) |
//! | `part_time_pay_cycle` | pay | 非全日制 paid by the month or by N > 15 days: the pay cycle may not exceed 15 days (第72条) |
//! | `duplicate_post` | title | the same employer has a post with the same occupation and county whose title and description are ≥ 85 % alike (character bigrams, digits and punctuation ignored) |
//! | `poster_not_employer` | employer | the account posting is not the verified employer or its authorised agent |
//! | `employer_unverified` | employer | the employer has not passed verification |
//!
//! Notes (the post goes live):
//!
//! | code | field | when |
//! | --- | --- | --- |
//! | `piece_rate_unchecked` | pay | a piece rate without typical daily earnings: the minimum wage cannot be checked |
//! | `commission_unchecked` | pay | base plus commission whose base alone does not show the minimum is met, without typical daily earnings |
//! | `pay_negotiable` | pay | no amount (面议, 按单结算, 按天计薪) and no typical daily earnings |
//! | `pay_hours_unstated` | schedule | a day, half-day or shift rate of 非全日制 or 小时工 work without written hours that is below the hourly minimum over an 8-hour day: the hours decide, so the employer is asked to write them |
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
use crate::pay::{Pay, PayBasis, TimeUnit, WorkHours, yuan_text};
use crate::post::{JobForm, JobPost, fold_width};

/// Whether a finding holds the post for review or only informs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// The post waits for county staff.
    Hold,
    /// Shown to the employer and to staff; the post goes live.
    Note,
}

/// Something a post must change before it can go live (a hold), or
/// something the employer and staff should know (a note).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code (see the module table).
    pub code: &'static str,
    /// What is wrong and what to change, in Chinese.
    pub message: String,
    /// The field of the post the finding is about.
    pub field: &'static str,
    pub kind: FindingKind,
}

impl Finding {
    fn hold(code: &'static str, field: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            code,
            message: message.into(),
            field,
            kind: FindingKind::Hold,
        }
    }

    fn note(code: &'static str, field: &'static str, message: impl Into<String>) -> Finding {
        Finding {
            code,
            message: message.into(),
            field,
            kind: FindingKind::Note,
        }
    }

    pub fn is_note(&self) -> bool {
        self.kind == FindingKind::Note
    }
}

/// Whether a post with these findings goes live at once: none of them holds it.
pub fn publishable(findings: &[Finding]) -> bool {
    findings.iter().all(Finding::is_note)
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

/// Runs every rule; the findings come in the order of the module table
/// (notes with the rule they belong to).
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
        findings.push(Finding::hold(
            "poster_not_employer",
            "employer",
            "发布账号与认证的用工单位不一致。请由用工单位本人或其授权的经办人发布，或先上传授权委托书",
        ));
    }
    if !ctx.employer_verified {
        findings.push(Finding::hold(
            "employer_unverified",
            "employer",
            "用工单位尚未通过认证。请先完成营业执照或身份认证，审核通过后岗位即可发布",
        ));
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

/// Words that put a fee on the worker's side of the clause (入职交押金).
const WORKER_SIDE: &[&str] = &[
    "入职", "离职", "上岗", "报名", "面试", "应聘", "求职", "员工", "本人", "自己", "你",
];
/// Whom a job collects from or refunds to.
const CUSTOMERS: &[&str] = &[
    "客人",
    "顾客",
    "客户",
    "住客",
    "租客",
    "房客",
    "旅客",
    "乘客",
    "学员家长",
];

/// Whether the fee word at `start` is one the job collects from customers — a duty in a
/// list of duties (登记入住、收押金; 帮客人退押金; 代收押金) — rather than one asked of
/// the worker. Never when the clause speaks of the worker (入职、收押金).
fn customers_fee(clause: &[char], start: usize) -> bool {
    let text: String = clause.iter().collect();
    if WORKER_SIDE.iter().any(|w| text.contains(w)) || SELF_PAY.iter().any(|w| text.contains(w)) {
        return false;
    }
    let before: String = clause[start.saturating_sub(8)..start].iter().collect();
    if before.ends_with("代收") {
        return true;
    }
    if CUSTOMERS.iter().any(|c| before.contains(c))
        && (before.contains('收') || before.contains('退'))
    {
        return true;
    }
    // 收押金 after a listing comma: one duty of several.
    before.ends_with('收') && before.chars().rev().nth(1).is_some_and(|c| c == '、')
}

fn fee_message(field: &'static str, what: &str) -> Finding {
    let place = if field == "title" {
        "岗位名称"
    } else {
        "岗位描述"
    };
    Finding::hold(
        "fee_request",
        field,
        format!(
            "{place}中出现向求职者收费的内容“{what}”。公共零工市场对劳动者免费，用人单位不得以任何名义向劳动者收取押金、培训费、体检费、服装费等费用。请删除相关内容；如费用由单位承担，请写明“由单位承担”"
        ),
    )
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
                if enumerated || negated(clause, i, end) || customers_fee(clause, i) {
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

/// Pay per hour for the wage checks: the post's pay estimate with its own
/// hours ([`JobPost::pay_per_hour_fen`]): a day rate over the scheduled
/// hours of the day, a month rate over the weekly hours × 52/12, without
/// hours the defaults of [`crate::pay`] (8 h days, 174 h months); a piece
/// rate or 面议 only through typical daily earnings. `None` without an
/// estimate.
pub fn effective_hourly_fen(post: &JobPost) -> Option<i64> {
    post.pay_per_hour_fen()
}

/// Working days in a month, as a fraction (21.75 = 87/4).
const MONTH_DAYS_NUM: i64 = 87;
const MONTH_DAYS_DEN: i64 = 4;

struct WageCheck<'a> {
    post: &'a JobPost,
    class: WageClass,
    class_name: &'static str,
    when: String,
    county: &'static str,
}

impl WageCheck<'_> {
    fn below(&self, what: String, minimum: String) -> Finding {
        Finding::hold(
            "below_minimum_wage",
            "pay",
            format!(
                "薪资低于最低工资标准：{what}，低于{}（{}地区）{minimum}（{}）。请将薪资提高到不低于该标准",
                self.county, self.class_name, self.when
            ),
        )
    }

    /// An estimate per hour against the hourly minimum.
    fn hourly(&self, hourly: i64, what: &str) -> Option<Finding> {
        (hourly < self.class.hourly_fen).then(|| {
            self.below(
                format!("{what}折合每小时约{}元", yuan_text(hourly)),
                format!("小时最低工资{}元", yuan_text(self.class.hourly_fen)),
            )
        })
    }

    /// A month's pay (or what a week or N days add up to) against the
    /// monthly minimum, pro rata for fewer than 40 h a week; part-time
    /// against the hourly minimum.
    fn monthly(&self, monthly_fen: i64, what: String) -> Option<Finding> {
        let weekly = self.post.weekly_hours().unwrap_or(40.0).min(40.0);
        let minimum = if self.post.form == JobForm::PartTime {
            (self.class.hourly_fen as f64 * weekly * 52.0 / 12.0).round() as i64
        } else {
            (self.class.monthly_fen as f64 * weekly / 40.0).round() as i64
        };
        (monthly_fen < minimum).then(|| {
            self.below(
                what,
                format!("按工时折算的月最低工资{}元", yuan_text(minimum)),
            )
        })
    }

    /// A time rate with an amount (also a commission base).
    fn time_rate(&self, unit: TimeUnit, amount: i64) -> Option<Finding> {
        match unit {
            TimeUnit::Month => self.monthly(amount, format!("本岗位月薪{}元", yuan_text(amount))),
            TimeUnit::Week | TimeUnit::Days(_) => {
                let days = i64::from(unit.days().unwrap_or(1));
                let monthly = (amount * MONTH_DAYS_NUM * 2 + MONTH_DAYS_DEN * days)
                    / (2 * MONTH_DAYS_DEN * days);
                self.monthly(
                    monthly,
                    format!(
                        "本岗位每{}{}元，折合每月约{}元",
                        unit.word(),
                        yuan_text(amount),
                        yuan_text(monthly)
                    ),
                )
            }
            // An hourly rate, or any rate of 非全日制 / 小时工 work, against the
            // hourly minimum of 非全日制用工.
            TimeUnit::Hour => {
                let hourly =
                    Pay::time(unit, amount).estimated_hourly_fen(self.post.work_hours())?;
                self.hourly(hourly, "本岗位")
            }
            // A day or shift whose hours are not written cannot be said to be below
            // the hourly minimum (a day of 发传单 may be five hours): a note asking
            // for the hours, measured over an 8-hour day, and the post goes live.
            _ if matches!(self.post.form, JobForm::PartTime | JobForm::Hourly)
                && self.post.daily_hours().is_none() =>
            {
                let hourly =
                    Pay::time(unit, amount).estimated_hourly_fen(self.post.work_hours())?;
                (hourly < self.class.hourly_fen).then(|| {
                    Finding::note(
                        "pay_hours_unstated",
                        "schedule",
                        format!(
                            "没有写明每天工作几点到几点，无法核对是否达到最低工资标准，岗位照常发布。按每天8小时算，本岗位每小时约{}元，低于{}（{}地区）小时最低工资{}元；请在“工作时间”中写明时段（例如 09:00-14:00），工作时间较长的请提高报酬",
                            yuan_text(hourly),
                            self.county,
                            self.class_name,
                            yuan_text(self.class.hourly_fen)
                        ),
                    )
                })
            }
            _ if matches!(self.post.form, JobForm::PartTime | JobForm::Hourly) => {
                let hourly =
                    Pay::time(unit, amount).estimated_hourly_fen(self.post.work_hours())?;
                self.hourly(hourly, "本岗位")
            }
            // A day, half day or shift of other work against the monthly minimum
            // a day (the month over 21.75 days), pro rata for shorter days: the
            // hourly minimum of 非全日制 includes the insurance a part-time
            // employer does not pay, and is not the measure of a day's work.
            _ => {
                let daily = Pay::time(unit, amount).estimated_daily_fen(self.post.work_hours())?;
                let hours = self.post.daily_hours().unwrap_or(8.0).min(8.0);
                let minimum =
                    (self.class.monthly_fen as f64 * 4.0 / 87.0 * hours / 8.0).round() as i64;
                (daily < minimum).then(|| {
                    self.below(
                        format!("本岗位折合每天约{}元", yuan_text(daily)),
                        format!("按月最低工资折算的日最低工资{}元", yuan_text(minimum)),
                    )
                })
            }
        }
    }
}

fn minimum_wage(post: &JobPost, wages: &MinimumWages, today: NaiveDate) -> Option<Finding> {
    let (class, standard) = wages.for_county(post.county, today);
    let check = WageCheck {
        post,
        class,
        class_name: ["", "一类", "二类", "三类"][class.class as usize],
        when: format!(
            "{}年{}月{}日起执行",
            chrono::Datelike::year(&standard.effective_from),
            chrono::Datelike::month(&standard.effective_from),
            chrono::Datelike::day(&standard.effective_from)
        ),
        county: post.county.name(),
    };
    let pay = &post.pay;
    let base = match (pay.time_unit(), pay.min_fen) {
        (Some(unit), Some(amount)) => Some(check.time_rate(unit, amount)),
        _ => None,
    };
    if !pay.commission
        && let Some(finding) = base
    {
        return finding;
    }
    // Base plus commission: a base that meets the minimum settles it.
    if matches!(base, Some(None)) {
        return None;
    }
    let minimum = format!(
        "{}（{}地区）小时最低工资{}元",
        check.county,
        check.class_name,
        yuan_text(class.hourly_fen)
    );
    if let Some(typical) = pay.typical_daily_fen {
        let hours = post.work_hours();
        let hourly = Pay::negotiable()
            .with_typical_daily(typical)
            .estimated_hourly_fen(hours)?;
        return check.hourly(
            hourly,
            &format!("按填写的日均收入{}元计，本岗位", yuan_text(typical)),
        );
    }
    let (code, message) = match &pay.basis {
        Some(PayBasis::Piece(w)) if pay.min_fen.is_some() => (
            "piece_rate_unchecked",
            format!(
                "计件工资（每{w}{}元）无法自动核对是否达到最低工资标准，岗位照常发布。请在“日均收入”中填写熟练工一般每天能挣多少，方便求职者比较；劳动者在法定工作时间内提供正常劳动的，计件工资折算后不得低于{minimum}",
                yuan_text(pay.min_fen.unwrap_or(0))
            ),
        ),
        _ if pay.commission => (
            "commission_unchecked",
            format!(
                "底薪加提成的工资仅凭底薪无法确认达到最低工资标准，岗位照常发布。请在“日均收入”中填写一般每天能拿到多少；正常工作时间内底薪和提成合计不得低于{minimum}"
            ),
        ),
        _ => (
            "pay_negotiable",
            format!(
                "薪资未写明金额，无法核对是否达到最低工资标准，岗位照常发布。请尽量写明金额或大致范围（例如“200-260元/天”），或在“日均收入”中填写一般每天能挣多少，这样更容易招到人；约定的报酬不得低于{minimum}"
            ),
        ),
    };
    Some(Finding::note(code, "pay", message))
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

/// Typical hourly pay of a trade: the category's ([`typical_hourly_fen`]) except for the
/// trades whose danger or licence pays several times their category's — a rope-access
/// window cleaner (蜘蛛人) earns 400–800 元 a day where a cleaner earns 160.
pub fn typical_trade_hourly_fen(occupation_code: &str, category: &str) -> i64 {
    match occupation_code {
        // Rope access and work at height: 高处作业证 required.
        "baojie.waiqiang" | "jixie.gaokong" => 6000,
        _ => typical_hourly_fen(category),
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

/// Piece words that are one order of delivery or one ride.
const ORDER_WORDS: &[&str] = &["单", "件", "次", "趟"];

fn unusual_pay(post: &JobPost) -> Option<Finding> {
    let category = occupation(&post.occupation)?.category();
    let pay = &post.pay;
    let hours: WorkHours = post.work_hours();
    // (lowest value, highest value, typical, what)
    let (low, high, typical, what) = match (&pay.basis, pay.min_fen) {
        (Some(PayBasis::Piece(w)), Some(min))
            if ORDER_WORDS.contains(&w.as_str()) && typical_piece_fen(category.code).is_some() =>
        {
            (
                Some(min),
                pay.max_fen.unwrap_or(min),
                typical_piece_fen(category.code)?,
                "每单",
            )
        }
        _ => {
            let estimate = post.pay_estimate()?;
            let high = match (pay.max_fen, pay.time_unit()) {
                (Some(max), Some(unit)) if !estimate.from_typical => Pay::time(unit, max)
                    .estimated_hourly_fen(hours)
                    .unwrap_or(estimate.hourly_fen),
                _ => estimate.hourly_fen,
            };
            // A commission base may be low: the commission comes on top.
            let low = (!pay.commission || estimate.from_typical).then_some(estimate.hourly_fen);
            (
                low,
                high,
                typical_trade_hourly_fen(&post.occupation, category.code),
                "每小时",
            )
        }
    };
    let ratio = |v: i64| v as f64 / typical as f64;
    if let Some(value) = low
        && ratio(value) < UNUSUAL_LOW
    {
        // Low pay is not a scam's bait, and the minimum wage is checked on its
        // own: this only asks the employer to look for a typo.
        return Some(Finding::note(
            "pay_unusually_low",
            "pay",
            format!(
                "薪资明显低于同类岗位：本岗位{what}约{}元，{}类岗位通常约{}元。请核对金额和计薪单位是否填错",
                yuan_text(value),
                category.name,
                yuan_text(typical)
            ),
        ));
    }
    if ratio(high) > UNUSUAL_HIGH {
        return Some(Finding::hold(
            "pay_unusually_high",
            "pay",
            format!(
                "薪资明显高于同类岗位：本岗位{what}约{}元，{}类岗位通常约{}元。请核对金额和计薪单位；如确属实，请在描述中写明工作内容和计薪方式，以免被误认为虚假招聘",
                yuan_text(high),
                category.name,
                yuan_text(typical)
            ),
        ));
    }
    None
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
        findings.push(Finding::hold(
            "part_time_hours",
            "schedule",
            format!(
                "非全日制用工平均每日工作不超过4小时、每周累计不超过24小时（劳动合同法第六十八条）。本岗位每日约{daily:.1}小时、每周约{weekly:.1}小时，请缩短工作时段，或改选其他用工形式"
            ),
        ));
    }
    let cycle_too_long = match post.pay.time_unit() {
        Some(TimeUnit::Month) => true,
        Some(TimeUnit::Days(n)) => n > 15,
        _ => false,
    };
    if cycle_too_long {
        findings.push(Finding::hold(
            "part_time_pay_cycle",
            "pay",
            "非全日制用工劳动报酬结算支付周期最长不得超过十五日（劳动合同法第七十二条），不能按月（或超过15天）计薪。请改为按小时或按天计薪，并约定不超过15日的结算周期",
        ));
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
    Some(Finding::hold(
        "duplicate_post",
        "title",
        format!(
            "与本单位近期发布的岗位“{}”内容基本相同。请勿重复发布；如需增加招聘人数或修改信息，请编辑原岗位",
            other.title
        ),
    ))
}

#[cfg(test)]
mod tests;
