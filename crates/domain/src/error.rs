//! The one error type every value constructor in this crate returns.

/// A validation failure with a stable machine-readable `code` and a message
/// in Simplified Chinese that can be shown to the person who typed the value.
///
/// Callers attach the field name (they know which form field it came from);
/// the message never repeats the input, because the input is often personal
/// data (an ID number or a phone number) and errors end up in logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct DomainError {
    /// Stable snake_case identifier, e.g. `"id_number_checksum"`. API clients
    /// and tests match on this, so it never changes once published.
    pub code: &'static str,
    /// Human-readable explanation in Simplified Chinese.
    pub message: String,
}

impl DomainError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        DomainError {
            code,
            message: message.into(),
        }
    }
}
