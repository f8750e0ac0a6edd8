"""Training from corrections: background labels keep the model's behaviour where nobody complained, the
out-of-fold check decides activation, and the scores are computed the way the docs say."""

from __future__ import annotations

import numpy as np
import pytest

from resonanz.core.errors import TextAnalysisError
from resonanz.core.text.heads import train_classifier
from resonanz.core.text.relabel import (
    HumanLabelled,
    ModelLabelled,
    contradicted,
    label_score,
    train_from_human_labels,
)

LABELS = ["negative", "neutral", "positive"]


def _world(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Six clusters in 384-d; cluster c's true label is LABELS[c % 3]. The "current model" is right
    everywhere except cluster 5 (true positive), which it calls negative."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(6, 384))
    cl = rng.integers(0, 6, size=1800)
    X = centres[cl] + 0.3 * rng.normal(size=(1800, 384))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    truth = np.array([LABELS[c % 3] for c in cl])
    model = truth.copy()
    model[cl == 5] = "negative"
    return X.astype(np.float32), truth, cl, model


def _texts(n: int) -> list[str]:
    return [f"item {i}" for i in range(n)]


def test_contradicted_uses_the_nearest_items_only() -> None:
    H = np.array([[1.0, 0.0], [0.0, 1.0]])
    B = np.array([[0.999, 0.02], [0.1, 0.99], [0.9, 0.4], [-1.0, -0.2]])
    labels = ["negative", "neutral", "neutral", "negative"]
    got = contradicted(H, ["positive", "neutral"], B, labels, k=1)
    # 0: nearest is the positive human -> left out; 1: its human agrees; 2: nearest is background 0 (ranks, not
    # a threshold); 3: an isolated item is judged by its nearest items, however far: the neutral human
    assert got.tolist() == [True, False, False, True]
    # with two neighbours, 2 also sees the positive human
    assert contradicted(H, ["positive", "neutral"], B, labels, k=2).tolist() == [True, False, True, True]
    assert contradicted(H, [["a"], ["b"]], B[:1], [["a", "c"]], k=1).tolist() == [True]  # sets compared whole


def test_label_score_accuracy_and_set_micro_f1() -> None:
    assert label_score(["a", "b", "a"], ["a", "a", "a"], multi_label=False) == pytest.approx(2 / 3, abs=1e-4)
    # sets: tp = 2 (x, y), fp = 1 (z), fn = 1 (w) -> 2*2 / (4 + 1 + 1)
    assert label_score([["x", "w"], ["y"]], [["x"], ["y", "z"]], multi_label=True) == pytest.approx(4 / 6, abs=1e-4)
    assert label_score([], [], multi_label=False) is None


def test_error_only_corrections_fix_the_wrong_region_and_keep_the_rest() -> None:
    X, truth, cl, model = _world()
    test = np.arange(900, 1300)
    # analysts corrected 30 items, all where the model was wrong (cluster 5)
    human = np.flatnonzero(cl[:900] == 5)[:30]
    rest = np.setdiff1d(np.arange(900), human)[:500]
    r = train_from_human_labels(
        HumanLabelled(_texts(len(human)), X[human], list(truth[human]), list(model[human])),
        ModelLabelled(_texts(len(rest)), X[rest], list(model[rest])), task="sentiment", multi_label=False)
    pred = np.array([p[0] for p in r.classifier.predict(_texts(len(test)), X[test])])
    acc_new = float((pred == truth[test]).mean())
    acc_model = float((model[test] == truth[test]).mean())
    assert acc_new > acc_model + 0.1  # cluster 5 (~1/6 of the items) is now right
    assert (pred[cl[test] == 5] == "positive").mean() > 0.9
    assert (pred[cl[test] != 5] == truth[test][cl[test] != 5]).mean() > 0.95  # the rest kept
    # the same labels alone: the head learns "everything is positive"
    alone = train_classifier(_texts(len(human)) + ["x"], np.vstack([X[human], X[:1]]),
                             [*truth[human], "negative"], calibrate=False)
    pred_alone = np.array([p[0] for p in alone.predict(_texts(len(test)), X[test])])
    assert float((pred_alone == truth[test]).mean()) < acc_model
    assert r.before_score == 0.0 and r.cv_score is not None and r.cv_score > 0.9
    assert r.recommend and r.n_human == 30 and r.n_background == 500 - r.n_contradicted
    # left out: background items of the corrected cluster (a disagreeing human label among their 5 nearest)
    wrong_bg = int((cl[rest] == 5).sum())
    assert 0.8 * wrong_bg <= r.n_contradicted <= wrong_bg
    assert r.agreement is not None and r.agreement > 0.95  # the other feedback keeps its labels
    assert r.metrics()["classes"] == LABELS


def test_a_head_that_cannot_match_the_current_model_on_the_human_labels_is_not_recommended() -> None:
    """The current model knows something the embedding does not carry (here: labels unrelated to X); the
    humans confirmed its labels, so it scores 1.0 on them and the new head, out of fold, far less."""
    X, truth, cl, model = _world(1)
    rng = np.random.default_rng(3)
    current = rng.choice(LABELS, size=len(X))
    human, rest = np.arange(30), np.arange(30, 180)
    r = train_from_human_labels(
        HumanLabelled(_texts(30), X[human], list(current[human]), list(current[human])),
        ModelLabelled(_texts(150), X[rest], list(current[rest])), task="sentiment", multi_label=False)
    assert r.before_score == 1.0 and r.cv_score is not None and r.cv_score < 0.7
    assert not r.recommend and "<" in r.reason


def test_too_few_labels_to_measure_and_one_class_only() -> None:
    X, truth, cl, model = _world(2)
    r = train_from_human_labels(HumanLabelled(_texts(3), X[:3], list(truth[:3]), [None] * 3),
                                ModelLabelled(_texts(300), X[3:303], list(model[3:303])),
                                task="sentiment", multi_label=False)
    assert r.cv_score is None and not r.recommend and "too few" in r.reason
    with pytest.raises(TextAnalysisError, match="one class"):
        train_from_human_labels(HumanLabelled(_texts(30), X[:30], ["neutral"] * 30, [None] * 30), None,
                                task="sentiment", multi_label=False)


def test_multi_label_topics_with_background_sets() -> None:
    X, truth, cl, model = _world(4)
    topic = np.array([["delivery"], ["price"], ["staff"], ["delivery", "price"], ["app"], ["returns"]], dtype=object)
    sets = [list(topic[c]) for c in cl]
    model_sets = [s if c != 4 else ["delivery"] for s, c in zip(sets, cl, strict=True)]  # model misses "app"
    human = np.flatnonzero(cl[:700] == 4)[:25]
    rest = np.setdiff1d(np.arange(700), human)[:400]
    r = train_from_human_labels(
        HumanLabelled(_texts(25), X[human], [sets[i] for i in human], [model_sets[i] for i in human]),
        ModelLabelled(_texts(400), X[rest], [model_sets[i] for i in rest]), task="topics", multi_label=True)
    assert r.classifier.multi_label and "app" in r.classifier.classes
    test = np.arange(700, 1100)
    pred = r.classifier.predict(_texts(400), X[test])
    score = label_score([sets[i] for i in test], pred, multi_label=True)
    before = label_score([sets[i] for i in test], [model_sets[i] for i in test], multi_label=True)
    assert score is not None and before is not None and score > before
    assert r.recommend and r.before_score is not None and r.cv_score is not None and r.cv_score > r.before_score


def test_a_random_sample_decides_activation_when_there_is_one() -> None:
    """A careless analyst "corrects" clusters 0 and 1 (negative, neutral) to positive; the quality check labelled random items as they
    are. On all human labels together the new head looks better than the model (the corrections are where the
    model "erred"); on the random sample it is worse, and with enough sample labels that decides."""
    X, truth, cl, model = _world(1)
    wrong = np.flatnonzero(np.isin(cl[:900], [0, 1]))[:40]
    rng = np.random.default_rng(3)
    sample = rng.choice(np.setdiff1d(np.arange(900), wrong), size=60, replace=False)
    idx = np.concatenate([wrong, sample])
    labels = ["positive"] * len(wrong) + list(truth[sample])
    flags = [False] * len(wrong) + [True] * len(sample)
    rest = np.setdiff1d(np.arange(900), idx)[:200]
    bg = ModelLabelled(_texts(len(rest)), X[rest], list(model[rest]))

    def run(sample_flags: list[bool] | None):
        return train_from_human_labels(
            HumanLabelled(_texts(len(idx)), X[idx], labels, list(model[idx]), sample_flags), bg,
            task="sentiment", multi_label=False)

    blind = run(None)
    assert blind.recommend and blind.cv_score >= blind.before_score  # fooled by the biased labels
    checked = run(flags)
    assert checked.n_sample == 60 and checked.sample_cv_score < checked.sample_before_score
    assert not checked.recommend and "60 randomly drawn items" in checked.reason
    assert checked.metrics()["sample_before_score"] == checked.sample_before_score
    few = run([False] * len(wrong) + [True] * 20 + [False] * 40)  # below MIN_SAMPLE: all labels decide
    assert few.recommend and few.n_sample == 20
