"""SQLite on the event loop's own thread, through one connection per process.

SQLite answers the bot's statements from a local file in microseconds. Through aiosqlite each
call cost far more than that: a hop to aiosqlite's thread and back, a wake-up of the event loop
and a hand-over of the interpreter's lock (~0.1-0.2 ms); and in SQLAlchemy's adapter for it, a
switch of greenlets there and back. A turn makes two dozen such calls (begin, each statement and
its rows, commit): under load they were most of a turn's cost (issue 15, py-spy profiles).

So the engine's SQLite dialect is SQLAlchemy's own for the standard `sqlite3` module, declared
async: the asyncio API (AsyncEngine, AsyncSession) is unchanged for every store, and each of its
calls runs the plain `sqlite3` calls where it is awaited, with no thread and no further switch.

That is safe with one connection only. With two, one could wait on SQLite's write lock (its
busy_timeout) for a transaction of the other, which can never end while the loop waits: the
process has one connection (`SQLITE_POOL` in storage/db.py), and its transactions take turns
on it in asyncio, as they took turns on SQLite's one write lock before. Other processes (a
migration run, a backup, an inspector's shell) are waited for as SQLite says.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Generator, Iterable
from typing import Any

from sqlalchemy import pool
from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.pysqlite import SQLiteDialect_pysqlite
from sqlalchemy.engine import URL, make_url
from sqlalchemy.util.concurrency import await_

DRIVER = "inline"


class _Ran:
    """Awaiting it returns at once. The asyncio engine checks that a statement's execution
    awaited something (else the driver is a blocking one, used by mistake); here, running
    at once is the point, so each statement awaits this, for one switch of greenlets."""

    def __await__(self) -> Generator[Any, None, None]:
        return
        yield


_RAN = _Ran()


class _Cursor(sqlite3.Cursor):
    def execute(self, sql: str, parameters: Any = (), /) -> _Cursor:
        await_(_RAN)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Any], /) -> _Cursor:
        await_(_RAN)
        return super().executemany(sql, seq_of_parameters)

    async def _async_soft_close(self) -> None:
        """The asyncio engine's hook for a driver's cursor whose rows it must fetch before
        leaving the greenlet; `sqlite3` gives them on the spot, whenever they are read."""


class _Connection(sqlite3.Connection):
    def cursor(self, factory: Any = _Cursor) -> Any:
        return super().cursor(factory)


class InlineSQLiteDialect(SQLiteDialect_pysqlite):
    """`sqlite3`, called on the event loop's thread by the asyncio engine."""

    driver = DRIVER
    is_async = True  # the asyncio engine runs it; its calls simply never wait
    supports_statement_cache = True

    @classmethod
    def get_pool_class(cls, url: URL) -> type[pool.Pool]:
        # The asyncio engine's pool (a memory database is one connection, as pysqlite's).
        return pool.AsyncAdaptedQueuePool if cls._is_url_file_db(url) else pool.StaticPool

    def connect(self, *args: Any, **kwargs: Any) -> Any:
        return super().connect(*args, factory=_Connection, **kwargs)

    def get_driver_connection(self, connection: Any) -> Any:
        return connection


registry.register(f"sqlite.{DRIVER}", __name__, InlineSQLiteDialect.__name__)


def inline_url(url: str) -> URL:
    """A SQLite URL (`sqlite+aiosqlite:///...`, as configured) with this driver."""
    return make_url(url).set(drivername=f"sqlite+{DRIVER}")
