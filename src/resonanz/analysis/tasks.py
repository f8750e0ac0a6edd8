"""Background tasks of the analysis context (thin: ids in, a service call, progress on the Job)."""

from __future__ import annotations

from django.tasks import task


@task()
def analyze_feedback_task(*, job_id: int) -> dict[str, int]:
    """Analyse the feedback listed in the job (or all without analysis). Idempotent: re-running skips done items."""
    from resonanz.analysis.services import feedback_analyze, feedback_ids_needing_analysis
    from resonanz.jobs.models import Job
    from resonanz.jobs.services import job_advance, job_fail, job_finish, job_start

    job = Job.objects.get(pk=job_id)
    ids = job.params.get("feedback_ids") or feedback_ids_needing_analysis()
    job_start(job_id=job_id, total=len(ids))
    try:
        counts = feedback_analyze(feedback_ids=ids, progress=lambda n: job_advance(job_id=job_id, by=n))
    except Exception as exc:
        job_fail(job_id=job_id, error=f"{type(exc).__name__}: {exc}")
        raise
    job_finish(job_id=job_id, counts=counts)
    return counts
