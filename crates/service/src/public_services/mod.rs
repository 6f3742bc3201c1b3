//! Public employment services beyond the market and benefits: recruitment events, venues
//! and relief, personnel archives, complaints with mediation, and policy questions.

pub mod archives;
pub mod complaints;
pub mod consult;
pub mod events;
pub mod fee_reports;
pub mod guidance;
pub mod guide;
pub mod places;
pub mod publicity;
pub mod venues;
