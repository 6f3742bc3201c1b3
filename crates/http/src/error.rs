//! One error type for the API: an HTTP status, a stable machine code, a Chinese message for
//! people and, for bad input, the field it concerns. Internal details go to the log with the
//! request id, never to the client.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use linghuo_service::ServiceError;
use serde::Serialize;

#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    pub field: Option<String>,
    pub retry_after: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable code for programs, e.g. `id_number_checksum`.
    pub code: String,
    /// What went wrong, in Chinese, for people.
    pub message: String,
    /// The field (JSON path or form name) the error concerns, for validation errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    pub fn invalid(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            field: Some(field.into()),
            ..ApiError::new(StatusCode::BAD_REQUEST, code, message)
        }
    }

    pub fn not_found() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "未找到该记录，或不在您的管辖范围内",
        )
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "unauthenticated", "请先登录")
    }

    /// A request body over `limit` bytes (413), naming the body as the field.
    pub fn body_too_large(limit: usize) -> ApiError {
        ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            ..ApiError::invalid(
                "body",
                "body_too_large",
                format!("提交的内容超过{}MB，未被接收", limit / 1024 / 1024),
            )
        }
    }

    /// 429 from a rate limit (C6), with the wait in `Retry-After`.
    pub fn rate_limited(retry_after_secs: i64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after_secs),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("操作过于频繁，请{}后再试", human_wait(retry_after_secs)),
            )
        }
    }

    pub fn csrf() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "csrf_failed",
            "请求校验失败，请刷新页面后重试",
        )
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        match e {
            // An idempotency key reused for another request is well-formed input that cannot be
            // processed (the IETF Idempotency-Key draft): 422, on the API and pages.
            ServiceError::Invalid {
                field,
                code: code @ "idempotency_key_reused",
                message,
            } => ApiError {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                ..ApiError::invalid(field, code, message)
            },
            ServiceError::Invalid {
                field,
                code,
                message,
            } => ApiError::invalid(field, code, message),
            ServiceError::NotFound => ApiError::not_found(),
            ServiceError::Conflict { code, message } => {
                ApiError::new(StatusCode::CONFLICT, code, message)
            }
            ServiceError::Unauthenticated => ApiError::unauthenticated(),
            ServiceError::Forbidden { code, message } => {
                ApiError::new(StatusCode::FORBIDDEN, code, message)
            }
            ServiceError::LoginFailed => {
                ApiError::new(StatusCode::UNAUTHORIZED, "login_failed", "用户名或密码错误")
            }
            ServiceError::Locked { retry_after_secs } => ApiError {
                retry_after: Some(retry_after_secs),
                ..ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "login_locked",
                    format!("登录失败次数过多，请{}后再试", human_wait(retry_after_secs)),
                )
            },
            ServiceError::RateLimited {
                class,
                retry_after_secs,
            } => {
                tracing::debug!(class, "rate limited");
                ApiError::rate_limited(retry_after_secs)
            }
            ServiceError::SecondFactorRejected => ApiError::new(
                StatusCode::UNAUTHORIZED,
                "second_factor_rejected",
                "动态验证码不正确或已使用过，请等待新的验证码",
            ),
            ServiceError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "系统繁忙，请稍后再试",
                )
            }
        }
    }
}

pub fn human_wait(secs: i64) -> String {
    if secs < 60 {
        format!("{secs}秒")
    } else {
        format!("{}分钟", (secs + 59) / 60)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
                field: self.field,
            },
        };
        let mut resp = (self.status, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            resp.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, v);
        }
        resp
    }
}
