"""Customer lifetime value: the simple formula, an RFM summary builder, and the probabilistic models.

Simple CLV (the project's seed texts): ``CLV = average purchase value x purchases per year x lifetime in years``,
where the lifetime is given or derived from an annual churn rate as ``1 / churn``.

The probabilistic BG/NBD and Gamma-Gamma models live in :mod:`resonanz.core.metrics.clv_models` and are
re-exported here; :func:`rfm_summary` turns a transaction table into their inputs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from resonanz.core.errors import MetricsError
from resonanz.core.metrics.clv_models import (
    BetaGeoParams,
    GammaGammaParams,
    bgnbd_conditional_expected_purchases,
    bgnbd_expected_purchases,
    bgnbd_probability_alive,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_expected_spend,
    model_clv,
)

__all__ = [
    "BetaGeoParams",
    "GammaGammaParams",
    "bgnbd_conditional_expected_purchases",
    "bgnbd_expected_purchases",
    "bgnbd_probability_alive",
    "clv_by_segment",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_expected_spend",
    "lifetime_from_churn",
    "model_clv",
    "rfm_summary",
    "simple_clv",
    "simple_clv_from_transactions",
]

DAYS_PER_YEAR = 365.25


def _require(df: pd.DataFrame, cols: Sequence[str]) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise MetricsError(f"columns {missing} not in frame (has {list(df.columns)})", code="E303")


def lifetime_from_churn(churn_rate: float) -> float:
    """Expected customer lifetime in years from an annual churn rate: 1 / churn (geometric retention)."""
    if not 0.0 < churn_rate <= 1.0:
        raise MetricsError(f"annual churn rate must be in (0, 1], got {churn_rate!r}", code="E312")
    return 1.0 / churn_rate


def simple_clv(avg_purchase_value: float, purchases_per_year: float, lifetime_years: float) -> float:
    """CLV = average purchase value x purchase frequency (per year) x customer lifetime (years)."""
    if min(avg_purchase_value, purchases_per_year, lifetime_years) < 0:
        raise MetricsError("CLV inputs must not be negative", code="E312")
    return avg_purchase_value * purchases_per_year * lifetime_years


def _prepare(tx: pd.DataFrame, customer_col: str, date_col: str, amount_col: str | None) -> pd.DataFrame:
    _require(tx, [customer_col, date_col] + ([amount_col] if amount_col else []))
    out = tx.copy()
    out[date_col] = pd.to_datetime(out[date_col], errors="coerce")
    if out[date_col].isna().any():
        bad = tx.loc[out[date_col].isna(), date_col].iloc[0]
        raise MetricsError(f"transaction date {bad!r} is not a date", code="E313", value=bad)
    if amount_col:
        out[amount_col] = pd.to_numeric(out[amount_col], errors="coerce")
        if out[amount_col].isna().any():
            bad = tx.loc[out[amount_col].isna(), amount_col].iloc[0]
            raise MetricsError(f"transaction amount {bad!r} is not a number", code="E313", value=bad)
    return out


def simple_clv_from_transactions(
    tx: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str = "amount",
    lifetime_years: float | None = None,
    churn_rate: float | None = None,
    observation_end: pd.Timestamp | str | None = None,
    min_tenure_days: float = 30.0,
) -> pd.DataFrame:
    """Per-customer simple CLV from a transaction table.

    Columns: ``orders, revenue, avg_purchase_value, tenure_years, purchases_per_year, lifetime_years, clv``.
    ``purchases_per_year = orders / tenure`` where tenure runs from the first order to ``observation_end``
    (default: the last date in the table), at least ``min_tenure_days`` so a brand-new customer is not
    extrapolated to hundreds of orders a year. Give exactly one of ``lifetime_years`` or ``churn_rate``.
    """
    if (lifetime_years is None) == (churn_rate is None):
        raise MetricsError("give exactly one of lifetime_years or churn_rate", code="E312")
    life = lifetime_years if lifetime_years is not None else lifetime_from_churn(float(churn_rate or 0.0))
    if life < 0:
        raise MetricsError(f"lifetime_years must not be negative, got {life!r}", code="E312")
    t = _prepare(tx, customer_col, date_col, amount_col)
    end = pd.Timestamp(observation_end) if observation_end is not None else t[date_col].max()
    g = t.groupby(customer_col, sort=True)
    out = pd.DataFrame({"orders": g.size(), "revenue": g[amount_col].sum(), "first": g[date_col].min()})
    out["avg_purchase_value"] = out["revenue"] / out["orders"]
    days = ((end - out["first"]).dt.total_seconds() / 86400.0).clip(lower=min_tenure_days)
    out["tenure_years"] = days / DAYS_PER_YEAR
    out["purchases_per_year"] = out["orders"] / out["tenure_years"]
    out["lifetime_years"] = life
    out["clv"] = out["avg_purchase_value"] * out["purchases_per_year"] * life
    return out.drop(columns=["first"]).reset_index()


def clv_by_segment(
    per_customer: pd.DataFrame,
    segments: pd.Series | pd.DataFrame,
    *,
    segment_col: str = "segment",
    customer_col: str = "customer_id",
    clv_col: str = "clv",
) -> pd.DataFrame:
    """Aggregate per-customer CLV per segment: ``customers, clv_mean, clv_median, clv_total``.

    ``segments`` is a Series indexed by customer id, or a frame with ``customer_col`` and ``segment_col``.
    Customers without a segment are grouped under ``None``-free label ``"(none)"``.
    """
    _require(per_customer, [customer_col, clv_col])
    if isinstance(segments, pd.Series):
        seg = segments.rename(segment_col).rename_axis(customer_col).reset_index()
    else:
        _require(segments, [customer_col, segment_col])
        seg = segments[[customer_col, segment_col]]
    df = per_customer[[customer_col, clv_col]].merge(seg, on=customer_col, how="left")
    df[segment_col] = df[segment_col].fillna("(none)")
    g = df.groupby(segment_col, sort=True)[clv_col]
    return g.agg(customers="size", clv_mean="mean", clv_median="median", clv_total="sum").reset_index()


def rfm_summary(
    tx: pd.DataFrame,
    *,
    customer_col: str = "customer_id",
    date_col: str = "date",
    amount_col: str | None = "amount",
    observation_end: pd.Timestamp | str | None = None,
    time_unit_days: float = 1.0,
) -> pd.DataFrame:
    """Transactions -> one row per customer with ``frequency, recency, T`` (and ``monetary_value``).

    Same definitions as ``lifetimes.utils.summary_data_from_transaction_data(freq="D",
    freq_multiplier=time_unit_days)``: purchases are collapsed to calendar days; ``frequency`` = purchase days - 1
    (repeat purchases); ``recency`` = last - first purchase day; ``T`` = ``observation_end`` - first purchase
    day; durations in days / ``time_unit_days`` (7 for weeks). ``monetary_value`` = mean daily spend over
    the repeat purchase days (0 when there are none). Transactions after ``observation_end`` are ignored.
    """
    if time_unit_days <= 0:
        raise MetricsError("time_unit_days must be positive", code="E312")
    t = _prepare(tx, customer_col, date_col, amount_col)
    t[date_col] = t[date_col].dt.normalize()
    end = pd.Timestamp(observation_end).normalize() if observation_end is not None else t[date_col].max()
    t = t[t[date_col] <= end]
    if t.empty:
        raise MetricsError("no transactions on or before the observation end", code="E313")
    cols = [customer_col, date_col]
    daily = (
        t.groupby(cols, sort=True)[amount_col].sum().reset_index()
        if amount_col
        else t[cols].drop_duplicates().sort_values(cols)
    )
    g = daily.groupby(customer_col, sort=True)
    first, last = g[date_col].min(), g[date_col].max()
    out = pd.DataFrame(index=first.index)
    out["frequency"] = (g.size() - 1).astype(np.float64)
    out["recency"] = (last - first).dt.days / time_unit_days
    out["T"] = (end - first).dt.days / time_unit_days
    if amount_col:
        is_first = daily[date_col].to_numpy() == daily[customer_col].map(first).to_numpy()
        repeat = daily[~is_first].groupby(customer_col)[amount_col].mean()
        out["monetary_value"] = repeat.reindex(out.index).fillna(0.0)
    return out
