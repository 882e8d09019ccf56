"""SQLite on the event loop's own thread, through one connection per process.

aiosqlite runs every call on a thread of its connection's, and each call costs the event loop
a wake-up and a hand-over of the interpreter's lock (~0.1-0.2 ms). A turn of the bot makes
two dozen calls (begin, each statement and its rows, commit): under load the hand-overs were
most of a turn's cost (issue 15, a py-spy profile). SQLite answers the bot's statements from a
local file in microseconds, less than one hand-over; so here they run where they are awaited.

That is safe with one connection only. With two, one could wait on SQLite's write lock (its
busy_timeout) for a transaction of the other, which can never end while the loop waits: the
process has one connection (`SQLITE_POOL` in storage/db.py), and its transactions take turns
on it in asyncio, as they took turns on SQLite's one write lock before. Other processes (a
migration run, a backup, an inspector's shell) are waited for as SQLite says.

aiosqlite's thread still opens and closes the connection; what SQLAlchemy's aiosqlite dialect
asks of the connection and its cursors is aiosqlite's own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url


class InlineConnection(aiosqlite.Connection):
    """aiosqlite's connection whose calls, once it is open, run in the caller's thread."""

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)


def inline_connector(url: str) -> Callable[[], Awaitable[InlineConnection]]:
    """`create_async_engine(..., async_creator=...)`: connections as aiosqlite would open
    them for that URL, used from the event loop's thread."""
    args, kwargs = SQLiteDialect_aiosqlite().create_connect_args(make_url(url))
    # Opened on aiosqlite's thread, used on the loop's: sqlite3 must allow it.
    kwargs = {**kwargs, "check_same_thread": False}

    async def connect() -> InlineConnection:
        connection = InlineConnection(partial(sqlite3.connect, *args, **kwargs), 64)
        connection._thread.daemon = True  # as SQLAlchemy sets aiosqlite's: exit never waits
        await connection
        return connection

    return connect
