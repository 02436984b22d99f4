//! `frontline run`: Monte Carlo replication of a scenario and its estimates.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use frontline_sim::series::Every;
use frontline_sim::theatre::Theatre;
use indicatif::{ProgressBar, ProgressStyle};

use crate::interrupt::{STOP, install_ctrlc};
use crate::load::{load, warnings};
use crate::output::{OutFormat, check_writable, emit, emit_to};
use crate::overrides::Override;
use crate::replicate::{Finish, MAX_RUNS, Replicator, default_threads};
use crate::result::{ResultDoc, csv, table};
use crate::rows::RowsCsv;
use crate::series::{EveryArg, SeriesCsv};
use crate::shard::{PartialDoc, Shard};
use crate::stats::Stats;

/// Arguments of `frontline run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML, or JSON by extension). Default: the embedded
    /// Raqqa June 2017 reference scenario.
    pub scenario: Option<PathBuf>,
    /// Number of runs.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=MAX_RUNS))]
    pub runs: u64,
    /// Master seed: run i draws from ChaCha8 seeded from it on stream i.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores). The results do not depend on it.
    #[arg(long, short = 'j', value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub threads: Option<u16>,
    /// Override a scenario value, e.g. `relation.saa:sdf.deconfliction=0.8`
    /// (repeatable; validated like the file).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Output format (default: table, or by the extension of --out).
    #[arg(long, value_enum)]
    pub format: Option<OutFormat>,
    /// Also write the output, in --format, to this file (atomically); the
    /// table is shown on stdout either way.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write one CSV row per run to this file.
    #[arg(long, value_name = "FILE")]
    pub rows: Option<PathBuf>,
    /// Write the time series of every run to this file: tidy CSV, one row
    /// per run, instant, entity and variable (about 50 bytes a row: see
    /// docs/cli/run.md for sizes).
    #[arg(long, value_name = "FILE")]
    pub series: Option<PathBuf>,
    /// Sample the series at the end of every day (default) or after every
    /// tick.
    #[arg(long, value_enum, value_name = "WHEN", requires = "series")]
    pub every: Option<EveryArg>,
    /// Keep running in batches until every headline interval (P(incident),
    /// P(clash), P(engagement) of every pair) has a half-width of at most W,
    /// in (0, 0.5); --runs is the first batch.
    #[arg(long, value_name = "W", value_parser = parse_precision, allow_negative_numbers = true)]
    pub until_precision: Option<f64>,
    /// Cap on the runs of --until-precision.
    #[arg(long, default_value_t = 1_000_000, value_parser = clap::value_parser!(u64).range(1..=MAX_RUNS))]
    pub max_runs: u64,
    /// Play only shard k of n (0-based) of the runs and write a partial
    /// result for `frontline merge` (to --out, or stdout).
    #[arg(long, value_name = "K/N", conflicts_with_all = ["until_precision", "format"])]
    pub shard: Option<Shard>,
    /// Also write the pictures (map, charts), GeoJSON and an HTML report
    /// into this directory.
    #[arg(long, value_name = "DIR", conflicts_with = "shard")]
    pub report: Option<PathBuf>,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_precision(s: &str) -> Result<f64, String> {
    let w: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if w.is_finite() && w > 0.0 && w < 0.5 {
        Ok(w)
    } else {
        Err(format!("must be in (0, 0.5), found `{s}`"))
    }
}

fn progress_bar(total: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() || total < 2000 {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(total);
    pb.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} runs [{bar:30}] eta {eta}")
            .expect("valid template")
            .progress_chars("=> "),
    );
    pb
}

/// The largest half-width among the headline intervals.
pub fn headline_half_width(doc: &ResultDoc) -> f64 {
    doc.estimates
        .pairs
        .iter()
        .flat_map(|p| [&p.incident, &p.clash, &p.engagement])
        .map(|x| x.half_width())
        .fold(0.0, f64::max)
}

/// Runs needed for a Wilson half-width of `w` at proportion `p` (normal
/// approximation), for planning the next batch.
fn runs_for(p: f64, w: f64) -> u64 {
    let z = crate::estimate::Z95;
    let p = p.clamp(0.01, 0.99);
    (z * z * p * (1.0 - p) / (w * w)).ceil() as u64
}

/// `frontline run`.
pub fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    if args.until_precision.is_some() && args.runs > args.max_runs {
        RunArgs::augment_args(clap::Command::new("run"))
            .bin_name("frontline run")
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "--runs ({}) exceeds --max-runs ({})",
                    args.runs, args.max_runs
                ),
            )
            .exit();
    }
    if let Some(p) = &args.out {
        check_writable(p, "--out")?;
    }
    if let Some(p) = &args.series {
        check_writable(p, "--series")?;
    }
    let loaded = load(args.scenario.as_deref(), &args.set)?;
    if !args.quiet {
        eprint!("{}", warnings(&loaded));
    }
    let overrides: Vec<String> = args
        .set
        .iter()
        .map(|o| format!("{}={}", o.path, o.text))
        .collect();
    let theatre = Arc::new(Theatre::new(loaded.scenario.clone()));
    let threads = args.threads.map_or_else(default_threads, usize::from);
    let rep = Replicator::new(Arc::clone(&theatre), threads)?;
    install_ctrlc();

    let mut rows = match &args.rows {
        Some(p) => Some(RowsCsv::create(p, &theatre)?),
        None => None,
    };
    let every: Every = args.every.unwrap_or(EveryArg::Day).into();
    let mut series = match &args.series {
        Some(p) => Some(SeriesCsv::create(p, &theatre, &loaded.hash, args.seed)?),
        None => None,
    };
    if let Some(shard) = args.shard {
        let range = shard.range(args.runs);
        let sink = rows
            .as_mut()
            .map(|r| r as &mut dyn crate::replicate::RunSink);
        let series_sink = series
            .as_mut()
            .map(|s| (every, s as &mut dyn crate::replicate::SeriesSink));
        let stats = match rep.run_with(
            args.seed,
            range.clone(),
            sink,
            series_sink,
            &|_| {},
            &STOP,
        )? {
            Finish::Complete(s) => s,
            Finish::Interrupted { runs_done } => {
                eprintln!(
                    "interrupted: {runs_done} of {} runs of shard {shard} finished; no result written",
                    range.end - range.start
                );
                return Ok(ExitCode::from(130));
            }
        };
        let info = ResultDoc::new(
            &loaded,
            &theatre,
            &overrides,
            args.seed,
            Stats::new(&theatre),
        )
        .scenario;
        let part = PartialDoc::new(&loaded, info, args.seed, args.runs, shard, stats);
        let text = serde_json::to_string_pretty(&part)? + "\n";
        if let Some(r) = rows {
            r.finish().context("writing --rows")?;
        }
        if let Some(s) = series {
            s.finish().context("writing --series")?;
        }
        emit_to(args.out.as_deref(), &text)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut stats = Stats::new(&theatre);
    let mut target = args.runs;
    let pb = progress_bar(target, args.quiet);
    loop {
        let start = stats.runs;
        let base = start;
        let progress = |done: u64| pb.set_position(base + done);
        let sink = rows
            .as_mut()
            .map(|r| r as &mut dyn crate::replicate::RunSink);
        let series_sink = series
            .as_mut()
            .map(|s| (every, s as &mut dyn crate::replicate::SeriesSink));
        match rep.run_with(
            args.seed,
            start..target,
            sink,
            series_sink,
            &progress,
            &STOP,
        )? {
            Finish::Complete(s) => stats.merge(&s),
            Finish::Interrupted { runs_done } => {
                pb.abandon();
                eprintln!(
                    "interrupted: {} of {} runs finished; no result written",
                    start + runs_done,
                    target
                );
                return Ok(ExitCode::from(130));
            }
        }
        let Some(w) = args.until_precision else { break };
        let doc = ResultDoc::new(&loaded, &theatre, &overrides, args.seed, stats.clone());
        let worst = headline_half_width(&doc);
        if worst <= w || stats.runs >= args.max_runs {
            if worst > w {
                eprintln!(
                    "warning: stopped at --max-runs {} with a half-width of {worst:.4} > {w}",
                    args.max_runs
                );
            }
            break;
        }
        // Plan the next batch from the widest interval's proportion.
        let need = doc
            .estimates
            .pairs
            .iter()
            .flat_map(|p| [&p.incident, &p.clash, &p.engagement])
            .filter(|x| x.half_width() > w)
            .map(|x| runs_for(x.p, w))
            .max()
            .unwrap_or(0);
        let next = need.max(stats.runs + stats.runs / 2).div_ceil(1000) * 1000;
        target = next.min(args.max_runs);
        pb.set_length(target);
    }
    pb.finish_and_clear();

    let doc = ResultDoc::new(&loaded, &theatre, &overrides, args.seed, stats);
    let format = args.format.unwrap_or(match &args.out {
        Some(p) => match p.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("json") => OutFormat::Json,
            Some(e) if e.eq_ignore_ascii_case("csv") => OutFormat::Csv,
            _ => OutFormat::Table,
        },
        None => OutFormat::Table,
    });
    let text = match format {
        OutFormat::Table => table(&doc),
        OutFormat::Json => doc.to_json(),
        OutFormat::Csv => csv(&doc)?,
    };
    if let Some(r) = rows {
        r.finish().context("writing --rows")?;
    }
    if let Some(s) = series {
        s.finish().context("writing --series")?;
    }
    if let Some(dir) = &args.report {
        for f in crate::report::write_all(dir, &doc, &theatre)? {
            eprintln!("wrote {f}");
        }
    }
    emit_to(args.out.as_deref(), &text)?;
    if let Some(path) = &args.out {
        emit(&table(&doc))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
