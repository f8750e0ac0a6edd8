"""KPI queries over the analytical store: NPS, CSAT, CES, ratings, sentiment and volume by any dimension.

Queries read the daily rollups (``rollup_daily`` / ``rollup_topic_daily``, refreshed by the sync), so their
cost depends on the number of distinct (day, dimensions) cells, not on the number of feedback rows.
Intervals are added in numpy from the counts. Dimensions come from a whitelist and filter values are bound
parameters: no user input reaches the SQL text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

from resonanz.core.errors import ResonanzError
from resonanz.core.warehouse.schema import ALL_DIMENSIONS, ROLLUPS, TIME_DIMENSIONS, rollup_select
from resonanz.core.warehouse.store import Warehouse

Z95 = 1.959963984540054


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


@dataclass(frozen=True)
class KpiFilter:
    """Global filters of the dashboards (all optional; lists mean "any of"). ``end`` is exclusive."""

    start: date | datetime | None = None
    end: date | datetime | None = None
    channels: Sequence[str] = field(default_factory=tuple)
    sources: Sequence[str] = field(default_factory=tuple)
    touchpoints: Sequence[str] = field(default_factory=tuple)
    stages: Sequence[str] = field(default_factory=tuple)
    languages: Sequence[str] = field(default_factory=tuple)
    regions: Sequence[str] = field(default_factory=tuple)
    segments: Sequence[str] = field(default_factory=tuple)
    topics: Sequence[str] = field(default_factory=tuple)

    def dims(self) -> set[str]:
        """The non-time dimensions this filter constrains."""
        pairs = {
            "channel": self.channels, "source": self.sources, "touchpoint": self.touchpoints, "stage": self.stages,
            "language": self.languages, "region": self.regions, "segment": self.segments, "topic": self.topics,
        }
        return {name for name, values in pairs.items() if values}

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.start is not None:
            clauses.append("r.day >= ?")
            params.append(_as_date(self.start))
        if self.end is not None:
            clauses.append("r.day < ?")
            params.append(_as_date(self.end))
        for column, values in (
            ("r.channel", self.channels), ("r.source", self.sources), ("r.touchpoint", self.touchpoints),
            ("r.stage", self.stages), ("r.language", self.languages), ("r.region", self.regions),
            ("r.segment", self.segments), ("r.topic", self.topics),
        ):
            if values:
                clauses.append(f"{column} IN ({', '.join('?' for _ in values)})")
                params.extend(values)
        return (" AND ".join(clauses) or "TRUE"), params


def plan(by: Sequence[str], flt: KpiFilter) -> str:
    """The FROM source for a query: the smallest rollup covering the grouping and filter dimensions, else an
    on-the-fly aggregation of the base table (the answer is the same, only slower)."""
    needed = {d for d in by if d not in TIME_DIMENSIONS} | flt.dims()
    topic = "topic" in needed
    candidates = [
        (len(dims), name) for name, (base, dims) in ROLLUPS.items()
        if needed <= set(dims) and (base == "feedback_topic") == topic
    ]
    if candidates:
        return min(candidates)[1]
    base = "feedback_topic" if topic else "feedback"
    dims = tuple(sorted(needed))
    return f"({rollup_select(base, dims)} GROUP BY ALL)"


def _query(wh: Warehouse, by: Sequence[str], flt: KpiFilter | None, measures: str) -> pd.DataFrame:
    for name in by:
        if name not in ALL_DIMENSIONS:
            raise ResonanzError(
                f"unknown dimension {name!r}; allowed: {', '.join(ALL_DIMENSIONS)}", code="E311"
            )
    flt = flt or KpiFilter()
    source = plan(by, flt)
    where, params = flt.where()
    sel = "".join(f"{TIME_DIMENSIONS.get(name, 'r.' + name)} AS {name}, " for name in by)
    group = f"GROUP BY {', '.join(by)} ORDER BY {', '.join(by)}" if by else ""
    sql = f"SELECT {sel}{measures} FROM {source} r WHERE {where} {group}"
    return wh.cursor().execute(sql, params).df()


def nps_interval(promoters: np.ndarray, detractors: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """95 % interval of NPS (in points) by the adjusted Wald method (add 3/4 promoter, 3/4 detractor, 3 in n;
    Rocks 2016): better coverage than plain Wald for small n. Rows with n = 0 give NaN (callers show '—')."""
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        na = n + 3.0
        pp = (np.asarray(promoters) + 0.75) / na
        pd_ = (np.asarray(detractors) + 0.75) / na
        nps = pp - pd_
        se = np.sqrt((pp + pd_ - nps**2) / na)
        low = np.clip(nps - Z95 * se, -1, 1) * 100
        high = np.clip(nps + Z95 * se, -1, 1) * 100
    return np.where(n > 0, low, np.nan), np.where(n > 0, high, np.nan)


def nps_by(wh: Warehouse, by: Sequence[str] = (), flt: KpiFilter | None = None,
           *, low_sample: int = 30) -> pd.DataFrame:
    """NPS with counts and interval per group. Columns: <by…>, n, promoters, passives, detractors, nps, low,
    high, low_sample. Groups without any NPS answer are dropped."""
    df = _query(wh, by, flt, "sum(r.nps_n) AS n, sum(r.promoters) AS promoters, sum(r.passives) AS passives, "
                              "sum(r.detractors) AS detractors")
    df[["n", "promoters", "passives", "detractors"]] = df[["n", "promoters", "passives", "detractors"]].fillna(0).astype("int64")
    if by:
        df = df[df["n"] > 0].reset_index(drop=True)
    n = df["n"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["nps"] = np.where(n > 0, (df["promoters"] - df["detractors"]) / n * 100.0, np.nan)
    df["low"], df["high"] = nps_interval(df["promoters"].to_numpy(), df["detractors"].to_numpy(), n)
    df["low_sample"] = df["n"] < low_sample
    return df


def scores_by(wh: Warehouse, by: Sequence[str] = (), flt: KpiFilter | None = None) -> pd.DataFrame:
    """Volume, CSAT (% of 4–5), CES mean, star-rating mean and sentiment per group (NaN where no answers)."""
    df = _query(
        wh, by, flt,
        "sum(r.volume) AS volume, sum(r.csat_n) AS csat_n, "
        "100.0 * sum(r.csat_top2) / nullif(sum(r.csat_n), 0) AS csat, "
        "sum(r.ces_n) AS ces_n, sum(r.ces_sum) / nullif(sum(r.ces_n), 0) AS ces, "
        "sum(r.rating_n) AS rating_n, sum(r.rating_sum) / nullif(sum(r.rating_n), 0) AS rating, "
        "sum(r.sentiment_sum) / nullif(sum(r.sentiment_n), 0) AS sentiment_score, "
        "sum(r.negative) AS negative, sum(r.positive) AS positive",
    )
    if by:
        df = df[df["volume"] > 0].reset_index(drop=True)
    return df
