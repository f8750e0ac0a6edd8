"""Plain data shapes shared by the text-analysis components (no Django).

Components take a batch of ``TextInput`` and return one result object per input, in order. The pipeline
(``resonanz.core.text.pipeline``) combines them into ``TextAnalysis`` records that the Django side stores
with the component name + version of every output.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class TextInput:
    """One text to analyse. ``default_language`` is the fallback (customer's or account's language)."""

    id: str
    text: str | None
    default_language: str | None = None


@dataclass(frozen=True)
class Scored:
    """A label with a score in [0, 1] (or [-1, 1] for sentiment scores)."""

    name: str
    score: float


@dataclass(frozen=True)
class TopicHit:
    """A topic assigned to a text, with its aspect sentiment."""

    name: str
    score: float
    sentiment: str | None = None  # negative / neutral / positive
    sentiment_score: float | None = None


@dataclass
class TextAnalysis:
    """Everything the pipeline found in one text. ``components`` maps kind -> full versioned name."""

    id: str
    language: str | None = None
    language_score: float | None = None
    sentiment: str | None = None
    sentiment_score: float | None = None
    topics: list[TopicHit] = field(default_factory=list)
    emotions: list[Scored] = field(default_factory=list)
    intent: str | None = None
    urgent: bool | None = None
    pii: list[str] = field(default_factory=list)
    redacted_text: str | None = None
    truncated: bool = False
    components: dict[str, str] = field(default_factory=dict)
