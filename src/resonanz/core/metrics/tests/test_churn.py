"""Churn rates, retention cohorts and the churn-risk model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from resonanz.core.errors import MetricsError
from resonanz.core.metrics.churn import (
    churn_rate_by_period,
    lifespans_from_activity,
    lifespans_from_cancellations,
    retention_matrix,
)
from resonanz.core.metrics.churn_model import cross_validated_auc, target_vector, train_churn_model
from resonanz.core.metrics.tests._data import cell, dataset_file


def _customers() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4, 5],
            "start": ["2024-01-05", "2024-01-20", "2024-02-03", "2024-02-10", "2024-03-01"],
            "cancelled_at": [None, "2024-02-15", "2024-03-31", None, "2024-03-10"],
        }
    )


def test_churn_rate_counts_only_customers_active_at_period_start() -> None:
    life = lifespans_from_cancellations(_customers())
    out = churn_rate_by_period(life, freq="M", start="2024-01-01", end="2024-03-31")
    assert out["period"].tolist() == ["2024-01", "2024-02", "2024-03"]
    assert out["at_risk"].tolist() == [0, 2, 3]  # Feb: 1, 2; Mar: 1, 3, 4 (2 left in Feb, 5 is new)
    assert out["churned"].tolist() == [0, 1, 1]  # Feb: 2; Mar: 3 (5 churned but was not at risk)
    assert out["churn_rate"].tolist() == [None, 0.5, pytest.approx(1 / 3)]


def test_cancellation_before_start_is_rejected() -> None:
    bad = _customers()
    bad.loc[0, "cancelled_at"] = "2023-12-31"
    with pytest.raises(MetricsError, match="cancelled before they started"):
        lifespans_from_cancellations(bad)


def test_inactivity_definition_churns_n_days_after_last_event() -> None:
    events = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c"],
            "date": ["2024-01-01", "2024-01-10", "2024-01-05", "2024-03-25"],
        }
    )
    life = lifespans_from_activity(events, inactivity_days=30, observation_end="2024-03-31").set_index(
        "customer_id"
    )
    assert cell(life, "a", "churn_date") == pd.Timestamp("2024-02-09")
    assert cell(life, "b", "churn_date") == pd.Timestamp("2024-02-04")
    assert pd.isna(cell(life, "c", "churn_date"))  # 2024-04-24 is after the observation end
    rate = churn_rate_by_period(life.reset_index(), freq="M", start="2024-02-01", end="2024-02-29")
    assert (rate["at_risk"].iloc[0], rate["churned"].iloc[0]) == (2, 2)


def test_inactivity_days_must_be_positive() -> None:
    with pytest.raises(MetricsError, match="inactivity_days"):
        lifespans_from_activity(pd.DataFrame({"customer_id": [1], "date": ["2024-01-01"]}), inactivity_days=0)


def test_retention_matrix_is_share_still_active_per_cohort_and_month() -> None:
    life = lifespans_from_cancellations(_customers())
    m = retention_matrix(life, observation_end="2024-03-31")
    assert m.index.tolist() == ["2024-01", "2024-02", "2024-03"]
    assert m["customers"].tolist() == [2, 2, 1]
    # Jan cohort (1, 2): end of Jan both active, end of Feb only 1, end of Mar only 1
    assert list(m.loc["2024-01", [0, 1, 2]]) == [1.0, 0.5, 0.5]
    # Feb cohort (3, 4): end of Feb both, 3 cancels 2024-03-31 -> not active after March
    assert list(m.loc["2024-02", [0, 1]]) == [1.0, 0.5]
    assert np.isnan(cell(m, "2024-02", 2))  # April is not observable yet
    assert cell(m, "2024-03", 0) == 0.0


def test_target_vector_names_unknown_label() -> None:
    assert target_vector(pd.Series(["Yes", "no", True, 0])).tolist() == [1, 0, 1, 0]
    with pytest.raises(MetricsError, match="'maybe'"):
        target_vector(pd.Series(["Yes", "maybe"]))


def _synthetic(n: int = 600, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    contract = rng.choice(["monthly", "yearly"], size=n)
    tenure = rng.integers(1, 72, size=n).astype(float)
    noise = rng.normal(size=n)
    logit = -1.0 + 2.5 * (contract == "monthly") - 0.05 * tenure + 0.0 * noise
    churn = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {"id": np.arange(n), "contract": contract, "tenure": tenure, "noise": noise, "churn": churn}
    )


def test_churn_model_explanations_name_the_planted_driver() -> None:
    df = _synthetic()
    model = train_churn_model(df, "churn", exclude=["id"], candidates=("logistic",))
    assert model.kind == "logistic"
    new = pd.DataFrame(
        {"id": [1, 2], "contract": ["monthly", "yearly"], "tenure": [2.0, 70.0], "noise": [0.0, 0.0]}
    )
    risk = model.predict_proba(new)
    assert risk[0] > 0.5 > 0.1 > risk[1]
    top = cell(model.explain(new, top=2), 0, "factors")
    assert {f for f, _, _ in top} == {"contract", "tenure"}
    contrib = model.contributions(new)
    assert (
        cell(contrib, 1, "contract") < 0 and cell(contrib, 1, "tenure") < 0
    )  # both lower the yearly customer's risk
    assert all(f != "contract" for f, _, _ in cell(model.explain(new), 1, "factors"))


def test_churn_model_selection_reports_cv_auc_of_each_candidate() -> None:
    model = train_churn_model(_synthetic(), "churn", exclude=["id"], folds=3)
    assert set(model.cv_auc) == {"logistic", "gradient_boosting"}
    assert model.cv_auc[model.kind] == max(model.cv_auc.values())
    contrib = model.contributions(_synthetic(5, seed=2))
    assert list(contrib.columns) == model.features


@pytest.mark.datasets
def test_churn_model_reaches_auc_084_on_telco_with_3_fold_cv() -> None:
    frame = pd.read_csv(dataset_file("telco_churn/train.csv"))
    folds = cross_validated_auc(frame, "Churn", kind="logistic", folds=3, exclude=["customerID"])
    assert float(np.mean(folds)) >= 0.84


def test_gradient_boosting_explanations_use_occlusion_against_the_training_baseline() -> None:
    model = train_churn_model(_synthetic(), "churn", exclude=["id"], candidates=("gradient_boosting",))
    new = pd.DataFrame({"contract": ["monthly"], "tenure": [2.0], "noise": [0.0]})
    contrib = model.contributions(new)
    baseline_row = pd.DataFrame({c: [model.baseline[c]] for c in model.features})
    # occluding every feature at once gives the baseline customer; contract alone must raise risk
    assert cell(contrib, 0, "contract") > 0
    assert model.predict_proba(new)[0] > model.predict_proba(baseline_row)[0]
    assert cell(model.explain(new, top=1), 0, "factors")[0][0] in {"contract", "tenure"}
