//! Mainland mobile numbers.
//!
//! Only a lenient structural check, `1[3-9]` plus nine digits: segments are
//! assigned by MIIT and change, and since number portability (2019) the
//! carrier cannot be read from the number anyway. Ownership is proven by SMS,
//! not by this type.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DomainError;

/// A mainland mobile number as 11 ASCII digits.
///
/// `Debug` is masked and there is no `Display`, for the same reason as
/// [`crate::IdNumber`]: a phone number is personal information and must not
/// reach logs by accident.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

/// Whether 11 ASCII digits look like a personal mobile number.
pub(crate) fn is_mobile_digits(d: &[u8]) -> bool {
    d.len() == 11
        && d.iter().all(u8::is_ascii_digit)
        && d[0] == b'1'
        && (b'3'..=b'9').contains(&d[1])
}

impl Phone {
    /// Accepts `13812345678`, `138 1234 5678`, `138-1234-5678`,
    /// `+86 138 1234 5678`, `8613812345678` and `008613812345678`.
    pub fn parse(s: &str) -> Result<Phone, DomainError> {
        let cleaned: String = crate::input::compact(s)
            .chars()
            .filter(|&c| c != '-')
            .collect();
        let digits = if let Some(rest) = cleaned.strip_prefix("+86") {
            rest
        } else if cleaned.len() == 15 && cleaned.starts_with("0086") {
            &cleaned[4..]
        } else if cleaned.len() == 13 && cleaned.starts_with("86") {
            &cleaned[2..]
        } else {
            &cleaned
        };
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(DomainError::new("phone_format", "手机号码只能包含数字"));
        }
        if digits.len() != 11 {
            return Err(DomainError::new("phone_length", "手机号码应为11位数字"));
        }
        if !is_mobile_digits(digits.as_bytes()) {
            return Err(DomainError::new(
                "phone_format",
                "手机号码格式不正确，应以13至19开头",
            ));
        }
        Ok(Phone(digits.to_string()))
    }

    /// The 11 digits, without country code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `"138****5678"`.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Phone").field(&self.masked()).finish()
    }
}

impl FromStr for Phone {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Phone::parse(s)
    }
}

impl Serialize for Phone {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Phone {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Phone::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepted_spellings() {
        for input in [
            "13812345678",
            " 138 1234 5678 ",
            "138-1234-5678",
            "+8613812345678",
            "+86 138-1234-5678",
            "8613812345678",
            "008613812345678",
            "１３８１２３４５６７８",
        ] {
            assert_eq!(
                Phone::parse(input).unwrap().as_str(),
                "13812345678",
                "{input}"
            );
        }
    }

    #[test]
    fn rejected_with_codes() {
        for (input, code) in [
            ("12812345678", "phone_format"),
            ("10012345678", "phone_format"),
            ("1381234567", "phone_length"),
            ("138123456789", "phone_length"),
            ("1381234567a", "phone_format"),
            ("+85213812345678", "phone_format"),
            ("+1 13812345678", "phone_format"),
            ("0351-1234567", "phone_format"),
            ("", "phone_length"),
        ] {
            assert_eq!(Phone::parse(input).unwrap_err().code, code, "{input}");
        }
    }

    #[test]
    fn masked_and_debug() {
        let p = Phone::parse("13812345678").unwrap();
        assert_eq!(p.masked(), "138****5678");
        let debug = format!("{p:?}");
        assert!(!debug.contains("13812345678"));
        assert!(debug.contains("138****5678"));
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"13812345678\"");
        assert_eq!(
            serde_json::from_str::<Phone>("\"+86 13812345678\"").unwrap(),
            p
        );
    }

    proptest! {
        #[test]
        fn every_structurally_valid_number_parses(second in 3u8..=9, rest in 0u64..1_000_000_000) {
            let s = format!("1{second}{rest:09}");
            let p = Phone::parse(&s).unwrap();
            prop_assert_eq!(p.as_str(), s.as_str());
            prop_assert_eq!(Phone::parse(&format!("+86{s}")).unwrap(), p.clone());
            prop_assert_eq!(p.masked().chars().filter(|&c| c != '*').count(), 7);
        }
    }
}
