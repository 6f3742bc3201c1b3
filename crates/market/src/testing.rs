//! Builders for tests.

use chrono::{NaiveDate, TimeZone, Utc};
use linghuo_domain::RegionCode;
use uuid::Uuid;

use crate::geo::GeoPoint;
use crate::post::{JobForm, JobPost, Pay, PayUnit, Schedule, TimeSlot, Weekdays};

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn region(code: &str) -> RegionCode {
    RegionCode::parse(code).unwrap()
}

/// The seat of a county as `(lat, lon)`.
pub fn seat(code: &str) -> (f64, f64) {
    let p = GeoPoint::of_region(region(code));
    (p.lat, p.lon)
}

/// A post in 小店区 at the county seat: 保洁员, 200元/天, weekdays 8–12,
/// from 2026-11-30, open-ended, expiring 2026-12-31.
pub fn post(n: u128, title: &str, occupation: &str) -> JobPost {
    let (lat, lon) = seat("140105");
    JobPost {
        id: Uuid::from_u128(n),
        external_id: None,
        title: title.to_string(),
        description: String::new(),
        skills: Vec::new(),
        occupation: occupation.to_string(),
        trade_text: None,
        form: JobForm::Gig,
        county: region("140105"),
        lat,
        lon,
        pay: Pay::yuan(200, PayUnit::Day),
        starts_on: date(2026, 11, 30),
        ends_on: None,
        schedule: Schedule::weekly(Weekdays::WORKDAYS, vec![TimeSlot::hm(8, 0, 12, 0)]),
        hours_per_week: None,
        headcount: 1,
        required_certificates: Vec::new(),
        accident_cover: true,
        remote: false,
        employer_on_time_rate: Some(0.95),
        posted_at: Utc.with_ymd_and_hms(2026, 11, 27, 8, 0, 0).unwrap(),
        expires_on: date(2026, 12, 31),
    }
}

/// A point `km` kilometres due north of `(lat, lon)`.
pub fn north_of((lat, lon): (f64, f64), km: f64) -> (f64, f64) {
    (lat + km / crate::geo::KM_PER_DEGREE, lon)
}

/// The service shares these across request handlers.
#[test]
fn shared_types_are_send_and_sync() {
    fn shared<T: Send + Sync>() {}
    shared::<crate::index::MarketIndex>();
    shared::<crate::matching::JobMatcher>();
    shared::<crate::matching::WorkerPool>();
    shared::<crate::segmentation::Segmenter>();
}
