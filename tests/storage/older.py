"""Rows as an older version of the bot wrote them: in plain text, in an older schema.

Today's code seals personal columns and fills columns older schemas lack, so it cannot write
into them. `OlderBot` submits through today's code into a scratch database, then copies every
row, unsealed, into the database under test, keeping only the columns that schema has.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData, delete, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.applications import SqlApplications
from storage.db import create_engine, migrate, sessions
from storage.files import DiskFileStore
from storage.models import Base
from storage.pending import run_pending
from storage.reseal import seal_if_pending
from tests.clock import MovableClock
from tests.sealing import KEYRING

# Columns today's outbox rows carry that a schema from before 0024 lacks.
OUTBOX_SINCE_0024 = "erase_after_send BOOLEAN NOT NULL DEFAULT false"


@asynccontextmanager
async def todays_outbox(db: AsyncEngine) -> AsyncIterator[None]:
    """Today's code writing an application (and its outbox rows) into a schema from before
    0024, for a test of a later migration: the outbox has today's columns while it writes,
    and loses them before the upgrade adds them."""
    async with db.begin() as connection:
        await connection.execute(text(f"ALTER TABLE outbox ADD COLUMN {OUTBOX_SINCE_0024}"))
    yield
    async with db.begin() as connection:
        await connection.execute(text("ALTER TABLE outbox DROP COLUMN erase_after_send"))


class OlderBot:
    def __init__(self, folder: Path, clock: MovableClock) -> None:
        self.folder, self.clock = folder, clock
        self.url = f"sqlite+aiosqlite:///{folder}/scratch/bot.db"

    async def submit(self, *args: Any) -> None:
        """`SqlApplications.submit(*args)`, as the older version did it."""
        await migrate(self.url)
        db = create_engine(self.url, self.clock, KEYRING)
        try:
            await SqlApplications(sessions(db)).submit(*args)
        finally:
            await db.dispose()

    async def copy_into(self, url: str) -> None:
        scratch = create_engine(self.url, self.clock, KEYRING)
        target = create_engine(url, self.clock, None)
        try:
            async with scratch.connect() as source, target.begin() as into:
                older = MetaData()
                await into.run_sync(older.reflect)
                tables = [(table, older.tables[table.name]) for table in
                          Base.metadata.sorted_tables
                          if table.name in older.tables and table.name != "job_runs"]
                for _, there in reversed(tables):
                    await into.execute(delete(there))
                for table, there in tables:
                    rows = (await source.execute(select(table))).mappings().all()
                    if rows:
                        await into.execute(insert(there), [
                            {name: value for name, value in row.items() if name in there.c}
                            for row in rows])
                if into.dialect.name == "postgresql":  # the ids were given: go on after them
                    for _, there in tables:
                        if "id" in there.c:
                            await into.execute(text(
                                f"SELECT setval(pg_get_serial_sequence('{there.name}', 'id'), "
                                f"coalesce(max(id), 0) + 1, false) FROM {there.name}"))
        finally:
            await scratch.dispose()
            await target.dispose()


async def upgraded(url: str, folder: Path, clock: MovableClock) -> AsyncEngine:
    """The database brought to today's schema as the app does at start: migrated, then the
    rows written before sealing sealed, and the citizens named by their rows."""
    await migrate(url)
    db = create_engine(url, clock, KEYRING)
    await seal_if_pending(db, DiskFileStore(folder / "files", KEYRING))
    await run_pending(db)
    return db
