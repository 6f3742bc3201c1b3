//! What-if over a population: totals, gains and losses per benefit.

use linghuo_policy::{Engine, Fen, ParamOverride, synth, whatif};

#[test]
fn a_higher_cap_only_gains_and_costs_the_difference() {
    let people: Vec<_> = synth::population(5_000, 5).collect();
    let base = Engine::new();
    let overlay =
        Engine::with_overrides(&[
            ParamOverride::parse("startup_subsidy.cap=5000.00@2019-01-01").unwrap(),
        ])
        .unwrap();
    let r = whatif::compare(&base, &overlay, &people);
    assert_eq!(r.persons, 5_000);
    let s = r
        .benefits
        .iter()
        .find(|b| b.id == "startup_subsidy")
        .unwrap();
    assert!(s.gaining > 0, "{s:?}");
    assert_eq!(s.losing, 0);
    assert_eq!(s.gaining + s.losing + s.unchanged, 5_000);
    assert_eq!(s.change, s.overlay_total - s.baseline_total);
    assert!(s.change > Fen::ZERO);
    for b in r.benefits.iter().filter(|b| b.id != "startup_subsidy") {
        assert_eq!(b.change, Fen::ZERO, "{}", b.id);
        assert_eq!(b.unchanged, 5_000, "{}", b.id);
    }
    assert_ne!(r.baseline_parameters_sha256, r.overlay_parameters_sha256);
}

#[test]
fn the_same_engine_changes_nothing() {
    let people: Vec<_> = synth::population(1_000, 9).collect();
    let e = Engine::new();
    let r = whatif::compare(&e, &e, people.iter());
    assert!(
        r.benefits
            .iter()
            .all(|b| b.unchanged == 1_000 && b.change == Fen::ZERO)
    );
}

#[test]
fn synthetic_population_is_deterministic_and_varied() {
    let a = synth::jsonl(500, 42);
    assert_eq!(a, synth::jsonl(500, 42));
    assert_ne!(a, synth::jsonl(500, 43));
    let e = Engine::new();
    let mut eligible = [0u32; 11];
    for f in synth::population(5_000, 42) {
        for (i, o) in e.decide(&f).outcomes.iter().enumerate() {
            eligible[i] += u32::from(o.eligible);
        }
    }
    // Every benefit is granted to someone, and withheld from someone.
    for (i, n) in eligible.iter().enumerate() {
        assert!(*n > 0 && *n < 5_000, "benefit {i}: {n}");
    }
}
