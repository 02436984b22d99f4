//! Verification of the model's mechanisms against closed forms, limiting
//! cases and known distributions. Fixed seeds; tolerances are `Z` standard
//! errors (5 σ), with the standard error derived from the sample or from the
//! binomial / Poisson variance.

mod common;

use std::sync::Arc;

use common::{Fixture, Z, duel, outcomes, scenario, square_law, theatre};
use frontline_fixtures::{Force, Relation, Site};
use frontline_sim::force::{
    Allegiance, Arms, ForceIndex, ForceTable, Morale, Orders, Position, Strength,
};
use frontline_sim::friction::FrictionState;
use frontline_sim::prelude::*;
use frontline_sim::scenario::Stance;

/// What a case of a table-driven test changes in a scenario or an entry.
type Edit<T> = fn(T) -> T;

fn strengths(sim: &mut Sim) -> (f64, f64) {
    let w = sim.world_mut();
    let mut q = w.query::<(&ForceIndex, &Strength)>();
    let mut s = [0.0; 2];
    for (i, st) in q.iter(w) {
        s[i.0 as usize] = st.current;
    }
    (s[0], s[1])
}

#[test]
fn mean_field_reproduces_the_square_law_time_course() {
    let th = theatre(&duel("mean_field", 1.0, 1.0));
    let mut sim = Sim::new(th);
    sim.reset(1, 0, false);
    let inv0 = 0.01 * 1000.0f64.powi(2) - 0.02 * 800.0f64.powi(2);
    for tick in 1..=24 {
        sim.step();
        let (a, b) = strengths(&mut sim);
        let (ea, eb) = square_law(tick as f64);
        assert!((a - ea).abs() < 1e-6 * 1000.0, "A at {tick} h: {a} vs {ea}");
        assert!((b - eb).abs() < 1e-6 * 800.0, "B at {tick} h: {b} vs {eb}");
        let inv = 0.01 * a * a - 0.02 * b * b;
        assert!((inv - inv0).abs() < 1e-6 * inv0.abs(), "invariant drifted");
    }
    let out = sim.finish();
    let (ea, eb) = square_law(24.0);
    assert!((out.casualties[0] - (1000.0 - ea)).abs() < 1e-3);
    assert!((out.casualties[1] - (800.0 - eb)).abs() < 1e-3);
}

#[test]
fn stochastic_mean_is_the_ode_within_sampling_error() {
    // Poisson losses with mean rate·Δt: the mean follows the Euler recurrence
    // of the ODE exactly (the cap at zero strength is never reached here).
    let tick = 0.25;
    let th = theatre(&duel("stochastic", 1.0, tick));
    let n = 2000;
    let outs = outcomes(&th, 11, n);
    let a: Vec<f64> = outs.iter().map(|o| 1000.0 - o.casualties[0]).collect();
    let b: Vec<f64> = outs.iter().map(|o| 800.0 - o.casualties[1]).collect();
    let (mut ea, mut eb) = (1000.0f64, 800.0f64);
    for _ in 0..(24.0 / tick) as usize {
        (ea, eb) = (ea - 0.02 * eb * tick, eb - 0.01 * ea * tick);
    }
    let (oa, ob) = square_law(24.0);
    for (xs, euler, ode) in [(&a, ea, oa), (&b, eb, ob)] {
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        let se = (var / n as f64).sqrt();
        assert!(
            (mean - euler).abs() < Z * se,
            "mean {mean} vs Euler {euler} (se {se})"
        );
        // Against the ODE itself, allow for the Euler step's own error.
        assert!(
            (mean - ode).abs() < Z * se + (euler - ode).abs(),
            "mean {mean} vs ODE {ode}"
        );
    }
}

/// Factions a and b with `stance` (and what `relation` adds), and their
/// forces fa and fb `dist` km apart, 1000 strong, holding, over `days`
/// days of hourly ticks.
fn contact(
    stance: &str,
    dist: f64,
    days: f64,
    relation: impl FnOnce(Relation) -> Relation,
) -> Fixture {
    two_forces(
        scenario(days, 1.0).factions(["a", "b"]),
        stance,
        dist,
        relation,
    )
}

/// [`contact`] on a scenario that has factions a and b already.
fn two_forces(
    s: Fixture,
    stance: &str,
    dist: f64,
    relation: impl FnOnce(Relation) -> Relation,
) -> Fixture {
    s.relation(["a", "b"], stance, relation)
        .force("fa", "a", (0.0, 0.0), |f| f.strength(1000))
        .force("fb", "b", (dist, 0.0), |f| f.strength(1000))
}

/// No casualties in clashes and engagements.
fn no_casualties(s: Fixture) -> Fixture {
    s.model("friction", "clash_casualties", 0)
        .model("friction", "engagement_casualties", 0)
}

/// A constant hazard: no self-excitation, no first-contact surge, no
/// casualties.
fn no_hawkes(s: Fixture) -> Fixture {
    no_casualties(s)
        .model("friction", "branching_ratio", 0)
        .model("friction", "first_contact_surge", 0)
}

#[test]
fn constant_hazard_gives_exponential_first_incident_times() {
    let s = no_hawkes(contact("neutral", 2.0, 10.0, |r| r));
    let th = theatre(&s.model("friction", "base_hazard_per_hour", 0.01));
    let lambda = 0.01 * (-2.0f64 / 5.0).exp(); // λ0 e^{−d/d0}, sizes at reference
    let n = 4000;
    let outs = outcomes(&th, 5, n);
    for t in [12.0, 24.0, 72.0, 120.0, 240.0] {
        let hits = outs
            .iter()
            .filter(|o| o.pairs[0].first_incident_h.is_some_and(|h| h <= t))
            .count() as f64;
        let p = 1.0 - (-lambda * t).exp();
        let se = (p * (1.0 - p) / n as f64).sqrt();
        let phat = hits / n as f64;
        assert!((phat - p).abs() < Z * se, "t={t}: {phat} vs {p} (se {se})");
    }
}

fn mean_and_se(xs: impl Iterator<Item = f64>) -> (f64, f64) {
    let v: Vec<f64> = xs.collect();
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

#[test]
fn escalation_probabilities_are_recovered_from_frequencies() {
    let factions = scenario(10.0, 1.0)
        .faction("a", |f| f.aggression(0.8).discipline(0.2))
        .faction("b", |f| f.aggression(0.6).discipline(0.4));
    let s = two_forces(factions, "rival", 0.0, |r| r.deconfliction(0.4));
    let th = theatre(&no_hawkes(s).model("friction", "base_hazard_per_hour", 1.0));
    // m = (0.5 + ā)(1.5 − d̄) · ε(rival) · (1 − e) with ā = 0.7, d̄ = 0.3.
    let m = 1.2 * 1.2 * 1.5 * (1.0 - 0.4);
    let (pc, pe) = (0.15 * m, 0.2 * m);
    let outs = outcomes(&th, 9, 100);
    let inc: f64 = outs.iter().map(|o| o.pairs[0].incidents as f64).sum();
    let cl: f64 = outs.iter().map(|o| o.pairs[0].clashes as f64).sum();
    let en: f64 = outs.iter().map(|o| o.pairs[0].engagements as f64).sum();
    let se_c = (pc * (1.0 - pc) / inc).sqrt();
    let se_e = (pe * (1.0 - pe) / cl).sqrt();
    assert!(
        (cl / inc - pc).abs() < Z * se_c,
        "clash {} vs {pc}",
        cl / inc
    );
    assert!(
        (en / cl - pe).abs() < Z * se_e,
        "engagement {} vs {pe}",
        en / cl
    );
    // Deconfliction also scales the hazard by 1 − w e (w = 0.5), rival by 2:
    // incidents per run ~ Poisson(λ T).
    let lambda = 1.0 * 2.0 * (1.0 - 0.5 * 0.4);
    let expect = lambda * 240.0;
    let mean = inc / outs.len() as f64;
    assert!((mean - expect).abs() < Z * (expect / outs.len() as f64).sqrt());
}

#[test]
fn truces_scale_the_hazard_in_their_window_and_region() {
    let cases: [(&str, Edit<Relation>, f64); 5] = [
        // (truce, expected hazard-hours over 10 days)
        ("no truce", |r| r, 240.0),
        (
            "factor 0.25",
            |r| r.truce(|t| t.hazard_factor(0.25)),
            0.25 * 240.0,
        ),
        (
            "factor 0.1 from day 2 to 5",
            |r| r.truce(|t| t.from_day(2).to_day(5).hazard_factor(0.1)),
            240.0 - 72.0 * 0.9,
        ),
        // A region that does not hold the contact changes nothing.
        (
            "factor 0, 50 km away",
            |r| r.truce(|t| t.hazard_factor(0.0).region((50.0, 0.0), 10.0)),
            240.0,
        ),
        (
            "factor 0 around the contact",
            |r| r.truce(|t| t.hazard_factor(0.0).region((0.0, 0.0), 10.0)),
            0.0,
        ),
    ];
    let cases = cases.map(|(case, truce, hours)| (case, hazard_case(truce), hours));
    assert_hazard_hours(3, cases);
}

/// A neutral contact of two forces 1 km apart for 10 days, without
/// self-excitation, at a base hazard of 0.2 an hour; its relation edited
/// by `relation`.
fn hazard_case(relation: Edit<Relation>) -> Fixture {
    no_hawkes(contact("neutral", 1.0, 10.0, relation)).model(
        "friction",
        "base_hazard_per_hour",
        0.2,
    )
}

/// Each case, `(name, scenario of a contact 1 km apart, expected
/// hazard-hours)`, over 400 runs of seed `seed`: the incidents are those
/// of a Poisson count of the hazard at 1 km over its hours.
fn assert_hazard_hours(seed: u64, cases: impl IntoIterator<Item = (&'static str, Fixture, f64)>) {
    let base = 0.2 * (-1.0f64 / 5.0).exp();
    for (case, s, hours) in cases {
        assert_poisson_incidents(&theatre(&s), seed, 400, base * hours, case);
    }
}

/// The mean number of incidents of the first pair over `n` runs is that of
/// a Poisson count of mean `expect`, within `Z` standard errors (its
/// variance is its mean; a floor of 1e-9 for an expected count of 0).
fn assert_poisson_incidents(th: &Arc<Theatre>, seed: u64, n: u64, expect: f64, case: &str) {
    let outs = outcomes(th, seed, n);
    let (mean, _) = mean_and_se(outs.iter().map(|o| o.pairs[0].incidents as f64));
    let se = (expect.max(1e-9) / n as f64).sqrt();
    assert!(
        (mean - expect).abs() <= Z * se,
        "{case}: {mean} vs {expect}"
    );
}

/// Scheduled deconfliction and truce events change the hazard from their
/// tick on: the expected incidents are those of the hazard before plus
/// the hazard after, each over its hours.
#[test]
fn events_change_the_hazard_from_their_tick_on() {
    let cases: [(&str, Edit<Fixture>, f64); 3] = [
        // (events, expected hazard-hours over 10 days)
        ("no event", |s| s, 240.0),
        (
            "deconfliction 0.75 on day 4",
            |s| {
                s.event(4, "deconfliction", |e| {
                    e.between(["a", "b"]).deconfliction(0.75)
                })
            },
            96.0 + 0.25 * 144.0,
        ),
        (
            "a total truce from day 6",
            |s| {
                s.event(6, "truce", |e| {
                    e.between(["a", "b"])
                        .truce(|t| t.from_day(6).to_day(10).hazard_factor(0.0))
                })
            },
            144.0,
        ),
    ];
    let s = hazard_case(|r| r).model("friction", "deconfliction_hazard_weight", 1);
    let cases = cases.map(|(events, add, hours)| (events, add(s.clone()), hours));
    assert_hazard_hours(11, cases);
}

/// A channel serves the factions it covers: c, covered on a's side of the
/// a–b channel (0.8, relay 0.5), meets b with e = 0.5 × 0.8 = 0.4, so its
/// hazard is that of no channel × (1 − 0.4) with the full weight; with c
/// covered on a's side and d on b's, a c–d contact has two covered parties,
/// e = 0.5² × 0.8 = 0.2. A deconfliction event on a–b on day 4 (0.2) carries
/// over to them from that tick: 0.1 for c–b. A pair's own channel, if
/// stronger, is kept (c–b at 0.7).
#[test]
fn a_channel_serves_the_factions_it_covers() {
    // Factions c and b (or c and d) first, so that their pair is the
    // first tracked one.
    let case = |factions: [&str; 4], second: &'static str, edit: Edit<Fixture>| {
        let s = scenario(10.0, 1.0)
            .factions(factions)
            .relation(["a", "b"], "neutral", |r| {
                r.deconfliction(0.8).covers(&["c"], &["d"]).relay(0.5)
            })
            .relation(["c", second], "neutral", |r| r)
            .force("fc", "c", (0.0, 0.0), |f| f.strength(1000))
            .force("fx", second, (1.0, 0.0), |f| f.strength(1000));
        let s = no_hawkes(s)
            .model("friction", "base_hazard_per_hour", 0.2)
            .model("friction", "deconfliction_hazard_weight", 1);
        edit(s)
    };
    let none: Edit<Fixture> = |s| s;
    let event: Edit<Fixture> = |s| {
        s.event(4, "deconfliction", |e| {
            e.between(["a", "b"]).deconfliction(0.2)
        })
    };
    let own: Edit<Fixture> = |s| {
        s.event(0, "deconfliction", |e| {
            e.hour(1).between(["c", "b"]).deconfliction(0.7)
        })
    };
    let cb = ["c", "b", "a", "d"];
    let cd = ["c", "d", "a", "b"];
    let cases = [
        ("c–b, one covered party", case(cb, "b", none), 240.0 * 0.6),
        ("c–d, two covered parties", case(cd, "d", none), 240.0 * 0.8),
        (
            "c–b, the channel weakened on day 4",
            case(cb, "b", event),
            96.0 * 0.6 + 144.0 * 0.9,
        ),
        (
            "c–b, its own channel stronger",
            case(cb, "b", own),
            0.6 + 239.0 * 0.3,
        ),
    ];
    assert_hazard_hours(12, cases);
}

#[test]
fn self_excitation_gives_the_hawkes_expected_count() {
    // Constant background μ, kernel n β e^{−β t}:
    // E[N(T)] = μT/(1−n) − μ n / (β (1−n)²) · (1 − e^{−β(1−n)T}).
    let (n_br, decay) = (0.5f64, 24.0f64);
    let s = no_hawkes(contact("neutral", 0.0, 10.0, |r| r))
        .model("friction", "base_hazard_per_hour", 0.05)
        .model("friction", "branching_ratio", n_br)
        .model("friction", "excitation_decay_hours", decay);
    let th = theatre(&s);
    let (mu, beta, t): (f64, f64, f64) = (0.05, 1.0 / decay, 240.0);
    let expect = mu * t / (1.0 - n_br)
        - mu * n_br / (beta * (1.0 - n_br).powi(2)) * (1.0 - (-beta * (1.0 - n_br) * t).exp());
    let outs = outcomes(&th, 21, 3000);
    let (mean, se) = mean_and_se(outs.iter().map(|o| o.pairs[0].incidents as f64));
    assert!(
        (mean - expect).abs() < Z * se,
        "{mean} vs {expect} (se {se})"
    );
    // Without self-excitation the count is Poisson(μT): the term matters.
    assert!(expect > mu * t * 1.5);
}

#[test]
fn first_contact_surge_adds_its_expected_incidents() {
    // n = 0: E[N(T)] = μT + n0 (1 − e^{−βT}).
    let s = no_hawkes(contact("neutral", 0.0, 5.0, |r| r))
        .model("friction", "base_hazard_per_hour", 0.02)
        .model("friction", "first_contact_surge", 2)
        .model("friction", "excitation_decay_hours", 12);
    let th = theatre(&s);
    let expect = 0.02 * 120.0 + 2.0 * (1.0 - (-120.0f64 / 12.0).exp());
    let outs = outcomes(&th, 4, 3000);
    let (mean, se) = mean_and_se(outs.iter().map(|o| o.pairs[0].incidents as f64));
    assert!((mean - expect).abs() < Z * se, "{mean} vs {expect}");
}

#[test]
fn the_surge_scales_with_the_proximity_of_the_first_contact() {
    // One pair held still at d km: P(incident by T) = 1 − exp(−Λ(T)) with
    // Λ(T) = μT + n0 e^{−d/d0} (1 − e^{−βT}), μ = λ0 e^{−d/d0} (branching
    // plays no part before the first incident). Near (2 km) and at the edge
    // of the default 10 km sensor range; with the surge unscaled by
    // proximity, Λ would hold n0 (1 − e^{−βT}) at both: P = 0.885 and 0.869
    // instead of 0.777 and 0.262, 16 and 87 standard errors away.
    let n = 4000;
    for (d, seed) in [(2.0, 21), (10.0, 22)] {
        let s = no_casualties(contact("neutral", d, 5.0, |r| r))
            .model("friction", "base_hazard_per_hour", 0.002)
            .model("friction", "first_contact_surge", 2)
            .model("friction", "excitation_decay_hours", 12);
        let th = theatre(&s);
        let proximity = (-d / 5.0f64).exp();
        let lambda = 0.002 * proximity * 120.0 + 2.0 * proximity * (1.0 - (-10.0f64).exp());
        let p = 1.0 - (-lambda).exp();
        let old = 1.0 - (-(0.002 * proximity * 120.0 + 2.0 * (1.0 - (-10.0f64).exp()))).exp();
        let se = (p * (1.0 - p) / n as f64).sqrt();
        assert!(
            (p - old).abs() > 2.0 * Z * se,
            "the test has teeth at {d} km"
        );
        let hits = outcomes(&th, seed, n)
            .iter()
            .filter(|o| o.pairs[0].incidents > 0)
            .count();
        let phat = hits as f64 / n as f64;
        assert!(
            (phat - p).abs() < Z * se,
            "{d} km: {phat} vs {p} (se {se}; unscaled surge {old})"
        );
    }
}

#[test]
fn repeated_clashes_turn_the_stance_hostile() {
    // No cooling: the stance, once hostile, stays so (§7.7).
    let s = no_casualties(contact("neutral", 0.0, 2.0, |r| {
        r.hostile_after_clashes(3).cooling_days(f64::INFINITY)
    }))
    .model("friction", "base_hazard_per_hour", 2)
    .model("friction", "clash_probability", 1);
    let th = theatre(&s);
    for o in outcomes(&th, 1, 20) {
        let p = &o.pairs[0];
        // Every incident is a clash; friction stops at the third, combat takes over.
        assert_eq!(p.clashes, 3);
        assert_eq!(p.incidents, 3);
        assert!(p.turned_hostile_h.is_some());
        assert!(
            o.casualties.iter().sum::<f64>() > 0.0,
            "hostile forces fight"
        );
    }
}

/// An oil well of 24 a day at the origin (with what `site` adds), and
/// factions a, b and c: b and c neutral, both hostile to a; mean-field
/// combat, and garrisons that do not shoot; over two days.
fn site_scenario(site: impl FnOnce(Site) -> Site) -> Fixture {
    scenario(2.0, 1.0)
        .model("combat", "mode", "mean_field")
        .model("combat", "garrison_lethality", 0)
        .factions(["a", "b", "c"])
        .relation(["a", "b"], "hostile", |r| r)
        .relation(["a", "c"], "hostile", |r| r)
        .relation(["b", "c"], "neutral", |r| r)
        .site("well", "oil_field", (0.0, 0.0), |s| {
            site(s.output_per_day(24).capture_radius_km(3))
        })
}

#[test]
fn capture_needs_the_garrison_gone_and_the_radius_unopposed() {
    // A force of b 1 km from the site, firing `lethality`.
    let attacker = |s: Fixture, lethality: f64| {
        s.force("fb", "b", (1.0, 0.0), |f| {
            f.strength(500).lethality(lethality)
        })
    };
    // Garrison of 10 falls in the first tick (dG/dt = −0.05·500 = −25/h).
    let th = theatre(&attacker(
        site_scenario(|s| s.owner("a").garrison(10)),
        0.05,
    ));
    let o = &outcomes(&th, 1, 1)[0];
    assert_eq!(o.site_owner_end, vec![Some(1)]);
    assert_eq!(o.owner_changes.len(), 1);
    assert_eq!(o.owner_changes[0].hours, 1.0);
    // The new owner earns output × days from the first tick on.
    assert!((o.revenue[1] - 24.0 * 2.0).abs() < 1e-9);
    assert_eq!(o.revenue[0], 0.0);

    // An owner force inside the radius (that the attacker cannot kill) holds it.
    let with_defender =
        attacker(site_scenario(|s| s.owner("a")), 0.0)
            .force("fa", "a", (0.0, 1.0), |f| f.strength(50).lethality(0));
    let th = theatre(&with_defender);
    let o = &outcomes(&th, 1, 1)[0];
    assert_eq!(o.site_owner_end, vec![Some(0)]);
    assert!((o.revenue[0] - 48.0).abs() < 1e-9);

    // Unowned: the strongest faction present takes it; an air force cannot.
    let two = attacker(site_scenario(|s| s), 0.05)
        .force("fc", "c", (-1.0, 0.0), |f| f.strength(900))
        .force("air", "a", (0.0, 0.0), |f| {
            f.domain("air").strength(5000).lethality(0)
        });
    let th = theatre(&two);
    let o = &outcomes(&th, 1, 1)[0];
    assert_eq!(o.site_owner_end, vec![Some(2)]);
}

/// A site is looked at again only when something that decides its capture
/// may have changed (docs/performance.md, step 38): a capture must still
/// happen in the very tick a capturer comes within the radius, and in every
/// run of a reused `Sim`.
#[test]
fn a_site_is_taken_in_the_tick_a_capturer_enters_its_radius() {
    let revenue = |o: &Outcome| (o.revenue[0], o.revenue[1]);
    // An undefended site of a. A static force of b inside the radius takes
    // it in the first tick; b earns from that tick on: 48 ticks of 1.
    let inside: Edit<Force> = |f| f;
    // A column of b 10 km out, advancing on it at 1 km/h: 3 km out, inside
    // the radius, after its seventh move (hour 7); a earns 6, b 42.
    let column: Edit<Force> = |f| f.speed_kmh(1).posture("advance").objective("well");
    let cases = [
        (1.0, inside, 1.0, (0.0, 48.0)),
        (10.0, column, 7.0, (6.0, 42.0)),
    ];
    for (x, force, hours, earned) in cases {
        let s = site_scenario(|s| s.owner("a"));
        let th = theatre(&s.force("fb", "b", (x, 0.0), |f| force(f.strength(500))));
        let mut sim = Sim::new(th);
        for run in 0..3 {
            let o = sim.run(1, run, false);
            assert_eq!(o.owner_changes.len(), 1, "run {run}");
            assert_eq!(o.owner_changes[0].hours, hours, "run {run}");
            assert_eq!(o.site_owner_end, vec![Some(1)]);
            assert_eq!(revenue(&o), earned, "run {run}");
        }
    }
}

#[test]
fn advancing_force_arrives_after_distance_over_speed() {
    let s = scenario(2.0, 1.0)
        .factions(["a"])
        .force("col", "a", (0.0, 0.0), |f| {
            f.strength(100)
                .speed_kmh(2)
                .posture("advance")
                .objective_at((30.0, 40.0))
        });
    let th = theatre(&s);
    let mut sim = Sim::new(th);
    let o = sim.run(1, 0, true);
    let arrived: Vec<f64> = o
        .log
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            LogEvent::Arrived { hours, .. } => Some(*hours),
            _ => None,
        })
        .collect();
    assert_eq!(arrived, vec![(50.0f64 / 2.0).ceil()]);
}

/// An advance halts while a hostile force is within its weapon range (as of
/// the last index): from the tick a stance event turns the force beside its
/// path hostile, until the tick after it has destroyed it. At 1 km/h from
/// x = 0, the column is 3 km from the post at x = 5 after two ticks; the
/// event turns them hostile at hour 2; the post dies at hour `d` (the end of
/// the tick that kills it), and the column moves on from then: it ends at
/// x = 2 + (24 − d).
#[test]
fn an_advance_halts_while_a_hostile_force_is_in_weapon_range() {
    let s = scenario(1.0, 1.0)
        .model("friction", "base_hazard_per_hour", 0)
        .model("friction", "first_contact_surge", 0)
        .factions(["a", "b"])
        .relation(["a", "b"], "rival", |r| r)
        .force("col", "a", (0.0, 0.0), |f| {
            f.strength(1000)
                .lethality(0.002)
                .weapon_range_km(3)
                .speed_kmh(1)
                .posture("advance")
                .objective_at((100.0, 0.0))
        })
        .force("post", "b", (5.0, 0.0), |f| f.strength(8).lethality(0))
        .event(0, "stance", |e| {
            e.hour(2).between(["a", "b"]).stance("hostile")
        });
    let mut sim = Sim::new(theatre(&s));
    let mut deaths = Vec::new();
    for run in 0..20 {
        sim.reset(1, run, true);
        let o = sim.finish();
        let died = o
            .log
            .as_ref()
            .unwrap()
            .iter()
            .find_map(|e| match e {
                LogEvent::Destroyed { hours, force: 1 } => Some(*hours),
                _ => None,
            })
            .expect("the column destroys the post within the day");
        let x = sim
            .world_mut()
            .query::<(&ForceIndex, &Position)>()
            .iter(sim.world())
            .find(|(i, _)| i.0 == 0)
            .map(|(_, p)| p.0.x)
            .unwrap();
        assert_eq!(
            x,
            2.0 + (24.0 - died),
            "run {run}: the post died at hour {died}"
        );
        deaths.push(died);
    }
    // Fire of 2 an hour against 8: the post lasts a few hours, more in
    // some runs than in others.
    assert!(deaths.iter().any(|&d| d != deaths[0]), "{deaths:?}");
}

/// The hour a site changes hands in one run of `s` (mean-field: every run
/// is the same), if it does.
fn capture_hour(s: &Fixture) -> Option<f64> {
    let o = &outcomes(&theatre(s), 1, 1)[0];
    o.owner_changes.first().map(|c| c.hours)
}

/// Factions a and b at `stance` over `days` of hourly ticks: mean-field
/// combat, garrisons that do not fire, no friction.
fn quiet_siege(days: f64, stance: &str) -> Fixture {
    scenario(days, 1.0)
        .model("combat", "mode", "mean_field")
        .model("combat", "garrison_lethality", 0)
        .model("friction", "base_hazard_per_hour", 0)
        .model("friction", "first_contact_surge", 0)
        .factions(["a", "b"])
        .relation(["a", "b"], stance, |r| r)
}

/// An assault on a garrisoned site, against the kinematics and the linear
/// attrition of a garrison that does not fire back. A column of b, 20 km
/// out, fires 0.3 an hour (lethality 0.0006 × 500) from 30 km, so at the
/// garrison of 20 from the first tick: the garrison breaks in the first
/// tick that leaves it below b·20, and dies in the tick that leaves it at
/// 0. The column moves 0.4 km/h; the site's radius is 3 km.
///
/// - **assault**, garrison breaking at 0.3: the site falls when both the
///   column is inside the radius, after ⌈(20 − 3)/0.4⌉ = 43 ticks, and the
///   garrison has broken, after ⌈(1 − 0.3)·20/0.3⌉ = 47: hour 47;
/// - **assault**, a garrison that never breaks (break point 0): when it is
///   dead, ⌈20/0.3⌉ = 67;
/// - **advance**: the column halts while the garrison, broken or not, is
///   alive in its weapon range, then walks the 43 ticks: 67 + 43 = 110.
#[test]
fn an_assault_takes_a_site_when_its_speed_and_the_garrisons_break_allow() {
    let (d, rho, speed, fire, g, b): (f64, f64, f64, f64, f64, f64) =
        (20.0, 3.0, 0.4, 0.3, 20.0, 0.3);
    let arrive = ((d - rho) / speed).ceil();
    let break_at = ((1.0 - b) * g / fire).ceil();
    let dead_at = (g / fire).ceil();
    let case = |posture: &str, break_point: f64| {
        let s = quiet_siege(5.0, "hostile")
            .site("well", "oil_field", (0.0, 0.0), |s| {
                s.owner("a")
                    .capture_radius_km(rho)
                    .garrison(g)
                    .garrison_break_point(break_point)
            })
            .force("col", "b", (d, 0.0), |f| {
                f.strength(500)
                    .lethality(fire / 500.0)
                    .weapon_range_km(30)
                    .break_point(0)
                    .speed_kmh(speed)
                    .posture(posture)
                    .objective("well")
            });
        capture_hour(&s)
    };
    assert_eq!(case("assault", b), Some(arrive.max(break_at)));
    assert_eq!(case("assault", 0.0), Some(arrive.max(dead_at)));
    assert_eq!(case("advance", b), Some(dead_at + arrive));
}

/// A garrison breaks by the square law like a field force, and a broken
/// garrison withdraws. A force of b (2,000, α = 0.01) inside the radius
/// fights a garrison of a (800, β = 0.02): B(t) = B0 cosh ωt − √(α/β) A0
/// sinh ωt, ω = √(αβ), falls below b·B0 at
/// t* = ln u / ω, u = (√(b² + k² − 1) − b)/(k − 1), k = √(α/β) A0/B0
/// (from the quadratic in u = e^{ωt}); the site falls at the end of the
/// tick that contains t*, and the garrison, broken then, walks 4 km/h to
/// its withdrawal point 100 km south.
#[test]
fn a_garrison_breaks_by_the_square_law_and_withdraws() {
    let (a0, alpha, b0, beta, b) = (2000.0f64, 0.01f64, 800.0f64, 0.02f64, 0.3f64);
    let k = (alpha / beta).sqrt() * a0 / b0;
    let u = ((b * b + k * k - 1.0).sqrt() - b) / (k - 1.0);
    let t_star = u.ln() / (alpha * beta).sqrt();
    let broken_at = t_star.ceil();
    assert!(
        (broken_at - t_star) > 0.05,
        "t* = {t_star} too near a tick's end"
    );
    let s = scenario(2.0, 1.0)
        .model("combat", "mode", "mean_field")
        .model("combat", "garrison_lethality", beta)
        .model("friction", "base_hazard_per_hour", 0)
        .model("friction", "first_contact_surge", 0)
        .factions(["a", "b"])
        .relation(["a", "b"], "hostile", |r| r)
        .site("well", "oil_field", (0.0, 0.0), |s| {
            s.owner("a")
                .capture_radius_km(3)
                .garrison(b0)
                .garrison_break_point(b)
                .garrison_withdraw_to((0.0, -100.0))
                .garrison_speed_kmh(4)
        })
        .force("att", "b", (1.0, 0.0), |f| {
            f.strength(a0)
                .lethality(alpha)
                .weapon_range_km(2)
                .break_point(0)
        });
    assert_eq!(capture_hour(&s), Some(broken_at));
    let mut sim = Sim::new(theatre(&s));
    let o = sim.run(1, 0, true);
    let broke: Vec<(f64, u32)> = o
        .log
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            LogEvent::Broken { hours, force } => Some((*hours, *force)),
            _ => None,
        })
        .collect();
    assert_eq!(
        broke,
        vec![(broken_at, 1)],
        "the garrison (force 1) breaks once"
    );
    // Broken at the end of tick t*, it walks from the next tick to the
    // horizon: 4 km/h × (48 − ⌈t*⌉) hours south.
    let y = sim
        .world_mut()
        .query::<(&ForceIndex, &Position)>()
        .iter(sim.world())
        .find(|(i, _)| i.0 == 1)
        .map(|(_, p)| p.0.y)
        .unwrap();
    assert!((y + 4.0 * (48.0 - broken_at)).abs() < 1e-9, "y = {y}");
}

/// A column of a on `assault`, 20 km from b's site, 1 km/h, weapon range
/// 5 km, fire 2 an hour (0.004 × 500), with `edit` applied; a and b rivals
/// without friction, mean-field combat.
fn attack_scenario(garrison: f64, edit: impl FnOnce(Force) -> Force) -> Fixture {
    quiet_siege(2.0, "rival")
        .site("post", "town", (0.0, 0.0), |s| {
            s.owner("b").capture_radius_km(3).garrison(garrison)
        })
        .force("col", "a", (20.0, 0.0), |f| {
            edit(
                f.strength(500)
                    .lethality(0.004)
                    .weapon_range_km(5)
                    .break_point(0)
                    .speed_kmh(1)
                    .posture("assault")
                    .objective("post"),
            )
        })
}

/// (hour of the first engagement, hour of the capture) in one run.
fn attack_hours(s: &Fixture) -> (Option<f64>, Option<f64>) {
    let o = &outcomes(&theatre(s), 1, 1)[0];
    (
        o.pairs[0].first_engagement_h,
        o.owner_changes.first().map(|c| c.hours),
    )
}

/// A deliberate attack opens fire, at the start of a tick, when its target
/// is first within its weapon range: the column is 5 km from the garrison
/// after ⌈(20 − 5)/1⌉ = 15 moves, so the engagement is at hour 15, and the
/// pair is hostile from then on. The garrison of 20 loses 2 an hour from
/// tick 15 and breaks below 6 after ⌈14/2 + ε⌉ = 8 ticks, at hour 23; the
/// column is inside the 3 km radius from hour 17: the site falls at 23.
/// Without a garrison the attack opens when the column enters the radius
/// of the site b holds (start of tick 17), and the site falls in that tick
/// (hour 18). Without `attack` the rival never fires and cannot take the
/// site.
#[test]
fn a_deliberate_attack_opens_fire_when_it_meets_its_target() {
    let attack: Edit<Force> = |f| f.attack("b");
    assert_eq!(
        attack_hours(&attack_scenario(20.0, attack)),
        (Some(15.0), Some(23.0))
    );
    assert_eq!(
        attack_hours(&attack_scenario(0.0, attack)),
        (Some(17.0), Some(18.0))
    );
    let none: Edit<Force> = |f| f;
    assert_eq!(attack_hours(&attack_scenario(20.0, none)), (None, None));
    let o = &outcomes(&theatre(&attack_scenario(20.0, attack)), 1, 1)[0];
    let p = &o.pairs[0];
    assert_eq!((p.incidents, p.clashes, p.engagements), (1, 1, 1));
    assert_eq!(o.site_owner_end, vec![Some(0)]);
}

/// An `order` gives or takes away an attack: the column, 20 km out, is
/// ordered to attack at hour 3 with a weapon range of 30 km (in range at
/// once), so fire opens at the start of tick 3; an order without `attack`
/// before contact calls the file's attack off.
#[test]
fn orders_give_and_call_off_attacks() {
    let far: Edit<Force> = |f| f.weapon_range_km(30).posture("hold");
    let s = attack_scenario(20.0, far).event(0, "order", |e| {
        e.hour(3)
            .force("col")
            .posture("assault")
            .objective("post")
            .attack("b")
    });
    assert_eq!(attack_hours(&s).0, Some(3.0));
    let attack: Edit<Force> = |f| f.attack("b");
    let s = attack_scenario(20.0, attack).event(0, "order", |e| {
        e.hour(3).force("col").posture("assault").objective("post")
    });
    assert_eq!(attack_hours(&s), (None, None));
}

#[test]
fn incursions_into_an_exclusion_zone_have_their_own_hazard() {
    let s = scenario(5.0, 1.0)
        .factions(["us", "saa"])
        .relation(["us", "saa"], "rival", |r| r)
        .zone("tanf", "us", "exclusion", |z| {
            z.center((0.0, 0.0))
                .radius_km(55)
                .incursion_hazard_per_hour(0.01)
        })
        .force("militia", "saa", (10.0, 0.0), |f| {
            f.strength(300).respects_zones(false)
        })
        .force("careful", "saa", (-100.0, 0.0), |f| {
            f.strength(300)
                .speed_kmh(5)
                .posture("advance")
                .objective_at((100.0, 0.0))
        });
    let th = theatre(&s);
    let n = 1000;
    let outs = outcomes(&th, 8, n);
    // One Bernoulli(1 − e^{−hΔt}) trial per tick inside the zone.
    let p = 1.0 - (-0.01f64).exp();
    let expect = 120.0 * p;
    let (mean, _) = mean_and_se(outs.iter().map(|o| o.zone_incidents[0] as f64));
    let se = (120.0 * p * (1.0 - p) / n as f64).sqrt();
    assert!((mean - expect).abs() < Z * se, "{mean} vs {expect}");
    // Every incursion incident is a strike of the owner on the pair, and
    // none is an incident of the pair's friction.
    assert_eq!(
        outs.iter()
            .map(|o| o.pairs[0].punitive_strikes)
            .sum::<u64>(),
        outs.iter().map(|o| o.zone_incidents[0]).sum::<u64>()
    );
    assert_eq!(outs.iter().map(|o| o.pairs[0].incidents).sum::<u64>(), 0);
}

#[test]
fn punitive_strikes_do_not_turn_the_stance_hostile() {
    // Every strike would be a clash, and one clash turns the pair hostile:
    // struck many times, the pair stays at its stance.
    let s = scenario(5.0, 1.0)
        .model("friction", "clash_probability", 1)
        .factions(["us", "iran"])
        .relation(["us", "iran"], "rival", |r| r.hostile_after_clashes(1))
        .zone("tanf", "us", "exclusion", |z| {
            z.center((0.0, 0.0))
                .radius_km(55)
                .incursion_hazard_per_hour(0.2)
        })
        .force("column", "iran", (10.0, 0.0), |f| {
            f.strength(3000).respects_zones(false)
        });
    for o in outcomes(&theatre(&s), 3, 50) {
        let p = &o.pairs[0];
        assert!(p.punitive_strikes > 5, "{}", p.punitive_strikes);
        assert_eq!((p.incidents, p.clashes), (0, 0));
        assert_eq!(p.turned_hostile_h, None);
        assert_eq!((p.hostile_hours, p.hostile_at_end), (0.0, false));
    }
}

/// A pair that turns hostile at its first incident, which comes within the
/// first hour (2 an hour, every one a clash), with cooling of mean `cooling`
/// days; no casualties, and combat that kills no one; 30 days.
fn flare_up(cooling: f64) -> Fixture {
    no_casualties(contact("neutral", 0.0, 30.0, |r| {
        r.hostile_after_clashes(1).cooling_days(cooling)
    }))
    .model("combat", "default_lethality", 0)
    .model("friction", "base_hazard_per_hour", 2)
    .model("friction", "clash_probability", 1)
}

#[test]
fn cooling_times_are_exponential() {
    // The time from turning hostile to the drawn return (both in the log)
    // is Exp(mean 1 day): its mean within 5 standard errors (σ = mean),
    // and the Kolmogorov–Smirnov distance below the bound of a two-sided
    // p of about 10⁻⁶, sqrt(ln(2/p)/(2n)) = 2.7/sqrt(n).
    let th = theatre(&flare_up(1.0));
    let mut sim = Sim::new(Arc::clone(&th));
    let n = 2000;
    let mut times = Vec::new();
    for run in 0..n {
        let log = sim.run(31, run, true).log.unwrap();
        let mut hostile = None;
        for e in &log {
            if let LogEvent::Stance {
                hours,
                stance,
                escalation: true,
                ..
            } = e
            {
                match (hostile, *stance) {
                    (None, Stance::Hostile) => hostile = Some(*hours),
                    (Some(h), s) if s != Stance::Hostile => {
                        times.push(hours - h);
                        break;
                    }
                    _ => {}
                }
            }
        }
    }
    // A return beyond the horizon (e^{−29} of the runs) is never seen.
    assert_eq!(times.len(), n as usize);
    let mean_h = 24.0;
    let (mean, _) = mean_and_se(times.iter().copied());
    let se = mean_h / (n as f64).sqrt();
    assert!((mean - mean_h).abs() < Z * se, "{mean} vs {mean_h}");
    times.sort_by(f64::total_cmp);
    let nf = n as f64;
    let d = times
        .iter()
        .enumerate()
        .map(|(i, &t)| {
            let f = 1.0 - (-t / mean_h).exp();
            (f - i as f64 / nf).max((i + 1) as f64 / nf - f)
        })
        .fold(0.0, f64::max);
    assert!(d < 2.7 / nf.sqrt(), "KS distance {d}");
    // A uniform would fail it: the test has teeth.
    let du = times
        .iter()
        .enumerate()
        .map(|(i, &t)| ((t / 48.0).min(1.0) - (i + 1) as f64 / nf).abs())
        .fold(0.0, f64::max);
    assert!(du > 2.7 / nf.sqrt(), "{du}");
}

#[test]
fn cooled_pairs_can_turn_hostile_again_and_report_their_time_hostile() {
    let th = theatre(&flare_up(1.0));
    let mut sim = Sim::new(Arc::clone(&th));
    for run in 0..50 {
        let o = sim.run(32, run, true);
        let log = o.log.as_ref().unwrap();
        // Hostile spells, from each turn to the next return (or the horizon).
        let (mut spent, mut since, mut turns) = (0.0, None, 0);
        for e in log {
            if let LogEvent::Stance { hours, stance, .. } = e {
                match (since, *stance) {
                    (None, Stance::Hostile) => {
                        since = Some(*hours);
                        turns += 1;
                    }
                    (Some(h), s) if s != Stance::Hostile => {
                        spent += hours - h;
                        since = None;
                    }
                    _ => {}
                }
            }
        }
        if let Some(h) = since {
            spent += 720.0 - h;
        }
        let p = &o.pairs[0];
        assert!(turns > 3, "a one-day mean over 30 days: {turns}");
        assert!(
            (p.hostile_hours - spent).abs() < 1e-9,
            "{} vs {spent}",
            p.hostile_hours
        );
        assert_eq!(p.hostile_at_end, since.is_some());
        assert_eq!(p.clashes, turns, "one clash per turn, none while hostile");
    }
}

#[test]
fn cooling_without_end_is_the_old_escalation() {
    // cooling_days → ∞: a mean of 10⁶ days draws a time, `inf` draws
    // none; neither returns, and the pair's stream is not used after it
    // turned hostile, so every outcome is the same.
    let never = theatre(&flare_up(f64::INFINITY));
    let huge = theatre(&flare_up(1e6));
    let (mut a, mut b) = (Sim::new(never), Sim::new(huge));
    for run in 0..20 {
        let (x, y) = (a.run(33, run, true), b.run(33, run, true));
        assert_eq!(x, y);
        let p = &x.pairs[0];
        let h = p.turned_hostile_h.unwrap();
        assert!(p.hostile_at_end);
        assert_eq!(p.hostile_hours, 720.0 - h);
        assert_eq!(p.clashes, 1);
    }
}

/// Three factions: saa and sdf rivals under a truce and a deconfliction
/// channel, both hostile to isis, whose town they advance on; a contact
/// line, a patrol, a reinforcement and two events on the rivals.
fn busy_scenario() -> Fixture {
    scenario(10.0, 1.0)
        .faction("saa", |f| f.aggression(0.7))
        .factions(["sdf", "isis"])
        .relation(["saa", "sdf"], "rival", |r| {
            r.deconfliction(0.2)
                .hostile_after_clashes(4)
                .truce(|t| t.from_day(3).to_day(6).hazard_factor(0.3))
        })
        .relation(["saa", "isis"], "hostile", |r| r)
        .relation(["sdf", "isis"], "hostile", |r| r)
        .site("town", "town", (0.0, 0.0), |s| {
            s.owner("isis").garrison(400).output_per_day(10)
        })
        .line(
            "line",
            ["saa", "sdf"],
            [(-30.0, -20.0), (30.0, -20.0)],
            |l| l.buffer_km(6).segment_km(5),
        )
        .force("s1", "saa", (-10.0, -25.0), |f| {
            f.strength(2000)
                .speed_kmh(0.4)
                .posture("advance")
                .objective("town")
        })
        .force("s2", "saa", (10.0, -24.0), |f| f.strength(1500))
        .force("d1", "sdf", (0.0, -16.0), |f| {
            f.strength(2500)
                .speed_kmh(0.3)
                .posture("advance")
                .objective("town")
        })
        .force("d2", "sdf", (20.0, -17.0), |f| {
            f.strength(800)
                .posture("patrol")
                .speed_kmh(1)
                .route([(20.0, -17.0), (-20.0, -17.0)])
        })
        .force("i1", "isis", (0.0, -5.0), |f| f.strength(1200))
        .event(2, "reinforce", |e| e.force("s2").strength(500))
        .event(4, "deconfliction", |e| {
            e.between(["saa", "sdf"]).deconfliction(0.6)
        })
        .event(8, "stance", |e| e.between(["saa", "sdf"]).stance("neutral"))
}

#[test]
fn same_seed_same_outcome_and_event_order() {
    let th = theatre(&busy_scenario());
    let mut a = Sim::new(Arc::clone(&th));
    let mut b = Sim::new(Arc::clone(&th));
    for run in 0..20 {
        let x = a.run(77, run, true);
        // b is reused after a different run: reset must erase everything.
        let _ = b.run(78, run + 1000, true);
        let y = b.run(77, run, true);
        assert_eq!(x, y, "run {run}");
        assert!(!x.log.as_ref().unwrap().is_empty());
    }
    // Ticks played one at a time, or some and then the rest in one batch,
    // give what a whole run in one batch gives.
    for run in 0..5 {
        let whole = a.run(77, run, true);
        for stepped_ticks in [th.scenario.ticks, 1, th.scenario.ticks / 3] {
            b.reset(77, run, true);
            for _ in 0..stepped_ticks {
                b.step();
            }
            assert!(b.finished() == (stepped_ticks == th.scenario.ticks));
            assert_eq!(
                b.finish(),
                whole,
                "run {run}, {stepped_ticks} ticks stepped"
            );
        }
    }
    // Different runs differ.
    let outs = outcomes(&th, 77, 30);
    assert!(outs.windows(2).any(|w| w[0] != w[1]));
    // And a busy scenario actually produces friction and combat.
    assert!(outs.iter().any(|o| o.pairs[0].incidents > 0));
    assert!(outs.iter().all(|o| o.casualties[2] > 0.0));
}

/// Two rival columns of factions a and b advance on a town held by a
/// garrison of c, hostile to both, that breaks `col_a` (4 km south);
/// `col_b` starts `b_y` km north. `rivals` adds to the relation of a and b.
fn columns_on_a_town(b_y: f64, rivals: impl FnOnce(Relation) -> Relation) -> Fixture {
    scenario(3.0, 1.0)
        .factions(["a", "b", "c"])
        .relation(["a", "b"], "rival", rivals)
        .relation(["a", "c"], "hostile", |r| r)
        .relation(["b", "c"], "hostile", |r| r)
        .site("town", "town", (0.0, 0.0), |s| s.owner("c").garrison(3000))
        .force("col_a", "a", (0.0, -4.0), |f| {
            f.strength(500)
                .break_point(0.9)
                .speed_kmh(1)
                .posture("advance")
                .objective("town")
        })
        .force("col_b", "b", (0.0, b_y), |f| {
            f.strength(500)
                .speed_kmh(0.1)
                .posture("advance")
                .objective("town")
        })
}

/// The index keeps the force table up to date from what the phases report
/// (moves, strengths, breaks) and copies it afresh only after scheduled
/// events: after every tick it equals a copy made from the components.
#[test]
fn the_force_table_equals_the_components_after_every_tick() {
    use frontline_sim::scenario::{Objective, Posture};
    // The busy scenario, and a column that breaks under the fire of a
    // garrison it advances on and withdraws, reinforced on the way.
    let assault =
        columns_on_a_town(60.0, |r| r).event(1, "reinforce", |e| e.force("col_a").strength(100));
    let (mut broken, mut reinforced) = (0, 0);
    for (scenario, run) in [(busy_scenario(), 0..12), (assault, 0..3)] {
        let mut sim = Sim::new(theatre(&scenario));
        for run in run {
            sim.reset(3, run, true);
            while !sim.finished() {
                sim.step();
                // Read-only: `world_mut` would mark the table stale.
                let w = sim.world();
                let rows = &w.resource::<ForceTable>().rows;
                let mut q = w
                    .try_query::<(
                        &ForceIndex,
                        &Allegiance,
                        &Position,
                        &Strength,
                        &Arms,
                        &Orders,
                        &Morale,
                    )>()
                    .expect("force components are registered");
                let mut seen = 0;
                for (idx, fac, pos, st, arms, orders, morale) in q.iter(w) {
                    let r = &rows[idx.0 as usize];
                    let tick = w.resource::<frontline_sim::metrics::Clock>().tick;
                    let at = format!("run {run}, tick {tick}, force {}", idx.0);
                    assert_eq!(r.pos, pos.0, "{at}");
                    assert_eq!(r.faction, fac.0, "{at}");
                    assert_eq!(r.strength.to_bits(), st.current.to_bits(), "{at}");
                    assert_eq!(r.lethality, arms.lethality, "{at}");
                    assert_eq!(r.weapon_range_km, arms.weapon_range_km, "{at}");
                    assert_eq!(r.sensor_range_km, arms.sensor_range_km, "{at}");
                    assert_eq!(r.broken, morale.broken, "{at}");
                    assert_eq!(r.domain, orders.domain, "{at}");
                    assert_eq!(r.speed_kmh, orders.speed_kmh, "{at}");
                    let objective = match (orders.posture, orders.objective) {
                        (Posture::Advance, Some(Objective::Site(s))) => Some(s as u32),
                        _ => None,
                    };
                    assert_eq!(r.objective_site, objective, "{at}");
                    seen += 1;
                }
                assert_eq!(seen, rows.len());
            }
            for e in sim.finish().log.expect("the log was asked for") {
                match e {
                    LogEvent::Broken { .. } => broken += 1,
                    LogEvent::Scheduled { .. } => reinforced += 1,
                    _ => {}
                }
            }
        }
    }
    // The paths that change the table were taken: breaks in combat and
    // a reinforcement.
    assert!(
        broken > 0 && reinforced > 0,
        "{broken} breaks, {reinforced} events"
    );
}

/// The contests for sites are found again only when a force dies or
/// breaks, after a full copy of the table, or when the relations change:
/// after every tick they equal the contests found from the table afresh.
#[test]
fn site_contests_follow_breaks_and_stances() {
    use frontline_sim::relation::RelationMatrix;
    use frontline_sim::scenario::FactionId;
    use frontline_sim::site::Competition;
    // The garrison breaks the first column. In the second scenario a
    // stance event makes the rivals hostile first, in the third their
    // first clash does.
    const CLASH: &str = "their first clash";
    let cases: [(&str, f64, Edit<Fixture>); 3] = [
        ("no event", 60.0, |s| s),
        ("a stance event", 60.0, |s| {
            s.event(0, "stance", |e| {
                e.hour(3).between(["a", "b"]).stance("hostile")
            })
        }),
        (CLASH, 5.0, |s| {
            s.model("friction", "base_hazard_per_hour", 5)
                .model("friction", "clash_probability", 1)
        }),
    ];
    for (event, b_y, extra) in cases {
        let clash = event == CLASH;
        let rivals = |r: Relation| if clash { r.hostile_after_clashes(1) } else { r };
        let s = extra(columns_on_a_town(b_y, rivals));
        let mut sim = Sim::new(theatre(&s));
        let (mut with, mut without) = (0, 0);
        for run in 0..3 {
            sim.reset(9, run, false);
            let mut incidents = 0;
            while !sim.finished() {
                sim.step();
                let w = sim.world();
                // The contests are found in phase 5; an incident in phase 6
                // (its casualties, its stance change) may change what they
                // are found from: check the ticks without one.
                let now: u64 = w
                    .resource::<frontline_sim::metrics::Metrics>()
                    .outcome
                    .pairs
                    .iter()
                    .map(|p| p.incidents)
                    .sum();
                if std::mem::replace(&mut incidents, now) != now {
                    continue;
                }
                let (rows, relations) = (
                    &w.resource::<ForceTable>().rows,
                    w.resource::<RelationMatrix>(),
                );
                let mut heading: Vec<(u32, u16)> = rows
                    .iter()
                    .filter(|r| r.alive() && !r.broken)
                    .filter_map(|r| r.objective_site.map(|s| (s, r.faction.0)))
                    .collect();
                heading.sort_unstable();
                heading.dedup();
                let mut want = Vec::new();
                for (i, &(s, a)) in heading.iter().enumerate() {
                    for &(s2, b) in &heading[i + 1..] {
                        if s2 == s && relations.stance(FactionId(a), FactionId(b)).has_friction() {
                            want.push((s, [a.min(b), a.max(b)]));
                        }
                    }
                }
                let got = &w.resource::<Competition>().contests;
                assert_eq!(got, &want, "run {run}, {event}");
                if want.is_empty() {
                    without += 1
                } else {
                    with += 1
                }
            }
        }
        // Contested, then not: after the break, after the stance event. In
        // the third scenario the first clash turns the rivals hostile in
        // the first tick (not checked: it had incidents), and the ticks
        // after it check that the contest ended with it.
        assert!(
            without > 0,
            "{with} ticks contested, {without} not: {event}"
        );
        if clash {
            let w = sim.world();
            assert!(
                w.resource::<RelationMatrix>()
                    .hostile(FactionId(0), FactionId(1))
            );
        } else {
            assert!(with > 0, "{with} ticks contested, {without} not: {event}");
        }
    }
}

/// Per tracked pair, keyed by its sorted faction ids: the first times and
/// the counts of one run.
fn pair_results(th: &Theatre, o: &Outcome) -> Vec<(String, String, String)> {
    let ids = |i: u16| th.scenario.factions[i as usize].id.clone();
    let mut v: Vec<_> = o
        .pairs
        .iter()
        .map(|p| {
            let (x, y) = (ids(p.a), ids(p.b));
            let (x, y) = if x <= y { (x, y) } else { (y, x) };
            let numbers = format!(
                "{:?} {:?} {:?} {} {} {} {:?}",
                p.first_incident_h,
                p.first_clash_h,
                p.first_engagement_h,
                p.incidents,
                p.clashes,
                p.engagements,
                p.turned_hostile_h
            );
            (x, y, numbers)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn the_order_of_the_factions_in_the_file_changes_no_result() {
    let raw: RawScenario = toml::from_str(&busy_scenario().to_toml()).unwrap();
    let mut reversed = raw.clone();
    reversed.factions.reverse();
    let a = Arc::new(Theatre::new(Scenario::try_from(raw).unwrap()));
    let b = Arc::new(Theatre::new(Scenario::try_from(reversed).unwrap()));
    assert_ne!(
        a.pairs, b.pairs,
        "the reversal must change the faction indices"
    );
    let (mut sa, mut sb) = (Sim::new(Arc::clone(&a)), Sim::new(Arc::clone(&b)));
    let mut incidents = 0;
    for run in 0..40 {
        let (x, y) = (sa.run(5, run, false), sb.run(5, run, false));
        let (px, py) = (pair_results(&a, &x), pair_results(&b, &y));
        assert_eq!(px, py, "run {run}");
        incidents += x.pairs.iter().map(|p| p.incidents).sum::<u64>();
    }
    assert!(incidents > 0, "the scenario must have friction to compare");
}

#[test]
fn the_event_log_agrees_with_the_counts() {
    let th = theatre(&busy_scenario());
    let mut sim = Sim::new(th);
    for run in 0..30 {
        let o = sim.run(5, run, true);
        let log = o.log.as_ref().unwrap();
        let logged = log
            .iter()
            .filter(|e| matches!(e, LogEvent::Incident { pair: [0, 1], .. }))
            .count() as u64;
        assert_eq!(logged, o.pairs[0].incidents);
        // Entries come tick by tick: a scheduled event at its tick's start
        // t0 = k Δt, everything else within (t0, t0 + Δt].
        let mut last_tick = 0i64;
        for e in log {
            let tick = match e {
                LogEvent::Scheduled { hours, .. }
                | LogEvent::Stance {
                    hours,
                    escalation: false,
                    ..
                } => hours.round() as i64,
                LogEvent::Incident { hours, .. }
                | LogEvent::PunitiveStrike { hours, .. }
                | LogEvent::Stance { hours, .. }
                | LogEvent::Capture { hours, .. }
                | LogEvent::Broken { hours, .. }
                | LogEvent::Destroyed { hours, .. }
                | LogEvent::Arrived { hours, .. } => hours.ceil() as i64 - 1,
            };
            assert!(
                tick >= last_tick,
                "log out of order: {e:?} after tick {last_tick}"
            );
            last_tick = tick;
        }
        // Logging changes nothing else.
        let mut quiet = o.clone();
        quiet.log = None;
        assert_eq!(quiet, sim.run(5, run, false));
    }
}

#[test]
fn a_total_truce_silences_the_first_contact_surge_too() {
    let s = contact("neutral", 0.0, 5.0, |r| r.truce(|t| t.hazard_factor(0)))
        .model("friction", "first_contact_surge", 3)
        .model("friction", "branching_ratio", 0.5);
    let th = theatre(&s);
    for o in outcomes(&th, 2, 200) {
        assert_eq!(o.pairs[0].incidents, 0);
    }
}

#[test]
fn a_strike_can_break_a_force_at_once() {
    let s = scenario(2.0, 1.0)
        .factions(["a"])
        .force("col", "a", (0.0, 0.0), |f| {
            f.strength(1000)
                .break_point(0.3)
                .speed_kmh(1)
                .posture("advance")
                .objective_at((40.0, 0.0))
        })
        .event(0, "strike", |e| e.hour(5).force("col").losses(0.8));
    let mut sim = Sim::new(theatre(&s));
    let o = sim.run(1, 0, true);
    let log = o.log.unwrap();
    assert!(
        log.iter()
            .any(|e| matches!(e, LogEvent::Broken { hours, .. } if *hours == 5.0))
    );
    assert!(
        !log.iter().any(|e| matches!(e, LogEvent::Arrived { .. })),
        "a broken force withdraws"
    );
    assert_eq!(o.casualties[0], 800.0);
}

#[test]
fn pairs_made_non_allied_by_an_event_are_tracked() {
    let s = contact("allied", 1.0, 3.0, |r| r)
        .model("friction", "base_hazard_per_hour", 1)
        .event(1, "stance", |e| e.between(["a", "b"]).stance("rival"));
    let th = theatre(&s);
    assert_eq!(th.pairs.len(), 1);
    for o in outcomes(&th, 1, 20) {
        let p = &o.pairs[0];
        assert!(p.incidents > 0);
        assert!(
            p.first_incident_h.unwrap() > 24.0,
            "no friction while allied"
        );
    }
}

/// A tick that does not divide the horizon: the last tick is cut at the
/// horizon, so a site held throughout yields exactly output × horizon, and
/// a constant hazard gives λ·H incidents on average, not λ·⌈H/Δt⌉Δt.
#[test]
fn the_last_tick_ends_at_the_horizon() {
    // 24 h in ticks of 5 h: 5, 5, 5, 5 and 4 h; a site of faction a, away
    // from the forces.
    let s = two_forces(
        scenario(1.0, 5.0).factions(["a", "b"]),
        "neutral",
        0.0,
        |r| r,
    )
    .site("well", "oil_field", (50.0, 0.0), |s| {
        s.owner("a").output_per_day(24)
    });
    let th = theatre(&no_hawkes(s).model("friction", "base_hazard_per_hour", 0.5));
    assert_eq!(th.scenario.ticks, 5);
    let n = 4000;
    let outs = outcomes(&th, 3, n);
    for o in &outs {
        assert_eq!(o.revenue[0], 24.0, "one day of 24 units a day");
        let p = &o.pairs[0];
        assert!(p.first_incident_h.is_none_or(|h| h < 24.0), "{p:?}");
    }
    // Incidents are Poisson(λH) with λ = 0.5 at zero separation and the
    // reference sizes: mean 12, variance 12 (25 h would give 12.5).
    let mean = outs
        .iter()
        .map(|o| o.pairs[0].incidents as f64)
        .sum::<f64>()
        / n as f64;
    let se = (12.0f64 / n as f64).sqrt();
    assert!((mean - 12.0).abs() < Z * se, "{mean} vs 12 (se {se})");
    assert!((mean - 12.5).abs() > Z * se, "must tell 24 h from 25 h");
}

/// Three factions along three contact lines of two pairs, 150 forces, some
/// patrolling along the lines.
fn crowded_lines() -> Fixture {
    let mut s = scenario(3.0, 1.0)
        .factions(["a", "b", "c"])
        .relation(["a", "b"], "rival", |r| r.hostile_after_clashes(40))
        .relation(["b", "c"], "neutral", |r| r)
        .relation(["a", "c"], "cooperative", |r| r)
        .line("ab-south", ["a", "b"], [(-30.0, 0.0), (30.0, 0.0)], |l| {
            l.buffer_km(3).segment_km(4)
        })
        .line("ab-north", ["b", "a"], [(-30.0, 12.0), (30.0, 12.0)], |l| {
            l.buffer_km(3).segment_km(5)
        })
        .line("bc", ["b", "c"], [(0.0, -30.0), (0.0, 30.0)], |l| {
            l.buffer_km(2.5).segment_km(3)
        });
    // A force; a patrol goes 4 km east and back.
    let force = |s: Fixture,
                 id: String,
                 faction: &str,
                 (x, y): (f64, f64),
                 strength: u32,
                 sensor: f64,
                 patrols: bool| {
        s.force(&id, faction, (x, y), |f| {
            let f = f.strength(strength).sensor_range_km(sensor);
            if patrols {
                f.posture("patrol")
                    .speed_kmh(0.7)
                    .route([(x, y), (x + 4.0, y)])
            } else {
                f
            }
        })
    };
    for k in 0..50u32 {
        let x = -25.0 + k as f64;
        let (ya, yb) = if k % 2 == 0 {
            (-1.2, 1.4)
        } else {
            (13.3, 10.6)
        };
        s = force(
            s,
            format!("a{k}"),
            "a",
            (x, ya),
            300 + 7 * k,
            2.0,
            k % 3 == 0,
        );
        s = force(s, format!("b{k}"), "b", (x, yb), 400, 3.0, k % 4 == 1);
        s = force(s, format!("c{k}"), "c", (1.1, x), 250, 2.0, false);
    }
    s
}

#[test]
fn contacts_found_in_parallel_chunks_give_the_same_bits_on_any_thread_count() {
    let th = theatre(&crowded_lines());
    let play = |chunking: Option<(usize, usize)>, threads: usize| -> Vec<Outcome> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("a pool");
        pool.install(|| {
            let mut sim = Sim::new(Arc::clone(&th));
            if let Some((entries, max)) = chunking {
                sim.world_mut()
                    .resource_mut::<FrictionState>()
                    .set_chunking(entries, max);
            }
            (0..6).map(|run| sim.run(5, run, true)).collect()
        })
    };
    let one = play(Some((usize::MAX, 1)), 1);
    // Incidents on both pairs, so the hazards of both were summed.
    for slot in 0..2 {
        assert!(
            one.iter().any(|o| o.pairs[slot].incidents > 0),
            "pair {slot}"
        );
    }
    for (chunking, threads) in [
        (Some((7, 8)), 1),
        (Some((7, 8)), 3),
        (Some((40, 3)), 2),
        (None, 2),
    ] {
        assert_eq!(
            play(chunking, threads),
            one,
            "{chunking:?} on {threads} threads"
        );
    }
}
