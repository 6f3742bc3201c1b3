//! The indexable view of a job post and the value types it is made of: the
//! form of work and the weekly schedule. Pay is its own module,
//! [`crate::pay`]; a post estimates its pay with its own hours
//! ([`JobPost::work_hours`], [`JobPost::pay_estimate`]).

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use linghuo_domain::RegionCode;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::MarketError;
pub use crate::pay::{DAYS_PER_MONTH, HOURS_PER_DAY, Pay, PayUnit};
use crate::pay::{PayEstimate, WorkHours};
/// The form of flexible work a post offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobForm {
    /// 零工/日结: casual work paid by the day or the job.
    Gig,
    /// 小时工: paid by the hour.
    Hourly,
    /// 非全日制 (劳动合同法 第68–72条): ≤ 4 h/day on average, ≤ 24 h/week.
    PartTime,
    /// 短期: a fixed-term stint of days to months.
    ShortTerm,
    /// 平台/新就业形态: orders taken through a platform.
    Platform,
    /// 长期/全职: ongoing work; gig markets carry it too, and the people who
    /// want it should find it.
    LongTerm,
}

impl JobForm {
    pub const ALL: [JobForm; 6] = [
        JobForm::Gig,
        JobForm::Hourly,
        JobForm::PartTime,
        JobForm::ShortTerm,
        JobForm::Platform,
        JobForm::LongTerm,
    ];

    /// The Chinese label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            JobForm::Gig => "零工/日结",
            JobForm::Hourly => "小时工",
            JobForm::PartTime => "非全日制",
            JobForm::ShortTerm => "短期",
            JobForm::Platform => "平台/新就业形态",
            JobForm::LongTerm => "长期",
        }
    }

    /// The snake_case code used in JSON, URLs and the index.
    pub fn code(self) -> &'static str {
        match self {
            JobForm::Gig => "gig",
            JobForm::Hourly => "hourly",
            JobForm::PartTime => "part_time",
            JobForm::ShortTerm => "short_term",
            JobForm::Platform => "platform",
            JobForm::LongTerm => "long_term",
        }
    }

    /// Accepts the code (`part_time`) or what people write (`非全日制`,
    /// `日结`, `零工`, `小时工`, `短期工`, `平台`, `众包`, `长期`, `全职` …).
    pub fn parse(s: &str) -> Result<JobForm, MarketError> {
        let t: String = s.split_whitespace().collect::<String>().to_lowercase();
        Self::read(&t).ok_or_else(|| {
            MarketError::invalid(
                "form_unknown",
                "form",
                format!(
                    "用工形式“{}”无法识别，请填写：零工/日结、小时工、非全日制、短期、平台/新就业形态、长期之一",
                    s.trim()
                ),
            )
        })
    }

    fn read(t: &str) -> Option<JobForm> {
        Some(match t {
            "gig" | "零工" | "日结" | "零工/日结" | "零工日结" | "临时工" | "散工" | "计件"
            | "计件工" | "按件" | "包活" | "点工" => JobForm::Gig,
            "hourly" | "小时工" | "钟点" | "钟点工" | "按小时" | "时薪" => {
                JobForm::Hourly
            }
            "part_time" | "parttime" | "非全日制" | "非全日制用工" | "兼职" | "业余" => {
                JobForm::PartTime
            }
            "short_term" | "shortterm" | "短期" | "短期工" | "短期用工" | "临时" | "季节工"
            | "季节性" | "暑假工" | "寒假工" | "假期工" | "项目制" => {
                JobForm::ShortTerm
            }
            "platform"
            | "平台"
            | "新就业形态"
            | "平台/新就业形态"
            | "平台用工"
            | "网约"
            | "众包"
            | "平台众包"
            | "专送"
            | "接单" => JobForm::Platform,
            "long_term" | "longterm" | "长期" | "长期工" | "全职" | "长期全职" | "正式工"
            | "固定工" | "合同工" | "学徒" | "学徒工" | "长白班" => JobForm::LongTerm,
            _ => return None,
        })
    }

    /// The form a post most likely has when its form was left empty or
    /// written in a way [`JobForm::parse`] does not know: a word of the text
    /// the form is, else by how the pay is counted (hourly pay is 小时工,
    /// monthly pay 长期, anything else 零工).
    pub fn infer(written: &str, text: &str, pay_unit_code: &str) -> JobForm {
        let t: String = written
            .split_whitespace()
            .collect::<String>()
            .to_lowercase();
        if let Some(f) = Self::read(&t) {
            return f;
        }
        // A known word inside what was written (“兼职/小时工”, “长期稳定”).
        for (word, form) in [
            ("兼职", JobForm::PartTime),
            ("非全日制", JobForm::PartTime),
            ("小时工", JobForm::Hourly),
            ("钟点", JobForm::Hourly),
            ("众包", JobForm::Platform),
            ("平台", JobForm::Platform),
            ("长期", JobForm::LongTerm),
            ("全职", JobForm::LongTerm),
            ("短期", JobForm::ShortTerm),
            ("临时", JobForm::ShortTerm),
            ("日结", JobForm::Gig),
            ("零工", JobForm::Gig),
        ] {
            if t.contains(word) || (t.is_empty() && text.contains(word)) {
                return form;
            }
        }
        match pay_unit_code {
            "hour" => JobForm::Hourly,
            "month" | "days" | "week" => JobForm::LongTerm,
            _ => JobForm::Gig,
        }
    }
}

impl fmt::Display for JobForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Full-width ASCII (０-９, ／, ．) to half-width; the rest unchanged.
pub(crate) fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

/// Days of the week as a bitmask: bit 0 is Monday … bit 6 is Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Weekdays(pub u8);

impl Weekdays {
    pub const NONE: Weekdays = Weekdays(0);
    pub const WORKDAYS: Weekdays = Weekdays(0b001_1111);
    pub const WEEKEND: Weekdays = Weekdays(0b110_0000);
    pub const ALL: Weekdays = Weekdays(0b111_1111);

    pub fn of(day: Weekday) -> Weekdays {
        Weekdays(1 << day.num_days_from_monday())
    }

    pub fn of_date(date: NaiveDate) -> Weekdays {
        Weekdays::of(date.weekday())
    }

    pub fn contains(self, day: Weekday) -> bool {
        self.0 & (1 << day.num_days_from_monday()) != 0
    }

    pub fn intersection(self, other: Weekdays) -> Weekdays {
        Weekdays(self.0 & other.0 & 0x7f)
    }

    pub fn is_empty(self) -> bool {
        self.0 & 0x7f == 0
    }

    pub fn count(self) -> u32 {
        (self.0 & 0x7f).count_ones()
    }

    /// `"每天"`, `"周一至周五"`, `"周末"`, or a list like `"周一、周三、周五"`.
    pub fn label(self) -> String {
        const NAMES: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
        match self.0 & 0x7f {
            0 => "无".to_string(),
            0x7f => "每天".to_string(),
            0b001_1111 => "周一至周五".to_string(),
            0b011_1111 => "周一至周六".to_string(),
            0b110_0000 => "周末".to_string(),
            bits => (0..7)
                .filter(|i| bits & (1 << i) != 0)
                .map(|i| NAMES[i])
                .collect::<Vec<_>>()
                .join("、"),
        }
    }
}

/// A span of the day in minutes after midnight, `start < end ≤ 1440`. An
/// overnight shift is written as two slots (22:00–24:00 and 00:00–06:00).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TimeSlot {
    pub start: u16,
    pub end: u16,
}

impl TimeSlot {
    pub fn new(start: u16, end: u16) -> Result<TimeSlot, MarketError> {
        if start >= end || end > 1440 {
            return Err(MarketError::invalid(
                "time_slot_invalid",
                "schedule",
                "时间段不正确：开始时间须早于结束时间，且在 00:00 至 24:00 之间；跨夜班次请拆成两段",
            ));
        }
        Ok(TimeSlot { start, end })
    }

    /// Hours and minutes: `TimeSlot::hm(8, 0, 17, 30)`. Panics on an invalid
    /// slot; for literals in code and tests.
    pub fn hm(h1: u16, m1: u16, h2: u16, m2: u16) -> TimeSlot {
        TimeSlot::new(h1 * 60 + m1, h2 * 60 + m2).expect("valid literal time slot")
    }

    /// `"08:00-17:00"` (also `～`, `~`, `至`, full-width digits).
    pub fn parse(s: &str) -> Result<TimeSlot, MarketError> {
        let t: String = s
            .chars()
            .map(fold_width)
            .filter(|c| !c.is_whitespace())
            .collect();
        let bad = || {
            MarketError::invalid(
                "time_slot_format",
                "schedule",
                format!("时间段“{}”格式不正确，请写成“08:00-17:00”", s.trim()),
            )
        };
        let (a, b) = t.split_once(['-', '~', '至', '到', '—']).ok_or_else(bad)?;
        let minutes = |x: &str| -> Option<u16> {
            let (h, m) = x.split_once([':', '：']).unwrap_or((x, "0"));
            let h: u16 = h.parse().ok()?;
            let m: u16 = m.parse().ok()?;
            // `then`, not `then_some`: the sum must not be computed for an hour like 9912,
            // where it overflows (a panic in debug builds).
            (h <= 24 && m < 60 && h * 60 + m <= 1440).then(|| h * 60 + m)
        };
        TimeSlot::new(minutes(a).ok_or_else(bad)?, minutes(b).ok_or_else(bad)?)
    }

    pub fn minutes(&self) -> u32 {
        u32::from(self.end.saturating_sub(self.start))
    }

    pub fn overlap(&self, other: &TimeSlot) -> u32 {
        let s = self.start.max(other.start);
        let e = self.end.min(other.end);
        u32::from(e.saturating_sub(s))
    }
}

impl fmt::Display for TimeSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

/// When work happens (for a post) or when a worker is free (for a profile):
/// the days of the week and the time slots on each of those days.
///
/// `slots` empty means "any time of day" (平台接单、时间自主). For a post,
/// work happens on every date of its period (`starts_on` to `ends_on`) whose
/// weekday is in `days`; a one-off post (`recurring == false`) without an
/// end date is the single day `starts_on`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Schedule {
    pub days: Weekdays,
    pub slots: Vec<TimeSlot>,
    pub recurring: bool,
}

impl Default for Schedule {
    fn default() -> Self {
        Schedule::any_time()
    }
}

impl Schedule {
    /// Every day, any time.
    pub fn any_time() -> Schedule {
        Schedule {
            days: Weekdays::ALL,
            slots: Vec::new(),
            recurring: true,
        }
    }

    pub fn weekly(days: Weekdays, slots: Vec<TimeSlot>) -> Schedule {
        Schedule {
            days,
            slots: normalise_slots(slots),
            recurring: true,
        }
    }

    /// A one-off engagement: every day of the post's period, in these slots.
    pub fn once(slots: Vec<TimeSlot>) -> Schedule {
        Schedule {
            days: Weekdays::ALL,
            slots: normalise_slots(slots),
            recurring: false,
        }
    }

    /// The slots sorted and merged, so overlaps are not counted twice.
    pub fn normalised_slots(&self) -> Vec<TimeSlot> {
        normalise_slots(self.slots.clone())
    }

    /// Minutes of work (or availability) per working day; `None` when the
    /// schedule has no slots ("any time").
    pub fn minutes_per_day(&self) -> Option<u32> {
        if self.slots.is_empty() {
            return None;
        }
        Some(self.normalised_slots().iter().map(TimeSlot::minutes).sum())
    }

    /// Minutes per day this schedule and `other` share; a schedule without
    /// slots shares all of the other's time.
    pub fn shared_minutes_per_day(&self, other: &Schedule) -> u32 {
        shared_minutes(&self.normalised_slots(), &other.normalised_slots())
    }

    /// `"周一至周五 08:00-12:00"`, `"每天 不限时段"`, `"单次 09:00-17:00"`.
    pub fn label(&self) -> String {
        let days = if self.recurring {
            self.days.label()
        } else {
            "单次".to_string()
        };
        let slots = if self.slots.is_empty() {
            "不限时段".to_string()
        } else {
            self.normalised_slots()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("、")
        };
        format!("{days} {slots}")
    }
}

pub(crate) fn normalise_slots(mut slots: Vec<TimeSlot>) -> Vec<TimeSlot> {
    slots.retain(|s| s.start < s.end);
    slots.sort();
    let mut out: Vec<TimeSlot> = Vec::with_capacity(slots.len());
    for s in slots {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// Shared minutes of two normalised slot lists (empty = the whole day).
pub(crate) fn shared_minutes(a: &[TimeSlot], b: &[TimeSlot]) -> u32 {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => 1440,
        (true, false) => b.iter().map(TimeSlot::minutes).sum(),
        (false, true) => a.iter().map(TimeSlot::minutes).sum(),
        (false, false) => a
            .iter()
            .map(|x| b.iter().map(|y| x.overlap(y)).sum::<u32>())
            .sum(),
    }
}

/// Days since 1970-01-01, the form dates take in the index and the matcher.
pub(crate) fn day_number(d: NaiveDate) -> i32 {
    d.num_days_from_ce() - 719_163
}

/// The indexable view of a job post: everything search, matching and
/// screening look at, and nothing they don't (no employer contact, no
/// address text). Built by the service layer from its database row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobPost {
    pub id: Uuid,
    /// The post's identifier in the system it was imported from.
    pub external_id: Option<String>,
    pub title: String,
    pub description: String,
    pub skills: Vec<String>,
    /// A catalogue code such as `jiazheng.baojie` (a category code when
    /// only the kind of work is known).
    pub occupation: String,
    /// The trade in the employer's own words, when they are not a catalogue
    /// name or synonym (`花馍师傅`); searched like the title.
    #[serde(default)]
    pub trade_text: Option<String>,
    pub form: JobForm,
    pub county: RegionCode,
    /// Where the work is; meaningless for a remote post (`remote`), which
    /// search and matching treat as having no place.
    pub lat: f64,
    pub lon: f64,
    /// 居家/远程 (二(三)): done at home or online, with no place to travel
    /// to. No distance is measured to it and no radius excludes it; `county`
    /// still says which county the post belongs to.
    #[serde(default)]
    pub remote: bool,
    pub pay: Pay,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub schedule: Schedule,
    /// Declared hours per week, where the employer states them.
    pub hours_per_week: Option<u32>,
    pub headcount: u32,
    pub required_certificates: Vec<String>,
    /// Whether the employer covers accident insurance for the work.
    pub accident_cover: bool,
    /// Share of the employer's past pay confirmed on time, 0..=1; `None`
    /// for an employer without history.
    pub employer_on_time_rate: Option<f32>,
    pub posted_at: DateTime<Utc>,
    pub expires_on: NaiveDate,
}

/// Most hours per day on average and per week of 非全日制用工
/// (劳动合同法 第68条).
pub const PART_TIME_MAX_HOURS_PER_DAY: f64 = 4.0;
pub const PART_TIME_MAX_HOURS_PER_WEEK: f64 = 24.0;

impl JobPost {
    /// The post's hours for pay estimates: per working day and per week,
    /// where the schedule or the declared weekly hours give them.
    pub fn work_hours(&self) -> WorkHours {
        WorkHours {
            per_day: self.daily_hours(),
            per_week: self.weekly_hours(),
        }
    }

    /// The pay estimated per hour and per day with the post's own hours
    /// (see [`crate::pay`]); `None` when the pay states nothing to estimate
    /// from (a piece rate or 面议 without typical daily earnings).
    pub fn pay_estimate(&self) -> Option<PayEstimate> {
        self.pay.estimate(self.work_hours())
    }

    /// The estimated pay per hour (search filters and matching use it).
    pub fn pay_per_hour_fen(&self) -> Option<i64> {
        self.pay.estimated_hourly_fen(self.work_hours())
    }

    /// The last date of work: `ends_on`, or `starts_on` for a one-off post
    /// without an end, or `None` (open-ended) for a recurring post without one.
    pub fn last_work_day(&self) -> Option<NaiveDate> {
        match (self.ends_on, self.schedule.recurring) {
            (Some(e), _) => Some(e),
            (None, false) => Some(self.starts_on),
            (None, true) => None,
        }
    }

    /// Whether work happens on `date` (inside the period, on a scheduled
    /// weekday).
    pub fn works_on(&self, date: NaiveDate) -> bool {
        date >= self.starts_on
            && self.last_work_day().is_none_or(|e| date <= e)
            && self.schedule.days.contains(date.weekday())
    }

    /// Hours per week: the declared figure, or the schedule's slots times
    /// its days. `None` when neither says.
    pub fn weekly_hours(&self) -> Option<f64> {
        let from_schedule = self
            .schedule
            .minutes_per_day()
            .map(|m| f64::from(m) * f64::from(self.schedule.days.count()) / 60.0);
        match (self.hours_per_week, from_schedule) {
            (Some(h), Some(s)) => Some(f64::from(h).max(s)),
            (Some(h), None) => Some(f64::from(h)),
            (None, s) => s,
        }
    }

    /// Average hours per working day: the slots of a day, or the weekly
    /// hours spread over the scheduled days.
    pub fn daily_hours(&self) -> Option<f64> {
        let days = f64::from(self.schedule.days.count().max(1));
        let from_slots = self.schedule.minutes_per_day().map(|m| f64::from(m) / 60.0);
        let from_week = self.hours_per_week.map(|h| f64::from(h) / days);
        match (from_slots, from_week) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        }
    }

    /// For 非全日制 posts: whether the known hours keep within 4 h/day on
    /// average and 24 h/week. Other forms, and posts whose hours are not
    /// stated, pass.
    pub fn within_part_time_limits(&self) -> bool {
        if self.form != JobForm::PartTime {
            return true;
        }
        self.daily_hours()
            .is_none_or(|h| h <= PART_TIME_MAX_HOURS_PER_DAY + 1e-9)
            && self
                .weekly_hours()
                .is_none_or(|h| h <= PART_TIME_MAX_HOURS_PER_WEEK + 1e-9)
    }

    /// Where the work is, `None` for a remote post.
    pub fn place(&self) -> Option<(f64, f64)> {
        (!self.remote).then_some((self.lat, self.lon))
    }

    /// Whether the post is open on `today`: not expired, work not over.
    pub fn is_live_on(&self, today: NaiveDate) -> bool {
        today <= self.expires_on && self.last_work_day().is_none_or(|e| today <= e)
    }

    /// Structural checks the service runs before saving a post (screening
    /// for scams is [`crate::screening::screen`]).
    pub fn validate(&self) -> Result<(), MarketError> {
        let title_len = self.title.trim().chars().count();
        if title_len == 0 {
            return Err(MarketError::invalid(
                "title_empty",
                "title",
                "请填写岗位名称",
            ));
        }
        if title_len > 60 {
            return Err(MarketError::invalid(
                "title_too_long",
                "title",
                "岗位名称不超过60个字",
            ));
        }
        if self.description.chars().count() > 5000 {
            return Err(MarketError::invalid(
                "description_too_long",
                "description",
                "岗位描述不超过5000个字",
            ));
        }
        if linghuo_domain::occupation(&self.occupation).is_none() {
            return Err(MarketError::invalid(
                "occupation_unknown",
                "occupation",
                format!("职业代码“{}”不在职业目录中", self.occupation),
            ));
        }
        self.pay.validate()?;
        let on_earth = self.remote
            || (self.lat.is_finite()
                && self.lon.is_finite()
                && (-90.0..=90.0).contains(&self.lat)
                && (-180.0..=180.0).contains(&self.lon));
        if !on_earth {
            return Err(MarketError::invalid(
                "coordinates_invalid",
                "coordinates",
                "坐标不正确：纬度在 -90 到 90 之间，经度在 -180 到 180 之间",
            ));
        }
        if self.ends_on.is_some_and(|e| e < self.starts_on) {
            return Err(MarketError::invalid(
                "dates_reversed",
                "ends_on",
                "结束日期不能早于开始日期",
            ));
        }
        if self.headcount == 0 {
            return Err(MarketError::invalid(
                "headcount_zero",
                "headcount",
                "招聘人数至少为1人",
            ));
        }
        if self.schedule.days.is_empty() {
            return Err(MarketError::invalid(
                "schedule_no_days",
                "schedule",
                "请至少选择一个工作日",
            ));
        }
        for s in &self.schedule.slots {
            TimeSlot::new(s.start, s.end)?;
        }
        if self
            .employer_on_time_rate
            .is_some_and(|r| !(0.0..=1.0).contains(&r))
        {
            return Err(MarketError::invalid(
                "on_time_rate_invalid",
                "employer_on_time_rate",
                "按时支付率须在0到1之间",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_parse_and_label() {
        for f in JobForm::ALL {
            assert_eq!(JobForm::parse(f.code()).unwrap(), f);
            assert_eq!(JobForm::parse(f.label()).unwrap(), f);
            let json = serde_json::to_string(&f).unwrap();
            assert_eq!(json, format!("\"{}\"", f.code()));
        }
        assert_eq!(JobForm::parse("日结").unwrap(), JobForm::Gig);
        assert_eq!(JobForm::parse("非全日制").unwrap(), JobForm::PartTime);
        assert_eq!(JobForm::parse("全职").unwrap(), JobForm::LongTerm);
        assert_eq!(JobForm::parse("众包").unwrap(), JobForm::Platform);
        assert_eq!(JobForm::parse("随便").unwrap_err().code(), "form_unknown");
        assert_eq!(JobForm::infer("长期稳定", "", "day"), JobForm::LongTerm);
        assert_eq!(JobForm::infer("", "周末兼职", "hour"), JobForm::PartTime);
        assert_eq!(JobForm::infer("", "", "hour"), JobForm::Hourly);
        assert_eq!(JobForm::infer("看情况", "", "piece"), JobForm::Gig);
    }

    #[test]
    fn schedules() {
        let s = Schedule::weekly(
            Weekdays::WORKDAYS,
            vec![
                TimeSlot::hm(13, 0, 17, 0),
                TimeSlot::hm(8, 0, 12, 0),
                TimeSlot::hm(11, 0, 12, 30),
            ],
        );
        assert_eq!(s.slots.len(), 2);
        assert_eq!(s.minutes_per_day(), Some(270 + 240));
        assert_eq!(s.label(), "周一至周五 08:00-12:30、13:00-17:00");
        let evening = Schedule::weekly(Weekdays::ALL, vec![TimeSlot::hm(12, 0, 14, 0)]);
        assert_eq!(s.shared_minutes_per_day(&evening), 30 + 60);
        assert_eq!(Schedule::any_time().shared_minutes_per_day(&evening), 120);
        assert_eq!(
            TimeSlot::parse("08:00-17:00").unwrap(),
            TimeSlot::hm(8, 0, 17, 0)
        );
        assert_eq!(
            TimeSlot::parse("８：００～１２：００").unwrap(),
            TimeSlot::hm(8, 0, 12, 0)
        );
        assert!(TimeSlot::parse("17:00-08:00").is_err());
        assert_eq!(Weekdays::WEEKEND.label(), "周末");
        assert_eq!(Weekdays(0b101_0101).label(), "周一、周三、周五、周日");
    }
}
