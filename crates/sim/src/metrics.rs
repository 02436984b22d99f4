//! What a run records, and the [`Outcome`] it hands back.
//!
//! Counting is cheap and always on; the ordered event log is collected only
//! when asked for ([`Metrics::log`]), so the hot path allocates nothing for it.

use bevy_ecs::prelude::Resource;
use serde::{Deserialize, Serialize};

use crate::geo::Vec2;
use crate::scenario::Stance;
use crate::theatre::Theatre;

/// The clock of a run.
///
/// Tick `k` starts at `k · tick_hours` and lasts `tick_hours`, except the last
/// one, which ends at the horizon when the tick does not divide it: no run
/// ever simulates time past the horizon.
#[derive(Resource, Debug, Clone, Copy, Default)]
pub struct Clock {
    /// Index of the current tick.
    pub tick: u32,
    /// Length of the current tick, hours (`tick_hours`, or less for a last
    /// tick cut at the horizon).
    pub dt_hours: f64,
    /// Nominal length of a tick, hours.
    pub tick_hours: f64,
    /// End of the run, hours.
    pub horizon_hours: f64,
}

impl Clock {
    /// The clock at the start of a run.
    pub fn new(tick_hours: f64, horizon_hours: f64) -> Self {
        let mut clock = Self {
            tick: 0,
            dt_hours: 0.0,
            tick_hours,
            horizon_hours,
        };
        clock.set_dt();
        clock
    }

    /// Time at the start of the current tick, hours.
    pub fn hours(&self) -> f64 {
        self.tick as f64 * self.tick_hours
    }

    /// Moves to the next tick.
    pub fn advance(&mut self) {
        self.tick += 1;
        self.set_dt();
    }

    fn set_dt(&mut self) {
        self.dt_hours = self
            .tick_hours
            .min(self.horizon_hours - self.hours())
            .max(0.0);
    }
}

/// Rung of the escalation ladder an incident reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Incident only (shots fired, harassment, a standoff).
    Incident,
    /// An incident that became a clash (casualties).
    Clash,
    /// A clash that became an engagement (heavier casualties).
    Engagement,
}

/// The per-pair results of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairOutcome {
    /// First faction (lower index).
    pub a: u16,
    /// Second faction.
    pub b: u16,
    /// Time of the first incident, hours.
    pub first_incident_h: Option<f64>,
    /// Time of the first clash, hours.
    pub first_clash_h: Option<f64>,
    /// Time of the first engagement, hours.
    pub first_engagement_h: Option<f64>,
    /// Incidents (all rungs).
    pub incidents: u64,
    /// Clashes (including those that became engagements).
    pub clashes: u64,
    /// Engagements.
    pub engagements: u64,
    /// When the stance first turned hostile by escalation, hours.
    pub turned_hostile_h: Option<f64>,
    /// Hours the stance was hostile (by escalation or by scheduled events),
    /// up to the horizon.
    pub hostile_hours: f64,
    /// Whether the stance was hostile at the horizon.
    pub hostile_at_end: bool,
    /// Strikes of the zone owner on intruding forces (docs/model.md §7.8).
    pub punitive_strikes: u64,
}

impl PairOutcome {
    /// A pair with nothing recorded yet.
    pub fn new(a: u16, b: u16) -> Self {
        Self {
            a,
            b,
            first_incident_h: None,
            first_clash_h: None,
            first_engagement_h: None,
            incidents: 0,
            clashes: 0,
            engagements: 0,
            turned_hostile_h: None,
            hostile_hours: 0.0,
            hostile_at_end: false,
            punitive_strikes: 0,
        }
    }
}

/// A change of site owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnerChange {
    /// Time, hours.
    pub hours: f64,
    /// Site index.
    pub site: u32,
    /// New owner.
    pub owner: Option<u16>,
}

/// One entry of the ordered event log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum LogEvent {
    /// A friction incident (or zone incursion incident) and how far it went.
    Incident {
        /// Time, hours.
        hours: f64,
        /// Faction pair (a < b).
        pair: [u16; 2],
        /// The two forces (for an incursion, the intruder twice).
        forces: [u32; 2],
        /// How far it escalated.
        severity: Severity,
        /// Location, km.
        at: Vec2,
        /// Contact-line segment, if any.
        segment: Option<u32>,
        /// Nearest site, if any.
        site: Option<u32>,
        /// Exclusion zone entered, for an incursion.
        zone: Option<u32>,
        /// Personnel lost by each force.
        casualties: [f64; 2],
    },
    /// A strike of an exclusion zone's owner on an intruding force.
    PunitiveStrike {
        /// Time, hours.
        hours: f64,
        /// Faction pair (a < b).
        pair: [u16; 2],
        /// The intruding force.
        force: u32,
        /// How far it escalated.
        severity: Severity,
        /// Location, km.
        at: Vec2,
        /// The exclusion zone.
        zone: u32,
        /// Personnel the intruder lost.
        casualties: f64,
    },
    /// A stance changed (scheduled, by escalation, or back by cooling).
    Stance {
        /// Time, hours.
        hours: f64,
        /// Faction pair.
        pair: [u16; 2],
        /// New stance.
        stance: Stance,
        /// True when caused by repeated clashes, or when a stance turned
        /// hostile by clashes cools down (the time is then the drawn time
        /// of the return, which takes effect at the next tick).
        escalation: bool,
    },
    /// A site changed hands.
    Capture {
        /// Time, hours.
        hours: f64,
        /// Site index.
        site: u32,
        /// Previous owner.
        from: Option<u16>,
        /// New owner.
        to: Option<u16>,
    },
    /// A force fell below its break point.
    Broken {
        /// Time, hours.
        hours: f64,
        /// Force index.
        force: u32,
    },
    /// A force lost its last personnel.
    Destroyed {
        /// Time, hours.
        hours: f64,
        /// Force index.
        force: u32,
    },
    /// A force reached its objective.
    Arrived {
        /// Time, hours.
        hours: f64,
        /// Force index.
        force: u32,
    },
    /// A scheduled event was applied.
    Scheduled {
        /// Time, hours.
        hours: f64,
        /// 0-based position of the event in the file.
        index: u32,
    },
}

/// Everything one run hands back.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Outcome {
    /// Tracked pairs, in [`Theatre::pairs`] order.
    pub pairs: Vec<PairOutcome>,
    /// Incidents per contact-line segment.
    pub segment_incidents: Vec<u64>,
    /// Clashes per contact-line segment.
    pub segment_clashes: Vec<u64>,
    /// Incidents per site (nearest site).
    pub site_incidents: Vec<u64>,
    /// Clashes per site.
    pub site_clashes: Vec<u64>,
    /// Strikes on intruders per zone (incursion incidents).
    pub zone_incidents: Vec<u64>,
    /// Personnel lost per faction (combat, clashes, strikes).
    pub casualties: Vec<f64>,
    /// Revenue per faction from site output.
    pub revenue: Vec<f64>,
    /// Owner of each site at the end.
    pub site_owner_end: Vec<Option<u16>>,
    /// Changes of owner, in time order.
    pub owner_changes: Vec<OwnerChange>,
    /// The ordered event log, when requested.
    pub log: Option<Vec<LogEvent>>,
}

/// At most this many incidents (friction and incursions together) are
/// resolved in one run; once it is reached the run goes on without further
/// incidents. A safeguard like
/// [`MAX_INCIDENTS_PER_TICK`](crate::friction::MAX_INCIDENTS_PER_TICK): it
/// keeps every per-run count, and so the runner's exact integer statistics,
/// within their proven range. No sensible scenario comes near it.
pub const MAX_INCIDENTS_PER_RUN: u64 = 1_000_000_000;

/// The run's metrics as a world resource.
#[derive(Resource, Debug, Clone, Default)]
pub struct Metrics {
    /// The outcome being accumulated.
    pub outcome: Outcome,
    /// Whether to collect the event log.
    pub log: bool,
    /// Incidents recorded in this run, all pairs and zones.
    pub incidents: u64,
    /// Since when each tracked pair has been hostile, if it is.
    pub hostile_since: Vec<Option<f64>>,
}

impl Metrics {
    /// Empty metrics for `theatre`.
    pub fn new(theatre: &Theatre, log: bool) -> Self {
        let s = &theatre.scenario;
        let nf = s.factions.len();
        Self {
            outcome: Outcome {
                pairs: theatre
                    .pairs
                    .iter()
                    .map(|&(a, b)| PairOutcome::new(a.0, b.0))
                    .collect(),
                segment_incidents: vec![0; s.segments.len()],
                segment_clashes: vec![0; s.segments.len()],
                site_incidents: vec![0; s.sites.len()],
                site_clashes: vec![0; s.sites.len()],
                zone_incidents: vec![0; s.zones.len()],
                casualties: vec![0.0; nf],
                revenue: vec![0.0; nf],
                site_owner_end: s.sites.iter().map(|x| x.owner.map(|f| f.0)).collect(),
                owner_changes: Vec::new(),
                log: log.then(Vec::new),
            },
            log,
            incidents: 0,
            hostile_since: theatre
                .pairs
                .iter()
                .map(|&(a, b)| (s.relations.get(a, b).stance == Stance::Hostile).then_some(0.0))
                .collect(),
        }
    }

    /// Notes a change of the stance of tracked pair `slot` at `hours`, from
    /// hostile or to hostile, for the time spent hostile.
    pub fn stance_changed(&mut self, slot: Option<usize>, hours: f64, hostile: bool) {
        let Some(s) = slot else { return };
        match (self.hostile_since[s], hostile) {
            (None, true) => self.hostile_since[s] = Some(hours),
            (Some(since), false) => {
                self.outcome.pairs[s].hostile_hours += (hours - since).max(0.0);
                self.hostile_since[s] = None;
            }
            _ => {}
        }
    }

    /// Closes the run at `horizon` hours: the pairs still hostile count
    /// their time up to it.
    pub fn close(&mut self, horizon: f64) {
        for s in 0..self.hostile_since.len() {
            if self.hostile_since[s].is_some() {
                self.stance_changed(Some(s), horizon, false);
                self.outcome.pairs[s].hostile_at_end = true;
            }
        }
    }

    /// Records a strike on tracked pair `slot` in zone `zone`.
    pub fn record_punitive_strike(&mut self, slot: Option<usize>, zone: u32) {
        self.incidents += 1;
        if let Some(s) = slot {
            self.outcome.pairs[s].punitive_strikes += 1;
        }
        self.outcome.zone_incidents[zone as usize] += 1;
    }

    /// Appends to the log when it is being collected.
    pub fn push(&mut self, event: impl FnOnce() -> LogEvent) {
        if let Some(log) = &mut self.outcome.log {
            log.push(event());
        }
    }

    /// Whether the run may resolve another incident ([`MAX_INCIDENTS_PER_RUN`]).
    pub fn may_record_incident(&self) -> bool {
        self.incidents < MAX_INCIDENTS_PER_RUN
    }

    /// Records an incident of `severity` on tracked pair `slot`. Incidents of
    /// one tick are not recorded in time order (friction, then incursions), so
    /// the first times keep the minimum.
    #[allow(clippy::too_many_arguments)]
    pub fn record_incident(
        &mut self,
        slot: Option<usize>,
        hours: f64,
        severity: Severity,
        segment: Option<u32>,
        site: Option<u32>,
        zone: Option<u32>,
    ) {
        let clash = severity >= Severity::Clash;
        self.incidents += 1;
        let o = &mut self.outcome;
        if let Some(p) = slot.map(|s| &mut o.pairs[s]) {
            p.incidents += 1;
            earliest(&mut p.first_incident_h, hours);
            if clash {
                p.clashes += 1;
                earliest(&mut p.first_clash_h, hours);
            }
            if severity == Severity::Engagement {
                p.engagements += 1;
                earliest(&mut p.first_engagement_h, hours);
            }
        }
        if let Some(s) = segment {
            o.segment_incidents[s as usize] += 1;
            o.segment_clashes[s as usize] += clash as u64;
        }
        if let Some(s) = site {
            o.site_incidents[s as usize] += 1;
            o.site_clashes[s as usize] += clash as u64;
        }
        if let Some(z) = zone {
            o.zone_incidents[z as usize] += 1;
        }
    }
}

/// Keeps the earlier of `slot` and `hours`.
fn earliest(slot: &mut Option<f64>, hours: f64) {
    *slot = Some(slot.map_or(hours, |h| h.min(hours)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_times_are_the_earliest_whatever_the_recording_order() {
        let pair = PairOutcome::new(0, 1);
        let mut m = Metrics {
            outcome: Outcome {
                pairs: vec![pair],
                ..Default::default()
            },
            log: false,
            incidents: 0,
            hostile_since: vec![None],
        };
        // Friction records its incidents first, incursions after them, each
        // at its own time inside the tick [10, 11).
        m.record_incident(Some(0), 10.75, Severity::Engagement, None, None, None);
        m.record_incident(Some(0), 10.25, Severity::Clash, None, None, None);
        m.record_incident(Some(0), 10.5, Severity::Incident, None, None, None);
        let p = &m.outcome.pairs[0];
        assert_eq!(p.first_incident_h, Some(10.25));
        assert_eq!(p.first_clash_h, Some(10.25));
        assert_eq!(p.first_engagement_h, Some(10.75));
        assert_eq!((p.incidents, p.clashes, p.engagements), (3, 2, 1));
    }
}
