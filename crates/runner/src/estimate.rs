//! Estimates with 95 % intervals, derived from [`Stats`].
//!
//! - Probabilities: Wilson (1927) score interval, which keeps its coverage
//!   near the nominal level for small and extreme proportions.
//! - Expected values: the sample mean ± z·s/√n (normal approximation,
//!   with the unbiased sample variance).
//! - Time to first clash: the empirical cumulative distribution by day with a
//!   pointwise Wilson band, and its quantiles (runs without a clash count as
//!   censored beyond the horizon).

use serde::{Deserialize, Serialize};

use crate::stats::{FIXED, Moments, PlaceStats, Stats};
use frontline_sim::geo::unproject;
use frontline_sim::theatre::Theatre;

/// z for a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A probability with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Proportion {
    /// Point estimate k/n.
    pub p: f64,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
    /// Successes k.
    pub k: u64,
    /// Trials n.
    pub n: u64,
}

impl Proportion {
    /// Half the interval's width.
    pub fn half_width(&self) -> f64 {
        (self.hi - self.lo) / 2.0
    }
}

/// Wilson score interval for k successes in n trials.
pub fn wilson(k: u64, n: u64) -> Proportion {
    if n == 0 {
        return Proportion {
            p: 0.0,
            lo: 0.0,
            hi: 1.0,
            k,
            n,
        };
    }
    let (kf, nf) = (k as f64, n as f64);
    let p = kf / nf;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / nf;
    let centre = (p + z2 / (2.0 * nf)) / denom;
    let half = Z95 * (p * (1.0 - p) / nf + z2 / (4.0 * nf * nf)).sqrt() / denom;
    Proportion {
        p,
        // Exact at the ends: the bounds are 0 and 1 in closed form there.
        lo: if k == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        },
        hi: if k == n {
            1.0
        } else {
            (centre + half).min(1.0)
        },
        k,
        n,
    }
}

/// A mean with its interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Mean {
    /// Sample mean.
    pub mean: f64,
    /// Lower bound.
    pub lo: f64,
    /// Upper bound.
    pub hi: f64,
    /// Sample standard deviation.
    pub sd: f64,
}

/// Mean and interval of a non-negative quantity from its moments over `n`
/// runs, scaled by `1/scale`. The lower bound is clamped at 0, since every
/// quantity averaged here (counts, casualties, revenue) is non-negative.
pub fn mean_interval(m: &Moments, n: u64, scale: f64) -> Mean {
    if n == 0 {
        return Mean {
            mean: 0.0,
            lo: 0.0,
            hi: 0.0,
            sd: 0.0,
        };
    }
    let nf = n as f64;
    let mean = m.sum as f64 / nf;
    // Σ(x − x̄)² = Σx² − (Σx)²/n, computed in floating point from the exact
    // integer sums Σx and Σx².
    let ss = m.sum_sq as f64 - (m.sum as f64) * (m.sum as f64) / nf;
    let var = if n > 1 {
        (ss / (nf - 1.0)).max(0.0)
    } else {
        0.0
    };
    let sd = var.sqrt();
    let half = Z95 * sd / nf.sqrt();
    Mean {
        mean: mean / scale,
        lo: ((mean - half) / scale).max(0.0),
        hi: (mean + half) / scale,
        sd: sd / scale,
    }
}

/// A point of a cumulative curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// End of the day (1 = end of the first day).
    pub day: u32,
    /// P(first clash by the end of that day), with interval.
    pub by: Proportion,
}

/// Time to first clash of a pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FirstClash {
    /// Cumulative probability by day.
    pub by_day: Vec<CurvePoint>,
    /// Quantiles of the time to first clash, days (`None`: beyond the horizon).
    pub quantiles_days: Vec<(f64, Option<f64>)>,
}

/// Estimates for one tracked pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PairEstimate {
    /// First faction id.
    pub a: String,
    /// Second faction id.
    pub b: String,
    /// Stance at the start.
    pub stance: String,
    /// P(at least one incident within the horizon).
    pub incident: Proportion,
    /// P(at least one clash).
    pub clash: Proportion,
    /// P(at least one engagement).
    pub engagement: Proportion,
    /// P(the stance turned hostile by escalation).
    pub turned_hostile: Proportion,
    /// P(the stance is hostile at the horizon).
    pub hostile_at_end: Proportion,
    /// Expected days spent hostile per run (by escalation or by scheduled
    /// events).
    pub expected_hostile_days: Mean,
    /// P(at least one strike of a zone owner on an intruder of the pair).
    pub punitive_strike: Proportion,
    /// Expected strikes per run.
    pub expected_punitive_strikes: Mean,
    /// Expected incidents per run.
    pub expected_incidents: Mean,
    /// Expected clashes per run.
    pub expected_clashes: Mean,
    /// Expected engagements per run.
    pub expected_engagements: Mean,
    /// Time to first clash.
    pub first_clash: FirstClash,
}

/// A hotspot: a place ranked by the probability of a clash there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hotspot {
    /// `segment` or `site`.
    pub kind: String,
    /// Display id: the site id, or `LINE#k` for segment k of a line.
    pub id: String,
    /// Readable name.
    pub name: String,
    /// Latitude of the place (segment midpoint).
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// P(at least one clash there).
    pub clash: Proportion,
    /// P(at least one incident there).
    pub incident: Proportion,
    /// Clashes attributed to this place ÷ clashes attributed to any place of
    /// the same kind (any segment, respectively any site), summed over runs.
    /// Incursion clashes are included; clashes attributed to no place of
    /// that kind are not. 0 if no clash was attributed to any such place.
    pub share_of_clashes: f64,
    /// Index among the scenario's segments or sites.
    pub index: usize,
}

/// P(owner at the end) for one site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SiteEstimate {
    /// Site id.
    pub id: String,
    /// Owner at the start (faction id or `none`).
    pub owner_start: String,
    /// P(each owner at the end), most likely first; `none` for unowned.
    pub owner_end: Vec<(String, Proportion)>,
    /// P(the site changed hands at least once).
    pub changed_hands: Proportion,
}

/// Casualties and revenue of a faction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactionEstimate {
    /// Faction id.
    pub id: String,
    /// Personnel lost per run.
    pub casualties: Mean,
    /// Revenue per run.
    pub revenue: Mean,
}

/// Incursion incidents of a zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZoneEstimate {
    /// Zone id.
    pub id: String,
    /// P(at least one incursion incident).
    pub incident: Proportion,
    /// Expected incursion incidents per run.
    pub expected_incidents: f64,
}

/// All estimates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Estimates {
    /// Tracked pairs.
    pub pairs: Vec<PairEstimate>,
    /// Segments with any incident, by P(clash) descending.
    pub segment_hotspots: Vec<Hotspot>,
    /// Sites with any incident nearby, by P(clash) descending.
    pub site_hotspots: Vec<Hotspot>,
    /// Sites.
    pub sites: Vec<SiteEstimate>,
    /// Factions.
    pub factions: Vec<FactionEstimate>,
    /// Zones.
    pub zones: Vec<ZoneEstimate>,
}

/// Quantile levels reported for the time to first clash.
pub const QUANTILES: [f64; 5] = [0.1, 0.25, 0.5, 0.75, 0.9];

/// Derives every estimate.
pub fn estimate(th: &Theatre, st: &Stats) -> Estimates {
    let s = &th.scenario;
    let n = st.runs;
    let fid = |f: usize| s.factions[f].id.clone();
    let days = (s.horizon_hours / 24.0).ceil() as u32;
    let pairs = th
        .pairs
        .iter()
        .zip(&st.pairs)
        .map(|(&(a, b), ps)| {
            let mut by_day = Vec::new();
            let per_day = (24 / st.bin_hours.min(24)).max(1) as usize;
            let mut cum = 0u64;
            for d in 0..days as usize {
                let lo = d * per_day;
                let hi = ((d + 1) * per_day).min(ps.first_clash_bins.len());
                cum += ps
                    .first_clash_bins
                    .get(lo..hi)
                    .map_or(0, |x| x.iter().sum::<u64>());
                by_day.push(CurvePoint {
                    day: d as u32 + 1,
                    by: wilson(cum, n),
                });
            }
            PairEstimate {
                a: fid(a.index()),
                b: fid(b.index()),
                stance: s.relations.get(a, b).stance.as_str().to_string(),
                incident: wilson(ps.runs_incident, n),
                clash: wilson(ps.runs_clash, n),
                engagement: wilson(ps.runs_engagement, n),
                turned_hostile: wilson(ps.runs_hostile, n),
                hostile_at_end: wilson(ps.runs_hostile_end, n),
                expected_hostile_days: mean_interval(&ps.hostile_hours, n, FIXED * 24.0),
                punitive_strike: wilson(ps.runs_punitive_strike, n),
                expected_punitive_strikes: mean_interval(&ps.punitive_strikes, n, 1.0),
                expected_incidents: mean_interval(&ps.incidents, n, 1.0),
                expected_clashes: mean_interval(&ps.clashes, n, 1.0),
                expected_engagements: mean_interval(&ps.engagements, n, 1.0),
                first_clash: FirstClash {
                    by_day,
                    quantiles_days: QUANTILES
                        .iter()
                        .map(|&q| (q, quantile(&ps.first_clash_bins, n, q, st.bin_hours)))
                        .collect(),
                },
            }
        })
        .collect();
    let total_clashes: u64 = st.segments.iter().map(|x| x.clashes).sum::<u64>().max(1);
    let total_site_clashes: u64 = st.sites.iter().map(|x| x.clashes).sum::<u64>().max(1);
    let hot = |kind: &str, i: usize, id: String, name: String, at, p: &PlaceStats, total: u64| {
        let ll = unproject(s.origin, at);
        Hotspot {
            kind: kind.to_string(),
            id,
            name,
            lat: round6(ll.lat),
            lon: round6(ll.lon),
            clash: wilson(p.runs_clash, n),
            incident: wilson(p.runs_incident, n),
            share_of_clashes: p.clashes as f64 / total as f64,
            index: i,
        }
    };
    let mut segment_hotspots: Vec<Hotspot> = st
        .segments
        .iter()
        .enumerate()
        .filter(|(_, p)| p.runs_incident > 0)
        .map(|(i, p)| {
            let seg = &s.segments[i];
            let line = &s.contact_lines[seg.line];
            hot(
                "segment",
                i,
                format!("{}#{}", line.id, seg.index_in_line + 1),
                format!(
                    "{} segment {} of {}",
                    line.id,
                    seg.index_in_line + 1,
                    line.segment_count
                ),
                seg.midpoint(),
                p,
                total_clashes,
            )
        })
        .collect();
    let mut site_hotspots: Vec<Hotspot> = st
        .sites
        .iter()
        .enumerate()
        .filter(|(_, p)| p.runs_incident > 0)
        .map(|(i, p)| {
            let site = &s.sites[i];
            hot(
                "site",
                i,
                site.id.clone(),
                site.name.clone(),
                site.position,
                p,
                total_site_clashes,
            )
        })
        .collect();
    for h in [&mut segment_hotspots, &mut site_hotspots] {
        h.sort_by(|x, y| {
            y.clash
                .k
                .cmp(&x.clash.k)
                .then(y.incident.k.cmp(&x.incident.k))
                .then(x.index.cmp(&y.index))
        });
    }
    let nf = s.factions.len();
    let sites = s
        .sites
        .iter()
        .enumerate()
        .map(|(i, site)| {
            let mut owner_end: Vec<(String, Proportion)> = st.site_owner_end[i]
                .iter()
                .enumerate()
                .filter(|(_, k)| **k > 0)
                .map(|(f, &k)| {
                    let name = if f == nf { "none".to_string() } else { fid(f) };
                    (name, wilson(k, n))
                })
                .collect();
            owner_end.sort_by(|x, y| y.1.k.cmp(&x.1.k).then(x.0.cmp(&y.0)));
            SiteEstimate {
                id: site.id.clone(),
                owner_start: site.owner.map_or("none".into(), |f| fid(f.index())),
                owner_end,
                changed_hands: wilson(st.site_changed[i], n),
            }
        })
        .collect();
    let factions = (0..nf)
        .map(|f| FactionEstimate {
            id: fid(f),
            casualties: mean_interval(&st.casualties[f], n, FIXED),
            revenue: mean_interval(&st.revenue[f], n, FIXED),
        })
        .collect();
    let zones = s
        .zones
        .iter()
        .zip(&st.zones)
        .map(|(z, p)| ZoneEstimate {
            id: z.id.clone(),
            incident: wilson(p.runs_incident, n),
            expected_incidents: if n > 0 {
                p.incidents as f64 / n as f64
            } else {
                0.0
            },
        })
        .collect();
    Estimates {
        pairs,
        segment_hotspots,
        site_hotspots,
        sites,
        factions,
        zones,
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The q-quantile of the time to first event, in days, from a histogram of
/// `n` runs in bins of `bin_hours` (runs with no event lie beyond the last
/// bin). Linear within the bin that holds it; `None` beyond the horizon.
pub fn quantile(bins: &[u64], n: u64, q: f64, bin_hours: u32) -> Option<f64> {
    if n == 0 {
        return None;
    }
    let target = q * n as f64;
    let mut cum = 0u64;
    for (i, &k) in bins.iter().enumerate() {
        if k > 0 && (cum + k) as f64 >= target {
            let frac = ((target - cum as f64) / k as f64).clamp(0.0, 1.0);
            return Some((i as f64 + frac) * bin_hours as f64 / 24.0);
        }
        cum += k;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_a_worked_example() {
        // Wilson (1927) for 8/10 at 95 %: [0.4902, 0.9433] (standard tables).
        let w = wilson(8, 10);
        assert!(
            (w.lo - 0.4902).abs() < 1e-4 && (w.hi - 0.9433).abs() < 1e-4,
            "{w:?}"
        );
        let z = wilson(0, 100);
        assert_eq!(z.lo, 0.0);
        assert!((z.hi - 0.0370).abs() < 1e-4);
    }

    #[test]
    fn quantiles_of_a_histogram() {
        // 10 runs: 2 in hour 0, 3 in hour 24, 5 never.
        let mut bins = vec![0u64; 48];
        bins[0] = 2;
        bins[24] = 3;
        assert_eq!(quantile(&bins, 10, 0.1, 1), Some(0.5 / 24.0));
        assert_eq!(quantile(&bins, 10, 0.5, 1), Some(1.0 + 1.0 / 24.0));
        assert_eq!(quantile(&bins, 10, 0.6, 1), None);
    }

    #[test]
    fn mean_interval_from_moments() {
        // x = 1, 2, 3, 4: mean 2.5, s² = 5/3.
        let m = Moments {
            sum: 10,
            sum_sq: 30,
        };
        let e = mean_interval(&m, 4, 1.0);
        assert_eq!(e.mean, 2.5);
        assert!((e.sd - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }
}
