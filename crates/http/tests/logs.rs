//! D11 in a test binary of its own: a thread-local log subscriber must not race with other
//! tests registering callsites on other threads.

mod common;
mod forms;

use common::*;
use serde_json::json;

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
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    each_app(|app| async move {
        let mut acc = account(&app, "log.county", "staff", Some("140105"), &["pii:reveal"]).await;
        let mut c = login(&app, &mut acc).await;
        c.may_reveal = true;
        let r = c.post(&app, "/api/v1/persons", json!({"name": "周九", "id_number": "140105199003071242", "phone": "13987654321", "jurisdiction_code": "140105"})).await;
        let id = r.json()["id"].as_str().unwrap().to_owned();
        c.post(&app, "/api/v1/persons/search", json!({"q": "140105199003071242"})).await;
        c.post(&app, "/api/v1/persons/search", json!({"q": "13987654321"})).await;
        c.post(&app, &format!("/api/v1/persons/{id}/reveal"), json!({"field": "id_number", "reason": "日志检查"})).await;
        c.post(&app, "/api/v1/persons", json!({"name": "周九", "id_number": "140105199003071242", "jurisdiction_code": "140105"})).await;
        // 找附近的活: the phone's location is used for the search and never logged.
        let mut b = forms::Browser::new();
        b.get(&app, "/work").await;
        let p = b.post(&app, "/work/nearby", &[("lat", "37.81234"), ("lon", "112.56789"), ("q", "保洁")]).await;
        assert_eq!(p.status, axum::http::StatusCode::OK, "{}", p.html);
        app
    })
    .await;
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
