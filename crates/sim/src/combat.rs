//! Phase 4: Lanchester attrition between hostile forces.
//!
//! Each unbroken force `i` with lethality `a_i` (kills per combatant-hour)
//! fires at the living hostile forces within its weapon range, `T_i`,
//! splitting its fire in proportion to their strengths (aimed fire, the
//! square law). The loss rate of force `k` is
//!
//! ```text
//! dS_k/dt = − Σ_{i : k ∈ T_i}  a_i S_i · S_k / Σ_{m ∈ T_i} S_m
//! ```
//!
//! which for two forces is Lanchester's square law, dA/dt = −b B,
//! dB/dt = −a A. In `stochastic` mode the loss of `k` over a tick is drawn
//! from Poisson(rate · Δt), so its expectation is the Euler step of the ODE
//! (capped at the force's strength). In `mean_field` mode the ODE is
//! integrated with classical RK4 (`mean_field_substeps` per tick), holding the
//! target sets fixed for the tick.
//!
//! Reinforcements arriving over a window ([`Arrivals`]) add a source term
//! `P_k(t)` to `dS_k/dt`. In `mean_field` mode it enters the ODE: the tick
//! is cut at every start or end of a window inside it, so that `P` is
//! constant on each piece, and each piece gets its share of the RK4 steps;
//! a force with no personnel at the start of the tick that receives some
//! takes part in the tick's combat. In `stochastic` mode (the Euler step)
//! the losses are drawn from the strengths at the start of the tick and the
//! arrivals of the tick are added after them.

use rand_distr::{Distribution, Poisson};

use crate::arrivals::Arrivals;
use crate::force::{ForceRow, ForceTable, StrengthQuery};
use crate::metrics::{Clock, LogEvent, Metrics};
use crate::neighbours::Neighbours;
use crate::params::CombatMode;
use crate::relation::RelationMatrix;
use crate::rng::ChaChaStreams;
use crate::scenario::Posture;
use crate::theatre::Theatre;

/// Reused buffers of the combat phase.
#[derive(Debug, Default)]
pub struct CombatScratch {
    /// The forces that had a hostile force within their weapon range at
    /// the last combat phase, in ascending order, among those that could
    /// fire then ([`shoots`]).
    shooters: Vec<u32>,
    /// The same as a bit set by force index (bit `i % 64` of word `i / 64`).
    shooting: Vec<u64>,
    /// (tick, the force table's status count, the relations' version) of
    /// that combat phase.
    scanned: Option<(u32, u64, u64)>,
    /// Targets of shooter `s` are `targets[starts[s]..starts[s + 1]]`.
    starts: Vec<usize>,
    targets: Vec<u32>,
    /// Loss rates by force (in stochastic mode all zero between ticks:
    /// only the forces hit are written, and zeroed again).
    rate: Vec<f64>,
    s0: Vec<f64>,
    k: [Vec<f64>; 4],
    tmp: Vec<f64>,
    lethality: Vec<f64>,
    out: Vec<f64>,
    /// The source term of each force on the current piece of the tick,
    /// personnel per hour (reinforcements over a window).
    source: Vec<f64>,
    /// Personnel arrived in the tick, by force.
    arrived: Vec<f64>,
    /// The forces some shooter fires at this tick.
    hit: Vec<bool>,
    /// The times at which the source term changes within the tick.
    cuts: Vec<f64>,
}

/// Resolves one tick of combat, with the reinforcements that `arrivals`
/// bring within it. Returns whether a strength changed in the table: the
/// caller then writes the changes back ([`sync_strengths`]).
#[allow(clippy::too_many_arguments)]
pub fn resolve_combat(
    theatre: &Theatre,
    clock: &Clock,
    relations: &RelationMatrix,
    near: &Neighbours,
    arrivals: &Arrivals,
    table: &mut ForceTable,
    rng: &mut ChaChaStreams,
    metrics: &mut Metrics,
    sc: &mut CombatScratch,
) -> bool {
    let (t0, t1) = (clock.hours(), clock.hours() + clock.dt_hours);
    let inflow = !arrivals.streams().is_empty() && arrivals.any_in(t0, t1);
    if !inflow {
        return fight(theatre, clock, relations, near, table, rng, metrics, sc);
    }
    let mean_field = matches!(theatre.scenario.params.combat.mode, CombatMode::MeanField);
    if mean_field {
        // A force that lands in this tick fights as it lands.
        arrivals.for_each_in(t0, t1, |k, _| table.rows[k as usize].arriving = true);
        let changed = fight_with_inflow(
            theatre, clock, relations, near, arrivals, table, metrics, sc,
        );
        arrivals.for_each_in(t0, t1, |k, _| table.rows[k as usize].arriving = false);
        if changed {
            return true;
        }
    } else {
        fight(theatre, clock, relations, near, table, rng, metrics, sc);
    }
    // Stochastic mode, or nobody fires: the arrivals after the losses.
    arrivals.for_each_in(t0, t1, |k, personnel| {
        let s = table.rows[k as usize].strength + personnel;
        table.set_strength(k as usize, s);
        table.arrived.push((k, personnel));
    });
    true
}

/// Collects the shooters and their targets (alive, hostile, within weapon
/// range) into `sc`. Returns whether anyone fires.
fn find_targets(
    clock: &Clock,
    relations: &RelationMatrix,
    near: &Neighbours,
    table: &ForceTable,
    sc: &mut CombatScratch,
) -> bool {
    sc.shooters.clear();
    sc.shooting.clear();
    sc.shooting.resize(table.rows.len().div_ceil(64), 0);
    sc.starts.clear();
    sc.targets.clear();
    sc.scanned = Some((clock.tick, table.status, relations.version()));
    near.for_each_hostile_pair(table, relations, shoots, |i, j| {
        if sc.shooters.last() != Some(&i) {
            sc.shooters.push(i);
            sc.shooting[i as usize / 64] |= 1 << (i % 64);
            sc.starts.push(sc.targets.len());
        }
        sc.targets.push(j);
    });
    if sc.shooters.is_empty() {
        return false;
    }
    sc.starts.push(sc.targets.len());
    true
}

/// One tick of combat without reinforcements arriving over a window.
#[allow(clippy::too_many_arguments)]
fn fight(
    theatre: &Theatre,
    clock: &Clock,
    relations: &RelationMatrix,
    near: &Neighbours,
    table: &mut ForceTable,
    rng: &mut ChaChaStreams,
    metrics: &mut Metrics,
    sc: &mut CombatScratch,
) -> bool {
    if !find_targets(clock, relations, near, table, sc) {
        return false;
    }
    let rows = &table.rows;
    let n = rows.len();
    let dt = clock.dt_hours;
    let params = &theatre.scenario.params.combat;
    let mut any_loss = false;
    match params.mode {
        CombatMode::Stochastic => {
            // Only the forces fired at have a loss rate; they draw their
            // losses in index order, and their rates are zeroed again.
            sc.rate.resize(n, 0.0);
            add_loss_rates(sc, |k| table.rows[k].strength, |i| table.rows[i].lethality);
            for k in 0..n {
                if sc.rate[k] == 0.0 {
                    continue;
                }
                let mean = std::mem::take(&mut sc.rate[k]) * dt;
                if mean > 0.0 {
                    let drawn = Poisson::new(mean)
                        .map(|p| p.sample(&mut rng.combat))
                        .unwrap_or(mean);
                    let s0 = table.rows[k].strength;
                    let s = (s0 - drawn).max(0.0);
                    let lost = s0 - s;
                    if lost > 0.0 {
                        metrics.outcome.casualties[table.rows[k].faction.index()] += lost;
                        table.set_strength(k, s);
                        any_loss = true;
                    }
                }
            }
        }
        CombatMode::MeanField => {
            sc.s0.clear();
            sc.s0.extend(rows.iter().map(|r| r.strength));
            let mut lethality = std::mem::take(&mut sc.lethality);
            lethality.clear();
            lethality.extend(rows.iter().map(|r| r.lethality));
            let out = std::mem::take(&mut sc.out);
            let new_strength = rk4(sc, &lethality, dt, params.mean_field_substeps, out);
            for (k, &s) in new_strength.iter().enumerate() {
                let lost = table.rows[k].strength - s;
                if lost > 0.0 {
                    metrics.outcome.casualties[table.rows[k].faction.index()] += lost;
                    table.set_strength(k, s);
                    any_loss = true;
                }
            }
            sc.lethality = lethality;
            sc.out = new_strength;
        }
    }
    any_loss
}

/// One tick of mean-field combat with reinforcements arriving over a
/// window: `dS_k/dt = − r_k(S) + P_k(t)` by RK4, the tick cut where `P`
/// changes. Returns `false`, changing nothing, if nobody fires (the caller
/// then adds the arrivals).
#[allow(clippy::too_many_arguments)]
fn fight_with_inflow(
    theatre: &Theatre,
    clock: &Clock,
    relations: &RelationMatrix,
    near: &Neighbours,
    arrivals: &Arrivals,
    table: &mut ForceTable,
    metrics: &mut Metrics,
    sc: &mut CombatScratch,
) -> bool {
    if !find_targets(clock, relations, near, table, sc) {
        return false;
    }
    let n = table.rows.len();
    let dt = clock.dt_hours;
    let (t0, t1) = (clock.hours(), clock.hours() + dt);
    let substeps = theatre.scenario.params.combat.mean_field_substeps;
    sc.s0.clear();
    sc.s0.extend(table.rows.iter().map(|r| r.strength));
    let mut lethality = std::mem::take(&mut sc.lethality);
    lethality.clear();
    lethality.extend(table.rows.iter().map(|r| r.lethality));
    sc.hit.clear();
    sc.hit.resize(n, false);
    for &k in &sc.targets {
        sc.hit[k as usize] = true;
    }
    sc.arrived.clear();
    sc.arrived.resize(n, 0.0);
    arrivals.for_each_in(t0, t1, |k, personnel| sc.arrived[k as usize] += personnel);
    // The pieces of the tick on which the source term is constant.
    sc.cuts.clear();
    sc.cuts.extend([t0, t1]);
    for st in arrivals.streams() {
        for t in [st.from_hours, st.to_hours] {
            if t > t0 && t < t1 {
                sc.cuts.push(t);
            }
        }
    }
    sc.cuts.sort_by(f64::total_cmp);
    sc.cuts.dedup();
    let mut s = std::mem::take(&mut sc.out);
    s.clear();
    s.extend_from_slice(&sc.s0);
    let cuts = std::mem::take(&mut sc.cuts);
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        sc.source.clear();
        sc.source.resize(n, 0.0);
        let mid = 0.5 * (a + b);
        for st in arrivals.streams() {
            if st.from_hours <= mid && mid < st.to_hours {
                sc.source[st.force as usize] += st.rate_per_hour;
            }
        }
        // This piece's share of the tick's steps, at least one.
        let steps = ((substeps as f64 * (b - a) / dt) - 1e-9).ceil().max(1.0) as u32;
        let source = std::mem::take(&mut sc.source);
        rk4_steps(
            sc,
            &lethality,
            (b - a) / steps as f64,
            steps,
            &mut s,
            Some(&source),
        );
        sc.source = source;
    }
    sc.cuts = cuts;
    for (k, &sk) in s.iter().enumerate() {
        let (s0, arrived) = (sc.s0[k], sc.arrived[k]);
        // A force nobody fires at just gains what arrived (exactly).
        let end = if sc.hit[k] { sk } else { s0 + arrived };
        if sc.hit[k] {
            let lost = (s0 + arrived - end).max(0.0);
            if lost > 0.0 {
                metrics.outcome.casualties[table.rows[k].faction.index()] += lost;
            }
        }
        if end != s0 {
            table.set_strength(k, end);
        }
        if arrived > 0.0 {
            table.arrived.push((k as u32, arrived));
        }
    }
    sc.lethality = lethality;
    sc.out = s;
    true
}

/// Whether force `me` fires in the combat phase: alive, unbroken, armed.
fn shoots(me: &ForceRow) -> bool {
    !(!me.alive() || me.broken || me.lethality <= 0.0 || me.weapon_range_km <= 0.0)
}

impl CombatScratch {
    /// Whether a living force hostile to force `i` is within its weapon
    /// range, as the last combat phase found it, if that answers for the
    /// movement phase of tick `tick`: the combat phase was the last tick's,
    /// no force has died, broken or been copied afresh since (the table's
    /// status count) and no stance has changed (the relations' version);
    /// the positions are those of the same index. `None` if it does not
    /// answer (or did not ask about `i`: a force that could not fire).
    pub fn hostile_in_range(
        &self,
        tick: u32,
        table: &ForceTable,
        relations: &RelationMatrix,
        i: u32,
    ) -> Option<bool> {
        let now = (tick.checked_sub(1)?, table.status, relations.version());
        if self.scanned != Some(now) || !shoots(table.rows.get(i as usize)?) {
            return None;
        }
        let word = self.shooting.get(i as usize / 64)?;
        Some(word >> (i % 64) & 1 == 1)
    }
}

/// Fills `sc.rate[k]` with the loss rate of every force at strengths `s`.
/// With a source term, a shooter whose targets all have no personnel yet
/// but some are arriving splits its fire over them in proportion to their
/// arrival rates: the limit of the split in proportion to strength as
/// their strengths grow from zero (S_k ≈ P_k · t), so that the fire on a
/// landing has no jump at its first instant.
fn loss_rates(sc: &mut CombatScratch, s: &[f64], lethality: &[f64], source: Option<&[f64]>) {
    for r in sc.rate.iter_mut() {
        *r = 0.0;
    }
    add_loss_rates(sc, |k| s[k], |i| lethality[i]);
    let Some(p) = source else {
        return;
    };
    for (si, &i) in sc.shooters.iter().enumerate() {
        let fire = lethality[i as usize] * s[i as usize];
        let ts = &sc.targets[sc.starts[si]..sc.starts[si + 1]];
        if fire <= 0.0 || ts.iter().any(|&k| s[k as usize] > 0.0) {
            continue;
        }
        let total: f64 = ts.iter().map(|&k| p[k as usize]).sum();
        if total <= 0.0 {
            continue;
        }
        for &k in ts {
            sc.rate[k as usize] += fire * p[k as usize] / total;
        }
    }
}

/// Adds to `sc.rate[k]` the loss rate of every force fired at, at
/// strengths `s(k)` and lethalities `lethality(k)`.
fn add_loss_rates(
    sc: &mut CombatScratch,
    s: impl Fn(usize) -> f64,
    lethality: impl Fn(usize) -> f64,
) {
    for (si, &i) in sc.shooters.iter().enumerate() {
        let fire = lethality(i as usize) * s(i as usize);
        if fire <= 0.0 {
            continue;
        }
        let ts = &sc.targets[sc.starts[si]..sc.starts[si + 1]];
        let total: f64 = ts.iter().map(|&k| s(k as usize)).sum();
        if total <= 0.0 {
            continue;
        }
        for &k in ts {
            sc.rate[k as usize] += fire * s(k as usize) / total;
        }
    }
}

/// Classical RK4 over one tick, in `substeps` steps; returns the strengths
/// at the end of the tick in `s` (a reused buffer).
fn rk4(
    sc: &mut CombatScratch,
    lethality: &[f64],
    dt: f64,
    substeps: u32,
    mut s: Vec<f64>,
) -> Vec<f64> {
    let h = dt / substeps as f64;
    s.clear();
    s.extend_from_slice(&sc.s0);
    rk4_steps(sc, lethality, h, substeps, &mut s, None);
    s
}

/// `steps` classical RK4 steps of `h` hours from the strengths `s`, in
/// place, with the constant source term `source` (personnel per hour, by
/// force) if any.
// Index loops mirror the RK4 stage formulas over several parallel vectors.
#[allow(clippy::needless_range_loop)]
fn rk4_steps(
    sc: &mut CombatScratch,
    lethality: &[f64],
    h: f64,
    steps: u32,
    s: &mut [f64],
    source: Option<&[f64]>,
) {
    let n = s.len();
    sc.rate.resize(n, 0.0);
    for kv in sc.k.iter_mut() {
        kv.resize(n, 0.0);
    }
    sc.tmp.resize(n, 0.0);
    for _ in 0..steps {
        let stages = [0.0, 0.5, 0.5, 1.0];
        for (stage, &c) in stages.iter().enumerate() {
            let mut tmp = std::mem::take(&mut sc.tmp);
            for x in 0..n {
                tmp[x] = if stage == 0 {
                    s[x]
                } else {
                    (s[x] + c * h * sc.k[stage - 1][x]).max(0.0)
                };
            }
            loss_rates(sc, &tmp, lethality, source);
            match source {
                None => {
                    for x in 0..n {
                        sc.k[stage][x] = -sc.rate[x];
                    }
                }
                Some(p) => {
                    for x in 0..n {
                        sc.k[stage][x] = p[x] - sc.rate[x];
                    }
                }
            }
            sc.tmp = tmp;
        }
        for x in 0..n {
            let d = sc.k[0][x] + 2.0 * sc.k[1][x] + 2.0 * sc.k[2][x] + sc.k[3][x];
            s[x] = (s[x] + h / 6.0 * d).max(0.0);
        }
    }
}

/// Writes the strengths the phases changed in the table
/// ([`ForceTable::set_strength`]) back to the components, in force order,
/// and breaks or destroys the forces that fell below their thresholds. A
/// force broken here is marked broken in the table too, so the later phases
/// of the same tick (sites, friction) see it as broken. What reinforcements
/// over a window brought ([`ForceTable::arrived`]) is added to the initial
/// strengths first; a broken force that they bring back to its break point
/// or above is no longer broken (it keeps withdrawing, as after a
/// `reinforce` pulse).
pub fn sync_strengths(
    table: &mut ForceTable,
    mut forces: StrengthQuery,
    metrics: &mut Metrics,
    hours: f64,
) {
    let mut arrived = std::mem::take(&mut table.arrived);
    for &(k, personnel) in &arrived {
        let (_, mut st, _, _) = forces
            .get_mut(table.entities[k as usize])
            .expect("every force keeps its entity for the whole run");
        st.initial += personnel;
    }
    arrived.clear();
    table.arrived = arrived;
    let mut changed = std::mem::take(&mut table.changed);
    changed.sort_unstable();
    changed.dedup();
    for &k in &changed {
        // Phase 3 laid the table out from the forces' entities, which live
        // for the whole run.
        let (idx, mut st, mut morale, mut orders) = forces
            .get_mut(table.entities[k as usize])
            .expect("every force keeps its entity for the whole run");
        let s = table.rows[idx.0 as usize].strength;
        if s == st.current {
            continue;
        }
        if (s > 0.0) != (st.current > 0.0) {
            // Died or came alive (the table's status count: see
            // `ForceTable::status`).
            table.status += 1;
        }
        let gained = s > st.current;
        st.current = s;
        let force = idx.0;
        if gained {
            // Only arrivals raise a strength.
            if morale.broken && s >= morale.break_point * st.initial {
                morale.broken = false;
                table.rows[force as usize].broken = false;
                table.status += 1;
            }
        } else if s <= 0.0 {
            metrics.push(|| LogEvent::Destroyed { hours, force });
        } else if !morale.broken && s < morale.break_point * st.initial {
            morale.broken = true;
            orders.posture = Posture::Withdraw;
            // The table as the index would copy it: broken, withdrawing.
            let row = &mut table.rows[force as usize];
            row.broken = true;
            row.objective_site = None;
            table.status += 1;
            metrics.push(|| LogEvent::Broken { hours, force });
        }
    }
    changed.clear();
    table.changed = changed;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two forces, one shooter each: the closed-form square law.
    #[test]
    fn rk4_matches_the_closed_form_square_law() {
        let (a0, b0) = (1000.0f64, 800.0f64);
        let (alpha, beta) = (0.01f64, 0.02f64); // kills per combatant-hour of A, of B
        let mut sc = CombatScratch {
            shooters: vec![0, 1],
            starts: vec![0, 1, 2],
            targets: vec![1, 0],
            ..Default::default()
        };
        let leth = [alpha, beta];
        let mut s = vec![a0, b0];
        let dt = 1.0;
        let w = (alpha * beta).sqrt();
        for tick in 1..=20 {
            sc.s0 = s.clone();
            s = rk4(&mut sc, &leth, dt, 4, Vec::new());
            let t = tick as f64 * dt;
            // dA/dt = −β B, dB/dt = −α A.
            let a = a0 * (w * t).cosh() - (beta / alpha).sqrt() * b0 * (w * t).sinh();
            let b = b0 * (w * t).cosh() - (alpha / beta).sqrt() * a0 * (w * t).sinh();
            assert!((s[0] - a).abs() < 1e-6 * a0, "A at {t}: {} vs {a}", s[0]);
            assert!((s[1] - b).abs() < 1e-6 * b0, "B at {t}: {} vs {b}", s[1]);
            // Square-law invariant α A² − β B².
            let inv0 = alpha * a0 * a0 - beta * b0 * b0;
            let inv = alpha * s[0] * s[0] - beta * s[1] * s[1];
            assert!((inv - inv0).abs() < 1e-6 * inv0.abs().max(1.0));
        }
    }
}
