"""Suggest a mapping (target field → source column) from German and English column names.

Matching ignores case, accents, umlauts, spaces and punctuation (``Kunden-Nr.`` = ``kundennr``). Each suggestion
carries a score in 0–1 (1 = a known alias exactly); the user reviews and overrides it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from resonanz.core.ingest.schema import OPEN_PREFIX, SCHEMAS

_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def norm_key(text: str) -> str:
    """``"Kunden-Nr."`` → ``"kundennr"``, ``"Rücksendung & Erstattung"`` → ``"rucksendungerstattung"``."""
    s = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ẞ", "ss"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return _NON_ALNUM.sub("", s)


def slug_key(text: str) -> str:
    """A readable key for ``attributes.<key>`` / ``properties.<key>``: ``"Kunden Typ"`` → ``"kunden_typ"``."""
    s = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_") or "value"


_COMMON: dict[str, list[str]] = {
    "external_id": ["id", "external id", "externe id", "ext id", "referenz", "reference", "ref", "uuid", "key"],
    "customer_external_id": [
        "kundennummer", "kunden nr", "kundennr", "kunden id", "kundenid", "customer id", "customer",
        "customer number", "customer no", "kunde", "client id", "kunden nummer", "kd nr", "kdnr", "user id",
    ],
    "channel": ["kanal", "channel", "vertriebskanal", "kontaktkanal", "medium"],
    "touchpoint": ["touchpoint", "kontaktpunkt", "beruhrungspunkt", "touch point"],
}

ALIASES: dict[str, dict[str, list[str]]] = {
    "customers": {
        "external_id": [
            "kundennummer", "kunden nr", "kundennr", "kunden id", "kundenid", "customer id", "customer number",
            "customer no", "id", "external id", "kd nr", "kdnr", "client id", "kunden nummer",
        ],
        "name": ["name", "kundenname", "full name", "vollstandiger name", "customer name", "firma"],
        "first_name": ["vorname", "first name", "firstname", "given name"],
        "last_name": ["nachname", "last name", "lastname", "familienname", "surname", "family name"],
        "email": ["email", "e mail", "mail", "e mail adresse", "email address", "emailadresse"],
        "phone": ["telefon", "phone", "tel", "telefonnummer", "phone number", "mobil", "handy", "mobile"],
        "birth_year": ["geburtsjahr", "birth year", "year of birth", "jahrgang", "birthyear"],
        "age_band": ["altersgruppe", "age band", "age group", "alter", "age"],
        "gender": ["geschlecht", "gender", "sex", "anrede"],
        "postcode": ["plz", "postleitzahl", "postcode", "zip", "zip code", "postal code"],
        "city": ["ort", "stadt", "city", "wohnort", "town"],
        "region": ["bundesland", "region", "state", "kanton", "landkreis"],
        "country": ["land", "country", "country code", "landercode"],
        "preferred_language": ["sprache", "language", "preferred language", "bevorzugte sprache"],
        "acquisition_source": ["akquisequelle", "quelle", "source", "acquisition source", "herkunft", "utm source"],
        "consent_marketing": [
            "einwilligung marketing", "marketing consent", "newsletter", "werbeeinwilligung", "opt in",
            "consent marketing", "marketing",
        ],
        "consent_feedback_contact": [
            "einwilligung ruckmeldung", "einwilligung kontakt", "feedback contact consent", "contact consent",
            "consent feedback contact", "ruckfrage erlaubt",
        ],
        "created_at": [
            "kunde seit", "customer since", "created", "created at", "registriert", "registrierung",
            "anlagedatum", "erstellt", "datum", "date", "signup date", "registered",
        ],
    },
    "orders": {
        "external_id": ["bestellnummer", "bestell nr", "bestellnr", "order id", "order number", "order no",
                        "auftragsnummer", "auftrag", "id", "rechnungsnummer", "invoice number"],
        "customer_external_id": _COMMON["customer_external_id"],
        "ordered_at": ["bestelldatum", "datum", "date", "order date", "ordered at", "created", "zeitpunkt",
                       "kaufdatum", "purchase date"],
        "amount": ["betrag", "amount", "umsatz", "total", "summe", "gesamtbetrag", "revenue", "wert", "value",
                   "preis", "price", "bestellwert", "order value"],
        "currency": ["wahrung", "currency", "curr"],
        "items_count": ["artikel", "anzahl", "items", "menge", "quantity", "qty", "anzahl artikel", "item count"],
        "channel": _COMMON["channel"],
    },
    "events": {
        "external_id": ["ereignis id", "event id", "id", "external id"],
        "customer_external_id": _COMMON["customer_external_id"],
        "occurred_at": ["zeitpunkt", "datum", "date", "timestamp", "occurred at", "time", "zeit", "created"],
        "type": ["typ", "type", "ereignis", "event", "event type", "ereignistyp", "aktion", "action"],
        "touchpoint": _COMMON["touchpoint"],
        "stage": ["phase", "stage", "journey phase", "journey stage"],
        "value": ["wert", "value", "betrag", "amount"],
    },
    "feedback": {
        "external_id": ["id", "feedback id", "antwort id", "response id", "external id", "ticket id",
                        "ticketnummer", "review id", "referenz"],
        "source": ["quelle", "source", "herkunft", "feedback quelle"],
        "channel": _COMMON["channel"],
        "touchpoint": _COMMON["touchpoint"],
        "customer_external_id": _COMMON["customer_external_id"],
        "received_at": ["datum", "date", "created", "created at", "eingang", "eingangsdatum", "received",
                        "received at", "zeitpunkt", "timestamp", "submitted", "submitted at", "erstellt",
                        "antwortdatum", "response date"],
        "title": ["titel", "title", "betreff", "subject", "uberschrift", "headline"],
        "text": ["kommentar", "comment", "freitext", "feedback", "text", "anmerkung", "bemerkung", "message",
                 "nachricht", "review", "rezension", "comments", "begrundung", "antwort", "answer", "verbatim",
                 "feedback text", "kommentare"],
        "language": ["sprache", "language", "lang"],
        "nps": ["nps", "weiterempfehlung", "likelihood to recommend", "recommend", "empfehlung",
                "weiterempfehlungsbereitschaft", "nps score", "net promoter score", "ltr"],
        "csat": ["csat", "zufriedenheit", "satisfaction", "customer satisfaction", "kundenzufriedenheit"],
        "ces": ["ces", "aufwand", "effort", "customer effort", "customer effort score", "kundenaufwand"],
        "rating": ["bewertung", "rating", "sterne", "stars", "star rating", "note", "score"],
    },
}

_NORMALISED: dict[str, dict[str, set[str]]] = {
    kind: {target: {norm_key(a) for a in aliases} for target, aliases in targets.items()}
    for kind, targets in ALIASES.items()
}


@dataclass(frozen=True, slots=True)
class Suggestion:
    target: str
    column: str
    score: float


def _score(header_norm: str, aliases: set[str]) -> float:
    if not header_norm:
        return 0.0
    if header_norm in aliases:
        return 1.0
    best = 0.0
    for a in aliases:
        if len(a) >= 3 and (header_norm.startswith(a) or header_norm.endswith(a)):
            best = max(best, 0.85 if len(a) >= 5 else 0.75)
        elif len(a) >= 5 and a in header_norm:
            best = max(best, 0.7)
        elif len(a) >= 5 and len(header_norm) >= 5:
            r = SequenceMatcher(None, header_norm, a).ratio()
            if r >= 0.85:
                best = max(best, round(0.6 * r, 2))
    return best


def suggest_mapping(kind: str, header: list[str], *, keep_unknown: bool = True) -> list[Suggestion]:
    """Best target for each column (greedy by score, each column and target used once). With ``keep_unknown``
    columns that match nothing go to ``attributes.<key>`` / ``properties.<key>`` (score 0.2)."""
    targets = _NORMALISED[kind]
    valid = {f.name for f in SCHEMAS[kind]}
    candidates: list[tuple[float, int, str]] = []
    for i, col in enumerate(header):
        h = norm_key(col)
        for target, aliases in targets.items():
            if target not in valid:
                continue
            s = _score(h, aliases)
            if s >= 0.5:
                candidates.append((s, -i, target))
    candidates.sort(reverse=True)
    used_cols: set[int] = set()
    used_targets: set[str] = set()
    result: dict[int, Suggestion] = {}
    for s, neg_i, target in candidates:
        i = -neg_i
        if i in used_cols or target in used_targets:
            continue
        used_cols.add(i)
        used_targets.add(target)
        result[i] = Suggestion(target=target, column=header[i], score=s)
    prefix = OPEN_PREFIX[kind]
    if keep_unknown and prefix:
        used_keys: set[str] = set()
        for i, col in enumerate(header):
            if i not in result:
                key = slug_key(col)
                while key in used_keys:
                    key += "_"
                used_keys.add(key)
                result[i] = Suggestion(target=f"{prefix}.{key}", column=col, score=0.2)
    return [result[i] for i in sorted(result)]


def suggestion_to_mapping(suggestions: list[Suggestion]) -> dict[str, str]:
    return {s.target: s.column for s in suggestions}
