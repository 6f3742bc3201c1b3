//! linghuo-domain owns the value types every other crate of the platform
//! speaks in: resident ID numbers ([`IdNumber`]), Unified Social Credit
//! Codes ([`Uscc`]), mainland mobile numbers ([`Phone`]), Shanxi
//! administrative regions ([`RegionCode`], with the GB/T 2260 data embedded),
//! amounts of money ([`Money`]), the occupation catalogue ([`Occupation`]),
//! and the masking rules for personal information. Each type validates on
//! construction, so a value that exists is a value that is valid, and each
//! rejects bad input with a [`DomainError`] whose message is in Chinese.
//!
//! This crate is pure: no I/O, no async, no database, no clock except where
//! a function says it reads "today" in China Standard Time (with an
//! injectable variant for tests). It must not depend on tokio, sqlx, axum or
//! any other crate of the workspace; everything else depends on it.

pub mod error;
pub mod id_number;
mod input;
pub mod masking;
pub mod money;
pub mod occupation;
pub mod phone;
pub mod region;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod uscc;

pub use error::DomainError;
pub use id_number::{IdNumber, check_char};
pub use masking::{find_unmasked_pii, mask_id_str, mask_name, mask_phone_str, mask_pii_in_text};
pub use money::Money;
pub use occupation::{
    Occupation, occupation, occupation_categories, occupation_children, occupation_phrases,
    occupations, resolve_occupation, resolve_phrase, search_occupations,
};
pub use phone::Phone;
pub use region::{
    RegionCode, RegionLevel, address_code_ever_existed, all_regions, cities, counties,
    find_region_by_name, province,
};
pub use uscc::{Uscc, uscc_check_char};

/// Today's date in China Standard Time (UTC+8, no daylight saving), which is
/// the calendar every date rule of the policy is written in, whatever the
/// server's time zone is.
pub fn china_today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

#[cfg(test)]
mod tests {
    #[test]
    fn china_today_is_utc_plus_eight() {
        let utc = chrono::Utc::now().date_naive();
        let cst = super::china_today();
        assert!(cst == utc || cst == utc.succ_opt().unwrap());
    }
}
