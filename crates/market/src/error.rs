//! Errors of the market crate.

/// What can go wrong in the market crate.
///
/// [`MarketError::Invalid`] is a caller's mistake (a pay string that does not
/// parse, an occupation the catalogue does not know): it names the field and
/// says in Chinese what to change, so the HTTP layer can show it as is.
/// [`MarketError::Index`] is the search index failing underneath (I/O, a
/// corrupt directory); its text is for logs, not for users.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MarketError {
    #[error("{message}")]
    Invalid {
        /// Stable machine-readable code, e.g. `pay_unit_unknown`.
        code: &'static str,
        /// The input field the message is about, e.g. `pay`.
        field: &'static str,
        /// What is wrong and what to write instead, in Chinese.
        message: String,
    },
    #[error("搜索索引出错：{0}")]
    Index(String),
}

impl MarketError {
    pub(crate) fn invalid(
        code: &'static str,
        field: &'static str,
        message: impl Into<String>,
    ) -> MarketError {
        MarketError::Invalid {
            code,
            field,
            message: message.into(),
        }
    }

    /// The stable code: the `code` of an invalid input, `index_error` otherwise.
    pub fn code(&self) -> &'static str {
        match self {
            MarketError::Invalid { code, .. } => code,
            MarketError::Index(_) => "index_error",
        }
    }
}

impl From<tantivy::TantivyError> for MarketError {
    fn from(e: tantivy::TantivyError) -> Self {
        MarketError::Index(e.to_string())
    }
}

impl From<tantivy::directory::error::OpenDirectoryError> for MarketError {
    fn from(e: tantivy::directory::error::OpenDirectoryError) -> Self {
        MarketError::Index(e.to_string())
    }
}
