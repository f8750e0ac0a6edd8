"""The global dashboard filter (period, channel, region, language), kept in the session across insights pages.

``GlobalFilter.from_request`` reads GET parameters when the filter bar was submitted (``f=1``) and stores them
in the session; otherwise it restores the session's values. Periods end today (server time zone, end
exclusive); the comparison period is the equal-length period right before. ``kpi()`` gives the warehouse
filter, ``feedback_query()`` the matching GET parameters of the feedback list (drill-down links).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resonanz.core.warehouse.kpi import KpiFilter

SESSION_KEY = "insights_filter"
PERIODS: dict[str, Any] = {
    "30": _("Letzte 30 Tage"),
    "90": _("Letzte 90 Tage"),
    "365": _("Letzte 12 Monate"),
    "730": _("Letzte 24 Monate"),
    "all": _("Gesamter Zeitraum"),
    "custom": _("Eigener Zeitraum"),
}
DEFAULT_PERIOD = "365"
_CODE_MAX = 64


def _clean_code(value: str | None) -> str:
    value = (value or "").strip()
    return value[:_CODE_MAX] if value and all(c.isalnum() or c in "-_ .äöüÄÖÜß" for c in value) else ""


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return timezone.datetime.strptime(value.strip(), fmt).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class GlobalFilter:
    """What the dashboards show. ``start``/``end`` are dates, ``end`` exclusive; ``start is None`` = all time."""

    period: str = DEFAULT_PERIOD
    start: date | None = None
    end: date | None = None
    channel: str = ""
    region: str = ""
    language: str = ""

    # ---- construction -------------------------------------------------------------------------------------
    @classmethod
    def build(cls, *, period: str = DEFAULT_PERIOD, date_from: date | None = None, date_to: date | None = None,
              channel: str = "", region: str = "", language: str = "", today: date | None = None) -> GlobalFilter:
        today = today or timezone.localdate()
        end = today + timedelta(days=1)
        if period not in PERIODS:
            period = DEFAULT_PERIOD
        if period == "custom":
            if date_from and date_to and date_from > date_to:
                date_from, date_to = date_to, date_from
            start = date_from
            end = (date_to + timedelta(days=1)) if date_to else end
            if start is None and date_to is None:
                period = DEFAULT_PERIOD
        if period == "all":
            start = None
        elif period != "custom":
            start = end - timedelta(days=int(period))
        return cls(period=period, start=start, end=end, channel=_clean_code(channel), region=_clean_code(region),
                   language=_clean_code(language)[:8])

    @classmethod
    def from_request(cls, request: HttpRequest) -> GlobalFilter:
        """From the submitted filter bar (``f=1``, then saved in the session) or from the session."""
        session = getattr(request, "session", None)
        if request.GET.get("f") == "1":
            raw = {k: request.GET.get(k, "") for k in ("period", "from", "to", "channel", "region", "language")}
            if session is not None:
                session[SESSION_KEY] = raw
        else:
            raw = dict(session.get(SESSION_KEY, {})) if session is not None else {}
        return cls.build(
            period=raw.get("period") or DEFAULT_PERIOD, date_from=_parse_date(raw.get("from")),
            date_to=_parse_date(raw.get("to")), channel=raw.get("channel", ""), region=raw.get("region", ""),
            language=raw.get("language", ""),
        )

    # ---- derived ------------------------------------------------------------------------------------------
    @property
    def days(self) -> int | None:
        return (self.end - self.start).days if self.start and self.end else None

    @property
    def last_day(self) -> date | None:
        return self.end - timedelta(days=1) if self.end else None

    def previous(self) -> GlobalFilter | None:
        """The equal-length period right before (``None`` for "all time")."""
        if self.start is None or self.end is None:
            return None
        return replace(self, start=self.start - (self.end - self.start), end=self.start)

    def kpi(self, **extra: Any) -> KpiFilter:
        """The warehouse filter; ``extra`` adds dimension lists (e.g. ``topics=["delivery"]``)."""
        return KpiFilter(
            start=self.start, end=self.end,
            channels=(self.channel,) if self.channel else (),
            regions=(self.region,) if self.region else (),
            languages=(self.language,) if self.language else (),
            **extra,
        )

    def feedback_params(self, **extra: Any) -> dict[str, str]:
        """GET parameters of /feedback/ for this filter plus ``extra`` (``None``/"" values are dropped).

        ``region``, ``topic`` and ``sentiment`` are passed as well; the feedback list applies them once its
        filter supports them (see docs/dev/insights.md)."""
        params: dict[str, Any] = {}
        if self.start:
            params["received_from"] = self.start.isoformat()
        if self.end:
            params["received_to"] = self.last_day.isoformat() if self.last_day else ""
        if self.channel:
            params["channel"] = self.channel
        if self.region:
            params["region"] = self.region
        if self.language:
            params["language"] = self.language
        params.update(extra)
        return {k: str(v) for k, v in params.items() if v not in (None, "")}

    def feedback_url(self, **extra: Any) -> str:
        return f"{reverse('feedback:list')}?{urlencode(self.feedback_params(**extra))}"

    def cache_key(self) -> str:
        return f"{self.start}|{self.end}|{self.channel}|{self.region}|{self.language}"

    def as_form(self) -> dict[str, str]:
        return {
            "period": self.period, "from": self.start.isoformat() if self.start else "",
            "to": self.last_day.isoformat() if self.last_day else "", "channel": self.channel,
            "region": self.region, "language": self.language,
        }
