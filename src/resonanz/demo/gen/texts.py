"""Compose realistic feedback texts from building blocks (German and English), with noise and ground truth.

:func:`compose` takes the aspects a text should talk about (``[(topic, "pos"|"neg"|"neu"), ...]``) and writes a
text in the style of a source (survey comment, review, social post, ticket, chat, call note …): optional
opening and closing, contrast connectors for mixed sentiment, intensifiers and hedges, and some noise the way
real customers write (typos, missing umlauts, all lower case, emoji, missing full stop). Sometimes it adds
personal data (phone, e-mail, order number, a name) and reports which kinds, so the PII redaction can be checked.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from resonanz.demo.gen import data_texts_de as DE
from resonanz.demo.gen import data_texts_en as EN
from resonanz.demo.gen.data_products import PRODUCTS


@dataclass(slots=True)
class TextContext:
    """What a text may mention: the product, the store, the staff member, numbers and the writer's contacts."""

    product: int = 0
    country: str = "DE"
    store: str = "München"
    staff: str = "Frau Berger"
    order: str = ""
    amount: str = "129,90 €"
    delay_days: int = 8
    phone: str = ""
    email: str = ""
    name: str = ""
    surface: str = ""  # "app" or "web": website_app texts then only talk about that one


def _surface_ok(template: str, surface: str) -> bool:
    low = template.lower()
    mentions_app = " app" in f" {low}" or low.startswith("app")
    if surface == "web":
        return not mentions_app
    if surface == "app":
        return mentions_app or not any(w in low for w in ("website", "web shop", "onlineshop", "shop"))
    return True


def _choose(rng: random.Random, options: list[str], topic: str, surface: str, category: str = "") -> str:
    if topic == "website_app" and surface:
        fitting = [o for o in options if _surface_ok(o, surface)]
        if fitting:
            options = fitting
    if category:
        fitting = [o for o in options if not o.startswith("[") or category in o[1 : o.index("]")].split(",")]
        options = fitting or options
    choice = rng.choice(options)
    return choice[choice.index("]") + 1 :] if choice.startswith("[") else choice


def overall_sentiment(aspects: list[tuple[str, str]]) -> str:
    pols = {p for _t, p in aspects}
    if "pos" in pols and "neg" in pols:
        return "mixed"
    if "neg" in pols:
        return "negative"
    if "pos" in pols:
        return "positive"
    return "neutral"


def _fill(rng: random.Random, lang: str, ctx: TextContext, pol: str) -> dict[str, str]:
    cat, nom, acc, dat, plural, en, _price = PRODUCTS[ctx.product]
    d = ctx.delay_days
    if lang == "de":
        intens = rng.choice(DE.INTENS["neg" if pol == "neg" else "pos"])
        pron = "sie" if plural or nom.startswith("die") else "er" if nom.startswith("der") else "es"
        return {
            "P": nom, "Pa": acc, "Pd": dat, "ist": "sind" if plural else "ist", "hat": "haben" if plural else "hat",
            "es": pron, "Es": pron.capitalize(), "kat": cat, "d": str(d), "w": str(rng.randint(2, 5)),
            "x": str(rng.randint(2, 6)), "store": ctx.store, "staff": ctx.staff, "order": ctx.order,
            "courier": rng.choice(DE.COURIERS.get(ctx.country, DE.COURIERS["DE"])), "betrag": ctx.amount,
            "sehr": intens, "Sehr": intens.capitalize(),
        }
    intens = rng.choice(EN.INTENS["neg" if pol == "neg" else "pos"])
    return {
        "P": en, "is": "are" if plural else "is", "has": "have" if plural else "has", "it": "they" if plural else "it",
        "It": "They" if plural else "It", "s": "" if plural else "s", "d": str(d), "w": str(rng.randint(2, 5)),
        "x": str(rng.randint(2, 6)), "store": ctx.store, "staff": ctx.staff, "order": ctx.order,
        "courier": rng.choice(["DHL", "DPD", "Royal Mail", "UPS"]), "amount": ctx.amount.replace(" €", " EUR"),
        "very": intens, "Very": intens.capitalize(),
    }


def _clean(s: str) -> str:
    s = " ".join(s.split())
    s = s.replace(" ,", ",").replace(" .", ".")
    return s[:1].upper() + s[1:] if s else s


def _lower_first(lang: str, s: str) -> str:
    first = s.split(" ", 1)[0].lower().strip(",.:")
    starts = DE.LOWER_STARTS if lang == "de" else EN.LOWER_STARTS
    if first in starts and not s.startswith("I "):
        return s[:1].lower() + s[1:]
    return s


def _sentence(rng: random.Random, lang: str, ctx: TextContext, topic: str, pol: str) -> str:
    blocks = (DE if lang == "de" else EN).BLOCKS[topic]
    key = pol if pol in blocks else "neu"
    return _clean(_choose(rng, blocks[key], topic, ctx.surface, PRODUCTS[ctx.product][0]).format(**_fill(rng, lang, ctx, pol)))


def _short(rng: random.Random, lang: str, topic: str, pol: str, surface: str = "") -> str:
    mod = DE if lang == "de" else EN
    if pol == "neu":
        return rng.choice(mod.GENERIC["neu"])
    return _choose(rng, mod.BLOCKS[topic]["short_" + pol], topic, surface)


def _join_sentences(parts: list[str]) -> str:
    out = ""
    for p in parts:
        if out:
            out += " " if out[-1] in ".!?…" else ". "
        out += p
    return out


def _join_contrast(rng: random.Random, lang: str, a: str, b: str) -> str:
    conn = rng.choice((DE if lang == "de" else EN).CONTRAST)
    if lang == "en" and conn in ("though",):
        return f"{a.rstrip('.!')}. {b.rstrip('.!')} {conn}."
    return f"{a.rstrip('.!')}, {conn} {_lower_first(lang, b)}"


def _typo(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    cand = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not cand:
        return text
    i = rng.choice(cand)
    w = words[i]
    j = rng.randint(1, len(w) - 3)
    kind = rng.random()
    if kind < 0.4:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif kind < 0.7:
        w = w[:j] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def _noise(rng: random.Random, lang: str, text: str, mood: str, style: str) -> str:
    if rng.random() < 0.16:
        text = _typo(rng, text)
        if rng.random() < 0.3:
            text = _typo(rng, text)
    if lang == "de" and rng.random() < 0.07:
        if rng.random() < 0.6:
            for k, v in DE.UMLAUTS.items():
                text = text.replace(k, v)
        else:
            text = text.translate(str.maketrans("äöüÄÖÜß", "aouAOUs"))
    r = rng.random()
    if r < (0.12 if style in ("social", "chat", "app") else 0.06):
        text = text.lower()
    if mood == "neg" and rng.random() < 0.12:
        text = text.rstrip(".") + "!!!"
    elif rng.random() < 0.12:
        text = text.rstrip(".")
    elif rng.random() < 0.04:
        text = text.rstrip(".!") + "..."
    p_emoji = 0.3 if style in ("social", "app") else 0.08
    if rng.random() < p_emoji:
        em = rng.choice((DE if lang == "de" else EN).EMOJI.get(mood, [""]))
        if em:
            text = f"{text} {em}" if rng.random() < 0.85 else f"{em} {text}"
    return text.strip()


def compose(
    rng: random.Random, lang: str, aspects: list[tuple[str, str]], ctx: TextContext, *, style: str = "survey",
    p_short: float = 0.15, p_pii: float = 0.04,
) -> tuple[str, str, list[str]]:
    """Write one text about ``aspects``. Returns ``(text, title, pii_types)`` (title only for reviews)."""
    mod = DE if lang == "de" else EN
    sentiment = overall_sentiment(aspects)
    mood = {"positive": "pos", "negative": "neg", "mixed": "mix", "neutral": "neu"}[sentiment]
    pii: list[str] = []
    title = ""
    if style == "review":
        topic, pol = aspects[0]
        title = _short(rng, lang, topic, pol, ctx.surface) if rng.random() < 0.8 else rng.choice(mod.GENERIC[pol if pol != "mix" else "neu"])
    if rng.random() < p_short:
        parts = [_short(rng, lang, t, p, ctx.surface) for t, p in aspects[:2]]
        if len(parts) == 2 and aspects[0][1] != aspects[1][1]:
            if lang == "en":
                text = f"{parts[0].rstrip('!.')}, but {parts[1][:1].lower()}{parts[1][1:]}"
            else:
                text = f"{parts[0].rstrip('!.')}{rng.choice([' – ', '. ', ', '])}{parts[1]}"
        else:
            text = _join_sentences(parts)
        if rng.random() < 0.2 and mood in ("pos", "neg", "neu"):
            text = _join_sentences([text, rng.choice(mod.GENERIC[mood])])
        return _noise(rng, lang, text, mood, style), title, pii
    sentences: list[str] = []
    if rng.random() < (0.45 if style in ("email", "ticket", "form") else 0.28):
        sentences.append(_clean(rng.choice(mod.OPEN[mood]).format(**_fill(rng, lang, ctx, "neg" if mood == "neg" else "pos"))))
    prev_pol = None
    for topic, pol in aspects:
        s = _sentence(rng, lang, ctx, topic, pol)
        if rng.random() < 0.1 and _lower_first(lang, s) != s:
            s = f"{rng.choice(mod.HEDGES)}, {_lower_first(lang, s)}"
        if prev_pol is not None and pol != prev_pol and "neu" not in (pol, prev_pol) and rng.random() < 0.75:
            sentences[-1] = _join_contrast(rng, lang, sentences[-1], s)
        else:
            sentences.append(s)
        if rng.random() < 0.18 and pol in ("pos", "neg"):  # a second sentence on the same topic
            s2 = _sentence(rng, lang, ctx, topic, pol)
            if s2[:18] != s[:18] and s2 not in sentences:
                sentences.append(s2)
        prev_pol = pol
    if rng.random() < 0.3:
        sentences.append(rng.choice(mod.CLOSE[mood]))
    if rng.random() < p_pii:
        options = [k for k, v in (("PHONE", ctx.phone), ("EMAIL", ctx.email), ("ORDER", ctx.order), ("NAME", ctx.name)) if v]
        if options:
            kind = rng.choice(options)
            sentences.append(rng.choice(mod.PII[kind]).format(phone=ctx.phone, email=ctx.email, order=ctx.order,
                                                              name=ctx.name))
            pii.append(kind)
    text = " ".join(sentences)
    if sentences[0].endswith(",") and len(sentences) > 1:  # a greeting: the message starts on the next line
        text = sentences[0] + "\n" + " ".join(sentences[1:])
    if style == "call":
        text = rng.choice(mod.CALL_PREFIX) + text
    if ctx.staff and ctx.staff in text and "NAME" not in pii:
        pii.append("NAME")
    return _noise(rng, lang, text, mood, style), title, pii
