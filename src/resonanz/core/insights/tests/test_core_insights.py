"""Aggregate-based drivers and histogram statistics equal the per-response library functions."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resonanz.core.insights import hist
from resonanz.core.insights.drivers import driver_table
from resonanz.core.metrics import drivers as lib
from resonanz.core.metrics.scores import ces
from resonanz.core.metrics.significance import compare_means


def _responses(seed: int, n: int = 600, k: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    names = [f"t{i}" for i in range(k)]
    topics = [[t for t in names if rng.random() < 0.25] for _ in range(n)]
    score = [int(np.clip(rng.normal(8 - 3 * ("t0" in ts) + 1.5 * ("t3" in ts), 2), 0, 10)) for ts in topics]
    return pd.DataFrame({"score": score, "topics": topics})


def _aggregates(df: pd.DataFrame) -> tuple[tuple[int, int, int], pd.DataFrame, pd.DataFrame]:
    prom, det = df["score"] >= 9, df["score"] <= 6
    rows, pairs = [], {}
    names = sorted({t for ts in df["topics"] for t in ts})
    for t in names:
        has = df["topics"].map(lambda ts, t=t: t in ts)
        rows.append((t, int(has.sum()), int((has & prom).sum()), int((has & det).sum())))
    for ts in df["topics"]:
        for a in ts:
            for b in ts:
                if a < b:
                    pairs[(a, b)] = pairs.get((a, b), 0) + 1
    topics = pd.DataFrame(rows, columns=["topic", "nps_n", "promoters", "detractors"])
    pair_df = pd.DataFrame([(a, b, n) for (a, b), n in pairs.items()], columns=["a", "b", "n"])
    return (len(df), int(prom.sum()), int(det.sum())), topics, pair_df


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_driver_table_matches_per_response_library(seed):
    df = _responses(seed)
    mine = driver_table(*_aggregates(df)).set_index("topic")
    ref = lib.driver_matrix(df, score="score", topics="topics").set_index("topic")
    for t in ref.index:
        assert mine.loc[t, "impact"] == pytest.approx(ref.loc[t, "impact"], abs=1e-9)
        assert mine.loc[t, "importance"] == pytest.approx(ref.loc[t, "importance"], abs=1e-6)
        assert mine.loc[t, "quadrant"] == ref.loc[t, "quadrant"]
    assert mine.index[0] == "t0"  # the planted negative driver comes first


def test_driver_table_without_answers_is_empty():
    empty = pd.DataFrame(columns=["topic", "nps_n", "promoters", "detractors"])
    assert driver_table((0, 0, 0), empty, pd.DataFrame(columns=["a", "b", "n"])).empty


def test_histogram_means_and_welch_equal_array_versions():
    a, b = {1: 3, 4: 10, 7: 5}, {2: 4, 5: 12, 6: 9}
    arr = lambda h: np.repeat(list(h), list(h.values()))  # noqa: E731
    r, ref = hist.mean_hist(a, "ces", 1, 7), ces(arr(a))
    assert (r.value, r.low, r.high, r.n) == pytest.approx((ref.value, ref.low, ref.high, ref.n))
    c, cref = hist.compare_means_hist(a, b, "ces"), compare_means(arr(a), arr(b))
    assert (c.difference, c.p_value, c.low, c.high) == pytest.approx((cref.difference, cref.p_value, cref.low, cref.high))
    one = hist.mean_hist({5: 1}, "ces", 1, 7)
    assert one.value == 5 and one.low is None
    assert hist.compare_means_hist({}, b, "ces").difference is None
