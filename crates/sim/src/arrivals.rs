//! Reinforcements that arrive at a constant rate over a window (a landing
//! spread over a day, a column arriving over hours): the streams under way
//! in a run, and what each brings within a span of time.
//!
//! A `reinforce` event with `over_hours = w` at time `t_e` adds to its force
//! the source term
//!
//! ```text
//! P(t) = strength / w     for t_e ≤ t < t_e + w,     0 otherwise   [personnel per hour]
//! ```
//!
//! Phase 1 ([`crate::events`]) starts a stream in the tick that contains
//! `t_e`; phase 4 ([`crate::combat`]) integrates it over the tick, inside
//! the attrition ODE in mean-field mode, after the losses in stochastic
//! mode (docs/model.md §5). What falls after the horizon never arrives.

use bevy_ecs::prelude::*;

/// One reinforcement arriving at a constant rate over `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stream {
    /// Force index.
    pub force: u32,
    /// Personnel per hour.
    pub rate_per_hour: f64,
    /// Start of the window, hours from the scenario start.
    pub from_hours: f64,
    /// End of the window (excluded), hours.
    pub to_hours: f64,
}

impl Stream {
    /// The part of `[t0, t1)` that the window covers, if any.
    pub fn overlap(&self, t0: f64, t1: f64) -> Option<(f64, f64)> {
        let (a, b) = (self.from_hours.max(t0), self.to_hours.min(t1));
        (b > a).then_some((a, b))
    }
}

/// The streams of a run that have started and not yet ended, in the order
/// their events apply.
#[derive(Resource, Debug, Clone, Default)]
pub struct Arrivals {
    streams: Vec<Stream>,
}

impl Arrivals {
    /// Starts a stream (phase 1, in the tick that contains its start).
    pub fn start(&mut self, stream: Stream) {
        self.streams.push(stream);
    }

    /// The streams under way.
    pub fn streams(&self) -> &[Stream] {
        &self.streams
    }

    /// Whether some stream brings personnel within `[t0, t1)`.
    pub fn any_in(&self, t0: f64, t1: f64) -> bool {
        self.streams.iter().any(|s| s.overlap(t0, t1).is_some())
    }

    /// Calls `f(force, personnel)` for every stream that brings personnel
    /// within `[t0, t1)`, in the order the streams started.
    pub fn for_each_in(&self, t0: f64, t1: f64, mut f: impl FnMut(u32, f64)) {
        for s in &self.streams {
            if let Some((a, b)) = s.overlap(t0, t1) {
                f(s.force, s.rate_per_hour * (b - a));
            }
        }
    }

    /// Forgets the streams whose window has ended by `t` (the end of a tick).
    pub fn retire(&mut self, t: f64) {
        self.streams.retain(|s| s.to_hours > t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_brings_its_rate_times_the_covered_time() {
        let mut a = Arrivals::default();
        a.start(Stream {
            force: 3,
            rate_per_hour: 10.0,
            from_hours: 2.5,
            to_hours: 5.0,
        });
        let got = |t0, t1| {
            let mut v = Vec::new();
            a.for_each_in(t0, t1, |k, p| v.push((k, p)));
            v
        };
        assert_eq!(got(0.0, 2.0), vec![]);
        assert_eq!(got(2.0, 3.0), vec![(3, 5.0)]);
        assert_eq!(got(3.0, 4.0), vec![(3, 10.0)]);
        assert_eq!(got(4.0, 6.0), vec![(3, 10.0)]);
        assert!(a.any_in(4.9, 5.0) && !a.any_in(5.0, 6.0));
        a.retire(4.0);
        assert_eq!(a.streams().len(), 1);
        a.retire(5.0);
        assert!(a.streams().is_empty());
    }
}
