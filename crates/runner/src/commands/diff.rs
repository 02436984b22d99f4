//! `frontline diff`: are two result files (or two traces) the same, and if
//! not, where do they differ and is the difference within sampling error?
//!
//! Exit codes: 0 identical, 1 different, 2 error (unreadable files, files of
//! different kinds, results of theatres with nothing in common).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::output::emit;
use crate::result::{ResultDoc, SCHEMA};
use crate::timeline::TraceEvent;

/// Arguments of `frontline diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// First file: a result (`run --format json`) or a trace (`trace --format jsonl`).
    pub a: PathBuf,
    /// Second file, of the same kind.
    pub b: PathBuf,
}

enum Doc {
    Result(Box<ResultDoc>),
    Trace(Vec<TraceEvent>),
}

fn read(path: &Path) -> anyhow::Result<(String, Doc)> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let first = text.trim_start();
    if first.starts_with('{')
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
        && v.get("schema").and_then(|s| s.as_str()) == Some(SCHEMA)
    {
        let doc: ResultDoc = serde_json::from_value(v)
            .with_context(|| format!("`{}` is not a valid result file", path.display()))?;
        return Ok((text, Doc::Result(Box::new(doc))));
    }
    if first.starts_with('{')
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(&text)
        && let Some(schema) = v.get("schema").and_then(|s| s.as_str())
    {
        anyhow::bail!(
            "`{}` is a `{schema}` document; diff compares results (`{SCHEMA}`) or traces (`trace --format jsonl`)",
            path.display()
        );
    }
    let mut events = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let e: TraceEvent = serde_json::from_str(line).with_context(|| {
            format!(
                "`{}` line {}: neither a result file nor a JSON-lines trace",
                path.display(),
                i + 1
            )
        })?;
        events.push(e);
    }
    Ok((text, Doc::Trace(events)))
}

/// `frontline diff`: prints the report; the exit code says the verdict.
pub fn diff(args: DiffArgs) -> ExitCode {
    match diff_files(&args.a, &args.b) {
        Ok((report, same)) => {
            if let Err(e) = emit(&report) {
                eprintln!("error: {e:#}");
                return ExitCode::from(2);
            }
            if same {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Compares two files; returns the report and whether they are identical.
pub fn diff_files(a: &Path, b: &Path) -> anyhow::Result<(String, bool)> {
    let (ta, da) = read(a)?;
    let (tb, db) = read(b)?;
    if ta == tb {
        return Ok(("identical\n".into(), true));
    }
    match (da, db) {
        (Doc::Result(x), Doc::Result(y)) => Ok((diff_results(&x, &y)?, false)),
        (Doc::Trace(x), Doc::Trace(y)) => Ok((diff_traces(&x, &y), false)),
        _ => anyhow::bail!(
            "`{}` and `{}` are not of the same kind (a result and a trace)",
            a.display(),
            b.display()
        ),
    }
}

fn diff_traces(a: &[TraceEvent], b: &[TraceEvent]) -> String {
    let mut o = String::new();
    match a.iter().zip(b).position(|(x, y)| x != y) {
        Some(i) => {
            let _ = writeln!(
                o,
                "traces differ first at event {} (hour {:.3}):",
                i + 1,
                a[i].hours.min(b[i].hours)
            );
            let _ = writeln!(
                o,
                "  A: {}",
                serde_json::to_string(&a[i]).unwrap_or_default()
            );
            let _ = writeln!(
                o,
                "  B: {}",
                serde_json::to_string(&b[i]).unwrap_or_default()
            );
        }
        None => {
            let _ = writeln!(
                o,
                "traces agree on their first {} events; A has {}, B has {}",
                a.len().min(b.len()),
                a.len(),
                b.len()
            );
        }
    }
    o
}

/// Whether a z statistic lies within the two-sided 95 % band.
fn verdict(z: f64) -> &'static str {
    if z.abs() <= 1.96 {
        "within sampling error"
    } else {
        "beyond sampling error"
    }
}

/// z statistic of two independent proportions.
fn z_two(p1: f64, n1: u64, p2: f64, n2: u64) -> f64 {
    let se = (p1 * (1.0 - p1) / n1.max(1) as f64 + p2 * (1.0 - p2) / n2.max(1) as f64).sqrt();
    if se == 0.0 {
        if p1 == p2 { 0.0 } else { f64::INFINITY }
    } else {
        (p2 - p1) / se
    }
}

fn diff_results(a: &ResultDoc, b: &ResultDoc) -> anyhow::Result<String> {
    let mut o = String::new();
    let _ = writeln!(o, "results differ");
    let mut inputs = Vec::new();
    if a.scenario.hash != b.scenario.hash {
        inputs.push(format!(
            "scenario hash {} vs {}",
            &a.scenario.hash[..12],
            &b.scenario.hash[..12]
        ));
    }
    if a.scenario.overrides != b.scenario.overrides {
        inputs.push(format!(
            "overrides [{}] vs [{}]",
            a.scenario.overrides.join(" "),
            b.scenario.overrides.join(" ")
        ));
    }
    if a.scenario.source != b.scenario.source {
        inputs.push(format!(
            "scenario source `{}` vs `{}`",
            a.scenario.source, b.scenario.source
        ));
    }
    if a.seed != b.seed {
        inputs.push(format!("seed {} vs {}", a.seed, b.seed));
    }
    if a.runs != b.runs {
        inputs.push(format!("runs {} vs {}", a.runs, b.runs));
    }
    if a.engine.version != b.engine.version {
        inputs.push(format!(
            "engine {} vs {}",
            a.engine.version, b.engine.version
        ));
    }
    if inputs.is_empty() {
        let _ = writeln!(
            o,
            "inputs: identical (same scenario, seed, runs and version): the results should be too"
        );
    } else {
        let _ = writeln!(o, "inputs: {}", inputs.join("; "));
    }
    let same_draws = a.seed == b.seed && a.scenario.hash == b.scenario.hash;
    let mut common = 0;
    let mut lines = Vec::new();
    for pa in &a.estimates.pairs {
        let Some(pb) = b
            .estimates
            .pairs
            .iter()
            .find(|p| (p.a == pa.a && p.b == pa.b) || (p.a == pa.b && p.b == pa.a))
        else {
            continue;
        };
        common += 1;
        for (name, x, y) in [
            ("P(incident)", &pa.incident, &pb.incident),
            ("P(clash)", &pa.clash, &pb.clash),
            ("P(engagement)", &pa.engagement, &pb.engagement),
        ] {
            if x.k == y.k && x.n == y.n {
                continue;
            }
            let z = z_two(x.p, x.n, y.p, y.n);
            lines.push(format!(
                "  {}–{} {name}: {:.4} vs {:.4} ({:+.4}, z = {:.2}, {})",
                pa.a,
                pa.b,
                x.p,
                y.p,
                y.p - x.p,
                z,
                verdict(z)
            ));
        }
        let (x, y) = (&pa.expected_clashes, &pb.expected_clashes);
        if x.mean != y.mean {
            let se = ((x.sd * x.sd) / a.runs.max(1) as f64 + (y.sd * y.sd) / b.runs.max(1) as f64)
                .sqrt();
            let z = if se > 0.0 {
                (y.mean - x.mean) / se
            } else {
                f64::INFINITY
            };
            lines.push(format!(
                "  {}–{} E[clashes]: {:.3} vs {:.3} ({:+.3}, z = {:.2}, {})",
                pa.a,
                pa.b,
                x.mean,
                y.mean,
                y.mean - x.mean,
                z,
                verdict(z)
            ));
        }
    }
    anyhow::ensure!(
        common > 0,
        "the two results share no faction pair: they are not results of the same theatre"
    );
    let only = |x: &ResultDoc, y: &ResultDoc| -> Vec<String> {
        x.estimates
            .pairs
            .iter()
            .filter(|p| {
                !y.estimates
                    .pairs
                    .iter()
                    .any(|q| (q.a == p.a && q.b == p.b) || (q.a == p.b && q.b == p.a))
            })
            .map(|p| format!("{}–{}", p.a, p.b))
            .collect()
    };
    for (who, list) in [("A", only(a, b)), ("B", only(b, a))] {
        if !list.is_empty() {
            let _ = writeln!(o, "pairs only in {who}: {}", list.join(", "));
        }
    }
    if lines.is_empty() {
        let _ = writeln!(o, "headline estimates: identical counts");
    } else {
        let _ = writeln!(o, "headline estimates that differ:");
        for l in lines {
            let _ = writeln!(o, "{l}");
        }
    }
    if same_draws && a.runs != b.runs {
        let _ = writeln!(
            o,
            "note: same scenario and seed, so the smaller result's runs are part of the larger; the z values treat them as independent and are conservative"
        );
    }
    if a.statistics != b.statistics && inputs.is_empty() {
        let _ = writeln!(
            o,
            "warning: identical inputs gave different statistics: this should not happen"
        );
    }
    Ok(o)
}
