"""Shared helpers of the metrics package: input validation and small statistical utilities (no Django)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
from scipy import stats

from resonanz.core.errors import MetricsError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
type ScoreInput = Iterable[float | int | None] | npt.NDArray[Any] | pd.Series | pa.Array | pa.ChunkedArray
type FrameInput = pd.DataFrame | pa.Table


def as_frame(data: FrameInput) -> pd.DataFrame:
    """Accept a pandas DataFrame or an Arrow table (a batch from DuckDB / Parquet) and return a DataFrame."""
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, pa.Table):
        frame: pd.DataFrame = data.to_pandas()
        return frame
    raise MetricsError(
        f"expected a pandas DataFrame or a pyarrow Table, got {type(data).__name__}", code="E303"
    )


def z_quantile(confidence: float) -> float:
    """Two-sided normal quantile for ``confidence`` (0.95 -> 1.959963...)."""
    if not 0.0 < confidence < 1.0:
        raise MetricsError(f"confidence must be in (0, 1), got {confidence!r}", code="E301")
    return float(stats.norm.ppf(0.5 + confidence / 2.0))


def as_scores(
    values: ScoreInput, *, lo: int, hi: int, metric: str, integer: bool = True
) -> IntArray | FloatArray:
    """Validate a batch of survey scores and return them as an array, dropping missing answers.

    ``None`` and NaN are treated as "no answer" and dropped. Anything else outside ``[lo, hi]`` (or not a whole
    number when ``integer``) raises ``MetricsError`` (code E302) naming the first bad value.
    """
    if isinstance(values, pd.Series):
        raw: list[Any] = values.tolist()
    elif isinstance(values, (pa.Array, pa.ChunkedArray)):
        raw = values.to_pylist()
    elif isinstance(values, np.ndarray):
        raw = values.ravel().tolist()
    else:
        raw = list(values)
    kept: list[float] = []
    for v in map(_plain, raw):
        if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise MetricsError(f"{metric}: score {v!r} is not a number", code="E302", value=v)
        f = float(v)
        if f < lo or f > hi or (integer and not f.is_integer()):
            kind = "whole number" if integer else "number"
            raise MetricsError(
                f"{metric}: score {v!r} is out of range; expected a {kind} from {lo} to {hi}",
                code="E302",
                value=v,
            )
        kept.append(f)
    if integer:
        return np.asarray(kept, dtype=np.int64)
    return np.asarray(kept, dtype=np.float64)


def check_column(df: pd.DataFrame, column: str, *, lo: int, hi: int, metric: str) -> pd.Series:
    """Vectorised validation of a score column: returns it as float (NaN = no answer) or raises E302."""
    if column not in df.columns:
        raise MetricsError(f"{metric}: column {column!r} not in frame (has {list(df.columns)})", code="E303")
    s = pd.to_numeric(df[column], errors="coerce").astype("float64")
    bad = s.notna() & ((s < lo) | (s > hi) | (s != np.floor(s)))
    nonnum = s.isna() & df[column].notna()
    if bool(nonnum.any()):
        v = _plain(df[column][nonnum].iloc[0])
        raise MetricsError(f"{metric}: score {v!r} is not a number", code="E302", value=v)
    if bool(bad.any()):
        v = _plain(df[column][bad].iloc[0])
        raise MetricsError(
            f"{metric}: score {v!r} is out of range; expected a whole number from {lo} to {hi}",
            code="E302",
            value=v,
        )
    return s


def _plain(v: Any) -> Any:
    """numpy scalar -> Python scalar, so messages read ``score 12`` rather than ``np.int64(12)``."""
    return v.item() if isinstance(v, np.generic) else v


def clip(x: float, lo: float, hi: float) -> float:
    return max(lo, min(hi, x))
