"""Background jobs (imports, analysis, training, discovery …): poll ``/api/v1/jobs/<id>/`` until ``finished``."""

from __future__ import annotations

from rest_framework import viewsets

from resonanz.accounts.api.common import ApiListMixin
from resonanz.jobs.api.serializers import JobSerializer
from resonanz.jobs.models import Job


class JobViewSet(ApiListMixin, viewsets.ReadOnlyModelViewSet):
    """Background jobs, newest first, with status, progress and result counts. Filters: kind, status."""

    queryset = Job.objects.select_related("created_by")
    serializer_class = JobSerializer
    filterset_fields = ["kind", "status"]
    ordering_fields = ["created_at", "finished_at"]
    ordering = ["-created_at", "-id"]
