//! One self-contained HTML report: inputs, charts, map and tables, with no
//! external resource, so that it opens offline.

use std::fmt::Write as _;

use super::esc;
use crate::estimate::Proportion;
use crate::result::ResultDoc;

fn pct(p: &Proportion) -> String {
    format!(
        "{:.1}% <small>[{:.1}, {:.1}]</small>",
        100.0 * p.p,
        100.0 * p.lo,
        100.0 * p.hi
    )
}

/// The report page.
pub fn report_html(doc: &ResultDoc, map: &str, first_clash: &str, hotspots: &str) -> String {
    let e = &doc.estimates;
    let mut o = String::new();
    let _ = write!(
        o,
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{name} — frontline report</title>
<style>
body {{ font-family: sans-serif; margin: 2em auto; max-width: 1000px; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: right; }}
th:first-child, td:first-child {{ text-align: left; }}
small {{ color: #666; }}
figure {{ margin: 1.5em 0; }}
code {{ background: #f3f3f3; padding: 1px 4px; }}
</style></head><body>
<h1>{name}</h1>
<p>Risk of clashes between non-allied forces within {h} days from {start}.</p>
<h2>Inputs</h2>
<table>
<tr><td>scenario</td><td><code>{source}</code></td></tr>
<tr><td>content hash (SHA-256)</td><td><code>{hash}</code></td></tr>
<tr><td>overrides</td><td><code>{overrides}</code></td></tr>
<tr><td>runs</td><td>{runs}</td></tr>
<tr><td>master seed</td><td>{seed}</td></tr>
<tr><td>engine</td><td>frontline {version}</td></tr>
<tr><td>intervals</td><td>95% (Wilson for probabilities)</td></tr>
</table>
"#,
        name = esc(&doc.scenario.name),
        h = doc.scenario.horizon_days,
        start = esc(&doc.scenario.start_date),
        source = esc(&doc.scenario.source),
        hash = esc(&doc.scenario.hash),
        overrides = esc(&if doc.scenario.overrides.is_empty() {
            "none".to_string()
        } else {
            doc.scenario.overrides.join(" ")
        }),
        runs = doc.runs,
        seed = doc.seed,
        version = esc(&doc.engine.version),
    );
    let _ = writeln!(
        o,
        "<h2>Headline risks</h2>\n<table><tr><th>pair</th><th>stance</th><th>P(incident)</th><th>P(clash)</th><th>P(engagement)</th><th>E[clashes]</th><th>median first clash (days)</th></tr>"
    );
    let mut pairs: Vec<_> = e.pairs.iter().collect();
    pairs.sort_by_key(|p| std::cmp::Reverse(p.clash.k));
    for p in pairs {
        let median = p
            .first_clash
            .quantiles_days
            .iter()
            .find(|(q, _)| *q == 0.5)
            .and_then(|(_, d)| *d)
            .map_or(format!("&gt; {}", doc.scenario.horizon_days), |d| {
                format!("{d:.1}")
            });
        let _ = writeln!(
            o,
            "<tr><td>{} – {}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{}</td></tr>",
            esc(&p.a),
            esc(&p.b),
            esc(&p.stance),
            pct(&p.incident),
            pct(&p.clash),
            pct(&p.engagement),
            p.expected_clashes.mean,
            median
        );
    }
    let _ = writeln!(o, "</table>");
    let _ = writeln!(o, "<h2>When</h2><figure>{first_clash}</figure>");
    let _ = writeln!(
        o,
        "<h2>Where</h2><figure>{map}</figure><figure>{hotspots}</figure>"
    );
    let _ = writeln!(
        o,
        "<table><tr><th>place</th><th>kind</th><th>P(clash there)</th><th>share of clashes</th></tr>"
    );
    for h in e.segment_hotspots.iter().chain(&e.site_hotspots).take(30) {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.1}%</td></tr>",
            esc(&h.id),
            esc(&h.kind),
            pct(&h.clash),
            100.0 * h.share_of_clashes
        );
    }
    let _ = writeln!(o, "</table>");
    let _ = writeln!(
        o,
        "<h2>Sites at the end</h2><table><tr><th>site</th><th>owner at start</th><th>owners at the end</th></tr>"
    );
    for s in &e.sites {
        let owners: Vec<String> = s
            .owner_end
            .iter()
            .map(|(f, p)| format!("{} {}", esc(f), pct(p)))
            .collect();
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.id),
            esc(&s.owner_start),
            owners.join(", ")
        );
    }
    let _ = writeln!(o, "</table>");
    let _ = writeln!(
        o,
        "<h2>Casualties and revenue per run</h2><table><tr><th>faction</th><th>casualties</th><th>revenue</th></tr>"
    );
    for f in &e.factions {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{:.1} <small>[{:.1}, {:.1}]</small></td><td>{:.1} <small>[{:.1}, {:.1}]</small></td></tr>",
            esc(&f.id),
            f.casualties.mean,
            f.casualties.lo,
            f.casualties.hi,
            f.revenue.mean,
            f.revenue.lo,
            f.revenue.hi
        );
    }
    let _ = writeln!(
        o,
        "</table>\n<p><small>Every number is explained in docs/model.md and docs/cli.md of frontline.</small></p>\n</body></html>"
    );
    o
}
