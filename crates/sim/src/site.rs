//! Phase 5: site control, output and competition.
//!
//! A site changes hands when no living, unbroken ground force of its owner
//! (or of the owner's allies) is within its capture radius — its garrison,
//! a force like any other, included — and at least one such force of a
//! faction hostile to the owner is (any faction, for an unowned site). If
//! several capturing factions are present, the one with the most personnel
//! inside the radius takes it (ties to the lower faction index). Each tick the
//! owner earns `output_per_day × Δt / 24`. Two factions whose stance has
//! friction (cooperative, neutral or rival) with forces advancing on the
//! same site are *competing* for it; the friction phase raises the hazard of
//! their contacts (see [`crate::friction`]).

use bevy_ecs::prelude::*;

use crate::events::sorted;
use crate::force::ForceTable;
use crate::metrics::{Clock, LogEvent, Metrics, OwnerChange};
use crate::neighbours::Neighbours;
use crate::relation::RelationMatrix;
use crate::scenario::{Domain, FactionId, Stance};
use crate::theatre::Theatre;

/// Stable index of a site in the scenario.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct SiteIndex(pub u32);

/// Who holds a site.
#[derive(Component, Debug, Clone, Copy)]
pub struct Control {
    /// Current owner.
    pub owner: Option<FactionId>,
}

/// Sites that two factions with a friction stance (cooperative, neutral or
/// rival) are both advancing on, this tick.
#[derive(Resource, Debug, Clone, Default)]
pub struct Competition {
    /// (site, faction a, faction b) with a < b, sorted.
    pub contests: Vec<(u32, [u16; 2])>,
    /// The force table's status count and the relations' revision the
    /// contests were found for: they depend on nothing else.
    found_for: Option<(u64, u64)>,
}

/// Buffers of the site phase, reused from tick to tick.
#[derive(Debug, Default)]
pub struct SiteScratch {
    /// Strength present per faction on the site at hand.
    present: Vec<f64>,
    /// The factions with forces on the site at hand, in the order met.
    factions: Vec<usize>,
    /// Whether each site was left as it was the last time it was looked
    /// at (no capture); false for a site not looked at yet.
    settled: Vec<bool>,
    /// (the tick after, list builds, the force table's status count, the
    /// relations' revision) when they were.
    settled_for: Option<(u64, u32, u64, u64)>,
    /// (site, faction) of the forces advancing on a site.
    heading: Vec<(u32, u16)>,
}

/// The site components the site phase changes.
pub type SiteQuery<'w, 's> = Query<'w, 's, (&'static SiteIndex, &'static mut Control)>;

/// Updates ownership, revenue and competition.
#[allow(clippy::too_many_arguments)]
pub fn update_sites(
    theatre: &Theatre,
    clock: &Clock,
    relations: &RelationMatrix,
    table: &ForceTable,
    near: &Neighbours,
    competition: &mut Competition,
    metrics: &mut Metrics,
    mut sites: SiteQuery,
    scratch: &mut SiteScratch,
) {
    let sites_spec = &theatre.scenario.sites;
    let nf = theatre.n_factions();
    let hours = clock.hours() + clock.dt_hours;
    let SiteScratch {
        present,
        factions,
        settled,
        settled_for,
        heading,
    } = scratch;
    // All zero between sites: only the factions on a site are written, and
    // zeroed again after it.
    present.resize(nf, 0.0);
    // Which factions are on a site, hence whether it is captured, depends
    // only on which living, unbroken forces of its list are within its
    // radius, and on the stances. A site left as it was is so again while
    // no force has died, broken or been copied afresh, the lists have not
    // been built again, the relations have not changed and no force of its
    // list has moved, from one tick to the next of the same run.
    let now = (near.builds, table.status, relations.revision());
    let tick = clock.tick as u64;
    if *settled_for != Some((tick, now.0, now.1, now.2)) {
        settled.clear();
    }
    *settled_for = Some((tick + 1, now.0, now.1, now.2));
    settled.resize(sites_spec.len(), false);
    for &k in &table.moved {
        for &site in near.sites_of(k) {
            settled[site as usize] = false;
        }
    }
    for (idx, mut control) in &mut sites {
        let spec = &sites_spec[idx.0 as usize];
        let site = idx.0 as usize;
        if settled[site] {
            if let Some(o) = control.owner {
                metrics.outcome.revenue[o.index()] += spec.output_per_day * clock.dt_hours / 24.0;
            }
            continue;
        }
        settled[site] = true;
        near.for_each_near_site(
            table,
            site,
            spec.position,
            spec.capture_radius_km,
            |j, _| {
                let r = &table.rows[j as usize];
                if !r.broken && r.domain == Domain::Ground {
                    // The scan passes living forces only: a faction's sum
                    // is positive from its first force on.
                    let f = r.faction.index();
                    if present[f] == 0.0 {
                        factions.push(f);
                    }
                    present[f] += r.strength;
                }
            },
        );
        // A site nobody is on keeps its owner.
        let owner = control.owner;
        if !factions.is_empty() {
            let defended = owner.is_some_and(|o| {
                factions
                    .iter()
                    .any(|&f| relations.stance(o, FactionId(f as u16)) == Stance::Allied)
            });
            if !defended {
                // The most personnel; ties to the lower faction index.
                let mut best: Option<(f64, usize)> = None;
                for &f in factions.iter() {
                    let s = present[f];
                    let may_capture = match owner {
                        Some(o) => relations.hostile(o, FactionId(f as u16)),
                        None => true,
                    };
                    if may_capture && best.is_none_or(|(bs, bf)| s > bs || (s == bs && f < bf)) {
                        best = Some((s, f));
                    }
                }
                if let Some((_, f)) = best {
                    let new = Some(FactionId(f as u16));
                    control.owner = new;
                    // Looked at again next tick, with its new owner (who is
                    // on it, so it settles then).
                    settled[site] = false;
                    let site = idx.0;
                    let o = &mut metrics.outcome;
                    o.site_owner_end[site as usize] = new.map(|x| x.0);
                    o.owner_changes.push(OwnerChange {
                        hours,
                        site,
                        owner: new.map(|x| x.0),
                    });
                    metrics.push(|| LogEvent::Capture {
                        hours,
                        site,
                        from: owner.map(|x| x.0),
                        to: new.map(|x| x.0),
                    });
                }
            }
            for &f in factions.iter() {
                present[f] = 0.0;
            }
            factions.clear();
        }
        if let Some(o) = control.owner {
            metrics.outcome.revenue[o.index()] += spec.output_per_day * clock.dt_hours / 24.0;
        }
    }
    // Competition: factions advancing on each site (alive, unbroken forces'
    // objectives, and stances), found again only when those may have
    // changed.
    let found_for = Some((table.status, relations.revision()));
    if competition.found_for == found_for {
        return;
    }
    competition.found_for = found_for;
    competition.contests.clear();
    heading.clear();
    heading.extend(
        table
            .rows
            .iter()
            .filter(|r| r.alive() && !r.broken)
            .filter_map(|r| r.objective_site.map(|s| (s, r.faction.0))),
    );
    heading.sort_unstable();
    heading.dedup();
    for (i, &(s, a)) in heading.iter().enumerate() {
        for &(s2, b) in &heading[i + 1..] {
            if s2 != s {
                break;
            }
            if relations.stance(FactionId(a), FactionId(b)).has_friction() {
                competition.contests.push((s, sorted(a, b)));
            }
        }
    }
}
