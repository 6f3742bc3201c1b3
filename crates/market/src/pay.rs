//! Pay as gig work is really paid: by the hour, the half day, the day, the
//! night or shift, the week, the month or "N days"; by the piece with any
//! unit word the employer writes (元/单, 元/袋, 元/平方米, 元/樘 …); a base
//! plus commission (底薪+提成); ranges (`200-260元/天`); floors (`起`, `以上`,
//! `保底`); or no amount at all (面议, 按单结算, 计件). Amounts are fen (`i64`);
//! nothing here uses floats for money.
//!
//! # The model
//!
//! | field | meaning |
//! | --- | --- |
//! | `basis` | `Time(TimeUnit)`, `Piece(word)`, or `None` (面议 / 纯提成) |
//! | `min_fen` | the amount, or the lower end of a range; `None` = no amount stated |
//! | `max_fen` | the upper end of a range |
//! | `floor` | `From` (起, 以上, `+`) or `Guaranteed` (保底) |
//! | `commission` | a base plus commission (底薪, 提成); the amount is the base |
//! | `typical_daily_fen` | what the employer says a worker typically earns in a day (日均200元) |
//!
//! [`Pay::parse`] reads what employers write; [`Pay::label`] (also `Display`)
//! writes it back in plain Chinese, and the label parses back to the same
//! value (property-tested).
//!
//! # Estimates
//!
//! To compare pay across units, filter search by hourly pay and check the
//! minimum wage, a pay is turned into an *estimate* per hour and per day
//! ([`Pay::estimate`]) given the post's hours ([`WorkHours`]):
//!
//! | basis | hours in one unit |
//! | --- | --- |
//! | hour | 1 |
//! | half day | the scheduled day when it is at most 6 h (the post *is* the half day), half of it when longer; 4 h without a schedule |
//! | day, shift | the scheduled hours of a day; 8 h without ([`HOURS_PER_DAY`]) |
//! | week | the weekly hours when known; else 5 days ([`DAYS_PER_WEEK`]) of a day |
//! | N days | N days of a day |
//! | month | the weekly hours × 52 / 12 when known; else 21.75 days ([`DAYS_PER_MONTH`]) of a day (174 h) |
//! | piece, 面议 | only through `typical_daily_fen` (a day of the scheduled hours, or 8 h) |
//!
//! A range uses its lower end (the only part that is promised), a floor its
//! floor, base plus commission its base. Estimates round to the nearest fen
//! and are computed with integers. They are always shown as estimates
//! (`"约合每小时25元（估算）"`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::MarketError;
use crate::post::fold_width;

/// Hours in a working day when the post does not say.
pub const HOURS_PER_DAY: f64 = 8.0;
/// Working days in a month (21.75, the statutory monthly average of
/// 劳社部发〔2008〕3号).
pub const DAYS_PER_MONTH: f64 = 21.75;
/// Working days in a week paid by the week.
pub const DAYS_PER_WEEK: u32 = 5;
/// Hours of a half day when the post does not say.
pub const HALF_DAY_HOURS: f64 = 4.0;
/// Upper bound for any amount: one million yuan. Anything above is a typo,
/// and it keeps every conversion far from overflow.
pub const MAX_PAY_FEN: i64 = 100_000_000;
/// Longest piece unit word (平方米, 立方米).
pub const MAX_UNIT_CHARS: usize = 3;
/// Longest pay text read.
pub const MAX_PAY_TEXT_CHARS: usize = 100;
/// Most days an "N days" rate may span.
pub const MAX_DAYS_UNIT: u16 = 366;

const DAY_MINUTES: i128 = 480;
const HALF_DAY_MINUTES: i128 = 240;

// ---------------------------------------------------------------------------
// The worker's side: a simple expectation

/// The unit of a worker's expected pay (and of agreements): hour, day,
/// piece or month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayUnit {
    Hour,
    Day,
    Piece,
    Month,
}

impl PayUnit {
    pub const ALL: [PayUnit; 4] = [PayUnit::Hour, PayUnit::Day, PayUnit::Piece, PayUnit::Month];

    /// `"小时"`, `"天"`, `"件"`, `"月"`.
    pub fn label(self) -> &'static str {
        match self {
            PayUnit::Hour => "小时",
            PayUnit::Day => "天",
            PayUnit::Piece => "件",
            PayUnit::Month => "月",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            PayUnit::Hour => "hour",
            PayUnit::Day => "day",
            PayUnit::Piece => "piece",
            PayUnit::Month => "month",
        }
    }

    /// The code or a Chinese unit word (`小时`, `天`, `月`, `件`, `单` …).
    pub fn parse(s: &str) -> Result<PayUnit, MarketError> {
        let t = s.trim().to_lowercase();
        let t = t.trim_start_matches('/');
        let unit = match t {
            "hour" => Some(PayUnit::Hour),
            "day" => Some(PayUnit::Day),
            "month" => Some(PayUnit::Month),
            "piece" => Some(PayUnit::Piece),
            _ => match classify_unit(t) {
                Some((Unit::Time(TimeUnit::Hour), n)) if n == t.chars().count() => {
                    Some(PayUnit::Hour)
                }
                Some((Unit::Time(TimeUnit::Day), n)) if n == t.chars().count() => {
                    Some(PayUnit::Day)
                }
                Some((Unit::Time(TimeUnit::Month), n)) if n == t.chars().count() => {
                    Some(PayUnit::Month)
                }
                Some((Unit::Piece(_), n)) if n == t.chars().count() => Some(PayUnit::Piece),
                _ => None,
            },
        };
        unit.ok_or_else(|| {
            MarketError::invalid(
                "pay_unit_unknown",
                "pay_unit",
                format!("计薪单位“{}”无法识别，请填写小时、天、月或件", s.trim()),
            )
        })
    }
}

/// What a worker expects to earn at least: an amount per hour, day, month
/// or piece. Kept simple on purpose; a post's [`Pay`] is compared with it
/// by [`Pay::meets`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ExpectedPay {
    pub amount_fen: i64,
    pub unit: PayUnit,
}

impl ExpectedPay {
    pub fn new(amount_fen: i64, unit: PayUnit) -> ExpectedPay {
        ExpectedPay { amount_fen, unit }
    }

    /// Whole yuan, for tests and synthetic data.
    pub fn yuan(yuan: i64, unit: PayUnit) -> ExpectedPay {
        ExpectedPay::new(yuan * 100, unit)
    }

    /// Fen per hour (a day is 8 h, a month 174 h); `None` for a piece rate.
    pub fn per_hour_fen(&self) -> Option<i64> {
        let a = i128::from(self.amount_fen);
        match self.unit {
            PayUnit::Hour => Some(self.amount_fen),
            PayUnit::Day => Some(div_round(a * 60, DAY_MINUTES)),
            PayUnit::Month => Some(div_round(a * 60 * 4, 87 * DAY_MINUTES)),
            PayUnit::Piece => None,
        }
    }

    /// `"日薪200元"`, `"时薪25元"`, `"月薪3000元"`, `"计件5元/件"`.
    pub fn label(&self) -> String {
        let amount = yuan_text(self.amount_fen);
        match self.unit {
            PayUnit::Hour => format!("时薪{amount}元"),
            PayUnit::Day => format!("日薪{amount}元"),
            PayUnit::Month => format!("月薪{amount}元"),
            PayUnit::Piece => format!("计件{amount}元/件"),
        }
    }
}

impl fmt::Display for ExpectedPay {
    /// `"200元/天"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}元/{}", yuan_text(self.amount_fen), self.unit.label())
    }
}

// ---------------------------------------------------------------------------
// The post's side: the model

/// A unit of time pay is quoted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    Hour,
    /// 半天.
    HalfDay,
    Day,
    /// A night or a shift (晚, 夜, 班): a day unless the schedule says otherwise.
    Shift,
    Week,
    Month,
    /// A stretch of N days (`8800元/26天`), 2 ≤ N ≤ [`MAX_DAYS_UNIT`].
    Days(u16),
}

impl TimeUnit {
    /// The code stored in `job_posts.pay_unit` and shown in the API.
    pub fn code(self) -> &'static str {
        match self {
            TimeUnit::Hour => "hour",
            TimeUnit::HalfDay => "half_day",
            TimeUnit::Day => "day",
            TimeUnit::Shift => "shift",
            TimeUnit::Week => "week",
            TimeUnit::Month => "month",
            TimeUnit::Days(_) => "days",
        }
    }

    /// The unit as written after `元/`: `小时`, `半天`, `天`, `班`, `周`,
    /// `月`, `26天`.
    pub fn word(self) -> String {
        match self {
            TimeUnit::Hour => "小时".into(),
            TimeUnit::HalfDay => "半天".into(),
            TimeUnit::Day => "天".into(),
            TimeUnit::Shift => "班".into(),
            TimeUnit::Week => "周".into(),
            TimeUnit::Month => "月".into(),
            TimeUnit::Days(n) => format!("{n}天"),
        }
    }

    /// What the amount is called before it: `时薪`, `每半天`, `日薪`, `每班`,
    /// `周薪`, `月薪`, `每26天`.
    fn prefix(self) -> String {
        match self {
            TimeUnit::Hour => "时薪".into(),
            TimeUnit::HalfDay => "每半天".into(),
            TimeUnit::Day => "日薪".into(),
            TimeUnit::Shift => "每班".into(),
            TimeUnit::Week => "周薪".into(),
            TimeUnit::Month => "月薪".into(),
            TimeUnit::Days(n) => format!("每{n}天"),
        }
    }

    /// How many days the unit spans when a day is the whole working day
    /// (for the wage checks of week and N-day rates).
    pub fn days(self) -> Option<u32> {
        match self {
            TimeUnit::Week => Some(DAYS_PER_WEEK),
            TimeUnit::Days(n) => Some(u32::from(n)),
            TimeUnit::Day | TimeUnit::Shift => Some(1),
            _ => None,
        }
    }
}

/// What the amount is per.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PayBasis {
    Time(TimeUnit),
    /// A piece rate with the unit word the employer wrote, normalised
    /// (`单`, `袋`, `平方米` for 平米/㎡, `公斤` for kg/千克 …).
    Piece(String),
}

/// A floor: the amount is the least the worker gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Floor {
    /// 起, 以上, `+`: from this amount up.
    From,
    /// 保底: guaranteed whatever the orders.
    Guaranteed,
}

/// A post's pay (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PayRecord", into = "PayRecord")]
pub struct Pay {
    /// `None`: no unit stated (面议, 纯提成).
    pub basis: Option<PayBasis>,
    /// The amount, or the lower end of a range; `None` when no amount is stated.
    pub min_fen: Option<i64>,
    /// The upper end of a range (then `min_fen < max_fen`).
    pub max_fen: Option<i64>,
    pub floor: Option<Floor>,
    /// Base plus commission (底薪+提成): the amount is the base.
    pub commission: bool,
    /// What a worker typically earns in a day, as the employer states it.
    pub typical_daily_fen: Option<i64>,
}

/// How many hours a post works, for the estimates: per working day (the
/// schedule's slots) and per week (declared or from the schedule).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct WorkHours {
    pub per_day: Option<f64>,
    pub per_week: Option<f64>,
}

impl WorkHours {
    /// Nothing known: a day is 8 hours.
    pub const UNKNOWN: WorkHours = WorkHours {
        per_day: None,
        per_week: None,
    };

    pub fn per_day(hours: f64) -> WorkHours {
        WorkHours {
            per_day: Some(hours),
            per_week: None,
        }
    }

    fn day_minutes(&self) -> Option<i128> {
        minutes(self.per_day)
    }

    fn week_minutes(&self) -> Option<i128> {
        minutes(self.per_week)
    }
}

fn minutes(hours: Option<f64>) -> Option<i128> {
    hours
        .filter(|h| h.is_finite() && *h > 0.0)
        .map(|h| ((h * 60.0).round() as i128).clamp(1, 7 * 24 * 60))
}

/// An estimate of pay per hour and per day, with where it comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayEstimate {
    pub hourly_fen: i64,
    pub daily_fen: i64,
    /// The estimate comes from the stated typical daily earnings, not the rate.
    pub from_typical: bool,
}

impl PayEstimate {
    /// `"约合每小时25元（估算）"`.
    pub fn label(&self) -> String {
        format!("约合每小时{}元（估算）", yuan_text(self.hourly_fen))
    }

    /// `"约合每天200元（估算）"`.
    pub fn daily_label(&self) -> String {
        format!("约合每天{}元（估算）", yuan_text(self.daily_fen))
    }
}

/// Rounds `num / den` to the nearest integer, halves away from zero
/// (`den > 0`).
fn div_round(num: i128, den: i128) -> i64 {
    let q = if num >= 0 {
        (2 * num + den) / (2 * den)
    } else {
        -((-2 * num + den) / (2 * den))
    };
    i64::try_from(q).unwrap_or(if q > 0 { i64::MAX } else { i64::MIN })
}

fn pay_error(code: &'static str, message: impl Into<String>) -> MarketError {
    MarketError::invalid(code, "pay", message)
}

impl Pay {
    /// 面议: no unit, no amount.
    pub fn negotiable() -> Pay {
        Pay {
            basis: None,
            min_fen: None,
            max_fen: None,
            floor: None,
            commission: false,
            typical_daily_fen: None,
        }
    }

    /// An exact time rate.
    pub fn time(unit: TimeUnit, fen: i64) -> Pay {
        Pay {
            basis: Some(PayBasis::Time(unit)),
            min_fen: Some(fen),
            ..Pay::negotiable()
        }
    }

    /// An exact piece rate per `word` (normalised as [`Pay::parse`] does).
    pub fn piece(word: &str, fen: i64) -> Pay {
        Pay {
            basis: Some(PayBasis::Piece(normalise_piece_word(word))),
            min_fen: Some(fen),
            ..Pay::negotiable()
        }
    }

    /// An amount in the simple units of [`PayUnit`] (a piece is `件`).
    pub fn new(fen: i64, unit: PayUnit) -> Pay {
        match unit {
            PayUnit::Hour => Pay::time(TimeUnit::Hour, fen),
            PayUnit::Day => Pay::time(TimeUnit::Day, fen),
            PayUnit::Month => Pay::time(TimeUnit::Month, fen),
            PayUnit::Piece => Pay::piece("件", fen),
        }
    }

    /// Whole yuan, for tests and synthetic data.
    pub fn yuan(yuan: i64, unit: PayUnit) -> Pay {
        Pay::new(yuan * 100, unit)
    }

    /// The same pay up to `max_fen` (a range).
    pub fn up_to(mut self, max_fen: i64) -> Pay {
        self.max_fen = Some(max_fen);
        self
    }

    /// The same pay with a floor (起 / 保底).
    pub fn with_floor(mut self, floor: Floor) -> Pay {
        self.floor = Some(floor);
        self
    }

    /// The same pay as a base plus commission.
    pub fn with_commission(mut self) -> Pay {
        self.commission = true;
        self
    }

    /// The same pay with the employer's typical daily earnings.
    pub fn with_typical_daily(mut self, fen: i64) -> Pay {
        self.typical_daily_fen = Some(fen);
        self
    }

    pub fn time_unit(&self) -> Option<TimeUnit> {
        match &self.basis {
            Some(PayBasis::Time(u)) => Some(*u),
            _ => None,
        }
    }

    pub fn piece_word(&self) -> Option<&str> {
        match &self.basis {
            Some(PayBasis::Piece(w)) => Some(w),
            _ => None,
        }
    }

    pub fn is_piece(&self) -> bool {
        matches!(self.basis, Some(PayBasis::Piece(_)))
    }

    /// A time rate with an amount, not commission: what the minimum wage
    /// rules of time pay apply to as they are.
    pub fn is_plain_time(&self) -> bool {
        self.time_unit().is_some() && self.min_fen.is_some() && !self.commission
    }

    /// The code stored in `job_posts.pay_unit` (`hour`, `half_day`, `day`,
    /// `shift`, `week`, `month`, `days`, `piece`); `None` without a unit.
    pub fn unit_code(&self) -> Option<&'static str> {
        match &self.basis {
            Some(PayBasis::Time(u)) => Some(u.code()),
            Some(PayBasis::Piece(_)) => Some("piece"),
            None => None,
        }
    }

    /// The unit as written after `元/` (`天`, `26天`, `袋`); `None` without a unit.
    pub fn unit_word(&self) -> Option<String> {
        match &self.basis {
            Some(PayBasis::Time(u)) => Some(u.word()),
            Some(PayBasis::Piece(w)) => Some(w.clone()),
            None => None,
        }
    }

    /// Structural checks: amounts in `1..=`[`MAX_PAY_FEN`], a range's ends in
    /// order, a floor only on an amount and not on a range, a valid unit word.
    pub fn validate(&self) -> Result<(), MarketError> {
        let in_range = |f: i64| (1..=MAX_PAY_FEN).contains(&f);
        for f in [self.min_fen, self.max_fen, self.typical_daily_fen]
            .into_iter()
            .flatten()
        {
            if !in_range(f) {
                return Err(pay_error("pay_invalid", "薪资金额须大于零且不超过一百万元"));
            }
        }
        if self.max_fen.is_some() && self.min_fen.is_none_or(|m| Some(m) >= self.max_fen) {
            return Err(pay_error(
                "pay_range_reversed",
                "薪资范围的下限须小于上限，例如“200-260元/天”",
            ));
        }
        if self.floor.is_some() && (self.min_fen.is_none() || self.max_fen.is_some()) {
            return Err(pay_error(
                "pay_floor_invalid",
                "“起”或“保底”只能用在一个金额上，例如“200元/天起”“保底3000元/月”",
            ));
        }
        match &self.basis {
            None if self.min_fen.is_some() => {
                return Err(pay_error(
                    "pay_unit_missing",
                    "有金额的薪资须写明计薪单位，例如“200元/天”",
                ));
            }
            Some(PayBasis::Time(TimeUnit::Days(n))) if !(2..=MAX_DAYS_UNIT).contains(n) => {
                return Err(pay_error(
                    "pay_unit_unknown",
                    format!("按天数计薪的天数须在2到{MAX_DAYS_UNIT}天之间"),
                ));
            }
            Some(PayBasis::Piece(w)) if !valid_piece_word(w) => {
                return Err(pay_error(
                    "pay_unit_unknown",
                    format!(
                        "计件单位“{w}”无法使用：请用不超过{MAX_UNIT_CHARS}个字的量词，例如“单”“袋”“平方米”"
                    ),
                ));
            }
            Some(PayBasis::Piece(_)) if self.commission => {
                return Err(pay_error(
                    "pay_commission_piece",
                    "计件工资不能再加提成，请写成“底薪+提成”或“计件”其中一种",
                ));
            }
            _ => {}
        }
        Ok(())
    }

    /// Estimates per hour and per day (see the module documentation);
    /// `None` when nothing is stated to estimate from.
    pub fn estimate(&self, hours: WorkHours) -> Option<PayEstimate> {
        let day = hours.day_minutes();
        if let (Some(PayBasis::Time(unit)), Some(amount)) = (&self.basis, self.min_fen) {
            // The hours one unit spans, as a fraction num/den of minutes.
            let (num, den): (i128, i128) = match unit {
                TimeUnit::Hour => (60, 1),
                TimeUnit::HalfDay => match day {
                    Some(m) if m > 360 => (m, 2),
                    Some(m) => (m, 1),
                    None => (HALF_DAY_MINUTES, 1),
                },
                TimeUnit::Day | TimeUnit::Shift => (day.unwrap_or(DAY_MINUTES), 1),
                TimeUnit::Week => match hours.week_minutes() {
                    Some(w) => (w, 1),
                    None => (i128::from(DAYS_PER_WEEK) * day.unwrap_or(DAY_MINUTES), 1),
                },
                TimeUnit::Days(n) => (i128::from(*n) * day.unwrap_or(DAY_MINUTES), 1),
                TimeUnit::Month => match hours.week_minutes() {
                    Some(w) => (w * 52, 12),
                    None => (87 * day.unwrap_or(DAY_MINUTES), 4),
                },
            };
            let day_len = day.unwrap_or(if *unit == TimeUnit::HalfDay {
                HALF_DAY_MINUTES
            } else {
                DAY_MINUTES
            });
            let a = i128::from(amount);
            return Some(PayEstimate {
                hourly_fen: div_round(a * 60 * den, num),
                daily_fen: div_round(a * day_len * den, num),
                from_typical: false,
            });
        }
        let typical = self.typical_daily_fen?;
        let day_len = day.unwrap_or(DAY_MINUTES);
        Some(PayEstimate {
            hourly_fen: div_round(i128::from(typical) * 60, day_len),
            daily_fen: typical,
            from_typical: true,
        })
    }

    /// Fen per hour, estimated (see [`Pay::estimate`]).
    pub fn estimated_hourly_fen(&self, hours: WorkHours) -> Option<i64> {
        self.estimate(hours).map(|e| e.hourly_fen)
    }

    /// Fen per working day, estimated (see [`Pay::estimate`]).
    pub fn estimated_daily_fen(&self, hours: WorkHours) -> Option<i64> {
        self.estimate(hours).map(|e| e.daily_fen)
    }

    /// The estimate as shown beside the pay: per day for an hourly rate, per
    /// hour otherwise (`"约合每小时25元（估算）"`); `None` without one.
    pub fn estimate_label(&self, hours: WorkHours) -> Option<String> {
        let e = self.estimate(hours)?;
        Some(
            if self.time_unit() == Some(TimeUnit::Hour) && !e.from_typical {
                e.daily_label()
            } else {
                e.label()
            },
        )
    }

    /// Whether this pay meets a worker's expectation: time against time
    /// through the hourly estimate, a piece rate with an amount against a
    /// piece expectation. `None` when they cannot be compared (no estimate,
    /// or piece against time).
    pub fn meets(&self, expected: &ExpectedPay, hours: WorkHours) -> Option<bool> {
        Some(self.offer_against(expected, hours)? >= expected_amount(expected)?)
    }

    /// What this pay offers in the terms of `expected` (fen per hour, or
    /// per piece); `None` when not comparable.
    pub fn offer_against(&self, expected: &ExpectedPay, hours: WorkHours) -> Option<i64> {
        match expected.unit {
            PayUnit::Piece if self.is_piece() => self.min_fen,
            PayUnit::Piece => None,
            _ => self.estimated_hourly_fen(hours),
        }
    }

    /// How people say it: `"日薪200元"`, `"日薪200–260元"`,
    /// `"底薪3000元/月＋提成"`, `"计件2元/袋"`, `"按单结算（金额面议）"`, `"面议"`,
    /// `"计件2元/袋，日均约200元"`. Parses back to the same value.
    pub fn label(&self) -> String {
        let mut out = self.rate_label();
        if let Some(t) = self.typical_daily_fen {
            out.push_str(&format!("，日均约{}元", yuan_text(t)));
        }
        out
    }

    /// The label without the typical daily earnings.
    pub fn rate_label(&self) -> String {
        let amount = self.min_fen.map(|min| match self.max_fen {
            Some(max) => format!("{}–{}", yuan_text(min), yuan_text(max)),
            None => yuan_text(min),
        });
        let Some(amount) = amount else {
            return match (&self.basis, self.commission) {
                (None, false) => "面议".into(),
                (None, true) => "纯提成".into(),
                (Some(PayBasis::Time(TimeUnit::Month)), true) => "底薪＋提成（金额面议）".into(),
                (Some(PayBasis::Time(u)), true) => {
                    format!("按{}计薪＋提成（金额面议）", u.word())
                }
                (Some(PayBasis::Time(u)), false) => format!("按{}计薪（金额面议）", u.word()),
                (Some(PayBasis::Piece(w)), _) if w == "单" => "按单结算（金额面议）".into(),
                (Some(PayBasis::Piece(w)), _) if w == "件" => "计件（金额面议）".into(),
                (Some(PayBasis::Piece(w)), _) => format!("按{w}计价（金额面议）"),
            };
        };
        let word = self.unit_word().unwrap_or_default();
        let from = if self.floor == Some(Floor::From) {
            "起"
        } else {
            ""
        };
        let plus = if self.commission { "＋提成" } else { "" };
        match (&self.basis, self.floor, self.commission) {
            (_, Some(Floor::Guaranteed), _) => format!("保底{amount}元/{word}{plus}"),
            (_, _, true) => format!("底薪{amount}元/{word}{from}{plus}"),
            (Some(PayBasis::Time(u)), _, false) => format!("{}{amount}元{from}", u.prefix()),
            (Some(PayBasis::Piece(w)), _, false) => format!("计件{amount}元/{w}{from}"),
            (None, _, _) => format!("{amount}元"),
        }
    }
}

fn expected_amount(e: &ExpectedPay) -> Option<i64> {
    match e.unit {
        PayUnit::Piece => Some(e.amount_fen),
        _ => e.per_hour_fen(),
    }
}

impl fmt::Display for Pay {
    /// The label (see [`Pay::label`]); [`Pay::parse`] reads it back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

impl std::str::FromStr for Pay {
    type Err = MarketError;

    fn from_str(s: &str) -> Result<Pay, MarketError> {
        Pay::parse(s)
    }
}

/// `20000` → `"200"`, `2550` → `"25.5"`, `2505` → `"25.05"`.
pub(crate) fn yuan_text(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let f = fen.unsigned_abs();
    let (y, c) = (f / 100, f % 100);
    if c == 0 {
        format!("{sign}{y}")
    } else if c % 10 == 0 {
        format!("{sign}{y}.{}", c / 10)
    } else {
        format!("{sign}{y}.{c:02}")
    }
}

// ---------------------------------------------------------------------------
// Storage form

/// The JSON a pay is stored as (`job_posts.pay`): flat and explicit, so
/// that SQL and people can read it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct PayRecord {
    /// `time`, `piece` or `none`.
    basis: String,
    /// Time: the unit code; piece: the unit word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unit: Option<String>,
    /// For `days`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    days: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    min_fen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    max_fen: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    floor: Option<Floor>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    commission: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    typical_daily_fen: Option<i64>,
}

impl From<Pay> for PayRecord {
    fn from(p: Pay) -> PayRecord {
        let (basis, unit, days) = match &p.basis {
            None => ("none", None, None),
            Some(PayBasis::Time(u)) => (
                "time",
                Some(u.code().to_string()),
                match u {
                    TimeUnit::Days(n) => Some(*n),
                    _ => None,
                },
            ),
            Some(PayBasis::Piece(w)) => ("piece", Some(w.clone()), None),
        };
        PayRecord {
            basis: basis.into(),
            unit,
            days,
            min_fen: p.min_fen,
            max_fen: p.max_fen,
            floor: p.floor,
            commission: p.commission,
            typical_daily_fen: p.typical_daily_fen,
        }
    }
}

impl TryFrom<PayRecord> for Pay {
    type Error = String;

    fn try_from(r: PayRecord) -> Result<Pay, String> {
        let basis = match r.basis.as_str() {
            "none" => None,
            "time" => Some(PayBasis::Time(
                match (r.unit.as_deref().unwrap_or(""), r.days) {
                    ("hour", _) => TimeUnit::Hour,
                    ("half_day", _) => TimeUnit::HalfDay,
                    ("day", _) => TimeUnit::Day,
                    ("shift", _) => TimeUnit::Shift,
                    ("week", _) => TimeUnit::Week,
                    ("month", _) => TimeUnit::Month,
                    ("days", Some(n)) => TimeUnit::Days(n),
                    (other, _) => return Err(format!("unknown time unit {other:?}")),
                },
            )),
            "piece" => Some(PayBasis::Piece(
                r.unit
                    .ok_or_else(|| "a piece rate needs its unit".to_string())?,
            )),
            other => return Err(format!("unknown pay basis {other:?}")),
        };
        let pay = Pay {
            basis,
            min_fen: r.min_fen,
            max_fen: r.max_fen,
            floor: r.floor,
            commission: r.commission,
            typical_daily_fen: r.typical_daily_fen,
        };
        pay.validate().map_err(|e| e.to_string())?;
        Ok(pay)
    }
}

// ---------------------------------------------------------------------------
// Unit words

/// A unit word read from a pay text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Unit {
    Time(TimeUnit),
    Piece(String),
    Year,
    Minute,
}

/// Time unit words, as written after `元/` (also 每/一 before an amount).
const TIME_WORDS: &[(&str, TimeUnit)] = &[
    ("小时", TimeUnit::Hour),
    ("个小时", TimeUnit::Hour),
    ("时", TimeUnit::Hour),
    ("钟", TimeUnit::Hour),
    ("钟头", TimeUnit::Hour),
    ("个钟", TimeUnit::Hour),
    ("个钟头", TimeUnit::Hour),
    ("h", TimeUnit::Hour),
    ("hr", TimeUnit::Hour),
    ("hrs", TimeUnit::Hour),
    ("hour", TimeUnit::Hour),
    ("hours", TimeUnit::Hour),
    ("半天", TimeUnit::HalfDay),
    ("半日", TimeUnit::HalfDay),
    ("半个工", TimeUnit::HalfDay),
    ("半工", TimeUnit::HalfDay),
    ("天", TimeUnit::Day),
    ("日", TimeUnit::Day),
    ("工", TimeUnit::Day),
    ("个工", TimeUnit::Day),
    ("工日", TimeUnit::Day),
    ("个工日", TimeUnit::Day),
    ("工作日", TimeUnit::Day),
    ("d", TimeUnit::Day),
    ("day", TimeUnit::Day),
    ("days", TimeUnit::Day),
    ("晚", TimeUnit::Shift),
    ("夜", TimeUnit::Shift),
    ("班", TimeUnit::Shift),
    ("个班", TimeUnit::Shift),
    ("夜班", TimeUnit::Shift),
    ("晚班", TimeUnit::Shift),
    ("晚上", TimeUnit::Shift),
    ("个晚上", TimeUnit::Shift),
    ("宿", TimeUnit::Shift),
    ("通宵", TimeUnit::Shift),
    ("周", TimeUnit::Week),
    ("星期", TimeUnit::Week),
    ("个星期", TimeUnit::Week),
    ("礼拜", TimeUnit::Week),
    ("个礼拜", TimeUnit::Week),
    ("week", TimeUnit::Week),
    ("wk", TimeUnit::Week),
    ("月", TimeUnit::Month),
    ("个月", TimeUnit::Month),
    ("month", TimeUnit::Month),
    ("mon", TimeUnit::Month),
];

const YEAR_WORDS: &[&str] = &["年", "个年", "年度", "year", "yr"];
const MINUTE_WORDS: &[&str] = &["分钟", "分", "min", "mins"];

/// Piece unit words people write and the word kept for each (the
/// normalisation). Any other word of at most [`MAX_UNIT_CHARS`] Chinese
/// characters is taken as written; add a line here to normalise a spelling.
const PIECE_WORDS: &[(&str, &str)] = &[
    ("单", "单"),
    ("订单", "单"),
    ("件", "件"),
    ("个", "个"),
    ("次", "次"),
    ("趟", "趟"),
    ("份", "份"),
    ("箱", "箱"),
    ("斤", "斤"),
    ("公斤", "公斤"),
    ("千克", "公斤"),
    ("kg", "公斤"),
    ("吨", "吨"),
    ("袋", "袋"),
    ("包", "包"),
    ("桶", "桶"),
    ("车", "车"),
    ("米", "米"),
    ("m", "米"),
    ("延米", "延米"),
    ("公里", "公里"),
    ("km", "公里"),
    ("平方米", "平方米"),
    ("平方", "平方米"),
    ("平米", "平方米"),
    ("平", "平方米"),
    ("㎡", "平方米"),
    ("m²", "平方米"),
    ("m2", "平方米"),
    ("立方米", "立方米"),
    ("立方", "立方米"),
    ("方", "立方米"),
    ("m³", "立方米"),
    ("m3", "立方米"),
    ("台", "台"),
    ("樘", "樘"),
    ("柜", "柜"),
    ("场", "场"),
    ("亩", "亩"),
    ("株", "株"),
    ("棵", "棵"),
    ("只", "只"),
    ("头", "头"),
    ("套", "套"),
    ("张", "张"),
    ("本", "本"),
    ("页", "页"),
    ("条", "条"),
    ("盒", "盒"),
    ("瓶", "瓶"),
    ("把", "把"),
    ("双", "双"),
    ("块", "块"),
    ("户", "户"),
    ("家", "家"),
    ("间", "间"),
    ("人", "人"),
    ("位", "位"),
    ("节", "节"),
    ("课时", "课时"),
    ("堂", "堂"),
    ("局", "局"),
    ("首", "首"),
    ("幅", "幅"),
    ("根", "根"),
    ("捆", "捆"),
    ("筐", "筐"),
    ("篮", "篮"),
    ("担", "担"),
    ("批", "批"),
    ("层", "层"),
    ("辆", "辆"),
    ("部", "部"),
    ("组", "组"),
    ("副", "副"),
    ("对", "对"),
    ("轮", "轮"),
    ("道", "道"),
    ("粒", "粒"),
    ("颗", "颗"),
    ("单元", "单元"),
    ("千字", "千字"),
    ("字", "字"),
    ("窗", "窗"),
    ("扇", "扇"),
    ("樽", "樽"),
    ("坛", "坛"),
    ("盆", "盆"),
    ("口", "口"),
    ("座", "座"),
    ("栋", "栋"),
];

/// Verbs after 按X (按单结算, 按斤计价, 按天计薪 …), longest first.
const SETTLE_VERBS: &[&str] = &[
    "计工资",
    "结算",
    "计价",
    "计费",
    "计酬",
    "计算",
    "计薪",
    "付费",
    "支付",
    "发放",
    "收费",
    "算钱",
    "给钱",
    "计",
    "算",
    "结",
    "付",
    "给",
];

fn is_unit_char(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
        || c.is_ascii_alphabetic()
        || matches!(c, '²' | '³' | '㎡')
}

/// The normalised piece word for `word` (known spellings), else `word`.
fn normalise_piece_word(word: &str) -> String {
    let w = word.trim().to_lowercase();
    PIECE_WORDS
        .iter()
        .find(|(k, _)| *k == w)
        .map_or(w.clone(), |(_, v)| (*v).to_string())
}

/// A piece word that reads back as itself: 1–3 Chinese characters, not a
/// time word.
fn valid_piece_word(w: &str) -> bool {
    let n = w.chars().count();
    let reserved = [
        "元", "提成", "分成", "抽成", "日均", "面议", "底薪", "保底", "起", "以上",
    ];
    (1..=MAX_UNIT_CHARS).contains(&n)
        && w.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
        && !reserved.iter().any(|r| w.contains(r))
        && match classify_unit(w) {
            None => true,
            Some((Unit::Piece(v), k)) => k == n && v == w,
            Some(_) => false,
        }
}

/// The unit at the start of `t`: the longest known word (time, year,
/// minute, piece), with how many characters it took. Unknown words are
/// left to the caller.
fn classify_unit(t: &str) -> Option<(Unit, usize)> {
    let mut best: Option<(Unit, usize)> = None;
    let mut consider = |word: &str, unit: Unit| {
        if t.starts_with(word) {
            let n = word.chars().count();
            if best.as_ref().is_none_or(|(_, m)| n > *m) {
                best = Some((unit, n));
            }
        }
    };
    for (w, u) in TIME_WORDS {
        consider(w, Unit::Time(*u));
    }
    for w in YEAR_WORDS {
        consider(w, Unit::Year);
    }
    for w in MINUTE_WORDS {
        consider(w, Unit::Minute);
    }
    for (w, v) in PIECE_WORDS {
        consider(w, Unit::Piece((*v).to_string()));
    }
    // ASCII words must end at a word boundary ("h" is not "hanger").
    if let Some((_, n)) = &best {
        let rest: String = t.chars().skip(*n).collect();
        let prev_ascii = t
            .chars()
            .nth(n - 1)
            .is_some_and(|c| c.is_ascii_alphabetic());
        if prev_ascii && rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return None;
        }
    }
    best
}

// ---------------------------------------------------------------------------
// The parser

/// Numbers written in Chinese before 百/千/万/毛.
fn chinese_digit(c: char) -> Option<i128> {
    Some(match c {
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        '十' => 10,
        _ => return None,
    })
}

/// An amount read from the text: fen, and whether it carried its own
/// multiplier (k, 千, 万), so `5-8k` can share one.
#[derive(Debug, Clone, Copy)]
struct Amount {
    /// Value before the multiplier, as `digits / 10^scale` yuan.
    digits: i128,
    scale: u32,
    /// ×1000, ×10000, or fen (毛/角 = 10 fen).
    multiplier: Option<i128>,
    jiao: bool,
}

impl Amount {
    fn fen(&self, shared_multiplier: Option<i128>) -> Result<i64, MarketError> {
        let mult = self.multiplier.or(shared_multiplier).unwrap_or(1);
        let per_unit: i128 = if self.jiao { 10 } else { 100 };
        let num = self.digits * per_unit * mult;
        let den = 10i128.pow(self.scale);
        if num % den != 0 {
            return Err(pay_error(
                "pay_amount_invalid",
                "金额最多精确到分（两位小数），例如“25.5元/小时”",
            ));
        }
        let fen = num / den;
        if fen > i128::from(MAX_PAY_FEN) {
            return Err(pay_error(
                "pay_too_large",
                "薪资金额过大，请检查是否多写了位数",
            ));
        }
        Ok(fen as i64)
    }
}

struct Cursor {
    t: Vec<char>,
    i: usize,
}

impl Cursor {
    fn peek(&self) -> Option<char> {
        self.t.get(self.i).copied()
    }

    fn at(&self, s: &str) -> bool {
        (self.i..)
            .zip(s.chars())
            .all(|(k, c)| self.t.get(k) == Some(&c))
    }

    fn eat(&mut self, s: &str) -> bool {
        if self.at(s) {
            self.i += s.chars().count();
            true
        } else {
            false
        }
    }

    /// Eats the longest of `words` found here.
    fn eat_any<'w>(&mut self, words: &[&'w str]) -> Option<&'w str> {
        let best = words
            .iter()
            .filter(|w| self.at(w))
            .max_by_key(|w| w.chars().count())
            .copied()?;
        self.i += best.chars().count();
        Some(best)
    }

    fn skip_spaces(&mut self) {
        while self.peek() == Some(' ') {
            self.i += 1;
        }
    }

    fn done(&self) -> bool {
        self.i >= self.t.len()
    }

    /// An amount: `200`, `25.5`, `1,200`, `5k`, `5千`, `1.2万`, `5毛`, `两千`, `五毛`.
    fn amount(&mut self) -> Result<Option<Amount>, MarketError> {
        let start = self.i;
        let mut digits: i128 = 0;
        let mut scale = 0u32;
        let mut seen = 0usize;
        let mut dot = false;
        let mut frac = 0usize;
        while let Some(c) = self.peek() {
            if let Some(d) = c.to_digit(10).filter(|_| c.is_ascii_digit()) {
                if seen >= 12 {
                    return Err(pay_error(
                        "pay_too_large",
                        "薪资金额过大，请检查是否多写了位数",
                    ));
                }
                digits = digits * 10 + i128::from(d);
                seen += 1;
                if dot {
                    frac += 1;
                    scale += 1;
                }
                self.i += 1;
            } else if c == '.'
                && !dot
                && seen > 0
                && self.t.get(self.i + 1).is_some_and(char::is_ascii_digit)
            {
                dot = true;
                self.i += 1;
            } else if c == ','
                && seen > 0
                && !dot
                && self.t[self.i + 1..]
                    .iter()
                    .take(3)
                    .filter(|c| c.is_ascii_digit())
                    .count()
                    == 3
                && !self.t.get(self.i + 4).is_some_and(char::is_ascii_digit)
            {
                self.i += 1;
            } else {
                break;
            }
        }
        if seen == 0 {
            // Chinese: 两千, 五毛, 三万.
            if let Some(d) = self.peek().and_then(chinese_digit)
                && let Some(m) = self.t.get(self.i + 1)
                && matches!(m, '百' | '千' | '万' | '毛' | '角')
            {
                self.i += 1;
                digits = d;
            } else {
                self.i = start;
                return Ok(None);
            }
        }
        if dot && frac > 2 && !matches!(self.peek(), Some('k' | 'w' | '千' | '万')) {
            return Err(pay_error(
                "pay_amount_invalid",
                format!(
                    "金额“{}”不正确：最多两位小数",
                    self.t[start..self.i].iter().collect::<String>()
                ),
            ));
        }
        let mut amount = Amount {
            digits,
            scale,
            multiplier: None,
            jiao: false,
        };
        match self.peek() {
            Some('k' | '千') => {
                amount.multiplier = Some(1000);
                self.i += 1;
            }
            Some('w' | '万') => {
                amount.multiplier = Some(10_000);
                self.i += 1;
            }
            Some('百') => {
                amount.multiplier = Some(100);
                self.i += 1;
            }
            Some('毛' | '角') => {
                amount.jiao = true;
                self.i += 1;
            }
            _ => {}
        }
        Ok(Some(amount))
    }

    /// A unit word here: `天`, `小时`, `26天`, `袋`, `平方米`, or any short
    /// word (taken as a piece unit). `stop_at_verbs` ends a word before
    /// 结算/计价 … (after 按).
    fn unit(&mut self, stop_at_verbs: bool) -> Result<Option<Unit>, MarketError> {
        let start = self.i;
        // N days: 26天, 26个工作日.
        if self.peek().is_some_and(|c| c.is_ascii_digit()) {
            let mut n: u32 = 0;
            while let Some(d) = self.peek().filter(char::is_ascii_digit) {
                n = n
                    .saturating_mul(10)
                    .saturating_add(d.to_digit(10).unwrap_or(0));
                self.i += 1;
            }
            if self
                .eat_any(&["天", "日", "个工作日", "工作日", "个工", "工"])
                .is_some()
            {
                return match n {
                    1 => Ok(Some(Unit::Time(TimeUnit::Day))),
                    n if (2..=u32::from(MAX_DAYS_UNIT)).contains(&n) => {
                        Ok(Some(Unit::Time(TimeUnit::Days(n as u16))))
                    }
                    _ => Err(pay_error(
                        "pay_unit_unknown",
                        format!("按天数计薪的天数须在2到{MAX_DAYS_UNIT}天之间，例如“8800元/26天”"),
                    )),
                };
            }
            if self.at("个月") || self.at("月") {
                return Err(pay_error(
                    "pay_unit_unknown",
                    "按几个月计薪请换算为每月金额，例如“3000元/月”",
                ));
            }
            self.i = start;
            return Ok(None);
        }
        let run: String = self.t[self.i..]
            .iter()
            .take_while(|c| is_unit_char(**c))
            .collect();
        if run.is_empty() {
            return Ok(None);
        }
        let mut word = run.clone();
        if stop_at_verbs {
            // The first verb ends the word: 按斤计价 → 斤.
            let chars: Vec<char> = run.chars().collect();
            for k in 1..chars.len() {
                let tail: String = chars[k..].iter().collect();
                if SETTLE_VERBS.iter().any(|v| tail.starts_with(v)) {
                    word = chars[..k].iter().collect();
                    break;
                }
            }
        }
        // A word taken as written ends before 起/以上/左右 (元/瓮起).
        if classify_unit(&word).is_none() {
            let chars: Vec<char> = word.chars().collect();
            for k in 1..chars.len() {
                let tail: String = chars[k..].iter().collect();
                if ["起", "以上", "左右", "多", "上下", "往上"]
                    .iter()
                    .any(|m| tail.starts_with(m))
                {
                    word = chars[..k].iter().collect();
                    break;
                }
            }
        }
        let known = classify_unit(&word);
        let (unit, taken) = match known {
            Some((u, n)) if n == word.chars().count() => (u, n),
            // A known word followed by something else: 天管午饭, 单起.
            Some((u, n)) => (u, n),
            None => {
                let n = word.chars().count();
                let chinese = word.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
                if !chinese || n > MAX_UNIT_CHARS {
                    return Err(pay_error(
                        "pay_unit_unknown",
                        format!(
                            "计薪单位“{word}”无法识别，请写成“元/小时”“元/天”“元/月”，或计件的“元/单”“元/件”“元/袋”等（单位不超过{MAX_UNIT_CHARS}个字）"
                        ),
                    ));
                }
                (Unit::Piece(word.clone()), n)
            }
        };
        self.i += taken;
        match unit {
            Unit::Year => Err(pay_error(
                "pay_unit_year",
                "暂不支持按年计薪，请换算为按月（元/月）填写",
            )),
            Unit::Minute => Err(pay_error(
                "pay_unit_minute",
                "暂不支持按分钟计薪，请换算为按小时（元/小时）填写",
            )),
            // 200元/人/天: the person is who is paid, the day is the unit.
            Unit::Piece(w) if (w == "人" || w == "位") && (self.at("/") || self.at("每")) => {
                let back = self.i;
                self.i += 1;
                match self.unit(false) {
                    Ok(Some(Unit::Time(t))) => Ok(Some(Unit::Time(t))),
                    _ => {
                        self.i = back;
                        Ok(Some(Unit::Piece(w)))
                    }
                }
            }
            u => Ok(Some(u)),
        }
    }
}

/// Width folded, lower-cased, dashes and waves unified, whitespace runs as
/// one space.
fn normalise(input: &str) -> Vec<char> {
    let mut out: Vec<char> = Vec::with_capacity(input.len());
    for c in input.chars() {
        let c = match fold_width(c) {
            '￥' => '¥',
            '–' | '—' | '―' | '〜' | '−' => '-',
            '~' => '-',
            '＋' => '+',
            c if c.is_whitespace() => ' ',
            c => c,
        };
        for l in c.to_lowercase() {
            if l == ' ' && out.last().is_none_or(|p| *p == ' ') {
                continue;
            }
            out.push(l);
        }
    }
    while out.last() == Some(&' ') {
        out.pop();
    }
    out
}

/// Phrases that state typical daily earnings, longest first where one
/// contains another.
const TYPICAL_TRIGGERS: &[&str] = &[
    "日均收入",
    "日均工资",
    "日均",
    "日收入",
    "日入",
    "一天能挣",
    "一天能赚",
    "一天可挣",
    "一天可赚",
    "一天挣",
    "一天赚",
    "每天能挣",
    "每天能赚",
    "每天可挣",
    "每天可赚",
    "每天挣",
    "每天赚",
    "平均每天",
    "平均一天",
    "天均",
];

/// Finds "日均200元" (and the like), removes it from `t`, and returns the
/// typical daily earnings in fen.
fn take_typical(t: &mut Vec<char>) -> Result<Option<i64>, MarketError> {
    for start in 0..t.len() {
        let mut c = Cursor {
            t: t.clone(),
            i: start,
        };
        if c.eat_any(TYPICAL_TRIGGERS).is_none() {
            continue;
        }
        while c
            .eat_any(&[
                "约", "大约", "大概", "能", "可", "在", "为", "有", ":", " ", "收入",
            ])
            .is_some()
        {}
        let Some(low) = c.amount()? else {
            continue;
        };
        let mut shared = low.multiplier;
        c.eat_any(&["元", "块钱", "块"]);
        // A range of typical earnings keeps its lower end.
        if c.eat_any(&["-", "至", "到"]).is_some()
            && let Some(h) = c.amount()?
        {
            shared = shared.or(h.multiplier);
            c.eat_any(&["元", "块钱", "块"]);
        }
        c.eat_any(&["左右", "以上", "+", "多", "起"]);
        let fen = low.fen(shared)?;
        if fen <= 0 {
            return Err(pay_error("pay_not_positive", "日均收入必须大于零"));
        }
        t.drain(start..c.i);
        return Ok(Some(fen));
    }
    Ok(None)
}

/// Removes 提成 (and the `+`/加 before it) from `t`; whether it was there.
fn take_commission(t: &mut Vec<char>) -> bool {
    let mut found = false;
    for word in ["提成另计", "提成另算", "提成", "分成", "抽成"] {
        let w: Vec<char> = word.chars().collect();
        while let Some(pos) = (0..t.len()).find(|&k| t[k..].starts_with(&w)) {
            let mut from = pos;
            while from > 0 && matches!(t[from - 1], '+' | '加' | '和' | '及' | '与' | '带' | ' ')
            {
                from -= 1;
            }
            t.drain(from..pos + w.len());
            found = true;
        }
    }
    found
}

/// Words before the amount that say nothing about its unit.
const NOISE: &[&str] = &[
    "人民币",
    "薪资",
    "工资",
    "薪酬",
    "待遇",
    "报酬",
    "薪水",
    "税前",
    "税后",
    "实发",
    "到手",
    "约",
    "大约",
    "大概",
    "为",
    "是",
    "纯",
    "计时",
    "¥",
    "rmb",
    "现金",
    "综合收入",
    "综合工资",
    "综合薪资",
    "收入",
];
/// Of those, the ones after which an amount without a unit is a month's (`保底3000`).
const MONTH_CONTEXT: &[&str] = &[
    "工资",
    "薪资",
    "薪酬",
    "待遇",
    "薪水",
    "到手",
    "税前",
    "税后",
    "实发",
    "综合收入",
    "综合工资",
    "综合薪资",
    "收入",
    "底薪",
    "保底",
];
const NEGOTIABLE: &[&str] = &["面议", "面谈", "议价", "协商", "商议", "待议"];
const CLAUSE_BREAKS: &[char] = &[',', '，', ';', '；', '、', '。', '!', '！'];

/// Words naming a role in the trades, whose bare amounts are by the day.
const DAY_ROLES: &[&str] = &["大工", "小工", "技工", "普工", "师傅", "力工", "壮工"];

/// One clause of a pay text, perhaps with a word before the amount that is
/// not pay (夫妻, 水泥, 大工): the clause as it is, else without that word,
/// else — for a trade role and a bare amount of 80 to 1,000 yuan — by the day.
fn read_labelled_clause(clause: &str) -> Option<Pay> {
    if let Ok(p) = Pay::parse_strict(clause) {
        return Some(p);
    }
    let chars: Vec<char> = clause.chars().collect();
    let label_len = chars
        .iter()
        .take_while(|c| ('\u{4e00}'..='\u{9fff}').contains(*c))
        .count();
    if label_len == 0 || label_len > 3 || label_len == chars.len() {
        return None;
    }
    let label: String = chars[..label_len].iter().collect();
    // Not a word of the pay itself (日薪, 底薪, 按, 每 …).
    if label
        .chars()
        .any(|c| "薪资结计按每提保底月日时".contains(c))
    {
        return None;
    }
    let rest: String = chars[label_len..].iter().collect();
    if let Ok(p) = Pay::parse_strict(&rest) {
        return Some(p);
    }
    let digits: String = rest.trim_end_matches('元').to_string();
    if DAY_ROLES.contains(&label.as_str())
        && let Ok(yuan) = digits.parse::<i64>()
        && (80..=1000).contains(&yuan)
    {
        return Some(Pay::time(TimeUnit::Day, yuan * 100));
    }
    None
}

/// "3分钱/个", "5分/袋": an amount in fen and a piece word.
fn fen_amount(t: &str) -> Option<Pay> {
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    let rest = &t[digits.len()..];
    let rest = rest
        .strip_prefix("分钱")
        .or_else(|| rest.strip_prefix('分'))?;
    let fen: i64 = digits.parse().ok().filter(|f| (1..100).contains(f))?;
    let word = rest.trim_start_matches(['/', '每', '一']);
    let word = normalise_piece_word(word);
    valid_piece_word(&word).then(|| Pay::piece(&word, fen))
}

/// A unit named before the amount: strong (日薪) or weak (日结 says when it
/// is paid, so a unit after the amount wins).
#[derive(Debug, Clone)]
struct Prefix {
    unit: Unit,
    weak: bool,
}

impl Pay {
    /// Reads pay as employers write it (see the module documentation and
    /// the table test): `"200元/天"`, `"日结200"`, `"150-180元/天"`,
    /// `"25元/h"`, `"月薪5千"`, `"3000元/月+提成"`, `"保底3000"`,
    /// `"每单4-7元"`, `"5毛一件"`, `"45元/平方米"`, `"8800元/26天"`,
    /// `"面议"`, `"按单结算"`, `"计件，日均200元"`. Notes after the pay
    /// (`管午饭`, `（日结）`) are ignored. What really cannot be read gets a
    /// coded Chinese error that says how to write it.
    ///
    /// When the whole does not read, the usual extras are tried, in turn: a
    /// word before the amount that names who or what it is for (`夫妻8000元/月`,
    /// `水泥2毛一袋`), amounts in 分 (`3分钱/个`), a commission share
    /// (`提成60%`), and pay for two roles (`大工380 小工200`: the range of
    /// the two, by the day in the trades' custom when no unit is written).
    pub fn parse(input: &str) -> Result<Pay, MarketError> {
        let strict = Pay::parse_strict(input);
        match &strict {
            // Only an amount or unit not found is worth another look; a
            // conflict (日薪25元/小时) or a bad number stays an error.
            Err(e) if matches!(e.code(), "pay_amount_missing" | "pay_unit_missing") => {
                Pay::parse_lenient(input).ok_or_else(|| strict.unwrap_err())
            }
            _ => strict,
        }
    }

    fn parse_lenient(input: &str) -> Option<Pay> {
        let t: String = normalise(input).into_iter().collect();
        // 分 as money: "3分钱/个" is 0.03 yuan a piece.
        if let Some(fen) = fen_amount(&t) {
            return Some(fen);
        }
        // A commission share: "提成60%", "纯提成" — commission, no amount.
        if t.contains("提成") && t.contains('%') {
            let without: String = t
                .split(['，', ',', ' '])
                .filter(|part| !part.contains('%'))
                .collect::<Vec<_>>()
                .join("，");
            let base = if without.trim().is_empty() {
                "提成".to_string()
            } else {
                without
            };
            if let Ok(p) = Pay::parse_strict(&base) {
                return Some(p);
            }
        }
        // Clauses, each possibly with a word before the amount.
        let clauses: Vec<&str> = t
            .split([' ', '，', ',', '；', ';', '、'])
            .filter(|c| !c.is_empty())
            .collect();
        let mut read: Vec<Pay> = Vec::new();
        for clause in &clauses {
            if let Some(p) = read_labelled_clause(clause) {
                read.push(p);
            }
        }
        let first = read.first()?.clone();
        // Two roles paid alike (大工/小工): the range of the two.
        let same: Vec<&Pay> = read
            .iter()
            .filter(|p| p.basis == first.basis && p.min_fen.is_some())
            .collect();
        if same.len() > 1 {
            let lo = same.iter().filter_map(|p| p.min_fen).min()?;
            let hi = same.iter().filter_map(|p| p.max_fen.or(p.min_fen)).max()?;
            let mut p = first;
            p.min_fen = Some(lo);
            p.max_fen = (hi > lo).then_some(hi);
            return p.validate().ok().map(|()| p);
        }
        Some(first)
    }

    fn parse_strict(input: &str) -> Result<Pay, MarketError> {
        let mut t = normalise(input);
        if t.len() > MAX_PAY_TEXT_CHARS {
            return Err(pay_error(
                "pay_too_long",
                format!("薪资一栏最多{MAX_PAY_TEXT_CHARS}个字，请只写薪资，其他说明写在岗位描述中"),
            ));
        }
        if t.is_empty() {
            return Err(pay_error(
                "pay_empty",
                "请填写薪资，例如“200元/天”“25元/小时”“3000元/月”“2元/袋”或“面议”",
            ));
        }
        let typical = take_typical(&mut t)?;
        let mut commission = take_commission(&mut t);
        let mut c = Cursor { t, i: 0 };

        let mut prefix: Option<Prefix> = None;
        let mut floor: Option<Floor> = None;
        // A base with commission is a month's unless it says otherwise (3000+提成).
        let mut month_context = commission;
        // 底薪 names the base of a month's pay.
        let mut base_named = false;
        let mut negotiable = false;
        let mut fixed_amount: Option<i64> = None;
        let set_prefix = |prefix: &mut Option<Prefix>, p: Prefix| -> Result<(), MarketError> {
            match prefix {
                Some(old) if !old.weak && !p.weak && !same_unit(&old.unit, &p.unit) => {
                    Err(conflict(input))
                }
                Some(old) if !old.weak && p.weak => Ok(()),
                Some(old) => {
                    // 计件 names no word; a later word is more precise.
                    if !(matches!(&p.unit, Unit::Piece(w) if w == "件")
                        && matches!(&old.unit, Unit::Piece(_)))
                    {
                        *old = p;
                    }
                    Ok(())
                }
                None => {
                    *prefix = Some(p);
                    Ok(())
                }
            }
        };
        // Words before the amount.
        loop {
            c.skip_spaces();
            while c
                .peek()
                .is_some_and(|ch| CLAUSE_BREAKS.contains(&ch) || ch == ':')
            {
                c.i += 1;
                c.skip_spaces();
            }
            if c.done() {
                break;
            }
            if c.eat("底薪") {
                commission = true;
                month_context = true;
                base_named = true;
                continue;
            }
            if c.eat("保底") {
                floor = Some(Floor::Guaranteed);
                month_context = true;
                continue;
            }
            if c.eat_any(&["不低于", "不少于", "最低", "至少"]).is_some() {
                floor = Some(Floor::From);
                continue;
            }
            if c.eat("过万") {
                floor = Some(Floor::From);
                fixed_amount = Some(1_000_000);
                break;
            }
            if c.eat("过千") {
                floor = Some(Floor::From);
                fixed_amount = Some(100_000);
                break;
            }
            if c.eat_any(NEGOTIABLE).is_some() {
                negotiable = true;
                continue;
            }
            if let Some(w) = c.eat_any(NOISE) {
                month_context |= MONTH_CONTEXT.contains(&w);
                continue;
            }
            if let Some((unit, weak)) = named_unit(&mut c) {
                month_context |= unit == Unit::Time(TimeUnit::Month);
                set_prefix(&mut prefix, Prefix { unit, weak })?;
                continue;
            }
            if c.eat("按") {
                let Some(unit) = c.unit(true)? else {
                    return Err(unreadable(input));
                };
                c.eat_any(SETTLE_VERBS);
                set_prefix(&mut prefix, Prefix { unit, weak: false })?;
                continue;
            }
            if c.eat_any(&["每", "一"]).is_some() {
                let back = c.i - 1;
                match c.unit(false) {
                    Ok(Some(unit)) if !matches!(unit, Unit::Piece(ref w) if !is_known_piece(w)) => {
                        set_prefix(&mut prefix, Prefix { unit, weak: false })?;
                        continue;
                    }
                    Err(e) if matches!(e.code(), "pay_unit_year" | "pay_unit_minute") => {
                        return Err(e);
                    }
                    _ => {
                        c.i = back;
                        break;
                    }
                }
            }
            // Text before the pay (包吃住，200元/天): skip the clause.
            let starts_amount = c.peek().is_some_and(|ch| ch.is_ascii_digit())
                || c.t
                    .get(c.i + 1)
                    .is_some_and(|m| matches!(m, '百' | '千' | '万' | '毛' | '角'))
                    && c.peek().and_then(chinese_digit).is_some();
            if !starts_amount
                && let Some(k) = c.t[c.i..].iter().position(|ch| CLAUSE_BREAKS.contains(ch))
            {
                c.i += k + 1;
                continue;
            }
            break;
        }

        // The amount, or a range.
        c.skip_spaces();
        let mut min: Option<i64> = fixed_amount;
        let mut max: Option<i64> = None;
        if min.is_none()
            && let Some(low) = c.amount()?
        {
            let mark = c.i;
            c.skip_spaces();
            c.eat_any(&["元", "块钱", "块", "圆"]);
            c.skip_spaces();
            let mut high: Option<Amount> = None;
            if c.eat_any(&["-", "至", "到"]).is_some() {
                c.skip_spaces();
                high = c.amount()?;
                if high.is_none() {
                    return Err(pay_error(
                        "pay_amount_invalid",
                        format!("薪资“{}”的范围不完整，请写成“200-260元/天”", input.trim()),
                    ));
                }
            } else {
                c.i = mark;
            }
            let shared = high
                .and_then(|h| h.multiplier)
                .filter(|_| low.multiplier.is_none());
            let lo = low.fen(shared)?;
            min = Some(lo);
            if let Some(h) = high {
                let hi = h.fen(low.multiplier)?;
                if hi < lo {
                    return Err(pay_error(
                        "pay_range_reversed",
                        format!(
                            "薪资“{}”的范围前大后小，请把较小的数写在前面，例如“200-260元/天”",
                            input.trim()
                        ),
                    ));
                }
                max = (hi > lo).then_some(hi);
            }
        }
        c.skip_spaces();
        let had_currency = c
            .eat_any(&["元", "块钱", "块", "圆", "rmb", "yuan"])
            .is_some();
        if had_currency && min.is_none() {
            return Err(missing_amount(input));
        }

        // After the amount: 起/以上/+, then the unit, then 起 again; notes after that.
        let mut suffix: Option<Unit> = None;
        loop {
            c.skip_spaces();
            if min.is_some()
                && c.eat_any(&["以上", "起步", "起", "+", "多", "往上"])
                    .is_some()
            {
                floor.get_or_insert(Floor::From);
                continue;
            }
            if c.eat_any(&["左右", "上下"]).is_some() {
                continue;
            }
            if suffix.is_none() && min.is_some() {
                let mark = c.i;
                let sep = c
                    .eat_any(&["/", "每个", "每一", "一个", "每", "一"])
                    .is_some();
                c.skip_spaces();
                if sep {
                    match c.unit(false)? {
                        Some(u) => {
                            suffix = Some(u);
                            continue;
                        }
                        None => {
                            c.i = mark;
                        }
                    }
                }
            }
            break;
        }

        // Put it together.
        let unit = match (prefix, suffix) {
            (Some(p), Some(s)) => {
                // A weak prefix (日结) gives way; 计件 takes any piece word.
                if p.weak || same_unit(&p.unit, &s) {
                    Some(s)
                } else {
                    return Err(conflict(input));
                }
            }
            (Some(p), None) => Some(p.unit),
            (None, Some(s)) => Some(s),
            (None, None) => None,
        };
        let basis = match unit {
            Some(Unit::Time(u)) => Some(PayBasis::Time(u)),
            Some(Unit::Piece(w)) => Some(PayBasis::Piece(w)),
            Some(Unit::Year | Unit::Minute) => return Err(unreadable(input)),
            None => match min {
                Some(m) if base_named || (month_context && m >= 100_000) => {
                    Some(PayBasis::Time(TimeUnit::Month))
                }
                Some(_) => {
                    return Err(pay_error(
                        "pay_unit_missing",
                        format!(
                            "薪资“{}”缺少计薪单位，请写成“200元/天”“25元/小时”“3000元/月”或“2元/袋”",
                            input.trim()
                        ),
                    ));
                }
                None if commission && base_named => Some(PayBasis::Time(TimeUnit::Month)),
                None if floor == Some(Floor::Guaranteed) => return Err(missing_amount(input)),
                None if negotiable || commission || typical.is_some() => None,
                None => {
                    let any_digit = c.t.iter().any(char::is_ascii_digit);
                    return Err(if any_digit || c.t.contains(&'元') {
                        missing_amount(input)
                    } else {
                        unreadable(input)
                    });
                }
            },
        };
        if let Some(m) = min
            && m <= 0
        {
            return Err(pay_error("pay_not_positive", "薪资必须大于零"));
        }
        let commission = commission && !matches!(basis, Some(PayBasis::Piece(_)));
        let floor = match floor {
            _ if min.is_none() || max.is_some() => None,
            f => f,
        };
        let pay = Pay {
            basis,
            min_fen: min,
            max_fen: max,
            floor,
            commission,
            typical_daily_fen: typical,
        };
        pay.validate()?;
        Ok(pay)
    }
}

fn is_known_piece(w: &str) -> bool {
    PIECE_WORDS.iter().any(|(_, v)| *v == w)
}

/// Units named before an amount: 日薪, 时薪, 月薪, 周薪, 日结 (weak), 计件 …
fn named_unit(c: &mut Cursor) -> Option<(Unit, bool)> {
    const NAMED: &[(&str, Option<TimeUnit>, bool)] = &[
        ("日薪", Some(TimeUnit::Day), false),
        ("天薪", Some(TimeUnit::Day), false),
        ("日工资", Some(TimeUnit::Day), false),
        ("时薪", Some(TimeUnit::Hour), false),
        ("小时工资", Some(TimeUnit::Hour), false),
        ("月薪", Some(TimeUnit::Month), false),
        ("月工资", Some(TimeUnit::Month), false),
        ("月入", Some(TimeUnit::Month), false),
        ("月收入", Some(TimeUnit::Month), false),
        ("周薪", Some(TimeUnit::Week), false),
        ("半天", Some(TimeUnit::HalfDay), false),
        ("夜班", Some(TimeUnit::Shift), false),
        ("晚班", Some(TimeUnit::Shift), false),
        ("日结", Some(TimeUnit::Day), true),
        ("月结", Some(TimeUnit::Month), true),
        ("周结", Some(TimeUnit::Week), true),
        ("计件", None, false),
    ];
    let words: Vec<&str> = NAMED.iter().map(|(w, _, _)| *w).collect();
    let w = c.eat_any(&words)?;
    let (_, unit, weak) = NAMED.iter().find(|(x, _, _)| *x == w)?;
    Some((
        match unit {
            Some(u) => Unit::Time(*u),
            None => Unit::Piece("件".into()),
        },
        *weak,
    ))
}

fn same_unit(a: &Unit, b: &Unit) -> bool {
    a == b
        || matches!((a, b), (Unit::Piece(x), Unit::Piece(_)) | (Unit::Piece(_), Unit::Piece(x)) if x == "件")
}

fn conflict(input: &str) -> MarketError {
    pay_error(
        "pay_unit_conflict",
        format!(
            "薪资“{}”前后的计薪单位不一致，请只写一种，例如“日薪200元”或“25元/小时”",
            input.trim()
        ),
    )
}

fn missing_amount(input: &str) -> MarketError {
    pay_error(
        "pay_amount_missing",
        format!(
            "薪资“{}”中没有金额，请写成“200元/天”“25元/小时”这样的形式；不定金额的请写“面议”或“按单结算”",
            input.trim()
        ),
    )
}

fn unreadable(input: &str) -> MarketError {
    pay_error(
        "pay_unreadable",
        format!(
            "无法识别薪资“{}”。请写成“200元/天”“25元/小时”“3000元/月”“2元/袋”“底薪3000+提成”，或写“面议”",
            input.trim()
        ),
    )
}

#[cfg(test)]
mod tests;
