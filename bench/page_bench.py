"""Page benchmark: server time of the feedback list (with and without filters) and the customer 360° page.

Loads a cached SQLite database (or generates it when missing: 20,000 feedback, 2,000 customers, their orders
and journey events, plus one customer with a long history), then requests each page 20 times with the Django
test client as a logged-in viewer and prints the median. Target: ≤ 150 ms per page.

    .venv/bin/python bench/page_bench.py [--feedback 20000] [--customers 2000] [--runs 20] [--db PATH] [--fresh]

The database lives in $TMPDIR/resonanz-page-bench/ by default (never in the repository). Each page ends
with one line ``RESULT page_<name> value=<ms> unit=ms target=150 ratio=- ok=<true|false>``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
TARGET_MS = 150.0
WORDS = ["Lieferung", "schnell", "freundlich", "Beratung", "Rücksendung", "Preis", "Qualität", "Jacke", "Schuhe", "Paket", "verspätet", "kaputt", "Kasse", "App", "Rechnung", "Service", "Filiale", "Größe", "passt", "super", "leider", "wieder", "gerne", "Erstattung"]


def setup_django(db_path: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    os.environ.setdefault("RESONANZ_DATA_DIR", str(db_path.parent))
    os.environ.setdefault("RESONANZ_ALLOWED_HOSTS", "testserver,localhost")
    os.environ.setdefault("RESONANZ_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "resonanz.config.settings.dev"
    import django

    django.setup()


def generate(n_feedback: int, n_customers: int, seed: int = 7) -> None:
    """Bulk-insert a realistic spread of customers, orders, events and feedback (one customer: long history)."""
    from django.core.management import call_command
    from django.utils import timezone

    from resonanz.customers.models import Customer, Order
    from resonanz.feedback.models import Feedback, FeedbackSource
    from resonanz.journeys.models import Channel, Event, Touchpoint

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    now = timezone.now()
    sources, channels = list(FeedbackSource.objects.all()), list(Channel.objects.all())
    touchpoints = list(Touchpoint.objects.select_related("stage"))
    regions = {"DE": ["Bayern", "Berlin", "Hamburg", "Hessen", "NRW", "Sachsen"], "AT": ["Wien", "Tirol"],
               "CH": ["Zürich", "Bern"]}
    customers = []
    for i in range(n_customers):
        country = rng.choice(["DE"] * 8 + ["AT", "CH"])
        customers.append(Customer(
            external_id=f"K{i:07d}", name=f"Kundin {i}", email=f"kunde{i}@example.org", country=country,
            region=rng.choice(regions[country]), gender=rng.choice("fmd "), age_band=rng.choice(
                ["18-24", "25-34", "35-44", "45-54", "55-64", "65+", ""]).strip(),
            created_at=now - timedelta(days=rng.randint(0, 1500)), attributes={"tier": rng.choice("abc")}))
    for c in customers:
        c.gender = c.gender.strip()
    Customer.objects.bulk_create(customers, batch_size=2000)
    ids = list(Customer.objects.order_by("id").values_list("id", flat=True))
    heavy = ids[0]

    def when() -> object:
        return now - timedelta(minutes=rng.randint(0, 730 * 24 * 60))

    orders, events = [], []
    for k, cid in enumerate(ids):
        for j in range(300 if cid == heavy else rng.randint(0, 8)):
            orders.append(Order(external_id=f"O{k}-{j}", customer_id=cid, ordered_at=when(),
                                amount=Decimal(rng.randint(500, 30000)) / 100, channel=rng.choice(channels)))
        for j in range(600 if cid == heavy else rng.randint(0, 15)):
            tp = rng.choice(touchpoints)
            events.append(Event(external_id=f"E{k}-{j}", customer_id=cid, occurred_at=when(), touchpoint=tp,
                                stage=tp.stage, type=rng.choice(["page_view", "visit", "call", "delivery"])))
    Order.objects.bulk_create(orders, batch_size=5000)
    Event.objects.bulk_create(events, batch_size=5000)
    feedback = []
    for i in range(n_feedback):
        tp = rng.choice(touchpoints)
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60)))
        feedback.append(Feedback(
            source=rng.choice(sources), channel=tp.channel, touchpoint=tp,
            customer_id=heavy if i % 50 == 0 else rng.choice(ids + [None] * (len(ids) // 4)),
            received_at=when(), text=text, text_redacted=text, language=rng.choice(["de"] * 4 + ["en"]),
            nps=rng.choice([None, *range(11)]), csat=rng.choice([None, None, *range(1, 6)]),
            ces=rng.choice([None, None, None, *range(1, 8)]), dedupe_key=f"bench-{i}"))
    Feedback.objects.bulk_create(feedback, batch_size=5000)


def measure(client: object, url: str, runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU time (ms) of ``runs`` requests. CPU time shows the cost without the
    noise of a busy machine; the RESULT line uses wall-clock time."""
    for _ in range(3):  # warm-up: templates, caches
        assert client.get(url).status_code == 200, url  # type: ignore[attr-defined]
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)  # type: ignore[attr-defined]
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200
    return statistics.median(wall), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feedback", type=int, default=20_000)
    parser.add_argument("--customers", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "resonanz-page-bench" / "bench.sqlite3")
    parser.add_argument("--fresh", action="store_true", help="regenerate the database")
    args = parser.parse_args()
    db = args.db.with_name(f"{args.db.stem}-{args.feedback}-{args.customers}{args.db.suffix}")
    db.parent.mkdir(parents=True, exist_ok=True)
    if args.fresh and db.exists():
        db.unlink()
    exists = db.exists()
    setup_django(db)
    if not exists:
        start = time.perf_counter()
        generate(args.feedback, args.customers)
        print(f"generated {db} in {time.perf_counter() - start:.1f} s")

    from django.test import Client

    from resonanz.accounts.services import user_create
    from resonanz.customers.models import Customer
    from resonanz.feedback.models import Feedback

    user, _ = user_create(username="bench-viewer", role="viewer", password="bench-pass-1234")
    client = Client()
    client.force_login(user)
    heavy = Customer.objects.order_by("id").first()
    print(f"data: feedback={Feedback.objects.count()} customers={Customer.objects.count()} "
          f"heavy customer #{heavy.pk}: events={heavy.events.count()} orders={heavy.orders.count()} "
          f"feedback={heavy.feedback.count()}")
    pages = {
        "page_feedback_list": "/feedback/",
        "page_feedback_list_filtered": "/feedback/?channel=website&channel=app&q=Lieferung&nps_min=0&nps_max=6"
                                       "&received_from=01.01.2020&language=de",
        "page_feedback_list_page_100": "/feedback/?page=100",
        "page_customer_list_search": "/customers/?q=kunde12&country=DE",
        "page_customer_360": f"/customers/{heavy.pk}/",
    }
    measured = {name: measure(client, url, args.runs) for name, url in pages.items()}
    print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    for name, url in pages.items():
        wall, cpu = measured[name]
        print(f"{name:30s} median {wall:7.1f} ms wall, {cpu:7.1f} ms CPU  ({url})")
    results = {name: wall for name, (wall, _cpu) in measured.items()}
    for name, ms in results.items():
        print(f"RESULT {name} value={ms:.1f} unit=ms target={TARGET_MS:.0f} ratio=- "
              f"ok={'true' if ms <= TARGET_MS else 'false'}")
    return 0 if all(ms <= TARGET_MS for ms in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
