"""Shared generated worlds for the demo tests (generated once per test session)."""

from __future__ import annotations

from functools import lru_cache

from resonanz.demo.gen import DemoData, generate
from resonanz.demo.gen.patterns import measure


@lru_cache(maxsize=4)
def world(seed: int = 42, customers: int = 5000) -> DemoData:
    return generate(seed=seed, customers=customers)


@lru_cache(maxsize=1)
def default_patterns() -> dict:
    return measure(world())
