"""Quality benchmark of the NLP core over the public sets in ../shared/datasets (absent sets are skipped).

    .venv/bin/python bench/quality.py                 # everything
    .venv/bin/python bench/quality.py --only sentiment
    .venv/bin/python bench/quality.py --build-weights # (re)train the shipped sentiment head first
    .venv/bin/python bench/quality.py --only finetune [--fine-tune-layers 4 --fine-tune-epochs 3
        --fine-tune-sets airline,germeval17-dev,germeval17-aspects --fine-tune-folds 5]   # classifier train --fine-tune-layers
        # env BENCH_SAVE_PROBS=/tmp/x: germeval17-aspects also saves per-fold probabilities (x-foldN.npz)

Embeddings of the dataset texts are cached in /tmp/resonanz-bench-cache (RESONANZ_BENCH_CACHE).
Zero-shot = no training on the evaluated set (prototypes; the shipped head trained on UCI + MAMS + own
sentences). Trained = 5-fold stratified CV on the set (or the fixed train/dev split where one exists), with
``resonanz.core.text.heads.train_classifier`` (the same code as ``resonanz classifier train``).
Prints a table and one ``RESULT`` line per figure.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from resonanz.core.text import datasets as ds
from resonanz.core.text.evaluation import classification_metrics
from resonanz.core.text.heads import train_classifier

TRUNC = 1500
ROWS: list[tuple[str, str, float, float | None]] = []  # (name, metric, value, target)


def report(name: str, metric: str, value: float, target: float | None = None) -> None:
    ROWS.append((name, metric, value, target))
    if target is None:
        print(f"RESULT {name} value={value:.4f} unit={metric} target=- ratio=- ok=true", flush=True)
    else:
        print(f"RESULT {name} value={value:.4f} unit={metric} target={target} ratio={value / target:.3f} "
              f"ok={str(value >= target).lower()}", flush=True)


_EMB: Any = None


def embedder() -> Any:
    global _EMB
    if _EMB is None:
        from resonanz.core.text.embed import get_embedder

        _EMB = get_embedder(os.environ.get("RESONANZ_BENCH_EMBEDDER", "auto"))
    return _EMB


def encode(texts: Sequence[str]) -> np.ndarray:
    return ds.encode_cached(embedder(), [t[:TRUNC] for t in texts])


def lexf(texts: Sequence[str], lang: str) -> np.ndarray:
    from resonanz.core.text.sentiment import lexical_features

    return lexical_features(texts, [lang] * len(texts))


def folds(y: Sequence[Any], k: int = 5, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    from sklearn.model_selection import KFold, StratifiedKFold

    idx = np.arange(len(y))
    if isinstance(y[0], str):
        return list(StratifiedKFold(k, shuffle=True, random_state=seed).split(idx, y))
    return list(KFold(k, shuffle=True, random_state=seed).split(idx))


# --------------------------------------------------------------------------------------------------
# Sentiment
# --------------------------------------------------------------------------------------------------


def zero_shot_sentiment(texts: list[str], X: np.ndarray, lang: str) -> dict[str, list[str]]:
    from resonanz.core.text import sentiment as s

    L = lexf(texts, lang)
    out = {"proto": [s.LABELS[i] for i in s.ProtoSentiment(embedder()).predict_proba(X, L).argmax(1)]}
    if s.head_available():
        out["head"] = [s.LABELS[i] for i in s.HeadSentiment().predict_proba(X, L).argmax(1)]
        out["ensemble"] = [s.LABELS[i] for i in s.EnsembleSentiment(embedder()).predict_proba(X, L).argmax(1)]
    return out


def cv_single(texts: list[str], X: np.ndarray, y: list[str], lang: str, **kw: Any) -> list[str]:
    pred = [""] * len(y)
    for tr, te in folds(y):
        kw.setdefault("calibrate", False)  # accuracy/F1 use the argmax only
        clf = train_classifier([texts[i] for i in tr], X[tr], [y[i] for i in tr], **kw)
        for i, lab in zip(te, clf.predict([texts[i] for i in te], X[te]), strict=True):
            pred[i] = lab[0]
    return pred


def bench_sentiment() -> None:
    air = ds.load_airline()
    if air is None:
        print("skip airline: absent")
    else:
        X = encode(air.texts)
        for k, p in zero_shot_sentiment(air.texts, X, "en").items():
            m = classification_metrics([[g] for g in air.labels], [[x] for x in p])
            report(f"airline.sentiment.zeroshot-{k}", "accuracy", m["accuracy"], 0.75)
        p = cv_single(air.texts, X, air.labels, "en")
        m = classification_metrics([[g] for g in air.labels], [[x] for x in p])
        report("airline.sentiment.trained-cv5", "accuracy", m["accuracy"], 0.85)
        report("airline.sentiment.trained-cv5", "macro_f1", m["macro_f1"])
    ge = ds.load_germeval()
    if ge is None:
        print("skip germeval: absent")
    else:
        X = encode(ge.texts)
        for k, p in zero_shot_sentiment(ge.texts, X, "de").items():
            m = classification_metrics([[g] for g in ge.labels], [[x] for x in p])
            report(f"germeval17-dev.sentiment.zeroshot-{k}", "micro_f1", m["micro_f1"], 0.65)
        p = cv_single(ge.texts, X, ge.labels, "de")
        m = classification_metrics([[g] for g in ge.labels], [[x] for x in p])
        report("germeval17-dev.sentiment.trained-cv5", "micro_f1", m["micro_f1"], 0.80)
        report("germeval17-dev.sentiment.trained-cv5", "macro_f1", m["macro_f1"])
    sb = ds.load_sb10k("dev")
    if sb is None:
        print("skip sb10k: absent")
    else:
        X = encode(sb.texts)
        for k, p in zero_shot_sentiment(sb.texts, X, "de").items():
            m = classification_metrics([[g] for g in sb.labels], [[x] for x in p])
            report(f"sb10k-dev.sentiment.zeroshot-{k}", "macro_f1", m["macro_f1"], 0.55)
        tr = ds.load_sb10k("train")
        if tr is not None and os.environ.get("BENCH_SB10K_TRAIN", "1") == "1":
            Xt = encode(tr.texts)
            clf = train_classifier(tr.texts, Xt, tr.labels, calibrate=False)
            p = [x[0] for x in clf.predict(sb.texts, X)]
            m = classification_metrics([[g] for g in sb.labels], [[x] for x in p])
            report("sb10k-dev.sentiment.trained-on-train", "macro_f1", m["macro_f1"])


# --------------------------------------------------------------------------------------------------
# Aspects
# --------------------------------------------------------------------------------------------------


def germeval_score(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]], *, multiset: bool = False) -> float:
    """GermEval 2017 subtask C scoring, as the official evaluation script does it (EvaluationScript,
    ``GermevalEvaluator.registerAspectOccurences`` + ``Fscore.getMicroFscore``): only documents with gold
    aspects count; per document the *set* of gold categories is compared with the *set* of predicted ones;
    a hit is a tp, a missed gold category an fn, an extra predicted one an fp; summed over documents the
    official micro-F1 (with its "none" pseudo-label) equals tp / (tp + fp + fn).

    ``multiset=True`` is a stricter variant (a category annotated twice in a document must be found twice;
    unreachable for a set-valued predictor) reported for comparison with earlier figures."""
    from collections import Counter

    tp = fp = fn = 0
    for g, p in zip(gold, pred, strict=True):
        if not g:
            continue
        gc = Counter(g) if multiset else Counter(set(g))
        pc = Counter(p) if multiset else Counter(set(p))
        hit = sum((gc & pc).values())
        tp += hit
        fp += sum(pc.values()) - hit
        fn += sum(gc.values()) - hit
    return tp / max(1, tp + fp + fn)


def supported(sets: list[list[str]], tr: Sequence[int], min_support: int = 5) -> list[list[str]]:
    """The label sets of the training rows ``tr``, keeping labels with >= ``min_support`` of those rows."""
    counts: dict[str, int] = {}
    for i in tr:
        for c in set(sets[i]):
            counts[c] = counts.get(c, 0) + 1
    return [sorted({c for c in sets[i] if counts[c] >= min_support}) for i in tr]


def cv_multi(texts: list[str], X: np.ndarray, sets: list[list[str]], *, min_support: int = 5,
             **kw: Any) -> tuple[list[list[str]], list[Any], list[np.ndarray]]:
    """5-fold CV of ``train_classifier`` (multi-label) over label sets (labels with >= ``min_support`` texts
    in the training part). Returns the predicted sets, and per fold the classifier and test indexes (so the
    caller can combine probabilities of several heads)."""
    pred: list[list[str]] = [[] for _ in texts]
    clfs, tests = [], []
    for tr, te in folds(list(range(len(texts)))):
        trs = supported(sets, tr, min_support)
        clf = train_classifier([texts[i] for i in tr], X[tr], trs, task="topics", multi_label=True, **kw)
        for i, labs in zip(te, clf.predict([texts[i] for i in te], X[te], at_least_one=True), strict=True):
            pred[i] = labs
        clfs.append(clf)
        tests.append(te)
    return pred, clfs, tests


def bench_germeval_aspects() -> None:
    """Aspect categories (part before '#') and category:polarity, 5-fold CV over the documents that have
    gold aspects, with ``heads.train_classifier`` (the code behind ``resonanz classifier train --multi-label
    --signals``): one-vs-rest LR on [2·embedding, char-TF-IDF, the 9 sentiment-signal features] for every
    category with >= 5 training documents (``BENCH_ASPECT_SIGNALS=0``: without the signals); the decision
    threshold (one for all categories) maximises the set score on 4-fold out-of-fold probabilities inside the
    training part (``thresholds="micro"``; ``BENCH_ASPECT_PERCLASS=1`` also reports the per-class-F1 rule).

    Category + polarity: a second head of the same kind on the joint ``category:polarity`` labels; the
    probability of a pair is P(category) x P(polarity | category) (``heads.pair_probabilities``), and pairs at
    or above the pair head's own threshold are predicted (the most probable one at least). Also reported:
    polarity = the document-sentiment head's label for every predicted category, and the stricter multiset
    scoring of earlier reports (see ``germeval_score``)."""
    from resonanz.core.text.heads import pair_probabilities, set_predictions

    ge = ds.load_germeval()
    if ge is None:
        print("skip germeval aspects: absent")
        return
    X = encode(ge.texts)
    has = [i for i, a in enumerate(ge.aspects) if a]
    texts = [ge.texts[i] for i in has]
    Xh = X[has]
    gold_c = [[c for c, _ in ge.aspects[i]] for i in has]
    gold_cp = [[f"{c}:{p}" for c, p in ge.aspects[i]] for i in has]
    const = [["Allgemein"]] * len(has)
    report("germeval17-dev.aspects.const-Allgemein", "score", germeval_score(gold_c, const))
    report("germeval17-dev.aspects.const-Allgemein-multiset", "score", germeval_score(gold_c, const, multiset=True))

    sig = os.environ.get("BENCH_ASPECT_SIGNALS", "1") == "1"
    tag = "" if sig else "-nosignals"
    pred, cat_clfs, tests = cv_multi(texts, Xh, gold_c, signals=sig)
    report(f"germeval17-dev.aspect-category.trained-cv5{tag}", "score", germeval_score(gold_c, pred), 0.60)
    if os.environ.get("BENCH_ASPECT_PERCLASS") == "1":
        pc_pred, _, _ = cv_multi(texts, Xh, gold_c, thresholds="per-class", signals=sig)
        report(f"germeval17-dev.aspect-category.trained-cv5-perclass-thresholds{tag}", "score",
               germeval_score(gold_c, pc_pred))
    _, pair_clfs, _ = cv_multi(texts, Xh, gold_cp, signals=sig)
    pcp: list[list[str]] = [[] for _ in has]
    for cc, pc, te in zip(cat_clfs, pair_clfs, tests, strict=True):
        tt = [texts[i] for i in te]
        Q = pair_probabilities(cc.predict_proba(tt, Xh[te]), cc.classes, pc.predict_proba(tt, Xh[te]), pc.classes)
        on = set_predictions(Q, float(pc.thresholds[0]))
        for r, i in enumerate(te):
            pcp[i] = [pc.classes[j] for j in np.flatnonzero(on[r])]
    sent = [ge.labels[i] for i in has]
    ps = cv_single(texts, Xh, sent, "de")
    doc_pol = [[f"{c}:{s}" for c in pr] for pr, s in zip(pred, ps, strict=True)]
    report(f"germeval17-dev.aspect-category+polarity.doc-sentiment-cv5{tag}", "score",
           germeval_score(gold_cp, doc_pol))
    report(f"germeval17-dev.aspect-category+polarity.trained-cv5{tag}", "score", germeval_score(gold_cp, pcp), 0.50)
    report(f"germeval17-dev.aspect-category.trained-cv5{tag}-multiset", "score",
           germeval_score(gold_c, pred, multiset=True))
    report(f"germeval17-dev.aspect-category+polarity.trained-cv5{tag}-multiset", "score",
           germeval_score(gold_cp, pcp, multiset=True))


def bench_hotel() -> None:
    tr, dv = ds.load_hotel("train"), ds.load_hotel("dev")
    if tr is None or dv is None:
        print("skip hotel aspects: absent")
        return
    Xt, Xd = encode(tr.texts), encode(dv.texts)
    lab_t = [sorted({f"{c}:{p}" for c, p in a}) for a in tr.aspects]
    rules = ["micro", "per-class"] if os.environ.get("BENCH_ASPECT_PERCLASS") == "1" else ["micro"]
    for rule in rules:
        tag = "" if rule == "micro" else "-perclass-thresholds"
        clf = train_classifier(tr.texts, Xt, lab_t, task="topics", multi_label=True, thresholds=rule)
        pred = [set(x) for x in clf.predict(dv.texts, Xd)]
        gold = [{f"{c}:{p}" for c, p in a} for a in dv.aspects]
        m = classification_metrics([sorted(g) for g in gold], [sorted(p) for p in pred])
        report(f"hotel-de-dev.aspect×polarity.trained-on-train{tag}", "micro_f1", m["micro_f1"])
        report(f"hotel-de-dev.aspect×polarity.trained-on-train{tag}", "macro_f1", m["macro_f1"])
        gc = [sorted({x.split(":")[0] for x in g}) for g in gold]
        pc = [sorted({x.split(":")[0] for x in p}) for p in pred]
        report(f"hotel-de-dev.aspect.trained-on-train{tag}", "micro_f1", classification_metrics(gc, pc)["micro_f1"])


def bench_mams() -> None:
    tr, va = ds.load_mams("train"), ds.load_mams("val")
    if tr is None or va is None:
        print("skip MAMS: absent")
        return
    Xt, Xv = encode(tr.texts), encode(va.texts)
    cats = sorted({c for a in tr.aspects for c, _ in a})
    # per-category polarity heads on the sentence (aspect-category sentiment, categories given)
    correct = total = 0
    per: dict[str, tuple[int, int]] = {}
    for c in cats:
        idx = [i for i, a in enumerate(tr.aspects) if any(x == c for x, _ in a)]
        y = [dict(tr.aspects[i])[c] for i in idx]
        if len(set(y)) < 2:
            continue
        clf = train_classifier([tr.texts[i] for i in idx], Xt[idx], y, calibrate=False)
        vidx = [i for i, a in enumerate(va.aspects) if any(x == c for x, _ in a)]
        if not vidx:
            continue
        p = [x[0] for x in clf.predict([va.texts[i] for i in vidx], Xv[vidx])]
        g = [dict(va.aspects[i])[c] for i in vidx]
        k = sum(a == b for a, b in zip(p, g, strict=True))
        per[c] = (k, len(vidx))
        correct += k
        total += len(vidx)
    report("mams-val.aspect-category-sentiment.per-category-heads", "accuracy", correct / max(1, total))


def write_head_metrics() -> None:
    """After ``--build-weights``: record the zero-shot figures just measured in the head's JSON metadata."""
    import json

    from resonanz.core.text import sentiment as s

    keys = {"airline": "airline_tweets.accuracy", "germeval17-dev": "germeval2017_dev.micro_f1",
            "sb10k-dev": "sb10k_dev.macro_f1"}
    found: dict[str, dict[str, float]] = {}
    for name, _metric, value, target in ROWS:
        ds_name, _, rest = name.partition(".sentiment.zeroshot-")
        if rest in ("head", "ensemble") and ds_name in keys and target is not None:
            group = "zero_shot_head_alone" if rest == "head" else f"zero_shot_{s.ENSEMBLE_NAME}"
            found.setdefault(group, {})[keys[ds_name]] = round(value, 3)
    if not found:
        return
    path = s.HEAD_PATH.with_suffix(".json")
    meta = json.loads(path.read_text("utf-8"))
    meta["metrics"] = {"measured_with": "RESONANZ_BENCH_EMBEDDER=onnx .venv/bin/python bench/quality.py "
                       f"--build-weights --only sentiment ({time.strftime('%Y-%m-%d')})", **found,
                       "note": "evaluation sets were never used for training; their licences allow evaluation only"}
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote metrics into {path}", flush=True)


def bench_finetune(layers: int, epochs: int | None, sets: list[str], n_folds: int) -> None:
    """``resonanz classifier train --fine-tune-layers K`` (``finetune.fine_tune_classifier``) in the same
    stratified folds as the frozen head above; needs the ``finetune`` extra (JAX). Slow: ~8 min per airline
    fold on 2 cores."""
    from resonanz.core.text.finetune import fine_tune_classifier

    loaders = {"airline": (ds.load_airline, "accuracy", 0.85), "germeval17-dev": (ds.load_germeval, "micro_f1", 0.80)}
    for name in sets:
        if name == "germeval17-aspects":
            bench_finetune_aspects(layers, epochs, n_folds)
            continue
        d = loaders[name][0]()
        if d is None:
            print(f"skip {name}: absent")
            continue
        texts = [t[:TRUNC] for t in d.texts]
        X = encode(d.texts)  # the shared embedding, for the frozen-encoder head mixed in
        gold, pred = [], []
        for f, (tr, te) in enumerate(folds(d.labels)[:n_folds]):
            clf = fine_tune_classifier([texts[i] for i in tr], [d.labels[i] for i in tr], X=X[tr], layers=layers,
                                       epochs=epochs, progress=lambda m, f=f: print(f"  fold {f}: {m}", flush=True))
            p = clf.predict([texts[i] for i in te], X[te])
            gold += [[d.labels[i]] for i in te]
            pred += p
            acc = np.mean([a[0] == b[0] for a, b in zip(gold, pred, strict=True)])
            print(f"  after fold {f}: accuracy {acc:.4f} on {len(gold)} texts", flush=True)
        m = classification_metrics(gold, pred)
        tag = f"trained-cv5-finetune-top{layers}" + ("" if n_folds == 5 else f"-folds{n_folds}")
        report(f"{name}.sentiment.{tag}", loaders[name][1], m[loaders[name][1]], loaders[name][2])
        report(f"{name}.sentiment.{tag}", "macro_f1", m["macro_f1"])


def bench_finetune_aspects(layers: int, epochs: int | None, n_folds: int) -> None:
    """GermEval 2017 aspect categories with ``classifier train --multi-label --signals --fine-tune-layers K``
    (``fine_tune_classifier(multi_label=True)``; categories with >= 5 training documents, as
    ``bench_germeval_aspects``) in the same folds; category + polarity = that classifier's P(category) times
    P(polarity | category) from the frozen joint-pair head (``heads.pair_probabilities``, pairs at or above
    the pair head's threshold). Per fold the frozen category head's score is printed beside it."""
    from resonanz.core.text.finetune import fine_tune_classifier
    from resonanz.core.text.heads import pair_probabilities, set_predictions

    ge = ds.load_germeval()
    if ge is None:
        print("skip germeval aspects: absent")
        return
    has = [i for i, a in enumerate(ge.aspects) if a]
    texts = [ge.texts[i][:TRUNC] for i in has]
    X = encode([ge.texts[i] for i in has])
    gold_c = [[c for c, _ in ge.aspects[i]] for i in has]
    gold_cp = [[f"{c}:{p}" for c, p in ge.aspects[i]] for i in has]

    done: list[int] = []
    pred_c: list[list[str]] = [[] for _ in has]
    pred_f: list[list[str]] = [[] for _ in has]
    pred_cp: list[list[str]] = [[] for _ in has]
    pred_fcp: list[list[str]] = [[] for _ in has]
    for f, (tr, te) in enumerate(folds(list(range(len(has))))[:n_folds]):
        tt = [texts[i] for i in te]
        clf = fine_tune_classifier([texts[i] for i in tr], supported(gold_c, tr), X=X[tr], task="topics",
                                   multi_label=True, signals=True, layers=layers, epochs=epochs,
                                   progress=lambda m, f=f: print(f"  fold {f}: {m}", flush=True))
        frozen = train_classifier([texts[i] for i in tr], X[tr], supported(gold_c, tr), task="topics",
                                  multi_label=True, signals=True)
        pairs = train_classifier([texts[i] for i in tr], X[tr], supported(gold_cp, tr), task="topics",
                                 multi_label=True, signals=True)
        for i, a, b in zip(te, clf.predict(tt, X[te]), frozen.predict(tt, X[te]), strict=True):
            pred_c[i], pred_f[i] = a, b
        Pp = pairs.predict_proba(tt, X[te])
        th = float(pairs.thresholds[0]) if pairs.thresholds is not None else 0.5
        for cat, out in ((clf, pred_cp), (frozen, pred_fcp)):
            on = set_predictions(pair_probabilities(cat.predict_proba(tt, X[te]), cat.classes, Pp, pairs.classes), th)
            for r, i in enumerate(te):
                out[i] = [pairs.classes[j] for j in np.flatnonzero(on[r])]
        if os.environ.get("BENCH_SAVE_PROBS"):  # per-fold probabilities, to study decision rules offline
            vd = clf.validation_detail or {}
            np.savez(f"{os.environ['BENCH_SAVE_PROBS']}-fold{f}.npz", test=te, classes=np.array(clf.classes),
                     P_ft=1 / (1 + np.exp(-clf.decision(tt, X[te]) / clf.temperature)),
                     P_frozen=frozen.predict_proba(tt, X[te]), frozen_classes=np.array(frozen.classes),
                     frozen_threshold=float(frozen.thresholds[0]) if frozen.thresholds is not None else 0.5,
                     weight=clf.partner_weight, threshold=float(clf.thresholds[0]) if clf.thresholds is not None
                     else 0.5, **{f"val_{k}": np.asarray(v) for k, v in vd.items()})
        done += list(te)
        g, gp = [gold_c[i] for i in te], [gold_cp[i] for i in te]
        print(f"  fold {f}: categories fine-tuned {germeval_score(g, [pred_c[i] for i in te]):.4f}, frozen "
              f"{germeval_score(g, [pred_f[i] for i in te]):.4f}; category+polarity "
              f"{germeval_score(gp, [pred_cp[i] for i in te]):.4f}, frozen "
              f"{germeval_score(gp, [pred_fcp[i] for i in te]):.4f}", flush=True)
    tag = f"trained-cv5-finetune-top{layers}" + ("" if n_folds == 5 else f"-folds{n_folds}")
    report(f"germeval17-dev.aspect-category.{tag}", "score",
           germeval_score([gold_c[i] for i in done], [pred_c[i] for i in done]), 0.60)
    report(f"germeval17-dev.aspect-category.trained-cv5{'' if n_folds == 5 else f'-folds{n_folds}'}-same-folds",
           "score", germeval_score([gold_c[i] for i in done], [pred_f[i] for i in done]))
    report(f"germeval17-dev.aspect-category+polarity.{tag}", "score",
           germeval_score([gold_cp[i] for i in done], [pred_cp[i] for i in done]), 0.50)
    report(f"germeval17-dev.aspect-category+polarity.trained-cv5{'' if n_folds == 5 else f'-folds{n_folds}'}"
           "-same-folds", "score", germeval_score([gold_cp[i] for i in done], [pred_fcp[i] for i in done]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=["sentiment", "germeval-aspects", "hotel", "mams", "finetune"], default=None)
    ap.add_argument("--fine-tune-layers", type=int, default=4, help="with --only finetune")
    ap.add_argument("--fine-tune-epochs", type=int, default=None, help="with --only finetune (default: auto)")
    ap.add_argument("--fine-tune-sets", default="airline",
                    help="with --only finetune: airline,germeval17-dev,germeval17-aspects")
    ap.add_argument("--fine-tune-folds", type=int, default=5, help="with --only finetune: folds to run (1-5)")
    ap.add_argument("--build-weights", action="store_true", help="retrain the shipped sentiment head first")
    args = ap.parse_args()
    if not ds.datasets_root().is_dir():
        print(f"datasets folder {ds.datasets_root()} absent: nothing to do")
        return
    t0 = time.time()
    if args.build_weights:
        from resonanz.core.text.sentiment import build_shipped_head

        meta = build_shipped_head(embedder(), encode=encode)
        print("built shipped head:", meta["n_train"], "sentences", meta["data"], flush=True)
    steps = {"sentiment": bench_sentiment, "germeval-aspects": bench_germeval_aspects, "hotel": bench_hotel,
             "mams": bench_mams}
    for name, fn in steps.items():
        if args.only in (None, name):
            fn()
    if args.only == "finetune":  # opt-in: slow, and needs the finetune extra
        bench_finetune(args.fine_tune_layers, args.fine_tune_epochs, args.fine_tune_sets.split(","),
                       max(1, min(5, args.fine_tune_folds)))
    if args.build_weights:
        write_head_metrics()
    print()
    print(f"{'benchmark':62s} {'metric':10s} {'value':>7s} {'target':>7s}")
    for name, metric, value, target in ROWS:
        tt = f"{target:.2f}" if target is not None else "-"
        flag = "" if target is None else ("  ok" if value >= target else "  MISSED")
        print(f"{name:62s} {metric:10s} {value:7.4f} {tt:>7s}{flag}")
    print(f"(embedder {getattr(embedder(), 'name', '?')}, {time.time() - t0:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
