import pytest
import typer

from resonanz.cli.imports import parse_map_options


def test_map_options_are_parsed():
    assert parse_map_options(["text=Kommentar", " nps = NPS "]) == {"text": "Kommentar", "nps": "NPS"}


def test_bad_map_option_is_refused():
    with pytest.raises(typer.BadParameter):
        parse_map_options(["text"])


def test_import_group_is_registered():
    from typer.main import get_command

    from resonanz.cli.main import app

    group = get_command(app).commands["import"]
    assert set(group.commands) == {"customers", "orders", "events", "feedback"}
