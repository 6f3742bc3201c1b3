//! Resident ID numbers 公民身份号码 (GB 11643-1999).
//!
//! Layout: 6-digit address code, 8-digit birth date, 3-digit sequence (odd
//! for men), and an ISO 7064 MOD 11-2 check character (`0`–`9` or `X`).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::DomainError;

/// Weights 2^(18−i) mod 11 for positions 1..=17.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

/// Province-level prefixes of GB/T 2260, plus 71 (Taiwan) and 81/82/83,
/// which the residence permits for Hong Kong, Macao and Taiwan residents
/// (港澳台居民居住证, since 2018) use as address codes 810000/820000/830000.
const PROVINCES: [u8; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// A validated 18-character resident ID number, normalised (ASCII digits,
/// upper-case `X`).
///
/// `Debug` prints the masked form so that a stray `{:?}` in a log line never
/// leaks the number. There is deliberately no `Display`: code that needs the
/// full value must say so with [`IdNumber::as_str`].
///
/// Serialises as the full string, because storage needs it; the service
/// layer decides where to mask. Deserialises through [`IdNumber::parse`].
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

/// The check character for the first 17 digits, or `None` if `first17` is
/// not exactly 17 ASCII digits.
pub fn check_char(first17: &str) -> Option<char> {
    let bytes = first17.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(check_char_of_digits(bytes))
}

/// Callers guarantee 17 ASCII digits.
fn check_char_of_digits(digits: &[u8]) -> char {
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize] as char
}

/// Whether 18 bytes (17 digits + digit/`X`/`x`) carry a correct check
/// character. Shared with the PII scanner in [`crate::masking`].
pub(crate) fn checksum_ok(window: &[u8]) -> bool {
    debug_assert_eq!(window.len(), 18);
    let expected = check_char_of_digits(&window[..17]) as u8;
    window[17].to_ascii_uppercase() == expected
}

/// Parses `YYYYMMDD` from 8 ASCII digits.
pub(crate) fn date_of(digits: &[u8]) -> Option<NaiveDate> {
    let n = |r: std::ops::Range<usize>| {
        digits[r]
            .iter()
            .fold(0u32, |acc, d| acc * 10 + u32::from(d - b'0'))
    };
    NaiveDate::from_ymd_opt(n(0..4) as i32, n(4..6), n(6..8))
}

fn err(code: &'static str, message: &str) -> DomainError {
    DomainError::new(code, message)
}

/// The earliest birth date we accept: anyone older is either a typo or a
/// record nobody should be paying benefits on.
fn earliest_birth_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid constant date")
}

fn address_code_plausible(code: &str) -> bool {
    let b = code.as_bytes();
    let province = (b[0] - b'0') * 10 + (b[1] - b'0');
    if province == 14 {
        // Shanxi: we ship the full history, so insist on a code that existed.
        return crate::region::address_code_ever_existed(code);
    }
    if !PROVINCES.contains(&province) {
        return false;
    }
    let rest = &code[2..];
    match province {
        // Taiwan and the HK/Macao/Taiwan residence permits carry the
        // province-level code only.
        71 | 81 | 82 | 83 => rest == "0000",
        // GB/T 2260 never has a county part under a "00" city part.
        _ => !(rest.starts_with("00") && rest != "0000"),
    }
}

impl IdNumber {
    /// Validates an ID number typed on a form, with "today" in China
    /// Standard Time as the latest acceptable birth date.
    pub fn parse(s: &str) -> Result<IdNumber, DomainError> {
        IdNumber::parse_on(s, crate::china_today())
    }

    /// As [`IdNumber::parse`], with an explicit "today" so tests (and batch
    /// imports replaying a past date) are deterministic.
    pub fn parse_on(s: &str, today: NaiveDate) -> Result<IdNumber, DomainError> {
        let normalised = normalise(s);
        let chars = normalised.chars().count();
        if chars == 15 && normalised.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                "id_number_legacy",
                "这是15位旧版身份证号码，请填写18位居民身份证号码",
            ));
        }
        if chars != 18 {
            return Err(err("id_number_length", "身份证号码应为18位"));
        }
        let b = normalised.as_bytes();
        if !b[..17].iter().all(u8::is_ascii_digit) || !(b[17].is_ascii_digit() || b[17] == b'X') {
            return Err(err(
                "id_number_format",
                "身份证号码前17位应为数字，最后一位应为数字或X",
            ));
        }
        if !checksum_ok(b) {
            return Err(err("id_number_checksum", "身份证号码校验位不正确"));
        }
        let birth = date_of(&b[6..14])
            .ok_or_else(|| err("id_number_birth_date", "身份证号码中的出生日期不是有效日期"))?;
        if birth < earliest_birth_date() || birth > today {
            return Err(err(
                "id_number_birth_date",
                "身份证号码中的出生日期不合理（早于1900年或晚于今天）",
            ));
        }
        if !address_code_plausible(&normalised[..6]) {
            return Err(err(
                "id_number_address_code",
                "身份证号码前6位不是有效的行政区划代码",
            ));
        }
        Ok(IdNumber(normalised))
    }

    /// Converts a first-generation 15-digit number (GB 11643-1989: address,
    /// `YYMMDD`, sequence; no check digit) to 18 digits by inserting the
    /// century `19` and computing the check character, then validates it.
    ///
    /// For the legacy import path only; new forms must use [`IdNumber::parse`].
    /// First-generation cards were issued only to people born in the 1900s,
    /// so the century is never ambiguous.
    pub fn from_legacy_15(s: &str) -> Result<IdNumber, DomainError> {
        IdNumber::from_legacy_15_on(s, crate::china_today())
    }

    /// As [`IdNumber::from_legacy_15`], with an explicit "today".
    pub fn from_legacy_15_on(s: &str, today: NaiveDate) -> Result<IdNumber, DomainError> {
        let normalised = normalise(s);
        if normalised.len() != 15 || !normalised.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                "id_number_legacy_format",
                "15位旧版身份证号码应由15位数字组成",
            ));
        }
        let first17 = format!("{}19{}", &normalised[..6], &normalised[6..]);
        let check = check_char_of_digits(first17.as_bytes());
        IdNumber::parse_on(&format!("{first17}{check}"), today)
    }

    /// The normalised 18 characters (upper-case `X`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `"110***********002X"`: the first 3 and last 4 characters, as required
    /// for display by GB/T 35273 practice; reveals at most 7 of 18.
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..3], "*".repeat(11), &self.0[14..])
    }

    pub fn birth_date(&self) -> NaiveDate {
        date_of(&self.0.as_bytes()[6..14]).expect("validated at construction")
    }

    /// Age in whole years on `on` (0 before the first birthday).
    pub fn age_on(&self, on: NaiveDate) -> u32 {
        let birth = self.birth_date();
        let mut age = on.year() - birth.year();
        if (on.month(), on.day()) < (birth.month(), birth.day()) {
            age -= 1;
        }
        age.max(0) as u32
    }

    /// Sex as recorded in the number: an odd sequence code is male.
    pub fn is_male(&self) -> bool {
        (self.0.as_bytes()[16] - b'0') % 2 == 1
    }

    /// The six-digit household-registration address code at issue time.
    /// Never use it for authorisation: it is where someone was registered,
    /// not where they live or work.
    pub fn address_code(&self) -> &str {
        &self.0[..6]
    }
}

fn normalise(s: &str) -> String {
    crate::input::compact(s).to_ascii_uppercase()
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdNumber").field(&self.masked()).finish()
    }
}

impl FromStr for IdNumber {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdNumber::parse(s)
    }
}

impl Serialize for IdNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for IdNumber {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        IdNumber::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn parse(s: &str) -> Result<IdNumber, DomainError> {
        IdNumber::parse_on(s, today())
    }

    #[test]
    fn check_char_matches_the_worked_examples() {
        assert_eq!(check_char("11010519491231002"), Some('X'));
        assert_eq!(check_char("44052418800101001"), Some('4'));
        assert_eq!(check_char("14010519900307123"), Some('4'));
        assert_eq!(check_char("14010519900307124"), Some('2'));
        assert_eq!(check_char("36042619910101007"), Some('1'));
        assert_eq!(check_char("1101051949123100"), None);
        assert_eq!(check_char("1101051949123100A"), None);
    }

    #[test]
    fn worked_examples() {
        let cases: &[(&str, Result<(), &str>)] = &[
            ("11010519491231002X", Ok(())),
            ("140105199003071234", Ok(())),
            ("140105199003071242", Ok(())),
            ("360426199101010071", Ok(())),
            ("440524188001010014", Err("id_number_birth_date")),
            ("110105194912310021", Err("id_number_checksum")),
            ("11010519491231002", Err("id_number_length")),
            ("11010519491231002XX", Err("id_number_length")),
            ("110105194912310", Err("id_number_legacy")),
            ("11010519491231A02X", Err("id_number_format")),
            ("", Err("id_number_length")),
        ];
        for (input, expected) in cases {
            let got = parse(input).map(|_| ()).map_err(|e| e.code);
            assert_eq!(&got, expected, "{input}");
        }
    }

    #[test]
    fn normalises_lower_x_full_width_and_spaces() {
        for input in [
            "11010519491231002x",
            "１１０１０５１９４９１２３１００２Ｘ",
            "11010519491231002ｘ",
            " 110105 19491231 002X ",
            "110105\u{3000}19491231002X",
        ] {
            assert_eq!(
                parse(input).unwrap().as_str(),
                "11010519491231002X",
                "{input}"
            );
        }
    }

    #[test]
    fn accessors() {
        let id = parse("11010519491231002X").unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert!(!id.is_male());
        assert_eq!(id.address_code(), "110105");
        assert_eq!(id.masked(), "110***********002X");
        let male = parse("140105199003071234").unwrap();
        assert!(male.is_male());
        assert!(!parse("140105199003071242").unwrap().is_male());
        assert_eq!(
            male.age_on(NaiveDate::from_ymd_opt(2020, 3, 6).unwrap()),
            29
        );
        assert_eq!(
            male.age_on(NaiveDate::from_ymd_opt(2020, 3, 7).unwrap()),
            30
        );
    }

    #[test]
    fn debug_is_masked() {
        let id = parse("140105199003071234").unwrap();
        let debug = format!("{id:?}");
        assert!(!debug.contains("140105199003071234"));
        assert!(debug.contains("140***********1234"));
    }

    #[test]
    fn birth_date_bounds() {
        let body = |date: &str| crate::testing::id_number("140105", date, 123);
        assert!(parse(&body("19000101")).is_ok());
        assert_eq!(
            parse(&body("18991231")).unwrap_err().code,
            "id_number_birth_date"
        );
        assert!(parse(&body("20250601")).is_ok(), "born today");
        assert_eq!(
            parse(&body("20250602")).unwrap_err().code,
            "id_number_birth_date"
        );
        assert_eq!(
            parse(&body("19900230")).unwrap_err().code,
            "id_number_birth_date"
        );
        assert_eq!(
            parse(&body("19901301")).unwrap_err().code,
            "id_number_birth_date"
        );
        assert!(parse(&body("20000229")).is_ok(), "leap day");
        assert_eq!(
            parse(&body("19000229")).unwrap_err().code,
            "id_number_birth_date"
        );
    }

    fn with_address(code: &str) -> String {
        crate::testing::id_number(code, "19900307", 123)
    }

    #[test]
    fn abolished_shanxi_codes_are_accepted() {
        for code in [
            "140202", "140211", "140227", "140402", "140421", "140424", "140481", "140624",
            "140726", "140100", "140000", "142200",
        ] {
            assert!(parse(&with_address(code)).is_ok(), "{code}");
        }
    }

    #[test]
    fn address_code_rules() {
        for (code, ok) in [
            ("149999", false), // Shanxi, never existed
            ("140199", false),
            ("110105", true),
            ("440524", true),
            ("659001", true),
            ("810000", true),
            ("830000", true),
            ("810001", false),
            ("100105", false), // 10 is no province
            ("160101", false),
            ("910101", false),
            ("110005", false), // county under a "00" city part
            ("000000", false),
        ] {
            let got = parse(&with_address(code));
            assert_eq!(got.is_ok(), ok, "{code}");
            if !ok {
                assert_eq!(got.unwrap_err().code, "id_number_address_code", "{code}");
            }
        }
    }

    #[test]
    fn legacy_15_digit_conversion() {
        let id = IdNumber::from_legacy_15_on("110105491231002", today()).unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        let id = IdNumber::from_legacy_15_on("140105900307123", today()).unwrap();
        assert_eq!(id.as_str(), "140105199003071234");
        for bad in ["14010590030712", "1401059003071234", "14010590030712X"] {
            assert_eq!(
                IdNumber::from_legacy_15_on(bad, today()).unwrap_err().code,
                "id_number_legacy_format"
            );
        }
        // Converted numbers still face the date and address checks.
        assert_eq!(
            IdNumber::from_legacy_15_on("140105900230123", today())
                .unwrap_err()
                .code,
            "id_number_birth_date"
        );
    }

    #[test]
    fn messages_do_not_echo_the_input() {
        for input in [
            "110105194912310021",
            "440524188001010014",
            "149999199003071234",
        ] {
            let e = parse(input).unwrap_err();
            assert!(!e.message.contains(&input[..6]), "{}", e.message);
            assert!(!e.message.contains(&input[14..]), "{}", e.message);
        }
    }

    #[test]
    fn serde_round_trip_uses_the_full_value() {
        let id = IdNumber::parse("11010519491231002X").unwrap();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, "\"11010519491231002X\"");
        assert_eq!(serde_json::from_str::<IdNumber>(&json).unwrap(), id);
        assert!(serde_json::from_str::<IdNumber>("\"110105194912310021\"").is_err());
    }

    #[test]
    fn parse_uses_china_today() {
        assert!(IdNumber::parse("140105199003071234").is_ok());
        assert_eq!(
            "140105199003071234".parse::<IdNumber>().unwrap().as_str(),
            "140105199003071234"
        );
    }

    const ADDRESSES: &[&str] = &[
        "140105", "140106", "140202", "140211", "141002", "141102", "110105", "310104", "440524",
        "360426", "650102", "810000",
    ];

    fn valid_id() -> impl Strategy<Value = String> {
        (
            prop::sample::select(ADDRESSES),
            0i64..(125 * 365),
            0u32..1000,
        )
            .prop_map(|(address, days, seq)| {
                let birth = earliest_birth_date() + chrono::Duration::days(days);
                crate::testing::id_number(address, &birth.format("%Y%m%d").to_string(), seq)
            })
    }

    proptest! {
        #[test]
        fn computed_check_char_always_parses_and_round_trips(id in valid_id()) {
            let parsed = parse(&id).unwrap();
            prop_assert_eq!(parsed.as_str(), id.as_str());
            let again = parse(&parsed.as_str().to_lowercase()).unwrap();
            prop_assert_eq!(&again, &parsed);
            let json = serde_json::to_string(&parsed).unwrap();
            let back: IdNumber = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(back, parsed);
        }

        #[test]
        fn any_single_character_change_fails(id in valid_id(), pos in 0usize..18, delta in 1u8..10) {
            let mut bytes = id.clone().into_bytes();
            let alphabet = b"0123456789X";
            let current = alphabet.iter().position(|&c| c == bytes[pos]).unwrap() as u8;
            let replacement = if pos < 17 {
                // Keep it a digit: the change must be caught by the checksum.
                (current + delta) % 10
            } else {
                (current + delta) % 11
            };
            bytes[pos] = alphabet[replacement as usize];
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert_ne!(&changed, &id);
            prop_assert!(parse(&changed).is_err(), "{} accepted", changed);
        }

        #[test]
        fn masking_reveals_at_most_seven_characters(id in valid_id()) {
            let parsed = parse(&id).unwrap();
            let masked = parsed.masked();
            prop_assert_eq!(masked.chars().count(), 18);
            let revealed = masked.chars().filter(|&c| c != '*').count();
            prop_assert!(revealed <= 7);
            let debug = format!("{parsed:?}");
            prop_assert!(!debug.contains(&id));
        }
    }
}
