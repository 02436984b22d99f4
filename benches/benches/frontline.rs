//! Criterion benchmarks: one tick, one run, replication throughput, and
//! scaling with force count, spread along a line or clustered. `cargo bench -p frontline-benches`; see
//! docs/performance.md for the numbers and the machine.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use frontline_benches::{Cluster, clustered_theatre, line_theatre, reference};
use frontline_runner::replicate::Replicator;
use frontline_sim::world::Sim;

mod tick {
    use super::*;

    /// One tick of the reference scenario, averaged over ticks 100–700.
    pub fn reference_tick(c: &mut Criterion) {
        let mut sim = Sim::new(reference());
        c.bench_function("tick/reference", |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                let mut run = 0;
                for k in 0..iters {
                    // Time ticks 100..700 of successive runs.
                    if k % 600 == 0 {
                        run += 1;
                        sim.reset(1, run, false);
                        for _ in 0..100 {
                            sim.step();
                        }
                    }
                    let t = Instant::now();
                    sim.step();
                    total += t.elapsed();
                }
                total
            })
        });
    }

    /// One tick of generated theatres of 1k, 10k and 100k forces.
    pub fn scaling(c: &mut Criterion) {
        let mut g = c.benchmark_group("tick/line");
        g.sample_size(10).measurement_time(Duration::from_secs(10));
        for n in [1_000usize, 10_000, 100_000] {
            let th = line_theatre(n);
            let mut sim = Sim::new(Arc::clone(&th));
            sim.reset(1, 0, false);
            sim.step();
            g.throughput(Throughput::Elements(th.forces.len() as u64));
            g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
                b.iter(|| {
                    // Never tick past the horizon (ticks there last 0 h).
                    if sim.finished() {
                        sim.reset(1, 0, false);
                    }
                    sim.step()
                })
            });
        }
        g.finish();
    }

    /// One tick of generated theatres of 10k and 100k forces packed at one
    /// point (one faction) or in a 3 km disc (a mass of two allies, a few
    /// rivals and a few enemies): the densest cases for the spatial index,
    /// to set beside `tick/line` (the same counts spread along a line).
    pub fn clustered(c: &mut Criterion) {
        let mut g = c.benchmark_group("tick/clustered");
        g.sample_size(10).measurement_time(Duration::from_secs(10));
        for (kind, name) in [(Cluster::Point, "point"), (Cluster::Mixed, "mixed")] {
            for n in [10_000usize, 100_000] {
                let th = clustered_theatre(n, kind);
                let mut sim = Sim::new(Arc::clone(&th));
                sim.reset(1, 0, false);
                sim.step();
                g.throughput(Throughput::Elements(th.forces.len() as u64));
                g.bench_with_input(BenchmarkId::new(name, n), &n, |b, _| {
                    b.iter(|| {
                        if sim.finished() {
                            sim.reset(1, 0, false);
                        }
                        sim.step()
                    })
                });
            }
        }
        g.finish();
    }
}

mod run {
    use super::*;

    /// One whole run of the reference scenario (30 days, hourly).
    pub fn reference_run(c: &mut Criterion) {
        let mut sim = Sim::new(reference());
        let mut i = 0;
        c.bench_function("run/reference", |b| {
            b.iter(|| {
                i += 1;
                sim.run(1, i, false)
            })
        });
    }

    /// Replication throughput of 1,000 runs on 1 and 2 threads.
    pub fn throughput(c: &mut Criterion) {
        let th = reference();
        let mut g = c.benchmark_group("replicate/reference");
        g.sample_size(10).throughput(Throughput::Elements(1000));
        for threads in [1usize, 2] {
            let rep = Replicator::new(Arc::clone(&th), threads).unwrap();
            let stop = AtomicBool::new(false);
            g.bench_with_input(BenchmarkId::new("threads", threads), &threads, |b, _| {
                b.iter(|| rep.run(1, 0..1000, None, &|_| {}, &stop).unwrap())
            });
        }
        g.finish();
    }
}

criterion_group!(
    benches,
    tick::reference_tick,
    run::reference_run,
    run::throughput,
    tick::scaling,
    tick::clustered
);
criterion_main!(benches);
