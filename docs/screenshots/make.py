"""Screenshots of the real pages for the README (headless Debian Chromium, no ``playwright install``).

    .venv/bin/python docs/screenshots/make.py [--out docs/screenshots] [--lang de|en]

Builds a throw-away SQLite database with a small, plausible data set (customers, orders, journey events,
feedback), starts the app on a local port in this process, logs in through the real login form and saves
overview.png, feedback-list.png, customer-360.png and, when the import pages exist, import-preview.png.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]
TEXTS = [
    (10, "Super schnelle Lieferung, die Jacke passt perfekt. Gerne wieder!"),
    (9, "Die Beratung in der Filiale war kompetent und freundlich."),
    (8, "Alles gut, nur die Versandkosten sind etwas hoch."),
    (7, "Ware ok, aber die Rücksendung hat fast zwei Wochen gedauert."),
    (3, "Paket kam beschädigt an und der Kundenservice hat erst nach drei Tagen geantwortet."),
    (2, "Die Rechnung war falsch und am Telefon wurde ich zweimal weiterverbunden."),
    (6, "Die App stürzt an der Kasse ab, ich musste im Browser bestellen."),
    (10, "Great service, the return was refunded within two days."),
    (4, "Lieferung verspätet, keine Info zur Sendungsverfolgung."),
    (9, "Sehr übersichtlicher Onlineshop, Bezahlung mit PayPal ging schnell."),
]
CSV = ("feedback_id;datum;nps;kommentar;kanal\n"
       "A-1;03.05.2025;9;Schnelle Lieferung, danke!;email\n"
       "A-2;04.05.2025;11;Falscher Wert;email\n"
       "A-3;gestern;7;Datum unlesbar;chat\n")


def setup(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["RESONANZ_DATA_DIR"] = str(db.parent)
    os.environ.setdefault("RESONANZ_ALLOWED_HOSTS", "localhost,127.0.0.1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "resonanz.config.settings.dev"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def demo_data(seed: int = 3) -> int:
    """A small plausible data set; returns the id of the customer shown on the 360° page."""
    from django.utils import timezone

    from resonanz.customers.models import Customer, Order
    from resonanz.feedback.models import Feedback, FeedbackSource
    from resonanz.journeys.models import Channel, Event, Touchpoint

    rng = random.Random(seed)
    now = timezone.now()
    names = ["Erika Mustermann", "Jonas Becker", "Aylin Yilmaz", "Lukas Schneider", "Mia Wagner", "Noah Fischer",
             "Emma Hoffmann", "Paul Schäfer", "Lea Koch", "Ben Richter", "Sofia Klein", "Elias Wolf"]
    cities = [("10115", "Berlin", "Berlin"), ("80331", "München", "Bayern"), ("20095", "Hamburg", "Hamburg"),
              ("50667", "Köln", "Nordrhein-Westfalen"), ("01067", "Dresden", "Sachsen")]
    customers = []
    for i in range(240):
        pc, city, region = rng.choice(cities)
        name = names[i % len(names)] if i < len(names) else f"{rng.choice(names).split()[0]} {rng.choice(names).split()[1]}"
        customers.append(Customer.objects.create(
            external_id=f"K-{10000 + i}", name=name, email=f"kunde{i}@example.org", postcode=pc, city=city,
            region=region, country="DE", gender=rng.choice("fmd"), birth_year=rng.randint(1950, 2004),
            age_band=rng.choice(["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]), preferred_language="de",
            consent_marketing=i % 3 == 0, consent_marketing_at=now - timedelta(days=400) if i % 3 == 0 else None,
            created_at=now - timedelta(days=rng.randint(30, 900)), attributes={"kundenkarte": rng.choice(["Gold", "Silber", "—"])}))
    touchpoints = list(Touchpoint.objects.select_related("stage", "channel"))
    sources = {s.code: s for s in FeedbackSource.objects.all()}
    web = Channel.objects.get(code="website")
    n = 0
    for c in customers:
        for j in range(rng.randint(1, 6)):
            at = now - timedelta(days=rng.randint(1, 360), minutes=rng.randint(0, 1440))
            Order.objects.create(external_id=f"B-{c.pk}-{j}", customer=c, ordered_at=at, channel=web,
                                 amount=Decimal(rng.randint(1990, 24990)) / 100, items_count=rng.randint(1, 4))
            for k, code in enumerate(["product_page", "cart", "online_checkout", "delivery"]):
                tp = next(t for t in touchpoints if t.code == code)
                Event.objects.create(external_id=f"E-{c.pk}-{j}-{k}", customer=c, touchpoint=tp, stage=tp.stage,
                                     occurred_at=at + timedelta(hours=k * 20 - 2), type=code)
            if rng.random() < 0.7:
                nps, text = rng.choice(TEXTS)
                tp = rng.choice(touchpoints)
                n += 1
                Feedback.objects.create(
                    source=sources[rng.choice(["nps_survey", "review_site", "support_email", "app_store"])],
                    channel=tp.channel, touchpoint=tp, customer=c, received_at=min(at + timedelta(days=4), now - timedelta(hours=1)),
                    text=text, text_redacted=text, language="en" if text.startswith("Great") else "de", nps=nps,
                    csat=max(1, min(5, round(nps / 2))), dedupe_key=f"demo-{n}")
    return customers[0].pk


def main() -> int:
    parser = argparse.ArgumentParser(description="Screenshots of the real pages")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    parser.add_argument("--lang", default="de", choices=["de", "en"])
    args = parser.parse_args()
    chromium = Path(os.environ.get("RESONANZ_CHROMIUM", "/usr/bin/chromium"))
    if not chromium.exists():
        print(f"{chromium} not found: install Debian's chromium")
        return 1
    tmp = Path(tempfile.mkdtemp(prefix="resonanz-shots-"))
    setup(tmp / "demo.sqlite3")
    customer_id = demo_data()

    from django.test.testcases import LiveServerThread, _StaticFilesHandler
    from playwright.sync_api import sync_playwright

    from resonanz.accounts.services import user_create

    user_create(username="analyst", role="analyst", password="demo-Passw0rd")  # noqa: S106 (throw-away demo DB)
    server = LiveServerThread("localhost", _StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    base = f"http://localhost:{server.port}"
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="en-GB" if args.lang == "en" else "de-DE")
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=username]", "analyst")
        page.fill("input[name=password]", "demo-Passw0rd")
        page.click("button[type=submit]")
        page.wait_for_load_state("networkidle")
        if args.lang == "en":
            with page.expect_navigation():
                page.select_option("#language-select", "en")
        shots = [("overview.png", "/"), ("feedback-list.png", "/feedback/?nps_max=6"),
                 ("customer-360.png", f"/customers/{customer_id}/")]
        for name, path in shots:
            page.goto(base + path)
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(args.out / name), full_page=False)
            print("saved", args.out / name)
        page.goto(f"{base}/imports/new/")
        if page.locator("input[type=file]").count():
            csv_path = tmp / "feedback-beispiel.csv"
            csv_path.write_text(CSV, encoding="utf-8")
            page.set_input_files("input[type=file]", str(csv_path))
            kind = page.locator("select[name=kind]")
            if kind.count():
                kind.select_option("feedback")
            page.locator("main form button[type=submit]").click()
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(args.out / "import-preview.png"), full_page=True)
            print("saved", args.out / "import-preview.png")
        browser.close()
    server.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
