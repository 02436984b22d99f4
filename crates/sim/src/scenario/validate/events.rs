//! Scheduled events and truces: when each event falls, what it does, and
//! the fields that its kind takes; the truce windows of relations and of
//! `truce` events.
//!
//! An event takes effect at the first tick boundary at or after its time.
//! One that falls at or after the horizon, or (unless it is a reinforcement
//! over a window) inside the last tick, could never apply: it is checked
//! like any other, then left out of the scenario with a warning, so that a
//! sweep over `scenario.horizon_days` can shorten a scenario whose events
//! reach further.
//! Each kind has its required fields; a field of another kind is an error,
//! not silently ignored. Events are sorted by tick, stably, so that events
//! of one tick apply in file order.

use std::collections::HashMap;

use super::Checker;
use super::limits::LIMITS;
use crate::scenario::raw::{EventKind, RawEvent, RawScenario, RawTruce};
use crate::scenario::{Action, EventSpec, FactionId, Truce};

impl Checker {
    /// The valid events, by tick (file order among equal ticks).
    pub(super) fn events(
        &mut self,
        raw: &RawScenario,
        fidx: &HashMap<&str, FactionId>,
        fo_idx: &HashMap<&str, usize>,
        sidx: &HashMap<&str, usize>,
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
            let mut ignored = false;
            if day_ok && hour_ok && ticks > 0 && hours >= self.horizon_hours {
                ignored = true;
                self.warn(
                    &e,
                    "day",
                    format!(
                        "{} (hour {hours} from the start) is at or after the horizon (day {}); \
                         the event is ignored",
                        ev.day,
                        self.horizon_hours / 24.0
                    ),
                );
            }
            // A reinforcement over a window starts arriving at its exact
            // time, within the tick that contains it; every other event
            // waits for the next tick boundary.
            let window = ev.kind == EventKind::Reinforce && ev.over_hours.is_some();
            let tick = if tick_hours > 0.0 && hours.is_finite() {
                let ticks = (hours / tick_hours) - 1e-9;
                let tick = if window { ticks.floor() } else { ticks.ceil() };
                tick.max(0.0).min(u32::MAX as f64) as u32
            } else {
                0
            };
            // Within the horizon but inside a last tick that the tick length
            // does not fill: the next tick boundary is the horizon itself.
            if !window
                && day_ok
                && hour_ok
                && ticks > 0
                && hours < self.horizon_hours
                && tick >= ticks
            {
                ignored = true;
                self.warn(
                    &e,
                    "day",
                    format!(
                        "falls at hour {hours}, inside the last tick (from hour {}); events take \
                         effect at the next tick boundary, which is the horizon, so the event is ignored",
                        (ticks - 1) as f64 * tick_hours
                    ),
                );
            }
            let action = self.action(&e, ev, raw, fidx, fo_idx, sidx);
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
            if let Some(action) = action
                && !ignored
            {
                out.push(EventSpec {
                    number: i as u32 + 1,
                    tick,
                    hours,
                    action,
                });
            }
        }
        out.sort_by_key(|ev| ev.tick); // stable: file order among equal ticks
        out
    }

    /// What an event of `ev.kind` does, from the fields that kind requires.
    fn action(
        &mut self,
        e: &str,
        ev: &RawEvent,
        raw: &RawScenario,
        fidx: &HashMap<&str, FactionId>,
        fo_idx: &HashMap<&str, usize>,
        sidx: &HashMap<&str, usize>,
    ) -> Option<Action> {
        let need_pair = |c: &mut Self| {
            c.required(e, "between", ev.between.as_ref())
                .and_then(|b| c.pair(e, "between", b, fidx))
        };
        let need_force = |c: &mut Self| {
            c.required(e, "force", ev.force.as_ref())
                .and_then(|id| c.lookup(e, "force", "force", id, fo_idx))
        };
        match ev.kind {
            EventKind::Stance => {
                let pair = need_pair(self);
                let stance = self.required(e, "stance", ev.stance)?;
                Some(Action::Stance {
                    pair: pair?,
                    stance,
                })
            }
            EventKind::Deconfliction => {
                let pair = need_pair(self);
                let value = self.required(e, "deconfliction", ev.deconfliction)?;
                self.range(e, "deconfliction", value, 0.0, 1.0, false)
                    .then_some(Action::Deconfliction { pair: pair?, value })
            }
            EventKind::Truce => {
                let pair = need_pair(self);
                let t = self.required(e, "truce", ev.truce.as_ref())?;
                let truce = self.truce(e, t)?;
                Some(Action::Truce { pair: pair?, truce })
            }
            EventKind::Reinforce => {
                let force = need_force(self);
                // Checked before `strength`, which may be missing.
                let hours = match ev.over_hours {
                    None => Some(None),
                    Some(h) => {
                        let max = LIMITS.horizon_days * 24.0;
                        self.range(e, "over_hours", h, 0.0, max, true)
                            .then_some(Some(h))
                    }
                };
                let strength = self.required(e, "strength", ev.strength)?;
                let strength_ok = self.range(e, "strength", strength, 0.0, LIMITS.strength, false);
                let (force, hours) = (force?, hours?);
                strength_ok.then_some(match hours {
                    None => Action::Reinforce { force, strength },
                    Some(hours) => Action::ReinforceOver {
                        force,
                        strength,
                        hours,
                    },
                })
            }
            EventKind::Order => {
                let force = need_force(self);
                let posture = self.required(e, "posture", ev.posture)?;
                let objective =
                    self.objective(e, ev.objective.as_ref(), ev.objective_at.as_ref(), sidx);
                let route = self.route(e, ev.route.as_deref().unwrap_or(&[]));
                self.posture(e, posture, objective.is_some(), route.len() >= 2);
                let own = force.and_then(|f| fidx.get(raw.forces[f].faction.as_str()).copied());
                let attack = self.attack(e, ev.attack.as_deref(), own, posture, fidx);
                Some(Action::Order {
                    force: force?,
                    posture,
                    objective,
                    route,
                    attack,
                })
            }
            EventKind::Strike => {
                let force = need_force(self);
                let losses = self.required(e, "losses", ev.losses)?;
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

    /// A truce window within the horizon, `to_day` after `from_day`
    /// (default: the horizon), with its hazard factor and optional region.
    pub(super) fn truce(&mut self, e: &str, t: &RawTruce) -> Option<Truce> {
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
}

/// The kind's name, as the file writes it.
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
                | (Reinforce, "strength" | "over_hours")
                | (
                    Order,
                    "posture" | "objective" | "objective_at" | "route" | "attack"
                )
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
        ("over_hours", ev.over_hours.is_some()),
        ("posture", ev.posture.is_some()),
        ("objective", ev.objective.is_some()),
        ("objective_at", ev.objective_at.is_some()),
        ("route", ev.route.is_some()),
        ("attack", ev.attack.is_some()),
        ("losses", ev.losses.is_some()),
        ("by", ev.by.is_some()),
    ]
    .into_iter()
    .filter(|(f, _)| !uses(f))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{errors, warnings};

    #[test]
    fn an_event_that_could_only_apply_at_the_horizon_is_ignored_with_a_warning() {
        let event = |hour: f64| {
            let (day, hour) = ((hour / 24.0f64).floor(), hour % 24.0);
            format!(
                "[[event]]\nday = {day}\nhour = {hour}\nkind = \"stance\"\nbetween = [\"a\", \"b\"]\nstance = \"neutral\"\n"
            )
        };
        // 10 ticks of 5 h cover [0, 48): the last tick is [45, 48).
        let days = 2.0;
        assert_eq!(warnings(days, 5.0, &event(45.0)), (String::new(), 1));
        let (w, kept) = warnings(days, 5.0, &event(46.0));
        assert!(w.contains("inside the last tick (from hour 45)"), "{w}");
        assert_eq!(kept, 0);
        let (w, kept) = warnings(days, 5.0, &event(47.5));
        assert!(w.contains("the event is ignored"), "{w}");
        assert_eq!(kept, 0);
        // At or after the horizon: ignored, the others kept, numbered as
        // in the file.
        let body = format!("{}{}{}", event(50.0), event(3.0), event(48.0));
        let (w, kept) = warnings(days, 5.0, &body);
        assert_eq!(
            w,
            "event #1 (stance): `day` 2 (hour 50 from the start) is at or after the horizon \
             (day 2); the event is ignored\n\
             event #3 (stance): `day` 2 (hour 48 from the start) is at or after the horizon \
             (day 2); the event is ignored"
        );
        assert_eq!(kept, 1);
        // An ignored event is still checked.
        let bad = event(50.0).replace("\"neutral\"", "\"neutral\"\nforce = \"f\"");
        let e = errors(days, 5.0, &bad);
        assert!(e.contains("`force` does not apply"), "{e}");
    }

    #[test]
    fn a_reinforcement_window_is_checked_and_located() {
        let force = "[[force]]\nid = \"f\"\nfaction = \"a\"\nposition = { x_km = 0, y_km = 0 }\nstrength = 0\n";
        let event = |hours: f64, over: &str| {
            let (day, hour) = ((hours / 24.0f64).floor(), hours % 24.0);
            format!(
                "{force}[[event]]\nday = {day}\nhour = {hour}\nkind = \"reinforce\"\nforce = \"f\"\nstrength = 100\n{over}"
            )
        };
        // 10 ticks of 5 h: [0, 48), the last tick [45, 48).
        assert_eq!(errors(2.0, 5.0, &event(3.0, "over_hours = 12\n")), "");
        // Past the horizon: allowed (what falls after it never arrives).
        assert_eq!(errors(2.0, 5.0, &event(40.0, "over_hours = 100\n")), "");
        // Inside the short last tick: a window starts at once.
        assert_eq!(errors(2.0, 5.0, &event(46.0, "over_hours = 1\n")), "");
        let (w, kept) = warnings(2.0, 5.0, &event(46.0, ""));
        assert!(w.contains("the event is ignored"), "{w}");
        assert_eq!(kept, 0);
        for (over, msg) in [
            (
                "-6",
                "event #1 (reinforce): `over_hours` must be in (0, 87600], found `-6`",
            ),
            (
                "0",
                "event #1 (reinforce): `over_hours` must be in (0, 87600], found `0`",
            ),
            (
                "nan",
                "event #1 (reinforce): `over_hours` must be a finite number, found `NaN`",
            ),
            ("1e6", "`over_hours` must be in (0, 87600], found `1000000`"),
        ] {
            let e = errors(2.0, 5.0, &event(3.0, &format!("over_hours = {over}\n")));
            assert!(e.contains(msg), "{over}: {e}");
        }
        let stance = "[[event]]\nday = 0\nkind = \"stance\"\nbetween = [\"a\", \"b\"]\nstance = \"neutral\"\nover_hours = 3\n";
        let e = errors(2.0, 5.0, stance);
        assert!(
            e.contains("event #1 (stance): `over_hours` does not apply to a `stance` event"),
            "{e}"
        );
    }
}
