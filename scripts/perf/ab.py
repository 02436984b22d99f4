#!/usr/bin/env python3
"""Time two builds of frontline against each other on a noisy machine.

    scripts/perf/ab.py OLD_BINARY NEW_BINARY [RUNS] [PAIRS]

Runs `run --runs RUNS -j 1 -q` on the reference scenario with each binary
back to back, pinned to core 1, PAIRS times (default 100 runs, 200 pairs;
the order alternates from pair to pair), and prints the median of the
per-pair time ratios new/old with a distribution-free 95 % confidence
interval (order statistics of the ratios), their quartiles, and the ratio
of the total times.

On this project's virtual machine the same binary's speed changes by 10-40 %
from one hour to the next and by several per cent from one second to the
next. The two runs of a pair are a fraction of a second apart, so the
ratio cancels the slow part of the drift; the median of many ratios then
resolves about 1.5 % with 200 pairs (about a minute). The minimum of a few
long runs, which this script reported before, does not: on 2 December 2026
a binary against itself gave a ratio of minima of 0.979 (docs/performance.md,
"Paired time ratios"). For any two commands, see pair.py.
"""
import subprocess
import sys
import time

from paired import alternate, summary


def run(binary: str, runs: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        ["taskset", "-c", "1", binary, "run", "--runs", runs, "-j", "1", "-q"],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    old, new = sys.argv[1], sys.argv[2]
    runs = sys.argv[3] if len(sys.argv) > 3 else "100"
    pairs = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    ratios, olds, news = alternate(pairs, lambda: run(old, runs), lambda: run(new, runs))
    n = len(ratios)
    total_old, total_new = sum(olds), sum(news)
    print(
        f"{n} pairs of {runs} runs: new/old {summary(ratios)}; "
        f"total {total_new / total_old:.4f}; old {total_old / n:.3f} s a run of {runs}"
    )


if __name__ == "__main__":
    main()
