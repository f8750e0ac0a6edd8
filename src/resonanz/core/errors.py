"""Coded errors of the analytics core.

Every error raised on purpose by ``resonanz.core`` carries a stable code (``E1xx`` ingest, ``E2xx`` text,
``E3xx`` metrics) so that the CLI, the API and the UI can show a specific message and tests can assert it.
"""

from __future__ import annotations


class ResonanzError(Exception):
    """Base class: ``code`` is stable, ``message`` is for humans, ``context`` holds structured details."""

    code: str = "E000"

    def __init__(self, message: str, *, code: str | None = None, **context: object) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.context = context

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class IngestError(ResonanzError):
    code = "E100"


class TextAnalysisError(ResonanzError):
    code = "E200"


class MetricsError(ResonanzError):
    code = "E300"
