//! Inputs for the benchmarks: the reference scenario and generated theatres.

use std::fmt::Write as _;
use std::sync::Arc;

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
    let mut t = String::new();
    let _ = write!(
        t,
        r#"[scenario]
name = "generated line, {n} forces"
start_date = "2020-01-01"
horizon_days = 30
tick_hours = 1
origin = {{ lat = 0, lon = 0 }}
theatre_radius_km = 5000

[[faction]]
id = "blue"
[[faction]]
id = "red"
[[faction]]
id = "enemy"

[[relation]]
between = ["blue", "red"]
stance = "rival"
deconfliction = 0.3
[[relation]]
between = ["blue", "enemy"]
stance = "hostile"
[[relation]]
between = ["red", "enemy"]
stance = "hostile"

"#
    );
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
    let _ = writeln!(
        t,
        "[[contact_line]]\nid = \"line\"\nbetween = [\"blue\", \"red\"]\nbuffer_km = 3\nsegment_km = 5\npoints = ["
    );
    for (x, y) in &pts {
        let _ = writeln!(t, "  {{ x_km = {x}, y_km = {y} }},");
    }
    let _ = writeln!(t, "]\n");
    let mut enemies = 0;
    for k in 0..per_side {
        let s = k as f64 + 0.5;
        let ((x, y), (nx, ny)) = at(s);
        let (bx, by) = (x + 1.5 * nx, y + 1.5 * ny);
        let (rx, ry) = (x - 1.5 * nx, y - 1.5 * ny);
        let ((x2, y2), _) = at((s + 2.0).min(length - 0.5));
        let _ = writeln!(
            t,
            "[[force]]\nid = \"b{k}\"\nfaction = \"blue\"\nposition = {{ x_km = {bx}, y_km = {by} }}\nstrength = 500\nsensor_range_km = 3\nweapon_range_km = 1\nspeed_kmh = 0.5\nposture = \"patrol\"\nroute = [{{ x_km = {bx}, y_km = {by} }}, {{ x_km = {}, y_km = {} }}]\n",
            x2 + 1.5 * nx,
            y2 + 1.5 * ny
        );
        let _ = writeln!(
            t,
            "[[force]]\nid = \"r{k}\"\nfaction = \"red\"\nposition = {{ x_km = {rx}, y_km = {ry} }}\nstrength = 500\nsensor_range_km = 3\nweapon_range_km = 1\n"
        );
        if k.is_multiple_of(20) && 2 * per_side + enemies < n {
            enemies += 1;
            let _ = writeln!(
                t,
                "[[force]]\nid = \"e{k}\"\nfaction = \"enemy\"\nposition = {{ x_km = {}, y_km = {} }}\nstrength = 100\nsensor_range_km = 3\nweapon_range_km = 1\n",
                rx - nx,
                ry - ny
            );
        }
    }
    t
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
