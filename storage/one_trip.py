"""SQLite statements in one trip to aiosqlite's thread instead of four.

aiosqlite runs every call on its connection's own thread, and SQLAlchemy makes four calls per
statement: open a cursor, execute, fetch the rows, close. Each trip costs the event loop a
wake-up and a hand-over (~0.1-0.2 ms), and a turn of the bot makes a dozen statements: the trips
were most of a turn's cost (issue 15). Here the cursor does all four in one trip: the
statement runs, its rows (or its rowcount and last row id) are read and the sqlite3 cursor is
closed on that thread; SQLAlchemy then reads them from memory. The thread, the transactions
and what a statement does are aiosqlite's own; only the number of trips changes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import SQLiteDialect_aiosqlite
from sqlalchemy.engine import make_url

Row = tuple[Any, ...]
Outcome = tuple[Any, list[Row], int, int | None]  # description, rows, rowcount, lastrowid


class OneTripCursor:
    """What SQLAlchemy's aiosqlite adapter asks of a cursor, one thread trip per statement."""

    arraysize = 1

    def __init__(self, connection: OneTripConnection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Row] = []

    async def __aenter__(self) -> OneTripCursor:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self._rows = []

    async def execute(self, sql: str, parameters: Any = None) -> OneTripCursor:
        self._took(await self._connection.trip(_run, sql, parameters))
        return self

    async def executemany(self, sql: str, parameters: Any) -> OneTripCursor:
        self._took(await self._connection.trip(_run_many, sql, parameters))
        return self

    def _took(self, outcome: Outcome) -> None:
        self.description, self._rows, self.rowcount, self.lastrowid = outcome

    async def fetchall(self) -> list[Row]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchmany(self, size: int | None = None) -> list[Row]:
        count = self.arraysize if size is None else size
        rows, self._rows = self._rows[:count], self._rows[count:]
        return rows

    async def fetchone(self) -> Row | None:
        return self._rows.pop(0) if self._rows else None

    async def close(self) -> None:
        self._rows = []


def _run(connection: sqlite3.Connection, sql: str, parameters: Any) -> Outcome:
    cursor = connection.cursor()
    try:
        cursor.execute(sql, () if parameters is None else parameters)
        return _outcome(cursor)
    finally:
        cursor.close()


def _run_many(connection: sqlite3.Connection, sql: str, parameters: Sequence[Any]) -> Outcome:
    cursor = connection.cursor()
    try:
        cursor.executemany(sql, parameters)
        return _outcome(cursor)
    finally:
        cursor.close()


def _outcome(cursor: sqlite3.Cursor) -> Outcome:
    description = cursor.description
    rows = cursor.fetchall() if description else []
    return description, rows, cursor.rowcount, cursor.lastrowid


class OneTripConnection(aiosqlite.Connection):
    def cursor(self) -> OneTripCursor:  # type: ignore[override]
        return OneTripCursor(self)

    async def trip(self, work: Callable[..., Outcome], *args: Any) -> Outcome:
        """`work(sqlite3 connection, *args)` on the connection's thread."""
        return await self._execute(lambda: work(self._conn, *args))  # type: ignore[no-any-return]


def one_trip_connector(url: str) -> Callable[[], Awaitable[OneTripConnection]]:
    """`create_async_engine(..., async_creator=...)`: connections as aiosqlite would open
    them for that URL, with one-trip cursors."""
    args, kwargs = SQLiteDialect_aiosqlite().create_connect_args(make_url(url))

    async def connect() -> OneTripConnection:
        connection = OneTripConnection(partial(sqlite3.connect, *args, **kwargs), 64)
        connection._thread.daemon = True  # as SQLAlchemy sets aiosqlite's: exit never waits
        await connection
        return connection

    return connect
