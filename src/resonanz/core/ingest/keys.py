"""Idempotency keys of imported / posted feedback (one rule for the file import and the API).

- with an external id: ``ext:<source code>:<external id>`` (longer than the column: ``ext:<source>:sha1:<hash>``);
- without one: ``hash:`` + :func:`content_hash` over source code, ``received_at`` in UTC, customer external id,
  title, text and the scores, so re-sending the same answer creates nothing new.
"""

from __future__ import annotations

from datetime import UTC, datetime

from resonanz.core.ingest.validate import content_hash

DEDUPE_KEY_MAX = 160


def feedback_dedupe_key(
    *,
    source_code: str,
    external_id: str = "",
    received_at: datetime | None = None,
    text: str | None = "",
    title: str | None = "",
    customer_external_id: str | None = "",
    nps: int | None = None,
    csat: int | None = None,
    ces: int | None = None,
    rating: int | None = None,
) -> str:
    """The dedupe key of one feedback item (see the module docstring). Pure; no database access.

    Empty values count as missing, surrounding whitespace is ignored, ``received_at`` is taken in UTC.
    """
    external_id = (external_id or "").strip()
    if external_id:
        key = f"ext:{source_code}:{external_id}"
        if len(key) > DEDUPE_KEY_MAX:
            key = f"ext:{source_code}:sha1:{content_hash(external_id)}"[:DEDUPE_KEY_MAX]
        return key
    when = received_at.astimezone(UTC) if received_at is not None else None
    return "hash:" + content_hash(
        source_code, when, (customer_external_id or "").strip() or None, (title or "").strip() or None,
        (text or "").strip() or None, nps, csat, ces, rating,
    )
