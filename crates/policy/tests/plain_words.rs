//! Every sentence a person reads — reasons, what would change the outcome, the
//! readings relied on, the reasons of back-payment rows — is plain Chinese: no internal fact path
//! (`person.in_difficulty`), no English word, no Latin letters inside a Chinese
//! sentence. Runs every facts document of the embedded cases (tests/cases) through the
//! engine and scans every text of every benefit, not only the case's own benefit.

use linghuo_policy::testcases::{CaseFile, case_files};
use linghuo_policy::{Engine, ParamOverride, Row, ScreenOptions, parse_facts};

/// Latin letters (a–z, A–Z) in a text, with some context; digits, punctuation
/// and `%` are fine.
fn latin_in(text: &str) -> Option<String> {
    text.char_indices()
        .find(|(_, c)| c.is_ascii_alphabetic())
        .map(|(i, _)| {
            let start = text[..i].char_indices().rev().nth(8).map_or(0, |(j, _)| j);
            text[start..].chars().take(24).collect()
        })
}

#[test]
fn latin_in_finds_fact_paths_and_english() {
    assert!(latin_in("未提供经营主体business").is_some());
    assert!(latin_in("（pension.unpaid_2020_months）").is_some());
    assert!(latin_in("自2021年6月1日起可预先申领50%（1,500.00元）").is_none());
}

#[test]
fn every_text_of_every_case_is_plain_chinese() {
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut runs = 0;
    for (file, text) in case_files() {
        let parsed: CaseFile = toml::from_str(text).expect("case file parses");
        for c in &parsed.case {
            let overrides: Vec<ParamOverride> = c
                .set
                .iter()
                .map(|s| ParamOverride::parse(s).expect("override parses"))
                .collect();
            let engine = Engine::with_overrides(&overrides).expect("overrides apply");
            let Ok(facts) = parse_facts(&c.facts) else {
                continue;
            };
            let d = engine.screen(&facts, &ScreenOptions { trace: false });
            runs += 1;
            for b in &d.benefits {
                let at = |kind: &str| format!("{file} / {} / {} {kind}", c.name, b.id);
                texts.extend(b.reasons.iter().map(|r| (at("reason"), r.clone())));
                texts.extend(
                    b.what_would_change
                        .iter()
                        .map(|w| (at("what_would_change"), w.text.clone())),
                );
                texts.extend(
                    b.readings
                        .iter()
                        .map(|r| (at("reading"), r.text.to_string())),
                );
                for row in &b.breakdown {
                    if let Row::BackPayment(r) = row {
                        texts.push((at("breakdown"), r.reason.clone()));
                    }
                }
            }
        }
    }
    assert!(runs > 50, "only {runs} cases ran");
    // One line per distinct text, with the first case that produced it.
    let mut seen = std::collections::BTreeMap::new();
    for (at, t) in &texts {
        if latin_in(t).is_some() {
            seen.entry(t.clone()).or_insert_with(|| at.clone());
        }
    }
    let leaks: Vec<String> = seen.iter().map(|(t, at)| format!("{t:?} ({at})")).collect();
    let unique = &leaks;
    assert!(
        leaks.is_empty(),
        "{} texts with Latin letters:\n{}",
        leaks.len(),
        unique.join("\n")
    );
}
