//! The lists around fixed points (sites, exclusion zones with an
//! incursion hazard) and the segments around each force.

use crate::force::ForceRow;
use crate::geo::Vec2;
use crate::scenario::{Domain, ZoneRule};
use crate::theatre::Theatre;

use super::{FactionGrid, Lists, Neighbours};

impl Neighbours {
    /// The site and zone lists, and each force's sites, from the grid of
    /// the last build (`narrow_skin`: the widest skin in it).
    pub(super) fn build_points(&mut self, th: &Theatre, rows: &[ForceRow], narrow_skin: f64) {
        let n = rows.len();
        let (anchor, skin) = (&self.anchor, &self.skin);
        // Forces around fixed points (only ground forces around sites: no
        // other can hold or take one, and a force's domain never changes).
        let around = |lists: &mut Lists,
                      grid: &FactionGrid,
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
    }

    /// Each force's candidate segments.
    pub(super) fn build_segments(&mut self, th: &Theatre, rows: &[ForceRow]) {
        let (anchor, skin) = (&self.anchor, &self.skin);
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
}
