//! linghuo-policy owns the policy engine for 晋政办发〔2020〕89号: the rules of
//! every benefit the document grants, its parameters as time-versioned data,
//! its text as clauses with stable ids, and the explanations of each decision
//! (reasons, quoted citations, what would change the outcome, a trace of every
//! condition and parameter, and a receipt to reproduce it). It is pure: facts
//! and an as-of date in, determinations out. It must not depend on I/O, async
//! runtimes, databases or the clock; its data are embedded at compile time.
//!
//! The public surface, used by the service layer, the HTTP API and the CLI:
//! [`parse_facts`], [`Engine`] ([`Engine::screen`], [`Engine::screen_json`],
//! [`Engine::decide`]), [`Determinations::to_json`] (the determinations
//! JSON written directly, the same bytes as serde_json), [`ParamOverride`],
//! [`policy_clauses`], [`rules()`], [`check()`], [`synth`] and [`whatif`].

pub mod benefit;
pub mod calendar;
pub mod check;
pub mod clauses;
pub mod determination;
pub mod engine;
pub mod facts;
mod json_out;
pub mod money;
pub mod parameters;
pub mod readings;
pub mod receipt;
pub mod rules;
pub mod synth;
pub mod testcases;
pub mod trace;
pub mod whatif;

pub use benefit::{AmountKind, BenefitId, GrantPeriod};
pub use check::{CheckProblem, check};
pub use clauses::{Clause, DOCUMENT, policy_clauses};
pub use determination::{
    BackPaymentRow, Change, Citation, Decision, Determination, Determinations, Outcome, PremiumRow,
    Row, TaxRow,
};
pub use engine::{Engine, ScreenOptions, facts_sha256, failing_override};
pub use facts::{Facts, FactsError, parse_facts};
pub use money::Fen;
pub use parameters::{Param, ParamError, ParamOverride, Parameter, Value};
pub use receipt::Receipt;
pub use rules::{RULE_COUNT, RuleInfo, rules, venue_priority_groups};
