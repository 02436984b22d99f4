#!/usr/bin/env python3
"""Time two builds of frontline against each other on a noisy machine.

    scripts/perf/ab.py OLD_BINARY NEW_BINARY [RUNS] [TRIALS]

Runs `run --runs RUNS -j 1 -q` on the reference scenario with each binary in
turn, pinned to one core, alternating which goes first, TRIALS times each
(default 400 runs, 20 trials), and prints the minimum and the median wall
time of each and their ratios. On this project's virtual machine the same
binary varies by 10-35 % from one hour to the next, but the ratio of the
minima of 20 alternating trials repeats within about 1.5 % (two runs of a
binary against itself gave 0.988 and 1.002).
"""
import statistics
import subprocess
import sys
import time


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    old, new = sys.argv[1], sys.argv[2]
    runs = sys.argv[3] if len(sys.argv) > 3 else "400"
    trials = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    times = ([], [])
    for t in range(trials):
        for k in (0, 1) if t % 2 == 0 else (1, 0):
            start = time.monotonic()
            subprocess.run(
                ["taskset", "-c", "1", (old, new)[k], "run", "--runs", runs, "-j", "1", "-q"],
                stdout=subprocess.DEVNULL,
                check=True,
            )
            times[k].append(time.monotonic() - start)
    a, b = times
    print(
        f"old: min {min(a):.3f} s, median {statistics.median(a):.3f} s | "
        f"new: min {min(b):.3f} s, median {statistics.median(b):.3f} s | "
        f"new/old: min {min(b) / min(a):.4f}, median {statistics.median(b) / statistics.median(a):.4f}"
    )


if __name__ == "__main__":
    main()
