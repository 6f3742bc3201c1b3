//! Forms: what was typed (`FormData`, kept to refill the fields after an error), typed forms
//! ([`Form`]), and the one sorter of service errors into "beside a field", "above the form"
//! and "the error page" ([`Failure`]).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::page::PageError;
use crate::error::ApiError;

/// Field errors of a form, shown beside each field.
#[derive(Default)]
pub struct Errors(pub Vec<(String, String)>);

impl Errors {
    pub fn get(&self, field: &str) -> Option<&String> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, m)| m)
    }
}

/// A submitted (or prefilled) form as name–value pairs, kept to refill the fields after an
/// error. Repeated names (checkboxes) keep every value.
#[derive(Clone, Debug, Default)]
pub struct FormData {
    pairs: Vec<(String, String)>,
}

impl FormData {
    /// Reads an `application/x-www-form-urlencoded` body or query string; unreadable input
    /// gives an empty form (every field then reports what is missing).
    pub fn parse(bytes: &[u8]) -> FormData {
        FormData {
            pairs: serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
                .unwrap_or_default()
                .into_iter()
                .filter(|(k, _)| k != "_csrf")
                .collect(),
        }
    }

    /// The first value of a field, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    /// The value when it is not blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    /// Whether a checkbox or option with this value was chosen.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.pairs.iter().any(|(k, v)| k == name && v == value)
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// Replaces a field's values with one value.
    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.pairs.retain(|(k, _)| k != name);
        self.pairs.push((name.to_owned(), value.into()));
    }

    /// Adds a value (for checkboxes).
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.pairs.push((name.to_owned(), value.into()));
    }

    /// Takes every field of `other` over this form's values (a submitted form over defaults).
    pub fn overlay(mut self, other: &FormData) -> FormData {
        for (k, _) in &other.pairs {
            self.pairs.retain(|(n, _)| n != k);
        }
        self.pairs.extend(other.pairs.iter().cloned());
        self
    }
}

/// Splits "保洁员、家政服务员, 育婴员" into its items.
pub fn split_list(s: &str) -> Vec<String> {
    s.split([',', '，', '、', ';', '；', '\n', '\r', ' ', '\u{3000}'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A form shown again after a failure: status, errors beside fields, a message above.
pub type FormFailure = (StatusCode, Errors, Option<String>);

/// How a failed form submission is shown: beside a field, above the form, or on the error
/// page.
pub enum Failure {
    Form {
        status: StatusCode,
        errors: Errors,
        error: Option<String>,
    },
    Page(ApiError),
}

impl Failure {
    /// The one sorter of service errors for a form. A record that is gone or not the
    /// caller's (404), a missing login (401) or a server fault goes to the error page, and
    /// an act that needs the person to confirm who they are first to the step-up form.
    /// Anything else — bad input, a conflict, a refusal such as the reviewer approving their
    /// own review (403) — is shown on the form with its status: beside the field when the
    /// form has it (a list item's field, `skills[2]`, on the list's own field `skills`),
    /// above the form otherwise.
    pub fn of(e: impl Into<ApiError>, fields: &[&str]) -> Failure {
        let api: ApiError = e.into();
        if matches!(api.status, StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED)
            || api.status.is_server_error()
            || api.code == "step_up_required"
        {
            return Failure::Page(api);
        }
        let field = api
            .field
            .as_deref()
            .map(|f| f.split('[').next().unwrap_or(f))
            .filter(|f| fields.contains(f))
            .map(str::to_owned);
        match field {
            Some(f) => Failure::Form {
                status: api.status,
                errors: Errors(vec![(f, api.message)]),
                error: None,
            },
            None => Failure::Form {
                status: api.status,
                errors: Errors::default(),
                error: Some(api.message),
            },
        }
    }

    /// The failure of an action button (no fields): its status and the message to show
    /// above the page, or the error page.
    pub fn of_action(e: impl Into<ApiError>) -> Result<(StatusCode, String), PageError> {
        let (status, errors, error) = Failure::of(e, &[]).parts()?;
        Ok((
            status,
            error
                .or_else(|| errors.0.into_iter().next().map(|(_, m)| m))
                .unwrap_or_default(),
        ))
    }

    /// The status, field errors and general message of a form failure, or the error for
    /// the error page.
    pub fn parts(self) -> Result<FormFailure, ApiError> {
        match self {
            Failure::Form {
                status,
                errors,
                error,
            } => Ok((status, errors, error)),
            Failure::Page(api) => Err(api),
        }
    }

    /// A problem found by the page itself before calling the service.
    pub fn field(name: &str, message: &str) -> Failure {
        Failure::Form {
            status: StatusCode::BAD_REQUEST,
            errors: Errors(vec![(name.to_owned(), message.to_owned())]),
            error: None,
        }
    }
}

/// A typed form: the submitted fields read into `T` (a `Deserialize` struct whose fields are
/// strings, optional strings or lists — see [`list`]), with what was typed kept in `data` to
/// refill the page after an error. The CSRF token was checked before the handler runs.
pub struct Form<T> {
    pub value: T,
    pub data: FormData,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Form<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let data = FormData::parse(&bytes);
        let value = data
            .decode::<T>()
            .map_err(|e| PageError::Show(e).into_response())?;
        Ok(Form { value, data })
    }
}

impl FormData {
    /// The fields read into a typed struct: a name given once is a string, a name given more
    /// than once a list. A field that cannot be read is named in the error.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, ApiError> {
        let mut map = serde_json::Map::new();
        for (k, v) in &self.pairs {
            let v = serde_json::Value::String(v.trim().to_owned());
            match map.get_mut(k) {
                None => {
                    map.insert(k.clone(), v);
                }
                Some(serde_json::Value::Array(a)) => a.push(v),
                Some(first) => {
                    let first = first.take();
                    map.insert(k.clone(), serde_json::Value::Array(vec![first, v]));
                }
            }
        }
        serde_path_to_error::deserialize(serde_json::Value::Object(map)).map_err(|e| {
            let field = e.path().to_string();
            ApiError::invalid(
                field,
                "invalid_form",
                "表单内容无法识别，请刷新页面后重新填写",
            )
        })
    }
}

/// For a list field of a typed form (checkboxes, a multiple select): one value or many.
pub fn list<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match <OneOrMany as serde::Deserialize>::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Sample {
        #[serde(default)]
        name: String,
        note: Option<String>,
        #[serde(default, deserialize_with = "list")]
        skills: Vec<String>,
    }

    #[test]
    fn a_typed_form_reads_strings_options_and_lists() {
        let f = FormData::parse("name=+%E7%8E%8B+&skills=a&skills=b&_csrf=x".as_bytes());
        let s: Sample = f.decode().unwrap();
        assert_eq!(s.name, "王");
        assert_eq!(s.note, None);
        assert_eq!(s.skills, vec!["a", "b"]);
        let one: Sample = FormData::parse(b"skills=a").decode().unwrap();
        assert_eq!(one.skills, vec!["a"]);
    }

    #[test]
    fn the_sorter_puts_each_error_in_its_place() {
        let field = ApiError::invalid("skills[2]", "bad", "不认识");
        match Failure::of(field, &["skills"]) {
            Failure::Form { errors, error, .. } => {
                assert_eq!(errors.get("skills").map(String::as_str), Some("不认识"));
                assert!(error.is_none());
            }
            Failure::Page(_) => panic!("a field error belongs on the form"),
        }
        let refusal = ApiError::new(StatusCode::FORBIDDEN, "same_reviewer", "不能审批");
        assert!(matches!(
            Failure::of(refusal, &[]),
            Failure::Form {
                status: StatusCode::FORBIDDEN,
                ..
            }
        ));
        assert!(matches!(
            Failure::of(ApiError::not_found(), &["x"]),
            Failure::Page(_)
        ));
    }
}
