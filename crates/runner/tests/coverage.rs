//! Interval coverage against a closed form, and replay of single runs.
//!
//! Two neutral forces hold 2 km apart with no self-excitation, so incidents
//! are a Poisson process of constant rate λ and
//! P(at least one incident within T) = 1 − exp(−λT) exactly. For 1,000 master
//! seeds we estimate it from n runs and check how often the 95 % Wilson
//! interval covers the truth. The exact coverage of the Wilson interval for
//! this (n, p) is computed from the binomial distribution; the observed
//! coverage must lie within 5 standard errors of it, and the exact coverage
//! within 95 % ± 2 %.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use frontline_fixtures::Scenario;
use frontline_runner::estimate::wilson;
use frontline_runner::load::{Format, load_text};
use frontline_runner::replicate::{Finish, Replicator, replay};
use frontline_runner::stats::Stats;
use frontline_sim::theatre::Theatre;

fn theatre() -> Arc<Theatre> {
    let text = Scenario::new()
        .name("coverage")
        .days(2)
        .origin(0.0, 0.0)
        .model("friction", "base_hazard_per_hour", 0.02)
        .model("friction", "branching_ratio", 0)
        .model("friction", "first_contact_surge", 0)
        .factions(["a", "b"])
        .force("fa", "a", (0.0, 0.0), |f| f.strength(1000))
        .force("fb", "b", (2.0, 0.0), |f| f.strength(1000))
        .to_toml();
    let l = load_text("coverage.toml", &text, Format::Toml, &[]).unwrap();
    Arc::new(Theatre::new(l.scenario))
}

fn stats(rep: &Replicator, seed: u64, runs: u64) -> Stats {
    match rep
        .run(seed, 0..runs, None, &|_| {}, &AtomicBool::new(false))
        .unwrap()
    {
        Finish::Complete(s) => s,
        Finish::Interrupted { .. } => unreachable!(),
    }
}

fn ln_choose(n: u64, k: u64) -> f64 {
    let lg = |x: u64| (1..=x).map(|i| (i as f64).ln()).sum::<f64>();
    lg(n) - lg(k) - lg(n - k)
}

#[test]
fn wilson_intervals_cover_the_closed_form_probability() {
    let th = theatre();
    let lambda = 0.02 * (-2.0f64 / 5.0).exp();
    let truth = 1.0 - (-lambda * 48.0).exp();
    let n = 100u64;
    // Exact coverage of the Wilson interval at (n, truth).
    let exact: f64 = (0..=n)
        .filter(|&k| {
            let w = wilson(k, n);
            w.lo <= truth && truth <= w.hi
        })
        .map(|k| {
            (ln_choose(n, k) + k as f64 * truth.ln() + (n - k) as f64 * (1.0 - truth).ln()).exp()
        })
        .sum();
    assert!(
        (exact - 0.95).abs() <= 0.02,
        "exact Wilson coverage {exact}"
    );
    let rep = Replicator::new(Arc::clone(&th), 2).unwrap();
    let seeds = 1000;
    let covered = (0..seeds)
        .filter(|&seed| {
            let s = stats(&rep, seed, n);
            let w = wilson(s.pairs[0].runs_incident, n);
            w.lo <= truth && truth <= w.hi
        })
        .count() as f64;
    let observed = covered / seeds as f64;
    let se = (exact * (1.0 - exact) / seeds as f64).sqrt();
    assert!(
        (observed - exact).abs() < 5.0 * se,
        "observed {observed}, exact {exact}"
    );
    assert!((observed - 0.95).abs() <= 0.02 + 5.0 * se);
}

#[test]
fn any_run_replays_alone_and_stats_do_not_depend_on_threads() {
    let th = theatre();
    let one = Replicator::new(Arc::clone(&th), 1).unwrap();
    let two = Replicator::new(Arc::clone(&th), 2).unwrap();
    let (a, b) = (stats(&one, 99, 500), stats(&two, 99, 500));
    assert_eq!(a, b);
    let mut by_hand = Stats::new(&th);
    for run in 0..500 {
        by_hand.add(&replay(&th, 99, run, false));
    }
    assert_eq!(a, by_hand);
    // Split ranges merge to the same statistics.
    let mut parts = match one
        .run(99, 0..123, None, &|_| {}, &AtomicBool::new(false))
        .unwrap()
    {
        Finish::Complete(s) => s,
        _ => unreachable!(),
    };
    match two
        .run(99, 123..500, None, &|_| {}, &AtomicBool::new(false))
        .unwrap()
    {
        Finish::Complete(s) => parts.merge(&s),
        _ => unreachable!(),
    }
    assert_eq!(a, parts);
}
