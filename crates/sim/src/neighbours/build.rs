//! Building the lists: the skins, the grid, the force lists and the
//! candidate friction pairs; the lists around fixed points are built by
//! `points`.

use crate::force::{ForceRow, ForceTable};
use crate::theatre::Theatre;

use super::Neighbours;

impl Neighbours {
    /// Builds every list from the positions now (the anchors), with the
    /// skins their rules give.
    pub(super) fn build(&mut self, th: &Theatre, table: &ForceTable, tick_hours: f64) {
        self.stale = false;
        self.builds += 1;
        let rows = &table.rows;
        let n = rows.len();
        self.anchor.clear();
        self.anchor.extend(rows.iter().map(|r| r.pos));
        self.set_skins(th, rows, tick_hours);
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
            (0..n)
                .filter(|&j| skin[j] <= limit)
                .map(|j| (j as u32, rows[j].faction.0, anchor[j])),
        );

        // Forces around forces (only of factions that may interact). The
        // wide forces in the lists of the others are found from the wide
        // forces' side, through the grid: (i, w) for each list i holding w.
        let nf = th.n_factions();
        self.mask.clear();
        self.mask.extend((0..nf * nf).map(|k| {
            let (a, b) = (k / nf, k % nf);
            th.may_interact[k] || th.may_interact[b * nf + a]
        }));
        let mask = |r: &ForceRow| &self.mask[r.faction.index() * nf..][..nf];
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
            let r = narrow_reach + narrow_skin + sw;
            self.grid.for_each_within_of(aw, r, mask(rw), |i, d| {
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
                .for_each_within_of(a, reach + narrow_skin, mask(r), &mut consider);
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

        self.build_points(th, rows, narrow_skin);
        self.build_segments(th, rows);
    }
}
