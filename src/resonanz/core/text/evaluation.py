"""Evaluation arithmetic for trained and shipped classifiers (``resonanz evaluate``, ``bench/quality.py``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def _prf(tp: float, fp: float, fn: float) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def classification_metrics(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, Any]:
    """accuracy (exact match), macro/micro F1 and per-class precision/recall/F1/support.

    Single-label data is given as one-element lists; micro F1 then equals accuracy."""
    classes = sorted({c for s in gold for c in s} | {c for s in pred for c in s})
    per: dict[str, dict[str, float]] = {}
    TP = FP = FN = 0.0
    for c in classes:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if c in g and c in p)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if c not in g and c in p)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if c in g and c not in p)
        TP, FP, FN = TP + tp, FP + fp, FN + fn
        pr, rc, f1 = _prf(tp, fp, fn)
        per[c] = {"precision": round(pr, 4), "recall": round(rc, 4), "f1": round(f1, 4),
                  "support": sum(1 for g in gold if c in g)}
    gold_classes = [c for c in classes if per[c]["support"] > 0]
    macro = float(np.mean([per[c]["f1"] for c in gold_classes])) if gold_classes else 0.0
    acc = float(np.mean([set(g) == set(p) for g, p in zip(gold, pred, strict=True)])) if gold else 0.0
    return {"n": len(gold), "accuracy": round(acc, 4), "macro_f1": round(macro, 4),
            "micro_f1": round(_prf(TP, FP, FN)[2], 4), "per_class": per}
