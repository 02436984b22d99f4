//! The contacts against their definition (docs/model.md §7.1), pair by
//! pair, over ticks in which forces move, die and stances change: what the
//! caches and chunks find must be what a brute-force search finds.

use std::sync::Arc;

use proptest::prelude::*;

use super::FrictionState;
use super::contacts::{Tick, find_contacts};
use crate::force::{ForceRow, ForceTable};
use crate::geo::{Vec2, point_segment_distance};
use crate::neighbours::Neighbours;
use crate::relation::RelationMatrix;
use crate::scenario::{FactionId, Stance};
use crate::site::Competition;
use crate::testing::{built, row, scenario};
use crate::theatre::Theatre;

/// Factions a, b, c (a–b rival, b–c neutral, a–c cooperative, all
/// tracked) and three lines of two pairs, one with its factions named
/// the other way round.
fn lines_theatre() -> Arc<Theatre> {
    built(
        &scenario()
            .factions(["a", "b", "c"])
            .relation(["a", "b"], "rival", |r| r)
            .relation(["a", "c"], "cooperative", |r| r)
            .line(
                "ab",
                ["a", "b"],
                [(-20.0, 0.0), (0.0, 3.0), (20.0, 0.0)],
                |l| l.buffer_km(3).segment_km(4),
            )
            .line("ba", ["b", "a"], [(-20.0, 10.0), (20.0, 10.0)], |l| {
                l.buffer_km(4).segment_km(6)
            })
            .line("bc", ["b", "c"], [(0.0, -20.0), (0.0, 20.0)], |l| {
                l.buffer_km(2).segment_km(3)
            })
            .force("far", "a", (500.0, 500.0), |f| {
                f.strength(1).sensor_range_km(15)
            }),
    )
}

/// The contacts by definition: every pair of living forces of a tracked
/// pair with friction, within the larger sensor range or facing each
/// other across a segment of one of their lines (each within its buffer,
/// on opposite sides or on it), with the lowest such segment.
fn brute_contacts(
    th: &Theatre,
    relations: &RelationMatrix,
    rows: &[ForceRow],
) -> Vec<(usize, u32, u32, Option<u32>)> {
    let mut out = Vec::new();
    for (i, ri) in rows.iter().enumerate() {
        for (j, rj) in rows.iter().enumerate().skip(i + 1) {
            let Some(slot) = th.slot(ri.faction, rj.faction) else {
                continue;
            };
            if !ri.alive()
                || !rj.alive()
                || !relations.stance(ri.faction, rj.faction).has_friction()
            {
                continue;
            }
            let d2 = ri.pos.distance_sq(rj.pos);
            let s = ri.sensor_range_km.max(rj.sensor_range_km);
            let segment = th.scenario.segments.iter().position(|seg| {
                let line = &th.scenario.contact_lines[seg.line];
                let mans =
                    |r: &ForceRow| point_segment_distance(r.pos, seg.a, seg.b).0 <= line.buffer_km;
                let side = |r: &ForceRow| (seg.b - seg.a).cross(r.pos - seg.a);
                line.between.contains(&ri.faction)
                    && line.between.contains(&rj.faction)
                    && mans(ri)
                    && mans(rj)
                    && side(ri) * side(rj) <= 0.0
            });
            if d2 <= s * s || segment.is_some() {
                out.push((slot, i as u32, j as u32, segment.map(|s| s as u32)));
            }
        }
    }
    out.sort_by_key(|c| (c.0, c.1, c.2));
    out
}

proptest! {
    /// The contacts found, in any chunking, are the contacts by
    /// definition, in order, and each pair's cumulative hazards rise to
    /// its total; over ten ticks in which some forces move, some die
    /// and a stance turns hostile and back (the manning of the forces
    /// that stay put is reused; in the ticks after, in which no force
    /// dies, only the movers' is checked, and in the last six, in which
    /// they move a tenth as far, within the lists' skins, a mover near
    /// where its manning was last found in full only updates its sides).
    #[test]
    fn contacts_equal_their_definition(
        forces in prop::collection::vec(
            (-22.0f64..22.0, -22.0f64..22.0, 0.0f64..4.0, 0u16..3, prop::bool::weighted(0.9)),
            1..80,
        ),
        moves in prop::collection::vec(
            (prop::bool::weighted(0.3), -3.0f64..3.0, -3.0f64..3.0, prop::bool::weighted(0.05)),
            80,
        ),
        chunking in (1usize..40, 1usize..9),
    ) {
        let th = lines_theatre();
        let rows: Vec<ForceRow> = forces
            .iter()
            .map(|&(x, y, sensor, faction, alive)| {
                row(x, y, sensor, 1.0, if alive { 100.0 } else { 0.0 }, faction)
            })
            .collect();
        let mut table = ForceTable {
            rows,
            ..Default::default()
        };
        let mut relations = RelationMatrix::new(&th);
        let mut near = Neighbours::new();
        let competition = Competition::default();
        let mut st = FrictionState::new(th.pairs.len());
        st.set_chunking(chunking.0, chunking.1);
        for t in 0..10 {
            match t {
                2 => relations.set_stance(FactionId(0), FactionId(1), Stance::Hostile),
                6 => relations.set_stance(FactionId(0), FactionId(1), Stance::Rival),
                _ => {}
            }
            near.refresh(&th, &table, &relations, 1.0, None);
            let tick = Tick {
                th: &th,
                rows: &table.rows,
                moved: (&table.moved, table.status),
                relations: &relations,
                competition: &competition,
                t0: t as f64,
            };
            find_contacts(&tick, &near, &mut st);
            let list = &st.list;
            let total = list.bounds[th.pairs.len()] as usize;
            let mut got = Vec::new();
            for slot in 0..th.pairs.len() {
                let (start, end) = (list.bounds[slot] as usize, list.bounds[slot + 1] as usize);
                let mut previous = 0.0;
                for k in start..end {
                    let c = list.contact(k);
                    got.push((slot, c.i, c.j, c.segment));
                    let sum = list.cumulative(k);
                    prop_assert!(sum > previous, "hazards are positive");
                    previous = sum;
                    // The search finds the contact whose share holds `pick`.
                    prop_assert_eq!(list.search(start, end, sum), k + 1);
                }
            }
            prop_assert_eq!(got.len(), total);
            prop_assert_eq!(got, brute_contacts(&th, &relations, &table.rows), "tick {}", t);
            // As the phases report them: the forces moved, and a
            // death counted in the status.
            table.moved.clear();
            for (k, (r, &(moves, dx, dy, dies))) in table.rows.iter_mut().zip(&moves).enumerate() {
                if moves {
                    let step = if t < 4 { 1.0 } else { 0.1 };
                    r.pos = r.pos + Vec2::new(dx, dy) * step;
                    table.moved.push(k as u32);
                }
                if dies && r.alive() {
                    r.strength = 0.0;
                    table.status += 1;
                }
            }
        }
    }
}
