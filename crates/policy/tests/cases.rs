//! Runs every data-driven case in tests/cases/*.toml.

#[test]
fn every_case_passes() {
    let results = linghuo_policy::testcases::run_all();
    assert!(results.len() > 50, "only {} cases", results.len());
    let failures: Vec<String> = results
        .iter()
        .flat_map(|r| {
            r.failures
                .iter()
                .map(move |f| format!("{} / {}: {f}", r.file, r.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn check_passes() {
    let problems = linghuo_policy::check();
    assert!(problems.is_empty(), "{problems:#?}");
}
