//! linghuo-market owns the gig market's pure logic: the indexable view of a
//! job post ([`post`]), Chinese full-text and nearby search over live posts
//! ([`index`], tantivy with a jieba [`segmentation`] whose user dictionary
//! is the occupation catalogue, the regions and local trade words), distances
//! and grid cells ([`geo`]), pay as gig work is really paid, with estimates
//! per hour and per day ([`pay`]), two-way recommendation with hard filters,
//! explained ranking and a congestion damper ([`matching`]), the rules that
//! screen a post before it goes live ([`screening`]), the parsing behind
//! imports from other markets ([`import`]), and deterministic synthetic
//! posts and workers for tests and benchmarks ([`synth`]).
//!
//! It must not depend on sqlx, axum, tokio or the storage, service and http
//! crates (CI checks it): no SQL, no HTTP, no async, no clock — callers pass
//! "today". The database is the system of record; the index and the
//! matchers are derived from it and can be rebuilt at any time. User-facing
//! strings (errors, reasons, findings) are Simplified Chinese.

pub mod error;
pub mod geo;
pub mod import;
pub mod index;
pub mod matching;
pub mod pay;
pub mod post;
pub mod screening;
pub mod segmentation;
pub mod synth;
pub mod vocab;

#[cfg(test)]
mod testing;

pub use error::MarketError;
pub use index::{MarketIndex, MatchTier, SearchHit, SearchOutcome, SearchQuery, SortBy};
pub use matching::{JobMatcher, Reason, ReasonKind, Recommendation, WorkerPool, WorkerProfile};
pub use pay::{ExpectedPay, Floor, Pay, PayBasis, PayEstimate, PayUnit, TimeUnit, WorkHours};
pub use post::{JobForm, JobPost, Schedule, TimeSlot, Weekdays};
pub use screening::{Finding, FindingKind, ScreeningContext, screen};
pub use vocab::{Cond, QueryPlan, TradeResolution, Vocabulary};
