"""Import pages: list, upload, preview + mapping, progress (polled with htmx) and CSV downloads. Thin: the
work is in services and selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from resonanz.imports import selectors, services
from resonanz.imports.forms import MappingForm, UploadForm
from resonanz.imports.models import ImportBatch, ImportStatus

VIEW = "imports.view_importbatch"
ADD = "imports.add_importbatch"


@permission_required(VIEW, raise_exception=True)
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = selectors.import_batch_list()[:200]
    return render(request, "imports/list.html", {"batches": batches})


@permission_required(ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def batch_new(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            batch = services.import_batch_create(
                upload=d["file"], kind=d["kind"], user=request.user, skip_invalid=d["skip_invalid"],
                source=d.get("source") or "",
            )
        except services.ImportRefused as exc:
            form.add_error("file", str(exc))
        else:
            opts = dict(batch.options)
            opts.update({"encoding": d.get("encoding") or "", "delimiter": d.get("delimiter") or ""})
            ImportBatch.objects.filter(pk=batch.pk).update(options=opts)
            return redirect("imports:preview", pk=batch.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "imports/new.html", {"form": form}, status=status)


@permission_required(ADD, raise_exception=True)
@require_http_methods(["GET", "POST"])
def batch_preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    if (batch.options or {}).get("confirmed") or batch.status != ImportStatus.PENDING:
        return redirect("imports:detail", pk=batch.pk)
    preview = services.import_preview(batch=batch)
    form = None
    if preview.error is None:
        form = MappingForm(request.POST or None, kind=batch.kind, header=preview.header,
                           suggestions=preview.suggestions)
        if request.method == "POST" and form.is_valid():
            services.import_batch_confirm(batch=batch, mapping=form.cleaned_data["mapping"], user=request.user)
            messages.success(request, _("Der Import wurde gestartet."))
            return redirect("imports:detail", pk=batch.pk)
    return render(request, "imports/preview.html", {"batch": batch, "preview": preview, "form": form})


def _detail_context(batch: ImportBatch) -> dict[str, object]:
    running = batch.status in {ImportStatus.PENDING, ImportStatus.RUNNING} and bool(
        (batch.options or {}).get("confirmed"))
    return {
        "batch": batch,
        "running": running,
        "live": selectors.import_batch_live_progress(batch=batch) if running else None,
        "errors_file": (batch.options or {}).get("errors_file", ""),
        "error_count": (batch.options or {}).get("error_count", len(batch.errors or [])),
    }


@permission_required(VIEW, raise_exception=True)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(selectors.import_batch_list(), pk=pk)
    return render(request, "imports/detail.html", _detail_context(batch))


@permission_required(VIEW, raise_exception=True)
def batch_status(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(selectors.import_batch_list(), pk=pk)
    return render(request, "imports/_status.html", _detail_context(batch))


@permission_required(VIEW, raise_exception=True)
def batch_download(request: HttpRequest, pk: int, which: str) -> FileResponse:
    batch = get_object_or_404(ImportBatch, pk=pk)
    if which not in {"rejected", "errors"}:
        raise Http404
    path = selectors.import_batch_file_path(batch=batch, which=which)
    if path is None:
        raise Http404
    name = f"import-{batch.pk}-{which}.csv"
    return FileResponse(path.open("rb"), as_attachment=True, filename=name, content_type="text/csv")
