"""Trend alerts for the dashboards: volume, detractor share and negative-sentiment share per topic, touchpoint,
region and topic x region, each against its own baseline (``core.metrics.trends.detect_anomalies``).

Monthly buckets judge a month against the median and MAD of the previous 12 months of the same key (at least
``min_history`` of them); weekly buckets against the previous 13 weeks. Whole weeks/months are compared, so
the weekday mix (weekly seasonality) cannot raise an alert; daily data would use the same-weekday baseline.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from resonanz.core.insights.queries import counts_by
from resonanz.core.metrics.trends import Alert, detect_anomalies
from resonanz.core.warehouse.kpi import KpiFilter
from resonanz.core.warehouse.store import Warehouse

SERIES: tuple[tuple[str, ...], ...] = (("topic",), ("touchpoint",), ("region",), ("topic", "region"))
METRICS = {
    "volume": ("volume", None),
    "detractors": ("detractors", "nps_n"),
    "negative": ("negative", "sentiment_n"),
}
_FREQ = {"month": ("M", "MS"), "week": ("W", "W-MON")}


@dataclass(frozen=True)
class InsightAlert:
    """One alert, ready for display: which dimension/key, which metric, bucket, observed vs expected."""

    dims: tuple[str, ...]
    key: tuple[str, ...]
    metric: str
    bucket: date
    observed: float
    expected: float
    z: float
    p_value: float
    direction: str
    severity: str
    n: int | None


def _filled(df: pd.DataFrame, dims: Sequence[str], bucket: str, freq: str) -> pd.DataFrame:
    """One row per key and bucket between the first and last bucket overall, gaps as 0."""
    if df.empty:
        return df
    df = df.copy()
    df["bucket"] = pd.to_datetime(df[bucket])
    full = pd.date_range(df["bucket"].min(), df["bucket"].max(), freq=freq)
    keys = df[list(dims)].drop_duplicates()
    grid = keys.merge(pd.DataFrame({"bucket": full}), how="cross")
    out = grid.merge(df.drop(columns=[bucket]), on=[*dims, "bucket"], how="left")
    num = [c for c in out.columns if c not in (*dims, "bucket")]
    out[num] = out[num].fillna(0)
    return out


def detect(
    wh: Warehouse, flt: KpiFilter, *, since: date | None, until: date | None, grain: str = "month",
    series: Sequence[tuple[str, ...]] = SERIES, min_history: int = 6, min_volume: int = 10, min_trials: int = 30,
    z_threshold: float = 4.0, alpha: float = 1e-4,
) -> list[InsightAlert]:
    """Alerts whose bucket starts in [since, until) (``None`` = open). ``flt`` filters channel/region/language;
    its period is ignored so the baseline has history. Buckets with fewer than ``min_volume`` items (volume) or
    ``min_trials`` answers (rates) are not alerted on (no alerts on a handful of answers)."""
    freq_code, pandas_freq = _FREQ[grain]
    base = KpiFilter(end=flt.end, channels=flt.channels, regions=flt.regions, languages=flt.languages)
    found: list[InsightAlert] = []
    for dims in series:
        df = counts_by(wh, (grain, *dims), base)
        df = df.dropna(subset=list(dims))
        df = df[(df[list(dims)] != "").all(axis=1)] if len(df) else df
        if df.empty:
            continue
        full = _filled(df, dims, grain, pandas_freq)
        judged = full
        if since is not None:
            judged = judged[judged["bucket"] >= pd.Timestamp(since)]
        if until is not None:
            judged = judged[judged["bucket"] < pd.Timestamp(until)]
        for metric, (value, trials) in METRICS.items():
            # only keys that reach the minimum size in a judged bucket can alert: skip the rest (speed)
            need = judged[judged[trials or "volume"] >= (min_trials if trials else min_volume)]
            keys = need[list(dims)].drop_duplicates()
            if keys.empty:
                continue
            sub = full.merge(keys, on=list(dims), how="inner")
            sub = _screen(sub, dims, value, trials, since, until, min_history, z_threshold)
            if sub.empty:
                continue
            frame = sub[[*dims, "bucket", value, *([trials] if trials else [])]].copy()
            frame = frame.rename(columns={value: "k" if trials else "n", **({trials: "n"} if trials else {})})
            if trials:
                alerts = detect_anomalies(frame, by=list(dims), freq=freq_code, value="k", trials="n",
                                          min_history=min_history, z_threshold=z_threshold, alpha=alpha)
            else:
                alerts = detect_anomalies(frame, by=list(dims), freq=freq_code, value="n",
                                          min_history=min_history, z_threshold=z_threshold, alpha=alpha,
                                          min_expected=1.0)
            found.extend(_keep(alerts, dims, metric, sub, since, until, min_trials if trials else min_volume,
                               trials or "volume"))
    found.sort(key=lambda a: (-abs(a.z), a.bucket))
    return found


def _keep(alerts: list[Alert], dims: Sequence[str], metric: str, full: pd.DataFrame, since: date | None,
          until: date | None, min_volume: int, size_col: str) -> list[InsightAlert]:
    out = []
    volume = {(tuple(str(v) for v in row[:-2]), row[-2]): row[-1]
              for row in full[[*dims, "bucket", size_col]].itertuples(index=False)}
    for a in alerts:
        day = a.bucket.date()
        if (since and day < since) or (until and day >= until):
            continue
        key = a.key if isinstance(a.key, tuple) else (a.key,)
        key = tuple(str(k) for k in key)
        if volume.get((key, a.bucket), 0) < min_volume or not np.isfinite(a.z):
            continue
        out.append(InsightAlert(tuple(dims), key, metric, day, float(a.observed), float(a.expected), float(a.z),
                                float(a.p_value), a.direction, a.severity, a.n))
    return out


def _screen(full: pd.DataFrame, dims: Sequence[str], value: str, trials: str | None, since: date | None,
            until: date | None, min_history: int, z_threshold: float, window: int = 12) -> pd.DataFrame:
    """Keep only keys where some judged bucket reaches |z| >= threshold by the library's own z formula (median
    and MAD of the previous ``window`` buckets; scale floors sqrt(expected) / binomial s.d.), vectorised. The
    library then re-judges those keys exactly (incl. the p-value), so the screen only saves time."""
    keep = []
    for key, g in full.groupby(list(dims), sort=False):
        g = g.sort_values("bucket")
        obs = g[value].to_numpy(float)
        tri = g[trials].to_numpy(float) if trials else None
        x = obs / np.where(tri > 0, tri, np.nan) if tri is not None else obs
        pad = np.concatenate([np.full(window, np.nan), x])
        win = np.lib.stride_tricks.sliding_window_view(pad, window)[: len(x)]  # previous `window` values
        enough = np.sum(~np.isnan(win), axis=1) >= (min_history if tri is None else max(1, min_history // 2))
        with np.errstate(all="ignore"), __import__("warnings").catch_warnings():
            __import__("warnings").simplefilter("ignore", RuntimeWarning)
            med = np.nanmedian(win, axis=1)
            mad = np.nanmedian(np.abs(win - med[:, None]), axis=1)
            if tri is None:
                floor = np.maximum(np.sqrt(np.maximum(med, 0)), 1.0)
            else:
                p = np.clip(med, 1e-6, 1 - 1e-6)
                floor = np.sqrt(p * (1 - p) / np.where(tri > 0, tri, np.nan))
            z = (x - med) / np.maximum(1.4826 * mad, floor)
        b = g["bucket"]
        judged = enough & np.isfinite(z) & (np.abs(z) >= z_threshold * 0.9)
        if since is not None:
            judged &= (b >= pd.Timestamp(since)).to_numpy()
        if until is not None:
            judged &= (b < pd.Timestamp(until)).to_numpy()
        if judged.any():
            keep.append(key if isinstance(key, tuple) else (key,))
    if not keep:
        return full.iloc[0:0]
    return full.merge(pd.DataFrame(keep, columns=list(dims)), on=list(dims), how="inner")
