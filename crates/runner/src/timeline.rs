//! A run's event log with names resolved: the events of `frontline trace`
//! (and of `frontline diff` on traces), as a readable timeline or JSON
//! lines.

use std::fmt::Write as _;

use clap::ValueEnum;
use frontline_sim::geo::unproject;
use frontline_sim::metrics::{LogEvent, Severity};
use frontline_sim::theatre::Theatre;
use serde::{Deserialize, Serialize};

/// Kinds of trace events, for `--kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Incidents that did not escalate.
    Incident,
    /// Incidents that became clashes (not engagements).
    Clash,
    /// Clashes that became engagements.
    Engagement,
    /// Punitive strikes of an exclusion zone's owner on intruders
    /// (`STRIKE` in the timeline; not the scheduled `strike` events, which
    /// show as `scheduled`).
    PunitiveStrike,
    /// Stance changes.
    Stance,
    /// Site captures.
    Capture,
    /// Forces breaking.
    Broken,
    /// Forces destroyed.
    Destroyed,
    /// Forces reaching their objective.
    Arrived,
    /// Scheduled events applied.
    Scheduled,
}

/// One trace entry with names resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceEvent {
    /// Hours from the start.
    pub hours: f64,
    /// What happened.
    pub kind: Kind,
    /// Faction ids involved.
    pub factions: Vec<String>,
    /// Force ids involved.
    pub forces: Vec<String>,
    /// Site id, if any.
    pub site: Option<String>,
    /// Segment id (`LINE#k`), if any.
    pub segment: Option<String>,
    /// Zone id, for incursions.
    pub zone: Option<String>,
    /// Latitude of the event, where it has a place.
    pub lat: Option<f64>,
    /// Longitude.
    pub lon: Option<f64>,
    /// Personnel lost per force, for incidents.
    pub casualties: Vec<f64>,
    /// Free detail (new stance, new owner, …).
    pub detail: String,
}

/// Resolves a run's log into trace events.
pub fn trace_events(th: &Theatre, log: &[LogEvent]) -> Vec<TraceEvent> {
    let s = &th.scenario;
    let fac = |f: u16| s.factions[f as usize].id.clone();
    let force = |i: u32| th.forces[i as usize].id.clone();
    let force_faction = |i: u32| s.factions[th.forces[i as usize].faction.index()].id.clone();
    let seg = |i: u32| {
        let g = &s.segments[i as usize];
        format!("{}#{}", s.contact_lines[g.line].id, g.index_in_line + 1)
    };
    let site = |i: u32| s.sites[i as usize].id.clone();
    let blank = |hours: f64, kind: Kind| TraceEvent {
        hours,
        kind,
        factions: Vec::new(),
        forces: Vec::new(),
        site: None,
        segment: None,
        zone: None,
        lat: None,
        lon: None,
        casualties: Vec::new(),
        detail: String::new(),
    };
    log.iter()
        .map(|e| match e {
            LogEvent::Incident {
                hours,
                pair,
                forces,
                severity,
                at,
                segment,
                site: st,
                zone,
                casualties,
            } => {
                let kind = match severity {
                    Severity::Incident => Kind::Incident,
                    Severity::Clash => Kind::Clash,
                    Severity::Engagement => Kind::Engagement,
                };
                let ll = unproject(s.origin, *at);
                let mut fs = vec![force(forces[0])];
                let mut cs = vec![casualties[0]];
                if forces[1] != forces[0] {
                    fs.push(force(forces[1]));
                    cs.push(casualties[1]);
                }
                TraceEvent {
                    factions: vec![fac(pair[0]), fac(pair[1])],
                    forces: fs,
                    site: st.map(site),
                    segment: segment.map(seg),
                    zone: zone.map(|z| s.zones[z as usize].id.clone()),
                    lat: Some((ll.lat * 1e5).round() / 1e5),
                    lon: Some((ll.lon * 1e5).round() / 1e5),
                    casualties: cs,
                    ..blank(*hours, kind)
                }
            }
            LogEvent::Stance {
                hours,
                pair,
                stance,
                escalation,
            } => TraceEvent {
                factions: vec![fac(pair[0]), fac(pair[1])],
                detail: format!(
                    "stance {}{}",
                    stance.as_str(),
                    match (escalation, stance.as_str()) {
                        (false, _) => "",
                        (true, "hostile") => " (after repeated clashes)",
                        (true, _) => " (cooled down)",
                    }
                ),
                ..blank(*hours, Kind::Stance)
            },
            LogEvent::PunitiveStrike {
                hours,
                pair,
                force: f,
                severity,
                at,
                zone,
                casualties,
            } => {
                let ll = unproject(s.origin, *at);
                let severity = match severity {
                    Severity::Incident => "incident",
                    Severity::Clash => "clash",
                    Severity::Engagement => "engagement",
                };
                TraceEvent {
                    factions: vec![fac(pair[0]), fac(pair[1])],
                    forces: vec![force(*f)],
                    zone: Some(s.zones[*zone as usize].id.clone()),
                    lat: Some((ll.lat * 1e5).round() / 1e5),
                    lon: Some((ll.lon * 1e5).round() / 1e5),
                    casualties: vec![*casualties],
                    detail: format!("punitive ({severity})"),
                    ..blank(*hours, Kind::PunitiveStrike)
                }
            }
            LogEvent::Capture {
                hours,
                site: st,
                from,
                to,
            } => {
                let name = |f: &Option<u16>| f.map_or("none".to_string(), fac);
                TraceEvent {
                    factions: to.iter().chain(from.iter()).map(|&f| fac(f)).collect(),
                    site: Some(site(*st)),
                    detail: format!("{} → {}", name(from), name(to)),
                    ..blank(*hours, Kind::Capture)
                }
            }
            LogEvent::Broken { hours, force: f } => TraceEvent {
                factions: vec![force_faction(*f)],
                forces: vec![force(*f)],
                ..blank(*hours, Kind::Broken)
            },
            LogEvent::Destroyed { hours, force: f } => TraceEvent {
                factions: vec![force_faction(*f)],
                forces: vec![force(*f)],
                ..blank(*hours, Kind::Destroyed)
            },
            LogEvent::Arrived { hours, force: f } => TraceEvent {
                factions: vec![force_faction(*f)],
                forces: vec![force(*f)],
                ..blank(*hours, Kind::Arrived)
            },
            LogEvent::Scheduled { hours, index } => TraceEvent {
                detail: format!("scheduled event #{} applied", index + 1),
                ..blank(*hours, Kind::Scheduled)
            },
        })
        .collect()
}

fn clock(hours: f64) -> String {
    let day = (hours / 24.0).floor();
    let rem = hours - day * 24.0;
    let (h, m) = (rem.floor(), ((rem - rem.floor()) * 60.0).floor());
    format!("day {:>3} {:02}:{:02}", day as u64, h as u64, m as u64)
}

/// The readable timeline.
pub fn text(th: &Theatre, events: &[TraceEvent], seed: u64, run: u64) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} — run {run} of seed {seed}: {} event{}",
        th.scenario.name,
        events.len(),
        if events.len() == 1 { "" } else { "s" }
    );
    for e in events {
        let what = match e.kind {
            Kind::Incident => "incident",
            Kind::Clash => "CLASH",
            Kind::Engagement => "ENGAGEMENT",
            Kind::PunitiveStrike => "STRIKE",
            Kind::Stance => "stance",
            Kind::Capture => "capture",
            Kind::Broken => "broken",
            Kind::Destroyed => "destroyed",
            Kind::Arrived => "arrived",
            Kind::Scheduled => "scheduled",
        };
        let mut line = format!("{}  {:<10} ", clock(e.hours), what);
        if !e.factions.is_empty() {
            let _ = write!(line, "{:<14} ", e.factions.join("–"));
        }
        if !e.forces.is_empty() {
            let _ = write!(line, "{} ", e.forces.join(" vs "));
        }
        if let Some(z) = &e.zone {
            let _ = write!(line, "in zone {z} ");
        }
        if let Some(sg) = &e.segment {
            let _ = write!(line, "on {sg} ");
        }
        if let Some(st) = &e.site {
            let _ = write!(
                line,
                "{}{st} ",
                if e.kind == Kind::Capture { "" } else { "near " }
            );
        }
        if let (Some(lat), Some(lon)) = (e.lat, e.lon) {
            let _ = write!(line, "({lat:.3}, {lon:.3}) ");
        }
        if e.casualties.iter().any(|&c| c > 0.0) {
            let cs: Vec<String> = e.casualties.iter().map(|c| format!("{c:.0}")).collect();
            let _ = write!(line, "casualties {} ", cs.join("/"));
        }
        line.push_str(&e.detail);
        let _ = writeln!(o, "{}", line.trim_end());
    }
    o
}

/// JSON lines, one event per line.
pub fn jsonl(events: &[TraceEvent]) -> String {
    let mut o = String::new();
    for e in events {
        o.push_str(&serde_json::to_string(e).expect("trace events serialize"));
        o.push('\n');
    }
    o
}
