"""Writes for the corrections loop: train a head from the analysts' labels, measure it, (de)activate heads.

The training itself is ``core.text.relabel`` (pure): human labels plus a background sample of other
feedback labelled by the current model, so that corrections given mostly where the model was wrong do not
teach the head a skewed picture. A new head becomes active only when it is at least as good out of fold on
the human labels as the model was when they were given (or when the caller forces it); activating or
deactivating a head re-analyses the stored feedback (only items whose result can change are recomputed).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from resonanz.analysis import selectors
from resonanz.analysis.models import CorrectionKind, FeedbackAnalysis, FeedbackEmbedding, TrainedClassifier
from resonanz.feedback.models import Feedback

MIN_LABELS = 20
BACKGROUND_MAX = 1000  # model-labelled items mixed in (bench/corrections_loop.py)
TEXT_CUT = 5000  # characters a head sees of a text (the char n-grams of a 1 MB text cost much and add nothing)
TASKS = {"sentiment": CorrectionKind.SENTIMENT, "topics": CorrectionKind.TOPICS}


def _texts_and_vectors(ids: list[int]) -> tuple[list[str], np.ndarray]:
    """Redacted text (what the pipeline analysed) and the stored embedding of each item (encoded if missing)."""
    from resonanz.analysis.services import pipeline_get

    rows = {f.id: f for f in Feedback.objects.filter(id__in=ids).only("id", "title", "text", "text_redacted")}
    texts = [(rows[i].text_redacted or "\n".join(x for x in (rows[i].title, rows[i].text) if x))[:TEXT_CUT]
             for i in ids]
    vectors = dict(FeedbackEmbedding.objects.filter(feedback_id__in=ids).values_list("feedback_id", "vector"))
    X = np.zeros((len(ids), 384), dtype=np.float32)
    missing = []
    for k, i in enumerate(ids):
        if i in vectors:
            X[k] = np.frombuffer(bytes(vectors[i]), dtype=np.float16).astype(np.float32)
        else:
            missing.append(k)
    if missing:
        X[missing] = pipeline_get().embedder.encode([texts[k][:2000] for k in missing])
    return texts, X


def classifier_train_enqueue(*, task: str, user: Any = None, label: str = "") -> Any:
    """Create the job that trains a ``task`` head from the corrections and enqueue it on commit."""
    from resonanz.analysis.tasks import train_from_corrections_task
    from resonanz.jobs.services import job_create

    if task not in TASKS:
        raise ValueError("task must be 'sentiment' or 'topics'")
    job = job_create(kind="train", label=label or "Modell aus Korrekturen trainieren", user=user,
                     params={"task": task})
    transaction.on_commit(lambda: train_from_corrections_task.enqueue(job_id=job.pk))
    return job


def classifier_train_from_corrections(
    *, task: str, user: Any = None, name: str | None = None, activate: bool | None = None,
    background: int = BACKGROUND_MAX,
) -> dict[str, Any]:
    """Train a head for ``task`` (sentiment or topics) on the latest human label of every corrected item plus
    ``background`` model-labelled items, store it, and activate it when it measures at least as well as the
    model did on the human labels (``activate=True`` / ``False`` overrides that). Raises ValueError with a
    clear reason when there are too few labels."""
    from resonanz.core.errors import TextAnalysisError
    from resonanz.core.text.pipeline import classifier_path
    from resonanz.core.text.relabel import HumanLabelled, ModelLabelled, train_from_human_labels

    if task not in TASKS:
        raise ValueError("task must be 'sentiment' or 'topics'")
    human = selectors.human_labels(kind=TASKS[task])
    if len(human) < MIN_LABELS:
        raise ValueError(f"only {len(human)} human {task} labels; at least {MIN_LABELS} are needed to train")
    classes = {v for value, *_ in human.values() for v in (value if isinstance(value, list) else [value])}
    if len(classes) < 2:
        raise ValueError(f"the human {task} labels use only one class ({', '.join(classes)}); need at least two")
    ids = sorted(human)
    texts, X = _texts_and_vectors(ids)
    bg = selectors.model_labels_sample(kind=TASKS[task], exclude=set(ids), limit=background) if background > 0 else {}
    bg_ids = sorted(bg)
    bg_texts, bg_X = _texts_and_vectors(bg_ids) if bg_ids else ([], np.zeros((0, 384), dtype=np.float32))
    try:
        result = train_from_human_labels(
            HumanLabelled(texts, X, [human[i][0] for i in ids], [human[i][1] for i in ids], [human[i][2] for i in ids]),
            ModelLabelled(bg_texts, bg_X, [bg[i] for i in bg_ids]), task=task, multi_label=(task == "topics"))
    except TextAnalysisError as exc:
        raise ValueError(str(exc)) from exc
    clf = result.classifier
    name = name or f"corrections-{task}"
    version = (TrainedClassifier.objects.filter(name=name).aggregate(m=Max("version"))["m"] or 0) + 1
    clf.meta |= {"name": name, "version": version, "source": "corrections", "n_train": len(ids),
                 "n_background": result.n_background}
    path = clf.save(classifier_path(f"{name}-v{version}"))
    make_active = result.recommend if activate is None else activate
    with transaction.atomic():
        tc = TrainedClassifier.objects.create(
            name=name, task=task, version=version, path=str(path), n_examples=len(ids), active=False,
            metrics=result.metrics(), created_by=user if getattr(user, "pk", None) else None,
        )
        if make_active:
            classifier_activate(task=task, classifier=tc, user=user)
    def r3(v: float | None) -> float | None:
        return None if v is None else round(v, 3)

    return {"name": name, "version": version, "examples": len(ids), "background": result.n_background,
            "background_left_out": result.n_contradicted, "classes": len(clf.classes),
            "cv_score": r3(result.cv_score), "before_score": r3(result.before_score),
            "agreement": r3(result.agreement), "sample": result.n_sample, "sample_cv_score": r3(result.sample_cv_score),
            "sample_before_score": r3(result.sample_before_score), "active": make_active, "reason": result.reason}


@transaction.atomic
def classifier_activate(*, task: str, classifier: TrainedClassifier | None, user: Any = None) -> int | None:
    """Make ``classifier`` the one active head of its task (``None``: back to the shipped model) and queue the
    renewal of the stored analyses (ADR 0007). Returns the job id (None when nothing is stored or a renewal is
    already waiting)."""
    from resonanz.analysis.services import analysis_enqueue_refresh, pipeline_reset

    if task not in TASKS:
        raise ValueError("task must be 'sentiment' or 'topics'")
    if classifier is not None and classifier.task != task:
        raise ValueError(f"{classifier} is a {classifier.task} model, not {task}")
    TrainedClassifier.objects.filter(active=True, task=task).exclude(
        pk=getattr(classifier, "pk", None)).update(active=False)
    if classifier is not None and not classifier.active:
        classifier.active = True
        classifier.save(update_fields=["active"])
    pipeline_reset()
    if not FeedbackAnalysis.objects.exists():
        return None
    return analysis_enqueue_refresh(user=user, label=_("Neuanalyse nach Modellwechsel"))  # the version changed
