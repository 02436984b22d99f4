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

use crate::combat::sync_strengths;
use crate::events::sorted;
use crate::force::{ForceTable, StrengthQuery};
use crate::geo::{Vec2, point_segment_distance};
use crate::metrics::{Clock, LogEvent, Metrics, Severity};
use crate::neighbours::Neighbours;
use crate::params::FrictionParams;
use crate::relation::RelationMatrix;
use crate::rng::{ChaChaStreams, unit_exponential};
use crate::scenario::{FactionId, Stance, ZoneRule};
use crate::theatre::{Theatre, TheatreRes};

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
    contacts: Vec<Contact>,
    /// Proximity contacts, in order.
    near: Vec<RawContact>,
    /// Line contacts as found (a pair may be found more than once), and
    /// ordered.
    raw: Vec<RawContact>,
    raw_sorted: Vec<RawContact>,
    /// (segment, force, side) for every force manning a segment, by force;
    /// the side is the sign of the cross product of the segment with the
    /// force's offset.
    manning: Vec<(u32, u32, f64)>,
    /// The same, by segment.
    manning_sorted: Vec<(u32, u32, f64)>,
    /// (force, side, position) of the second faction's forces manning the
    /// segment at hand.
    facing: Vec<(u32, f64, Vec2)>,
    counts: Vec<u32>,
    /// Memo of the size factor, `x^γ` (many contacts share strengths).
    size_factor: Memo,
    /// Memo of the proximity factor, `e^{−d/d0}` (forces that do not move
    /// keep their separations).
    proximity_factor: Memo,
    involved: Vec<bool>,
    /// Forces inside the zone at hand (incursions).
    inside: Vec<u32>,
}

impl FrictionState {
    /// Fresh clocks for `pairs` tracked pairs.
    pub fn new(pairs: usize) -> Self {
        Self {
            clocks: vec![
                PairClock {
                    remaining: f64::NAN,
                    excitation: 0.0,
                    met: false,
                };
                pairs
            ],
            ..Default::default()
        }
    }
}

/// A direct-mapped memo of `f(x, a)` for one parameter `a`: the same
/// function of the same input gives the same bits, without computing `f`
/// again for an input seen recently (256 slots keyed by the bits of `x`).
#[derive(Debug, Clone)]
struct Memo {
    param: f64,
    slots: Box<[(u64, f64); 256]>,
}

impl Default for Memo {
    fn default() -> Self {
        Self {
            param: f64::NAN,
            // No key matches until stored (a NaN input is never looked up).
            slots: Box::new([(f64::NAN.to_bits(), f64::NAN); 256]),
        }
    }
}

impl Memo {
    fn get(&mut self, x: f64, param: f64, f: impl Fn(f64, f64) -> f64) -> f64 {
        if param.to_bits() != self.param.to_bits() {
            *self = Self {
                param,
                ..Default::default()
            };
        }
        let bits = x.to_bits();
        let at = ((bits ^ (bits >> 29) ^ (bits >> 47)) & 255) as usize;
        let slot = &mut self.slots[at];
        if slot.0 == bits && !x.is_nan() {
            return slot.1;
        }
        let v = f(x, param);
        *slot = (bits, v);
        v
    }
}

/// A contact as found: one force pair, through proximity or a segment.
#[derive(Debug, Clone, Copy)]
struct RawContact {
    /// slot << 36 | i << 18 | j with i < j: the order (force indices < 2¹⁸).
    key: u64,
    dist: f64,
    slot: u32,
    /// 0 for proximity, segment + 1 for a line contact.
    segment: u32,
}

impl RawContact {
    fn new(slot: u32, a: u32, b: u32, dist: f64, segment: Option<u32>) -> Self {
        let (i, j) = (a.min(b), a.max(b));
        Self {
            key: (slot as u64) << 36 | (i as u64) << 18 | j as u64,
            dist,
            slot,
            segment: segment.map_or(0, |s| s + 1),
        }
    }

    fn i(&self) -> u32 {
        ((self.key >> 18) & 0x3_ffff) as u32
    }

    fn segment(&self) -> Option<u32> {
        self.segment.checked_sub(1)
    }
}

#[derive(Debug, Clone, Copy)]
struct Contact {
    slot: u32,
    i: u32,
    j: u32,
    dist: f64,
    segment: Option<u32>,
    hazard: f64,
    /// σ(stance)·(1 − w e)·τ·ζ: the hazard's non-geometric factors.
    modifier: f64,
    /// Σ of the hazards of the pair's contacts up to and including this one.
    cumulative: f64,
}

impl Contact {
    fn from_raw(c: &RawContact) -> Self {
        Self {
            slot: c.slot,
            i: c.i(),
            j: (c.key & 0x3_ffff) as u32,
            dist: c.dist,
            segment: c.segment(),
            hazard: 0.0,
            modifier: 0.0,
            cumulative: 0.0,
        }
    }
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

/// Resolves one tick of friction and incursions.
#[allow(clippy::too_many_arguments)]
pub fn resolve_friction(
    theatre: Res<TheatreRes>,
    clock: Res<Clock>,
    near: Res<Neighbours>,
    mut table: ResMut<ForceTable>,
    mut relations: ResMut<RelationMatrix>,
    mut state: ResMut<FrictionState>,
    mut rng: ResMut<ChaChaStreams>,
    mut metrics: ResMut<Metrics>,
    competition: Res<crate::site::Competition>,
    forces: StrengthQuery,
) {
    let th: &Theatre = &theatre;
    let p = &th.scenario.params.friction;
    let st = &mut *state;
    find_contacts(th, &table, &near, &relations, st);
    let t0 = clock.hours();
    let dt = clock.dt_hours;
    let beta = 1.0 / p.excitation_decay_hours;
    let mut changed = false;

    // Hazards of the contacts, and their cumulative sums per pair.
    let (mut run_slot, mut run_sum) = (u32::MAX, 0.0f64);
    for c in st.contacts.iter_mut() {
        let (ri, rj) = (&table.rows[c.i as usize], &table.rows[c.j as usize]);
        let (a, b) = (ri.faction, rj.faction);
        let mid = (ri.pos + rj.pos) * 0.5;
        let size = st.size_factor.get(
            ri.strength * rj.strength / (p.reference_strength * p.reference_strength),
            p.size_exponent,
            f64::powf,
        );
        let comp = match (ri.objective_site, rj.objective_site) {
            (Some(x), Some(y))
                if x == y
                    && competition
                        .contests
                        .binary_search(&(x, sorted(a.0, b.0)))
                        .is_ok() =>
            {
                p.competition_factor * th.scenario.sites[x as usize].value
            }
            _ => 0.0,
        };
        c.modifier = stance_hazard(p, relations.stance(a, b))
            * (1.0 - p.deconfliction_hazard_weight * relations.deconfliction(a, b))
            * relations.truce_factor(a, b, t0, mid)
            * zone_factor(th, mid);
        c.hazard = p.base_hazard_per_hour
            * st.proximity_factor
                .get(c.dist, p.proximity_scale_km, |d, d0| (-d / d0).exp())
            * size
            * c.modifier
            * (1.0 + comp);
        // Running sum within the pair (contacts come pair by pair).
        if c.slot != run_slot {
            (run_slot, run_sum) = (c.slot, 0.0);
        }
        run_sum += c.hazard;
        c.cumulative = run_sum;
    }

    // Pair by pair, in slot order. Over a whole tick the decay and the
    // integral of the excitation kernel are the same for every pair: they
    // are computed once (the same expressions, so the same bits).
    let decay = (-beta * dt).exp();
    let kernel_dt = -(-beta * dt).exp_m1();
    let decay_over = |u: f64| if u == dt { decay } else { (-beta * u).exp() };
    let integral_over = |mu: f64, h: f64, u: f64| {
        if u == dt {
            mu * dt + h * kernel_dt / beta
        } else {
            integrated(mu, h, beta, u)
        }
    };
    let mut start = 0;
    for slot in 0..th.pairs.len() {
        let end = start + st.contacts[start..].partition_point(|c| c.slot as usize == slot);
        let (fa, fb) = th.pairs[slot];
        let clock_p = &mut st.clocks[slot];
        if start == end || !relations.stance(fa, fb).has_friction() {
            clock_p.excitation *= decay;
            start = end;
            continue;
        }
        if !clock_p.met {
            // The surge of first contact, scaled by the same stance,
            // deconfliction, truce and zone factors as the hazard of the
            // pair's first contact.
            clock_p.met = true;
            clock_p.excitation += p.first_contact_surge * beta * st.contacts[start].modifier;
        }
        let contacts = &st.contacts[start..end];
        let mu = contacts[contacts.len() - 1].cumulative;
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
            let k = contacts.partition_point(|c| c.cumulative <= pick);
            let c = contacts.get(k).filter(|_| mu > 0.0).unwrap_or(&contacts[0]);
            let severity = escalate(prng, escalation_probabilities(th, &relations, fa, fb));
            let at = (table.rows[c.i as usize].pos + table.rows[c.j as usize].pos) * 0.5;
            let segment = c.segment.or_else(|| th.nearest_segment(at, fa, fb));
            let site = th.nearest_site(at);
            let hours = t0 + tau;
            let casualties = inflict(p, severity, &mut table, [c.i, c.j], prng, &mut metrics);
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
        start = end;
    }

    changed |= incursions(
        th,
        t0,
        dt,
        &near,
        &mut st.inside,
        &mut table,
        &mut relations,
        &mut rng,
        &mut metrics,
    );
    if changed {
        sync_strengths(&mut table, forces, &mut metrics, t0 + dt);
    }
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
        let row = &mut table.rows[f as usize];
        let lost = drawn.min(row.strength);
        row.strength -= lost;
        metrics.outcome.casualties[row.faction.index()] += lost;
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

/// Builds the sorted, de-duplicated contact list for this tick: one entry
/// per force pair, in (pair slot, force i, force j) order, at the pair's
/// straight distance, with the lowest segment of its line contacts if any.
fn find_contacts(
    th: &Theatre,
    table: &ForceTable,
    near: &Neighbours,
    relations: &RelationMatrix,
    st: &mut FrictionState,
) {
    st.contacts.clear();
    st.raw.clear();
    if th.pairs.is_empty() {
        return;
    }
    let rows = &table.rows;
    let active = |a: FactionId, b: FactionId| -> Option<u32> {
        let slot = th.slot(a, b)?;
        relations.stance(a, b).has_friction().then_some(slot as u32)
    };
    // Factions with at least one active friction pair: only their forces look.
    let nf = th.n_factions();
    st.involved.clear();
    st.involved.resize(nf, false);
    for &(a, b) in &th.pairs {
        if relations.stance(a, b).has_friction() {
            st.involved[a.index()] = true;
            st.involved[b.index()] = true;
        }
    }
    // Proximity: each force looks out to its own sensor range, and a pair
    // is in contact when either sees the other: within the larger range.
    // The candidate pairs come in contact order already.
    st.near.clear();
    for &(key, i, j) in near.friction_pairs() {
        let (ri, rj) = (&rows[i as usize], &rows[j as usize]);
        if !ri.alive() || !rj.alive() || !relations.stance(ri.faction, rj.faction).has_friction() {
            continue;
        }
        let d2 = rj.pos.distance_sq(ri.pos);
        let (si, sj) = (ri.sensor_range_km, rj.sensor_range_km);
        if d2 <= si * si || d2 <= sj * sj {
            st.near.push(RawContact {
                key,
                dist: d2.sqrt(),
                slot: (key >> 36) as u32,
                segment: 0,
            });
        }
    }
    // Contact lines: which forces man which segment (within the buffer),
    // found force by force, then grouped by segment (a stable counting
    // sort, so force order within a segment).
    if !th.scenario.segments.is_empty() {
        st.manning.clear();
        for (i, r) in rows.iter().enumerate() {
            if !r.alive() || !st.involved[r.faction.index()] {
                continue;
            }
            for &s in near.segments_near(i as u32) {
                let seg = &th.scenario.segments[s as usize];
                let line = &th.scenario.contact_lines[seg.line];
                if !line.between.contains(&r.faction) {
                    continue;
                }
                let (d, _) = point_segment_distance(r.pos, seg.a, seg.b);
                if d <= line.buffer_km {
                    let side = (seg.b - seg.a).cross(r.pos - seg.a);
                    st.manning.push((s, i as u32, side));
                }
            }
        }
        let segments = th.scenario.segments.len();
        counting_sort(
            &st.manning,
            &mut st.manning_sorted,
            &mut st.counts,
            segments,
            |m| m.0 as usize,
        );
        let manning = &st.manning_sorted;
        let mut k = 0;
        while k < manning.len() {
            let s = manning[k].0;
            let end = k + manning[k..].iter().take_while(|m| m.0 == s).count();
            let seg = &th.scenario.segments[s as usize];
            let [la, lb] = th.scenario.contact_lines[seg.line].between;
            if let Some(slot) = active(la, lb) {
                // The second faction's forces on this segment, once.
                st.facing.clear();
                st.facing.extend(
                    manning[k..end]
                        .iter()
                        .filter(|y| rows[y.1 as usize].faction == lb)
                        .map(|y| (y.1, y.2, rows[y.1 as usize].pos)),
                );
                for x in &manning[k..end] {
                    let rx = &rows[x.1 as usize];
                    if rx.faction != la {
                        continue;
                    }
                    for &(y, side, pos) in &st.facing {
                        // Facing each other: on opposite sides (or on the line).
                        if x.2 * side <= 0.0 {
                            let d = rx.pos.distance(pos);
                            st.raw.push(RawContact::new(slot, x.1, y, d, Some(s)));
                        }
                    }
                }
            }
            k = end;
        }
    }
    // The line contacts into contact order: pair slot, force pair,
    // separation, segment (none first; the separation is non-negative, so
    // its bits order like its value). With many contacts, a stable counting
    // sort on (slot, force i) and small sorts within each group; with few,
    // one sort.
    let n = rows.len();
    let groups = th.pairs.len() * n;
    let order = |c: &RawContact| (c.key, c.dist.to_bits(), c.segment);
    if groups <= 4 * st.raw.len() {
        counting_sort(&st.raw, &mut st.raw_sorted, &mut st.counts, groups, |c| {
            c.slot as usize * n + c.i() as usize
        });
        let sorted = &mut st.raw_sorted;
        let mut k = 0;
        while k < sorted.len() {
            let g = sorted[k].key >> 18;
            let end = k + sorted[k..].iter().take_while(|c| c.key >> 18 == g).count();
            sorted[k..end].sort_unstable_by_key(order);
            k = end;
        }
    } else {
        st.raw_sorted.clear();
        st.raw_sorted.extend_from_slice(&st.raw);
        st.raw_sorted.sort_unstable_by_key(order);
    }
    // Merge with the proximity contacts and keep one entry per force pair:
    // the smallest separation, and the lowest segment of its line contacts.
    let mut last: Option<u64> = None;
    let (mut a, mut b) = (st.near.iter().peekable(), st.raw_sorted.iter().peekable());
    while let Some(c) = match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if order(y) < order(x) => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    } {
        if last == Some(c.key) {
            let kept = st.contacts.last_mut().expect("a contact was kept");
            if kept.segment.is_none() {
                kept.segment = c.segment();
            }
        } else {
            st.contacts.push(Contact::from_raw(c));
            last = Some(c.key);
        }
    }
}

/// A stable counting sort of `items` into `out` by a key below `keys`;
/// `counts` is scratch.
fn counting_sort<T: Copy>(
    items: &[T],
    out: &mut Vec<T>,
    counts: &mut Vec<u32>,
    keys: usize,
    key: impl Fn(&T) -> usize,
) {
    out.clear();
    let Some(&first) = items.first() else {
        return;
    };
    counts.clear();
    counts.resize(keys + 1, 0);
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
        let prob = -(-z.incursion_hazard_per_hour * dt).exp_m1();
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
    use rand::SeedableRng;

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
                let got = memo.get(x, exponent, f64::powf);
                assert_eq!(
                    got.to_bits(),
                    x.powf(exponent).to_bits(),
                    "round {round}, x {x}"
                );
            }
        }
        assert!(memo.get(f64::NAN, 0.5, f64::powf).is_nan());
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
