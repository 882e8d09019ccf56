from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_engine, migrate


def database_url(folder: Path) -> str:
    """A real SQLite file in a folder that does not exist yet (the engine creates it)."""
    return f"sqlite+aiosqlite:///{folder}/nested/bot.db"


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = database_url(tmp_path)
    await migrate(url)
    engine = create_engine(url)
    yield engine
    await engine.dispose()
