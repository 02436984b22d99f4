//! The `frontline` command line: the flags of every command (each
//! command's arguments live with it under [`crate::commands`]), the
//! dispatch, and how errors end the process.
//!
//! Exit codes: 0 success; 1 a scenario or result is invalid, or the work
//! failed; 2 bad command-line usage; 130 interrupted by Ctrl-C.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::commands::{check, compare, diff, merge, report, run, score, sweep, trace};

/// frontline: estimate the risk of clashes between non-allied forces by
/// Monte Carlo simulation of a theatre.
#[derive(Debug, Parser)]
#[command(
    name = "frontline",
    version,
    about = "frontline: estimate the risk of clashes between non-allied forces by Monte Carlo simulation of a theatre",
    long_about = None
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate scenario files and print a short summary of each.
    Check(check::CheckArgs),
    /// Play a scenario many times and estimate the risk of clashes.
    Run(run::RunArgs),
    /// Replay one run and print its ordered event log.
    Trace(trace::TraceArgs),
    /// Compare two scenarios (or one with --set-b overrides) under common
    /// random numbers.
    Compare(compare::CompareArgs),
    /// Say whether two result files (or two traces) are identical, and how
    /// they differ (exit 0 identical, 1 different, 2 error).
    Diff(diff::DiffArgs),
    /// Headline risks over a grid or Latin hypercube of parameter values.
    Sweep(sweep::SweepArgs),
    /// Merge the partial results of `run --shard k/n` into one result.
    Merge(merge::MergeArgs),
    /// Render a saved result as charts, a map, GeoJSON and an HTML report.
    Report(report::ReportArgs),
    /// Score a saved result's forecasts against an observed record (Brier,
    /// log, CRPS, places, reliability).
    Score(score::ScoreArgs),
}

/// Runs the command line; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitCode::SUCCESS
                }
                _ => ExitCode::from(2),
            };
        }
    };
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            ExitCode::from(1)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn dispatch(command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Check(args) => check::check(args),
        Command::Run(args) => run::run(args),
        Command::Trace(args) => trace::trace(args),
        Command::Compare(args) => compare::compare(args),
        Command::Diff(args) => Ok(diff::diff(args)),
        Command::Sweep(args) => sweep::sweep(args),
        Command::Merge(args) => merge::merge(args),
        Command::Report(args) => report::report(args),
        Command::Score(args) => score::score(args),
    }
}
