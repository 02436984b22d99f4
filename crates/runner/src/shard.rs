//! Scale-out: `run --shard k/n` writes a partial result of exact sufficient
//! statistics; [`merge_parts`] (`frontline merge`) checks that the parts belong together and
//! combines them into the result a single `frontline run` would give, byte
//! for byte.
//!
//! Shard `k` of `n` (0-based, as Slurm's `SLURM_ARRAY_TASK_ID` and
//! Kubernetes' `JOB_COMPLETION_INDEX` count) plays runs
//! `⌊k·R/n⌋ .. ⌊(k+1)·R/n⌋` of the R requested. Its statistics are integers,
//! so their sum does not depend on how the runs were split.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use anyhow::Context;
use frontline_sim::scenario::{RawScenario, Scenario};
use frontline_sim::theatre::Theatre;
use serde::{Deserialize, Serialize};

use crate::load::{Loaded, content_hash};
use crate::replicate::MAX_RUNS;
use crate::result::{Engine, ResultDoc, ScenarioInfo};
use crate::stats::Stats;

/// Schema tag of partial results.
pub const PARTIAL_SCHEMA: &str = "frontline.partial/1";

/// Most shards one set of runs can be split into.
pub const MAX_SHARDS: u64 = 1_000_000;

/// `k/n`: shard k (0-based) of n.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// This shard, 0-based.
    pub index: u64,
    /// Number of shards.
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("expected `k/n` (shard k of n, 0-based), found `{s}`"))?;
        let index: u64 = k
            .trim()
            .parse()
            .map_err(|_| format!("`{k}` is not a shard number"))?;
        let count: u64 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a shard count"))?;
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "the shard count must be in [1, {MAX_SHARDS}], found `{count}`"
            ));
        }
        if index >= count {
            return Err(format!(
                "shard {index} does not exist: shards are numbered 0 to {}",
                count - 1
            ));
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The run indices of this shard out of `runs`.
    pub fn range(&self, runs: u64) -> std::ops::Range<u64> {
        let at = |k: u64| ((k as u128 * runs as u128) / self.count as u128) as u64;
        at(self.index)..at(self.index + 1)
    }
}

/// A partial result: one shard's exact statistics and what identifies them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartialDoc {
    /// [`PARTIAL_SCHEMA`].
    pub schema: String,
    /// Engine and version.
    pub engine: Engine,
    /// Scenario (name, source, hash, overrides, …).
    pub scenario: ScenarioInfo,
    /// The scenario itself (canonical raw form, after overrides), so that
    /// the merge can rebuild the estimates without the file.
    pub raw_scenario: RawScenario,
    /// Master seed.
    pub seed: u64,
    /// Runs of the whole study.
    pub total_runs: u64,
    /// Which shard.
    pub shard: Shard,
    /// First run index of this shard.
    pub first_run: u64,
    /// One past its last run index.
    pub end_run: u64,
    /// The shard's exact statistics.
    pub statistics: Stats,
}

impl PartialDoc {
    /// The partial document of a shard.
    pub fn new(
        loaded: &Loaded,
        result_info: ScenarioInfo,
        seed: u64,
        total_runs: u64,
        shard: Shard,
        stats: Stats,
    ) -> Self {
        let r = shard.range(total_runs);
        Self {
            schema: PARTIAL_SCHEMA.into(),
            engine: Engine::current(),
            scenario: result_info,
            raw_scenario: loaded.raw.clone(),
            seed,
            total_runs,
            shard,
            first_run: r.start,
            end_run: r.end,
            statistics: stats,
        }
    }
}

/// Checks that the parts belong together and merges them.
pub fn merge_parts(parts: &[PartialDoc]) -> anyhow::Result<ResultDoc> {
    let first = parts.first().context("no parts to merge")?;
    for p in parts {
        let mismatch = |what: &str, a: String, b: String| {
            anyhow::anyhow!(
                "shard {} does not belong with shard {}: {what} differs (`{a}` vs `{b}`)",
                p.shard,
                first.shard,
            )
        };
        if p.scenario.hash != first.scenario.hash {
            return Err(mismatch(
                "scenario hash",
                p.scenario.hash.clone(),
                first.scenario.hash.clone(),
            ));
        }
        if p.seed != first.seed {
            return Err(mismatch("seed", p.seed.to_string(), first.seed.to_string()));
        }
        if p.engine != first.engine {
            return Err(mismatch(
                "engine version",
                p.engine.version.clone(),
                first.engine.version.clone(),
            ));
        }
        if p.total_runs != first.total_runs {
            return Err(mismatch(
                "total runs",
                p.total_runs.to_string(),
                first.total_runs.to_string(),
            ));
        }
        if p.shard.count != first.shard.count {
            return Err(mismatch(
                "shard count",
                p.shard.count.to_string(),
                first.shard.count.to_string(),
            ));
        }
        if p.scenario.source != first.scenario.source {
            return Err(mismatch(
                "scenario source",
                p.scenario.source.clone(),
                first.scenario.source.clone(),
            ));
        }
        if p.scenario.overrides != first.scenario.overrides {
            return Err(mismatch(
                "overrides",
                p.scenario.overrides.join(" "),
                first.scenario.overrides.join(" "),
            ));
        }
        if p.scenario != first.scenario {
            return Err(mismatch(
                "scenario description",
                format!("{:?}", p.scenario),
                format!("{:?}", first.scenario),
            ));
        }
        // A partial file is input like any other: its numbers are checked
        // before they size anything.
        anyhow::ensure!(
            p.shard.count >= 1 && p.shard.count <= MAX_SHARDS && p.shard.index < p.shard.count,
            "shard {} is not a valid shard (0 ≤ k < n ≤ {MAX_SHARDS})",
            p.shard
        );
        anyhow::ensure!(
            (1..=MAX_RUNS).contains(&p.total_runs),
            "shard {} claims {} runs in all; at most {MAX_RUNS} are supported",
            p.shard,
            p.total_runs
        );
        let r = p.shard.range(p.total_runs);
        anyhow::ensure!(
            (p.first_run, p.end_run) == (r.start, r.end) && p.statistics.runs == r.end - r.start,
            "shard {} claims runs {}..{} with {} runs of statistics; shard {} of {} runs should hold {}..{}",
            p.shard,
            p.first_run,
            p.end_run,
            p.statistics.runs,
            p.shard,
            p.total_runs,
            r.start,
            r.end
        );
    }
    let n = first.shard.count;
    let mut seen = vec![false; n as usize];
    for p in parts {
        anyhow::ensure!(
            !seen[p.shard.index as usize],
            "shard {} is given twice",
            p.shard
        );
        seen[p.shard.index as usize] = true;
    }
    let missing: Vec<String> = seen
        .iter()
        .enumerate()
        .filter(|(_, s)| !**s)
        .map(|(k, _)| k.to_string())
        .collect();
    anyhow::ensure!(
        missing.is_empty(),
        "{} of {n} shards missing: {} (re-run them with `--shard K/{n}`)",
        missing.len(),
        missing.join(", ")
    );
    let raw = first.raw_scenario.clone();
    let hash = content_hash(&raw);
    anyhow::ensure!(
        hash == first.scenario.hash,
        "the scenario in shard {} does not match its recorded hash",
        first.shard
    );
    let scenario = Scenario::try_from(&raw)
        .map_err(|e| anyhow::anyhow!("the embedded scenario is invalid: {e}"))?;
    let theatre = Arc::new(Theatre::new(scenario.clone()));
    let mut stats = Stats::new(&theatre);
    let mut sorted: Vec<&PartialDoc> = parts.iter().collect();
    sorted.sort_by_key(|p| p.shard.index);
    for p in sorted {
        anyhow::ensure!(
            p.statistics.same_shape(&stats),
            "shard {} has statistics of another shape than its scenario's",
            p.shard
        );
        p.statistics
            .check_counts()
            .map_err(|e| anyhow::anyhow!("shard {}: {e}", p.shard))?;
        stats.merge(&p.statistics);
    }
    let loaded = Loaded {
        source: first.scenario.source.clone(),
        raw,
        scenario,
        hash,
    };
    Ok(ResultDoc::new(
        &loaded,
        &theatre,
        &first.scenario.overrides,
        first.seed,
        stats,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_tile_the_runs() {
        for (runs, n) in [(10u64, 3u64), (1000, 7), (5, 8), (1, 1)] {
            let mut next = 0;
            for k in 0..n {
                let r = Shard { index: k, count: n }.range(runs);
                assert_eq!(r.start, next);
                next = r.end;
            }
            assert_eq!(next, runs);
        }
        assert!("3/3".parse::<Shard>().is_err());
        assert!("0/0".parse::<Shard>().is_err());
        assert_eq!(
            "2/5".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 5 }
        );
    }
}
