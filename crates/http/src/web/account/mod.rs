//! Pages of a person's own account, whatever their role: logging in and out, signing up,
//! the second factor and step-up, the password, the elder-mode preference and 消息.

use axum::Router;

use crate::AppState;

pub(crate) mod enrol;
mod login;
pub(crate) mod notices;
mod reset;
pub(crate) mod signup;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(login::routes())
        .merge(reset::routes())
        .merge(signup::routes())
        .merge(enrol::routes())
        .merge(notices::routes())
}
