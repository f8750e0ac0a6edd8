"""An embedded DuckDB store holding the analytical copy of the operational data.

The Django side feeds it Arrow tables in batches (``upsert``); KPI queries run here (``resonanz.core.warehouse
.kpi``). The operational database stays the source of truth: the store can always be rebuilt from it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from resonanz.core.errors import ResonanzError
from resonanz.core.warehouse.schema import FEEDBACK_COLUMNS, ROLLUPS, SCHEMA_VERSION, TABLES, rollup_select

_TOPIC_INPUT = ("feedback_id", "topic", "topic_score", "topic_sentiment")


class Warehouse:
    """A DuckDB database (file or in-memory) with the Resonanz analytical schema."""

    def __init__(self, path: str | Path | None = None, *, threads: int | None = None) -> None:
        self.path = str(path) if path else ":memory:"
        self._lock = threading.Lock()
        self.conn = duckdb.connect(self.path)
        if threads:
            self._x(f"SET threads = {int(threads)}")
        self._ensure_schema()

    def _ensure_schema(self) -> None:
        for ddl in TABLES.values():
            self._x(ddl)
        rows = self._x("SELECT schema_version FROM sync_state WHERE name = 'schema'")
        row = rows[0] if rows else None
        if row is not None and row[0] != SCHEMA_VERSION:
            for table in (*TABLES, *ROLLUPS):
                self._x(f"DROP TABLE IF EXISTS {table}")
            for ddl in TABLES.values():
                self._x(ddl)
        self._x(
            "INSERT OR REPLACE INTO sync_state VALUES ('schema', NULL, ?, ?)", [SCHEMA_VERSION, datetime.now(UTC)]
        )
        existing = {r[0] for r in self._x("SELECT table_name FROM duckdb_tables()")}
        if not set(ROLLUPS) <= existing:
            self.refresh_rollups()

    def _x(self, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
        """Execute and fetch at once: DuckDB 2 refuses new work while a result is still open."""
        return self.conn.execute(sql, params or []).fetchall()

    def close(self) -> None:
        self.conn.close()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one thread (DuckDB connections are not shared across threads)."""
        return self.conn.cursor()

    def replace_topics(self, feedback_ids: list[int], rows: pa.Table) -> int:
        """Replace the topic rows of ``feedback_ids`` by ``rows`` (which may be empty: all topics removed)."""
        with self._lock:
            self.conn.register("_ids", pa.table({"id": pa.array(feedback_ids, pa.int64())}))
            try:
                self._x("DELETE FROM feedback_topic WHERE feedback_id IN (SELECT id FROM _ids)")
            finally:
                self.conn.unregister("_ids")
        return self.upsert("feedback_topic", rows) if rows.num_rows else 0

    def upsert(self, table: str, batch: pa.Table | pa.RecordBatch) -> int:
        """Insert or replace rows by primary key.

        ``feedback_topic`` takes (feedback_id, topic, topic_score, topic_sentiment): the rows of every feedback id
        in the batch are replaced as a set (a re-analysis may drop topics) and get the feedback's dimensions.
        Upserting ``feedback`` refreshes those copied dimensions of its topic rows."""
        if table not in TABLES or table == "sync_state":
            raise ResonanzError(f"unknown warehouse table {table!r}", code="E310")
        if isinstance(batch, pa.RecordBatch):
            batch = pa.Table.from_batches([batch])
        if batch.num_rows == 0:
            return 0
        cols = ", ".join(batch.column_names)
        with self._lock:
            self.conn.register("_incoming", batch)
            try:
                self._x("BEGIN")
                if table == "feedback_topic":
                    missing = set(_TOPIC_INPUT[:2]) - set(batch.column_names)
                    if missing:
                        raise ResonanzError(f"feedback_topic rows need {sorted(missing)}", code="E312")
                    fcols = ", ".join(FEEDBACK_COLUMNS)
                    fsel = ", ".join(f"f.{c}" for c in FEEDBACK_COLUMNS)
                    isel = ", ".join(f"i.{c}" if c in batch.column_names else "NULL" for c in _TOPIC_INPUT)
                    self._x(
                        "DELETE FROM feedback_topic WHERE feedback_id IN (SELECT DISTINCT feedback_id FROM _incoming)"
                    )
                    self._x(
                        f"INSERT INTO feedback_topic ({', '.join(_TOPIC_INPUT)}, {fcols}) "
                        f"SELECT {isel}, {fsel} FROM _incoming i LEFT JOIN feedback f ON f.id = i.feedback_id"
                    )
                else:
                    self._x(f"INSERT OR REPLACE INTO {table} ({cols}) SELECT {cols} FROM _incoming")
                    if table == "feedback":
                        sets = ", ".join(f"{c} = f.{c}" for c in FEEDBACK_COLUMNS)
                        self._x(
                            f"UPDATE feedback_topic SET {sets} FROM feedback f "
                            "WHERE f.id = feedback_topic.feedback_id AND f.id IN (SELECT id FROM _incoming)"
                        )
                self._x("COMMIT")
            except Exception:
                self._x("ROLLBACK")
                raise
            finally:
                self.conn.unregister("_incoming")
        return batch.num_rows

    def upsert_many(self, table: str, batches: Iterable[pa.Table | pa.RecordBatch]) -> int:
        return sum(self.upsert(table, b) for b in batches)

    def delete_missing(self, table: str, keep_ids: pa.Array) -> int:
        """Delete rows whose id is not in ``keep_ids`` (rows deleted in the operational database)."""
        with self._lock:
            self.conn.register("_keep", pa.table({"id": keep_ids}))
            try:
                before = self.count(table)
                self._x(f"DELETE FROM {table} WHERE id NOT IN (SELECT id FROM _keep)")
                return before - self.count(table)
            finally:
                self.conn.unregister("_keep")

    def refresh_rollups(self, *, since: date | datetime | None = None) -> None:
        """Recompute the daily rollups: all days, or (incrementally) the days from ``since`` on."""
        with self._lock:
            existing = {r[0] for r in self._x("SELECT table_name FROM duckdb_tables()")}
            self._x("BEGIN")
            try:
                for name, (base, dims) in ROLLUPS.items():
                    select = rollup_select(base, dims)
                    if since is None or name not in existing:
                        self._x(f"CREATE OR REPLACE TABLE {name} AS {select} GROUP BY ALL")
                    else:
                        day = since.date() if isinstance(since, datetime) else since
                        self._x(f"DELETE FROM {name} WHERE day >= ?", [day])
                        self._x(
                            f"INSERT INTO {name} {select} WHERE received_at >= CAST(? AS DATE) GROUP BY ALL", [day]
                        )
                self._x("COMMIT")
            except Exception:
                self._x("ROLLBACK")
                raise

    def count(self, table: str) -> int:
        return int(self._x(f"SELECT count(*) FROM {table}")[0][0])

    def watermark(self, name: str) -> str | None:
        rows = self._x("SELECT watermark FROM sync_state WHERE name = ?", [name])
        return str(rows[0][0]) if rows and rows[0][0] is not None else None

    def set_watermark(self, name: str, value: str) -> None:
        self._x(
            "INSERT OR REPLACE INTO sync_state VALUES (?, ?, ?, ?)", [name, value, SCHEMA_VERSION, datetime.now(UTC)]
        )
