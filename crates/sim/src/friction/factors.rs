//! Caches of the equations' factors: what a tick's hazards share and need
//! not compute again. [`TickConstants`] holds what depends only on the tick
//! length (the excitation kernel, the zones' incursion probabilities), found
//! once per tick length; [`PairFactors`] what depends only on the stances,
//! deconfliction and truces (σ(1 − w e) of each pair, which factions have
//! friction), found again only when the relations' revision changes. Both
//! call the functions of [`super::equations`], so a cached value has the
//! bits of a fresh one.

use super::contacts::Tick;
use super::equations::{Kernel, incursion_probability, pair_factor};
use crate::scenario::ZoneRule;
use crate::theatre::Theatre;

/// What a tick computes that depends only on its length and the theatre:
/// the excitation kernel over the tick and each zone's incursion
/// probability.
#[derive(Debug, Clone, Default)]
pub(super) struct TickConstants {
    /// The bits of the tick length these are for.
    pub dt: Option<u64>,
    pub kernel: Kernel,
    /// 1 − e^{−hΔt} of each zone, by zone.
    pub incursion: Vec<f64>,
}

impl TickConstants {
    /// For ticks of `dt` hours, with excitation decay rate `beta`.
    pub fn update(&mut self, th: &Theatre, beta: f64, dt: f64) -> &Self {
        if self.dt != Some(dt.to_bits()) {
            self.dt = Some(dt.to_bits());
            self.kernel = Kernel::new(beta, dt);
            self.incursion.clear();
            self.incursion.extend(
                th.scenario
                    .zones
                    .iter()
                    .map(|z| incursion_probability(z.incursion_hazard_per_hour, dt)),
            );
        }
        self
    }
}

/// The factors of the hazard that are the same for all of a pair's
/// contacts in a tick.
#[derive(Debug, Clone, Default)]
pub(super) struct PairFactors {
    /// σ(stance)·(1 − w e) of each pair slot.
    pub stance: Vec<f64>,
    /// Whether each pair slot has truces (else τ = 1).
    pub truces: Vec<bool>,
    /// Whether the theatre has deconfliction zones (else ζ = 1).
    pub zones: bool,
    /// Whether each pair slot's stance has friction now.
    pub friction: Vec<bool>,
    /// Whether each faction has a pair with friction now.
    pub involved: Vec<bool>,
    /// The relations' revision these were found for (`None`: never, in
    /// this run).
    pub revision: Option<u64>,
}

impl PairFactors {
    pub fn update(&mut self, t: &Tick) {
        let revision = Some(t.relations.revision());
        if self.revision == revision {
            return;
        }
        self.revision = revision;
        let p = &t.th.scenario.params.friction;
        self.stance.clear();
        self.truces.clear();
        self.friction.clear();
        self.involved.clear();
        self.involved.resize(t.th.n_factions(), false);
        for &(a, b) in &t.th.pairs {
            let friction = t.relations.stance(a, b).has_friction();
            self.friction.push(friction);
            if friction {
                self.involved[a.index()] = true;
                self.involved[b.index()] = true;
            }
            self.stance.push(pair_factor(
                p,
                t.relations.stance(a, b),
                t.relations.deconfliction(a, b),
            ));
            self.truces.push(t.relations.has_truces(a, b));
        }
        self.zones =
            t.th.scenario
                .zones
                .iter()
                .any(|z| z.rule == ZoneRule::Deconfliction);
    }
}
