//! A uniform-grid spatial index over force positions.
//!
//! Forces are bucketed into square cells of a dense row-major grid over the
//! bounding box of their positions (a counting sort, no hashing), so that a
//! query for all forces within `r` of a point scans one contiguous slice per
//! grid row it touches. The cell is the requested size, doubled as often as
//! needed to keep the grid within `4n + 64` cells however far apart the
//! forces are. Results come out in a fixed order (row by row, cell by cell,
//! force index ascending within a cell), so consumers that draw random
//! numbers or sum floating-point values stay deterministic.

use crate::geo::Vec2;

/// Uniform grid of force indices.
#[derive(Debug, Clone, Default)]
pub struct SpatialGrid {
    /// Requested cell size, km.
    cell_km: f64,
    frame: Frame,
    /// `starts[c]..starts[c + 1]` indexes `entries` for cell `c`.
    starts: Vec<u32>,
    /// Force indices, by cell.
    entries: Vec<u32>,
    /// Positions by force index (copied at rebuild).
    positions: Vec<Vec2>,
    scratch: Vec<(u32, u32)>,
}

/// ⌊v / cell⌋ without a libm call (the cast truncates towards zero).
fn coord(v: f64, cell: f64) -> i64 {
    let t = (v / cell).clamp(-1e15, 1e15);
    let i = t as i64;
    if (i as f64) > t { i - 1 } else { i }
}

/// Where the cells of a grid lie: square cells of side `cell` over the
/// bounding box of the positions, `w` columns by `h` rows numbered row by
/// row. Shared with the neighbour lists' grid
/// (`crate::neighbours`), so that both cut the plane the same way.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Frame {
    /// Cell size in use, km.
    pub(crate) cell: f64,
    x0: i64,
    y0: i64,
    /// Columns; 0 for a grid of no positions.
    pub(crate) w: i64,
    /// Rows.
    pub(crate) h: i64,
}

impl Frame {
    /// The frame over the box `lo`..`hi` of `n` positions (at least one):
    /// cells of `cell_km`, doubled as often as needed to keep the grid
    /// within `4n + 64` cells.
    pub(crate) fn fit(lo: Vec2, hi: Vec2, n: usize, cell_km: f64) -> Frame {
        let budget = 4 * n as i64 + 64;
        let mut cell = cell_km;
        loop {
            let (x0, y0) = (coord(lo.x, cell), coord(lo.y, cell));
            let (w, h) = (coord(hi.x, cell) - x0 + 1, coord(hi.y, cell) - y0 + 1);
            if w.saturating_mul(h) <= budget {
                return Frame { cell, x0, y0, w, h };
            }
            cell *= 2.0;
        }
    }

    /// The frame of no positions (its cell size kept).
    pub(crate) fn clear(&mut self) {
        (self.w, self.h) = (0, 0);
    }

    /// The number of cells.
    pub(crate) fn cells(&self) -> usize {
        (self.w * self.h) as usize
    }

    /// The cell of `p` (within the box).
    #[inline]
    pub(crate) fn cell_of(&self, p: Vec2) -> usize {
        ((coord(p.y, self.cell) - self.y0) * self.w + coord(p.x, self.cell) - self.x0) as usize
    }

    /// The cells within `r` of `p`: (first row, last row, first column,
    /// last column), if any.
    #[inline]
    pub(crate) fn span(&self, p: Vec2, r: f64) -> Option<(i64, i64, i64, i64)> {
        if self.w == 0 || r.is_nan() || r < 0.0 {
            return None;
        }
        let cx0 = (coord(p.x - r, self.cell) - self.x0).max(0);
        let cx1 = (coord(p.x + r, self.cell) - self.x0).min(self.w - 1);
        let cy0 = (coord(p.y - r, self.cell) - self.y0).max(0);
        let cy1 = (coord(p.y + r, self.cell) - self.y0).min(self.h - 1);
        (cx0 <= cx1 && cy0 <= cy1).then_some((cy0, cy1, cx0, cx1))
    }
}

impl SpatialGrid {
    /// An empty grid with cells of (at least) `cell_km`.
    pub fn new(cell_km: f64) -> Self {
        let mut grid = Self {
            cell_km: cell_km.max(1e-3),
            ..Default::default()
        };
        grid.frame.cell = grid.cell_km;
        grid
    }

    /// Sets the requested cell size for the next rebuild, km.
    pub fn set_cell(&mut self, cell_km: f64) {
        self.cell_km = cell_km.max(1e-3);
    }

    /// Cell size in use, km.
    pub fn cell_in_use_km(&self) -> f64 {
        self.frame.cell
    }

    /// Rebuilds from `(index, position)` for the forces to index.
    pub fn rebuild(&mut self, n_forces: usize, items: impl Iterator<Item = (u32, Vec2)>) {
        self.positions.clear();
        self.positions.resize(n_forces, Vec2::ZERO);
        self.scratch.clear();
        let (mut lo, mut hi) = (Vec2::new(f64::MAX, f64::MAX), Vec2::new(f64::MIN, f64::MIN));
        for (i, p) in items {
            self.positions[i as usize] = p;
            self.scratch.push((0, i));
            (lo, hi) = (lo.min(p), hi.max(p));
        }
        self.entries.clear();
        self.starts.clear();
        let n = self.scratch.len();
        if n == 0 {
            self.frame.clear();
            self.starts.push(0);
            return;
        }
        self.frame = Frame::fit(lo, hi, n, self.cell_km);
        let cells = self.frame.cells();
        self.starts.resize(cells + 1, 0);
        for e in self.scratch.iter_mut() {
            let c = self.frame.cell_of(self.positions[e.1 as usize]);
            e.0 = c as u32;
            self.starts[c + 1] += 1;
        }
        for c in 0..cells {
            self.starts[c + 1] += self.starts[c];
        }
        self.entries.resize(n, 0);
        // Sort by (cell, index): a stable placement in index order.
        self.scratch.sort_unstable();
        for (k, e) in self.scratch.iter().enumerate() {
            self.entries[k] = e.1;
        }
    }

    /// Calls `f(index, distance)` for every indexed force within `r` of `p`.
    pub fn for_each_within(&self, p: Vec2, r: f64, mut f: impl FnMut(u32, f64)) {
        let Some((cy0, cy1, cx0, cx1)) = self.frame.span(p, r) else {
            return;
        };
        let r2 = r * r;
        for y in cy0..=cy1 {
            let row = y * self.frame.w;
            let a = self.starts[(row + cx0) as usize] as usize;
            let b = self.starts[(row + cx1 + 1) as usize] as usize;
            for &i in &self.entries[a..b] {
                let d2 = self.positions[i as usize].distance_sq(p);
                if d2 <= r2 {
                    f(i, d2.sqrt());
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
            spread in prop::sample::select(vec![1.0f64, 50.0]),
            q in (-120.0f64..120.0, -120.0f64..120.0),
            r in 0.0f64..60.0,
            cell in 0.5f64..40.0,
        ) {
            let pts: Vec<Vec2> = pts.into_iter().map(|(x, y)| Vec2::new(x * spread, y)).collect();
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
