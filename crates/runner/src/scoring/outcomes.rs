//! The outcomes a result and a record both cover, scored: which binary
//! outcomes, times to first clash and places the record settles, and which
//! it cannot (with the reason).

use super::*;
use crate::observed::{Kind, Place, Record};
use crate::result::{Engine, ResultDoc};

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
