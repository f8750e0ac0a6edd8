"""Aspect-category sentiment on MAMS (restaurant sentences with >= 2 aspects of different polarity; Apache-2.0).

    .venv/bin/python bench/aspect_quality.py                  # MAMS val (400 sentences)
    .venv/bin/python bench/aspect_quality.py --split train --limit 1500

Does the aspect step give each gold category the right polarity? The pipeline runs with the shipped
sentiment model and a small restaurant taxonomy written for this bench (below: one topic per MAMS category
except "miscellaneous", which names no clause; English description, examples and keywords written from
general knowledge of restaurant reviews, not from MAMS sentences). The gold categories of a sentence are
given to the aspect step as its topic hits; everything else (clause split, which clause speaks about a
category, lexicon shortcut, clause sentiment) is the production code.

Score: accuracy of the polarity (negative / neutral / positive) over all (sentence, gold category) pairs,
"miscellaneous" left out. Compared in one run:

* ``doc``: every category gets the document sentiment (what happens without aspect sentiment);
* ``encode``: ``aspects.clause-split.v1``, clauses encoded again as texts of their own;
* ``span``: ``aspects.clause-split.v2``, clause vectors pooled from the sentence's own token states.

``clause-level`` restricts the pairs to sentences the aspect step actually split (>= 2 opinion clauses);
elsewhere all three give the document sentiment. The RESULT line scores ``span``; its target is the
``encode`` accuracy of the same run minus one point (no clear loss against re-encoding).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from resonanz.core.text import datasets as ds
from resonanz.core.text.aspects import opinion_clauses
from resonanz.core.text.base import TopicHit

TAXONOMY = {
    "food": ("Food and drinks: taste, dishes, portions, how it was cooked.",
             ["The pasta was delicious.", "My steak was overcooked and cold.", "Great sushi and fresh fish.",
              "The dessert was too sweet.", "Portions are huge.", "The wine was excellent."],
             ["food", "dish", "meal", "pizza", "pasta", "sushi", "steak", "burger", "dessert", "appetizer",
              "entree", "salad", "soup", "chicken", "fish", "fries", "bread", "taste", "tasty", "delicious",
              "flavor", "portion", "cooked", "drink", "wine", "cocktail", "coffee", "beer"]),
    "service": ("Service: how fast and attentive the service was, waiting, orders taken and brought.",
                ["The service was slow.", "We waited an hour for our food.", "Service was quick and attentive.",
                 "They forgot our order.", "Nobody came to refill our water."],
                ["service", "served", "waited", "wait", "attentive", "slow", "refill", "order", "reservation"]),
    "staff": ("Staff: waiters, waitresses, hosts, the manager and the chef, how friendly they were.",
              ["Our waiter was very friendly.", "The hostess was rude to us.", "The manager apologized.",
               "The bartender was great.", "The staff were helpful and polite."],
              ["staff", "waiter", "waitress", "server", "manager", "host", "hostess", "bartender", "chef",
               "owner", "employee", "friendly", "rude"]),
    "price": ("Price: how expensive or cheap the restaurant is, the bill, value for money.",
              ["It is way overpriced.", "Prices are very reasonable.", "The bill was huge.",
               "Good value for the money.", "Too expensive for what you get."],
              ["price", "expensive", "cheap", "overpriced", "cost", "bill", "pricey", "affordable", "value",
               "worth", "$"]),
    "place": ("The place itself: the restaurant, its location, tables, seating, space, the room.",
              ["The place is tiny and cramped.", "We got a table by the window.", "The restaurant is in a great location.",
               "The seating outside is nice.", "The tables are too close together."],
              ["place", "restaurant", "location", "seating", "seat", "table", "room", "space", "outside",
               "patio", "bar", "spot"]),
    "ambience": ("Ambience: atmosphere, decor, music, noise and lighting.",
                 ["The atmosphere is cozy and romantic.", "The music was way too loud.", "Lovely decor.",
                  "It was very noisy inside.", "Great vibe."],
                 ["ambience", "ambiance", "atmosphere", "decor", "music", "noisy", "noise", "loud", "cozy",
                  "romantic", "vibe", "lighting"]),
    "menu": ("Menu: the choice of dishes and drinks, options, specials.",
             ["The menu is limited.", "They have a huge selection of wines.", "Lots of vegetarian options.",
              "The specials change every day.", "The menu is too long."],
             ["menu", "selection", "options", "choice", "variety", "specials", "wine list"]),
}
LABELS = ("negative", "neutral", "positive")


def taxonomy_file(tmp: Path) -> Path:
    topics = [{"key": k, "name": k, "description": {"en": d}, "examples": {"en": ex}, "keywords": {"en": kw}}
              for k, (d, ex, kw) in TAXONOMY.items()]
    path = tmp / "mams_taxonomy.json"
    path.write_text(json.dumps({"format": "resonanz.taxonomy.v1", "name": "mams-bench", "version": 1,
                                "topics": topics}), encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="val")
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    data = ds.load_mams(args.split)
    if data is None:
        print("skip: MAMS absent (../shared/datasets/mams_acsa)")
        sys.exit(0)
    texts, aspects = data.texts, data.aspects
    if args.limit:
        texts, aspects = texts[: args.limit], aspects[: args.limit]
    from resonanz.core.text.embed import get_embedder
    from resonanz.core.text.pipeline import Pipeline, PipelineConfig

    with tempfile.TemporaryDirectory() as tmp:
        pipe = Pipeline(PipelineConfig(taxonomy_path=str(taxonomy_file(Path(tmp))), signals=False, pii=False,
                                       aspect_clause_vectors="span"), embedder=get_embedder("onnx"))
    asp = pipe.aspects
    langs: list[str | None] = ["en"] * len(texts)
    clauses = [opinion_clauses(t) for t in texts]
    X, tokens = pipe._encode_with_states(list(texts), [bool(c) for c in clauses])
    S = pipe._sentiment_proba(texts, X, langs)
    gold = [[(c, p) for c, p in a if c in TAXONOMY] for a in aspects]
    hits = [[TopicHit(c, 1.0) for c, _ in g] for g in gold]
    split = np.array([bool(c) for c, g in zip(clauses, gold, strict=True) for _ in g])
    truth = np.array([p for g in gold for _, p in g])
    preds = {"doc": np.array([LABELS[int(S[i].argmax())] for i, g in enumerate(gold) for _ in g])}
    seconds = {}
    for mode in ("encode", "span"):
        asp.reencode = mode == "encode"
        t = time.perf_counter()
        out = asp.apply(texts, hits, S, langs, tokens=tokens, clauses=clauses)
        seconds[mode] = time.perf_counter() - t
        got = []
        for hs, g in zip(out, gold, strict=True):
            by = {h.name: h.sentiment for h in hs}
            got += [by[c] for c, _ in g]
        preds[mode] = np.array(got)
    print(f"MAMS {args.split}: {len(texts)} sentences, {len(truth)} (sentence, category) pairs without "
          f"miscellaneous; {int(split.sum())} pairs in {sum(bool(c) for c in clauses)} sentences with >= 2 clauses;"
          f" lexicon shortcut: {asp.lexical_resolved // 2} sentences")
    print(f"{'':8s} {'all':>7s} {'clause-level':>13s}   per gold polarity (neg / neu / pos)")
    for mode, p in preds.items():
        per = " / ".join(f"{np.mean(p[truth == lab] == lab):.3f}" for lab in LABELS)
        extra = f"   ({seconds[mode]:.2f} s)" if mode in seconds else ""
        print(f"{mode:8s} {np.mean(p == truth):7.3f} {np.mean(p[split] == truth[split]):13.3f}   {per}{extra}")
    acc = {m: float(np.mean(p == truth)) for m, p in preds.items()}
    target = round(acc["encode"] - 0.01, 3)
    ratio = acc["span"] / target if target > 0 else float("nan")
    print(f"RESULT aspects.mams_{args.split}_acsa_accuracy_span value={acc['span']:.3f} unit=accuracy "
          f"target={target} ratio={ratio:.3f} ok={str(acc['span'] >= target).lower()}")


if __name__ == "__main__":
    main()
