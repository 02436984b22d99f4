#!/usr/bin/env bash
# Writes the outputs that an optimisation must leave bit-identical into DIR,
# to compare before and after a change with `diff -r`:
#
#   scripts/perf/outputs.sh /tmp/before      # on the old build
#   scripts/perf/outputs.sh /tmp/after       # on the new build
#   diff -r /tmp/before /tmp/after && echo same bits
#
# The JSON of 300 runs of the three example scenarios, stochastic and
# mean-field; four traces; 8 runs and a trace of the 2,000-force line theatre
# of the benchmarks. Builds the release binary and the theatre first.
set -euo pipefail
out=${1:?usage: outputs.sh DIR}
cd "$(dirname "$0")/../.."
mkdir -p "$out"
cargo build --release -q -p frontline-runner
# One fixed path for the theatre: result files name their scenario file.
line=target/perf/line2000.toml
mkdir -p target/perf
cargo run --release -q -p frontline-benches --example line_theatre -- 2000 > "$line"
f=target/release/frontline
for s in "" scenarios/two-faction-line.toml scenarios/zone-incursion.toml; do
  n=$(basename "${s:-reference}" .toml)
  $f run $s --runs 300 -q --format json --out "$out/$n.json" >/dev/null
  $f run $s --runs 300 -q --set model.combat.mode=mean_field --format json --out "$out/$n-mf.json" >/dev/null
done
for r in 0 1 7; do
  $f trace --seed 3 --run $r --format jsonl > "$out/trace$r.jsonl"
done
$f trace scenarios/zone-incursion.toml --seed 5 --run 2 --format jsonl > "$out/trace-zone.jsonl"
$f run "$line" --runs 8 -q --format json --out "$out/line.json" >/dev/null
$f run "$line" --runs 8 -q --set model.combat.mode=mean_field --format json --out "$out/line-mf.json" >/dev/null
$f trace "$line" --seed 2 --run 1 --format jsonl > "$out/trace-line.jsonl"
