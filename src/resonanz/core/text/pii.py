"""Rule-based detection and redaction of personal data in German and English feedback.

Types and placeholders: ``EMAIL``, ``URL``, ``IBAN`` (mod-97 checked), ``CARD`` (Luhn checked), ``IP``
(v4/v6, parsed), ``PHONE`` (DE/AT/CH/UK/US formats), ``ADDRESS`` (street + number, postcode + city),
``NAME`` (honorifics, "mein Name ist"/"my name is", signatures, a first-name list).

Rules instead of an NER model: there is no German NER model with shipped weights, English spaCy marks
German nouns ("Jacke", "Rechnung") as persons, and rules are > 10x faster. Names are matched only from
a curated first-name list or strong context, so capitalised German nouns are not names. Numbers that
look like phones are rejected next to order/invoice/customer-number cues, and prices/dates never match
the phone shapes.

Spans use character offsets into the input text. Overlaps are resolved by priority
(EMAIL > URL > IBAN > CARD > IP > PHONE > ADDRESS > NAME), then by length.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from resonanz.core.registry import registry
from resonanz.core.text.base import TextInput

PII_TYPES = ("EMAIL", "URL", "IBAN", "CARD", "IP", "PHONE", "ADDRESS", "NAME")
_PRIORITY: dict[str, float] = {t: float(i) for i, t in enumerate(PII_TYPES)} | {"_BLOCK": 2.5}  # after IBAN


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data: ``text == source[start:end]``."""

    type: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class PiiResult:
    """Spans in text order and the text with each span replaced by ``[TYPE]``."""

    spans: list[PiiSpan] = field(default_factory=list)
    redacted: str = ""

    @property
    def types(self) -> list[str]:
        """Distinct types found, in ``PII_TYPES`` order."""
        found = {s.type for s in self.spans}
        return [t for t in PII_TYPES if t in found]


# --------------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------------


def _read_list(name: str) -> frozenset[str]:
    path = resources.files("resonanz.core.text") / "data" / name
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip() for x in lines if x.strip() and not x.startswith("#"))


@lru_cache(maxsize=1)
def _lists() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    ambiguous = _read_list("ambiguous_first_names.txt")
    first = _read_list("first_names.txt") - ambiguous
    return first, ambiguous, _read_list("surnames.txt"), _read_list("not_names.txt")


# --------------------------------------------------------------------------------------------------
# Simple typed patterns
# --------------------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+%-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}\b"
)
_URL = re.compile(r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"'\]\[{}|\\^`]+", re.IGNORECASE)
_URL_TRAIL = ".,;:!?)»“”'\""

_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b", re.IGNORECASE)
_IBAN_LEN = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "ES": 24, "FI": 18,
    "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LI": 21, "LT": 20,
    "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SE": 24,
    "SI": 19, "SK": 24, "SM": 27, "TN": 24, "TR": 26, "UA": 29, "VG": 24, "XK": 20,
}  # fmt: skip

_CARD = re.compile(r"(?<![\d.,])(?:\d[ -]?){12,18}\d(?![\d,]|\.\d)")
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?![\d.]\d)"
)
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")

# Phones. International: +CC, optional (0), then groups. National: leading 0 (DE/AT/CH/UK trunk prefix).
# US: (555) 123-4567 / 555-123-4567 / 555.123.4567.
_PHONE = re.compile(
    r"(?:(?<![\w+])\+|(?<![\w])00)[1-9]\d{0,2}(?:[ .\-/]?\(0\))?(?:[ .\-/]?\(?\d{1,5}\)?){1,6}(?!\d)"
    r"|(?<![\w/.,-])\(?0\d{2,5}\)?(?:[ ]?[/\-][ ]?|[ ])?\d{2,}(?:[ \-]\d{2,}){0,4}(?![\w,.]\d|[\d])"
    r"|(?<![\w(])\(\d{3}\)[ ]?\d{3}[ .\-]\d{4}\b"
    r"|(?<![\w.\-])\d{3}[.\-]\d{3}[.\-]\d{4}\b"
)
_NOT_PHONE_CUE = re.compile(
    r"(?:bestell|auftrag|rechnung|kunden|vertrag|vorgang|referenz|ticket|sendung|tracking|artikel|"
    r"order|invoice|customer|account|reference|ref|case|booking|buchung|nr|no|id|#)[\w.-]*[\s.:#-]*$",
    re.IGNORECASE,
)
_PHONE_CUE = re.compile(
    r"\b(?:tel|telefon|phone|mobil|handy|fax|call|ruf|anruf|whatsapp|nummer)\w*[\s.:]*$", re.IGNORECASE
)


_SEVEN_DIGITS = re.compile(r"\d(?:[^\d\n]{0,4}\d){6}")
_ANY_DIGIT = re.compile(r"\d")


def _iban_ok(raw: str) -> bool:
    s = raw.replace(" ", "").upper()
    country = s[:2]
    want = _IBAN_LEN.get(country)
    if want is None or len(s) != want:
        return False
    rearranged = s[4:] + s[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _iter_simple(text: str) -> Iterator[tuple[str, int, int]]:
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield "EMAIL", m.start(), m.end()
    if "://" in text or "www." in text.lower():
        for m in _URL.finditer(text):
            end = m.end()
            while end > m.start() and text[end - 1] in _URL_TRAIL:
                end -= 1
            yield "URL", m.start(), end
    if _SEVEN_DIGITS.search(text) is None:  # every IBAN, card and phone has 7+ digits
        yield from _iter_ip(text)
        return
    for m in _IBAN.finditer(text):
        raw = m.group(0)
        # The regex may swallow a following word (" DE89... bitte"); trim 1-char groups until valid.
        while raw and not _iban_ok(raw) and " " in raw:
            raw = raw[: raw.rfind(" ")]
        if raw and _iban_ok(raw):  # the checksum is evidence enough, also for "de89 ..."
            yield "IBAN", m.start(), m.start() + len(raw)
        elif m.group(0)[:2].upper() in _IBAN_LEN:
            # IBAN-shaped but the checksum fails: not an IBAN, and its digits are no phone/card either.
            yield "_BLOCK", m.start(), m.end()
    for m in _CARD.finditer(text):
        raw = m.group(0).rstrip(" -")
        digits = re.sub(r"\D", "", raw)
        if 13 <= len(digits) <= 19 and digits[0] in "23456" and _luhn_ok(digits) and len(set(digits)) > 1:
            yield "CARD", m.start(), m.start() + len(raw)
    yield from _iter_ip(text)
    for m in _PHONE.finditer(text):
        raw = m.group(0).rstrip(" -/.")
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15:
            continue
        before = text[max(0, m.start() - 30) : m.start()]
        if _NOT_PHONE_CUE.search(before) and not _PHONE_CUE.search(before):
            continue
        if raw[0] == "0" and not raw.startswith("00") and len(digits) < 8 and not _PHONE_CUE.search(before):
            continue
        yield "PHONE", m.start(), m.start() + len(raw)


def _iter_ip(text: str) -> Iterator[tuple[str, int, int]]:
    if "." in text:
        for m in _IPV4.finditer(text):
            before = text[max(0, m.start() - 10) : m.start()].lower()
            if re.search(r"(?:version|v)\s*$", before):
                continue
            yield "IP", m.start(), m.end()
    if "::" in text or text.count(":") >= 5:
        for m in _IPV6.finditer(text):
            cand = m.group(0)
            if sum(c.isalnum() for c in cand) < 2:
                continue
            try:
                ipaddress.IPv6Address(cand)
            except ValueError:
                continue
            yield "IP", m.start(), m.end()


# --------------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------------

_UC = "A-ZÄÖÜ"
_LC = "a-zäöüß"
_NOT_AFTER_NUMBER = (
    r"(?![\d,.:]?\d)(?!\s?(?:%|€|\$|Uhr|Min|Minuten|Stunden|Euro|EUR|km|Jahre|Tage|Prozent)\b|\s?%)"
)
_HOUSE_NO = r"\d{1,4}(?:\s?[a-hA-H](?!\w))?(?:\s?[-/]\s?\d{1,4}[a-h]?(?!\w))?" + _NOT_AFTER_NUMBER
_STREET_SUFFIX = (
    r"(?:straße|strasse|str\.|gasse|weg|allee|platz|ring|damm|ufer|chaussee|pfad|markt|"
    r"graben|wall|berg|feld|hof|garten|kamp|twiete|zeile|promenade)"
)
_STREET = re.compile(
    # "Hauptstraße 12", "Müllerstr. 5a", "Karl-Marx-Allee 3"
    rf"\b[{_UC}][{_LC}A-Za-z-]*{_STREET_SUFFIX}\s?{_HOUSE_NO}"
    # "Berliner Straße 5", "Lange Str. 7", "Alte Gasse 2"
    rf"|\b[{_UC}][{_LC}]+(?:er|e)\s(?:Straße|Strasse|Str\.|Gasse|Weg|Allee|Platz|Ring|Damm|Ufer|Markt)\s?{_HOUSE_NO}"
    # "Am Markt 3", "An der Alster 12", "Unter den Linden 77", "Zum Hafen 4"
    rf"|\b(?:Am|An\sder|An\sden|Auf\sder|Auf\sdem|Im|In\sder|In\sden|Zum|Zur|Unter\sden|Hinter\sder|Vor\sdem|Bei\sder)"
    rf"\s(?P<pn>[{_UC}][{_LC}-]+)\s\d{{1,3}}(?:\s?[a-hA-H](?!\w))?(?:\s?[-/]\s?\d{{1,3}}[a-h]?)?"
    + _NOT_AFTER_NUMBER
    +
    # "221B Baker Street", "10 Downing Street", "123 Main St."
    r"|\b\d{1,5}[A-Za-z]?\s(?:[A-Z][a-z]+\s){1,3}(?:Street|St\.|Road|Rd\.|Avenue|Ave\.|Lane|Drive|Boulevard|Blvd\.|"
    r"Way|Court|Place|Square|Terrace|Close|Crescent|Gardens|Row|Parkway|Highway)(?![a-z])"
)
_DE_POSTCODE_CITY = re.compile(
    rf"(?<![\d.,/-])(?:(?:D|A|CH)-\s?)?(?P<pc>\d{{4,5}})\s(?P<city>(?:(?:Bad|Neu|Sankt|St\.)\s)?[{_UC}][{_LC}]+"
    rf"(?:-[{_UC}][{_LC}]+|\s(?:am|an\sder|im|ob\sder|bei|in|vor\sder)\s[{_UC}][{_LC}]+)?(?:\s\([{_UC}][{_LC}]+\))?)"
)
_UK_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2})\b")
_US_CITY_ZIP = re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+)?,\s[A-Z]{2}\s\d{5}(?:-\d{4})?\b")


@lru_cache(maxsize=1)
def _cities() -> frozenset[str]:
    path = resources.files("resonanz.core.text") / "data" / "cities_de_at_ch.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(w for x in lines if not x.startswith("#") for w in x.split())


_AT_CH_CITIES = frozenset(
    [
        "Wien",
        "Graz",
        "Linz",
        "Salzburg",
        "Innsbruck",
        "Klagenfurt",
        "Villach",
        "Wels",
        "Dornbirn",
        "Bregenz",
        "Feldkirch",
        "Leoben",
        "Krems",
        "Zürich",
        "Zurich",
        "Bern",
        "Basel",
        "Genf",
        "Lausanne",
        "Luzern",
        "Winterthur",
        "Lugano",
        "Biel",
        "Thun",
        "Chur",
        "Zug",
        "Aarau",
        "Olten",
    ]
)


def _iter_addresses(text: str, not_names: frozenset[str]) -> Iterator[tuple[str, int, int]]:
    streets = [
        (m.start(), m.end())
        for m in _STREET.finditer(text)
        if not (m.group("pn") and m.group("pn") in not_names)
    ]
    for s, e in streets:
        yield "ADDRESS", s, e
    street_ends = {e for _, e in streets}
    for m in _DE_POSTCODE_CITY.finditer(text):
        pc, city = m.group("pc"), m.group("city")
        first_city_word = re.split(r"[- ]", re.sub(r"^(?:Bad|Neu|Sankt|St\.)\s", "", city))[0]
        prefixed = m.group(0)[0] in "ADC"
        before = text[max(0, m.start() - 40) : m.start()]
        after_street = any(0 <= m.start() - e <= 4 for e in street_ends)
        if len(pc) == 4:
            if not (prefixed or after_street or first_city_word in _AT_CH_CITIES):
                continue
        else:
            if pc == "00000" or pc < "01001":
                continue
            # "10000 Punkte", "12345 Artikel" are quantities; a bare postcode needs a known city
            # or an explicit "PLZ" cue.
            plz_cue = re.search(r"(?:PLZ|Postleitzahl)[:\s]*$", before, re.IGNORECASE)
            if not (prefixed or after_street or first_city_word in _cities() or plz_cue):
                continue
        yield "ADDRESS", m.start(), m.end()
    for m in _UK_POSTCODE.finditer(text):
        yield "ADDRESS", m.start(), m.end()
    for m in _US_CITY_ZIP.finditer(text):
        yield "ADDRESS", m.start(), m.end()


# --------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------

_NAME_TOKEN = rf"[{_UC}][{_LC}]+(?:-[{_UC}][{_LC}]+)?|[{_UC}]\."
_PARTICLE = r"(?:von|van|de|der|den|du|da|di|le|la|zu|ten|vom|zur|o')"
_HONORIFIC = re.compile(
    r"\b(?:Herrn?|Frau|Hr\.|Fr\.|Fräulein|Mr\.?|Mrs\.?|Ms\.?|Miss|Mister|Madame?|Sir)"
    r"(?:\s(?:Dr\.|Prof\.|Dipl\.-Ing\.|Professor|Doktor))*\s"
    rf"(?P<name>(?:{_NAME_TOKEN})(?:\s(?:{_PARTICLE}\s)?(?:{_NAME_TOKEN})){{0,2}})"
    r"|\b(?:Dr\.|Prof\.|Professor|Doktor)(?:\s(?:Dr\.|med\.|rer\.|nat\.))*\s"
    rf"(?P<name2>(?:{_NAME_TOKEN})(?:\s(?:{_PARTICLE}\s)?(?:{_NAME_TOKEN})){{0,2}})"
)
_INTRO = re.compile(
    r"(?:\b[Ii]ch\sheiße|\b[Ii]ch\sbin\sdie|\b[Ii]ch\sbin\sder|\b[Mm]ein\sName\sist|\b[Mm]y\sname\sis|\b[Mm]y\sname's|"
    r"\b[Tt]his\sis|\b[Hh]ier\sist|\b[Hh]ier\sschreibt|\b[Nn]ame:|\b[Aa]nsprechpartner(?:in)?:|\b[Cc]ontact:)"
    r"\s(?P<name>[\w][\w'-]*(?:\s(?:" + _PARTICLE + r"\s)?[" + _UC + r"][\w'-]+){0,2})"
)
_SIGNOFF = re.compile(
    r"(?P<so>(?:Viele|Beste|Liebe|Freundliche|Herzliche|Sonnige|Schöne)\sGrüße|Mit\sfreundlichen\sGrüßen|"
    r"(?:Mit\s)?(?:freundlichem|besten|herzlichem|lieben)\sGruß|Grüße|Gruß|Grüßle|LG|VG|MfG|Mfg|"
    r"(?:Best|Kind|Warm|Many\sthanks\sand|With\skind)\sregards|Regards|Best\swishes|Best|Cheers|Sincerely|"
    r"Yours(?:\ssincerely|\struly)?|Thanks(?:\sagain)?|Thank\syou|Many\sthanks|Danke(?:\sschön)?|Vielen\sDank|Ciao|Tschüss)"
    r"[,!.]?[ \t]*(?:\r?\n[ \t]*|,?[ \t]+|(?<=,))"
    rf"(?P<name>(?:{_NAME_TOKEN})(?:[ \t](?:{_PARTICLE}[ \t])?(?:{_NAME_TOKEN})){{0,2}})[ \t]*[.!]?[ \t]*(?=\r?\n|$)"
)
_WEAK_SIGNOFF = re.compile(
    r"(?:Best|Cheers|Thanks(?:\sagain)?|Thank\syou|Many\sthanks|Danke(?:\sschön)?|Vielen\sDank|Ciao|Tschüss)$"
)
_CAP_WORD = re.compile(rf"(?<![\w@.-])(?P<w>[{_UC}][{_LC}]+(?:-[{_UC}][{_LC}]+)?)(?![\w@-])")


def _trim_name(name: str, start: int, not_names: frozenset[str]) -> tuple[int, int] | None:
    """Drop leading/trailing tokens that are ordinary words; None if nothing name-like is left."""
    tokens = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\S+", name)]
    while tokens and (tokens[0][2] in not_names or tokens[0][2].islower()):
        tokens.pop(0)
    while tokens and (tokens[-1][2] in not_names or tokens[-1][2].islower()):
        tokens.pop()
    if not tokens or not tokens[0][2][0].isupper():
        return None
    return start + tokens[0][0], start + tokens[-1][1]


def _iter_names(text: str) -> Iterator[tuple[str, int, int]]:
    first, ambiguous, surnames, not_names = _lists()
    for m in _HONORIFIC.finditer(text):
        g = "name" if m.group("name") else "name2"
        span = _trim_name(m.group(g), m.start(g), not_names)
        if span:
            yield "NAME", *span
    for m in _INTRO.finditer(text):
        name = m.group("name")
        tok0 = name.split()[0]
        if tok0[0].islower():
            # "my name is anna": accept a lowercase first name only if it is a known first name
            if tok0.capitalize() in first or tok0.capitalize() in ambiguous:
                yield "NAME", m.start("name"), m.start("name") + len(tok0)
            continue
        if (
            m.group(0).lower().startswith(("this is", "hier ist"))
            and tok0 not in first
            and tok0 not in ambiguous
        ):
            continue
        span = _trim_name(name, m.start("name"), not_names)
        if span:
            yield "NAME", *span
    for m in _SIGNOFF.finditer(text):
        span = _trim_name(m.group("name"), m.start("name"), not_names)
        if not span:
            continue
        # "Danke Lieferando", "Thanks United", "Cheers Mate": after words of thanks only a known name counts.
        first_tok = text[span[0] : span[1]].split()[0].split("-")[0]
        if _WEAK_SIGNOFF.match(m.group("so")) and not (
            first_tok in first or first_tok in ambiguous or first_tok in surnames
        ):
            continue
        yield "NAME", *span
    # Known first names anywhere, extended by a following capitalised surname-like word.
    words = list(_CAP_WORD.finditer(text))
    i = 0
    while i < len(words):
        w = words[i].group("w")
        base = w.split("-")[0]
        is_first = (w in first or base in first) and w not in not_names
        if is_first and w in ("Max", "Jan"):
            nxt = text[words[i].end() : words[i].end() + 3]
            if nxt[:1] == "." or re.match(r"\s?\d", nxt):
                is_first = False
        start, end = words[i].start(), words[i].end()
        j = i
        nxt_word = words[i + 1] if i + 1 < len(words) else None
        adjacent = nxt_word is not None and text[end : nxt_word.start()] in (" ", " von ", " van ", " de ")
        if adjacent and nxt_word is not None:
            nw = nxt_word.group("w")
            if (is_first and nw not in not_names and nw not in first) or (
                w in ambiguous and nw in surnames and nw not in not_names
            ):
                end = nxt_word.end()
                j = i + 1
                is_first = True
        if is_first:
            yield "NAME", start, end
        i = j + 1


# --------------------------------------------------------------------------------------------------
# Component
# --------------------------------------------------------------------------------------------------


def _resolve(cands: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    cands = [c for c in cands if c[2] > c[1]]
    cands.sort(key=lambda c: (_PRIORITY[c[0]], -(c[2] - c[1]), c[1]))
    # (a candidate of type "_BLOCK" only reserves its region)
    taken: list[tuple[str, int, int]] = []
    for c in cands:
        if all(c[2] <= t[1] or c[1] >= t[2] for t in taken):
            taken.append(c)
    # Merge street + postcode/city into one address ("Hauptstraße 12, 10115 Berlin").
    taken.sort(key=lambda c: c[1])
    merged: list[tuple[str, int, int]] = []
    for c in taken:
        if merged and c[0] == "ADDRESS" == merged[-1][0] and c[1] - merged[-1][2] <= 3:
            merged[-1] = ("ADDRESS", merged[-1][1], c[2])
        elif merged and c[0] == "NAME" == merged[-1][0] and c[1] - merged[-1][2] == 1:
            merged[-1] = ("NAME", merged[-1][1], c[2])
        else:
            merged.append(c)
    return merged


def find_pii(text: str, types: Sequence[str] = PII_TYPES) -> list[PiiSpan]:
    """All personal-data spans in ``text`` (non-overlapping, in text order)."""
    if not text:
        return []
    wanted = set(types)
    cands: list[tuple[str, int, int]] = [c for c in _iter_simple(text) if c[0] in wanted or c[0] == "_BLOCK"]
    if "ADDRESS" in wanted and _ANY_DIGIT.search(text):  # every address has a number
        cands.extend(_iter_addresses(text, _lists()[3]))
    if "NAME" in wanted:
        cands.extend(_iter_names(text))
    return [PiiSpan(t, s, e, text[s:e]) for t, s, e in _resolve(cands) if t != "_BLOCK"]


def redact(text: str, spans: Sequence[PiiSpan]) -> str:
    """``text`` with every span replaced by ``[TYPE]``."""
    out: list[str] = []
    pos = 0
    for s in sorted(spans, key=lambda s: s.start):
        out.append(text[pos : s.start])
        out.append(f"[{s.type}]")
        pos = s.end
    out.append(text[pos:])
    return "".join(out)


@registry.register("pii.rules-de-en.v1")
class PiiRedactor:
    """Registered batch component: ``predict(batch) -> list[PiiResult]``. ``types`` limits what is found."""

    name = "pii.rules-de-en.v1"

    def __init__(self, types: Sequence[str] = PII_TYPES) -> None:
        unknown = set(types) - set(PII_TYPES)
        if unknown:
            raise ValueError(f"unknown PII types: {sorted(unknown)}")
        self.types = tuple(types)
        _lists()  # load the word lists now, not on the first text

    def analyse(self, text: str | None) -> PiiResult:
        if not text:
            return PiiResult([], text or "")
        spans = find_pii(text, self.types)
        return PiiResult(spans, redact(text, spans))

    def predict(self, batch: Sequence[TextInput]) -> list[PiiResult]:
        return [self.analyse(t.text) for t in batch]

    def analyse_texts(self, texts: Sequence[str | None]) -> list[PiiResult]:
        return [self.analyse(t) for t in texts]
