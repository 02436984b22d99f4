//! Reinforcements arriving over a window (`reinforce` with `over_hours`)
//! against closed forms: Engel's (1954) Iwo Jima reconstruction, the
//! limiting case with no enemy, and the stochastic mode's Euler mean.

mod common;

use std::sync::Arc;

use common::{Fixture, Z, outcomes, scenario, theatre};
use frontline_sim::force::{ForceIndex, Strength};
use frontline_sim::prelude::*;

/// Strength (current, initial) of every force, by index.
fn strengths(sim: &mut Sim) -> Vec<(f64, f64)> {
    let w = sim.world_mut();
    let mut q = w.query::<(&ForceIndex, &Strength)>();
    let mut s: Vec<(ForceIndex, f64, f64)> = q
        .iter(w)
        .map(|(i, st)| (*i, st.current, st.initial))
        .collect();
    s.sort_by_key(|r| r.0);
    s.into_iter().map(|(_, c, i)| (c, i)).collect()
}

/// Engel (1954), "A verification of Lanchester's law", J. Oper. Res. Soc.
/// Am. 2(2): 163–171, as given by Braun, "Differential Equations and Their
/// Applications", §4.5 (x US, y Japanese, t in days):
///
/// dx/dt = −a y + P(t),  dy/dt = −b x,  a = 0.0544, b = 0.0106,
/// x(0) = 0, y(0) = 21,500, P = 54,000 /day on day 1 (t in [0, 1)),
/// 6,000 /day on day 3 ([2, 3)) and 13,000 /day on day 6 ([5, 6)).
const A: f64 = 0.0544;
const B: f64 = 0.0106;
const LANDINGS: [(f64, f64); 3] = [(0.0, 54_000.0), (2.0, 6_000.0), (5.0, 13_000.0)];

/// The exact solution at `t` days. With P constant on a piece, the shift
/// v = y − P/a turns the system into the square law du/dt = −a v,
/// dv/dt = −b u (u = x), solved by cosh and sinh; the pieces are chained at
/// the starts and ends of the landings.
fn engel(t: f64) -> (f64, f64) {
    let mut cuts = vec![0.0, t];
    for (d, _) in LANDINGS {
        cuts.extend([d, d + 1.0]);
    }
    cuts.retain(|&c| c <= t);
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let w = (A * B).sqrt();
    let (mut x, mut y) = (0.0f64, 21_500.0f64);
    for p in cuts.windows(2) {
        let (s, e) = (p[0], p[1]);
        let mid = 0.5 * (s + e);
        let rate: f64 = LANDINGS
            .iter()
            .filter(|(d, _)| *d <= mid && mid < d + 1.0)
            .map(|(_, n)| n)
            .sum();
        let (u, v) = (x, y - rate / A);
        let (c, sh) = ((w * (e - s)).cosh(), (w * (e - s)).sinh());
        x = u * c - (A / B).sqrt() * v * sh;
        y = v * c - (B / A).sqrt() * u * sh + rate / A;
    }
    (x, y)
}

/// scenarios/iwo-jima-1945.toml, the same battle in the file format; with
/// `pulses`, its landings rewritten as pulses at the start of their day
/// (`over_hours` removed), as they had to be written before windows.
fn iwo_jima_as(pulses: bool) -> Arc<Theatre> {
    let mut text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../scenarios/iwo-jima-1945.toml"
    ))
    .expect("the scenario is in the repository");
    if pulses {
        assert_eq!(text.matches("over_hours = 24\n").count(), 3);
        text = text.replace("over_hours = 24\n", "");
    }
    let raw: RawScenario = toml::from_str(&text).expect("it parses");
    Arc::new(Theatre::new(Scenario::try_from(raw).expect("it is valid")))
}

#[test]
fn the_closed_form_is_the_published_reconstruction() {
    // Braun's figure: about 52,000 US troops on day 36, the defenders nearly
    // gone; and the closed form against a fine RK4 of the same system.
    let (x, y) = engel(36.0);
    assert!(
        (x - 51_985.25).abs() < 0.01 && (y - 216.83).abs() < 0.01,
        "{x} {y}"
    );
    let p = |t: f64| {
        LANDINGS
            .iter()
            .filter(|(d, _)| *d <= t && t < d + 1.0)
            .map(|(_, n)| n)
            .sum::<f64>()
    };
    let f = |t: f64, x: f64, y: f64| (-A * y + p(t), -B * x);
    let (mut x, mut y, h) = (0.0f64, 21_500.0f64, 1.0 / 4096.0);
    for i in 0..36 * 4096 {
        // The landings start and end on steps: P is constant within each.
        let t = i as f64 * h;
        let tm = t + 0.5 * h;
        let k1 = f(tm, x, y);
        let k2 = f(tm, x + 0.5 * h * k1.0, y + 0.5 * h * k1.1);
        let k3 = f(tm, x + 0.5 * h * k2.0, y + 0.5 * h * k2.1);
        let k4 = f(tm, x + h * k3.0, y + h * k3.1);
        x += h / 6.0 * (k1.0 + 2.0 * k2.0 + 2.0 * k3.0 + k4.0);
        y += h / 6.0 * (k1.1 + 2.0 * k2.1 + 2.0 * k3.1 + k4.1);
    }
    let (ex, ey) = engel(36.0);
    assert!((x - ex).abs() < 1e-6 * ex && (y - ey).abs() < 1e-6 * 21_500.0);
}

#[test]
fn iwo_jima_with_hourly_ticks_is_within_a_hundredth_of_the_ode_every_day() {
    let th = iwo_jima_as(false);
    assert_eq!(th.scenario.tick_hours, 1.0);
    let mut sim = Sim::new(th);
    sim.reset(1, 0, false);
    let mut worst = (0.0f64, 0.0f64);
    let mut report = String::new();
    for day in 1..=36 {
        for _ in 0..24 {
            sim.step();
        }
        let s = strengths(&mut sim);
        let (x, y) = (s[0].0, s[1].0);
        let (ex, ey) = engel(day as f64);
        let (rx, ry) = ((x - ex).abs() / ex, (y - ey).abs() / ey);
        worst = (worst.0.max(rx), worst.1.max(ry));
        report += &format!("day {day}: US {x:.2} vs {ex:.2}, Japanese {y:.2} vs {ey:.2}\n");
        assert!(rx < 0.01 && ry < 0.01, "{report}");
    }
    // What hourly ticks with the default 4 RK4 steps give (stated in
    // docs/model.md §5): far inside the 1 % asked for.
    // The system is linear with a constant source on each piece, and
    // ω h = 2.5e-4 per RK4 step: what is left is rounding (measured: US
    // 1.2e-14, Japanese 1.4e-12, the latter on day 36 where y is 217).
    eprintln!(
        "{report}worst relative error: US {:.2e}, Japanese {:.2e}",
        worst.0, worst.1
    );
    assert!(
        worst.0 < 1e-10 && worst.1 < 1e-9,
        "worst {worst:?}\n{report}"
    );
    // Every US soldier landed is on the books: strength plus casualties.
    let out = sim.finish();
    let s = strengths(&mut sim);
    assert!((s[0].1 - 73_000.0).abs() < 1e-6, "US initial {}", s[0].1);
    assert!((s[0].0 + out.casualties[0] - 73_000.0).abs() < 1e-6);
    assert!((s[1].0 + out.casualties[1] - 21_500.0).abs() < 1e-6);
}

#[test]
fn iwo_jima_written_as_pulses_misses_the_last_defenders() {
    // The reason for windows: the integrator is the same, the input is not.
    // Each landing at once at the start of its day leaves no defender on
    // day 36 (measured: 0.0 against 216.8).
    let th = iwo_jima_as(true);
    let mut sim = Sim::new(th);
    sim.run(1, 0, false);
    let y = strengths(&mut sim)[1].0;
    let (_, ey) = engel(36.0);
    let miss = (y - ey).abs() / ey;
    eprintln!(
        "pulses: Japanese on day 36 {y:.1} vs {ey:.1}, {:.1} %",
        100.0 * miss
    );
    assert!(miss > 0.5, "{y} vs {ey}");
}

/// One force of faction a with `s0` personnel and nobody to fight, with
/// `strength` arriving over `over` hours from `day`, `hour`.
fn alone(mode: &str, days: f64, tick: f64, s0: f64, ev: (f64, f64, f64, f64)) -> Fixture {
    let (day, hour, strength, over) = ev;
    scenario(days, tick)
        .model("combat", "mode", mode)
        .factions(["a", "b"])
        .relation(["a", "b"], "hostile", |r| r)
        .force("fa", "a", (0.0, 0.0), |f| f.strength(s0).break_point(0))
        .event(day, "reinforce", |e| {
            e.force("fa").hour(hour).strength(strength).over_hours(over)
        })
}

#[test]
fn with_no_enemy_the_window_brings_its_strength_linearly() {
    for mode in ["mean_field", "stochastic"] {
        // 1,200 over 10 hours from hour 3.5, in ticks of 2 hours: the window
        // starts and ends inside ticks.
        let th = theatre(&alone(mode, 1.0, 2.0, 500.0, (0.0, 3.5, 1200.0, 10.0)));
        let mut sim = Sim::new(th);
        sim.reset(3, 0, false);
        for tick in 1..=12 {
            sim.step();
            let t = tick as f64 * 2.0;
            let expect = 500.0 + 120.0 * (t - 3.5).clamp(0.0, 10.0);
            let s = strengths(&mut sim)[0];
            assert!(
                (s.0 - expect).abs() < 1e-9 * expect,
                "{mode} at {t} h: {s:?}"
            );
            assert_eq!(s.0, s.1, "{mode}: the initial strength grows with it");
        }
        // Mid-window exactly, with ticks of 0.5 h: initial + half.
        let th = theatre(&alone(mode, 1.0, 0.5, 500.0, (0.0, 3.5, 1200.0, 10.0)));
        let mut sim = Sim::new(th);
        sim.reset(3, 0, false);
        for _ in 0..17 {
            sim.step();
        }
        assert!((strengths(&mut sim)[0].0 - 1100.0).abs() < 1e-9, "{mode}");
        let out = sim.finish();
        assert_eq!(out.casualties[0], 0.0);
        assert!((strengths(&mut sim)[0].0 - 1700.0).abs() < 1e-9, "{mode}");
    }
}

#[test]
fn a_window_past_the_horizon_brings_only_what_arrives_before_it() {
    // 2,400 over 48 hours from hour 12 of a one-day run: 12 hours arrive.
    let th = theatre(&alone(
        "mean_field",
        1.0,
        1.0,
        0.0,
        (0.0, 12.0, 2400.0, 48.0),
    ));
    let mut sim = Sim::new(th);
    sim.run(1, 0, false);
    let s = strengths(&mut sim)[0];
    assert!(
        (s.0 - 600.0).abs() < 1e-9 && (s.1 - 600.0).abs() < 1e-9,
        "{s:?}"
    );
}

/// Force a of `s0` landing against b (1,000, holding) 1 km away, hostile.
fn landing(mode: &str, tick: f64) -> Fixture {
    scenario(1.0, tick)
        .model("combat", "mode", mode)
        .factions(["a", "b"])
        .relation(["a", "b"], "hostile", |r| r)
        .force("fa", "a", (0.0, 0.0), |f| {
            f.strength(0)
                .lethality(0.01)
                .weapon_range_km(5)
                .break_point(0)
        })
        .force("fb", "b", (1.0, 0.0), |f| {
            f.strength(1000)
                .lethality(0.02)
                .weapon_range_km(5)
                .break_point(0)
        })
        .event(0, "reinforce", |e| {
            e.force("fa").strength(2400).over_hours(12.0)
        })
}

#[test]
fn stochastic_mean_follows_the_euler_step_with_the_inflow() {
    // Euler: losses from the strengths at the start of the tick, the tick's
    // arrivals after them; a force landing from nothing fights from the
    // tick after its first arrivals.
    let tick = 1.0;
    let th = theatre(&landing("stochastic", tick));
    let n = 2000;
    let outs = outcomes(&th, 17, n);
    let (mut ea, mut eb) = (0.0f64, 1000.0f64);
    for k in 0..24 {
        let inflow = if k < 12 { 200.0 * tick } else { 0.0 };
        (ea, eb) = (
            (ea - 0.02 * eb * tick).max(0.0) + inflow,
            eb - 0.01 * ea * tick,
        );
    }
    let a: Vec<f64> = outs.iter().map(|o| 2400.0 - o.casualties[0]).collect();
    let b: Vec<f64> = outs.iter().map(|o| 1000.0 - o.casualties[1]).collect();
    for (xs, euler) in [(&a, ea), (&b, eb)] {
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let se = (var / n as f64).sqrt();
        assert!(
            (mean - euler).abs() < Z * se,
            "mean {mean} vs Euler {euler} (se {se})"
        );
    }
}
