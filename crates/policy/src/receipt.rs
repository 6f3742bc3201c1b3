//! The receipt attached to every screening: what produced the result, so it
//! can be reproduced and audited later.

use serde::Serialize;

/// Engine version, parameter-set hash, policy-text hash and facts hash.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub engine: &'static str,
    /// The `linghuo-policy` crate version.
    pub engine_version: &'static str,
    /// SHA-256 of the canonical parameter set, overlays included.
    pub parameters_sha256: String,
    /// SHA-256 of the policy text the citations quote.
    pub policy_text_sha256: &'static str,
    /// SHA-256 of the canonical facts JSON ([`crate::Facts::canonical_json`]).
    pub facts_sha256: String,
    /// Parameter overlays in force for this run (`--set`), if any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<String>,
}

pub const ENGINE: &str = "linghuo-policy";
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");
