"""Time buckets and anomaly alerts: planted spikes are found, flat seasonal series stay quiet."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resonanz.core.errors import MetricsError
from resonanz.core.metrics.trends import alerts_frame, bucket_counts, bucket_start, detect_anomalies


def test_bucket_start_for_week_month_quarter() -> None:
    d = pd.Series(["2024-01-03", "2024-05-31"])
    assert bucket_start(d, "W").tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-05-27")]
    assert bucket_start(d, "M").tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-05-01")]
    assert bucket_start(d, "Q").tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-04-01")]


def test_bucket_start_names_bad_date() -> None:
    with pytest.raises(MetricsError, match="'soon'"):
        bucket_start(pd.Series(["2024-01-01", "soon"]), "D")


def test_bucket_counts_fill_empty_buckets_with_zero_per_key() -> None:
    df = pd.DataFrame(
        {
            "date": ["2024-01-01", "2024-01-01", "2024-01-03", "2024-01-02"],
            "topic": ["price", "price", "price", "wait"],
            "negative": [1, 0, 1, 1],
        }
    )
    out = bucket_counts(df, freq="D", by="topic", flag="negative")
    price = out[out.topic == "price"]
    assert price["n"].tolist() == [2, 0, 1]
    assert price["k"].tolist() == [1, 0, 1]
    assert price["rate"].tolist() == [0.5, None, 1.0]
    assert out[out.topic == "wait"]["n"].tolist() == [0, 1, 0]


def _poisson_within_3_sd(rng: np.random.Generator, lam: np.ndarray | float) -> np.ndarray:
    """Poisson noise limited to +/- 3 s.d.: a series with no anomalies by construction (a raw 4.8 s.d. draw
    would be a legitimate alert, so unbounded noise would make "no alert" tests flaky across seeds)."""
    lam = np.asarray(lam, dtype=float)
    noise = np.clip(rng.poisson(lam) - lam, -3 * np.sqrt(lam), 3 * np.sqrt(lam))
    return np.asarray(np.round(lam + noise), dtype=np.int64)


def _monthly(seed: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    months = pd.period_range("2023-01", "2024-12", freq="M").start_time
    rows = []
    for region, level in [("north", 200), ("south", 120), ("east", 60)]:
        season = 1 + 0.15 * np.sin(2 * np.pi * np.arange(len(months)) / 12)
        for m, lam in zip(months, level * season, strict=True):
            rows.append((region, m, int(_poisson_within_3_sd(rng, lam))))
    return pd.DataFrame(rows, columns=["region", "bucket", "n"])


def test_planted_monthly_spike_in_one_region_is_the_only_alert() -> None:
    series = _monthly()
    spike = (series.region == "south") & (series.bucket == pd.Timestamp("2024-06-01"))
    series.loc[spike, "n"] = 260
    alerts = detect_anomalies(series, by="region", freq="M")
    assert [(a.key, a.bucket, a.direction) for a in alerts] == [("south", pd.Timestamp("2024-06-01"), "up")]
    a = alerts[0]
    assert a.observed == 260 and 100 < a.expected < 150
    assert a.severity in {"high", "critical"} and a.p_value < 1e-6
    assert alerts_frame(alerts).loc[0, "key"] == "south"


@pytest.mark.parametrize("seed", range(10))
def test_unchanged_monthly_series_gives_no_alert(seed: int) -> None:
    assert detect_anomalies(_monthly(seed), by="region", freq="M") == []


def _daily(seed: int = 11, weeks: int = 20) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = pd.date_range("2024-01-01", periods=7 * weeks, freq="D")  # starts on a Monday
    lam = np.where(days.day_of_week < 5, 100.0, 20.0)  # strong weekly seasonality
    return pd.DataFrame({"bucket": days, "n": _poisson_within_3_sd(rng, lam)})


@pytest.mark.parametrize("seed", range(10))
def test_flat_weekly_seasonal_daily_series_gives_no_alert(seed: int) -> None:
    assert detect_anomalies(_daily(seed), freq="D") == []


def test_saturday_spike_is_found_against_same_weekday_baseline() -> None:
    series = _daily()
    saturday = pd.Timestamp("2024-04-13")
    assert saturday.day_of_week == 5
    series.loc[series.bucket == saturday, "n"] = 60  # a normal weekday count, but three times a Saturday
    alerts = detect_anomalies(series, freq="D")
    assert [(a.bucket, a.direction) for a in alerts] == [(saturday, "up")]
    assert alerts[0].expected == pytest.approx(20, abs=5)


def test_drop_in_rate_is_found_with_binomial_test() -> None:
    rng = np.random.default_rng(5)
    months = pd.period_range("2023-01", "2024-06", freq="M").start_time
    n = np.full(len(months), 500)
    k = rng.binomial(n, 0.30)
    k[-1] = 75  # resolution rate falls from ~30 % to 15 %
    series = pd.DataFrame({"touchpoint": "chat", "bucket": months, "k": k, "n": n})
    alerts = detect_anomalies(series, by="touchpoint", freq="M", value="k", trials="n")
    assert len(alerts) == 1
    a = alerts[0]
    assert (a.key, a.bucket, a.direction, a.observed, a.n) == ("chat", months[-1], "down", 0.15, 500)


def test_short_history_is_not_judged() -> None:
    series = pd.DataFrame(
        {"bucket": pd.period_range("2024-01", periods=4, freq="M").start_time, "n": [5, 5, 5, 500]}
    )
    assert detect_anomalies(series, freq="M") == []


def test_series_with_gaps_is_rejected() -> None:
    series = pd.DataFrame({"bucket": pd.to_datetime(["2024-01-01", "2024-03-01"]), "n": [1, 2]})
    with pytest.raises(MetricsError, match="missing or duplicate M buckets"):
        detect_anomalies(series, freq="M")
