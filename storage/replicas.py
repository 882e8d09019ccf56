"""What lets several bot processes share one PostgreSQL (issue 14), and lets SQLite stay a
single process with nothing to coordinate.

- **One citizen, one turn at a time** across replicas: a turn holds a session-level
  advisory lock named after the person's account, on a connection of its own, from loading
  the state to saving it.
- **One deliverer**: the replica that holds the leader's advisory lock delivers the outbox,
  so Telegram's limits (1 message/s per chat, ~30/s in all, 20/min per group) stay exact
  with the worker's own limiter, with no shared limiter to keep. If that replica dies, its
  connection closes, the lock is free, and another takes over at its next try.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import AsyncIterator

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
LEADER_KEY = 0x6F7574626F78  # "outbox": the lock only the delivering replica holds


def is_shared(engine: AsyncEngine) -> bool:
    """Whether other processes may use this database at the same time."""
    return engine.dialect.name == "postgresql"


def lock_key(*parts: str) -> int:
    """A signed 64-bit advisory-lock key for a name (PostgreSQL's `bigint`)."""
    digest = hashlib.sha256(":".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextlib.asynccontextmanager
async def one_at_a_time(engine: AsyncEngine, gate: asyncio.Semaphore,
                        *name: str) -> AsyncIterator[None]:
    """Nobody else, in any replica, holds `name` while this block runs (no-op on SQLite,
    where the process's own lock is enough). The lock takes a pooled connection of its own
    for the block: `gate` keeps enough of the pool for the work inside the blocks."""
    if not is_shared(engine):
        yield
        return
    key = lock_key(*name)
    async with gate, engine.connect() as raw:
        connection = await raw.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        try:
            yield
        finally:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": key})


class Leadership:
    """Whether this process delivers the outbox now: always on SQLite; on PostgreSQL, while
    it holds the leader's lock."""

    def __init__(self, engine: AsyncEngine | None = None) -> None:
        self.engine = engine if engine is not None and is_shared(engine) else None
        self.exclusive = self.engine is None  # the only process: all claims are its own
        self._held: AsyncConnection | None = None

    async def holds(self) -> bool:
        if self.engine is None:
            return True
        try:
            if self._held is None:
                connection = await self.engine.connect()
                connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
                if not await connection.scalar(text("SELECT pg_try_advisory_lock(:key)"),
                                               {"key": LEADER_KEY}):
                    await connection.close()
                    return False
                self._held = connection
                log.info("this replica now delivers the outbox")
                return True
            await self._held.execute(text("SELECT 1"))  # the lock lives with the connection
            return True
        except (DBAPIError, OperationalError, OSError):
            log.warning("lost the outbox lead (the database connection broke)", exc_info=True)
            await self._drop()
            return False

    async def release(self) -> None:
        if self._held is not None:
            with contextlib.suppress(DBAPIError, OperationalError, OSError):
                await self._held.execute(text("SELECT pg_advisory_unlock(:key)"),
                                         {"key": LEADER_KEY})
            await self._drop()

    async def _drop(self) -> None:
        held, self._held = self._held, None
        if held is not None:
            with contextlib.suppress(Exception):
                await held.close()
