"""Customer value and churn for the dashboards: loads customers/orders/events (and per-customer feedback for the
churn model) from the operational database into frames and runs ``core.insights.value`` on them.

Everything expensive is cached per *data version* (max id and row count of customers, orders and events (+ newest
feedback id for the churn model), the churn settings + the day): page views reuse the frames, the fitted BG/NBD / Gamma-Gamma
parameters and the churn model until the data changes. The cache is per process (a dict guarded by a lock).
Settings: ``RESONANZ_CHURN_EVENTS`` (default account_closed, subscription_cancelled),
``RESONANZ_CHURN_INACTIVITY_DAYS`` (180), ``RESONANZ_CLV_HORIZON_MONTHS`` (12), ``RESONANZ_FX_TO_EUR``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resonanz.core.insights import value as core
from resonanz.customers.models import Customer, Order
from resonanz.feedback.models import Feedback
from resonanz.journeys.models import Event

FEATURE_LABELS = {
    "tenure_days": _("Kundendauer (Tage)"), "orders": _("Bestellungen"), "revenue": _("Umsatz"),
    "days_since_order": _("Tage seit letzter Bestellung"), "feedback": _("Feedback-Anzahl"),
    "nps_mean": _("Ø NPS"), "detractor_answers": _("Kritiker-Antworten"), "negative_texts": _("negative Texte"),
    "region": _("Region"), "acquisition_source": _("Akquisequelle"), "age_band": _("Altersgruppe"),
}
FX_DEFAULT = {"EUR": 1.0, "CHF": 0.95, "USD": 0.92, "GBP": 1.17}
_cache: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_lock = threading.Lock()
_CACHE_SIZE = 16


def churn_settings() -> tuple[tuple[str, ...], int]:
    events = tuple(getattr(settings, "RESONANZ_CHURN_EVENTS", ("account_closed", "subscription_cancelled")))
    return events, int(getattr(settings, "RESONANZ_CHURN_INACTIVITY_DAYS", 180))


def data_version() -> tuple[Any, ...]:
    """Cheap fingerprint of customers, orders and events (one aggregate query per table); the churn model adds
    the newest feedback id."""
    parts: list[Any] = []
    for model in (Customer, Order, Event):
        agg = model.objects.aggregate(m=Max("id"), n=Count("id"))
        parts.extend([agg["m"], agg["n"]])
    return (*parts, churn_settings(), timezone.localdate().isoformat())


def cached(name: str, version: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
    """``compute()`` once per (name, data version) in this process (small LRU)."""
    key = (name, version)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    value = compute()
    with _lock:
        _cache[key] = value
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return value


def cache_clear() -> None:
    with _lock:
        _cache.clear()


def _naive(values: list[datetime | None]) -> pd.Series:
    s = pd.to_datetime(pd.Series(values, dtype=object), utc=True, errors="coerce")
    return s.dt.tz_localize(None) if len(s) else pd.Series([], dtype="datetime64[ns]")


def _load_inputs() -> core.ValueInputs:
    cancel, inactivity = churn_settings()
    fx = {**FX_DEFAULT, **getattr(settings, "RESONANZ_FX_TO_EUR", {})}
    c = list(Customer.objects.values_list("id", "created_at", "region", "country", "acquisition_source", "age_band"))
    customers = pd.DataFrame(c, columns=["customer_id", "created_at", "region", "country", "acquisition_source",
                                         "age_band"])
    customers["created_at"] = _naive(customers["created_at"].tolist())
    o = list(Order.objects.values_list("customer_id", "ordered_at", "amount", "currency"))
    orders = pd.DataFrame(o, columns=["customer_id", "ordered_at", "amount", "currency"])
    orders["ordered_at"] = _naive(orders["ordered_at"].tolist())
    rate = orders["currency"].map(lambda cur: fx.get((cur or "EUR").upper(), 1.0))
    orders["amount"] = orders["amount"].astype(float) * rate.astype(float) if len(orders) else 0.0
    e = list(Event.objects.values_list("customer_id", "occurred_at", "type"))
    events = pd.DataFrame(e, columns=["customer_id", "occurred_at", "type"])
    events["occurred_at"] = _naive(events["occurred_at"].tolist())
    end = pd.Timestamp(timezone.now()).tz_convert("UTC").tz_localize(None)
    return core.clip_future(core.ValueInputs(customers, orders, events, end, cancel, inactivity))


def _load_feedback() -> pd.DataFrame:
    rows = list(Feedback.objects.filter(customer__isnull=False).values_list(
        "customer_id", "received_at", "nps", "analysis__sentiment"))
    fb = pd.DataFrame(rows, columns=["customer_id", "received_at", "nps", "sentiment"])
    fb["received_at"] = _naive(fb["received_at"].tolist())
    fb["nps"] = pd.to_numeric(fb["nps"], errors="coerce")
    fb["negative"] = (fb["sentiment"] == "negative").astype(float)
    return fb.drop(columns=["sentiment"])


def inputs(version: tuple[Any, ...] | None = None) -> core.ValueInputs:
    return cached("inputs", version or data_version(), _load_inputs)


def base(version: tuple[Any, ...] | None = None) -> dict[str, Any]:
    """Lifespans, lifetime and per-customer simple CLV (cheap to reuse: the overview tiles need them)."""
    version = version or data_version()

    def compute() -> dict[str, Any]:
        inp = inputs(version)
        spans = core.lifespans(inp)
        lifetime, annual = core.annual_lifetime(spans, inp.observation_end)
        per = core.simple_clv(inp, lifetime)
        return {"inputs": inp, "spans": spans, "lifetime": lifetime, "annual_churn": annual, "per": per}

    return cached("base", version, compute)


def churn_tile(start: Any, end: Any, prev_start: Any, prev_end: Any) -> dict[str, Any]:
    """Churn rate in the period and the previous one: (churned, at risk) counts for both."""
    b = base()
    spans = b["spans"]
    if spans.empty:
        return {"current": (0, 0), "previous": (0, 0)}

    def ts(d: Any) -> pd.Timestamp | None:
        return None if d is None else pd.Timestamp(d)

    end_ts = ts(end) or b["inputs"].observation_end
    cur = core.churn_rate(spans, ts(start), end_ts)
    prev = core.churn_rate(spans, ts(prev_start), ts(prev_end)) if prev_start is not None and prev_end else (0, 0)
    return {"current": cur, "previous": prev}


def _model(version: tuple[Any, ...]) -> dict[str, Any]:
    def compute() -> dict[str, Any]:
        months = int(getattr(settings, "RESONANZ_CLV_HORIZON_MONTHS", 12))
        frame, params = core.model_clv_frame(inputs(version), months=months)
        return {"frame": frame, "params": params, "months": months}

    return cached("model_clv", version, compute)


def _risk(version: tuple[Any, ...]) -> core.ChurnRisk:
    fb_version = (*version, Feedback.objects.aggregate(m=Max("id"))["m"])
    return cached("churn_risk", fb_version, lambda: core.churn_risk(inputs(version), _load_feedback()))


def _finite(v: Any) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


def customers_value(*, segment: str = "value_tier", risk_limit: int = 20) -> dict[str, Any]:
    """Everything the customers & value page shows (the same numbers the tests assert)."""
    if segment not in core.SEGMENT_COLUMNS:
        segment = "value_tier"
    version = data_version()
    b = base(version)
    per: pd.DataFrame = b["per"]
    inp: core.ValueInputs = b["inputs"]
    out: dict[str, Any] = {"customers": int(len(per)), "segment": segment, "lifetime": b["lifetime"],
                           "annual_churn": b["annual_churn"], "inactivity_days": inp.inactivity_days}
    if per.empty:
        return {**out, "empty": True}
    buyers = per[per["orders"] > 0]
    out["buyers"] = int(len(buyers))
    out["without_orders"] = int(len(per) - len(buyers))
    out["clv_mean"] = _finite(per["clv"].mean())
    out["clv_median_buyers"] = _finite(buyers["clv"].median()) if len(buyers) else None
    model = _model(version)
    merged = per.merge(model["frame"], on="customer_id", how="left") if model["frame"] is not None else per.assign(
        model_clv=np.nan)
    out["model_params"], out["horizon_months"] = model["params"], model["months"]
    out["model_clv_mean"] = _finite(merged["model_clv"].mean()) if model["frame"] is not None else None
    seg = merged.assign(seg=merged[segment].fillna("").astype(str).replace("", "–"))
    g = seg.groupby("seg")
    table = pd.DataFrame({
        "customers": g.size(), "buyers": g["orders"].apply(lambda s: int((s > 0).sum())),
        "clv_mean": g["clv"].mean(), "clv_median": g["clv"].median(), "clv_total": g["clv"].sum(),
        "model_clv_mean": g["model_clv"].mean(), "orders_per_customer": g["orders"].mean(),
    }).reset_index().sort_values("clv_mean", ascending=False)
    out["by_segment"] = [{k: (_finite(v) if k != "seg" else v) for k, v in row.items()}
                         for row in table.to_dict("records")]
    out["clv_values"] = [float(v) for v in buyers["clv"].to_numpy()]
    out["per_customer"] = merged
    out["retention"] = core.retention(b["spans"], inp.observation_end)
    risk = _risk(version)
    out["risk_reason"], out["risk_trained_on"], out["risk_base_rate"] = risk.reason, risk.trained_on, risk.churn_share
    out["risk_auc"] = (risk.model.cv_auc or {}).get("logistic") if risk.model else None
    out["risk"] = _risk_rows(risk.scored.head(risk_limit), merged)
    out["empty"] = False
    return out


def _shown(v: Any) -> str:
    """A factor value for display: text as is ("?" = unknown), numbers rounded, NaN as "–"."""
    if isinstance(v, str):
        return v or "–"
    f = _finite(v)
    return "–" if f is None else (f"{f:.0f}" if abs(f - round(f)) < 1e-9 else f"{f:.1f}")


def feature_label(name: str) -> str:
    if name.startswith("events_"):
        return f"{_('Ereignisse')}: {name[7:]}"
    return str(FEATURE_LABELS.get(name, name))


def _risk_rows(scored: pd.DataFrame, per: pd.DataFrame) -> list[dict[str, Any]]:
    if scored.empty:
        return []
    ids = [int(i) for i in scored["customer_id"]]
    names = {c.id: c for c in Customer.objects.filter(id__in=ids).only("id", "external_id", "name")}
    clv = per.set_index("customer_id")["clv"].to_dict()
    rows = []
    for r in scored.itertuples(index=False):
        cust = names.get(int(r.customer_id))
        if cust is None:
            continue
        factors = [{"feature": feature_label(f), "value": _shown(v), "weight": _finite(w)} for f, v, w in r.factors]
        rows.append({"customer": cust, "risk": _finite(r.risk), "factors": factors, "clv": _finite(clv.get(cust.id))})
    return rows


def retention_rows(matrix: pd.DataFrame) -> tuple[list[dict[str, Any]], list[str], list[list[float | None]], list[str]]:
    """The retention matrix as table rows and heatmap arrays (percent; unobservable cells None)."""
    if matrix is None or matrix.empty:
        return [], [], [], []
    months = [c for c in matrix.columns if c != "customers"]
    rows, z = [], []
    for cohort, r in matrix.iterrows():
        cells = [None if pd.isna(r[m]) else round(100.0 * float(r[m]), 1) for m in months]
        rows.append({"cohort": str(cohort), "customers": int(r["customers"]), "cells": cells})
        z.append(cells)
    return rows, [str(m) for m in months], z, [str(c) for c in matrix.index]
