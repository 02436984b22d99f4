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
//! A build queries a uniform grid over the forces with the ordinary skins;
//! the few forces with far wider skins than the rest (aircraft,
//! far-travelling patrols) are left out of it: the grid is queried around
//! each of them for the lists that must hold it. The grid keeps each cell's
//! forces in runs of one faction, and a force's query scans only the runs
//! of the factions that may interact with its own: forces of one faction,
//! or of allies, packed together cost nothing to one another, so a build
//! costs the forces plus the lists it builds, not the square of the forces
//! in a cell (`grid`).
//!
//! The module's files: [`skins`] sets the skins, `grid` is the faction-run
//! grid, `build` builds the force lists and the friction pairs, `points`
//! the lists around sites, zones and segments, `queries` answers the
//! phases, and [`index`] is phase 3, which keeps the force table and the
//! lists up to date.

mod build;
mod grid;
pub mod index;
mod points;
mod queries;
pub mod skins;
#[cfg(test)]
mod tests;

pub use index::index_forces;
pub use skins::{MAX_SKIN_DOUBLINGS, MAX_SKIN_TICKS, SKIN_TICKS};

use bevy_ecs::prelude::Resource;

use crate::force::ForceTable;
use crate::geo::Vec2;
use crate::relation::RelationMatrix;
use crate::theatre::Theatre;

use grid::FactionGrid;
use skins::SkinRule;

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
    grid: FactionGrid,
    /// Whether faction `a` may interact with `b` or `b` with `a`, at
    /// `a · factions + b` (the grid's masks).
    mask: Vec<bool>,
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
}
