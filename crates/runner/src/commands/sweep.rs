//! `frontline sweep`: the headline risks over a grid or a Latin hypercube of
//! parameter values, every point under common random numbers.
//!
//! `--set path=v1,v2,...` gives the values of one parameter; several `--set`
//! make the full factorial grid. With `--design lhs --samples N`, each
//! `--set path=lo..hi` is a range and the N points form a Latin hypercube:
//! each range is cut into N equal strata, each stratum is used exactly once
//! per parameter, the strata of different parameters are matched by random
//! permutations, and the value is drawn uniformly within its stratum (McKay,
//! Beckman & Conover 1979; the design is seeded by `--seed`, so it is
//! reproducible). Every point plays runs 0..N of the same master seed, so the
//! differences between points are not blurred by different draws.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use frontline_sim::theatre::Theatre;

use crate::design::{Design, Point, design};
use crate::estimate::estimate;
use crate::interrupt::{STOP, install_ctrlc};
use crate::load::load;
use crate::output::{OutFormat, check_writable, emit, emit_to, write_atomic};
use crate::overrides::{Override, parse_value};
use crate::replicate::{Finish, MAX_RUNS, Replicator, default_threads};

/// Arguments of `frontline sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (default: the embedded reference scenario).
    pub scenario: Option<PathBuf>,
    /// `path=v1,v2,...` (grid) or `path=lo..hi` (lhs); repeatable.
    #[arg(long = "set", value_name = "PATH=VALUES", required = true)]
    pub set: Vec<String>,
    /// Design of the sweep.
    #[arg(long, value_enum, default_value_t = Design::Grid)]
    pub design: Design,
    /// Points of a Latin hypercube.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(2..=10_000))]
    pub samples: u32,
    /// Runs per point.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=MAX_RUNS))]
    pub runs: u64,
    /// Master seed (shared by every point).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (the results do not depend on it).
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Output format (default: table, or by the extension of --out).
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
    /// Write the output to this file (atomically).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also draw P(clash) per point with intervals as an SVG chart.
    #[arg(long, value_name = "FILE.svg")]
    pub chart: Option<PathBuf>,
}

/// `frontline sweep`.
pub fn sweep(args: SweepArgs) -> anyhow::Result<ExitCode> {
    let points = design(&args.set, args.design, args.samples, args.seed)?;
    if let Some(p) = &args.out {
        check_writable(p, "--out")?;
    }
    let threads = args.threads.map_or_else(default_threads, usize::from);
    // Every point is validated before any is played.
    let mut theatres = Vec::with_capacity(points.len());
    for (k, values) in points.iter().enumerate() {
        let overrides: Vec<Override> = values
            .iter()
            .map(|(p, v)| {
                Ok(Override {
                    path: p.clone(),
                    value: parse_value(v).map_err(|e| anyhow::anyhow!(e))?,
                    text: v.clone(),
                })
            })
            .collect::<anyhow::Result<_>>()?;
        let loaded = load(args.scenario.as_deref(), &overrides)
            .with_context(|| format!("point {} of the sweep", k + 1))?;
        for w in crate::load::warnings(&loaded).lines() {
            eprintln!("{w} (point {} of the sweep)", k + 1);
        }
        theatres.push(Arc::new(Theatre::new(loaded.scenario)));
    }
    install_ctrlc();
    let mut results = Vec::new();
    for (k, (values, th)) in points.iter().zip(theatres).enumerate() {
        let rep = Replicator::new(Arc::clone(&th), threads)?;
        let stats = match rep.run(args.seed, 0..args.runs, None, &|_| {}, &STOP)? {
            Finish::Complete(s) => s,
            Finish::Interrupted { .. } => {
                eprintln!(
                    "interrupted at point {} of {}; no result written",
                    k + 1,
                    points.len()
                );
                return Ok(ExitCode::from(130));
            }
        };
        let e = estimate(&th, &stats);
        results.push(Point {
            values: values.clone(),
            pairs: e
                .pairs
                .iter()
                .map(|p| {
                    (
                        format!("{}:{}", p.a, p.b),
                        p.incident,
                        p.clash,
                        p.expected_clashes.mean,
                    )
                })
                .collect(),
        });
    }
    let format = args.format.unwrap_or(match &args.out {
        Some(p) if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv")) => OutFormat::Csv,
        Some(p)
            if p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json")) =>
        {
            OutFormat::Json
        }
        _ => OutFormat::Table,
    });
    let text = match format {
        OutFormat::Table => table(&results, args.runs, args.seed),
        OutFormat::Csv => csv(&results)?,
        OutFormat::Json => serde_json::to_string_pretty(&results)? + "\n",
    };
    if let Some(p) = &args.chart {
        write_atomic(p, crate::report::charts::sweep_svg(&results)?.as_bytes())?;
    }
    emit_to(args.out.as_deref(), &text)?;
    if args.out.is_some() {
        emit(&table(&results, args.runs, args.seed))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn table(points: &[Point], runs: u64, seed: u64) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} points × {runs} runs, seed {seed} (common random numbers across points)",
        points.len()
    );
    // The pairs with any clash in any point, most at risk first.
    let Some(first) = points.first() else {
        return o;
    };
    let mut pairs: Vec<usize> = (0..first.pairs.len())
        .filter(|&i| points.iter().any(|p| p.pairs[i].2.k > 0))
        .collect();
    pairs.sort_by_key(|&i| std::cmp::Reverse(points.iter().map(|p| p.pairs[i].2.k).sum::<u64>()));
    pairs.truncate(4);
    let mut head = String::new();
    for (path, _) in &first.values {
        let _ = write!(head, "{path:>28} ");
    }
    for &i in &pairs {
        let _ = write!(head, "{:>24} ", format!("P(clash) {}", first.pairs[i].0));
    }
    let _ = writeln!(o, "{}", head.trim_end());
    for p in points {
        let mut line = String::new();
        for (_, v) in &p.values {
            let _ = write!(line, "{v:>28} ");
        }
        for &i in &pairs {
            let c = &p.pairs[i].2;
            let _ = write!(
                line,
                "{:>24} ",
                format!(
                    "{:.1}% [{:.1}, {:.1}]",
                    100.0 * c.p,
                    100.0 * c.lo,
                    100.0 * c.hi
                )
            );
        }
        let _ = writeln!(o, "{}", line.trim_end());
    }
    o
}

fn csv(points: &[Point]) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let Some(first) = points.first() else {
        return Ok(String::new());
    };
    let mut header = vec!["point".to_string()];
    header.extend(first.values.iter().map(|(p, _)| p.clone()));
    header.extend(["pair", "metric", "estimate", "lo", "hi"].map(String::from));
    w.write_record(&header)?;
    for (k, p) in points.iter().enumerate() {
        for (pair, inc, clash, expected) in &p.pairs {
            for (metric, est, lo, hi) in [
                ("p_incident", inc.p, inc.lo, inc.hi),
                ("p_clash", clash.p, clash.lo, clash.hi),
                ("expected_clashes", *expected, f64::NAN, f64::NAN),
            ] {
                let mut rec = vec![(k + 1).to_string()];
                rec.extend(p.values.iter().map(|(_, v)| v.clone()));
                rec.push(pair.clone());
                rec.push(metric.into());
                rec.push(est.to_string());
                rec.push(if lo.is_nan() {
                    String::new()
                } else {
                    lo.to_string()
                });
                rec.push(if hi.is_nan() {
                    String::new()
                } else {
                    hi.to_string()
                });
                w.write_record(&rec)?;
            }
        }
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_is_the_full_factorial() {
        let p = design(&["a=1,2,3".into(), "b=x,y".into()], Design::Grid, 0, 1).unwrap();
        assert_eq!(p.len(), 6);
        assert_eq!(
            p[0],
            vec![("a".into(), "1".into()), ("b".into(), "x".into())]
        );
        assert_eq!(
            p[5],
            vec![("a".into(), "3".into()), ("b".into(), "y".into())]
        );
    }

    #[test]
    fn lhs_uses_every_stratum_once_per_parameter() {
        let n = 20;
        let p = design(&["a=0..1".into(), "b=10..30".into()], Design::Lhs, n, 7).unwrap();
        assert_eq!(p.len(), n as usize);
        for (dim, (lo, hi)) in [(0usize, (0.0, 1.0)), (1, (10.0, 30.0))] {
            let mut strata: Vec<usize> = p
                .iter()
                .map(|pt| {
                    let v: f64 = pt[dim].1.parse().unwrap();
                    (((v - lo) / (hi - lo)) * n as f64).floor() as usize
                })
                .collect();
            strata.sort_unstable();
            assert_eq!(strata, (0..n as usize).collect::<Vec<_>>());
        }
        assert_eq!(
            p,
            design(&["a=0..1".into(), "b=10..30".into()], Design::Lhs, n, 7).unwrap()
        );
    }
}
