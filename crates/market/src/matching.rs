//! Two-way recommendation: jobs for a worker ([`JobMatcher`]) and workers
//! for a job ([`WorkerPool`]). Pure and in memory; the service keeps one of
//! each per process, fed from the same outbox as the search index.
//!
//! # Hard filters
//!
//! A recommendation never breaks any of these ([`hard_filter_failures`]
//! is the reference; a property test holds both directions to it):
//!
//! 1. **Occupation**: the job's occupation is one the worker wants or a
//!    descendant of one (a worker wanting 家政服务 gets 家庭保洁员 jobs).
//! 2. **Form**: one of the worker's wanted forms (no wanted forms = any).
//! 3. **Dates and time**: the job is live (`today ≤ expires_on`, work not
//!    over), and there is a date from `max(today, available_from)` on, inside
//!    the job's period, on a weekday both schedules have, and on that day
//!    the time slots overlap (a schedule without slots is "any time").
//! 4. **Distance**: the job is within the worker's radius (haversine).
//! 5. **Pay**: at least the worker's expectation, comparing the job's
//!    estimated pay per hour (with its own hours, see [`crate::pay`]) with
//!    the expectation per hour (8 h days, 174 h months); a piece rate only
//!    against a piece expectation — a job that cannot be compared with the
//!    expectation (no estimate: a piece rate or 面议 without typical daily
//!    earnings) is not recommended to a worker who states one.
//! 6. **非全日制**: a part-time job keeps within 4 h/day on average and
//!    24 h/week ([`JobPost::within_part_time_limits`]).
//! 7. **Certificates**: the worker holds every certificate the job
//!    requires (names compared after trimming, width folding and
//!    lower-casing).
//!
//! # Ranking
//!
//! Each passing pair gets a score in `[0, 1]`, a weighted sum of:
//!
//! | part | for a worker (jobs) | for a job (workers) | value |
//! | --- | --- | --- | --- |
//! | distance | 0.30 | 0.35 | `1 − d / radius` |
//! | skill coverage | 0.20 | 0.30 | share of the job's skills the worker has (0.5 when the job lists none) |
//! | time fit | 0.15 | 0.20 | share of the job's daily minutes the worker is free |
//! | pay fit | 0.15 | 0.15 | 0.5 at the expectation, rising linearly to 1 at +50 % (0.5 without an expectation) |
//! | employer reliability | 0.10 | — | on-time pay rate (0.7 for a new employer) |
//! | freshness | 0.10 | — | `exp(−days since posting / 7)` |
//!
//! For workers recommended to a job, a worker registered as 就业困难人员
//! gets `+0.05` (tiered help for 困难零工, 人社部发〔2022〕38号); the
//! why-line does not show it, so an employer does not learn the status.
//!
//! **Congestion damper.** Each job counts how often it has been
//! recommended (its *exposure*); the score is multiplied by
//! `1 / (1 + exposure / (20 × headcount))`, so a one-person job shown 20
//! times ranks at half strength, and a post with ten openings tolerates ten
//! times the exposure. Workers are damped the same way with headcount 1,
//! so one strong profile is not pushed to every employer. The matcher
//! counts by itself ([`RecommendOptions::record_exposure`]); the service
//! may also set counts it keeps in the database ([`JobMatcher::set_exposure`]).
//!
//! Ties are broken by id, so results are deterministic.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU32, Ordering as AtomicOrdering};

use chrono::{Datelike, Duration, NaiveDate};
use linghuo_domain::{Occupation, occupation, occupations};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::MarketError;
use crate::geo::{GridCell, distance_label, haversine_km};
use crate::pay::{ExpectedPay, Pay, PayUnit, TimeUnit, yuan_text};
use crate::post::{
    JobForm, JobPost, Schedule, TimeSlot, Weekdays, day_number, fold_width, normalise_slots,
    shared_minutes,
};

/// Damper constant: exposures per opening that halve a score.
pub const DAMPER_EXPOSURES_PER_OPENING: f64 = 20.0;
/// Largest travel radius a profile may ask for, km.
pub const MAX_RADIUS_KM: f64 = 100.0;
/// Boost for 就业困难人员 when ranking workers for a job.
pub const HARD_TO_EMPLOY_BOOST: f64 = 0.05;
const NEW_EMPLOYER_RELIABILITY: f64 = 0.7;

/// A worker's profile as matching sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerProfile {
    pub id: Uuid,
    /// Catalogue codes; a category includes its trades.
    pub occupations: Vec<String>,
    pub skills: Vec<String>,
    pub certificates: Vec<String>,
    pub lat: f64,
    pub lon: f64,
    /// How far the worker will travel, km (capped at [`MAX_RADIUS_KM`]).
    pub radius_km: f64,
    pub availability: Schedule,
    pub available_from: Option<NaiveDate>,
    pub expected_pay: Option<ExpectedPay>,
    /// Forms the worker accepts; empty = any.
    pub wanted_forms: Vec<JobForm>,
    pub age: Option<u32>,
    /// Registered as 就业困难人员 (or otherwise 困难零工).
    pub hard_to_employ: bool,
}

/// What a reason is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonKind {
    Distance,
    Skill,
    Time,
    Pay,
    Reliability,
    Freshness,
}

/// One reason a recommendation was made, in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub kind: ReasonKind,
    pub text: String,
}

/// A recommended job (for a worker) or worker (for a job).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub id: Uuid,
    /// Higher is better: the weighted parts (about `[0, 1]`) times the
    /// congestion damper.
    pub score: f64,
    pub why: Vec<Reason>,
}

impl Recommendation {
    /// `"距离2.3公里 · 技能：保洁 · 周末可做 · 日薪≥期望"`.
    pub fn why_line(&self) -> String {
        self.why
            .iter()
            .map(|r| r.text.as_str())
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// A hard filter a pair fails (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HardFilter {
    Occupation,
    Form,
    Time,
    Distance,
    Pay,
    PartTimeHours,
    Certificates,
}

impl HardFilter {
    /// Why the pair does not match, in Chinese.
    pub fn label(self) -> &'static str {
        match self {
            HardFilter::Occupation => "工种不符",
            HardFilter::Form => "用工形式不符",
            HardFilter::Time => "时间对不上",
            HardFilter::Distance => "超出通勤范围",
            HardFilter::Pay => "薪资低于期望或无法比较",
            HardFilter::PartTimeHours => "非全日制岗位工时超出法定上限",
            HardFilter::Certificates => "缺少岗位要求的证书",
        }
    }
}

/// Options of one recommendation call.
#[derive(Debug, Clone, Copy)]
pub struct RecommendOptions {
    /// Count the returned items as shown (feeds the congestion damper).
    pub record_exposure: bool,
}

impl Default for RecommendOptions {
    fn default() -> Self {
        RecommendOptions {
            record_exposure: true,
        }
    }
}

fn normalise_name(s: &str) -> String {
    s.chars()
        .map(fold_width)
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// The reference check of every hard filter for one pair: the list of
/// filters it fails (empty = the pair may be recommended). Slow and plain;
/// the matchers implement the same rules over compact records.
pub fn hard_filter_failures(
    job: &JobPost,
    worker: &WorkerProfile,
    today: NaiveDate,
) -> Vec<HardFilter> {
    let mut failed = Vec::new();
    let job_occ = occupation(&job.occupation);
    let wanted = worker.occupations.iter().any(|w| {
        let mut current = job_occ;
        while let Some(o) = current {
            if o.code == w.trim() {
                return true;
            }
            current = o.parent.and_then(occupation);
        }
        false
    });
    if !wanted {
        failed.push(HardFilter::Occupation);
    }
    if !worker.wanted_forms.is_empty() && !worker.wanted_forms.contains(&job.form) {
        failed.push(HardFilter::Form);
    }
    let from = worker.available_from.map_or(today, |d| d.max(today));
    let mut date_ok = false;
    if job.is_live_on(today) {
        let common = job.schedule.days.intersection(worker.availability.days);
        let last = job.last_work_day();
        let mut d = from.max(job.starts_on);
        for _ in 0..7 {
            if last.is_some_and(|l| d > l) {
                break;
            }
            if common.contains(d.weekday()) {
                date_ok = true;
                break;
            }
            d += Duration::days(1);
        }
    }
    if !date_ok || job.schedule.shared_minutes_per_day(&worker.availability) == 0 {
        failed.push(HardFilter::Time);
    }
    let radius = worker.radius_km.clamp(0.0, MAX_RADIUS_KM);
    if let Some((lat, lon)) = job.place()
        && haversine_km(worker.lat, worker.lon, lat, lon) > radius
    {
        failed.push(HardFilter::Distance);
    }
    if let Some(expected) = &worker.expected_pay
        && job.pay.meets(expected, job.work_hours()) != Some(true)
    {
        failed.push(HardFilter::Pay);
    }
    if !job.within_part_time_limits() {
        failed.push(HardFilter::PartTimeHours);
    }
    let held: Vec<String> = worker
        .certificates
        .iter()
        .map(|c| normalise_name(c))
        .collect();
    if !job
        .required_certificates
        .iter()
        .all(|c| held.contains(&normalise_name(c)))
    {
        failed.push(HardFilter::Certificates);
    }
    failed
}

// ---------------------------------------------------------------------------
// Catalogue tables

struct OccupationTable {
    /// For each catalogue index: itself and its descendants.
    descendants_or_self: Vec<Vec<u16>>,
    /// For each catalogue index: itself and its ancestors.
    ancestors_or_self: Vec<Vec<u16>>,
    by_code: HashMap<&'static str, u16>,
}

static OCCUPATIONS: LazyLock<OccupationTable> = LazyLock::new(|| {
    let all = occupations();
    let by_code: HashMap<&'static str, u16> = all
        .iter()
        .enumerate()
        .map(|(i, o)| (o.code, i as u16))
        .collect();
    let ancestors_or_self: Vec<Vec<u16>> = all
        .iter()
        .map(|o| {
            let mut v = Vec::new();
            let mut current: Option<&Occupation> = Some(o);
            while let Some(c) = current {
                v.push(by_code[c.code]);
                current = c.parent.and_then(occupation);
            }
            v
        })
        .collect();
    let mut descendants_or_self = vec![Vec::new(); all.len()];
    for (i, anc) in ancestors_or_self.iter().enumerate() {
        for &a in anc {
            descendants_or_self[a as usize].push(i as u16);
        }
    }
    OccupationTable {
        descendants_or_self,
        ancestors_or_self,
        by_code,
    }
});

fn occupation_ix(code: &str) -> Result<u16, MarketError> {
    OCCUPATIONS
        .by_code
        .get(code.trim())
        .copied()
        .ok_or_else(|| {
            MarketError::invalid(
                "occupation_unknown",
                "occupation",
                format!("职业代码“{}”不在职业目录中", code.trim()),
            )
        })
}

/// Grid level of the buckets: 20 km cells.
const BUCKET_LEVEL: u8 = 1;
/// Finer buckets for small radii: 5 km cells.
const FINE_LEVEL: u8 = 0;
/// Radii up to this use the fine buckets.
const FINE_RADIUS_KM: f64 = 8.0;

/// Interned skill and certificate names.
#[derive(Debug, Default)]
struct Vocabulary {
    ids: HashMap<String, u32>,
}

impl Vocabulary {
    fn intern(&mut self, s: &str) -> u32 {
        let key = normalise_name(s);
        let next = self.ids.len() as u32;
        *self.ids.entry(key).or_insert(next)
    }

    fn get(&self, s: &str) -> Option<u32> {
        self.ids.get(&normalise_name(s)).copied()
    }

    /// Ids of known names, sorted; unknown names get `u32::MAX` (which
    /// nobody holds) when `keep_unknown`.
    fn ids_of(&self, names: &[String], keep_unknown: bool) -> Box<[u32]> {
        let mut v: Vec<u32> = names
            .iter()
            .filter_map(|n| match self.get(n) {
                Some(id) => Some(id),
                None if keep_unknown => Some(u32::MAX),
                None => None,
            })
            .collect();
        v.sort_unstable();
        v.dedup();
        v.into_boxed_slice()
    }

    fn intern_all(&mut self, names: &[String]) -> Box<[u32]> {
        let mut v: Vec<u32> = names.iter().map(|n| self.intern(n)).collect();
        v.sort_unstable();
        v.dedup();
        v.into_boxed_slice()
    }
}

/// A job as the matchers hold it.
#[derive(Debug, Clone)]
struct JobRec {
    id: Uuid,
    occupation: u16,
    form: JobForm,
    lat: f64,
    lon: f64,
    /// 居家/远程: no place, so no distance and no radius.
    remote: bool,
    pay: Pay,
    /// The estimated pay per hour with the post's hours.
    pay_hour: Option<i64>,
    starts: i32,
    /// Last day of work, `i32::MAX` when open-ended.
    last: i32,
    expires: i32,
    posted: i32,
    days: Weekdays,
    slots: Box<[TimeSlot]>,
    /// Minutes of work per day (1440 when any time).
    minutes: u32,
    skills: Box<[u32]>,
    certificates: Box<[u32]>,
    on_time: Option<f32>,
    headcount: u32,
    part_time_ok: bool,
}

impl JobRec {
    fn from_post(
        post: &JobPost,
        skills: Box<[u32]>,
        certificates: Box<[u32]>,
    ) -> Result<JobRec, MarketError> {
        let slots = normalise_slots(post.schedule.slots.clone());
        let minutes = if slots.is_empty() {
            1440
        } else {
            slots.iter().map(TimeSlot::minutes).sum()
        };
        Ok(JobRec {
            id: post.id,
            occupation: occupation_ix(&post.occupation)?,
            form: post.form,
            lat: post.lat,
            lon: post.lon,
            remote: post.remote,
            pay: post.pay.clone(),
            pay_hour: post.pay_per_hour_fen(),
            starts: day_number(post.starts_on),
            last: post.last_work_day().map_or(i32::MAX, day_number),
            expires: day_number(post.expires_on),
            posted: day_number(post.posted_at.date_naive()),
            days: post.schedule.days,
            slots: slots.into_boxed_slice(),
            minutes,
            skills,
            certificates,
            on_time: post.employer_on_time_rate,
            headcount: post.headcount.max(1),
            part_time_ok: post.within_part_time_limits(),
        })
    }
}

/// A worker as the matchers hold it.
#[derive(Debug, Clone)]
struct WorkerRec {
    id: Uuid,
    /// Wanted catalogue indices (as given: trades or categories).
    occupations: Box<[u16]>,
    lat: f64,
    lon: f64,
    radius: f64,
    /// First day available (day number).
    from: i32,
    days: Weekdays,
    slots: Box<[TimeSlot]>,
    expected: Option<ExpectedPay>,
    /// Bit per [`JobForm`]; 0 = any.
    forms: u8,
    skills: Box<[u32]>,
    certificates: Box<[u32]>,
    hard_to_employ: bool,
}

fn form_bit(f: JobForm) -> u8 {
    1 << (f as u8)
}

impl WorkerRec {
    fn from_profile(
        w: &WorkerProfile,
        skills: Box<[u32]>,
        certificates: Box<[u32]>,
    ) -> Result<WorkerRec, MarketError> {
        let occupations = w
            .occupations
            .iter()
            .map(|c| occupation_ix(c))
            .collect::<Result<Vec<u16>, _>>()?;
        if !(w.lat.is_finite() && w.lon.is_finite() && w.radius_km.is_finite()) {
            return Err(MarketError::invalid(
                "coordinates_invalid",
                "coordinates",
                "位置或通勤半径不正确",
            ));
        }
        Ok(WorkerRec {
            id: w.id,
            occupations: occupations.into_boxed_slice(),
            lat: w.lat,
            lon: w.lon,
            radius: w.radius_km.clamp(0.0, MAX_RADIUS_KM),
            from: w.available_from.map_or(i32::MIN, day_number),
            days: w.availability.days,
            slots: normalise_slots(w.availability.slots.clone()).into_boxed_slice(),
            expected: w.expected_pay,
            forms: w.wanted_forms.iter().fold(0, |m, f| m | form_bit(*f)),
            skills,
            certificates,
            hard_to_employ: w.hard_to_employ,
        })
    }
}

/// How well a passing pair fits; the parts of the score.
#[derive(Debug, Clone, Copy)]
struct Fit {
    /// Km; 0 for a remote job (no commute).
    distance: f64,
    remote: bool,
    common_days: Weekdays,
    shared_minutes: u32,
    matched_skills: u32,
    /// Offered ÷ expected, when comparable.
    pay_ratio: Option<f64>,
}

fn weekday_of(day: i32) -> u32 {
    // 1970-01-01 was a Thursday (Monday = 0 … Thursday = 3).
    ((i64::from(day) + 3).rem_euclid(7)) as u32
}

/// All hard filters except occupation (guaranteed by the bucket), over
/// compact records. Mirrors [`hard_filter_failures`].
fn fit(job: &JobRec, w: &WorkerRec, today: i32) -> Option<Fit> {
    if w.forms != 0 && w.forms & form_bit(job.form) == 0 {
        return None;
    }
    if !job.part_time_ok {
        return None;
    }
    if today > job.expires || today > job.last {
        return None;
    }
    let lo = today.max(w.from).max(job.starts);
    if lo > job.last {
        return None;
    }
    let common = job.days.intersection(w.days);
    if common.is_empty() {
        return None;
    }
    let span = i64::from(job.last) - i64::from(lo);
    if span < 6 {
        let hit = (lo..=job.last).any(|d| common.0 & (1 << weekday_of(d)) != 0);
        if !hit {
            return None;
        }
    }
    let shared = shared_minutes(&job.slots, &w.slots);
    if shared == 0 {
        return None;
    }
    let distance = if job.remote {
        0.0
    } else {
        haversine_km(w.lat, w.lon, job.lat, job.lon)
    };
    if distance > w.radius {
        return None;
    }
    let pay_ratio = match &w.expected {
        Some(expected) => {
            let (offer, want) = match expected.unit {
                PayUnit::Piece => (
                    job.pay.min_fen.filter(|_| job.pay.is_piece())?,
                    expected.amount_fen,
                ),
                _ => (job.pay_hour?, expected.per_hour_fen()?),
            };
            if offer < want {
                return None;
            }
            Some(offer as f64 / want.max(1) as f64)
        }
        None => None,
    };
    // Both lists are sorted.
    if !is_subset(&job.certificates, &w.certificates) {
        return None;
    }
    Some(Fit {
        distance,
        remote: job.remote,
        common_days: common,
        shared_minutes: shared,
        matched_skills: intersection_count(&job.skills, &w.skills),
        pay_ratio,
    })
}

fn is_subset(needed: &[u32], held: &[u32]) -> bool {
    let mut j = 0;
    for &n in needed {
        while j < held.len() && held[j] < n {
            j += 1;
        }
        if j == held.len() || held[j] != n {
            return false;
        }
    }
    true
}

fn intersection_count(a: &[u32], b: &[u32]) -> u32 {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

struct Parts {
    distance: f64,
    skill: f64,
    time: f64,
    pay: f64,
}

fn parts(job: &JobRec, w: &WorkerRec, f: &Fit) -> Parts {
    let distance = 1.0 - (f.distance / w.radius.max(0.5)).min(1.0);
    let skill = if job.skills.is_empty() {
        0.5
    } else {
        f64::from(f.matched_skills) / job.skills.len() as f64
    };
    let time = (f64::from(f.shared_minutes) / f64::from(job.minutes.max(1))).min(1.0);
    let pay = f
        .pay_ratio
        .map_or(0.5, |r| 0.5 + ((r - 1.0) / 0.5).clamp(0.0, 1.0) * 0.5);
    Parts {
        distance,
        skill,
        time,
        pay,
    }
}

fn damper(exposure: u32, headcount: u32) -> f64 {
    1.0 / (1.0 + f64::from(exposure) / (DAMPER_EXPOSURES_PER_OPENING * f64::from(headcount.max(1))))
}

fn job_score(job: &JobRec, w: &WorkerRec, f: &Fit, today: i32, exposure: u32) -> f64 {
    let p = parts(job, w, f);
    let reliability = job
        .on_time
        .map_or(NEW_EMPLOYER_RELIABILITY, |r| f64::from(r.clamp(0.0, 1.0)));
    let age = f64::from((today - job.posted).max(0));
    let freshness = (-age / 7.0).exp();
    let base = 0.30 * p.distance
        + 0.20 * p.skill
        + 0.15 * p.time
        + 0.15 * p.pay
        + 0.10 * reliability
        + 0.10 * freshness;
    base * damper(exposure, job.headcount)
}

fn worker_score(job: &JobRec, w: &WorkerRec, f: &Fit, exposure: u32) -> f64 {
    let p = parts(job, w, f);
    let boost = if w.hard_to_employ {
        HARD_TO_EMPLOY_BOOST
    } else {
        0.0
    };
    let base = 0.35 * p.distance + 0.30 * p.skill + 0.20 * p.time + 0.15 * p.pay + boost;
    base * damper(exposure, 1)
}

/// The pay reason a worker sees: the plain rate where it compares as is
/// (时薪/日薪/月薪≥期望), the estimate otherwise.
fn pay_reason(job: &JobRec, expected: Option<&ExpectedPay>) -> String {
    let plain = match job.pay.time_unit() {
        Some(TimeUnit::Hour) => Some("时薪"),
        Some(TimeUnit::Day) => Some("日薪"),
        Some(TimeUnit::Month) => Some("月薪"),
        _ => None,
    }
    .filter(|_| job.pay.is_plain_time());
    match (expected, plain, job.pay_hour) {
        (Some(e), _, _) if e.unit == PayUnit::Piece => "计件单价≥期望".to_string(),
        (Some(_), Some(word), _) => format!("{word}≥期望"),
        (Some(_), None, Some(h)) => format!("约合每小时{}元（估算），不低于期望", yuan_text(h)),
        (None, None, Some(h)) => {
            format!("{}（约合每小时{}元，估算）", job.pay.label(), yuan_text(h))
        }
        _ => job.pay.label(),
    }
}

fn time_reason(job: &JobRec, w: &WorkerRec, f: &Fit, today: i32) -> String {
    let days = if job.last == job.starts {
        let d = NaiveDate::from_num_days_from_ce_opt(job.starts + 719_163);
        d.map_or_else(
            || "单次".to_string(),
            |d| format!("{}月{}日", d.month(), d.day()),
        )
    } else {
        match f.common_days {
            Weekdays::WEEKEND => "周末".to_string(),
            other => other.label(),
        }
    };
    let start = today.max(w.from).max(job.starts);
    let mut text = format!("{days}可做");
    if start > today
        && job.last != job.starts
        && let Some(d) = NaiveDate::from_num_days_from_ce_opt(start + 719_163)
    {
        text = format!("{}月{}日起{text}", d.month(), d.day());
    }
    if f.shared_minutes < job.minutes {
        text.push_str("（时段部分吻合）");
    }
    text
}

fn skill_reason(job: &JobRec, w: &WorkerRec, vocab_names: &[String]) -> Reason {
    let mut matched: Vec<&str> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < job.skills.len() && j < w.skills.len() && matched.len() < 3 {
        match job.skills[i].cmp(&w.skills[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                if let Some(n) = vocab_names.get(job.skills[i] as usize) {
                    matched.push(n);
                }
                i += 1;
                j += 1;
            }
        }
    }
    let text = if matched.is_empty() {
        format!(
            "工种：{}",
            occupations()
                .get(job.occupation as usize)
                .map_or("", |o| o.name)
        )
    } else {
        format!("技能：{}", matched.join("、"))
    };
    Reason {
        kind: ReasonKind::Skill,
        text,
    }
}

fn distance_reason(f: &Fit) -> String {
    if f.remote {
        format!("{}，无需通勤", crate::index::REMOTE_LABEL)
    } else {
        format!("距离{}", distance_label(f.distance))
    }
}

fn reasons_for_worker(
    job: &JobRec,
    w: &WorkerRec,
    f: &Fit,
    today: i32,
    names: &[String],
) -> Vec<Reason> {
    let mut why = vec![
        Reason {
            kind: ReasonKind::Distance,
            text: distance_reason(f),
        },
        skill_reason(job, w, names),
        Reason {
            kind: ReasonKind::Time,
            text: time_reason(job, w, f, today),
        },
        Reason {
            kind: ReasonKind::Pay,
            text: pay_reason(job, w.expected.as_ref()),
        },
    ];
    why.push(Reason {
        kind: ReasonKind::Reliability,
        text: match job.on_time {
            Some(r) => format!("雇主按时付薪{:.0}%", f64::from(r) * 100.0),
            None => "新雇主，暂无付薪记录".to_string(),
        },
    });
    let age = (today - job.posted).max(0);
    why.push(Reason {
        kind: ReasonKind::Freshness,
        text: match age {
            0 => "今天发布".to_string(),
            1 => "昨天发布".to_string(),
            n => format!("{n}天前发布"),
        },
    });
    why
}

fn reasons_for_employer(
    job: &JobRec,
    w: &WorkerRec,
    f: &Fit,
    today: i32,
    names: &[String],
) -> Vec<Reason> {
    vec![
        Reason {
            kind: ReasonKind::Distance,
            text: distance_reason(f),
        },
        skill_reason(job, w, names),
        Reason {
            kind: ReasonKind::Time,
            text: time_reason(job, w, f, today),
        },
        Reason {
            kind: ReasonKind::Pay,
            text: match &w.expected {
                Some(p) => format!("期望{}，本岗位满足", p.label()),
                None => "薪资面议均可".to_string(),
            },
        },
    ]
}

/// A scored candidate; orders so that the best is the *smallest*, which
/// makes a max-heap drop the worst first.
#[derive(Debug, Clone, Copy)]
struct Scored {
    score: f64,
    id: Uuid,
    slot: u32,
}

impl PartialEq for Scored {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Scored {}
impl PartialOrd for Scored {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Scored {
    fn cmp(&self, o: &Self) -> Ordering {
        o.score.total_cmp(&self.score).then(self.id.cmp(&o.id))
    }
}

fn push_top(heap: &mut BinaryHeap<Scored>, limit: usize, s: Scored) {
    if heap.len() < limit {
        heap.push(s);
    } else if let Some(worst) = heap.peek()
        && s < *worst
    {
        heap.pop();
        heap.push(s);
    }
}

/// Slot storage with id lookup, free-slot reuse and bucket membership.
#[derive(Debug)]
struct Store<T> {
    items: Vec<Option<T>>,
    by_id: HashMap<Uuid, u32>,
    free: Vec<u32>,
    exposure: Vec<AtomicU32>,
    /// (catalogue index, cell id) → slots.
    buckets: HashMap<(u16, u64), Vec<u32>>,
}

impl<T> Default for Store<T> {
    fn default() -> Self {
        Store {
            items: Vec::new(),
            by_id: HashMap::new(),
            free: Vec::new(),
            exposure: Vec::new(),
            buckets: HashMap::new(),
        }
    }
}

impl<T> Store<T> {
    fn insert(&mut self, id: Uuid, item: T, keys: &[(u16, u64)]) -> u32 {
        let slot = match self.free.pop() {
            Some(s) => {
                self.items[s as usize] = Some(item);
                self.exposure[s as usize].store(0, AtomicOrdering::Relaxed);
                s
            }
            None => {
                self.items.push(Some(item));
                self.exposure.push(AtomicU32::new(0));
                (self.items.len() - 1) as u32
            }
        };
        self.by_id.insert(id, slot);
        for k in keys {
            self.buckets.entry(*k).or_default().push(slot);
        }
        slot
    }

    fn remove(&mut self, id: Uuid, keys_of: impl Fn(&T) -> Vec<(u16, u64)>) -> Option<T> {
        let slot = self.by_id.remove(&id)?;
        let item = self.items[slot as usize].take()?;
        for k in keys_of(&item) {
            if let Some(b) = self.buckets.get_mut(&k) {
                if let Some(pos) = b.iter().position(|&s| s == slot) {
                    b.swap_remove(pos);
                }
                if b.is_empty() {
                    self.buckets.remove(&k);
                }
            }
        }
        self.free.push(slot);
        Some(item)
    }

    fn len(&self) -> usize {
        self.by_id.len()
    }
}

fn job_keys(j: &JobRec) -> Vec<(u16, u64)> {
    if j.remote {
        return vec![(j.occupation, GridCell::NO_PLACE)];
    }
    vec![
        (
            j.occupation,
            GridCell::containing(j.lat, j.lon, FINE_LEVEL).id(),
        ),
        (
            j.occupation,
            GridCell::containing(j.lat, j.lon, BUCKET_LEVEL).id(),
        ),
    ]
}

fn worker_keys(w: &WorkerRec) -> Vec<(u16, u64)> {
    let cell = GridCell::containing(w.lat, w.lon, BUCKET_LEVEL).id();
    let mut keys: Vec<(u16, u64)> = w.occupations.iter().map(|&o| (o, cell)).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Jobs to recommend to workers.
#[derive(Debug, Default)]
pub struct JobMatcher {
    store: Store<JobRec>,
    vocabulary: Vocabulary,
    names: Vec<String>,
}

impl JobMatcher {
    pub fn new() -> JobMatcher {
        JobMatcher::default()
    }

    /// Builds a matcher from posts (for example, all live posts at start).
    pub fn from_posts<'a>(
        posts: impl IntoIterator<Item = &'a JobPost>,
    ) -> Result<JobMatcher, MarketError> {
        let mut m = JobMatcher::new();
        for p in posts {
            m.upsert(p)?;
        }
        Ok(m)
    }

    fn intern(&mut self, names: &[String]) -> Box<[u32]> {
        let ids = self.vocabulary.intern_all(names);
        self.sync_names();
        ids
    }

    fn sync_names(&mut self) {
        if self.names.len() < self.vocabulary.ids.len() {
            self.names.resize(self.vocabulary.ids.len(), String::new());
            for (name, &id) in &self.vocabulary.ids {
                if self.names[id as usize].is_empty() {
                    self.names[id as usize] = name.clone();
                }
            }
        }
    }

    /// Adds or replaces a post. Posts whose occupation is not in the
    /// catalogue are refused. Its exposure count starts again at zero
    /// when the post is new, and is kept when it replaces itself.
    pub fn upsert(&mut self, post: &JobPost) -> Result<(), MarketError> {
        let skills = self.intern(&post.skills);
        let certificates = self.intern(&post.required_certificates);
        let rec = JobRec::from_post(post, skills, certificates)?;
        let kept = self.exposure(post.id);
        self.remove(post.id);
        let keys = job_keys(&rec);
        let slot = self.store.insert(post.id, rec, &keys);
        if let Some(n) = kept {
            self.store.exposure[slot as usize].store(n, AtomicOrdering::Relaxed);
        }
        Ok(())
    }

    /// Removes a post; `false` when it was not there.
    pub fn remove(&mut self, id: Uuid) -> bool {
        self.store.remove(id, job_keys).is_some()
    }

    pub fn len(&self) -> usize {
        self.store.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How often the post has been recommended.
    pub fn exposure(&self, id: Uuid) -> Option<u32> {
        let slot = *self.store.by_id.get(&id)?;
        Some(self.store.exposure[slot as usize].load(AtomicOrdering::Relaxed))
    }

    /// Sets a post's exposure count (from the caller's own records).
    pub fn set_exposure(&self, id: Uuid, count: u32) -> bool {
        match self.store.by_id.get(&id) {
            Some(&slot) => {
                self.store.exposure[slot as usize].store(count, AtomicOrdering::Relaxed);
                true
            }
            None => false,
        }
    }

    /// Forgets all exposure counts (for example daily).
    pub fn reset_exposure(&self) {
        for e in &self.store.exposure {
            e.store(0, AtomicOrdering::Relaxed);
        }
    }

    /// The best `limit` jobs for a worker on `today`, each with its reasons.
    /// Records the exposure of the returned jobs.
    pub fn recommend_jobs(
        &self,
        worker: &WorkerProfile,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<Recommendation>, MarketError> {
        self.recommend_jobs_with(worker, today, limit, RecommendOptions::default())
    }

    pub fn recommend_jobs_with(
        &self,
        worker: &WorkerProfile,
        today: NaiveDate,
        limit: usize,
        options: RecommendOptions,
    ) -> Result<Vec<Recommendation>, MarketError> {
        let skills = self.vocabulary.ids_of(&worker.skills, false);
        let certificates = self.vocabulary.ids_of(&worker.certificates, false);
        let w = WorkerRec::from_profile(worker, skills, certificates)?;
        if limit == 0 {
            return Ok(Vec::new());
        }
        let day = day_number(today);
        let level = if w.radius <= FINE_RADIUS_KM {
            FINE_LEVEL
        } else {
            BUCKET_LEVEL
        };
        // The cells around the worker, and the one of the jobs without a place.
        let cells: Vec<u64> = GridCell::covering(w.lat, w.lon, w.radius, level)
            .iter()
            .map(GridCell::id)
            .chain([GridCell::NO_PLACE])
            .collect();
        // Trades wanted, directly or through a category, each once.
        let mut wanted = vec![false; occupations().len()];
        for &o in w.occupations.iter() {
            for &d in &OCCUPATIONS.descendants_or_self[o as usize] {
                wanted[d as usize] = true;
            }
        }
        let mut heap = BinaryHeap::with_capacity(limit + 1);
        for (occ, _) in wanted.iter().enumerate().filter(|(_, w)| **w) {
            for cell in &cells {
                let Some(bucket) = self.store.buckets.get(&(occ as u16, *cell)) else {
                    continue;
                };
                for &slot in bucket {
                    let Some(job) = &self.store.items[slot as usize] else {
                        continue;
                    };
                    if let Some(f) = fit(job, &w, day) {
                        let exposure =
                            self.store.exposure[slot as usize].load(AtomicOrdering::Relaxed);
                        let score = job_score(job, &w, &f, day, exposure);
                        push_top(
                            &mut heap,
                            limit,
                            Scored {
                                score,
                                id: job.id,
                                slot,
                            },
                        );
                    }
                }
            }
        }
        let mut top = heap.into_vec();
        top.sort();
        let mut out = Vec::with_capacity(top.len());
        for s in top {
            let Some(job) = &self.store.items[s.slot as usize] else {
                continue;
            };
            let Some(f) = fit(job, &w, day) else { continue };
            if options.record_exposure {
                self.store.exposure[s.slot as usize].fetch_add(1, AtomicOrdering::Relaxed);
            }
            out.push(Recommendation {
                id: job.id,
                score: s.score,
                why: reasons_for_worker(job, &w, &f, day, &self.names),
            });
        }
        Ok(out)
    }
}

/// Workers to recommend to employers.
#[derive(Debug, Default)]
pub struct WorkerPool {
    store: Store<WorkerRec>,
    vocabulary: Vocabulary,
    names: Vec<String>,
    /// Largest radius among the workers wanting each catalogue index.
    max_radius: HashMap<u16, f64>,
}

impl WorkerPool {
    pub fn new() -> WorkerPool {
        WorkerPool::default()
    }

    pub fn from_profiles<'a>(
        profiles: impl IntoIterator<Item = &'a WorkerProfile>,
    ) -> Result<WorkerPool, MarketError> {
        let mut pool = WorkerPool::new();
        for w in profiles {
            pool.upsert(w)?;
        }
        Ok(pool)
    }

    fn intern(&mut self, names: &[String]) -> Box<[u32]> {
        let ids = self.vocabulary.intern_all(names);
        if self.names.len() < self.vocabulary.ids.len() {
            self.names.resize(self.vocabulary.ids.len(), String::new());
            for (name, &id) in &self.vocabulary.ids {
                if self.names[id as usize].is_empty() {
                    self.names[id as usize] = name.clone();
                }
            }
        }
        ids
    }

    /// Adds or replaces a profile; unknown occupation codes are refused.
    pub fn upsert(&mut self, worker: &WorkerProfile) -> Result<(), MarketError> {
        let skills = self.intern(&worker.skills);
        let certificates = self.intern(&worker.certificates);
        let rec = WorkerRec::from_profile(worker, skills, certificates)?;
        let kept = self.exposure(worker.id);
        self.remove(worker.id);
        for &o in rec.occupations.iter() {
            let r = self.max_radius.entry(o).or_insert(0.0);
            *r = r.max(rec.radius);
        }
        let keys = worker_keys(&rec);
        let slot = self.store.insert(worker.id, rec, &keys);
        if let Some(n) = kept {
            self.store.exposure[slot as usize].store(n, AtomicOrdering::Relaxed);
        }
        Ok(())
    }

    /// Removes a profile; `false` when it was not there. (The per-occupation
    /// radius bound only grows; a stale larger bound costs a little time,
    /// never a result.)
    pub fn remove(&mut self, id: Uuid) -> bool {
        self.store.remove(id, worker_keys).is_some()
    }

    pub fn len(&self) -> usize {
        self.store.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn exposure(&self, id: Uuid) -> Option<u32> {
        let slot = *self.store.by_id.get(&id)?;
        Some(self.store.exposure[slot as usize].load(AtomicOrdering::Relaxed))
    }

    pub fn set_exposure(&self, id: Uuid, count: u32) -> bool {
        match self.store.by_id.get(&id) {
            Some(&slot) => {
                self.store.exposure[slot as usize].store(count, AtomicOrdering::Relaxed);
                true
            }
            None => false,
        }
    }

    pub fn reset_exposure(&self) {
        for e in &self.store.exposure {
            e.store(0, AtomicOrdering::Relaxed);
        }
    }

    /// The best `limit` workers for a job on `today`, each with reasons an
    /// employer may see. Records the exposure of the returned workers.
    pub fn recommend_workers(
        &self,
        job: &JobPost,
        today: NaiveDate,
        limit: usize,
    ) -> Result<Vec<Recommendation>, MarketError> {
        self.recommend_workers_with(job, today, limit, RecommendOptions::default())
    }

    pub fn recommend_workers_with(
        &self,
        job: &JobPost,
        today: NaiveDate,
        limit: usize,
        options: RecommendOptions,
    ) -> Result<Vec<Recommendation>, MarketError> {
        let skills = self.vocabulary.ids_of(&job.skills, false);
        // A certificate no worker has ever listed: nobody qualifies.
        let certificates = self.vocabulary.ids_of(&job.required_certificates, true);
        let j = JobRec::from_post(job, skills, certificates)?;
        if limit == 0 {
            return Ok(Vec::new());
        }
        let day = day_number(today);
        let mut heap = BinaryHeap::with_capacity(limit + 1);
        for &key in &OCCUPATIONS.ancestors_or_self[j.occupation as usize] {
            let Some(&radius) = self.max_radius.get(&key) else {
                continue;
            };
            // A job without a place reaches workers anywhere: every bucket of the trade.
            let cells: Vec<u64> = if j.remote {
                let mut all: Vec<u64> = self
                    .store
                    .buckets
                    .keys()
                    .filter(|(k, _)| *k == key)
                    .map(|(_, c)| *c)
                    .collect();
                all.sort_unstable();
                all
            } else {
                GridCell::covering(j.lat, j.lon, radius, BUCKET_LEVEL)
                    .iter()
                    .map(GridCell::id)
                    .collect()
            };
            for cell in cells {
                let Some(bucket) = self.store.buckets.get(&(key, cell)) else {
                    continue;
                };
                for &slot in bucket {
                    let Some(w) = &self.store.items[slot as usize] else {
                        continue;
                    };
                    // A worker wanting both a trade and its category sits in
                    // two buckets; count the pair once, under its first key.
                    let first_key = OCCUPATIONS.ancestors_or_self[j.occupation as usize]
                        .iter()
                        .find(|a| w.occupations.contains(a));
                    if first_key != Some(&key) {
                        continue;
                    }
                    if let Some(f) = fit(&j, w, day) {
                        let exposure =
                            self.store.exposure[slot as usize].load(AtomicOrdering::Relaxed);
                        let score = worker_score(&j, w, &f, exposure);
                        push_top(
                            &mut heap,
                            limit,
                            Scored {
                                score,
                                id: w.id,
                                slot,
                            },
                        );
                    }
                }
            }
        }
        let mut top = heap.into_vec();
        top.sort();
        let mut out = Vec::with_capacity(top.len());
        for s in top {
            let Some(w) = &self.store.items[s.slot as usize] else {
                continue;
            };
            let Some(f) = fit(&j, w, day) else { continue };
            if options.record_exposure {
                self.store.exposure[s.slot as usize].fetch_add(1, AtomicOrdering::Relaxed);
            }
            out.push(Recommendation {
                id: w.id,
                score: s.score,
                why: reasons_for_employer(&j, w, &f, day, &self.names),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
