//! The `[model]` parameters: combat, friction and movement, each in the
//! range that docs/model.md gives it.
//!
//! The parameters' types and defaults are in [`crate::params`]; this file
//! only checks the values that a scenario sets. Combat and movement are
//! destructured, so that a field added there cannot go unchecked; friction's
//! fields are listed in one table of (name, value, low, high, open low).

use super::Checker;
use super::limits::LIMITS;
use crate::params::{CombatParams, FrictionParams, MovementParams};
use crate::scenario::raw::RawScenario;

impl Checker {
    /// A cooling time, days: positive, at most 10⁶, or `inf` for never.
    pub(super) fn cooling_days(&mut self, e: &str, v: f64) {
        if v != f64::INFINITY && !(v > 0.0 && v <= 1e6) {
            self.err(
                e,
                "cooling_days",
                format!("must be in (0, 1000000] or `inf` (never), found `{v}`"),
            );
        }
    }

    /// Checks every model parameter's range.
    pub(super) fn params(&mut self, raw: &RawScenario) {
        let CombatParams {
            mode: _,
            default_lethality,
            garrison_lethality,
            mean_field_substeps,
        } = raw.model.combat;
        let e = "model.combat";
        self.range(e, "default_lethality", default_lethality, 0.0, 1.0, false);
        self.range(e, "garrison_lethality", garrison_lethality, 0.0, 1.0, false);
        if !(1..=1000).contains(&mean_field_substeps) {
            self.err(
                e,
                "mean_field_substeps",
                format!("must be in [1, 1000], found `{mean_field_substeps}`"),
            );
        }
        let f: &FrictionParams = &raw.model.friction;
        let e = "model.friction";
        let big = 1e6;
        for (name, v, lo, hi, open) in [
            (
                "base_hazard_per_hour",
                f.base_hazard_per_hour,
                0.0,
                100.0,
                false,
            ),
            (
                "proximity_scale_km",
                f.proximity_scale_km,
                0.0,
                1000.0,
                true,
            ),
            (
                "reference_strength",
                f.reference_strength,
                0.0,
                LIMITS.strength,
                true,
            ),
            ("size_exponent", f.size_exponent, 0.0, 2.0, false),
            (
                "competition_factor",
                f.competition_factor,
                0.0,
                100.0,
                false,
            ),
            (
                "cooperative_hazard",
                f.cooperative_hazard,
                0.0,
                100.0,
                false,
            ),
            ("rival_hazard", f.rival_hazard, 0.0, 100.0, false),
            (
                "deconfliction_hazard_weight",
                f.deconfliction_hazard_weight,
                0.0,
                1.0,
                false,
            ),
            ("branching_ratio", f.branching_ratio, 0.0, 0.99, false),
            (
                "excitation_decay_hours",
                f.excitation_decay_hours,
                0.0,
                big,
                true,
            ),
            (
                "first_contact_surge",
                f.first_contact_surge,
                0.0,
                100.0,
                false,
            ),
            ("clash_probability", f.clash_probability, 0.0, 1.0, false),
            (
                "engagement_probability",
                f.engagement_probability,
                0.0,
                1.0,
                false,
            ),
            (
                "cooperative_escalation",
                f.cooperative_escalation,
                0.0,
                100.0,
                false,
            ),
            ("rival_escalation", f.rival_escalation, 0.0, 100.0, false),
            ("clash_casualties", f.clash_casualties, 0.0, big, false),
            (
                "engagement_casualties",
                f.engagement_casualties,
                0.0,
                big,
                false,
            ),
            (
                "site_attribution_km",
                f.site_attribution_km,
                0.0,
                1000.0,
                false,
            ),
        ] {
            self.range(e, name, v, lo, hi, open);
        }
        self.cooling_days(e, f.cooling_days);
        let MovementParams {
            zone_margin_km,
            halt_in_combat: _,
        } = raw.model.movement;
        self.range(
            "model.movement",
            "zone_margin_km",
            zone_margin_km,
            0.0,
            1000.0,
            false,
        );
    }
}
