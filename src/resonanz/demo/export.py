"""Write the demo world as German-style CSV files (``;``-separated, German headers and dates, decimal comma),
the way a CRM, shop or survey tool would export them, so the import UI can be demoed and tested.

Files: ``customers.csv``, ``orders.csv``, ``events.csv``, ``feedback.csv``. Pure Python (no Django).
"""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from resonanz.demo.gen import DemoData, generate

CUSTOMER_HEADERS = ["Kundennummer", "Name", "E-Mail", "Telefon", "Geburtsjahr", "Altersgruppe", "Geschlecht", "PLZ", "Ort",
                    "Region", "Land", "Sprache", "Akquisequelle", "Einwilligung Marketing", "Einwilligung Marketing am",
                    "Einwilligung Rückmeldung", "Einwilligung Rückmeldung am", "Kunde seit", "Clubmitglied", "Newsletter",
                    "Lieblingskategorie"]
ORDER_HEADERS = ["Bestellnummer", "Kundennummer", "Bestelldatum", "Betrag", "Währung", "Artikel", "Kanal"]
EVENT_HEADERS = ["Ereignis-ID", "Kundennummer", "Zeitpunkt", "Ereignis", "Touchpoint", "Phase", "Wert", "Bestellnummer"]
FEEDBACK_HEADERS = ["Feedback-ID", "Kundennummer", "Datum", "Quelle", "Kanal", "Touchpoint", "Sprache", "Titel", "Kommentar",
                    "Weiterempfehlung", "Zufriedenheit", "Aufwand", "Sterne", "Bestellnummer"]


def de_date(dt: datetime | None, with_time: bool = True) -> str:
    """``31.10.2026 14:05`` (UTC) or ``31.10.2026``; empty for ``None``."""
    if dt is None:
        return ""
    return dt.strftime("%d.%m.%Y %H:%M") if with_time else dt.strftime("%d.%m.%Y")


def de_number(x: Decimal | None) -> str:
    return "" if x is None else f"{x:.2f}".replace(".", ",")


def _yn(b: bool) -> str:
    return "ja" if b else "nein"


def _opt(x: int | None) -> str:
    return "" if x is None else str(x)


def write_data_files(data: DemoData, directory: str | Path, encoding: str = "utf-8") -> dict[str, Path]:
    """Write ``data`` as the four CSV files into ``directory`` (created if missing)."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / f"{name}.csv" for name in ("customers", "orders", "events", "feedback")}

    def writer(name: str, headers: list[str]):
        fh = paths[name].open("w", encoding=encoding, newline="")
        w = csv.writer(fh, delimiter=";", quoting=csv.QUOTE_MINIMAL)
        w.writerow(headers)
        return fh, w

    fh, w = writer("customers", CUSTOMER_HEADERS)
    with fh:
        for c in data.customers:
            a = c.attributes
            w.writerow([c.external_id, c.name, c.email, c.phone, _opt(c.birth_year), c.age_band, c.gender, c.postcode, c.city,
                        c.region, c.country, c.preferred_language, c.acquisition_source, _yn(c.consent_marketing),
                        de_date(c.consent_marketing_at), _yn(c.consent_feedback_contact),
                        de_date(c.consent_feedback_contact_at), de_date(c.created_at, with_time=False),
                        _yn(a.get("loyalty_member", False)), _yn(a.get("newsletter", False)), a.get("preferred_category", "")])
    fh, w = writer("orders", ORDER_HEADERS)
    with fh:
        for o in data.orders:
            w.writerow([o.external_id, o.customer, de_date(o.ordered_at), de_number(o.amount), o.currency, o.items_count,
                        o.channel])
    fh, w = writer("events", EVENT_HEADERS)
    with fh:
        for e in data.events:
            w.writerow([e.external_id, e.customer, de_date(e.occurred_at), e.type, e.touchpoint or "", e.stage or "",
                        de_number(e.value), e.properties.get("order", "")])
    fh, w = writer("feedback", FEEDBACK_HEADERS)
    with fh:
        for f in data.feedback:
            w.writerow([f.external_id, f.customer or "", de_date(f.received_at), f.source, f.channel or "", f.touchpoint or "",
                        f.language, f.title, f.text, _opt(f.nps), _opt(f.csat), _opt(f.ces), _opt(f.rating),
                        f.properties.get("order", "")])
    return paths


def write_demo_files(dir: str | Path, seed: int = 42, customers: int = 5000, encoding: str = "utf-8") -> dict[str, Path]:  # noqa: A002
    """Generate the demo world for ``seed``/``customers`` and write it as CSV files into ``dir``.

    The files hold the same data :func:`resonanz.demo.loader.demo_load` writes (values, not database ids).
    Hostile texts (``=HYPERLINK(...)``, ``<script>``) are written verbatim on purpose: the importer and any
    later export must neutralise them. Returns ``{"customers": path, ...}``.
    """
    return write_data_files(generate(seed=seed, customers=customers), dir, encoding=encoding)
