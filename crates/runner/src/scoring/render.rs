//! The score document as a terminal table and as CSV.

use std::fmt::Write as _;

use super::*;

impl ScoreDoc {
    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("scores serialize");
        s.push('\n');
        s
    }
}

fn skill(s: &Summary) -> String {
    s.skill.map_or("–".into(), |k| format!("{k:+.3}"))
}

/// The terminal table.
pub fn table(d: &ScoreDoc) -> String {
    let mut o = String::new();
    let s = &d.scored;
    let _ = writeln!(
        o,
        "{} ({} runs, seed {}, from {}, {} days) against {} ({} to {})",
        s.scenario, s.runs, s.seed, s.start_date, s.horizon_days, s.record, s.window.0, s.window.1
    );
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<44} {:>8} {:>9} {:>7} {:>7}   evidence",
        "outcome", "forecast", "observed", "Brier", "log"
    );
    for b in &d.binary {
        let _ = writeln!(
            o,
            "{:<44} {:>7.1}% {:>9} {:>7.3} {:>7.3}   {}",
            b.outcome,
            100.0 * b.forecast.p,
            if b.observed { "yes" } else { "no" },
            b.brier,
            b.log,
            b.evidence
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<48} {:>4} {:>9} {:>9} {:>7}",
        "score (lower is better)", "n", "result", "baseline", "skill"
    );
    for (name, sum) in [
        ("Brier (baseline: constant 0.5)", &d.brier),
        ("log, nats (baseline: constant 0.5)", &d.log),
        (
            "CRPS of first clash, days (baseline: 50 % even)",
            &d.crps_summary,
        ),
        (
            "distance to hotspots, km (baseline: even)",
            &d.place_summary,
        ),
    ] {
        if sum.n == 0 {
            let _ = writeln!(o, "{name:<48} {:>4} {:>9} {:>9} {:>7}", 0, "–", "–", "–");
        } else {
            let _ = writeln!(
                o,
                "{name:<48} {:>4} {:>9.3} {:>9.3} {:>7}",
                sum.n,
                sum.score,
                sum.baseline,
                skill(sum)
            );
        }
    }
    let _ = writeln!(
        o,
        "(log score: probabilities clipped to [{0}, 1 − {0}], half a run)",
        d.log_clip
    );
    if !d.crps.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "{:<22} {:>8} {:>10} {:>10} {:>10}",
            "time to first clash", "window", "observed", "CRPS", "baseline"
        );
        for c in &d.crps {
            let _ = writeln!(
                o,
                "{:<22} {:>8.1} {:>10} {:>10.3} {:>10.3}",
                c.pair,
                c.to_days,
                c.observed_days
                    .map_or(format!(">{:.1}", c.to_days), |y| format!("{y:.1}")),
                c.crps_days,
                c.baseline_days
            );
        }
    }
    if !d.place.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(
            o,
            "{:<22} {:<12} {:>12} {:>12} {:>12}",
            "place of event", "rung", "weighted km", "even km", "nearest km"
        );
        for p in &d.place {
            let _ = writeln!(
                o,
                "{:<22} {:<12} {:>12.1} {:>12.1} {:>12.1}",
                format!("#{} {}", p.event, p.pair),
                p.rung,
                p.distance_km,
                p.baseline_km,
                p.nearest_km
            );
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "reliability      n   mean forecast   observed [95% CI]");
    for b in d.reliability.iter().filter(|b| b.n > 0) {
        let _ = writeln!(
            o,
            "[{:.1}, {:.1}) {:>5} {:>13.3}   {:.3} [{:.3}, {:.3}]",
            b.lo, b.hi, b.n, b.mean_forecast, b.observed.p, b.observed.lo, b.observed.hi
        );
    }
    if !d.not_scored.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Not scored:");
        for n in &d.not_scored {
            let _ = writeln!(o, "  {}: {}", n.outcome, n.reason);
        }
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "Events of the record:");
    for e in &d.events {
        let _ = writeln!(
            o,
            "  #{:<3} {:<11} {:<14} day {:>5.1}  {}",
            e.event, e.kind, e.subject, e.day, e.status
        );
    }
    o
}

/// One row per scored binary outcome.
pub fn csv(d: &ScoreDoc) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "outcome", "kind", "subject", "by_hours", "forecast", "lo", "hi", "observed", "brier",
        "log",
    ])?;
    for b in &d.binary {
        w.write_record([
            b.outcome.clone(),
            b.kind.clone(),
            b.subject.clone(),
            b.by_hours.to_string(),
            b.forecast.p.to_string(),
            b.forecast.lo.to_string(),
            b.forecast.hi.to_string(),
            (if b.observed { "1" } else { "0" }).to_string(),
            b.brier.to_string(),
            b.log.to_string(),
        ])?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}
