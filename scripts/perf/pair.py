#!/usr/bin/env python3
"""Time two commands against each other in one sitting, paired.

    scripts/perf/pair.py [PAIRS] -- COMMAND_A ... -- COMMAND_B ...

Runs A and B back to back PAIRS times (default 20; the order alternates
from pair to pair), unpinned, and prints the median of the per-pair time
ratios B/A with a distribution-free 95 % confidence interval, their
quartiles, and the median time of each. It is `ab.py` for any two
commands: the ratios of docs/performance.md's targets, for instance

    f=target/release/frontline
    scripts/perf/pair.py 15 -- $f run --runs 4000 -j 2 -q -- $f run --runs 4000 -j 1 -q

gives the speed-up of two threads over one (B/A: the one-thread time over
the two-thread time). The commands' output is discarded; a failing command
stops the script.
"""
import statistics
import subprocess
import sys
import time

from paired import alternate, summary


def timed(command: list) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    args = sys.argv[1:]
    if args.count("--") != 2:
        sys.exit(__doc__)
    first = args.index("--")
    second = args.index("--", first + 1)
    pairs = int(args[0]) if first == 1 else 20
    a, b = args[first + 1 : second], args[second + 1 :]
    if first > 1 or not a or not b or pairs < 1:
        sys.exit(__doc__)
    ratios, times_a, times_b = alternate(pairs, lambda: timed(a), lambda: timed(b))
    print(
        f"{len(ratios)} pairs: B/A {summary(ratios)}; "
        f"median A {statistics.median(times_a):.3f} s, "
        f"B {statistics.median(times_b):.3f} s"
    )


if __name__ == "__main__":
    main()
