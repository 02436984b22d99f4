//! `--set path=value` overrides applied to the raw scenario.
//!
//! A path names a field the way a scenario file does, with arrays of tables
//! addressed by id: `force.tiger.strength`, `site.sfaiyeh.output_per_day`,
//! `relation.saa:sdf.deconfliction` (either order), `faction.sdf.discipline`,
//! `scenario.horizon_days`, `model.friction.base_hazard_per_hour`,
//! `event.2.day` (events by 1-based position). The value is read as a TOML
//! value (`3`, `0.5`, `true`, `"text"`); a bare word is taken as a string, so
//! `relation.saa:sdf.stance=hostile` works. The result is validated like any
//! file, so an override can never produce a scenario that `check` would refuse.

use std::fmt;
use std::str::FromStr;

use frontline_sim::scenario::RawScenario;
use serde_json::Value;

/// One `path=value` override.
#[derive(Debug, Clone, PartialEq)]
pub struct Override {
    /// Dotted path.
    pub path: String,
    /// The new value.
    pub value: Value,
    /// The value as written.
    pub text: String,
}

impl FromStr for Override {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (path, text) = s
            .split_once('=')
            .ok_or_else(|| format!("expected `path=value`, found `{s}`"))?;
        let path = path.trim();
        if path.is_empty() {
            return Err(format!("expected `path=value`, found `{s}`"));
        }
        Ok(Override {
            path: path.to_string(),
            value: parse_value(text.trim())?,
            text: text.trim().to_string(),
        })
    }
}

/// Reads a value as TOML would, falling back to a bare string.
pub fn parse_value(text: &str) -> Result<Value, String> {
    if text.is_empty() {
        return Err("the value after `=` is empty".into());
    }
    match toml::from_str::<toml::Table>(&format!("v = {text}")) {
        Ok(mut t) => {
            let v = t.remove("v").expect("key v was written");
            // JSON has no NaN or infinity: they would silently become null.
            if !all_finite(&v) {
                return Err(format!(
                    "value `{text}` is not a finite number (nan and inf are not allowed)"
                ));
            }
            serde_json::to_value(v).map_err(|e| format!("value `{text}`: {e}"))
        }
        Err(_) => Ok(Value::String(text.to_string())),
    }
}

/// Whether every float inside `v` is finite.
fn all_finite(v: &toml::Value) -> bool {
    match v {
        toml::Value::Float(x) => x.is_finite(),
        toml::Value::Array(a) => a.iter().all(all_finite),
        toml::Value::Table(t) => t.values().all(all_finite),
        _ => true,
    }
}

/// An override that does not fit the scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct OverrideError {
    /// The path as given.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for OverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "--set `{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for OverrideError {}

/// Applies overrides in order and returns the new raw scenario.
pub fn apply_overrides(
    raw: &RawScenario,
    overrides: &[Override],
) -> Result<RawScenario, OverrideError> {
    let mut doc = serde_json::to_value(raw).expect("raw scenarios serialize");
    for o in overrides {
        let err = |message: String| OverrideError {
            path: o.path.clone(),
            message,
        };
        let slot = locate(&mut doc, &o.path).map_err(err)?;
        if slot.is_object() || slot.is_array() && !o.value.is_array() {
            return Err(err("names a table, not a value".into()));
        }
        *slot = o.value.clone();
        // Check the type now, so that the error names this override.
        serde_json::from_value::<RawScenario>(doc.clone())
            .map_err(|e| err(format!("value `{}` does not fit: {e}", o.text)))?;
    }
    Ok(serde_json::from_value(doc).expect("checked above"))
}

const ARRAYS: [(&str, &str); 6] = [
    ("faction", "faction"),
    ("force", "force"),
    ("site", "site"),
    ("zone", "zone"),
    ("contact_line", "contact_line"),
    ("relation", "relation"),
];

fn locate<'a>(doc: &'a mut Value, path: &str) -> Result<&'a mut Value, String> {
    let parts: Vec<&str> = path.split('.').collect();
    let (head, rest) = parts.split_first().expect("split yields one part");
    let mut cur: &mut Value;
    let tail: &[&str];
    if ARRAYS.iter().any(|(k, _)| k == head) || *head == "event" {
        let Some((sel, more)) = rest.split_first() else {
            return Err(format!("`{head}` needs an id, e.g. `{head}.ID.field`"));
        };
        let list = doc
            .get_mut(*head)
            .and_then(Value::as_array_mut)
            .ok_or_else(|| format!("the scenario has no `{head}` entries"))?;
        let idx = select(list, head, sel)?;
        cur = &mut list[idx];
        tail = more;
    } else {
        cur = doc;
        tail = &parts;
    }
    if tail.is_empty() {
        return Err("names a table, not a value".into());
    }
    for key in tail {
        let obj = cur
            .as_object_mut()
            .ok_or_else(|| format!("`{key}` is below a value, not a table"))?;
        if !obj.contains_key(*key) {
            let mut keys: Vec<&String> = obj.keys().collect();
            keys.sort();
            let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            return Err(format!(
                "unknown key `{key}`; expected one of {}",
                keys.join(", ")
            ));
        }
        cur = obj.get_mut(*key).expect("checked");
    }
    Ok(cur)
}

fn select(list: &[Value], head: &str, sel: &str) -> Result<usize, String> {
    if head == "event" {
        let n: usize = sel
            .parse()
            .map_err(|_| format!("events are addressed by number (1-based), found `{sel}`"))?;
        return if (1..=list.len()).contains(&n) {
            Ok(n - 1)
        } else {
            Err(format!(
                "there is no event #{n} (the scenario has {})",
                list.len()
            ))
        };
    }
    if head == "relation" {
        let (a, b) = sel
            .split_once(':')
            .ok_or_else(|| format!("relations are addressed as `A:B`, found `{sel}`"))?;
        return list
            .iter()
            .position(|r| {
                let bw = &r["between"];
                (bw[0] == a && bw[1] == b) || (bw[0] == b && bw[1] == a)
            })
            .ok_or_else(|| format!("no relation between `{a}` and `{b}` is listed"));
    }
    list.iter()
        .position(|e| e["id"] == sel)
        .ok_or_else(|| format!("no {head} has id `{sel}`"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_like_toml() {
        assert_eq!(parse_value("3").unwrap(), Value::from(3));
        assert_eq!(parse_value("0.5").unwrap(), Value::from(0.5));
        assert_eq!(parse_value("rival").unwrap(), Value::from("rival"));
        assert_eq!(parse_value("\"a b\"").unwrap(), Value::from("a b"));
        assert!(parse_value("").is_err());
        assert!("nopath".parse::<Override>().is_err());
    }

    #[test]
    fn non_finite_values_are_refused_not_turned_into_null() {
        for v in [
            "nan",
            "inf",
            "-inf",
            "+nan",
            "[1.0, nan]",
            "{ x_km = inf, y_km = 0 }",
        ] {
            let e = parse_value(v).unwrap_err();
            assert!(e.contains("not a finite number"), "{v}: {e}");
        }
        assert_eq!(
            parse_value("[1.0, 2]").unwrap(),
            serde_json::json!([1.0, 2])
        );
    }
}
