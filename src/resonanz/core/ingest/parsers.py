"""Value parsers for imported files: dates (ISO and German), numbers (decimal comma or point), booleans.

Pure functions; each raises :class:`~resonanz.core.ingest.errors.ValueProblem` with an error code on bad input.
Datetimes come back timezone-aware in UTC; naive input is read in the time zone given to
:func:`make_datetime_parser` (the installation's ``TIME_ZONE``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from resonanz.core.ingest.errors import E_BAD_BOOLEAN, E_BAD_DATE, E_BAD_NUMBER, ValueProblem

_GERMAN_DT = re.compile(
    r"^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:[ ,]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*Uhr)?)?$"
)
_SLASH_ISO = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def two_digit_year(yy: int) -> int:
    """``00``–``69`` → 2000–2069, ``70``–``99`` → 1970–1999 (the POSIX ``%y`` rule)."""
    return 2000 + yy if yy < 70 else 1900 + yy


def make_datetime_parser(tz: str | tzinfo = "Europe/Berlin") -> Callable[[str], datetime]:
    """Return ``parse(text) -> aware UTC datetime`` accepting ISO 8601 (date, datetime, ``Z`` or offset),
    German ``23.11.2026``, ``23.11.2026 14:05[:30]``, ``23.11.26`` and ``2026/11/23``. Naive values are local
    time in ``tz``; a date alone is local midnight."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz

    def finish(dt: datetime) -> datetime:
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=zone)
        return dt.astimezone(UTC)

    # Fast path cache: local "dd.mm.yyyy" / "dd.mm.yyyy HH" → UTC datetime. Zone offsets change on whole
    # hours, so minutes can be added afterwards. Bounded: cleared when it grows large.
    cache: dict[str, datetime] = {}

    def cached(key: str, y: int, mo: int, d: int, h: int) -> datetime:
        hit = cache.get(key)
        if hit is None:
            if len(cache) > 200_000:
                cache.clear()
            hit = cache[key] = finish(datetime(y, mo, d, h))
        return hit

    def parse(text: str) -> datetime:
        s = text.strip()
        n = len(s)
        # Fast path: German dd.mm.yyyy[ HH:MM]
        if n >= 10 and s[2] == "." and s[5] == "." and s[6:10].isdigit():
            try:
                if n == 10:
                    return cache.get(s) or cached(s, int(s[6:10]), int(s[3:5]), int(s[0:2]), 0)
                if n == 16 and s[10] == " " and s[13] == ":":
                    minute = int(s[14:16])
                    if 0 <= minute < 60 and s[14].isdigit():
                        key = s[:13]
                        base = cache.get(key) or cached(key, int(s[6:10]), int(s[3:5]), int(s[0:2]),
                                                        int(s[11:13]))
                        return base + timedelta(minutes=minute) if minute else base
            except ValueError:
                pass
        if n >= 10 and s[4] == "-":
            try:
                if n == 10:
                    return finish(datetime.combine(date.fromisoformat(s), time()))
                return finish(datetime.fromisoformat(s))
            except ValueError:
                pass
        m = _GERMAN_DT.match(s)
        if m:
            d, mo, y, hh, mm, ss = m.groups()
            year = int(y) if len(y) == 4 else two_digit_year(int(y))
            try:
                return finish(datetime(year, int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0)))
            except ValueError as exc:
                raise ValueProblem(f"not a valid date ({exc})", E_BAD_DATE) from None
        m = _SLASH_ISO.match(s)
        if m:
            y, mo, d, hh, mm, ss = m.groups()
            try:
                return finish(datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0)))
            except ValueError as exc:
                raise ValueProblem(f"not a valid date ({exc})", E_BAD_DATE) from None
        raise ValueProblem(
            "not a date: use 2026-11-23, 2026-11-23T14:05:00+01:00, 23.11.2026 or 23.11.2026 14:05", E_BAD_DATE
        )

    return parse


_CURRENCY = re.compile(r"(?i)(€|\$|£|¥|₣|chf|eur|usd|gbp|sfr\.?|fr\.)")
_NUMBER_CHARS = re.compile(r"^[+-]?[0-9.,]+$")


def parse_decimal(text: str) -> Decimal:
    """Parse ``1.234,56``, ``1,234.56``, ``1234.56``, ``1234,5``, ``12 €``, ``-3``, ``1'234.50``.

    Rules: with both ``.`` and ``,`` the last one is the decimal separator; several equal separators are
    thousands separators; a single ``,`` or ``.`` is the decimal separator (``1,234`` = 1.234, German style).
    """
    s = text.strip()
    try:
        return Decimal(s) if s and s[-1].isdigit() and "," not in s else _parse_decimal_slow(s)
    except InvalidOperation:
        return _parse_decimal_slow(s)


def _parse_decimal_slow(s: str) -> Decimal:
    raw = s
    s = _CURRENCY.sub("", s)
    s = s.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("'", "").replace("’", "")
    if s.endswith("-") and not s.startswith("-"):
        s = "-" + s[:-1]
    if not s or not _NUMBER_CHARS.match(s):
        raise ValueProblem(f"not a number: {raw!r}", E_BAD_NUMBER)
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    elif commas:
        s = s.replace(",", "") if commas > 1 else s.replace(",", ".")
    elif dots > 1:
        s = s.replace(".", "")
    try:
        value = Decimal(s)
    except InvalidOperation:
        raise ValueProblem(f"not a number: {raw!r}", E_BAD_NUMBER) from None
    if not value.is_finite():
        raise ValueProblem(f"not a number: {raw!r}", E_BAD_NUMBER)
    return value


def parse_int(text: str) -> int:
    """A whole number; accepts ``9``, ``9,0``, ``9.0``; refuses ``9,5``."""
    try:
        return int(text)
    except ValueError:
        pass
    value = parse_decimal(text)
    if value != value.to_integral_value():
        raise ValueProblem(f"not a whole number: {text.strip()!r}", E_BAD_NUMBER)
    return int(value)


_TRUE = {"1", "ja", "j", "yes", "y", "true", "wahr", "x", "✓", "✔", "on", "t"}
_FALSE = {"0", "nein", "n", "no", "false", "falsch", "off", "f", "-"}


def parse_bool(text: str) -> bool:
    """``ja/nein``, ``yes/no``, ``1/0``, ``true/false``, ``x`` (ticked) … case-insensitive."""
    s = text.strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise ValueProblem("not a yes/no value: use ja/nein, yes/no, 1/0, true/false or x", E_BAD_BOOLEAN)
