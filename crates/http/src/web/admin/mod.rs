//! The administrators' pages: accounts (账户管理) and the audit log (审计日志).

use axum::Router;

use crate::AppState;

mod audit;
mod users;
mod windows;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(users::routes())
        .merge(audit::routes())
        .merge(windows::routes())
}
