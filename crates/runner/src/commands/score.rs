//! `frontline score`: a saved result's probabilistic forecasts against an
//! observed record ([`crate::observed`], [`crate::scoring`]): Brier, log,
//! CRPS and place scores beside their baselines, and a reliability table
//! (with `--svg`, its diagram).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::observed::load_record;
use crate::output::{OutFormat, check_writable, emit_to, write_atomic};
use crate::report::reliability_svg;
use crate::result::{ResultDoc, SCHEMA};
use crate::scoring::{csv, score as score_doc, table};

/// Arguments of `frontline score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// A result file written by `frontline run --format json` (or `merge`).
    pub result: PathBuf,
    /// The observed record to score it against (TOML, or JSON by the
    /// `.json` extension; docs/validation.md).
    #[arg(long, value_name = "RECORD")]
    pub observed: PathBuf,
    /// Output format: table, json (the score document) or csv (one row per
    /// binary outcome).
    #[arg(long, value_enum, default_value_t = OutFormat::Table)]
    pub format: OutFormat,
    /// Write the output to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write the reliability diagram (SVG) to this file (atomically).
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

/// `frontline score`.
pub fn score(args: ScoreArgs) -> anyhow::Result<ExitCode> {
    for (path, flag) in [(&args.out, "--out"), (&args.svg, "--svg")] {
        if let Some(p) = path {
            check_writable(p, flag)?;
        }
    }
    let text = std::fs::read_to_string(&args.result)
        .with_context(|| format!("cannot read `{}`", args.result.display()))?;
    let not_result = || {
        format!(
            "`{}` is not a frontline result (write one with `frontline run --format json`)",
            args.result.display()
        )
    };
    let v: serde_json::Value = serde_json::from_str(&text).with_context(not_result)?;
    anyhow::ensure!(
        v.get("schema").and_then(|s| s.as_str()) == Some(SCHEMA),
        not_result()
    );
    let doc: ResultDoc = serde_json::from_value(v).with_context(not_result)?;
    let record = load_record(&args.observed, &doc)?;
    let scores = score_doc(&doc, &record);
    let text = match args.format {
        OutFormat::Table => table(&scores),
        OutFormat::Json => scores.to_json(),
        OutFormat::Csv => csv(&scores)?,
    };
    if let Some(p) = &args.svg {
        write_atomic(p, reliability_svg(&scores)?.as_bytes())?;
    }
    emit_to(args.out.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}
