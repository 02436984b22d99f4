//! `run --shard` and `merge` through the real binary: the merged result is
//! byte-identical to a single run, and parts that do not belong together
//! are refused.

mod common;

use common::{assert_ok, assert_stderr_has, frontline, stderr, stdout};

#[test]
fn merged_shards_equal_a_single_run_and_mixtures_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    let scenario = "scenarios/two-faction-line.toml";
    for k in 0..3 {
        let shard = format!("{k}/3");
        let out = frontline(&[
            "run",
            scenario,
            "--runs",
            "450",
            "--seed",
            "5",
            "--shard",
            &shard,
            "--out",
            &p(&format!("part-{k}.json")),
            "-j",
            if k == 1 { "1" } else { "2" },
        ]);
        assert_ok(&out);
    }
    let merged = frontline(&[
        "merge",
        &p("part-2.json"),
        &p("part-0.json"),
        &p("part-1.json"),
    ]);
    assert_ok(&merged);
    let local = frontline(&[
        "run", scenario, "--runs", "450", "--seed", "5", "--format", "json", "-q",
    ]);
    assert_eq!(stdout(&merged), stdout(&local), "byte-identical");

    let missing = frontline(&["merge", &p("part-0.json"), &p("part-2.json")]);
    assert_eq!(missing.status.code(), Some(1));
    assert_stderr_has(&missing, "1 of 3 shards missing: 1");

    let twice = frontline(&[
        "merge",
        &p("part-0.json"),
        &p("part-0.json"),
        &p("part-1.json"),
    ]);
    assert_stderr_has(&twice, "shard 0/3 is given twice");

    let other = frontline(&[
        "run",
        scenario,
        "--runs",
        "450",
        "--seed",
        "6",
        "--shard",
        "1/3",
        "--out",
        &p("other-1.json"),
    ]);
    assert!(other.status.success());
    let mixed = frontline(&[
        "merge",
        &p("part-0.json"),
        &p("other-1.json"),
        &p("part-2.json"),
    ]);
    assert_eq!(mixed.status.code(), Some(1));
    assert_stderr_has(&mixed, "seed differs");

    let edited = frontline(&[
        "run",
        scenario,
        "--runs",
        "450",
        "--seed",
        "5",
        "--shard",
        "1/3",
        "--out",
        &p("edit-1.json"),
        "--set",
        "relation.blue:red.deconfliction=0.9",
    ]);
    assert!(edited.status.success());
    let mixed = frontline(&[
        "merge",
        &p("part-0.json"),
        &p("edit-1.json"),
        &p("part-2.json"),
    ]);
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
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).display().to_string();
    let scenario = "scenarios/zone-incursion.toml";
    for k in 0..2 {
        let out = frontline(&[
            "run",
            scenario,
            "--runs",
            "40",
            "--shard",
            &format!("{k}/2"),
            "--out",
            &p(&format!("part-{k}.json")),
        ]);
        assert_ok(&out);
    }
    let original: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(p("part-1.json")).unwrap()).unwrap();
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
        std::fs::write(p("edited.json"), v.to_string()).unwrap();
        let out = if expected.starts_with("at most") {
            frontline(&["merge", &p("edited.json")])
        } else {
            frontline(&["merge", &p("part-0.json"), &p("edited.json")])
        };
        assert_eq!(out.status.code(), Some(1), "{expected}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(expected),
            "{expected}: {}",
            stderr(&out)
        );
    }
    // The untouched parts still merge.
    let ok = frontline(&["merge", &p("part-0.json"), &p("part-1.json")]);
    assert_ok(&ok);
}
