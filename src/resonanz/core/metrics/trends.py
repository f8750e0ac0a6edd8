"""Time bucketing and anomaly detection for counts and rates per key (topic, touchpoint, region); no Django.

Every bucket is compared with its own robust baseline built only from earlier buckets of the same key:

* daily data (``freq="D"``): the same weekday of the previous ``window`` weeks (weekly seasonality);
* weekly / monthly / quarterly data: the previous ``window`` buckets (default 13 weeks, 12 months, 8 quarters:
  a full year of months, so the median is the annual level and the MAD absorbs yearly seasonality instead of
  a trailing median lagging behind a seasonal rise).

Expected = median of the baseline; scale = max(1.4826 * MAD, sampling s.d.), where the sampling s.d. is
sqrt(expected) for counts (Poisson) and sqrt(p (1 - p) / n) for rates (binomial), so a baseline that happens to
be flat (MAD 0) does not turn every small wobble into an alert. A bucket is an alert when |z| >= ``z_threshold``
and the exact Poisson / binomial tail p-value (two-sided) is below ``alpha``. Severity: ``critical`` for
|z| >= 2x threshold, ``high`` for >= 1.5x, else ``medium``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from resonanz.core.errors import MetricsError
from resonanz.core.metrics._common import FrameInput, as_frame

Freq = Literal["D", "W", "M", "Q"]
_PERIOD = {"D": "D", "W": "W-SUN", "M": "M", "Q": "Q"}
DEFAULT_WINDOW = {"D": 8, "W": 13, "M": 12, "Q": 8}
MAD_TO_SD = 1.4826


@dataclass(frozen=True)
class Alert:
    """One anomalous bucket. ``key`` is the group value (tuple when grouped by several columns)."""

    key: object
    bucket: pd.Timestamp
    observed: float
    expected: float
    z: float
    p_value: float
    direction: Literal["up", "down"]
    severity: Literal["medium", "high", "critical"]
    n: int | None = None


def bucket_start(dates: pd.Series, freq: Freq) -> pd.Series:
    """Start timestamp of the day / ISO week (Monday) / month / quarter of each date."""
    if freq not in _PERIOD:
        raise MetricsError(f"unknown bucket {freq!r}; use one of {sorted(_PERIOD)}", code="E340")
    d = pd.to_datetime(dates, errors="coerce")
    if bool((d.isna() & dates.notna()).any()):
        bad = dates[d.isna() & dates.notna()].iloc[0]
        raise MetricsError(f"date {bad!r} is not a date", code="E313", value=bad)
    return d.dt.to_period(_PERIOD[freq]).dt.start_time


def _keys(by: Sequence[str] | str | None) -> list[str]:
    return [] if by is None else ([by] if isinstance(by, str) else list(by))


def bucket_counts(
    df: FrameInput,
    *,
    date: str = "date",
    freq: Freq = "D",
    by: Sequence[str] | str | None = None,
    flag: str | None = None,
) -> pd.DataFrame:
    """Counts per bucket (and key), with empty buckets filled with 0 between the first and last bucket.

    Columns: ``by + [bucket, n]`` and, when ``flag`` (a 0/1 or bool column) is given, ``k`` (flagged rows)
    and ``rate = k / n`` (None where n = 0).
    """
    df = as_frame(df)
    keys = _keys(by)
    missing = [c for c in [date, *keys, *([flag] if flag else [])] if c not in df.columns]
    if missing:
        raise MetricsError(f"columns {missing} not in frame", code="E303")
    frame = df[keys].copy()
    frame["bucket"] = bucket_start(df[date], freq)
    frame = frame[frame["bucket"].notna()]
    frame["n"] = 1
    if flag:
        frame["k"] = pd.to_numeric(df.loc[frame.index, flag], errors="coerce").fillna(0).astype(np.int64)
    agg = frame.groupby([*keys, "bucket"], sort=True, dropna=False).sum().reset_index()
    if agg.empty:
        return agg
    full = pd.period_range(agg["bucket"].min(), agg["bucket"].max(), freq=_PERIOD[freq]).start_time
    if keys:
        key_values = agg[keys].drop_duplicates()
        grid = key_values.merge(pd.DataFrame({"bucket": full}), how="cross")
    else:
        grid = pd.DataFrame({"bucket": full})
    out = grid.merge(agg, on=[*keys, "bucket"], how="left").fillna({"n": 0, **({"k": 0} if flag else {})})
    out["n"] = out["n"].astype(np.int64)
    if flag:
        out["k"] = out["k"].astype(np.int64)
        out["rate"] = pd.Series(np.where(out["n"] > 0, out["k"] / out["n"].clip(lower=1), np.nan)).astype(
            object
        )
        out["rate"] = out["rate"].where(out["n"] > 0, None)
    return out.sort_values([*keys, "bucket"], kind="stable").reset_index(drop=True)


def _severity(z: float, threshold: float) -> Literal["medium", "high", "critical"]:
    a = abs(z)
    return "critical" if a >= 2 * threshold else "high" if a >= 1.5 * threshold else "medium"


def _baseline_positions(i: int, step: int, window: int) -> list[int]:
    return [i - step * j for j in range(1, window + 1) if i - step * j >= 0]


def detect_anomalies(
    series: pd.DataFrame,
    *,
    by: Sequence[str] | str | None = None,
    freq: Freq = "D",
    value: str = "n",
    trials: str | None = None,
    window: int | None = None,
    min_history: int | None = None,
    z_threshold: float = 4.0,
    alpha: float = 1e-4,
    min_expected: float = 0.0,
) -> list[Alert]:
    """Alerts for buckets that deviate from their own robust baseline (see the module docstring).

    ``series`` is the output of :func:`bucket_counts` (one row per key and bucket, gaps filled). For counts
    pass ``value="n"``; for rates pass ``value="k", trials="n"`` (k flagged of n). ``window`` defaults to
    ``DEFAULT_WINDOW`` (same weekday of 8 previous weeks for daily data; 13 weeks, 12 months, 8 quarters); buckets with fewer than
    ``min_history`` baseline points are not judged (default: 4 for daily data, else the full window, so a
    monthly series is judged only once a full year of history exists). Alerts are sorted by |z|, largest first.
    """
    keys = _keys(by)
    need = [*keys, "bucket", value, *([trials] if trials else [])]
    missing = [c for c in need if c not in series.columns]
    if missing:
        raise MetricsError(f"columns {missing} not in series", code="E303")
    if z_threshold <= 0 or not 0 < alpha < 1:
        raise MetricsError("z_threshold must be > 0 and alpha in (0, 1)", code="E341")
    step = 7 if freq == "D" else 1
    if freq not in DEFAULT_WINDOW:
        raise MetricsError(f"unknown bucket {freq!r}; use one of {sorted(DEFAULT_WINDOW)}", code="E340")
    win = window if window is not None else DEFAULT_WINDOW[freq]
    need_history = min_history if min_history is not None else (min(4, win) if freq == "D" else win)
    alerts: list[Alert] = []
    groups = series.groupby(keys, sort=True, dropna=False) if keys else [((), series)]
    for key, g in groups:
        g = g.sort_values("bucket")
        expected_len = len(pd.period_range(g["bucket"].min(), g["bucket"].max(), freq=_PERIOD[freq]))
        if expected_len != len(g):
            raise MetricsError(
                f"series for key {key!r} has missing or duplicate {freq} buckets ({len(g)} rows, {expected_len} "
                "buckets); build it with bucket_counts(), which fills gaps with 0",
                code="E342",
            )
        obs = g[value].to_numpy(np.float64)
        tri = g[trials].to_numpy(np.float64) if trials else None
        buckets = g["bucket"].to_list()
        for i in range(len(g)):
            pos = _baseline_positions(i, step, win)
            if len(pos) < need_history:
                continue
            alert = _judge(obs, tri, i, pos, z_threshold, alpha, min_expected)
            if alert is None:
                continue
            z, p, expected, observed, n = alert
            k = key[0] if isinstance(key, tuple) and len(key) == 1 else (key if keys else None)
            alerts.append(
                Alert(
                    k,
                    pd.Timestamp(buckets[i]),
                    observed,
                    expected,
                    z,
                    p,
                    "up" if z > 0 else "down",
                    _severity(z, z_threshold),
                    n,
                )
            )
    return sorted(alerts, key=lambda a: -abs(a.z))


def _judge(
    obs: np.ndarray,
    tri: np.ndarray | None,
    i: int,
    pos: list[int],
    z_threshold: float,
    alpha: float,
    min_expected: float,
) -> tuple[float, float, float, float, int | None] | None:
    if tri is None:
        base = obs[pos]
        expected = float(np.median(base))
        if expected < min_expected:
            return None
        mad = float(np.median(np.abs(base - expected)))
        scale = max(MAD_TO_SD * mad, float(np.sqrt(expected)), 1.0)
        x = float(obs[i])
        z = (x - expected) / scale
        lam = max(expected, 0.5)
        p = 2.0 * min(float(stats.poisson.sf(x - 1, lam)), float(stats.poisson.cdf(x, lam)))
        if abs(z) >= z_threshold and min(p, 1.0) < alpha:
            return z, min(p, 1.0), expected, x, None
        return None
    n_i = int(tri[i])
    valid = [j for j in pos if tri[j] > 0]
    if n_i == 0 or len(valid) < len(pos) // 2 or not valid:
        return None
    rates = obs[valid] / tri[valid]
    expected = float(np.median(rates))
    mad = float(np.median(np.abs(rates - expected)))
    p_exp = min(max(expected, 0.5 / max(tri[valid].sum(), 1.0)), 1 - 0.5 / max(tri[valid].sum(), 1.0))
    scale = max(MAD_TO_SD * mad, float(np.sqrt(p_exp * (1 - p_exp) / n_i)))
    rate = float(obs[i]) / n_i
    z = (rate - expected) / scale
    p = float(stats.binomtest(int(obs[i]), n_i, p_exp).pvalue)
    if abs(z) >= z_threshold and p < alpha:
        return z, p, expected, rate, n_i
    return None


def alerts_frame(alerts: Sequence[Alert]) -> pd.DataFrame:
    """Alerts as a DataFrame (one row each), for storage or display."""
    cols = ["key", "bucket", "observed", "expected", "z", "p_value", "direction", "severity", "n"]
    return pd.DataFrame([[getattr(a, c) for c in cols] for a in alerts], columns=cols)
