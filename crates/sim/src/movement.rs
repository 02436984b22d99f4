//! Phase 2: orders and movement.
//!
//! Advancing forces head for their objective, patrols cycle through their
//! route, withdrawing and broken forces head for their withdrawal point, at
//! `speed_kmh × tick` per tick. A force that respects zones goes around every
//! exclusion zone of a non-allied owner along the shortest path (the taut
//! string around the zone's circle, grown by `zone_margin_km`; a polygon is
//! represented by its bounding circle). An advancing force halts while a
//! hostile force is within its weapon range (as of the previous tick's index).

use bevy_ecs::prelude::*;

use crate::combat::CombatScratch;
use crate::force::{
    Allegiance, ForceIndex, ForceTable, Mobile, Morale, Orders, Position, Strength,
};
use crate::geo::Vec2;
use crate::metrics::{Clock, LogEvent, Metrics};
use crate::neighbours::Neighbours;
use crate::relation::RelationMatrix;
use crate::scenario::{Circle, Posture, Stance, ZoneRule};
use crate::theatre::Theatre;

/// The force components movement reads and changes, of the forces that
/// can move.
pub type MoveQuery<'w, 's> = Query<
    'w,
    's,
    (
        &'static ForceIndex,
        &'static Allegiance,
        &'static mut Position,
        &'static mut Orders,
        &'static Morale,
        &'static Strength,
    ),
    With<Mobile>,
>;

/// Moves every living force one tick.
#[allow(clippy::too_many_arguments)]
pub fn move_forces(
    theatre: &Theatre,
    clock: &Clock,
    relations: &RelationMatrix,
    table: &mut ForceTable,
    near: &Neighbours,
    metrics: &mut Metrics,
    mut forces: MoveQuery,
    blocking: &mut Vec<Circle>,
    combat: &CombatScratch,
) {
    let params = &theatre.scenario.params.movement;
    let dt = clock.dt_hours;
    let hours = clock.hours();
    for (idx, fac, mut pos, mut orders, morale, st) in &mut forces {
        if st.current <= 0.0 || orders.speed_kmh <= 0.0 {
            continue;
        }
        let target = match (morale.broken, orders.posture) {
            (true, _) | (false, Posture::Withdraw) => orders.withdraw_to,
            (false, Posture::Advance | Posture::Assault) => match orders.objective {
                Some(o) => theatre.objective_position(o),
                None => continue,
            },
            (false, Posture::Patrol) => match orders.route.get(orders.route_next) {
                Some(&p) => p,
                None => continue,
            },
            (false, Posture::Hold | Posture::Defend) => continue,
        };
        // A force already at its target stays there (`travel` returns its
        // position), and nothing else happens to it unless it is a patrol
        // (which turns to its next waypoint) or an advance that has not
        // reported its arrival: skip it.
        let at_target =
            pos.0.x.to_bits() == target.x.to_bits() && pos.0.y.to_bits() == target.y.to_bits();
        if at_target
            && (morale.broken
                || orders.posture == Posture::Withdraw
                || (matches!(orders.posture, Posture::Advance | Posture::Assault)
                    && orders.arrived))
        {
            continue;
        }
        if !morale.broken
            && orders.posture == Posture::Advance
            && params.halt_in_combat
            && combat
                .hostile_in_range(clock.tick, table, relations, idx.0)
                .unwrap_or_else(|| enemy_in_range(table, near, relations, idx.0))
        {
            continue;
        }
        let step = orders.speed_kmh * dt;
        blocking.clear();
        if orders.respects_zones {
            blocking.extend(
                theatre
                    .scenario
                    .zones
                    .iter()
                    .filter(|z| {
                        z.rule == ZoneRule::Exclusion
                            && relations.stance(fac.0, z.owner) != Stance::Allied
                    })
                    .map(|z| {
                        let c = z.shape.bounding_circle();
                        Circle {
                            center: c.center,
                            radius_km: c.radius_km + params.zone_margin_km,
                        }
                    }),
            );
        }
        let new = travel(pos.0, target, step, blocking);
        pos.0 = new;
        table.record_move(idx.0, new);
        if within_a_nanometre(new, target) {
            match orders.posture {
                Posture::Patrol if !morale.broken => {
                    orders.route_next = (orders.route_next + 1) % orders.route.len();
                }
                Posture::Advance | Posture::Assault if !morale.broken && !orders.arrived => {
                    orders.arrived = true;
                    let force = idx.0;
                    metrics.push(|| LogEvent::Arrived {
                        hours: hours + dt,
                        force,
                    });
                }
                _ => {}
            }
        }
    }
}

fn enemy_in_range(
    table: &ForceTable,
    near: &Neighbours,
    relations: &RelationMatrix,
    i: u32,
) -> bool {
    if table.rows.get(i as usize).is_none() {
        return false;
    }
    let mut found = false;
    near.for_each_hostile_in_range(table, relations, i, |_, _| found = true);
    found
}

/// `|a − b| < 10⁻⁹` km, as computed by `a.distance(b)`; a coordinate
/// apart by more than twice that decides it without the square root.
fn within_a_nanometre(a: Vec2, b: Vec2) -> bool {
    if (a.x - b.x).abs() > 2e-9 || (a.y - b.y).abs() > 2e-9 {
        return false;
    }
    a.distance(b) < 1e-9
}

/// Whether circle `c` is so far from the segment `p`–`q` (its centre
/// outside the segment's bounding box grown by the radius and a margin far
/// above rounding) that `p` is outside it and the segment does not enter
/// it: what [`travel`] would find with square roots and a division.
fn clear_of(p: Vec2, q: Vec2, c: &Circle) -> bool {
    let scale = p.l1_norm() + q.l1_norm() + c.center.l1_norm();
    let reach = c.radius_km + 1e-6 + 1e-12 * scale;
    c.center.x < p.x.min(q.x) - reach
        || c.center.x > p.x.max(q.x) + reach
        || c.center.y < p.y.min(q.y) - reach
        || c.center.y > p.y.max(q.y) + reach
}

/// Where a force at `p` heading for `target` ends up after moving `step` km,
/// going around the first zone circle that blocks the straight path.
pub fn travel(p: Vec2, target: Vec2, step: f64, zones: &[Circle]) -> Vec2 {
    let mut target = target;
    // The first circle the straight path enters (p outside it).
    let mut first: Option<(f64, Circle)> = None;
    for c in zones {
        if clear_of(p, target, c) {
            continue;
        }
        if p.distance(c.center) < c.radius_km - 1e-6 {
            continue; // started inside: leave on a straight line
        }
        if let Some(t) = entry(p, target, c)
            && first.is_none_or(|(ft, _)| t < ft)
        {
            first = Some((t, *c));
        }
    }
    let Some((t_in, c)) = first else {
        return straight(p, target, step);
    };
    if c.contains(target) {
        // Unreachable objective: stop at the edge.
        target = p + (target - p) * t_in;
        return straight(p, target, step);
    }
    around(p, target, step, &c)
}

fn straight(p: Vec2, target: Vec2, step: f64) -> Vec2 {
    let d = p.distance(target);
    if d <= step {
        target
    } else {
        p + (target - p) * (step / d)
    }
}

/// Parameter t in [0, 1) at which segment p→q enters the open disc, if it does.
fn entry(p: Vec2, q: Vec2, c: &Circle) -> Option<f64> {
    let d = q - p;
    let f = p - c.center;
    let a = d.dot(d);
    if a <= 0.0 {
        return None;
    }
    // Closest approach inside the disc?
    let t_close = (-f.dot(d) / a).clamp(0.0, 1.0);
    let closest = p + d * t_close;
    if closest.distance(c.center) >= c.radius_km - 1e-9 {
        return None;
    }
    let b = 2.0 * f.dot(d);
    let cc = f.dot(f) - c.radius_km * c.radius_km;
    let disc = (b * b - 4.0 * a * cc).max(0.0);
    let t = (-b - disc.sqrt()) / (2.0 * a);
    Some(t.max(0.0))
}

fn angle_of(v: Vec2) -> f64 {
    v.y.atan2(v.x)
}

fn wrap(a: f64) -> f64 {
    a.rem_euclid(std::f64::consts::TAU)
}

/// The shortest path from `p` to `target` around circle `c` (both outside
/// it): tangent, arc, tangent. Returns the point `step` km along it.
fn around(p: Vec2, target: Vec2, step: f64, c: &Circle) -> Vec2 {
    let r = c.radius_km;
    let (vp, vt) = (p - c.center, target - c.center);
    let (dp, dt) = (vp.length().max(r), vt.length().max(r));
    let (bp, bt) = ((r / dp).min(1.0).acos(), (r / dt).min(1.0).acos());
    let (ap, at) = (angle_of(vp), angle_of(vt));
    // Arc angle for each direction of travel σ = ±1.
    let arc = |s: f64| wrap(s * ((at - s * bt) - (ap + s * bp)));
    let s = if arc(1.0) <= arc(-1.0) { 1.0 } else { -1.0 };
    let on_circle = |theta: f64| c.center + Vec2::new(theta.cos(), theta.sin()) * r;
    let mut budget = step;
    let theta0 = ap + s * bp;
    let tangent_in = on_circle(theta0);
    let l1 = p.distance(tangent_in);
    if budget <= l1 {
        return straight(p, tangent_in, budget);
    }
    budget -= l1;
    let phi = arc(s);
    if budget <= r * phi {
        return on_circle(theta0 + s * budget / r);
    }
    budget -= r * phi;
    straight(on_circle(theta0 + s * phi), target, budget)
}

/// Length of the shortest path from `p` to `target` around circle `c`
/// (closed form, for tests and documentation).
pub fn path_length_around(p: Vec2, target: Vec2, c: &Circle) -> f64 {
    let r = c.radius_km;
    let (vp, vt) = (p - c.center, target - c.center);
    let (dp, dt) = (vp.length(), vt.length());
    let (bp, bt) = ((r / dp).acos(), (r / dt).acos());
    let (ap, at) = (angle_of(vp), angle_of(vt));
    let arc = |s: f64| wrap(s * ((at - s * bt) - (ap + s * bp)));
    (dp * dp - r * r).sqrt() + r * arc(1.0).min(arc(-1.0)) + (dt * dt - r * r).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The shortcuts give what they stand for: a circle `clear_of` a
        /// path neither holds its start nor is entered by it, and
        /// `within_a_nanometre` is the distance test itself (separations
        /// around the threshold and its factor of 2 included).
        #[test]
        fn the_shortcuts_agree_with_the_full_tests(
            (px, py, qx, qy) in (-300.0f64..300.0, -300.0f64..300.0, -300.0f64..300.0, -300.0f64..300.0),
            (cx, cy, r) in (-300.0f64..300.0, -300.0f64..300.0, 0.0f64..80.0),
            (ex, ey) in (-3e-9f64..3e-9, -3e-9f64..3e-9),
        ) {
            let (p, q) = (Vec2::new(px, py), Vec2::new(qx, qy));
            let c = Circle { center: Vec2::new(cx, cy), radius_km: r };
            if clear_of(p, q, &c) {
                prop_assert!(entry(p, q, &c).is_none());
                prop_assert!(p.distance(c.center) >= c.radius_km - 1e-6);
            }
            let b = p + Vec2::new(ex, ey);
            prop_assert_eq!(within_a_nanometre(p, b), p.distance(b) < 1e-9);
        }
    }

    #[test]
    fn straight_arrival_time_is_distance_over_speed() {
        let (p, t) = (Vec2::ZERO, Vec2::new(30.0, 40.0));
        let step = 2.0 * 1.0; // 2 km/h, 1 h ticks
        let mut x = p;
        let mut ticks = 0;
        while x.distance(t) > 1e-9 {
            x = travel(x, t, step, &[]);
            ticks += 1;
        }
        assert_eq!(ticks, (50.0f64 / step).ceil() as u32);
    }

    #[test]
    fn going_around_a_zone_follows_the_taut_string() {
        let c = Circle {
            center: Vec2::ZERO,
            radius_km: 22.0,
        };
        let (p, t) = (Vec2::new(-100.0, 3.0), Vec2::new(100.0, -5.0));
        let step = 1.5;
        let mut x = p;
        let mut ticks = 0u32;
        let mut walked = 0.0;
        while x.distance(t) > 1e-9 && ticks < 10_000 {
            let nx = travel(x, t, step, &[c]);
            assert!(
                nx.distance(c.center) >= c.radius_km - 1e-6,
                "entered the zone at {nx:?}"
            );
            walked += nx.distance(x);
            x = nx;
            ticks += 1;
        }
        let l = path_length_around(p, t, &c);
        // The path is the closed-form shortest path: arrival after ⌈L/step⌉ ticks.
        assert_eq!(ticks, (l / step).ceil() as u32, "L = {l}");
        // Chords of the arc are slightly shorter than the arc itself.
        assert!(
            walked <= l + 1e-6 && walked > l * 0.999,
            "walked {walked}, L {l}"
        );
    }

    #[test]
    fn target_inside_a_zone_stops_at_its_edge() {
        let c = Circle {
            center: Vec2::ZERO,
            radius_km: 10.0,
        };
        let mut x = Vec2::new(-50.0, 0.0);
        for _ in 0..100 {
            x = travel(x, Vec2::ZERO, 2.0, &[c]);
        }
        assert!((x.distance(c.center) - 10.0).abs() < 1e-6);
    }
}
