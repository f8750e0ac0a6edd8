"""Quality benchmark of the NLP core over the public sets in ../shared/datasets (absent sets are skipped).

    .venv/bin/python bench/quality.py                 # everything
    .venv/bin/python bench/quality.py --only sentiment
    .venv/bin/python bench/quality.py --build-weights # (re)train the shipped sentiment head first

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
from resonanz.core.text.heads import classification_metrics, train_classifier

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


def germeval_score(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> float:
    """GermEval 2017 style: documents with gold aspects; gold aspects counted as a multiset (a category
    annotated twice must be found twice); tp/fp/fn summed over documents; score = tp/(tp+fp+fn)."""
    from collections import Counter

    tp = fp = fn = 0
    for g, p in zip(gold, pred, strict=True):
        if not g:
            continue
        gc, pc = Counter(g), Counter(p)
        hit = sum((gc & pc).values())
        tp += hit
        fp += sum(pc.values()) - hit
        fn += sum(gc.values()) - hit
    return tp / max(1, tp + fp + fn)


def cv_multi(texts: list[str], X: np.ndarray, sets: list[list[str]], *, min_support: int = 5,
             **kw: Any) -> list[set[str]]:
    pred: list[set[str]] = [set() for _ in texts]
    for tr, te in folds(list(range(len(texts)))):
        counts: dict[str, int] = {}
        for i in tr:
            for c in sets[i]:
                counts[c] = counts.get(c, 0) + 1
        keep = {c for c, n in counts.items() if n >= min_support}
        trs = [[c for c in sets[i] if c in keep] for i in tr]
        clf = train_classifier([texts[i] for i in tr], X[tr], trs, task="topics", multi_label=True, **kw)
        for i, labs in zip(te, clf.predict([texts[i] for i in te], X[te], at_least_one=True), strict=True):
            pred[i] = set(labs)
    return pred


def bench_germeval_aspects() -> None:
    """Aspect categories (part before '#') and category:polarity, 5-fold CV over the documents that have
    gold aspects. Model: one-vs-rest LR per category (categories with >= 5 documents) on
    [2·embedding, char-TF-IDF] (BENCH_ASPECT_CHARS=0: embedding only); decision: the most probable category
    always, others when p >= 0.2. Polarity of every predicted category: the most probable of the joint
    ``category:polarity`` one-vs-rest heads (pairs with >= 5 documents, same features and folds;
    ``heads.category_polarity``), the document-sentiment head's label where the category has no joint head.
    The document-sentiment-only variant is reported too."""
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

    from resonanz.core.text.heads import category_polarity, char_counts, fit_idf, tfidf

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
    report("germeval17-dev.aspects.const-Allgemein", "score", germeval_score(gold_c, [["Allgemein"]] * len(has)))
    sent = np.array([ge.labels[i] for i in has])
    cats = sorted({c for g in gold_c for c in g})
    cats = [c for c in cats if sum(c in g for g in gold_c) >= 5]
    Y = np.array([[c in g for c in cats] for g in gold_c], dtype=int)
    P = np.zeros(Y.shape)
    pairs = sorted({x for g in gold_cp for x in g})
    pairs = [x for x in pairs if sum(x in g for g in gold_cp) >= 5]
    YP = np.array([[x in g for x in pairs] for g in gold_cp], dtype=int)
    PP = np.zeros(YP.shape)
    S = np.zeros((len(has), 3))
    slab = sorted(set(sent))
    chars = os.environ.get("BENCH_ASPECT_CHARS", "1") == "1"
    tag = "" if chars else "-embonly"
    counts = char_counts(texts) if chars else None
    for tr, te in folds(list(range(len(has)))):
        if chars:
            idf = fit_idf(counts[tr])
            Ftr = sp.hstack([sp.csr_matrix(2 * Xh[tr]), tfidf(counts[tr], idf)]).tocsr()
            Fte = sp.hstack([sp.csr_matrix(2 * Xh[te]), tfidf(counts[te], idf)]).tocsr()
        else:
            Ftr, Fte = Xh[tr], Xh[te]
        for j in range(len(cats)):
            if Y[tr, j].min() == Y[tr, j].max():
                continue
            m = LogisticRegression(C=4, solver="liblinear").fit(Ftr, Y[tr, j])
            P[te, j] = m.predict_proba(Fte)[:, 1]
        for j in range(len(pairs)):
            if YP[tr, j].min() == YP[tr, j].max():
                continue
            PP[te, j] = LogisticRegression(C=4, solver="liblinear").fit(Ftr, YP[tr, j]).predict_proba(Fte)[:, 1]
        S[te] = LogisticRegression(C=4, max_iter=3000).fit(Ftr, sent[tr]).predict_proba(Fte)
    pred = [[cats[int(np.argmax(p))]] + [cats[j] for j in np.flatnonzero(p >= 0.2) if j != int(np.argmax(p))]
            for p in P]
    ps = [slab[int(np.argmax(x))] for x in S]
    doc_pol = [[f"{c}:{s}" for c in pr] for pr, s in zip(pred, ps, strict=True)]
    pcp = category_polarity(pred, PP, pairs, ps)
    report(f"germeval17-dev.aspect-category.trained-cv5{tag}", "score", germeval_score(gold_c, pred), 0.60)
    report(f"germeval17-dev.aspect-category+polarity.doc-sentiment-cv5{tag}", "score",
           germeval_score(gold_cp, doc_pol))
    report(f"germeval17-dev.aspect-category+polarity.trained-cv5{tag}", "score", germeval_score(gold_cp, pcp), 0.50)


def bench_hotel() -> None:
    tr, dv = ds.load_hotel("train"), ds.load_hotel("dev")
    if tr is None or dv is None:
        print("skip hotel aspects: absent")
        return
    Xt, Xd = encode(tr.texts), encode(dv.texts)
    lab_t = [sorted({f"{c}:{p}" for c, p in a}) for a in tr.aspects]
    clf = train_classifier(tr.texts, Xt, lab_t, task="topics", multi_label=True)
    pred = [set(x) for x in clf.predict(dv.texts, Xd)]
    gold = [{f"{c}:{p}" for c, p in a} for a in dv.aspects]
    m = classification_metrics([sorted(g) for g in gold], [sorted(p) for p in pred])
    report("hotel-de-dev.aspect×polarity.trained-on-train", "micro_f1", m["micro_f1"])
    report("hotel-de-dev.aspect×polarity.trained-on-train", "macro_f1", m["macro_f1"])
    gc = [sorted({x.split(":")[0] for x in g}) for g in gold]
    pc = [sorted({x.split(":")[0] for x in p}) for p in pred]
    report("hotel-de-dev.aspect.trained-on-train", "micro_f1", classification_metrics(gc, pc)["micro_f1"])


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=["sentiment", "germeval-aspects", "hotel", "mams"], default=None)
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
    print()
    print(f"{'benchmark':62s} {'metric':10s} {'value':>7s} {'target':>7s}")
    for name, metric, value, target in ROWS:
        tt = f"{target:.2f}" if target is not None else "-"
        flag = "" if target is None else ("  ok" if value >= target else "  MISSED")
        print(f"{name:62s} {metric:10s} {value:7.4f} {tt:>7s}{flag}")
    print(f"(embedder {getattr(embedder(), 'name', '?')}, {time.time() - t0:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
