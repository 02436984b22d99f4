//! Factions and the relations between them: ids, traits and colours; every
//! pair related at most once, with its stance, deconfliction and truces.
//!
//! Factions come first: every other entity names them, through
//! [`Checker::faction_ref`] or, for a pair, [`Checker::pair`].

use std::collections::HashMap;

use super::Checker;
use super::checks::ent;
use crate::scenario::raw::RawScenario;
use crate::scenario::{Faction, FactionId, Relation, Relations, Stance};

impl Checker {
    /// The factions, in file order.
    pub(super) fn factions(&mut self, raw: &RawScenario) -> Vec<Faction> {
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

    /// The faction that `field` names, or `None` (with an error).
    pub(super) fn faction_ref(
        &mut self,
        e: &str,
        field: &str,
        id: &str,
        fidx: &HashMap<&str, FactionId>,
    ) -> Option<FactionId> {
        self.lookup(e, field, "faction", id, fidx)
    }

    /// Two distinct factions that `field` names, or `None` (with an error).
    pub(super) fn pair(
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

    /// The relations of the `[[relation]]` tables; pairs not listed stay
    /// neutral.
    pub(super) fn relations(
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
            if let Some(c) = r.cooling_days {
                self.cooling_days(&e, c);
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
                    cooling_days: r.cooling_days,
                    truces,
                },
            );
        }
        rel
    }
}
