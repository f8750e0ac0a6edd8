"""Parse and validate in a forked child process while the parent writes (the feedback fast path).

Reading CSV, parsing dates and numbers and building the INSERT parameters is pure Python and takes about as long
as SQLite's index maintenance, so a 2-process pipeline nearly halves the wall time of a large import. The child
never touches the database (it only uses the reader, the validator and ``FeedbackWriter.prepare``) and leaves
with ``os._exit`` (multiprocessing's fork start method), so the parent's connection is safe. A bounded queue
keeps memory flat. Platforms without ``fork`` use the serial path.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
import queue as queue_mod
import traceback
from collections.abc import Iterator
from typing import Any

from resonanz.core.errors import IngestError
from resonanz.core.ingest import compile_validator, open_table

QUEUE_CHUNKS = 6


def available() -> bool:
    return "fork" in mp.get_all_start_methods()


def _produce(q: Any, reader_args: dict[str, Any], kind: str, mapping: dict[str, str],
             lookups: dict[str, Any], time_zone: str, prepare: Any, chunk_size: int, need_values: bool) -> None:
    try:
        with open_table(**reader_args) as reader:
            validator = compile_validator(kind, reader.header, mapping, lookups=lookups, time_zone=time_zone)
            items: list[Any] = []
            rejected: list[Any] = []
            total = 0
            for row_no, values in reader.rows():
                total += 1
                rec, errs = validator(row_no, values)
                if errs:
                    rejected.append((row_no, values, errs))
                elif need_values:
                    items.append((row_no, values, prepare(rec)))
                else:  # parameters only: less to pickle when no row can be rejected by the writer
                    items.append(prepare(rec))
                if len(items) >= chunk_size or len(rejected) >= chunk_size:
                    q.put(("rows", items, rejected, total, reader.bytes_read))
                    items, rejected = [], []
            q.put(("rows", items, rejected, total, reader.bytes_read))
        with open(reader_args["path"], "rb") as fh:  # the parent is still writing the queued chunks
            sha = hashlib.file_digest(fh, "sha256").hexdigest()
        q.put(("done", total, sha))
    except IngestError as exc:
        q.put(("fail", exc.message, exc.code, dict(exc.context)))
    except BaseException:  # noqa: BLE001 - reported to the parent
        q.put(("crash", traceback.format_exc()))
    finally:
        q.close()
        q.join_thread()


def produce_chunks(*, reader_args: dict[str, Any], kind: str, mapping: dict[str, str], lookups: dict[str, Any],
                   time_zone: str, prepare: Any, chunk_size: int, need_values: bool,
                   out: dict[str, str] | None = None) -> Iterator[tuple[list[Any], list[Any], int, int]]:
    """Yield ``(items, rejected, rows_read, bytes_read)`` chunks produced by a child process; ``items`` are
    ``(row_no, values, params)`` with ``need_values``, else just ``params``. ``out['sha256']`` receives the file's
    hash. Raises the child's :class:`IngestError` for file-level problems."""
    ctx = mp.get_context("fork")
    q = ctx.Queue(maxsize=QUEUE_CHUNKS)
    proc = ctx.Process(target=_produce, args=(q, reader_args, kind, mapping, lookups, time_zone, prepare,
                                              chunk_size, need_values), daemon=True)
    proc.start()
    try:
        while True:
            try:
                msg = q.get(timeout=2.0)
            except queue_mod.Empty:
                if not proc.is_alive():
                    raise RuntimeError(f"the import reader process ended unexpectedly (exit {proc.exitcode})") from None
                continue
            if msg[0] == "rows":
                yield msg[1], msg[2], msg[3], msg[4]
            elif msg[0] == "done":
                if out is not None:
                    out["sha256"] = msg[2]
                return
            elif msg[0] == "fail":
                raise IngestError(msg[1], code=msg[2], **msg[3])
            else:
                raise RuntimeError(f"the import reader process failed:\n{msg[1]}")
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join(timeout=5)
        q.close()
