//! The skins: how far each force may move before the lists must be built
//! again.

use crate::force::ForceRow;
use crate::geo::Vec2;
use crate::scenario::Posture;
use crate::theatre::Theatre;

use super::Neighbours;

/// The skin of a force covers at least this many ticks of movement at its
/// speed...
pub const SKIN_TICKS: f64 = 8.0;

/// ...and up to this many, as long as the skin stays within the force's
/// reach (so that lists do not grow much beyond what the queries need).
pub const MAX_SKIN_TICKS: f64 = 32.0;

/// A force's skin doubles each time it leaves it, at most this many times
/// in a run.
pub const MAX_SKIN_DOUBLINGS: u8 = 4;

impl Neighbours {
    /// Sets each force's skin from its rule (see the module documentation).
    pub(super) fn set_skins(&mut self, th: &Theatre, rows: &[ForceRow], tick_hours: f64) {
        self.skin.clear();
        self.skin.extend(
            rows.iter()
                .zip(&mut self.rules)
                .enumerate()
                .map(|(i, (r, rule))| {
                    let step = r.speed_kmh * tick_hours;
                    let reach = r.sensor_range_km.max(r.weapon_range_km);
                    let skin = (step * SKIN_TICKS).max((step * MAX_SKIN_TICKS).min(reach))
                        * f64::from(1u8 << rule.doublings);
                    let bound = if rule.unbounded {
                        f64::INFINITY
                    } else {
                        travel_bound(th, i, r)
                    };
                    rule.bounded = bound < skin;
                    skin.min(bound)
                }),
        );
    }
}

/// How a force's skin is set: the width its speed gives, doubled each time
/// it has left it, but no wider than it can travel under the orders it
/// started the run with, unless it has left a skin of that width (its
/// orders changed, or it went round a zone).
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct SkinRule {
    /// How many times the skin has doubled in this run.
    doublings: u8,
    /// Whether the skin of the last build was the travel bound.
    bounded: bool,
    /// Whether the force has left a skin that was its travel bound.
    unbounded: bool,
}

impl SkinRule {
    /// The force has left its skin.
    pub(super) fn left(&mut self) {
        if self.bounded {
            self.unbounded = true;
        } else {
            self.doublings = (self.doublings + 1).min(MAX_SKIN_DOUBLINGS);
        }
    }
}

/// How far force `i` (row `r`) can get from where it is while it follows
/// the orders it started the run with: to its objective, its withdrawal
/// point, or (a patrol) the farthest waypoint of its route, as it moves in
/// straight lines among them (a detour around a zone may take it farther);
/// nowhere if it holds or defends. Plus a millimetre and a part in 10⁹,
/// far above rounding. Unbounded for a force the theatre does not know.
///
/// A skin no wider than this is left only by a force whose orders changed
/// or that went round a zone, and then its usual width counts ([`SkinRule`]):
/// a patrol keeps a skin the size of its route rather than of many ticks of
/// its speed, an advance no more than the way left to its objective, and a
/// force that holds, or has arrived, none.
fn travel_bound(th: &Theatre, i: usize, r: &ForceRow) -> f64 {
    let Some(f) = th.forces.get(i) else {
        return f64::INFINITY;
    };
    let far = |p: Vec2| p.distance(r.pos);
    let bound = if r.broken {
        far(f.withdraw_to)
    } else {
        match f.posture {
            Posture::Hold | Posture::Defend => 0.0,
            Posture::Advance | Posture::Assault => {
                f.objective.map_or(0.0, |o| far(th.objective_position(o)))
            }
            Posture::Patrol => f.route.iter().fold(0.0, |m: f64, &p| m.max(far(p))),
            Posture::Withdraw => far(f.withdraw_to),
        }
    };
    bound * (1.0 + 1e-9) + 1e-6
}
