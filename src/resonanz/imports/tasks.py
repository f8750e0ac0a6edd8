"""Background task for imports: thin – it takes the batch id and calls the service."""

from __future__ import annotations

from django.tasks import task

from resonanz.imports import services


@task()
def import_batch_task(batch_id: int) -> None:
    """Run a confirmed import batch (idempotent: finished batches are skipped)."""
    services.import_batch_run(batch_id=batch_id)
