//! Generators of valid identifiers for the tests of every crate: the one place that knows
//! how a test makes a checksum-valid 居民身份证号码 or 统一社会信用代码. Compiled for this
//! crate's own tests and, behind the `testing` feature, for the dev-dependencies of the
//! others, so no production build carries it.

use crate::{check_char, uscc_check_char};

/// A checksum-valid ID number from a six-digit address code, a birth date written
/// `YYYYMMDD`, and a sequence number of which the last three digits are the order code.
///
/// Panics when the parts do not make seventeen digits: a test's own mistake.
pub fn id_number(address: &str, birth: &str, seq: u32) -> String {
    let first17 = format!("{address}{birth}{:03}", seq % 1000);
    let check =
        check_char(&first17).unwrap_or_else(|| panic!("{first17:?} is not seventeen digits"));
    format!("{first17}{check}")
}

/// A checksum-valid credit code from its first seventeen characters.
///
/// Panics when `first17` is not seventeen symbols of the code's alphabet.
pub fn uscc(first17: &str) -> String {
    let check = uscc_check_char(first17)
        .unwrap_or_else(|| panic!("{first17:?} is not seventeen code symbols"));
    format!("{first17}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{IdNumber, Uscc};

    #[test]
    fn generated_identifiers_parse() {
        for seq in [0, 7, 999, 1_234] {
            let id = id_number("140105", "19900307", seq);
            assert!(IdNumber::parse(&id).is_ok(), "{id}");
        }
        assert_eq!(id_number("140105", "19900307", 124), "140105199003071242");
        assert_eq!(
            id_number("140105", "19900307", 1_124),
            id_number("140105", "19900307", 124)
        );
        assert!(Uscc::parse(&uscc("91140105MA0L00001")).is_ok());
    }
}
