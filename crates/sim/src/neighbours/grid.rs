//! The grid a build queries: a uniform grid whose cells keep their forces
//! in runs of one faction, so that a query can pass over the factions it
//! does not want without looking at their forces.
//!
//! A build asks, around each force, for the forces of the factions that
//! may interact with its own. In a plain grid that costs every force in the
//! cells the query touches: `n²` for `n` forces of one faction packed in one
//! cell, though none of them may interact (issue 23). Here each cell
//! holds its forces sorted by (faction, index), cut into runs, and a query
//! with a faction mask visits a cell's runs and scans only the runs of the
//! factions it wants. It also passes over a run
//! of many forces whose bounding box lies beyond the radius (forces of a
//! faction packed together just out of range). A query then costs the
//! cells and runs it touches plus the forces of the wanted factions in
//! those runs: no more than a plain grid, and, in a cluster, only what
//! its answer holds (plus the runs of wanted factions within the radius
//! whose forces are not: a pair of dense clusters of interacting factions
//! partly within range still costs their product).
//!
//! The geometry is [`SpatialGrid`](crate::spatial::SpatialGrid)'s, the
//! `Frame` they share: cells of the requested size, doubled until the
//! grid has at most `4n + 64` cells.
//! A force is reported with the distance `|x_j − p|` computed as there, so
//! the lists built from either grid are the same.

use crate::geo::Vec2;
use crate::spatial::Frame;

/// A run of at least this many forces is passed over when its bounding box
/// is beyond the radius (shorter runs are scanned: the test would cost
/// about as much as the forces).
const BOX_TEST_MIN: u32 = 8;

/// The forces of one faction in one cell: `entries[start..end]`.
#[derive(Debug, Clone, Copy)]
struct Run {
    faction: u16,
    start: u32,
    end: u32,
    /// Bounding box of the run's positions.
    lo: Vec2,
    hi: Vec2,
}

/// Uniform grid of force indices, by cell and faction within a cell.
#[derive(Debug, Clone, Default)]
pub(super) struct FactionGrid {
    /// Requested cell size, km.
    cell_km: f64,
    frame: Frame,
    /// `starts[c]..starts[c + 1]` indexes `entries` for cell `c`.
    starts: Vec<u32>,
    /// `run_starts[c]..run_starts[c + 1]` indexes `runs` for cell `c`.
    run_starts: Vec<u32>,
    runs: Vec<Run>,
    /// Force indices, by (cell, faction, index).
    entries: Vec<u32>,
    /// Positions, by entry.
    positions: Vec<Vec2>,
    /// (cell << 16 | faction, index, position) of the forces (scratch).
    scratch: Vec<(u64, u32, Vec2)>,
}

impl FactionGrid {
    /// Sets the requested cell size for the next rebuild, km.
    pub(super) fn set_cell(&mut self, cell_km: f64) {
        self.cell_km = cell_km.max(1e-3);
    }

    /// Rebuilds from `(index, faction, position)` of the forces to index.
    pub(super) fn rebuild(&mut self, items: impl Iterator<Item = (u32, u16, Vec2)>) {
        self.scratch.clear();
        let (mut lo, mut hi) = (Vec2::new(f64::MAX, f64::MAX), Vec2::new(f64::MIN, f64::MIN));
        for (i, f, p) in items {
            self.scratch.push((u64::from(f), i, p));
            (lo, hi) = (lo.min(p), hi.max(p));
        }
        self.entries.clear();
        self.positions.clear();
        self.starts.clear();
        self.run_starts.clear();
        self.runs.clear();
        let n = self.scratch.len();
        if n == 0 {
            self.frame.clear();
            return;
        }
        self.frame = Frame::fit(lo, hi, n, self.cell_km);
        for e in self.scratch.iter_mut() {
            e.0 |= (self.frame.cell_of(e.2) as u64) << 16;
        }
        self.scratch
            .sort_unstable_by_key(|&(key, index, _)| (key, index));
        let cells = self.frame.cells();
        let mut cell_of = 0;
        for (k, &(key, index, p)) in self.scratch.iter().enumerate() {
            let c = (key >> 16) as usize;
            let faction = key as u16;
            while cell_of <= c {
                self.starts.push(k as u32);
                self.run_starts.push(self.runs.len() as u32);
                cell_of += 1;
            }
            match self.runs.last_mut() {
                Some(run)
                    if run.end == k as u32
                        && run.faction == faction
                        && k as u32 > self.starts[c] =>
                {
                    run.end += 1;
                    (run.lo, run.hi) = (run.lo.min(p), run.hi.max(p));
                }
                _ => self.runs.push(Run {
                    faction,
                    start: k as u32,
                    end: k as u32 + 1,
                    lo: p,
                    hi: p,
                }),
            }
            self.entries.push(index);
            self.positions.push(p);
        }
        while cell_of <= cells {
            self.starts.push(n as u32);
            self.run_starts.push(self.runs.len() as u32);
            cell_of += 1;
        }
    }

    /// Calls `f(index, distance)` for every indexed force within `r` of `p`.
    pub(super) fn for_each_within(&self, p: Vec2, r: f64, mut f: impl FnMut(u32, f64)) {
        let Some((cy0, cy1, cx0, cx1)) = self.frame.span(p, r) else {
            return;
        };
        let r2 = r * r;
        for y in cy0..=cy1 {
            let row = y * self.frame.w;
            let a = self.starts[(row + cx0) as usize] as usize;
            let b = self.starts[(row + cx1 + 1) as usize] as usize;
            for k in a..b {
                let d2 = self.positions[k].distance_sq(p);
                if d2 <= r2 {
                    f(self.entries[k], d2.sqrt());
                }
            }
        }
    }

    /// As [`Self::for_each_within`], for the forces of the factions `f`
    /// with `want[f]` only.
    pub(super) fn for_each_within_of(
        &self,
        p: Vec2,
        r: f64,
        want: &[bool],
        mut f: impl FnMut(u32, f64),
    ) {
        let Some((cy0, cy1, cx0, cx1)) = self.frame.span(p, r) else {
            return;
        };
        let r2 = r * r;
        for y in cy0..=cy1 {
            let row = y * self.frame.w;
            let a = self.run_starts[(row + cx0) as usize] as usize;
            let b = self.run_starts[(row + cx1 + 1) as usize] as usize;
            for run in &self.runs[a..b] {
                if !want[run.faction as usize] {
                    continue;
                }
                if run.end - run.start >= BOX_TEST_MIN {
                    // The box's nearest point to `p`: no position of the run
                    // is nearer, rounding included (each step is monotone).
                    let q = Vec2::new(
                        p.x.max(run.lo.x).min(run.hi.x),
                        p.y.max(run.lo.y).min(run.hi.y),
                    );
                    if q.distance_sq(p) > r2 {
                        continue;
                    }
                }
                for k in run.start as usize..run.end as usize {
                    let d2 = self.positions[k].distance_sq(p);
                    if d2 <= r2 {
                        f(self.entries[k], d2.sqrt());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every query equals brute force over the wanted factions, also
        /// with forces stacked on a few points.
        #[test]
        fn queries_equal_brute_force(
            pts in prop::collection::vec((-100.0f64..100.0, -100.0f64..100.0, 0u16..4), 0..200),
            spread in prop::sample::select(vec![0.0f64, 1.0, 50.0]),
            q in (-120.0f64..120.0, -120.0f64..120.0),
            r in 0.0f64..60.0,
            cell in 0.5f64..40.0,
            want in prop::collection::vec(any::<bool>(), 4),
        ) {
            // Spread 0: every force on one of the points x ∈ {−100, 0, 100}.
            let pts: Vec<(Vec2, u16)> = pts
                .into_iter()
                .map(|(x, y, f)| if spread == 0.0 {
                    (Vec2::new((x / 50.0).round() * 100.0, 0.0), f)
                } else {
                    (Vec2::new(x * spread, y), f)
                })
                .collect();
            let mut g = FactionGrid::default();
            g.set_cell(cell);
            g.rebuild(pts.iter().enumerate().map(|(i, &(p, f))| (i as u32, f, p)));
            let q = Vec2::new(q.0, q.1);
            let brute = |of: &dyn Fn(u16) -> bool| -> Vec<(u32, f64)> {
                pts.iter()
                    .enumerate()
                    .filter(|(_, (p, f))| of(*f) && p.distance_sq(q) <= r * r)
                    .map(|(i, (p, _))| (i as u32, p.distance_sq(q).sqrt()))
                    .collect()
            };
            let mut got = Vec::new();
            g.for_each_within(q, r, |i, d| got.push((i, d)));
            got.sort_by_key(|x| x.0);
            prop_assert_eq!(got, brute(&|_| true));
            let mut got = Vec::new();
            g.for_each_within_of(q, r, &want, |i, d| got.push((i, d)));
            got.sort_by_key(|x| x.0);
            prop_assert_eq!(got, brute(&|f| want[f as usize]));
        }
    }
}
