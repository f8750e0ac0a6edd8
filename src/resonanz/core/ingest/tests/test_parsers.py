from datetime import UTC, datetime
from decimal import Decimal

import pytest

from resonanz.core.ingest.errors import E_BAD_BOOLEAN, E_BAD_DATE, E_BAD_NUMBER, ValueProblem
from resonanz.core.ingest.parsers import make_datetime_parser, parse_bool, parse_decimal, parse_int

parse_dt = make_datetime_parser("Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23", datetime(2026, 11, 22, 23, 0, tzinfo=UTC)),
        ("2026-11-23T14:05:00Z", datetime(2026, 11, 23, 14, 5, tzinfo=UTC)),
        ("2026-11-23T14:05:00+02:00", datetime(2026, 11, 23, 12, 5, tzinfo=UTC)),
        ("2026-11-23 14:05", datetime(2026, 11, 23, 13, 5, tzinfo=UTC)),
        ("23.11.2026", datetime(2026, 11, 22, 23, 0, tzinfo=UTC)),
        ("23.11.2026 14:05", datetime(2026, 11, 23, 13, 5, tzinfo=UTC)),
        ("23.11.2026 14:05:30", datetime(2026, 11, 23, 13, 5, 30, tzinfo=UTC)),
        ("3.7.2026", datetime(2026, 7, 2, 22, 0, tzinfo=UTC)),  # summer time: UTC+2
        ("23.11.26", datetime(2026, 11, 22, 23, 0, tzinfo=UTC)),
        ("01.01.85", datetime(1984, 12, 31, 23, 0, tzinfo=UTC)),
        ("2026/11/23", datetime(2026, 11, 22, 23, 0, tzinfo=UTC)),
    ],
)
def test_datetime_parser_accepts_iso_and_german_dates(text, expected):
    assert parse_dt(text) == expected


@pytest.mark.parametrize("text", ["gestern", "31.02.2026", "2026-13-01", "11/23/2026", "23.11."])
def test_datetime_parser_rejects_unparseable_dates(text):
    with pytest.raises(ValueProblem) as exc:
        parse_dt(text)
    assert exc.value.code == E_BAD_DATE


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", "1234.56"), ("1,234.56", "1234.56"), ("1234.56", "1234.56"), ("1234,5", "1234.5"),
        ("12,50 €", "12.50"), ("€ 12.50", "12.50"), ("EUR 1.000.000", "1000000"), ("-3", "-3"),
        ("1'234.50", "1234.50"), ("1 234,50", "1234.50"), ("0", "0"),
    ],
)
def test_decimal_parser_handles_comma_and_point(text, expected):
    assert parse_decimal(text) == Decimal(expected)


@pytest.mark.parametrize("text", ["abc", "1,2,3.4.5x", "NaN", "12 Stück"])
def test_decimal_parser_rejects_non_numbers(text):
    with pytest.raises(ValueProblem) as exc:
        parse_decimal(text)
    assert exc.value.code == E_BAD_NUMBER


def test_int_parser_accepts_whole_numbers_and_rejects_fractions():
    assert parse_int("9") == 9
    assert parse_int("9,0") == 9
    with pytest.raises(ValueProblem) as exc:
        parse_int("9,5")
    assert exc.value.code == E_BAD_NUMBER


@pytest.mark.parametrize(("text", "expected"), [
    ("ja", True), ("Nein", False), ("yes", True), ("no", False), ("1", True), ("0", False), ("TRUE", True),
    ("false", False), ("x", True), ("X", True),
])
def test_bool_parser(text, expected):
    assert parse_bool(text) is expected


def test_bool_parser_rejects_other_values():
    with pytest.raises(ValueProblem) as exc:
        parse_bool("vielleicht")
    assert exc.value.code == E_BAD_BOOLEAN
