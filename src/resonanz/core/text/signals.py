"""Emotions, intent and urgency from German and English feedback: lexicon + rules, fully explainable.

Every result lists the cues that produced it (``Cue``: the matched words, their offsets, the label they
counted for, and whether a negation flipped or cancelled them), so a user can see *why* a text is
"urgent" or shows "frustration".

- Emotions: joy, trust, anger, frustration, worry, surprise, disappointment. Cue weights add up per
  emotion; ``score = 1 - exp(-sum)`` (in [0, 1)); only emotions at or above ``emotion_threshold`` are
  returned.
- Intent: complaint, praise, question, suggestion, cancellation (churn threat: "ich kündige", "nie
  wieder", "Konto löschen", "switching to", "letzte Bestellung"). ``intent`` is the strongest one at or
  above ``intent_threshold`` (cancellation wins ties, then complaint, suggestion, question, praise).
- Urgency: legal threats, safety issues, security/fraud, explicit urgency ("sofort", "dringend",
  "urgent"), repeated contact ("zum dritten Mal"), a cancellation threat, strong anger.

Negation ("nicht zufrieden", "not happy", "kein Problem") is looked for in the three words before a cue
within its clause, and for German also right after it ("gefällt mir nicht"). A negated positive cue
counts as disappointment/complaint; a negated negative cue counts for nothing. Intensifiers ("sehr",
"total", "really"), capitals and exclamation marks raise a cue's weight, hedges ("etwas", "a bit") lower it.

For English, VADER's compound score (MIT, bundled lexicon) nudges complaint/praise when installed.
``refiner``: an optional later model (an embedding head) that may rewrite the results of a batch.

Lexicons: ``data/signals_de.txt`` and ``data/signals_en.txt`` (tab-separated) (written for this project).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

from resonanz.core.errors import TextAnalysisError
from resonanz.core.registry import registry
from resonanz.core.text.base import Scored, TextInput

EMOTIONS = ("joy", "trust", "anger", "frustration", "worry", "surprise", "disappointment")
INTENTS = ("cancellation", "complaint", "suggestion", "question", "praise")  # tie-break order
URGENCY_REASONS = (
    "legal",
    "safety",
    "security",
    "explicit",
    "repeated_contact",
    "cancellation_threat",
    "strong_anger",
)
EMOTION_NAME = "emotion.lexicon-de-en.v1"
INTENT_NAME = "intent.rules-de-en.v1"
URGENCY_NAME = "urgency.rules-de-en.v1"
SIGNALS_NAME = "signals.rules-de-en.v1"


@dataclass(frozen=True)
class Cue:
    """One piece of evidence: ``text == source[start:end]`` counted ``weight`` for ``kind``/``label``.

    ``negated`` cues were flipped (a negated positive cue counts as disappointment/complaint) or
    cancelled (weight 0.0, kept for explanation).
    """

    kind: str  # emotion | intent | urgency
    label: str
    text: str
    start: int
    end: int
    weight: float
    negated: bool = False


@dataclass
class SignalResult:
    """Emotions (above threshold, strongest first), intent, urgency and the cues behind them."""

    id: str
    emotions: list[Scored] = field(default_factory=list)
    intent: str | None = None
    intents: list[Scored] = field(default_factory=list)
    urgent: bool | None = None
    urgency_score: float | None = None
    urgency_reasons: list[str] = field(default_factory=list)
    cues: list[Cue] = field(default_factory=list)
    vader_compound: float | None = None
    components: dict[str, str] = field(default_factory=dict)


class IntentRefiner(Protocol):
    """A later model (e.g. an embedding head) that refines the rule results of a batch, in order."""

    name: str

    def refine(
        self, batch: Sequence[TextInput], languages: Sequence[str], results: list[SignalResult]
    ) -> list[SignalResult]: ...


# --------------------------------------------------------------------------------------------------
# Lexicons
# --------------------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NEGATORS = {
    "de": _words(
        """
kaum kein keine keinem keinen keiner keines nicht nichts nie niemals ohne
"""
    ),
    "en": _words(
        """
ain't aint aren't barely can't cannot cant couldn't didn't didnt doesn't doesnt don't dont hadn't
hardly hasn't haven't isn't isnt never no nor not nothing shouldn't wasn't wasnt weren't without
won't wont wouldn't
"""
    ),
}
_INTENSIFIERS = _words(
    """
absolut absolutely besonders completely deeply echt extrem extremely highly höchst incredibly
komplett mega really richtig sehr seriously so super too total totally truly unglaublich utterly
very voll völlig wirklich ziemlich zutiefst äußerst
"""
)
_HEDGES = _words(
    """
bisschen bit eher etwas fairly kinda leicht little slightly somewhat wenig
"""
)
# Cues of the other language that are ordinary words here ("Bad" = bathroom, "fast" = almost, "Brand").
_NOT_AS_SECONDARY = {
    "en": frozenset(
        [
            "bad",
            "best",
            "fast",
            "gut",
            "hours",
            "hurt",
            "mad",
            "still no",
            "still not",
            "still*",
            "sue",
            "will",
        ]
    ),
    "de": frozenset(["angst", "brand", "feuer", "gut", "gute*", "klage", "lob*", "mies*", "sauer"]),
}
_WORD_RE = re.compile(r"[\w'’-]+")
_TOKEN = re.compile(r"\w+(?:['’-]\w+)*")
_CLAUSE_END = re.compile(r"[.!?;:,\n\u2013\u2014]|\s-\s|\b(?:aber|but|jedoch|however|trotzdem|sondern)\b")


@dataclass(frozen=True)
class _Entry:
    kind: str
    label: str
    weight: float
    cue: str
    pattern: re.Pattern[str]  # anchored with .match(text, pos) at a token start


@dataclass(frozen=True)
class _Lexicon:
    """Cues indexed by their first word: exact words and stems (``enttäusch*``), for one dict lookup
    per token and prefix instead of one regex pass per label."""

    lang: str
    exact: dict[str, list[_Entry]]
    stems: dict[str, list[_Entry]]
    stem_lengths: tuple[int, ...]  # distinct stem lengths, longest first
    candidates: dict[str, tuple[_Entry, ...]] = field(default_factory=dict)  # token -> cues (memo)

    def lookup(self, tok: str) -> tuple[_Entry, ...]:
        """Cues whose first word is ``tok`` or a stem of it (memoised; feedback vocabularies repeat)."""
        found = list(self.exact.get(tok, ()))
        for k in self.stem_lengths:
            if k <= len(tok):
                more = self.stems.get(tok[:k])
                if more:
                    found.extend(more)
        out = tuple(found)
        if len(self.candidates) > 200_000:
            self.candidates.clear()
        self.candidates[tok] = out
        return out


def _cue_regex(cue: str) -> str:
    parts = []
    for w in cue.split():
        if w == "*":
            parts.append(r"\w+")
        elif w.endswith("*"):
            parts.append(re.escape(w[:-1]) + r"[\w-]*")
        else:
            parts.append(re.escape(w))
    return r"\s+".join(parts) + r"(?![\w-])"


def _load_lexicon(lang: str, secondary: bool) -> _Lexicon:
    path = resources.files("resonanz.core.text") / "data" / f"signals_{lang}.txt"
    exact: dict[str, list[_Entry]] = {}
    stems: dict[str, list[_Entry]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            label, weight, cue = line.split("\t")
            kind, name = label.split(":", 1)
            w = float(weight)
        except ValueError as e:
            raise TextAnalysisError(
                f"signals_{lang}.txt line {n}: expected kind:label<TAB>weight<TAB>cue", code="E210"
            ) from e
        cue = cue.strip().lower()
        first = cue.split()[0]
        if secondary and cue in _NOT_AS_SECONDARY[lang]:
            continue
        if first == "*":
            raise TextAnalysisError(f"signals_{lang}.txt line {n}: a cue cannot start with '*'", code="E210")
        entry = _Entry(kind, name, w, cue, re.compile(_cue_regex(cue)))
        if first.endswith("*"):
            stems.setdefault(first[:-1], []).append(entry)
        else:
            exact.setdefault(first, []).append(entry)
    for entries in (*exact.values(), *stems.values()):
        entries.sort(key=lambda e: -len(e.cue))
    return _Lexicon(lang, exact, stems, tuple(sorted({len(k) for k in stems}, reverse=True)))


@lru_cache(maxsize=4)
def _lexicon(lang: str, secondary: bool = False) -> _Lexicon:
    return _load_lexicon(lang, secondary)


_QUESTION_START = {
    "de": re.compile(
        r"^(?:wie|wann|wo|warum|wieso|weshalb|was|welche\w*|wer|kann\s+ich|könnt\s+ihr|können\s+sie|"
        r"gibt\s+es|ist\s+es\s+möglich|habt\s+ihr|haben\s+sie|muss\s+ich|darf\s+ich|soll\s+ich)\b"
    ),
    "en": re.compile(
        r"^(?:how|when|where|why|what|which|who|can\s+i|can\s+you|could\s+you|is\s+there|are\s+there|"
        r"do\s+you|does|is\s+it\s+possible|will\s+i|should\s+i|may\s+i|do\s+i)\b"
    ),
}
_SENTENCE = re.compile(r"[^.!?\n]+[.!?\n]*")


def _lower_same_length(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _saturate(x: float) -> float:
    return 1.0 - math.exp(-max(0.0, x))


# --------------------------------------------------------------------------------------------------
# Engine
# --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _vader() -> Any:
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:  # optional
        return None
    return SentimentIntensityAnalyzer()


_POSITIVE_EMO = frozenset({"joy", "trust"})
_CONTEXT_BOUND_URGENCY = frozenset({"explicit", "repeated_contact"})
_REQUEST = re.compile(r"\b(?:bitte|please|pls|plz)\b|!")
_NEGATIVE_EMO = frozenset({"anger", "frustration", "disappointment", "worry"})


class _Engine:
    def __init__(
        self, emotion_threshold: float, intent_threshold: float, urgency_threshold: float, use_vader: bool
    ):
        self.emotion_threshold = emotion_threshold
        self.intent_threshold = intent_threshold
        self.urgency_threshold = urgency_threshold
        self.vader = _vader() if use_vader else None
        for lang in ("de", "en"):
            _lexicon(lang, False)
            _lexicon(lang, True)

    # -- cue matching ------------------------------------------------------------------------------

    def _negated(self, low: str, start: int, end: int, lang: str) -> bool:
        before = low[max(0, start - 60) : start]
        last_end = 0
        for boundary in _CLAUSE_END.finditer(before):
            last_end = boundary.end()
        before = before[last_end:]
        words = [w.replace("’", "'") for w in _WORD_RE.findall(before)[-3:]]
        negs = _NEGATORS["de"] | _NEGATORS["en"]
        if any(w in negs or w.endswith("n't") for w in words):
            return True
        if lang == "de":
            after = low[end : end + 40]
            m = _CLAUSE_END.search(after)
            clause = after[: m.start()] if m else after
            after_words = _WORD_RE.findall(clause)
            if (
                len(after_words) <= 3
                and any(w in _NEGATORS["de"] for w in after_words[:3])
                and (m or len(after) < 40)
            ):
                return True
        return False

    def _factor(self, text: str, low: str, start: int, end: int) -> float:
        f = 1.0
        before = _WORD_RE.findall(low[max(0, start - 30) : start])[-2:]
        if any(w in _INTENSIFIERS for w in before):
            f *= 1.5
        elif any(w in _HEDGES for w in before):
            f *= 0.6
        span = text[start:end]
        if len(span) > 2 and span.isupper():
            f *= 1.3
        m = re.match(r"[^.!?\n]{0,60}?(!+)", text[end:])
        if m:
            f *= 1.2 if len(m.group(1)) == 1 else 1.4
        return f

    def _cues(self, text: str, low: str, lang: str) -> list[Cue]:
        lexicons = [(_lexicon(lang, False), lang)] if lang in ("de", "en") else []
        others = [x for x in ("de", "en") if x != lang]
        lexicons += [(_lexicon(x, lang in ("de", "en")), x) for x in others]
        out: list[Cue] = []
        seen: set[tuple[str, str, int]] = set()
        tokens = [(m.start(), m.group(0)) for m in _TOKEN.finditer(low)]
        for lex, lex_lang in lexicons:
            # (kind, label) -> matches (start, end, weight); the longest cue wins at each start.
            found: dict[tuple[str, str], dict[int, tuple[int, float]]] = {}
            for pos, tok in tokens:
                cands = lex.candidates.get(tok)
                if cands is None:
                    cands = lex.lookup(tok)
                for entry in cands:
                    m = entry.pattern.match(low, pos)
                    if m is None:
                        continue
                    slot = found.setdefault((entry.kind, entry.label), {})
                    prev = slot.get(pos)
                    if prev is None or m.end() > prev[0]:
                        slot[pos] = (m.end(), entry.weight)
            for (kind, label), matches in found.items():
                last_end = -1
                for s in sorted(matches):
                    e, weight = matches[s]
                    if s < last_end or (kind, label, s) in seen:  # inside a longer cue of the same label
                        continue
                    last_end = e
                    seen.add((kind, label, s))
                    if lex_lang != lang:
                        weight *= 0.8
                    negated = self._negated(low, s, e, lex_lang)
                    weight *= self._factor(text, low, s, e)
                    span = text[s:e]
                    if not negated:
                        out.append(Cue(kind, label, span, s, e, round(weight, 3)))
                    elif kind == "emotion" and label in _POSITIVE_EMO:
                        out.append(Cue("emotion", "disappointment", span, s, e, round(weight * 0.9, 3), True))
                    elif kind == "intent" and label == "praise":
                        out.append(Cue("intent", "complaint", span, s, e, round(weight * 0.8, 3), True))
                    else:
                        out.append(Cue(kind, label, span, s, e, 0.0, True))
        # "would be great if", "wäre schön, wenn": the positive words inside a suggestion are not praise.
        sugg = [(c.start, c.end) for c in out if c.label == "suggestion" and c.weight > 0]
        if sugg:
            out = [
                c
                for c in out
                if not (c.label in ("joy", "praise") and any(s <= c.start and c.end <= e for s, e in sugg))
            ]
        out.sort(key=lambda c: (c.start, c.kind, c.label))
        return out

    # -- scoring -----------------------------------------------------------------------------------

    def analyse(self, item_id: str, text: str | None, lang: str) -> SignalResult:
        res = SignalResult(id=item_id)
        if not text or not text.strip():
            res.urgent = False
            res.urgency_score = 0.0
            return res
        text = text[:20_000]
        low = _lower_same_length(text)
        cues = self._cues(text, low, lang)
        sums: dict[tuple[str, str], float] = {}
        for c in cues:
            sums[(c.kind, c.label)] = sums.get((c.kind, c.label), 0.0) + c.weight

        emo = {e: _saturate(sums.get(("emotion", e), 0.0)) for e in EMOTIONS}
        res.emotions = sorted(
            (Scored(e, round(s, 4)) for e, s in emo.items() if s >= self.emotion_threshold),
            key=lambda x: -x.score,
        )

        neg_emo = sum(sums.get(("emotion", e), 0.0) for e in ("anger", "frustration", "disappointment"))
        pos_emo = sum(sums.get(("emotion", e), 0.0) for e in _POSITIVE_EMO)
        raw = {i: sums.get(("intent", i), 0.0) for i in INTENTS}
        raw["complaint"] += 0.4 * neg_emo
        raw["praise"] += 0.25 * pos_emo
        raw["question"] += self._question_weight(text, low, lang)
        raw["complaint"] += 0.5 * sum(
            sums.get(("urgency", u), 0.0) for u in ("legal", "safety", "security", "repeated_contact")
        )
        if self.vader is not None and lang == "en":
            compound = float(self.vader.polarity_scores(text[:2000])["compound"])
            res.vader_compound = round(compound, 4)
            if compound <= -0.4:
                raw["complaint"] += 0.5 * -compound
            elif compound >= 0.5 and neg_emo == 0.0:
                raw["praise"] += 0.4 * compound
        # Mixed feedback: praise that sits next to a stronger complaint is not the message.
        if raw["complaint"] > 0 and raw["praise"] > 0:
            raw["praise"] *= 0.7
        scores = {i: _saturate(v) for i, v in raw.items()}
        res.intents = sorted(
            (Scored(i, round(s, 4)) for i, s in scores.items() if s >= self.intent_threshold),
            key=lambda x: (-x.score, INTENTS.index(x.name)),
        )
        if scores["cancellation"] >= self.intent_threshold:
            res.intent = "cancellation"
        elif res.intents:
            res.intent = res.intents[0].name

        reasons: dict[str, float] = {}
        # "sofort", "mehrmals" in praise ("wurde sofort geholfen", "waren schon mehrmals da") are not
        # urgent: explicit urgency and repeated contact count only next to a complaint, a question or a
        # request.
        t = self.intent_threshold
        pressing = (
            max(scores["complaint"], scores["cancellation"], scores["question"]) >= t
            or _REQUEST.search(low) is not None
        ) and res.intent != "praise"
        for c in cues:
            if c.kind == "urgency" and c.weight > 0:
                if c.label in _CONTEXT_BOUND_URGENCY and not pressing:
                    continue
                reasons[c.label] = reasons.get(c.label, 0.0) + c.weight
        if scores["cancellation"] >= 0.5:
            reasons["cancellation_threat"] = 1.0
        if emo["anger"] >= 0.75:
            reasons["strong_anger"] = 1.0
        res.urgency_score = round(_saturate(sum(reasons.values())), 4)
        res.urgency_reasons = [r for r in URGENCY_REASONS if r in reasons]
        res.urgent = bool(reasons) and res.urgency_score >= self.urgency_threshold
        res.cues = cues
        return res

    @staticmethod
    def _question_weight(text: str, low: str, lang: str) -> float:
        w = 0.0
        langs = [lang] if lang in _QUESTION_START else ["de", "en"]
        for m in _SENTENCE.finditer(low[:5000]):
            sent = m.group(0).strip()
            if not sent:
                continue
            if sent.endswith("?"):
                w += 0.9
            elif any(_QUESTION_START[x].match(sent) for x in langs):
                w += 0.4
        return w


def _check_languages(batch: Sequence[TextInput], languages: Sequence[str]) -> None:
    if len(batch) != len(languages):
        raise TextAnalysisError(
            f"got {len(batch)} texts but {len(languages)} languages",
            code="E211",
            texts=len(batch),
            languages=len(languages),
        )


class _SignalsBase:
    name: str

    def __init__(
        self,
        emotion_threshold: float = 0.3,
        intent_threshold: float = 0.35,
        urgency_threshold: float = 0.5,
        use_vader: bool = True,
        refiner: IntentRefiner | None = None,
    ) -> None:
        self._engine = _Engine(emotion_threshold, intent_threshold, urgency_threshold, use_vader)
        self.refiner = refiner

    def _run(self, batch: Sequence[TextInput], languages: Sequence[str]) -> list[SignalResult]:
        _check_languages(batch, languages)
        results = [
            self._engine.analyse(t.id, t.text, (lang or "").lower())
            for t, lang in zip(batch, languages, strict=True)
        ]
        if self.refiner is not None:
            results = self.refiner.refine(batch, languages, results)
        return results


@registry.register(SIGNALS_NAME)
class SignalAnalyzer(_SignalsBase):
    """Emotions, intent and urgency in one pass (the three registered components share this engine)."""

    name = SIGNALS_NAME

    def predict(self, batch: Sequence[TextInput], languages: Sequence[str]) -> list[SignalResult]:
        comps = {"emotion": EMOTION_NAME, "intent": INTENT_NAME, "urgency": URGENCY_NAME}
        if self.refiner is not None:
            comps["intent_refiner"] = self.refiner.name
        return [replace(r, components=dict(comps)) for r in self._run(batch, languages)]


@registry.register(EMOTION_NAME)
class EmotionLexicon(_SignalsBase):
    """Only the emotions (and their cues) of :class:`SignalAnalyzer`'s result."""

    name = EMOTION_NAME

    def predict(self, batch: Sequence[TextInput], languages: Sequence[str]) -> list[SignalResult]:
        return [
            SignalResult(
                r.id,
                emotions=r.emotions,
                cues=[c for c in r.cues if c.kind == "emotion"],
                components={"emotion": self.name},
            )
            for r in self._run(batch, languages)
        ]


@registry.register(INTENT_NAME)
class IntentRules(_SignalsBase):
    """Only the intent (and the intent cues). ``refiner`` may rewrite it, e.g. an embedding head."""

    name = INTENT_NAME

    def predict(self, batch: Sequence[TextInput], languages: Sequence[str]) -> list[SignalResult]:
        comps = {"intent": self.name} | ({"intent_refiner": self.refiner.name} if self.refiner else {})
        return [
            SignalResult(
                r.id,
                intent=r.intent,
                intents=r.intents,
                cues=[c for c in r.cues if c.kind == "intent"],
                vader_compound=r.vader_compound,
                components=dict(comps),
            )
            for r in self._run(batch, languages)
        ]


@registry.register(URGENCY_NAME)
class UrgencyRules(_SignalsBase):
    """Only the urgency flag, score and reasons (with the urgency cues)."""

    name = URGENCY_NAME

    def predict(self, batch: Sequence[TextInput], languages: Sequence[str]) -> list[SignalResult]:
        return [
            SignalResult(
                r.id,
                urgent=r.urgent,
                urgency_score=r.urgency_score,
                urgency_reasons=r.urgency_reasons,
                cues=[c for c in r.cues if c.kind == "urgency"],
                components={"urgency": self.name},
            )
            for r in self._run(batch, languages)
        ]
