"""Simple CLV, the RFM summary and the BG/NBD + Gamma-Gamma models (published CDNOW values, lifetimes cross-check)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from resonanz.core.errors import MetricsError
from resonanz.core.metrics.clv import (
    BetaGeoParams,
    bgnbd_conditional_expected_purchases,
    bgnbd_expected_purchases,
    bgnbd_probability_alive,
    clv_by_segment,
    fit_bgnbd,
    fit_gamma_gamma,
    gamma_gamma_expected_spend,
    lifetime_from_churn,
    model_clv,
    rfm_summary,
    simple_clv,
    simple_clv_from_transactions,
)
from resonanz.core.metrics.tests._data import dataset_file

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}  # Fader, Hardie & Lee (2005), CDNOW


def _tx() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": ["A", "A", "A", "A", "B"],
            "date": ["2024-01-01", "2024-01-01", "2024-01-15", "2024-01-29", "2024-02-05"],
            "amount": [10.0, 5.0, 20.0, 40.0, 99.0],
        }
    )


def test_simple_clv_is_value_times_frequency_times_lifetime() -> None:
    assert simple_clv(50.0, 4.0, 3.0) == 600.0
    assert lifetime_from_churn(0.25) == 4.0


def test_lifetime_from_churn_rejects_zero_churn() -> None:
    with pytest.raises(MetricsError, match="churn rate"):
        lifetime_from_churn(0.0)


def test_simple_clv_from_transactions_per_customer() -> None:
    # A: 4 orders, revenue 75 -> avg 18.75; tenure 2024-01-01..2024-12-31 = 365 days -> 4 / (365/365.25) per year
    out = simple_clv_from_transactions(_tx(), churn_rate=0.5, observation_end="2024-12-31").set_index(
        "customer_id"
    )
    a = out.loc["A"]
    assert a.orders == 4 and a.avg_purchase_value == 18.75
    assert a.purchases_per_year == pytest.approx(4 * 365.25 / 365)
    assert a.clv == pytest.approx(18.75 * 4 * 365.25 / 365 * 2.0)
    seg = clv_by_segment(out.reset_index(), pd.Series({"A": "gold"}))
    assert seg["segment"].tolist() == ["(none)", "gold"]
    assert seg.loc[seg.segment == "gold", "clv_total"].iloc[0] == pytest.approx(a.clv)


def test_simple_clv_needs_exactly_one_lifetime_source() -> None:
    with pytest.raises(MetricsError, match="exactly one"):
        simple_clv_from_transactions(_tx())


def test_rfm_summary_follows_lifetimes_definitions_in_weeks() -> None:
    s = rfm_summary(_tx(), observation_end="2024-02-12", time_unit_days=7)
    assert list(s.loc["A"]) == [2.0, 4.0, 6.0, 30.0]  # same-day orders collapse; repeat spend (20+40)/2
    assert list(s.loc["B"]) == [0.0, 0.0, 1.0, 0.0]


def test_rfm_summary_names_an_unparseable_date() -> None:
    tx = _tx()
    tx.loc[2, "date"] = "yesterday"
    with pytest.raises(MetricsError, match="'yesterday'"):
        rfm_summary(tx)


def test_bgnbd_rejects_recency_beyond_T() -> None:
    with pytest.raises(MetricsError, match="recency"):
        fit_bgnbd([1, 2], [5.0, 9.0], [4.0, 10.0])


def _cdnow_summary() -> pd.DataFrame:
    return pd.read_csv(dataset_file("cdnow/cdnow_customers_summary.csv"))


def _cdnow_transactions() -> pd.DataFrame:
    tx = pd.read_csv(
        dataset_file("cdnow/CDNOW_master.txt"), sep=r"\s+", dtype={"customer_id": str, "date": str}
    )
    tx["date"] = pd.to_datetime(tx["date"], format="%Y%m%d")
    return tx.rename(columns={"dollar_value": "amount"})


@pytest.mark.datasets
def test_bgnbd_reproduces_published_cdnow_parameters_within_one_percent() -> None:
    d = _cdnow_summary()
    p = fit_bgnbd(d["frequency"], d["recency"], d["T"])
    for name, ref in PUBLISHED.items():
        assert getattr(p, name) == pytest.approx(ref, rel=0.01), name
    assert p.log_likelihood == pytest.approx(-9582.4, abs=0.1)  # FHL (2005), section 5
    # FHL (2005): a customer with x=2, t_x=30.43, T=38.86 is expected to buy 1.226 times in the next 39 weeks
    assert bgnbd_conditional_expected_purchases(p, 39.0, [2], [30.43], [38.86])[0] == pytest.approx(
        1.226, abs=5e-4
    )


@pytest.mark.datasets
def test_bgnbd_predictions_match_lifetimes() -> None:
    from lifetimes import BetaGeoFitter

    d = _cdnow_summary()
    p = fit_bgnbd(d["frequency"], d["recency"], d["T"])
    ref = BetaGeoFitter().fit(d["frequency"], d["recency"], d["T"])
    x, t_x, big_t = d["frequency"].to_numpy(), d["recency"].to_numpy(), d["T"].to_numpy()
    np.testing.assert_allclose(
        bgnbd_probability_alive(p, x, t_x, big_t), ref.conditional_probability_alive(x, t_x, big_t), rtol=1e-4
    )
    np.testing.assert_allclose(
        bgnbd_conditional_expected_purchases(p, 10.0, x, t_x, big_t),
        ref.conditional_expected_number_of_purchases_up_to_time(10.0, x, t_x, big_t),
        rtol=1e-4,
    )
    assert float(bgnbd_expected_purchases(p, 39.0)) == pytest.approx(
        float(ref.expected_number_of_purchases_up_to_time(39.0)), rel=1e-4
    )


def test_probability_alive_is_one_without_repeat_purchases() -> None:
    p = BetaGeoParams(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, n_customers=0)
    assert bgnbd_probability_alive(p, [0], [0.0], [30.0])[0] == 1.0


@pytest.mark.datasets
def test_rfm_summary_and_gamma_gamma_match_lifetimes_on_cdnow_transactions() -> None:
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    tx = _cdnow_transactions()
    s = rfm_summary(tx, observation_end="1997-09-30", time_unit_days=7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = summary_data_from_transaction_data(
            tx,
            "customer_id",
            "date",
            "amount",
            observation_period_end="1997-09-30",
            freq="D",
            freq_multiplier=7,
        )
    pd.testing.assert_frame_equal(s.loc[ref.index], ref, check_dtype=False, check_names=False)

    gg = fit_gamma_gamma(s["frequency"], s["monetary_value"])
    rep = s[(s.frequency > 0) & (s.monetary_value > 0)]
    ref_gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    for name in ("p", "q", "v"):
        assert getattr(gg, name) == pytest.approx(ref_gg.params_[name], rel=1e-3), name
    spend = gamma_gamma_expected_spend(gg, rep["frequency"], rep["monetary_value"])
    np.testing.assert_allclose(
        spend, ref_gg.conditional_expected_average_profit(rep["frequency"], rep["monetary_value"]), rtol=1e-3
    )

    bg = fit_bgnbd(rep["frequency"], rep["recency"], rep["T"])
    ref_bg = BetaGeoFitter().fit(rep["frequency"], rep["recency"], rep["T"])
    ours = model_clv(
        bg,
        gg,
        rep["frequency"],
        rep["recency"],
        rep["T"],
        rep["monetary_value"],
        months=12,
        units_per_month=4.345,
        monthly_discount_rate=0.01,
    )
    theirs = ref_gg.customer_lifetime_value(
        ref_bg,
        rep["frequency"],
        rep["recency"],
        rep["T"],
        rep["monetary_value"],
        time=12,
        freq="W",
        discount_rate=0.01,
    )
    np.testing.assert_allclose(ours[:200], theirs.to_numpy()[:200], rtol=5e-3)
