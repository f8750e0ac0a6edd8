"""Background jobs as the API shows them (the ``params`` stay internal: they can hold long id lists)."""

from __future__ import annotations

from rest_framework import serializers

from resonanz.jobs.models import Job


class JobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True, allow_null=True)
    finished = serializers.BooleanField(read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True, allow_null=True)

    class Meta:
        model = Job
        fields = ["id", "kind", "status", "label", "progress_done", "progress_total", "percent", "finished",
                  "counts", "error", "created_by", "created_at", "started_at", "finished_at"]
        read_only_fields = fields
