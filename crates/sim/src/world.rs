//! Building the `World` and the tick `Schedule`, and running a run.
//!
//! One tick runs these phases, always in this order, in one system (the
//! `tick` function of this module, in the manner of rapier's `step`), which
//! plays a batch of ticks each time the schedule runs (one for
//! [`Sim::step`], the rest of the run for [`Sim::finish`]):
//!
//! 1. events ([`cool_stances`], [`apply_scheduled_events`]): stances
//!    turned hostile by clashes whose cooling time has come return to
//!    their prior stance, then scheduled events due this tick; then
//!    deliberate attacks that meet their target open fire ([`open_fire`]);
//! 2. movement ([`move_forces`]): orders and movement, around zones;
//! 3. index ([`index_forces`]): force table and neighbour lists;
//! 4. combat ([`resolve_combat`]): Lanchester attrition between hostile
//!    forces, with the reinforcements arriving over a window as a source;
//! 5. sites ([`update_sites`]): capture, output, competition;
//! 6. friction ([`resolve_friction`]): incidents, escalation, incursions;
//! 7. clock: advance the clock.
//!
//! A [`Sim`] builds its `World` and `Schedule` once and is [`reset`](Sim::reset)
//! between runs: the force and site entities are despawned and respawned in
//! index order and every per-run resource is overwritten, which gives the same
//! bits as a fresh world at a fraction of the cost.

use std::sync::Arc;

use bevy_ecs::prelude::*;
use bevy_ecs::schedule::{LogLevel, ScheduleBuildSettings, ScheduleLabel, SingleThreadedExecutor};

use crate::arrivals::Arrivals;
use crate::attacks::{Attacks, open_fire};
use crate::combat::{CombatScratch, resolve_combat, sync_strengths};
use crate::events::{EventCursor, EventQuery, apply_scheduled_events, cool_stances};
use crate::force::{
    Allegiance, Arms, ForceIndex, ForceTable, IndexQuery, Mobile, Morale, Orders, Position,
    Strength, StrengthQuery,
};
use crate::friction::{FrictionState, resolve_friction};
use crate::metrics::{Clock, Metrics, Outcome};
use crate::movement::{MoveQuery, move_forces};
use crate::neighbours::{Neighbours, index_forces};
use crate::relation::RelationMatrix;
use crate::rng::ChaChaStreams;
use crate::scenario::Circle;
use crate::series::{Every, Series};
use crate::site::{Competition, Control, SiteIndex, SiteQuery, SiteScratch, update_sites};
use crate::theatre::{Theatre, TheatreRes};

/// Label of the tick schedule.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Tick;

/// Label of the schedule that primes the index after a reset.
#[derive(ScheduleLabel, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Prime;

/// The force components, as each phase reads or changes them (the phases
/// take turns, so their queries may overlap).
type ForceQueries<'w, 's> = ParamSet<
    'w,
    's,
    (
        EventQuery<'static, 'static>,
        MoveQuery<'static, 'static>,
        IndexQuery<'static, 'static>,
        StrengthQuery<'static, 'static>,
    ),
>;

/// The buffers the phases reuse from tick to tick.
#[derive(Default)]
struct Scratch {
    blocking: Vec<Circle>,
    combat: CombatScratch,
    sites: SiteScratch,
}

/// How many ticks the next run of the tick schedule plays: one for
/// [`Sim::step`], the rest of the run for [`Sim::finish`].
#[derive(Resource, Debug, Clone, Copy)]
struct Batch(u32);

/// Ticks: the phases 1–7 of the module documentation, in order, as many
/// times as [`Batch`] says. One system runs them all, so that bevy fetches
/// the run's resources once a batch rather than once a phase or a tick
/// (docs/performance.md, steps 25 and 33).
#[allow(clippy::too_many_arguments)]
fn tick(
    theatre: Res<TheatreRes>,
    batch: Res<Batch>,
    mut clock: ResMut<Clock>,
    mut cursor: ResMut<EventCursor>,
    mut arrivals: ResMut<Arrivals>,
    mut attacks: ResMut<Attacks>,
    mut relations: ResMut<RelationMatrix>,
    mut metrics: ResMut<Metrics>,
    mut table: ResMut<ForceTable>,
    mut near: ResMut<Neighbours>,
    mut rng: ResMut<ChaChaStreams>,
    mut friction: ResMut<FrictionState>,
    mut competition: ResMut<Competition>,
    mut forces: ForceQueries,
    mut sites: SiteQuery,
    mut scratch: Local<Scratch>,
) {
    let (th, scratch) = (&**theatre, &mut *scratch);
    for _ in 0..batch.0 {
        // 1. Cooling of stances turned hostile by clashes, then scheduled
        // events.
        cool_stances(th, &clock, &mut relations, &mut metrics);
        apply_scheduled_events(
            th,
            &clock,
            &mut cursor,
            &mut arrivals,
            &mut attacks,
            &mut relations,
            &mut metrics,
            &mut table,
            || forces.p0(),
        );
        // 1b. Deliberate attacks that meet their target open fire.
        if !attacks.is_empty() {
            open_fire(
                th,
                &clock,
                &table,
                &near,
                &mut relations,
                &mut metrics,
                &mut attacks,
            );
        }
        // 2. Orders and movement.
        move_forces(
            th,
            &clock,
            &relations,
            &mut table,
            &near,
            &mut metrics,
            forces.p1(),
            &mut scratch.blocking,
            &scratch.combat,
        );
        // 3. Force table and neighbour lists.
        index_forces(th, &relations, &mut table, &mut near, || forces.p2());
        // 4. Combat, with the reinforcements arriving over a window; the
        // strengths it changed in the table are written back to the
        // components, with breaks and deaths.
        let hours = clock.hours() + clock.dt_hours;
        if resolve_combat(
            th,
            &clock,
            &relations,
            &near,
            &arrivals,
            &mut table,
            &mut rng,
            &mut metrics,
            &mut scratch.combat,
        ) {
            sync_strengths(&mut table, forces.p3(), &mut metrics, hours);
        }
        if !arrivals.streams().is_empty() {
            arrivals.retire(hours);
        }
        // 5. Sites.
        update_sites(
            th,
            &clock,
            &relations,
            &table,
            &near,
            &mut competition,
            &mut metrics,
            sites.reborrow(),
            &mut scratch.sites,
        );
        // 6. Friction and incursions; likewise.
        if resolve_friction(
            th,
            &clock,
            &near,
            &mut table,
            &mut relations,
            &mut friction,
            &mut rng,
            &mut metrics,
            &competition,
        ) {
            sync_strengths(&mut table, forces.p3(), &mut metrics, hours);
        }
        // 7. Clock.
        clock.advance();
    }
}

/// Phase 3 alone, to prime the table and the lists after a reset.
fn prime(
    theatre: Res<TheatreRes>,
    relations: Res<RelationMatrix>,
    mut table: ResMut<ForceTable>,
    mut near: ResMut<Neighbours>,
    forces: IndexQuery,
) {
    index_forces(&theatre, &relations, &mut table, &mut near, || forces);
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
        let mut tick_schedule = strict_schedule(Tick);
        tick_schedule.add_systems(tick);
        let mut prime_schedule = strict_schedule(Prime);
        prime_schedule.add_systems(prime);
        let mut sim = Self {
            world: World::new(),
            tick: tick_schedule,
            prime: prime_schedule,
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
        w.insert_resource(Arrivals::default());
        w.insert_resource(Attacks::new(&th));
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
            let force = (
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
            );
            // In index order either way (the movement phase's order).
            if f.speed_kmh > 0.0 {
                w.spawn((force, Mobile));
            } else {
                w.spawn(force);
            }
        }
        for (i, s) in th.scenario.sites.iter().enumerate() {
            w.spawn((SiteIndex(i as u32), Control { owner: s.owner }));
        }
        self.prime.run(w);
    }

    /// Advances one tick.
    pub fn step(&mut self) {
        self.play(1);
    }

    /// Plays `ticks` ticks in one run of the tick schedule.
    fn play(&mut self, ticks: u32) {
        self.world.insert_resource(Batch(ticks));
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
        // Each tick advances the clock by one tick.
        let done = self.world.resource::<Clock>().tick;
        self.play(self.theatre.scenario.ticks.saturating_sub(done));
        debug_assert!(self.finished());
        let horizon = self.theatre.scenario.horizon_hours;
        let mut metrics = self.world.resource_mut::<Metrics>();
        metrics.close(horizon);
        std::mem::take(&mut metrics.outcome)
    }

    /// Plays run `run` of master seed `seed` from the start to the horizon.
    pub fn run(&mut self, seed: u64, run: u64, log: bool) -> Outcome {
        self.reset(seed, run, log);
        self.finish()
    }

    /// Plays run `run` of master seed `seed` like [`Sim::run`], and samples
    /// its state at the start and at the instants of `every` (the
    /// [`series`](crate::series) module). The ticks are played in batches
    /// between the instants, so the outcome is that of [`Sim::run`], bit for
    /// bit.
    pub fn run_series(
        &mut self,
        seed: u64,
        run: u64,
        log: bool,
        every: Every,
    ) -> (Outcome, Series) {
        self.reset(seed, run, log);
        let th = Arc::clone(&self.theatre);
        let s = &th.scenario;
        let mut series = Series::new(&th, every);
        series.sample(&th, &mut self.world);
        let mut done = 0;
        for k in every.ticks(s.tick_hours, s.horizon_hours, s.ticks) {
            self.play(k - done);
            done = k;
            series.sample(&th, &mut self.world);
        }
        (self.finish(), series)
    }
}
