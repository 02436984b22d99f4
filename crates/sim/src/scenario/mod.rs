//! Scenarios: the raw file layer ([`raw`]) and the validated [`Scenario`].
//!
//! A file is read into [`raw::RawScenario`] (by the runner, with serde), then
//! [`Scenario::try_from`] resolves every id to an index, projects positions to
//! kilometres about the origin, splits contact lines into segments and checks
//! every range. It reports *all* the errors it finds, each naming the entity
//! and the field.

pub mod raw;
mod validate;

pub use raw::{Domain, EventKind, Posture, RawScenario, SiteKind, Stance, ZoneRule};
pub use validate::{LIMITS, Limits, ValidationError, ValidationErrors};

use crate::geo::{LatLon, Vec2, point_in_polygon};
use crate::params::ModelParams;

/// Index of a faction in [`Scenario::factions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FactionId(pub u16);

impl FactionId {
    /// The index as `usize`.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A validated scenario: ids resolved, positions in km, ranges checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Display name.
    pub name: String,
    /// Free text.
    pub description: String,
    /// First day, `YYYY-MM-DD`.
    pub start_date: String,
    /// Length of a run, hours.
    pub horizon_hours: f64,
    /// Length of a tick, hours.
    pub tick_hours: f64,
    /// Number of ticks in a run: ⌈horizon / tick⌉.
    pub ticks: u32,
    /// Centre of the map projection.
    pub origin: LatLon,
    /// Model parameters.
    pub params: ModelParams,
    /// Factions, in file order.
    pub factions: Vec<Faction>,
    /// Relations between every pair of factions.
    pub relations: Relations,
    /// Forces, in file order.
    pub forces: Vec<ForceSpec>,
    /// Supply sites, in file order.
    pub sites: Vec<SiteSpec>,
    /// Contact lines, in file order.
    pub contact_lines: Vec<ContactLineSpec>,
    /// All contact-line segments, line by line.
    pub segments: Vec<SegmentSpec>,
    /// Zones, in file order.
    pub zones: Vec<ZoneSpec>,
    /// Scheduled events, by tick (file order among equal ticks), without
    /// those that could never apply (see `warnings`).
    pub events: Vec<EventSpec>,
    /// What validation left out, with why: events at or after the horizon
    /// (or inside a last tick that ends at it), which a run ignores.
    pub warnings: Vec<ValidationError>,
}

impl Scenario {
    /// Index of the faction with this id.
    pub fn faction_index(&self, id: &str) -> Option<FactionId> {
        self.factions
            .iter()
            .position(|f| f.id == id)
            .map(|i| FactionId(i as u16))
    }

    /// Total length of all contact lines, km.
    pub fn contact_line_km(&self) -> f64 {
        self.contact_lines.iter().map(|l| l.length_km).sum::<f64>() + 0.0
    }
}

/// A faction and its doctrine.
#[derive(Debug, Clone, PartialEq)]
pub struct Faction {
    /// Identifier from the file.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Propensity to escalate, in [0, 1].
    pub aggression: f64,
    /// Restraint under provocation, in [0, 1].
    pub discipline: f64,
    /// Map colour, `#rrggbb`.
    pub colour: Option<String>,
}

/// The relation between two factions at the start of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    /// Stance.
    pub stance: Stance,
    /// Deconfliction channel effectiveness, in [0, 1].
    pub deconfliction: f64,
    /// After this many clashes the stance turns hostile.
    pub hostile_after_clashes: Option<u32>,
    /// Mean cooling time of a stance turned hostile by clashes, days, if
    /// the relation sets its own (otherwise the model's `cooling_days`).
    pub cooling_days: Option<f64>,
    /// Truces.
    pub truces: Vec<Truce>,
}

impl Relation {
    fn unlisted() -> Self {
        Self {
            stance: Stance::Neutral,
            deconfliction: 0.0,
            hostile_after_clashes: None,
            cooling_days: None,
            truces: Vec::new(),
        }
    }

    fn own() -> Self {
        Self {
            stance: Stance::Allied,
            ..Self::unlisted()
        }
    }
}

/// A truce window.
#[derive(Debug, Clone, PartialEq)]
pub struct Truce {
    /// Start, hours from the scenario start.
    pub from_hours: f64,
    /// End (exclusive), hours.
    pub to_hours: f64,
    /// Region covered; `None` = everywhere.
    pub region: Option<Circle>,
    /// Hazard multiplier under the truce.
    pub hazard_factor: f64,
}

impl Truce {
    /// Whether the truce covers a contact at `p` at time `t_hours`.
    pub fn covers(&self, t_hours: f64, p: Vec2) -> bool {
        t_hours >= self.from_hours
            && t_hours < self.to_hours
            && self.region.as_ref().is_none_or(|c| c.contains(p))
    }
}

/// A deconfliction channel of a pair that also serves other factions: the
/// `covers` of a `[[relation]]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// The pair that runs the channel.
    pub principals: [FactionId; 2],
    /// The factions it serves on the side of each principal.
    pub sides: [Vec<FactionId>; 2],
    /// The share of the channel's effectiveness per covered party.
    pub relay: f64,
}

impl Channel {
    /// The pairs the channel serves besides its principals, with the number
    /// of covered (non-principal) parties in each (1 or 2).
    pub fn served(&self) -> Vec<(FactionId, FactionId, i32)> {
        let side = |k: usize| -> Vec<(FactionId, i32)> {
            std::iter::once((self.principals[k], 0))
                .chain(self.sides[k].iter().map(|&f| (f, 1)))
                .collect()
        };
        let (a, b) = (side(0), side(1));
        let mut out = Vec::new();
        for &(x, kx) in &a {
            for &(y, ky) in &b {
                if kx + ky > 0 && x != y {
                    out.push((x, y, kx + ky));
                }
            }
        }
        out
    }
}

/// The symmetric matrix of relations; unlisted pairs are neutral and every
/// faction is allied with itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Relations {
    n: usize,
    cells: Vec<Relation>,
    /// The deconfliction channels that serve more than their pair.
    pub channels: Vec<Channel>,
}

impl Relations {
    fn new(n: usize) -> Self {
        let mut cells = vec![Relation::unlisted(); n * n];
        for i in 0..n {
            cells[i * n + i] = Relation::own();
        }
        Self {
            n,
            cells,
            channels: Vec::new(),
        }
    }

    /// The relation between `a` and `b` (symmetric).
    pub fn get(&self, a: FactionId, b: FactionId) -> &Relation {
        &self.cells[a.index() * self.n + b.index()]
    }

    fn set(&mut self, a: FactionId, b: FactionId, r: Relation) {
        self.cells[b.index() * self.n + a.index()] = r.clone();
        self.cells[a.index() * self.n + b.index()] = r;
    }

    /// Number of factions.
    pub fn len(&self) -> usize {
        self.n
    }

    /// Whether there are no factions.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }
}

/// A circle on the map.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    /// Centre.
    pub center: Vec2,
    /// Radius, km.
    pub radius_km: f64,
}

impl Circle {
    /// Whether `p` is inside or on the circle.
    pub fn contains(&self, p: Vec2) -> bool {
        p.distance_sq(self.center) <= self.radius_km * self.radius_km
    }
}

/// What a force is heading for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Objective {
    /// A site, by index.
    Site(usize),
    /// A map point.
    Point(Vec2),
}

/// A validated force.
#[derive(Debug, Clone, PartialEq)]
pub struct ForceSpec {
    /// Identifier from the file.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Owning faction.
    pub faction: FactionId,
    /// Start position, km.
    pub position: Vec2,
    /// Personnel at the start.
    pub strength: f64,
    /// Kills per combatant per hour.
    pub lethality: f64,
    /// km/h.
    pub speed_kmh: f64,
    /// Posture at the start.
    pub posture: Posture,
    /// Advance objective.
    pub objective: Option<Objective>,
    /// Patrol route, km.
    pub route: Vec<Vec2>,
    /// Withdrawal point, km.
    pub withdraw_to: Vec2,
    /// Fraction of initial strength below which the force breaks.
    pub break_point: f64,
    /// Contact range, km.
    pub sensor_range_km: f64,
    /// Weapon range, km.
    pub weapon_range_km: f64,
    /// Ground or air.
    pub domain: Domain,
    /// Goes around exclusion zones.
    pub respects_zones: bool,
    /// The faction it attacks deliberately (posture `assault`), if any.
    pub attack: Option<FactionId>,
}

/// A validated supply site.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteSpec {
    /// Identifier from the file.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Kind.
    pub kind: SiteKind,
    /// Position, km.
    pub position: Vec2,
    /// Owner at the start.
    pub owner: Option<FactionId>,
    /// Importance weight.
    pub value: f64,
    /// Revenue per day to the owner.
    pub output_per_day: f64,
    /// Capture radius, km.
    pub capture_radius_km: f64,
    /// Garrison personnel.
    pub garrison: f64,
    /// The garrison's break point (fraction of its initial strength).
    pub garrison_break_point: f64,
    /// Where a broken garrison withdraws to, if it leaves the site.
    pub garrison_withdraw_to: Option<Vec2>,
    /// Speed of the garrison's withdrawal, km/h.
    pub garrison_speed_kmh: f64,
}

/// A validated contact line.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactLineSpec {
    /// Identifier from the file.
    pub id: String,
    /// The two factions facing each other.
    pub between: [FactionId; 2],
    /// Polyline, km.
    pub points: Vec<Vec2>,
    /// Buffer width, km.
    pub buffer_km: f64,
    /// Index of its first segment in [`Scenario::segments`].
    pub first_segment: usize,
    /// Number of segments.
    pub segment_count: usize,
    /// Length, km.
    pub length_km: f64,
}

/// One segment of a contact line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentSpec {
    /// Index of the line in [`Scenario::contact_lines`].
    pub line: usize,
    /// Position within the line, from its first point.
    pub index_in_line: usize,
    /// Start, km.
    pub a: Vec2,
    /// End, km.
    pub b: Vec2,
}

impl SegmentSpec {
    /// Midpoint of the segment.
    pub fn midpoint(&self) -> Vec2 {
        (self.a + self.b) * 0.5
    }
}

/// Shape of a zone.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A circle.
    Circle(Circle),
    /// A simple polygon (km).
    Polygon(Vec<Vec2>),
}

impl Shape {
    /// Whether `p` is inside.
    pub fn contains(&self, p: Vec2) -> bool {
        match self {
            Shape::Circle(c) => c.contains(p),
            Shape::Polygon(poly) => point_in_polygon(p, poly),
        }
    }

    /// The smallest circle about the centroid of the vertices that holds the
    /// shape (the circle itself for a circle). Movement goes around this.
    pub fn bounding_circle(&self) -> Circle {
        match self {
            Shape::Circle(c) => *c,
            Shape::Polygon(poly) => {
                let n = poly.len() as f64;
                let c = poly.iter().fold(Vec2::ZERO, |acc, &p| acc + p) * (1.0 / n);
                let r = poly.iter().map(|&p| p.distance(c)).fold(0.0, f64::max);
                Circle {
                    center: c,
                    radius_km: r,
                }
            }
        }
    }
}

/// A validated zone.
#[derive(Debug, Clone, PartialEq)]
pub struct ZoneSpec {
    /// Identifier from the file.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Owner.
    pub owner: FactionId,
    /// Rule.
    pub rule: ZoneRule,
    /// Shape.
    pub shape: Shape,
    /// Exclusion: incidents per hour per intruding force.
    pub incursion_hazard_per_hour: f64,
    /// Deconfliction: friction multiplier inside.
    pub hazard_factor: f64,
}

/// A scheduled event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventSpec {
    /// 1-based position in the file (as in `--set event.N.…`).
    pub number: u32,
    /// Tick at whose start it applies: ⌈hours / tick⌉; for a reinforcement
    /// over a window, the tick that contains its start, ⌊hours / tick⌋.
    pub tick: u32,
    /// Time from the start, hours.
    pub hours: f64,
    /// What happens.
    pub action: Action,
}

/// What a scheduled event does.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Set a stance.
    Stance {
        /// The pair.
        pair: [FactionId; 2],
        /// The new stance.
        stance: Stance,
    },
    /// Set deconfliction effectiveness.
    Deconfliction {
        /// The pair.
        pair: [FactionId; 2],
        /// The new effectiveness.
        value: f64,
    },
    /// Add a truce.
    Truce {
        /// The pair.
        pair: [FactionId; 2],
        /// The truce.
        truce: Truce,
    },
    /// Add personnel.
    Reinforce {
        /// Force index.
        force: usize,
        /// Personnel added.
        strength: f64,
    },
    /// Add personnel at a constant rate over a window: `strength / hours`
    /// personnel per hour from the event's time for `hours` hours (the part
    /// past the horizon never arrives).
    ReinforceOver {
        /// Force index.
        force: usize,
        /// Personnel added over the whole window.
        strength: f64,
        /// Length of the window, hours (> 0).
        hours: f64,
    },
    /// New orders.
    Order {
        /// Force index.
        force: usize,
        /// New posture.
        posture: Posture,
        /// New objective, if any.
        objective: Option<Objective>,
        /// New route (patrol), if any.
        route: Vec<Vec2>,
        /// The faction it attacks (posture `assault`), if any.
        attack: Option<FactionId>,
    },
    /// A strike removes a fraction of a force.
    Strike {
        /// Force index.
        force: usize,
        /// Fraction lost.
        losses: f64,
        /// Striking faction.
        by: Option<FactionId>,
    },
}
