"""Every link a user can reach answers: a crawler follows the links of every page (GET only) in a small demo
company with analysed feedback, sub-topics, suggestions, jobs and an import, as each role and in both languages.
A link that leads to a 500, or a 404 reached from our own pages, is a bug."""

from __future__ import annotations

import re
from collections import Counter, deque
from html import unescape
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

START = ["/", "/feedback/", "/customers/", "/journeys/", "/segments/", "/loop/", "/imports/", "/jobs/",
         "/analysis/quality/", "/analysis/quality/review/", "/analysis/taxonomy/", "/analysis/discovery/",
         "/analysis/search/?q=Lieferung+zu+sp%C3%A4t"]
SKIP = re.compile(r"^/(admin|static|media|accounts/logout|i18n|api)/|[?&](format=pdf|export=)")
HREF = re.compile(r'href="(/[^"#]*)"')
MAX_PAGES = 220
PER_SHAPE = 3  # pages of one shape: the same path (ids as N) and the same query parameter names


@pytest.fixture
def world(tmp_path):
    from resonanz.analysis.models import Topic, TopicSuggestion
    from resonanz.analysis.services import feedback_analyze
    from resonanz.analysis.taxonomy import topic_split, topics_ensure_default
    from resonanz.demo.loader import demo_load
    from resonanz.feedback.models import Feedback
    from resonanz.imports.services import import_file
    from resonanz.jobs.services import job_create, job_fail

    demo_load(seed=7, customers=80)
    topics_ensure_default()
    topic_split(topic=Topic.objects.get(key="price_value"), names=[("Rabatte", "Discounts"), ("Versand", "Shipping")])
    ids = list(Feedback.objects.exclude(text="").order_by("id").values_list("id", flat=True)[:120])
    feedback_analyze(feedback_ids=ids)
    TopicSuggestion.objects.create(label="gutschein / code", terms=["gutschein", "code"], size=2,
                                   quotes=[{"feedback_id": ids[0], "text": "<script>alert(1)</script>"}],
                                   member_ids=ids[:2], component="discovery.kmeans-ctfidf.v1")
    job_fail(job_id=job_create(kind="analysis", label="kaputt").pk, error="RuntimeError: <b>x</b>")
    path = tmp_path / "c.csv"
    path.write_text("Kundennummer;Name\nK-X1;Zoë\nK-X2;\n", encoding="utf-8")
    import_file(path=path, kind="customers", skip_invalid=True)
    return ids


def _shape(url: str) -> tuple[str, tuple[str, ...]]:
    parts = urlsplit(url)
    return re.sub(r"/\d+/", "/N/", parts.path), tuple(sorted(k for k, _ in parse_qsl(parts.query)))


def _crawl(client: Client) -> tuple[dict[str, int], dict[str, str]]:
    seen: dict[str, int] = {}
    came_from: dict[str, str] = {}
    shapes: Counter[tuple[str, tuple[str, ...]]] = Counter()
    todo = deque(START)
    while todo and len(seen) < MAX_PAGES:
        url = todo.popleft()
        if url in seen or SKIP.search(url):
            continue
        shape = _shape(url)
        if shapes[shape] >= PER_SHAPE:
            continue
        shapes[shape] += 1
        resp = client.get(url)
        seen[url] = resp.status_code
        if resp.status_code == 200 and resp.get("Content-Type", "").startswith("text/html"):
            for href in HREF.findall(resp.content.decode()):
                link = unescape(href)
                parts = urlsplit(link)
                link = parts.path + (f"?{urlencode(parse_qsl(parts.query))}" if parts.query else "")
                if link not in seen:
                    came_from.setdefault(link, url)
                    todo.append(link)
    return seen, came_from


@pytest.mark.parametrize("role,language", [("admin", "de"), ("analyst", "en"), ("viewer", "de")])
def test_every_reachable_page_answers(world, make_user, role, language):
    client = Client()
    client.force_login(make_user(role))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    seen, came_from = _crawl(client)
    broken = {url: (code, came_from.get(url, "start")) for url, code in seen.items()
              if code >= 500 or code == 404 or (code == 403 and role == "admin")}
    assert broken == {}, broken
    assert len(seen) >= 40, f"the crawl reached only {len(seen)} pages: {sorted(seen)}"
