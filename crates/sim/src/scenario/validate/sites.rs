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
}
