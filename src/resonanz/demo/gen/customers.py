"""Generate one demo customer: person, address, contact data, consents, persona and latent traits.

Personas: ``alpin_profi`` (planted pattern 3: ~8 %, age 30–50, mostly CH and Bayern/Tirol, acquired in a
store or by referral, loyalty members; they order 3x as often with 2x the basket) and ``standard``.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from resonanz.demo.gen import data_names as N
from resonanz.demo.gen import data_places as G
from resonanz.demo.gen.data_products import CATEGORIES
from resonanz.demo.gen.model import END, START, DemoCustomer

ALPIN_SHARE = 0.08
EN_SHARE_DACH = 0.17
HISTORY_START = datetime(2019, 3, 1, tzinfo=UTC)
ACQUISITION = [("search", 30), ("social", 18), ("store", 18), ("referral", 12), ("marketplace", 13), ("newsletter", 9)]

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "", "'": ""})


def _weighted(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


def _region(rng: random.Random, country: str) -> tuple[str, list[tuple[str, int, int, float]]]:
    regs = G.REGIONS[country]
    w = [pop * G.REGION_BOOST.get(name, 1.0) for name, pop, _c in regs]
    name, _pop, cities = _weighted(rng, regs, w)
    return name, cities


def _location(rng: random.Random, persona: str) -> tuple[str, str, str, str]:
    """(country, region, city, postcode)."""
    if persona == "alpin_profi":
        r = rng.random()
        if r < 0.45:
            country = "CH"
            regs = [x for x in G.REGIONS["CH"] if x[0] in ("Zürich", "Bern", "Luzern", "Graubünden", "Wallis", "Zug", "Schwyz", "St. Gallen")]
            name, _p, cities = _weighted(rng, regs, [p for _n, p, _c in regs])
        elif r < 0.75:
            country, name = "DE", "Bayern"
            cities = next(c for n, _p, c in G.REGIONS["DE"] if n == "Bayern")
        elif r < 0.90:
            country, name = "AT", "Tirol"
            cities = next(c for n, _p, c in G.REGIONS["AT"] if n == "Tirol")
        else:
            country = _weighted(rng, ["DE", "AT"], [3, 1])
            name, cities = _region(rng, country)
    else:
        country = _weighted(rng, list(G.COUNTRY_WEIGHTS), list(G.COUNTRY_WEIGHTS.values()))
        name, cities = _region(rng, country)
    city, lo, hi, _w = _weighted(rng, cities, [c[3] for c in cities])
    if country == "GB":
        out = rng.choice(G.UK_OUTWARD[city])
        postcode = f"{out} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    elif country == "AT" and city == "Wien":
        postcode = str(1000 + 10 * rng.randint(1, 23))
    else:
        n = rng.randint(lo, hi)
        postcode = f"{n:05d}" if country in ("DE", "US") else str(n)
    return country, name, city, postcode


def _phone(rng: random.Random, country: str) -> str:
    pre = rng.choice(G.MOBILE_PREFIXES[country])
    if country == "DE":
        num = "".join(str(rng.randint(0, 9)) for _ in range(rng.choice([7, 8])))
        return rng.choice([f"+49 {pre} {num}", f"0{pre} {num}", f"0{pre}/{num}", f"+49{pre}{num}"])
    if country == "AT":
        num = "".join(str(rng.randint(0, 9)) for _ in range(7))
        return rng.choice([f"+43 {pre} {num}", f"0{pre} {num}", f"+43 {pre} {num[:3]} {num[3:]}"])
    if country == "CH":
        a, b, c = rng.randint(100, 999), rng.randint(10, 99), rng.randint(10, 99)
        return rng.choice([f"+41 {pre} {a} {b} {c}", f"0{pre} {a} {b} {c}", f"+41{pre}{a}{b}{c}"])
    if country == "GB":
        return f"+44 {pre} {rng.randint(100000, 999999)}"
    return f"+1 ({pre}) {rng.randint(200, 999)}-{rng.randint(1000, 9999)}"


def _email(rng: random.Random, first: str, last: str, country: str, birth_year: int | None) -> str:
    f, ln = first.lower().translate(_TRANSLIT), last.lower().translate(_TRANSLIT)
    domains = N.EMAIL_DOMAINS[country]
    dom = _weighted(rng, [d for d, _w in domains], [w for _d, w in domains])
    yy = f"{birth_year % 100:02d}" if birth_year else str(rng.randint(1, 99))
    local = rng.choice([f"{f}.{ln}", f"{f[0]}.{ln}", f"{f}{ln}{yy}", f"{ln}.{f}", f"{f}_{ln}", f"{f}.{ln}{rng.randint(1, 999)}",
                        f"{f}{yy}"])
    return f"{local}@{dom}"


def _age_band(age: int) -> str:
    for lo, band in ((65, "65+"), (55, "55-64"), (45, "45-54"), (35, "35-44"), (25, "25-34")):
        if age >= lo:
            return band
    return "18-24"


def _created_at(rng: random.Random) -> datetime:
    if rng.random() < 0.35:  # existing customers from before the demo window
        span = (START - HISTORY_START).total_seconds()
        return HISTORY_START + timedelta(seconds=rng.random() * span)
    span = (END - START).total_seconds() - 86400 * 3
    while True:  # slight growth over time and a spring/autumn season
        t = START + timedelta(seconds=rng.random() * span)
        w = 0.75 + 0.25 * (t - START).total_seconds() / span + (0.2 if t.month in (3, 4, 5, 9, 10, 11) else 0.0)
        if rng.random() * 1.2 < w:
            return t


def make_customer(seed: int, idx: int) -> DemoCustomer:
    """Customer number ``idx`` (0-based) of the demo world for ``seed``; independent of the total size."""
    rng = random.Random(f"gipfelwerk:{seed}:customer:{idx}")
    persona = "alpin_profi" if rng.random() < ALPIN_SHARE else "standard"
    country, region, city, postcode = _location(rng, persona)
    english = country in ("GB", "US") or rng.random() < EN_SHARE_DACH
    g = rng.random()
    gender = "f" if g < 0.47 else "m" if g < 0.97 else "d" if g < 0.98 else ""
    female = gender == "f" or (gender in ("d", "") and rng.random() < 0.5)
    if english:
        first = rng.choice(N.FIRST_F_EN if female else N.FIRST_M_EN)
        last = rng.choice(N.LAST_EN) if rng.random() < 0.8 or country in ("GB", "US") else rng.choice(N.LAST_DE)
    else:
        first = rng.choice(N.FIRST_F_DE if female else N.FIRST_M_DE)
        last = rng.choice(N.LAST_DE)
    age = rng.randint(30, 50) if persona == "alpin_profi" else max(18, min(82, int(rng.gauss(41, 13))))
    birth_year: int | None = 2026 - age - (1 if rng.random() < 0.4 else 0)
    if rng.random() < 0.05:
        birth_year = None
    created = _created_at(rng)
    store = None
    if country in ("DE", "AT", "CH"):
        store = G.SPECIAL_STORE.get(city) or G.REGION_STORE.get(region)
    src_items = [a for a, _w in ACQUISITION]
    src_w = [w if (a != "store" or store) else 0 for a, w in ACQUISITION]
    if persona == "alpin_profi":
        acquisition = _weighted(rng, ["store", "referral", "search"], [55, 40, 5])
        loyalty = rng.random() < 0.95
    else:
        acquisition = _weighted(rng, src_items, src_w)
        loyalty = rng.random() < 0.28
    consent_m = rng.random() < (0.7 if loyalty else 0.5)
    consent_f = rng.random() < 0.42
    def _later(p: float) -> datetime:  # noqa: E306
        return created + timedelta(minutes=rng.randint(1, 30)) if rng.random() < p else min(
            END, created + timedelta(days=rng.randint(1, 400)))
    cat_w = [c[3] * (1.6 if persona == "alpin_profi" and c[0] in ("climbing", "jackets", "boots") else 1) for c in CATEGORIES]
    pref = _weighted(rng, [c[0] for c in CATEGORIES], cat_w)
    attributes = {
        "loyalty_member": loyalty,
        "newsletter": consent_m and rng.random() < 0.85,
        "preferred_category": pref,
        "demo_seed": seed,
        "demo_persona": persona,
    }
    if store:
        attributes["home_store"] = store
    return DemoCustomer(
        idx=idx, external_id=f"K-{100001 + idx}", name=f"{first} {last}",
        email=_email(rng, first, last, country, birth_year) if rng.random() < 0.97 else "",
        phone=_phone(rng, country) if rng.random() < 0.85 else "",
        birth_year=birth_year, age_band=_age_band(age) if birth_year else "", gender=gender, postcode=postcode,
        city=city, region=region, country=country, preferred_language="en" if english else "de",
        acquisition_source=acquisition, consent_marketing=consent_m,
        consent_marketing_at=_later(0.8) if consent_m else None, consent_feedback_contact=consent_f,
        consent_feedback_contact_at=_later(0.7) if consent_f else None, created_at=created, attributes=attributes,
        persona=persona, store=store, trouble=rng.random() ** 3, mood=rng.gauss(0.0, 1.0),
    )
