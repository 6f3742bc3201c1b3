//! Static assets compiled into the binary: nothing is fetched from outside at run time.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "site.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/site.css"),
    ),
    (
        "site.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/site.js"),
    ),
    (
        "work.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/work.js"),
    ),
    (
        "stats.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/stats.js"),
    ),
    (
        "vendor/echarts.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/vendor/echarts.min.js"),
    ),
    (
        "vendor/echarts-LICENSE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/vendor/echarts-LICENSE.txt"),
    ),
    (
        "vendor/echarts-NOTICE.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/vendor/echarts-NOTICE.txt"),
    ),
    (
        "vendor/echarts-LICENSE-d3.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../assets/vendor/echarts-LICENSE-d3.txt"),
    ),
    (
        "print.css",
        "text/css; charset=utf-8",
        include_bytes!("../assets/print.css"),
    ),
    (
        "print.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../assets/print.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../assets/favicon.svg"),
    ),
];

pub async fn serve(Path(path): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == path) {
        Some((_, mime, body)) => {
            let mut r = (StatusCode::OK, *body).into_response();
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
            r.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            r
        }
        None => (StatusCode::NOT_FOUND, "not found").into_response(),
    }
}
