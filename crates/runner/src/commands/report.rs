//! `frontline report`: renders a saved result (and the scenario it was
//! computed for, checked by its hash) as charts, a map, GeoJSON and an HTML
//! report ([`crate::report`]).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::Args;
use frontline_sim::theatre::Theatre;

use crate::load::{EMBEDDED_NAME, load};
use crate::overrides::Override;
use crate::report::write_all;
use crate::result::ResultDoc;

/// Arguments of `frontline report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A result file written by `frontline run --format json` (or `merge`).
    pub result: PathBuf,
    /// The scenario the result was computed for (default: the source
    /// recorded in the result, with its overrides); its hash must match.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Directory for report.html, map.svg, first-clash.svg, hotspots.svg
    /// and risk.geojson.
    #[arg(long, value_name = "DIR", default_value = "report")]
    pub out_dir: PathBuf,
}

/// `frontline report`.
pub fn report(args: ReportArgs) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(&args.result)
        .with_context(|| format!("cannot read `{}`", args.result.display()))?;
    let doc: ResultDoc = serde_json::from_str(&text).with_context(|| {
        format!(
            "`{}` is not a frontline result (write one with `frontline run --format json`)",
            args.result.display()
        )
    })?;
    let overrides: Vec<Override> = doc
        .scenario
        .overrides
        .iter()
        .map(|o| o.parse().map_err(|e: String| anyhow::anyhow!(e)))
        .collect::<anyhow::Result<_>>()?;
    let path = match &args.scenario {
        Some(p) => Some(p.clone()),
        None if doc.scenario.source == EMBEDDED_NAME => None,
        None => Some(PathBuf::from(&doc.scenario.source)),
    };
    let loaded = load(path.as_deref(), &overrides)
        .context("the scenario of the result (give it with --scenario)")?;
    anyhow::ensure!(
        loaded.hash == doc.scenario.hash,
        "the scenario `{}` (with the result's overrides) has hash {}, but the result was computed for {}: give the right file with --scenario",
        loaded.source,
        &loaded.hash[..12],
        &doc.scenario.hash[..12]
    );
    let th = Theatre::new(loaded.scenario);
    for f in write_all(&args.out_dir, &doc, &th)? {
        eprintln!("wrote {f}");
    }
    Ok(ExitCode::SUCCESS)
}
