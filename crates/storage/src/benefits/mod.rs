//! Public-service records: 就业/失业/灵活就业登记 with the 就业创业证, registration
//! suggestions, the facts other registers supply (business registrations, tax and
//! social-insurance records), payee accounts, benefit applications, caps and exclusive
//! claims, the append-only ledger with payment instructions and bank batches, idempotency
//! keys, the 免申即享 re-screening queue, and training courses.
//!
//! Guards live in the schema: one open registration per person (partial unique index), one
//! application per person, benefit and period, caps as CHECK constraints, exclusive claims
//! as primary keys, ledger transfers and payment instructions unique on their idempotency
//! keys. Functions here report a refused write as [`crate::StorageError::Conflict`].

use crate::status::{ApplicationStatus, InstructionStatus, RegistrationKind};
use crate::{Db, Result, Tx, on_pool, on_tx, values_list};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

mod applications;
mod assistance;
mod budgets;
mod claims;
mod enrolment;
mod facts;
mod idempotency;
mod ledger;
mod payments;
mod registrations;
mod rescreen;
mod training;

pub use applications::*;
pub use assistance::*;
pub use budgets::*;
pub use claims::*;
pub use enrolment::*;
pub use facts::*;
pub use idempotency::*;
pub use ledger::*;
pub use payments::*;
pub use registrations::*;
pub use rescreen::*;
pub use training::*;
