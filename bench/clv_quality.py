"""BG/NBD on the CDNOW 2,357-customer summary vs the published parameters (Fader, Hardie & Lee 2005).

Run from the repository root: ``.venv/bin/python bench/clv_quality.py``. Prints fitted vs published parameters
and ends with one ``RESULT`` line whose value is the largest relative error (target: <= 0.01).
The data set is read from $RESONANZ_DATASETS or ../shared/datasets and never copied into the repository.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pandas as pd  # noqa: E402

from resonanz.core.metrics.clv import fit_bgnbd  # noqa: E402

PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
TARGET = 0.01


def main() -> int:
    base = Path(os.environ.get("RESONANZ_DATASETS", ROOT.parent / "shared" / "datasets"))
    path = base / "cdnow" / "cdnow_customers_summary.csv"
    if not path.is_file():
        print(f"SKIP: {path} not found (set RESONANZ_DATASETS)")
        print(f"RESULT bgnbd_max_rel_error value=nan unit=ratio target={TARGET} ratio=- ok=false")
        return 1
    d = pd.read_csv(path)
    start = time.perf_counter()
    p = fit_bgnbd(d["frequency"], d["recency"], d["T"])
    elapsed = time.perf_counter() - start
    print(
        f"customers={p.n_customers} log_likelihood={p.log_likelihood:.2f} (published -9582.4) fit_seconds={elapsed:.3f}"
    )
    worst = 0.0
    for name, ref in PUBLISHED.items():
        got = getattr(p, name)
        rel = abs(got - ref) / ref
        worst = max(worst, rel)
        print(f"{name:>5}: fitted={got:.4f} published={ref:.3f} rel_error={rel:.5f}")
    ok = worst <= TARGET
    print(
        f"RESULT bgnbd_max_rel_error value={worst:.5f} unit=ratio target={TARGET} ratio=- ok={'true' if ok else 'false'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
