"""Dashboard queries over the analytical store that the generic KPI functions do not cover (no Django).

Everything reads the daily rollups where one covers the query (``kpi.plan``) and the base tables otherwise;
filter values are bound parameters and grouping columns come from a whitelist, as in ``core.warehouse.kpi``.
Results are plain DataFrames / dicts with integer counts (no NaN leaves this module for a count).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from resonanz.core.errors import ResonanzError
from resonanz.core.warehouse.kpi import KpiFilter, plan
from resonanz.core.warehouse.schema import ALL_DIMENSIONS, TIME_DIMENSIONS
from resonanz.core.warehouse.store import Warehouse

SCORES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "rating": (1, 5)}
COUNT_MEASURES = (
    "sum(r.volume) AS volume, sum(r.nps_n) AS nps_n, sum(r.promoters) AS promoters, "
    "sum(r.passives) AS passives, sum(r.detractors) AS detractors, sum(r.csat_n) AS csat_n, "
    "sum(r.csat_top2) AS csat_top2, sum(r.ces_n) AS ces_n, sum(r.ces_sum) AS ces_sum, "
    "sum(r.sentiment_n) AS sentiment_n, sum(r.sentiment_sum) AS sentiment_sum, "
    "sum(r.negative) AS negative, sum(r.positive) AS positive"
)
COUNT_COLUMNS = ("volume", "nps_n", "promoters", "passives", "detractors", "csat_n", "csat_top2", "ces_n",
                 "sentiment_n", "negative", "positive")


def _check(by: Sequence[str]) -> None:
    for name in by:
        if name not in ALL_DIMENSIONS:
            raise ResonanzError(f"unknown dimension {name!r}", code="E311")


def counts_by(wh: Warehouse, by: Sequence[str], flt: KpiFilter | None = None) -> pd.DataFrame:
    """All additive measures (volume, NPS classes, CSAT top-2, CES sum, sentiment) per group, counts as int."""
    _check(by)
    flt = flt or KpiFilter()
    where, params = flt.where()
    sel = "".join(f"{TIME_DIMENSIONS.get(n, 'r.' + n)} AS {n}, " for n in by)
    group = f"GROUP BY ALL ORDER BY {', '.join(by)}" if by else ""
    sql = f"SELECT {sel}{COUNT_MEASURES} FROM {plan(by, flt)} r WHERE {where} {group}"
    df = wh.cursor().execute(sql, params).df()
    for col in COUNT_COLUMNS:
        df[col] = df[col].fillna(0).astype("int64")
    for col in ("ces_sum", "sentiment_sum"):
        df[col] = df[col].fillna(0.0).astype("float64")
    if by:
        df = df[df["volume"] > 0].reset_index(drop=True)
    return df


def _base(table: str, flt: KpiFilter) -> tuple[str, list[object]]:
    where, params = flt.where()
    return f"(SELECT *, CAST(received_at AS DATE) AS day FROM {table}) r WHERE {where}", params


def score_histograms(wh: Warehouse, flt: KpiFilter | None = None) -> dict[str, dict[int, int]]:
    """Answer counts per score value for NPS, CSAT, CES and stars (needed for variance-based tests)."""
    flt = flt or KpiFilter()
    if flt.topics:
        raise ResonanzError("score_histograms takes no topic filter", code="E311")
    src, params = _base("feedback", flt)
    parts = [f"SELECT '{s}' AS m, r.{s} AS v, count(*) AS n FROM {src} AND r.{s} IS NOT NULL GROUP BY r.{s}"
             for s in SCORES]
    rows = wh.cursor().execute(" UNION ALL ".join(parts), params * len(SCORES)).fetchall()
    out: dict[str, dict[int, int]] = {s: {} for s in SCORES}
    for metric, value, n in rows:
        lo, hi = SCORES[metric]
        if value is not None and lo <= int(value) <= hi:
            out[metric][int(value)] = int(n)
    return out


def aspect_counts(wh: Warehouse, flt: KpiFilter | None = None, *, by: Sequence[str] = ("topic",)) -> pd.DataFrame:
    """Topic mentions by aspect sentiment: ``<by…>, mentions, aspect_negative, aspect_positive, aspect_neutral``."""
    _check(by)
    src, params = _base("feedback_topic", flt or KpiFilter())
    sel = ", ".join(f"{TIME_DIMENSIONS.get(n, 'r.' + n)} AS {n}" for n in by)
    sql = (
        f"SELECT {sel}, count(*) AS mentions, "
        "count(*) FILTER (WHERE r.topic_sentiment = 'negative') AS aspect_negative, "
        "count(*) FILTER (WHERE r.topic_sentiment = 'positive') AS aspect_positive, "
        "count(*) FILTER (WHERE r.topic_sentiment NOT IN ('negative', 'positive') OR r.topic_sentiment IS NULL) "
        f"AS aspect_neutral FROM {src} GROUP BY ALL ORDER BY {', '.join(by)}"
    )
    df = wh.cursor().execute(sql, params).df()
    for col in ("mentions", "aspect_negative", "aspect_positive", "aspect_neutral"):
        df[col] = df[col].fillna(0).astype("int64")
    return df


def topic_pairs(wh: Warehouse, flt: KpiFilter | None = None) -> pd.DataFrame:
    """Co-mentions of topic pairs among NPS responses: ``a, b, n`` (a < b). Feeds the driver correlation matrix."""
    src, params = _base("feedback_topic", flt or KpiFilter())
    sql = (
        f"WITH t AS (SELECT r.feedback_id, r.topic FROM {src} AND r.nps IS NOT NULL) "
        "SELECT x.topic AS a, y.topic AS b, count(*) AS n FROM t x JOIN t y "
        "ON x.feedback_id = y.feedback_id AND x.topic < y.topic GROUP BY ALL"
    )
    df = wh.cursor().execute(sql, params).df()
    df["n"] = df["n"].astype("int64")
    return df


def topic_examples(wh: Warehouse, flt: KpiFilter, topic: str, *, sentiment: str | None = None,
                   limit: int = 5) -> list[int]:
    """Feedback ids most clearly about ``topic`` (highest topic score, then newest), optionally by aspect sentiment."""
    src, params = _base("feedback_topic", flt)
    sql = f"SELECT r.feedback_id FROM {src} AND r.topic = ?"
    params = [*params, topic]
    if sentiment:
        sql += " AND r.topic_sentiment = ?"
        params.append(sentiment)
    sql += " ORDER BY r.topic_score DESC NULLS LAST, r.received_at DESC LIMIT ?"
    return [int(r[0]) for r in wh.cursor().execute(sql, [*params, int(limit)]).fetchall()]


def data_range(wh: Warehouse) -> tuple[pd.Timestamp | None, pd.Timestamp | None, int]:
    """First and last feedback day and the number of feedback rows in the store."""
    row = wh.cursor().execute("SELECT min(day), max(day), coalesce(sum(volume), 0) FROM rollup_all").fetchone()
    if not row or row[0] is None:
        return None, None, 0
    return pd.Timestamp(row[0]), pd.Timestamp(row[1]), int(row[2])


def distinct_values(wh: Warehouse, column: str, *, limit: int = 200) -> list[str]:
    """Distinct non-empty values of a dimension (for the filter bar), most frequent first."""
    rollup = {"channel": "rollup_channel", "region": "rollup_region", "language": "rollup_language",
              "topic": "rollup_topic", "touchpoint": "rollup_touchpoint"}.get(column)
    if rollup is None:
        raise ResonanzError(f"no value list for {column!r}", code="E311")
    sql = (f"SELECT {column} FROM {rollup} WHERE {column} IS NOT NULL AND {column} <> '' "
           f"GROUP BY 1 ORDER BY sum(volume) DESC LIMIT ?")
    return [str(r[0]) for r in wh.cursor().execute(sql, [int(limit)]).fetchall()]


def nps_of(promoters: np.ndarray | float, detractors: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """NPS in points; NaN where n = 0 (callers turn NaN into None before display)."""
    n_arr = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n_arr > 0, (np.asarray(promoters) - np.asarray(detractors)) / n_arr * 100.0, np.nan)
