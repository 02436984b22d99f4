//! Helpers shared by the unit tests: small theatres from the scenario
//! builder of frontline-fixtures, and force rows set up by hand.

use std::sync::Arc;

use frontline_fixtures::Scenario as Fixture;

use crate::force::ForceRow;
use crate::geo::Vec2;
use crate::scenario::{Domain, FactionId, RawScenario, Scenario};
use crate::theatre::Theatre;

/// The base of the unit tests' theatres: one day of hourly ticks near
/// Raqqa (the builder's defaults), named `t`.
pub(crate) fn scenario() -> Fixture {
    Fixture::new().name("t")
}

/// The theatre of a built scenario; panics if it is not valid.
pub(crate) fn built(scenario: &Fixture) -> Arc<Theatre> {
    let raw: RawScenario = toml::from_str(&scenario.to_toml()).expect("test scenario parses");
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
        arriving: false,
    }
}

#[cfg(test)]
mod tests {
    use frontline_fixtures::Pos;

    use super::*;
    use crate::scenario::{EventKind, Posture, Stance, ZoneRule};

    /// Every method of the builder writes a key the scenario file has, of
    /// the type it takes: the file parses (unknown keys are errors),
    /// validates, and the values are where they were put.
    #[test]
    fn every_key_the_builder_writes_reads_back() {
        let s = scenario()
            .description("all keys")
            .start_date("2020-02-29")
            .days(3)
            .tick_hours(2)
            .origin(36.0, 39.0)
            .theatre_radius_km(800)
            .model("combat", "mean_field_substeps", 4)
            .model("movement", "halt_in_combat", false)
            .faction("a", |f| {
                f.name("A")
                    .aggression(0.6)
                    .discipline(0.4)
                    .colour("#ff0000")
            })
            .factions(["b"])
            .relation(["a", "b"], "rival", |r| {
                r.deconfliction(0.3)
                    .hostile_after_clashes(2)
                    .truce(|t| t.from_day(1).to_day(2).hazard_factor(0.1))
                    .truce(|t| t.region(Pos::LatLon(36.0, 39.1), 5.0))
            })
            .site("s", "dam", (1.0, 2.0), |s| {
                s.name("S")
                    .owner("a")
                    .value(2)
                    .output_per_day(3)
                    .capture_radius_km(4)
                    .garrison(5)
            })
            .force("f", "a", (0.0, 0.0), |f| {
                f.name("F")
                    .strength(100)
                    .lethality(0.001)
                    .speed_kmh(2)
                    .posture("advance")
                    .objective_at((5.0, 0.0))
                    .withdraw_to((-1.0, 0.0))
                    .break_point(0.2)
                    .sensor_range_km(7)
                    .weapon_range_km(2)
                    .domain("air")
                    .respects_zones(false)
            })
            .force("g", "b", (3.0, 0.0), |f| {
                f.strength(50)
                    .speed_kmh(1)
                    .posture("patrol")
                    .route([(3.0, 0.0), (3.0, 4.0)])
            })
            .force("h", "b", (4.0, 0.0), |f| f.strength(1))
            .line("l", ["a", "b"], [(0.0, -5.0), (0.0, 5.0)], |l| {
                l.buffer_km(2).segment_km(3)
            })
            .zone("z", "a", "exclusion", |z| {
                z.name("Z")
                    .center((0.0, 0.0))
                    .radius_km(10)
                    .incursion_hazard_per_hour(0.02)
                    .hazard_factor(0.4)
            })
            .zone("p", "b", "deconfliction", |z| {
                z.polygon([(0.0, 0.0), (1.0, 0.0), (0.0, 1.0)])
            })
            .event(1, "truce", |e| {
                e.hour(6)
                    .between(["a", "b"])
                    .truce(|t| t.hazard_factor(0.5))
            })
            .event(1, "stance", |e| e.between(["a", "b"]).stance("neutral"))
            .event(1, "deconfliction", |e| {
                e.between(["a", "b"]).deconfliction(0.9)
            })
            .event(2, "reinforce", |e| e.force("f").strength(10))
            .event(2, "order", |e| {
                e.force("g").posture("advance").objective("s")
            })
            .event(2, "order", |e| {
                e.force("h").posture("advance").objective_at((1.0, 1.0))
            })
            .event(2, "order", |e| {
                e.force("h")
                    .posture("patrol")
                    .route([(0.0, 0.0), (1.0, 1.0)])
            })
            .event(2, "strike", |e| e.force("f").losses(0.1).by("b"));
        let raw: RawScenario = toml::from_str(&s.to_toml()).expect("the builder's file parses");
        assert_eq!(raw.scenario.start_date, "2020-02-29");
        assert_eq!(raw.model.combat.mean_field_substeps, 4);
        assert!(!raw.model.movement.halt_in_combat);
        assert_eq!(raw.factions[0].colour.as_deref(), Some("#ff0000"));
        let r = &raw.relations[0];
        assert_eq!(
            (r.stance, r.hostile_after_clashes),
            (Stance::Rival, Some(2))
        );
        assert_eq!(r.truces[1].region.as_ref().unwrap().center.lat, Some(36.0));
        let f = &raw.forces[0];
        assert_eq!((f.posture, f.sensor_range_km), (Posture::Advance, 7.0));
        assert_eq!(f.withdraw_to.unwrap().x_km, Some(-1.0));
        assert_eq!(raw.forces[1].route.len(), 2);
        assert_eq!(raw.sites[0].garrison, 5.0);
        assert_eq!(raw.contact_lines[0].segment_km, 3.0);
        assert_eq!(raw.zones[0].rule, ZoneRule::Exclusion);
        assert_eq!(raw.zones[1].polygon.as_ref().unwrap().len(), 3);
        assert_eq!(raw.events[0].truce.as_ref().unwrap().hazard_factor, 0.5);
        assert_eq!(raw.events[4].kind, EventKind::Order);
        assert_eq!(raw.events[7].by.as_deref(), Some("b"));
        let th = built(&s);
        // Three forces and the site's garrison.
        assert_eq!((th.forces.len(), th.scenario.sites.len()), (4, 1));
    }
}
