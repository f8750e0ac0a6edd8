"""Input normalisation for feedback texts: the first step of every analysis.

``prepare(text)`` turns whatever arrived (``None``, HTML mails, mojibake from a broken CSV export, 1 MB
pastes) into clean, NFC-normalised plain text of bounded length, and says what it did (``was_html``,
``repaired_encoding``, ``truncated``). It never executes or keeps markup: tags are dropped, the content
of ``<script>``/``<style>`` is dropped, entities are decoded.

Everything here is pure Python and linear in the input size (regexes without nested quantifiers and
the standard library's ``html.parser``); a 1 MB input is prepared in well under a second.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from resonanz.core.registry import registry
from resonanz.core.text.base import TextInput

DEFAULT_MAX_CHARS = 5_000
# Raw input beyond this many characters is cut before the (linear, but not free) clean-up runs. The
# output is at most ``max_chars`` long, so reading 20x that is plenty even for markup-heavy input.
_RAW_FACTOR = 20
_RAW_MIN = 100_000


@dataclass(frozen=True)
class Prepared:
    """A normalised text plus what was done to it.

    ``text`` is ``""`` for ``None``/empty/whitespace-only input (``is_empty`` is then true).
    ``original_chars`` is the length of the raw input in characters.
    """

    text: str
    truncated: bool = False
    was_html: bool = False
    repaired_encoding: bool = False
    original_chars: int = 0

    @property
    def is_empty(self) -> bool:
        return not self.text


# --------------------------------------------------------------------------------------------------
# Mojibake repair (UTF-8 bytes that were decoded as cp1252 / latin-1)
# --------------------------------------------------------------------------------------------------


def _byte_char(b: int) -> str:
    """The character a single byte becomes when decoded as cp1252 (latin-1 for cp1252's holes)."""
    try:
        return bytes([b]).decode("cp1252")
    except UnicodeDecodeError:
        return bytes([b]).decode("latin-1")


_CHAR_BYTE: dict[str, int] = {_byte_char(b): b for b in range(0x80, 0x100)}
_CONT = "".join(re.escape(_byte_char(b)) for b in range(0x80, 0xC0))
_LEAD2 = "".join(re.escape(_byte_char(b)) for b in range(0xC2, 0xC6))  # -> U+0080..U+017F only
_LEAD3 = re.escape(_byte_char(0xE2))  # -> U+2000..U+2FFF (punctuation, €, ™, arrows, symbols)
_LEAD4 = re.escape(_byte_char(0xF0))  # -> U+10000.. (emoji)
_MOJIBAKE = re.compile(f"[{_LEAD2}][{_CONT}]|{_LEAD3}[{_CONT}]{{2}}|{_LEAD4}[{_CONT}]{{3}}")
# Quick pre-check: every mojibake sequence starts with one of these characters.
_MOJIBAKE_HINT = re.compile(f"[{_LEAD2}{_LEAD3}{_LEAD4}]")
_QUOTES = set("\u201c\u201d\u2018\u2019\u201e")


def _repair_match(m: re.Match[str]) -> str:
    s = m.group(0)
    try:
        fixed = bytes(_CHAR_BYTE[c] for c in s).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return s
    cp = ord(fixed)
    if len(s) == 2:
        # "Ä“" can be a real capital umlaut before a closing quote; U+0100..U+017F after Ä/Å only
        # when the second character is not a quote.
        if cp >= 0x100 and s[1] in _QUOTES:
            return s
        return fixed
    if len(s) == 3:
        return fixed if 0x2000 <= cp <= 0x2FFF else s
    return fixed if 0x1F000 <= cp <= 0x1FAFF else s


def repair_mojibake(text: str) -> tuple[str, bool]:
    """Undo UTF-8-read-as-cp1252 damage ("FÃ¼r" -> "Für", "â€™" -> "’"), also when applied twice.

    Only sequences that decode to Latin letters, general punctuation/symbols or emoji are replaced,
    so genuine text ("Ära", "Ö“", "café") is left alone. Returns the text and whether it changed.
    """
    if not _MOJIBAKE_HINT.search(text):
        return text, False
    out = text
    for _ in range(2):  # double-encoded text needs two rounds
        new = _MOJIBAKE.sub(_repair_match, out)
        if new == out:
            break
        out = new
    return out, out != text


# --------------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------------

_TAG = re.compile(r"<(?:/?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|!--|!DOCTYPE\b[^<>]*>)", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg"}
)


def looks_like_html(text: str) -> bool:
    """True when the text contains a real tag (``<p>``, ``</div>``, ``<img ...>``, ``<!-- ``)."""
    return _TAG.search(text) is not None


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def strip_html(text: str) -> str:
    """Plain text of an HTML fragment: tags dropped, script/style content dropped, entities decoded."""
    parser = _TextExtractor()
    try:
        parser.feed(text)
        parser.close()
    except Exception:  # html.parser is lenient; this is a last resort for pathological input
        return _TAG.sub(" ", text)
    out = "".join(parser.parts)
    # A stray "<" that html.parser kept as data may still start a tag-like sequence: remove it too.
    return _TAG.sub(" ", out) if "<" in out else out


# --------------------------------------------------------------------------------------------------
# Whitespace and Unicode
# --------------------------------------------------------------------------------------------------

# C0/C1 controls except \t \n, zero-width space/joiners that carry no meaning, BOM, soft hyphen.
# U+200D (ZWJ) is kept: it glues emoji sequences (👩‍💻).
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b\u200c\u2060\ufeff]")
_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_LINEBREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")
_SPACE_AROUND_NL = re.compile(" *\n *")
_MANY_NL = re.compile("\n{3,}")


def normalise_whitespace(text: str) -> str:
    """Runs of spaces/tabs -> one space, line breaks kept (at most one blank line), ends trimmed."""
    text = _LINEBREAKS.sub("\n", text)
    text = _INVISIBLE.sub("", text)
    text = _SPACES.sub(" ", text)
    text = _SPACE_AROUND_NL.sub("\n", text)
    text = _MANY_NL.sub("\n\n", text)
    return text.strip()


def truncate(text: str, max_chars: int) -> tuple[str, bool]:
    """Cut to at most ``max_chars`` characters, at a word boundary when one is near the end."""
    if len(text) <= max_chars:
        return text, False
    cut = text[:max_chars]
    ws = max(cut.rfind(" "), cut.rfind("\n"))
    if ws >= max_chars - 100 and ws > 0:
        cut = cut[:ws]
    return cut.rstrip(), True


def prepare(text: str | None, *, max_chars: int = DEFAULT_MAX_CHARS) -> Prepared:
    """Normalise one raw feedback text for analysis (see the module docstring)."""
    if max_chars < 1:
        raise ValueError("max_chars must be >= 1")
    if text is None:
        return Prepared("")
    if not isinstance(text, str):
        text = str(text)
    original_chars = len(text)
    raw_limit = max(max_chars * _RAW_FACTOR, _RAW_MIN)
    cut_raw = original_chars > raw_limit
    if cut_raw:
        text = text[:raw_limit]
    if not text.strip():
        return Prepared("", original_chars=original_chars)

    text, repaired = repair_mojibake(text)
    was_html = looks_like_html(text)
    if was_html:
        text = strip_html(text)
    elif "&" in text:
        text = _ENTITY.sub(lambda m: html.unescape(m.group(0)), text)
    text = unicodedata.normalize("NFC", text)
    text = normalise_whitespace(text)
    text, truncated = truncate(text, max_chars)
    return Prepared(
        text=text,
        truncated=truncated or cut_raw,
        was_html=was_html,
        repaired_encoding=repaired,
        original_chars=original_chars,
    )


@registry.register("textprep.html-mojibake-nfc.v1")
class TextPrep:
    """Registered batch component around :func:`prepare`. ``max_chars`` bounds every output text."""

    name = "textprep.html-mojibake-nfc.v1"

    def __init__(self, max_chars: int = DEFAULT_MAX_CHARS) -> None:
        if max_chars < 1:
            raise ValueError("max_chars must be >= 1")
        self.max_chars = max_chars

    def predict(self, batch: Sequence[TextInput]) -> list[Prepared]:
        return [prepare(t.text, max_chars=self.max_chars) for t in batch]

    def prepare_texts(self, texts: Sequence[str | None]) -> list[Prepared]:
        return [prepare(t, max_chars=self.max_chars) for t in texts]
