"""Helpers shared by both embedders (threads, input checks, the detailed result type)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from resonanz.core.errors import TextAnalysisError


@dataclass(frozen=True)
class Encoded:
    """Vectors plus per-text token counts (incl. ``<s>``/``</s>``, before truncation) and truncation flags."""

    vectors: npt.NDArray[np.float32]
    n_tokens: npt.NDArray[np.int64]
    truncated: npt.NDArray[np.bool_]


def num_threads() -> int:
    """Threads for inference: ``RESONANZ_THREADS`` if set, else the number of usable cores."""
    env = os.environ.get("RESONANZ_THREADS", "").strip()
    if env:
        try:
            n = int(env)
        except ValueError:
            raise TextAnalysisError(
                f"RESONANZ_THREADS must be an integer, got {env!r}", code="E201"
            ) from None
        if n < 1:
            raise TextAnalysisError(f"RESONANZ_THREADS must be >= 1, got {n}", code="E201")
        return n
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def clean_text(text: str) -> str:
    """Make a text safe for both backends: the C engine stops at NUL and needs valid UTF-8."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates
        text = text.encode("utf-8", errors="replace").decode("utf-8")
    return text


def check_texts(texts: Sequence[str]) -> list[str]:
    if isinstance(texts, str):
        raise TextAnalysisError("encode() takes a sequence of texts, not a single str", code="E202")
    out: list[str] = []
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TextAnalysisError(f"text #{i} is {type(t).__name__}, expected str", code="E202", index=i)
        out.append(clean_text(t))
    return out
