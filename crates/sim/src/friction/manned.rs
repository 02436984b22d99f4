//! The manning of the last tick, kept: a force's manning entries depend only
//! on its position, the factions in friction and the lines' pair slots, so
//! a force that has not moved keeps them, and a force that has moved less
//! than its reach (how far it may go before a candidate segment changes
//! between manned and not) keeps its segments with new sides. A cache: the
//! entries it gives are those [`super::lines::find_manning`] would find.

use super::contacts::Tick;
use super::lines::{find_manning, side_of};
use crate::geo::Vec2;
use crate::neighbours::Neighbours;

/// The manning entries of the last tick, by force, and what they were
/// found from: a force's entries depend only on its position, on the
/// factions involved in friction and on the lines' pair slots (which depend
/// on the stances), so a force that has not moved keeps them while those
/// are unchanged.
#[derive(Debug, Clone, Default)]
pub(super) struct Manned {
    /// The last tick's entries, in force order.
    pub entries: Vec<(u32, u32, f64)>,
    /// The force table's status count when they were last checked.
    pub status: Option<u64>,
    /// Force `i`'s are `entries[starts[i]..starts[i + 1]]`.
    pub starts: Vec<u32>,
    /// The position they were found at (NaN: dead or not involved, none
    /// found).
    pub at: Vec<Vec2>,
    pub line_slot: Vec<u32>,
    pub involved: Vec<bool>,
    /// Whether lines of several pairs were manned.
    pub several_slots: bool,
    /// One force's entries found again, to compare with its last ones.
    pub found: Vec<(u32, u32, f64)>,
    /// The entries whose side of the segment [`Manned::unchanged`] updated.
    pub patched: Vec<usize>,
    /// Where each force's entries were last found in full, and how far it
    /// may move from there before any of its candidate segments may change
    /// between manned and not (NaN: unknown); for the list build
    /// `reach_for` (the candidate segments change with the lists).
    pub reach: Vec<(Vec2, f64)>,
    pub reach_for: Option<u32>,
}

/// A bound on the rounding of a distance computed from points whose
/// coordinates sum in absolute value to `scale` km, far above it.
pub(super) fn rounding(scale: f64) -> f64 {
    1e-9 + 1e-12 * scale
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
    pub fn unchanged(
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
