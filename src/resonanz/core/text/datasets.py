"""Loaders for the public benchmark sets in ``../shared/datasets`` (evaluation only, never shipped).

Every loader returns plain lists and returns ``None`` when the file is absent, so benchmarks and tests can
skip cleanly. Licences differ per set (see ``/work/shared/datasets/README.md``): only UCI sentences
(CC BY 4.0) and MAMS (Apache-2.0) may train shipped weights.
"""

from __future__ import annotations

import csv
import hashlib
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt


def datasets_root() -> Path:
    """``RESONANZ_DATASETS`` or ``../shared/datasets`` relative to the repository (or cwd)."""
    env = os.environ.get("RESONANZ_DATASETS")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in [Path.cwd(), *here.parents]:
        cand = parent.parent / "shared" / "datasets"
        if cand.is_dir():
            return cand
    return Path("/work/shared/datasets")


@dataclass
class Labelled:
    """Texts with one label each (sentiment) and optionally aspect labels per text."""

    name: str
    texts: list[str]
    labels: list[str]
    aspects: list[list[tuple[str, str]]] = field(default_factory=list)  # (category, polarity)


def _p(*parts: str) -> Path | None:
    path = datasets_root().joinpath(*parts)
    return path if path.is_file() else None


def load_germeval(split: str = "dev") -> Labelled | None:
    """GermEval 2017 TSV: url, text, relevance, sentiment, aspects (``Category#Sub:polarity``)."""
    path = _p("germeval2017", f"{split}.tsv")
    if path is None:
        return None
    texts, labels, aspects = [], [], []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 4:
                continue
            texts.append(cols[1])
            labels.append(cols[3].strip())
            asp: list[tuple[str, str]] = []
            if len(cols) > 4 and cols[4].strip():
                for tok in cols[4].split():
                    if ":" not in tok:
                        continue
                    cat, pol = tok.rsplit(":", 1)
                    asp.append((cat.split("#", 1)[0], pol))
            aspects.append(asp)
    return Labelled("germeval2017-" + split, texts, labels, aspects)


def load_airline() -> Labelled | None:
    path = _p("airline_tweets", "train.csv")
    if path is None:
        return None
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            texts.append(row["text"])
            labels.append(row["airline_sentiment"])
    return Labelled("airline", texts, labels)


def load_sb10k(split: str = "dev") -> Labelled | None:
    path = _p("sb10k", f"{split}.tsv")
    if path is None:
        return None
    texts, labels = [], []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 3:
                continue
            texts.append(cols[2])
            labels.append(cols[1].strip())
    return Labelled("sb10k-" + split, texts, labels)


def load_uci() -> Labelled | None:
    """UCI sentiment sentences (Kotzias et al., KDD 2015; CC BY 4.0): binary 0/1 -> negative/positive."""
    root = datasets_root() / "uci_sentences"
    if not root.is_dir():
        return None
    texts, labels = [], []
    for name in ("amazon_cells_labelled.txt", "imdb_labelled.txt", "yelp_labelled.txt"):
        path = root / name
        if not path.is_file():
            continue
        with path.open(encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if "\t" not in line:
                    continue
                text, lab = line.rstrip("\n").rsplit("\t", 1)
                if lab.strip() not in ("0", "1"):
                    continue
                texts.append(text.strip())
                labels.append("positive" if lab.strip() == "1" else "negative")
    return Labelled("uci", texts, labels) if texts else None


def load_mams(split: str = "train") -> Labelled | None:
    """MAMS ACSA (Apache-2.0). ``labels`` holds a sentence-level polarity derived from the aspects:
    the majority non-neutral polarity if one dominates, else ``"mixed"``; ``aspects`` the full list."""
    path = _p("mams_acsa", f"{split}.xml")
    if path is None:
        return None
    texts, labels, aspects = [], [], []
    for sent in ET.parse(path).getroot().iter("sentence"):  # noqa: S314 - local benchmark file
        text_el = sent.find("text")
        if text_el is None or not text_el.text:
            continue
        asp = [(a.get("category", ""), a.get("polarity", "")) for a in sent.iter("aspectCategory")]
        pols = [p for _, p in asp]
        pos, neg = pols.count("positive"), pols.count("negative")
        if pos and not neg:
            lab = "positive"
        elif neg and not pos:
            lab = "negative"
        elif not pos and not neg:
            lab = "neutral"
        else:
            lab = "mixed"
        texts.append(text_el.text.strip())
        labels.append(lab)
        aspects.append(asp)
    return Labelled("mams-" + split, texts, labels, aspects)


def load_hotel(split: str = "train") -> Labelled | None:
    """German hotel sentences, fastText format ``__label__CAT:polarity ... <TAB> text``."""
    path = _p("hotel_aspects_de", f"{split}.txt")
    if path is None:
        return None
    texts, labels, aspects = [], [], []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if "\t" not in line:
                continue
            labs, text = line.split("\t", 1)
            asp = []
            for tok in labs.split():
                tok = tok.replace("__label__", "")
                if ":" in tok:
                    cat, pol = tok.rsplit(":", 1)
                    asp.append((cat, pol))
            texts.append(text.strip())
            aspects.append(sorted(set(asp)))
            labels.append("")
    return Labelled("hotel-" + split, texts, labels, aspects)


def _key(name: str, texts: Sequence[str]) -> str:
    h = hashlib.sha1(name.encode(), usedforsecurity=False)
    for t in texts:
        h.update(t.encode("utf-8", "replace"))
        h.update(b"\x00")
    return h.hexdigest()


def encode_cached(
    embedder: object, texts: Sequence[str], *, cache_dir: str | Path | None = None, batch_size: int = 32,
    chunk: int = 256,
) -> npt.NDArray[np.float32]:
    """Encode ``texts`` with ``embedder``, caching on disk per chunk (keyed by embedder name + texts), so an
    interrupted run resumes."""
    cache = Path(cache_dir or os.environ.get("RESONANZ_BENCH_CACHE", "/tmp/resonanz-bench-cache"))  # noqa: S108
    cache.mkdir(parents=True, exist_ok=True)
    name = getattr(embedder, "name", "emb")
    path = cache / f"{_key(name, texts)}.npy"
    if path.is_file():
        return np.load(path)
    parts = []
    for a in range(0, len(texts), chunk):
        sub = list(texts[a : a + chunk])
        cp = cache / f"c-{_key(name, sub)}.npy"
        if cp.is_file():
            parts.append(np.load(cp))
            continue
        v = np.asarray(embedder.encode(sub, batch_size=batch_size), dtype=np.float32)  # type: ignore[attr-defined]
        np.save(cp, v)
        parts.append(v)
    vecs = np.concatenate(parts) if parts else np.zeros((0, 384), np.float32)
    np.save(path, vecs)
    return vecs
