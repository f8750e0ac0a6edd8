"""The text-analysis pipeline: one batch in, one ``TextAnalysis`` per input out, in order.

textprep → language → PII (redaction) → embed (once, shared by every model below) → sentiment → topics →
aspect sentiment → emotions / intent / urgency. Every output names the component that produced it in
``TextAnalysis.components``. Empty or whitespace-only texts produce a ``TextAnalysis`` with null fields
(and a zero embedding row). The models see the *redacted* text, so stored embeddings carry no e-mail
addresses, phone numbers or names.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from resonanz.core.errors import TextAnalysisError
from resonanz.core.text.base import Scored, TextAnalysis, TextInput, TopicHit

log = logging.getLogger(__name__)

PIPELINE_NAME = "pipeline.feedback.v1"
_SLUG = re.compile(r"[^a-z0-9_-]+")


def classifiers_dir() -> Path:
    """``$RESONANZ_CLASSIFIER_DIR`` if set, else ``$RESONANZ_MODEL_DIR/classifiers`` (or
    ``$XDG_DATA_HOME``/``~/.local/share`` ``/resonanz/models/classifiers``)."""
    own = os.environ.get("RESONANZ_CLASSIFIER_DIR", "").strip()
    if own:
        return Path(own).expanduser()
    env = os.environ.get("RESONANZ_MODEL_DIR", "").strip()
    if env:
        base = Path(env).expanduser()
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        base = (Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share") / "resonanz" / "models"
    return base / "classifiers"


def classifier_path(name: str) -> Path:
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise TextAnalysisError(f"invalid classifier name {name!r}", code="E242")
    return classifiers_dir() / name


def custom_component_name(kind: str, name: str) -> str:
    return f"{kind}.custom-{_SLUG.sub('-', name.lower()).strip('-') or 'x'}.v1"


_SENT_SYNONYMS = {
    "negative": "negative", "neg": "negative", "negativ": "negative", "-1": "negative", "0": "negative",
    "neutral": "neutral", "neu": "neutral", "positive": "positive", "pos": "positive", "positiv": "positive",
    "1": "positive",
}


def normalise_sentiment_label(label: str, classes: Sequence[str]) -> str:
    """Map a user's sentiment class name onto negative/neutral/positive where that is unambiguous."""
    low = label.strip().lower()
    if low == "0" and "-1" in classes:  # -1/0/1 scheme
        return "neutral"
    return _SENT_SYNONYMS.get(low, label)


@dataclass
class PipelineConfig:
    """What to run. ``sentiment``: ``"auto"`` (shipped head if present, else prototypes) or a registry name.
    ``classifier``: name of a user-trained classifier (``resonanz classifier train``) that replaces the
    sentiment or topic model, per its task; ``classifiers``: more of them, at most one per task (e.g. a
    sentiment head and a topic head trained from corrections, both active)."""

    embedder: str = field(default_factory=lambda: os.environ.get("RESONANZ_EMBEDDER", "auto"))
    sentiment: str = "auto"
    taxonomy_path: str | None = None
    topic_model_dir: str | None = None
    classifier: str | None = None
    classifiers: tuple[str, ...] = ()
    account_default_language: str = "de"
    max_chars: int = 5_000
    embed_max_chars: int = 2_000
    aspect_clauses: bool = True
    # clause vectors of the aspect step: "span" = pooled from the text's own token states
    # (aspects.clause-split.v2; ONNX embedder only, other embedders use "encode") or "encode" = the clauses
    # encoded again (aspects.clause-split.v1)
    aspect_clause_vectors: str = "span"
    signals: bool = True
    # a fine-tuned classifier (``classifier train --fine-tune-layers K``) reads its embedding from a branch of
    # the shared encoder pass (the lower 12 - K layers run once for both); False: it runs its own encoder
    share_encoder: bool = True
    pii: bool = True
    batch_size: int = 32
    extra: dict[str, Any] = field(default_factory=dict)



@dataclass
class Refreshed:
    """Sentiment and topics of a text renewed from its stored embedding (:meth:`Pipeline.refresh_from_embeddings`)."""

    sentiment: str
    sentiment_score: float
    topics: list[TopicHit]

class Pipeline:
    """``Pipeline(config).analyze(batch)``; ``analyze_with_embeddings`` also returns the vectors."""

    name = PIPELINE_NAME

    def __init__(self, config: PipelineConfig | None = None, *, embedder: Any = None) -> None:
        from resonanz.core.text.language import LanguageDetector
        from resonanz.core.text.pii import PiiRedactor
        from resonanz.core.text.textprep import TextPrep

        self.config = cfg = config or PipelineConfig()
        if cfg.aspect_clause_vectors not in ("span", "encode"):
            raise TextAnalysisError(f"aspect_clause_vectors must be 'span' or 'encode', got "
                                    f"{cfg.aspect_clause_vectors!r}", code="E231")
        self.prep = TextPrep(max_chars=cfg.max_chars)
        self.lang = LanguageDetector(account_default=cfg.account_default_language)
        self.pii = PiiRedactor() if cfg.pii else None
        if embedder is None:
            from resonanz.core.text.embed import get_embedder

            embedder = get_embedder(cfg.embedder)
        self.embedder = embedder
        # user-trained classifiers by task ("sentiment" / "topics"): (classifier, component name)
        self.customs: dict[str, tuple[Any, str]] = {}
        # the first named classifier (``config.classifier``), for callers that evaluate one model
        self.custom: Any = None
        self.custom_name: str | None = None
        names = list(dict.fromkeys(n for n in (cfg.classifier, *cfg.classifiers) if n))
        if names:
            from resonanz.core.text.heads import TextClassifier

            for n in names:
                clf = TextClassifier.load(classifier_path(n))
                if clf.task in self.customs:
                    raise TextAnalysisError(
                        f"two classifiers for the task {clf.task!r}: {self.customs[clf.task][1]} and {n!r}; "
                        "use at most one per task", code="E243")
                self.customs[clf.task] = (clf, custom_component_name(clf.task, n))
                if self.custom is None:
                    self.custom, self.custom_name = self.customs[clf.task]
        # ([(fine-tuned classifier, its output)], the shared encoder with their branches), built on first use;
        # False: not shared
        self._shared: tuple[list[tuple[Any, str]], Any] | None | bool = None if cfg.share_encoder else False
        self.sentiment = self._make_sentiment(cfg.sentiment)
        from resonanz.core.text.taxonomy import Taxonomy
        from resonanz.core.text.topics import TopicModel

        if cfg.topic_model_dir:
            self.topics = TopicModel.load(cfg.topic_model_dir, embedder)
        else:
            tax = Taxonomy.load(cfg.taxonomy_path) if cfg.taxonomy_path else None
            self.topics = TopicModel(tax, embedder)
        self.signals = None
        if cfg.signals:
            try:
                from resonanz.core.text.signals import SignalAnalyzer
            except ImportError:  # pragma: no cover - module not present
                self.signals = None
            else:
                self.signals = SignalAnalyzer()
        from resonanz.core.text.aspects import AspectSentiment

        spans = cfg.aspect_clause_vectors == "span" and getattr(embedder, "has_token_states", False) is True
        self.aspects = AspectSentiment(
            self._encode, self._topic_scores, self._sentiment_proba, self._topic_keys(), self._root_of,
            self.topics.keyword_match if "topics" not in self.customs else None, _lexical_compound,
            reencode=not spans,
        )

    # ---- model wiring ------------------------------------------------------------------------------
    def _make_sentiment(self, name: str) -> Any:
        from resonanz.core.text import sentiment as s

        if name == "auto":
            return s.default_sentiment(self.embedder)
        if name == s.PROTO_NAME:
            return s.ProtoSentiment(self.embedder)
        if name == s.HEAD_NAME:
            return s.HeadSentiment()
        if name == s.ENSEMBLE_NAME:
            return s.EnsembleSentiment(self.embedder)
        raise TextAnalysisError(f"unknown sentiment component {name!r}", code="E230")

    def _custom(self, task: str) -> Any:
        """The user-trained classifier that replaces the model of ``task``, or None."""
        hit = self.customs.get(task)
        return hit[0] if hit else None

    def _encode(self, texts: list[str]) -> npt.NDArray[np.float32]:
        lim = self.config.embed_max_chars
        return self.embedder.encode([t[:lim] for t in texts], batch_size=self.config.batch_size)

    def _shared_encoder(self) -> tuple[list[tuple[Any, str]], Any] | None:
        """(fine-tuned classifiers with the graph output each reads, encoder) when fine-tuned classifiers can
        read their embeddings from the shared pass: the pipeline runs the shipped ONNX encoder (whose
        ``embedding`` the shared graph reproduces). One such classifier: the shared file next to it (output
        ``embedding_ft``); one per task: a file with a branch each (``embedding_ft_<task>``), built on first use
        under ``<classifiers>/.shared/``."""
        if self._shared is None:
            from resonanz.core.text._e5.onnx_embedder import OnnxEmbedder
            from resonanz.core.text.embed import ONNX_NAME

            fts = [(task, c, name) for task, (c, name) in sorted(self.customs.items()) if c.encoder_layers is not None]
            ok = bool(fts) and isinstance(self.embedder, OnnxEmbedder) and self.embedder.name == ONNX_NAME
            self._shared = False
            if ok:
                try:  # built on first use when it predates the shared file
                    if len(fts) == 1:
                        clf = fts[0][1]
                        self._shared = ([(clf, "embedding_ft")], clf.shared_encoder(self.embedder.threads))
                    else:
                        self._shared = ([(c, f"embedding_ft_{task}") for task, c, _ in fts], self._branches_encoder(fts))
                except OSError as exc:  # e.g. a read-only classifier folder: each runs its own encoder as before
                    log.warning("fine-tuned classifiers %s: no shared encoder (%s); they run their own encoders",
                                ", ".join(n for _, _, n in fts), exc)
        return self._shared or None

    def _branches_encoder(self, fts: list[tuple[str, Any, str]]) -> Any:
        import hashlib

        from resonanz.core.text._e5.onnx_embedder import OnnxEmbedder
        from resonanz.core.text.finetune import build_shared_encoder

        key = hashlib.sha1("|".join(name for _, _, name in fts).encode()).hexdigest()[:16]  # noqa: S324 - a file key
        path = build_shared_encoder({task: c.encoder_layers for task, c, _ in fts},
                                    classifiers_dir() / ".shared" / f"encoder-{key}.onnx")
        emb = OnnxEmbedder(path, name=f"embed.e5-small-int8-ft-shared.v1:{key}", threads=self.embedder.threads)
        for old in path.parent.glob("encoder-*.onnx"):  # ~90 MB each: other pairs are rebuilt if ever needed again
            if old != path:
                old.unlink(missing_ok=True)
        return emb

    def _encode_with_states(self, texts: list[str], keep: list[bool]) -> tuple[npt.NDArray[np.float32], Any]:
        """The one encoder pass; also the token states of the texts flagged in ``keep`` (None if none) and,
        with fine-tuned classifiers, their own embeddings (handed to them, see :meth:`_shared_encoder`)."""
        shared = self._shared_encoder()
        if not any(keep) and shared is None:
            return self._encode(texts), None
        lim = self.config.embed_max_chars
        cut = [t[:lim] for t in texts]
        if shared is None:
            res = self.embedder.encode_detailed(cut, batch_size=self.config.batch_size, token_states=keep)
            return res.vectors, res.tokens
        readers, enc = shared
        res = enc.encode_detailed(cut, batch_size=self.config.batch_size, token_states=keep,
                                  outputs=[out for _, out in readers])
        for clf, out in readers:
            ft = res.extra[out]
            # the branch saw each text as the shared pass cut it; a text longer than the classifier's own cut
            # (its training length, e.g. 128 tokens) goes through the classifier's encoder as before
            max_tokens = int(clf.meta.get("max_tokens", 512))
            redo = [i for i, t in enumerate(texts) if int(res.n_tokens[i]) > max_tokens or len(t) > lim]
            if redo:
                ft[redo] = clf.own_embedding([texts[i] for i in redo])
            clf.remember_own_embedding(texts, ft)
        return res.vectors, res.tokens

    def _sentiment_proba(self, texts: Sequence[str], X: npt.NDArray[Any], langs: Sequence[str | None]) -> npt.NDArray[Any]:
        from resonanz.core.text.sentiment import lexical_features

        custom = self._custom("sentiment")
        if custom is not None:
            P = custom.predict_proba(texts, X)
            cls = [normalise_sentiment_label(c, custom.classes) for c in custom.classes]
            out = np.zeros((len(texts), 3))
            for j, c in enumerate(cls):
                if c in ("negative", "neutral", "positive"):
                    out[:, ("negative", "neutral", "positive").index(c)] += P[:, j]
            if out.sum() == 0:  # classes are not sentiment-like: fall back to the shipped model
                return self.sentiment.predict_proba(X, lexical_features(texts, langs))
            return out / np.maximum(out.sum(1, keepdims=True), 1e-9)
        return self.sentiment.predict_proba(X, lexical_features(texts, langs))

    def _custom_sentiment_labels(self, texts: Sequence[str], X: npt.NDArray[Any]) -> list[tuple[str, float]] | None:
        """(label, max probability) per text when the user's sentiment classes do not map onto
        negative/neutral/positive (e.g. "gut"/"schlecht"); else None (the mapped probabilities are used)."""
        custom = self._custom("sentiment")
        if custom is None:
            return None
        cls = [normalise_sentiment_label(c, custom.classes) for c in custom.classes]
        if all(c in ("negative", "neutral", "positive") for c in cls):
            return None
        P = custom.predict_proba(texts, X)
        return [(cls[int(j)], round(float(P[i, j]), 4)) for i, j in enumerate(P.argmax(1))]

    def _topic_keys(self) -> list[str]:
        custom = self._custom("topics")
        return list(custom.classes) if custom is not None else list(self.topics.keys)

    def _root_of(self, key: str) -> str:
        return key if self._custom("topics") is not None else self.topics.root_of(key)

    def _topic_scores(self, texts: Sequence[str], X: npt.NDArray[Any]) -> npt.NDArray[Any]:
        custom = self._custom("topics")
        if custom is not None:
            P = custom.predict_proba(texts, X)
            th = custom.thresholds if custom.thresholds is not None else np.full(P.shape[1], 0.5)
            return np.where(th <= P, 0.5 + 0.5 * (P - th) / np.maximum(1 - th, 1e-6), 0.5 * P / np.maximum(th, 1e-6))
        return self.topics.scores(texts, X)

    def _topic_hits(self, texts: Sequence[str], X: npt.NDArray[Any]) -> list[list[TopicHit]]:
        custom = self._custom("topics")
        if custom is None:
            return self.topics.predict(texts, X)
        P = custom.predict_proba(texts, X)
        labels = custom.predict(texts, X, at_least_one=False)
        out = []
        for i, labs in enumerate(labels):
            hs = [TopicHit(c, round(float(P[i, custom.classes.index(c)]), 4)) for c in labs]
            out.append(sorted(hs, key=lambda h: -h.score))
        return out

    def components(self) -> dict[str, str]:
        from resonanz.core.text import aspects, language, pii, textprep  # noqa: F401

        comps = {"textprep": self.prep.name, "language": self.lang.name, "embed": self.embedder.name,
                 "sentiment": self.sentiment.name, "topics": self.topics.name, "aspects": self.aspects.name}
        if self.pii is not None:
            comps["pii"] = self.pii.name
        for task, (_, name) in self.customs.items():
            comps["sentiment" if task == "sentiment" else "topics"] = name
        return comps

    # ---- running -----------------------------------------------------------------------------------
    def analyze(self, batch: Sequence[TextInput]) -> list[TextAnalysis]:
        return self.analyze_with_embeddings(batch)[0]

    def analyze_with_embeddings(self, batch: Sequence[TextInput]) -> tuple[list[TextAnalysis], npt.NDArray[np.float32]]:
        """Results in input order plus an (n, dim) float32 matrix (zero rows for empty texts)."""
        results, E, _ = self.analyze_for_storage(batch, clause_vectors=False)
        return results, E

    def analyze_for_storage(self, batch: Sequence[TextInput], *, clause_vectors: bool = True) -> tuple[
            list[TextAnalysis], npt.NDArray[np.float32], list[npt.NDArray[np.float32] | None]]:
        """:meth:`analyze_with_embeddings` plus, per text, the vectors of its opinion clauses (``None`` for texts
        with fewer than two): stored next to the embedding, they let :meth:`refresh_from_embeddings` renew
        multi-clause texts too."""
        n = len(batch)
        prepared = self.prep.predict(batch)
        texts = [p.text for p in prepared]
        defaults = [t.default_language for t in batch]
        langs = [self.lang.detect_one(t, d) if t else None for t, d in zip(texts, defaults, strict=True)]
        pii = [self.pii.analyse(t) if (self.pii is not None and t) else None for t in texts]
        red = [(p.redacted if p is not None else t) for p, t in zip(pii, texts, strict=True)]
        live = [i for i in range(n) if texts[i]]
        E = np.zeros((n, getattr(self.embedder, "dim", 384)), dtype=np.float32)
        comps = self.components()
        results = [TextAnalysis(id=str(t.id)) for t in batch]
        kept: list[npt.NDArray[np.float32] | None] = [None] * n
        if not live:
            return results, E, kept
        lt = [red[i] for i in live]
        ll = [langs[i].language if langs[i] is not None else None for i in live]
        clauses = None
        if self.config.aspect_clauses:
            from resonanz.core.text.aspects import opinion_clauses

            clauses = [opinion_clauses(t) for t in lt]
        keep = [bool(c) for c in clauses] if clauses is not None and not self.aspects.reencode else [False] * len(lt)
        X, tokens = self._encode_with_states(lt, keep)
        E[live] = X
        S = self._sentiment_proba(lt, X, ll)
        custom_labels = self._custom_sentiment_labels(lt, X)
        hits = self._topic_hits(lt, X)
        if self.config.aspect_clauses:
            vectors = None
            if clause_vectors and clauses is not None and tokens is not None:  # pooled, never encoded again
                vectors = self.aspects.clause_vectors(
                    [(k, c) for k, c in enumerate(clauses) if c and tokens.has(k)], tokens)
                for k, v in vectors.items():
                    kept[live[k]] = v
            hits = self.aspects.apply(lt, hits, S, ll, tokens=tokens, clauses=clauses, vectors=vectors)
        else:
            hits = [[TopicHit(h.name, h.score, ("negative", "neutral", "positive")[int(S[k].argmax())],
                              round(float(S[k][2] - S[k][0]), 4)) for h in hs] for k, hs in enumerate(hits)]
        sig = None
        sig_comps: dict[str, str] = {}
        if self.signals is not None:
            sig = self.signals.predict([TextInput(str(batch[i].id), red[i]) for i in live], [lg or "" for lg in ll])
            if sig:
                sig_comps = dict(sig[0].components)
        for k, i in enumerate(live):
            r = results[i]
            lr = langs[i]
            r.language = lr.language if lr is not None else None
            r.language_score = lr.score if lr is not None else None
            p = S[k]
            r.sentiment = ("negative", "neutral", "positive")[int(p.argmax())]
            r.sentiment_score = round(float(p[2] - p[0]), 4)
            if custom_labels is not None:  # a user's sentiment classes that are not negative/neutral/positive
                r.sentiment, r.sentiment_score = custom_labels[k]
            r.topics = hits[k]
            r.pii = pii[i].types if pii[i] is not None else []
            r.redacted_text = red[i]
            r.truncated = prepared[i].truncated
            if sig is not None:
                s = sig[k]
                r.emotions = [Scored(e.name, round(float(e.score), 4)) for e in s.emotions]
                r.intent = s.intent
                r.urgent = s.urgent
            r.components = dict(comps) | sig_comps
        return results, E, kept


    def refresh_from_embeddings(
        self, texts: Sequence[str], X: npt.NDArray[Any], languages: Sequence[str | None],
        sentiments: Sequence[tuple[str, float] | None],
        clause_vectors: Sequence[npt.NDArray[Any] | None] | None = None,
    ) -> list[Refreshed | None]:
        """Renew sentiment and topics (with aspect sentiment) of texts analysed before, from their stored
        embedding ``X`` (of the analysed, redacted text) and language, without the encoder: after a taxonomy
        edit or a switch of the sentiment or topic model. ``sentiments``: the stored document sentiment (label,
        score) where the sentiment model did not change, ``None`` to recompute it; ``clause_vectors``: the stored
        vectors of each text's opinion clauses (:meth:`analyze_for_storage`). ``None`` in the result for a text
        this cannot renew: its aspect step needs clause vectors (two or more topics in several opinion clauses,
        or a topic named in one clause only) and none are given, or a fine-tuned classifier needs its own
        embedding; analyse those in full. The rest get what :meth:`analyze` would give them (up to the
        rounding of the stored vectors)."""
        n, texts = len(texts), list(texts)
        X = np.asarray(X, dtype=np.float32)
        fine_tuned = {task for task, (c, _) in self.customs.items() if c.encoder_layers is not None}
        if "topics" in fine_tuned or not n:  # its own fine-tuned embedding is not stored
            return [None] * n
        # the aspect step takes the document sentiment as negative/neutral/positive; with a user's own classes
        # (e.g. "gut"/"schlecht") the stored label is not that, so it is recomputed
        stored = [None] * n if self._own_sentiment_classes() else list(sentiments)
        doc: list[tuple[str, float] | None] = list(stored)
        shown: list[tuple[str, float] | None] = list(stored)
        redo = [i for i in range(n) if stored[i] is None]
        if redo and "sentiment" not in fine_tuned:
            sub = [texts[i] for i in redo]
            S = self._sentiment_proba(sub, X[redo], [languages[i] for i in redo])
            own = self._custom_sentiment_labels(sub, X[redo])
            for k, i in enumerate(redo):
                doc[i] = (("negative", "neutral", "positive")[int(S[k].argmax())], round(float(S[k][2] - S[k][0]), 4))
                shown[i] = own[k] if own is not None else doc[i]
        ok = [i for i in range(n) if doc[i] is not None]
        out: list[Refreshed | None] = [None] * n
        if not ok:
            return out
        hits = self._topic_hits([texts[i] for i in ok], X[ok])
        docs = [doc[i] for i in ok]
        if self.config.aspect_clauses:
            sub_langs = [languages[i] for i in ok]
            planned, jobs = self.aspects.plan([texts[i] for i in ok], hits, docs, sub_langs)
            given = {k: np.asarray(clause_vectors[ok[k]], dtype=np.float32) for k, cl in jobs
                     if clause_vectors is not None and clause_vectors[ok[k]] is not None
                     and len(clause_vectors[ok[k]]) == len(cl)}  # type: ignore[arg-type]
            if given:
                planned = self.aspects.clause_step(planned, [(k, cl) for k, cl in jobs if k in given], sub_langs,
                                                   vectors=given)
            need = {k for k, _ in jobs if k not in given}
        else:
            planned = [[replace(h, sentiment=d[0], sentiment_score=d[1]) for h in hs]
                       for hs, d in zip(hits, docs, strict=True)]
            need = set()
        for k, i in enumerate(ok):
            if k not in need:
                lab, score = shown[i]  # type: ignore[misc]
                out[i] = Refreshed(sentiment=lab, sentiment_score=score, topics=planned[k])
        return out

    def _own_sentiment_classes(self) -> bool:
        """A user's sentiment classifier whose classes are not negative/neutral/positive is active."""
        custom = self._custom("sentiment")
        return custom is not None and not all(
            normalise_sentiment_label(c, custom.classes) in ("negative", "neutral", "positive") for c in custom.classes)

def _lexical_compound(texts: list[str], languages: list[str | None]) -> npt.NDArray[np.float32]:
    from resonanz.core.text.sentiment import lexical_features

    return lexical_features(texts, languages)[:, 0]


def analysis_to_json(a: TextAnalysis) -> dict[str, Any]:
    """The CLI / API JSON shape of one analysis (see ``resonanz analyze``)."""
    return {
        "id": a.id,
        "language": a.language,
        "sentiment": {"label": a.sentiment, "score": a.sentiment_score} if a.sentiment is not None else None,
        "topics": [{"name": h.name, "score": h.score, "sentiment": h.sentiment} for h in a.topics],
        "emotions": [{"name": e.name, "score": e.score} for e in a.emotions],
        "intent": a.intent,
        "urgent": a.urgent,
        "pii": list(a.pii),
        "redacted_text": a.redacted_text,
    }
