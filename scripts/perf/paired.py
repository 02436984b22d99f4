"""What ab.py and pair.py share: timing two things in alternating pairs and
summarising the per-pair time ratios by their median, with a
distribution-free confidence interval, and their quartiles."""
import math
import statistics


def median_interval(sorted_xs: list, level: float = 0.95) -> tuple:
    """The order statistics that bracket the median with at least `level`
    confidence: (x_(k), x_(n-k+1)) for the largest k with
    P(Binomial(n, 1/2) < k) <= (1 - level) / 2."""
    n = len(sorted_xs)
    tail, k, below = (1.0 - level) / 2.0, 0, 0.0
    while k < n // 2:
        below_next = below + math.comb(n, k) / 2.0**n
        if below_next > tail:
            break
        below, k = below_next, k + 1
    k = max(k, 1)
    return sorted_xs[k - 1], sorted_xs[n - k]


def alternate(pairs: int, time_a, time_b) -> tuple:
    """Calls `time_a()` and `time_b()` back to back `pairs` times, A first
    in even pairs and B first in odd ones; returns the ratios B/A sorted,
    and the times of A and of B in the order they were taken."""
    ratios, times_a, times_b = [], [], []
    for p in range(pairs):
        if p % 2 == 0:
            a = time_a()
            b = time_b()
        else:
            b = time_b()
            a = time_a()
        ratios.append(b / a)
        times_a.append(a)
        times_b.append(b)
    ratios.sort()
    return ratios, times_a, times_b


def summary(sorted_ratios: list) -> str:
    """`median M (95 % interval L-H; quartiles Q1-Q3)` of sorted ratios."""
    n = len(sorted_ratios)
    low, high = median_interval(sorted_ratios)
    return (
        f"median {statistics.median(sorted_ratios):.4f} "
        f"(95 % interval {low:.4f}-{high:.4f}; quartiles {sorted_ratios[n // 4]:.4f}-"
        f"{sorted_ratios[(3 * n) // 4]:.4f})"
    )
