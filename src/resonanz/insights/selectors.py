"""Reads for the first overview page: honest current figures straight from the operational database.

Scores use the metrics core (intervals included) on per-value answer counts, so the database returns a
fixed handful of rows whatever the data size. No answers → ``value is None`` (shown as "–", never NaN).
A later issue replaces this page with the full dashboard on the analytical engine.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
from django.utils import timezone

from resonanz.core.metrics.scores import ScoreResult, ces, csat, nps, star_rating
from resonanz.feedback import selectors as feedback_selectors


@dataclass(frozen=True)
class Overview:
    volume: dict[str, int]
    scores: dict[str, ScoreResult]
    by_channel: list[dict[str, Any]]
    by_source: list[dict[str, Any]]
    latest: list[Any]
    as_of: datetime

    @property
    def empty(self) -> bool:
        return not self.volume.get("total")


def _expand(histogram: dict[int, int]) -> np.ndarray:
    """The answers behind a histogram, as an array (numpy repeat: fast even for millions of answers)."""
    return np.repeat(np.fromiter(histogram.keys(), dtype=np.int64), np.fromiter(histogram.values(), dtype=np.int64))


def score_results(histograms: dict[str, dict[int, int]]) -> dict[str, ScoreResult]:
    """NPS, CSAT (% 4–5), CES (mean 1–7) and stars (mean 1–5) with 95 % intervals from answer counts."""
    h = histograms
    return {
        "nps": nps(_expand(h["nps"])),
        "csat": csat(_expand(h["csat"])),
        "ces": ces(_expand(h["ces"])),
        "rating": star_rating(_expand(h["rating"])),
    }


def overview(*, now: datetime | None = None, latest: int = 10) -> Overview:
    """Feedback volume (30/90 days, total), scores overall with n, volume by channel and source, newest."""
    now = now or timezone.now()
    return Overview(
        volume=feedback_selectors.feedback_volume(now=now, windows=(30, 90)),
        scores=score_results(feedback_selectors.feedback_score_histograms()),
        by_channel=feedback_selectors.feedback_count_by_channel(),
        by_source=feedback_selectors.feedback_count_by_source(),
        latest=feedback_selectors.feedback_latest(limit=latest),
        as_of=now,
    )
