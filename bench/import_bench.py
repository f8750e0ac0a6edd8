"""Import benchmark: 1,000,000 feedback rows from a German-style CSV into a fresh SQLite database.

    .venv/bin/python bench/import_bench.py            # 1M rows (target ≤ 90 s, ratio ≥ 0.4)
    .venv/bin/python bench/import_bench.py --rows 50000

Measures the real service (``resonanz.imports.services.import_file``) against a raw ``sqlite3`` baseline in the
same run: read the same CSV with the csv module and ``executemany`` the rows (strings as they are, no
validation) into a table with the same DDL and indexes as ``feedback_feedback``. ratio = raw_time / our_time.
The last line is machine-readable: ``RESULT import_1m_rows value=<s> unit=s target=90 ratio=<r> ok=<bool>``.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

TARGET_S = 90.0
TARGET_RATIO = 0.4
WORDS = ["Lieferung", "kam", "schnell", "und", "gut", "verpackt", "Beratung", "freundlich", "kompetent", "Preis", "zu", "hoch", "leider", "Rücksendung", "kompliziert", "Rechnung", "fehlerhaft", "App", "stürzt", "ab", "Kasse", "langsam", "Ware", "beschädigt", "super", "Service", "gerne", "wieder", "Verpackung", "Umwelt", "Hotline", "Warteschleife", "lange", "Filiale", "sauber"]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    sources = ["nps_survey", "csat_survey", "web_form", "review_site"]
    tps = ["delivery", "online_checkout", "returns", "service_phone", "invoice", ""]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(["Antwort-ID", "Datum", "Quelle", "Touchpoint", "Weiterempfehlung", "Zufriedenheit",
                    "Kommentar"])
        for i in range(rows):
            text = " ".join(rng.choices(WORDS, k=14))[:100]
            day, month, hour, minute = rng.randint(1, 28), rng.randint(1, 12), rng.randint(0, 23), rng.randint(0, 59)
            w.writerow([f"R{i:08d}", f"{day:02d}.{month:02d}.2026 {hour:02d}:{minute:02d}", rng.choice(sources),
                        rng.choice(tps), rng.randint(0, 10), rng.randint(1, 5), text])


def raw_baseline(csv_path: Path, db_path: Path, ddl: list[str]) -> float:
    """Raw sqlite3: csv.reader + executemany into the same-shaped table, one transaction."""
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute("PRAGMA cache_size=-65536")
    con.execute("PRAGMA temp_store=MEMORY")
    for stmt in ddl:
        con.execute(stmt)
    cols = ("source_id, channel_id, touchpoint_id, customer_id, received_at, title, text, text_redacted, language, "
            "nps, csat, ces, rating, properties, external_id, dedupe_key, import_batch_id, created_at")
    sql = f"INSERT INTO feedback_feedback ({cols}) VALUES ({', '.join(['?'] * 18)})"
    t0 = time.perf_counter()
    with csv_path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter=";")
        next(reader)
        con.execute("BEGIN")
        batch: list[tuple] = []
        for ext, date, source, _tp, nps, csat, text in reader:
            batch.append((1, None, None, None, date, "", text, "", "", nps, csat, None, None, "{}", ext,
                          f"ext:{source}:{ext}", 1, "2026-11-23 00:00:00"))
            if len(batch) >= 5000:
                con.executemany(sql, batch)
                batch.clear()
        con.executemany(sql, batch)
        con.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--chunk", type=int, default=10_000)
    ap.add_argument("--keep", action="store_true", help="keep the temp directory")
    ap.add_argument("--serial", action="store_true", help="disable the parallel reader process")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="resonanz-bench-"))
    os.environ["RESONANZ_DATA_DIR"] = str(tmp / "data")
    os.environ.pop("DATABASE_URL", None)
    os.environ["RESONANZ_MAX_UPLOAD_BYTES"] = str(10 * 1024**3)
    os.environ["RESONANZ_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "resonanz.config.settings.dev"
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from resonanz.imports.services import import_file

    csv_path = tmp / "feedback.csv"
    t = time.perf_counter()
    generate(csv_path, args.rows)
    print(f"generated {args.rows:,} rows ({csv_path.stat().st_size / 1e6:.1f} MB) in {time.perf_counter() - t:.1f} s")
    call_command("migrate", interactive=False, verbosity=0)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    last = [0.0]

    def progress(p) -> None:  # noqa: ANN001
        now = time.perf_counter()
        if now - last[0] > 5:
            last[0] = now
            print(f"  … {p.rows_read:,} rows, {100 * p.bytes_read / max(p.bytes_total, 1):.0f}%", flush=True)

    mapping = {"external_id": "Antwort-ID", "received_at": "Datum", "source": "Quelle", "touchpoint": "Touchpoint",
               "nps": "Weiterempfehlung", "csat": "Zufriedenheit", "text": "Kommentar"}
    t0 = time.perf_counter()
    result = import_file(path=csv_path, kind="feedback", mapping=mapping, progress=progress, chunk_size=args.chunk,
                         parallel=not args.serial)
    ours = time.perf_counter() - t0
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"import: status={result.status} created={result.rows_created:,} rejected={result.rows_rejected:,} "
          f"errors={result.error_count}")
    if result.errors:
        print("  first error:", result.errors[0])
    child_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"ours: {ours:.2f} s = {args.rows / ours:,.0f} rows/s; peak RSS {rss_after:.0f} MB "
          f"(before import {rss_before:.0f} MB, growth {rss_after - rss_before:.0f} MB, incl. SQLite's 64 MB page "
          f"cache); reader child process peak RSS {child_rss:.0f} MB")

    with connection.cursor() as cur:
        cur.execute("SELECT sql FROM sqlite_master WHERE tbl_name = 'feedback_feedback' AND sql IS NOT NULL")
        ddl = [r[0] for r in cur.fetchall()]
    raw = raw_baseline(csv_path, tmp / "raw.sqlite3", ddl)
    print(f"raw sqlite3 executemany (csv.reader, no validation, same DDL + indexes): {raw:.2f} s = "
          f"{args.rows / raw:,.0f} rows/s")
    ratio = raw / ours
    ok = result.ok and result.rows_created == args.rows and ours * 1_000_000 / args.rows <= TARGET_S \
        and ratio >= TARGET_RATIO
    if not args.keep:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print("kept", tmp)
    print(f"RESULT import_1m_rows value={ours * 1_000_000 / args.rows:.1f} unit=s target={TARGET_S:.0f} "
          f"ratio={ratio:.2f} ok={'true' if ok else 'false'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
