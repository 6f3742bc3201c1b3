//! Property tests of the facts JSON reader against damaged documents: generated people's
//! facts, written canonically, then cut, spliced and salted with JSON fragments (quotes,
//! escapes, surrogates, huge and negative numbers, impossible dates, unknown codes, nesting).
//! Whatever comes in, the reader never panics; a refusal carries a stable code, the JSON path
//! of the value and a Chinese message; what it accepts it writes canonically and reads back
//! to the same facts (so reading is idempotent through the canonical form).

use linghuo_policy::{Facts, parse_facts, synth};
use proptest::prelude::*;

const CASES: u32 = 512;

const FRAGMENTS: &[&str] = &[
    "\"",
    "\\",
    "\\u",
    "\\ud800",
    "\\udc00\\ud800",
    "\\u00e9",
    "\\n",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "\t\n",
    "null",
    "true",
    "false",
    "-",
    "-0",
    "0",
    "00",
    "1",
    "1.5",
    "1e999",
    "-1e-9",
    "99999999999999999999",
    "18446744073709551616",
    "0.001",
    "\"1.5\"",
    "\"-1\"",
    "\"1e3\"",
    "\"2026-02-30\"",
    "\"2026-13\"",
    "\"2026-1-1\"",
    "\"9999-12-31\"",
    "\"x\"",
    "\"\"",
    "\"unknown\"",
    "\"registered_poor\"",
    "\"registered_poor\",\"registered_poor\"",
    "\"as_of\":\"2026-01-01\"",
    "{\"a\":[[[[[[[[[[]]]]]]]]]]}",
    "[[[[[[[[[[[[",
    "\u{feff}",
    "é",
    "中",
    "😀",
    "\u{0}",
];

#[derive(Clone, Debug)]
enum Cut {
    Delete(usize),
    Insert(&'static str),
    Replace(usize, &'static str),
    Truncate,
}

fn cut() -> impl Strategy<Value = (f64, Cut)> {
    (
        0.0f64..1.0,
        prop_oneof![
            (1usize..12).prop_map(Cut::Delete),
            prop::sample::select(FRAGMENTS).prop_map(Cut::Insert),
            (1usize..6, prop::sample::select(FRAGMENTS)).prop_map(|(n, f)| Cut::Replace(n, f)),
            Just(Cut::Truncate),
        ],
    )
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn apply(mut doc: String, cuts: &[(f64, Cut)]) -> String {
    for (at, c) in cuts {
        let i = floor_boundary(&doc, (at * doc.len() as f64) as usize);
        match c {
            Cut::Delete(n) => {
                let j = floor_boundary(&doc, i + n);
                doc.replace_range(i..j, "");
            }
            Cut::Insert(f) => doc.insert_str(i, f),
            Cut::Replace(n, f) => {
                let j = floor_boundary(&doc, i + n);
                doc.replace_range(i..j, f);
            }
            Cut::Truncate => doc.truncate(i),
        }
    }
    doc
}

fn person() -> impl Strategy<Value = Facts> {
    (any::<u64>(), 0u64..1_000_000).prop_map(|(seed, i)| synth::person(seed, i))
}

/// The reader's answer to a document: accepted facts read back through their canonical form;
/// a refusal has a code, a path and a Chinese message.
fn check(doc: &str) -> Result<(), TestCaseError> {
    match parse_facts(doc) {
        Ok(f) => {
            let again = f.canonical_json();
            prop_assert_eq!(parse_facts(&again), Ok(f.clone()), "{}", again);
            prop_assert_eq!(parse_facts(&again).unwrap().canonical_json(), again);
        }
        Err(e) => {
            prop_assert!(
                !e.code.is_empty()
                    && e.code
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "code {:?}",
                e.code
            );
            prop_assert!(e.path.starts_with('$'), "path {:?} of {}", e.path, e.code);
            prop_assert!(
                e.message
                    .chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                "message {:?} of {}",
                e.message,
                e.code
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn damaged_facts_are_refused_with_code_and_path_or_read_back_canonically(
        f in person(),
        cuts in prop::collection::vec(cut(), 1..4),
    ) {
        check(&apply(f.canonical_json(), &cuts))?;
    }

    #[test]
    fn documents_made_of_json_fragments_never_panic(
        parts in prop::collection::vec(prop::sample::select(FRAGMENTS), 0..24),
    ) {
        check(&parts.concat())?;
        check(&format!("{{\"as_of\":\"2026-01-01\",\"person\":{{\"groups\":[{}]}}}}", parts.concat()))?;
    }

    #[test]
    fn arbitrary_text_never_panics(s in "\\PC{0,200}") {
        check(&s)?;
    }
}

#[test]
fn deep_nesting_and_long_documents_are_refused_without_overflowing_the_stack() {
    for doc in [
        "[".repeat(200_000),
        "{\"as_of\":".to_owned() + &"[".repeat(200_000),
        format!(
            "{{\"as_of\":\"2026-01-01\",\"person\":{{\"groups\":[{}\"veteran\"]}}}}",
            "\"veteran\",".repeat(100_000)
        ),
    ] {
        if let Err(e) = parse_facts(&doc) {
            assert!(!e.code.is_empty() && e.path.starts_with('$'), "{e:?}");
        }
    }
}
