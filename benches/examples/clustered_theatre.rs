//! Writes a generated clustered theatre of the `tick/clustered` benchmarks
//! as a scenario file, so that it can be run, traced and profiled with
//! `frontline`:
//!
//! ```sh
//! cargo run --release -p frontline-benches --example clustered_theatre -- 10000 point > point.toml
//! cargo run --release -p frontline-benches --example clustered_theatre -- 10000 mixed > mixed.toml
//! ```

use frontline_benches::{Cluster, clustered_toml};

fn main() {
    let mut args = std::env::args().skip(1);
    let n = args.next().map(|a| a.parse::<usize>());
    let kind = args.next();
    let (n, kind) = match (n, kind.as_deref()) {
        (None, None) => (1000, Cluster::Point),
        (Some(Ok(n)), None | Some("point")) if n >= 1 => (n, Cluster::Point),
        (Some(Ok(n)), Some("mixed")) if n >= 1 => (n, Cluster::Mixed),
        _ => {
            eprintln!("usage: clustered_theatre [FORCES ≥ 1] [point|mixed]");
            std::process::exit(2);
        }
    };
    print!("{}", clustered_toml(n, kind));
}
