//! The result document of `frontline run`, and its renderings.
//!
//! The JSON form is the archival one: schema tag, engine version, scenario
//! name and content hash, seed, runs, every estimate, and the exact
//! sufficient statistics they were derived from (so that results can be
//! merged or re-analysed). Its layout is documented in docs/cli.md.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::estimate::{Estimates, Proportion, estimate};
use crate::load::Loaded;
use crate::stats::Stats;
use frontline_sim::theatre::Theatre;

/// Schema tag of result files.
pub const SCHEMA: &str = "frontline.result/1";

/// The engine that produced a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Engine {
    /// `frontline`.
    pub name: String,
    /// Crate version.
    pub version: String,
}

impl Engine {
    /// This engine.
    pub fn current() -> Self {
        Self {
            name: "frontline".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }
}

/// What was simulated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScenarioInfo {
    /// Scenario name.
    pub name: String,
    /// File it came from.
    pub source: String,
    /// SHA-256 of the canonical scenario content (after `--set`).
    pub hash: String,
    /// `--set` overrides applied, as given.
    pub overrides: Vec<String>,
    /// Start date.
    pub start_date: String,
    /// Horizon, days.
    pub horizon_days: f64,
    /// Tick, hours.
    pub tick_hours: f64,
}

/// A complete result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultDoc {
    /// [`SCHEMA`].
    pub schema: String,
    /// Engine and version.
    pub engine: Engine,
    /// Scenario.
    pub scenario: ScenarioInfo,
    /// Master seed.
    pub seed: u64,
    /// Runs played.
    pub runs: u64,
    /// Confidence level of every interval.
    pub confidence: f64,
    /// Estimates.
    pub estimates: Estimates,
    /// Exact sufficient statistics.
    pub statistics: Stats,
}

impl ResultDoc {
    /// Builds the document for `stats` of `loaded`.
    pub fn new(
        loaded: &Loaded,
        theatre: &Theatre,
        overrides: &[String],
        seed: u64,
        stats: Stats,
    ) -> Self {
        let s = &loaded.scenario;
        Self {
            schema: SCHEMA.into(),
            engine: Engine::current(),
            scenario: ScenarioInfo {
                name: s.name.clone(),
                source: loaded.source.clone(),
                hash: loaded.hash.clone(),
                overrides: overrides.to_vec(),
                start_date: s.start_date.clone(),
                horizon_days: s.horizon_hours / 24.0,
                tick_hours: s.tick_hours,
            },
            seed,
            runs: stats.runs,
            confidence: 0.95,
            estimates: estimate(theatre, &stats),
            statistics: stats,
        }
    }

    /// Pretty JSON with a trailing newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("results serialize");
        s.push('\n');
        s
    }
}

fn pct(p: &Proportion) -> String {
    format!(
        "{:5.1}% [{:.1}, {:.1}]",
        100.0 * p.p,
        100.0 * p.lo,
        100.0 * p.hi
    )
}

/// A mean with its interval, with enough decimals for small values.
fn mean_ci(m: &crate::estimate::Mean) -> String {
    let d = if m.mean.abs() >= 100.0 {
        0
    } else if m.mean.abs() >= 1.0 {
        1
    } else {
        2
    };
    format!("{:.d$} [{:.d$}, {:.d$}]", m.mean, m.lo, m.hi)
}

fn lat_lon(lat: f64, lon: f64) -> String {
    format!(
        "{:.4}{} {:.4}{}",
        lat.abs(),
        if lat < 0.0 { 'S' } else { 'N' },
        lon.abs(),
        if lon < 0.0 { 'W' } else { 'E' }
    )
}

fn days(q: Option<f64>, horizon: f64) -> String {
    match q {
        Some(d) => format!("{d:.1}"),
        None => format!(">{horizon:.0}"),
    }
}

/// The terminal table: headline risks first, then where and when, then the
/// rest, then the runs and seed used.
pub fn table(doc: &ResultDoc) -> String {
    let mut o = String::new();
    let e = &doc.estimates;
    let h = doc.scenario.horizon_days;
    let _ = writeln!(
        o,
        "{} — risk of clashes within {} days from {}",
        doc.scenario.name, h, doc.scenario.start_date
    );
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<22} {:<11} {:<22} {:<22} {:<22} {:>14}",
        "pair",
        "stance",
        "P(incident) [95% CI]",
        "P(clash) [95% CI]",
        "P(engagement) [95% CI]",
        "E[clashes]"
    );
    let mut pairs: Vec<_> = e.pairs.iter().collect();
    pairs.sort_by(|x, y| {
        y.clash
            .k
            .cmp(&x.clash.k)
            .then(y.incident.k.cmp(&x.incident.k))
    });
    for p in &pairs {
        let _ = writeln!(
            o,
            "{:<22} {:<11} {:<22} {:<22} {:<22} {:>14}",
            format!("{} – {}", p.a, p.b),
            p.stance,
            pct(&p.incident),
            pct(&p.clash),
            pct(&p.engagement),
            format!(
                "{:.2} ±{:.2}",
                p.expected_clashes.mean,
                p.expected_clashes.hi - p.expected_clashes.mean
            ),
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(o, "Time to first clash, days (quantiles over all runs):");
    let _ = writeln!(
        o,
        "{:<22} {:>7} {:>7} {:>7} {:>7} {:>7}   {:>14} {:>14} {:>16}",
        "pair",
        "10%",
        "25%",
        "50%",
        "75%",
        "90%",
        "turned hostile",
        "hostile at end",
        "days hostile"
    );
    for p in &pairs {
        let q = &p.first_clash.quantiles_days;
        let d = &p.expected_hostile_days;
        let _ = writeln!(
            o,
            "{:<22} {:>7} {:>7} {:>7} {:>7} {:>7}   {:>13.1}% {:>13.1}% {:>16}",
            format!("{} – {}", p.a, p.b),
            days(q[0].1, h),
            days(q[1].1, h),
            days(q[2].1, h),
            days(q[3].1, h),
            days(q[4].1, h),
            100.0 * p.turned_hostile.p,
            100.0 * p.hostile_at_end.p,
            format!("{:.2} ±{:.2}", d.mean, d.hi - d.mean)
        );
    }
    let struck: Vec<_> = pairs.iter().filter(|p| p.punitive_strike.k > 0).collect();
    if !struck.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Punitive strikes of zone owners on intruders, by pair:");
        for p in struck {
            let m = &p.expected_punitive_strikes;
            let _ = writeln!(
                o,
                "  {:<24} P(any) {}   E[count] {:.2} ±{:.2}",
                format!("{} – {}", p.a, p.b),
                pct(&p.punitive_strike),
                m.mean,
                m.hi - m.mean
            );
        }
    }
    for (title, spots) in [
        ("Contact-line hotspots", &e.segment_hotspots),
        (
            "Site hotspots (nearest site within reach)",
            &e.site_hotspots,
        ),
    ] {
        if spots.is_empty() {
            continue;
        }
        let _ = writeln!(o);
        let _ = writeln!(o, "{title}, by P(clash there) [95% CI]:");
        for s in spots.iter().take(8) {
            let _ = writeln!(
                o,
                "  {:<26} {:>20}   {}   {:>5.1}% of clashes",
                s.id,
                lat_lon(s.lat, s.lon),
                pct(&s.clash),
                100.0 * s.share_of_clashes
            );
        }
        if spots.len() > 8 {
            let _ = writeln!(o, "  … {} more in the JSON output", spots.len() - 8);
        }
    }
    if !e.zones.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Punitive strikes on intruders, by zone:");
        for z in &e.zones {
            let _ = writeln!(
                o,
                "  {:<26} P(any) {}   E[count] {:.2}",
                z.id,
                pct(&z.incident),
                z.expected_incidents
            );
        }
    }
    if !e.sites.is_empty() {
        let _ = writeln!(o);
        let _ = writeln!(o, "Site owners at day {h} (P, most likely first):");
    }
    for s in &e.sites {
        let owners: Vec<String> = s
            .owner_end
            .iter()
            .take(3)
            .map(|(f, p)| format!("{f} {:.1}%", 100.0 * p.p))
            .collect();
        let _ = writeln!(
            o,
            "  {:<26} start {:<8} end: {}",
            s.id,
            s.owner_start,
            owners.join(", ")
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<12} {:>24} {:>24}",
        "faction", "casualties [95% CI]", "revenue [95% CI]"
    );
    for f in &e.factions {
        let _ = writeln!(
            o,
            "{:<12} {:>24} {:>24}",
            f.id,
            mean_ci(&f.casualties),
            mean_ci(&f.revenue),
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{} runs, seed {}, scenario {} (sha256 {}), frontline {}",
        doc.runs,
        doc.seed,
        doc.scenario.source,
        &doc.scenario.hash[..12],
        doc.engine.version
    );
    if !doc.scenario.overrides.is_empty() {
        let _ = writeln!(o, "overrides: {}", doc.scenario.overrides.join(" "));
    }
    o
}

/// A tidy CSV of every estimate: `section,subject,metric,estimate,lo,hi`.
pub fn csv(doc: &ResultDoc) -> anyhow::Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["section", "subject", "metric", "estimate", "lo", "hi"])?;
    let mut rec = |sec: &str, sub: &str, metric: &str, est: f64, lo: f64, hi: f64| {
        w.write_record([
            sec.to_string(),
            sub.to_string(),
            metric.to_string(),
            est.to_string(),
            lo.to_string(),
            hi.to_string(),
        ])
    };
    let e = &doc.estimates;
    for p in &e.pairs {
        let sub = format!("{}-{}", p.a, p.b);
        for (m, x) in [
            ("p_incident", &p.incident),
            ("p_clash", &p.clash),
            ("p_engagement", &p.engagement),
            ("p_turned_hostile", &p.turned_hostile),
            ("p_hostile_at_end", &p.hostile_at_end),
            ("p_punitive_strike", &p.punitive_strike),
        ] {
            rec("pair", &sub, m, x.p, x.lo, x.hi)?;
        }
        for (m, x) in [
            ("expected_incidents", &p.expected_incidents),
            ("expected_clashes", &p.expected_clashes),
            ("expected_engagements", &p.expected_engagements),
            ("expected_hostile_days", &p.expected_hostile_days),
            ("expected_punitive_strikes", &p.expected_punitive_strikes),
        ] {
            rec("pair", &sub, m, x.mean, x.lo, x.hi)?;
        }
        for c in &p.first_clash.by_day {
            rec(
                "pair",
                &sub,
                &format!("p_clash_by_day_{}", c.day),
                c.by.p,
                c.by.lo,
                c.by.hi,
            )?;
        }
    }
    for s in e.segment_hotspots.iter().chain(&e.site_hotspots) {
        rec(&s.kind, &s.id, "p_clash", s.clash.p, s.clash.lo, s.clash.hi)?;
        rec(
            &s.kind,
            &s.id,
            "p_incident",
            s.incident.p,
            s.incident.lo,
            s.incident.hi,
        )?;
    }
    for s in &e.sites {
        for (f, p) in &s.owner_end {
            rec("site", &s.id, &format!("p_owner_end_{f}"), p.p, p.lo, p.hi)?;
        }
    }
    for f in &e.factions {
        let (c, r) = (&f.casualties, &f.revenue);
        rec("faction", &f.id, "casualties", c.mean, c.lo, c.hi)?;
        rec("faction", &f.id, "revenue", r.mean, r.lo, r.hi)?;
    }
    for z in &e.zones {
        let p = &z.incident;
        rec("zone", &z.id, "p_incident", p.p, p.lo, p.hi)?;
    }
    Ok(String::from_utf8(w.into_inner()?)?)
}
