//! An SVG map of the theatre: contact-line segments coloured by their share
//! of the clashes, sites coloured by their most likely owner at the end,
//! zones, the forces' starting positions, a scale bar and a legend.

use std::fmt::Write as _;

use frontline_sim::geo::Vec2;
use frontline_sim::scenario::Shape;
use frontline_sim::theatre::Theatre;

use super::{esc, faction_colour};
use crate::result::ResultDoc;

const W: f64 = 1100.0;
const H: f64 = 720.0;
const LEGEND_W: f64 = 300.0;

/// `s` cut to `n` characters, with an ellipsis.
fn short(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// Colour of a share in [0, 1]: pale yellow to dark red.
pub fn heat(t: f64) -> String {
    let t = t.clamp(0.0, 1.0);
    let lerp = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        lerp(254.0, 153.0),
        lerp(224.0, 0.0),
        lerp(139.0, 13.0)
    )
}

/// The map as SVG.
pub fn map_svg(doc: &ResultDoc, th: &Theatre) -> String {
    let s = &th.scenario;
    // Bounds of everything drawn, km.
    let mut pts: Vec<Vec2> = Vec::new();
    pts.extend(th.forces.iter().map(|f| f.position));
    pts.extend(s.sites.iter().map(|x| x.position));
    for g in &s.segments {
        pts.push(g.a);
        pts.push(g.b);
    }
    for z in &s.zones {
        let c = z.shape.bounding_circle();
        pts.push(c.center + Vec2::new(c.radius_km, c.radius_km));
        pts.push(c.center - Vec2::new(c.radius_km, c.radius_km));
    }
    if pts.is_empty() {
        pts.push(Vec2::ZERO);
    }
    let (mut lo, mut hi) = (pts[0], pts[0]);
    for p in &pts {
        lo = Vec2::new(lo.x.min(p.x), lo.y.min(p.y));
        hi = Vec2::new(hi.x.max(p.x), hi.y.max(p.y));
    }
    let pad = ((hi.x - lo.x).max(hi.y - lo.y) * 0.06).max(5.0);
    lo = lo - Vec2::new(pad, pad);
    hi = hi + Vec2::new(pad, pad);
    let (plot_w, plot_h) = (W - LEGEND_W - 20.0, H - 70.0);
    let scale = (plot_w / (hi.x - lo.x)).min(plot_h / (hi.y - lo.y)); // px per km
    let to = |p: Vec2| (10.0 + (p.x - lo.x) * scale, 50.0 + (hi.y - p.y) * scale);

    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" font-family="sans-serif">"#
    );
    let _ = writeln!(o, r##"<rect width="{W}" height="{H}" fill="#fbfaf7"/>"##);
    let _ = writeln!(
        o,
        r#"<text x="10" y="28" font-size="20" font-weight="bold">{} — where clashes happen ({} runs, seed {})</text>"#,
        esc(&s.name),
        doc.runs,
        doc.seed
    );

    // Zones.
    for (zi, z) in s.zones.iter().enumerate() {
        let colour = faction_colour(th, z.owner.index());
        let zone_est = doc.estimates.zones.get(zi);
        let p = zone_est.map_or(0.0, |e| e.incident.p);
        match &z.shape {
            Shape::Circle(c) => {
                let (x, y) = to(c.center);
                let _ = writeln!(
                    o,
                    r#"<circle class="zone" data-zone="{}" data-p-incident="{p}" cx="{x:.1}" cy="{y:.1}" r="{:.1}" fill="{colour}" fill-opacity="0.08" stroke="{colour}" stroke-dasharray="6 4" stroke-width="1.5"/>"#,
                    esc(&z.id),
                    c.radius_km * scale
                );
            }
            Shape::Polygon(poly) => {
                let d: Vec<String> = poly
                    .iter()
                    .map(|&q| {
                        let (x, y) = to(q);
                        format!("{x:.1},{y:.1}")
                    })
                    .collect();
                let _ = writeln!(
                    o,
                    r#"<polygon class="zone" data-zone="{}" data-p-incident="{p}" points="{}" fill="{colour}" fill-opacity="0.08" stroke="{colour}" stroke-dasharray="6 4" stroke-width="1.5"/>"#,
                    esc(&z.id),
                    d.join(" ")
                );
            }
        }
        let c = z.shape.bounding_circle();
        let (x, y) = to(c.center + Vec2::new(0.0, c.radius_km));
        let _ = writeln!(
            o,
            r#"<text x="{:.1}" y="{:.1}" font-size="12" fill="{colour}">{} ({}; P(incursion incident) {:.0}%)</text>"#,
            (x - 60.0).max(12.0),
            y - 4.0,
            esc(&short(&z.name, 30)),
            esc(&s.factions[z.owner.index()].id),
            100.0 * p
        );
    }

    // Contact-line segments by share of clashes.
    let max_share = doc
        .estimates
        .segment_hotspots
        .iter()
        .map(|h| h.share_of_clashes)
        .fold(0.0, f64::max);
    for (i, g) in s.segments.iter().enumerate() {
        let h = doc.estimates.segment_hotspots.iter().find(|h| h.index == i);
        let (share, p, lo_, hi_) = h.map_or((0.0, 0.0, 0.0, 0.0), |h| {
            (h.share_of_clashes, h.clash.p, h.clash.lo, h.clash.hi)
        });
        let colour = if h.is_none() {
            "#9e9e9e".to_string()
        } else if max_share > 0.0 {
            heat(share / max_share)
        } else {
            heat(0.0)
        };
        let (x1, y1) = to(g.a);
        let (x2, y2) = to(g.b);
        let id = format!("{}#{}", s.contact_lines[g.line].id, g.index_in_line + 1);
        let _ = writeln!(
            o,
            r#"<line class="segment" data-segment="{}" data-share="{share}" data-p-clash="{p}" data-lo="{lo_}" data-hi="{hi_}" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" stroke="{colour}" stroke-width="6" stroke-linecap="round"><title>{} P(clash) {:.1}% [{:.1}, {:.1}], {:.1}% of clashes</title></line>"#,
            esc(&id),
            esc(&id),
            100.0 * p,
            100.0 * lo_,
            100.0 * hi_,
            100.0 * share
        );
    }

    // Forces at their starting positions.
    for f in &th.forces {
        let (x, y) = to(f.position);
        let colour = faction_colour(th, f.faction.index());
        let size = (2.0 + (f.strength.max(1.0)).log10()).min(7.0);
        let _ = writeln!(
            o,
            r#"<rect class="force" data-force="{}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}" fill-opacity="0.55" stroke="{colour}"><title>{} ({}, {} personnel)</title></rect>"#,
            esc(&f.id),
            x - size / 2.0,
            y - size / 2.0,
            size,
            size,
            esc(&f.name),
            esc(&s.factions[f.faction.index()].id),
            f.strength
        );
    }

    // Sites by most likely owner at the end.
    for (si, site) in s.sites.iter().enumerate() {
        let est = &doc.estimates.sites[si];
        let (owner, p) = est
            .owner_end
            .first()
            .map_or(("none".to_string(), 0.0), |(f, pr)| (f.clone(), pr.p));
        let colour = s
            .factions
            .iter()
            .position(|f| f.id == owner)
            .map_or("#ffffff".to_string(), |f| faction_colour(th, f));
        let (x, y) = to(site.position);
        let _ = writeln!(
            o,
            r##"<circle class="site" data-site="{}" data-owner="{}" data-p-owner="{p}" cx="{x:.1}" cy="{y:.1}" r="6" fill="{colour}" fill-opacity="{:.2}" stroke="#222" stroke-width="1.2"><title>{}: {} at the end with P {:.1}%</title></circle>"##,
            esc(&site.id),
            esc(&owner),
            0.35 + 0.65 * p,
            esc(&site.name),
            esc(&owner),
            100.0 * p
        );
        let _ = writeln!(
            o,
            r##"<text x="{:.1}" y="{:.1}" font-size="10" fill="#222">{} ({} {:.0}%)</text>"##,
            x + 8.0,
            y + 4.0,
            esc(&short(&site.name, 22)),
            esc(&owner),
            100.0 * p
        );
    }

    // Scale bar: a round length near a fifth of the plot width.
    let target = (plot_w / 5.0) / scale;
    let nice = [
        1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 50.0, 100.0, 200.0, 250.0, 500.0, 1000.0, 2000.0,
    ];
    let len_km = nice
        .iter()
        .copied()
        .filter(|&n| n <= target)
        .fold(1.0, f64::max);
    let (bx, by) = (20.0, H - 20.0);
    let _ = writeln!(
        o,
        r##"<g class="scale-bar" data-km="{len_km}"><line x1="{bx}" y1="{by}" x2="{:.1}" y2="{by}" stroke="#222" stroke-width="3"/><text x="{bx}" y="{:.1}" font-size="12">0</text><text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end">{len_km} km</text></g>"##,
        bx + len_km * scale,
        by - 6.0,
        bx + len_km * scale,
        by - 6.0
    );

    // Legend.
    let lx = W - LEGEND_W + 10.0;
    let mut ly = 60.0;
    let _ = writeln!(
        o,
        r#"<g class="legend"><text x="{lx}" y="{ly}" font-size="14" font-weight="bold">Factions</text>"#
    );
    for (f, fac) in s.factions.iter().enumerate() {
        ly += 20.0;
        let _ = writeln!(
            o,
            r#"<rect x="{lx}" y="{:.1}" width="12" height="12" fill="{}"/><text x="{:.1}" y="{ly}" font-size="12">{} — {}</text>"#,
            ly - 10.0,
            faction_colour(th, f),
            lx + 18.0,
            esc(&fac.id),
            esc(&short(&fac.name, 26))
        );
    }
    ly += 30.0;
    let _ = writeln!(
        o,
        r#"<text x="{lx}" y="{ly}" font-size="14" font-weight="bold">Contact-line segments</text>"#
    );
    ly += 8.0;
    for k in 0..=4 {
        let t = k as f64 / 4.0;
        let _ = writeln!(
            o,
            r#"<rect x="{:.1}" y="{ly}" width="40" height="10" fill="{}"/>"#,
            lx + 40.0 * k as f64,
            heat(t)
        );
    }
    ly += 24.0;
    let _ = writeln!(
        o,
        r#"<text x="{lx}" y="{ly}" font-size="11">share of clashes: 0 → {:.0}% (max)</text>"#,
        100.0 * max_share
    );
    ly += 16.0;
    let _ = writeln!(
        o,
        r##"<line x1="{lx}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#9e9e9e" stroke-width="6"/><text x="{:.1}" y="{ly}" font-size="11">no incident</text>"##,
        ly - 4.0,
        lx + 30.0,
        ly - 4.0,
        lx + 38.0
    );
    ly += 30.0;
    let _ = writeln!(
        o,
        r##"<text x="{lx}" y="{ly}" font-size="14" font-weight="bold">Symbols</text>"##
    );
    ly += 20.0;
    let _ = writeln!(
        o,
        r##"<circle cx="{:.1}" cy="{:.1}" r="6" fill="#bbb" stroke="#222"/><text x="{:.1}" y="{ly}" font-size="11">site: most likely owner at the end</text>"##,
        lx + 6.0,
        ly - 4.0,
        lx + 18.0
    );
    ly += 18.0;
    let _ = writeln!(
        o,
        r##"<rect x="{lx}" y="{:.1}" width="8" height="8" fill="#bbb"/><text x="{:.1}" y="{ly}" font-size="11">force at its starting position</text>"##,
        ly - 8.0,
        lx + 18.0
    );
    ly += 18.0;
    let _ = writeln!(
        o,
        r##"<circle cx="{:.1}" cy="{:.1}" r="6" fill="none" stroke="#555" stroke-dasharray="3 2"/><text x="{:.1}" y="{ly}" font-size="11">zone (owner's colour)</text>"##,
        lx + 6.0,
        ly - 4.0,
        lx + 18.0
    );
    let _ = writeln!(o, "</g>");
    let _ = writeln!(o, "</svg>");
    o
}
