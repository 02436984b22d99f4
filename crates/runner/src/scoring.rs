//! Scores of a result's probabilistic forecasts against an observed record
//! (docs/validation.md): Brier and logarithmic scores of every binary
//! outcome the result and the record both cover, the threshold-weighted
//! CRPS of the time to first clash, the distance from observed places to the
//! forecast hotspots, each beside a stated baseline with its skill score,
//! and a reliability table.
//!
//! Nothing is dropped silently: an outcome the record cannot settle, or the
//! result does not forecast, is listed with the reason.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::estimate::{Proportion, wilson};
use crate::observed::{Kind, Place, Record};
use crate::result::{Engine, ResultDoc};

/// Schema tag of score documents.
pub const SCHEMA: &str = "frontline.score/1";

/// Number of equal-width bins of the reliability table.
pub const RELIABILITY_BINS: usize = 10;

/// Mean Earth radius, km (the IUGG mean radius, rounded).
pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// One binary outcome, forecast and observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Binary {
    /// What, in words: `clash saa:sdf by day 18.0`.
    pub outcome: String,
    /// `incident`, `clash`, `engagement`, `turned_hostile` or `owner_end`.
    pub kind: String,
    /// The pair `a:b`, or `site=owner`.
    pub subject: String,
    /// End of the scored window, hours since the scenario's start.
    pub by_hours: f64,
    /// Forecast probability, with its Monte Carlo interval.
    pub forecast: Proportion,
    /// Whether it happened, per the record.
    pub observed: bool,
    /// The record's evidence: event numbers, or why it is false.
    pub evidence: String,
    /// (p − o)².
    pub brier: f64,
    /// −ln of the clipped probability given to what happened.
    pub log: f64,
}

/// An outcome that could not be scored, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NotScored {
    /// The outcome (or a group of them).
    pub outcome: String,
    /// Why.
    pub reason: String,
}

/// A mean score beside its baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Number of scored outcomes.
    pub n: usize,
    /// Mean score of the result (lower is better).
    pub score: f64,
    /// Mean score of the baseline.
    pub baseline: f64,
    /// 1 − score / baseline (1 perfect, 0 no better than the baseline,
    /// negative worse); `None` when there is nothing scored or the baseline
    /// is 0.
    pub skill: Option<f64>,
}

impl Summary {
    /// Mean of `(score, baseline)` pairs.
    pub fn of(values: impl Iterator<Item = (f64, f64)>) -> Summary {
        let (mut n, mut s, mut b) = (0usize, 0.0, 0.0);
        for (x, y) in values {
            n += 1;
            s += x;
            b += y;
        }
        if n == 0 {
            return Summary {
                n,
                score: 0.0,
                baseline: 0.0,
                skill: None,
            };
        }
        let (s, b) = (s / n as f64, b / n as f64);
        Summary {
            n,
            score: s,
            baseline: b,
            skill: (b > 0.0).then(|| 1.0 - s / b),
        }
    }
}

/// CRPS of the time to first clash of one pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Crps {
    /// The pair, `a:b`.
    pub pair: String,
    /// The scored window [0, T], T in days.
    pub to_days: f64,
    /// The observed time to first clash, days (midpoint of the event's
    /// dates), or `None`: no clash within the window (censored beyond T).
    pub observed_days: Option<f64>,
    /// Threshold-weighted CRPS over [0, T], days.
    pub crps_days: f64,
    /// The same for the baseline, days.
    pub baseline_days: f64,
}

/// Distance from an observed place to the forecast hotspots.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceScore {
    /// The record's event number.
    pub event: usize,
    /// The pair.
    pub pair: String,
    /// The event's rung: `incident`, `clash` or `engagement`.
    pub rung: String,
    /// Mean distance to the hotspots, weighted by their probability, km.
    pub distance_km: f64,
    /// Mean distance to the same hotspots, equal weights, km.
    pub baseline_km: f64,
    /// Distance to the nearest hotspot, km.
    pub nearest_km: f64,
}

/// One bin of the reliability table.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ReliabilityBin {
    /// Lower edge of the forecast probability.
    pub lo: f64,
    /// Upper edge.
    pub hi: f64,
    /// Outcomes whose forecast falls in the bin.
    pub n: usize,
    /// Their mean forecast (0 when empty).
    pub mean_forecast: f64,
    /// Share of them that happened, with its 95 % Wilson interval.
    pub observed: Proportion,
}

/// What the scorer made of each event of the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventUse {
    /// Event number in the file.
    pub event: usize,
    /// Kind.
    pub kind: String,
    /// Pair or faction.
    pub subject: String,
    /// Day since the scenario's start (the midpoint of its dates).
    pub day: f64,
    /// How it was used, or why not.
    pub status: String,
}

/// The result and the record that were scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    /// Scenario name.
    pub scenario: String,
    /// Scenario hash.
    pub hash: String,
    /// The result's seed.
    pub seed: u64,
    /// Its runs.
    pub runs: u64,
    /// Scenario start.
    pub start_date: String,
    /// Horizon, days.
    pub horizon_days: f64,
    /// Record title.
    pub record: String,
    /// Record file.
    pub record_source: String,
    /// Record window, as written.
    pub window: (String, String),
    /// Record window, days since the scenario's start.
    pub window_days: (f64, f64),
    /// Pairs the record covers.
    pub pairs: Vec<String>,
}

/// The score document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreDoc {
    /// [`SCHEMA`].
    pub schema: String,
    /// Engine.
    pub engine: Engine,
    /// What was scored.
    pub scored: Scored,
    /// Every scored binary outcome.
    pub binary: Vec<Binary>,
    /// Mean Brier score; baseline: a constant 0.5.
    pub brier: Summary,
    /// Mean log score (nats); baseline: a constant 0.5 (ln 2).
    pub log: Summary,
    /// Probabilities were clipped to [clip, 1 − clip] for the log score.
    pub log_clip: f64,
    /// CRPS of the time to first clash, per covered pair.
    pub crps: Vec<Crps>,
    /// Mean CRPS (days); baseline: 50 % within the horizon, evenly spread.
    pub crps_summary: Summary,
    /// Place scores, per located event.
    pub place: Vec<PlaceScore>,
    /// Mean distance (km); baseline: equal weights.
    pub place_summary: Summary,
    /// Reliability table of the binary outcomes.
    pub reliability: Vec<ReliabilityBin>,
    /// What could not be scored.
    pub not_scored: Vec<NotScored>,
    /// What became of each event of the record.
    pub events: Vec<EventUse>,
}

/// (p − o)².
pub fn brier(p: f64, observed: bool) -> f64 {
    let o = if observed { 1.0 } else { 0.0 };
    (p - o) * (p - o)
}

/// The clip of the log score for a forecast from `runs` runs: half a run,
/// 1/(2R).
pub fn log_clip(runs: u64) -> f64 {
    0.5 / runs.max(1) as f64
}

/// −ln of the probability given to what happened, with p clipped to
/// [clip, 1 − clip].
pub fn log_score(p: f64, observed: bool, clip: f64) -> f64 {
    let p = p.clamp(clip, 1.0 - clip);
    if observed { -p.ln() } else { -(1.0 - p).ln() }
}

/// Threshold-weighted CRPS over [0, t] of a step CDF with atoms
/// `(x, weight)` (weights summing to at most 1; the rest lies beyond t)
/// against an observation `y` (`None`: beyond t):
/// ∫₀ᵗ (F(s) − 1{s ≥ y})² ds.
pub fn crps_step(atoms: &[(f64, f64)], y: Option<f64>, t: f64) -> f64 {
    let mut xs: Vec<(f64, f64)> = atoms
        .iter()
        .copied()
        .filter(|&(x, w)| x < t && w > 0.0)
        .collect();
    xs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let y = y.filter(|&y| y < t);
    // Breakpoints: 0, each atom, y, t; F and the indicator are constant
    // between consecutive ones.
    let mut points: Vec<f64> = std::iter::once(0.0)
        .chain(xs.iter().map(|&(x, _)| x.max(0.0)))
        .chain(y.map(|y| y.max(0.0)))
        .chain(std::iter::once(t))
        .collect();
    points.sort_by(f64::total_cmp);
    let (mut total, mut f, mut next) = (0.0, 0.0, 0usize);
    for w in points.windows(2) {
        let (a, b) = (w[0], w[1]);
        while next < xs.len() && xs[next].0 <= a {
            f += xs[next].1;
            next += 1;
        }
        if b > a {
            let h = if y.is_some_and(|y| y <= a) { 1.0 } else { 0.0 };
            total += (f - h) * (f - h) * (b - a);
        }
    }
    total
}

/// Threshold-weighted CRPS over [0, t] of the linear CDF F(s) = a·s
/// (a·t ≤ 1) against `y` (`None`: beyond t), in closed form.
pub fn crps_linear(a: f64, y: Option<f64>, t: f64) -> f64 {
    let m = y.map_or(t, |y| y.clamp(0.0, t));
    let below = a * a * m * m * m / 3.0;
    let above = if a > 0.0 {
        ((a * t - 1.0).powi(3) - (a * m - 1.0).powi(3)) / (3.0 * a)
    } else {
        t - m
    };
    below + above
}

/// Great-circle distance, km.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

/// The reliability table of `(forecast, observed)` pairs in
/// [`RELIABILITY_BINS`] equal bins (the last one closed).
pub fn reliability(outcomes: &[(f64, bool)]) -> Vec<ReliabilityBin> {
    let k = RELIABILITY_BINS;
    (0..k)
        .map(|i| {
            let (lo, hi) = (i as f64 / k as f64, (i + 1) as f64 / k as f64);
            let inside: Vec<&(f64, bool)> = outcomes
                .iter()
                .filter(|(p, _)| ((p * k as f64).floor() as usize).min(k - 1) == i)
                .collect();
            let n = inside.len();
            let hits = inside.iter().filter(|(_, o)| *o).count() as u64;
            ReliabilityBin {
                lo,
                hi,
                n,
                mean_forecast: if n == 0 {
                    0.0
                } else {
                    inside.iter().map(|(p, _)| p).sum::<f64>() / n as f64
                },
                observed: wilson(hits, n as u64),
            }
        })
        .collect()
}

fn days(h: f64) -> String {
    format!("day {:.1}", h / 24.0)
}

/// Scores `doc` against `rec` (already checked against it).
pub fn score(doc: &ResultDoc, rec: &Record) -> ScoreDoc {
    let st = &doc.statistics;
    let runs = st.runs;
    let clip = log_clip(runs);
    let horizon_h = doc.scenario.horizon_days * 24.0;
    let bh = f64::from(st.bin_hours.max(1));
    let pair_name = |i: usize| {
        let p = &doc.estimates.pairs[i];
        format!("{}:{}", p.a, p.b)
    };
    let mut binary = Vec::new();
    let mut not_scored = Vec::new();
    let mut crps = Vec::new();
    let mut uses: Vec<Option<String>> = vec![None; rec.events.len()];

    // The window [0, T] over which first events can be scored: from the
    // scenario's start (the record must cover it) to the window's end,
    // rounded down to a bin of the result.
    let t_end = if rec.to_h >= horizon_h {
        horizon_h
    } else {
        (rec.to_h / bh).floor() * bh
    };
    let from_ok = rec.from_h <= 0.0;
    let whole = from_ok && rec.to_h >= horizon_h;
    let late = format!(
        "the record's window starts on {} after the scenario's start; the result forecasts first events from the start, and the record does not say what happened before its window",
        days(rec.from_h)
    );
    let short = format!(
        "the result gives it over the whole horizon ({} days) only, and the record's window ends on {}",
        doc.scenario.horizon_days,
        days(rec.to_h)
    );

    for (i, p) in doc.estimates.pairs.iter().enumerate() {
        let name = pair_name(i);
        if !rec.pairs.contains(&i) {
            not_scored.push(NotScored {
                outcome: format!("every outcome of {name}"),
                reason: "the record does not cover this pair (add it to `record.pairs` if the record lists its events completely)".into(),
            });
            continue;
        }
        let ps = &st.pairs[i];
        // Events of the pair at or above rung r, their indices in the record.
        let at_least = |r: u8| -> Vec<usize> {
            rec.events
                .iter()
                .enumerate()
                .filter(|(_, e)| e.pair == Some(i) && e.rung.is_some_and(|x| x >= r))
                .map(|(k, _)| k)
                .collect()
        };
        let hostile: Vec<usize> = rec
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.pair == Some(i) && e.kind == Kind::Hostile)
            .map(|(k, _)| k)
            .collect();
        // Decides "at least one of `evs` in [0, t]": Ok(Some(list)) yes,
        // Ok(None) no, Err(reason) when a date straddles 0 or t.
        let settle = |evs: &[usize], t: f64| -> Result<Option<Vec<usize>>, String> {
            let mut yes = Vec::new();
            for &k in evs {
                let e = &rec.events[k];
                if e.to_h <= 0.0 || e.from_h >= t {
                    continue;
                }
                if e.from_h < 0.0 || e.to_h > t {
                    return Err(format!(
                        "event #{} is dated only to days {:.1}–{:.1}, which straddles the scored window [0, {:.1}] days",
                        e.number,
                        e.from_h / 24.0,
                        e.to_h / 24.0,
                        t / 24.0
                    ));
                }
                yes.push(k);
            }
            Ok((!yes.is_empty()).then_some(yes))
        };
        let evidence = |found: &Option<Vec<usize>>, what: &str| match found {
            Some(ks) => ks
                .iter()
                .map(|&k| format!("#{}", rec.events[k].number))
                .collect::<Vec<_>>()
                .join(" "),
            None => format!("no {what} in the record's window"),
        };
        let make = |kind: &str,
                    what: &str,
                    t: f64,
                    forecast: Proportion,
                    found: Result<Option<Vec<usize>>, String>|
         -> Result<(Binary, Vec<usize>), NotScored> {
            let outcome = format!("{what} {name} by {}", days(t));
            let found = found.map_err(|reason| NotScored {
                outcome: outcome.clone(),
                reason,
            })?;
            let observed = found.is_some();
            Ok((
                Binary {
                    outcome,
                    kind: kind.into(),
                    subject: name.clone(),
                    by_hours: t,
                    brier: brier(forecast.p, observed),
                    log: log_score(forecast.p, observed, clip),
                    forecast,
                    observed,
                    evidence: evidence(&found, what),
                },
                found.unwrap_or_default(),
            ))
        };
        let mut record = |r: Result<(Binary, Vec<usize>), NotScored>,
                          binary: &mut Vec<Binary>,
                          not_scored: &mut Vec<NotScored>| match r {
            Ok((b, ks)) => {
                for k in ks {
                    uses[k].get_or_insert_with(|| format!("settles {} {}", b.kind, b.subject));
                }
                binary.push(b);
            }
            Err(n) => not_scored.push(n),
        };
        let by = |bins: &[u64], t: f64| -> Proportion {
            let k: u64 = bins
                .iter()
                .enumerate()
                .filter(|(j, _)| (*j as f64 + 1.0) * bh <= t + 1e-9 || t >= horizon_h)
                .map(|(_, c)| c)
                .sum();
            wilson(k, runs)
        };
        for (rung, what, bins) in [
            (1u8, "incident", &ps.first_incident_bins),
            (2, "clash", &ps.first_clash_bins),
        ] {
            if !from_ok {
                not_scored.push(NotScored {
                    outcome: format!("{what} {name}"),
                    reason: late.clone(),
                });
            } else if t_end <= 0.0 {
                not_scored.push(NotScored {
                    outcome: format!("{what} {name}"),
                    reason: "the record's window ends before the first bin of the result's time to first event".into(),
                });
            } else {
                let found = settle(&at_least(rung), t_end);
                record(
                    make(what, what, t_end, by(bins, t_end), found),
                    &mut binary,
                    &mut not_scored,
                );
            }
        }
        for (what, kind, forecast, evs) in [
            ("engagement", "engagement", p.engagement, at_least(3)),
            (
                "turned hostile",
                "turned_hostile",
                p.turned_hostile,
                hostile,
            ),
        ] {
            if !from_ok {
                not_scored.push(NotScored {
                    outcome: format!("{what} {name}"),
                    reason: late.clone(),
                });
            } else if !whole {
                not_scored.push(NotScored {
                    outcome: format!("{what} {name}"),
                    reason: short.clone(),
                });
            } else {
                let found = settle(&evs, horizon_h);
                record(
                    make(kind, what, horizon_h, forecast, found),
                    &mut binary,
                    &mut not_scored,
                );
            }
        }
        // Time to first clash.
        if from_ok && t_end > 0.0 {
            match settle(&at_least(2), t_end) {
                Err(reason) => not_scored.push(NotScored {
                    outcome: format!("time to first clash {name}"),
                    reason,
                }),
                Ok(found) => {
                    let y = found.map(|ks| {
                        ks.iter()
                            .map(|&k| (rec.events[k].from_h + rec.events[k].to_h) / 2.0 / 24.0)
                            .fold(f64::INFINITY, f64::min)
                    });
                    let atoms: Vec<(f64, f64)> = ps
                        .first_clash_bins
                        .iter()
                        .enumerate()
                        .map(|(j, &c)| ((j as f64 + 0.5) * bh / 24.0, c as f64 / runs as f64))
                        .collect();
                    let t = t_end / 24.0;
                    crps.push(Crps {
                        pair: name.clone(),
                        to_days: t,
                        observed_days: y,
                        crps_days: crps_step(&atoms, y, t),
                        baseline_days: crps_linear(0.5 / doc.scenario.horizon_days, y, t),
                    });
                }
            }
        }
    }

    // Owners at the end.
    for (s, site) in doc.estimates.sites.iter().enumerate() {
        let outcome = format!("owner of {} at the end", site.id);
        let mut known: Vec<(f64, String, String)> = rec
            .owners
            .iter()
            .filter(|o| o.site == s)
            .map(|o| (o.at_h, o.owner.clone(), "owner entry".to_string()))
            .collect();
        for (k, e) in rec.events.iter().enumerate() {
            if e.kind == Kind::Capture && e.place == Some(Place::Site(site.id.clone())) {
                known.push((
                    e.to_h,
                    e.faction.clone().unwrap_or_default(),
                    format!("#{}", rec.events[k].number),
                ));
            }
        }
        if known.is_empty() {
            not_scored.push(NotScored {
                outcome,
                reason: "the record says nothing about this site".into(),
            });
            continue;
        }
        if rec.to_h < horizon_h {
            not_scored.push(NotScored {
                outcome,
                reason: format!(
                    "the result gives the owner at the end of the horizon (day {}), after the record's window ends ({})",
                    doc.scenario.horizon_days,
                    days(rec.to_h)
                ),
            });
            continue;
        }
        let last = known
            .iter()
            .filter(|(t, _, _)| *t <= horizon_h)
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let Some((t, owner, why)) = last.cloned() else {
            not_scored.push(NotScored {
                outcome,
                reason: "the record gives this site's owner only after the horizon's end".into(),
            });
            continue;
        };
        if t < rec.from_h {
            not_scored.push(NotScored {
                outcome,
                reason: "the record's last word on this site precedes its window, so a later change would not be in it".into(),
            });
            continue;
        }
        for (k, e) in rec.events.iter().enumerate() {
            if e.kind == Kind::Capture && e.place == Some(Place::Site(site.id.clone())) {
                uses[k].get_or_insert_with(|| format!("settles the owner of {}", site.id));
            }
        }
        let mut candidates: Vec<(String, Proportion)> = site.owner_end.clone();
        if !candidates.iter().any(|(o, _)| *o == owner) {
            candidates.push((owner.clone(), wilson(0, runs)));
        }
        for (o, forecast) in candidates {
            let observed = o == owner;
            binary.push(Binary {
                outcome: format!("{} held by {o} at the end", site.id),
                kind: "owner_end".into(),
                subject: format!("{}={o}", site.id),
                by_hours: horizon_h,
                brier: brier(forecast.p, observed),
                log: log_score(forecast.p, observed, clip),
                forecast,
                observed,
                evidence: format!("held by {owner} ({why}, {})", days(t)),
            });
        }
    }

    // Places.
    let spots: Vec<_> = doc
        .estimates
        .segment_hotspots
        .iter()
        .chain(&doc.estimates.site_hotspots)
        .collect();
    let mut place = Vec::new();
    for (k, e) in rec.events.iter().enumerate() {
        let (Some(pl), Some(pair), Some(rung)) = (&e.place, e.pair, e.rung) else {
            continue;
        };
        let rung_name = ["incident", "clash", "engagement"][usize::from(rung.clamp(1, 3)) - 1];
        let what = format!("place of event #{}", e.number);
        if e.from_h < 0.0 || e.to_h > horizon_h {
            continue;
        }
        let pos = match pl {
            Place::LatLon { lat, lon } => Some((*lat, *lon)),
            Place::Site(id) | Place::Segment(id) => {
                spots.iter().find(|h| h.id == *id).map(|h| (h.lat, h.lon))
            }
        };
        let Some((lat, lon)) = pos else {
            not_scored.push(NotScored {
                outcome: what,
                reason: "the place is not among the result's hotspots, so the result does not give its position: give `lat` and `lon`".into(),
            });
            continue;
        };
        let weighted: Vec<(f64, f64)> = spots
            .iter()
            .map(|h| {
                let w = if rung >= 2 { h.clash.p } else { h.incident.p };
                (w, haversine_km(lat, lon, h.lat, h.lon))
            })
            .collect();
        let total: f64 = weighted.iter().map(|(w, _)| w).sum();
        if total <= 0.0 {
            not_scored.push(NotScored {
                outcome: what,
                reason: format!("no run had an {rung_name} at any place of the result"),
            });
            continue;
        }
        let distance = weighted.iter().map(|(w, d)| w * d).sum::<f64>() / total;
        let baseline = weighted.iter().map(|(_, d)| d).sum::<f64>() / weighted.len() as f64;
        let nearest = weighted
            .iter()
            .map(|(_, d)| *d)
            .fold(f64::INFINITY, f64::min);
        uses[k].get_or_insert_with(|| "scores the place".into());
        place.push(PlaceScore {
            event: e.number,
            pair: pair_name(pair),
            rung: rung_name.into(),
            distance_km: distance,
            baseline_km: baseline,
            nearest_km: nearest,
        });
    }

    let events = rec
        .events
        .iter()
        .zip(uses)
        .map(|(e, u)| {
            let status = if matches!(e.kind, Kind::ShootDown | Kind::Strike) && e.to_h > 0.0 {
                let used = u.map_or(String::new(), |u| format!("; as its `counts_as`, it {u}"));
                format!("`{}` is not forecast by this result{used}", e.kind.name())
            } else if let Some(u) = u {
                u
            } else if e.to_h <= 0.0 {
                "before the scenario's start: not forecast".into()
            } else if e.from_h >= horizon_h {
                "after the horizon: not forecast".into()
            } else if e.pair.is_some_and(|p| !rec.pairs.contains(&p)) {
                "its pair is not covered by the record".into()
            } else {
                "not used by any scored outcome".into()
            };
            EventUse {
                event: e.number,
                kind: e.kind.name().into(),
                subject: e
                    .pair
                    .map(pair_name)
                    .or_else(|| e.faction.clone())
                    .unwrap_or_default(),
                day: (e.from_h + e.to_h) / 2.0 / 24.0,
                status,
            }
        })
        .collect();

    let outcomes: Vec<(f64, bool)> = binary.iter().map(|b| (b.forecast.p, b.observed)).collect();
    ScoreDoc {
        schema: SCHEMA.into(),
        engine: Engine::current(),
        scored: Scored {
            scenario: doc.scenario.name.clone(),
            hash: doc.scenario.hash.clone(),
            seed: doc.seed,
            runs,
            start_date: doc.scenario.start_date.clone(),
            horizon_days: doc.scenario.horizon_days,
            record: rec.name.clone(),
            record_source: rec.source.clone(),
            window: rec.window.clone(),
            window_days: (rec.from_h / 24.0, rec.to_h / 24.0),
            pairs: rec.pairs.iter().map(|&i| pair_name(i)).collect(),
        },
        brier: Summary::of(binary.iter().map(|b| (b.brier, 0.25))),
        log: Summary::of(binary.iter().map(|b| (b.log, std::f64::consts::LN_2))),
        log_clip: clip,
        crps_summary: Summary::of(crps.iter().map(|c| (c.crps_days, c.baseline_days))),
        place_summary: Summary::of(place.iter().map(|p| (p.distance_km, p.baseline_km))),
        reliability: reliability(&outcomes),
        binary,
        crps,
        place,
        not_scored,
        events,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt as _, SeedableRng as _};

    #[test]
    fn brier_and_log_match_hand_computed_values() {
        assert!((brier(0.7, true) - 0.09).abs() < 1e-15);
        assert!((brier(0.7, false) - 0.49).abs() < 1e-15);
        assert!((log_score(0.7, true, 0.0) - 0.356_674_943_938_732_4).abs() < 1e-15);
        assert!((log_score(0.7, false, 0.0) - 1.203_972_804_325_936).abs() < 1e-15);
        // Clipped to half a run of 10: p = 0 becomes 0.05.
        assert_eq!(log_clip(10), 0.05);
        assert!((log_score(0.0, true, log_clip(10)) - 2.995_732_273_553_991).abs() < 1e-12);
        assert!((log_score(1.0, true, log_clip(10)) - 0.051_293_294_387_550_6).abs() < 1e-12);
    }

    #[test]
    fn a_perfect_forecast_scores_zero_and_has_skill_one() {
        let outcomes = [(1.0, true), (0.0, false), (1.0, true)];
        let s = Summary::of(outcomes.iter().map(|&(p, o)| (brier(p, o), 0.25)));
        assert_eq!(s.score, 0.0);
        assert_eq!(s.skill, Some(1.0));
    }

    #[test]
    fn a_constant_half_scores_a_quarter_and_has_skill_zero() {
        let outcomes = [(0.5, true), (0.5, false), (0.5, false), (0.5, true)];
        let s = Summary::of(outcomes.iter().map(|&(p, o)| (brier(p, o), 0.25)));
        assert_eq!(s.score, 0.25);
        assert_eq!(s.skill, Some(0.0));
        let l = Summary::of(
            outcomes
                .iter()
                .map(|&(p, o)| (log_score(p, o, 0.01), std::f64::consts::LN_2)),
        );
        assert!((l.score - std::f64::consts::LN_2).abs() < 1e-15);
    }

    /// ∫₀ᵗ (F(s) − 1{s ≥ y})² ds by the midpoint rule.
    fn numeric(f: impl Fn(f64) -> f64, y: Option<f64>, t: f64) -> f64 {
        let n = 400_000;
        let h = t / n as f64;
        (0..n)
            .map(|i| {
                let s = (i as f64 + 0.5) * h;
                let o = if y.is_some_and(|y| s >= y) { 1.0 } else { 0.0 };
                (f(s) - o).powi(2) * h
            })
            .sum()
    }

    #[test]
    fn crps_of_a_step_cdf_matches_the_closed_form() {
        // Equal atoms, all within [0, t], y inside: the energy form of
        // Gneiting & Raftery (2007), E|X − y| − ½ E|X − X'|.
        let xs = [1.0, 2.5, 4.0, 7.25];
        let atoms: Vec<(f64, f64)> = xs.iter().map(|&x| (x, 0.25)).collect();
        let y = 3.0;
        let e1 = xs.iter().map(|x| (x - y).abs()).sum::<f64>() / 4.0;
        let e2 = xs
            .iter()
            .flat_map(|a| xs.iter().map(move |b| (a - b).abs()))
            .sum::<f64>()
            / 16.0;
        let t = 20.0;
        // Beyond the last atom and y, F = 1 and the indicator = 1: nothing
        // more to integrate, so the window does not matter.
        assert!((crps_step(&atoms, Some(y), t) - (e1 - e2 / 2.0)).abs() < 1e-12);
        // One atom at x: |x − y|.
        assert!((crps_step(&[(5.0, 1.0)], Some(2.0), 10.0) - 3.0).abs() < 1e-12);
    }

    #[test]
    fn censored_crps_matches_numerical_integration() {
        // Weights summing to 0.6: 40 % beyond the window.
        let atoms = [
            (0.5, 0.1),
            (1.5, 0.2),
            (4.5, 0.25),
            (8.0, 0.05),
            (12.0, 0.3),
        ];
        let f = |s: f64| {
            atoms
                .iter()
                .filter(|(x, _)| *x <= s)
                .map(|(_, w)| w)
                .sum::<f64>()
        };
        let t = 10.0;
        for y in [None, Some(0.2), Some(3.0), Some(9.9)] {
            let exact = crps_step(&atoms, y, t);
            let num = numeric(f, y, t);
            assert!((exact - num).abs() < 1e-4, "{y:?}: {exact} vs {num}");
        }
        // The linear baseline against the same rule.
        let a = 0.5 / 30.0;
        for y in [None, Some(0.0), Some(4.0), Some(17.5)] {
            let exact = crps_linear(a, y, 18.0);
            let num = numeric(|s| a * s, y, 18.0);
            assert!((exact - num).abs() < 1e-4, "{y:?}: {exact} vs {num}");
        }
    }

    #[test]
    fn the_reliability_of_a_calibrated_forecast_lies_on_the_diagonal() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(20);
        let outcomes: Vec<(f64, bool)> = (0..50_000)
            .map(|_| {
                let p: f64 = rng.random();
                let u: f64 = rng.random();
                (p, u < p)
            })
            .collect();
        let table = reliability(&outcomes);
        assert_eq!(table.iter().map(|b| b.n).sum::<usize>(), outcomes.len());
        for b in &table {
            let m = b.mean_forecast;
            // The variance of the hit count is Σ p(1 − p) ≤ n·m(1 − m).
            let se = (m * (1.0 - m) / b.n as f64).sqrt();
            assert!(
                (b.observed.p - m).abs() < 4.5 * se,
                "bin [{}, {}): observed {} vs forecast {m} (se {se})",
                b.lo,
                b.hi,
                b.observed.p
            );
        }
    }

    #[test]
    fn haversine_of_one_degree_of_latitude() {
        let d = haversine_km(35.0, 38.0, 36.0, 38.0);
        assert!((d - EARTH_RADIUS_KM * std::f64::consts::PI / 180.0).abs() < 1e-9);
    }
}
