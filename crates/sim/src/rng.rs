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
//! A pair's generator is stream [`pair_stream`](crate::theatre::pair_stream)
//! (a hash of the two faction ids) of a key drawn from the root, so it does
//! not depend on the order of the factions in the file or on which other
//! factions exist.
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
    /// Per tracked pair (by slot), created on first use.
    pairs: Vec<Option<ChaCha8Rng>>,
}

impl ChaChaStreams {
    /// The streams of run `run` of master seed `seed` for `pairs` tracked pairs.
    pub fn new(seed: u64, run: u64, pairs: usize) -> Self {
        let mut root = ChaCha8Rng::seed_from_u64(seed);
        root.set_stream(run);
        let combat = ChaCha8Rng::seed_from_u64(root.next_u64());
        let incursion = ChaCha8Rng::seed_from_u64(root.next_u64());
        let pair_key = root.next_u64();
        Self {
            combat,
            incursion,
            pair_key,
            pairs: vec![None; pairs],
        }
    }

    /// The generator of tracked pair `slot`, whose stream number is `stream`
    /// ([`Theatre::pair_streams`](crate::theatre::Theatre::pair_streams)).
    pub fn pair(&mut self, slot: usize, stream: u64) -> &mut ChaCha8Rng {
        let key = self.pair_key;
        self.pairs[slot].get_or_insert_with(|| {
            let mut r = ChaCha8Rng::seed_from_u64(key);
            r.set_stream(stream);
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
    use crate::theatre::pair_stream;
    use rand::RngExt;

    #[test]
    fn pair_streams_ignore_order_and_separate_ids() {
        assert_eq!(pair_stream("sdf", "saa"), pair_stream("saa", "sdf"));
        // The separator keeps ("ab", "c") apart from ("a", "bc").
        assert_ne!(pair_stream("ab", "c"), pair_stream("a", "bc"));
        // FNV-1a 64 of the empty pair is the hash of the one byte 0xFF.
        let fnv_ff = (0xcbf2_9ce4_8422_2325u64 ^ 0xff).wrapping_mul(0x0000_0100_0000_01b3);
        assert_eq!(pair_stream("", ""), fnv_ff);
    }

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let mut a = ChaChaStreams::new(7, 3, 4);
        let mut b = ChaChaStreams::new(7, 3, 2);
        let mut c = ChaChaStreams::new(7, 4, 4);
        let xa: u64 = a.combat.random();
        assert_eq!(xa, b.combat.random::<u64>());
        assert_ne!(xa, c.combat.random::<u64>());
        let ab = pair_stream("a", "b");
        let pa: u64 = a.pair(0, ab).random();
        // Creating another pair's stream first, in another slot, with another
        // number of pairs, does not change this one.
        let _ = b.pair(0, pair_stream("c", "d")).random::<u64>();
        assert_eq!(pa, b.pair(1, ab).random::<u64>());
        assert_ne!(pa, a.pair(1, pair_stream("a", "c")).random::<u64>());
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
