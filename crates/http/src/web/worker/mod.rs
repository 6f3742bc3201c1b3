//! The worker's pages: 找活 with applications and hires, registration, benefits and training
//! (办事), and complaints.

use axum::Router;

use crate::AppState;

mod archives;
pub(crate) mod complaint;
mod complaints;
mod difficulty;
mod events;
mod guidance;
pub(crate) mod hires;
mod hub;
mod items;
pub(crate) mod onething;
pub(crate) mod places;
mod search;
pub(crate) mod services;
pub(crate) mod shared;
pub(crate) mod venues;
pub(crate) mod work;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(search::routes())
        .merge(work::routes())
        .merge(hires::routes())
        .merge(hub::routes())
        .merge(services::routes())
        .merge(complaints::routes())
        .merge(events::routes())
        .merge(venues::routes())
        .merge(archives::routes())
        .merge(items::routes())
        .merge(onething::routes())
        .merge(places::routes())
        .merge(guidance::routes())
        .merge(difficulty::routes())
}
