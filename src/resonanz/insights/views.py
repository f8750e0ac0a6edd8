"""Insights pages: overview (/), topic pages, customers & value, exports (CSV/XLSX/PDF) and plotly.js.

Views are thin: permission → global filter (session) → selectors → template. With htmx (filter bar) the same
template is rendered and htmx swaps ``#insights-body`` (hx-select), so pages work without JavaScript too.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from resonanz.analysis.models import Topic
from resonanz.core.insights.queries import distinct_values
from resonanz.feedback.selectors import can_see_original
from resonanz.insights import charts, exports, selectors, topic_selectors, value
from resonanz.insights.filters import PERIODS, GlobalFilter
from resonanz.journeys.models import Channel

VIEW_FEEDBACK = "feedback.view_feedback"
VIEW_CUSTOMERS = ("customers.view_customer", "customers.view_order")


def _filter_bar(gf: GlobalFilter, wh: Any) -> dict[str, Any]:
    lang = get_language() or "de"
    return {
        "gf": gf, "form": gf.as_form(), "periods": list(PERIODS.items()),
        "channels": [(c.code, c.label(lang)) for c in Channel.objects.order_by("name_de")],
        "regions": distinct_values(wh, "region"), "languages": distinct_values(wh, "language"),
    }


@permission_required(VIEW_FEEDBACK, raise_exception=True)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    gf = GlobalFilter.from_request(request)
    wh = selectors.get_warehouse()
    o = selectors.overview(gf, wh=wh)
    nps_tile = next((t for t in o.tiles if t.key == "nps"), None)
    figs = {}
    if not o.empty:
        figs = {
            "fig-nps-trend": charts.nps_trend(o.trend),
            "fig-channels": charts.hbar(o.channels, title="Feedback"),
            "fig-impact": charts.impact_bars(o.topics_negative + o.topics_positive),
            "fig-drivers": charts.driver_matrix(o.drivers, nps_tile.value if nps_tile else None),
        }
    return render(request, "insights/overview.html", {"o": o, "figs": figs, **_filter_bar(gf, wh)})


@permission_required(VIEW_FEEDBACK, raise_exception=True)
@require_GET
def topic(request: HttpRequest, key: str) -> HttpResponse:
    t = Topic.objects.filter(key=key).first()
    if t is None:
        raise Http404("unknown topic")
    gf = GlobalFilter.from_request(request)
    wh = selectors.get_warehouse()
    page = topic_selectors.topic_page(t, gf, wh=wh, original=can_see_original(request.user))
    figs = {}
    if not page["empty"]:
        figs = {
            "fig-topic-trend": charts.monthly_lines(page["trend"], [
                ("volume", str(t.label(get_language() or "de")), charts.BLUE),
                ("negative_share", str(_("% negative Erwähnungen")), charts.RED)], y2="negative_share"),
            "fig-topic-touchpoints": charts.hbar(page["touchpoints"][:12], title="Feedback"),
            "fig-topic-regions": charts.hbar(page["regions"][:12], title="Feedback"),
        }
    return render(request, "insights/topic.html", {"t": t, "p": page, "figs": figs, **_filter_bar(gf, wh)})


@permission_required(VIEW_CUSTOMERS, raise_exception=True)
@require_GET
def customers(request: HttpRequest) -> HttpResponse:
    gf = GlobalFilter.from_request(request)
    wh = selectors.get_warehouse()
    segment = request.GET.get("segment", "value_tier")
    v = value.customers_value(segment=segment)
    figs = {}
    if not v["empty"]:
        v["retention_rows"], cols, z, names = value.retention_rows(v["retention"])
        figs = {"fig-clv-hist": charts.histogram(v["clv_values"], title="CLV (€)")}
        if z:
            figs["fig-retention"] = charts.heatmap(z, names, cols)
    return render(request, "insights/customers.html", {
        "v": v, "figs": figs, "segments": exports.SEGMENT_LABELS, **_filter_bar(gf, wh)})


@permission_required(VIEW_FEEDBACK, raise_exception=True)
@require_GET
def export(request: HttpRequest, table: str, fmt: str) -> HttpResponse:
    spec = exports.TABLES.get(table)
    if spec is None or fmt not in ("csv", "xlsx"):
        raise Http404("unknown export")
    if spec.get("perm") and not request.user.has_perms(spec["perm"]):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    gf = GlobalFilter.from_request(request)
    headers, rows = spec["rows"](request, gf)
    return exports.respond(table, fmt, headers, rows)


@permission_required(VIEW_FEEDBACK, raise_exception=True)
@require_GET
def report_pdf(request: HttpRequest) -> HttpResponse:
    gf = GlobalFilter.from_request(request)
    o = selectors.overview(gf)
    return exports.overview_pdf(o, gf)


@lru_cache(maxsize=1)
def _plotly_js() -> bytes:
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()


@permission_required(VIEW_FEEDBACK, raise_exception=True)
@require_GET
def plotly_js(request: HttpRequest) -> HttpResponse:
    """plotly.min.js from the installed plotly package (offline, no CDN), cached by the browser for a day."""
    response = HttpResponse(_plotly_js(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "private, max-age=86400"
    return response
