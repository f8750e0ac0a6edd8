"""Training a head from the analysts' corrections without learning their selection bias.

Analysts mostly correct the items a model got wrong. A head trained on those labels alone learns "whatever
the model said, it was something else": on GermEval 2017 and the airline tweets, 25–400 such error-only
labels give a head far *worse* than the shipped model (0.34–0.43 vs 0.66 and 0.56–0.63 vs 0.76 accuracy,
``bench/corrections_loop.py``). So the head is trained on the human labels **plus a background sample of
other feedback labelled by the current model** (the model's own output). Where the humans corrected a
systematic error, the background holds many similar items still carrying the wrong label, which would
out-vote the corrections; so a background item is left out when one of its ``NEIGHBOURS`` nearest items
(cosine of the embeddings, among human and background items) is a human label that disagrees with its
model label (:func:`contradicted`). The head then keeps the current model's behaviour where nobody
complained and follows the humans where they did.

Before it replaces the current model the new head is measured, out of fold, on the same data:

* ``cv_score``: its accuracy (single label) or micro-F1 of the label sets (multi label) on the human
  labels, each predicted by a head trained without that item;
* ``before_score``: how often the model that ran at correction time agreed with the same human labels
  (the correction's ``previous`` value);
* ``agreement``: on the background items (also out of fold), how often it agrees with the current model:
  how much of the other feedback the switch would relabel.

:func:`train_from_human_labels` recommends activation when ``cv_score >= before_score``; the caller decides.
Corrections are a biased sample (mostly the model's errors: the old model scores near 0 on them, so the check
passes by construction). When at least ``MIN_SAMPLE`` of the human labels come from the random quality check
(``HumanLabelled.sample``), the same comparison restricted to those items decides instead: an unbiased estimate
of which model is more accurate on the feedback as it comes.
Pure Python (numpy + scikit-learn through :mod:`heads`), no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from resonanz.core.errors import TextAnalysisError
from resonanz.core.text.evaluation import classification_metrics
from resonanz.core.text.heads import TextClassifier, train_classifier

Label = str | list[str]
NEIGHBOURS = 5
MIN_SAMPLE = 30  # quality-check labels needed before they, not all human labels, decide activation


@dataclass
class HumanLabelled:
    """Items with a human label (``previous``: the model's label when the human gave theirs, or None;
    ``sample``: True for items drawn at random by the quality check rather than picked by an analyst)."""

    texts: list[str]
    X: npt.NDArray[Any]
    labels: list[Label]
    previous: list[Label | None]
    sample: list[bool] | None = None


@dataclass
class ModelLabelled:
    """Background items labelled by the current model (no human label of this kind)."""

    texts: list[str]
    X: npt.NDArray[Any]
    labels: list[Label]


@dataclass
class RelabelResult:
    classifier: TextClassifier
    n_human: int
    n_background: int
    cv_score: float | None
    before_score: float | None
    n_before: int
    agreement: float | None
    recommend: bool
    reason: str
    n_contradicted: int = 0  # background items left out: a nearby human label disagrees
    n_sample: int = 0  # human labels of the random quality check, measured out of fold and with a model output
    sample_cv_score: float | None = None
    sample_before_score: float | None = None

    def metrics(self) -> dict[str, Any]:
        return {"n_human": self.n_human, "n_background": self.n_background, "cv_score": self.cv_score,
                "before_score": self.before_score, "n_before": self.n_before, "agreement": self.agreement,
                "recommend": self.recommend, "reason": self.reason, "n_contradicted": self.n_contradicted,
                "n_sample": self.n_sample, "sample_cv_score": self.sample_cv_score,
                "sample_before_score": self.sample_before_score, "classes": self.classifier.classes}


def _as_set(v: Label | None) -> set[str]:
    if v is None:
        return set()
    return {v} if isinstance(v, str) else set(v)


def label_score(gold: Sequence[Label], pred: Sequence[Label | None], *, multi_label: bool) -> float | None:
    """Accuracy (single label) or micro-F1 of the label sets (multi label); None for no items."""
    if not gold:
        return None
    m = classification_metrics([sorted(_as_set(g)) for g in gold], [sorted(_as_set(p)) for p in pred])
    return float(m["micro_f1"] if multi_label else m["accuracy"])


def _fit(texts: list[str], X: npt.NDArray[Any], labels: list[Label], *, task: str, multi_label: bool,
         calibrate: bool = True) -> TextClassifier:
    if multi_label:
        return train_classifier(texts, X, [sorted(_as_set(v)) for v in labels], task=task, multi_label=True)
    return train_classifier(texts, X, [v if isinstance(v, str) else v[0] for v in labels], task=task,
                            calibrate=calibrate)


def _predict(clf: TextClassifier, texts: list[str], X: npt.NDArray[Any]) -> list[Label]:
    out = clf.predict(texts, X)
    return [sorted(p) for p in out] if clf.multi_label else [p[0] for p in out]


def contradicted(human_X: npt.NDArray[Any], human_labels: Sequence[Label], bg_X: npt.NDArray[Any],
                 bg_labels: Sequence[Label], *, k: int = NEIGHBOURS) -> npt.NDArray[np.bool_]:
    """Background items with a disagreeing human label among their ``k`` nearest items (rank-based, so no
    similarity threshold to tune per encoder)."""
    n_h, n_b = len(human_labels), len(bg_labels)
    out = np.zeros(n_b, dtype=bool)
    if not n_h or not n_b:
        return out

    def unit(A: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
        A = np.asarray(A, dtype=np.float32)
        return A / np.maximum(np.linalg.norm(A, axis=1, keepdims=True), 1e-12)

    H, B = unit(human_X), unit(bg_X)
    kk = min(k, n_h + n_b - 1)
    for start in range(0, n_b, 1024):
        S = B[start : start + 1024] @ np.vstack([H, B]).T
        rows = np.arange(S.shape[0])
        S[rows, n_h + start + rows] = -np.inf  # not its own neighbour
        near = np.argpartition(-S, kk - 1, axis=1)[:, :kk]
        for r, nb in enumerate(near):
            mine = _as_set(bg_labels[start + r])
            out[start + r] = any(j < n_h and _as_set(human_labels[j]) != mine for j in nb)
    return out


def train_from_human_labels(
    human: HumanLabelled, background: ModelLabelled | None, *, task: str, multi_label: bool,
    n_folds: int = 5, seed: int = 0,
) -> RelabelResult:
    """Train on human + background labels, measure out of fold, and recommend activation (module doc)."""
    n_h = len(human.texts)
    bg = background if background is not None and background.texts else None
    n_b = len(bg.texts) if bg else 0
    if not multi_label:
        human_classes = {v if isinstance(v, str) else v[0] for v in human.labels}
        if len(human_classes | {v for v in (bg.labels if bg else []) if isinstance(v, str)}) < 2:
            raise TextAnalysisError("the labels use only one class; need at least two", code="E241")
    n_contradicted = 0
    if bg:
        keep = ~contradicted(human.X, human.labels, bg.X, bg.labels)
        n_contradicted = int((~keep).sum())
        bg = ModelLabelled([t for t, k in zip(bg.texts, keep, strict=True) if k], np.asarray(bg.X)[keep],
                           [v for v, k in zip(bg.labels, keep, strict=True) if k])
        n_b = len(bg.texts)
    texts = list(human.texts) + (list(bg.texts) if bg else [])
    X = np.asarray(human.X, dtype=np.float32)
    if bg:
        X = np.vstack([X, np.asarray(bg.X, dtype=np.float32)])
    labels: list[Label] = list(human.labels) + (list(bg.labels) if bg else [])

    rng = np.random.default_rng(seed)
    fold_of = np.concatenate([rng.permutation(np.arange(n_h) % n_folds), rng.permutation(np.arange(n_b) % n_folds)])
    oof: list[Label | None] = [None] * len(texts)
    if n_h >= n_folds:
        for f in range(n_folds):
            tr, te = np.flatnonzero(fold_of != f), np.flatnonzero(fold_of == f)
            try:  # calibration does not change the argmax; skip it for speed
                clf = _fit([texts[i] for i in tr], X[tr], [labels[i] for i in tr], task=task,
                           multi_label=multi_label, calibrate=False)
            except TextAnalysisError:  # a fold whose training part has one class only
                continue
            for i, p in zip(te, _predict(clf, [texts[i] for i in te], X[te]), strict=True):
                oof[i] = p
    done_h = [i for i in range(n_h) if oof[i] is not None]
    cv = label_score([human.labels[i] for i in done_h], [oof[i] for i in done_h], multi_label=multi_label)
    done_b = [i for i in range(n_h, n_h + n_b) if oof[i] is not None]
    agree = label_score([labels[i] for i in done_b], [oof[i] for i in done_b], multi_label=False) if done_b else None
    with_prev = [i for i in range(n_h) if human.previous[i] is not None]
    before = label_score([human.labels[i] for i in with_prev], [human.previous[i] for i in with_prev],
                         multi_label=multi_label)
    sampled = [i for i in with_prev if human.sample and human.sample[i] and oof[i] is not None]
    s_cv = label_score([human.labels[i] for i in sampled], [oof[i] for i in sampled], multi_label=multi_label)
    s_before = label_score([human.labels[i] for i in sampled], [human.previous[i] for i in sampled],
                           multi_label=multi_label)
    clf = _fit(texts, X, labels, task=task, multi_label=multi_label)
    if len(sampled) >= MIN_SAMPLE and s_cv is not None and s_before is not None:
        recommend = s_cv >= s_before
        reason = (f"on {len(sampled)} randomly drawn items: cross-validated {s_cv:.3f} "
                  f"{'>=' if recommend else '<'} {s_before:.3f} of the model at labelling time")
    elif cv is None:
        recommend, reason = False, f"too few human labels ({n_h}) to measure the new model out of fold"
    elif before is None:
        recommend, reason = True, "no earlier model output to compare with"
    elif cv >= before:
        recommend, reason = True, f"cross-validated {cv:.3f} >= {before:.3f} of the model at correction time"
    else:
        recommend, reason = False, f"cross-validated {cv:.3f} < {before:.3f} of the model at correction time"
    return RelabelResult(clf, n_h, n_b, cv, before, len(with_prev), agree, recommend, reason, n_contradicted,
                         len(sampled), s_cv, s_before)
