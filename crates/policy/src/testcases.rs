//! The data-driven cases beside the rules (`tests/cases/*.toml`), embedded at
//! compile time and run by the crate's tests and by [`crate::check`]: each
//! case is a facts document and the expected fields of one benefit's
//! determination; error cases are a facts document and the expected refusal.

use crate::determination::Determinations;
use crate::engine::{Engine, ScreenOptions};
use crate::facts::parse_facts;
use crate::parameters::ParamOverride;
use serde::Deserialize;

include!(concat!(env!("OUT_DIR"), "/case_files.rs"));

/// The embedded case files: (file name, text).
pub fn case_files() -> &'static [(&'static str, &'static str)] {
    CASE_FILES
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    #[serde(default)]
    pub case: Vec<Case>,
    #[serde(default)]
    pub error: Vec<ErrorCase>,
}

/// Facts in, expected fields of one benefit out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    /// The benefit id the case is about.
    pub benefit: String,
    /// The facts, as contract JSON.
    pub facts: String,
    /// Parameter overlays, `name=value@YYYY-MM-DD`.
    #[serde(default)]
    pub set: Vec<String>,
    pub eligible: Option<bool>,
    pub amount: Option<String>,
    pub payable_now: Option<String>,
    /// Expected `payable_from`; `"none"` for absent.
    pub payable_from: Option<String>,
    /// Expected breakdown as JSON; each expected row's keys must match.
    pub breakdown: Option<String>,
    #[serde(default)]
    pub reasons_contain: Vec<String>,
    #[serde(default)]
    pub changes_contain: Vec<String>,
    #[serde(default)]
    pub readings: Vec<String>,
    /// Expected quoted sentences (substrings of some citation).
    #[serde(default)]
    pub citations_contain: Vec<String>,
}

/// Facts in, the expected refusal out.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorCase {
    pub name: String,
    pub facts: String,
    pub path: String,
    pub code: String,
}

/// The result of running one case.
#[derive(Debug)]
pub struct CaseResult {
    pub file: &'static str,
    pub name: String,
    /// The benefit id, for benefit cases.
    pub benefit: Option<String>,
    /// What did not match; empty when the case passed.
    pub failures: Vec<String>,
    /// Parameters read by the benefit's rule (from its trace).
    pub parameters_read: Vec<String>,
}

/// Runs every embedded case. A file that does not parse yields one failing
/// result.
pub fn run_all() -> Vec<CaseResult> {
    let mut out = Vec::new();
    for (file, text) in case_files() {
        let parsed: CaseFile = match toml::from_str(text) {
            Ok(p) => p,
            Err(e) => {
                out.push(CaseResult {
                    file,
                    name: "(file)".to_string(),
                    benefit: None,
                    failures: vec![format!("case file does not parse: {e}")],
                    parameters_read: Vec::new(),
                });
                continue;
            }
        };
        for c in &parsed.case {
            out.push(run_case(file, c));
        }
        for e in &parsed.error {
            out.push(run_error(file, e));
        }
    }
    out
}

fn run_case(file: &'static str, c: &Case) -> CaseResult {
    let mut r = CaseResult {
        file,
        name: c.name.clone(),
        benefit: Some(c.benefit.clone()),
        failures: Vec::new(),
        parameters_read: Vec::new(),
    };
    let engine = match c
        .set
        .iter()
        .map(|s| ParamOverride::parse(s))
        .collect::<Result<Vec<_>, _>>()
        .and_then(|o| Engine::with_overrides(&o))
    {
        Ok(e) => e,
        Err(e) => {
            r.failures.push(format!("overlay refused: {e}"));
            return r;
        }
    };
    let facts = match parse_facts(&c.facts) {
        Ok(f) => f,
        Err(e) => {
            r.failures.push(format!("facts refused: {e}"));
            return r;
        }
    };
    let d = engine.screen(&facts, &ScreenOptions { trace: true });
    compare(c, &d, &mut r);
    r
}

fn compare(c: &Case, d: &Determinations, r: &mut CaseResult) {
    let Some(b) = d.benefit(&c.benefit) else {
        r.failures.push(format!("no benefit {}", c.benefit));
        return;
    };
    if let Some(t) = &b.trace {
        t.walk(&mut |n| {
            if let Some(p) = &n.parameter
                && !r.parameters_read.iter().any(|x| x == p.name)
            {
                r.parameters_read.push(p.name.to_string());
            }
        });
    }
    let mut fail = |m: String| r.failures.push(m);
    if let Some(e) = c.eligible
        && e != b.eligible
    {
        fail(format!(
            "eligible: expected {e}, got {} ({:?})",
            b.eligible, b.reasons
        ));
    }
    if let Some(a) = &c.amount
        && *a != b.amount.to_string()
    {
        fail(format!("amount: expected {a}, got {}", b.amount));
    }
    if let Some(a) = &c.payable_now
        && *a != b.payable_now.to_string()
    {
        fail(format!("payable_now: expected {a}, got {}", b.payable_now));
    }
    if let Some(p) = &c.payable_from {
        let got = b
            .payable_from
            .map(|d| d.to_string())
            .unwrap_or_else(|| "none".to_string());
        if *p != got {
            fail(format!("payable_from: expected {p}, got {got}"));
        }
    }
    if let Some(expected) = &c.breakdown {
        match serde_json::from_str::<serde_json::Value>(expected) {
            Ok(serde_json::Value::Array(rows)) => {
                let got = serde_json::to_value(&b.breakdown).unwrap_or_default();
                let got = got.as_array().cloned().unwrap_or_default();
                if got.len() != rows.len() {
                    fail(format!(
                        "breakdown: expected {} rows, got {}: {}",
                        rows.len(),
                        got.len(),
                        serde_json::to_string(&got).unwrap_or_default()
                    ));
                } else {
                    for (i, (want, have)) in rows.iter().zip(&got).enumerate() {
                        if let Some(obj) = want.as_object() {
                            for (k, v) in obj {
                                if have.get(k) != Some(v) {
                                    fail(format!(
                                        "breakdown[{i}].{k}: expected {v}, got {}",
                                        have.get(k).cloned().unwrap_or_default()
                                    ));
                                }
                            }
                        }
                    }
                }
            }
            _ => fail("breakdown: expected value is not a JSON array".to_string()),
        }
    }
    for s in &c.reasons_contain {
        if !b.reasons.iter().any(|x| x.contains(s.as_str())) {
            fail(format!("reasons: none contains {s:?}: {:?}", b.reasons));
        }
    }
    for s in &c.changes_contain {
        if !b
            .what_would_change
            .iter()
            .any(|x| x.text.contains(s.as_str()))
        {
            fail(format!(
                "what_would_change: none contains {s:?}: {:?}",
                b.what_would_change
                    .iter()
                    .map(|c| c.text.as_str())
                    .collect::<Vec<_>>()
            ));
        }
    }
    for s in &c.readings {
        if !b.readings.iter().any(|x| x.id == s) {
            fail(format!("readings: {s} not used"));
        }
    }
    for s in &c.citations_contain {
        if !b.citations.iter().any(|x| x.text.contains(s.as_str())) {
            fail(format!("citations: none contains {s:?}"));
        }
    }
    if b.reasons.is_empty() {
        fail("reasons empty".to_string());
    }
    if b.citations.is_empty() {
        fail("citations empty".to_string());
    }
}

fn run_error(file: &'static str, e: &ErrorCase) -> CaseResult {
    let mut r = CaseResult {
        file,
        name: e.name.clone(),
        benefit: None,
        failures: Vec::new(),
        parameters_read: Vec::new(),
    };
    match parse_facts(&e.facts) {
        Ok(_) => r.failures.push(format!(
            "expected refusal {} at {}, facts accepted",
            e.code, e.path
        )),
        Err(err) => {
            if err.path != e.path || err.code != e.code {
                r.failures.push(format!(
                    "expected {} at {}, got {} at {} ({})",
                    e.code, e.path, err.code, err.path, err.message
                ));
            }
            if err.message.is_empty() {
                r.failures.push("empty message".to_string());
            }
        }
    }
    r
}
