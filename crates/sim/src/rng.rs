//! Seeded random streams: one ChaCha8 generator per purpose.
//!
//! Run `i` of master seed `s` starts from `ChaCha8Rng::seed_from_u64(s)` on
//! stream `i` (2⁶⁴ independent streams per seed), so any run can be replayed
//! alone. From that root, each *purpose* gets its own generator, keyed by
//! the root's successive outputs in a fixed order:
//!
//! | purpose | draws |
//! |---|---|
//! | `combat` | Poisson attrition, in force order |
//! | `incursion` | incidents of forces inside exclusion zones, in zone and force order |
//! | pair `p` | incident times, escalation and clash casualties of faction pair `p` |
//!
//! Separate streams make common random numbers work: changing the
//! deconfliction of one pair changes neither the combat draws nor any other
//! pair's draws, and a pair's incident clock (unit-rate exponential
//! thresholds, see [`crate::friction`]) moves monotonically with its hazard.

use bevy_ecs::prelude::Resource;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The random generators of one run.
#[derive(Resource, Debug, Clone)]
pub struct ChaChaStreams {
    /// Attrition draws.
    pub combat: ChaCha8Rng,
    /// Zone incursion draws.
    pub incursion: ChaCha8Rng,
    /// Key from which the per-pair generators are derived.
    pair_key: u64,
    /// Per faction pair (index `a * n + b`, a < b), created on first use.
    pairs: Vec<Option<ChaCha8Rng>>,
}

impl ChaChaStreams {
    /// The streams of run `run` of master seed `seed` for `factions` factions.
    pub fn new(seed: u64, run: u64, factions: usize) -> Self {
        let mut root = ChaCha8Rng::seed_from_u64(seed);
        root.set_stream(run);
        let combat = ChaCha8Rng::seed_from_u64(root.next_u64());
        let incursion = ChaCha8Rng::seed_from_u64(root.next_u64());
        let pair_key = root.next_u64();
        Self {
            combat,
            incursion,
            pair_key,
            pairs: vec![None; factions * factions],
        }
    }

    /// The generator of faction pair `(a, b)`, `a < b`.
    pub fn pair(&mut self, a: usize, b: usize, factions: usize) -> &mut ChaCha8Rng {
        let idx = a * factions + b;
        let key = self.pair_key;
        self.pairs[idx].get_or_insert_with(|| {
            let mut r = ChaCha8Rng::seed_from_u64(key);
            r.set_stream(idx as u64);
            r
        })
    }
}

/// A unit-rate exponential variate (the clock of an inhomogeneous Poisson
/// process under time change).
pub fn unit_exponential(rng: &mut ChaCha8Rng) -> f64 {
    use rand::RngExt;
    // 1 − U lies in (0, 1], so the logarithm is finite.
    -(1.0 - rng.random::<f64>()).ln()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let mut a = ChaChaStreams::new(7, 3, 4);
        let mut b = ChaChaStreams::new(7, 3, 4);
        let mut c = ChaChaStreams::new(7, 4, 4);
        let xa: u64 = a.combat.random();
        assert_eq!(xa, b.combat.random::<u64>());
        assert_ne!(xa, c.combat.random::<u64>());
        let pa: u64 = a.pair(0, 1, 4).random();
        // Creating another pair's stream first does not change this one.
        let _ = b.pair(2, 3, 4).random::<u64>();
        assert_eq!(pa, b.pair(0, 1, 4).random::<u64>());
        assert_ne!(pa, a.pair(0, 2, 4).random::<u64>());
    }

    #[test]
    fn exponential_mean_is_one() {
        let mut r = ChaCha8Rng::seed_from_u64(1);
        let n = 200_000;
        let mean = (0..n).map(|_| unit_exponential(&mut r)).sum::<f64>() / n as f64;
        // Var = 1, so the standard error is 1/sqrt(n); allow 5 σ.
        assert!((mean - 1.0).abs() < 5.0 / (n as f64).sqrt(), "{mean}");
    }
}
