//! Size limits: how many entities a scenario may have, checked before
//! anything proportional to them is allocated, and the run totals (all
//! personnel, all output) that the exact statistics rely on.
//!
//! The bounds on single values (a strength, a horizon, a point count) are
//! in [`LIMITS`] too; the checks of the entities read them from there.

use super::Checker;
use crate::scenario::raw::RawScenario;
use crate::scenario::{Action, EventSpec, ForceSpec, SiteSpec};

/// Size limits, checked before anything proportional to them is allocated.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Factions.
    pub factions: usize,
    /// Forces.
    pub forces: usize,
    /// Sites.
    pub sites: usize,
    /// Contact lines.
    pub contact_lines: usize,
    /// Contact-line segments after splitting, all lines together.
    pub segments: usize,
    /// Zones.
    pub zones: usize,
    /// Scheduled events.
    pub events: usize,
    /// Vertices of one polyline or polygon.
    pub points: usize,
    /// Horizon, days.
    pub horizon_days: f64,
    /// Ticks in a run.
    pub ticks: u32,
    /// Strength of one force or garrison.
    pub strength: f64,
    /// All personnel a run can hold: forces, garrisons and reinforcements
    /// together. It bounds the casualties of one run.
    pub total_strength: f64,
    /// Output of all sites over the horizon together. It bounds the revenue
    /// of one run.
    pub total_output: f64,
}

/// The limits in force.
pub const LIMITS: Limits = Limits {
    factions: 256,
    forces: 200_000,
    sites: 10_000,
    contact_lines: 10_000,
    segments: 1_000_000,
    zones: 10_000,
    events: 100_000,
    points: 100_000,
    horizon_days: 3650.0,
    ticks: 1_000_000,
    strength: 10_000_000.0,
    total_strength: 1e11,
    total_output: 1e11,
};

impl Checker {
    /// Checks every entity count against [`LIMITS`]; `false` if one is over.
    pub(super) fn sizes(&mut self, raw: &RawScenario) -> bool {
        [
            self.count("faction", raw.factions.len(), LIMITS.factions),
            self.count("force", raw.forces.len(), LIMITS.forces),
            self.count("site", raw.sites.len(), LIMITS.sites),
            self.count(
                "contact_line",
                raw.contact_lines.len(),
                LIMITS.contact_lines,
            ),
            self.count("zone", raw.zones.len(), LIMITS.zones),
            self.count("event", raw.events.len(), LIMITS.events),
        ]
        .iter()
        .all(|&ok| ok)
    }

    fn count(&mut self, what: &str, n: usize, max: usize) -> bool {
        if n > max {
            self.err(
                "scenario",
                what,
                format!("has {n} entries; at most {max} are supported"),
            );
            return false;
        }
        true
    }

    /// The run totals that the exact statistics rely on (see `LIMITS`).
    pub(super) fn totals(
        &mut self,
        forces: &[ForceSpec],
        sites: &[SiteSpec],
        events: &[EventSpec],
        days: f64,
    ) {
        let personnel: f64 = forces.iter().map(|f| f.strength).sum::<f64>()
            + sites.iter().map(|s| s.garrison).sum::<f64>()
            + events
                .iter()
                .map(|e| match e.action {
                    Action::Reinforce { strength, .. } | Action::ReinforceOver { strength, .. } => {
                        strength
                    }
                    _ => 0.0,
                })
                .sum::<f64>();
        if personnel > LIMITS.total_strength {
            self.err(
                "scenario",
                "strength",
                format!(
                    "of all forces, garrisons and reinforcements together is {personnel:e}; \
                     at most {:e} is supported",
                    LIMITS.total_strength
                ),
            );
        }
        let output = sites.iter().map(|s| s.output_per_day).sum::<f64>() * days;
        if output > LIMITS.total_output {
            self.err(
                "scenario",
                "output_per_day",
                format!(
                    "of all sites over the horizon is {output:e} units; at most {:e} is supported",
                    LIMITS.total_output
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::errors;

    #[test]
    fn totals_beyond_the_exact_statistics_are_refused() {
        let site = "[[site]]\nid = \"s\"\nkind = \"oil_field\"\nposition = { x_km = 0, y_km = 0 }\noutput_per_day = 1e9\n";
        // 1e9 a day for 100 days is 1e11, the limit itself.
        assert_eq!(errors(100.0, 24.0, site), "");
        let e = errors(101.0, 24.0, site);
        assert!(
            e.contains("of all sites over the horizon is 1.01e11"),
            "{e}"
        );
        let forces: String = (0..11)
            .map(|i| format!("[[force]]\nid = \"f{i}\"\nfaction = \"a\"\nposition = {{ x_km = {i}, y_km = 0 }}\nstrength = 1e7\n"))
            .collect();
        assert_eq!(errors(1.0, 1.0, &forces), "");
        let reinforce = (0..10_000)
            .map(|_| "[[event]]\nday = 0\nkind = \"reinforce\"\nforce = \"f0\"\nstrength = 1e7\n")
            .collect::<String>();
        let e = errors(1.0, 1.0, &(forces + &reinforce));
        assert!(
            e.contains("of all forces, garrisons and reinforcements together is 1.0011e11"),
            "{e}"
        );
    }
}
