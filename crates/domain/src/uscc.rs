//! Unified Social Credit Codes 统一社会信用代码 (GB 32100-2015), the
//! registration number of every employer, platform and sole trader.
//!
//! Layout: registration authority (1), organisation type (1), GB/T 2260
//! region of the registering office (6), GB 11714 organisation code (9),
//! check character (1), over the 31-symbol alphabet `0-9A-HJ-NPQRTUWXY`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DomainError;

/// I, O, S, V and Z are left out so they cannot be confused with 1, 0, 5, U
/// and 2.
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// 3^(i−1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value_of(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

/// A structurally valid credit code, upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Uscc(String);

/// The check character for the first 17 symbols, or `None` if `first17` is
/// not 17 symbols of the code alphabet (upper-case).
pub fn uscc_check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 {
        return None;
    }
    let mut sum = 0;
    for (&c, w) in bytes.iter().zip(WEIGHTS) {
        sum += value_of(c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    Some(ALPHABET[check as usize] as char)
}

impl Uscc {
    /// Validates structure and the check character.
    pub fn parse(s: &str) -> Result<Uscc, DomainError> {
        let code = Uscc::parse_ignoring_checksum(s)?;
        if !code.has_valid_checksum() {
            return Err(DomainError::new(
                "uscc_checksum",
                "统一社会信用代码校验位不正确",
            ));
        }
        Ok(code)
    }

    /// Validates everything except the check character.
    ///
    /// Some early pilot-area codes were legally issued but fail the checksum
    /// (SECURITY.md §2.3). Staff may accept such a code after checking the
    /// business licence by hand; this is the path for that override, and the
    /// caller should record that it was used.
    pub fn parse_ignoring_checksum(s: &str) -> Result<Uscc, DomainError> {
        let normalised = crate::input::compact(s).to_ascii_uppercase();
        if normalised.chars().count() != 18 {
            return Err(DomainError::new("uscc_length", "统一社会信用代码应为18位"));
        }
        let b = normalised.as_bytes();
        if !b.iter().all(|&c| value_of(c).is_some()) {
            return Err(DomainError::new(
                "uscc_charset",
                "统一社会信用代码只能包含数字和大写字母（不含I、O、S、V、Z）",
            ));
        }
        if !b[2..8].iter().all(u8::is_ascii_digit) {
            return Err(DomainError::new(
                "uscc_region",
                "统一社会信用代码第3至8位应为数字（登记机关行政区划代码）",
            ));
        }
        Ok(Uscc(normalised))
    }

    pub fn has_valid_checksum(&self) -> bool {
        uscc_check_char(&self.0[..17]) == self.0[17..].chars().next()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// GB/T 2260 code of the registering office (characters 3–8). It need not
    /// be a Shanxi code: employers registered elsewhere hire here too.
    pub fn region_code(&self) -> &str {
        &self.0[2..8]
    }

    /// The 9-character GB 11714 organisation code inside the credit code.
    pub fn organization_code(&self) -> &str {
        &self.0[8..17]
    }

    /// `"91110000******341L"`: type and region stay readable for staff; the
    /// organisation-specific middle is hidden, because for sole traders
    /// (个体工商户) the code identifies a person.
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..8], "*".repeat(6), &self.0[14..])
    }
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Uscc {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uscc::parse(s)
    }
}

impl Serialize for Uscc {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Uscc {
    /// Lenient about the checksum: stored codes may be manual overrides, and
    /// re-reading a row must not fail. New input goes through [`Uscc::parse`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Uscc::parse_ignoring_checksum(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn worked_example() {
        assert_eq!(uscc_check_char("91110000600037341"), Some('L'));
        let code = Uscc::parse("91110000600037341L").unwrap();
        assert_eq!(code.as_str(), "91110000600037341L");
        assert_eq!(code.region_code(), "110000");
        assert_eq!(code.organization_code(), "600037341");
        assert_eq!(code.masked(), "91110000******341L");
        assert_eq!(code.to_string(), "91110000600037341L");
    }

    #[test]
    fn lower_case_and_full_width_are_normalised() {
        for input in [
            "91110000600037341l",
            " 9111 0000 6000 3734 1L ",
            "９１１１００００６０００３７３４１Ｌ",
        ] {
            assert_eq!(
                Uscc::parse(input).unwrap().as_str(),
                "91110000600037341L",
                "{input}"
            );
        }
    }

    #[test]
    fn error_codes() {
        for (input, code) in [
            ("91110000600037341K", "uscc_checksum"),
            ("91110000600037341", "uscc_length"),
            ("91110000600037341LL", "uscc_length"),
            ("91110000600037341I", "uscc_charset"),
            ("9111000060003734OL", "uscc_charset"),
            ("91A10000600037341L", "uscc_region"),
            ("", "uscc_length"),
        ] {
            assert_eq!(Uscc::parse(input).unwrap_err().code, code, "{input}");
        }
    }

    #[test]
    fn checksum_override_path() {
        let code = Uscc::parse_ignoring_checksum("91110000600037341K").unwrap();
        assert!(!code.has_valid_checksum());
        assert!(Uscc::parse("91110000600037341K").is_err());
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(serde_json::from_str::<Uscc>(&json).unwrap(), code);
    }

    #[test]
    fn check_char_rejects_bad_bodies() {
        assert_eq!(uscc_check_char("9111000060003734"), None);
        assert_eq!(uscc_check_char("9111000060003734I"), None);
        assert_eq!(uscc_check_char("9111000060003734l"), None);
    }

    fn symbol() -> impl Strategy<Value = char> {
        prop::sample::select(ALPHABET.to_vec()).prop_map(|b| b as char)
    }

    proptest! {
        #[test]
        fn computed_check_char_always_parses(
            head in proptest::collection::vec(symbol(), 2),
            region in 100000u32..999999,
            org in proptest::collection::vec(symbol(), 9),
        ) {
            let first17: String = head.iter().collect::<String>() + &region.to_string()
                + &org.iter().collect::<String>();
            let full = format!("{first17}{}", uscc_check_char(&first17).unwrap());
            let code = Uscc::parse(&full).unwrap();
            prop_assert_eq!(code.as_str(), full.as_str());
            prop_assert!(Uscc::parse(&full.to_lowercase()).is_ok());
        }
    }
}
