//! Sites: supply sites with their position, owner, value, output, capture
//! radius and garrison.
//!
//! A garrisoned site becomes a force `<site>-garrison` of its owner when the
//! theatre is built (`Theatre::new`), so it needs an owner, and no force of
//! the file may have that id.

use std::collections::HashMap;

use super::Checker;
use super::checks::ent;
use super::limits::LIMITS;
use crate::scenario::raw::RawScenario;
use crate::scenario::{FactionId, SiteSpec};

impl Checker {
    /// The sites, in file order.
    pub(super) fn sites(
        &mut self,
        raw: &RawScenario,
        fidx: &HashMap<&str, FactionId>,
    ) -> Vec<SiteSpec> {
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
                self.range(
                    &e,
                    "garrison_break_point",
                    s.garrison_break_point,
                    0.0,
                    0.999,
                    false,
                );
                self.range(
                    &e,
                    "garrison_speed_kmh",
                    s.garrison_speed_kmh,
                    0.0,
                    1000.0,
                    false,
                );
                let garrison_withdraw_to = s
                    .garrison_withdraw_to
                    .as_ref()
                    .and_then(|p| self.position(&e, "garrison_withdraw_to", p));
                if garrison_withdraw_to.is_some() && s.garrison_speed_kmh <= 0.0 {
                    self.err(
                        &e,
                        "garrison_speed_kmh",
                        "must be positive for a garrison that withdraws (`garrison_withdraw_to`)",
                    );
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
                    garrison_break_point: s.garrison_break_point,
                    garrison_withdraw_to,
                    garrison_speed_kmh: s.garrison_speed_kmh,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::super::errors;

    /// A site of `a` with a garrison and `keys` added.
    fn site(keys: &str) -> String {
        format!(
            "[[site]]\nid = \"well\"\nkind = \"oil_field\"\nposition = {{ x_km = 0, y_km = 0 }}\nowner = \"a\"\ngarrison = 100\n{keys}\n"
        )
    }

    #[test]
    fn the_garrison_keys_are_checked_where_they_are_written() {
        assert_eq!(errors(1.0, 1.0, &site("")), "");
        let ok = "garrison_break_point = 0.5\ngarrison_withdraw_to = { x_km = 0, y_km = -20 }\ngarrison_speed_kmh = 2";
        assert_eq!(errors(1.0, 1.0, &site(ok)), "");
        let cases = [
            (
                "garrison_break_point = 1",
                "site `well`: `garrison_break_point`",
            ),
            (
                "garrison_break_point = -0.1",
                "site `well`: `garrison_break_point`",
            ),
            (
                "garrison_speed_kmh = -1",
                "site `well`: `garrison_speed_kmh`",
            ),
            (
                "garrison_withdraw_to = { x_km = 0, y_km = -20 }\ngarrison_speed_kmh = 0",
                "site `well`: `garrison_speed_kmh` must be positive for a garrison that withdraws",
            ),
            (
                "garrison_withdraw_to = { x_km = 0 }",
                "site `well`: `garrison_withdraw_to`",
            ),
        ];
        for (keys, expect) in cases {
            let e = errors(1.0, 1.0, &site(keys));
            assert!(e.contains(expect), "{keys}: {e}");
            assert_eq!(e.lines().count(), 1, "{keys}: {e}");
        }
    }

    #[test]
    fn an_assault_needs_an_objective_and_a_speed() {
        let force = |keys: &str| {
            format!(
                "[[force]]\nid = \"col\"\nfaction = \"a\"\nposition = {{ x_km = 0, y_km = 0 }}\nstrength = 10\nposture = \"assault\"\n{keys}\n"
            )
        };
        assert_eq!(
            errors(
                1.0,
                1.0,
                &force("speed_kmh = 1\nobjective_at = { x_km = 5, y_km = 0 }")
            ),
            ""
        );
        let e = errors(1.0, 1.0, &force("speed_kmh = 1"));
        assert!(
            e.contains("force `col`: `posture` `assault` needs an `objective` or `objective_at`"),
            "{e}"
        );
        let e = errors(1.0, 1.0, &force("objective_at = { x_km = 5, y_km = 0 }"));
        assert!(
            e.contains("force `col`: `speed_kmh` must be positive for a moving posture"),
            "{e}"
        );
    }
}
