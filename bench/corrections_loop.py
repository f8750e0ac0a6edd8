"""Does retraining from analysts' corrections make the sentiment model better or worse?

Simulates the product's corrections loop on GermEval 2017 dev (de) and the airline tweets (en): a fixed
stratified 40 % of each set is the test part; from the other 60 % the "analysts" label N items, either

* ``random``: a random sample (an analyst reviewing items and confirming or fixing each), or
* ``errors``: only items the shipped model got wrong (an analyst fixing what looks wrong: the usual case).

The rest of the 60 % is the feedback the current (shipped) model has labelled. Three ways to retrain:

* ``shipped``: no retraining (the default ensemble);
* ``human-only``: a head on the human labels alone (what the product did before 2026-12-05);
* ``with-background``: ``core.text.relabel.train_from_human_labels`` (what it does now): human labels plus
  up to ``--background`` items labelled by the current model (less those a nearby human label contradicts:
  "dropped"), and the activation check.

Prints accuracy on the test part (mean of 3 samples) and the activation recommendation, then
``RESULT corrections-loop-worst-ratio``: the worst ratio of ``with-background`` accuracy to ``shipped`` over
all cells (target ≥ 1.0: retraining from corrections never makes the model worse than it was).

    .venv/bin/python bench/corrections_loop.py [--sizes 25,100,400] [--background 1000] [--seeds 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
import quality as q  # noqa: E402 - the bench helpers (cached encoder, datasets)

from resonanz.core.text import datasets as ds  # noqa: E402
from resonanz.core.text import sentiment as s  # noqa: E402
from resonanz.core.text.heads import train_classifier  # noqa: E402
from resonanz.core.text.relabel import HumanLabelled, ModelLabelled, train_from_human_labels  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="25,100,400")
    ap.add_argument("--background", type=int, default=1000)
    ap.add_argument("--seeds", type=int, default=3)
    a = ap.parse_args()
    from sklearn.model_selection import train_test_split

    sizes = [int(v) for v in a.sizes.split(",")]
    worst = None
    t0 = time.time()
    sets = [("germeval17-dev", ds.load_germeval, "de"), ("airline", ds.load_airline, "en")]
    print(f"{'set':16} {'regime':7} {'N':>4} {'shipped':>8} {'human-only':>11} {'with-bg':>8} {'activate':>9} "
          f"{'cv':>6} {'before':>7} {'agree':>6} {'dropped':>7}")
    for name, loader, lang in sets:
        d = loader()
        if d is None:
            print(f"skip {name}: absent")
            continue
        T = [t[: q.TRUNC] for t in d.texts]
        X = q.encode(d.texts)
        y = np.array(d.labels)
        L = q.lexf(T, lang)
        shipped = np.array(s.LABELS)[s.EnsembleSentiment(q.embedder()).predict_proba(X, L).argmax(1)]
        pool, test = train_test_split(np.arange(len(y)), test_size=0.4, stratify=y, random_state=0)
        base = float((shipped[test] == y[test]).mean())
        wrong = pool[shipped[pool] != y[pool]]
        for regime, src in (("random", pool), ("errors", wrong)):
            for n in sizes:
                old, new, rec, cvs, bef, agr, drop = [], [], [], [], [], [], []
                for seed in range(a.seeds):
                    rng = np.random.default_rng(seed)
                    idx = rng.choice(src, n, replace=False)
                    rest = np.setdiff1d(pool, idx)
                    bg = rng.choice(rest, min(a.background, len(rest)), replace=False)
                    tt, Xt = [T[i] for i in test], X[test]
                    if len(set(y[idx])) >= 2:
                        clf = train_classifier([T[i] for i in idx], X[idx], list(y[idx]), calibrate=False)
                        old.append(float((np.array([p[0] for p in clf.predict(tt, Xt)]) == y[test]).mean()))
                    r = train_from_human_labels(
                        HumanLabelled([T[i] for i in idx], X[idx], list(y[idx]), list(shipped[idx])),
                        ModelLabelled([T[i] for i in bg], X[bg], list(shipped[bg])), task="sentiment",
                        multi_label=False, seed=seed)
                    new.append(float((np.array([p[0] for p in r.classifier.predict(tt, Xt)]) == y[test]).mean()))
                    rec.append(r.recommend)
                    cvs.append(r.cv_score or 0.0)
                    bef.append(r.before_score or 0.0)
                    agr.append(r.agreement or 0.0)
                    drop.append(r.n_contradicted)
                ratio = float(np.mean(new)) / base
                worst = ratio if worst is None else min(worst, ratio)
                print(f"{name:16} {regime:7} {n:>4} {base:8.4f} {np.mean(old) if old else float('nan'):11.4f} "
                      f"{np.mean(new):8.4f} {sum(rec):>5}/{len(rec):<3} {np.mean(cvs):6.3f} {np.mean(bef):7.3f} "
                      f"{np.mean(agr):6.3f} {np.mean(drop):7.1f}", flush=True)
    print(f"({time.time() - t0:.0f} s)")
    if worst is None:
        print("RESULT corrections-loop-worst-ratio value=0 unit=x target=1.0 ratio=- ok=false")
        return
    print(f"RESULT corrections-loop-worst-ratio value={worst:.4f} unit=x target=1.0 ratio={worst:.4f} "
          f"ok={str(worst >= 1.0).lower()}")


if __name__ == "__main__":
    main()
