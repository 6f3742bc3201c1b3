//! Display masking of personal information, and a scanner that tests use to
//! prove pages, API responses and logs carry no unmasked ID or phone number.
//!
//! The rule everywhere: show the minimum a person needs to recognise their
//! own record (surname, first 3 / last 4 digits), never enough to use it.

use crate::id_number::{checksum_ok, date_of};
use crate::phone::is_mobile_digits;

/// `"张三"` → `"张*"`, `"张三丰"` → `"张*丰"`, `"欧阳娜娜"` → `"欧**娜"`,
/// a single character → `"*"`. Works on characters, not bytes, so it never
/// splits a Chinese character. Surrounding whitespace is dropped.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.trim().chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_string(),
        2 => format!("{}*", chars[0]),
        n => {
            let mut out = String::with_capacity(name.len());
            out.push(chars[0]);
            out.extend(std::iter::repeat_n('*', n - 2));
            out.push(chars[n - 1]);
            out
        }
    }
}

/// Masks anything stored in an ID-number column, valid or not: first 3 and
/// last 4 characters kept when the value is at least 15 characters long (18
/// and legacy 15-digit numbers), everything starred otherwise, so a short
/// fragment never leaks in full. Idempotent on already-masked values.
pub fn mask_id_str(s: &str) -> String {
    mask_keeping_ends(s.trim(), 15)
}

/// Masks anything stored in a phone column. A recognisable mobile number
/// (with or without `+86`, spaces or dashes) becomes `"138****5678"`; other
/// values of 11+ characters keep their first 3 and last 4; shorter ones are
/// starred entirely.
pub fn mask_phone_str(s: &str) -> String {
    match crate::phone::Phone::parse(s) {
        Ok(phone) => phone.masked(),
        Err(_) => mask_keeping_ends(s.trim(), 11),
    }
}

fn mask_keeping_ends(s: &str, min_len: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n < min_len {
        return "*".repeat(n);
    }
    let mut out = String::with_capacity(s.len());
    out.extend(&chars[..3]);
    out.extend(std::iter::repeat_n('*', n - 7));
    out.extend(&chars[n - 4..]);
    out
}

/// Masks every phone-or-ID-like number inside free text (a run of 11 or more ASCII digits,
/// an ID number's trailing X included, not part of an identifier): the first three and last
/// four characters stay, the rest become `*`. For text people type into public places, such
/// as a job description with a contact number in it.
pub fn mask_pii_in_text(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    let mut copied = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i < bytes.len() && matches!(bytes[i], b'X' | b'x') && i - start == 17 {
            i += 1;
        }
        let in_identifier = (start > 0 && bytes[start - 1].is_ascii_alphabetic())
            || bytes.get(i).is_some_and(u8::is_ascii_alphabetic);
        let n = i - start;
        if n >= 11 && !in_identifier {
            out.push_str(&text[copied..start]);
            out.push_str(&text[start..start + 3]);
            out.extend(std::iter::repeat_n('*', n - 7));
            out.push_str(&text[i - 4..i]);
            copied = i;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Looks for personal data that should have been masked.
///
/// Returns `Some("id_number")` if `text` contains 18 consecutive characters
/// (17 ASCII digits and a digit or `X`) that pass the ID checksum and carry a
/// real date with a year in 1900..=2100; otherwise `Some("phone")` if it
/// contains a run of exactly 11 ASCII digits of the form `1[3-9]…` (not part
/// of a longer digit run), or `+86` followed by such a run; otherwise `None`.
///
/// Digit runs touching an ASCII letter are skipped: they are parts of identifiers such as
/// UUIDs or hex hashes (`…-e19468617533`), not numbers shown to a person.
///
/// A single pass over the bytes, so it is linear in the text length (a
/// 100 KB page takes well under a millisecond). Multi-byte UTF-8 sequences
/// never contain ASCII bytes, so scanning bytes is safe for Chinese text.
pub fn find_unmasked_pii(text: &str) -> Option<&'static str> {
    let bytes = text.as_bytes();
    if contains_id_number(bytes) {
        Some("id_number")
    } else if contains_mobile(bytes) {
        Some("phone")
    } else {
        None
    }
}

fn contains_id_number(bytes: &[u8]) -> bool {
    // Number of ASCII digits immediately before position `j`.
    let mut run = 0usize;
    for (j, &c) in bytes.iter().enumerate() {
        let is_digit = c.is_ascii_digit();
        if run >= 17 && (is_digit || c == b'X' || c == b'x') {
            let window = &bytes[j - 17..=j];
            let letter_before = j >= 18 && bytes[j - 18].is_ascii_alphabetic();
            let letter_after = bytes.get(j + 1).is_some_and(u8::is_ascii_alphabetic);
            if !letter_before
                && !letter_after
                && checksum_ok(window)
                && plausible_birth_date(&window[6..14])
            {
                return true;
            }
        }
        run = if is_digit { run + 1 } else { 0 };
    }
    false
}

fn plausible_birth_date(digits: &[u8]) -> bool {
    use chrono::Datelike;
    date_of(digits).is_some_and(|d| (1900..=2100).contains(&d.year()))
}

fn contains_mobile(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let run = &bytes[start..i];
        let in_identifier = (start > 0 && bytes[start - 1].is_ascii_alphabetic())
            || bytes.get(i).is_some_and(u8::is_ascii_alphabetic);
        if in_identifier {
            continue;
        }
        if is_mobile_digits(run) {
            return true;
        }
        let after_plus = start > 0 && bytes[start - 1] == b'+';
        if after_plus && run.len() == 13 && run.starts_with(b"86") && is_mobile_digits(&run[2..]) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn identifiers_are_not_personal_data() {
        assert_eq!(
            find_unmasked_pii("\"id\":\"f99af006-b314-401f-aae0-e19468617533\""),
            None
        );
        assert_eq!(find_unmasked_pii("hash a140105199003071234b"), None);
        assert_eq!(find_unmasked_pii("手机 19468617533 号"), Some("phone"));
        assert_eq!(
            find_unmasked_pii("\"140105199003071234\""),
            Some("id_number")
        );
    }

    #[test]
    fn names() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("张三丰"), "张*丰");
        assert_eq!(mask_name("欧阳娜娜"), "欧**娜");
        assert_eq!(mask_name("李"), "*");
        assert_eq!(mask_name(""), "");
        assert_eq!(mask_name(" 王五 "), "王*");
        assert_eq!(mask_name("阿卜杜拉·买买提"), "阿******提");
    }

    #[test]
    fn id_strings() {
        assert_eq!(mask_id_str("11010519491231002X"), "110***********002X");
        assert_eq!(mask_id_str("110***********002X"), "110***********002X");
        assert_eq!(mask_id_str("110105491231002"), "110********1002");
        assert_eq!(mask_id_str("1234"), "****");
        assert_eq!(mask_id_str(""), "");
    }

    #[test]
    fn phone_strings() {
        assert_eq!(mask_phone_str("13812345678"), "138****5678");
        assert_eq!(mask_phone_str("+86 138-1234-5678"), "138****5678");
        assert_eq!(mask_phone_str("138****5678"), "138****5678");
        assert_eq!(mask_phone_str("0351-7654321"), "035*****4321");
        assert_eq!(mask_phone_str("12345"), "*****");
    }

    #[test]
    fn scanner_finds_ids() {
        assert_eq!(
            find_unmasked_pii("身份证：11010519491231002X。"),
            Some("id_number")
        );
        assert_eq!(
            find_unmasked_pii("id=11010519491231002x&"),
            Some("id_number")
        );
        assert_eq!(
            find_unmasked_pii("<td>140105199003071234</td>"),
            Some("id_number")
        );
        // Inside a longer digit run still counts: the substring is there.
        assert_eq!(find_unmasked_pii("00140105199003071234"), Some("id_number"));
        // Wrong checksum, masked, or an implausible date: not an ID.
        assert_eq!(find_unmasked_pii("110105194912310021"), None);
        assert_eq!(find_unmasked_pii("110***********002X"), None);
        let first17 = "14010518001301123";
        let bad_date = format!("{first17}{}", crate::check_char(first17).unwrap());
        assert_eq!(find_unmasked_pii(&bad_date), None);
    }

    #[test]
    fn scanner_finds_phones() {
        assert_eq!(find_unmasked_pii("电话13812345678"), Some("phone"));
        assert_eq!(find_unmasked_pii("tel:+8613812345678;"), Some("phone"));
        assert_eq!(find_unmasked_pii("138****5678"), None);
        assert_eq!(
            find_unmasked_pii("order 213812345678"),
            None,
            "12-digit run"
        );
        assert_eq!(find_unmasked_pii("12812345678"), None);
        assert_eq!(find_unmasked_pii("8613812345678"), None, "no plus sign");
        assert_eq!(find_unmasked_pii("时间戳 1718000000123"), None);
        assert_eq!(find_unmasked_pii(""), None);
        assert_eq!(
            find_unmasked_pii("13812345678 and 11010519491231002X"),
            Some("id_number")
        );
    }

    #[test]
    fn scanner_is_fast_on_large_digit_heavy_text() {
        let mut text = String::new();
        while text.len() < 100_000 {
            text.push_str("工资 1234.56 元，订单 20250101000123456789012345 状态 ok；");
        }
        let started = std::time::Instant::now();
        for _ in 0..10 {
            assert_eq!(find_unmasked_pii(&text), None);
        }
        let all_digits = "7".repeat(100_000);
        assert_eq!(find_unmasked_pii(&all_digits), None);
        // Generous bound: debug build on a shared 2-core machine.
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    proptest! {
        #[test]
        fn mask_id_str_never_reveals_more_than_seven(s in "[0-9Xx*]{0,30}") {
            let masked = mask_id_str(&s);
            prop_assert_eq!(masked.chars().count(), s.chars().count());
            let revealed = masked.chars().zip(s.chars()).filter(|(m, _)| *m != '*').count();
            prop_assert!(revealed <= 7);
        }

        #[test]
        fn masked_text_never_triggers_the_scanner(s in "[0-9]{18}") {
            prop_assert_eq!(find_unmasked_pii(&mask_id_str(&s)), None);
            prop_assert_eq!(find_unmasked_pii(&mask_phone_str(&s[..11])), None);
        }

        #[test]
        fn mask_name_keeps_length_and_ends(s in "\\PC{0,10}") {
            let masked = mask_name(&s);
            prop_assert_eq!(masked.chars().count(), s.trim().chars().count());
        }
    }

    #[test]
    fn numbers_in_free_text_are_masked() {
        let t = "请联系13912345678王先生，身份证14010519900307123X，订单abc13912345678，电话0351-1234567";
        let m = mask_pii_in_text(t);
        assert_eq!(
            m,
            "请联系139****5678王先生，身份证140***********123X，订单abc13912345678，电话0351-1234567"
        );
        assert_eq!(find_unmasked_pii(&m), None);
        assert_eq!(mask_pii_in_text("无号码"), "无号码");
    }
}
