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

use rand_distr::{Distribution, Poisson};

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
}

/// Resolves one tick of combat. Returns whether a strength changed in the
/// table: the caller then writes the changes back ([`sync_strengths`]).
#[allow(clippy::too_many_arguments)]
pub fn resolve_combat(
    theatre: &Theatre,
    clock: &Clock,
    relations: &RelationMatrix,
    near: &Neighbours,
    table: &mut ForceTable,
    rng: &mut ChaChaStreams,
    metrics: &mut Metrics,
    sc: &mut CombatScratch,
) -> bool {
    sc.shooters.clear();
    sc.shooting.clear();
    sc.shooting.resize(table.rows.len().div_ceil(64), 0);
    sc.starts.clear();
    sc.targets.clear();
    sc.scanned = Some((clock.tick, table.status, relations.version()));
    let rows = &table.rows;
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
fn loss_rates(sc: &mut CombatScratch, s: &[f64], lethality: &[f64]) {
    for r in sc.rate.iter_mut() {
        *r = 0.0;
    }
    add_loss_rates(sc, |k| s[k], |i| lethality[i]);
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
// Index loops mirror the RK4 stage formulas over several parallel vectors.
#[allow(clippy::needless_range_loop)]
fn rk4(
    sc: &mut CombatScratch,
    lethality: &[f64],
    dt: f64,
    substeps: u32,
    mut s: Vec<f64>,
) -> Vec<f64> {
    let n = sc.s0.len();
    let h = dt / substeps as f64;
    s.clear();
    s.extend_from_slice(&sc.s0);
    sc.rate.resize(n, 0.0);
    for kv in sc.k.iter_mut() {
        kv.resize(n, 0.0);
    }
    sc.tmp.resize(n, 0.0);
    for _ in 0..substeps {
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
            loss_rates(sc, &tmp, lethality);
            for x in 0..n {
                sc.k[stage][x] = -sc.rate[x];
            }
            sc.tmp = tmp;
        }
        for x in 0..n {
            let d = sc.k[0][x] + 2.0 * sc.k[1][x] + 2.0 * sc.k[2][x] + sc.k[3][x];
            s[x] = (s[x] + h / 6.0 * d).max(0.0);
        }
    }
    s
}

/// Writes the strengths the phases changed in the table
/// ([`ForceTable::set_strength`]) back to the components, in force order,
/// and breaks or destroys the forces that fell below their thresholds. A
/// force broken here is marked broken in the table too, so the later phases
/// of the same tick (sites, friction) see it as broken.
pub fn sync_strengths(
    table: &mut ForceTable,
    mut forces: StrengthQuery,
    metrics: &mut Metrics,
    hours: f64,
) {
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
            // Died (the table's status count: see `ForceTable::status`).
            table.status += 1;
        }
        st.current = s;
        let force = idx.0;
        if s <= 0.0 {
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
