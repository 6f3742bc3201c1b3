//! Server-rendered pages in Simplified Chinese. Every page is readable without scripts;
//! forms post back with a CSRF token and show errors beside the field, keeping what was typed.
//!
//! Pages are grouped by who uses them — `public/` (anyone), `account/` (one's own account,
//! any role), `worker/`, `employer/`, `staff/`, `admin/` — with their templates in the
//! folders of the same names. The kit every page uses sits beside them: `page` (the frame,
//! `PageResult` and the error page), `roles` (the `Worker`, `Employer`, `Staff`, … extractors
//! that refuse before a handler runs), `form` (`FormData`, typed `Form<T>` and the one error
//! sorter `Failure`), `flash` (the one table of "done" messages) and `format` (dates, regions,
//! occupations).

pub(crate) use staff::imports::{UPLOAD_LIMIT, UPLOAD_PATH, upload_routes};

// The kit every page uses.
pub mod answers;
mod flash;
mod form;
mod format;
mod page;
mod roles;

pub use flash::Flash;
pub use form::{Errors, Failure, Form, FormData, FormFailure, list, split_list};
pub use format::*;
pub use page::*;
pub use roles::{Admin, Auditor, Employer, Party, Recipient, SignedIn, Staff, Worker};

// Pages by who uses them.
mod account;
mod admin;
mod employer;
mod public;
mod staff;
mod worker;

use axum::Router;

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(public::routes())
        .merge(account::routes())
        .merge(worker::routes())
        .merge(employer::routes())
        .merge(staff::routes())
        .merge(admin::routes())
        .layer(axum::middleware::from_fn(error_pages))
}
