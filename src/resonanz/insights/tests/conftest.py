"""Insights test fixtures: every test gets its own warehouse file (synced on each request) and empty caches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


def _clear() -> None:
    from resonanz.insights import selectors, value
    from resonanz.insights.warehouse import warehouse_reset

    warehouse_reset()
    value.cache_clear()
    selectors._driver_cache.clear()


@pytest.fixture(autouse=True)
def fresh_warehouse(settings: Any, tmp_path: Any) -> Iterator[None]:
    settings.RESONANZ_WAREHOUSE_PATH = str(tmp_path / "warehouse.duckdb")
    settings.RESONANZ_WAREHOUSE_MAX_AGE = 0
    _clear()
    yield
    _clear()
