"""Is a change between two periods or groups real? Tests for NPS, CSAT and CES (pure Python, no Django).

* NPS: two-sided z test on NPS_b - NPS_a with SE = sqrt(Var_a + Var_b), each variance the multinomial variance
  of (promoter share - detractor share). ``method="adjusted_wald"`` (default) takes the variances from the
  Rocks (2016) adjusted counts (n + 3), so a group with zero variance (all promoters) still gives a finite z;
  ``method="wald"`` uses the raw shares.
* CSAT: pooled two-proportion z test; the interval of the difference is unpooled Wald.
* CES / stars: Welch's unequal-variance t test (Welch-Satterthwaite degrees of freedom).

``difference`` is always b - a (on the metric's scale) and ``low_sample`` is true when either group has fewer
than ``min_n`` answers (default 30): the p-value is still given but should not drive alerts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from resonanz.core.metrics._common import ScoreInput, as_scores, z_quantile
from resonanz.core.metrics.scores import NpsMethod, nps_center_se, nps_counts

DEFAULT_MIN_N = 30


@dataclass(frozen=True)
class Comparison:
    """Result of comparing group/period ``a`` with ``b``. Fields are ``None`` when the test is undefined."""

    metric: str
    value_a: float | None
    value_b: float | None
    difference: float | None
    low: float | None
    high: float | None
    statistic: float | None
    p_value: float | None
    n_a: int
    n_b: int
    low_sample: bool
    method: str
    confidence: float = 0.95

    @property
    def significant(self) -> bool:
        """True when p < 1 - confidence and the sample is not flagged as low."""
        return self.p_value is not None and not self.low_sample and self.p_value < 1.0 - self.confidence


def _two_sided_p(z: float) -> float:
    return float(2.0 * stats.norm.sf(abs(z)))


def _z_result(
    metric: str,
    va: float | None,
    vb: float | None,
    diff: float,
    se: float,
    n_a: int,
    n_b: int,
    *,
    scale: float,
    confidence: float,
    min_n: int,
    method: str,
    se_ci: float | None = None,
) -> Comparison:
    z = z_quantile(confidence)
    half = z * (se if se_ci is None else se_ci)
    if se > 0:
        stat: float | None = diff / se
        p: float | None = _two_sided_p(diff / se)
    else:  # both groups constant: identical -> no evidence, different -> certain
        stat, p = None, (1.0 if diff == 0 else 0.0)
    return Comparison(
        metric,
        va,
        vb,
        scale * diff,
        scale * (diff - half),
        scale * (diff + half),
        stat,
        p,
        n_a,
        n_b,
        min(n_a, n_b) < min_n,
        method,
        confidence,
    )


def _empty(
    metric: str, va: float | None, vb: float | None, n_a: int, n_b: int, method: str, c: float
) -> Comparison:
    return Comparison(metric, va, vb, None, None, None, None, None, n_a, n_b, True, method, c)


def compare_nps(
    a: ScoreInput,
    b: ScoreInput,
    *,
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    method: NpsMethod = "adjusted_wald",
) -> Comparison:
    """z test of NPS(b) - NPS(a) on 0-10 answers (difference in NPS points)."""
    return compare_nps_counts(nps_counts(a), nps_counts(b), confidence=confidence, min_n=min_n, method=method)


def compare_nps_counts(
    a: tuple[int, int, int],
    b: tuple[int, int, int],
    *,
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    method: NpsMethod = "adjusted_wald",
) -> Comparison:
    """Same as :func:`compare_nps` from (promoters, passives, detractors) counts."""
    n_a, n_b = sum(a), sum(b)
    va = None if n_a == 0 else 100.0 * (a[0] - a[2]) / n_a
    vb = None if n_b == 0 else 100.0 * (b[0] - b[2]) / n_b
    if va is None or vb is None:
        return _empty("nps", va, vb, n_a, n_b, method, confidence)
    _, se_a = nps_center_se(*a, method=method)
    _, se_b = nps_center_se(*b, method=method)
    diff = (vb - va) / 100.0
    return _z_result(
        "nps",
        va,
        vb,
        diff,
        math.hypot(se_a, se_b),
        n_a,
        n_b,
        scale=100.0,
        confidence=confidence,
        min_n=min_n,
        method=f"z-{method}",
    )


def compare_csat(
    a: ScoreInput,
    b: ScoreInput,
    *,
    scale_max: int = 5,
    satisfied_min: int = 4,
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
) -> Comparison:
    """Pooled two-proportion z test of CSAT(b) - CSAT(a) (difference in percentage points)."""
    arr_a = as_scores(a, lo=1, hi=scale_max, metric="CSAT")
    arr_b = as_scores(b, lo=1, hi=scale_max, metric="CSAT")
    return compare_proportions(
        int(np.count_nonzero(arr_a >= satisfied_min)),
        int(arr_a.size),
        int(np.count_nonzero(arr_b >= satisfied_min)),
        int(arr_b.size),
        confidence=confidence,
        min_n=min_n,
        metric="csat",
    )


def compare_proportions(
    k_a: int,
    n_a: int,
    k_b: int,
    n_b: int,
    *,
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    metric: str = "proportion",
) -> Comparison:
    """Pooled two-proportion z test from counts; values and difference in percent."""
    if n_a == 0 or n_b == 0:
        va = None if n_a == 0 else 100.0 * k_a / n_a
        vb = None if n_b == 0 else 100.0 * k_b / n_b
        return _empty(metric, va, vb, n_a, n_b, "two-proportion-z", confidence)
    pa, pb = k_a / n_a, k_b / n_b
    pooled = (k_a + k_b) / (n_a + n_b)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    se_ci = math.sqrt(pa * (1 - pa) / n_a + pb * (1 - pb) / n_b)
    return _z_result(
        metric,
        100 * pa,
        100 * pb,
        pb - pa,
        se,
        n_a,
        n_b,
        scale=100.0,
        confidence=confidence,
        min_n=min_n,
        method="two-proportion-z",
        se_ci=se_ci,
    )


def compare_means(
    a: ScoreInput,
    b: ScoreInput,
    *,
    lo: int = 1,
    hi: int = 7,
    confidence: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    metric: str = "ces",
) -> Comparison:
    """Welch t test of mean(b) - mean(a) for CES (1-7) or star ratings (pass ``hi=5, metric="stars"``)."""
    xa = as_scores(a, lo=lo, hi=hi, metric=metric.upper()).astype(np.float64)
    xb = as_scores(b, lo=lo, hi=hi, metric=metric.upper()).astype(np.float64)
    n_a, n_b = int(xa.size), int(xb.size)
    ma = float(xa.mean()) if n_a else None
    mb = float(xb.mean()) if n_b else None
    if ma is None or mb is None or n_a < 2 or n_b < 2:
        return _empty(metric, ma, mb, n_a, n_b, "welch-t", confidence)
    z_quantile(confidence)
    va, vb = float(xa.var(ddof=1)) / n_a, float(xb.var(ddof=1)) / n_b
    diff, se = mb - ma, math.sqrt(va + vb)
    if se == 0:
        return Comparison(
            metric,
            ma,
            mb,
            diff,
            diff,
            diff,
            None,
            1.0 if diff == 0 else 0.0,
            n_a,
            n_b,
            min(n_a, n_b) < min_n,
            "welch-t",
            confidence,
        )
    df = (va + vb) ** 2 / (va**2 / (n_a - 1) + vb**2 / (n_b - 1))
    t = diff / se
    half = float(stats.t.ppf(0.5 + confidence / 2.0, df)) * se
    return Comparison(
        metric,
        ma,
        mb,
        diff,
        diff - half,
        diff + half,
        t,
        float(2.0 * stats.t.sf(abs(t), df)),
        n_a,
        n_b,
        min(n_a, n_b) < min_n,
        "welch-t",
        confidence,
    )


def compare_ces(
    a: ScoreInput, b: ScoreInput, *, scale_max: int = 7, confidence: float = 0.95, min_n: int = DEFAULT_MIN_N
) -> Comparison:
    """Welch t test of CES(b) - CES(a) on 1-7 answers."""
    return compare_means(a, b, lo=1, hi=scale_max, confidence=confidence, min_n=min_n, metric="ces")
