from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.calendar import KZ_TZ
from storage.db import create_engine, migrate
from tests.clock import MovableClock
from tests.sealing import KEYRING

# Monday 23 November 2026, 10:00 in Astana.
START = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)


def database_url(folder: Path) -> str:
    """A real SQLite file in a folder that does not exist yet (the engine creates it)."""
    return f"sqlite+aiosqlite:///{folder}/nested/bot.db"


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(START)


@pytest.fixture
async def db(tmp_path: Path, clock: MovableClock) -> AsyncIterator[AsyncEngine]:
    url = database_url(tmp_path)
    await migrate(url)
    engine = create_engine(url, clock, KEYRING)
    yield engine
    await engine.dispose()
