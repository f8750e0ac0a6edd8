"""Reads for a topic page (/insights/topics/<key>/): volume and sentiment over time, aspect sentiment, NPS
impact, where it occurs (touchpoints, channels, regions) and representative quotes linking to the feedback.

Quotes are extractive: the feedback items with the highest topic score (negative and positive aspect first),
shown redacted unless the user may see the original text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.utils.translation import get_language

from resonanz.analysis.models import Topic
from resonanz.core.insights.queries import aspect_counts, counts_by, topic_examples
from resonanz.core.warehouse.store import Warehouse
from resonanz.feedback.models import Feedback
from resonanz.feedback.selectors import attach_shown_text
from resonanz.insights.filters import GlobalFilter
from resonanz.insights.selectors import _period_url, by_dimension, clean, drivers, get_warehouse, labels


def _trend(wh: Warehouse, gf: GlobalFilter, key: str) -> list[dict[str, Any]]:
    flt = gf.kpi(topics=(key,))
    df = counts_by(wh, ("month", "topic"), flt)
    asp = aspect_counts(wh, flt, by=("month", "topic"))
    if len(asp):
        df = df.merge(asp, on=["month", "topic"], how="left")
    rows = []
    for r in df.to_dict("records"):
        start = pd.Timestamp(r["month"]).date()
        end = (pd.Timestamp(start) + pd.DateOffset(months=1)).date()
        mentions = int(r.get("mentions") or 0)
        rows.append({
            "bucket": start, "volume": int(r["volume"]),
            "negative_share": clean(100.0 * (r.get("aspect_negative") or 0) / mentions) if mentions else None,
            "nps": clean(100.0 * (r["promoters"] - r["detractors"]) / r["nps_n"]) if r["nps_n"] else None,
            "url": _period_url(gf, start, end, topic=key),
        })
    return rows


def _quotes(wh: Warehouse, gf: GlobalFilter, key: str, *, original: bool, per_kind: int = 3) -> list[dict[str, Any]]:
    flt = gf.kpi(topics=(key,))
    picked: list[tuple[str, int]] = []
    for sentiment in ("negative", "positive", None):
        for fid in topic_examples(wh, flt, key, sentiment=sentiment, limit=per_kind):
            if fid not in {p[1] for p in picked}:
                picked.append((sentiment or "", fid))
    ids = [fid for _s, fid in picked][: per_kind * 3]
    items = {f.id: f for f in attach_shown_text(
        Feedback.objects.filter(id__in=ids).select_related("source", "channel", "touchpoint"),
        original=original, language=get_language() or "de")}
    return [{"feedback": items[fid], "sentiment": s} for s, fid in picked if fid in items]


def topic_page(topic: Topic, gf: GlobalFilter, *, wh: Warehouse | None = None, original: bool = False) -> dict[str, Any]:
    """Everything the topic page shows; ``empty`` when no feedback mentions the topic in the period."""
    wh = wh or get_warehouse()
    key = topic.key
    names = labels()
    flt = gf.kpi(topics=(key,))
    total = counts_by(wh, (), flt)
    volume = int(total["volume"].iloc[0]) if len(total) else 0
    if volume == 0:
        return {"empty": True, "key": key}
    table = drivers(wh, gf)
    row = table[table["topic"] == key].to_dict("records") if len(table) else []
    d = row[0] if row else {}
    asp = aspect_counts(wh, flt)
    a = asp[asp["topic"] == key].to_dict("records")
    a0 = a[0] if a else {"mentions": 0, "aspect_negative": 0, "aspect_positive": 0, "aspect_neutral": 0}
    mentions = int(a0["mentions"])
    t = total.iloc[0]
    n = int(t["nps_n"])
    topic_gf_url = gf.feedback_url(topic=key)
    return {
        "empty": False, "key": key, "volume": volume, "url": topic_gf_url,
        "nps": clean(100.0 * (t["promoters"] - t["detractors"]) / n) if n else None, "nps_n": n,
        "impact": clean(d.get("impact")), "importance": clean(100.0 * d["importance"]) if d else None,
        "quadrant": d.get("quadrant") or "",
        "aspects": [
            {"kind": "negative", "n": int(a0["aspect_negative"]), "url": gf.feedback_url(topic=key, sentiment="negative")},
            {"kind": "neutral", "n": int(a0["aspect_neutral"]), "url": topic_gf_url},
            {"kind": "positive", "n": int(a0["aspect_positive"]), "url": gf.feedback_url(topic=key, sentiment="positive")},
        ],
        "mentions": mentions,
        "trend": _trend(wh, gf, key),
        "touchpoints": _topic_dim(wh, gf, key, "touchpoint", names["touchpoint"]),
        "channels": _topic_dim(wh, gf, key, "channel", names["channel"]),
        "regions": _topic_dim(wh, gf, key, "region", {}),
        "quotes": _quotes(wh, gf, key, original=original),
    }


def _topic_dim(wh: Warehouse, gf: GlobalFilter, key: str, dim: str, names: dict[str, str]) -> list[dict[str, Any]]:
    topic_gf = _TopicFilter(gf, key)
    return by_dimension(wh, topic_gf, dim, names)  # type: ignore[arg-type]


class _TopicFilter:
    """A GlobalFilter view that adds the topic to warehouse filters and drill-down links."""

    def __init__(self, gf: GlobalFilter, key: str) -> None:
        self.gf, self.key = gf, key

    def kpi(self, **extra: Any) -> Any:
        return self.gf.kpi(topics=(self.key,), **extra)

    def feedback_url(self, **extra: Any) -> str:
        return self.gf.feedback_url(topic=self.key, **extra)
