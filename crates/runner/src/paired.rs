//! Paired comparison of two scenarios under common random numbers: the
//! statistics behind `frontline compare`.
//!
//! Run `i` of A and run `i` of B use the same random streams (seed, i), and
//! within a run every purpose and every faction pair has its own stream
//! (see `frontline_sim::rng`), so the same draws feed the same decisions in
//! A and B as far as the scenarios allow. The per-run outcomes are paired:
//! for each faction pair, the difference in clash probability is estimated
//! from the paired indicators with a 95 % interval, McNemar's exact test is
//! applied to the discordant pairs, and the paired differences in expected
//! clashes and in the restricted mean time to first clash are reported. Each
//! interval is shown next to the width independent seeds would give for the
//! same proportions, which is the variance reduction the pairing buys.

use std::sync::Arc;

use frontline_sim::metrics::Outcome;
use frontline_sim::theatre::Theatre;
use frontline_sim::world::Sim;
use serde::{Deserialize, Serialize};

use crate::estimate::Z95;
use crate::interrupt::{STOP, install_ctrlc};
use crate::load::Loaded;
use crate::replicate::Replicator;
use crate::result::Engine;
use crate::stats::FIXED;

/// Counts of paired binary outcomes: `nXY` with X the value in A, Y in B.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Paired {
    /// Neither.
    pub n00: u64,
    /// B only.
    pub n01: u64,
    /// A only.
    pub n10: u64,
    /// Both.
    pub n11: u64,
}

impl Paired {
    fn add(&mut self, a: bool, b: bool) {
        match (a, b) {
            (false, false) => self.n00 += 1,
            (false, true) => self.n01 += 1,
            (true, false) => self.n10 += 1,
            (true, true) => self.n11 += 1,
        }
    }

    fn merge(&mut self, o: &Paired) {
        self.n00 += o.n00;
        self.n01 += o.n01;
        self.n10 += o.n10;
        self.n11 += o.n11;
    }

    fn n(&self) -> u64 {
        self.n00 + self.n01 + self.n10 + self.n11
    }
}

/// Sums for a paired difference of integer quantities `d = b − a`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PairedSums {
    /// Σ a.
    pub sum_a: i128,
    /// Σ b.
    pub sum_b: i128,
    /// Σ (b − a)².
    pub sum_d2: u128,
}

impl PairedSums {
    fn add(&mut self, a: i64, b: i64) {
        self.sum_a += a as i128;
        self.sum_b += b as i128;
        let d = (b - a) as i128;
        self.sum_d2 += (d * d) as u128;
    }

    fn merge(&mut self, o: &PairedSums) {
        self.sum_a += o.sum_a;
        self.sum_b += o.sum_b;
        self.sum_d2 += o.sum_d2;
    }
}

/// Paired statistics of one faction pair.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PairPaired {
    /// At least one incident.
    pub incident: Paired,
    /// At least one clash.
    pub clash: Paired,
    /// Clashes per run.
    pub clashes: PairedSums,
    /// min(time to first clash, horizon), thousandths of an hour.
    pub time_to_clash: PairedSums,
}

/// All paired statistics.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PairedStats {
    /// Paired runs.
    pub runs: u64,
    /// Per matched faction pair.
    pub pairs: Vec<PairPaired>,
    /// Clash at each matched hotspot (segments, then sites).
    pub places: Vec<Paired>,
}

impl PairedStats {
    fn merge(&mut self, o: &PairedStats) {
        self.runs += o.runs;
        for (x, y) in self.pairs.iter_mut().zip(&o.pairs) {
            x.incident.merge(&y.incident);
            x.clash.merge(&y.clash);
            x.clashes.merge(&y.clashes);
            x.time_to_clash.merge(&y.time_to_clash);
        }
        for (x, y) in self.places.iter_mut().zip(&o.places) {
            x.merge(y);
        }
    }
}

/// How A's pairs and places map onto B's.
#[derive(Debug, Clone)]
pub struct Matching {
    /// (pair index in A, pair index in B, label).
    pub pairs: Vec<(usize, usize, String)>,
    /// (kind, index in A, index in B, label): segments by `LINE#k`, sites by id.
    pub places: Vec<(bool, usize, usize, String)>,
}

fn pair_labels(th: &Theatre) -> Vec<String> {
    let f = &th.scenario.factions;
    th.pairs
        .iter()
        .map(|(a, b)| format!("{}:{}", f[a.index()].id, f[b.index()].id))
        .collect()
}

fn segment_labels(th: &Theatre) -> Vec<String> {
    let s = &th.scenario;
    s.segments
        .iter()
        .map(|g| format!("{}#{}", s.contact_lines[g.line].id, g.index_in_line + 1))
        .collect()
}

/// The two faction ids of each tracked pair, sorted: what matches a pair of
/// A with a pair of B whatever the order of the factions in either file.
fn pair_keys(th: &Theatre) -> Vec<(&str, &str)> {
    let f = &th.scenario.factions;
    th.pairs
        .iter()
        .map(|(a, b)| {
            let (x, y) = (f[a.index()].id.as_str(), f[b.index()].id.as_str());
            if x <= y { (x, y) } else { (y, x) }
        })
        .collect()
}

/// Labels of the tracked pairs of `x` that `y` does not track.
fn unmatched<'a>(x: &'a Theatre, y: &'a Theatre) -> impl Iterator<Item = String> + 'a {
    let ky = pair_keys(y);
    pair_keys(x)
        .into_iter()
        .zip(pair_labels(x))
        .filter(move |(k, _)| !ky.contains(k))
        .map(|(_, label)| label)
}

/// Matches pairs by faction ids (in either order), segments by line id and
/// position, sites by id. Labels are A's.
pub fn matching(a: &Theatre, b: &Theatre) -> Matching {
    let (ka, kb) = (pair_keys(a), pair_keys(b));
    let la = pair_labels(a);
    let pairs = ka
        .iter()
        .enumerate()
        .filter_map(|(i, k)| {
            kb.iter()
                .position(|m| m == k)
                .map(|j| (i, j, la[i].clone()))
        })
        .collect();
    let (sa, sb) = (segment_labels(a), segment_labels(b));
    let mut places: Vec<(bool, usize, usize, String)> = sa
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            sb.iter()
                .position(|m| m == l)
                .map(|j| (true, i, j, l.clone()))
        })
        .collect();
    for (i, s) in a.scenario.sites.iter().enumerate() {
        if let Some(j) = b.scenario.sites.iter().position(|t| t.id == s.id) {
            places.push((false, i, j, s.id.clone()));
        }
    }
    Matching { pairs, places }
}

fn record(m: &Matching, horizon_h: f64, a: &Outcome, b: &Outcome, acc: &mut PairedStats) {
    acc.runs += 1;
    for (k, &(i, j, _)) in m.pairs.iter().enumerate() {
        let (pa, pb) = (&a.pairs[i], &b.pairs[j]);
        let p = &mut acc.pairs[k];
        p.incident.add(pa.incidents > 0, pb.incidents > 0);
        p.clash.add(pa.clashes > 0, pb.clashes > 0);
        p.clashes.add(pa.clashes as i64, pb.clashes as i64);
        let t = |x: Option<f64>| (x.unwrap_or(horizon_h).min(horizon_h) * FIXED).round() as i64;
        p.time_to_clash
            .add(t(pa.first_clash_h), t(pb.first_clash_h));
    }
    for (k, &(seg, i, j, _)) in m.places.iter().enumerate() {
        let (ca, cb) = if seg {
            (a.segment_clashes[i], b.segment_clashes[j])
        } else {
            (a.site_clashes[i], b.site_clashes[j])
        };
        acc.places[k].add(ca > 0, cb > 0);
    }
}

/// A paired difference B − A with its interval and tests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// Estimate in A.
    pub a: f64,
    /// Estimate in B.
    pub b: f64,
    /// B − A.
    pub diff: f64,
    /// 95 % interval of B − A from the paired runs.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
    /// Half-width independent seeds would give for the same estimates.
    pub independent_half_width: f64,
    /// McNemar's exact two-sided p-value (binary outcomes only).
    pub mcnemar_p: Option<f64>,
}

/// Paired difference of proportions with McNemar's test.
pub fn proportion_difference(p: &Paired) -> Difference {
    let n = p.n().max(1) as f64;
    let (pa, pb) = ((p.n10 + p.n11) as f64 / n, (p.n01 + p.n11) as f64 / n);
    let d = pb - pa;
    // d_i ∈ {−1, 0, 1}: Σ d_i² = n01 + n10.
    let ss = (p.n01 + p.n10) as f64 - n * d * d;
    let half = Z95 * (ss.max(0.0) / (n - 1.0).max(1.0) / n).sqrt();
    Difference {
        a: pa,
        b: pb,
        diff: d,
        lo: d - half,
        hi: d + half,
        independent_half_width: Z95 * ((pa * (1.0 - pa) + pb * (1.0 - pb)) / n).sqrt(),
        mcnemar_p: Some(mcnemar_exact(p.n01, p.n10)),
    }
}

/// Paired difference of means (in units of `1/scale`).
pub fn mean_difference(s: &PairedSums, n: u64, scale: f64, var_a: f64, var_b: f64) -> Difference {
    let nf = n.max(1) as f64;
    let (ma, mb) = (s.sum_a as f64 / nf, s.sum_b as f64 / nf);
    let d = mb - ma;
    let ss = s.sum_d2 as f64 - nf * d * d;
    let half = Z95 * (ss.max(0.0) / (nf - 1.0).max(1.0) / nf).sqrt();
    Difference {
        a: ma / scale,
        b: mb / scale,
        diff: d / scale,
        lo: (d - half) / scale,
        hi: (d + half) / scale,
        independent_half_width: Z95 * ((var_a + var_b) / nf).sqrt() / scale,
        mcnemar_p: None,
    }
}

/// McNemar's exact test: two-sided binomial p-value of the discordant pairs.
pub fn mcnemar_exact(n01: u64, n10: u64) -> f64 {
    let m = n01 + n10;
    if m == 0 {
        return 1.0;
    }
    let k = n01.min(n10);
    // P(X ≤ k), X ~ Bin(m, 1/2), summed in log space in one pass, with no
    // allocation; ln C(m, i) is updated term by term:
    // ln C(m, i) = ln C(m, i − 1) + ln(m − i + 1) − ln i. Since k ≤ m/2 the
    // terms increase, so the running maximum is the latest term and the sum
    // is rescaled to it: Σ e^{t_i} = e^{top} · sum.
    let ln_half_m = m as f64 * std::f64::consts::LN_2;
    let mut ln_c = 0.0f64;
    let mut top = -ln_half_m;
    let mut sum = 1.0f64;
    for i in 1..=k {
        ln_c += ((m - i + 1) as f64).ln() - (i as f64).ln();
        let t = ln_c - ln_half_m;
        if t > top {
            sum = sum * (top - t).exp() + 1.0;
            top = t;
        } else {
            sum += (t - top).exp();
        }
    }
    (2.0 * (top + sum.ln()).exp()).min(1.0)
}

/// The comparison report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompareDoc {
    /// `frontline.compare/1`.
    pub schema: String,
    /// Engine.
    pub engine: Engine,
    /// A's source and hash.
    pub a: (String, String),
    /// B's source and hash.
    pub b: (String, String),
    /// Overrides applied to both A and B.
    pub overrides: Vec<String>,
    /// Overrides applied to B only.
    pub b_overrides: Vec<String>,
    /// Master seed.
    pub seed: u64,
    /// Paired runs.
    pub runs: u64,
    /// Per pair: label, P(incident), P(clash), expected clashes, restricted mean
    /// time to first clash (days).
    pub pairs: Vec<PairComparison>,
    /// Per hotspot: label and P(clash there).
    pub hotspots: Vec<(String, Difference)>,
    /// Pairs tracked in only one of the scenarios.
    pub unmatched_pairs: Vec<String>,
    /// The exact paired statistics.
    pub statistics: PairedStats,
}

/// Comparison of one faction pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairComparison {
    /// `A:B` faction ids.
    pub pair: String,
    /// P(at least one incident).
    pub incident: Difference,
    /// P(at least one clash).
    pub clash: Difference,
    /// Expected clashes.
    pub expected_clashes: Difference,
    /// Restricted mean time to first clash within the horizon, days.
    pub time_to_first_clash_days: Difference,
}

/// Plays the paired runs and builds the report.
pub fn compare_runs(
    a: &Loaded,
    b: &Loaded,
    b_overrides: Vec<String>,
    seed: u64,
    runs: u64,
    threads: usize,
) -> anyhow::Result<Option<CompareDoc>> {
    let (ta, tb) = (
        Arc::new(Theatre::new(a.scenario.clone())),
        Arc::new(Theatre::new(b.scenario.clone())),
    );
    anyhow::ensure!(
        (ta.scenario.horizon_hours - tb.scenario.horizon_hours).abs() < 1e-9,
        "A and B have different horizons ({} and {} days): paired runs need the same",
        ta.scenario.horizon_hours / 24.0,
        tb.scenario.horizon_hours / 24.0
    );
    let m = matching(&ta, &tb);
    anyhow::ensure!(
        !m.pairs.is_empty(),
        "A and B share no tracked faction pair: there is nothing to compare"
    );
    let horizon = ta.scenario.horizon_hours;
    let rep = Replicator::with_arms(vec![Arc::clone(&ta), Arc::clone(&tb)], threads)?;
    let empty = PairedStats {
        runs: 0,
        pairs: vec![PairPaired::default(); m.pairs.len()],
        places: vec![Paired::default(); m.places.len()],
    };
    // Variances of A and B alone, for the independent-seeds comparison.
    let mut var_sums = vec![[0i128; 4]; m.pairs.len()];
    let mut total = empty.clone();
    let init = || (empty.clone(), vec![[0i128; 4]; m.pairs.len()]);
    let each = |sims: &mut [Sim], run: u64, acc: &mut (PairedStats, Vec<[i128; 4]>)| {
        let oa = sims[0].run(seed, run, false);
        let ob = sims[1].run(seed, run, false);
        record(&m, horizon, &oa, &ob, &mut acc.0);
        for (k, &(i, j, _)) in m.pairs.iter().enumerate() {
            let (ca, cb) = (oa.pairs[i].clashes as i128, ob.pairs[j].clashes as i128);
            let t = |x: Option<f64>| (x.unwrap_or(horizon).min(horizon) * FIXED).round() as i128;
            let (xa, xb) = (t(oa.pairs[i].first_clash_h), t(ob.pairs[j].first_clash_h));
            let v = &mut acc.1[k];
            v[0] += ca * ca;
            v[1] += cb * cb;
            v[2] += xa * xa;
            v[3] += xb * xb;
        }
    };
    install_ctrlc();
    let stopped = rep.drive(0..runs, &|_| {}, &STOP, &init, &each, |_, (s, v)| {
        total.merge(&s);
        for (x, y) in var_sums.iter_mut().zip(&v) {
            for q in 0..4 {
                x[q] += y[q];
            }
        }
        Ok(())
    })?;
    if let Some(done) = stopped {
        eprintln!("interrupted: {done} of {runs} paired runs finished; no result written");
        return Ok(None);
    }
    let n = total.runs as f64;
    let var = |sum_sq: i128, sum: i128| {
        let (s, q) = (sum as f64, sum_sq as f64);
        ((q - s * s / n) / (n - 1.0)).max(0.0)
    };
    let pairs = m
        .pairs
        .iter()
        .zip(&total.pairs)
        .zip(&var_sums)
        .map(|(((_, _, label), p), v)| PairComparison {
            pair: label.clone(),
            incident: proportion_difference(&p.incident),
            clash: proportion_difference(&p.clash),
            expected_clashes: mean_difference(
                &p.clashes,
                total.runs,
                1.0,
                var(v[0], p.clashes.sum_a),
                var(v[1], p.clashes.sum_b),
            ),
            time_to_first_clash_days: mean_difference(
                &p.time_to_clash,
                total.runs,
                FIXED * 24.0,
                var(v[2], p.time_to_clash.sum_a),
                var(v[3], p.time_to_clash.sum_b),
            ),
        })
        .collect();
    let hotspots = m
        .places
        .iter()
        .zip(&total.places)
        .filter(|(_, p)| p.n00 != p.n())
        .map(|((_, _, _, label), p)| (label.clone(), proportion_difference(p)))
        .collect();
    let unmatched_pairs = unmatched(&ta, &tb).chain(unmatched(&tb, &ta)).collect();
    Ok(Some(CompareDoc {
        schema: "frontline.compare/1".into(),
        engine: Engine::current(),
        a: (a.source.clone(), a.hash.clone()),
        b: (b.source.clone(), b.hash.clone()),
        overrides: Vec::new(),
        b_overrides,
        seed,
        runs: total.runs,
        pairs,
        hotspots,
        unmatched_pairs,
        statistics: total,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcnemar_exact_matches_the_binomial() {
        // m = 10 discordant, split 1/9: P(X ≤ 1) = 11/1024, two-sided 22/1024.
        assert!((mcnemar_exact(1, 9) - 22.0 / 1024.0).abs() < 1e-12);
        assert_eq!(mcnemar_exact(5, 5), 1.0);
        assert_eq!(mcnemar_exact(0, 0), 1.0);
    }

    #[test]
    fn paired_difference_of_proportions() {
        let p = Paired {
            n00: 50,
            n01: 30,
            n10: 10,
            n11: 10,
        };
        let d = proportion_difference(&p);
        assert!((d.a - 0.2).abs() < 1e-12 && (d.b - 0.4).abs() < 1e-12);
        assert!((d.diff - 0.2).abs() < 1e-12);
        // s² = (40 − 100·0.04)/99.
        let half = Z95 * ((40.0 - 4.0) / 99.0 / 100.0f64).sqrt();
        assert!((d.hi - d.diff - half).abs() < 1e-12);
    }
}
