//! The time series of runs as tidy data: one row per (run, instant, entity,
//! variable), as CSV (`run --series FILE`, `trace --series --format csv`)
//! or JSON lines (`trace --series --format jsonl`).
//!
//! Columns: `scenario` (the first 12 hex digits of the scenario's content
//! hash), `seed`, `run`, `hours`, `entity` (`force`, `faction`, `site`,
//! `pair`), `id` (force, faction or site id, `A-B` for a pair), `variable`
//! (`strength` of a force or faction, `owner` of a site, `stance` of a
//! pair) and `value` (personnel; a faction id or `none`; a stance). Within
//! a run the rows go by instant, then forces, factions, sites and pairs in
//! the order of the scenario. The sampling itself is
//! `frontline_sim::series` (docs/model.md §10.5).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context;
use frontline_sim::series::{Every, Series};
use frontline_sim::theatre::Theatre;

use crate::replicate::SeriesSink;

/// How often to sample, on the command line (`--every`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EveryArg {
    /// At the start and at the end of every day.
    Day,
    /// At the start and after every tick.
    Tick,
}

impl From<EveryArg> for Every {
    fn from(e: EveryArg) -> Every {
        match e {
            EveryArg::Day => Every::Day,
            EveryArg::Tick => Every::Tick,
        }
    }
}

/// The header of the CSV.
pub const HEADER: &str = "scenario,seed,run,hours,entity,id,variable,value";

/// A value of a row.
enum Value<'a> {
    Number(f64),
    Text(&'a str),
}

/// What identifies the rows of a scenario: its ids and its hash.
pub struct Names {
    scenario: String,
    forces: Vec<String>,
    factions: Vec<String>,
    sites: Vec<String>,
    pairs: Vec<String>,
    csv: CsvNames,
}

/// The `entity,id` fields of every entity and the owner fields, quoted
/// for CSV where they must be, once for all rows.
struct CsvNames {
    forces: Vec<String>,
    factions: Vec<String>,
    sites: Vec<String>,
    pairs: Vec<String>,
    owners: Vec<String>,
}

/// Writes a number and ends the row: as `{x}` would, whole numbers (the
/// strengths of stochastic combat) by the faster integer formatting.
fn number(out: &mut String, x: f64) {
    if x.fract() == 0.0 && x.abs() < 1e15 && !(x == 0.0 && x.is_sign_negative()) {
        let _ = writeln!(out, "{}", x as i64);
    } else {
        let _ = writeln!(out, "{x}");
    }
}

impl Names {
    /// The ids of `th`, and `hash` (the scenario's content hash, hex).
    pub fn new(th: &Theatre, hash: &str) -> Self {
        let s = &th.scenario;
        let factions: Vec<String> = s.factions.iter().map(|f| f.id.clone()).collect();
        let forces: Vec<String> = th.forces.iter().map(|f| f.id.clone()).collect();
        let pairs: Vec<String> = th
            .pairs
            .iter()
            .map(|&(a, b)| format!("{}-{}", factions[a.index()], factions[b.index()]))
            .collect();
        let sites: Vec<String> = s.sites.iter().map(|x| x.id.clone()).collect();
        let quoted = |entity: &str, ids: &[String]| -> Vec<String> {
            ids.iter()
                .map(|id| format!("{entity},{}", field(id)))
                .collect()
        };
        let csv = CsvNames {
            forces: quoted("force", &forces),
            factions: quoted("faction", &factions),
            sites: quoted("site", &sites),
            pairs: quoted("pair", &pairs),
            owners: factions.iter().map(|f| field(f).into_owned()).collect(),
        };
        Self {
            scenario: hash.chars().take(12).collect(),
            forces,
            factions,
            sites,
            pairs,
            csv,
        }
    }

    /// Calls `row(hours, entity, id, variable, value)` for every row of
    /// `series`, in order.
    fn rows(&self, series: &Series, mut row: impl FnMut(f64, &str, &str, &str, Value<'_>)) {
        for (k, &h) in series.hours.iter().enumerate() {
            for (id, &x) in self.forces.iter().zip(series.strengths(k)) {
                row(h, "force", id, "strength", Value::Number(x));
            }
            for (id, &x) in self.factions.iter().zip(series.faction_strengths(k)) {
                row(h, "faction", id, "strength", Value::Number(x));
            }
            for (id, o) in self.sites.iter().zip(series.owners(k)) {
                let owner = o.map_or("none", |f| self.factions[f as usize].as_str());
                row(h, "site", id, "owner", Value::Text(owner));
            }
            for (id, &s) in self.pairs.iter().zip(series.stances(k)) {
                row(h, "pair", id, "stance", Value::Text(s.as_str()));
            }
        }
    }

    /// The CSV rows (without the header) of run `run` of seed `seed`. The
    /// same rows as [`Names::jsonl`], written without going through a
    /// closure per row: `run --series` writes millions of them.
    pub fn csv(&self, seed: u64, run: u64, series: &Series, out: &mut String) {
        let c = &self.csv;
        let mut prefix = String::new();
        for (k, &h) in series.hours.iter().enumerate() {
            prefix.clear();
            let _ = write!(prefix, "{},{seed},{run},{h},", self.scenario);
            let row = |out: &mut String, entity_id: &str, variable: &str| {
                out.push_str(&prefix);
                out.push_str(entity_id);
                out.push_str(variable);
            };
            for (id, &x) in c.forces.iter().zip(series.strengths(k)) {
                row(out, id, ",strength,");
                number(out, x);
            }
            for (id, &x) in c.factions.iter().zip(series.faction_strengths(k)) {
                row(out, id, ",strength,");
                number(out, x);
            }
            for (id, o) in c.sites.iter().zip(series.owners(k)) {
                row(out, id, ",owner,");
                out.push_str(o.map_or("none", |f| self.csv.owners[f as usize].as_str()));
                out.push('\n');
            }
            for (id, &s) in c.pairs.iter().zip(series.stances(k)) {
                row(out, id, ",stance,");
                out.push_str(s.as_str());
                out.push('\n');
            }
        }
    }

    /// The JSON lines of run `run` of seed `seed`: one object per row, with
    /// the fields of the CSV; `value` is a number or a string.
    pub fn jsonl(&self, seed: u64, run: u64, series: &Series, out: &mut String) {
        let scenario = serde_json::to_string(&self.scenario).expect("a string");
        self.rows(series, |h, entity, id, variable, value| {
            let value = match value {
                Value::Number(x) => serde_json::to_string(&x),
                Value::Text(t) => serde_json::to_string(t),
            }
            .expect("a value");
            let id = serde_json::to_string(id).expect("a string");
            let hours = serde_json::to_string(&h).expect("a number");
            let _ = writeln!(
                out,
                "{{\"scenario\":{scenario},\"seed\":{seed},\"run\":{run},\"hours\":{hours},\
                 \"entity\":\"{entity}\",\"id\":{id},\"variable\":\"{variable}\",\"value\":{value}}}"
            );
        });
    }
}

/// A CSV field, quoted when it must be (ids may hold commas or quotes).
fn field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\"")).into()
    } else {
        s.into()
    }
}

/// `run --series FILE`: streams the rows of every run to a temporary file
/// next to the target, renamed into place only when all runs completed.
pub struct SeriesCsv {
    file: std::io::BufWriter<tempfile::NamedTempFile>,
    target: PathBuf,
    names: Names,
    seed: u64,
    buf: String,
}

impl SeriesCsv {
    /// Opens the temporary file and writes the header.
    pub fn create(path: &Path, th: &Theatre, hash: &str, seed: u64) -> anyhow::Result<Self> {
        use std::io::Write as _;
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let tmp = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot create a temporary file in `{}`", dir.display()))?;
        let mut file = std::io::BufWriter::new(tmp);
        writeln!(file, "{HEADER}")?;
        Ok(Self {
            file,
            target: path.to_path_buf(),
            names: Names::new(th, hash),
            seed,
            buf: String::new(),
        })
    }

    /// Flushes and renames the file into place.
    pub fn finish(self) -> anyhow::Result<()> {
        let tmp = self
            .file
            .into_inner()
            .map_err(|e| anyhow::anyhow!("cannot write the series: {}", e.error()))?;
        crate::output::make_readable(tmp.as_file())?;
        tmp.as_file().sync_all()?;
        tmp.persist(&self.target)
            .with_context(|| format!("cannot write `{}`", self.target.display()))?;
        Ok(())
    }
}

impl SeriesSink for SeriesCsv {
    fn accept(&mut self, first_run: u64, series: &[Series]) -> anyhow::Result<()> {
        use std::io::Write as _;
        for (k, s) in series.iter().enumerate() {
            self.buf.clear();
            self.names
                .csv(self.seed, first_run + k as u64, s, &mut self.buf);
            self.file.write_all(self.buf.as_bytes())?;
        }
        Ok(())
    }
}
