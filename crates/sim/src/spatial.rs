//! A uniform-grid spatial index over force positions.
//!
//! Forces are bucketed into square cells; the buckets are stored sorted by
//! cell key (no hashing, no per-query allocation), so a query for all forces
//! within `r` of a point visits only the `(2⌈r/cell⌉+1)²` cells around it.
//! Results come out in a fixed order (cell by cell, force index ascending
//! within a cell), so consumers that draw random numbers stay deterministic.

use bevy_ecs::prelude::Resource;

use crate::geo::Vec2;

/// Uniform grid of force indices.
#[derive(Resource, Debug, Clone, Default)]
pub struct SpatialGrid {
    cell_km: f64,
    /// (cell key, force index), sorted.
    entries: Vec<(u64, u32)>,
    /// Positions by force index (copied at rebuild).
    positions: Vec<Vec2>,
}

fn cell_coord(v: f64, cell: f64) -> i32 {
    (v / cell).floor().clamp(-1e9, 1e9) as i32
}

fn key(cx: i32, cy: i32) -> u64 {
    ((cy as u32 as u64) << 32) | cx as u32 as u64
}

impl SpatialGrid {
    /// An empty grid with cells of `cell_km`.
    pub fn new(cell_km: f64) -> Self {
        Self {
            cell_km: cell_km.max(1e-3),
            entries: Vec::new(),
            positions: Vec::new(),
        }
    }

    /// Cell size, km.
    pub fn cell_km(&self) -> f64 {
        self.cell_km
    }

    /// Rebuilds from `(index, position)` for the forces to index.
    pub fn rebuild(&mut self, n_forces: usize, items: impl Iterator<Item = (u32, Vec2)>) {
        self.entries.clear();
        self.positions.clear();
        self.positions.resize(n_forces, Vec2::ZERO);
        for (i, p) in items {
            self.positions[i as usize] = p;
            let k = key(cell_coord(p.x, self.cell_km), cell_coord(p.y, self.cell_km));
            self.entries.push((k, i));
        }
        self.entries.sort_unstable();
    }

    /// Calls `f(index, distance)` for every indexed force within `r` of `p`.
    pub fn for_each_within(&self, p: Vec2, r: f64, mut f: impl FnMut(u32, f64)) {
        let k = (r / self.cell_km).ceil() as i32;
        let (cx, cy) = (cell_coord(p.x, self.cell_km), cell_coord(p.y, self.cell_km));
        let r2 = r * r;
        for y in cy.saturating_sub(k)..=cy.saturating_add(k) {
            for x in cx.saturating_sub(k)..=cx.saturating_add(k) {
                let kk = key(x, y);
                let start = self.entries.partition_point(|e| e.0 < kk);
                for &(ek, i) in &self.entries[start..] {
                    if ek != kk {
                        break;
                    }
                    let d2 = self.positions[i as usize].distance_sq(p);
                    if d2 <= r2 {
                        f(i, d2.sqrt());
                    }
                }
            }
        }
    }

    /// The indices within `r` of `p`, sorted.
    pub fn within(&self, p: Vec2, r: f64) -> Vec<u32> {
        let mut out = Vec::new();
        self.for_each_within(p, r, |i, _| out.push(i));
        out.sort_unstable();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn queries_equal_brute_force(
            pts in prop::collection::vec((-100.0f64..100.0, -100.0f64..100.0), 0..200),
            q in (-120.0f64..120.0, -120.0f64..120.0),
            r in 0.0f64..60.0,
            cell in 0.5f64..40.0,
        ) {
            let pts: Vec<Vec2> = pts.into_iter().map(|(x, y)| Vec2::new(x, y)).collect();
            let mut g = SpatialGrid::new(cell);
            g.rebuild(pts.len(), pts.iter().enumerate().map(|(i, &p)| (i as u32, p)));
            let q = Vec2::new(q.0, q.1);
            let brute: Vec<u32> = pts
                .iter()
                .enumerate()
                .filter(|(_, p)| p.distance_sq(q) <= r * r)
                .map(|(i, _)| i as u32)
                .collect();
            prop_assert_eq!(g.within(q, r), brute);
        }
    }
}
