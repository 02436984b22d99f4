//! A direct-mapped memo of a function of one input and one parameter, used
//! for the two transcendental factors of a contact's hazard (`x^γ` and
//! `e^{−d/d0}`): many contacts share strengths and separations from tick to
//! tick. The memo gives the bits of the function, whether it hits or not.

/// A [`Memo`] has between these many slots: a few for a theatre of a few
/// dozen forces (a small table stays in the fastest caches), many for a
/// theatre of 100,000 (whose strength products spread as clashes wear
/// forces down).
const MEMO_SLOTS: (usize, usize) = (256, 16_384);

/// A direct-mapped memo of `f(x, a)` for one parameter `a`: the same
/// function of the same input gives the same bits, without computing `f`
/// again for an input seen recently (slots keyed by the bits of `x`).
///
/// A memo whose inputs rarely repeat costs more than it saves (a lookup and
/// a store for every input, in a table of up to 256 KB): it counts its hits
/// over a tick and, below [`MEMO_MIN_HIT_RATE`], leaves its slots alone and
/// only computes `f` for the next [`MEMO_REST_TICKS`] ticks, after which it
/// tries its slots again. Either way `get` returns the bits of `f`.
#[derive(Debug, Clone)]
pub(super) struct Memo {
    param: f64,
    /// The last input and value (runs of equal inputs are common: forces at
    /// their initial strength), checked before the slots.
    last: (u64, f64),
    /// A power of two of them.
    slots: Vec<(u64, f64)>,
    /// Lookups in the slots, and hits, since the last `prepare`.
    lookups: u32,
    hits: u32,
    /// Ticks left with the slots unused (0: in use).
    resting: u32,
}

/// A [`Memo`] whose slots were hit for fewer than this fraction of the
/// lookups of a tick rests them...
const MEMO_MIN_HIT_RATE: f64 = 0.25;

/// ...for this many ticks (the patrols of a large theatre change every
/// separation every tick; in the reference about half the separations
/// repeat).
const MEMO_REST_TICKS: u32 = 32;

/// No key matches an empty slot until stored (a NaN input is never looked
/// up).
const EMPTY: (u64, f64) = (f64::NAN.to_bits(), f64::NAN);

impl Default for Memo {
    fn default() -> Self {
        Self {
            param: f64::NAN,
            last: EMPTY,
            slots: vec![EMPTY; MEMO_SLOTS.0],
            lookups: 0,
            hits: 0,
            resting: 0,
        }
    }
}

impl Memo {
    /// Forgets every value if the parameter is not `param`, grows to about
    /// one slot per 8 of `inputs` (the number of lookups of a tick), and
    /// decides from the hits of the last tick whether to use the slots in
    /// this one.
    pub fn prepare(&mut self, param: f64, inputs: usize) {
        if param.to_bits() != self.param.to_bits() {
            *self = Self {
                param,
                ..Default::default()
            };
        }
        let wanted = (inputs / 8)
            .next_power_of_two()
            .clamp(MEMO_SLOTS.0, MEMO_SLOTS.1);
        if wanted > self.slots.len() {
            self.slots = vec![EMPTY; wanted];
            self.last = EMPTY;
        }
        if self.resting > 0 {
            self.resting -= 1;
        } else if (self.hits as f64) < MEMO_MIN_HIT_RATE * self.lookups as f64 {
            self.resting = MEMO_REST_TICKS;
        }
        (self.lookups, self.hits) = (0, 0);
    }

    /// `f(x, param)`, for the parameter last set.
    pub fn get(&mut self, x: f64, f: impl Fn(f64, f64) -> f64) -> f64 {
        let bits = x.to_bits();
        if x.is_nan() {
            return f(x, self.param);
        }
        if self.last.0 == bits {
            return self.last.1;
        }
        if self.resting > 0 {
            self.last = (bits, f(x, self.param));
            return self.last.1;
        }
        self.lookups += 1;
        let at = (bits ^ (bits >> 29) ^ (bits >> 47)) as usize & (self.slots.len() - 1);
        let slot = &mut self.slots[at];
        if slot.0 == bits {
            self.hits += 1;
        } else {
            *slot = (bits, f(x, self.param));
        }
        self.last = *slot;
        slot.1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::friction::equations::{proximity_factor, size_factor};
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn the_memo_returns_the_bits_of_the_function() {
        let mut memo = Memo::default();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        // Few distinct inputs, repeated (hits), and many (collisions), with
        // a change of exponent in between.
        for (round, exponent) in [0.5, 0.5, 0.7, 0.5].into_iter().enumerate() {
            for k in 0..5000 {
                let x = if k % 2 == 0 {
                    (k % 7) as f64 * 0.25
                } else {
                    rng.random::<f64>() * 10.0
                };
                memo.prepare(exponent, k * 40);
                let got = memo.get(x, size_factor);
                // black_box: with the exponent known, an optimised build may
                // compute x^0.5 as a square root, which can differ by an ulp.
                assert_eq!(
                    got.to_bits(),
                    size_factor(x, std::hint::black_box(exponent)).to_bits(),
                    "round {round}, x {x}"
                );
            }
        }
        assert_eq!(memo.slots.len(), MEMO_SLOTS.1, "grown");
        memo.prepare(0.5, 0);
        assert!(memo.get(f64::NAN, size_factor).is_nan());
    }

    #[test]
    fn a_memo_rests_while_its_inputs_do_not_repeat() {
        let mut memo = Memo::default();
        let tick = |memo: &mut Memo, inputs: &mut dyn Iterator<Item = f64>| {
            memo.prepare(3.0, 100);
            for x in inputs {
                assert_eq!(
                    memo.get(x, proximity_factor).to_bits(),
                    proximity_factor(x, 3.0).to_bits()
                );
            }
        };
        // New separations every tick (patrols): after the first tick it
        // rests for MEMO_REST_TICKS ticks, without lookups.
        for t in 0..10 {
            tick(
                &mut memo,
                &mut (0..100).map(|k| (t * 100 + k) as f64 * 0.01),
            );
            assert!(t == 0 || memo.resting > 0, "tick {t}");
        }
        assert_eq!(memo.lookups, 0);
        // Separations that repeat (forces holding their ground): once the
        // rest is over it uses its slots again and keeps them.
        for t in 0..2 * MEMO_REST_TICKS {
            tick(
                &mut memo,
                &mut (0..100).map(|k| (k % 10) as f64 * 0.5 + 0.25),
            );
            if t > MEMO_REST_TICKS {
                assert_eq!(memo.resting, 0, "tick {t}");
                assert!(memo.hits >= 80, "tick {t}: {} hits", memo.hits);
            }
        }
    }
}
