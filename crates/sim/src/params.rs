//! Model parameters, one struct per subsystem.
//!
//! Every field documents its unit, default and effect; docs/model.md gives
//! the rationale for each default. A scenario file may override any of them
//! in its `[model.*]` tables; fields left out keep the defaults below.

use serde::{Deserialize, Serialize};

/// All tunable parameters of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct ModelParams {
    /// Attrition between hostile forces.
    pub combat: CombatParams,
    /// Incidents and escalation between non-allied, non-hostile forces.
    pub friction: FrictionParams,
    /// Movement and zone avoidance.
    pub movement: MovementParams,
}

/// How attrition is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CombatMode {
    /// Losses drawn from a Poisson distribution whose mean is the
    /// Lanchester rate times the tick.
    Stochastic,
    /// No noise: the Lanchester equations integrated with RK4.
    MeanField,
}

/// Parameters of Lanchester attrition between hostile forces.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CombatParams {
    /// `stochastic` (default) or `mean_field`.
    pub mode: CombatMode,
    /// Lethality of a force that does not set its own, in kills per
    /// combatant per hour of combat. Default 0.0005 (≈ 1.2 % of an equal
    /// enemy per day).
    pub default_lethality: f64,
    /// Lethality of site garrisons, kills per defender per hour. Default 0.0005.
    pub garrison_lethality: f64,
    /// RK4 sub-steps per tick in mean-field mode. Default 4.
    pub mean_field_substeps: u32,
}

impl Default for CombatParams {
    fn default() -> Self {
        Self {
            mode: CombatMode::Stochastic,
            default_lethality: 0.0005,
            garrison_lethality: 0.0005,
            mean_field_substeps: 4,
        }
    }
}

/// Parameters of friction: the incident hazard and the escalation ladder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FrictionParams {
    /// λ0: incidents per hour for a reference contact (two forces of
    /// `reference_strength` at zero distance, neutral stance, no truce, no
    /// deconfliction). Default 0.004 (about one incident in ten days).
    pub base_hazard_per_hour: f64,
    /// d0: the hazard falls as exp(−d/d0) with separation d, in km. Default 5.
    pub proximity_scale_km: f64,
    /// S_ref: personnel of the reference contact. Default 1000.
    pub reference_strength: f64,
    /// γ: the hazard scales as (S_i S_j / S_ref²)^γ. Default 0.5.
    pub size_exponent: f64,
    /// c: hazard multiplier 1 + c·value when both forces advance on the same
    /// site. Default 1 (competition doubles the hazard for a site of value 1).
    pub competition_factor: f64,
    /// Hazard multiplier for a cooperative stance. Default 0.5.
    pub cooperative_hazard: f64,
    /// Hazard multiplier for a rival stance. Default 2.
    pub rival_hazard: f64,
    /// w: a deconfliction channel of effectiveness e multiplies the hazard by
    /// 1 − w·e. Default 0.5.
    pub deconfliction_hazard_weight: f64,
    /// n: branching ratio of the self-exciting (Hawkes) term, the expected
    /// number of further incidents each incident triggers. In [0, 1). Default 0.3.
    pub branching_ratio: f64,
    /// 1/β: e-folding time of the excitation, hours. Default 48.
    pub excitation_decay_hours: f64,
    /// n0: expected extra incidents from the surge at a pair's first contact.
    /// Default 0.5.
    pub first_contact_surge: f64,
    /// p_c: probability that an incident becomes a clash at neutral stance,
    /// mid doctrine, no deconfliction. Default 0.15.
    pub clash_probability: f64,
    /// p_e: probability that a clash becomes an engagement under the same
    /// conditions. Default 0.2.
    pub engagement_probability: f64,
    /// Escalation multiplier for a cooperative stance. Default 0.5.
    pub cooperative_escalation: f64,
    /// Escalation multiplier for a rival stance. Default 1.5.
    pub rival_escalation: f64,
    /// Mean personnel lost by each side in a clash (Poisson). Default 3.
    pub clash_casualties: f64,
    /// Mean personnel lost by each side in an engagement (Poisson). Default 20.
    pub engagement_casualties: f64,
    /// An incident is attributed to the nearest site within this distance,
    /// km. Default 15.
    pub site_attribution_km: f64,
    /// Mean of the exponential time after which a pair turned hostile by
    /// clashes returns to its prior stance, days (`inf`: never). Default 7
    /// (docs/model.md §7.7).
    pub cooling_days: f64,
}

impl Default for FrictionParams {
    fn default() -> Self {
        Self {
            base_hazard_per_hour: 0.004,
            proximity_scale_km: 5.0,
            reference_strength: 1000.0,
            size_exponent: 0.5,
            competition_factor: 1.0,
            cooperative_hazard: 0.5,
            rival_hazard: 2.0,
            deconfliction_hazard_weight: 0.5,
            branching_ratio: 0.3,
            excitation_decay_hours: 48.0,
            first_contact_surge: 0.5,
            clash_probability: 0.15,
            engagement_probability: 0.2,
            cooperative_escalation: 0.5,
            rival_escalation: 1.5,
            clash_casualties: 3.0,
            engagement_casualties: 20.0,
            site_attribution_km: 15.0,
            cooling_days: 7.0,
        }
    }
}

/// Parameters of movement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MovementParams {
    /// Distance kept from the edge of a zone a force goes around, km. Default 2.
    pub zone_margin_km: f64,
    /// An advancing force halts while a hostile force is within its weapon
    /// range. Default true.
    pub halt_in_combat: bool,
}

impl Default for MovementParams {
    fn default() -> Self {
        Self {
            zone_margin_km: 2.0,
            halt_in_combat: true,
        }
    }
}
