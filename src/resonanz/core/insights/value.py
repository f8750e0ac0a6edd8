"""Customer value and churn from plain frames (no Django): lifespans, churn rate, simple and model CLV, value
tiers, a churn-risk model trained on the account's own history, and retention cohorts.

Inputs (pandas, naive UTC timestamps): ``customers`` (customer_id, created_at, + segment columns), ``orders``
(customer_id, ordered_at, amount in one currency), ``events`` (customer_id, occurred_at, type) and optionally
``feedback`` (customer_id, received_at, nps, negative). Rows dated after ``observation_end`` are ignored
(future dates never count). Churn = an explicit cancellation event or ``inactivity_days`` without an order or
event (the later is only final ``inactivity_days`` after the last activity).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from resonanz.core.errors import MetricsError
from resonanz.core.metrics.churn import retention_matrix
from resonanz.core.metrics.churn_model import ChurnModel, train_churn_model
from resonanz.core.metrics.clv import rfm_summary, simple_clv_from_transactions
from resonanz.core.metrics.clv_models import fit_bgnbd, fit_gamma_gamma, model_clv

MAX_LIFETIME_YEARS = 10.0
MIN_LIFETIME_YEARS = 0.5
SEGMENT_COLUMNS = ("region", "country", "acquisition_source", "age_band", "value_tier")
TIERS = ("A", "B", "C", "-")  # top 10 %, next 20 %, rest, no orders


@dataclass
class ValueInputs:
    customers: pd.DataFrame
    orders: pd.DataFrame
    events: pd.DataFrame
    observation_end: pd.Timestamp
    cancel_types: Sequence[str] = ("account_closed", "subscription_cancelled")
    inactivity_days: int = 180


def clip_future(inp: ValueInputs) -> ValueInputs:
    """Drop orders/events after the observation end; customers created later start at the end."""
    end = inp.observation_end
    cust = inp.customers.copy()
    cust["created_at"] = pd.to_datetime(cust["created_at"]).clip(upper=end)
    orders = inp.orders[pd.to_datetime(inp.orders["ordered_at"]) <= end]
    events = inp.events[pd.to_datetime(inp.events["occurred_at"]) <= end]
    return ValueInputs(cust, orders, events, end, inp.cancel_types, inp.inactivity_days)


def lifespans(inp: ValueInputs, *, at: pd.Timestamp | None = None) -> pd.DataFrame:
    """Per customer: ``customer_id, start, last_activity, churn_date`` (NaT = active) as known at ``at``."""
    at = at or inp.observation_end
    cust = inp.customers[["customer_id", "created_at"]].rename(columns={"created_at": "start"})
    o = inp.orders[inp.orders["ordered_at"] <= at][["customer_id", "ordered_at"]].rename(columns={"ordered_at": "t"})
    e = inp.events[inp.events["occurred_at"] <= at]
    acts = pd.concat([o, e[["customer_id", "occurred_at"]].rename(columns={"occurred_at": "t"})])
    last = acts.groupby("customer_id")["t"].max()
    cancel = e[e["type"].isin(list(inp.cancel_types))].groupby("customer_id")["occurred_at"].min()
    out = cust.set_index("customer_id")
    out["last_activity"] = last.reindex(out.index)
    out["last_activity"] = out["last_activity"].fillna(out["start"]).clip(lower=out["start"])
    inactive = out["last_activity"] + pd.Timedelta(days=inp.inactivity_days)
    inactive = inactive.where(inactive <= at)
    cancelled = cancel.reindex(out.index)
    out["churn_date"] = pd.concat([inactive, cancelled], axis=1).min(axis=1)
    out = out[out["start"] <= at]
    return out.reset_index()


def churn_rate(spans: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp) -> tuple[int, int]:
    """(churned, at_risk) in [start, end): at risk = started before ``start`` and not churned before it.
    ``start=None`` (all time) counts every customer who started before ``end``."""
    s, c = spans["start"], spans["churn_date"]
    if start is None:
        at_risk = s < end
        churned = at_risk & c.notna() & (c < end)
    else:
        at_risk = (s < start) & (c.isna() | (c >= start))
        churned = at_risk & c.notna() & (c < end)
    return int(churned.sum()), int(at_risk.sum())


def annual_lifetime(spans: pd.DataFrame, end: pd.Timestamp) -> tuple[float, float | None]:
    """Expected lifetime in years = 1 / annual churn rate of the last 12 months (clipped to 0.5–10 years)."""
    churned, at_risk = churn_rate(spans, end - pd.Timedelta(days=365), end)
    rate = churned / at_risk if at_risk else None
    if not rate:
        return MAX_LIFETIME_YEARS, rate
    return float(np.clip(1.0 / rate, MIN_LIFETIME_YEARS, MAX_LIFETIME_YEARS)), rate


def simple_clv(inp: ValueInputs, lifetime_years: float) -> pd.DataFrame:
    """Per customer (all customers): orders, revenue, avg_purchase_value, purchases_per_year, clv (0 without orders),
    plus the segment columns and ``value_tier``."""
    cust = inp.customers.copy()
    if len(inp.orders):
        tx = inp.orders.rename(columns={"ordered_at": "date"})[["customer_id", "date", "amount"]]
        per = simple_clv_from_transactions(tx, lifetime_years=lifetime_years, observation_end=inp.observation_end)
        per = per[["customer_id", "orders", "revenue", "avg_purchase_value", "purchases_per_year", "clv"]]
        cust = cust.merge(per, on="customer_id", how="left")
    else:
        for col in ("orders", "revenue", "avg_purchase_value", "purchases_per_year", "clv"):
            cust[col] = np.nan
    cust["orders"] = cust["orders"].fillna(0).astype("int64")
    for col in ("revenue", "clv", "purchases_per_year"):
        cust[col] = cust[col].fillna(0.0).astype(float)
    cust["value_tier"] = value_tiers(cust["clv"], cust["orders"])
    return cust


def value_tiers(clv: pd.Series, orders: pd.Series) -> pd.Series:
    """A = top 10 % of CLV among buyers, B = next 20 %, C = the rest, "-" = no orders."""
    tier = pd.Series("-", index=clv.index, dtype=object)
    buyers = orders > 0
    if buyers.any():
        rank = clv[buyers].rank(pct=True, method="first")
        tier[buyers] = np.where(rank > 0.9, "A", np.where(rank > 0.7, "B", "C"))
    return tier


def model_clv_frame(inp: ValueInputs, *, months: int = 12) -> tuple[pd.DataFrame | None, dict[str, float] | None]:
    """BG/NBD + Gamma-Gamma expected value over ``months`` per buying customer (``customer_id, expected_purchases
    -free model_clv``) and the fitted parameters; ``(None, None)`` when the data cannot support the fit."""
    if inp.orders.empty:
        return None, None
    tx = inp.orders.rename(columns={"ordered_at": "date"})[["customer_id", "date", "amount"]]
    try:
        rfm = rfm_summary(tx, observation_end=inp.observation_end, time_unit_days=7)
        if int((rfm["frequency"] > 0).sum()) < 20:
            return None, None
        bg = fit_bgnbd(rfm["frequency"], rfm["recency"], rfm["T"])
        gg = fit_gamma_gamma(rfm["frequency"], rfm["monetary_value"])
        value = model_clv(bg, gg, rfm["frequency"], rfm["recency"], rfm["T"], rfm["monetary_value"],
                          months=months, units_per_month=4.345)
    except (MetricsError, ValueError, FloatingPointError):
        return None, None
    value = np.where(np.isfinite(value), value, np.nan)
    out = pd.DataFrame({"customer_id": rfm.index if "customer_id" not in rfm.columns else rfm["customer_id"],
                        "model_clv": value})
    params = {"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b, "p": gg.p, "q": gg.q, "v": gg.v}
    return out.dropna(), params


# ---- churn-risk model ------------------------------------------------------------------------------------------
def churn_features(inp: ValueInputs, at: pd.Timestamp, customer_ids: pd.Index,
                   feedback: pd.DataFrame | None, event_types: Sequence[str]) -> pd.DataFrame:
    """Features as known at ``at`` (only data before it): tenure, orders, revenue, recency, counts of the most
    common event types in the last 365 days, feedback count / mean NPS / detractors / negative texts, segments."""
    idx = pd.Index(customer_ids, name="customer_id")
    cust = inp.customers.set_index("customer_id").reindex(idx)
    f = pd.DataFrame(index=idx)
    f["tenure_days"] = (at - cust["created_at"]).dt.days.clip(lower=0)
    o = inp.orders[inp.orders["ordered_at"] < at]
    g = o.groupby("customer_id")
    f["orders"] = g.size().reindex(idx).fillna(0)
    f["revenue"] = g["amount"].sum().reindex(idx).fillna(0.0)
    last = g["ordered_at"].max().reindex(idx)
    f["days_since_order"] = (at - last).dt.days.fillna(f["tenure_days"] + 365)
    e = inp.events[(inp.events["occurred_at"] < at) & (inp.events["occurred_at"] >= at - pd.Timedelta(days=365))]
    counts = e[e["type"].isin(list(event_types))].groupby(["customer_id", "type"]).size().unstack(fill_value=0)
    for t in event_types:
        f[f"events_{t}"] = counts[t].reindex(idx).fillna(0) if t in counts.columns else 0.0
    if feedback is not None and len(feedback):
        fb = feedback[feedback["received_at"] < at]
        fg = fb.groupby("customer_id")
        f["feedback"] = fg.size().reindex(idx).fillna(0)
        f["nps_mean"] = fg["nps"].mean().reindex(idx)
        f["detractor_answers"] = fb[fb["nps"] <= 6].groupby("customer_id").size().reindex(idx).fillna(0)
        f["negative_texts"] = fg["negative"].sum().reindex(idx).fillna(0)
    for col in ("region", "acquisition_source", "age_band"):
        if col in cust.columns:
            f[col] = cust[col].fillna("").astype(str).replace("", "?")
    return f


@dataclass
class ChurnRisk:
    model: ChurnModel | None
    scored: pd.DataFrame  # customer_id, risk, factors
    trained_on: int
    churn_share: float | None
    reason: str = ""


def churn_risk(inp: ValueInputs, feedback: pd.DataFrame | None = None, *, top_event_types: int = 8,
               min_per_class: int = 15) -> ChurnRisk:
    """Train on customers active at ``end - inactivity_days`` (label: churned since then), score the customers
    active now, and explain each score by its top factors (logistic model: exact additive contributions)."""
    end = inp.observation_end
    cutoff = end - pd.Timedelta(days=inp.inactivity_days)
    full = lifespans(inp).set_index("customer_id")
    then = lifespans(inp, at=cutoff).set_index("customer_id")
    population = then.index[then["churn_date"].isna() & (then["start"] < cutoff)]
    label = full.loc[population, "churn_date"].notna().astype(int)
    empty = pd.DataFrame(columns=["customer_id", "risk", "factors"])
    if label.sum() < min_per_class or (len(label) - label.sum()) < min_per_class:
        return ChurnRisk(None, empty, int(len(label)), float(label.mean()) if len(label) else None,
                         reason="history")
    types = [t for t in inp.events["type"].value_counts().index[:top_event_types] if t not in inp.cancel_types]
    x = churn_features(inp, cutoff, population, feedback, types)
    frame = x.assign(churned=label.to_numpy())
    try:
        model = train_churn_model(frame, "churned", candidates=("logistic",), folds=3)
    except MetricsError:
        return ChurnRisk(None, empty, int(len(label)), float(label.mean()), reason="model")
    active = full.index[full["churn_date"].isna()]
    if len(active) == 0:
        return ChurnRisk(model, empty, int(len(label)), float(label.mean()))
    now = churn_features(inp, end, active, feedback, types)
    expl = model.explain(now, top=3)
    scored = pd.DataFrame({"customer_id": active, "risk": expl["risk"].to_numpy(), "factors": expl["factors"].to_list()})
    return ChurnRisk(model, scored.sort_values("risk", ascending=False).reset_index(drop=True), int(len(label)),
                     float(label.mean()))


def retention(spans: pd.DataFrame, end: pd.Timestamp, *, cohorts: int = 18, months: int = 12) -> pd.DataFrame:
    """Monthly acquisition cohorts (the last ``cohorts``) x months since acquisition: share still active."""
    if spans.empty:
        return pd.DataFrame(columns=["customers"])
    first = (end.to_period("M") - (cohorts - 1)).start_time
    recent = spans[spans["start"] >= first]
    if recent.empty:
        return pd.DataFrame(columns=["customers"])
    return retention_matrix(recent[["start", "churn_date"]], observation_end=end, max_months=months)
