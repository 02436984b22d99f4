//! Helpers shared by the model tests: scenarios from TOML text.

#![allow(dead_code)]

use std::sync::Arc;

use frontline_sim::prelude::*;

/// A validated theatre from TOML text (panics with the errors if invalid).
pub fn theatre(toml_text: &str) -> Arc<Theatre> {
    let raw: RawScenario = toml::from_str(toml_text).expect("test scenario parses");
    let s = Scenario::try_from(raw).unwrap_or_else(|e| panic!("test scenario invalid:\n{e}"));
    Arc::new(Theatre::new(s))
}

/// Runs `runs` replications of master seed `seed`.
pub fn outcomes(th: &Arc<Theatre>, seed: u64, runs: u64) -> Vec<Outcome> {
    let mut sim = Sim::new(Arc::clone(th));
    (0..runs).map(|i| sim.run(seed, i, false)).collect()
}

/// Header of a scenario with `days` days of `tick` hour ticks.
pub fn header(days: f64, tick: f64) -> String {
    format!(
        r#"
[scenario]
name = "test"
start_date = "2017-06-13"
horizon_days = {days}
tick_hours = {tick}
origin = {{ lat = 35.95, lon = 39.017 }}
"#
    )
}

/// z-score bound used by the statistical tests: 5 σ (two-sided p ≈ 6e-7).
pub const Z: f64 = 5.0;
