//! Parallel replication: runs in chunks on a rayon pool, statistics merged
//! exactly, per-run rows streamed in run order.
//!
//! Run `i` of master seed `s` always uses the random streams of (s, i) (see
//! `frontline_sim::rng`), whichever thread plays it. Runs are grouped in
//! chunks of [`CHUNK`]; chunks are processed a batch at a time, and within a
//! batch in parallel. Each worker takes a [`Sim`] from a pool and resets it
//! between runs. Because [`Stats`] merge by integer addition, the result
//! depends only on the scenario, the seed and the set of run indices.

use std::ops::Range;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use frontline_sim::metrics::Outcome;
use frontline_sim::theatre::Theatre;
use frontline_sim::world::Sim;
use rayon::prelude::*;

use crate::stats::Stats;

/// Runs per chunk.
pub const CHUNK: u64 = 64;

/// Chunks per batch per thread.
const BATCH_CHUNKS_PER_THREAD: u64 = 8;

/// What to do with each run besides counting it.
pub trait RunSink: Send {
    /// Receives the outcomes of consecutive runs, in run order.
    fn accept(&mut self, first_run: u64, outcomes: &[Outcome]) -> anyhow::Result<()>;
}

/// Drives replications of one theatre.
pub struct Replicator {
    theatre: Arc<Theatre>,
    pool: rayon::ThreadPool,
    sims: Mutex<Vec<Sim>>,
    threads: usize,
}

/// How a replication ended.
#[derive(Debug)]
pub enum Finish {
    /// All requested runs were played.
    Complete(Stats),
    /// Stopped by the flag; the statistics cover runs `0..runs_done` of the range.
    Interrupted {
        /// Runs completed, from the start of the range.
        runs_done: u64,
    },
}

impl Replicator {
    /// A replicator on `threads` threads.
    pub fn new(theatre: Arc<Theatre>, threads: usize) -> anyhow::Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("frontline-worker-{i}"))
            .build()?;
        Ok(Self {
            theatre,
            pool,
            sims: Mutex::new(Vec::new()),
            threads,
        })
    }

    /// The theatre.
    pub fn theatre(&self) -> &Arc<Theatre> {
        &self.theatre
    }

    fn take_sim(&self) -> Sim {
        let popped = self.sims.lock().expect("sim pool").pop();
        popped.unwrap_or_else(|| Sim::new(Arc::clone(&self.theatre)))
    }

    fn put_sim(&self, sim: Sim) {
        self.sims.lock().expect("sim pool").push(sim);
    }

    /// Plays the runs in `range` of master seed `seed` and returns their
    /// statistics. `rows` (if any) receives every outcome in run order;
    /// `progress` is told how many runs completed after each batch; `stop`
    /// is checked between runs.
    pub fn run(
        &self,
        seed: u64,
        range: Range<u64>,
        mut rows: Option<&mut dyn RunSink>,
        progress: &(dyn Fn(u64) + Sync),
        stop: &AtomicBool,
    ) -> anyhow::Result<Finish> {
        let mut stats = Stats::new(&self.theatre);
        let keep = rows.is_some();
        let batch_runs = CHUNK * BATCH_CHUNKS_PER_THREAD * self.threads as u64;
        let mut start = range.start;
        while start < range.end {
            let end = (start + batch_runs).min(range.end);
            let chunks: Vec<Range<u64>> = (start..end)
                .step_by(CHUNK as usize)
                .map(|c| c..(c + CHUNK).min(end))
                .collect();
            let results: Vec<Option<(Stats, Vec<Outcome>)>> = self.pool.install(|| {
                chunks
                    .par_iter()
                    .map(|r| self.chunk(seed, r.clone(), keep, stop))
                    .collect()
            });
            if results.iter().any(Option::is_none) {
                // Count the complete prefix of chunks.
                let done: u64 = results
                    .iter()
                    .zip(&chunks)
                    .take_while(|(r, _)| r.is_some())
                    .map(|(_, c)| c.end - c.start)
                    .sum();
                return Ok(Finish::Interrupted {
                    runs_done: start - range.start + done,
                });
            }
            for (res, c) in results.into_iter().zip(&chunks) {
                let (s, outs) = res.expect("checked above");
                stats.merge(&s);
                if let Some(sink) = rows.as_deref_mut() {
                    sink.accept(c.start, &outs)?;
                }
            }
            progress(end - range.start);
            start = end;
        }
        Ok(Finish::Complete(stats))
    }

    fn chunk(
        &self,
        seed: u64,
        runs: Range<u64>,
        keep: bool,
        stop: &AtomicBool,
    ) -> Option<(Stats, Vec<Outcome>)> {
        let mut sim = self.take_sim();
        let mut stats = Stats::new(&self.theatre);
        let mut outs = Vec::new();
        for run in runs {
            if stop.load(Ordering::Relaxed) {
                self.put_sim(sim);
                return None;
            }
            let o = sim.run(seed, run, false);
            stats.add(&o);
            if keep {
                outs.push(o);
            }
        }
        self.put_sim(sim);
        Some((stats, outs))
    }
}

/// Plays one run alone (for replay and tests).
pub fn replay(theatre: &Arc<Theatre>, seed: u64, run: u64, log: bool) -> Outcome {
    Sim::new(Arc::clone(theatre)).run(seed, run, log)
}
