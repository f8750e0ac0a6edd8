"""Heads and metrics that need no encoder: metric arithmetic and the category/polarity combination."""

from __future__ import annotations

import numpy as np
import pytest

from resonanz.core.errors import TextAnalysisError
from resonanz.core.text.evaluation import classification_metrics
from resonanz.core.text.heads import (
    best_set_threshold,
    best_threshold,
    expected_set_threshold,
    pair_probabilities,
    set_predictions,
    set_score,
    train_classifier,
)


def test_classification_metrics_single_and_multi_label() -> None:
    m = classification_metrics([["pos"], ["neg"], ["neg"], ["neu"]], [["pos"], ["neg"], ["pos"], ["neu"]])
    assert m["accuracy"] == pytest.approx(0.75)
    assert m["micro_f1"] == pytest.approx(0.75)
    assert m["per_class"]["neg"]["recall"] == pytest.approx(0.5)
    assert m["per_class"]["pos"]["precision"] == pytest.approx(0.5)
    mm = classification_metrics([["a", "b"], ["a"]], [["a"], ["a", "c"]])
    assert mm["accuracy"] == 0.0
    # tp=2 (a, a), fp=1 (c), fn=1 (b)
    assert mm["micro_f1"] == pytest.approx(2 * 2 / (2 * 2 + 1 + 1), abs=1e-4)  # rounded to 4 places


def test_best_threshold_separates_the_classes() -> None:
    p = np.array([0.1, 0.2, 0.35, 0.6, 0.7, 0.9])
    y = np.array([0, 0, 0, 1, 1, 1])
    t = best_threshold(p, y)
    assert 0.35 < t <= 0.6


def test_set_predictions_threshold_and_at_least_one() -> None:
    P = np.array([[0.9, 0.4, 0.1], [0.2, 0.1, 0.15]])
    on = set_predictions(P, 0.3)
    assert on.tolist() == [[True, True, False], [True, False, False]]  # row 2: nothing >= 0.3 -> its argmax


def test_set_score_is_tp_over_union_summed_over_texts() -> None:
    on = np.array([[True, True, False], [True, False, False]])
    Y = np.array([[1, 0, 0], [0, 0, 1]])
    # text 1: tp=1 fp=1; text 2: fp=1 fn=1 -> 1 / (1 + 1 + 1 + 1)
    assert set_score(on, Y) == pytest.approx(0.25)


def test_best_set_threshold_maximises_the_set_score() -> None:
    # label 0 always right; label 1 right exactly when p >= 0.3; below 0.3 it is always wrong
    P = np.array([[0.9, 0.35], [0.9, 0.32], [0.9, 0.25], [0.9, 0.1], [0.9, 0.05]])
    Y = np.array([[1, 1], [1, 1], [1, 0], [1, 0], [1, 0]])
    t = best_set_threshold(P, Y)
    assert 0.25 < t <= 0.32
    assert set_score(set_predictions(P, t), Y) == pytest.approx(1.0)
    assert set_score(set_predictions(P, 0.5), Y) < 1.0


def test_expected_set_threshold_needs_no_labels_and_matches_the_best_on_calibrated_probabilities() -> None:
    rng = np.random.default_rng(0)
    P = rng.beta(0.4, 2.0, (3000, 12))  # mostly unlikely labels, some likely: like topic probabilities
    Y = rng.random(P.shape) < P  # calibrated: each label is on with its probability
    t = expected_set_threshold(P)
    assert 0.2 <= t <= 0.45  # include a label when its gain beats its cost, well below 0.5
    best = set_score(set_predictions(P, best_set_threshold(P, Y)), Y)
    assert set_score(set_predictions(P, t), Y) >= best - 0.005  # without ever looking at Y
    assert set_score(set_predictions(P, t), Y) > set_score(set_predictions(P, 0.5), Y) + 0.01
    sure = np.array([[0.99, 0.01], [0.02, 0.98]])  # confident and calibrated: any middle threshold
    assert set_score(set_predictions(sure, expected_set_threshold(sure)), np.array([[1, 0], [0, 1]])) == 1.0


def test_pair_probabilities_split_the_category_probability_over_polarities() -> None:
    cats = ["Allgemein", "Zugfahrt"]
    pairs = ["Allgemein:negative", "Allgemein:neutral", "Zugfahrt:negative", "Toiletten:negative"]
    P = np.array([[0.8, 0.5]])
    PP = np.array([[0.3, 0.1, 0.4, 0.9]])
    Q = pair_probabilities(P, cats, PP, pairs)
    assert Q[0, 0] == pytest.approx(0.8 * 0.75)
    assert Q[0, 1] == pytest.approx(0.8 * 0.25)
    assert Q[0, 2] == pytest.approx(0.5)  # the only polarity of that category
    assert Q[0, 3] == 0.0  # the category head does not know "Toiletten"


def _toy_multilabel() -> tuple[list[str], np.ndarray, list[list[str]]]:
    rng = np.random.default_rng(0)
    centers = rng.normal(size=(3, 16))
    texts, X, labels = [], [], []
    for i in range(120):
        a = i % 3
        labs = [f"c{a}"] + ([f"c{(a + 1) % 3}"] if i % 4 == 0 else [])
        v = centers[a] + (centers[(a + 1) % 3] if i % 4 == 0 else 0) + 0.3 * rng.normal(size=16)
        texts.append(f"text {i}")
        X.append(v / np.linalg.norm(v))
        labels.append(labs)
    return texts, np.array(X, dtype=np.float32), labels


def test_train_classifier_threshold_rules() -> None:
    texts, X, labels = _toy_multilabel()
    micro = train_classifier(texts, X, labels, task="topics", multi_label=True, use_chars=False)
    assert micro.meta["thresholds"] == "micro"
    assert micro.thresholds is not None and len(set(micro.thresholds.tolist())) == 1
    per = train_classifier(texts, X, labels, task="topics", multi_label=True, use_chars=False,
                           thresholds="per-class")
    assert per.meta["thresholds"] == "per-class"
    Y = np.array([[c in s for c in micro.classes] for s in labels])
    for clf in (micro, per):
        on = np.array([[c in s for c in clf.classes] for s in clf.predict(texts, X)])
        assert set_score(on, Y) > 0.8
    with pytest.raises(TextAnalysisError) as e:
        train_classifier(texts, X, labels, task="topics", multi_label=True, use_chars=False, thresholds="macro")
    assert e.value.code == "E244"
