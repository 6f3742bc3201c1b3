//! Calendar arithmetic the rules need: calendar months as one integer, "the
//! same calendar day N months later" with end-of-month clamping, and Chinese
//! renderings of dates and months for reasons.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Serialize, Serializer};
use std::fmt;

/// A calendar month as `year × 12 + (month − 1)`, so month arithmetic is
/// integer arithmetic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month(pub i32);

impl Month {
    pub fn new(year: i32, month: u32) -> Month {
        Month(year * 12 + month as i32 - 1)
    }

    pub fn of(d: NaiveDate) -> Month {
        Month::new(d.year(), d.month())
    }

    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// 1..=12
    pub fn month(self) -> u32 {
        (self.0.rem_euclid(12) + 1) as u32
    }

    pub fn plus(self, n: i32) -> Month {
        Month(self.0 + n)
    }

    /// Parses `YYYY-MM` strictly.
    pub fn parse(s: &str) -> Option<Month> {
        let b = s.as_bytes();
        if b.len() != 7 || b[4] != b'-' {
            return None;
        }
        let y = digits(&b[0..4])?;
        let m = digits(&b[5..7])?;
        if !(1..=12).contains(&m) {
            return None;
        }
        Some(Month::new(y as i32, m))
    }

    /// `2021年6月`
    pub fn zh(self) -> String {
        format!("{}年{}月", self.year(), self.month())
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl Month {
    /// `YYYY-MM` in a stack buffer, as serialised.
    pub(crate) fn text(self, b: &mut [u8; 7]) -> &str {
        put4(&mut b[0..4], self.year());
        b[4] = b'-';
        put2(&mut b[5..7], self.month());
        std::str::from_utf8(b).unwrap_or("0000-00")
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut b = [0u8; 7];
        s.serialize_str(self.text(&mut b))
    }
}

fn put4(b: &mut [u8], v: i32) {
    let v = v.clamp(0, 9999) as u32;
    b[0] = b'0' + (v / 1000) as u8;
    b[1] = b'0' + (v / 100 % 10) as u8;
    b[2] = b'0' + (v / 10 % 10) as u8;
    b[3] = b'0' + (v % 10) as u8;
}

fn put2(b: &mut [u8], v: u32) {
    b[0] = b'0' + (v / 10 % 10) as u8;
    b[1] = b'0' + (v % 10) as u8;
}

/// Serialises a day as `YYYY-MM-DD` without the formatting machinery
/// (`#[serde(serialize_with = "crate::calendar::serde_date")]`).
pub fn serde_date<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    let mut b = [0u8; 10];
    s.serialize_str(date_text(*d, &mut b))
}

/// `YYYY-MM-DD` in a stack buffer, as [`serde_date`] writes it.
pub(crate) fn date_text(d: NaiveDate, b: &mut [u8; 10]) -> &str {
    put4(&mut b[0..4], d.year());
    b[4] = b'-';
    put2(&mut b[5..7], d.month());
    b[7] = b'-';
    put2(&mut b[8..10], d.day());
    std::str::from_utf8(b).unwrap_or("0000-00-00")
}

/// [`serde_date`] for optional days (absent ones are skipped by the caller).
pub fn serde_opt_date<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => serde_date(d, s),
        None => s.serialize_none(),
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    let mut v = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + u32::from(c - b'0');
    }
    Some(v)
}

/// Parses `YYYY-MM-DD` strictly (a real calendar day, four-digit year).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y = digits(&b[0..4])?;
    let m = digits(&b[5..7])?;
    let d = digits(&b[8..10])?;
    NaiveDate::from_ymd_opt(y as i32, m, d)
}

/// The same calendar day `n` months later; where that day does not exist, the
/// last day of that month (2020-08-31 + 6 months = 2021-02-28).
pub fn same_day_months_later(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n))
        .unwrap_or(NaiveDate::MAX)
}

/// `2021年6月1日`
pub fn zh_date(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// Days since 0001-01-01, the key parameter lookups are done on.
pub fn day_number(d: NaiveDate) -> i32 {
    d.num_days_from_ce()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn clamps_to_month_end() {
        assert_eq!(same_day_months_later(d("2020-08-31"), 6), d("2021-02-28"));
        assert_eq!(same_day_months_later(d("2019-08-31"), 6), d("2020-02-29"));
        assert_eq!(same_day_months_later(d("2020-11-10"), 12), d("2021-11-10"));
        assert_eq!(same_day_months_later(d("2020-01-31"), 1), d("2020-02-29"));
    }

    #[test]
    fn months() {
        let m = Month::parse("2021-01").unwrap();
        assert_eq!(m.plus(-1).to_string(), "2020-12");
        assert_eq!(m.plus(35).to_string(), "2023-12");
        assert_eq!(m.zh(), "2021年1月");
        assert!(Month::parse("2021-13").is_none());
        assert!(Month::parse("2021-1").is_none());
        assert!(parse_date("2021-02-29").is_none());
        assert!(parse_date("2021-2-01").is_none());
        assert_eq!(zh_date(d("2021-06-01")), "2021年6月1日");
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"2021-01\"");
        #[derive(serde::Serialize)]
        struct W(#[serde(serialize_with = "serde_date")] NaiveDate);
        assert_eq!(
            serde_json::to_string(&W(d("2021-06-01"))).unwrap(),
            "\"2021-06-01\""
        );
    }
}
