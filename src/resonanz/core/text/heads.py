"""Small trainable heads on top of sentence embeddings (numpy at inference, scikit-learn only to train).

* :class:`SoftmaxHead` – multinomial logistic regression with temperature calibration (single label).
* :class:`OvRHead` – one-vs-rest logistic regression with per-class thresholds (multi label).
* :class:`TextClassifier` – what ``resonanz classifier train`` builds: a head over the e5 embedding
  concatenated with hashed character n-gram TF-IDF features (captures domain words the embedding blurs),
  stored as ``meta.json`` + ``weights.npz`` (no pickle).

Inference uses only numpy (plus scikit-learn's stateless ``HashingVectorizer`` when a classifier uses
character features), so loading a shipped head costs milliseconds.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from resonanz.core.errors import TextAnalysisError

F32 = npt.NDArray[np.float32]
N_HASH = 2**18


def softmax(z: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    z = np.asarray(z, dtype=np.float64)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def sigmoid(z: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
    return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(z, dtype=np.float64), -40, 40)))


# --------------------------------------------------------------------------------------------------
# Character n-gram features (hashed, so no vocabulary needs storing)
# --------------------------------------------------------------------------------------------------


def _hasher(n_features: int = N_HASH) -> Any:
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), n_features=n_features, alternate_sign=False,
        norm=None, lowercase=True,
    )


def char_counts(texts: Sequence[str], n_features: int = N_HASH) -> Any:
    """Sparse (n, n_features) counts of hashed char n-grams (2–5, within word boundaries)."""
    return _hasher(n_features).transform([t or "" for t in texts]).tocsr()


def tfidf(counts: Any, idf: npt.NDArray[np.float32]) -> Any:
    """Sublinear TF × IDF, L2-normalised rows (like TfidfVectorizer(sublinear_tf=True))."""
    from sklearn.preprocessing import normalize

    x = counts.astype(np.float32).tocsr(copy=True)
    x.data = 1.0 + np.log(x.data)
    x = x.multiply(idf.reshape(1, -1)).tocsr()
    return normalize(x)


def fit_idf(counts: Any) -> npt.NDArray[np.float32]:
    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    idf = np.log((1 + n) / (1 + df)) + 1.0
    idf[df == 0] = 0.0  # unseen buckets contribute nothing
    return idf.astype(np.float32)


# --------------------------------------------------------------------------------------------------
# Heads
# --------------------------------------------------------------------------------------------------


@dataclass
class SoftmaxHead:
    """``p = softmax((X @ W + b) / T)``. ``classes`` in column order."""

    classes: list[str]
    W: F32
    b: F32
    temperature: float = 1.0

    def logits(self, X: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        return (np.asarray(X, dtype=np.float32) @ self.W + self.b).astype(np.float64)

    def predict_proba(self, X: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        return softmax(self.logits(X) / self.temperature)

    def save(self, path: str | Path, meta: dict[str, Any] | None = None) -> None:
        path = Path(path)
        np.savez_compressed(path, W=self.W.astype(np.float32), b=self.b.astype(np.float32),
                            temperature=np.float32(self.temperature), classes=np.array(self.classes))
        if meta is not None:
            path.with_suffix(".json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> SoftmaxHead:
        with np.load(path, allow_pickle=False) as z:
            return cls([str(c) for c in z["classes"]], z["W"], z["b"], float(z["temperature"]))


def log_loss(P: npt.NDArray[Any], y: npt.NDArray[np.int_]) -> float:
    """Mean negative log-likelihood of the true classes ``y`` under the probability rows ``P``."""
    return float(-np.mean(np.log(P[np.arange(len(y)), y] + 1e-12)))


def binary_log_loss(P: npt.NDArray[Any], Y: npt.NDArray[Any]) -> float:
    """Mean binary cross-entropy of independent per-class probabilities ``P`` against the 0/1 matrix ``Y``."""
    P = np.clip(np.asarray(P, dtype=np.float64), 1e-12, 1 - 1e-12)
    Y = np.asarray(Y, dtype=np.float64)
    return float(-np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P)))


def fit_temperature(logits: npt.NDArray[Any], y: npt.NDArray[Any], *, multi_label: bool = False) -> float:
    """Temperature minimising held-out negative log-likelihood (grid search, robust). ``multi_label``: ``y``
    is a 0/1 matrix and the probabilities are per-class sigmoids (binary cross-entropy)."""
    best_t, best_nll = 1.0, np.inf
    for t in np.exp(np.linspace(np.log(0.25), np.log(5.0), 60)):
        nll = binary_log_loss(sigmoid(logits / t), y) if multi_label else log_loss(softmax(logits / t), y)
        if nll < best_nll:
            best_t, best_nll = float(t), nll
    return best_t


def train_softmax(
    X: npt.NDArray[Any], y: Sequence[str], *, C: float = 2.0, class_weight: str | None = None,
    calibrate: bool = True, sample_weight: npt.NDArray[Any] | None = None, seed: int = 0,
) -> SoftmaxHead:
    """Multinomial LR (scikit-learn lbfgs) + temperature fitted on 5-fold out-of-fold logits."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    classes = sorted(set(y))
    yi = np.array([classes.index(v) for v in y])
    X = np.asarray(X, dtype=np.float32)

    def fit(Xa: Any, ya: Any, sw: Any) -> Any:
        m = LogisticRegression(C=C, max_iter=2000, class_weight=class_weight)
        m.fit(Xa, ya, sample_weight=sw)
        return m

    temperature = 1.0
    if calibrate and len(classes) > 1 and np.bincount(yi).min() >= 5:
        oof = np.zeros((len(yi), len(classes)))
        for tr, te in StratifiedKFold(5, shuffle=True, random_state=seed).split(X, yi):
            m = fit(X[tr], yi[tr], None if sample_weight is None else sample_weight[tr])
            oof[te] = m.decision_function(X[te]) if len(classes) > 2 else np.c_[
                np.zeros(len(te)), m.decision_function(X[te])]
        temperature = fit_temperature(oof, yi)
    m = fit(X, yi, sample_weight)
    if len(classes) == 2:  # binary LR -> 2-column softmax with the same probabilities
        W = np.c_[np.zeros(X.shape[1]), m.coef_[0]].astype(np.float32)
        b = np.array([0.0, m.intercept_[0]], dtype=np.float32)
    else:
        W, b = m.coef_.T.astype(np.float32), m.intercept_.astype(np.float32)
    return SoftmaxHead(classes, W, b, temperature)


@dataclass
class OvRHead:
    """Independent sigmoid per class; a class is on when ``p >= thresholds[class]``."""

    classes: list[str]
    W: F32
    b: F32
    thresholds: F32

    def predict_proba(self, X: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        return sigmoid(np.asarray(X, dtype=np.float32) @ self.W + self.b)


def best_threshold(p: npt.NDArray[Any], y: npt.NDArray[Any], grid: npt.NDArray[Any] | None = None) -> float:
    """Threshold maximising F1 of one class on out-of-fold probabilities."""
    grid = np.linspace(0.05, 0.95, 37) if grid is None else grid
    best, best_f1 = 0.5, -1.0
    for t in grid:
        pred = p >= t
        tp = float(np.sum(pred & (y == 1)))
        fp = float(np.sum(pred & (y == 0)))
        fn = float(np.sum(~pred & (y == 1)))
        f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(t), f1
    return best


def set_predictions(P: npt.NDArray[Any], threshold: float | npt.NDArray[Any]) -> npt.NDArray[np.bool_]:
    """Boolean label sets from probabilities: ``p >= threshold``, and the most probable label where none is."""
    on = np.asarray(P) >= threshold
    empty = ~on.any(axis=1)
    if empty.any():
        on[np.flatnonzero(empty), np.asarray(P)[empty].argmax(axis=1)] = True
    return on


def set_score(on: npt.NDArray[Any], Y: npt.NDArray[Any]) -> float:
    """tp / (tp + fp + fn) summed over texts (the GermEval 2017 category score; micro-F1 = 2s / (1 + s))."""
    Yb = np.asarray(Y).astype(bool)
    tp = float(np.sum(on & Yb))
    return tp / max(1.0, float(np.sum(on | Yb)))


def best_set_threshold(P: npt.NDArray[Any], Y: npt.NDArray[Any], grid: npt.NDArray[Any] | None = None) -> float:
    """One threshold for all classes maximising the set score (equivalently micro-F1) of
    :func:`set_predictions` on out-of-fold probabilities. With calibrated probabilities the optimum sits near
    ``s / (1 + 2s)`` (include a label when its expected gain beats its expected cost), i.e. 0.2-0.35."""
    grid = np.linspace(0.05, 0.75, 29) if grid is None else grid
    scores = [set_score(set_predictions(P, t), Y) for t in grid]
    return float(grid[int(np.argmax(scores))])


def expected_set_threshold(P: npt.NDArray[Any], grid: npt.NDArray[Any] | None = None) -> float:
    """One threshold for all classes maximising the *expected* set score of :func:`set_predictions` when the
    probabilities are taken at their word (calibrated): E[tp] = sum of p over the labels switched on, E[fp] =
    sum of 1 - p over them, E[fn] = sum of p over the ones left off; score = E[tp] / (E[tp] + E[fp] + E[fn]).
    Needs no gold labels, so it does not chase the few hits of a small validation part the way
    :func:`best_set_threshold` does; it is as good as the calibration of ``P``."""
    grid = np.linspace(0.05, 0.75, 29) if grid is None else grid
    P = np.asarray(P, dtype=np.float64)
    scores = []
    for t in grid:
        on = set_predictions(P, t)
        scores.append(float((P * on).sum() / max(1e-12, on.sum() + (P * ~on).sum())))
    return float(grid[int(np.argmax(scores))])


def pair_probabilities(
    cat_probs: npt.NDArray[Any], categories: Sequence[str], pair_probs: npt.NDArray[Any], pairs: Sequence[str],
    *, sep: str = ":",
) -> npt.NDArray[np.float64]:
    """Probability of each ``category<sep>polarity`` pair: P(category) from the category head times
    P(polarity | category) from the joint pair heads normalised within the category. A text can then carry
    two polarities of one category (mixed feelings about it) when both are likely enough; pairs of a category
    the category head does not know get 0."""
    ci = {c: i for i, c in enumerate(categories)}
    Q = np.zeros(np.asarray(pair_probs).shape, dtype=np.float64)
    by_cat: dict[str, list[int]] = {}
    for j, p in enumerate(pairs):
        by_cat.setdefault(p.rpartition(sep)[0], []).append(j)
    for c, js in by_cat.items():
        if c not in ci:
            continue
        w = np.asarray(pair_probs)[:, js]
        Q[:, js] = np.asarray(cat_probs)[:, [ci[c]]] * w / np.maximum(w.sum(axis=1, keepdims=True), 1e-12)
    return Q


# --------------------------------------------------------------------------------------------------
# User-trainable classifier (embedding + char n-grams)
# --------------------------------------------------------------------------------------------------


PARTNER_DIR = "partner"  # the frozen-encoder head mixed into a fine-tuned classifier


@dataclass
class TextClassifier:
    """Single- or multi-label classifier on ``[alpha * embedding, char-tfidf]`` (see module docstring)."""

    task: str
    classes: list[str]
    multi_label: bool
    W_emb: F32
    W_char: F32 | None
    b: F32
    idf: F32 | None = None
    alpha: float = 1.0
    temperature: float = 1.0
    thresholds: F32 | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    W_sig: F32 | None = None  # weights of the sentiment signal features (sentiment.signal_features)
    beta: float = 1.0
    # fine-tuned top encoder layers (finetune.py): the head then reads its own encoder's embedding
    encoder_layers: dict[str, F32] | None = None
    # with fine-tuned layers: a frozen-encoder head mixed in, P = (1 - w) P_own + w P_partner (finetune.py
    # chooses w on its validation part); it reads the shared embedding ``X``
    partner: TextClassifier | None = None
    partner_weight: float = 0.0
    _dir: Path | None = field(default=None, repr=False, compare=False)
    _encoder: Any = field(default=None, repr=False, compare=False)
    _tmp: Any = field(default=None, repr=False, compare=False)
    _last: tuple[list[str], F32] | None = field(default=None, repr=False, compare=False)
    # fine-tuning's validation part (indexes, probabilities of both heads, gold): diagnostics, never saved
    validation_detail: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    # ---- inference -------------------------------------------------------------------------------
    def own_embedding(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        """Embedding from this classifier's fine-tuned encoder (built next to it on first use)."""
        if self.encoder_layers is None:
            raise TextAnalysisError("this classifier has no fine-tuned encoder", code="E248")
        if self._encoder is None:
            from resonanz.core.text.finetune import load_encoder

            d = self._build_dir()
            name = f"embed.e5-small-int8-ft{self.meta.get('fine_tuned_layers', '')}.v1:{self.meta.get('name', '')}"
            self._encoder = load_encoder(self.encoder_layers, d, int(self.meta.get("max_tokens", 512)), name)
        items = [t or " " for t in texts]
        if self._last is not None and self._last[0] == items:  # the pipeline asks twice for custom labels
            return self._last[1]
        X = np.asarray(self._encoder.encode(items), dtype=np.float32)
        self._last = (items, X)
        return X

    def shared_encoder(self, threads: int | None = None) -> Any:
        """An ``OnnxEmbedder`` over the base encoder with this classifier's fine-tuned layers as a branch
        (``finetune.SHARED_ENCODER_FILE``, built next to it on first use): its ``embedding`` is the shared
        one, ``encode_detailed(outputs=["embedding_ft"])`` also gives what :meth:`own_embedding` would, from
        the same pass; hand those rows over with :meth:`remember_own_embedding`."""
        if self.encoder_layers is None:
            raise TextAnalysisError("this classifier has no fine-tuned encoder", code="E248")
        from resonanz.core.text._e5.onnx_embedder import OnnxEmbedder
        from resonanz.core.text.finetune import build_encoder

        path = build_encoder(self.encoder_layers, self._build_dir(), shared=True)
        return OnnxEmbedder(path, name=f"embed.e5-small-int8-ft-shared.v1:{self.meta.get('name', '')}",
                            threads=threads)

    def remember_own_embedding(self, texts: Sequence[str], X: npt.NDArray[Any]) -> None:
        """Use ``X`` as :meth:`own_embedding` of exactly ``texts`` (computed by :meth:`shared_encoder`)."""
        if len(X) != len(texts):
            raise ValueError(f"{len(X)} embeddings for {len(texts)} texts")
        self._last = ([t or " " for t in texts], np.asarray(X, dtype=np.float32))

    def _build_dir(self) -> Path:
        if self._dir is not None:
            return self._dir
        if self._tmp is None:  # trained in memory and not saved (benchmarks): build into a private temp dir
            import tempfile

            self._tmp = tempfile.TemporaryDirectory(prefix="resonanz-ft-")
        return Path(self._tmp.name)

    def decision(self, texts: Sequence[str], X: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        if self.encoder_layers is not None:
            X = self.own_embedding(texts)
        z = self.alpha * (np.asarray(X, dtype=np.float32) @ self.W_emb) + self.b
        if self.W_char is not None and self.idf is not None:
            c = tfidf(char_counts(texts, len(self.idf)), self.idf)
            z = z + np.asarray(c @ self.W_char.astype(np.float32))
        if self.W_sig is not None:
            from resonanz.core.text.sentiment import signal_features

            z = z + self.beta * (signal_features(texts, X) @ self.W_sig)
        return np.asarray(z, dtype=np.float64)

    def predict_proba(self, texts: Sequence[str], X: npt.NDArray[Any]) -> npt.NDArray[np.float64]:
        z = self.decision(texts, X)
        P = sigmoid(z / self.temperature) if self.multi_label else softmax(z / self.temperature)
        if self.partner is not None and self.partner_weight > 0:
            P = (1 - self.partner_weight) * P + self.partner_weight * self.partner.predict_proba(texts, X)
        return P

    def predict(self, texts: Sequence[str], X: npt.NDArray[Any], *, at_least_one: bool = True) -> list[list[str]]:
        """Labels per text (one for single-label; zero or more for multi-label)."""
        p = self.predict_proba(texts, X)
        if not self.multi_label:
            return [[self.classes[int(i)]] for i in p.argmax(1)]
        th = self.thresholds if self.thresholds is not None else np.full(len(self.classes), 0.5)
        on = set_predictions(p, th) if at_least_one else p >= th
        return [[self.classes[j] for j in np.flatnonzero(row)] for row in on]

    # ---- persistence -----------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {"W_emb": self.W_emb.astype(np.float32), "b": self.b.astype(np.float32)}
        if self.W_char is not None and self.idf is not None:
            used = np.flatnonzero(self.idf > 0)  # store only buckets seen in training
            arrays |= {"char_idx": used.astype(np.int32), "W_char": self.W_char[used].astype(np.float16),
                       "idf": self.idf[used].astype(np.float32), "n_hash": np.int64(len(self.idf))}
        if self.thresholds is not None:
            arrays["thresholds"] = self.thresholds.astype(np.float32)
        if self.W_sig is not None:
            arrays["W_sig"] = self.W_sig.astype(np.float32)
        np.savez_compressed(d / "weights.npz", **arrays)
        meta = dict(self.meta) | {
            "format": "resonanz.text-classifier.v1", "task": self.task, "classes": self.classes,
            "multi_label": self.multi_label, "alpha": self.alpha, "temperature": self.temperature,
            "beta": self.beta, "signals": self.W_sig is not None,
        }
        from resonanz.core.text.finetune import ENCODER_FILE, LAYERS_FILE, SHARED_ENCODER_FILE

        for stale in (ENCODER_FILE, SHARED_ENCODER_FILE, LAYERS_FILE):  # a classifier retrained under this name
            (d / stale).unlink(missing_ok=True)
        import shutil

        shutil.rmtree(d / PARTNER_DIR, ignore_errors=True)
        if self.partner is not None:
            self.partner.save(d / PARTNER_DIR)
            meta["partner_weight"] = self.partner_weight
        if self.encoder_layers is not None:
            np.savez(d / LAYERS_FILE, **self.encoder_layers)
            if self._tmp is not None:  # already built in memory: keep what was built
                for built in (ENCODER_FILE, SHARED_ENCODER_FILE):
                    if (Path(self._tmp.name) / built).is_file():
                        shutil.copyfile(Path(self._tmp.name) / built, d / built)
            self._dir = d
        (d / "meta.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
        return d

    @classmethod
    def load(cls, directory: str | Path) -> TextClassifier:
        d = Path(directory)
        if not (d / "meta.json").is_file():
            raise TextAnalysisError(f"no classifier at {d} (meta.json missing)", code="E240", path=str(d))
        meta = json.loads((d / "meta.json").read_text())
        with np.load(d / "weights.npz", allow_pickle=False) as z:
            W_char = idf = None
            if "W_char" in z:
                n = int(z["n_hash"])
                idx = z["char_idx"]
                W_char = np.zeros((n, len(meta["classes"])), dtype=np.float32)
                W_char[idx] = z["W_char"].astype(np.float32)
                idf = np.zeros(n, dtype=np.float32)
                idf[idx] = z["idf"]
            th = z["thresholds"] if "thresholds" in z else None  # noqa: SIM401 - NpzFile has no .get
            w_sig = z["W_sig"] if "W_sig" in z else None  # noqa: SIM401
            clf = cls(meta["task"], list(meta["classes"]), bool(meta["multi_label"]), z["W_emb"], W_char,
                      z["b"], idf, float(meta.get("alpha", 1.0)), float(meta.get("temperature", 1.0)), th,
                      meta, w_sig, float(meta.get("beta", 1.0)))
        from resonanz.core.text.finetune import LAYERS_FILE

        if (d / LAYERS_FILE).is_file():
            with np.load(d / LAYERS_FILE, allow_pickle=False) as z:
                clf.encoder_layers = {k: z[k].astype(np.float32) for k in z.files}
            clf._dir = d
        if (d / PARTNER_DIR / "meta.json").is_file():
            clf.partner = cls.load(d / PARTNER_DIR)
            clf.partner_weight = float(meta.get("partner_weight", 0.0))
        return clf


def _features(texts: Sequence[str], X: npt.NDArray[Any], idf: Any, alpha: float, use_chars: bool,
              sig: npt.NDArray[Any] | None = None, beta: float = 1.0) -> Any:
    import scipy.sparse as sp

    parts = [sp.csr_matrix(alpha * np.asarray(X, dtype=np.float32))]
    if use_chars:
        parts.append(tfidf(char_counts(texts), idf))
    if sig is not None:
        parts.append(sp.csr_matrix(beta * sig))
    return sp.hstack(parts).tocsr() if len(parts) > 1 else parts[0]


def train_classifier(
    texts: Sequence[str], X: npt.NDArray[Any], labels: Sequence[Sequence[str]] | Sequence[str], *,
    task: str = "sentiment", multi_label: bool = False, use_chars: bool = True, alpha: float = 2.0,
    C: float = 4.0, class_weight: str | None = None, seed: int = 0, calibrate: bool = True,
    signals: bool = False, beta: float = 1.0, thresholds: str = "micro",
) -> TextClassifier:
    """Train a :class:`TextClassifier`. Single label: multinomial LR + temperature from 5-fold OOF.

    Multi label: one LR per class; the decision thresholds come from 4-fold out-of-fold probabilities:

    * ``thresholds="micro"`` (default): unweighted LR (calibrated probabilities) and one global threshold
      maximising micro-F1 of the predicted label *sets* (at least one label per text). Micro-F1 is monotone in
      the set score tp / (tp + fp + fn), so this optimises the whole-set correctness a topic list is judged
      by (and the GermEval 2017 aspect-category score);
    * ``thresholds="per-class"``: balanced class weights and a threshold per class maximising that class's
      F1 (favours recall on rare classes, at the cost of more false labels overall)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import KFold, StratifiedKFold

    if multi_label and thresholds not in ("micro", "per-class"):
        raise TextAnalysisError(f"unknown threshold rule {thresholds!r} (micro or per-class)", code="E244")
    t0 = time.time()
    texts = [t or "" for t in texts]
    X = np.asarray(X, dtype=np.float32)
    idf = fit_idf(char_counts(texts)) if use_chars else None
    sig = None
    if signals:
        from resonanz.core.text.sentiment import signal_features

        sig = signal_features(texts, X)
    F = _features(texts, X, idf, alpha, use_chars, sig, beta)
    d = X.shape[1]
    if not multi_label:
        y = [lab if isinstance(lab, str) else lab[0] for lab in labels]
        classes = sorted(set(y))
        if len(classes) < 2:
            raise TextAnalysisError("need at least two different labels to train", code="E241")
        yi = np.array([classes.index(v) for v in y])

        def fit(A: Any, ya: Any) -> Any:
            return LogisticRegression(C=C, max_iter=3000, class_weight=class_weight).fit(A, ya)

        temperature = 1.0
        if calibrate and np.bincount(yi).min() >= 5:  # temperature does not change the argmax
            oof = np.zeros((len(yi), len(classes)))
            for tr, te in StratifiedKFold(5, shuffle=True, random_state=seed).split(F, yi):
                m = fit(F[tr], yi[tr])
                dfn = m.decision_function(F[te])
                oof[te] = dfn if len(classes) > 2 else np.c_[np.zeros(len(te)), dfn]
            temperature = fit_temperature(oof, yi)
        m = fit(F, yi)
        if len(classes) == 2:
            coef = np.c_[np.zeros(F.shape[1]), m.coef_[0]]
            b = np.array([0.0, m.intercept_[0]])
        else:
            coef, b = m.coef_.T, m.intercept_
        W = np.asarray(coef, dtype=np.float32)
        th = None
    else:
        sets = [list(lab) if not isinstance(lab, str) else [lab] for lab in labels]
        classes = sorted({c for s in sets for c in s})
        Y = np.array([[c in s for c in classes] for s in sets], dtype=np.int8)
        W = np.zeros((F.shape[1], len(classes)), dtype=np.float32)
        b = np.zeros(len(classes))
        cw = "balanced" if thresholds == "per-class" else None
        th = np.full(len(classes), 0.5, dtype=np.float32)
        folds = list(KFold(4, shuffle=True, random_state=seed).split(F))
        OOF = np.zeros(Y.shape)
        for j in range(len(classes)):
            yj = Y[:, j]
            if yj.sum() == 0 or yj.sum() == len(yj):
                b[j] = 10.0 if yj.sum() else -10.0
                OOF[:, j] = float(yj[0])
                continue
            for tr, te in folds:
                if yj[tr].min() == yj[tr].max():
                    OOF[te, j] = float(yj[tr][0])
                    continue
                mj = LogisticRegression(C=C, solver="liblinear", class_weight=cw).fit(F[tr], yj[tr])
                OOF[te, j] = mj.predict_proba(F[te])[:, 1]
            if thresholds == "per-class":
                th[j] = best_threshold(OOF[:, j], yj)
            mj = LogisticRegression(C=C, solver="liblinear", class_weight=cw).fit(F, yj)
            W[:, j] = mj.coef_[0]
            b[j] = mj.intercept_[0]
        if thresholds == "micro":
            th[:] = best_set_threshold(OOF, Y)
        temperature = 1.0
    n_sig = sig.shape[1] if sig is not None else 0
    W_emb = W[:d]
    W_char = W[d:W.shape[0] - n_sig] if use_chars else None
    W_sig = W[W.shape[0] - n_sig:] if n_sig else None
    meta = {"n_train": len(texts), "trained_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "train_seconds": round(time.time() - t0, 1), "C": C, "use_chars": use_chars}
    if multi_label:
        meta["thresholds"] = thresholds
    return TextClassifier(task, classes, multi_label, W_emb, W_char, np.asarray(b, dtype=np.float32), idf,
                          alpha, temperature, th, meta, W_sig, beta)


# --------------------------------------------------------------------------------------------------
# Cached embeddings of fixed texts (prototype sentences, topic descriptions)
# --------------------------------------------------------------------------------------------------

PROTO_CACHE = Path(__file__).with_name("weights") / "prototype_vectors.npz"
_proto_mem: dict[str, npt.NDArray[np.float32]] = {}
_proto_loaded = False


def _load_proto_cache() -> None:
    global _proto_loaded
    if _proto_loaded:
        return
    _proto_loaded = True
    if PROTO_CACHE.is_file():
        with np.load(PROTO_CACHE, allow_pickle=False) as z:
            for t, v in zip(z["texts"], z["vectors"], strict=True):
                _proto_mem[str(t)] = v.astype(np.float32)


def encode_with_cache(embedder: Any, texts: Sequence[str]) -> F32:
    """Vectors of fixed texts: from the shipped cache (``weights/prototype_vectors.npz``, made with the
    e5-small encoder; the engine and ONNX backends agree to cos ≈ 0.99) or encoded now and kept in memory."""
    _load_proto_cache()
    missing = sorted({t for t in texts if t not in _proto_mem})
    if missing:
        vecs = embedder.encode(missing)
        for t, v in zip(missing, vecs, strict=True):
            _proto_mem[t] = np.asarray(v, dtype=np.float32)
    return np.stack([_proto_mem[t] for t in texts]) if texts else np.zeros((0, 384), np.float32)


def save_proto_cache(texts: Sequence[str], embedder: Any) -> int:
    """Write the shipped prototype-vector cache for ``texts`` (run when prototypes/taxonomy change)."""
    uniq = sorted(set(texts))
    vecs = embedder.encode(uniq)
    PROTO_CACHE.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(PROTO_CACHE, texts=np.array(uniq), vectors=vecs.astype(np.float16),
                        embedder=np.array(getattr(embedder, "name", "?")))
    for t, v in zip(uniq, vecs, strict=True):
        _proto_mem[t] = np.asarray(v, dtype=np.float32)
    return len(uniq)
