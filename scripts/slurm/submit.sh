#!/usr/bin/env bash
# Submit a frontline study to Slurm: a job array of N shards and a merge job
# that runs when all of them have succeeded. Prints the two job ids.
#
#   scripts/slurm/submit.sh [-s SCENARIO] -r RUNS -n SHARDS [-S SEED] [-o RESULT] [-p PARTS_DIR] [-c CPUS]
#
# Example: 10^8 runs in 1000 shards of 10^5 runs, 2 CPUs each:
#   scripts/slurm/submit.sh -r 100000000 -n 1000 -c 2 -o study.json
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scenario="" runs="" shards="" seed=1 result="result.json" parts="" cpus=1
while getopts "s:r:n:S:o:p:c:" opt; do
  case "$opt" in
    s) scenario="$OPTARG" ;; r) runs="$OPTARG" ;; n) shards="$OPTARG" ;;
    S) seed="$OPTARG" ;; o) result="$OPTARG" ;; p) parts="$OPTARG" ;; c) cpus="$OPTARG" ;;
    *) echo "usage: $0 [-s SCENARIO] -r RUNS -n SHARDS [-S SEED] [-o RESULT] [-p PARTS] [-c CPUS]" >&2; exit 2 ;;
  esac
done
[ -n "$runs" ] && [ -n "$shards" ] || { echo "$0: -r RUNS and -n SHARDS are required" >&2; exit 2; }
parts="${parts:-$(pwd)/parts}"
mkdir -p "$parts"
parts="$(cd "$parts" && pwd)"
FRONTLINE="${FRONTLINE:-$(command -v frontline || true)}"
[ -n "$FRONTLINE" ] && [ -x "$FRONTLINE" ] || {
  echo "$0: no frontline binary: put it on PATH or set FRONTLINE" >&2; exit 2; }
result_dir="$(dirname "$result")"
[ -d "$result_dir" ] || { echo "$0: the directory of -o $result does not exist" >&2; exit 2; }
RESULT="$(cd "$result_dir" && pwd)/$(basename "$result")"
if compgen -G "$parts/part-*.json" >/dev/null; then
  echo "$0: $parts already holds parts of another study; give each study its own -p" >&2
  exit 2
fi
export FRONTLINE RESULT SCENARIO="$scenario" RUNS="$runs" SEED="$seed" SHARDS="$shards" PARTS="$parts"
array=$(sbatch --parsable --array="0-$((shards - 1))" --cpus-per-task="$cpus" \
  --export=ALL "$here/frontline-shard.sbatch")
array="${array%%;*}"
merge=$(sbatch --parsable --dependency="afterok:$array" --export=ALL "$here/frontline-merge.sbatch")
echo "$array $merge"
