//! `frontline check` on good and bad files, through the real binary.

mod common;

use common::{assert_ok, fixture, frontline, root, stderr, stdout};

#[test]
fn every_shipped_scenario_passes_check() {
    let dir = root().join("scenarios");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".toml") || p.ends_with(".json"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{files:?}");
    let args: Vec<&str> = std::iter::once("check")
        .chain(files.iter().map(String::as_str))
        .collect();
    let out = frontline(&args);
    assert_ok(&out);
    assert_eq!(stdout(&out).matches(": ok — ").count(), files.len());
}

#[test]
fn the_reference_scenario_has_a_contact_line_over_100_km() {
    let out = frontline(&["check", "scenarios/raqqa-2017.toml"]);
    assert!(out.status.success());
    let text = stdout(&out);
    let km: f64 = text
        .split(" of ")
        .nth(1)
        .and_then(|s| s.split(" km").next())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| panic!("no length in {text}"));
    assert!(km > 100.0, "{km}");
    assert!(text.contains("horizon 30 days from 2017-06-13, 720 ticks of 1 h"));
}

fn check_error(name: &str) -> String {
    let out = frontline(&["check", fixture(name).to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{name} should fail");
    stderr(&out)
}

#[test]
fn syntax_error_shows_line_column_and_caret() {
    insta::assert_snapshot!(check_error("syntax.toml"));
}

#[test]
fn unknown_key_is_an_error() {
    insta::assert_snapshot!(check_error("unknown_key.toml"));
}

#[test]
fn wrong_type_is_an_error() {
    insta::assert_snapshot!(check_error("wrong_type.toml"));
}

#[test]
fn every_semantic_error_is_listed() {
    insta::assert_snapshot!(check_error("semantic.toml"));
}

#[test]
fn bad_reinforcement_windows_are_located() {
    insta::assert_snapshot!(check_error("windows.toml"));
}

#[test]
fn absurd_sizes_are_refused() {
    insta::assert_snapshot!(check_error("absurd.toml"));
    insta::assert_snapshot!(check_error("absurd_ticks.toml"));
}

#[test]
fn json_errors_have_locations_too() {
    insta::assert_snapshot!(check_error("broken.json"));
    insta::assert_snapshot!(check_error("semantic.json"));
}

#[test]
fn unreadable_inputs_get_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bytes.toml");
    std::fs::write(&bin, [0x5b, 0xff, 0xfe, 0x00, 0x80]).unwrap();
    let missing = dir.path().join("missing.toml");
    let out = frontline(&[
        "check",
        bin.to_str().unwrap(),
        missing.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out).replace(&dir.path().display().to_string(), "TMP");
    insta::assert_snapshot!(err);
}

#[test]
fn good_and_bad_files_together() {
    let out = frontline(&[
        "check",
        "scenarios/minimal.toml",
        fixture("unknown_key.toml").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("scenarios/minimal.toml: ok"));
    assert!(stderr(&out).contains("1 of 2 files are invalid"));
}
