//! Exact sufficient statistics of a set of runs.
//!
//! Every quantity is an integer: counts of runs, sums and sums of squares of
//! integer counts, histograms, and casualties and revenue in fixed point
//! (thousandths). Merging is integer addition, which is associative and
//! commutative, so the statistics of a set of runs do not depend on how the
//! runs were split across threads, batches or machines, and the estimates
//! derived from them are bit-identical.
//!
//! None of the sums can overflow. Per run, a count is at most
//! [`MAX_INCIDENTS_PER_RUN`] = 10⁹, and casualties and revenue are at most
//! `LIMITS.total_strength` and `LIMITS.total_output` = 10¹¹ units, that is
//! 10¹⁴ in fixed point (time hostile, at most the horizon of
//! `LIMITS.horizon_days` · 24 hours, is far less); the runner accepts at most
//! [`MAX_RUNS`](crate::replicate::MAX_RUNS) = 10⁹ runs, also when merging shards.
//! So a sum of squares stays below 10²⁸ · 10⁹ = 10³⁷ < 2¹²⁸ ≈ 3.4 · 10³⁸, and a
//! sum of counts below 10¹⁸ < 2⁶⁴ (the test `the_proven_bounds_fit` checks
//! these numbers). Statistics read from a partial file are held to the same
//! per-run bounds by [`Stats::check_counts`] before they are merged.

use frontline_sim::metrics::{MAX_INCIDENTS_PER_RUN, Outcome};
use frontline_sim::scenario::LIMITS;
use frontline_sim::theatre::Theatre;
use serde::{Deserialize, Serialize};

/// Fixed-point scale for casualties and revenue: thousandths.
pub const FIXED: f64 = 1000.0;

/// Sum and sum of squares of a per-run integer quantity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Moments {
    /// Σ x.
    pub sum: i128,
    /// Σ x².
    pub sum_sq: u128,
}

impl Moments {
    fn add(&mut self, x: i64) {
        self.sum += x as i128;
        self.sum_sq += (x as i128 * x as i128) as u128;
    }

    fn merge(&mut self, o: &Moments) {
        self.sum += o.sum;
        self.sum_sq += o.sum_sq;
    }
}

/// Statistics of one tracked faction pair.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PairStats {
    /// Runs with at least one incident.
    pub runs_incident: u64,
    /// Runs with at least one clash.
    pub runs_clash: u64,
    /// Runs with at least one engagement.
    pub runs_engagement: u64,
    /// Runs in which the stance turned hostile.
    pub runs_hostile: u64,
    /// Incidents per run.
    pub incidents: Moments,
    /// Clashes per run.
    pub clashes: Moments,
    /// Engagements per run.
    pub engagements: Moments,
    /// Runs by the bin (see [`Stats::bin_hours`]) of their first incident.
    pub first_incident_bins: Vec<u64>,
    /// Runs by the bin of their first clash.
    pub first_clash_bins: Vec<u64>,
    /// Runs in which the stance was hostile at the horizon.
    pub runs_hostile_end: u64,
    /// Time hostile per run, thousandths of an hour.
    pub hostile_hours: Moments,
    /// Runs with at least one strike of a zone owner on the pair.
    pub runs_punitive_strike: u64,
    /// Strikes per run.
    pub punitive_strikes: Moments,
}

/// Statistics of a place (segment, site or zone).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PlaceStats {
    /// Runs with at least one incident there.
    pub runs_incident: u64,
    /// Runs with at least one clash there.
    pub runs_clash: u64,
    /// Incidents there, summed over runs.
    pub incidents: u64,
    /// Clashes there, summed over runs.
    pub clashes: u64,
}

impl PlaceStats {
    fn add(&mut self, incidents: u64, clashes: u64) {
        self.runs_incident += (incidents > 0) as u64;
        self.runs_clash += (clashes > 0) as u64;
        self.incidents += incidents;
        self.clashes += clashes;
    }

    fn merge(&mut self, o: &PlaceStats) {
        self.runs_incident += o.runs_incident;
        self.runs_clash += o.runs_clash;
        self.incidents += o.incidents;
        self.clashes += o.clashes;
    }
}

/// The sufficient statistics of a set of runs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Stats {
    /// Number of runs.
    pub runs: u64,
    /// Width of a time bin, hours.
    pub bin_hours: u32,
    /// One per tracked pair.
    pub pairs: Vec<PairStats>,
    /// One per contact-line segment.
    pub segments: Vec<PlaceStats>,
    /// One per site.
    pub sites: Vec<PlaceStats>,
    /// One per zone (incursion incidents).
    pub zones: Vec<PlaceStats>,
    /// `site_owner_end[site][faction]`; the last column counts "no owner".
    pub site_owner_end: Vec<Vec<u64>>,
    /// Runs in which each site changed hands at least once.
    pub site_changed: Vec<u64>,
    /// Casualties per faction, thousandths of a person.
    pub casualties: Vec<Moments>,
    /// Revenue per faction, thousandths of a unit.
    pub revenue: Vec<Moments>,
}

impl Stats {
    /// Empty statistics shaped for `theatre`.
    pub fn new(theatre: &Theatre) -> Self {
        let s = &theatre.scenario;
        let bin_hours = bin_hours(s.horizon_hours);
        let nbins = (s.horizon_hours / bin_hours as f64).ceil() as usize;
        let nf = s.factions.len();
        Self {
            runs: 0,
            bin_hours,
            pairs: vec![
                PairStats {
                    first_incident_bins: vec![0; nbins],
                    first_clash_bins: vec![0; nbins],
                    ..Default::default()
                };
                theatre.pairs.len()
            ],
            segments: vec![PlaceStats::default(); s.segments.len()],
            sites: vec![PlaceStats::default(); s.sites.len()],
            zones: vec![PlaceStats::default(); s.zones.len()],
            site_owner_end: vec![vec![0; nf + 1]; s.sites.len()],
            site_changed: vec![0; s.sites.len()],
            casualties: vec![Moments::default(); nf],
            revenue: vec![Moments::default(); nf],
        }
    }

    /// Number of time bins.
    pub fn bins(&self) -> usize {
        self.pairs.first().map_or(0, |p| p.first_clash_bins.len())
    }

    /// Adds one run.
    pub fn add(&mut self, o: &Outcome) {
        self.runs += 1;
        let bin = |h: f64, n: usize| ((h / self.bin_hours as f64) as usize).min(n - 1);
        for (ps, p) in self.pairs.iter_mut().zip(&o.pairs) {
            ps.runs_incident += (p.incidents > 0) as u64;
            ps.runs_clash += (p.clashes > 0) as u64;
            ps.runs_engagement += (p.engagements > 0) as u64;
            ps.runs_hostile += p.turned_hostile_h.is_some() as u64;
            ps.incidents.add(p.incidents as i64);
            ps.clashes.add(p.clashes as i64);
            ps.engagements.add(p.engagements as i64);
            ps.runs_hostile_end += p.hostile_at_end as u64;
            ps.hostile_hours
                .add((p.hostile_hours * FIXED).round() as i64);
            ps.runs_punitive_strike += (p.punitive_strikes > 0) as u64;
            ps.punitive_strikes.add(p.punitive_strikes as i64);
            if let Some(h) = p.first_incident_h {
                let n = ps.first_incident_bins.len();
                ps.first_incident_bins[bin(h, n)] += 1;
            }
            if let Some(h) = p.first_clash_h {
                let n = ps.first_clash_bins.len();
                ps.first_clash_bins[bin(h, n)] += 1;
            }
        }
        for (s, (&i, &c)) in self
            .segments
            .iter_mut()
            .zip(o.segment_incidents.iter().zip(&o.segment_clashes))
        {
            s.add(i, c);
        }
        for (s, (&i, &c)) in self
            .sites
            .iter_mut()
            .zip(o.site_incidents.iter().zip(&o.site_clashes))
        {
            s.add(i, c);
        }
        for (z, &i) in self.zones.iter_mut().zip(&o.zone_incidents) {
            z.add(i, 0);
        }
        let nf = self.casualties.len();
        for (row, owner) in self.site_owner_end.iter_mut().zip(&o.site_owner_end) {
            row[owner.map_or(nf, |f| f as usize)] += 1;
        }
        let mut changed = vec![false; self.site_changed.len()];
        for c in &o.owner_changes {
            changed[c.site as usize] = true;
        }
        for (n, c) in self.site_changed.iter_mut().zip(changed) {
            *n += c as u64;
        }
        for (m, &x) in self.casualties.iter_mut().zip(&o.casualties) {
            m.add((x * FIXED).round() as i64);
        }
        for (m, &x) in self.revenue.iter_mut().zip(&o.revenue) {
            m.add((x * FIXED).round() as i64);
        }
    }

    /// Adds another set of runs of the same scenario.
    pub fn merge(&mut self, o: &Stats) {
        self.runs += o.runs;
        for (a, b) in self.pairs.iter_mut().zip(&o.pairs) {
            a.runs_incident += b.runs_incident;
            a.runs_clash += b.runs_clash;
            a.runs_engagement += b.runs_engagement;
            a.runs_hostile += b.runs_hostile;
            a.incidents.merge(&b.incidents);
            a.clashes.merge(&b.clashes);
            a.engagements.merge(&b.engagements);
            a.runs_hostile_end += b.runs_hostile_end;
            a.hostile_hours.merge(&b.hostile_hours);
            a.runs_punitive_strike += b.runs_punitive_strike;
            a.punitive_strikes.merge(&b.punitive_strikes);
            add_vec(&mut a.first_incident_bins, &b.first_incident_bins);
            add_vec(&mut a.first_clash_bins, &b.first_clash_bins);
        }
        for (a, b) in [
            (&mut self.segments, &o.segments),
            (&mut self.sites, &o.sites),
            (&mut self.zones, &o.zones),
        ] {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
        for (a, b) in self.site_owner_end.iter_mut().zip(&o.site_owner_end) {
            add_vec(a, b);
        }
        add_vec(&mut self.site_changed, &o.site_changed);
        for (a, b) in self.casualties.iter_mut().zip(&o.casualties) {
            a.merge(b);
        }
        for (a, b) in self.revenue.iter_mut().zip(&o.revenue) {
            a.merge(b);
        }
    }
}

impl Stats {
    /// Whether `other` has the same vectors of the same lengths (the shape
    /// [`Stats::new`] gives for one theatre).
    pub fn same_shape(&self, other: &Stats) -> bool {
        let bins = |s: &Stats| -> Vec<(usize, usize)> {
            s.pairs
                .iter()
                .map(|p| (p.first_incident_bins.len(), p.first_clash_bins.len()))
                .collect()
        };
        let owners = |s: &Stats| -> Vec<usize> { s.site_owner_end.iter().map(Vec::len).collect() };
        self.bin_hours == other.bin_hours
            && bins(self) == bins(other)
            && self.segments.len() == other.segments.len()
            && self.sites.len() == other.sites.len()
            && self.zones.len() == other.zones.len()
            && owners(self) == owners(other)
            && self.site_changed.len() == other.site_changed.len()
            && self.casualties.len() == other.casualties.len()
            && self.revenue.len() == other.revenue.len()
    }

    /// Checks what must hold of statistics of `runs` runs: no run count above
    /// `runs`, a histogram counts each run at most once, every site has one
    /// owner at the end of each run. Statistics read from a file are checked
    /// with this before they are merged.
    pub fn check_counts(&self) -> Result<(), String> {
        let n = self.runs;
        let at_most = |what: &str, k: u64, of: u64| {
            if k <= of {
                Ok(())
            } else {
                Err(format!("{what} counts {k} runs, more than the {of} it has"))
            }
        };
        for (i, p) in self.pairs.iter().enumerate() {
            let e = |what: &str| format!("pair #{}: {what}", i + 1);
            at_most(&e("runs with a clash"), p.runs_clash, p.runs_incident)?;
            at_most(
                &e("runs with an engagement"),
                p.runs_engagement,
                p.runs_clash,
            )?;
            at_most(&e("runs with an incident"), p.runs_incident, n)?;
            at_most(&e("runs turned hostile"), p.runs_hostile, n)?;
            at_most(&e("runs hostile at the end"), p.runs_hostile_end, n)?;
            at_most(&e("runs with a strike"), p.runs_punitive_strike, n)?;
            let sum = |v: &[u64]| v.iter().try_fold(0u64, |a, &x| a.checked_add(x));
            let fi = sum(&p.first_incident_bins).unwrap_or(u64::MAX);
            let fc = sum(&p.first_clash_bins).unwrap_or(u64::MAX);
            at_most(&e("the first-incident histogram"), fi, p.runs_incident)?;
            at_most(&e("the first-clash histogram"), fc, p.runs_clash)?;
        }
        for (kind, places) in [
            ("segment", &self.segments),
            ("site", &self.sites),
            ("zone", &self.zones),
        ] {
            for (i, s) in places.iter().enumerate() {
                let e = |what: &str| format!("{kind} #{}: {what}", i + 1);
                at_most(&e("runs with a clash"), s.runs_clash, s.runs_incident)?;
                at_most(&e("runs with an incident"), s.runs_incident, n)?;
            }
        }
        for (i, row) in self.site_owner_end.iter().enumerate() {
            let total = row.iter().try_fold(0u64, |a, &x| a.checked_add(x));
            if total != Some(n) {
                return Err(format!(
                    "site #{}: the owners at the end do not add up to the {n} runs",
                    i + 1
                ));
            }
        }
        for (i, &c) in self.site_changed.iter().enumerate() {
            at_most(
                &format!("site #{}: runs with a change of owner", i + 1),
                c,
                n,
            )?;
        }
        // The sums stay within what `n` runs can produce, so that merging
        // them keeps the proven range (module docs).
        let incidents = MAX_INCIDENTS_PER_RUN as u128;
        let fixed = (LIMITS.total_strength.max(LIMITS.total_output) * FIXED) as u128;
        let hours = (LIMITS.horizon_days * 24.0 * FIXED) as u128;
        let within = |what: String, m: &Moments, x_max: u128| {
            let (sum, sum_sq) = (m.sum.unsigned_abs(), m.sum_sq);
            if sum <= n as u128 * x_max && sum_sq <= n as u128 * x_max * x_max {
                Ok(())
            } else {
                Err(format!("{what}: sums beyond what {n} runs can give"))
            }
        };
        for (i, p) in self.pairs.iter().enumerate() {
            for (what, m) in [
                ("incidents", &p.incidents),
                ("clashes", &p.clashes),
                ("engagements", &p.engagements),
                ("punitive strikes", &p.punitive_strikes),
            ] {
                within(format!("pair #{}: {what}", i + 1), m, incidents)?;
            }
            within(
                format!("pair #{}: hours hostile", i + 1),
                &p.hostile_hours,
                hours,
            )?;
        }
        for (f, (c, r)) in self.casualties.iter().zip(&self.revenue).enumerate() {
            within(format!("faction #{}: casualties", f + 1), c, fixed)?;
            within(format!("faction #{}: revenue", f + 1), r, fixed)?;
        }
        for places in [&self.segments, &self.sites, &self.zones] {
            for s in places.iter() {
                let most = n as u128 * incidents;
                if s.incidents as u128 > most || s.clashes as u128 > most {
                    return Err(format!(
                        "a place counts more incidents than {n} runs can give"
                    ));
                }
            }
        }
        Ok(())
    }
}

fn add_vec(a: &mut [u64], b: &[u64]) {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
}

/// Bin width for time-to-event histograms: one hour up to 90 days, then
/// one day.
pub fn bin_hours(horizon_hours: f64) -> u32 {
    if horizon_hours <= 90.0 * 24.0 { 1 } else { 24 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::replicate::MAX_RUNS;

    #[test]
    fn the_proven_bounds_fit() {
        let fixed_max = (LIMITS.total_strength.max(LIMITS.total_output) * FIXED) as u128;
        let x_max = fixed_max.max(MAX_INCIDENTS_PER_RUN as u128);
        assert!(
            x_max <= i64::MAX as u128,
            "one run's value fits the i64 of Moments::add"
        );
        let sum_sq = (x_max * x_max).checked_mul(MAX_RUNS as u128);
        assert!(sum_sq.is_some(), "Σ x² over MAX_RUNS runs fits u128");
        assert!(
            (x_max as i128).checked_mul(MAX_RUNS as i128).is_some(),
            "Σ x fits i128"
        );
        assert!(
            MAX_INCIDENTS_PER_RUN.checked_mul(MAX_RUNS).is_some(),
            "Σ incidents of a place fits u64"
        );
        // The bounds are tight enough to matter: 10× more runs would not fit.
        assert!(
            (x_max * x_max)
                .checked_mul(100 * MAX_RUNS as u128)
                .is_none()
        );
    }
}
