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

#[cfg(test)]
mod tests {
    #[test]
    fn generated_theatres_validate() {
        for n in [10, 1000] {
            let th = super::line_theatre(n);
            assert!(th.forces.len() <= n && th.forces.len() >= n - 1);
            assert!(!th.scenario.segments.is_empty());
        }
    }
}
