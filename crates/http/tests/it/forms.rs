//! A form-posting browser for page tests: cookies, the CSRF token scraped from the last
//! page, redirects noted, and every page checked for unmasked personal data, POST forms
//! without the CSRF field and fields without a label.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;

use crate::common::*;

/// A browser: cookies and the CSRF token scraped from the last page.
pub struct Browser {
    pub cookies: Vec<(String, String)>,
    pub csrf: String,
    /// The socket address this browser's requests come from (its own, for rate limits).
    pub peer: std::net::SocketAddr,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub html: String,
}

/// The text of `html` between the first `start` and the next `end`.
pub fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in page"))
        + start.len();
    let rest = &html[i..];
    &rest[..rest.find(end).unwrap()]
}

/// The response as a page: no unmasked personal data in it or in its redirect, every POST
/// form with its CSRF field and every field labelled.
async fn checked_page(resp: axum::response::Response, what: &str, path: &str) -> Page {
    let status = resp.status();
    let location = resp
        .headers()
        .get(header::LOCATION)
        .map(|v| v.to_str().unwrap().to_owned());
    let html = String::from_utf8(
        axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec(),
    )
    .unwrap();
    assert_eq!(
        linghuo_domain::find_unmasked_pii(&html),
        None,
        "unmasked personal data on {what}"
    );
    if let Some(l) = &location {
        assert_eq!(
            linghuo_domain::find_unmasked_pii(l),
            None,
            "personal data in a redirect: {l}"
        );
    }
    check_forms(path, &html);
    Page {
        status,
        location,
        html,
    }
}

impl Browser {
    pub fn new() -> Browser {
        Browser {
            cookies: vec![],
            csrf: String::new(),
            peer: next_peer(),
        }
    }

    /// A browser holding the session of a client logged in through the API.
    pub fn of(client: &Client) -> Browser {
        Browser {
            cookies: vec![(
                linghuo_http::SESSION_COOKIE.to_owned(),
                client.cookie.clone().expect("logged in"),
            )],
            csrf: String::new(),
            peer: next_peer(),
        }
    }

    pub async fn request(
        &mut self,
        app: &TestApp,
        method: &str,
        path: &str,
        form: &[(&str, &str)],
    ) -> Page {
        assert_eq!(
            linghuo_domain::find_unmasked_pii(path),
            None,
            "personal data in a URL: {path}"
        );
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "localhost")
            .extension(axum::extract::ConnectInfo(self.peer));
        let cookie = self.cookie_header();
        if !cookie.is_empty() {
            b = b.header(header::COOKIE, cookie);
        }
        let req = if method == "POST" {
            let mut pairs: Vec<(&str, &str)> = vec![("_csrf", self.csrf.as_str())];
            pairs.extend_from_slice(form);
            let body = serde_urlencoded::to_string(&pairs).unwrap();
            b.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap()
        } else {
            b.body(Body::empty()).unwrap()
        };
        let resp = app.router.clone().oneshot(req).await.unwrap();
        for v in resp.headers().get_all(header::SET_COOKIE) {
            let (kv, _) = v.to_str().unwrap().split_once(';').unwrap();
            let (k, v) = kv.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !v.is_empty() {
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
        let page = checked_page(resp, &format!("{method} {path}"), path).await;
        if let Some(i) = page.html.find("name=\"_csrf\" value=\"") {
            let rest = &page.html[i + 20..];
            self.csrf = rest[..rest.find('"').unwrap()].to_owned();
        }
        page
    }

    /// The Cookie header this browser sends.
    pub fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// A download as bytes (Excel files are not text).
    pub async fn download(&self, app: &TestApp, path: &str) -> (StatusCode, Vec<u8>) {
        let req = Request::builder()
            .uri(path)
            .header(header::HOST, "localhost")
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .unwrap();
        let resp = app.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        (status, bytes)
    }

    /// Posts a form with a file as a browser does (`multipart/form-data`): the CSRF field
    /// first (unless `csrf` is None), then `fields`, then the file as the part `file`. The
    /// page is checked like every other.
    pub async fn upload(
        &self,
        app: &TestApp,
        path: &str,
        csrf: Option<&str>,
        fields: &[(&str, &str)],
        file_name: &str,
        content: &[u8],
    ) -> Page {
        let boundary = "----linghuoTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        let mut part = |name: &str, value: &str| {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        };
        if let Some(t) = csrf {
            part("_csrf", t);
        }
        for (k, v) in fields {
            part(k, v);
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = Request::builder()
            .method("POST")
            .uri(path)
            .header(header::HOST, "localhost")
            .header(header::COOKIE, self.cookie_header())
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap();
        let resp = app.router.clone().oneshot(req).await.unwrap();
        checked_page(resp, &format!("upload to {path}"), path).await
    }

    pub async fn get(&mut self, app: &TestApp, path: &str) -> Page {
        self.request(app, "GET", path, &[]).await
    }

    pub async fn post(&mut self, app: &TestApp, path: &str, form: &[(&str, &str)]) -> Page {
        self.request(app, "POST", path, form).await
    }

    /// Posts a form and follows the redirect it must answer with.
    pub async fn submit(
        &mut self,
        app: &TestApp,
        path: &str,
        form: &[(&str, &str)],
    ) -> (String, Page) {
        let p = self.post(app, path, form).await;
        let to = p.location.unwrap_or_else(|| {
            panic!(
                "{} from POST {path}, expected a redirect: {}",
                p.status, p.html
            )
        });
        let page = self.get(app, &to).await;
        assert_eq!(page.status, StatusCode::OK, "GET {to}: {}", page.html);
        (to, page)
    }
}

/// Every POST form carries the CSRF field; every visible field with an id has a label.
pub fn check_forms(path: &str, html: &str) {
    let posts = html.matches("<form method=\"post\"").count();
    let tokens = html.matches("name=\"_csrf\"").count();
    assert!(
        tokens >= posts,
        "{path}: {posts} POST forms, {tokens} CSRF fields"
    );
    for tag in ["<input id=\"", "<select id=\"", "<textarea id=\""] {
        for (i, _) in html.match_indices(tag) {
            let rest = &html[i + tag.len()..];
            let id = &rest[..rest.find('"').unwrap()];
            assert!(
                html.contains(&format!("<label for=\"{id}\"")),
                "{path}: field {id} has no label"
            );
        }
    }
}

pub fn with<'a>(
    base: &[(&'a str, &'a str)],
    changes: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut out: Vec<(&str, &str)> = base
        .iter()
        .filter(|(k, _)| !changes.iter().any(|(c, _)| c == k))
        .copied()
        .collect();
    out.extend_from_slice(changes);
    out
}
