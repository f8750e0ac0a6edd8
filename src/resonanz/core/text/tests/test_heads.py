"""Heads and metrics that need no encoder: metric arithmetic and the category/polarity combination."""

from __future__ import annotations

import numpy as np
import pytest

from resonanz.core.text.heads import best_threshold, category_polarity, classification_metrics


def test_category_polarity_picks_the_most_probable_joint_head_per_category() -> None:
    pairs = ["Allgemein:negative", "Allgemein:neutral", "Zugfahrt:negative", "Zugfahrt:positive"]
    probs = np.array([
        [0.7, 0.2, 0.1, 0.8],  # negative in general, positive on the ride
        [0.1, 0.6, 0.9, 0.0],
    ])
    out = category_polarity([["Allgemein", "Zugfahrt"], ["Allgemein", "Toiletten"]], probs, pairs,
                            ["neutral", "negative"])
    assert out == [["Allgemein:negative", "Zugfahrt:positive"], ["Allgemein:neutral", "Toiletten:negative"]]


def test_category_polarity_keeps_separators_inside_category_names() -> None:
    out = category_polarity([["a:b"]], np.array([[0.2, 0.9]]), ["a:b:negative", "a:b:positive"], ["neutral"])
    assert out == [["a:b:positive"]]


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
