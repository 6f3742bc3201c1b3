//! The service window's pages for county, city and province staff, each seeing only their
//! region: persons, registration, benefits and payments, training, the gig market's review
//! queues and occupations, imports, exports and statistics.

use axum::Router;

use crate::AppState;

pub(crate) mod archives;
mod assistance;
mod benefits;
mod budgets;
mod complaints;
mod consult;
mod events;
mod export;
mod fee_reports;
mod guidance;
pub(crate) mod imports;
mod market;
mod news;
mod occupations;
mod onething;
pub(crate) mod pager;
mod parameters;
mod payments;
mod persons;
mod places;
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
        .merge(places::routes())
        .merge(archives::routes())
        .merge(complaints::routes())
        .merge(consult::routes())
        .merge(onething::routes())
        .merge(ratings::routes())
        .merge(assistance::routes())
        .merge(budgets::routes())
        .merge(news::routes())
        .merge(fee_reports::routes())
        .merge(parameters::routes())
        .merge(guidance::routes())
}
