//! `frontline merge`: reads the partial results of `run --shard k/n`, checks
//! that they belong together and writes the result a single `frontline run`
//! of all the runs would have written ([`crate::shard::merge_parts`]).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;

use crate::output::{OutFormat, emit_to};
use crate::shard::{PARTIAL_SCHEMA, PartialDoc, merge_parts};

/// Arguments of `frontline merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Partial results written by `run --shard k/n`.
    #[arg(required = true)]
    pub parts: Vec<PathBuf>,
    /// Output format (default: json, as `run --format json` would write).
    #[arg(long, value_enum, default_value_t = OutFormat::Json)]
    pub format: OutFormat,
    /// Write the result to this file (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// `frontline merge`.
pub fn merge(args: MergeArgs) -> anyhow::Result<ExitCode> {
    let mut parts = Vec::new();
    for p in &args.parts {
        let text =
            std::fs::read_to_string(p).with_context(|| format!("cannot read `{}`", p.display()))?;
        let v: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("`{}` is not JSON", p.display()))?;
        let schema = v.get("schema").and_then(|s| s.as_str()).unwrap_or("");
        anyhow::ensure!(
            schema == PARTIAL_SCHEMA,
            "`{}` is not a partial result (schema `{schema}`, expected `{PARTIAL_SCHEMA}`); write parts with `frontline run --shard K/N`",
            p.display()
        );
        parts.push(
            serde_json::from_value::<PartialDoc>(v)
                .with_context(|| format!("`{}` is a damaged partial result", p.display()))?,
        );
    }
    let doc = merge_parts(&parts)?;
    let text = match args.format {
        OutFormat::Json => doc.to_json(),
        OutFormat::Table => crate::result::table(&doc),
        OutFormat::Csv => crate::result::csv(&doc)?,
    };
    emit_to(args.out.as_deref(), &text)?;
    Ok(ExitCode::SUCCESS)
}
