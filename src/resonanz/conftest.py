"""Fixtures for every test under src/resonanz: each test gets its own analytical store file, so warehouse
rows never outlive the database rows they were copied from (ids are reused after a rollback)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    if "/core/" in str(request.node.path):  # the framework-free core never touches the warehouse
        yield
        return
    settings = request.getfixturevalue("settings")
    from resonanz.insights.warehouse import warehouse_reset

    settings.RESONANZ_WAREHOUSE_PATH = str(tmp_path / "warehouse.duckdb")  # type: ignore[attr-defined]
    warehouse_reset()
    yield
    warehouse_reset()
