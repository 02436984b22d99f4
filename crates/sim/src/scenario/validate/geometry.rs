//! Positions and shapes: each point checked, projected to kilometres about
//! the origin and kept within the theatre's radius.
//!
//! A point is given either as `{ lat, lon }`, projected azimuthally about
//! the `[scenario]` origin, or directly as `{ x_km, y_km }`. Lists of points
//! (routes, polygons, contact lines) share one bound, `LIMITS.points`.

use super::Checker;
use super::limits::LIMITS;
use crate::geo::{EARTH_RADIUS_KM, LatLon, Vec2, central_angle, polygon_area, project};
use crate::scenario::raw::{RawCircle, RawPosition};
use crate::scenario::{Circle, Shape};

impl Checker {
    /// Projects a position; `None` (with an error) when it is invalid.
    pub(super) fn position(&mut self, e: &str, field: &str, p: &RawPosition) -> Option<Vec2> {
        // The distance from the origin is checked before projecting: near the
        // antipode the projection's scale factor c / sin c has no bound.
        let (v, d) = match (p.lat, p.lon, p.x_km, p.y_km) {
            (Some(lat), Some(lon), None, None) => {
                let ok = self.range(e, &format!("{field}.lat"), lat, -90.0, 90.0, false)
                    & self.range(e, &format!("{field}.lon"), lon, -180.0, 180.0, false);
                let origin = self.origin?;
                if !ok {
                    return None;
                }
                let at = LatLon { lat, lon };
                let d = EARTH_RADIUS_KM * central_angle(origin, at);
                let v = (d <= self.theatre_km).then(|| project(origin, at));
                (v, d)
            }
            (None, None, Some(x), Some(y)) => {
                let ok = self.range(e, &format!("{field}.x_km"), x, -1e5, 1e5, false)
                    & self.range(e, &format!("{field}.y_km"), y, -1e5, 1e5, false);
                if !ok {
                    return None;
                }
                let v = Vec2::new(x, y);
                (Some(v), v.length())
            }
            _ => {
                self.err(
                    e,
                    field,
                    "must give either `lat` and `lon` or `x_km` and `y_km`",
                );
                return None;
            }
        };
        if d > self.theatre_km {
            self.err(
                e,
                field,
                format!(
                    "lies {d:.0} km from the origin, outside the theatre (radius {} km)",
                    self.theatre_km
                ),
            );
            return None;
        }
        v
    }

    /// Projects a list of points, `field[i]` each, leaving out those that
    /// fail (with their errors); `None` (with an error) when there are more
    /// than `LIMITS.points`.
    pub(super) fn positions(
        &mut self,
        e: &str,
        field: &str,
        points: &[RawPosition],
    ) -> Option<Vec<Vec2>> {
        if points.len() > LIMITS.points {
            self.err(e, field, format!("has more than {} points", LIMITS.points));
            return None;
        }
        Some(
            points
                .iter()
                .enumerate()
                .filter_map(|(i, p)| self.position(e, &format!("{field}[{i}]"), p))
                .collect(),
        )
    }

    /// A circle: its centre and a radius in (0, 5000] km.
    pub(super) fn circle(&mut self, e: &str, field: &str, c: &RawCircle) -> Option<Circle> {
        let center = self.position(e, &format!("{field}.center"), &c.center);
        let r_ok = self.range(
            e,
            &format!("{field}.radius_km"),
            c.radius_km,
            0.0,
            5000.0,
            true,
        );
        Some(Circle {
            center: center?,
            radius_km: if r_ok { c.radius_km } else { return None },
        })
    }

    /// A polygon of at least three points that encloses some area.
    pub(super) fn polygon(&mut self, e: &str, poly: &[RawPosition]) -> Option<Shape> {
        let pts = self.positions(e, "polygon", poly)?;
        if pts.len() != poly.len() {
            return None;
        }
        if pts.len() < 3 {
            self.err(e, "polygon", "needs at least three points");
            return None;
        }
        if polygon_area(&pts).abs() < 1e-6 {
            self.err(e, "polygon", "is degenerate: it encloses no area");
            return None;
        }
        Some(Shape::Polygon(pts))
    }
}

#[cfg(test)]
mod tests {
    use super::super::errors;

    #[test]
    fn a_position_at_the_antipode_is_refused_with_its_true_distance() {
        let force = |lat: f64, lon: f64| {
            format!(
                "[[force]]\nid = \"far\"\nfaction = \"a\"\nposition = {{ lat = {lat}, lon = {lon} }}\nstrength = 10\n"
            )
        };
        // Half the circumference, π R, where the projection is singular.
        let e = errors(1.0, 1.0, &force(-35.95, 39.017 - 180.0));
        let half = (std::f64::consts::PI * crate::geo::EARTH_RADIUS_KM).round();
        assert!(
            e.contains(&format!("lies {half} km from the origin")),
            "{e}"
        );
        // A quarter of the way round: R π / 2.
        let e = errors(1.0, 1.0, &force(-54.05, 39.017));
        let quarter = (std::f64::consts::FRAC_PI_2 * crate::geo::EARTH_RADIUS_KM).round();
        assert!(e.contains(&format!("lies {quarter} km")), "{e}");
    }
}
