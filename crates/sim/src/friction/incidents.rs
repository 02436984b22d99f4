//! What an incident does once the equations have drawn it: the casualties
//! of a clash or engagement fall on the forces (docs/model.md §7.7), the
//! incident is counted and logged, and a clash that completes the pair's
//! `hostile_after_clashes` turns the stance hostile. Shared by the
//! incidents of contacts and of incursions.

use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Poisson};

use super::equations::{casualty_mean, cooling_time};
use crate::events::sorted;
use crate::force::{ForceRow, ForceTable};
use crate::geo::Vec2;
use crate::metrics::{LogEvent, Metrics, Severity};
use crate::params::FrictionParams;
use crate::relation::RelationMatrix;
use crate::scenario::{FactionId, Stance};

/// Applies the casualties of an incident to both forces (once if they are
/// the same force, as for an incursion); returns them.
pub(super) fn inflict(
    p: &FrictionParams,
    severity: Severity,
    table: &mut ForceTable,
    forces: [u32; 2],
    rng: &mut ChaCha8Rng,
    metrics: &mut Metrics,
) -> [f64; 2] {
    let Some(mean) = casualty_mean(p, severity) else {
        return [0.0, 0.0];
    };
    let mut out = [0.0; 2];
    for (k, &f) in forces.iter().enumerate() {
        let drawn = Poisson::new(mean).map(|d| d.sample(rng)).unwrap_or(0.0);
        let ForceRow {
            strength, faction, ..
        } = table.rows[f as usize];
        let lost = drawn.min(strength);
        metrics.outcome.casualties[faction.index()] += lost;
        if lost > 0.0 {
            table.set_strength(f as usize, strength - lost);
        }
        out[k] = lost;
        if forces[0] == forces[1] {
            break;
        }
    }
    out
}

/// Counts and logs a strike of a zone's owner on the intruding force of
/// `incident` (its `zone` set, its forces the intruder twice): a strike is
/// not a clash of the pair, does not count toward `hostile_after_clashes`
/// and is not attributed to segments or sites (docs/model.md §7.8).
pub(super) fn report_punitive_strike(incident: Incident, metrics: &mut Metrics) {
    let Incident {
        slot,
        factions: (fa, fb),
        forces,
        hours,
        severity,
        at,
        zone,
        casualties,
        ..
    } = incident;
    let zone = zone.expect("a strike is in a zone");
    metrics.record_punitive_strike(slot, zone);
    metrics.push(|| LogEvent::PunitiveStrike {
        hours,
        pair: sorted(fa.0, fb.0),
        force: forces[0],
        severity,
        at,
        zone,
        casualties: casualties[0],
    });
}

/// An incident as it is counted and logged.
pub(super) struct Incident {
    /// The tracked pair's slot, if the pair is tracked.
    pub slot: Option<usize>,
    pub factions: (FactionId, FactionId),
    /// The two forces (for an incursion, the intruder twice).
    pub forces: [u32; 2],
    pub hours: f64,
    pub severity: Severity,
    pub at: Vec2,
    pub segment: Option<u32>,
    pub site: Option<u32>,
    pub zone: Option<u32>,
    pub casualties: [f64; 2],
}

/// Counts and logs `incident`, and records a clash against the pair's
/// `hostile_after_clashes`; returns whether the pair turned hostile (its
/// cooling time then drawn from `rng`, the pair's stream).
pub(super) fn report(
    incident: Incident,
    relations: &mut RelationMatrix,
    metrics: &mut Metrics,
    rng: &mut ChaCha8Rng,
) -> bool {
    let Incident {
        slot,
        factions: (fa, fb),
        forces,
        hours,
        severity,
        at,
        segment,
        site,
        zone,
        casualties,
    } = incident;
    metrics.record_incident(slot, hours, severity, segment, site, zone);
    let pair = sorted(fa.0, fb.0);
    metrics.push(|| LogEvent::Incident {
        hours,
        pair,
        forces,
        severity,
        at,
        segment,
        site,
        zone,
        casualties,
    });
    if severity < Severity::Clash || !relations.record_clash(fa, fb) {
        return false;
    }
    if let Some(s) = slot {
        let p = &mut metrics.outcome.pairs[s];
        p.turned_hostile_h = Some(p.turned_hostile_h.unwrap_or(hours));
    }
    metrics.stance_changed(slot, hours, true);
    if let Some(c) = cooling_time(relations.cooling_hours(fa, fb), rng) {
        relations.schedule_cooling(fa, fb, hours + c);
    }
    metrics.push(|| LogEvent::Stance {
        hours,
        pair,
        stance: Stance::Hostile,
        escalation: true,
    });
    true
}
