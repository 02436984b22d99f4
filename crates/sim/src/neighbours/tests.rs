//! The lists against brute force, and the skins against the orders.

use super::*;
use crate::force::{ForceRow, ForceTable};
use crate::geo::Vec2;
use crate::relation::RelationMatrix;
use crate::scenario::Domain;
use crate::scenario::{FactionId, Stance};
use crate::testing::{built, row, scenario};
use crate::theatre::Theatre;
use proptest::prelude::*;
use std::sync::Arc;

/// Factions a, b, c (a–c allied, b–c hostile), a site, and a far force
/// whose sensor range sets the grid cell to 15 km, as in the forces of
/// the test.
fn theatre() -> Arc<Theatre> {
    built(
        &scenario()
            .factions(["a", "b", "c"])
            .relation(["a", "c"], "allied", |r| r)
            .relation(["b", "c"], "hostile", |r| r)
            .force("far", "a", (500.0, 500.0), |f| {
                f.strength(1).sensor_range_km(15)
            })
            .site("s", "oil_field", (3.0, -4.0), |s| s.capture_radius_km(6)),
    )
}

/// The living forces within `r` of `p`; around force `of`, only those
/// of factions that may interact with its own.
fn brute(th: &Theatre, table: &ForceTable, p: Vec2, r: f64, of: Option<usize>) -> Vec<(u32, f64)> {
    let n = th.n_factions();
    let mut out = Vec::new();
    for (j, row) in table.rows.iter().enumerate() {
        let d2 = row.pos.distance_sq(p);
        let may = of.is_none_or(|i| {
            th.may_interact[table.rows[i].faction.index() * n + row.faction.index()]
        });
        if may && row.alive() && d2 <= r * r {
            out.push((j as u32, d2.sqrt()));
        }
    }
    out
}

/// A patrol's skin is the reach of its route, a defender's and an
/// arrived advance's nothing, an advance's the way to its objective
/// when that is shorter than its ticks of movement, also once its skin
/// has doubled; all hold for as long as the orders do (no rebuild while
/// the patrol flies its route many times over). A force that leaves
/// such a skin (its orders changed) gets the width its speed gives, and
/// that doubles each time it is left.
#[test]
fn skins_are_bounded_by_the_orders() {
    let th = built(
        &scenario()
            .factions(["a", "b"])
            .force("patrol", "a", (0.0, 0.0), |f| {
                f.strength(100)
                    .speed_kmh(20)
                    .posture("patrol")
                    .route([(0.0, 0.0), (12.0, 0.0), (6.0, 9.0)])
                    .sensor_range_km(40)
            })
            .force("defender", "b", (30.0, 0.0), |f| {
                f.strength(100).speed_kmh(5).posture("defend")
            })
            .force("advance", "b", (0.0, 20.0), |f| {
                f.strength(100)
                    .speed_kmh(1)
                    .posture("advance")
                    .objective("well")
            })
            .force("column", "b", (100.0, 0.0), |f| {
                f.strength(100)
                    .speed_kmh(1)
                    .posture("advance")
                    .objective("town")
            })
            .site("town", "town", (125.0, 0.0), |s| s.capture_radius_km(1))
            .site("well", "oil_field", (3.0, 24.0), |s| s.capture_radius_km(1)),
    );
    let relations = RelationMatrix::new(&th);
    let rows: Vec<ForceRow> = th
        .forces
        .iter()
        .map(|f| ForceRow {
            speed_kmh: f.speed_kmh,
            weapon_range_km: f.weapon_range_km,
            ..row(
                f.position.x,
                f.position.y,
                f.sensor_range_km,
                f.speed_kmh,
                100.0,
                f.faction.0,
            )
        })
        .collect();
    let mut table = ForceTable {
        rows,
        ..Default::default()
    };
    let mut near = Neighbours::new();
    near.refresh(&th, &table, &relations, 1.0, None);
    let margin = |d: f64| d * (1.0 + 1e-9) + 1e-6;
    // Without the orders: 8 ticks of 20 km, 8 of 5 km, and 8 of 1 km
    // (within the 10 km sensor range, up to 32 ticks: 10 km).
    assert_eq!(near.skin[0], margin(12.0)); // the farthest waypoint
    assert_eq!(near.skin[1], margin(0.0));
    assert_eq!(near.skin[2], margin(5.0)); // a 3-4-5 triangle
    // The patrol flies its 12 + 10.8 + 10.8 km triangle 60 times over
    // with no rebuild.
    let route = th.forces[0].route.clone();
    let mut next = 1;
    for _ in 0..100 {
        let p = &mut table.rows[0].pos;
        *p = crate::movement::travel(*p, route[next], 20.0, &[]);
        if p.distance(route[next]) < 1e-9 {
            next = (next + 1) % route.len();
        }
        near.refresh(&th, &table, &relations, 1.0, Some(&[0]));
    }
    assert_eq!(near.builds, 1);
    // The defender moves (new orders): at the rebuild it gets its
    // speed's skin.
    let speeds = (5.0 * MAX_SKIN_TICKS).min(10.0).max(5.0 * SKIN_TICKS);
    table.rows[1].pos.x += 0.5;
    near.refresh(&th, &table, &relations, 1.0, Some(&[1]));
    assert_eq!(near.builds, 2);
    assert_eq!(near.skin[1], speeds);
    // The column (10 km of skin, 25 km from its town) walks 10.5 km:
    // at the rebuild its doubled 20 km is cut to the 14.5 km left, and
    // it walks them with no rebuild.
    assert_eq!(near.skin[3], 10.0);
    table.rows[3].pos.x += 10.5;
    near.refresh(&th, &table, &relations, 1.0, Some(&[3]));
    assert_eq!(near.builds, 3);
    assert_eq!(near.skin[3], margin(14.5));
    for _ in 0..15 {
        let p = &mut table.rows[3].pos;
        *p = crate::movement::travel(*p, Vec2::new(125.0, 0.0), 1.0, &[]);
        near.refresh(&th, &table, &relations, 1.0, Some(&[3]));
    }
    assert_eq!(table.rows[3].pos, Vec2::new(125.0, 0.0));
    assert_eq!(near.builds, 3);
    // The advance arrives (within its skin) and the defender moves on
    // beyond its skin: at that rebuild the defender's skin doubles, and
    // the advance has nothing left to travel.
    table.rows[2].pos = Vec2::new(3.0, 24.0);
    table.rows[1].pos.x += 100.0;
    near.refresh(&th, &table, &relations, 1.0, Some(&[1, 2]));
    assert_eq!(near.builds, 4);
    assert_eq!(near.skin[1], 2.0 * speeds);
    assert_eq!(near.skin[2], margin(0.0));
}

proptest! {
    /// Forces move at up to their speed for many ticks (some much
    /// faster than the others, some dead): every query equals brute
    /// force, bit for bit and in order, across rebuilds.
    #[test]
    fn queries_equal_brute_force_while_forces_move(
        forces in prop::collection::vec(
            (-60.0f64..60.0, -60.0f64..60.0, 0.5f64..15.0, prop::sample::select(vec![0.0f64, 0.3, 1.0, 25.0]), prop::sample::select(vec![0.0f64, 10.0])),
            1..40,
        ),
        headings in prop::collection::vec(0.0f64..std::f64::consts::TAU, 40),
        ticks in 1usize..40,
    ) {
        let th = theatre();
        let mut table = ForceTable {
            rows: forces
                .iter()
                .enumerate()
                .map(|(k, &(x, y, s, v, st))| row(x, y, s, v, st, (k % 3) as u16))
                .collect(),
            ..Default::default()
        };
        // Every fourth force flies (sites list only ground forces).
        for r in table.rows.iter_mut().skip(3).step_by(4) {
            r.domain = Domain::Air;
        }
        // The forces that move (at a speed above zero): on odd ticks the
        // refresh is told that only they may have moved.
        let moving: Vec<u32> = (0..forces.len() as u32).filter(|&k| forces[k as usize].3 > 0.0).collect();
        let mut near = Neighbours::new();
        // Told nothing of who moved: it checks every force.
        let mut twin = Neighbours::new();
        let mut relations = RelationMatrix::new(&th);
        let (a, b) = (FactionId(0), FactionId(1));
        for t in 0..ticks {
            // The stance of a and b flips every 5 ticks, before or
            // after the index (so that queries see stances the hostile
            // lists were not filtered with).
            let flip = |relations: &mut RelationMatrix| {
                let s = if relations.hostile(a, b) { Stance::Rival } else { Stance::Hostile };
                relations.set_stance(a, b, s);
            };
            if t % 5 == 1 {
                flip(&mut relations);
            }
            near.refresh(&th, &table, &relations, 1.0, (t % 2 == 1).then_some(&moving[..]));
            twin.refresh(&th, &table, &relations, 1.0, None);
            // The same rebuilds, at the same ticks.
            prop_assert_eq!(near.builds, twin.builds);
            if t % 5 == 3 {
                flip(&mut relations);
            }
            for i in 0..table.rows.len() {
                let r = table.rows[i];
                for radius in [r.sensor_range_km, r.weapon_range_km] {
                    let mut got = Vec::new();
                    near.for_each_near_force(&table, i as u32, radius, |j, d| got.push((j, d)));
                    prop_assert_eq!(got, brute(&th, &table, r.pos, radius, Some(i)));
                }
                let mut got = Vec::new();
                near.for_each_hostile_in_range(&table, &relations, i as u32, |j, d| got.push((j, d)));
                let mut want = brute(&th, &table, r.pos, r.weapon_range_km, Some(i));
                want.retain(|&(j, _)| relations.hostile(r.faction, table.rows[j as usize].faction));
                prop_assert_eq!(got, want);
            }
            // The pairs of one pass equal those of asking force by force.
            let shoots = |r: &ForceRow| r.alive() && r.sensor_range_km > 4.0;
            let mut got = Vec::new();
            near.for_each_hostile_pair(&table, &relations, shoots, |i, j| got.push((i, j)));
            let mut want = Vec::new();
            for (i, r) in table.rows.iter().enumerate() {
                if shoots(r) {
                    near.for_each_hostile_in_range(&table, &relations, i as u32, |j, _| want.push((i as u32, j)));
                }
            }
            prop_assert_eq!(got, want);
            // Every tracked pair within the larger sensor range is a
            // candidate friction pair, in key order.
            let pairs = near.friction_pairs();
            prop_assert!(pairs.windows(2).all(|w| w[0].0 < w[1].0));
            for (i, ri) in table.rows.iter().enumerate() {
                for (j, rj) in table.rows.iter().enumerate().skip(i + 1) {
                    let Some(slot) = th.slot(ri.faction, rj.faction) else {
                        continue;
                    };
                    let d2 = ri.pos.distance_sq(rj.pos);
                    let s = ri.sensor_range_km.max(rj.sensor_range_km);
                    if d2 <= s * s {
                        let key = (slot as u64) << 36 | (i as u64) << 18 | j as u64;
                        prop_assert!(pairs.binary_search(&(key, i as u32, j as u32)).is_ok());
                    }
                }
            }
            let site = th.scenario.sites[0].position;
            let mut got = Vec::new();
            near.for_each_near_site(&table, 0, site, 6.0, |j, d| got.push((j, d)));
            let mut want = brute(&th, &table, site, 6.0, None);
            want.retain(|&(j, _)| table.rows[j as usize].domain == Domain::Ground);
            prop_assert_eq!(got, want);
            // Each force lists the sites whose candidate lists hold it.
            for i in 0..table.rows.len() as u32 {
                let want: Vec<u32> = (0..th.scenario.sites.len() as u32)
                    .filter(|&s| near.sites.get(s as usize).contains(&i))
                    .collect();
                prop_assert_eq!(near.sites_of(i), &want[..]);
            }
            // Move: each force at its speed on its heading, turning every 10 ticks.
            for (i, r) in table.rows.iter_mut().enumerate() {
                let h = headings[i] + (t / 10) as f64;
                r.pos = r.pos + Vec2::new(h.cos(), h.sin()) * r.speed_kmh;
            }
        }
        // Lists are reused between rebuilds when forces are slow.
        if forces.iter().all(|f| f.3 == 0.0) {
            prop_assert_eq!(near.builds, 1);
        }
    }
}
