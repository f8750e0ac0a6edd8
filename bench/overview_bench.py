"""Overview dashboard on 1M feedback rows: server time of GET / (target <= 500 ms).

Creates a temporary SQLite database (migrate), inserts customers, orders, cancellation events, 1M feedback rows
with analysis (sentiment) and topic assignments by raw executemany, syncs the DuckDB warehouse once (timed),
then measures GET / with the Django test client: median of 10 after a warm-up, plus one request that includes
an incremental sync of 1,000 new feedback rows.

    .venv/bin/python bench/overview_bench.py [--feedback 1000000] [--customers 50000]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta


def _setup() -> None:
    os.environ["RESONANZ_DATA_DIR"] = tempfile.mkdtemp(prefix="resonanz-bench-overview-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "resonanz.config.settings.dev")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)


def _insert(table: str, columns: list[str], rows: list[tuple]) -> None:
    from django.db import connection

    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
    with connection.cursor() as cur:
        cur.connection.executemany(sql, rows)


def _ts(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def populate(n_feedback: int, n_customers: int, *, start_id: int = 1, seed: int = 0) -> None:
    from django.db import transaction

    from resonanz.analysis.models import Topic
    from resonanz.analysis.taxonomy import topics_ensure_default
    from resonanz.feedback.models import FeedbackSource
    from resonanz.journeys.models import Channel, Touchpoint

    rng = random.Random(seed)
    now = datetime.now(UTC)
    first = now - timedelta(days=730)
    topics_ensure_default()
    topic_ids = list(Topic.objects.values_list("id", flat=True))
    sources = list(FeedbackSource.objects.values_list("id", flat=True))
    channels = list(Channel.objects.values_list("id", flat=True))
    touchpoints = list(Touchpoint.objects.values_list("id", flat=True))
    regions = ["Bayern", "Berlin", "Hessen", "Sachsen", "Tirol", "Wien", "Zürich", "Hamburg", "NRW", "Bremen"]
    with transaction.atomic():
        if start_id == 1:
            _insert("customers_customer",
                    ["id", "external_id", "name", "email", "phone", "age_band", "gender", "postcode", "city", "region",
                     "country", "preferred_language", "acquisition_source", "consent_marketing",
                     "consent_feedback_contact", "attributes", "created_at", "updated_at"],
                    [(i, f"B-{i}", f"Kunde {i}", "", "", rng.choice(["25-34", "35-44", "45-54"]), "", "", "",
                      rng.choice(regions), "DE", "de", rng.choice(["web", "store", "referral"]), 0, 0, "{}",
                      _ts(first + timedelta(days=rng.random() * 700)), _ts(now)) for i in range(1, n_customers + 1)])
            orders, oid = [], 0
            for c in range(1, n_customers + 1):
                for _ in range(rng.randint(0, 6)):
                    oid += 1
                    orders.append((oid, f"BO-{oid}", c, _ts(first + timedelta(days=rng.random() * 729)),
                                   round(rng.uniform(10, 400), 2), "EUR", 1))
            _insert("customers_order", ["id", "external_id", "customer_id", "ordered_at", "amount", "currency",
                                        "items_count"], orders)
            _insert("journeys_event", ["id", "external_id", "customer_id", "occurred_at", "type", "properties"],
                    [(i, f"BE-{i}", rng.randint(1, n_customers), _ts(first + timedelta(days=rng.random() * 729)),
                      "account_closed", "{}") for i in range(1, n_customers // 20 + 1)])
        step = 100_000
        for lo in range(start_id, start_id + n_feedback, step):
            ids = range(lo, min(lo + step, start_id + n_feedback))
            fb, an, tp = [], [], []
            for i in ids:
                nps = rng.choice([0, 2, 5, 6, 7, 8, 8, 9, 9, 10, 10]) if rng.random() < 0.7 else None
                when = first + timedelta(seconds=rng.random() * 730 * 86400)
                fb.append((i, rng.choice(sources), rng.choice(channels), rng.choice(touchpoints),
                           rng.randint(1, n_customers) if n_customers else None, _ts(when), "", f"Text {i}", "",
                           "de", nps, rng.choice([None, 1, 3, 4, 5]), rng.choice([None, 2, 5, 7]), None, "{}", "",
                           f"bench:{i}", _ts(now)))
                sentiment = "negative" if nps is not None and nps <= 6 else rng.choice(["neutral", "positive"])
                an.append((i, "de", sentiment, -0.5 if sentiment == "negative" else 0.4, "[]", "", 0, "[]", 0, "{}",
                           "x", _ts(now)))
                for t in rng.sample(topic_ids, rng.choice([0, 1, 1, 2])):
                    tp.append((i, t, 0.8, sentiment, None, "bench"))
            _insert("feedback_feedback", ["id", "source_id", "channel_id", "touchpoint_id", "customer_id",
                                          "received_at", "title", "text", "text_redacted", "language", "nps", "csat",
                                          "ces", "rating", "properties", "external_id", "dedupe_key", "created_at"], fb)
            _insert("analysis_feedbackanalysis", ["feedback_id", "language", "sentiment", "sentiment_score",
                                                  "emotions", "intent", "urgent", "pii_types", "truncated",
                                                  "components", "input_hash", "analysed_at"], an)
            _insert("analysis_feedbacktopic", ["feedback_id", "topic_id", "score", "sentiment", "sentiment_score",
                                               "component"], tp)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feedback", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=50_000)
    args = parser.parse_args()
    _setup()
    from django.conf import settings
    from django.test import Client

    from resonanz.accounts.services import user_create
    from resonanz.insights.warehouse import warehouse, warehouse_sync

    t0 = time.perf_counter()
    populate(args.feedback, args.customers)
    print(f"populate: {args.feedback:,} feedback, {args.customers:,} customers in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    counts = warehouse_sync()
    print(f"warehouse full sync: {time.perf_counter() - t0:.1f} s {counts}")
    settings.RESONANZ_WAREHOUSE_MAX_AGE = 10**9  # synced: page views do not sync
    warehouse(max_age=0)
    user, _ = user_create(username="bench", role="viewer", password="bench-Passw0rd!")
    client = Client()
    client.force_login(user)

    def get() -> float:
        t = time.perf_counter()
        response = client.get("/")
        assert response.status_code == 200, response.status_code
        return (time.perf_counter() - t) * 1000

    print(f"first request (cold caches: customer frames, drivers, alerts): {get():.0f} ms")
    get()
    times = [get() for _ in range(10)]
    median = statistics.median(times)
    print("requests (ms):", " ".join(f"{x:.0f}" for x in times))
    populate(1000, 0, start_id=args.feedback + 1, seed=1)
    settings.RESONANZ_WAREHOUSE_MAX_AGE = 0
    print(f"request incl. incremental sync of 1,000 new rows (+ recomputed drivers/alerts): {get():.0f} ms")
    settings.RESONANZ_WAREHOUSE_MAX_AGE = 10**9
    ok = median <= 500
    print(f"RESULT overview_1m value={median:.0f} unit=ms target=500 ratio=- ok={'true' if ok else 'false'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
