//! Passwords (SECURITY.md A1–A3): Argon2id with per-password salt, length 12..=128 with any
//! printable Unicode and no composition rules (ASVS 2.1), a check against a list of common
//! and breached passwords, and reuse history for staff (等保).

use std::collections::HashSet;
use std::sync::LazyLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::ServiceError;

/// Common passwords (the zxcvbn frequency list, MIT, plus common Chinese patterns).
static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("../data/common-passwords.txt")
        .lines()
        .collect()
});

pub const MAX_LENGTH: usize = 128;

/// Argon2id, m=19 MiB, t=2, p=1: the ASVS 5.0 Appendix C minimum.
fn hasher() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19_456, 2, 1, None).expect("valid argon2 params"),
    )
}

pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashing cannot fail with valid params")
        .to_string()
}

pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password, verified against when the user name is unknown so that
/// unknown and known names take the same time.
pub static DUMMY_HASH: LazyLock<String> =
    LazyLock::new(|| hash("linghuo-dummy-password-never-valid"));

/// Checks a new password against the policy. `field` names the form field for the error.
pub fn check_policy(password: &str, min_length: usize, field: &str) -> Result<(), ServiceError> {
    let n = password.chars().count();
    if n < min_length {
        return Err(ServiceError::invalid(
            field,
            "password_too_short",
            format!("密码至少需要{min_length}个字符"),
        ));
    }
    if n > MAX_LENGTH {
        return Err(ServiceError::invalid(
            field,
            "password_too_long",
            format!("密码最多{MAX_LENGTH}个字符"),
        ));
    }
    if password.chars().any(char::is_control) {
        return Err(ServiceError::invalid(
            field,
            "password_control_char",
            "密码不能包含控制字符",
        ));
    }
    let lower = password.to_lowercase();
    if COMMON.contains(password) || COMMON.contains(lower.as_str()) || is_trivial(&lower) {
        return Err(ServiceError::invalid(
            field,
            "password_common",
            "该密码过于常见或已在泄露密码库中出现，请换一个",
        ));
    }
    Ok(())
}

/// One repeated character, or a short unit repeated (e.g. "abcabcabcabc").
fn is_trivial(p: &str) -> bool {
    let chars: Vec<char> = p.chars().collect();
    (1..=4)
        .any(|unit| chars.len() >= unit * 3 && chars.chunks(unit).all(|c| c == &chars[..c.len()]))
}

/// Parameters of a stored PHC string, for the A1 test and for re-hashing old parameters.
pub fn parameters(phc: &str) -> Option<(String, u32, u32, u32)> {
    let parsed = PasswordHash::new(phc).ok()?;
    let p = Params::try_from(&parsed).ok()?;
    Some((
        parsed.algorithm.to_string(),
        p.m_cost(),
        p.t_cost(),
        p.p_cost(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_minimum_parameters_and_unique_salts() {
        let a = hash("correct horse battery");
        let b = hash("correct horse battery");
        assert_ne!(a, b);
        let (alg, m, t, p) = parameters(&a).unwrap();
        assert_eq!(alg, "argon2id");
        assert!(m >= 19_456 && t >= 2 && p == 1, "{m} {t} {p}");
        assert!(verify("correct horse battery", &a));
        assert!(!verify("correct horse batterY", &a));
        assert!(!verify("x", "not a phc string"));
    }

    #[test]
    fn length_rules_and_unicode() {
        assert!(check_policy("abcdefghijk", 12, "p").is_err());
        assert!(check_policy("黄河之水天上来奔流到海不复回", 12, "p").is_ok());
        assert!(check_policy("风吹草低见牛羊🐑🐑🐑🐑🐑", 12, "p").is_ok());
        assert!(
            check_policy(&"k7".repeat(32), 12, "p").is_err(),
            "a repeated unit is trivial"
        );
        let long: String = (0..129)
            .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
            .collect();
        assert!(check_policy(&long, 12, "p").is_err());
        let ok64: String = (0..64)
            .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
            .collect();
        assert!(check_policy(&ok64, 12, "p").is_ok());
    }

    #[test]
    fn the_first_ten_thousand_common_passwords_are_refused() {
        let list: Vec<&str> = include_str!("../data/common-passwords.txt")
            .lines()
            .take(10_000)
            .collect();
        assert_eq!(list.len(), 10_000);
        for p in list {
            assert!(check_policy(p, 12, "p").is_err(), "{p}");
        }
        assert!(check_policy("aaaaaaaaaaaaaa", 12, "p").is_err());
        assert!(check_policy("abcabcabcabcabc", 12, "p").is_err());
        assert!(check_policy("woaini1314", 8, "p").is_err());
    }
}
