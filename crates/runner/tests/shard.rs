//! `run --shard` and `merge` through the real binary: the merged result is
//! byte-identical to a single run, and parts that do not belong together
//! are refused.

mod common;

use std::process::Output;

use common::{Scratch, assert_fails, assert_ok, assert_stderr_has, frontline, stdout};

/// `run SCENARIO --runs RUNS --shard SHARD --out DIR/OUT` with `extra`.
fn shard(
    dir: &Scratch,
    scenario: &str,
    runs: &str,
    shard: &str,
    out: &str,
    extra: &[&str],
) -> Output {
    let out = dir.path(out);
    let mut args = vec![
        "run", scenario, "--runs", runs, "--shard", shard, "--out", &out,
    ];
    args.extend_from_slice(extra);
    frontline(&args)
}

/// `merge` of the files `parts` of `dir`.
fn merge(dir: &Scratch, parts: &[&str]) -> Output {
    let paths: Vec<String> = parts.iter().map(|n| dir.path(n)).collect();
    let mut args = vec!["merge"];
    args.extend(paths.iter().map(String::as_str));
    frontline(&args)
}

#[test]
fn merged_shards_equal_a_single_run_and_mixtures_are_refused() {
    let dir = Scratch::new();
    let scenario = "scenarios/two-faction-line.toml";
    for k in 0..3 {
        let threads = if k == 1 { "1" } else { "2" };
        let out = shard(
            &dir,
            scenario,
            "450",
            &format!("{k}/3"),
            &format!("part-{k}.json"),
            &["--seed", "5", "-j", threads],
        );
        assert_ok(&out);
    }
    let merged = merge(&dir, &["part-2.json", "part-0.json", "part-1.json"]);
    assert_ok(&merged);
    let local = frontline(&[
        "run", scenario, "--runs", "450", "--seed", "5", "--format", "json", "-q",
    ]);
    assert_eq!(stdout(&merged), stdout(&local), "byte-identical");

    let missing = merge(&dir, &["part-0.json", "part-2.json"]);
    assert_fails(&missing, 1, "1 of 3 shards missing: 1");

    let twice = merge(&dir, &["part-0.json", "part-0.json", "part-1.json"]);
    assert_stderr_has(&twice, "shard 0/3 is given twice");

    let other = shard(
        &dir,
        scenario,
        "450",
        "1/3",
        "other-1.json",
        &["--seed", "6"],
    );
    assert!(other.status.success());
    let mixed = merge(&dir, &["part-0.json", "other-1.json", "part-2.json"]);
    assert_fails(&mixed, 1, "seed differs");

    let edited = shard(
        &dir,
        scenario,
        "450",
        "1/3",
        "edit-1.json",
        &[
            "--seed",
            "5",
            "--set",
            "relation.blue:red.deconfliction=0.9",
        ],
    );
    assert!(edited.status.success());
    let mixed = merge(&dir, &["part-0.json", "edit-1.json", "part-2.json"]);
    assert_stderr_has(&mixed, "scenario hash differs");

    let bad = frontline(&["run", "--shard", "3/3"]);
    assert_eq!(bad.status.code(), Some(2));
    let bad = frontline(&["run", "--shard", "0/2", "--until-precision", "0.1"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// A partial file is input: edited numbers are refused with a message, not
/// merged into nonsense and never a panic.
#[test]
fn tampered_partials_are_refused() {
    let dir = Scratch::new();
    let scenario = "scenarios/zone-incursion.toml";
    for k in 0..2 {
        let part = format!("part-{k}.json");
        assert_ok(&shard(&dir, scenario, "40", &format!("{k}/2"), &part, &[]));
    }
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path("part-1.json")).unwrap()).unwrap();
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit); 6] = [
        ("is not a valid shard", |v| v["shard"]["index"] = 7.into()),
        // Merged alone, so that it is not refused for differing from part 0.
        ("at most 1000000000 are supported", |v| {
            v["total_runs"] = 2_000_000_000u64.into()
        }),
        ("another shape", |v| {
            v["statistics"]["zones"].as_array_mut().unwrap().pop();
        }),
        ("more than the", |v| {
            v["statistics"]["pairs"][0]["runs_clash"] = 1000.into()
        }),
        ("sums beyond what", |v| {
            v["statistics"]["pairs"][0]["incidents"]["sum"] = i64::MAX.into();
        }),
        ("do not add up", |v| {
            let row = &mut v["statistics"]["site_owner_end"][0][0];
            *row = (row.as_u64().unwrap() + 1).into();
        }),
    ];
    for (expected, edit) in cases {
        let mut v = original.clone();
        edit(&mut v);
        std::fs::write(dir.path("edited.json"), v.to_string()).unwrap();
        let out = if expected.starts_with("at most") {
            merge(&dir, &["edited.json"])
        } else {
            merge(&dir, &["part-0.json", "edited.json"])
        };
        assert_fails(&out, 1, expected);
    }
    // The untouched parts still merge.
    assert_ok(&merge(&dir, &["part-0.json", "part-1.json"]));
}
