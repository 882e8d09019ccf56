"""The embedded SQLite's short transactions, committed together (issue 15).

A turn's statements are a few microseconds each in SQLite; what cost is around them: a
transaction's begin and commit through SQLAlchemy (the pool's checkout, the connection, its
events) and SQLite's own commit, ~185 µs a transaction, three or four times a turn. Under
load, many people's turns want one at the same moment. So every `storage.db.in_one_go` asked
for in one turn of the event loop runs in one transaction, each in a savepoint of its own:

- a work that fails is rolled back to its savepoint, and only its caller is told;
- each caller is answered after the commit, so nobody acts on a write that is not yet
  durable (a reply is still sent only after its turn is saved);
- if the commit fails, every caller is told, and nothing of the batch is kept;
- a work runs in its caller's context (a turn's `ContextVar`s), in the order asked.

On PostgreSQL each work keeps a transaction of its own: its statements wait on the server,
and a batch would hold them all.
"""

from __future__ import annotations

import asyncio
import contextvars
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.util import greenlet_spawn

Work = Callable[[Connection], Any]


@dataclass
class _Asked:
    work: Work
    answer: asyncio.Future[Any]
    context: contextvars.Context = field(default_factory=contextvars.copy_context)
    failure: BaseException | None = None
    result: Any = None


class _Batches:
    """One engine's queue: the works asked since its last batch was taken."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.waiting: list[_Asked] = []
        self.flushing: set[asyncio.Task[None]] = set()  # held: a bare task may be collected

    def ask(self, work: Work) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        asked = _Asked(work, loop.create_future())
        self.waiting.append(asked)
        if len(self.waiting) == 1:
            task = loop.create_task(self._flush())
            self.flushing.add(task)
            task.add_done_callback(self.flushing.discard)
        return asked.answer

    def _take(self) -> list[_Asked]:
        taken, self.waiting = self.waiting, []
        return [asked for asked in taken if not asked.answer.cancelled()]

    async def _flush(self) -> None:
        taken: list[_Asked] = []

        def run() -> None:
            # Taken once the connection is ours: what was asked while waiting for it joins.
            with self.engine.begin() as connection:
                taken.extend(self._take())
                _run_all(connection, taken)

        try:
            await greenlet_spawn(run)
        except Exception as error:  # the begin or the commit: nothing of the batch is kept
            taken = taken or self._take()
            for asked in taken:
                asked.failure = asked.failure or error
        except BaseException:  # the loop is closing: so are its callers
            for asked in taken or self._take():
                asked.answer.cancel()
            raise
        _answer(taken)


def _answer(taken: list[_Asked]) -> None:
    for asked in taken:
        if asked.answer.done():  # the caller was cancelled meanwhile
            continue
        if asked.failure is not None:
            asked.answer.set_exception(asked.failure)
        else:
            asked.answer.set_result(asked.result)


def _run_all(connection: Connection, taken: list[_Asked]) -> None:
    if len(taken) == 1:  # alone, its transaction is all it needs: it fails as a whole
        asked = taken[0]
        asked.result = asked.context.run(asked.work, connection)
        return
    driver: Any = connection.connection.driver_connection
    cursor = sqlite3.Cursor(driver)
    try:
        if not driver.in_transaction:
            # The write lock at once: a read first, then a write, would fail at once when
            # another process (a backup, a migration) wrote in between, busy_timeout or not.
            cursor.execute("BEGIN IMMEDIATE")
        for asked in taken:
            cursor.execute("SAVEPOINT work")
            try:
                asked.result = asked.context.run(asked.work, connection)
            except Exception as error:
                asked.failure = error
                cursor.execute("ROLLBACK TO work")
            cursor.execute("RELEASE work")
    finally:
        cursor.close()


_QUEUE = "group_commit"  # on the engine: its queue, which dies with it


def in_a_batch(engine: Engine, work: Work) -> asyncio.Future[Any]:
    """`work` in the engine's next batch; the answer is its result once committed."""
    batches = engine.__dict__.get(_QUEUE)
    if batches is None:
        batches = engine.__dict__[_QUEUE] = _Batches(engine)
    return batches.ask(work)
