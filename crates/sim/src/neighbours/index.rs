//! Phase 3, index: brings the force table up to date from the movement
//! phase's moves (or from the components) and refreshes the lists.

use bevy_ecs::prelude::Entity;

use crate::force::{ForceRow, ForceTable, IndexQuery};
use crate::geo::Vec2;
use crate::relation::RelationMatrix;
use crate::scenario::{Domain, FactionId, Objective, Posture};
use crate::theatre::Theatre;

use super::Neighbours;

/// Phase 3: bring [`ForceTable`] up to date and refresh the [`Neighbours`]
/// lists (rebuilt only when some force has left its skin).
///
/// The table changes with the forces: the phases that change strengths do so
/// in the table first ([`ForceTable::set_strength`], written back to the
/// components by [`crate::combat::sync_strengths`], which also marks broken
/// forces in it), and movement records the positions it gives
/// ([`ForceTable::record_move`]), which this phase copies. Every row is
/// copied afresh from the components only when the table is
/// [`stale`](ForceTable::stale) (a scheduled event was applied, or the world
/// was edited by hand) or does not have a row for every force.
///
/// `forces` is called only for a full copy (fetching the query has a cost
/// in every tick).
pub fn index_forces<'w, 's>(
    theatre: &Theatre,
    relations: &RelationMatrix,
    table: &mut ForceTable,
    neighbours: &mut Neighbours,
    forces: impl FnOnce() -> IndexQuery<'w, 's>,
) {
    let n = theatre.forces.len();
    let placeholder = ForceRow {
        pos: Vec2::ZERO,
        faction: FactionId(0),
        strength: 0.0,
        lethality: 0.0,
        weapon_range_km: 0.0,
        sensor_range_km: 0.0,
        broken: false,
        domain: Domain::Ground,
        objective_site: None,
        speed_kmh: 0.0,
        arriving: false,
    };
    // Every force keeps its entity for the whole run, so every row is
    // overwritten: the table is laid out afresh (rows of missing forces
    // dead) only when its size is not the theatre's or a force is missing.
    let fill = |rows: &mut [ForceRow], forces: &IndexQuery| {
        let mut written = 0;
        for (_, idx, fac, pos, st, arms, orders, morale) in forces {
            rows[idx.0 as usize] = ForceRow {
                pos: pos.0,
                faction: fac.0,
                strength: st.current,
                lethality: arms.lethality,
                weapon_range_km: arms.weapon_range_km,
                sensor_range_km: arms.sensor_range_km,
                broken: morale.broken,
                domain: orders.domain,
                objective_site: match (orders.posture, orders.objective) {
                    (Posture::Advance | Posture::Assault, Some(Objective::Site(s))) => {
                        Some(s as u32)
                    }
                    _ => None,
                },
                speed_kmh: orders.speed_kmh,
                arriving: false,
            };
            written += 1;
        }
        written
    };
    let incremental = !table.stale && table.rows.len() == n && table.entities.len() == n;
    if incremental {
        table.moved.clear();
        for &(k, pos) in &table.moves {
            table.rows[k as usize].pos = pos;
            table.moved.push(k);
        }
    } else {
        table.status += 1;
        let forces = forces();
        if table.rows.len() != n || fill(&mut table.rows, &forces) != n {
            table.rows.clear();
            table.rows.resize(n, placeholder);
            fill(&mut table.rows, &forces);
            table.entities.clear();
            table.entities.resize(n, Entity::PLACEHOLDER);
            for (e, idx, ..) in &forces {
                table.entities[idx.0 as usize] = e;
            }
        }
    }
    table.moves.clear();
    table.stale = false;
    neighbours.refresh(
        theatre,
        table,
        relations,
        theatre.scenario.tick_hours,
        incremental.then_some(&table.moved[..]),
    );
}
