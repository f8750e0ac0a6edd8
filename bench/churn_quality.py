"""Churn-risk model quality on IBM Telco churn: 5-fold stratified cross-validated ROC-AUC (target >= 0.84).

Run from the repository root: ``.venv/bin/python bench/churn_quality.py``. Prints the per-fold AUC of every
candidate model, the one ``train_churn_model`` would pick, and ends with exactly one ``RESULT`` line.
The data set is read from $RESONANZ_DATASETS or ../shared/datasets and never copied into the repository.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from resonanz.core.metrics.churn_model import ModelKind, cross_validated_auc  # noqa: E402

TARGET = 0.84
CANDIDATES: tuple[ModelKind, ...] = ("logistic", "gradient_boosting")


def main() -> int:
    base = Path(os.environ.get("RESONANZ_DATASETS", ROOT.parent / "shared" / "datasets"))
    path = base / "telco_churn" / "train.csv"
    if not path.is_file():
        print(f"SKIP: {path} not found (set RESONANZ_DATASETS)")
        print(f"RESULT churn_auc value=nan unit=auc target={TARGET} ratio=- ok=false")
        return 1
    frame = pd.read_csv(path)
    print(f"rows={len(frame)} churn_share={(frame['Churn'] == 'Yes').mean():.3f}")
    means: dict[str, float] = {}
    for kind in CANDIDATES:
        start = time.perf_counter()
        folds = cross_validated_auc(
            frame, "Churn", kind=kind, folds=5, random_state=0, exclude=["customerID"]
        )
        means[kind] = float(np.mean(folds))
        per_fold = " ".join(f"{v:.4f}" for v in folds)
        print(
            f"{kind}: folds=[{per_fold}] mean={means[kind]:.4f} sd={np.std(folds):.4f} "
            f"seconds={time.perf_counter() - start:.2f}"
        )
    best = max(means, key=lambda k: means[k])
    auc = means[best]
    ok = auc >= TARGET
    print(f"selected={best}")
    print(f"RESULT churn_auc value={auc:.4f} unit=auc target={TARGET} ratio=- ok={'true' if ok else 'false'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
