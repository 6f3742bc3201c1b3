//! Amounts in yuan (人民币元), exact to the fen (分).
//!
//! Money is stored as BIGINT fen, computed as `rust_decimal`, and carried in
//! JSON as a string with two decimals. It is never a float anywhere: a
//! subsidy of 0.1 + 0.2 yuan must be exactly 0.30.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DomainError;

/// An amount of yuan with exactly two decimals. May be negative (refunds,
/// corrections); use [`Money::parse_non_negative`] for amounts people type
/// as wages or benefits.
///
/// The value always fits in an `i64` number of fen, so [`Money::fen`] never
/// fails and the database column can be BIGINT.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Money(Decimal);

fn scale_error() -> DomainError {
    DomainError::new("money_scale", "金额最多保留两位小数（精确到分）")
}

fn format_error() -> DomainError {
    DomainError::new(
        "money_format",
        "金额格式不正确，应为数字，例如 1234.50 或 1,234.50",
    )
}

fn range_error() -> DomainError {
    DomainError::new("money_range", "金额超出允许范围")
}

impl Money {
    pub fn from_fen(fen: i64) -> Money {
        Money(Decimal::new(fen, 2))
    }

    /// The amount in fen. Exact: the scale is always 2.
    pub fn fen(&self) -> i64 {
        // Every constructor keeps the scale at 2 and the mantissa in i64.
        i64::try_from(self.0.mantissa()).expect("money mantissa fits i64 by construction")
    }

    pub fn zero() -> Money {
        Money::from_fen(0)
    }

    /// Parses what people type: `"1234"`, `"1234.5"`, `"1,234.50"`,
    /// `"-12.30"`, and also what [`Money::to_display`] prints
    /// (`"1,234.50 元"`, optionally with a leading `¥`/`￥`).
    /// More than two decimals is an error rather than a silent rounding.
    pub fn parse(s: &str) -> Result<Money, DomainError> {
        let folded: String = s.chars().map(crate::input::fold_width).collect();
        let mut t = folded.trim();
        t = t.strip_suffix('元').unwrap_or(t).trim_end();
        let negative = t.starts_with('-');
        if negative || t.starts_with('+') {
            t = &t[1..];
        }
        t = t.strip_prefix(['¥', '￥']).unwrap_or(t).trim_start();
        let (int_part, frac_part) = match t.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (t, None),
        };
        let int_digits = integer_digits(int_part).ok_or_else(format_error)?;
        let frac = match frac_part {
            None => "",
            Some(f) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => f,
            Some(_) => return Err(format_error()),
        };
        if frac.len() > 2 {
            return Err(scale_error());
        }
        // i64::MIN has one more unit of magnitude than i64::MAX.
        let limit = i128::from(i64::MAX) + i128::from(negative);
        let mut fen: i128 = 0;
        for b in int_digits
            .bytes()
            .chain(frac.bytes())
            .chain("00"[frac.len()..].bytes())
        {
            fen = fen * 10 + i128::from(b - b'0');
            if fen > limit {
                return Err(range_error());
            }
        }
        let fen = if negative { -fen } else { fen };
        Ok(Money::from_fen(
            i64::try_from(fen).map_err(|_| range_error())?,
        ))
    }

    /// As [`Money::parse`], rejecting amounts below zero (wages, prices,
    /// benefit claims).
    pub fn parse_non_negative(s: &str) -> Result<Money, DomainError> {
        let m = Money::parse(s)?;
        if m.is_negative() {
            return Err(DomainError::new("money_negative", "金额不能为负数"));
        }
        Ok(m)
    }

    /// Converts a decimal computed elsewhere (e.g. by the policy engine).
    /// Trailing zeros beyond two places are fine; real sub-fen digits are
    /// an error, because rounding is a policy decision the caller must make
    /// explicitly (see [`Money::from_decimal_rounded`]).
    pub fn from_decimal(d: Decimal) -> Result<Money, DomainError> {
        let normalized = d.normalize();
        if normalized.scale() > 2 {
            return Err(scale_error());
        }
        let mut rescaled = normalized;
        rescaled.rescale(2);
        if rescaled.scale() != 2 {
            // Too large to carry two decimals within 96 bits.
            return Err(range_error());
        }
        let fen = i64::try_from(rescaled.mantissa()).map_err(|_| range_error())?;
        Ok(Money::from_fen(fen))
    }

    /// Rounds half away from zero to the fen (四舍五入), the usual rule for
    /// amounts paid to people.
    pub fn from_decimal_rounded(d: Decimal) -> Result<Money, DomainError> {
        Money::from_decimal(
            d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero),
        )
    }

    pub fn as_decimal(&self) -> Decimal {
        self.0
    }

    pub fn is_zero(&self) -> bool {
        self.0.is_zero()
    }

    pub fn is_negative(&self) -> bool {
        self.fen() < 0
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.fen().checked_add(other.fen()).map(Money::from_fen)
    }

    pub fn checked_sub(self, other: Money) -> Option<Money> {
        self.fen().checked_sub(other.fen()).map(Money::from_fen)
    }

    /// Multiplies by a whole count (days worked, people covered).
    pub fn checked_mul(self, times: i64) -> Option<Money> {
        self.fen().checked_mul(times).map(Money::from_fen)
    }

    /// `"1,234.50 元"`, for pages and notices.
    pub fn to_display(&self) -> String {
        let fen = self.fen();
        let abs = fen.unsigned_abs();
        let yuan = (abs / 100).to_string();
        let mut grouped = String::with_capacity(yuan.len() + yuan.len() / 3);
        for (i, c) in yuan.chars().enumerate() {
            if i > 0 && (yuan.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if fen < 0 { "-" } else { "" };
        format!("{sign}{grouped}.{:02} 元", abs % 100)
    }
}

/// `"1,234"` or `"1234"`; thousands separators must be in groups of three.
fn integer_digits(s: &str) -> Option<String> {
    if s.is_empty() {
        return None;
    }
    if !s.contains(',') {
        return s.bytes().all(|b| b.is_ascii_digit()).then(|| s.to_string());
    }
    let groups: Vec<&str> = s.split(',').collect();
    let first_ok = (1..=3).contains(&groups[0].len());
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    let digits_ok = groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()));
    (first_ok && rest_ok && digits_ok).then(|| groups.concat())
}

impl Default for Money {
    fn default() -> Self {
        Money::zero()
    }
}

/// `"1234.50"`: two decimals, no grouping, no unit; the wire and CSV form.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fen = self.fen();
        let abs = fen.unsigned_abs();
        let sign = if fen < 0 { "-" } else { "" };
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

impl FromStr for Money {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl From<Money> for Decimal {
    fn from(m: Money) -> Decimal {
        m.0
    }
}

impl TryFrom<Decimal> for Money {
    type Error = DomainError;
    fn try_from(d: Decimal) -> Result<Self, Self::Error> {
        Money::from_decimal(d)
    }
}

/// Panics on overflow (beyond ±92 trillion yuan), like integer arithmetic in
/// debug builds; use `checked_add` where inputs are not bounded.
impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        self.checked_add(rhs).expect("money addition overflowed")
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        self.checked_sub(rhs).expect("money subtraction overflowed")
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money::from_fen(self.fen().checked_neg().expect("money negation overflowed"))
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::zero(), Add::add)
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Money {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(MoneyVisitor)
    }
}

struct MoneyVisitor;

const NOT_A_NUMBER: &str = "金额必须以字符串形式传递，例如 \"1234.50\"，不接受数字类型";

impl Visitor<'_> for MoneyVisitor {
    type Value = Money;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal string with at most two decimals, such as \"1234.50\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Money, E> {
        Money::parse(v).map_err(E::custom)
    }

    // Numbers are refused outright: a JSON number may already have passed
    // through a float on the client, and silently accepting it would hide that.
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Money, E> {
        Err(E::custom(NOT_A_NUMBER))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Money, E> {
        Err(E::custom(NOT_A_NUMBER))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Money, E> {
        Err(E::custom(NOT_A_NUMBER))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn parse_accepts_common_spellings() {
        for (input, fen) in [
            ("1234.5", 123_450),
            ("1,234.50", 123_450),
            ("1234", 123_400),
            ("0.01", 1),
            ("-12.30", -1_230),
            ("+3", 300),
            (" 1,234.50 元 ", 123_450),
            ("¥1,234.50", 123_450),
            ("￥12", 1_200),
            ("１２３４.５", 123_450),
            ("-1,234,567.89 元", -123_456_789),
            ("0", 0),
            ("-0.00", 0),
        ] {
            assert_eq!(m(input).fen(), fen, "{input}");
        }
    }

    #[test]
    fn parse_errors() {
        for (input, code) in [
            ("1.234", "money_scale"),
            ("0.001", "money_scale"),
            ("abc", "money_format"),
            ("", "money_format"),
            ("1.", "money_format"),
            (".5", "money_format"),
            ("1,23.00", "money_format"),
            ("12,3456", "money_format"),
            (",123", "money_format"),
            ("1e3", "money_format"),
            ("1 234", "money_format"),
            ("--1", "money_format"),
            ("NaN", "money_format"),
            ("99999999999999999999", "money_range"),
        ] {
            assert_eq!(Money::parse(input).unwrap_err().code, code, "{input}");
        }
        assert_eq!(
            Money::parse_non_negative("-0.01").unwrap_err().code,
            "money_negative"
        );
        assert_eq!(Money::parse_non_negative("0").unwrap(), Money::zero());
    }

    #[test]
    fn display_forms() {
        assert_eq!(m("1234.5").to_string(), "1234.50");
        assert_eq!(m("1234.5").to_display(), "1,234.50 元");
        assert_eq!(m("-1234567.8").to_display(), "-1,234,567.80 元");
        assert_eq!(m("999").to_display(), "999.00 元");
        assert_eq!(m("-0.05").to_string(), "-0.05");
        assert_eq!(Money::default().to_string(), "0.00");
        assert_eq!(format!("{:?}", m("1.5")), "Money(1.50)");
        assert_eq!(
            Money::from_fen(i64::MIN).to_string(),
            "-92233720368547758.08"
        );
    }

    #[test]
    fn arithmetic_is_exact() {
        assert_eq!(m("0.1") + m("0.2"), m("0.3"));
        assert_eq!(m("10") - m("10.01"), m("-0.01"));
        assert_eq!(-m("5"), m("-5"));
        assert_eq!([m("1.10"), m("2.20")].iter().sum::<Money>(), m("3.30"));
        assert_eq!(
            Money::from_fen(i64::MAX).checked_add(Money::from_fen(1)),
            None
        );
        assert_eq!(
            Money::from_fen(i64::MIN).checked_sub(Money::from_fen(1)),
            None
        );
        assert_eq!(m("1.25").checked_mul(3), Some(m("3.75")));
        assert!(m("2") > m("1.99"));
        assert!(m("0").is_zero());
    }

    #[test]
    fn decimal_conversion() {
        use std::str::FromStr;
        let d = |s: &str| Decimal::from_str(s).unwrap();
        assert_eq!(Money::from_decimal(d("12.3000")).unwrap(), m("12.30"));
        assert_eq!(Money::from_decimal(d("12")).unwrap().fen(), 1200);
        assert_eq!(
            Money::from_decimal(d("0.125")).unwrap_err().code,
            "money_scale"
        );
        assert_eq!(Money::from_decimal_rounded(d("0.125")).unwrap(), m("0.13"));
        assert_eq!(
            Money::from_decimal_rounded(d("-0.125")).unwrap(),
            m("-0.13")
        );
        assert_eq!(Decimal::from(m("1.5")), d("1.50"));
        assert_eq!(Money::try_from(d("7.1")).unwrap().fen(), 710);
        assert_eq!(m("1.5").as_decimal().scale(), 2);
    }

    #[test]
    fn json_is_a_string_and_numbers_are_refused() {
        assert_eq!(serde_json::to_string(&m("1234.5")).unwrap(), "\"1234.50\"");
        assert_eq!(serde_json::to_string(&Money::zero()).unwrap(), "\"0.00\"");
        assert_eq!(
            serde_json::from_str::<Money>("\"1234.50\"").unwrap(),
            m("1234.5")
        );
        for number in ["1234.5", "1234", "-1"] {
            let e = serde_json::from_str::<Money>(number).unwrap_err();
            assert!(e.to_string().contains("字符串"), "{e}");
        }
        assert!(serde_json::from_str::<Money>("\"1.234\"").is_err());
        assert!(serde_json::from_str::<Money>("null").is_err());
    }

    proptest! {
        #[test]
        fn fen_round_trips(fen in any::<i64>()) {
            let money = Money::from_fen(fen);
            prop_assert_eq!(money.fen(), fen);
            prop_assert_eq!(money.as_decimal().scale(), 2);
        }

        #[test]
        fn display_and_parse_round_trip(fen in any::<i64>()) {
            let money = Money::from_fen(fen);
            prop_assert_eq!(Money::parse(&money.to_string()).unwrap(), money);
            prop_assert_eq!(Money::parse(&money.to_display()).unwrap(), money);
            let json = serde_json::to_string(&money).unwrap();
            prop_assert!(json.starts_with('"') && json.ends_with('"'));
            prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), money);
        }

        #[test]
        fn addition_matches_fen_arithmetic(a in -1_000_000_000i64..1_000_000_000, b in -1_000_000_000i64..1_000_000_000) {
            prop_assert_eq!((Money::from_fen(a) + Money::from_fen(b)).fen(), a + b);
            prop_assert_eq!((Money::from_fen(a) - Money::from_fen(b)).fen(), a - b);
        }
    }
}
