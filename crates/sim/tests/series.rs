//! The time series of a run (docs/model.md §10.5) against numbers nobody
//! picked: the closed-form square law at every day and every tick, the
//! outcome of the same run unsampled, its owner changes and its end state.

mod common;

use std::sync::Arc;

use common::{duel, scenario, square_law, theatre};
use frontline_sim::prelude::*;

#[test]
fn the_daily_series_of_a_mean_field_duel_is_the_square_law() {
    // A is wiped out after about 98 hours: three days stay clear of it.
    let th = theatre(&duel("mean_field", 3.0, 1.0));
    for every in [Every::Day, Every::Tick] {
        let (_, series) = Sim::new(Arc::clone(&th)).run_series(1, 0, false, every);
        let expect = match every {
            Every::Day => vec![0.0, 24.0, 48.0, 72.0],
            Every::Tick => (0..=72).map(f64::from).collect(),
        };
        assert_eq!(series.hours, expect);
        for (k, &t) in series.hours.iter().enumerate() {
            let (ea, eb) = square_law(t);
            let s = series.strengths(k);
            assert!(
                (s[0] - ea).abs() < 1e-6 * 1000.0,
                "A at {t} h: {} vs {ea}",
                s[0]
            );
            assert!(
                (s[1] - eb).abs() < 1e-6 * 800.0,
                "B at {t} h: {} vs {eb}",
                s[1]
            );
            // One force per faction: the faction's sum is its force.
            assert_eq!(series.faction_strengths(k), s);
            // A pair hostile from the start, never set to a friction
            // stance, is not tracked (§7.1): no stance to sample.
            assert!(series.stances(k).is_empty());
        }
    }
}

/// The reference scenario: captures, scheduled events, many forces per
/// faction.
fn raqqa() -> Arc<Theatre> {
    let text = include_str!("../../../scenarios/raqqa-2017.toml");
    let raw: RawScenario = toml::from_str(text).expect("parses");
    Arc::new(Theatre::new(Scenario::try_from(raw).expect("valid")))
}

#[test]
fn sampling_leaves_the_run_unchanged() {
    let th = raqqa();
    let mut sim = Sim::new(Arc::clone(&th));
    for run in 0..4 {
        let plain = sim.run(7, run, true);
        for every in [Every::Day, Every::Tick] {
            let (sampled, _) = sim.run_series(7, run, true, every);
            assert_eq!(sampled, plain, "run {run}, {every:?}");
        }
    }
}

#[test]
fn the_series_agrees_with_the_outcome() {
    let th = raqqa();
    let s = &th.scenario;
    let mut sim = Sim::new(Arc::clone(&th));
    let mut captures = 0;
    for run in 0..8 {
        let (out, series) = sim.run_series(3, run, false, Every::Day);
        // t = 0 and the end of each of the 30 days.
        assert_eq!(series.len(), 31);
        assert_eq!(series.hours[30], s.horizon_hours);
        for k in 0..series.len() {
            // The faction's strength is the sum over its forces.
            let mut sum = vec![0.0; th.n_factions()];
            for (f, x) in th.forces.iter().zip(series.strengths(k)) {
                sum[f.faction.index()] += x;
            }
            assert_eq!(series.faction_strengths(k), sum);
            // A site's owner is the one of its last change by then.
            for (site, owner) in series.owners(k).iter().enumerate() {
                let expect = out
                    .owner_changes
                    .iter()
                    .rfind(|c| c.site as usize == site && c.hours <= series.hours[k])
                    .map_or(s.sites[site].owner.map(|f| f.0), |c| c.owner);
                assert_eq!(*owner, expect, "run {run}, site {site}, sample {k}");
            }
        }
        captures += out.owner_changes.len();
        // The last sample is the end state.
        assert_eq!(series.owners(30), out.site_owner_end);
        let first = series.strengths(0);
        assert_eq!(
            first,
            th.forces.iter().map(|f| f.strength).collect::<Vec<_>>()
        );
    }
    assert!(captures > 0, "the reference scenario has captures");
}

#[test]
fn without_reinforcements_a_faction_loses_its_casualties() {
    // Stochastic combat between two factions of two forces each: whole
    // personnel, so the balance is exact.
    let fx = scenario(2.0, 1.0)
        .factions(["red", "blue"])
        .relation(["red", "blue"], "hostile", |r| r)
        .force("a1", "red", (0.0, 0.0), |f| {
            f.strength(300).lethality(0.02).weapon_range_km(5)
        })
        .force("a2", "red", (0.0, 1.0), |f| {
            f.strength(200).lethality(0.02).weapon_range_km(5)
        })
        .force("b1", "blue", (1.0, 0.0), |f| {
            f.strength(400).lethality(0.01).weapon_range_km(5)
        })
        .force("b2", "blue", (1.0, 1.0), |f| {
            f.strength(100).lethality(0.01).weapon_range_km(5)
        });
    let th = theatre(&fx);
    let mut sim = Sim::new(Arc::clone(&th));
    for run in 0..5 {
        let (out, series) = sim.run_series(9, run, false, Every::Tick);
        let last = series.len() - 1;
        assert_eq!(series.faction_strengths(0), [500.0, 500.0]);
        for f in 0..2 {
            let lost = series.faction_strengths(0)[f] - series.faction_strengths(last)[f];
            assert_eq!(lost, out.casualties[f], "run {run}, faction {f}");
        }
        // Strengths never grow without reinforcements.
        for k in 1..series.len() {
            for (x, y) in series.strengths(k - 1).iter().zip(series.strengths(k)) {
                assert!(y <= x);
            }
        }
    }
}
