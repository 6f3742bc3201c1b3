//! `Determinations::write_json` (the direct writer the API and the CLI use)
//! writes exactly the bytes serde_json writes for the same value, compact and
//! pretty, with and without trace: over every data-driven case (with its
//! parameter overlays) and a synthetic population.

use linghuo_policy::{Determinations, Engine, ParamOverride, ScreenOptions, parse_facts, synth};

fn assert_same(d: &Determinations, what: &str) {
    let compact = serde_json::to_string(d).expect("serde_json writes determinations");
    assert_eq!(d.to_json(false), compact, "compact JSON differs: {what}");
    let pretty = serde_json::to_string_pretty(d).expect("serde_json writes determinations");
    assert_eq!(d.to_json(true), pretty, "pretty JSON differs: {what}");
    // Appending to a buffer that already holds text keeps that text.
    let mut buf = String::from("x");
    d.write_json(&mut buf, false);
    assert_eq!(buf.len(), compact.len() + 1);
}

#[derive(serde::Deserialize)]
struct CaseFile {
    #[serde(default)]
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    name: String,
    facts: String,
    #[serde(default)]
    set: Vec<String>,
}

#[test]
fn same_bytes_as_serde_on_every_case() {
    let mut n = 0;
    for (file, text) in linghuo_policy::testcases::case_files() {
        let cases: CaseFile = toml::from_str(text).expect("case file parses");
        for c in cases.case {
            let overrides: Vec<ParamOverride> = c
                .set
                .iter()
                .map(|s| ParamOverride::parse(s).expect("overlay parses"))
                .collect();
            let engine = Engine::with_overrides(&overrides).expect("overlays apply");
            let Ok(facts) = parse_facts(&c.facts) else {
                continue;
            };
            for trace in [false, true] {
                let d = engine.screen(&facts, &ScreenOptions { trace });
                assert_same(&d, &format!("{file} / {} / trace {trace}", c.name));
                n += 1;
            }
        }
    }
    assert!(n > 100, "only {n} screenings compared");
}

#[test]
fn same_bytes_as_serde_on_a_synthetic_population() {
    let engine = Engine::new();
    let overlay = Engine::with_overrides(&[ParamOverride::parse(
        "tax_deduction.annual_limit=10000.01@2022-01-01",
    )
    .expect("overlay parses")])
    .expect("overlay applies");
    for (i, facts) in synth::population(1_500, 11).enumerate() {
        let e = if i % 5 == 0 { &overlay } else { &engine };
        for trace in [false, true] {
            let d = e.screen(&facts, &ScreenOptions { trace });
            assert_same(&d, &format!("person {i} / trace {trace}"));
        }
    }
}

#[test]
fn screen_json_is_serde_pretty() {
    let engine = Engine::new();
    for line in synth::jsonl(200, 3).lines() {
        let facts = parse_facts(line).expect("synthetic facts parse");
        for trace in [false, true] {
            let d = engine.screen(&facts, &ScreenOptions { trace });
            let via_api = engine.screen_json(line, trace).expect("screens");
            assert_eq!(
                via_api,
                serde_json::to_string_pretty(&d).expect("serde_json writes")
            );
        }
    }
}
