//! Verlet neighbour lists: who may be near whom, kept across ticks.
//!
//! Every spatial question of a tick (targets in weapon range, contacts in
//! sensor range, forces on a site, in a zone, near a segment) asks for the
//! forces within some radius `r` of a force or of a fixed point. Forces move
//! slowly against those radii, so the answers barely change from tick to
//! tick. Instead of querying a grid every tick, each force and each fixed
//! point keeps a *candidate list*, built with a margin (the skin), and a query
//! only checks the exact distance to its candidates.
//!
//! Force `j` gets a skin `s_j`: the distance it covers in
//! [`SKIN_TICKS`] ticks at its speed, or more, up to [`MAX_SKIN_TICKS`]
//! ticks, while that stays within its reach (0 for a force that cannot
//! move), doubled each time the force has left it (see below); but no more
//! than the force can travel under the orders it started the run with (to
//! its objective, its withdrawal point or round its patrol route; nothing
//! while it holds or defends), unless it has left a skin of that width (its
//! orders changed, or it went round a zone). A build lasts at least
//! `SKIN_TICKS` ticks, unless a force's orders change or it goes round a
//! zone. The lists are built from the positions `a` at build time:
//!
//! - force `i` lists `j` with `|a_i − a_j| ≤ reach_i + s_i + s_j`, where
//!   `reach_i` is the larger of its sensor and weapon ranges, if their
//!   factions may ever interact ([`Theatre::may_interact`]: never the same
//!   faction, never allies that no event can part);
//! - a site lists `j` with `|a_j − x| ≤ capture radius + s_j`; an exclusion
//!   zone with an incursion hazard, within its bounding radius + `s_j`;
//! - force `i` lists the segments of the contact lines drawn between its
//!   faction and another whose midpoint is within the theatre's segment
//!   reach + `s_i`;
//! - force `i` lists apart the forces `j` of its first list that are
//!   hostile to it now with `|a_i − a_j| ≤ w_i + s_i + s_j`, `w_i` its
//!   weapon range: the only ones that combat and the halt of an advance
//!   ask about. This list is filtered again from the first whenever a
//!   stance has changed ([`RelationMatrix::version`]); until then (a stance
//!   changed since the last index), the query filters the first list.
//!
//! The lists stay valid while every force is within its skin of where it was
//! at build time, `|p_j − a_j| ≤ s_j`: then any `j` within `r ≤ reach_i` of
//! `i` now satisfies `|a_i − a_j| ≤ r + s_i + s_j` by the triangle
//! inequality, so it is on the list. The index phase checks this every tick
//! and rebuilds as soon as one force has left its skin (a change of orders
//! that makes a force faster is caught the same way). A query returns exactly
//! the living forces within `r`, in ascending index order, whenever the lists
//! were built: the answers do not depend on when rebuilds happen.
//!
//! A force that leaves its skin gets a skin twice as wide at the next build
//! (unless it was the travel bound), up to [`MAX_SKIN_DOUBLINGS`] times in a
//! run: the few forces that travel far (a patrol with a long route among
//! thousands of forces holding their ground) would otherwise trigger a
//! rebuild of every list every `SKIN_TICKS` ticks. A wider skin only
//! lengthens lists; the answers stay the same.
//!
//! A build queries a uniform grid ([`SpatialGrid`]) over the forces with the
//! ordinary skins; the few forces with far wider skins than the rest
//! (aircraft, far-travelling patrols) are left out of it: the grid is
//! queried around each of them for the lists that must hold it.

use bevy_ecs::prelude::Resource;

use crate::force::{ForceRow, ForceTable};
use crate::geo::Vec2;
use crate::relation::RelationMatrix;
use crate::scenario::{Domain, Posture, ZoneRule};
use crate::spatial::SpatialGrid;
use crate::theatre::Theatre;

/// The skin of a force covers at least this many ticks of movement at its
/// speed...
pub const SKIN_TICKS: f64 = 8.0;

/// ...and up to this many, as long as the skin stays within the force's
/// reach (so that lists do not grow much beyond what the queries need).
pub const MAX_SKIN_TICKS: f64 = 32.0;

/// A force's skin doubles each time it leaves it, at most this many times
/// in a run.
pub const MAX_SKIN_DOUBLINGS: u8 = 4;

/// Candidate lists in one flat vector: list `k` is `items[starts[k]..starts[k + 1]]`.
#[derive(Debug, Clone, Default)]
struct Lists {
    starts: Vec<u32>,
    items: Vec<u32>,
}

impl Lists {
    fn clear(&mut self) {
        self.starts.clear();
        self.items.clear();
        self.starts.push(0);
    }

    /// Closes the list being filled, sorted.
    fn close(&mut self) {
        let start = *self.starts.last().expect("starts has its 0") as usize;
        self.items[start..].sort_unstable();
        self.starts.push(self.items.len() as u32);
    }

    fn get(&self, k: usize) -> &[u32] {
        &self.items[self.starts[k] as usize..self.starts[k + 1] as usize]
    }
}

/// The neighbour lists of a run, rebuilt by the index phase when needed.
#[derive(Resource, Debug, Clone, Default)]
pub struct Neighbours {
    /// Positions at the last build, by force index.
    anchor: Vec<Vec2>,
    /// Skin of each force, km.
    skin: Vec<f64>,
    /// How each force's skin is set at the next build.
    rules: Vec<SkinRule>,
    /// Forces whose skin exceeds the grid cell: not in the grid.
    wide: Vec<u32>,
    /// (force, wide force on its list), sorted.
    wide_in: Vec<(u32, u32)>,
    /// Per force: candidate forces.
    forces: Lists,
    /// Per site: candidate forces.
    sites: Lists,
    /// Per force: the sites whose candidate lists hold it.
    sites_of: Lists,
    /// (force, site) of the site lists (scratch).
    site_pairs: Vec<(u32, u32)>,
    /// Per zone: candidate forces (empty for zones without incursions).
    zones: Lists,
    /// Per force: candidate segments.
    segments: Lists,
    /// Per force: candidate forces hostile to it, within its weapon range
    /// and the skins.
    hostile: Lists,
    /// The forces whose hostile lists are not empty, in order.
    hostile_owners: Vec<u32>,
    /// The relations' version the hostile lists were filtered with.
    hostile_version: u64,
    grid: SpatialGrid,
    scratch: Vec<f64>,
    /// Candidate friction pairs: (slot << 36 | i << 18 | j, i, j) with
    /// i < j, a tracked faction pair and `|a_i − a_j| ≤ max(sensor_i,
    /// sensor_j) + s_i + s_j`, sorted.
    pairs: Vec<(u64, u32, u32)>,
    /// Whether the lists must be built before use.
    stale: bool,
    /// Number of builds in this run (for tests and tuning).
    pub builds: u32,
}

impl Neighbours {
    /// Lists that will be built on first use.
    pub fn new() -> Self {
        Self {
            stale: true,
            ..Default::default()
        }
    }

    /// Forgets the lists (a new run starts).
    pub fn invalidate(&mut self) {
        self.stale = true;
        self.builds = 0;
        self.rules.clear();
    }

    /// Rebuilds the lists if some force has left its skin (or they are
    /// stale); the skins of the forces that left theirs double. Filters the
    /// hostile lists again if a stance has changed since they were.
    ///
    /// `moved`, if given, holds every force whose position has changed since
    /// the last refresh: only those can have left their skins (the others
    /// are where the last refresh found them within theirs), so only those
    /// are checked. `None` checks every force.
    pub fn refresh(
        &mut self,
        th: &Theatre,
        table: &ForceTable,
        relations: &RelationMatrix,
        tick_hours: f64,
        moved: Option<&[u32]>,
    ) {
        let n = table.rows.len();
        if self.stale || self.anchor.len() != n || self.rules.len() != n {
            self.rules.clear();
            self.rules.resize(n, SkinRule::default());
            self.build(th, table, tick_hours);
            self.filter_hostile(table, relations);
            return;
        }
        let mut left = false;
        let mut check = |k: usize| {
            let s = self.skin[k];
            if table.rows[k].pos.distance_sq(self.anchor[k]) > s * s {
                left = true;
                self.rules[k].left();
            }
        };
        match moved {
            Some(moved) => moved.iter().for_each(|&k| check(k as usize)),
            None => (0..n).for_each(check),
        }
        if left {
            self.build(th, table, tick_hours);
            self.filter_hostile(table, relations);
        } else if relations.version() != self.hostile_version {
            self.filter_hostile(table, relations);
        }
    }

    /// The hostile lists, from the force lists and the stances now.
    fn filter_hostile(&mut self, table: &ForceTable, relations: &RelationMatrix) {
        self.hostile_version = relations.version();
        self.hostile.clear();
        self.hostile_owners.clear();
        let (rows, anchor, skin) = (&table.rows, &self.anchor, &self.skin);
        for (i, r) in rows.iter().enumerate() {
            let reach = r.weapon_range_km + skin[i];
            self.hostile
                .items
                .extend(self.forces.get(i).iter().copied().filter(|&j| {
                    let j = j as usize;
                    relations.hostile(r.faction, rows[j].faction)
                        && anchor[j].distance(anchor[i]) <= reach + skin[j]
                }));
            // Already in order.
            let end = self.hostile.items.len() as u32;
            if self.hostile.starts.last() != Some(&end) {
                self.hostile_owners.push(i as u32);
            }
            self.hostile.starts.push(end);
        }
    }

    fn build(&mut self, th: &Theatre, table: &ForceTable, tick_hours: f64) {
        self.stale = false;
        self.builds += 1;
        let rows = &table.rows;
        let n = rows.len();
        self.anchor.clear();
        self.anchor.extend(rows.iter().map(|r| r.pos));
        self.skin.clear();
        self.skin.extend(
            rows.iter()
                .zip(&mut self.rules)
                .enumerate()
                .map(|(i, (r, rule))| {
                    let step = r.speed_kmh * tick_hours;
                    let reach = r.sensor_range_km.max(r.weapon_range_km);
                    let skin = (step * SKIN_TICKS).max((step * MAX_SKIN_TICKS).min(reach))
                        * f64::from(1u8 << rule.doublings);
                    let bound = if rule.unbounded {
                        f64::INFINITY
                    } else {
                        travel_bound(th, i, r)
                    };
                    rule.bounded = bound < skin;
                    skin.min(bound)
                }),
        );
        // Forces with skins wider than two grid cells (at most max(8, n/64)
        // of them, the widest) stay out of the grid, whose queries add the
        // largest of the other skins: the lists holding a wide force are
        // found by querying the grid around it, and its own list and those
        // of the sites and zones test the wide forces directly.
        let cell = th.cell_km;
        self.scratch.clear();
        self.scratch.extend_from_slice(&self.skin);
        let k = n.div_ceil(64).max(8).min(n);
        let limit = if k == 0 {
            2.0 * cell
        } else {
            let (_, &mut kth, _) = self
                .scratch
                .select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
            (2.0 * cell).max(kth)
        };
        self.wide.clear();
        self.wide
            .extend((0..n as u32).filter(|&j| self.skin[j as usize] > limit));
        let narrow_skin = self
            .skin
            .iter()
            .filter(|&&s| s <= limit)
            .fold(0.0f64, |a, &s| a.max(s));
        let (anchor, skin) = (&self.anchor, &self.skin);
        self.grid.set_cell(cell);
        self.grid.rebuild(
            n,
            (0..n)
                .filter(|&j| skin[j] <= limit)
                .map(|j| (j as u32, anchor[j])),
        );

        // Forces around forces (only of factions that may interact). The
        // wide forces in the lists of the others are found from the wide
        // forces' side, through the grid: (i, w) for each list i holding w.
        let nf = th.n_factions();
        let reach = |r: &ForceRow| r.sensor_range_km.max(r.weapon_range_km);
        let may = |a: &ForceRow, b: &ForceRow| {
            th.may_interact[a.faction.index() * nf + b.faction.index()]
        };
        let narrow_reach = (0..n)
            .filter(|&j| skin[j] <= limit)
            .fold(0.0f64, |m, j| m.max(reach(&rows[j])));
        self.wide_in.clear();
        for &w in &self.wide {
            let (rw, aw, sw) = (&rows[w as usize], anchor[w as usize], skin[w as usize]);
            self.grid
                .for_each_within(aw, narrow_reach + narrow_skin + sw, |i, d| {
                    let ri = &rows[i as usize];
                    if d <= reach(ri) + skin[i as usize] + sw && may(ri, rw) {
                        self.wide_in.push((i, w));
                    }
                });
        }
        self.wide_in.sort_unstable();
        self.forces.clear();
        let mut wide_in = self.wide_in.iter().peekable();
        for (i, r) in rows.iter().enumerate() {
            let (a, reach) = (anchor[i], reach(r) + skin[i]);
            let items = &mut self.forces.items;
            let mut consider = |j: u32, d: f64| {
                if d <= reach + skin[j as usize] && may(r, &rows[j as usize]) {
                    items.push(j);
                }
            };
            self.grid
                .for_each_within(a, reach + narrow_skin, &mut consider);
            if skin[i] > limit {
                // A wide force tests the other wide forces itself.
                for &j in &self.wide {
                    consider(j, anchor[j as usize].distance(a));
                }
            } else {
                while let Some(&(_, w)) = wide_in.next_if(|x| x.0 == i as u32) {
                    items.push(w);
                }
            }
            self.forces.close();
        }

        // Candidate friction pairs, from the lists of the force with the
        // longer sensor range (which holds the other).
        self.pairs.clear();
        for (i, r) in rows.iter().enumerate() {
            let si = r.sensor_range_km;
            for &j in self.forces.get(i) {
                let rj = &rows[j as usize];
                let sj = rj.sensor_range_km;
                let holder = si > sj || (si == sj && (i as u32) < j);
                let Some(slot) = th.slot(r.faction, rj.faction) else {
                    continue;
                };
                if holder
                    && anchor[i].distance(anchor[j as usize]) <= si + skin[i] + skin[j as usize]
                {
                    let (a, b) = ((i as u32).min(j), (i as u32).max(j));
                    let key = (slot as u64) << 36 | (a as u64) << 18 | b as u64;
                    self.pairs.push((key, a, b));
                }
            }
        }
        self.pairs.sort_unstable();

        // Forces around fixed points (only ground forces around sites: no
        // other can hold or take one, and a force's domain never changes).
        let around = |lists: &mut Lists,
                      grid: &SpatialGrid,
                      wide: &[u32],
                      p: Vec2,
                      r: f64,
                      ground_only: bool| {
            let keep = |j: u32| !ground_only || rows[j as usize].domain == Domain::Ground;
            grid.for_each_within(p, r + narrow_skin, |j, d| {
                if d <= r + skin[j as usize] && keep(j) {
                    lists.items.push(j);
                }
            });
            for &j in wide {
                if anchor[j as usize].distance(p) <= r + skin[j as usize] && keep(j) {
                    lists.items.push(j);
                }
            }
            lists.close();
        };
        self.sites.clear();
        for s in &th.scenario.sites {
            around(
                &mut self.sites,
                &self.grid,
                &self.wide,
                s.position,
                s.capture_radius_km,
                true,
            );
        }
        self.site_pairs.clear();
        for site in 0..th.scenario.sites.len() {
            let list = self.sites.get(site);
            self.site_pairs
                .extend(list.iter().map(|&j| (j, site as u32)));
        }
        self.site_pairs.sort_unstable();
        self.sites_of.clear();
        let mut at = 0;
        for k in 0..n as u32 {
            while let Some(&(j, site)) = self.site_pairs.get(at)
                && j == k
            {
                self.sites_of.items.push(site);
                at += 1;
            }
            self.sites_of.close();
        }
        self.zones.clear();
        for z in &th.scenario.zones {
            if z.rule == ZoneRule::Exclusion && z.incursion_hazard_per_hour > 0.0 {
                let bc = z.shape.bounding_circle();
                around(
                    &mut self.zones,
                    &self.grid,
                    &self.wide,
                    bc.center,
                    bc.radius_km,
                    false,
                );
            } else {
                self.zones.close();
            }
        }

        // Segments around forces (only of lines drawn between the force's
        // faction and another).
        self.segments.clear();
        if !th.scenario.segments.is_empty() {
            let sc = &th.scenario;
            for (i, r) in rows.iter().enumerate() {
                let items = &mut self.segments.items;
                th.segment_grid.for_each_within(
                    anchor[i],
                    th.segment_reach_km + skin[i],
                    |s, _| {
                        let line = &sc.contact_lines[sc.segments[s as usize].line];
                        if line.between.contains(&r.faction) {
                            items.push(s);
                        }
                    },
                );
                self.segments.close();
            }
        }
    }

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

/// How a force's skin is set: the width its speed gives, doubled each time
/// it has left it, but no wider than it can travel under the orders it
/// started the run with, unless it has left a skin of that width (its
/// orders changed, or it went round a zone).
#[derive(Debug, Clone, Copy, Default)]
struct SkinRule {
    /// How many times the skin has doubled in this run.
    doublings: u8,
    /// Whether the skin of the last build was the travel bound.
    bounded: bool,
    /// Whether the force has left a skin that was its travel bound.
    unbounded: bool,
}

impl SkinRule {
    /// The force has left its skin.
    fn left(&mut self) {
        if self.bounded {
            self.unbounded = true;
        } else {
            self.doublings = (self.doublings + 1).min(MAX_SKIN_DOUBLINGS);
        }
    }
}

/// How far force `i` (row `r`) can get from where it is while it follows
/// the orders it started the run with: to its objective, its withdrawal
/// point, or (a patrol) the farthest waypoint of its route, as it moves in
/// straight lines among them (a detour around a zone may take it farther);
/// nowhere if it holds or defends. Plus a millimetre and a part in 10⁹,
/// far above rounding. Unbounded for a force the theatre does not know.
///
/// A skin no wider than this is left only by a force whose orders changed
/// or that went round a zone, and then its usual width counts ([`SkinRule`]):
/// a patrol keeps a skin the size of its route rather than of many ticks of
/// its speed, an advance no more than the way left to its objective, and a
/// force that holds, or has arrived, none.
fn travel_bound(th: &Theatre, i: usize, r: &ForceRow) -> f64 {
    let Some(f) = th.forces.get(i) else {
        return f64::INFINITY;
    };
    let far = |p: Vec2| p.distance(r.pos);
    let bound = if r.broken {
        far(f.withdraw_to)
    } else {
        match f.posture {
            Posture::Hold | Posture::Defend => 0.0,
            Posture::Advance => f.objective.map_or(0.0, |o| far(th.objective_position(o))),
            Posture::Patrol => f.route.iter().fold(0.0, |m: f64, &p| m.max(far(p))),
            Posture::Withdraw => far(f.withdraw_to),
        }
    };
    bound * (1.0 + 1e-9) + 1e-6
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{FactionId, Stance};
    use crate::testing::row;
    use proptest::prelude::*;
    use std::sync::Arc;

    fn theatre() -> Arc<Theatre> {
        crate::testing::theatre(
            r#"
[[faction]]
id = "a"
[[faction]]
id = "b"
[[faction]]
id = "c"
[[relation]]
between = ["a", "c"]
stance = "allied"
[[relation]]
between = ["b", "c"]
stance = "hostile"
# Sets the grid cell to 15 km, as in the forces of the test.
[[force]]
id = "far"
faction = "a"
position = { x_km = 500, y_km = 500 }
strength = 1
sensor_range_km = 15
[[site]]
id = "s"
kind = "oil_field"
position = { x_km = 3, y_km = -4 }
capture_radius_km = 6
"#,
        )
    }

    /// The living forces within `r` of `p`; around force `of`, only those
    /// of factions that may interact with its own.
    fn brute(
        th: &Theatre,
        table: &ForceTable,
        p: Vec2,
        r: f64,
        of: Option<usize>,
    ) -> Vec<(u32, f64)> {
        let n = th.n_factions();
        let mut out = Vec::new();
        for (j, row) in table.rows.iter().enumerate() {
            let d2 = row.pos.distance_sq(p);
            let may = of.is_none_or(|i| {
                th.may_interact[table.rows[i].faction.index() * n + row.faction.index()]
            });
            if may && row.alive() && d2 <= r * r {
                out.push((j as u32, d2.sqrt()));
            }
        }
        out
    }

    /// A patrol's skin is the reach of its route, a defender's and an
    /// arrived advance's nothing, an advance's the way to its objective
    /// when that is shorter than its ticks of movement, also once its skin
    /// has doubled; all hold for as long as the orders do (no rebuild while
    /// the patrol flies its route many times over). A force that leaves
    /// such a skin (its orders changed) gets the width its speed gives, and
    /// that doubles each time it is left.
    #[test]
    fn skins_are_bounded_by_the_orders() {
        let th = crate::testing::theatre(
            r#"
[[faction]]
id = "a"
[[faction]]
id = "b"
[[force]]
id = "patrol"
faction = "a"
position = { x_km = 0, y_km = 0 }
strength = 100
speed_kmh = 20
posture = "patrol"
route = [{ x_km = 0, y_km = 0 }, { x_km = 12, y_km = 0 }, { x_km = 6, y_km = 9 }]
sensor_range_km = 40
[[force]]
id = "defender"
faction = "b"
position = { x_km = 30, y_km = 0 }
strength = 100
speed_kmh = 5
posture = "defend"
[[force]]
id = "advance"
faction = "b"
position = { x_km = 0, y_km = 20 }
strength = 100
speed_kmh = 1
posture = "advance"
objective = "well"
[[force]]
id = "column"
faction = "b"
position = { x_km = 100, y_km = 0 }
strength = 100
speed_kmh = 1
posture = "advance"
objective = "town"
[[site]]
id = "town"
kind = "town"
position = { x_km = 125, y_km = 0 }
capture_radius_km = 1
[[site]]
id = "well"
kind = "oil_field"
position = { x_km = 3, y_km = 24 }
capture_radius_km = 1
"#,
        );
        let relations = RelationMatrix::new(&th);
        let rows: Vec<ForceRow> = th
            .forces
            .iter()
            .map(|f| ForceRow {
                speed_kmh: f.speed_kmh,
                weapon_range_km: f.weapon_range_km,
                ..row(
                    f.position.x,
                    f.position.y,
                    f.sensor_range_km,
                    f.speed_kmh,
                    100.0,
                    f.faction.0,
                )
            })
            .collect();
        let mut table = ForceTable {
            rows,
            ..Default::default()
        };
        let mut near = Neighbours::new();
        near.refresh(&th, &table, &relations, 1.0, None);
        let margin = |d: f64| d * (1.0 + 1e-9) + 1e-6;
        // Without the orders: 8 ticks of 20 km, 8 of 5 km, and 8 of 1 km
        // (within the 10 km sensor range, up to 32 ticks: 10 km).
        assert_eq!(near.skin[0], margin(12.0)); // the farthest waypoint
        assert_eq!(near.skin[1], margin(0.0));
        assert_eq!(near.skin[2], margin(5.0)); // a 3-4-5 triangle
        // The patrol flies its 12 + 10.8 + 10.8 km triangle 60 times over
        // with no rebuild.
        let route = th.forces[0].route.clone();
        let mut next = 1;
        for _ in 0..100 {
            let p = &mut table.rows[0].pos;
            *p = crate::movement::travel(*p, route[next], 20.0, &[]);
            if p.distance(route[next]) < 1e-9 {
                next = (next + 1) % route.len();
            }
            near.refresh(&th, &table, &relations, 1.0, Some(&[0]));
        }
        assert_eq!(near.builds, 1);
        // The defender moves (new orders): at the rebuild it gets its
        // speed's skin.
        let speeds = (5.0 * MAX_SKIN_TICKS).min(10.0).max(5.0 * SKIN_TICKS);
        table.rows[1].pos.x += 0.5;
        near.refresh(&th, &table, &relations, 1.0, Some(&[1]));
        assert_eq!(near.builds, 2);
        assert_eq!(near.skin[1], speeds);
        // The column (10 km of skin, 25 km from its town) walks 10.5 km:
        // at the rebuild its doubled 20 km is cut to the 14.5 km left, and
        // it walks them with no rebuild.
        assert_eq!(near.skin[3], 10.0);
        table.rows[3].pos.x += 10.5;
        near.refresh(&th, &table, &relations, 1.0, Some(&[3]));
        assert_eq!(near.builds, 3);
        assert_eq!(near.skin[3], margin(14.5));
        for _ in 0..15 {
            let p = &mut table.rows[3].pos;
            *p = crate::movement::travel(*p, Vec2::new(125.0, 0.0), 1.0, &[]);
            near.refresh(&th, &table, &relations, 1.0, Some(&[3]));
        }
        assert_eq!(table.rows[3].pos, Vec2::new(125.0, 0.0));
        assert_eq!(near.builds, 3);
        // The advance arrives (within its skin) and the defender moves on
        // beyond its skin: at that rebuild the defender's skin doubles, and
        // the advance has nothing left to travel.
        table.rows[2].pos = Vec2::new(3.0, 24.0);
        table.rows[1].pos.x += 100.0;
        near.refresh(&th, &table, &relations, 1.0, Some(&[1, 2]));
        assert_eq!(near.builds, 4);
        assert_eq!(near.skin[1], 2.0 * speeds);
        assert_eq!(near.skin[2], margin(0.0));
    }

    proptest! {
        /// Forces move at up to their speed for many ticks (some much
        /// faster than the others, some dead): every query equals brute
        /// force, bit for bit and in order, across rebuilds.
        #[test]
        fn queries_equal_brute_force_while_forces_move(
            forces in prop::collection::vec(
                (-60.0f64..60.0, -60.0f64..60.0, 0.5f64..15.0, prop::sample::select(vec![0.0f64, 0.3, 1.0, 25.0]), prop::sample::select(vec![0.0f64, 10.0])),
                1..40,
            ),
            headings in prop::collection::vec(0.0f64..std::f64::consts::TAU, 40),
            ticks in 1usize..40,
        ) {
            let th = theatre();
            let mut table = ForceTable {
                rows: forces
                    .iter()
                    .enumerate()
                    .map(|(k, &(x, y, s, v, st))| row(x, y, s, v, st, (k % 3) as u16))
                    .collect(),
                ..Default::default()
            };
            // Every fourth force flies (sites list only ground forces).
            for r in table.rows.iter_mut().skip(3).step_by(4) {
                r.domain = Domain::Air;
            }
            // The forces that move (at a speed above zero): on odd ticks the
            // refresh is told that only they may have moved.
            let moving: Vec<u32> = (0..forces.len() as u32).filter(|&k| forces[k as usize].3 > 0.0).collect();
            let mut near = Neighbours::new();
            // Told nothing of who moved: it checks every force.
            let mut twin = Neighbours::new();
            let mut relations = RelationMatrix::new(&th);
            let (a, b) = (FactionId(0), FactionId(1));
            for t in 0..ticks {
                // The stance of a and b flips every 5 ticks, before or
                // after the index (so that queries see stances the hostile
                // lists were not filtered with).
                let flip = |relations: &mut RelationMatrix| {
                    let s = if relations.hostile(a, b) { Stance::Rival } else { Stance::Hostile };
                    relations.set_stance(a, b, s);
                };
                if t % 5 == 1 {
                    flip(&mut relations);
                }
                near.refresh(&th, &table, &relations, 1.0, (t % 2 == 1).then_some(&moving[..]));
                twin.refresh(&th, &table, &relations, 1.0, None);
                // The same rebuilds, at the same ticks.
                prop_assert_eq!(near.builds, twin.builds);
                if t % 5 == 3 {
                    flip(&mut relations);
                }
                for i in 0..table.rows.len() {
                    let r = table.rows[i];
                    for radius in [r.sensor_range_km, r.weapon_range_km] {
                        let mut got = Vec::new();
                        near.for_each_near_force(&table, i as u32, radius, |j, d| got.push((j, d)));
                        prop_assert_eq!(got, brute(&th, &table, r.pos, radius, Some(i)));
                    }
                    let mut got = Vec::new();
                    near.for_each_hostile_in_range(&table, &relations, i as u32, |j, d| got.push((j, d)));
                    let mut want = brute(&th, &table, r.pos, r.weapon_range_km, Some(i));
                    want.retain(|&(j, _)| relations.hostile(r.faction, table.rows[j as usize].faction));
                    prop_assert_eq!(got, want);
                }
                // The pairs of one pass equal those of asking force by force.
                let shoots = |r: &ForceRow| r.alive() && r.sensor_range_km > 4.0;
                let mut got = Vec::new();
                near.for_each_hostile_pair(&table, &relations, shoots, |i, j| got.push((i, j)));
                let mut want = Vec::new();
                for (i, r) in table.rows.iter().enumerate() {
                    if shoots(r) {
                        near.for_each_hostile_in_range(&table, &relations, i as u32, |j, _| want.push((i as u32, j)));
                    }
                }
                prop_assert_eq!(got, want);
                // Every tracked pair within the larger sensor range is a
                // candidate friction pair, in key order.
                let pairs = near.friction_pairs();
                prop_assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0));
                for (i, ri) in table.rows.iter().enumerate() {
                    for (j, rj) in table.rows.iter().enumerate().skip(i + 1) {
                        let Some(slot) = th.slot(ri.faction, rj.faction) else {
                            continue;
                        };
                        let d2 = ri.pos.distance_sq(rj.pos);
                        let s = ri.sensor_range_km.max(rj.sensor_range_km);
                        if d2 <= s * s {
                            let key = (slot as u64) << 36 | (i as u64) << 18 | j as u64;
                            prop_assert!(pairs.binary_search(&(key, i as u32, j as u32)).is_ok());
                        }
                    }
                }
                let site = th.scenario.sites[0].position;
                let mut got = Vec::new();
                near.for_each_near_site(&table, 0, site, 6.0, |j, d| got.push((j, d)));
                let mut want = brute(&th, &table, site, 6.0, None);
                want.retain(|&(j, _)| table.rows[j as usize].domain == Domain::Ground);
                prop_assert_eq!(got, want);
                // Each force lists the sites whose candidate lists hold it.
                for i in 0..table.rows.len() as u32 {
                    let want: Vec<u32> = (0..th.scenario.sites.len() as u32)
                        .filter(|&s| near.sites.get(s as usize).contains(&i))
                        .collect();
                    prop_assert_eq!(near.sites_of(i), &want[..]);
                }
                // Move: each force at its speed on its heading, turning every 10 ticks.
                for (i, r) in table.rows.iter_mut().enumerate() {
                    let h = headings[i] + (t / 10) as f64;
                    r.pos = r.pos + Vec2::new(h.cos(), h.sin()) * r.speed_kmh;
                }
            }
            // Lists are reused between rebuilds when forces are slow.
            if forces.iter().all(|f| f.3 == 0.0) {
                prop_assert_eq!(near.builds, 1);
            }
        }
    }
}
