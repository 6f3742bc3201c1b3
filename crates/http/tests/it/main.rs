//! The one integration test binary of `linghuo-http`: the real router on a fresh database
//! (SQLite, and PostgreSQL when `TEST_DATABASE_URL` is set), one module per area. One binary
//! links the crate graph once instead of once per file; the shared harness is `common`.
//!
//! Run one area with `cargo test -p linghuo-http --test it <module>::`.

mod common;
mod forms;

mod anonymous_visits;
mod answers;
mod archives;
mod assistance;
mod bad_input;
mod benefits;
mod complaints;
mod consult;
mod demo;
mod events;
mod fact_import;
mod foundation;
mod getting_in;
mod guide_api;
mod guide_items;
mod import;
mod import_pages;
mod limits;
mod logs;
mod market;
mod market_pages;
mod market_phone;
mod new_forms;
mod occupations;
mod pages;
mod places;
mod platform_workers;
mod policy_views;
mod privacy;
mod publicity;
mod services_pages;
mod signup_pages;
mod staff_employer;
mod staff_lists;
mod stats;
mod stats_cells;
mod stats_pages;
mod venues;
