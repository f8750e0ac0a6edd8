"""A registry of versioned components (``"sentiment.e5-head.v1"``), spaCy style.

Components register a factory under a full versioned name. Stored model outputs carry that name, so a
new version is a new name and old outputs stay explainable.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from resonanz.core.errors import ResonanzError

_NAME = re.compile(r"^(?P<kind>[a-z_]+)\.(?P<impl>[a-z0-9_\-]+(?:\.[a-z0-9_\-]+)*)\.v(?P<version>\d+)$")

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class ComponentName:
    """A parsed versioned component name: ``kind.impl.vN``."""

    kind: str
    impl: str
    version: int

    @property
    def full(self) -> str:
        return f"{self.kind}.{self.impl}.v{self.version}"

    @classmethod
    def parse(cls, name: str) -> ComponentName:
        m = _NAME.match(name)
        if not m:
            raise ResonanzError(
                f"component name {name!r} must look like 'kind.impl.vN' (e.g. 'sentiment.e5-head.v1')",
                code="E001",
            )
        return cls(m["kind"], m["impl"], int(m["version"]))


class Registry:
    """Maps versioned names to factories. ``get(name)(**config)`` builds a component."""

    def __init__(self) -> None:
        self._factories: dict[str, Callable[..., Any]] = {}

    def register(self, name: str) -> Callable[[F], F]:
        parsed = ComponentName.parse(name)

        def deco(factory: F) -> F:
            if parsed.full in self._factories and self._factories[parsed.full] is not factory:
                raise ResonanzError(f"component {parsed.full!r} is registered twice", code="E002")
            self._factories[parsed.full] = factory
            return factory

        return deco

    def get(self, name: str) -> Callable[..., Any]:
        try:
            return self._factories[ComponentName.parse(name).full]
        except KeyError:
            known = ", ".join(sorted(self._factories)) or "none"
            raise ResonanzError(f"unknown component {name!r}; registered: {known}", code="E003") from None

    def names(self, kind: str | None = None) -> list[str]:
        return sorted(n for n in self._factories if kind is None or n.startswith(kind + "."))

    def latest(self, kind: str, impl: str) -> str:
        """Highest registered version of ``kind.impl``."""
        cands = [ComponentName.parse(n) for n in self._factories]
        best = [c for c in cands if c.kind == kind and c.impl == impl]
        if not best:
            raise ResonanzError(f"no component {kind}.{impl}.vN registered", code="E003")
        return max(best, key=lambda c: c.version).full


registry = Registry()
