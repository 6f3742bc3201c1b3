//! Money as integer fen (分): parsed exactly from decimal strings, printed with
//! exactly two decimals. No binary floating point ever touches an amount.

use serde::{Serialize, Serializer};
use std::fmt;

/// An amount of money in fen (0.01 yuan). Amounts in facts are never negative;
/// intermediate differences may be, which is why this is signed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fen(pub i64);

/// Why a money string was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MoneyError {
    /// Not of the form `1234`, `1234.5` or `1234.50`.
    Malformed,
    /// Begins with a minus sign.
    Negative,
    /// More than fifteen digits before the point.
    TooLarge,
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan.
    pub const fn yuan(y: i64) -> Fen {
        Fen(y * 100)
    }

    /// Parses a non-negative decimal amount with at most two decimals into fen,
    /// exactly. Signs, exponents, spaces, thousands separators and a third
    /// decimal are refused: an amount that cannot be represented in fen is not
    /// rounded, it is an error.
    pub fn parse(s: &str) -> Result<Fen, MoneyError> {
        let b = s.as_bytes();
        if b.first() == Some(&b'-') {
            return if Fen::parse(&s[1..]).is_ok() {
                Err(MoneyError::Negative)
            } else {
                Err(MoneyError::Malformed)
            };
        }
        let (int, frac) = match s.find('.') {
            Some(i) => (&b[..i], Some(&b[i + 1..])),
            None => (b, None),
        };
        if int.is_empty() || !int.iter().all(u8::is_ascii_digit) {
            return Err(MoneyError::Malformed);
        }
        if int.len() > 15 {
            return Err(MoneyError::TooLarge);
        }
        let mut v: i64 = 0;
        for &d in int {
            v = v * 10 + i64::from(d - b'0');
        }
        let mut cents: i64 = 0;
        if let Some(frac) = frac {
            if frac.is_empty() || frac.len() > 2 || !frac.iter().all(u8::is_ascii_digit) {
                return Err(MoneyError::Malformed);
            }
            cents = i64::from(frac[0] - b'0') * 10;
            if frac.len() == 2 {
                cents += i64::from(frac[1] - b'0');
            }
        }
        Ok(Fen(v * 100 + cents))
    }

    /// Formats for people: thousands separators and the unit, e.g. `1,234.50元`.
    pub fn yuan_text(self) -> String {
        let mut buf = [0u8; 24];
        let plain = self.write_plain(&mut buf);
        let (sign, digits) = match plain.strip_prefix('-') {
            Some(d) => ("-", d),
            None => ("", plain),
        };
        let (int, frac) = digits.split_at(digits.len() - 3);
        let mut out = String::with_capacity(plain.len() + int.len() / 3 + 4);
        out.push_str(sign);
        for (i, ch) in int.char_indices() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        out.push_str(frac);
        out.push('元');
        out
    }

    /// `self × num / den`, truncated toward zero to the fen. Used where the
    /// policy says "not more than" a fraction, so the result never exceeds it.
    pub fn times_fraction_truncated(self, num: i64, den: i64) -> Fen {
        debug_assert!(den > 0);
        Fen(((i128::from(self.0) * i128::from(num)) / i128::from(den)) as i64)
    }
}

impl Fen {
    /// Writes the contract's form into `buf` without allocating; serialising
    /// amounts is on the hot path of every screening.
    pub fn write_plain(self, buf: &mut [u8; 24]) -> &str {
        let mut i = buf.len();
        let mut a = self.0.unsigned_abs();
        let cents = (a % 100) as u8;
        a /= 100;
        i -= 1;
        buf[i] = b'0' + cents % 10;
        i -= 1;
        buf[i] = b'0' + cents / 10;
        i -= 1;
        buf[i] = b'.';
        loop {
            i -= 1;
            buf[i] = b'0' + (a % 10) as u8;
            a /= 10;
            if a == 0 {
                break;
            }
        }
        if self.0 < 0 {
            i -= 1;
            buf[i] = b'-';
        }
        std::str::from_utf8(&buf[i..]).unwrap_or("0.00")
    }
}

impl fmt::Display for Fen {
    /// The contract's form: plain digits and exactly two decimals (`1234.50`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; 24];
        f.write_str(self.write_plain(&mut buf))
    }
}

impl Serialize for Fen {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut buf = [0u8; 24];
        s.serialize_str(self.write_plain(&mut buf))
    }
}

impl std::ops::Add for Fen {
    type Output = Fen;
    fn add(self, o: Fen) -> Fen {
        Fen(self.0 + o.0)
    }
}

impl std::ops::Sub for Fen {
    type Output = Fen;
    fn sub(self, o: Fen) -> Fen {
        Fen(self.0 - o.0)
    }
}

impl std::ops::AddAssign for Fen {
    fn add_assign(&mut self, o: Fen) {
        self.0 += o.0;
    }
}

impl std::ops::SubAssign for Fen {
    fn sub_assign(&mut self, o: Fen) {
        self.0 -= o.0;
    }
}

impl std::iter::Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(it: I) -> Fen {
        Fen(it.map(|f| f.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_exactly() {
        assert_eq!(Fen::parse("1234.50"), Ok(Fen(123450)));
        assert_eq!(Fen::parse("0.01"), Ok(Fen(1)));
        assert_eq!(Fen::parse("100"), Ok(Fen(10000)));
        assert_eq!(Fen::parse("100.5"), Ok(Fen(10050)));
        assert_eq!(Fen::parse("-1.00"), Err(MoneyError::Negative));
        assert_eq!(Fen::parse("1.005"), Err(MoneyError::Malformed));
        assert_eq!(Fen::parse("1,000.00"), Err(MoneyError::Malformed));
        assert_eq!(Fen::parse(""), Err(MoneyError::Malformed));
        assert_eq!(Fen::parse("."), Err(MoneyError::Malformed));
        assert_eq!(Fen::parse("1."), Err(MoneyError::Malformed));
        assert_eq!(Fen::parse("1e3"), Err(MoneyError::Malformed));
        assert_eq!(Fen::parse("-abc"), Err(MoneyError::Malformed));
    }

    #[test]
    fn formats() {
        assert_eq!(Fen(123450).to_string(), "1234.50");
        assert_eq!(Fen(5).to_string(), "0.05");
        assert_eq!(Fen(0).to_string(), "0.00");
        assert_eq!(Fen(-150).to_string(), "-1.50");
        assert_eq!(Fen(i64::MAX).to_string(), "92233720368547758.07");
        assert_eq!(Fen(123450).yuan_text(), "1,234.50元");
        assert_eq!(Fen(30000000).yuan_text(), "300,000.00元");
        assert_eq!(Fen(99).yuan_text(), "0.99元");
        assert_eq!(Fen(-123456).yuan_text(), "-1,234.56元");
        assert_eq!(Fen(100000).yuan_text(), "1,000.00元");
    }

    #[test]
    fn two_thirds_truncates() {
        assert_eq!(Fen(10001).times_fraction_truncated(2, 3), Fen(6667));
        assert_eq!(Fen(1).times_fraction_truncated(2, 3), Fen(0));
        assert_eq!(Fen(60000).times_fraction_truncated(2, 3), Fen(40000));
    }
}
