//! Forces: faction, position, strength and ranges, and the orders they
//! start with (posture, objective, route, where to withdraw).
//!
//! The objective and route checks serve the `order` events too (see
//! `events.rs`), which give a force new ones during the run.

use std::collections::HashMap;

use super::Checker;
use super::checks::ent;
use super::limits::LIMITS;
use crate::geo::Vec2;
use crate::scenario::raw::{RawPosition, RawScenario};
use crate::scenario::{FactionId, ForceSpec, Objective, Posture};

impl Checker {
    /// The forces, in file order. Forces with an unknown faction are kept
    /// (as faction 0) so that their other fields are checked too.
    pub(super) fn forces(
        &mut self,
        raw: &RawScenario,
        fidx: &HashMap<&str, FactionId>,
        sidx: &HashMap<&str, usize>,
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
                // A force's route counts as written (a bad point has its own
                // error); an order's counts its valid points.
                let has_route = f.route.len() >= 2;
                if self.posture(&e, f.posture, objective.is_some(), has_route)
                    && matches!(
                        f.posture,
                        Posture::Advance | Posture::Assault | Posture::Patrol
                    )
                    && f.speed_kmh <= 0.0
                {
                    self.err(&e, "speed_kmh", "must be positive for a moving posture");
                }
                let attack = self.attack(&e, f.attack.as_deref(), faction, f.posture, fidx);
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
                    attack,
                }
            })
            .collect()
    }

    /// The faction of a deliberate attack: a known faction other than the
    /// attacker's own (`faction`; `None` for an order, whose force may be
    /// unknown), with posture `assault`.
    pub(super) fn attack(
        &mut self,
        e: &str,
        attack: Option<&str>,
        faction: impl Into<Option<FactionId>>,
        posture: Posture,
        fidx: &HashMap<&str, FactionId>,
    ) -> Option<FactionId> {
        let target = self.faction_ref(e, "attack", attack?, fidx)?;
        if faction.into() == Some(target) {
            self.err(e, "attack", "names the force's own faction");
            return None;
        }
        if posture != Posture::Assault {
            self.err(e, "attack", "needs posture `assault`");
            return None;
        }
        Some(target)
    }

    /// The objective of `objective` (a site id) or `objective_at` (a
    /// position), at most one of them; `None` when neither is given or it
    /// is invalid (with an error).
    pub(super) fn objective(
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
            (Some(id), None) => self
                .lookup(e, "objective", "site", id, sidx)
                .map(Objective::Site),
            (None, Some(p)) => self.position(e, "objective_at", p).map(Objective::Point),
            (None, None) => None,
        }
    }

    /// Checks that a moving posture has where to go: `advance` an objective,
    /// `patrol` a route (`has_route`: of at least two points); `false` (with
    /// an error) when it has not.
    pub(super) fn posture(
        &mut self,
        e: &str,
        posture: Posture,
        has_objective: bool,
        has_route: bool,
    ) -> bool {
        match posture {
            Posture::Advance | Posture::Assault if !has_objective => self.err(
                e,
                "posture",
                format!(
                    "`{}` needs an `objective` or `objective_at`",
                    if posture == Posture::Advance {
                        "advance"
                    } else {
                        "assault"
                    }
                ),
            ),
            Posture::Patrol if !has_route => {
                self.err(e, "route", "`patrol` needs a route of at least two points")
            }
            _ => return true,
        }
        false
    }

    /// The route's points; those that fail are left out (with their errors).
    pub(super) fn route(&mut self, e: &str, route: &[RawPosition]) -> Vec<Vec2> {
        self.positions(e, "route", route).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::super::errors;

    /// A force `col` of `a` with `keys`, and `more` after it.
    fn col(keys: &str, more: &str) -> String {
        format!(
            "[[force]]\nid = \"col\"\nfaction = \"a\"\nposition = {{ x_km = 0, y_km = 0 }}\nstrength = 10\nspeed_kmh = 1\nobjective_at = {{ x_km = 5, y_km = 0 }}\n{keys}\n{more}"
        )
    }

    #[test]
    fn an_attack_names_another_faction_and_needs_an_assault() {
        let assault = "posture = \"assault\"\n";
        assert_eq!(
            errors(1.0, 1.0, &col(&format!("{assault}attack = \"b\""), "")),
            ""
        );
        let cases = [
            (
                format!("{assault}attack = \"a\""),
                "force `col`: `attack` names the force's own faction",
            ),
            (format!("{assault}attack = \"z\""), "force `col`: `attack`"),
            (
                "posture = \"advance\"\nattack = \"b\"".to_string(),
                "force `col`: `attack` needs posture `assault`",
            ),
        ];
        for (keys, expect) in cases {
            let e = errors(1.0, 1.0, &col(&keys, ""));
            assert!(e.contains(expect), "{keys}: {e}");
            assert_eq!(e.lines().count(), 1, "{keys}: {e}");
        }
        // In an order: the same checks, against the ordered force's faction.
        let order = |keys: &str| {
            format!(
                "[[event]]\nday = 0\nhour = 1\nkind = \"order\"\nforce = \"col\"\nobjective_at = {{ x_km = 5, y_km = 0 }}\n{keys}\n"
            )
        };
        let ok = order("posture = \"assault\"\nattack = \"b\"");
        assert_eq!(errors(1.0, 1.0, &col("", &ok)), "");
        let e = errors(
            1.0,
            1.0,
            &col("", &order("posture = \"assault\"\nattack = \"a\"")),
        );
        assert!(
            e.contains("event #1 (order): `attack` names the force's own faction"),
            "{e}"
        );
        let e = errors(
            1.0,
            1.0,
            &col("", &order("posture = \"advance\"\nattack = \"b\"")),
        );
        assert!(
            e.contains("event #1 (order): `attack` needs posture `assault`"),
            "{e}"
        );
        let stance = "[[event]]\nday = 0\nkind = \"stance\"\nbetween = [\"a\", \"b\"]\nstance = \"hostile\"\nattack = \"b\"\n";
        let e = errors(1.0, 1.0, &col("", stance));
        assert!(
            e.contains("event #1 (stance): `attack` does not apply to a `stance` event"),
            "{e}"
        );
    }
}
