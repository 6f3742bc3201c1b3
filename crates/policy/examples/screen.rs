//! Screens a facts file: `cargo run -p linghuo-policy --example screen -- FILE [--trace]`.

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let text = std::fs::read_to_string(&args[1]).unwrap_or_default();
    match linghuo_policy::Engine::new().screen_json(&text, args.iter().any(|a| a == "--trace")) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("{} {} {}", e.path, e.code, e.message),
    }
}
