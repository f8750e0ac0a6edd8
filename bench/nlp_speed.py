"""Speed and memory of the NLP pipeline on short feedback texts (2 cores).

    .venv/bin/python bench/nlp_speed.py            # 10,000 texts
    .venv/bin/python bench/nlp_speed.py --n 2000   # quicker
    .venv/bin/python bench/nlp_speed.py --aspect-vectors encode   # aspects.clause-split.v1 (clauses re-encoded)

Figures: full pipeline texts/s, bare encoder texts/s on the same texts in the same run, their ratio, peak
RSS, first-time model preparation (``embed.prepare_model(force=True)`` into a temporary
RESONANZ_MODEL_DIR, in a subprocess) and the cold start of ``resonanz analyze`` on 10 texts (subprocess,
model already prepared). Ends with one ``RESULT`` line per figure.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORES = 2

DE_START = ["Die Lieferung", "Der Kundenservice", "Die Qualität der Jacke", "Die Beratung im Laden", "Die App",
            "Der Preis", "Die Rücksendung", "Die Verpackung", "Die Hotline", "Das Paket", "Die Rechnung",
            "Der Newsletter", "Die Filiale", "Die Passform der Hose", "Der Bestellvorgang"]
DE_END = ["war super schnell", "war leider viel zu langsam", "ist top", "hat mich enttäuscht", "war in Ordnung",
          "ist eine Katastrophe", "war sehr freundlich", "kam beschädigt an", "ist zu teuer", "hat gut geklappt",
          "funktioniert nicht", "war unfreundlich", "ist übersichtlich", "dauert ewig"]
EN_START = ["The delivery", "Customer service", "The quality of the jacket", "The advice in the store", "The app",
            "The price", "The return", "The packaging", "The hotline", "The parcel", "The invoice",
            "The newsletter", "The store", "The fit of the trousers", "Checkout"]
EN_END = ["was super fast", "was far too slow", "is great", "was disappointing", "was okay", "is a disaster",
          "was very friendly", "arrived damaged", "is too expensive", "worked well", "does not work",
          "was rude", "is easy to use", "takes forever"]
TAILS = ["", "", "", " Danke!", " Thanks!", " Nie wieder.", " Will order again.", " Bitte verbessern."]


def make_texts(n: int, seed: int = 0) -> list[str]:
    """Short synthetic DE/EN feedback; about one in four has two clauses with a contrast word."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        if rng.random() < 0.5:
            t = f"{rng.choice(DE_START)} {rng.choice(DE_END)}"
            if rng.random() < 0.25:
                t += f", aber {rng.choice(DE_START).lower()} {rng.choice(DE_END)}"
        else:
            t = f"{rng.choice(EN_START)} {rng.choice(EN_END)}"
            if rng.random() < 0.25:
                t += f", but {rng.choice(EN_START).lower()} {rng.choice(EN_END)}"
        out.append(t + "." + rng.choice(TAILS))
    return out


def result(name: str, value: float, unit: str, target: float | None, higher_is_better: bool = True) -> str:
    if target is None:
        return f"RESULT {name} value={value:.3f} unit={unit} target=- ratio=- ok=true"
    ratio = value / target if higher_is_better else (target / value if value else float("inf"))
    ok = value >= target if higher_is_better else value <= target
    return f"RESULT {name} value={value:.3f} unit={unit} target={target} ratio={ratio:.3f} ok={str(ok).lower()}"


def prepare_time() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, RESONANZ_MODEL_DIR=tmp)
        code = ("import time;t=time.time();from resonanz.core.text import embed;"
                "embed.prepare_model(force=True);print(time.time()-t)")
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        return float(out.stdout.strip().splitlines()[-1])


def cold_start() -> float:
    exe = Path(sys.executable).with_name("resonanz")
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "ten.csv"
        f.write_text("text\n" + "".join(f'"{t}"\n' for t in make_texts(10, seed=7)), encoding="utf-8")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "resonanz.cli.main"]
        t = time.time()
        subprocess.run([*cmd, "analyze", str(f), "--text-column", "text", "--output", str(Path(tmp) / "o.jsonl")],
                       check=True, capture_output=True)
        return time.time() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--skip-prepare", action="store_true")
    ap.add_argument("--no-aspect-clauses", action="store_true", help="topic sentiment = document sentiment")
    ap.add_argument("--aspect-vectors", choices=("span", "encode"), default="span",
                    help="clause vectors: pooled token states (default) or clauses encoded again")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))[:CORES]
        os.sched_setaffinity(0, set(cpus))
    os.environ.setdefault("RESONANZ_THREADS", str(CORES))
    lines = []
    if not args.skip_prepare:
        t_prep = prepare_time()
        print(f"model preparation: {t_prep:.1f} s", flush=True)
        lines.append(result("nlp.model_prepare_seconds", t_prep, "s", 60.0, higher_is_better=False))

    from resonanz.core.text.base import TextInput
    from resonanz.core.text.embed import get_embedder
    from resonanz.core.text.pipeline import Pipeline, PipelineConfig

    texts = make_texts(args.n)
    emb = get_embedder("auto")
    emb.encode(texts[:64])  # warm-up
    pipe = Pipeline(PipelineConfig(aspect_clauses=not args.no_aspect_clauses,
                                   aspect_clause_vectors=args.aspect_vectors), embedder=emb)
    pipe.analyze([TextInput(str(i), t) for i, t in enumerate(texts[:32])])

    t, c = time.time(), time.process_time()
    for a in range(0, len(texts), args.batch):
        emb.encode(texts[a:a + args.batch])
    enc_rate = len(texts) / (time.time() - t)
    enc_cpu = time.process_time() - c
    print(f"encoder: {enc_rate:.1f} texts/s", flush=True)

    before, pooled = pipe.aspects.clauses_encoded, pipe.aspects.clauses_pooled
    t, c = time.time(), time.process_time()
    for a in range(0, len(texts), args.batch):
        pipe.analyze([TextInput(str(i), x) for i, x in enumerate(texts[a:a + args.batch], a)])
    pipe_rate = len(texts) / (time.time() - t)
    pipe_cpu = time.process_time() - c
    clauses = (f"encoded {pipe.aspects.clauses_encoded - before}, pooled from token states "
               f"{pipe.aspects.clauses_pooled - pooled}, texts resolved by lexicon: {pipe.aspects.lexical_resolved}")
    print(f"pipeline ({pipe.aspects.name}): {pipe_rate:.1f} texts/s (clauses {clauses})", flush=True)
    # CPU seconds are robust to other load on the machine (wall-clock figures are not)
    print(f"CPU time: encoder {enc_cpu:.1f} s, pipeline {pipe_cpu:.1f} s for {len(texts)} texts", flush=True)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t_cold = cold_start()
    print(f"cold start analyze(10): {t_cold:.2f} s; peak RSS {rss_mb:.0f} MB; embedder {emb.name}", flush=True)
    lines += [
        result("nlp.pipeline_texts_per_s", pipe_rate, "texts/s", 250.0),
        result("nlp.encoder_texts_per_s", enc_rate, "texts/s", None),
        result("nlp.pipeline_encoder_ratio", pipe_rate / enc_rate, "ratio", 0.8),
        result("nlp.pipeline_encoder_ratio_cpu", enc_cpu / pipe_cpu, "ratio", 0.8),
        result("nlp.pipeline_texts_per_cpu_s", len(texts) / pipe_cpu, "texts/cpu-s", None),
        result("nlp.encoder_texts_per_cpu_s", len(texts) / enc_cpu, "texts/cpu-s", None),
        result("nlp.peak_rss_mb", rss_mb, "MB", 1536.0, higher_is_better=False),
        result("nlp.cold_start_analyze10_seconds", t_cold, "s", 5.0, higher_is_better=False),
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
