//! Pictures and maps: SVG charts, an SVG map of the theatre, GeoJSON of the
//! estimated risks, and one self-contained HTML report.
//!
//! Everything is rendered from a [`ResultDoc`] and the [`Theatre`] it was
//! computed for, so a saved result can be rendered again later
//! (`frontline report RESULT.json`). The SVG elements that carry numbers have
//! `data-*` attributes with the exact values, for tests and for scripts.

pub mod charts;
pub mod geo_json;
pub mod html;
pub mod map;

use std::path::Path;

use anyhow::Context;
use frontline_sim::theatre::Theatre;

use crate::result::{ResultDoc, write_atomic};

/// The colour of faction `f`: its own, or one of a fixed palette.
pub fn faction_colour(th: &Theatre, f: usize) -> String {
    const PALETTE: [&str; 10] = [
        "#c0392b", "#2471a3", "#229954", "#7d3c98", "#d68910", "#17a589", "#5d6d7e", "#a04000",
        "#2e4053", "#b7950b",
    ];
    th.scenario.factions[f]
        .colour
        .clone()
        .unwrap_or_else(|| PALETTE[f % PALETTE.len()].to_string())
}

/// Escapes text for XML/HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes the report files into `dir`: `report.html`, `map.svg`,
/// `first-clash.svg`, `hotspots.svg` and `risk.geojson`.
pub fn write_all(dir: &Path, doc: &ResultDoc, th: &Theatre) -> anyhow::Result<Vec<String>> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the report directory `{}`", dir.display()))?;
    let map = map::map_svg(doc, th);
    let first = charts::first_clash_svg(doc)?;
    let hot = charts::hotspots_svg(doc)?;
    let gj = geo_json::geojson(doc, th);
    let html = html::report_html(doc, &map, &first, &hot);
    let files = [
        ("report.html", html),
        ("map.svg", map),
        ("first-clash.svg", first),
        ("hotspots.svg", hot),
        ("risk.geojson", gj),
    ];
    let mut written = Vec::new();
    for (name, text) in files {
        let p = dir.join(name);
        write_atomic(&p, text.as_bytes())?;
        written.push(p.display().to_string());
    }
    Ok(written)
}

/// Arguments of `frontline report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// A result file written by `frontline run --format json` (or `merge`).
    pub result: std::path::PathBuf,
    /// The scenario the result was computed for (default: the source
    /// recorded in the result, with its overrides); its hash must match.
    #[arg(long)]
    pub scenario: Option<std::path::PathBuf>,
    /// Directory for report.html, map.svg, first-clash.svg, hotspots.svg
    /// and risk.geojson.
    #[arg(long, value_name = "DIR", default_value = "report")]
    pub out_dir: std::path::PathBuf,
}

/// `frontline report`.
pub fn report(args: ReportArgs) -> anyhow::Result<std::process::ExitCode> {
    let text = std::fs::read_to_string(&args.result)
        .with_context(|| format!("cannot read `{}`", args.result.display()))?;
    let doc: ResultDoc = serde_json::from_str(&text).with_context(|| {
        format!(
            "`{}` is not a frontline result (write one with `frontline run --format json`)",
            args.result.display()
        )
    })?;
    let overrides: Vec<crate::overrides::Override> = doc
        .scenario
        .overrides
        .iter()
        .map(|o| o.parse().map_err(|e: String| anyhow::anyhow!(e)))
        .collect::<anyhow::Result<_>>()?;
    let path = match &args.scenario {
        Some(p) => Some(p.clone()),
        None if doc.scenario.source == crate::load::EMBEDDED_NAME => None,
        None => Some(std::path::PathBuf::from(&doc.scenario.source)),
    };
    let loaded = crate::load::load(path.as_deref(), &overrides)
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
    Ok(std::process::ExitCode::SUCCESS)
}
