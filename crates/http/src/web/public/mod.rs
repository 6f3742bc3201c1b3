//! Pages anyone can open without logging in: the home page, the policy calculator and text,
//! policy questions, recruitment events and venues.

use axum::Router;

use crate::AppState;

pub(crate) mod consult;
pub(crate) mod events;
mod fees;
mod guide;
mod home;
pub(crate) mod news;
mod open_stats;
pub(crate) mod places;
mod policy;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(home::routes())
        .merge(policy::routes())
        .merge(events::routes())
        .merge(consult::routes())
        .merge(open_stats::routes())
        .merge(guide::routes())
        .merge(places::routes())
        .merge(news::routes())
        .merge(fees::routes())
}
