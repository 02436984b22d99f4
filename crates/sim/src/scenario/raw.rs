//! The scenario file as written: serde structs that mirror TOML/JSON.
//!
//! Every struct denies unknown keys, so that a typo is an error rather than a
//! silently ignored setting. Nothing here is checked beyond its type; see
//! [`super::Scenario::try_from`] for the semantic checks.

use serde::{Deserialize, Serialize};

use crate::params::ModelParams;

/// A whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// `[scenario]`: metadata, clock and map origin.
    pub scenario: RawMeta,
    /// `[model]`: parameter overrides.
    #[serde(default)]
    pub model: ModelParams,
    /// `[[faction]]`.
    #[serde(default, rename = "faction")]
    pub factions: Vec<RawFaction>,
    /// `[[relation]]`.
    #[serde(default, rename = "relation")]
    pub relations: Vec<RawRelation>,
    /// `[[force]]`.
    #[serde(default, rename = "force")]
    pub forces: Vec<RawForce>,
    /// `[[site]]`.
    #[serde(default, rename = "site")]
    pub sites: Vec<RawSite>,
    /// `[[contact_line]]`.
    #[serde(default, rename = "contact_line")]
    pub contact_lines: Vec<RawContactLine>,
    /// `[[zone]]`.
    #[serde(default, rename = "zone")]
    pub zones: Vec<RawZone>,
    /// `[[event]]`.
    #[serde(default, rename = "event")]
    pub events: Vec<RawEvent>,
}

/// `[scenario]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
    /// Display name.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// First day, `YYYY-MM-DD`.
    pub start_date: String,
    /// Length of a run in days.
    pub horizon_days: f64,
    /// Length of a tick in hours.
    pub tick_hours: f64,
    /// Centre of the map projection.
    pub origin: RawLatLon,
    /// Positions farther than this from the origin are errors, km. Default 1000.
    #[serde(default = "default_theatre_radius")]
    pub theatre_radius_km: f64,
}

fn default_theatre_radius() -> f64 {
    1000.0
}

/// `{ lat, lon }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLatLon {
    /// Degrees north.
    pub lat: f64,
    /// Degrees east.
    pub lon: f64,
}

/// A position: either `{ lat, lon }` or `{ x_km, y_km }`.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPosition {
    /// Degrees north.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Degrees east.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// Kilometres east of the origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_km: Option<f64>,
    /// Kilometres north of the origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub y_km: Option<f64>,
}

/// `[[faction]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFaction {
    /// Unique identifier.
    pub id: String,
    /// Display name (defaults to the id).
    #[serde(default)]
    pub name: Option<String>,
    /// Propensity to escalate, in [0, 1]. Default 0.5.
    #[serde(default = "half")]
    pub aggression: f64,
    /// Restraint under provocation, in [0, 1]. Default 0.5.
    #[serde(default = "half")]
    pub discipline: f64,
    /// Map colour, `#rrggbb`.
    #[serde(default)]
    pub colour: Option<String>,
}

fn half() -> f64 {
    0.5
}

/// Stance between two factions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    /// Same side: no friction, no combat.
    Allied,
    /// Working together without alliance: friction at reduced hazard.
    Cooperative,
    /// Neither: friction at the base hazard.
    Neutral,
    /// Competing: friction at raised hazard and escalation.
    Rival,
    /// At war: Lanchester combat when in weapon range.
    Hostile,
}

impl Stance {
    /// The keyword used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Allied => "allied",
            Stance::Cooperative => "cooperative",
            Stance::Neutral => "neutral",
            Stance::Rival => "rival",
            Stance::Hostile => "hostile",
        }
    }

    /// Non-allied and non-hostile: the stances under which friction applies.
    pub fn has_friction(self) -> bool {
        matches!(self, Stance::Cooperative | Stance::Neutral | Stance::Rival)
    }
}

/// `[[relation]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelation {
    /// The two faction ids.
    pub between: [String; 2],
    /// Stance at the start.
    pub stance: Stance,
    /// Effectiveness of a deconfliction channel, in [0, 1]. Default 0.
    #[serde(default)]
    pub deconfliction: f64,
    /// Escalation rule: after this many clashes the stance turns hostile.
    /// Absent: never.
    #[serde(default)]
    pub hostile_after_clashes: Option<u32>,
    /// Mean cooling time of a stance turned hostile by clashes, days
    /// (`inf`: never). Absent: `[model.friction] cooling_days`.
    #[serde(default)]
    pub cooling_days: Option<f64>,
    /// `[[relation.truce]]`: truces in force during the run.
    #[serde(default, rename = "truce")]
    pub truces: Vec<RawTruce>,
    /// The factions this pair's deconfliction channel also serves, on the
    /// side of `between[0]` and of `between[1]` (a hotline one party uses on
    /// behalf of others). Absent: the channel serves the pair alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub covers: Option<[Vec<String>; 2]>,
    /// The share of the channel's effectiveness a covered faction gets, per
    /// covered party of a pair, in [0, 1]. Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay: Option<f64>,
}

/// A truce: hazard scaled down during a time window, optionally in a region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTruce {
    /// First day of the truce (0 = scenario start).
    #[serde(default)]
    pub from_day: f64,
    /// Day the truce ends (exclusive). Default: the horizon.
    #[serde(default)]
    pub to_day: Option<f64>,
    /// Only contacts within this circle are covered. Default: everywhere.
    #[serde(default)]
    pub region: Option<RawCircle>,
    /// Multiplier on the incident hazard under the truce, in [0, 1]. Default 0.2.
    #[serde(default = "default_truce_factor")]
    pub hazard_factor: f64,
}

fn default_truce_factor() -> f64 {
    0.2
}

/// A circle: `{ center = {…}, radius_km = … }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCircle {
    /// Centre.
    pub center: RawPosition,
    /// Radius in km.
    pub radius_km: f64,
}

/// Posture of a force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Posture {
    /// Stay in place.
    Hold,
    /// Stay in place; fights back (same as hold for movement).
    Defend,
    /// Move to the objective, then hold there; halts while a hostile force
    /// is within its weapon range (`[model.movement] halt_in_combat`).
    Advance,
    /// Move to the objective through hostile fire, without halting at weapon
    /// range, to close with and take a held site or position; then hold.
    Assault,
    /// Cycle through the route's waypoints.
    Patrol,
    /// Move back to `withdraw_to` (or the starting position).
    Withdraw,
}

/// Ground or air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    /// Can capture sites.
    Ground,
    /// Cannot capture sites.
    Air,
}

/// `[[force]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawForce {
    /// Unique identifier.
    pub id: String,
    /// Owning faction id.
    pub faction: String,
    /// Display name (defaults to the id).
    #[serde(default)]
    pub name: Option<String>,
    /// Starting position.
    pub position: RawPosition,
    /// Personnel.
    pub strength: f64,
    /// Kills per combatant per hour; default `[model.combat] default_lethality`.
    #[serde(default)]
    pub lethality: Option<f64>,
    /// Movement speed, km/h. Default 0.
    #[serde(default)]
    pub speed_kmh: f64,
    /// Default `hold`.
    #[serde(default = "default_posture")]
    pub posture: Posture,
    /// Site id to advance on.
    #[serde(default)]
    pub objective: Option<String>,
    /// Position to advance on (instead of a site).
    #[serde(default)]
    pub objective_at: Option<RawPosition>,
    /// Patrol waypoints.
    #[serde(default)]
    pub route: Vec<RawPosition>,
    /// Where a withdrawing or broken force goes. Default: its start.
    #[serde(default)]
    pub withdraw_to: Option<RawPosition>,
    /// Breaks (withdraws, stops firing) below this fraction of its initial
    /// strength, in [0, 1). Default 0.3.
    #[serde(default = "default_break_point")]
    pub break_point: f64,
    /// Detection and contact range, km. Default 10.
    #[serde(default = "default_sensor")]
    pub sensor_range_km: f64,
    /// Weapon range, km. Default 3.
    #[serde(default = "default_weapon")]
    pub weapon_range_km: f64,
    /// Default `ground`.
    #[serde(default = "default_domain")]
    pub domain: Domain,
    /// Goes around exclusion zones of non-allied owners. Default true.
    #[serde(default = "yes")]
    pub respects_zones: bool,
    /// A deliberate attack: the id of a non-allied faction this force, on
    /// `assault`, opens fire on when it first meets it (docs/model.md §4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack: Option<String>,
}

fn default_posture() -> Posture {
    Posture::Hold
}
fn default_break_point() -> f64 {
    0.3
}
fn default_sensor() -> f64 {
    10.0
}
fn default_weapon() -> f64 {
    3.0
}
fn default_domain() -> Domain {
    Domain::Ground
}
fn yes() -> bool {
    true
}

/// Kind of supply site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// Oil or gas field.
    OilField,
    /// Airbase.
    Airbase,
    /// Dam.
    Dam,
    /// Road junction.
    Crossroads,
    /// Town or city.
    Town,
}

impl SiteKind {
    /// The keyword used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::OilField => "oil_field",
            SiteKind::Airbase => "airbase",
            SiteKind::Dam => "dam",
            SiteKind::Crossroads => "crossroads",
            SiteKind::Town => "town",
        }
    }
}

/// `[[site]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    /// Unique identifier.
    pub id: String,
    /// Display name (defaults to the id).
    #[serde(default)]
    pub name: Option<String>,
    /// Kind of site.
    pub kind: SiteKind,
    /// Position.
    pub position: RawPosition,
    /// Owning faction id; absent = unowned.
    #[serde(default)]
    pub owner: Option<String>,
    /// Importance weight (≥ 0), used by the competition term. Default 1.
    #[serde(default = "one")]
    pub value: f64,
    /// Revenue per day to the owner (any unit, e.g. thousand USD). Default 0.
    #[serde(default)]
    pub output_per_day: f64,
    /// Radius a capturer must hold, km. Default 3.
    #[serde(default = "default_capture_radius")]
    pub capture_radius_km: f64,
    /// Defending personnel of the owner. Default 0.
    #[serde(default)]
    pub garrison: f64,
    /// The garrison breaks below this fraction of its initial strength, as a
    /// force does at its `break_point`. Default 0.3.
    #[serde(default = "default_break_point")]
    pub garrison_break_point: f64,
    /// Where a broken garrison withdraws to; absent = it stays at the site,
    /// out of the fight.
    #[serde(default)]
    pub garrison_withdraw_to: Option<RawPosition>,
    /// The speed of a broken garrison's withdrawal, km/h. Default 4.
    #[serde(default = "default_garrison_speed")]
    pub garrison_speed_kmh: f64,
}

fn default_garrison_speed() -> f64 {
    4.0
}

fn one() -> f64 {
    1.0
}
fn default_capture_radius() -> f64 {
    3.0
}

/// `[[contact_line]]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContactLine {
    /// Unique identifier.
    pub id: String,
    /// The two faction ids facing each other.
    pub between: [String; 2],
    /// Polyline, at least two distinct points.
    pub points: Vec<RawPosition>,
    /// Forces within this distance of a segment man it, km. Default 5.
    #[serde(default = "default_buffer")]
    pub buffer_km: f64,
    /// Target length of a segment, km. Default 5.
    #[serde(default = "default_segment")]
    pub segment_km: f64,
}

fn default_buffer() -> f64 {
    5.0
}
fn default_segment() -> f64 {
    5.0
}

/// What a zone does to non-allied forces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZoneRule {
    /// Keep out: forces that respect zones go around; those that enter run an
    /// incursion hazard against the owner.
    Exclusion,
    /// Friction inside is scaled by `hazard_factor`.
    Deconfliction,
}

/// `[[zone]]`: a circle (`center` + `radius_km`) or a `polygon`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawZone {
    /// Unique identifier.
    pub id: String,
    /// Display name (defaults to the id).
    #[serde(default)]
    pub name: Option<String>,
    /// Owning faction id.
    pub owner: String,
    /// What the zone does.
    pub rule: ZoneRule,
    /// Circle centre.
    #[serde(default)]
    pub center: Option<RawPosition>,
    /// Circle radius, km.
    #[serde(default)]
    pub radius_km: Option<f64>,
    /// Polygon vertices (at least three).
    #[serde(default)]
    pub polygon: Option<Vec<RawPosition>>,
    /// Exclusion: incidents per hour for each non-allied force inside. Default 0.05.
    #[serde(default = "default_incursion")]
    pub incursion_hazard_per_hour: f64,
    /// Deconfliction: friction multiplier inside, in [0, 1]. Default 0.5.
    #[serde(default = "default_zone_factor")]
    pub hazard_factor: f64,
}

fn default_incursion() -> f64 {
    0.05
}
fn default_zone_factor() -> f64 {
    0.5
}

/// Kind of scheduled event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Set the stance of `between` to `stance`.
    Stance,
    /// Set the deconfliction effectiveness of `between`.
    Deconfliction,
    /// Add `truce` to `between`.
    Truce,
    /// Add `strength` personnel to `force`, at once or over `over_hours`.
    Reinforce,
    /// Give `force` a new `posture` (and `objective`, `objective_at` or `route`).
    Order,
    /// Remove the fraction `losses` of `force`'s strength.
    Strike,
}

/// `[[event]]`: something that happens at a set time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    /// Day (0 = start).
    pub day: f64,
    /// Hour of the day. Default 0.
    #[serde(default)]
    pub hour: f64,
    /// What happens.
    pub kind: EventKind,
    /// `stance`, `deconfliction`, `truce`: the faction pair.
    #[serde(default)]
    pub between: Option<[String; 2]>,
    /// `stance`: the new stance.
    #[serde(default)]
    pub stance: Option<Stance>,
    /// `deconfliction`: the new effectiveness.
    #[serde(default)]
    pub deconfliction: Option<f64>,
    /// `truce`: the truce to add.
    #[serde(default)]
    pub truce: Option<RawTruce>,
    /// `reinforce`, `order`, `strike`: the force.
    #[serde(default)]
    pub force: Option<String>,
    /// `reinforce`: personnel added.
    #[serde(default)]
    pub strength: Option<f64>,
    /// `reinforce`: hours over which `strength` arrives at a constant rate,
    /// from the event's time; absent, it arrives at once. Left out of the
    /// serialized form when absent, so that the content hash of a file
    /// without it is what it was before the key existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_hours: Option<f64>,
    /// `order`: the new posture.
    #[serde(default)]
    pub posture: Option<Posture>,
    /// `order`: site id to advance on.
    #[serde(default)]
    pub objective: Option<String>,
    /// `order`: position to advance on.
    #[serde(default)]
    pub objective_at: Option<RawPosition>,
    /// `order`: patrol route.
    #[serde(default)]
    pub route: Option<Vec<RawPosition>>,
    /// `order`: the faction the force attacks (with posture `assault`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack: Option<String>,
    /// `strike`: fraction of strength lost, in [0, 1].
    #[serde(default)]
    pub losses: Option<f64>,
    /// `strike`: the faction striking. Optional and informational: it
    /// changes no number.
    #[serde(default)]
    pub by: Option<String>,
}
