"""Helpers shared by both embedders (threads, input checks, the detailed result type)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from resonanz.core.errors import TextAnalysisError


@dataclass(frozen=True)
class TokenStates:
    """The last layer's contextual token states of encoded texts, to pool character spans of a text.

    ``states[i]`` is ``(tokens, 384)`` float32 with ``<s>`` first and ``</s>`` last (``None`` where the text's
    states were not kept); ``ids[i]`` its content token ids (before truncation); ``texts[i]`` the string that
    was tokenised, i.e. ``prefix + text``. Offsets are computed only for texts whose spans are pooled.
    """

    texts: list[str]
    prefix_len: int
    ids: list[list[int]]
    states: list[npt.NDArray[np.float32] | None]
    offsets: Callable[[str, Sequence[int]], npt.NDArray[np.int64]]

    def has(self, i: int) -> bool:
        return self.states[i] is not None

    def span_vectors(
        self, i: int, spans: Sequence[tuple[int, int]], *, context_weight: float = 0.0
    ) -> npt.NDArray[np.float32]:
        """``(len(spans), 384)``: per character span ``[start, end)`` of text ``i`` (offsets into the text without
        the prefix), the mean of the states of the tokens overlapping it, minus ``context_weight`` times the mean
        of the text's other content tokens, L2-normalised. A span with no token (e.g. beyond the 512-token
        truncation) gets the mean over all content tokens."""
        st = self.states[i]
        if st is None:
            raise ValueError(f"token states of text {i} were not kept")
        n_content = st.shape[0] - 2
        if n_content <= 0:
            v = st.mean(0)
            return np.tile(v / max(float(np.linalg.norm(v)), 1e-12), (len(spans), 1)).astype(np.float32)
        off = self.offsets(self.texts[i], self.ids[i])[:n_content] - self.prefix_len
        content = st[1 : 1 + n_content]
        own = off[:, 1] > 0  # tokens of the text itself, not of the prefix
        if not own.any():
            own = np.ones(n_content, dtype=bool)
        ab = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
        sel = (off[None, :, 0] < ab[:, 1:2]) & (off[None, :, 1] > ab[:, 0:1])  # (spans, tokens)
        sel[~sel.any(1)] = own
        w = sel / sel.sum(1, keepdims=True)
        rest = own[None, :] & ~sel
        if context_weight:
            n_rest = rest.sum(1, keepdims=True)
            w = w - context_weight * np.where(n_rest > 0, rest / np.maximum(n_rest, 1), 0.0)
        out = (w.astype(np.float32) @ content).astype(np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


@dataclass(frozen=True)
class Encoded:
    """Vectors plus per-text token counts (incl. ``<s>``/``</s>``, before truncation) and truncation flags;
    ``tokens`` holds the token states when they were asked for (ONNX backend only)."""

    vectors: npt.NDArray[np.float32]
    n_tokens: npt.NDArray[np.int64]
    truncated: npt.NDArray[np.bool_]
    tokens: TokenStates | None = None
    # further per-text graph outputs asked for by name (``encode_detailed(outputs=...)``), rows in input order
    extra: dict[str, npt.NDArray[np.float32]] = field(default_factory=dict)


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
