//! Factions and the relations between them: ids, traits and colours; every
//! pair related at most once, with its stance, deconfliction and truces.
//!
//! Factions come first: every other entity names them, through
//! [`Checker::faction_ref`] or, for a pair, [`Checker::pair`].

use std::collections::HashMap;

use super::Checker;
use super::checks::ent;
use crate::scenario::raw::{RawRelation, RawScenario};
use crate::scenario::{Channel, Faction, FactionId, Relation, Relations, Stance};

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

    /// The channel of a relation with `covers`: known factions, none of
    /// them a principal or on both sides, and a relay in [0, 1].
    fn channel(
        &mut self,
        e: &str,
        principals: [FactionId; 2],
        r: &RawRelation,
        fidx: &HashMap<&str, FactionId>,
    ) -> Option<Channel> {
        let relay = r.relay.unwrap_or(1.0);
        let relay_ok = self.range(e, "relay", relay, 0.0, 1.0, false);
        let Some(covers) = &r.covers else {
            if r.relay.is_some() {
                self.err(
                    e,
                    "relay",
                    "needs `covers` (the factions the channel serves)",
                );
            }
            return None;
        };
        let mut sides: [Vec<FactionId>; 2] = Default::default();
        let mut ok = relay_ok;
        for (k, ids) in covers.iter().enumerate() {
            for id in ids {
                let Some(f) = self.faction_ref(e, "covers", id, fidx) else {
                    ok = false;
                    continue;
                };
                if principals.contains(&f) {
                    self.err(
                        e,
                        "covers",
                        format!("lists `{id}`, a faction of the pair itself"),
                    );
                    ok = false;
                } else if sides[1 - k].contains(&f) {
                    self.err(e, "covers", format!("lists `{id}` on both sides"));
                    ok = false;
                } else if !sides[k].contains(&f) {
                    sides[k].push(f);
                }
            }
        }
        ok.then_some(Channel {
            principals,
            sides,
            relay,
        })
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
            if let Some(channel) = self.channel(&e, [a, b], r, fidx) {
                rel.channels.push(channel);
            }
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

#[cfg(test)]
mod channel_tests {
    use super::super::errors;

    /// Factions c and d besides the a and b of `errors`, and the a–b
    /// relation with `keys`.
    fn relation(keys: &str) -> String {
        format!(
            "[[faction]]\nid = \"c\"\n[[faction]]\nid = \"d\"\n[[relation]]\nbetween = [\"a\", \"b\"]\nstance = \"neutral\"\ndeconfliction = 0.8\n{keys}\n"
        )
    }

    #[test]
    fn a_channel_covers_known_factions_once() {
        assert_eq!(
            errors(
                1.0,
                1.0,
                &relation("covers = [[\"c\"], [\"d\"]]\nrelay = 0.5")
            ),
            ""
        );
        assert_eq!(
            errors(1.0, 1.0, &relation("covers = [[], [\"c\", \"d\"]]")),
            ""
        );
        let cases = [
            ("covers = [[\"z\"], []]", "relation `a`–`b`: `covers`"),
            (
                "covers = [[\"b\"], []]",
                "relation `a`–`b`: `covers` lists `b`, a faction of the pair itself",
            ),
            (
                "covers = [[\"c\"], [\"c\"]]",
                "relation `a`–`b`: `covers` lists `c` on both sides",
            ),
            (
                "covers = [[\"c\"], []]\nrelay = 1.5",
                "relation `a`–`b`: `relay`",
            ),
            (
                "relay = 0.5",
                "relation `a`–`b`: `relay` needs `covers` (the factions the channel serves)",
            ),
        ];
        for (keys, expect) in cases {
            let e = errors(1.0, 1.0, &relation(keys));
            assert!(e.contains(expect), "{keys}: {e}");
            assert_eq!(e.lines().count(), 1, "{keys}: {e}");
        }
    }
}
