//! The equations of friction, as docs/model.md §7 states them; everything
//! else in [`crate::friction`] finds the contacts these are applied to, or
//! caches their values.
//!
//! **Hazard of a contact** (§7.2, incidents per hour):
//!
//! ```text
//! λ_ij = λ0 · exp(−d/d0) · (S_i S_j / S_ref²)^γ · σ(stance) · (1 − w e)
//!        · τ(t, x) · ζ(x) · (1 + c v)
//! ```
//!
//! with `d` the separation, `S` strengths, `e` the pair's deconfliction, `τ`
//! the smallest hazard factor of the truces covering the contact's midpoint
//! `x`, `ζ` the smallest factor of the deconfliction zones containing it,
//! and `v` the value of a site both forces are advancing on (0 if none).
//!
//! **Incidents** of a faction pair form a self-exciting (Hawkes) process
//! (§7.3): intensity `μ(t) + H(t)`, with background `μ = Σ λ_ij` over the
//! pair's contacts and `H` jumping by `n β` at each incident (and by
//! `n0 β m1 e^{−d1/d0}` at the pair's first contact, `m1` the stance,
//! deconfliction, truce and zone factors of that contact and `d1` its
//! separation) and decaying as `exp(−β t)`,
//! `β = 1/decay`. `H` acts only while the pair has a contact. Incident
//! times are drawn exactly by time change (§7.4): the pair's clock is a
//! unit-exponential threshold, consumed by the integrated intensity
//! `Λ(u) = μ u + H (1 − e^{−βu}) / β`.
//!
//! **Escalation** (§7.6). With `m = (0.5 + ā)(1.5 − d̄) · ε(stance) · (1 − e)`
//! (`ā`, `d̄` the mean aggression and discipline of the two factions), an
//! incident becomes a clash with probability `min(1, p_c m)`, and a clash an
//! engagement with probability `min(1, p_e m)`. Each side of a clash loses
//! Poisson(`clash_casualties`) personnel, of an engagement
//! Poisson(`engagement_casualties`) (§7.7).
//!
//! **Cooling** (§7.7): a pair turned hostile by clashes returns to its
//! prior stance after an exponential time of mean `cooling_days`.
//!
//! **Incursions** (§7.8): a force inside an exclusion zone of hazard `h`
//! is struck by the owner with probability `1 − exp(−h Δt)` per tick, at
//! the time the same uniform gives by inversion.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::geo::Vec2;
use crate::metrics::Severity;
use crate::params::FrictionParams;
use crate::relation::RelationMatrix;
use crate::rng::unit_exponential;
use crate::scenario::{FactionId, Stance, ZoneRule};
use crate::theatre::Theatre;

/// At most this many incidents of one pair are resolved in one tick; the
/// rest of the tick is skipped. Only absurd hazards reach it (a pair would
/// need thousands of incidents an hour); it bounds the work of a tick.
pub const MAX_INCIDENTS_PER_TICK: u32 = 10_000;

// §7.2 The hazard of a contact.

/// σ(stance): the hazard multiplier of a stance.
pub fn stance_hazard(p: &FrictionParams, s: Stance) -> f64 {
    match s {
        Stance::Cooperative => p.cooperative_hazard,
        Stance::Rival => p.rival_hazard,
        Stance::Neutral => 1.0,
        Stance::Allied | Stance::Hostile => 0.0,
    }
}

/// σ(stance)·(1 − w e): the factor of a pair's hazard that its stance and
/// deconfliction `e` give.
pub(super) fn pair_factor(p: &FrictionParams, s: Stance, deconfliction: f64) -> f64 {
    stance_hazard(p, s) * (1.0 - p.deconfliction_hazard_weight * deconfliction)
}

/// ζ(x): the smallest hazard factor of the deconfliction zones holding `x`.
pub(super) fn zone_factor(th: &Theatre, x: Vec2) -> f64 {
    th.scenario
        .zones
        .iter()
        .filter(|z| z.rule == ZoneRule::Deconfliction && z.shape.contains(x))
        .map(|z| z.hazard_factor)
        .fold(1.0, f64::min)
}

/// exp(−d/d0): the proximity factor at separation `d` km.
pub(super) fn proximity_factor(d: f64, d0: f64) -> f64 {
    (-d / d0).exp()
}

/// S_i S_j / S_ref²: what the size factor raises to γ.
pub(super) fn size_ratio(p: &FrictionParams, s_i: f64, s_j: f64) -> f64 {
    s_i * s_j / (p.reference_strength * p.reference_strength)
}

/// x^γ: the size factor of a size ratio `x`.
pub(super) fn size_factor(x: f64, gamma: f64) -> f64 {
    x.powf(gamma)
}

/// c·v: the competition term of two forces advancing on a contested site
/// of value `value`.
pub(super) fn competition(p: &FrictionParams, value: f64) -> f64 {
    p.competition_factor * value
}

/// λ_ij = λ0 · proximity · size · modifier · (1 + competition), with
/// `modifier` = σ(1 − w e)·τ·ζ.
pub(super) fn contact_hazard(
    p: &FrictionParams,
    proximity: f64,
    size: f64,
    modifier: f64,
    competition: f64,
) -> f64 {
    p.base_hazard_per_hour * proximity * size * modifier * (1.0 + competition)
}

// §7.3 Self-excitation, §7.4 exact sampling of incident times.

/// The incident clock of one tracked pair: the state of its Hawkes process.
#[derive(Debug, Clone, Copy)]
pub struct PairClock {
    /// Unit-exponential threshold still to be consumed (NaN: not drawn yet).
    pub remaining: f64,
    /// Excitation H, incidents per hour, at the start of the current tick.
    pub excitation: f64,
    /// Whether the pair has ever been in contact.
    pub met: bool,
}

impl PairClock {
    /// A pair that has never met, with no threshold drawn.
    pub const FRESH: Self = Self {
        remaining: f64::NAN,
        excitation: 0.0,
        met: false,
    };
}

/// The surge of first contact, n0 β m1 e^{−d1/d0} (`m1` the stance,
/// deconfliction, truce and zone factors of the hazard of the pair's first
/// contact, `proximity` its proximity factor e^{−d1/d0}).
pub(super) fn surge(p: &FrictionParams, beta: f64, m1: f64, proximity: f64) -> f64 {
    p.first_contact_surge * beta * m1 * proximity
}

/// The excitation kernel over ticks of `dt` hours, decay rate `beta`, with
/// what every tick of that length shares computed once.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Kernel {
    pub beta: f64,
    pub dt: f64,
    /// e^{−βΔt}.
    pub decay: f64,
    /// 1 − e^{−βΔt}.
    pub kernel: f64,
}

impl Kernel {
    pub fn new(beta: f64, dt: f64) -> Self {
        Self {
            beta,
            dt,
            decay: (-beta * dt).exp(),
            kernel: -(-beta * dt).exp_m1(),
        }
    }

    /// e^{−βu}.
    fn decay_over(&self, u: f64) -> f64 {
        if u == self.dt {
            self.decay
        } else {
            (-self.beta * u).exp()
        }
    }

    /// Λ(u) from excitation `h` with background `mu`.
    fn integral_over(&self, mu: f64, h: f64, u: f64) -> f64 {
        if u == self.dt {
            mu * self.dt + h * self.kernel / self.beta
        } else {
            integrated(mu, h, self.beta, u)
        }
    }
}

/// Integrated intensity over `u` hours: μu + H(1 − e^{−βu})/β.
pub(super) fn integrated(mu: f64, h: f64, beta: f64, u: f64) -> f64 {
    mu * u + h * (-(-beta * u).exp_m1()) / beta
}

/// Solves integrated(μ, H, β, u) = target for u in (0, max] (it is increasing
/// and concave, so Newton from the left converges monotonically).
pub(super) fn solve_time(mu: f64, h: f64, beta: f64, target: f64, max: f64) -> f64 {
    let mut u = 0.0f64;
    for _ in 0..100 {
        let g = integrated(mu, h, beta, u) - target;
        let dg = mu + h * (-beta * u).exp();
        if dg <= 0.0 {
            break;
        }
        let next = (u - g / dg).min(max);
        if (next - u).abs() <= 1e-12 * max.max(1.0) {
            u = next;
            break;
        }
        u = next;
    }
    u.clamp(0.0, max)
}

/// What an incident left of the pair's process for the rest of the tick.
pub(super) enum After {
    /// Go on.
    Continue,
    /// The run may record no more incidents: the rest of the tick passes
    /// without.
    Full,
    /// The pair turned hostile: its friction stops, its excitation is reset.
    Hostile,
}

/// Plays one tick of a pair's Hawkes clock with background `mu` and
/// jump `jump` = n β: consumes its threshold and calls
/// `incident(τ, rng)` at each incident, τ hours into the tick. With `full`
/// (or past [`MAX_INCIDENTS_PER_TICK`]), the rest of the tick is skipped
/// and a new threshold is drawn next tick (a safeguard, not a model
/// feature).
pub(super) fn play_tick(
    clock: &mut PairClock,
    mu: f64,
    k: &Kernel,
    jump: f64,
    mut full: bool,
    rng: &mut ChaCha8Rng,
    mut incident: impl FnMut(f64, &mut ChaCha8Rng) -> After,
) {
    let mut tau = 0.0;
    let mut h = clock.excitation;
    let mut this_tick = 0u32;
    loop {
        if clock.remaining.is_nan() {
            clock.remaining = unit_exponential(rng);
        }
        let left = k.dt - tau;
        let total = k.integral_over(mu, h, left);
        if total < clock.remaining {
            clock.remaining -= total;
            h *= k.decay_over(left);
            break;
        }
        this_tick += 1;
        if this_tick > MAX_INCIDENTS_PER_TICK || full {
            clock.remaining = f64::NAN;
            h *= k.decay_over(left);
            break;
        }
        let u = solve_time(mu, h, k.beta, clock.remaining, left);
        tau += u;
        h = h * (-k.beta * u).exp() + jump;
        clock.remaining = unit_exponential(rng);
        match incident(tau, rng) {
            After::Continue => {}
            After::Full => full = true,
            After::Hostile => {
                h = 0.0;
                break;
            }
        }
    }
    clock.excitation = h;
}

// §7.6 Escalation.

/// ε(stance): the escalation multiplier of a stance.
pub fn stance_escalation(p: &FrictionParams, s: Stance) -> f64 {
    match s {
        Stance::Cooperative => p.cooperative_escalation,
        Stance::Rival => p.rival_escalation,
        Stance::Neutral => 1.0,
        Stance::Allied | Stance::Hostile => 0.0,
    }
}

/// Probabilities (incident → clash, clash → engagement) for a pair.
pub fn escalation_probabilities(
    theatre: &Theatre,
    relations: &RelationMatrix,
    a: FactionId,
    b: FactionId,
) -> (f64, f64) {
    let p = &theatre.scenario.params.friction;
    let (fa, fb) = (
        &theatre.scenario.factions[a.index()],
        &theatre.scenario.factions[b.index()],
    );
    let agg = (fa.aggression + fb.aggression) / 2.0;
    let disc = (fa.discipline + fb.discipline) / 2.0;
    let m = (0.5 + agg)
        * (1.5 - disc)
        * stance_escalation(p, relations.stance(a, b))
        * (1.0 - relations.deconfliction(a, b));
    (
        (p.clash_probability * m).clamp(0.0, 1.0),
        (p.engagement_probability * m).clamp(0.0, 1.0),
    )
}

/// How far an incident escalates, given (p_clash, p_engagement): two
/// uniforms are always drawn, so that the stream advances the same way
/// whatever the outcome.
pub(super) fn escalate(rng: &mut ChaCha8Rng, (pc, pe): (f64, f64)) -> Severity {
    let (u1, u2): (f64, f64) = (rng.random(), rng.random());
    if u1 >= pc {
        Severity::Incident
    } else if u2 >= pe {
        Severity::Clash
    } else {
        Severity::Engagement
    }
}

// §7.7 Clash casualties.

/// The mean of the Poisson casualties each side of an incident of
/// `severity` suffers (none for a mere incident).
pub(super) fn casualty_mean(p: &FrictionParams, severity: Severity) -> Option<f64> {
    match severity {
        Severity::Incident => None,
        Severity::Clash => Some(p.clash_casualties),
        Severity::Engagement => Some(p.engagement_casualties),
    }
}

/// The time after which a pair turned hostile by clashes returns to its
/// prior stance, hours: exponential with mean `mean_hours` (drawn only
/// when the mean is finite; `None` for never).
pub(super) fn cooling_time(mean_hours: f64, rng: &mut ChaCha8Rng) -> Option<f64> {
    mean_hours
        .is_finite()
        .then(|| mean_hours * unit_exponential(rng))
}

// §7.8 Incursions.

/// 1 − e^{−hΔt}: the probability of an incursion incident in a tick.
pub(super) fn incursion_probability(h: f64, dt: f64) -> f64 {
    -(-h * dt).exp_m1()
}

/// The time into the tick of an incursion incident drawn with uniform `u`
/// (`u` below [`incursion_probability`]): the first event of a rate-`h`
/// process, by inversion of the same uniform.
pub(super) fn incursion_time(u: f64, h: f64, dt: f64) -> f64 {
    (-(-u).ln_1p() / h).min(dt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solve_time_inverts_the_integrated_intensity() {
        for &(mu, h, beta, target) in &[
            (0.5, 0.0, 0.1, 0.3),
            (0.0, 2.0, 0.5, 1.0),
            (0.2, 1.5, 0.05, 0.7),
        ] {
            let u = solve_time(mu, h, beta, target, 1e6);
            assert!(
                (integrated(mu, h, beta, u) - target).abs() < 1e-9,
                "{mu} {h} {beta}"
            );
        }
    }

    #[test]
    fn the_kernel_over_a_whole_tick_is_the_integral() {
        let k = Kernel::new(1.0 / 48.0, 1.0);
        let (mu, h) = (0.004, 0.3);
        // The cached whole tick and the general formula agree to rounding;
        // part of a tick takes the general formula itself.
        assert!((k.integral_over(mu, h, 1.0) - integrated(mu, h, k.beta, 1.0)).abs() < 1e-15);
        let half = k.integral_over(mu, h, 0.5);
        assert_eq!(half.to_bits(), integrated(mu, h, k.beta, 0.5).to_bits());
        // Λ(Δt) = μΔt + H(1 − e^{−βΔt})/β, by hand.
        let by_hand = mu + h * (1.0 - (-1.0f64 / 48.0).exp()) * 48.0;
        assert!((k.integral_over(mu, h, 1.0) - by_hand).abs() < 1e-12);
        assert!((k.decay_over(1.0) - (-k.beta).exp()).abs() < 1e-15);
    }

    #[test]
    fn incursion_times_fall_in_the_tick_and_invert_the_probability() {
        let (h, dt) = (0.2, 1.0);
        let p = incursion_probability(h, dt);
        assert!((p - (1.0 - (-0.2f64).exp())).abs() < 1e-15);
        // The uniform at the probability maps to the end of the tick.
        assert!((incursion_time(p, h, dt) - dt).abs() < 1e-12);
        assert!(incursion_time(0.0, h, dt) == 0.0);
        let half = 1.0 - (-h * 0.5f64).exp();
        assert!((incursion_time(half, h, dt) - 0.5).abs() < 1e-12);
    }
}
