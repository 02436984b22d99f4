//! The reliability diagram of a score document: for each bin of forecast
//! probability, the share of outcomes that happened (with its 95 % Wilson
//! interval) against the bin's mean forecast; a calibrated forecast lies on
//! the diagonal. Each point carries `data-*` attributes with its numbers.

use plotters::prelude::*;

use crate::scoring::ScoreDoc;

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("drawing the reliability diagram: {e}")
}

/// The diagram as SVG text.
pub fn reliability_svg(d: &ScoreDoc) -> anyhow::Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (560, 560)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!(
                    "Reliability: {} outcomes, Brier {:.3} (constant 0.5: 0.250)",
                    d.brier.n, d.brier.score
                ),
                ("sans-serif", 17),
            )
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(55)
            .build_cartesian_2d(0f64..1f64, 0f64..1f64)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("forecast probability (mean in bin)")
            .y_desc("observed frequency (95% interval)")
            .axis_desc_style(("sans-serif", 15))
            .draw()
            .map_err(err)?;
        chart
            .draw_series(LineSeries::new(
                [(0.0, 0.0), (1.0, 1.0)],
                BLACK.mix(0.4).stroke_width(1),
            ))
            .map_err(err)?;
        let blue = RGBColor(36, 113, 163);
        for b in d.reliability.iter().filter(|b| b.n > 0) {
            let x = b.mean_forecast;
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(x, b.observed.lo), (x, b.observed.hi)],
                    blue.stroke_width(2),
                )))
                .map_err(err)?;
            let r = (3.0 + (b.n as f64).sqrt() * 1.5).min(14.0) as i32;
            chart
                .draw_series(std::iter::once(Circle::new(
                    (x, b.observed.p),
                    r,
                    blue.mix(0.6).filled(),
                )))
                .map_err(err)?;
        }
        root.present().map_err(err)?;
    }
    // A machine-readable trace of every bin, for tests and scripts.
    let mut data = String::new();
    for b in d.reliability.iter().filter(|b| b.n > 0) {
        data.push_str(&format!(
            "<g class=\"bin\" data-lo=\"{}\" data-hi=\"{}\" data-n=\"{}\" data-forecast=\"{}\" data-observed=\"{}\"/>\n",
            b.lo, b.hi, b.n, b.mean_forecast, b.observed.p
        ));
    }
    if let Some(i) = svg.rfind("</svg>") {
        svg.insert_str(i, &data);
    }
    Ok(svg)
}
