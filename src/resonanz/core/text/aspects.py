"""Aspect sentiment: the sentiment of each assigned topic within one text.

A text is split into clauses at sentence ends and before contrast conjunctions (aber, jedoch, doch,
allerdings, trotzdem, sondern, obwohl / but, however, although, though, yet, whereas, except …). Each clause
is scored for topics and sentiment with the same models as whole texts; a topic takes the sentiment of the
clause(s) that mention it (topic score >= 0.5 or a keyword hit; else the clause most similar to it).
Texts with a single clause, or a single top-level topic, keep the document sentiment for every topic. When
each topic is named by a keyword in a clause with clear lexical sentiment, the lexicon decides (no encoding);
otherwise the clauses are encoded in one extra batch, so clause embeddings are only computed where they can
change the answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from resonanz.core.text.base import TopicHit

NAME = "aspects.clause-split.v1"
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


def _label(probs: npt.NDArray[Any]) -> str:
    return LABELS[int(np.argmax(probs))]


class AspectSentiment:
    """Adds ``sentiment`` / ``sentiment_score`` to topic hits (see module docstring).

    ``topic_scores(texts, X) -> (n, k)`` and ``sentiment_proba(texts, X, languages) -> (n, 3)`` are the
    document models; ``keys`` names the topic columns; ``root_of`` maps a key to its top-level topic.
    """

    name = NAME

    def __init__(self, encode: Callable[[list[str]], npt.NDArray[np.float32]],
                 topic_scores: Callable[[Sequence[str], npt.NDArray[Any]], npt.NDArray[Any]],
                 sentiment_proba: Callable[[Sequence[str], npt.NDArray[Any], Sequence[str | None]], npt.NDArray[Any]],
                 keys: Sequence[str], root_of: Callable[[str], str],
                 keyword_match: Callable[[str, str], bool] | None = None,
                 lexical: Callable[[list[str], list[str | None]], Any] | None = None) -> None:
        self.encode, self.topic_scores, self.sentiment_proba = encode, topic_scores, sentiment_proba
        self.keys = list(keys)
        self.root_of = root_of
        self.keyword_match = keyword_match
        self.lexical = lexical
        self.clauses_encoded = 0
        self.lexical_resolved = 0
        self.max_topics = 4

    def _lexical_path(self, i: int, cl: list[Clause], out: list[list[TopicHit]], lang: str | None) -> bool:
        """Cheap path: when every topic is named by a keyword in some clause and those clauses carry clear
        lexical sentiment (|compound| >= 0.3), take the clause sentiment from the lexicon and skip encoding."""
        if self.lexical is None or self.keyword_match is None:
            return False
        comp = self.lexical([c.text for c in cl], [lang] * len(cl))
        new = []
        for h in out[i]:
            sel = [c for c in range(len(cl)) if self.keyword_match(h.name, cl[c].text)]
            if not sel or any(abs(comp[c]) < 0.3 for c in sel):
                return False
            v = float(np.mean([comp[c] for c in sel]))
            new.append(replace(h, sentiment="positive" if v > 0 else "negative", sentiment_score=round(v, 4)))
        out[i] = new
        self.lexical_resolved += 1
        return True

    def apply(self, texts: Sequence[str], hits: Sequence[list[TopicHit]], doc_probs: npt.NDArray[Any],
              languages: Sequence[str | None]) -> list[list[TopicHit]]:
        out: list[list[TopicHit]] = []
        jobs: list[tuple[int, list[Clause]]] = []
        for i, (t, hs) in enumerate(zip(texts, hits, strict=True)):
            doc = doc_probs[i]
            score = round(float(doc[2] - doc[0]), 4)
            out.append([replace(h, sentiment=_label(doc), sentiment_score=score) for h in hs])
            # only clauses that can carry an opinion on a topic ("Danke!", "Nie wieder." cannot)
            cl = [c for c in split_clauses(t) if len(_WORDS.findall(c.text)) >= _MIN_CLAUSE_WORDS]
            if len(cl) < 2:
                continue
            roots = {self.root_of(h.name) for h in hs}
            # clause-level evidence: several topics already, or a clause names a topic the text-level model missed
            missing = self.keyword_match is not None and any(
                self.keyword_match(k, c.text) for c in cl for k in self.keys if self.root_of(k) == k and k not in roots)
            if len(roots) < 2 and not missing:
                continue
            if not missing and self._lexical_path(i, cl, out, languages[i]):
                continue
            jobs.append((i, cl))
        if not jobs:
            return out
        flat = [c.text for _, cl in jobs for c in cl]
        flat_lang = [languages[i] for i, cl in jobs for _ in cl]
        Xc = self.encode(flat)
        self.clauses_encoded += len(flat)
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
                        T[c, j] >= 0.5 and self.keyword_match(key, cl[c].text) for c in range(n)):
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
                       (self.keyword_match is not None and self.keyword_match(h.name, cl[c].text))]
                if not sel:
                    sel = [int(np.argmax(T[:, j]))]
                p = S[sel].mean(0)
                new.append(replace(h, sentiment=_label(p), sentiment_score=round(float(p[2] - p[0]), 4)))
            out[i] = new
        return out
