//! Time series (`trace --series`, `run --series`) and events after the
//! horizon, through the real binary.

mod common;

use common::{Scratch, assert_fails, assert_ok, fixture, frontline, stderr, stdout};

/// The rows of `text` (a series CSV) of run `run`, without the header.
fn rows_of(text: &str, run: u64) -> Vec<String> {
    text.lines()
        .skip(1)
        .filter(|l| l.split(',').nth(2) == Some(&run.to_string()))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_series_of_run_i_is_that_of_trace_run_i() {
    let dir = Scratch::new();
    let (series, rows) = (dir.path("series.csv"), dir.path("rows.csv"));
    let out = frontline(&[
        "run", "--runs", "3", "--seed", "4", "-q", "-j", "2", "--series", &series, "--rows", &rows,
    ]);
    assert_ok(&out);
    let text = std::fs::read_to_string(&series).unwrap();
    assert!(text.starts_with("scenario,seed,run,hours,entity,id,variable,value\n"));
    let rows = std::fs::read_to_string(&rows).unwrap();
    let header: Vec<&str> = rows.lines().next().unwrap().split(',').collect();
    for run in 0..3u64 {
        let trace = frontline(&[
            "trace",
            "--series",
            "--seed",
            "4",
            "--run",
            &run.to_string(),
        ]);
        assert_ok(&trace);
        let traced = stdout(&trace);
        assert_eq!(rows_of(&traced, run), rows_of(&text, run), "run {run}");
        // The last sample's owners are the run's owners at the end.
        let row: Vec<&str> = rows
            .lines()
            .nth(run as usize + 1)
            .unwrap()
            .split(',')
            .collect();
        let last: Vec<String> = rows_of(&text, run)
            .into_iter()
            .filter(|r| r.contains(",720,site,"))
            .collect();
        assert!(!last.is_empty());
        for r in &last {
            let r: Vec<&str> = r.split(',').collect();
            let col = header
                .iter()
                .position(|h| *h == format!("{}.owner_end", r[5]))
                .unwrap();
            assert_eq!(r[7], row[col], "run {run}, site {}", r[5]);
        }
    }
}

#[test]
fn a_series_has_one_row_per_instant_entity_and_variable() {
    let dir = Scratch::new();
    let f = fixture("late_event.toml");
    let f = f.to_str().unwrap();
    for (every, instants) in [("day", 11), ("tick", 241)] {
        let series = dir.path(&format!("{every}.csv"));
        let out = frontline(&[
            "run", f, "--runs", "2", "-q", "--series", &series, "--every", every,
        ]);
        assert_ok(&out);
        let text = std::fs::read_to_string(&series).unwrap();
        // 2 forces, 2 factions, 0 sites, 1 pair, at each instant of 2 runs.
        assert_eq!(text.lines().count(), 1 + 2 * instants * 5, "{every}");
        // The stance event at hour 48 applies at the start of the tick from
        // hour 48, after the sample at 48: it shows from the next one on.
        let stance: Vec<&str> = text
            .lines()
            .filter(|l| l.contains(",0,") && l.contains(",pair,red-blue,stance,"))
            .collect();
        for l in stance {
            let hours: f64 = l.split(',').nth(3).unwrap().parse().unwrap();
            let expect = if hours > 48.0 { "hostile" } else { "rival" };
            assert!(l.ends_with(expect), "{l}");
        }
    }
    // JSON lines: the same rows.
    let csv = stdout(&frontline(&["trace", f, "--series", "--run", "1"]));
    let out = frontline(&["trace", f, "--series", "--run", "1", "--format", "jsonl"]);
    assert_ok(&out);
    let jsonl = stdout(&out);
    assert_eq!(jsonl.lines().count() + 1, csv.lines().count());
    for (j, c) in jsonl.lines().zip(csv.lines().skip(1)) {
        let v: serde_json::Value = serde_json::from_str(j).unwrap();
        let fields: Vec<String> = [
            "scenario", "seed", "run", "hours", "entity", "id", "variable", "value",
        ]
        .iter()
        .map(|k| match &v[*k] {
            serde_json::Value::String(s) => s.clone(),
            x => x.to_string(),
        })
        .collect();
        // JSON writes 24.0 where CSV writes 24.
        let c: Vec<String> = c
            .split(',')
            .map(|x| x.parse::<f64>().map_or(x.to_string(), |n| format!("{n:?}")))
            .collect();
        let fields: Vec<String> = fields
            .iter()
            .map(|x| x.parse::<f64>().map_or(x.clone(), |n| format!("{n:?}")))
            .collect();
        assert_eq!(fields, c);
    }
}

#[test]
fn events_after_the_horizon_are_a_warning() {
    let f = fixture("late_event.toml");
    let out = frontline(&["check", f.to_str().unwrap()]);
    assert_ok(&out);
    assert!(
        stdout(&out).contains("1 scheduled event\n"),
        "{}",
        stdout(&out)
    );
    insta::assert_snapshot!(stderr(&out));
    // run says so once, unless -q; the run ignores the events.
    let out = frontline(&["run", f.to_str().unwrap(), "--runs", "5"]);
    assert_ok(&out);
    assert_eq!(
        stderr(&out).matches("warning: ").count(),
        2,
        "{}",
        stderr(&out)
    );
    let out = frontline(&["run", f.to_str().unwrap(), "--runs", "5", "-q"]);
    assert_eq!(stderr(&out), "");
}

#[test]
fn a_sweep_over_the_horizon_runs_past_late_events() {
    let f = fixture("late_event.toml");
    let out = frontline(&[
        "sweep",
        f.to_str().unwrap(),
        "--set",
        "scenario.horizon_days=1,5,11,15",
        "--runs",
        "20",
        "--format",
        "csv",
    ]);
    assert_ok(&out);
    let err = stderr(&out);
    // Point 1 (1 day) ignores all three events, point 2 (5 days) two,
    // point 3 (11 days) one, point 4 none.
    for (point, n) in [(1, 3), (2, 2), (3, 1), (4, 0)] {
        assert_eq!(
            err.matches(&format!("(point {point} of the sweep)"))
                .count(),
            n,
            "{err}"
        );
    }
}

#[test]
fn series_flags_are_checked() {
    let out = frontline(&["run", "--runs", "1", "--every", "tick"]);
    assert_fails(&out, 2, "--series");
    let out = frontline(&["trace", "--every", "tick"]);
    assert_fails(&out, 2, "--series");
    let out = frontline(&["trace", "--series", "--format", "text"]);
    assert_fails(&out, 2, "--series prints `csv` or `jsonl`");
    let out = frontline(&["trace", "--format", "csv"]);
    assert_fails(&out, 2, "--format csv is for --series");
    let out = frontline(&["trace", "--series", "--kind", "clash"]);
    assert_fails(&out, 2, "cannot be used with");
}
