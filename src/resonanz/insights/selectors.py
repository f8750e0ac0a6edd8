"""Reads for the overview dashboard (/): KPI tiles with period comparison, NPS trend, volume by channel, top
topics, driver matrix and current alerts. Feedback figures come from the DuckDB warehouse (daily rollups),
customer figures (churn, CLV) from ``insights.value`` (cached per data version).

Every number is ``None`` when undefined (the templates show "–"), never NaN. Every row carries ``url``: the
feedback list filtered to the responses behind it (drill-down).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from resonanz.analysis.models import Topic
from resonanz.core.insights import alerts as core_alerts
from resonanz.core.insights import hist
from resonanz.core.insights.drivers import driver_table
from resonanz.core.insights.queries import aspect_counts, counts_by, data_range, score_histograms, topic_pairs
from resonanz.core.metrics.scores import csat_from_counts, nps_from_counts
from resonanz.core.metrics.significance import Comparison, compare_proportions
from resonanz.core.warehouse.store import Warehouse
from resonanz.insights import value
from resonanz.insights.filters import GlobalFilter
from resonanz.insights.warehouse import warehouse
from resonanz.journeys.models import Channel, Touchpoint

_driver_cache: dict[tuple[Any, ...], pd.DataFrame] = {}
_driver_lock = threading.Lock()


def get_warehouse() -> Warehouse:
    return warehouse()


def clean(v: Any) -> float | None:
    """float or None (NaN/inf/None → None): nothing undefined reaches a template."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if np.isfinite(f) else None


def labels() -> dict[str, dict[str, str]]:
    """Display names of channel, touchpoint and topic codes in the current language (3 queries)."""
    lang = get_language() or "de"
    return {
        "channel": {c.code: c.label(lang) for c in Channel.objects.all()},
        "touchpoint": {t.code: t.label(lang) for t in Touchpoint.objects.all()},
        "topic": {t.key: t.label(lang) for t in Topic.objects.all()},
    }


@dataclass
class Tile:
    key: str
    label: Any
    value: float | None
    low: float | None = None
    high: float | None = None
    n: int = 0
    unit: str = ""
    digits: int = 0
    comparison: Comparison | None = None
    higher_is_better: bool = True
    url: str = ""
    note: Any = ""

    @property
    def delta(self) -> float | None:
        return clean(self.comparison.difference) if self.comparison else None

    @property
    def arrow(self) -> str:
        d = self.delta
        return "" if d is None else ("up" if d > 0 else "down" if d < 0 else "flat")

    @property
    def tone(self) -> str:
        """good / bad / neutral: significant changes only (low samples are never coloured)."""
        c = self.comparison
        if c is None or not c.significant or self.delta in (None, 0):
            return "neutral"
        return "good" if (self.delta > 0) == self.higher_is_better else "bad"

    @property
    def low_sample(self) -> bool:
        return bool(self.comparison and self.comparison.low_sample)


def tiles(wh: Warehouse, gf: GlobalFilter) -> list[Tile]:
    """NPS, CSAT, CES, stars (with 95 % intervals), churn rate and average CLV, each against the previous period."""
    cur = score_histograms(wh, gf.kpi())
    prev_f = gf.previous()
    prev = score_histograms(wh, prev_f.kpi()) if prev_f else None
    out: list[Tile] = []
    r = hist.nps_hist(cur["nps"])
    cmp = hist.compare_nps_hist(prev["nps"], cur["nps"]) if prev else None
    out.append(Tile("nps", "NPS", clean(r.value), clean(r.low), clean(r.high), r.n, comparison=cmp,
                    url=gf.feedback_url(nps_min=0)))
    sat = sum(n for v, n in cur["csat"].items() if v >= 4)
    r = csat_from_counts(sat, sum(cur["csat"].values()))
    cmp = None
    if prev:
        cmp = compare_proportions(sum(n for v, n in prev["csat"].items() if v >= 4), sum(prev["csat"].values()),
                                  sat, sum(cur["csat"].values()), metric="csat")
    out.append(Tile("csat", "CSAT", clean(r.value), clean(r.low), clean(r.high), r.n, unit="%", comparison=cmp,
                    url=gf.feedback_url(csat_min=1)))
    r = hist.mean_hist(cur["ces"], "ces", 1, 7)
    cmp = hist.compare_means_hist(prev["ces"], cur["ces"], "ces") if prev else None
    out.append(Tile("ces", "CES", clean(r.value), clean(r.low), clean(r.high), r.n, digits=1, comparison=cmp,
                    url=gf.feedback_url(ces_min=1)))
    r = hist.mean_hist(cur["rating"], "stars", 1, 5)
    if r.n:
        cmp = hist.compare_means_hist(prev["rating"], cur["rating"], "stars") if prev else None
        out.append(Tile("rating", _("Sterne"), clean(r.value), clean(r.low), clean(r.high), r.n, digits=1,
                        comparison=cmp, url=gf.feedback_url(rating_min=1)))
    churn = value.churn_tile(gf.start, gf.end, prev_f.start if prev_f else None, prev_f.end if prev_f else None)
    (k, n), (pk, pn) = churn["current"], churn["previous"]
    cmp = compare_proportions(pk, pn, k, n, metric="churn") if prev_f and pn and n else None
    out.append(Tile("churn", _("Abwanderung"), clean(100.0 * k / n) if n else None, n=n, unit="%", digits=1,
                    comparison=cmp, higher_is_better=False,
                    note=_("%(days)s Tage inaktiv oder gekündigt") % {"days": value.churn_settings()[1]}))
    b = value.base()
    per = b["per"]
    out.append(Tile("clv", _("Ø Kundenwert (CLV)"), clean(per["clv"].mean()) if len(per) else None, n=len(per),
                    unit="€", note=_("Ø Kaufwert × Käufe/Jahr × Lebensdauer")))
    return out


def nps_trend(wh: Warehouse, gf: GlobalFilter) -> tuple[str, list[dict[str, Any]]]:
    """NPS per month (weekly when the period is at most 120 days) with its interval and a drill-down url."""
    grain = "week" if gf.days is not None and gf.days <= 120 else "month"
    df = counts_by(wh, (grain,), gf.kpi())
    rows = []
    for r in df.itertuples(index=False):
        n = int(r.nps_n)
        if n == 0:
            continue
        res = nps_from_counts(int(r.promoters), int(r.passives), int(r.detractors))
        start = pd.Timestamp(getattr(r, grain)).date()
        end = (pd.Timestamp(start) + (pd.DateOffset(weeks=1) if grain == "week" else pd.DateOffset(months=1))).date()
        rows.append({"bucket": start, "nps": clean(res.value), "low": clean(res.low), "high": clean(res.high), "n": n,
                     "low_sample": n < 30, "url": _period_url(gf, start, end, nps_min=0)})
    return grain, rows


def _period_url(gf: GlobalFilter, start: date, end: date, **extra: Any) -> str:
    s = max(start, gf.start) if gf.start else start
    e = min(end, gf.end) if gf.end else end
    params = gf.feedback_params(**extra)
    params["received_from"] = s.isoformat()
    params["received_to"] = (pd.Timestamp(e) - pd.Timedelta(days=1)).date().isoformat()
    return f"{reverse('feedback:list')}?{urlencode(params)}"


def by_dimension(wh: Warehouse, gf: GlobalFilter, dim: str, names: dict[str, str]) -> list[dict[str, Any]]:
    """Volume, NPS and negative share per channel / touchpoint / region, largest first."""
    df = counts_by(wh, (dim,), gf.kpi()).sort_values("volume", ascending=False)
    rows = []
    for r in df.itertuples(index=False):
        code = getattr(r, dim)
        code = code if isinstance(code, str) else ""
        n = int(r.nps_n)
        rows.append({
            "code": code, "label": names.get(code, code) if code else _("ohne Angabe"), "volume": int(r.volume),
            "nps": clean(100.0 * (r.promoters - r.detractors) / n) if n else None, "nps_n": n,
            "negative_share": clean(100.0 * r.negative / r.sentiment_n) if r.sentiment_n else None,
            "url": gf.feedback_url(**({dim: code} if code else {})),
        })
    return rows


def drivers(wh: Warehouse, gf: GlobalFilter) -> pd.DataFrame:
    """Per topic: NPS impact, importance, quadrant and aspect sentiment (cached per warehouse state + filter)."""
    state = (wh.watermark("feedback_id"), wh.watermark("analysed_at"), gf.cache_key())
    with _driver_lock:
        if state in _driver_cache:
            return _driver_cache[state]
    flt = gf.kpi()
    overall = counts_by(wh, (), flt)
    topics = counts_by(wh, ("topic",), flt)
    n, p, d = (int(overall[c].iloc[0]) for c in ("nps_n", "promoters", "detractors")) if len(overall) else (0, 0, 0)
    table = driver_table((n, p, d), topics, topic_pairs(wh, flt))
    aspects = aspect_counts(wh, flt)
    table = table.merge(aspects, on="topic", how="left") if len(table) else table
    if len(table):
        for c in ("mentions", "aspect_negative", "aspect_positive", "aspect_neutral"):
            table[c] = table[c].fillna(0).astype("int64")
        with np.errstate(divide="ignore", invalid="ignore"):
            table["aspect_net"] = np.where(table["mentions"] > 0, 100.0 * (table["aspect_positive"]
                                           - table["aspect_negative"]) / table["mentions"], np.nan)
    with _driver_lock:
        if len(_driver_cache) > 64:
            _driver_cache.clear()
        _driver_cache[state] = table
    return table


def topic_rows(table: pd.DataFrame, gf: GlobalFilter, names: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for r in table.to_dict("records"):
        rows.append({
            "key": r["topic"], "label": names.get(r["topic"], r["topic"]), "volume": int(r["volume"]),
            "share": clean(100.0 * r["share"]), "nps_with": clean(r["nps_with"]), "impact": clean(r["impact"]),
            "importance": clean(100.0 * r["importance"]), "quadrant": r["quadrant"] or "",
            "aspect_net": clean(r.get("aspect_net")), "mentions": int(r.get("mentions") or 0),
            "aspect_negative": int(r.get("aspect_negative") or 0), "aspect_positive": int(r.get("aspect_positive") or 0),
            "url": gf.feedback_url(topic=r["topic"]), "page": reverse("insights:topic", args=[r["topic"]]),
        })
    return rows


def current_alerts(wh: Warehouse, gf: GlobalFilter, names: dict[str, dict[str, str]], *, limit: int = 12) -> list[dict[str, Any]]:
    state = ("alerts", wh.watermark("feedback_id"), wh.watermark("analysed_at"), gf.cache_key())
    with _driver_lock:
        found = _driver_cache.get(state)
    if found is None:
        found = core_alerts.detect(wh, gf.kpi(), since=gf.start, until=gf.end)
        with _driver_lock:
            _driver_cache[state] = found
    rows = []
    for a in found[:limit]:
        parts = []
        params: dict[str, Any] = {}
        for dim, key in zip(a.dims, a.key, strict=True):
            parts.append(names.get(dim, {}).get(key, key))
            params[dim] = key
        end = (pd.Timestamp(a.bucket) + pd.DateOffset(months=1)).date()
        if a.metric == "detractors":
            params["nps_max"] = 6
        if a.metric == "negative":
            params["sentiment"] = "negative"
        rows.append({"alert": a, "label": " · ".join(parts), "dims": a.dims, "metric": a.metric,
                     "observed": a.observed * (100 if a.metric != "volume" else 1),
                     "expected": a.expected * (100 if a.metric != "volume" else 1),
                     "url": _period_url(replace(gf, start=None, end=None), a.bucket, end, **params)})
    return rows


@dataclass
class Overview:
    empty: bool
    period_empty: bool = False
    tiles: list[Tile] = field(default_factory=list)
    trend_grain: str = "month"
    trend: list[dict[str, Any]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    topics_negative: list[dict[str, Any]] = field(default_factory=list)
    topics_positive: list[dict[str, Any]] = field(default_factory=list)
    drivers: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    first_day: date | None = None
    last_day: date | None = None
    total: int = 0


def overview(gf: GlobalFilter, *, wh: Warehouse | None = None) -> Overview:
    """Everything the overview page shows for the global filter ``gf``."""
    wh = wh or get_warehouse()
    first, last, total = data_range(wh)
    if total == 0:
        return Overview(empty=True)
    names = labels()
    o = Overview(empty=False, first_day=first.date() if first is not None else None,
                 last_day=last.date() if last is not None else None, total=total)
    o.tiles = tiles(wh, gf)
    o.trend_grain, o.trend = nps_trend(wh, gf)
    o.channels = by_dimension(wh, gf, "channel", names["channel"])
    o.period_empty = not o.channels
    table = drivers(wh, gf)
    rows = topic_rows(table, gf, names["topic"])
    with_impact = [r for r in rows if r["impact"] is not None]
    o.topics_negative = sorted([r for r in with_impact if r["impact"] < 0], key=lambda r: r["impact"])[:5]
    o.topics_positive = sorted([r for r in with_impact if r["impact"] > 0], key=lambda r: -r["impact"])[:5]
    o.drivers = rows
    o.alerts = current_alerts(wh, gf, names)
    return o
