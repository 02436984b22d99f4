//! `trace`, `diff`, `compare` and `sweep` through the real binary, and the
//! variance reduction of common random numbers on the reference scenario.

mod common;

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use common::{Scratch, assert_fails, assert_ok, frontline, stdout};
use frontline_runner::estimate::Z95;
use frontline_runner::load::load;
use frontline_runner::overrides::Override;
use frontline_runner::paired::{CompareDoc, compare_runs};
use frontline_runner::replicate::{Finish, Replicator};
use frontline_runner::timeline::TraceEvent;
use frontline_sim::theatre::Theatre;

#[test]
fn trace_is_reproducible_and_matches_the_run_it_replays() {
    let args = ["trace", "--seed", "4", "--run", "17", "--format", "jsonl"];
    let a = frontline(&args);
    let b = frontline(&args);
    assert_ok(&a);
    assert_eq!(a.stdout, b.stdout);
    let events: Vec<TraceEvent> = stdout(&a)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!events.is_empty());
    // The same run's row in `run --rows`.
    let dir = Scratch::new();
    let rows = dir.path("rows.csv");
    let out = frontline(&["run", "--seed", "4", "--runs", "20", "-q", "--rows", &rows]);
    assert!(out.status.success());
    let text = std::fs::read_to_string(&rows).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let row: Vec<&str> = lines.nth(17).unwrap().split(',').collect();
    assert_eq!(row[0], "17");
    for (k, h) in header.iter().enumerate() {
        let Some(pair) = h.strip_suffix(".incidents") else {
            continue;
        };
        let (fa, fb) = pair.split_once('-').unwrap();
        let traced = events
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    frontline_runner::timeline::Kind::Incident
                        | frontline_runner::timeline::Kind::Clash
                        | frontline_runner::timeline::Kind::Engagement
                ) && e.factions.len() == 2
                    && ((e.factions[0] == fa && e.factions[1] == fb)
                        || (e.factions[0] == fb && e.factions[1] == fa))
            })
            .count();
        assert_eq!(traced.to_string(), row[k], "{pair}");
    }
}

#[test]
fn trace_filters() {
    let all = stdout(&frontline(&["trace", "--seed", "2", "--format", "jsonl"]));
    let only: Vec<TraceEvent> = stdout(&frontline(&[
        "trace",
        "--seed",
        "2",
        "--format",
        "jsonl",
        "--pair",
        "sdf:saa",
        "--kind",
        "incident,clash",
        "--from-day",
        "1",
        "--to-day",
        "20",
    ]))
    .lines()
    .map(|l| serde_json::from_str(l).unwrap())
    .collect();
    assert!(only.len() < all.lines().count());
    for e in &only {
        assert!(e.factions.contains(&"saa".to_string()) && e.factions.contains(&"sdf".to_string()));
        assert!((24.0..480.0).contains(&e.hours));
    }
    let text = stdout(&frontline(&["trace", "--seed", "2", "--kind", "capture"]));
    assert!(
        text.starts_with("Raqqa, June 2017 — run 0 of seed 2:"),
        "{text}"
    );
    let bad = frontline(&["trace", "--pair", "saa"]);
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn diff_of_results_and_traces() {
    let dir = Scratch::new();
    let p = |n: &str| dir.path(n);
    let run = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "run",
            "scenarios/two-faction-line.toml",
            "-q",
            "--runs",
            "200",
            "--out",
        ];
        args.push(out);
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--format", "json"]);
        assert!(frontline(&args).status.success());
    };
    run(&p("a.json"), &[]);
    run(&p("a2.json"), &["-j", "1"]);
    run(&p("b.json"), &["--seed", "9"]);
    run(
        &p("c.json"),
        &["--set", "relation.blue:red.deconfliction=1"],
    );
    let same = frontline(&["diff", &p("a.json"), &p("a2.json")]);
    assert_eq!(same.status.code(), Some(0));
    assert_eq!(stdout(&same), "identical\n");
    let seed = frontline(&["diff", &p("a.json"), &p("b.json")]);
    assert_eq!(seed.status.code(), Some(1));
    let text = stdout(&seed);
    assert!(text.contains("inputs: seed 1 vs 9"), "{text}");
    let calm = stdout(&frontline(&["diff", &p("a.json"), &p("c.json")]));
    assert!(calm.contains("scenario hash"), "{calm}");
    assert!(
        calm.contains("P(clash)") && calm.contains("beyond sampling error"),
        "{calm}"
    );

    // Traces: the first diverging event.
    let t = |seed: &str, file: &str| {
        let o = frontline(&["trace", "--seed", seed, "--format", "jsonl"]);
        std::fs::write(file, &o.stdout).unwrap();
    };
    t("1", &p("t1.jsonl"));
    t("1", &p("t1b.jsonl"));
    t("5", &p("t5.jsonl"));
    assert_eq!(
        frontline(&["diff", &p("t1.jsonl"), &p("t1b.jsonl")])
            .status
            .code(),
        Some(0)
    );
    let d = frontline(&["diff", &p("t1.jsonl"), &p("t5.jsonl")]);
    assert_eq!(d.status.code(), Some(1));
    assert!(
        stdout(&d).contains("traces differ first at event"),
        "{}",
        stdout(&d)
    );

    // Errors: mixed kinds, not frontline files, missing files.
    for (x, y, msg) in [
        (p("a.json"), p("t1.jsonl"), "not of the same kind"),
        (
            p("a.json"),
            "Cargo.toml".to_string(),
            "neither a result file nor a JSON-lines trace",
        ),
        (p("a.json"), p("missing.json"), "cannot read"),
    ] {
        let o = frontline(&["diff", &x, &y]);
        assert_fails(&o, 2, msg);
    }
}

#[test]
fn compare_and_sweep_on_the_command_line() {
    let out = frontline(&[
        "compare",
        "scenarios/two-faction-line.toml",
        "--set-b",
        "relation.blue:red.deconfliction=0.9",
        "--runs",
        "300",
        "--format",
        "json",
    ]);
    assert_ok(&out);
    let doc: CompareDoc = serde_json::from_str(&stdout(&out)).unwrap();
    let c = &doc.pairs[0].clash;
    assert!(
        c.diff < 0.0 && c.hi < 0.0,
        "more deconfliction, fewer clashes: {c:?}"
    );
    assert!(c.mcnemar_p.unwrap() < 0.001);
    let bad = frontline(&["compare", "--set-b", "force.nobody.strength=1"]);
    assert_fails(&bad, 1, "no force has id `nobody`");

    let sweep = frontline(&[
        "sweep",
        "scenarios/two-faction-line.toml",
        "--set",
        "relation.blue:red.deconfliction=0,0.9",
        "--set",
        "force.red_west.strength=300,900",
        "--runs",
        "100",
        "--format",
        "csv",
    ]);
    assert_ok(&sweep);
    let text = stdout(&sweep);
    assert!(text.starts_with(
        "point,relation.blue:red.deconfliction,force.red_west.strength,pair,metric,estimate,lo,hi\n"
    ));
    assert_eq!(text.lines().filter(|l| l.contains(",p_clash,")).count(), 4);
    let lhs = frontline(&[
        "sweep",
        "scenarios/two-faction-line.toml",
        "--design",
        "lhs",
        "--samples",
        "5",
        "--set",
        "relation.blue:red.deconfliction=0..1",
        "--runs",
        "50",
    ]);
    assert_ok(&lhs);
    assert!(stdout(&lhs).starts_with("5 points × 50 runs"));
    for (set, expected) in [
        ("force.nobody.strength=1,2", "point 1 of the sweep"),
        (
            "relation.saa:sdf.deconfliction=0..1",
            "a range needs --design lhs",
        ),
    ] {
        let bad = frontline(&["sweep", "--set", set, "--runs", "10"]);
        assert_fails(&bad, 1, expected);
    }
}

/// Common random numbers against independent seeds on the reference
/// scenario: the interval of the difference in P(clash) between SAA and SDF
/// when the deconfliction channel improves from 0.3 to 0.5.
#[test]
fn common_random_numbers_narrow_the_interval_on_the_reference_scenario() {
    let a = load(None, &[]).unwrap();
    let set: Override = "relation.saa:sdf.deconfliction=0.5".parse().unwrap();
    let b = load(None, &[set]).unwrap();
    let runs = 2000;
    let doc = compare_runs(&a, &b, vec![], 11, runs, 2).unwrap().unwrap();
    let crn = doc.pairs.iter().find(|p| p.pair == "saa:sdf").unwrap();
    let crn_half = (crn.clash.hi - crn.clash.lo) / 2.0;
    // Independent seeds: A with seed 11, B with seed 12, unpaired interval.
    let p_of = |l: &frontline_runner::load::Loaded, seed: u64| {
        let th = Arc::new(Theatre::new(l.scenario.clone()));
        let slot = th
            .pairs
            .iter()
            .position(|&(x, y)| {
                th.scenario.factions[x.index()].id == "saa"
                    && th.scenario.factions[y.index()].id == "sdf"
            })
            .unwrap();
        let rep = Replicator::new(th, 2).unwrap();
        match rep
            .run(seed, 0..runs, None, &|_| {}, &AtomicBool::new(false))
            .unwrap()
        {
            Finish::Complete(s) => s.pairs[slot].runs_clash as f64 / runs as f64,
            _ => unreachable!(),
        }
    };
    let (pa, pb) = (p_of(&a, 11), p_of(&b, 12));
    let indep_half = Z95 * ((pa * (1.0 - pa) + pb * (1.0 - pb)) / runs as f64).sqrt();
    let ratio = crn_half / indep_half;
    eprintln!(
        "saa:sdf P(clash) difference, 95% half-width: CRN {crn_half:.4}, independent {indep_half:.4}, ratio {ratio:.2}"
    );
    assert!(
        crn_half < indep_half,
        "CRN {crn_half} vs independent {indep_half}"
    );
    // Independent seeds agree with the paired estimate within their error.
    assert!(((pb - pa) - crn.clash.diff).abs() < 3.0 * (indep_half + crn_half));
}
