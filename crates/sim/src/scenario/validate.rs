//! From [`RawScenario`] to [`Scenario`]: id resolution, projection,
//! segmentation and range checks, collecting every error.

use std::collections::HashMap;
use std::fmt;

use super::raw::*;
use super::*;
use crate::geo::{EARTH_RADIUS_KM, LatLon, Vec2, central_angle, polygon_area, project};
use crate::params::{CombatParams, FrictionParams, MovementParams};

/// Size limits, checked before anything proportional to them is allocated.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Factions.
    pub factions: usize,
    /// Forces.
    pub forces: usize,
    /// Sites.
    pub sites: usize,
    /// Contact lines.
    pub contact_lines: usize,
    /// Contact-line segments after splitting, all lines together.
    pub segments: usize,
    /// Zones.
    pub zones: usize,
    /// Scheduled events.
    pub events: usize,
    /// Vertices of one polyline or polygon.
    pub points: usize,
    /// Horizon, days.
    pub horizon_days: f64,
    /// Ticks in a run.
    pub ticks: u32,
    /// Strength of one force or garrison.
    pub strength: f64,
    /// All personnel a run can hold: forces, garrisons and reinforcements
    /// together. It bounds the casualties of one run.
    pub total_strength: f64,
    /// Output of all sites over the horizon together. It bounds the revenue
    /// of one run.
    pub total_output: f64,
}

/// The limits in force.
pub const LIMITS: Limits = Limits {
    factions: 256,
    forces: 200_000,
    sites: 10_000,
    contact_lines: 10_000,
    segments: 1_000_000,
    zones: 10_000,
    events: 100_000,
    points: 100_000,
    horizon_days: 3650.0,
    ticks: 1_000_000,
    strength: 10_000_000.0,
    total_strength: 1e11,
    total_output: 1e11,
};

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

#[derive(Default)]
struct Checker {
    errors: Vec<ValidationError>,
    origin: Option<LatLon>,
    theatre_km: f64,
    horizon_hours: f64,
}

fn ent(kind: &str, id: &str) -> String {
    format!("{kind} `{id}`")
}

impl Checker {
    fn err(&mut self, entity: &str, field: &str, message: impl Into<String>) {
        self.errors.push(ValidationError {
            entity: entity.to_string(),
            field: field.to_string(),
            message: message.into(),
        });
    }

    /// Checks `lo <= v <= hi` (or `lo < v` when `open_lo`) and finiteness.
    fn range(&mut self, e: &str, field: &str, v: f64, lo: f64, hi: f64, open_lo: bool) -> bool {
        if !v.is_finite() {
            self.err(e, field, format!("must be a finite number, found `{v}`"));
            return false;
        }
        let low_ok = if open_lo { v > lo } else { v >= lo };
        if !low_ok || v > hi {
            let lb = if open_lo { "(" } else { "[" };
            self.err(e, field, format!("must be in {lb}{lo}, {hi}], found `{v}`"));
            return false;
        }
        true
    }

    fn count(&mut self, what: &str, n: usize, max: usize) -> bool {
        if n > max {
            self.err(
                "scenario",
                what,
                format!("has {n} entries; at most {max} are supported"),
            );
            return false;
        }
        true
    }

    fn scenario(&mut self, raw: &RawScenario) -> Option<Scenario> {
        let m = &raw.scenario;
        // Sizes first: nothing proportional to them is allocated before.
        let sizes_ok = [
            self.count("faction", raw.factions.len(), LIMITS.factions),
            self.count("force", raw.forces.len(), LIMITS.forces),
            self.count("site", raw.sites.len(), LIMITS.sites),
            self.count(
                "contact_line",
                raw.contact_lines.len(),
                LIMITS.contact_lines,
            ),
            self.count("zone", raw.zones.len(), LIMITS.zones),
            self.count("event", raw.events.len(), LIMITS.events),
        ]
        .iter()
        .all(|&ok| ok);

        let e = "scenario";
        if m.name.trim().is_empty() {
            self.err(e, "name", "must not be empty");
        }
        check_date(&m.start_date).unwrap_or_else(|msg| self.err(e, "start_date", msg));
        let horizon_ok = self.range(
            e,
            "horizon_days",
            m.horizon_days,
            0.0,
            LIMITS.horizon_days,
            true,
        );
        let tick_ok = self.range(
            e,
            "tick_hours",
            m.tick_hours,
            0.0,
            24.0 * LIMITS.horizon_days,
            true,
        );
        let mut ticks = 0u32;
        if horizon_ok && tick_ok {
            let hh = m.horizon_days * 24.0;
            if m.tick_hours > hh {
                self.err(
                    e,
                    "tick_hours",
                    format!("`{}` is longer than the horizon ({hh} hours)", m.tick_hours),
                );
            } else {
                let n = (hh / m.tick_hours - 1e-9).ceil();
                if n > LIMITS.ticks as f64 {
                    self.err(
                        e,
                        "tick_hours",
                        format!(
                            "gives {n} ticks over the horizon; at most {} are supported",
                            LIMITS.ticks
                        ),
                    );
                } else {
                    ticks = n as u32;
                }
            }
            self.horizon_hours = hh;
        }
        let lat_ok = self.range(e, "origin.lat", m.origin.lat, -89.0, 89.0, false);
        let lon_ok = self.range(e, "origin.lon", m.origin.lon, -180.0, 180.0, false);
        if lat_ok && lon_ok {
            self.origin = Some(LatLon {
                lat: m.origin.lat,
                lon: m.origin.lon,
            });
        }
        self.theatre_km = 1000.0;
        if self.range(
            e,
            "theatre_radius_km",
            m.theatre_radius_km,
            0.0,
            5000.0,
            true,
        ) {
            self.theatre_km = m.theatre_radius_km;
        }
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
        let forces = self.forces(raw, &fidx, &sidx, &sites);
        let (contact_lines, segments) = self.contact_lines(raw, &fidx);
        let zones = self.zones(raw, &fidx);
        let fo_idx = index_of(raw.forces.iter().map(|f| f.id.as_str()));
        let events = self.events(raw, &fidx, &fo_idx, &sidx, &sites, ticks, m.tick_hours);
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
        })
    }

    /// The run totals that the exact statistics rely on (see `LIMITS`).
    fn totals(
        &mut self,
        forces: &[ForceSpec],
        sites: &[SiteSpec],
        events: &[EventSpec],
        days: f64,
    ) {
        let personnel: f64 = forces.iter().map(|f| f.strength).sum::<f64>()
            + sites.iter().map(|s| s.garrison).sum::<f64>()
            + events
                .iter()
                .map(|e| match e.action {
                    Action::Reinforce { strength, .. } => strength,
                    _ => 0.0,
                })
                .sum::<f64>();
        if personnel > LIMITS.total_strength {
            self.err(
                "scenario",
                "strength",
                format!(
                    "of all forces, garrisons and reinforcements together is {personnel:e}; \
                     at most {:e} is supported",
                    LIMITS.total_strength
                ),
            );
        }
        let output = sites.iter().map(|s| s.output_per_day).sum::<f64>() * days;
        if output > LIMITS.total_output {
            self.err(
                "scenario",
                "output_per_day",
                format!(
                    "of all sites over the horizon is {output:e} units; at most {:e} is supported",
                    LIMITS.total_output
                ),
            );
        }
    }

    fn params(&mut self, raw: &RawScenario) {
        let CombatParams {
            mode: _,
            default_lethality,
            garrison_lethality,
            mean_field_substeps,
        } = raw.model.combat;
        let e = "model.combat";
        self.range(e, "default_lethality", default_lethality, 0.0, 1.0, false);
        self.range(e, "garrison_lethality", garrison_lethality, 0.0, 1.0, false);
        if !(1..=1000).contains(&mean_field_substeps) {
            self.err(
                e,
                "mean_field_substeps",
                format!("must be in [1, 1000], found `{mean_field_substeps}`"),
            );
        }
        let f: &FrictionParams = &raw.model.friction;
        let e = "model.friction";
        let big = 1e6;
        for (name, v, lo, hi, open) in [
            (
                "base_hazard_per_hour",
                f.base_hazard_per_hour,
                0.0,
                100.0,
                false,
            ),
            (
                "proximity_scale_km",
                f.proximity_scale_km,
                0.0,
                1000.0,
                true,
            ),
            (
                "reference_strength",
                f.reference_strength,
                0.0,
                LIMITS.strength,
                true,
            ),
            ("size_exponent", f.size_exponent, 0.0, 2.0, false),
            (
                "competition_factor",
                f.competition_factor,
                0.0,
                100.0,
                false,
            ),
            (
                "cooperative_hazard",
                f.cooperative_hazard,
                0.0,
                100.0,
                false,
            ),
            ("rival_hazard", f.rival_hazard, 0.0, 100.0, false),
            (
                "deconfliction_hazard_weight",
                f.deconfliction_hazard_weight,
                0.0,
                1.0,
                false,
            ),
            ("branching_ratio", f.branching_ratio, 0.0, 0.99, false),
            (
                "excitation_decay_hours",
                f.excitation_decay_hours,
                0.0,
                big,
                true,
            ),
            (
                "first_contact_surge",
                f.first_contact_surge,
                0.0,
                100.0,
                false,
            ),
            ("clash_probability", f.clash_probability, 0.0, 1.0, false),
            (
                "engagement_probability",
                f.engagement_probability,
                0.0,
                1.0,
                false,
            ),
            (
                "cooperative_escalation",
                f.cooperative_escalation,
                0.0,
                100.0,
                false,
            ),
            ("rival_escalation", f.rival_escalation, 0.0, 100.0, false),
            ("clash_casualties", f.clash_casualties, 0.0, big, false),
            (
                "engagement_casualties",
                f.engagement_casualties,
                0.0,
                big,
                false,
            ),
            (
                "site_attribution_km",
                f.site_attribution_km,
                0.0,
                1000.0,
                false,
            ),
        ] {
            self.range(e, name, v, lo, hi, open);
        }
        let MovementParams {
            zone_margin_km,
            halt_in_combat: _,
        } = raw.model.movement;
        self.range(
            "model.movement",
            "zone_margin_km",
            zone_margin_km,
            0.0,
            1000.0,
            false,
        );
    }

    /// Projects a position; `None` (with an error) when it is invalid.
    fn position(&mut self, e: &str, field: &str, p: &RawPosition) -> Option<Vec2> {
        // The distance from the origin is checked before projecting: near the
        // antipode the projection's scale factor c / sin c has no bound.
        let (v, d) = match (p.lat, p.lon, p.x_km, p.y_km) {
            (Some(lat), Some(lon), None, None) => {
                let ok = self.range(e, &format!("{field}.lat"), lat, -90.0, 90.0, false)
                    & self.range(e, &format!("{field}.lon"), lon, -180.0, 180.0, false);
                let origin = self.origin?;
                if !ok {
                    return None;
                }
                let at = LatLon { lat, lon };
                let d = EARTH_RADIUS_KM * central_angle(origin, at);
                let v = (d <= self.theatre_km).then(|| project(origin, at));
                (v, d)
            }
            (None, None, Some(x), Some(y)) => {
                let ok = self.range(e, &format!("{field}.x_km"), x, -1e5, 1e5, false)
                    & self.range(e, &format!("{field}.y_km"), y, -1e5, 1e5, false);
                if !ok {
                    return None;
                }
                let v = Vec2::new(x, y);
                (Some(v), v.length())
            }
            _ => {
                self.err(
                    e,
                    field,
                    "must give either `lat` and `lon` or `x_km` and `y_km`",
                );
                return None;
            }
        };
        if d > self.theatre_km {
            self.err(
                e,
                field,
                format!(
                    "lies {d:.0} km from the origin, outside the theatre (radius {} km)",
                    self.theatre_km
                ),
            );
            return None;
        }
        v
    }

    fn unique_ids<'a>(&mut self, kind: &str, ids: impl Iterator<Item = &'a str>) {
        let mut seen = HashMap::new();
        for id in ids {
            if id.trim().is_empty() {
                self.err(kind, "id", "must not be empty");
            } else if seen.insert(id, ()).is_some() {
                self.err(&ent(kind, id), "id", "is defined more than once");
            }
        }
    }

    fn faction_ref(
        &mut self,
        e: &str,
        field: &str,
        id: &str,
        fidx: &HashMap<&str, FactionId>,
    ) -> Option<FactionId> {
        let f = fidx.get(id).copied();
        if f.is_none() {
            self.err(e, field, format!("names unknown faction `{id}`"));
        }
        f
    }

    fn factions(&mut self, raw: &RawScenario) -> Vec<Faction> {
        self.unique_ids("faction", raw.factions.iter().map(|f| f.id.as_str()));
        if raw.factions.is_empty() {
            self.err("scenario", "faction", "at least one faction is required");
        }
        raw.factions
            .iter()
            .map(|f| {
                let e = ent("faction", &f.id);
                self.range(&e, "aggression", f.aggression, 0.0, 1.0, false);
                self.range(&e, "discipline", f.discipline, 0.0, 1.0, false);
                if let Some(c) = &f.colour {
                    let ok = c.len() == 7
                        && c.starts_with('#')
                        && c[1..].chars().all(|ch| ch.is_ascii_hexdigit());
                    if !ok {
                        self.err(&e, "colour", format!("must be `#rrggbb`, found `{c}`"));
                    }
                }
                Faction {
                    id: f.id.clone(),
                    name: f.name.clone().unwrap_or_else(|| f.id.clone()),
                    aggression: f.aggression,
                    discipline: f.discipline,
                    colour: f.colour.clone(),
                }
            })
            .collect()
    }

    fn pair(
        &mut self,
        e: &str,
        field: &str,
        between: &[String; 2],
        fidx: &HashMap<&str, FactionId>,
    ) -> Option<[FactionId; 2]> {
        let a = self.faction_ref(e, field, &between[0], fidx);
        let b = self.faction_ref(e, field, &between[1], fidx);
        let (a, b) = (a?, b?);
        if a == b {
            self.err(
                e,
                field,
                format!("relates faction `{}` to itself", between[0]),
            );
            return None;
        }
        Some([a, b])
    }

    fn truce(&mut self, e: &str, t: &RawTruce) -> Option<Truce> {
        let h = self.horizon_hours;
        let from_ok = self.range(e, "truce.from_day", t.from_day, 0.0, h / 24.0, false);
        let to = t.to_day.unwrap_or(h / 24.0);
        let to_ok = self.range(e, "truce.to_day", to, 0.0, LIMITS.horizon_days, false);
        if from_ok && to_ok && to <= t.from_day {
            self.err(
                e,
                "truce.to_day",
                format!("`{to}` must be after `from_day` ({})", t.from_day),
            );
        }
        self.range(e, "truce.hazard_factor", t.hazard_factor, 0.0, 1.0, false);
        let region = match &t.region {
            None => None,
            Some(c) => Some(self.circle(e, "truce.region", c)?),
        };
        Some(Truce {
            from_hours: t.from_day * 24.0,
            to_hours: to * 24.0,
            region,
            hazard_factor: t.hazard_factor,
        })
    }

    fn circle(&mut self, e: &str, field: &str, c: &RawCircle) -> Option<Circle> {
        let center = self.position(e, &format!("{field}.center"), &c.center);
        let r_ok = self.range(
            e,
            &format!("{field}.radius_km"),
            c.radius_km,
            0.0,
            5000.0,
            true,
        );
        Some(Circle {
            center: center?,
            radius_km: if r_ok { c.radius_km } else { return None },
        })
    }

    fn relations(
        &mut self,
        raw: &RawScenario,
        fidx: &HashMap<&str, FactionId>,
        n: usize,
    ) -> Relations {
        let mut rel = Relations::new(n);
        let mut seen: HashMap<(FactionId, FactionId), usize> = HashMap::new();
        for (i, r) in raw.relations.iter().enumerate() {
            let e = format!("relation `{}`–`{}`", r.between[0], r.between[1]);
            let Some([a, b]) = self.pair(&e, "between", &r.between, fidx) else {
                continue;
            };
            let key = (a.min(b), a.max(b));
            if let Some(prev) = seen.insert(key, i) {
                self.err(
                    &e,
                    "between",
                    format!("is listed twice (relation #{} and #{})", prev + 1, i + 1),
                );
                continue;
            }
            self.range(&e, "deconfliction", r.deconfliction, 0.0, 1.0, false);
            if r.hostile_after_clashes == Some(0) {
                self.err(
                    &e,
                    "hostile_after_clashes",
                    "must be at least 1 (omit it for never)",
                );
            }
            if r.stance == Stance::Hostile && !r.truces.is_empty() {
                // Truces only scale friction, which hostile pairs do not have.
                self.err(&e, "truce", "a truce needs a non-hostile stance to act on");
            }
            let truces = r.truces.iter().filter_map(|t| self.truce(&e, t)).collect();
            rel.set(
                a,
                b,
                Relation {
                    stance: r.stance,
                    deconfliction: r.deconfliction,
                    hostile_after_clashes: r.hostile_after_clashes,
                    truces,
                },
            );
        }
        rel
    }

    fn sites(&mut self, raw: &RawScenario, fidx: &HashMap<&str, FactionId>) -> Vec<SiteSpec> {
        self.unique_ids("site", raw.sites.iter().map(|s| s.id.as_str()));
        raw.sites
            .iter()
            .map(|s| {
                let e = ent("site", &s.id);
                let position = self
                    .position(&e, "position", &s.position)
                    .unwrap_or_default();
                let owner = s
                    .owner
                    .as_ref()
                    .and_then(|o| self.faction_ref(&e, "owner", o, fidx));
                self.range(&e, "value", s.value, 0.0, 1e6, false);
                self.range(&e, "output_per_day", s.output_per_day, 0.0, 1e12, false);
                self.range(
                    &e,
                    "capture_radius_km",
                    s.capture_radius_km,
                    0.0,
                    100.0,
                    true,
                );
                self.range(&e, "garrison", s.garrison, 0.0, LIMITS.strength, false);
                let garrison_id = format!("{}-garrison", s.id);
                if s.garrison > 0.0 && raw.forces.iter().any(|f| f.id == garrison_id) {
                    self.err(
                        &e,
                        "garrison",
                        format!(
                            "its garrison force would be `{garrison_id}`, an id a force already has"
                        ),
                    );
                }
                if s.garrison > 0.0 && s.owner.is_none() {
                    self.err(&e, "garrison", "needs an `owner` to defend the site");
                }
                SiteSpec {
                    id: s.id.clone(),
                    name: s.name.clone().unwrap_or_else(|| s.id.clone()),
                    kind: s.kind,
                    position,
                    owner,
                    value: s.value,
                    output_per_day: s.output_per_day,
                    capture_radius_km: s.capture_radius_km,
                    garrison: s.garrison,
                }
            })
            .collect()
    }

    fn objective(
        &mut self,
        e: &str,
        objective: Option<&String>,
        objective_at: Option<&RawPosition>,
        sidx: &HashMap<&str, usize>,
    ) -> Option<Objective> {
        match (objective, objective_at) {
            (Some(_), Some(_)) => {
                self.err(
                    e,
                    "objective",
                    "give `objective` or `objective_at`, not both",
                );
                None
            }
            (Some(id), None) => match sidx.get(id.as_str()) {
                Some(&i) => Some(Objective::Site(i)),
                None => {
                    self.err(e, "objective", format!("names unknown site `{id}`"));
                    None
                }
            },
            (None, Some(p)) => self.position(e, "objective_at", p).map(Objective::Point),
            (None, None) => None,
        }
    }

    fn route(&mut self, e: &str, route: &[RawPosition]) -> Vec<Vec2> {
        if route.len() > LIMITS.points {
            self.err(
                e,
                "route",
                format!("has more than {} points", LIMITS.points),
            );
            return Vec::new();
        }
        route
            .iter()
            .enumerate()
            .filter_map(|(i, p)| self.position(e, &format!("route[{i}]"), p))
            .collect()
    }

    fn forces(
        &mut self,
        raw: &RawScenario,
        fidx: &HashMap<&str, FactionId>,
        sidx: &HashMap<&str, usize>,
        _sites: &[SiteSpec],
    ) -> Vec<ForceSpec> {
        self.unique_ids("force", raw.forces.iter().map(|f| f.id.as_str()));
        let default_lethality = raw.model.combat.default_lethality;
        raw.forces
            .iter()
            .map(|f| {
                let e = ent("force", &f.id);
                let faction = self
                    .faction_ref(&e, "faction", &f.faction, fidx)
                    .unwrap_or(FactionId(0));
                let position = self
                    .position(&e, "position", &f.position)
                    .unwrap_or_default();
                self.range(&e, "strength", f.strength, 0.0, LIMITS.strength, false);
                let lethality = f.lethality.unwrap_or(default_lethality);
                self.range(&e, "lethality", lethality, 0.0, 1.0, false);
                self.range(&e, "speed_kmh", f.speed_kmh, 0.0, 1000.0, false);
                self.range(&e, "break_point", f.break_point, 0.0, 0.999, false);
                self.range(&e, "sensor_range_km", f.sensor_range_km, 0.0, 1000.0, false);
                self.range(&e, "weapon_range_km", f.weapon_range_km, 0.0, 1000.0, false);
                let objective =
                    self.objective(&e, f.objective.as_ref(), f.objective_at.as_ref(), sidx);
                let route = self.route(&e, &f.route);
                match f.posture {
                    Posture::Advance if objective.is_none() => self.err(
                        &e,
                        "posture",
                        "`advance` needs an `objective` or `objective_at`",
                    ),
                    Posture::Patrol if route.len() < 2 && f.route.len() < 2 => {
                        self.err(&e, "route", "`patrol` needs a route of at least two points")
                    }
                    Posture::Advance | Posture::Patrol if f.speed_kmh <= 0.0 => {
                        self.err(&e, "speed_kmh", "must be positive for a moving posture")
                    }
                    _ => {}
                }
                let withdraw_to = match &f.withdraw_to {
                    Some(p) => self.position(&e, "withdraw_to", p).unwrap_or(position),
                    None => position,
                };
                ForceSpec {
                    id: f.id.clone(),
                    name: f.name.clone().unwrap_or_else(|| f.id.clone()),
                    faction,
                    position,
                    strength: f.strength,
                    lethality,
                    speed_kmh: f.speed_kmh,
                    posture: f.posture,
                    objective,
                    route,
                    withdraw_to,
                    break_point: f.break_point,
                    sensor_range_km: f.sensor_range_km,
                    weapon_range_km: f.weapon_range_km,
                    domain: f.domain,
                    respects_zones: f.respects_zones,
                }
            })
            .collect()
    }

    fn contact_lines(
        &mut self,
        raw: &RawScenario,
        fidx: &HashMap<&str, FactionId>,
    ) -> (Vec<ContactLineSpec>, Vec<SegmentSpec>) {
        self.unique_ids(
            "contact_line",
            raw.contact_lines.iter().map(|l| l.id.as_str()),
        );
        let mut lines = Vec::new();
        let mut segments = Vec::new();
        let mut total_segments = 0usize;
        for l in &raw.contact_lines {
            let e = ent("contact_line", &l.id);
            let pair = self.pair(&e, "between", &l.between, fidx);
            let buf_ok = self.range(&e, "buffer_km", l.buffer_km, 0.0, 100.0, true);
            let seg_ok = self.range(&e, "segment_km", l.segment_km, 0.1, 1000.0, false);
            if l.points.len() > LIMITS.points {
                self.err(
                    &e,
                    "points",
                    format!("has more than {} points", LIMITS.points),
                );
                continue;
            }
            let pts: Vec<Vec2> = l
                .points
                .iter()
                .enumerate()
                .filter_map(|(i, p)| self.position(&e, &format!("points[{i}]"), p))
                .collect();
            if pts.len() != l.points.len() {
                continue;
            }
            if pts.len() < 2 {
                self.err(&e, "points", "needs at least two points");
                continue;
            }
            let length: f64 = pts.windows(2).map(|w| w[0].distance(w[1])).sum();
            if length < 1e-6 {
                self.err(&e, "points", "is degenerate: all its points coincide");
                continue;
            }
            let (Some(between), true, true) = (pair, buf_ok, seg_ok) else {
                continue;
            };
            // Count the segments before making any.
            let counts: Vec<usize> = pts
                .windows(2)
                .map(|w| (w[0].distance(w[1]) / l.segment_km - 1e-9).ceil().max(0.0) as usize)
                .collect();
            let n: usize = counts.iter().sum();
            total_segments += n;
            if total_segments > LIMITS.segments {
                self.err(
                    &e,
                    "segment_km",
                    format!(
                        "splits the contact lines into more than {} segments",
                        LIMITS.segments
                    ),
                );
                continue;
            }
            let line = lines.len();
            let first = segments.len();
            for (w, &k) in pts.windows(2).zip(&counts) {
                for j in 0..k {
                    let (t0, t1) = (j as f64 / k as f64, (j + 1) as f64 / k as f64);
                    segments.push(SegmentSpec {
                        line,
                        index_in_line: segments.len() - first,
                        a: w[0] + (w[1] - w[0]) * t0,
                        b: w[0] + (w[1] - w[0]) * t1,
                    });
                }
            }
            lines.push(ContactLineSpec {
                id: l.id.clone(),
                between,
                points: pts,
                buffer_km: l.buffer_km,
                first_segment: first,
                segment_count: n,
                length_km: length,
            });
        }
        (lines, segments)
    }

    fn zones(&mut self, raw: &RawScenario, fidx: &HashMap<&str, FactionId>) -> Vec<ZoneSpec> {
        self.unique_ids("zone", raw.zones.iter().map(|z| z.id.as_str()));
        let mut out = Vec::new();
        for z in &raw.zones {
            let e = ent("zone", &z.id);
            let owner = self.faction_ref(&e, "owner", &z.owner, fidx);
            self.range(
                &e,
                "incursion_hazard_per_hour",
                z.incursion_hazard_per_hour,
                0.0,
                100.0,
                false,
            );
            self.range(&e, "hazard_factor", z.hazard_factor, 0.0, 1.0, false);
            let shape = match (&z.center, z.radius_km, &z.polygon) {
                (Some(c), Some(r), None) => self
                    .circle(
                        &e,
                        "zone",
                        &RawCircle {
                            center: *c,
                            radius_km: r,
                        },
                    )
                    .map(Shape::Circle),
                (None, None, Some(poly)) => self.polygon(&e, poly),
                _ => {
                    self.err(
                        &e,
                        "shape",
                        "give either `center` and `radius_km` (a circle) or `polygon`",
                    );
                    None
                }
            };
            if let (Some(owner), Some(shape)) = (owner, shape) {
                out.push(ZoneSpec {
                    id: z.id.clone(),
                    name: z.name.clone().unwrap_or_else(|| z.id.clone()),
                    owner,
                    rule: z.rule,
                    shape,
                    incursion_hazard_per_hour: z.incursion_hazard_per_hour,
                    hazard_factor: z.hazard_factor,
                });
            }
        }
        out
    }

    fn polygon(&mut self, e: &str, poly: &[RawPosition]) -> Option<Shape> {
        if poly.len() > LIMITS.points {
            self.err(
                e,
                "polygon",
                format!("has more than {} points", LIMITS.points),
            );
            return None;
        }
        let pts: Vec<Vec2> = poly
            .iter()
            .enumerate()
            .filter_map(|(i, p)| self.position(e, &format!("polygon[{i}]"), p))
            .collect();
        if pts.len() != poly.len() {
            return None;
        }
        if pts.len() < 3 {
            self.err(e, "polygon", "needs at least three points");
            return None;
        }
        if polygon_area(&pts).abs() < 1e-6 {
            self.err(e, "polygon", "is degenerate: it encloses no area");
            return None;
        }
        Some(Shape::Polygon(pts))
    }

    #[allow(clippy::too_many_arguments)]
    fn events(
        &mut self,
        raw: &RawScenario,
        fidx: &HashMap<&str, FactionId>,
        fo_idx: &HashMap<&str, usize>,
        sidx: &HashMap<&str, usize>,
        _sites: &[SiteSpec],
        ticks: u32,
        tick_hours: f64,
    ) -> Vec<EventSpec> {
        let mut out = Vec::new();
        for (i, ev) in raw.events.iter().enumerate() {
            let e = format!("event #{} ({})", i + 1, kind_name(ev.kind));
            let day_ok = self.range(&e, "day", ev.day, 0.0, LIMITS.horizon_days, false);
            let hour_ok = self.range(&e, "hour", ev.hour, 0.0, 24.0, false) && ev.hour < 24.0;
            if !hour_ok && ev.hour == 24.0 {
                self.err(&e, "hour", "must be below 24 (use the next day)");
            }
            let hours = ev.day * 24.0 + ev.hour;
            if day_ok && hour_ok && ticks > 0 && hours >= self.horizon_hours {
                self.err(
                    &e,
                    "day",
                    format!(
                        "falls at hour {hours}, after the horizon ({} hours)",
                        self.horizon_hours
                    ),
                );
            }
            let tick = if tick_hours > 0.0 && hours.is_finite() {
                ((hours / tick_hours) - 1e-9)
                    .ceil()
                    .max(0.0)
                    .min(u32::MAX as f64) as u32
            } else {
                0
            };
            // Within the horizon but inside a last tick that the tick length
            // does not fill: the next tick boundary is the horizon itself.
            if day_ok && hour_ok && ticks > 0 && hours < self.horizon_hours && tick >= ticks {
                self.err(
                    &e,
                    "day",
                    format!(
                        "falls at hour {hours}, inside the last tick (from hour {}); events take \
                         effect at the next tick boundary, which is the horizon, so it would never apply",
                        (ticks - 1) as f64 * tick_hours
                    ),
                );
            }
            let action = self.action(&e, ev, fidx, fo_idx, sidx);
            // Fields that do not belong to this kind are mistakes too.
            for (field, present) in foreign_fields(ev) {
                if present {
                    self.err(
                        &e,
                        field,
                        format!("does not apply to a `{}` event", kind_name(ev.kind)),
                    );
                }
            }
            if let Some(action) = action {
                out.push(EventSpec {
                    tick,
                    hours,
                    action,
                });
            }
        }
        out.sort_by_key(|ev| ev.tick); // stable: file order among equal ticks
        out
    }

    fn action(
        &mut self,
        e: &str,
        ev: &RawEvent,
        fidx: &HashMap<&str, FactionId>,
        fo_idx: &HashMap<&str, usize>,
        sidx: &HashMap<&str, usize>,
    ) -> Option<Action> {
        let need_pair = |c: &mut Self| match &ev.between {
            Some(b) => c.pair(e, "between", b, fidx),
            None => {
                c.err(e, "between", "is required");
                None
            }
        };
        let need_force = |c: &mut Self| match &ev.force {
            Some(id) => match fo_idx.get(id.as_str()) {
                Some(&i) => Some(i),
                None => {
                    c.err(e, "force", format!("names unknown force `{id}`"));
                    None
                }
            },
            None => {
                c.err(e, "force", "is required");
                None
            }
        };
        match ev.kind {
            EventKind::Stance => {
                let pair = need_pair(self);
                let Some(stance) = ev.stance else {
                    self.err(e, "stance", "is required");
                    return None;
                };
                Some(Action::Stance {
                    pair: pair?,
                    stance,
                })
            }
            EventKind::Deconfliction => {
                let pair = need_pair(self);
                let Some(value) = ev.deconfliction else {
                    self.err(e, "deconfliction", "is required");
                    return None;
                };
                self.range(e, "deconfliction", value, 0.0, 1.0, false)
                    .then_some(Action::Deconfliction { pair: pair?, value })
            }
            EventKind::Truce => {
                let pair = need_pair(self);
                let Some(t) = &ev.truce else {
                    self.err(e, "truce", "is required");
                    return None;
                };
                let truce = self.truce(e, t)?;
                Some(Action::Truce { pair: pair?, truce })
            }
            EventKind::Reinforce => {
                let force = need_force(self);
                let Some(strength) = ev.strength else {
                    self.err(e, "strength", "is required");
                    return None;
                };
                self.range(e, "strength", strength, 0.0, LIMITS.strength, false)
                    .then_some(Action::Reinforce {
                        force: force?,
                        strength,
                    })
            }
            EventKind::Order => {
                let force = need_force(self);
                let Some(posture) = ev.posture else {
                    self.err(e, "posture", "is required");
                    return None;
                };
                let objective =
                    self.objective(e, ev.objective.as_ref(), ev.objective_at.as_ref(), sidx);
                let route = self.route(e, ev.route.as_deref().unwrap_or(&[]));
                if posture == Posture::Advance && objective.is_none() {
                    self.err(
                        e,
                        "posture",
                        "`advance` needs an `objective` or `objective_at`",
                    );
                }
                if posture == Posture::Patrol && route.len() < 2 {
                    self.err(e, "route", "`patrol` needs a route of at least two points");
                }
                Some(Action::Order {
                    force: force?,
                    posture,
                    objective,
                    route,
                })
            }
            EventKind::Strike => {
                let force = need_force(self);
                let Some(losses) = ev.losses else {
                    self.err(e, "losses", "is required");
                    return None;
                };
                let by = match &ev.by {
                    Some(b) => Some(self.faction_ref(e, "by", b, fidx)?),
                    None => None,
                };
                self.range(e, "losses", losses, 0.0, 1.0, false)
                    .then_some(Action::Strike {
                        force: force?,
                        losses,
                        by,
                    })
            }
        }
    }
}

fn kind_name(k: EventKind) -> &'static str {
    match k {
        EventKind::Stance => "stance",
        EventKind::Deconfliction => "deconfliction",
        EventKind::Truce => "truce",
        EventKind::Reinforce => "reinforce",
        EventKind::Order => "order",
        EventKind::Strike => "strike",
    }
}

/// The optional event fields that a kind does not use, and whether each is set.
fn foreign_fields(ev: &RawEvent) -> Vec<(&'static str, bool)> {
    use EventKind::*;
    let uses = |field: &str| -> bool {
        matches!(
            (ev.kind, field),
            (Stance | Deconfliction | Truce, "between")
                | (Stance, "stance")
                | (Deconfliction, "deconfliction")
                | (Truce, "truce")
                | (Reinforce | Order | Strike, "force")
                | (Reinforce, "strength")
                | (Order, "posture" | "objective" | "objective_at" | "route")
                | (Strike, "losses" | "by")
        )
    };
    [
        ("between", ev.between.is_some()),
        ("stance", ev.stance.is_some()),
        ("deconfliction", ev.deconfliction.is_some()),
        ("truce", ev.truce.is_some()),
        ("force", ev.force.is_some()),
        ("strength", ev.strength.is_some()),
        ("posture", ev.posture.is_some()),
        ("objective", ev.objective.is_some()),
        ("objective_at", ev.objective_at.is_some()),
        ("route", ev.route.is_some()),
        ("losses", ev.losses.is_some()),
        ("by", ev.by.is_some()),
    ]
    .into_iter()
    .filter(|(f, _)| !uses(f))
    .collect()
}

fn index_of<'a>(ids: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut m = HashMap::new();
    for (i, id) in ids.enumerate() {
        m.entry(id).or_insert(i);
    }
    m
}

/// Checks a `YYYY-MM-DD` calendar date.
fn check_date(s: &str) -> Result<(), String> {
    let bad = || format!("must be a date `YYYY-MM-DD`, found `{s}`");
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() != 3
        || parts[0].len() != 4
        || parts[1].len() != 2
        || parts[2].len() != 2
        || !parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let y: u32 = parts[0].parse().map_err(|_| bad())?;
    let m: u32 = parts[1].parse().map_err(|_| bad())?;
    let d: u32 = parts[2].parse().map_err(|_| bad())?;
    let leap = (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400);
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return Err(bad()),
    };
    if d == 0 || d > days {
        return Err(bad());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_date;
    use crate::scenario::{RawScenario, Scenario};

    /// The validation errors of a two-faction scenario with `body` appended.
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

    #[test]
    fn a_position_at_the_antipode_is_refused_with_its_true_distance() {
        let force = |lat: f64, lon: f64| {
            format!(
                "[[force]]\nid = \"far\"\nfaction = \"a\"\nposition = {{ lat = {lat}, lon = {lon} }}\nstrength = 10\n"
            )
        };
        // Half the circumference, π R, where the projection is singular.
        let e = errors(1.0, 1.0, &force(-35.95, 39.017 - 180.0));
        let half = (std::f64::consts::PI * crate::geo::EARTH_RADIUS_KM).round();
        assert!(
            e.contains(&format!("lies {half} km from the origin")),
            "{e}"
        );
        // A quarter of the way round: R π / 2.
        let e = errors(1.0, 1.0, &force(-54.05, 39.017));
        let quarter = (std::f64::consts::FRAC_PI_2 * crate::geo::EARTH_RADIUS_KM).round();
        assert!(e.contains(&format!("lies {quarter} km")), "{e}");
    }

    #[test]
    fn an_event_that_could_only_apply_at_the_horizon_is_refused() {
        let event = |hour: f64| {
            let (day, hour) = ((hour / 24.0f64).floor(), hour % 24.0);
            format!(
                "[[event]]\nday = {day}\nhour = {hour}\nkind = \"stance\"\nbetween = [\"a\", \"b\"]\nstance = \"neutral\"\n"
            )
        };
        // 10 ticks of 5 h cover [0, 48): the last tick is [45, 48).
        let days = 2.0;
        assert_eq!(errors(days, 5.0, &event(45.0)), "");
        let e = errors(days, 5.0, &event(46.0));
        assert!(e.contains("inside the last tick (from hour 45)"), "{e}");
        let e = errors(days, 5.0, &event(47.5));
        assert!(e.contains("would never apply"), "{e}");
    }

    #[test]
    fn totals_beyond_the_exact_statistics_are_refused() {
        let site = "[[site]]\nid = \"s\"\nkind = \"oil_field\"\nposition = { x_km = 0, y_km = 0 }\noutput_per_day = 1e9\n";
        // 1e9 a day for 100 days is 1e11, the limit itself.
        assert_eq!(errors(100.0, 24.0, site), "");
        let e = errors(101.0, 24.0, site);
        assert!(
            e.contains("of all sites over the horizon is 1.01e11"),
            "{e}"
        );
        let forces: String = (0..11)
            .map(|i| format!("[[force]]\nid = \"f{i}\"\nfaction = \"a\"\nposition = {{ x_km = {i}, y_km = 0 }}\nstrength = 1e7\n"))
            .collect();
        assert_eq!(errors(1.0, 1.0, &forces), "");
        let reinforce = (0..10_000)
            .map(|_| "[[event]]\nday = 0\nkind = \"reinforce\"\nforce = \"f0\"\nstrength = 1e7\n")
            .collect::<String>();
        let e = errors(1.0, 1.0, &(forces + &reinforce));
        assert!(
            e.contains("of all forces, garrisons and reinforcements together is 1.0011e11"),
            "{e}"
        );
    }

    #[test]
    fn dates() {
        assert!(check_date("2017-06-13").is_ok());
        assert!(check_date("2016-02-29").is_ok());
        assert!(check_date("2017-02-29").is_err());
        assert!(check_date("2017-13-01").is_err());
        assert!(check_date("17-06-13").is_err());
        assert!(check_date("2017-06-1x").is_err());
    }
}
