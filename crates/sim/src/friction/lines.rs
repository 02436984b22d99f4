//! Contact lines (docs/model.md §7.1): which forces man which segment of a
//! line with friction (within its buffer), and the line contacts: forces of
//! the line's two factions that man the same segment on opposite sides of
//! it. A force's manning entries are kept from tick to tick by
//! [`super::manned::Manned`] while it has not moved far enough to change
//! them.

use super::FrictionState;
use super::contacts::{RawContact, Tick, merge_order};
use super::factors::PairFactors;
use super::list::{Chunk, in_chunks};
use super::manned::rounding;
use crate::geo::{Vec2, point_segment_distance};
use crate::neighbours::Neighbours;
use crate::scenario::SegmentSpec;

/// Which forces man which segment of a line with friction (within its
/// buffer), by force, by segment and, if lines of several pairs are
/// manned (the return value), by (pair slot, force).
pub(super) fn man_segments(
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
pub(super) fn find_manning(
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
pub(super) fn side_of(seg: &SegmentSpec, p: Vec2) -> f64 {
    (seg.b - seg.a).cross(p - seg.a)
}

/// The manning of this tick's segments, as [`man_segments`] left it.
pub(super) struct Lines<'a> {
    /// In (pair slot, force) order.
    pub by_force: &'a [(u32, u32, f64)],
    pub by_segment: &'a [(u32, u32, f64)],
    /// The entries of key `k` (2 · segment + side of the line) in
    /// `by_segment` end at `ends[k]`.
    pub ends: &'a [u32],
    pub line_slot: &'a [u32],
    /// Whether lines of several pairs are manned.
    pub several_slots: bool,
}

/// Finds the line contacts of the forces of `entries` (a range of
/// `lines.by_force` cut at force boundaries), in contact order, and merges
/// them into `chunk` with the proximity contacts `near[*at..]` that come
/// before them (`at` moves past those).
pub(super) fn line_contacts(
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
