//! Helpers shared by the unit tests: small theatres from TOML text, and
//! force rows set up by hand.

use std::sync::Arc;

use crate::force::ForceRow;
use crate::geo::Vec2;
use crate::scenario::{Domain, FactionId, RawScenario, Scenario};
use crate::theatre::Theatre;

/// A theatre of one day of hourly ticks near Raqqa, with `body` (factions,
/// relations, lines, forces, sites) after the `[scenario]` table; panics
/// if it is not valid.
pub(crate) fn theatre(body: &str) -> Arc<Theatre> {
    let text = format!(
        r#"
[scenario]
name = "t"
start_date = "2017-06-13"
horizon_days = 1
tick_hours = 1
origin = {{ lat = 35.95, lon = 39.017 }}
{body}"#
    );
    let raw: RawScenario = toml::from_str(&text).expect("test scenario parses");
    Arc::new(Theatre::new(
        Scenario::try_from(raw).expect("test scenario is valid"),
    ))
}

/// A ground force at (x, y) km with the given sensor range (and half of it
/// as weapon range), speed, strength and faction.
pub(crate) fn row(
    x: f64,
    y: f64,
    sensor: f64,
    speed: f64,
    strength: f64,
    faction: u16,
) -> ForceRow {
    ForceRow {
        pos: Vec2::new(x, y),
        faction: FactionId(faction),
        strength,
        lethality: 0.0,
        weapon_range_km: sensor / 2.0,
        sensor_range_km: sensor,
        broken: false,
        domain: Domain::Ground,
        objective_site: None,
        speed_kmh: speed,
    }
}
