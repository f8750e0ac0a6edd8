"""Keep the DuckDB analytical copy in step with the operational database, and hand it to KPI queries.

The web process owns the warehouse file (DuckDB allows one writing process); ``warehouse()`` syncs
incrementally before answering when the last sync is older than ``RESONANZ_WAREHOUSE_MAX_AGE`` seconds.
Incremental = feedback with ids above the watermark, plus feedback re-analysed since the last sync (with the
customer's region/country copied in); a full rebuild (``warehouse_sync(full=True)``) also drops rows deleted
upstream. Customer, order and event analytics (CLV, churn, cohorts) read the operational database directly for
now; the schema has their tables ready for when they need the same treatment.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pyarrow as pa
from django.conf import settings
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from resonanz.core.warehouse.store import Warehouse
from resonanz.feedback.models import Feedback

CHUNK = 50_000
_lock = threading.Lock()
_state: dict[str, Any] = {"wh": None, "synced": 0.0}

FEEDBACK_FIELDS: dict[str, Any] = {
    "id": F("id"),
    "received_at": F("received_at"),
    "source": F("source__code"),
    "source_kind": F("source__kind"),
    "channel": F("channel__code"),
    "touchpoint": F("touchpoint__code"),
    "stage": F("touchpoint__stage__code"),
    "customer_id": F("customer_id"),
    "language": Coalesce(NullIf(F("analysis__language"), Value("")), NullIf(F("language"), Value(""))),
    "nps": F("nps"),
    "csat": F("csat"),
    "ces": F("ces"),
    "rating": F("rating"),
    "sentiment": NullIf(F("analysis__sentiment"), Value("")),
    "sentiment_score": F("analysis__sentiment_score"),
    "intent": NullIf(F("analysis__intent"), Value("")),
    "urgent": F("analysis__urgent"),
    "region": NullIf(F("customer__region"), Value("")),
    "country": NullIf(F("customer__country"), Value("")),
}


def _path() -> str:
    return str(getattr(settings, "RESONANZ_WAREHOUSE_PATH", None) or settings.DATA_DIR / "warehouse.duckdb")


def _naive_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(timezone.UTC).replace(tzinfo=None) if timezone.is_aware(value) else value


def _batches(qs: QuerySet[Any], fields: dict[str, Any]) -> Iterator[pa.Table]:
    """Stream a queryset as Arrow tables of CHUNK rows in id order (keyset pagination, no OFFSET).

    Expressions are annotated under a prefixed alias (annotations may not shadow model fields)."""
    names = list(fields)
    aliases = {f"w_{n}": expr for n, expr in fields.items()}
    last = 0
    while True:
        rows = list(qs.filter(id__gt=last).order_by("id").annotate(**aliases).values_list(*aliases.keys())[:CHUNK])
        if not rows:
            return
        last = rows[-1][0]
        cols: dict[str, list[Any]] = {n: [r[k] for r in rows] for k, n in enumerate(names)}
        for n, values in cols.items():
            if isinstance(next((v for v in values if v is not None), None), datetime):
                cols[n] = [_naive_utc(v) for v in values]
        yield pa.table(cols)


def _sync_topics(wh: Warehouse, feedback_ids: list[int]) -> int:
    from resonanz.analysis.models import FeedbackTopic

    written = 0
    for i in range(0, len(feedback_ids), CHUNK):
        ids = feedback_ids[i : i + CHUNK]
        rows = list(
            FeedbackTopic.objects.filter(feedback_id__in=ids).values_list("feedback_id", "topic__key", "score", "sentiment")
        )
        table = pa.table(
            {
                "feedback_id": pa.array([r[0] for r in rows], pa.int64()),
                "topic": pa.array([r[1] for r in rows], pa.string()),
                "topic_score": pa.array([r[2] for r in rows], pa.float32()),
                "topic_sentiment": pa.array([r[3] or None for r in rows], pa.string()),
            }
        )
        written += wh.replace_topics(ids, table)
    return written


def warehouse_sync(*, wh: Warehouse | None = None, full: bool = False) -> dict[str, int]:
    """Bring the analytical copy up to date. Returns counts of rows written per table."""
    from resonanz.analysis.models import FeedbackAnalysis

    wh = wh or _open()
    counts: dict[str, int] = {}
    started = timezone.now()
    last_id = 0 if full else int(wh.watermark("feedback_id") or 0)
    last_time = None if full else wh.watermark("analysed_at")
    qs = Feedback.objects.all()
    new_ids: list[int] = []
    earliest: datetime | None = None
    for table in _batches(qs.filter(id__gt=last_id), FEEDBACK_FIELDS):
        counts["feedback"] = counts.get("feedback", 0) + wh.upsert("feedback", table)
        new_ids.extend(table.column("id").to_pylist())
        first = min(v for v in table.column("received_at").to_pylist())
        earliest = first if earliest is None or first < earliest else earliest
    changed: list[int] = []
    if last_time:
        changed = list(
            FeedbackAnalysis.objects.filter(analysed_at__gt=datetime.fromisoformat(last_time), feedback_id__lte=last_id)
            .values_list("feedback_id", flat=True)
        )
        for i in range(0, len(changed), CHUNK):
            part = changed[i : i + CHUNK]
            for table in _batches(qs.filter(id__in=part), FEEDBACK_FIELDS):
                counts["feedback"] = counts.get("feedback", 0) + wh.upsert("feedback", table)
                first = min(table.column("received_at").to_pylist())
                earliest = first if earliest is None or first < earliest else earliest
    counts["feedback_topic"] = _sync_topics(wh, sorted(set(new_ids) | set(changed)))
    if full:
        ids = pa.array(list(Feedback.objects.values_list("id", flat=True)), pa.int64())
        counts["deleted"] = wh.delete_missing("feedback", ids)
        wh.conn.execute("DELETE FROM feedback_topic WHERE feedback_id NOT IN (SELECT id FROM feedback)")
    if full:
        wh.refresh_rollups()
    elif earliest is not None:
        wh.refresh_rollups(since=earliest)
    max_id = Feedback.objects.order_by("-id").values_list("id", flat=True).first() or 0
    wh.set_watermark("feedback_id", str(max(max_id, last_id)))
    wh.set_watermark("analysed_at", started.isoformat())
    return counts


def _open() -> Warehouse:
    if _state["wh"] is None:
        _state["wh"] = Warehouse(_path())
    return _state["wh"]


def warehouse(*, max_age: float | None = None) -> Warehouse:
    """The process's warehouse, synced if the last sync is older than ``max_age`` seconds."""
    configured = getattr(settings, "RESONANZ_WAREHOUSE_MAX_AGE", None)
    limit = (30.0 if configured is None else float(configured)) if max_age is None else max_age
    with _lock:
        wh = _open()
        if time.monotonic() - _state["synced"] > limit:
            warehouse_sync(wh=wh)
            _state["synced"] = time.monotonic()
        return wh


def warehouse_reset() -> None:
    """Forget the open warehouse (tests, or after a full rebuild on disk)."""
    with _lock:
        if _state["wh"] is not None:
            _state["wh"].close()
        _state["wh"] = None
        _state["synced"] = 0.0
