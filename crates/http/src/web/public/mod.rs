//! Pages anyone can open without logging in: the home page, the policy calculator and text,
//! 办事大厅, policy questions, recruitment events and venues.

use axum::Router;

use crate::AppState;

mod consult;
mod home;
mod hub;
mod policy;
mod services;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(home::routes())
        .merge(policy::routes())
        .merge(hub::routes())
        .merge(services::routes())
        .merge(consult::routes())
}
