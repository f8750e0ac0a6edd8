"""The ``resonanz`` command. Each command group lives in its own module and wraps importable functions.

Unknown commands are passed through to Django's management (``resonanz migrate``, ``resonanz shell`` …).
"""

from __future__ import annotations

import sys

import typer

from resonanz.cli import platform

app = typer.Typer(
    name="resonanz",
    help="Resonanz: self-hosted Customer Experience Management.",
    no_args_is_help=True,
    add_completion=False,
)
platform.register(app)

_OPTIONAL_GROUPS = ("resonanz.cli.imports", "resonanz.cli.nlp", "resonanz.cli.metrics")
for _mod in _OPTIONAL_GROUPS:
    try:
        module = __import__(_mod, fromlist=["register"])
    except ModuleNotFoundError as exc:  # a group not written yet
        if exc.name != _mod:
            raise
        continue
    module.register(app)


def main() -> None:
    known = {c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands}
    known |= {g.name for g in app.registered_groups if g.name}
    args = sys.argv[1:]
    if args and not args[0].startswith("-") and args[0] not in known:
        from resonanz.cli.django_setup import setup_django

        setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["resonanz", *args])
        return
    app()


if __name__ == "__main__":
    main()
