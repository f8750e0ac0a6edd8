"""KPI engine benchmark: NPS by month × channel and by topic over N feedback rows (default 10 million).

Runs the same two queries on the analytical store (DuckDB, resonanz.core.warehouse.kpi) and on the
operational database shape in SQLite, on identical data generated in the same run, and prints both and
the ratio. Target: ≤ 1 s end to end for both queries together on DuckDB.

    .venv/bin/python bench/kpi_bench.py [--rows 10000000] [--skip-sqlite]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from resonanz.core.warehouse.kpi import nps_by
from resonanz.core.warehouse.store import Warehouse

CHANNELS = ["website", "app", "email", "chat", "social", "phone", "store", "delivery"]
TOPICS = ["delivery", "product_quality", "price_value", "customer_service", "returns", "website_app",
          "payment", "availability", "advice_staff", "store_experience"]


def generate(wh: Warehouse, rows: int) -> None:
    ch = "[" + ",".join(f"'{c}'" for c in CHANNELS) + "]"
    tp = "[" + ",".join(f"'{t}'" for t in TOPICS) + "]"
    wh.conn.execute(f"""
        INSERT INTO feedback (id, received_at, source, channel, touchpoint, stage, customer_id, language, nps,
                              csat, ces, sentiment, sentiment_score, region, country)
        SELECT i, TIMESTAMP '2024-01-01' + to_seconds(CAST(hash(i) % 63072000 AS BIGINT)),
               'nps_survey', {ch}[1 + CAST(hash(i * 7) % 8 AS INTEGER)],
               'tp' || CAST(hash(i * 19) % 24 AS VARCHAR), 'post_purchase',
               CAST(hash(i * 3) % 200000 AS BIGINT), CASE WHEN i % 5 = 0 THEN 'en' ELSE 'de' END,
               CAST(hash(i * 11) % 11 AS TINYINT), NULL, NULL,
               CASE WHEN i % 3 = 0 THEN 'negative' ELSE 'positive' END, 0.1,
               'region' || CAST(hash(i * 23) % 26 AS VARCHAR), 'DE'
        FROM range(1, {rows} + 1) r(i)
    """)
    from resonanz.core.warehouse.schema import FEEDBACK_COLUMNS

    cols = ", ".join(FEEDBACK_COLUMNS)
    fsel = ", ".join(f"f.{c}" for c in FEEDBACK_COLUMNS)
    wh.conn.execute(f"""
        INSERT INTO feedback_topic (feedback_id, topic, topic_score, topic_sentiment, {cols})
        SELECT f.id, {tp}[1 + CAST(hash(f.id * 13) % 10 AS INTEGER)], 0.8, 'negative', {fsel} FROM feedback f
        UNION ALL
        SELECT f.id, {tp}[1 + CAST((hash(f.id * 13) % 10 + 1 + hash(f.id * 17) % 9) % 10 AS INTEGER)], 0.6,
               'positive', {fsel}
        FROM feedback f WHERE f.id % 2 = 0
    """)


def copy_to_sqlite(wh: Warehouse, path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("CREATE TABLE feedback (id INTEGER PRIMARY KEY, received_at TEXT, channel TEXT, nps INTEGER)")
    con.execute("CREATE TABLE feedback_topic (feedback_id INTEGER, topic TEXT)")
    cur = wh.cursor()
    reader = cur.sql("SELECT id, strftime(received_at, '%Y-%m-%d %H:%M:%S'), channel, nps FROM feedback").to_arrow_reader(500_000)
    for batch in reader:
        con.executemany("INSERT INTO feedback VALUES (?,?,?,?)", zip(*[c.to_pylist() for c in batch.columns], strict=True))
    reader = cur.sql("SELECT feedback_id, topic FROM feedback_topic").to_arrow_reader(500_000)
    for batch in reader:
        con.executemany("INSERT INTO feedback_topic VALUES (?,?)", zip(*[c.to_pylist() for c in batch.columns], strict=True))
    con.execute("CREATE INDEX ft_topic ON feedback_topic(feedback_id, topic)")
    con.commit()
    return con


SQLITE_MONTH_CHANNEL = """
    SELECT substr(received_at, 1, 7) AS month, channel, count(*),
           sum(nps >= 9), sum(nps BETWEEN 7 AND 8), sum(nps <= 6)
    FROM feedback WHERE nps IS NOT NULL GROUP BY month, channel"""
SQLITE_TOPIC = """
    SELECT t.topic, count(*), sum(f.nps >= 9), sum(f.nps BETWEEN 7 AND 8), sum(f.nps <= 6)
    FROM feedback f JOIN feedback_topic t ON t.feedback_id = f.id WHERE f.nps IS NOT NULL GROUP BY t.topic"""


def timed(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--skip-sqlite", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="resonanz-kpi-"))
    wh = Warehouse(tmp / "warehouse.duckdb", threads=os.cpu_count())
    t0 = time.perf_counter()
    generate(wh, args.rows)
    print(f"generated {args.rows:,} feedback rows (+{wh.count('feedback_topic'):,} topic rows) in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    wh.refresh_rollups()
    print(f"built the daily rollups in {time.perf_counter() - t0:.1f} s (full rebuild; a sync refreshes only new days)")
    t0 = time.perf_counter()
    wh.refresh_rollups(since=date(2025, 12, 1))
    print(f"incremental rollup refresh of the last month: {time.perf_counter() - t0:.2f} s")

    def duck() -> None:
        a = nps_by(wh, ["month", "channel"])
        b = nps_by(wh, ["topic"])
        assert len(a) > 0 and len(b) == len(TOPICS)

    duck()  # warm
    d = timed(duck)
    print(f"DuckDB  NPS by month×channel + by topic: {d * 1000:.0f} ms (median of 3)")
    from resonanz.core.warehouse.kpi import KpiFilter

    def duck_uncovered() -> None:
        nps_by(wh, ["month", "channel"], KpiFilter(regions=["region1", "region2"]))

    u = timed(duck_uncovered)
    print(f"DuckDB  NPS by month×channel filtered by region (no rollup covers it, base-table path): {u * 1000:.0f} ms")
    ratio = "-"
    if not args.skip_sqlite:
        t0 = time.perf_counter()
        con = copy_to_sqlite(wh, tmp / "operational.sqlite3")
        print(f"copied to SQLite in {time.perf_counter() - t0:.1f} s")

        def lite() -> None:
            con.execute(SQLITE_MONTH_CHANNEL).fetchall()
            con.execute(SQLITE_TOPIC).fetchall()

        s = timed(lite, repeat=1)
        print(f"SQLite  same two queries: {s * 1000:.0f} ms")
        ratio = f"{s / d:.1f}"
        print(f"speed-up DuckDB vs operational SQLite: {ratio}×")
    print(f"RESULT kpi_nps_{args.rows // 1_000_000}m value={d:.3f} unit=s target=1.0 ratio={ratio} ok={'true' if d <= 1.0 else 'false'}")


if __name__ == "__main__":
    main()
