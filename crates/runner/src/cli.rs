//! The `frontline` command line.
//!
//! Exit codes: 0 success; 1 a scenario or result is invalid, or the work
//! failed; 2 bad command-line usage; 130 interrupted by Ctrl-C.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::check::summary;
use crate::load::load;

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
    Check {
        /// Scenario files (TOML, or JSON by the `.json` extension).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Play a scenario many times and estimate the risk of clashes.
    Run(crate::run::RunArgs),
    /// Replay one run and print its ordered event log.
    Trace(crate::trace::TraceArgs),
    /// Compare two scenarios (or one with --set-b overrides) under common
    /// random numbers.
    Compare(crate::compare::CompareArgs),
    /// Say whether two result files (or two traces) are identical, and how
    /// they differ (exit 0 identical, 1 different, 2 error).
    Diff(crate::diff::DiffArgs),
    /// Headline risks over a grid or Latin hypercube of parameter values.
    Sweep(crate::sweep::SweepArgs),
    /// Merge the partial results of `run --shard k/n` into one result.
    Merge(crate::shard::MergeArgs),
    /// Render a saved result as charts, a map, GeoJSON and an HTML report.
    Report(crate::report::ReportArgs),
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
    match run(cli) {
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

/// Writes `text` to stdout and flushes. A closed pipe (`frontline … | head`)
/// is not an error: the reader has what it wanted.
pub fn emit(text: &str) -> anyhow::Result<()> {
    let mut so = std::io::stdout().lock();
    match so.write_all(text.as_bytes()).and_then(|()| so.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// Writes `text` to `out` atomically if given, else to stdout.
pub fn emit_to(out: Option<&std::path::Path>, text: &str) -> anyhow::Result<()> {
    match out {
        Some(p) => crate::result::write_atomic(p, text.as_bytes()),
        None => emit(text),
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Check { files } => check(&files),
        Command::Run(args) => crate::run::run(args),
        Command::Trace(args) => crate::trace::trace(args),
        Command::Compare(args) => crate::compare::compare(args),
        Command::Diff(args) => Ok(crate::diff::diff(args)),
        Command::Sweep(args) => crate::sweep::sweep(args),
        Command::Merge(args) => crate::shard::merge(args),
        Command::Report(args) => crate::report::report(args),
    }
}

fn check(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut failed = 0;
    let mut stdout = std::io::stdout().lock();
    for f in files {
        match load(Some(f), &[]) {
            Ok(l) => {
                // A closed pipe must not hide the verdict on later files.
                if let Err(e) = stdout.write_all(summary(&l).as_bytes())
                    && e.kind() != std::io::ErrorKind::BrokenPipe
                {
                    return Err(e.into());
                }
            }
            Err(e) => {
                failed += 1;
                eprintln!("error: {e}");
            }
        }
    }
    let _ = stdout.flush();
    if failed > 0 {
        eprintln!(
            "{failed} of {} file{} invalid",
            files.len(),
            if files.len() == 1 { " is" } else { "s are" }
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}
