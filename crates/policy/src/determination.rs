//! What the engine answers: the contract's determinations (one per benefit,
//! in the contract's order) and the compact decision of the fast path.

use crate::calendar::Month;
use crate::money::Fen;
use crate::receipt::Receipt;
use crate::trace::TraceNode;
use chrono::NaiveDate;
use serde::Serialize;

/// The answer for one person: the contract's JSON document.
#[derive(Clone, Debug, Serialize)]
pub struct Determinations {
    #[serde(serialize_with = "crate::calendar::serde_date")]
    pub as_of: NaiveDate,
    pub policy: &'static str,
    pub benefits: Vec<Determination>,
    /// Enough to reproduce the result later.
    pub receipt: Receipt,
}

impl Determinations {
    pub fn benefit(&self, id: &str) -> Option<&Determination> {
        self.benefits.iter().find(|b| b.id == id)
    }
}

/// The determination for one benefit.
#[derive(Clone, Debug, Serialize)]
pub struct Determination {
    pub id: &'static str,
    pub name: &'static str,
    pub eligible: bool,
    pub amount: Fen,
    pub payable_now: Fen,
    /// When more becomes payable than is payable now (the startup subsidy's
    /// advance and remainder).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::calendar::serde_opt_date")]
    pub payable_from: Option<NaiveDate>,
    pub breakdown: Vec<Row>,
    pub reasons: Vec<String>,
    /// The quoted sentences, resolved once per process.
    pub citations: &'static [Citation],
    /// For a benefit not granted or not fully payable now: per failed
    /// condition, the smallest change of facts that flips it, or that none
    /// exists.
    pub what_would_change: Vec<Change>,
    /// The platform's readings of open text this determination relied on.
    pub readings: Vec<ReadingUse>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace: Option<TraceNode>,
}

/// A quoted sentence of the policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Citation {
    pub document: &'static str,
    pub clause: &'static str,
    pub text: &'static str,
}

/// What would change the outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Change {
    /// Stable id of the failed (or not yet met) condition.
    pub condition: &'static str,
    /// In Chinese: the change, or why none exists.
    pub text: String,
    /// Whether some change of facts can flip the condition.
    pub possible: bool,
    /// The day from which the condition holds without any other change.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(serialize_with = "crate::calendar::serde_opt_date")]
    pub from: Option<NaiveDate>,
}

/// A reading of open text (see `readings`), as shown in a determination.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct ReadingUse {
    pub id: &'static str,
    pub text: &'static str,
}

/// A breakdown row; which kind depends on the benefit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Row {
    Tax(TaxRow),
    Premium(PremiumRow),
    BackPayment(BackPaymentRow),
}

/// One tax year of the tax deduction: the year's limit and what was deducted
/// from each tax.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaxRow {
    pub year: i32,
    pub limit: Fen,
    pub vat: Fen,
    pub urban_maintenance_tax: Fen,
    pub education_surcharge: Fen,
    pub local_education_surcharge: Fen,
    pub individual_income_tax: Fen,
    pub total: Fen,
    /// Months of the year inside the 36-month window.
    pub months_in_window: u32,
}

/// One month of the social-insurance subsidy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PremiumRow {
    pub month: Month,
    pub paid: Fen,
    pub subsidy: Fen,
}

/// One back payment of 2020 pension contributions and how it was judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BackPaymentRow {
    pub month: Month,
    #[serde(serialize_with = "crate::calendar::serde_date")]
    pub paid_on: NaiveDate,
    pub base: Fen,
    /// `accepted`, `accepted_base_unchecked` (bounds not yet configured) or
    /// `refused`.
    pub status: &'static str,
    pub reason: String,
}

/// The decision for one benefit without any text: what the fast path computes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub eligible: bool,
    pub amount: Fen,
    pub payable_now: Fen,
    pub payable_from: Option<NaiveDate>,
}

impl Outcome {
    pub const NOT_ELIGIBLE: Outcome = Outcome {
        eligible: false,
        amount: Fen::ZERO,
        payable_now: Fen::ZERO,
        payable_from: None,
    };

    /// Eligible for a benefit that is not a sum of money.
    pub const ELIGIBLE_NO_MONEY: Outcome = Outcome {
        eligible: true,
        amount: Fen::ZERO,
        payable_now: Fen::ZERO,
        payable_from: None,
    };
}

/// The eleven outcomes for one person, in the contract's order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Decision {
    pub outcomes: [Outcome; crate::rules::RULE_COUNT],
}
