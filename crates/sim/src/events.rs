//! Phase 1: scheduled events (stance and truce changes, reinforcements,
//! orders, strikes), applied at the start of their tick in file order. A
//! reinforcement over a window only starts its stream here ([`Arrivals`]);
//! phase 4 integrates it.

use bevy_ecs::prelude::*;

use crate::arrivals::{Arrivals, Stream};
use crate::attacks::Attacks;
use crate::force::{Allegiance, ForceIndex, ForceTable, Morale, Orders, Strength};
use crate::metrics::{Clock, LogEvent, Metrics};
use crate::relation::RelationMatrix;
use crate::scenario::{Action, Posture, Stance};
use crate::theatre::Theatre;

/// Index of the next scheduled event to apply.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct EventCursor(pub usize);

/// The force components scheduled events change.
pub type EventQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static ForceIndex,
        &'static Allegiance,
        &'static mut Strength,
        &'static mut Orders,
        &'static mut Morale,
    ),
>;

/// Applies every event due at the current tick. `forces` is called only
/// if one is due (fetching the query has a cost in every tick).
#[allow(clippy::too_many_arguments)]
pub fn apply_scheduled_events<'w, 's>(
    theatre: &Theatre,
    clock: &Clock,
    cursor: &mut EventCursor,
    arrivals: &mut Arrivals,
    attacks: &mut Attacks,
    relations: &mut RelationMatrix,
    metrics: &mut Metrics,
    table: &mut ForceTable,
    forces: impl FnOnce() -> EventQuery<'w, 's>,
) {
    let events = &theatre.scenario.events;
    if events.get(cursor.0).is_none_or(|ev| ev.tick > clock.tick) {
        return;
    }
    let mut forces = forces();
    let hours = clock.hours();
    while let Some(ev) = events.get(cursor.0) {
        if ev.tick > clock.tick {
            break;
        }
        let index = ev.number - 1;
        cursor.0 += 1;
        // Events change forces' components behind the table's back.
        table.stale = true;
        metrics.push(|| LogEvent::Scheduled { hours, index });
        match &ev.action {
            Action::Stance { pair, stance } => {
                relations.set_stance(pair[0], pair[1], *stance);
                let slot = theatre.slot(pair[0], pair[1]);
                metrics.stance_changed(slot, hours, *stance == Stance::Hostile);
                let p = sorted(pair[0].0, pair[1].0);
                metrics.push(|| LogEvent::Stance {
                    hours,
                    pair: p,
                    stance: *stance,
                    escalation: false,
                });
            }
            Action::Deconfliction { pair, value } => {
                relations.set_deconfliction(pair[0], pair[1], *value)
            }
            Action::Truce { pair, truce } => relations.add_truce(pair[0], pair[1], truce.clone()),
            Action::Reinforce { force, strength } => {
                for (idx, _, mut st, _, mut morale) in &mut forces {
                    if idx.0 as usize == *force {
                        st.current += strength;
                        st.initial += strength;
                        if morale.broken && st.current >= morale.break_point * st.initial {
                            morale.broken = false;
                        }
                    }
                }
            }
            Action::ReinforceOver {
                force,
                strength,
                hours: window,
            } => arrivals.start(Stream {
                force: *force as u32,
                rate_per_hour: strength / window,
                from_hours: ev.hours,
                to_hours: ev.hours + window,
            }),
            Action::Order {
                force,
                posture,
                objective,
                route,
                attack,
            } => {
                attacks.order(*force as u32, *attack);
                for (idx, _, _, mut orders, _) in &mut forces {
                    if idx.0 as usize == *force {
                        orders.posture = *posture;
                        if objective.is_some() {
                            orders.objective = *objective;
                        }
                        if !route.is_empty() {
                            orders.route = route.clone();
                            orders.route_next = 0;
                        }
                        orders.arrived = false;
                    }
                }
            }
            Action::Strike { force, losses, .. } => {
                for (idx, fac, mut st, mut orders, mut morale) in &mut forces {
                    if idx.0 as usize == *force && st.current > 0.0 {
                        let lost = (st.current * losses).round().min(st.current);
                        st.current -= lost;
                        metrics.outcome.casualties[fac.0.index()] += lost;
                        let f = idx.0;
                        if st.current <= 0.0 {
                            metrics.push(|| LogEvent::Destroyed { hours, force: f });
                        } else if !morale.broken && st.current < morale.break_point * st.initial {
                            morale.broken = true;
                            orders.posture = Posture::Withdraw;
                            metrics.push(|| LogEvent::Broken { hours, force: f });
                        }
                    }
                }
            }
        }
    }
}

/// Returns the pairs turned hostile by clashes whose cooling time has come
/// (at or before the start of this tick) to their prior stance
/// (docs/model.md §7.7). The log gives the drawn time of each return.
pub fn cool_stances(
    theatre: &Theatre,
    clock: &Clock,
    relations: &mut RelationMatrix,
    metrics: &mut Metrics,
) {
    relations.cool(clock.hours(), |a, b, stance, hours| {
        metrics.stance_changed(theatre.slot(a, b), hours, false);
        metrics.push(|| LogEvent::Stance {
            hours,
            pair: sorted(a.0, b.0),
            stance,
            escalation: true,
        });
    });
}

/// A pair in ascending order.
pub fn sorted(a: u16, b: u16) -> [u16; 2] {
    if a <= b { [a, b] } else { [b, a] }
}
