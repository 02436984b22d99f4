//! Building the `World` and the tick `Schedule`, and running a run.
//!
//! One tick runs these phases, chained in this order (see [`TickSet`]):
//!
//! 1. [`Events`](TickSet::Events): scheduled events due this tick;
//! 2. [`Movement`](TickSet::Movement): orders and movement, around zones;
//! 3. [`Index`](TickSet::Index): force snapshot and spatial grid rebuild;
//! 4. [`Combat`](TickSet::Combat): Lanchester attrition between hostile forces;
//! 5. [`Sites`](TickSet::Sites): capture, output, competition;
//! 6. [`Friction`](TickSet::Friction): incidents, escalation, incursions;
//! 7. [`Clock`](TickSet::Clock): advance the clock.
//!
//! A [`Sim`] builds its `World` and `Schedule` once and is [`reset`](Sim::reset)
//! between runs: the force and site entities are despawned and respawned in
//! index order and every per-run resource is overwritten, which gives the same
//! bits as a fresh world at a fraction of the cost.

use std::sync::Arc;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};

use crate::combat::resolve_combat;
use crate::events::{EventCursor, apply_scheduled_events};
use crate::force::{
    Allegiance, Arms, ForceIndex, ForceTable, Morale, Orders, Position, Strength, index_forces,
};
use crate::friction::{FrictionState, resolve_friction};
use crate::metrics::{Clock, Metrics, Outcome};
use crate::movement::move_forces;
use crate::neighbours::Neighbours;
use crate::relation::RelationMatrix;
use crate::rng::ChaChaStreams;
use crate::site::{Competition, Control, SiteIndex, update_sites};
use crate::theatre::{Theatre, TheatreRes};

/// The phases of a tick, in order.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TickSet {
    /// 1. Scheduled events.
    Events,
    /// 2. Orders and movement.
    Movement,
    /// 3. Spatial index rebuild.
    Index,
    /// 4. Combat between hostile forces.
    Combat,
    /// 5. Site control and output.
    Sites,
    /// 6. Friction between non-allied, non-hostile forces.
    Friction,
    /// 7. Clock.
    Clock,
}

/// Label of the tick schedule.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tick;

/// Label of the schedule that primes the index after a reset.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Prime;

fn advance_clock(mut clock: ResMut<Clock>) {
    clock.advance();
}

fn strict_schedule(label: impl ScheduleLabel) -> Schedule {
    let mut s = Schedule::new(label);
    s.set_executor(SingleThreadedExecutor::new());
    s.set_build_settings(ScheduleBuildSettings {
        ambiguity_detection: LogLevel::Error,
        ..Default::default()
    });
    s
}

/// A reusable simulation of one theatre.
pub struct Sim {
    world: World,
    tick: Schedule,
    prime: Schedule,
    theatre: Arc<Theatre>,
}

impl Sim {
    /// Builds the world and schedules for `theatre`.
    pub fn new(theatre: Arc<Theatre>) -> Self {
        let mut world = World::new();
        let mut tick = strict_schedule(Tick);
        tick.configure_sets(
            (
                TickSet::Events,
                TickSet::Movement,
                TickSet::Index,
                TickSet::Combat,
                TickSet::Sites,
                TickSet::Friction,
                TickSet::Clock,
            )
                .chain(),
        );
        tick.add_systems((
            apply_scheduled_events.in_set(TickSet::Events),
            move_forces.in_set(TickSet::Movement),
            index_forces.in_set(TickSet::Index),
            resolve_combat.in_set(TickSet::Combat),
            update_sites.in_set(TickSet::Sites),
            resolve_friction.in_set(TickSet::Friction),
            advance_clock.in_set(TickSet::Clock),
        ));
        let mut prime = strict_schedule(Prime);
        prime.add_systems(index_forces);
        let mut sim = Self {
            world: World::new(),
            tick,
            prime,
            theatre,
        };
        std::mem::swap(&mut sim.world, &mut world);
        sim.reset(0, 0, false);
        sim.tick
            .initialize(&mut sim.world)
            .expect("the tick schedule is unambiguous");
        sim
    }

    /// The theatre.
    pub fn theatre(&self) -> &Arc<Theatre> {
        &self.theatre
    }

    /// Prepares run `run` of master seed `seed`; `log` collects the event log.
    pub fn reset(&mut self, seed: u64, run: u64, log: bool) {
        let th = Arc::clone(&self.theatre);
        let w = &mut self.world;
        let old: Vec<Entity> = w
            .query_filtered::<Entity, Or<(With<ForceIndex>, With<SiteIndex>)>>()
            .iter(w)
            .collect();
        for e in old {
            w.despawn(e);
        }
        // Despawning records removals; without this they pile up run after
        // run (memory would grow with the number of runs).
        w.clear_trackers();
        w.insert_resource(TheatreRes(Arc::clone(&th)));
        w.insert_resource(Clock::new(
            th.scenario.tick_hours,
            th.scenario.horizon_hours,
        ));
        w.insert_resource(ChaChaStreams::new(seed, run, th.pairs.len()));
        w.insert_resource(RelationMatrix::new(&th));
        w.insert_resource(Metrics::new(&th, log));
        if let Some(mut f) = w.get_resource_mut::<FrictionState>() {
            f.reset(th.pairs.len());
        } else {
            w.insert_resource(FrictionState::new(th.pairs.len()));
        }
        w.insert_resource(EventCursor(0));
        w.insert_resource(Competition::default());
        w.insert_resource(ForceTable::default());
        // The lists keep their buffers from run to run; their contents are
        // rebuilt on the first index of the run.
        if w.contains_resource::<Neighbours>() {
            w.resource_mut::<Neighbours>().invalidate();
        } else {
            w.insert_resource(Neighbours::new());
        }
        for (i, f) in th.forces.iter().enumerate() {
            w.spawn((
                ForceIndex(i as u32),
                Allegiance(f.faction),
                Position(f.position),
                Strength {
                    current: f.strength,
                    initial: f.strength,
                },
                Arms {
                    lethality: f.lethality,
                    weapon_range_km: f.weapon_range_km,
                    sensor_range_km: f.sensor_range_km,
                },
                Orders {
                    posture: f.posture,
                    objective: f.objective,
                    route: f.route.clone(),
                    route_next: 0,
                    withdraw_to: f.withdraw_to,
                    speed_kmh: f.speed_kmh,
                    domain: f.domain,
                    respects_zones: f.respects_zones,
                    arrived: false,
                },
                Morale {
                    break_point: f.break_point,
                    broken: false,
                },
            ));
        }
        for (i, s) in th.scenario.sites.iter().enumerate() {
            w.spawn((SiteIndex(i as u32), Control { owner: s.owner }));
        }
        self.prime.run(w);
    }

    /// Advances one tick.
    pub fn step(&mut self) {
        self.tick.run(&mut self.world);
    }

    /// Whether the horizon has been reached.
    pub fn finished(&self) -> bool {
        self.world.resource::<Clock>().tick >= self.theatre.scenario.ticks
    }

    /// The world (read-only), for inspection.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// The world, for tests that set up situations by hand. The next index
    /// copies every force afresh from its components.
    pub fn world_mut(&mut self) -> &mut World {
        self.world.resource_mut::<ForceTable>().stale = true;
        &mut self.world
    }

    /// Runs the remaining ticks and returns the outcome.
    pub fn finish(&mut self) -> Outcome {
        while !self.finished() {
            self.step();
        }
        std::mem::take(&mut self.world.resource_mut::<Metrics>().outcome)
    }

    /// Plays run `run` of master seed `seed` from the start to the horizon.
    pub fn run(&mut self, seed: u64, run: u64, log: bool) -> Outcome {
        self.reset(seed, run, log);
        self.finish()
    }
}
