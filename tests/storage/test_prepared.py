"""A turn's fixed statements run as their driver's SQL (storage/prepared.py): what they write
must be what SQLAlchemy's own execution wrote, on both databases."""

from __future__ import annotations

import gc
import tracemalloc
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, bindparam, event, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.messages import OutgoingMessage, Reply, Text
from flows.ports import ConversationState, Receipt
from storage.clock import to_db
from storage.conversations import SqlConversationStore
from storage.db import in_one_go, sessions
from storage.keys import MAGIC
from storage.models import Conversation, Person, ProcessedUpdate
from storage.prepared import Prepared
from storage.updates import SeenUpdates
from tests.clock import MovableClock

ANSWER = Reply("ru", (OutgoingMessage((Text("ask-address"),), ()),), None)


async def test_a_turns_writes_carry_the_bots_clock_and_seal_the_state(
        db: AsyncEngine, clock: MovableClock) -> None:
    store, log = SqlConversationStore(sessions(db)), SeenUpdates(sessions(db))
    async with store.turn("telegram", "51"):  # the first turn: the rows are made
        await store.save("telegram", "51", ConversationState(
            language="ru", flow="visit", cursor="iin", answers={"surname": "Иванова"}), "Айгүл")
    assert await log.receive_all("telegram", [("900", {"update_id": 900})]) == [True]

    clock.advance(timedelta(days=3))
    answered = to_db(clock())
    async with store.turn("telegram", "51"):  # an answer: the rows as loaded are written
        state = await store.load("telegram", "51")
        assert state is not None
        state.answers["iin"], state.cursor = "871008401427", "address"
        await store.save("telegram", "51", state, "Айгүл", Receipt("900", ANSWER))
    clock.advance(timedelta(minutes=5))
    sent = to_db(clock())
    await log.progress("telegram", "900", 1, done=True)
    second = timedelta(seconds=1)  # the test's clock runs on from where it was moved to

    async with sessions(db)() as session:
        written, flow = (await session.execute(
            select(Conversation.updated_at, Conversation.flow))).one()
        assert answered <= written < answered + second and flow == "visit"
        marked, status, calls = (await session.execute(select(
            ProcessedUpdate.at, ProcessedUpdate.status, ProcessedUpdate.sent_calls))).one()
        assert sent <= marked < sent + second and (status, calls) == ("done", 1)
    stored = await in_one_go(db, lambda connection: bytes(connection.exec_driver_sql(
        "SELECT state FROM conversations").scalar_one()))
    assert stored.startswith(MAGIC)
    assert "Иванова".encode() not in stored and b"871008401427" not in stored
    async with store.turn("telegram", "51"):
        assert await store.load("telegram", "51") == ConversationState(
            language="ru", flow="visit", cursor="address",
            answers={"surname": "Иванова", "iin": "871008401427"})


async def test_only_a_fixed_statement_is_prepared(db: AsyncEngine) -> None:
    """An IN list is rendered for each length, and a default other than the time stamp
    would not be filled: both are refused when first run, not run wrong."""
    by_list = Prepared(select(Person.id).where(
        Person.channel.in_(bindparam("channels", expanding=True))))
    with_a_default = Prepared(insert(Conversation.__table__).values(  # type: ignore[arg-type]
        person_id=bindparam("the_person")))
    for prepared, values in ((by_list, {"channels": ["telegram"]}),
                             (with_a_default, {"the_person": 1})):
        with pytest.raises(TypeError):
            await in_one_go(db, lambda connection, p=prepared, v=values: p.run(connection, v))


async def test_a_prepared_statements_failure_is_sqlalchemys_and_rolls_the_transaction_back(
        db: AsyncEngine) -> None:
    """On SQLite a prepared statement runs on the driver's cursor: its errors must still be
    SQLAlchemy's, which the stores catch, and leave nothing of the transaction behind."""
    log = ProcessedUpdate.__table__
    arrive = Prepared(insert(log).values(  # type: ignore[arg-type]
        channel=bindparam("the_channel"), key=bindparam("the_key"), status="received",
        sent_calls=0))
    await in_one_go(db, lambda connection: arrive.run(
        connection, {"the_channel": "telegram", "the_key": "1"}))

    def twice(connection: Connection) -> None:
        arrive.run(connection, {"the_channel": "telegram", "the_key": "2"})
        arrive.run(connection, {"the_channel": "telegram", "the_key": "1"})

    with pytest.raises(IntegrityError):
        await in_one_go(db, twice)
    keys = await in_one_go(db, lambda connection: connection.exec_driver_sql(
        "SELECT key FROM processed_updates").scalars().all())
    assert keys == ["1"]


async def test_whoever_listens_to_the_engines_statements_is_told_the_prepared_ones(
        db: AsyncEngine) -> None:
    store = SqlConversationStore(sessions(db))
    async with store.turn("telegram", "52"):
        await store.save("telegram", "52", ConversationState(language="ru"))
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(" ".join(sql.split()).upper())

    event.listen(db.sync_engine, "before_cursor_execute", record)
    try:
        async with store.turn("telegram", "52"):
            state = await store.load("telegram", "52")
            assert state is not None
            state.flow = "visit"
            await store.save("telegram", "52", state)
    finally:
        event.remove(db.sync_engine, "before_cursor_execute", record)
    # the load and the save (PostgreSQL adds its pool's ping and the turn's lock)
    assert [sql.split()[0] for sql in seen if "CONVERSATIONS" in sql] == ["SELECT", "UPDATE"]


@pytest.mark.sqlite_only("the driver's cursor is used on the embedded SQLite only")
async def test_a_long_run_of_prepared_statements_gives_its_memory_back(db: AsyncEngine) -> None:
    """A bot that only answers menu texts runs nothing but prepared statements for hours: each
    must leave nothing behind on the process's one connection (a cursor made with
    `sqlite3.Cursor(connection)` left a dead reference there, ~90 bytes, until 200 cursors
    were made the usual way)."""
    lookup = Prepared(select(Person.id).where(Person.channel == bindparam("the_channel")))

    def many(connection: Connection) -> None:
        for _ in range(20_000):
            lookup.run(connection, {"the_channel": "telegram"})

    await in_one_go(db, many)  # the first run's renderings and caches, kept for good
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        await in_one_go(db, many)
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert kept < 200_000, f"{kept} bytes kept after 20,000 statements"
