"""Feedback pages: the filterable list (htmx partial updates), its CSV export and the detail page.

Views stay thin: filtering, text visibility (PII) and the CSV live in ``feedback.selectors``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

from resonanz.feedback import selectors
from resonanz.feedback.models import Feedback

PAGE_SIZE = 50


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request that swaps only the results (not a history restore, which needs the full page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


@permission_required("feedback.view_feedback", raise_exception=True)
def feedback_list(request: HttpRequest) -> HttpResponse:
    """GET filters (bookmarkable) → count, 50 rows per page. htmx requests get only the results partial."""
    fs = selectors.feedback_filter(params=request.GET, request=request)
    page = Paginator(fs.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.attach_shown_text(
        page.object_list, original=selectors.can_see_original(request.user), language=get_language() or "de"
    )
    context = {"filter": fs, "page": page, "rows": rows, "params": request.GET.urlencode()}
    template = "feedback/_results.html" if wants_partial(request) else "feedback/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@permission_required("feedback.view_feedback", raise_exception=True)
def feedback_export_csv(request: HttpRequest) -> HttpResponse:
    """The filtered list as CSV (all pages), formula-injection safe, text as the user may see it."""
    fs = selectors.feedback_filter(params=request.GET, request=request)
    if not fs.is_valid():
        return render(request, "feedback/list.html", {"filter": fs, "page": None, "rows": []}, status=400)
    lines = selectors.feedback_csv_lines(fs.qs, original=selectors.can_see_original(request.user))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="feedback-{stamp}.csv"'
    return response


@permission_required("feedback.view_feedback", raise_exception=True)
def feedback_detail(request: HttpRequest, feedback_id: int) -> HttpResponse:
    try:
        feedback = selectors.feedback_get(feedback_id=feedback_id)
    except Feedback.DoesNotExist:
        raise Http404 from None
    shown = selectors.shown_text(feedback, original=selectors.can_see_original(request.user))
    properties = sorted((feedback.properties or {}).items()) if isinstance(feedback.properties, dict) else []
    return render(request, "feedback/detail.html", {"fb": feedback, "shown": shown, "properties": properties})
