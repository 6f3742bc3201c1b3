//! Lists the data-driven test cases (tests/cases/*.toml) at compile time, so
//! `check()` can verify every rule has cases without reading files at run time.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read at run time: a build-script binary may be shared between checkouts of the same
    // workspace (cargo hashes path packages relative to the workspace), so a path baked in
    // with env!() can point into another checkout.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest).join("tests/cases");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "toml"))
                .collect()
        })
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
    assert!(!files.is_empty(), "no case files in {}", dir.display());
    files.sort();
    let mut out = String::from(
        "/// Every case file under tests/cases, by file name.\npub(crate) const CASE_FILES: &[(&str, &str)] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let _ = writeln!(
            out,
            "    ({name:?}, include_str!({:?})),",
            f.display().to_string()
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("case_files.rs");
    std::fs::write(dest, out).unwrap_or_else(|e| panic!("writing case_files.rs: {e}"));
}
