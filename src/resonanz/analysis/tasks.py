"""Background tasks of the analysis context (thin: ids in, a service call, progress on the Job)."""

from __future__ import annotations

from django.tasks import task


@task()
def analyze_feedback_task(*, job_id: int) -> dict[str, int]:
    """Analyse the feedback listed in the job (or all without analysis). Idempotent: re-running skips done items."""
    from resonanz.analysis.services import analysis_refresh, feedback_analyze, feedback_ids_needing_analysis
    from resonanz.jobs.models import Job
    from resonanz.jobs.services import job_advance, job_fail, job_finish, job_progress, job_start

    job = Job.objects.get(pk=job_id)
    try:
        if job.params.get("refresh"):  # new and outdated analyses, as they are when the job runs
            job_start(job_id=job_id)  # running before it looks: a taxonomy edit from now on queues the next one
            counts = analysis_refresh(on_total=lambda n: job_progress(job_id=job_id, done=0, total=n),
                                      progress=lambda n: job_advance(job_id=job_id, by=n))
        else:
            ids = job.params.get("feedback_ids") or feedback_ids_needing_analysis()
            job_start(job_id=job_id, total=len(ids))
            counts = feedback_analyze(feedback_ids=ids, progress=lambda n: job_advance(job_id=job_id, by=n))
    except Exception as exc:
        job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        raise
    job_finish(job_id=job_id, counts=counts)
    return counts


@task()
def discovery_task(*, job_id: int) -> int:
    """Cluster feedback without topics into suggestions."""
    from resonanz.analysis.taxonomy import discovery_run
    from resonanz.jobs.services import job_fail, job_finish, job_start

    job_start(job_id=job_id)
    try:
        n = discovery_run()
    except Exception as exc:
        job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        raise
    job_finish(job_id=job_id, counts={"suggestions": n})
    return n


@task()
def train_from_corrections_task(*, job_id: int) -> dict[str, object]:
    """Train a head on the human labels (corrections); it is activated when it measures at least as well."""
    from resonanz.analysis.training import classifier_train_from_corrections
    from resonanz.jobs.models import Job
    from resonanz.jobs.services import job_fail, job_finish, job_start

    job = Job.objects.get(pk=job_id)
    job_start(job_id=job_id)
    try:
        info = classifier_train_from_corrections(task=job.params.get("task", "sentiment"), user=job.created_by)
    except Exception as exc:
        job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        raise
    job_finish(job_id=job_id, counts=info)
    return info
