//! docs/architecture.md stays true: its layer tables list every module of
//! frontline-sim and frontline-runner once, imports point to the same layer
//! or lower, there is no import cycle, and no command imports another.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The modules of each layer under the heading `### {heading}`: the
/// backticked names of the third column of the table that follows.
fn layers(doc: &str, heading: &str) -> Vec<Vec<String>> {
    let start = doc
        .find(&format!("### {heading}"))
        .unwrap_or_else(|| panic!("docs/architecture.md has no `### {heading}`"));
    let mut out = Vec::new();
    for line in doc[start..].lines().skip(1) {
        let line = line.trim();
        if line.is_empty() && !out.is_empty() {
            break;
        }
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        // | layer | name | modules | what |  → ["", layer, name, modules, what, ""]
        if cells.len() < 5 || cells[1].parse::<u32>().is_err() {
            continue;
        }
        out.push(
            cells[3]
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect(),
        );
    }
    assert!(!out.is_empty(), "no layer table under `### {heading}`");
    out
}

/// Every `.rs` file under `dir`, recursively.
fn sources(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).expect("readable source folder") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(sources(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// The code of a file that the library compiles: comments, unit-test
/// modules and test files left out.
fn library_code(path: &Path) -> String {
    if path.file_name().is_some_and(|n| n == "tests.rs") {
        return String::new();
    }
    let text = fs::read_to_string(path).expect("readable source");
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules named after `crate::` in `code`, including those
/// of a group (`crate::{a, b::c}`).
fn imports(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut at_item = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => at_item = true,
                    c if c.is_whitespace() => {}
                    _ if at_item => {
                        out.insert(ident(&group[j..]));
                        at_item = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.insert(ident(rest));
        }
    }
    out.remove("");
    out
}

/// For each top-level module of the crate at `src`, the modules it imports.
fn graph(src: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in sources(src) {
        let rel = file.strip_prefix(src).expect("under src");
        let first = rel.components().next().expect("non-empty path");
        let top = first
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if ["lib", "main", "testing"].contains(&top.as_str()) {
            continue;
        }
        let deps = g.entry(top.clone()).or_default();
        deps.extend(
            imports(&library_code(&file))
                .into_iter()
                .filter(|m| *m != top),
        );
    }
    g
}

/// A cycle of `g`, if it has one.
fn cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        g: &BTreeMap<String, BTreeSet<String>>,
        v: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == v) {
            return Some(path[i..].to_vec());
        }
        if done.contains(v) {
            return None;
        }
        path.push(v.to_string());
        for w in g.get(v).into_iter().flatten() {
            if let Some(c) = visit(g, w, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(v.to_string());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|v| visit(g, v, &mut Vec::new(), &mut done))
}

fn check_crate(heading: &str, src: &Path) {
    let doc =
        fs::read_to_string(root().join("docs/architecture.md")).expect("docs/architecture.md");
    let layers = layers(&doc, heading);
    let mut layer_of = BTreeMap::new();
    for (k, mods) in layers.iter().enumerate() {
        for m in mods {
            assert!(
                layer_of.insert(m.clone(), k).is_none(),
                "{heading}: `{m}` is listed twice"
            );
        }
    }
    let g = graph(src);
    let listed: BTreeSet<_> = layer_of.keys().cloned().collect();
    let actual: BTreeSet<_> = g.keys().cloned().collect();
    assert_eq!(
        listed,
        actual,
        "{heading}: the modules listed differ from the modules in {}",
        src.display()
    );
    for (m, deps) in &g {
        for d in deps {
            let Some(&ld) = layer_of.get(d) else {
                continue; // `crate::` in a string or a macro path, not a module
            };
            assert!(
                ld <= layer_of[m],
                "{heading}: `{m}` (layer {}) imports `{d}` (layer {})",
                layer_of[m] + 1,
                ld + 1
            );
        }
    }
    assert_eq!(cycle(&g), None, "{heading}: import cycle");
}

#[test]
fn the_sim_layers_are_as_documented() {
    check_crate("Layers of frontline-sim", &root().join("crates/sim/src"));
}

#[test]
fn the_runner_layers_are_as_documented() {
    check_crate(
        "Layers of frontline-runner",
        &root().join("crates/runner/src"),
    );
}

#[test]
fn commands_never_import_each_other() {
    let dir = root().join("crates/runner/src/commands");
    let commands: Vec<String> = sources(&dir)
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().to_string()))
        .filter(|s| s != "mod")
        .collect();
    assert!(commands.len() >= 8, "commands: {commands:?}");
    for file in sources(&dir) {
        let name = file
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .to_string();
        if name == "mod" {
            continue;
        }
        let code = library_code(&file);
        for other in commands.iter().filter(|c| **c != name) {
            for spelling in [format!("commands::{other}"), format!("super::{other}")] {
                assert!(
                    !code.contains(&spelling),
                    "commands/{name}.rs imports `{spelling}`"
                );
            }
        }
    }
}

#[test]
fn the_import_scanner_sees_groups_and_cycles() {
    let seen =
        imports("use crate::a::X;\nuse crate::{b::{Y, Z}, c, d::W};\nlet _ = crate::e::f();");
    let expect: BTreeSet<String> = ["a", "b", "c", "d", "e"].map(String::from).into();
    assert_eq!(seen, expect);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.insert("x".into(), ["y".to_string()].into());
    g.insert("y".into(), ["z".to_string()].into());
    g.insert("z".into(), BTreeSet::new());
    assert_eq!(cycle(&g), None);
    g.insert("z".into(), ["x".to_string()].into());
    assert_eq!(cycle(&g).map(|c| c.len()), Some(3));
}
