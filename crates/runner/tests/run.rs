//! `frontline run` through the real binary: determinism, formats, errors,
//! stopping rules and interruption.

mod common;

use common::{Scratch, assert_fails, assert_ok, fixture, frontline, stderr, stdout};
use frontline_runner::result::ResultDoc;

fn json_of(args: &[&str]) -> String {
    let mut all = vec!["run", "--format", "json", "-q"];
    all.extend_from_slice(args);
    let out = frontline(&all);
    assert_ok(&out);
    stdout(&out)
}

#[test]
fn results_are_byte_identical_across_threads_and_invocations() {
    for scenario in [
        "scenarios/two-faction-line.toml",
        "scenarios/raqqa-2017.toml",
    ] {
        let base = ["--runs", "300", "--seed", "7", scenario];
        let one = json_of(&[&base[..], &["-j", "1"]].concat());
        let two = json_of(&[&base[..], &["-j", "2"]].concat());
        let again = json_of(&[&base[..], &["-j", "2"]].concat());
        assert_eq!(one, two, "{scenario}: 1 vs 2 threads");
        assert_eq!(two, again, "{scenario}: repeated invocation");
        let other_seed = json_of(&["--runs", "300", "--seed", "8", scenario]);
        assert_ne!(one, other_seed);
    }
}

#[test]
fn the_embedded_scenario_is_the_default() {
    let a = json_of(&["--runs", "50"]);
    let b = json_of(&["--runs", "50", "scenarios/raqqa-2017.toml"]);
    let (a, b): (ResultDoc, ResultDoc) = (
        serde_json::from_str(&a).unwrap(),
        serde_json::from_str(&b).unwrap(),
    );
    assert_eq!(a.scenario.hash, b.scenario.hash);
    assert_eq!(a.estimates, b.estimates);
    assert_eq!(a.scenario.source, "raqqa-2017.toml (embedded)");
}

#[test]
fn the_result_document_carries_what_identifies_it() {
    let doc: ResultDoc = serde_json::from_str(&json_of(&[
        "--runs",
        "120",
        "--seed",
        "3",
        "scenarios/two-faction-line.toml",
    ]))
    .unwrap();
    assert_eq!(doc.schema, "frontline.result/1");
    assert_eq!(doc.runs, 120);
    assert_eq!(doc.seed, 3);
    assert_eq!(doc.scenario.hash.len(), 64);
    assert_eq!(doc.engine.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(doc.statistics.runs, 120);
    let p = &doc.estimates.pairs[0];
    assert_eq!((p.a.as_str(), p.b.as_str()), ("blue", "red"));
    assert_eq!(p.clash.k, doc.statistics.pairs[0].runs_clash);
    assert!(p.clash.lo <= p.clash.p && p.clash.p <= p.clash.hi);
}

#[test]
fn overrides_change_the_hash_and_are_validated() {
    let base: ResultDoc = serde_json::from_str(&json_of(&[
        "--runs",
        "100",
        "scenarios/two-faction-line.toml",
    ]))
    .unwrap();
    let calm: ResultDoc = serde_json::from_str(&json_of(&[
        "--runs",
        "100",
        "scenarios/two-faction-line.toml",
        "--set",
        "relation.blue:red.deconfliction=1",
        "--set",
        "relation.red:blue.stance=neutral",
    ]))
    .unwrap();
    assert_ne!(base.scenario.hash, calm.scenario.hash);
    assert_eq!(calm.scenario.overrides.len(), 2);
    // Full deconfliction: escalation probability (1 − e) is zero.
    assert_eq!(calm.estimates.pairs[0].clash.k, 0);

    for (set, expect) in [
        ("force.nobody.strength=3", "no force has id `nobody`"),
        ("force.red_west.strenght=3", "unknown key `strenght`"),
        ("force.red_west.strength=lots", "does not fit"),
        ("force.red_west.strength=-3", "`strength` must be in"),
        ("relation.blue:red.stance=friendly", "does not fit"),
    ] {
        let out = frontline(&["run", "scenarios/two-faction-line.toml", "--set", set]);
        assert_fails(&out, 1, expect);
    }
}

#[test]
fn bad_flags_get_usage_errors() {
    for args in [
        &["run", "--runs", "0"][..],
        &["run", "--runs", "-5"],
        &["run", "--runs", "99999999999"],
        &["run", "--threads", "0"],
        &["run", "--format", "xml"],
        &["run", "--set", "novalue"],
        &["frobnicate"],
    ] {
        let out = frontline(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("error:") && stderr(&out).contains("--help"),
            "{args:?}"
        );
    }
    let out = frontline(&["run", "--until-precision", "0.7"]);
    assert_fails(&out, 2, "must be in (0, 0.5)");
    let out = frontline(&[
        "run",
        "--until-precision",
        "0.1",
        "--runs",
        "50",
        "--max-runs",
        "10",
    ]);
    assert_fails(&out, 2, "exceeds --max-runs");
    // A bad --out is refused before any run.
    let out = frontline(&["run", "--out", "/nonexistent/dir/r.json"]);
    assert_fails(&out, 1, "does not exist");
}

#[test]
fn a_bad_scenario_gets_the_same_message_as_check() {
    let f = fixture("semantic.toml");
    let run = frontline(&["run", f.to_str().unwrap()]);
    let check = frontline(&["check", f.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    let first_line = |s: String| s.lines().next().unwrap().to_string();
    assert_eq!(first_line(stderr(&run)), first_line(stderr(&check)));
}

#[test]
fn until_precision_stops_at_the_requested_width() {
    let w = 0.03;
    let text = json_of(&[
        "scenarios/two-faction-line.toml",
        "--runs",
        "200",
        "--until-precision",
        "0.03",
    ]);
    let doc: ResultDoc = serde_json::from_str(&text).unwrap();
    let widest = doc
        .estimates
        .pairs
        .iter()
        .flat_map(|p| [p.incident, p.clash, p.engagement])
        .map(|x| x.half_width())
        .fold(0.0, f64::max);
    assert!(widest <= w, "half-width {widest}");
    assert!(doc.runs > 200, "needed more than the first batch");
    // The result is that of a plain run of the same number of runs.
    let plain = json_of(&[
        "scenarios/two-faction-line.toml",
        "--runs",
        &doc.runs.to_string(),
    ]);
    assert_eq!(text, plain);
}

#[test]
fn table_layout() {
    let out = frontline(&[
        "run",
        "scenarios/two-faction-line.toml",
        "--runs",
        "200",
        "-q",
    ]);
    assert!(out.status.success());
    insta::assert_snapshot!(stdout(&out));
}

#[test]
fn files_rows_and_csv() {
    let dir = Scratch::new();
    let json = dir.path("r.json");
    let rows = dir.path("rows.csv");
    let out = frontline(&[
        "run",
        "scenarios/two-faction-line.toml",
        "--runs",
        "150",
        "--out",
        &json,
        "--rows",
        &rows,
    ]);
    assert_ok(&out);
    assert!(
        stdout(&out).contains("P(clash)"),
        "the table is still shown"
    );
    let doc: ResultDoc = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    let text = std::fs::read_to_string(&rows).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == "blue-red.clashes")
        .unwrap();
    let body: Vec<Vec<String>> = lines
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert_eq!(body.len(), 150);
    for (i, r) in body.iter().enumerate() {
        assert_eq!(r[0], i.to_string(), "rows in run order");
    }
    let total: i128 = body.iter().map(|r| r[col].parse::<i128>().unwrap()).sum();
    assert_eq!(total, doc.statistics.pairs[0].clashes.sum);
    let with_clash = body.iter().filter(|r| r[col] != "0").count() as u64;
    assert_eq!(with_clash, doc.estimates.pairs[0].clash.k);

    let csv_out = frontline(&[
        "run",
        "scenarios/two-faction-line.toml",
        "--runs",
        "50",
        "--format",
        "csv",
    ]);
    let csv_text = stdout(&csv_out);
    assert!(csv_text.starts_with("section,subject,metric,estimate,lo,hi\n"));
    assert!(csv_text.contains("pair,blue-red,p_clash,"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_cleanly_and_leaves_no_result() {
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("never.json");
    let child = Command::new(env!("CARGO_BIN_EXE_frontline"))
        .args([
            "run",
            "--runs",
            "100000000",
            "--out",
            json.to_str().unwrap(),
        ])
        .current_dir(common::root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("interrupted:") && err.contains("runs finished; no result written"),
        "{err}"
    );
    assert!(!json.exists());
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no temporary left"
    );
}
