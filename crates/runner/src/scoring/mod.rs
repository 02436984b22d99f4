//! Scores of a result's probabilistic forecasts against an observed record
//! (docs/validation.md): Brier and logarithmic scores of every binary
//! outcome the result and the record both cover, the threshold-weighted
//! CRPS of the time to first clash, the distance from observed places to the
//! forecast hotspots, each beside a stated baseline with its skill score,
//! and a reliability table.
//!
//! Nothing is dropped silently: an outcome the record cannot settle, or the
//! result does not forecast, is listed with the reason.
//!
//! The files are the concepts: [`rules`] holds the scoring rules (Brier,
//! log, CRPS, distance, reliability) and nothing else; `outcomes.rs` turns a
//! result and a record into the scored outcomes ([`score`]); `render.rs`
//! writes the table and the CSV.

use serde::{Deserialize, Serialize};

use crate::estimate::{Proportion, wilson};
use crate::result::Engine;

mod outcomes;
mod render;
pub mod rules;

pub use outcomes::score;
pub use render::{csv, table};
pub use rules::{brier, crps_linear, crps_step, haversine_km, log_clip, log_score, reliability};

/// Schema tag of score documents.
pub const SCHEMA: &str = "frontline.score/1";

/// Number of equal-width bins of the reliability table.
pub const RELIABILITY_BINS: usize = 10;

/// Mean Earth radius, km (the IUGG mean radius, rounded).
pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// One binary outcome, forecast and observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Binary {
    /// What, in words: `clash saa:sdf by day 18.0`.
    pub outcome: String,
    /// `incident`, `clash`, `engagement`, `turned_hostile` or `owner_end`.
    pub kind: String,
    /// The pair `a:b`, or `site=owner`.
    pub subject: String,
    /// End of the scored window, hours since the scenario's start.
    pub by_hours: f64,
    /// Forecast probability, with its Monte Carlo interval.
    pub forecast: Proportion,
    /// Whether it happened, per the record.
    pub observed: bool,
    /// The record's evidence: event numbers, or why it is false.
    pub evidence: String,
    /// (p − o)².
    pub brier: f64,
    /// −ln of the clipped probability given to what happened.
    pub log: f64,
}

/// An outcome that could not be scored, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotScored {
    /// The outcome (or a group of them).
    pub outcome: String,
    /// Why.
    pub reason: String,
}

/// A mean score beside its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Number of scored outcomes.
    pub n: usize,
    /// Mean score of the result (lower is better).
    pub score: f64,
    /// Mean score of the baseline.
    pub baseline: f64,
    /// 1 − score / baseline (1 perfect, 0 no better than the baseline,
    /// negative worse); `None` when there is nothing scored or the baseline
    /// is 0.
    pub skill: Option<f64>,
}

impl Summary {
    /// Mean of `(score, baseline)` pairs.
    pub fn of(values: impl Iterator<Item = (f64, f64)>) -> Summary {
        let (mut n, mut s, mut b) = (0usize, 0.0, 0.0);
        for (x, y) in values {
            n += 1;
            s += x;
            b += y;
        }
        if n == 0 {
            return Summary {
                n,
                score: 0.0,
                baseline: 0.0,
                skill: None,
            };
        }
        let (s, b) = (s / n as f64, b / n as f64);
        Summary {
            n,
            score: s,
            baseline: b,
            skill: (b > 0.0).then(|| 1.0 - s / b),
        }
    }
}

/// CRPS of the time to first clash of one pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crps {
    /// The pair, `a:b`.
    pub pair: String,
    /// The scored window [0, T], T in days.
    pub to_days: f64,
    /// The observed time to first clash, days (midpoint of the event's
    /// dates), or `None`: no clash within the window (censored beyond T).
    pub observed_days: Option<f64>,
    /// Threshold-weighted CRPS over [0, T], days.
    pub crps_days: f64,
    /// The same for the baseline, days.
    pub baseline_days: f64,
}

/// Distance from an observed place to the forecast hotspots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceScore {
    /// The record's event number.
    pub event: usize,
    /// The pair.
    pub pair: String,
    /// The event's rung: `incident`, `clash` or `engagement`.
    pub rung: String,
    /// Mean distance to the hotspots, weighted by their probability, km.
    pub distance_km: f64,
    /// Mean distance to the same hotspots, equal weights, km.
    pub baseline_km: f64,
    /// Distance to the nearest hotspot, km.
    pub nearest_km: f64,
}

/// One bin of the reliability table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    /// Lower edge of the forecast probability.
    pub lo: f64,
    /// Upper edge.
    pub hi: f64,
    /// Outcomes whose forecast falls in the bin.
    pub n: usize,
    /// Their mean forecast (0 when empty).
    pub mean_forecast: f64,
    /// Share of them that happened, with its 95 % Wilson interval.
    pub observed: Proportion,
}

/// What the scorer made of each event of the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventUse {
    /// Event number in the file.
    pub event: usize,
    /// Kind.
    pub kind: String,
    /// Pair or faction.
    pub subject: String,
    /// Day since the scenario's start (the midpoint of its dates).
    pub day: f64,
    /// How it was used, or why not.
    pub status: String,
}

/// The result and the record that were scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    /// Scenario name.
    pub scenario: String,
    /// Scenario hash.
    pub hash: String,
    /// The result's seed.
    pub seed: u64,
    /// Its runs.
    pub runs: u64,
    /// Scenario start.
    pub start_date: String,
    /// Horizon, days.
    pub horizon_days: f64,
    /// Record title.
    pub record: String,
    /// Record file.
    pub record_source: String,
    /// Record window, as written.
    pub window: (String, String),
    /// Record window, days since the scenario's start.
    pub window_days: (f64, f64),
    /// Pairs the record covers.
    pub pairs: Vec<String>,
}

/// The score document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreDoc {
    /// [`SCHEMA`].
    pub schema: String,
    /// Engine.
    pub engine: Engine,
    /// What was scored.
    pub scored: Scored,
    /// Every scored binary outcome.
    pub binary: Vec<Binary>,
    /// Mean Brier score; baseline: a constant 0.5.
    pub brier: Summary,
    /// Mean log score (nats); baseline: a constant 0.5 (ln 2).
    pub log: Summary,
    /// Probabilities were clipped to [clip, 1 − clip] for the log score.
    pub log_clip: f64,
    /// CRPS of the time to first clash, per covered pair.
    pub crps: Vec<Crps>,
    /// Mean CRPS (days); baseline: 50 % within the horizon, evenly spread.
    pub crps_summary: Summary,
    /// Place scores, per located event.
    pub place: Vec<PlaceScore>,
    /// Mean distance (km); baseline: equal weights.
    pub place_summary: Summary,
    /// Reliability table of the binary outcomes.
    pub reliability: Vec<ReliabilityBin>,
    /// What could not be scored.
    pub not_scored: Vec<NotScored>,
    /// What became of each event of the record.
    pub events: Vec<EventUse>,
}
#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt as _, SeedableRng as _};

    #[test]
    fn brier_and_log_match_hand_computed_values() {
        assert!((brier(0.7, true) - 0.09).abs() < 1e-15);
        assert!((brier(0.7, false) - 0.49).abs() < 1e-15);
        assert!((log_score(0.7, true, 0.0) - 0.356_674_943_938_732_4).abs() < 1e-15);
        assert!((log_score(0.7, false, 0.0) - 1.203_972_804_325_936).abs() < 1e-15);
        // Clipped to half a run of 10: p = 0 becomes 0.05.
        assert_eq!(log_clip(10), 0.05);
        assert!((log_score(0.0, true, log_clip(10)) - 2.995_732_273_553_991).abs() < 1e-12);
        assert!((log_score(1.0, true, log_clip(10)) - 0.051_293_294_387_550_6).abs() < 1e-12);
    }

    #[test]
    fn a_perfect_forecast_scores_zero_and_has_skill_one() {
        let outcomes = [(1.0, true), (0.0, false), (1.0, true)];
        let s = Summary::of(outcomes.iter().map(|&(p, o)| (brier(p, o), 0.25)));
        assert_eq!(s.score, 0.0);
        assert_eq!(s.skill, Some(1.0));
    }

    #[test]
    fn a_constant_half_scores_a_quarter_and_has_skill_zero() {
        let outcomes = [(0.5, true), (0.5, false), (0.5, false), (0.5, true)];
        let s = Summary::of(outcomes.iter().map(|&(p, o)| (brier(p, o), 0.25)));
        assert_eq!(s.score, 0.25);
        assert_eq!(s.skill, Some(0.0));
        let l = Summary::of(
            outcomes
                .iter()
                .map(|&(p, o)| (log_score(p, o, 0.01), std::f64::consts::LN_2)),
        );
        assert!((l.score - std::f64::consts::LN_2).abs() < 1e-15);
    }

    /// ∫₀ᵗ (F(s) − 1{s ≥ y})² ds by the midpoint rule.
    fn numeric(f: impl Fn(f64) -> f64, y: Option<f64>, t: f64) -> f64 {
        let n = 400_000;
        let h = t / n as f64;
        (0..n)
            .map(|i| {
                let s = (i as f64 + 0.5) * h;
                let o = if y.is_some_and(|y| s >= y) { 1.0 } else { 0.0 };
                (f(s) - o).powi(2) * h
            })
            .sum()
    }

    #[test]
    fn crps_of_a_step_cdf_matches_the_closed_form() {
        // Equal atoms, all within [0, t], y inside: the energy form of
        // Gneiting & Raftery (2007), E|X − y| − ½ E|X − X'|.
        let xs = [1.0, 2.5, 4.0, 7.25];
        let atoms: Vec<(f64, f64)> = xs.iter().map(|&x| (x, 0.25)).collect();
        let y = 3.0;
        let e1 = xs.iter().map(|x| (x - y).abs()).sum::<f64>() / 4.0;
        let e2 = xs
            .iter()
            .flat_map(|a| xs.iter().map(move |b| (a - b).abs()))
            .sum::<f64>()
            / 16.0;
        let t = 20.0;
        // Beyond the last atom and y, F = 1 and the indicator = 1: nothing
        // more to integrate, so the window does not matter.
        assert!((crps_step(&atoms, Some(y), t) - (e1 - e2 / 2.0)).abs() < 1e-12);
        // One atom at x: |x − y|.
        assert!((crps_step(&[(5.0, 1.0)], Some(2.0), 10.0) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn censored_crps_matches_numerical_integration() {
        // Weights summing to 0.6: 40 % beyond the window.
        let atoms = [
            (0.5, 0.1),
            (1.5, 0.2),
            (4.5, 0.25),
            (8.0, 0.05),
            (12.0, 0.3),
        ];
        let f = |s: f64| {
            atoms
                .iter()
                .filter(|(x, _)| *x <= s)
                .map(|(_, w)| w)
                .sum::<f64>()
        };
        let t = 10.0;
        for y in [None, Some(0.2), Some(3.0), Some(9.9)] {
            let exact = crps_step(&atoms, y, t);
            let num = numeric(f, y, t);
            assert!((exact - num).abs() < 1e-4, "{y:?}: {exact} vs {num}");
        }
        // The linear baseline against the same rule.
        let a = 0.5 / 30.0;
        for y in [None, Some(0.0), Some(4.0), Some(17.5)] {
            let exact = crps_linear(a, y, 18.0);
            let num = numeric(|s| a * s, y, 18.0);
            assert!((exact - num).abs() < 1e-4, "{y:?}: {exact} vs {num}");
        }
    }

    #[test]
    fn the_reliability_of_a_calibrated_forecast_lies_on_the_diagonal() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20);
        let outcomes: Vec<(f64, bool)> = (0..50_000)
            .map(|_| {
                let p: f64 = rng.random();
                let u: f64 = rng.random();
                (p, u < p)
            })
            .collect();
        let table = reliability(&outcomes);
        assert_eq!(table.iter().map(|b| b.n).sum::<usize>(), outcomes.len());
        for b in &table {
            let m = b.mean_forecast;
            // The variance of the hit count is Σ p(1 − p) ≤ n·m(1 − m).
            let se = (m * (1.0 - m) / b.n as f64).sqrt();
            assert!(
                (b.observed.p - m).abs() < 4.5 * se,
                "bin [{}, {}): observed {} vs forecast {m} (se {se})",
                b.lo,
                b.hi,
                b.observed.p
            );
        }
    }

    #[test]
    fn haversine_of_one_degree_of_latitude() {
        let d = haversine_km(35.0, 38.0, 36.0, 38.0);
        assert!((d - EARTH_RADIUS_KM * std::f64::consts::PI / 180.0).abs() < 1e-9);
    }
}
