//! Incursions into exclusion zones (docs/model.md §7.8): each living force
//! inside an exclusion zone whose owner it has friction with is struck by
//! the owner with probability `1 − exp(−h Δt)` per tick; the strike
//! escalates on the ladder of §7.6 (which sets its casualties), but is not
//! a clash of the pair: it does not turn the stance hostile. Not
//! self-exciting.

use rand::RngExt;

use super::equations::{escalate, escalation_probabilities, incursion_time};
use super::incidents::{Incident, inflict, report_punitive_strike};
use crate::force::ForceTable;
use crate::metrics::Metrics;
use crate::neighbours::Neighbours;
use crate::relation::RelationMatrix;
use crate::rng::ChaChaStreams;
use crate::scenario::ZoneRule;
use crate::theatre::Theatre;

/// The incursions of one tick from `t0` over `dt` hours, with each zone's
/// probability of an incident in the tick (by zone); `inside` is scratch.
/// Returns whether a strength changed.
#[allow(clippy::too_many_arguments)]
pub(super) fn incursions(
    th: &Theatre,
    t0: f64,
    dt: f64,
    probabilities: &[f64],
    near: &Neighbours,
    inside: &mut Vec<u32>,
    table: &mut ForceTable,
    relations: &mut RelationMatrix,
    rng: &mut ChaChaStreams,
    metrics: &mut Metrics,
) -> bool {
    let mut changed = false;
    let p = &th.scenario.params.friction;
    for (zi, z) in th.scenario.zones.iter().enumerate() {
        if z.rule != ZoneRule::Exclusion || z.incursion_hazard_per_hour <= 0.0 {
            continue;
        }
        let bc = z.shape.bounding_circle();
        inside.clear();
        near.for_each_near_zone(table, zi, bc.center, bc.radius_km, |j, _| {
            let r = &table.rows[j as usize];
            let st = relations.stance(r.faction, z.owner);
            if st.has_friction() && z.shape.contains(r.pos) {
                inside.push(j);
            }
        });
        let prob = probabilities[zi];
        for &j in inside.iter() {
            if !metrics.may_record_incident() {
                break;
            }
            let u: f64 = rng.incursion.random();
            if u >= prob {
                continue;
            }
            let fa = table.rows[j as usize].faction;
            let severity = escalate(
                &mut rng.incursion,
                escalation_probabilities(th, relations, fa, z.owner),
            );
            let hours = t0 + incursion_time(u, z.incursion_hazard_per_hour, dt);
            let casualties = inflict(p, severity, table, [j, j], &mut rng.incursion, metrics);
            changed |= casualties != [0.0, 0.0];
            let at = table.rows[j as usize].pos;
            let incident = Incident {
                slot: th.slot(fa, z.owner),
                factions: (fa, z.owner),
                forces: [j, j],
                hours,
                severity,
                at,
                segment: None,
                site: None,
                zone: Some(zi as u32),
                casualties,
            };
            report_punitive_strike(incident, metrics);
        }
    }
    changed
}
