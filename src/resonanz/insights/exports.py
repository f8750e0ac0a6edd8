"""Exports of every insights table to CSV and XLSX, and the overview as a PDF report (reportlab, no system deps).

Spreadsheet safety (OWASP CSV injection): text cells starting with = + - @ TAB or CR get a leading ``'``, in
CSV and XLSX alike (openpyxl would otherwise store ``=…`` as a formula). Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from resonanz.insights.filters import GlobalFilter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SEGMENT_LABELS = [
    ("value_tier", gettext_lazy("Wertstufe")), ("region", gettext_lazy("Region")), ("country", gettext_lazy("Land")),
    ("acquisition_source", gettext_lazy("Akquisequelle")), ("age_band", gettext_lazy("Altersgruppe")),
]


def safe_cell(value: Any) -> Any:
    """Numbers and dates unchanged, None → "", text defused against formula injection."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return value if value == value else ""  # NaN → ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def respond(name: str, fmt: str, headers: list[str], rows: list[list[Any]]) -> HttpResponse:
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=";")
        writer.writerow([safe_cell(h) for h in headers])
        writer.writerows([[safe_cell(c) for c in row] for row in rows])
        response = HttpResponse("\ufeff" + buf.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet(name[:31])
        ws.append([safe_cell(h) for h in headers])
        for row in rows:
            ws.append([safe_cell(c) for c in row])
        out = io.BytesIO()
        wb.save(out)
        response = HttpResponse(
            out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="resonanz-{name}-{stamp}.{fmt}"'
    return response


def _r(v: Any, digits: int = 1) -> Any:
    return None if v is None else round(float(v), digits)


# ---- table builders (the same selectors as the pages) ---------------------------------------------------------
def _overview(gf: GlobalFilter) -> Any:
    from resonanz.insights import selectors

    return selectors.overview(gf)


def kpi_rows(request: HttpRequest, gf: GlobalFilter) -> tuple[list[str], list[list[Any]]]:
    o = _overview(gf)
    head = ["kpi", "value", "low", "high", "n", "previous", "difference", "p_value", "significant", "low_sample"]
    rows = []
    for t in o.tiles:
        c = t.comparison
        rows.append([t.key, _r(t.value), _r(t.low), _r(t.high), t.n, _r(c.value_a) if c else None,
                     _r(t.delta), _r(c.p_value, 4) if c and c.p_value is not None else None,
                     bool(c and c.significant), t.low_sample])
    return head, rows


def trend_rows(request: HttpRequest, gf: GlobalFilter) -> tuple[list[str], list[list[Any]]]:
    o = _overview(gf)
    return (["bucket", "nps", "low", "high", "n", "low_sample"],
            [[r["bucket"], _r(r["nps"]), _r(r["low"]), _r(r["high"]), r["n"], r["low_sample"]] for r in o.trend])


def channel_rows(request: HttpRequest, gf: GlobalFilter) -> tuple[list[str], list[list[Any]]]:
    o = _overview(gf)
    return (["channel", "name", "volume", "nps", "nps_n", "negative_share"],
            [[r["code"], str(r["label"]), r["volume"], _r(r["nps"]), r["nps_n"], _r(r["negative_share"])]
             for r in o.channels])


def topic_rows(request: HttpRequest, gf: GlobalFilter) -> tuple[list[str], list[list[Any]]]:
    o = _overview(gf)
    head = ["topic", "name", "nps_responses", "share_pct", "nps_with", "impact", "importance_pct", "quadrant",
            "mentions", "aspect_negative", "aspect_positive"]
    return head, [[r["key"], r["label"], r["volume"], _r(r["share"]), _r(r["nps_with"]), _r(r["impact"], 2),
                   _r(r["importance"]), r["quadrant"], r["mentions"], r["aspect_negative"], r["aspect_positive"]]
                  for r in o.drivers]


def alert_rows(request: HttpRequest, gf: GlobalFilter) -> tuple[list[str], list[list[Any]]]:
    o = _overview(gf)
    head = ["dimension", "key", "metric", "month", "observed", "expected", "z", "p_value", "direction", "severity"]
    return head, [["×".join(r["dims"]), r["label"], r["metric"], r["alert"].bucket, _r(r["observed"]),
                   _r(r["expected"]), _r(r["alert"].z, 2), r["alert"].p_value, r["alert"].direction,
                   r["alert"].severity] for r in o.alerts]


def clv_rows(request: HttpRequest, gf: GlobalFilter) -> tuple[list[str], list[list[Any]]]:
    from resonanz.insights import value

    v = value.customers_value(segment=request.GET.get("segment", "value_tier"))
    head = ["segment", "customers", "buyers", "clv_mean", "clv_median", "clv_total", "model_clv_mean",
            "orders_per_customer"]
    return head, [[r["seg"], r["customers"], r["buyers"], _r(r["clv_mean"], 2), _r(r["clv_median"], 2),
                   _r(r["clv_total"], 2), _r(r["model_clv_mean"], 2), _r(r["orders_per_customer"], 2)]
                  for r in v.get("by_segment", [])]


def risk_rows(request: HttpRequest, gf: GlobalFilter) -> tuple[list[str], list[list[Any]]]:
    from resonanz.insights import value

    v = value.customers_value(risk_limit=500)
    head = ["customer", "name", "risk", "clv", "factor_1", "factor_2", "factor_3"]
    rows = []
    for r in v.get("risk", []):
        f = [f"{x['feature']}={x['value']}" for x in r["factors"]] + ["", "", ""]
        rows.append([r["customer"].external_id, r["customer"].name, _r(r["risk"], 3), _r(r["clv"], 2), *f[:3]])
    return head, rows


def retention_table(request: HttpRequest, gf: GlobalFilter) -> tuple[list[str], list[list[Any]]]:
    from resonanz.insights import value

    v = value.customers_value()
    rows, cols, _z, _n = value.retention_rows(v.get("retention"))
    return ["cohort", "customers", *[f"m{c}" for c in cols]], [[r["cohort"], r["customers"], *r["cells"]] for r in rows]


CUSTOMER_PERMS = ("customers.view_customer", "customers.view_order")
TABLES: dict[str, dict[str, Any]] = {
    "kpis": {"rows": kpi_rows}, "nps-trend": {"rows": trend_rows}, "channels": {"rows": channel_rows},
    "topics": {"rows": topic_rows}, "alerts": {"rows": alert_rows},
    "clv-segments": {"rows": clv_rows, "perm": CUSTOMER_PERMS},
    "churn-risk": {"rows": risk_rows, "perm": CUSTOMER_PERMS},
    "retention": {"rows": retention_table, "perm": CUSTOMER_PERMS},
}
RowFn = Callable[[HttpRequest, GlobalFilter], tuple[list[str], list[list[Any]]]]


def _fmt(v: Any, digits: int = 0, unit: str = "") -> str:
    return "–" if v is None else f"{float(v):.{digits}f}{(' ' + unit) if unit else ''}"


def overview_pdf(o: Any, gf: GlobalFilter) -> HttpResponse:
    """A one-document PDF of the overview for the filtered period: KPIs, NPS trend, channels, topics, alerts."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=1.6 * cm, rightMargin=1.6 * cm, title="Resonanz")
    period = f"{gf.start.isoformat() if gf.start else '…'} – {gf.last_day.isoformat() if gf.last_day else '…'}"
    story: list[Any] = [Paragraph(escape(_("Resonanz – Übersicht")), styles["Title"]),
                        Paragraph(escape(f"{_('Zeitraum')}: {period}"), styles["Normal"]), Spacer(1, 8)]

    def table(head: list[str], rows: list[list[Any]]) -> Table:
        data = [[escape(str(h)) for h in head]] + [[Paragraph(escape(str(c)), styles["BodyText"]) for c in r] for r in rows]
        t = Table(data, repeatRows=1)
        t.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eefc")),
                               ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c9cfd8")),
                               ("FONTSIZE", (0, 0), (-1, -1), 8), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t

    def section(title: str, head: list[str], rows: list[list[Any]]) -> None:
        story.append(Paragraph(escape(title), styles["Heading2"]))
        story.append(table(head, rows) if rows else Paragraph(escape(_("Keine Daten im Zeitraum.")), styles["Normal"]))
        story.append(Spacer(1, 6))

    if o.empty:
        story.append(Paragraph(escape(_("Noch keine Daten.")), styles["Normal"]))
    else:
        section(_("Kennzahlen"), [_("Kennzahl"), _("Wert"), "95 %", "n", _("Vorperiode"), _("Änderung")], [
            [str(t.label), _fmt(t.value, t.digits, t.unit), f"{_fmt(t.low, t.digits)}–{_fmt(t.high, t.digits)}"
             if t.low is not None else "–", t.n, _fmt(t.comparison.value_a if t.comparison else None, t.digits),
             _fmt(t.delta, 1) + (" *" if t.comparison and t.comparison.significant else "")
             + (" (" + _("kleine Stichprobe") + ")" if t.low_sample else "")] for t in o.tiles])
        section(_("NPS-Verlauf"), [_("Zeitraum"), "NPS", "95 %", "n"],
                [[r["bucket"].isoformat(), _fmt(r["nps"]), f"{_fmt(r['low'])}–{_fmt(r['high'])}", r["n"]]
                 for r in o.trend])
        section(_("Feedback nach Kanal"), [_("Kanal"), _("Menge"), "NPS"],
                [[str(r["label"]), r["volume"], _fmt(r["nps"])] for r in o.channels])
        section(_("Themen nach NPS-Einfluss"), [_("Thema"), _("Einfluss"), _("Wichtigkeit"), "NPS", _("Antworten")],
                [[r["label"], _fmt(r["impact"], 1), _fmt(r["importance"], 1, "%"), _fmt(r["nps_with"]), r["volume"]]
                 for r in (o.topics_negative + o.topics_positive)])
        section(_("Aktuelle Auffälligkeiten"), [_("Wo"), _("Kennzahl"), _("Monat"), _("beobachtet"), _("erwartet")],
                [[r["label"], r["metric"], r["alert"].bucket.isoformat(), _fmt(r["observed"], 1),
                  _fmt(r["expected"], 1)] for r in o.alerts])
        story.append(Paragraph(escape(_("* signifikant (p < 0,05).")), styles["Italic"]))
    doc.build(story)
    response = HttpResponse(buf.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="resonanz-overview-{timezone.localdate().isoformat()}.pdf"'
    return response
