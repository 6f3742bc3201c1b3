//! A JSON body extractor whose errors name the field by JSON path and say in Chinese what is
//! wrong, instead of the framework's English rejection text.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub struct ApiJson<T>(pub T);

/// A serde error in plain Chinese.
pub fn describe(e: &serde_json::Error) -> (&'static str, String) {
    use serde_json::error::Category;
    let text = e.to_string();
    let detail = text.split(" at line").next().unwrap_or(&text).to_owned();
    match e.classify() {
        Category::Syntax => (
            "json_syntax",
            "JSON 格式错误，请检查括号、引号和逗号".into(),
        ),
        Category::Eof => ("json_truncated", "JSON 内容不完整".into()),
        Category::Io => ("json_io", "读取请求内容失败".into()),
        Category::Data => {
            if let Some(f) = detail.strip_prefix("missing field ") {
                (
                    "field_missing",
                    format!("缺少必填字段 {}", f.trim_matches('`')),
                )
            } else if detail.starts_with("unknown field") {
                ("field_unknown", "不认识的字段，请删除或检查拼写".into())
            } else if detail.starts_with("invalid type") {
                ("field_type", format!("字段类型不正确（{detail}）"))
            } else if detail.starts_with("unknown variant") {
                ("field_value", format!("字段取值不在允许范围内（{detail}）"))
            } else {
                ("field_invalid", format!("字段内容不正确（{detail}）"))
            }
        }
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !is_json {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "content_type",
                "请以 application/json 格式提交",
            ));
        }
        let limit = crate::body_limit(req.uri().path());
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                return ApiError::body_too_large(limit);
            }
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "body_unreadable",
                "读取请求内容失败",
            )
        })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(v) => Ok(ApiJson(v)),
            Err(e) => {
                let path = e.path().to_string();
                let (code, message) = describe(e.inner());
                let field = if path == "." {
                    "$".to_owned()
                } else {
                    format!("$.{path}")
                };
                Err(ApiError::invalid(field, code, message))
            }
        }
    }
}
