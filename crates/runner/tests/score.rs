//! `frontline score` through the real binary: hand-computed scores, located
//! errors in bad records, exit codes, output files.

mod common;

use common::{Scratch, assert_fails, assert_ok, fixture, frontline, stderr, stdout};

/// A result of the two-faction scenario (pair blue–red, 30 days from
/// 2020-01-01), written to `dir`.
fn result(dir: &Scratch) -> String {
    let path = dir.dir().join("result.json");
    let p = path.to_str().unwrap();
    let out = frontline(&[
        "run",
        "scenarios/two-faction-line.toml",
        "--runs",
        "300",
        "-q",
        "--format",
        "json",
        "--out",
        p,
    ]);
    assert_ok(&out);
    p.to_string()
}

fn record(name: &str) -> String {
    fixture(&format!("records/{name}")).display().to_string()
}

#[test]
fn scores_match_the_result_counted_by_hand() {
    let dir = Scratch::new();
    let res = result(&dir);
    let out = frontline(&[
        "score",
        &res,
        "--observed",
        &record("good.toml"),
        "--format",
        "json",
    ]);
    assert_ok(&out);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let r: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&res).unwrap()).unwrap();
    let runs = r["runs"].as_f64().unwrap();
    let st = &r["statistics"]["pairs"][0];
    // The window ends on 30 January: 30 days, the whole horizon.
    let all = |key: &str| {
        st[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap())
            .sum::<f64>()
            / runs
    };
    let (pi, pc) = (all("first_incident_bins"), all("first_clash_bins"));
    let pe = st["runs_engagement"].as_f64().unwrap() / runs;
    let ph = st["runs_hostile"].as_f64().unwrap() / runs;
    // Observed: a clash (so an incident), no engagement, not hostile.
    let clip = 0.5 / runs;
    let c = |p: f64| p.clamp(clip, 1.0 - clip);
    let expected = [
        ("incident", pi, true),
        ("clash", pc, true),
        ("engagement", pe, false),
        ("turned_hostile", ph, false),
    ];
    let binary = doc["binary"].as_array().unwrap();
    assert_eq!(binary.len(), 4);
    let (mut bs, mut ls) = (0.0, 0.0);
    for ((kind, p, o), b) in expected.iter().zip(binary) {
        assert_eq!(b["kind"], *kind);
        assert!(
            (b["forecast"]["p"].as_f64().unwrap() - p).abs() < 1e-12,
            "{kind}"
        );
        assert_eq!(b["observed"], *o);
        let brier = (p - if *o { 1.0 } else { 0.0 }).powi(2);
        let log = if *o { -c(*p).ln() } else { -(1.0 - c(*p)).ln() };
        assert!(
            (b["brier"].as_f64().unwrap() - brier).abs() < 1e-12,
            "{kind}"
        );
        assert!((b["log"].as_f64().unwrap() - log).abs() < 1e-12, "{kind}");
        bs += brier / 4.0;
        ls += log / 4.0;
    }
    assert!((doc["brier"]["score"].as_f64().unwrap() - bs).abs() < 1e-12);
    assert!((doc["brier"]["skill"].as_f64().unwrap() - (1.0 - bs / 0.25)).abs() < 1e-12);
    assert!((doc["log"]["score"].as_f64().unwrap() - ls).abs() < 1e-12);
    // The observed first clash at day 4.5, in a window of 30 days.
    assert_eq!(doc["crps"][0]["observed_days"], 4.5);
    assert_eq!(doc["crps"][0]["to_days"], 30.0);
}

#[test]
fn table_csv_svg_and_out() {
    let dir = Scratch::new();
    let res = result(&dir);
    let out = frontline(&["score", &res, "--observed", &record("good.toml")]);
    assert_ok(&out);
    let t = stdout(&out);
    assert!(t.contains("clash blue:red by day 30.0"), "{t}");
    assert!(t.contains("Brier (baseline: constant 0.5)"), "{t}");
    let out = frontline(&[
        "score",
        &res,
        "--observed",
        &record("good.toml"),
        "--format",
        "csv",
    ]);
    assert_ok(&out);
    assert!(
        stdout(&out)
            .starts_with("outcome,kind,subject,by_hours,forecast,lo,hi,observed,brier,log\n")
    );
    assert_eq!(stdout(&out).lines().count(), 5);
    let svg = dir.dir().join("rel.svg");
    let file = dir.dir().join("scores.json");
    let out = frontline(&[
        "score",
        &res,
        "--observed",
        &record("good.toml"),
        "--format",
        "json",
        "--out",
        file.to_str().unwrap(),
        "--svg",
        svg.to_str().unwrap(),
    ]);
    assert_ok(&out);
    assert!(stdout(&out).is_empty());
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(doc["schema"], "frontline.score/1");
    let svg = std::fs::read_to_string(&svg).unwrap();
    let bins = svg.matches("class=\"bin\"").count();
    let nonempty = doc["reliability"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["n"].as_u64().unwrap() > 0)
        .count();
    assert_eq!(bins, nonempty);
}

fn score_error(dir: &Scratch, name: &str) -> String {
    let res = result(dir);
    let out = frontline(&["score", &res, "--observed", &record(name)]);
    assert_eq!(out.status.code(), Some(1), "{name} should fail");
    stderr(&out)
}

#[test]
fn a_syntax_error_in_a_record_has_line_column_and_caret() {
    insta::assert_snapshot!(score_error(&Scratch::new(), "syntax.toml"));
}

#[test]
fn unknown_ids_in_a_record_are_located() {
    insta::assert_snapshot!(score_error(&Scratch::new(), "unknown_pair.toml"));
}

#[test]
fn a_json_record_is_located_by_path() {
    insta::assert_snapshot!(score_error(&Scratch::new(), "unknown_pair.json"));
}

#[test]
fn a_window_outside_the_horizon_is_an_error() {
    insta::assert_snapshot!(score_error(&Scratch::new(), "outside.toml"));
}

#[test]
fn exit_codes() {
    let dir = Scratch::new();
    let res = result(&dir);
    // No --observed: usage.
    assert_fails(&frontline(&["score", &res]), 2, "--observed");
    // A record given as the result.
    assert_fails(
        &frontline(&[
            "score",
            &record("good.toml"),
            "--observed",
            &record("good.toml"),
        ]),
        1,
        "is not a frontline result",
    );
    // A missing record.
    assert_fails(
        &frontline(&["score", &res, "--observed", "no/such.toml"]),
        1,
        "no such file",
    );
    // --out in a directory that does not exist: before anything is read.
    assert_fails(
        &frontline(&[
            "score",
            &res,
            "--observed",
            &record("good.toml"),
            "--out",
            "no/dir/x.json",
        ]),
        1,
        "does not exist",
    );
}
