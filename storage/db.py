"""The async engine: SQLite with WAL and foreign keys (the embedded default) or PostgreSQL
through asyncpg (a pool shared by the process), migrations applied at start-up.

alembic (with mako and pygments, 11 MB resident) is imported only when a schema is behind:
a database already at the newest revision is told so by one query, and `python -m bot`
brings it there in a process of its own (`storage/upgrade.py`) before it starts (issue 15)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.util import greenlet_spawn

from flows.clock import Clock, system_clock
from storage.clock import CLOCK_OPTION
from storage.group_commit import in_a_batch
from storage.inline_sqlite import InlineSQLiteDialect, inline_url
from storage.keys import Keyring
from storage.sealed import attach

if TYPE_CHECKING:
    from alembic.config import Config

T = TypeVar("T")
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ROOT = Path(__file__).resolve().parent.parent

# One process's pool on a server: enough for the update handlers, the outbox worker and the
# daily jobs at once, small enough that a few replicas stay well under the server's
# max_connections (100 by default). A connection the server or a proxy dropped is noticed
# before use. Sessions run in UTC: stored times are naive UTC (storage/clock.py), and nothing
# the server computes should read them in another zone.
POSTGRESQL_POOL: dict[str, Any] = {
    "pool_size": 10,
    "max_overflow": 5,
    "pool_timeout": 30,
    "pool_pre_ping": True,
    "pool_recycle": 1800,
    "connect_args": {"server_settings": {"application_name": "citizen-applications-bot",
                                         "TimeZone": "UTC"}},
}


# SQLite runs on the event loop's thread (storage/inline_sqlite.py), so the process has one
# connection: with two, one could wait on SQLite's lock for the other, which cannot go on while
# the loop waits. A connection coming back to the pool was already rolled back by the session
# or connection that used it: the pool's own rollback would be one more call for nothing
# (but for a failed commit's, `_none_left_open`).
SQLITE_POOL: dict[str, Any] = {"pool_reset_on_return": None, "pool_size": 1, "max_overflow": 0}


def create_engine(url: str, clock: Clock, keyring: Keyring | None) -> AsyncEngine:
    """The engine carries the app's clock (row timestamps are stamped from it) and the data
    key (personal columns are sealed with it; without one, touching them is a `KeyProblem`)."""
    parsed = make_url(url)
    _private_sqlite_file(url)
    options = POSTGRESQL_POOL if parsed.get_backend_name() == "postgresql" else {}
    if parsed.get_backend_name() == "sqlite":
        parsed, options = inline_url(url), SQLITE_POOL
    engine = create_async_engine(parsed, execution_options={CLOCK_OPTION: clock}, **options)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "checkin", _none_left_open)
    if keyring is not None:
        attach(engine, keyring)
    return engine


def _private_sqlite_file(url: str) -> None:
    """The embedded database is its owner's alone: the folder 0700, the file 0600 (SQLite
    gives its WAL and shared-memory files the database file's mode)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(parsed.database)
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # an empty file is an empty db
    for existing in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if existing.exists():
            existing.chmod(0o600)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the writer
    # With WAL, a commit survives the process being killed (the crash tests kill it); only a
    # power cut may lose the last commits. Syncing every commit cost a fifth of throughput.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA secure_delete=ON")  # erased data leave no bytes in free pages
    cursor.close()


def _none_left_open(connection: Any, _record: Any) -> None:
    """SQLite keeps a transaction open when its COMMIT fails (a foreign key checked at the
    commit, a full disk): the pool does not roll back (`SQLITE_POOL`), and whoever took the
    one connection next would inherit it, and fail in turn."""
    if connection is not None and connection.in_transaction:
        connection.rollback()


def sessions(engine: AsyncEngine) -> async_sessionmaker[Any]:
    return async_sessionmaker(engine, expire_on_commit=False)


def engine_of(maker: async_sessionmaker[Any]) -> AsyncEngine:
    """The engine a store's sessions are bound to: a hot path's plain statements go through
    its connections, without an ORM session's bookkeeping."""
    engine = maker.kw["bind"]
    assert isinstance(engine, AsyncEngine)
    return engine


def in_one_go(engine: AsyncEngine, work: Callable[[Connection], T]) -> Awaitable[T]:
    """`work` in one transaction, run as one synchronous call. Through the asyncio API, the
    connection's checkout, its begin, each statement, the commit and the return to the pool
    are each a switch of greenlets, and some a turn of the event loop besides: half of a short
    transaction's cost (issue 15: 156 -> 78 us for one update). On PostgreSQL the driver's own
    waits still yield to the loop, as through the asyncio API. On the embedded SQLite, the
    works asked at one moment share one transaction (storage/group_commit.py)."""
    if isinstance(engine.sync_engine.dialect, InlineSQLiteDialect):
        return in_a_batch(engine.sync_engine, work)

    def run() -> T:
        with engine.sync_engine.begin() as connection:
            return work(connection)

    return greenlet_spawn(run)


def alembic_config(url: str) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


class MigrationFailed(Exception):
    """The schema could not be brought to the newest revision; the message says why."""


def newest_revision() -> str:
    """The head of the migrations, read from their file names (`0025_outbox_queue_index.py`
    is revision 0025; a test holds this to what alembic itself finds)."""
    return max(path.name.split("_", 1)[0] for path in (MIGRATIONS / "versions").glob("*.py"))


async def migrate(url: str, *, apart: bool = False) -> None:
    """Bring the schema to the newest revision: at once if it is there already; else through
    alembic, in this process (it runs its own loop in a thread) or, `apart`, in a process of
    its own, so that this one never holds alembic."""
    _private_sqlite_file(url)
    if await _at_head(url):
        return
    if apart:
        await _migrate_apart(url)
        return
    from alembic import command

    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")


async def _at_head(url: str) -> bool:
    engine = create_engine(url, system_clock, None)  # the version is not sealed
    try:
        async with engine.connect() as connection:
            try:
                found = (await connection.execute(
                    text("SELECT version_num FROM alembic_version"))).scalars().all()
            except DBAPIError:  # no table yet: a new database
                return False
    finally:
        await engine.dispose()
    return list(found) == [newest_revision()]


async def _migrate_apart(url: str) -> None:
    """`python -m storage.upgrade`, told the URL on its input (not in its arguments, which
    any user of the machine can list); its last words are the failure's reason."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "storage.upgrade", cwd=ROOT, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    _, said = await child.communicate(url.encode())
    if child.returncode and child.returncode < 0:  # a signal to the whole group, as Ctrl+C
        raise MigrationFailed(f"stopped by {signal.Signals(-child.returncode).name}")
    if child.returncode != 0:
        words = said.decode(errors="replace").strip().splitlines()
        raise MigrationFailed(words[-1] if words else f"exit status {child.returncode}")
