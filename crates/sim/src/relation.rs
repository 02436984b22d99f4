//! The time-varying relation matrix of a run.

use bevy_ecs::prelude::Resource;

use crate::geo::Vec2;
use crate::scenario::{Channel, FactionId, Stance, Truce};
use crate::theatre::Theatre;

/// Stances, deconfliction, truces and clash counts between every pair of
/// factions, as they stand now.
#[derive(Resource, Debug, Clone, Default)]
pub struct RelationMatrix {
    n: usize,
    stance: Vec<Stance>,
    /// The effectiveness each pair's own channel has (file and events).
    own_deconfliction: Vec<f64>,
    /// The effectiveness that acts on each pair: its own, or that of a
    /// channel serving it, whichever is larger (docs/model.md §7.2).
    deconfliction: Vec<f64>,
    channels: Vec<Channel>,
    hostile_after: Vec<Option<u32>>,
    truces: Vec<Vec<Truce>>,
    clashes: Vec<u32>,
    /// Mean cooling time of a stance turned hostile by clashes, hours
    /// (infinite: never).
    cooling_hours: Vec<f64>,
    /// The stance a pair had before clashes turned it hostile.
    prior: Vec<Stance>,
    /// When a pair turned hostile by clashes returns to its prior stance,
    /// hours (infinite: not pending).
    cools_at: Vec<f64>,
    /// The earliest of `cools_at`.
    next_cooling: f64,
    /// Counts the stance changes of the run: lists filtered by stance know
    /// from it whether they are still current.
    version: u64,
    /// Counts every change of stance, deconfliction or truces (not of the
    /// clash counts): what is derived from those knows from it whether it
    /// is still current.
    revision: u64,
}

impl RelationMatrix {
    /// The relations at the start of a run.
    pub fn new(theatre: &Theatre) -> Self {
        let n = theatre.n_factions();
        let rel = &theatre.scenario.relations;
        let mut m = Self {
            n,
            stance: Vec::with_capacity(n * n),
            own_deconfliction: Vec::with_capacity(n * n),
            deconfliction: Vec::new(),
            channels: rel.channels.clone(),
            hostile_after: Vec::with_capacity(n * n),
            truces: Vec::with_capacity(n * n),
            clashes: vec![0; n * n],
            cooling_hours: Vec::with_capacity(n * n),
            prior: Vec::with_capacity(n * n),
            cools_at: vec![f64::INFINITY; n * n],
            next_cooling: f64::INFINITY,
            version: 0,
            revision: 0,
        };
        for a in 0..n {
            for b in 0..n {
                let r = rel.get(FactionId(a as u16), FactionId(b as u16));
                m.stance.push(r.stance);
                m.own_deconfliction.push(r.deconfliction);
                m.hostile_after.push(r.hostile_after_clashes);
                let days = r
                    .cooling_days
                    .unwrap_or(theatre.scenario.params.friction.cooling_days);
                m.cooling_hours.push(days * 24.0);
                m.prior.push(r.stance);
                m.truces.push(r.truces.clone());
            }
        }
        m.serve();
        m
    }

    /// The effective deconfliction of every pair: its own, raised to
    /// `relay^k · e(principals)` for each channel that serves it with `k`
    /// covered parties.
    fn serve(&mut self) {
        self.deconfliction.clone_from(&self.own_deconfliction);
        for c in &self.channels {
            let [pa, pb] = c.principals;
            let e = self.own_deconfliction[pa.index() * self.n + pb.index()];
            for (x, y, k) in c.served() {
                let v = c.relay.powi(k) * e;
                for i in [
                    x.index() * self.n + y.index(),
                    y.index() * self.n + x.index(),
                ] {
                    self.deconfliction[i] = self.deconfliction[i].max(v);
                }
            }
        }
    }

    fn ix(&self, a: FactionId, b: FactionId) -> usize {
        a.index() * self.n + b.index()
    }

    /// Stance between `a` and `b`.
    pub fn stance(&self, a: FactionId, b: FactionId) -> Stance {
        self.stance[self.ix(a, b)]
    }

    /// Whether `a` and `b` fight (hostile stance).
    pub fn hostile(&self, a: FactionId, b: FactionId) -> bool {
        self.stance(a, b) == Stance::Hostile
    }

    /// Deconfliction effectiveness between `a` and `b`.
    pub fn deconfliction(&self, a: FactionId, b: FactionId) -> f64 {
        self.deconfliction[self.ix(a, b)]
    }

    /// The number of stance changes so far in the run.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The number of changes of stance, deconfliction or truces so far in
    /// the run.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Sets the stance (both directions). A cooling pending for the pair is
    /// called off: the new stance holds.
    pub fn set_stance(&mut self, a: FactionId, b: FactionId, s: Stance) {
        let (i, j) = (self.ix(a, b), self.ix(b, a));
        self.cools_at[i] = f64::INFINITY;
        self.cools_at[j] = f64::INFINITY;
        if self.stance[i] != s {
            self.version += 1;
            self.revision += 1;
        }
        self.stance[i] = s;
        self.stance[j] = s;
    }

    /// Sets the deconfliction effectiveness (both directions).
    pub fn set_deconfliction(&mut self, a: FactionId, b: FactionId, v: f64) {
        let (i, j) = (self.ix(a, b), self.ix(b, a));
        self.own_deconfliction[i] = v;
        self.own_deconfliction[j] = v;
        if self.channels.is_empty() {
            self.deconfliction[i] = v;
            self.deconfliction[j] = v;
        } else {
            self.serve();
        }
        self.revision += 1;
    }

    /// Adds a truce (both directions).
    pub fn add_truce(&mut self, a: FactionId, b: FactionId, t: Truce) {
        let (i, j) = (self.ix(a, b), self.ix(b, a));
        self.truces[i].push(t.clone());
        self.truces[j].push(t);
        self.revision += 1;
    }

    /// Whether `a` and `b` have any truce (past, present or future).
    pub fn has_truces(&self, a: FactionId, b: FactionId) -> bool {
        !self.truces[self.ix(a, b)].is_empty()
    }

    /// The truce multiplier on the hazard of a contact at `p` at `t_hours`:
    /// the smallest `hazard_factor` of the truces covering it, or 1.
    pub fn truce_factor(&self, a: FactionId, b: FactionId, t_hours: f64, p: Vec2) -> f64 {
        self.truces[self.ix(a, b)]
            .iter()
            .filter(|t| t.covers(t_hours, p))
            .map(|t| t.hazard_factor)
            .fold(1.0, f64::min)
    }

    /// Counts a clash; returns true when this turns the stance hostile under
    /// the pair's escalation rule.
    pub fn record_clash(&mut self, a: FactionId, b: FactionId) -> bool {
        let (i, j) = (self.ix(a, b), self.ix(b, a));
        self.clashes[i] += 1;
        self.clashes[j] += 1;
        match self.hostile_after[i] {
            Some(k) if self.clashes[i] >= k && self.stance[i] != Stance::Hostile => {
                (self.prior[i], self.prior[j]) = (self.stance[i], self.stance[j]);
                self.set_stance(a, b, Stance::Hostile);
                true
            }
            _ => false,
        }
    }

    /// The mean cooling time of the pair, hours (infinite: never).
    pub fn cooling_hours(&self, a: FactionId, b: FactionId) -> f64 {
        self.cooling_hours[self.ix(a, b)]
    }

    /// Schedules the return of a pair turned hostile by clashes to its
    /// prior stance at `hours`.
    pub fn schedule_cooling(&mut self, a: FactionId, b: FactionId, hours: f64) {
        let (i, j) = (self.ix(a, b), self.ix(b, a));
        self.cools_at[i] = hours;
        self.cools_at[j] = hours;
        self.next_cooling = self.next_cooling.min(hours);
    }

    /// Returns every pair whose cooling falls at or before `t0` to its
    /// prior stance, with its clash count set back to zero, and calls
    /// `cooled(a, b, stance, hours)` for each (a < b, in index order;
    /// `hours` the drawn time of the return).
    pub fn cool(&mut self, t0: f64, mut cooled: impl FnMut(FactionId, FactionId, Stance, f64)) {
        if self.next_cooling > t0 {
            return;
        }
        self.next_cooling = f64::INFINITY;
        for a in 0..self.n {
            for b in a + 1..self.n {
                let (fa, fb) = (FactionId(a as u16), FactionId(b as u16));
                let (i, j) = (self.ix(fa, fb), self.ix(fb, fa));
                let at = self.cools_at[i];
                if at > t0 {
                    self.next_cooling = self.next_cooling.min(at);
                    continue;
                }
                let prior = self.prior[i];
                self.set_stance(fa, fb, prior);
                self.clashes[i] = 0;
                self.clashes[j] = 0;
                cooled(fa, fb, prior, at);
            }
        }
    }
}
