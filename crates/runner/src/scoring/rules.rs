//! The scoring rules of docs/validation.md, each a function of a forecast
//! and an observation: Brier, logarithmic (clipped), CRPS of a step or
//! linear distribution with censoring, great-circle distance, and the
//! reliability table.

use super::{EARTH_RADIUS_KM, RELIABILITY_BINS, ReliabilityBin};
use crate::estimate::wilson;

/// (p − o)².
pub fn brier(p: f64, observed: bool) -> f64 {
    let o = if observed { 1.0 } else { 0.0 };
    (p - o) * (p - o)
}

/// The clip of the log score for a forecast from `runs` runs: half a run,
/// 1/(2R).
pub fn log_clip(runs: u64) -> f64 {
    0.5 / runs.max(1) as f64
}

/// −ln of the probability given to what happened, with p clipped to
/// [clip, 1 − clip].
pub fn log_score(p: f64, observed: bool, clip: f64) -> f64 {
    let p = p.clamp(clip, 1.0 - clip);
    if observed { -p.ln() } else { -(1.0 - p).ln() }
}

/// Threshold-weighted CRPS over [0, t] of a step CDF with atoms
/// `(x, weight)` (weights summing to at most 1; the rest lies beyond t)
/// against an observation `y` (`None`: beyond t):
/// ∫₀ᵗ (F(s) − 1{s ≥ y})² ds.
pub fn crps_step(atoms: &[(f64, f64)], y: Option<f64>, t: f64) -> f64 {
    let mut xs: Vec<(f64, f64)> = atoms
        .iter()
        .copied()
        .filter(|&(x, w)| x < t && w > 0.0)
        .collect();
    xs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let y = y.filter(|&y| y < t);
    // Breakpoints: 0, each atom, y, t; F and the indicator are constant
    // between consecutive ones.
    let mut points: Vec<f64> = std::iter::once(0.0)
        .chain(xs.iter().map(|&(x, _)| x.max(0.0)))
        .chain(y.map(|y| y.max(0.0)))
        .chain(std::iter::once(t))
        .collect();
    points.sort_by(f64::total_cmp);
    let (mut total, mut f, mut next) = (0.0, 0.0, 0usize);
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        while next < xs.len() && xs[next].0 <= a {
            f += xs[next].1;
            next += 1;
        }
        if b > a {
            let h = if y.is_some_and(|y| y <= a) { 1.0 } else { 0.0 };
            total += (f - h) * (f - h) * (b - a);
        }
    }
    total
}

/// Threshold-weighted CRPS over [0, t] of the linear CDF F(s) = a·s
/// (a·t ≤ 1) against `y` (`None`: beyond t), in closed form.
pub fn crps_linear(a: f64, y: Option<f64>, t: f64) -> f64 {
    let m = y.map_or(t, |y| y.clamp(0.0, t));
    let below = a * a * m * m * m / 3.0;
    let above = if a > 0.0 {
        ((a * t - 1.0).powi(3) - (a * m - 1.0).powi(3)) / (3.0 * a)
    } else {
        t - m
    };
    below + above
}

/// Great-circle distance, km.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The reliability table of `(forecast, observed)` pairs in
/// [`RELIABILITY_BINS`] equal bins (the last one closed).
pub fn reliability(outcomes: &[(f64, bool)]) -> Vec<ReliabilityBin> {
    let k = RELIABILITY_BINS;
    (0..k)
        .map(|i| {
            let (lo, hi) = (i as f64 / k as f64, (i + 1) as f64 / k as f64);
            let inside: Vec<&(f64, bool)> = outcomes
                .iter()
                .filter(|(p, _)| ((p * k as f64).floor() as usize).min(k - 1) == i)
                .collect();
            let n = inside.len();
            let hits = inside.iter().filter(|(_, o)| *o).count() as u64;
            ReliabilityBin {
                lo,
                hi,
                n,
                mean_forecast: if n == 0 {
                    0.0
                } else {
                    inside.iter().map(|(p, _)| p).sum::<f64>() / n as f64
                },
                observed: wilson(hits, n as u64),
            }
        })
        .collect()
}
