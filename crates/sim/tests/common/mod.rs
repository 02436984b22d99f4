//! Helpers shared by the model tests: scenarios from the builder of
//! frontline-fixtures, their theatres and their outcomes.

#![allow(dead_code)]

use std::sync::Arc;

/// The scenario builder, by another name than the sim's `Scenario`.
pub use frontline_fixtures::Scenario as Fixture;
use frontline_sim::prelude::*;

/// The base of the model tests: `days` days of `tick` hour ticks (from
/// 2017-06-13, the origin in Raqqa).
pub fn scenario(days: f64, tick: f64) -> Fixture {
    Fixture::new().days(days).tick_hours(tick)
}

/// The validated theatre of a scenario (panics with the errors if invalid).
pub fn theatre(scenario: &Fixture) -> Arc<Theatre> {
    let raw: RawScenario = toml::from_str(&scenario.to_toml()).expect("test scenario parses");
    let s = Scenario::try_from(raw).unwrap_or_else(|e| panic!("test scenario invalid:\n{e}"));
    Arc::new(Theatre::new(s))
}

/// Runs `runs` replications of master seed `seed`.
pub fn outcomes(th: &Arc<Theatre>, seed: u64, runs: u64) -> Vec<Outcome> {
    let mut sim = Sim::new(Arc::clone(th));
    (0..runs).map(|i| sim.run(seed, i, false)).collect()
}

/// z-score bound used by the statistical tests: 5 σ (two-sided p ≈ 6e-7).
pub const Z: f64 = 5.0;

/// Two hostile forces 1 km apart that fight to the last, with the combat
/// of `mode`.
pub fn duel(mode: &str, days: f64, tick: f64) -> Fixture {
    scenario(days, tick)
        .model("combat", "mode", mode)
        .factions(["red", "blue"])
        .relation(["red", "blue"], "hostile", |r| r)
        .force("a", "red", (0.0, 0.0), |f| {
            f.strength(1000)
                .lethality(0.01)
                .weapon_range_km(5)
                .break_point(0)
        })
        .force("b", "blue", (1.0, 0.0), |f| {
            f.strength(800)
                .lethality(0.02)
                .weapon_range_km(5)
                .break_point(0)
        })
}

/// Closed-form square law of [`duel`]: dA/dt = −β B, dB/dt = −α A
/// (docs/model.md §5).
pub fn square_law(t: f64) -> (f64, f64) {
    let (a0, b0, alpha, beta) = (1000.0f64, 800.0f64, 0.01f64, 0.02f64);
    let w = (alpha * beta).sqrt();
    (
        a0 * (w * t).cosh() - (beta / alpha).sqrt() * b0 * (w * t).sinh(),
        b0 * (w * t).cosh() - (alpha / beta).sqrt() * a0 * (w * t).sinh(),
    )
}
