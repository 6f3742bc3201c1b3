//! The employer's pages: registering the employer, posts, applicants and hires.

use axum::Router;

use crate::AppState;

mod complaints;
mod events;
mod posts;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(posts::routes())
        .merge(events::routes())
        .merge(complaints::routes())
}
