//! Phase 1b: deliberate attacks on non-allied factions (docs/model.md §4).
//!
//! A force on `assault` with an `attack` faction (from the file or an
//! `order` event) opens fire on that faction the first time, at the start
//! of a tick, a living force of it is within the attacker's weapon range, or
//! the attacker is within the capture radius of a site that faction holds.
//! Opening fire turns the pair's stance hostile, as a scheduled stance
//! event would, and counts as an engagement between the two factions at the
//! attacker's position; from then on they fight by the combat of §5 (the
//! engagement itself inflicts no casualties of its own). An attack whose
//! pair is already hostile has nothing to open and is dropped; an attack on
//! a faction that is allied at the time waits (allies do not fire on each
//! other).

use bevy_ecs::prelude::*;

use crate::force::ForceTable;
use crate::metrics::{Clock, LogEvent, Metrics, Severity};
use crate::neighbours::Neighbours;
use crate::relation::RelationMatrix;
use crate::scenario::{FactionId, Stance};
use crate::theatre::Theatre;

/// The attacks not yet opened: `(force, target faction)`, in force order.
#[derive(Resource, Debug, Clone, Default)]
pub struct Attacks(Vec<(u32, FactionId)>);

impl Attacks {
    /// The attacks written in the scenario's forces.
    pub fn new(theatre: &Theatre) -> Self {
        Attacks(
            theatre
                .forces
                .iter()
                .enumerate()
                .filter_map(|(i, f)| f.attack.map(|t| (i as u32, t)))
                .collect(),
        )
    }

    /// An `order` event for `force`: its pending attack, if any, is replaced
    /// by `attack` (none: the new orders call no attack).
    pub fn order(&mut self, force: u32, attack: Option<FactionId>) {
        self.0.retain(|&(f, _)| f != force);
        if let Some(t) = attack {
            let at = self.0.partition_point(|&(f, _)| f < force);
            self.0.insert(at, (force, t));
        }
    }

    /// Whether no attack is pending.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Opens the pending attacks whose attackers have met their target, at the
/// positions of the last index (the current positions).
pub fn open_fire(
    theatre: &Theatre,
    clock: &Clock,
    table: &ForceTable,
    near: &Neighbours,
    relations: &mut RelationMatrix,
    metrics: &mut Metrics,
    attacks: &mut Attacks,
) {
    let hours = clock.hours();
    let mut pending = std::mem::take(&mut attacks.0);
    pending.retain(|&(force, target)| {
        let Some(me) = table.rows.get(force as usize) else {
            return true;
        };
        let own = me.faction;
        match relations.stance(own, target) {
            Stance::Hostile => return false,
            Stance::Allied => return true,
            _ => {}
        }
        if me.strength <= 0.0 || me.broken {
            return true;
        }
        // The nearest living force of the target within weapon range
        // (ties: the lowest index), else a site of the target's under foot.
        let mut met: Option<(u32, f64)> = None;
        near.for_each_near_force(table, force, me.weapon_range_km, |j, d| {
            if table.rows[j as usize].faction == target && met.is_none_or(|(_, m)| d < m) {
                met = Some((j, d));
            }
        });
        let site_held = || {
            theatre.scenario.sites.iter().enumerate().find(|(s, site)| {
                metrics.outcome.site_owner_end[*s] == Some(target.0)
                    && site.position.distance(me.pos) <= site.capture_radius_km
            })
        };
        let victim = match met {
            Some((j, _)) => j,
            None if site_held().is_some() => force,
            None => return true,
        };
        relations.set_stance(own, target, Stance::Hostile);
        let pair = [own.0.min(target.0), own.0.max(target.0)];
        let site = me.objective_site;
        let slot = theatre.slot(own, target);
        metrics.record_incident(slot, hours, Severity::Engagement, None, site, None);
        let at = me.pos;
        metrics.push(|| LogEvent::Incident {
            hours,
            pair,
            forces: [force, victim],
            severity: Severity::Engagement,
            at,
            segment: None,
            site,
            zone: None,
            casualties: [0.0, 0.0],
        });
        metrics.push(|| LogEvent::Stance {
            hours,
            pair,
            stance: Stance::Hostile,
            escalation: false,
        });
        false
    });
    attacks.0 = pending;
}
