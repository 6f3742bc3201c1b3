//! Bad input at the HTTP edge: bodies over the limit answered with the API's JSON error or
//! the error page, and the OpenAPI document checked against the router it describes.

use crate::common::*;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

/// Just over the 2 MB limit of every route but the upload page.
fn oversize() -> Vec<u8> {
    vec![b' '; linghuo_http::BODY_LIMIT + 1024]
}

struct Raw {
    status: StatusCode,
    content_type: String,
    body: String,
}

async fn send_raw(
    app: &TestApp,
    c: &Client,
    method: Method,
    path: &str,
    content_type: &str,
    body: Vec<u8>,
    with_length: bool,
    with_csrf_header: bool,
) -> Raw {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, "localhost")
        .header(header::CONTENT_TYPE, content_type);
    if let Some(cookie) = &c.cookie {
        b = b.header(header::COOKIE, format!("__Host-lh_session={cookie}"));
    }
    if with_csrf_header {
        b = b.header("x-csrf-token", &c.csrf);
    }
    if with_length {
        b = b.header(header::CONTENT_LENGTH, body.len());
    }
    // Without a length the body arrives as a stream of unknown size, as a chunked upload does.
    let body = if with_length {
        Body::from(body)
    } else {
        Body::from_stream(futures_stream(body))
    };
    let resp = app
        .router
        .clone()
        .oneshot(b.body(body).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let content_type = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap();
    Raw {
        status,
        content_type,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The body in 64 KB pieces with no size known in advance.
fn futures_stream(
    body: Vec<u8>,
) -> impl futures_util::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send {
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        body.chunks(64 * 1024).map(|c| Ok(c.to_vec())).collect();
    futures_util::stream::iter(chunks)
}

fn assert_json_too_large(what: &str, r: &Raw) {
    assert_eq!(
        r.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{what}: {}",
        r.body
    );
    assert!(
        r.content_type.starts_with("application/json"),
        "{what}: {} {}",
        r.content_type,
        r.body
    );
    let v: Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(v["error"]["code"], "body_too_large", "{what}: {v}");
    assert_eq!(v["error"]["field"], "body", "{what}: {v}");
    assert!(
        v["error"]["message"].as_str().unwrap().contains("超过2MB"),
        "{what}: {v}"
    );
}

fn assert_page_too_large(what: &str, r: &Raw) {
    assert_eq!(
        r.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{what}: {}",
        r.body
    );
    assert!(
        r.content_type.starts_with("text/html"),
        "{what}: {} {}",
        r.content_type,
        &r.body[..r.body.len().min(300)]
    );
    assert!(r.body.contains("超过2MB"), "{what}: {}", r.body);
    assert!(r.body.contains("<html"), "{what}");
}

#[tokio::test]
async fn an_oversize_body_answers_with_the_json_error_or_the_error_page() {
    each_app(|app| async move {
        let mut c = Client::default();
        c.start(&app).await;
        let page = {
            let mut p = Client::default();
            let r = p.get(&app, "/login").await;
            assert_eq!(r.status, StatusCode::OK);
            let csrf = r
                .body
                .split("name=\"_csrf\" value=\"")
                .nth(1)
                .and_then(|s| s.split('"').next())
                .unwrap()
                .to_owned();
            p.csrf = csrf;
            p
        };
        for with_length in [true, false] {
            // The API: JSON (login), a raw body (the policy screen, exempt from CSRF).
            let r = send_raw(
                &app,
                &c,
                Method::POST,
                "/api/v1/session",
                "application/json",
                oversize(),
                with_length,
                true,
            )
            .await;
            assert_json_too_large(&format!("login, length {with_length}"), &r);
            let r = send_raw(
                &app,
                &Client::default(),
                Method::POST,
                "/api/v1/policy/screen",
                "application/json",
                oversize(),
                with_length,
                false,
            )
            .await;
            assert_json_too_large(&format!("policy screen, length {with_length}"), &r);

            // A page: a form with its CSRF field, and a script sending the CSRF header.
            let mut form = format!("_csrf={}&username=a&password=", page.csrf).into_bytes();
            form.extend(oversize());
            let r = send_raw(
                &app,
                &page,
                Method::POST,
                "/login",
                "application/x-www-form-urlencoded",
                form.clone(),
                with_length,
                false,
            )
            .await;
            assert_page_too_large(&format!("login form, length {with_length}"), &r);
            let r = send_raw(
                &app,
                &page,
                Method::POST,
                "/login",
                "application/x-www-form-urlencoded",
                form,
                with_length,
                true,
            )
            .await;
            assert_page_too_large(&format!("login form with header, length {with_length}"), &r);
        }
        // Under the limit nothing changes: the same login with a small body is just refused.
        let r = send_raw(
            &app,
            &c,
            Method::POST,
            "/api/v1/session",
            "application/json",
            br#"{"username":"nobody","password":"wrong password 123"}"#.to_vec(),
            true,
            true,
        )
        .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
        app
    })
    .await;
}

// ---------------------------------------------------------------------------
// The OpenAPI document against the routes

fn template_params(path: &str) -> Vec<String> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(str::to_owned)
        .collect()
}

/// A path with every `{param}` filled in with a well-formed value that names nothing.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            if seg.starts_with('{') {
                "00000000-0000-4000-8000-000000000000"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn the_openapi_document_matches_the_routes_and_their_parameters() {
    let doc: Value = serde_json::to_value(linghuo_http::api::openapi()).unwrap();
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() > 50, "{} paths", paths.len());
    let mut operations = Vec::new();
    let mut problems = Vec::new();
    for (path, item) in paths {
        assert!(path.starts_with("/api/"), "{path}");
        let in_template = template_params(path);
        for (method, op) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            operations.push((method.to_uppercase(), path.clone()));
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let declared_in = |name: &str| -> Option<String> {
                params
                    .iter()
                    .find(|p| p["name"] == name)
                    .map(|p| p["in"].as_str().unwrap_or("").to_owned())
            };
            for t in &in_template {
                match declared_in(t) {
                    Some(i) if i == "path" => {}
                    other => problems.push(format!(
                        "{method} {path}: {{{t}}} is declared {other:?}, not in: path"
                    )),
                }
            }
            for p in &params {
                let name = p["name"].as_str().unwrap_or("");
                match p["in"].as_str().unwrap_or("") {
                    "path" => {
                        if !in_template.iter().any(|t| t == name) {
                            problems.push(format!(
                                "{method} {path}: `{name}` is declared in: path but the path has no {{{name}}} (a query parameter?)"
                            ));
                        }
                        if p["required"] != true {
                            problems.push(format!(
                                "{method} {path}: path parameter `{name}` not required"
                            ));
                        }
                    }
                    "query" | "header" => {
                        if in_template.iter().any(|t| t == name) {
                            problems.push(format!(
                                "{method} {path}: `{name}` is in the path, not the query"
                            ));
                        }
                    }
                    other => problems.push(format!("{method} {path}: `{name}` in: {other}")),
                }
            }
        }
    }
    // Two request bodies of one name would be documented as one: the mediation outcome is
    // its own, not the event outcome's.
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let body_ref = |path: &str| {
        doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            .as_str()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap()
            .to_owned()
    };
    let mediation = body_ref("/api/v1/mediations/{id}/outcome");
    let event = body_ref("/api/v1/event-registrations/{id}/outcome");
    assert_ne!(mediation, event);
    assert!(
        schemas[&mediation]["properties"]["agreement"].is_object(),
        "{mediation}"
    );
    assert!(
        schemas[&event]["properties"]["hires"].is_object(),
        "{event}"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // Every documented operation is routed: the router neither answers 405 (no such method
    // on the path) nor its own "route not found".
    each_app(|app| {
        let operations = operations.clone();
        async move {
            let mut c = Client::default();
            c.start(&app).await;
            let mut missing = Vec::new();
            for (method, path) in &operations {
                let m = Method::from_bytes(method.as_bytes()).unwrap();
                let body = (m != Method::GET && m != Method::DELETE).then(|| serde_json::json!({}));
                let r = c.send(&app, m, &concrete(path), body).await;
                let unrouted = r.status == StatusCode::METHOD_NOT_ALLOWED
                    || (r.status == StatusCode::NOT_FOUND && r.body.contains("route_not_found"));
                if unrouted {
                    missing.push(format!("{method} {path}: {} {}", r.status, r.body));
                }
            }
            assert!(missing.is_empty(), "{}: {}", app.label, missing.join("\n"));
            app
        }
    })
    .await;
}
