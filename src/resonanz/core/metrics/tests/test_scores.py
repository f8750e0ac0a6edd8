"""Survey scores, their intervals, significance tests and grouped versions, against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from resonanz.core.errors import MetricsError
from resonanz.core.metrics.grouped import csat_by, mean_by, nps_by
from resonanz.core.metrics.scores import ces, csat, csat_from_counts, nps, nps_from_counts, star_rating
from resonanz.core.metrics.significance import compare_ces, compare_csat, compare_nps, compare_nps_counts

# 5 promoters, 3 passives, 2 detractors -> NPS 30
TEN = [10, 9, 10, 9, 10, 8, 7, 7, 6, 0]


def test_nps_counts_and_value_follow_the_9_10_and_0_6_bands() -> None:
    r = nps(TEN)
    assert r.value == 30.0
    assert r.n == 10
    assert dict(r.counts) == {"promoters": 5, "passives": 3, "detractors": 2}


def test_nps_wald_interval_uses_multinomial_variance_of_the_difference() -> None:
    # p=.5, d=.2: Var = (.5 + .2 - .3^2) / 10 = .061; half = 1.959964 * sqrt(.061) = .484075
    r = nps(TEN, method="wald")
    assert r.low == pytest.approx(30 - 48.4075, abs=1e-3)
    assert r.high == pytest.approx(30 + 48.4075, abs=1e-3)


def test_nps_adjusted_wald_adds_three_quarter_promoter_and_detractor() -> None:
    # n'=13, p'=5.75/13, d'=2.75/13, centre 23.0769, Var=(.653846-.053254)/13=.0461994, half=.421277
    r = nps(TEN)
    assert r.method == "adjusted_wald"
    assert r.low == pytest.approx(23.0769 - 42.1277, abs=1e-3)
    assert r.high == pytest.approx(23.0769 + 42.1277, abs=1e-3)


def test_nps_of_no_answers_is_none_not_nan() -> None:
    r = nps([None, float("nan")])
    assert (r.value, r.low, r.high, r.n) == (None, None, None, 0)


def test_nps_of_single_promoter_has_a_non_degenerate_adjusted_interval() -> None:
    # n'=4, p'=.4375, d'=.1875 -> centre .25, se=.375, half=.73499
    r = nps([9])
    assert r.value == 100.0
    assert r.low == pytest.approx(-48.4986, abs=1e-3)
    assert r.high == pytest.approx(98.4986, abs=1e-3)
    wald = nps([9], method="wald")
    assert (wald.low, wald.high) == (100.0, 100.0)


def test_nps_of_all_passives_is_zero_with_symmetric_interval() -> None:
    r = nps([7, 8, 8])
    assert r.value == 0.0
    assert r.low == pytest.approx(-40.0076, abs=1e-3)
    assert r.high == pytest.approx(40.0076, abs=1e-3)


@pytest.mark.parametrize("bad", [11, -1, 7.5, "9"])
def test_nps_rejects_out_of_range_score_naming_it(bad: object) -> None:
    with pytest.raises(MetricsError) as e:
        nps([9, bad])
    assert repr(bad) in str(e.value)
    assert e.value.code == "E302"


def test_nps_from_counts_equals_nps_of_answers() -> None:
    assert nps_from_counts(5, 3, 2) == nps(TEN)


def test_csat_wilson_interval_matches_newcombe_1998_example() -> None:
    # Newcombe (1998), Stat Med 17:857, 81/263 -> Wilson 0.2553 .. 0.3662
    r = csat_from_counts(81, 263)
    assert r.low == pytest.approx(25.53, abs=0.01)
    assert r.high == pytest.approx(36.62, abs=0.01)


def test_csat_counts_four_and_five_as_satisfied() -> None:
    r = csat([5, 4, 4, 5, 5, 4, 5, 4, 3, 1])
    assert r.value == 80.0
    assert r.low == pytest.approx(49.016, abs=1e-3)  # Wilson, p=.8, n=10
    assert r.high == pytest.approx(94.332, abs=1e-3)


def test_csat_rejects_zero_on_one_to_five_scale() -> None:
    with pytest.raises(MetricsError, match="score 0 is out of range"):
        csat([5, 0])


def test_ces_mean_with_t_interval() -> None:
    # mean 3, sd 1.58114, t(4, .975)=2.776445 -> half 1.963243
    r = ces([1, 2, 3, 4, 5])
    assert r.value == 3.0
    assert r.low == pytest.approx(1.036757, abs=1e-6)
    assert r.high == pytest.approx(4.963243, abs=1e-6)


def test_ces_of_single_answer_has_mean_but_no_interval() -> None:
    r = ces([6])
    assert (r.value, r.low, r.high, r.n) == (6.0, None, None, 1)


def test_star_rating_rejects_six_stars() -> None:
    with pytest.raises(MetricsError, match="score 6"):
        star_rating([5, 6])
    assert star_rating([5, 4, 3]).value == 4.0


def test_compare_nps_wald_z_test_matches_hand_computation() -> None:
    # a: NPS 30 (Var .0061), b: NPS 10 (Var .0069): z = -.2 / sqrt(.013) = -1.754116, p = .07941
    c = compare_nps_counts((50, 30, 20), (40, 30, 30), method="wald")
    assert c.difference == pytest.approx(-20.0)
    assert c.statistic == pytest.approx(-1.754116, abs=1e-6)
    assert c.p_value == pytest.approx(0.079411, abs=1e-6)
    assert c.low_sample is False
    assert not c.significant


def test_compare_nps_flags_low_sample_below_configurable_minimum() -> None:
    c = compare_nps([9] * 10, [0] * 10)
    assert c.low_sample is True
    assert c.p_value is not None and c.p_value < 0.001
    assert not c.significant
    assert compare_nps([9] * 10, [0] * 10, min_n=5).significant


def test_compare_nps_with_an_empty_group_is_undefined() -> None:
    c = compare_nps([], [9, 9])
    assert (c.difference, c.p_value, c.value_a, c.low_sample) == (None, None, None, True)


def test_compare_csat_pooled_two_proportion_z() -> None:
    # 40/100 vs 55/100: pooled .475, se=.0706222, z=2.123977, p=.033672
    c = compare_csat([5] * 40 + [1] * 60, [4] * 55 + [2] * 45)
    assert c.difference == pytest.approx(15.0)
    assert c.statistic == pytest.approx(2.123977, abs=1e-6)
    assert c.p_value == pytest.approx(0.033672, abs=1e-6)
    assert c.significant


def test_compare_ces_is_welch_t_test() -> None:
    a, b = [1, 2, 2, 3, 3, 3, 4, 5], [3, 4, 5, 5, 6, 6, 7]
    ref = stats.ttest_ind(b, a, equal_var=False)
    c = compare_ces(a, b)
    assert c.statistic == pytest.approx(float(ref.statistic))
    assert c.p_value == pytest.approx(float(ref.pvalue))
    assert c.difference == pytest.approx(np.mean(b) - np.mean(a))


def test_nps_by_matches_scalar_nps_per_group_and_has_no_nan() -> None:
    df = pd.DataFrame(
        {
            "region": ["n"] * 10 + ["s"] * 3 + ["e"],
            "channel": ["web"] * 14,
            "score": TEN + [7, 8, 8] + [float("nan")],
        }
    )
    out = nps_by(df, by=["region", "channel"])
    assert list(out.columns) == [
        "region",
        "channel",
        "n",
        "promoters",
        "passives",
        "detractors",
        "nps",
        "low",
        "high",
        "low_sample",
    ]
    north = out[out.region == "n"].iloc[0]
    ref = nps(TEN)
    assert (north.n, north.promoters, north.passives, north.detractors) == (10, 5, 3, 2)
    assert north.nps == ref.value
    assert north.low == pytest.approx(ref.low) and north.high == pytest.approx(ref.high)
    east = out[out.region == "e"].iloc[0]
    assert east.n == 0 and east.nps is None and east.low is None
    assert bool(east.low_sample)
    assert not any(isinstance(v, float) and math.isnan(v) for v in out["nps"])


def test_nps_by_names_bad_score() -> None:
    df = pd.DataFrame({"g": ["a", "b"], "score": [9, 12]})
    with pytest.raises(MetricsError, match="score 12"):
        nps_by(df, by="g")


def test_csat_by_and_mean_by_match_scalar_versions() -> None:
    df = pd.DataFrame({"g": ["a"] * 5 + ["b"] * 2, "score": [1, 2, 3, 4, 5, 4, 5]})
    c = csat_by(df, by="g", min_n=3)
    assert c.loc[c.g == "a", "csat"].iloc[0] == pytest.approx(csat([1, 2, 3, 4, 5]).value)
    assert c.loc[c.g == "b", "low"].iloc[0] == pytest.approx(csat([4, 5]).low)
    assert c["low_sample"].tolist() == [False, True]
    m = mean_by(df, by="g")
    a = ces([1, 2, 3, 4, 5])
    assert m.loc[m.g == "a", "low"].iloc[0] == pytest.approx(a.low)
    assert m.loc[m.g == "a", "ces"].iloc[0] == 3.0


def test_arrow_batches_are_accepted() -> None:
    import pyarrow as pa

    table = pa.table({"region": ["n"] * 10, "score": TEN})
    out = nps_by(table, by="region")
    assert out["nps"].iloc[0] == 30.0
    assert nps(pa.array([9, None, 0])).value == 0.0
