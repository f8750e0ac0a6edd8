"""The ONNX Runtime embedder: exact engine tokenisation, length-sorted batches, int8 e5-small graph."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from resonanz.core.text._e5.build import build_info, ensure_model, source_model_path
from resonanz.core.text._e5.common import Encoded, TokenStates, check_texts, num_threads
from resonanz.core.text._e5.modelfile import read_model_file
from resonanz.core.text._e5.tokenizer import Batch, E5Tokenizer

# Cap on batch_rows * seq_len**2: the attention scores of a batch are rows * 12 heads * L * L floats, so a
# batch of 512-token texts is cut to 8 rows (~100 MB) while short texts keep the full batch size.
_ATTN_BUDGET = 2_097_152


class OnnxEmbedder:
    """multilingual-e5-small as an int8 ONNX graph (see ``graph.py``), 10-30x the C engine's throughput."""

    dim = 384
    has_token_states = True  # ``encode_detailed(..., token_states=...)`` can return the token states

    def __init__(self, model_path: Path, *, name: str, threads: int | None = None) -> None:
        self.name = name
        self.model_path = model_path
        self.info = build_info(model_path)
        self.tokenizer = E5Tokenizer(read_model_file(source_model_path()))
        self.threads = threads or num_threads()
        self._session = self._make_session(model_path)
        self._layers_session: Any = None
        self._layers_lock = threading.Lock()

    def _make_session(self, path: Path) -> Any:
        import onnxruntime as ort

        so = ort.SessionOptions()
        so.intra_op_num_threads = self.threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        so.log_severity_level = 3
        # Idle pool threads spin by default; next to other work on 2 cores (tokenising, the rest of the
        # pipeline, other workers) that halved throughput and doubled CPU per text in our runs.
        spin = os.environ.get("RESONANZ_ORT_SPIN", "0").strip() == "1"
        so.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
        return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])

    def encode(
        self, texts: Sequence[str], *, prefix: str = "query: ", batch_size: int = 32
    ) -> npt.NDArray[np.float32]:
        """(n, 384) float32, L2-normalised, rows in input order; texts over 512 tokens are truncated."""
        return self.encode_detailed(texts, prefix=prefix, batch_size=batch_size).vectors

    def _batches(
        self, content: list[list[int]], batch_size: int
    ) -> Iterator[tuple[npt.NDArray[np.intp], Batch]]:
        """Length-sorted padded batches of ``<s> content </s>`` (truncated to 512 tokens) with their row indexes."""
        tok = self.tokenizer
        n = len(content)
        cmax = tok.max_tokens - 2
        seqs = [[tok.bos, *c[:cmax], tok.eos] for c in content]
        lengths = np.fromiter((len(s) for s in seqs), dtype=np.int64, count=n)
        order = np.argsort(lengths, kind="stable")
        step = max(1, int(batch_size))
        a = 0
        while a < n:
            longest = int(lengths[order[min(a + step, n) - 1]])
            rows = max(1, min(step, _ATTN_BUDGET // (longest * longest)))
            idx = order[a : a + rows]
            yield idx, tok.pad_batch([seqs[i] for i in idx])
            a += rows

    def encode_detailed(
        self,
        texts: Sequence[str],
        *,
        prefix: str = "query: ",
        batch_size: int = 32,
        token_states: bool | Sequence[bool] = False,
        outputs: Sequence[str] = (),
    ) -> Encoded:
        """Like ``encode``, plus token counts and truncation flags per text. ``token_states`` (all texts, or a
        flag per text) also keeps the last layer's token states of those texts (``Encoded.tokens``) from the
        same forward pass: the graph computes them anyway; keeping them costs ~1.5 KB per token. ``outputs``:
        further ``(batch, 384)`` outputs of the graph to fetch by name (``Encoded.extra``), e.g. a fine-tuned
        branch's ``embedding_ft`` (``finetune.SHARED_ENCODER_FILE``)."""
        items = check_texts(texts)
        n = len(items)
        keep = [bool(token_states)] * n if isinstance(token_states, bool) else [bool(k) for k in token_states]
        if len(keep) != n:
            raise ValueError(f"token_states has {len(keep)} flags for {n} texts")
        tok = self.tokenizer
        full = [prefix + t for t in items]
        content = tok.content_ids(full)
        n_tokens = np.fromiter((len(c) + 2 for c in content), dtype=np.int64, count=n)
        out = np.zeros((n, self.dim), dtype=np.float32)
        states: list[npt.NDArray[np.float32] | None] = [None] * n
        names = list(dict.fromkeys(outputs))
        extra = {nm: np.zeros((n, self.dim), dtype=np.float32) for nm in names}
        fetch = ["embedding", *names] + (["token_states"] if any(keep) else [])
        for idx, batch in self._batches(content, batch_size):
            res = self._session.run(fetch, {"input_ids": batch.input_ids, "attention_mask": batch.attention_mask})
            out[idx] = res[0]
            for k, nm in enumerate(names):
                extra[nm][idx] = res[1 + k]
            if len(res) > 1 + len(names):
                for r, i in enumerate(idx):
                    if keep[i]:
                        states[i] = np.array(res[-1][r, : batch.lengths[r]])
        tokens = TokenStates(full, len(prefix), content, states, tok.char_offsets) if any(keep) else None
        return Encoded(out, n_tokens, n_tokens > tok.max_tokens, tokens, extra)

    def encode_layer_means(
        self, texts: Sequence[str], *, prefix: str = "query: ", batch_size: int = 32
    ) -> npt.NDArray[np.float32]:
        """``(n, 12, 384)`` float32: per text, the attention-mask mean of every layer's output (not normalised;
        the last layer's row is the un-normalised ``embedding``). Uses the ``layers`` model variant, built into
        the cache and loaded as a second session on first use (the default graph never computes it)."""
        session = self._layers()
        items = check_texts(texts)
        content = self.tokenizer.content_ids([prefix + t for t in items])
        out: npt.NDArray[np.float32] | None = None
        for idx, batch in self._batches(content, batch_size):
            (lm,) = session.run(["layer_means"], {"input_ids": batch.input_ids, "attention_mask": batch.attention_mask})
            if out is None:
                out = np.zeros((len(items), lm.shape[1], self.dim), dtype=np.float32)
            out[idx] = lm
        return out if out is not None else np.zeros((0, 12, self.dim), dtype=np.float32)

    def _layers(self) -> Any:
        with self._layers_lock:
            if self._layers_session is None:
                self._layers_session = self._make_session(ensure_model(variant="layers"))
            return self._layers_session

