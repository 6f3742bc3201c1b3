//! The engine: parameters (embedded, optionally overlaid) and the two ways to
//! run the rules — [`Engine::decide`], the allocation-free fast path for
//! populations, and [`Engine::screen`], the contract's full determinations
//! with reasons, citations, what would change, receipt and optional trace.

use crate::clauses::{DOCUMENT, POLICY_TEXT_SHA256, clause, sentence_containing};
use crate::determination::{Citation, Decision, Determination, Determinations, ReadingUse};
use crate::facts::{Facts, FactsError, parse_facts};
use crate::parameters::{Param, ParamError, ParamOverride, ParamTable, Parameter, Value};
use crate::receipt::{ENGINE, ENGINE_VERSION, Receipt};
use crate::rules::{self, Ctx, RULE_COUNT, RULES};
use crate::trace::{Full, Silent, TraceNode};
use chrono::NaiveDate;
use sha2::{Digest, Sha256};
use std::sync::{Arc, OnceLock};

/// Options of [`Engine::screen`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScreenOptions {
    /// Attach to each benefit the tree of every condition evaluated and every
    /// parameter read.
    pub trace: bool,
}

/// The rules with a parameter set. Cheap to create and to clone: the
/// embedded parameters are parsed once per process and shared.
#[derive(Clone, Debug)]
pub struct Engine {
    table: Arc<ParamTable>,
    overrides: Vec<String>,
}

impl Default for Engine {
    fn default() -> Engine {
        Engine::new()
    }
}

fn embedded() -> &'static Arc<ParamTable> {
    static TABLE: OnceLock<Arc<ParamTable>> = OnceLock::new();
    TABLE.get_or_init(|| {
        // The embedded file is checked by the crate's tests and by `check()`.
        Arc::new(ParamTable::embedded().expect("embedded data/parameters.toml is valid"))
    })
}

/// The first override that does not apply on its own (an unknown parameter, a value of the
/// wrong unit), to name it when [`Engine::with_overrides`] refuses a list; None when only the
/// combination clashes.
pub fn failing_override(overrides: &[ParamOverride]) -> Option<usize> {
    (0..overrides.len()).find(|&i| Engine::with_overrides(&overrides[i..=i]).is_err())
}

impl Engine {
    /// The engine with the embedded parameters.
    pub fn new() -> Engine {
        Engine {
            table: embedded().clone(),
            overrides: Vec::new(),
        }
    }

    /// The engine with parameter overlays (`name=value@YYYY-MM-DD`) on top of
    /// the embedded parameters.
    pub fn with_overrides(overrides: &[ParamOverride]) -> Result<Engine, ParamError> {
        Ok(Engine {
            table: Arc::new(embedded().with_overrides(overrides)?),
            overrides: overrides.iter().map(ToString::to_string).collect(),
        })
    }

    /// Every parameter with its versions, as this engine uses them.
    pub fn parameters(&self) -> &[Parameter] {
        &self.table.params
    }

    /// The value of a parameter in force on a day, overlays included (None before its first
    /// version): the caps the ledger enforces and the figures a message quotes come from
    /// here, never from a copy outside this crate.
    pub fn param_at(&self, p: Param, day: NaiveDate) -> Option<Value> {
        self.table.period(day).values[p as usize]
    }

    /// SHA-256 of the canonical parameter set (overlays included).
    pub fn parameters_sha256(&self) -> &str {
        &self.table.sha256
    }

    /// The eleven outcomes (eligible, amount, payable now) without any text:
    /// the same rules as [`Engine::screen`], reporting to a recorder that
    /// keeps nothing.
    #[inline]
    pub fn decide(&self, facts: &Facts) -> Decision {
        let cx = Ctx::new(&self.table, facts.as_of);
        let mut d = Decision::default();
        for (i, o) in d.outcomes.iter_mut().enumerate() {
            *o = rules::evaluate(i, facts, &cx, &mut Silent);
        }
        d
    }

    /// The contract's determinations for one person.
    pub fn screen(&self, facts: &Facts, options: &ScreenOptions) -> Determinations {
        let cx = Ctx::new(&self.table, facts.as_of);
        let citations = citations();
        let mut benefits = Vec::with_capacity(RULE_COUNT);
        for (i, info) in RULES.iter().enumerate() {
            // The rule's name and clauses are in the determination itself.
            let mut rec = Full::new(options.trace, || TraceNode::new("rule", info.id));
            let o = rules::evaluate(i, facts, &cx, &mut rec);
            let trace = rec.finish(o.eligible);
            let mut reasons = std::mem::take(&mut rec.reasons);
            if reasons.is_empty() {
                reasons.push(if o.eligible {
                    "符合条件".to_string()
                } else {
                    "不符合条件".to_string()
                });
            }
            benefits.push(Determination {
                id: info.id,
                name: info.name,
                eligible: o.eligible,
                amount: o.amount,
                payable_now: o.payable_now,
                payable_from: o.payable_from,
                breakdown: std::mem::take(&mut rec.rows),
                reasons,
                citations: &citations[i],
                what_would_change: std::mem::take(&mut rec.changes),
                readings: rec
                    .readings
                    .iter()
                    .map(|r| ReadingUse {
                        id: r.id,
                        text: r.text,
                    })
                    .collect(),
                trace,
            });
        }
        Determinations {
            as_of: facts.as_of,
            policy: DOCUMENT,
            benefits,
            receipt: self.receipt(facts),
        }
    }

    /// Parses facts JSON, screens it and writes the determinations JSON.
    pub fn screen_json(&self, input: &str, trace: bool) -> Result<String, FactsError> {
        let facts = parse_facts(input)?;
        let d = self.screen(&facts, &ScreenOptions { trace });
        // The same bytes as `serde_json::to_string_pretty(&d)`, written
        // directly (see `Determinations::write_json`).
        Ok(d.to_json(true))
    }

    /// The receipt for screening these facts with this engine.
    pub fn receipt(&self, facts: &Facts) -> Receipt {
        Receipt {
            engine: ENGINE,
            engine_version: ENGINE_VERSION,
            parameters_sha256: self.table.sha256.clone(),
            policy_text_sha256: POLICY_TEXT_SHA256,
            facts_sha256: facts_sha256(facts),
            overrides: self.overrides.clone(),
        }
    }
}

/// SHA-256 of the canonical facts JSON.
pub fn facts_sha256(facts: &Facts) -> String {
    hex::encode(Sha256::digest(facts.canonical_json().as_bytes()))
}

/// Each rule's citations, resolved once from the quoted phrases.
fn citations() -> &'static [Vec<Citation>] {
    static CITATIONS: OnceLock<Vec<Vec<Citation>>> = OnceLock::new();
    CITATIONS.get_or_init(|| {
        RULES
            .iter()
            .map(|r| {
                r.quotes
                    .iter()
                    .map(|q| Citation {
                        document: DOCUMENT,
                        clause: q.clause,
                        // `check()` fails when a phrase no longer picks out
                        // one sentence; until fixed, quote the whole clause.
                        text: sentence_containing(q.clause, q.phrase)
                            .or_else(|| clause(q.clause).map(|c| c.text))
                            .unwrap_or(""),
                    })
                    .collect()
            })
            .collect()
    })
}
