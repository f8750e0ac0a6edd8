"""API serializers for import batches: read (list/detail) and the multipart upload."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from rest_framework import serializers

from resonanz.imports.models import ImportBatch, ImportKind


class ImportBatchSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    error_count = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id", "kind", "status", "file_name", "file_format", "encoding", "delimiter", "mapping", "skip_invalid",
            "rows_total", "rows_created", "rows_updated", "rows_unchanged", "rows_rejected", "errors",
            "error_count", "created_by", "created_at", "finished_at", "job",
        ]
        read_only_fields = fields

    def get_error_count(self, obj: ImportBatch) -> int:
        return int((obj.options or {}).get("error_count", len(obj.errors or [])))


class ImportCreateSerializer(serializers.Serializer):
    file = serializers.FileField()
    kind = serializers.ChoiceField(choices=ImportKind.choices)
    skip_invalid = serializers.BooleanField(default=False)
    source = serializers.CharField(required=False, allow_blank=True, default="")
    mapping = serializers.JSONField(required=False, help_text="target field → column; default: suggested")

    def validate_file(self, f: Any) -> Any:
        limit = settings.RESONANZ_MAX_UPLOAD_BYTES
        if f.size > limit:
            raise serializers.ValidationError(
                f"file is {f.size / 1e6:.1f} MB; the limit is {limit / 1e6:.1f} MB", code="too_large"
            )
        return f

    def validate_mapping(self, value: Any) -> dict[str, str]:
        if isinstance(value, str):
            try:
                value = json.loads(value) if value.strip() else {}
            except ValueError:
                raise serializers.ValidationError("mapping must be a JSON object") from None
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                  for k, v in value.items()):
            raise serializers.ValidationError("mapping must be a JSON object of target field → column name")
        return value
