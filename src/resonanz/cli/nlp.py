"""``resonanz analyze``, ``resonanz classifier train`` and ``resonanz evaluate``: thin wrappers over
``resonanz.core.text``. No Django; heavy modules are imported inside the commands (fast ``--help``)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import typer

classifier_app = typer.Typer(help="Train classifiers (heads on the text embeddings) on your labelled feedback.",
                             no_args_is_help=True)

_CHUNK = 256


# --------------------------------------------------------------------------------------------------
# Reading input files
# --------------------------------------------------------------------------------------------------


def _fail(msg: str, code: int = 2) -> None:
    typer.echo(f"error: {msg}", err=True)
    raise typer.Exit(code)


def _pipeline(config: Any) -> Any:
    """The NLP pipeline for ``config``; a missing or conflicting classifier is a clear error, not a traceback."""
    from resonanz.core.errors import TextAnalysisError
    from resonanz.core.text.pipeline import Pipeline

    try:
        return Pipeline(config, embedder=_embedder())
    except TextAnalysisError as exc:
        _fail(str(exc))
        raise  # unreachable: _fail exits


def _format(path: Path, delimiter: str | None) -> tuple[str, str]:
    if delimiter:
        return "csv", ("\t" if delimiter in ("\\t", "tab", "TAB") else delimiter)
    ext = path.suffix.lower()
    if ext in (".jsonl", ".ndjson", ".json"):
        return "jsonl", ""
    if ext in (".tsv", ".tab"):
        return "csv", "\t"
    return "csv", ","


def read_rows(path: Path, *, no_header: bool, delimiter: str | None = None) -> tuple[list[str] | None, Iterator[Any]]:
    """(header or None, iterator of rows): rows are lists (CSV/TSV) or dicts/lists (JSONL)."""
    if not path.is_file():
        _fail(f"input file not found: {path}")
    from resonanz.core.ingest.readers import SAMPLE_BYTES, detect_encoding

    kind, delim = _format(path, delimiter)
    with path.open("rb") as raw:  # the importer's rule: UTF-8 if it decodes, else cp1252 (German Excel), else latin-1
        head = raw.read(SAMPLE_BYTES)
    encoding = detect_encoding(head, complete=path.stat().st_size <= len(head))
    if encoding == "utf-8":
        encoding = "utf-8-sig"
    elif encoding != "utf-8-sig":
        typer.echo(f"note: {path} is not valid UTF-8; reading it as {encoding}", err=True)

    def decoded(rows: Iterator[Any], first: int) -> Iterator[Any]:
        n = first
        try:
            for row in rows:
                yield row
                n += 1
        except UnicodeDecodeError as exc:
            # text is decoded in blocks, so the bad byte is in this row or one of the next few
            _fail(f"{path}: cannot decode the file as {encoding} near row {n} ({exc.reason}); save it as UTF-8")

    if kind == "jsonl":
        def gen() -> Iterator[Any]:
            with path.open(encoding=encoding) as fh:
                for n, line in enumerate(decoded(iter(fh), 1), 1):
                    if not line.strip():
                        continue
                    try:
                        yield json.loads(line)
                    except json.JSONDecodeError as exc:
                        _fail(f"{path}:{n}: invalid JSON ({exc.msg})")
        return None, gen()
    fh = path.open(encoding=encoding, newline="")
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    reader = decoded(csv.reader(fh, delimiter=delim), 1)
    header = None
    if not no_header:
        header = next(reader, None)
        if header is None:
            return [], iter(())
    return header, reader


def _col_getter(header: list[str] | None, col: str | None, no_header: bool, what: str) -> Any:
    if col is None:
        return None
    if no_header or header is None:
        if header is None and not no_header:  # JSONL with keys
            return lambda row: (row.get(col) if isinstance(row, dict) else _index(row, col, what))
        return lambda row: _index(row, col, what)
    if col not in header:
        if col.isdigit() and int(col) < len(header):
            j = int(col)
        else:
            _fail(f"{what} column {col!r} not in header: {', '.join(header)}")
    else:
        j = header.index(col)
    return lambda row: row[j] if j < len(row) else None


def _index(row: Any, col: str, what: str) -> Any:
    if isinstance(row, dict):
        return row.get(col)
    try:
        j = int(col)
    except ValueError:
        _fail(f"with --no-header, {what} column must be a 0-based index, got {col!r}")
    return row[j] if j < len(row) else None


def _as_text(v: Any) -> str | None:
    if v is None:
        return None
    return v if isinstance(v, str) else str(v)


def _read_labelled(data: Path, text_column: str, label_column: str, no_header: bool, delimiter: str | None,
                   multi: bool, sep: str) -> tuple[list[str], list[list[str]]]:
    header, rows = read_rows(data, no_header=no_header, delimiter=delimiter)
    gt = _col_getter(header, text_column, no_header, "text")
    gl = _col_getter(header, label_column, no_header, "label")
    texts, labels = [], []
    for row in rows:
        t, lab = _as_text(gt(row)), gl(row)
        if isinstance(lab, list):
            labs = [str(x).strip() for x in lab if str(x).strip()]
        else:
            lab = "" if lab is None else str(lab)
            labs = [x.strip() for x in lab.split(sep)] if multi else [lab.strip()]
            labs = [x for x in labs if x]
        if not t or not t.strip() or not labs:
            continue
        texts.append(t)
        labels.append(labs)
    if not texts:
        _fail("no labelled rows found")
    return texts, labels


# --------------------------------------------------------------------------------------------------
# Commands
# --------------------------------------------------------------------------------------------------


def analyze(
    input: Path = typer.Argument(..., help="CSV, TSV (by extension or --delimiter) or JSONL file."),
    text_column: str = typer.Option(..., "--text-column", help="Column (or JSON key) with the text; 0-based index with --no-header."),
    id_column: str | None = typer.Option(None, "--id-column", help="Column with the id; default: the 1-based row number."),
    no_header: bool = typer.Option(False, "--no-header", help="The file has no header row; columns are 0-based indexes."),
    classifier: list[str] | None = typer.Option(  # noqa: B008
        None, "--classifier",
        help="A classifier trained with 'resonanz classifier train'; repeat to combine a sentiment and a topics classifier."),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write JSON lines here (default: stdout)."),
    delimiter: str | None = typer.Option(None, "--delimiter", help="Field delimiter for CSV-like files ('\\t' for TSV)."),
    language: str = typer.Option("de", "--default-language", help="Fallback language for very short texts."),
) -> None:
    """Analyse feedback texts: one JSON object per input row, in input order (empty texts give nulls)."""
    header, rows = read_rows(input, no_header=no_header, delimiter=delimiter)
    gt = _col_getter(header, text_column, no_header, "text")
    gi = _col_getter(header, id_column, no_header, "id")

    from resonanz.core.text.base import TextInput
    from resonanz.core.text.pipeline import PipelineConfig, analysis_to_json

    pipe = _pipeline(PipelineConfig(classifiers=tuple(classifier or ()), account_default_language=language))
    out = output.open("w", encoding="utf-8") if output else sys.stdout
    try:
        buf: list[TextInput] = []
        n = 0

        def flush() -> None:
            for a in pipe.analyze(buf):
                out.write(json.dumps(analysis_to_json(a) | {"id": _id_value(a.id)}, ensure_ascii=False) + "\n")
            buf.clear()

        ids: dict[str, Any] = {}

        def _id_value(key: str) -> Any:
            return ids.pop(key, key)

        for row in rows:
            n += 1  # noqa: SIM113
            rid: Any = gi(row) if gi is not None else n
            key = f"{n}"
            ids[key] = rid
            buf.append(TextInput(key, _as_text(gt(row))))
            if len(buf) >= _CHUNK:
                flush()
        if buf:
            flush()
        out.flush()
    finally:
        if output:
            out.close()


def train(
    data: Path | None = typer.Option(None, "--data", help="CSV, TSV or JSONL with texts and labels."),
    text_column: str | None = typer.Option(None, "--text-column"),
    label_column: str | None = typer.Option(None, "--label-column"),
    name: str | None = typer.Option(None, "--name", help="Name to store the classifier under."),
    multi_label: bool = typer.Option(False, "--multi-label", help="Several labels per text."),
    label_separator: str = typer.Option(",", "--label-separator", help="Separator of labels with --multi-label."),
    task: str | None = typer.Option(None, "--task", help="sentiment or topics (default: topics if --multi-label)."),
    no_header: bool = typer.Option(False, "--no-header"),
    delimiter: str | None = typer.Option(None, "--delimiter"),
    no_char_features: bool = typer.Option(False, "--no-char-features", help="Use the embedding only."),
    signals: bool = typer.Option(
        False, "--signals",
        help="Also use the 9 sentiment-signal features (lexicon, shipped sentiment head, prototypes): helps "
             "polarity labels such as 'category:polarity'.",
    ),
    thresholds: str = typer.Option(
        "micro", "--thresholds",
        help="With --multi-label: 'micro' (one threshold maximising micro-F1 of the label sets) or 'per-class' "
             "(balanced weights, a threshold per class maximising its F1: more recall on rare labels).",
    ),
    from_corrections: bool = typer.Option(
        False, "--from-corrections",
        help="Train on the analysts' corrections stored in the Resonanz database (plus up to 1,000 items "
             "labelled by the current model, so that corrections made where the model was wrong do not skew the "
             "head) and make it active when it measures at least as well as the model did on those labels.",
    ),
    activate: bool | None = typer.Option(
        None, "--activate/--no-activate",
        help="With --from-corrections: activate the new model regardless of the check (or never).",
    ),
    fine_tune_layers: int = typer.Option(
        0, "--fine-tune-layers", min=0, max=12,
        help="Also train the top K encoder layers (minutes instead of seconds; needs "
             "pip install 'resonanz[finetune]'). 10 % of the data is held back to calibrate the scores, to choose "
             "how much of the frozen-encoder head to mix in and (--multi-label) the decision threshold. Measured "
             "gains: docs/model-card.md. 0 = off.",
    ),
    epochs: int | None = typer.Option(
        None, "--epochs", min=1, max=50,
        help="Epochs with --fine-tune-layers (default: 3-8, enough for about 600 optimiser steps).",
    ),
) -> None:
    """Train a head on the e5 embeddings (+ character n-grams) and store it for 'analyze --classifier'."""
    task = task or ("topics" if multi_label else "sentiment")
    if fine_tune_layers and from_corrections:
        _fail("--fine-tune-layers trains from --data (not with --from-corrections: corrections are usually too "
              "few to fine-tune encoder layers on)")
    if fine_tune_layers and multi_label and thresholds != "micro":
        _fail("--fine-tune-layers --multi-label chooses one threshold on its validation part (--thresholds micro)")
    if task not in ("sentiment", "topics"):
        _fail("--task must be 'sentiment' or 'topics'")
    if thresholds not in ("micro", "per-class"):
        _fail("--thresholds must be 'micro' or 'per-class'")
    if from_corrections:
        from resonanz.cli.django_setup import setup_django

        setup_django()
        from resonanz.analysis.training import classifier_train_from_corrections

        try:
            info = classifier_train_from_corrections(task=task, name=name, activate=activate)
        except ValueError as exc:
            _fail(str(exc))
        typer.echo(json.dumps(info, ensure_ascii=False))
        return
    if data is None or text_column is None or label_column is None or name is None:
        _fail("--data, --text-column, --label-column and --name are required (or use --from-corrections)")
    assert data is not None and text_column is not None and label_column is not None and name is not None
    texts, labels = _read_labelled(data, text_column, label_column, no_header, delimiter, multi_label, label_separator)
    from resonanz.core.text.heads import train_classifier
    from resonanz.core.text.pipeline import classifier_path

    if fine_tune_layers:
        from resonanz.core.errors import TextAnalysisError
        from resonanz.core.text.finetune import build_encoder, fine_tune_classifier

        red, X = _model_inputs(texts)  # X: for the frozen-encoder head mixed in
        try:
            clf = fine_tune_classifier(red, labels if multi_label else [lab[0] for lab in labels], X=X, task=task,
                                       multi_label=multi_label, signals=signals, layers=fine_tune_layers,
                                       epochs=epochs, progress=lambda m: typer.echo(m, err=True))
        except TextAnalysisError as exc:
            _fail(str(exc))
        clf.meta |= {"name": name, "data": str(data), "embedder": "embed.e5-small-int8.v1 (top layers fine-tuned)"}
        path = clf.save(classifier_path(name))
        assert clf.encoder_layers is not None
        for shared in (False, True):  # now, so the first 'analyze --classifier' starts fast (~6 s each)
            build_encoder(clf.encoder_layers, path, shared=shared)
    else:
        red, X = _model_inputs(texts)
        clf = train_classifier(red, X, labels if multi_label else [lab[0] for lab in labels], task=task,
                               multi_label=multi_label, use_chars=not no_char_features, thresholds=thresholds,
                               signals=signals)
        clf.meta |= {"name": name, "data": str(data), "embedder": _embedder().name}
        path = clf.save(classifier_path(name))
    out = {"name": name, "task": task, "path": str(path), "classes": clf.classes, "n_train": len(texts),
           "multi_label": multi_label}
    if "validation" in clf.meta:
        out["validation"] = clf.meta["validation"]
    typer.echo(json.dumps(out, ensure_ascii=False))


def evaluate(
    data: Path = typer.Option(..., "--data"),
    text_column: str = typer.Option(..., "--text-column"),
    label_column: str = typer.Option(..., "--label-column"),
    task: str = typer.Option("sentiment", "--task", help="sentiment or topics"),
    classifier: str | None = typer.Option(None, "--classifier", help="Evaluate this trained classifier instead of the shipped models."),
    label_separator: str = typer.Option(",", "--label-separator", help="Separator of gold labels (multi-label topics)."),
    no_header: bool = typer.Option(False, "--no-header"),
    delimiter: str | None = typer.Option(None, "--delimiter"),
) -> None:
    """Print ONE JSON object: accuracy, macro_f1, micro_f1 and per-class precision/recall/f1."""
    if task not in ("sentiment", "topics"):
        _fail("--task must be 'sentiment' or 'topics'")
    multi = task == "topics"
    texts, gold = _read_labelled(data, text_column, label_column, no_header, delimiter, multi, label_separator)
    from resonanz.core.text.base import TextInput
    from resonanz.core.text.evaluation import classification_metrics
    from resonanz.core.text.pipeline import PipelineConfig, normalise_sentiment_label

    pipe = _pipeline(PipelineConfig(classifier=classifier, signals=False, aspect_clauses=False))
    if classifier and pipe.custom is not None and pipe.custom.task != task:
        _fail(f"classifier {classifier!r} was trained for task {pipe.custom.task!r}, not {task!r}")
    preds: list[list[str]] = []
    for a in range(0, len(texts), _CHUNK):
        batch = [TextInput(str(i), t) for i, t in enumerate(texts[a:a + _CHUNK], a)]
        for r in pipe.analyze(batch):
            if task == "sentiment":
                if pipe.custom is not None and pipe.custom.task == "sentiment":
                    preds.append([_custom_label(pipe, r)])
                else:
                    preds.append([r.sentiment or ""])
            else:
                preds.append([h.name for h in r.topics])
    if task == "sentiment" and not (pipe.custom is not None):
        gold = [[normalise_sentiment_label(g[0], [x[0] for x in gold])] for g in gold]
    res = classification_metrics(gold, preds)
    res = {"task": task, "model": (pipe.custom_name if pipe.custom is not None else
                                   (pipe.sentiment.name if task == "sentiment" else pipe.topics.name))} | res
    typer.echo(json.dumps(res, ensure_ascii=False))


def _custom_label(pipe: Any, r: Any) -> str:
    """The trained classifier's own class name for the sentiment it produced."""
    from resonanz.core.text.pipeline import normalise_sentiment_label

    classes = pipe.custom.classes
    for c in classes:
        if normalise_sentiment_label(c, classes) == r.sentiment:
            return str(c)
    return r.sentiment or ""


def _embedder() -> Any:
    import os

    from resonanz.core.text.embed import get_embedder

    return get_embedder(os.environ.get("RESONANZ_EMBEDDER", "auto"))


def _model_inputs(texts: Sequence[str], *, encode: bool = True) -> tuple[list[str], Any]:
    """Texts as the pipeline's models see them (prepared + PII-redacted) and their embeddings (None when
    ``encode`` is false)."""
    from resonanz.core.text.pii import PiiRedactor
    from resonanz.core.text.textprep import prepare

    red_ = PiiRedactor()
    red = [red_.analyse(prepare(t).text).redacted for t in texts]
    if not encode:
        return red, None
    emb = _embedder()
    return red, emb.encode([t[:2000] for t in red])


classifier_app.command("train")(train)


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
    app.command("evaluate")(evaluate)
    app.add_typer(classifier_app, name="classifier")
