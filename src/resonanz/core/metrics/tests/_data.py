"""Locate the shared benchmark data sets (never copied into the repository); skip cleanly when absent."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

REPO_ROOT = Path(__file__).resolve().parents[5]


def datasets_dir() -> Path | None:
    """``$RESONANZ_DATASETS`` when set (and only then), else ``<repo>/../shared/datasets``, if it exists."""
    env = os.environ.get("RESONANZ_DATASETS")
    cand = Path(env) if env else REPO_ROOT.parent / "shared" / "datasets"
    return cand if cand.is_dir() else None


def dataset_file(relative: str) -> Path:
    """Path of a data-set file, or ``pytest.skip`` with a message when the folder or file is missing."""
    base = datasets_dir()
    if base is None:
        pytest.skip("benchmark data sets not found: set RESONANZ_DATASETS or provide ../shared/datasets")
    path = base / relative
    if not path.is_file():
        pytest.skip(f"data set file {relative} not found under {base}")
    return path


def cell(frame: pd.DataFrame, row: Any, column: Any) -> Any:
    """One cell by label (typed ``Any`` so assertions on it type-check under pandas-stubs)."""
    return frame.loc[row, column]
