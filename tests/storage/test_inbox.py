"""The update log on a real SQLite file: an update is kept from its receipt until its reply
is sent, and marked handled in the transaction that saves the state it changed."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.messages import Attachment, Choice, OutgoingMessage, Reply, Text
from flows.ports import ConversationState, HandledBefore, Receipt
from storage.conversations import SqlConversationStore
from storage.db import alembic_config, create_engine, migrate, sessions
from storage.models import ProcessedUpdate
from storage.updates import SeenUpdates
from tests.clock import MovableClock
from tests.sealing import KEYRING
from tests.storage.conftest import DatabaseUrl

UPDATE = {"update_id": 7, "message": {"message_id": 1, "text": "Иванова"}}
REPLY = Reply(
    "ru",
    (
        OutgoingMessage((Text("flow-progress", {"current": 2, "total": 6}),
                         Text("submitted", {"number": "ВП-2026-00001",
                                            "registered": date(2026, 11, 23),
                                            "label": Text("section-period")})),
                        ((Choice(Text("nav-back"), "3:back"),),), ask_contact=True),
        OutgoingMessage((Text("booking-done"),),
                        attachment=Attachment("visit.ics", b"BEGIN:VCALENDAR", "text/calendar")),
    ),
    notice=Text("language-set"),
    escalate=True,
)


def turn(answer: str) -> ConversationState:
    return ConversationState(language="ru", flow="visit", cursor="first_name",
                             answers={"surname": answer}, seq=3)


async def test_an_update_is_kept_until_its_reply_is_out(db: AsyncEngine) -> None:
    log, store = SeenUpdates(sessions(db)), SqlConversationStore(sessions(db))
    assert await log.receive("telegram", "7", UPDATE)
    assert await log.received("telegram") == [UPDATE]
    assert await log.receive("telegram", "7", UPDATE)  # cut short before it was handled

    await store.save("telegram", "42", turn("Иванова"), receipt=Receipt("7", REPLY))
    assert await log.received("telegram") == []
    (owed,) = await log.owed("telegram")
    assert (owed.key, owed.chat, owed.reply, owed.sent, owed.update) == (
        "7", "42", REPLY, 0, UPDATE)
    assert not await log.receive("telegram", "7", UPDATE)  # handled: never again

    await log.progress("telegram", "7", 1)
    assert [owed.sent for owed in await log.owed("telegram")] == [1]
    await log.progress("telegram", "7", 2, done=True)
    assert await log.owed("telegram") == []
    async with sessions(db)() as session:
        row = await session.get(ProcessedUpdate, ("telegram", "7"))
    assert row is not None and (row.payload, row.reply) == (None, None)  # personal data gone
    assert row.sent_calls == 2
    assert not await log.receive("telegram", "7", UPDATE)


async def test_a_reply_given_up_is_owed_no_more(db: AsyncEngine) -> None:
    log, store = SeenUpdates(sessions(db)), SqlConversationStore(sessions(db))
    await log.receive("telegram", "7", UPDATE)
    await store.save("telegram", "42", turn("Иванова"), receipt=Receipt("7", REPLY))
    await log.close("telegram", "7")  # e.g. the person blocked the bot
    assert await log.owed("telegram") == [] and await log.received("telegram") == []
    assert not await log.receive("telegram", "7", UPDATE)


async def test_a_second_turn_for_one_update_saves_nothing(db: AsyncEngine) -> None:
    log, store = SeenUpdates(sessions(db)), SqlConversationStore(sessions(db))
    await log.receive("telegram", "7", UPDATE)
    await store.save("telegram", "42", turn("Иванова"), receipt=Receipt("7", REPLY))
    with pytest.raises(HandledBefore):
        await store.save("telegram", "42", turn("Петрова"), receipt=Receipt("7", REPLY))
    assert await store.load("telegram", "42") == turn("Иванова")
    assert [owed.reply for owed in await log.owed("telegram")] == [REPLY]


async def test_a_turn_for_an_update_never_logged_marks_it(db: AsyncEngine) -> None:
    log, store = SeenUpdates(sessions(db)), SqlConversationStore(sessions(db))
    await store.save("telegram", "42", turn("Иванова"), receipt=Receipt("9", REPLY))
    assert [(owed.key, owed.update) for owed in await log.owed("telegram")] == [("9", {})]
    assert not await log.receive("telegram", "9", UPDATE)


async def test_channels_keep_their_own_updates(db: AsyncEngine) -> None:
    log = SeenUpdates(sessions(db))
    await log.receive("telegram", "7", UPDATE)
    assert await log.received("whatsapp") == []
    assert await log.first_time("whatsapp", "7")


async def test_updates_marked_before_the_upgrade_stay_handled(
    tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl
) -> None:
    url = database_url(tmp_path)
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0005")
    db = create_engine(url, clock, KEYRING)
    async with db.begin() as connection:
        await connection.execute(text(
            "INSERT INTO processed_updates (channel, key, at) "
            "VALUES ('telegram', '5', '2026-11-23 05:00:00')"))
    await migrate(url)
    log = SeenUpdates(sessions(db))
    assert not await log.receive("telegram", "5", UPDATE)
    assert await log.received("telegram") == [] and await log.owed("telegram") == []
    async with sessions(db)() as session:
        assert await session.scalar(select(ProcessedUpdate.status)) == "done"
    await db.dispose()


async def test_a_polls_updates_are_logged_at_once_with_the_verdict_of_each(
    db: AsyncEngine,
) -> None:
    log, store = SeenUpdates(sessions(db)), SqlConversationStore(sessions(db))
    assert await log.receive("telegram", "7", UPDATE)  # a poll a crash cut short
    await store.save("telegram", "42", turn("Иванова"), receipt=Receipt("7", REPLY))
    assert await log.receive("telegram", "8", {"update_id": 8})  # received, never handled
    assert await log.first_time("telegram", "9")  # the staff group's, done on receipt

    verdicts = await log.receive_all("telegram", [
        ("7", UPDATE), ("8", {"update_id": 8}), ("9", None), ("10", {"update_id": 10}),
        ("11", None)])

    # handled before: no; received but cut short: again; the group's seen: no; new: yes
    assert verdicts == [False, True, False, True, True]
    assert await log.received("telegram") == [{"update_id": 8}, {"update_id": 10}]
    assert not await log.first_time("telegram", "11")  # the new group update is done


async def test_a_batch_the_database_refuses_is_logged_one_by_one(db: AsyncEngine) -> None:
    """An insert that meets a key already there (another replica logged it meanwhile; here,
    the same update twice in one batch) rolls the batch back: each is then logged alone."""
    log = SeenUpdates(sessions(db))
    verdicts = await log.receive_all("telegram", [("20", {"update_id": 20}), ("21", None),
                                                  ("21", None)])
    assert verdicts == [True, True, False]
    assert await log.received("telegram") == [{"update_id": 20}]


async def test_with_replicas_a_process_takes_over_only_what_nobody_touched_lately(
    db: AsyncEngine, clock: MovableClock,
) -> None:
    """A replica starting, or sweeping, must not answer again what a live one is answering:
    it finishes an update (or the rest of its reply) only once nobody touched it for a while
    — a dead replica's."""
    mine = SeenUpdates(sessions(db), idle=timedelta(minutes=2))
    theirs, store = SeenUpdates(sessions(db)), SqlConversationStore(sessions(db))
    other = {**UPDATE, "update_id": 8}
    assert await theirs.receive("telegram", "7", UPDATE)
    assert await theirs.receive("telegram", "8", other)
    assert await mine.received("telegram") == [] and await mine.owed("telegram") == []

    clock.advance(timedelta(minutes=1))
    await store.save("telegram", "42", turn("Иванова"), receipt=Receipt("7", REPLY))
    clock.advance(timedelta(minutes=1, seconds=30))
    await theirs.progress("telegram", "7", 1)  # its reply is still going out
    assert await mine.received("telegram") == [other]  # left 2.5 minutes ago: a dead one's
    assert await mine.owed("telegram") == []

    clock.advance(timedelta(minutes=2))  # its sender died after the first call
    (owed,) = await mine.owed("telegram")
    assert (owed.key, owed.sent) == ("7", 1)
    assert [o.key for o in await theirs.owed("telegram")] == ["7"]  # alone, all is its own


async def test_a_turns_state_and_reply_are_sealed_at_rest_however_they_are_written(
    db: AsyncEngine
) -> None:
    """The turn's writes go through statements built once (issue 15): the state and the
    reply they carry are sealed all the same, on a person's first turn and on the next."""
    from storage.keys import MAGIC

    log, store = SeenUpdates(sessions(db)), SqlConversationStore(sessions(db))
    for update_id, surname in (("7", "Иванова"), ("8", "Смагулова")):
        await log.receive("telegram", update_id, UPDATE)
        async with store.turn("telegram", "42"):
            await store.load("telegram", "42")
            await store.save("telegram", "42", turn(surname), receipt=Receipt(update_id, REPLY))
        async with db.connect() as connection:
            state = (await connection.execute(text("SELECT state FROM conversations"))).scalar()
            reply = (await connection.execute(text(
                "SELECT reply FROM processed_updates WHERE key = :k"), {"k": update_id})).scalar()
        for raw in (state, reply):
            assert bytes(raw).startswith(MAGIC)
        assert surname.encode() not in bytes(state) and b"booking-done" not in bytes(reply)
    loaded = await store.load("telegram", "42")
    assert loaded is not None and loaded.answers == {"surname": "Смагулова"}
    owed = await log.owed_for("telegram", "8")
    assert owed is not None and owed.reply == REPLY  # the reply reads back whole
