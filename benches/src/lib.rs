//! Inputs for the benchmarks: the reference scenario and generated theatres.

use std::sync::Arc;

use frontline_fixtures::{Force, Scenario};
use frontline_runner::load::{EMBEDDED_NAME, EMBEDDED_RAQQA, Format, load_text};
use frontline_sim::theatre::Theatre;

/// The embedded reference scenario, Raqqa June 2017.
pub fn reference() -> Arc<Theatre> {
    let l = load_text(EMBEDDED_NAME, EMBEDDED_RAQQA, Format::Toml, &[]).expect("valid");
    Arc::new(Theatre::new(l.scenario))
}

/// A generated theatre of `n` forces along one long contact line.
///
/// Two rival factions (blue, red) face each other 3 km apart across a line
/// that snakes in rows of up to 1,000 km, 30 km apart, with one force per km
/// of line on each side (so the line is n/2 km long and the density is the
/// same at every size). Every 20th red position also holds a small enemy
/// force, hostile to both, 1 km behind the red one, so that combat runs too.
/// Forces see 3 km and shoot 1 km; blue forces patrol 2 km along the line.
pub fn line_theatre(n: usize) -> Arc<Theatre> {
    Arc::new(Theatre::new(
        load_text("generated.toml", &line_toml(n), Format::Toml, &[])
            .expect("generated theatre is valid")
            .scenario,
    ))
}

/// The TOML text of [`line_theatre`].
pub fn line_toml(n: usize) -> String {
    let per_side = n / 2;
    let length = per_side as f64; // km, one force per km per side
    let row = 1000.0f64.min(length.max(1.0));
    let rows = (length / row).ceil().max(1.0) as usize;
    let height = rows as f64 * 30.0;
    // Arclength s → point and unit normal on the snake.
    let at = |s: f64| -> ((f64, f64), (f64, f64)) {
        let r = ((s / row) as usize).min(rows - 1);
        let along = s - r as f64 * row;
        let y = -height / 2.0 + r as f64 * 30.0;
        if r.is_multiple_of(2) {
            ((-row / 2.0 + along, y), (0.0, 1.0))
        } else {
            ((row / 2.0 - along, y), (0.0, -1.0))
        }
    };
    let mut t = Scenario::new()
        .name(&format!("generated line, {n} forces"))
        .start_date("2020-01-01")
        .days(30)
        .origin(0.0, 0.0)
        .theatre_radius_km(5000)
        .factions(["blue", "red", "enemy"])
        .relation(["blue", "red"], "rival", |r| r.deconfliction(0.3))
        .relation(["blue", "enemy"], "hostile", |r| r)
        .relation(["red", "enemy"], "hostile", |r| r);
    // Rows joined at their ends (the connectors run 30 km north).
    let mut pts = Vec::new();
    for r in 0..rows {
        let y = -height / 2.0 + r as f64 * 30.0;
        let (a, b) = if r.is_multiple_of(2) {
            (-row / 2.0, row / 2.0)
        } else {
            (row / 2.0, -row / 2.0)
        };
        pts.push((a, y));
        pts.push((b, y));
    }
    t = t.line("line", ["blue", "red"], pts, |l| {
        l.buffer_km(3).segment_km(5)
    });
    // Forces see 3 km and shoot 1 km.
    let arms = |f: Force, strength: f64| f.strength(strength).sensor_range_km(3).weapon_range_km(1);
    let mut enemies = 0;
    for k in 0..per_side {
        let s = k as f64 + 0.5;
        let ((x, y), (nx, ny)) = at(s);
        let (bx, by) = (x + 1.5 * nx, y + 1.5 * ny);
        let (rx, ry) = (x - 1.5 * nx, y - 1.5 * ny);
        let ((x2, y2), _) = at((s + 2.0).min(length - 0.5));
        t = t.force(&format!("b{k}"), "blue", (bx, by), |f| {
            arms(f, 500.0)
                .speed_kmh(0.5)
                .posture("patrol")
                .route([(bx, by), (x2 + 1.5 * nx, y2 + 1.5 * ny)])
        });
        t = t.force(&format!("r{k}"), "red", (rx, ry), |f| arms(f, 500.0));
        if k.is_multiple_of(20) && 2 * per_side + enemies < n {
            enemies += 1;
            t = t.force(&format!("e{k}"), "enemy", (rx - nx, ry - ny), |f| {
                arms(f, 100.0)
            });
        }
    }
    t.to_toml()
}

/// How the forces of a [`clustered_theatre`] are packed and who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cluster {
    /// Every force of one faction (blue) at one point, on a town blue holds;
    /// every 10th force patrols a 1 km route. No two forces may interact:
    /// the answer to every spatial question is short, whatever `n`.
    Point,
    /// A disc of 3 km radius holding a mass of two allied factions (blue
    /// and green, 3:1), a few forces of red (rival of both, in friction with
    /// them, across a contact line through the disc and by sight), and a few
    /// of an enemy hostile to all (so that combat runs). Red advances on an
    /// oil field inside the disc; every 10th blue force patrols.
    Mixed,
}

/// Red forces and enemy forces of a [`Cluster::Mixed`] theatre: a fixed
/// number, so that the pairs that do interact (friction contacts, combat
/// targets) grow linearly with `n`, as the model defines them. Two large
/// non-allied factions packed within each other's ranges have Θ(n²)
/// contacts by definition (docs/performance.md).
pub const CLUSTER_FEW: usize = 4;

/// A generated theatre of `n` forces packed at one point or in a small disc
/// ([`Cluster`]), the worst case of density for the spatial index.
pub fn clustered_theatre(n: usize, kind: Cluster) -> Arc<Theatre> {
    Arc::new(Theatre::new(
        load_text(
            "generated.toml",
            &clustered_toml(n, kind),
            Format::Toml,
            &[],
        )
        .expect("generated theatre is valid")
        .scenario,
    ))
}

/// The TOML text of [`clustered_theatre`].
pub fn clustered_toml(n: usize, kind: Cluster) -> String {
    let name = match kind {
        Cluster::Point => "one point",
        Cluster::Mixed => "a 3 km disc",
    };
    let mut t = Scenario::new()
        .name(&format!("generated cluster at {name}, {n} forces"))
        .start_date("2020-01-01")
        .days(30)
        .origin(0.0, 0.0)
        .theatre_radius_km(5000)
        .factions(["blue", "green", "red", "enemy"])
        .relation(["blue", "green"], "allied", |r| r)
        .relation(["blue", "red"], "rival", |r| r.deconfliction(0.3))
        .relation(["green", "red"], "rival", |r| r)
        .relation(["blue", "enemy"], "hostile", |r| r)
        .relation(["green", "enemy"], "hostile", |r| r)
        .relation(["red", "enemy"], "hostile", |r| r)
        .site("town", "town", (0.0, 0.0), |s| {
            s.capture_radius_km(2)
                .owner("blue")
                .value(1)
                .output_per_day(10)
        });
    // A patrol of 1 km from `(x, y)` at 0.5 km/h.
    let patrol = |f: Force, x: f64, y: f64| {
        f.speed_kmh(0.5)
            .posture("patrol")
            .route([(x, y), (x + 1.0, y)])
    };
    if kind == Cluster::Point {
        for k in 0..n {
            t = t.force(&format!("b{k}"), "blue", (0.0, 0.0), |f| {
                let f = f.strength(500).sensor_range_km(3).weapon_range_km(1);
                if k % 10 == 9 { patrol(f, 0.0, 0.0) } else { f }
            });
        }
        return t.to_toml();
    }
    t = t
        .site("well", "oil_field", (1.5, -1.0), |s| {
            s.capture_radius_km(1).value(2).output_per_day(20)
        })
        .line("line", ["blue", "red"], [(-3.0, 0.5), (3.0, 0.5)], |l| {
            l.buffer_km(1).segment_km(0.5)
        });
    // Sunflower spiral: k-th of m points evenly over a disc of radius r.
    let disc = |k: usize, m: usize, r: f64| {
        let rho = r * ((k as f64 + 0.5) / m as f64).sqrt();
        let theta = k as f64 * 2.399_963_229_728_653;
        (rho * theta.cos(), rho * theta.sin())
    };
    let arms =
        |f: Force, strength: f64| f.strength(strength).sensor_range_km(1).weapon_range_km(0.5);
    let few = CLUSTER_FEW.min(n / 4);
    let mass = n - 2 * few;
    for k in 0..mass {
        let (x, y) = disc(k, mass, 3.0);
        let faction = if k % 4 == 3 { "green" } else { "blue" };
        t = t.force(&format!("m{k}"), faction, (x, y), |f| {
            let f = arms(f, 500.0);
            if k % 10 == 9 && faction == "blue" {
                patrol(f, x, y)
            } else {
                f
            }
        });
    }
    for k in 0..few {
        let (x, y) = disc(k, few, 2.5);
        t = t.force(&format!("r{k}"), "red", (x, y), |f| {
            arms(f, 800.0)
                .speed_kmh(0.2)
                .posture("advance")
                .objective("well")
        });
        let (x, y) = disc(k, few, 1.5);
        t = t.force(&format!("e{k}"), "enemy", (-x, -y), |f| {
            arms(f, 5000.0).lethality(0.001)
        });
    }
    t.to_toml()
}

#[cfg(test)]
mod tests {
    #[test]
    fn generated_theatres_validate() {
        for n in [10, 1000] {
            let th = super::line_theatre(n);
            assert!(th.forces.len() <= n && th.forces.len() >= n - 1);
            assert!(!th.scenario.segments.is_empty());
        }
        for kind in [super::Cluster::Point, super::Cluster::Mixed] {
            for n in [10, 1000] {
                assert_eq!(super::clustered_theatre(n, kind).forces.len(), n);
            }
        }
    }
}
