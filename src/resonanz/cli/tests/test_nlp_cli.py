"""The ``resonanz analyze / classifier train / evaluate`` contract (used by external evaluations)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from resonanz.cli import nlp
from resonanz.core.text.tests.test_sentiment import embedder_kind, get_test_embedder


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    a = typer.Typer()
    nlp.register(a)
    return a


@pytest.fixture(autouse=True)
def _env(monkeypatch: Any, tmp_path: Path) -> None:
    monkeypatch.setenv("RESONANZ_EMBEDDER", embedder_kind())
    monkeypatch.setenv("RESONANZ_CLASSIFIER_DIR", str(tmp_path / "classifiers"))
    get_test_embedder()  # created once per process, before any test changes directories


def _lines(out: str) -> list[dict[str, Any]]:
    return [json.loads(x) for x in out.splitlines() if x.strip()]


def _run(app: typer.Typer, args: list[str]) -> Any:
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, (res.output, res.exception)
    return res


ROWS = [("r1", "Die Lieferung war super schnell, danke!"), ("r2", ""), ("r3", "The staff was rude and unhelpful."),
        ("r4", "   ")]


def test_analyze_csv_with_header_writes_one_line_per_row_in_order(app: typer.Typer, tmp_path: Path) -> None:
    f = tmp_path / "in.csv"
    f.write_text("id,text\n" + "".join(f'{i},"{t}"\n' for i, t in ROWS), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    _run(app, ["analyze", str(f), "--text-column", "text", "--id-column", "id", "--output", str(out)])
    lines = _lines(out.read_text())
    assert [x["id"] for x in lines] == ["r1", "r2", "r3", "r4"]
    assert lines[0]["sentiment"]["label"] == "positive" and lines[0]["language"] == "de"
    assert lines[2]["sentiment"]["label"] == "negative"
    assert lines[1]["sentiment"] is None and lines[1]["language"] is None and lines[3]["topics"] == []
    assert set(lines[0]) == {"id", "language", "sentiment", "topics", "emotions", "intent", "urgent", "pii", "redacted_text"}


def test_analyze_tsv_no_header_uses_indexes_and_row_numbers(app: typer.Typer, tmp_path: Path) -> None:
    f = tmp_path / "in.tsv"
    f.write_text("".join(f"x\t{t}\n" for _, t in ROWS), encoding="utf-8")
    res = _run(app, ["analyze", str(f), "--text-column", "1", "--no-header"])
    lines = _lines(res.stdout)
    assert [x["id"] for x in lines] == [1, 2, 3, 4]
    assert lines[2]["language"] == "en" and lines[1]["sentiment"] is None


def test_analyze_jsonl_and_delimiter(app: typer.Typer, tmp_path: Path) -> None:
    f = tmp_path / "in.jsonl"
    f.write_text("".join(json.dumps({"k": i, "body": t}) + "\n" for i, t in ROWS), encoding="utf-8")
    lines = _lines(_run(app, ["analyze", str(f), "--text-column", "body", "--id-column", "k"]).stdout)
    assert [x["id"] for x in lines] == ["r1", "r2", "r3", "r4"]
    g = tmp_path / "in.txt"
    g.write_text("id;text\n" + "".join(f"{i};{t}\n" for i, t in ROWS), encoding="utf-8")
    lines = _lines(_run(app, ["analyze", str(g), "--text-column", "text", "--delimiter", ";"]).stdout)
    assert len(lines) == 4 and [x["id"] for x in lines] == [1, 2, 3, 4]


def test_train_then_evaluate_and_analyze_with_classifier(app: typer.Typer, tmp_path: Path, monkeypatch: Any) -> None:
    pos = ["Top Service", "Sehr zufrieden", "Great job", "Love it", "Schnelle Lieferung, danke", "Excellent"]
    neg = ["Ganz schlecht", "Nie wieder", "Terrible", "Broken on arrival", "Kaputt angekommen", "Awful support"]
    rows = [(t, "gut") for t in pos] + [(t, "schlecht") for t in neg]
    f = tmp_path / "train.csv"
    f.write_text("text,label\n" + "".join(f'"{t}",{lab}\n' for t, lab in rows), encoding="utf-8")
    _run(app, ["classifier", "train", "--data", str(f), "--text-column", "text", "--label-column", "label",
               "--name", "shop"])
    assert (tmp_path / "classifiers" / "shop" / "meta.json").is_file()
    res = json.loads(_run(app, ["evaluate", "--data", str(f), "--text-column", "text", "--label-column", "label",
                                "--task", "sentiment", "--classifier", "shop"]).stdout)
    assert res["accuracy"] >= 0.9 and set(res["per_class"]) == {"gut", "schlecht"}
    assert {"accuracy", "macro_f1", "micro_f1"} <= set(res)
    # multi-label topics with a separator, no header
    g = tmp_path / "topics.tsv"
    trows = [("Paket kam zu spät", "lieferung"), ("Delivery was late", "lieferung"),
             ("Zu teuer und zu spät", "preis|lieferung"), ("Viel zu teuer", "preis"), ("Way too expensive", "preis"),
             ("Expensive and slow shipping", "preis|lieferung")] * 2
    g.write_text("".join(f"{t}\t{lab}\n" for t, lab in trows), encoding="utf-8")
    _run(app, ["classifier", "train", "--data", str(g), "--text-column", "0", "--label-column", "1", "--no-header",
               "--name", "topics1", "--multi-label", "--label-separator", "|", "--task", "topics"])
    res = json.loads(_run(app, ["evaluate", "--data", str(g), "--text-column", "0", "--label-column", "1",
                                "--no-header", "--task", "topics", "--classifier", "topics1",
                                "--label-separator", "|"]).stdout)
    assert res["micro_f1"] >= 0.8
    meta = json.loads((tmp_path / "classifiers" / "topics1" / "meta.json").read_text())
    assert meta["thresholds"] == "micro"
    _run(app, ["classifier", "train", "--data", str(g), "--text-column", "0", "--label-column", "1", "--no-header",
               "--name", "topics2", "--multi-label", "--label-separator", "|", "--thresholds", "per-class",
               "--signals"])
    meta = json.loads((tmp_path / "classifiers" / "topics2" / "meta.json").read_text())
    assert meta["thresholds"] == "per-class" and meta["signals"] is True
    res = json.loads(_run(app, ["evaluate", "--data", str(g), "--text-column", "0", "--label-column", "1",
                                "--no-header", "--task", "topics", "--classifier", "topics2",
                                "--label-separator", "|"]).stdout)
    assert res["micro_f1"] >= 0.8
    bad = CliRunner().invoke(app, ["classifier", "train", "--data", str(g), "--text-column", "0", "--label-column",
                                   "1", "--no-header", "--name", "t3", "--multi-label", "--thresholds", "macro"])
    assert bad.exit_code == 2 and "--thresholds" in bad.output
    assert not (tmp_path / "classifiers" / "t3").exists()
    h = tmp_path / "a.csv"
    h.write_text("text\nDas Paket kam viel zu spät\n\n", encoding="utf-8")
    lines = _lines(_run(app, ["analyze", str(h), "--text-column", "text", "--classifier", "topics1"]).stdout)
    assert "lieferung" in [t["name"] for t in lines[0]["topics"]]
    # a sentiment and a topics classifier together (one per task)
    h.write_text("text\nDas Paket kam viel zu spät, ganz schlecht\nSuper schnelle Lieferung, sehr zufrieden\n",
                 encoding="utf-8")
    lines = _lines(_run(app, ["analyze", str(h), "--text-column", "text", "--classifier", "topics1",
                              "--classifier", "shop"]).stdout)
    assert [x["sentiment"]["label"] for x in lines] == ["schlecht", "gut"]
    assert "lieferung" in [t["name"] for t in lines[0]["topics"]]


def test_evaluate_shipped_sentiment_prints_one_json_object(app: typer.Typer, tmp_path: Path) -> None:
    f = tmp_path / "e.csv"
    f.write_text("t,l\nSuper Service!,positive\nTerrible experience.,negative\nIch habe eine Frage zur Rechnung.,neutral\n",
                 encoding="utf-8")
    out = _run(app, ["evaluate", "--data", str(f), "--text-column", "t", "--label-column", "l"]).stdout
    assert len(out.strip().splitlines()) == 1
    res = json.loads(out)
    assert res["n"] == 3 and res["accuracy"] >= 0.66


def test_unknown_or_conflicting_classifier_is_a_clear_error(app: typer.Typer, tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("text\nhallo\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["analyze", str(f), "--text-column", "text", "--classifier", "nope"])
    assert res.exit_code == 2
    assert "E240" in res.output and "nope" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(app, ["evaluate", "--data", str(f), "--text-column", "text", "--label-column", "text",
                                   "--classifier", "nope"])
    assert res.exit_code == 2 and "E240" in res.output


def _labelled_csv(tmp_path: Path, column: str, texts: list[str], labels: list[str]) -> Path:
    f = tmp_path / "train.csv"
    f.write_text(f"text,{column}\n" + "".join(f'"{t}",{lab}\n' for t, lab in zip(texts, labels, strict=True)),
                 encoding="utf-8")
    return f


def test_train_with_fine_tuned_layers_then_analyze(app: typer.Typer, tmp_path: Path) -> None:
    pytest.importorskip("jax")
    pytest.importorskip("optax")
    from resonanz.core.text.tests.test_finetune import LABELS, TEXTS

    f = _labelled_csv(tmp_path, "label", TEXTS, LABELS)
    res = _run(app, ["classifier", "train", "--data", str(f), "--text-column", "text", "--label-column", "label",
                     "--name", "ft", "--fine-tune-layers", "1", "--epochs", "40"])
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["name"] == "ft" and "validation" not in out  # 24 texts: too few to hold a part back
    d = tmp_path / "classifiers" / "ft"
    meta = json.loads((d / "meta.json").read_text())
    assert meta["fine_tuned_layers"] == 1 and (d / "encoder.onnx").is_file()  # built at training time
    ev = json.loads(_run(app, ["evaluate", "--data", str(f), "--text-column", "text", "--label-column", "label",
                               "--task", "sentiment", "--classifier", "ft"]).stdout)
    assert ev["accuracy"] >= 0.9
    h = tmp_path / "a.csv"
    h.write_text("text\nDas Essen war kalt und der Kellner unfreundlich\nWunderbarer Abend, danke!\n", encoding="utf-8")
    lines = _lines(_run(app, ["analyze", str(h), "--text-column", "text", "--classifier", "ft"]).stdout)
    assert [x["sentiment"]["label"] for x in lines] == ["negative", "positive"]
    bad = CliRunner().invoke(app, ["classifier", "train", "--from-corrections", "--name", "ft2",
                                   "--fine-tune-layers", "2"])
    assert bad.exit_code == 2 and "--fine-tune-layers" in bad.output
    bad = CliRunner().invoke(app, ["classifier", "train", "--data", str(f), "--text-column", "text",
                                   "--label-column", "label", "--name", "ft2", "--multi-label",
                                   "--thresholds", "per-class", "--fine-tune-layers", "2"])
    assert bad.exit_code == 2 and "--thresholds micro" in bad.output
    assert not (tmp_path / "classifiers" / "ft2").exists()


def test_train_multi_label_with_fine_tuned_layers_then_evaluate_and_analyze(app: typer.Typer, tmp_path: Path) -> None:
    pytest.importorskip("jax")
    pytest.importorskip("optax")
    from resonanz.core.text.tests.test_finetune import SETS, TEXTS

    f = _labelled_csv(tmp_path, "labels", TEXTS, ["|".join(s) for s in SETS])
    res = _run(app, ["classifier", "train", "--data", str(f), "--text-column", "text", "--label-column", "labels",
                     "--multi-label", "--label-separator", "|", "--name", "ftm", "--fine-tune-layers", "1",
                     "--epochs", "30"])
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["multi_label"] is True and out["classes"] == ["german", "negative", "positive"]
    meta = json.loads((tmp_path / "classifiers" / "ftm" / "meta.json").read_text())
    assert meta["multi_label"] is True and meta["fine_tuned_layers"] == 1
    ev = json.loads(_run(app, ["evaluate", "--data", str(f), "--text-column", "text", "--label-column", "labels",
                               "--label-separator", "|", "--task", "topics", "--classifier", "ftm"]).stdout)
    assert ev["micro_f1"] >= 0.8 and set(ev["per_class"]) == {"german", "negative", "positive"}
    h = tmp_path / "a.csv"
    h.write_text("text\nDas Essen war kalt und der Kellner unfreundlich\n", encoding="utf-8")
    line = _lines(_run(app, ["analyze", str(h), "--text-column", "text", "--classifier", "ftm"]).stdout)[0]
    assert {"german", "negative"} <= {t["name"] for t in line["topics"]}


def test_fine_tuned_training_reports_its_validation_part(
    app: typer.Typer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("jax")
    pytest.importorskip("optax")
    from resonanz.core.text.tests.test_finetune import LABELS, TEXTS

    monkeypatch.setattr("resonanz.core.text.finetune.MIN_VALIDATION", 2)  # the toy set is tiny
    f = _labelled_csv(tmp_path, "label", TEXTS, LABELS)
    res = _run(app, ["classifier", "train", "--data", str(f), "--text-column", "text", "--label-column", "label",
                     "--name", "ftv", "--fine-tune-layers", "1", "--epochs", "2"])
    v = json.loads(res.stdout.strip().splitlines()[-1])["validation"]
    assert v["n"] == 2 and len(v["epochs"]) == 2 and v["partner_weight"] in (0.0, 0.25, 0.5, 0.75, 1.0)
    d = tmp_path / "classifiers" / "ftv"
    assert (d / "partner" / "meta.json").is_file() == (v["partner_weight"] > 0)
    assert json.loads((d / "meta.json").read_text())["validation"] == v


def test_input_encodings_cp1252_is_read_and_broken_utf8_names_the_row(app: typer.Typer, tmp_path: Path) -> None:
    f = tmp_path / "excel.csv"
    f.write_bytes("id,text\n1,Die Rücksendung war gut – danke\n".encode("cp1252"))  # German Excel export
    res = CliRunner().invoke(app, ["analyze", str(f), "--text-column", "text", "--id-column", "id"])
    assert res.exit_code == 0 and "reading it as cp1252" in res.output
    line = next(x for x in _lines(res.stdout) if x.get("id") == "1")
    assert "Rücksendung" in line["redacted_text"] and "–" in line["redacted_text"]
    g = tmp_path / "broken.csv"  # valid UTF-8 in the sampled head, a stray byte far below it
    g.write_bytes(b"id,text\n" + b"".join(f"{i},Zeile {i} \xc3\xbc\n".encode("latin-1") for i in range(1, 8001))
                  + b"8001,kaputt \xff hier\n")
    bad = CliRunner().invoke(app, ["analyze", str(g), "--text-column", "text"])
    assert bad.exit_code == 2 and "save it as UTF-8" in bad.output
    near = int(re.search(r"cannot decode the file as utf-8-sig near row (\d+)", bad.output).group(1))  # type: ignore[union-attr]
    assert 7000 < near <= 8002


@pytest.mark.django_db
def test_train_from_corrections_reports_the_check_and_obeys_no_activate(app: typer.Typer) -> None:
    from datetime import datetime

    from django.utils import timezone

    from resonanz.accounts.services import user_create
    from resonanz.analysis.models import TrainedClassifier
    from resonanz.analysis.services import correction_create, feedback_analyze
    from resonanz.feedback.models import Feedback, FeedbackSource

    too_few = CliRunner().invoke(app, ["classifier", "train", "--from-corrections", "--task", "sentiment"])
    assert too_few.exit_code == 2 and "only 0 human sentiment labels" in too_few.output
    src = FeedbackSource.objects.get(code="web_form")
    items = [Feedback.objects.create(source=src, received_at=timezone.make_aware(datetime(2026, 5, 1)),
                                     text=f"{'Alles super, danke' if i % 2 else 'Furchtbar, nie wieder'} ({i})",
                                     dedupe_key=f"cli:{i}") for i in range(24)]
    feedback_analyze(feedback_ids=[f.id for f in items])
    user, _ = user_create(username="cli-analyst", role="analyst")
    for f in items:
        correction_create(feedback=f, kind="sentiment", value="positive" if "super" in f.text else "negative",
                          user=user)
    out = json.loads(_run(app, ["classifier", "train", "--from-corrections", "--task", "sentiment",
                                "--no-activate"]).stdout)
    assert out["examples"] == 24 and out["active"] is False and 0.0 <= out["cv_score"] <= 1.0
    assert set(out) >= {"before_score", "agreement", "background", "reason"}
    assert not TrainedClassifier.objects.filter(active=True).exists()
    out = json.loads(_run(app, ["classifier", "train", "--from-corrections", "--task", "sentiment",
                                "--activate"]).stdout)
    assert out["active"] is True and TrainedClassifier.objects.get(active=True).version == 2
