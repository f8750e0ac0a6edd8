"""Background job pages: the list and a detail page that polls (htmx) while the job runs."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers

from resonanz.jobs import selectors
from resonanz.jobs.models import Job, JobStatus

POLL_SECONDS = 2


@permission_required("jobs.view_job", raise_exception=True)
def job_list(request: HttpRequest) -> HttpResponse:
    """The latest 100 jobs, filterable by kind and status (a busy API queues many small analysis jobs)."""
    kinds = selectors.job_kinds()
    kind = request.GET.get("kind", "")
    kind = kind if kind in kinds else ""
    status = request.GET.get("status", "")
    status = status if status in JobStatus.values else ""
    jobs = list(selectors.job_list(limit=100, kind=kind, status=status))
    running = any(not j.finished for j in jobs)
    htmx = getattr(request, "htmx", None)
    template = "jobs/_table.html" if htmx and not htmx.history_restore_request else "jobs/list.html"
    query = urlencode({k: v for k, v in (("kind", kind), ("status", status)) if v})
    response = render(request, template, {"jobs": jobs, "running": running, "poll": POLL_SECONDS, "kinds": kinds,
                                          "kind": kind, "status": status, "statuses": JobStatus.choices,
                                          "query": query})
    patch_vary_headers(response, ["HX-Request"])
    return response


@permission_required("jobs.view_job", raise_exception=True)
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """Full page; htmx polls return only the status card, and polling stops once the job has finished."""
    try:
        job = selectors.job_get(job_id=job_id)
    except Job.DoesNotExist:
        raise Http404 from None
    htmx = getattr(request, "htmx", None)
    template = "jobs/_status.html" if htmx and not htmx.history_restore_request else "jobs/detail.html"
    response = render(request, template, {"job": job, "poll": POLL_SECONDS})
    patch_vary_headers(response, ["HX-Request"])
    return response
