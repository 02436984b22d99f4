//! Plane geometry in kilometres and the projection from latitude/longitude.
//!
//! The model works on a flat map in kilometres centred on the scenario's
//! origin. Latitude/longitude positions are projected with the **azimuthal
//! equidistant** projection about that origin on a sphere of the mean Earth
//! radius ([`EARTH_RADIUS_KM`]):
//!
//! ```text
//! c  = great-circle angle between origin (φ0, λ0) and point (φ, λ)
//! k  = c / sin c                      (k = 1 at the origin)
//! x  = R k cos φ sin(λ − λ0)
//! y  = R k (cos φ0 sin φ − sin φ0 cos φ cos(λ − λ0))
//! ```
//!
//! Distances and bearings *from the origin* are exact. Between two other
//! points the scale error is bounded by the projection's largest scale factor,
//! `ρ / (R sin(ρ/R))` at distance ρ from the origin: 0.037 % at 300 km,
//! 0.15 % at 600 km (see [`max_scale_error`]). The sphere itself differs from
//! the WGS84 ellipsoid by up to about 0.5 % in distance, which is far below
//! the uncertainty of any position in a scenario file.

use serde::{Deserialize, Serialize};

/// Mean Earth radius in kilometres (IUGG).
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A point or displacement on the map, in kilometres (x east, y north).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Vec2 {
    /// Kilometres east of the origin.
    pub x: f64,
    /// Kilometres north of the origin.
    pub y: f64,
}

impl Vec2 {
    /// The origin.
    pub const ZERO: Vec2 = Vec2 { x: 0.0, y: 0.0 };

    /// A point from its coordinates in kilometres.
    pub const fn new(x: f64, y: f64) -> Self {
        Self { x, y }
    }

    /// Euclidean length in kilometres.
    pub fn length(self) -> f64 {
        (self.x * self.x + self.y * self.y).sqrt()
    }

    /// Distance to `other` in kilometres.
    pub fn distance(self, other: Vec2) -> f64 {
        (self - other).length()
    }

    /// Squared distance to `other` in km².
    pub fn distance_sq(self, other: Vec2) -> f64 {
        let d = self - other;
        d.x * d.x + d.y * d.y
    }

    /// Dot product.
    pub fn dot(self, other: Vec2) -> f64 {
        self.x * other.x + self.y * other.y
    }

    /// z component of the cross product.
    pub fn cross(self, other: Vec2) -> f64 {
        self.x * other.y - self.y * other.x
    }

    /// `|x| + |y|`: the scale of the rounding of what is computed from it.
    pub fn l1_norm(self) -> f64 {
        self.x.abs() + self.y.abs()
    }

    /// Whether both coordinates are finite.
    pub fn is_finite(self) -> bool {
        self.x.is_finite() && self.y.is_finite()
    }

    /// The componentwise minimum.
    pub fn min(self, other: Vec2) -> Vec2 {
        Vec2::new(self.x.min(other.x), self.y.min(other.y))
    }

    /// The componentwise maximum.
    pub fn max(self, other: Vec2) -> Vec2 {
        Vec2::new(self.x.max(other.x), self.y.max(other.y))
    }
}

impl std::ops::Add for Vec2 {
    type Output = Vec2;
    fn add(self, o: Vec2) -> Vec2 {
        Vec2::new(self.x + o.x, self.y + o.y)
    }
}

impl std::ops::Sub for Vec2 {
    type Output = Vec2;
    fn sub(self, o: Vec2) -> Vec2 {
        Vec2::new(self.x - o.x, self.y - o.y)
    }
}

impl std::ops::Mul<f64> for Vec2 {
    type Output = Vec2;
    fn mul(self, k: f64) -> Vec2 {
        Vec2::new(self.x * k, self.y * k)
    }
}

/// A geographic position in decimal degrees (WGS84 read as a sphere).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LatLon {
    /// Latitude in degrees, north positive.
    pub lat: f64,
    /// Longitude in degrees, east positive.
    pub lon: f64,
}

/// Great-circle angle (radians) between two positions, by the haversine formula.
pub fn central_angle(a: LatLon, b: LatLon) -> f64 {
    let (p1, p2) = (a.lat.to_radians(), b.lat.to_radians());
    let dphi = p2 - p1;
    let dlam = (b.lon - a.lon).to_radians();
    let h = (dphi / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dlam / 2.0).sin().powi(2);
    2.0 * h.sqrt().min(1.0).asin()
}

/// Great-circle distance in kilometres on the mean-radius sphere.
pub fn great_circle_km(a: LatLon, b: LatLon) -> f64 {
    EARTH_RADIUS_KM * central_angle(a, b)
}

/// Projects `p` to kilometres about `origin` (azimuthal equidistant).
pub fn project(origin: LatLon, p: LatLon) -> Vec2 {
    let c = central_angle(origin, p);
    let k = if c < 1e-12 { 1.0 } else { c / c.sin() };
    let (p0, p1) = (origin.lat.to_radians(), p.lat.to_radians());
    let dlam = (p.lon - origin.lon).to_radians();
    let x = EARTH_RADIUS_KM * k * p1.cos() * dlam.sin();
    let y = EARTH_RADIUS_KM * k * (p0.cos() * p1.sin() - p0.sin() * p1.cos() * dlam.cos());
    Vec2::new(x, y)
}

/// Inverse of [`project`]: the position at map point `v` about `origin`.
pub fn unproject(origin: LatLon, v: Vec2) -> LatLon {
    let rho = v.length();
    if rho < 1e-12 {
        return origin;
    }
    let c = rho / EARTH_RADIUS_KM;
    let (p0, l0) = (origin.lat.to_radians(), origin.lon.to_radians());
    let lat = (c.cos() * p0.sin() + v.y * c.sin() * p0.cos() / rho).asin();
    let lon = l0 + (v.x * c.sin()).atan2(rho * p0.cos() * c.cos() - v.y * p0.sin() * c.sin());
    LatLon {
        lat: lat.to_degrees(),
        lon: lon.to_degrees(),
    }
}

/// Upper bound of the relative distance error of the projection for points
/// within `rho_km` of the origin: the largest scale factor minus one.
pub fn max_scale_error(rho_km: f64) -> f64 {
    let c = rho_km / EARTH_RADIUS_KM;
    if c < 1e-12 { 0.0 } else { c / c.sin() - 1.0 }
}

/// Distance from `p` to the segment `a`–`b`, and the parameter `t` in [0, 1]
/// of the closest point `a + t (b − a)`.
pub fn point_segment_distance(p: Vec2, a: Vec2, b: Vec2) -> (f64, f64) {
    let ab = b - a;
    let len_sq = ab.dot(ab);
    let t = if len_sq <= 0.0 {
        0.0
    } else {
        ((p - a).dot(ab) / len_sq).clamp(0.0, 1.0)
    };
    (p.distance(a + ab * t), t)
}

/// Whether `p` lies inside the polygon `poly` (even–odd rule).
pub fn point_in_polygon(p: Vec2, poly: &[Vec2]) -> bool {
    let mut inside = false;
    let n = poly.len();
    let mut j = n.wrapping_sub(1);
    for i in 0..n {
        let (a, b) = (poly[i], poly[j]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            inside = !inside;
        }
        j = i;
    }
    inside
}

/// Signed area of a polygon in km² (positive when counter-clockwise).
pub fn polygon_area(poly: &[Vec2]) -> f64 {
    let n = poly.len();
    (0..n)
        .map(|i| poly[i].cross(poly[(i + 1) % n]))
        .sum::<f64>()
        / 2.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const RAQQA: LatLon = LatLon {
        lat: 35.95,
        lon: 39.017,
    };

    #[test]
    fn distance_from_origin_is_exact() {
        // Azimuthal equidistant: |project(p)| equals the great-circle distance.
        for &(lat, lon) in &[(36.528, 37.955), (33.5058, 38.6178), (35.336, 40.141)] {
            let p = LatLon { lat, lon };
            let d = great_circle_km(RAQQA, p);
            assert!((project(RAQQA, p).length() - d).abs() < 1e-9 * d.max(1.0));
        }
    }

    #[test]
    fn raqqa_to_tabqa_is_about_44_km() {
        // The source reports Tabqa "45 km" west of Raqqa.
        let tabqa = LatLon {
            lat: 35.837,
            lon: 38.548,
        };
        let d = project(RAQQA, tabqa).length();
        assert!((40.0..48.0).contains(&d), "{d}");
        assert!(project(RAQQA, tabqa).x < 0.0, "Tabqa lies west");
    }

    proptest! {
        #[test]
        fn inverse_round_trips(x in -300.0f64..300.0, y in -300.0f64..300.0) {
            let v = Vec2::new(x, y);
            let back = project(RAQQA, unproject(RAQQA, v));
            prop_assert!(back.distance(v) < 1e-6);
        }

        #[test]
        fn pair_distances_within_scale_bound(
            x1 in -210.0f64..210.0, y1 in -210.0f64..210.0,
            x2 in -210.0f64..210.0, y2 in -210.0f64..210.0,
        ) {
            // Points within 300 km of the origin: the distance error is bounded
            // by the largest scale factor of the projection there.
            let (a, b) = (Vec2::new(x1, y1), Vec2::new(x2, y2));
            let true_d = great_circle_km(unproject(RAQQA, a), unproject(RAQQA, b));
            prop_assume!(true_d > 1.0);
            let rel = (a.distance(b) / true_d - 1.0).abs();
            prop_assert!(rel <= max_scale_error(300.0) + 1e-9, "rel error {rel}");
        }
    }

    #[test]
    fn polygon_helpers() {
        let sq = [
            Vec2::new(0.0, 0.0),
            Vec2::new(2.0, 0.0),
            Vec2::new(2.0, 2.0),
            Vec2::new(0.0, 2.0),
        ];
        assert_eq!(polygon_area(&sq), 4.0);
        assert!(point_in_polygon(Vec2::new(1.0, 1.0), &sq));
        assert!(!point_in_polygon(Vec2::new(3.0, 1.0), &sq));
        let (d, t) = point_segment_distance(Vec2::new(1.0, 1.0), sq[0], sq[1]);
        assert_eq!((d, t), (1.0, 0.5));
    }
}
