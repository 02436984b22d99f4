//! Experimental designs over scenario parameters: the full factorial grid
//! of listed values, and the Latin hypercube over ranges (McKay, Beckman &
//! Conover 1979), seeded; and the results of one design point. Used by
//! `frontline sweep` and drawn by [`crate::report::charts::sweep_svg`].

use anyhow::Context;
use clap::ValueEnum;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::estimate::Proportion;

/// Experimental designs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Design {
    /// Every combination of the listed values.
    Grid,
    /// A Latin hypercube over ranges `lo..hi`.
    Lhs,
}

/// Largest number of points in one sweep.
pub const MAX_POINTS: usize = 10_000;

/// One point's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// `path=value` of each parameter.
    pub values: Vec<(String, String)>,
    /// Per pair (`A:B`): P(incident), P(clash), expected clashes.
    pub pairs: Vec<(String, Proportion, Proportion, f64)>,
}

/// The design's points: each is a list of (path, value text).
pub fn design(
    sets: &[String],
    design: Design,
    samples: u32,
    seed: u64,
) -> anyhow::Result<Vec<Vec<(String, String)>>> {
    let mut dims = Vec::new();
    for s in sets {
        let (path, vals) = s
            .split_once('=')
            .ok_or_else(|| anyhow::anyhow!("--set expects `path=values`, found `{s}`"))?;
        dims.push((path.trim().to_string(), vals.trim().to_string()));
    }
    for (path, _) in &dims {
        anyhow::ensure!(
            dims.iter().filter(|(p, _)| p == path).nth(1).is_none(),
            "--set {path} is given twice"
        );
    }
    match design {
        Design::Grid => {
            let mut points: Vec<Vec<(String, String)>> = vec![Vec::new()];
            for (path, vals) in &dims {
                anyhow::ensure!(
                    !vals.contains(".."),
                    "--set {path}={vals}: a range needs --design lhs"
                );
                let list: Vec<&str> = vals.split(',').map(str::trim).collect();
                anyhow::ensure!(
                    list.iter().all(|v| !v.is_empty()),
                    "--set {path}={vals}: empty value in the list"
                );
                let n = points.len().saturating_mul(list.len());
                anyhow::ensure!(
                    n <= MAX_POINTS,
                    "the grid has {n} points; at most {MAX_POINTS}"
                );
                points = points
                    .into_iter()
                    .flat_map(|p| {
                        list.iter().map(move |v| {
                            let mut q = p.clone();
                            q.push((path.clone(), v.to_string()));
                            q
                        })
                    })
                    .collect();
            }
            Ok(points)
        }
        Design::Lhs => {
            let n = samples as usize;
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream(u64::MAX); // a stream no run uses
            let mut points = vec![Vec::new(); n];
            for (path, vals) in &dims {
                let (lo, hi) = vals.split_once("..").ok_or_else(|| {
                    anyhow::anyhow!("--set {path}={vals}: --design lhs needs a range `lo..hi`")
                })?;
                let lo: f64 = lo
                    .trim()
                    .parse()
                    .with_context(|| format!("--set {path}: `{lo}` is not a number"))?;
                let hi: f64 = hi
                    .trim()
                    .parse()
                    .with_context(|| format!("--set {path}: `{hi}` is not a number"))?;
                anyhow::ensure!(
                    lo.is_finite() && hi.is_finite() && lo < hi,
                    "--set {path}={vals}: need finite lo < hi"
                );
                // A random permutation of the strata (Fisher–Yates).
                let mut strata: Vec<usize> = (0..n).collect();
                for i in (1..n).rev() {
                    let j = rng.random_range(0..=i);
                    strata.swap(i, j);
                }
                for (p, &k) in points.iter_mut().zip(&strata) {
                    let u: f64 = rng.random();
                    let v = lo + (hi - lo) * (k as f64 + u) / n as f64;
                    p.push((path.clone(), format!("{v:.6}")));
                }
            }
            Ok(points)
        }
    }
}
