//! Phase 6: friction between non-allied, non-hostile forces.
//!
//! **Contacts.** Forces `i`, `j` of a tracked faction pair whose stance is
//! cooperative, neutral or rival are in contact when either sees the other
//! (they are within `max(sensor_i, sensor_j)` of each other), or when they
//! face each other across a contact-line segment of their pair: each within
//! the line's `buffer_km` of the segment, on opposite sides of it (or on it).
//! The separation `d` is their straight distance either way; a line contact
//! is attributed to its segment.
//!
//! **Hazard of a contact** (incidents per hour):
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
//! **Incidents** of a faction pair form a self-exciting (Hawkes) process:
//! intensity `μ(t) + H(t)`, with background `μ = Σ λ_ij` over the pair's
//! contacts and `H` jumping by `n β` at each incident (and by `n0 β` at the
//! pair's first contact) and decaying as `exp(−β t)`, `β = 1/decay`. `H` acts
//! only while the pair has a contact. The surge is scaled by the stance,
//! deconfliction, truce and zone factors of the pair's first contact. Incident times are drawn exactly by
//! time change: the pair's clock is a unit-exponential threshold, consumed by
//! the integrated intensity `μ Δt + H (1 − e^{−βΔt}) / β`. Each incident is
//! placed at one of the pair's contacts, chosen with probability ∝ `λ_ij`.
//!
//! **Escalation.** With `m = (0.5 + ā)(1.5 − d̄) · ε(stance) · (1 − e)`
//! (`ā`, `d̄` the mean aggression and discipline of the two factions), an
//! incident becomes a clash with probability `min(1, p_c m)`, and a clash an
//! engagement with probability `min(1, p_e m)`. Each side of a clash loses
//! Poisson(`clash_casualties`) personnel, of an engagement
//! Poisson(`engagement_casualties`). After `hostile_after_clashes` clashes
//! the stance turns hostile and the pair fights (phase 4) from then on.
//!
//! **Incursions.** Each living force inside an exclusion zone whose owner it
//! is not allied with has an incident with the owner with probability
//! `1 − exp(−h Δt)` per tick, which escalates on the same ladder.

use bevy_ecs::prelude::*;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Poisson};

use crate::events::sorted;
use crate::force::{ForceRow, ForceTable};
use crate::geo::{Vec2, point_segment_distance};
use crate::metrics::{Clock, LogEvent, Metrics, Severity};
use crate::neighbours::Neighbours;
use crate::params::FrictionParams;
use crate::relation::RelationMatrix;
use crate::rng::{ChaChaStreams, unit_exponential};
use crate::scenario::{FactionId, SegmentSpec, Stance, ZoneRule};
use crate::site::Competition;
use crate::theatre::Theatre;

/// At most this many incidents of one pair are resolved in one tick; the
/// rest of the tick is skipped. Only absurd hazards reach it (a pair would
/// need thousands of incidents an hour); it bounds the work of a tick.
pub const MAX_INCIDENTS_PER_TICK: u32 = 10_000;

/// The incident clock of one tracked pair.
#[derive(Debug, Clone, Copy)]
pub struct PairClock {
    /// Unit-exponential threshold still to be consumed (NaN: not drawn yet).
    pub remaining: f64,
    /// Excitation H, incidents per hour, at the start of the current tick.
    pub excitation: f64,
    /// Whether the pair has ever been in contact.
    pub met: bool,
}

/// Friction state of a run.
#[derive(Resource, Debug, Clone, Default)]
pub struct FrictionState {
    /// One clock per tracked pair.
    pub clocks: Vec<PairClock>,
    /// The contacts of this tick and their hazards.
    list: ContactList,
    factors: PairFactors,
    /// Where the chunks of this tick start: (manning entry, proximity
    /// contact).
    cuts: Vec<(usize, usize)>,
    /// (manning entries per chunk, most chunks), if not the default.
    chunking: Option<(usize, usize)>,
    /// Proximity contacts, in order.
    near: Vec<RawContact>,
    /// The pair slot of each contact line, `u32::MAX` if its pair has no
    /// friction now.
    line_slot: Vec<u32>,
    /// (2 · segment + side of the line, force, side of the segment) for
    /// every force manning a segment of a line with friction, by force: the
    /// side of the line is 0 for a force of the line's first faction, 1 for
    /// the second; the side of the segment is the sign of the cross product
    /// of the segment with the force's offset.
    manning: Vec<(u32, u32, f64)>,
    /// The same in (pair slot, force) order, when lines of several pairs
    /// are manned.
    manning_by_slot: Vec<(u32, u32, f64)>,
    /// The same by segment and side of the line (force order within each);
    /// the entries of key `k` end at `segment_ends[k]`.
    manning_by_segment: Vec<(u32, u32, f64)>,
    segment_ends: Vec<u32>,
    counts: Vec<u32>,
    /// What the manning of the last tick was found from, to reuse the
    /// entries of the forces that have not moved since.
    manned: Manned,
    /// Forces inside the zone at hand (incursions).
    inside: Vec<u32>,
    constants: TickConstants,
}

/// What a tick computes that depends only on its length and the theatre:
/// the decay of the excitation over the tick, the integral of its kernel,
/// and each zone's incursion probability. Found once for each tick length
/// (the same expressions, so the same bits).
#[derive(Debug, Clone, Default)]
struct TickConstants {
    /// The bits of the tick length these are for.
    dt: Option<u64>,
    /// e^{−βΔt}.
    decay: f64,
    /// 1 − e^{−βΔt}.
    kernel: f64,
    /// 1 − e^{−hΔt} of each zone, by zone.
    incursion: Vec<f64>,
}

impl TickConstants {
    /// For ticks of `dt` hours, with excitation decay rate `beta`.
    fn update(&mut self, th: &Theatre, beta: f64, dt: f64) -> &Self {
        if self.dt != Some(dt.to_bits()) {
            self.dt = Some(dt.to_bits());
            self.decay = (-beta * dt).exp();
            self.kernel = -(-beta * dt).exp_m1();
            self.incursion.clear();
            self.incursion.extend(
                th.scenario
                    .zones
                    .iter()
                    .map(|z| -(-z.incursion_hazard_per_hour * dt).exp_m1()),
            );
        }
        self
    }
}

impl FrictionState {
    /// Fresh clocks for `pairs` tracked pairs.
    pub fn new(pairs: usize) -> Self {
        let mut state = Self::default();
        state.reset(pairs);
        state
    }

    /// Sets how the line contacts of large theatres are cut into chunks
    /// found in parallel: chunks of at least `entries` manning entries, at
    /// most `max` of them (by default [`CHUNK_ENTRIES`], and the pool's
    /// threads up to [`MAX_CHUNKS`]). The results are the same bits
    /// whatever the chunks (the cumulative sums are taken in order after).
    pub fn set_chunking(&mut self, entries: usize, max: usize) {
        self.chunking = Some((entries, max));
    }

    /// Fresh clocks for `pairs` tracked pairs, for a new run. Everything
    /// else is rebuilt every tick; the buffers and memos are kept (a memo
    /// holds values of a function, the same in every run).
    pub fn reset(&mut self, pairs: usize) {
        self.manned.at.clear();
        self.manned.status = None;
        self.manned.reach_for = None;
        self.factors.revision = None;
        self.constants.dt = None;
        self.clocks.clear();
        self.clocks.resize(
            pairs,
            PairClock {
                remaining: f64::NAN,
                excitation: 0.0,
                met: false,
            },
        );
    }
}

/// The manning entries of the last tick, by force, and what they were
/// found from: a force's entries depend only on its position, on the
/// factions involved in friction and on the lines' pair slots (which depend
/// on the stances), so a force that has not moved keeps them while those
/// are unchanged.
#[derive(Debug, Clone, Default)]
struct Manned {
    /// The last tick's entries, in force order.
    entries: Vec<(u32, u32, f64)>,
    /// The force table's status count when they were last checked.
    status: Option<u64>,
    /// Force `i`'s are `entries[starts[i]..starts[i + 1]]`.
    starts: Vec<u32>,
    /// The position they were found at (NaN: dead or not involved, none
    /// found).
    at: Vec<Vec2>,
    line_slot: Vec<u32>,
    involved: Vec<bool>,
    /// Whether lines of several pairs were manned.
    several_slots: bool,
    /// One force's entries found again, to compare with its last ones.
    found: Vec<(u32, u32, f64)>,
    /// The entries whose side of the segment [`Manned::unchanged`] updated.
    patched: Vec<usize>,
    /// Where each force's entries were last found in full, and how far it
    /// may move from there before any of its candidate segments may change
    /// between manned and not (NaN: unknown); for the list build
    /// `reach_for` (the candidate segments change with the lists).
    reach: Vec<(Vec2, f64)>,
    reach_for: Option<u32>,
}

/// A bound on the rounding of a distance computed from points whose
/// coordinates sum in absolute value to `scale` km, far above it.
fn rounding(scale: f64) -> f64 {
    1e-9 + 1e-12 * scale
}

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
struct Memo {
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
    fn prepare(&mut self, param: f64, inputs: usize) {
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
    fn get(&mut self, x: f64, f: impl Fn(f64, f64) -> f64) -> f64 {
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

/// A contact as found: one force pair, through proximity or a segment.
#[derive(Debug, Clone, Copy)]
struct RawContact {
    /// slot << 36 | i << 18 | j with i < j: the order (force indices < 2¹⁸).
    key: u64,
    dist: f64,
    /// 0 for proximity, segment + 1 for a line contact.
    segment: u32,
}

impl RawContact {
    fn new(slot: u32, a: u32, b: u32, dist: f64, segment: Option<u32>) -> Self {
        let (i, j) = (a.min(b), a.max(b));
        Self {
            key: (slot as u64) << 36 | (i as u64) << 18 | j as u64,
            dist,
            segment: segment.map_or(0, |s| s + 1),
        }
    }

    fn slot(&self) -> u32 {
        (self.key >> 36) as u32
    }

    fn i(&self) -> u32 {
        ((self.key >> 18) & 0x3_ffff) as u32
    }

    fn segment(&self) -> Option<u32> {
        self.segment.checked_sub(1)
    }
}

/// A contact of this tick, as kept to place incidents.
#[derive(Debug, Clone, Copy)]
struct Contact {
    i: u32,
    j: u32,
    segment: Option<u32>,
}

/// The hazard multiplier of a stance.
pub fn stance_hazard(p: &FrictionParams, s: Stance) -> f64 {
    match s {
        Stance::Cooperative => p.cooperative_hazard,
        Stance::Rival => p.rival_hazard,
        Stance::Neutral => 1.0,
        Stance::Allied | Stance::Hostile => 0.0,
    }
}

/// The escalation multiplier of a stance.
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
fn escalate(rng: &mut ChaCha8Rng, (pc, pe): (f64, f64)) -> Severity {
    let (u1, u2): (f64, f64) = (rng.random(), rng.random());
    if u1 >= pc {
        Severity::Incident
    } else if u2 >= pe {
        Severity::Clash
    } else {
        Severity::Engagement
    }
}

/// Integrated intensity over `u` hours: μu + H(1 − e^{−βu})/β.
fn integrated(mu: f64, h: f64, beta: f64, u: f64) -> f64 {
    mu * u + h * (-(-beta * u).exp_m1()) / beta
}

/// Solves integrated(μ, H, β, u) = target for u in (0, max] (it is increasing
/// and concave, so Newton from the left converges monotonically).
fn solve_time(mu: f64, h: f64, beta: f64, target: f64, max: f64) -> f64 {
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

/// Resolves one tick of friction and incursions. Returns whether a
/// strength changed in the table: the caller then writes the changes back
/// ([`crate::combat::sync_strengths`]).
#[allow(clippy::too_many_arguments)]
pub fn resolve_friction(
    th: &Theatre,
    clock: &Clock,
    near: &Neighbours,
    table: &mut ForceTable,
    relations: &mut RelationMatrix,
    st: &mut FrictionState,
    rng: &mut ChaChaStreams,
    metrics: &mut Metrics,
    competition: &Competition,
) -> bool {
    let p = &th.scenario.params.friction;
    let t0 = clock.hours();
    find_contacts(
        &Tick {
            th,
            rows: &table.rows,
            moved: (&table.moved, table.status),
            relations,
            competition,
            t0,
        },
        near,
        st,
    );
    let dt = clock.dt_hours;
    let beta = 1.0 / p.excitation_decay_hours;
    let mut changed = false;

    // Pair by pair, in slot order. Over a whole tick the decay and the
    // integral of the excitation kernel are the same for every pair, and in
    // every tick of the same length.
    let constants = st.constants.update(th, beta, dt);
    let (decay, kernel_dt) = (constants.decay, constants.kernel);
    let decay_over = |u: f64| if u == dt { decay } else { (-beta * u).exp() };
    let integral_over = |mu: f64, h: f64, u: f64| {
        if u == dt {
            mu * dt + h * kernel_dt / beta
        } else {
            integrated(mu, h, beta, u)
        }
    };
    for slot in 0..th.pairs.len() {
        let list = &st.list;
        let (start, end) = (list.bounds[slot] as usize, list.bounds[slot + 1] as usize);
        let (fa, fb) = th.pairs[slot];
        let clock_p = &mut st.clocks[slot];
        if start == end || !relations.stance(fa, fb).has_friction() {
            clock_p.excitation *= decay;
            continue;
        }
        if !clock_p.met {
            // The surge of first contact, scaled by the same stance,
            // deconfliction, truce and zone factors as the hazard of the
            // pair's first contact.
            clock_p.met = true;
            clock_p.excitation += p.first_contact_surge * beta * list.first_modifier[slot];
        }
        let mu = list.cumulative(end - 1);
        let prng = rng.pair(slot, th.pair_streams[slot]);
        let mut tau = 0.0;
        let mut h = clock_p.excitation;
        let mut this_tick = 0u32;
        loop {
            if clock_p.remaining.is_nan() {
                clock_p.remaining = unit_exponential(prng);
            }
            let left = dt - tau;
            let total = integral_over(mu, h, left);
            if total < clock_p.remaining {
                clock_p.remaining -= total;
                h *= decay_over(left);
                break;
            }
            this_tick += 1;
            if this_tick > MAX_INCIDENTS_PER_TICK || !metrics.may_record_incident() {
                // A safeguard against absurd hazards, not a model feature.
                clock_p.remaining = f64::NAN;
                h *= decay_over(left);
                break;
            }
            let u = solve_time(mu, h, beta, clock_p.remaining, left);
            tau += u;
            h = h * (-beta * u).exp() + p.branching_ratio * beta;
            clock_p.remaining = unit_exponential(prng);
            // Where: a contact chosen ∝ hazard (the first if all are zero).
            let pick = prng.random::<f64>() * mu;
            let k = list.search(start, end, pick);
            let c = list.contact(if k < end && mu > 0.0 { k } else { start });
            let severity = escalate(prng, escalation_probabilities(th, relations, fa, fb));
            let at = (table.rows[c.i as usize].pos + table.rows[c.j as usize].pos) * 0.5;
            let segment = c.segment.or_else(|| th.nearest_segment(at, fa, fb));
            let site = th.nearest_site(at);
            let hours = t0 + tau;
            let casualties = inflict(p, severity, table, [c.i, c.j], prng, metrics);
            changed |= casualties != [0.0, 0.0];
            metrics.record_incident(Some(slot), hours, severity, segment, site, None);
            let pair = sorted(fa.0, fb.0);
            let forces_ij = [c.i, c.j];
            metrics.push(|| LogEvent::Incident {
                hours,
                pair,
                forces: forces_ij,
                severity,
                at,
                segment,
                site,
                zone: None,
                casualties,
            });
            if severity >= Severity::Clash && relations.record_clash(fa, fb) {
                metrics.outcome.pairs[slot].turned_hostile_h = Some(hours);
                metrics.push(|| LogEvent::Stance {
                    hours,
                    pair,
                    stance: Stance::Hostile,
                    escalation: true,
                });
                h = 0.0;
                break;
            }
        }
        clock_p.excitation = h;
    }

    changed |= incursions(
        th,
        t0,
        dt,
        &st.constants.incursion,
        near,
        &mut st.inside,
        table,
        relations,
        rng,
        metrics,
    );
    changed
}

/// Applies the casualties of an incident to both forces; returns them.
fn inflict(
    p: &FrictionParams,
    severity: Severity,
    table: &mut ForceTable,
    forces: [u32; 2],
    rng: &mut ChaCha8Rng,
    metrics: &mut Metrics,
) -> [f64; 2] {
    let mean = match severity {
        Severity::Incident => return [0.0, 0.0],
        Severity::Clash => p.clash_casualties,
        Severity::Engagement => p.engagement_casualties,
    };
    let mut out = [0.0; 2];
    for (k, &f) in forces.iter().enumerate() {
        let drawn = Poisson::new(mean).map(|d| d.sample(rng)).unwrap_or(0.0);
        let ForceRow {
            strength, faction, ..
        } = table.rows[f as usize];
        let lost = drawn.min(strength);
        metrics.outcome.casualties[faction.index()] += lost;
        if lost > 0.0 {
            table.set_strength(f as usize, strength - lost);
        }
        out[k] = lost;
        if forces[0] == forces[1] {
            break;
        }
    }
    out
}

fn zone_factor(th: &Theatre, x: Vec2) -> f64 {
    th.scenario
        .zones
        .iter()
        .filter(|z| z.rule == ZoneRule::Deconfliction && z.shape.contains(x))
        .map(|z| z.hazard_factor)
        .fold(1.0, f64::min)
}

/// What the contacts of a tick are found from.
struct Tick<'a> {
    th: &'a Theatre,
    rows: &'a [ForceRow],
    /// The forces the last index moved, and the table's status count
    /// ([`ForceTable::moved`], [`ForceTable::status`]).
    moved: (&'a [u32], u64),
    relations: &'a RelationMatrix,
    competition: &'a Competition,
    t0: f64,
}

/// The factors of the hazard that are the same for all of a pair's
/// contacts in a tick.
#[derive(Debug, Clone, Default)]
struct PairFactors {
    /// σ(stance)·(1 − w e) of each pair slot.
    stance: Vec<f64>,
    /// Whether each pair slot has truces (else τ = 1).
    truces: Vec<bool>,
    /// Whether the theatre has deconfliction zones (else ζ = 1).
    zones: bool,
    /// Whether each pair slot's stance has friction now.
    friction: Vec<bool>,
    /// Whether each faction has a pair with friction now.
    involved: Vec<bool>,
    /// The relations' revision these were found for (`None`: never, in
    /// this run).
    revision: Option<u64>,
}

impl PairFactors {
    fn update(&mut self, t: &Tick) {
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
            self.stance.push(
                stance_hazard(p, t.relations.stance(a, b))
                    * (1.0 - p.deconfliction_hazard_weight * t.relations.deconfliction(a, b)),
            );
            self.truces.push(t.relations.has_truces(a, b));
        }
        self.zones =
            t.th.scenario
                .zones
                .iter()
                .any(|z| z.rule == ZoneRule::Deconfliction);
    }
}

/// The contacts of a tick, in (pair slot, force i, force j) order, one per
/// force pair, with the cumulative sums of their hazards pair by pair. They
/// are found in consecutive chunks (in parallel when there are several).
#[derive(Debug, Clone, Default)]
struct ContactList {
    chunks: Vec<Chunk>,
    /// Chunks in use this tick.
    used: usize,
    /// Chunk `c`'s contacts are `offsets[c]..offsets[c + 1]`.
    offsets: Vec<u32>,
    /// The contacts of pair slot `s` are `bounds[s]..bounds[s + 1]`.
    bounds: Vec<u32>,
    /// The hazard modifier of each pair's first contact (its surge of first
    /// contact is scaled by it).
    first_modifier: Vec<f64>,
}

impl ContactList {
    /// The chunk holding contact `k`, and `k`'s index in it.
    fn locate(&self, k: usize) -> (&Chunk, usize) {
        let c = self.offsets[1..=self.used].partition_point(|&o| o as usize <= k);
        (&self.chunks[c], k - self.offsets[c] as usize)
    }

    fn contact(&self, k: usize) -> Contact {
        let (c, at) = self.locate(k);
        c.contacts[at]
    }

    fn cumulative(&self, k: usize) -> f64 {
        let (c, at) = self.locate(k);
        c.values[at]
    }

    /// The first contact in `start..end` (the contacts of one pair) whose
    /// cumulative hazard exceeds `pick`, or `end`.
    fn search(&self, start: usize, end: usize, pick: f64) -> usize {
        let mut k = start;
        while k < end {
            let (c, at) = self.locate(k);
            let here = &c.values[at..(at + end - k).min(c.values.len())];
            let found = here.partition_point(|&v| v <= pick);
            if found < here.len() {
                return k + found;
            }
            k += here.len();
        }
        end
    }

    /// Turns the chunks' hazards into cumulative sums within each pair, in
    /// order (so the same sums whatever the chunks), and indexes them.
    fn finish(&mut self, pairs: usize) {
        self.offsets.clear();
        self.offsets.push(0);
        self.bounds.clear();
        self.bounds.resize(pairs + 1, 0);
        self.first_modifier.clear();
        self.first_modifier.resize(pairs, 0.0);
        let (mut slot, mut sum) = (u32::MAX, 0.0f64);
        let mut total = 0;
        for chunk in &mut self.chunks[..self.used] {
            let mut at = 0;
            for &(s, count, modifier) in &chunk.runs {
                if s != slot {
                    (slot, sum) = (s, 0.0);
                    self.first_modifier[s as usize] = modifier;
                }
                self.bounds[s as usize + 1] += count;
                for v in &mut chunk.values[at..at + count as usize] {
                    sum += *v;
                    *v = sum;
                }
                at += count as usize;
            }
            total += chunk.contacts.len() as u32;
            self.offsets.push(total);
        }
        for s in 1..self.bounds.len() {
            self.bounds[s] += self.bounds[s - 1];
        }
    }
}

/// A consecutive part of a tick's contacts. Aligned to 128 bytes, so that
/// chunks filled on different cores do not share cache lines.
#[derive(Debug, Clone, Default)]
#[repr(align(128))]
struct Chunk {
    contacts: Vec<Contact>,
    /// The hazard of each contact; after [`ContactList::finish`], the sum
    /// of the hazards of its pair's contacts up to and including it.
    values: Vec<f64>,
    /// (pair slot, contacts, modifier of the first) of each pair, in order.
    runs: Vec<(u32, u32, f64)>,
    /// (force, segment) of the opposite forces facing the force at hand
    /// across the segments it mans.
    facing: Vec<(u32, u32)>,
    /// The manning entries of a range of forces, and (the slot of the
    /// first, whether there are several).
    manning: Vec<(u32, u32, f64)>,
    /// Where the entries of each force of the range end in `manning`.
    force_ends: Vec<u32>,
    slots: (Option<u32>, bool),
    /// Memo of the size factor, `x^γ` (many contacts share strengths).
    size_factor: Memo,
    /// Memo of the proximity factor, `e^{−d/d0}` (forces that do not move
    /// keep their separations).
    proximity_factor: Memo,
    last: Option<u64>,
}

/// The order in which contacts are merged: pair slot, force pair,
/// separation, segment (none first; the separation is non-negative, so its
/// bits order like its value).
fn merge_order(c: &RawContact) -> (u64, u64, u32) {
    (c.key, c.dist.to_bits(), c.segment)
}

impl Chunk {
    /// Takes a manning entry of a line of pair slot `slot`.
    fn man(&mut self, entry: (u32, u32, f64), slot: u32) {
        self.manning.push(entry);
        let (first, several) = &mut self.slots;
        *several |= first.is_some_and(|f| f != slot);
        *first = Some(slot);
    }

    fn begin(&mut self, t: &Tick) {
        let p = &t.th.scenario.params.friction;
        // Sized by the contacts of the last tick.
        let inputs = self.contacts.len();
        self.size_factor.prepare(p.size_exponent, inputs);
        self.proximity_factor.prepare(p.proximity_scale_km, inputs);
        self.contacts.clear();
        self.values.clear();
        self.runs.clear();
        self.last = None;
    }

    /// Takes the next contact found, in merge order: a new force pair gets
    /// its hazard; the same pair again can only add the segment.
    fn push(&mut self, c: &RawContact, t: &Tick, f: &PairFactors) {
        if self.last == Some(c.key) {
            let kept = self.contacts.last_mut().expect("a contact was kept");
            if kept.segment.is_none() {
                kept.segment = c.segment();
            }
            return;
        }
        self.last = Some(c.key);
        let (th, p) = (t.th, &t.th.scenario.params.friction);
        let (i, j) = (c.i(), (c.key & 0x3_ffff) as u32);
        let (ri, rj) = (&t.rows[i as usize], &t.rows[j as usize]);
        let slot = c.slot() as usize;
        let size = self.size_factor.get(
            ri.strength * rj.strength / (p.reference_strength * p.reference_strength),
            f64::powf,
        );
        let comp = match (ri.objective_site, rj.objective_site) {
            (Some(x), Some(y))
                if x == y
                    && t.competition
                        .contests
                        .binary_search(&(x, sorted(ri.faction.0, rj.faction.0)))
                        .is_ok() =>
            {
                p.competition_factor * th.scenario.sites[x as usize].value
            }
            _ => 0.0,
        };
        // τ and ζ at the midpoint; a factor of exactly 1 when there are no
        // truces or zones (x·1 = x, so the product has the same bits).
        let mut modifier = f.stance[slot];
        if f.truces[slot] || f.zones {
            let mid = (ri.pos + rj.pos) * 0.5;
            modifier = modifier
                * t.relations.truce_factor(ri.faction, rj.faction, t.t0, mid)
                * zone_factor(th, mid);
        }
        let hazard = p.base_hazard_per_hour
            * self.proximity_factor.get(c.dist, |d, d0| (-d / d0).exp())
            * size
            * modifier
            * (1.0 + comp);
        match self.runs.last_mut() {
            Some(run) if run.0 == c.slot() => run.1 += 1,
            _ => self.runs.push((c.slot(), 1, modifier)),
        }
        self.values.push(hazard);
        self.contacts.push(Contact {
            i,
            j,
            segment: c.segment(),
        });
    }
}

/// Line contacts are found in parallel chunks of at least this many
/// manning entries (below it, in one): only very large theatres use more
/// than one thread in a tick.
pub const CHUNK_ENTRIES: usize = 16_384;

/// At most this many chunks.
pub const MAX_CHUNKS: usize = 8;

/// Finds this tick's contacts into `st.list`: the proximity contacts and the
/// line contacts (a line contact once per force pair, with its lowest
/// segment), merged in contact order, with their hazards.
fn find_contacts(t: &Tick, near: &Neighbours, st: &mut FrictionState) {
    st.near.clear();
    // The last tick's manning, kept for the forces that have not moved.
    std::mem::swap(&mut st.manning, &mut st.manned.entries);
    st.manning.clear();
    st.factors.update(t);
    let pairs = t.th.pairs.len();
    if pairs == 0 {
        st.list.used = 0;
        st.list.finish(pairs);
        return;
    }
    let rows = t.rows;
    // Proximity: each force looks out to its own sensor range, and a pair
    // is in contact when either sees the other: within the larger range.
    // The candidate pairs come in contact order already.
    let friction = &st.factors.friction;
    for &(key, i, j) in near.friction_pairs() {
        let (ri, rj) = (&rows[i as usize], &rows[j as usize]);
        if !ri.alive() || !rj.alive() || !friction[(key >> 36) as usize] {
            continue;
        }
        let d2 = rj.pos.distance_sq(ri.pos);
        let (si, sj) = (ri.sensor_range_km, rj.sensor_range_km);
        if d2 <= si * si || d2 <= sj * sj {
            st.near.push(RawContact {
                key,
                dist: d2.sqrt(),
                segment: 0,
            });
        }
    }
    // The line contacts come in contact order too, force by force (see
    // `line_contacts`): the two are merged. The entries of forces manning
    // segments are cut into chunks at force boundaries, and the proximity
    // contacts with them.
    let (entries, max) = st.chunking.unwrap_or_else(|| {
        (
            CHUNK_ENTRIES,
            rayon::current_num_threads().clamp(1, MAX_CHUNKS),
        )
    });
    let (entries, max) = (entries.max(1), max.max(1));
    let several_slots =
        !t.th.scenario.segments.is_empty() && man_segments(t, near, (entries, max), st);
    let by_force = if several_slots {
        &st.manning_by_slot
    } else {
        &st.manning
    };
    let line_slot = &st.line_slot;
    let segments = &t.th.scenario.segments;
    let group = |m: &(u32, u32, f64)| {
        (line_slot[segments[m.0 as usize >> 1].line] as u64) << 18 | m.1 as u64
    };
    let n = (by_force.len() / entries).clamp(1, max);
    st.cuts.clear();
    st.cuts.push((0, 0));
    for c in 1..n {
        let mut at = by_force.len() * c / n;
        while at < by_force.len() && at > 0 && group(&by_force[at]) == group(&by_force[at - 1]) {
            at += 1;
        }
        let g = by_force.get(at).map_or(u64::MAX, group);
        let near_at = st.near.partition_point(|c| c.key >> 18 < g);
        st.cuts.push((at, near_at));
    }
    st.cuts.push((by_force.len(), st.near.len()));
    let list = &mut st.list;
    if list.chunks.len() < n {
        list.chunks.resize_with(n, Chunk::default);
    }
    list.used = n;
    let lines = Lines {
        by_force,
        by_segment: &st.manning_by_segment,
        ends: &st.segment_ends,
        line_slot,
        several_slots,
    };
    let (cuts, near, factors) = (&st.cuts, &st.near, &st.factors);
    let work = |(c, chunk): (usize, &mut Chunk)| {
        let ((f0, n0), (f1, n1)) = (cuts[c], cuts[c + 1]);
        chunk.begin(t);
        let mut at = n0;
        line_contacts(t, factors, &lines, f0..f1, &near[..n1], &mut at, chunk);
        for c in &near[at..n1] {
            chunk.push(c, t, factors);
        }
    };
    in_chunks(&mut list.chunks[..n], work);
    list.finish(pairs);
}

/// Runs `work` on every chunk: the calling thread on the first, the pool on
/// the others.
fn in_chunks(chunks: &mut [Chunk], work: impl Fn((usize, &mut Chunk)) + Sync) {
    match chunks.split_first_mut() {
        Some((first, [])) => work((0, first)),
        Some((first, rest)) => rayon::in_place_scope(|scope| {
            for (c, chunk) in rest.iter_mut().enumerate() {
                let work = &work;
                scope.spawn(move |_| work((c + 1, chunk)));
            }
            work((0, first));
        }),
        None => {}
    }
}

/// Which forces man which segment of a line with friction (within its
/// buffer), by force, by segment and, if lines of several pairs are
/// manned (the return value), by (pair slot, force).
fn man_segments(
    t: &Tick,
    near: &Neighbours,
    (entries, max): (usize, usize),
    st: &mut FrictionState,
) -> bool {
    let rows = t.rows;
    let segments = &t.th.scenario.segments;
    let lines = &t.th.scenario.contact_lines;
    st.line_slot.clear();
    st.line_slot.extend(lines.iter().map(|l| {
        let [a, b] = l.between;
        t.th.slot(a, b)
            .filter(|_| t.relations.stance(a, b).has_friction())
            .map_or(u32::MAX, |s| s as u32)
    }));
    // Factions with at least one active friction pair: only their forces man.
    let (line_slot, involved) = (&st.line_slot, &st.factors.involved);
    let reuse = st.manned.at.len() == rows.len()
        && st.manned.line_slot == *line_slot
        && st.manned.involved == *involved;
    // If no force has died, broken or been copied afresh since, only the
    // forces moved since may man differently.
    let (moved, status) = t.moved;
    let movers = (st.manned.status == Some(status)).then_some(moved);
    st.manned.status = Some(status);
    st.manned.patched.clear();
    if reuse
        && st.manned.unchanged(t, near, line_slot, involved, movers)
        && (st.manned.patched.is_empty() || !st.manned.several_slots)
    {
        // Every force mans the segments it manned last tick: so do the
        // lists by segment and by slot, which are kept, with the new sides
        // of the segments (a force's entry of a key is found by force
        // within the key's entries).
        for &e in &st.manned.patched {
            let (key, force, side) = st.manned.entries[e];
            let key = key as usize;
            let from = key
                .checked_sub(1)
                .map_or(0, |k| st.segment_ends[k] as usize);
            let entries = &mut st.manning_by_segment[from..st.segment_ends[key] as usize];
            let at = entries.partition_point(|m| m.1 < force);
            entries[at].2 = side;
        }
        std::mem::swap(&mut st.manning, &mut st.manned.entries);
        return st.manned.several_slots;
    }
    let manned = &st.manned;
    // In chunks of forces (a force mans about two segments), concatenated.
    let n = (2 * rows.len() / entries).clamp(1, max);
    if st.list.chunks.len() < n {
        st.list.chunks.resize_with(n, Chunk::default);
    }
    in_chunks(&mut st.list.chunks[..n], |(c, chunk)| {
        chunk.manning.clear();
        chunk.force_ends.clear();
        chunk.slots = (None, false);
        let forces = rows.len() * c / n..rows.len() * (c + 1) / n;
        for (r, i) in rows[forces.clone()].iter().zip(forces) {
            let mans = r.alive() && involved[r.faction.index()];
            if mans && reuse && manned.at[i] == r.pos {
                let at = manned.starts[i] as usize..manned.starts[i + 1] as usize;
                for &m in &manned.entries[at] {
                    chunk.man(m, line_slot[segments[m.0 as usize >> 1].line]);
                }
            } else if mans {
                find_manning(t, near, line_slot, i as u32, |m, slot| chunk.man(m, slot));
            }
            chunk.force_ends.push(chunk.manning.len() as u32);
        }
    });
    let (mut first_slot, mut several_slots) = (None, false);
    let manned = &mut st.manned;
    // Entries found afresh here, or kept: where they were found in full is
    // not known.
    manned.reach_for = None;
    manned.starts.clear();
    manned.starts.push(0);
    for chunk in &st.list.chunks[..n] {
        let base = st.manning.len() as u32;
        st.manning.extend_from_slice(&chunk.manning);
        manned
            .starts
            .extend(chunk.force_ends.iter().map(|&e| base + e));
        if let (Some(f), several) = chunk.slots {
            several_slots |= several || first_slot.is_some_and(|g| g != f);
            first_slot = Some(f);
        }
    }
    manned.at.clear();
    manned.at.extend(rows.iter().map(|r| {
        if r.alive() && involved[r.faction.index()] {
            r.pos
        } else {
            Vec2::new(f64::NAN, f64::NAN)
        }
    }));
    manned.line_slot.clone_from(line_slot);
    manned.involved.clone_from(involved);
    manned.several_slots = several_slots;
    // By segment and side of the line, in force order within each (a
    // stable counting sort).
    counting_sort(
        &st.manning,
        &mut st.manning_by_segment,
        &mut st.counts,
        2 * segments.len(),
        |m| m.0 as usize,
    );
    st.segment_ends.clear();
    st.segment_ends
        .extend_from_slice(&st.counts[..2 * segments.len()]);
    if several_slots {
        counting_sort(
            &st.manning,
            &mut st.manning_by_slot,
            &mut st.counts,
            t.th.pairs.len(),
            |m| line_slot[segments[m.0 as usize >> 1].line] as usize,
        );
    }
    several_slots
}

/// Calls `f(entry, pair slot)` for every segment of a line with friction
/// (`line_slot`) that force `i` mans, in the order of its segment list.
/// Returns how far the force may move before one of these segments may
/// change between manned and not: the smallest gap between a candidate
/// segment's distance and its line's buffer, less a bound on the rounding
/// of the distance (infinite with no candidates).
fn find_manning(
    t: &Tick,
    near: &Neighbours,
    line_slot: &[u32],
    i: u32,
    mut f: impl FnMut((u32, u32, f64), u32),
) -> f64 {
    let r = &t.rows[i as usize];
    let (segments, lines) = (&t.th.scenario.segments, &t.th.scenario.contact_lines);
    let mut reach = f64::INFINITY;
    for &s in near.segments_near(i) {
        let seg = &segments[s as usize];
        let line = &lines[seg.line];
        let slot = line_slot[seg.line];
        if slot == u32::MAX || !line.between.contains(&r.faction) {
            continue;
        }
        let (d, _) = point_segment_distance(r.pos, seg.a, seg.b);
        let scale = r.pos.l1_norm() + seg.a.l1_norm() + seg.b.l1_norm() + line.buffer_km;
        reach = reach.min((d - line.buffer_km).abs() - rounding(scale));
        if d <= line.buffer_km {
            let key = 2 * s + u32::from(r.faction == line.between[1]);
            f((key, i, side_of(seg, r.pos)), slot);
        }
    }
    reach
}

/// The side of segment `seg` that `p` is on, as a manning entry holds it:
/// the cross product of the segment with `p`'s offset from its start (one
/// expression for the entries found in full and those patched in place, so
/// that both give the same bits).
fn side_of(seg: &SegmentSpec, p: Vec2) -> f64 {
    (seg.b - seg.a).cross(p - seg.a)
}

impl Manned {
    /// Whether every force mans the same segments as last tick (with the
    /// same line slots and factions in friction): a force that is where it
    /// was, or that neither mans now nor manned, does; the others' entries
    /// are found again and compared. An entry whose side of the segment
    /// (the cross product, which changes with every move) alone differs is
    /// updated in `entries` and listed in `patched`, for the caller to
    /// update the other lists. The positions of the forces whose entries
    /// are now current are updated. With `movers`, the other forces are
    /// known to be as they were (none died or broke) and only those are
    /// checked.
    fn unchanged(
        &mut self,
        t: &Tick,
        near: &Neighbours,
        line_slot: &[u32],
        involved: &[bool],
        movers: Option<&[u32]>,
    ) -> bool {
        if self.reach_for != Some(near.builds) || self.reach.len() != t.rows.len() {
            self.reach_for = Some(near.builds);
            self.reach.clear();
            self.reach
                .resize(t.rows.len(), (Vec2::new(f64::NAN, f64::NAN), f64::NAN));
        }
        let segments = &t.th.scenario.segments;
        let mut same = |i: usize| {
            let r = &t.rows[i];
            let mans = r.alive() && involved[r.faction.index()];
            if mans && self.at[i] == r.pos {
                return true;
            }
            let start = self.starts[i] as usize;
            let old = &mut self.entries[start..self.starts[i + 1] as usize];
            // Within its reach of where its entries were found in full, a
            // force mans the same segments: only their sides change.
            let (p0, reach) = self.reach[i];
            if mans && r.pos.distance(p0) + rounding(r.pos.l1_norm() + p0.l1_norm()) < reach {
                for (k, e) in old.iter_mut().enumerate() {
                    let side = side_of(&segments[e.0 as usize >> 1], r.pos);
                    if side.to_bits() != e.2.to_bits() {
                        e.2 = side;
                        self.patched.push(start + k);
                    }
                }
                self.at[i] = r.pos;
                return true;
            }
            self.found.clear();
            self.reach[i] = (Vec2::new(f64::NAN, f64::NAN), f64::NAN);
            if mans {
                let reach = find_manning(t, near, line_slot, i as u32, |m, _| self.found.push(m));
                self.reach[i] = (r.pos, reach);
            }
            let same = old.len() == self.found.len()
                && old
                    .iter()
                    .zip(&self.found)
                    .all(|(a, b)| (a.0, a.1) == (b.0, b.1));
            if !same {
                return false;
            }
            for (k, (a, b)) in old.iter_mut().zip(&self.found).enumerate() {
                if a.2.to_bits() != b.2.to_bits() {
                    a.2 = b.2;
                    self.patched.push(start + k);
                }
            }
            self.at[i] = if mans {
                r.pos
            } else {
                Vec2::new(f64::NAN, f64::NAN)
            };
            true
        };
        match movers {
            Some(movers) => movers.iter().all(|&i| same(i as usize)),
            None => (0..t.rows.len()).all(same),
        }
    }
}

/// The manning of this tick's segments, as [`man_segments`] left it.
struct Lines<'a> {
    /// In (pair slot, force) order.
    by_force: &'a [(u32, u32, f64)],
    by_segment: &'a [(u32, u32, f64)],
    /// The entries of key `k` (2 · segment + side of the line) in
    /// `by_segment` end at `ends[k]`.
    ends: &'a [u32],
    line_slot: &'a [u32],
    /// Whether lines of several pairs are manned.
    several_slots: bool,
}

/// Finds the line contacts of the forces of `entries` (a range of
/// `lines.by_force` cut at force boundaries), in contact order, and merges
/// them into `chunk` with the proximity contacts `near[*at..]` that come
/// before them (`at` moves past those).
fn line_contacts(
    t: &Tick,
    factors: &PairFactors,
    lines: &Lines,
    entries: std::ops::Range<usize>,
    near: &[RawContact],
    at: &mut usize,
    chunk: &mut Chunk,
) {
    let rows = t.rows;
    let segments = &t.th.scenario.segments;
    let slot_of = |key: u32| lines.line_slot[segments[key as usize >> 1].line];
    let by_force = &lines.by_force[entries];
    let mut facing = std::mem::take(&mut chunk.facing);
    let mut k = 0;
    while k < by_force.len() {
        let (key0, x, _) = by_force[k];
        let slot = slot_of(key0);
        let end = k + by_force[k..]
            .iter()
            .take_while(|m| m.1 == x && (!lines.several_slots || slot_of(m.0) == slot))
            .count();
        let rx = &rows[x as usize];
        // The forces of the other faction (the other side of the line)
        // facing x across a segment both man (on opposite sides of it, or
        // on it), above x in index order.
        facing.clear();
        for &(key, _, side_x) in &by_force[k..end] {
            let other = (key ^ 1) as usize;
            let from = if other == 0 {
                0
            } else {
                lines.ends[other - 1] as usize
            };
            let manned = &lines.by_segment[from..lines.ends[other] as usize];
            let above = manned.partition_point(|m| m.1 <= x);
            for &(_, y, side_y) in &manned[above..] {
                if side_x * side_y <= 0.0 {
                    facing.push((y, key >> 1));
                }
            }
        }
        if end - k > 1 {
            facing.sort_unstable();
        }
        let mut last = None;
        for &(y, s) in &facing {
            if last == Some(y) {
                continue;
            }
            last = Some(y);
            let d = rx.pos.distance(rows[y as usize].pos);
            let c = RawContact::new(slot, x, y, d, Some(s));
            while let Some(n) = near.get(*at)
                && merge_order(n) < merge_order(&c)
            {
                chunk.push(n, t, factors);
                *at += 1;
            }
            chunk.push(&c, t, factors);
        }
        k = end;
    }
    chunk.facing = facing;
}

/// A stable counting sort of `items` into `out` by a key below `keys`;
/// afterwards `counts[k]` is the end in `out` of the items of key `k`.
fn counting_sort<T: Copy>(
    items: &[T],
    out: &mut Vec<T>,
    counts: &mut Vec<u32>,
    keys: usize,
    key: impl Fn(&T) -> usize,
) {
    out.clear();
    counts.clear();
    counts.resize(keys + 1, 0);
    let Some(&first) = items.first() else {
        return;
    };
    for it in items {
        counts[key(it) + 1] += 1;
    }
    for k in 0..keys {
        counts[k + 1] += counts[k];
    }
    out.resize(items.len(), first);
    for it in items {
        let at = &mut counts[key(it)];
        out[*at as usize] = *it;
        *at += 1;
    }
}

#[allow(clippy::too_many_arguments)]
fn incursions(
    th: &Theatre,
    t0: f64,
    dt: f64,
    probabilities: &[f64],
    near: &Neighbours,
    inside: &mut Vec<u32>,
    table: &mut ForceTable,
    relations: &mut RelationMatrix,
    rng: &mut ChaChaStreams,
    metrics: &mut Metrics,
) -> bool {
    let mut changed = false;
    let p = &th.scenario.params.friction;
    for (zi, z) in th.scenario.zones.iter().enumerate() {
        if z.rule != ZoneRule::Exclusion || z.incursion_hazard_per_hour <= 0.0 {
            continue;
        }
        let bc = z.shape.bounding_circle();
        inside.clear();
        near.for_each_near_zone(table, zi, bc.center, bc.radius_km, |j, _| {
            let r = &table.rows[j as usize];
            let st = relations.stance(r.faction, z.owner);
            if st.has_friction() && z.shape.contains(r.pos) {
                inside.push(j);
            }
        });
        let prob = probabilities[zi];
        for &j in inside.iter() {
            if !metrics.may_record_incident() {
                break;
            }
            let u: f64 = rng.incursion.random();
            if u >= prob {
                continue;
            }
            let fa = table.rows[j as usize].faction;
            let severity = escalate(
                &mut rng.incursion,
                escalation_probabilities(th, relations, fa, z.owner),
            );
            // The first event time of rate h, by inversion of the same uniform.
            let hours = t0 + (-(-u).ln_1p() / z.incursion_hazard_per_hour).min(dt);
            let casualties = inflict(p, severity, table, [j, j], &mut rng.incursion, metrics);
            changed |= casualties != [0.0, 0.0];
            let at = table.rows[j as usize].pos;
            let slot = th.slot(fa, z.owner);
            let site = th.nearest_site(at);
            let segment = th.nearest_segment(at, fa, z.owner);
            metrics.record_incident(slot, hours, severity, segment, site, Some(zi as u32));
            let pair = sorted(fa.0, z.owner.0);
            metrics.push(|| LogEvent::Incident {
                hours,
                pair,
                forces: [j, j],
                severity,
                at,
                segment,
                site,
                zone: Some(zi as u32),
                casualties,
            });
            if severity >= Severity::Clash && relations.record_clash(fa, z.owner) {
                if let Some(s) = slot {
                    metrics.outcome.pairs[s].turned_hostile_h = Some(hours);
                }
                metrics.push(|| LogEvent::Stance {
                    hours,
                    pair,
                    stance: Stance::Hostile,
                    escalation: true,
                });
            }
        }
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::row;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use std::sync::Arc;

    /// Factions a, b, c (a–b rival, b–c neutral, a–c cooperative, all
    /// tracked) and three lines of two pairs, one with its factions named
    /// the other way round.
    fn lines_theatre() -> Arc<Theatre> {
        crate::testing::theatre(
            r#"
[[faction]]
id = "a"
[[faction]]
id = "b"
[[faction]]
id = "c"
[[relation]]
between = ["a", "b"]
stance = "rival"
[[relation]]
between = ["a", "c"]
stance = "cooperative"
[[contact_line]]
id = "ab"
between = ["a", "b"]
points = [{ x_km = -20, y_km = 0 }, { x_km = 0, y_km = 3 }, { x_km = 20, y_km = 0 }]
buffer_km = 3
segment_km = 4
[[contact_line]]
id = "ba"
between = ["b", "a"]
points = [{ x_km = -20, y_km = 10 }, { x_km = 20, y_km = 10 }]
buffer_km = 4
segment_km = 6
[[contact_line]]
id = "bc"
between = ["b", "c"]
points = [{ x_km = 0, y_km = -20 }, { x_km = 0, y_km = 20 }]
buffer_km = 2
segment_km = 3
[[force]]
id = "far"
faction = "a"
position = { x_km = 500, y_km = 500 }
strength = 1
sensor_range_km = 15
"#,
        )
    }

    /// The contacts by definition: every pair of living forces of a tracked
    /// pair with friction, within the larger sensor range or facing each
    /// other across a segment of one of their lines (each within its buffer,
    /// on opposite sides or on it), with the lowest such segment.
    fn brute_contacts(
        th: &Theatre,
        relations: &RelationMatrix,
        rows: &[ForceRow],
    ) -> Vec<(usize, u32, u32, Option<u32>)> {
        let mut out = Vec::new();
        for (i, ri) in rows.iter().enumerate() {
            for (j, rj) in rows.iter().enumerate().skip(i + 1) {
                let Some(slot) = th.slot(ri.faction, rj.faction) else {
                    continue;
                };
                if !ri.alive()
                    || !rj.alive()
                    || !relations.stance(ri.faction, rj.faction).has_friction()
                {
                    continue;
                }
                let d2 = ri.pos.distance_sq(rj.pos);
                let s = ri.sensor_range_km.max(rj.sensor_range_km);
                let segment = th.scenario.segments.iter().position(|seg| {
                    let line = &th.scenario.contact_lines[seg.line];
                    let mans = |r: &ForceRow| {
                        point_segment_distance(r.pos, seg.a, seg.b).0 <= line.buffer_km
                    };
                    let side = |r: &ForceRow| (seg.b - seg.a).cross(r.pos - seg.a);
                    line.between.contains(&ri.faction)
                        && line.between.contains(&rj.faction)
                        && mans(ri)
                        && mans(rj)
                        && side(ri) * side(rj) <= 0.0
                });
                if d2 <= s * s || segment.is_some() {
                    out.push((slot, i as u32, j as u32, segment.map(|s| s as u32)));
                }
            }
        }
        out.sort_by_key(|c| (c.0, c.1, c.2));
        out
    }

    proptest! {
        /// The contacts found, in any chunking, are the contacts by
        /// definition, in order, and each pair's cumulative hazards rise to
        /// its total; over ten ticks in which some forces move, some die
        /// and a stance turns hostile and back (the manning of the forces
        /// that stay put is reused; in the ticks after, in which no force
        /// dies, only the movers' is checked, and in the last six, in which
        /// they move a tenth as far, within the lists' skins, a mover near
        /// where its manning was last found in full only updates its sides).
        #[test]
        fn contacts_equal_their_definition(
            forces in prop::collection::vec(
                (-22.0f64..22.0, -22.0f64..22.0, 0.0f64..4.0, 0u16..3, prop::bool::weighted(0.9)),
                1..80,
            ),
            moves in prop::collection::vec(
                (prop::bool::weighted(0.3), -3.0f64..3.0, -3.0f64..3.0, prop::bool::weighted(0.05)),
                80,
            ),
            chunking in (1usize..40, 1usize..9),
        ) {
            let th = lines_theatre();
            let rows: Vec<ForceRow> = forces
                .iter()
                .map(|&(x, y, sensor, faction, alive)| {
                    row(x, y, sensor, 1.0, if alive { 100.0 } else { 0.0 }, faction)
                })
                .collect();
            let mut table = ForceTable {
                rows,
                ..Default::default()
            };
            let mut relations = RelationMatrix::new(&th);
            let mut near = Neighbours::new();
            let competition = Competition::default();
            let mut st = FrictionState::new(th.pairs.len());
            st.set_chunking(chunking.0, chunking.1);
            for t in 0..10 {
                match t {
                    2 => relations.set_stance(FactionId(0), FactionId(1), Stance::Hostile),
                    6 => relations.set_stance(FactionId(0), FactionId(1), Stance::Rival),
                    _ => {}
                }
                near.refresh(&th, &table, &relations, 1.0, None);
                let tick = Tick {
                    th: &th,
                    rows: &table.rows,
                    moved: (&table.moved, table.status),
                    relations: &relations,
                    competition: &competition,
                    t0: t as f64,
                };
                find_contacts(&tick, &near, &mut st);
                let list = &st.list;
                let total = list.bounds[th.pairs.len()] as usize;
                let mut got = Vec::new();
                for slot in 0..th.pairs.len() {
                    let (start, end) = (list.bounds[slot] as usize, list.bounds[slot + 1] as usize);
                    let mut previous = 0.0;
                    for k in start..end {
                        let c = list.contact(k);
                        got.push((slot, c.i, c.j, c.segment));
                        let sum = list.cumulative(k);
                        prop_assert!(sum > previous, "hazards are positive");
                        previous = sum;
                        // The search finds the contact whose share holds `pick`.
                        prop_assert_eq!(list.search(start, end, sum), k + 1);
                    }
                }
                prop_assert_eq!(got.len(), total);
                prop_assert_eq!(got, brute_contacts(&th, &relations, &table.rows), "tick {}", t);
                // As the phases report them: the forces moved, and a
                // death counted in the status.
                table.moved.clear();
                for (k, (r, &(moves, dx, dy, dies))) in table.rows.iter_mut().zip(&moves).enumerate() {
                    if moves {
                        let step = if t < 4 { 1.0 } else { 0.1 };
                        r.pos = r.pos + Vec2::new(dx, dy) * step;
                        table.moved.push(k as u32);
                    }
                    if dies && r.alive() {
                        r.strength = 0.0;
                        table.status += 1;
                    }
                }
            }
        }
    }

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
                let got = memo.get(x, f64::powf);
                // black_box: with the exponent known, an optimised build may
                // compute x^0.5 as a square root, which can differ by an ulp.
                assert_eq!(
                    got.to_bits(),
                    x.powf(std::hint::black_box(exponent)).to_bits(),
                    "round {round}, x {x}"
                );
            }
        }
        assert_eq!(memo.slots.len(), MEMO_SLOTS.1, "grown");
        memo.prepare(0.5, 0);
        assert!(memo.get(f64::NAN, f64::powf).is_nan());
    }

    #[test]
    fn a_memo_rests_while_its_inputs_do_not_repeat() {
        let mut memo = Memo::default();
        let exp = |d: f64, d0: f64| (-d / d0).exp();
        let tick = |memo: &mut Memo, inputs: &mut dyn Iterator<Item = f64>| {
            memo.prepare(3.0, 100);
            for x in inputs {
                assert_eq!(memo.get(x, exp).to_bits(), exp(x, 3.0).to_bits());
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
}
