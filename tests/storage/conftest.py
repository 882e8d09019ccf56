"""Every storage test runs twice: on a real SQLite file and on a real PostgreSQL (tests/pg.py).

A test that is about one of them itself (SQLite's pragmas, PostgreSQL's session settings)
says so with `@pytest.mark.sqlite_only("why")` or `@pytest.mark.postgresql_only("why")`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.calendar import KZ_TZ
from storage.db import create_engine, migrate
from tests.clock import MovableClock
from tests.pg import Postgres
from tests.sealing import KEYRING

# Monday 23 November 2026, 10:00 in Astana.
START = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
BACKENDS = ("sqlite", "postgresql")

# `database_url(folder)`: the URL of a database of its own for that folder, empty until
# migrated; the same folder gives the same database.
DatabaseUrl = Callable[[Path], str]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        only = [name for name in BACKENDS
                if metafunc.definition.get_closest_marker(f"{name}_only")]
        metafunc.parametrize("backend", only or list(BACKENDS), indirect=True)


@pytest.fixture(autouse=True)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def sqlite_url(folder: Path) -> str:
    """A real SQLite file in a folder that does not exist yet (the engine creates it)."""
    return f"sqlite+aiosqlite:///{folder}/nested/bot.db"


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest) -> Iterator[DatabaseUrl]:
    if backend == "sqlite":
        yield sqlite_url
        return
    postgres: Postgres = request.getfixturevalue("postgres")
    made: dict[Path, str] = {}

    def url(folder: Path) -> str:
        if folder not in made:
            made[folder] = postgres.database()
        return postgres.url(made[folder])

    yield url
    for name in made.values():
        postgres.drop(name)


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(START)


@pytest.fixture
async def db(database_url: DatabaseUrl, tmp_path: Path,
             clock: MovableClock) -> AsyncIterator[AsyncEngine]:
    url = database_url(tmp_path)
    await migrate(url)
    engine = create_engine(url, clock, KEYRING)
    yield engine
    await engine.dispose()
