//! The legal-coverage gate run in CI (`linghuo policy check`): the policy text
//! matches its recorded hash; every clause that grants something is
//! implemented by a rule; every quoted phrase picks out exactly one sentence;
//! every rule has passing test cases; no parameter is unused or missing.

use crate::clauses::{
    GRANTING_CLAUSES, POLICY_TEXT_SHA256, clause, policy_clauses, policy_text_sha256,
    sentence_containing,
};
use crate::parameters::{Param, ParamTable};
use crate::readings;
use crate::rules::RULES;
use crate::testcases;
use serde::Serialize;

/// One problem found by [`check`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckProblem {
    /// Stable code: `text_hash_mismatch`, `clause_not_implemented`,
    /// `unknown_clause`, `quote_not_found`, `rule_without_cases`,
    /// `case_failed`, `parameter_unused`, `parameter_not_read`,
    /// `parameters_invalid`, `reading_unused`.
    pub code: &'static str,
    pub message: String,
}

fn problem(code: &'static str, message: String) -> CheckProblem {
    CheckProblem { code, message }
}

/// Runs every check; empty when all is well.
pub fn check() -> Vec<CheckProblem> {
    let mut out = Vec::new();

    let actual = policy_text_sha256();
    if actual != POLICY_TEXT_SHA256 {
        out.push(problem(
            "text_hash_mismatch",
            format!(
                "policy text SHA-256 is {actual}, recorded {POLICY_TEXT_SHA256}: review the rules citing changed clauses, then update the recorded hash"
            ),
        ));
    }
    if policy_clauses().len() < 15 {
        out.push(problem(
            "clauses_missing",
            format!(
                "the policy text splits into {} clauses, expected 15",
                policy_clauses().len()
            ),
        ));
    }
    for g in GRANTING_CLAUSES {
        if clause(g).is_none() {
            out.push(problem(
                "unknown_clause",
                format!("granting clause {g} is not in the text"),
            ));
        }
        if !RULES.iter().any(|r| r.clauses.contains(g)) {
            out.push(problem(
                "clause_not_implemented",
                format!("clause {g} grants something but no rule implements it"),
            ));
        }
    }
    for r in &RULES {
        for c in r.clauses {
            if clause(c).is_none() {
                out.push(problem(
                    "unknown_clause",
                    format!("rule {} names clause {c}, which is not in the text", r.id),
                ));
            }
        }
        for q in r.quotes {
            if sentence_containing(q.clause, q.phrase).is_none() {
                out.push(problem(
                    "quote_not_found",
                    format!(
                        "rule {}: “{}” does not pick out exactly one sentence of {}",
                        r.id, q.phrase, q.clause
                    ),
                ));
            }
        }
    }

    match ParamTable::embedded() {
        Err(e) => out.push(problem("parameters_invalid", e.message)),
        Ok(_) => {
            for p in Param::ALL {
                if !RULES.iter().any(|r| r.parameters.contains(&p)) {
                    out.push(problem(
                        "parameter_unused",
                        format!("parameter {} is declared by no rule", p.name()),
                    ));
                }
            }
        }
    }

    let results = testcases::run_all();
    for r in &RULES {
        if !results.iter().any(|c| c.benefit.as_deref() == Some(r.id)) {
            out.push(problem(
                "rule_without_cases",
                format!("rule {} has no test case", r.id),
            ));
        }
    }
    for c in &results {
        for f in &c.failures {
            out.push(problem(
                "case_failed",
                format!("{} / {}: {f}", c.file, c.name),
            ));
        }
    }
    for p in Param::ALL {
        if !results
            .iter()
            .any(|c| c.parameters_read.iter().any(|x| x == p.name()))
        {
            out.push(problem(
                "parameter_not_read",
                format!("no test case makes a rule read parameter {}", p.name()),
            ));
        }
    }
    let engine = crate::Engine::new();
    let mut used: Vec<&str> = Vec::new();
    for (_, text) in testcases::case_files() {
        let Ok(file) = toml::from_str::<testcases::CaseFile>(text) else {
            continue;
        };
        for c in file.case {
            if let Ok(f) = crate::parse_facts(&c.facts) {
                for b in engine.screen(&f, &crate::ScreenOptions::default()).benefits {
                    for r in b.readings {
                        if !used.contains(&r.id) {
                            used.push(r.id);
                        }
                    }
                }
            }
        }
    }
    for r in readings::ALL {
        if !used.contains(&r.id) {
            out.push(problem(
                "reading_unused",
                format!("reading {} is used by no test case", r.id),
            ));
        }
    }
    out
}
