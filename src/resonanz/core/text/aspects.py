"""Aspect sentiment: the sentiment of each assigned topic within one text.

A text is split into clauses at sentence ends and before contrast conjunctions (aber, jedoch, doch,
allerdings, trotzdem, sondern, obwohl / but, however, although, though, yet, whereas, except …). Each clause
is scored for topics and sentiment with the same models as whole texts; a topic takes the sentiment of the
clause(s) that mention it (topic score >= 0.5 or a keyword hit; else the clause most similar to it).
Texts with a single clause, or a single top-level topic, keep the document sentiment for every topic. When
each topic is named by a keyword in a clause with clear lexical sentiment, the lexicon decides; otherwise
the clauses need vectors:

* ``aspects.clause-split.v2`` (default): each clause vector is the mean of the text's own contextual token
  states (last encoder layer, from the one forward pass of the whole text) over the clause's characters,
  minus ``CONTEXT_WEIGHT`` x the mean of the text's other tokens (the states of a clause also carry the
  rest of the text; subtracting it recovered most of the loss against re-encoding on MAMS train),
  L2-normalised. No second encoder pass.
* ``aspects.clause-split.v1`` (``reencode=True``, and embedders without token states): the clauses are
  encoded again as texts of their own, in one extra batch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from resonanz.core.errors import TextAnalysisError
from resonanz.core.text.base import TopicHit

if TYPE_CHECKING:
    from resonanz.core.text.embed import TokenStates

NAME = "aspects.clause-split.v2"  # clause vectors pooled from the text's token states
NAME_REENCODE = "aspects.clause-split.v1"  # clauses encoded again
# chosen on two halves of MAMS train (0.2-0.8 tried; 0.5-0.7 equally good), see bench/aspect_quality.py
CONTEXT_WEIGHT = 0.6
LABELS = ("negative", "neutral", "positive")

_CONTRAST_DE = r"aber|jedoch|doch|allerdings|trotzdem|dennoch|sondern|obwohl|obgleich|wobei|leider"
_CONTRAST_EN = r"but|however|although|though|whereas|except|nevertheless|unfortunately|yet"
_SENT_END = re.compile(r"(?<=[.!?;…])\s+|\n+|\s+[-–—]\s+|\s*\|\s*")
# German contrast words are often particles inside a clause ("war aber langsam"): split only after a comma.
# English "but/although/however/whereas" start a new clause with or without a comma.
_CONTRAST_SPLIT = re.compile(
    r",\s*(?=(?:" + _CONTRAST_DE + "|" + _CONTRAST_EN + r")\b)|\s+(?=(?:but|however|although|whereas|except)\b)",
    re.IGNORECASE,
)
_MIN_CLAUSE_CHARS = 8
_MIN_CLAUSE_WORDS = 3
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class Clause:
    text: str
    start: int
    end: int


def split_clauses(text: str) -> list[Clause]:
    """Sentence and contrast-conjunction split, with character offsets into ``text``."""
    if not text or not text.strip():
        return []
    pieces: list[tuple[int, int]] = []
    pos = 0
    for m in _SENT_END.finditer(text):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(text)))
    out: list[Clause] = []
    for a, b in pieces:
        seg = text[a:b]
        cuts = [0] + [m.end() for m in _CONTRAST_SPLIT.finditer(seg) if m.end() > 0] + [len(seg)]
        for x, y in zip(cuts, cuts[1:], strict=False):
            raw = seg[x:y]
            stripped = raw.strip(" ,")
            if not stripped:
                continue
            off = a + x + raw.find(stripped)
            out.append(Clause(stripped, off, off + len(stripped)))
    # glue fragments that are too short to carry an opinion onto their neighbour
    merged: list[Clause] = []
    for c in out:
        if merged and (len(c.text) < _MIN_CLAUSE_CHARS or len(merged[-1].text) < _MIN_CLAUSE_CHARS):
            p = merged[-1]
            merged[-1] = Clause(text[p.start:c.end], p.start, c.end)
        else:
            merged.append(c)
    return merged


def opinion_clauses(text: str) -> list[Clause]:
    """The clauses that can carry an opinion on a topic (>= 3 words: "Danke!", "Nie wieder." cannot); empty
    when there are fewer than two, i.e. when the text can only have its document sentiment."""
    cl = [c for c in split_clauses(text) if len(_WORDS.findall(c.text)) >= _MIN_CLAUSE_WORDS]
    return cl if len(cl) >= 2 else []


def _label(probs: npt.NDArray[Any]) -> str:
    return LABELS[int(np.argmax(probs))]


class AspectSentiment:
    """Adds ``sentiment`` / ``sentiment_score`` to topic hits (see module docstring).

    ``topic_scores(texts, X) -> (n, k)`` and ``sentiment_proba(texts, X, languages) -> (n, 3)`` are the
    document models; ``keys`` names the topic columns; ``root_of`` maps a key to its top-level topic.
    """

    def __init__(self, encode: Callable[[list[str]], npt.NDArray[np.float32]],
                 topic_scores: Callable[[Sequence[str], npt.NDArray[Any]], npt.NDArray[Any]],
                 sentiment_proba: Callable[[Sequence[str], npt.NDArray[Any], Sequence[str | None]], npt.NDArray[Any]],
                 keys: Sequence[str], root_of: Callable[[str], str],
                 keyword_match: Callable[[str, str], bool] | None = None,
                 lexical: Callable[[list[str], list[str | None]], Any] | None = None, *,
                 reencode: bool = False) -> None:
        self.encode, self.topic_scores, self.sentiment_proba = encode, topic_scores, sentiment_proba
        self.reencode = reencode
        self.keys = list(keys)
        self.root_of = root_of
        self._root_keys = [k for k in self.keys if root_of(k) == k]
        self.keyword_match = keyword_match
        self.lexical = lexical
        self.clauses_encoded = 0
        self.clauses_pooled = 0
        self.lexical_resolved = 0
        self.clause_steps = 0  # texts that went through the clause step
        self.max_topics = 4

    @property
    def name(self) -> str:
        return NAME_REENCODE if self.reencode else NAME

    def _kw(self, key: str, text: str) -> bool:
        return self.keyword_match is not None and self.keyword_match(key, text)

    def _lexical_path(self, i: int, cl: list[Clause], out: list[list[TopicHit]], lang: str | None) -> bool:
        """Cheap path: when every topic is named by a keyword in some clause and those clauses carry clear
        lexical sentiment (|compound| >= 0.3), take the clause sentiment from the lexicon and skip the clause vectors."""
        if self.lexical is None or self.keyword_match is None:
            return False
        comp = self.lexical([c.text for c in cl], [lang] * len(cl))
        new = []
        for h in out[i]:
            sel = [c for c in range(len(cl)) if self._kw(h.name, cl[c].text)]
            if not sel or any(abs(comp[c]) < 0.3 for c in sel):
                return False
            v = float(np.mean([comp[c] for c in sel]))
            new.append(replace(h, sentiment="positive" if v > 0 else "negative", sentiment_score=round(v, 4)))
        out[i] = new
        self.lexical_resolved += 1
        return True

    def clause_vectors(self, jobs: list[tuple[int, list[Clause]]], tokens: TokenStates | None,
                       ) -> dict[int, npt.NDArray[Any]]:
        """The vectors of the clauses of each (text index, clauses) in ``jobs``, one row per clause: what the
        clause step uses. Stored with the analysis, they let a taxonomy edit renew the aspects without the encoder
        (``Pipeline.refresh_from_embeddings``)."""
        if not jobs:
            return {}
        V = self._clause_vectors(jobs, tokens)
        out, pos = {}, 0
        for i, cl in jobs:
            out[i] = V[pos:pos + len(cl)]
            pos += len(cl)
        return out

    def _clause_vectors(self, jobs: list[tuple[int, list[Clause]]], tokens: TokenStates | None,
                        given: dict[int, npt.NDArray[Any]] | None = None) -> npt.NDArray[Any]:
        if given is not None:
            return np.vstack([given[i] for i, _ in jobs]).astype(np.float32)
        if self.reencode:
            flat = [c.text for _, cl in jobs for c in cl]
            self.clauses_encoded += len(flat)
            return self.encode(flat)
        if tokens is None:
            raise TextAnalysisError(f"{NAME} needs the token states of the texts", code="E231")
        parts = []
        for i, cl in jobs:
            if tokens.has(i):
                parts.append(tokens.span_vectors(i, [(c.start, c.end) for c in cl], context_weight=CONTEXT_WEIGHT))
                self.clauses_pooled += len(cl)
            else:  # states not kept for this text (caller's choice): encode its clauses
                parts.append(self.encode([c.text for c in cl]))
                self.clauses_encoded += len(cl)
        return np.vstack(parts)

    def apply(self, texts: Sequence[str], hits: Sequence[list[TopicHit]], doc_probs: npt.NDArray[Any],
              languages: Sequence[str | None], *, tokens: TokenStates | None = None,
              clauses: Sequence[list[Clause]] | None = None,
              vectors: dict[int, npt.NDArray[Any]] | None = None) -> list[list[TopicHit]]:
        """Topic hits with aspect sentiment, one list per text. ``tokens``: the token states of ``texts`` from
        their encoding (needed unless ``reencode``); ``clauses``: ``opinion_clauses`` of each text, if known;
        ``vectors``: their clause vectors (:meth:`clause_vectors`) where already computed."""
        doc = [(_label(d), round(float(d[2] - d[0]), 4)) for d in doc_probs]
        out, jobs = self.plan(texts, hits, doc, languages, clauses=clauses)
        if not jobs:
            return out
        return self.clause_step(out, jobs, languages, tokens, vectors=vectors)

    def plan(self, texts: Sequence[str], hits: Sequence[list[TopicHit]], doc: Sequence[tuple[str, float]],
             languages: Sequence[str | None], *, clauses: Sequence[list[Clause]] | None = None,
             ) -> tuple[list[list[TopicHit]], list[tuple[int, list[Clause]]]]:
        """The part of :meth:`apply` that needs no clause vectors: every hit gets the document sentiment
        (``doc``: label and score per text), texts whose topics a lexicon settles clause by clause get theirs;
        returned with the texts (index, clauses) that still need the clause step."""
        out: list[list[TopicHit]] = []
        jobs: list[tuple[int, list[Clause]]] = []
        for i, (t, hs) in enumerate(zip(texts, hits, strict=True)):
            label, score = doc[i]
            out.append([replace(h, sentiment=label, sentiment_score=score) for h in hs])
            cl = clauses[i] if clauses is not None else opinion_clauses(t)
            if len(cl) < 2:
                continue
            roots = {self.root_of(h.name) for h in hs}
            # clause-level evidence: several topics already, or a clause names a topic the text-level model missed
            # (a clause is a substring of the text: look in the text first, in its clauses only on a hit)
            kw = self._kw
            missing = self.keyword_match is not None and any(
                kw(k, t) and any(kw(k, c.text) for c in cl) for k in self._root_keys if k not in roots)
            if len(roots) < 2 and not missing:
                continue
            if not missing and self._lexical_path(i, cl, out, languages[i]):
                continue
            jobs.append((i, cl))
        return out, jobs

    def clause_step(self, out: list[list[TopicHit]], jobs: list[tuple[int, list[Clause]]],
                    languages: Sequence[str | None], tokens: TokenStates | None = None, *,
                    vectors: dict[int, npt.NDArray[Any]] | None = None) -> list[list[TopicHit]]:
        """The rest of :meth:`apply` for the texts :meth:`plan` left in ``jobs``: topics found in a single
        clause, sentiment per topic from the clauses that carry it. Clause vectors from ``vectors`` when it has
        every job's, else from the token states."""
        self.clause_steps += len(jobs)
        flat = [c.text for _, cl in jobs for c in cl]
        flat_lang = [languages[i] for i, cl in jobs for _ in cl]
        given = vectors if vectors is not None and all(i in vectors for i, _ in jobs) else None
        Xc = self._clause_vectors(jobs, tokens, given)
        Tc = self.topic_scores(flat, Xc)
        Sc = self.sentiment_proba(flat, Xc, flat_lang)
        pos = 0
        for i, cl in jobs:
            n = len(cl)
            T, S = Tc[pos:pos + n], Sc[pos:pos + n]
            pos += n
            have = {h.name for h in out[i]}
            roots = {self.root_of(h) for h in have}
            added: list[TopicHit] = []
            for j in np.argsort(-T.max(0)):  # topics found in a single clause
                key = self.keys[j]
                if key in have or T[:, j].max() < 0.5:
                    continue
                # short clauses look like many example phrases: also require the topic's keyword there
                if self.keyword_match is not None and not any(
                        T[c, j] >= 0.5 and self._kw(key, cl[c].text) for c in range(n)):
                    continue
                root = self.root_of(key)
                if root not in roots and len(roots) >= self.max_topics:
                    continue
                roots.add(root)
                added.append(TopicHit(key, round(float(T[:, j].max()) * 0.9, 4)))
            new = []
            for h in [*out[i], *added]:
                j = self.keys.index(h.name) if h.name in self.keys else None
                if j is None:
                    new.append(h)
                    continue
                sel = [c for c in range(n) if T[c, j] >= 0.5 or
                       (self.keyword_match is not None and self._kw(h.name, cl[c].text))]
                if not sel:
                    sel = [int(np.argmax(T[:, j]))]
                p = S[sel].mean(0)
                new.append(replace(h, sentiment=_label(p), sentiment_score=round(float(p[2] - p[0]), 4)))
            out[i] = new
        return out
