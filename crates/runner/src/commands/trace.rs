//! `frontline trace`: one run's ordered event log, as a timeline or JSON lines.
//!
//! The run is replayed alone from (seed, run index), so the trace is the
//! same every time and is exactly the run that index contributed to
//! `frontline run --seed S`.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, ValueEnum};
use frontline_sim::theatre::Theatre;

use crate::output::emit;
use crate::overrides::Override;
use crate::series::{EveryArg, HEADER, Names};
use crate::timeline::{Kind, TraceEvent, jsonl, text, trace_events};

/// Output formats of a trace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    /// A readable timeline.
    Text,
    /// One JSON object per line.
    Jsonl,
    /// Tidy CSV (with --series only).
    Csv,
}

/// Arguments of `frontline trace`.
#[derive(Debug, Args)]
pub struct TraceArgs {
    /// Scenario file (default: the embedded reference scenario).
    pub scenario: Option<PathBuf>,
    /// Master seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Run index.
    #[arg(long, default_value_t = 0)]
    pub run: u64,
    /// Override a scenario value (as for `run`).
    #[arg(long = "set", value_name = "PATH=VALUE")]
    pub set: Vec<Override>,
    /// Output format (default: text; with --series, csv).
    #[arg(long, value_enum)]
    pub format: Option<TraceFormat>,
    /// Print the run's time series instead of its events: strengths of
    /// every force and faction, owners of sites, stances of pairs, at the
    /// start and the end of every day (or --every tick), as tidy CSV or
    /// JSON lines.
    #[arg(long, conflicts_with_all = ["pair", "faction", "kind", "from_day", "to_day"])]
    pub series: bool,
    /// With --series: sample at the end of every day (default) or after
    /// every tick.
    #[arg(long, value_enum, value_name = "WHEN", requires = "series")]
    pub every: Option<EveryArg>,
    /// Only events of this faction pair, `A:B` (either order).
    #[arg(long, value_name = "A:B")]
    pub pair: Option<String>,
    /// Only events involving this faction.
    #[arg(long)]
    pub faction: Option<String>,
    /// Only these kinds (repeatable or comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub kind: Vec<Kind>,
    /// Only events at or after this day (0 = start).
    #[arg(long, value_name = "DAY", allow_negative_numbers = true)]
    pub from_day: Option<f64>,
    /// Only events before this day.
    #[arg(long, value_name = "DAY", allow_negative_numbers = true)]
    pub to_day: Option<f64>,
}

/// Exits with a usage error (exit 2), as clap does.
fn usage_error(message: &str) -> ! {
    TraceArgs::augment_args(clap::Command::new("trace"))
        .bin_name("frontline trace")
        .error(clap::error::ErrorKind::ArgumentConflict, message)
        .exit()
}

/// Keeps the events that pass the filters.
pub fn filter(events: Vec<TraceEvent>, args: &TraceArgs) -> anyhow::Result<Vec<TraceEvent>> {
    let pair = match &args.pair {
        Some(p) => {
            let (a, b) = p
                .split_once(':')
                .ok_or_else(|| anyhow::anyhow!("--pair expects `A:B`, found `{p}`"))?;
            Some((a.to_string(), b.to_string()))
        }
        None => None,
    };
    Ok(events
        .into_iter()
        .filter(|e| {
            pair.as_ref().is_none_or(|(a, b)| {
                e.factions.len() == 2
                    && ((e.factions[0] == *a && e.factions[1] == *b)
                        || (e.factions[0] == *b && e.factions[1] == *a))
            }) && args.faction.as_ref().is_none_or(|f| e.factions.contains(f))
                && (args.kind.is_empty() || args.kind.contains(&e.kind))
                && args.from_day.is_none_or(|d| e.hours >= d * 24.0)
                && args.to_day.is_none_or(|d| e.hours < d * 24.0)
        })
        .collect())
}

/// `frontline trace`.
pub fn trace(args: TraceArgs) -> anyhow::Result<std::process::ExitCode> {
    let loaded = crate::load::load(args.scenario.as_deref(), &args.set)?;
    eprint!("{}", crate::load::warnings(&loaded));
    let th = Arc::new(Theatre::new(loaded.scenario.clone()));
    if args.series {
        let every = args.every.unwrap_or(EveryArg::Day).into();
        let series = crate::replicate::replay_series(&th, args.seed, args.run, every);
        let names = Names::new(&th, &loaded.hash);
        let mut out = String::new();
        match args.format.unwrap_or(TraceFormat::Csv) {
            TraceFormat::Csv => {
                out.push_str(HEADER);
                out.push('\n');
                names.csv(args.seed, args.run, &series, &mut out);
            }
            TraceFormat::Jsonl => names.jsonl(args.seed, args.run, &series, &mut out),
            TraceFormat::Text => usage_error("--series prints `csv` or `jsonl`, not `text`"),
        }
        emit(&out)?;
        return Ok(std::process::ExitCode::SUCCESS);
    }
    let outcome = crate::replicate::replay(&th, args.seed, args.run, true);
    let events = filter(
        trace_events(&th, outcome.log.as_deref().unwrap_or(&[])),
        &args,
    )?;
    let out = match args.format.unwrap_or(TraceFormat::Text) {
        TraceFormat::Text => text(&th, &events, args.seed, args.run),
        TraceFormat::Jsonl => jsonl(&events),
        TraceFormat::Csv => usage_error("--format csv is for --series"),
    };
    emit(&out)?;
    Ok(std::process::ExitCode::SUCCESS)
}
