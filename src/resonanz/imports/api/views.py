"""API for imports: upload a file (→ 202 with the batch id, processed in the background), list, retrieve."""

from __future__ import annotations

from django.db import transaction
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from resonanz.imports import selectors, services
from resonanz.imports.api.serializers import ImportBatchSerializer, ImportCreateSerializer


class ImportBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = selectors.import_batch_list()
    serializer_class = ImportBatchSerializer
    filterset_fields = ["kind", "status"]

    def get_serializer_class(self):  # type: ignore[no-untyped-def]
        return ImportCreateSerializer if self.action == "create" else ImportBatchSerializer

    def create(self, request: Request) -> Response:
        ser = ImportCreateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        d = ser.validated_data
        with transaction.atomic():
            try:
                batch = services.import_batch_create(
                    upload=d["file"], kind=d["kind"], user=request.user, skip_invalid=d["skip_invalid"],
                    source=d.get("source") or "",
                )
            except services.ImportRefused as exc:
                return Response({"file": [str(exc)]}, status=status.HTTP_400_BAD_REQUEST)
            mapping = d.get("mapping") or services.import_preview(batch=batch).mapping
            services.import_batch_confirm(batch=batch, mapping=mapping, user=request.user)
        batch.refresh_from_db()
        return Response(ImportBatchSerializer(batch).data | {"url": f"/api/v1/imports/{batch.pk}/"},
                        status=status.HTTP_202_ACCEPTED)
