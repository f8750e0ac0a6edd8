"""Fine-tuned top encoder layers (``finetune.py``): the graph override, training, persistence, errors."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from resonanz.core.errors import TextAnalysisError
from resonanz.core.text.finetune import (
    ENCODER_FILE,
    LAYERS_FILE,
    PARTNER_WEIGHTS,
    align_columns,
    auto_epochs,
    fine_tune_classifier,
    load_encoder,
    partner_weight,
    random_split,
    validation_split,
)

POS = ["Super Service, vielen Dank!", "Great flight, friendly crew.", "Lieferung kam schnell, alles top.",
       "Love the new app, works perfectly.", "Sehr freundliche Beratung im Laden.", "Thanks for the quick refund!",
       "Tolles Essen und nette Bedienung.", "Best customer support I have ever had.", "Alles hat wunderbar geklappt.",
       "The hotel room was spotless and cozy.", "Ich bin rundum zufrieden.", "Excellent value for money."]
NEG = ["Paket kam beschädigt an, sehr ärgerlich.", "Flight delayed five hours and no info.",
       "Die Hotline ist nie erreichbar.", "Worst service ever, never again.", "Rechnung doppelt abgebucht, unglaublich.",
       "The app crashes every time I log in.", "Zug schon wieder ausgefallen.", "Rude staff and dirty tables.",
       "Seit drei Wochen keine Antwort auf meine Mail.", "My luggage is lost and nobody helps.",
       "Viel zu teuer für diese Qualität.", "Terrible food, cold and bland."]
TEXTS = POS + NEG
LABELS = ["positive"] * len(POS) + ["negative"] * len(NEG)
# multi-label: polarity, and "german" for the German texts (POS and NEG alternate German / English)
SETS = [[lab, "german"] if i % 2 == 0 else [lab] for i, lab in enumerate(LABELS)]


def _original_layer(li: int) -> dict[str, np.ndarray]:
    from resonanz.core.text._e5.build import source_model_path
    from resonanz.core.text._e5.modelfile import read_model_file

    mf = read_model_file(source_model_path())
    out = {}
    for nm in ("q", "k", "v", "ao", "fi", "fo"):
        out[f"l{li}.{nm}.w"] = mf.dequant(f"l{li}.{nm}.w", mf.ffn if nm == "fo" else mf.hidden)
        out[f"l{li}.{nm}.b"] = mf.f32(f"l{li}.{nm}.b")
    for nm in ("aln", "oln"):
        out[f"l{li}.{nm}.w"], out[f"l{li}.{nm}.b"] = mf.f32(f"l{li}.{nm}.w"), mf.f32(f"l{li}.{nm}.b")
    return out


def test_graph_override_with_the_original_weights_reproduces_the_encoder(tmp_path: Path) -> None:
    from resonanz.core.text.embed import get_embedder

    base = get_embedder("onnx").encode(TEXTS[:6])
    same = load_encoder(_original_layer(11), tmp_path / "same", 512, "test").encode(TEXTS[:6])
    assert float(np.min(np.sum(base * same, axis=1))) >= 0.999  # both L2-normalised: cosine
    changed = _original_layer(11)
    changed["l11.oln.b"] = changed["l11.oln.b"] + 0.5  # the override is really used
    other = load_encoder(changed, tmp_path / "changed", 512, "test").encode(TEXTS[:6])
    assert float(np.max(np.sum(base * other, axis=1))) < 0.99
    assert (tmp_path / "same" / ENCODER_FILE).stat().st_mode & 0o044 == 0o044  # readable by a worker user


def test_a_branch_with_badly_named_tensors_is_refused() -> None:
    from resonanz.core.text._e5.build import source_model_path
    from resonanz.core.text._e5.graph import build_graph
    from resonanz.core.text._e5.modelfile import read_model_file

    mf = read_model_file(source_model_path())
    for bad in ("q.w", "l12.q.w"):  # no layer, a layer the encoder does not have
        with pytest.raises(ValueError, match="l<layer>.<tensor>"):
            build_graph(mf, branch={bad: np.zeros((384, 384), np.float32)})
        with pytest.raises(ValueError, match="l<layer>.<tensor>"):
            build_graph(mf, branches={"topics": {bad: np.zeros((384, 384), np.float32)}})
    with pytest.raises(ValueError, match="branch names"):  # names become graph outputs
        build_graph(mf, branches={"to-pics": _original_layer(11)})


def test_fine_tune_learns_and_survives_save_and_load(tmp_path: Path) -> None:
    pytest.importorskip("jax")
    pytest.importorskip("optax")
    from resonanz.core.text.heads import TextClassifier, train_classifier

    said: list[str] = []
    clf = fine_tune_classifier(TEXTS, LABELS, layers=1, epochs=25, batch_size=8, lr=3e-4, progress=said.append)
    assert clf.meta["fine_tuned_layers"] == 1 and clf.encoder_layers is not None
    assert set(clf.encoder_layers) == {f"l11.{p}" for p in ("q.w", "q.b", "k.w", "k.b", "v.w", "v.b", "ao.w",
                                                            "ao.b", "aln.w", "aln.b", "fi.w", "fi.b", "fo.w",
                                                            "fo.b", "oln.w", "oln.b")}
    assert clf.encoder_layers["l11.fi.w"].shape == (1536, 384)  # (out, in) like the graph builder wants
    assert any("epoch 25/25" in m for m in said)
    X_unused = np.zeros((len(TEXTS), 384), np.float32)  # the head reads its own encoder, not the shared one
    pred = [p[0] for p in clf.predict(TEXTS, X_unused)]
    assert np.mean([p == g for p, g in zip(pred, LABELS, strict=True)]) >= 0.9
    P = clf.predict_proba(TEXTS, X_unused)
    calls: list[int] = []
    real = clf._encoder.encode
    clf._encoder.encode = lambda ts, **kw: calls.append(len(ts)) or real(ts, **kw)
    clf.predict_proba(TEXTS, X_unused)  # the same texts again (pipeline: probabilities, then labels)
    clf.predict_proba(TEXTS[:3], X_unused)
    assert calls == [3]  # encoded once per distinct batch

    d = clf.save(tmp_path / "ft")
    assert (d / LAYERS_FILE).is_file() and (d / ENCODER_FILE).is_file()
    again = TextClassifier.load(d)
    assert again.encoder_layers is not None
    np.testing.assert_allclose(again.predict_proba(TEXTS, X_unused), P, atol=1e-5)

    # retrained under the same name as a frozen head: the old encoder files go
    from resonanz.core.text.embed import get_embedder

    frozen = train_classifier(TEXTS, get_embedder("onnx").encode(TEXTS), LABELS, calibrate=False)
    frozen.save(d)
    assert not (d / LAYERS_FILE).exists() and not (d / ENCODER_FILE).exists()
    assert TextClassifier.load(d).encoder_layers is None


def test_a_validation_part_picks_the_epoch_the_temperature_and_the_frozen_head_mix(
    tmp_path: Path, monkeypatch: Any
) -> None:
    pytest.importorskip("jax")
    pytest.importorskip("optax")
    from resonanz.core.text.embed import get_embedder
    from resonanz.core.text.heads import PARTNER_DIR, TextClassifier, softmax

    monkeypatch.setattr("resonanz.core.text.finetune.MIN_VALIDATION", 4)  # the toy set is tiny
    X = get_embedder("onnx").encode(TEXTS)
    said: list[str] = []
    clf = fine_tune_classifier(TEXTS, LABELS, X=X, validation=0.25, layers=1, epochs=6, batch_size=8, lr=3e-4,
                               progress=said.append)
    v = clf.meta["validation"]
    assert v["n"] == 6 and clf.meta["n_fine_tune"] == 18 and clf.meta["n_train"] == 24  # 3 per class held back
    assert [h["epoch"] for h in v["epochs"]] == [1, 2, 3, 4, 5, 6] and "best_epoch" not in v  # the last one
    assert v["partner_weight"] in PARTNER_WEIGHTS and clf.partner_weight == v["partner_weight"]
    assert v["log_loss_combined"] >= 0 and 0 <= v["accuracy_combined"] <= 1
    assert any("validation accuracy" in m for m in said) and any(m.startswith("validation:") for m in said)
    assert abs(clf.temperature - v["temperature"]) < 1e-3  # stored rounded

    # the mix, whatever weight was chosen: P = (1 - w) softmax(z / T) + w P_partner(shared embedding X)
    clf.partner_weight = 0.5
    if clf.partner is None:  # validation preferred the fine-tuned head alone: attach one to test the mix
        from resonanz.core.text.heads import train_classifier

        clf.partner = train_classifier(TEXTS, X, LABELS)
    own = softmax(clf.decision(TEXTS, X) / clf.temperature)
    part = clf.partner.predict_proba(TEXTS, X)
    P = clf.predict_proba(TEXTS, X)
    np.testing.assert_allclose(P, 0.5 * own + 0.5 * part, atol=1e-6)
    assert not np.allclose(P, own, atol=1e-3)  # the partner really reads the shared embedding
    d = clf.save(tmp_path / "mixed")
    assert (d / PARTNER_DIR / "meta.json").is_file()
    again = TextClassifier.load(d)
    assert again.partner is not None and again.partner_weight == 0.5
    np.testing.assert_allclose(again.predict_proba(TEXTS, X), P, atol=1e-5)
    clf.partner, clf.partner_weight = None, 0.0
    clf.save(d)  # retrained without a partner: the old partner goes
    assert not (d / PARTNER_DIR).exists() and TextClassifier.load(d).partner is None


def test_multi_label_fine_tuning_learns_sets_calibrates_and_mixes(tmp_path: Path, monkeypatch: Any) -> None:
    pytest.importorskip("jax")
    pytest.importorskip("optax")
    from resonanz.core.text.embed import get_embedder
    from resonanz.core.text.heads import TextClassifier, set_score, sigmoid

    said: list[str] = []
    clf = fine_tune_classifier(TEXTS, SETS, task="topics", multi_label=True, layers=1, epochs=30, batch_size=8,
                               lr=3e-4, progress=said.append)
    assert clf.multi_label and clf.classes == ["german", "negative", "positive"] and clf.partner is None
    assert clf.thresholds is not None and np.allclose(clf.thresholds, 0.5)  # no validation part: the default
    X_unused = np.zeros((len(TEXTS), 384), np.float32)
    pred = clf.predict(TEXTS, X_unused)
    Y = np.array([[c in s for c in clf.classes] for s in SETS])
    on = np.array([[c in p for c in clf.classes] for p in pred])
    assert set_score(on, Y) >= 0.8  # 60 gold labels: most found, few extra
    assert all(len(p) >= 1 for p in pred)  # at least one label per text
    d = clf.save(tmp_path / "ml")
    again = TextClassifier.load(d)
    assert again.multi_label and again.encoder_layers is not None
    np.testing.assert_allclose(again.predict_proba(TEXTS, X_unused), clf.predict_proba(TEXTS, X_unused), atol=1e-5)

    monkeypatch.setattr("resonanz.core.text.finetune.MIN_VALIDATION", 4)
    X = get_embedder("onnx").encode(TEXTS)
    said.clear()
    mixed = fine_tune_classifier(TEXTS, SETS, X=X, validation=0.25, task="topics", multi_label=True, layers=1,
                                 epochs=4, batch_size=8, lr=3e-4, progress=said.append)
    v = mixed.meta["validation"]
    assert v["n"] == 6 and mixed.meta["n_fine_tune"] == 18 and len(v["epochs"]) == 4
    assert {"set_score", "log_loss"} <= set(v["epochs"][0]) and any("validation set score" in m for m in said)
    assert v["partner_weight"] in PARTNER_WEIGHTS and 0.05 <= v["threshold"] <= 0.75
    assert mixed.thresholds is not None and np.allclose(mixed.thresholds, v["threshold"])
    from resonanz.core.text.heads import expected_set_threshold

    d = mixed.validation_detail  # the validation probabilities behind these choices (not saved)
    assert d is not None and d["y"].shape == (6, 3) and d["P_frozen"].shape == (6, 3)
    w = v["partner_weight"]  # label-free threshold: the expected set score of the mixed probabilities
    assert v["threshold"] == expected_set_threshold((1 - w) * d["P_fine_tuned"] + w * d["P_frozen"])
    assert abs(mixed.temperature - v["temperature"]) < 1e-3
    if mixed.partner is None:  # validation preferred the fine-tuned head alone: attach one to test the mix
        from resonanz.core.text.heads import train_classifier

        mixed.partner = train_classifier(TEXTS, X, SETS, task="topics", multi_label=True)
    mixed.partner_weight = 0.25
    own = sigmoid(mixed.decision(TEXTS, X) / mixed.temperature)
    np.testing.assert_allclose(mixed.predict_proba(TEXTS, X),
                               0.75 * own + 0.25 * mixed.partner.predict_proba(TEXTS, X), atol=1e-6)
    assert mixed.partner.multi_label and mixed.partner.classes == mixed.classes


def test_multi_label_fine_tuning_takes_hostile_rows_and_says_what_is_wrong() -> None:
    pytest.importorskip("jax")
    pytest.importorskip("optax")
    hostile = ["", "<script>alert(1)</script> Lieferung kaputt", "=HYPERLINK(\"http://x\")", "😡😡😡",
               "Zug " * 200_000, "caf\udce9 ok"]  # empty, HTML/JS, CSV formula, emoji only, ~1 MB, lone surrogate
    sets = [[], ["negative"], ["negative", "german"], ["negative"], ["negative", "german"], ["positive"]]
    clf = fine_tune_classifier(TEXTS + hostile, SETS + sets, task="topics", multi_label=True, layers=1, epochs=1,
                               batch_size=8)
    pred = clf.predict(hostile, np.zeros((len(hostile), 384), np.float32))
    assert len(pred) == len(hostile) and all(set(p) <= {"german", "negative", "positive"} for p in pred)
    with pytest.raises(TextAnalysisError, match="at least two classes"):
        fine_tune_classifier(["a", "b", "c"], [["x"], ["x"], []], multi_label=True, layers=1)
    with pytest.raises(TextAnalysisError, match="24 texts but 2 embeddings"):
        fine_tune_classifier(TEXTS, SETS, X=np.zeros((2, 384), np.float32), multi_label=True, layers=1)


def test_multi_label_helpers() -> None:
    from resonanz.core.text.heads import binary_log_loss, fit_temperature

    Y = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]] * 25, dtype=np.float32)
    right = np.where(Y == 1, 0.9, 0.1)
    wrong = 1 - right
    assert partner_weight(right, wrong, Y) == 0.0 and partner_weight(wrong, right, Y) == 1.0
    assert binary_log_loss(right, Y) == pytest.approx(-np.log(0.9)) and binary_log_loss(wrong, Y) > 2
    # logits three times too confident: the fitted temperature undoes it (within the grid's step)
    rng = np.random.default_rng(0)
    z = rng.normal(0, 2, (4000, 3))
    Yr = (rng.random(z.shape) < 1 / (1 + np.exp(-z))).astype(np.float32)
    assert fit_temperature(3 * z, Yr, multi_label=True) == pytest.approx(3.0, rel=0.1)
    tr, va = random_split(500, 0.1)
    assert len(va) == 50 and len(np.intersect1d(tr, va)) == 0 and len(tr) + len(va) == 500
    assert random_split(300, 0.1) is None  # 30 < 40 validation texts
    P = np.array([[0.1, 0.9], [0.4, 0.6]])
    np.testing.assert_allclose(align_columns(P, ["b", "c"], ["a", "b", "c"]), [[0, 0.1, 0.9], [0, 0.4, 0.6]])


def test_partner_weight_minimises_the_validation_log_loss() -> None:
    y = np.array([0, 1, 0, 1])
    right = np.array([[0.9, 0.1], [0.1, 0.9], [0.9, 0.1], [0.1, 0.9]])
    wrong = right[:, ::-1]
    assert partner_weight(right, wrong, y) == 0.0  # own head right, partner wrong: no partner
    assert partner_weight(wrong, right, y) == 1.0
    half = np.array([[0.9, 0.1], [0.1, 0.9], [0.1, 0.9], [0.9, 0.1]])  # each right on a different half
    assert partner_weight(half, half[[2, 3, 0, 1]], y) == 0.5
    assert partner_weight(right, right, y) == 0.0  # equal: the smaller weight


def test_validation_split_and_auto_epochs() -> None:
    y = np.array([0] * 300 + [1] * 100 + [2] * 50)
    tr, va = validation_split(y, 0.1)
    assert len(np.intersect1d(tr, va)) == 0 and len(tr) + len(va) == len(y)
    assert np.bincount(y[va]).tolist() == [30, 10, 5]  # stratified
    assert validation_split(y, 0.0) is None
    assert validation_split(np.array([0] * 200 + [1] * 4), 0.1) is None  # a class too small to split
    assert validation_split(np.array([0, 1] * 100), 0.1) is None  # 20 < 40 validation texts
    assert auto_epochs(7300) == 3 and auto_epochs(1860) == 8 and auto_epochs(4000) == 5


def test_fine_tune_errors_are_specific(monkeypatch: Any) -> None:
    if _has_jax():
        with pytest.raises(TextAnalysisError, match="at least two classes"):
            fine_tune_classifier(["a", "b"], ["x", "x"], layers=1)
        with pytest.raises(TextAnalysisError, match=r"must be 1\.\.12"):
            fine_tune_classifier(TEXTS, LABELS, layers=13)
        with pytest.raises(TextAnalysisError, match="24 texts but 3 embeddings"):
            fine_tune_classifier(TEXTS, LABELS, X=np.zeros((3, 384), np.float32), layers=1)
        monkeypatch.setattr("resonanz.core.text.finetune.MAX_STATE_BYTES", 1000)
        with pytest.raises(TextAnalysisError, match="24 texts need .* GB of token states"):
            fine_tune_classifier(TEXTS, LABELS, layers=1)
    monkeypatch.setitem(sys.modules, "optax", None)  # as if the extra were not installed
    with pytest.raises(TextAnalysisError, match=r"pip install 'resonanz\[finetune\]'"):
        fine_tune_classifier(TEXTS, LABELS, layers=1)


def test_the_pipeline_reads_the_fine_tuned_embedding_from_a_branch_of_the_shared_pass(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """One encoder pass gives the shared embedding and the classifier's own (the lower layers run once); the
    results match the classifier running its own encoder; texts over its token cut still go through it."""
    pytest.importorskip("jax")
    pytest.importorskip("optax")
    from resonanz.core.text.base import TextInput
    from resonanz.core.text.embed import get_embedder
    from resonanz.core.text.finetune import SHARED_ENCODER_FILE
    from resonanz.core.text.pipeline import Pipeline, PipelineConfig

    clf = fine_tune_classifier(TEXTS, LABELS, layers=2, epochs=4, batch_size=8, lr=3e-4, max_tokens=24)
    monkeypatch.setenv("RESONANZ_CLASSIFIER_DIR", str(tmp_path))
    clf.meta["name"] = "ft"
    clf.save(tmp_path / "ft")
    long_text = "Die Lieferung kam nach drei Wochen, der Karton war nass und der Kundenservice hat nie geantwortet, " * 3
    batch = [TextInput(str(i), t) for i, t in enumerate([*TEXTS, long_text, ""])]

    own = Pipeline(PipelineConfig(classifier="ft", signals=False, share_encoder=False))
    shared = Pipeline(PipelineConfig(classifier="ft", signals=False))
    enc, clf2 = shared._shared_encoder()[1], shared.custom  # type: ignore[index]
    assert (tmp_path / "ft" / SHARED_ENCODER_FILE).is_file()
    # the shared graph's two outputs: the base embedding, and what the classifier's own encoder gives
    res = enc.encode_detailed(TEXTS, outputs=["embedding_ft"])
    base = get_embedder("onnx").encode(TEXTS)
    assert float(np.min(np.sum(res.vectors * base, axis=1))) >= 0.9999
    mine = clf2.own_embedding(TEXTS)
    assert float(np.min(np.sum(res.extra["embedding_ft"] * mine, axis=1))) >= 0.999
    assert float(np.max(np.sum(res.extra["embedding_ft"] * base, axis=1))) < 0.99  # really the fine-tuned one

    calls: list[list[str]] = []
    real = clf2._encoder.encode
    clf2._last = None
    monkeypatch.setattr(clf2._encoder, "encode", lambda ts, **kw: calls.append(list(ts)) or real(ts, **kw))
    r_shared, E_shared = shared.analyze_with_embeddings(batch)
    r_own, E_own = own.analyze_with_embeddings(batch)
    assert [r.sentiment for r in r_shared] == [r.sentiment for r in r_own]
    assert np.allclose([r.sentiment_score or 0 for r in r_shared], [r.sentiment_score or 0 for r in r_own], atol=0.02)
    assert float(np.min(np.sum(E_shared[:-1] * E_own[:-1], axis=1))) >= 0.9999  # the stored embedding is unchanged
    assert r_shared[-1].sentiment is None and not E_shared[-1].any()
    # the whole batch went through the shared pass: the classifier's own encoder ran only for the long text
    assert calls == [[long_text.strip()]]

    # the shared file cannot be built (a read-only classifier folder): the classifier runs its own encoder
    import resonanz.core.text.finetune as ft

    (tmp_path / "ft" / SHARED_ENCODER_FILE).unlink()
    real_build = ft.build_encoder

    def refuse(layers: Any, directory: Path, *, shared: bool = False) -> Path:
        if shared:
            raise PermissionError(f"read-only: {directory}")
        return real_build(layers, directory)

    monkeypatch.setattr(ft, "build_encoder", refuse)
    fallback = Pipeline(PipelineConfig(classifier="ft", signals=False))
    r_fb, _ = fallback.analyze_with_embeddings(batch)
    assert fallback._shared is False and [r.sentiment for r in r_fb] == [r.sentiment for r in r_own]


def test_two_fine_tuned_classifiers_read_their_embeddings_from_one_shared_pass(tmp_path: Path, monkeypatch: Any) -> None:
    pytest.importorskip("optax")
    from resonanz.core.text.base import TextInput
    from resonanz.core.text.pipeline import Pipeline, PipelineConfig

    monkeypatch.setenv("RESONANZ_CLASSIFIER_DIR", str(tmp_path))
    sent = fine_tune_classifier(TEXTS, LABELS, layers=2, epochs=4, batch_size=8, lr=3e-4, max_tokens=24)
    top = fine_tune_classifier(TEXTS, SETS, task="topics", multi_label=True, layers=1, epochs=4, batch_size=8,
                               lr=3e-4, max_tokens=24)
    for name, clf in (("fts", sent), ("ftt", top)):
        clf.meta["name"] = name
        clf.save(tmp_path / name)
    long_text = "Die Lieferung kam nach drei Wochen, der Karton war nass und der Kundenservice hat nie geantwortet, " * 3
    batch = [TextInput(str(i), t) for i, t in enumerate([*TEXTS, long_text, ""])]
    own = Pipeline(PipelineConfig(classifiers=("fts", "ftt"), signals=False, share_encoder=False))
    shared = Pipeline(PipelineConfig(classifiers=("fts", "ftt"), signals=False))
    stale = tmp_path / ".shared" / "encoder-0000000000000000.onnx"  # of a pair no longer active
    stale.parent.mkdir()
    stale.write_bytes(b"old")
    readers, enc = shared._shared_encoder()  # type: ignore[misc]
    assert not stale.exists()
    assert [out for _, out in readers] == ["embedding_ft_sentiment", "embedding_ft_topics"]
    assert len(list((tmp_path / ".shared").glob("encoder-*.onnx"))) == 1  # one file for the pair
    res = enc.encode_detailed(TEXTS, outputs=[out for _, out in readers])
    for clf, out in readers:  # each branch gives what that classifier's own encoder gives
        assert float(np.min(np.sum(res.extra[out] * clf.own_embedding(TEXTS), axis=1))) >= 0.999
    calls: list[tuple[str, list[str]]] = []
    for clf, _ in readers:
        clf._last = None
        real = clf._encoder.encode
        monkeypatch.setattr(clf._encoder, "encode", lambda ts, real=real, t=clf.task, **kw: calls.append(
            (t, list(ts))) or real(ts, **kw))
    r_shared = shared.analyze(batch)
    r_own = own.analyze(batch)
    assert [r.sentiment for r in r_shared] == [r.sentiment for r in r_own]
    assert [[h.name for h in r.topics] for r in r_shared] == [[h.name for h in r.topics] for r in r_own]
    # one pass for the whole batch: the classifiers' own encoders ran only for the long text
    assert sorted(calls) == [("sentiment", [long_text.strip()]), ("topics", [long_text.strip()])]


def _has_jax() -> bool:
    try:
        import jax  # noqa: F401
        import optax  # noqa: F401
    except ImportError:
        return False
    return True
