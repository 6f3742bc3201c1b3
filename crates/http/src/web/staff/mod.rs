//! The service window's pages for county, city and province staff, each seeing only their
//! region: persons, registration, benefits and payments, training, the gig market's review
//! queues and occupations, imports, exports and statistics.

use axum::Router;

use crate::AppState;

pub(crate) mod archives;
mod benefits;
mod complaints;
mod consult;
mod events;
mod export;
mod guidance;
pub(crate) mod imports;
mod market;
mod occupations;
mod onething;
pub(crate) mod pager;
mod payments;
mod persons;
mod ratings;
mod registrations;
pub(crate) mod stats;
mod training;
mod venues;
mod window;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(persons::routes())
        .merge(benefits::routes())
        .merge(window::routes())
        .merge(registrations::routes())
        .merge(payments::routes())
        .merge(training::routes())
        .merge(market::routes())
        .merge(occupations::routes())
        .merge(imports::routes())
        .merge(export::routes())
        .merge(stats::routes())
        .merge(events::routes())
        .merge(venues::routes())
        .merge(archives::routes())
        .merge(complaints::routes())
        .merge(consult::routes())
        .merge(onething::routes())
        .merge(ratings::routes())
        .merge(guidance::routes())
}
