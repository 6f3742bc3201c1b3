//! D11: what the server logs. The capture is a thread-local subscriber in a binary whose other
//! tests log on other threads. tracing caches each log callsite's interest when the callsite is
//! first reached; while one dispatcher alone is registered, a callsite first reached on another
//! thread asks only that thread's (empty) default and is cached as never wanted, so the capture
//! would miss it. A second dispatcher that wants nothing (and says so, so no level is enabled
//! before the capture starts) makes tracing ask every live dispatcher instead.

use crate::common::*;
use serde_json::json;

/// The requests whose logs are read: login, registration, search by ID and phone, reveal,
/// and a nearby search from a phone's location.
async fn story(app: TestApp) -> TestApp {
    let mut acc = account(&app, "log.county", "staff", Some("140105"), &["pii:reveal"]).await;
    let mut c = login(&app, &mut acc).await;
    c.may_reveal = true;
    let r = c.post(&app, "/api/v1/persons", json!({"name": "周九", "id_number": "140105199003071242", "phone": "13987654321", "jurisdiction_code": "140105"})).await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    c.post(
        &app,
        "/api/v1/persons/search",
        json!({"q": "140105199003071242"}),
    )
    .await;
    c.post(&app, "/api/v1/persons/search", json!({"q": "13987654321"}))
        .await;
    c.post(
        &app,
        &format!("/api/v1/persons/{id}/reveal"),
        json!({"field": "id_number", "reason": "日志检查"}),
    )
    .await;
    c.post(
        &app,
        "/api/v1/persons",
        json!({"name": "周九", "id_number": "140105199003071242", "jurisdiction_code": "140105"}),
    )
    .await;
    // 找附近的活: the phone's location is used for the search and never logged.
    let mut b = crate::forms::Browser::new();
    b.get(&app, "/work").await;
    let p = b
        .post(
            &app,
            "/work/nearby",
            &[("lat", "37.81234"), ("lon", "112.56789"), ("q", "保洁")],
        )
        .await;
    assert_eq!(p.status, axum::http::StatusCode::OK, "{}", p.html);
    app
}

/// D11: logs carry no personal data, even at debug level, through login, registration,
/// search by ID and phone, and reveal.
#[tokio::test]
async fn logs_contain_no_personal_data() {
    use std::sync::{Arc, Mutex};
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let _every_dispatcher_is_asked = tracing::Dispatch::new(
        tracing_subscriber::fmt()
            .with_max_level(tracing::level_filters::LevelFilter::OFF)
            .finish(),
    );
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    each_app(story).await;
    let text = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(text.contains("request"), "the access log was captured");
    assert_eq!(
        linghuo_domain::find_unmasked_pii(&text),
        None,
        "personal data in logs"
    );
    assert!(!text.contains("周九"), "names in logs");
    assert!(
        text.contains("/work/nearby"),
        "the nearby search was logged"
    );
    assert!(
        !text.contains("37.81") && !text.contains("112.56"),
        "a location in logs"
    );
}
