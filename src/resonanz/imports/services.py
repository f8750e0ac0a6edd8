"""Writes for imports: store an upload, preview it, run an import (streaming, atomic, idempotent).

The flow: ``import_batch_create`` (store the file, detect format) → ``import_preview`` (first rows and the
suggested mapping) → ``import_batch_confirm`` (save the mapping, enqueue the task on commit) → the task calls
``import_batch_run`` → ``import_file`` does the work. The CLI calls ``import_file`` directly.

``import_file`` streams the file row by row (no whole-file read), validates each row, and writes chunks of
``chunk_size`` rows inside one transaction. Atomic mode (the default) rolls everything back if any row is
invalid; with ``skip_invalid`` the valid rows are kept and the rejected ones go to a downloadable CSV.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from resonanz.core.errors import IngestError
from resonanz.core.ingest import (
    SafeCsvWriter,
    compile_validator,
    lookup_table,
    open_table,
    suggest_mapping,
    suggestion_to_mapping,
)
from resonanz.core.ingest.errors import E_HEADER_ONLY, E_UNKNOWN_SOURCE, RowError
from resonanz.core.ingest.mapping import Suggestion
from resonanz.feedback.models import Feedback, FeedbackSource
from resonanz.imports import parallel as _parallel
from resonanz.imports.models import ImportBatch, ImportKind, ImportStatus
from resonanz.imports.writers import WRITERS, Row
from resonanz.jobs import services as job_services
from resonanz.journeys.models import Channel, JourneyStage, Touchpoint

MAX_STORED_ERRORS = 1000
PREVIEW_ROWS = 10
DEFAULT_CHUNK = 5000
PARALLEL_MIN_BYTES = 4 * 1024 * 1024


class ImportRefused(Exception):
    """An upload that cannot be accepted at all (too large, unknown kind); the message is for the user."""


@dataclass
class ImportProgress:
    rows_read: int
    bytes_read: int
    bytes_total: int
    rows_valid: int
    rows_rejected: int


@dataclass
class ImportResult:
    """What an import did. ``status`` is ``done`` or ``failed``; ``errors`` holds the first 1,000 errors
    (dicts with row, column, field, value, reason, code); ``error_count`` all of them."""

    kind: str
    status: str
    batch_id: int | None = None
    rows_total: int = 0
    rows_created: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0
    file_format: str = ""
    encoding: str = ""
    delimiter: str = ""
    mapping: dict[str, str] = field(default_factory=dict)
    rejected_file: str = ""  # relative to MEDIA_ROOT
    errors_file: str = ""
    dry_run: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == ImportStatus.DONE

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class ImportPreview:
    file_format: str
    encoding: str
    delimiter: str
    header: list[str]
    rows: list[list[str]]
    suggestions: list[Suggestion]
    error: dict[str, Any] | None = None

    @property
    def mapping(self) -> dict[str, str]:
        return suggestion_to_mapping(self.suggestions)


# ---------------------------------------------------------------------------------------------------- helpers


def imports_root() -> Path:
    root = Path(settings.MEDIA_ROOT) / "imports"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _work_dir(batch: ImportBatch | None) -> Path:
    if batch is not None and batch.stored_file:
        return (Path(settings.MEDIA_ROOT) / batch.stored_file).parent
    d = imports_root() / uuid.uuid4().hex
    d.mkdir(parents=True, exist_ok=True)
    return d


def _rel(path: Path) -> str:
    return str(path.relative_to(Path(settings.MEDIA_ROOT)))


def _file_sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _errors_of(exc: IngestError) -> list[RowError]:
    errs = exc.context.get("errors")
    if errs:
        return list(errs)  # type: ignore[arg-type]
    err = exc.context.get("error")
    if isinstance(err, RowError):
        return [err]
    return [RowError(None, None, "", exc.message, exc.code)]


def _lookups(kind: str, default_source: str | None) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    lookups: dict[str, dict[str, Any]] = {}
    context: dict[str, Any] = {}
    if kind in {"orders", "feedback"}:
        lookups["channel"] = lookup_table(list(Channel.objects.values_list("pk", "code", "name_de", "name_en")))
    if kind in {"events", "feedback"}:
        tps = list(Touchpoint.objects.values_list("pk", "code", "name_de", "name_en", "stage_id"))
        lookups["touchpoint"] = lookup_table([t[:4] for t in tps])
        context["touchpoint_stage"] = {t[0]: t[4] for t in tps}
    if kind == "events":
        lookups["stage"] = lookup_table(list(JourneyStage.objects.values_list("pk", "code", "name_de", "name_en")))
    if kind == "feedback":
        sources = list(FeedbackSource.objects.values_list("pk", "code", "name"))
        lookups["source"] = lookup_table(sources)
        context["source_codes"] = {pk: code for pk, code, _ in sources}
        code = default_source or "manual"
        pk = next((p for p, c, _ in sources if c == code), None)
        if pk is None:
            raise IngestError(
                f"unknown feedback source {code!r}; known sources: {', '.join(c for _, c, _ in sources)}",
                code=E_UNKNOWN_SOURCE,
                error=RowError(None, None, code, f"unknown feedback source {code!r}", E_UNKNOWN_SOURCE, "source"),
            )
        context["default_source"] = pk
    return lookups, context


class _Rejects:
    """Collects rejected rows: the first errors in memory, all of them in two CSV files (written lazily)."""

    def __init__(self, work_dir: Path, header: list[str]) -> None:
        self.dir = work_dir
        self.header = header
        self.errors: list[dict[str, Any]] = []
        self.error_count = 0
        self.rows = 0
        self.rows_writer: SafeCsvWriter | None = None
        self.errors_writer: SafeCsvWriter | None = None

    def add(self, row_no: int | None, values: list[str] | None, errors: list[RowError]) -> None:
        if self.errors_writer is None:
            self.errors_writer = SafeCsvWriter(self.dir / "errors.csv",
                                               ["row", "column", "field", "value", "code", "reason"])
        for e in errors:
            self.error_count += 1
            if len(self.errors) < MAX_STORED_ERRORS:
                self.errors.append(e.as_dict())
            self.errors_writer.write([e.row, e.column, e.field, e.value, e.code, e.reason])
        if values is not None:
            if self.rows_writer is None:
                self.rows_writer = SafeCsvWriter(self.dir / "rejected.csv", ["row", *self.header, "error"])
            self.rows += 1
            padded = values[: len(self.header)] + [""] * (len(self.header) - len(values))
            self.rows_writer.write([row_no, *padded, "; ".join(
                f"{e.column or '-'}: {e.reason} [{e.code}]" for e in errors)])

    def close(self) -> tuple[str, str]:
        paths = []
        for w in (self.rows_writer, self.errors_writer):
            if w is not None:
                w.close()
                paths.append(_rel(Path(w.path)))
            else:
                paths.append("")
        return paths[0], paths[1]


class _Rollback(Exception):
    pass


# ----------------------------------------------------------------------------------------------- the import


def import_file(
    *,
    path: str | os.PathLike[str],
    kind: str,
    mapping: dict[str, str] | None = None,
    skip_invalid: bool = False,
    source: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    file_format: str | None = None,
    dry_run: bool = False,
    batch: ImportBatch | None = None,
    user: Any = None,
    file_name: str | None = None,
    progress: Callable[[ImportProgress], None] | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    parallel: bool | None = None,
) -> ImportResult:
    """Import one file of ``kind`` (customers, orders, events, feedback). ``mapping`` is target → column
    (default: the suggested mapping). Streams the file, validates every row, writes chunks in one transaction;
    atomic unless ``skip_invalid``; ``dry_run`` validates and counts, then rolls back. Records the outcome on
    ``batch`` (created unless given, except in a dry run) and returns an :class:`ImportResult`.

    ``parallel`` (default: automatic for feedback files ≥ 4 MB) parses and validates in a forked child process
    while this process writes; results are identical to the serial path."""
    started = time.perf_counter()
    path = Path(path)
    if kind not in ImportKind.values:
        raise ImportRefused(f"unknown import kind {kind!r}; use one of {', '.join(ImportKind.values)}")
    if batch is None and not dry_run:
        batch = ImportBatch.objects.create(
            kind=kind, file_name=file_name or path.name, skip_invalid=skip_invalid,
            created_by=user if getattr(user, "pk", None) else None,
            options={"source": source or "", "delimiter": delimiter or "", "encoding": encoding or ""},
        )
    if batch is not None:
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.RUNNING)
    work_dir = _work_dir(batch)
    sha: dict[str, str] = {}  # the parallel reader hashes the file while the parent writes
    try:
        result = _import(path=path, kind=kind, mapping=mapping, skip_invalid=skip_invalid, source=source,
                         delimiter=delimiter, encoding=encoding, file_format=file_format, dry_run=dry_run,
                         batch=batch, progress=progress, chunk_size=chunk_size, parallel=parallel, work_dir=work_dir,
                         sha=lambda: sha.get("sha256") or (_file_sha256(path) if path.exists() else ""),
                         sha_box=sha, started=started)
    except Exception as exc:
        if batch is not None:  # never leave a batch "running" after a crash
            ImportBatch.objects.filter(pk=batch.pk).update(
                status=ImportStatus.FAILED, finished_at=timezone.now(),
                errors=[{"row": None, "column": None, "field": None, "value": "", "code": "E100",
                         "reason": f"internal error: {exc}"[:1000]}],
            )
        raise
    if kind == ImportKind.FEEDBACK and not dry_run and result.rows_created and batch is not None:
        _enqueue_analysis(batch=batch, user=user)
    return result


def _enqueue_analysis(*, batch: ImportBatch, user: Any) -> None:
    """New feedback goes to the text analysis (language, PII redaction, sentiment, topics …) in the background."""
    from resonanz.analysis.services import analysis_enqueue

    ids = list(Feedback.objects.filter(import_batch=batch, analysis__isnull=True).values_list("id", flat=True))
    analysis_enqueue(feedback_ids=ids, user=user, label=f"Textanalyse: {batch.file_name}")


def _import(*, path: Path, kind: str, mapping: dict[str, str] | None, skip_invalid: bool, source: str | None,
            delimiter: str | None, encoding: str | None, file_format: str | None, dry_run: bool,
            batch: ImportBatch | None, progress: Callable[[ImportProgress], None] | None, chunk_size: int,
            parallel: bool | None, work_dir: Path, sha: Callable[[], str], sha_box: dict[str, str],
            started: float) -> ImportResult:
    result = ImportResult(kind=kind, status=ImportStatus.FAILED, batch_id=batch.pk if batch else None,
                          dry_run=dry_run)
    rejects: _Rejects | None = None
    try:
        reader = open_table(path, fmt=file_format, encoding=encoding, delimiter=delimiter,
                            max_bytes=settings.RESONANZ_MAX_UPLOAD_BYTES)
    except IngestError as exc:
        rejects = _Rejects(work_dir, [])
        rejects.add(None, None, _errors_of(exc))
        return _finish(result, batch, rejects, started, sha)
    with reader:
        info = reader.info
        result.file_format, result.encoding, result.delimiter = info.format, info.encoding, info.delimiter
        header = reader.header
        rejects = _Rejects(work_dir, header)
        mapping = dict(mapping) if mapping else suggestion_to_mapping(suggest_mapping(kind, header))
        result.mapping = mapping
        try:
            lookups, context = _lookups(kind, source)
            validator = compile_validator(kind, header, mapping, lookups=lookups, time_zone=settings.TIME_ZONE)
        except IngestError as exc:
            rejects.add(None, None, _errors_of(exc))
            return _finish(result, batch, rejects, started, sha)
        writer = WRITERS[kind](batch_id=batch.pk if batch else None, mapping=mapping, context=context)
        job_id = batch.job_id if batch else None
        total = valid = 0
        if parallel is None:
            parallel = kind == "feedback" and info.size >= PARALLEL_MIN_BYTES
        use_parallel = bool(parallel) and kind == "feedback" and info.format != "xlsx" and _parallel.available()
        try:
            with transaction.atomic():
                chunk: list[Row] = []

                def flush() -> None:
                    wr = writer.write(chunk)
                    result.rows_created += wr.created
                    result.rows_updated += wr.updated
                    result.rows_unchanged += wr.unchanged
                    for row_no, values, errs in wr.rejected:
                        rejects.add(row_no, values, errs)
                    chunk.clear()
                    _report(progress, job_id, total, reader.bytes_read, info.size, valid, rejects.rows, result)

                if use_parallel:
                    chunks = _parallel.produce_chunks(
                        reader_args={"path": path, "fmt": info.format, "encoding": info.encoding or None,
                                     "delimiter": info.delimiter or None, "max_bytes": None},
                        kind=kind, mapping=mapping, lookups=lookups, time_zone=settings.TIME_ZONE,
                        prepare=writer.prepare, chunk_size=chunk_size,  # type: ignore[attr-defined]
                        need_values="customer_external_id" in mapping, out=sha_box,
                    )
                    for items, rejected, total, bytes_read in chunks:
                        for row_no, values, errs in rejected:
                            rejects.add(row_no, values, errs)
                        valid += len(items)
                        wr = writer.write_prepared(items)  # type: ignore[attr-defined]
                        result.rows_created += wr.created
                        result.rows_unchanged += wr.unchanged
                        for row_no, values, errs in wr.rejected:
                            rejects.add(row_no, values, errs)
                        _report(progress, job_id, total, bytes_read, info.size, valid, rejects.rows, result)
                else:
                    for row_no, values in reader.rows():
                        total += 1
                        rec, errs = validator(row_no, values)
                        if errs:
                            rejects.add(row_no, values, errs)
                            continue
                        valid += 1
                        chunk.append((row_no, values, rec))  # type: ignore[arg-type]
                        if len(chunk) >= chunk_size:
                            flush()
                    flush()
                result.rows_total = total
                if total == 0:
                    rejects.add(None, None, [RowError(1, None, "", "the file has a header line but no data rows",
                                                      E_HEADER_ONLY)])
                    raise _Rollback
                if dry_run or (rejects.rows and not skip_invalid):
                    raise _Rollback
        except _Rollback:
            pass
        except IngestError as exc:  # a file-level problem discovered mid-stream (encoding, broken CSV)
            result.rows_total = total
            rejects.add(None, None, _errors_of(exc))
            result.rows_created = result.rows_updated = result.rows_unchanged = 0
            return _finish(result, batch, rejects, started, sha)
        result.rows_rejected = rejects.rows
        blocked = bool(rejects.rows) and not skip_invalid
        if total > 0 and not blocked:
            result.status = ImportStatus.DONE
        if blocked or total == 0:
            result.rows_created = result.rows_updated = result.rows_unchanged = 0
        return _finish(result, batch, rejects, started, sha)


def _report(progress: Callable[[ImportProgress], None] | None, job_id: int | None, rows: int, bytes_read: int,
            size: int, valid: int, rejected: int, result: ImportResult) -> None:
    if progress is not None:
        progress(ImportProgress(rows, bytes_read, size, valid, rejected))
    if job_id:
        job_services.job_progress(job_id=job_id, done=bytes_read, total=size, counts={
            "rows": rows, "created": result.rows_created, "updated": result.rows_updated, "rejected": rejected})


def _finish(result: ImportResult, batch: ImportBatch | None, rejects: _Rejects, started: float,
            sha: Callable[[], str]) -> ImportResult:
    result.errors = rejects.errors
    result.error_count = rejects.error_count
    result.rejected_file, result.errors_file = rejects.close()
    result.rows_rejected = rejects.rows
    result.seconds = round(time.perf_counter() - started, 3)
    if batch is not None:
        options = dict(batch.options or {})
        options.update({"errors_file": result.errors_file, "error_count": result.error_count,
                        "seconds": result.seconds})
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=result.status, finished_at=timezone.now(), rows_total=result.rows_total,
            rows_created=result.rows_created, rows_updated=result.rows_updated,
            rows_unchanged=result.rows_unchanged, rows_rejected=result.rows_rejected, errors=result.errors,
            rejected_file=result.rejected_file, file_format=result.file_format, encoding=result.encoding,
            delimiter=result.delimiter, mapping=result.mapping, options=options,
            file_sha256=sha(),
        )
        batch.refresh_from_db()
    return result


# ------------------------------------------------------------------------------------- uploads and the task


def import_batch_create(
    *, upload: Any, kind: str, user: Any = None, skip_invalid: bool = False, source: str = "",
    mapping: dict[str, str] | None = None, file_name: str | None = None,
) -> ImportBatch:
    """Store an uploaded file (a Django ``UploadedFile`` or a path) under ``MEDIA_ROOT/imports/<uuid>/`` and
    create a pending batch. Raises :class:`ImportRefused` for files over ``RESONANZ_MAX_UPLOAD_BYTES``."""
    if kind not in ImportKind.values:
        raise ImportRefused(f"Unbekannte Importart {kind!r}.")
    limit = settings.RESONANZ_MAX_UPLOAD_BYTES
    size = upload.size if hasattr(upload, "size") else Path(upload).stat().st_size
    name = file_name or Path(getattr(upload, "name", str(upload))).name
    if size > limit:
        raise ImportRefused(
            f"Die Datei „{name}“ ist {size / 1e6:.1f} MB groß; erlaubt sind höchstens {limit / 1e6:.1f} MB."
        )
    d = imports_root() / uuid.uuid4().hex
    d.mkdir(parents=True)
    suffix = "".join(Path(name).suffixes[-1:]).lower()[:10] or ".dat"
    target = d / f"upload{suffix}"
    if hasattr(upload, "chunks"):
        with target.open("wb") as fh:
            for part in upload.chunks():
                fh.write(part)
    else:
        shutil.copyfile(upload, target)
    return ImportBatch.objects.create(
        kind=kind, file_name=name[:255], stored_file=_rel(target), skip_invalid=skip_invalid,
        created_by=user if getattr(user, "pk", None) else None, mapping=mapping or {},
        options={"source": source or ""},
    )


def import_preview(*, batch: ImportBatch) -> ImportPreview:
    """Detected format/encoding/delimiter, the first rows and the suggested mapping of a stored upload."""
    path = Path(settings.MEDIA_ROOT) / batch.stored_file
    opts = batch.options or {}
    try:
        reader = open_table(path, encoding=opts.get("encoding") or None, delimiter=opts.get("delimiter") or None,
                            max_bytes=settings.RESONANZ_MAX_UPLOAD_BYTES)
    except IngestError as exc:
        return ImportPreview("", "", "", [], [], [], error=_errors_of(exc)[0].as_dict())
    rows: list[list[str]] = []
    with reader:
        try:
            for _, values in reader.rows():
                rows.append(values[: len(reader.header)] + [""] * (len(reader.header) - len(values)))
                if len(rows) >= PREVIEW_ROWS:
                    break
        except IngestError as exc:
            return ImportPreview(reader.info.format, reader.info.encoding, reader.info.delimiter, reader.header,
                                 rows, [], error=_errors_of(exc)[0].as_dict())
        return ImportPreview(reader.info.format, reader.info.encoding, reader.info.delimiter, reader.header, rows,
                             suggest_mapping(batch.kind, reader.header))


def import_batch_confirm(*, batch: ImportBatch, mapping: dict[str, str], user: Any = None) -> ImportBatch:
    """Save the chosen mapping, register a job and enqueue the import task when the transaction commits."""
    from resonanz.imports.tasks import import_batch_task

    job = job_services.job_create(kind="import", label=f"Import {batch.file_name}", user=user,
                                  params={"batch_id": batch.pk})
    batch.mapping = mapping
    batch.job = job
    batch.status = ImportStatus.PENDING
    batch.options = {**(batch.options or {}), "confirmed": True}
    batch.save(update_fields=["mapping", "job", "status", "options"])
    batch_id = batch.pk
    transaction.on_commit(lambda: import_batch_task.enqueue(batch_id))
    return batch


def _progress_file(batch: ImportBatch) -> Path:
    return (Path(settings.MEDIA_ROOT) / batch.stored_file).parent / "progress.json"


def import_batch_run(*, batch_id: int) -> ImportResult | None:
    """Run a confirmed batch (called by the task). Idempotent: a batch that already finished is left alone.

    Live progress also goes to ``progress.json`` beside the upload, because the job row is written inside the
    import transaction (invisible to other connections until commit, and SQLite allows one writer only)."""
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status in {ImportStatus.DONE, ImportStatus.FAILED}:
        return None
    job_id = batch.job_id
    if job_id:
        job_services.job_start(job_id=job_id)
    pfile = _progress_file(batch)

    def on_progress(p: ImportProgress) -> None:
        tmp = pfile.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(p)))
        tmp.replace(pfile)

    opts = batch.options or {}
    try:
        result = import_file(
            path=Path(settings.MEDIA_ROOT) / batch.stored_file, kind=batch.kind, mapping=batch.mapping or None,
            skip_invalid=batch.skip_invalid, source=opts.get("source") or None,
            delimiter=opts.get("delimiter") or None, encoding=opts.get("encoding") or None, batch=batch,
            progress=on_progress,
        )
    except Exception as exc:
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportStatus.FAILED, finished_at=timezone.now(),
            errors=[{"row": None, "column": None, "field": None, "value": "", "code": "E100",
                     "reason": f"internal error: {exc}"}],
        )
        if job_id:
            job_services.job_fail(job_id=job_id, error=str(exc))
        raise
    if job_id:
        counts = {"rows": result.rows_total, "created": result.rows_created, "updated": result.rows_updated,
                  "unchanged": result.rows_unchanged, "rejected": result.rows_rejected}
        if result.ok:
            job_services.job_finish(job_id=job_id, counts=counts)
        else:
            job_services.job_fail(job_id=job_id, error=f"{result.error_count} error(s); nothing imported")
    return result
