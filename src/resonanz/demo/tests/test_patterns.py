"""The six planted patterns (docs/demo-data.md) are measurable in the default demo world (seed 42, 5000)."""

from __future__ import annotations

from resonanz.demo.tests._data import default_patterns


def test_pattern1_delivery_wave_in_bavaria_march_2026():
    m = default_patterns()["delivery_wave"]
    assert m["shipped_wave"] >= 80
    assert 2.5 <= m["delay_ratio"] <= 7
    assert 3 <= m["complaint_ratio"] <= 7
    assert m["nps_mean_wave"] < m["nps_mean_base"]
    assert m["nps_mean_delivery_complaint"] < m["nps_mean_other"] - 2.5


def test_pattern2_returns_drive_detractors():
    m = default_patterns()["returns_detractors"]
    assert 2.3 <= m["diff"] <= 4
    assert m["n_with_return"] > 300
    assert m["top_negative_topic"] == "returns_refunds"
    assert m["top_negative_topic_mean"] == "returns_refunds"
    others = sorted(v for k, v in m["impact"].items() if k != "returns_refunds")
    assert m["impact"]["returns_refunds"] < 2 * others[0]


def test_pattern3_alpin_profis_have_the_highest_value():
    m = default_patterns()["alpin_profis"]
    assert 0.06 <= m["share"] <= 0.10
    assert 2.4 <= m["frequency_ratio"] <= 3.6
    assert 1.7 <= m["basket_ratio"] <= 2.3
    assert m["revenue_ratio"] >= 4
    assert m["home_share"] >= 0.8 and m["store_or_referral_share"] >= 0.9 and m["loyalty_share"] >= 0.9
    assert m["age_min"] >= 30 and m["age_max"] <= 51


def test_pattern4_app_checkout_is_a_bad_experience():
    m = default_patterns()["app_checkout"]
    assert m["payfail_rate_app"] >= 5 * m["payfail_rate_web"]
    assert m["ces_web"] - m["ces_app"] >= 2
    assert m["csat_web"] - m["csat_app"] >= 1.2
    assert m["abandon_rate_app"] >= 1.5 * m["abandon_rate_web"]
    assert m["cart_abandoned_app"] > 1000 and m["n_ces_app"] >= 50 and m["n_csat_app"] >= 50


def test_pattern5_in_store_advice_is_praised():
    m = default_patterns()["store_advice"]
    assert m["csat_store_advice"] >= 4.5
    assert m["csat_store_advice"] - m["csat_other"] >= 1
    assert m["praise_share"] >= 0.85
    assert m["named_staff_share"] >= 0.1


def test_pattern6_negative_service_contacts_triple_churn():
    m = default_patterns()["churn"]
    assert m["n_trouble"] >= 100
    assert 2.3 <= m["ratio"] <= 4.2
    assert 0.08 <= m["churn_rate_base"] <= 0.2
    assert m["explicit"] > 200
