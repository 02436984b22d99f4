//! Phase 6: friction between non-allied, non-hostile forces (docs/model.md
//! §7): incidents between forces in contact, which may escalate to clashes
//! and engagements, and incursions into exclusion zones.
//!
//! A tick of friction, [`resolve_friction`], is three steps:
//!
//! 1. **Contacts** (`contacts.rs`, `lines.rs`): the pairs of forces in
//!    contact, by proximity or across a contact-line segment, with the
//!    hazard of each (`list.rs`), in contact order.
//! 2. **Incidents**, pair by pair in slot order: the pair's Hawkes clock is
//!    played over the tick ([`equations`]); each incident is placed at a
//!    contact chosen ∝ its hazard, escalates, inflicts its casualties and
//!    is reported (`incidents.rs`).
//! 3. **Incursions** (`incursions.rs`).
//!
//! The files are the concepts: [`equations`] is the model (every equation
//! of §7, and nothing else); `contacts.rs`, `lines.rs` and `list.rs` find
//! what the equations apply to; `factors.rs`, `manned.rs` and `memo.rs` are
//! caches that make that fast and give the bits a fresh computation would.
//! A change to an equation touches [`equations`] alone.

mod contacts;
pub mod equations;
mod factors;
mod incidents;
mod incursions;
mod lines;
mod list;
mod manned;
mod memo;
#[cfg(test)]
mod tests;

use bevy_ecs::prelude::*;
use rand::RngExt;

use self::contacts::{RawContact, Tick, find_contacts};
use self::equations::{After, escalate, play_tick, surge};
pub use self::equations::{
    MAX_INCIDENTS_PER_TICK, PairClock, escalation_probabilities, stance_escalation, stance_hazard,
};
use self::factors::{PairFactors, TickConstants};
use self::incidents::{Incident, inflict, report};
use self::list::ContactList;
pub use self::list::{CHUNK_ENTRIES, MAX_CHUNKS};
use self::manned::Manned;
use crate::force::ForceTable;
use crate::metrics::{Clock, Metrics};
use crate::neighbours::Neighbours;
use crate::relation::RelationMatrix;
use crate::rng::ChaChaStreams;
use crate::site::Competition;
use crate::theatre::Theatre;

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
        self.clocks.resize(pairs, PairClock::FRESH);
    }
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
    let jump = p.branching_ratio * beta;
    let mut changed = false;

    // Pair by pair, in slot order. Over a whole tick the kernel is the
    // same for every pair, and in every tick of the same length.
    let kernel = st.constants.update(th, beta, dt).kernel;
    for slot in 0..th.pairs.len() {
        let list = &st.list;
        let (start, end) = (list.bounds[slot] as usize, list.bounds[slot + 1] as usize);
        let (fa, fb) = th.pairs[slot];
        let clock_p = &mut st.clocks[slot];
        if start == end || !relations.stance(fa, fb).has_friction() {
            clock_p.excitation *= kernel.decay;
            continue;
        }
        if !clock_p.met {
            // The surge of first contact, scaled by the same proximity,
            // stance, deconfliction, truce and zone factors as the hazard
            // of the pair's first contact.
            clock_p.met = true;
            let (m1, proximity) = list.first[slot];
            clock_p.excitation += surge(p, beta, m1, proximity);
        }
        let mu = list.cumulative(end - 1);
        let prng = rng.pair(slot, th.pair_streams[slot]);
        let full = !metrics.may_record_incident();
        play_tick(clock_p, mu, &kernel, jump, full, prng, |tau, prng| {
            // Where: a contact chosen ∝ hazard (the first if all are zero).
            let pick = prng.random::<f64>() * mu;
            let k = list.search(start, end, pick);
            let c = list.contact(if k < end && mu > 0.0 { k } else { start });
            let severity = escalate(prng, escalation_probabilities(th, relations, fa, fb));
            let at = (table.rows[c.i as usize].pos + table.rows[c.j as usize].pos) * 0.5;
            let segment = c.segment.or_else(|| th.nearest_segment(at, fa, fb));
            let site = th.nearest_site(at);
            let casualties = inflict(p, severity, table, [c.i, c.j], prng, metrics);
            changed |= casualties != [0.0, 0.0];
            let incident = Incident {
                slot: Some(slot),
                factions: (fa, fb),
                forces: [c.i, c.j],
                hours: t0 + tau,
                severity,
                at,
                segment,
                site,
                zone: None,
                casualties,
            };
            if report(incident, relations, metrics, prng) {
                After::Hostile
            } else if !metrics.may_record_incident() {
                After::Full
            } else {
                After::Continue
            }
        });
    }

    changed |= incursions::incursions(
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
