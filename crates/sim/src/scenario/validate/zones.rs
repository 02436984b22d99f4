//! Zones: areas that a faction owns, each a circle or a polygon, with its
//! rule (exclusion or deconfliction) and the hazard rate or friction factor
//! that the rule applies.

use std::collections::HashMap;

use super::Checker;
use super::checks::ent;
use crate::scenario::raw::{RawCircle, RawScenario};
use crate::scenario::{FactionId, Shape, ZoneSpec};

impl Checker {
    /// The valid zones, in file order.
    pub(super) fn zones(
        &mut self,
        raw: &RawScenario,
        fidx: &HashMap<&str, FactionId>,
    ) -> Vec<ZoneSpec> {
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
}
