"""Measure the planted patterns in generated demo data, exactly as docs/demo-data.md defines them.

Only observable data is used (event types and times, customer columns, scores, feedback ``properties``
ground truth) – never generator internals – so the same definitions can be checked against the database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from statistics import mean

from resonanz.demo.gen.model import END, TOPICS, WAVE_END, WAVE_REGION, WAVE_START, DemoData

CHURN_INACTIVE_SINCE = END - timedelta(days=120)  # no event after this date = churned by inactivity
CHURN_COHORT_BEFORE = END - timedelta(days=183)  # customers created before 2026-05-01 (roughly)
CHF_TO_EUR = 0.95


def _ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def _wave_cell(region: str, t) -> bool:
    return region == WAVE_REGION and WAVE_START <= t < WAVE_END


def delivery_wave(d: DemoData) -> dict[str, float]:
    """Pattern 1: delivery_delayed per shipped event, delivery complaints per feedback item, mean NPS."""
    region = {c.external_id: c.region for c in d.customers}
    shipped, delayed = Counter(), Counter()
    for e in d.events:
        if e.type in ("shipped", "delivery_delayed"):
            cell = _wave_cell(region[e.customer], e.occurred_at)
            (shipped if e.type == "shipped" else delayed)[cell] += 1
    fb_n, fb_c = Counter(), Counter()
    nps: dict[bool | str, list[int]] = defaultdict(list)
    for f in d.feedback:
        if f.customer is None:
            continue
        cell = _wave_cell(region[f.customer], f.received_at)
        fb_n[cell] += 1
        fb_c[cell] += f.properties.get("demo_aspects", {}).get("delivery") == "neg"
        if f.nps is not None:
            nps[cell].append(f.nps)
            nps["complaint" if f.properties["demo_aspects"].get("delivery") == "neg" else "other"].append(f.nps)
    rate_in, rate_out = _ratio(delayed[True], shipped[True]), _ratio(delayed[False], shipped[False])
    c_in, c_out = _ratio(fb_c[True], fb_n[True]), _ratio(fb_c[False], fb_n[False])
    return {
        "delay_rate_wave": rate_in, "delay_rate_base": rate_out, "delay_ratio": _ratio(rate_in, rate_out),
        "shipped_wave": shipped[True], "delayed_wave": delayed[True],
        "complaint_rate_wave": c_in, "complaint_rate_base": c_out, "complaint_ratio": _ratio(c_in, c_out),
        "feedback_wave": fb_n[True], "complaints_wave": fb_c[True],
        "nps_mean_wave": mean(nps[True]) if nps[True] else float("nan"), "nps_mean_base": mean(nps[False]),
        "nps_mean_delivery_complaint": mean(nps["complaint"]), "nps_mean_other": mean(nps["other"]),
    }


def _nps_score(scores: list[int]) -> float:
    n = len(scores)
    return 100.0 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / n if n else 0.0


def returns_detractors(d: DemoData) -> dict:
    """Pattern 2: mean NPS with / without a return_requested or refund_issued event before the survey, and
    the topic impact ranking: impact(t) = NPS(all responses) − NPS(responses not mentioning t) (NPS points,
    -100..100; negative = the topic drags the score down)."""
    returns: dict[str, list] = defaultdict(list)
    for e in d.events:
        if e.type in ("return_requested", "refund_issued"):
            returns[e.customer].append(e.occurred_at)
    with_r, without_r, responses = [], [], []
    for f in d.feedback:
        if f.source != "nps_survey" or f.nps is None:
            continue
        before = any(t < f.received_at for t in returns.get(f.customer or "", ()))
        (with_r if before else without_r).append(f.nps)
        responses.append((f.nps, set(f.properties.get("demo_topics", []))))
    overall = _nps_score([s for s, _t in responses])
    impact = {}
    mean_impact = {}
    for t in TOPICS:
        rest = [s for s, ts in responses if t not in ts]
        hit = [s for s, ts in responses if t in ts]
        impact[t] = overall - _nps_score(rest)
        mean_impact[t] = len(hit) / len(responses) * (mean(rest) - mean(hit)) if hit else 0.0
    return {
        "nps_mean_with_return": mean(with_r), "nps_mean_without_return": mean(without_r),
        "diff": mean(without_r) - mean(with_r), "n_with_return": len(with_r), "n_without_return": len(without_r),
        "impact": impact, "mean_impact": mean_impact,
        "top_negative_topic": min(impact, key=impact.get), "top_negative_topic_mean": max(mean_impact, key=mean_impact.get),
    }


def alpin_profis(d: DemoData) -> dict:
    """Pattern 3: the ``demo_persona == "alpin_profi"`` customers (ground truth in ``attributes``)."""
    persona = {c.external_id: c.attributes["demo_persona"] for c in d.customers}
    n = Counter(persona.values())
    orders, revenue = Counter(), Counter()
    for o in d.orders:
        p = persona[o.customer]
        orders[p] += 1
        revenue[p] += float(o.amount) * (CHF_TO_EUR if o.currency == "CHF" else 1.0)
    profis = [c for c in d.customers if c.attributes["demo_persona"] == "alpin_profi"]
    home = sum(c.country == "CH" or c.region in ("Bayern", "Tirol") for c in profis)
    ages = [2026 - c.birth_year for c in profis if c.birth_year]
    out = {
        "share": n["alpin_profi"] / len(d.customers),
        "orders_per_customer": {p: orders[p] / n[p] for p in n},
        "basket_eur": {p: revenue[p] / orders[p] for p in n if orders[p]},
        "revenue_per_customer_eur": {p: revenue[p] / n[p] for p in n},
        "home_share": home / len(profis),
        "store_or_referral_share": sum(c.acquisition_source in ("store", "referral") for c in profis) / len(profis),
        "loyalty_share": sum(bool(c.attributes["loyalty_member"]) for c in profis) / len(profis),
        "age_min": min(ages), "age_max": max(ages),
    }
    out["frequency_ratio"] = out["orders_per_customer"]["alpin_profi"] / out["orders_per_customer"]["standard"]
    out["basket_ratio"] = out["basket_eur"]["alpin_profi"] / out["basket_eur"]["standard"]
    out["revenue_ratio"] = out["revenue_per_customer_eur"]["alpin_profi"] / out["revenue_per_customer_eur"]["standard"]
    return out


def app_checkout(d: DemoData) -> dict:
    """Pattern 4: payment failures per checkout start, CES/CSAT and cart abandonment, app vs web."""
    ev = Counter((e.type, e.touchpoint) for e in d.events)
    scores: dict[tuple[str, str], list[int]] = defaultdict(list)
    for f in d.feedback:
        if f.touchpoint in ("app_checkout", "online_checkout"):
            if f.ces is not None:
                scores[("ces", f.touchpoint)].append(f.ces)
            if f.csat is not None:
                scores[("csat", f.touchpoint)].append(f.csat)
    return {
        "payfail_rate_app": _ratio(ev[("payment_failed", "app_checkout")], ev[("checkout_started", "app_checkout")]),
        "payfail_rate_web": _ratio(ev[("payment_failed", "online_checkout")], ev[("checkout_started", "online_checkout")]),
        "abandon_rate_app": _ratio(ev[("cart_abandoned", "app_cart")], ev[("cart_add", "app_cart")]),
        "abandon_rate_web": _ratio(ev[("cart_abandoned", "cart")], ev[("cart_add", "cart")]),
        "cart_abandoned_app": ev[("cart_abandoned", "app_cart")],
        "ces_app": mean(scores[("ces", "app_checkout")]), "ces_web": mean(scores[("ces", "online_checkout")]),
        "csat_app": mean(scores[("csat", "app_checkout")]), "csat_web": mean(scores[("csat", "online_checkout")]),
        "n_ces_app": len(scores[("ces", "app_checkout")]), "n_csat_app": len(scores[("csat", "app_checkout")]),
    }


def store_advice(d: DemoData) -> dict:
    """Pattern 5: CSAT at store_advice vs all other CSAT answers, and staff praise in its comments."""
    at, other, texts, praise, named = [], [], 0, 0, 0
    for f in d.feedback:
        if f.csat is None:
            continue
        if f.touchpoint == "store_advice":
            at.append(f.csat)
            if f.text:
                texts += 1
                praise += f.properties["demo_aspects"].get("advice_staff") == "pos"
                named += "NAME" in f.properties.get("demo_pii", [])
        else:
            other.append(f.csat)
    return {"csat_store_advice": mean(at), "csat_other": mean(other), "n": len(at),
            "top2_share": sum(s >= 4 for s in at) / len(at), "praise_share": praise / texts,
            "named_staff_share": named / texts}


def churn(d: DemoData) -> dict:
    """Pattern 6: churn rate of customers with >= 2 negative service contacts vs the others (cohort: created
    before 2026-05-01). Churned = an account_closed/subscription_cancelled event or no event after 2026-07-03."""
    last, explicit, neg = {}, set(), Counter()
    for e in d.events:
        last[e.customer] = max(last.get(e.customer, e.occurred_at), e.occurred_at)
        if e.type in ("account_closed", "subscription_cancelled"):
            explicit.add(e.customer)
        elif e.type == "service_contact" and e.properties.get("outcome") == "negative":
            neg[e.customer] += 1
    groups: dict[bool, list[bool]] = defaultdict(list)
    for c in d.customers:
        if c.created_at >= CHURN_COHORT_BEFORE or c.external_id not in last:
            continue
        churned = c.external_id in explicit or last[c.external_id] < CHURN_INACTIVE_SINCE
        groups[neg[c.external_id] >= 2].append(churned)
    hi, lo = mean(groups[True]), mean(groups[False])
    return {"churn_rate_trouble": hi, "churn_rate_base": lo, "ratio": _ratio(hi, lo), "n_trouble": len(groups[True]),
            "n_base": len(groups[False]), "explicit": len(explicit)}


def measure(d: DemoData) -> dict:
    """All six pattern measurements."""
    return {"delivery_wave": delivery_wave(d), "returns_detractors": returns_detractors(d), "alpin_profis": alpin_profis(d),
            "app_checkout": app_checkout(d), "store_advice": store_advice(d), "churn": churn(d)}
