"""Pipeline speed with a fine-tuned classifier: its embedding from a branch of the shared encoder pass
(``PipelineConfig.share_encoder``, the default) against the classifier running its own encoder.

    .venv/bin/python bench/finetune_speed.py              # 3,000 short texts, top 4 layers fine-tuned
    .venv/bin/python bench/finetune_speed.py --n 1000 --layers 2
    .venv/bin/python bench/finetune_speed.py --classifiers 2   # a sentiment and a topic classifier, both fine-tuned

Needs the ``finetune`` extra (JAX) to train the classifier: 1 epoch on 300 synthetic texts, since only its
shape matters here. Prints the build time of both encoder files, the pipeline's texts/s without a classifier,
with the classifier's own encoder and with the shared branch (best of two rounds each, alternating, on the
same texts), and ends with ``RESULT finetune-shared-encoder-speedup``: shared / own throughput. With ``K``
fine-tuned layers the encoder work per text goes from 24 to 12 + K layers. ``--classifiers 2`` adds a fine-tuned
multi-label topic classifier (both read their embeddings from branches of one file: 36 -> 12 + 2K layers) and
ends with ``RESULT finetune-two-shared-encoder-speedup`` (target 1.5).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nlp_speed import CORES, make_texts, result  # noqa: E402

TARGET = 1.25  # 24 -> 16 encoder layers per text is 1.5x on the encoder; the rest of the pipeline is shared


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--classifiers", type=int, choices=[1, 2], default=1)
    args = ap.parse_args()
    os.environ.setdefault("RESONANZ_THREADS", str(CORES))
    try:
        import jax  # noqa: F401

        from resonanz.core.text.finetune import fine_tune_classifier
    except ImportError:
        print("needs the finetune extra: RESONANZ_EXTRAS=dev,finetune bash scripts/install.sh")
        print(f"RESULT finetune-shared-encoder-speedup value=0 unit=x target={TARGET} ratio=- ok=false")
        return
    from resonanz.core.text.base import TextInput
    from resonanz.core.text.finetune import build_encoder
    from resonanz.core.text.pipeline import Pipeline, PipelineConfig

    train = make_texts(300, seed=7)
    labels = ["negative" if any(w in t for w in ("langsam", "slow", "enttäusch", "disappoint", "Katastrophe",
                                                  "disaster", "beschädigt", "damaged", "nicht", "not", "rude",
                                                  "unfreundlich", "ewig", "forever", "teuer", "expensive"))
              else "positive" for t in train]
    t0 = time.perf_counter()
    clf = fine_tune_classifier(train, labels, layers=args.layers, epochs=1, validation=0.0)
    print(f"trained {args.layers} layers on {len(train)} texts in {time.perf_counter() - t0:.0f} s")
    with tempfile.TemporaryDirectory(prefix="resonanz-ftspeed-") as tmp:
        os.environ["RESONANZ_CLASSIFIER_DIR"] = tmp
        clf.meta["name"] = "speed"
        d = clf.save(Path(tmp) / "speed")
        for shared in (False, True):
            t0 = time.perf_counter()
            build_encoder(clf.encoder_layers, d, shared=shared)
            print(f"built {'shared' if shared else 'own'} encoder in {time.perf_counter() - t0:.1f} s")
        texts = [TextInput(str(i), t) for i, t in enumerate(make_texts(args.n, seed=1))]
        names: tuple[str, ...] = ("speed",)
        if args.classifiers == 2:
            sets = [[lab, "de"] if any(c in t for c in "äöüß") else [lab] for t, lab in zip(train, labels, strict=True)]
            t0 = time.perf_counter()
            topics = fine_tune_classifier(train, sets, task="topics", multi_label=True, layers=args.layers, epochs=1,
                                          validation=0.0)
            print(f"trained a topic classifier in {time.perf_counter() - t0:.0f} s")
            topics.meta["name"] = "speed-topics"
            topics.save(Path(tmp) / "speed-topics")
            names = ("speed", "speed-topics")
        runs = {"no classifier": PipelineConfig(),
                "own encoder": PipelineConfig(classifiers=names, share_encoder=False),
                "shared branch": PipelineConfig(classifiers=names)}
        pipes = {k: Pipeline(c) for k, c in runs.items()}
        for p in pipes.values():
            p.analyze(texts[:64])  # warm-up: sessions, lexicons
        best = dict.fromkeys(pipes, 0.0)
        for _ in range(2):
            for k, p in pipes.items():
                for c, _ in p.customs.values():  # its one-batch embedding cache would hit on the same texts
                    c._last = None
                t0 = time.perf_counter()
                p.analyze(texts)
                best[k] = max(best[k], len(texts) / (time.perf_counter() - t0))
        for k, v in best.items():
            print(f"{k:>14}: {v:7.1f} texts/s")
    ratio = best["shared branch"] / best["own encoder"]
    if args.classifiers == 2:
        print(result("finetune-two-shared-encoder-speedup", ratio, "x", 1.5))
    else:
        print(result("finetune-shared-encoder-speedup", ratio, "x", TARGET))


if __name__ == "__main__":
    main()
