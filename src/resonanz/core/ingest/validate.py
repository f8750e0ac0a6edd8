"""Compile a mapping into a fast row validator and check the mapping against the file header.

``compile_validator(kind, header, mapping, ...)`` checks the mapping once (unknown target E109, unknown column
E105, required field not mapped E106 → :class:`IngestError` with all problems in ``context['errors']``) and
returns a :class:`RowValidator`: ``validator(row_no, values) -> (record | None, errors)``.
Reference data (touchpoints, channels, stages, sources) comes in as plain ``{normalised name or code: id}``
dicts, so the core never touches a database.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from resonanz.core.errors import IngestError
from resonanz.core.ingest.errors import (
    E_BAD_CHOICE,
    E_FIELD_COUNT,
    E_NEGATIVE_AMOUNT,
    E_NO_CONTENT,
    E_OUT_OF_RANGE,
    E_REQUIRED_COLUMN,
    E_REQUIRED_VALUE,
    E_TOO_LONG,
    E_UNKNOWN_CODE,
    E_UNKNOWN_COLUMN,
    E_UNKNOWN_SOURCE,
    E_UNKNOWN_TARGET,
    RowError,
    ValueProblem,
    truncate,
)
from resonanz.core.ingest.mapping import norm_key
from resonanz.core.ingest.parsers import make_datetime_parser, parse_bool, parse_decimal, parse_int
from resonanz.core.ingest.schema import OPEN_MAX_LENGTH, SCORE_FIELDS, FieldSpec, fields_for, is_open_target

Converter = Callable[[str], Any]

_WS = frozenset(" \t\r\n\u00a0\u2007\u202f\u3000\x0b\x0c")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_GENDER = {
    "f": "f", "w": "f", "weiblich": "f", "female": "f", "frau": "f", "woman": "f", "fr": "f",
    "m": "m", "mannlich": "m", "male": "m", "mann": "m", "man": "m", "herr": "m", "hr": "m",
    "d": "d", "divers": "d", "diverse": "d", "x": "d", "other": "d", "andere": "d", "nonbinary": "d",
    "u": "", "unbekannt": "", "unknown": "", "keineangabe": "", "ka": "", "na": "",
}
_AGE_BANDS = {"1824": "18-24", "2534": "25-34", "3544": "35-44", "4554": "45-54", "5564": "55-64", "65": "65+"}
_COUNTRIES = {
    "deutschland": "DE", "germany": "DE", "osterreich": "AT", "austria": "AT", "schweiz": "CH",
    "switzerland": "CH", "frankreich": "FR", "france": "FR", "niederlande": "NL", "netherlands": "NL",
    "italien": "IT", "italy": "IT", "spanien": "ES", "spain": "ES", "polen": "PL", "poland": "PL",
    "belgien": "BE", "belgium": "BE", "luxemburg": "LU", "luxembourg": "LU", "danemark": "DK",
    "denmark": "DK", "vereinigteskonigreich": "GB", "unitedkingdom": "GB", "grossbritannien": "GB",
    "usa": "US", "vereinigtestaaten": "US", "unitedstates": "US", "tschechien": "CZ", "czechia": "CZ",
    "liechtenstein": "LI",
}


def _str_conv(spec: FieldSpec) -> Converter:
    limit = spec.max_length

    def conv(raw: str) -> str:
        s = raw.strip()
        if limit is not None and len(s) > limit:
            raise ValueProblem(f"too long: {len(s)} characters, at most {limit} allowed", E_TOO_LONG)
        return s

    return conv


def _int_conv(spec: FieldSpec) -> Converter:
    lo, hi = spec.min_value, spec.max_value

    def conv(raw: str) -> int:
        try:
            v = int(raw)
        except ValueError:
            v = parse_int(raw)
        if (lo is not None and v < lo) or (hi is not None and v > hi):
            raise ValueProblem(f"{v} is outside the allowed range {lo}–{hi}", E_OUT_OF_RANGE)
        return v

    return conv


def _decimal_conv(spec: FieldSpec) -> Converter:
    lo, hi = spec.min_value, spec.max_value
    places = Decimal("0.01") if spec.name == "amount" else Decimal("0.0001")

    def conv(raw: str) -> Decimal:
        v = parse_decimal(raw)
        if lo is not None and v < lo:
            if spec.name == "amount":
                raise ValueProblem("negative amount (refunds are events, not orders)", E_NEGATIVE_AMOUNT)
            raise ValueProblem(f"{v} is below the minimum {lo}", E_OUT_OF_RANGE)
        if hi is not None and v > hi:
            raise ValueProblem(f"{v} is above the maximum {hi}", E_OUT_OF_RANGE)
        return v.quantize(places)

    return conv


def _email_conv(spec: FieldSpec) -> Converter:
    base = _str_conv(spec)

    def conv(raw: str) -> str:
        s = base(raw)
        if not _EMAIL.match(s):
            raise ValueProblem("not an e-mail address", E_BAD_CHOICE)
        return s.lower()

    return conv


def _gender(raw: str) -> str:
    key = norm_key(raw)
    if key not in _GENDER:
        raise ValueProblem("unknown gender: use f/w/weiblich/female, m/männlich/male, d/divers/diverse", E_BAD_CHOICE)
    return _GENDER[key]


def _age_band(raw: str) -> str:
    key = norm_key(raw)
    if key not in _AGE_BANDS:
        raise ValueProblem("unknown age band: use 18-24, 25-34, 35-44, 45-54, 55-64 or 65+", E_BAD_CHOICE)
    return _AGE_BANDS[key]


def _country(raw: str) -> str:
    s = raw.strip()
    if len(s) == 2 and s.isalpha():
        return s.upper()
    key = norm_key(s)
    if key in _COUNTRIES:
        return _COUNTRIES[key]
    raise ValueProblem("unknown country: use a two-letter ISO code (DE, AT, CH …)", E_BAD_CHOICE)


def _lookup_conv(spec: FieldSpec, table: Mapping[str, Any]) -> Converter:
    code = E_UNKNOWN_SOURCE if spec.lookup == "source" else E_UNKNOWN_CODE

    def conv(raw: str) -> Any:
        s = raw.strip()
        hit = table.get(s)
        if hit is None:
            hit = table.get(norm_key(s))
        if hit is None:
            raise ValueProblem(f"unknown {spec.lookup} {truncate(s, 60)!r} (use its code or name)", code)
        return hit

    return conv


def make_converter(spec: FieldSpec, *, parse_dt: Callable[[str], datetime],
                   lookups: Mapping[str, Mapping[str, Any]]) -> Converter:
    t = spec.type
    if t in {"str", "text", "ref"}:
        return _str_conv(spec)
    if t == "email":
        return _email_conv(spec)
    if t == "int":
        return _int_conv(spec)
    if t == "decimal":
        return _decimal_conv(spec)
    if t == "datetime":
        return parse_dt
    if t == "bool":
        return parse_bool
    if t == "country":
        return _country
    if t == "choice":
        return _gender if spec.name == "gender" else _age_band
    if t == "lookup":
        return _lookup_conv(spec, lookups.get(spec.lookup or "", {}))
    raise ValueError(f"unknown field type {t}")  # pragma: no cover


def lookup_table(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    """``[(id, code, name_de, name_en, …)]`` → ``{code: id, norm(code): id, norm(name): id, …}``."""
    table: dict[str, Any] = {}
    for pk, *names in rows:
        for n in names:
            if n:
                table.setdefault(str(n), pk)
                table.setdefault(norm_key(str(n)), pk)
    return table


def content_hash(*parts: Any) -> str:
    """``sha1`` over the normalised parts (whitespace collapsed, case kept) – the key of rows without an id."""
    h = hashlib.sha1(usedforsecurity=False)
    for p in parts:
        if isinstance(p, datetime):
            p = p.isoformat()
        elif isinstance(p, dict):
            p = repr(sorted(p.items()))
        h.update((" ".join(str(p).split()) if p is not None else "\x00").encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


@dataclass(slots=True)
class _Plan:
    target: str
    index: int
    column: str
    conv: Converter
    required: bool
    open_key: str | None = None


@dataclass
class RowValidator:
    """Validates and converts one row at a time. ``record`` keys are target names; open targets are gathered
    in ``record['attributes']`` / ``record['properties']``."""

    kind: str
    header: list[str]
    mapping: dict[str, str]
    plans: list[_Plan]
    open_prefix: str | None
    defaults: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._steps = [(p.target, p.index, p.column, p.conv, p.required, p.open_key) for p in self.plans]

    def __call__(self, row_no: int, values: list[str]) -> tuple[dict[str, Any] | None, list[RowError]]:
        rec: dict[str, Any] = {}
        errors: list[RowError] = []
        n = len(values)
        width = len(self.header)
        if n > width and any(v.strip() for v in values[width:]):
            errors.append(RowError(row_no, None, truncate(" | ".join(values[width:])),
                                   f"row has {n} fields but the header has {width}", E_FIELD_COUNT))
        opened: dict[str, Any] | None = None
        for target, index, column, conv, required, open_key in self._steps:
            raw = values[index] if index < n else ""
            if not raw or (raw[0] in _WS and raw.isspace()):
                if required:
                    errors.append(RowError(row_no, column, "", f"{target} is required but empty",
                                           E_REQUIRED_VALUE, target))
                continue
            try:
                value = conv(raw)
            except ValueProblem as exc:
                errors.append(RowError(row_no, column, truncate(raw), exc.reason, exc.code, target))
                continue
            if open_key is not None:
                if opened is None:
                    opened = {}
                opened[open_key] = value
            else:
                rec[target] = value
        if self.open_prefix:
            rec[self.open_prefix] = opened or {}
        if self.kind == "feedback" and not errors and not rec.get("text") and all(
            rec.get(s) is None for s in SCORE_FIELDS
        ):
            errors.append(RowError(row_no, self.mapping.get("text"), "",
                                   "feedback needs a text or at least one score (nps, csat, ces, rating)",
                                   E_NO_CONTENT, "text"))
        if errors:
            return None, errors
        for k, v in self.defaults.items():
            rec.setdefault(k, v)
        return rec, errors


def check_mapping(kind: str, header: list[str], mapping: Mapping[str, str]) -> list[RowError]:
    """File-level mapping problems: unknown targets (E109), unknown columns (E105), required not mapped (E106)."""
    specs = fields_for(kind)
    cols = set(header)
    errors: list[RowError] = []
    for target, column in mapping.items():
        if target not in specs and not is_open_target(kind, target):
            errors.append(RowError(None, column, "", f"unknown target field {target!r} for {kind}; use one of "
                                   f"{', '.join(specs)}", E_UNKNOWN_TARGET, target))
        if column not in cols:
            errors.append(RowError(1, column, "", f"column {column!r} (mapped to {target}) is not in the file; "
                                   f"columns are: {', '.join(header)}", E_UNKNOWN_COLUMN, target))
    for spec in specs.values():
        if spec.required and spec.name not in mapping:
            errors.append(RowError(None, None, "", f"required field {spec.name!r} is not mapped to any column",
                                   E_REQUIRED_COLUMN, spec.name))
    return errors


def compile_validator(
    kind: str,
    header: list[str],
    mapping: Mapping[str, str],
    *,
    lookups: Mapping[str, Mapping[str, Any]] | None = None,
    time_zone: str = "Europe/Berlin",
    defaults: dict[str, Any] | None = None,
) -> RowValidator:
    """Check ``mapping`` (target → column) against ``header`` and build the row validator."""
    errors = check_mapping(kind, header, mapping)
    if errors:
        raise IngestError("; ".join(e.reason for e in errors), code=errors[0].code, errors=errors)
    specs = fields_for(kind)
    parse_dt = make_datetime_parser(time_zone)
    index = {h: i for i, h in enumerate(header)}
    lookups = lookups or {}
    plans: list[_Plan] = []
    open_spec = FieldSpec("open", max_length=OPEN_MAX_LENGTH)
    for target, column in mapping.items():
        if target in specs:
            spec = specs[target]
            conv = make_converter(spec, parse_dt=parse_dt, lookups=lookups)
            plans.append(_Plan(target, index[column], column, conv, spec.required))
        else:
            key = target.split(".", 1)[1]
            plans.append(_Plan(target, index[column], column, _str_conv(open_spec), False, open_key=key))
    from resonanz.core.ingest.schema import OPEN_PREFIX

    return RowValidator(kind=kind, header=header, mapping=dict(mapping), plans=plans,
                        open_prefix=OPEN_PREFIX[kind], defaults=defaults or {})
