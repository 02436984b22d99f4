//! The time series of a run: the state sampled at the start and at the end
//! of every day (or every tick), on request.
//!
//! A sample (docs/model.md §10.5) is the state between two ticks: the
//! strength of every force and their sum per faction, the owner of every
//! site and the stance of every tracked pair. [`Sim::run_series`] plays the
//! ticks in batches up to each sampling instant and reads the world in
//! between, so a run sampled plays exactly the ticks, draws and outcome of
//! the same run unsampled, and a run not sampled pays nothing: the tick
//! system never looks at a series.
//!
//! The instants are tick boundaries: t = 0, then for [`Every::Day`] the
//! first boundary at or after the end of each day (24·d hours, d = 1, 2, …),
//! for [`Every::Tick`] every boundary; the last is always the horizon.
//!
//! [`Sim::run_series`]: crate::world::Sim::run_series

use bevy_ecs::prelude::World;
use serde::{Deserialize, Serialize};

use crate::force::{ForceIndex, Strength};
use crate::metrics::Clock;
use crate::relation::RelationMatrix;
use crate::scenario::{FactionId, Stance};
use crate::site::{Control, SiteIndex};
use crate::theatre::Theatre;

/// How often a run is sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    /// At the start and at the end of every day (the last one may be cut
    /// short by the horizon).
    Day,
    /// At the start and after every tick.
    Tick,
}

impl Every {
    /// The ticks after which the state is sampled (besides the start), in
    /// increasing order, the last being `ticks` (the horizon): every tick,
    /// or for each day d = 1 … ⌈H / 24⌉ the first tick boundary at or after
    /// 24·d hours, capped at the horizon, each once.
    pub fn ticks(self, tick_hours: f64, horizon_hours: f64, ticks: u32) -> Vec<u32> {
        match self {
            Every::Tick => (1..=ticks).collect(),
            Every::Day => {
                let days = (horizon_hours / 24.0 - 1e-9).ceil().max(1.0) as u32;
                let mut out: Vec<u32> = Vec::with_capacity(days as usize);
                for d in 1..=days {
                    // The same rounding as an event's tick (§2).
                    let k = ((24.0 * d as f64 / tick_hours) - 1e-9).ceil().max(1.0);
                    let k = (k.min(ticks as f64) as u32).min(ticks);
                    if out.last() != Some(&k) {
                        out.push(k);
                    }
                }
                if out.last() != Some(&ticks) {
                    out.push(ticks);
                }
                out
            }
        }
    }
}

/// The samples of one run, column by column: sample `k` was taken at
/// `hours[k]`, and its values of entity `e` are at `k · n + e` of each
/// column (n the number of forces, factions, sites or pairs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// How often it was sampled.
    pub every: Every,
    /// The instant of each sample, hours from the start.
    pub hours: Vec<f64>,
    /// Strength of each force ([`Theatre::forces`] order, garrisons
    /// included), personnel.
    pub strength: Vec<f64>,
    /// Sum of the strengths of each faction's forces, in force order.
    pub faction_strength: Vec<f64>,
    /// Owner of each site (file order).
    pub owner: Vec<Option<u16>>,
    /// Stance of each tracked pair ([`Theatre::pairs`] order).
    pub stance: Vec<Stance>,
    n_forces: usize,
    n_factions: usize,
    n_sites: usize,
    n_pairs: usize,
}

impl Series {
    /// An empty series for `theatre`.
    pub fn new(theatre: &Theatre, every: Every) -> Self {
        Self {
            every,
            hours: Vec::new(),
            strength: Vec::new(),
            faction_strength: Vec::new(),
            owner: Vec::new(),
            stance: Vec::new(),
            n_forces: theatre.forces.len(),
            n_factions: theatre.n_factions(),
            n_sites: theatre.scenario.sites.len(),
            n_pairs: theatre.pairs.len(),
        }
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.hours.len()
    }

    /// Whether nothing was sampled.
    pub fn is_empty(&self) -> bool {
        self.hours.is_empty()
    }

    /// Force strengths of sample `k`.
    pub fn strengths(&self, k: usize) -> &[f64] {
        &self.strength[k * self.n_forces..(k + 1) * self.n_forces]
    }

    /// Faction strengths of sample `k`.
    pub fn faction_strengths(&self, k: usize) -> &[f64] {
        &self.faction_strength[k * self.n_factions..(k + 1) * self.n_factions]
    }

    /// Site owners of sample `k`.
    pub fn owners(&self, k: usize) -> &[Option<u16>] {
        &self.owner[k * self.n_sites..(k + 1) * self.n_sites]
    }

    /// Pair stances of sample `k`.
    pub fn stances(&self, k: usize) -> &[Stance] {
        &self.stance[k * self.n_pairs..(k + 1) * self.n_pairs]
    }

    /// Appends the state of `world` now, between two ticks.
    pub fn sample(&mut self, theatre: &Theatre, world: &mut World) {
        let clock = *world.resource::<Clock>();
        self.hours
            .push((clock.tick as f64 * clock.tick_hours).min(clock.horizon_hours));
        let base = self.strength.len();
        self.strength.resize(base + self.n_forces, 0.0);
        let mut forces = world.query::<(&ForceIndex, &Strength)>();
        for (i, s) in forces.iter(world) {
            self.strength[base + i.0 as usize] = s.current;
        }
        let fbase = self.faction_strength.len();
        self.faction_strength.resize(fbase + self.n_factions, 0.0);
        for (f, &s) in theatre.forces.iter().zip(&self.strength[base..]) {
            self.faction_strength[fbase + f.faction.index()] += s;
        }
        let sbase = self.owner.len();
        self.owner.resize(sbase + self.n_sites, None);
        let mut sites = world.query::<(&SiteIndex, &Control)>();
        for (i, c) in sites.iter(world) {
            self.owner[sbase + i.0 as usize] = c.owner.map(|f: FactionId| f.0);
        }
        let relations = world.resource::<RelationMatrix>();
        self.stance
            .extend(theatre.pairs.iter().map(|&(a, b)| relations.stance(a, b)));
    }
}

#[cfg(test)]
mod tests {
    use super::Every;

    #[test]
    fn a_day_is_sampled_at_the_first_tick_boundary_at_or_after_its_end() {
        // Hourly ticks over 3 days: 24, 48, 72.
        assert_eq!(Every::Day.ticks(1.0, 72.0, 72), [24, 48, 72]);
        // 5-hour ticks over 2 days [0, 48): 25 h (tick 5), then the horizon.
        assert_eq!(Every::Day.ticks(5.0, 48.0, 10), [5, 10]);
        // A horizon of 2.5 days: the half day ends at the horizon.
        assert_eq!(Every::Day.ticks(6.0, 60.0, 10), [4, 8, 10]);
        // Ticks of two days: each boundary once.
        assert_eq!(Every::Day.ticks(48.0, 96.0, 2), [1, 2]);
        // A horizon shorter than a day.
        assert_eq!(Every::Day.ticks(1.0, 10.0, 10), [10]);
        assert_eq!(
            Every::Tick.ticks(5.0, 48.0, 10),
            (1..=10).collect::<Vec<_>>()
        );
    }
}
