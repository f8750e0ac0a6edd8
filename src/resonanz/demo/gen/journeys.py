"""Simulate one customer's journey: orders, events at the default touchpoints and feedback occasions.

Per customer: orders (Poisson over the active months, seasonal), each with the journey events of its channel
(web shop, app or store), browsing sessions between orders (page views, newsletter opens, abandoned carts,
store visits), service contacts, returns, warranty claims and finally churn (explicit or silent). Feedback
is not written here: the simulation leaves *occasions* (an NPS survey after a delivery, a CSAT survey after a
service contact …) that :mod:`resonanz.demo.gen.feedback` turns into texts and scores.

The planted patterns 1, 3, 4 and 6 are produced here; the constants below are their knobs (see
docs/demo-data.md for the measured definitions).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from resonanz.demo.gen.data_products import CATEGORIES, PRODUCTS, PRODUCTS_BY_CATEGORY
from resonanz.demo.gen.model import (
    END,
    START,
    WAVE_END,
    WAVE_REGION,
    WAVE_START,
    DemoCustomer,
    DemoEvent,
    DemoOrder,
)
from resonanz.journeys.defaults import TOUCHPOINTS

STAGE_OF: dict[str, str] = {code: stage for code, _de, _en, stage, _ch in TOUCHPOINTS}
CHANNEL_OF: dict[str, str] = {code: ch for code, _de, _en, _st, ch in TOUCHPOINTS}

ORDER_RATE = 0.165  # orders per active month, standard persona
ALPIN_FREQ, ALPIN_BASKET = 3.4, 2.0  # pattern 3
SESSION_RATE = 0.85  # browsing sessions per active month (keeps active customers visibly active)
DELAY_P, WAVE_DELAY_FACTOR = 0.05, 7.0  # pattern 1: P(delivery_delayed) per shipment, x factor in the wave
PAYFAIL_P = {"web": 0.03, "app": 0.24}  # pattern 4
APP_ABANDON_AFTER_FAIL = 0.45
WAVE_ISSUE_P = 0.45
WAVE_PUBLIC_COMPLAINT_P = 0.3  # angry posts / contact-form messages about the late parcel
RETURN_P = {"jackets": 0.2, "boots": 0.24, "backpacks": 0.1, "tents": 0.09, "bike": 0.08, "climbing": 0.09}
CHURN_P_BASE, CHURN_P_TROUBLE = 0.12, 0.40  # pattern 6: >= 2 negative service contacts
SILENT_CHURN_CUTOFF = END - timedelta(days=150)
SEASON = {1: 0.7, 2: 0.75, 3: 1.0, 4: 1.1, 5: 1.15, 6: 1.1, 7: 0.95, 8: 0.9, 9: 1.0, 10: 1.1, 11: 1.25, 12: 1.35}
MONTH = timedelta(days=30.44)


@dataclass(slots=True)
class Occasion:
    """A moment that can produce feedback (survey invitation, ticket, review …)."""

    kind: str
    at: datetime
    touchpoint: str | None
    order: DemoOrder | None = None
    info: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Journey:
    orders: list[DemoOrder]
    events: list[DemoEvent]
    occasions: list[Occasion]
    churned_at: datetime | None = None
    churn_kind: str = ""  # "explicit" | "silent" | ""


def in_wave(customer: DemoCustomer, t: datetime) -> bool:
    return customer.region == WAVE_REGION and WAVE_START <= t < WAVE_END


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _seasonal_time(rng: random.Random, a: datetime, b: datetime) -> datetime:
    span = (b - a).total_seconds()
    while True:
        t = a + timedelta(seconds=rng.random() * span)
        if rng.random() * 1.35 < SEASON[t.month]:
            return t.replace(hour=rng.choice(range(7, 23)), minute=rng.randint(0, 59), second=rng.randint(0, 59))


def _money(x: float) -> Decimal:
    x = max(4.9, x)
    return Decimal(f"{math.floor(x) + (0.9 if x > 20 else 0.95):.2f}")


class _Sim:
    """The state of one customer's simulation."""

    def __init__(self, c: DemoCustomer, rng: random.Random) -> None:
        self.c, self.rng = c, rng
        self.events: list[DemoEvent] = []
        self.orders: list[DemoOrder] = []
        self.occ: list[Occasion] = []
        self.alpin = c.persona == "alpin_profi"
        self.app_user = rng.random() < (0.45 if not self.alpin else 0.3)
        self.neg_service: list[datetime] = []

    def ev(self, t: datetime, type_: str, tp: str | None, value: Decimal | None = None, **props: Any) -> None:
        if t > END or t < START:
            return
        self.events.append(DemoEvent("", self.c.external_id, t, type_, tp, STAGE_OF.get(tp or "", "post_purchase"), value,
                                     {k: v for k, v in props.items() if v is not None}))

    # ------------------------------------------------------------------ orders
    def channel_for_order(self) -> str:
        c, r = self.c, self.rng.random()
        if c.country in ("GB", "US") or not c.store:
            return "app" if r < (0.3 if self.app_user else 0.05) else "web"
        store_city = c.attributes.get("home_store") and c.city in ("München", "Garmisch-Partenkirchen", "Stuttgart",
                                                                   "Freiburg im Breisgau", "Berlin", "Hamburg", "Köln",
                                                                   "Innsbruck", "Wien", "Salzburg", "Zürich", "Bern", "Luzern")
        p_store = 0.45 if self.alpin else 0.38 if store_city else 0.18
        if r < p_store:
            return "store"
        return "app" if self.rng.random() < (0.42 if self.app_user else 0.06) else "web"

    def basket(self, t: datetime, channel: str) -> DemoOrder:
        rng, c = self.rng, self.c
        pref = c.attributes["preferred_category"]
        cat = pref if rng.random() < 0.45 else rng.choices([x[0] for x in CATEGORIES], [x[3] for x in CATEGORIES])[0]
        pidx = rng.choice(PRODUCTS_BY_CATEGORY[cat])
        items = 1 + _poisson(rng, 0.7)
        amount = PRODUCTS[pidx][6] * rng.uniform(0.8, 1.05) + sum(rng.uniform(12, 110) for _ in range(items - 1))
        if self.alpin:
            amount *= ALPIN_BASKET * rng.uniform(0.9, 1.1)
            items += 1
        currency = "EUR"
        if c.country == "CH":
            amount, currency = amount * 1.08, "CHF"
        tp = {"web": "online_checkout", "app": "app_checkout", "store": "store_checkout"}[channel]
        ch = {"web": "website", "app": "app", "store": "store"}[channel]
        return DemoOrder("", c.external_id, t, _money(amount), currency, items, ch, tp, cat, pidx)

    def order_journey(self, t: datetime) -> None:
        rng, c = self.rng, self.c
        channel = self.channel_for_order()
        order = self.basket(t, channel)
        if channel == "store":
            advised = rng.random() < 0.72
            self.ev(t - timedelta(minutes=rng.randint(10, 50)), "store_visit", "store_advice", store=c.store, advised=advised)
            if advised and rng.random() < 0.3:
                self.occ.append(Occasion("store_advice", t + timedelta(days=rng.uniform(0.5, 4)), "store_advice", order))
            self.ev(t, "order_placed", "store_checkout", order.amount, order=order, store=c.store)
            self.orders.append(order)
            self.post_purchase(order, delivered_at=t, store=True)
            return
        cart_tp = "app_cart" if channel == "app" else "cart"
        co_tp = "app_checkout" if channel == "app" else "online_checkout"
        start = t - timedelta(days=rng.uniform(0.02, 12))
        if rng.random() < 0.5:
            kind = rng.choices(["ad", "tv", "social", "search"], [0.4, 0.08, 0.27, 0.25])[0]
            at = start - timedelta(days=rng.uniform(0, 10))
            if kind == "ad":
                self.ev(at, "ad_impression", "online_ad", campaign=rng.choice(["Herbst-Sale", "Bergsommer", "Winterstart", "Club-Woche"]))
            elif kind == "tv":
                self.ev(at, "ad_impression", "print_tv_ad")
            elif kind == "social":
                self.ev(at, "social_click", "social_media_post", network=rng.choice(["instagram", "facebook", "tiktok", "youtube"]))
            else:
                self.ev(at, "search_click", "search_engine")
        if c.attributes.get("newsletter") and rng.random() < 0.35:
            self.ev(start - timedelta(hours=rng.uniform(1, 48)), "newsletter_open", "newsletter")
        for _ in range(rng.choice((1, 1, 2, 3))):
            self.ev(start + timedelta(minutes=rng.uniform(0, 30)), "page_view", "product_page", category=order.category)
        if rng.random() < 0.25:
            self.ev(start + timedelta(minutes=rng.uniform(5, 40)), "review_read", "reviews_read")
        if rng.random() < 0.06:
            self.ev(start + timedelta(minutes=rng.uniform(5, 60)), "chat_started", "chat_advice")
        if rng.random() < 0.02:
            self.ev(start + timedelta(minutes=rng.uniform(5, 60)), "advice_call", "phone_advice")
        if c.store and rng.random() < 0.07:
            self.ev(start - timedelta(days=rng.uniform(1, 6)), "store_visit", "store_advice", store=c.store, advised=True)
        self.ev(t - timedelta(minutes=rng.uniform(3, 25)), "cart_add", cart_tp, category=order.category)
        if rng.random() < 0.3:
            self.ev(t - timedelta(minutes=rng.uniform(2, 20)), "cart_add", cart_tp)
        self.ev(t - timedelta(minutes=2), "checkout_started", co_tp)
        failed = rng.random() < PAYFAIL_P[channel]
        if failed:
            self.ev(t - timedelta(minutes=1), "payment_failed", co_tp, order.amount,
                    method=rng.choice(["card", "paypal", "twint" if c.country == "CH" else "klarna"]))
            if channel == "app" and rng.random() < APP_ABANDON_AFTER_FAIL:
                self.ev(t + timedelta(minutes=rng.uniform(1, 20)), "cart_abandoned", cart_tp, order.amount)
                if rng.random() < 0.1:
                    self.occ.append(Occasion("app_store", t + timedelta(hours=rng.uniform(1, 30)), "app_checkout", None,
                                             {"payment_failed": True}))
                if rng.random() < 0.25:
                    self.occ.append(Occasion("checkout", t + timedelta(minutes=30), co_tp, None, {"payment_failed": True}))
                return
        self.ev(t, "order_placed", co_tp, order.amount, order=order)
        self.orders.append(order)
        self.ev(t + timedelta(minutes=1), "order_confirmation_sent", "order_confirmation", order=order)
        if rng.random() < 0.1:
            self.occ.append(Occasion("checkout", t + timedelta(minutes=rng.uniform(5, 600)), co_tp, order,
                                     {"payment_failed": failed}))
        if channel == "app" and rng.random() < 0.04:
            self.occ.append(Occasion("app_store", t + timedelta(days=rng.uniform(0, 5)), "app_checkout", order,
                                     {"payment_failed": failed}))
        shipped = t + timedelta(hours=rng.uniform(6, 40))
        self.ev(shipped, "shipped", "delivery", order=order, carrier=rng.choice(["DHL", "DPD", "GLS", "Post"]))
        p_delay = DELAY_P * (WAVE_DELAY_FACTOR if in_wave(c, shipped) else 1.0)
        delayed = rng.random() < p_delay
        delay_days = 0
        if delayed:
            delay_days = rng.randint(5, 16)
            self.ev(shipped + timedelta(days=rng.uniform(2, 3)), "delivery_delayed", "delivery", order=order,
                    delay_days=delay_days)
        delivered = shipped + timedelta(days=rng.uniform(1, 3) + delay_days)
        self.ev(delivered, "delivered", "delivery", order=order)
        if rng.random() < 0.65:
            self.ev(t + timedelta(hours=rng.uniform(1, 30)), "invoice_sent", "invoice", order.amount, order=order)
        self.post_purchase(order, delivered_at=delivered, store=False, delayed=delayed, delay_days=delay_days,
                           payment_failed=failed, shipped=shipped)

    def post_purchase(self, order: DemoOrder, *, delivered_at: datetime, store: bool, delayed: bool = False,
                      delay_days: int = 0, payment_failed: bool = False, shipped: datetime | None = None) -> None:
        rng, c = self.rng, self.c
        wave = shipped is not None and in_wave(c, shipped)
        # in the wave even parcels without a formal delay arrive late or damaged now and then
        wave_issue = wave and not delayed and rng.random() < WAVE_ISSUE_P
        info = {"delayed": delayed, "delay_days": delay_days, "payment_failed": payment_failed, "store": store,
                "wave": wave, "wave_issue": wave_issue}
        if wave and (delayed or wave_issue) and rng.random() < WAVE_PUBLIC_COMPLAINT_P:
            self.occ.append(Occasion(rng.choice(["social", "social", "web_form"]), delivered_at - timedelta(days=rng.uniform(0, 3)),
                                     None, order, {"delivery_complaint": True}))
        # returns
        returned, refund_slow = False, False
        p_ret = RETURN_P[order.category] * (0.25 if store else 1.0)
        if rng.random() < p_ret:
            returned = True
            rt = delivered_at + timedelta(days=rng.uniform(1, 12))
            reason = rng.choices(["size", "defect", "not_as_described", "changed_mind"], [0.5, 0.15, 0.15, 0.2])[0]
            self.ev(rt, "return_requested", "returns", order=order, reason=reason)
            refund_slow = rng.random() < 0.3
            if rng.random() < 0.93:
                refund = (order.amount * Decimal(rng.choice(["1", "1", "0.5", "0.6", "0.4"]))).quantize(Decimal("0.01"))
                self.ev(rt + timedelta(days=rng.uniform(14, 40) if refund_slow else rng.uniform(3, 9)), "refund_issued",
                        "returns", refund, order=order)
            info.update(returned=True, return_at=rt, return_reason=reason, refund_slow=refund_slow)
            if rng.random() < 0.35:
                self.occ.append(Occasion("ces_returns", rt + timedelta(days=rng.uniform(10, 25)), "returns", order, dict(info)))
        # service contacts
        p_srv = 0.04 + 0.3 * c.trouble + (0.5 if delayed else 0.25 if wave_issue else 0) + (0.25 if returned else 0) + (0.2 if payment_failed else 0)
        if rng.random() < p_srv:
            reason = ("delivery" if delayed else "returns_refunds" if returned and rng.random() < 0.8 else
                      "payment_billing" if payment_failed else
                      rng.choices(["product_quality", "availability", "sizing_fit", "payment_billing", "delivery"],
                                  [4, 2, 2, 2, 1])[0])
            if wave_issue:
                reason = "delivery"
            tp = rng.choices(["service_phone", "service_chat", "service_email"], [0.35, 0.3, 0.35])[0]
            st = (delivered_at if not delayed else (shipped or delivered_at) + timedelta(days=3)) + timedelta(
                days=rng.uniform(0.5, 10))
            negative = rng.random() < 0.28 + 0.5 * c.trouble + (0.2 if refund_slow else 0) + (0.1 if delayed else 0)
            self.ev(st, "service_contact", tp, order=order, reason=reason, outcome="negative" if negative else "positive")
            if negative:
                self.neg_service.append(st)
            sinfo = dict(info, reason=reason, negative=negative)
            if rng.random() < 0.9:
                self.occ.append(Occasion("service_text", st, tp, order, sinfo))
            if rng.random() < 0.45:
                self.occ.append(Occasion("csat_service", st + timedelta(days=rng.uniform(0.2, 3)), tp, order, sinfo))
            elif rng.random() < 0.25:
                self.occ.append(Occasion("ces_service", st + timedelta(days=rng.uniform(0.2, 3)), tp, order, sinfo))
        if rng.random() < 0.012:
            self.ev(delivered_at + timedelta(days=rng.uniform(30, 220)), "warranty_claim", "repair_warranty", order=order)
        # surveys and reviews
        if rng.random() < (0.25 if store else 0.32):
            self.occ.append(Occasion("nps", delivered_at + timedelta(days=rng.uniform(3, 11)),
                                     "store_checkout" if store else "delivery", order, info))
        if rng.random() < 0.09:
            self.occ.append(Occasion("review", delivered_at + timedelta(days=rng.uniform(4, 30)), "review_request", order, info))

    # ------------------------------------------------------------------ sessions between orders
    def session(self, t: datetime) -> None:
        rng, c = self.rng, self.c
        r = rng.random()
        app = self.app_user and rng.random() < 0.55
        if r < 0.33 and c.attributes.get("newsletter"):
            self.ev(t, "newsletter_open", "newsletter")
            if rng.random() < 0.3:
                self.ev(t + timedelta(minutes=1), "page_view", "product_page")
        elif r < 0.66:
            if rng.random() < 0.25:
                self.ev(t - timedelta(minutes=rng.uniform(1, 600)), rng.choice(["ad_impression", "social_click"]),
                        rng.choice(["online_ad", "social_media_post"]))
            self.ev(t + timedelta(minutes=rng.uniform(0, 20)), "page_view", "product_page")
            if rng.random() < 0.2:
                self.ev(t + timedelta(minutes=rng.uniform(2, 25)), "review_read", "reviews_read")
        elif r < 0.80:
            cart = "app_cart" if app else "cart"
            self.ev(t, "cart_add", cart)
            if app:
                self.ev(t + timedelta(minutes=2), "checkout_started", "app_checkout")
                if rng.random() < 0.35:
                    self.ev(t + timedelta(minutes=3), "payment_failed", "app_checkout")
            if rng.random() < (0.85 if app else 0.6):
                self.ev(t + timedelta(minutes=rng.uniform(5, 90)), "cart_abandoned", cart)
        elif r < 0.88 and c.store:
            advised = rng.random() < 0.5
            self.ev(t, "store_visit", "store_advice", store=c.store, advised=advised)
            if advised and rng.random() < 0.15:
                self.occ.append(Occasion("store_advice", t + timedelta(days=1), "store_advice", None))
        elif r < 0.93:
            self.ev(t, "chat_started", "chat_advice")
        else:
            self.ev(t, "social_click", "social_media_post")
        if rng.random() < 0.008:
            self.occ.append(Occasion("social", t + timedelta(hours=rng.uniform(1, 48)), "social_media_post"))
        if rng.random() < 0.004:
            self.occ.append(Occasion("web_form", t + timedelta(minutes=20), None))

    # ------------------------------------------------------------------ churn
    def churn(self, a: datetime) -> tuple[datetime | None, str]:
        rng = self.rng
        self.neg_service.sort()
        if len(self.neg_service) >= 2:
            if rng.random() >= CHURN_P_TROUBLE:
                return None, ""
            t = min(END - timedelta(days=1), self.neg_service[1] + timedelta(days=rng.uniform(1, 75)))
        else:
            if rng.random() >= CHURN_P_BASE or (END - a).days < 30:
                return None, ""
            t = a + timedelta(days=14) + (END - a - timedelta(days=15)) * rng.random()
        kind = "explicit" if rng.random() < 0.45 or t > SILENT_CHURN_CUTOFF else "silent"
        return t, kind


def simulate(c: DemoCustomer, seed: int) -> Journey:
    """All orders, events and feedback occasions of customer ``c`` (deterministic for ``seed`` and ``c.idx``)."""
    rng = random.Random(f"gipfelwerk:{seed}:journey:{c.idx}")
    sim = _Sim(c, rng)
    a = max(c.created_at, START)
    months = (END - a) / MONTH
    rate = ORDER_RATE * (ALPIN_FREQ if sim.alpin else 1.0)
    times = [_seasonal_time(rng, a, END) for _ in range(_poisson(rng, rate * months))]
    if c.created_at >= START and rng.random() < 0.85:
        times.append(c.created_at + timedelta(hours=rng.uniform(0.1, 60)))
    for t in sorted(times):
        if t < END - timedelta(hours=2):
            sim.order_journey(t)
    n_sessions = _poisson(rng, SESSION_RATE * months)
    for _ in range(n_sessions):
        sim.session(a + (END - a) * rng.random())
    if rng.random() < 0.05:
        sim.occ.append(Occasion("social", a + (END - a) * rng.random(), "social_media_post"))
    if rng.random() < 0.02:
        sim.occ.append(Occasion("web_form", a + (END - a) * rng.random(), None))
    churned_at, kind = sim.churn(a)
    events, orders, occ = sim.events, sim.orders, sim.occ
    if churned_at is not None:
        events = [e for e in events if e.occurred_at <= churned_at]
        orders = [o for o in orders if o.ordered_at <= churned_at]
        occ = [o for o in occ if o.at <= churned_at]
        if kind == "explicit":
            loyal = c.attributes.get("loyalty_member")
            etype = "subscription_cancelled" if loyal and rng.random() < 0.6 else "account_closed"
            sim.events = []
            sim.ev(churned_at, etype, "service_email", reason=rng.choice(["service", "price", "competitor", "no_need", None]))
            events += sim.events
            if rng.random() < 0.5:
                occ.append(Occasion("churn_text", churned_at, "service_email", None,
                                    {"neg_service": len([t for t in sim.neg_service if t <= churned_at])}))
    occ = [o for o in occ if o.at <= END]
    return Journey(orders, events, occ, churned_at, kind)
