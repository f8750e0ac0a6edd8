"""Key-driver analysis: NPS impact, Shapley/LMG and Johnson importance, the driver matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resonanz.core.errors import MetricsError
from resonanz.core.metrics.drivers import driver_matrix, nps_impact, relative_importance, topic_indicators

# Balanced, orthogonal design: NPS values +100, +100, 0, -100 (mean 25, SST 27500)
# price alone: R^2 = 22500/27500 = 0.818182; staff alone: 2500/27500 = 0.090909; both: 0.909091
SMALL = pd.DataFrame({"score": [10, 10, 7, 0], "topics": [["price", "staff"], ["price"], ["staff"], []]})


def _r2(x: np.ndarray, y: np.ndarray) -> float:
    a = np.column_stack([np.ones(len(y)), x])
    beta, *_ = np.linalg.lstsq(a, y, rcond=None)
    resid = y - a @ beta
    return float(1 - resid @ resid / ((y - y.mean()) @ (y - y.mean())))


def test_nps_impact_is_overall_minus_nps_without_topic() -> None:
    out = nps_impact(SMALL).set_index("topic")
    # overall NPS 25; without price: (0, -100) -> -50; without staff: (100, -100) -> 0
    assert list(out.loc["price"]) == [2, 0.5, 100.0, -50.0, 75.0]
    assert list(out.loc["staff"]) == [2, 0.5, 50.0, 0.0, 25.0]


def test_nps_impact_without_complement_is_none() -> None:
    df = pd.DataFrame({"score": [9, 3], "topics": [["app"], ["app"]]})
    row = nps_impact(df).iloc[0]
    assert row.nps_without is None and row.impact is None and row.nps_with == 0.0


def test_shapley_splits_r2_of_orthogonal_topics_into_their_own_r2() -> None:
    out = relative_importance(SMALL, method="shapley").set_index("topic")
    assert out.loc["price", "raw_importance"] == pytest.approx(22500 / 27500)
    assert out.loc["staff", "raw_importance"] == pytest.approx(2500 / 27500)
    assert out.loc["price", "importance"] == pytest.approx(0.9)
    assert out["r2"].iloc[0] == pytest.approx(25000 / 27500)


def test_shapley_with_correlated_topics_averages_both_orders() -> None:
    rng = np.random.default_rng(3)
    n = 400
    a = rng.random(n) < 0.4
    b = (rng.random(n) < 0.3) | (a & (rng.random(n) < 0.5))  # b correlated with a
    c = rng.random(n) < 0.2
    latent = 8 - 3 * a - 1.5 * b + 1.0 * c + rng.normal(0, 1.5, n)
    score = np.clip(np.round(latent), 0, 10).astype(int)
    df = pd.DataFrame({"score": score, "a": a.astype(int), "b": b.astype(int), "c": c.astype(int)})
    y = np.where(score >= 9, 100.0, np.where(score >= 7, 0.0, -100.0))
    x = df[["a", "b", "c"]].to_numpy(float)
    out = relative_importance(df, topics=["a", "b", "c"], method="shapley").set_index("topic")
    r2 = {
        s: _r2(x[:, list(s)], y) if s else 0.0
        for s in [(), (0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2)]
    }
    # Shapley for 3 players: weights 1/3 (alone), 1/6 (with one other), 1/3 (with both others)
    shap_a = (
        r2[(0,)] / 3
        + (r2[(0, 1)] - r2[(1,)]) / 6
        + (r2[(0, 2)] - r2[(2,)]) / 6
        + (r2[(0, 1, 2)] - r2[(1, 2)]) / 3
    )
    assert out.loc["a", "raw_importance"] == pytest.approx(shap_a, rel=1e-9)
    assert out["raw_importance"].sum() == pytest.approx(r2[(0, 1, 2)], rel=1e-9)
    johnson = relative_importance(df, topics=["a", "b", "c"], method="johnson").set_index("topic")
    assert johnson["raw_importance"].sum() == pytest.approx(r2[(0, 1, 2)], rel=1e-9)
    assert list(johnson.index) == list(out.index) == ["a", "b", "c"]


def test_constant_topic_gets_zero_importance() -> None:
    df = SMALL.assign(topics=[t + ["all"] for t in SMALL["topics"]])
    out = relative_importance(df).set_index("topic")
    assert out.loc["all", "importance"] == 0.0
    assert out.loc["price", "importance"] == pytest.approx(0.9)


def test_driver_matrix_labels_quadrants() -> None:
    df = pd.DataFrame(
        {
            "score": [0, 1, 2, 10, 9, 10, 8, 7, 10, 3, 0],
            "topics": [
                ["wait"],
                ["wait"],
                ["wait"],
                ["staff"],
                ["staff"],
                ["staff"],
                ["price"],
                [],
                ["staff"],
                [],
                ["wait"],
            ],
        }
    )
    out = driver_matrix(df).set_index("topic")
    assert out.loc["wait", "quadrant"] == "fix first"
    assert out.loc["staff", "quadrant"] == "keep strength"
    assert out.loc["wait", "performance"] == -100.0
    assert out.loc["price", "quadrant"] in {"maintain", "monitor"}


def test_driver_matrix_performance_from_sentiment() -> None:
    out = driver_matrix(SMALL.assign(sent=[0.5, 0.9, -0.2, -0.8]), sentiment="sent").set_index("topic")
    assert out.loc["price", "performance"] == pytest.approx(0.7)
    assert out.loc["staff", "performance"] == pytest.approx(0.15)


def test_topics_must_be_lists() -> None:
    with pytest.raises(MetricsError, match="lists of names"):
        topic_indicators(pd.DataFrame({"topics": ["price"]}))
    with pytest.raises(MetricsError, match="only 0 and 1"):
        topic_indicators(pd.DataFrame({"a": [0, 2]}), topics=["a"])
