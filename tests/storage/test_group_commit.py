"""On the embedded SQLite, short transactions asked at one moment are committed together
(storage/group_commit.py): each caller must still see its own work as one transaction of its
own, answered only once durable."""

from __future__ import annotations

import asyncio
import contextvars
from typing import Any

import pytest
from sqlalchemy import Connection, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import in_one_go, sessions
from storage.updates import SeenUpdates

pytestmark = pytest.mark.sqlite_only("PostgreSQL keeps a transaction per work")
WHO: contextvars.ContextVar[str] = contextvars.ContextVar("who", default="nobody")


def write(key: str) -> Any:
    def work(connection: Connection) -> str:
        connection.exec_driver_sql(
            "INSERT INTO processed_updates (channel, key, at, status, sent_calls)"
            " VALUES ('telegram', ?, '2026-11-23 05:00:00', 'done', 0)", (key,))
        return key
    return work


async def keys(db: AsyncEngine) -> list[str]:
    return list(await in_one_go(db, lambda connection: connection.exec_driver_sql(
        "SELECT key FROM processed_updates ORDER BY key").scalars().all()))


async def test_works_asked_at_once_are_committed_together_and_each_answered(
        db: AsyncEngine) -> None:
    commits: list[int] = []
    event.listen(db.sync_engine, "commit", lambda _connection: commits.append(1))
    answers = await asyncio.gather(*(in_one_go(db, write(f"k{n:02}")) for n in range(30)))
    assert answers == [f"k{n:02}" for n in range(30)]
    assert len(commits) == 1
    assert await keys(db) == answers


async def test_a_failing_work_is_rolled_back_alone_and_only_its_caller_is_told(
        db: AsyncEngine) -> None:
    def fails(connection: Connection) -> None:
        write("mine")(connection)
        write("k1")(connection)  # already there: the whole work must leave nothing

    first, failing, last = await asyncio.gather(
        in_one_go(db, write("k1")), in_one_go(db, fails), in_one_go(db, write("k2")),
        return_exceptions=True)
    assert (first, last) == ("k1", "k2")
    assert isinstance(failing, IntegrityError)
    assert await keys(db) == ["k1", "k2"]


async def test_a_commit_that_fails_tells_every_caller_and_keeps_nothing(
        db: AsyncEngine) -> None:
    def orphan(connection: Connection) -> None:
        # A foreign key checked only at the commit: the whole batch's commit fails.
        connection.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        connection.exec_driver_sql(
            "INSERT INTO conversations (person_id, state, updated_at)"
            " VALUES (999999, X'00', '2026-11-23 05:00:00')")

    answers = await asyncio.gather(in_one_go(db, write("k1")), in_one_go(db, orphan),
                                   return_exceptions=True)
    assert all(isinstance(answer, IntegrityError) for answer in answers), answers
    assert await keys(db) == []


async def test_a_work_runs_in_its_callers_context(db: AsyncEngine) -> None:
    async def ask(who: str) -> str:
        WHO.set(who)
        return await in_one_go(db, lambda _connection: WHO.get())

    assert await asyncio.gather(ask("Айгүл"), ask("Ерлан")) == ["Айгүл", "Ерлан"]


async def test_a_caller_cancelled_before_its_batch_ran_has_nothing_written(
        db: AsyncEngine) -> None:
    cancelled = asyncio.ensure_future(in_one_go(db, write("gone")))
    kept = asyncio.ensure_future(in_one_go(db, write("kept")))
    cancelled.cancel()  # asked, and cancelled before the loop ran the batch
    assert await kept == "kept"
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    assert await keys(db) == ["kept"]


async def test_a_polls_receipt_and_marks_at_once_are_all_written(db: AsyncEngine) -> None:
    """The stores' own works, as a burst of turns asks them."""
    log = SeenUpdates(sessions(db))
    arrivals = [(str(n), {"update_id": n}) for n in range(20)]
    assert await log.receive_all("telegram", arrivals) == [True] * 20
    await asyncio.gather(*(log.progress("telegram", str(n), 1, done=True) for n in range(20)))
    assert await log.receive_all("telegram", arrivals) == [False] * 20
    assert await log.received("telegram") == []
