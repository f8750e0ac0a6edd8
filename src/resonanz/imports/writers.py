"""Per-kind writers used by :mod:`resonanz.imports.services`: resolve references (customers) for a chunk of
validated rows and write them in bulk. Each returns counts and the rows it had to reject.

Feedback uses a fast path (one ``INSERT … ON CONFLICT (dedupe_key) DO NOTHING`` executemany per chunk, no
model instances) because it is the kind that arrives in millions; the others use ``bulk_create`` /
``bulk_update``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from resonanz.core.ingest.errors import E_UNKNOWN_CUSTOMER, RowError, truncate
from resonanz.core.ingest.keys import feedback_dedupe_key
from resonanz.core.ingest.validate import content_hash
from resonanz.customers.models import Customer, Order
from resonanz.feedback.models import Feedback
from resonanz.journeys.models import Event

IN_CHUNK = 900  # SQLite's historical limit on query parameters is 999
DEDUPE_MAX = 160

Row = tuple[int, list[str], dict[str, Any]]  # (file row, original values, validated record)


@dataclass
class WriteResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, list[str], list[RowError]]] = field(default_factory=list)


class CustomerResolver:
    """external_id → pk for the current import, cached (reset when it grows past ``limit``)."""

    def __init__(self, limit: int = 500_000) -> None:
        self.cache: dict[str, int] = {}
        self.limit = limit

    def resolve(self, ext_ids: Iterable[str]) -> dict[str, int]:
        missing = {e for e in ext_ids if e not in self.cache}
        if len(self.cache) + len(missing) > self.limit:
            self.cache.clear()
        todo = list(missing)
        for i in range(0, len(todo), IN_CHUNK):
            part = todo[i : i + IN_CHUNK]
            self.cache.update(Customer.objects.filter(external_id__in=part).values_list("external_id", "pk"))
        return self.cache


class BaseWriter:
    customer_required = True

    def __init__(self, *, batch_id: int | None, mapping: dict[str, str], context: dict[str, Any]) -> None:
        self.batch_id = batch_id
        self.mapping = mapping
        self.context = context
        self.customers = CustomerResolver()

    def _with_customers(self, rows: list[Row], result: WriteResult) -> list[tuple[Row, int | None]]:
        """Attach the customer pk; unknown ids become E118 row errors."""
        if "customer_external_id" not in self.mapping:
            return [(r, None) for r in rows]
        ids = {r[2]["customer_external_id"] for r in rows if r[2].get("customer_external_id")}
        cache = self.customers.resolve(ids)
        column = self.mapping["customer_external_id"]
        out: list[tuple[Row, int | None]] = []
        for r in rows:
            ext = r[2].get("customer_external_id")
            if not ext:
                out.append((r, None))
                continue
            pk = cache.get(ext)
            if pk is None:
                err = RowError(r[0], column, truncate(ext), "unknown customer id (import the customers first)",
                               E_UNKNOWN_CUSTOMER, "customer_external_id")
                result.rejected.append((r[0], r[1], [err]))
                continue
            out.append((r, pk))
        return out

    def write(self, rows: list[Row]) -> WriteResult:  # pragma: no cover - abstract
        raise NotImplementedError


class CustomerWriter(BaseWriter):
    SIMPLE = ("name", "email", "phone", "birth_year", "age_band", "gender", "postcode", "city", "region",
              "country", "preferred_language", "acquisition_source", "created_at")

    def write(self, rows: list[Row]) -> WriteResult:
        result = WriteResult()
        latest: dict[str, Row] = {}
        for r in rows:
            ext = r[2]["external_id"]
            if ext in latest:
                result.unchanged += 1  # an earlier row of this chunk with the same id: the later row wins
            latest[ext] = r
        existing: dict[str, Customer] = {}
        ids = list(latest)
        for i in range(0, len(ids), IN_CHUNK):
            for c in Customer.objects.filter(external_id__in=ids[i : i + IN_CHUNK]):
                existing[c.external_id] = c
        now = timezone.now()
        new: list[Customer] = []
        changed: list[Customer] = []
        changed_fields: set[str] = set()
        for ext, (_row_no, _values, rec) in latest.items():
            values = self._values(rec)
            cust = existing.get(ext)
            if cust is None:
                values.setdefault("created_at", now)
                for flag in ("consent_marketing", "consent_feedback_contact"):
                    if values.get(flag):
                        values[f"{flag}_at"] = now
                new.append(Customer(external_id=ext, import_batch_id=self.batch_id, **values))
                continue
            diff = False
            for name, value in values.items():
                if name == "attributes":
                    merged = {**(cust.attributes or {}), **value}
                    if merged != cust.attributes:
                        cust.attributes = merged
                        changed_fields.add("attributes")
                        diff = True
                    continue
                if getattr(cust, name) != value:
                    setattr(cust, name, value)
                    changed_fields.add(name)
                    diff = True
                    if name.startswith("consent_"):
                        setattr(cust, f"{name}_at", now if value else None)
                        changed_fields.add(f"{name}_at")
            if diff:
                changed.append(cust)
            else:
                result.unchanged += 1
        if new:
            Customer.objects.bulk_create(new, batch_size=1000)
            for c in new:
                if c.pk:
                    self.customers.cache[c.external_id] = c.pk
        if changed:
            changed_fields.add("updated_at")
            for c in changed:
                c.updated_at = now
            Customer.objects.bulk_update(changed, sorted(changed_fields), batch_size=500)
        result.created += len(new)
        result.updated += len(changed)
        return result

    def _values(self, rec: dict[str, Any]) -> dict[str, Any]:
        values = {k: rec[k] for k in self.SIMPLE if k in rec}
        if "name" not in values and (rec.get("first_name") or rec.get("last_name")):
            values["name"] = " ".join(p for p in (rec.get("first_name"), rec.get("last_name")) if p)[:255]
        for flag in ("consent_marketing", "consent_feedback_contact"):
            if flag in rec:
                values[flag] = rec[flag]
        if rec.get("attributes"):
            values["attributes"] = rec["attributes"]
        return values


class OrderWriter(BaseWriter):
    def write(self, rows: list[Row]) -> WriteResult:
        result = WriteResult()
        objs: dict[str, Order] = {}
        for (_row_no, _values, rec), cust in self._with_customers(rows, result):
            ext = rec.get("external_id") or "hash:" + content_hash(
                rec["customer_external_id"], rec["ordered_at"], rec["amount"], rec.get("currency"),
                rec.get("items_count"), rec.get("channel"),
            )
            if ext in objs:
                result.unchanged += 1
                continue
            objs[ext] = Order(
                external_id=ext, customer_id=cust, ordered_at=rec["ordered_at"], amount=rec["amount"],
                currency=(rec.get("currency") or "EUR").upper(), items_count=rec.get("items_count", 1),
                channel_id=rec.get("channel"), import_batch_id=self.batch_id,
            )
        _insert_new(Order, objs, result)
        return result


class EventWriter(BaseWriter):
    def write(self, rows: list[Row]) -> WriteResult:
        result = WriteResult()
        tp_stage: dict[int, int] = self.context.get("touchpoint_stage", {})
        objs: dict[str, Event] = {}
        for (_row_no, _values, rec), cust in self._with_customers(rows, result):
            ext = rec.get("external_id") or "hash:" + content_hash(
                rec["customer_external_id"], rec["occurred_at"], rec["type"], rec.get("touchpoint"),
                rec.get("stage"), rec.get("value"), rec.get("properties"),
            )
            if ext in objs:
                result.unchanged += 1
                continue
            tp = rec.get("touchpoint")
            objs[ext] = Event(
                external_id=ext, customer_id=cust, occurred_at=rec["occurred_at"], type=rec["type"],
                touchpoint_id=tp, stage_id=rec.get("stage") or (tp_stage.get(tp) if tp else None),
                value=rec.get("value"), properties=rec.get("properties") or {}, import_batch_id=self.batch_id,
            )
        _insert_new(Event, objs, result)
        return result


def _insert_new(model: Any, objs: dict[str, Any], result: WriteResult) -> None:
    ids = list(objs)
    existing: set[str] = set()
    for i in range(0, len(ids), IN_CHUNK):
        existing.update(model.objects.filter(external_id__in=ids[i : i + IN_CHUNK]).values_list("external_id",
                                                                                              flat=True))
    new = [o for k, o in objs.items() if k not in existing]
    result.unchanged += len(existing)
    if new:
        model.objects.bulk_create(new, batch_size=1000)
    result.created += len(new)


class FeedbackWriter(BaseWriter):
    customer_required = False
    COLUMNS = ("source_id", "channel_id", "touchpoint_id", "customer_id", "received_at", "title", "text",
               "text_redacted", "language", "nps", "csat", "ces", "rating", "properties", "external_id",
               "dedupe_key", "import_batch_id", "created_at")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        qn = connection.ops.quote_name
        table = qn(Feedback._meta.db_table)
        cols = ", ".join(qn(c) for c in self.COLUMNS)
        marks = ", ".join(["%s"] * len(self.COLUMNS))
        self.sql = (f"INSERT INTO {table} ({cols}) VALUES ({marks}) "  # noqa: S608 - names from the model
                    f"ON CONFLICT ({qn('dedupe_key')}) DO NOTHING")
        self.sqlite = connection.vendor == "sqlite"
        self.props_field = Feedback._meta.get_field("properties")
        self.empty_props = self.props_field.get_db_prep_save({}, connection)
        self.source_codes: dict[int, str] = self.context.get("source_codes", {})
        self.default_source: int = self.context["default_source"]
        self.now = self._dt(timezone.now())

    def _dt(self, value: datetime) -> Any:
        if self.sqlite:  # what Django's SQLite backend stores: naive UTC, ISO with a space
            if value.tzinfo is not UTC:
                value = value.astimezone(UTC)
            return value.replace(tzinfo=None).isoformat(" ")
        return value

    def _props(self, value: dict[str, Any]) -> Any:
        if not value:
            return self.empty_props
        if self.sqlite:
            return json.dumps(value, ensure_ascii=False)
        return self.props_field.get_db_prep_save(value, connection)

    def prepare(self, rec: dict[str, Any]) -> tuple[Any, ...]:
        """The INSERT parameters of one validated record (no database access, so it can run in a worker
        process). The customer slot still holds the external customer id; :meth:`write_prepared` resolves it."""
        source = rec.get("source") or self.default_source
        ext = rec.get("external_id") or ""
        received = rec["received_at"]
        code = self.source_codes.get(source, source)
        key = feedback_dedupe_key(
            source_code=code, external_id=ext, received_at=received, text=rec.get("text"), title=rec.get("title"),
            customer_external_id=rec.get("customer_external_id"), nps=rec.get("nps"), csat=rec.get("csat"),
            ces=rec.get("ces"), rating=rec.get("rating"),
        )
        props = rec["properties"]
        return (
            source, rec.get("channel"), rec.get("touchpoint"), rec.get("customer_external_id"), self._dt(received),
            rec.get("title", ""), rec.get("text", ""), "", rec.get("language", ""), rec.get("nps"), rec.get("csat"),
            rec.get("ces"), rec.get("rating"), self._props(props) if props else self.empty_props, ext, key,
            self.batch_id, self.now,
        )

    def write(self, rows: list[Row]) -> WriteResult:
        prepare = self.prepare
        if "customer_external_id" in self.mapping:
            return self.write_prepared([(row_no, values, prepare(rec)) for row_no, values, rec in rows])
        return self.write_prepared([prepare(rec) for _, _, rec in rows])

    def write_prepared(self, items: list[Any]) -> WriteResult:
        """Write prepared rows: ``(row_no, values, params)`` triples when customer ids must be resolved (the
        mapping has ``customer_external_id``), else plain ``params`` tuples."""
        result = WriteResult()
        if "customer_external_id" in self.mapping:
            cache = self.customers.resolve({p[3] for _, _, p in items if p[3]})
            column = self.mapping["customer_external_id"]
            params = []
            for row_no, values, p in items:
                ext = p[3]
                if ext:
                    pk = cache.get(ext)
                    if pk is None:
                        err = RowError(row_no, column, truncate(ext), "unknown customer id (import the customers "
                                       "first)", E_UNKNOWN_CUSTOMER, "customer_external_id")
                        result.rejected.append((row_no, values or [], [err]))
                        continue
                    p = (*p[:3], pk, *p[4:])
                params.append(p)
        else:
            params = items
        if params:
            with connection.cursor() as cur:
                cur.executemany(self.sql, params)
                created = cur.rowcount
            if created is None or created < 0:  # pragma: no cover - drivers that do not report it
                created = len(params)
            result.created += created
            result.unchanged += len(params) - created
        return result


WRITERS: dict[str, type[BaseWriter]] = {
    "customers": CustomerWriter,
    "orders": OrderWriter,
    "events": EventWriter,
    "feedback": FeedbackWriter,
}
