//! The static part of a run: the scenario plus what is derived from it once
//! (garrison forces, tracked pairs, lookup grids), shared by every run.

use std::sync::Arc;

use bevy_ecs::prelude::Resource;

use crate::geo::Vec2;
use crate::scenario::{Action, Domain, FactionId, ForceSpec, Objective, Posture, Scenario, Stance};
use crate::spatial::SpatialGrid;

/// Everything about a scenario that does not change during a run.
#[derive(Debug)]
pub struct Theatre {
    /// The validated scenario.
    pub scenario: Scenario,
    /// The scenario's forces followed by one garrison force per garrisoned site.
    pub forces: Vec<ForceSpec>,
    /// For each force, the site it garrisons.
    pub garrison_of: Vec<Option<usize>>,
    /// Faction pairs (a < b) whose clash risk is tracked: friction stance at
    /// the start, or set to one by a scheduled event.
    pub pairs: Vec<(FactionId, FactionId)>,
    /// `pair_slot[a * n + b]` (and `[b * n + a]`) → index into `pairs`.
    pub pair_slot: Vec<Option<u32>>,
    /// For each tracked pair, the number of its random stream: a hash of the
    /// two faction ids in sorted order ([`pair_stream`]), so that a pair
    /// keeps its draws when factions are added, removed or reordered.
    pub pair_streams: Vec<u64>,
    /// `may_interact[a * n + b]`: whether forces of factions `a` and `b`
    /// can ever fight or have friction in a run: different factions, not
    /// allied at the start, or named by a scheduled `stance` event (allies
    /// never escalate). Forces of other pairs never enter each other's
    /// neighbour lists.
    pub may_interact: Vec<bool>,
    /// Largest sensor range of any force, km.
    pub max_sensor_km: f64,
    /// Largest weapon range of any force, km.
    pub max_weapon_km: f64,
    /// Grid cell for the force index, km.
    pub cell_km: f64,
    /// Segment midpoints, for attribution.
    pub segment_grid: SpatialGrid,
    /// Search radius around an incident for its segment, km.
    pub segment_reach_km: f64,
    /// Site positions, for attribution.
    pub site_grid: SpatialGrid,
}

/// The random-stream number of the faction pair with ids `a` and `b`, in either
/// order: 64-bit FNV-1a over the smaller id, a 0xFF byte (never in UTF-8
/// text) and the larger id.
pub fn pair_stream(a: &str, b: &str) -> u64 {
    let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &byte in lo.as_bytes().iter().chain(&[0xff]).chain(hi.as_bytes()) {
        h ^= byte as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Shared handle to the theatre, as a world resource.
#[derive(Resource, Debug, Clone)]
pub struct TheatreRes(pub Arc<Theatre>);

impl std::ops::Deref for TheatreRes {
    type Target = Theatre;
    fn deref(&self) -> &Theatre {
        &self.0
    }
}

impl Theatre {
    /// Derives the static data of `scenario`.
    pub fn new(scenario: Scenario) -> Self {
        let mut forces = scenario.forces.clone();
        let mut garrison_of = vec![None; forces.len()];
        let lethality = scenario.params.combat.garrison_lethality;
        for (si, s) in scenario.sites.iter().enumerate() {
            if let (Some(owner), true) = (s.owner, s.garrison > 0.0) {
                forces.push(ForceSpec {
                    id: format!("{}-garrison", s.id),
                    name: format!("{} garrison", s.name),
                    faction: owner,
                    position: s.position,
                    strength: s.garrison,
                    lethality,
                    // It moves only to withdraw, and only if it has
                    // somewhere to go.
                    speed_kmh: if s.garrison_withdraw_to.is_some() {
                        s.garrison_speed_kmh
                    } else {
                        0.0
                    },
                    posture: Posture::Defend,
                    objective: Some(Objective::Site(si)),
                    route: Vec::new(),
                    withdraw_to: s.garrison_withdraw_to.unwrap_or(s.position),
                    break_point: s.garrison_break_point,
                    sensor_range_km: s.capture_radius_km,
                    weapon_range_km: s.capture_radius_km,
                    domain: Domain::Ground,
                    respects_zones: true,
                    attack: None,
                });
                garrison_of.push(Some(si));
            }
        }
        let n = scenario.factions.len();
        let mut pairs = Vec::new();
        let mut pair_slot = vec![None; n * n];
        let later_friction = |a: FactionId, b: FactionId| {
            scenario.events.iter().any(|e| match &e.action {
                Action::Stance { pair, stance } => {
                    stance.has_friction() && (pair == &[a, b] || pair == &[b, a])
                }
                _ => false,
            })
        };
        for a in 0..n {
            for b in a + 1..n {
                let (fa, fb) = (FactionId(a as u16), FactionId(b as u16));
                let st = scenario.relations.get(fa, fb).stance;
                if st.has_friction() || later_friction(fa, fb) {
                    pair_slot[a * n + b] = Some(pairs.len() as u32);
                    pair_slot[b * n + a] = Some(pairs.len() as u32);
                    pairs.push((fa, fb));
                }
            }
        }
        let mut may_interact = vec![false; n * n];
        for a in 0..n {
            for b in 0..n {
                let (fa, fb) = (FactionId(a as u16), FactionId(b as u16));
                let named = scenario.events.iter().any(|e| match &e.action {
                    Action::Stance { pair, .. } => pair == &[fa, fb] || pair == &[fb, fa],
                    _ => false,
                });
                may_interact[a * n + b] =
                    a != b && (scenario.relations.get(fa, fb).stance != Stance::Allied || named);
            }
        }
        let pair_streams = pairs
            .iter()
            .map(|(a, b)| {
                let f = &scenario.factions;
                pair_stream(&f[a.index()].id, &f[b.index()].id)
            })
            .collect();
        let max_sensor_km = forces.iter().map(|f| f.sensor_range_km).fold(0.0, f64::max);
        let max_weapon_km = forces.iter().map(|f| f.weapon_range_km).fold(0.0, f64::max);
        let cell_km = max_sensor_km.max(max_weapon_km).max(1.0);

        let max_seg = scenario
            .segments
            .iter()
            .map(|s| s.a.distance(s.b))
            .fold(0.0, f64::max);
        let max_buf = scenario
            .contact_lines
            .iter()
            .map(|l| l.buffer_km)
            .fold(0.0, f64::max);
        let segment_reach_km = max_seg / 2.0 + max_buf;
        let mut segment_grid = SpatialGrid::new(segment_reach_km.max(1.0));
        segment_grid.rebuild(
            scenario.segments.len(),
            scenario
                .segments
                .iter()
                .enumerate()
                .map(|(i, s)| (i as u32, s.midpoint())),
        );
        let mut site_grid = SpatialGrid::new(scenario.params.friction.site_attribution_km.max(1.0));
        site_grid.rebuild(
            scenario.sites.len(),
            scenario
                .sites
                .iter()
                .enumerate()
                .map(|(i, s)| (i as u32, s.position)),
        );
        Self {
            scenario,
            forces,
            garrison_of,
            pairs,
            pair_slot,
            pair_streams,
            may_interact,
            max_sensor_km,
            max_weapon_km,
            cell_km,
            segment_grid,
            segment_reach_km,
            site_grid,
        }
    }

    /// Number of factions.
    pub fn n_factions(&self) -> usize {
        self.scenario.factions.len()
    }

    /// Tracked-pair slot of factions `a` and `b`.
    pub fn slot(&self, a: FactionId, b: FactionId) -> Option<usize> {
        self.pair_slot[a.index() * self.n_factions() + b.index()].map(|s| s as usize)
    }

    /// Position of an objective.
    pub fn objective_position(&self, o: Objective) -> Vec2 {
        match o {
            Objective::Site(i) => self.scenario.sites[i].position,
            Objective::Point(p) => p,
        }
    }

    /// The segment an incident of factions `a` and `b` at `p` is attributed
    /// to: the nearest segment of a contact line between them within that
    /// line's buffer, if any.
    pub fn nearest_segment(&self, p: Vec2, a: FactionId, b: FactionId) -> Option<u32> {
        let mut best: Option<(f64, u32)> = None;
        self.segment_grid
            .for_each_within(p, self.segment_reach_km, |i, _| {
                let s = &self.scenario.segments[i as usize];
                let line = &self.scenario.contact_lines[s.line];
                if !(line.between == [a, b] || line.between == [b, a]) {
                    return;
                }
                let (d, _) = crate::geo::point_segment_distance(p, s.a, s.b);
                if d <= line.buffer_km && best.is_none_or(|(bd, bi)| (d, i) < (bd, bi)) {
                    best = Some((d, i));
                }
            });
        best.map(|(_, i)| i)
    }

    /// The site an incident at `p` is attributed to: the nearest within
    /// `site_attribution_km`, if any.
    pub fn nearest_site(&self, p: Vec2) -> Option<u32> {
        let r = self.scenario.params.friction.site_attribution_km;
        let mut best: Option<(f64, u32)> = None;
        self.site_grid.for_each_within(p, r, |i, d| {
            if best.is_none_or(|(bd, bi)| (d, i) < (bd, bi)) {
                best = Some((d, i));
            }
        });
        best.map(|(_, i)| i)
    }
}
