//! Contact finding (docs/model.md §7.1): which pairs of forces of a pair
//! with friction are in contact this tick, through proximity (within the
//! larger sensor range) or across a contact-line segment (found in
//! [`super::lines`]). The contacts are handed to the [`super::list::ContactList`] in
//! contact order (pair slot, force i, force j), one per force pair, where
//! their hazards are computed.

use super::FrictionState;
use super::lines::{Lines, line_contacts, man_segments};
use super::list::{CHUNK_ENTRIES, Chunk, MAX_CHUNKS, in_chunks};
use crate::force::ForceRow;
use crate::neighbours::Neighbours;
use crate::relation::RelationMatrix;
use crate::site::Competition;
use crate::theatre::Theatre;

/// What the contacts of a tick are found from.
pub(super) struct Tick<'a> {
    pub th: &'a Theatre,
    pub rows: &'a [ForceRow],
    /// The forces the last index moved, and the table's status count
    /// ([`crate::force::ForceTable::moved`],
    /// [`crate::force::ForceTable::status`]).
    pub moved: (&'a [u32], u64),
    pub relations: &'a RelationMatrix,
    pub competition: &'a Competition,
    pub t0: f64,
}

/// A contact as found: one force pair, through proximity or a segment.
#[derive(Debug, Clone, Copy)]
pub(super) struct RawContact {
    /// slot << 36 | i << 18 | j with i < j: the order (force indices < 2¹⁸).
    pub key: u64,
    pub dist: f64,
    /// 0 for proximity, segment + 1 for a line contact.
    pub segment: u32,
}

impl RawContact {
    pub fn new(slot: u32, a: u32, b: u32, dist: f64, segment: Option<u32>) -> Self {
        let (i, j) = (a.min(b), a.max(b));
        Self {
            key: (slot as u64) << 36 | (i as u64) << 18 | j as u64,
            dist,
            segment: segment.map_or(0, |s| s + 1),
        }
    }

    pub fn slot(&self) -> u32 {
        (self.key >> 36) as u32
    }

    pub fn i(&self) -> u32 {
        ((self.key >> 18) & 0x3_ffff) as u32
    }

    pub fn segment(&self) -> Option<u32> {
        self.segment.checked_sub(1)
    }
}

/// A contact of this tick, as kept to place incidents.
#[derive(Debug, Clone, Copy)]
pub(super) struct Contact {
    pub i: u32,
    pub j: u32,
    pub segment: Option<u32>,
}

/// The order in which contacts are merged: pair slot, force pair,
/// separation, segment (none first; the separation is non-negative, so its
/// bits order like its value).
pub(super) fn merge_order(c: &RawContact) -> (u64, u64, u32) {
    (c.key, c.dist.to_bits(), c.segment)
}

/// Finds this tick's contacts into `st.list`: the proximity contacts and the
/// line contacts (a line contact once per force pair, with its lowest
/// segment), merged in contact order, with their hazards.
pub(super) fn find_contacts(t: &Tick, near: &Neighbours, st: &mut FrictionState) {
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
