//! Helpers for bringing posts in from the gig markets cities already run
//! (`linghuo market import`): resolving what their files say — a trade
//! name or code, a county name or code, a pay string, a schedule — into
//! this platform's values, with Chinese errors that say what to fix.
//!
//! [`ImportedPost`] is one line of a JSON-lines file (or one spreadsheet
//! row turned into the same fields); [`ImportedPost::to_post`] makes the
//! [`JobPost`] that then goes through the same screening as any post.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use linghuo_domain::{
    Occupation, RegionCode, RegionLevel, find_region_by_name, resolve_occupation,
    search_occupations,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::MarketError;
use crate::geo::GeoPoint;
use crate::pay::Pay;
use crate::post::{JobForm, JobPost, Schedule, TimeSlot, Weekdays, fold_width};
use crate::vocab::Vocabulary;

/// How long an imported post stays open when the file gives no expiry.
pub const DEFAULT_EXPIRY_DAYS: i64 = 30;

/// A catalogue code, name or synonym (`jiazheng.baojie`, `家庭保洁员`,
/// `钟点工`) to its occupation; an unknown word gets suggestions. For a
/// trade in an employer's own words that should never be refused, use
/// [`Vocabulary::resolve_trade`] (what imports and posts do).
pub fn resolve_trade(input: &str) -> Result<&'static Occupation, MarketError> {
    if let Some(o) = resolve_occupation(input) {
        return Ok(o);
    }
    let suggestions: Vec<&str> = search_occupations(input)
        .into_iter()
        .take(3)
        .map(|o| o.name)
        .collect();
    let hint = if suggestions.is_empty() {
        "请填写职业目录中的工种名称或代码，例如“家庭保洁员”或“jiazheng.baojie”".to_string()
    } else {
        format!("您是不是要填：{}", suggestions.join("、"))
    };
    Err(MarketError::invalid(
        "occupation_unknown",
        "occupation",
        format!("工种“{}”不在职业目录中。{hint}", input.trim()),
    ))
}

/// A county code (`140105`) or name (`小店区`, `小店`, `太原市小店区`) to a
/// county-level [`RegionCode`]. A city or the province is refused: a post
/// belongs to one county.
pub fn resolve_county(input: &str) -> Result<RegionCode, MarketError> {
    let t = input.trim();
    let region = if !t.is_empty() && t.chars().all(|c| fold_width(c).is_ascii_digit()) {
        let digits: String = t.chars().map(fold_width).collect();
        RegionCode::parse(&digits).map_err(|_| {
            MarketError::invalid(
                "county_unknown",
                "county",
                format!("区划代码“{t}”不是山西省现行的县级区划代码"),
            )
        })?
    } else {
        find_region_by_name(t).ok_or_else(|| {
            MarketError::invalid(
                "county_unknown",
                "county",
                format!(
                    "无法确定县（市、区）“{t}”：名称有误或不唯一。请写全称并带上所属城市，例如“阳泉市城区”，或直接填写六位区划代码"
                ),
            )
        })?
    };
    if region.level() != RegionLevel::County {
        return Err(MarketError::invalid(
            "county_not_county",
            "county",
            format!(
                "“{}”不是县级区划，请填写岗位所在的县（市、区）",
                region.full_name()
            ),
        ));
    }
    Ok(region)
}

/// Pay given as one string (`"200元/天"`, `"3000元/月+提成"`, `"按单结算"`)
/// — see [`Pay::parse`].
pub fn parse_pay(input: &str) -> Result<Pay, MarketError> {
    Pay::parse(input)
}

/// Pay given as an amount (`"200"`, `"25.5"`, `"200-260"`, `"3000+提成"`,
/// empty or `面议` for none) and a unit (`"天"`, `day`, `"袋"`, `"平方米"`,
/// `"26天"`, `half_day`).
pub fn parse_pay_parts(amount: &str, unit: &str) -> Result<Pay, MarketError> {
    let u = unit.trim();
    let word = match u.to_lowercase().as_str() {
        "hour" => "小时".to_string(),
        "day" => "天".to_string(),
        "month" => "月".to_string(),
        "piece" => "件".to_string(),
        "half_day" => "半天".to_string(),
        "shift" => "班".to_string(),
        "week" => "周".to_string(),
        _ => u
            .trim_start_matches('元')
            .trim_start_matches(['/', '／'])
            .trim_start_matches(['按', '每'])
            .to_string(),
    };
    let amount = amount.trim().trim_end_matches('元').trim();
    if amount.is_empty() || amount == "面议" {
        if word.is_empty() {
            return Pay::parse("面议");
        }
        return Pay::parse(&format!("按{word}计价"));
    }
    Pay::parse(&format!("{amount}元/{word}"))
}

/// Typical daily earnings given on their own (`"200"`, `"200元"`, `200`):
/// fen, or an error naming the field.
pub fn parse_typical_daily(input: &str) -> Result<Option<i64>, MarketError> {
    let t = input.trim().trim_end_matches('元').trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || {
        MarketError::invalid(
            "typical_daily_pay_invalid",
            "typical_daily_pay",
            format!(
                "日均收入“{}”不正确，请只填金额（元），例如“200”",
                input.trim()
            ),
        )
    };
    let pay = Pay::parse(&format!("日均{t}元")).map_err(|_| bad())?;
    match pay.typical_daily_fen {
        Some(f) if pay.basis.is_none() && pay.min_fen.is_none() => Ok(Some(f)),
        _ => Err(bad()),
    }
}

/// A schedule as people write it: `"周一至周五 08:00-12:00"`, `"周末
/// 09:00-17:00、18:00-20:00"`, `"每天"`, `"单次 08:00-17:00"`, `"周一、周三
/// 14:00-18:00"`, `"每周六、日 9:00-12:00"`. Days: 每天/天天, 工作日/周一至周五, 周末/周六日, a range
/// 周X至周Y, or a list; no days means every day. Slots are optional (none =
/// any time).
pub fn parse_schedule(input: &str) -> Result<Schedule, MarketError> {
    let t: String = input.chars().map(fold_width).collect();
    let t = t.trim();
    let bad = |what: &str| {
        MarketError::invalid(
            "schedule_format",
            "schedule",
            format!(
                "工作时间“{}”无法识别（{what}）。请写成“周一至周五 08:00-12:00”或“周末 09:00-17:00”这样的形式",
                input.trim()
            ),
        )
    };
    let mut recurring = true;
    let mut days = Weekdays::NONE;
    let mut slots = Vec::new();
    for part in t
        .split([' ', '，', ',', '；', ';'])
        .filter(|p| !p.is_empty())
    {
        if part.chars().any(|c| c.is_ascii_digit()) {
            for s in part.split(['、', '/']).filter(|s| !s.is_empty()) {
                slots.extend(parse_slots(s)?);
            }
            continue;
        }
        match part {
            "不限时段" | "时间不限" | "时段不限" => continue,
            "单次" | "一次性" | "临时" => {
                recurring = false;
                continue;
            }
            "每天" | "天天" | "每日" | "全周" | "不限" => {
                days = Weekdays::ALL;
                continue;
            }
            "节假日" | "法定节假日" | "节假日加班" => {
                days = Weekdays(days.0 | Weekdays::WEEKEND.0);
                continue;
            }
            "工作日" | "周一至周五" | "周一到周五" => {
                days = Weekdays(days.0 | Weekdays::WORKDAYS.0);
                continue;
            }
            "周末" | "周六日" | "双休日" | "周六周日" => {
                days = Weekdays(days.0 | Weekdays::WEEKEND.0);
                continue;
            }
            _ => {}
        }
        let day_ix = |s: &str| -> Option<u8> {
            let s = s
                .trim_start_matches('每')
                .trim_start_matches("星期")
                .trim_start_matches("礼拜")
                .trim_start_matches('周');
            ["一", "二", "三", "四", "五", "六", "日"]
                .iter()
                .position(|d| *d == s || (s == "天" && *d == "日"))
                .map(|i| i as u8)
        };
        if let Some((a, b)) = part.split_once(['至', '到', '-', '~']) {
            let (a, b) = (
                day_ix(a).ok_or_else(|| bad("星期写法"))?,
                day_ix(b).ok_or_else(|| bad("星期写法"))?,
            );
            if a > b {
                return Err(bad("星期范围颠倒"));
            }
            for d in a..=b {
                days = Weekdays(days.0 | (1 << d));
            }
        } else {
            for d in part.split('、').filter(|s| !s.is_empty()) {
                let ix = day_ix(d).ok_or_else(|| bad("星期写法"))?;
                days = Weekdays(days.0 | (1 << ix));
            }
        }
    }
    if days.is_empty() {
        days = Weekdays::ALL;
    }
    Ok(if recurring {
        Schedule::weekly(days, slots)
    } else {
        Schedule {
            days,
            ..Schedule::once(slots)
        }
    })
}

/// One time span as people write it, possibly across midnight and with a word
/// before it: "08:00-17:00", "早班07:00-15:00", "下午 14:00-20:00",
/// "20:00-06:00" (two slots: 20:00–24:00 and 00:00–06:00).
fn parse_slots(s: &str) -> Result<Vec<TimeSlot>, MarketError> {
    // Words before the time (早班, 下午, 晚上) say nothing the time does not.
    let from = s.find(|c: char| c.is_ascii_digit()).unwrap_or(0);
    let t = &s[from..];
    match TimeSlot::parse(t) {
        Ok(slot) => Ok(vec![slot]),
        Err(e) => {
            let Some((a, b)) = t.split_once(['-', '~', '至', '到', '—']) else {
                return Err(e);
            };
            // Across midnight: the evening part and the morning part.
            match (
                TimeSlot::parse(&format!("{a}-24:00")),
                TimeSlot::parse(&format!("00:00-{b}")),
            ) {
                (Ok(evening), Ok(morning)) => Ok(vec![evening, morning]),
                _ => Err(e),
            }
        }
    }
}

/// A schedule from another market's file, never refused: what can be read is
/// kept, and the text that could not be read is returned so it can be shown
/// with the post (an import must not lose what the employer wrote).
pub fn parse_schedule_lenient(input: &str) -> (Schedule, Option<String>) {
    if let Ok(s) = parse_schedule(input) {
        return (s, None);
    }
    let t: String = input.chars().map(fold_width).collect();
    let mut read = Vec::new();
    for part in t
        .split([' ', '，', ',', '；', ';'])
        .filter(|p| !p.is_empty())
    {
        if parse_schedule(part).is_ok() {
            read.push(part.to_string());
        }
    }
    let schedule = parse_schedule(&read.join(" ")).unwrap_or_else(|_| Schedule::any_time());
    (schedule, Some(input.trim().to_string()))
}

/// A post as another market's export describes it. Everything is text
/// where files disagree on types; `to_post` does the parsing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportedPost {
    pub external_id: String,
    pub title: String,
    pub description: String,
    /// The trade: a catalogue code, name or synonym, or the employer's own
    /// words (resolved to the closest trade, see [`Vocabulary::resolve_trade`]).
    pub occupation: String,
    /// 零工/日结, 小时工, 非全日制, 短期, 平台, 长期 (or the codes); anything
    /// else, or nothing, is inferred ([`JobForm::infer`]).
    pub form: String,
    /// One string as the employer wrote it (`"200元/天"`, `"3000元/月+提成"`,
    /// `"按单结算"`, `"面议"`), or leave empty and give amount and unit.
    pub pay: Option<String>,
    pub pay_amount: Option<serde_json::Value>,
    pub pay_unit: Option<String>,
    /// 日均收入: what a worker typically earns in a day (piece or
    /// commission work), in yuan.
    pub typical_daily_pay: Option<serde_json::Value>,
    /// County code or name.
    pub county: String,
    pub address: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub skills: Vec<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    /// `"周一至周五 08:00-12:00"` (see [`parse_schedule`]); empty = any time.
    pub schedule: Option<String>,
    pub hours_per_week: Option<u32>,
    pub headcount: Option<u32>,
    pub required_certificates: Vec<String>,
    pub accident_cover: Option<bool>,
    pub expires_on: Option<NaiveDate>,
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

impl ImportedPost {
    /// The pay as one text: `pay`, or amount and unit put together the way
    /// [`parse_pay_parts`] reads them (`"200元/天"`, `"按单计价"`).
    pub fn pay_text(&self) -> Result<String, MarketError> {
        match (&self.pay, &self.pay_amount, &self.pay_unit) {
            (Some(p), _, _) if !p.trim().is_empty() => Ok(p.trim().to_string()),
            (_, amount, Some(u)) if !u.trim().is_empty() => {
                let a = amount.as_ref().map(json_text).unwrap_or_default();
                // Check it reads, then keep the canonical text.
                parse_pay_parts(&a, u).map(|p| p.label())
            }
            _ => Err(MarketError::invalid(
                "pay_empty",
                "pay",
                "缺少薪资：请填写“薪酬”（如“200元/天”“2元/袋”“3000元/月+提成”或“面议”），或同时填写薪酬金额和计酬单位",
            )),
        }
    }

    /// The platform's post, or every problem of the line (so one pass over
    /// a file reports everything to fix). Coordinates default to the county
    /// seat; dates to `today`; expiry to [`DEFAULT_EXPIRY_DAYS`] later;
    /// headcount to 1.
    pub fn to_post(
        &self,
        id: Uuid,
        today: NaiveDate,
        posted_at: DateTime<Utc>,
    ) -> Result<JobPost, Vec<MarketError>> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<(), MarketError>| {
            if let Err(e) = r {
                errors.push(e);
            }
        };
        if self.external_id.trim().is_empty() {
            keep(Err(MarketError::invalid(
                "external_id_missing",
                "external_id",
                "缺少原系统岗位编号（external_id），无法保证重复导入不产生重复岗位",
            )));
        }
        // The trade is never a reason to refuse a row: it resolves to the
        // closest trade, a category, or the catch-all, keeping the
        // employer's own words.
        let trade =
            Vocabulary::shared().resolve_trade(&self.occupation, &self.title, &self.description);
        let pay = self
            .pay_text()
            .and_then(|t| {
                let mut pay = parse_pay(&t)?;
                if let Some(v) = &self.typical_daily_pay
                    && let Some(fen) = parse_typical_daily(&json_text(v))?
                {
                    pay.typical_daily_fen = Some(fen);
                }
                Ok(pay)
            })
            .map_err(|e| keep(Err(e)))
            .ok();
        let county = resolve_county(&self.county).map_err(|e| keep(Err(e))).ok();
        // Nor is the schedule: what cannot be read is added to the description.
        let mut unread_schedule = None;
        let schedule = match self.schedule.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => {
                let (schedule, unread) = parse_schedule_lenient(s);
                unread_schedule = unread;
                Some(schedule)
            }
            _ => Some(Schedule::any_time()),
        };
        // Nor is the form: what the file says when it is known, else what
        // the text and the pay unit suggest. "兼职" in everyday use is any
        // side job; it is 非全日制 only when the hours fit the legal limits
        // (≤ 4 h a day, ≤ 24 h a week) and the pay is not monthly.
        let unit = pay.as_ref().and_then(|p| p.unit_code()).unwrap_or("");
        let text = format!("{} {}", self.title, self.description);
        let mut form = JobForm::infer(&self.form, &text, unit);
        if form == JobForm::PartTime {
            let daily = schedule
                .as_ref()
                .and_then(|s| s.minutes_per_day())
                .map(|m| f64::from(m) / 60.0);
            let weekly = self.hours_per_week.map(f64::from).or_else(|| {
                schedule
                    .as_ref()
                    .zip(daily)
                    .map(|(s, d)| d * f64::from(s.days.count()))
            });
            let too_long = daily.is_some_and(|d| d > crate::post::PART_TIME_MAX_HOURS_PER_DAY)
                || weekly.is_some_and(|w| w > crate::post::PART_TIME_MAX_HOURS_PER_WEEK);
            if too_long || unit == "month" {
                form = JobForm::infer("", "", unit);
            }
        }
        let form = Some(form);
        let point = match (self.lat, self.lon, county) {
            (Some(lat), Some(lon), _) => Some(GeoPoint::new(lat, lon)),
            (None, None, Some(c)) => Some(GeoPoint::of_region(c)),
            (None, None, None) => None,
            _ => {
                keep(Err(MarketError::invalid(
                    "coordinates_incomplete",
                    "coordinates",
                    "坐标须同时填写纬度（lat）和经度（lon），或都不填（使用县城位置）",
                )));
                None
            }
        };
        let (Some(form), Some(pay), Some(county), Some(schedule), Some(point)) =
            (form, pay, county, schedule, point)
        else {
            return Err(errors);
        };
        let starts_on = self.starts_on.unwrap_or(today);
        let post = JobPost {
            id,
            external_id: Some(self.external_id.trim().to_string()),
            title: self.title.trim().to_string(),
            description: {
                let mut d = self.description.trim().to_string();
                // What the file said of the form, when it says more than the
                // form does (日结, 长期稳定, 兼职): workers search for it.
                let written = self.form.trim();
                if !written.is_empty() && written != form.label() && written != form.code() {
                    d.push_str(&format!("（用工形式：{written}）"));
                }
                if let Some(u) = &unread_schedule {
                    d.push_str(&format!("（工作时间：{u}）"));
                }
                d
            },
            skills: self
                .skills
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            occupation: trade.code.to_string(),
            trade_text: trade.own_words,
            form,
            county,
            lat: point.lat,
            lon: point.lon,
            pay,
            starts_on,
            ends_on: self.ends_on,
            schedule,
            hours_per_week: self.hours_per_week,
            headcount: self.headcount.unwrap_or(1),
            required_certificates: self.required_certificates.clone(),
            accident_cover: self.accident_cover.unwrap_or(false),
            remote: false,
            employer_on_time_rate: None,
            posted_at,
            expires_on: self
                .expires_on
                .unwrap_or(today + Duration::days(DEFAULT_EXPIRY_DAYS)),
        };
        if let Err(e) = post.validate() {
            errors.push(e);
        }
        if errors.is_empty() {
            Ok(post)
        } else {
            Err(errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::date;
    use chrono::TimeZone;

    #[test]
    fn trades_resolve_by_code_name_and_synonym() {
        assert_eq!(
            resolve_trade("jiazheng.baojie").unwrap().code,
            "jiazheng.baojie"
        );
        assert_eq!(resolve_trade("月嫂").unwrap().code, "muying.muying_huli");
        assert_eq!(resolve_trade(" 水电工 ").unwrap().code, "weixiu.shuidian");
        let e = resolve_trade("保洁阿姨们").unwrap_err();
        assert_eq!(e.code(), "occupation_unknown");
        let e = resolve_trade("宇航员").unwrap_err();
        assert!(e.to_string().contains("职业目录"));
    }

    #[test]
    fn counties_resolve_and_cities_are_refused() {
        assert_eq!(resolve_county("140105").unwrap().name(), "小店区");
        assert_eq!(resolve_county("１４０１０５").unwrap().name(), "小店区");
        assert_eq!(resolve_county("小店区").unwrap().code(), 140105);
        assert_eq!(resolve_county("太原市小店区").unwrap().code(), 140105);
        assert_eq!(resolve_county("阳泉市城区").unwrap().code(), 140302);
        assert_eq!(resolve_county("城区").unwrap_err().code(), "county_unknown");
        assert_eq!(
            resolve_county("太原市").unwrap_err().code(),
            "county_not_county"
        );
        assert_eq!(
            resolve_county("140211").unwrap_err().code(),
            "county_unknown"
        );
    }

    #[test]
    fn pay_in_parts() {
        use crate::pay::{PayUnit, TimeUnit};
        assert_eq!(
            parse_pay_parts("200", "天").unwrap(),
            Pay::yuan(200, PayUnit::Day)
        );
        assert_eq!(
            parse_pay_parts("25.5", "hour").unwrap(),
            Pay::new(2550, PayUnit::Hour)
        );
        assert_eq!(
            parse_pay_parts("200", "周").unwrap(),
            Pay::time(TimeUnit::Week, 20000)
        );
        assert_eq!(parse_pay_parts("2", "袋").unwrap(), Pay::piece("袋", 200));
        assert_eq!(
            parse_pay_parts("45", "元/平米").unwrap(),
            Pay::piece("平方米", 4500)
        );
        assert_eq!(
            parse_pay_parts("8800", "26天").unwrap(),
            Pay::time(TimeUnit::Days(26), 880000)
        );
        assert_eq!(
            parse_pay_parts("200-260", "day").unwrap(),
            Pay::time(TimeUnit::Day, 20000).up_to(26000)
        );
        assert_eq!(
            parse_pay_parts("3000+提成", "月").unwrap(),
            Pay::time(TimeUnit::Month, 300000).with_commission()
        );
        assert_eq!(
            parse_pay_parts("", "单").unwrap(),
            Pay {
                min_fen: None,
                ..Pay::piece("单", 1)
            }
        );
        assert_eq!(parse_pay_parts("面议", "").unwrap(), Pay::negotiable());
        assert_eq!(
            parse_pay_parts("200", "年").unwrap_err().code(),
            "pay_unit_year"
        );
        assert_eq!(parse_typical_daily("200元").unwrap(), Some(20000));
        assert_eq!(parse_typical_daily(" ").unwrap(), None);
        assert_eq!(
            parse_typical_daily("很多").unwrap_err().code(),
            "typical_daily_pay_invalid"
        );
    }

    #[test]
    fn schedules_parse() {
        let s = parse_schedule("周一至周五 08:00-12:00").unwrap();
        assert_eq!(s.days, Weekdays::WORKDAYS);
        assert_eq!(s.slots, vec![TimeSlot::hm(8, 0, 12, 0)]);
        let s = parse_schedule("周末 09:00-12:00、13:00-17:00").unwrap();
        assert_eq!(s.days, Weekdays::WEEKEND);
        assert_eq!(s.slots.len(), 2);
        let s = parse_schedule("周一、周三、周五").unwrap();
        assert_eq!(s.days, Weekdays(0b001_0101));
        assert!(s.slots.is_empty());
        let s = parse_schedule("单次 08:00-17:00").unwrap();
        assert!(!s.recurring);
        assert_eq!(s.days, Weekdays::ALL);
        assert_eq!(parse_schedule("每天").unwrap().days, Weekdays::ALL);
        // What Schedule::label writes reads back as the same schedule.
        for i in 0..500 {
            let job = crate::synth::job(3, i);
            let back = parse_schedule(&job.schedule.label()).unwrap();
            assert_eq!(back.days, job.schedule.days, "{}", job.schedule.label());
            assert_eq!(back.normalised_slots(), job.schedule.normalised_slots());
            assert_eq!(back.recurring, job.schedule.recurring);
        }
        // As people write it on a notice board.
        let s = parse_schedule("每周六、日 9:00-12:00").unwrap();
        assert_eq!(s.days, Weekdays::WEEKEND);
        assert_eq!(s.slots, vec![TimeSlot::hm(9, 0, 12, 0)]);
        assert_eq!(
            parse_schedule("每周一至周五").unwrap().days,
            Weekdays::WORKDAYS
        );
        assert_eq!(
            parse_schedule("星期二到星期四").unwrap().days,
            Weekdays(0b000_1110)
        );
        assert!(parse_schedule("周八").is_err());
        assert!(parse_schedule("周五至周一").is_err());
    }

    fn line(json: &str) -> ImportedPost {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn an_imported_line_becomes_a_post() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap();
        let today = date(2026, 11, 28);
        let p = line(
            r#"{"external_id":"TY-1","title":"家庭保洁","description":"上门保洁","occupation":"钟点工",
                "form":"小时工","pay":"30元/小时","county":"小店区","schedule":"周末 09:00-12:00"}"#,
        )
        .to_post(Uuid::from_u128(1), today, now)
        .unwrap();
        assert_eq!(p.occupation, "jiazheng.baojie");
        assert_eq!(p.form, JobForm::Hourly);
        assert_eq!(p.pay, Pay::yuan(30, crate::pay::PayUnit::Hour));
        assert_eq!(p.county.code(), 140105);
        let seat = GeoPoint::of_region(p.county);
        assert_eq!((p.lat, p.lon), (seat.lat, seat.lon));
        assert_eq!(p.expires_on, date(2026, 12, 28));
        assert_eq!(p.external_id.as_deref(), Some("TY-1"));
        let p = line(
            r#"{"external_id":"TY-2","title":"搬家","occupation":"banyun.banjia","form":"gig",
                "pay_amount":220,"pay_unit":"天","county":"140106","lat":37.86,"lon":112.56}"#,
        )
        .to_post(Uuid::from_u128(2), today, now)
        .unwrap();
        assert_eq!(p.pay, Pay::yuan(220, crate::pay::PayUnit::Day));
        assert_eq!(p.lat, 37.86);
    }

    #[test]
    fn no_line_is_refused_for_a_normal_way_of_paying() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap();
        let today = date(2026, 11, 28);
        for (i, pay) in [
            "3000元/月+提成",
            "按单结算",
            "45元/平方米",
            "60元/台",
            "200元/晚",
            "120元/半天",
            "8800元/26天",
            "按斤计价",
            "计件",
            "2元/袋",
            "600元/吨",
            "面议",
        ]
        .iter()
        .enumerate()
        {
            let p = line(&format!(
                r#"{{"external_id":"X-{i}","title":"装卸工","occupation":"banyun.zhuangxie","form":"gig","pay":"{pay}","county":"小店区"}}"#
            ))
            .to_post(Uuid::from_u128(i as u128), today, now)
            .unwrap_or_else(|e| panic!("{pay}: {e:?}"));
            assert_eq!(p.pay, Pay::parse(pay).unwrap());
        }
        // Amount and unit columns, with the typical daily earnings.
        let p = line(
            r#"{"external_id":"X-a","title":"分拣","occupation":"banyun.zhuangxie","form":"gig",
                "pay_amount":"2","pay_unit":"袋","typical_daily_pay":200,"county":"小店区"}"#,
        )
        .to_post(Uuid::from_u128(99), today, now)
        .unwrap();
        assert_eq!(p.pay, Pay::piece("袋", 200).with_typical_daily(20000));
        let e = line(
            r#"{"external_id":"X-b","title":"分拣","occupation":"banyun.zhuangxie","form":"gig",
                "pay":"2元/袋","typical_daily_pay":"很多","county":"小店区"}"#,
        )
        .to_post(Uuid::from_u128(98), today, now)
        .unwrap_err();
        assert_eq!(e[0].code(), "typical_daily_pay_invalid");
    }

    #[test]
    fn every_problem_of_a_line_is_reported() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap();
        let errors = line(r#"{"title":"x","occupation":"宇航员","form":"全职","pay":"看情况","county":"城区","lat":37.0}"#)
            .to_post(Uuid::from_u128(1), date(2026, 11, 28), now)
            .unwrap_err();
        let codes: Vec<&str> = errors.iter().map(MarketError::code).collect();
        assert_eq!(
            codes,
            vec![
                "external_id_missing",
                "pay_unreadable",
                "county_unknown",
                "coordinates_incomplete"
            ]
        );
    }

    #[test]
    fn own_trade_words_and_unknown_forms_never_refuse_a_row() {
        let now = Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0).unwrap();
        let today = date(2026, 11, 28);
        let p = line(
            r#"{"external_id":"X-1","title":"羊肉泡馍馆招帮工","description":"掰馍、洗碗、收拾桌子，管饭",
                "occupation":"帮工","form":"长期","pay":"3000元/月","county":"迎泽区"}"#,
        )
        .to_post(Uuid::from_u128(1), today, now)
        .unwrap();
        assert_eq!(p.occupation, "canyin.bangchu");
        assert_eq!(p.trade_text.as_deref(), Some("帮工"));
        assert_eq!(p.form, JobForm::LongTerm);
        let p = line(
            r#"{"external_id":"X-2","title":"花馍坊招人","description":"捏花馍，手巧的阿姨",
                "occupation":"花馍师傅","form":"","pay":"25元/小时","county":"闻喜县"}"#,
        )
        .to_post(Uuid::from_u128(2), today, now)
        .unwrap();
        assert_eq!(p.trade_text.as_deref(), Some("花馍师傅"));
        assert_eq!(p.form, JobForm::Hourly, "inferred from the hourly pay");
        let p = line(
            r#"{"external_id":"X-3","title":"保洁","occupation":"保洁员","form":"众包","pay":"200元/天","county":"小店区"}"#,
        )
        .to_post(Uuid::from_u128(3), today, now)
        .unwrap();
        assert_eq!(
            p.trade_text, None,
            "a catalogue name is not kept as own words"
        );
        assert_eq!(p.form, JobForm::Platform);
        // 兼职 with full days is a side job, not 非全日制.
        let p = line(
            r#"{"external_id":"X-4","title":"商场兼职","occupation":"促销员","form":"兼职","pay":"25元/小时",
                "county":"小店区","schedule":"周末 09:00-18:00"}"#,
        )
        .to_post(Uuid::from_u128(4), today, now)
        .unwrap();
        assert_eq!(p.form, JobForm::Hourly);
        let p = line(
            r#"{"external_id":"X-5","title":"超市收银兼职","occupation":"收银员","form":"兼职","pay":"25元/小时",
                "county":"小店区","schedule":"周末 18:00-21:00"}"#,
        )
        .to_post(Uuid::from_u128(5), today, now)
        .unwrap();
        assert_eq!(p.form, JobForm::PartTime);
    }

    #[test]
    fn schedules_across_midnight_and_with_words_are_read() {
        let s = parse_schedule("20:00-06:00").unwrap();
        assert_eq!(
            s.slots,
            vec![TimeSlot::hm(0, 0, 6, 0), TimeSlot::hm(20, 0, 24, 0)]
        );
        let s = parse_schedule("早班07:00-15:00").unwrap();
        assert_eq!(s.slots, vec![TimeSlot::hm(7, 0, 15, 0)]);
        assert_eq!(parse_schedule("节假日").unwrap().days, Weekdays::WEEKEND);
        let (s, unread) = parse_schedule_lenient("三班倒 08:00-16:00");
        assert_eq!(s.slots, vec![TimeSlot::hm(8, 0, 16, 0)]);
        assert_eq!(unread.as_deref(), Some("三班倒 08:00-16:00"));
        let (s, unread) = parse_schedule_lenient("看情况");
        assert_eq!(s, Schedule::any_time());
        assert!(unread.is_some());
        assert_eq!(parse_schedule_lenient("周末").1, None);
    }
}
