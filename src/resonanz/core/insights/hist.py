"""Score statistics from answer histograms ({value: count}), so millions of answers never become arrays.

Same formulas as ``core.metrics.scores`` / ``core.metrics.significance`` (tested equal on expanded arrays):
NPS adjusted Wald and CSAT Wilson via the library's count functions; CES / stars: mean with Student t interval
and Welch's t test from the histogram's count, mean and variance.
"""

from __future__ import annotations

import math

from scipy import stats

from resonanz.core.metrics.scores import ScoreResult, nps_from_counts
from resonanz.core.metrics.significance import DEFAULT_MIN_N, Comparison, compare_nps_counts

Hist = dict[int, int]


def nps_counts(h: Hist) -> tuple[int, int, int]:
    """(promoters, passives, detractors)."""
    return (sum(n for v, n in h.items() if v >= 9), sum(n for v, n in h.items() if 7 <= v <= 8),
            sum(n for v, n in h.items() if v <= 6))


def nps_hist(h: Hist) -> ScoreResult:
    return nps_from_counts(*nps_counts(h))


def compare_nps_hist(a: Hist, b: Hist) -> Comparison:
    return compare_nps_counts(nps_counts(a), nps_counts(b))


def _moments(h: Hist) -> tuple[int, float | None, float | None]:
    n = sum(h.values())
    if n == 0:
        return 0, None, None
    mean = sum(v * c for v, c in h.items()) / n
    var = sum(c * (v - mean) ** 2 for v, c in h.items()) / (n - 1) if n > 1 else None
    return n, mean, var


def mean_hist(h: Hist, metric: str, lo: int, hi: int, *, confidence: float = 0.95) -> ScoreResult:
    """Mean with a t interval clipped to the scale (interval None for n < 2), like ``scores.ces``."""
    n, mean, var = _moments(h)
    low = high = None
    if mean is not None and var is not None:
        half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * math.sqrt(var) / math.sqrt(n)
        low, high = max(lo, mean - half), min(hi, mean + half)
    counts = {str(v): c for v, c in sorted(h.items())}
    return ScoreResult(metric, mean, low, high, n, counts, "t", confidence)


def compare_means_hist(a: Hist, b: Hist, metric: str, *, confidence: float = 0.95,
                       min_n: int = DEFAULT_MIN_N) -> Comparison:
    """Welch's t test of mean(b) - mean(a), as ``significance.compare_means``."""
    n_a, ma, var_a = _moments(a)
    n_b, mb, var_b = _moments(b)
    low_sample = min(n_a, n_b) < min_n
    if ma is None or mb is None or var_a is None or var_b is None:
        return Comparison(metric, ma, mb, None, None, None, None, None, n_a, n_b, True, "welch-t", confidence)
    va, vb = var_a / n_a, var_b / n_b
    diff, se = mb - ma, math.sqrt(va + vb)
    if se == 0:
        return Comparison(metric, ma, mb, diff, diff, diff, None, 1.0 if diff == 0 else 0.0, n_a, n_b, low_sample,
                          "welch-t", confidence)
    df = (va + vb) ** 2 / (va**2 / (n_a - 1) + vb**2 / (n_b - 1))
    t = diff / se
    half = float(stats.t.ppf(0.5 + confidence / 2.0, df)) * se
    return Comparison(metric, ma, mb, diff, diff - half, diff + half, t, float(2.0 * stats.t.sf(abs(t), df)),
                      n_a, n_b, low_sample, "welch-t", confidence)
