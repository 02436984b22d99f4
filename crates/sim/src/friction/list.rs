//! The contacts of a tick and their hazards, in consecutive chunks that
//! large theatres fill in parallel: each chunk computes the hazard of each
//! contact it takes (with [`super::equations::contact_hazard`] and the
//! memos of its factors), and [`ContactList::finish`] turns the hazards into
//! cumulative sums pair by pair, in contact order, so that the sums have
//! the same bits whatever the chunks or threads. Incidents are then placed
//! by binary search in those sums (docs/model.md §7.5).

use super::contacts::{Contact, RawContact, Tick};
use super::equations::{
    competition, contact_hazard, proximity_factor, size_factor, size_ratio, zone_factor,
};
use super::factors::PairFactors;
use super::memo::Memo;
use crate::events::sorted;

/// The contacts of a tick, in (pair slot, force i, force j) order, one per
/// force pair, with the cumulative sums of their hazards pair by pair. They
/// are found in consecutive chunks (in parallel when there are several).
#[derive(Debug, Clone, Default)]
pub(super) struct ContactList {
    pub chunks: Vec<Chunk>,
    /// Chunks in use this tick.
    pub used: usize,
    /// Chunk `c`'s contacts are `offsets[c]..offsets[c + 1]`.
    offsets: Vec<u32>,
    /// The contacts of pair slot `s` are `bounds[s]..bounds[s + 1]`.
    pub bounds: Vec<u32>,
    /// The hazard modifier and the proximity factor of each pair's first
    /// contact (its surge of first contact is scaled by both).
    pub first: Vec<(f64, f64)>,
}

impl ContactList {
    /// The chunk holding contact `k`, and `k`'s index in it.
    pub fn locate(&self, k: usize) -> (&Chunk, usize) {
        let c = self.offsets[1..=self.used].partition_point(|&o| o as usize <= k);
        (&self.chunks[c], k - self.offsets[c] as usize)
    }

    pub fn contact(&self, k: usize) -> Contact {
        let (c, at) = self.locate(k);
        c.contacts[at]
    }

    pub fn cumulative(&self, k: usize) -> f64 {
        let (c, at) = self.locate(k);
        c.values[at]
    }

    /// The first contact in `start..end` (the contacts of one pair) whose
    /// cumulative hazard exceeds `pick`, or `end`.
    pub fn search(&self, start: usize, end: usize, pick: f64) -> usize {
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
    pub fn finish(&mut self, pairs: usize) {
        self.offsets.clear();
        self.offsets.push(0);
        self.bounds.clear();
        self.bounds.resize(pairs + 1, 0);
        self.first.clear();
        self.first.resize(pairs, (0.0, 0.0));
        let (mut slot, mut sum) = (u32::MAX, 0.0f64);
        let mut total = 0;
        for chunk in &mut self.chunks[..self.used] {
            let mut at = 0;
            for &(s, count, modifier, proximity) in &chunk.runs {
                if s != slot {
                    (slot, sum) = (s, 0.0);
                    self.first[s as usize] = (modifier, proximity);
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
pub(super) struct Chunk {
    pub contacts: Vec<Contact>,
    /// The hazard of each contact; after [`ContactList::finish`], the sum
    /// of the hazards of its pair's contacts up to and including it.
    pub values: Vec<f64>,
    /// (pair slot, contacts, modifier and proximity factor of the first) of
    /// each pair, in order.
    pub runs: Vec<(u32, u32, f64, f64)>,
    /// (force, segment) of the opposite forces facing the force at hand
    /// across the segments it mans.
    pub facing: Vec<(u32, u32)>,
    /// The manning entries of a range of forces, and (the slot of the
    /// first, whether there are several).
    pub manning: Vec<(u32, u32, f64)>,
    /// Where the entries of each force of the range end in `manning`.
    pub force_ends: Vec<u32>,
    pub slots: (Option<u32>, bool),
    /// Memo of the size factor, `x^γ` (many contacts share strengths).
    pub size_factor: Memo,
    /// Memo of the proximity factor, `e^{−d/d0}` (forces that do not move
    /// keep their separations).
    pub proximity_factor: Memo,
    pub last: Option<u64>,
}

impl Chunk {
    /// Takes a manning entry of a line of pair slot `slot`.
    pub fn man(&mut self, entry: (u32, u32, f64), slot: u32) {
        self.manning.push(entry);
        let (first, several) = &mut self.slots;
        *several |= first.is_some_and(|f| f != slot);
        *first = Some(slot);
    }

    pub fn begin(&mut self, t: &Tick) {
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
    pub fn push(&mut self, c: &RawContact, t: &Tick, f: &PairFactors) {
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
        let size = self
            .size_factor
            .get(size_ratio(p, ri.strength, rj.strength), size_factor);
        let comp = match (ri.objective_site, rj.objective_site) {
            (Some(x), Some(y))
                if x == y
                    && t.competition
                        .contests
                        .binary_search(&(x, sorted(ri.faction.0, rj.faction.0)))
                        .is_ok() =>
            {
                competition(p, th.scenario.sites[x as usize].value)
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
        let proximity = self.proximity_factor.get(c.dist, proximity_factor);
        let hazard = contact_hazard(p, proximity, size, modifier, comp);
        match self.runs.last_mut() {
            Some(run) if run.0 == c.slot() => run.1 += 1,
            _ => self.runs.push((c.slot(), 1, modifier, proximity)),
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

/// Runs `work` on every chunk: the calling thread on the first, the pool on
/// the others.
pub(super) fn in_chunks(chunks: &mut [Chunk], work: impl Fn((usize, &mut Chunk)) + Sync) {
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
