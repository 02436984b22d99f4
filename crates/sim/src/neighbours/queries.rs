//! The questions the phases ask of the lists.

use crate::force::{ForceRow, ForceTable};
use crate::geo::Vec2;
use crate::relation::RelationMatrix;

use super::Neighbours;

impl Neighbours {
    /// Calls `f(j, distance)` for every living force `j` within `r` of force
    /// `i` (`r` at most `i`'s larger range) whose faction may interact with
    /// `i`'s, in ascending index order.
    pub fn for_each_near_force(&self, table: &ForceTable, i: u32, r: f64, f: impl FnMut(u32, f64)) {
        let p = table.rows[i as usize].pos;
        scan(table, self.forces.get(i as usize), p, r, f);
    }

    /// Calls `f(j, distance)` for every living force `j` hostile to force
    /// `i` (under `relations`) within its weapon range, in ascending index
    /// order.
    #[inline]
    pub fn for_each_hostile_in_range(
        &self,
        table: &ForceTable,
        relations: &RelationMatrix,
        i: u32,
        mut f: impl FnMut(u32, f64),
    ) {
        let me = &table.rows[i as usize];
        let (p, r) = (me.pos, me.weapon_range_km);
        if relations.version() == self.hostile_version {
            scan(table, self.hostile.get(i as usize), p, r, f);
        } else {
            // A stance changed since the last index.
            self.for_each_near_force(table, i, r, |j, d| {
                if relations.hostile(me.faction, table.rows[j as usize].faction) {
                    f(j, d);
                }
            });
        }
    }

    /// Calls `f(i, j)`, in (i, j) order, for every force `i` that `shoots`
    /// accepts and every living force `j` hostile to it within its weapon
    /// range: the pairs that asking each such force
    /// [`Self::for_each_hostile_in_range`] gives, in one pass over the
    /// hostile lists.
    #[inline]
    pub fn for_each_hostile_pair(
        &self,
        table: &ForceTable,
        relations: &RelationMatrix,
        shoots: impl Fn(&ForceRow) -> bool,
        mut f: impl FnMut(u32, u32),
    ) {
        let rows = &table.rows;
        if relations.version() != self.hostile_version {
            for (i, me) in rows.iter().enumerate() {
                if shoots(me) {
                    self.for_each_hostile_in_range(table, relations, i as u32, |j, _| {
                        f(i as u32, j)
                    });
                }
            }
            return;
        }
        for &i in &self.hostile_owners {
            let me = &rows[i as usize];
            if shoots(me) {
                let list = self.hostile.get(i as usize);
                scan(table, list, me.pos, me.weapon_range_km, |j, _| f(i, j));
            }
        }
    }

    /// As [`Self::for_each_near_force`], around site `s` within `r` (at most
    /// its capture radius), for ground forces only.
    #[inline]
    pub fn for_each_near_site(
        &self,
        table: &ForceTable,
        s: usize,
        p: Vec2,
        r: f64,
        f: impl FnMut(u32, f64),
    ) {
        scan(table, self.sites.get(s), p, r, f);
    }

    /// The sites whose candidates (every ground force that may be within
    /// their capture radius) include force `i`, in ascending order.
    pub fn sites_of(&self, i: u32) -> &[u32] {
        self.sites_of.get(i as usize)
    }

    /// As [`Self::for_each_near_force`], around zone `z` (an exclusion zone
    /// with an incursion hazard) within `r` of `p` (at most its bounding
    /// circle).
    pub fn for_each_near_zone(
        &self,
        table: &ForceTable,
        z: usize,
        p: Vec2,
        r: f64,
        f: impl FnMut(u32, f64),
    ) {
        scan(table, self.zones.get(z), p, r, f);
    }

    /// The force pairs (in (pair slot, i, j) order, `i < j`) of tracked
    /// faction pairs that may be within the larger of their sensor ranges:
    /// each comes with its key `slot << 36 | i << 18 | j`.
    pub fn friction_pairs(&self) -> &[(u64, u32, u32)] {
        &self.pairs
    }

    /// The segments of lines of force `i`'s faction whose midpoint may be
    /// within the theatre's segment reach of it (a superset; the caller
    /// checks the exact distance).
    pub fn segments_near(&self, i: u32) -> &[u32] {
        if self.segments.starts.len() <= 1 {
            &[]
        } else {
            self.segments.get(i as usize)
        }
    }
}

/// The exact-distance filter over one candidate list. The distance is
/// computed as `|x_j − p|`, in that order, as the grid computed it.
#[inline]
fn scan(table: &ForceTable, list: &[u32], p: Vec2, r: f64, mut f: impl FnMut(u32, f64)) {
    if r.is_nan() || r < 0.0 {
        return;
    }
    let r2 = r * r;
    for &j in list {
        let row = &table.rows[j as usize];
        if !row.alive() {
            continue;
        }
        let d2 = row.pos.distance_sq(p);
        if d2 <= r2 {
            f(j, d2.sqrt());
        }
    }
}
