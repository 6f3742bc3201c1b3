//! The service layer's error: what went wrong in terms a caller can act on, with a stable
//! code and a Chinese message. Storage details never cross this boundary.

use linghuo_domain::DomainError;
use linghuo_storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// Bad input: `field` names the field (a JSON path or form name).
    #[error("{field}: {message}")]
    Invalid {
        field: String,
        code: &'static str,
        message: String,
    },
    /// Not there, or not in the caller's scope: the two are indistinguishable on purpose.
    #[error("not found")]
    NotFound,
    /// A constraint or a concurrent change refused the write; nothing was written.
    #[error("conflict: {code}")]
    Conflict { code: &'static str, message: String },
    /// No valid session.
    #[error("not authenticated")]
    Unauthenticated,
    /// Signed in, but the role or permission does not allow the action.
    #[error("forbidden: {code}")]
    Forbidden { code: &'static str, message: String },
    /// User name or password wrong (one message for both, and for unknown users).
    #[error("login failed")]
    LoginFailed,
    /// Too many failures: try again later.
    #[error("locked")]
    Locked { retry_after_secs: i64 },
    /// Too many requests of one kind from one address or account (C6): try again later.
    #[error("rate limited: {class}")]
    RateLimited {
        class: &'static str,
        retry_after_secs: i64,
    },
    /// The second factor is wrong or was already used.
    #[error("second factor rejected")]
    SecondFactorRejected,
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    pub fn invalid(
        field: impl Into<String>,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        ServiceError::Invalid {
            field: field.into(),
            code,
            message: message.into(),
        }
    }

    /// Attaches a field name to a domain validation error.
    pub fn field(field: impl Into<String>, e: DomainError) -> Self {
        ServiceError::Invalid {
            field: field.into(),
            code: e.code,
            message: e.message,
        }
    }

    pub fn forbidden() -> Self {
        ServiceError::Forbidden {
            code: "forbidden",
            message: "您没有执行此操作的权限".into(),
        }
    }
}

impl From<StorageError> for ServiceError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::Conflict { constraint } => {
                tracing::info!(%constraint, "write refused by constraint");
                ServiceError::Conflict {
                    code: "conflict",
                    message: "数据冲突：记录已存在或已被他人修改，请刷新后重试".into(),
                }
            }
            StorageError::Stale => ServiceError::Conflict {
                code: "stale",
                message: "记录已被他人修改，请刷新后重试".into(),
            },
            other => ServiceError::Internal(other.to_string()),
        }
    }
}

pub type Result<T, E = ServiceError> = std::result::Result<T, E>;
