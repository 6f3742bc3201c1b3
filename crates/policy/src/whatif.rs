//! What-if: the same population decided by a baseline engine and by an engine
//! with parameter overlays; per benefit, the change in total amount and how
//! many people gain, lose or are unchanged.

use crate::determination::Decision;
use crate::engine::Engine;
use crate::facts::Facts;
use crate::money::Fen;
use crate::rules::{RULE_COUNT, RULES};
use serde::Serialize;
use std::borrow::Borrow;

/// The impact on one benefit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BenefitImpact {
    pub id: &'static str,
    pub name: &'static str,
    pub baseline_total: Fen,
    pub overlay_total: Fen,
    /// `overlay_total − baseline_total`.
    pub change: Fen,
    pub baseline_eligible: u64,
    pub overlay_eligible: u64,
    /// People whose amount rises, or who become eligible at the same amount.
    pub gaining: u64,
    /// People whose amount falls, or who stop being eligible at the same amount.
    pub losing: u64,
    pub unchanged: u64,
}

/// The impact over a population.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WhatIfReport {
    pub persons: u64,
    pub baseline_parameters_sha256: String,
    pub overlay_parameters_sha256: String,
    pub benefits: Vec<BenefitImpact>,
}

/// Accumulates decisions pair by pair, for callers that stream a population.
#[derive(Clone, Debug)]
pub struct Tally {
    persons: u64,
    benefits: [BenefitImpact; RULE_COUNT],
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            persons: 0,
            benefits: std::array::from_fn(|i| BenefitImpact {
                id: RULES[i].id,
                name: RULES[i].name,
                ..BenefitImpact::default()
            }),
        }
    }
}

impl Tally {
    pub fn add(&mut self, baseline: &Decision, overlay: &Decision) {
        self.persons += 1;
        for ((b, o), t) in baseline
            .outcomes
            .iter()
            .zip(&overlay.outcomes)
            .zip(&mut self.benefits)
        {
            t.baseline_total += b.amount;
            t.overlay_total += o.amount;
            t.baseline_eligible += u64::from(b.eligible);
            t.overlay_eligible += u64::from(o.eligible);
            let gain = o.amount > b.amount || (o.amount == b.amount && o.eligible && !b.eligible);
            let lose = o.amount < b.amount || (o.amount == b.amount && !o.eligible && b.eligible);
            if gain {
                t.gaining += 1;
            } else if lose {
                t.losing += 1;
            } else {
                t.unchanged += 1;
            }
        }
    }

    pub fn report(mut self, baseline: &Engine, overlay: &Engine) -> WhatIfReport {
        for t in &mut self.benefits {
            t.change = t.overlay_total - t.baseline_total;
        }
        WhatIfReport {
            persons: self.persons,
            baseline_parameters_sha256: baseline.parameters_sha256().to_string(),
            overlay_parameters_sha256: overlay.parameters_sha256().to_string(),
            benefits: self.benefits.to_vec(),
        }
    }
}

/// Decides every person with both engines and reports the difference.
pub fn compare<I, B>(baseline: &Engine, overlay: &Engine, population: I) -> WhatIfReport
where
    I: IntoIterator<Item = B>,
    B: Borrow<Facts>,
{
    let mut t = Tally::default();
    for f in population {
        let f = f.borrow();
        t.add(&baseline.decide(f), &overlay.decide(f));
    }
    t.report(baseline, overlay)
}
