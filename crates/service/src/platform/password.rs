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
    include_str!("../../data/common-passwords.txt")
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

/// Checks a new password of the account `username` against the policy. `field` names the
/// form field for the error.
pub fn check_policy(
    password: &str,
    username: &str,
    min_length: usize,
    field: &str,
) -> Result<(), ServiceError> {
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
    let user = username.trim().to_lowercase();
    let user_reversed: String = user.chars().rev().collect();
    if user.chars().count() >= 3 && (lower.contains(&user) || lower.contains(&user_reversed)) {
        return Err(ServiceError::invalid(
            field,
            "password_like_username",
            "密码不能与用户名相同，也不能包含用户名",
        ));
    }
    if COMMON.contains(password)
        || COMMON.contains(lower.as_str())
        || is_trivial(&lower)
        || common_pieces(&lower)
    {
        return Err(ServiceError::invalid(
            field,
            "password_common",
            "该密码过于常见或已在泄露密码库中出现，请换一个",
        ));
    }
    Ok(())
}

/// Pieces Chinese passwords are commonly made of: love numbers (520 我爱你, 1314 一生一世),
/// lucky numbers, pinyin of 我爱你 and of the commonest surnames, English words, and
/// keyboard runs. A password made only of these (woaini1314520, zhang5201314, qwe123456789)
/// is guessed early by any dictionary attack, however long.
const PIECES: &[&str] = &[
    "woaini",
    "woaiwojia",
    "aini",
    "wo",
    "ai",
    "ni",
    "iloveyou",
    "love",
    "baobei",
    "laopo",
    "laogong",
    "mima",
    "password",
    "passwd",
    "pass",
    "admin",
    "root",
    "user",
    "test",
    "abc",
    "qwerty",
    "qwe",
    "asd",
    "zxc",
    "asdf",
    "zxcv",
    "qaz",
    "wsx",
    "edc",
    "shanxi",
    "taiyuan",
    "china",
    "zhongguo",
    "520",
    "521",
    "1314",
    "5201314",
    "1314520",
    "woaini520",
    "168",
    "666",
    "888",
    "999",
    "518",
    "8888",
    "6666",
    "000",
    "111",
    "wang",
    "li",
    "zhang",
    "liu",
    "chen",
    "yang",
    "zhao",
    "huang",
    "zhou",
    "wu",
    "xu",
    "sun",
    "hu",
    "zhu",
    "gao",
    "lin",
    "he",
    "guo",
    "ma",
    "luo",
    "liang",
    "song",
    "zheng",
    "xie",
    "han",
    "tang",
    "feng",
    "yu",
    "dong",
    "xiao",
    "cheng",
    "cao",
    "yuan",
    "deng",
    "fu",
    "shen",
    "zeng",
    "peng",
    "lu",
    "su",
    "jiang",
    "cai",
    "jia",
    "ding",
    "wei",
    "xue",
    "ye",
    "yan",
    "pan",
    "du",
    "dai",
    "xia",
    "zhong",
    "tian",
    "ren",
    "fan",
    "fang",
    "shi",
    "yao",
    "tan",
    "qiao",
    "bai",
    "qin",
    "kong",
    "mao",
    "qiu",
    "hao",
    "!",
    "@",
    "#",
    ".",
    "_",
    "-",
];

/// Whether `p` is made only of [`PIECES`], years (1950–2029), months and days (0307), runs of one digit or
/// of consecutive digits (3+), and keyboard rows (3+).
fn common_pieces(p: &str) -> bool {
    let chars: Vec<char> = p.chars().collect();
    if !chars.iter().all(char::is_ascii) {
        return false;
    }
    let p = p.as_bytes();
    let n = p.len();
    // reach[i]: p[..i] splits into pieces.
    let mut reach = vec![false; n + 1];
    reach[0] = true;
    for i in 0..n {
        if !reach[i] {
            continue;
        }
        let rest = &p[i..];
        for piece in PIECES {
            if rest.starts_with(piece.as_bytes()) {
                reach[i + piece.len()] = true;
            }
        }
        if rest.len() >= 4
            && let Ok(year) = std::str::from_utf8(&rest[..4]).unwrap_or("").parse::<u32>()
            && (1950..=2029).contains(&year)
        {
            reach[i + 4] = true;
        }
        for run in [
            b"0123456789".as_slice(),
            b"9876543210",
            b"qwertyuiop",
            b"asdfghjkl",
            b"zxcvbnm",
        ] {
            let mut len = 0;
            while len < rest.len() && run.windows(len + 1).any(|w| w == &rest[..=len]) {
                len += 1;
            }
            for l in 3..=len {
                reach[i + l] = true;
            }
        }
        // A month and day (0307, 1231).
        if rest.len() >= 4
            && let Ok(md) = std::str::from_utf8(&rest[..4]).unwrap_or("").parse::<u32>()
            && (1..=12).contains(&(md / 100))
            && (1..=31).contains(&(md % 100))
        {
            reach[i + 4] = true;
        }
        let same = rest.iter().take_while(|c| **c == rest[0]).count();
        for l in 3..=same {
            reach[i + l] = true;
        }
    }
    reach[n]
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
        assert!(check_policy("abcdefghijk", "someone", 12, "p").is_err());
        assert!(check_policy("黄河之水天上来奔流到海不复回", "someone", 12, "p").is_ok());
        assert!(check_policy("风吹草低见牛羊🐑🐑🐑🐑🐑", "someone", 12, "p").is_ok());
        assert!(
            check_policy(&"k7".repeat(32), "someone", 12, "p").is_err(),
            "a repeated unit is trivial"
        );
        let long: String = (0..129)
            .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
            .collect();
        assert!(check_policy(&long, "someone", 12, "p").is_err());
        let ok64: String = (0..64)
            .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
            .collect();
        assert!(check_policy(&ok64, "someone", 12, "p").is_ok());
    }

    #[test]
    fn the_first_ten_thousand_common_passwords_are_refused() {
        let list: Vec<&str> = include_str!("../../data/common-passwords.txt")
            .lines()
            .take(10_000)
            .collect();
        assert_eq!(list.len(), 10_000);
        for p in list {
            assert!(check_policy(p, "someone", 12, "p").is_err(), "{p}");
        }
        assert!(check_policy("aaaaaaaaaaaaaa", "someone", 12, "p").is_err());
        assert!(check_policy("abcabcabcabcabc", "someone", 12, "p").is_err());
        assert!(check_policy("woaini1314", "someone", 8, "p").is_err());
    }

    #[test]
    fn passwords_made_of_common_pieces_or_the_username_are_refused() {
        for p in [
            "woaini1314520",
            "zhang5201314",
            "qwe123456789",
            "wangli19900307",
            "Woaini@1314520",
            "asdfghjkl123",
            "liu888888888",
        ] {
            let e = check_policy(p, "someone", 12, "p").unwrap_err();
            assert!(format!("{e:?}").contains("password_common"), "{p}: {e:?}");
        }
        let e = check_policy("zhangwei2026!x", "zhangwei", 12, "p").unwrap_err();
        assert!(format!("{e:?}").contains("password_like_username"), "{e:?}");
        let e = check_policy("xx-iewgnahz-2026", "zhangwei", 12, "p").unwrap_err();
        assert!(format!("{e:?}").contains("password_like_username"), "{e:?}");
        // Long and personal passes: words that are not all common pieces.
        for p in [
            "西瓜地里的稻草人2026",
            "tuopu-mianpi-huanghe",
            "Kx9#mQ2vL7pa",
            "hualin taigu jiaoshi",
        ] {
            assert!(check_policy(p, "zhangwei", 12, "p").is_ok(), "{p}");
        }
    }
}
