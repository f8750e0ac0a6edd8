"""Churn rate per period and retention cohorts, with a configurable definition of churn (no Django).

Two definitions, both reduced to one *lifespan* per customer (``start``, ``churn_date`` or NaT if still active):

* ``cancellations``: an explicit cancellation date per customer (contract ended, account closed).
* ``inactivity``: a customer churns ``inactivity_days`` after their last order/event, provided that day is on or
  before ``observation_end`` (otherwise they are still active). Note: churn in a period is only final
  ``inactivity_days`` after it ends.

Churn rate of a period = customers who churned during the period / customers active at its start (customers
acquired during the period are not at risk yet). The churn-risk model is in
:mod:`resonanz.core.metrics.churn_model`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from resonanz.core.errors import MetricsError

Freq = Literal["D", "W", "M", "Q", "Y"]
_PERIOD = {"D": "D", "W": "W-SUN", "M": "M", "Q": "Q", "Y": "Y"}


def _require(df: pd.DataFrame, cols: Sequence[str]) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise MetricsError(f"columns {missing} not in frame (has {list(df.columns)})", code="E303")


def _dates(s: pd.Series, name: str, *, allow_missing: bool = False) -> pd.Series:
    out = pd.to_datetime(s, errors="coerce")
    bad = out.isna() & s.notna() if allow_missing else out.isna()
    if bool(bad.any()):
        v = s[bad].iloc[0]
        raise MetricsError(f"{name} {v!r} is not a date", code="E313", value=v)
    return out.dt.normalize()


def lifespans_from_cancellations(
    customers: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    start_col: str = "start",
    cancel_col: str = "cancelled_at",
) -> pd.DataFrame:
    """One row per customer: ``customer_id, start, churn_date`` from explicit cancellations (NaT = active)."""
    _require(customers, [customer_col, start_col, cancel_col])
    out = pd.DataFrame(
        {
            "customer_id": customers[customer_col].to_numpy(),
            "start": _dates(customers[start_col], "start date").to_numpy(),
            "churn_date": _dates(customers[cancel_col], "cancellation date", allow_missing=True).to_numpy(),
        }
    )
    if bool((out["churn_date"] < out["start"]).any()):
        bad = out.loc[out["churn_date"] < out["start"], "customer_id"].iloc[0]
        raise MetricsError(f"customer {bad!r} is cancelled before they started", code="E314", customer=bad)
    return out


def lifespans_from_activity(
    events: pd.DataFrame,
    *,
    inactivity_days: int = 90,
    customer_col: str = "customer_id",
    date_col: str = "date",
    observation_end: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """One row per customer from orders/events: churned ``inactivity_days`` after the last event if that is
    on or before ``observation_end`` (default: the last event date in the table)."""
    if inactivity_days <= 0:
        raise MetricsError(f"inactivity_days must be positive, got {inactivity_days!r}", code="E312")
    _require(events, [customer_col, date_col])
    if events.empty:
        return pd.DataFrame(
            {"customer_id": [], "start": pd.to_datetime([]), "churn_date": pd.to_datetime([])}
        )
    d = _dates(events[date_col], "event date")
    end = pd.Timestamp(observation_end).normalize() if observation_end is not None else d.max()
    g = pd.DataFrame({"c": events[customer_col].to_numpy(), "d": d.to_numpy()}).groupby("c", sort=True)["d"]
    first, last = g.min(), g.max()
    churn = last + pd.Timedelta(days=inactivity_days)
    churn = churn.where(churn <= end)
    return pd.DataFrame(
        {"customer_id": first.index, "start": first.to_numpy(), "churn_date": churn.to_numpy()}
    )


def churn_rate_by_period(
    lifespans: pd.DataFrame,
    *,
    freq: Freq = "M",
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
) -> pd.DataFrame:
    """Per period: ``period, period_start, at_risk, churned, churn_rate`` (``churn_rate`` None when nobody at risk).

    At risk = started before the period and not churned before it; churned = at risk and churn date inside it.
    Periods default to the span from the first start to the last churn/start date.
    """
    _require(lifespans, ["start", "churn_date"])
    if freq not in _PERIOD:
        raise MetricsError(f"unknown period {freq!r}; use one of {sorted(_PERIOD)}", code="E315")
    s = pd.to_datetime(lifespans["start"]).to_numpy()
    c = pd.to_datetime(lifespans["churn_date"]).to_numpy()
    if len(s) == 0 and (start is None or end is None):
        return pd.DataFrame(columns=["period", "period_start", "at_risk", "churned", "churn_rate"])
    lo = pd.Timestamp(start) if start is not None else pd.Timestamp(s.min())
    hi_candidates = [pd.Timestamp(s.max())] + ([pd.Timestamp(np.nanmax(c))] if pd.notna(c).any() else [])
    hi = pd.Timestamp(end) if end is not None else max(hi_candidates)
    periods = pd.period_range(lo, hi, freq=_PERIOD[freq])
    rows = []
    churn_known = ~pd.isna(c)
    for p in periods:
        p0, p1 = p.start_time.to_datetime64(), (p + 1).start_time.to_datetime64()
        at_risk = (s < p0) & (~churn_known | (c >= p0))
        churned = at_risk & churn_known & (c < p1)
        n_risk, n_churn = int(at_risk.sum()), int(churned.sum())
        rows.append((str(p), p.start_time, n_risk, n_churn, n_churn / n_risk if n_risk else None))
    out = pd.DataFrame([r[:4] for r in rows], columns=["period", "period_start", "at_risk", "churned"])
    out["churn_rate"] = pd.Series([r[4] for r in rows], dtype=object)
    return out


def retention_matrix(
    lifespans: pd.DataFrame,
    *,
    observation_end: pd.Timestamp | str | None = None,
    max_months: int | None = None,
) -> pd.DataFrame:
    """Monthly acquisition cohorts x months since acquisition: share of the cohort still active (not churned).

    Row index = cohort month (``YYYY-MM``), column ``customers`` = cohort size, columns ``0, 1, 2, ...`` = share
    still active at the end of month k after the acquisition month (0 = the acquisition month itself). Cells
    whose month-end lies after ``observation_end`` are not yet observable and are NaN (blank in a heatmap).
    """
    _require(lifespans, ["start", "churn_date"])
    starts = pd.to_datetime(lifespans["start"])
    churn = pd.to_datetime(lifespans["churn_date"])
    if starts.empty:
        return pd.DataFrame(columns=["customers"])
    end = (
        pd.Timestamp(observation_end)
        if observation_end is not None
        else max(starts.max(), churn.max() if churn.notna().any() else starts.max())
    )
    cohort = starts.dt.to_period("M")
    last = end.to_period("M")
    span = int((last - cohort.min()).n)
    k_max = span if max_months is None else min(span, max_months)
    table: dict[str, dict[object, float]] = {}
    for coh_key, idx in cohort.groupby(cohort).groups.items():
        coh = pd.Period(str(coh_key), freq="M")
        ch = churn.loc[idx]
        row: dict[object, float] = {"customers": float(len(idx))}
        for k in range(k_max + 1):
            month_end = (coh + k + 1).start_time  # first day after month k
            if month_end - pd.Timedelta(days=1) > end:
                row[k] = np.nan
                continue
            active = ch.isna() | (ch >= month_end)
            row[k] = float(active.mean())
        table[str(coh)] = row
    out = pd.DataFrame.from_dict(table, orient="index")
    out["customers"] = out["customers"].astype(np.int64)
    out.index.name = "cohort"
    return out
