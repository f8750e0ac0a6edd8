"""Key-driver analysis: which topics move NPS, by how much, and where to act (pure Python, no Django).

Input: one row per response with a 0-10 ``score`` and either a multi-label ``topics`` column (list of topic
names) or 0/1 indicator columns. Three views:

* :func:`nps_impact`: per topic, impact = overall NPS - NPS of the responses that do not mention the topic
  (how much the topic pulls the score up or down), with volume and share of responses.
* :func:`relative_importance`: regression of the respondent's NPS value (+100 promoter, 0 passive, -100
  detractor; or the raw 0-10 rating) on the topic indicators, R^2 split over topics by Shapley values / LMG
  (exact, averaged over all orders; up to 12 topics) or Johnson's (2000) relative weights (any number).
* :func:`driver_matrix`: importance x performance (NPS or mean sentiment of responses with the topic) with
  the four importance-performance quadrants.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from resonanz.core.errors import MetricsError
from resonanz.core.metrics._common import FrameInput, as_frame, check_column

ImportanceMethod = Literal["auto", "shapley", "johnson"]
Target = Literal["nps", "rating"]
MAX_SHAPLEY_TOPICS = 12

QUADRANTS = {
    (True, False): "fix first",  # important and performing below average
    (True, True): "keep strength",
    (False, False): "monitor",
    (False, True): "maintain",
}


def topic_indicators(df: pd.DataFrame, *, topics: str | Sequence[str] = "topics") -> pd.DataFrame:
    """0/1 indicator frame (one column per topic, sorted) from a list-of-strings column, or the given
    indicator columns validated as 0/1."""
    if isinstance(topics, str):
        if topics not in df.columns:
            raise MetricsError(f"topics column {topics!r} not in frame", code="E303")
        lists = df[topics].map(lambda v: [] if v is None or (isinstance(v, float) and math.isnan(v)) else v)
        bad = lists.map(lambda v: not isinstance(v, (list, tuple, set, np.ndarray)))
        if bool(bad.any()):
            raise MetricsError(f"topics must be lists of names; got {df[topics][bad].iloc[0]!r}", code="E330")
        flat = pd.Series(lists.to_numpy(), index=np.arange(len(lists))).map(list).explode().dropna()
        labels = flat.astype(str).to_numpy(dtype=object)
        names = sorted(set(labels.tolist()))
        mat = np.zeros((len(lists), len(names)), dtype=np.int64)
        if len(flat):
            col = pd.Index(names).get_indexer(labels)
            mat[flat.index.to_numpy(np.int64), col] = 1
        return pd.DataFrame(mat, index=df.index, columns=names)
    cols = list(topics)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise MetricsError(f"indicator columns {missing} not in frame", code="E303")
    ind = df[cols].astype(np.float64)
    if not bool(ind.isin([0.0, 1.0]).all().all()):
        raise MetricsError("indicator columns must hold only 0 and 1", code="E330")
    return ind.astype(np.int64)


def _nps_values(df: pd.DataFrame, score: str) -> tuple[np.ndarray, np.ndarray]:
    s = check_column(df, score, lo=0, hi=10, metric="NPS")
    answered = s.notna().to_numpy()
    v = s.to_numpy(np.float64)
    nps_value = np.where(v >= 9, 100.0, np.where(v >= 7, 0.0, -100.0))
    return nps_value, answered


def _mean_or_none(x: np.ndarray) -> float | None:
    return float(x.mean()) if x.size else None


def nps_impact(
    df: FrameInput, *, score: str = "score", topics: str | Sequence[str] = "topics"
) -> pd.DataFrame:
    """Per topic: ``topic, volume, share, nps_with, nps_without, impact`` (sorted by impact, most negative first).

    ``impact = NPS(all) - NPS(responses without the topic)``: negative = the topic drags NPS down. Undefined
    values (no response without the topic) are None. Responses without a score are ignored.
    """
    df = as_frame(df)
    nps_value, answered = _nps_values(df, score)
    ind_df = topic_indicators(df, topics=topics)
    ind = ind_df.to_numpy()[answered]
    y = nps_value[answered]
    overall = _mean_or_none(y)
    rows = []
    for j, name in enumerate(ind_df.columns):
        has = ind[:, j] == 1
        with_t, without = _mean_or_none(y[has]), _mean_or_none(y[~has])
        impact = None if overall is None or without is None else overall - without
        rows.append((name, int(has.sum()), float(has.mean()) if y.size else None, with_t, without, impact))
    out = pd.DataFrame(rows, columns=["topic", "volume", "share", "nps_with", "nps_without", "impact"])
    out = out.sort_values("impact", key=lambda s: s.fillna(np.inf), kind="stable").reset_index(drop=True)
    for c in ("share", "nps_with", "nps_without", "impact"):
        out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out


def _r2_from_corr(rxx: np.ndarray, rxy: np.ndarray, subset: Sequence[int]) -> float:
    if not subset:
        return 0.0
    idx = list(subset)
    r = rxy[idx]
    return float(r @ np.linalg.pinv(rxx[np.ix_(idx, idx)]) @ r)


def shapley_r2(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """Exact Shapley / LMG decomposition of R^2 from the predictor correlation matrix and correlations with y."""
    k = rxx.shape[0]
    r2 = {
        s: _r2_from_corr(rxx, rxy, s) for size in range(k + 1) for s in itertools.combinations(range(k), size)
    }
    out = np.zeros(k)
    for j in range(k):
        others = [i for i in range(k) if i != j]
        for size in range(k):
            weight = math.factorial(size) * math.factorial(k - size - 1) / math.factorial(k)
            for s in itertools.combinations(others, size):
                out[j] += weight * (r2[tuple(sorted((*s, j)))] - r2[s])
    return out


def johnson_weights(rxx: np.ndarray, rxy: np.ndarray) -> np.ndarray:
    """Johnson's (2000) relative weights: regress y on the orthogonal Z = X R^{-1/2}, map back with R^{1/2}."""
    evals, evecs = np.linalg.eigh(rxx)
    evals = np.clip(evals, 0.0, None)
    half = evecs @ np.diag(np.sqrt(evals)) @ evecs.T
    beta = np.linalg.pinv(half) @ rxy
    return np.asarray((half**2) @ (beta**2), dtype=np.float64)


def relative_importance(
    df: FrameInput,
    *,
    score: str = "score",
    topics: str | Sequence[str] = "topics",
    method: ImportanceMethod = "auto",
    target: Target = "nps",
) -> pd.DataFrame:
    """Per topic: ``topic, raw_importance`` (R^2 points), ``importance`` (share of R^2, sums to 1), plus ``r2``.

    ``method="auto"`` uses exact Shapley/LMG up to 12 varying topics and Johnson's relative weights beyond.
    Topics that never vary (mentioned by none or all) get 0. ``target="nps"`` regresses the respondent's
    +100/0/-100 NPS value, ``"rating"`` the raw 0-10 score.
    """
    df = as_frame(df)
    nps_value, answered = _nps_values(df, score)
    ind = topic_indicators(df, topics=topics)
    x = ind.to_numpy(np.float64)[answered]
    y = (
        nps_value[answered]
        if target == "nps"
        else check_column(df, score, lo=0, hi=10, metric="NPS").to_numpy()[answered]
    )
    names = list(ind.columns)
    raw = np.zeros(len(names))
    varying = [j for j in range(len(names)) if x.shape[0] > 1 and x[:, j].std() > 0]
    r2 = 0.0
    if varying and y.size > 2 and y.std() > 0:
        xv = x[:, varying]
        corr = np.corrcoef(np.column_stack([xv, y]), rowvar=False)
        rxx, rxy = corr[:-1, :-1], corr[:-1, -1]
        use = method if method != "auto" else ("shapley" if len(varying) <= MAX_SHAPLEY_TOPICS else "johnson")
        if use == "shapley":
            if len(varying) > MAX_SHAPLEY_TOPICS:
                raise MetricsError(
                    f"Shapley needs <= {MAX_SHAPLEY_TOPICS} topics; use method='johnson'", code="E331"
                )
            w = shapley_r2(rxx, rxy)
        elif use == "johnson":
            w = johnson_weights(rxx, rxy)
        else:
            raise MetricsError(f"unknown importance method {method!r}", code="E331")
        raw[varying] = w
        r2 = float(w.sum())
    total = raw.sum()
    share = raw / total if total > 0 else np.zeros_like(raw)
    out = pd.DataFrame({"topic": names, "raw_importance": raw, "importance": share})
    out["r2"] = r2
    return out.sort_values("importance", ascending=False, kind="stable").reset_index(drop=True)


def driver_matrix(
    df: FrameInput,
    *,
    score: str = "score",
    topics: str | Sequence[str] = "topics",
    sentiment: str | None = None,
    method: ImportanceMethod = "auto",
) -> pd.DataFrame:
    """Importance x performance per topic with quadrant labels.

    ``performance`` = NPS of the responses mentioning the topic, or their mean ``sentiment`` when given.
    Splits: importance above/below the mean importance share (1 / number of topics); performance above/below
    the overall NPS (or overall mean sentiment). Quadrants: ``fix first`` (important, below), ``keep strength``
    (important, above), ``maintain`` (less important, above), ``monitor`` (less important, below).
    """
    df = as_frame(df)
    imp = relative_importance(df, score=score, topics=topics, method=method)
    impact = nps_impact(df, score=score, topics=topics).set_index("topic")
    nps_value, answered = _nps_values(df, score)
    ind = topic_indicators(df, topics=topics)
    if sentiment is not None:
        if sentiment not in df.columns:
            raise MetricsError(f"sentiment column {sentiment!r} not in frame", code="E303")
        perf_values = pd.to_numeric(df[sentiment], errors="coerce").to_numpy(np.float64)
        ok = answered & ~np.isnan(perf_values)
    else:
        perf_values, ok = nps_value, answered
    overall = float(perf_values[ok].mean()) if ok.any() else float("nan")
    perf = {t: _mean_or_none(perf_values[ok & (ind[t].to_numpy() == 1)]) for t in ind.columns}
    threshold = 1.0 / len(ind.columns) if len(ind.columns) else 0.0
    out = imp[["topic", "importance", "raw_importance"]].copy()
    out["volume"] = [int(impact.loc[t, "volume"]) for t in out["topic"]]
    out["impact"] = [impact.loc[t, "impact"] for t in out["topic"]]
    out["performance"] = [perf[t] for t in out["topic"]]
    out["quadrant"] = [
        None if p is None else QUADRANTS[(bool(i > threshold), bool(p >= overall))]
        for i, p in zip(out["importance"], out["performance"], strict=True)
    ]
    out["performance"] = out["performance"].astype(object)
    return out
