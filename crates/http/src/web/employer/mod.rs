//! The employer's pages: registering the employer, posts, applicants and hires, and the
//! workers a platform reports.

use axum::Router;

use crate::AppState;

mod complaints;
mod events;
mod hires;
mod home;
mod posts;
mod sharing;
mod workers;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(home::routes())
        .merge(posts::routes())
        .merge(hires::routes())
        .merge(events::routes())
        .merge(complaints::routes())
        .merge(sharing::routes())
        .merge(workers::routes())
}
