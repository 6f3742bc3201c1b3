//! linghuo-http is the web face of the platform: the axum router with the JSON API under
//! `/api/v1` (documented by `/api/openapi.json`) and the server-rendered pages in Simplified
//! Chinese, with their assets embedded in the binary (no CDN: government networks are often
//! isolated).
//!
//! It owns sessions cookies, CSRF checks, security headers, request ids and the mapping of
//! service errors to status codes and stable codes. It calls `linghuo-service` for everything
//! else and never talks to the database itself (it does not depend on sqlx or the storage crate).

pub mod api;
mod assets;
mod context;
mod error;
mod web;

use std::time::Duration;

use axum::Router;
use axum::routing::get;
use linghuo_service::Service;

pub use context::{SESSION_COOKIE, SESSION_COOKIE_INSECURE};
pub use error::ApiError;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// The service, and through it the one policy engine (`svc.engine`, with the configured
    /// parameter overrides) that every page and API answers with.
    pub svc: Service,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("svc", &self.svc).finish()
    }
}

impl AppState {
    pub fn new(svc: Service) -> AppState {
        AppState { svc }
    }
}

/// The largest request body, except the spreadsheet upload page's.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The body limit of a path: the upload page takes spreadsheets, everything else forms and
/// JSON.
pub(crate) fn body_limit(path: &str) -> usize {
    if path == web::UPLOAD_PATH {
        web::UPLOAD_LIMIT
    } else {
        BODY_LIMIT
    }
}

/// The whole application: pages, API, assets, with the middleware stack.
pub fn router(state: AppState) -> Router {
    let timeout = Duration::from_secs(state.svc.config.server.request_timeout_secs.max(1));
    Router::new()
        .merge(web::routes())
        .nest("/api", api::routes())
        .route("/healthz", get(healthz))
        .route("/assets/{*path}", get(assets::serve))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(BODY_LIMIT))
        .merge(
            web::upload_routes()
                .layer(axum::extract::DefaultBodyLimit::max(web::UPLOAD_LIMIT))
                .layer(tower_http::limit::RequestBodyLimitLayer::new(
                    web::UPLOAD_LIMIT,
                )),
        )
        .fallback(web::not_found)
        // Bodies are limited per route above (2 MB; the upload page 16 MB) and, for forms,
        // by the session layer as it buffers them for the CSRF check, so a page that is too
        // big gets a page in reply, not a bare 413.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            context::session_layer,
        ))
        .layer(axum::middleware::from_fn(context::outer_layer))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .with_state(state)
}

async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    match state.svc.ping().await {
        Ok(()) => (
            axum::http::StatusCode::OK,
            axum::Json(serde_json::json!({"status": "ok"})),
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}
