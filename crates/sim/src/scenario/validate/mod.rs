//! From [`RawScenario`] to [`Scenario`]: id resolution, projection,
//! segmentation and range checks, collecting every error.
//!
//! [`Scenario::try_from`] hands the raw file to a `Checker`, which walks it
//! once in a fixed order and pushes a [`ValidationError`] for every fault it
//! meets instead of stopping at the first, so that a user fixes a file in
//! one pass. The order is part of the contract (the runner's error
//! snapshots pin it):
//!
//! 1. sizes against [`LIMITS`] (`limits.rs`), before anything proportional
//!    to them is allocated;
//! 2. the `[scenario]` table: name, date, horizon and ticks, origin, theatre
//!    (`meta.rs`);
//! 3. the `[model]` parameters (`params.rs`);
//! 4. if the sizes hold, the entities, each resolving its ids against those
//!    before it: factions and relations (`factions.rs`), sites (`sites.rs`),
//!    forces with their objectives and routes (`forces.rs`), contact lines
//!    and their segments (`lines.rs`), zones (`zones.rs`), events and truces
//!    (`events.rs`);
//! 5. the run totals that the exact statistics rely on (`limits.rs`).
//!
//! The checks that every entity shares (a range, a required field, a
//! reference by id, unique ids) are in `checks.rs`; positions and shapes,
//! projected to the theatre's kilometres, in `geometry.rs`.

use std::collections::HashMap;
use std::fmt;

use super::raw::RawScenario;
use super::{FactionId, Scenario};
use crate::geo::LatLon;

mod checks;
mod events;
mod factions;
mod forces;
mod geometry;
mod limits;
mod lines;
mod meta;
mod params;
mod sites;
mod zones;

use checks::index_of;
pub use limits::{LIMITS, Limits};

/// One semantic error: which entity, which field, what is wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{entity}: `{field}` {message}")]
pub struct ValidationError {
    /// The entity, e.g. ``force `tiger` ``.
    pub entity: String,
    /// The field, e.g. `strength`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Every semantic error found in a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationErrors {}

impl TryFrom<RawScenario> for Scenario {
    type Error = ValidationErrors;

    fn try_from(raw: RawScenario) -> Result<Self, ValidationErrors> {
        Scenario::try_from(&raw)
    }
}

impl TryFrom<&RawScenario> for Scenario {
    type Error = ValidationErrors;

    fn try_from(raw: &RawScenario) -> Result<Self, ValidationErrors> {
        let mut c = Checker::default();
        let s = c.scenario(raw);
        match s {
            Some(s) if c.errors.is_empty() => Ok(s),
            _ => Err(ValidationErrors(c.errors)),
        }
    }
}

/// The errors found so far, and what the `[scenario]` table fixed for the
/// checks after it.
#[derive(Default)]
struct Checker {
    errors: Vec<ValidationError>,
    /// What is valid but left out (an event after the horizon).
    warnings: Vec<ValidationError>,
    /// The projection's centre; `None` when `origin` is invalid.
    origin: Option<LatLon>,
    /// The theatre's radius, km.
    theatre_km: f64,
    /// The horizon, hours; 0 when it or the tick is invalid.
    horizon_hours: f64,
}

impl Checker {
    /// Records a warning: the file is valid, but something in it is left
    /// out of the scenario.
    fn warn(&mut self, entity: &str, field: &str, message: impl Into<String>) {
        self.warnings.push(ValidationError {
            entity: entity.to_string(),
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// Records an error.
    fn err(&mut self, entity: &str, field: &str, message: impl Into<String>) {
        self.errors.push(ValidationError {
            entity: entity.to_string(),
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// The whole scenario, in the order of the module guide; `None` when the
    /// sizes are out of bounds (the errors say why).
    fn scenario(&mut self, raw: &RawScenario) -> Option<Scenario> {
        let m = &raw.scenario;
        let sizes_ok = self.sizes(raw);
        let ticks = self.meta(m);
        self.params(raw);
        if !sizes_ok {
            return None;
        }

        let factions = self.factions(raw);
        let fidx: HashMap<&str, FactionId> = raw
            .factions
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.as_str(), FactionId(i as u16)))
            .collect();
        let relations = self.relations(raw, &fidx, factions.len());
        let sites = self.sites(raw, &fidx);
        let sidx = index_of(raw.sites.iter().map(|s| s.id.as_str()));
        let forces = self.forces(raw, &fidx, &sidx);
        let (contact_lines, segments) = self.contact_lines(raw, &fidx);
        let zones = self.zones(raw, &fidx);
        let fo_idx = index_of(raw.forces.iter().map(|f| f.id.as_str()));
        let events = self.events(raw, &fidx, &fo_idx, &sidx, ticks, m.tick_hours);
        self.totals(&forces, &sites, &events, m.horizon_days);

        Some(Scenario {
            name: m.name.clone(),
            description: m.description.clone(),
            start_date: m.start_date.clone(),
            horizon_hours: m.horizon_days * 24.0,
            tick_hours: m.tick_hours,
            ticks,
            origin: LatLon {
                lat: m.origin.lat,
                lon: m.origin.lon,
            },
            params: raw.model.clone(),
            factions,
            relations,
            forces,
            sites,
            contact_lines,
            segments,
            zones,
            events,
            warnings: std::mem::take(&mut self.warnings),
        })
    }
}

/// The validation errors of a two-faction scenario (`a`, `b`) of `days`
/// days of `tick` hour ticks with `body` appended, one a line; empty when
/// it is valid.
#[cfg(test)]
fn errors(days: f64, tick: f64, body: &str) -> String {
    let text = format!(
        r#"
[scenario]
name = "t"
start_date = "2017-06-13"
horizon_days = {days}
tick_hours = {tick}
origin = {{ lat = 35.95, lon = 39.017 }}
[[faction]]
id = "a"
[[faction]]
id = "b"
{body}
"#
    );
    let raw: RawScenario = toml::from_str(&text).unwrap();
    match Scenario::try_from(raw) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

/// The warnings of the scenario of [`errors`], one a line, and how many
/// events it kept; panics when it is invalid.
#[cfg(test)]
fn warnings(days: f64, tick: f64, body: &str) -> (String, usize) {
    let text = format!(
        "[scenario]\nname = \"t\"\nstart_date = \"2017-06-13\"\nhorizon_days = {days}\n\
         tick_hours = {tick}\norigin = {{ lat = 35.95, lon = 39.017 }}\n\
         [[faction]]\nid = \"a\"\n[[faction]]\nid = \"b\"\n{body}\n"
    );
    let raw: RawScenario = toml::from_str(&text).unwrap();
    let s = Scenario::try_from(raw).expect("valid");
    let w: Vec<String> = s.warnings.iter().map(|w| w.to_string()).collect();
    (w.join("\n"), s.events.len())
}
