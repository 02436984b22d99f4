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
pub mod reliability;

pub use reliability::reliability_svg;

use std::path::Path;

use anyhow::Context;
use frontline_sim::theatre::Theatre;

use crate::output::write_atomic;
use crate::result::ResultDoc;

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
