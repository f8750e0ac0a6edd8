"""Survey scores with confidence intervals: NPS, CSAT, CES and star ratings (pure Python, no Django).

Every function takes a batch of raw answers (list, numpy array or pandas Series; ``None``/NaN = no answer) and
returns a frozen :class:`ScoreResult`. Empty input gives ``value=None, n=0`` (never NaN). Out-of-range answers
raise :class:`~resonanz.core.errors.MetricsError` (code E302) naming the bad value.

Interval methods (see docs/dev/metrics.md for the reasoning):

* NPS, ``method="adjusted_wald"`` (default): Rocks (2016) adjusted Wald. Add 3/4 promoter, 3/4 detractor and
  3/2 passive (n + 3), then apply the Wald interval of a difference of two multinomial proportions to the
  adjusted counts. Good coverage also at small n and at the edges (all promoters), where Wald collapses.
* NPS, ``method="wald"``: ``NPS +/- z * sqrt((p + d - (p - d)^2) / n)`` with p, d the promoter and detractor
  shares; Var(p - d) = [p(1-p) + d(1-d) + 2pd] / n for multinomial proportions.
* CSAT: Wilson score interval on the share of satisfied answers (4-5 on 1-5 by default).
* CES and star ratings: Student t interval on the mean (undefined, so ``None``, for n < 2).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from scipy import stats

from resonanz.core.errors import MetricsError
from resonanz.core.metrics._common import ScoreInput, as_scores, clip, z_quantile

NpsMethod = Literal["adjusted_wald", "wald"]

PROMOTER_MIN = 9
PASSIVE_MIN = 7


@dataclass(frozen=True)
class ScoreResult:
    """One metric over one batch of answers: point value, interval [low, high], n and the counts behind it.

    ``value``/``low``/``high`` are on the metric's own scale (NPS -100..100, CSAT 0..100 %, CES 1..7, stars
    1..5) and are ``None`` when undefined (no answers; the interval also for a mean of a single answer).
    """

    metric: str
    value: float | None
    low: float | None
    high: float | None
    n: int
    counts: Mapping[str, int] = field(default_factory=dict)
    method: str = ""
    confidence: float = 0.95


# --------------------------------------------------------------------------------------------------- NPS


def nps_counts(scores: ScoreInput) -> tuple[int, int, int]:
    """(promoters, passives, detractors) of 0-10 answers; validates the range."""
    arr = as_scores(scores, lo=0, hi=10, metric="NPS")
    promoters = int(np.count_nonzero(arr >= PROMOTER_MIN))
    passives = int(np.count_nonzero((arr >= PASSIVE_MIN) & (arr < PROMOTER_MIN)))
    return promoters, passives, int(arr.size) - promoters - passives


def nps_interval(
    promoters: int,
    passives: int,
    detractors: int,
    *,
    confidence: float = 0.95,
    method: NpsMethod = "adjusted_wald",
) -> tuple[float | None, float | None]:
    """Interval for NPS (in points, -100..100) from counts; ``(None, None)`` when n = 0.

    ``adjusted_wald`` = Rocks (2016): counts + (3/4, 3/2, 3/4), n + 3, then the Wald formula centred on the
    adjusted NPS. ``wald`` = plain Wald around the observed NPS. Bounds are clipped to [-100, 100].
    """
    n = promoters + passives + detractors
    if n == 0:
        return None, None
    center, se = nps_center_se(promoters, passives, detractors, method=method)
    z = z_quantile(confidence)
    return clip(100.0 * (center - z * se), -100.0, 100.0), clip(100.0 * (center + z * se), -100.0, 100.0)


def nps_center_se(
    promoters: int, passives: int, detractors: int, *, method: NpsMethod
) -> tuple[float, float]:
    """Centre (as a fraction, -1..1) and standard error of NPS under ``method``; n must be > 0."""
    if method == "adjusted_wald":
        pro, det, n = promoters + 0.75, detractors + 0.75, promoters + passives + detractors + 3.0
    elif method == "wald":
        pro, det, n = float(promoters), float(detractors), float(promoters + passives + detractors)
    else:
        raise MetricsError(
            f"unknown NPS interval method {method!r}; use 'adjusted_wald' or 'wald'", code="E301"
        )
    p, d = pro / n, det / n
    var = (p + d - (p - d) ** 2) / n
    return p - d, math.sqrt(max(var, 0.0))


def nps(scores: ScoreInput, *, confidence: float = 0.95, method: NpsMethod = "adjusted_wald") -> ScoreResult:
    """Net Promoter Score of 0-10 answers: % promoters (9-10) - % detractors (0-6), in -100..100.

    The interval is the Rocks (2016) adjusted Wald by default (robust at small n); ``method="wald"`` gives the
    textbook Wald interval with the multinomial variance of the difference of the two shares.
    """
    promoters, passives, detractors = nps_counts(scores)
    return nps_from_counts(promoters, passives, detractors, confidence=confidence, method=method)


def nps_from_counts(
    promoters: int,
    passives: int,
    detractors: int,
    *,
    confidence: float = 0.95,
    method: NpsMethod = "adjusted_wald",
) -> ScoreResult:
    """NPS from already-classified counts (e.g. a database aggregate)."""
    if min(promoters, passives, detractors) < 0:
        raise MetricsError("NPS counts must not be negative", code="E302")
    n = promoters + passives + detractors
    counts = {"promoters": promoters, "passives": passives, "detractors": detractors}
    value = None if n == 0 else 100.0 * (promoters - detractors) / n
    low, high = nps_interval(promoters, passives, detractors, confidence=confidence, method=method)
    return ScoreResult("nps", value, low, high, n, counts, method, confidence)


# -------------------------------------------------------------------------------------------------- CSAT


def wilson_interval(successes: int, n: int, *, confidence: float = 0.95) -> tuple[float | None, float | None]:
    """Wilson score interval for a binomial proportion, as fractions in [0, 1]; ``(None, None)`` for n = 0."""
    if n == 0:
        return None, None
    z = z_quantile(confidence)
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return clip(centre - half, 0.0, 1.0), clip(centre + half, 0.0, 1.0)


def csat(
    scores: ScoreInput, *, scale_max: int = 5, satisfied_min: int = 4, confidence: float = 0.95
) -> ScoreResult:
    """Customer satisfaction: % of answers >= ``satisfied_min`` (4-5 on a 1-5 scale), Wilson interval in %."""
    arr = as_scores(scores, lo=1, hi=scale_max, metric="CSAT")
    k, n = int(np.count_nonzero(arr >= satisfied_min)), int(arr.size)
    return csat_from_counts(k, n, confidence=confidence)


def csat_from_counts(satisfied: int, n: int, *, confidence: float = 0.95) -> ScoreResult:
    """CSAT from counts: ``satisfied`` of ``n`` answers."""
    if satisfied < 0 or n < satisfied:
        raise MetricsError(f"CSAT counts invalid: {satisfied} satisfied of {n}", code="E302")
    low, high = wilson_interval(satisfied, n, confidence=confidence)
    return ScoreResult(
        "csat",
        None if n == 0 else 100.0 * satisfied / n,
        None if low is None else 100.0 * low,
        None if high is None else 100.0 * high,
        n,
        {"satisfied": satisfied, "not_satisfied": n - satisfied},
        "wilson",
        confidence,
    )


# ---------------------------------------------------------------------------------------- CES and stars


def mean_t_interval(
    values: np.ndarray, *, confidence: float = 0.95
) -> tuple[float | None, float | None, float | None]:
    """(mean, low, high) with a Student t interval; mean None for n = 0, interval None for n < 2."""
    n = int(values.size)
    if n == 0:
        return None, None, None
    mean = float(values.mean())
    if n < 2:
        return mean, None, None
    z_quantile(confidence)  # validates the level
    sd = float(values.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2.0, n - 1)) * sd / math.sqrt(n)
    return mean, mean - half, mean + half


def _mean_metric(metric: str, scores: ScoreInput, lo: int, hi: int, confidence: float) -> ScoreResult:
    arr = as_scores(scores, lo=lo, hi=hi, metric=metric.upper())
    mean, low, high = mean_t_interval(arr.astype(np.float64), confidence=confidence)
    if low is not None and high is not None:
        low, high = clip(low, lo, hi), clip(high, lo, hi)
    values, freq = np.unique(arr, return_counts=True)
    counts = {str(int(v)): int(c) for v, c in zip(values, freq, strict=True)}
    return ScoreResult(metric, mean, low, high, int(arr.size), counts, "t", confidence)


def ces(scores: ScoreInput, *, scale_max: int = 7, confidence: float = 0.95) -> ScoreResult:
    """Customer Effort Score: mean of 1-7 answers (higher = easier), Student t interval clipped to the scale."""
    return _mean_metric("ces", scores, 1, scale_max, confidence)


def star_rating(scores: ScoreInput, *, scale_max: int = 5, confidence: float = 0.95) -> ScoreResult:
    """Mean star rating (1-5 by default) with a Student t interval clipped to the scale."""
    return _mean_metric("stars", scores, 1, scale_max, confidence)
