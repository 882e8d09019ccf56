"""The whole bot on a real PostgreSQL (issue 14): the migrations build its schema, and a visit
application goes from the citizen's first message to the permission's PDF, with the staff
group and the officer under ids of the size Telegram gives today (64-bit)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from storage.db import sessions
from storage.models import Application, OutboxMessage
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_papers_telegram import APPLICATION as APPLICATION_PDF
from tests.handlers.test_papers_telegram import PERMISSION, pdf_in, text_of
from tests.handlers.test_staff_telegram import (
    NUMBER,
    apply,
    citizen_gets,
    current,
    first_line,
    seen,
    staff_says,
)
from tests.pg import Postgres

STAFF_GROUP = -1001987654321  # a supergroup's id as Telegram gives it today
OFFICER = 6123456789  # past 2^31, as users who joined lately have
CITIZEN = 5987654321


@pytest.fixture
async def on_postgresql(telegram: FakeTelegram, tmp_path: Path,
                        postgres: Postgres) -> AsyncIterator[RunningBot]:
    telegram.supergroup(id=STAFF_GROUP, title="Қорғаншылық органы", is_forum=True)
    telegram.user(id=OFFICER, first_name="Дана", last_name="Маман")
    telegram.set_chat_member(STAFF_GROUP, OFFICER, "member")
    name = postgres.database()
    bot = RunningBot(telegram, tmp_path, staff_chat_id=STAFF_GROUP,
                     database_url=postgres.url(name))
    await bot.start()
    yield bot
    if bot.app is not None:
        await bot.stop()
    postgres.drop(name)


async def officer_taps(telegram: FakeTelegram, message: dict[str, Any], label: str) -> None:
    telegram.user(id=OFFICER).tap(current(telegram, message), label)
    await telegram.settled()


async def test_a_visit_from_application_to_permission_on_postgresql(
    telegram: FakeTelegram, on_postgresql: RunningBot
) -> None:
    assert on_postgresql.app is not None
    assert on_postgresql.app.db.dialect.name == "postgresql"
    citizen = telegram.user(id=CITIZEN, first_name="Айгүл", last_name="Иванова")
    await apply(citizen, "kk")
    title = staff_says("staff-card-title", number=NUMBER, status=staff_says("status-submitted"))
    card = await seen(telegram, STAFF_GROUP, lambda m: m.get("text", "").startswith(title))
    assert "871008401427" in card["text"]
    assert NUMBER in text_of(await pdf_in(telegram, CITIZEN, APPLICATION_PDF))

    await officer_taps(telegram, card, staff_says("staff-action-accept"))
    await citizen_gets(telegram, CITIZEN, says("notify-under-review", "kk", number=NUMBER,
                                               decision="26.11.2026"))

    await on_postgresql.restart()  # what was decided so far is in PostgreSQL, not in memory
    await officer_taps(telegram, card, staff_says("staff-action-approve"))
    offer = telegram.last_message(STAFF_GROUP, card["message_thread_id"])
    assert offer is not None
    await officer_taps(telegram, offer, staff_says("staff-approve-as-asked", **{
        "from": "01.12.2026", "to": "31.12.2026"}))
    notice = await seen(telegram, CITIZEN, lambda m: m.get("text", "").startswith(
        first_line("notify-approved", "kk")))
    assert "01.12.2026" in notice["text"] and "31.12.2026" in notice["text"]
    assert NUMBER in text_of(await pdf_in(telegram, CITIZEN, PERMISSION))

    await pdf_in(telegram, STAFF_GROUP, PERMISSION)  # the staff topic's copy, last to go
    assert on_postgresql.app is not None
    async with sessions(on_postgresql.app.db)() as session:
        application = await session.scalar(select(Application))
        assert application is not None
        await session.refresh(application, ["history"])
    assert application.status == "approved"
    assert [h.status for h in application.history] == ["submitted", "under_review", "approved"]
    assert await all_delivered(on_postgresql)
    mine = telegram.sent_messages(CITIZEN)  # each notice and paper came once
    assert [(m.get("document") or {}).get("file_name") for m in mine
            if m.get("document")] == [APPLICATION_PDF, PERMISSION]
    assert len([m for m in mine if m.get("text", "").startswith(
        first_line("notify-approved", "kk"))]) == 1


async def all_delivered(bot: RunningBot) -> bool:
    """The outbox holds nothing unsent (it marks a message sent just after the call)."""
    assert bot.app is not None
    for _ in range(100):
        async with sessions(bot.app.db)() as session:
            left = (await session.scalars(select(OutboxMessage.key).where(
                OutboxMessage.status != "sent"))).all()
        if not left:
            return True
        await asyncio.sleep(0.05)
    return False
