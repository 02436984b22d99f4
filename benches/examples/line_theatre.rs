//! Writes the generated line theatre of the `tick/line/N` benchmarks as a
//! scenario file, so that it can be run, traced and profiled with `frontline`:
//!
//! ```sh
//! cargo run --release -p frontline-benches --example line_theatre -- 10000 > line.toml
//! ```

fn main() {
    let n = match std::env::args().nth(1).map(|a| a.parse::<usize>()) {
        None => 1000,
        Some(Ok(n)) if n >= 2 => n,
        Some(_) => {
            eprintln!("usage: line_theatre [FORCES ≥ 2]");
            std::process::exit(2);
        }
    };
    print!("{}", frontline_benches::line_toml(n));
}
