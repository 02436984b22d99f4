//! Verification of the model's mechanisms against closed forms, limiting
//! cases and known distributions. Fixed seeds; tolerances are `Z` standard
//! errors (5 σ), with the standard error derived from the sample or from the
//! binomial / Poisson variance.

mod common;

use std::sync::Arc;

use common::{Z, header, outcomes, theatre};
use frontline_sim::force::{
    Allegiance, Arms, ForceIndex, ForceTable, Morale, Orders, Position, Strength,
};
use frontline_sim::friction::FrictionState;
use frontline_sim::prelude::*;

fn duel(mode: &str, days: f64, tick: f64) -> String {
    format!(
        r#"{}
[model.combat]
mode = "{mode}"

[[faction]]
id = "red"
[[faction]]
id = "blue"

[[relation]]
between = ["red", "blue"]
stance = "hostile"

[[force]]
id = "a"
faction = "red"
position = {{ x_km = 0, y_km = 0 }}
strength = 1000
lethality = 0.01
weapon_range_km = 5
break_point = 0

[[force]]
id = "b"
faction = "blue"
position = {{ x_km = 1, y_km = 0 }}
strength = 800
lethality = 0.02
weapon_range_km = 5
break_point = 0
"#,
        header(days, tick)
    )
}

/// Closed-form square law: dA/dt = −β B, dB/dt = −α A.
fn square_law(t: f64) -> (f64, f64) {
    let (a0, b0, alpha, beta) = (1000.0f64, 800.0f64, 0.01f64, 0.02f64);
    let w = (alpha * beta).sqrt();
    (
        a0 * (w * t).cosh() - (beta / alpha).sqrt() * b0 * (w * t).sinh(),
        b0 * (w * t).cosh() - (alpha / beta).sqrt() * a0 * (w * t).sinh(),
    )
}

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

/// Two neutral (or `stance`) forces `dist` km apart, 1000 strong, holding.
fn contact(stance: &str, dist: f64, days: f64, model: &str, relation_extra: &str) -> String {
    format!(
        r#"{}
{model}

[[faction]]
id = "a"
[[faction]]
id = "b"

[[relation]]
between = ["a", "b"]
stance = "{stance}"
{relation_extra}

[[force]]
id = "fa"
faction = "a"
position = {{ x_km = 0, y_km = 0 }}
strength = 1000

[[force]]
id = "fb"
faction = "b"
position = {{ x_km = {dist}, y_km = 0 }}
strength = 1000
"#,
        header(days, 1.0)
    )
}

const NO_HAWKES: &str = "[model.friction]\nbranching_ratio = 0\nfirst_contact_surge = 0\nclash_casualties = 0\nengagement_casualties = 0\n";

#[test]
fn constant_hazard_gives_exponential_first_incident_times() {
    let model = format!("{NO_HAWKES}base_hazard_per_hour = 0.01\n");
    let th = theatre(&contact("neutral", 2.0, 10.0, &model, ""));
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
    let model = format!("{NO_HAWKES}base_hazard_per_hour = 1.0\n");
    let relation = "deconfliction = 0.4\n";
    let mut text = contact("rival", 0.0, 10.0, &model, relation);
    text = text.replace(
        "id = \"a\"\n",
        "id = \"a\"\naggression = 0.8\ndiscipline = 0.2\n",
    );
    text = text.replace(
        "[[faction]]\nid = \"b\"\n",
        "[[faction]]\nid = \"b\"\naggression = 0.6\ndiscipline = 0.4\n",
    );
    let th = theatre(&text);
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
    let model = format!("{NO_HAWKES}base_hazard_per_hour = 0.2\n");
    let n = 400;
    let base = 0.2 * (-1.0f64 / 5.0).exp();
    let cases = [
        // (truce, expected hazard-hours over 10 days)
        ("", 240.0),
        ("[[relation.truce]]\nhazard_factor = 0.25\n", 0.25 * 240.0),
        (
            "[[relation.truce]]\nfrom_day = 2\nto_day = 5\nhazard_factor = 0.1\n",
            240.0 - 72.0 * 0.9,
        ),
        // A region that does not hold the contact changes nothing.
        (
            "[[relation.truce]]\nhazard_factor = 0.0\nregion = { center = { x_km = 50, y_km = 0 }, radius_km = 10 }\n",
            240.0,
        ),
        (
            "[[relation.truce]]\nhazard_factor = 0.0\nregion = { center = { x_km = 0, y_km = 0 }, radius_km = 10 }\n",
            0.0,
        ),
    ];
    for (truce, hours) in cases {
        let th = theatre(&contact("neutral", 1.0, 10.0, &model, truce));
        assert_poisson_incidents(&th, 3, n, base * hours, truce);
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
    let model = format!("{NO_HAWKES}base_hazard_per_hour = 0.2\ndeconfliction_hazard_weight = 1\n");
    let n = 400;
    let base = 0.2 * (-1.0f64 / 5.0).exp();
    let cases = [
        // (events, expected hazard-hours over 10 days)
        ("", 240.0),
        (
            "[[event]]\nday = 4\nkind = \"deconfliction\"\nbetween = [\"a\", \"b\"]\ndeconfliction = 0.75\n",
            96.0 + 0.25 * 144.0,
        ),
        (
            "[[event]]\nday = 6\nkind = \"truce\"\nbetween = [\"a\", \"b\"]\ntruce = { from_day = 6, to_day = 10, hazard_factor = 0.0 }\n",
            144.0,
        ),
    ];
    for (events, hours) in cases {
        let th = theatre(&format!(
            "{}{events}",
            contact("neutral", 1.0, 10.0, &model, "")
        ));
        assert_poisson_incidents(&th, 11, n, base * hours, events);
    }
}

#[test]
fn self_excitation_gives_the_hawkes_expected_count() {
    // Constant background μ, kernel n β e^{−β t}:
    // E[N(T)] = μT/(1−n) − μ n / (β (1−n)²) · (1 − e^{−β(1−n)T}).
    let (n_br, decay) = (0.5f64, 24.0f64);
    let model = format!(
        "[model.friction]\nbase_hazard_per_hour = 0.05\nbranching_ratio = {n_br}\nexcitation_decay_hours = {decay}\nfirst_contact_surge = 0\nclash_casualties = 0\nengagement_casualties = 0\n"
    );
    let th = theatre(&contact("neutral", 0.0, 10.0, &model, ""));
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
    let model = "[model.friction]\nbase_hazard_per_hour = 0.02\nbranching_ratio = 0\nfirst_contact_surge = 2\nexcitation_decay_hours = 12\nclash_casualties = 0\nengagement_casualties = 0\n";
    let th = theatre(&contact("neutral", 0.0, 5.0, model, ""));
    let expect = 0.02 * 120.0 + 2.0 * (1.0 - (-120.0f64 / 12.0).exp());
    let outs = outcomes(&th, 4, 3000);
    let (mean, se) = mean_and_se(outs.iter().map(|o| o.pairs[0].incidents as f64));
    assert!((mean - expect).abs() < Z * se, "{mean} vs {expect}");
}

#[test]
fn repeated_clashes_turn_the_stance_hostile() {
    let model = "[model.friction]\nbase_hazard_per_hour = 2\nclash_probability = 1\nclash_casualties = 0\nengagement_casualties = 0\n";
    let th = theatre(&contact(
        "neutral",
        0.0,
        2.0,
        model,
        "hostile_after_clashes = 3\n",
    ));
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

fn site_scenario(force_b: &str, site_extra: &str) -> String {
    format!(
        r#"{}
[model.combat]
mode = "mean_field"
garrison_lethality = 0

[[faction]]
id = "a"
[[faction]]
id = "b"
[[faction]]
id = "c"

[[relation]]
between = ["a", "b"]
stance = "hostile"
[[relation]]
between = ["a", "c"]
stance = "hostile"
[[relation]]
between = ["b", "c"]
stance = "neutral"

[[site]]
id = "well"
kind = "oil_field"
position = {{ x_km = 0, y_km = 0 }}
output_per_day = 24
capture_radius_km = 3
{site_extra}

{force_b}
"#,
        header(2.0, 1.0)
    )
}

#[test]
fn capture_needs_the_garrison_gone_and_the_radius_unopposed() {
    let attacker = r#"[[force]]
id = "fb"
faction = "b"
position = { x_km = 1, y_km = 0 }
strength = 500
lethality = 0.05
"#;
    // Garrison of 10 falls in the first tick (dG/dt = −0.05·500 = −25/h).
    let th = theatre(&site_scenario(attacker, "owner = \"a\"\ngarrison = 10"));
    let o = &outcomes(&th, 1, 1)[0];
    assert_eq!(o.site_owner_end, vec![Some(1)]);
    assert_eq!(o.owner_changes.len(), 1);
    assert_eq!(o.owner_changes[0].hours, 1.0);
    // The new owner earns output × days from the first tick on.
    assert!((o.revenue[1] - 24.0 * 2.0).abs() < 1e-9);
    assert_eq!(o.revenue[0], 0.0);

    // An owner force inside the radius (that the attacker cannot kill) holds it.
    let with_defender = format!(
        "{attacker}lethality = 0\n[[force]]\nid = \"fa\"\nfaction = \"a\"\nposition = {{ x_km = 0, y_km = 1 }}\nstrength = 50\nlethality = 0\n"
    )
    .replace("lethality = 0.05\nlethality = 0\n", "lethality = 0\n");
    let th = theatre(&site_scenario(&with_defender, "owner = \"a\""));
    let o = &outcomes(&th, 1, 1)[0];
    assert_eq!(o.site_owner_end, vec![Some(0)]);
    assert!((o.revenue[0] - 48.0).abs() < 1e-9);

    // Unowned: the strongest faction present takes it; an air force cannot.
    let two = format!(
        "{attacker}[[force]]\nid = \"fc\"\nfaction = \"c\"\nposition = {{ x_km = -1, y_km = 0 }}\nstrength = 900\n[[force]]\nid = \"air\"\nfaction = \"a\"\ndomain = \"air\"\nposition = {{ x_km = 0, y_km = 0 }}\nstrength = 5000\nlethality = 0\n"
    );
    let th = theatre(&site_scenario(&two, ""));
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
    let inside = r#"[[force]]
id = "fb"
faction = "b"
position = { x_km = 1, y_km = 0 }
strength = 500
"#;
    // A column of b 10 km out, advancing on it at 1 km/h: 3 km out, inside
    // the radius, after its seventh move (hour 7); a earns 6, b 42.
    let column = r#"[[force]]
id = "fb"
faction = "b"
position = { x_km = 10, y_km = 0 }
strength = 500
speed_kmh = 1
posture = "advance"
objective = "well"
"#;
    for (force, hours, earned) in [(inside, 1.0, (0.0, 48.0)), (column, 7.0, (6.0, 42.0))] {
        let th = theatre(&site_scenario(force, "owner = \"a\""));
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
    let text = format!(
        r#"{}
[[faction]]
id = "a"
[[force]]
id = "col"
faction = "a"
position = {{ x_km = 0, y_km = 0 }}
strength = 100
speed_kmh = 2
posture = "advance"
objective_at = {{ x_km = 30, y_km = 40 }}
"#,
        header(2.0, 1.0)
    );
    let th = theatre(&text);
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
    let text = format!(
        r#"{}
[model.friction]
base_hazard_per_hour = 0
first_contact_surge = 0
[[faction]]
id = "a"
[[faction]]
id = "b"
[[relation]]
between = ["a", "b"]
stance = "rival"
[[force]]
id = "col"
faction = "a"
position = {{ x_km = 0, y_km = 0 }}
strength = 1000
lethality = 0.002
weapon_range_km = 3
speed_kmh = 1
posture = "advance"
objective_at = {{ x_km = 100, y_km = 0 }}
[[force]]
id = "post"
faction = "b"
position = {{ x_km = 5, y_km = 0 }}
strength = 8
lethality = 0
[[event]]
day = 0
hour = 2
kind = "stance"
between = ["a", "b"]
stance = "hostile"
"#,
        header(1.0, 1.0)
    );
    let mut sim = Sim::new(theatre(&text));
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

#[test]
fn incursions_into_an_exclusion_zone_have_their_own_hazard() {
    let text = format!(
        r#"{}
[[faction]]
id = "us"
[[faction]]
id = "saa"
[[relation]]
between = ["us", "saa"]
stance = "rival"

[[zone]]
id = "tanf"
owner = "us"
rule = "exclusion"
center = {{ x_km = 0, y_km = 0 }}
radius_km = 55
incursion_hazard_per_hour = 0.01

[[force]]
id = "militia"
faction = "saa"
position = {{ x_km = 10, y_km = 0 }}
strength = 300
respects_zones = false

[[force]]
id = "careful"
faction = "saa"
position = {{ x_km = -100, y_km = 0 }}
strength = 300
speed_kmh = 5
posture = "advance"
objective_at = {{ x_km = 100, y_km = 0 }}
"#,
        header(5.0, 1.0)
    );
    let th = theatre(&text);
    let n = 1000;
    let outs = outcomes(&th, 8, n);
    // One Bernoulli(1 − e^{−hΔt}) trial per tick inside the zone.
    let p = 1.0 - (-0.01f64).exp();
    let expect = 120.0 * p;
    let (mean, _) = mean_and_se(outs.iter().map(|o| o.zone_incidents[0] as f64));
    let se = (120.0 * p * (1.0 - p) / n as f64).sqrt();
    assert!((mean - expect).abs() < Z * se, "{mean} vs {expect}");
    assert_eq!(
        outs.iter().map(|o| o.pairs[0].incidents).sum::<u64>(),
        outs.iter().map(|o| o.zone_incidents[0]).sum::<u64>()
    );
}

fn busy_scenario() -> String {
    format!(
        r#"{}
[[faction]]
id = "saa"
aggression = 0.7
[[faction]]
id = "sdf"
[[faction]]
id = "isis"

[[relation]]
between = ["saa", "sdf"]
stance = "rival"
deconfliction = 0.2
hostile_after_clashes = 4
[[relation.truce]]
from_day = 3
to_day = 6
hazard_factor = 0.3
[[relation]]
between = ["saa", "isis"]
stance = "hostile"
[[relation]]
between = ["sdf", "isis"]
stance = "hostile"

[[site]]
id = "town"
kind = "town"
position = {{ x_km = 0, y_km = 0 }}
owner = "isis"
garrison = 400
output_per_day = 10

[[contact_line]]
id = "line"
between = ["saa", "sdf"]
points = [{{ x_km = -30, y_km = -20 }}, {{ x_km = 30, y_km = -20 }}]
buffer_km = 6
segment_km = 5

[[force]]
id = "s1"
faction = "saa"
position = {{ x_km = -10, y_km = -25 }}
strength = 2000
speed_kmh = 0.4
posture = "advance"
objective = "town"
[[force]]
id = "s2"
faction = "saa"
position = {{ x_km = 10, y_km = -24 }}
strength = 1500
[[force]]
id = "d1"
faction = "sdf"
position = {{ x_km = 0, y_km = -16 }}
strength = 2500
speed_kmh = 0.3
posture = "advance"
objective = "town"
[[force]]
id = "d2"
faction = "sdf"
position = {{ x_km = 20, y_km = -17 }}
strength = 800
posture = "patrol"
speed_kmh = 1
route = [{{ x_km = 20, y_km = -17 }}, {{ x_km = -20, y_km = -17 }}]
[[force]]
id = "i1"
faction = "isis"
position = {{ x_km = 0, y_km = -5 }}
strength = 1200

[[event]]
day = 2
kind = "reinforce"
force = "s2"
strength = 500
[[event]]
day = 4
kind = "deconfliction"
between = ["saa", "sdf"]
deconfliction = 0.6
[[event]]
day = 8
kind = "stance"
between = ["saa", "sdf"]
stance = "neutral"
"#,
        header(10.0, 1.0)
    )
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
/// `col_b` starts `b_y` km north. `extra` goes into the file (model
/// parameters, events).
fn columns_on_a_town(extra: &str, b_y: f64) -> String {
    format!(
        r#"{}
{extra}
[[faction]]
id = "a"
[[faction]]
id = "b"
[[faction]]
id = "c"
[[relation]]
between = ["a", "b"]
stance = "rival"
[[relation]]
between = ["a", "c"]
stance = "hostile"
[[relation]]
between = ["b", "c"]
stance = "hostile"
[[site]]
id = "town"
kind = "town"
position = {{ x_km = 0, y_km = 0 }}
owner = "c"
garrison = 3000
[[force]]
id = "col_a"
faction = "a"
position = {{ x_km = 0, y_km = -4 }}
strength = 500
break_point = 0.9
speed_kmh = 1
posture = "advance"
objective = "town"
[[force]]
id = "col_b"
faction = "b"
position = {{ x_km = 0, y_km = {b_y} }}
strength = 500
speed_kmh = 0.1
posture = "advance"
objective = "town"
"#,
        header(3.0, 1.0)
    )
}

/// The index keeps the force table up to date from what the phases report
/// (moves, strengths, breaks) and copies it afresh only after scheduled
/// events: after every tick it equals a copy made from the components.
#[test]
fn the_force_table_equals_the_components_after_every_tick() {
    use frontline_sim::scenario::{Objective, Posture};
    // The busy scenario, and a column that breaks under the fire of a
    // garrison it advances on and withdraws, reinforced on the way.
    let reinforce = "[[event]]\nday = 1\nkind = \"reinforce\"\nforce = \"col_a\"\nstrength = 100\n";
    let assault = columns_on_a_town(reinforce, 60.0);
    let (mut broken, mut reinforced) = (0, 0);
    for (text, run) in [(busy_scenario(), 0..12), (assault, 0..3)] {
        let mut sim = Sim::new(theatre(&text));
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
    let hostile = "[[event]]\nday = 0\nhour = 3\nkind = \"stance\"\nbetween = [\"a\", \"b\"]\nstance = \"hostile\"\n";
    let clash = "[model.friction]\nbase_hazard_per_hour = 5\nclash_probability = 1\n";
    let cases = [("", 60.0), (hostile, 60.0), (clash, 5.0)];
    for (extra, b_y) in cases {
        let mut text = columns_on_a_town(extra, b_y);
        if extra == clash {
            text = text.replace(
                "stance = \"rival\"",
                "stance = \"rival\"\nhostile_after_clashes = 1",
            );
        }
        let event = extra;
        let mut sim = Sim::new(theatre(&text));
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
        if extra == clash {
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
    let raw: RawScenario = toml::from_str(&busy_scenario()).unwrap();
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
    let model = "[model.friction]\nfirst_contact_surge = 3\nbranching_ratio = 0.5\n";
    let th = theatre(&contact(
        "neutral",
        0.0,
        5.0,
        model,
        "[[relation.truce]]\nhazard_factor = 0\n",
    ));
    for o in outcomes(&th, 2, 200) {
        assert_eq!(o.pairs[0].incidents, 0);
    }
}

#[test]
fn a_strike_can_break_a_force_at_once() {
    let text = format!(
        r#"{}
[[faction]]
id = "a"
[[force]]
id = "col"
faction = "a"
position = {{ x_km = 0, y_km = 0 }}
strength = 1000
break_point = 0.3
speed_kmh = 1
posture = "advance"
objective_at = {{ x_km = 40, y_km = 0 }}
[[event]]
day = 0
hour = 5
kind = "strike"
force = "col"
losses = 0.8
"#,
        header(2.0, 1.0)
    );
    let mut sim = Sim::new(theatre(&text));
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
    let text = format!(
        r#"{}
[model.friction]
base_hazard_per_hour = 1
[[faction]]
id = "a"
[[faction]]
id = "b"
[[relation]]
between = ["a", "b"]
stance = "allied"
[[force]]
id = "fa"
faction = "a"
position = {{ x_km = 0, y_km = 0 }}
strength = 1000
[[force]]
id = "fb"
faction = "b"
position = {{ x_km = 1, y_km = 0 }}
strength = 1000
[[event]]
day = 1
kind = "stance"
between = ["a", "b"]
stance = "rival"
"#,
        header(3.0, 1.0)
    );
    let th = theatre(&text);
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
    let model = format!("{NO_HAWKES}base_hazard_per_hour = 0.5\n");
    // 24 h in ticks of 5 h: 5, 5, 5, 5 and 4 h; a site of faction a, away
    // from the forces.
    let text = contact("neutral", 0.0, 1.0, &model, "")
        .replace("tick_hours = 1\n", "tick_hours = 5\n")
        + r#"
[[site]]
id = "well"
kind = "oil_field"
owner = "a"
position = { x_km = 50, y_km = 0 }
output_per_day = 24
"#;
    let th = theatre(&text);
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
fn crowded_lines() -> String {
    let mut t = format!(
        r#"{}
[[faction]]
id = "a"
[[faction]]
id = "b"
[[faction]]
id = "c"
[[relation]]
between = ["a", "b"]
stance = "rival"
hostile_after_clashes = 40
[[relation]]
between = ["b", "c"]
stance = "neutral"
[[relation]]
between = ["a", "c"]
stance = "cooperative"
[[contact_line]]
id = "ab-south"
between = ["a", "b"]
points = [{{ x_km = -30, y_km = 0 }}, {{ x_km = 30, y_km = 0 }}]
buffer_km = 3
segment_km = 4
[[contact_line]]
id = "ab-north"
between = ["b", "a"]
points = [{{ x_km = -30, y_km = 12 }}, {{ x_km = 30, y_km = 12 }}]
buffer_km = 3
segment_km = 5
[[contact_line]]
id = "bc"
between = ["b", "c"]
points = [{{ x_km = 0, y_km = -30 }}, {{ x_km = 0, y_km = 30 }}]
buffer_km = 2.5
segment_km = 3
"#,
        header(3.0, 1.0)
    );
    // A force; a patrol goes 4 km east and back.
    let force = |id: String,
                 faction: &str,
                 (x, y): (f64, f64),
                 strength: u32,
                 sensor: f64,
                 patrols: bool| {
        let patrol = if patrols {
            format!(
                "posture = \"patrol\"\nspeed_kmh = 0.7\nroute = [{{ x_km = {x}, y_km = {y} }}, {{ x_km = {}, y_km = {y} }}]\n",
                x + 4.0
            )
        } else {
            String::new()
        };
        format!(
            "[[force]]\nid = \"{id}\"\nfaction = \"{faction}\"\nposition = {{ x_km = {x}, y_km = {y} }}\nstrength = {strength}\nsensor_range_km = {sensor}\n{patrol}\n"
        )
    };
    for k in 0..50u32 {
        let x = -25.0 + k as f64;
        let (ya, yb) = if k % 2 == 0 {
            (-1.2, 1.4)
        } else {
            (13.3, 10.6)
        };
        t += &force(format!("a{k}"), "a", (x, ya), 300 + 7 * k, 2.0, k % 3 == 0);
        t += &force(format!("b{k}"), "b", (x, yb), 400, 3.0, k % 4 == 1);
        t += &force(format!("c{k}"), "c", (1.1, x), 250, 2.0, false);
    }
    t
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
