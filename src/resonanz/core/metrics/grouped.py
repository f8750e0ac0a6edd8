"""Vectorised, grouped versions of the survey scores over a pandas DataFrame (one row per answer).

Same formulas and interval methods as :mod:`resonanz.core.metrics.scores`, computed with numpy over all groups
at once. Rows whose score is NaN (no answer) are ignored; groups with no answers keep ``n = 0`` and ``None``
values rather than NaN when they are present in the frame (e.g. categorical keys).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from resonanz.core.errors import MetricsError
from resonanz.core.metrics._common import FrameInput, as_frame, check_column, z_quantile
from resonanz.core.metrics.scores import PASSIVE_MIN, PROMOTER_MIN, NpsMethod


def _keys(df: pd.DataFrame, by: Sequence[str] | str) -> list[str]:
    keys = [by] if isinstance(by, str) else list(by)
    if not keys:
        raise MetricsError("group keys 'by' must not be empty", code="E303")
    missing = [k for k in keys if k not in df.columns]
    if missing:
        raise MetricsError(f"group keys {missing} not in frame (has {list(df.columns)})", code="E303")
    return keys


def _none_for_nan(out: pd.DataFrame, cols: Sequence[str]) -> pd.DataFrame:
    for c in cols:
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def nps_by(
    df: FrameInput,
    by: Sequence[str] | str,
    *,
    score: str = "score",
    confidence: float = 0.95,
    method: NpsMethod = "adjusted_wald",
    min_n: int = 30,
) -> pd.DataFrame:
    """NPS per group: columns ``by + [n, promoters, passives, detractors, nps, low, high, low_sample]``.

    ``low``/``high`` use the Rocks (2016) adjusted Wald by default (``method="wald"`` for plain Wald);
    ``low_sample`` is ``n < min_n``. Undefined values are ``None`` (object dtype), never NaN.
    """
    df = as_frame(df)
    keys = _keys(df, by)
    s = check_column(df, score, lo=0, hi=10, metric="NPS")
    answered = s.notna()
    frame = df[keys].copy()
    frame["n"] = answered.astype(np.int64)
    frame["promoters"] = (s >= PROMOTER_MIN).astype(np.int64)
    frame["passives"] = ((s >= PASSIVE_MIN) & (s < PROMOTER_MIN)).astype(np.int64)
    frame["detractors"] = (answered & (s < PASSIVE_MIN)).astype(np.int64)
    out = frame.groupby(keys, observed=True, sort=True, dropna=False).sum().reset_index()
    n = out["n"].to_numpy(np.float64)
    pro, det = out["promoters"].to_numpy(np.float64), out["detractors"].to_numpy(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["nps"] = np.where(n > 0, 100.0 * (pro - det) / n, np.nan)
        if method == "adjusted_wald":
            na, p, d = n + 3.0, (pro + 0.75) / (n + 3.0), (det + 0.75) / (n + 3.0)
        elif method == "wald":
            na, p, d = n, pro / n, det / n
        else:
            raise MetricsError(
                f"unknown NPS interval method {method!r}; use 'adjusted_wald' or 'wald'", code="E301"
            )
        se = np.sqrt(np.maximum((p + d - (p - d) ** 2) / na, 0.0))
    z = z_quantile(confidence)
    valid = n > 0
    out["low"] = np.where(valid, np.clip(100.0 * (p - d - z * se), -100.0, 100.0), np.nan)
    out["high"] = np.where(valid, np.clip(100.0 * (p - d + z * se), -100.0, 100.0), np.nan)
    out["low_sample"] = out["n"] < min_n
    return _none_for_nan(out, ["nps", "low", "high"])


def csat_by(
    df: FrameInput,
    by: Sequence[str] | str,
    *,
    score: str = "score",
    scale_max: int = 5,
    satisfied_min: int = 4,
    confidence: float = 0.95,
    min_n: int = 30,
) -> pd.DataFrame:
    """CSAT per group: columns ``by + [n, satisfied, csat, low, high, low_sample]`` (Wilson interval, in %)."""
    df = as_frame(df)
    keys = _keys(df, by)
    s = check_column(df, score, lo=1, hi=scale_max, metric="CSAT")
    frame = df[keys].copy()
    frame["n"] = s.notna().astype(np.int64)
    frame["satisfied"] = (s >= satisfied_min).astype(np.int64)
    out = frame.groupby(keys, observed=True, sort=True, dropna=False).sum().reset_index()
    n, k = out["n"].to_numpy(np.float64), out["satisfied"].to_numpy(np.float64)
    z = z_quantile(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1.0 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    valid = n > 0
    out["csat"] = np.where(valid, 100.0 * p, np.nan)
    out["low"] = np.where(valid, 100.0 * np.clip(centre - half, 0.0, 1.0), np.nan)
    out["high"] = np.where(valid, 100.0 * np.clip(centre + half, 0.0, 1.0), np.nan)
    out["low_sample"] = out["n"] < min_n
    return _none_for_nan(out, ["csat", "low", "high"])


def mean_by(
    df: FrameInput,
    by: Sequence[str] | str,
    *,
    score: str = "score",
    lo: int = 1,
    hi: int = 7,
    confidence: float = 0.95,
    min_n: int = 30,
    metric: str = "ces",
) -> pd.DataFrame:
    """Mean score per group with a t interval: columns ``by + [n, <metric>, low, high, low_sample]``.

    Use for CES (1-7, the default) or star ratings (``hi=5, metric="stars"``). Interval is None for n < 2.
    """
    df = as_frame(df)
    keys = _keys(df, by)
    s = check_column(df, score, lo=lo, hi=hi, metric=metric.upper())
    z_quantile(confidence)
    frame = df[keys].copy()
    frame["_s"] = s
    g = frame.groupby(keys, observed=True, sort=True, dropna=False)["_s"]
    out = g.agg(n="count", mean="mean", sd="std").reset_index()
    n = out["n"].to_numpy(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        tq = np.where(n >= 2, stats.t.ppf(0.5 + confidence / 2.0, np.maximum(n - 1, 1)), np.nan)
        half = tq * out["sd"].to_numpy(np.float64) / np.sqrt(n)
    m = out["mean"].to_numpy(np.float64)
    out[metric] = m
    out["low"] = np.where(n >= 2, np.clip(m - half, lo, hi), np.nan)
    out["high"] = np.where(n >= 2, np.clip(m + half, lo, hi), np.nan)
    out["n"] = out["n"].astype(np.int64)
    out["low_sample"] = out["n"] < min_n
    out = out.drop(columns=["mean", "sd"])
    return _none_for_nan(out, [metric, "low", "high"])
