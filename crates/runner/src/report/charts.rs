//! SVG charts drawn with plotters.

use plotters::prelude::*;

use crate::design::Point;
use crate::paired::CompareDoc;
use crate::result::ResultDoc;

const SERIES: [RGBColor; 8] = [
    RGBColor(192, 57, 43),
    RGBColor(36, 113, 163),
    RGBColor(34, 153, 84),
    RGBColor(125, 60, 152),
    RGBColor(214, 137, 16),
    RGBColor(23, 165, 137),
    RGBColor(93, 109, 126),
    RGBColor(160, 64, 0),
];

/// A bar of a variant chart: (series name, p, lo, hi).
type Bar = (String, f64, f64, f64);
/// A labelled group of bars.
type Group = (String, Vec<Bar>);

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("drawing a chart: {e}")
}

/// The legend of a chart's labelled series, in the house style.
fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
) -> anyhow::Result<()> {
    chart
        .configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 14))
        .draw()
        .map_err(err)
}

/// Cumulative probability of a first clash over the horizon for each pair
/// with any clash, with its pointwise 95 % band.
pub fn first_clash_svg(doc: &ResultDoc) -> anyhow::Result<String> {
    let h = doc.scenario.horizon_days;
    let pairs: Vec<_> = doc
        .estimates
        .pairs
        .iter()
        .filter(|p| p.clash.k > 0)
        .collect();
    let top = pairs
        .iter()
        .flat_map(|p| p.first_clash.by_day.iter().map(|c| c.by.hi))
        .fold(0.05f64, f64::max)
        .min(1.0);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (860, 480)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "Probability of a first clash by day ({} runs, 95% bands)",
                    doc.runs
                ),
                ("sans-serif", 20),
            )
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d(0f64..h, 0f64..(top * 1.05).min(1.0))
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("day of the scenario")
            .y_desc("P(first clash by then)")
            .y_label_formatter(&|y| format!("{:.0}%", 100.0 * y))
            .axis_desc_style(("sans-serif", 15))
            .draw()
            .map_err(err)?;
        for (k, p) in pairs.iter().enumerate() {
            let colour = SERIES[k % SERIES.len()];
            let pts = p.first_clash.by_day.iter();
            let mut band: Vec<(f64, f64)> = pts.clone().map(|c| (c.day as f64, c.by.hi)).collect();
            band.extend(
                p.first_clash
                    .by_day
                    .iter()
                    .rev()
                    .map(|c| (c.day as f64, c.by.lo)),
            );
            chart
                .draw_series(std::iter::once(Polygon::new(band, colour.mix(0.18))))
                .map_err(err)?;
            chart
                .draw_series(LineSeries::new(
                    std::iter::once((0.0, 0.0)).chain(pts.map(|c| (c.day as f64, c.by.p))),
                    colour.stroke_width(2),
                ))
                .map_err(err)?
                .label(format!(
                    "{} – {}: {:.1}% by day {h:.0}",
                    p.a,
                    p.b,
                    100.0 * p.clash.p
                ))
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], colour.stroke_width(2))
                });
        }
        if !pairs.is_empty() {
            legend(&mut chart, SeriesLabelPosition::UpperLeft)?;
        }
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Horizontal bars with 95 % error bars, one category per bar:
/// `(label, colour index, p, lo, hi)`; `kinds` names the colours in a legend.
fn bars_svg(
    title: &str,
    x_desc: &str,
    bars: &[(String, usize, f64, f64, f64)],
    kinds: &[&str],
) -> anyhow::Result<String> {
    let n = bars.len().max(1);
    let top = bars.iter().map(|b| b.4).fold(0.05f64, f64::max).min(1.0);
    let height = (120 + 28 * n).max(300) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (860, height)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 20))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(230)
            .build_cartesian_2d(0f64..(top * 1.1).min(1.0), (0..n).into_segmented())
            .map_err(err)?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(i) => bars.get(*i).map_or(String::new(), |b| b.0.clone()),
                _ => String::new(),
            })
            .y_label_style(("sans-serif", 13))
            .x_desc(x_desc)
            .x_label_formatter(&|x| format!("{:.0}%", 100.0 * x))
            .axis_desc_style(("sans-serif", 15))
            .draw()
            .map_err(err)?;
        for (k, kind) in kinds.iter().enumerate() {
            let colour = SERIES[k % SERIES.len()];
            chart
                .draw_series(
                    bars.iter()
                        .enumerate()
                        .filter(|(_, b)| b.1 == k)
                        .map(|(i, b)| {
                            let mut r = Rectangle::new(
                                [
                                    (0.0, SegmentValue::Exact(i)),
                                    (b.2, SegmentValue::Exact(i + 1)),
                                ],
                                colour.mix(0.75).filled(),
                            );
                            r.set_margin(4, 4, 0, 0);
                            r
                        }),
                )
                .map_err(err)?
                .label(*kind)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 14, y + 5)], colour.filled())
                });
        }
        chart
            .draw_series(bars.iter().enumerate().map(|(i, b)| {
                PathElement::new(
                    vec![
                        (b.3, SegmentValue::CenterOf(i)),
                        (b.4, SegmentValue::CenterOf(i)),
                    ],
                    BLACK.stroke_width(2),
                )
            }))
            .map_err(err)?;
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Bars of P(clash) at the top contact-line segments and sites, with 95 %
/// intervals.
pub fn hotspots_svg(doc: &ResultDoc) -> anyhow::Result<String> {
    let e = &doc.estimates;
    let mut spots: Vec<&crate::estimate::Hotspot> =
        e.segment_hotspots.iter().chain(&e.site_hotspots).collect();
    spots.sort_by(|x, y| y.clash.p.total_cmp(&x.clash.p).then(x.id.cmp(&y.id)));
    spots.truncate(15);
    let bars: Vec<(String, usize, f64, f64, f64)> = spots
        .iter()
        .map(|s| {
            (
                s.id.clone(),
                usize::from(s.kind == "site"),
                s.clash.p,
                s.clash.lo,
                s.clash.hi,
            )
        })
        .collect();
    bars_svg(
        &format!(
            "Hotspots: P(at least one clash there), {} runs, 95% intervals",
            doc.runs
        ),
        "P(clash at the place within the horizon)",
        &bars,
        &["contact-line segment", "site (nearest)"],
    )
}

/// Risk per variant with intervals, one bar per (group, series):
/// `groups[g] = (label, [(series name, p, lo, hi)])`.
fn variants_svg(title: &str, groups: &[Group]) -> anyhow::Result<String> {
    let names: Vec<String> = groups
        .first()
        .map_or(Vec::new(), |g| g.1.iter().map(|s| s.0.clone()).collect());
    let bars: Vec<(String, usize, f64, f64, f64)> = groups
        .iter()
        .flat_map(|(label, series)| {
            series
                .iter()
                .enumerate()
                .map(move |(k, s)| (format!("{label} · {}", s.0), k, s.1, s.2, s.3))
        })
        .collect();
    let kinds: Vec<&str> = names.iter().map(String::as_str).collect();
    bars_svg(title, "P(clash within the horizon)", &bars, &kinds)
}

/// P(clash) in A and in B for each pair with a clash in either, with the
/// Wilson-like 95 % interval of each proportion.
pub fn compare_svg(doc: &CompareDoc) -> anyhow::Result<String> {
    let groups: Vec<Group> = doc
        .pairs
        .iter()
        .filter(|p| p.clash.a > 0.0 || p.clash.b > 0.0)
        .map(|p| {
            let n = doc.runs;
            let (wa, wb) = (
                crate::estimate::wilson((p.clash.a * n as f64).round() as u64, n),
                crate::estimate::wilson((p.clash.b * n as f64).round() as u64, n),
            );
            (
                p.pair.clone(),
                vec![
                    ("A".to_string(), wa.p, wa.lo, wa.hi),
                    ("B".to_string(), wb.p, wb.lo, wb.hi),
                ],
            )
        })
        .collect();
    variants_svg(
        &format!(
            "P(clash) in A and B ({} paired runs, 95% intervals)",
            doc.runs
        ),
        &groups,
    )
}

/// P(clash) per sweep point for the pairs at risk, with 95 % intervals.
pub fn sweep_svg(points: &[Point]) -> anyhow::Result<String> {
    let Some(first) = points.first() else {
        return variants_svg("sweep (no points)", &[]);
    };
    let mut at_risk: Vec<usize> = (0..first.pairs.len())
        .filter(|&i| points.iter().any(|p| p.pairs[i].2.k > 0))
        .collect();
    at_risk.truncate(4);
    let groups: Vec<Group> = points
        .iter()
        .map(|p| {
            let label = p
                .values
                .iter()
                .map(|(k, v)| format!("{}={v}", k.rsplit('.').next().unwrap_or(k)))
                .collect::<Vec<_>>()
                .join(" ");
            (
                label,
                at_risk
                    .iter()
                    .map(|&i| {
                        let c = &p.pairs[i].2;
                        (p.pairs[i].0.clone(), c.p, c.lo, c.hi)
                    })
                    .collect(),
            )
        })
        .collect();
    variants_svg("P(clash) per sweep point (95% intervals)", &groups)
}
