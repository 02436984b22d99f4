//! Forces: their components, and the per-tick snapshot the hot phases read.
//!
//! Components are the truth; [`ForceTable`] is a dense copy indexed by
//! [`ForceIndex`], rebuilt in phase 3 together with the neighbour lists
//! ([`crate::neighbours::index_forces`]), so that combat, sites and friction
//! can look forces up by index and iterate them in index order whatever the
//! ECS storage order. This module imports no phase: the phases import it.

use bevy_ecs::prelude::*;

use crate::geo::Vec2;
use crate::scenario::{Domain, FactionId, Objective, Posture};

/// Stable index of a force: its position in [`crate::theatre::Theatre::forces`].
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ForceIndex(pub u32);

/// The faction a force belongs to.
#[derive(Component, Debug, Clone, Copy)]
pub struct Allegiance(pub FactionId);

/// Map position, km.
#[derive(Component, Debug, Clone, Copy)]
pub struct Position(pub Vec2);

/// Personnel.
#[derive(Component, Debug, Clone, Copy)]
pub struct Strength {
    /// Now.
    pub current: f64,
    /// At the start, plus reinforcements.
    pub initial: f64,
}

/// Weapons and sensors.
#[derive(Component, Debug, Clone, Copy)]
pub struct Arms {
    /// Kills per combatant per hour.
    pub lethality: f64,
    /// km.
    pub weapon_range_km: f64,
    /// km.
    pub sensor_range_km: f64,
}

/// Orders and mobility.
#[derive(Component, Debug, Clone)]
pub struct Orders {
    /// Current posture.
    pub posture: Posture,
    /// Advance objective.
    pub objective: Option<Objective>,
    /// Patrol route.
    pub route: Vec<Vec2>,
    /// Next waypoint of the route.
    pub route_next: usize,
    /// Where to withdraw.
    pub withdraw_to: Vec2,
    /// km/h; fixed for the run (a force spawned with none has no
    /// [`Mobile`] marker and is never moved).
    pub speed_kmh: f64,
    /// Ground or air.
    pub domain: Domain,
    /// Goes around exclusion zones.
    pub respects_zones: bool,
    /// Whether it has reached its objective (reported once).
    pub arrived: bool,
}

/// Marks a force that can move (a positive speed at the start of the run;
/// no phase changes a speed): the movement phase visits only these.
#[derive(Component, Debug, Clone, Copy)]
pub struct Mobile;

/// Break point and state.
#[derive(Component, Debug, Clone, Copy)]
pub struct Morale {
    /// Fraction of `Strength::initial` below which the force breaks.
    pub break_point: f64,
    /// Broken: withdraws and no longer fires or captures.
    pub broken: bool,
}

/// The force components that the phases changing strength write back.
pub type StrengthQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static ForceIndex,
        &'static mut Strength,
        &'static mut Morale,
        &'static mut Orders,
    ),
>;

/// One force as the hot phases see it.
#[derive(Debug, Clone, Copy)]
pub struct ForceRow {
    /// Position, km.
    pub pos: Vec2,
    /// Faction.
    pub faction: FactionId,
    /// Personnel now.
    pub strength: f64,
    /// Kills per combatant per hour.
    pub lethality: f64,
    /// km.
    pub weapon_range_km: f64,
    /// km.
    pub sensor_range_km: f64,
    /// Broken.
    pub broken: bool,
    /// Ground or air.
    pub domain: Domain,
    /// Site it is advancing on, if any.
    pub objective_site: Option<u32>,
    /// km/h.
    pub speed_kmh: f64,
    /// Set only during a mean-field combat phase, for a force that has no
    /// personnel at the start of the tick but receives some during it (a
    /// reinforcement over a window): it fights as they arrive.
    pub arriving: bool,
}

impl ForceRow {
    /// Still has personnel (or, during a mean-field combat phase, is
    /// receiving some: [`Self::arriving`]).
    pub fn alive(&self) -> bool {
        self.strength > 0.0 || self.arriving
    }
}

/// Dense snapshot of all forces by index.
#[derive(Resource, Debug, Clone, Default)]
pub struct ForceTable {
    /// Rows by [`ForceIndex`].
    pub rows: Vec<ForceRow>,
    /// The entity of each force, by index (empty for a table made by hand).
    pub entities: Vec<Entity>,
    /// The forces whose strength the phases have changed in the table and
    /// not yet written back to their components (see
    /// [`crate::combat::sync_strengths`]).
    pub changed: Vec<u32>,
    /// The positions the movement phase gave forces this tick, (force,
    /// position), for the index phase to copy into the rows.
    pub moves: Vec<(u32, Vec2)>,
    /// Whether the next index must copy every row afresh from the
    /// components: set by the phases that change components in other ways
    /// than the table knows of (scheduled events, and
    /// [`crate::world::Sim::world_mut`]).
    pub stale: bool,
    /// The forces whose rows the last index moved (scratch).
    pub(crate) moved: Vec<u32>,
    /// The personnel that reinforcements over a window brought each force
    /// this tick, (force, personnel), in the table's strength already: the
    /// write-back adds them to the initial strength too.
    pub arrived: Vec<(u32, f64)>,
    /// Counts the changes of whether a force is alive or broken, or of its
    /// objective (deaths and breaks in [`crate::combat::sync_strengths`],
    /// and every full copy): what is derived from those knows from it
    /// whether it is still current.
    pub status: u64,
}

impl ForceTable {
    /// Sets force `k`'s strength in the table, to be written back.
    pub fn set_strength(&mut self, k: usize, strength: f64) {
        self.rows[k].strength = strength;
        self.changed.push(k as u32);
    }

    /// Records that the movement phase put force `k` at `pos` (its
    /// component's new value); the index phase copies it into the row.
    pub fn record_move(&mut self, k: u32, pos: Vec2) {
        self.moves.push((k, pos));
    }
}

/// Every component of a force, as phase 3 copies it into the table.
pub type IndexQuery<'w, 's> = Query<
    'w,
    's,
    (
        Entity,
        &'static ForceIndex,
        &'static Allegiance,
        &'static Position,
        &'static Strength,
        &'static Arms,
        &'static Orders,
        &'static Morale,
    ),
>;
