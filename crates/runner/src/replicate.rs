//! Parallel replication: runs in chunks on a rayon pool, statistics merged
//! exactly, per-run results consumed in run order.
//!
//! Run `i` of master seed `s` always uses the random streams of (s, i) (see
//! `frontline_sim::rng`), whichever thread plays it. Runs are grouped in
//! chunks of [`CHUNK`]; chunks are processed a batch at a time, in parallel
//! within a batch, and handed on in chunk order. Each worker takes a set of
//! [`Sim`]s (one per *arm*: one scenario, or the two sides of a comparison)
//! from a pool and resets them between runs. Because the statistics merge by
//! integer addition, the result depends only on the scenarios, the seed and
//! the set of run indices, never on the thread count or the scheduling.

use std::ops::Range;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use frontline_sim::metrics::Outcome;
use frontline_sim::series::{Every, Series};
use frontline_sim::theatre::Theatre;
use frontline_sim::world::Sim;
use rayon::prelude::*;

use crate::stats::Stats;

/// Largest `--runs` or `--max-runs` accepted on one machine.
pub const MAX_RUNS: u64 = 1_000_000_000;

/// The default number of worker threads: all cores.
pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Runs per chunk.
pub const CHUNK: u64 = 64;

/// Chunks per batch per thread.
const BATCH_CHUNKS_PER_THREAD: u64 = 8;

/// What to do with each run besides counting it.
pub trait RunSink: Send {
    /// Receives the outcomes of consecutive runs, in run order.
    fn accept(&mut self, first_run: u64, outcomes: &[Outcome]) -> anyhow::Result<()>;
}

/// What to do with each run's time series (`run --series`).
pub trait SeriesSink: Send {
    /// Receives the series of consecutive runs, in run order.
    fn accept(&mut self, first_run: u64, series: &[Series]) -> anyhow::Result<()>;
}

/// Drives replications of one or more arms (theatres) in lockstep.
pub struct Replicator {
    arms: Vec<Arc<Theatre>>,
    pool: rayon::ThreadPool,
    sims: Mutex<Vec<Vec<Sim>>>,
    threads: usize,
}

/// How a replication ended.
#[derive(Debug)]
pub enum Finish<T = Stats> {
    /// All requested runs were played.
    Complete(T),
    /// Stopped by the flag.
    Interrupted {
        /// Runs completed, from the start of the range.
        runs_done: u64,
    },
}

impl Replicator {
    /// A replicator of one theatre on `threads` threads.
    pub fn new(theatre: Arc<Theatre>, threads: usize) -> anyhow::Result<Self> {
        Self::with_arms(vec![theatre], threads)
    }

    /// A replicator that plays run `i` of every arm together.
    pub fn with_arms(arms: Vec<Arc<Theatre>>, threads: usize) -> anyhow::Result<Self> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("frontline-worker-{i}"))
            .build()?;
        Ok(Self {
            arms,
            pool,
            sims: Mutex::new(Vec::new()),
            threads,
        })
    }

    /// The theatre of the first arm.
    pub fn theatre(&self) -> &Arc<Theatre> {
        &self.arms[0]
    }

    fn take_sims(&self) -> Vec<Sim> {
        let popped = self.sims.lock().expect("sim pool").pop();
        popped.unwrap_or_else(|| self.arms.iter().map(|t| Sim::new(Arc::clone(t))).collect())
    }

    fn put_sims(&self, sims: Vec<Sim>) {
        self.sims.lock().expect("sim pool").push(sims);
    }

    /// The general driver: `each(sims, run, acc)` plays run `run` on the
    /// arms' sims and accumulates into the chunk's `acc` (made by `init`);
    /// `consume(first_run, acc)` receives the chunks in run order. Returns
    /// `Some(runs_done)` when stopped by `stop`.
    pub fn drive<T, F, G>(
        &self,
        range: Range<u64>,
        progress: &(dyn Fn(u64) + Sync),
        stop: &AtomicBool,
        init: &(dyn Fn() -> T + Sync),
        each: &F,
        mut consume: G,
    ) -> anyhow::Result<Option<u64>>
    where
        T: Send,
        F: Fn(&mut [Sim], u64, &mut T) + Sync,
        G: FnMut(u64, T) -> anyhow::Result<()>,
    {
        let batch_runs = CHUNK * BATCH_CHUNKS_PER_THREAD * self.threads as u64;
        let mut start = range.start;
        while start < range.end {
            let end = (start + batch_runs).min(range.end);
            let chunks: Vec<Range<u64>> = (start..end)
                .step_by(CHUNK as usize)
                .map(|c| c..(c + CHUNK).min(end))
                .collect();
            let results: Vec<Option<T>> = self.pool.install(|| {
                chunks
                    .par_iter()
                    .map(|r| {
                        let mut sims = self.take_sims();
                        let mut acc = init();
                        for run in r.clone() {
                            if stop.load(Ordering::Relaxed) {
                                self.put_sims(sims);
                                return None;
                            }
                            each(&mut sims, run, &mut acc);
                        }
                        self.put_sims(sims);
                        Some(acc)
                    })
                    .collect()
            });
            if results.iter().any(Option::is_none) {
                let done: u64 = results
                    .iter()
                    .zip(&chunks)
                    .take_while(|(r, _)| r.is_some())
                    .map(|(_, c)| c.end - c.start)
                    .sum();
                return Ok(Some(start - range.start + done));
            }
            for (acc, c) in results.into_iter().zip(&chunks) {
                consume(c.start, acc.expect("checked above"))?;
            }
            progress(end - range.start);
            start = end;
        }
        Ok(None)
    }

    /// Plays the runs in `range` of master seed `seed` on the first arm and
    /// returns their statistics. `rows` (if any) receives every outcome in
    /// run order; `progress` is told how many runs completed after each
    /// batch; `stop` is checked between runs.
    pub fn run(
        &self,
        seed: u64,
        range: Range<u64>,
        rows: Option<&mut dyn RunSink>,
        progress: &(dyn Fn(u64) + Sync),
        stop: &AtomicBool,
    ) -> anyhow::Result<Finish> {
        self.run_with(seed, range, rows, None, progress, stop)
    }

    /// [`Replicator::run`], and with `series` each run's time series,
    /// sampled as it says, handed to its sink in run order. Sampling does
    /// not change the runs (`Sim::run_series`).
    pub fn run_with(
        &self,
        seed: u64,
        range: Range<u64>,
        mut rows: Option<&mut dyn RunSink>,
        mut series: Option<(Every, &mut dyn SeriesSink)>,
        progress: &(dyn Fn(u64) + Sync),
        stop: &AtomicBool,
    ) -> anyhow::Result<Finish> {
        let th = Arc::clone(&self.arms[0]);
        let keep = rows.is_some();
        let every = series.as_ref().map(|(e, _)| *e);
        let mut stats = Stats::new(&th);
        let init = || (Stats::new(&th), Vec::new(), Vec::new());
        let each = |sims: &mut [Sim], run: u64, acc: &mut (Stats, Vec<Outcome>, Vec<Series>)| {
            let o = match every {
                None => sims[0].run(seed, run, false),
                Some(every) => {
                    let (o, s) = sims[0].run_series(seed, run, false, every);
                    acc.2.push(s);
                    o
                }
            };
            acc.0.add(&o);
            if keep {
                acc.1.push(o);
            }
        };
        let stopped = self.drive(
            range,
            progress,
            stop,
            &init,
            &each,
            |first, (s, outs, ss)| {
                stats.merge(&s);
                if let Some(sink) = rows.as_deref_mut() {
                    sink.accept(first, &outs)?;
                }
                if let Some((_, sink)) = series.as_mut() {
                    sink.accept(first, &ss)?;
                }
                Ok(())
            },
        )?;
        Ok(match stopped {
            Some(runs_done) => Finish::Interrupted { runs_done },
            None => Finish::Complete(stats),
        })
    }
}

/// Plays one run alone (for replay and tests).
pub fn replay(theatre: &Arc<Theatre>, seed: u64, run: u64, log: bool) -> Outcome {
    Sim::new(Arc::clone(theatre)).run(seed, run, log)
}

/// Plays one run alone and samples its time series (for `trace --series`).
pub fn replay_series(theatre: &Arc<Theatre>, seed: u64, run: u64, every: Every) -> Series {
    Sim::new(Arc::clone(theatre))
        .run_series(seed, run, false, every)
        .1
}
