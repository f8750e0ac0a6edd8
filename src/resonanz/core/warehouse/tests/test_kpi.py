"""KPI queries over the analytical store: exact counts against hand-computed values."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyarrow as pa
import pytest

from resonanz.core.errors import ResonanzError
from resonanz.core.warehouse.kpi import KpiFilter, nps_by, nps_interval, scores_by
from resonanz.core.warehouse.store import Warehouse


def _feedback(rows: list[dict]) -> pa.Table:
    cols = ["id", "received_at", "channel", "nps", "csat", "ces", "sentiment", "sentiment_score", "region"]
    return pa.table({c: [r.get(c) for r in rows] for c in cols})


@pytest.fixture()
def wh() -> Warehouse:
    w = Warehouse()
    rows = [
        # January, web: 2 promoters, 1 passive, 1 detractor -> NPS 25
        {"id": 1, "received_at": datetime(2026, 1, 5), "channel": "website", "nps": 10, "region": "Bayern"},
        {"id": 2, "received_at": datetime(2026, 1, 6), "channel": "website", "nps": 9},
        {"id": 3, "received_at": datetime(2026, 1, 7), "channel": "website", "nps": 7},
        {"id": 4, "received_at": datetime(2026, 1, 8), "channel": "website", "nps": 3},
        # January, store: 1 detractor -> NPS -100
        {"id": 5, "received_at": datetime(2026, 1, 9), "channel": "store", "nps": 6, "csat": 5, "ces": 2},
        # February, web: CSAT only
        {"id": 6, "received_at": datetime(2026, 2, 1), "channel": "website", "csat": 3, "ces": 6,
         "sentiment": "negative", "sentiment_score": -0.8},
    ]
    w.upsert("feedback", _feedback(rows))
    w.upsert("feedback_topic", pa.table({"feedback_id": [1, 4, 4], "topic": ["staff", "delivery", "price"],
                                         "topic_score": [0.9, 0.8, 0.5], "topic_sentiment": ["positive", "negative", None]}))
    w.refresh_rollups()
    return w


def test_nps_by_month_and_channel_matches_hand_counts(wh: Warehouse) -> None:
    df = nps_by(wh, ["month", "channel"])
    jan_web = df[(df["channel"] == "website")].iloc[0]
    assert (jan_web["n"], jan_web["promoters"], jan_web["passives"], jan_web["detractors"]) == (4, 2, 1, 1)
    assert jan_web["nps"] == pytest.approx(25.0)
    store = df[df["channel"] == "store"].iloc[0]
    assert store["nps"] == pytest.approx(-100.0)
    assert bool(store["low_sample"]) is True
    assert len(df) == 2  # February has no NPS answers


def test_nps_by_topic_joins_bridge_table(wh: Warehouse) -> None:
    df = nps_by(wh, ["topic"]).set_index("topic")
    assert df.loc["delivery", "nps"] == pytest.approx(-100.0)
    assert df.loc["staff", "nps"] == pytest.approx(100.0)


def test_filters_are_applied(wh: Warehouse) -> None:
    df = nps_by(wh, [], KpiFilter(channels=["website"], start=datetime(2026, 1, 6), end=datetime(2026, 1, 31)))
    assert int(df["n"].iloc[0]) == 3
    assert df["nps"].iloc[0] == pytest.approx((1 - 1) / 3 * 100)
    topic = nps_by(wh, [], KpiFilter(topics=["delivery"]))
    assert int(topic["n"].iloc[0]) == 1


def test_scores_by_computes_csat_ces_and_sentiment(wh: Warehouse) -> None:
    df = scores_by(wh, ["month"]).set_index("month")
    jan, feb = df.iloc[0], df.iloc[1]
    assert jan["volume"] == 5 and jan["csat"] == pytest.approx(100.0) and jan["ces"] == pytest.approx(2.0)
    assert feb["csat"] == pytest.approx(0.0) and feb["ces"] == pytest.approx(6.0) and feb["negative"] == 1


def test_upsert_replaces_rows_and_topic_sets(wh: Warehouse) -> None:
    wh.upsert("feedback", _feedback([{"id": 4, "received_at": datetime(2026, 1, 8), "channel": "website", "nps": 10}]))
    wh.upsert("feedback_topic", pa.table({"feedback_id": [4], "topic": ["staff"], "topic_score": [0.7], "topic_sentiment": ["positive"]}))
    wh.refresh_rollups(since=datetime(2026, 1, 8, 12, 0))
    assert wh.count("feedback") == 6
    df = nps_by(wh, ["topic"]).set_index("topic")
    assert "delivery" not in df.index and int(df.loc["staff", "n"]) == 2


def test_unknown_dimension_is_a_clear_error(wh: Warehouse) -> None:
    with pytest.raises(ResonanzError, match="unknown dimension 'drop table'"):
        nps_by(wh, ["drop table"])


def test_empty_store_gives_no_rows_and_no_nan_groups() -> None:
    df = nps_by(Warehouse(), ["month"])
    assert df.empty
    overall = nps_by(Warehouse(), [])
    assert int(overall["n"].iloc[0]) == 0 and np.isnan(overall["nps"].iloc[0])


def test_adjusted_wald_interval_contains_estimate_and_narrows_with_n() -> None:
    low1, high1 = nps_interval(np.array([5]), np.array([2]), np.array([10]))
    low2, high2 = nps_interval(np.array([500]), np.array([200]), np.array([1000]))
    assert low1[0] < 30 < high1[0] and low2[0] < 30 < high2[0]
    assert (high2[0] - low2[0]) < (high1[0] - low1[0]) / 5


def test_uncovered_dimension_mix_falls_back_to_base_table_with_same_answer(wh: Warehouse) -> None:
    from resonanz.core.warehouse.kpi import plan

    flt = KpiFilter(channels=["website"], regions=["Bayern"])
    assert plan(["month"], flt).startswith("(SELECT")  # no rollup has channel + region
    assert plan(["month", "channel"], KpiFilter()) == "rollup_channel"
    assert plan(["topic"], KpiFilter(channels=["store"])) == "rollup_topic_channel"
    df = nps_by(wh, ["month"], flt)
    assert int(df["n"].iloc[0]) == 1 and df["nps"].iloc[0] == pytest.approx(100.0)
